//! Errors at the edge: telling a usage mistake (exit 2) from a data problem (exit 1), and
//! rendering an error chain as one Chinese sentence.

/// A mistake in how a command was typed (exit status 2), as opposed to a problem with the data
/// or the store (exit status 1). `main` prints it with a pointer to the command's `--help`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Whether a failed command failed for how it was typed (exit 2) rather than for the data (1):
/// a [`UsageError`], or the importer's own usage errors (a malformed `--map`, an unknown
/// `--designation` or `--sheet`, a directory for a file) anywhere in the error chain.
pub fn is_usage_mistake(e: &anyhow::Error) -> bool {
    use crate::ingest::IngestError;
    use crate::targets::TargetError;
    e.chain().any(|c| {
        c.is::<UsageError>()
            // A --scope or --types naming nothing known.
            || matches!(
                c.downcast_ref::<TargetError>(),
                Some(TargetError::UnknownScope { .. } | TargetError::UnknownType { .. })
            )
            || matches!(
                c.downcast_ref::<IngestError>(),
                Some(
                    IngestError::Usage(_)
                        | IngestError::SheetNotFound { .. }
                        | IngestError::BadMap(..)
                        | IngestError::MapColumnMissing { .. }
                        | IngestError::UnknownEncoding(_)
                )
            )
    })
}

/// An error as the user reads it: the chain of causes joined with "：", each cause said once
/// (a store error that already quotes its source is not followed by that source again), and the
/// operating system's and SQLite's English for common failures put into Chinese.
pub fn error_text(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut english: Vec<(String, String)> = Vec::new();
    for cause in e.chain() {
        let text = cause.to_string();
        let io = cause.downcast_ref::<std::io::Error>().or(
            match cause.downcast_ref::<rust_xlsxwriter::XlsxError>() {
                Some(rust_xlsxwriter::XlsxError::IoError(inner)) => Some(inner),
                _ => None,
            },
        );
        if let Some(io) = io
            && let Some(zh) = io_reason(io.kind())
        {
            english.push((text.clone(), zh.to_string()));
        }
        let sqlite = cause.downcast_ref::<rusqlite::Error>().or(
            match cause.downcast_ref::<crate::store::StoreError>() {
                Some(crate::store::StoreError::Sqlite(inner)) => Some(inner),
                _ => None,
            },
        );
        if let Some(err @ rusqlite::Error::SqliteFailure(f, _)) = sqlite
            && f.code == rusqlite::ErrorCode::CannotOpen
        {
            english.push((
                err.to_string(),
                "无法打开数据库文件（路径是目录、所在目录不存在或没有权限）".to_string(),
            ));
        }
        if parts.last().is_some_and(|p| p.contains(&text)) {
            continue;
        }
        parts.push(text);
    }
    let mut out = parts.join("：");
    for (en, zh) in english {
        out = out.replace(&en, &zh);
    }
    out
}

/// An I/O failure in Chinese where it is a common one, else as the system words it.
pub fn io_text(e: &std::io::Error) -> String {
    io_reason(e.kind()).map_or_else(|| e.to_string(), str::to_string)
}

/// Chinese for the I/O failures users meet (a wrong path, permissions, a full disk).
fn io_reason(kind: std::io::ErrorKind) -> Option<&'static str> {
    use std::io::ErrorKind as K;
    Some(match kind {
        K::NotFound => "文件或目录不存在，请检查路径",
        K::PermissionDenied => "没有权限",
        K::AlreadyExists => "文件已存在",
        K::IsADirectory => "这是一个目录，不是文件",
        K::NotADirectory => "路径中有一段不是目录",
        K::StorageFull => "磁盘空间不足",
        K::ReadOnlyFilesystem => "文件系统是只读的",
        _ => return None,
    })
}

/// Fail with a [`UsageError`].
pub fn usage_error<T>(msg: impl Into<String>) -> anyhow::Result<T> {
    Err(UsageError(msg.into()).into())
}

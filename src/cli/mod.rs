//! The command line: one module per subcommand, each an `Args` struct and a `run`.
//!
//! Exit status: 0 done, 1 a data problem (nothing written), 2 a usage error: anything clap
//! rejects, and the mistakes only visible after parsing ([`UsageError`]), such as a writing
//! command under `--read-only`.

pub mod backup;
pub mod demo;
pub mod export;
pub mod help;
pub mod import;
pub mod imports;
pub mod init;
pub mod search;
pub mod show;
pub mod targets;

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::store::{OpenOptions, Store};

/// 园企 yuanqi — 园区、企业、认定与目标的终端工具。
#[derive(Debug, Parser)]
#[command(name = "yuanqi", version, long_about = None)]
pub struct Cli {
    /// 数据库文件（默认 $YUANQI_DB，否则 $XDG_DATA_HOME/yuanqi/yuanqi.db）
    #[arg(long, global = true, value_name = "PATH", help_heading = "全局选项")]
    pub db: Option<PathBuf>,

    /// 只读打开：不创建、不迁移、不写入（可浏览只读挂载上的共享库）
    #[arg(long, global = true, help_heading = "全局选项")]
    pub read_only: bool,

    /// 新建数据库文件时允许同组用户读写（0660），默认仅本人（0600）
    #[arg(long, global = true, help_heading = "全局选项")]
    pub shared: bool,

    /// 用 + - | 画边框（适用于把制表符显示成双宽的终端，如 PuTTY、Xshell 的中文模式）
    #[arg(long, global = true, help_heading = "全局选项")]
    pub ascii: bool,

    /// 单色界面（也可设置环境变量 NO_COLOR）
    #[arg(long, global = true, help_heading = "全局选项")]
    pub no_color: bool,

    /// 界面支持鼠标：单击选中一行（再次单击打开）、滚轮滚动、单击标签切换画面；开启后在终端里选取文字需按住 Shift 拖动
    #[arg(long, global = true, help_heading = "全局选项")]
    pub mouse: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 创建数据库并载入内置数据（已存在则不变）
    Init(init::Args),
    /// 按中文、全拼、拼音首字母、简称或信用代码查找企业和园区
    Search(search::Args),
    /// 显示企业或园区的档案卡
    Show(show::Args),
    /// 在线备份数据库到文件（他人正在使用时也能得到一致的副本）
    Backup(backup::Args),
    /// 规划目标：计算数与填报数、进度和差距；show 看详情，add/report/rm/import 管理自己的目标
    Targets(Box<targets::Args>),
    /// 导入表格（xlsx/xls/ods/csv）：企业名录、认定名单或园区；有问题则整体不写入
    Import(import::Args),
    /// 查看导入记录，或撤销一次导入（imports undo ID）
    Imports(imports::Args),
    /// 导出企业、园区或认定为 csv/xlsx/json（可再导入）
    Export(export::Args),
    /// 生成虚构的演示数据库（供性能测试与演示；不会改动正式数据库）
    Demo(demo::Args),
}

/// A mistake in how a command was typed (exit status 2), as opposed to a problem with the data
/// or the store (exit status 1). `main` prints it with a pointer to the command's `--help`.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Whether a failed command failed for how it was typed (exit 2) rather than for the data (1):
/// a [`UsageError`], or the importer's own usage errors (a malformed `--map`, an unknown
/// `--designation`, a directory for a file) anywhere in the error chain.
pub fn is_usage_mistake(e: &anyhow::Error) -> bool {
    use crate::ingest::IngestError;
    e.chain().any(|c| {
        c.is::<UsageError>()
            || matches!(
                c.downcast_ref::<IngestError>(),
                Some(
                    IngestError::Usage(_)
                        | IngestError::BadMap(..)
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

/// A value that must say something (a search query, a name): blank is a usage mistake.
pub fn non_blank(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        Err("不能为空，请写出要查找的名称、简称、拼音或信用代码".into())
    } else {
        Ok(s.to_string())
    }
}

/// A count of at least 1 (`--limit`, `--enterprises`).
pub fn positive_count(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("应至少为 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err("应为正整数，如 20".into()),
    }
}

/// A four-digit year as the documents use them (1949–2100).
pub fn year(s: &str) -> Result<i32, String> {
    match s.trim().trim_end_matches('年').parse::<i32>() {
        Ok(y) if (1949..=2100).contains(&y) => Ok(y),
        _ => Err("应为四位年份，如 2024".into()),
    }
}

/// A CSV encoding name `--encoding` accepts (checked here, passed on as typed).
pub fn encoding_name(s: &str) -> Result<String, String> {
    crate::ingest::encoding::Encoding::parse(s)
        .map(|_| s.to_string())
        .map_err(|_| "可用：utf-8、gbk、gb18030".into())
}

/// A designation or target level: 国家级、省级、市级、县级 (also 国、省 …).
pub fn level(s: &str) -> Result<crate::model::Level, String> {
    crate::model::Level::parse(s).ok_or_else(|| "应为 国家级、省级、市级 或 县级".into())
}

/// One `--map '表头=字段'`, checked as the importer reads it.
pub fn map_spec(s: &str) -> Result<String, String> {
    use crate::ingest::IngestError;
    match crate::ingest::header::parse_maps(&[s.to_string()]) {
        Ok(_) => Ok(s.to_string()),
        Err(IngestError::BadMap(_, fields)) => {
            Err(format!("应写成 '表头=字段'，字段可用：{fields}"))
        }
        Err(e) => Err(e.to_string()),
    }
}

/// A level as typed, once [`level`] accepts it.
pub fn level_name(s: &str) -> Result<String, String> {
    level(s).map(|_| s.to_string())
}

/// Where the store lives when `--db` is not given.
pub fn default_db_path() -> PathBuf {
    if let Some(p) = std::env::var_os("YUANQI_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("yuanqi").join("yuanqi.db")
}

impl Cli {
    /// The words a user typed to reach the subcommand, for "see `yuanqi targets add --help`".
    pub fn command_path(&self) -> String {
        let sub = match &self.command {
            None => return "yuanqi".into(),
            Some(Command::Init(_)) => "init",
            Some(Command::Search(_)) => "search",
            Some(Command::Show(_)) => "show",
            Some(Command::Backup(_)) => "backup",
            Some(Command::Targets(a)) => match &a.action {
                None => "targets",
                Some(targets::Action::Add(_)) => "targets add",
                Some(targets::Action::Report(_)) => "targets report",
                Some(targets::Action::Rm(_)) => "targets rm",
                Some(targets::Action::Show(_)) => "targets show",
                Some(targets::Action::Figures(_)) => "targets figures",
                Some(targets::Action::Import(_)) => "targets import",
            },
            Some(Command::Import(_)) => "import",
            Some(Command::Imports(a)) => match a.action {
                Some(imports::Action::Undo { .. }) => "imports undo",
                _ => "imports",
            },
            Some(Command::Export(_)) => "export",
            Some(Command::Demo(_)) => "demo",
        };
        format!("yuanqi {sub}")
    }

    pub fn db_path(&self) -> PathBuf {
        self.db.clone().unwrap_or_else(default_db_path)
    }

    /// Open the store as the global flags say (creating and seeding it when missing).
    pub fn open_store(&self) -> anyhow::Result<Store> {
        let path = self.db_path();
        let opts = OpenOptions {
            read_only: self.read_only,
            shared: self.shared,
            create: true,
        };
        Store::open(&path, &opts).with_context(|| format!("无法打开数据库 {}", path.display()))
    }
}

/// Output format for commands that print records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

impl Command {
    /// Whether the command writes to the store (and so cannot run under `--read-only`).
    pub fn writes(&self) -> bool {
        match self {
            Command::Init(_) | Command::Demo(_) => true,
            Command::Import(a) => !a.dry_run,
            Command::Imports(a) => matches!(a.action, Some(imports::Action::Undo { .. })),
            Command::Targets(a) => match &a.action {
                Some(targets::Action::Add(_) | targets::Action::Report(_))
                | Some(targets::Action::Rm(_)) => true,
                Some(targets::Action::Import(i)) => !i.dry_run,
                _ => false,
            },
            Command::Search(_) | Command::Show(_) | Command::Backup(_) | Command::Export(_) => {
                false
            }
        }
    }
}

/// Run a subcommand. The TUI (no subcommand) is started by `main`.
pub fn run(cli: &Cli, command: &Command) -> anyhow::Result<()> {
    if cli.read_only && command.writes() {
        return usage_error(format!(
            "{} 需要写入数据库，不能以只读方式（--read-only）运行；去掉 --read-only 再试",
            cli.command_path()
        ));
    }
    match command {
        Command::Init(a) => init::run(cli, a),
        Command::Search(a) => search::run(cli, a),
        Command::Show(a) => show::run(cli, a),
        Command::Backup(a) => backup::run(cli, a),
        Command::Targets(a) => targets::run(cli, a),
        Command::Import(a) => import::run(cli, a),
        Command::Imports(a) => imports::run(cli, a),
        Command::Export(a) => export::run(cli, a),
        Command::Demo(a) => demo::run(cli, a),
    }
}

/// Closest known names to `wanted`, for "did you mean" hints.
pub fn suggestions(store: &Store, wanted: &str, limit: usize) -> Vec<String> {
    let Ok(candidates) = store.search_candidates() else {
        return Vec::new();
    };
    let names: Vec<String> = candidates.iter().map(|c| c.name.clone()).collect();
    let hits: Vec<String> = crate::search::SearchIndex::new(candidates)
        .search(wanted, limit)
        .into_iter()
        .map(|h| h.name)
        .collect();
    if !hits.is_empty() {
        return hits;
    }
    crate::search::closest(wanted, names.iter().map(String::as_str), limit)
}

//! `e` / `E`: write the enterprises of the current filtered view to a CSV (UTF-8 with a BOM so
//! spreadsheet programs read the Chinese right) or xlsx file in the current directory, or in
//! $HOME when the current directory is not writable. The rows and columns are those of
//! `yuanqi export enterprises` ([`crate::ingest::export`]), so both give the same file.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::ingest::export as ex;
use crate::store::{Filter, Store};

/// File format of an export from the TUI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

/// Write the filtered enterprises; returns the file and the number of rows.
pub fn export_enterprises(
    store: &Store,
    filter: &Filter,
    format: Format,
) -> anyhow::Result<(PathBuf, usize)> {
    let mut dirs: Vec<PathBuf> = vec![std::env::current_dir().unwrap_or_else(|_| ".".into())];
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home));
    }
    export_enterprises_in(store, filter, format, &dirs)
}

/// Write into the first of `dirs` that takes the file.
pub fn export_enterprises_in(
    store: &Store,
    filter: &Filter,
    format: Format,
    dirs: &[PathBuf],
) -> anyhow::Result<(PathBuf, usize)> {
    let list = ex::enterprises(store, filter)?;
    let sheet = ex::enterprise_sheet(&list);
    let name = format!(
        "yuanqi-企业-{}.{}",
        chrono::Local::now().format("%Y%m%d-%H%M%S"),
        format.extension()
    );
    let mut last_err = None;
    for dir in dirs {
        let path = dir.join(&name);
        match write(&sheet, format, &path) {
            Ok(()) => return Ok((path, sheet.rows.len())),
            Err(e) => last_err = Some(e),
        }
    }
    Err(last_err.unwrap_or_else(|| anyhow::anyhow!("没有可写的目录")))
}

fn write(sheet: &ex::Sheet, format: Format, path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        anyhow::bail!("{} 已存在", path.display());
    }
    match format {
        Format::Csv => {
            let text = ex::to_csv(sheet)?;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .with_context(|| format!("无法写入 {}", path.display()))?;
            let result = std::io::Write::write_all(&mut file, format!("\u{feff}{text}").as_bytes());
            if let Err(e) = result {
                let _ = std::fs::remove_file(path);
                return Err(e).with_context(|| format!("无法写入 {}", path.display()));
            }
        }
        Format::Xlsx => {
            if let Err(e) = ex::write_xlsx(sheet, path) {
                let _ = std::fs::remove_file(path);
                return Err(e).with_context(|| format!("无法写入 {}", path.display()));
            }
        }
    }
    Ok(())
}

//! `e` / `E`: write the enterprises of the current filtered view to a CSV (UTF-8 with a BOM so
//! spreadsheet programs read the Chinese right) or xlsx file in the current directory, or in
//! $HOME when the current directory is not writable. The rows and columns are those of
//! `yuanqi export enterprises` ([`crate::ingest::export`]), so both give the same file. On the
//! parks screen the parks listed are written (as `yuanqi export parks`); on the targets screen
//! the targets shown (within the chosen scope), as the table shows them.

use std::path::{Path, PathBuf};

use crate::cli::errors::io_text;
use crate::ingest::export as ex;
use crate::store::{Filter, Store};
use crate::tui::state::TargetLine;

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

/// Where an export goes: the current directory, else $HOME.
fn default_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = vec![std::env::current_dir().unwrap_or_else(|_| ".".into())];
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home));
    }
    dirs
}

/// Write the filtered enterprises; returns the file and the number of rows.
pub fn export_enterprises(
    store: &Store,
    filter: &Filter,
    format: Format,
) -> anyhow::Result<(PathBuf, usize)> {
    export_enterprises_in(store, filter, format, &default_dirs())
}

/// Write the parks the parks screen lists (all of them); returns the file and the number of rows.
pub fn export_parks(store: &Store, format: Format) -> anyhow::Result<(PathBuf, usize)> {
    export_parks_in(store, format, &default_dirs())
}

pub fn export_parks_in(
    store: &Store,
    format: Format,
    dirs: &[PathBuf],
) -> anyhow::Result<(PathBuf, usize)> {
    let list = ex::parks(store, &Filter::default())?;
    write_named(&ex::park_sheet(&list), "园区", format, dirs)
}

/// Write the targets as the targets table shows them; returns the file and the number of rows.
pub fn export_targets(rows: &[TargetLine], format: Format) -> anyhow::Result<(PathBuf, usize)> {
    export_targets_in(rows, format, &default_dirs())
}

pub fn export_targets_in(
    rows: &[TargetLine],
    format: Format,
    dirs: &[PathBuf],
) -> anyhow::Result<(PathBuf, usize)> {
    let num = |v: Option<f64>| v.map(crate::targets::fmt_num).unwrap_or_default();
    let sheet = ex::Sheet {
        name: "目标",
        header: vec![
            "代码",
            "目标",
            "范围",
            "期间",
            "期间说明",
            "口径",
            "基数",
            "目标值",
            "计算数",
            "填报数",
            "填报来源",
            "进度",
            "差距",
            "状态",
            "计入",
            "来源",
            "备注",
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.code.clone(),
                    r.name.clone(),
                    r.scope.clone(),
                    r.period.clone(),
                    r.period_note.clone().unwrap_or_default(),
                    r.kind.clone(),
                    num(r.baseline),
                    r.target.clone(),
                    num(r.computed),
                    r.reported_in_full.clone().unwrap_or_default(),
                    r.reported_source.clone().unwrap_or_default(),
                    r.progress
                        .filter(|p| p.is_finite())
                        .map(|p| format!("{:.0}%", p * 100.0))
                        .unwrap_or_default(),
                    num(r.gap),
                    r.status.label().to_string(),
                    r.counts.clone(),
                    r.source.clone(),
                    r.notes.clone(),
                ]
            })
            .collect(),
    };
    write_named(&sheet, "目标", format, dirs)
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
    write_named(&sheet, "企业", format, dirs)
}

/// Exports within one second beyond this many go to the next directory.
const MAX_SAME_SECOND: usize = 99;

/// Where an export went, file name first (a long directory is what gets cut on a narrow
/// status line): "yuanqi-企业-….csv（在 /home/…）".
pub fn saved_at(path: &Path) -> String {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => format!("{file}（在 {}）", dir.display()),
        None => file,
    }
}

/// Write `sheet` as yuanqi-<what>-<time>.<ext> into the first of `dirs` that takes it.
fn write_named(
    sheet: &ex::Sheet,
    what: &str,
    format: Format,
    dirs: &[PathBuf],
) -> anyhow::Result<(PathBuf, usize)> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    let ext = format.extension();
    let mut last_err = None;
    for dir in dirs {
        // A second export within the same second gets "-2", "-3" … beside the first.
        for n in 1..=MAX_SAME_SECOND {
            let name = match n {
                1 => format!("yuanqi-{what}-{stamp}.{ext}"),
                n => format!("yuanqi-{what}-{stamp}-{n}.{ext}"),
            };
            let path = dir.join(name);
            if path.exists() {
                continue;
            }
            match write(sheet, format, &path) {
                Ok(()) => return Ok((path, sheet.rows.len())),
                Err(e) => {
                    last_err = Some(e);
                    break;
                }
            }
        }
    }
    Err(last_err.unwrap_or_else(|| anyhow::anyhow!("没有可写的目录")))
}

fn write(sheet: &ex::Sheet, format: Format, path: &Path) -> anyhow::Result<()> {
    // The TUI shows the message as it is: say the failure in Chinese, as the CLI does.
    let failed = |reason: String| anyhow::anyhow!("无法写入 {}：{reason}", path.display());
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
                .map_err(|e| failed(io_text(&e)))?;
            let result = std::io::Write::write_all(&mut file, format!("\u{feff}{text}").as_bytes());
            if let Err(e) = result {
                let _ = std::fs::remove_file(path);
                return Err(failed(io_text(&e)));
            }
        }
        Format::Xlsx => {
            if let Err(e) = ex::write_xlsx(sheet, path) {
                let _ = std::fs::remove_file(path);
                let reason = match &e {
                    rust_xlsxwriter::XlsxError::IoError(io) => io_text(io),
                    other => other.to_string(),
                };
                return Err(failed(reason));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_export_says_why_in_chinese() {
        let store = Store::open_in_memory().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let missing = vec![dir.path().join("no/such/dir")];
        for format in [Format::Csv, Format::Xlsx] {
            let e =
                export_enterprises_in(&store, &Filter::default(), format, &missing).unwrap_err();
            let text = format!("{e:#}");
            assert!(
                text.contains("无法写入") && text.contains("不存在"),
                "{text}"
            );
            for english in ["No such file", "os error", "directory"] {
                assert!(!text.contains(english), "{format:?}: {text}");
            }
        }
    }
}

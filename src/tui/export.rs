//! `e`: write the enterprises of the current filtered view to a CSV file (UTF-8 with a BOM so
//! spreadsheet programs read the Chinese right) in the current directory, or in $HOME when the
//! current directory is not writable.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::model::text::sanitize;
use crate::store::{Filter, Store};

/// Write the filtered enterprises; returns the file and the number of rows.
pub fn export_enterprises(store: &Store, filter: &Filter) -> anyhow::Result<(PathBuf, usize)> {
    let mut dirs: Vec<PathBuf> = vec![std::env::current_dir().unwrap_or_else(|_| ".".into())];
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home));
    }
    export_enterprises_in(store, filter, &dirs)
}

/// Write into the first of `dirs` that takes the file.
pub fn export_enterprises_in(
    store: &Store,
    filter: &Filter,
    dirs: &[PathBuf],
) -> anyhow::Result<(PathBuf, usize)> {
    let name = format!(
        "yuanqi-企业-{}.csv",
        chrono::Local::now().format("%Y%m%d-%H%M%S")
    );
    let mut last_err = None;
    for dir in dirs {
        let path = dir.join(&name);
        match write_csv(store, filter, &path) {
            Ok(n) => return Ok((path, n)),
            Err(e) => {
                let _ = std::fs::remove_file(&path);
                last_err = Some(e);
            }
        }
    }
    Err(last_err.unwrap_or_else(|| anyhow::anyhow!("没有可写的目录")))
}

fn write_csv(store: &Store, filter: &Filter, path: &Path) -> anyhow::Result<usize> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("无法写入 {}", path.display()))?;
    std::io::Write::write_all(&mut file, "\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(file);
    w.write_record([
        "企业名称",
        "简称",
        "统一社会信用代码",
        "区县",
        "园区",
        "产业集群",
        "认定",
    ])?;
    let mut offset = 0;
    const PAGE: usize = 1000;
    loop {
        let rows = store.enterprise_rows(filter, offset, PAGE)?;
        for r in &rows {
            w.write_record(
                [
                    sanitize(&r.name),
                    sanitize(&r.short_names.join("、")),
                    sanitize(r.uscc.as_deref().unwrap_or("")),
                    sanitize(r.region.as_deref().unwrap_or("")),
                    sanitize(r.park.as_deref().unwrap_or("")),
                    sanitize(&r.clusters.join("、")),
                    sanitize(&r.badges.join("、")),
                ]
                .map(|s| neutralise_formula(&s)),
            )?;
        }
        offset += rows.len();
        if rows.len() < PAGE {
            break;
        }
    }
    w.flush()?;
    Ok(offset)
}

/// Spreadsheet programs run a cell starting with = + - @ as a formula: quote it.
fn neutralise_formula(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

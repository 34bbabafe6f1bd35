//! `yuanqi backup FILE|DIR`: a consistent copy made with SQLite's online backup. Given an
//! existing directory, the copy goes inside it as `<store name>-<date>.db`.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::Cli;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 备份文件路径（不能已存在），或已有的目录（备份存为其中的 <库名>-<日期>.db）
    #[arg(value_parser = super::values::path)]
    pub file: PathBuf,
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<()> {
    let dest = if args.file.is_dir() {
        name_in_dir(&args.file, &cli.db_path())?
    } else {
        if args.file.exists() {
            anyhow::bail!(
                "{} 已存在；请换一个文件名，备份不会覆盖已有文件",
                args.file.display()
            );
        }
        super::check_output_dir(&args.file, "备份文件")?;
        args.file.clone()
    };
    let store = cli.open_store()?;
    store
        .backup_to_new(&dest)
        .with_context(|| format!("备份到 {} 失败", dest.display()))?;
    println!("已备份到 {}", dest.display());
    Ok(())
}

/// A free name for a backup of `store` inside `dir`: `<stem>-<YYYYMMDD>.db`, or with the time
/// added when a backup was already made today.
fn name_in_dir(dir: &Path, store: &Path) -> anyhow::Result<PathBuf> {
    let stem = store
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "yuanqi".to_string());
    let now = chrono::Local::now();
    for stamp in [
        now.format("%Y%m%d").to_string(),
        now.format("%Y%m%d-%H%M%S").to_string(),
    ] {
        let candidate = dir.join(format!("{stem}-{stamp}.db"));
        if !candidate.exists() {
            return Ok(candidate);
        }
    }
    anyhow::bail!(
        "{} 中今天此刻的备份已存在；请稍候再试，或写出完整的备份文件名",
        dir.display()
    )
}

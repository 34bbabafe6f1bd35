//! `yuanqi backup FILE`: a consistent copy made with SQLite's online backup.

use std::path::PathBuf;

use anyhow::Context;

use super::Cli;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 备份文件路径（不能已存在）
    #[arg(value_parser = super::values::path)]
    pub file: PathBuf,
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<()> {
    if args.file.exists() {
        anyhow::bail!(
            "{} 已存在；请换一个文件名，备份不会覆盖已有文件",
            args.file.display()
        );
    }
    let store = cli.open_store()?;
    store
        .backup_to(&args.file)
        .with_context(|| format!("备份到 {} 失败", args.file.display()))?;
    println!("已备份到 {}", args.file.display());
    Ok(())
}

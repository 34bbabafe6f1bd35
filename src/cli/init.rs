//! `yuanqi init`: create and seed the store; idempotent.

use anyhow::Context;

use super::Cli;
use crate::store::{OpenOptions, Store};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 删除已有数据库（先备份为 <文件>.bak；已有则为 .1.bak、.2.bak…，从不覆盖旧备份），重新创建并载入内置数据
    #[arg(long)]
    pub force: bool,
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<()> {
    let path = cli.db_path();
    let existed = path.exists();
    // An existing store is left as it is without --force: a user who cannot write it only
    // needs to read its totals.
    let look_only = existed && !args.force && crate::store::write_access(&path).is_some();
    if !look_only {
        cli.check_writable(&path)?;
    }
    if existed && args.force {
        let bak = crate::store::move_aside(&path)
            .with_context(|| format!("无法把 {} 改名为备份", path.display()))?;
        let mut first = path.clone().into_os_string();
        first.push(".bak");
        if bak.as_os_str() == first {
            eprintln!("已把原数据库备份为 {}", bak.display());
        } else {
            eprintln!(
                "已把原数据库备份为 {}（{} 等较早的备份已存在，保留不动）",
                bak.display(),
                std::path::Path::new(&first).display()
            );
        }
    }
    let opts = OpenOptions {
        read_only: look_only,
        shared: cli.shared,
        create: true,
    };
    let store =
        Store::open(&path, &opts).with_context(|| format!("无法创建数据库 {}", path.display()))?;
    super::report_migration_backup(&store);
    let (e, p, d) = store.totals()?;
    if existed && !args.force {
        // Upgrading it (migrations) is the only change init makes to an existing store.
        let what = if store.migration_backup().is_some() {
            "数据库已存在，已升级到当前版本"
        } else {
            "数据库已存在，未作改动"
        };
        println!("{what}：{}（企业 {e}，园区 {p}，认定 {d}）", path.display());
    } else {
        println!(
            "已创建数据库：{}（企业 {e}，园区 {p}，认定 {d}）",
            path.display()
        );
    }
    Ok(())
}

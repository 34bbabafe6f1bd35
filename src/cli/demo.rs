//! `yuanqi demo --enterprises N --db PATH`: make a synthetic store at province scale for
//! benchmarks and load tests. It refuses to write anywhere but a new file or an earlier demo
//! store (with `--force`), so the real register can never be overwritten.

use anyhow::{Context, bail};

use super::Cli;
use crate::store::{OpenOptions, Store};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 合成多少家企业（名称、简称、信用代码、地区、园区、产业、认定均为虚构）
    #[arg(long, default_value_t = 10_000, value_name = "N", value_parser = super::values::positive_count)]
    pub enterprises: usize,
    /// 覆盖 --db 处已有的演示数据库（只会覆盖由 demo 生成的库，绝不覆盖正式数据库）
    #[arg(long)]
    pub force: bool,
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<()> {
    let Some(path) = cli.db.clone() else {
        return super::usage_error(
            "请用 --db 指定演示数据库的路径（一个尚不存在的文件），例如：yuanqi demo --enterprises 100000 --db /tmp/demo.db。演示数据不会写入正式数据库。",
        );
    };
    if path.exists() {
        match crate::demo::file_is_demo(&path) {
            Some(true) if args.force => {
                std::fs::remove_file(&path)
                    .with_context(|| format!("无法删除旧的演示数据库 {}", path.display()))?;
                for ext in ["-wal", "-shm"] {
                    let mut side = path.clone().into_os_string();
                    side.push(ext);
                    let _ = std::fs::remove_file(side);
                }
            }
            Some(true) => bail!(
                "{} 已是一个演示数据库；要重新生成请加 --force",
                path.display()
            ),
            _ => bail!(
                "{} 已存在且不是演示数据库，demo 不会改动它。请换一个不存在的文件路径。",
                path.display()
            ),
        }
    }
    let start = std::time::Instant::now();
    let opts = OpenOptions {
        read_only: false,
        shared: cli.shared,
        create: true,
    };
    let mut store =
        Store::open(&path, &opts).with_context(|| format!("无法创建数据库 {}", path.display()))?;
    let summary = crate::demo::generate(&mut store, args.enterprises as u64, |done| {
        eprintln!("已写入 {done} / {} 家企业…", args.enterprises);
    })
    .with_context(|| format!("生成演示数据失败，{} 中未写入企业", path.display()))?;
    let (e, p, d) = store.totals()?;
    println!(
        "已生成演示数据库 {}：企业 {e}（合成 {}），园区 {p}，认定 {d}，用时 {:.1} 秒。数据为虚构，仅供演示与性能测试。",
        path.display(),
        summary.enterprises,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::super::{Cli, Command};

    fn demo(args: &[&str]) -> anyhow::Result<()> {
        let cli = Cli::parse_from(std::iter::once("yuanqi").chain(args.iter().copied()));
        match &cli.command {
            Some(Command::Demo(a)) => super::run(&cli, a),
            _ => unreachable!("parsed a demo command"),
        }
    }

    #[test]
    fn never_overwrites_a_real_store_and_replaces_a_demo_only_with_force() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.db");
        let real_s = real.to_str().unwrap();
        crate::store::Store::open(
            &real,
            &crate::store::OpenOptions {
                create: true,
                ..Default::default()
            },
        )
        .unwrap();
        let before = std::fs::read(&real).unwrap();
        let err = demo(&["demo", "--enterprises", "20", "--db", real_s]).unwrap_err();
        assert!(format!("{err:#}").contains("不是演示数据库"), "{err:#}");
        let err = demo(&["demo", "--enterprises", "20", "--db", real_s, "--force"]).unwrap_err();
        assert!(format!("{err:#}").contains("不是演示数据库"), "{err:#}");
        assert_eq!(
            std::fs::read(&real).unwrap(),
            before,
            "the real store changed"
        );

        let path = dir.path().join("demo.db");
        let p = path.to_str().unwrap();
        demo(&["demo", "--enterprises", "30", "--db", p]).unwrap();
        let err = demo(&["demo", "--enterprises", "40", "--db", p]).unwrap_err();
        assert!(format!("{err:#}").contains("--force"), "{err:#}");
        demo(&["demo", "--enterprises", "40", "--db", p, "--force"]).unwrap();
        let store = crate::store::Store::open(
            &path,
            &crate::store::OpenOptions {
                read_only: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(store.is_demo());
        let synthetic: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM enterprises WHERE locator LIKE 'demo #%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(synthetic, 40);

        let err = demo(&["demo", "--enterprises", "10"]).unwrap_err();
        assert!(format!("{err:#}").contains("--db"), "{err:#}");
    }
}

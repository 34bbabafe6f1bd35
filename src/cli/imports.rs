//! `yuanqi imports [list]` and `yuanqi imports undo ID`: what was imported, by whom and when,
//! and taking an import back as one transaction.

use super::{Cli, TextOrJson};
use crate::ingest::apply;
use crate::model::text::{fit_width, sanitize};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,

    /// 输出格式
    #[arg(long, value_enum, default_value_t = TextOrJson::Text, global = true)]
    pub format: TextOrJson,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// 列出所有导入（默认）
    List,
    /// 撤销一次导入：按变更记录倒序恢复，整体一次完成
    Undo {
        /// 导入编号（见 yuanqi imports）
        #[arg(value_parser = import_id)]
        id: i64,
    },
}

/// An import number as `yuanqi imports` lists it (`3` or `#3`).
fn import_id(s: &str) -> Result<i64, String> {
    s.trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| "应为导入编号，如 3（见 yuanqi imports）".into())
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<()> {
    match &args.action {
        None | Some(Action::List) => list(cli, args),
        Some(Action::Undo { id }) => {
            let mut store = cli.open_store()?;
            let counts = apply::undo(&mut store, *id)?;
            println!(
                "已撤销 导入#{id}：删除 {} 条新增的记录{}，恢复 {} 条被修改的记录{}。",
                counts.deleted,
                counts.breakdown(false),
                counts.restored,
                counts.breakdown(true)
            );
            Ok(())
        }
    }
}

fn list(cli: &Cli, args: &Args) -> anyhow::Result<()> {
    let store = cli.open_store()?;
    let rows = apply::list(&store)?;
    if args.format == TextOrJson::Json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    if rows.is_empty() {
        println!("还没有任何导入。用 `yuanqi import 文件` 导入表格。");
        return Ok(());
    }
    // The file last and whole: names of lists differ at their ends ("第一批" / "第二批").
    println!(
        "{} {} {} {} {} 文件",
        fit_width("编号", 5),
        fit_width("时间", 16),
        fit_width("用户", 8),
        fit_width("新增/变更/未变", 15),
        fit_width("状态", 24)
    );
    for r in rows {
        let status = match &r.undone_at {
            Some(at) => format!("已撤销（{}）", at.get(..16).unwrap_or(at)),
            None => "有效".to_string(),
        };
        println!(
            "{} {} {} {} {} {}",
            fit_width(&format!("#{}", r.id), 5),
            fit_width(r.at.get(..16).unwrap_or(&r.at), 16),
            fit_width(&sanitize(&r.os_user), 8),
            fit_width(
                &format!("{}/{}/{}", r.rows_new, r.rows_changed, r.rows_unchanged),
                15
            ),
            fit_width(&status, 24),
            sanitize(&r.file_name)
        );
    }
    Ok(())
}

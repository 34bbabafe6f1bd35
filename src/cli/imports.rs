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
    print!("{}", render_list(&rows, super::targets::terminal_width()));
    Ok(())
}

/// Width of the columns before the file name, separators included.
const FIXED: usize = 6 + 17 + 9 + 16 + 25;

/// The import list as text. The file comes last and whole, since names of lists differ at their
/// ends ("第一批" / "第二批"); on a terminal `width` columns wide where a name would wrap, every
/// file name goes on its own line under its import instead.
fn render_list(rows: &[apply::ImportRow], width: Option<usize>) -> String {
    let names: Vec<String> = rows.iter().map(|r| sanitize(&r.file_name)).collect();
    let own_line = width.is_some_and(|w| {
        names
            .iter()
            .any(|n| FIXED + unicode_width::UnicodeWidthStr::width(n.as_str()) > w)
    });
    let mut out = format!(
        "{} {} {} {} {}{}\n",
        fit_width("编号", 5),
        fit_width("时间", 16),
        fit_width("用户", 8),
        fit_width("新增/变更/未变", 15),
        fit_width("状态", 24),
        if own_line { "" } else { " 文件" }
    );
    for (r, name) in rows.iter().zip(&names) {
        let status = match &r.undone_at {
            Some(at) => format!("已撤销 {}", at.get(..16).unwrap_or(at)),
            None if r.rows_skipped > 0 => format!("有效，跳过 {} 行", r.rows_skipped),
            None => "有效".to_string(),
        };
        let line = format!(
            "{} {} {} {} {}",
            fit_width(&format!("#{}", r.id), 5),
            fit_width(r.at.get(..16).unwrap_or(&r.at), 16),
            fit_width(&sanitize(&r.os_user), 8),
            fit_width(
                &format!("{}/{}/{}", r.rows_new, r.rows_changed, r.rows_unchanged),
                15
            ),
            fit_width(&status, 24),
        );
        if own_line {
            out.push_str(line.trim_end());
            out.push_str(&format!("\n      文件：{name}\n"));
        } else {
            out.push_str(&format!("{line} {name}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, file: &str, skipped: i64, undone: Option<&str>) -> apply::ImportRow {
        apply::ImportRow {
            id,
            at: "2026-11-26 06:01:02".into(),
            os_user: "tester".into(),
            file_name: file.into(),
            sha256: String::new(),
            sheet: None,
            kind: "enterprises".into(),
            rows_total: 8,
            rows_new: 5,
            rows_changed: 0,
            rows_unchanged: 0,
            rows_skipped: skipped,
            undone_at: undone.map(str::to_string),
            undone_by: None,
        }
    }

    #[test]
    fn undo_time_is_whole_and_skipped_rows_are_said() {
        let rows = [
            row(2, "a.csv", 3, None),
            row(1, "b.csv", 0, Some("2026-11-26 06:05:09")),
        ];
        let text = render_list(&rows, None);
        assert!(text.contains("已撤销 2026-11-26 06:05 "), "{text}");
        assert!(text.contains("有效，跳过 3 行"), "{text}");
        assert!(text.contains(" a.csv\n"), "{text}");
    }

    #[test]
    fn long_file_names_go_on_their_own_line_on_a_narrow_terminal() {
        let name = "附件2：2024年第二批省级专精特新中小企业名单（达州市）.xlsx";
        let rows = [row(1, name, 0, None)];
        let narrow = render_list(&rows, Some(80));
        for line in narrow.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(line) <= 80,
                "wraps at 80: {line:?}"
            );
        }
        assert!(narrow.contains(&format!("文件：{name}")), "{narrow}");
        // Piped, or wide enough: one line per import, the file last.
        for width in [None, Some(200)] {
            let wide = render_list(&rows, width);
            assert_eq!(wide.lines().count(), 2, "{wide}");
            assert!(wide.lines().nth(1).unwrap().ends_with(name), "{wide}");
        }
    }
}

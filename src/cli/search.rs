//! `yuanqi search QUERY`: one result a line, best first, each line starting with the full name.

use serde::Serialize;

use super::{Cli, TextOrJson};
use crate::model::HolderKind;
use crate::model::text::sanitize;
use crate::search::search_stream_counted;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 查询：中文、全拼、拼音首字母（如 zywbx）、简称或信用代码
    #[arg(value_parser = super::values::non_blank)]
    pub query: String,
    /// 最多显示多少条
    #[arg(long, default_value_t = 20, value_parser = super::values::positive_count)]
    pub limit: usize,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Serialize)]
struct JsonHit<'a> {
    kind: &'static str,
    name: &'a str,
    matched: &'a str,
    score: i64,
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<()> {
    let store = cli.open_store()?;
    // One query: match the rows as they are read instead of building the index a TUI keeps.
    let (hits, matched) =
        search_stream_counted(&args.query, args.limit, |f| store.each_search_candidate(f))?;
    match args.format {
        TextOrJson::Json => {
            let out: Vec<JsonHit> = hits
                .iter()
                .map(|h| JsonHit {
                    kind: h.kind.as_str(),
                    name: &h.name,
                    matched: &h.matched,
                    score: h.score,
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        TextOrJson::Text => {
            if hits.is_empty() {
                eprintln!("没有找到与“{}”匹配的企业或园区", sanitize(&args.query));
            }
            for h in &hits {
                let kind = match h.kind {
                    HolderKind::Enterprise => "企业",
                    HolderKind::Park => "园区",
                };
                let mut line = format!("{}\t{kind}", sanitize(&h.name));
                if h.matched != h.name {
                    line.push_str(&format!("\t（{}）", sanitize(&h.matched)));
                }
                println!("{line}");
            }
            // On stderr, so a pipe gets the hits alone.
            if matched > hits.len() {
                eprintln!(
                    "（共 {matched} 条匹配，只列出最接近的 {} 条；用 --limit 列出更多）",
                    hits.len()
                );
            }
        }
    }
    Ok(())
}

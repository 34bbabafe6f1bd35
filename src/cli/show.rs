//! `yuanqi show NAME`: a profile card on stdout. The query resolves as `search` ranks it; exit 1
//! with the closest names when nothing matches, or with the candidates when several fit.

use std::fmt::Write;

use super::Cli;
use crate::model::HolderKind;
use crate::model::text::sanitize;
use crate::search::SearchIndex;
use crate::store::{EnterpriseProfile, ParkProfile, Store};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 企业或园区的全称、简称、信用代码，或像 search 一样的拼音、首字母、部分名称（有几个相近的结果时列出候选）
    #[arg(value_parser = super::values::non_blank)]
    pub name: String,
}

/// What a `show` query names.
#[derive(Debug, PartialEq)]
pub enum Resolved {
    One(HolderKind, i64),
    /// Several records fit about equally well: their full names, best first.
    Many(Vec<String>),
    None,
}

/// How many candidates an ambiguous query lists.
const CANDIDATES: usize = 8;

/// Resolve a query the way `search` ranks it: an exact full name, credit code or short name
/// first; otherwise the search hits — the only one, or a clearly best one (scoring at least
/// twice the runner-up); otherwise the hits that come close to the best, for the user to pick.
pub fn resolve(store: &Store, query: &str) -> anyhow::Result<Resolved> {
    let exact = store.find_exact(query)?;
    match exact.as_slice() {
        [(kind, id)] => return Ok(Resolved::One(*kind, *id)),
        [] => {}
        many => {
            let names = many
                .iter()
                .filter_map(|(k, id)| holder_name(store, *k, *id))
                .collect();
            return Ok(Resolved::Many(names));
        }
    }
    let hits = SearchIndex::new(store.search_candidates()?).search(query, CANDIDATES + 1);
    Ok(match hits.as_slice() {
        [] => Resolved::None,
        [only] => Resolved::One(only.kind, only.id),
        [best, next, ..] if best.score >= 2 * next.score.max(1) => {
            Resolved::One(best.kind, best.id)
        }
        [best, ..] => Resolved::Many(
            hits.iter()
                .filter(|h| 2 * h.score > best.score)
                .map(|h| h.name.clone())
                .collect(),
        ),
    })
}

fn holder_name(store: &Store, kind: HolderKind, id: i64) -> Option<String> {
    match kind {
        HolderKind::Enterprise => store.enterprise_profile(id).ok().map(|p| p.name),
        HolderKind::Park => store.park_profile(id).ok().map(|p| p.name),
    }
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<()> {
    let store = cli.open_store()?;
    let query = sanitize(&args.name);
    match resolve(&store, &args.name)? {
        Resolved::None => {
            let near = super::suggestions(&store, &args.name, 5);
            let mut msg = format!("没有名为“{query}”的企业或园区。");
            if !near.is_empty() {
                msg.push_str(&format!("最接近的有：{}", near.join("、")));
            } else {
                msg.push_str("可用 `yuanqi search` 按拼音或简称查找。");
            }
            anyhow::bail!(msg)
        }
        Resolved::One(kind, id) => {
            let card = match kind {
                HolderKind::Enterprise => enterprise_card(&store, &store.enterprise_profile(id)?),
                HolderKind::Park => park_card(&store, &store.park_profile(id)?),
            };
            print!("{card}");
            Ok(())
        }
        Resolved::Many(names) => {
            let more = if names.len() > CANDIDATES {
                format!("（最接近的 {CANDIDATES} 个）")
            } else {
                String::new()
            };
            let list: Vec<String> = names
                .iter()
                .take(CANDIDATES)
                .map(|n| format!("  {}", sanitize(n)))
                .collect();
            anyhow::bail!(
                "“{query}”对应多个企业或园区，无法确定是哪一个{more}：\n{}\n请写出全称、简称或信用代码，如 yuanqi show {}；或用 yuanqi search {query} 查看全部结果。",
                list.join("\n"),
                sanitize(&names[0]),
            )
        }
    }
}

fn field(out: &mut String, label: &str, value: &str) {
    if !value.is_empty() {
        let _ = writeln!(out, "  {label}：{}", sanitize(value));
    }
}

/// The enterprise profile as plain text.
pub fn enterprise_card(store: &Store, p: &EnterpriseProfile) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", sanitize(&p.name));
    if !p.name_is_full {
        let _ = writeln!(out, "  （文件中仅见简称，全称未载明）");
    }
    field(&mut out, "简称", &p.short_names.join("、"));
    field(
        &mut out,
        "统一社会信用代码",
        p.uscc.as_deref().unwrap_or(""),
    );
    field(&mut out, "区县", p.region_shown().as_deref().unwrap_or(""));
    field(&mut out, "所属园区", p.park.as_deref().unwrap_or(""));
    field(&mut out, "产业", &p.clusters.join("；"));
    field(&mut out, "规模", p.scale.as_deref().unwrap_or(""));
    field(&mut out, "备注", &p.notes);
    field(&mut out, "来源", &p.provenance.describe());
    designations_block(&mut out, &p.designations);
    targets_block(&mut out, store, HolderKind::Enterprise, p.id);
    out
}

/// The park profile as plain text.
pub fn park_card(store: &Store, p: &ParkProfile) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", sanitize(&p.name));
    field(&mut out, "简称", &p.short_names.join("、"));
    field(&mut out, "类型", &p.kind);
    field(&mut out, "级别", p.level.as_deref().unwrap_or("未定级"));
    field(&mut out, "区县", p.region.as_deref().unwrap_or(""));
    field(&mut out, "上级园区", p.parent.as_deref().unwrap_or(""));
    field(&mut out, "园中园", &p.children.join("、"));
    field(&mut out, "主导产业", &p.clusters.join("；"));
    field(&mut out, "备注", &p.notes);
    field(&mut out, "来源", &p.provenance.describe());
    designations_block(&mut out, &p.designations);
    if p.enterprise_count > 0 {
        let _ = writeln!(
            out,
            "  企业（{}）：{}",
            p.enterprise_count,
            sanitize(&p.enterprises.join("、"))
        );
    }
    targets_block(&mut out, store, HolderKind::Park, p.id);
    if let Ok(set) = crate::targets::set_for_park(store, p.id)
        && !set.is_empty()
    {
        let _ = writeln!(out, "  本园区的目标：");
        for (what, target) in &set {
            let _ = writeln!(out, "    {} — {}", sanitize(what), sanitize(target));
        }
        if set.iter().any(|(what, _)| what.contains('*')) {
            let _ = writeln!(out, "    {}", crate::targets::INFERRED_YEAR_NOTE);
        }
    }
    out
}

/// The plan targets the holder counts toward, and why (nothing when it counts toward none).
fn targets_block(out: &mut String, store: &Store, kind: HolderKind, id: i64) {
    let Ok(list) = crate::targets::for_holder(store, kind, id, crate::model::current_year()) else {
        return;
    };
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "  计入目标：");
    for (target, why) in list {
        let _ = writeln!(out, "    {} — {}", sanitize(&target), sanitize(&why));
    }
}

fn designations_block(out: &mut String, ds: &[crate::store::DesignationView]) {
    if ds.is_empty() {
        let _ = writeln!(out, "  认定：（无记录）");
        return;
    }
    let _ = writeln!(out, "  认定：");
    for d in ds {
        let year = d
            .year
            .map(|y| format!("{y}年"))
            .unwrap_or_else(|| "年份不详".into());
        let valid = d
            .valid_until
            .map(|y| format!("，有效期至{y}年"))
            .unwrap_or_default();
        let batch = d
            .batch
            .as_deref()
            .filter(|b| !b.is_empty())
            .map(|b| format!("，{}", sanitize(b)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "    {year} {}（{}{batch}{valid}） — {}",
            sanitize(&d.title()),
            d.status.label(),
            sanitize(&d.provenance.describe())
        );
        if !d.notes.is_empty() {
            let _ = writeln!(out, "      {}", sanitize(&d.notes));
        }
    }
}

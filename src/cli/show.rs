//! `yuanqi show NAME`: a profile card on stdout; exit 1 with the closest names when nothing
//! matches.

use std::fmt::Write;

use super::Cli;
use crate::model::HolderKind;
use crate::model::text::sanitize;
use crate::store::{EnterpriseProfile, ParkProfile, Store};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 企业或园区的全称、简称或统一社会信用代码
    #[arg(value_parser = super::non_blank)]
    pub name: String,
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<()> {
    let store = cli.open_store()?;
    let mut found = store.find_exact(&args.name)?;
    if found.is_empty() {
        // One unambiguous search hit is as good as an exact name.
        let hits =
            crate::search::SearchIndex::new(store.search_candidates()?).search(&args.name, 2);
        if hits.len() == 1 || (hits.len() == 2 && hits[0].score >= hits[1].score + 500) {
            found.push((hits[0].kind, hits[0].id));
        }
    }
    match found.as_slice() {
        [] => {
            let near = super::suggestions(&store, &args.name, 5);
            let mut msg = format!("没有名为“{}”的企业或园区。", sanitize(&args.name));
            if !near.is_empty() {
                msg.push_str(&format!("最接近的有：{}", near.join("、")));
            } else {
                msg.push_str("可用 `yuanqi search` 按拼音或简称查找。");
            }
            anyhow::bail!(msg)
        }
        [(kind, id)] => {
            let card = match kind {
                HolderKind::Enterprise => enterprise_card(&store, &store.enterprise_profile(*id)?),
                HolderKind::Park => park_card(&store, &store.park_profile(*id)?),
            };
            print!("{card}");
            Ok(())
        }
        many => {
            let names: Vec<String> = many
                .iter()
                .filter_map(|(k, id)| match k {
                    HolderKind::Enterprise => store.enterprise_profile(*id).ok().map(|p| p.name),
                    HolderKind::Park => store.park_profile(*id).ok().map(|p| p.name),
                })
                .collect();
            anyhow::bail!(
                "“{}”对应多个记录：{}。请用全称或信用代码。",
                sanitize(&args.name),
                names.join("、")
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
    field(&mut out, "所属地区", p.region.as_deref().unwrap_or(""));
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
    field(&mut out, "所属地区", p.region.as_deref().unwrap_or(""));
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
        let _ = writeln!(
            out,
            "    {year} {}（{}{valid}） — {}",
            sanitize(&d.title()),
            d.status.label(),
            sanitize(&d.provenance.describe())
        );
    }
}

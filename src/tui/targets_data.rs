//! The bridge between the TUI and [`crate::targets`]: turns target progress into the rows and
//! details the Targets screen draws, and lists the targets a profile counts toward.

use crate::model::HolderKind;
use crate::search::{Candidate, SearchIndex};
use crate::store::FacetValue;
use crate::targets::{self, TargetProgress};

use super::state::{State, TargetDetail, TargetLine};

/// A reported figure with its date: "12（截至 2025）", "256（时间不详）".
fn figure(r: &targets::Reported) -> String {
    let v = targets::fmt_num(r.value);
    match &r.as_of {
        Some(a) if !a.is_empty() => format!("{v}（截至 {a}）"),
        _ => format!("{v}（时间不详）"),
    }
}

/// The same, short enough for a table cell: "12（2025）", "256".
fn figure_short(r: &targets::Reported) -> String {
    let v = targets::fmt_num(r.value);
    match &r.as_of {
        Some(a) if !a.is_empty() => format!("{v}（{a}）"),
        _ => v,
    }
}

fn line(t: &TargetProgress) -> TargetLine {
    let reported = t.reported.as_ref().map(figure_short);
    let reported_in_full = t.reported.as_ref().map(figure);
    let reported_source = t.reported.as_ref().map(|r| r.source.clone());
    TargetLine {
        id: t.id,
        code: t.code.clone(),
        name: t.name.clone(),
        scope: t.scope.clone(),
        period: t.period(),
        period_note: t.period_note.clone(),
        kind: t.kind.label().to_string(),
        recorded: t.kind == crate::model::TargetKind::Recorded,
        baseline: t.baseline,
        target: t.target_label(),
        target_value: t.target,
        gap: t.gap(),
        counts: t.counts_label(),
        computed: t.computed,
        reported,
        reported_source,
        reported_in_full,
        progress: t.progress,
        status: t.status,
        source: t.source.clone(),
        notes: t.notes.clone(),
    }
}

/// Fill the Targets screen from the store, keeping the scope filter.
pub fn load(state: &mut State) {
    match targets::evaluate_all(&state.store, state.now_year) {
        Ok(all) => {
            state.targets.all = all.iter().map(line).collect();
            state.targets.unavailable = None;
        }
        Err(e) => {
            state.targets.all.clear();
            state.targets.unavailable = Some(format!("无法计算目标：{e}"));
        }
    }
    state.targets.scopes = scopes(state);
    apply_scope(state);
}

/// Every scope the targets are set for, each with the number of targets within it (a county
/// counts its own, its parks' and functional zones'), as a tree: each scope under the nearest
/// listed scope that encloses it; among siblings regions first in their official order, then parks with the most targets first.
fn scopes(state: &State) -> Vec<FacetValue> {
    let mut names: Vec<&str> = state.targets.all.iter().map(|t| t.scope.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names.retain(|n| !n.is_empty());
    struct Node {
        /// A region's place in the official order (its id); parks have none.
        region: Option<i64>,
        is_region: bool,
        value: FacetValue,
        parent: Option<String>,
    }
    let nodes: Vec<Node> = names
        .iter()
        .filter_map(|&name| {
            let ids = targets::within_scope(&state.store, name).ok()?;
            let count = state
                .targets
                .all
                .iter()
                .filter(|t| ids.contains(&t.id))
                .count();
            let parent = targets::enclosing_scopes(&state.store, name)
                .unwrap_or_default()
                .into_iter()
                .find(|up| names.contains(&up.as_str()));
            let region = state.store.region_id(name).ok().flatten();
            Some(Node {
                region,
                is_region: region.is_some(),
                value: FacetValue {
                    key: name.to_string(),
                    label: name.to_string(),
                    count: count as i64,
                    depth: 0,
                },
                parent,
            })
        })
        .collect();
    fn children<'a>(nodes: &'a [Node], parent: Option<&str>) -> Vec<&'a Node> {
        let mut out: Vec<&Node> = nodes
            .iter()
            .filter(|n| n.parent.as_deref() == parent)
            .collect();
        // Regions first in their official order (as the enterprise filter lists them), then
        // parks, the most targets first.
        out.sort_by(|a, b| {
            b.is_region
                .cmp(&a.is_region)
                .then(a.region.cmp(&b.region))
                .then(b.value.count.cmp(&a.value.count))
                .then(a.value.label.cmp(&b.value.label))
        });
        out
    }
    fn walk(nodes: &[Node], parent: Option<&str>, depth: usize, out: &mut Vec<FacetValue>) {
        for n in children(nodes, parent) {
            out.push(FacetValue {
                depth,
                ..n.value.clone()
            });
            walk(nodes, Some(&n.value.key), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(&nodes, None, 0, &mut out);
    // Scopes caught in a loop of parent links reach no root: list them at the top level.
    for n in &nodes {
        if !out.iter().any(|v| v.key == n.value.key) {
            out.push(n.value.clone());
        }
    }
    out
}

/// Show the targets within the chosen scope (all without one); the cursor starts over.
pub fn apply_scope(state: &mut State) {
    let ts = &mut state.targets;
    ts.rows = match &ts.scope {
        Some(scope) => match targets::within_scope(&state.store, scope) {
            Ok(ids) => ts
                .all
                .iter()
                .filter(|t| ids.contains(&t.id))
                .cloned()
                .collect(),
            Err(_) => {
                ts.scope = None;
                ts.all.clone()
            }
        },
        None => ts.all.clone(),
    };
    let n = ts.rows.len();
    if ts.cursor.selected >= n {
        ts.cursor = Default::default();
    }
    let rows = state.list_rows();
    state.targets.cursor.scroll_into_view(n, rows);
}

/// The targets as a search index: each by its name (Chinese, pinyin, initials) and its code;
/// a hit's id is the target's id.
pub fn search_index(state: &State) -> SearchIndex {
    SearchIndex::new(
        state
            .targets
            .all
            .iter()
            .map(|t| Candidate {
                // Unused for targets: the search state says what the ids are.
                kind: HolderKind::Enterprise,
                id: t.id,
                name: t.name.clone(),
                short_names: vec![t.code.clone()],
                uscc: None,
                forms: String::new(),
            })
            .collect(),
    )
}

/// Breakdown by county, the holders that count and those close to counting.
pub fn detail(state: &State, id: i64) -> Option<TargetDetail> {
    let y = state.now_year;
    let s = &state.store;
    Some(TargetDetail {
        id,
        by_region: targets::breakdown_by_region(s, id, y).unwrap_or_default(),
        counting: targets::counting(s, id, y).unwrap_or_default(),
        close: targets::close_candidates(s, id, y).unwrap_or_default(),
        reports: targets::reports(s, id)
            .map(|list| {
                list.into_iter()
                    .map(|(_, r, _)| (figure(&r), r.source))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// The targets an enterprise or park counts toward: (target, why).
pub fn for_holder(state: &State, kind: HolderKind, id: i64) -> Vec<(String, String)> {
    targets::for_holder(&state.store, kind, id, state.now_year).unwrap_or_default()
}

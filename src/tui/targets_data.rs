//! The bridge between the TUI and [`crate::targets`]: turns target progress into the rows and
//! details the Targets screen draws, and lists the targets a profile counts toward.

use crate::model::HolderKind;
use crate::targets::{self, Counted, TargetProgress};

use super::state::{State, TargetDetail, TargetLine};

/// A reported figure with its date: "12（2025）".
fn figure(r: &targets::Reported) -> String {
    let v = targets::fmt_num(r.value);
    match &r.as_of {
        Some(a) if !a.is_empty() => format!("{v}（{a}）"),
        _ => v,
    }
}

fn line(t: &TargetProgress) -> TargetLine {
    let reported = t.reported.as_ref().map(figure);
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
        counts: t.counts_label(),
        computed: t.computed,
        reported,
        reported_source,
        progress: t.progress,
        status: t.status,
        source: t.source.clone(),
        notes: t.notes.clone(),
    }
}

/// Fill the Targets screen from the store.
pub fn load(state: &mut State) {
    match targets::evaluate_all(&state.store, state.now_year) {
        Ok(all) => {
            state.targets.rows = all.iter().map(line).collect();
            state.targets.unavailable = None;
        }
        Err(e) => {
            state.targets.rows.clear();
            state.targets.unavailable = Some(format!("无法计算目标：{e}"));
        }
    }
    let n = state.targets.rows.len();
    let rows = state.list_rows();
    state.targets.cursor.scroll_into_view(n, rows);
}

fn pairs(v: Vec<Counted>) -> Vec<(String, String)> {
    v.into_iter().map(|c| (c.name, c.reason)).collect()
}

/// Breakdown by county, the holders that count and those close to counting.
pub fn detail(state: &State, id: i64) -> Option<TargetDetail> {
    let y = state.now_year;
    let s = &state.store;
    Some(TargetDetail {
        id,
        by_region: targets::breakdown_by_region(s, id, y).unwrap_or_default(),
        counting: targets::counting(s, id, y).map(pairs).unwrap_or_default(),
        close: targets::close_candidates(s, id, y)
            .map(pairs)
            .unwrap_or_default(),
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

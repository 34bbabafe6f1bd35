//! Users' own targets and reported figures: create, update, delete, report. Every write runs in
//! one transaction with its change-log entry ([`crate::store::audit`]), refuses on a read-only
//! store, and validates designation types against the vocabulary and the scope against the
//! regions and parks, suggesting close names when one does not resolve.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{TargetError, rules};
use crate::model::designation::{DesignationType, TYPES, split_level};
use crate::model::text::sanitize;
use crate::model::{Level, TargetKind};
use crate::store::audit::{self, Action};
use crate::store::{Store, now_string, os_user};

/// A target as a user enters or edits it. Names (scope, types) are resolved on save.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTarget {
    /// A short code to refer to the target by (`U001`); `None` picks the next free `U…` code.
    pub code: Option<String>,
    pub name: String,
    /// A region name (达州市, 宣汉县, 达州高新区) or park name, full or short.
    pub scope: String,
    pub period_start: i32,
    pub period_end: i32,
    pub kind: TargetKind,
    /// Designation types, by canonical name or any synonym; a level prefix ("省级专精特新")
    /// sets `min_level` when that is not given.
    pub types: Vec<String>,
    pub min_level: Option<Level>,
    pub count_lapsed: bool,
    /// What a recorded target measures (规上工业增加值增速).
    pub metric: Option<String>,
    pub baseline: Option<f64>,
    pub baseline_year: Option<i32>,
    pub target: Option<f64>,
    pub target_form: rules::TargetForm,
    /// 以上 / 以下 / 以内 / 左右 / 约 or empty.
    pub qualifier: String,
    pub target_text: Option<String>,
    pub unit: String,
    pub notes: String,
}

impl Default for NewTarget {
    fn default() -> Self {
        NewTarget {
            code: None,
            name: String::new(),
            scope: String::new(),
            period_start: crate::model::current_year(),
            period_end: crate::model::current_year(),
            kind: TargetKind::New,
            types: Vec::new(),
            min_level: None,
            count_lapsed: false,
            metric: None,
            baseline: None,
            baseline_year: None,
            target: None,
            target_form: rules::TargetForm::Plain,
            qualifier: String::new(),
            target_text: None,
            unit: String::new(),
            notes: String::new(),
        }
    }
}

/// A [`NewTarget`] checked and resolved, ready to store.
struct Resolved {
    code: Option<String>,
    name: String,
    scope_region: Option<i64>,
    scope_park: Option<i64>,
    types: String,
    min_level: Option<Level>,
    metric: Option<String>,
    qualifier: String,
    target_text: Option<String>,
    unit: String,
    notes: String,
}

fn clean_opt(s: &Option<String>) -> Option<String> {
    s.as_deref().map(sanitize).filter(|s| !s.is_empty())
}

fn resolve(store: &Store, t: &NewTarget) -> Result<Resolved, TargetError> {
    let name = sanitize(&t.name);
    if name.is_empty() {
        return Err(TargetError::Invalid("目标名称不能为空。".into()));
    }
    if t.period_start > t.period_end {
        return Err(TargetError::Invalid(format!(
            "期间起始年 {} 晚于结束年 {}。",
            t.period_start, t.period_end
        )));
    }
    if !(1949..=2100).contains(&t.period_start) || !(1949..=2100).contains(&t.period_end) {
        return Err(TargetError::Invalid(format!(
            "期间 {}–{} 不是合理的年份。",
            t.period_start, t.period_end
        )));
    }
    // A count of enterprises or parks is never below zero (a recorded figure, such as a
    // growth rate, may be).
    if t.kind != TargetKind::Recorded
        && let Some(v) = t.target.filter(|v| *v < 0.0 || !v.is_finite())
    {
        return Err(TargetError::Invalid(format!(
            "目标值 {} 不是合理的户数或个数：计数类目标（{}）的目标值应为 0 或正数。",
            crate::targets::fmt_num(v),
            t.kind.label()
        )));
    }
    let (scope_region, scope_park) = resolve_scope(store, &t.scope)?;
    let mut min_level = t.min_level;
    let mut types: Vec<&'static str> = Vec::new();
    for raw in &t.types {
        let raw = sanitize(raw);
        if raw.is_empty() {
            continue;
        }
        let ty = match DesignationType::get(&raw).or_else(|| DesignationType::resolve(&raw)) {
            Some(ty) => ty,
            None => match split_level(&raw) {
                Some((level, ty)) => {
                    if min_level.is_none() {
                        min_level = level;
                    }
                    ty
                }
                None => {
                    let names: Vec<String> = TYPES.iter().map(|t| t.name.to_string()).collect();
                    let near = rules::closest(&raw, &names, 4);
                    let hint = if near.is_empty() {
                        format!("可用的类型：{}。", names.join("、"))
                    } else {
                        format!("最接近的有：{}。", near.join("、"))
                    };
                    return Err(TargetError::UnknownType { given: raw, hint });
                }
            },
        };
        if !types.contains(&ty.name) {
            types.push(ty.name);
        }
    }
    if t.kind != TargetKind::Recorded && types.is_empty() {
        return Err(TargetError::Invalid(
            "存量/新增目标须指定计入的认定类型（--types），否则请用 --kind recorded 只录填报值。"
                .into(),
        ));
    }
    if t.target.is_none() && clean_opt(&t.target_text).is_none() {
        return Err(TargetError::Invalid(
            "请给出目标值（--target），或用文字说明目标（--target-text）。".into(),
        ));
    }
    for (what, v) in [("目标值", t.target), ("基数", t.baseline)] {
        if v.is_some_and(|v| !v.is_finite()) {
            return Err(TargetError::Invalid(format!("{what}不是有效数字。")));
        }
    }
    let qualifier = sanitize(&t.qualifier);
    if !rules::QUALIFIERS.contains(&qualifier.as_str()) {
        return Err(TargetError::Invalid(format!(
            "限定词“{qualifier}”无法识别，可用：以上、以下、以内、不超过、左右、约（或留空表示恰为）。"
        )));
    }
    let code = clean_opt(&t.code);
    if let Some(c) = &code
        && (c.contains(char::is_whitespace) || c.chars().count() > 32)
    {
        return Err(TargetError::Invalid(format!(
            "目标代码“{c}”不可含空格且不超过32个字符。"
        )));
    }
    Ok(Resolved {
        code,
        name,
        scope_region,
        scope_park,
        types: types.join("|"),
        min_level,
        metric: clean_opt(&t.metric),
        qualifier,
        target_text: clean_opt(&t.target_text),
        unit: sanitize(&t.unit),
        notes: sanitize(&t.notes),
    })
}

/// A scope name to (region, park) ids: a region by name or short name first, then a park;
/// unknown names fail with the closest region and park names.
pub fn resolve_scope(store: &Store, name: &str) -> Result<(Option<i64>, Option<i64>), TargetError> {
    let scope = sanitize(name);
    if let Some(r) = store.region_id(&scope)? {
        return Ok((Some(r), None));
    }
    if let Some(p) = store.park_id(&scope)? {
        return Ok((None, Some(p)));
    }
    let mut names = store.all_names("regions")?;
    names.extend(store.all_names("parks")?);
    let near = rules::closest(&scope, &names, 4);
    let hint = if near.is_empty() {
        "例如：达州市、宣汉县、达州高新区。".to_string()
    } else {
        format!("最接近的有：{}。", near.join("、"))
    };
    Err(TargetError::UnknownScope { given: scope, hint })
}

/// The next free user code: U001, U002, …
fn next_code(tx: &Transaction) -> Result<String, TargetError> {
    let codes: Vec<String> = tx
        .prepare("SELECT code FROM targets WHERE code LIKE 'U%'")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let max = codes
        .iter()
        .filter_map(|c| c[1..].parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    Ok(format!("U{:03}", max + 1))
}

fn code_taken(tx: &Transaction, code: &str, except: Option<i64>) -> Result<bool, TargetError> {
    Ok(tx
        .query_row(
            "SELECT id FROM targets WHERE code = ?1 AND id IS NOT ?2",
            params![code, except],
            |r| r.get::<_, i64>(0),
        )
        .optional()?
        .is_some())
}

/// Add a user's target; returns its id.
pub fn create(store: &mut Store, t: NewTarget) -> Result<i64, TargetError> {
    store.ensure_writable()?;
    let r = resolve(store, &t)?;
    let tx = store.conn_mut().transaction()?;
    let id = insert_in(&tx, &t, &r)?;
    tx.commit()?;
    Ok(id)
}

/// Replace a target's fields with `t` (the code stays unless `t.code` names a new one).
pub fn update(store: &mut Store, target_id: i64, t: NewTarget) -> Result<(), TargetError> {
    store.ensure_writable()?;
    let r = resolve(store, &t)?;
    let tx = store.conn_mut().transaction()?;
    update_in(&tx, target_id, &t, &r)?;
    tx.commit()?;
    Ok(())
}

/// A target checked against the vocabulary and the store, ready to write.
pub struct Checked {
    target: NewTarget,
    resolved: Resolved,
}

/// Check a target without writing it (for a dry run, or to check a whole file first).
pub fn check(store: &Store, t: NewTarget) -> Result<Checked, TargetError> {
    let resolved = resolve(store, &t)?;
    Ok(Checked {
        target: t,
        resolved,
    })
}

/// What [`save_all`] did: the codes created and the codes updated.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Saved {
    pub created: Vec<String>,
    pub updated: Vec<String>,
}

/// Write checked targets in one transaction: a target whose code exists is updated, any other
/// created. Nothing is written when any fails.
pub fn save_all(store: &mut Store, all: &[Checked]) -> Result<Saved, TargetError> {
    store.ensure_writable()?;
    let tx = store.conn_mut().transaction()?;
    let mut saved = Saved::default();
    for c in all {
        let existing: Option<i64> = match &c.resolved.code {
            Some(code) => tx
                .query_row(
                    "SELECT id FROM targets WHERE code = ?1 COLLATE NOCASE",
                    [code],
                    |r| r.get(0),
                )
                .optional()?,
            None => None,
        };
        match existing {
            Some(id) => {
                update_in(&tx, id, &c.target, &c.resolved)?;
                saved.updated.push(code_of(&tx, id)?);
            }
            None => {
                let id = insert_in(&tx, &c.target, &c.resolved)?;
                saved.created.push(code_of(&tx, id)?);
            }
        }
    }
    tx.commit()?;
    Ok(saved)
}

fn code_of(tx: &Transaction, id: i64) -> Result<String, TargetError> {
    Ok(tx.query_row("SELECT code FROM targets WHERE id = ?1", [id], |r| r.get(0))?)
}

fn insert_in(tx: &Transaction, t: &NewTarget, r: &Resolved) -> Result<i64, TargetError> {
    let code = match &r.code {
        Some(c) => {
            if code_taken(tx, c, None)? {
                return Err(TargetError::DuplicateCode(c.clone()));
            }
            c.clone()
        }
        None => next_code(tx)?,
    };
    tx.execute(
        "INSERT INTO targets(code, name, scope_region_id, scope_park_id, period_start, period_end, kind, types,
            min_level, count_lapsed, metric, baseline, baseline_year, target, target_form, qualifier,
            target_text, unit, notes, updated_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
        params![code, r.name, r.scope_region, r.scope_park, t.period_start, t.period_end, t.kind.as_str(),
            r.types, r.min_level.map(|l| l.label()), t.count_lapsed, r.metric, t.baseline, t.baseline_year,
            t.target, t.target_form.as_str(), r.qualifier, r.target_text, r.unit, r.notes, os_user(), now_string()],
    )?;
    let id = tx.last_insert_rowid();
    let after = audit::row_json(tx, "targets", id)?;
    audit::record(
        tx,
        None,
        Action::Insert,
        "targets",
        id,
        None,
        after.as_ref(),
    )?;
    Ok(id)
}

fn update_in(
    tx: &Transaction,
    target_id: i64,
    t: &NewTarget,
    r: &Resolved,
) -> Result<(), TargetError> {
    let before = audit::row_json(tx, "targets", target_id)?
        .ok_or_else(|| TargetError::NotFound(format!("#{target_id}")))?;
    if let Some(c) = &r.code
        && code_taken(tx, c, Some(target_id))?
    {
        return Err(TargetError::DuplicateCode(c.clone()));
    }
    tx.execute(
        "UPDATE targets SET code = coalesce(?1, code), name = ?2, scope_region_id = ?3, scope_park_id = ?4,
            period_start = ?5, period_end = ?6, kind = ?7, types = ?8, min_level = ?9, count_lapsed = ?10,
            metric = ?11, baseline = ?12, baseline_year = ?13, target = ?14, target_form = ?15,
            qualifier = ?16, target_text = ?17, unit = ?18, notes = ?19, updated_by = ?20, updated_at = ?21
         WHERE id = ?22",
        params![r.code, r.name, r.scope_region, r.scope_park, t.period_start, t.period_end, t.kind.as_str(),
            r.types, r.min_level.map(|l| l.label()), t.count_lapsed, r.metric, t.baseline, t.baseline_year,
            t.target, t.target_form.as_str(), r.qualifier, r.target_text, r.unit, r.notes, os_user(),
            now_string(), target_id],
    )?;
    let after = audit::row_json(tx, "targets", target_id)?;
    audit::record(
        tx,
        None,
        Action::Update,
        "targets",
        target_id,
        Some(&before),
        after.as_ref(),
    )?;
    Ok(())
}

/// Delete a target with its reported figures; returns how many reports went with it.
pub fn delete(store: &mut Store, target_id: i64) -> Result<usize, TargetError> {
    store.ensure_writable()?;
    let tx = store.conn_mut().transaction()?;
    let before = audit::row_json(&tx, "targets", target_id)?
        .ok_or_else(|| TargetError::NotFound(format!("#{target_id}")))?;
    let report_ids: Vec<i64> = tx
        .prepare("SELECT id FROM target_reports WHERE target_id = ?1 ORDER BY id")?
        .query_map([target_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for rid in &report_ids {
        let b = audit::row_json(&tx, "target_reports", *rid)?;
        tx.execute("DELETE FROM target_reports WHERE id = ?1", [rid])?;
        audit::record(
            &tx,
            None,
            Action::Delete,
            "target_reports",
            *rid,
            b.as_ref(),
            None,
        )?;
    }
    tx.execute("DELETE FROM targets WHERE id = ?1", [target_id])?;
    audit::record(
        &tx,
        None,
        Action::Delete,
        "targets",
        target_id,
        Some(&before),
        None,
    )?;
    tx.commit()?;
    Ok(report_ids.len())
}

/// Record a reported figure against a target; returns the report's id. `as_of` is when the
/// figure stood ("2025", "2026-06"); it must start with a year.
pub fn add_report(
    store: &mut Store,
    target_id: i64,
    value: f64,
    as_of: Option<&str>,
    notes: &str,
) -> Result<i64, TargetError> {
    store.ensure_writable()?;
    if !value.is_finite() {
        return Err(TargetError::Invalid("填报值不是有效数字。".into()));
    }
    // Undated reports are dated today: a figure without a date cannot be weighed.
    let as_of = as_of
        .map(|s| normalize_as_of(&sanitize(s)))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| chrono::Local::now().format("%Y-%m-%d").to_string());
    if !valid_as_of(&as_of) {
        return Err(TargetError::Invalid(format!(
            "截至时间“{as_of}”不是有效日期：应写作 2026、2026-06（2026年6月）或 2026-06-30。"
        )));
    }
    let as_of = Some(as_of);
    let tx = store.conn_mut().transaction()?;
    let kind: Option<String> = tx
        .query_row("SELECT kind FROM targets WHERE id = ?1", [target_id], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(kind) = kind else {
        return Err(TargetError::NotFound(format!("#{target_id}")));
    };
    if kind != "recorded" && value < 0.0 {
        return Err(TargetError::Invalid(format!(
            "这是按户数计的目标，填报值不能为负数（收到 {value}）。"
        )));
    }
    tx.execute(
        "INSERT INTO target_reports(target_id, value, as_of, notes, updated_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            target_id,
            value,
            as_of,
            sanitize(notes),
            os_user(),
            now_string()
        ],
    )?;
    let id = tx.last_insert_rowid();
    let after = audit::row_json(&tx, "target_reports", id)?;
    audit::record(
        &tx,
        None,
        Action::Insert,
        "target_reports",
        id,
        None,
        after.as_ref(),
    )?;
    tx.commit()?;
    Ok(id)
}

/// Delete one reported figure.
pub fn delete_report(store: &mut Store, report_id: i64) -> Result<(), TargetError> {
    store.ensure_writable()?;
    let tx = store.conn_mut().transaction()?;
    let before = audit::row_json(&tx, "target_reports", report_id)?
        .ok_or_else(|| TargetError::NotFound(format!("填报 #{report_id}")))?;
    tx.execute("DELETE FROM target_reports WHERE id = ?1", [report_id])?;
    audit::record(
        &tx,
        None,
        Action::Delete,
        "target_reports",
        report_id,
        Some(&before),
        None,
    )?;
    tx.commit()?;
    Ok(())
}

/// A stored target as an editable [`NewTarget`] (for an edit form).
pub fn editable(store: &Store, target_id: i64) -> Result<NewTarget, TargetError> {
    let d = super::load_def(store, target_id)?;
    Ok(NewTarget {
        code: Some(d.code),
        name: d.name,
        scope: d.scope,
        period_start: d.period_start,
        period_end: d.period_end,
        kind: d.kind,
        types: d.types,
        min_level: d.min_level,
        count_lapsed: d.count_lapsed,
        metric: d.metric,
        baseline: d.baseline,
        baseline_year: d.baseline_year,
        target: d.target,
        target_form: d.form,
        qualifier: d.qualifier,
        target_text: d.target_text,
        unit: d.unit,
        notes: d.notes,
    })
}

/// A target's id from its code (`T012`, `U001`, case-insensitive) or `#id`.
pub fn find(store: &Store, code: &str) -> Result<i64, TargetError> {
    let c = sanitize(code);
    let by_code: Option<i64> = store
        .conn()
        .query_row(
            "SELECT id FROM targets WHERE code = ?1 COLLATE NOCASE",
            [&c],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = by_code {
        return Ok(id);
    }
    if let Some(n) = c.strip_prefix('#').and_then(|n| n.parse::<i64>().ok()) {
        let by_id: Option<i64> = store
            .conn()
            .query_row("SELECT id FROM targets WHERE id = ?1", [n], |r| r.get(0))
            .optional()?;
        if let Some(id) = by_id {
            return Ok(id);
        }
    }
    by_name(store, &c)
}

/// A target named rather than coded: the one whose name is exactly that, when only one is;
/// else the closest names (name, pinyin, initials, as the TUI's search finds them) with their
/// codes, scopes and periods, so the user can pick a code.
fn by_name(store: &Store, given: &str) -> Result<i64, TargetError> {
    let mut stmt = store.conn().prepare(
        "SELECT t.id, t.code, t.name, coalesce(r.name, p.name, ''), t.period_start, t.period_end,
                t.period_note IS NOT NULL
             FROM targets t LEFT JOIN regions r ON r.id = t.scope_region_id
             LEFT JOIN parks p ON p.id = t.scope_park_id",
    )?;
    type Row = (i64, String, String, String, i32, i32, bool);
    let all: Vec<Row> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let norm = crate::model::text::normalize_name(given);
    let exact: Vec<i64> = all
        .iter()
        .filter(|t| crate::model::text::normalize_name(&t.2) == norm)
        .map(|t| t.0)
        .collect();
    if let [id] = exact[..] {
        return Ok(id);
    }
    let index = crate::search::SearchIndex::new(
        all.iter()
            .map(|t| crate::search::Candidate {
                kind: crate::model::HolderKind::Enterprise,
                id: t.0,
                name: t.2.clone(),
                short_names: Vec::new(),
                uscc: None,
                forms: String::new(),
            })
            .collect(),
    );
    // Several targets of that very name: list them all; else the closest names.
    let (lead, ids): (String, Vec<i64>) = if exact.len() > 1 {
        (
            format!("有 {} 个目标都叫“{}”：", exact.len(), sanitize(given)),
            exact,
        )
    } else {
        (
            format!("没有代码为“{}”的目标，名称相近的有：", sanitize(given)),
            index.search(given, 8).into_iter().map(|h| h.id).collect(),
        )
    };
    let listed: Vec<&Row> = ids
        .iter()
        .filter_map(|id| all.iter().find(|t| t.0 == *id))
        .collect();
    let Some(first) = listed.first() else {
        return Err(TargetError::NotFound(given.to_string()));
    };
    let candidates = listed
        .iter()
        .map(|(_, code, name, scope, start, end, inferred)| {
            format!(
                "  {} {}（{} {}）",
                sanitize(code),
                sanitize(name),
                sanitize(scope),
                rules::period_shown(*start, *end, *inferred)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    Err(TargetError::ByName {
        lead,
        given: given.to_string(),
        candidates,
        first: sanitize(&first.1),
    })
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` naming a real year (1949–2100), month and day.
/// A date as people write it — 2025年6月, 2025年6月30日, 2025/6/30, 2025.6 — in the stored
/// form 2025-06 / 2025-06-30. Anything else is returned as given (and then refused).
fn normalize_as_of(s: &str) -> String {
    let t = s.trim().trim_end_matches('日');
    let unified: String = t
        .chars()
        .map(|c| match c {
            '年' | '月' | '/' | '.' => '-',
            c => c,
        })
        .collect();
    let parts: Vec<&str> = unified.trim_end_matches('-').split('-').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return s.trim().to_string();
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i > 0 && p.len() == 1 {
                format!("0{p}")
            } else {
                p.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn valid_as_of(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str| {
        p.chars()
            .all(|c| c.is_ascii_digit())
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    match parts.as_slice() {
        [y] => y.len() == 4 && num(y).is_some_and(|y| (1949..=2100).contains(&y)),
        [y, m] => {
            y.len() == 4
                && num(y).is_some_and(|y| (1949..=2100).contains(&y))
                && num(m).is_some_and(|m| (1..=12).contains(&m))
        }
        [y, m, d] => match (num(y), num(m), num(d)) {
            (Some(y), Some(m), Some(d)) => {
                (1949..=2100).contains(&y)
                    && chrono::NaiveDate::from_ymd_opt(y as i32, m, d).is_some()
            }
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod as_of_tests {
    use super::{normalize_as_of, valid_as_of};

    #[test]
    fn dates_as_people_write_them() {
        for (typed, stored) in [
            ("2025年6月", "2025-06"),
            ("2025年6月30日", "2025-06-30"),
            ("2025年", "2025"),
            ("2025/6/30", "2025-06-30"),
            ("2025.6", "2025-06"),
            ("2026-06", "2026-06"),
        ] {
            assert_eq!(normalize_as_of(typed), stored);
            assert!(valid_as_of(&normalize_as_of(typed)), "{typed}");
        }
        for bad in ["明年", "2025年第二季度", "2025-13"] {
            assert!(!valid_as_of(&normalize_as_of(bad)), "{bad}");
        }
    }

    #[test]
    fn report_dates_must_be_real() {
        for ok in ["2026", "2026-06", "2026-6", "2026-02-28", "2024-02-29"] {
            assert!(valid_as_of(ok), "{ok}");
        }
        for bad in [
            "2026-13",
            "2026-00",
            "2025-02-29",
            "26-06",
            "2026/06",
            "明年",
            "2026-06-31",
        ] {
            assert!(!valid_as_of(bad), "{bad}");
        }
    }
}

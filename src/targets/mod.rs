//! Plan targets: how parks and enterprises count toward them.
//!
//! A target (in the `targets` table) has a scope (a region with everything under it, or a park
//! with the parks inside it), a period, and a kind:
//! - **stock**: how many holders in scope hold a qualifying designation at the period's end
//!   (or now, while the period runs);
//! - **new**: how many gained a qualifying designation within the period;
//! - **recorded**: a figure no record can compute (规上工业增加值增长7.5%): only reported values.
//!
//! For each target this module sets the figure *computed* from the records in the store beside
//! the figure *reported* by a document or a user (`target_reports`), and derives progress and a
//! status. The two figures usually differ — the seed data names only a few enterprises — and
//! both are shown; progress uses the reported figure when there is one.
//!
//! [`rules`] holds the pure rules; [`edit`] the writes (users' own targets and reports);
//! [`import`] targets from a sheet.

pub mod edit;
pub mod import;
pub mod rules;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};
use serde::{Serialize, Serializer};

use crate::model::designation::{DesignationType, Status, derive_status};
use crate::model::{HolderKind, Level, TargetKind};
use crate::store::{Store, StoreError};

pub use edit::{
    NewTarget, add_report, create, delete, delete_report, editable, find, resolve_scope, update,
};
pub use rules::{Direction, TargetForm, TargetStatus};

/// Errors of the targets layer. Messages are shown to users as they are.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("找不到目标“{0}”。可用 `yuanqi targets` 查看全部目标及其代码。")]
    NotFound(String),
    #[error("{lead}\n{candidates}\n请用目标代码，如 yuanqi targets show {first}")]
    ByName {
        /// "没有代码为“…”的目标，名称相近的有：" or "有 3 个目标都叫“…”：".
        lead: String,
        given: String,
        /// One per line: "  D000-T16 新增省级专精特新企业（达州市 2026）".
        candidates: String,
        first: String,
    },
    #[error("未知的认定类型“{given}”。{hint}")]
    UnknownType { given: String, hint: String },
    #[error("找不到范围“{given}”（应为地区或园区名称）。{hint}")]
    UnknownScope { given: String, hint: String },
    #[error("目标代码“{0}”已被使用，请换一个。")]
    DuplicateCode(String),
    #[error("{0}")]
    Invalid(String),
}

impl From<rusqlite::Error> for TargetError {
    fn from(e: rusqlite::Error) -> Self {
        TargetError::Store(StoreError::from(e))
    }
}

/// A figure reported against a target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reported {
    pub value: f64,
    /// When the figure stood, as the document or user gave it ("2025", "2026-06").
    pub as_of: Option<String>,
    /// "D002 · 二、2024年工作" for a document, "用户填报（alice，2026-11-25 10:00:00）" for a user.
    pub source: String,
}

/// One target with its computed and reported figures, progress and status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetProgress {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// Name of the region or park the target covers.
    pub scope: String,
    pub period_start: i32,
    pub period_end: i32,
    /// Where the period comes from when the document does not state the year with the target
    /// (the article's own dating); `None` when it does.
    pub period_note: Option<String>,
    #[serde(serialize_with = "ser_kind")]
    pub kind: TargetKind,
    /// Canonical designation types counted.
    pub types: Vec<String>,
    /// Lowest level that counts (省级 counts 国家级 too).
    #[serde(serialize_with = "ser_level")]
    pub min_level: Option<Level>,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    /// A target stated in words only, or the plan's wording of it.
    pub target_text: Option<String>,
    /// 以上 / 以下 / 左右 … or empty.
    pub qualifier: String,
    pub unit: String,
    /// Count from the records in the store; `None` for recorded targets and rates.
    pub computed: Option<f64>,
    /// The latest reported figure.
    pub reported: Option<Reported>,
    /// Share of the target reached (see [`rules::progress`]); may exceed 1.
    pub progress: Option<f64>,
    #[serde(serialize_with = "ser_status")]
    pub status: TargetStatus,
    /// Where the target is set: "D000 · 2026年重点任务".
    pub source: String,
    /// What the plan adds about the target (its wording, what the figure covers).
    pub notes: String,
}

fn ser_kind<S: Serializer>(k: &TargetKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.as_str())
}
fn ser_level<S: Serializer>(l: &Option<Level>, s: S) -> Result<S::Ok, S::Error> {
    match l {
        Some(l) => s.serialize_str(l.label()),
        None => s.serialize_none(),
    }
}
fn ser_status<S: Serializer>(st: &TargetStatus, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(st.as_str())
}

/// Why progress reads 0 when the store's own count is below the plan's baseline and no figure
/// was reported: the store holds only the firms the documents name and those imported.
pub fn below_baseline_note(
    baseline: Option<f64>,
    computed: Option<f64>,
    reported: bool,
) -> Option<String> {
    match (baseline, computed) {
        (Some(b), Some(c)) if c < b && !reported => Some(format!(
            "计算数 {} 低于基数 {}：库里只有文件点名和导入的企业，进度按 0 计；全量名单导入后或有填报数时才准。",
            fmt_num(c),
            fmt_num(b)
        )),
        _ => None,
    }
}

impl TargetProgress {
    /// "2026" or "2021–2025"; "2025*" when the year comes from the article's context rather
    /// than the target's own words (see [`TargetProgress::period_note`]).
    pub fn period(&self) -> String {
        rules::period_shown(
            self.period_start,
            self.period_end,
            self.period_note.is_some(),
        )
    }

    /// The figure progress is measured with: the reported one when there is one, else the
    /// computed count.
    pub fn value(&self) -> Option<f64> {
        self.reported.as_ref().map(|r| r.value).or(self.computed)
    }

    /// "填报" when progress uses the reported figure, "计算" when the computed one, "" when none.
    pub fn basis(&self) -> &'static str {
        if self.reported.is_some() {
            "填报"
        } else if self.computed.is_some() {
            "计算"
        } else {
            ""
        }
    }

    /// What is still missing to reach the target (0 when reached); for a ceiling (以下), how
    /// far over it the value is (0 when within).
    pub fn gap(&self) -> Option<f64> {
        let v = self.value()?;
        let t = self.target?;
        Some(match Direction::from_qualifier(&self.qualifier) {
            Direction::AtMost => (v - t).max(0.0),
            _ => (t - v).max(0.0),
        })
    }

    /// The target as written: "25户以上", "116→150户", "【10】个", or the words of the plan.
    pub fn target_label(&self) -> String {
        written_target(
            self.target,
            &self.unit,
            &self.qualifier,
            self.target_text.as_deref(),
        )
    }

    /// "省级及以上 专精特新中小企业" — what counts, in words.
    pub fn counts_label(&self) -> String {
        let mut s = String::new();
        if let Some(l) = self.min_level {
            s.push_str(l.label());
            if l != Level::National {
                s.push_str("及以上 ");
            } else {
                s.push(' ');
            }
        }
        s.push_str(&self.types.join("、"));
        s
    }
}

/// A target as the plan writes it: "25户以上", "约2000个", or its words when it has no figure.
fn written_target(target: Option<f64>, unit: &str, qualifier: &str, text: Option<&str>) -> String {
    // Qualifiers that go before the figure in Chinese.
    const BEFORE: &[&str] = &["约", "近", "超", "超过", "不少于", "不低于", "力争"];
    match target {
        Some(t) if BEFORE.contains(&qualifier) => format!("{qualifier}{}{unit}", fmt_num(t)),
        Some(t) => format!("{}{unit}{qualifier}", fmt_num(t)),
        None => text.unwrap_or_default().to_string(),
    }
}

/// A number without a trailing ".0": 25, 7.5.
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A holder that counts toward a target (or is close to counting), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counted {
    pub kind: HolderKind,
    pub id: i64,
    pub name: String,
    /// "2024年 省级 专精特新中小企业"
    pub reason: String,
}

/// A target row as stored.
#[derive(Debug, Clone)]
pub(crate) struct TargetDef {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub scope: String,
    pub scope_region: Option<i64>,
    pub scope_park: Option<i64>,
    pub period_start: i32,
    pub period_end: i32,
    pub period_note: Option<String>,
    pub kind: TargetKind,
    pub types: Vec<String>,
    pub min_level: Option<Level>,
    pub count_lapsed: bool,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub form: TargetForm,
    pub qualifier: String,
    pub target_text: Option<String>,
    pub unit: String,
    pub source: String,
    pub metric: Option<String>,
    pub baseline_year: Option<i32>,
    pub notes: String,
}

impl TargetDef {
    /// Its period as lists show it (see [`rules::period_shown`]).
    fn period_shown(&self) -> String {
        rules::period_shown(
            self.period_start,
            self.period_end,
            self.period_note.is_some(),
        )
    }

    /// Whether the computed figure is a count of holders (not a recorded figure or a rate).
    fn is_count(&self) -> bool {
        self.kind != TargetKind::Recorded
            && self.form != TargetForm::AvgGrowth
            && !self.types.is_empty()
    }
}

const DEF_SELECT: &str = "SELECT t.id, t.code, t.name, coalesce(r.name, p.name, ''), t.scope_region_id, t.scope_park_id,
        t.period_start, t.period_end, t.kind, t.types, t.min_level, t.count_lapsed, t.baseline, t.target,
        t.target_form, t.qualifier, t.target_text, t.unit, s.code, t.locator, t.updated_by, t.updated_at,
        t.metric, t.baseline_year, t.notes, t.period_note
     FROM targets t
     LEFT JOIN regions r ON r.id = t.scope_region_id
     LEFT JOIN parks p ON p.id = t.scope_park_id
     LEFT JOIN sources s ON s.id = t.source_id";

fn def_from_row(r: &rusqlite::Row) -> rusqlite::Result<TargetDef> {
    let kind: String = r.get(8)?;
    let types: String = r.get(9)?;
    let min_level: Option<String> = r.get(10)?;
    let form: String = r.get(14)?;
    let src: Option<String> = r.get(18)?;
    let locator: Option<String> = r.get(19)?;
    let by: Option<String> = r.get(20)?;
    let at: Option<String> = r.get(21)?;
    Ok(TargetDef {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        scope: r.get(3)?,
        scope_region: r.get(4)?,
        scope_park: r.get(5)?,
        period_start: r.get(6)?,
        period_end: r.get(7)?,
        period_note: r
            .get::<_, Option<String>>(25)?
            .filter(|n| !n.trim().is_empty()),
        // The schema's CHECK admits only the three kinds.
        kind: TargetKind::parse(&kind).unwrap_or(TargetKind::Recorded),
        types: types
            .split('|')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
        min_level: min_level.as_deref().and_then(Level::parse),
        count_lapsed: r.get(11)?,
        baseline: r.get(12)?,
        target: r.get(13)?,
        form: TargetForm::parse(&form).unwrap_or(TargetForm::Plain),
        qualifier: r.get(15)?,
        target_text: r.get(16)?,
        unit: r.get(17)?,
        source: describe_origin(
            "用户添加",
            src.as_deref(),
            locator.as_deref(),
            by.as_deref(),
            at.as_deref(),
        ),
        metric: r.get(22)?,
        baseline_year: r.get(23)?,
        notes: r.get(24)?,
    })
}

/// "D002 · locator" for a document, "用户填报（who，when）" for a user's entry.
fn describe_source(
    code: Option<&str>,
    locator: Option<&str>,
    by: Option<&str>,
    at: Option<&str>,
) -> String {
    describe_origin("用户填报", code, locator, by, at)
}

/// "D002 · locator" for a document (with who edited it, if anyone did), "{user_word}（who，
/// when）" for a user's entry.
fn describe_origin(
    user_word: &str,
    code: Option<&str>,
    locator: Option<&str>,
    by: Option<&str>,
    at: Option<&str>,
) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(c) = code {
        parts.push(c.to_string());
    }
    if let Some(l) = locator.filter(|l| !l.is_empty()) {
        parts.push(l.to_string());
    }
    if !parts.is_empty() {
        if let (Some(by), Some(at)) = (by, at) {
            parts.push(format!("{by} 于 {at} 修改"));
        }
    } else {
        match (by, at) {
            (Some(by), Some(at)) => parts.push(format!("{user_word}（{by}，{at}）")),
            (Some(by), None) => parts.push(format!("{user_word}（{by}）")),
            _ => parts.push(user_word.to_string()),
        }
    }
    parts.join(" · ")
}

pub(crate) fn load_defs(store: &Store) -> Result<Vec<TargetDef>, TargetError> {
    let mut stmt = store
        .conn()
        .prepare(&format!("{DEF_SELECT} ORDER BY t.id"))?;
    let defs = stmt
        .query_map([], def_from_row)?
        .collect::<Result<_, _>>()?;
    Ok(defs)
}

pub(crate) fn load_def(store: &Store, id: i64) -> Result<TargetDef, TargetError> {
    store
        .conn()
        .query_row(&format!("{DEF_SELECT} WHERE t.id = ?1"), [id], def_from_row)
        .optional()?
        .ok_or_else(|| TargetError::NotFound(format!("#{id}")))
}

/// The latest figure reported against a target: the latest `as_of`, then the latest entry.
fn latest_report(store: &Store, target_id: i64) -> Result<Option<Reported>, TargetError> {
    Ok(reports(store, target_id)?
        .into_iter()
        .next()
        .map(|(_, r, _)| r))
}

/// A designation as the counting rules need it.
#[derive(Debug, Clone)]
struct Desig {
    holder_kind: HolderKind,
    holder_id: i64,
    holder: String,
    dtype: String,
    level: Option<Level>,
    year: Option<i32>,
    explicit: Option<String>,
}

impl Desig {
    fn ty(&self) -> Option<&'static DesignationType> {
        DesignationType::get(&self.dtype)
    }

    /// "2024年 省级 专精特新中小企业"
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        parts.push(match self.year {
            Some(y) => format!("{y}年"),
            None => "年份不详".to_string(),
        });
        if let Some(l) = self.level {
            parts.push(l.label().to_string());
        }
        parts.push(self.dtype.clone());
        parts.join(" ")
    }

    fn valid_until(&self, now_year: i32) -> Option<i32> {
        derive_status(self.ty(), self.year, self.explicit.as_deref(), now_year).1
    }
}

/// Designations of the given types, with holder names.
fn designations_of_types(store: &Store, types: &[&str]) -> Result<Vec<Desig>, TargetError> {
    if types.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=types.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "SELECT d.enterprise_id, d.park_id, coalesce(e.name, p.name, ''), d.type, d.level, d.year, d.status
         FROM designations d
         LEFT JOIN enterprises e ON e.id = d.enterprise_id
         LEFT JOIN parks p ON p.id = d.park_id
         WHERE d.type IN ({}) ORDER BY d.id",
        marks.join(", ")
    );
    let args: Vec<Value> = types.iter().map(|t| Value::Text(t.to_string())).collect();
    let mut stmt = store.conn().prepare(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), |r| {
            let ent: Option<i64> = r.get(0)?;
            let park: Option<i64> = r.get(1)?;
            let level: Option<String> = r.get(4)?;
            Ok(Desig {
                holder_kind: if ent.is_some() {
                    HolderKind::Enterprise
                } else {
                    HolderKind::Park
                },
                holder_id: ent.or(park).unwrap_or_default(),
                holder: r.get(2)?,
                dtype: r.get(3)?,
                level: level.as_deref().and_then(Level::parse),
                year: r.get(5)?,
                explicit: r.get(6)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Enterprises and parks inside a target's scope.
#[derive(Debug, Default)]
struct Members {
    enterprises: HashSet<i64>,
    parks: HashSet<i64>,
}

impl Members {
    fn contains(&self, kind: HolderKind, id: i64) -> bool {
        match kind {
            HolderKind::Enterprise => self.enterprises.contains(&id),
            HolderKind::Park => self.parks.contains(&id),
        }
    }
}

/// Enterprise id → (region id, park id).
type Placed = HashMap<i64, (Option<i64>, Option<i64>)>;

/// Where every enterprise and park sits, loaded once per evaluation: scopes are resolved in
/// memory instead of one recursive query per scope.
#[derive(Debug, Default)]
struct World {
    /// region id → parent region id
    region_parent: HashMap<i64, Option<i64>>,
    /// park id → (region id, parent park id, name)
    parks: HashMap<i64, (Option<i64>, Option<i64>, String)>,
    /// enterprise id → (region id, park id)
    enterprises: Placed,
    /// A functional zone's region id → the park of the same name (达州高新区): an enterprise
    /// placed in the zone is in that park, as the store's park filter has it.
    zone_park: HashMap<i64, i64>,
}

impl World {
    /// The regions and parks, and the enterprises — only `only` when it is an enterprise
    /// (what one holder's targets need), none when it is a park.
    fn load_for(store: &Store, only: Option<(HolderKind, i64)>) -> Result<World, TargetError> {
        let conn = store.conn();
        let region_parent = conn
            .prepare("SELECT id, parent_id FROM regions")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let parks = conn
            .prepare("SELECT id, region_id, parent_id, name FROM parks")?
            .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))?
            .collect::<Result<_, _>>()?;
        let read = |sql: &str, args: &[i64]| -> Result<Placed, TargetError> {
            Ok(conn
                .prepare(sql)?
                .query_map(rusqlite::params_from_iter(args), |r| {
                    Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))
                })?
                .collect::<Result<_, _>>()?)
        };
        let enterprises = match only {
            None => read("SELECT id, region_id, park_id FROM enterprises", &[])?,
            Some((HolderKind::Enterprise, id)) => read(
                "SELECT id, region_id, park_id FROM enterprises WHERE id = ?1",
                &[id],
            )?,
            Some((HolderKind::Park, _)) => HashMap::new(),
        };
        let zone_park = conn
            .prepare("SELECT r.id, p.id FROM regions r JOIN parks p ON p.name = r.name")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(World {
            region_parent,
            parks,
            enterprises,
            zone_park,
        })
    }

    /// Whether `region` is `ancestor` or lies under it.
    fn region_within(&self, region: i64, ancestor: i64) -> bool {
        let mut cur = Some(region);
        for _ in 0..32 {
            match cur {
                Some(c) if c == ancestor => return true,
                Some(c) => cur = self.region_parent.get(&c).copied().flatten(),
                None => return false,
            }
        }
        false
    }

    /// Whether `park` is `ancestor` or lies inside it.
    fn park_within(&self, park: i64, ancestor: i64) -> bool {
        let mut cur = Some(park);
        for _ in 0..32 {
            match cur {
                Some(c) if c == ancestor => return true,
                Some(c) => cur = self.parks.get(&c).and_then(|p| p.1),
                None => return false,
            }
        }
        false
    }

    /// A park's region, or the region of the park it lies inside.
    fn park_region(&self, park: i64) -> Option<i64> {
        let mut cur = Some(park);
        for _ in 0..32 {
            let p = self.parks.get(&cur?)?;
            if p.0.is_some() {
                return p.0;
            }
            cur = p.1;
        }
        None
    }

    /// Members of a scope. A region takes the enterprises whose region, or whose park's region,
    /// lies under it — exactly as the store's region filter does — and the parks under it with
    /// the parks inside them; a park takes itself, the parks inside it and their enterprises.
    fn members(&self, region: Option<i64>, park: Option<i64>) -> Members {
        let park_in = |p: i64| match (region, park) {
            (_, Some(scope)) => self.park_within(p, scope),
            (Some(r), None) => self
                .park_region(p)
                .is_some_and(|pr| self.region_within(pr, r)),
            (None, None) => true,
        };
        let parks: HashSet<i64> = self.parks.keys().copied().filter(|p| park_in(*p)).collect();
        let enterprises = self
            .enterprises
            .iter()
            .filter(|(_, (er, ep))| match (region, park) {
                (_, Some(scope)) => {
                    ep.is_some_and(|p| self.park_within(p, scope))
                        || er
                            .and_then(|r| self.zone_park.get(&r))
                            .is_some_and(|p| self.park_within(*p, scope))
                }
                (Some(r), None) => {
                    er.is_some_and(|x| self.region_within(x, r))
                        || ep.is_some_and(|p| {
                            self.parks
                                .get(&p)
                                .and_then(|pp| pp.0)
                                .is_some_and(|pr| self.region_within(pr, r))
                        })
                }
                (None, None) => true,
            })
            .map(|(id, _)| *id)
            .collect();
        Members { enterprises, parks }
    }
}

/// One holder counting toward a target, with the designation that makes it count (the highest
/// level, then the latest year) and every qualifying designation's last valid year.
#[derive(Debug, Clone)]
struct Hit {
    best: Desig,
    status: Status,
    /// The latest year any qualifying title stays valid without 复核 (`None`: no fixed term).
    valid_until: Option<i32>,
}

impl Hit {
    fn counted(&self) -> Counted {
        let mut reason = self.best.describe();
        match self.status {
            Status::Lapsed => reason.push_str("（已过期，按目标口径计入）"),
            Status::ReviewDue => reason.push_str("（今年待复核）"),
            _ => {}
        }
        Counted {
            kind: self.best.holder_kind,
            id: self.best.holder_id,
            name: self.best.holder.clone(),
            reason,
        }
    }
}

/// Caches shared while evaluating many targets at once.
#[derive(Default)]
struct Ctx {
    /// Evaluate for this holder alone (the targets one profile counts toward).
    only: Option<(HolderKind, i64)>,
    world: Option<World>,
    members: HashMap<(Option<i64>, Option<i64>), Members>,
    desigs: HashMap<Vec<String>, Rc<Vec<Desig>>>,
}

impl Ctx {
    fn world(&mut self, store: &Store) -> Result<&World, TargetError> {
        if self.world.is_none() {
            self.world = Some(World::load_for(store, self.only)?);
        }
        Ok(self.world.get_or_insert_default())
    }

    fn members(&mut self, store: &Store, def: &TargetDef) -> Result<&Members, TargetError> {
        let key = (def.scope_region, def.scope_park);
        if !self.members.contains_key(&key) {
            let m = self.world(store)?.members(def.scope_region, def.scope_park);
            self.members.insert(key, m);
        }
        Ok(&self.members[&key])
    }

    fn desigs(&mut self, store: &Store, types: &[String]) -> Result<Rc<Vec<Desig>>, TargetError> {
        if !self.desigs.contains_key(types) {
            let refs: Vec<&str> = types.iter().map(String::as_str).collect();
            let mut d = designations_of_types(store, &refs)?;
            if let Some((kind, id)) = self.only {
                d.retain(|x| x.holder_kind == kind && x.holder_id == id);
            }
            self.desigs.insert(types.to_vec(), Rc::new(d));
        }
        Ok(Rc::clone(&self.desigs[types]))
    }
}

/// Holders counting toward a counting target, sorted by name; empty for recorded targets.
fn hits(
    store: &Store,
    ctx: &mut Ctx,
    def: &TargetDef,
    now_year: i32,
) -> Result<Vec<Hit>, TargetError> {
    if !def.is_count() {
        return Ok(Vec::new());
    }
    let at = rules::evaluation_year(def.period_end, now_year);
    let desigs = ctx.desigs(store, &def.types)?;
    let members = ctx.members(store, def)?;
    let mut by_holder: HashMap<(HolderKind, i64), Hit> = HashMap::new();
    for d in desigs.iter() {
        if !members.contains(d.holder_kind, d.holder_id)
            || !rules::level_counts(d.level, def.min_level)
        {
            continue;
        }
        let (counts, status) = match def.kind {
            TargetKind::Stock => {
                rules::held_at(d.ty(), d.year, d.explicit.as_deref(), at, def.count_lapsed)
            }
            TargetKind::New => rules::new_within(
                d.ty(),
                d.year,
                d.explicit.as_deref(),
                def.period_start,
                def.period_end,
                at,
                def.count_lapsed,
            ),
            TargetKind::Recorded => (false, Status::Unknown),
        };
        if !counts {
            continue;
        }
        let valid = d.valid_until(at);
        let key = (d.holder_kind, d.holder_id);
        match by_holder.get_mut(&key) {
            None => {
                by_holder.insert(
                    key,
                    Hit {
                        best: d.clone(),
                        status,
                        valid_until: valid,
                    },
                );
            }
            Some(h) => {
                h.valid_until = match (h.valid_until, valid) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
                if (d.level, d.year) > (h.best.level, h.best.year) {
                    h.best = d.clone();
                    h.status = status;
                }
            }
        }
    }
    let mut out: Vec<Hit> = by_holder.into_values().collect();
    out.sort_by(|a, b| {
        (
            a.best.holder_kind.as_str(),
            &a.best.holder,
            a.best.holder_id,
        )
            .cmp(&(
                b.best.holder_kind.as_str(),
                &b.best.holder,
                b.best.holder_id,
            ))
    });
    Ok(out)
}

fn progress_of(
    store: &Store,
    ctx: &mut Ctx,
    def: &TargetDef,
    now_year: i32,
) -> Result<TargetProgress, TargetError> {
    let computed = if def.is_count() {
        Some(hits(store, ctx, def, now_year)?.len() as f64)
    } else {
        None
    };
    let reported = latest_report(store, def.id)?;
    let value = reported.as_ref().map(|r| r.value).or(computed);
    let direction = Direction::from_qualifier(&def.qualifier);
    let rate = def.form == TargetForm::AvgGrowth || def.unit.contains('%');
    let progress = rules::progress(
        value,
        def.target,
        def.baseline,
        def.kind != TargetKind::New,
        direction,
    );
    let status = rules::status(
        progress,
        direction,
        !rate,
        def.kind == TargetKind::New,
        def.period_start,
        def.period_end,
        now_year,
    );
    Ok(TargetProgress {
        id: def.id,
        code: def.code.clone(),
        name: def.name.clone(),
        scope: def.scope.clone(),
        period_start: def.period_start,
        period_end: def.period_end,
        period_note: def.period_note.clone(),
        kind: def.kind,
        types: def.types.clone(),
        min_level: def.min_level,
        baseline: def.baseline,
        target: def.target,
        target_text: def.target_text.clone(),
        qualifier: def.qualifier.clone(),
        unit: def.unit.clone(),
        computed,
        reported,
        progress,
        status,
        source: def.source.clone(),
        notes: def.notes.clone(),
    })
}

/// Every target, in the order they were entered, evaluated for `now_year`.
pub fn evaluate_all(store: &Store, now_year: i32) -> Result<Vec<TargetProgress>, TargetError> {
    let mut ctx = Ctx::default();
    load_defs(store)?
        .iter()
        .map(|d| progress_of(store, &mut ctx, d, now_year))
        .collect()
}

/// One target evaluated for `now_year`.
pub fn evaluate(
    store: &Store,
    target_id: i64,
    now_year: i32,
) -> Result<TargetProgress, TargetError> {
    let def = load_def(store, target_id)?;
    progress_of(store, &mut Ctx::default(), &def, now_year)
}

/// Holders that count toward a target, and why ("2024年 省级 专精特新中小企业"). Empty for a
/// recorded target or a rate.
pub fn counting(store: &Store, target_id: i64, now_year: i32) -> Result<Vec<Counted>, TargetError> {
    let def = load_def(store, target_id)?;
    let mut out: Vec<Counted> = hits(store, &mut Ctx::default(), &def, now_year)?
        .iter()
        .map(Hit::counted)
        .collect();
    // In pinyin order, as the enterprise list is.
    out.sort_by_cached_key(|c| (c.kind.as_str(), crate::search::pinyin::full(&c.name), c.id));
    Ok(out)
}

/// The computed count split by county-level unit (counties and the functional zones) under a
/// region scope, every unit listed even at 0, plus "未分县（市、区）" for holders recorded only
/// at the scope's own level; under a park scope, split by park. Empty for a recorded target.
///
/// A holder is attributed to its park's region when that lies under the scope (an enterprise in
/// a 达州高新区 park counts for 达州高新区), else to its own region.
pub fn breakdown_by_region(
    store: &Store,
    target_id: i64,
    now_year: i32,
) -> Result<Vec<(String, f64)>, TargetError> {
    let def = load_def(store, target_id)?;
    if !def.is_count() {
        return Ok(Vec::new());
    }
    let mut ctx = Ctx::default();
    let hits = hits(store, &mut ctx, &def, now_year)?;
    let world = ctx.world(store)?;
    // The park a holder is in (a park is in itself).
    let park_of = |h: &Hit| -> Option<i64> {
        match h.best.holder_kind {
            HolderKind::Park => Some(h.best.holder_id),
            HolderKind::Enterprise => world.enterprises.get(&h.best.holder_id)?.1,
        }
    };
    let park_name = |p: i64| world.parks.get(&p).map(|x| x.2.clone());

    if let Some(scope_park) = def.scope_park {
        let own = park_name(scope_park).unwrap_or_default();
        let mut counts: Vec<(String, f64)> = vec![(own.clone(), 0.0)];
        for h in &hits {
            let name = park_of(h)
                .and_then(park_name)
                .unwrap_or_else(|| own.clone());
            match counts.iter_mut().find(|(n, _)| *n == name) {
                Some(c) => c.1 += 1.0,
                None => counts.push((name, 1.0)),
            }
        }
        return Ok(counts);
    }

    let scope = def.scope_region;
    let mut regions: Vec<(i64, String, Option<i64>)> = store
        .conn()
        .prepare_cached("SELECT id, name, parent_id FROM regions ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut units: Vec<(i64, String)> = regions
        .iter()
        .filter(|(_, _, p)| *p == scope && scope.is_some())
        .map(|(i, n, _)| (*i, n.clone()))
        .collect();
    let leaf = units.is_empty();
    if leaf {
        // A county without units below it: one bucket, the county itself.
        units = regions
            .drain(..)
            .filter(|(i, _, _)| Some(*i) == scope)
            .map(|(i, n, _)| (i, n))
            .collect();
    }
    // The unit directly under the scope that contains `region`.
    let unit_of = |region: i64| -> Option<usize> {
        units
            .iter()
            .position(|(u, _)| world.region_within(region, *u))
    };
    let mut counts: Vec<(String, f64)> = units.iter().map(|(_, n)| (n.clone(), 0.0)).collect();
    let mut unplaced = 0.0;
    for h in &hits {
        let unit = if leaf && !units.is_empty() {
            Some(0)
        } else {
            let park_region = park_of(h).and_then(|p| world.park_region(p));
            let own_region = match h.best.holder_kind {
                HolderKind::Enterprise => {
                    world.enterprises.get(&h.best.holder_id).and_then(|e| e.0)
                }
                HolderKind::Park => None,
            };
            park_region
                .and_then(unit_of)
                .or_else(|| own_region.and_then(unit_of))
        };
        match unit {
            Some(ix) => counts[ix].1 += 1.0,
            None => unplaced += 1.0,
        }
    }
    if unplaced > 0.0 {
        counts.push(("未分县（市、区）".to_string(), unplaced));
    }
    Ok(counts)
}

/// Holders close to counting, and why:
/// - holders of the same type at a lower level than the target asks (a 市级 title for a
///   省级 target), or of unknown level;
/// - holders of the title one step below on the ladder (省级专精特新 for a 国家级“小巨人” target);
/// - for a stock, titles that lapsed without 复核 (they count again once reviewed);
/// - for a stock, counting titles that lapse within the period without 复核.
///
/// Each holder is listed once, with its first reason. Empty for a recorded target.
pub fn close_candidates(
    store: &Store,
    target_id: i64,
    now_year: i32,
) -> Result<Vec<Counted>, TargetError> {
    let def = load_def(store, target_id)?;
    // Once the period is over nobody can still come to count toward it.
    if !def.is_count() || now_year > def.period_end {
        return Ok(Vec::new());
    }
    let mut ctx = Ctx::default();
    let counting = hits(store, &mut ctx, &def, now_year)?;
    let counting_ids: HashSet<(HolderKind, i64)> = counting
        .iter()
        .map(|h| (h.best.holder_kind, h.best.holder_id))
        .collect();
    let at = rules::evaluation_year(def.period_end, now_year);
    let mut out: Vec<Counted> = Vec::new();
    let mut seen: HashSet<(HolderKind, i64)> = counting_ids.clone();
    let mut push = |d: &Desig, reason: String, seen: &mut HashSet<(HolderKind, i64)>| {
        if seen.insert((d.holder_kind, d.holder_id)) {
            out.push(Counted {
                kind: d.holder_kind,
                id: d.holder_id,
                name: d.holder.clone(),
                reason,
            });
        }
    };
    let held_now =
        |d: &Desig| rules::held_at(d.ty(), d.year, d.explicit.as_deref(), now_year, false).0;
    let want = def
        .min_level
        .map(|l| format!("{} ", l.label()))
        .unwrap_or_default();

    // Same type, lower or unknown level; and lapsed titles that would count once reviewed.
    let own = ctx.desigs(store, &def.types)?;
    let members = ctx.members(store, &def)?;
    let mut sorted: Vec<Desig> = own
        .iter()
        .filter(|d| members.contains(d.holder_kind, d.holder_id))
        .cloned()
        .collect();
    // Holders that already hold the title at the level asked (even if it does not count, say
    // because it was gained before a "new" target's period) are no candidates for it.
    for d in &sorted {
        if rules::level_counts(d.level, def.min_level) && held_now(d) {
            seen.insert((d.holder_kind, d.holder_id));
        }
    }
    sorted.sort_by_key(|b| std::cmp::Reverse((b.level, b.year)));
    for d in &sorted {
        if rules::level_counts(d.level, def.min_level) {
            let (status, until) = derive_status(d.ty(), d.year, d.explicit.as_deref(), at);
            // A review restores a stock; it is no new title, so new targets skip these.
            if def.kind == TargetKind::Stock && status == Status::Lapsed && !def.count_lapsed {
                let until = until
                    .map(|u| format!("有效期至{u}年，"))
                    .unwrap_or_default();
                push(
                    d,
                    format!("{}（{until}已过期未复核，复核后可计入）", d.describe()),
                    &mut seen,
                );
            }
            continue;
        }
        if !held_now(d) {
            continue;
        }
        let why = if d.level.is_none() {
            format!("{}（级别不详，核实为{want}后可计入）", d.describe())
        } else {
            format!("{}（可争取{want}{}）", d.describe(), d.dtype)
        };
        push(d, why, &mut seen);
    }

    // The title one step below on the ladder.
    for t in &def.types {
        let feeders: Vec<String> = rules::feeder_types(t)
            .iter()
            .map(|s| s.to_string())
            .collect();
        if feeders.is_empty() {
            continue;
        }
        let all = ctx.desigs(store, &feeders)?;
        let members = ctx.members(store, &def)?;
        let mut fd: Vec<Desig> = all
            .iter()
            .filter(|d| members.contains(d.holder_kind, d.holder_id) && held_now(d))
            .cloned()
            .collect();
        fd.sort_by_key(|b| std::cmp::Reverse((b.level, b.year)));
        for d in &fd {
            push(d, format!("{}（可申报{want}{t}）", d.describe()), &mut seen);
        }
    }

    // Stock: counting titles that lapse before the period ends.
    if def.kind == TargetKind::Stock && now_year <= def.period_end {
        for h in &counting {
            if let Some(until) = h.valid_until.filter(|u| *u < def.period_end) {
                out.push(Counted {
                    kind: h.best.holder_kind,
                    id: h.best.holder_id,
                    name: h.best.holder.clone(),
                    reason: format!(
                        "{}（有效期至{until}年，期末前需复核，否则不再计入）",
                        h.best.describe()
                    ),
                });
            }
        }
    }
    Ok(out)
}

/// The targets an enterprise or park counts toward, with why: ("2026年 达州市 新增省级专精特新
/// 25户以上", "2026年 省级 专精特新中小企业").
pub fn for_holder(
    store: &Store,
    kind: HolderKind,
    id: i64,
    now_year: i32,
) -> Result<Vec<(String, String)>, TargetError> {
    // Only this holder's record and designations are read: at 100 000 enterprises,
    // evaluating every holder would take most of a second.
    let mut ctx = Ctx {
        only: Some((kind, id)),
        ..Ctx::default()
    };
    let mut out = Vec::new();
    for def in load_defs(store)? {
        if !def.is_count() {
            continue;
        }
        let hs = hits(store, &mut ctx, &def, now_year)?;
        if let Some(h) = hs
            .iter()
            .find(|h| h.best.holder_kind == kind && h.best.holder_id == id)
        {
            let label = format!("{} {} {}", def.period_shown(), def.scope, def.name);
            out.push((label, h.counted().reason));
        }
    }
    Ok(out)
}

/// What a "*" after a period means, for lists that show it without the target's detail.
pub const INFERRED_YEAR_NOTE: &str =
    "* 原文未在目标旁写年份，年份据文章上下文（详见目标画面或 targets show）";

/// The targets set for a park or a park inside it (as opposed to those it counts toward):
/// ("2025* 新增规上企业", "15家"), by period.
pub fn set_for_park(store: &Store, park: i64) -> Result<Vec<(String, String)>, TargetError> {
    let ids: HashSet<i64> = store
        .conn()
        .prepare(
            "WITH RECURSIVE pk(id) AS (SELECT ?1 UNION SELECT c.id FROM parks c JOIN pk ON c.parent_id = pk.id)
             SELECT t.id FROM targets t WHERE t.scope_park_id IN (SELECT id FROM pk)
                 -- A park that is also a functional zone (达州高新区): the zone's targets.
                 OR t.scope_region_id IN (SELECT r.id FROM regions r JOIN parks p ON p.name = r.name WHERE p.id = ?1)",
        )?
        .query_map([park], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut defs: Vec<TargetDef> = load_defs(store)?
        .into_iter()
        .filter(|d| ids.contains(&d.id))
        .collect();
    defs.sort_by_key(|d| (d.period_end, d.period_start, d.id));
    Ok(defs
        .into_iter()
        .map(|d| {
            let target = written_target(d.target, &d.unit, &d.qualifier, d.target_text.as_deref());
            (format!("{} {}", d.period_shown(), d.name), target)
        })
        .collect())
}

/// Ids of the targets whose scope lies within the named region or park: a region takes targets
/// of its own, of the regions under it and of the parks in them; a park takes its own and those
/// of the parks inside it.
pub fn within_scope(store: &Store, scope: &str) -> Result<HashSet<i64>, TargetError> {
    let (region, park) = resolve_scope(store, scope)?;
    let (sql, arg) = match (region, park) {
        (Some(r), _) => (
            "WITH RECURSIVE reg(id) AS (SELECT ?1 UNION SELECT x.id FROM regions x JOIN reg ON x.parent_id = reg.id),
                  pk(id) AS (SELECT id FROM parks WHERE region_id IN (SELECT id FROM reg)
                             UNION SELECT c.id FROM parks c JOIN pk ON c.parent_id = pk.id)
             SELECT id FROM targets WHERE scope_region_id IN (SELECT id FROM reg) OR scope_park_id IN (SELECT id FROM pk)",
            r,
        ),
        (None, Some(p)) => (
            "WITH RECURSIVE pk(id) AS (SELECT ?1 UNION SELECT c.id FROM parks c JOIN pk ON c.parent_id = pk.id)
             SELECT id FROM targets WHERE scope_park_id IN (SELECT id FROM pk)",
            p,
        ),
        (None, None) => return Ok(HashSet::new()),
    };
    let ids = store
        .conn()
        .prepare(sql)?
        .query_map([arg], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(ids)
}

/// The regions and parks that enclose a scope, nearest first: a park's parent parks, then its
/// region and that region's parents; a region's parents. What the scope pane indents by.
/// (Steps are numbered from 1 up the parks and from 1000 up the regions, which orders the
/// result; a loop in the parent links ends after 32 steps instead of running forever.)
pub fn enclosing_scopes(store: &Store, scope: &str) -> Result<Vec<String>, TargetError> {
    let (region, park) = resolve_scope(store, scope)?;
    let sql = match (region, park) {
        (Some(_), _) => {
            "WITH RECURSIVE up(id, n) AS (SELECT parent_id, 1 FROM regions WHERE id = ?1
                 UNION ALL SELECT r.parent_id, up.n + 1 FROM regions r JOIN up ON r.id = up.id WHERE up.n < 32)
             SELECT r.name FROM up JOIN regions r ON r.id = up.id ORDER BY up.n"
        }
        (None, Some(_)) => {
            "WITH RECURSIVE pk(id, region, n) AS (SELECT parent_id, region_id, 1 FROM parks WHERE id = ?1
                 UNION ALL SELECT p.parent_id, p.region_id, pk.n + 1 FROM parks p JOIN pk ON p.id = pk.id WHERE pk.n < 32),
             top(region, n) AS (SELECT region, n FROM pk ORDER BY n DESC LIMIT 1),
             reg(id, n) AS (SELECT region, 1000 FROM top
                 UNION ALL SELECT r.parent_id, reg.n + 1 FROM regions r JOIN reg ON r.id = reg.id WHERE reg.n < 1032)
             SELECT name FROM (SELECT p.name, pk.n FROM pk JOIN parks p ON p.id = pk.id
                               UNION ALL SELECT r.name, reg.n FROM reg JOIN regions r ON r.id = reg.id)
             ORDER BY n"
        }
        (None, None) => return Ok(Vec::new()),
    };
    let id = region.or(park);
    let mut names: Vec<String> = store
        .conn()
        .prepare(sql)?
        .query_map([id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    names.retain(|n| n != scope);
    Ok(names)
}

/// Whether a target was set by a document (seeded with a source) rather than by a user.
pub fn is_from_document(store: &Store, target_id: i64) -> Result<bool, TargetError> {
    let src: Option<Option<i64>> = store
        .conn()
        .query_row(
            "SELECT source_id FROM targets WHERE id = ?1",
            [target_id],
            |r| r.get(0),
        )
        .optional()?;
    match src {
        Some(s) => Ok(s.is_some()),
        None => Err(TargetError::NotFound(format!("#{target_id}"))),
    }
}

/// The figures reported against a target, newest first: (report id, figure, notes).
pub fn reports(store: &Store, target_id: i64) -> Result<Vec<(i64, Reported, String)>, TargetError> {
    let rows = store
        .conn()
        .prepare_cached(
            "SELECT tr.id, tr.value, tr.as_of, s.code, tr.locator, tr.updated_by, tr.updated_at, tr.notes
             FROM target_reports tr LEFT JOIN sources s ON s.id = tr.source_id
             WHERE tr.target_id = ?1
             ORDER BY tr.as_of IS NULL, tr.as_of DESC, tr.id DESC",
        )?
        .query_map(params![target_id], |r| {
            let code: Option<String> = r.get(3)?;
            let loc: Option<String> = r.get(4)?;
            let by: Option<String> = r.get(5)?;
            let at: Option<String> = r.get(6)?;
            Ok((
                r.get(0)?,
                Reported {
                    value: r.get(1)?,
                    as_of: r.get(2)?,
                    source: describe_source(
                        code.as_deref(),
                        loc.as_deref(),
                        by.as_deref(),
                        at.as_deref(),
                    ),
                },
                r.get(7)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// A result a document reports that answers no target (shown beside the targets).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub scope: String,
    /// "2025", "2024-12", "2022—2025" as the document gives it.
    pub period: String,
    pub metric: String,
    pub value: f64,
    pub unit: String,
    pub notes: String,
    pub source: String,
}

/// Reported figures that answer no target, newest dated period first (then the undated); with `scope`, only those of
/// that region or park and the regions and parks within it.
pub fn figures(store: &Store, scope: Option<&str>) -> Result<Vec<Figure>, TargetError> {
    let (region, park) = match scope {
        Some(s) => resolve_scope(store, s)?,
        None => (None, None),
    };
    let cond = match (region, park) {
        (Some(_), _) => {
            "WHERE f.scope_region_id IN (SELECT id FROM reg)
                OR f.scope_park_id IN (SELECT id FROM parks WHERE region_id IN (SELECT id FROM reg))"
        }
        (None, Some(_)) => "WHERE f.scope_park_id IN (SELECT id FROM pk)",
        (None, None) => "",
    };
    let sql = format!(
        "WITH RECURSIVE reg(id) AS (SELECT ?1 UNION SELECT x.id FROM regions x JOIN reg ON x.parent_id = reg.id),
              pk(id) AS (SELECT ?2 UNION SELECT c.id FROM parks c JOIN pk ON c.parent_id = pk.id)
         SELECT coalesce(r.name, p.name, ''), f.period, f.metric, f.value, f.unit, f.notes, s.code, f.locator
         FROM figures f
         LEFT JOIN regions r ON r.id = f.scope_region_id
         LEFT JOIN parks p ON p.id = f.scope_park_id
         LEFT JOIN sources s ON s.id = f.source_id
         {cond}
         ORDER BY f.period GLOB '[0-9]*' DESC, f.period DESC, f.id"
    );
    let rows = store
        .conn()
        .prepare(&sql)?
        .query_map(params![region, park], |r| {
            let code: Option<String> = r.get(6)?;
            let loc: Option<String> = r.get(7)?;
            Ok(Figure {
                scope: r.get(0)?,
                period: r.get(1)?,
                metric: r.get(2)?,
                value: r.get(3)?,
                unit: r.get(4)?,
                notes: r.get(5)?,
                source: describe_source(code.as_deref(), loc.as_deref(), None, None),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Filter;

    #[test]
    fn a_target_reads_as_the_plan_writes_it() {
        assert_eq!(written_target(Some(25.0), "户", "以上", None), "25户以上");
        assert_eq!(written_target(Some(2000.0), "个", "约", None), "约2000个");
        assert_eq!(written_target(Some(5.0), "%", "左右", None), "5%左右");
        assert_eq!(
            written_target(None, "", "", Some("争创国家级")),
            "争创国家级"
        );
    }

    /// Scopes resolved in memory take exactly the enterprises the store's filters take, so a
    /// target's count agrees with the enterprise list the TUI shows for the same region or park.
    #[test]
    fn in_memory_scopes_match_the_store_filters() {
        let store = Store::open_in_memory().unwrap();
        let world = World::load_for(&store, None).unwrap();
        let regions: Vec<i64> = world.region_parent.keys().copied().collect();
        let parks: Vec<i64> = world.parks.keys().copied().collect();
        let cases = regions
            .iter()
            .map(|r| (Some(*r), None))
            .chain(parks.iter().map(|p| (None, Some(*p))));
        let mut nonempty = 0;
        for (region, park) in cases {
            let f = Filter {
                region,
                park,
                ..Filter::default()
            };
            let want: HashSet<i64> = store.enterprise_ids(&f).unwrap().into_iter().collect();
            let got = world.members(region, park).enterprises;
            assert_eq!(got, want, "scope {region:?} {park:?}");
            nonempty += usize::from(!want.is_empty());
        }
        assert!(
            nonempty > 3,
            "the seed places enterprises in several scopes"
        );
    }
}

//! The embedded seed dataset (`seeds/*.csv`), loaded into a new store in one transaction.
//!
//! The files are compiled into the binary, so a copied release binary needs nothing beside it.
//! Every row must name a source that exists and every reference must resolve; a broken seed
//! file is reported with its file and line, and nothing is written.

use std::collections::HashMap;

use rusqlite::{Transaction, params};
use serde::Deserialize;

use super::{Store, StoreError};
use crate::model::designation::{DesignationType, split_level};
use crate::model::text::{normalize_name, sanitize, split_multi};
use crate::model::{HolderKind, Level, TargetKind};

/// One embedded seed file.
pub struct SeedFile {
    pub name: &'static str,
    pub text: &'static str,
}

macro_rules! seed_file {
    ($name:literal) => {
        SeedFile {
            name: $name,
            text: include_str!(concat!("../../seeds/", $name)),
        }
    };
}

pub const SOURCES: SeedFile = seed_file!("sources.csv");
pub const REGIONS: SeedFile = seed_file!("regions.csv");
pub const CLUSTERS: SeedFile = seed_file!("clusters.csv");
pub const PARKS: SeedFile = seed_file!("parks.csv");
pub const ENTERPRISES: SeedFile = seed_file!("enterprises.csv");
pub const DESIGNATIONS: SeedFile = seed_file!("designations.csv");
pub const TARGETS: SeedFile = seed_file!("targets.csv");
pub const REPORTED: SeedFile = seed_file!("reported.csv");
pub const FIGURES: SeedFile = seed_file!("figures.csv");

/// Every embedded seed file, in load order.
pub const ALL: [&SeedFile; 9] = [
    &SOURCES,
    &REGIONS,
    &CLUSTERS,
    &PARKS,
    &ENTERPRISES,
    &DESIGNATIONS,
    &TARGETS,
    &REPORTED,
    &FIGURES,
];

/// A whole seed dataset, one file per table.
pub struct Dataset<'a> {
    pub sources: &'a SeedFile,
    pub regions: &'a SeedFile,
    pub clusters: &'a SeedFile,
    pub parks: &'a SeedFile,
    pub enterprises: &'a SeedFile,
    pub designations: &'a SeedFile,
    pub targets: &'a SeedFile,
    pub reported: &'a SeedFile,
    pub figures: &'a SeedFile,
}

/// The dataset this build embeds.
pub const EMBEDDED: Dataset<'static> = Dataset {
    sources: &SOURCES,
    regions: &REGIONS,
    clusters: &CLUSTERS,
    parks: &PARKS,
    enterprises: &ENTERPRISES,
    designations: &DESIGNATIONS,
    targets: &TARGETS,
    reported: &REPORTED,
    figures: &FIGURES,
};

#[derive(Deserialize)]
struct SourceRow {
    id: String,
    title: String,
    issuer: String,
    date: String,
    file: String,
}

#[derive(Deserialize)]
struct RegionRow {
    name: String,
    short_names: String,
    kind: String,
    parent: String,
    code: String,
    source: String,
    locator: String,
}

#[derive(Deserialize)]
struct ClusterRow {
    key: String,
    name: String,
    short_names: String,
    parent: String,
    tier: String,
    source: String,
    locator: String,
}

#[derive(Deserialize)]
struct ParkRow {
    name: String,
    short_names: String,
    kind: String,
    level: String,
    region: String,
    parent: String,
    clusters: String,
    notes: String,
    source: String,
    locator: String,
}

#[derive(Deserialize)]
struct EnterpriseRow {
    name: String,
    name_is_full: String,
    short_names: String,
    uscc: String,
    region: String,
    park: String,
    clusters: String,
    scale: String,
    notes: String,
    source: String,
    locator: String,
}

#[derive(Deserialize)]
struct DesignationRow {
    holder: String,
    holder_kind: String,
    #[serde(rename = "type")]
    ty: String,
    level: String,
    grade: String,
    year: String,
    batch: String,
    status: String,
    notes: String,
    source: String,
    locator: String,
}

#[derive(Deserialize)]
struct TargetRow {
    id: String,
    name: String,
    scope: String,
    period_start: String,
    period_end: String,
    kind: String,
    types: String,
    min_level: String,
    count_lapsed: String,
    metric: String,
    baseline: String,
    baseline_year: String,
    target: String,
    target_form: String,
    qualifier: String,
    target_text: String,
    unit: String,
    notes: String,
    source: String,
    locator: String,
    /// Where the year comes from when the target's own words do not state it.
    period_note: String,
}

#[derive(Deserialize)]
struct FigureRow {
    scope: String,
    period: String,
    metric: String,
    value: String,
    unit: String,
    notes: String,
    source: String,
    locator: String,
}

#[derive(Deserialize)]
struct ReportedRow {
    target: String,
    value: String,
    as_of: String,
    notes: String,
    source: String,
    locator: String,
}

/// Parse one seed file into rows with their 1-based line numbers (the header is line 1).
fn rows<T: for<'de> Deserialize<'de>>(file: &SeedFile) -> Result<Vec<(usize, T)>, StoreError> {
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(file.text.as_bytes());
    let mut out = Vec::new();
    for rec in rdr.deserialize() {
        let row: T = rec.map_err(|e| StoreError::Seed {
            file: file.name,
            line: e.position().map(|p| p.line() as usize).unwrap_or(0),
            message: e.to_string(),
        })?;
        out.push((out.len() + 2, row));
    }
    Ok(out)
}

fn opt(s: &str) -> Option<&str> {
    let t = s.trim();
    if t.is_empty() { None } else { Some(t) }
}

struct Ctx<'a, 'd> {
    tx: Transaction<'a>,
    d: &'d Dataset<'d>,
    sources: HashMap<String, i64>,
}

impl Ctx<'_, '_> {
    fn source(&self, file: &'static str, line: usize, code: &str) -> Result<i64, StoreError> {
        self.sources
            .get(code.trim())
            .copied()
            .ok_or_else(|| StoreError::Seed {
                file,
                line,
                message: format!("来源“{code}”不在 sources.csv 中"),
            })
    }
}

fn err(file: &'static str, line: usize, message: String) -> StoreError {
    StoreError::Seed {
        file,
        line,
        message,
    }
}

fn lookup(
    map: &HashMap<String, i64>,
    file: &'static str,
    line: usize,
    what: &str,
    name: &str,
) -> Result<i64, StoreError> {
    map.get(&normalize_name(name))
        .copied()
        .ok_or_else(|| err(file, line, format!("{what}“{name}”无法对应到已有记录")))
}

/// Load the whole embedded dataset into an empty store, in one transaction.
pub fn load(store: &mut Store) -> Result<(), StoreError> {
    load_dataset(store, &EMBEDDED)
}

/// Load `d` into an empty store, in one transaction. [`load`] loads the embedded dataset; tests
/// load the dataset an earlier build embedded, to check that migrations correct its rows.
pub fn load_dataset(store: &mut Store, d: &Dataset) -> Result<(), StoreError> {
    store.ensure_writable()?;
    let tx = store
        .conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Another process may have seeded the store between our migration and now.
    let seeded: i64 = tx.query_row(
        "SELECT count(*) FROM meta WHERE key = 'seeded_at'",
        [],
        |r| r.get(0),
    )?;
    if seeded > 0 {
        return Ok(());
    }
    let mut ctx = Ctx {
        tx,
        d,
        sources: HashMap::new(),
    };

    for (line, r) in rows::<SourceRow>(ctx.d.sources)? {
        if r.id.is_empty() || r.title.is_empty() {
            return Err(err(ctx.d.sources.name, line, "来源缺少 id 或标题".into()));
        }
        ctx.tx.execute(
            "INSERT INTO sources(code, kind, title, issuer, date, file) VALUES (?1, 'document', ?2, ?3, ?4, ?5)",
            params![r.id, r.title, opt(&r.issuer), opt(&r.date), opt(&r.file)],
        )?;
        ctx.sources.insert(r.id.clone(), ctx.tx.last_insert_rowid());
    }

    let regions = load_regions(&ctx)?;
    let clusters = load_clusters(&ctx)?;
    let parks = load_parks(&ctx, &regions, &clusters)?;
    let enterprises = load_enterprises(&ctx, &regions, &parks, &clusters)?;
    load_designations(&ctx, &parks, &enterprises)?;
    load_targets(&ctx, &regions, &parks)?;

    ctx.tx.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES ('seeded_at', ?1)",
        [super::now_string()],
    )?;
    ctx.tx.commit()?;
    Ok(())
}

fn load_regions(ctx: &Ctx) -> Result<HashMap<String, i64>, StoreError> {
    let mut map = HashMap::new();
    let all = rows::<RegionRow>(ctx.d.regions)?;
    for (line, r) in &all {
        let src = ctx.source(ctx.d.regions.name, *line, &r.source)?;
        if !crate::model::REGION_KINDS.contains(&r.kind.as_str()) {
            return Err(err(
                ctx.d.regions.name,
                *line,
                format!("未知的行政区类型“{}”", r.kind),
            ));
        }
        ctx.tx.execute(
            "INSERT INTO regions(name, short_names, kind, code, source_id, locator) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![r.name, r.short_names, r.kind, opt(&r.code), src, r.locator],
        )?;
        let id = ctx.tx.last_insert_rowid();
        map.insert(normalize_name(&r.name), id);
    }
    // Short names resolve too, unless they would shadow a full name.
    for (_, r) in &all {
        let id = map[&normalize_name(&r.name)];
        for s in split_multi(&r.short_names) {
            map.entry(normalize_name(&s)).or_insert(id);
        }
    }
    for (line, r) in &all {
        if let Some(p) = opt(&r.parent) {
            let pid = lookup(&map, ctx.d.regions.name, *line, "上级行政区", p)?;
            ctx.tx.execute(
                "UPDATE regions SET parent_id = ?1 WHERE name = ?2",
                params![pid, r.name],
            )?;
        }
    }
    Ok(map)
}

fn load_clusters(ctx: &Ctx) -> Result<HashMap<String, i64>, StoreError> {
    let mut map = HashMap::new();
    let all = rows::<ClusterRow>(ctx.d.clusters)?;
    for (line, r) in &all {
        let src = ctx.source(ctx.d.clusters.name, *line, &r.source)?;
        if !crate::model::CLUSTER_TIERS.contains(&r.tier.as_str()) {
            return Err(err(
                ctx.d.clusters.name,
                *line,
                format!("未知的层级“{}”", r.tier),
            ));
        }
        ctx.tx.execute(
            "INSERT INTO clusters(key, name, short_names, tier, source_id, locator) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![r.key, r.name, r.short_names, r.tier, src, r.locator],
        )
        .map_err(|e| err(ctx.d.clusters.name, *line, format!("{e}（key 重复？）")))?;
        map.insert(normalize_name(&r.key), ctx.tx.last_insert_rowid());
    }
    for (line, r) in &all {
        if let Some(p) = opt(&r.parent) {
            let pid = lookup(&map, ctx.d.clusters.name, *line, "上级产业", p)?;
            ctx.tx.execute(
                "UPDATE clusters SET parent_id = ?1 WHERE key = ?2",
                params![pid, r.key],
            )?;
        }
    }
    Ok(map)
}

fn load_parks(
    ctx: &Ctx,
    regions: &HashMap<String, i64>,
    clusters: &HashMap<String, i64>,
) -> Result<HashMap<String, i64>, StoreError> {
    let mut map = HashMap::new();
    let all = rows::<ParkRow>(ctx.d.parks)?;
    for (line, r) in &all {
        let src = ctx.source(ctx.d.parks.name, *line, &r.source)?;
        let level = match opt(&r.level) {
            Some(l) => Some(
                Level::parse(l)
                    .ok_or_else(|| err(ctx.d.parks.name, *line, format!("未知的级别“{l}”")))?,
            ),
            None => None,
        };
        if !crate::model::PARK_KINDS.contains(&r.kind.as_str()) {
            return Err(err(
                ctx.d.parks.name,
                *line,
                format!("未知的园区类型“{}”", r.kind),
            ));
        }
        let region = match opt(&r.region) {
            Some(n) => Some(lookup(regions, ctx.d.parks.name, *line, "所属地区", n)?),
            None => None,
        };
        let shorts = split_multi(&r.short_names);
        let forms = crate::search::forms_for(&r.name, &shorts);
        ctx.tx.execute(
            "INSERT INTO parks(name, name_norm, short_names, kind, level, region_id, notes, search_forms, source_id, locator)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![r.name, normalize_name(&r.name), shorts.join("|"), r.kind, level.map(|l| l.label()),
                region, sanitize(&r.notes), forms, src, r.locator],
        )
        .map_err(|e| err(ctx.d.parks.name, *line, format!("{e}（园区重复？）")))?;
        let id = ctx.tx.last_insert_rowid();
        map.insert(normalize_name(&r.name), id);
        for c in split_multi(&r.clusters) {
            let cid = lookup(clusters, ctx.d.parks.name, *line, "产业", &c)?;
            ctx.tx.execute(
                "INSERT OR IGNORE INTO park_clusters VALUES (?1, ?2)",
                params![id, cid],
            )?;
        }
    }
    for (_, r) in &all {
        let id = map[&normalize_name(&r.name)];
        for s in split_multi(&r.short_names) {
            map.entry(normalize_name(&s)).or_insert(id);
        }
    }
    for (line, r) in &all {
        if let Some(p) = opt(&r.parent) {
            let pid = lookup(&map, ctx.d.parks.name, *line, "上级园区", p)?;
            ctx.tx.execute(
                "UPDATE parks SET parent_id = ?1 WHERE name = ?2",
                params![pid, r.name],
            )?;
        }
    }
    Ok(map)
}

fn load_enterprises(
    ctx: &Ctx,
    regions: &HashMap<String, i64>,
    parks: &HashMap<String, i64>,
    clusters: &HashMap<String, i64>,
) -> Result<HashMap<String, i64>, StoreError> {
    let mut map = HashMap::new();
    let all = rows::<EnterpriseRow>(ctx.d.enterprises)?;
    for (line, r) in &all {
        let src = ctx.source(ctx.d.enterprises.name, *line, &r.source)?;
        let uscc = match opt(&r.uscc) {
            Some(c) => Some(
                crate::model::uscc::Uscc::parse(c)
                    .map_err(|e| err(ctx.d.enterprises.name, *line, e.to_string()))?
                    .to_string(),
            ),
            None => None,
        };
        let region = match opt(&r.region) {
            Some(n) => Some(lookup(
                regions,
                ctx.d.enterprises.name,
                *line,
                "所属地区",
                n,
            )?),
            None => None,
        };
        let park = match opt(&r.park) {
            Some(n) => Some(lookup(parks, ctx.d.enterprises.name, *line, "所属园区", n)?),
            None => None,
        };
        let shorts = split_multi(&r.short_names);
        let forms = crate::search::forms_for(&r.name, &shorts);
        ctx.tx.execute(
            "INSERT INTO enterprises(name, name_norm, name_is_full, short_names, uscc, region_id, park_id, scale, notes, search_forms, source_id, locator)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![r.name, normalize_name(&r.name), r.name_is_full.trim() != "0", shorts.join("|"), uscc,
                region, park, opt(&r.scale), sanitize(&r.notes), forms, src, r.locator],
        )
        .map_err(|e| err(ctx.d.enterprises.name, *line, format!("{e}（企业重复？）")))?;
        let id = ctx.tx.last_insert_rowid();
        map.insert(normalize_name(&r.name), id);
        for c in split_multi(&r.clusters) {
            let cid = lookup(clusters, ctx.d.enterprises.name, *line, "产业", &c)?;
            ctx.tx.execute(
                "INSERT OR IGNORE INTO enterprise_clusters VALUES (?1, ?2)",
                params![id, cid],
            )?;
        }
    }
    // Short names: a short name shared by two enterprises is ambiguous and resolves to neither.
    let mut shorts: HashMap<String, Option<i64>> = HashMap::new();
    for (_, r) in &all {
        let id = map[&normalize_name(&r.name)];
        for s in split_multi(&r.short_names) {
            shorts
                .entry(normalize_name(&s))
                .and_modify(|v| {
                    if *v != Some(id) {
                        *v = None
                    }
                })
                .or_insert(Some(id));
        }
    }
    for (k, v) in shorts {
        if let Some(id) = v {
            map.entry(k).or_insert(id);
        }
    }
    Ok(map)
}

fn load_designations(
    ctx: &Ctx,
    parks: &HashMap<String, i64>,
    enterprises: &HashMap<String, i64>,
) -> Result<(), StoreError> {
    let f = ctx.d.designations.name;
    for (line, r) in rows::<DesignationRow>(ctx.d.designations)? {
        let src = ctx.source(f, line, &r.source)?;
        let kind = HolderKind::parse(&r.holder_kind).ok_or_else(|| {
            err(
                f,
                line,
                format!(
                    "holder_kind 应为 enterprise 或 park，实际为“{}”",
                    r.holder_kind
                ),
            )
        })?;
        let (ent, park) = match kind {
            HolderKind::Enterprise => {
                (Some(lookup(enterprises, f, line, "企业", &r.holder)?), None)
            }
            HolderKind::Park => (None, Some(lookup(parks, f, line, "园区", &r.holder)?)),
        };
        let ty = DesignationType::get(&r.ty)
            .or_else(|| split_level(&r.ty).map(|(_, t)| t))
            .ok_or_else(|| err(f, line, format!("未知的认定类型“{}”", r.ty)))?;
        let level = match opt(&r.level) {
            Some(l) => {
                Some(Level::parse(l).ok_or_else(|| err(f, line, format!("未知的级别“{l}”")))?)
            }
            None => None,
        };
        let year: Option<i32> = match opt(&r.year) {
            Some(y) => Some(
                y.parse()
                    .map_err(|_| err(f, line, format!("年份“{y}”不是数字")))?,
            ),
            None => None,
        };
        ctx.tx.execute(
            "INSERT INTO designations(enterprise_id, park_id, type, level, grade, year, batch, status, notes, source_id, locator)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![ent, park, ty.name, level.map(|l| l.label()), opt(&r.grade), year, opt(&r.batch),
                opt(&r.status), sanitize(&r.notes), src, r.locator],
        )
        .map_err(|e| err(f, line, format!("{e}（认定重复？）")))?;
    }
    Ok(())
}

fn parse_num(f: &'static str, line: usize, what: &str, s: &str) -> Result<Option<f64>, StoreError> {
    match opt(s) {
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| err(f, line, format!("{what}“{v}”不是数字"))),
        None => Ok(None),
    }
}

fn load_targets(
    ctx: &Ctx,
    regions: &HashMap<String, i64>,
    parks: &HashMap<String, i64>,
) -> Result<(), StoreError> {
    let f = ctx.d.targets.name;
    let mut ids = HashMap::new();
    for (line, r) in rows::<TargetRow>(ctx.d.targets)? {
        let src = ctx.source(f, line, &r.source)?;
        let (scope_region, scope_park) = match opt(&r.scope) {
            None => return Err(err(f, line, "目标缺少范围（scope）".into())),
            Some(s) => match regions.get(&normalize_name(s)) {
                Some(id) => (Some(*id), None),
                None => (None, Some(lookup(parks, f, line, "目标范围", s)?)),
            },
        };
        let kind = TargetKind::parse(&r.kind).ok_or_else(|| {
            err(
                f,
                line,
                format!("kind 应为 stock/new/recorded，实际为“{}”", r.kind),
            )
        })?;
        let types = split_multi(&r.types);
        for t in &types {
            if DesignationType::get(t).is_none() {
                return Err(err(f, line, format!("未知的认定类型“{t}”")));
            }
        }
        if kind != TargetKind::Recorded && types.is_empty() {
            return Err(err(
                f,
                line,
                "存量/新增目标必须给出计入的认定类型（types）".into(),
            ));
        }
        let min_level = match opt(&r.min_level) {
            Some(l) => {
                Some(Level::parse(l).ok_or_else(|| err(f, line, format!("未知的级别“{l}”")))?)
            }
            None => None,
        };
        let year = |s: &str, what: &str| -> Result<Option<i64>, StoreError> {
            match opt(s) {
                Some(v) => v
                    .parse()
                    .map(Some)
                    .map_err(|_| err(f, line, format!("{what}“{v}”不是年份"))),
                None => Ok(None),
            }
        };
        let end = year(&r.period_end, "period_end")?
            .ok_or_else(|| err(f, line, "缺少 period_end".into()))?;
        // A start the document does not state is taken as the end year (a one-year period).
        let start = year(&r.period_start, "period_start")?.unwrap_or(end);
        ctx.tx.execute(
            "INSERT INTO targets(code, name, scope_region_id, scope_park_id, period_start, period_end, kind, types,
                min_level, count_lapsed, metric, baseline, baseline_year, target, target_form, qualifier,
                target_text, unit, notes, source_id, locator, period_note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
            params![r.id, r.name, scope_region, scope_park, start, end, kind.as_str(), types.join("|"),
                min_level.map(|l| l.label()), r.count_lapsed.trim() == "1", opt(&r.metric),
                parse_num(f, line, "baseline", &r.baseline)?, year(&r.baseline_year, "baseline_year")?,
                parse_num(f, line, "target", &r.target)?, opt(&r.target_form).unwrap_or("plain"),
                r.qualifier, opt(&r.target_text), r.unit, sanitize(&r.notes), src, r.locator,
                opt(&r.period_note).map(sanitize)],
        )
        .map_err(|e| err(f, line, format!("{e}（目标 id 重复？）")))?;
        ids.insert(r.id.clone(), ctx.tx.last_insert_rowid());
    }
    let f = ctx.d.reported.name;
    for (line, r) in rows::<ReportedRow>(ctx.d.reported)? {
        let src = ctx.source(f, line, &r.source)?;
        let tid = ids
            .get(r.target.trim())
            .ok_or_else(|| err(f, line, format!("目标“{}”不在 targets.csv 中", r.target)))?;
        let value = parse_num(f, line, "value", &r.value)?
            .ok_or_else(|| err(f, line, "缺少数值".into()))?;
        ctx.tx.execute(
            "INSERT INTO target_reports(target_id, value, as_of, notes, source_id, locator) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![tid, value, opt(&r.as_of), sanitize(&r.notes), src, r.locator],
        )?;
    }
    let f = ctx.d.figures.name;
    for (line, r) in rows::<FigureRow>(ctx.d.figures)? {
        let src = ctx.source(f, line, &r.source)?;
        let (scope_region, scope_park) = match regions.get(&normalize_name(&r.scope)) {
            Some(id) => (Some(*id), None),
            None => (None, Some(lookup(parks, f, line, "范围", &r.scope)?)),
        };
        let value = parse_num(f, line, "value", &r.value)?
            .ok_or_else(|| err(f, line, "缺少数值".into()))?;
        if r.metric.trim().is_empty() || r.period.trim().is_empty() {
            return Err(err(f, line, "缺少 metric 或 period".into()));
        }
        ctx.tx.execute(
            "INSERT INTO figures(scope_region_id, scope_park_id, period, metric, value, unit, notes, source_id, locator)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![scope_region, scope_park, r.period, r.metric, value, r.unit, sanitize(&r.notes), src, r.locator],
        )?;
    }
    Ok(())
}

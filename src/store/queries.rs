//! Read queries shared by the CLI and the TUI: filtered, paged lists, facet counts and profiles.

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};
use crate::model::designation::{DesignationType, Status, derive_status};
use crate::model::{HolderKind, Level};
use crate::search::{Candidate, CandidateRef, ShortNames};

/// The active filters of a list. Every field narrows; `None` means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// A region and everything under it (a city includes its counties).
    pub region: Option<i64>,
    /// A park and the parks inside it (an enterprise placed in a functional zone that shares a
    /// park's name, such as 达州高新区, is in that park).
    pub park: Option<i64>,
    /// A cluster at any tier, with every cluster below it.
    pub cluster: Option<i64>,
    /// Holders of a designation of this type …
    pub dtype: Option<String>,
    /// … at this level …
    pub level: Option<Level>,
    /// … granted in this year (all three apply to one designation).
    pub year: Option<i32>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }
}

/// One row of the enterprises table.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseRow {
    pub id: i64,
    pub name: String,
    pub short_names: Vec<String>,
    pub uscc: Option<String>,
    pub region: Option<String>,
    pub park: Option<String>,
    pub clusters: Vec<String>,
    pub badges: Vec<String>,
}

/// One value of a facet with its count under the other active filters.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetValue {
    /// What to put into the [`Filter`]: an id as text, a type name, a level label or a year.
    pub key: String,
    pub label: String,
    pub count: i64,
    /// Indentation for hierarchical facets (clusters, parks).
    pub depth: usize,
}

/// Facet dimensions, in the order the TUI shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Region,
    Park,
    Cluster,
    Type,
    Level,
    Year,
}

impl Facet {
    pub const ALL: [Facet; 6] = [
        Facet::Region,
        Facet::Park,
        Facet::Cluster,
        Facet::Type,
        Facet::Level,
        Facet::Year,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Facet::Region => "县（市、区）",
            Facet::Park => "园区",
            Facet::Cluster => "产业集群",
            Facet::Type => "认定类型",
            Facet::Level => "级别",
            Facet::Year => "年份",
        }
    }

    /// Remove this facet's own constraint, so its values are counted under the others.
    pub fn without(self, f: &Filter) -> Filter {
        let mut g = f.clone();
        match self {
            Facet::Region => g.region = None,
            Facet::Park => g.park = None,
            Facet::Cluster => g.cluster = None,
            Facet::Type => g.dtype = None,
            Facet::Level => g.level = None,
            Facet::Year => g.year = None,
        }
        g
    }

    /// Set (or, with `None`, clear) this facet's constraint from a [`FacetValue::key`].
    pub fn apply(self, f: &mut Filter, key: Option<&str>) {
        match self {
            Facet::Region => f.region = key.and_then(|k| k.parse().ok()),
            Facet::Park => f.park = key.and_then(|k| k.parse().ok()),
            Facet::Cluster => f.cluster = key.and_then(|k| k.parse().ok()),
            Facet::Type => f.dtype = key.map(str::to_string),
            Facet::Level => f.level = key.and_then(Level::parse),
            Facet::Year => f.year = key.and_then(|k| k.parse().ok()),
        }
    }

    pub fn is_set(self, f: &Filter) -> bool {
        self.without(f) != *f
    }
}

/// A designation as shown in a profile or a list.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignationView {
    pub id: i64,
    pub holder_kind: HolderKind,
    pub holder_id: i64,
    pub holder: String,
    pub dtype: String,
    pub level: Option<Level>,
    pub grade: Option<String>,
    pub year: Option<i32>,
    pub batch: Option<String>,
    pub status: Status,
    pub valid_until: Option<i32>,
    pub notes: String,
    pub provenance: Provenance,
}

impl DesignationView {
    /// Badge like 省专精特新 / 国5G工厂.
    pub fn badge(&self) -> String {
        match DesignationType::get(&self.dtype) {
            Some(t) => t.badge_for(self.level),
            None => self.dtype.clone(),
        }
    }

    /// "国家级 制造业单项冠军 2024" style one-liner.
    pub fn title(&self) -> String {
        let mut s = String::new();
        if let Some(l) = self.level {
            s.push_str(l.label());
        }
        s.push_str(&self.dtype);
        if let Some(g) = &self.grade {
            s.push_str(&format!("（{g}）"));
        }
        s
    }
}

/// Where a fact came from and who last changed it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Provenance {
    /// Source code: D000… for documents, `import:N` for imports.
    pub source_code: Option<String>,
    pub source_title: Option<String>,
    pub locator: Option<String>,
    pub import_id: Option<i64>,
    pub updated_by: Option<String>,
    pub updated_at: Option<String>,
}

impl Provenance {
    /// One line for a profile: "D001 · 达州市“十四五”… · 专栏2", or "导入#3 · 名单 第4行 · alice 于
    /// 2026-… 修改"; a row an import changed but did not add ends "… 经导入#5修改".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        // Where the row came from: a document, or the import that added it (whose locator is
        // a row of that import's file).
        let source_import = self
            .source_code
            .as_deref()
            .and_then(|c| c.strip_prefix("import:"))
            .and_then(|n| n.parse::<i64>().ok());
        match (&self.source_code, source_import) {
            (_, Some(n)) => parts.push(format!("导入#{n}")),
            (Some(c), None) => {
                parts.push(c.clone());
                if let Some(t) = &self.source_title {
                    parts.push(t.clone());
                }
            }
            (None, None) => {
                if let Some(id) = self.import_id {
                    parts.push(format!("导入#{id}"));
                }
            }
        }
        if let Some(l) = self.locator.as_ref().filter(|l| !l.is_empty()) {
            parts.push(l.clone());
        }
        // Who changed it last, and through which import when that is not where it came from.
        let via = self
            .import_id
            .filter(|id| Some(*id) != source_import && self.source_code.is_some())
            .map(|id| format!("经导入#{id}"))
            .unwrap_or_default();
        match (&self.updated_by, &self.updated_at) {
            (Some(by), Some(at)) => parts.push(format!("{by} 于 {at} {via}修改")),
            _ if !via.is_empty() => parts.push(format!("{via}修改")),
            _ => {}
        }
        parts.join(" · ")
    }
}

/// Full profile of an enterprise.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseProfile {
    pub id: i64,
    pub name: String,
    pub name_is_full: bool,
    pub short_names: Vec<String>,
    pub uscc: Option<String>,
    pub region: Option<String>,
    pub region_id: Option<i64>,
    /// The region is a whole city (地级市): the sources name no county for the enterprise.
    pub region_is_city: bool,
    pub park: Option<String>,
    pub park_id: Option<i64>,
    /// Each cluster as its path from the system down: "2+3+1 › 新材料 › 高性能纤维".
    pub clusters: Vec<String>,
    pub scale: Option<String>,
    pub notes: String,
    pub designations: Vec<DesignationView>,
    pub provenance: Provenance,
}

impl EnterpriseProfile {
    /// The county as shown in a profile: "达州市（未载明区县）" when only the city is known.
    pub fn region_shown(&self) -> Option<String> {
        self.region.as_ref().map(|r| {
            if self.region_is_city {
                format!("{r}（未载明区县）")
            } else {
                r.clone()
            }
        })
    }
}

/// One row of the parks list.
#[derive(Debug, Clone, PartialEq)]
pub struct ParkRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub level: Option<String>,
    pub region: Option<String>,
    pub region_id: Option<i64>,
    pub parent_id: Option<i64>,
    /// 0 for a top-level park, 1 for a park inside another, …
    pub depth: usize,
    pub enterprises: i64,
    pub designations: i64,
}

/// Full profile of a park.
#[derive(Debug, Clone, PartialEq)]
pub struct ParkProfile {
    pub id: i64,
    pub name: String,
    pub short_names: Vec<String>,
    pub kind: String,
    pub level: Option<String>,
    pub region: Option<String>,
    pub region_id: Option<i64>,
    pub parent: Option<String>,
    pub children: Vec<String>,
    pub clusters: Vec<String>,
    pub notes: String,
    pub designations: Vec<DesignationView>,
    /// Enterprises in the park or in a park inside it (names, up to a limit), and the total.
    pub enterprises: Vec<String>,
    pub enterprise_count: i64,
    pub provenance: Provenance,
}

/// How the store joins several short names in one column.
const NAME_SEPARATOR: char = '|';

pub(crate) fn split_names(s: &str) -> Vec<String> {
    s.split(NAME_SEPARATOR)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// The region filter value for enterprises the sources place in no county: neither their own
/// record nor their park names one. (Row ids start at 1, so no region has it.)
pub const NO_REGION: i64 = 0;

/// The facet label of [`NO_REGION`].
pub const NO_REGION_LABEL: &str = "（未载明县区）";

/// Enterprises `e` with no county, of their own or through their park.
const UNPLACED: &str = "e.region_id IS NULL AND (e.park_id IS NULL
    OR e.park_id IN (SELECT p.id FROM parks p WHERE p.region_id IS NULL))";

/// SQL fragments that select enterprise ids matching `f`, with their parameters.
fn enterprise_conditions(f: &Filter) -> (String, Vec<Value>) {
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if f.region == Some(NO_REGION) {
        conds.push(format!("({UNPLACED})"));
    } else if let Some(r) = f.region {
        args.push(Value::Integer(r));
        let n = args.len();
        conds.push(format!(
            "(e.region_id IN (WITH RECURSIVE sub(id) AS (SELECT ?{n} UNION SELECT r.id FROM regions r JOIN sub ON r.parent_id = sub.id) SELECT id FROM sub)
              OR e.park_id IN (SELECT p.id FROM parks p WHERE p.region_id IN (WITH RECURSIVE sub(id) AS (SELECT ?{n} UNION SELECT r.id FROM regions r JOIN sub ON r.parent_id = sub.id) SELECT id FROM sub)))"
        ));
    }
    if let Some(p) = f.park {
        args.push(Value::Integer(p));
        let n = args.len();
        let sub = format!(
            "WITH RECURSIVE sub(id) AS (SELECT ?{n} UNION SELECT p.id FROM parks p JOIN sub ON p.parent_id = sub.id) SELECT id FROM sub"
        );
        conds.push(format!(
            "(e.park_id IN ({sub}) OR e.region_id IN (SELECT r.id FROM regions r JOIN parks p ON p.name = r.name WHERE p.id IN ({sub})))"
        ));
    }
    if let Some(c) = f.cluster {
        args.push(Value::Integer(c));
        let n = args.len();
        conds.push(format!(
            "e.id IN (SELECT ec.enterprise_id FROM enterprise_clusters ec WHERE ec.cluster_id IN
               (WITH RECURSIVE sub(id) AS (SELECT ?{n} UNION SELECT c.id FROM clusters c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub))"
        ));
    }
    if f.dtype.is_some() || f.level.is_some() || f.year.is_some() {
        let mut d = vec!["d.enterprise_id = e.id".to_string()];
        if let Some(t) = &f.dtype {
            args.push(Value::Text(t.clone()));
            d.push(format!("d.type = ?{}", args.len()));
        }
        if let Some(l) = f.level {
            args.push(Value::Text(l.label().to_string()));
            d.push(format!("d.level = ?{}", args.len()));
        }
        if let Some(y) = f.year {
            args.push(Value::Integer(y as i64));
            d.push(format!("d.year = ?{}", args.len()));
        } else {
            d.push(held(crate::model::current_year()));
        }
        conds.push(format!(
            "EXISTS (SELECT 1 FROM designations d WHERE {})",
            d.join(" AND ")
        ));
    }
    let sql = if conds.is_empty() {
        "1".to_string()
    } else {
        conds.join(" AND ")
    };
    (sql, args)
}

impl Store {
    /// Number of enterprises matching `f`.
    pub fn count_enterprises(&self, f: &Filter) -> Result<i64, StoreError> {
        let (cond, args) = enterprise_conditions(f);
        let sql = format!("SELECT count(*) FROM enterprises e WHERE {cond}");
        Ok(self
            .conn
            .query_row(&sql, rusqlite::params_from_iter(args), |r| r.get(0))?)
    }

    /// Ids of enterprises matching `f`, in list order (pinyin order of the name).
    pub fn enterprise_ids(&self, f: &Filter) -> Result<Vec<i64>, StoreError> {
        let (cond, args) = enterprise_conditions(f);
        let sql =
            format!("SELECT e.id FROM enterprises e WHERE {cond} ORDER BY e.search_forms, e.id");
        let mut stmt = self.conn.prepare(&sql)?;
        let ids = stmt
            .query_map(rusqlite::params_from_iter(args), |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(ids)
    }

    /// Where enterprise `id` stands in the list for `f` (the order of [`Store::enterprise_rows`]),
    /// or `None` when the filters exclude it.
    pub fn enterprise_position(&self, f: &Filter, id: i64) -> Result<Option<usize>, StoreError> {
        let (cond, mut args) = enterprise_conditions(f);
        args.push(Value::Integer(id));
        let n = args.len();
        let member: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM enterprises e WHERE {cond} AND e.id = ?{n}"),
            rusqlite::params_from_iter(args.clone()),
            |r| r.get(0),
        )?;
        if member == 0 {
            return Ok(None);
        }
        let before: i64 = self.conn.query_row(
            &format!(
                "SELECT count(*) FROM enterprises e WHERE {cond}
                 AND (e.search_forms, e.id) < (SELECT search_forms, id FROM enterprises WHERE id = ?{n})"
            ),
            rusqlite::params_from_iter(args),
            |r| r.get(0),
        )?;
        Ok(Some(before as usize))
    }

    /// A page of enterprise rows matching `f`, ordered by the pinyin of the name.
    pub fn enterprise_rows(
        &self,
        f: &Filter,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<EnterpriseRow>, StoreError> {
        let (cond, mut args) = enterprise_conditions(f);
        args.push(Value::Integer(limit as i64));
        args.push(Value::Integer(offset as i64));
        let n = args.len();
        let sql = format!(
            "SELECT e.id FROM enterprises e WHERE {cond} ORDER BY e.search_forms, e.id LIMIT ?{} OFFSET ?{n}",
            n - 1
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let ids: Vec<i64> = stmt
            .query_map(rusqlite::params_from_iter(args), |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        self.enterprise_rows_by_id(&ids)
    }

    /// Rows for the given ids, in the given order (missing ids are skipped).
    pub fn enterprise_rows_by_id(&self, ids: &[i64]) -> Result<Vec<EnterpriseRow>, StoreError> {
        let mut row_stmt = self.conn.prepare_cached(
            "SELECT e.id, e.name, e.short_names, e.uscc, r.name, p.name
             FROM enterprises e LEFT JOIN regions r ON r.id = e.region_id LEFT JOIN parks p ON p.id = e.park_id
             WHERE e.id = ?1",
        )?;
        let mut cl_stmt = self.conn.prepare_cached(
            "SELECT c.name FROM enterprise_clusters ec JOIN clusters c ON c.id = ec.cluster_id
             WHERE ec.enterprise_id = ?1 ORDER BY c.id",
        )?;
        let mut out = Vec::with_capacity(ids.len());
        let year = crate::model::current_year();
        for &id in ids {
            let row = row_stmt
                .query_row([id], |r| {
                    Ok(EnterpriseRow {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        short_names: split_names(&r.get::<_, String>(2)?),
                        uscc: r.get(3)?,
                        region: r.get(4)?,
                        park: r.get(5)?,
                        clusters: Vec::new(),
                        badges: Vec::new(),
                    })
                })
                .optional()?;
            let Some(mut row) = row else { continue };
            row.clusters = cl_stmt
                .query_map([id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut ds = self.designations_of(HolderKind::Enterprise, id, year)?;
            ds.sort_by_key(|d| std::cmp::Reverse((d.level, d.year)));
            row.badges = ds
                .iter()
                .filter(|d| d.status.counts_as_held(false))
                .map(|d| d.badge())
                .collect();
            row.badges.dedup();
            out.push(row);
        }
        Ok(out)
    }

    /// Designations of one holder, newest first, with status derived for `now_year`.
    pub fn designations_of(
        &self,
        kind: HolderKind,
        id: i64,
        now_year: i32,
    ) -> Result<Vec<DesignationView>, StoreError> {
        let col = match kind {
            HolderKind::Enterprise => "d.enterprise_id",
            HolderKind::Park => "d.park_id",
        };
        self.designations_where(&format!("{col} = ?1"), vec![Value::Integer(id)], now_year)
    }

    /// Designations matching a SQL condition over `d` (used by lists, exports and targets).
    pub fn designations_where(
        &self,
        cond: &str,
        args: Vec<Value>,
        now_year: i32,
    ) -> Result<Vec<DesignationView>, StoreError> {
        let sql = format!(
            "SELECT d.id, d.enterprise_id, d.park_id, coalesce(e.name, p.name), d.type, d.level, d.grade, d.year,
                    d.batch, d.status, d.notes, s.code, s.title, d.locator, d.import_id, d.updated_by, d.updated_at
             FROM designations d
             LEFT JOIN enterprises e ON e.id = d.enterprise_id
             LEFT JOIN parks p ON p.id = d.park_id
             LEFT JOIN sources s ON s.id = d.source_id
             WHERE {cond}
             ORDER BY coalesce(d.year, 0) DESC, d.id"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
            let ent: Option<i64> = r.get(1)?;
            let park: Option<i64> = r.get(2)?;
            let dtype: String = r.get(4)?;
            let level: Option<String> = r.get(5)?;
            let year: Option<i32> = r.get(7)?;
            let explicit: Option<String> = r.get(9)?;
            let (status, valid_until) = derive_status(
                DesignationType::get(&dtype),
                year,
                explicit.as_deref(),
                now_year,
            );
            Ok(DesignationView {
                id: r.get(0)?,
                holder_kind: if ent.is_some() {
                    HolderKind::Enterprise
                } else {
                    HolderKind::Park
                },
                holder_id: ent.or(park).unwrap_or_default(),
                holder: r.get(3)?,
                dtype,
                level: level.as_deref().and_then(Level::parse),
                grade: r.get(6)?,
                year,
                batch: r.get(8)?,
                status,
                valid_until,
                notes: r.get(10)?,
                provenance: Provenance {
                    source_code: r.get(11)?,
                    source_title: r.get(12)?,
                    locator: r.get(13)?,
                    import_id: r.get(14)?,
                    updated_by: r.get(15)?,
                    updated_at: r.get(16)?,
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Full profile of one enterprise.
    pub fn enterprise_profile(&self, id: i64) -> Result<EnterpriseProfile, StoreError> {
        let mut p = self
            .conn
            .query_row(
                "SELECT e.id, e.name, e.name_is_full, e.short_names, e.uscc, r.name, e.region_id, p.name, e.park_id,
                        e.scale, e.notes, s.code, s.title, e.locator, e.import_id, e.updated_by, e.updated_at,
                        coalesce(r.kind = '地级市', 0)
                 FROM enterprises e
                 LEFT JOIN regions r ON r.id = e.region_id
                 LEFT JOIN parks p ON p.id = e.park_id
                 LEFT JOIN sources s ON s.id = e.source_id
                 WHERE e.id = ?1",
                [id],
                |r| {
                    Ok(EnterpriseProfile {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        name_is_full: r.get(2)?,
                        short_names: split_names(&r.get::<_, String>(3)?),
                        uscc: r.get(4)?,
                        region: r.get(5)?,
                        region_id: r.get(6)?,
                        region_is_city: r.get(17)?,
                        park: r.get(7)?,
                        park_id: r.get(8)?,
                        clusters: Vec::new(),
                        scale: r.get(9)?,
                        notes: r.get(10)?,
                        designations: Vec::new(),
                        provenance: Provenance {
                            source_code: r.get(11)?,
                            source_title: r.get(12)?,
                            locator: r.get(13)?,
                            import_id: r.get(14)?,
                            updated_by: r.get(15)?,
                            updated_at: r.get(16)?,
                        },
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("企业 #{id}")))?;
        let cluster_ids: Vec<i64> = self
            .conn
            .prepare_cached("SELECT cluster_id FROM enterprise_clusters WHERE enterprise_id = ?1 ORDER BY cluster_id")?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        p.clusters = cluster_ids
            .into_iter()
            .map(|c| self.cluster_path(c))
            .collect::<Result<_, _>>()?;
        p.designations =
            self.designations_of(HolderKind::Enterprise, id, crate::model::current_year())?;
        Ok(p)
    }

    /// "2+3+1 › 新材料 › 高性能纤维" for a cluster id.
    pub fn cluster_path(&self, id: i64) -> Result<String, StoreError> {
        let mut names: Vec<String> = self
            .conn
            .prepare_cached(
                "WITH RECURSIVE up(id, name, parent_id, depth) AS (
                   SELECT id, name, parent_id, 0 FROM clusters WHERE id = ?1
                   UNION ALL SELECT c.id, c.name, c.parent_id, up.depth + 1 FROM clusters c JOIN up ON c.id = up.parent_id)
                 SELECT name FROM up ORDER BY depth DESC",
            )?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if names.len() > 1 {
            // The system's own long name adds little in a path; keep the rest.
            names.remove(0);
        }
        Ok(names.join(" › "))
    }

    /// All parks as a tree in display order (each park followed by the parks inside it), with
    /// counts of enterprises (including those of child parks) and designations.
    pub fn park_rows(&self) -> Result<Vec<ParkRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.name, p.kind, p.level, r.name, p.parent_id, p.region_id,
                    (WITH RECURSIVE sub(id) AS (SELECT p.id UNION SELECT c.id FROM parks c JOIN sub ON c.parent_id = sub.id)
                     SELECT count(*) FROM enterprises e WHERE e.park_id IN (SELECT id FROM sub)
                        OR e.region_id IN (SELECT r.id FROM regions r JOIN parks q ON q.name = r.name WHERE q.id IN (SELECT id FROM sub))),
                    (SELECT count(*) FROM designations d WHERE d.park_id = p.id)
             FROM parks p LEFT JOIN regions r ON r.id = p.region_id
             ORDER BY p.search_forms",
        )?;
        let all: Vec<ParkRow> = stmt
            .query_map([], |r| {
                Ok(ParkRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    kind: r.get(2)?,
                    level: r.get(3)?,
                    region: r.get(4)?,
                    region_id: r.get(6)?,
                    parent_id: r.get(5)?,
                    depth: 0,
                    enterprises: r.get(7)?,
                    designations: r.get(8)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        // Depth-first order: roots (and orphans whose parent is missing) first.
        let ids: std::collections::HashSet<i64> = all.iter().map(|p| p.id).collect();
        let mut out = Vec::with_capacity(all.len());
        fn push_tree(all: &[ParkRow], parent: i64, depth: usize, out: &mut Vec<ParkRow>) {
            for p in all.iter().filter(|p| p.parent_id == Some(parent)) {
                if out.iter().any(|o: &ParkRow| o.id == p.id) || depth > 8 {
                    continue;
                }
                let mut q = p.clone();
                q.depth = depth;
                out.push(q);
                push_tree(all, p.id, depth + 1, out);
            }
        }
        for p in all
            .iter()
            .filter(|p| p.parent_id.is_none_or(|pid| !ids.contains(&pid)))
        {
            out.push(p.clone());
            push_tree(&all, p.id, 1, &mut out);
        }
        Ok(out)
    }

    /// Full profile of one park.
    pub fn park_profile(&self, id: i64) -> Result<ParkProfile, StoreError> {
        let mut p = self
            .conn
            .query_row(
                "SELECT p.id, p.name, p.short_names, p.kind, p.level, r.name, p.region_id, pp.name, p.notes,
                        s.code, s.title, p.locator, p.import_id, p.updated_by, p.updated_at
                 FROM parks p
                 LEFT JOIN regions r ON r.id = p.region_id
                 LEFT JOIN parks pp ON pp.id = p.parent_id
                 LEFT JOIN sources s ON s.id = p.source_id
                 WHERE p.id = ?1",
                [id],
                |r| {
                    Ok(ParkProfile {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        short_names: split_names(&r.get::<_, String>(2)?),
                        kind: r.get(3)?,
                        level: r.get(4)?,
                        region: r.get(5)?,
                        region_id: r.get(6)?,
                        parent: r.get(7)?,
                        children: Vec::new(),
                        clusters: Vec::new(),
                        notes: r.get(8)?,
                        designations: Vec::new(),
                        enterprises: Vec::new(),
                        enterprise_count: 0,
                        provenance: Provenance {
                            source_code: r.get(9)?,
                            source_title: r.get(10)?,
                            locator: r.get(11)?,
                            import_id: r.get(12)?,
                            updated_by: r.get(13)?,
                            updated_at: r.get(14)?,
                        },
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("园区 #{id}")))?;
        p.children = self
            .conn
            .prepare_cached("SELECT name FROM parks WHERE parent_id = ?1 ORDER BY search_forms")?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let cluster_ids: Vec<i64> = self
            .conn
            .prepare_cached(
                "SELECT cluster_id FROM park_clusters WHERE park_id = ?1 ORDER BY cluster_id",
            )?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        p.clusters = cluster_ids
            .into_iter()
            .map(|c| self.cluster_path(c))
            .collect::<Result<_, _>>()?;
        p.designations =
            self.designations_of(HolderKind::Park, id, crate::model::current_year())?;
        let f = Filter {
            park: Some(id),
            ..Filter::default()
        };
        p.enterprise_count = self.count_enterprises(&f)?;
        p.enterprises = self
            .enterprise_rows(&f, 0, 50)?
            .into_iter()
            .map(|e| e.name)
            .collect();
        Ok(p)
    }

    /// Facet values of one dimension with counts under the other active filters. Values with a
    /// zero count are left out, except the one currently selected.
    pub fn facet(&self, facet: Facet, f: &Filter) -> Result<Vec<FacetValue>, StoreError> {
        let base = facet.without(f);
        let (cond, args) = enterprise_conditions(&base);
        let filtered = format!("SELECT e.id FROM enterprises e WHERE {cond}");
        let (sql, depth_aware) = match facet {
            // Hierarchical facets: count each enterprise once under every ancestor of its
            // region / park / cluster in one grouped pass (a correlated count per value took
            // tens of seconds at 100 000 enterprises).
            Facet::Region => (
                format!(
                    "WITH RECURSIVE f(id) AS ({filtered}),
                     anc(id, anc) AS (SELECT id, id FROM regions
                        UNION SELECT anc.id, r.parent_id FROM anc JOIN regions r ON r.id = anc.anc WHERE r.parent_id IS NOT NULL),
                     er(eid, rid) AS (
                        SELECT e.id, e.region_id FROM enterprises e WHERE e.id IN f AND e.region_id IS NOT NULL
                        UNION SELECT e.id, p.region_id FROM enterprises e JOIN parks p ON p.id = e.park_id
                              WHERE e.id IN f AND p.region_id IS NOT NULL),
                     counts(rid, n) AS (SELECT anc.anc, count(DISTINCT er.eid) FROM er JOIN anc ON anc.id = er.rid GROUP BY anc.anc)
                     SELECT r.id, r.name, coalesce(c.n, 0), CASE WHEN r.parent_id IS NULL THEN 0 ELSE 1 END
                     FROM regions r LEFT JOIN counts c ON c.rid = r.id
                     ORDER BY coalesce(r.parent_id, r.id), r.parent_id IS NOT NULL, r.id"
                ),
                true,
            ),
            Facet::Park => (
                format!(
                    "WITH RECURSIVE f(id) AS ({filtered}),
                     anc(id, anc) AS (SELECT id, id FROM parks
                        UNION SELECT anc.id, p.parent_id FROM anc JOIN parks p ON p.id = anc.anc WHERE p.parent_id IS NOT NULL),
                     ep(eid, pid) AS (
                        SELECT e.id, e.park_id FROM enterprises e WHERE e.id IN f AND e.park_id IS NOT NULL
                        UNION SELECT e.id, p.id FROM enterprises e JOIN regions r ON r.id = e.region_id
                              JOIN parks p ON p.name = r.name WHERE e.id IN f),
                     counts(pid, n) AS (SELECT anc.anc, count(DISTINCT ep.eid) FROM ep JOIN anc ON anc.id = ep.pid
                        GROUP BY anc.anc),
                     tree(id, depth, path) AS (
                        SELECT id, 0, search_forms FROM parks WHERE parent_id IS NULL
                        UNION ALL SELECT p.id, tree.depth + 1, tree.path || char(1) || p.search_forms
                        FROM parks p JOIN tree ON p.parent_id = tree.id WHERE tree.depth < 16)
                     SELECT p.id, p.name, coalesce(c.n, 0), tree.depth
                     FROM parks p JOIN tree ON tree.id = p.id LEFT JOIN counts c ON c.pid = p.id
                     ORDER BY tree.path"
                ),
                true,
            ),
            Facet::Cluster => (
                format!(
                    "WITH RECURSIVE f(id) AS ({filtered}),
                     tree(id, depth, path) AS (
                        SELECT id, 0, printf('%06d', id) FROM clusters WHERE parent_id IS NULL
                        UNION ALL SELECT c.id, tree.depth + 1, tree.path || printf('%06d', c.id) FROM clusters c JOIN tree ON c.parent_id = tree.id),
                     anc(id, anc) AS (SELECT id, id FROM clusters
                        UNION SELECT anc.id, c.parent_id FROM anc JOIN clusters c ON c.id = anc.anc WHERE c.parent_id IS NOT NULL),
                     counts(cid, n) AS (SELECT anc.anc, count(DISTINCT ec.enterprise_id) FROM enterprise_clusters ec
                        JOIN anc ON anc.id = ec.cluster_id WHERE ec.enterprise_id IN f GROUP BY anc.anc)
                     SELECT c.id, c.name, coalesce(n.n, 0), tree.depth
                     FROM clusters c JOIN tree ON tree.id = c.id LEFT JOIN counts n ON n.cid = c.id ORDER BY tree.path"
                ),
                true,
            ),
            Facet::Type => (
                format!(
                    "SELECT d.type, d.type, count(DISTINCT d.enterprise_id), 0 FROM designations d
                     WHERE d.enterprise_id IN ({filtered}) {} {} {} GROUP BY d.type ORDER BY count(DISTINCT d.enterprise_id) DESC, d.type",
                    level_cond(&base, f),
                    year_cond(&base, f),
                    held_cond(f)
                ),
                false,
            ),
            Facet::Level => (
                format!(
                    "SELECT d.level, d.level, count(DISTINCT d.enterprise_id), 0 FROM designations d
                     WHERE d.enterprise_id IN ({filtered}) AND d.level IS NOT NULL {} {} {} GROUP BY d.level",
                    type_cond(f),
                    year_cond(&base, f),
                    held_cond(f)
                ),
                false,
            ),
            Facet::Year => (
                format!(
                    "SELECT d.year, d.year, count(DISTINCT d.enterprise_id), 0 FROM designations d
                     WHERE d.enterprise_id IN ({filtered}) AND d.year IS NOT NULL {} {} GROUP BY d.year ORDER BY d.year DESC",
                    type_cond(f),
                    level_cond(&base, f)
                ),
                false,
            ),
        };
        let mut stmt = self.conn.prepare(&sql)?;
        let mut values: Vec<FacetValue> = stmt
            .query_map(rusqlite::params_from_iter(&args), |r| {
                let key: Value = r.get(0)?;
                let key = match key {
                    Value::Integer(i) => i.to_string(),
                    Value::Text(t) => t,
                    _ => String::new(),
                };
                let label: Value = r.get(1)?;
                let label = match label {
                    Value::Integer(i) => i.to_string(),
                    Value::Text(t) => t,
                    _ => String::new(),
                };
                Ok(FacetValue {
                    key,
                    label,
                    count: r.get(2)?,
                    depth: r.get::<_, i64>(3)? as usize,
                })
            })?
            .collect::<Result<_, _>>()?;
        if facet == Facet::Region {
            // Last, the enterprises no county claims, so they can be listed (and put right).
            let unplaced: i64 = self.conn.query_row(
                &format!(
                    "SELECT count(*) FROM enterprises e WHERE e.id IN ({filtered}) AND {UNPLACED}"
                ),
                rusqlite::params_from_iter(&args),
                |r| r.get(0),
            )?;
            values.push(FacetValue {
                key: NO_REGION.to_string(),
                label: NO_REGION_LABEL.to_string(),
                count: unplaced,
                depth: 0,
            });
        }
        if facet == Facet::Level {
            values.sort_by_key(|v| std::cmp::Reverse(Level::parse(&v.label)));
        }
        let selected = selected_key(facet, f);
        // Every county stays listed (a county with none under the filter is news too); other
        // values only with a count.
        values.retain(|v| {
            v.count > 0
                || Some(&v.key) == selected.as_ref()
                || (facet == Facet::Region && v.key != NO_REGION.to_string())
        });
        if !depth_aware {
            for v in &mut values {
                v.depth = 0;
            }
        }
        Ok(values)
    }

    /// Every enterprise and park as a search candidate.
    pub fn search_candidates(&self) -> Result<Vec<Candidate>, StoreError> {
        let mut out = Vec::new();
        self.each_search_candidate(|c| out.push(c.to_candidate()))?;
        Ok(out)
    }

    /// Every enterprise, then every park, as search needs them, borrowed from the row being
    /// read (nothing is copied): what [`crate::search::search_stream`] reads.
    pub fn each_search_candidate(
        &self,
        mut f: impl FnMut(&CandidateRef),
    ) -> Result<(), StoreError> {
        for (kind, sql) in [
            (
                HolderKind::Enterprise,
                "SELECT id, name, short_names, uscc, search_forms FROM enterprises",
            ),
            (
                HolderKind::Park,
                "SELECT id, name, short_names, NULL, search_forms FROM parks",
            ),
        ] {
            let mut stmt = self.conn.prepare(sql)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let text = |i: usize| -> Result<&str, StoreError> {
                    Ok(r.get_ref(i)?.as_str().map_err(rusqlite::Error::from)?)
                };
                let uscc = match r.get_ref(3)? {
                    rusqlite::types::ValueRef::Null => None,
                    v => Some(v.as_str().map_err(rusqlite::Error::from)?),
                };
                f(&CandidateRef {
                    kind,
                    id: r.get(0)?,
                    name: text(1)?,
                    short_names: ShortNames::Joined(text(2)?, NAME_SEPARATOR),
                    uscc,
                    forms: text(4)?,
                });
            }
        }
        Ok(())
    }

    /// Exact lookup by full name, short name or credit code (normalised). Several results
    /// mean the name is ambiguous.
    pub fn find_exact(&self, name: &str) -> Result<Vec<(HolderKind, i64)>, StoreError> {
        let norm = crate::model::text::normalize_name(name);
        let code = norm.to_ascii_uppercase();
        let mut out = Vec::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM enterprises WHERE name_norm = ?1 OR uscc = ?2")?;
        for id in stmt.query_map(params![norm, code], |r| r.get(0))? {
            out.push((HolderKind::Enterprise, id?));
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM parks WHERE name_norm = ?1")?;
        for id in stmt.query_map([&norm], |r| r.get(0))? {
            out.push((HolderKind::Park, id?));
        }
        if !out.is_empty() {
            return Ok(out);
        }
        let pattern = format!("%{}%", norm.replace(['%', '_'], ""));
        for (table, kind) in [
            ("enterprises", HolderKind::Enterprise),
            ("parks", HolderKind::Park),
        ] {
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT id, short_names FROM {table} WHERE short_names LIKE ?1"
            ))?;
            for row in stmt.query_map([&pattern], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })? {
                let (id, shorts) = row?;
                if split_names(&shorts)
                    .iter()
                    .any(|s| crate::model::text::normalize_name(s) == norm)
                {
                    out.push((kind, id));
                }
            }
        }
        Ok(out)
    }

    /// Every region with the number of `parks` in it or in a region under it, in the order the
    /// enterprise filter lists them (the city, then its counties in the official order), and
    /// last the parks no region claims (key [`NO_REGION`]).
    pub fn park_region_values(&self, parks: &[ParkRow]) -> Result<Vec<FacetValue>, StoreError> {
        let regions = self.regions()?;
        let mut out: Vec<FacetValue> = regions
            .iter()
            .map(|(id, name, parent)| {
                let under = subtree(&regions, *id);
                FacetValue {
                    key: id.to_string(),
                    label: name.clone(),
                    count: parks
                        .iter()
                        .filter(|p| p.region_id.is_some_and(|r| under.contains(&r)))
                        .count() as i64,
                    depth: usize::from(parent.is_some()),
                }
            })
            .collect();
        out.push(FacetValue {
            key: NO_REGION.to_string(),
            label: NO_REGION_LABEL.to_string(),
            count: parks.iter().filter(|p| p.region_id.is_none()).count() as i64,
            depth: 0,
        });
        Ok(out)
    }

    /// The ids of `region` and every region under it.
    pub fn region_subtree(&self, region: i64) -> Result<Vec<i64>, StoreError> {
        Ok(subtree(&self.regions()?, region))
    }

    /// (id, name, parent) of every region, each city followed by its counties.
    fn regions(&self) -> Result<Vec<(i64, String, Option<i64>)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, parent_id FROM regions
             ORDER BY coalesce(parent_id, id), parent_id IS NOT NULL, id",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Region id by name, short name, or name without its 区/县/市 when only one region has it.
    pub fn region_id(&self, name: &str) -> Result<Option<i64>, StoreError> {
        let norm = crate::model::text::normalize_name(name);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, short_names FROM regions")?;
        let rows: Vec<(i64, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let exact = rows
            .iter()
            .find(|(_, n, _)| crate::model::text::normalize_name(n) == norm)
            .or_else(|| {
                rows.iter().find(|(_, _, s)| {
                    split_names(s)
                        .iter()
                        .any(|s| crate::model::text::normalize_name(s) == norm)
                })
            });
        if let Some((id, _, _)) = exact {
            return Ok(Some(*id));
        }
        // A county as people say it, without 区/县/市 ("达川" for 达川区), when only one fits.
        let bare: Vec<i64> = rows
            .iter()
            .filter(|(_, n, _)| {
                let n = crate::model::text::normalize_name(n);
                ['区', '县', '市'].iter().any(|s| {
                    n.strip_suffix(*s)
                        .is_some_and(|b| b.chars().count() >= 2 && b == norm)
                })
            })
            .map(|(id, _, _)| *id)
            .collect();
        Ok(match bare[..] {
            [id] => Some(id),
            _ => None,
        })
    }

    /// Park id by name or short name.
    pub fn park_id(&self, name: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .find_exact(name)?
            .into_iter()
            .find(|(k, _)| *k == HolderKind::Park)
            .map(|(_, id)| id))
    }

    /// Cluster id by key, name or short name.
    pub fn cluster_id(&self, name: &str) -> Result<Option<i64>, StoreError> {
        let norm = crate::model::text::normalize_name(name);
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, key, name, short_names FROM clusters ORDER BY id")?;
        let rows: Vec<(i64, String, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<_, _>>()?;
        let n = crate::model::text::normalize_name;
        Ok(rows
            .iter()
            .find(|(_, k, _, _)| n(k) == norm)
            .or_else(|| rows.iter().find(|(_, _, nm, _)| n(nm) == norm))
            .or_else(|| {
                rows.iter()
                    .find(|(_, _, _, s)| split_names(s).iter().any(|s| n(s) == norm))
            })
            .map(|(id, ..)| *id))
    }

    /// Names of all regions, parks and clusters (for "did you mean" suggestions).
    pub fn all_names(&self, table: &str) -> Result<Vec<String>, StoreError> {
        let col = if table == "clusters" { "key" } else { "name" };
        let sql = match table {
            "regions" | "parks" | "clusters" | "enterprises" => {
                format!("SELECT {col} FROM {table} ORDER BY id")
            }
            _ => return Ok(Vec::new()),
        };
        let mut stmt = self.conn.prepare(&sql)?;
        let names = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(names)
    }

    /// Total counts for the status line: (enterprises, parks, designations).
    pub fn totals(&self) -> Result<(i64, i64, i64), StoreError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM enterprises), (SELECT count(*) FROM parks), (SELECT count(*) FROM designations)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    }
}

fn selected_key(facet: Facet, f: &Filter) -> Option<String> {
    match facet {
        Facet::Region => f.region.map(|v| v.to_string()),
        Facet::Park => f.park.map(|v| v.to_string()),
        Facet::Cluster => f.cluster.map(|v| v.to_string()),
        Facet::Type => f.dtype.clone(),
        Facet::Level => f.level.map(|l| l.label().to_string()),
        Facet::Year => f.year.map(|y| y.to_string()),
    }
}

/// `root` and every region under it in `regions` ((id, name, parent) rows).
fn subtree(regions: &[(i64, String, Option<i64>)], root: i64) -> Vec<i64> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let at = out[i];
        out.extend(
            regions
                .iter()
                .filter(|(id, _, parent)| *parent == Some(at) && !out.contains(id))
                .map(|(id, _, _)| *id)
                .collect::<Vec<_>>(),
        );
        i += 1;
    }
    out
}

/// SQL true for a designation `d` held in `now_year`: not revoked, and within its term when its
/// type has one (as [`crate::model::designation::derive_status`] judges; a title with no known
/// year counts, as in the badges). A filter by type or level without a year asks who holds a
/// title now; a year asks for that year's list, lapsed or not.
fn held(now_year: i32) -> String {
    let terms: String = crate::model::designation::TYPES
        .iter()
        .filter_map(|t| {
            t.validity_years
                .map(|y| format!(" WHEN '{}' THEN {y}", t.name.replace('\'', "''")))
        })
        .collect();
    format!(
        "coalesce(d.status, '') NOT IN ('已撤销', '撤销', 'revoked') \
         AND coalesce(d.year + CASE d.type{terms} END, {now_year}) >= {now_year}"
    )
}

/// [`held`] for facets: when no year is chosen.
fn held_cond(f: &Filter) -> String {
    match f.year {
        Some(_) => String::new(),
        None => format!("AND {}", held(crate::model::current_year())),
    }
}

// Facets over designations count holders of a designation that satisfies the *other*
// designation constraints on the same row: the text of these fragments is fixed, values are
// embedded only after validation (a Level label or an integer), never user text.
fn level_cond(_base: &Filter, f: &Filter) -> String {
    f.level
        .map(|l| format!("AND d.level = '{}'", l.label()))
        .unwrap_or_default()
}
fn year_cond(_base: &Filter, f: &Filter) -> String {
    f.year
        .map(|y| format!("AND d.year = {y}"))
        .unwrap_or_default()
}
fn type_cond(f: &Filter) -> String {
    match &f.dtype {
        Some(t) => match DesignationType::get(t) {
            Some(ty) => format!("AND d.type = '{}'", ty.name.replace('\'', "''")),
            None => "AND 0".to_string(),
        },
        None => String::new(),
    }
}

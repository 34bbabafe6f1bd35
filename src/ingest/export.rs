//! Export: the store written out as CSV, xlsx or JSON, in a shape `yuanqi import` reads back
//! (same column names the header recogniser knows, multi-values joined with "、"), so that
//! exporting a store and importing the files into a new store gives the same data.

use std::collections::{HashMap, HashSet};

use rusqlite::types::Value;
use serde::Serialize;

use crate::model::HolderKind;
use crate::model::designation::derive_status;
use crate::store::{Filter, Store, StoreError};

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    #[value(alias = "企业")]
    Enterprises,
    #[value(alias = "园区")]
    Parks,
    #[value(alias = "认定")]
    Designations,
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
    Xlsx,
}

/// A designation inside an enterprise or park record.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HeldDesignation {
    #[serde(rename = "type")]
    pub ty: String,
    pub level: Option<String>,
    pub grade: Option<String>,
    pub year: Option<i32>,
    pub batch: Option<String>,
    pub status: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EnterpriseOut {
    pub name: String,
    pub short_names: Vec<String>,
    pub uscc: Option<String>,
    pub region: Option<String>,
    pub park: Option<String>,
    pub clusters: Vec<String>,
    pub scale: Option<String>,
    pub notes: String,
    pub designations: Vec<HeldDesignation>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ParkOut {
    pub name: String,
    pub short_names: Vec<String>,
    pub kind: String,
    pub level: Option<String>,
    pub region: Option<String>,
    pub parent: Option<String>,
    pub clusters: Vec<String>,
    pub notes: String,
    pub designations: Vec<HeldDesignation>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DesignationOut {
    pub holder: String,
    pub holder_kind: &'static str,
    #[serde(rename = "type")]
    pub ty: String,
    pub level: Option<String>,
    pub grade: Option<String>,
    pub year: Option<i32>,
    pub batch: Option<String>,
    pub status: String,
    /// The status as recorded (已撤销 / 已复核), which the CSV carries so it imports back.
    #[serde(skip)]
    pub recorded_status: Option<String>,
    pub notes: String,
    pub source: String,
}

/// Filters named on the command line, resolved.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    pub filter: Filter,
}

/// Resolve `--county/--cluster/--park/--designation` to ids; an unknown name is an error
/// with the closest known names.
pub fn resolve_filter(
    store: &Store,
    county: Option<&str>,
    cluster: Option<&str>,
    park: Option<&str>,
    designation: Option<&str>,
) -> Result<ExportFilter, String> {
    let mut f = Filter::default();
    let near = |table: &str, wanted: &str| -> String {
        let names = store.all_names(table).unwrap_or_default();
        let c = super::plan::closest(wanted, names.iter().map(String::as_str), 3);
        if c.is_empty() {
            String::new()
        } else {
            format!("最接近的有：{}", c.join("、"))
        }
    };
    let safe = crate::model::text::sanitize;
    // The TUI's "（未载明县区）": enterprises placed in no county.
    let unplaced = |c: &str| {
        let n = crate::model::text::normalize_name(c);
        let label = crate::model::text::normalize_name(crate::store::NO_REGION_LABEL);
        n == label || ["未载明县区", "未载明"].contains(&n.as_str())
    };
    if county.is_some_and(unplaced) {
        f.region = Some(crate::store::NO_REGION);
    } else if let Some(c) = county {
        f.region = Some(
            store
                .region_id(c)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| {
                    format!(
                        "没有名为“{}”的县（市、区）。{}",
                        safe(c),
                        near("regions", c)
                    )
                })?,
        );
    }
    if let Some(c) = cluster {
        f.cluster = Some(
            store
                .cluster_id(c)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| {
                    format!("没有名为“{}”的产业集群。{}", safe(c), near("clusters", c))
                })?,
        );
    }
    if let Some(p) = park {
        f.park = Some(
            store
                .park_id(p)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("没有名为“{}”的园区。{}", safe(p), near("parks", p)))?,
        );
    }
    if let Some(d) = designation {
        let (level, ty) = crate::model::designation::split_level(d).ok_or_else(|| {
            format!(
                "“{}”不是已知的认定类型。可用：{}",
                safe(d),
                crate::model::designation::TYPES
                    .iter()
                    .map(|t| t.name)
                    .collect::<Vec<_>>()
                    .join("、")
            )
        })?;
        f.dtype = Some(ty.name.to_string());
        f.level = level;
    }
    Ok(ExportFilter { filter: f })
}

/// Cluster labels that import resolves back to the same cluster: the name when it is unique
/// (no other cluster has it as its name or key) and survives the cell's list splitting, else
/// the key. A seeded name such as "光电显示组装零件、原材料" holds the list separator "、" and
/// would come back as two unknown clusters, so it is written as its key
/// ("光电显示组装零件和原材料"); the 2+3+1 cluster named "数字经济" shares that text with the key
/// of the system 数字经济三大产业集群, so it is written as its key "2+3+1/数字经济".
fn cluster_labels(store: &Store) -> Result<HashMap<i64, String>, StoreError> {
    let mut stmt = store.conn().prepare("SELECT id, key, name FROM clusters")?;
    let rows: Vec<(i64, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut count: HashMap<String, usize> = HashMap::new();
    for (_, key, n) in &rows {
        *count
            .entry(crate::model::text::normalize_name(n))
            .or_default() += 1;
        // A key counts against a name that equals it (unless it is the same cluster's).
        if crate::model::text::normalize_name(key) != crate::model::text::normalize_name(n) {
            *count
                .entry(crate::model::text::normalize_name(key))
                .or_default() += 1;
        }
    }
    Ok(rows
        .into_iter()
        .map(|(id, key, name)| {
            let unique = count[&crate::model::text::normalize_name(&name)] == 1;
            let splits = crate::model::text::split_multi(&name) != [name.as_str()];
            (id, if unique && !splits { name } else { key })
        })
        .collect())
}

fn split(s: &str) -> Vec<String> {
    s.split('|')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// All designations (optionally of one holder kind), with their recorded status.
fn designations(
    store: &Store,
    f: &Filter,
) -> Result<Vec<(HolderKind, i64, DesignationOut)>, StoreError> {
    let now = crate::model::current_year();
    let mut cond = vec!["1".to_string()];
    let mut args: Vec<Value> = Vec::new();
    if let Some(t) = &f.dtype {
        args.push(Value::Text(t.clone()));
        cond.push(format!("d.type = ?{}", args.len()));
    }
    if let Some(l) = f.level {
        args.push(Value::Text(l.label().to_string()));
        cond.push(format!("d.level = ?{}", args.len()));
    }
    let sql = format!(
        "SELECT d.enterprise_id, d.park_id, coalesce(e.name, p.name), d.type, d.level, d.grade, d.year, d.batch,
                d.status, d.notes, s.code, s.title, d.import_id
         FROM designations d
         LEFT JOIN enterprises e ON e.id = d.enterprise_id
         LEFT JOIN parks p ON p.id = d.park_id
         LEFT JOIN sources s ON s.id = d.source_id
         WHERE {}
         ORDER BY coalesce(e.search_forms, p.search_forms), d.type, coalesce(d.year, 0), d.id",
        cond.join(" AND ")
    );
    let mut stmt = store.conn().prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
        let ent: Option<i64> = r.get(0)?;
        let park: Option<i64> = r.get(1)?;
        let ty: String = r.get(3)?;
        let year: Option<i32> = r.get(6)?;
        let recorded: Option<String> = r.get(8)?;
        let (status, _) = derive_status(
            crate::model::designation::DesignationType::get(&ty),
            year,
            recorded.as_deref(),
            now,
        );
        let code: Option<String> = r.get(10)?;
        let title: Option<String> = r.get(11)?;
        let import_id: Option<i64> = r.get(12)?;
        let source = match (import_id, code, title) {
            (Some(i), _, _) => format!("导入#{i}"),
            (None, Some(c), Some(t)) => format!("{c} {t}"),
            (None, Some(c), None) => c,
            _ => String::new(),
        };
        let (kind, id) = match (ent, park) {
            (Some(e), _) => (HolderKind::Enterprise, e),
            (None, p) => (HolderKind::Park, p.unwrap_or_default()),
        };
        Ok((
            kind,
            id,
            DesignationOut {
                holder: r.get(2)?,
                holder_kind: match kind {
                    HolderKind::Enterprise => "企业",
                    HolderKind::Park => "园区",
                },
                ty,
                level: r.get(4)?,
                grade: r.get(5)?,
                year,
                batch: r.get(7)?,
                status: status.label().to_string(),
                recorded_status: recorded,
                notes: r.get(9)?,
                source,
            },
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn held(d: &DesignationOut) -> HeldDesignation {
    HeldDesignation {
        ty: d.ty.clone(),
        level: d.level.clone(),
        grade: d.grade.clone(),
        year: d.year,
        batch: d.batch.clone(),
        status: d.status.clone(),
        source: d.source.clone(),
    }
}

/// Each enterprise's (or park's) cluster labels, in cluster order.
fn clusters_by_holder(
    store: &Store,
    kind: HolderKind,
) -> Result<HashMap<i64, Vec<String>>, StoreError> {
    let labels = cluster_labels(store)?;
    let sql = match kind {
        HolderKind::Enterprise => {
            "SELECT enterprise_id, cluster_id FROM enterprise_clusters ORDER BY cluster_id"
        }
        HolderKind::Park => "SELECT park_id, cluster_id FROM park_clusters ORDER BY cluster_id",
    };
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for row in store
        .conn()
        .prepare(sql)?
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?
    {
        let (holder, c) = row?;
        if let Some(l) = labels.get(&c) {
            out.entry(holder).or_default().push(l.clone());
        }
    }
    Ok(out)
}

/// Each enterprise's (or park's) designations as exported.
fn held_by_holder(
    store: &Store,
    kind: HolderKind,
) -> Result<HashMap<i64, Vec<HeldDesignation>>, StoreError> {
    let mut out: HashMap<i64, Vec<HeldDesignation>> = HashMap::new();
    for (k, id, d) in designations(store, &Filter::default())? {
        if k == kind {
            out.entry(id).or_default().push(held(&d));
        }
    }
    Ok(out)
}

/// Enterprises matching the filter, in list order.
pub fn enterprises(store: &Store, f: &Filter) -> Result<Vec<EnterpriseOut>, StoreError> {
    let ids = store.enterprise_ids(f)?;
    let mut clusters = clusters_by_holder(store, HolderKind::Enterprise)?;
    let mut held_by = held_by_holder(store, HolderKind::Enterprise)?;
    let mut stmt = store.conn().prepare_cached(
        "SELECT e.name, e.short_names, e.uscc, r.name, p.name, e.scale, e.notes
         FROM enterprises e LEFT JOIN regions r ON r.id = e.region_id LEFT JOIN parks p ON p.id = e.park_id
         WHERE e.id = ?1",
    )?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let mut e = stmt.query_row([id], |r| {
            Ok(EnterpriseOut {
                name: r.get(0)?,
                short_names: split(&r.get::<_, String>(1)?),
                uscc: r.get(2)?,
                region: r.get(3)?,
                park: r.get(4)?,
                clusters: Vec::new(),
                scale: r.get(5)?,
                notes: r.get(6)?,
                designations: Vec::new(),
            })
        })?;
        e.clusters = clusters.remove(&id).unwrap_or_default();
        e.designations = held_by.remove(&id).unwrap_or_default();
        out.push(e);
    }
    Ok(out)
}

/// Ids of the parks a filter selects (region subtree, park subtree, cluster, designation).
fn park_ids(store: &Store, f: &Filter) -> Result<Vec<i64>, StoreError> {
    let rows = store.park_rows()?;
    let mut keep: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let conn = store.conn();
    let subtree = |sql: &str, root: i64| -> Result<HashSet<i64>, StoreError> {
        let mut stmt = conn.prepare(sql)?;
        let ids = stmt
            .query_map([root], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(ids)
    };
    if let Some(r) = f.region {
        let regions = subtree(
            "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT r.id FROM regions r JOIN sub ON r.parent_id = sub.id) SELECT id FROM sub",
            r,
        )?;
        let in_region: HashSet<i64> = conn
            .prepare("SELECT id, region_id FROM parks")?
            .query_map([], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?))
            })?
            .filter_map(Result::ok)
            .filter(|(_, reg)| reg.is_some_and(|x| regions.contains(&x)))
            .map(|(id, _)| id)
            .collect();
        keep.retain(|id| in_region.contains(id));
    }
    if let Some(p) = f.park {
        let parks = subtree(
            "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT p.id FROM parks p JOIN sub ON p.parent_id = sub.id) SELECT id FROM sub",
            p,
        )?;
        keep.retain(|id| parks.contains(id));
    }
    if let Some(c) = f.cluster {
        let clusters = subtree(
            "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT c.id FROM clusters c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub",
            c,
        )?;
        let with: HashSet<i64> = conn
            .prepare("SELECT park_id, cluster_id FROM park_clusters")?
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?
            .filter_map(Result::ok)
            .filter(|(_, c)| clusters.contains(c))
            .map(|(p, _)| p)
            .collect();
        keep.retain(|id| with.contains(id));
    }
    if f.dtype.is_some() {
        let with: HashSet<i64> = designations(store, f)?
            .into_iter()
            .filter(|(k, _, _)| *k == HolderKind::Park)
            .map(|(_, id, _)| id)
            .collect();
        keep.retain(|id| with.contains(id));
    }
    Ok(keep)
}

/// Parks matching the filter, parents before their children.
pub fn parks(store: &Store, f: &Filter) -> Result<Vec<ParkOut>, StoreError> {
    let ids = park_ids(store, f)?;
    let mut clusters = clusters_by_holder(store, HolderKind::Park)?;
    let mut held_by = held_by_holder(store, HolderKind::Park)?;
    let mut stmt = store.conn().prepare_cached(
        "SELECT p.name, p.short_names, p.kind, p.level, r.name, pp.name, p.notes
         FROM parks p LEFT JOIN regions r ON r.id = p.region_id LEFT JOIN parks pp ON pp.id = p.parent_id
         WHERE p.id = ?1",
    )?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let mut p = stmt.query_row([id], |r| {
            Ok(ParkOut {
                name: r.get(0)?,
                short_names: split(&r.get::<_, String>(1)?),
                kind: r.get(2)?,
                level: r.get(3)?,
                region: r.get(4)?,
                parent: r.get(5)?,
                clusters: Vec::new(),
                notes: r.get(6)?,
                designations: Vec::new(),
            })
        })?;
        p.clusters = clusters.remove(&id).unwrap_or_default();
        p.designations = held_by.remove(&id).unwrap_or_default();
        out.push(p);
    }
    Ok(out)
}

/// Designations of the enterprises and parks the filter selects.
pub fn designation_list(store: &Store, f: &Filter) -> Result<Vec<DesignationOut>, StoreError> {
    let ents: HashSet<i64> = store.enterprise_ids(f)?.into_iter().collect();
    let parks: HashSet<i64> = park_ids(store, f)?.into_iter().collect();
    Ok(designations(store, f)?
        .into_iter()
        .filter(|(k, id, _)| match k {
            HolderKind::Enterprise => ents.contains(id),
            HolderKind::Park => parks.contains(id),
        })
        .map(|(_, _, d)| d)
        .collect())
}

/// A table of strings: header and rows, ready for CSV or xlsx.
pub struct Sheet {
    pub name: &'static str,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// The header of the designations column in enterprise and park sheets. The import knows it
/// and skips it (designations import from the designations sheet, one per row), so an export
/// re-imports without a warning and without touching anyone's designations.
pub const HELD_COLUMN: &str = "认定（仅供查看）";

/// A holder's designations in one cell, for reading: "国家级制造业单项冠军（2024）、
/// 省级专精特新中小企业（2021，已过期）" — the year, and the status unless it is simply valid.
pub fn held_cell(list: &[HeldDesignation]) -> String {
    list.iter()
        .map(|d| {
            let mut s = format!("{}{}", d.level.as_deref().unwrap_or(""), d.ty);
            if let Some(g) = &d.grade {
                s.push_str(&format!("（{g}）"));
            }
            let mut notes = Vec::new();
            if let Some(y) = d.year {
                notes.push(y.to_string());
            }
            if !matches!(d.status.as_str(), "有效" | "有效期不详") {
                notes.push(d.status.clone());
            }
            if !notes.is_empty() {
                s.push_str(&format!("（{}）", notes.join("，")));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("、")
}

pub fn enterprise_sheet(list: &[EnterpriseOut]) -> Sheet {
    Sheet {
        name: "企业",
        header: vec![
            "企业名称",
            "简称",
            "统一社会信用代码",
            "所属县（市、区）",
            "所属园区",
            "产业集群",
            "规模",
            "备注",
            HELD_COLUMN,
        ],
        rows: list
            .iter()
            .map(|e| {
                vec![
                    e.name.clone(),
                    e.short_names.join("、"),
                    opt(&e.uscc),
                    opt(&e.region),
                    opt(&e.park),
                    e.clusters.join("、"),
                    opt(&e.scale),
                    e.notes.clone(),
                    held_cell(&e.designations),
                ]
            })
            .collect(),
    }
}

pub fn park_sheet(list: &[ParkOut]) -> Sheet {
    Sheet {
        name: "园区",
        header: vec![
            "园区名称",
            "简称",
            "园区类型",
            "级别",
            "所属县（市、区）",
            "上级园区",
            "主导产业",
            "备注",
            HELD_COLUMN,
        ],
        rows: list
            .iter()
            .map(|p| {
                vec![
                    p.name.clone(),
                    p.short_names.join("、"),
                    p.kind.clone(),
                    p.level.clone().unwrap_or_else(|| "未定级".into()),
                    opt(&p.region),
                    opt(&p.parent),
                    p.clusters.join("、"),
                    p.notes.clone(),
                    held_cell(&p.designations),
                ]
            })
            .collect(),
    }
}

pub fn designation_sheet(list: &[DesignationOut]) -> Sheet {
    Sheet {
        name: "认定",
        header: vec![
            "名称",
            "主体类别",
            "认定类型",
            "级别",
            "等级",
            "认定年份",
            "批次",
            "状态",
            "备注",
            "来源",
        ],
        rows: list
            .iter()
            .map(|d| {
                vec![
                    d.holder.clone(),
                    d.holder_kind.to_string(),
                    d.ty.clone(),
                    opt(&d.level),
                    opt(&d.grade),
                    d.year.map(|y| y.to_string()).unwrap_or_default(),
                    opt(&d.batch),
                    d.recorded_status
                        .clone()
                        .unwrap_or_else(|| d.status.clone()),
                    d.notes.clone(),
                    d.source.clone(),
                ]
            })
            .collect(),
    }
}

/// Whether a spreadsheet could take a cell for a formula: it starts with "=", "+", "@", "-",
/// a tab or a carriage return (the characters OWASP lists for CSV injection), unless it is a
/// plain negative number such as -3 or -0.5, which stays a number.
pub fn formula_like(s: &str) -> bool {
    s.starts_with(['=', '+', '@', '\t', '\r']) || (s.starts_with('-') && !is_plain_number(&s[1..]))
}

/// Digits with at most one decimal point between them ("3", "0.5"), nothing else.
fn is_plain_number(s: &str) -> bool {
    let (int, frac) = s.split_once('.').unwrap_or((s, "1"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// A CSV cell that a spreadsheet would run as a formula ([`formula_like`]) gets Excel's text
/// prefix "'", so opening the export never executes anything; import strips the prefix again.
fn guard(s: &str) -> String {
    if formula_like(s) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

pub fn to_csv(sheet: &Sheet) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&sheet.header)?;
    for r in &sheet.rows {
        w.write_record(r.iter().map(|c| guard(c)))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Write `sheet` as an xlsx workbook to `path`.
pub fn write_xlsx(sheet: &Sheet, path: &std::path::Path) -> Result<(), rust_xlsxwriter::XlsxError> {
    xlsx_workbook(sheet)?.save(path)
}

/// `sheet` as the bytes of an xlsx workbook (for writing to standard output).
pub fn xlsx_bytes(sheet: &Sheet) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    xlsx_workbook(sheet)?.save_to_buffer()
}

fn xlsx_workbook(sheet: &Sheet) -> Result<rust_xlsxwriter::Workbook, rust_xlsxwriter::XlsxError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet.name)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    // Cells are written as text, which Excel never runs; a formula-like one is also marked
    // with Excel's quote prefix (a style, not a character of the value), so editing the cell
    // in Excel does not turn it into a formula either.
    let quoted = rust_xlsxwriter::Format::new().set_quote_prefix();
    for (c, h) in sheet.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, if c == 0 { 36 } else { 16 })?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                // Always text: credit codes and years must not become numbers.
                if formula_like(v) {
                    ws.write_string_with_format((r + 1) as u32, c as u16, v, &quoted)?;
                } else {
                    ws.write_string((r + 1) as u32, c as u16, v)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(wb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_are_those_a_spreadsheet_could_run() {
        for s in [
            "=1+2", "+86", "@SUM(A1)", "-1+2", "-", "-x", "\tx", "\rx", "-.5",
        ] {
            assert!(formula_like(s), "{s:?}");
            assert_eq!(guard(s), format!("'{s}"));
        }
        for s in ["-3", "-0.5", "3", "达州-1", "", "'=x"] {
            assert!(!formula_like(s), "{s:?}");
            assert_eq!(guard(s), s);
        }
    }
}

//! Finding the header row and recognising its columns by meaning.
//!
//! Published lists put one or more title rows above the header ("附件1：2024年……名单"), so the
//! header is the row among the first [`SCAN_ROWS`] that names the most known columns and
//! includes a name column. Column names are compared after folding width, spaces and brackets,
//! against Chinese and English synonyms; `--map '表头=field'` adds the rest.

use std::collections::HashMap;

use super::IngestError;
use super::normalize::cell_text;
use super::read::Row;
use crate::model::text::{fold_width, normalize_name, sanitize};

/// How many rows from the top may hold the header.
pub const SCAN_ROWS: usize = 30;

/// What a column means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// Known but not imported (序号, 来源, …).
    Ignore,
    Name,
    ShortNames,
    Uscc,
    Region,
    /// 市（州）: used to set aside rows from outside the store's cities.
    City,
    Park,
    Clusters,
    DesignationType,
    Level,
    Grade,
    Year,
    Batch,
    Status,
    HolderKind,
    ParkKind,
    ParentPark,
    Scale,
    Notes,
}

/// Synonyms per field, compared with [`header_key`].
const SYNONYMS: &[(Field, &[&str])] = &[
    (
        Field::Ignore,
        &[
            "序号",
            "编号",
            "序",
            "排序",
            "no",
            "no.",
            "#",
            "来源",
            "source",
            "数据来源",
            // The read-only designations column of `yuanqi export enterprises|parks`.
            super::export::HELD_COLUMN,
        ],
    ),
    (
        Field::Name,
        &[
            "企业名称",
            "单位名称",
            "公司名称",
            "企业全称",
            "单位全称",
            "名称",
            "name",
            "企业",
            "申报单位",
            "申报企业",
            "企业（单位）名称",
            "园区名称",
            "园区全称",
            "主体名称",
            "holder",
            "认定主体",
            "获评单位",
        ],
    ),
    (
        Field::ShortNames,
        &[
            "简称",
            "企业简称",
            "园区简称",
            "别名",
            "short_names",
            "shortnames",
            "short name",
        ],
    ),
    (
        Field::Uscc,
        &[
            "统一社会信用代码",
            "信用代码",
            "社会信用代码",
            "统一信用代码",
            "uscc",
            "统一社会信用代码（18位）",
            "credit code",
        ],
    ),
    (
        Field::Region,
        &[
            "所属县（市、区）",
            "县（市、区）",
            "县市区",
            "县区",
            "区县",
            "所属县区",
            "所属区县",
            "所在县区",
            "所属县",
            "县（区）",
            "region",
            "county",
            "所属地区",
            "地区",
            "所在地",
            "所在地区",
            "区（县）",
        ],
    ),
    (
        Field::City,
        &[
            "市（州）",
            "市州",
            "所属市（州）",
            "所属市州",
            "地市",
            "所属市",
            "市",
            "city",
            "地级市",
        ],
    ),
    (
        Field::Park,
        &["所属园区", "园区", "park", "所在园区", "入驻园区"],
    ),
    (
        Field::Clusters,
        &[
            "产业集群",
            "所属行业",
            "行业",
            "所属产业",
            "产业",
            "clusters",
            "cluster",
            "主导产业",
            "细分领域",
            "产业领域",
            "所属领域",
            "行业类别",
            "所属集群",
        ],
    ),
    (
        Field::DesignationType,
        &[
            "认定类型",
            "荣誉",
            "称号",
            "荣誉称号",
            "type",
            "认定名称",
            "designation",
            "认定",
            "资质",
            "认定称号",
            "获得荣誉",
        ],
    ),
    (Field::Level, &["级别", "level", "认定级别", "层级"]),
    (Field::Grade, &["等级", "grade", "评定等级", "星级"]),
    (
        Field::Year,
        &[
            "认定年份",
            "年度",
            "年份",
            "year",
            "认定时间",
            "认定日期",
            "批准时间",
            "认定年度",
            "获评时间",
            "获评年份",
            "公布时间",
        ],
    ),
    (Field::Batch, &["批次", "batch", "认定批次"]),
    (Field::Status, &["状态", "status", "有效状态", "认定状态"]),
    (
        Field::HolderKind,
        &["主体类别", "主体类型", "holder_kind", "holderkind"],
    ),
    (Field::ParkKind, &["园区类型", "kind", "类型", "园区类别"]),
    (
        Field::ParentPark,
        &["上级园区", "parent", "所属上级园区", "母园区"],
    ),
    (Field::Scale, &["规模", "scale", "是否规上", "企业规模"]),
    (Field::Notes, &["备注", "notes", "说明", "note"]),
];

/// Field names accepted by `--map`, English and Chinese.
const FIELD_NAMES: &[(&str, Field)] = &[
    ("ignore", Field::Ignore),
    ("忽略", Field::Ignore),
    ("name", Field::Name),
    ("名称", Field::Name),
    ("short_names", Field::ShortNames),
    ("简称", Field::ShortNames),
    ("uscc", Field::Uscc),
    ("信用代码", Field::Uscc),
    ("region", Field::Region),
    ("县区", Field::Region),
    ("city", Field::City),
    ("市州", Field::City),
    ("park", Field::Park),
    ("园区", Field::Park),
    ("clusters", Field::Clusters),
    ("产业", Field::Clusters),
    ("type", Field::DesignationType),
    ("认定类型", Field::DesignationType),
    ("level", Field::Level),
    ("级别", Field::Level),
    ("grade", Field::Grade),
    ("等级", Field::Grade),
    ("year", Field::Year),
    ("年份", Field::Year),
    ("batch", Field::Batch),
    ("批次", Field::Batch),
    ("status", Field::Status),
    ("状态", Field::Status),
    ("holder_kind", Field::HolderKind),
    ("kind", Field::ParkKind),
    ("园区类型", Field::ParkKind),
    ("parent", Field::ParentPark),
    ("上级园区", Field::ParentPark),
    ("scale", Field::Scale),
    ("规模", Field::Scale),
    ("notes", Field::Notes),
    ("备注", Field::Notes),
];

/// The comparison key of a header cell: normalised, with brackets, punctuation and a trailing
/// "（必填）"-style remark folded away.
pub fn header_key(s: &str) -> String {
    let t = normalize_name(s);
    let t = t
        .replace("(必填)", "")
        .replace("(选填)", "")
        .replace('*', "");
    t.chars()
        .map(fold_width)
        .filter(|c| {
            !matches!(
                c,
                '(' | ')' | '、' | ',' | ':' | '：' | '.' | '·' | '-' | '_' | ' '
            )
        })
        .collect()
}

fn synonym_index() -> HashMap<String, Field> {
    let mut m = HashMap::new();
    for (field, names) in SYNONYMS {
        for n in *names {
            m.entry(header_key(n)).or_insert(*field);
        }
    }
    m
}

/// Parse `--map` options into header-key → field.
pub fn parse_maps(maps: &[String]) -> Result<HashMap<String, Field>, IngestError> {
    let mut out = HashMap::new();
    let names = || {
        FIELD_NAMES
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| n.is_ascii())
            .collect::<Vec<_>>()
            .join("、")
    };
    for m in maps {
        let Some((h, f)) = m.split_once('=').or_else(|| m.split_once('＝')) else {
            return Err(IngestError::BadMap(sanitize(m), names()));
        };
        let f = f.trim().to_ascii_lowercase();
        let field = FIELD_NAMES
            .iter()
            .find(|(n, _)| *n == f)
            .map(|(_, fl)| *fl)
            .ok_or_else(|| IngestError::BadMap(sanitize(m), names()))?;
        if h.trim().is_empty() {
            return Err(IngestError::BadMap(sanitize(m), names()));
        }
        out.insert(header_key(h), field);
    }
    Ok(out)
}

/// Which of `rows` is the header of a sheet whose column names `known` recognises (for sheets
/// other than the importer's own, such as targets): as [`find_header`] chooses, the row among
/// the first [`SCAN_ROWS`] naming the most known columns, at least two, so title rows above
/// it ("县区年度任务") are passed over. `None` when no row names two.
pub fn header_index(rows: &[Row], known: impl Fn(&str) -> bool) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None; // (known columns, index)
    for (i, row) in rows.iter().enumerate().take(SCAN_ROWS) {
        let n = row
            .cells
            .iter()
            .filter(|c| known(&sanitize(&cell_text(c).unwrap_or_default())))
            .count();
        if n >= 2 && best.is_none_or(|(k, _)| n > k) {
            best = Some((n, i));
        }
    }
    best.map(|(_, i)| i)
}

/// The error for the first `--map` whose column is not among `columns` (the header row's cells
/// as written), naming the columns there are; `None` when every mapped column is there, or
/// when there is no row to compare with.
pub fn missing_map(maps: &[String], columns: Option<&[String]>) -> Option<IngestError> {
    let columns = columns?;
    let keys: Vec<String> = columns.iter().map(|c| header_key(c)).collect();
    maps.iter().find_map(|m| {
        let (h, _) = m.split_once('=').or_else(|| m.split_once('＝'))?;
        let key = header_key(h);
        (!keys.contains(&key)).then(|| IngestError::MapColumnMissing {
            column: sanitize(h),
            columns: columns
                .iter()
                .filter(|c| !c.trim().is_empty())
                .map(|c| format!("“{}”", sanitize(c)))
                .collect::<Vec<_>>()
                .join("、"),
        })
    })
}

/// The cells of the row most likely to be the header when none was recognised: the first of
/// the rows with the most non-empty cells (titles above a header fill one cell or two).
pub fn likely_header(rows: &[Row]) -> Option<Vec<String>> {
    let filled = |r: &Row| r.cells.iter().filter(|c| !c.is_empty()).count();
    let most = rows
        .iter()
        .take(SCAN_ROWS)
        .map(filled)
        .max()
        .filter(|&n| n > 0)?;
    let row = rows.iter().find(|r| filled(r) == most)?;
    Some(
        row.cells
            .iter()
            .map(|c| sanitize(&cell_text(c).unwrap_or_default()))
            .collect(),
    )
}

/// What is known about one column of the chosen header.
#[derive(Debug, Clone)]
pub struct Column {
    pub index: usize,
    /// The header as written (sanitised), for messages.
    pub header: String,
    pub field: Option<Field>,
}

/// A recognised header row.
#[derive(Debug, Clone, Default)]
pub struct Header {
    /// The sheet row number of the header.
    pub row: u32,
    pub columns: Vec<Column>,
    /// Text of the rows above the header (titles), joined.
    pub title: String,
}

impl Header {
    /// The first column holding `field`.
    pub fn col(&self, field: Field) -> Option<&Column> {
        self.columns.iter().find(|c| c.field == Some(field))
    }

    pub fn has(&self, field: Field) -> bool {
        self.col(field).is_some()
    }

    /// Columns the importer does not understand (reported, then ignored).
    pub fn unknown(&self) -> Vec<String> {
        self.columns
            .iter()
            .filter(|c| c.field.is_none() && !c.header.is_empty())
            .map(|c| c.header.clone())
            .collect()
    }
}

/// Recognise the columns of one row, or `None` when it does not look like a header.
fn recognise(
    row: &Row,
    syn: &HashMap<String, Field>,
    maps: &HashMap<String, Field>,
) -> Option<(usize, Vec<Column>)> {
    let mut columns = Vec::new();
    let mut known = 0;
    let mut has_name = false;
    let mut seen: Vec<Field> = Vec::new();
    for (i, cell) in row.cells.iter().enumerate() {
        let text = cell_text(cell).unwrap_or_default();
        let header = sanitize(&text);
        if header.chars().count() > 40 {
            // A long cell is a title or a note, not a column name.
            columns.push(Column {
                index: i,
                header: String::new(),
                field: None,
            });
            continue;
        }
        let key = header_key(&header);
        let field = if key.is_empty() {
            None
        } else {
            maps.get(&key)
                .or_else(|| syn.get(&key))
                .copied()
                .or_else(|| {
                    // "企业名称（全称）" → try without the bracketed remark.
                    let base = normalize_name(&header);
                    let base = base.split('(').next().unwrap_or("");
                    syn.get(&header_key(base)).copied()
                })
        };
        // A field named twice keeps its first column; the second is ignored.
        let field = field.filter(|f| *f == Field::Ignore || !seen.contains(f));
        if let Some(f) = field {
            seen.push(f);
            known += 1;
            has_name |= f == Field::Name;
        }
        columns.push(Column {
            index: i,
            header,
            field,
        });
    }
    let single = row.cells.iter().filter(|c| !c.is_empty()).count() == 1;
    (has_name && (known >= 2 || single)).then_some((known, columns))
}

/// Find the header among the first rows of a sheet. `rows` are those rows, in order.
pub fn find_header(rows: &[Row], maps: &HashMap<String, Field>) -> Option<Header> {
    let syn = synonym_index();
    let mut best: Option<(usize, usize)> = None; // (known, index in rows)
    let mut found = Vec::new();
    for (i, row) in rows.iter().enumerate().take(SCAN_ROWS) {
        if let Some((known, cols)) = recognise(row, &syn, maps) {
            if best.is_none_or(|(k, _)| known > k) {
                best = Some((known, i));
            }
            found.push((i, cols));
        }
    }
    let (_, at) = best?;
    let columns = found.into_iter().find(|(i, _)| *i == at)?.1;
    let mut title = Vec::new();
    for row in &rows[..at] {
        for c in &row.cells {
            let t = sanitize(&cell_text(c).unwrap_or_default());
            if !t.is_empty() && !title.contains(&t) {
                title.push(t);
            }
        }
    }
    Some(Header {
        row: rows[at].number,
        columns,
        title: title.join(" "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::read::Cell;

    fn row(n: u32, cells: &[&str]) -> Row {
        Row {
            number: n,
            cells: cells
                .iter()
                .map(|s| {
                    if s.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(s.to_string())
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn header_below_title_rows_is_found_by_meaning() {
        let rows = vec![
            row(1, &["附件1：2024年第一批省级专精特新中小企业名单", "", ""]),
            row(2, &[]),
            row(
                3,
                &[
                    "序 号",
                    "企业名称",
                    "所属市（州）",
                    "所属县（市、区）",
                    "统一社会信用代码",
                ],
            ),
            row(4, &["1", "四川某某科技有限公司", "达州市", "宣汉县", ""]),
        ];
        let h = find_header(&rows, &HashMap::new()).unwrap();
        assert_eq!(h.row, 3);
        assert_eq!(h.col(Field::Name).unwrap().index, 1);
        assert_eq!(h.col(Field::City).unwrap().index, 2);
        assert_eq!(h.col(Field::Region).unwrap().index, 3);
        assert_eq!(h.col(Field::Uscc).unwrap().index, 4);
        assert_eq!(h.columns[0].field, Some(Field::Ignore));
        assert!(h.title.contains("专精特新"));
    }

    #[test]
    fn english_headers_and_maps() {
        let rows = vec![row(1, &["Name", "USCC", "Region", "负责人"])];
        let h = find_header(&rows, &HashMap::new()).unwrap();
        assert!(h.has(Field::Uscc) && h.has(Field::Region));
        assert_eq!(h.unknown(), vec!["负责人".to_string()]);
        let maps = parse_maps(&["负责人=notes".to_string()]).unwrap();
        let h = find_header(&rows, &maps).unwrap();
        assert!(h.has(Field::Notes));
        assert!(parse_maps(&["负责人".to_string()]).is_err());
        assert!(parse_maps(&["负责人=phone".to_string()]).is_err());
    }

    #[test]
    fn a_sheet_without_names_has_no_header() {
        let rows = vec![row(1, &["日期", "金额"]), row(2, &["2024-01-01", "3"])];
        assert!(find_header(&rows, &HashMap::new()).is_none());
    }
}

//! Targets from a sheet: a county's yearly quotas typed into a spreadsheet. Columns are
//! recognised by their header (Chinese or the seed file's English names); each row becomes a
//! [`NewTarget`]. Every row is checked before anything is written, and the whole sheet is then
//! saved in one transaction — a row whose code exists updates that target, so a sheet can be
//! imported again after editing. Reading the file is the CLI's business (it uses
//! [`crate::ingest::read`]); this module sees rows of text.

use super::edit::{Checked, Saved, check, save_all};
use super::rules::{self, TargetForm};
use super::{NewTarget, TargetError};
use crate::model::text::{normalize_name, sanitize, split_multi};
use crate::model::{Level, TargetKind};
use crate::store::Store;

/// A column of a targets sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Code,
    Name,
    Scope,
    Period,
    PeriodStart,
    PeriodEnd,
    Kind,
    Types,
    MinLevel,
    CountLapsed,
    Metric,
    Baseline,
    BaselineYear,
    Target,
    TargetForm,
    Qualifier,
    TargetText,
    Unit,
    Notes,
    /// A column read and ignored (the seed file's source and locator).
    Ignored,
}

/// Header spellings of each column, compared after [`normalize_name`].
const HEADERS: &[(Column, &[&str])] = &[
    (Column::Code, &["id", "code", "代码", "编号", "目标代码"]),
    (
        Column::Name,
        &["name", "名称", "目标名称", "任务", "任务名称"],
    ),
    (
        Column::Scope,
        &[
            "scope",
            "范围",
            "地区",
            "园区",
            "区县",
            "县(市、区)",
            "县市区",
            "责任单位",
        ],
    ),
    (Column::Period, &["period", "期间", "年度", "年份", "时期"]),
    (
        Column::PeriodStart,
        &["period_start", "起始年", "开始年", "起始年份"],
    ),
    (
        Column::PeriodEnd,
        &["period_end", "结束年", "截止年", "结束年份"],
    ),
    (Column::Kind, &["kind", "口径", "统计口径"]),
    (
        Column::Types,
        &["types", "认定类型", "计入类型", "称号", "认定"],
    ),
    (Column::MinLevel, &["min_level", "最低级别", "级别"]),
    (Column::CountLapsed, &["count_lapsed", "过期计入", "含过期"]),
    (Column::Metric, &["metric", "指标"]),
    (Column::Baseline, &["baseline", "基数", "基期值"]),
    (Column::BaselineYear, &["baseline_year", "基数年份", "基期"]),
    (
        Column::Target,
        &["target", "目标", "目标值", "目标数", "任务数"],
    ),
    (Column::TargetForm, &["target_form", "形式", "目标形式"]),
    (Column::Qualifier, &["qualifier", "限定", "限定词"]),
    (Column::TargetText, &["target_text", "文字目标", "目标表述"]),
    (Column::Unit, &["unit", "单位"]),
    (Column::Notes, &["notes", "备注", "说明"]),
    (Column::Ignored, &["source", "locator", "来源", "出处"]),
];

/// The column a header names, if any.
pub fn column_for(header: &str) -> Option<Column> {
    let h = normalize_name(header);
    HEADERS
        .iter()
        .find(|(_, names)| names.iter().any(|n| normalize_name(n) == h))
        .map(|(c, _)| *c)
}

/// One problem with one row (or the header, row 0 meaning the file).
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    pub row: u32,
    pub message: String,
}

/// What an import did or, in a dry run, would do.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    /// Rows checked and ready (or saved).
    pub rows: usize,
    pub saved: Saved,
    pub errors: Vec<RowError>,
    /// Header cells not recognised (their columns were ignored).
    pub unknown_headers: Vec<String>,
}

fn field(cols: &[Option<Column>], values: &[String], want: Column) -> Option<String> {
    cols.iter()
        .position(|c| *c == Some(want))
        .and_then(|i| values.get(i))
        .map(|v| sanitize(v))
        .filter(|v| !v.is_empty())
}

fn year(s: &str, what: &str) -> Result<i32, String> {
    let t = s.trim().trim_end_matches('年');
    t.parse::<i32>()
        .ok()
        .or_else(|| {
            t.parse::<f64>()
                .ok()
                .filter(|f| f.fract() == 0.0)
                .map(|f| f as i32)
        })
        .filter(|y| (1949..=2100).contains(y))
        .ok_or_else(|| format!("{what}“{s}”不是年份"))
}

/// One row as a target; `Err` with a message naming the column at fault.
pub fn row_to_target(cols: &[Option<Column>], values: &[String]) -> Result<NewTarget, String> {
    let get = |c| field(cols, values, c);
    let name = get(Column::Name).ok_or("缺少目标名称")?;
    let scope = get(Column::Scope).ok_or("缺少范围（地区或园区）")?;
    let (period_start, period_end) = match get(Column::Period) {
        Some(p) => rules::parse_period(&p)
            .ok_or_else(|| format!("期间“{p}”无法识别（应为 2026 或 2021-2025）"))?,
        None => {
            let end = get(Column::PeriodEnd).ok_or("缺少期间（期间，或起始年/结束年）")?;
            let end = year(&end, "结束年")?;
            let start = match get(Column::PeriodStart) {
                Some(s) => year(&s, "起始年")?,
                None => end,
            };
            if start > end {
                return Err(format!("起始年 {start} 晚于结束年 {end}"));
            }
            (start, end)
        }
    };
    let types: Vec<String> = get(Column::Types)
        .map(|t| split_multi(&t.replace(['，', ','], "|")))
        .unwrap_or_default();
    let kind = match get(Column::Kind) {
        Some(k) => TargetKind::parse(&k)
            .ok_or_else(|| format!("口径“{k}”无法识别（应为 新增、存量 或 填报）"))?,
        None if types.is_empty() => TargetKind::Recorded,
        None => TargetKind::New,
    };
    let min_level = match get(Column::MinLevel) {
        Some(l) => Some(
            Level::parse(l.trim_end_matches("及以上"))
                .ok_or_else(|| format!("级别“{l}”无法识别（应为 国家级、省级、市级 或 县级）"))?,
        ),
        None => None,
    };
    let number = |c: Column, what: &str| -> Result<Option<f64>, String> {
        match get(c) {
            Some(v) => rules::parse_value(&v)
                .map(Some)
                .map_err(|_| format!("{what}“{v}”不是数字")),
            None => Ok(None),
        }
    };
    let target_form = match get(Column::TargetForm) {
        Some(f) => TargetForm::parse(&f).ok_or_else(|| {
            format!("目标形式“{f}”无法识别（应为 plain、cumulative 或 avg_growth）")
        })?,
        None => TargetForm::Plain,
    };
    Ok(NewTarget {
        code: get(Column::Code),
        name,
        scope,
        period_start,
        period_end,
        kind,
        types,
        min_level,
        count_lapsed: get(Column::CountLapsed)
            .is_some_and(|v| matches!(v.as_str(), "1" | "是" | "true" | "y" | "yes" | "Y")),
        metric: get(Column::Metric),
        baseline: number(Column::Baseline, "基数")?,
        baseline_year: match get(Column::BaselineYear) {
            Some(y) => Some(year(&y, "基数年份")?),
            None => None,
        },
        target: number(Column::Target, "目标值")?,
        target_form,
        qualifier: get(Column::Qualifier).unwrap_or_default(),
        target_text: get(Column::TargetText),
        unit: get(Column::Unit).unwrap_or_default(),
        notes: get(Column::Notes).unwrap_or_default(),
    })
}

/// Check every row, then (unless `dry_run`, and only when no row failed) save them all in one
/// transaction. `rows` are (row number as the sheet shows it, cell texts).
pub fn import_rows(
    store: &mut Store,
    headers: &[String],
    rows: &[(u32, Vec<String>)],
    dry_run: bool,
) -> Result<Outcome, TargetError> {
    if !dry_run {
        store.ensure_writable()?;
    }
    let cols: Vec<Option<Column>> = headers.iter().map(|h| column_for(h)).collect();
    let mut out = Outcome {
        unknown_headers: headers
            .iter()
            .zip(&cols)
            .filter(|(h, c)| c.is_none() && !h.trim().is_empty())
            .map(|(h, _)| sanitize(h))
            .collect(),
        ..Outcome::default()
    };
    for (need, label) in [(Column::Name, "名称"), (Column::Scope, "范围")] {
        if !cols.contains(&Some(need)) {
            out.errors.push(RowError {
                row: 0,
                message: format!("表头中没有“{label}”列"),
            });
        }
    }
    if !out.errors.is_empty() {
        return Ok(out);
    }
    let mut checked: Vec<Checked> = Vec::new();
    let mut codes: Vec<String> = Vec::new();
    for (row, values) in rows {
        if values.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let result = row_to_target(&cols, values)
            .map_err(|m| m.to_string())
            .and_then(|t| {
                if let Some(c) = &t.code {
                    let key = c.to_lowercase();
                    if codes.contains(&key) {
                        return Err(format!("代码“{c}”在表中重复"));
                    }
                    codes.push(key);
                }
                check(store, t).map_err(|e| e.to_string())
            });
        match result {
            Ok(c) => checked.push(c),
            Err(message) => out.errors.push(RowError { row: *row, message }),
        }
    }
    out.rows = checked.len();
    if dry_run || !out.errors.is_empty() {
        return Ok(out);
    }
    out.saved = save_all(store, &checked)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_seed_headers_are_recognised() {
        assert_eq!(column_for("目标名称"), Some(Column::Name));
        assert_eq!(column_for(" 范围 "), Some(Column::Scope));
        assert_eq!(column_for("目标值"), Some(Column::Target));
        assert_eq!(column_for("period_end"), Some(Column::PeriodEnd));
        assert_eq!(column_for("县（市、区）"), Some(Column::Scope));
        assert_eq!(column_for("联系人"), None);
    }

    #[test]
    fn a_row_becomes_a_target() {
        let cols: Vec<Option<Column>> =
            ["名称", "范围", "年度", "认定类型", "级别", "目标值", "单位"]
                .iter()
                .map(|h| column_for(h))
                .collect();
        let row: Vec<String> = [
            "新增专精特新",
            "宣汉县",
            "2026",
            "专精特新",
            "省级及以上",
            "5户",
            "户",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let t = row_to_target(&cols, &row).unwrap();
        assert_eq!((t.period_start, t.period_end), (2026, 2026));
        assert_eq!(t.kind, TargetKind::New, "types given, no kind: new");
        assert_eq!(t.min_level, Some(Level::Provincial));
        assert_eq!(t.target, Some(5.0));
        let mut bad = row.clone();
        bad[2] = "明年".into();
        assert!(row_to_target(&cols, &bad).unwrap_err().contains("明年"));
    }
}

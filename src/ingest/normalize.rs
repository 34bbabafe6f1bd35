//! Cleaning cells: text made safe ([`crate::model::text::sanitize`]) and tidy (stray spaces
//! inside Chinese names removed), numbers stored as text or text stored as numbers, Excel
//! serial dates, years written as 2024年9月 / 2024-09 / 2024.9 / 2024年第一批, and the
//! designation a list names only in its title or file name.

use super::MAX_CELL_CHARS;
use super::read::Cell;
use crate::model::Level;
use crate::model::designation::{DesignationType, TYPES};
use crate::model::text::{fold_width, normalize_name, sanitize};

/// Why a cell's value cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum CellProblem {
    TooLong(usize),
    FormulaNoValue(String),
    ErrorValue(String),
}

impl CellProblem {
    pub fn message(&self) -> String {
        match self {
            CellProblem::TooLong(n) => format!(
                "单元格内容过长（{n} 个字符，上限 {MAX_CELL_CHARS}），可能是误粘贴；请检查这一格"
            ),
            CellProblem::FormulaNoValue(f) => format!(
                "这一格是公式（={}），文件里没有保存计算结果；请在 Excel/WPS 中打开并保存一次，或把公式改成数值",
                sanitize(&truncate(f, 40))
            ),
            CellProblem::ErrorValue(e) => format!("这一格是错误值 {e}，请先在表格中修正"),
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}

/// A value shown back to the user in a problem list: sanitised and shortened.
pub fn shown(s: &str) -> String {
    truncate(&sanitize(s), 40)
}

/// The raw text of a cell (numbers written the way a person would type them).
pub fn cell_text(cell: &Cell) -> Result<String, CellProblem> {
    Ok(match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) => {
            // No more bytes than the limit means no more characters either.
            if t.len() > MAX_CELL_CHARS {
                let n = t.chars().count();
                if n > MAX_CELL_CHARS {
                    return Err(CellProblem::TooLong(n));
                }
            }
            t.clone()
        }
        Cell::Int(i) => i.to_string(),
        Cell::Float(f) => number_text(*f),
        Cell::Date(serial) => match serial_to_date(*serial) {
            Some(d) => d.format("%Y-%m-%d").to_string(),
            None => number_text(*serial),
        },
        Cell::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Cell::Error(e) => return Err(CellProblem::ErrorValue(e.clone())),
        Cell::FormulaNoValue(f) => return Err(CellProblem::FormulaNoValue(f.clone())),
    })
}

/// A number as text: whole numbers without ".0".
pub fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Whether a cell holds a number too long to be exact (a credit code typed into a number cell
/// loses its last digits in Excel).
pub fn is_imprecise_number(cell: &Cell) -> bool {
    matches!(cell, Cell::Float(f) if f.abs() >= 1e15)
}

/// An Excel serial date (days since 1899-12-30, the 1900 date system).
pub fn serial_to_date(serial: f64) -> Option<chrono::NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_days(chrono::Days::new(serial.floor() as u64))
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{2e80}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}')
}

/// A name as stored and shown: sanitised, with spaces next to Chinese characters removed
/// ("四川 达州 钢铁" → "四川达州钢铁") but spaces between Latin words kept.
/// Also returns whether hostile characters (controls, escapes, bidi, zero-width) were removed.
pub fn clean_name(raw: &str) -> (String, bool) {
    let hostile = crate::model::text::has_hostile(raw);
    let s = sanitize(raw);
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
            let next = chars.get(i + 1).copied();
            if prev.is_some_and(is_cjk) || next.is_some_and(is_cjk) {
                continue;
            }
        }
        out.push(c);
    }
    (out, hostile)
}

/// Longest enterprise or park name accepted, in characters. Real names stay well below it
/// (the longest in the seeds has 19, a long registered name some 40); anything longer is a
/// paragraph pasted into the wrong cell.
pub const MAX_NAME_CHARS: usize = 100;

/// Why a cleaned name cannot be a name: too long to be one, or starting like a spreadsheet
/// formula (`=`, `+`, `@`: `=HYPERLINK(…)` would run when the list is exported and opened).
pub fn implausible_name(name: &str) -> Option<String> {
    let n = name.chars().count();
    if n > MAX_NAME_CHARS {
        return Some(format!(
            "名称有 {n} 个字符，超过了名称长度上限 {MAX_NAME_CHARS} 个字符，不像企业或园区的名称（可能误粘贴了整段文字）；请检查这一格"
        ));
    }
    let first = name.chars().next().map(fold_width)?;
    matches!(first, '=' | '+' | '@').then(|| {
        format!("名称以“{first}”开头，像是表格公式而不是名称；请在表格中改为企业或园区的名称")
    })
}

/// A credit code cell: width folded, spaces removed, upper case.
pub fn clean_code(raw: &str) -> String {
    sanitize(raw)
        .chars()
        .map(fold_width)
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Year (and batch, when written like 2024年第一批) from a cell.
pub fn parse_year(cell: &Cell) -> Result<Option<(i32, Option<String>)>, String> {
    let year_ok = |y: i64| (1949..=2100).contains(&y);
    match cell {
        Cell::Empty => Ok(None),
        Cell::Int(i) if year_ok(*i) => Ok(Some((*i as i32, None))),
        Cell::Float(f) if f.fract() == 0.0 && year_ok(*f as i64) => Ok(Some((*f as i32, None))),
        Cell::Int(_) | Cell::Float(_) | Cell::Date(_) => {
            let serial = match cell {
                Cell::Int(i) => *i as f64,
                Cell::Float(f) | Cell::Date(f) => *f,
                _ => 0.0,
            };
            use chrono::Datelike;
            match serial_to_date(serial) {
                Some(d) if year_ok(d.year() as i64) && serial > 3000.0 => {
                    Ok(Some((d.year(), None)))
                }
                _ => Err(format!("“{}”不像年份", number_text(serial))),
            }
        }
        other => {
            let text = cell_text(other).map_err(|p| p.message())?;
            let folded: String = sanitize(&text).chars().map(fold_width).collect();
            if folded.trim().is_empty() {
                return Ok(None);
            }
            let batch = find_batch(&folded);
            match find_year(&folded) {
                Some(y) => Ok(Some((y, batch))),
                None => Err(format!(
                    "“{}”中找不到年份（应写作 2024 或 2024年9月）",
                    shown(&text)
                )),
            }
        }
    }
}

/// The first plausible four-digit year in a text (19xx or 20xx not inside a longer number).
pub fn find_year(s: &str) -> Option<i32> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 4 {
                let y: String = chars[start..i].iter().collect();
                if let Ok(y) = y.parse::<i32>()
                    && (1949..=2100).contains(&y)
                {
                    return Some(y);
                }
            }
        } else {
            i += 1;
        }
    }
    None
}

/// "第一批" / "第2批" inside a text.
pub fn find_batch(s: &str) -> Option<String> {
    let start = s.find('第')?;
    let rest = &s[start..];
    let end = rest.find('批')?;
    let inner = &rest['第'.len_utf8()..end];
    if !inner.is_empty()
        && inner.chars().count() <= 4
        && inner
            .chars()
            .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
    {
        Some(rest[..end + '批'.len_utf8()].to_string())
    } else {
        None
    }
}

/// Whether a name cell is not a name but a total, a count or a placeholder: "合计",
/// "共计2家", "小计：1家", "合计 7家", "7家", "（此页无正文）", "以下空白". Such rows close a
/// printed list and are passed over like footnotes, never imported as enterprises.
pub fn summary_row(text: &str) -> bool {
    let n = normalize_name(text);
    let n = n.trim_end_matches(['.', '。', ':', ',', ';', '!']);
    if n.is_empty() {
        return false;
    }
    let bracketed =
        (n.starts_with('(') && n.ends_with(')')) || (n.starts_with('[') && n.ends_with(']'));
    if bracketed
        || ["无正文", "以下空白", "此页空白", "以下无"]
            .iter()
            .any(|p| n.contains(p))
    {
        return n.chars().count() <= 20;
    }
    let rest = ["合计", "总计", "小计", "共计"]
        .iter()
        .find_map(|p| n.strip_prefix(p))
        .map(|r| r.trim_start_matches([':', ',', '-']));
    match rest {
        Some(r) => r.is_empty() || is_count(r, true),
        None => is_count(n, false),
    }
}

/// "7家", "共12户", "3个企业", "十家": a number of enterprises with its unit; after 合计 and
/// the like (`bare_ok`) the number alone too ("合计 7"), but a lone "7" is not read as a count.
fn is_count(s: &str, bare_ok: bool) -> bool {
    let s = s.strip_prefix('共').unwrap_or(s);
    let digits = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || "零〇一二两三四五六七八九十百千".contains(*c))
        .count();
    if digits == 0 {
        return false;
    }
    let unit: String = s.chars().skip(digits).collect();
    let unit = unit.strip_suffix("企业").unwrap_or(&unit);
    match unit {
        "家" | "户" | "个" | "项" | "条" => true,
        "" => bare_ok,
        _ => false,
    }
}

/// A designation type with an optional level prefix, from a cell such as "省级专精特新中小企业".
pub fn parse_designation(s: &str) -> Option<(Option<Level>, &'static DesignationType)> {
    crate::model::designation::split_level(s)
}

/// The designation a list is about, when its title or file name says so.
#[derive(Debug, Clone, PartialEq)]
pub struct ListDesignation {
    pub ty: &'static DesignationType,
    pub level: Option<Level>,
    pub year: Option<i32>,
    pub batch: Option<String>,
}

impl ListDesignation {
    /// In words, as the report shows it: "省级 专精特新中小企业 2024年 第一批".
    pub fn describe(&self) -> String {
        let mut s = String::new();
        if let Some(l) = self.level {
            s.push_str(l.label());
            s.push(' ');
        }
        s.push_str(self.ty.name);
        if let Some(y) = self.year {
            s.push_str(&format!(" {y}年"));
        }
        if let Some(b) = &self.batch {
            s.push_str(&format!(" {b}"));
        }
        s
    }
}

/// Find the designation named in a title like "附件1：2024年第一批省级专精特新中小企业名单":
/// the longest vocabulary name or synonym in the text, the level written just before it,
/// the first year and the batch.
pub fn designation_in_title(title: &str) -> Option<ListDesignation> {
    let text = normalize_name(title);
    let mut best: Option<(usize, usize, &'static DesignationType)> = None; // (len, pos, type)
    for ty in TYPES {
        for name in std::iter::once(&ty.name).chain(ty.synonyms.iter()) {
            let key = normalize_name(name);
            if key.chars().count() < 2 {
                continue;
            }
            if let Some(pos) = text.find(&key) {
                let len = key.len();
                if best.is_none_or(|(l, _, _)| len > l) {
                    best = Some((len, pos, ty));
                }
            }
        }
    }
    let (_, pos, ty) = best?;
    let before = &text[..pos];
    let level = Level::PREFIXES
        .iter()
        .filter(|(p, _)| p.chars().count() >= 2 || *p == "省")
        .find(|(p, _)| before.ends_with(p))
        .map(|(_, l)| *l);
    // "高新区企业名录" is a register of a park's enterprises, not a list of parks designated
    // 高新区: a park title counts only with its level ("省级绿色工业园区名单").
    if ty.holders == crate::model::designation::Holders::Park && level.is_none() {
        return None;
    }
    let folded: String = title.chars().map(fold_width).collect();
    Some(ListDesignation {
        ty,
        level,
        year: find_year(&folded),
        batch: find_batch(&folded),
    })
}

/// What a list is when its title says its rows do not hold the designation it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotHolders {
    /// 公示 / 拟推荐 / 拟认定 / 初审 / 推荐 (and 拟 before other verbs of a proposal):
    /// proposed, not yet granted.
    Proposed(&'static str),
    /// 未通过: failed (a review or an application).
    Failed,
    /// 撤销 / 取消: revoked.
    Revoked(&'static str),
    /// 培育: a cultivation list of candidates.
    Cultivation,
}

impl NotHolders {
    /// "公示/拟推荐名单" and the like, for messages.
    pub fn label(self) -> String {
        match self {
            NotHolders::Proposed(w) => format!("{w}名单（公示/拟推荐）"),
            NotHolders::Failed => "未通过名单".to_string(),
            NotHolders::Revoked(w) => format!("{w}名单"),
            NotHolders::Cultivation => "培育名单".to_string(),
        }
    }
}

/// Whether a title (or file name) naming designation `ty` says its rows are not holders:
/// "2025年拟推荐省级专精特新中小企业公示名单", "……复核未通过名单", "……撤销名单",
/// "……培育名单" (unless the type itself is a cultivation list, 特色产业园区培育名单).
pub fn not_holders(title: &str, ty: &DesignationType) -> Option<NotHolders> {
    let t = normalize_name(title);
    if t.contains("未通过") || t.contains("不通过") {
        return Some(NotHolders::Failed);
    }
    for w in ["撤销", "取消", "注销"] {
        if t.contains(w) {
            return Some(NotHolders::Revoked(w));
        }
    }
    // "拟" only before the verb of a proposal: 虚拟现实 and 模拟 are not proposals.
    for w in [
        "拟推荐",
        "拟认定",
        "拟入选",
        "拟命名",
        "拟授予",
        "拟列入",
        "拟支持",
        "拟确定",
        "拟公布",
        "公示",
        "初审",
        "推荐",
    ] {
        if t.contains(w) {
            return Some(NotHolders::Proposed(w));
        }
    }
    if t.contains("培育") && !ty.name.contains("培育") {
        return Some(NotHolders::Cultivation);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_in_their_usual_spellings() {
        for s in [
            "2024年9月",
            "2024-09",
            "2024.9",
            "2024",
            "２０２４年",
            "2024/9/1",
        ] {
            assert_eq!(
                parse_year(&Cell::Text(s.into())).unwrap().map(|y| y.0),
                Some(2024),
                "{s}"
            );
        }
        assert_eq!(parse_year(&Cell::Int(2023)).unwrap(), Some((2023, None)));
        // 45536 is 2024-09-01 as an Excel serial date.
        assert_eq!(parse_year(&Cell::Date(45536.0)).unwrap().unwrap().0, 2024);
        assert_eq!(parse_year(&Cell::Float(45536.0)).unwrap().unwrap().0, 2024);
        assert_eq!(
            parse_year(&Cell::Text("2024年第一批".into())).unwrap(),
            Some((2024, Some("第一批".into())))
        );
        assert!(parse_year(&Cell::Text("去年".into())).is_err());
    }

    #[test]
    fn names_lose_stray_spaces_and_hostile_characters() {
        assert_eq!(clean_name(" 四川 达州\u{3000}钢铁 ").0, "四川达州钢铁");
        assert_eq!(clean_name("ABC Tech 达州").0, "ABC Tech达州");
        let (n, hostile) = clean_name("达钢\u{200b}集团\u{1b}[31m");
        assert_eq!((n.as_str(), hostile), ("达钢集团", true));
    }

    #[test]
    fn numbers_stored_as_numbers_read_as_typed() {
        assert_eq!(cell_text(&Cell::Float(2024.0)).unwrap(), "2024");
        assert_eq!(cell_text(&Cell::Date(45536.0)).unwrap(), "2024-09-01");
        assert!(is_imprecise_number(&Cell::Float(915117001234567890.0)));
    }

    #[test]
    fn totals_counts_and_placeholders_are_not_names() {
        for s in [
            "合计",
            "总 计",
            "共计2家",
            "小计：1家",
            "合计 7家",
            "7家",
            "共12户",
            "（此页无正文）",
            "以下空白",
        ] {
            assert!(summary_row(s), "{s}");
        }
        for s in [
            "十家村食品有限公司",
            "合计科技有限公司",
            "7天连锁酒店",
            "达州（集团）有限公司",
            "2024",
        ] {
            assert!(!summary_row(s), "{s}");
        }
    }

    #[test]
    fn titles_of_lists_whose_rows_do_not_hold_the_designation() {
        let ty = |t: &str| designation_in_title(t).unwrap().ty;
        for (t, want) in [
            ("2025年拟推荐省级专精特新中小企业公示名单", true),
            ("2025年省级专精特新中小企业复核未通过名单", true),
            ("2025年省级专精特新中小企业撤销名单", true),
            ("2025年专精特新中小企业培育名单", true),
            ("2024年第一批省级专精特新中小企业名单", false),
            ("2024年虚拟现实领域省级专精特新中小企业名单", false),
            ("2025年拟命名省级专精特新中小企业名单", true),
            ("2024年省级特色产业园区培育名单", false),
        ] {
            assert_eq!(not_holders(t, ty(t)).is_some(), want, "{t}");
        }
    }

    #[test]
    fn title_names_the_designation() {
        let d = designation_in_title("附件1：2024年第一批省级专精特新中小企业名单.xlsx").unwrap();
        assert_eq!(d.ty.name, "专精特新中小企业");
        assert_eq!(d.level, Some(Level::Provincial));
        assert_eq!(d.year, Some(2024));
        assert_eq!(d.batch.as_deref(), Some("第一批"));
        let d = designation_in_title("2023年度国家级专精特新“小巨人”企业公示名单").unwrap();
        assert_eq!(
            (d.ty.name, d.level),
            ("专精特新“小巨人”", Some(Level::National))
        );
        assert!(
            designation_in_title("达州市规上工业企业名录")
                .is_some_and(|d| d.ty.name == "规上工业企业")
        );
        assert!(designation_in_title("企业花名册").is_none());
        assert!(designation_in_title("达州高新区企业名录").is_none());
    }
}

//! The pure rules of target accounting, with no store access: which designation counts, how
//! progress is measured against the target, and how status follows from progress and the
//! period's elapsed share. Everything here is a function of its arguments, so the rules can be
//! read and tested on their own.

use serde::Serialize;

use crate::model::Level;
use crate::model::designation::{DesignationType, Status, derive_status};

/// Where a target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    /// The target is reached (for a ceiling: the period ended within it).
    Met,
    /// Progress keeps pace with the period's elapsed share.
    OnTrack,
    /// Progress lags the period's elapsed share.
    Behind,
    /// The period ended without reaching the target.
    Missed,
    /// The period has not begun.
    NotStarted,
    /// No figure to judge by (nothing computed or reported, or no numeric target).
    NoData,
}

impl TargetStatus {
    pub fn label(self) -> &'static str {
        match self {
            TargetStatus::Met => "已完成",
            TargetStatus::OnTrack => "进度正常",
            TargetStatus::Behind => "落后",
            TargetStatus::Missed => "未完成",
            TargetStatus::NotStarted => "未开始",
            TargetStatus::NoData => "无数据",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TargetStatus::Met => "met",
            TargetStatus::OnTrack => "on_track",
            TargetStatus::Behind => "behind",
            TargetStatus::Missed => "missed",
            TargetStatus::NotStarted => "not_started",
            TargetStatus::NoData => "no_data",
        }
    }
}

/// How the target figure is to be read (the plan's own notation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetForm {
    /// A plain figure.
    Plain,
    /// A figure accumulated over the period (the plan's 【】).
    Cumulative,
    /// An average yearly growth rate (the plan's []): never computed from records.
    AvgGrowth,
}

impl TargetForm {
    pub fn parse(s: &str) -> Option<TargetForm> {
        match s.trim() {
            "" | "plain" => Some(TargetForm::Plain),
            "cumulative" | "累计" => Some(TargetForm::Cumulative),
            "avg_growth" | "年均增长" => Some(TargetForm::AvgGrowth),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            TargetForm::Plain => "plain",
            TargetForm::Cumulative => "cumulative",
            TargetForm::AvgGrowth => "avg_growth",
        }
    }
}

/// Which way a target points, from its qualifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// 以上, or no qualifier: reaching the figure meets the target.
    AtLeast,
    /// 以下 / 以内 / 不超过: staying at or under the figure meets it.
    AtMost,
    /// 左右 / 约: within 5 % below the figure (or anything above) meets it.
    About,
}

/// Qualifiers users may type, as stored.
pub const QUALIFIERS: &[&str] = &["", "以上", "以下", "以内", "不超过", "左右", "约"];

impl Direction {
    pub fn from_qualifier(q: &str) -> Direction {
        match q.trim() {
            "以下" | "以内" | "不超过" | "不高于" | "低于" => Direction::AtMost,
            "左右" | "约" => Direction::About,
            _ => Direction::AtLeast,
        }
    }
}

/// Tolerance below the figure that still meets an "about" (左右) target.
pub const ABOUT_TOLERANCE: f64 = 0.05;

/// Whether a designation of `level` satisfies a minimum level: 省级 counts 省级 and 国家级
/// (“省级及以上”). Without a minimum every designation counts, with or without a level; with
/// one, a designation of unknown level does not count.
pub fn level_counts(level: Option<Level>, min_level: Option<Level>) -> bool {
    match (min_level, level) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(min), Some(l)) => l >= min,
    }
}

/// The year a stock is taken at: the period's end, or now while the period runs (or before
/// it starts: then the current stock).
pub fn evaluation_year(period_end: i32, now_year: i32) -> i32 {
    period_end.min(now_year)
}

/// Whether a designation granted in `year` is held at the end of `at_year`, given its type's
/// term, an explicit status from a document, and whether lapsed titles count. A title of
/// unknown year is taken as held (the store knows of it, not since when).
pub fn held_at(
    ty: Option<&DesignationType>,
    year: Option<i32>,
    explicit: Option<&str>,
    at_year: i32,
    count_lapsed: bool,
) -> (bool, Status) {
    if year.is_some_and(|y| y > at_year) {
        return (false, Status::Active);
    }
    let (status, _) = derive_status(ty, year, explicit, at_year);
    (status.counts_as_held(count_lapsed), status)
}

/// Whether a designation granted in `year` is *new* within the period: granted inside it, not
/// a 复核 of an older title, and (at `at_year`) neither revoked nor — unless lapsed titles
/// count — lapsed.
pub fn new_within(
    ty: Option<&DesignationType>,
    year: Option<i32>,
    explicit: Option<&str>,
    period_start: i32,
    period_end: i32,
    at_year: i32,
    count_lapsed: bool,
) -> (bool, Status) {
    let Some(y) = year else {
        return (false, Status::Unknown);
    };
    let (status, _) = derive_status(ty, year, explicit, at_year);
    if y < period_start || y > period_end || matches!(explicit, Some("已复核" | "复核")) {
        return (false, status);
    }
    (status.counts_as_held(count_lapsed), status)
}

/// Share of the period elapsed in `now_year`, taking the current year as half gone:
/// 0 before the period, 1 after it. A one-year period in its own year is half gone.
pub fn elapsed_share(period_start: i32, period_end: i32, now_year: i32) -> f64 {
    if now_year < period_start {
        return 0.0;
    }
    if now_year > period_end {
        return 1.0;
    }
    let span = (period_end - period_start + 1) as f64;
    ((now_year - period_start) as f64 + 0.5) / span
}

/// Progress toward the target as a share (1.0 = reached; may exceed 1).
///
/// - A ceiling (以下) reports the share of the ceiling used.
/// - A level reached from a baseline (a stock, or a recorded figure such as 工业增加值
///   479.9 → 1000) measures the way from baseline to target (116 → 150 with 133 held is 0.5),
///   never below 0. A count of new titles starts from nothing and ignores the baseline.
/// - Otherwise the value over the target.
///
/// `None` without a value or a positive numeric target.
pub fn progress(
    value: Option<f64>,
    target: Option<f64>,
    baseline: Option<f64>,
    from_baseline: bool,
    direction: Direction,
) -> Option<f64> {
    let v = value?;
    let t = target?;
    if !t.is_finite() || !v.is_finite() {
        return None;
    }
    if direction == Direction::AtMost {
        return (t > 0.0).then(|| v / t);
    }
    if from_baseline && let Some(b) = baseline.filter(|b| *b < t && *b >= 0.0) {
        return Some(((v - b) / (t - b)).max(0.0));
    }
    (t > 0.0).then(|| (v / t).max(0.0))
}

/// Whether the value meets the target outright.
pub fn meets(progress: f64, direction: Direction) -> bool {
    match direction {
        Direction::AtLeast => progress >= 1.0 - 1e-9,
        Direction::About => progress >= 1.0 - ABOUT_TOLERANCE - 1e-9,
        Direction::AtMost => progress <= 1.0 + 1e-9,
    }
}

/// Status from progress and the calendar.
///
/// - Before the period: 未开始, except that a level to hold by the period's end (a stock, a
///   recorded figure; not `new_only`, which counts only what the period adds) already reached
///   is 已完成. Without progress: 无数据.
/// - A rate (`paced = false`, e.g. a growth rate) is judged against the target directly:
///   meeting it is 已完成 once the period ended and 进度正常 while it runs; not meeting it is
///   未完成 / 落后.
/// - A ceiling is 进度正常 while under it and 已完成 when the period ended under it;
///   over it, 落后 / 未完成.
/// - Otherwise reaching the target is 已完成 at any time; after the period, short of it is
///   未完成; while it runs, progress at or above the elapsed share is 进度正常, below it 落后.
pub fn status(
    progress: Option<f64>,
    direction: Direction,
    paced: bool,
    new_only: bool,
    period_start: i32,
    period_end: i32,
    now_year: i32,
) -> TargetStatus {
    if now_year < period_start {
        let reached = !new_only && progress.is_some_and(|p| meets(p, direction));
        return if reached && direction != Direction::AtMost {
            TargetStatus::Met
        } else {
            TargetStatus::NotStarted
        };
    }
    let Some(p) = progress else {
        return TargetStatus::NoData;
    };
    let ended = now_year > period_end;
    let met = meets(p, direction);
    if direction == Direction::AtMost || !paced {
        return match (met, ended) {
            (true, true) => TargetStatus::Met,
            (true, false) => TargetStatus::OnTrack,
            (false, true) => TargetStatus::Missed,
            (false, false) => TargetStatus::Behind,
        };
    }
    if met {
        TargetStatus::Met
    } else if ended {
        TargetStatus::Missed
    } else if p + 1e-9 >= elapsed_share(period_start, period_end, now_year) {
        TargetStatus::OnTrack
    } else {
        TargetStatus::Behind
    }
}

/// "2026" or "2021–2025".
pub fn period_label(start: i32, end: i32) -> String {
    if start == end {
        start.to_string()
    } else {
        format!("{start}–{end}")
    }
}

/// A period as lists show it: [`period_label`], with a "*" when the year comes from the
/// article's context rather than the target's own words.
pub fn period_shown(start: i32, end: i32, inferred: bool) -> String {
    let label = period_label(start, end);
    if inferred { format!("{label}*") } else { label }
}

/// Parse a period as typed: "2026", "2021-2025", "2021–2025", "2021—2025", "2021~2025",
/// "2021至2025", with or without 年.
pub fn parse_period(s: &str) -> Option<(i32, i32)> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| *c != '年' && !c.is_whitespace())
        .collect();
    let year = |p: &str| -> Option<i32> {
        let y: i32 = p.parse().ok()?;
        (1949..=2100).contains(&y).then_some(y)
    };
    for sep in ['-', '–', '—', '~', '～', '至', '到'] {
        if let Some((a, b)) = t.split_once(sep) {
            let (a, b) = (year(a)?, year(b)?);
            return (a <= b).then_some((a, b));
        }
    }
    year(&t).map(|y| (y, y))
}

/// A figure as people type it: "25", "25户", "7.5%", "１２" (full-width digits), "1,200".
pub fn parse_value(s: &str) -> Result<f64, String> {
    let t: String = s
        .trim()
        .chars()
        .map(crate::model::text::fold_width)
        .filter(|c| *c != ',')
        .collect();
    let end = t
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '-' || *c == '+'))))
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    t[..end]
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| {
            format!(
                "“{}”不是数字（可写 25、25户、7.5%）",
                crate::model::text::sanitize(s)
            )
        })
}

/// Titles one step below a type on the ladder enterprises climb (创新型 → 专精特新 → 小巨人 →
/// 单项冠军; 数字化车间 → 智能工厂): their holders are candidates for a target of that type.
pub fn feeder_types(target_type: &str) -> &'static [&'static str] {
    match target_type {
        "专精特新中小企业" => &["创新型中小企业"],
        "专精特新“小巨人”" => &["专精特新中小企业"],
        "制造业单项冠军" => &["专精特新“小巨人”"],
        "智能工厂" => &["数字化车间"],
        "未来工厂" => &["智能工厂"],
        _ => &[],
    }
}

/// Closest names for "did you mean" hints (see [`crate::search::closest`]).
pub fn closest(wanted: &str, candidates: &[String], limit: usize) -> Vec<String> {
    crate::search::closest(wanted, candidates.iter().map(String::as_str), limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provincial_minimum_counts_national_too() {
        assert!(level_counts(Some(Level::National), Some(Level::Provincial)));
        assert!(level_counts(
            Some(Level::Provincial),
            Some(Level::Provincial)
        ));
        assert!(!level_counts(Some(Level::City), Some(Level::Provincial)));
        assert!(!level_counts(None, Some(Level::Provincial)));
        assert!(level_counts(None, None));
    }

    #[test]
    fn elapsed_share_takes_the_current_year_as_half_gone() {
        assert_eq!(elapsed_share(2026, 2026, 2026), 0.5);
        assert_eq!(elapsed_share(2021, 2025, 2023), 0.5);
        assert_eq!(elapsed_share(2021, 2025, 2020), 0.0);
        assert_eq!(elapsed_share(2021, 2025, 2026), 1.0);
    }

    #[test]
    fn stock_progress_runs_from_baseline() {
        let p = progress(
            Some(133.0),
            Some(150.0),
            Some(116.0),
            true,
            Direction::AtLeast,
        );
        assert_eq!(p, Some(0.5));
        let p = progress(
            Some(3.0),
            Some(150.0),
            Some(116.0),
            true,
            Direction::AtLeast,
        );
        assert_eq!(p, Some(0.0));
        let p = progress(Some(10.0), Some(25.0), None, false, Direction::AtLeast);
        assert_eq!(p, Some(0.4));
        assert_eq!(
            progress(None, Some(25.0), None, false, Direction::AtLeast),
            None
        );
        assert_eq!(
            progress(Some(1.0), None, None, false, Direction::AtLeast),
            None
        );
    }

    #[test]
    fn a_level_already_held_is_met_before_its_period_and_new_ones_wait() {
        let d = Direction::AtLeast;
        // 到2027年累计建成 3个, with 159 held in 2026.
        assert_eq!(
            status(Some(53.0), d, true, false, 2027, 2027, 2026),
            TargetStatus::Met
        );
        // Not reached yet: nothing to judge the pace by before the period.
        assert_eq!(
            status(Some(0.0), d, true, false, 2027, 2027, 2026),
            TargetStatus::NotStarted
        );
        // 2027年新增: nothing counts before 2027.
        assert_eq!(
            status(Some(0.0), d, true, true, 2027, 2027, 2026),
            TargetStatus::NotStarted
        );
    }

    #[test]
    fn ceiling_inverts_met() {
        let d = Direction::from_qualifier("以下");
        assert_eq!(
            status(Some(0.8), d, true, false, 2021, 2025, 2026),
            TargetStatus::Met
        );
        assert_eq!(
            status(Some(0.8), d, true, false, 2021, 2025, 2023),
            TargetStatus::OnTrack
        );
        assert_eq!(
            status(Some(1.2), d, true, false, 2021, 2025, 2023),
            TargetStatus::Behind
        );
        assert_eq!(
            status(Some(1.2), d, true, false, 2021, 2025, 2026),
            TargetStatus::Missed
        );
    }

    #[test]
    fn periods_parse_in_the_ways_people_type_them() {
        assert_eq!(parse_period("2026"), Some((2026, 2026)));
        assert_eq!(parse_period("2021-2025"), Some((2021, 2025)));
        assert_eq!(parse_period("2021—2025年"), Some((2021, 2025)));
        assert_eq!(parse_period("2025-2021"), None);
        assert_eq!(parse_period("明年"), None);
    }
}

//! `yuanqi targets`: every plan target with its computed and reported figures, progress and gap
//! (an aligned table or JSON); `targets add|report|rm` for users' own targets and figures.

use anyhow::Context;

use super::Cli;
use crate::model::text::{display_width, fit_width, sanitize};
use crate::model::{Level, TargetKind};
use crate::targets::{self, NewTarget, TargetForm, TargetProgress, fmt_num, rules};

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,
    /// 只列出该地区或园区（含其下属县区、园区）的目标，如 达州市、宣汉县、达州高新区
    #[arg(long, value_name = "地区或园区")]
    pub scope: Option<String>,
    /// 只列出期间包含该年份的目标
    #[arg(long, value_name = "YEAR", value_parser = super::values::year)]
    pub year: Option<i32>,
    /// 按该年份评估进度（默认今年）
    #[arg(long, value_name = "YEAR", value_parser = super::values::year)]
    pub now: Option<i32>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Also spelled `text`, as the other commands name their plain output.
    #[value(alias = "text")]
    Table,
    Json,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// 新增一个目标（如县里自己的年度任务）
    Add(Box<AddArgs>),
    /// 为目标填报完成数
    Report(ReportArgs),
    /// 删除目标及其填报
    Rm(RmArgs),
    /// 一个目标的详情：各县区分布、计入的企业、接近计入的企业、填报记录
    Show(ShowArgs),
    /// 文件报告的、不对应任何目标的成果数字
    Figures(FiguresArgs),
    /// 从表格（xlsx/xls/ods/csv）导入目标：表头如 名称、范围、年度、认定类型、级别、目标值、单位；代码已存在的行更新该目标
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// 表格文件
    #[arg(value_parser = super::values::path)]
    pub file: std::path::PathBuf,
    /// 工作表名称（默认第一个）
    #[arg(long)]
    pub sheet: Option<String>,
    /// CSV 的编码：utf-8、gbk 或 gb18030（默认自动识别）
    #[arg(long, value_name = "ENC", value_parser = super::values::encoding_name)]
    pub encoding: Option<String>,
    /// 只检查、显示将要做的事，不写入
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// 目标代码（见 `yuanqi targets` 第一列）
    #[arg(value_parser = super::values::code)]
    pub code: String,
    /// 按该年份评估（默认今年）
    #[arg(long, value_name = "YEAR", value_parser = super::values::year)]
    pub now: Option<i32>,
}

#[derive(Debug, clap::Args)]
pub struct FiguresArgs {
    /// 只列出该地区或园区（含下级）的数字
    #[arg(long, value_name = "地区或园区")]
    pub scope: Option<String>,
    /// 输出格式
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// 目标名称，如 新增省级专精特新中小企业
    #[arg(long)]
    pub name: String,
    /// 范围：地区或园区名称，如 达州市、宣汉县、达州高新区
    #[arg(long)]
    pub scope: String,
    /// 期间：一年（2026）或起止（2021-2025）
    #[arg(long, value_parser = parse_period)]
    pub period: (i32, i32),
    /// 口径：new（期内新增）、stock（期末存量）、recorded（只录填报值）
    #[arg(long, default_value = "new", value_parser = parse_kind)]
    pub kind: TargetKind,
    /// 计入的认定类型，可用简称，多个用逗号或 | 分隔，如 专精特新中小企业
    #[arg(long, value_delimiter = ',')]
    pub types: Vec<String>,
    /// 最低级别（省级 即“省级及以上”，国家级也计入）
    #[arg(long, value_name = "国家级|省级|市级|县级", value_parser = super::values::level)]
    pub min_level: Option<Level>,
    /// 目标值（可带单位，如 25、25户、7.5%）
    #[arg(long, allow_negative_numbers = true, value_parser = parse_value)]
    pub target: Option<f64>,
    /// 以文字表述的目标（无数值时必填）
    #[arg(long)]
    pub target_text: Option<String>,
    /// 限定词：以上、以下、以内、不超过、左右、约（默认恰为）
    #[arg(long, default_value = "", value_parser = parse_qualifier)]
    pub qualifier: String,
    /// 单位，如 户、家、个、%
    #[arg(long, default_value = "")]
    pub unit: String,
    /// 基数（存量目标的起点）
    #[arg(long, allow_negative_numbers = true, value_parser = parse_value)]
    pub baseline: Option<f64>,
    /// 基数所在年份
    #[arg(long, value_parser = super::values::year)]
    pub baseline_year: Option<i32>,
    /// 过期未复核的认定也计入
    #[arg(long)]
    pub count_lapsed: bool,
    /// 目标形式：plain、cumulative（累计）、avg_growth（年均增长）
    #[arg(long, default_value = "plain", value_parser = parse_form)]
    pub form: TargetForm,
    /// 填报类目标衡量的指标，如 规上工业增加值增速
    #[arg(long)]
    pub metric: Option<String>,
    /// 目标代码（默认自动编号 U001、U002…）
    #[arg(long)]
    pub code: Option<String>,
    /// 备注
    #[arg(long, default_value = "")]
    pub notes: String,
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// 目标代码（见 `yuanqi targets` 第一列）
    #[arg(value_parser = super::values::code)]
    pub code: String,
    /// 完成数（可带单位，如 12、12户、7.8%）
    #[arg(allow_negative_numbers = true, value_parser = parse_value)]
    pub value: f64,
    /// 截至时间，如 2025、2026-06
    #[arg(long)]
    pub as_of: Option<String>,
    /// 说明（来源、口径）
    #[arg(long, default_value = "")]
    pub notes: String,
}

#[derive(Debug, clap::Args)]
pub struct RmArgs {
    /// 目标代码
    #[arg(value_parser = super::values::code)]
    pub code: String,
    /// 也删除文件中设定的目标（默认只删用户自己添加的）
    #[arg(long)]
    pub force: bool,
}

/// A figure as people type it (see [`rules::parse_value`]), for clap.
pub fn parse_value(s: &str) -> Result<f64, String> {
    rules::parse_value(s)
}

/// A period as people type it: one year (2026) or a span (2021-2025).
fn parse_period(s: &str) -> Result<(i32, i32), String> {
    rules::parse_period(s).ok_or_else(|| "请写一年（2026）或起止年（2021-2025）".into())
}

fn parse_kind(s: &str) -> Result<TargetKind, String> {
    TargetKind::parse(s).ok_or_else(|| "应为 new（新增）、stock（存量）或 recorded（填报）".into())
}

fn parse_form(s: &str) -> Result<TargetForm, String> {
    TargetForm::parse(s)
        .ok_or_else(|| "应为 plain、cumulative（累计）或 avg_growth（年均增长）".into())
}

fn parse_qualifier(s: &str) -> Result<String, String> {
    let q = sanitize(s);
    if rules::QUALIFIERS.contains(&q.as_str()) {
        Ok(q)
    } else {
        Err("可用：以上、以下、以内、不超过、左右、约（或不写，表示恰为）".into())
    }
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<()> {
    match &args.action {
        None => list(cli, args),
        Some(Action::Add(a)) => add(cli, a),
        Some(Action::Report(a)) => report(cli, a),
        Some(Action::Rm(a)) => rm(cli, a),
        Some(Action::Show(a)) => show(cli, a),
        Some(Action::Figures(a)) => figures(cli, a),
        Some(Action::Import(a)) => import(cli, a),
    }
}

fn list(cli: &Cli, args: &Args) -> anyhow::Result<()> {
    let store = cli.open_store()?;
    let now = args.now.unwrap_or_else(crate::model::current_year);
    let mut all = targets::evaluate_all(&store, now)?;
    if let Some(scope) = &args.scope {
        let within = targets::within_scope(&store, scope)?;
        all.retain(|t| within.contains(&t.id));
    }
    if let Some(y) = args.year {
        all.retain(|t| t.period_start <= y && y <= t.period_end);
    }
    match args.format {
        Format::Json => {
            let out: Vec<serde_json::Value> = all.iter().map(json_of).collect();
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        Format::Table => {
            if all.is_empty() {
                eprintln!("没有符合条件的目标。");
                return Ok(());
            }
            print!("{}", table(&all));
            println!(
                "计算＝按库中企业记录统计（库中只收录文件点名的企业，通常少于实际）；填报＝文件或用户报送的数。进度按填报数，无填报时按计算数；评估年份 {now}。"
            );
        }
    }
    Ok(())
}

/// One target as a JSON object: every field of [`TargetProgress`] plus `period`, `gap`,
/// `status_label` and `progress_basis`.
pub fn json_of(t: &TargetProgress) -> serde_json::Value {
    let mut v = serde_json::to_value(t).unwrap_or(serde_json::Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.insert("period".into(), t.period().into());
        o.insert("gap".into(), t.gap().into());
        o.insert("status_label".into(), t.status.label().into());
        o.insert("progress_basis".into(), t.basis().into());
    }
    v
}

/// The aligned, display-width-aware table.
pub fn table(all: &[TargetProgress]) -> String {
    table_to(all, terminal_width())
}

/// [`table`] for a terminal `width` columns wide (`None`: not a terminal).
fn table_to(all: &[TargetProgress], width: Option<usize>) -> String {
    let headers = [
        "代码",
        "目标",
        "范围",
        "期间",
        "口径",
        "基数",
        "目标值",
        "计算",
        "填报",
        "进度",
        "差距",
        "状态",
    ];
    let rows: Vec<[String; 12]> = all
        .iter()
        .map(|t| {
            let reported = t
                .reported
                .as_ref()
                .map(|r| match &r.as_of {
                    Some(a) => format!("{}（{}）", fmt_num(r.value), sanitize(a)),
                    None => fmt_num(r.value),
                })
                .unwrap_or_else(|| "—".into());
            [
                sanitize(&t.code),
                sanitize(&t.name),
                sanitize(&t.scope),
                t.period(),
                t.kind.label().to_string(),
                t.baseline.map(fmt_num).unwrap_or_else(|| "—".into()),
                sanitize(&t.target_label()),
                t.computed.map(fmt_num).unwrap_or_else(|| "—".into()),
                reported,
                t.progress
                    .map(|p| format!("{:.0}%", p * 100.0))
                    .unwrap_or_else(|| "—".into()),
                t.gap().map(fmt_num).unwrap_or_else(|| "—".into()),
                t.status.label().to_string(),
            ]
        })
        .collect();
    let rows: Vec<Vec<String>> = rows.into_iter().map(Vec::from).collect();
    // On a terminal long cells are cut to these widths; piped output keeps them whole.
    let caps = match width {
        Some(_) => [10, 36, 14, 10, 4, 8, 16, 6, 16, 6, 8, 8],
        None => [usize::MAX; 12],
    };
    // On a narrow terminal (80 columns over SSH) drop the least needed columns whole rather
    // than cutting every column down (基数, 口径, 差距, 填报, then 期间): the code (needed by
    // `targets show/report`), the name, the computed figure behind the progress and the
    // status stay.
    let drop_order = [5, 4, 10, 8, 3];
    let (shown, rows, caps) = narrow_columns(&headers, rows, &caps, &drop_order, width);
    let mut out = aligned_to(&shown, &rows, &caps, 1, width);
    let hidden: Vec<&str> = headers
        .iter()
        .filter(|h| !shown.contains(h))
        .copied()
        .collect();
    if !hidden.is_empty() {
        out.push_str(&format!(
            "终端较窄，未显示：{}（--format json 可看全部）\n",
            hidden.join("、")
        ));
    }
    out
}

/// Remove columns in `drop_order` until the table fits `max` columns (if given).
fn narrow_columns<'a>(
    headers: &[&'a str],
    mut rows: Vec<Vec<String>>,
    caps: &[usize],
    drop_order: &[usize],
    max: Option<usize>,
) -> (Vec<&'a str>, Vec<Vec<String>>, Vec<usize>) {
    let mut keep: Vec<bool> = vec![true; headers.len()];
    let width_of = |keep: &[bool], rows: &[Vec<String>]| -> usize {
        (0..headers.len())
            .filter(|&i| keep[i])
            .map(|i| {
                rows.iter()
                    .map(|r| display_width(&r[i]))
                    .chain([display_width(headers[i])])
                    .max()
                    .unwrap_or(0)
                    .min(caps[i].max(display_width(headers[i])))
                    + 2
            })
            .sum()
    };
    if let Some(max) = max {
        for &i in drop_order {
            if width_of(&keep, &rows) <= max {
                break;
            }
            keep[i] = false;
        }
    }
    let pick = |v: &[usize]| {
        v.iter()
            .enumerate()
            .filter(|(i, _)| keep[*i])
            .map(|(_, x)| *x)
            .collect::<Vec<_>>()
    };
    let hs = headers
        .iter()
        .enumerate()
        .filter(|(i, _)| keep[*i])
        .map(|(_, h)| *h)
        .collect();
    for r in &mut rows {
        let mut i = 0;
        r.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }
    (hs, rows, pick(caps))
}

/// Width of the terminal stdout goes to, when it is one.
pub(crate) fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    crossterm::terminal::size().ok().map(|(w, _)| w as usize)
}

/// Columns padded to display width (CJK counts two), each at most its cap; on a terminal
/// narrower than the table, the widest columns give way first, the `main` one (the name) last.
pub fn aligned(headers: &[&str], rows: &[Vec<String>], caps: &[usize], main: usize) -> String {
    aligned_to(headers, rows, caps, main, terminal_width())
}

/// [`aligned`] for a terminal `max` columns wide (`None`: not a terminal).
fn aligned_to(
    headers: &[&str],
    rows: &[Vec<String>],
    caps: &[usize],
    main: usize,
    max: Option<usize>,
) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(widths.len()) {
            let cap = caps.get(i).copied().unwrap_or(usize::MAX);
            widths[i] = widths[i]
                .max(display_width(c))
                .min(cap.max(display_width(headers[i])));
        }
    }
    if let Some(max) = max {
        let total = |w: &[usize]| w.iter().sum::<usize>() + 2 * w.len().saturating_sub(1);
        // The first column (a code or key the user types back) never gives way. The others
        // narrow to 10 before the main column (the name) goes below 20; then all to 6.
        let stages = [(false, 10), (true, 20), (false, 6), (true, 6)];
        for (is_main, floor) in stages {
            while total(&widths) > max {
                let Some((i, _)) = widths
                    .iter()
                    .enumerate()
                    .skip(1)
                    .filter(|(i, w)| (*i == main) == is_main && **w > floor)
                    .max_by_key(|(_, w)| **w)
                else {
                    break;
                };
                widths[i] -= 1;
            }
        }
    }
    let line = |cells: &[String]| -> String {
        let mut s = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| fit_width(c, *w))
            .collect::<Vec<_>>()
            .join("  ");
        let trimmed = s.trim_end().len();
        s.truncate(trimmed);
        s.push('\n');
        s
    };
    let mut out = line(&headers.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    out.push_str(&line(
        &widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>(),
    ));
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

fn add(cli: &Cli, a: &AddArgs) -> anyhow::Result<()> {
    let mut store = cli.open_store()?;
    let (start, end) = a.period;
    let types = a
        .types
        .iter()
        .flat_map(|t| crate::model::text::split_multi(t))
        .collect();
    let t = NewTarget {
        code: a.code.clone(),
        name: a.name.clone(),
        scope: a.scope.clone(),
        period_start: start,
        period_end: end,
        kind: a.kind,
        types,
        min_level: a.min_level,
        count_lapsed: a.count_lapsed,
        metric: a.metric.clone(),
        baseline: a.baseline,
        baseline_year: a.baseline_year,
        target: a.target,
        target_form: a.form,
        qualifier: a.qualifier.clone(),
        target_text: a.target_text.clone(),
        unit: a.unit.clone(),
        notes: a.notes.clone(),
    };
    let id = match targets::create(&mut store, t) {
        // What the flags say does not make a target (no types, no target value): a usage
        // mistake, unlike an unknown scope or a taken code, which depend on the data.
        Err(targets::TargetError::Invalid(msg)) => return super::usage_error(msg),
        r => r?,
    };
    let p = targets::evaluate(&store, id, crate::model::current_year())?;
    println!(
        "已添加目标 {}：{}（{} {}，{}）",
        sanitize(&p.code),
        sanitize(&p.name),
        sanitize(&p.scope),
        p.period(),
        sanitize(&p.target_label())
    );
    if let Some(c) = p.computed {
        println!("  按库中记录计算：{}", fmt_num(c));
    }
    Ok(())
}

fn report(cli: &Cli, a: &ReportArgs) -> anyhow::Result<()> {
    let mut store = cli.open_store()?;
    let id = targets::find(&store, &a.code)?;
    targets::add_report(&mut store, id, a.value, a.as_of.as_deref(), &a.notes)?;
    let p = targets::evaluate(&store, id, crate::model::current_year())?;
    let as_of = a
        .as_of
        .as_deref()
        .map(|s| format!("（截至 {}）", sanitize(s)))
        .unwrap_or_default();
    println!(
        "已为 {} {} 填报 {}{as_of}；进度 {}，{}",
        sanitize(&p.code),
        sanitize(&p.name),
        fmt_num(a.value),
        p.progress
            .map(|x| format!("{:.0}%", x * 100.0))
            .unwrap_or_else(|| "—".into()),
        p.status.label()
    );
    Ok(())
}

fn rm(cli: &Cli, a: &RmArgs) -> anyhow::Result<()> {
    let mut store = cli.open_store()?;
    let id = targets::find(&store, &a.code)?;
    let p = targets::evaluate(&store, id, crate::model::current_year())?;
    if targets::is_from_document(&store, id)? && !a.force {
        anyhow::bail!(
            "目标 {} 来自文件（{}），默认不删除；确需删除请加 --force。",
            sanitize(&p.code),
            sanitize(&p.source)
        );
    }
    let n = targets::delete(&mut store, id)?;
    let with = if n > 0 {
        format!("（连同 {n} 条填报）")
    } else {
        String::new()
    };
    println!(
        "已删除目标 {} {}{with}",
        sanitize(&p.code),
        sanitize(&p.name)
    );
    Ok(())
}

fn pct(p: Option<f64>) -> String {
    p.map(|x| format!("{:.0}%", x * 100.0))
        .unwrap_or_else(|| "—".into())
}

fn show(cli: &Cli, a: &ShowArgs) -> anyhow::Result<()> {
    use std::fmt::Write;
    let store = cli.open_store()?;
    let now = a.now.unwrap_or_else(crate::model::current_year);
    let id = targets::find(&store, &a.code)?;
    let p = targets::evaluate(&store, id, now)?;
    let def = targets::editable(&store, id)?;
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", sanitize(&p.code), sanitize(&p.name));
    let kind = match p.kind {
        TargetKind::Stock => "存量（期末持有数）",
        TargetKind::New => "新增（期内获得数）",
        TargetKind::Recorded => "填报（只按报送数）",
    };
    let _ = writeln!(
        out,
        "  范围：{}　期间：{}　口径：{kind}",
        sanitize(&p.scope),
        p.period()
    );
    if let Some(n) = &p.period_note {
        let _ = writeln!(out, "  *年份：{}", sanitize(n));
    }
    if !p.types.is_empty() {
        let lapsed = if def.count_lapsed {
            "过期未复核的也计入"
        } else {
            "过期未复核的不计入"
        };
        let _ = writeln!(out, "  计入：{}（{lapsed}）", p.counts_label());
    }
    if let Some(m) = &def.metric {
        let _ = writeln!(out, "  指标：{}", sanitize(m));
    }
    let baseline = match (p.baseline, def.baseline_year) {
        (Some(b), Some(y)) => format!("{}（{y}年）", fmt_num(b)),
        (Some(b), None) => fmt_num(b),
        _ => "—".into(),
    };
    let _ = writeln!(
        out,
        "  基数：{baseline}　目标：{}",
        sanitize(&p.target_label())
    );
    let reported = p
        .reported
        .as_ref()
        .map(|r| match &r.as_of {
            Some(a) => format!("{}（截至 {}）", fmt_num(r.value), sanitize(a)),
            None => fmt_num(r.value),
        })
        .unwrap_or_else(|| "—".into());
    let computed = p
        .computed
        .map(|c| format!("{}（按库中记录）", fmt_num(c)))
        .unwrap_or_else(|| "—（无法由记录计算）".into());
    let _ = writeln!(out, "  计算：{computed}　填报：{reported}");
    let _ = writeln!(
        out,
        "  进度：{}{}　差距：{}　状态：{}（评估年份 {now}）",
        pct(p.progress),
        match (p.basis().is_empty(), p.baseline) {
            (true, _) => String::new(),
            // Progress is the share of the way from the baseline to the target.
            (false, Some(b)) => format!("（按{}数，自基数 {} 起算）", p.basis(), fmt_num(b)),
            (false, None) => format!("（按{}数）", p.basis()),
        },
        p.gap().map(fmt_num).unwrap_or_else(|| "—".into()),
        p.status.label()
    );
    if let Some(note) = targets::below_baseline_note(p.baseline, p.computed, p.reported.is_some()) {
        let _ = writeln!(out, "  {note}");
    }
    let _ = writeln!(out, "  来源：{}", sanitize(&p.source));
    if !def.notes.is_empty() {
        let _ = writeln!(out, "  备注：{}", sanitize(&def.notes));
    }
    let breakdown = targets::breakdown_by_region(&store, id, now)?;
    if !breakdown.is_empty() {
        let parts: Vec<String> = breakdown
            .iter()
            .map(|(n, c)| format!("{} {}", sanitize(n), fmt_num(*c)))
            .collect();
        let _ = writeln!(out, "  分布：{}", parts.join("、"));
    }
    if p.computed.is_some() {
        let counting = targets::counting(&store, id, now)?;
        if counting.is_empty() {
            let _ = writeln!(out, "  计入（0）：库中没有符合口径的记录");
        } else {
            let _ = writeln!(out, "  计入（{}）：", counting.len());
        }
        for c in &counting {
            let _ = writeln!(out, "    {} — {}", sanitize(&c.name), sanitize(&c.reason));
        }
        let close = targets::close_candidates(&store, id, now)?;
        if !close.is_empty() {
            let _ = writeln!(out, "  接近计入或需关注（{}）：", close.len());
            for c in &close {
                let _ = writeln!(out, "    {} — {}", sanitize(&c.name), sanitize(&c.reason));
            }
        }
    }
    let reports = targets::reports(&store, id)?;
    if !reports.is_empty() {
        let _ = writeln!(out, "  填报记录：");
        for (_, r, notes) in &reports {
            let as_of = r
                .as_of
                .as_deref()
                .map(sanitize)
                .unwrap_or_else(|| "时间不详".into());
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!("　{}", sanitize(notes))
            };
            let _ = writeln!(
                out,
                "    {}（{as_of}）— {}{notes}",
                fmt_num(r.value),
                sanitize(&r.source)
            );
        }
    }
    print!("{out}");
    Ok(())
}

fn figures(cli: &Cli, a: &FiguresArgs) -> anyhow::Result<()> {
    let store = cli.open_store()?;
    let all = targets::figures(&store, a.scope.as_deref())?;
    match a.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&all)?),
        Format::Table => {
            if all.is_empty() {
                eprintln!("没有符合条件的成果数字。");
                return Ok(());
            }
            let rows: Vec<Vec<String>> = all
                .iter()
                .map(|f| {
                    vec![
                        sanitize(&f.scope),
                        sanitize(&f.period),
                        sanitize(&f.metric),
                        format!("{}{}", fmt_num(f.value), sanitize(&f.unit)),
                        sanitize(&f.source),
                    ]
                })
                .collect();
            print!(
                "{}",
                aligned(
                    &["范围", "时间", "指标", "数值", "来源"],
                    &rows,
                    &[14, 12, 36, 14, 40],
                    2
                )
            );
        }
    }
    Ok(())
}

fn import(cli: &Cli, a: &ImportArgs) -> anyhow::Result<()> {
    use crate::ingest::read::{Cell, Workbook};
    use std::ops::ControlFlow;
    let encoding = match &a.encoding {
        Some(e) => Some(crate::ingest::encoding::Encoding::parse(e)?),
        None => None,
    };
    let mut wb = Workbook::open(&a.file, encoding)?;
    let sheets = wb.sheet_names();
    let sheet = match &a.sheet {
        Some(s) => {
            if !sheets.contains(s) {
                anyhow::bail!(
                    "没有名为“{}”的工作表；可选：{}",
                    sanitize(s),
                    sheets
                        .iter()
                        .map(|s| sanitize(s))
                        .collect::<Vec<_>>()
                        .join("、")
                );
            }
            s.clone()
        }
        None => sheets.first().cloned().context("文件中没有工作表")?,
    };
    let text = |c: &Cell| -> Result<String, String> {
        match c {
            Cell::Empty => Ok(String::new()),
            Cell::Text(t) => Ok(sanitize(t)),
            Cell::Int(i) => Ok(i.to_string()),
            Cell::Float(f) => Ok(fmt_num(*f)),
            Cell::Bool(b) => Ok(if *b { "1" } else { "0" }.to_string()),
            Cell::Date(_) => Err("是日期格式，请改为文本或数字（如 2026）".to_string()),
            Cell::Error(e) => Err(format!("是错误值 {}", sanitize(e))),
            Cell::FormulaNoValue(_) => {
                Err("是未计算的公式，请在表格软件中打开并保存后再导入".to_string())
            }
        }
    };
    let mut sheet_rows = Vec::new();
    wb.rows(&sheet, &mut |row| {
        if !row.is_blank() {
            sheet_rows.push(row);
        }
        ControlFlow::Continue(())
    })?;
    // The header may sit below title rows ("县区年度任务"), found as `import` finds its own;
    // without a recognisable one the first row is taken, so the error names what is missing.
    let at = crate::ingest::header::header_index(&sheet_rows, |h| {
        targets::import::column_for(h).is_some()
    })
    .unwrap_or(0);
    let mut headers: Option<Vec<String>> = None;
    let mut rows: Vec<(u32, Vec<String>)> = Vec::new();
    let mut cell_errors: Vec<String> = Vec::new();
    for row in sheet_rows.iter().skip(at) {
        let mut values = Vec::with_capacity(row.cells.len());
        for (i, c) in row.cells.iter().enumerate() {
            match text(c) {
                Ok(t) => values.push(t),
                Err(m) => {
                    cell_errors.push(format!("第 {} 行第 {} 列{m}", row.number, i + 1));
                    values.push(String::new());
                }
            }
        }
        if headers.is_none() {
            headers = Some(values);
        } else {
            rows.push((row.number, values));
        }
    }
    if !cell_errors.is_empty() {
        anyhow::bail!("{}；未写入任何目标。", cell_errors.join("；"));
    }
    let headers = headers.context("表格是空的：没有表头")?;
    let mut store = cli.open_store()?;
    let out = targets::import::import_rows(&mut store, &headers, &rows, a.dry_run)?;
    if !out.unknown_headers.is_empty() {
        eprintln!("未识别的列（已忽略）：{}", out.unknown_headers.join("、"));
    }
    if !out.errors.is_empty() {
        let msgs: Vec<String> = out
            .errors
            .iter()
            .map(|e| {
                if e.row == 0 {
                    e.message.clone()
                } else {
                    format!("第 {} 行：{}", e.row, e.message)
                }
            })
            .collect();
        anyhow::bail!(
            "{} 行有问题，未写入任何目标：\n  {}",
            out.errors.len(),
            msgs.join("\n  ")
        );
    }
    if a.dry_run {
        println!(
            "检查通过：{} 个目标可以导入（--dry-run，未写入）。",
            out.rows
        );
    } else {
        println!(
            "已导入 {} 个目标：新增 {}，更新 {}。",
            out.rows,
            out.saved.created.len(),
            out.saved.updated.len()
        );
        if !out.saved.created.is_empty() {
            println!("  新增：{}", out.saved.created.join("、"));
        }
        if !out.saved.updated.is_empty() {
            println!("  更新：{}", out.saved.updated.join("、"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_left_out_on_a_narrow_terminal_are_named() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let all = targets::evaluate_all(&store, 2026).unwrap();
        let narrow = table_to(&all, Some(80));
        let last = narrow.lines().last().unwrap();
        assert!(
            last.starts_with("终端较窄，未显示：") && last.contains("基数"),
            "{last}"
        );
        for line in narrow.lines() {
            assert!(display_width(line) <= 80, "{line}");
        }
        let piped = table_to(&all, None);
        assert!(!piped.contains("终端较窄"));
        assert!(piped.lines().next().unwrap().contains("基数"));
    }

    #[test]
    fn on_a_narrow_terminal_the_name_gives_way_last() {
        let row = |code: &str, name: &str, scope: &str, target: &str| {
            vec![code.into(), name.into(), scope.into(), target.into()]
        };
        let rows = vec![
            row(
                "D004-T98",
                "大竹数字经济产业园年交易额",
                "大竹县数字经济产业园",
                "20亿元以上",
            ),
            row("D004-T79", "其他县（市、区）试点打造数", "大竹县", "1个"),
        ];
        let out = aligned_to(
            &["代码", "目标", "范围", "目标值"],
            &rows,
            &[10, 36, 14, 16],
            1,
            Some(60),
        );
        for line in out.lines() {
            assert!(display_width(line) <= 60, "{line}");
        }
        // The name keeps at least 20 columns: 10 characters; the scope gives way first.
        assert!(out.contains("大竹数字经济产业园"), "{out}");
        assert!(out.contains("其他县（市、区）试"), "{out}");
    }
}

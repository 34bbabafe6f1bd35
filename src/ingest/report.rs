//! What an import tells its user: every problem with its row, column, value and reason; the
//! warnings; with `--dry-run` each change field by field; and a summary table. The same report
//! is available as JSON for scripts.

use serde_json::json;

use super::plan::{Counts, FieldChange, Outcome, Plan, Problem};
use super::{ImportOptions, Kind};
use crate::model::text::{display_width, fit_width, sanitize, wrap_text};

/// Most problems or changes listed in the text report; JSON always has them all.
pub const TEXT_LIMIT: usize = 200;

/// A changed or new row, for `--dry-run`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RowChange {
    pub row: u32,
    pub name: String,
    /// The record the row was matched to, when named differently in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    pub new: bool,
    pub changes: Vec<FieldChange>,
}

/// The outcome of an import, written or not.
#[derive(Debug, Clone)]
pub struct Report {
    pub file: String,
    /// The worksheet read; a CSV file has none (its text encoding is in `encoding`).
    pub sheet: Option<String>,
    /// The text encoding a CSV file was read in.
    pub encoding: Option<&'static str>,
    /// The file is not UTF-8 and its encoding was recognised, not given with `--encoding`.
    pub encoding_guessed: bool,
    pub kind: Kind,
    pub header_row: u32,
    /// "省级 专精特新中小企业 2024 第一批（取自标题“…”）"
    pub list: Option<String>,
    pub counts: Counts,
    /// Records written (or to be written), by what they are: a row of a designation list can
    /// add a designation and also update its enterprise's county.
    pub records: Vec<Records>,
    pub problems: Vec<Problem>,
    pub warnings: Vec<Problem>,
    pub changes: Vec<RowChange>,
    /// Rows from outside the store's cities: (row, name, city).
    pub out_of_scope: Vec<(u32, String, String)>,
    pub passed_over: usize,
    /// Totals and placeholders in the name column that were passed over: (row, text).
    pub summary_rows: Vec<(u32, String)>,
    /// How the file was read, said once each (see [`super::plan::Parsed::notes`]).
    pub notes: Vec<String>,
    pub dry_run: bool,
    pub skip_invalid: bool,
    /// True when problems stopped the import: nothing was written.
    pub refused: bool,
    pub import_id: Option<i64>,
}

/// New and updated records of one kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Records {
    pub what: &'static str,
    pub new: usize,
    pub updated: usize,
}

impl Records {
    /// Count the writes of one kind: inserts (no `before`) and updates.
    pub(crate) fn of<'a, T: 'a>(
        what: &'static str,
        writes: impl Iterator<Item = (usize, Option<&'a T>, &'a T)>,
    ) -> Records {
        let (mut new, mut updated) = (0, 0);
        for (_, before, _) in writes {
            if before.is_some() {
                updated += 1;
            } else {
                new += 1;
            }
        }
        Records { what, new, updated }
    }
}

impl Report {
    /// The report of `plan`. The names and field changes of its new and changed rows are
    /// moved into the report rather than copied (a large import has one per row), so they are
    /// empty in `plan` afterwards; everything else in `plan` is left as it was.
    pub fn from_plan(plan: &mut Plan, opts: &ImportOptions, refused: bool) -> Report {
        let counts = plan.counts();
        let out_of_scope = plan
            .results
            .iter()
            .filter(|r| r.outcome == Outcome::OutOfScope)
            .map(|r| {
                (
                    r.row,
                    r.name.clone(),
                    r.changes
                        .first()
                        .map(|c| c.after.clone())
                        .unwrap_or_default(),
                )
            })
            .collect();
        let changes = plan
            .results
            .iter_mut()
            .filter(|r| matches!(r.outcome, Outcome::New | Outcome::Changed))
            .map(|r| RowChange {
                row: r.row,
                name: std::mem::take(&mut r.name),
                holder: r.holder.take(),
                new: r.outcome == Outcome::New,
                changes: std::mem::take(&mut r.changes),
            })
            .collect();
        let p = &plan.parsed;
        let list = p
            .list
            .as_ref()
            .map(|(d, from)| format!("{}（取自{from}）", d.describe()));
        let records = [
            Records::of("企业", plan.enterprise_writes()),
            Records::of("园区", plan.park_writes()),
            Records::of("认定", plan.designation_writes()),
        ]
        .into_iter()
        .filter(|r| r.new + r.updated > 0)
        .collect();
        Report {
            records,
            file: p.file_name.clone(),
            sheet: p.encoding.is_none().then(|| p.sheet.clone()),
            encoding: p.encoding.map(|(e, _)| e.label()),
            encoding_guessed: p
                .encoding
                .is_some_and(|(e, guessed)| guessed && e == super::encoding::Encoding::Gbk),
            kind: p.kind,
            header_row: p.header.row,
            list,
            counts,
            problems: plan.problems.clone(),
            warnings: plan.warnings.clone(),
            changes,
            out_of_scope,
            passed_over: p.passed_over,
            summary_rows: p.summary_rows.clone(),
            notes: p.notes.clone(),
            dry_run: opts.dry_run,
            skip_invalid: opts.skip_invalid,
            refused,
            import_id: plan.import_id,
        }
    }

    /// The one-line summary: "新增 2，变更 1，未变 10".
    pub fn summary_line(&self) -> String {
        let c = &self.counts;
        let mut s = format!("新增 {}，变更 {}，未变 {}", c.new, c.changed, c.unchanged);
        if c.out_of_scope > 0 {
            s.push_str(&format!("，不在本库地区 {}", c.out_of_scope));
        }
        if c.invalid > 0 {
            s.push_str(&format!("，有问题 {}", c.invalid));
        }
        s
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "file": self.file,
            "sheet": self.sheet,
            "encoding": self.encoding,
            "encoding_guessed": self.encoding_guessed,
            "kind": self.kind.as_str(),
            "header_row": self.header_row,
            "designation": self.list,
            "notes": self.notes,
            "written": self.import_id.is_some(),
            "import_id": self.import_id,
            "dry_run": self.dry_run,
            "refused": self.refused,
            "counts": self.counts,
            "records": self.records,
            "problems": self.problems,
            "warnings": self.warnings,
            "changes": self.changes,
            "out_of_scope": self.out_of_scope.iter().map(|(r, n, c)| json!({"row": r, "name": n, "city": c})).collect::<Vec<_>>(),
            "passed_over": self.passed_over,
            "summary_rows": self.summary_rows.iter().map(|(r, t)| json!({"row": r, "text": t})).collect::<Vec<_>>(),
        })
    }

    /// The text report, fitted to `width` columns; `ascii` for +-| borders.
    pub fn render_text(&self, width: usize) -> String {
        let width = width.clamp(40, 200);
        let mut out = String::new();
        let what = match (&self.sheet, self.encoding) {
            (Some(sheet), _) => format!("工作表“{sheet}”"),
            (None, Some(encoding)) if self.encoding_guessed => format!(
                "CSV，{encoding} 编码（不是 UTF-8，自动识别为 {encoding}；如有乱码请用 --encoding 指定）"
            ),
            (None, Some(encoding)) => format!("CSV，{encoding} 编码"),
            (None, None) => "CSV".to_string(),
        };
        out.push_str(&paragraph(
            &format!(
                "文件 {}，{what}，表头在第 {} 行，按{}导入",
                self.file,
                self.header_row,
                self.kind.label()
            ),
            width,
            2,
        ));
        if let Some(l) = &self.list {
            out.push_str(&paragraph(&format!("每行的认定：{l}"), width, 2));
        }
        for n in &self.notes {
            out.push_str(&paragraph(&format!("说明：{n}"), width, 2));
        }
        if !self.problems.is_empty() {
            // A row can have several problems; the summary below counts rows.
            let n = self.problems.len();
            let rows = self.counts.invalid;
            if rows > 0 && rows != n {
                out.push_str(&format!("\n问题（{n} 个，在 {rows} 行）：\n"));
            } else {
                out.push_str(&format!("\n问题（{n} 个）：\n"));
            }
            out.push_str(&problem_table(&self.problems, width));
        }
        if !self.warnings.is_empty() {
            out.push_str(&format!("\n提醒（{} 条）：\n", self.warnings.len()));
            out.push_str(&problem_table(&self.warnings, width));
        }
        if !self.out_of_scope.is_empty() {
            let mut cities: Vec<(String, usize)> = Vec::new();
            for (_, _, c) in &self.out_of_scope {
                match cities.iter_mut().find(|(n, _)| n == c) {
                    Some(e) => e.1 += 1,
                    None => cities.push((c.clone(), 1)),
                }
            }
            let list: Vec<String> = cities.iter().map(|(c, n)| format!("{c} {n} 行")).collect();
            out.push('\n');
            out.push_str(&paragraph(
                &format!("不属于本库地区、已跳过：{}", list.join("，")),
                width,
                2,
            ));
        }
        if !self.summary_rows.is_empty() {
            const SHOWN: usize = 10;
            let mut list: Vec<String> = self
                .summary_rows
                .iter()
                .take(SHOWN)
                .map(|(r, t)| format!("第{r}行“{t}”"))
                .collect();
            if self.summary_rows.len() > SHOWN {
                list.push(format!("等 {} 行", self.summary_rows.len()));
            }
            out.push('\n');
            out.push_str(&paragraph(
                &format!(
                    "合计、小计等汇总行不是企业，已跳过（计入空行/注释行）：{}",
                    list.join("、")
                ),
                width,
                2,
            ));
        }
        if self.dry_run && !self.changes.is_empty() {
            out.push_str(&format!(
                "\n将要写入的变化（{} 行）：\n",
                self.changes.len()
            ));
            for c in self.changes.iter().take(TEXT_LIMIT) {
                let matched = c
                    .holder
                    .as_ref()
                    .map(|h| format!(" → {h}"))
                    .unwrap_or_default();
                out.push_str(&crate::model::text::truncate_to_width(
                    &format!("  第{}行 {}{matched}", c.row, c.name),
                    width,
                ));
                out.push('\n');
                for f in &c.changes {
                    let line = if f.field.starts_with("新增") {
                        if f.after == c.name {
                            format!("      {}", f.field)
                        } else {
                            format!("      {} {}", f.field, f.after)
                        }
                    } else {
                        format!("      {}：“{}” → “{}”", f.field, f.before, f.after)
                    };
                    out.push_str(&crate::model::text::truncate_to_width(&line, width));
                    out.push('\n');
                }
            }
            if self.changes.len() > TEXT_LIMIT {
                out.push_str(&format!(
                    "  … 另有 {} 行（用 --format json 查看全部）\n",
                    self.changes.len() - TEXT_LIMIT
                ));
            }
        }
        out.push('\n');
        if self.refused || self.dry_run {
            out.push_str("核对结果（尚未写入）：\n");
        }
        let c = &self.counts;
        let mut rows = vec![("新增", c.new), ("变更", c.changed), ("未变", c.unchanged)];
        if c.out_of_scope > 0 {
            rows.push(("不在本库地区", c.out_of_scope));
        }
        rows.push(("有问题", c.invalid));
        if self.passed_over > 0 {
            rows.push(("空行/注释行", self.passed_over));
        }
        out.push_str(&summary_table(&rows));
        out.push_str(&format!("结果：{}\n", self.summary_line()));
        if !self.records.is_empty() && !self.refused {
            let parts: Vec<String> = self
                .records
                .iter()
                .map(|r| format!("{} 新增 {}、更新 {}", r.what, r.new, r.updated))
                .collect();
            out.push_str(&format!("按记录：{}\n", parts.join("；")));
        }
        if self.refused {
            out.push_str("未写入任何数据。\n");
        } else if self.dry_run {
            out.push_str("试运行（--dry-run）：未写入任何数据。\n");
        } else if let Some(id) = self.import_id {
            if self.skip_invalid && c.invalid > 0 {
                out.push_str(&format!("已跳过 {} 个有问题的行。\n", c.invalid));
            }
            out.push_str(&format!(
                "已记录为 导入#{id}；如需撤销：yuanqi imports undo {id}\n"
            ));
        } else {
            if self.skip_invalid && c.invalid > 0 {
                out.push_str(&format!("已跳过 {} 个有问题的行。\n", c.invalid));
            }
            out.push_str("没有需要写入的内容：库未改动，也没有记为一次导入。\n");
        }
        out
    }
}

/// Problems or warnings as a table fitted to `width` columns: row, column, value and the
/// reason wrapped under its own column; on a terminal too narrow for a readable reason column
/// (or for the values whole) each entry takes a line of its own with the reason below it.
fn problem_table(list: &[Problem], width: usize) -> String {
    let mut out = String::new();
    let shown = &list[..list.len().min(TEXT_LIMIT)];
    let row_label = |p: &Problem| {
        p.row
            .map(|r| format!("第{r}行"))
            .unwrap_or_else(|| "—".into())
    };
    let widest = |f: &dyn Fn(&Problem) -> String, min: usize, max: usize| {
        shown
            .iter()
            .map(|p| display_width(&f(p)))
            .max()
            .unwrap_or(0)
            .clamp(min, max)
    };
    let w_row = widest(&row_label, 2, 12);
    let w_head = widest(&|p| sanitize(&p.header), 2, 16);
    let w_val = widest(&|p| sanitize(&p.value), 2, 18);
    let fixed = |w_val: usize| 2 + w_row + 1 + w_head + 1 + w_val + 1;
    let w_reason = width.saturating_sub(fixed(w_val));
    if w_reason >= MIN_REASON {
        out.push_str(&format!(
            "  {} {} {} 原因\n",
            fit_width("行", w_row),
            fit_width("列", w_head),
            fit_width("值", w_val),
        ));
        for p in shown {
            let mut lines = wrap_text(&sanitize(&p.reason), w_reason);
            if lines.is_empty() {
                lines.push(String::new());
            }
            let first = format!(
                "  {} {} {} {}",
                fit_width(&row_label(p), w_row),
                fit_width(&sanitize(&p.header), w_head),
                fit_width(&sanitize(&p.value), w_val),
                lines[0]
            );
            out.push_str(first.trim_end());
            out.push('\n');
            for l in &lines[1..] {
                out.push_str(&format!("  {}{l}\n", " ".repeat(fixed(w_val) - 2)));
            }
        }
    } else {
        // Narrow: "第6行 列名：值", then the reason below it.
        for p in shown {
            let mut head = row_label(p);
            let header = sanitize(&p.header);
            let value = sanitize(&p.value);
            match (header.is_empty(), value.is_empty()) {
                (false, false) => head.push_str(&format!(" {header}：{value}")),
                (false, true) => head.push_str(&format!(" {header}")),
                (true, false) => head.push_str(&format!(" {value}")),
                (true, true) => {}
            }
            for l in wrap_text(&head, width.saturating_sub(2).max(10)) {
                out.push_str(&format!("  {l}\n"));
            }
            for l in wrap_text(&sanitize(&p.reason), width.saturating_sub(6).max(10)) {
                out.push_str(&format!("      {l}\n"));
            }
        }
    }
    if list.len() > TEXT_LIMIT {
        out.push_str(&format!(
            "  … 另有 {} 条（用 --format json 查看全部）\n",
            list.len() - TEXT_LIMIT
        ));
    }
    out
}

/// Narrowest reason column worth a table; narrower terminals get one entry per line.
const MIN_REASON: usize = 24;

/// A paragraph of the report wrapped to `width`, continuation lines indented by `indent`:
/// broken between clauses (after "，" or "；", before "（") where it can, so phrases such as
/// "表头在第 3 行" stay whole; a clause longer than a line is wrapped by [`wrap_text`].
fn paragraph(text: &str, width: usize, indent: usize) -> String {
    let width = width.saturating_sub(indent).max(10);
    let mut pieces: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        if c == '（' && !cur.is_empty() {
            pieces.push(std::mem::take(&mut cur));
        }
        cur.push(c);
        if matches!(c, '，' | '；') {
            pieces.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        pieces.push(cur);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for piece in pieces {
        if display_width(&line) + display_width(&piece) <= width {
            line.push_str(&piece);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if display_width(&piece) <= width {
            line = piece;
        } else {
            let mut wrapped = wrap_text(&piece, width);
            line = wrapped.pop().unwrap_or_default();
            lines.extend(wrapped);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(l.trim_end());
        out.push('\n');
    }
    out
}

fn summary_table(rows: &[(&str, usize)]) -> String {
    let w1 = rows
        .iter()
        .map(|(l, _)| display_width(l))
        .max()
        .unwrap_or(4);
    let w2 = rows
        .iter()
        .map(|(_, n)| n.to_string().len())
        .max()
        .unwrap_or(1)
        .max(2);
    let line = format!("+{}+{}+\n", "-".repeat(w1 + 2), "-".repeat(w2 + 2));
    let mut out = line.clone();
    for (l, n) in rows {
        out.push_str(&format!("| {} | {:>w2$} |\n", fit_width(l, w1), n));
    }
    out.push_str(&line);
    out
}

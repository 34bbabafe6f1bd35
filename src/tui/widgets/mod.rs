//! Small building blocks for views: display-width-aware cells, highlighted names, progress bars
//! drawn in text, and the search box.
//!
//! Everything that came from the store passes through [`clean`] before it is drawn.

pub mod search_box;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;

use super::theme::Theme;
use crate::model::text::{display_width, sanitize};
use unicode_width::UnicodeWidthChar;

/// Store text made safe to draw: sanitised, and in ASCII mode without characters of
/// ambiguous width (curly quotes, dashes, the ellipsis, arrows, circled numbers …): the
/// terminals that need ASCII mode draw those two cells wide, which pushes borders out.
pub fn clean(s: &str, theme: &Theme) -> String {
    let s = sanitize(s);
    // `›` (the store's path separator) is narrow everywhere, but ASCII mode promises ASCII.
    let stand_in = |c: char| is_ambiguous(c) || c == '›';
    if theme.ascii && s.chars().any(stand_in) {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if stand_in(c) {
                out.push_str(ascii_for(c));
            } else {
                out.push(c);
            }
        }
        out
    } else {
        s
    }
}

/// The last step of drawing in ASCII mode: any character of ambiguous width left in the frame
/// (from a label, a message, or text [`clean`] did not see) becomes a one-column ASCII
/// stand-in, so nothing the terminal might draw two cells wide reaches it.
pub fn asciify(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        let mut chars = cell.symbol().chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && is_ambiguous(c)
        {
            cell.set_char(ascii_char(c));
        }
    }
}

/// [`ascii_for`] in one column.
fn ascii_char(c: char) -> char {
    match c {
        '→' | '›' | '▶' | '►' => '>',
        '←' | '◀' | '◄' => '<',
        '①'..='⑨' => char::from_digit(c as u32 - '①' as u32 + 1, 10).unwrap_or('?'),
        _ => ascii_for(c).chars().next().unwrap_or('?'),
    }
}

/// Narrow in most terminals, wide in East Asian ones.
fn is_ambiguous(c: char) -> bool {
    !c.is_ascii() && c.width() != c.width_cjk()
}

/// An ASCII stand-in for a character of ambiguous width.
fn ascii_for(c: char) -> &'static str {
    match c {
        '“' | '”' | '„' | '‟' | '″' => "\"",
        '‘' | '’' | '‚' | '‛' | '′' => "'",
        '…' | '⋯' => "~",
        '·' | '•' | '‧' | '∙' | '–' | '—' | '―' | '‐' | '－' => "-",
        '›' => ">",
        '→' | '▶' | '►' => "->",
        '◀' | '◄' => "<-",
        '←' => "<-",
        '↑' => "^",
        '↓' => "v",
        '×' => "x",
        '÷' => "/",
        '±' => "+-",
        '°' => "o",
        '№' => "No.",
        '※' | '★' | '☆' | '◆' | '◇' | '■' | '□' | '▲' | '△' | '●' | '○' | '◎' => {
            "*"
        }
        '①' => "(1)",
        '②' => "(2)",
        '③' => "(3)",
        '④' => "(4)",
        '⑤' => "(5)",
        '⑥' => "(6)",
        '⑦' => "(7)",
        '⑧' => "(8)",
        '⑨' => "(9)",
        '⑩' => "(10)",
        _ => "?",
    }
}

/// Clear `area` for a popup drawn over other views. A double-width character just left of it
/// is blanked too: its right half lies under the popup's left border, and a terminal draws
/// such a character whole, over the border.
pub fn clear_popup(frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
    let Some(left) = area.x.checked_sub(1) else {
        return;
    };
    let buf = frame.buffer_mut();
    for y in area.top()..area.bottom() {
        let cell = &mut buf[(left, y)];
        if unicode_width::UnicodeWidthStr::width(cell.symbol()) > 1 {
            cell.set_symbol(" ");
        }
    }
}

/// Cut to at most `max` columns, never splitting a double-width character, marking a cut with
/// the theme's ellipsis.
pub fn truncate(s: &str, max: usize, theme: &Theme) -> String {
    crate::model::text::truncate_with(s, max, theme.ellipsis())
}

/// Exactly `width` columns: truncated with an ellipsis, or padded with spaces.
pub fn fit(s: &str, width: usize, theme: &Theme) -> String {
    let mut t = truncate(s, width, theme);
    let w = display_width(&t);
    t.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    t
}

/// A row of fixed-width columns separated by one space. Each cell is (text, style); the
/// last column takes what is left of `total`.
pub fn row<'a>(
    cells: Vec<(String, Style)>,
    widths: &[usize],
    total: usize,
    theme: &Theme,
) -> Line<'a> {
    let mut spans = Vec::with_capacity(cells.len() * 2);
    let mut used = 0usize;
    let n = cells.len();
    for (i, (text, style)) in cells.into_iter().enumerate() {
        let w = if i + 1 == n {
            total.saturating_sub(used)
        } else {
            widths
                .get(i)
                .copied()
                .unwrap_or(0)
                .min(total.saturating_sub(used))
        };
        spans.push(Span::styled(fit(&text, w, theme), style));
        used += w;
        if i + 1 < n && used < total {
            spans.push(Span::raw(" "));
            used += 1;
        }
    }
    Line::from(spans)
}

/// Spans for `text` with the characters at `indices` (char indices) in `hl`, the rest in
/// `base`, cut to `max` columns with an ellipsis.
pub fn highlighted<'a>(
    text: &str,
    indices: &[usize],
    max: usize,
    base: Style,
    hl: Style,
    theme: &Theme,
) -> Vec<Span<'a>> {
    let cut = display_width(text) > max;
    let budget = if cut { max.saturating_sub(1) } else { max };
    let mut spans: Vec<Span> = Vec::new();
    let mut cur = String::new();
    let mut cur_hl = false;
    let mut used = 0;
    for (i, c) in text.chars().enumerate() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        let is_hl = indices.contains(&i);
        if is_hl != cur_hl && !cur.is_empty() {
            spans.push(Span::styled(
                std::mem::take(&mut cur),
                if cur_hl { hl } else { base },
            ));
        }
        cur_hl = is_hl;
        cur.push(c);
    }
    if !cur.is_empty() {
        spans.push(Span::styled(cur, if cur_hl { hl } else { base }));
    }
    if cut && max > 0 {
        spans.push(Span::styled(theme.ellipsis().to_string(), base));
        used += 1;
    }
    if used < max {
        spans.push(Span::styled(" ".repeat(max - used), base));
    }
    spans
}

/// A text progress bar of `width` columns for a ratio in 0..=1 (clamped).
pub fn bar(ratio: f64, width: usize, theme: &Theme) -> String {
    let r = if ratio.is_finite() {
        ratio.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let full = (r * width as f64).round() as usize;
    let mut s = theme.bar_full().repeat(full.min(width));
    s.push_str(&theme.bar_empty().repeat(width - full.min(width)));
    s
}

/// Lines laid out to `width` columns with a hanging indent: a line that is too long continues
/// under its own indentation (its leading spaces), or under the value of a "标签：value" line,
/// instead of at the left edge where a wrapping Paragraph would put it. CJK counts two columns;
/// the break falls between characters, after a space when an ASCII word would be split.
pub fn hanging<'a>(lines: Vec<Line<'a>>, width: usize) -> Vec<Line<'a>> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width || width < 8 {
            out.push(line);
            continue;
        }
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        let lead = text.len() - text.trim_start_matches(' ').len();
        let label = line
            .spans
            .iter()
            .position(|s| !s.content.trim().is_empty())
            .filter(|&i| line.spans[i].content.ends_with('：'))
            .map(|i| {
                line.spans[..=i]
                    .iter()
                    .map(|s| display_width(&s.content))
                    .sum::<usize>()
            });
        let mut indent = label.unwrap_or(lead).min(width / 2);
        // Characters with their style, then cut into rows.
        let chars: Vec<(char, Style)> = line
            .spans
            .iter()
            .flat_map(|s| s.content.chars().map(move |c| (c, s.style)))
            .collect();
        let mut rows: Vec<Vec<(char, Style)>> = vec![Vec::new()];
        let mut used = 0;
        let mut i = 0;
        while i < chars.len() {
            let w = chars[i].0.width().unwrap_or(0);
            if used + w > width {
                // Do not split an ASCII word or number ("zhangsan", "2022"): its start moves
                // down, unless it fills the whole row.
                let row = rows.last_mut().expect("a row");
                let mut carry = Vec::new();
                if in_word(chars[i].0) {
                    let start = row
                        .iter()
                        .rposition(|(c, _)| !in_word(*c))
                        .map_or(0, |p| p + 1);
                    let word = row.len() - start
                        + chars[i..].iter().take_while(|(c, _)| in_word(*c)).count();
                    let start_w: usize = row[..start]
                        .iter()
                        .map(|(c, _)| c.width().unwrap_or(0))
                        .sum();
                    if start_w > indent && start < row.len() {
                        carry = row.split_off(start);
                    } else if start_w == indent && start > 0 && word <= width.saturating_sub(2) {
                        // A code right after its label ("信用代码：9151…") too long to share
                        // the label's row: it goes whole onto the next, less indented, row.
                        indent = 2;
                        carry = row.split_off(start);
                    }
                }
                // Closing punctuation never starts a line (，。：、）…): the character before
                // it moves down with it.
                if carry.is_empty()
                    && is_closing(chars[i].0)
                    && row.len() > indent + 1
                    && let Some(last) = row.pop()
                {
                    carry.push(last);
                }
                rows.push(vec![(' ', Style::default()); indent]);
                used = indent
                    + carry
                        .iter()
                        .map(|(c, _)| c.width().unwrap_or(0))
                        .sum::<usize>();
                rows.last_mut().expect("a row").extend(carry);
                if chars[i].0 == ' ' {
                    i += 1;
                    continue;
                }
            }
            rows.last_mut().expect("a row").push(chars[i]);
            used += w;
            i += 1;
        }
        for row in rows {
            let mut spans: Vec<Span<'a>> = Vec::new();
            let mut cur = String::new();
            let mut style = None;
            for (c, st) in row {
                if style.is_some_and(|s| s != st) {
                    spans.push(Span::styled(
                        std::mem::take(&mut cur),
                        style.unwrap_or_default(),
                    ));
                }
                style = Some(st);
                cur.push(c);
            }
            if !cur.is_empty() {
                spans.push(Span::styled(cur, style.unwrap_or_default()));
            }
            out.push(Line::from(spans).style(line.style));
        }
    }
    out
}

/// A character of an ASCII word, number or code that a line must not split ("T-Box",
/// "2026-11-25", "zhangsan").
fn in_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '#' | '@' | '+')
}

/// Punctuation that closes a phrase and so may not begin a line in Chinese typesetting.
fn is_closing(c: char) -> bool {
    "，。、；：！？）》」』”’…,.;:)!?".contains(c)
}

/// A number without a pointless ".0".
pub fn num(v: f64) -> String {
    // As the CLI writes it: the document's figure, not a rounded one (157.18).
    crate::targets::fmt_num(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_pads_and_cuts_on_character_boundaries() {
        let t = Theme::default();
        assert_eq!(fit("宣汉正原微玻纤", 7, &t), "宣汉正…");
        assert_eq!(fit("宣汉正原微玻纤", 6, &t), "宣汉… ");
        assert_eq!(display_width(&fit("达钢", 9, &t)), 9);
        let a = Theme::new(false, true);
        assert_eq!(fit("宣汉正原微玻纤", 7, &a), "宣汉正~");
    }

    #[test]
    fn highlighted_spans_keep_width() {
        let t = Theme::default();
        let spans = highlighted(
            "宣汉正原微玻纤有限公司",
            &[2, 3],
            9,
            Style::new(),
            Style::new(),
            &t,
        );
        let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "宣汉正原…");
        assert_eq!(display_width(&text), 9);
    }

    #[test]
    fn hanging_indent_keeps_continuations_under_their_text() {
        let text = |l: &Line| {
            l.spans
                .iter()
                .map(|s| s.content.to_string())
                .collect::<String>()
        };
        let lines = hanging(
            vec![
                Line::raw("       第一批；来源：导入#1 · 名单 第4行 · zhangsan 于 2026-11-25 修改"),
                Line::from(vec![
                    Span::raw("资料来源："),
                    Span::raw("D004 · 达州市数字经济产业发展规划"),
                ]),
                Line::raw("短行"),
            ],
            30,
        );
        let rows: Vec<String> = lines.iter().map(text).collect();
        for r in &rows {
            assert!(display_width(r) <= 30, "{r:?} is wider than 30");
        }
        let first = rows.iter().position(|r| r.contains("资料来源")).unwrap();
        assert!(first >= 2, "{rows:?}");
        for r in &rows[1..first] {
            assert!(
                r.starts_with("       ") && !r[7..].starts_with(' '),
                "{rows:?}"
            );
        }
        // Under the value, not the label; "zhangsan" stays whole.
        assert!(
            rows[first + 1].starts_with("          ") && !rows[first + 1][10..].starts_with(' '),
            "{rows:?}"
        );
        assert!(rows.iter().any(|r| r.contains("zhangsan")), "{rows:?}");
        assert_eq!(rows.last().unwrap(), "短行");
        // "：" would start the second row; "源" comes down with it.
        let rows: Vec<String> = hanging(vec![Line::raw("  一二三四五六七来源：八九")], 20)
            .iter()
            .map(text)
            .collect();
        assert_eq!(rows, ["  一二三四五六七来", "  源：八九"], "{rows:?}");
        // A hyphenated code stays whole: "T-Box" moves down rather than splitting at "-".
        let rows: Vec<String> = hanging(vec![Line::raw("  一二三四五六七T-Box、OBD")], 20)
            .iter()
            .map(text)
            .collect();
        assert_eq!(rows, ["  一二三四五六七", "  T-Box、OBD"], "{rows:?}");
        // A number right after CJK text stays whole.
        let rows: Vec<String> = hanging(vec![Line::raw("来源：规划2022年")], 12)
            .iter()
            .map(text)
            .collect();
        assert_eq!(rows, ["来源：规划", "2022年"], "{rows:?}");
        // A credit code too long to share its label's row goes whole onto the next.
        let line = Line::from(vec![
            Span::raw("信用代码："),
            Span::raw("91511700MA6ABCDE13"),
        ]);
        let rows: Vec<String> = hanging(vec![line], 24).iter().map(text).collect();
        assert_eq!(rows, ["信用代码：", "  91511700MA6ABCDE13"], "{rows:?}");
    }

    #[test]
    fn clean_removes_escapes() {
        assert_eq!(clean("达钢\u{1b}[2J集团", &Theme::default()), "达钢集团");
        assert_eq!(
            clean("新材料 › 玻纤", &Theme::new(true, true)),
            "新材料 > 玻纤"
        );
    }
}

//! The search box: a one-line input whose terminal cursor sits at the end of the typed text,
//! measured in display columns, so an input method opens its candidate window there.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::model::text::display_width;
use crate::tui::theme::Theme;

/// Draw `prompt` + `query` into the one-line `area` and place the cursor after the text. A
/// query wider than the box shows its tail.
pub fn draw(frame: &mut Frame, area: Rect, prompt: &str, query: &str, theme: &Theme) {
    let pw = display_width(prompt);
    let avail = (area.width as usize).saturating_sub(pw + 1);
    // Keep the end of the query visible.
    let mut shown: Vec<char> = Vec::new();
    let mut w = 0;
    for c in query.chars().rev() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > avail {
            break;
        }
        w += cw;
        shown.push(c);
    }
    shown.reverse();
    let shown: String = shown.into_iter().collect();
    let line = Line::from(vec![
        Span::styled(prompt.to_string(), theme.key_hint()),
        Span::raw(shown),
    ]);
    frame.render_widget(Paragraph::new(line), area);
    let x = area.x + (pw + w).min(area.width.saturating_sub(1) as usize) as u16;
    frame.set_cursor_position(Position::new(x, area.y));
}

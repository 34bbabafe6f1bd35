//! Text hygiene for anything that comes from outside: spreadsheets, the command line, the store.
//!
//! Two different operations live here and must not be confused:
//! - [`sanitize`] makes text safe to store and to show: it removes control characters, escape
//!   sequences, bidi overrides and zero-width characters, and folds runs of whitespace;
//! - [`normalize_name`] makes a *matching key*: it also folds full-width forms to half-width,
//!   removes all whitespace and folds ASCII case, so that "四川 达钢（集团）" and "四川达钢(集团)"
//!   compare equal.

use unicode_width::UnicodeWidthChar;

/// True for characters that must never reach the terminal or the store: C0/C1 controls,
/// DEL, bidi embeddings/overrides/isolates, zero-width and other invisible format characters.
pub fn is_hostile(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{200b}'..='\u{200f}'   // zero-width space/joiners, LRM, RLM
        | '\u{202a}'..='\u{202e}'   // bidi embeddings and overrides
        | '\u{2060}'..='\u{2064}'   // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}'   // bidi isolates
        | '\u{feff}'                // BOM / zero-width no-break space
        | '\u{fff9}'..='\u{fffb}'   // interlinear annotations
        | '\u{e000}'..='\u{f8ff}'   // private use: renders unpredictably
    )
}

/// Whether `s` holds anything [`sanitize`] would remove (other than whitespace folding).
pub fn has_hostile(s: &str) -> bool {
    s.chars().any(|c| is_hostile(c) && !c.is_whitespace())
}

/// Safe text: hostile characters removed (an ESC also takes the rest of its CSI/OSC sequence
/// with it), whitespace runs (including the full-width space and tabs/newlines) folded to one
/// ASCII space, leading and trailing whitespace trimmed.
pub fn sanitize(s: &str) -> String {
    // Most cells need nothing done: one cheap pass, one copy.
    if s.chars().all(|c| !c.is_whitespace() && !is_hostile(c)) {
        return s.to_owned();
    }
    sanitize_each(s)
}

/// [`sanitize`] character by character.
fn sanitize_each(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            skip_escape_sequence(&mut chars);
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if is_hostile(c) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Consume the body of an escape sequence whose ESC was just read: CSI (`ESC [ … final`),
/// OSC/DCS/APC/PM/SOS (terminated by BEL or ESC \), or a single following character.
fn skip_escape_sequence(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek().copied() {
        Some('[') => {
            chars.next();
            for c in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    break;
                }
            }
        }
        Some(']' | 'P' | '_' | '^' | 'X') => {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        Some(_) => {
            chars.next();
        }
        None => {}
    }
}

/// Fold a full-width ASCII variant (and the ideographic space) to its half-width form.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '【' => '[',
        '】' => ']',
        _ => c,
    }
}

/// The matching key of a name: sanitized, full-width folded, all whitespace removed,
/// ASCII lower-cased, and the two styles of quotes used around “小巨人” unified.
pub fn normalize_name(s: &str) -> String {
    normalize_name_cow(s).into_owned()
}

/// [`normalize_name`] character by character.
fn normalize_each(s: &str) -> String {
    sanitize(s)
        .chars()
        .map(fold_width)
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '“' | '”' | '"' | '「' | '」' | '‘' | '’' | '\'' => '"',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// [`normalize_name`] without allocating when the name is already its own key (the common
/// case: plain Chinese text).
pub fn normalize_name_cow(s: &str) -> std::borrow::Cow<'_, str> {
    let plain = s.chars().all(|c| {
        !(c.is_whitespace()
            || is_hostile(c)
            || fold_width(c) != c
            || c.is_ascii_uppercase()
            || matches!(c, '“' | '”' | '「' | '」' | '‘' | '’' | '\''))
    });
    if plain {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(normalize_each(s))
    }
}

/// Display width in terminal columns (CJK counts two).
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Cut `s` to at most `max` columns without splitting a double-width character; when
/// anything was cut, the last column is an ellipsis `…`.
pub fn truncate_to_width(s: &str, max: usize) -> String {
    truncate_with(s, max, "…")
}

/// [`truncate_to_width`] with a one-column marker of the caller's choice (the TUI's ASCII
/// mode uses `~`).
pub fn truncate_with(s: &str, max: usize, ellipsis: &str) -> String {
    if display_width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push_str(ellipsis);
    out
}

/// Pad (or truncate) to exactly `width` columns.
pub fn fit_width(s: &str, width: usize) -> String {
    let mut t = truncate_to_width(s, width);
    let w = display_width(&t);
    for _ in w..width {
        t.push(' ');
    }
    t
}

/// `s` cut into lines of at most `width` columns, between characters (a character wider than
/// `width` gets a line of its own). Empty text gives no lines.
pub fn wrap_width(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width && used > 0 {
            lines.push(std::mem::take(&mut cur));
            used = 0;
        }
        cur.push(c);
        used += w;
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Marks that may not start a line (closing brackets and quotes, pauses and stops).
fn no_line_start(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| "）)」』”’】]》〉，。、；：！？,.;:!?…%".contains(c))
}

/// Marks that may not end a line (opening brackets and quotes).
fn no_line_end(t: &str) -> bool {
    t.chars()
        .last()
        .is_some_and(|c| "（(「『“‘【[《〈".contains(c))
}

/// Text cut into lines of at most `width` columns: between Chinese characters, but never
/// inside a run of Latin letters and digits (a credit code, `--skip-invalid`) that fits a line,
/// never before closing punctuation and never after opening punctuation.
pub fn wrap_text(text: &str, width: usize) -> Vec<String> {
    let width = width.max(4);
    // Tokens: runs of letters, digits and the marks inside words and options; else characters.
    let mut tokens: Vec<String> = Vec::new();
    let mut run = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || "-_./@#%+=".contains(c) {
            run.push(c);
        } else {
            if !run.is_empty() {
                tokens.push(std::mem::take(&mut run));
            }
            tokens.push(c.to_string());
        }
    }
    if !run.is_empty() {
        tokens.push(run);
    }
    // A run wider than a line is cut where it must be.
    let tokens: Vec<String> = tokens
        .into_iter()
        .flat_map(|t| {
            if display_width(&t) > width {
                wrap_width(&t, width)
            } else {
                vec![t]
            }
        })
        .collect();
    let mut lines: Vec<Vec<String>> = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let mut used = 0;
    for tok in tokens {
        let w = display_width(&tok);
        if used + w > width && !cur.is_empty() {
            let mut carry: Vec<String> = Vec::new();
            // Carry tokens along until the next line does not start with a closing mark and
            // this one does not end with an opening mark (keeping at least one token here).
            while cur.len() > 1 {
                let next_first = carry.first().unwrap_or(&tok);
                let last = cur.last().map(String::as_str).unwrap_or_default();
                if no_line_start(next_first) || no_line_end(last) {
                    if let Some(t) = cur.pop() {
                        carry.insert(0, t);
                    }
                } else {
                    break;
                }
            }
            lines.push(std::mem::replace(&mut cur, carry));
            used = cur.iter().map(|t| display_width(t)).sum();
        }
        if cur.is_empty() && tok == " " {
            continue;
        }
        used += w;
        cur.push(tok);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
        .into_iter()
        .map(|l| l.concat().trim_end().to_string())
        .collect()
}

/// Split a `|`-separated multi-value field into trimmed, non-empty parts.
pub fn split_multi(s: &str) -> Vec<String> {
    s.split(['|', '、', '；', ';'])
        .map(sanitize)
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// The shortcuts for text that needs nothing done give what the character-by-character
        /// paths give.
        #[test]
        fn shortcuts_equal_the_character_by_character_paths(
            s in "\\PC*|[ \t\x00-\x1f\x7f\u{200b}\u{202e}\u{3000}\u{e000}\u{ff01}-\u{ff5e}【】“”「」‘’'\"aAzZ09达州]*"
        ) {
            prop_assert_eq!(sanitize(&s), sanitize_each(&s));
            prop_assert_eq!(normalize_name(&s), normalize_each(&s));
        }
    }

    #[test]
    fn sanitize_strips_escapes_and_controls() {
        assert_eq!(sanitize("达钢\u{1b}[31m集团\u{1b}[0m"), "达钢集团");
        assert_eq!(sanitize("a\u{1b}]52;c;ZXZpbA==\u{7}b"), "ab");
        assert_eq!(sanitize("川\u{202e}环\u{200b}科技"), "川环科技");
        assert_eq!(sanitize("  四川\u{3000}\t达州 \n"), "四川 达州");
    }

    #[test]
    fn normalize_folds_width_space_and_case() {
        assert_eq!(
            normalize_name("四川 达钢（集团）"),
            normalize_name("四川达钢(集团)")
        );
        assert_eq!(normalize_name("ＡＢＣ"), "abc");
        assert_ne!(normalize_name("达钢"), normalize_name("达刚"));
    }

    #[test]
    fn truncation_never_splits_a_wide_char() {
        assert_eq!(truncate_to_width("宣汉正原微玻纤", 6), "宣汉…");
        assert_eq!(truncate_to_width("宣汉正原微玻纤", 7), "宣汉正…");
        assert_eq!(display_width(&fit_width("达钢", 5)), 5);
        assert_eq!(truncate_to_width("abc", 3), "abc");
    }
}

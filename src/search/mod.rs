//! Finding enterprises and parks by what people type: Chinese, full pinyin, pinyin initials,
//! short names, a mix ("达gang"), or a credit code.
//!
//! Pinyin forms are computed when a name is written ([`forms_for`]) and stored; the in-memory
//! [`SearchIndex`] is built from the store once, and every keystroke only matches and ranks.
//! Scoring is fuzzy-matcher's Skim V2 with bonuses that put exact short names ("达钢"), exact
//! initials ("zywbx") and prefixes first.

pub mod pinyin;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use crate::model::HolderKind;
use crate::model::text::normalize_name;

/// The stored search form of an enterprise or park: one line per name (the name first, then
/// each short name), each line the name's per-character syllables separated by spaces.
pub fn forms_for(name: &str, shorts: &[String]) -> String {
    std::iter::once(name)
        .chain(shorts.iter().map(String::as_str))
        .map(|n| pinyin::syllables(&normalize_name(n)).join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What the index is built from (one row of the store).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub kind: HolderKind,
    pub id: i64,
    pub name: String,
    pub short_names: Vec<String>,
    pub uscc: Option<String>,
    /// The stored [`forms_for`] text; recomputed when empty.
    pub forms: String,
}

/// How a hit matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchVia {
    Name,
    Pinyin,
    Initials,
    Code,
}

/// One search result.
#[derive(Debug, Clone)]
pub struct Hit {
    pub kind: HolderKind,
    pub id: i64,
    /// The entity's full (display) name.
    pub name: String,
    /// The name or short name that matched (equal to `name` when the full name matched).
    pub matched: String,
    /// Character indices into `matched` to highlight.
    pub highlight: Vec<usize>,
    pub via: MatchVia,
    pub score: i64,
}

struct NameForm {
    /// Normalised name (matching key) and its characters' positions in the original.
    text: String,
    original: String,
    pinyin: String,
    /// For each byte of `pinyin`, the index of the character it came from.
    pinyin_map: Vec<u16>,
    initials: String,
    initials_map: Vec<u16>,
}

struct Entry {
    kind: HolderKind,
    id: i64,
    name: String,
    names: Vec<NameForm>,
    uscc: Option<String>,
}

/// The in-memory index over every enterprise and park.
pub struct SearchIndex {
    entries: Vec<Entry>,
    matcher: SkimMatcherV2,
}

impl Default for SearchIndex {
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

impl SearchIndex {
    pub fn new(candidates: Vec<Candidate>) -> Self {
        let entries = candidates.into_iter().map(build_entry).collect();
        SearchIndex {
            entries,
            matcher: SkimMatcherV2::default().ignore_case(),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Rank every match of `query`, best first, and return at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let q = normalize_name(query);
        if q.is_empty() {
            return Vec::new();
        }
        let has_cjk = !q.is_ascii();
        let has_alpha = q.chars().any(|c| c.is_ascii_alphabetic());
        let code_like = crate::model::uscc::looks_like_code(&q);
        let q_upper = q.to_ascii_uppercase();
        let q_pinyin = if has_cjk && has_alpha {
            pinyin::query_to_pinyin(&q)
        } else {
            String::new()
        };

        // (score, entry, name index, via)
        let mut scored: Vec<(i64, usize, usize, MatchVia)> = Vec::new();
        for (ei, e) in self.entries.iter().enumerate() {
            let mut best: Option<(i64, usize, MatchVia)> = None;
            let mut consider = |s: i64, ni: usize, via: MatchVia| {
                if best.is_none_or(|(b, _, _)| s > b) {
                    best = Some((s, ni, via));
                }
            };
            if code_like
                && let Some(code) = &e.uscc
                && code.contains(&q_upper)
            {
                let bonus = if *code == q_upper {
                    5000
                } else if code.starts_with(&q_upper) {
                    3000
                } else {
                    2000
                };
                consider(bonus, 0, MatchVia::Code);
            }
            for (ni, n) in e.names.iter().enumerate() {
                let is_short = ni > 0;
                if (!has_alpha || !has_cjk)
                    && let Some(s) = self.matcher.fuzzy_match(&n.text, &q)
                {
                    consider(
                        s + exact_bonus(&n.text, &q, is_short) + 40,
                        ni,
                        MatchVia::Name,
                    );
                }
                if !has_cjk {
                    if let Some(s) = self.matcher.fuzzy_match(&n.initials, &q) {
                        consider(
                            s + exact_bonus(&n.initials, &q, is_short) + 20,
                            ni,
                            MatchVia::Initials,
                        );
                    }
                    if let Some(s) = self.matcher.fuzzy_match(&n.pinyin, &q) {
                        consider(
                            s + exact_bonus(&n.pinyin, &q, is_short),
                            ni,
                            MatchVia::Pinyin,
                        );
                    }
                } else if has_alpha && let Some(s) = self.matcher.fuzzy_match(&n.pinyin, &q_pinyin)
                {
                    consider(
                        s + exact_bonus(&n.pinyin, &q_pinyin, is_short),
                        ni,
                        MatchVia::Pinyin,
                    );
                }
            }
            if let Some((s, ni, via)) = best {
                scored.push((s, ei, ni, via));
            }
        }
        scored.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| {
                    self.entries[a.1]
                        .name
                        .chars()
                        .count()
                        .cmp(&self.entries[b.1].name.chars().count())
                })
                .then_with(|| self.entries[a.1].name.cmp(&self.entries[b.1].name))
        });
        scored.truncate(limit);
        scored
            .into_iter()
            .map(|(score, ei, ni, via)| {
                let e = &self.entries[ei];
                let n = &e.names[ni];
                let highlight = match via {
                    MatchVia::Code => Vec::new(),
                    MatchVia::Name => self.indices(&n.text, &q, None),
                    MatchVia::Initials => self.indices(&n.initials, &q, Some(&n.initials_map)),
                    MatchVia::Pinyin => {
                        let qq = if q_pinyin.is_empty() { &q } else { &q_pinyin };
                        self.indices(&n.pinyin, qq, Some(&n.pinyin_map))
                    }
                };
                Hit {
                    kind: e.kind,
                    id: e.id,
                    name: e.name.clone(),
                    matched: n.original.clone(),
                    highlight,
                    via,
                    score,
                }
            })
            .collect()
    }

    /// Matched character positions in the original name, mapped back through `map` when the
    /// match was on a pinyin form.
    fn indices(&self, text: &str, q: &str, map: Option<&[u16]>) -> Vec<usize> {
        let Some((_, idx)) = self.matcher.fuzzy_indices(text, q) else {
            return Vec::new();
        };
        let mut out: Vec<usize> = match map {
            None => idx,
            Some(m) => {
                // fuzzy_indices reports char indices; pinyin and initials are ASCII, so they
                // are byte indices too.
                idx.into_iter()
                    .filter_map(|i| m.get(i).map(|&c| c as usize))
                    .collect()
            }
        };
        out.dedup();
        out
    }
}

/// Bonus for an exact or prefix match; short names weigh most, since people type them whole.
fn exact_bonus(text: &str, q: &str, is_short: bool) -> i64 {
    if text == q {
        if is_short { 1200 } else { 1000 }
    } else if text.starts_with(q) {
        300
    } else if text.contains(q) {
        100
    } else {
        0
    }
}

fn build_entry(c: Candidate) -> Entry {
    let stored: Vec<&str> = c.forms.lines().collect();
    let all_names: Vec<String> = std::iter::once(c.name.clone())
        .chain(c.short_names.iter().cloned())
        .collect();
    let names = all_names
        .iter()
        .enumerate()
        .map(|(i, original)| {
            let text = normalize_name(original);
            let sylls: Vec<String> = match stored.get(i) {
                Some(line) if line.split(' ').count() == text.chars().count() => {
                    line.split(' ').map(str::to_string).collect()
                }
                _ => pinyin::syllables(&text),
            };
            name_form(original, text, &sylls)
        })
        .collect();
    Entry {
        kind: c.kind,
        id: c.id,
        name: c.name,
        names,
        uscc: c.uscc,
    }
}

fn name_form(original: &str, text: String, sylls: &[String]) -> NameForm {
    let mut pinyin = String::new();
    let mut pinyin_map = Vec::new();
    let mut initials = String::new();
    let mut initials_map = Vec::new();
    // Map positions in the normalised text back to the original's characters: normalisation
    // only drops whitespace and hostile characters, so walk both together.
    let orig_positions = original_positions(original, &text);
    for (i, s) in sylls.iter().enumerate() {
        let oi = orig_positions.get(i).copied().unwrap_or(i) as u16;
        for _ in s.bytes() {
            pinyin_map.push(oi);
        }
        pinyin.push_str(s);
        if let Some(ch) = s.chars().next() {
            initials.push(ch);
            initials_map.push(oi);
        }
    }
    NameForm {
        text,
        original: original.to_string(),
        pinyin,
        pinyin_map,
        initials,
        initials_map,
    }
}

/// For each character of `norm` (the normalised form of `original`), its index in `original`.
fn original_positions(original: &str, norm: &str) -> Vec<usize> {
    let orig: Vec<char> = original.chars().collect();
    let mut out = Vec::with_capacity(norm.chars().count());
    let mut j = 0;
    for n in norm.chars() {
        while j < orig.len() {
            let o = normalize_name(&orig[j].to_string());
            j += 1;
            if o.starts_with(n) {
                out.push(j - 1);
                break;
            }
        }
    }
    out
}

/// The names in `names` closest to `wanted` for "did you mean" hints, when fuzzy matching finds
/// nothing: ranked by characters in common (so 正原微玻璃纤维 still finds 宣汉正原微玻纤有限公司),
/// keeping those that share at least half of the wanted characters.
pub fn closest<'a>(
    wanted: &str,
    names: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<String> {
    let w: Vec<char> = normalize_name(wanted).chars().collect();
    if w.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(usize, usize, &str)> = names
        .into_iter()
        .filter_map(|n| {
            let chars: Vec<char> = normalize_name(n).chars().collect();
            let common = w.iter().filter(|c| chars.contains(c)).count();
            (common * 2 >= w.len() && common > 0).then_some((common, chars.len(), n))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, _, n) in scored {
        if !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
        if out.len() == limit {
            break;
        }
    }
    out
}

/// Highlight indices refer to the normalised name when they come from a name match; this maps
/// them to the original for display.
pub fn highlight_in_original(original: &str, norm_indices: &[usize]) -> Vec<usize> {
    let pos = original_positions(original, &normalize_name(original));
    norm_indices
        .iter()
        .filter_map(|&i| pos.get(i).copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(id: i64, name: &str, shorts: &[&str]) -> Candidate {
        let shorts: Vec<String> = shorts.iter().map(|s| s.to_string()).collect();
        Candidate {
            kind: HolderKind::Enterprise,
            id,
            name: name.into(),
            forms: forms_for(name, &shorts),
            short_names: shorts,
            uscc: None,
        }
    }

    fn index() -> SearchIndex {
        SearchIndex::new(vec![
            cand(1, "宣汉正原微玻纤有限公司", &["正原微玻纤"]),
            cand(2, "四川达州钢铁集团有限责任公司", &["达钢", "达钢集团"]),
            cand(3, "达州市达钢物流有限公司", &[]),
            cand(4, "重庆长安汽车股份有限公司", &["长安汽车"]),
        ])
    }

    #[test]
    fn initials_find_the_registered_name() {
        let hits = index().search("zywbx", 5);
        assert_eq!(hits[0].id, 1);
    }

    #[test]
    fn exact_short_name_comes_first() {
        let hits = index().search("达钢", 5);
        assert_eq!(hits[0].id, 2);
        assert!(hits.iter().any(|h| h.id == 3));
    }

    #[test]
    fn full_pinyin_mixed_and_polyphonic() {
        assert_eq!(index().search("dagang", 5)[0].id, 2);
        assert_eq!(index().search("达gang", 5)[0].id, 2);
        assert_eq!(index().search("cqca", 5)[0].id, 4);
        assert_eq!(index().search("chongqing", 5)[0].id, 4);
    }

    #[test]
    fn highlight_maps_back_to_characters() {
        // The short name's initials match exactly, so the short name is what matched.
        let hits = index().search("zywbx", 1);
        assert_eq!(hits[0].matched, "正原微玻纤");
        assert_eq!(hits[0].highlight, vec![0, 1, 2, 3, 4]);
        let hits = index().search("xhzy", 1);
        assert_eq!(hits[0].matched, "宣汉正原微玻纤有限公司");
        assert_eq!(hits[0].highlight, vec![0, 1, 2, 3]);
    }

    #[test]
    fn nothing_matches_nonsense() {
        assert!(index().search("qqqqzzzz", 5).is_empty());
        assert!(index().search("   ", 5).is_empty());
    }
}

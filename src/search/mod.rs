//! Finding enterprises and parks by what people type: Chinese, full pinyin, pinyin initials,
//! short names, a mix ("达gang"), or a credit code.
//!
//! Pinyin forms are computed when a name is written ([`forms_for`]) and stored; the in-memory
//! [`SearchIndex`] is built from the store once, and every keystroke only matches and ranks.
//! Scoring is fuzzy-matcher's Skim V2 with bonuses that put exact short names ("达钢"), exact
//! initials ("zywbx") and prefixes first.

pub mod pinyin;
mod skim;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use crate::model::HolderKind;
use crate::model::text::{normalize_name, normalize_name_cow};
use skim::Scorer;

/// The stored search form of an enterprise or park: one line per name (the name first, then
/// each short name), each line the name's per-character syllables separated by spaces.
pub fn forms_for(name: &str, shorts: &[String]) -> String {
    std::iter::once(name)
        .chain(shorts.iter().map(String::as_str))
        .map(|n| pinyin::syllable_refs(&normalize_name(n)).join(" "))
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

/// A [`Candidate`] borrowed from a row as the store reads it, for [`search_stream`].
#[derive(Debug, Clone, Copy)]
pub struct CandidateRef<'a> {
    pub kind: HolderKind,
    pub id: i64,
    pub name: &'a str,
    pub short_names: ShortNames<'a>,
    pub uscc: Option<&'a str>,
    pub forms: &'a str,
}

impl CandidateRef<'_> {
    /// An owned copy.
    pub fn to_candidate(&self) -> Candidate {
        Candidate {
            kind: self.kind,
            id: self.id,
            name: self.name.to_string(),
            short_names: self.short_names.iter().map(str::to_string).collect(),
            uscc: self.uscc.map(str::to_string),
            forms: self.forms.to_string(),
        }
    }
}

/// Short names, as a list or as one string with a separator (how the store keeps them).
#[derive(Debug, Clone, Copy)]
pub enum ShortNames<'a> {
    List(&'a [String]),
    Joined(&'a str, char),
}

impl<'a> ShortNames<'a> {
    /// The non-empty short names in order.
    pub fn iter(self) -> impl Iterator<Item = &'a str> + Clone {
        let (list, joined) = match self {
            ShortNames::List(l) => (Some(l.iter().map(String::as_str)), None),
            ShortNames::Joined(s, sep) => (None, Some(s.split(sep))),
        };
        list.into_iter()
            .flatten()
            .chain(joined.into_iter().flatten())
            .filter(|n| !n.is_empty())
    }
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

/// A piece of [`SearchIndex::arena`]: byte offset and length.
#[derive(Debug, Clone, Copy, Default)]
struct Span(u32, u32);

/// One name (the full name or a short name) in the forms search matches against.
///
/// All text lives in one arena, in the order it is scanned, because a keystroke over a
/// province-scale index is bound by memory traffic; the maps from pinyin bytes back to
/// characters are rebuilt from the syllable lengths only for the hits being shown.
struct NameForm {
    /// Normalised name: the matching key for Chinese queries.
    text: Span,
    /// The syllables of `text` run together.
    pinyin: Span,
    /// Whether `text` holds any ASCII (otherwise an ASCII query cannot match it).
    text_ascii: bool,
    /// [`bytes_mask`] of `text`, `pinyin` and `initials`: a form whose mask lacks a bit of the
    /// pattern's cannot hold the pattern.
    text_mask: u64,
    pinyin_mask: u64,
    initials_mask: u64,
    /// [`pair_bit`] of the first two bytes of each syllable, and of every two adjacent bytes
    /// within a syllable: with `initials`, what [`SearchIndex::pinyin_may_match`] tests
    /// before the syllable rule.
    head_pairs: u64,
    inner_pairs: u64,
    /// First letter of each non-empty syllable.
    initials: Span,
    /// The name as written, when this is a short name; `None` for the full name (the entry's
    /// `name`).
    original: Option<Span>,
    /// Byte length in `pinyin` of each character of `text` (0 for characters without a
    /// reading), in [`SearchIndex::syl_lens`].
    syl_lens: Span,
    /// First bytes of `pinyin` and `initials` when these are plain lower-case letters and
    /// digits (see [`SearchIndex::form_bound`]), else 0.
    pinyin_head: u8,
    initials_head: u8,
}

/// Entries are kept in result order for equal scores (fewer characters first, then the name),
/// so an entry's index is its tie-break.
struct Entry {
    kind: HolderKind,
    id: i64,
    name: Span,
    uscc: Option<Span>,
    /// This entry's names in [`SearchIndex::forms`].
    forms: std::ops::Range<u32>,
}

/// The in-memory index over every enterprise and park.
pub struct SearchIndex {
    entries: Vec<Entry>,
    /// Per entry, what any of its forms can hold ([`EntryMask`]), apart from the entries so
    /// that a keystroke rejects most of them reading 16 bytes each.
    masks: Vec<EntryMask>,
    forms: Vec<NameForm>,
    arena: String,
    syl_lens: Vec<u8>,
    matcher: SkimMatcherV2,
    /// Tells a [`Searcher`] which index its narrowed candidates belong to.
    generation: u64,
}

impl Default for SearchIndex {
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

/// Upper bounds of fuzzy-matcher's Skim V2 score (from its DP with a fresh matrix), used to
/// score only the candidates that can still reach the top.
///
/// Every pattern character scores 16 plus a bonus. The first one comes from the skip path
/// (-1) and earns at most the in-place bonus of a word head at the start (16). Each later
/// one earns at most 16 more on the consecutive path, or on the skip path the in-place bonus
/// after a gap (which costs at least 4): so when a pair of adjacent pattern characters does
/// not occur side by side in the text, the second one cannot take the consecutive path.
#[derive(Clone, Copy)]
struct SkimBound {
    first: i64,
    consecutive: i64,
    after_gap: i64,
}

/// Any text.
const SKIM_ANY: SkimBound = SkimBound {
    first: -1 + 16 + 16,
    consecutive: 16 + 16,
    after_gap: -4 + 16 + 16,
};
/// A plain lower-case form (pinyin, initials: letters and digits only). Its only word head is
/// its first byte, and that in-place bonus is never carried on: fuzzy-matcher reads the
/// carried bonus from the cell left of the current one in the row being filled, which for
/// every column past the first holds at most the consecutive bonus (4) of an earlier row. So
/// the first character earns at most the head bonus, every later one at most 4 on the
/// consecutive path and nothing after a gap.
const SKIM_PLAIN: SkimBound = SkimBound {
    first: -1 + 16 + 16,
    consecutive: 16 + 4,
    after_gap: -4 + 16,
};
/// [`SKIM_PLAIN`] when the form's first letter does not occur in the pattern: no matched
/// character is a word head.
const SKIM_NO_HEAD: SkimBound = SkimBound {
    first: -1 + 16,
    consecutive: 16 + 4,
    after_gap: -4 + 16,
};

impl SkimBound {
    /// The bounds for a form whose plain first byte is `head` (0 when it may hold word heads
    /// anywhere) and pattern `pat`.
    fn for_form(head: u8, pat: &str) -> SkimBound {
        if head == 0 {
            SKIM_ANY
        } else if pat.as_bytes().contains(&head) {
            SKIM_PLAIN
        } else {
            SKIM_NO_HEAD
        }
    }

    /// The bound for `pat` (a subsequence of `text`).
    fn of(self, text: &str, pat: &str) -> i64 {
        let mut chars = pat.char_indices().peekable();
        let mut total = 0;
        let mut first = true;
        while let Some((i, _)) = chars.next() {
            if first {
                total += self.first;
                first = false;
            }
            if let Some(&(j, d)) = chars.peek() {
                let pair = &pat[i..j + d.len_utf8()];
                total += if find_bytes(text.as_bytes(), pair.as_bytes()).is_some() {
                    self.consecutive
                } else {
                    self.after_gap
                };
            }
        }
        total
    }
}

/// What a query asks for, worked out once per keystroke.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Query {
    /// Normalised query.
    q: String,
    /// Which forms are matched, and against what.
    mode: Mode,
    /// `q_pinyin` for [`Mode::Mixed`].
    q_pinyin: String,
    /// Upper-cased query when it looks like a credit code.
    code: Option<String>,
    /// The query's characters that a normalised name holds only where the name as written
    /// holds them too ([`as_written`]): what [`Query::may_match`] tests rows against.
    written: String,
    /// What an entry must hold to match (see [`EntryMask`]).
    need: EntryMask,
}

/// What the forms of an entry hold, as two 64-bit sets: an entry missing anything a query
/// needs cannot match it, whatever the form. Every test that matches (a subsequence of a
/// form, or a credit code containing the query) implies the subset, so the masks only ever
/// skip entries that score nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct EntryMask {
    /// [`bytes_mask`] of every form (text, pinyin, initials) of every name, and of the code.
    bytes: u64,
    /// [`chars_mask`] of the names' normalised text.
    chars: u64,
}

impl EntryMask {
    /// Whether an entry with mask `self` may hold everything `need` asks for.
    #[inline]
    fn covers(self, need: EntryMask) -> bool {
        (need.bytes & !self.bytes) | (need.chars & !self.chars) == 0
    }
}

/// A bit per byte value: ASCII letters (case folded, as matching folds them) and digits each
/// have their own; every other byte shares one of the remaining 28 bits with others.
#[inline]
fn byte_bit(b: u8) -> u64 {
    match b.to_ascii_lowercase() {
        l @ b'a'..=b'z' => 1 << (l - b'a'),
        d @ b'0'..=b'9' => 1 << (26 + d - b'0'),
        other => 1 << (36 + other % 28),
    }
}

/// A bit for an ordered pair of bytes (case folded), hashed over 64.
#[inline]
fn pair_bit(a: u8, b: u8) -> u64 {
    let key = (a.to_ascii_lowercase() as u32) << 8 | b.to_ascii_lowercase() as u32;
    1 << (key.wrapping_mul(0x9E37_79B1) >> 26)
}

/// The bits ([`byte_bit`]) of every byte of `s`.
fn bytes_mask(s: &str) -> u64 {
    s.bytes().fold(0, |m, b| m | byte_bit(b))
}

/// A bit per non-ASCII character, hashed over 64: Chinese names differ far more in their
/// characters than in their UTF-8 bytes.
fn chars_mask(s: &str) -> u64 {
    s.chars().filter(|c| !c.is_ascii()).fold(0, |m, c| {
        m | 1 << ((c as u32).wrapping_mul(0x9E37_79B1) >> 26)
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Letters and digits only: names, initials and full pinyin.
    Ascii,
    /// Chinese without letters: names.
    Chinese,
    /// Chinese with letters ("达gang"): the query's pinyin against full pinyin.
    Mixed,
}

impl Query {
    fn parse(query: &str) -> Option<Query> {
        // The forms spell ü as it is typed, v; a query may have either.
        let q = normalize_name(query).replace('ü', "v");
        if q.is_empty() {
            return None;
        }
        let has_cjk = !q.is_ascii();
        let has_alpha = q.chars().any(|c| c.is_ascii_alphabetic());
        let mode = match (has_cjk, has_alpha) {
            (false, _) => Mode::Ascii,
            (true, false) => Mode::Chinese,
            (true, true) => Mode::Mixed,
        };
        let q_pinyin = if mode == Mode::Mixed {
            pinyin::query_to_pinyin(&q)
        } else {
            String::new()
        };
        let code = crate::model::uscc::looks_like_code(&q).then(|| q.to_ascii_uppercase());
        let written = q.chars().filter(|&ch| as_written(ch)).collect();
        let need = match mode {
            // Matched against every form and the code: every byte (case folded) is needed.
            Mode::Ascii => EntryMask {
                bytes: bytes_mask(&q),
                chars: 0,
            },
            // Matched against the names' text only.
            Mode::Chinese => EntryMask {
                bytes: bytes_mask(&q),
                chars: chars_mask(&q),
            },
            // The query's pinyin against full pinyin.
            Mode::Mixed => EntryMask {
                bytes: bytes_mask(&q_pinyin),
                chars: 0,
            },
        };
        Some(Query {
            q,
            mode,
            q_pinyin,
            code,
            written,
            need,
        })
    }

    /// A cheap test on a row as stored: `false` only when no form of it can match (trusting the
    /// stored forms, as the index does whenever their shape fits the name).
    fn may_match(&self, c: &CandidateRef) -> bool {
        if c.forms.is_empty() {
            return true;
        }
        match self.mode {
            // Pinyin, initials, and any letters and digits of the names are all in the
            // forms; other ASCII (a '-' or '.') is not, so such queries are not filtered.
            Mode::Ascii => {
                self.code.is_some()
                    || !self.q.bytes().all(|b| b.is_ascii_alphanumeric())
                    || is_subsequence(c.forms, &self.q)
            }
            Mode::Mixed => is_subsequence(c.forms, &self.q_pinyin),
            // Characters that normalising neither changes nor produces must appear, in
            // order, in the name or a short name as written.
            Mode::Chinese => std::iter::once(c.name)
                .chain(c.short_names.iter())
                .any(|n| is_subsequence(n, &self.written)),
        }
    }

    /// Whether every entry matching `self` also matched `prev`, so the search can start from
    /// `prev`'s matches instead of the whole index.
    fn narrows(&self, prev: &Query) -> bool {
        self.mode == prev.mode
            && self.code.is_some() == prev.code.is_some()
            && self.q.starts_with(&prev.q)
            && self.q_pinyin.starts_with(&prev.q_pinyin)
    }
}

/// Whether `pat` is a subsequence of `hay` with fuzzy-matcher's character equality (ASCII case
/// folded): exactly the cases where the scorer returns a score.
fn is_subsequence(hay: &str, pat: &str) -> bool {
    let mut rest = hay;
    for p in pat.chars() {
        let next = if p.is_ascii() {
            let pb = p as u8;
            rest.bytes()
                .position(|b| b.eq_ignore_ascii_case(&pb))
                .map(|i| i + 1)
        } else {
            rest.find(p).map(|i| i + p.len_utf8())
        };
        match next {
            Some(i) => rest = &rest[i..],
            None => return false,
        }
    }
    true
}

/// [`is_subsequence`] byte by byte (ASCII case folded).
fn is_byte_subsequence(hay: &[u8], pat: &[u8]) -> bool {
    let mut rest = hay.iter();
    pat.iter().all(|p| rest.any(|h| h.eq_ignore_ascii_case(p)))
}

/// Where `pat` first occurs in `hay` (what `str::find` answers for a `str` pattern), by a plain
/// scan: the texts are short and the patterns a few bytes, where building a two-way searcher
/// costs more than the search.
#[inline]
fn find_bytes(hay: &[u8], pat: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = pat.split_first() else {
        return Some(0);
    };
    if pat.len() > hay.len() {
        return None;
    }
    let last_start = hay.len() - pat.len();
    let mut i = 0;
    while i <= last_start {
        let at = i + hay[i..=last_start].iter().position(|&b| b == first)?;
        if hay[at + 1..at + pat.len()] == *rest {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Whether `ch` in a normalised name can only come from the same character as written.
fn as_written(ch: char) -> bool {
    !ch.is_ascii() && crate::model::text::fold_width(ch) == ch && ch != '"'
}

/// Whether `pat` can be typed as pinyin of the name whose syllables, run together, are
/// `pinyin` (lengths `lens`): each pattern letter either continues the syllable the previous
/// one was in, or starts a later syllable — "huiyuan" and "hyuan" find 慧源, but letters
/// picked from anywhere ("huiyuan" out of "...hui...yu...an...") do not. `None` when the pinyin
/// is too long for the bit set (over 128 bytes); callers then fall back to a plain
/// subsequence.
fn syllable_subsequence(pinyin: &[u8], lens: &[u8], pat: &[u8]) -> Option<bool> {
    if pinyin.len() > 128 {
        return None;
    }
    let mut starts: u128 = 0;
    let mut at = 0usize;
    for &len in lens {
        if len > 0 && at < pinyin.len() {
            starts |= 1 << at;
        }
        at += len as usize;
    }
    let eq = |c: u8| -> u128 {
        pinyin
            .iter()
            .enumerate()
            .filter(|(_, b)| b.eq_ignore_ascii_case(&c))
            .fold(0, |m, (i, _)| m | (1 << i))
    };
    let mut reach: u128 = 0;
    for (k, &c) in pat.iter().enumerate() {
        let here = eq(c);
        reach = if k == 0 {
            here & starts
        } else {
            // Continue within the syllable, or start any syllable after the first place
            // reached so far.
            let after_first = !((reach & reach.wrapping_neg()) << 1).wrapping_sub(1);
            ((reach << 1) & !starts & here) | (after_first & starts & here)
        };
        if reach == 0 {
            return Some(false);
        }
    }
    Some(true)
}

/// Whether byte `at` of a name's pinyin is where a syllable (of lengths `lens`) starts.
fn starts_at(lens: &[u8], at: usize) -> bool {
    let mut pos = 0usize;
    for &len in lens {
        if pos == at && len > 0 {
            return true;
        }
        if pos > at {
            return false;
        }
        pos += len as usize;
    }
    false
}

/// Pools at least this large are bounded on two threads (a keystroke's full scan at province
/// scale; smaller pools finish before a thread would start paying off). Unit tests use a lower
/// threshold so that their 1 500-entry indexes take the two-thread path too.
const PARALLEL_FROM: usize = if cfg!(test) { 500 } else { 20_000 };

/// Chunks a large pool is cut into for the two threads (even, so each thread takes half).
const PARALLEL_CHUNKS: usize = 16;

/// A scored candidate: (score, entry, name index, via).
type Scored = (i64, u32, u16, MatchVia);

/// One form of a name to match: the text, the pattern, the via's bonus, the via, and the
/// form's plain first byte (0 when it may hold word heads anywhere).
type Form<'a> = (&'a str, &'a str, i64, MatchVia, u8);

impl SearchIndex {
    pub fn new(mut candidates: Vec<Candidate>) -> Self {
        static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let mut index = SearchIndex {
            entries: Vec::with_capacity(candidates.len()),
            masks: Vec::with_capacity(candidates.len()),
            forms: Vec::with_capacity(candidates.len() * 2),
            arena: String::new(),
            syl_lens: Vec::new(),
            matcher: SkimMatcherV2::default().ignore_case(),
            generation: GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        };
        // Result order for equal scores: fewer characters, then the name (stable, so an
        // enterprise comes before a park of the same name).
        candidates.sort_by(|a, b| a.name.cmp(&b.name));
        candidates.sort_by_cached_key(|c| c.name.chars().count());
        for c in candidates {
            index.add(c);
        }
        index.arena.shrink_to_fit();
        index.syl_lens.shrink_to_fit();
        index.forms.shrink_to_fit();
        index.masks.shrink_to_fit();
        index
    }

    fn push(&mut self, s: &str) -> Span {
        let off = self.arena.len() as u32;
        self.arena.push_str(s);
        Span(off, s.len() as u32)
    }

    fn s(&self, sp: Span) -> &str {
        &self.arena[sp.0 as usize..(sp.0 + sp.1) as usize]
    }

    fn add(&mut self, c: Candidate) {
        self.add_ref(&CandidateRef {
            kind: c.kind,
            id: c.id,
            name: &c.name,
            short_names: ShortNames::List(&c.short_names),
            uscc: c.uscc.as_deref(),
            forms: &c.forms,
        });
    }

    fn add_ref(&mut self, c: &CandidateRef) {
        let mut stored = c.forms.lines();
        let first_form = self.forms.len() as u32;
        let mut mask = EntryMask::default();
        let name = self.push(c.name);
        for (i, original) in std::iter::once(c.name)
            .chain(c.short_names.iter())
            .enumerate()
        {
            let line = stored.next();
            let text = normalize_name_cow(original);
            let original = if i == 0 {
                None
            } else {
                Some(self.push(original))
            };
            let text_ascii = text.bytes().any(|b| b.is_ascii());
            let n_chars = text.chars().count();
            let text_span = self.push(&text);
            let stored = line.and_then(|line| self.push_stored_syllables(line, n_chars));
            let (pinyin, initials, syl_lens) = match stored {
                Some(spans) => spans,
                None => {
                    let computed = pinyin::syllables(&text);
                    self.push_syllables(computed.iter().map(String::as_str))
                }
            };
            let head = |t: &str| {
                if !t.is_empty()
                    && t.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                {
                    t.as_bytes()[0]
                } else {
                    0
                }
            };
            let pinyin_head = head(self.s(pinyin));
            let initials_head = head(self.s(initials));
            let text_mask = bytes_mask(&text);
            let pinyin_mask = bytes_mask(self.s(pinyin));
            let initials_mask = bytes_mask(self.s(initials));
            let (head_pairs, inner_pairs) = self.syllable_pairs(pinyin, syl_lens);
            mask.bytes |= text_mask | pinyin_mask | initials_mask;
            mask.chars |= chars_mask(&text);
            self.forms.push(NameForm {
                text: text_span,
                pinyin,
                text_ascii,
                text_mask,
                pinyin_mask,
                initials_mask,
                head_pairs,
                inner_pairs,
                initials,
                original,
                syl_lens,
                pinyin_head,
                initials_head,
            });
        }
        let uscc = c.uscc.map(|u| self.push(u));
        if let Some(u) = c.uscc {
            mask.bytes |= bytes_mask(u);
        }
        self.masks.push(mask);
        self.entries.push(Entry {
            kind: c.kind,
            id: c.id,
            name,
            uscc,
            forms: first_form..self.forms.len() as u32,
        });
    }

    /// [`pair_bit`] of the first two bytes of every syllable of a name's pinyin, and of every
    /// two adjacent bytes within a syllable.
    fn syllable_pairs(&self, pinyin: Span, syl_lens: Span) -> (u64, u64) {
        let bytes = self.s(pinyin).as_bytes();
        let mut at = 0usize;
        let (mut head, mut inner) = (0, 0);
        for &len in &self.syl_lens[syl_lens.0 as usize..(syl_lens.0 + syl_lens.1) as usize] {
            let end = (at + len as usize).min(bytes.len());
            if at + 1 < end {
                head |= pair_bit(bytes[at], bytes[at + 1]);
            }
            for j in at..end.saturating_sub(1) {
                inner |= pair_bit(bytes[j], bytes[j + 1]);
            }
            at += len as usize;
        }
        (head, inner)
    }

    /// [`Self::push_syllables`] for a stored line of `n_chars` space-separated syllables, in
    /// one pass over the line; `None` (and nothing pushed) when the line has another count.
    fn push_stored_syllables(&mut self, line: &str, n_chars: usize) -> Option<(Span, Span, Span)> {
        let (arena0, lens0) = (self.arena.len(), self.syl_lens.len());
        for syl in line.split(' ') {
            self.arena.push_str(syl);
            self.syl_lens.push(syl.len().min(u8::MAX as usize) as u8);
        }
        if self.syl_lens.len() - lens0 != n_chars {
            self.arena.truncate(arena0);
            self.syl_lens.truncate(lens0);
            return None;
        }
        let pinyin = Span(arena0 as u32, (self.arena.len() - arena0) as u32);
        let off = self.arena.len();
        for syl in line.split(' ') {
            if let Some(ch) = syl.chars().next() {
                self.arena.push(ch);
            }
        }
        let initials = Span(off as u32, (self.arena.len() - off) as u32);
        let syl_lens = Span(lens0 as u32, n_chars as u32);
        Some((pinyin, initials, syl_lens))
    }

    /// Append a name's syllables run together, their initials and their lengths.
    fn push_syllables<'s>(
        &mut self,
        sylls: impl Iterator<Item = &'s str> + Clone,
    ) -> (Span, Span, Span) {
        let off = self.arena.len() as u32;
        for syl in sylls.clone() {
            self.arena.push_str(syl);
        }
        let pinyin = Span(off, self.arena.len() as u32 - off);
        let off = self.arena.len() as u32;
        for syl in sylls.clone() {
            if let Some(ch) = syl.chars().next() {
                self.arena.push(ch);
            }
        }
        let initials = Span(off, self.arena.len() as u32 - off);
        let off = self.syl_lens.len() as u32;
        self.syl_lens
            .extend(sylls.map(|s| s.len().min(u8::MAX as usize) as u8));
        let syl_lens = Span(off, self.syl_lens.len() as u32 - off);
        (pinyin, initials, syl_lens)
    }

    /// Empty the index for reuse, keeping its buffers.
    fn clear(&mut self) {
        self.entries.clear();
        self.masks.clear();
        self.forms.clear();
        self.arena.clear();
        self.syl_lens.clear();
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Rank every match of `query`, best first, and return at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        match Query::parse(query) {
            Some(q) => self.rank(&q, limit, None, None),
            None => Vec::new(),
        }
    }

    fn names(&self, e: &Entry) -> &[NameForm] {
        &self.forms[e.forms.start as usize..e.forms.end as usize]
    }

    /// The forms of one name that `q` is matched against. Order matters: on equal scores the
    /// first one wins.
    fn forms<'a>(&'a self, q: &'a Query, n: &NameForm) -> impl Iterator<Item = Form<'a>> {
        let (a, b, c): (Option<Form>, Option<Form>, Option<Form>) = match q.mode {
            Mode::Ascii => (
                Some((self.s(n.text), q.q.as_str(), 40, MatchVia::Name, 0)),
                Some((
                    self.s(n.initials),
                    q.q.as_str(),
                    20,
                    MatchVia::Initials,
                    n.initials_head,
                )),
                Some((
                    self.s(n.pinyin),
                    q.q.as_str(),
                    0,
                    MatchVia::Pinyin,
                    n.pinyin_head,
                )),
            ),
            Mode::Chinese => (
                Some((self.s(n.text), q.q.as_str(), 40, MatchVia::Name, 0)),
                None,
                None,
            ),
            Mode::Mixed => (
                Some((
                    self.s(n.pinyin),
                    q.q_pinyin.as_str(),
                    0,
                    MatchVia::Pinyin,
                    n.pinyin_head,
                )),
                None,
                None,
            ),
        };
        a.into_iter().chain(b).chain(c)
    }

    fn code_bonus(&self, q: &Query, e: &Entry) -> Option<i64> {
        let (Some(qc), Some(code)) = (&q.code, e.uscc) else {
            return None;
        };
        let code = self.s(code);
        if !code.contains(qc.as_str()) {
            return None;
        }
        Some(if code == qc {
            5000
        } else if code.starts_with(qc.as_str()) {
            3000
        } else {
            2000
        })
    }

    /// Whether `form` (of name `n`) matches at all: the pattern is a subsequence of the text,
    /// and on full pinyin each run of the pattern starts a syllable (see
    /// [`syllable_subsequence`]).
    fn form_matches(&self, n: &NameForm, form: &Form) -> bool {
        self.form_matches_found(n, form, find_bytes(form.0.as_bytes(), form.1.as_bytes()))
    }

    /// [`Self::form_matches`] given where the pattern occurs whole in the text first (`found`).
    fn form_matches_found(
        &self,
        n: &NameForm,
        &(text, pat, _, via, _): &Form,
        found: Option<usize>,
    ) -> bool {
        if via == MatchVia::Pinyin {
            let lens = self.syllable_lengths(n);
            match found {
                // Typed in one run from the head of a syllable: the common case, no need for
                // the full test.
                Some(at) if starts_at(lens, at) => return true,
                Some(_) => {}
                None if !is_subsequence(text, pat) => return false,
                None => {}
            }
            syllable_subsequence(text.as_bytes(), lens, pat.as_bytes()).unwrap_or(true)
        } else {
            found.is_some() || is_subsequence(text, pat)
        }
    }

    /// The best score one form could reach, or `None` when the pattern is not in it.
    fn form_bound(&self, n: &NameForm, form: Form, is_short: bool) -> Option<i64> {
        let found = find_bytes(form.0.as_bytes(), form.1.as_bytes());
        if !self.form_matches_found(n, &form, found) {
            return None;
        }
        Some(Self::found_form_bound(form, is_short, found))
    }

    /// [`Self::form_bound`] of a form known to match.
    fn matched_form_bound(form: Form, is_short: bool) -> i64 {
        let found = find_bytes(form.0.as_bytes(), form.1.as_bytes());
        Self::found_form_bound(form, is_short, found)
    }

    /// [`Self::matched_form_bound`] given where the pattern occurs whole first (`found`).
    fn found_form_bound(
        (text, pat, via_bonus, _, head): Form,
        is_short: bool,
        found: Option<usize>,
    ) -> i64 {
        let bound = SkimBound::for_form(head, pat);
        let (skim, exact) = match found {
            // Contiguous somewhere: no pair can be missing.
            Some(at) => (
                bound.first + bound.consecutive * (pat.chars().count() as i64 - 1),
                found_bonus(at, text.len() == pat.len(), is_short),
            ),
            None => (bound.of(text, pat), 0),
        };
        skim + exact + via_bonus
    }

    /// A cheap test that fails only when the pinyin form of `n` cannot match `pat` under the
    /// syllable rule ([`syllable_subsequence`]). There the pattern's first byte starts a
    /// syllable, and every later one either continues the syllable of the one before it or
    /// starts a syllable after the earliest place the pattern so far can end. A byte that
    /// cannot continue (no syllable of the name holds the pair: for the second byte, no
    /// syllable starts with it) must start one; the earliest ends only grow, so these forced
    /// syllable heads are, in order, a subsequence of the name's initials. Pinyin too long
    /// for the rule is matched as a plain subsequence, which this does not test.
    #[inline]
    fn pinyin_may_match(&self, n: &NameForm, pat: &[u8]) -> bool {
        const MAX: usize = 32;
        if n.pinyin.1 > 128 || pat.len() > MAX {
            return true;
        }
        let Some((&first, rest)) = pat.split_first() else {
            return true;
        };
        let mut forced = [0u8; MAX];
        forced[0] = first;
        let mut len = 1;
        let mut prev = first;
        for (k, &b) in rest.iter().enumerate() {
            let pairs = if k == 0 { n.head_pairs } else { n.inner_pairs };
            if pairs & pair_bit(prev, b) == 0 {
                forced[len] = b;
                len += 1;
            }
            prev = b;
        }
        let forced = &forced[..len];
        if forced.iter().any(|&b| n.initials_mask & byte_bit(b) == 0) {
            return false;
        }
        len == 1 || is_byte_subsequence(self.s(n.initials).as_bytes(), forced)
    }

    /// The best score any form of entry `ei` could reach, or `None` when nothing in it
    /// matches.
    fn upper_bound(&self, q: &Query, ei: u32) -> Option<i64> {
        // Nothing of what the query needs is missing from the entry as a whole, and then from
        // each form tested.
        if !self.masks[ei as usize].covers(q.need) {
            return None;
        }
        let e = &self.entries[ei as usize];
        let fits = |form_mask: u64| q.need.bytes & !form_mask == 0;
        let mut best = self.code_bonus(q, e);
        fn raise(best: &mut Option<i64>, ub: Option<i64>) {
            if let Some(ub) = ub {
                *best = Some(best.map_or(ub, |b| b.max(ub)));
            }
        }
        // Once the entry matches, a form that cannot beat its best so far (judged from its
        // length and first byte alone) changes nothing.
        let beaten = |best: Option<i64>, form: &Form, is_short: bool| {
            best.is_some_and(|b| Self::cheap_form_bound(form, is_short) <= b)
        };
        for (ni, n) in self.names(e).iter().enumerate() {
            let is_short = ni > 0;
            // The same forms as `forms`, skipping work that cannot change the answer.
            match q.mode {
                Mode::Chinese => {
                    let form = (self.s(n.text), q.q.as_str(), 40, MatchVia::Name, 0);
                    if fits(n.text_mask) && !beaten(best, &form, is_short) {
                        raise(&mut best, self.form_bound(n, form, is_short));
                    }
                }
                Mode::Mixed => {
                    let form = (
                        self.s(n.pinyin),
                        q.q_pinyin.as_str(),
                        0,
                        MatchVia::Pinyin,
                        n.pinyin_head,
                    );
                    if fits(n.pinyin_mask)
                        && !beaten(best, &form, is_short)
                        && self.pinyin_may_match(n, q.q_pinyin.as_bytes())
                    {
                        raise(&mut best, self.form_bound(n, form, is_short));
                    }
                }
                Mode::Ascii => {
                    let pat = q.q.as_str();
                    // A name without ASCII cannot match.
                    let text = (self.s(n.text), pat, 40, MatchVia::Name, 0);
                    if n.text_ascii && fits(n.text_mask) && !beaten(best, &text, is_short) {
                        raise(&mut best, self.form_bound(n, text, is_short));
                    }
                    let initials = (
                        self.s(n.initials),
                        pat,
                        20,
                        MatchVia::Initials,
                        n.initials_head,
                    );
                    let pinyin = (self.s(n.pinyin), pat, 0, MatchVia::Pinyin, n.pinyin_head);
                    let on_initials = if fits(n.initials_mask) && !beaten(best, &initials, is_short)
                    {
                        self.form_bound(n, initials, is_short)
                    } else {
                        None
                    };
                    raise(&mut best, on_initials);
                    if beaten(best, &pinyin, is_short) {
                        continue;
                    }
                    // A query matching the initials matches the full pinyin too (each letter
                    // starts a syllable), so that test is skipped.
                    if on_initials.is_some() {
                        raise(&mut best, Some(Self::matched_form_bound(pinyin, is_short)));
                    } else if fits(n.pinyin_mask) && self.pinyin_may_match(n, pat.as_bytes()) {
                        raise(&mut best, self.form_bound(n, pinyin, is_short));
                    }
                }
            }
        }
        best
    }

    /// At least [`Self::form_bound`] of `form`, from the lengths and first bytes alone: the
    /// pattern taken as contiguous, at the start when the first bytes agree.
    fn cheap_form_bound(&(text, pat, via_bonus, _, head): &Form, is_short: bool) -> i64 {
        let bound = SkimBound::for_form(head, pat);
        let skim = bound.first + bound.consecutive * (pat.chars().count() as i64 - 1);
        let exact = match (text.as_bytes().first(), pat.as_bytes().first()) {
            (Some(t), Some(p)) if t == p => found_bonus(0, text.len() == pat.len(), is_short),
            _ => found_bonus(1, false, is_short),
        };
        skim + exact + via_bonus
    }

    /// The exact score of `e` as fuzzy-matcher ranks it, with the name and form that won.
    fn score(&self, q: &Query, ei: u32, scorer: &mut Scorer) -> Option<Scored> {
        let e = &self.entries[ei as usize];
        let mut best: Option<(i64, u16, MatchVia)> = None;
        let mut consider = |s: i64, ni: u16, via: MatchVia| {
            if best.is_none_or(|(b, _, _)| s > b) {
                best = Some((s, ni, via));
            }
        };
        if let Some(bonus) = self.code_bonus(q, e) {
            consider(bonus, 0, MatchVia::Code);
        }
        for (ni, n) in self.names(e).iter().enumerate() {
            for form in self.forms(q, n) {
                let (text, pat, via_bonus, via, _) = form;
                if !self.form_matches(n, &form) {
                    continue;
                }
                // fuzzy-matcher's score with a fresh matrix (see [`skim`]): it reuses its
                // matrix between calls without clearing it, so bonuses left by an earlier call
                // would leak into the next score and a ranking would depend on what was scored
                // before it.
                if let Some(s) = scorer.score(text, pat) {
                    consider(
                        s + exact_bonus(text, pat, ni > 0) + via_bonus,
                        ni as u16,
                        via,
                    );
                }
            }
        }
        best.map(|(s, ni, via)| (s, ei, ni, via))
    }

    /// Result order: score, then the shorter name, then the name (the entries' order).
    fn order(a: &Scored, b: &Scored) -> std::cmp::Ordering {
        b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1))
    }

    /// Rank the matches of `q` among `pool` (every entry when `None`), collecting every entry
    /// that matches at all into `matched` for the next, longer query.
    ///
    /// Two passes: a cheap one finds the matching entries and bounds each one's score (a
    /// subsequence test, an exact/prefix/contains test, and the scorer's maximum for the
    /// pattern's length); then fuzzy-matcher scores them in order of that bound, stopping as
    /// soon as no remaining bound can reach the current top `limit`.
    fn rank(
        &self,
        q: &Query,
        limit: usize,
        pool: Option<&[u32]>,
        mut matched: Option<&mut Vec<u32>>,
    ) -> Vec<Hit> {
        // Buckets of entries by upper bound (bounds take few distinct values), each in entry
        // order; a large pool is bounded on two threads, in chunks dealt alternately (the cost
        // of an entry drifts along the pool: later entries have longer names) and merged back
        // in pool order.
        let n = pool.map_or(self.entries.len(), <[u32]>::len);
        let part = |from: usize, to: usize| match pool {
            Some(p) => self.bound_all(q, p[from..to].iter().copied()),
            None => self.bound_all(q, from as u32..to as u32),
        };
        let chunks = |first: usize| {
            (first..PARALLEL_CHUNKS)
                .step_by(2)
                .map(|c| part(n * c / PARALLEL_CHUNKS, n * (c + 1) / PARALLEL_CHUNKS))
                .collect::<Vec<_>>()
        };
        let halves = if n >= PARALLEL_FROM {
            std::thread::scope(|s| {
                let odd = s.spawn(|| chunks(1));
                let even = chunks(0);
                // A panic on the other thread is a bug; fall back to bounding its part here.
                let odd = odd.join().unwrap_or_else(|_| chunks(1));
                even.into_iter()
                    .zip(odd)
                    .flat_map(|(e, o)| [e, o])
                    .collect()
            })
        } else {
            vec![part(0, n)]
        };
        let mut buckets: Vec<(i64, Vec<u32>)> = Vec::new();
        for (half_matched, half_buckets) in halves {
            if let Some(m) = matched.as_deref_mut() {
                m.extend(half_matched);
            }
            for (ub, list) in half_buckets {
                match buckets.iter_mut().find(|(b, _)| *b == ub) {
                    Some((_, v)) => v.extend(list),
                    None => buckets.push((ub, list)),
                }
            }
        }
        if limit == 0 {
            return Vec::new();
        }
        buckets.sort_unstable_by_key(|b| std::cmp::Reverse(b.0));

        let mut scorer = Scorer::new();
        let mut kept: Vec<Scored> = Vec::new();
        // The worst of the best `limit` seen so far, once there are `limit` of them.
        let mut worst: Option<Scored> = None;
        'buckets: for (ub, list) in &buckets {
            for &ei in list {
                if let Some(w) = worst {
                    // Only a tie-break win could get it in, and the entries of a bucket come in
                    // tie-break order: none of this bucket's rest, nor any lower bucket, can.
                    if *ub < w.0 || (*ub == w.0 && ei >= w.1) {
                        break 'buckets;
                    }
                }
                if let Some(s) = self.score(q, ei, &mut scorer) {
                    kept.push(s);
                    if kept.len() == limit || kept.len() >= 2 * limit {
                        kept.select_nth_unstable_by(limit - 1, Self::order);
                        kept.truncate(limit);
                        worst = Some(kept[limit - 1]);
                    }
                }
            }
        }
        kept.sort_by(Self::order);
        kept.truncate(limit);
        kept.into_iter().map(|s| self.hit(q, s)).collect()
    }

    /// The entries of `pool` that match `q`, and the same entries bucketed by upper bound.
    #[allow(clippy::type_complexity)]
    fn bound_all(
        &self,
        q: &Query,
        pool: impl Iterator<Item = u32>,
    ) -> (Vec<u32>, Vec<(i64, Vec<u32>)>) {
        let mut matched = Vec::new();
        let mut buckets: Vec<(i64, Vec<u32>)> = Vec::new();
        for ei in pool {
            if let Some(ub) = self.upper_bound(q, ei) {
                matched.push(ei);
                match buckets.iter_mut().find(|(b, _)| *b == ub) {
                    Some((_, v)) => v.push(ei),
                    None => buckets.push((ub, vec![ei])),
                }
            }
        }
        (matched, buckets)
    }

    fn hit(&self, q: &Query, (score, ei, ni, via): Scored) -> Hit {
        let e = &self.entries[ei as usize];
        let n = &self.names(e)[ni as usize];
        let original = self.s(n.original.unwrap_or(e.name));
        let text = self.s(n.text);
        let highlight = match via {
            MatchVia::Code => Vec::new(),
            MatchVia::Name => self.indices(text, &q.q, None),
            MatchVia::Initials => {
                let map = self.initials_map(n, original);
                self.indices(self.s(n.initials), &q.q, Some(&map))
            }
            MatchVia::Pinyin => {
                let pat = if q.mode == Mode::Mixed {
                    &q.q_pinyin
                } else {
                    &q.q
                };
                let map = self.pinyin_map(n, original);
                self.indices(self.s(n.pinyin), pat, Some(&map))
            }
        };
        Hit {
            kind: e.kind,
            id: e.id,
            name: self.s(e.name).to_string(),
            matched: original.to_string(),
            highlight,
            via,
            score,
        }
    }

    fn syllable_lengths(&self, n: &NameForm) -> &[u8] {
        &self.syl_lens[n.syl_lens.0 as usize..(n.syl_lens.0 + n.syl_lens.1) as usize]
    }

    /// For each byte of a name's pinyin, the index of the original character it came from.
    fn pinyin_map(&self, n: &NameForm, original: &str) -> Vec<usize> {
        let pos = original_positions(original, self.s(n.text));
        let mut out = Vec::with_capacity(n.pinyin.1 as usize);
        for (i, &len) in self.syllable_lengths(n).iter().enumerate() {
            let oi = pos.get(i).copied().unwrap_or(i);
            out.extend(std::iter::repeat_n(oi, len as usize));
        }
        out
    }

    /// For each letter of a name's initials, the index of the original character it came from.
    fn initials_map(&self, n: &NameForm, original: &str) -> Vec<usize> {
        let pos = original_positions(original, self.s(n.text));
        self.syllable_lengths(n)
            .iter()
            .enumerate()
            .filter(|(_, len)| **len > 0)
            .map(|(i, _)| pos.get(i).copied().unwrap_or(i))
            .collect()
    }

    /// Matched character positions in the original name, mapped back through `map` when the
    /// match was on a pinyin form.
    fn indices(&self, text: &str, q: &str, map: Option<&[usize]>) -> Vec<usize> {
        let Some((_, idx)) = self.matcher.fuzzy_indices(text, q) else {
            return Vec::new();
        };
        let mut out: Vec<usize> = match map {
            None => idx,
            Some(m) => {
                // fuzzy_indices reports char indices; pinyin and initials are ASCII, so they
                // are byte indices too.
                idx.into_iter().filter_map(|i| m.get(i).copied()).collect()
            }
        };
        out.dedup();
        out
    }
}

/// Rank the matches of `query` among candidates read one at a time, without building an index
/// of all of them: what a one-shot `yuanqi search` needs. `each` calls its argument once per
/// candidate, in the order [`SearchIndex::new`] would get them.
///
/// Each candidate is bounded and, when it can still reach the best `limit`, scored on a
/// one-entry index; only those kept are copied. The results (scores, order, highlights) are
/// exactly those of [`SearchIndex::search`] over the same candidates.
pub fn search_stream<E>(
    query: &str,
    limit: usize,
    each: impl FnOnce(&mut dyn FnMut(&CandidateRef)) -> Result<(), E>,
) -> Result<Vec<Hit>, E> {
    search_stream_counted(query, limit, each).map(|(hits, _)| hits)
}

/// [`search_stream`], and how many candidates match in all (the hits are the best `limit` of
/// them): a candidate matches exactly when it has an upper bound (tested against scoring).
pub fn search_stream_counted<E>(
    query: &str,
    limit: usize,
    each: impl FnOnce(&mut dyn FnMut(&CandidateRef)) -> Result<(), E>,
) -> Result<(Vec<Hit>, usize), E> {
    let Some(q) = Query::parse(query) else {
        return Ok((Vec::new(), 0));
    };
    let mut matched = 0usize;
    /// A kept candidate: score, characters in the name, arrival, the candidate.
    type Kept = (i64, usize, usize, Candidate);
    fn order(a: &Kept, b: &Kept) -> std::cmp::Ordering {
        b.0.cmp(&a.0)
            .then_with(|| a.1.cmp(&b.1))
            .then_with(|| a.3.name.cmp(&b.3.name))
            .then_with(|| a.2.cmp(&b.2))
    }
    let mut one = SearchIndex::default();
    let mut scorer = Scorer::new();
    let mut kept: Vec<Kept> = Vec::new();
    // The worst of the best `limit` so far: (score, characters, name), once known.
    let mut worst: Option<(i64, usize, String)> = None;
    let mut seq = 0usize;
    each(&mut |c: &CandidateRef| {
        seq += 1;
        if !q.may_match(c) {
            return;
        }
        one.clear();
        one.add_ref(c);
        let Some(ub) = one.upper_bound(&q, 0) else {
            return;
        };
        matched += 1;
        if limit == 0 {
            return;
        }
        let chars = c.name.chars().count();
        if let Some((ws, wc, wn)) = &worst {
            // Equal to the worst score, it gets in only on the tie-break (arrival order
            // cannot win it: everything kept arrived earlier).
            if ub < *ws || (ub == *ws && (chars, c.name) >= (*wc, wn.as_str())) {
                return;
            }
        }
        let Some((score, ..)) = one.score(&q, 0, &mut scorer) else {
            return;
        };
        kept.push((score, chars, seq, c.to_candidate()));
        if kept.len() >= 2 * limit {
            kept.select_nth_unstable_by(limit - 1, order);
            kept.truncate(limit);
            let w = &kept[limit - 1];
            worst = Some((w.0, w.1, w.3.name.clone()));
        }
    })?;
    // The survivors in arrival order, so an index over them breaks ties as the full one does.
    kept.sort_by_key(|k| k.2);
    let index = SearchIndex::new(kept.into_iter().map(|k| k.3).collect());
    Ok((index.rank(&q, limit, None, None), matched))
}

/// Incremental search for a query typed one character at a time: when the new query extends
/// the previous one, only the previous query's matches are examined again.
///
/// Results are exactly those of [`SearchIndex::search`]; only the work differs.
#[derive(Debug, Clone, Default)]
pub struct Searcher {
    generation: u64,
    last: Option<Query>,
    /// Entries that matched `last` (every entry that could match a longer query).
    matched: Vec<u32>,
}

impl Searcher {
    pub fn new() -> Self {
        Self::default()
    }

    /// Rank every match of `query` in `index`, best first, and return at most `limit`.
    pub fn search(&mut self, index: &SearchIndex, query: &str, limit: usize) -> Vec<Hit> {
        let Some(q) = Query::parse(query) else {
            self.last = None;
            self.matched.clear();
            return Vec::new();
        };
        let narrows = self.generation == index.generation
            && self.last.as_ref().is_some_and(|prev| q.narrows(prev));
        let mut matched = Vec::new();
        let hits = if narrows {
            index.rank(&q, limit, Some(&self.matched), Some(&mut matched))
        } else {
            index.rank(&q, limit, None, Some(&mut matched))
        };
        self.generation = index.generation;
        self.matched = matched;
        self.last = Some(q);
        hits
    }

    /// How many entries matched the last query: all of them, not only the `limit` returned.
    pub fn matched(&self) -> usize {
        if self.last.is_some() {
            self.matched.len()
        } else {
            0
        }
    }
}

/// Bonus for an exact or prefix match; short names weigh most, since people type them whole.
fn exact_bonus(text: &str, q: &str, is_short: bool) -> i64 {
    text.find(q)
        .map_or(0, |at| found_bonus(at, text.len() == q.len(), is_short))
}

/// [`exact_bonus`] once the query was found at byte `at`.
fn found_bonus(at: usize, whole: bool, is_short: bool) -> i64 {
    match (at, whole) {
        (0, true) if is_short => 1200,
        (0, true) => 1000,
        (0, false) => 300,
        _ => 100,
    }
}

/// For each character of `norm` (the normalised form of `original`), its index in `original`.
fn original_positions(original: &str, norm: &str) -> Vec<usize> {
    if original == norm {
        return (0..norm.chars().count()).collect();
    }
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

/// Highlight indices refer to the normalised name when they come from a name match; this maps
/// them to the original for display.
pub fn highlight_in_original(original: &str, norm_indices: &[usize]) -> Vec<usize> {
    let pos = original_positions(original, &normalize_name(original));
    norm_indices
        .iter()
        .filter_map(|&i| pos.get(i).copied())
        .collect()
}

/// The names in `names` closest to `wanted`, for "did you mean" hints where fuzzy matching finds
/// nothing (宣汗县 → 宣汉县, 正原微玻璃纤维 → 宣汉正原微玻纤有限公司). Ranked by the share of
/// characters the two have in common (Dice over character multisets), with a bonus when one
/// contains the other; names sharing too little are left out.
pub fn closest<'a>(
    wanted: &str,
    names: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<String> {
    let w_norm = normalize_name(wanted);
    let w: Vec<char> = w_norm.chars().collect();
    if w.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(i64, &str)> = names
        .into_iter()
        .filter_map(|name| {
            let norm = normalize_name(name);
            let mut pool: Vec<char> = norm.chars().collect();
            let len = pool.len();
            let mut common = 0i64;
            for ch in &w {
                if let Some(p) = pool.iter().position(|x| x == ch) {
                    pool.swap_remove(p);
                    common += 1;
                }
            }
            let contains = !norm.is_empty() && (norm.contains(&w_norm) || w_norm.contains(&norm));
            let score =
                common * 200 / (w.len() + len).max(1) as i64 + if contains { 100 } else { 0 };
            (common > 0 && score >= 40).then_some((score, name))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, name) in scored {
        if !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
        if out.len() >= limit {
            break;
        }
    }
    out
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

    /// Every entry scored and fully sorted: what ranking must equal, however it prunes.
    fn brute_force(index: &SearchIndex, query: &str, limit: usize) -> Vec<(i64, i64)> {
        let Some(q) = Query::parse(query) else {
            return Vec::new();
        };
        let mut all: Vec<Scored> = (0..index.entries.len() as u32)
            .filter_map(|ei| index.score(&q, ei, &mut Scorer::new()))
            .collect();
        all.sort_by(SearchIndex::order);
        all.truncate(limit);
        all.iter()
            .map(|s| (s.0, index.entries[s.1 as usize].id))
            .collect()
    }

    fn ids(hits: &[Hit]) -> Vec<(i64, i64)> {
        hits.iter().map(|h| (h.score, h.id)).collect()
    }

    #[test]
    fn pruned_and_incremental_ranking_equal_scoring_everything() {
        let mut store = crate::store::Store::open_in_memory().unwrap();
        crate::demo::generate(&mut store, 1_500, |_| {}).unwrap();
        let index = SearchIndex::new(store.search_candidates().unwrap());
        let name: String = store
            .conn()
            .query_row(
                "SELECT name FROM enterprises WHERE locator = 'demo #42'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let short: String = name.chars().skip(2).take(4).collect();
        let typed = [
            name.clone(),
            pinyin::full(&short),
            pinyin::initials(&name),
            format!("{}{}", short.chars().next().unwrap(), pinyin::full(&short)),
            "s".to_string(),
            "9151".to_string(),
            "zhongqing".to_string(),
        ];
        for limit in [1, 50] {
            for full in &typed {
                let mut searcher = Searcher::new();
                let chars: Vec<char> = full.chars().collect();
                for n in 1..=chars.len() {
                    let q: String = chars[..n].iter().collect();
                    let expected = brute_force(&index, &q, limit);
                    assert_eq!(
                        ids(&index.search(&q, limit)),
                        expected,
                        "search {q:?} limit {limit}"
                    );
                    assert_eq!(
                        ids(&searcher.search(&index, &q, limit)),
                        expected,
                        "searcher {q:?} limit {limit}"
                    );
                    let (streamed, matched) =
                        search_stream_counted(&q, limit, |f| store.each_search_candidate(f))
                            .unwrap();
                    assert_eq!(ids(&streamed), expected, "stream {q:?} limit {limit}");
                    assert_eq!(
                        matched,
                        brute_force(&index, &q, usize::MAX).len(),
                        "matches counted by the stream {q:?}"
                    );
                }
                // Deleting a character starts over rather than narrowing.
                let q: String = chars[..1].iter().collect();
                assert_eq!(
                    ids(&searcher.search(&index, &q, limit)),
                    brute_force(&index, &q, limit)
                );
            }
        }
    }

    #[test]
    fn score_bounds_hold_for_every_form() {
        let mut store = crate::store::Store::open_in_memory().unwrap();
        crate::demo::generate(&mut store, 400, |_| {}).unwrap();
        let index = SearchIndex::new(store.search_candidates().unwrap());
        let patterns = [
            "s",
            "h",
            "hui",
            "huiyua",
            "sc",
            "scx",
            "dz",
            "xuanhan",
            "youxian",
            "gongsi",
            "yxgs",
            "qxhy",
            "a",
            "zhi",
            "xinc",
            "gfyx",
            "ke",
            "nengyuan",
            "5g",
            "渠",
            "有限",
            "公司",
            "渠县慧",
            "科技有限",
        ];
        let mut checked = 0;
        for pat in patterns {
            let q = Query::parse(pat).unwrap();
            for e in &index.entries {
                for (ni, n) in index.names(e).iter().enumerate() {
                    for form in index.forms(&q, n) {
                        let (text, p, via_bonus, _, _) = form;
                        let fresh = SkimMatcherV2::default().ignore_case();
                        let score = fresh
                            .fuzzy_match(text, p)
                            .filter(|_| index.form_matches(n, &form));
                        match (score, index.form_bound(n, form, ni > 0)) {
                            (Some(s), Some(ub)) => {
                                let total = s + exact_bonus(text, p, ni > 0) + via_bonus;
                                assert!(total <= ub, "{p:?} in {text:?}: {total} > {ub}");
                                let cheap = SearchIndex::cheap_form_bound(&form, ni > 0);
                                assert!(ub <= cheap, "{p:?} in {text:?}: {ub} > cheap {cheap}");
                                checked += 1;
                            }
                            (None, None) => {}
                            (s, ub) => panic!("{p:?} in {text:?}: score {s:?}, bound {ub:?}"),
                        }
                    }
                }
            }
        }
        assert!(checked > 1000, "only {checked} matches checked");
    }

    /// Queries of every mode over the 1 500-entry demo index and a few odd entries (stored forms
    /// in capitals, ASCII names, a credit code, a name too long for the syllable bit set).
    fn every_kind_of_entry() -> (SearchIndex, Vec<String>) {
        let mut store = crate::store::Store::open_in_memory().unwrap();
        crate::demo::generate(&mut store, 1_500, |_| {}).unwrap();
        let mut candidates = store.search_candidates().unwrap();
        let mut odd = cand(90_001, "达钢ABC-2号", &["DG.2"]);
        odd.forms = "Da Gang A B C - 2 Hao\nD G . 2".into();
        odd.uscc = Some("91511700MA62W3XK7P".into());
        candidates.push(odd);
        let long: String = "渠县慧源汽车零部件制造".repeat(4);
        candidates.push(cand(90_002, &long, &["慧源"]));
        // Stored forms are trusted when their shape fits, even when they do not spell the
        // letters of the name: "acme" is found only as written.
        let mut unspelled = cand(90_003, "ACME数据", &[]);
        unspelled.forms = "x x x x shu ju".into();
        candidates.push(unspelled);
        let index = SearchIndex::new(candidates);
        let mut queries: Vec<String> = [
            "s",
            "h",
            "hu",
            "hui",
            "huiyuan",
            "qx",
            "qxh",
            "qxhy",
            "zhong",
            "u",
            "v",
            "lü",
            "dagang",
            "DaG",
            "abc",
            "a-2",
            "dg.2",
            "2hao",
            "9151",
            "91511700ma",
            "w3xk7p",
            "渠",
            "渠县",
            "慧源",
            "有限公司",
            "达钢",
            "达g",
            "达gang",
            "慧源qiche",
            "钢abc",
            "2号",
            "-",
            "ü",
            "lingbujianzhizaoqu",
            "acme",
            "cmsj",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for e in index.entries.iter().step_by(97) {
            let name = index.s(e.name);
            let short: String = name.chars().skip(2).take(3).collect();
            queries.push(short.clone());
            queries.push(pinyin::full(&short));
            queries.push(pinyin::initials(name));
        }
        (index, queries)
    }

    #[test]
    fn entry_bounds_match_exactly_the_entries_that_score() {
        let (index, queries) = every_kind_of_entry();
        let mut scorer = Scorer::new();
        let mut matched = 0;
        for query in &queries {
            let Some(q) = Query::parse(query) else {
                continue;
            };
            for ei in 0..index.entries.len() as u32 {
                let bound = index.upper_bound(&q, ei);
                let score = index.score(&q, ei, &mut scorer);
                match (score, bound) {
                    (Some(s), Some(ub)) => {
                        assert!(s.0 <= ub, "{query:?} entry {ei}: {} > {ub}", s.0);
                        matched += 1;
                    }
                    (None, None) => {}
                    (s, ub) => panic!("{query:?} entry {ei}: score {s:?}, bound {ub:?}"),
                }
            }
        }
        assert!(matched > 5_000, "only {matched} matches");
        // The odd entries are among what was checked.
        for (query, id) in [
            ("dagang", 90_001),
            ("dg.2", 90_001),
            ("a-2", 90_001),
            ("w3xk7p", 90_001),
            ("达g", 90_001),
            ("lingbujianzhizaoqu", 90_002),
            ("acme", 90_003),
        ] {
            assert!(queries.iter().any(|q| q == query));
            let hits = index.search(query, 2_000);
            assert!(hits.iter().any(|h| h.id == id), "{query:?} finds {id}");
        }
    }

    #[test]
    fn byte_search_is_str_find() {
        let hays = [
            "",
            "a",
            "aaab",
            "huiyuanqiche",
            "渠县慧源汽车",
            "达钢abc达钢",
            "abcabd",
        ];
        let pats = [
            "",
            "a",
            "ab",
            "aab",
            "abd",
            "qi",
            "che",
            "慧源",
            "钢a",
            "达钢",
            "x",
            "渠县慧源汽车零",
        ];
        for h in hays {
            for p in pats {
                assert_eq!(
                    find_bytes(h.as_bytes(), p.as_bytes()),
                    h.find(p),
                    "{p:?} in {h:?}"
                );
            }
        }
    }

    #[test]
    fn pinyin_runs_start_at_syllables() {
        let index = index();
        // Whole syllables, syllables cut short, syllables skipped: all found.
        for q in [
            "zhengyuan",
            "zhengyuanwei",
            "zhengyuanw",
            "zyuan",
            "xuanhanzheng",
            "boxian",
        ] {
            assert!(
                index.search(q, 5).iter().any(|h| h.id == 1),
                "{q} should find 宣汉正原微玻纤"
            );
        }
        // Letters picked from inside syllables are not pinyin anyone types: "anan" is in
        // xuANhAN... only across syllable middles, "uah" only inside xUAnHan.
        assert!(syllable_subsequence(b"xuanhan", &[4, 3], b"xuanhan") == Some(true));
        assert!(syllable_subsequence(b"xuanhan", &[4, 3], b"xhan") == Some(true));
        assert!(syllable_subsequence(b"xuanhan", &[4, 3], b"anan") == Some(false));
        assert!(syllable_subsequence(b"xuanhan", &[4, 3], b"uah") == Some(false));
        assert!(syllable_subsequence(b"xuanhan", &[4, 3], b"xuh") == Some(true));
        // A character without a reading (length 0) takes no place.
        assert!(syllable_subsequence(b"dagang", &[2, 0, 4], b"dg") == Some(true));
        // Too long for the bit set: the caller falls back to a plain subsequence.
        assert_eq!(syllable_subsequence(&[b'a'; 129], &[129], b"a"), None);
        // What the fuzzy scorer alone would have accepted is gone from the results.
        assert!(index.search("anan", 5).is_empty());
    }

    #[test]
    fn equal_scores_list_shorter_names_first_then_by_name() {
        let index = SearchIndex::new(vec![
            cand(1, "达州甲公司", &[]),
            cand(2, "达州乙", &[]),
            cand(3, "达乙", &[]),
            cand(4, "达州丙", &[]),
        ]);
        let hits = index.search("达", 10);
        assert!(hits.iter().all(|h| h.score == hits[0].score), "{hits:?}");
        let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
        // 达乙 (2 characters), then the 3-character names in name order, then the longest.
        let mut three = [("达州乙", 2), ("达州丙", 4)];
        three.sort();
        assert_eq!(ids, vec![3, three[0].1, three[1].1, 1]);
        // The same with room for only two: the cut keeps the order.
        let ids: Vec<i64> = index.search("达", 2).iter().map(|h| h.id).collect();
        assert_eq!(ids, vec![3, three[0].1]);
    }

    #[test]
    fn nothing_matches_nonsense() {
        assert!(index().search("qqqqzzzz", 5).is_empty());
        assert!(index().search("   ", 5).is_empty());
    }
}

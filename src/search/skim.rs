//! The score fuzzy-matcher's `SkimMatcherV2::default().ignore_case().fuzzy_match` gives, computed
//! without allocating.
//!
//! Ranking a province-scale index calls the scorer tens of thousands of times for the first
//! letters of a pinyin query; fuzzy-matcher allocates a score matrix and two character vectors
//! per call (a fresh matcher is needed each time, see [`super::SearchIndex`]), which alone cost
//! more than a frame. [`Scorer`] runs the same dynamic programme over buffers it keeps between
//! calls. It reproduces fuzzy-matcher 0.3.7 exactly, including how its two-row matrix carries
//! values from earlier pattern rows, so rankings do not change; the tests below compare the two
//! on generated text and on real names. fuzzy-matcher itself still computes the highlighted
//! positions of the hits shown.

/// Skim V2's default scoring constants.
const SCORE_MATCH: i32 = 16;
const GAP_START: i32 = -3;
const GAP_EXTENSION: i32 = -1;
const FIRST_CHAR_MULTIPLIER: i32 = 2;
const BONUS_HEAD: i32 = SCORE_MATCH / 2;
const BONUS_BREAK: i32 = SCORE_MATCH / 2 + GAP_EXTENSION;
const BONUS_CAMEL: i32 = SCORE_MATCH / 2 + 2 * GAP_EXTENSION;
const BONUS_CONSECUTIVE: i32 = -(GAP_START + GAP_EXTENSION);
const PENALTY_CASE_MISMATCH: i32 = GAP_EXTENSION * 2;
/// The matrix's "no alignment" value.
const NEG_INFINITY: i32 = i16::MIN as i32;

#[derive(Clone, Copy, PartialEq)]
enum Class {
    Empty,
    Upper,
    Lower,
    Number,
    HardSep,
    SoftSep,
}

fn class(c: char) -> Class {
    match c {
        '\0' => Class::Empty,
        ' ' | '/' | '\\' | '|' | '(' | ')' | '[' | ']' | '{' | '}' => Class::HardSep,
        '!'..='\'' | '*'..='.' | ':'..='@' | '^'..='`' | '~' => Class::SoftSep,
        '0'..='9' => Class::Number,
        'A'..='Z' => Class::Upper,
        _ => Class::Lower,
    }
}

/// Bonus for matching a character in its place: word heads, breaks and camel-case humps.
fn in_place_bonus(prev: Class, cur: Class) -> i32 {
    match (prev, cur) {
        (Class::Empty | Class::HardSep, _) => BONUS_HEAD,
        (Class::SoftSep, _) => BONUS_BREAK,
        (Class::Lower | Class::Number, Class::Upper) => BONUS_CAMEL,
        _ => 0,
    }
}

#[derive(Clone, Copy)]
struct Cell {
    m: i32,
    p: i32,
    bonus: i32,
}

const FRESH: Cell = Cell {
    m: NEG_INFINITY,
    p: NEG_INFINITY,
    bonus: 0,
};

/// Reusable buffers for scoring; one per search.
#[derive(Default)]
pub struct Scorer {
    choice: Vec<char>,
    pattern: Vec<char>,
    first: Vec<usize>,
    bonus: Vec<i32>,
    cells: Vec<Cell>,
}

impl Scorer {
    pub fn new() -> Self {
        Self::default()
    }

    /// fuzzy-matcher's score of `pattern` in `choice` (ASCII case ignored), or `None` when
    /// `pattern` is not a subsequence of `choice`.
    pub fn score(&mut self, choice: &str, pattern: &str) -> Option<i64> {
        if pattern.is_empty() {
            return Some(0);
        }
        self.choice.clear();
        self.choice.extend(choice.chars());
        self.pattern.clear();
        self.pattern.extend(pattern.chars());

        // Where each pattern character first matches, scanning left to right.
        self.first.clear();
        let mut pi = 0;
        for (j, &c) in self.choice.iter().enumerate() {
            if pi == self.pattern.len() {
                break;
            }
            if c.eq_ignore_ascii_case(&self.pattern[pi]) {
                self.first.push(j);
                pi += 1;
            }
        }
        if pi < self.pattern.len() {
            return None;
        }

        let cols = self.choice.len() + 1;
        self.bonus.clear();
        self.bonus.resize(cols, 0);
        let mut prev = Class::Empty;
        for (j, &c) in self.choice.iter().enumerate() {
            let cur = class(c);
            self.bonus[j + 1] = in_place_bonus(prev, cur);
            prev = cur;
        }
        if cols > 1 {
            self.bonus[1] *= FIRST_CHAR_MULTIPLIER;
        }

        // Two rows, used alternately: row (i + 1) & 1 holds pattern row i + 1 and keeps, left of
        // where that row starts, what row i - 1 left there. The scores depend on it.
        self.cells.clear();
        self.cells.resize(2 * cols, FRESH);
        for cell in &mut self.cells[..cols] {
            cell.p = GAP_EXTENSION;
        }

        for (i, &p) in self.pattern.iter().enumerate() {
            let row = ((i + 1) & 1) * cols;
            let row_prev = (i & 1) * cols;
            let start = self.first[i];
            for col in start + 1..cols {
                let c = self.choice[col - 1];
                let cur = row + col;
                let last = row + col - 1;
                let diag = row_prev + col - 1;
                if c.eq_ignore_ascii_case(&p) {
                    let matched =
                        (SCORE_MATCH + if p != c { PENALTY_CASE_MISMATCH } else { 0 }).max(0);
                    let in_place = self.bonus[col];
                    let consecutive = self.cells[last].bonus.max(in_place.max(BONUS_CONSECUTIVE));
                    self.cells[last].bonus = consecutive;
                    let via_match = self.cells[diag].m + consecutive;
                    let via_skip = self.cells[diag].p + in_place;
                    self.cells[cur].m = via_match.max(via_skip) + matched;
                } else {
                    self.cells[cur].m = NEG_INFINITY;
                    self.cells[cur].bonus = 0;
                }
                let gap_open = GAP_START + GAP_EXTENSION + self.cells[last].m;
                let gap_extend = GAP_EXTENSION + self.cells[last].p;
                self.cells[cur].p = gap_open.max(gap_extend);
            }
        }

        let row = (self.pattern.len() & 1) * cols;
        let from = self.first[self.first.len() - 1];
        self.cells[row + from..row + cols]
            .iter()
            .map(|c| c.m)
            .max()
            .map(i64::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fuzzy_matcher::FuzzyMatcher;
    use fuzzy_matcher::skim::SkimMatcherV2;
    use proptest::prelude::*;

    fn reference(choice: &str, pattern: &str) -> Option<i64> {
        SkimMatcherV2::default()
            .ignore_case()
            .fuzzy_match(choice, pattern)
    }

    #[test]
    fn equals_fuzzy_matcher_on_names_and_forms() {
        let texts = [
            "xuanhanzhengyuanweiboxianyouxiangongsi",
            "xhzywbxyxgs",
            "宣汉正原微玻纤有限公司",
            "sichuandazhougangtiejituanyouxianzerengongsi",
            "Foo/Bar baz-Qux_9Z",
            "aaaaabaaaab",
            "5g智能工厂",
            "",
        ];
        let patterns = [
            "x", "xh", "zywbx", "gongsi", "yxgs", "a", "ab", "aab", "baab", "达", "正原", "5g",
            "fb", "FB", "qux9", "zz", "sichuan", "iiii",
        ];
        let mut scorer = Scorer::new();
        for t in texts {
            for p in patterns {
                assert_eq!(scorer.score(t, p), reference(t, p), "{p:?} in {t:?}");
            }
        }
    }

    /// Long patterns over three letters, where many alignments compete and the matrix rows'
    /// leftovers change the score (a generator found "bbabc" in "cbacbcaaaaacaacaacbbacaab",
    /// where clearing the rows gives 51 instead of 55).
    #[test]
    fn equals_fuzzy_matcher_where_alignments_compete() {
        let mut scorer = Scorer::new();
        let t = "cbacbcaaaaacaacaacbbacaab";
        assert_eq!(scorer.score(t, "bbabc"), reference(t, "bbabc"));
        // A fixed pseudo-random sequence, so the test is the same on every run.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut letters = |n: usize| -> String {
            (0..n)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    (b'a' + ((state >> 33) % 3) as u8) as char
                })
                .collect()
        };
        for i in 0..40_000 {
            let text = letters(12 + i % 20);
            let pattern = letters(3 + i % 6);
            assert_eq!(
                scorer.score(&text, &pattern),
                reference(&text, &pattern),
                "{pattern:?} in {text:?}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Every character class (heads, breaks, camel humps, digits, case, CJK).
        #[test]
        fn equals_fuzzy_matcher_on_mixed_text(
            text in "[abcAB1 /._达州-]{0,24}",
            pattern in "[abcAB1 ._达-]{1,6}",
        ) {
            let mut scorer = Scorer::new();
            // The same scorer again after an unrelated call: nothing may carry over.
            let _ = scorer.score("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "zzz");
            prop_assert_eq!(scorer.score(&text, &pattern), reference(&text, &pattern));
        }

        /// Few letters, long patterns: many alignments compete, which is where the matrix
        /// rows' leftovers change the score.
        #[test]
        fn equals_fuzzy_matcher_on_dense_text(text in "[abc]{0,30}", pattern in "[abc]{1,8}") {
            prop_assert_eq!(Scorer::new().score(&text, &pattern), reference(&text, &pattern));
        }
    }
}

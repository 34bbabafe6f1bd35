//! Pinyin forms of names, computed once when a name is written and stored with it.
//!
//! Each character gets one reading: the common reading from the `pinyin` crate, corrected by a
//! curated list of words whose characters read differently in modern use (重庆 chongqing,
//! 银行 yinhang, 冠军 guanjun …). Expanding every heteronym instead would flood results with
//! readings nobody types and slow down long names.

use pinyin::ToPinyin;

/// Words whose reading differs from the per-character default, with their syllables.
/// Kept sorted by topic; each entry is tested below or in `tests/search.rs`.
pub const PHRASES: &[(&str, &[&str])] = &[
    // place names
    ("重庆", &["chong", "qing"]),
    ("长安", &["chang", "an"]),
    ("长沙", &["chang", "sha"]),
    ("长春", &["chang", "chun"]),
    ("长江", &["chang", "jiang"]),
    ("乐山", &["le", "shan"]),
    ("厦门", &["xia", "men"]),
    ("蚌埠", &["beng", "bu"]),
    ("六安", &["lu", "an"]),
    ("丽水", &["li", "shui"]),
    ("大足", &["da", "zu"]),
    ("万源", &["wan", "yuan"]),
    ("朝阳", &["chao", "yang"]),
    ("单县", &["shan", "xian"]),
    ("东莞", &["dong", "guan"]),
    ("番禺", &["pan", "yu"]),
    ("涪陵", &["fu", "ling"]),
    ("渠县", &["qu", "xian"]),
    // business and plan vocabulary
    ("银行", &["yin", "hang"]),
    ("行业", &["hang", "ye"]),
    ("车行", &["che", "hang"]),
    ("商行", &["shang", "hang"]),
    ("会计", &["kuai", "ji"]),
    ("冠军", &["guan", "jun"]),
    ("单项", &["dan", "xiang"]),
    ("重工", &["zhong", "gong"]),
    ("重型", &["zhong", "xing"]),
    ("重点", &["zhong", "dian"]),
    ("重大", &["zhong", "da"]),
    ("重组", &["chong", "zu"]),
    ("增长", &["zeng", "zhang"]),
    ("成长", &["cheng", "zhang"]),
    ("董事长", &["dong", "shi", "zhang"]),
    ("厂长", &["chang", "zhang"]),
    ("校长", &["xiao", "zhang"]),
    ("县长", &["xian", "zhang"]),
    ("市长", &["shi", "zhang"]),
    ("局长", &["ju", "zhang"]),
    ("部长", &["bu", "zhang"]),
    ("院长", &["yuan", "zhang"]),
    ("生长", &["sheng", "zhang"]),
    ("调度", &["diao", "du"]),
    ("调味", &["tiao", "wei"]),
    ("车载", &["che", "zai"]),
    ("承载", &["cheng", "zai"]),
    ("纤维", &["xian", "wei"]),
    ("玻纤", &["bo", "xian"]),
    ("玄纤", &["xuan", "xian"]),
    ("大厦", &["da", "sha"]),
    ("供应", &["gong", "ying"]),
    ("给排水", &["ji", "pai", "shui"]),
    ("还原", &["huan", "yuan"]),
    ("传感", &["chuan", "gan"]),
    ("便利", &["bian", "li"]),
    ("处理", &["chu", "li"]),
    ("数据", &["shu", "ju"]),
    ("汽车", &["qi", "che"]),
    ("发行", &["fa", "xing"]),
    ("航空", &["hang", "kong"]),
    ("石化", &["shi", "hua"]),
    ("藏药", &["zang", "yao"]),
    ("西藏", &["xi", "zang"]),
    ("都江堰", &["du", "jiang", "yan"]),
    ("华蓥", &["hua", "ying"]),
];

/// Characters whose reading in names differs from the `pinyin` crate's default: 长 is cháng in
/// firm and place names (长城, 长信, 长虹); titles and growth that read zhǎng are [`PHRASES`].
/// A change here needs a migration that derives stored forms again (`REDERIVE` in
/// `store::migrations`).
pub const CHARS: &[(char, &str)] = &[('长', "chang")];

/// One token per character of `name`: its pinyin syllable for a Chinese character, the
/// lower-cased character for ASCII letters and digits, and an empty token for anything else.
pub fn syllables(name: &str) -> Vec<String> {
    syllable_refs(name)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// [`syllables`] without an allocation per character: every token is a static string (a
/// syllable of the `pinyin` crate or of [`PHRASES`], or a letter or digit). Names are
/// written by the hundred thousand in an import, so this is the form the write path uses.
pub fn syllable_refs(name: &str) -> Vec<&'static str> {
    let mut chars: Vec<char> = Vec::with_capacity(name.len());
    chars.extend(name.chars());
    let mut out: Vec<&'static str> = chars.iter().map(|&c| token(c)).collect();
    let table = phrases();
    // Where phrases start, as (phrase, position); applied in the order of `PHRASES`, so a
    // later phrase overrides an earlier one where they overlap.
    let mut found: Vec<(usize, usize)> = Vec::new();
    for (start, c) in chars.iter().enumerate() {
        let Ok(at) = table.firsts.binary_search_by_key(c, |&(first, _)| first) else {
            continue;
        };
        for &p in &table.firsts[at].1 {
            let (word, _) = &table.words[p];
            if chars[start..].starts_with(word) {
                found.push((p, start));
            }
        }
    }
    found.sort_unstable();
    for (p, start) in found {
        for (k, r) in table.words[p].1.iter().enumerate() {
            out[start + k] = r;
        }
    }
    out
}

/// The token of one character (before [`PHRASES`] are applied): an ASCII letter or digit,
/// also in its full-width form, stands for itself lower-cased.
fn token(c: char) -> &'static str {
    const ASCII: &str = "0123456789abcdefghijklmnopqrstuvwxyz";
    let i = match crate::model::text::fold_width(c) {
        d @ '0'..='9' => d as usize - '0' as usize,
        l @ 'a'..='z' => l as usize - 'a' as usize + 10,
        u @ 'A'..='Z' => u as usize - 'A' as usize + 10,
        other => {
            if let Some((_, r)) = CHARS.iter().find(|(ch, _)| *ch == other) {
                return r;
            }
            return c.to_pinyin().map(|p| typed(p.plain())).unwrap_or("");
        }
    };
    &ASCII[i..i + 1]
}

/// A syllable as it is typed: ü is keyed as `v` (绿 is "lv" in every pinyin input method).
fn typed(plain: &'static str) -> &'static str {
    match plain {
        "lü" => "lv",
        "nü" => "nv",
        "lüe" => "lve",
        "nüe" => "nve",
        other => other,
    }
}

/// [`PHRASES`] split into characters once, with the phrases that start with each character.
struct PhraseTable {
    words: Vec<(Vec<char>, &'static [&'static str])>,
    /// First character → indexes into `words` (ascending), sorted by the character.
    firsts: Vec<(char, Vec<usize>)>,
}

fn phrases() -> &'static PhraseTable {
    static TABLE: std::sync::OnceLock<PhraseTable> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let words: Vec<(Vec<char>, &'static [&'static str])> = PHRASES
            .iter()
            .map(|(word, readings)| (word.chars().collect(), *readings))
            .collect();
        let mut firsts: Vec<(char, Vec<usize>)> = Vec::new();
        for (p, (word, _)) in words.iter().enumerate() {
            let Some(&first) = word.first() else {
                continue;
            };
            match firsts.iter_mut().find(|(c, _)| *c == first) {
                Some((_, list)) => list.push(p),
                None => firsts.push((first, vec![p])),
            }
        }
        firsts.sort_unstable_by_key(|&(c, _)| c);
        PhraseTable { words, firsts }
    })
}

/// The full pinyin of a name, syllables run together: 达钢 → "dagang".
pub fn full(name: &str) -> String {
    syllable_refs(name).concat()
}

/// The initials of a name: 宣汉正原微玻纤有限公司 → "xhzywbxyxgs".
pub fn initials(name: &str) -> String {
    syllable_refs(name)
        .iter()
        .filter_map(|s| s.chars().next())
        .collect()
}

/// Transliterate the Chinese characters of a mixed query ("达gang") to pinyin ("dagang").
pub fn query_to_pinyin(q: &str) -> String {
    syllable_refs(q).concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curated_readings_win_over_defaults() {
        assert_eq!(full("重庆"), "chongqing");
        // 长 reads cháng in names, zhǎng in titles and growth.
        assert_eq!(full("长信科技"), "changxinkeji");
        assert_eq!(full("董事长"), "dongshizhang");
        assert_eq!(full("增长"), "zengzhang");
        assert_eq!(initials("重庆"), "cq");
        assert_eq!(full("长安"), "changan");
        assert_eq!(full("中国银行"), "zhongguoyinhang");
        assert_eq!(full("会计"), "kuaiji");
        assert_eq!(full("乐山"), "leshan");
        assert_eq!(full("行业"), "hangye");
        assert_eq!(full("制造业单项冠军"), "zhizaoyedanxiangguanjun");
    }

    #[test]
    fn u_umlaut_is_keyed_as_v() {
        assert_eq!(full("绿色"), "lvse");
        assert_eq!(full("女"), "nv");
        assert_eq!(full("略"), "lve");
        assert!(
            (0x4e00..=0x9fa5u32)
                .filter_map(char::from_u32)
                .all(|c| token(c).is_ascii()),
            "every syllable is plain ASCII"
        );
    }

    #[test]
    fn initials_of_a_registered_name() {
        assert_eq!(initials("宣汉正原微玻纤有限公司"), "xhzywbxyxgs");
        assert_eq!(initials("达钢"), "dg");
        assert_eq!(full("5G工厂"), "5ggongchang");
    }

    /// The definition [`syllable_refs`] must agree with: per-character readings, then every
    /// phrase of [`PHRASES`] in order overwriting the characters it covers.
    fn reference(name: &str) -> Vec<String> {
        let chars: Vec<char> = name.chars().collect();
        let mut out: Vec<String> = chars
            .iter()
            .map(|&c| {
                let folded = crate::model::text::fold_width(c);
                if folded.is_ascii_alphanumeric() {
                    folded.to_ascii_lowercase().to_string()
                } else if let Some((_, r)) = CHARS.iter().find(|(ch, _)| *ch == c) {
                    (*r).to_string()
                } else {
                    c.to_pinyin()
                        .map(|p| p.plain().to_string())
                        .unwrap_or_default()
                }
            })
            .collect();
        for (word, readings) in PHRASES {
            let w: Vec<char> = word.chars().collect();
            for start in 0..(chars.len() + 1).saturating_sub(w.len()) {
                if chars[start..start + w.len()] == w[..] {
                    for (k, r) in readings.iter().enumerate() {
                        out[start + k] = (*r).to_string();
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_phrase_has_one_reading_per_character() {
        for (word, readings) in PHRASES {
            assert_eq!(word.chars().count(), readings.len(), "{word}");
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_syllables_match_the_definition(
            picks in proptest::collection::vec(0usize..64, 0..24)
        ) {
            // Characters of the phrases (so phrases occur, overlap and repeat), common name
            // characters, ASCII and full-width letters and digits, spaces and punctuation.
            let pool: Vec<char> = "重庆长安银行董事长大厦西藏都江堰给排水会计冠军单项华蓥有限公司达州钢铁\
                                   科技Ab9Ｚｂ３ 　（）·-_\"“”\u{200b}中乐山"
                .chars()
                .collect();
            let name: String = picks.iter().map(|&i| pool[i % pool.len()]).collect();
            proptest::prop_assert_eq!(syllables(&name), reference(&name));
            proptest::prop_assert_eq!(
                syllable_refs(&name).concat(),
                reference(&name).concat()
            );
        }
    }
}

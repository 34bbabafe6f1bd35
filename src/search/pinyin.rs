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

/// One token per character of `name`: its pinyin syllable for a Chinese character, the
/// lower-cased character for ASCII letters and digits, and an empty token for anything else.
pub fn syllables(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out: Vec<String> = chars
        .iter()
        .map(|&c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase().to_string()
            } else {
                let folded = crate::model::text::fold_width(c);
                if folded.is_ascii_alphanumeric() {
                    return folded.to_ascii_lowercase().to_string();
                }
                c.to_pinyin()
                    .map(|p| p.plain().to_string())
                    .unwrap_or_default()
            }
        })
        .collect();
    for (word, readings) in PHRASES {
        let w: Vec<char> = word.chars().collect();
        if w.len() > chars.len() {
            continue;
        }
        for start in 0..=chars.len() - w.len() {
            if chars[start..start + w.len()] == w[..] {
                for (k, r) in readings.iter().enumerate() {
                    out[start + k] = (*r).to_string();
                }
            }
        }
    }
    out
}

/// The full pinyin of a name, syllables run together: 达钢 → "dagang".
pub fn full(name: &str) -> String {
    syllables(name).concat()
}

/// The initials of a name: 宣汉正原微玻纤有限公司 → "xhzywbxyxgs".
pub fn initials(name: &str) -> String {
    syllables(name)
        .iter()
        .filter_map(|s| s.chars().next())
        .collect()
}

/// Transliterate the Chinese characters of a mixed query ("达gang") to pinyin ("dagang").
pub fn query_to_pinyin(q: &str) -> String {
    syllables(q).concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curated_readings_win_over_defaults() {
        assert_eq!(full("重庆"), "chongqing");
        assert_eq!(initials("重庆"), "cq");
        assert_eq!(full("长安"), "changan");
        assert_eq!(full("中国银行"), "zhongguoyinhang");
        assert_eq!(full("会计"), "kuaiji");
        assert_eq!(full("乐山"), "leshan");
        assert_eq!(full("行业"), "hangye");
        assert_eq!(full("制造业单项冠军"), "zhizaoyedanxiangguanjun");
    }

    #[test]
    fn initials_of_a_registered_name() {
        assert_eq!(initials("宣汉正原微玻纤有限公司"), "xhzywbxyxgs");
        assert_eq!(initials("达钢"), "dg");
        assert_eq!(full("5G工厂"), "5ggongchang");
    }
}

//! Synthetic but realistic Chinese company names and credit codes.
//!
//! A name is `county prefix + 字号 (trade name) + industry word + company suffix`, e.g.
//! 宣汉县鑫源新材料科技有限公司. Every index maps to a different (字号, industry, prefix style,
//! suffix) tuple through a fixed permutation, so a million names are unique without keeping a
//! set of the names already made, and neighbouring indices do not look alike.

use crate::model::uscc::Uscc;

/// Characters that make up trade names (字号): the auspicious vocabulary real registers are
/// full of. No 县/市/区, so a trade name never reads as part of the county prefix.
const TRADE_CHARS: &[char] = &[
    '鑫', '源', '达', '宏', '华', '川', '蜀', '巴', '盛', '泰', '恒', '瑞', '丰', '隆', '兴', '通',
    '安', '康', '宇', '凯', '金', '银', '天', '诚', '信', '利', '远', '科', '创', '新', '辉', '宝',
    '昌', '祥', '汇', '德', '嘉', '佳', '明', '光', '晨', '博', '卓', '越', '力', '聚', '合', '和',
    '正', '中', '东', '西', '南', '邦', '联', '海', '森', '林', '石', '峰', '岭', '江', '河', '秦',
    '顺', '捷', '锦', '绣', '龙', '腾', '飞', '鸿', '运', '豪', '富', '贵', '万', '福', '乐', '永',
    '振', '亿', '美', '益', '欣', '荣', '润', '泽', '洪', '涛', '浩', '翔', '鹏', '骏', '峻', '弘',
    '毅', '融', '智', '慧', '尚', '品', '立', '晟', '元', '方', '圆', '蓝', '青', '绿', '红', '紫',
    '星', '月', '阳', '云', '雨', '雪', '霖', '澜',
];

/// Industry words, as they appear between the trade name and the suffix.
const INDUSTRIES: &[&str] = &[
    "化工",
    "新材料科技",
    "天然气化工",
    "机械制造",
    "电子科技",
    "食品",
    "建材",
    "能源",
    "智能装备",
    "玻纤制品",
    "农业开发",
    "医药",
    "纺织",
    "物流",
    "汽车零部件",
    "冶金",
    "锂电科技",
    "包装",
    "环保科技",
    "生物科技",
    "建筑工程",
    "电力",
    "钢结构",
    "塑业",
    "饲料",
    "酒业",
    "茶业",
    "服饰",
    "家具",
    "印务",
    "信息技术",
    "数据科技",
    "软件",
    "通信技术",
    "光电",
    "精密机械",
    "铸造",
    "陶瓷",
    "水泥",
    "矿业",
    "竹业",
    "中药材",
    "粮油",
    "肉类加工",
    "调味品",
    "新能源",
    "电气",
    "管业",
    "门窗",
    "五金",
    "铝业",
    "玻璃",
    "石材",
    "涂料",
    "橡胶",
    "纸业",
    "电缆",
    "仪器仪表",
    "模具",
    "农机",
    "摩托车配件",
    "齿轮",
    "轴承",
    "阀门",
    "泵业",
    "五金工具",
    "实业",
    "工贸",
    "商贸",
    "供应链管理",
    "检测技术",
    "节能科技",
    "水务",
    "燃气",
    "硅材料",
    "碳纤维",
    "储能科技",
    "半导体",
    "电池材料",
    "生态农业",
];

const SUFFIXES: &[&str] = &["有限公司", "股份有限公司", "有限责任公司"];

/// How the county appears in front of the trade name.
const PREFIX_STYLES: usize = 3;

const N_TRADE: u64 = (TRADE_CHARS.len() * (TRADE_CHARS.len() - 1)) as u64;
const N_IND: u64 = INDUSTRIES.len() as u64;
const N_SUFFIX: u64 = SUFFIXES.len() as u64;
/// Size of the tuple space the permutation runs over.
pub const SPACE: u64 = N_TRADE * N_IND * PREFIX_STYLES as u64 * N_SUFFIX;
// Room for well over a million distinct names.
const _: () = assert!(SPACE > 10_000_000);
/// A prime that divides none of SPACE's factors, so `i * STRIDE mod SPACE` is a bijection.
const STRIDE: u64 = 1_000_003;

/// How a county is written at the front of a company name.
#[derive(Debug, Clone)]
pub struct CountyPrefix {
    /// Full name: 宣汉县.
    pub full: String,
    /// Short name, when it has one: 宣汉.
    pub short: Option<String>,
    /// Province prefix used by companies registered at provincial level: 四川 / 重庆.
    pub province: &'static str,
}

/// A generated enterprise name with its short name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedName {
    pub name: String,
    pub short: String,
}

/// The name for index `i` in county `county`. Different `i` give different tuples; the same
/// `i` always gives the same name.
pub fn enterprise_name(i: u64, county: &CountyPrefix) -> GeneratedName {
    let mut x = (i % SPACE) * STRIDE % SPACE;
    let trade = x % N_TRADE;
    x /= N_TRADE;
    let ind = (x % N_IND) as usize;
    x /= N_IND;
    let style = (x % PREFIX_STYLES as u64) as usize;
    x /= PREFIX_STYLES as u64;
    let suffix = SUFFIXES[(x % N_SUFFIX) as usize];

    let n = TRADE_CHARS.len() as u64;
    let a = (trade / (n - 1)) as usize;
    let mut b = (trade % (n - 1)) as usize;
    if b >= a {
        b += 1;
    }
    let trade_name: String = [TRADE_CHARS[a], TRADE_CHARS[b]].iter().collect();
    let industry = INDUSTRIES[ind];
    let prefix = match style {
        0 => county.full.as_str(),
        1 => county.short.as_deref().unwrap_or(&county.full),
        _ => county.province,
    };
    let name = format!("{prefix}{trade_name}{industry}{suffix}");
    let short: String = trade_name.chars().chain(industry.chars().take(2)).collect();
    GeneratedName { name, short }
}

/// A valid credit code for index `i`: 91 (enterprise, industrial and commercial), the county's
/// six-digit division code, a nine-symbol organisation code unique per `i`, and the check
/// character.
pub fn credit_code(i: u64, division: &str) -> Option<Uscc> {
    const ALPHA: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const ORG_SPACE: u64 = 31u64.pow(9);
    let mut x = (i % ORG_SPACE) * 7_919_993 % ORG_SPACE;
    let mut org = [b'0'; 9];
    for slot in org.iter_mut().rev() {
        *slot = ALPHA[(x % 31) as usize];
        x /= 31;
    }
    let division: String = division.chars().filter(char::is_ascii_digit).collect();
    if division.len() != 6 {
        return None;
    }
    let first17 = format!("91{division}{}", std::str::from_utf8(&org).ok()?);
    Uscc::complete(&first17)
}

/// A small deterministic hash (splitmix64), so the same N gives the same store.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn county() -> CountyPrefix {
        CountyPrefix {
            full: "宣汉县".into(),
            short: Some("宣汉".into()),
            province: "四川",
        }
    }

    #[test]
    fn stride_is_coprime_with_the_space() {
        fn gcd(a: u64, b: u64) -> u64 {
            if b == 0 { a } else { gcd(b, a % b) }
        }
        assert_eq!(gcd(STRIDE, SPACE), 1);
        let distinct: HashSet<char> = TRADE_CHARS.iter().copied().collect();
        assert_eq!(
            distinct.len(),
            TRADE_CHARS.len(),
            "a trade character repeats"
        );
    }

    #[test]
    fn names_look_like_company_names_and_do_not_repeat() {
        let c = county();
        let mut seen = HashSet::new();
        for i in 0..50_000 {
            let g = enterprise_name(i, &c);
            assert!(
                g.name.ends_with("有限公司") || g.name.ends_with("有限责任公司"),
                "{}",
                g.name
            );
            assert!(
                g.name.starts_with("宣汉") || g.name.starts_with("四川"),
                "{}",
                g.name
            );
            assert_eq!(g.short.chars().count(), 4, "{}", g.short);
            assert!(seen.insert(g.name), "repeated name at {i}");
        }
    }

    #[test]
    fn credit_codes_validate_and_differ() {
        let a = credit_code(1, "511722").unwrap();
        let b = credit_code(2, "511722").unwrap();
        assert_ne!(a, b);
        assert!(Uscc::parse(a.as_str()).is_ok());
        assert!(a.as_str().starts_with("91511722"));
        assert!(credit_code(1, "51").is_none());
    }
}

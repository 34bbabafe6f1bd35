//! The controlled vocabulary of designations (认定/称号) with synonyms, badges and validity.
//!
//! Spreadsheets and documents name the same title many ways ("专精特新", "省级专精特新中小企业",
//! "专精特新企业"); [`DesignationType::resolve`] maps them to one canonical type, and
//! [`split_level`] peels a level prefix ("国家级", "省级", "国家", "省") off a combined title.

use super::Level;

/// Who can hold a designation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holders {
    Enterprise,
    Park,
    Either,
}

/// One canonical designation type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DesignationType {
    /// Canonical name, as stored.
    pub name: &'static str,
    /// Short label for badges in narrow table cells (the level prefix is added in front).
    pub badge: &'static str,
    /// Other spellings, compared after [`crate::model::text::normalize_name`].
    pub synonyms: &'static [&'static str],
    /// Years a title stays valid without 复核, when the programme has a fixed term.
    pub validity_years: Option<i32>,
    pub holders: Holders,
}

macro_rules! types {
    ($($name:literal, $badge:literal, [$($syn:literal),*], $valid:expr, $holders:ident;)*) => {
        /// Every canonical type, in the order shown in facet lists.
        pub const TYPES: &[DesignationType] = &[
            $(DesignationType { name: $name, badge: $badge, synonyms: &[$($syn),*],
                validity_years: $valid, holders: Holders::$holders },)*
        ];
    };
}

types! {
    "专精特新中小企业", "专精特新", ["专精特新", "专精特新企业", "“专精特新”中小企业", "\"专精特新\"中小企业", "专精特新中小", "specialized"], Some(3), Enterprise;
    "专精特新“小巨人”", "小巨人", ["小巨人", "专精特新小巨人", "专精特新“小巨人”企业", "专精特新\"小巨人\"", "专精特新小巨人企业", "little giant"], Some(3), Enterprise;
    "创新型中小企业", "创新型", ["创新型中小企业", "创新型企业"], Some(3), Enterprise;
    "制造业单项冠军", "单项冠军", ["单项冠军", "制造业单项冠军企业", "单项冠军示范企业", "单项冠军产品", "制造业单项冠军示范企业"], Some(3), Enterprise;
    "高新技术企业", "高企", ["高企", "高新技术"], Some(3), Enterprise;
    "绿色工厂", "绿色工厂", ["绿色制造工厂"], None, Enterprise;
    "绿色工业园区", "绿色园区", ["绿色园区", "绿色工业园"], None, Park;
    // The chemical industry federation's list, not the ministry's green-manufacturing one: the
    // documents name both, and a plan's 绿色工业园区 target does not count it.
    "绿色化工园区", "绿色化工", [], None, Park;
    "绿色供应链管理企业", "绿色供应链", ["绿色供应链"], None, Enterprise;
    "5G工厂", "5G工厂", ["5g工厂", "5G全连接工厂", "5g全连接工厂"], None, Enterprise;
    "智能工厂", "智能工厂", ["智能制造工厂", "卓越级智能工厂", "先进级智能工厂", "卓越级工厂", "先进级工厂"], None, Enterprise;
    "数字化车间", "数字车间", ["智能制造数字化车间"], None, Enterprise;
    "企业技术中心", "技术中心", ["技术中心", "认定企业技术中心"], None, Enterprise;
    "链主企业", "链主", ["链主", "产业链链主企业"], None, Enterprise;
    "化工园区认定", "化工园区", ["化工园区", "认定化工园区"], None, Park;
    "试点示范", "试点", ["试点", "示范", "试点示范企业", "示范园区"], None, Either;
    "现代农业园区评定", "农业园区", ["现代农业园区", "星级现代农业园区"], None, Park;
    "规上工业企业", "规上", ["规上企业", "规模以上工业企业", "入规"], None, Enterprise;
    "未来工厂", "未来工厂", [], None, Enterprise;
    "川渝合作示范园区", "川渝合作", ["川渝合作示范区"], None, Park;
    "特色产业园区", "特色园区", ["特色园区"], None, Park;
    // Being put on the cultivation list is not holding the title (a plan sets winning it as
    // a target for the parks on the list).
    "特色产业园区培育名单", "特色培育", ["特色产业园区培育", "特色园区培育名单"], None, Park;
    "优秀高新区", "优秀高新区", ["全省优秀高新区"], None, Park;
    "现代服务业集聚区", "服务业集聚区", [], None, Park;
    "高新区", "高新区", ["高新技术产业开发区", "高新技术产业园区"], None, Park;
    "经开区", "经开区", ["经济技术开发区", "经济开发区"], None, Park;
}

impl DesignationType {
    /// Find the canonical type for a name or synonym (level prefixes must already be removed).
    pub fn resolve(name: &str) -> Option<&'static DesignationType> {
        let key = crate::model::text::normalize_name(name);
        if key.is_empty() {
            return None;
        }
        TYPES.iter().find(|t| {
            crate::model::text::normalize_name(t.name) == key
                || t.synonyms
                    .iter()
                    .any(|s| crate::model::text::normalize_name(s) == key)
        })
    }

    /// Exact canonical lookup.
    pub fn get(name: &str) -> Option<&'static DesignationType> {
        TYPES.iter().find(|t| t.name == name)
    }

    /// Badge text like 省专精特新 / 国小巨人 / 国5G工厂.
    pub fn badge_for(&self, level: Option<Level>) -> String {
        match level {
            Some(l) => format!("{}{}", l.prefix(), self.badge),
            None => self.badge.to_string(),
        }
    }
}

/// Split a combined title such as "国家级专精特新“小巨人”企业" or "省级绿色工厂" into its level and
/// canonical type. A title without a level prefix resolves with `None` level.
pub fn split_level(title: &str) -> Option<(Option<Level>, &'static DesignationType)> {
    let t = crate::model::text::sanitize(title);
    let t = strip_year(&t);
    for (prefix, level) in Level::PREFIXES {
        if let Some(rest) = t.strip_prefix(prefix)
            && let Some(ty) = DesignationType::resolve(rest)
        {
            return Some((Some(*level), ty));
        }
    }
    DesignationType::resolve(t).map(|ty| (None, ty))
}

/// `title` without a leading year ("2024年…", "2024…"); a title that merely starts with a digit
/// ("5G工厂") keeps it.
fn strip_year(title: &str) -> &str {
    let digits = title.bytes().take_while(u8::is_ascii_digit).count();
    if digits != 4 {
        return title;
    }
    let rest = &title[digits..];
    rest.strip_prefix('年').unwrap_or(rest)
}

/// Status of a designation as far as the store knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Within its term, or a title without a fixed term.
    Active,
    /// In the last year of its term: 复核 is due.
    ReviewDue,
    /// Past its term and no 复核 on record.
    Lapsed,
    /// A document or import says it was withdrawn.
    Revoked,
    /// The year is not known, so neither is the term.
    Unknown,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Active => "有效",
            Status::ReviewDue => "待复核",
            Status::Lapsed => "已过期",
            Status::Revoked => "已撤销",
            Status::Unknown => "有效期不详",
        }
    }

    pub fn counts_as_held(self, count_lapsed: bool) -> bool {
        match self {
            Status::Active | Status::ReviewDue | Status::Unknown => true,
            Status::Lapsed => count_lapsed,
            Status::Revoked => false,
        }
    }
}

/// Derive status and the last valid year from type, year, an explicit status and the current year.
/// `explicit` is what a document or import said (`有效`, `已复核`, `已撤销`); `已复核` restarts the term
/// from the year given with it.
pub fn derive_status(
    ty: Option<&DesignationType>,
    year: Option<i32>,
    explicit: Option<&str>,
    now_year: i32,
) -> (Status, Option<i32>) {
    if matches!(explicit, Some("已撤销" | "撤销" | "revoked")) {
        return (Status::Revoked, None);
    }
    let Some(term) = ty.and_then(|t| t.validity_years) else {
        return (Status::Active, None);
    };
    let Some(year) = year else {
        return (Status::Unknown, None);
    };
    let valid_until = year + term;
    let status = if now_year > valid_until {
        Status::Lapsed
    } else if now_year == valid_until {
        Status::ReviewDue
    } else {
        Status::Active
    };
    (status, Some(valid_until))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_resolve_to_one_type() {
        let a = DesignationType::resolve("专精特新").unwrap();
        let b = DesignationType::resolve("“专精特新”中小企业").unwrap();
        assert_eq!(a.name, b.name);
        assert_eq!(
            DesignationType::resolve("小巨人").unwrap().name,
            "专精特新“小巨人”"
        );
        assert!(DesignationType::resolve("不存在的称号").is_none());
    }

    #[test]
    fn level_prefix_is_split_off() {
        let (l, t) = split_level("国家级专精特新“小巨人”企业").unwrap();
        assert_eq!((l, t.name), (Some(Level::National), "专精特新“小巨人”"));
        let (l, t) = split_level("省级专精特新中小企业").unwrap();
        assert_eq!((l, t.name), (Some(Level::Provincial), "专精特新中小企业"));
        // A title starting with a digit is not a year: "5G工厂" keeps its 5.
        let (l, t) = split_level("5G工厂").unwrap();
        assert_eq!((l, t.name), (None, "5G工厂"));
        let (l, t) = split_level("2024年国家级5G工厂").unwrap();
        assert_eq!((l, t.name), (Some(Level::National), "5G工厂"));
        let (l, t) = split_level("国家5G工厂").unwrap();
        assert_eq!((l, t.name), (Some(Level::National), "5G工厂"));
    }

    #[test]
    fn three_year_titles_lapse_without_review() {
        let t = DesignationType::get("专精特新中小企业");
        assert_eq!(
            derive_status(t, Some(2022), None, 2024),
            (Status::Active, Some(2025))
        );
        assert_eq!(
            derive_status(t, Some(2022), None, 2025),
            (Status::ReviewDue, Some(2025))
        );
        assert_eq!(
            derive_status(t, Some(2021), None, 2025),
            (Status::Lapsed, Some(2024))
        );
        assert_eq!(derive_status(t, None, None, 2025).0, Status::Unknown);
        assert_eq!(
            derive_status(DesignationType::get("绿色工厂"), Some(2010), None, 2025).0,
            Status::Active
        );
        assert_eq!(
            derive_status(t, Some(2024), Some("已撤销"), 2025).0,
            Status::Revoked
        );
    }
}

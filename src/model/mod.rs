//! Domain model: the things officers track and the vocabulary they use for them.

pub mod designation;
pub mod text;
pub mod uscc;

use serde::Serialize;

/// Administrative level of a park or a designation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Level {
    County,
    City,
    Provincial,
    National,
}

impl Level {
    /// Longest prefixes first, so "国家级" wins over "国家" and "国".
    pub const PREFIXES: &'static [(&'static str, Level)] = &[
        ("国家级", Level::National),
        ("省级", Level::Provincial),
        ("市级", Level::City),
        ("县级", Level::County),
        ("国家", Level::National),
        ("四川省", Level::Provincial),
        ("重庆市", Level::Provincial),
        ("省", Level::Provincial),
        ("市", Level::City),
        ("县", Level::County),
        ("国", Level::National),
    ];

    pub const ALL: [Level; 4] = [
        Level::National,
        Level::Provincial,
        Level::City,
        Level::County,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Level::National => "国家级",
            Level::Provincial => "省级",
            Level::City => "市级",
            Level::County => "县级",
        }
    }

    /// One-character prefix used in badges: 国 / 省 / 市 / 县.
    pub fn prefix(self) -> &'static str {
        match self {
            Level::National => "国",
            Level::Provincial => "省",
            Level::City => "市",
            Level::County => "县",
        }
    }

    /// Parse a level written out ("国家级", "省级", "national", "省") — the whole string.
    pub fn parse(s: &str) -> Option<Level> {
        let t = text::normalize_name(s);
        match t.as_str() {
            "国家级" | "国家" | "国" | "national" | "国级" => Some(Level::National),
            "省级" | "省" | "provincial" | "省部级" => Some(Level::Provincial),
            "市级" | "市" | "city" | "市州级" => Some(Level::City),
            "县级" | "县" | "county" | "区县级" => Some(Level::County),
            _ => None,
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Whether a designation is held by an enterprise or a park.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum HolderKind {
    Enterprise,
    Park,
}

impl HolderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HolderKind::Enterprise => "enterprise",
            HolderKind::Park => "park",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "enterprise" | "企业" => Some(HolderKind::Enterprise),
            "park" | "园区" => Some(HolderKind::Park),
            _ => None,
        }
    }
}

/// Kinds of county-level units.
pub const REGION_KINDS: &[&str] = &["地级市", "直辖市", "区", "县", "县级市", "功能区"];

/// Park kinds the documents use.
pub const PARK_KINDS: &[&str] = &[
    "高新区",
    "经开区",
    "化工园区",
    "特色产业园区",
    "现代农业园区",
    "产业新区",
    "合作示范园区",
    "工业园区",
    "产业园",
    "其他",
];

/// Tiers of the cluster hierarchy.
pub const CLUSTER_TIERS: &[&str] = &["体系", "集群", "产业", "细分"];

/// How a target counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum TargetKind {
    /// How many hold it at the period's end.
    Stock,
    /// How many gained it within the period.
    New,
    /// A figure no record can compute; only reported values.
    Recorded,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Stock => "stock",
            TargetKind::New => "new",
            TargetKind::Recorded => "recorded",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            TargetKind::Stock => "存量",
            TargetKind::New => "新增",
            TargetKind::Recorded => "填报",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "stock" | "存量" => Some(TargetKind::Stock),
            "new" | "新增" => Some(TargetKind::New),
            "recorded" | "填报" | "统计" => Some(TargetKind::Recorded),
            _ => None,
        }
    }
}

/// The current calendar year in local time (status and target progress depend on it).
pub fn current_year() -> i32 {
    use chrono::Datelike;
    chrono::Local::now().year()
}

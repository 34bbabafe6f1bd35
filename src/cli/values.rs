//! Value parsers for clap: each flag's value is checked where it is parsed, so a bad value is a
//! usage error (exit 2) with a Chinese reason, reported before any store is opened.

/// A search query or a name to look up: blank is a usage mistake.
pub fn non_blank(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        Err("不能为空，请写出要查找的名称、简称、拼音或信用代码".into())
    } else {
        Ok(s.to_string())
    }
}

/// A target code (`yuanqi targets` lists them): blank is a usage mistake.
pub fn code(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        Err("不能为空，请写目标代码，如 D000-T16（见 yuanqi targets 第一列）".into())
    } else {
        Ok(s.trim().to_string())
    }
}

/// A file path: blank is a usage mistake.
pub fn path(s: &str) -> Result<std::path::PathBuf, String> {
    if s.trim().is_empty() {
        Err("不能为空，请写出文件路径".into())
    } else {
        Ok(std::path::PathBuf::from(s))
    }
}

/// A count of at least 1 (`--limit`, `--enterprises`).
pub fn positive_count(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("应至少为 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err("应为正整数，如 20".into()),
    }
}

/// A four-digit year as the documents use them (1949–2100).
pub fn year(s: &str) -> Result<i32, String> {
    match s.trim().trim_end_matches('年').parse::<i32>() {
        Ok(y) if (1949..=2100).contains(&y) => Ok(y),
        _ => Err("应为四位年份，如 2024".into()),
    }
}

/// A CSV encoding name `--encoding` accepts (checked here, passed on as typed).
pub fn encoding_name(s: &str) -> Result<String, String> {
    crate::ingest::encoding::Encoding::parse(s)
        .map(|_| s.to_string())
        .map_err(|_| "可用：utf-8、gbk、gb18030".into())
}

/// A designation or target level: 国家级、省级、市级、县级 (also 国、省 …).
pub fn level(s: &str) -> Result<crate::model::Level, String> {
    crate::model::Level::parse(s).ok_or_else(|| "应为 国家级、省级、市级 或 县级".into())
}

/// One `--map '表头=字段'`, checked as the importer reads it.
pub fn map_spec(s: &str) -> Result<String, String> {
    use crate::ingest::IngestError;
    match crate::ingest::header::parse_maps(&[s.to_string()]) {
        Ok(_) => Ok(s.to_string()),
        Err(IngestError::BadMap(_, fields)) => {
            Err(format!("应写成 '表头=字段'，字段可用：{fields}"))
        }
        Err(e) => Err(e.to_string()),
    }
}

/// A level as typed, once [`level`] accepts it.
pub fn level_name(s: &str) -> Result<String, String> {
    level(s).map(|_| s.to_string())
}

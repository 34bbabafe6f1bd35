//! Spreadsheet import and export.
//!
//! The pipeline, one module per step:
//! - [`read`]: one reader per format (xlsx, xls, ods, csv) producing the same stream of rows,
//!   numbered as the spreadsheet shows them;
//! - [`encoding`]: how a CSV's bytes become text (UTF-8 with or without BOM, GBK/GB18030,
//!   UTF-16 with its byte order mark);
//! - [`header`]: finding the header row below title rows and recognising columns by meaning;
//! - [`normalize`]: cleaning cells (width folding, stray spaces, numbers stored as text, dates);
//! - [`plan`]: matching rows to the store and deciding what is new, changed or unchanged;
//! - [`report`]: problems and the summary, as text or JSON;
//! - [`apply`]: writing a plan in one transaction with the change log, and undoing an import;
//! - [`export`]: writing the store out in a shape [`read`] takes back in.

pub mod apply;
pub mod encoding;
pub mod export;
pub mod header;
pub mod normalize;
pub mod plan;
pub mod read;
pub mod report;

use std::path::{Path, PathBuf};

use crate::store::{Store, StoreError};

/// Longest text accepted in one cell, in characters. Longer cells are reported, not stored.
pub const MAX_CELL_CHARS: usize = 2000;
/// Columns read per row; anything to the right is ignored (and said so).
pub const MAX_COLUMNS: usize = 512;
/// Most data rows one import takes: memory grows with the rows planned, so a larger file is
/// refused up front (with a message to split it) rather than exhausting a shared server.
pub const MAX_ROWS: usize = 300_000;
/// Largest file accepted, in bytes.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// Why a file could not be imported at all. Every message is meant for the person who chose
/// the file: what is wrong and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(
        "导入核对期间，数据库接连被其他操作修改；为避免覆盖别人的修改，本次导入没有写入。请稍后重新运行。"
    )]
    StoreChanged,
    #[error("文件 {0} 是空的（0 字节），没有可导入的内容。请确认选对了文件。")]
    EmptyFile(String),
    #[error(
        "不支持“{ext}”类型的文件（{file}）。请在 Excel/WPS 中另存为 .xlsx、.xls、.ods 或 .csv 后再导入。"
    )]
    UnsupportedType { file: String, ext: String },
    #[error(
        "文件 {file} 已损坏或不完整，无法读取（{detail}）。请在 Excel/WPS 中打开确认，必要时重新下载或另存为 .xlsx 后再导入。"
    )]
    Corrupt { file: String, detail: String },
    #[error(
        "工作簿 {0} 设置了打开密码，无法读取。请在 Excel/WPS 中取消密码（文件 → 信息 → 保护工作簿）并另存后再导入。"
    )]
    Password(String),
    #[error(
        "文件 {file} 不是 UTF-8 编码（第 {line} 行有无法识别的字节）。如果它是用 Excel/WPS 另存的 CSV，多半是 GBK 编码：请加 --encoding gbk 再试。"
    )]
    NotUtf8 { file: String, line: usize },
    #[error("文件 {0} 里没有内容（只有空行、空格或分隔符），没有可导入的数据。请确认选对了文件。")]
    NoContent(String),
    #[error("文件 {file} 按 {encoding} 编码无法解读（第 {line} 行）。{hint}")]
    BadEncoding {
        file: String,
        encoding: &'static str,
        line: usize,
        /// What to try instead (never the encoding that just failed).
        hint: &'static str,
    },
    #[error("不认识的编码“{0}”。可用：utf-8、gbk、gb18030。")]
    UnknownEncoding(String),
    #[error("工作簿里没有名为“{wanted}”的工作表。现有工作表：{available}")]
    SheetNotFound { wanted: String, available: String },
    #[error(
        "在{where_}的前 {rows} 行里没有找到表头：需要一行写着“企业名称”“单位名称”“园区名称”之类的列名。请检查文件；如果列名写法特殊，可用 --map '列名=name' 指明。"
    )]
    NoHeader { where_: String, rows: usize },
    #[error("文件 {file} 有 {size} 字节，超过了 {max} 字节的上限。请按地区或批次拆分后分别导入。")]
    TooLarge { file: String, size: u64, max: u64 },
    #[error(
        "{file} 的数据超过 {max} 行，一次导入不了这么多。请按县（市、区）或批次拆分成几个文件分别导入。"
    )]
    TooManyRows { file: String, max: usize },
    #[error(
        "--map 指定的列“{column}”不在表头中，请检查列名的写法（要与表头一字不差，全角半角、空格不计）。表头的列有：{columns}"
    )]
    MapColumnMissing { column: String, columns: String },
    #[error("--map “{0}” 的写法不对：应为 '列名=字段'，字段可用：{1}")]
    BadMap(String, String),
    #[error("{0}")]
    Usage(String),
    /// A list whose title says its rows do not hold the designation it names (公示, 未通过,
    /// 撤销, 培育): the message says how it was read and how to import it anyway.
    #[error("{0}")]
    NotHolders(String),
    #[error(
        "导入被拒绝：发现 {problems} 个问题，没有写入任何数据（上面列出了每个问题的行号和原因）。请修改文件后重试，或加 --skip-invalid 只导入没有问题的行。"
    )]
    Problems { problems: usize },
    #[error("无法读取文件 {file}：{}", io_reason(.cause))]
    Io { file: String, cause: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A plain-words reason for a failed file read.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在，请检查路径和文件名".to_string(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".to_string(),
        std::io::ErrorKind::IsADirectory => "这是一个目录，不是文件".to_string(),
        _ => e.to_string(),
    }
}

impl From<rusqlite::Error> for IngestError {
    fn from(e: rusqlite::Error) -> Self {
        IngestError::Store(StoreError::from(e))
    }
}

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[value(alias = "企业")]
    Enterprises,
    #[value(alias = "认定")]
    Designations,
    #[value(alias = "园区")]
    Parks,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Enterprises => "enterprises",
            Kind::Designations => "designations",
            Kind::Parks => "parks",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Kind::Enterprises => "企业",
            Kind::Designations => "认定",
            Kind::Parks => "园区",
        }
    }
}

/// Everything the user said about one import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub path: PathBuf,
    pub kind: Option<Kind>,
    pub sheet: Option<String>,
    /// `--encoding` for CSV files.
    pub encoding: Option<String>,
    /// `--map '表头=field'` pairs.
    pub maps: Vec<String>,
    /// A designation that applies to every row (`--designation`), with its year, level and batch.
    pub designation: Option<String>,
    pub year: Option<i32>,
    pub level: Option<String>,
    pub batch: Option<String>,
    pub dry_run: bool,
    pub skip_invalid: bool,
    /// Show progress on stderr (the CLI turns it off when stderr is not a terminal).
    pub progress: bool,
    /// List every field a new record gets among its changes (a dry run and the JSON report
    /// show them; the text report of a real import counts records only, so a large import
    /// need not build them).
    pub list_new_fields: bool,
}

/// The file name as shown in messages.
pub fn display_name(path: &Path) -> String {
    crate::model::text::sanitize(&path.to_string_lossy())
}

/// Run an import: read, plan, and (unless `dry_run` or there are problems) apply.
/// Returns the report whether or not anything was written; the caller decides the exit status
/// from [`report::Report::refused`].
pub fn import(store: &mut Store, opts: &ImportOptions) -> Result<report::Report, IngestError> {
    let mut replans = 0;
    let (mut plan, refused) = loop {
        let mut plan = plan::Plan::read_and_build(store, opts)?;
        let refused = plan.problem_count() > 0 && !opts.skip_invalid;
        if !opts.dry_run && !refused && plan.has_writes() {
            store.ensure_writable()?;
            match apply::apply(store, &plan, opts) {
                Ok(id) => plan.import_id = Some(id),
                // Someone wrote to the store while this file was being checked: check it again
                // against the store as it now is (a few times at most).
                Err(IngestError::StoreChanged) if replans < MAX_REPLANS => {
                    replans += 1;
                    if opts.progress {
                        eprintln!("数据库刚被其他操作修改，正在按最新内容重新核对…");
                    }
                    continue;
                }
                Err(e) => return Err(e),
            }
        }
        break (plan, refused);
    };
    let report = report::Report::from_plan(&mut plan, opts, refused);
    // A plan of a large file is a million small allocations; freeing them takes a sizeable
    // part of a second that nobody needs to wait for, so a large plan is freed on a thread of
    // its own (a process that exits first simply returns the memory).
    if plan.results.len() >= BACKGROUND_DROP_ROWS {
        std::thread::spawn(move || drop(plan));
    }
    Ok(report)
}

/// How many times an import checks its file again when the store changed under it.
const MAX_REPLANS: usize = 3;

/// Plans of this many rows or more are freed off the caller's thread.
const BACKGROUND_DROP_ROWS: usize = 10_000;

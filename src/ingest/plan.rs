//! Matching rows to the store and deciding, row by row, what an import would change.
//!
//! [`read_file`] turns a file into [`Record`]s (only the recognised columns, cells still raw).
//! [`Plan::build`] then matches each record ([`Plan::read_and_build`] does both at once, the
//! rows read on a second thread while they are planned): an enterprise by credit code (check
//! character validated), else by normalised full name, else by a unique short name; a park by
//! name or short name; a designation by holder, type, level, grade and year. Ambiguity and unknown
//! regions, parks or clusters are problems (with the closest known names), never guesses.
//! Empty cells never erase what the store holds; short names and clusters are added to.
//! Nothing here writes: [`super::apply`] carries the plan out.

use std::collections::BTreeSet;

// foldhash: the planner hashes every name, short name and code of a file several times; SipHash
// was a tenth of its time. foldhash is still seeded per process.
use foldhash::{HashMap, HashMapExt, HashSet};
use std::ops::ControlFlow;
use std::path::Path;

use super::header::{self, Field, Header};
use super::normalize::{
    self, CellProblem, ListDesignation, cell_text, clean_code, clean_name, shown,
};
use super::read::{Cell, Format, Row, Workbook};
use super::{ImportOptions, IngestError, Kind, display_name};
use crate::model::designation::{DesignationType, Holders, TYPES};
use crate::model::text::{normalize_name, sanitize, split_multi};
use crate::model::uscc::Uscc;
use crate::model::{HolderKind, Level, PARK_KINDS};
use crate::store::{Store, StoreError};

/// One problem (or warning) the report shows: where, which column, what value, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    /// Sheet row number; `None` for problems with the file as a whole.
    pub row: Option<u32>,
    pub header: String,
    pub value: String,
    pub reason: String,
}

/// One recognised data row: its number and the raw cells of the recognised columns.
#[derive(Debug, Clone)]
pub struct Record {
    pub row: u32,
    pub cells: Vec<(Field, Cell)>,
}

impl Record {
    fn cell(&self, f: Field) -> Option<&Cell> {
        self.cells
            .iter()
            .find(|(g, _)| *g == f)
            .map(|(_, c)| c)
            .filter(|c| !c.is_empty())
    }
}

/// A file read and its header recognised.
#[derive(Debug)]
pub struct Parsed {
    pub file_name: String,
    pub sha256: String,
    pub format: Format,
    pub encoding: Option<(super::encoding::Encoding, bool)>,
    pub sheet: String,
    pub header: Header,
    pub kind: Kind,
    /// The designation every row gets, and where it was found.
    pub list: Option<(ListDesignation, String)>,
    pub records: Vec<Record>,
    /// Blank, footnote and repeated-header rows that were passed over.
    pub passed_over: usize,
    /// Rows whose name cell holds a total, a count or a placeholder ("合计", "共计2家",
    /// "（此页无正文）"): passed over (and counted in `passed_over`), and named in the report.
    pub summary_rows: Vec<(u32, String)>,
    /// What the report says about how the file was read (a title's designation not applied,
    /// a default level), each once.
    pub notes: Vec<String>,
    /// Doubts about the title or file name, shown among the reminders.
    pub title_warnings: Vec<String>,
    /// The scale every enterprise row gets unless it says its own ("规上" for a 规上工业企业名录).
    pub default_scale: Option<String>,
    pub truncated_columns: bool,
}

fn is_footnote(text: &str) -> bool {
    let t = sanitize(text);
    [
        "注",
        "备注",
        "说明",
        "填报",
        "制表",
        "审核",
        "联系人",
        "合计",
        "共计",
        "总计",
        "小计",
        "以上",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

/// Read a file into records: choose the sheet, find the header, keep recognised columns.
/// A file opened and its header found, ready to read the rows ([`RowReader::read_rows`]).
pub struct RowReader {
    wb: Workbook,
    /// The sheet's name as the workbook knows it (before sanitising).
    sheet: String,
    header_row: u32,
    /// (column index, field) of every column that is read.
    mapped: Vec<(usize, Field)>,
    /// The header's matching key per column, to spot the header repeated on later pages.
    header_keys: Vec<String>,
    name_col: usize,
}

/// What reading the rows found besides the records.
pub struct RowsRead {
    pub passed_over: usize,
    pub summary_rows: Vec<(u32, String)>,
    pub truncated_columns: bool,
    pub sha256: String,
}

/// Open the file named in `opts`, choose the sheet and find the header. The [`Parsed`] has
/// no records yet (nor the counts and hash that come with reading them).
pub fn open_file(opts: &ImportOptions) -> Result<(Parsed, RowReader), IngestError> {
    let path = &opts.path;
    let wanted = opts
        .encoding
        .as_deref()
        .map(super::encoding::Encoding::parse)
        .transpose()?;
    let maps = header::parse_maps(&opts.maps)?;
    let mut wb = Workbook::open(path, wanted)?;
    // A header not found because a --map names a column the file does not have is reported
    // as that: the rows scanned, to name the columns the file does have.
    let no_header = |head: &[Row], e: IngestError| -> IngestError {
        match header::missing_map(&opts.maps, header::likely_header(head).as_deref()) {
            Some(err) => err,
            None => e,
        }
    };
    let names = wb.sheet_names();
    let file_label = display_name(path);
    let (sheet, header) = match &opts.sheet {
        Some(want) => {
            let found = names
                .iter()
                .find(|n| *n == want)
                .or_else(|| {
                    names
                        .iter()
                        .find(|n| normalize_name(n) == normalize_name(want))
                })
                .cloned()
                .ok_or_else(|| IngestError::SheetNotFound {
                    wanted: sanitize(want),
                    available: names
                        .iter()
                        .map(|n| format!("“{}”", sanitize(n)))
                        .collect::<Vec<_>>()
                        .join("、"),
                })?;
            let head = super::read::head_rows(&mut wb, &found, header::SCAN_ROWS)?;
            let h = header::find_header(&head, &maps).ok_or_else(|| {
                no_header(
                    &head,
                    IngestError::NoHeader {
                        where_: format!("工作表“{}”", sanitize(&found)),
                        rows: header::SCAN_ROWS,
                    },
                )
            })?;
            (found, h)
        }
        None => {
            let mut chosen = None;
            let mut first_head = None;
            for n in &names {
                let head = super::read::head_rows(&mut wb, n, header::SCAN_ROWS)?;
                if let Some(h) = header::find_header(&head, &maps) {
                    chosen = Some((n.clone(), h));
                    break;
                }
                first_head.get_or_insert(head);
            }
            chosen.ok_or_else(|| {
                no_header(
                    first_head.as_deref().unwrap_or_default(),
                    IngestError::NoHeader {
                        where_: if wb.format == Format::Csv || names.len() <= 1 {
                            format!("文件 {file_label} ")
                        } else {
                            format!("文件 {file_label} 的所有工作表（{}）", names.len())
                        },
                        rows: header::SCAN_ROWS,
                    },
                )
            })?
        }
    };
    // A header found while a --map names a column it lacks: the map was meant for this file
    // and would silently do nothing.
    let columns: Vec<String> = header.columns.iter().map(|c| c.header.clone()).collect();
    if let Some(e) = header::missing_map(&opts.maps, Some(&columns)) {
        return Err(e);
    }

    // The designation the whole list is about: options, else the title rows, else the file name.
    let mut reading = TitleReading::default();
    let list = list_designation(opts, &header, path, &mut reading)?;
    let TitleReading {
        notes,
        warnings: title_warnings,
        scale: default_scale,
    } = reading;
    let kind = opts.kind.unwrap_or_else(|| {
        if header.has(Field::DesignationType) || header.has(Field::HolderKind) || list.is_some() {
            Kind::Designations
        } else if header.has(Field::ParkKind)
            || header.has(Field::ParentPark)
            || header
                .col(Field::Name)
                .is_some_and(|c| c.header.contains("园区"))
        {
            Kind::Parks
        } else {
            Kind::Enterprises
        }
    });

    let mapped: Vec<(usize, Field)> = header
        .columns
        .iter()
        .filter_map(|c| match c.field {
            Some(Field::Ignore) | None => None,
            Some(f) => Some((c.index, f)),
        })
        .collect();
    let header_keys: Vec<String> = header
        .columns
        .iter()
        .map(|c| header::header_key(&c.header))
        .collect();
    let name_col = header.col(Field::Name).map(|c| c.index).unwrap_or(0);
    let parsed = Parsed {
        file_name: path
            .file_name()
            .map(|n| sanitize(&n.to_string_lossy()))
            .unwrap_or_else(|| file_label.clone()),
        sha256: String::new(),
        format: wb.format,
        encoding: wb.encoding,
        sheet: sanitize(&sheet),
        header,
        kind,
        list,
        records: Vec::new(),
        passed_over: 0,
        summary_rows: Vec::new(),
        notes,
        title_warnings,
        default_scale,
        truncated_columns: false,
    };
    let reader = RowReader {
        wb,
        sheet,
        header_row: parsed.header.row,
        mapped,
        header_keys,
        name_col,
    };
    Ok((parsed, reader))
}

impl RowReader {
    /// Read the data rows, handing each [`Record`] to `sink` in order (until it breaks):
    /// blank rows, footnotes and repeated headers are passed over, and more than
    /// [`super::MAX_ROWS`] is an error. Also hashes the file (for the import's record).
    /// `progress` counts rows read on stderr.
    pub fn read_rows(
        &mut self,
        path: &Path,
        progress: bool,
        sink: &mut dyn FnMut(Record) -> ControlFlow<()>,
    ) -> Result<RowsRead, IngestError> {
        let mapped = &self.mapped;
        let header_keys = &self.header_keys;
        let name_col = self.name_col;
        let header_row = self.header_row;
        let mut passed_over = 0usize;
        let mut summary_rows = Vec::new();
        let mut seen = 0usize;
        let mut records = 0usize;
        let mut too_many = false;
        self.wb.rows(&self.sheet, &mut |row: Row| {
            seen += 1;
            if progress && seen.is_multiple_of(20_000) {
                eprint!("\r已读取 {seen} 行…");
            }
            if row.number <= header_row {
                return ControlFlow::Continue(());
            }
            if row.is_blank() {
                passed_over += 1;
                return ControlFlow::Continue(());
            }
            let name_text = row
                .cells
                .get(name_col)
                .and_then(|c| cell_text(c).ok())
                .unwrap_or_default();
            let first_text = row
                .cells
                .iter()
                .find(|c| !c.is_empty())
                .and_then(|c| cell_text(c).ok())
                .unwrap_or_default();
            // Footnotes ("注：以上排名不分先后") and a header repeated on every printed page.
            let repeated_header = row
                .cells
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.is_empty())
                .all(|(i, c)| {
                    header_keys.get(i).is_some_and(|k| {
                        !k.is_empty() && *k == header::header_key(&cell_text(c).unwrap_or_default())
                    })
                });
            // A total or placeholder in the name column ("合计", "共计2家", "（此页无正文）").
            if normalize::summary_row(&name_text) {
                passed_over += 1;
                summary_rows.push((row.number, normalize::shown(&name_text)));
                return ControlFlow::Continue(());
            }
            let only_ignored = mapped
                .iter()
                .all(|(i, _)| row.cells.get(*i).is_none_or(Cell::is_empty));
            if repeated_header
                || (sanitize(&name_text).is_empty() && (is_footnote(&first_text) || only_ignored))
                || is_footnote(&name_text) && (name_text.contains('：') || name_text.contains(':'))
            {
                passed_over += 1;
                return ControlFlow::Continue(());
            }
            let cells = mapped
                .iter()
                .map(|(i, f)| (*f, row.cells.get(*i).cloned().unwrap_or(Cell::Empty)))
                .collect();
            if records >= super::MAX_ROWS {
                too_many = true;
                return ControlFlow::Break(());
            }
            records += 1;
            sink(Record {
                row: row.number,
                cells,
            })
        })?;
        if too_many {
            return Err(IngestError::TooManyRows {
                file: display_name(path),
                max: super::MAX_ROWS,
            });
        }
        if progress && seen >= 20_000 {
            eprintln!("\r已读取 {seen} 行。    ");
        }
        Ok(RowsRead {
            passed_over,
            summary_rows,
            truncated_columns: self.wb.truncated_columns,
            sha256: super::read::sha256_file(path)?,
        })
    }
}

/// Read a whole file: [`open_file`], then every row into [`Parsed::records`].
pub fn read_file(opts: &ImportOptions) -> Result<Parsed, IngestError> {
    let (mut parsed, mut reader) = open_file(opts)?;
    let mut records = Vec::new();
    let read = reader.read_rows(&opts.path, opts.progress, &mut |r| {
        records.push(r);
        ControlFlow::Continue(())
    })?;
    parsed.records = records;
    parsed.passed_over = read.passed_over;
    parsed.summary_rows = read.summary_rows;
    parsed.truncated_columns = read.truncated_columns;
    parsed.sha256 = read.sha256;
    Ok(parsed)
}

/// The designation every row gets (options, else title, else file name), with notes for the
/// report on what was read from the title and not applied, and why.
fn list_designation(
    opts: &ImportOptions,
    header: &Header,
    path: &Path,
    read: &mut TitleReading,
) -> Result<Option<(ListDesignation, String)>, IngestError> {
    let TitleReading {
        notes,
        warnings,
        scale,
    } = read;
    let level = match &opts.level {
        Some(l) => Some(Level::parse(l).ok_or_else(|| {
            IngestError::Usage(format!(
                "--level “{}” 不是级别。可用：国家级、省级、市级、县级。",
                sanitize(l)
            ))
        })?),
        None => None,
    };
    if let Some(d) = &opts.designation {
        let (lv, ty) = normalize::parse_designation(d).ok_or_else(|| {
            IngestError::Usage(format!(
                "--designation “{}” 不是已知的认定类型。可用：{}",
                sanitize(d),
                TYPES.iter().map(|t| t.name).collect::<Vec<_>>().join("、")
            ))
        })?;
        return Ok(Some((
            ListDesignation {
                ty,
                level: level.or(lv),
                year: opts.year,
                batch: opts.batch.as_deref().map(sanitize),
            },
            "--designation".to_string(),
        )));
    }
    let from_title = normalize::designation_in_title(&header.title)
        .map(|d| (d, format!("标题“{}”", shown(&header.title))));
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let from_name =
        || normalize::designation_in_title(&stem).map(|d| (d, format!("文件名“{}”", shown(&stem))));
    // A list of candidates, failures or revocations names a designation its rows do not hold.
    let stem_d = normalize::designation_in_title(&stem);
    for (source_, text, d) in [
        ("标题", &header.title, from_title.as_ref().map(|d| &d.0)),
        ("文件名", &stem, stem_d.as_ref()),
    ] {
        let Some(d) = d else { continue };
        if let Some(nh) = normalize::not_holders(text, d.ty) {
            if opts.kind == Some(Kind::Enterprises) {
                notes.push(format!(
                    "{source_}“{}”读作{}，其中的认定没有采用（--kind enterprises：只导入企业）",
                    shown(text),
                    nh.label()
                ));
                return Ok(None);
            }
            return Err(not_holders_error(source_, text, d, nh));
        }
    }
    // A published list always names its year ("2024年第一批……名单"); a file merely named after
    // a title ("专精特新企业.csv") is not taken as granting it, unless --year says so.
    // A roster of 规上 enterprises ("达州市2025年规上工业企业名录") is a register whose rows are
    // 规上, not a list of a designation granted.
    for (source_, text, d) in [
        ("标题", &header.title, from_title.as_ref().map(|d| &d.0)),
        ("文件名", &stem, stem_d.as_ref()),
    ] {
        if d.is_some_and(|d| d.ty.name == "规上工业企业") && normalize_name(text).contains("名录")
        {
            *scale = Some("规上".to_string());
            notes.push(format!(
                "{source_}“{}”是规上工业企业名录：按企业导入，规模一栏空着的行记为“规上”",
                shown(text)
            ));
            return Ok(None);
        }
    }
    let dated = |d: &(ListDesignation, String)| d.0.year.is_some() || opts.year.is_some();
    let title_dated = from_title.as_ref().is_some_and(dated);
    let found = from_title
        .filter(dated)
        .or_else(|| from_name().filter(dated));
    // A file name saying another designation than the title ("2022年市级绿色工厂名单.csv"
    // holding a 2024 provincial 专精特新 list): the title is used, and the difference said.
    if title_dated
        && let (Some((d, _)), Some(sd)) = (&found, &stem_d)
        && (sd.ty.name != d.ty.name
            || sd.level.zip(d.level).is_some_and(|(a, b)| a != b)
            || sd.year.zip(d.year).is_some_and(|(a, b)| a != b))
    {
        warnings.push(format!(
            "文件名“{}”说的是“{}”，而标题“{}”说的是“{}”；按标题导入，请核对是否选对了文件",
            shown(&stem),
            sd.describe(),
            shown(&header.title),
            d.describe()
        ));
    }
    if found.is_none() {
        // A title naming a designation without its year: said, so the list is not taken for
        // a plain register without a word.
        let undated = normalize::designation_in_title(&header.title)
            .map(|d| (d, "标题", shown(&header.title)))
            .or_else(|| stem_d.clone().map(|d| (d, "文件名", shown(&stem))));
        if let Some((d, source_, text)) = undated {
            notes.push(format!(
                "{source_}“{text}”写明了认定“{}”，但没有写年份，所以没有按认定导入，只导入企业；如要按认定导入，请加 --year（如 --year {}）",
                d.describe(),
                crate::model::current_year()
            ));
        }
        // --year, --level and --batch describe the designation every row gets; with none
        // named they would be dropped without a word.
        let given: Vec<&str> = [
            ("--year", opts.year.is_some()),
            ("--level", opts.level.is_some()),
            ("--batch", opts.batch.is_some()),
        ]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(f, _)| *f)
        .collect();
        if !given.is_empty() {
            return Err(IngestError::Usage(format!(
                "{} 说的是每一行都记为的那项认定，要与 --designation 一起用（如 --designation 省级专精特新中小企业 --year 2024），而这个文件的标题和文件名里也没有写明认定。请加上 --designation，或去掉 {}。",
                given.join("、"),
                given.join("、")
            )));
        }
    }
    Ok(found.map(|(mut d, from)| {
        if opts.year.is_some() {
            d.year = opts.year;
        }
        if level.is_some() {
            d.level = level;
        }
        if let Some(b) = &opts.batch {
            d.batch = Some(sanitize(b));
        }
        if d.level.is_none() && NATIONAL_ONLY.contains(&d.ty.name) {
            d.level = Some(Level::National);
            notes.push(national_note(d.ty.name));
        }
        (d, from)
    }))
}

/// What the title and file name said besides the designation (see [`list_designation`]).
#[derive(Default)]
struct TitleReading {
    notes: Vec<String>,
    warnings: Vec<String>,
    scale: Option<String>,
}

/// Designations granted only by the ministry, so only 国家级.
const NATIONAL_ONLY: [&str; 2] = ["专精特新“小巨人”", "制造业单项冠军"];

/// The report's note that a national-only designation without a level was taken as 国家级.
fn national_note(ty: &str) -> String {
    format!("{ty}只有国家级（工业和信息化部认定），没写级别的按国家级记")
}

/// The refusal of a list whose title says its rows do not hold the designation it names.
fn not_holders_error(
    source_: &'static str,
    text: &str,
    d: &ListDesignation,
    nh: normalize::NotHolders,
) -> IngestError {
    use normalize::NotHolders as N;
    let designation = format!(
        "{}{}",
        d.level.map(|l| l.label()).unwrap_or_default(),
        d.ty.name
    );
    let meaning = match nh {
        N::Proposed(_) => "尚在公示、推荐或初审中，还没有获得认定",
        N::Failed => "没有通过",
        N::Revoked(_) => "已被撤销或取消认定",
        N::Cultivation => "是培育对象，还没有获得认定",
    };
    let enterprises = "只想把名单上的企业加入企业库（不记认定），请加 --kind enterprises";
    let advice = match nh {
        N::Proposed(_) | N::Cultivation => format!(
            "如果它们确实已获认定，请用 --designation 指明（如 --designation {designation} --year {}）；{enterprises}。",
            d.year.unwrap_or_else(crate::model::current_year)
        ),
        N::Failed | N::Revoked(_) => format!("{enterprises}。"),
    };
    IngestError::NotHolders(format!(
        "{source_}“{}”读作{}：名单上的企业{meaning}，不是“{designation}”的持有者，所以没有导入。{advice}",
        shown(text),
        nh.label()
    ))
}

/// One changed field, for `--dry-run` and the report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

/// What happened to a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    New,
    Changed,
    Unchanged,
    /// Set aside, not an error (a row from another city in a provincial list).
    OutOfScope,
    Invalid,
}

/// Per-row detail for the report.
#[derive(Debug, Clone)]
pub struct RowResult {
    pub row: u32,
    pub name: String,
    /// The record the row was matched to, when its name differs from the row's (a short
    /// name such as 达钢 matched 四川达州钢铁集团公司).
    pub holder: Option<String>,
    pub outcome: Outcome,
    /// What is new or changed, field by field ("新增企业", "所属园区：… → …").
    pub changes: Vec<FieldChange>,
}

/// An enterprise as the plan sees it. References are indexes into the plan's tables.
#[derive(Debug, Clone, PartialEq)]
pub struct EntState {
    pub name: String,
    pub short_names: Vec<String>,
    pub uscc: Option<String>,
    pub region_id: Option<i64>,
    pub park: Option<usize>,
    pub scale: Option<String>,
    pub notes: String,
    pub clusters: BTreeSet<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParkState {
    pub name: String,
    pub short_names: Vec<String>,
    pub kind: String,
    pub level: Option<String>,
    pub region_id: Option<i64>,
    pub parent: Option<usize>,
    pub notes: String,
    pub clusters: BTreeSet<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DesState {
    pub holder: Holder,
    pub ty: &'static str,
    pub level: Option<String>,
    pub grade: Option<String>,
    pub year: Option<i32>,
    pub batch: Option<String>,
    pub status: Option<String>,
    pub notes: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Holder {
    Enterprise(usize),
    Park(usize),
}

/// A park row as loaded: id, name, short names, kind, level, region, parent, notes.
type ParkRowRaw = (
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    String,
);

/// A row's designation: type, level, year, batch.
type RowDesignation = (
    &'static DesignationType,
    Option<Level>,
    Option<i32>,
    Option<String>,
);

type DesKey = (
    Holder,
    &'static str,
    Option<String>,
    Option<String>,
    Option<i32>,
);

impl DesState {
    fn key(&self) -> DesKey {
        (
            self.holder,
            self.ty,
            self.level.clone(),
            self.grade.clone(),
            self.year,
        )
    }
}

/// A table of entities of one kind: the store's rows plus those this import adds.
#[derive(Debug)]
pub struct Table<S> {
    pub states: Vec<S>,
    /// Store id, `None` for a row this import inserts.
    pub ids: Vec<Option<i64>>,
    /// The state before this import of each store row the import changes (copied on first
    /// change, so an import touching few rows of a large store stays small).
    pub original: HashMap<usize, S>,
    by_norm: HashMap<String, usize>,
    by_short: HashMap<String, Vec<usize>>,
    by_uscc: HashMap<String, usize>,
    /// [`name_stem`] of each name → the first entity with it, to spot near-duplicate names.
    /// (Keyed by the stem's hash: a large import keeps one per row. A match is confirmed on
    /// the names themselves.)
    by_stem: HashMap<u64, usize>,
    /// The first file row that wrote each entity.
    pub touched: HashMap<usize, u32>,
    /// Entities this import adds from a name that held hidden characters.
    hostile: HashSet<usize>,
}

impl<S> Default for Table<S> {
    fn default() -> Self {
        Table {
            states: Vec::new(),
            ids: Vec::new(),
            original: HashMap::new(),
            by_norm: HashMap::new(),
            by_short: HashMap::new(),
            by_uscc: HashMap::new(),
            by_stem: HashMap::new(),
            touched: HashMap::new(),
            hostile: Default::default(),
        }
    }
}

impl<S: Clone> Table<S> {
    /// Set a new state, keeping the store's version of a store row the first time it changes.
    fn replace(&mut self, i: usize, state: S) {
        let old = std::mem::replace(&mut self.states[i], state);
        if self.ids[i].is_some() {
            self.original.entry(i).or_insert(old);
        }
    }

    fn push(&mut self, id: Option<i64>, name: &str, shorts: &[String], state: S) -> usize {
        let i = self.states.len();
        self.states.push(state);
        self.ids.push(id);
        let norm = normalize_name(name);
        self.by_stem
            .entry(stem_key(&stem_of_norm(&norm)))
            .or_insert(i);
        self.by_norm.insert(norm, i);
        for s in shorts {
            let v = self.by_short.entry(normalize_name(s)).or_default();
            if !v.contains(&i) {
                v.push(i);
            }
        }
        i
    }

    fn index_names(&mut self, i: usize, name: &str, shorts: &[String]) {
        self.by_norm.insert(normalize_name(name), i);
        for s in shorts {
            let v = self.by_short.entry(normalize_name(s)).or_default();
            if !v.contains(&i) {
                v.push(i);
            }
        }
    }

    /// Entities whose full name or short name is `name`.
    fn lookup(&self, name: &str) -> Vec<usize> {
        let n = crate::model::text::normalize_name_cow(name);
        if let Some(i) = self.by_norm.get(n.as_ref()) {
            return vec![*i];
        }
        self.by_short.get(n.as_ref()).cloned().unwrap_or_default()
    }
}

/// The whole plan of an import.
pub struct Plan {
    pub parsed: Parsed,
    pub enterprises: Table<EntState>,
    pub parks: Table<ParkState>,
    pub designations: Vec<DesState>,
    /// Store id of each designation, `None` when new.
    pub designation_ids: Vec<Option<i64>>,
    /// The store's version of each store designation this import changes.
    des_original: HashMap<usize, DesState>,
    des_index: HashMap<DesKey, usize>,
    des_touched: HashMap<usize, u32>,
    pub results: Vec<RowResult>,
    pub problems: Vec<Problem>,
    pub warnings: Vec<Problem>,
    pub import_id: Option<i64>,
    /// The store's `data_version` when planning began: [`super::apply::apply`] writes only if
    /// no other connection has committed since, so a plan never writes over a change it did
    /// not see.
    pub store_version: i64,
    regions: Vec<(i64, String, Vec<String>)>,
    region_parent: HashMap<i64, i64>,
    region_by_norm: HashMap<String, i64>,
    /// How each distinct county cell was read (once per value, not per row).
    region_reads: HashMap<String, RegionRead>,
    /// County values a row's city column made unambiguous, as "value|city", said once each.
    region_reads_narrowed: HashSet<String>,
    clusters: Vec<(i64, String, String, Vec<String>)>,
    /// Each cluster's parent (a sub-sector's cluster, a cluster's system).
    cluster_parent: HashMap<i64, i64>,
    /// Normalised cluster key, name and short name → indexes into `clusters`.
    cluster_by_key: HashMap<String, usize>,
    cluster_by_name: HashMap<String, Vec<usize>>,
    cluster_by_short: HashMap<String, Vec<usize>>,
    /// How many more short names [`Plan::short_name_elsewhere`] may check against every
    /// enterprise name: the check is a scan, so a file full of unrelated short names stays
    /// linear.
    elsewhere_budget: usize,
    /// Whether a new record's changes list every field it gets ([`ImportOptions::list_new_fields`]).
    list_new_fields: bool,
}

/// Whether `names` holds `short`, compared as names are (width, case and spacing folded).
fn has_short(names: &[String], short: &str) -> bool {
    let n = normalize_name(short);
    names.iter().any(|x| normalize_name(x) == n)
}

/// A short list of the known names closest to `wanted` (shared characters, then length).
pub fn closest<'a>(wanted: &str, names: impl Iterator<Item = &'a str>, n: usize) -> Vec<String> {
    crate::search::closest(wanted, names, n)
}

fn opt_text(s: &str) -> Option<String> {
    let t = sanitize(s);
    (!t.is_empty()).then_some(t)
}

fn join_names(v: &[String]) -> String {
    v.join("、")
}

/// Problems found while planning one row; the row is written only when there are none.
struct RowCtx<'a> {
    rec: &'a Record,
    header: &'a Header,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
    /// The warning that hidden characters were removed from the name, while it stands.
    name_cleaned: Option<usize>,
}

impl RowCtx<'_> {
    /// A name whose hidden characters make it equal to another is refused, not "cleaned and
    /// used": one verdict, so the warning that it was cleaned goes.
    fn refuse_hidden_match(&mut self, name: &str, reason: String) {
        if let Some(i) = self.name_cleaned.take() {
            self.warnings.remove(i);
        }
        self.problem(Field::Name, name, reason);
    }

    fn header_of(&self, f: Field) -> String {
        self.header
            .col(f)
            .map(|c| c.header.clone())
            .unwrap_or_default()
    }

    fn problem(&mut self, f: Field, value: &str, reason: impl Into<String>) {
        let header = self.header_of(f);
        self.problems.push(Problem {
            row: Some(self.rec.row),
            header,
            value: shown(value),
            reason: reason.into(),
        });
    }

    fn warn(&mut self, f: Field, value: &str, reason: impl Into<String>) {
        let header = self.header_of(f);
        self.warnings.push(Problem {
            row: Some(self.rec.row),
            header,
            value: shown(value),
            reason: reason.into(),
        });
    }

    /// The text of a field's cell, or a problem when the cell cannot be used.
    fn text(&mut self, f: Field) -> Option<String> {
        let rec = self.rec;
        let cell = rec.cell(f)?;
        match cell_text(cell) {
            Ok(t) if t.trim().is_empty() => None,
            // Excel's text prefix, as export writes it before a formula-like cell.
            Ok(t) if t.starts_with('\'') && super::export::formula_like(&t[1..]) => {
                Some(t[1..].to_string())
            }
            Ok(t) => Some(t),
            Err(p) => {
                let value = match &p {
                    CellProblem::TooLong(_) => match cell {
                        Cell::Text(t) => t.chars().take(20).collect(),
                        _ => String::new(),
                    },
                    CellProblem::FormulaNoValue(f) => format!("={f}"),
                    CellProblem::ErrorValue(e) => e.clone(),
                };
                self.problem(f, &value, p.message());
                None
            }
        }
    }
}

impl Plan {
    /// An empty plan for `parsed` (its records are planned by the caller).
    fn new(parsed: Parsed) -> Plan {
        Plan {
            parsed,
            enterprises: Table::default(),
            parks: Table::default(),
            designations: Vec::new(),
            designation_ids: Vec::new(),
            des_original: HashMap::new(),
            des_index: HashMap::new(),
            des_touched: HashMap::new(),
            results: Vec::new(),
            problems: Vec::new(),
            warnings: Vec::new(),
            import_id: None,
            store_version: 0,
            regions: Vec::new(),
            region_parent: HashMap::new(),
            region_by_norm: HashMap::new(),
            region_reads: HashMap::new(),
            region_reads_narrowed: HashSet::default(),
            clusters: Vec::new(),
            cluster_parent: HashMap::new(),
            cluster_by_key: HashMap::new(),
            cluster_by_name: HashMap::new(),
            cluster_by_short: HashMap::new(),
            elsewhere_budget: 100,
            list_new_fields: true,
        }
    }

    /// Load what the store holds and plan every record of `parsed`.
    pub fn build(store: &Store, parsed: Parsed, opts: &ImportOptions) -> Result<Plan, IngestError> {
        let mut plan = Plan::new(parsed);
        plan.list_new_fields = opts.list_new_fields;
        plan.load(store)?;
        plan.file_warnings();
        let records = std::mem::take(&mut plan.parsed.records);
        let total = records.len();
        let mut pending_parents: Vec<(u32, usize, String)> = Vec::new();
        for (n, rec) in records.iter().enumerate() {
            if opts.progress && total >= 20_000 && n % 20_000 == 0 {
                eprint!("\r核对中… {n}/{total}");
            }
            plan.plan_row(rec, &mut pending_parents);
        }
        if opts.progress && total >= 20_000 {
            eprintln!("\r核对完成 {total}/{total}。   ");
        }
        plan.resolve_parents(pending_parents);
        plan.parsed.records = records;
        Ok(plan)
    }

    /// [`read_file`] and [`Plan::build`] at once: the rows are read on a second thread and
    /// planned here as they arrive, while this thread first loads what the store holds. The
    /// result is the same as building from a file read beforehand.
    pub fn read_and_build(store: &Store, opts: &ImportOptions) -> Result<Plan, IngestError> {
        /// Records per message from the reading thread.
        const BATCH: usize = 1024;
        let (parsed, mut reader) = open_file(opts)?;
        let mut plan = Plan::new(parsed);
        plan.list_new_fields = opts.list_new_fields;
        let path = opts.path.as_path();
        let (planned, read) = std::thread::scope(|scope| {
            let (send, batches) = std::sync::mpsc::sync_channel::<Vec<Record>>(8);
            let reading = scope.spawn(move || {
                let mut batch = Vec::with_capacity(BATCH);
                let read = reader.read_rows(path, false, &mut |rec| {
                    batch.push(rec);
                    if batch.len() < BATCH {
                        return ControlFlow::Continue(());
                    }
                    match send.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))) {
                        Ok(()) => ControlFlow::Continue(()),
                        // The planner stopped (an error): stop reading.
                        Err(_) => ControlFlow::Break(()),
                    }
                });
                if !batch.is_empty() {
                    let _ = send.send(batch);
                }
                read
            });
            let mut planned = || -> Result<Vec<Record>, StoreError> {
                plan.load(store)?;
                let mut records = Vec::new();
                let mut pending_parents: Vec<(u32, usize, String)> = Vec::new();
                for batch in &batches {
                    for rec in &batch {
                        plan.plan_row(rec, &mut pending_parents);
                    }
                    records.extend(batch);
                    // Progress only for large files (a small one is done before it could be
                    // read), and always closed by the line below.
                    if opts.progress && records.len() >= 20_000 && records.len() % 20_480 < BATCH {
                        eprint!("\r已读取并核对 {} 行…", records.len());
                    }
                }
                if opts.progress && records.len() >= 20_000 {
                    eprintln!("\r已读取并核对 {} 行。   ", records.len());
                }
                plan.resolve_parents(pending_parents);
                Ok(records)
            };
            let planned = planned();
            drop(batches);
            let read = match reading.join() {
                Ok(read) => read,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            (planned, read)
        });
        let read = read?;
        plan.parsed.records = planned?;
        plan.parsed.passed_over = read.passed_over;
        plan.parsed.summary_rows = read.summary_rows;
        plan.parsed.truncated_columns = read.truncated_columns;
        plan.parsed.sha256 = read.sha256;
        // Warnings about the whole file come first, as in [`Plan::build`].
        let row_warnings = std::mem::take(&mut plan.warnings);
        plan.file_warnings();
        plan.warnings.extend(row_warnings);
        Ok(plan)
    }

    fn load(&mut self, store: &Store) -> Result<(), StoreError> {
        self.store_version = store.data_version()?;
        let conn = store.conn();
        for row in conn
            .prepare("SELECT id, parent_id FROM regions WHERE parent_id IS NOT NULL")?
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?
        {
            let (id, parent) = row?;
            self.region_parent.insert(id, parent);
        }
        let mut stmt = conn.prepare("SELECT id, name, short_names FROM regions ORDER BY id")?;
        self.regions = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    split_multi(&r.get::<_, String>(2)?),
                ))
            })?
            .collect::<Result<_, _>>()?;
        for (id, name, _) in &self.regions {
            self.region_by_norm.insert(normalize_name(name), *id);
        }
        for (id, _, shorts) in &self.regions {
            for s in shorts {
                self.region_by_norm.entry(normalize_name(s)).or_insert(*id);
            }
        }
        // A county-level name without its 区/县/市 ("通川" for 通川区), when no other region
        // shares it: spreadsheets write counties that way as often as not.
        let mut bare: HashMap<String, Vec<i64>> = HashMap::new();
        for (id, name, _) in &self.regions {
            let n = normalize_name(name);
            if let Some(stem) = n.strip_suffix(['区', '县', '市'])
                && stem.chars().count() >= 2
            {
                bare.entry(stem.to_string()).or_default().push(*id);
            }
        }
        for (stem, ids) in bare {
            if let [id] = ids[..] {
                self.region_by_norm.entry(stem).or_insert(id);
            }
        }
        for row in conn
            .prepare("SELECT id, parent_id FROM clusters WHERE parent_id IS NOT NULL")?
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?
        {
            let (id, parent) = row?;
            self.cluster_parent.insert(id, parent);
        }
        let mut stmt =
            conn.prepare("SELECT id, key, name, short_names FROM clusters ORDER BY id")?;
        self.clusters = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    split_multi(&r.get::<_, String>(3)?),
                ))
            })?
            .collect::<Result<_, _>>()?;
        for (i, (_, key, name, shorts)) in self.clusters.iter().enumerate() {
            self.cluster_by_key.entry(normalize_name(key)).or_insert(i);
            self.cluster_by_name
                .entry(normalize_name(name))
                .or_default()
                .push(i);
            for s in shorts {
                let v = self.cluster_by_short.entry(normalize_name(s)).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
        }

        let mut park_clusters: HashMap<i64, BTreeSet<i64>> = HashMap::new();
        for row in conn
            .prepare("SELECT park_id, cluster_id FROM park_clusters")?
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?
        {
            let (p, c) = row?;
            park_clusters.entry(p).or_default().insert(c);
        }
        let mut stmt = conn.prepare(
            "SELECT id, name, short_names, kind, level, region_id, parent_id, notes FROM parks ORDER BY id",
        )?;
        let parks: Vec<ParkRowRaw> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        let mut park_index: HashMap<i64, usize> = HashMap::new();
        for (id, name, shorts, kind, level, region, _, notes) in &parks {
            let shorts = split_multi(shorts);
            let i = self.parks.push(
                Some(*id),
                name,
                &shorts,
                ParkState {
                    name: name.clone(),
                    short_names: shorts.clone(),
                    kind: kind.clone(),
                    level: level.clone(),
                    region_id: *region,
                    parent: None,
                    notes: notes.clone(),
                    clusters: park_clusters.remove(id).unwrap_or_default(),
                },
            );
            park_index.insert(*id, i);
        }
        for (id, .., parent, _) in &parks {
            if let (Some(i), Some(p)) =
                (park_index.get(id), parent.and_then(|p| park_index.get(&p)))
            {
                self.parks.states[*i].parent = Some(*p);
            }
        }

        let mut ent_clusters: HashMap<i64, BTreeSet<i64>> = HashMap::new();
        for row in conn
            .prepare("SELECT enterprise_id, cluster_id FROM enterprise_clusters")?
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?
        {
            let (e, c) = row?;
            ent_clusters.entry(e).or_default().insert(c);
        }
        let mut stmt = conn.prepare(
            "SELECT id, name, short_names, uscc, region_id, park_id, scale, notes FROM enterprises ORDER BY id",
        )?;
        let mut ent_index: HashMap<i64, usize> = HashMap::new();
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<i64>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        for row in rows {
            let (id, name, shorts, uscc, region, park, scale, notes) = row?;
            let shorts = split_multi(&shorts);
            let i = self.enterprises.push(
                Some(id),
                &name,
                &shorts,
                EntState {
                    name: name.clone(),
                    short_names: shorts.clone(),
                    uscc: uscc.clone(),
                    region_id: region,
                    park: park.and_then(|p| park_index.get(&p).copied()),
                    scale,
                    notes,
                    clusters: ent_clusters.remove(&id).unwrap_or_default(),
                },
            );
            if let Some(u) = uscc {
                self.enterprises.by_uscc.insert(u, i);
            }
            ent_index.insert(id, i);
        }

        let mut stmt = conn.prepare(
            "SELECT id, enterprise_id, park_id, type, level, grade, year, batch, status, notes FROM designations ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<i32>>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, String>(9)?,
            ))
        })?;
        for row in rows {
            let (id, ent, park, ty, level, grade, year, batch, status, notes) = row?;
            let holder = match (
                ent.and_then(|e| ent_index.get(&e)),
                park.and_then(|p| park_index.get(&p)),
            ) {
                (Some(e), _) => Holder::Enterprise(*e),
                (None, Some(p)) => Holder::Park(*p),
                _ => continue,
            };
            // Types outside the vocabulary (older data) keep their own name.
            let Some(ty) = DesignationType::get(&ty) else {
                continue;
            };
            let state = DesState {
                holder,
                ty: ty.name,
                level,
                grade,
                year,
                batch,
                status,
                notes,
            };
            let i = self.designations.len();
            self.des_index.insert(state.key(), i);
            self.designations.push(state);
            self.designation_ids.push(Some(id));
        }
        Ok(())
    }

    fn file_warnings(&mut self) {
        let unknown = self.parsed.header.unknown();
        if !unknown.is_empty() {
            self.warnings.push(Problem {
                row: Some(self.parsed.header.row),
                header: String::new(),
                value: join_names(&unknown),
                reason: "这些列不认识，已忽略；需要时用 --map '列名=字段' 指明".into(),
            });
        }
        for w in &self.parsed.title_warnings {
            self.warnings.push(Problem {
                row: None,
                header: String::new(),
                value: String::new(),
                reason: w.clone(),
            });
        }
        if self.parsed.truncated_columns {
            self.warnings.push(Problem {
                row: None,
                header: String::new(),
                value: String::new(),
                reason: format!("表格超过 {} 列，右侧多出的列已忽略", super::MAX_COLUMNS),
            });
        }
        // A recognised GBK file is said once, on the report's first line (`Report::encoding_guessed`).
    }

    pub fn problem_count(&self) -> usize {
        self.problems.len()
    }

    /// Whether applying the plan would write anything.
    pub fn has_writes(&self) -> bool {
        self.results
            .iter()
            .any(|r| matches!(r.outcome, Outcome::New | Outcome::Changed))
    }

    fn region(&self, text: &str) -> Option<i64> {
        let n = normalize_name(text);
        if let Some(id) = self.region_by_norm.get(&n) {
            return Some(*id);
        }
        // "四川省达州市宣汉县": the longest known name it ends with.
        self.regions
            .iter()
            .filter(|(_, name, _)| n.ends_with(&normalize_name(name)))
            .max_by_key(|(_, name, _)| name.len())
            .map(|(id, ..)| *id)
    }

    /// The top of a region's parents: the city of a county (a region without a parent is its
    /// own top).
    fn region_top(&self, id: i64) -> i64 {
        let mut r = id;
        for _ in 0..8 {
            match self.region_parent.get(&r) {
                Some(p) => r = *p,
                None => break,
            }
        }
        r
    }

    /// How a county cell reads: its full name (silently), a short or abbreviated form of one
    /// region (accepted, said once), a form that could mean places in different cities (a
    /// problem), or nothing known.
    fn read_region(&self, text: &str) -> RegionRead {
        let n = normalize_name(text);
        if let Some((id, ..)) = self
            .regions
            .iter()
            .find(|(_, name, _)| normalize_name(name) == n)
        {
            return RegionRead::Exact(*id);
        }
        let Some(id) = self.region(text) else {
            return RegionRead::Unknown;
        };
        let full = normalize_name(&self.region_name(Some(id)));
        if let Some(prefix) = n.strip_suffix(full.as_str()) {
            // "四川省达州市通川区": the full name after its province and city.
            let mut rest = match prefix.find('省') {
                Some(i) => &prefix[i + '省'.len_utf8()..],
                None => prefix,
            };
            let mut up = self.region_parent.get(&id).copied();
            while let Some(p) = up {
                let (_, pname, pshorts) = match self.regions.iter().find(|r| r.0 == p) {
                    Some(r) => r,
                    None => break,
                };
                for form in std::iter::once(pname).chain(pshorts.iter()) {
                    if let Some(r) = rest.strip_prefix(normalize_name(form).as_str()) {
                        rest = r;
                        break;
                    }
                }
                up = self.region_parent.get(&p).copied();
            }
            if rest.is_empty() || prefix.is_empty() {
                return RegionRead::Exact(id);
            }
        }
        // A short form: every place it could stand for, with the city each lies in.
        let mut places: Vec<(String, Option<i64>)> = Vec::new();
        // Regions (not parks) it could stand for, to tell whether a city narrows it to one.
        let mut regions_meant: Vec<i64> = Vec::new();
        for (rid, name, shorts) in &self.regions {
            let rn = normalize_name(name);
            let stem_of = rn
                .strip_suffix(['区', '县', '市'])
                .is_some_and(|st| st == n);
            if (rn.len() > n.len() && rn.ends_with(&n))
                || stem_of
                || shorts.iter().any(|s| normalize_name(s) == n)
            {
                places.push((name.clone(), Some(self.region_top(*rid))));
                regions_meant.push(*rid);
            }
        }
        for p in &self.parks.states {
            let pn = normalize_name(&p.name);
            if (pn.len() > n.len() && pn.ends_with(&n))
                || p.short_names.iter().any(|s| normalize_name(s) == n)
            {
                places.push((p.name.clone(), p.region_id.map(|r| self.region_top(r))));
            }
        }
        let top = self.region_top(id);
        if places.iter().any(|(_, city)| *city != Some(top)) {
            let mut names: Vec<String> = Vec::new();
            for (name, city) in &places {
                let city = city.map(|c| self.region_name(Some(c))).unwrap_or_default();
                let label = if city.is_empty() || normalize_name(&city) == normalize_name(name) {
                    name.clone()
                } else {
                    format!("{name}（{city}）")
                };
                if !names.contains(&label) {
                    names.push(label);
                }
            }
            // The one region it can mean in its own city, when no other region there matches.
            let top = self.region_top(id);
            let alone = regions_meant
                .iter()
                .all(|r| *r == id || self.region_top(*r) != top);
            return RegionRead::Ambiguous {
                in_city: alone.then_some(id),
                names,
            };
        }
        RegionRead::Short(id)
    }

    /// The region a row's county cell names, with a reminder (once per distinct value) when
    /// only a short form matched, and a problem when the value could mean places in different
    /// cities or is unknown.
    fn region_cell(&mut self, cx: &mut RowCtx<'_>, text: &str) -> Option<i64> {
        let key = normalize_name(text);
        let (read, first) = match self.region_reads.get(&key) {
            Some(r) => (r.clone(), false),
            None => {
                let r = self.read_region(text);
                self.region_reads.insert(key, r.clone());
                (r, true)
            }
        };
        match read {
            RegionRead::Exact(id) => Some(id),
            RegionRead::Short(id) => {
                if first {
                    cx.warn(
                        Field::Region,
                        text,
                        format!(
                            "按“{}”处理（只与简称或缩写相符；同一写法只提醒一次）",
                            self.region_name(Some(id))
                        ),
                    );
                }
                Some(id)
            }
            // "高新区" beside 所属市 达州市: the city says which one.
            RegionRead::Ambiguous {
                in_city: Some(id), ..
            } if cx
                .text(Field::City)
                .and_then(|c| self.region(&c))
                .is_some_and(|c| self.region_top(c) == self.region_top(id)) =>
            {
                let city = cx.text(Field::City).unwrap_or_default();
                if self.region_reads_narrowed.insert(format!(
                    "{}|{}",
                    normalize_name(text),
                    normalize_name(&city)
                )) {
                    cx.warn(
                        Field::Region,
                        text,
                        format!(
                            "按“{}”处理（简称，本行的市为“{}”；同一写法只提醒一次）",
                            self.region_name(Some(id)),
                            sanitize(&city)
                        ),
                    );
                }
                Some(id)
            }
            RegionRead::Ambiguous { names, .. } => {
                cx.problem(
                    Field::Region,
                    text,
                    format!("可能指不同城市的地方：{}；请写全称", join_names(&names)),
                );
                None
            }
            RegionRead::Unknown => {
                let simplified = to_simplified(text);
                let near = closest_full(
                    &simplified,
                    self.regions
                        .iter()
                        .map(|(_, n, s)| (n.as_str(), s.as_slice())),
                );
                cx.problem(Field::Region, text, not_found("县（市、区）", &near));
                None
            }
        }
    }

    /// A problem when the row's city column names a city its county does not lie in
    /// ("所属市 重庆市" beside 通川区).
    fn check_city(&self, cx: &mut RowCtx<'_>, region: i64) {
        let Some(city) = cx.text(Field::City) else {
            return;
        };
        let top = self.region_top(region);
        let conflict = match self.region(&city) {
            Some(c) => c != region && !self.region_within(Some(region), Some(c)),
            // A city the store does not know: a conflict when the county lies in a city the
            // store does know (大足区 has none above it; 通川区 lies in 达州市).
            None => self.region_parent.values().any(|p| *p == top),
        };
        if conflict {
            let name = self.region_name(Some(region));
            let lies_in = if top == region {
                String::new()
            } else {
                format!("属于{}，", self.region_name(Some(top)))
            };
            cx.problem(
                Field::City,
                &city,
                format!(
                    "本行的市是“{}”，而县（市、区）“{name}”{lies_in}不在这个市；请核对是哪一列填错了",
                    sanitize(&city)
                ),
            );
        }
    }

    /// Whether region `inner` lies inside region `outer` (a county inside its city).
    fn region_within(&self, inner: Option<i64>, outer: Option<i64>) -> bool {
        let (Some(mut r), Some(outer)) = (inner, outer) else {
            return false;
        };
        for _ in 0..8 {
            match self.region_parent.get(&r) {
                Some(p) if *p == outer => return true,
                Some(p) => r = *p,
                None => return false,
            }
        }
        false
    }

    fn region_name(&self, id: Option<i64>) -> String {
        id.and_then(|id| self.regions.iter().find(|r| r.0 == id))
            .map(|r| r.1.clone())
            .unwrap_or_default()
    }

    /// The clusters of `wanted` that `have` lacks, leaving out any that is a parent (at any
    /// depth) of one `have` holds: 新材料 adds nothing to an enterprise in 新材料 › 高性能纤维.
    fn clusters_added(&self, wanted: &BTreeSet<i64>, have: &BTreeSet<i64>) -> Vec<i64> {
        let mut covered: HashSet<i64> = HashSet::default();
        for &c in have {
            let mut p = self.cluster_parent.get(&c).copied();
            for _ in 0..8 {
                let Some(id) = p else { break };
                covered.insert(id);
                p = self.cluster_parent.get(&id).copied();
            }
        }
        wanted
            .difference(have)
            .filter(|c| !covered.contains(c))
            .copied()
            .collect()
    }

    /// Who holds a credit code, as the user knows them: the store's name ("库中的“A”"), with
    /// the new name when an earlier row of this file renames it, or the row that adds it.
    fn holder_of_code(&self, i: usize) -> String {
        let t = &self.enterprises;
        let now = &t.states[i].name;
        let row = t.touched.get(&i).copied().unwrap_or_default();
        if t.ids[i].is_none() {
            return format!("本表第 {row} 行的“{now}”");
        }
        match t.original.get(&i).map(|o| &o.name) {
            Some(stored) if stored != now => {
                format!("库中的“{stored}”（本表第 {row} 行把它改名为“{now}”）")
            }
            _ => format!("库中的“{now}”"),
        }
    }

    /// Cluster names joined for a field change ("新材料、能源化工").
    fn cluster_names(&self, ids: &BTreeSet<i64>) -> String {
        ids.iter()
            .map(|c| self.cluster_name(*c))
            .collect::<Vec<_>>()
            .join("、")
    }

    fn cluster_name(&self, id: i64) -> String {
        self.clusters
            .iter()
            .find(|c| c.0 == id)
            .map(|c| c.2.clone())
            .unwrap_or_default()
    }

    /// The cluster a key or name means, else a unique short name; a text that is one
    /// cluster's key and another's name ("数字经济": the system 数字经济三大产业集群 and the
    /// cluster 数字经济 of 2+3+1) is ambiguous: the candidates, each with its key, come back.
    fn cluster(&self, text: &str) -> Result<i64, Vec<String>> {
        let n = normalize_name(text);
        let mut hits: Vec<usize> = self.cluster_by_key.get(&n).copied().into_iter().collect();
        for &i in self.cluster_by_name.get(&n).map_or(&[][..], Vec::as_slice) {
            if !hits.contains(&i) {
                hits.push(i);
            }
        }
        if hits.is_empty() {
            hits = self.cluster_by_short.get(&n).cloned().unwrap_or_default();
        }
        match hits[..] {
            [one] => Ok(self.clusters[one].0),
            [] => Err(Vec::new()),
            _ => Err(hits
                .iter()
                .map(|&i| format!("{}（代码 {}）", self.clusters[i].2, self.clusters[i].1))
                .collect()),
        }
    }

    /// The clusters named in one cell: split at the list separators, except where adjacent
    /// pieces together name a cluster — seeded names such as "光电显示组装零件、原材料" hold
    /// the separator themselves.
    fn cluster_pieces(&self, text: &str) -> Vec<String> {
        const SEPARATORS: [char; 4] = ['|', '、', '；', ';'];
        /// Most adjacent pieces tried as one name.
        const MAX_JOINED: usize = 4;
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        for (i, ch) in text.char_indices() {
            if SEPARATORS.contains(&ch) {
                spans.push((start, i));
                start = i + ch.len_utf8();
            }
        }
        spans.push((start, text.len()));
        let mut out = Vec::new();
        let mut i = 0;
        while i < spans.len() {
            let mut next = i + 1;
            for j in (i + 1..spans.len().min(i + MAX_JOINED)).rev() {
                let joined = sanitize(&text[spans[i].0..spans[j].1]);
                if self.cluster(&joined).is_ok() {
                    out.push(joined);
                    next = j + 1;
                    break;
                }
            }
            if next == i + 1 {
                let piece = sanitize(&text[spans[i].0..spans[i].1]);
                if !piece.is_empty() {
                    out.push(piece);
                }
            }
            i = next;
        }
        out
    }

    fn park_label(&self, i: Option<usize>) -> String {
        i.map(|i| self.parks.states[i].name.clone())
            .unwrap_or_default()
    }

    fn plan_row(&mut self, rec: &Record, pending_parents: &mut Vec<(u32, usize, String)>) {
        // Lent out for the row rather than cloned per row (nothing below reads it from `self`).
        let header = std::mem::take(&mut self.parsed.header);
        self.plan_row_with(&header, rec, pending_parents);
        self.parsed.header = header;
    }

    fn plan_row_with(
        &mut self,
        header: &Header,
        rec: &Record,
        pending_parents: &mut Vec<(u32, usize, String)>,
    ) {
        let mut cx = RowCtx {
            rec,
            header,
            problems: Vec::new(),
            warnings: Vec::new(),
            name_cleaned: None,
        };
        let raw_name = cx.text(Field::Name).unwrap_or_default();
        let name_cell_bad = !cx.problems.is_empty();
        let (name, hostile) = clean_name(&raw_name);
        // Tabs and line breaks (a cell typed with Alt+Enter) are not hostile but are removed
        // all the same, so the user is told.
        let breaks = raw_name.chars().any(|c| {
            matches!(
                c,
                '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{2028}' | '\u{2029}'
            )
        });
        if hostile || breaks {
            let what = match (hostile, breaks) {
                (true, false) => "控制字符、转义序列或不可见字符",
                (true, true) => "控制字符、转义序列、不可见字符和换行符或制表符",
                _ => "换行符或制表符",
            };
            cx.name_cleaned = Some(cx.warnings.len());
            cx.warn(
                Field::Name,
                &raw_name,
                format!("名称中含有{what}，已清除，按“{name}”处理"),
            );
        }
        let display = name.clone();
        if let Some(why) = normalize::implausible_name(&name) {
            cx.problem(Field::Name, &name, why);
        }

        // Rows from another city in a provincial list are set aside, not errors.
        if let Some(city) = cx.text(Field::City) {
            let region_ok = cx
                .text(Field::Region)
                .is_some_and(|r| self.region(&r).is_some());
            if self.region(&city).is_none() && !region_ok {
                self.results.push(RowResult {
                    row: rec.row,
                    name: display,
                    holder: None,
                    outcome: Outcome::OutOfScope,
                    changes: vec![FieldChange {
                        field: "市（州）",
                        before: String::new(),
                        after: sanitize(&city),
                    }],
                });
                return;
            }
        }

        if name.is_empty() && !name_cell_bad {
            let what = match self.parsed.kind {
                Kind::Parks => "园区名称",
                _ => "名称",
            };
            cx.problem(Field::Name, &raw_name, format!("缺少{what}"));
        }

        let kind = self.parsed.kind;
        let list = self.parsed.list.clone();
        // Which designation (if any) this row carries.
        let des_type = self.row_designation(&mut cx, list.as_ref().map(|l| &l.0));
        if kind == Kind::Designations && des_type.is_none() && cx.problems.is_empty() {
            let why = if header.has(Field::DesignationType) {
                // The column is there; this row's cell is empty.
                "不知道这一行是什么认定：这一行的“认定类型”是空的。请填上认定类型（如 省级专精特新中小企业）"
            } else {
                "不知道这一行是什么认定：表中没有“认定类型”列，标题和文件名里也没有写明。请加 --designation（如 --designation 省级专精特新中小企业 --year 2024）"
            };
            cx.problem(Field::DesignationType, "", why);
        }

        let holder_kind = match cx.text(Field::HolderKind) {
            Some(t) => match HolderKind::parse(&sanitize(&t)) {
                Some(k) => Some(k),
                None => {
                    cx.problem(Field::HolderKind, &t, "主体类别应为“企业”或“园区”");
                    None
                }
            },
            None => None,
        };
        let is_park = match kind {
            Kind::Parks => true,
            Kind::Enterprises => false,
            Kind::Designations => match holder_kind {
                Some(k) => k == HolderKind::Park,
                None => {
                    des_type
                        .as_ref()
                        .is_some_and(|d| d.0.holders == Holders::Park)
                        || (!name.is_empty()
                            && self.enterprises.lookup(&name).is_empty()
                            && !self.parks.lookup(&name).is_empty())
                }
            },
        };

        let mut changes = Vec::new();
        let mut outcome = Outcome::Unchanged;
        let holder = if name.is_empty() {
            None
        } else if is_park {
            if kind == Kind::Parks {
                self.plan_park(&mut cx, &name, hostile)
            } else {
                // A designation of a park: the park must be known.
                match self.parks.lookup(&name).as_slice() {
                    [one] => Some((HolderPlan::Park(Some(*one), None), Vec::new())),
                    [] => {
                        let near =
                            closest(&name, self.parks.states.iter().map(|p| p.name.as_str()), 3);
                        cx.problem(Field::Name, &name, not_found("园区", &near));
                        None
                    }
                    many => {
                        let names: Vec<String> = many
                            .iter()
                            .map(|i| self.parks.states[*i].name.clone())
                            .collect();
                        cx.problem(
                            Field::Name,
                            &name,
                            format!("对应多个园区：{}，请写全称", join_names(&names)),
                        );
                        None
                    }
                }
            }
        } else {
            self.plan_enterprise(&mut cx, &name, hostile)
        };

        // Designation part.
        let mut des_plan: Option<(Option<usize>, DesState, Vec<FieldChange>)> = None;
        if let (Some((hp, _)), Some((ty, level, year, batch))) = (&holder, &des_type) {
            let grade = cx
                .text(Field::Grade)
                .map(|g| sanitize(&g))
                .filter(|g| !g.is_empty());
            let status = match cx.text(Field::Status) {
                Some(s) => match normalize_status(&s) {
                    Ok(v) => v,
                    Err(()) => {
                        cx.problem(
                            Field::Status,
                            &s,
                            "状态应为 有效、已复核 或 已撤销（留空表示按年份推算）",
                        );
                        None
                    }
                },
                None => None,
            };
            let notes = if kind == Kind::Designations {
                cx.text(Field::Notes)
                    .map(|n| sanitize(&n))
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let holder_is_park = matches!(hp, HolderPlan::Park(..));
            match (ty.holders, holder_is_park) {
                (Holders::Enterprise, true) => cx.problem(
                    Field::DesignationType,
                    ty.name,
                    format!("“{}”只授予企业，而“{name}”是园区", ty.name),
                ),
                (Holders::Park, false) => cx.problem(
                    Field::DesignationType,
                    ty.name,
                    format!("“{}”只授予园区，而“{name}”不是库中的园区", ty.name),
                ),
                _ => {}
            }
            let holder_ref = match hp {
                HolderPlan::Enterprise(Some(i), _) => Some(Holder::Enterprise(*i)),
                HolderPlan::Park(Some(i), _) => Some(Holder::Park(*i)),
                _ => None,
            };
            let wanted = DesState {
                holder: holder_ref.unwrap_or(Holder::Enterprise(usize::MAX)),
                ty: ty.name,
                level: level.map(|l| l.label().to_string()),
                grade,
                year: *year,
                batch: batch.clone(),
                status,
                notes,
            };
            let existing = holder_ref.and_then(|_| self.des_index.get(&wanted.key()).copied());
            if let Some(i) = existing
                && let Some(first) = self.des_touched.get(&i)
            {
                cx.problem(
                    Field::Name,
                    &name,
                    format!("与第 {first} 行重复（同一主体、同一认定、同一年份）"),
                );
            }
            let (merged, dchanges) = match existing {
                Some(i) => {
                    let old = &self.designations[i];
                    let mut m = old.clone();
                    let mut ch = Vec::new();
                    merge_opt(&mut m.batch, &wanted.batch, "批次", &mut ch);
                    merge_opt(&mut m.status, &wanted.status, "状态", &mut ch);
                    if !wanted.notes.is_empty() && wanted.notes != m.notes {
                        ch.push(FieldChange {
                            field: "备注",
                            before: m.notes.clone(),
                            after: wanted.notes.clone(),
                        });
                        m.notes = wanted.notes.clone();
                    }
                    (m, ch)
                }
                None => {
                    let title = format!(
                        "{}{}{}",
                        wanted.level.clone().unwrap_or_default(),
                        wanted.ty,
                        wanted.year.map(|y| format!(" {y}")).unwrap_or_default()
                    );
                    (
                        wanted,
                        vec![FieldChange {
                            field: "新增认定",
                            before: String::new(),
                            after: title,
                        }],
                    )
                }
            };
            des_plan = Some((existing, merged, dchanges));
        }

        if !cx.problems.is_empty() {
            self.problems.append(&mut cx.problems);
            self.warnings.append(&mut cx.warnings);
            self.results.push(RowResult {
                row: rec.row,
                name: display,
                holder: None,
                outcome: Outcome::Invalid,
                changes: Vec::new(),
            });
            return;
        }
        self.warnings.append(&mut cx.warnings);

        // Commit the holder.
        let mut holder_ref = None;
        if let Some((hp, hchanges)) = holder {
            match hp {
                HolderPlan::Enterprise(idx, state) => {
                    let i = match (idx, state) {
                        (Some(i), Some(s)) => {
                            if !hchanges.is_empty() {
                                outcome = Outcome::Changed;
                            }
                            let shorts = s.short_names.clone();
                            let nm = s.name.clone();
                            self.enterprises.replace(i, s);
                            self.enterprises.index_names(i, &nm, &shorts);
                            i
                        }
                        (Some(i), None) => i,
                        (None, Some(s)) => {
                            outcome = Outcome::New;
                            let shorts = s.short_names.clone();
                            let nm = s.name.clone();
                            let uscc = s.uscc.clone();
                            let i = self.enterprises.push(None, &nm, &shorts, s);
                            if let Some(u) = uscc {
                                self.enterprises.by_uscc.insert(u, i);
                            }
                            if hostile {
                                self.enterprises.hostile.insert(i);
                            }
                            i
                        }
                        (None, None) => usize::MAX,
                    };
                    if let Some(u) = self.enterprises.states.get(i).and_then(|s| s.uscc.clone()) {
                        self.enterprises.by_uscc.insert(u, i);
                    }
                    self.enterprises.touched.entry(i).or_insert(rec.row);
                    holder_ref = Some(Holder::Enterprise(i));
                }
                HolderPlan::Park(idx, state) => {
                    let i = match (idx, state) {
                        (Some(i), Some(s)) => {
                            if !hchanges.is_empty() {
                                outcome = Outcome::Changed;
                            }
                            let shorts = s.short_names.clone();
                            let nm = s.name.clone();
                            self.parks.replace(i, s);
                            self.parks.index_names(i, &nm, &shorts);
                            i
                        }
                        (Some(i), None) => i,
                        (None, Some(s)) => {
                            outcome = Outcome::New;
                            let shorts = s.short_names.clone();
                            let nm = s.name.clone();
                            self.parks.push(None, &nm, &shorts, s)
                        }
                        (None, None) => usize::MAX,
                    };
                    if kind == Kind::Parks {
                        self.parks.touched.entry(i).or_insert(rec.row);
                        if let Some(p) = cx.text(Field::ParentPark) {
                            pending_parents.push((rec.row, i, p));
                        }
                    }
                    holder_ref = Some(Holder::Park(i));
                }
            }
            changes.extend(hchanges);
        }
        if let (Some((existing, mut state, dchanges)), Some(h)) = (des_plan, holder_ref) {
            state.holder = h;
            match existing {
                Some(i) => {
                    if !dchanges.is_empty() && outcome == Outcome::Unchanged {
                        outcome = Outcome::Changed;
                    }
                    let old = std::mem::replace(&mut self.designations[i], state);
                    self.des_original.entry(i).or_insert(old);
                    self.des_touched.entry(i).or_insert(rec.row);
                }
                None => {
                    outcome = Outcome::New;
                    let i = self.designations.len();
                    self.des_index.insert(state.key(), i);
                    self.designations.push(state);
                    self.designation_ids.push(None);
                    self.des_touched.insert(i, rec.row);
                }
            }
            changes.extend(dchanges);
        }
        let holder = match holder_ref {
            Some(Holder::Enterprise(i)) => Some(&self.enterprises.states[i].name),
            Some(Holder::Park(i)) => Some(&self.parks.states[i].name),
            None => None,
        }
        .filter(|full| **full != display)
        .cloned();
        self.results.push(RowResult {
            row: rec.row,
            name: display,
            holder,
            outcome,
            changes,
        });
    }

    /// The designation of a row: its type cell (with any level prefix), level, year and batch
    /// cells, falling back to the list's designation.
    fn row_designation(
        &mut self,
        cx: &mut RowCtx<'_>,
        list: Option<&ListDesignation>,
    ) -> Option<RowDesignation> {
        let mut ty = None;
        let mut level = None;
        if let Some(t) = cx.text(Field::DesignationType) {
            match normalize::parse_designation(&t) {
                Some((l, found)) => {
                    ty = Some(found);
                    level = l;
                }
                None => {
                    let near = closest(&t, TYPES.iter().map(|t| t.name), 3);
                    let mut msg = format!("“{}”不是已知的认定类型", shown(&t));
                    if !near.is_empty() {
                        msg.push_str(&format!("，最接近的有：{}", join_names(&near)));
                    }
                    cx.problem(Field::DesignationType, &t, msg);
                    return None;
                }
            }
        }
        // The title's level, year and batch belong to the title's type: a row naming another
        // type does not borrow them.
        let own_type = ty;
        let ty = ty.or(list.map(|l| l.ty))?;
        let list = list.filter(|l| l.ty.name == ty.name);
        if let Some(l) = cx.text(Field::Level) {
            match Level::parse(&l) {
                Some(v) => level = Some(v),
                None => cx.problem(Field::Level, &l, "级别应为 国家级、省级、市级 或 县级"),
            }
        }
        let row_level = level;
        let level = level.or(list.and_then(|l| l.level));
        let mut year = None;
        let mut batch = None;
        if let Some(cell) = cx.rec.cell(Field::Year).cloned() {
            match normalize::parse_year(&cell) {
                Ok(Some((y, b))) => {
                    year = Some(y);
                    batch = b;
                }
                Ok(None) => {}
                Err(reason) => {
                    let v = cell_text(&cell).unwrap_or_default();
                    cx.problem(Field::Year, &v, reason);
                }
            }
        }
        if let Some(b) = cx.text(Field::Batch) {
            let folded: String = sanitize(&b)
                .chars()
                .map(crate::model::text::fold_width)
                .collect();
            if year.is_none() {
                year = normalize::find_year(&folded);
            }
            batch = Some(normalize::find_batch(&folded).unwrap_or_else(|| sanitize(&b)));
        }
        let row_year = year;
        let year = year.or(list.and_then(|l| l.year));
        if let Some(l) = list {
            if let (Some(mine), Some(title)) = (row_level, l.level)
                && mine != title
            {
                cx.warn(
                    Field::Level,
                    mine.label(),
                    format!(
                        "本行的级别“{}”与标题的“{}”不同，按本行的“{}”记；请核对",
                        mine.label(),
                        title.label(),
                        mine.label()
                    ),
                );
            }
            if let (Some(mine), Some(title)) = (row_year, l.year)
                && mine != title
            {
                cx.warn(
                    Field::Year,
                    &mine.to_string(),
                    format!(
                        "本行的年份 {mine} 与标题的 {title} 年不同，按本行的 {mine} 记；请核对"
                    ),
                );
            }
        } else if let (Some(t), Some(title)) = (own_type, self.parsed.list.as_ref())
            && (level.is_none() || year.is_none())
        {
            let missing: Vec<&str> = [("级别", level.is_none()), ("年份", year.is_none())]
                .iter()
                .filter(|(_, m)| *m)
                .map(|(w, _)| *w)
                .collect();
            cx.warn(
                Field::DesignationType,
                t.name,
                format!(
                    "本行的认定“{}”不是标题的“{}”，没有沿用标题的级别和年份；本行没有写{}",
                    t.name,
                    title.0.ty.name,
                    missing.join("和")
                ),
            );
        }
        if let Some(y) = year
            && y > crate::model::current_year() + 1
        {
            cx.problem(Field::Year, &y.to_string(), "年份在将来，请核对");
        }
        let batch = batch.or(list.and_then(|l| l.batch.clone()));
        // 小巨人 and 单项冠军 are ministry programmes: national whenever the level is not given.
        let level = match level {
            None if NATIONAL_ONLY.contains(&ty.name) => {
                let note = national_note(ty.name);
                if !self.parsed.notes.contains(&note) {
                    self.parsed.notes.push(note);
                }
                Some(Level::National)
            }
            l => l,
        };
        Some((ty, level, year, batch))
    }

    fn plan_enterprise(
        &mut self,
        cx: &mut RowCtx<'_>,
        name: &str,
        hostile: bool,
    ) -> Option<(HolderPlan, Vec<FieldChange>)> {
        let mut uscc = None;
        if let Some(cell) = cx.rec.cell(Field::Uscc).cloned() {
            if normalize::is_imprecise_number(&cell) {
                cx.problem(
                    Field::Uscc,
                    &normalize::number_text(match cell {
                        Cell::Float(f) => f,
                        _ => 0.0,
                    }),
                    "信用代码被 Excel 存成了数字，末几位已丢失；请把这一列设为“文本”格式后重新填写",
                );
            } else if let Some(t) = cx.text(Field::Uscc) {
                match Uscc::parse(&clean_code(&t)) {
                    Ok(c) => uscc = Some(c.to_string()),
                    Err(e) => cx.problem(Field::Uscc, &t, e.to_string()),
                }
            }
        }
        // Match: credit code, else full name, else a unique short name.
        let by_code = uscc
            .as_ref()
            .and_then(|u| self.enterprises.by_uscc.get(u).copied());
        let norm = normalize_name(name);
        let by_name = self.enterprises.by_norm.get(&norm).copied();
        let mut idx = by_code.or(by_name);
        if let (Some(c), Some(n)) = (by_code, by_name)
            && c != n
        {
            cx.problem(
                Field::Uscc,
                uscc.as_deref().unwrap_or(""),
                format!(
                    "这个信用代码属于{}，而名称“{name}”是另一家企业；请核对哪一项填错了",
                    self.holder_of_code(c)
                ),
            );
            return None;
        }
        if let (Some(i), None, Some(u)) = (by_name, by_code, uscc.as_ref())
            && let Some(have) = &self.enterprises.states[i].uscc
            && have != u
        {
            cx.problem(
                Field::Uscc,
                u,
                format!("库中“{name}”的信用代码是 {have}，与表中不同；请核对"),
            );
            return None;
        }
        if idx.is_none() {
            let shorts = self
                .enterprises
                .by_short
                .get(&norm)
                .cloned()
                .unwrap_or_default();
            match shorts.as_slice() {
                [one] if uscc.is_none() || self.enterprises.states[*one].uscc.is_none() => {
                    idx = Some(*one)
                }
                [] | [_] => {}
                many => {
                    let names: Vec<String> = many
                        .iter()
                        .map(|i| self.enterprises.states[*i].name.clone())
                        .collect();
                    cx.problem(
                        Field::Name,
                        name,
                        format!(
                            "简称对应多家企业：{}；请写全称或信用代码",
                            join_names(&names)
                        ),
                    );
                    return None;
                }
            }
        }
        // Either side of a match may be the one that held hidden characters.
        if let Some(i) = idx
            && (hostile || self.enterprises.hostile.contains(&i))
        {
            cx.refuse_hidden_match(
                name,
                format!(
                    "名称含隐藏字符，清除后与{}“{}”相同；为防误合并未导入，请核对原文件",
                    if self.enterprises.ids[i].is_some() {
                        "库中的"
                    } else {
                        "本表中的"
                    },
                    self.enterprises.states[i].name
                ),
            );
            return None;
        }
        if let Some(i) = idx
            && self.parsed.kind == Kind::Enterprises
            && let Some(first) = self.enterprises.touched.get(&i)
        {
            cx.problem(
                Field::Name,
                name,
                format!("与第 {first} 行是同一家企业（重复行）"),
            );
            return None;
        }

        let region = match cx.text(Field::Region) {
            Some(r) => self.region_cell(cx, &r),
            None => None,
        };
        if let Some(id) = region {
            self.check_city(cx, id);
        }
        let park = match cx.text(Field::Park) {
            Some(p) => match self.parks.lookup(&p).as_slice() {
                [one] => Some(*one),
                [] => {
                    let near = closest(&p, self.parks.states.iter().map(|s| s.name.as_str()), 3);
                    cx.problem(Field::Park, &p, not_found("园区", &near));
                    None
                }
                many => {
                    let names: Vec<String> = many
                        .iter()
                        .map(|i| self.parks.states[*i].name.clone())
                        .collect();
                    cx.problem(
                        Field::Park,
                        &p,
                        format!("对应多个园区：{}，请写全称", join_names(&names)),
                    );
                    None
                }
            },
            None => None,
        };
        let clusters = self.row_clusters(cx);
        let shorts: Vec<String> = cx
            .text(Field::ShortNames)
            .map(|s| {
                split_multi(&s)
                    .into_iter()
                    .map(|n| clean_name(&n).0)
                    .filter(|n| !n.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let me = idx.map(Holder::Enterprise);
        for s in &shorts {
            let own = idx.is_some_and(|i| has_short(&self.enterprises.states[i].short_names, s));
            if own {
                continue;
            }
            if let Some(why) = self.short_name_taken(s, me) {
                cx.problem(Field::ShortNames, s, why);
            } else if let Some(why) = self.short_name_elsewhere(s, name, me) {
                cx.warn(Field::ShortNames, s, why);
            }
        }
        let scale = cx
            .text(Field::Scale)
            .and_then(|s| opt_text(&s))
            .or_else(|| self.parsed.default_scale.clone());
        // In a list of designations the notes column describes the designation.
        let notes = if self.parsed.kind == Kind::Designations {
            None
        } else {
            cx.text(Field::Notes).and_then(|s| opt_text(&s))
        };
        // A list naming an enterprise the register does not have yet adds it.
        let wanted = EntState {
            name: name.to_string(),
            short_names: shorts,
            uscc,
            region_id: region,
            park,
            scale,
            notes: notes.unwrap_or_default(),
            clusters,
        };
        match idx {
            None => {
                if let Some(why) = unbalanced_brackets(name) {
                    cx.problem(Field::Name, name, why);
                }
                let stem = stem_of_norm(&norm);
                if stem.chars().count() >= 2
                    && let Some(&j) = self.enterprises.by_stem.get(&stem_key(&stem))
                    && name_stem(&self.enterprises.states[j].name) == stem
                    && normalize_name(&self.enterprises.states[j].name) != norm
                {
                    let other = &self.enterprises.states[j].name;
                    let where_ = match (self.enterprises.ids[j], self.enterprises.touched.get(&j)) {
                        (None, Some(r)) => format!("本表第 {r} 行"),
                        _ => "库中".to_string(),
                    };
                    cx.warn(
                        Field::Name,
                        name,
                        format!(
                            "{where_}已有相近的名称“{other}”（只差公司类型、括号或标点），将作为新企业加入；请确认不是同一家，若是，请改用“{other}”或填上信用代码"
                        ),
                    );
                }
                let mut ch = vec![FieldChange {
                    field: "新增企业",
                    before: String::new(),
                    after: name.to_string(),
                }];
                // Every field the new record gets, as for a changed one.
                if self.list_new_fields {
                    let fields = [
                        ("简称", join_names(&wanted.short_names)),
                        ("信用代码", wanted.uscc.clone().unwrap_or_default()),
                        ("所属县（市、区）", self.region_name(wanted.region_id)),
                        ("所属园区", self.park_label(wanted.park)),
                        ("产业集群", self.cluster_names(&wanted.clusters)),
                        ("规模", wanted.scale.clone().unwrap_or_default()),
                        ("备注", wanted.notes.clone()),
                    ];
                    added_fields(&mut ch, fields);
                }
                Some((HolderPlan::Enterprise(None, Some(wanted)), ch))
            }
            Some(i) => {
                let mut m = self.enterprises.states[i].clone();
                let mut ch = Vec::new();
                if by_code.is_some() && normalize_name(&m.name) != norm {
                    ch.push(FieldChange {
                        field: "企业名称",
                        before: m.name.clone(),
                        after: name.to_string(),
                    });
                    m.name = name.to_string();
                }
                let mut shorts = m.short_names.clone();
                for s in &wanted.short_names {
                    if !shorts
                        .iter()
                        .any(|x| normalize_name(x) == normalize_name(s))
                        && normalize_name(s) != normalize_name(&m.name)
                    {
                        shorts.push(s.clone());
                    }
                }
                if shorts != m.short_names {
                    ch.push(FieldChange {
                        field: "简称",
                        before: join_names(&m.short_names),
                        after: join_names(&shorts),
                    });
                    m.short_names = shorts;
                }
                if m.uscc.is_none() && wanted.uscc.is_some() {
                    ch.push(FieldChange {
                        field: "信用代码",
                        before: String::new(),
                        after: wanted.uscc.clone().unwrap_or_default(),
                    });
                    m.uscc = wanted.uscc.clone();
                }
                // A list naming only the city (达州市) does not blur a known county.
                if wanted.region_id.is_some()
                    && wanted.region_id != m.region_id
                    && !self.region_within(m.region_id, wanted.region_id)
                {
                    // Moving a known county to another (not narrowing the city to a county)
                    // is worth a second look: lists copy counties by hand.
                    if m.region_id.is_some() && !self.region_within(wanted.region_id, m.region_id) {
                        let after = self.region_name(wanted.region_id);
                        cx.warn(
                            Field::Region,
                            &after,
                            format!(
                                "库中为“{}”，将按文件改为“{after}”；若文件写错，请先更正再导入",
                                self.region_name(m.region_id)
                            ),
                        );
                    }
                    ch.push(FieldChange {
                        field: "所属县（市、区）",
                        before: self.region_name(m.region_id),
                        after: self.region_name(wanted.region_id),
                    });
                    m.region_id = wanted.region_id;
                }
                if wanted.park.is_some() && wanted.park != m.park {
                    ch.push(FieldChange {
                        field: "所属园区",
                        before: self.park_label(m.park),
                        after: self.park_label(wanted.park),
                    });
                    m.park = wanted.park;
                }
                let added = self.clusters_added(&wanted.clusters, &m.clusters);
                if !added.is_empty() {
                    ch.push(FieldChange {
                        field: "产业集群",
                        before: m
                            .clusters
                            .iter()
                            .map(|c| self.cluster_name(*c))
                            .collect::<Vec<_>>()
                            .join("、"),
                        after: m
                            .clusters
                            .iter()
                            .chain(added.iter())
                            .map(|c| self.cluster_name(*c))
                            .collect::<Vec<_>>()
                            .join("、"),
                    });
                    m.clusters.extend(added);
                }
                if wanted.scale.is_some() && wanted.scale != m.scale {
                    ch.push(FieldChange {
                        field: "规模",
                        before: m.scale.clone().unwrap_or_default(),
                        after: wanted.scale.clone().unwrap_or_default(),
                    });
                    m.scale = wanted.scale.clone();
                }
                if !wanted.notes.is_empty() && wanted.notes != m.notes {
                    ch.push(FieldChange {
                        field: "备注",
                        before: m.notes.clone(),
                        after: wanted.notes.clone(),
                    });
                    m.notes = wanted.notes.clone();
                }
                let state = (!ch.is_empty()).then_some(m);
                Some((HolderPlan::Enterprise(Some(i), state), ch))
            }
        }
    }

    fn row_clusters(&self, cx: &mut RowCtx<'_>) -> BTreeSet<i64> {
        let mut out = BTreeSet::new();
        if let Some(text) = cx.text(Field::Clusters) {
            for c in self.cluster_pieces(&text) {
                match self.cluster(&c) {
                    Ok(id) => {
                        out.insert(id);
                    }
                    Err(many) if !many.is_empty() => cx.problem(
                        Field::Clusters,
                        &c,
                        format!(
                            "可指多个产业集群：{}；请写其中一个的全称或代码",
                            join_names(&many)
                        ),
                    ),
                    Err(_) => {
                        let near = closest_full(
                            &c,
                            self.clusters
                                .iter()
                                .map(|(_, _, n, s)| (n.as_str(), s.as_slice())),
                        );
                        cx.problem(Field::Clusters, &c, not_found("产业", &near));
                    }
                }
            }
        }
        out
    }

    fn plan_park(
        &mut self,
        cx: &mut RowCtx<'_>,
        name: &str,
        hostile: bool,
    ) -> Option<(HolderPlan, Vec<FieldChange>)> {
        let idx = match self.parks.lookup(name).as_slice() {
            [one] => Some(*one),
            [] => None,
            many => {
                let names: Vec<String> = many
                    .iter()
                    .map(|i| self.parks.states[*i].name.clone())
                    .collect();
                cx.problem(
                    Field::Name,
                    name,
                    format!("对应多个园区：{}，请写全称", join_names(&names)),
                );
                return None;
            }
        };
        if let Some(i) = idx {
            if hostile {
                cx.refuse_hidden_match(
                    name,
                    format!(
                        "名称含隐藏字符，清除后与“{}”相同；为防误合并未导入，请核对原文件",
                        self.parks.states[i].name
                    ),
                );
                return None;
            }
            if let Some(first) = self.parks.touched.get(&i) {
                cx.problem(
                    Field::Name,
                    name,
                    format!("与第 {first} 行是同一个园区（重复行）"),
                );
                return None;
            }
        }
        let kind = match cx.text(Field::ParkKind) {
            Some(k) => {
                let k = sanitize(&k);
                match PARK_KINDS
                    .iter()
                    .find(|p| normalize_name(p) == normalize_name(&k))
                {
                    Some(p) => Some(p.to_string()),
                    None => {
                        cx.problem(
                            Field::ParkKind,
                            &k,
                            format!("园区类型应为：{}", PARK_KINDS.join("、")),
                        );
                        None
                    }
                }
            }
            None => None,
        };
        let level = match cx.text(Field::Level) {
            Some(l) => match Level::parse(&l) {
                Some(v) => Some(v.label().to_string()),
                None if normalize_name(&l) == "未定级" => None,
                None => {
                    cx.problem(
                        Field::Level,
                        &l,
                        "级别应为 国家级、省级、市级、县级 或 未定级",
                    );
                    None
                }
            },
            None => None,
        };
        let region = match cx.text(Field::Region) {
            Some(r) => self.region_cell(cx, &r),
            None => None,
        };
        if let Some(id) = region {
            self.check_city(cx, id);
        }
        let clusters = self.row_clusters(cx);
        let shorts: Vec<String> = cx
            .text(Field::ShortNames)
            .map(|s| {
                split_multi(&s)
                    .into_iter()
                    .map(|n| clean_name(&n).0)
                    .filter(|n| !n.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let me = idx.map(Holder::Park);
        for s in &shorts {
            let own = idx.is_some_and(|i| has_short(&self.parks.states[i].short_names, s));
            if !own && let Some(why) = self.short_name_taken(s, me) {
                cx.problem(Field::ShortNames, s, why);
            }
        }
        let notes = cx
            .text(Field::Notes)
            .and_then(|s| opt_text(&s))
            .unwrap_or_default();
        match idx {
            None => {
                let state = ParkState {
                    name: name.to_string(),
                    short_names: shorts,
                    kind: kind.unwrap_or_else(|| "其他".to_string()),
                    level,
                    region_id: region,
                    parent: None,
                    notes,
                    clusters,
                };
                let mut ch = vec![FieldChange {
                    field: "新增园区",
                    before: String::new(),
                    after: name.to_string(),
                }];
                if self.list_new_fields {
                    let fields = [
                        ("简称", join_names(&state.short_names)),
                        ("园区类型", state.kind.clone()),
                        ("级别", state.level.clone().unwrap_or_default()),
                        ("所属县（市、区）", self.region_name(state.region_id)),
                        ("主导产业", self.cluster_names(&state.clusters)),
                        ("备注", state.notes.clone()),
                    ];
                    added_fields(&mut ch, fields);
                }
                Some((HolderPlan::Park(None, Some(state)), ch))
            }
            Some(i) => {
                let old = self.parks.states[i].clone();
                let mut m = old.clone();
                let mut ch = Vec::new();
                let mut all = m.short_names.clone();
                for s in &shorts {
                    if !all.iter().any(|x| normalize_name(x) == normalize_name(s)) {
                        all.push(s.clone());
                    }
                }
                if all != m.short_names {
                    ch.push(FieldChange {
                        field: "简称",
                        before: join_names(&m.short_names),
                        after: join_names(&all),
                    });
                    m.short_names = all;
                }
                if let Some(k) = kind.filter(|k| *k != m.kind) {
                    ch.push(FieldChange {
                        field: "园区类型",
                        before: m.kind.clone(),
                        after: k.clone(),
                    });
                    m.kind = k;
                }
                if level.is_some() && level != m.level {
                    ch.push(FieldChange {
                        field: "级别",
                        before: m.level.clone().unwrap_or_default(),
                        after: level.clone().unwrap_or_default(),
                    });
                    m.level = level;
                }
                if region.is_some() && region != m.region_id {
                    ch.push(FieldChange {
                        field: "所属县（市、区）",
                        before: self.region_name(m.region_id),
                        after: self.region_name(region),
                    });
                    m.region_id = region;
                }
                let added = self.clusters_added(&clusters, &m.clusters);
                if !added.is_empty() {
                    ch.push(FieldChange {
                        field: "主导产业",
                        before: m
                            .clusters
                            .iter()
                            .map(|c| self.cluster_name(*c))
                            .collect::<Vec<_>>()
                            .join("、"),
                        after: m
                            .clusters
                            .iter()
                            .chain(added.iter())
                            .map(|c| self.cluster_name(*c))
                            .collect::<Vec<_>>()
                            .join("、"),
                    });
                    m.clusters.extend(added);
                }
                if !notes.is_empty() && notes != m.notes {
                    ch.push(FieldChange {
                        field: "备注",
                        before: m.notes.clone(),
                        after: notes.clone(),
                    });
                    m.notes = notes;
                }
                let state = (!ch.is_empty()).then_some(m);
                Some((HolderPlan::Park(Some(i), state), ch))
            }
        }
    }

    /// Why `short` cannot become a short name of `me` (`None`: a record this row adds): another
    /// enterprise or park, in the store or on an earlier row of this file, already answers to it
    /// as its short name or full name. `show`, search and this importer take a short name to
    /// mean one record, so a second holder would make it ambiguous or point at the wrong one.
    fn short_name_taken(&self, short: &str, me: Option<Holder>) -> Option<String> {
        let n = normalize_name(short);
        let shown = sanitize(short);
        // "（本表第 N 行）" when the holder has the name from this file, not from the store.
        let row = |touched: Option<&u32>, from_file: bool| match touched {
            Some(r) if from_file => format!("（本表第 {r} 行）"),
            _ => String::new(),
        };
        let has = |list: &[String]| has_short(list, short);
        let advice = "一个简称只能对应一家，请删去这个简称或改用别的";
        let ent = |i: usize| Some(Holder::Enterprise(i)) != me;
        let park = |i: usize| Some(Holder::Park(i)) != me;
        let t = &self.enterprises;
        if let Some(&i) = t.by_norm.get(&n).filter(|&&i| ent(i)) {
            return Some(format!(
                "“{shown}”是另一家企业 {}{} 的名称；{advice}",
                t.states[i].name,
                row(t.touched.get(&i), t.ids[i].is_none())
            ));
        }
        if let Some(&i) = t.by_short.get(&n).and_then(|v| v.iter().find(|&&i| ent(i))) {
            let from_file =
                t.ids[i].is_none() || t.original.get(&i).is_some_and(|o| !has(&o.short_names));
            return Some(format!(
                "简称“{shown}”已是 {}{} 的简称；{advice}",
                t.states[i].name,
                row(t.touched.get(&i), from_file)
            ));
        }
        let p = &self.parks;
        if let Some(&i) = p.by_norm.get(&n).filter(|&&i| park(i)) {
            return Some(format!(
                "“{shown}”是园区 {}{} 的名称；{advice}",
                p.states[i].name,
                row(p.touched.get(&i), p.ids[i].is_none())
            ));
        }
        if let Some(&i) = p
            .by_short
            .get(&n)
            .and_then(|v| v.iter().find(|&&i| park(i)))
        {
            let from_file =
                p.ids[i].is_none() || p.original.get(&i).is_some_and(|o| !has(&o.short_names));
            return Some(format!(
                "简称“{shown}”已是园区 {}{} 的简称；{advice}",
                p.states[i].name,
                row(p.touched.get(&i), from_file)
            ));
        }
        None
    }

    /// A doubt about an enterprise's new short name that no one holds yet: it shares no
    /// character with the enterprise's own name but is part of other enterprises' names, as
    /// when a column slipped by a row. `yuanqi show` would then open this enterprise for a word
    /// that names another one. Checked only for such unrelated short names (rare), so a
    /// large file is not scanned name by name.
    fn short_name_elsewhere(
        &mut self,
        short: &str,
        own: &str,
        me: Option<Holder>,
    ) -> Option<String> {
        let n = normalize_name(short);
        let own_norm = normalize_name(own);
        if n.chars().count() < 2 || n.chars().any(|c| own_norm.contains(c)) {
            return None;
        }
        if self.elsewhere_budget == 0 {
            return None;
        }
        self.elsewhere_budget -= 1;
        let others: Vec<&str> = self
            .enterprises
            .states
            .iter()
            .enumerate()
            .filter(|(i, e)| {
                Some(Holder::Enterprise(*i)) != me && normalize_name(&e.name).contains(&n)
            })
            .map(|(_, e)| e.name.as_str())
            .take(4)
            .collect();
        if others.is_empty() {
            return None;
        }
        let more = if others.len() > 3 { " 等" } else { "" };
        Some(format!(
            "简称“{}”与本企业名称“{own}”没有一个字相同，却出现在 {}{more} 的名称中；导入后 yuanqi show {} 会打开本企业。请核对这个简称是否填到了别的企业这一行",
            sanitize(short),
            others[..others.len().min(3)].join("、"),
            sanitize(short),
        ))
    }

    /// Parent parks may be named before they appear in the file: resolve them last.
    fn resolve_parents(&mut self, pending: Vec<(u32, usize, String)>) {
        for (row, i, parent) in pending {
            let header = self
                .parsed
                .header
                .col(Field::ParentPark)
                .map(|c| c.header.clone())
                .unwrap_or_default();
            let p = match self.parks.lookup(&parent).as_slice() {
                [one] if *one != i => *one,
                _ => {
                    let near = closest(
                        &parent,
                        self.parks.states.iter().map(|s| s.name.as_str()),
                        3,
                    );
                    self.problems.push(Problem {
                        row: Some(row),
                        header,
                        value: shown(&parent),
                        reason: not_found("上级园区", &near),
                    });
                    if let Some(r) = self.results.iter_mut().find(|r| r.row == row) {
                        r.outcome = Outcome::Invalid;
                    }
                    continue;
                }
            };
            if self.parks.states[i].parent != Some(p) {
                let before = self.park_label(self.parks.states[i].parent);
                let mut next = self.parks.states[i].clone();
                next.parent = Some(p);
                self.parks.replace(i, next);
                let after = self.parks.states[p].name.clone();
                if let Some(r) = self.results.iter_mut().find(|r| r.row == row) {
                    if r.outcome == Outcome::Unchanged {
                        r.outcome = Outcome::Changed;
                    }
                    r.changes.push(FieldChange {
                        field: "上级园区",
                        before,
                        after,
                    });
                }
            }
        }
    }

    /// Enterprises, parks and designations to write: (index, state before or None when new).
    pub fn enterprise_writes(&self) -> impl Iterator<Item = (usize, Option<&EntState>, &EntState)> {
        (0..self.enterprises.states.len()).filter_map(|i| {
            let now = &self.enterprises.states[i];
            if self.enterprises.ids[i].is_none() {
                return Some((i, None, now));
            }
            match self.enterprises.original.get(&i) {
                Some(o) if o != now => Some((i, Some(o), now)),
                _ => None,
            }
        })
    }

    pub fn park_writes(&self) -> impl Iterator<Item = (usize, Option<&ParkState>, &ParkState)> {
        (0..self.parks.states.len()).filter_map(|i| {
            let now = &self.parks.states[i];
            if self.parks.ids[i].is_none() {
                return Some((i, None, now));
            }
            match self.parks.original.get(&i) {
                Some(o) if o != now => Some((i, Some(o), now)),
                _ => None,
            }
        })
    }

    pub fn designation_writes(
        &self,
    ) -> impl Iterator<Item = (usize, Option<&DesState>, &DesState)> {
        (0..self.designations.len()).filter_map(|i| {
            let now = &self.designations[i];
            if self.designation_ids[i].is_none() {
                return Some((i, None, now));
            }
            match self.des_original.get(&i) {
                Some(o) if o != now => Some((i, Some(o), now)),
                _ => None,
            }
        })
    }

    /// Rows each entity was first written from, for the `locator` of what the import writes.
    pub fn enterprise_row(&self, i: usize) -> Option<u32> {
        self.enterprises.touched.get(&i).copied()
    }
    pub fn park_row(&self, i: usize) -> Option<u32> {
        self.parks.touched.get(&i).copied()
    }
    pub fn designation_row(&self, i: usize) -> Option<u32> {
        self.des_touched.get(&i).copied()
    }

    /// Counts for the summary: (new, changed, unchanged, out of scope, invalid).
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for r in &self.results {
            match r.outcome {
                Outcome::New => c.new += 1,
                Outcome::Changed => c.changed += 1,
                Outcome::Unchanged => c.unchanged += 1,
                Outcome::OutOfScope => c.out_of_scope += 1,
                Outcome::Invalid => c.invalid += 1,
            }
        }
        c
    }
}

/// Row counts of a plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub out_of_scope: usize,
    pub invalid: usize,
}

/// How a county cell reads (see [`Plan::read_region`]).
#[derive(Debug, Clone)]
enum RegionRead {
    Exact(i64),
    Short(i64),
    /// Places in different cities the value could mean, each with its city; `in_city` is the
    /// region it means when a row's city column names that region's city.
    Ambiguous {
        in_city: Option<i64>,
        names: Vec<String>,
    },
    Unknown,
}

/// Traditional characters met in the store's place names, as simplified ones: a county cell
/// written 達川區 is suggested as 达川区 (it is not matched: only the suggestion uses this).
fn to_simplified(s: &str) -> String {
    const PAIRS: &[(char, char)] = &[
        ('達', '达'),
        ('區', '区'),
        ('縣', '县'),
        ('萬', '万'),
        ('東', '东'),
        ('開', '开'),
        ('經', '经'),
        ('濟', '济'),
        ('漢', '汉'),
        ('園', '园'),
        ('業', '业'),
        ('廠', '厂'),
        ('慶', '庆'),
        ('陽', '阳'),
        ('興', '兴'),
        ('華', '华'),
        ('豐', '丰'),
        ('龍', '龙'),
        ('門', '门'),
        ('橋', '桥'),
        ('鎮', '镇'),
        ('鄉', '乡'),
        ('發', '发'),
        ('產', '产'),
        ('術', '术'),
        ('農', '农'),
        ('廣', '广'),
        ('電', '电'),
        ('氣', '气'),
        ('鋼', '钢'),
        ('鐵', '铁'),
        ('車', '车'),
        ('輛', '辆'),
        ('紡', '纺'),
        ('織', '织'),
        ('機', '机'),
        ('設', '设'),
        ('備', '备'),
        ('網', '网'),
        ('軟', '软'),
        ('體', '体'),
        ('實', '实'),
        ('藥', '药'),
        ('醫', '医'),
        ('環', '环'),
        ('線', '线'),
        ('貿', '贸'),
        ('遠', '远'),
        ('寧', '宁'),
        ('雲', '云'),
        ('鳳', '凤'),
        ('灣', '湾'),
        ('壩', '坝'),
        ('貴', '贵'),
    ];
    s.chars()
        .map(|c| PAIRS.iter().find(|(t, _)| *t == c).map_or(c, |(_, s)| *s))
        .collect()
}

/// What a row does to its holder: which entity (None = insert) and its new state (None = as is).
enum HolderPlan {
    Enterprise(Option<usize>, Option<EntState>),
    Park(Option<usize>, Option<ParkState>),
}

/// The fields a new record gets, each as a change from nothing (empty ones left out).
fn added_fields<const N: usize>(ch: &mut Vec<FieldChange>, fields: [(&'static str, String); N]) {
    for (field, after) in fields {
        if !after.is_empty() {
            ch.push(FieldChange {
                field,
                before: String::new(),
                after,
            });
        }
    }
}

fn merge_opt(
    have: &mut Option<String>,
    want: &Option<String>,
    field: &'static str,
    ch: &mut Vec<FieldChange>,
) {
    if want.is_some() && want != have {
        ch.push(FieldChange {
            field,
            before: have.clone().unwrap_or_default(),
            after: want.clone().unwrap_or_default(),
        });
        *have = want.clone();
    }
}

/// The three known names closest to `wanted` among full and short names (`entries`: each
/// full name with its short names), each shown once under its full name ("宣汉" is 宣汉县,
/// not a second place).
fn closest_full<'a>(
    wanted: &str,
    entries: impl Iterator<Item = (&'a str, &'a [String])> + Clone,
) -> Vec<String> {
    let names = entries
        .clone()
        .flat_map(|(full, shorts)| std::iter::once(full).chain(shorts.iter().map(String::as_str)));
    let mut out: Vec<String> = Vec::new();
    for n in closest(wanted, names, 3) {
        let full = entries
            .clone()
            .find(|(full, shorts)| *full == n || shorts.contains(&n))
            .map_or(n, |(full, _)| full.to_string());
        if !out.contains(&full) {
            out.push(full);
        }
    }
    out
}

fn not_found(what: &str, near: &[String]) -> String {
    if near.is_empty() {
        format!("库中没有这个{what}")
    } else {
        format!("库中没有这个{what}，最接近的有：{}", join_names(near))
    }
}

/// The part of an enterprise name that tells it apart: matching key without brackets,
/// punctuation and the company form at its end (有限责任公司, 有限公司, 股份有限公司,
/// 集团有限公司, 公司, 集团). "达州华川车辆制造有限责任公司" and "达州华川车辆制造公司" share
/// "达州华川车辆制造"; "四川达州钢铁集团有限公司" and "四川达州钢铁集团公司" share "四川达州钢铁".
pub fn name_stem(name: &str) -> String {
    stem_of_norm(&normalize_name(name))
}

/// [`name_stem`] of a name already normalised ([`normalize_name`]).
fn stem_of_norm(norm: &str) -> String {
    const FORMS: [&str; 7] = [
        "股份有限公司",
        "有限责任公司",
        "集团有限公司",
        "有限公司",
        "股份公司",
        "公司",
        "集团",
    ];
    let mut key: String = norm.chars().filter(|c| c.is_alphanumeric()).collect();
    while let Some(form) = FORMS
        .iter()
        .find(|f| key.ends_with(*f) && key.len() > f.len())
    {
        key.truncate(key.len() - form.len());
    }
    key
}

/// A fixed hash of a [`name_stem`], for the near-duplicate index.
fn stem_key(stem: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x5eed).hash_one(stem)
}

/// Why a name's brackets do not pair up ("达州某某有限公司（" lost its end when copied).
fn unbalanced_brackets(name: &str) -> Option<String> {
    let mut depth: i32 = 0;
    for c in name.chars() {
        match crate::model::text::fold_width(c) {
            '(' | '[' => depth += 1,
            ')' | ']' => {
                depth -= 1;
                if depth < 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    (depth != 0).then(|| {
        "名称中的括号不成对，像是抄写时少了一截；请核对这一格（括号成对的名称才会作为新企业加入）"
            .to_string()
    })
}

/// The status written in a list: only withdrawals and reviews are stored; the rest is derived.
fn normalize_status(s: &str) -> Result<Option<String>, ()> {
    match normalize_name(s).as_str() {
        "" | "有效" | "待复核" | "已过期" | "过期" | "有效期不详" | "active" => {
            Ok(None)
        }
        "已撤销" | "撤销" | "revoked" | "取消" | "已取消" => Ok(Some("已撤销".into())),
        "已复核" | "复核" | "复核通过" | "reviewed" => Ok(Some("已复核".into())),
        _ => Err(()),
    }
}

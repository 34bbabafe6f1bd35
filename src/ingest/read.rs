//! Readers: one per format, each turning a file into the same thing — a list of sheets, and for
//! a sheet a stream of [`Row`]s of [`Cell`]s numbered as the spreadsheet shows them (row 1 is
//! the first row). xlsx is streamed cell by cell so a 100 000-row sheet stays small in memory;
//! xls and ods are read a sheet at a time (xls holds at most 65 536 rows).
//!
//! Cells merged across several rows (a county written once beside its enterprises) are filled
//! down from their top-left cell. A formula yields its cached value; a formula the file holds
//! no value for becomes [`Cell::FormulaNoValue`] so the row can be rejected.

use std::io::{BufReader, Read, Seek};
use std::ops::ControlFlow;
use std::path::Path;

use calamine::{Data, DataRef, Dimensions, Reader};

use super::encoding::{self, Encoding};
use super::{IngestError, MAX_COLUMNS, MAX_FILE_BYTES, display_name};

/// One cell as read, before cleaning.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    /// An Excel date or time as its serial number (days since 1899-12-30).
    Date(f64),
    Bool(bool),
    /// An error value such as `#N/A` or `#REF!`.
    Error(String),
    /// A formula whose result the file does not hold (it was never calculated and saved).
    FormulaNoValue(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

/// One row of a sheet.
#[derive(Debug, Clone)]
pub struct Row {
    /// The row number the spreadsheet shows (1-based); for CSV, the row Excel shows the record
    /// on (its line, less the line breaks inside quoted cells above it).
    pub number: u32,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_empty)
    }
}

/// The file formats the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Ods,
    Csv,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
        }
    }
}

enum Inner {
    Xlsx(Box<calamine::Xlsx<BufReader<std::fs::File>>>),
    Xls(Box<calamine::Xls<BufReader<std::fs::File>>>),
    Ods(Box<calamine::Ods<BufReader<std::fs::File>>>),
    Csv { text: String, sheet: String },
}

/// An opened input file.
pub struct Workbook {
    pub format: Format,
    /// How a CSV was decoded, and whether that was a guess (None for workbooks).
    pub encoding: Option<(Encoding, bool)>,
    /// Whether any row was wider than [`MAX_COLUMNS`] (the rest was ignored).
    pub truncated_columns: bool,
    file: String,
    inner: Inner,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

impl Workbook {
    /// Open `path`, deciding the format from its extension and checking its first bytes.
    pub fn open(path: &Path, wanted_encoding: Option<Encoding>) -> Result<Workbook, IngestError> {
        let file = display_name(path);
        let io = |cause| IngestError::Io {
            file: file.clone(),
            cause,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.is_dir() {
            return Err(IngestError::Usage(format!(
                "{file} 是一个目录，请指定一个表格文件。"
            )));
        }
        if meta.len() == 0 {
            return Err(IngestError::EmptyFile(file));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(IngestError::TooLarge {
                file,
                size: meta.len(),
                max: MAX_FILE_BYTES,
            });
        }
        let ext = extension(path);
        let mut head = [0u8; 8];
        let n = {
            let mut f = std::fs::File::open(path).map_err(io)?;
            let mut n = 0;
            while n < head.len() {
                match f.read(&mut head[n..]).map_err(io)? {
                    0 => break,
                    k => n += k,
                }
            }
            n
        };
        let head = &head[..n];
        let format = match ext.as_str() {
            "xlsx" | "xlsm" => Format::Xlsx,
            "xls" => Format::Xls,
            "ods" => Format::Ods,
            "csv" | "txt" | "tsv" => Format::Csv,
            _ => {
                return Err(IngestError::UnsupportedType {
                    file,
                    ext: if ext.is_empty() {
                        "（无扩展名）".to_string()
                    } else {
                        format!(".{}", crate::model::text::sanitize(&ext))
                    },
                });
            }
        };
        // A workbook saved under the other Excel extension is common; trust the bytes.
        let format = match format {
            Format::Xls if head.starts_with(ZIP_MAGIC) => Format::Xlsx,
            Format::Xlsx if head.starts_with(CFB_MAGIC) => {
                // An encrypted xlsx is a CFB container; so is an xls renamed to .xlsx.
                match calamine::open_workbook::<calamine::Xlsx<_>, _>(path) {
                    Err(calamine::XlsxError::Password) => return Err(IngestError::Password(file)),
                    _ => Format::Xls,
                }
            }
            f => f,
        };
        let corrupt = |detail: String| IngestError::Corrupt {
            file: file.clone(),
            detail,
        };
        match format {
            Format::Xlsx | Format::Ods if !head.starts_with(ZIP_MAGIC) => {
                return Err(corrupt(format!(
                    "不是有效的 {} 文件：开头不是 zip 压缩包标记",
                    format.label()
                )));
            }
            Format::Xls if !head.starts_with(CFB_MAGIC) => {
                return Err(corrupt(
                    "不是有效的 xls 文件（可能是改了扩展名的网页或文本文件）".to_string(),
                ));
            }
            _ => {}
        }
        let inner = match format {
            Format::Xlsx => match calamine::open_workbook::<calamine::Xlsx<_>, _>(path) {
                Ok(wb) => Inner::Xlsx(Box::new(wb)),
                Err(calamine::XlsxError::Password) => return Err(IngestError::Password(file)),
                Err(e) => return Err(corrupt(xlsx_detail(&e))),
            },
            Format::Xls => match calamine::open_workbook::<calamine::Xls<_>, _>(path) {
                Ok(wb) => Inner::Xls(Box::new(wb)),
                Err(calamine::XlsError::Password) => return Err(IngestError::Password(file)),
                Err(e) => return Err(corrupt(e.to_string())),
            },
            Format::Ods => match calamine::open_workbook::<calamine::Ods<_>, _>(path) {
                Ok(wb) => Inner::Ods(Box::new(wb)),
                Err(calamine::OdsError::Password) => return Err(IngestError::Password(file)),
                Err(e) => return Err(corrupt(e.to_string())),
            },
            Format::Csv => {
                let bytes = std::fs::read(path).map_err(io)?;
                if bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(CFB_MAGIC) {
                    return Err(corrupt(
                        "扩展名是 .csv，内容却是 Excel 工作簿；请把扩展名改为 .xlsx 或 .xls".into(),
                    ));
                }
                let decoded = encoding::decode(bytes, wanted_encoding, &file)?;
                let sheet = path
                    .file_stem()
                    .map(|s| crate::model::text::sanitize(&s.to_string_lossy()))
                    .unwrap_or_else(|| "CSV".into());
                let encoding::Decoded {
                    text,
                    encoding,
                    guessed,
                } = decoded;
                // Only blank lines, spaces and separators: say so rather than that no header
                // was found.
                if text
                    .chars()
                    .all(|c| c.is_whitespace() || matches!(c, ',' | ';' | '"' | '\u{feff}'))
                {
                    return Err(IngestError::NoContent(file));
                }
                return Ok(Workbook {
                    format,
                    encoding: Some((encoding, guessed)),
                    truncated_columns: false,
                    file,
                    inner: Inner::Csv { text, sheet },
                });
            }
        };
        Ok(Workbook {
            format,
            encoding: None,
            truncated_columns: false,
            file,
            inner,
        })
    }

    /// Sheet names in workbook order (a CSV has one, named after the file).
    pub fn sheet_names(&self) -> Vec<String> {
        match &self.inner {
            Inner::Xlsx(wb) => wb.sheet_names(),
            Inner::Xls(wb) => wb.sheet_names(),
            Inner::Ods(wb) => wb.sheet_names(),
            Inner::Csv { sheet, .. } => vec![sheet.clone()],
        }
    }

    /// Visit the rows of `sheet` in order until the visitor breaks. Blank rows are visited
    /// too (their numbers matter for messages), except trailing ones in sparse sheets.
    pub fn rows(
        &mut self,
        sheet: &str,
        visit: &mut dyn FnMut(Row) -> ControlFlow<()>,
    ) -> Result<(), IngestError> {
        let file = self.file.clone();
        let corrupt = |detail: String| IngestError::Corrupt {
            file: file.clone(),
            detail,
        };
        let mut truncated = false;
        match &mut self.inner {
            Inner::Xlsx(wb) => {
                let merges = wb
                    .merge_cells_by_sheet_name(sheet)
                    .map_err(|e| corrupt(xlsx_detail(&e)))?;
                let mut filler = MergeFill::new(merges);
                let mut reader = wb
                    .worksheet_cells_reader(sheet)
                    .map_err(|e| corrupt(xlsx_detail(&e)))?;
                let mut current: Option<Row> = None;
                loop {
                    let next = reader
                        .next_cell_with_formula()
                        .map_err(|e| corrupt(xlsx_detail(&e)))?;
                    let Some(c) = next else { break };
                    let (r, col) = c.pos;
                    let cell = match (c.value, c.formula) {
                        (v, Some(f)) if data_ref_is_blank(&v) && !f.is_empty() => {
                            Cell::FormulaNoValue(f)
                        }
                        (v, _) => from_data_ref(v),
                    };
                    if current.as_ref().is_some_and(|row| row.number != r + 1) {
                        let row = current.take().expect("checked above");
                        if emit(row, &mut filler, visit).is_break() {
                            self.truncated_columns |= truncated;
                            return Ok(());
                        }
                    }
                    let row = current.get_or_insert_with(|| Row {
                        number: r + 1,
                        cells: Vec::new(),
                    });
                    let col = col as usize;
                    if col >= MAX_COLUMNS {
                        truncated |= !cell.is_empty();
                        continue;
                    }
                    if row.cells.len() <= col {
                        row.cells.resize(col + 1, Cell::Empty);
                    }
                    row.cells[col] = cell;
                }
                if let Some(row) = current {
                    let _ = emit(row, &mut filler, visit);
                }
            }
            Inner::Xls(wb) => {
                let merges = wb.merge_cells_by_sheet_name(sheet).unwrap_or_default();
                let range = wb
                    .worksheet_range(sheet)
                    .map_err(|e| corrupt(e.to_string()))?;
                truncated = visit_range(range, merges, visit);
            }
            Inner::Ods(wb) => {
                let range = wb
                    .worksheet_range(sheet)
                    .map_err(|e| corrupt(e.to_string()))?;
                truncated = visit_range(range, Vec::new(), visit);
            }
            Inner::Csv { text, .. } => {
                let delimiter = sniff_delimiter(text);
                // The csv crate numbers a record after a CRLF ending one line too low; with
                // LF endings its line numbers match what Excel and editors show.
                let lf;
                let text: &str = if text.contains("\r\n") {
                    lf = text.replace("\r\n", "\n");
                    &lf
                } else {
                    text
                };
                let mut rdr = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .delimiter(delimiter)
                    .from_reader(text.as_bytes());
                let mut record = csv::StringRecord::new();
                // Line breaks inside quoted cells of the records read so far: a spreadsheet
                // shows such a record as one row, so later rows are numbered that much lower
                // than the lines they start on.
                let mut inner_breaks = 0u32;
                loop {
                    let before = rdr.position().line() as u32;
                    match rdr.read_record(&mut record) {
                        Ok(false) => break,
                        Ok(true) => {}
                        Err(e) => {
                            return Err(corrupt(format!("第 {before} 行附近的 CSV 格式有误：{e}")));
                        }
                    }
                    // The line the record starts on, as a spreadsheet or editor numbers it
                    // (blank lines and CRLF endings included). The csv crate gives the
                    // position where it began reading, before the blank lines it skips.
                    let line = record
                        .position()
                        .map_or(before, |p| {
                            let skipped = text
                                .as_bytes()
                                .get(p.byte() as usize..)
                                .map_or(0, |rest| rest.iter().take_while(|&&b| b == b'\n').count());
                            p.line() as u32 + skipped as u32
                        })
                        .saturating_sub(inner_breaks);
                    inner_breaks += record
                        .iter()
                        .map(|f| f.bytes().filter(|&b| b == b'\n').count() as u32)
                        .sum::<u32>();
                    if record.len() > MAX_COLUMNS {
                        truncated = true;
                    }
                    let cells = record
                        .iter()
                        .take(MAX_COLUMNS)
                        .map(|f| {
                            if f.is_empty() {
                                Cell::Empty
                            } else {
                                Cell::Text(f.to_string())
                            }
                        })
                        .collect();
                    let row = Row {
                        number: line,
                        cells,
                    };
                    if visit(row).is_break() {
                        break;
                    }
                }
            }
        }
        self.truncated_columns |= truncated;
        Ok(())
    }
}

/// Comma unless the first line clearly uses tabs or semicolons.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| first.matches(c).count();
    let (commas, tabs, semis) = (count(','), count('\t'), count(';'));
    if tabs > commas && tabs >= semis {
        b'\t'
    } else if semis > commas && semis > tabs {
        b';'
    } else {
        b','
    }
}

fn xlsx_detail(e: &calamine::XlsxError) -> String {
    match e {
        calamine::XlsxError::Zip(_) => "压缩包结构损坏，可能下载不完整".to_string(),
        other => other.to_string(),
    }
}

fn data_ref_is_blank(v: &DataRef<'_>) -> bool {
    match v {
        DataRef::Empty => true,
        DataRef::String(s) => s.is_empty(),
        DataRef::SharedString(s) => s.is_empty(),
        _ => false,
    }
}

fn from_data_ref(v: DataRef<'_>) -> Cell {
    match v {
        DataRef::Empty => Cell::Empty,
        DataRef::Int(i) => Cell::Int(i),
        DataRef::Float(f) => Cell::Float(f),
        DataRef::String(s) => Cell::Text(s),
        DataRef::SharedString(s) => Cell::Text(s.to_string()),
        DataRef::Bool(b) => Cell::Bool(b),
        DataRef::DateTime(d) => Cell::Date(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s),
        DataRef::Error(e) => Cell::Error(format!("{e}")),
    }
}

fn from_data(v: &Data) -> Cell {
    match v {
        Data::Empty => Cell::Empty,
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Float(*f),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) => Cell::Date(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(format!("{e}")),
    }
}

/// Rows of an in-memory range; returns whether columns were cut off.
fn visit_range(
    range: calamine::Range<Data>,
    merges: Vec<Dimensions>,
    visit: &mut dyn FnMut(Row) -> ControlFlow<()>,
) -> bool {
    let Some((r0, c0)) = range.start() else {
        return false;
    };
    let mut filler = MergeFill::new(merges);
    let mut truncated = false;
    for (i, cells) in range.rows().enumerate() {
        let mut row = Row {
            number: r0 + i as u32 + 1,
            cells: vec![Cell::Empty; c0 as usize],
        };
        for v in cells {
            if row.cells.len() >= MAX_COLUMNS {
                truncated |= !matches!(v, Data::Empty);
                continue;
            }
            row.cells.push(from_data(v));
        }
        if emit(row, &mut filler, visit).is_break() {
            break;
        }
    }
    truncated
}

/// Fills cells covered by a vertical merge with the value of the merge's top-left cell.
struct MergeFill {
    /// (first row, last row, column) of merges that span rows, 0-based.
    merges: Vec<(u32, u32, u32)>,
    /// The top-left value of each merge, once seen.
    values: Vec<Option<Cell>>,
}

impl MergeFill {
    fn new(merges: Vec<Dimensions>) -> Self {
        let merges: Vec<(u32, u32, u32)> = merges
            .into_iter()
            .filter(|d| d.end.0 > d.start.0)
            .map(|d| (d.start.0, d.end.0, d.start.1))
            .collect();
        let values = vec![None; merges.len()];
        MergeFill { merges, values }
    }

    fn fill(&mut self, row: &mut Row) {
        if self.merges.is_empty() {
            return;
        }
        let r = row.number - 1;
        for (i, &(first, last, col)) in self.merges.iter().enumerate() {
            let col = col as usize;
            if r == first {
                self.values[i] = row.cells.get(col).cloned();
            } else if r > first
                && r <= last
                && row.cells.get(col).is_none_or(Cell::is_empty)
                && let Some(v) = &self.values[i]
            {
                if row.cells.len() <= col {
                    row.cells.resize(col + 1, Cell::Empty);
                }
                row.cells[col] = v.clone();
            }
        }
    }
}

fn emit(
    mut row: Row,
    filler: &mut MergeFill,
    visit: &mut dyn FnMut(Row) -> ControlFlow<()>,
) -> ControlFlow<()> {
    filler.fill(&mut row);
    visit(row)
}

/// Read the first `n` rows of a sheet (for header detection).
pub fn head_rows(wb: &mut Workbook, sheet: &str, n: usize) -> Result<Vec<Row>, IngestError> {
    let mut out = Vec::new();
    wb.rows(sheet, &mut |row| {
        out.push(row);
        if out.len() >= n {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })?;
    Ok(out)
}

/// Hash of a file's bytes, recorded with the import.
pub fn sha256_file(path: &Path) -> Result<String, IngestError> {
    use sha2::{Digest, Sha256};
    let mut f = std::fs::File::open(path).map_err(|cause| IngestError::Io {
        file: display_name(path),
        cause,
    })?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf).map_err(|cause| IngestError::Io {
            file: display_name(path),
            cause,
        })?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    let _ = f.seek(std::io::SeekFrom::Start(0));
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

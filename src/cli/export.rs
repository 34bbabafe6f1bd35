//! `yuanqi export enterprises|parks|designations`: CSV (UTF-8 with BOM, GBK or GB18030), xlsx
//! or JSON, in the shape `yuanqi import` reads back; to a file, or to standard output
//! (no `-o`, or `-o -`).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::Cli;
use crate::ingest::encoding::{self, Encoding};
use crate::ingest::export::{self, ExportFormat, What};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 导出什么：enterprises（企业）、parks（园区）、designations（认定）
    #[arg(value_enum)]
    pub what: What,

    /// 格式（默认按 -o 的扩展名，否则 csv）
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,

    /// 输出文件（默认或写 - 时输出到标准输出；xlsx 要写文件名，或 -o - 并重定向到文件）
    #[arg(short, long, value_name = "FILE", value_parser = super::values::path)]
    pub output: Option<PathBuf>,

    /// 只导出该县（市、区）的
    #[arg(long, value_name = "县区")]
    pub county: Option<String>,

    /// 只导出该产业集群的
    #[arg(long, value_name = "产业")]
    pub cluster: Option<String>,

    /// 只导出该园区（含园中园）的
    #[arg(long, value_name = "园区")]
    pub park: Option<String>,

    /// 只导出持有该认定的（如 省级专精特新中小企业）
    #[arg(long, value_name = "认定")]
    pub designation: Option<String>,

    /// CSV 编码：utf-8（默认，带 BOM，Excel/WPS 可直接打开）、gbk（旧软件；含 GBK 没有的字时拒绝导出）或 gb18030（包含全部汉字）
    #[arg(long, value_name = "ENC", value_parser = super::values::encoding_name)]
    pub encoding: Option<String>,
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<()> {
    let format = args.format.unwrap_or_else(|| {
        match args
            .output
            .as_ref()
            .and_then(|o| o.extension())
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .as_deref()
        {
            Some("xlsx") => ExportFormat::Xlsx,
            Some("json") => ExportFormat::Json,
            _ => ExportFormat::Csv,
        }
    });
    let enc = match &args.encoding {
        Some(e) => Encoding::parse(e)?,
        None => Encoding::Utf8,
    };
    // `-o -` is standard output, as for most Unix tools.
    let output = args.output.as_deref().filter(|p| *p != Path::new("-"));
    let to_stdout = output.is_none();
    if format == ExportFormat::Xlsx {
        // The example file is named after what is exported.
        let file = match args.what {
            What::Enterprises => "企业.xlsx",
            What::Parks => "园区.xlsx",
            What::Designations => "认定.xlsx",
        };
        if args.output.is_none() {
            return super::usage_error(format!("导出 xlsx 需要用 -o 指定文件名，如 -o {file}"));
        }
        if to_stdout && std::io::stdout().is_terminal() {
            return super::usage_error(format!(
                "xlsx 是二进制文件，不能显示在终端上；请写文件名（-o {file}），或把 -o - 的输出重定向到文件（> {file}）"
            ));
        }
    }
    if let Some(path) = output {
        super::check_output_dir(path, "-o 指定的输出文件")?;
    }
    let store = cli.open_store()?;
    let f = export::resolve_filter(
        &store,
        args.county.as_deref(),
        args.cluster.as_deref(),
        args.park.as_deref(),
        args.designation.as_deref(),
    )
    // An option naming no county, cluster, park or designation is a usage mistake.
    .map_err(super::errors::UsageError)?
    .filter;
    let (sheet, json) = match args.what {
        What::Enterprises => {
            let list = export::enterprises(&store, &f)?;
            (
                export::enterprise_sheet(&list),
                serde_json::to_string_pretty(&list)?,
            )
        }
        What::Parks => {
            let list = export::parks(&store, &f)?;
            (
                export::park_sheet(&list),
                serde_json::to_string_pretty(&list)?,
            )
        }
        What::Designations => {
            let list = export::designation_list(&store, &f)?;
            (
                export::designation_sheet(&list),
                serde_json::to_string_pretty(&list)?,
            )
        }
    };
    let count = sheet.rows.len();
    let bytes = match (format, output) {
        (ExportFormat::Xlsx, Some(path)) => {
            export::write_xlsx(&sheet, path)
                .with_context(|| format!("无法写入 {}", path.display()))?;
            eprintln!("已导出 {count} 条到 {}", path.display());
            return Ok(());
        }
        (ExportFormat::Xlsx, None) => export::xlsx_bytes(&sheet).context("无法生成 xlsx")?,
        (ExportFormat::Json, _) => {
            let mut b = json.into_bytes();
            b.push(b'\n');
            b
        }
        (ExportFormat::Csv, _) => {
            if enc == Encoding::Gbk {
                check_gbk(&sheet)?;
            }
            let text = export::to_csv(&sheet)?;
            encoding::encode(&text, enc, enc == Encoding::Utf8).map_err(anyhow::Error::msg)?
        }
    };
    match output {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("无法写入 {}", path.display()))?;
            eprintln!("已导出 {count} 条到 {}", path.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)?;
            out.flush()?;
            if args.output.is_some() {
                eprintln!("已导出 {count} 条到标准输出");
            }
        }
    }
    Ok(())
}

/// Refuse a GBK export holding a character GBK lacks, naming the first record, column and
/// character: written anyway, old software would show it garbled or refuse the file.
fn check_gbk(sheet: &export::Sheet) -> anyhow::Result<()> {
    let mut cells = sheet.rows.iter().enumerate().flat_map(|(r, row)| {
        row.iter().enumerate().filter_map(move |(c, v)| {
            v.chars()
                .find(|&ch| !encoding::in_gbk(ch))
                .map(|ch| (r, c, ch))
        })
    });
    let Some((r, c, ch)) = cells.next() else {
        return Ok(());
    };
    let more = cells.count();
    let row = &sheet.rows[r];
    let name = row.first().map(String::as_str).unwrap_or_default();
    let column = sheet.header.get(c).copied().unwrap_or_default();
    let others = if more > 0 {
        format!("（另有 {more} 处类似）")
    } else {
        String::new()
    };
    anyhow::bail!(
        "第 {} 条记录（{name}）的“{column}”列有字符“{ch}”（U+{:04X}），GBK 编码里没有这个字{others}，写成 GBK 旧软件会显示成乱码或读不出来。请改用 --encoding gb18030（包含全部汉字）或默认的 UTF-8（不加 --encoding）。",
        r + 1,
        ch as u32
    )
}

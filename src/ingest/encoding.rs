//! How the bytes of a CSV file become text.
//!
//! Order of decisions: an explicit `--encoding` wins; a UTF-8 BOM means UTF-8; bytes that are
//! valid UTF-8 are UTF-8; otherwise the file is tried as GB18030 (a superset of GBK, which is
//! what Excel and WPS write on Chinese Windows) and accepted only when it decodes cleanly into
//! text that is mostly Chinese. Anything else is refused with a hint to use `--encoding gbk`.

use super::IngestError;

/// The encodings a CSV may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// GBK and GB18030 (decoded with GB18030, a superset).
    Gbk,
}

impl Encoding {
    pub fn parse(s: &str) -> Result<Encoding, IngestError> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" | "utf-8-sig" => Ok(Encoding::Utf8),
            "gbk" | "gb2312" | "gb18030" | "cp936" | "936" => Ok(Encoding::Gbk),
            _ => Err(IngestError::UnknownEncoding(crate::model::text::sanitize(
                s,
            ))),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gbk => "GBK",
        }
    }
}

/// Decoded text and how it was decoded.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: Encoding,
    /// True when the encoding was guessed rather than given or marked by a BOM.
    pub guessed: bool,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Line number (1-based) of byte offset `at`.
fn line_of(bytes: &[u8], at: usize) -> usize {
    bytes[..at.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Decode `bytes` as the file `file` (named in messages), honouring `wanted`.
pub fn decode(
    bytes: Vec<u8>,
    wanted: Option<Encoding>,
    file: &str,
) -> Result<Decoded, IngestError> {
    let has_bom = bytes.starts_with(BOM);
    match wanted {
        Some(Encoding::Utf8) => utf8(bytes, has_bom, file).map(|text| Decoded {
            text,
            encoding: Encoding::Utf8,
            guessed: false,
        }),
        Some(Encoding::Gbk) => gbk(&bytes, file).map(|text| Decoded {
            text,
            encoding: Encoding::Gbk,
            guessed: false,
        }),
        None if has_bom => utf8(bytes, true, file).map(|text| Decoded {
            text,
            encoding: Encoding::Utf8,
            guessed: false,
        }),
        None => match String::from_utf8(bytes) {
            Ok(text) => Ok(Decoded {
                text,
                encoding: Encoding::Utf8,
                guessed: true,
            }),
            Err(e) => {
                let bad_at = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                match gbk(&bytes, file) {
                    Ok(text) if mostly_chinese(&text) => Ok(Decoded {
                        text,
                        encoding: Encoding::Gbk,
                        guessed: true,
                    }),
                    _ => Err(IngestError::NotUtf8 {
                        file: file.to_string(),
                        line: line_of(&bytes, bad_at),
                    }),
                }
            }
        },
    }
}

fn utf8(mut bytes: Vec<u8>, has_bom: bool, file: &str) -> Result<String, IngestError> {
    if has_bom {
        bytes.drain(..BOM.len());
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        IngestError::NotUtf8 {
            file: file.to_string(),
            line: line_of(e.as_bytes(), at),
        }
    })
}

fn gbk(bytes: &[u8], file: &str) -> Result<String, IngestError> {
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        let at = text.find('\u{fffd}').unwrap_or(0);
        // Map the char offset back to a line count of the decoded text.
        let line = text[..at].matches('\n').count() + 1;
        return Err(IngestError::BadEncoding {
            file: file.to_string(),
            encoding: "GBK",
            line,
        });
    }
    Ok(text.into_owned())
}

/// Whether the non-ASCII characters of a guessed decoding are overwhelmingly CJK text and
/// punctuation: random bytes decoded as GB18030 give rare symbols and odd scripts instead.
fn mostly_chinese(text: &str) -> bool {
    let mut non_ascii = 0usize;
    let mut cjk = 0usize;
    for c in text.chars().filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        if matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}' | '“' | '”' | '‘' | '’' | '…' | '—' | '·')
        {
            cjk += 1;
        }
    }
    non_ascii > 0 && cjk * 10 >= non_ascii * 9
}

/// Encode text for a CSV export.
pub fn encode(text: &str, enc: Encoding, with_bom: bool) -> Result<Vec<u8>, String> {
    match enc {
        Encoding::Utf8 => {
            let mut out = Vec::with_capacity(text.len() + 3);
            if with_bom {
                out.extend_from_slice(BOM);
            }
            out.extend_from_slice(text.as_bytes());
            Ok(out)
        }
        Encoding::Gbk => {
            // Report the first character GBK cannot hold instead of writing an HTML escape.
            if let Some(c) = text.chars().find(|c| {
                let mut buf = [0u8; 4];
                let (_, _, bad) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
                bad
            }) {
                return Err(format!(
                    "字符“{c}”无法用 GBK 编码表示。请改用默认的 UTF-8（不加 --encoding）。"
                ));
            }
            let (bytes, _, _) = encoding_rs::GBK.encode(text);
            Ok(bytes.into_owned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_plain_utf8_and_gbk_are_told_apart() {
        let mut with_bom = BOM.to_vec();
        with_bom.extend_from_slice("企业名称\n达钢".as_bytes());
        let d = decode(with_bom, None, "x").unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("企业名称\n达钢", Encoding::Utf8)
        );

        let (gbk_bytes, _, _) = encoding_rs::GBK.encode("企业名称\n四川达州钢铁集团有限责任公司");
        let d = decode(gbk_bytes.into_owned(), None, "x").unwrap();
        assert_eq!(d.encoding, Encoding::Gbk);
        assert!(d.text.contains("钢铁集团"));
    }

    #[test]
    fn random_bytes_are_refused_with_a_hint() {
        let bytes = vec![b'a', b'\n', 0xff, 0xfe, 0x80, 0x81, b'\n'];
        let e = decode(bytes, None, "f.csv").unwrap_err().to_string();
        assert!(e.contains("--encoding gbk"), "{e}");
        assert!(e.contains("第 2 行"), "{e}");
    }

    #[test]
    fn gbk_export_refuses_unmappable_characters() {
        assert!(encode("达州", Encoding::Gbk, false).is_ok());
        assert!(encode("😀", Encoding::Gbk, false).is_err());
    }
}

//! How the bytes of a CSV file become text, and text the bytes of a CSV export.
//!
//! Order of decisions: a UTF-16 byte order mark (FF FE or FE FF: Excel's “Unicode 文本”, which
//! no GBK or UTF-8 file can begin with) means UTF-16; then an explicit `--encoding` wins; a
//! UTF-8 BOM means UTF-8; bytes that are
//! valid UTF-8 are UTF-8; otherwise the file is tried as GB18030 (a superset of GBK, which is
//! what Excel and WPS write on Chinese Windows) and accepted only when it decodes cleanly into
//! text that is mostly Chinese. Anything else is refused with a hint to use `--encoding gbk`.
//!
//! Exports write UTF-8 with a BOM, GB18030 (every character), or GBK only when every
//! character is one GBK itself has ([`in_gbk`]).

use super::IngestError;

/// The encodings a CSV may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// GBK (CP936, what Excel and WPS write on Chinese Windows). Read with the GB18030
    /// decoder, a superset; written only when every character is in GBK proper.
    Gbk,
    /// GB18030: the national standard that covers all of Unicode, so every name can be
    /// written (rare characters such as 䶮 take four bytes or the code points GBK lacks).
    Gb18030,
    /// UTF-16 little-endian with its byte order mark: what Excel saves as “Unicode 文本”
    /// (tab-separated). Recognised by its mark only, never named with `--encoding`.
    Utf16Le,
    /// UTF-16 big-endian with its byte order mark.
    Utf16Be,
}

impl Encoding {
    pub fn parse(s: &str) -> Result<Encoding, IngestError> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" | "utf-8-sig" => Ok(Encoding::Utf8),
            "gbk" | "gb2312" | "cp936" | "936" => Ok(Encoding::Gbk),
            "gb18030" | "gb-18030" => Ok(Encoding::Gb18030),
            _ => Err(IngestError::UnknownEncoding(crate::model::text::sanitize(
                s,
            ))),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gbk => "GBK",
            Encoding::Gb18030 => "GB18030",
            Encoding::Utf16Le | Encoding::Utf16Be => "UTF-16",
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
const BOM_UTF16LE: &[u8] = b"\xFF\xFE";
const BOM_UTF16BE: &[u8] = b"\xFE\xFF";

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
    // A UTF-16 mark is unambiguous (neither GBK nor UTF-8 text can start with these bytes), so
    // it wins over `--encoding`: the file is read rather than refused with advice to drop the
    // option that the next attempt would refuse again.
    for (mark, enc) in [
        (BOM_UTF16LE, Encoding::Utf16Le),
        (BOM_UTF16BE, Encoding::Utf16Be),
    ] {
        if bytes.starts_with(mark) {
            return utf16(&bytes[mark.len()..], enc, file);
        }
    }
    match wanted {
        Some(enc @ (Encoding::Utf16Le | Encoding::Utf16Be)) => utf16(&bytes, enc, file),
        Some(Encoding::Utf8) => utf8(bytes, has_bom, file).map(|text| Decoded {
            text,
            encoding: Encoding::Utf8,
            guessed: false,
        }),
        Some(enc @ (Encoding::Gbk | Encoding::Gb18030)) => {
            gbk(&bytes, file, enc).map(|text| Decoded {
                text,
                encoding: enc,
                guessed: false,
            })
        }
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
                match gbk(&bytes, file, Encoding::Gbk) {
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

/// UTF-16 text after its byte order mark.
fn utf16(bytes: &[u8], enc: Encoding, file: &str) -> Result<Decoded, IngestError> {
    let decoder = if enc == Encoding::Utf16Be {
        encoding_rs::UTF_16BE
    } else {
        encoding_rs::UTF_16LE
    };
    let (text, had_errors) = decoder.decode_without_bom_handling(bytes);
    if had_errors {
        let at = text.find('\u{fffd}').unwrap_or(0);
        return Err(IngestError::BadEncoding {
            file: file.to_string(),
            encoding: enc.label(),
            line: text[..at].matches('\n').count() + 1,
            hint: "文件开头标明是 UTF-16（Excel 的“Unicode 文本”），内容却不完整或已损坏。请在 Excel/WPS 中重新另存为“CSV UTF-8”后再导入。",
        });
    }
    Ok(Decoded {
        text: text.into_owned(),
        encoding: enc,
        guessed: false,
    })
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

fn gbk(bytes: &[u8], file: &str, enc: Encoding) -> Result<String, IngestError> {
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        let at = text.find('\u{fffd}').unwrap_or(0);
        // Map the char offset back to a line count of the decoded text.
        let line = text[..at].matches('\n').count() + 1;
        let hint = if std::str::from_utf8(bytes).is_ok() {
            "这个文件是 UTF-8 编码的：去掉 --encoding（会自动识别）或改用 --encoding utf-8。"
        } else {
            "请去掉 --encoding 让程序自动识别，或在 Excel/WPS 中另存为“CSV UTF-8”后再导入。"
        };
        return Err(IngestError::BadEncoding {
            file: file.to_string(),
            encoding: enc.label(),
            line,
            hint,
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
            // Report the first character GBK cannot hold instead of writing an HTML escape
            // or bytes that only GB18030 readers understand.
            if let Some(c) = text.chars().find(|&c| !in_gbk(c)) {
                return Err(format!(
                    "字符“{c}”（U+{:04X}）不在 GBK 字符集中。请改用 --encoding gb18030（包含全部汉字）或默认的 UTF-8（不加 --encoding）。",
                    c as u32
                ));
            }
            let (bytes, _, _) = encoding_rs::GBK.encode(text);
            Ok(bytes.into_owned())
        }
        Encoding::Gb18030 => {
            let (bytes, _, _) = encoding_rs::GB18030.encode(text);
            Ok(bytes.into_owned())
        }
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let le = enc == Encoding::Utf16Le;
            let mut out = Vec::with_capacity(2 + text.len() * 2);
            out.extend_from_slice(if le { BOM_UTF16LE } else { BOM_UTF16BE });
            for unit in text.encode_utf16() {
                out.extend_from_slice(&if le {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                });
            }
            Ok(out)
        }
    }
}

/// Whether GBK as other programs read it (Windows code page 936, iconv's GBK) holds `c`.
///
/// encoding_rs's GBK encoder follows the WHATWG standard, which writes GB18030-2022's
/// two-byte codes: characters GBK itself never had (䶮 U+4DAE as FE 9F, the radicals at
/// FE50–FEA0, ideographic description characters, vertical forms) come out as two bytes
/// that iconv rejects and Excel on Chinese Windows shows as private-use boxes. The codes
/// excluded here are exactly those where encoding_rs and glibc's iconv GBK disagree (checked
/// over all of Unicode), besides the private use area, which no other program reads alike.
pub fn in_gbk(c: char) -> bool {
    if c.is_ascii() {
        return true;
    }
    if ('\u{e000}'..='\u{f8ff}').contains(&c) {
        return false;
    }
    let mut buf = [0u8; 4];
    let (bytes, _, bad) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
    if bad {
        return false;
    }
    match *bytes {
        [0x80] => true, // €, in code page 936
        [lead, trail] => !matches!(
            (lead, trail),
            (0xFE, 0x50..=0xA0)
                | (0xA6, 0xD9..=0xDF | 0xEC | 0xED | 0xF3)
                | (0xA8, 0xBC | 0xBF)
                | (0xA9, 0x89..=0x95)
        ),
        _ => false,
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
    fn utf16_with_its_mark_is_read_whatever_encoding_was_asked_for() {
        let text = "企业名称\t所属县（市、区）\r\n达州达川测试有限公司\t通川区\r\n";
        for enc in [Encoding::Utf16Le, Encoding::Utf16Be] {
            let bytes = encode(text, enc, true).unwrap();
            for wanted in [None, Some(Encoding::Gbk), Some(Encoding::Utf8)] {
                let d = decode(bytes.clone(), wanted, "u16.csv").unwrap();
                assert_eq!((d.text.as_str(), d.encoding), (text, enc), "{wanted:?}");
            }
        }
        // A truncated file (odd byte count) is refused, naming UTF-16.
        let mut bytes = encode(text, Encoding::Utf16Le, true).unwrap();
        bytes.push(0x41);
        let e = decode(bytes, None, "u16.csv").unwrap_err().to_string();
        assert!(e.contains("UTF-16") && e.contains("CSV UTF-8"), "{e}");
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
        // 䶮 is not in GBK, though encoding_rs's GBK encoder writes it as FE 9F.
        let e = encode("刘䶮", Encoding::Gbk, false).unwrap_err();
        assert!(e.contains("䶮") && e.contains("--encoding gb18030"), "{e}");
        let b = encode("刘䶮", Encoding::Gb18030, false).unwrap();
        let (back, _, bad) = encoding_rs::GB18030.decode(&b);
        assert!(!bad && back == "刘䶮");
    }

    #[test]
    fn gbk_holds_the_characters_of_code_page_936_and_no_others() {
        for c in [
            '达', '州', '（', '、', '€', '·', '—', '镕', '玥', '喆', 'é', 'ā', 'Ⅲ',
        ] {
            assert!(in_gbk(c), "{c}");
        }
        for c in [
            '䶮', '\u{9fb4}', '\u{2e81}', '\u{2ff0}', '\u{fe10}', '\u{e000}', '\u{e5e5}',
            '\u{1f9}', '\u{1e3f}', '😀', '𠀀',
        ] {
            assert!(!in_gbk(c), "U+{:04X}", c as u32);
        }
    }
}

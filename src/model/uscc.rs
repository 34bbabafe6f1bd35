//! Unified social credit code (统一社会信用代码), GB 32100-2015.
//!
//! 18 characters from a 31-symbol alphabet (digits and capitals without I, O, S, V, Z); the last
//! is a check character computed from the first 17 with weights 3^i mod 31.

use std::fmt;

const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a string is not a valid credit code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("统一社会信用代码应为18位，实际为{0}位")]
    Length(usize),
    #[error(
        "统一社会信用代码第{position}位“{found}”不是允许的字符（数字及除 I、O、S、V、Z 外的大写字母）"
    )]
    Symbol { position: usize, found: char },
    #[error("统一社会信用代码校验位应为“{expected}”，实际为“{found}”，请核对是否抄错")]
    Check { expected: char, found: char },
}

/// A validated credit code, stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

impl Uscc {
    /// Parse after trimming and folding full-width characters and case.
    pub fn parse(input: &str) -> Result<Self, UsccError> {
        let s: String = input
            .chars()
            .map(crate::model::text::fold_width)
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let n = s.chars().count();
        if n != 18 {
            return Err(UsccError::Length(n));
        }
        let mut sum = 0u32;
        for (i, c) in s.chars().enumerate() {
            let Some(v) = ALPHABET.find(c) else {
                return Err(UsccError::Symbol {
                    position: i + 1,
                    found: c,
                });
            };
            if i < 17 {
                sum += v as u32 * WEIGHTS[i];
            }
        }
        let expected = check_char(sum);
        let found = s.chars().last().unwrap_or(' ');
        if expected != found {
            return Err(UsccError::Check { expected, found });
        }
        Ok(Uscc(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Append the check character to 17 valid symbols (used by the demo generator and tests).
    pub fn complete(first17: &str) -> Option<Self> {
        if first17.chars().count() != 17 {
            return None;
        }
        let mut sum = 0u32;
        for (i, c) in first17.chars().enumerate() {
            sum += ALPHABET.find(c)? as u32 * WEIGHTS[i];
        }
        Some(Uscc(format!("{first17}{}", check_char(sum))))
    }
}

fn check_char(sum: u32) -> char {
    let v = (31 - sum % 31) % 31;
    ALPHABET.chars().nth(v as usize).unwrap_or('0')
}

/// Whether a search query looks like (part of) a credit code rather than a name.
pub fn looks_like_code(q: &str) -> bool {
    q.len() >= 6
        && q.chars().all(|c| c.is_ascii_alphanumeric())
        && q.chars().any(|c| c.is_ascii_digit())
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_example() {
        // The worked example printed in GB 32100-2015 explanations.
        assert!(Uscc::parse("91350100M000100Y43").is_ok());
        assert_eq!(
            Uscc::parse(" 91350100m000100y43 ").unwrap().as_str(),
            "91350100M000100Y43"
        );
    }

    #[test]
    fn rejects_wrong_check_length_and_symbols() {
        assert_eq!(
            Uscc::parse("91350100M000100Y44"),
            Err(UsccError::Check {
                expected: '3',
                found: '4'
            })
        );
        assert_eq!(Uscc::parse("9135"), Err(UsccError::Length(4)));
        assert!(matches!(
            Uscc::parse("91350100M000100I43"),
            Err(UsccError::Symbol { position: 16, .. })
        ));
    }

    #[test]
    fn complete_produces_valid_codes() {
        let c = Uscc::complete("91511700MA62345XY").unwrap();
        assert!(Uscc::parse(c.as_str()).is_ok());
    }
}

//! The citizen identity number (公民身份号码), GB 11643-1999.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use super::division::{is_known_province, Division};
use super::Code;

/// Weights of the MOD 11-2 check over digits 1–17 (2^(18-i) mod 11).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The MOD 11-2 check character for 17 ASCII digits.
pub fn resident_check(first17: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        if !c.is_ascii_digit() {
            return None;
        }
        sum += u32::from(c - b'0') * w;
    }
    // GB 11643-1999 §8.2 (ISO 7064 MOD 11-2): check = (12 - sum mod 11) mod 11, 10 written X.
    Some(match (12 - sum % 11) % 11 {
        10 => b'X',
        v => b'0' + v as u8,
    })
}

/// A validated citizen identity number (公民身份号码, GB 11643-1999): the
/// 18-character identifier of a natural person.
///
/// # Validation
///
/// Parsing checks, in this order, and reports the first rule broken:
/// 1. length 18;
/// 2. characters 1–17 are digits, character 18 a digit or `X`;
/// 3. characters 1–6 are an administrative division code with a known
///    province-level prefix;
/// 4. characters 7–14 are a real calendar date (`YYYYMMDD`, year 1800 or later);
/// 5. character 18 is the MOD 11-2 check character of characters 1–17;
/// 6. with [`ResidentId::parse_as_of`] only: the birth date is not after the
///    given day.
///
/// A lowercase `x` is normalized to `X`; nothing else is normalized.
///
/// # Privacy
///
/// The number is personal data. [`Display`](fmt::Display) and
/// [`ResidentId::as_str`] give the whole number, for the official handling
/// the case; [`Debug`](fmt::Debug), [`ResidentId::masked`] and serde show
/// only the first 6 and last 4 characters (`410184********123X`), for logs,
/// responses and anything published. Serde writes the whole number only in
/// the storage representation, inside
/// [`with_whole_identifiers`](super::with_whole_identifiers).
///
/// # Example
///
/// ```
/// use social_credit::subject::ResidentId;
///
/// let id: ResidentId = "34052419800101001X".parse()?;
/// assert_eq!(id.masked(), "340524********001X");
/// assert_eq!(format!("{id:?}"), "ResidentId(340524********001X)");
/// assert_eq!(serde_json::to_string(&id)?, r#""340524********001X""#);
/// assert_eq!(id.birth_date().to_string(), "1980-01-01");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResidentId {
    // INVARIANT: 18 ASCII characters that passed rules 1–5 above.
    id: Code,
}

/// Why a string is not a valid [`ResidentId`].
///
/// The messages quote only the masked form of the input (first 6 and last 4
/// characters), so an error can be logged. They never add the characters the
/// mask hides (7–14, the date of birth): with the masked form those would
/// give the whole number back. `Debug` shows the message alone, not the
/// fields that hold those characters for the caller
/// ([`BirthDate::found`](ResidentIdError::BirthDate),
/// [`BirthDateInFuture::birth_date`](ResidentIdError::BirthDateInFuture)).
#[derive(Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ResidentIdError {
    /// The number does not have 18 characters.
    #[error("citizen identity number has {found} characters, expected 18")]
    Length {
        /// How many characters it has.
        found: usize,
    },
    /// A character that is not allowed at its position.
    #[error("character {position} of citizen identity number `{masked}` is `{found}`, expected {expected}")]
    Character {
        /// The input, masked.
        masked: String,
        /// 1-based position.
        position: usize,
        /// The offending character.
        found: char,
        /// What is allowed there.
        expected: &'static str,
    },
    /// Characters 1–6 are not an administrative division code.
    #[error("characters 1-6 of citizen identity number `{masked}` are `{found}`, which is not an administrative division code (no province-level division has that prefix)")]
    Division {
        /// The input, masked.
        masked: String,
        /// The six digits found.
        found: String,
    },
    /// Characters 7–14 are not a real calendar date.
    ///
    /// The message does not quote the digits (they are personal data); the
    /// `found` field holds them for the caller.
    #[error("characters 7-14 of citizen identity number `{masked}` are not a date of birth (expected YYYYMMDD, a real date from 1800 on)")]
    BirthDate {
        /// The input, masked.
        masked: String,
        /// The eight digits found (personal data).
        found: String,
    },
    /// The birth date is after the day the number was checked against.
    ///
    /// The message does not quote the date of birth (with the masked number
    /// it gives the whole number); the `birth_date` field holds it for the
    /// caller.
    #[error("citizen identity number `{masked}` gives a date of birth after {as_of}")]
    BirthDateInFuture {
        /// The input, masked.
        masked: String,
        /// The date of birth it encodes (personal data).
        birth_date: NaiveDate,
        /// The day it was checked against.
        as_of: NaiveDate,
    },
    /// The input is a masked number (`410184********123X`): the form
    /// published and serialized by default, which cannot be read back.
    #[error("citizen identity number `{masked}` is masked; only a whole number can be read")]
    Masked {
        /// The input, masked.
        masked: String,
    },
    /// Character 18 is not the MOD 11-2 check character.
    #[error(
        "check character of citizen identity number `{masked}` is `{found}`, expected `{expected}`"
    )]
    Check {
        /// The input, masked.
        masked: String,
        /// The character found.
        found: char,
        /// The character MOD 11-2 gives.
        expected: char,
    },
}

/// Shows the message only: the fields may hold the characters the mask hides.
impl fmt::Debug for ResidentIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ResidentIdError")
            .field(&format_args!("{self}"))
            .finish()
    }
}

/// Masks everything but the first 6 and last 4 characters of `s`.
pub(crate) fn mask(s: &str) -> String {
    let n = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < 6 || i + 4 >= n { c } else { '*' })
        .collect()
}

impl ResidentId {
    /// Parses and validates a number; see the type's documentation for the rules.
    ///
    /// # Errors
    ///
    /// A [`ResidentIdError`] naming the first rule the input breaks.
    pub fn parse(input: &str) -> Result<Self, ResidentIdError> {
        let count = input.chars().count();
        if count != 18 {
            return Err(ResidentIdError::Length { found: count });
        }
        let masked = || mask(input);
        if input.chars().skip(6).take(8).any(|c| c == '*') {
            return Err(ResidentIdError::Masked { masked: masked() });
        }
        let mut bytes = [0u8; 18];
        for (i, (slot, c)) in bytes.iter_mut().zip(input.chars()).enumerate() {
            let ok = matches!((i, c), (0..=16, '0'..='9') | (17, '0'..='9' | 'X' | 'x'));
            if !ok {
                return Err(ResidentIdError::Character {
                    masked: masked(),
                    position: i + 1,
                    found: c,
                    expected: if i < 17 { "a digit" } else { "a digit or `X`" },
                });
            }
            // `ok` guarantees an ASCII character.
            *slot = (c.to_ascii_uppercase() as u32).try_into().unwrap_or(b'?');
        }
        let digits = |r: std::ops::Range<usize>| -> String {
            bytes
                .get(r)
                .unwrap_or_default()
                .iter()
                .map(|b| char::from(*b))
                .collect()
        };
        let province = u32::from(bytes[0] - b'0') * 10 + u32::from(bytes[1] - b'0');
        if !is_known_province(province) {
            return Err(ResidentIdError::Division {
                masked: masked(),
                found: digits(0..6),
            });
        }
        if birth_date_of(&bytes).is_none() {
            return Err(ResidentIdError::BirthDate {
                masked: masked(),
                found: digits(6..14),
            });
        }
        let (first17, last) = bytes.split_at(17);
        let expected = resident_check(first17).unwrap_or(b'?');
        let found = last.first().copied().unwrap_or(b'?');
        if found != expected {
            return Err(ResidentIdError::Check {
                masked: masked(),
                found: char::from(found),
                expected: char::from(expected),
            });
        }
        Ok(Self {
            id: Code::new(bytes),
        })
    }

    /// Parses a number and also requires its date of birth not to be after `as_of`.
    ///
    /// # Errors
    ///
    /// As [`ResidentId::parse`], plus [`ResidentIdError::BirthDateInFuture`].
    pub fn parse_as_of(input: &str, as_of: NaiveDate) -> Result<Self, ResidentIdError> {
        let id = Self::parse(input)?;
        let birth_date = id.birth_date();
        if birth_date > as_of {
            return Err(ResidentIdError::BirthDateInFuture {
                masked: id.masked(),
                birth_date,
                as_of,
            });
        }
        Ok(id)
    }

    /// The whole number. Handle with care: it is personal data.
    pub fn as_str(&self) -> &str {
        self.id.as_str()
    }

    /// The masked form for logs and published views: the first 6 and last 4
    /// characters, the 8 between as `*`.
    pub fn masked(&self) -> String {
        mask(self.id.as_str())
    }

    /// The date of birth encoded in characters 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        // INVARIANT (type): `parse` verified this is a real date.
        birth_date_of(self.id.bytes()).unwrap_or_default()
    }

    /// The administrative division of first registration, characters 1–6.
    pub fn division(&self) -> Division {
        Division::new(self.id.as_str().get(..6).unwrap_or_default())
    }

    /// The sex encoded in character 17 (odd: male, even: female).
    pub fn sex(&self) -> Sex {
        let digit = self.id.bytes().get(16).copied().unwrap_or(b'0');
        if (digit - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }
}

fn birth_date_of(bytes: &[u8; 18]) -> Option<NaiveDate> {
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        bytes.get(r)?.iter().try_fold(0u32, |acc, b| {
            b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
        })
    };
    let year = i32::try_from(num(6..10)?).ok()?;
    if year < 1800 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, num(10..12)?, num(12..14)?)
}

/// The sex encoded in a citizen identity number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    /// 男
    Male,
    /// 女
    Female,
}

impl FromStr for ResidentId {
    type Err = ResidentIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for ResidentId {
    type Error = ResidentIdError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id.as_str())
    }
}

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

impl AsRef<str> for ResidentId {
    fn as_ref(&self) -> &str {
        self.id.as_str()
    }
}

/// Serialized masked (`410184********123X`), like `Debug`: a service that
/// returns a record or an objection over HTTP publishes no whole number. The
/// whole number is written only inside
/// [`with_whole_identifiers`](super::with_whole_identifiers), the storage
/// representation.
impl Serialize for ResidentId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if super::whole_identifiers() {
            serializer.serialize_str(self.id.as_str())
        } else {
            serializer.serialize_str(&self.masked())
        }
    }
}

impl<'de> Deserialize<'de> for ResidentId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = super::identifier_text(deserializer, "a citizen identity number")?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_number() {
        let id = ResidentId::parse("34052419800101001X").unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1980, 1, 1).unwrap()
        );
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(id.division().as_str(), "340524");
    }

    #[test]
    fn lowercase_x_is_normalized() {
        let id = ResidentId::parse("34052419800101001x").unwrap();
        assert_eq!(id.as_str(), "34052419800101001X");
    }

    #[test]
    fn check_error_is_masked() {
        let err = ResidentId::parse("340524198001010011").unwrap_err();
        assert_eq!(
            err.to_string(),
            "check character of citizen identity number `340524********0011` is `1`, expected `X`"
        );
        assert!(!format!("{err:?}").contains("19800101"));
    }

    #[test]
    fn impossible_birth_date() {
        let mut b = *b"34052419800230001?";
        b[17] = resident_check(&b[..17]).unwrap();
        let s = std::str::from_utf8(&b).unwrap();
        assert!(matches!(
            ResidentId::parse(s),
            Err(ResidentIdError::BirthDate { .. })
        ));
    }

    #[test]
    fn future_birth_date_against_caller_day() {
        let mut b = *b"41018420300101002?";
        b[17] = resident_check(&b[..17]).unwrap();
        let s = std::str::from_utf8(&b).unwrap();
        assert!(ResidentId::parse(s).is_ok());
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert!(matches!(
            ResidentId::parse_as_of(s, today),
            Err(ResidentIdError::BirthDateInFuture { .. })
        ));
        let born = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
        assert!(ResidentId::parse_as_of(s, born).is_ok());
    }

    #[test]
    fn x_only_in_last_position() {
        assert!(matches!(
            ResidentId::parse("3405241980010100X1"),
            Err(ResidentIdError::Character { position: 17, .. })
        ));
    }
}

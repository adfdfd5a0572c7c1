//! The unified social credit code (统一社会信用代码), GB 32100-2015.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use super::division::{is_known_province, Division};
use super::Code;

/// The 31 characters a USCC may use, in the order of their values 0..=30
/// (GB 32100-2015 Table 2: the digits, then the capital letters without
/// `I`, `O`, `S`, `V` and `Z`).
pub const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of the final check character over positions 1–17 (3^(i-1) mod 31).
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Weights of the GB 11714 organization-code check character over its 8 body characters.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// The value of a USCC character (GB 32100 Table 2), or `None` outside the alphabet.
pub(crate) fn uscc_value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|v| v as u32)
}

/// The value of a character in a GB 11714 organization code: digits are
/// their value, letters `A`..=`Z` are 10..=35 (the full Latin alphabet, unlike
/// GB 32100's table).
fn org_code_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        _ => None,
    }
}

/// The GB 11714 check character for the 8 body characters of an organization code.
pub fn org_code_check(body: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (c, w) in body.iter().zip(ORG_WEIGHTS) {
        sum += org_code_value(*c)? * w;
    }
    // GB 11714-1997 §5: C9 = 11 - (sum mod 11); 10 is written X, 11 is written 0.
    Some(match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        v => b'0' + v as u8,
    })
}

/// The GB 32100 final check character for the first 17 characters.
pub fn uscc_check(first17: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += uscc_value(*c)? * w;
    }
    // GB 32100-2015 §5: C18 = 31 - (sum mod 31), with 31 written as 0.
    let check = (31 - sum % 31) % 31;
    ALPHABET.get(check as usize).copied()
}

/// A validated unified social credit code (统一社会信用代码, GB 32100-2015): the
/// 18-character identifier of an organization.
///
/// # Validation
///
/// Parsing checks, in this order, and reports the first rule broken:
/// 1. length 18;
/// 2. every character in the GB 32100 alphabet `0-9 A-H J-N P-R T-U W-Y`;
/// 3. character 1 is a known registration authority and character 2 a known
///    organization type of that authority ([`RegistrationAuthority`]);
/// 4. characters 3–8 are an administrative division code with a known
///    province-level prefix;
/// 5. character 17 is the GB 11714 check character of characters 9–16;
/// 6. character 18 is the GB 32100 check character of characters 1–17.
///
/// ASCII lowercase letters are normalized to uppercase before validation
/// (a code copied from a form in lowercase is the same code; none of the
/// letters GB 32100 excludes becomes valid that way). Nothing else is
/// normalized: surrounding whitespace is an error.
///
/// Some lawful codes issued in early pilot areas fail their check characters.
/// [`Uscc::parse_with_exceptions`] accepts those, and only those, that the
/// caller lists explicitly; every other rule still applies to them.
///
/// # Example
///
/// ```
/// use social_credit::subject::{OrganizationType, RegistrationAuthority, Uscc};
///
/// let code: Uscc = "91350100M000100Y43".parse()?;
/// assert_eq!(code.registration_authority(), RegistrationAuthority::MarketRegulation);
/// assert_eq!(code.organization_type(), OrganizationType::Enterprise);
/// assert_eq!(code.division().as_str(), "350100");
///
/// let err = "91350100M000100Y4X".parse::<Uscc>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "check character of `913501********0Y4X` is `X`, expected `3`"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Uscc {
    // INVARIANT: 18 ASCII characters that passed every rule above
    // (or the listed-exception path of `parse_with_exceptions`).
    code: Code,
}

/// Why a string is not a valid [`Uscc`].
///
/// Positions are 1-based, counted in characters, as an official counts them
/// on the printed code.
///
/// The input is quoted masked, as a citizen identity number is (first 6 and
/// last 4 characters, `913501********Y43`): a person's number given where a
/// code was expected must not come back whole in an error, a log or a
/// service's response.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum UsccError {
    /// The code does not have 18 characters.
    #[error("unified social credit code `{input}` has {found} characters, expected 18")]
    Length {
        /// The input, masked (first 6 and last 4 characters).
        input: String,
        /// How many characters it has.
        found: usize,
    },
    /// A character outside the GB 32100 alphabet.
    #[error("character {position} of `{input}` is `{found}`, which a unified social credit code never uses (allowed: 0-9 and A-Y without I, O, S, V, Z)")]
    Character {
        /// The input, masked (first 6 and last 4 characters).
        input: String,
        /// 1-based position.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// Character 1 is not a registration authority code.
    #[error("character 1 of `{input}` is `{found}`, which is not a registration authority code (expected one of {expected})")]
    RegistrationAuthority {
        /// The input, masked (first 6 and last 4 characters).
        input: String,
        /// The offending character.
        found: char,
        /// The codes GB 32100 assigns.
        expected: &'static str,
    },
    /// Character 2 is not an organization type of the authority in character 1.
    #[error("character 2 of `{input}` is `{found}`, which is not an organization type registered by {authority} (expected one of {expected})")]
    OrganizationType {
        /// The input, masked (first 6 and last 4 characters).
        input: String,
        /// The offending character.
        found: char,
        /// The authority's English name.
        authority: &'static str,
        /// The type codes that authority uses.
        expected: &'static str,
    },
    /// Characters 3–8 are not an administrative division code.
    #[error("characters 3-8 of `{input}` are `{found}`, which is not an administrative division code ({reason})")]
    Division {
        /// The input, masked (first 6 and last 4 characters).
        input: String,
        /// The six characters found, the last two (characters 7 and 8 of
        /// the input) masked as `*`, as in a masked citizen identity number.
        found: String,
        /// What is wrong with them.
        reason: &'static str,
    },
    /// Character 17 is not the GB 11714 check character of characters 9–16.
    #[error("organization code check character (character 17) of `{input}` is `{found}`, expected `{expected}`")]
    OrganizationCodeCheck {
        /// The input, masked (first 6 and last 4 characters).
        input: String,
        /// The character found.
        found: char,
        /// The character GB 11714 gives.
        expected: char,
    },
    /// Character 18 is not the GB 32100 check character of characters 1–17.
    #[error("check character of `{input}` is `{found}`, expected `{expected}`")]
    Check {
        /// The input, masked (first 6 and last 4 characters).
        input: String,
        /// The character found.
        found: char,
        /// The character GB 32100 gives.
        expected: char,
    },
}

impl Uscc {
    /// Parses and validates a code; see the type's documentation for the rules.
    ///
    /// # Errors
    ///
    /// A [`UsccError`] naming the first rule the input breaks.
    pub fn parse(input: &str) -> Result<Self, UsccError> {
        Self::parse_inner(input, None)
    }

    /// Parses a code, accepting a failed check character (character 17 or 18)
    /// only for codes in `exceptions`: lawful codes from early pilot areas
    /// that the caller has verified with the registering authority.
    ///
    /// Every other rule still applies, to listed codes too. Exceptions are
    /// compared after the same lowercase normalization as the input.
    ///
    /// # Errors
    ///
    /// A [`UsccError`] naming the first rule the input breaks.
    ///
    /// # Example
    ///
    /// ```
    /// use social_credit::subject::{Uscc, UsccExceptions};
    ///
    /// assert!(Uscc::parse("91350100M0001TGQXM").is_err());
    /// let exceptions = UsccExceptions::new(["91350100M0001TGQXM"]);
    /// let code = Uscc::parse_with_exceptions("91350100M0001TGQXM", &exceptions)?;
    /// assert!(code.is_listed_exception(&exceptions));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse_with_exceptions(
        input: &str,
        exceptions: &UsccExceptions,
    ) -> Result<Self, UsccError> {
        Self::parse_inner(input, Some(exceptions))
    }

    fn parse_inner(input: &str, exceptions: Option<&UsccExceptions>) -> Result<Self, UsccError> {
        // Masked as a citizen identity number is: the input may be one,
        // given where a code was expected (issue 17, defect 6).
        let err_input = || super::resident_id::mask(input);
        let count = input.chars().count();
        if count != 18 {
            return Err(UsccError::Length {
                input: err_input(),
                found: count,
            });
        }
        let mut bytes = [0u8; 18];
        for (i, (slot, c)) in bytes.iter_mut().zip(input.chars()).enumerate() {
            let upper = c.to_ascii_uppercase();
            let byte = u8::try_from(upper)
                .ok()
                .filter(|b| uscc_value(*b).is_some());
            *slot = byte.ok_or_else(|| UsccError::Character {
                input: err_input(),
                position: i + 1,
                found: c,
            })?;
        }
        let [authority, kind, d1, d2, d3, d4, d5, d6, rest @ ..] = bytes;
        let authority = RegistrationAuthority::from_code(authority).ok_or_else(|| {
            UsccError::RegistrationAuthority {
                input: err_input(),
                found: char::from(authority),
                expected: RegistrationAuthority::CODES,
            }
        })?;
        OrganizationType::from_codes(authority, kind).ok_or_else(|| {
            UsccError::OrganizationType {
                input: err_input(),
                found: char::from(kind),
                authority: authority.english_name(),
                expected: authority.type_codes(),
            }
        })?;
        let division = [d1, d2, d3, d4, d5, d6];
        if let Some(reason) = division_problem(&division) {
            return Err(UsccError::Division {
                input: err_input(),
                // Characters 7 and 8 are masked as in the input.
                found: String::from_utf8_lossy(&[d1, d2, d3, d4, b'*', b'*']).into_owned(),
                reason,
            });
        }
        // All 18 bytes are ASCII from here on.
        let code = Code::new(bytes);
        let excepted = exceptions.is_some_and(|e| e.contains(code.as_str()));
        let [org_body @ .., org_check, _] = rest;
        let expected_org = org_code_check(&org_body).unwrap_or(b'?');
        if org_check != expected_org && !excepted {
            return Err(UsccError::OrganizationCodeCheck {
                input: err_input(),
                found: char::from(org_check),
                expected: char::from(expected_org),
            });
        }
        let (first17, last) = bytes.split_at(17);
        let expected = uscc_check(first17).unwrap_or(b'?');
        let found = last.first().copied().unwrap_or(b'?');
        if found != expected && !excepted {
            return Err(UsccError::Check {
                input: err_input(),
                found: char::from(found),
                expected: char::from(expected),
            });
        }
        Ok(Self { code })
    }

    /// The code, 18 uppercase ASCII characters.
    pub fn as_str(&self) -> &str {
        self.code.as_str()
    }

    fn byte(&self, i: usize) -> u8 {
        self.code.bytes().get(i).copied().unwrap_or(b'?')
    }

    /// The registration authority (登记管理部门), from character 1.
    pub fn registration_authority(&self) -> RegistrationAuthority {
        // INVARIANT (type): character 1 was validated by `parse`.
        RegistrationAuthority::from_code(self.byte(0)).unwrap_or(RegistrationAuthority::Other)
    }

    /// The organization type (机构类别), from characters 1 and 2.
    pub fn organization_type(&self) -> OrganizationType {
        OrganizationType::from_codes(self.registration_authority(), self.byte(1))
            .unwrap_or(OrganizationType::Other)
    }

    /// The administrative division code (登记管理机关行政区划码), characters 3–8.
    pub fn division(&self) -> Division {
        Division::new(self.as_str().get(2..8).unwrap_or_default())
    }

    /// The GB 11714 organization code (组织机构代码) embedded at characters 9–17.
    pub fn organization_code(&self) -> &str {
        self.as_str().get(8..17).unwrap_or_default()
    }

    /// Whether this code is in `exceptions`, i.e. may have been accepted
    /// without a valid check character.
    pub fn is_listed_exception(&self, exceptions: &UsccExceptions) -> bool {
        exceptions.contains(self.as_str())
    }
}

fn division_problem(division: &[u8; 6]) -> Option<&'static str> {
    if !division.iter().all(u8::is_ascii_digit) {
        return Some("six digits expected");
    }
    let province = u32::from(division[0] - b'0') * 10 + u32::from(division[1] - b'0');
    if !is_known_province(province) && province != 10 {
        // `10` is the central level (100000), used by organizations
        // registered with a central authority.
        return Some("no province-level division has that prefix");
    }
    None
}

/// A caller-supplied list of lawful codes that fail their check character
/// (DESIGN.md, "Why may a pilot-area USCC skip both check characters?":
/// codes issued in early pilot areas, e.g. `91350100M0001TGQXM`).
///
/// Entries are normalized like input (ASCII uppercase). The list is only
/// consulted by [`Uscc::parse_with_exceptions`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UsccExceptions {
    codes: BTreeSet<String>,
}

impl UsccExceptions {
    /// A list of exceptions from the given codes.
    pub fn new<I, S>(codes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Self {
            codes: codes
                .into_iter()
                .map(|c| c.as_ref().to_ascii_uppercase())
                .collect(),
        }
    }

    fn contains(&self, code: &str) -> bool {
        self.codes.contains(code)
    }
}

impl FromStr for Uscc {
    type Err = UsccError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for Uscc {
    type Error = UsccError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An organization's code is public (plan §6(2) publishes by USCC).
        write!(f, "Uscc({})", self.as_str())
    }
}

impl AsRef<str> for Uscc {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Serialize for Uscc {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Uscc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = super::identifier_text(deserializer, "a unified social credit code")?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The registering authority (登记管理部门) coded in character 1 of a USCC
/// (GB 32100-2015 Table 1, with the codes added since: `A` and `N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RegistrationAuthority {
    /// `1` 机构编制 — establishment administration.
    Establishment,
    /// `2` 外交 — foreign affairs.
    ForeignAffairs,
    /// `3` 司法行政 — justice administration.
    Justice,
    /// `4` 文化 — culture.
    Culture,
    /// `5` 民政 — civil affairs (social organizations).
    CivilAffairs,
    /// `6` 旅游 — tourism.
    Tourism,
    /// `7` 宗教 — religious affairs.
    Religion,
    /// `8` 工会 — trade unions.
    TradeUnion,
    /// `9` 工商 / 市场监管 — market regulation (enterprises).
    MarketRegulation,
    /// `A` 中央军委改革和编制办公室 — Central Military Commission establishment office.
    Military,
    /// `N` 农业 — agriculture (rural collective economic organizations).
    Agriculture,
    /// `Y` 其他 — other.
    Other,
}

impl RegistrationAuthority {
    const CODES: &'static str = "1, 2, 3, 4, 5, 6, 7, 8, 9, A, N, Y";

    fn from_code(c: u8) -> Option<Self> {
        Some(match c {
            b'1' => Self::Establishment,
            b'2' => Self::ForeignAffairs,
            b'3' => Self::Justice,
            b'4' => Self::Culture,
            b'5' => Self::CivilAffairs,
            b'6' => Self::Tourism,
            b'7' => Self::Religion,
            b'8' => Self::TradeUnion,
            b'9' => Self::MarketRegulation,
            b'A' => Self::Military,
            b'N' => Self::Agriculture,
            b'Y' => Self::Other,
            _ => return None,
        })
    }

    /// The code character.
    pub fn code(self) -> char {
        match self {
            Self::Establishment => '1',
            Self::ForeignAffairs => '2',
            Self::Justice => '3',
            Self::Culture => '4',
            Self::CivilAffairs => '5',
            Self::Tourism => '6',
            Self::Religion => '7',
            Self::TradeUnion => '8',
            Self::MarketRegulation => '9',
            Self::Military => 'A',
            Self::Agriculture => 'N',
            Self::Other => 'Y',
        }
    }

    /// The English name used in messages.
    pub fn english_name(self) -> &'static str {
        match self {
            Self::Establishment => "establishment administration",
            Self::ForeignAffairs => "foreign affairs",
            Self::Justice => "justice administration",
            Self::Culture => "culture",
            Self::CivilAffairs => "civil affairs",
            Self::Tourism => "tourism",
            Self::Religion => "religious affairs",
            Self::TradeUnion => "trade unions",
            Self::MarketRegulation => "market regulation",
            Self::Military => "the military establishment office",
            Self::Agriculture => "agriculture",
            Self::Other => "other authorities",
        }
    }

    /// The Chinese name.
    pub fn chinese_name(self) -> &'static str {
        match self {
            Self::Establishment => "机构编制",
            Self::ForeignAffairs => "外交",
            Self::Justice => "司法行政",
            Self::Culture => "文化",
            Self::CivilAffairs => "民政",
            Self::Tourism => "旅游",
            Self::Religion => "宗教",
            Self::TradeUnion => "工会",
            Self::MarketRegulation => "工商",
            Self::Military => "中央军委改革和编制办公室",
            Self::Agriculture => "农业",
            Self::Other => "其他",
        }
    }

    fn type_codes(self) -> &'static str {
        match self {
            Self::Establishment => "1, 2, 3, 9",
            Self::ForeignAffairs => "1, 9",
            Self::Justice => "1, 2, 3, 4, 5, 9",
            Self::Culture => "1, 9",
            Self::CivilAffairs => "1, 2, 3, 9",
            Self::Tourism => "1, 2, 9",
            Self::Religion => "1, 2, 9",
            Self::TradeUnion => "1, 9",
            Self::MarketRegulation => "1, 2, 3",
            Self::Military => "1, 9",
            Self::Agriculture => "1, 2, 3, 9",
            Self::Other => "1",
        }
    }
}

/// The organization type (机构类别) coded in characters 1–2 of a USCC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum OrganizationType {
    /// `11` 机关 — government organ.
    GovernmentOrgan,
    /// `12` 事业单位 — public institution.
    PublicInstitution,
    /// `13` 群众团体 — mass organization under the central establishment office.
    MassOrganization,
    /// `21` 外国常驻新闻机构 — resident foreign news agency.
    ForeignNewsAgency,
    /// `31`–`35` 律师事务所、公证处 … — a justice-administration body
    /// (law firm, notary office, grassroots legal service, forensic
    /// appraisal body, arbitration commission).
    LegalServiceBody,
    /// `41` 外国在华文化中心 — foreign cultural centre.
    ForeignCulturalCentre,
    /// `51` 社会团体 — social association.
    SocialAssociation,
    /// `52` 民办非企业单位 (社会服务机构) — social service organization.
    SocialServiceOrganization,
    /// `53` 基金会 — foundation.
    Foundation,
    /// `61`, `62` 旅游部门常驻代表机构 — resident tourism representative office.
    TourismOffice,
    /// `71`, `72` 宗教活动场所、宗教院校 — religious venue or college.
    ReligiousBody,
    /// `81` 基层工会 — grassroots trade union.
    TradeUnion,
    /// `91` 企业 — enterprise.
    Enterprise,
    /// `92` 个体工商户 — individual business.
    IndividualBusiness,
    /// `93` 农民专业合作社 — farmers' specialized cooperative.
    FarmersCooperative,
    /// `A1` 军队事业单位 — military public institution.
    MilitaryInstitution,
    /// `N1`–`N3` 农村集体经济组织 — rural collective economic organization.
    RuralCollective,
    /// `x9`, `Y1` 其他 — other, as registered by the authority.
    Other,
}

impl OrganizationType {
    fn from_codes(authority: RegistrationAuthority, c: u8) -> Option<Self> {
        use RegistrationAuthority as A;
        Some(match (authority, c) {
            (A::Establishment, b'1') => Self::GovernmentOrgan,
            (A::Establishment, b'2') => Self::PublicInstitution,
            (A::Establishment, b'3') => Self::MassOrganization,
            (A::ForeignAffairs, b'1') => Self::ForeignNewsAgency,
            (A::Justice, b'1'..=b'5') => Self::LegalServiceBody,
            (A::Culture, b'1') => Self::ForeignCulturalCentre,
            (A::CivilAffairs, b'1') => Self::SocialAssociation,
            (A::CivilAffairs, b'2') => Self::SocialServiceOrganization,
            (A::CivilAffairs, b'3') => Self::Foundation,
            (A::Tourism, b'1' | b'2') => Self::TourismOffice,
            (A::Religion, b'1' | b'2') => Self::ReligiousBody,
            (A::TradeUnion, b'1') => Self::TradeUnion,
            (A::MarketRegulation, b'1') => Self::Enterprise,
            (A::MarketRegulation, b'2') => Self::IndividualBusiness,
            (A::MarketRegulation, b'3') => Self::FarmersCooperative,
            (A::Military, b'1') => Self::MilitaryInstitution,
            (A::Agriculture, b'1'..=b'3') => Self::RuralCollective,
            (
                A::Establishment
                | A::ForeignAffairs
                | A::Justice
                | A::Culture
                | A::CivilAffairs
                | A::Tourism
                | A::Religion
                | A::TradeUnion
                | A::Military
                | A::Agriculture,
                b'9',
            )
            | (A::Other, b'1') => Self::Other,
            _ => return None,
        })
    }

    /// All (authority, type) character pairs that GB 32100 assigns, for
    /// generating test data and documentation.
    pub fn all_code_pairs() -> impl Iterator<Item = (char, char)> {
        RegistrationAuthority::ALL.iter().flat_map(|a| {
            a.type_codes()
                .split(", ")
                .filter_map(|t| t.chars().next())
                .map(move |t| (a.code(), t))
        })
    }
}

impl RegistrationAuthority {
    /// Every authority, in code order.
    pub const ALL: [Self; 12] = [
        Self::Establishment,
        Self::ForeignAffairs,
        Self::Justice,
        Self::Culture,
        Self::CivilAffairs,
        Self::Tourism,
        Self::Religion,
        Self::TradeUnion,
        Self::MarketRegulation,
        Self::Military,
        Self::Agriculture,
        Self::Other,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_codes() {
        for code in [
            "91350100M000100Y43",
            "91110000802100433B",
            "91440300708461136T",
        ] {
            let parsed = Uscc::parse(code).unwrap();
            assert_eq!(parsed.as_str(), code);
            assert_eq!(parsed.organization_type(), OrganizationType::Enterprise);
        }
    }

    #[test]
    fn check_character_error_names_expected() {
        let err = Uscc::parse("91350100M000100Y4X").unwrap_err();
        assert_eq!(
            err,
            UsccError::Check {
                input: "913501********0Y4X".into(),
                found: 'X',
                expected: '3'
            }
        );
    }

    #[test]
    fn org_code_check_is_verified_before_final_check() {
        // Change character 17 and recompute character 18 so only GB 11714 fails.
        let mut b = *b"91350100M000100Y53";
        let fixed = uscc_check(&b[..17]).unwrap();
        b[17] = fixed;
        let s = std::str::from_utf8(&b).unwrap();
        assert!(matches!(
            Uscc::parse(s),
            Err(UsccError::OrganizationCodeCheck {
                found: '5',
                expected: '4',
                ..
            })
        ));
    }

    #[test]
    fn lowercase_is_normalized() {
        let code = Uscc::parse("91350100m000100y43").unwrap();
        assert_eq!(code.to_string(), "91350100M000100Y43");
    }

    #[test]
    fn excluded_letters_are_rejected_in_any_case() {
        for (pos, c) in [(9usize, 'I'), (9, 'o'), (9, 'S'), (9, 'v'), (9, 'Z')] {
            let mut s: Vec<char> = "91350100M000100Y43".chars().collect();
            s[pos - 1] = c;
            let s: String = s.into_iter().collect();
            assert_eq!(
                Uscc::parse(&s),
                Err(UsccError::Character {
                    input: "913501********0Y43".into(),
                    position: pos,
                    found: c
                })
            );
        }
    }

    #[test]
    fn whitespace_is_not_trimmed() {
        assert!(matches!(
            Uscc::parse(" 91350100M000100Y43"),
            Err(UsccError::Length { found: 19, .. })
        ));
    }

    #[test]
    fn authority_and_type_are_checked() {
        assert!(matches!(
            Uscc::parse("B1350100M000100Y43"),
            Err(UsccError::RegistrationAuthority { found: 'B', .. })
        ));
        assert!(matches!(
            Uscc::parse("94350100M000100Y43"),
            Err(UsccError::OrganizationType { found: '4', .. })
        ));
    }

    #[test]
    fn division_is_checked() {
        assert!(matches!(
            Uscc::parse("91A50100M000100Y43"),
            Err(UsccError::Division { .. })
        ));
        assert!(matches!(
            Uscc::parse("91990100M000100Y43"),
            Err(UsccError::Division { .. })
        ));
    }

    #[test]
    fn exceptions_only_when_passed() {
        let pilot = "91350100M0001TGQXM";
        assert!(matches!(Uscc::parse(pilot), Err(UsccError::Check { .. })));
        let ex = UsccExceptions::new(["91350100m0001tgqxm"]);
        let code = Uscc::parse_with_exceptions(pilot, &ex).unwrap();
        assert!(code.is_listed_exception(&ex));
        // A listed exception does not open the door for another code.
        assert!(Uscc::parse_with_exceptions("91350100M000100Y4X", &ex).is_err());
        // Nor does it lift the other rules for the listed code's neighbours.
        let ex = UsccExceptions::new(["9135010OM0001TGQXM"]);
        assert!(Uscc::parse_with_exceptions("9135010OM0001TGQXM", &ex).is_err());
    }

    #[test]
    fn decoding_civil_affairs() {
        let mut b = *b"51410184MJ0000000?";
        b[16] = org_code_check(&b[8..16]).unwrap();
        b[17] = uscc_check(&b[..17]).unwrap();
        let code = Uscc::parse(std::str::from_utf8(&b).unwrap()).unwrap();
        assert_eq!(
            code.registration_authority(),
            RegistrationAuthority::CivilAffairs
        );
        assert_eq!(
            code.organization_type(),
            OrganizationType::SocialAssociation
        );
        assert_eq!(code.division().as_str(), "410184");
    }
}

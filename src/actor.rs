//! Who acts, and in which capacity.
//!
//! The plan gives each duty to a named unit (责任科室): the sections record
//! the findings of their own field and verify objections to what they
//! provided, the Office (办公室) receives and answers objections and runs
//! the publication site, and a tip-off's reporter is kept strictly
//! confidential (plan §5(5)1, "对举报人信息严格保密"). An [`Actor`] says who
//! performs an operation (an official's account, a section acting as a
//! unit, or the system for the daily sweep) and in which [`Capacity`]; the
//! [`crate::permission`] table says which capacity may do what.
//!
//! An account id is how a service's account directory names an official:
//! it may be a person's login name, so it is personal data. `Debug` and the
//! default serialization mask it (`u-0***`), and the registry's audit log
//! names an account only by a pseudonym (`A3`) whose key it keeps in the
//! store, as it does for the persons it records (DESIGN.md, "Who may do
//! what?").

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::misconduct::Section;
use crate::subject::whole_identifiers;

/// The longest account id (characters).
pub const MAX_ACCOUNT_ID_CHARS: usize = 64;

/// An official's account id, as the service's account directory issues it.
///
/// One to [`MAX_ACCOUNT_ID_CHARS`] characters, none of them whitespace or
/// control characters. Treated as personal data: `Debug` and the default
/// serialization show its first character and stars; [`as_str`](Self::as_str)
/// gives it whole, and serde writes it whole only inside
/// [`with_whole_identifiers`](crate::subject::with_whole_identifiers) (the
/// store's representation).
///
/// # Example
///
/// ```
/// use social_credit::actor::AccountId;
///
/// let id: AccountId = "zhang.wei".parse()?;
/// assert_eq!(id.as_str(), "zhang.wei");
/// assert_eq!(format!("{id:?}"), "AccountId(z********)");
/// assert_eq!(serde_json::to_string(&id)?, r#""z********""#);
/// assert!("".parse::<AccountId>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountId(String);

impl AccountId {
    /// The id whole. Call only where the account must be named (the
    /// service's own directory, the store).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The masked form: the first character, then one star per character.
    pub fn masked(&self) -> String {
        let mut chars = self.0.chars();
        let first = chars.next().map(String::from).unwrap_or_default();
        format!("{first}{}", "*".repeat(chars.count()))
    }
}

impl FromStr for AccountId {
    type Err = ActorError;

    fn from_str(s: &str) -> Result<Self, ActorError> {
        let chars = s.chars().count();
        if chars == 0 || chars > MAX_ACCOUNT_ID_CHARS {
            return Err(ActorError::AccountIdLength {
                chars,
                max: MAX_ACCOUNT_ID_CHARS,
            });
        }
        if let Some(position) = s.chars().position(|c| c.is_whitespace() || c.is_control()) {
            return Err(ActorError::AccountIdCharacter { position });
        }
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountId({})", self.masked())
    }
}

impl Serialize for AccountId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if whole_identifiers() {
            s.serialize_str(&self.0)
        } else {
            s.serialize_str(&self.masked())
        }
    }
}

impl<'de> Deserialize<'de> for AccountId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

/// The capacity an actor acts in: what the permission table grants to.
///
/// Written as a string in data and messages: `public`, `system`,
/// `tip_off_custodian`, or `section:` and a section's snake-case name
/// (`section:office`, `section:social_organizations`, …).
///
/// | capacity | who | where it comes from |
/// | --- | --- | --- |
/// | `section:office` | an official of the Office (办公室) | the Office receives, forwards, notifies and replies on objections (plan §6(3)), coordinates (plan §6(1), §8(1)) and is a responsible section of most clauses |
/// | `section:administrative_approval`, `section:social_organizations`, `section:social_affairs`, `section:elderly_care` | an official of that business section (业务科室) | the responsible sections (责任科室) of plan §3(2), §3(3), §5(2)–(5); "各相关业务科室负责确定激励和惩戒对象" (plan §6(1)) |
/// | `tip_off_custodian` | the official the bureau designates to keep tip-off reporters' identities | plan §5(5)1 "对举报人信息严格保密"; the plan names no one, so the designation is the bureau's (unconfirmed) |
/// | `system` | the registry's own scheduled work | the daily sweep: erasure after five years (plan §6(7)), automatic listings |
/// | `public` | anyone, without an account | the published view (plan §5(3), §6(2), §6(8)) |
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capacity {
    /// Anyone, unauthenticated: only what is published.
    Public,
    /// An official of a section (科室), the Office included.
    Section(Section),
    /// The official designated to read tip-off reporters' identities.
    TipOffCustodian,
    /// The registry's scheduled work (the daily sweep).
    System,
}

impl Capacity {
    /// Every capacity: the public, each section, the tip-off custodian and
    /// the system.
    pub const ALL: [Self; 8] = [
        Self::Public,
        Self::Section(Section::Office),
        Self::Section(Section::AdministrativeApproval),
        Self::Section(Section::SocialOrganizations),
        Self::Section(Section::SocialAffairs),
        Self::Section(Section::ElderlyCare),
        Self::TipOffCustodian,
        Self::System,
    ];

    /// The section the capacity acts for, if it is a section's.
    pub fn section(self) -> Option<Section> {
        match self {
            Self::Section(s) => Some(s),
            _ => None,
        }
    }
}

/// A section's snake-case name, as serde writes it.
fn section_code(section: Section) -> &'static str {
    match section {
        Section::Office => "office",
        Section::AdministrativeApproval => "administrative_approval",
        Section::SocialOrganizations => "social_organizations",
        Section::SocialAffairs => "social_affairs",
        Section::ElderlyCare => "elderly_care",
    }
}

impl fmt::Display for Capacity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Public => f.write_str("public"),
            Self::Section(s) => write!(f, "section:{}", section_code(*s)),
            Self::TipOffCustodian => f.write_str("tip_off_custodian"),
            Self::System => f.write_str("system"),
        }
    }
}

impl FromStr for Capacity {
    type Err = ActorError;

    fn from_str(s: &str) -> Result<Self, ActorError> {
        match s {
            "public" => Ok(Self::Public),
            "tip_off_custodian" => Ok(Self::TipOffCustodian),
            "system" => Ok(Self::System),
            _ => s
                .strip_prefix("section:")
                .and_then(|code| {
                    Section::ALL
                        .into_iter()
                        .find(|section| section_code(*section) == code)
                })
                .map(Self::Section)
                // The input is not echoed: it may be anything, a person's
                // number included.
                .ok_or(ActorError::UnknownCapacity),
        }
    }
}

impl Serialize for Capacity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Capacity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

/// Who acts: an official's account, a section acting as a unit, the system,
/// or the public.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    /// An official, by account id (masked in `Debug` and default serde).
    Account(AccountId),
    /// A section as a unit (a shared desk account, a batch import).
    Section(Section),
    /// The registry's scheduled work.
    System,
    /// Anyone, without an account.
    Public,
}

/// Who acts and in which capacity.
///
/// Built by [`Actor::official`] (an official's account in a capacity),
/// [`Actor::section`] (a section as a unit), [`Actor::system`] (the daily
/// sweep) or [`Actor::public`]. `Debug` and serde mask an account id.
///
/// # Example
///
/// ```
/// use social_credit::actor::{Actor, Capacity};
/// use social_credit::misconduct::Section;
///
/// let clerk = Actor::official("u-0192".parse()?, Capacity::Section(Section::Office))?;
/// assert_eq!(clerk.capacity(), Capacity::Section(Section::Office));
/// assert!(!format!("{clerk:?}").contains("0192"));
/// assert_eq!(Actor::section(Section::SocialOrganizations).capacity().to_string(),
///            "section:social_organizations");
/// // An account cannot act as the sweep.
/// assert!(Actor::official("u-0192".parse()?, Capacity::System).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "ActorData", into = "ActorData")]
pub struct Actor {
    // INVARIANT: `who` and `capacity` agree (see `ActorData`'s check).
    who: Who,
    capacity: Capacity,
}

/// The serde form of an [`Actor`], checked on the way in.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorData {
    who: Who,
    capacity: Capacity,
}

impl TryFrom<ActorData> for Actor {
    type Error = ActorError;

    fn try_from(data: ActorData) -> Result<Self, ActorError> {
        match (data.who, data.capacity) {
            (Who::Account(account), capacity) => Self::official(account, capacity),
            (Who::Section(s), Capacity::Section(c)) if s == c => Ok(Self::section(s)),
            (Who::System, Capacity::System) => Ok(Self::system()),
            (Who::Public, Capacity::Public) => Ok(Self::public()),
            (_, capacity) => Err(ActorError::Mismatch { capacity }),
        }
    }
}

impl From<Actor> for ActorData {
    fn from(a: Actor) -> Self {
        Self {
            who: a.who,
            capacity: a.capacity,
        }
    }
}

impl Actor {
    /// An official acting through `account` in `capacity`.
    ///
    /// # Errors
    ///
    /// [`ActorError::Mismatch`] for [`Capacity::System`] (an account cannot
    /// pass for the scheduled sweep in the audit log) or
    /// [`Capacity::Public`] (the public has no account).
    pub fn official(account: AccountId, capacity: Capacity) -> Result<Self, ActorError> {
        match capacity {
            Capacity::System | Capacity::Public => Err(ActorError::Mismatch { capacity }),
            _ => Ok(Self {
                who: Who::Account(account),
                capacity,
            }),
        }
    }

    /// A section acting as a unit, in the capacity of its officials.
    pub fn section(section: Section) -> Self {
        Self {
            who: Who::Section(section),
            capacity: Capacity::Section(section),
        }
    }

    /// The registry's scheduled work (the daily sweep).
    pub fn system() -> Self {
        Self {
            who: Who::System,
            capacity: Capacity::System,
        }
    }

    /// Anyone, without an account: may see only what is published.
    pub fn public() -> Self {
        Self {
            who: Who::Public,
            capacity: Capacity::Public,
        }
    }

    /// Who acts.
    pub fn who(&self) -> &Who {
        &self.who
    }

    /// The capacity it acts in.
    pub fn capacity(&self) -> Capacity {
        self.capacity
    }

    /// The account, when an official acts.
    pub fn account(&self) -> Option<&AccountId> {
        match &self.who {
            Who::Account(a) => Some(a),
            _ => None,
        }
    }
}

/// An actor, account id or capacity that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ActorError {
    /// An account id that is empty or too long.
    #[error("an account id has 1 to {max} characters, not {chars}")]
    AccountIdLength {
        /// Its length in characters.
        chars: usize,
        /// The most allowed.
        max: usize,
    },
    /// An account id with whitespace or a control character.
    #[error("an account id has no whitespace or control characters; character {position} is one")]
    AccountIdCharacter {
        /// The position (from 0) of the first such character.
        position: usize,
    },
    /// A capacity that is not one of [`Capacity::ALL`].
    #[error("unknown capacity: expected `public`, `system`, `tip_off_custodian` or `section:` and a section (`section:office`, `section:administrative_approval`, `section:social_organizations`, `section:social_affairs`, `section:elderly_care`)")]
    UnknownCapacity,
    /// Who acts and the capacity do not fit together: an account as the
    /// system or the public, a section in another section's capacity.
    #[error("capacity `{capacity}` does not fit who acts")]
    Mismatch {
        /// The capacity given.
        capacity: Capacity,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subject::with_whole_identifiers;

    #[test]
    fn capacities_read_back_from_their_names() {
        for c in Capacity::ALL {
            assert_eq!(c.to_string().parse::<Capacity>(), Ok(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(serde_json::from_str::<Capacity>(&json).unwrap(), c);
        }
        assert!("section:kitchen".parse::<Capacity>().is_err());
        assert!("Section:office".parse::<Capacity>().is_err());
        assert!("".parse::<Capacity>().is_err());
    }

    #[test]
    fn account_ids_are_bounded_and_masked() {
        assert!("a"
            .repeat(MAX_ACCOUNT_ID_CHARS)
            .parse::<AccountId>()
            .is_ok());
        assert_eq!(
            "a".repeat(MAX_ACCOUNT_ID_CHARS + 1).parse::<AccountId>(),
            Err(ActorError::AccountIdLength {
                chars: MAX_ACCOUNT_ID_CHARS + 1,
                max: MAX_ACCOUNT_ID_CHARS
            })
        );
        assert_eq!(
            "wang fang".parse::<AccountId>(),
            Err(ActorError::AccountIdCharacter { position: 4 })
        );
        let id: AccountId = "王芳".parse().unwrap();
        assert_eq!(id.masked(), "王*");
        let actor = Actor::official(id.clone(), Capacity::TipOffCustodian).unwrap();
        let debug = format!("{actor:?}");
        assert!(!debug.contains("王芳"), "{debug}");
        let shown = serde_json::to_string(&actor).unwrap();
        assert!(!shown.contains("王芳"), "{shown}");
        let stored = with_whole_identifiers(|| serde_json::to_string(&actor)).unwrap();
        assert_eq!(serde_json::from_str::<Actor>(&stored).unwrap(), actor);
    }

    #[test]
    fn who_and_capacity_must_fit() {
        let account: AccountId = "u-1".parse().unwrap();
        assert!(Actor::official(account.clone(), Capacity::System).is_err());
        assert!(Actor::official(account, Capacity::Public).is_err());
        let forged = r#"{"who":{"section":"office"},"capacity":"section:social_affairs"}"#;
        assert!(serde_json::from_str::<Actor>(forged).is_err());
        let forged = r#"{"who":"system","capacity":"section:office"}"#;
        assert!(serde_json::from_str::<Actor>(forged).is_err());
        let ok = r#"{"who":"system","capacity":"system"}"#;
        assert_eq!(serde_json::from_str::<Actor>(ok).unwrap(), Actor::system());
    }
}

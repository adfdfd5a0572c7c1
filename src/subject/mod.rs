//! Who a record is about (信用主体): organizations identified by their unified
//! social credit code, natural persons by their citizen identity number, and
//! the dated roles that link persons to organizations (plan §5(6)).

mod division;
mod resident_id;
mod uscc;

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use division::{province_prefixes, Division};
pub use resident_id::{ResidentId, ResidentIdError, Sex};
pub use uscc::{OrganizationType, RegistrationAuthority, Uscc, UsccError, UsccExceptions};

pub mod check {
    //! The check-character computations behind validation, for tools that
    //! generate or repair codes (and for tests). Each returns `None` when an
    //! input character is outside its alphabet.
    pub use super::resident_id::resident_check;
    pub use super::uscc::{org_code_check, uscc_check, ALPHABET};
}

/// What kind of organization a subject is, as the bureau registers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OrganizationKind {
    /// 企业
    Enterprise,
    /// 社会团体
    SocialAssociation,
    /// 社会服务机构 (民办非企业单位)
    SocialServiceOrganization,
    /// 基金会
    Foundation,
    /// 事业单位
    PublicInstitution,
    /// 其他
    Other,
}

impl OrganizationKind {
    /// The kind the code's organization type implies, where it implies one.
    pub fn from_code(uscc: &Uscc) -> Self {
        match uscc.organization_type() {
            OrganizationType::Enterprise => Self::Enterprise,
            OrganizationType::SocialAssociation => Self::SocialAssociation,
            OrganizationType::SocialServiceOrganization => Self::SocialServiceOrganization,
            OrganizationType::Foundation => Self::Foundation,
            OrganizationType::PublicInstitution => Self::PublicInstitution,
            _ => Self::Other,
        }
    }
}

impl OrganizationKind {
    /// The Chinese name.
    pub fn chinese_name(self) -> &'static str {
        match self {
            Self::Enterprise => "企业",
            Self::SocialAssociation => "社会团体",
            Self::SocialServiceOrganization => "社会服务机构",
            Self::Foundation => "基金会",
            Self::PublicInstitution => "事业单位",
            Self::Other => "其他",
        }
    }

    /// The English name.
    pub fn english_name(self) -> &'static str {
        match self {
            Self::Enterprise => "enterprise",
            Self::SocialAssociation => "social association",
            Self::SocialServiceOrganization => "social service organization",
            Self::Foundation => "foundation",
            Self::PublicInstitution => "public institution",
            Self::Other => "other",
        }
    }
}

crate::text::text_forms!(
    OrganizationKind,
    "organization kind",
    Some(|v: OrganizationKind| (v.english_name(), v.chinese_name())),
    [
        Enterprise => "enterprise",
        SocialAssociation => "social_association",
        SocialServiceOrganization => "social_service_organization",
        Foundation => "foundation",
        PublicInstitution => "public_institution",
        Other => "other",
    ]
);

impl fmt::Display for OrganizationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.english_name(), self.chinese_name())
    }
}

/// An organization (法人和非法人组织).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// Its unified social credit code.
    pub uscc: Uscc,
    /// Its registered name.
    pub name: String,
    /// Its kind.
    pub kind: OrganizationKind,
    /// The day it was established (registered), where known: the green
    /// channel needs a subject to have existed for three years (plan §4(3):
    /// "连续三年无不良信用记录").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub established_on: Option<NaiveDate>,
}

/// A natural person (自然人).
///
/// `Debug` and the default serialization show the identity number masked
/// and the name as its surname only (`张*`); the storage representation
/// ([`with_whole_identifiers`]) keeps both whole.
///
/// # Example
///
/// ```
/// use social_credit::subject::{with_whole_identifiers, Person};
///
/// let person = Person { id: "34052419800101001X".parse()?, name: "张伟".into() };
/// let shown = serde_json::to_string(&person)?;
/// assert_eq!(shown, r#"{"id":"340524********001X","name":"张*"}"#);
/// assert!(!format!("{person:?}").contains("张伟"));
/// let stored = with_whole_identifiers(|| serde_json::to_string(&person))?;
/// assert_eq!(serde_json::from_str::<Person>(&stored)?, person);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The citizen identity number.
    pub id: ResidentId,
    /// The person's name.
    #[serde(serialize_with = "serialize_name")]
    pub name: String,
}

impl Person {
    /// The public form of the name: the surname (first character) and a
    /// mask for the rest (`张*`).
    pub fn masked_name(&self) -> String {
        masked_name(&self.name)
    }
}

impl fmt::Debug for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Person")
            .field("id", &self.id)
            .field("name", &self.masked_name())
            .finish()
    }
}

/// The public form of a person's name: the first character and a mask for
/// the rest (at least one `*`).
pub(crate) fn masked_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
        None => String::new(),
    }
}

fn serialize_name<S: serde::Serializer>(name: &str, serializer: S) -> Result<S::Ok, S::Error> {
    if whole_identifiers() {
        serializer.serialize_str(name)
    } else {
        serializer.serialize_str(&masked_name(name))
    }
}

thread_local! {
    // Whether serde writes identity numbers and names whole on this thread:
    // only inside `with_whole_identifiers`.
    static WHOLE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the storage representation is being written on this thread.
pub(crate) fn whole_identifiers() -> bool {
    WHOLE.with(std::cell::Cell::get)
}

/// Runs `f` with the storage representation: inside it, serde writes
/// citizen identity numbers and persons' names whole; everywhere else they
/// are masked (`410184********123X`, `张*`), so that no default
/// serialization (a service's JSON response, a log) holds them.
///
/// Call it only to write to storage the law lets keep the data (the
/// registry's store documents do), never for a response. The setting is
/// per thread and ends with `f`, also when `f` panics.
///
/// # Example
///
/// ```
/// use social_credit::subject::{with_whole_identifiers, ResidentId};
///
/// let id: ResidentId = "34052419800101001X".parse()?;
/// assert_eq!(serde_json::to_string(&id)?, r#""340524********001X""#);
/// let stored = with_whole_identifiers(|| serde_json::to_string(&id))?;
/// assert_eq!(stored, r#""34052419800101001X""#);
/// assert_eq!(serde_json::from_str::<ResidentId>(&stored)?, id);
/// // A masked number cannot be read back.
/// assert!(serde_json::from_str::<ResidentId>(r#""340524********001X""#).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn with_whole_identifiers<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            WHOLE.with(|w| w.set(self.0));
        }
    }
    let _restore = Restore(WHOLE.with(|w| w.replace(true)));
    f()
}

/// Who a record is about (信用主体).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Subject {
    /// An organization.
    Organization(Organization),
    /// A natural person.
    Person(Person),
}

impl Subject {
    /// The subject's identifier.
    pub fn id(&self) -> SubjectId {
        match self {
            Self::Organization(o) => SubjectId::Organization(o.uscc.clone()),
            Self::Person(p) => SubjectId::Person(p.id.clone()),
        }
    }

    /// The name.
    pub fn name(&self) -> &str {
        match self {
            Self::Organization(o) => &o.name,
            Self::Person(p) => &p.name,
        }
    }

    /// The first day the subject existed, where known: an organization's
    /// establishment, a person's birth.
    pub fn existed_since(&self) -> Option<NaiveDate> {
        match self {
            Self::Organization(o) => o.established_on,
            Self::Person(p) => Some(p.id.birth_date()),
        }
    }
}

/// The identifier of a [`Subject`]: a USCC or a citizen identity number.
///
/// # Text form
///
/// `Display` writes `org:` followed by the unified social credit code, or
/// `person:` followed by the citizen identity number, whole; `FromStr` reads
/// it back (surrounding whitespace ignored), so the text form round-trips.
/// It is the identifier form, for storage keys, URLs a service controls and
/// the bureau's own files, the number being the identifier. What may be
/// shown or logged is [`SubjectId::display_masked`] (a person's number
/// masked, plan §6(2)); `Debug` masks it too.
///
/// Serialized as `{"organization": "9135…"}` or `{"person": "340524********001X"}`
/// (masked; whole only in the storage representation,
/// [`with_whole_identifiers`]).
///
/// Reading one needs a self-describing format (JSON, TOML): a rejected
/// value is described, never quoted, since it may be a person's number
/// (issue 17).
///
/// # Example
///
/// ```
/// use social_credit::SubjectId;
///
/// let org: SubjectId = "org:91350100M000100Y43".parse()?;
/// assert_eq!(org.to_string(), "org:91350100M000100Y43");
/// let person: SubjectId = "person:34052419800101001X".parse()?;
/// assert_eq!(person.to_string().parse::<SubjectId>()?, person);
/// assert_eq!(person.display_masked(), "340524********001X");
/// assert!(!format!("{person:?}").contains("34052419800101001X"));
/// let err = "34052419800101001X".parse::<SubjectId>().unwrap_err();
/// assert!(!err.to_string().contains("19800101"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectId {
    /// An organization's code.
    Organization(Uscc),
    /// A person's number.
    Person(ResidentId),
}

impl SubjectId {
    /// Whether this is a natural person (the five-year erasure rule applies, plan §6(7)).
    pub fn is_person(&self) -> bool {
        matches!(self, Self::Person(_))
    }

    /// The form that may be published: an organization's code whole, a
    /// person's number masked (plan §6(2)).
    pub fn display_masked(&self) -> String {
        match self {
            Self::Organization(u) => u.to_string(),
            Self::Person(p) => p.masked(),
        }
    }
}

impl fmt::Display for SubjectId {
    /// The text form: `org:<code>` or `person:<number>`, whole.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Organization(u) => write!(f, "org:{u}"),
            Self::Person(p) => write!(f, "person:{p}"),
        }
    }
}

impl<'de> Deserialize<'de> for SubjectId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        const EXPECTED: &str = "a subject id `{\"organization\": code}` or `{\"person\": number}`";
        fn refuse<E: serde::de::Error>(found: &str) -> E {
            E::custom(format_args!("expected {EXPECTED}, found {found}"))
        }
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = SubjectId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(EXPECTED)
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<SubjectId, E> {
                Err(refuse("a string (not quoted here)"))
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<SubjectId, E> {
                Err(refuse("a number (not quoted here)"))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<SubjectId, E> {
                Err(refuse("a number (not quoted here)"))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<SubjectId, E> {
                Err(refuse("a number (not quoted here)"))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<SubjectId, A::Error> {
                let kind: Option<String> = map.next_key()?;
                let id = match kind.as_deref() {
                    Some("organization") => SubjectId::Organization(map.next_value()?),
                    Some("person") => SubjectId::Person(map.next_value()?),
                    Some(_) => return Err(refuse("another key (not quoted here)")),
                    None => return Err(refuse("an empty object")),
                };
                if map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(refuse("more than one key"));
                }
                Ok(id)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Reads an identifier's text (a code or a number) with `deserialize_any`,
/// so that a value of the wrong type is described, never quoted: a number
/// given where a string was expected may be a person's number (issue 17).
pub(crate) fn identifier_text<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
    what: &'static str,
) -> Result<String, D::Error> {
    struct Visitor(&'static str);
    impl Visitor {
        fn refuse<E: serde::de::Error>(&self, found: &str) -> E {
            E::custom(format_args!(
                "expected {} as a string, found {found} (not quoted here)",
                self.0
            ))
        }
    }
    impl serde::de::Visitor<'_> for Visitor {
        type Value = String;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{} as a string", self.0)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<String, E> {
            Err(self.refuse("a number"))
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<String, E> {
            Err(self.refuse("a number"))
        }
        fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<String, E> {
            Err(self.refuse("a number"))
        }
        fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<String, E> {
            Err(self.refuse("a number"))
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<String, E> {
            Err(self.refuse("a number"))
        }
        fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> Result<String, E> {
            Err(self.refuse("bytes"))
        }
    }
    deserializer.deserialize_any(Visitor(what))
}

impl std::str::FromStr for SubjectId {
    type Err = SubjectIdError;

    /// Parses `org:` followed by a unified social credit code or `person:`
    /// followed by a citizen identity number (the `Display` form);
    /// surrounding whitespace is ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        if let Some(code) = text.strip_prefix("org:") {
            // A USCC error quotes its input masked, as an identity number is.
            code.parse()
                .map(Self::Organization)
                .map_err(SubjectIdError::Organization)
        } else if let Some(number) = text.strip_prefix("person:") {
            number
                .parse()
                .map(Self::Person)
                .map_err(SubjectIdError::Person)
        } else {
            Err(SubjectIdError::Prefix {
                input: crate::text::shown(text),
            })
        }
    }
}

/// A text that is not a [`SubjectId`]. No variant holds a citizen identity
/// number whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SubjectIdError {
    /// The text starts with neither `org:` nor `person:`.
    #[error("subject id `{input}` starts with neither `org:` (a unified social credit code follows) nor `person:` (a citizen identity number follows)")]
    Prefix {
        /// The input as shown (digits after the sixth masked).
        input: String,
    },
    /// What follows `org:` is not a unified social credit code (the error
    /// masks the code, as it masks an identity number).
    #[error("after `org:`: {0}")]
    Organization(UsccError),
    /// What follows `person:` is not a citizen identity number (the error
    /// masks the number).
    #[error("after `person:`: {0}")]
    Person(ResidentIdError),
}

impl From<Uscc> for SubjectId {
    fn from(u: Uscc) -> Self {
        Self::Organization(u)
    }
}

impl From<ResidentId> for SubjectId {
    fn from(p: ResidentId) -> Self {
        Self::Person(p)
    }
}

/// A person's role in an organization (plan §5(6)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 法定代表人
    LegalRepresentative,
    /// 主要负责人
    PrincipalOfficer,
    /// 高级管理人员
    SeniorManager,
    /// 直接责任人员
    DirectlyResponsible,
    /// 注册执业人员
    RegisteredPractitioner,
}

impl Role {
    /// Every role.
    pub const ALL: [Self; 5] = [
        Self::LegalRepresentative,
        Self::PrincipalOfficer,
        Self::SeniorManager,
        Self::DirectlyResponsible,
        Self::RegisteredPractitioner,
    ];

    /// The Chinese name.
    pub fn chinese_name(self) -> &'static str {
        match self {
            Self::LegalRepresentative => "法定代表人",
            Self::PrincipalOfficer => "主要负责人",
            Self::SeniorManager => "高级管理人员",
            Self::DirectlyResponsible => "直接责任人员",
            Self::RegisteredPractitioner => "注册执业人员",
        }
    }

    /// The English name.
    pub fn english_name(self) -> &'static str {
        match self {
            Self::LegalRepresentative => "legal representative",
            Self::PrincipalOfficer => "principal officer",
            Self::SeniorManager => "senior manager",
            Self::DirectlyResponsible => "directly responsible person",
            Self::RegisteredPractitioner => "registered practitioner",
        }
    }
}

crate::text::text_forms!(
    Role,
    "role",
    Some(|v: Role| (v.english_name(), v.chinese_name())),
    [
        LegalRepresentative => "legal_representative",
        PrincipalOfficer => "principal_officer",
        SeniorManager => "senior_manager",
        DirectlyResponsible => "directly_responsible",
        RegisteredPractitioner => "registered_practitioner",
    ]
);

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.english_name(), self.chinese_name())
    }
}

/// A dated link: `person` held `role` in `organization` from `from` to
/// `until`, both days included; `until: None` while the role is held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleLink {
    /// The organization.
    pub organization: Uscc,
    /// The person.
    pub person: ResidentId,
    /// The role.
    pub role: Role,
    /// First day the role was held.
    pub from: NaiveDate,
    /// Last day the role was held, `None` while it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

impl RoleLink {
    /// Whether the role was held on `day`.
    pub fn held_on(&self, day: NaiveDate) -> bool {
        self.from <= day && self.until.is_none_or(|u| day <= u)
    }
}

/// A link whose end is before its start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("role link of `{person}` as {role} of `{organization}` ends on {until}, before it starts on {from}")]
pub struct RoleLinkError {
    /// The organization's code.
    pub organization: String,
    /// The person's number, masked.
    pub person: String,
    /// The role.
    pub role: Role,
    /// The start.
    pub from: NaiveDate,
    /// The end.
    pub until: NaiveDate,
}

/// The dated links between organizations and persons: who held which role
/// on any given day.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::subject::{Role, RoleLink, Roster};
///
/// let org = "91350100M000100Y43".parse()?;
/// let alice = "34052419800101001X".parse()?;
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let mut roster = Roster::default();
/// roster.link(RoleLink {
///     organization: org,
///     person: alice,
///     role: Role::LegalRepresentative,
///     from: d(2018, 1, 1),
///     until: Some(d(2020, 6, 30)),
/// })?;
/// let org = "91350100M000100Y43".parse()?;
/// assert_eq!(roster.holders(&org, Role::LegalRepresentative, d(2019, 5, 1)).count(), 1);
/// assert_eq!(roster.holders(&org, Role::LegalRepresentative, d(2021, 1, 1)).count(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Roster {
    links: Vec<RoleLink>,
}

impl Roster {
    /// Adds a link.
    ///
    /// # Errors
    ///
    /// [`RoleLinkError`] when `until` is before `from`; the roster is unchanged.
    pub fn link(&mut self, link: RoleLink) -> Result<(), RoleLinkError> {
        if let Some(until) = link.until.filter(|u| *u < link.from) {
            return Err(RoleLinkError {
                organization: link.organization.to_string(),
                person: link.person.masked(),
                role: link.role,
                from: link.from,
                until,
            });
        }
        self.links.push(link);
        Ok(())
    }

    /// Every link, in the order added.
    pub fn links(&self) -> &[RoleLink] {
        &self.links
    }

    /// The persons who held `role` in `organization` on `day`.
    pub fn holders<'a>(
        &'a self,
        organization: &'a Uscc,
        role: Role,
        day: NaiveDate,
    ) -> impl Iterator<Item = &'a ResidentId> + 'a {
        self.links
            .iter()
            .filter(move |l| &l.organization == organization && l.role == role && l.held_on(day))
            .map(|l| &l.person)
    }

    /// The links `person` held on `day`, in any organization.
    pub fn roles_of<'a>(
        &'a self,
        person: &'a ResidentId,
        day: NaiveDate,
    ) -> impl Iterator<Item = &'a RoleLink> + 'a {
        self.links
            .iter()
            .filter(move |l| &l.person == person && l.held_on(day))
    }
}

/// The 18 ASCII characters of an identifier code (a USCC or a citizen
/// identity number), kept inline: comparing a subject's code with every
/// record's then reads no memory beyond the records, and copying one
/// allocates nothing.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Code([u8; 18]);

impl Code {
    /// INVARIANT: `bytes` are ASCII (each parser checks every character
    /// before building a code).
    fn new(bytes: [u8; 18]) -> Self {
        Self(bytes)
    }

    fn as_str(&self) -> &str {
        // ASCII by the invariant, so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    fn bytes(&self) -> &[u8; 18] {
        &self.0
    }
}

//! The catalogue of measures (措施清单, plan §6(6)): every incentive and
//! sanction the bureau may apply, each with its trigger and source clause.
//!
//! Measures are managed by list (清单管理): a measure that is not in the
//! catalogue can never be applied. The crate makes that structural: an
//! applied measure ([`crate::assess::AppliedMeasure`]) holds a reference into
//! a validated [`Catalogue`] and can only be made by the assessment, and
//! [`Catalogue::resolve`] is the one way to turn measure ids from elsewhere
//! into measures.
//!
//! The built-in catalogue, [`Catalogue::xinzheng_2019`], holds every measure
//! the plan names (§4(1)–(5), §5(1)–(6), §6(6)); it is loaded from
//! `data/catalogue/xinzheng-2019.json`.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::citation::Citation;
use crate::misconduct::{ConductKind, Severity};
use crate::subject::Role;

/// Whether a measure rewards or punishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    /// 守信联合激励 (plan §4).
    Incentive,
    /// 失信联合惩戒 (plan §5).
    Sanction,
}

/// The four sanction families (plan §5(2)–(5)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SanctionKind {
    /// 行政性约束和惩戒 (plan §5(2)).
    Administrative,
    /// 市场性约束和惩戒 (plan §5(3)).
    Market,
    /// 行业性约束和惩戒 (plan §5(4)).
    Industry,
    /// 社会性约束和惩戒 (plan §5(5)).
    Social,
}

impl SanctionKind {
    /// Every family, in the plan's order.
    pub const ALL: [Self; 4] = [
        Self::Administrative,
        Self::Market,
        Self::Industry,
        Self::Social,
    ];

    /// The Chinese name.
    pub fn chinese_name(self) -> &'static str {
        match self {
            Self::Administrative => "行政性约束和惩戒",
            Self::Market => "市场性约束和惩戒",
            Self::Industry => "行业性约束和惩戒",
            Self::Social => "社会性约束和惩戒",
        }
    }

    /// The English name.
    pub fn english_name(self) -> &'static str {
        match self {
            Self::Administrative => "administrative sanctions",
            Self::Market => "market sanctions",
            Self::Industry => "industry sanctions",
            Self::Social => "social sanctions",
        }
    }
}

crate::text::text_forms!(
    SanctionKind,
    "sanction family",
    Some(|v: SanctionKind| (v.english_name(), v.chinese_name())),
    [
        Administrative => "administrative",
        Market => "market",
        Industry => "industry",
        Social => "social",
    ]
);

impl fmt::Display for SanctionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.english_name(), self.chinese_name())
    }
}

/// Whether a measure must be applied (强制性) or may be (推荐性) (plan §6(6)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Force {
    /// 强制性措施.
    Mandatory,
    /// 推荐性措施.
    Recommended,
}

/// Whom a measure applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Organizations only.
    Organization,
    /// Natural persons only.
    Person,
    /// Both.
    Both,
}

impl Target {
    /// Whether the measure applies to persons.
    pub fn persons(self) -> bool {
        matches!(self, Self::Person | Self::Both)
    }

    /// Whether the measure applies to organizations.
    pub fn organizations(self) -> bool {
        matches!(self, Self::Organization | Self::Both)
    }
}

/// What makes a measure apply to a subject on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Trigger {
    /// The subject has signed a credit commitment (plan §4(1)).
    CommitmentSigned,
    /// The subject is on the red list (plan §4(2)).
    Exemplar,
    /// The subject is an exemplar, or has had no adverse record for `years`
    /// years and existed that long (plan §4(3)).
    ExemplarOrCleanRecord {
        /// The years.
        years: u32,
    },
    /// The subject's worst active severity is at least `severity`.
    SeverityAtLeast {
        /// The threshold.
        severity: Severity,
    },
    /// The subject has an active severe record of one of these conduct
    /// kinds: those able but refusing to perform legal obligations, such as
    /// dishonest judgment debtors (plan §5(3)1).
    SevereConduct {
        /// The conduct kinds.
        conduct: Vec<ConductKind>,
    },
    /// A person reached by an organization's severe record through a role
    /// (plan §5(6)).
    ResponsiblePerson,
    /// An organization on blacklists of at least `at_least` domains (plan §6(6)).
    BlacklistDomains {
        /// The number of domains.
        at_least: u32,
    },
}

/// One measure of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// A stable id, e.g. `sanction.industry_entry_ban`.
    pub id: String,
    /// The Chinese name.
    pub chinese_name: String,
    /// The English name.
    pub english_name: String,
    /// Incentive or sanction.
    pub kind: MeasureKind,
    /// The sanction family; `None` for incentives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<SanctionKind>,
    /// Mandatory or recommended.
    pub force: Force,
    /// Whom it applies to.
    pub target: Target,
    /// What makes it apply.
    pub trigger: Trigger,
    /// The roles through which an organization's severe record reaches a
    /// person (plan §5(6), "落实到人"); empty when it does not reach persons.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reaches: Vec<Role>,
    /// The source clause, e.g. `plan §5(2)3`.
    pub source: String,
    /// A note on how the clause was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Measure {
    /// The citation: the measure's id and its source clause.
    pub fn citation(&self) -> Citation {
        Citation::owned(self.id.clone(), self.source.clone())
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} ({})",
            self.english_name, self.chinese_name, self.source
        )
    }
}

/// The data of a catalogue before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueData {
    /// A stable id, e.g. `xinzheng-2019`.
    pub id: String,
    /// A readable name.
    pub name: String,
    /// The clause that establishes it.
    pub source: String,
    /// The measures, in the order they are reported.
    pub measures: Vec<Measure>,
    /// When an honesty exemplar loses its red-list incentives (plan §6(5));
    /// `None` takes [`RedListLoss::default`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_list_loss: Option<RedListLoss>,
    /// Incentives that never apply together with given sanctions (奖惩分明):
    /// when both would apply, the sanction stands and the incentive is
    /// withheld.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusions: Vec<Exclusion>,
}

/// When an honesty exemplar loses the red-list incentives (plan §6(5),
/// "信用修复和退出机制" for the red and black lists): from the first day,
/// on or after its latest red-list event, on which it has a record in force
/// of at least `severity_at_least` or (with `any_blacklist`) stands on a
/// blacklist. The loss lasts until a new red-list event: the formal exit is
/// a removal decision ([`crate::registry::Registry::remove_from_list`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedListLoss {
    /// The least severity of a record in force that ends the incentives;
    /// `None`: records never do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_at_least: Option<Severity>,
    /// Whether standing on any blacklist ends them.
    pub any_blacklist: bool,
    /// The clause.
    pub source: String,
}

impl Default for RedListLoss {
    /// Any serious (较重) or severe record, or any blacklist (plan §6(5)).
    fn default() -> Self {
        Self {
            severity_at_least: Some(Severity::Serious),
            any_blacklist: true,
            source: "plan §6(5)".to_owned(),
        }
    }
}

/// An incentive that never applies while any of `sanctions` does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// The incentive's id.
    pub incentive: String,
    /// The sanctions' ids.
    pub sanctions: Vec<String>,
    /// The clauses that contradict each other.
    pub source: String,
}

/// A validated catalogue of measures.
///
/// # Example
///
/// ```
/// use social_credit::catalogue::{Catalogue, Force, SanctionKind};
///
/// let catalogue = Catalogue::xinzheng_2019();
/// let ban = catalogue.get("sanction.industry_entry_ban").unwrap();
/// assert_eq!(ban.family, Some(SanctionKind::Administrative));
/// assert_eq!(ban.force, Force::Mandatory);
/// assert_eq!(ban.source, "plan §5(2)3");
/// assert!(catalogue.resolve(["sanction.public_flogging"]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CatalogueData", into = "CatalogueData")]
pub struct Catalogue {
    // INVARIANT: validated by `CatalogueData::problems` (no problems).
    data: CatalogueData,
    // INVARIANT: built from `data` by `Audience::of`.
    organizations: Audience,
    persons: Audience,
    // INVARIANT: `data.red_list_loss` or the default.
    red_list_loss: RedListLoss,
    // (incentive index, sanction index, exclusion index), from `data.exclusions`.
    exclusive: Vec<(usize, usize, usize)>,
}

/// The measures that can apply to one kind of subject, grouped so that an
/// assessment computes the grounds of each group once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Audience {
    /// The measures for this kind of subject, in catalogue order, each with
    /// its group.
    pub(crate) measures: Vec<(usize, usize)>,
    /// Each group's trigger (by its first measure) and whether its measures
    /// include a sanction and an incentive.
    pub(crate) groups: Vec<Group>,
}

/// Measures that apply on the same grounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Group {
    /// The group's first measure, standing for its trigger and reach.
    pub(crate) first: usize,
    /// Whether a sanction is in the group.
    pub(crate) has_sanction: bool,
    /// Whether an incentive is in the group.
    pub(crate) has_incentive: bool,
}

impl Audience {
    /// The measures of `measures` for persons (`persons`) or organizations.
    /// For persons a group shares trigger and reach (the roles a measure
    /// reaches decide which of an organization's records count); for
    /// organizations trigger alone.
    fn of(measures: &[Measure], persons: bool) -> Self {
        let mut audience = Self {
            measures: Vec::new(),
            groups: Vec::new(),
        };
        for (i, m) in measures.iter().enumerate() {
            let fits = if persons {
                m.target.persons()
            } else {
                m.target.organizations()
            };
            if !fits {
                continue;
            }
            let same = |g: &Group| {
                measures
                    .get(g.first)
                    .is_some_and(|f| f.trigger == m.trigger && (!persons || f.reaches == m.reaches))
            };
            let group = match audience.groups.iter().position(same) {
                Some(g) => g,
                None => {
                    audience.groups.push(Group {
                        first: i,
                        has_sanction: false,
                        has_incentive: false,
                    });
                    audience.groups.len() - 1
                }
            };
            if let Some(g) = audience.groups.get_mut(group) {
                match m.kind {
                    MeasureKind::Sanction => g.has_sanction = true,
                    MeasureKind::Incentive => g.has_incentive = true,
                }
            }
            audience.measures.push((i, group));
        }
        audience
    }
}

impl TryFrom<CatalogueData> for Catalogue {
    type Error = CatalogueError;

    fn try_from(data: CatalogueData) -> Result<Self, Self::Error> {
        Self::new(data)
    }
}

impl From<Catalogue> for CatalogueData {
    fn from(c: Catalogue) -> Self {
        c.data
    }
}

const XINZHENG_2019_JSON: &str = include_str!("../data/catalogue/xinzheng-2019.json");

impl Catalogue {
    /// Validates `data` into a catalogue.
    ///
    /// # Errors
    ///
    /// [`CatalogueError::Invalid`] listing every problem, each with the
    /// measure's id.
    pub fn new(data: CatalogueData) -> Result<Self, CatalogueError> {
        let problems = data.problems();
        if problems.is_empty() {
            let position = |id: &str| data.measures.iter().position(|m| m.id == id);
            let mut exclusive = Vec::new();
            for (x, exclusion) in data.exclusions.iter().enumerate() {
                for sanction in &exclusion.sanctions {
                    if let (Some(i), Some(s)) = (position(&exclusion.incentive), position(sanction))
                    {
                        exclusive.push((i, s, x));
                    }
                }
            }
            Ok(Self {
                organizations: Audience::of(&data.measures, false),
                persons: Audience::of(&data.measures, true),
                red_list_loss: data.red_list_loss.clone().unwrap_or_default(),
                exclusive,
                data,
            })
        } else {
            Err(CatalogueError::Invalid {
                catalogue: data.id,
                problems,
            })
        }
    }

    /// Parses and validates a catalogue from JSON.
    ///
    /// # Errors
    ///
    /// [`CatalogueError::TooLarge`] for a text over
    /// [`MAX_CATALOGUE_JSON_BYTES`], [`CatalogueError::Parse`] for malformed
    /// JSON, [`CatalogueError::Invalid`] for a catalogue that breaks the rules.
    pub fn from_json(json: &str) -> Result<Self, CatalogueError> {
        if json.len() > MAX_CATALOGUE_JSON_BYTES {
            return Err(CatalogueError::TooLarge {
                bytes: json.len(),
                max: MAX_CATALOGUE_JSON_BYTES,
            });
        }
        let data: CatalogueData =
            serde_json::from_str(json).map_err(|e| CatalogueError::Parse {
                message: e.to_string(),
            })?;
        Self::new(data)
    }

    /// The Xinzheng 2019 catalogue: every measure of plan §4, §5 and §6(6).
    pub fn xinzheng_2019() -> &'static Self {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| {
            #[expect(
                clippy::expect_used,
                reason = "embedded data, validated by the unit test `builtin_catalogue_loads`"
            )]
            Self::from_json(XINZHENG_2019_JSON).expect("the built-in catalogue is valid")
        })
    }

    /// The id.
    pub fn id(&self) -> &str {
        &self.data.id
    }

    /// The readable name.
    pub fn name(&self) -> &str {
        &self.data.name
    }

    /// Every measure, in order.
    pub fn measures(&self) -> &[Measure] {
        &self.data.measures
    }

    /// The measures that can apply to a person (`persons`) or an
    /// organization, grouped by the grounds they apply on.
    pub(crate) fn audience(&self, persons: bool) -> &Audience {
        if persons {
            &self.persons
        } else {
            &self.organizations
        }
    }

    /// When an exemplar loses its red-list incentives.
    pub fn red_list_loss(&self) -> &RedListLoss {
        &self.red_list_loss
    }

    /// The exclusions: incentives that never apply with given sanctions.
    pub fn exclusions(&self) -> &[Exclusion] {
        &self.data.exclusions
    }

    /// The pairs (incentive index, sanction index, exclusion index) of
    /// measures that never apply together.
    pub(crate) fn exclusive_pairs(&self) -> &[(usize, usize, usize)] {
        &self.exclusive
    }

    /// Whether the catalogue marks `incentive` and `sanction` exclusive.
    pub fn exclusive(&self, incentive: &str, sanction: &str) -> bool {
        self.data
            .exclusions
            .iter()
            .any(|x| x.incentive == incentive && x.sanctions.iter().any(|s| s == sanction))
    }

    /// The measure with id `id`.
    pub fn get(&self, id: &str) -> Option<&Measure> {
        self.data.measures.iter().find(|m| m.id == id)
    }

    /// The measures with these ids, all or none.
    ///
    /// # Errors
    ///
    /// [`CatalogueError::UnknownMeasures`] naming every id not in the
    /// catalogue: a measure not in the catalogue can never be applied.
    pub fn resolve<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<Vec<&Measure>, CatalogueError> {
        let mut found = Vec::new();
        let mut unknown = Vec::new();
        for id in ids {
            match self.get(id) {
                Some(m) => found.push(m),
                None => unknown.push(id.to_owned()),
            }
        }
        if unknown.is_empty() {
            Ok(found)
        } else {
            Err(CatalogueError::UnknownMeasures {
                catalogue: self.data.id.clone(),
                ids: unknown,
            })
        }
    }
}

impl CatalogueData {
    /// Every problem with this catalogue; empty when it is valid.
    pub fn problems(&self) -> Vec<CatalogueProblem> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for m in &self.measures {
            let id = || m.id.clone();
            if !seen.insert(m.id.as_str()) {
                out.push(CatalogueProblem::Duplicate { measure: id() });
            }
            match (m.kind, m.family) {
                (MeasureKind::Sanction, None) => {
                    out.push(CatalogueProblem::SanctionWithoutFamily { measure: id() });
                }
                (MeasureKind::Incentive, Some(_)) => {
                    out.push(CatalogueProblem::IncentiveWithFamily { measure: id() });
                }
                _ => {}
            }
            let adverse = matches!(
                m.trigger,
                Trigger::SeverityAtLeast { .. }
                    | Trigger::SevereConduct { .. }
                    | Trigger::ResponsiblePerson
                    | Trigger::BlacklistDomains { .. }
            );
            if adverse != (m.kind == MeasureKind::Sanction) {
                out.push(CatalogueProblem::TriggerMismatch { measure: id() });
            }
            if !m.reaches.is_empty() && !m.target.persons() {
                out.push(CatalogueProblem::ReachWithoutPersons { measure: id() });
            }
            let severe_trigger = matches!(
                m.trigger,
                Trigger::SeverityAtLeast {
                    severity: Severity::Severe
                } | Trigger::SevereConduct { .. }
                    | Trigger::ResponsiblePerson
            );
            if !m.reaches.is_empty() && !severe_trigger {
                out.push(CatalogueProblem::ReachWithoutSevereTrigger { measure: id() });
            }
            match &m.trigger {
                Trigger::ResponsiblePerson
                    if m.reaches.is_empty() || m.target != Target::Person =>
                {
                    out.push(CatalogueProblem::ReachWithoutPersons { measure: id() });
                }
                Trigger::ExemplarOrCleanRecord { years: 0 }
                | Trigger::BlacklistDomains { at_least: 0 } => {
                    out.push(CatalogueProblem::ZeroThreshold { measure: id() });
                }
                Trigger::SevereConduct { conduct } if conduct.is_empty() => {
                    out.push(CatalogueProblem::ZeroThreshold { measure: id() });
                }
                _ => {}
            }
        }
        for x in &self.exclusions {
            let kind_of = |id: &str| self.measures.iter().find(|m| m.id == id).map(|m| m.kind);
            if kind_of(&x.incentive) != Some(MeasureKind::Incentive) {
                out.push(CatalogueProblem::BadExclusion {
                    measure: x.incentive.clone(),
                });
            }
            if x.sanctions.is_empty() {
                out.push(CatalogueProblem::BadExclusion {
                    measure: x.incentive.clone(),
                });
            }
            for s in &x.sanctions {
                if kind_of(s) != Some(MeasureKind::Sanction) {
                    out.push(CatalogueProblem::BadExclusion { measure: s.clone() });
                }
            }
        }
        out
    }
}

/// One problem with a catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CatalogueProblem {
    /// Two measures with the same id.
    #[error("measure `{measure}` is declared twice")]
    Duplicate {
        /// The id.
        measure: String,
    },
    /// A sanction without a family.
    #[error("sanction `{measure}` has no sanction family")]
    SanctionWithoutFamily {
        /// The id.
        measure: String,
    },
    /// An incentive with a sanction family.
    #[error("incentive `{measure}` has a sanction family")]
    IncentiveWithFamily {
        /// The id.
        measure: String,
    },
    /// An incentive triggered by dishonesty, or a sanction by trustworthiness.
    #[error("measure `{measure}` has a trigger of the other kind of measure")]
    TriggerMismatch {
        /// The id.
        measure: String,
    },
    /// A measure reaching persons that does not apply to persons.
    #[error("measure `{measure}` reaches persons through roles but does not apply to persons")]
    ReachWithoutPersons {
        /// The id.
        measure: String,
    },
    /// A measure reaching persons without a severe trigger (plan §5(6)
    /// reaches persons for severe records only).
    #[error("measure `{measure}` reaches persons through roles but is not triggered by severe dishonesty")]
    ReachWithoutSevereTrigger {
        /// The id.
        measure: String,
    },
    /// An exclusion naming an unknown measure, an incentive that is not one,
    /// a sanction that is not one, or no sanction at all.
    #[error(
        "exclusion names `{measure}`, which is not a measure of the right kind, or no sanction"
    )]
    BadExclusion {
        /// The id.
        measure: String,
    },
    /// A trigger threshold of zero, or an empty conduct list.
    #[error("measure `{measure}` has an empty or zero trigger threshold")]
    ZeroThreshold {
        /// The id.
        measure: String,
    },
}

/// The largest catalogue text [`Catalogue::from_json`] reads (1 MiB; the
/// built-in catalogue is a few dozen KiB): a loader bounds what it accepts
/// (issue 17, defect 3).
pub const MAX_CATALOGUE_JSON_BYTES: usize = 1 << 20;

/// A catalogue that cannot be used, or a measure that is not in it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CatalogueError {
    /// The text is larger than [`MAX_CATALOGUE_JSON_BYTES`].
    #[error("catalogue text has {bytes} bytes, more than the {max} a catalogue may have")]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The most allowed.
        max: usize,
    },
    /// The data is not a catalogue.
    #[error("catalogue could not be read: {message}")]
    Parse {
        /// The parser's message.
        message: String,
    },
    /// The catalogue breaks one or more rules; every problem is listed.
    #[error("catalogue `{catalogue}` has {} problem(s): {}", problems.len(), problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid {
        /// The catalogue's id.
        catalogue: String,
        /// Every problem.
        problems: Vec<CatalogueProblem>,
    },
    /// Measures not in the catalogue (清单管理: they can never be applied).
    #[error("catalogue `{catalogue}` has no measure {}", ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", "))]
    UnknownMeasures {
        /// The catalogue's id.
        catalogue: String,
        /// The unknown ids.
        ids: Vec<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_loads() {
        let c = Catalogue::from_json(XINZHENG_2019_JSON).unwrap();
        assert_eq!(Catalogue::xinzheng_2019(), &c);
        assert_eq!(c.measures().len(), 40);
    }

    #[test]
    fn every_problem_is_reported_with_the_measure_id() {
        let mut data: CatalogueData = serde_json::from_str(XINZHENG_2019_JSON).unwrap();
        let mut dup = data.measures[0].clone();
        dup.family = Some(SanctionKind::Market);
        data.measures.push(dup);
        data.measures[1].trigger = Trigger::SeverityAtLeast {
            severity: Severity::Severe,
        };
        let problems = data.problems();
        assert!(problems.contains(&CatalogueProblem::Duplicate {
            measure: "incentive.commitment_publicity".into()
        }));
        assert!(problems.contains(&CatalogueProblem::IncentiveWithFamily {
            measure: "incentive.commitment_publicity".into()
        }));
        assert!(problems.contains(&CatalogueProblem::TriggerMismatch {
            measure: "incentive.red_list".into()
        }));
    }
}

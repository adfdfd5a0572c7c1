//! What an assessment answers: the applied measures and their grounds, the
//! green channel, the next change, repair windows, and the owned summary.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::counted::Counted;
use super::repair_search::RepairSearch;
use crate::calendar::Finality;
use crate::catalogue::{Measure, MeasureKind};
use crate::citation::Citation;
use crate::commitment::Commitment;
use crate::grading::GradingPolicy;
use crate::lists::{Domain, ListEntry, ListKind};
use crate::misconduct::{MisconductRecord, RecordId, Severity};
use crate::objection::Objection;
use crate::repair::{PenaltyDecision, Periods, RepairError, RepairPolicy, RepairTimeline};
use crate::subject::{Role, Subject, SubjectId, Uscc};

/// Why something applies: a fact from the dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ground<'a> {
    /// One of the subject's own records.
    Record(&'a MisconductRecord),
    /// An organization's severe record that reaches the person through a
    /// role held on the day of the conduct (plan §5(6)).
    /// The organization is the record's subject ([`Ground::organization`]).
    Organization {
        /// The organization's record.
        record: &'a MisconductRecord,
        /// A role the person held then that the measure reaches.
        role: Role,
    },
    /// A list entry the subject stands on.
    Listed(&'a ListEntry),
    /// No adverse record since `since`, and existence since then (plan §4(3)).
    CleanRecord {
        /// The start of the clean period.
        since: NaiveDate,
    },
    /// A signed credit commitment (plan §4(1)).
    Commitment(&'a Commitment),
}

impl<'a> Ground<'a> {
    /// The organization whose record reaches a person, for
    /// [`Ground::Organization`].
    pub fn organization(&self) -> Option<&'a Uscc> {
        match self {
            Self::Organization { record, .. } => match &record.subject {
                SubjectId::Organization(uscc) => Some(uscc),
                SubjectId::Person(_) => None,
            },
            _ => None,
        }
    }

    /// The record behind this ground, if it is one.
    pub fn record(&self) -> Option<RecordId> {
        match self {
            Self::Record(r) | Self::Organization { record: r, .. } => Some(r.id),
            _ => None,
        }
    }

    /// The clause behind this ground.
    pub fn basis(&self) -> Citation {
        match self {
            Self::Record(r) => r.graded_by.clone(),
            Self::Organization { .. } => {
                Citation::new("assess.responsibility_reaches_persons", "plan §5(6)")
            }
            Self::Listed(e) => match e.list {
                ListKind::RedList => Citation::new("assess.red_list", "plan §4(2)"),
                ListKind::BlackList { .. } => Citation::new("assess.blacklisted", "plan §6(5)"),
                ListKind::ActivityAbnormal => Citation::new(
                    "assess.activity_abnormal",
                    "MCA Order No. 60 (2018) art. 10, unconfirmed",
                ),
            },
            Self::CleanRecord { .. } => Citation::new("assess.clean_record", "plan §4(3)"),
            Self::Commitment { .. } => Citation::new("assess.commitment", "plan §4(1)"),
        }
    }
}

/// A measure of the catalogue that applies, with its grounds: a view into
/// an [`Assessment`] (`'s` is the assessment's borrow, `'a` the inputs').
///
/// Only an assessment makes one, and only from a measure of its catalogue:
/// a measure not in the catalogue can never be applied (清单管理).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppliedMeasure<'s, 'a> {
    measure: &'a Measure,
    grounds: &'s [Ground<'a>],
}

impl<'s, 'a> AppliedMeasure<'s, 'a> {
    /// The measure, as it stands in the catalogue.
    pub fn measure(&self) -> &'a Measure {
        self.measure
    }

    /// Why it applies; never empty.
    pub fn grounds(&self) -> &'s [Ground<'a>] {
        self.grounds
    }

    /// The records behind it.
    pub fn records(&self) -> impl Iterator<Item = RecordId> + 's {
        self.grounds.iter().filter_map(Ground::record)
    }

    /// The measure's source clause.
    pub fn citation(&self) -> Citation {
        self.measure.citation()
    }
}

/// A subject on a blacklist of a domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlacklistStanding<'a> {
    /// The domain.
    pub domain: &'a Domain,
    /// The first listing event of the entry.
    pub since: NaiveDate,
}

/// A condition of the green channel that is not met.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GreenChannelUnmet {
    /// Adverse records (active, repaired or corrected) in the window.
    AdverseRecords {
        /// The records.
        records: Vec<RecordId>,
    },
    /// Listed on the activity-abnormal list or a blacklist.
    AdverseListing {
        /// The list.
        list: ListKind,
    },
    /// The subject has not existed for the whole window.
    TooRecent {
        /// The first day it existed.
        existed_since: NaiveDate,
        /// The start of the window.
        window_from: NaiveDate,
    },
    /// The day the subject began to exist is unknown.
    ExistenceUnknown,
}

/// Green channel and accept-pending-materials eligibility (plan §4(3)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GreenChannel {
    /// Whether the subject qualifies.
    pub eligible: bool,
    /// Why it qualifies: an honesty exemplar, or a clean record.
    pub ground: Option<GreenChannelGround>,
    /// The conditions not met (for the clean-record path; an exemplar has none).
    pub unmet: Vec<GreenChannelUnmet>,
    /// The rule.
    pub basis: Citation,
}

/// Why a subject qualifies for the green channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GreenChannelGround {
    /// It is an honesty exemplar on the red list, since this day.
    Exemplar {
        /// The first listing.
        since: NaiveDate,
    },
    /// No adverse record since this day, and it existed throughout.
    CleanRecord {
        /// The start of the window.
        since: NaiveDate,
    },
}

/// Something that will change on a known day if nothing else happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change<'a> {
    /// The subject leaves a list (automatic) or may apply to leave it.
    ListExit {
        /// The entry.
        entry: &'a ListEntry,
        /// Whether it leaves without applying.
        automatic: bool,
    },
    /// A personal record is erased: the day after its last retained day
    /// (plan §6(7); [`RetentionPolicy::last_retained_day`](crate::retention::RetentionPolicy::last_retained_day)).
    Erasure {
        /// The record.
        record: &'a MisconductRecord,
    },
    /// The three years without an adverse record are complete: the green
    /// channel opens (plan §4(3)).
    GreenChannelOpens,
    /// A repair window opens for one of the subject's own active or
    /// corrected records with a penalty decision: the first day after the
    /// day asked on which the minimum publication period has run under the
    /// repair policy in force that day, and no rule of that policy bars
    /// repair (plan §6(7)). Other conditions (conduct corrected,
    /// effects removed, commitment signed) are not checked here.
    RepairWindowOpens {
        /// The record.
        record: &'a MisconductRecord,
    },
    /// The publication of a record with a penalty decision ends: the day
    /// after its maximum publication period under the rules that govern it
    /// ([`RepairTimeline::publication_end`]). From that day it is no longer
    /// published and grounds no measure (plan §6(7), 有限期惩戒; 527:
    /// "最长公示期限届满的，信用网站将撤下相关信息"; NDRC Order No. 36:
    /// "最长公示期届满后，相关信息自动停止公示").
    PublicationEnds {
        /// The record.
        record: &'a MisconductRecord,
    },
}

/// The next dated change: its day and everything that changes that day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextChange<'a> {
    /// The day.
    pub on: NaiveDate,
    /// What changes.
    pub changes: Vec<Change<'a>>,
    /// How final the day is: a list exit counted in working days over days
    /// no published holiday notice covers is [`Finality::Projected`]; a
    /// day fixed in calendar days (an erasure, a window opening) is final.
    pub finality: Finality,
}

/// The answer of [`assess`](super::assess()).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment<'a> {
    /// Who was assessed.
    pub subject: &'a Subject,
    /// The day asked about.
    pub as_of: NaiveDate,
    /// The grading policy in force that day.
    pub policy: &'a GradingPolicy,
    /// The worst active severity: of active and corrected records (own, or
    /// reaching a person through a role of [`RESPONSIBLE_ROLES`](super::RESPONSIBLE_ROLES)), and of the
    /// lists it stands on.
    pub worst_severity: Option<Severity>,
    /// The grounds of the worst severity.
    pub severity_grounds: Vec<Ground<'a>>,
    /// Whether it is a key supervision target (重点监管对象): a severe
    /// subject (plan §5(2)); the citation when it is.
    pub key_supervision: Option<Citation>,
    /// The blacklists it stands on, by domain (sorted, one per domain).
    pub blacklists: Vec<BlacklistStanding<'a>>,
    /// Whether sanctions are intensified: an organization on blacklists of
    /// two or more domains (plan §6(6)); the citation when they are.
    pub intensified: Option<Citation>,
    /// Since when it stands on the red list, if it does (plan §4(2)); `None`
    /// once it lost the red-list incentives ([`Assessment::red_list_lost`]).
    pub red_list: Option<NaiveDate>,
    /// Whether, since when and why an exemplar lost the red-list incentives
    /// (plan §6(5)): it is then treated as off the red list.
    pub red_list_lost: Option<RedListLost<'a>>,
    /// Incentives withheld because an exclusive sanction applies.
    pub withheld: Vec<Withheld<'a>>,
    /// The list entries the subject stands on, with their first listing events.
    pub(super) listed: Vec<(&'a ListEntry, NaiveDate)>,
    /// The measures that apply, in catalogue order, as ranges of `pool`.
    pub(super) applied: Vec<Applied<'a>>,
    /// The grounds of the applied measures; measures of one catalogue group
    /// share a range.
    pub(super) pool: Vec<Ground<'a>>,
    /// Green-channel eligibility; the same answer serves accept-pending-materials.
    pub green_channel: GreenChannel,
    /// The next dated change, if any is known.
    pub next_change: Option<NextChange<'a>>,
    /// The records whose sanctions an open objection suspends on the day
    /// (only under a suspending [`ObjectionPolicy`](crate::objection::ObjectionPolicy); empty under the plan's).
    pub suspended: Vec<SuspendedRecord<'a>>,
    /// The repair policy in force on the day, if any.
    pub repair_policy: Option<&'a RepairPolicy>,
    /// The records that count on the day (the repairable ones are picked
    /// from them, see [`Counted::repairable`]).
    pub(super) counted: Vec<Counted<'a>>,
    /// The repair policies, for the windows.
    pub(super) repair_timeline: &'a RepairTimeline,
}

/// An exemplar's loss of the red-list incentives (plan §6(5)): from the
/// first day, on or after its latest red-list event, on which it had a
/// record in force of the severity the catalogue names, or stood on a
/// blacklist ([`crate::catalogue::RedListLoss`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedListLost<'a> {
    /// The red-list entry.
    pub entry: &'a ListEntry,
    /// The first day without the red-list incentives.
    pub on: NaiveDate,
    /// What ended them: a record, or a blacklist entry.
    pub cause: Ground<'a>,
    /// The rule.
    pub basis: Citation,
}

/// An incentive withheld because a sanction the catalogue marks exclusive
/// with it applies (奖惩分明): the sanction stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withheld<'a> {
    /// The incentive withheld.
    pub incentive: &'a Measure,
    /// The sanction that applies.
    pub sanction: &'a Measure,
    /// The catalogue's exclusion and its clauses.
    pub basis: Citation,
}

/// A record whose sanctions are suspended while an objection to it is
/// checked (plan §6(3), under a suspending [`ObjectionPolicy`](crate::objection::ObjectionPolicy)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuspendedRecord<'a> {
    /// The record.
    pub record: &'a MisconductRecord,
    /// The objection under review.
    pub objection: &'a Objection,
    /// The rule that suspends its sanctions: the policy's citation.
    pub basis: Citation,
}

/// The repair window of a record (plan §6(7)): its publication
/// periods under the repair policy in force on the day asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepairWindow<'a> {
    /// The record.
    pub record: &'a MisconductRecord,
    /// Its penalty decision, from which the periods count.
    pub decision: &'a PenaltyDecision,
    /// The periods: the first day an application may be made, the last day
    /// of publication, what bars repair, with the rules behind them; or why
    /// there are none (no policy in force on the day, no periods for the
    /// record's severity, a decision dated before the conduct).
    pub periods: Result<Periods, RepairError>,
    /// The next day after the day asked on which an application becomes
    /// possible under the policy that governs the decision or the one in
    /// force that day, while the record is still published (what
    /// [`Change::RepairWindowOpens`] reports): `None` when none is known,
    /// e.g. the window is already open and stays open. It differs from
    /// [`RepairWindow::earliest_application`] when another policy takes
    /// effect first (DESIGN.md, "Which repair rules govern a record?").
    pub next_opening: Option<NaiveDate>,
}

impl RepairWindow<'_> {
    /// The first day an application for repair may be made; `None` when
    /// repair is barred or there are no periods.
    pub fn earliest_application(&self) -> Option<NaiveDate> {
        self.periods
            .as_ref()
            .ok()
            .filter(|p| p.barred_by.is_none())
            .map(|p| p.earliest_application)
    }

    /// The rule that bars repair, if one does.
    pub fn barred_by(&self) -> Option<&Citation> {
        self.periods.as_ref().ok()?.barred_by.as_ref()
    }
}

/// One applied measure: the measure and its grounds' range in the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Applied<'a> {
    pub(super) measure: &'a Measure,
    pub(super) start: usize,
    pub(super) end: usize,
}

impl<'a> Assessment<'a> {
    /// The list entries the subject stands on that day, with the first
    /// listing event of each: the standing the public view and the daily
    /// sweep show (one function decides it, [`assess`](super::assess())). Listing events of
    /// revoked records do not count; an exemplar that lost the red-list
    /// incentives is not on the red list.
    pub fn lists(&self) -> impl ExactSizeIterator<Item = (&'a ListEntry, NaiveDate)> + '_ {
        self.listed.iter().copied()
    }

    /// The measures that apply, in catalogue order.
    pub fn measures(&self) -> impl ExactSizeIterator<Item = AppliedMeasure<'_, 'a>> + '_ {
        self.applied.iter().map(|a| AppliedMeasure {
            measure: a.measure,
            grounds: self.pool.get(a.start..a.end).unwrap_or_default(),
        })
    }

    /// The applied measure with id `id`.
    pub fn measure(&self, id: &str) -> Option<AppliedMeasure<'_, 'a>> {
        self.measures().find(|m| m.measure.id == id)
    }

    /// Whether the measure with id `id` applies.
    pub fn applies(&self, id: &str) -> bool {
        self.applied.iter().any(|m| m.measure.id == id)
    }

    /// The sanctions that apply.
    pub fn sanctions(&self) -> impl Iterator<Item = AppliedMeasure<'_, 'a>> + '_ {
        self.measures()
            .filter(|m| m.measure.kind == MeasureKind::Sanction)
    }

    /// The incentives that apply.
    pub fn incentives(&self) -> impl Iterator<Item = AppliedMeasure<'_, 'a>> + '_ {
        self.measures()
            .filter(|m| m.measure.kind == MeasureKind::Incentive)
    }

    /// Accept-pending-materials (容缺受理) eligibility: the same rule as the
    /// green channel (plan §4(3)).
    pub fn accept_pending_materials(&self) -> &GreenChannel {
        &self.green_channel
    }

    /// The repair window of each of the subject's own active or corrected
    /// records with a penalty decision, in dossier order, under the repair
    /// policy in force on the day asked ([`Assessment::repair_policy`]).
    /// Records without a decision have none. A window may already be open:
    /// compare [`RepairWindow::earliest_application`] with
    /// [`Assessment::as_of`].
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use social_credit::assess::{assess, Dossier, Rules};
    /// use social_credit::calendar::WeekendCalendar;
    /// use social_credit::misconduct::*;
    /// use social_credit::repair::{PenaltyDecision, PenaltyDomain, PenaltyKind};
    /// use social_credit::subject::{Organization, OrganizationKind, Roster, Subject};
    /// use social_credit::Citation;
    ///
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// let org = Subject::Organization(Organization {
    ///     uscc: "91350100M000100Y43".parse()?,
    ///     name: "新郑市某协会".into(),
    ///     kind: OrganizationKind::SocialAssociation,
    ///     established_on: Some(d(2010, 1, 1)),
    /// });
    /// let record = MisconductRecord {
    ///     id: RecordId(1),
    ///     subject: org.id(),
    ///     conduct: ConductKind::new("fine_under_50000"),
    ///     severity: Severity::General,
    ///     graded_by: Citation::new("abnormal.small_fine", "MCA Order No. 60 (2018) art. 10(5), unconfirmed"),
    ///     section: Section::SocialOrganizations,
    ///     occurred_on: d(2025, 1, 2),
    ///     ended_on: Some(d(2025, 1, 2)),
    ///     recorded_on: d(2025, 1, 10),
    ///     decision: Some(PenaltyDecision::new(
    ///         d(2025, 1, 10),
    ///         PenaltyDomain::Other,
    ///         vec![PenaltyKind::Fine],
    ///     )),
    ///     content: None,
    ///     corrected: None,
    ///     corrected_severity: None,
    ///     history: Vec::new(),
    /// };
    /// let records = [record];
    /// let roster = Roster::default();
    /// let dossier = Dossier {
    ///     subject: &org, records: &records, lists: &[], roster: &roster,
    ///     commitments: &[], objections: &[],
    /// };
    /// let a = assess(&dossier, &Rules::builtin(), &WeekendCalendar, d(2025, 2, 1))?;
    /// let window = a.repair_windows().next().unwrap();
    /// // NDRC Order No. 58: three months from the decision, counted as the Civil Code counts.
    /// assert_eq!(window.earliest_application(), Some(d(2025, 4, 11)));
    /// assert_eq!(window.periods.as_ref().unwrap().last_published_day, d(2028, 1, 10));
    /// assert_eq!(a.next_change.unwrap().on, d(2025, 4, 11));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn repair_windows(&self) -> impl Iterator<Item = RepairWindow<'a>> + '_ {
        let policy = self.repair_policy;
        let as_of = self.as_of;
        let search = RepairSearch::new(self.repair_timeline, as_of);
        let mut probe = self.repair_timeline.publication_probe(as_of);
        self.counted.iter().filter_map(move |c| {
            let record = c.repairable()?;
            let decision = record.decision.as_ref()?;
            let periods = match policy {
                None => Err(RepairError::NoPolicyInForce { on: as_of }),
                Some(_) if decision.decided_on < record.occurred_on => {
                    Err(RepairError::DecisionBeforeConduct {
                        record: record.id,
                        decided_on: decision.decided_on,
                        occurred_on: record.occurred_on,
                    })
                }
                Some(p) => p.periods(c.severity, decision),
            };
            Some(RepairWindow {
                record,
                decision,
                periods,
                next_opening: search
                    .as_ref()
                    .and_then(|s| s.opening(record, c.severity, c.last_published(), &mut probe)),
            })
        })
    }

    /// An owned, serializable summary for a service or a dashboard: ids,
    /// clauses and dates only, with a person's identity number masked
    /// (plan §6(2)) and no record content.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use social_credit::assess::{assess, Dossier, Rules};
    /// use social_credit::calendar::WeekendCalendar;
    /// use social_credit::subject::{Person, Roster, Subject};
    ///
    /// let person = Subject::Person(Person { id: "34052419800101001X".parse()?, name: "张三".into() });
    /// let roster = Roster::default();
    /// let dossier = Dossier { subject: &person, records: &[], lists: &[], roster: &roster, commitments: &[], objections: &[] };
    /// let day = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    /// let summary = assess(&dossier, &Rules::builtin(), &WeekendCalendar, day)?.summary();
    /// assert_eq!(summary.subject, "340524********001X");
    /// assert!(summary.green_channel);
    /// assert!(summary.measures.iter().any(|m| m.id == "incentive.public_service_priority"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn summary(&self) -> AssessmentSummary {
        AssessmentSummary {
            subject: self.subject.id().display_masked(),
            as_of: self.as_of,
            policy: self.policy.id().to_owned(),
            worst_severity: self.worst_severity,
            key_supervision: self.key_supervision.is_some(),
            blacklist_domains: self
                .blacklists
                .iter()
                .map(|b| b.domain.as_str().to_owned())
                .collect(),
            intensified: self.intensified.is_some(),
            red_list_since: self.red_list,
            red_list_lost_on: self.red_list_lost.as_ref().map(|l| l.on),
            withheld: self
                .withheld
                .iter()
                .map(|w| w.incentive.id.clone())
                .collect(),
            measures: self
                .measures()
                .map(|m| MeasureSummary {
                    id: m.measure.id.clone(),
                    source: m.measure.source.clone(),
                    records: m.records().collect(),
                })
                .collect(),
            green_channel: self.green_channel.eligible,
            next_change: self.next_change.as_ref().map(|n| n.on),
            next_change_finality: self
                .next_change
                .as_ref()
                .map_or(Finality::Final, |n| n.finality),
            next_change_kinds: self
                .next_change
                .iter()
                .flat_map(|n| &n.changes)
                .map(|c| {
                    match c {
                        Change::ListExit { .. } => "list_exit",
                        Change::Erasure { .. } => "erasure",
                        Change::GreenChannelOpens => "green_channel_opens",
                        Change::RepairWindowOpens { .. } => "repair_window_opens",
                        Change::PublicationEnds { .. } => "publication_ends",
                    }
                    .to_owned()
                })
                .collect(),
            suspended: self.suspended.iter().map(|s| s.record.id).collect(),
        }
    }
}

/// An owned, serializable summary of an [`Assessment`] ([`Assessment::summary`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentSummary {
    /// The subject's identifier, a person's masked.
    pub subject: String,
    /// The day asked about.
    pub as_of: NaiveDate,
    /// The id of the grading policy in force.
    pub policy: String,
    /// The worst active severity.
    pub worst_severity: Option<Severity>,
    /// Whether it is a key supervision target (plan §5(2)).
    pub key_supervision: bool,
    /// The domains of the blacklists it stands on.
    pub blacklist_domains: Vec<String>,
    /// Whether sanctions are intensified (plan §6(6)).
    pub intensified: bool,
    /// Since when it stands on the red list.
    pub red_list_since: Option<NaiveDate>,
    /// The day an exemplar lost the red-list incentives (plan §6(5)), if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_list_lost_on: Option<NaiveDate>,
    /// The incentives withheld because an exclusive sanction applies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withheld: Vec<String>,
    /// The measures that apply.
    pub measures: Vec<MeasureSummary>,
    /// Green-channel and accept-pending-materials eligibility (plan §4(3)).
    pub green_channel: bool,
    /// The day of the next dated change.
    pub next_change: Option<NaiveDate>,
    /// Whether that day may still move with a holiday notice not yet
    /// published or loaded; absent from JSON when final.
    #[serde(default = "final_day", skip_serializing_if = "is_final")]
    pub next_change_finality: Finality,
    /// What changes that day: `list_exit`, `erasure`, `green_channel_opens`,
    /// `repair_window_opens` or `publication_ends`.
    pub next_change_kinds: Vec<String>,
    /// The records whose sanctions an open objection suspends (only under a
    /// suspending objection policy); absent from JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suspended: Vec<RecordId>,
}

pub(super) fn final_day() -> Finality {
    Finality::Final
}

pub(super) fn is_final(finality: &Finality) -> bool {
    *finality == Finality::Final
}

/// One applied measure in an [`AssessmentSummary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureSummary {
    /// The measure's id in the catalogue.
    pub id: String,
    /// Its source clause.
    pub source: String,
    /// The records behind it.
    pub records: Vec<RecordId>,
}

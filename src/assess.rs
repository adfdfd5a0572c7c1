//! Assessing a subject on a date: how dishonest it stands, which incentives
//! and sanctions apply and why, and what changes next (SPEC §4, §9).
//!
//! [`assess`] is a pure, deterministic function of the subject's dossier
//! (its records, list entries, the persons linked to organizations and its
//! signed commitments), the rules (policy set, catalogue, retention) and a
//! calendar, asked "as of" a day. What it ignores, and why:
//! - records made after the day (`recorded_on` later): not yet known then;
//! - status changes after the day ([`MisconductRecord::status_on`]);
//! - revoked records: an objection found them wrong (plan §6(3)), so they
//!   never count, not even as history;
//! - erased records, and a person's records past their retention period
//!   (plan §6(7)): the rule erases them from the day after the last retained
//!   day, whether or not the erasure sweep has run yet.
//!
//! Repaired records (信用修复) no longer bring sanctions, but they are still
//! adverse records for the green channel's "three years without an adverse
//! record" (SPEC §9).
//!
//! # Responsibility reaches persons (plan §5(6), "落实到人")
//!
//! A severe record of an organization reaches the persons who held a role
//! in it on the day of the conduct (`occurred_on`): assessing such a person
//! counts the organization's record, with the organization's record as the
//! ground. Which roles a measure reaches is the measure's `reaches` list in
//! the catalogue; the person's own severity and key-supervision status count
//! the roles of plan §5(6) ([`RESPONSIBLE_ROLES`]).
//! An organization's list entries do not reach persons; its records do.
//!
//! # Rules in force
//!
//! The grading policy in force on the day asked about (from the
//! [`PolicySet`]) runs the lists: a list exit is judged by the lifecycle in
//! force that day. Records carry the grade they were given when recorded.
//!
//! # Credit repair windows (plan §6(7); SPEC §5)
//!
//! A record with a penalty decision ([`MisconductRecord::decision`]) may be
//! repaired once its minimum publication period has run, counted from the
//! decision. [`Assessment::repair_windows`] gives each of the subject's own
//! active or corrected records with a decision its periods under the repair
//! policy in force on the day asked; [`Change::RepairWindowOpens`] names the
//! day an application first becomes possible, under the policy in force on
//! that day. Time is the only condition the assessment checks: whether the
//! conduct was corrected and its effects removed is for
//! [`RepairTimeline::eligibility`].
//!
//! # Objections (plan §6(3))
//!
//! Under the plan's rule, the [`ObjectionPolicy`] default, an open objection
//! changes nothing: "异议处理期间不影响失信行为的记录、公示与处理". Under a
//! suspending policy, a record under an objection still being checked on the
//! day ([`Objection::under_review_on`]) grounds no sanction: measures grounded
//! only on such records do not apply, and key supervision (itself a sanction,
//! plan §5(2)) is judged without them. The record still counts for
//! [`Assessment::worst_severity`] and as an adverse record for the green
//! channel: it is still recorded and graded. [`Assessment::suspended`] lists
//! the records and the rule.

use std::sync::OnceLock;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::calendar::{CalendarError, Finality, WorkCalendar};
use crate::catalogue::{Catalogue, Measure, MeasureKind, Trigger};
use crate::citation::Citation;
use crate::commitment::{Commitment, CommitmentKind};
use crate::grading::{add_years, sub_years, GradingPolicy, PolicyError, PolicySet};
use crate::lists::{standing_without_lifecycle, Domain, ExitPlan, ListEntry, ListKind, Standing};
use crate::misconduct::{
    MisconductRecord, RecordId, RecordStatus, Section, Severity, StatusChange,
};
use crate::objection::{Objection, ObjectionPolicy};
use crate::repair::{
    PenaltyDecision, Periods, PolicyBits, PublicationProbe, PublicationState, RepairError,
    RepairPolicy, RepairTimeline,
};
use crate::retention::{day_of_month, month_index, RetentionPolicy};
use crate::subject::{Role, Roster, Subject, SubjectId, Uscc};

/// The roles plan §5(6) names: an organization's severe record is also
/// recorded against its legal representative, principal officer and the
/// persons directly responsible.
pub const RESPONSIBLE_ROLES: [Role; 3] = [
    Role::LegalRepresentative,
    Role::PrincipalOfficer,
    Role::DirectlyResponsible,
];

/// The years without an adverse record that open the green channel (plan §4(3)).
pub const GREEN_CHANNEL_YEARS: u32 = 3;

/// Everything known about one subject.
#[derive(Debug, Clone, Copy)]
pub struct Dossier<'a> {
    /// The subject assessed.
    pub subject: &'a Subject,
    /// Its records and, for a person, the records of the organizations it
    /// held roles in; records of other subjects are ignored.
    pub records: &'a [MisconductRecord],
    /// List entries; those of other subjects are ignored.
    pub lists: &'a [ListEntry],
    /// Who held which role in which organization, and when.
    pub roster: &'a Roster,
    /// Signed commitments; only the subject's credit commitments
    /// (综合/专项信用承诺, plan §4(1)) signed by the day count.
    pub commitments: &'a [Commitment],
    /// Objections to records (plan §6(3)). Only an objection by the subject
    /// of a record counted in the assessment, to that record, is looked at,
    /// and only under a suspending [`ObjectionPolicy`]; others are ignored.
    pub objections: &'a [Objection],
}

/// The rules an assessment applies.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    /// The grading policies by effective day; the one in force on the day
    /// asked about runs the lists.
    pub policies: &'a PolicySet,
    /// The catalogue of measures.
    pub catalogue: &'a Catalogue,
    /// The personal retention period (plan §6(7)).
    pub retention: &'a RetentionPolicy,
    /// The credit repair policies by the days they are in force (plan
    /// §6(7); SPEC §5).
    pub repair: &'a RepairTimeline,
    /// Whether an open objection suspends sanctions (plan §6(3)).
    pub objections: &'a ObjectionPolicy,
}

impl Rules<'static> {
    /// The built-in rules: the civil-affairs preset, the Xinzheng 2019
    /// catalogue, the plan's five-year retention, the national repair
    /// policies ([`RepairTimeline::default`]) and the plan's objection rule
    /// (an open objection suspends nothing, [`ObjectionPolicy::default`]).
    pub fn builtin() -> Self {
        static RETENTION: OnceLock<RetentionPolicy> = OnceLock::new();
        static REPAIR: OnceLock<RepairTimeline> = OnceLock::new();
        static OBJECTIONS: OnceLock<ObjectionPolicy> = OnceLock::new();
        Self {
            policies: PolicySet::builtin(),
            catalogue: Catalogue::xinzheng_2019(),
            retention: RETENTION.get_or_init(RetentionPolicy::default),
            repair: REPAIR.get_or_init(RepairTimeline::default),
            objections: OBJECTIONS.get_or_init(ObjectionPolicy::default),
        }
    }
}

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

/// Green channel and accept-pending-materials eligibility (plan §4(3); SPEC §9).
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
    /// (plan §6(7); [`RetentionPolicy::last_retained_day`]).
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
    /// repair (plan §6(7); SPEC §5). Other conditions (conduct corrected,
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

/// The answer of [`assess`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment<'a> {
    /// Who was assessed.
    pub subject: &'a Subject,
    /// The day asked about.
    pub as_of: NaiveDate,
    /// The grading policy in force that day.
    pub policy: &'a GradingPolicy,
    /// The worst active severity: of active and corrected records (own, or
    /// reaching a person through a role of [`RESPONSIBLE_ROLES`]), and of the
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
    listed: Vec<(&'a ListEntry, NaiveDate)>,
    /// The measures that apply, in catalogue order, as ranges of `pool`.
    applied: Vec<Applied<'a>>,
    /// The grounds of the applied measures; measures of one catalogue group
    /// share a range.
    pool: Vec<Ground<'a>>,
    /// Green-channel eligibility; the same answer serves accept-pending-materials.
    pub green_channel: GreenChannel,
    /// The next dated change, if any is known.
    pub next_change: Option<NextChange<'a>>,
    /// The records whose sanctions an open objection suspends on the day
    /// (only under a suspending [`ObjectionPolicy`]; empty under the plan's).
    pub suspended: Vec<SuspendedRecord<'a>>,
    /// The repair policy in force on the day, if any.
    pub repair_policy: Option<&'a RepairPolicy>,
    /// The records that count on the day (the repairable ones are picked
    /// from them, see [`Counted::repairable`]).
    counted: Vec<Counted<'a>>,
    /// The repair policies, for the windows.
    repair_timeline: &'a RepairTimeline,
}

/// A record whose sanctions are suspended while an objection to it is
/// checked (plan §6(3), under a suspending [`ObjectionPolicy`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuspendedRecord<'a> {
    /// The record.
    pub record: &'a MisconductRecord,
    /// The objection under review.
    pub objection: &'a Objection,
    /// The rule that suspends its sanctions: the policy's citation.
    pub basis: Citation,
}

/// The repair window of a record (plan §6(7); SPEC §5): its publication
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
struct Applied<'a> {
    measure: &'a Measure,
    start: usize,
    end: usize,
}

impl<'a> Assessment<'a> {
    /// The list entries the subject stands on that day, with the first
    /// listing event of each: the standing the public view and the daily
    /// sweep show (one function decides it, [`assess`]). Listing events of
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
        let mut probe = PublicationProbe::new(self.repair_timeline, as_of);
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

fn final_day() -> Finality {
    Finality::Final
}

fn is_final(finality: &Finality) -> bool {
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

/// An assessment that cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AssessError {
    /// No policy in force on the day.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// A working-day count left the calendar's coverage.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// The record is not in the dossier.
    #[error("record `{record}` is not in the dossier")]
    UnknownRecord {
        /// The record.
        record: RecordId,
    },
    /// The record was never revoked or corrected, so there is nothing to
    /// restore.
    #[error("record `{record}` has not been revoked or corrected")]
    NotRevoked {
        /// The record.
        record: RecordId,
    },
}

/// Whether `id` identifies `subject` (without building its id).
fn is(id: &SubjectId, subject: &Subject) -> bool {
    match (id, subject) {
        (SubjectId::Organization(u), Subject::Organization(o)) => u == &o.uscc,
        (SubjectId::Person(r), Subject::Person(p)) => r == &p.id,
        _ => false,
    }
}

/// A role set as bits, to test "held any of the measure's roles" cheaply.
fn role_bit(role: Role) -> u8 {
    match role {
        Role::LegalRepresentative => 1,
        Role::PrincipalOfficer => 2,
        Role::SeniorManager => 4,
        Role::DirectlyResponsible => 8,
        Role::RegisteredPractitioner => 16,
    }
}

fn role_mask(roles: &[Role]) -> u8 {
    roles.iter().fold(0, |m, &r| m | role_bit(r))
}

/// A record that counts on the day, with how it reaches the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counted<'a> {
    record: &'a MisconductRecord,
    status: RecordStatus,
    /// The severity it is graded by on the day: the corrected one from the
    /// day of a correction that regraded it (plan §6(3);
    /// [`MisconductRecord::severity_on`]).
    severity: Severity,
    /// For an organization's record reaching a person: the roles held in
    /// the organization (the record's subject) on the day of the conduct,
    /// as bits ([`role_bit`]).
    via: Option<u8>,
    /// The first day its publication ends (plan §6(7): 有限期惩戒;
    /// [`RepairTimeline::publication_end`]) when that is after the day asked
    /// (a record with a penalty decision that a policy ends); `None`
    /// otherwise.
    ends: Option<NaiveDate>,
    /// Whether it is still published on the day: its publication has not
    /// ended.
    published: bool,
}

impl<'a> Counted<'a> {
    /// In force and published: it grounds sanctions and counts for the
    /// severity. A record whose publication has ended grounds nothing more
    /// (plan §6(7); 527, NDRC Order No. 36), though it stays an adverse
    /// record for the green channel, like a repaired one.
    fn active(&self) -> bool {
        self.published && matches!(self.status, RecordStatus::Active | RecordStatus::Corrected)
    }

    /// The record, when a repair can be applied for it (plan §6(7)): the
    /// subject's own, in force, with a penalty decision.
    fn repairable(&self) -> Option<&'a MisconductRecord> {
        (self.via.is_none() && self.active() && self.record.decision.is_some())
            .then_some(self.record)
    }

    /// The last day it is published: a repair window opening later opens
    /// on nothing (its publication, and its sanctions, have ended).
    fn last_published(&self) -> NaiveDate {
        self.ends
            .and_then(|e| e.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }
}

/// The view of `entry` in `views` (without its void events), or the entry
/// itself when it has none there.
fn view_of<'v>(
    views: &'v [(&ListEntry, Option<ListEntry>)],
    entry: &'v ListEntry,
) -> &'v ListEntry {
    views
        .iter()
        .find(|(e, _)| std::ptr::eq(*e, entry))
        .and_then(|(_, v)| v.as_ref())
        .unwrap_or(entry)
}

/// The subject's list entries, each with its view without void listing
/// events where it has any ([`without_void_events`]).
/// The records that count on `as_of` for telling void listing events (see
/// [`without_void_events`]): every record made by then and not revoked,
/// sorted by id, each with the highest list severity it can ground: a record
/// corrected below its graded severity grounds a listing only up to its
/// corrected severity (plan §6(3)); any other, every list.
pub(crate) fn counting_records(
    records: &[MisconductRecord],
    as_of: NaiveDate,
) -> Vec<(RecordId, Severity)> {
    let mut ids: Vec<(RecordId, Severity)> = records
        .iter()
        .filter(|r| {
            r.status_on(as_of)
                .is_some_and(|s| s != RecordStatus::Revoked)
        })
        .map(|r| {
            let on = r.severity_on(as_of);
            (
                r.id,
                if on < r.severity {
                    on
                } else {
                    Severity::Severe
                },
            )
        })
        .collect();
    ids.sort_unstable_by_key(|(id, _)| *id);
    ids
}

fn valid_views<'a>(
    dossier: &Dossier<'a>,
    subject: &Subject,
    as_of: NaiveDate,
) -> Vec<(&'a ListEntry, Option<ListEntry>)> {
    // The records that count on the day, for telling void listing events;
    // computed only when some listing event names records.
    let mut counting: Option<Vec<(RecordId, Severity)>> = None;
    dossier
        .lists
        .iter()
        .filter(|e| is(&e.subject, subject))
        .map(|entry| {
            let valid = if entry.events.iter().any(|e| !e.records.is_empty()) {
                let counting =
                    counting.get_or_insert_with(|| counting_records(dossier.records, as_of));
                without_void_events(entry, counting)
            } else {
                None
            };
            (entry, valid)
        })
        .collect()
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

/// When, if at all, the red-list entry `entry`, whose latest event is on
/// `since`, lost its incentives by `as_of`.
#[expect(
    clippy::too_many_arguments,
    reason = "the pieces of one assessment, computed once"
)]
fn red_list_loss<'a>(
    entry: &'a ListEntry,
    since: NaiveDate,
    counted: &[Counted<'a>],
    views: &[(&'a ListEntry, Option<ListEntry>)],
    lifecycle: Option<&crate::lists::ListLifecycle>,
    blocking: Option<NaiveDate>,
    catalogue: &Catalogue,
    calendar: &(impl WorkCalendar + ?Sized),
    as_of: NaiveDate,
) -> Result<Option<RedListLost<'a>>, CalendarError> {
    let rule = catalogue.red_list_loss();
    let mut best: Option<(NaiveDate, Ground<'a>)> = None;
    let mut consider = |on: NaiveDate, ground: Ground<'a>| {
        if best.as_ref().is_none_or(|(b, _)| on < *b) {
            best = Some((on, ground));
        }
    };
    if let Some(threshold) = rule.severity_at_least {
        let responsible = role_mask(&RESPONSIBLE_ROLES);
        for c in counted.iter().filter(|c| c.record.severity >= threshold) {
            let Some(ground) = ground_of(c, responsible, &RESPONSIBLE_ROLES) else {
                continue;
            };
            let on = since.max(c.record.recorded_on);
            if on <= as_of
                && matches!(
                    c.record.status_on(on),
                    Some(RecordStatus::Active | RecordStatus::Corrected)
                )
            {
                consider(on, ground);
            }
        }
    }
    if rule.any_blacklist {
        for (e, valid) in views.iter().filter(|(e, _)| e.list.domain().is_some()) {
            let view = valid.as_ref().unwrap_or(e);
            // The days its standing can change to listed: `since` and
            // every later event up to the day asked.
            let days = std::iter::once(since).chain(
                view.events
                    .iter()
                    .map(|ev| ev.on)
                    .filter(|&on| on > since && on <= as_of),
            );
            for on in days {
                let standing = match lifecycle {
                    Some(lc) => lc.standing_and_plan(view, blocking, on, calendar)?.0,
                    None => standing_without_lifecycle(view, on),
                };
                if matches!(standing, Standing::Listed { .. }) {
                    consider(on, Ground::Listed(e));
                    break;
                }
            }
        }
    }
    Ok(best.map(|(on, cause)| RedListLost {
        entry,
        on,
        cause,
        basis: Citation::owned("assess.red_list_lost", rule.source.clone()),
    }))
}

/// The entry without its void listing events, when it has any: events
/// whose records (if it names any) are all revoked on `as_of`, absent from
/// the dossier, or corrected to a severity below the one the list means
/// (plan §6(3): a record found wrong never counted, nor did the listing it
/// caused; a record regraded below a blacklist's 严重 no longer grounds the
/// listing). `counting` holds the ids of the records that count on `as_of`,
/// sorted, each with the highest list severity it can still ground.
pub(crate) fn without_void_events(
    entry: &ListEntry,
    counting: &[(RecordId, Severity)],
) -> Option<ListEntry> {
    let needed = entry.list.implied_severity().unwrap_or(Severity::Minor);
    let void = |e: &crate::lists::ListingEvent| {
        !e.records.is_empty()
            && !e.records.iter().any(|id| {
                counting
                    .binary_search_by_key(id, |(r, _)| *r)
                    .ok()
                    .and_then(|i| counting.get(i))
                    .is_some_and(|(_, grounds)| *grounds >= needed)
            })
    };
    if !entry.events.iter().any(void) {
        return None;
    }
    let mut valid = entry.clone();
    valid.events.retain(|e| !void(e));
    Some(valid)
}

/// Assesses the subject of `dossier` as of the end of `as_of`.
///
/// Pure and deterministic: the same inputs always give the same answer,
/// and nothing after `as_of` is taken into account (see the module docs).
///
/// # Errors
///
/// [`AssessError::Policy`] when no grading policy is in force on `as_of`;
/// [`AssessError::Calendar`] when a working-day count needed for a list
/// exit leaves the calendar's coverage.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::assess::{assess, Dossier, Rules};
/// use social_credit::misconduct::*;
/// use social_credit::subject::{Organization, OrganizationKind, Roster, Subject};
/// use social_credit::Citation;
/// use social_credit::calendar::WeekendCalendar;
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
///     conduct: ConductKind::new("suspension_of_activities"),
///     severity: Severity::Severe,
///     graded_by: Citation::new("serious.suspension", "MCA Order No. 60 (2018) art. 14(3), unconfirmed"),
///     section: Section::SocialOrganizations,
///     occurred_on: d(2019, 8, 1),
///     ended_on: Some(d(2019, 8, 1)),
///     recorded_on: d(2019, 8, 5),
///     decision: None,
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
/// let a = assess(&dossier, &Rules::builtin(), &WeekendCalendar, d(2019, 9, 1))?;
/// assert_eq!(a.worst_severity, Some(Severity::Severe));
/// assert!(a.key_supervision.is_some());
/// assert!(a.applies("sanction.no_fiscal_funding"));
/// assert!(!a.green_channel.eligible);
///
/// // As of a day before the record was made, nothing applied.
/// let before = assess(&dossier, &Rules::builtin(), &WeekendCalendar, d(2019, 8, 4))?;
/// assert_eq!(before.worst_severity, None);
/// assert!(before.green_channel.eligible);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn assess<'a>(
    dossier: &Dossier<'a>,
    rules: &Rules<'a>,
    calendar: &(impl WorkCalendar + ?Sized),
    as_of: NaiveDate,
) -> Result<Assessment<'a>, AssessError> {
    let policy = rules.policies.in_force(as_of)?;
    let subject = dossier.subject;
    let person = match subject {
        Subject::Person(p) => Some(&p.id),
        Subject::Organization(_) => None,
    };

    // The records that count on the day.
    let mut publication = PublicationProbe::new(rules.repair, as_of);
    let mut counted: Vec<Counted<'a>> = Vec::with_capacity(dossier.records.len());
    // Those in force and published, in dossier order: the only ones that
    // ground sanctions and count for the severity. The passes over the
    // measures' triggers look at these alone.
    let mut live: Vec<Counted<'a>> = Vec::with_capacity(dossier.records.len());
    for record in dossier.records {
        let Some(status) = record.status_on(as_of) else {
            continue; // recorded after the day
        };
        if matches!(status, RecordStatus::Revoked | RecordStatus::Erased) {
            continue;
        }
        let severity = record.severity_on(as_of);
        let via = if is(&record.subject, subject) {
            None
        } else {
            match (person, &record.subject) {
                (Some(p), SubjectId::Organization(org)) if severity == Severity::Severe => {
                    let mask = dossier
                        .roster
                        .links()
                        .iter()
                        .filter(|l| {
                            &l.person == p
                                && &l.organization == org
                                && l.held_on(record.occurred_on)
                        })
                        .fold(0, |m, l| m | role_bit(l.role));
                    if mask == 0 {
                        continue;
                    }
                    Some(mask)
                }
                _ => continue,
            }
        };
        if person.is_some() {
            if let Some(ended) = record.ended_on {
                if rules.retention.last_retained_day(ended) < as_of {
                    continue; // erased by plan §6(7) from the next day on
                }
            }
        }
        // plan §6(7), 有限期惩戒: the record is published, and grounds
        // sanctions, until the end its governing repair rules set.
        let state = match &record.decision {
            Some(decision) if matches!(status, RecordStatus::Active | RecordStatus::Corrected) => {
                publication.state(severity, decision)
            }
            _ => PublicationState::Never,
        };
        let c = Counted {
            record,
            status,
            severity,
            via,
            ends: match state {
                PublicationState::Ends(on) => Some(on),
                PublicationState::Never | PublicationState::Ended => None,
            },
            published: state != PublicationState::Ended,
        };
        counted.push(c);
        if c.active() {
            live.push(c);
        }
    }

    // plan §6(3): under the plan's rule an open objection changes nothing;
    // under a suspending policy, a record under review grounds no sanction.
    let suspended = suspensions(&live, dossier.objections, rules.objections, as_of);
    let unsuspended: Vec<Counted<'a>>;
    let unsuspended_live: Vec<Counted<'a>>;
    let (sanctionable, sanctionable_live): (&[Counted<'a>], &[Counted<'a>]) =
        if suspended.is_empty() {
            (&counted, &live)
        } else {
            let unsuspended_of = |records: &[Counted<'a>]| -> Vec<Counted<'a>> {
                records
                    .iter()
                    .filter(|c| !suspended.iter().any(|s| std::ptr::eq(s.record, c.record)))
                    .copied()
                    .collect()
            };
            unsuspended = unsuspended_of(&counted);
            unsuspended_live = unsuspended_of(&live);
            (&unsuspended, &unsuspended_live)
        };

    // The lists the subject stands on: the one place list standing is
    // decided (the public view and the sweep read it from here).
    let lifecycle = policy.lifecycle();
    let mut listed: Vec<(&'a ListEntry, NaiveDate)> = Vec::new();
    let mut exits: Vec<(&'a ListEntry, ExitPlan)> = Vec::new();
    let mut red_list_lost: Option<RedListLost<'a>> = None;
    if dossier.lists.iter().any(|e| is(&e.subject, subject)) {
        // Listing events caused only by records that do not count (revoked
        // on an objection, or left out of the dossier) never happened: the
        // standing is computed without them, the ground stays the entry.
        // The latest event on the abnormal or serious list: it restarts the
        // serious list's two years (MCA Order No. 60 (2018) art. 16,
        // unconfirmed). Views without void events are made only where some
        // listing event names records (most name none): no allocation
        // otherwise.
        let restarts = |list: &ListKind| match (lifecycle, list) {
            (Some(lc), ListKind::ActivityAbnormal) => {
                lc.abnormal_list == ListKind::ActivityAbnormal
            }
            (Some(lc), ListKind::BlackList { .. }) => *list == lc.serious_list,
            _ => false,
        };
        let mut needs_views = false;
        let mut blocking: Option<NaiveDate> = None;
        for entry in dossier.lists.iter().filter(|e| is(&e.subject, subject)) {
            needs_views |= entry.events.iter().any(|ev| !ev.records.is_empty());
            if restarts(&entry.list) {
                blocking = blocking.max(entry.clock_start(as_of));
            }
        }
        let views = if needs_views {
            let views = valid_views(dossier, subject, as_of);
            blocking = views
                .iter()
                .filter(|(e, _)| restarts(&e.list))
                .filter_map(|(e, v)| v.as_ref().unwrap_or(e).clock_start(as_of))
                .max();
            views
        } else {
            Vec::new()
        };
        for entry in dossier.lists.iter().filter(|e| is(&e.subject, subject)) {
            let view = view_of(&views, entry);
            if view.events.is_empty() {
                continue;
            }
            let (standing, plan) = match lifecycle {
                Some(lc) => lc.standing_and_plan(view, blocking, as_of, calendar)?,
                None => (standing_without_lifecycle(view, as_of), None),
            };
            if let Standing::Listed { since, .. } = standing {
                listed.push((entry, since));
                if let Some(plan) = plan {
                    exits.push((entry, plan));
                }
            }
        }
        // plan §6(5): an exemplar with a record of the severity the
        // catalogue names, or on a blacklist, loses the red-list incentives.
        if let Some(at) = listed.iter().position(|(e, _)| e.list == ListKind::RedList) {
            if let Some((entry, _)) = listed.get(at).copied() {
                // Rare: every entry's view, for the blacklists' past standing.
                let views = valid_views(dossier, subject, as_of);
                let view = view_of(&views, entry);
                red_list_lost = red_list_loss(
                    entry,
                    view.clock_start(as_of).unwrap_or(as_of),
                    &counted,
                    &views,
                    lifecycle,
                    blocking,
                    rules.catalogue,
                    calendar,
                    as_of,
                )?;
                if red_list_lost.is_some() {
                    listed.retain(|(e, _)| e.list != ListKind::RedList);
                    exits.retain(|(e, _)| e.list != ListKind::RedList);
                }
            }
        }
    }

    // Worst severity and its grounds.
    let responsible = role_mask(&RESPONSIBLE_ROLES);
    let reaches_person = |c: &Counted<'_>, mask: u8| c.via.is_none_or(|held| held & mask != 0);
    let worst_severity = live
        .iter()
        .filter(|c| reaches_person(c, responsible))
        .map(|c| c.severity)
        .chain(listed.iter().filter_map(|(e, _)| e.list.implied_severity()))
        .max();
    let severity_grounds: Vec<Ground<'a>> = match worst_severity {
        None => Vec::new(),
        Some(worst) => {
            let mut grounds = Vec::with_capacity(live.len() + listed.len());
            grounds.extend(
                live.iter()
                    .filter(|c| c.severity == worst)
                    .filter_map(|c| ground_of(c, responsible, &RESPONSIBLE_ROLES)),
            );
            grounds.extend(
                listed
                    .iter()
                    .filter(|(e, _)| e.list.implied_severity() == Some(worst))
                    .map(|(e, _)| Ground::Listed(e)),
            );
            grounds
        }
    };

    // Key supervision is a sanction (plan §5(2)): a suspended record still
    // counts for the severity, not for key supervision.
    let severe_unsuspended = worst_severity == Some(Severity::Severe)
        && (suspended.is_empty()
            || sanctionable_live
                .iter()
                .filter(|c| reaches_person(c, responsible))
                .map(|c| c.severity)
                .chain(listed.iter().filter_map(|(e, _)| e.list.implied_severity()))
                .max()
                == Some(Severity::Severe));
    let key_supervision =
        severe_unsuspended.then(|| Citation::new("assess.key_supervision", "plan §5(2)"));

    let mut blacklists: Vec<BlacklistStanding<'a>> = listed
        .iter()
        .filter_map(|(e, since)| {
            e.list.domain().map(|domain| BlacklistStanding {
                domain,
                since: *since,
            })
        })
        .collect();
    blacklists.sort_by(|a, b| a.domain.cmp(b.domain).then(a.since.cmp(&b.since)));
    blacklists.dedup_by(|b, a| a.domain == b.domain);
    let intensified = (person.is_none() && blacklists.len() >= 2)
        .then(|| Citation::new("assess.intensified_sanctions", "plan §6(6)"));

    let red_entry = listed
        .iter()
        .filter(|(e, _)| e.list == ListKind::RedList)
        .min_by_key(|(_, since)| *since)
        .copied();
    let red_list = red_entry.map(|(_, since)| since);

    let existed_since = dossier.subject.existed_since();
    let green_channel = green_channel(
        &counted,
        &listed,
        red_entry,
        existed_since,
        as_of,
        GREEN_CHANNEL_YEARS,
    );

    // The measures, in catalogue order; grounds computed once per group of
    // measures with the same trigger and reach, and shared. For an
    // organization, measures that differ only in the persons they reach
    // apply on the same grounds.
    let audience = rules.catalogue.audience(person.is_some());
    let measures = rules.catalogue.measures();
    // With suspended records a group's sanctions and incentives see
    // different records: each group has a range of `pool` for its
    // incentives and one for its sanctions, the same one unless split.
    let split = !suspended.is_empty();
    type Ranges = ((usize, usize), (usize, usize));
    let mut on_stack: [Ranges; 32] = [((0, 0), (0, 0)); 32];
    let mut on_heap: Vec<Ranges> = Vec::new();
    let ranges: &mut [Ranges] = match on_stack.get_mut(..audience.groups.len()) {
        Some(ranges) => ranges,
        None => {
            on_heap.resize(audience.groups.len(), ((0, 0), (0, 0)));
            &mut on_heap
        }
    };
    // Room for the usual case (a record grounds two or three groups, a list
    // entry up to four) in one allocation small enough for the allocator's
    // fast path; a heavier dossier grows it.
    let mut pool: Vec<Ground<'a>> = Vec::with_capacity(counted.len() * 2 + listed.len() * 4 + 8);
    for (group, range) in audience.groups.iter().zip(ranges.iter_mut()) {
        let Some(first) = measures.get(group.first) else {
            continue; // INVARIANT: a group's first measure is in the catalogue
        };
        let mut grounds = |records: &[Counted<'a>], live: &[Counted<'a>]| {
            let start = pool.len();
            trigger_grounds(
                first,
                records,
                live,
                &listed,
                red_entry,
                &green_channel,
                dossier.commitments,
                subject,
                as_of,
                existed_since,
                &mut pool,
            );
            (start, pool.len())
        };
        // On every counted record, suspended or not: the incentives' grounds,
        // and whether a sanction would apply but for a suspension (an
        // incentive exclusive with it stays withheld: suspension relieves
        // punishment, it does not earn rewards).
        let incentives = grounds(&counted, &live);
        let sanctions = if !group.has_sanction {
            (0, 0)
        } else if split {
            grounds(sanctionable, sanctionable_live)
        } else {
            incentives
        };
        *range = (incentives, sanctions);
    }
    let mut applied = Vec::with_capacity(audience.measures.len());
    for &(index, group) in &audience.measures {
        let (Some(measure), Some(&(incentives, sanctions))) =
            (measures.get(index), ranges.get(group))
        else {
            continue; // INVARIANT: the audience indexes the catalogue and its groups
        };
        let (start, end) = match measure.kind {
            MeasureKind::Sanction => sanctions,
            MeasureKind::Incentive => incentives,
        };
        if end > start {
            applied.push(Applied {
                measure,
                start,
                end,
            });
        }
    }

    // 奖惩分明: an incentive the catalogue marks exclusive with an applied
    // sanction is withheld; the sanction stands.
    let mut withheld: Vec<Withheld<'a>> = Vec::new();
    let pairs = rules.catalogue.exclusive_pairs();
    let any_incentive = || {
        audience
            .groups
            .iter()
            .zip(ranges.iter())
            .any(|(g, ((start, end), _))| g.has_incentive && end > start)
    };
    if !pairs.is_empty() && any_incentive() {
        let applies_at = |index: usize| {
            measures
                .get(index)
                .is_some_and(|m| applied.iter().any(|a| std::ptr::eq(a.measure, m)))
        };
        // A sanction that applies, or would but for a suspended record.
        let sanctioned_at = |index: usize| {
            audience
                .measures
                .iter()
                .find(|(i, _)| *i == index)
                .and_then(|(_, group)| ranges.get(*group))
                .is_some_and(|((start, end), _)| end > start)
        };
        for &(incentive, sanction, exclusion) in pairs {
            if let (true, true, Some(i), Some(s), Some(x)) = (
                applies_at(incentive),
                sanctioned_at(sanction),
                measures.get(incentive),
                measures.get(sanction),
                rules.catalogue.exclusions().get(exclusion),
            ) {
                if !withheld.iter().any(|w| std::ptr::eq(w.incentive, i)) {
                    withheld.push(Withheld {
                        incentive: i,
                        sanction: s,
                        basis: Citation::owned(
                            format!("catalogue.exclusive.{}", x.incentive),
                            x.source.clone(),
                        ),
                    });
                }
            }
        }
        applied.retain(|a| {
            !withheld
                .iter()
                .any(|w| std::ptr::eq(w.incentive, a.measure))
        });
    }

    let mut next_change = next_change(
        &counted,
        &live,
        &exits,
        &green_channel,
        person.is_some(),
        rules,
        as_of,
        &mut publication,
    );
    if let Some(n) = next_change.as_mut() {
        // A list exit counted in working days (after the fulfilment was
        // verified) is as final as the days it runs over.
        let counted_in_working_days = exits.iter().any(|(_, plan)| {
            plan.path == crate::lists::ExitPath::AbnormalAfterFulfilment
                && plan.time_only_exit() == Some(n.on)
        });
        if counted_in_working_days {
            n.finality = match plan_start(&exits, n.on) {
                Some(from) => calendar
                    .finality_between(from, n.on)
                    .unwrap_or(Finality::Projected),
                None => Finality::Final,
            };
        }
    }

    Ok(Assessment {
        subject,
        as_of,
        policy,
        worst_severity,
        severity_grounds,
        key_supervision,
        blacklists,
        intensified,
        red_list,
        red_list_lost,
        withheld,
        listed,
        applied,
        pool,
        green_channel,
        next_change,
        suspended,
        repair_policy: rules.repair.in_force_on(as_of),
        counted,
        repair_timeline: rules.repair,
    })
}

/// The verification day a working-day list exit on `on` is counted from.
fn plan_start(exits: &[(&ListEntry, crate::lists::ExitPlan)], on: NaiveDate) -> Option<NaiveDate> {
    exits
        .iter()
        .filter(|(_, plan)| plan.time_only_exit() == Some(on))
        .find_map(|(_, plan)| plan.verified_on)
}

/// The records of `live` (the counted records in force and published)
/// whose sanctions an objection under review on `as_of` suspends under
/// `policy` (plan §6(3)): a repaired record grounds no sanction to suspend,
/// and only an objection by the record's own subject counts.
fn suspensions<'a>(
    live: &[Counted<'a>],
    objections: &'a [Objection],
    policy: &ObjectionPolicy,
    as_of: NaiveDate,
) -> Vec<SuspendedRecord<'a>> {
    if !policy.suspend_sanctions_while_open || objections.is_empty() {
        return Vec::new();
    }
    live.iter()
        .filter_map(|c| {
            let objection = objections.iter().find(|o| {
                o.subject() == &c.record.subject
                    && policy.suspends_sanctions(o, c.record.id, as_of).suspended
            })?;
            Some(SuspendedRecord {
                record: c.record,
                objection,
                basis: policy.basis.clone(),
            })
        })
        .collect()
}

/// The search for repair-window openings after one day, with what does
/// not depend on the record worked out once.
struct RepairSearch<'r> {
    tomorrow: NaiveDate,
    /// The policies, as bits, in timeline order.
    bits: &'r [PolicyBits],
    /// The index of the first policy still in force after `as_of`.
    first_ahead: usize,
    /// The policy in force on `as_of` (its index), and the day before which
    /// a decision has surely run the longest minimum period of any of its
    /// tiers and rules by `as_of` ([`surely_run_before`]).
    current: Option<(usize, NaiveDate)>,
}

impl<'r> RepairSearch<'r> {
    /// `None` on the last day chrono can represent: nothing comes after it.
    fn new(timeline: &'r RepairTimeline, as_of: NaiveDate) -> Option<Self> {
        let bits = timeline.bits();
        let first_ahead = bits
            .iter()
            .position(|p| p.until.is_none_or(|u| u >= as_of))
            .unwrap_or(bits.len());
        Some(Self {
            tomorrow: as_of.succ_opt()?,
            bits,
            first_ahead,
            current: bits
                .iter()
                .position(|p| p.is_in_force(as_of))
                .and_then(|i| {
                    let p = bits.get(i)?;
                    Some((i, surely_run_before(p.longest_minimum_months, as_of)))
                }),
        })
    }

    /// The first day after `as_of` on which an application to repair
    /// `record` becomes possible, and was not possible the day before; `None`
    /// when no such day is known.
    ///
    /// An application is possible on a day when the minimum publication
    /// period has run, and repair is not barred, under the policy that
    /// governs the decision (in force on its day; possible from then on, for
    /// good) or under the policy in force that day (possible while it lasts):
    /// [`RepairTimeline::eligibility`]'s rule, time alone. So the days on
    /// which it is possible are a union of at most one interval per policy,
    /// and an opening is the start of one that the day before is in none of.
    ///
    /// Only days up to `not_after` are looked for: a later opening is not
    /// the next change, so the policies that come into force after it are
    /// not asked.
    fn opening<'d>(
        &self,
        record: &'d MisconductRecord,
        severity: Severity,
        not_after: NaiveDate,
        probe: &mut PublicationProbe<'_, 'd>,
    ) -> Option<NaiveDate> {
        let decision = record.decision.as_ref()?;
        let decided_on = decision.decided_on;
        if decided_on < record.occurred_on {
            return None; // cannot be judged (RepairError::DecisionBeforeConduct)
        }
        let as_of = self.tomorrow.pred_opt()?;
        // The first day the minimum period has run under policy `i`, `None`
        // when it bars repair or has no periods for the record. A decision
        // the policy in force on `as_of` has surely seen run its longest
        // minimum needs no date work: any day up to `as_of` will do.
        let mut earliest = |i: usize, policy: &PolicyBits| {
            let limits = probe.limits(i, severity, decision).filter(|l| !l.barred)?;
            match self.current {
                Some((current, run_before)) if current == i && decided_on < run_before => {
                    Some(policy.from.min(as_of))
                }
                _ => Some(limits.earliest_application(decided_on)),
            }
        };
        // INVARIANT: at most one interval per policy, and one for the
        // governing policy's lasting right; the timeline is short.
        let mut intervals: [(NaiveDate, NaiveDate); 8] = [(NaiveDate::MAX, NaiveDate::MIN); 8];
        let mut n = 0;
        let governing = self.bits.iter().position(|p| p.is_in_force(decided_on));
        if let Some(e) = governing.and_then(|g| earliest(g, self.bits.get(g)?)) {
            if e <= as_of {
                return None; // possible from then on, for good: nothing opens
            }
            if let Some(slot) = intervals.get_mut(n) {
                *slot = (e, NaiveDate::MAX);
                n += 1;
            }
        }
        for (i, policy) in self.bits.iter().enumerate().skip(self.first_ahead) {
            if policy.from > not_after {
                break; // its days are all after `not_after`
            }
            if policy.until.is_some_and(|u| u < decided_on) || governing == Some(i) {
                continue; // over before the decision, or covered by the lasting right
            }
            let Some(e) = earliest(i, policy) else {
                continue;
            };
            let from = e.max(policy.from);
            let until = policy.until.unwrap_or(NaiveDate::MAX);
            if from <= until {
                if let Some(slot) = intervals.get_mut(n) {
                    *slot = (from, until);
                    n += 1;
                }
            }
        }
        let intervals = intervals.get(..n).unwrap_or_default();
        let mut opening: Option<NaiveDate> = None;
        for &(start, _) in intervals {
            if start <= as_of || start > not_after || opening.is_some_and(|o| o <= start) {
                continue;
            }
            let before = start.pred_opt()?;
            if !intervals.iter().any(|&(a, b)| a <= before && before <= b) {
                opening = Some(start);
            }
        }
        opening
    }
}

/// The day before which a decision has surely run a minimum period of
/// `months` months by `on`, judged on whole months alone: the period ends
/// at the latest on the last day of the month `months` after the decision's,
/// so a decision in a month before the month `months` before `on`'s has run
/// it. That month's first day; [`NaiveDate::MIN`] (nothing is before it)
/// when it is before the calendar.
fn surely_run_before(months: u32, on: NaiveDate) -> NaiveDate {
    day_of_month(month_index(on) - i64::from(months), 1).unwrap_or(NaiveDate::MIN)
}

/// The ground a counted record gives for a measure reaching `mask` roles.
fn ground_of<'a>(c: &Counted<'a>, mask: u8, roles: &[Role]) -> Option<Ground<'a>> {
    match c.via {
        None => Some(Ground::Record(c.record)),
        Some(held) if held & mask != 0 => {
            let role = roles.iter().copied().find(|&r| held & role_bit(r) != 0)?;
            Some(Ground::Organization {
                record: c.record,
                role,
            })
        }
        Some(_) => None,
    }
}

/// Pushes onto `out` the grounds on which `measure` applies (none when it
/// does not): `counted` are the records that count (for a clean-record
/// window), `live` those of them in force and published (the ones that
/// ground measures).
#[expect(
    clippy::too_many_arguments,
    reason = "the pieces of one assessment, computed once"
)]
fn trigger_grounds<'a>(
    measure: &'a Measure,
    counted: &[Counted<'a>],
    live: &[Counted<'a>],
    listed: &[(&'a ListEntry, NaiveDate)],
    red_entry: Option<(&'a ListEntry, NaiveDate)>,
    green: &GreenChannel,
    commitments: &'a [Commitment],
    subject: &Subject,
    as_of: NaiveDate,
    existed_since: Option<NaiveDate>,
    out: &mut Vec<Ground<'a>>,
) {
    let reach = role_mask(&measure.reaches);
    // The grounds of the records of `live` that pass `test` and reach the
    // measure's roles, in dossier order.
    fn push_records<'a>(
        out: &mut Vec<Ground<'a>>,
        live: &[Counted<'a>],
        measure: &Measure,
        reach: u8,
        test: impl Fn(&Counted<'a>) -> bool,
    ) {
        for c in live {
            if test(c) {
                if let Some(ground) = ground_of(c, reach, &measure.reaches) {
                    out.push(ground);
                }
            }
        }
    }
    match &measure.trigger {
        Trigger::CommitmentSigned => out.extend(
            commitments
                .iter()
                .filter(|c| {
                    is(&c.subject, subject)
                        && c.kind == CommitmentKind::Credit
                        && c.signed_on <= as_of
                })
                .map(Ground::Commitment),
        ),
        Trigger::Exemplar => out.extend(red_entry.map(|(e, _)| Ground::Listed(e))),
        Trigger::ExemplarOrCleanRecord { years } => {
            if let Some((e, _)) = red_entry {
                out.push(Ground::Listed(e));
            } else {
                let ground = if *years == GREEN_CHANNEL_YEARS {
                    green.ground
                } else {
                    green_channel(counted, listed, None, existed_since, as_of, *years).ground
                };
                if let Some(GreenChannelGround::CleanRecord { since }) = ground {
                    out.push(Ground::CleanRecord { since });
                }
            }
        }
        Trigger::SeverityAtLeast { severity } => {
            push_records(out, live, measure, reach, |c| c.severity >= *severity);
            for (entry, _) in listed {
                if entry.list.implied_severity() >= Some(*severity) {
                    out.push(Ground::Listed(entry));
                }
            }
        }
        Trigger::SevereConduct { conduct } => push_records(out, live, measure, reach, |c| {
            c.severity == Severity::Severe && conduct.contains(&c.record.conduct)
        }),
        Trigger::ResponsiblePerson => {
            push_records(out, live, measure, reach, |c| c.via.is_some());
        }
        Trigger::BlacklistDomains { at_least } => {
            let blacklisted = || {
                listed
                    .iter()
                    .filter_map(|(e, _)| e.list.domain().map(|d| (e, d)))
            };
            // Distinct domains: count each domain at its first entry.
            let distinct = blacklisted()
                .enumerate()
                .filter(|(i, (_, d))| !blacklisted().take(*i).any(|(_, other)| other == *d))
                .count();
            if distinct >= usize::try_from(*at_least).unwrap_or(usize::MAX) {
                out.extend(blacklisted().map(|(e, _)| Ground::Listed(e)));
            }
        }
    }
}

/// Whether a counted record is adverse in the window starting `from`: not
/// revoked or erased (already filtered), of the subject or reaching it as a
/// responsible person, and its conduct overlapping the window (continuing
/// conduct always does).
fn adverse_in_window(c: &Counted<'_>, from: NaiveDate) -> bool {
    c.via
        .is_none_or(|held| held & role_mask(&RESPONSIBLE_ROLES) != 0)
        && c.record.ended_on.is_none_or(|e| e >= from)
}

/// Green-channel eligibility (plan §4(3); SPEC §9): an honesty exemplar, or
/// no adverse record (active, repaired or corrected) whose conduct fell in
/// the `years` years before `as_of`, no standing on an adverse list, and
/// existence since the start of those years.
fn green_channel(
    counted: &[Counted<'_>],
    listed: &[(&ListEntry, NaiveDate)],
    red_entry: Option<(&ListEntry, NaiveDate)>,
    existed_since: Option<NaiveDate>,
    as_of: NaiveDate,
    years: u32,
) -> GreenChannel {
    let basis = Citation::new("assess.green_channel", "plan §4(3)");
    if let Some((_, since)) = red_entry {
        return GreenChannel {
            eligible: true,
            ground: Some(GreenChannelGround::Exemplar { since }),
            unmet: Vec::new(),
            basis,
        };
    }
    let from = sub_years(as_of, years).unwrap_or(NaiveDate::MIN);
    let mut unmet = Vec::new();
    // One allocation, made only when there is an adverse record: collecting
    // from a filter would grow the vector several times.
    let mut adverse: Vec<RecordId> = Vec::new();
    for c in counted.iter().filter(|c| adverse_in_window(c, from)) {
        if adverse.is_empty() {
            adverse.reserve_exact(counted.len());
        }
        adverse.push(c.record.id);
    }
    if !adverse.is_empty() {
        unmet.push(GreenChannelUnmet::AdverseRecords { records: adverse });
    }
    for (entry, _) in listed {
        if entry.list.implied_severity().is_some() {
            unmet.push(GreenChannelUnmet::AdverseListing {
                list: entry.list.clone(),
            });
        }
    }
    match existed_since {
        None => unmet.push(GreenChannelUnmet::ExistenceUnknown),
        Some(existed) if existed > from => unmet.push(GreenChannelUnmet::TooRecent {
            existed_since: existed,
            window_from: from,
        }),
        Some(_) => {}
    }
    let eligible = unmet.is_empty();
    GreenChannel {
        eligible,
        ground: eligible.then_some(GreenChannelGround::CleanRecord { since: from }),
        unmet,
        basis,
    }
}

/// The first day `d` with `d - years > after` (so the window starting at
/// `d - years` no longer reaches `after`).
fn first_day_window_clears(after: NaiveDate, years: u32) -> Option<NaiveDate> {
    let mut d = add_years(after, years)?;
    while sub_years(d, years)? <= after {
        d = d.checked_add_days(Days::new(1))?;
    }
    Some(d)
}

/// The first day `d` with `d - years >= since`.
fn first_day_existed(since: NaiveDate, years: u32) -> Option<NaiveDate> {
    let mut d = add_years(since, years)?;
    while sub_years(d, years)? < since {
        d = d.checked_add_days(Days::new(1))?;
    }
    Some(d)
}

#[expect(
    clippy::too_many_arguments,
    reason = "the pieces of one assessment, computed once"
)]
fn next_change<'a>(
    counted: &[Counted<'a>],
    live: &[Counted<'a>],
    exits: &[(&'a ListEntry, ExitPlan)],
    green: &GreenChannel,
    is_person: bool,
    rules: &Rules<'a>,
    as_of: NaiveDate,
    probe: &mut PublicationProbe<'_, 'a>,
) -> Option<NextChange<'a>> {
    // The earliest day seen so far and what changes on it.
    let mut next: Option<NextChange<'a>> = None;
    // A new earliest day drops what was noted before, keeping its room.
    let note = |next: &mut Option<NextChange<'a>>, on: NaiveDate, change: Change<'a>| match next {
        Some(n) if n.on < on => {}
        Some(n) if n.on == on => n.changes.push(change),
        Some(n) => {
            n.on = on;
            n.finality = Finality::Final;
            n.changes.clear();
            n.changes.push(change);
        }
        None => {
            let mut changes = Vec::with_capacity(4);
            changes.push(change);
            *next = Some(NextChange {
                on,
                finality: Finality::Final,
                changes,
            });
        }
    };
    for (entry, plan) in exits {
        if let Some(on) = plan.time_only_exit().filter(|&on| on > as_of) {
            note(
                &mut next,
                on,
                Change::ListExit {
                    entry,
                    automatic: plan.automatic(),
                },
            );
        }
    }
    if is_person {
        for c in counted {
            if let Some(ended) = c.record.ended_on {
                let last = rules.retention.last_retained_day(ended);
                if let Some(on) = last.checked_add_days(Days::new(1)) {
                    if on > as_of {
                        note(&mut next, on, Change::Erasure { record: c.record });
                    }
                }
            }
        }
    }
    for c in live {
        if let Some(on) = c.ends {
            note(&mut next, on, Change::PublicationEnds { record: c.record });
        }
    }
    if !green.eligible {
        if let Some(on) = green_channel_opens(counted, green, as_of) {
            if on > as_of {
                note(&mut next, on, Change::GreenChannelOpens);
            }
        }
    }
    // Repair windows last: only openings up to the earliest day seen are
    // looked for. The latest decisions are the likeliest to open soon, so
    // they are looked at first, to bring that day down early; the openings
    // noted that way are put back in record order at the end.
    let search = RepairSearch::new(rules.repair, as_of);
    let mut first_opening = next.as_ref().map_or(0, |n| n.changes.len());
    for c in live.iter().rev() {
        let Some(record) = c.repairable() else {
            continue;
        };
        let not_after = next.as_ref().map_or(NaiveDate::MAX, |n| n.on);
        let opening = search
            .as_ref()
            .and_then(|s| s.opening(record, c.severity, not_after.min(c.last_published()), probe));
        if let Some(on) = opening {
            if on < not_after {
                first_opening = 0; // a new day: everything noted before is dropped
            }
            note(&mut next, on, Change::RepairWindowOpens { record });
        }
    }
    if let Some(openings) = next
        .as_mut()
        .and_then(|n| n.changes.get_mut(first_opening..))
    {
        openings.reverse();
    }
    next
}

/// The day the green channel opens if nothing else happens; `None` when a
/// continuing conduct, a listing or an unknown existence keeps it shut for
/// an unknown time.
fn green_channel_opens(
    counted: &[Counted<'_>],
    green: &GreenChannel,
    as_of: NaiveDate,
) -> Option<NaiveDate> {
    let open_ended = |u: &GreenChannelUnmet| {
        matches!(
            u,
            GreenChannelUnmet::AdverseListing { .. } | GreenChannelUnmet::ExistenceUnknown
        )
    };
    if green.unmet.iter().any(open_ended) {
        return None; // shut for as long as the listing lasts, or for ever
    }
    let mut day = NaiveDate::MIN;
    for unmet in &green.unmet {
        match unmet {
            GreenChannelUnmet::AdverseRecords { .. } => {
                // The window clears once it has passed the latest end of conduct.
                let from = sub_years(as_of, GREEN_CHANNEL_YEARS).unwrap_or(NaiveDate::MIN);
                let mut latest = NaiveDate::MIN;
                for c in counted.iter().filter(|c| adverse_in_window(c, from)) {
                    latest = latest.max(c.record.ended_on?);
                }
                day = day.max(first_day_window_clears(latest, GREEN_CHANNEL_YEARS)?);
            }
            GreenChannelUnmet::TooRecent { existed_since, .. } => {
                day = day.max(first_day_existed(*existed_since, GREEN_CHANNEL_YEARS)?);
            }
            GreenChannelUnmet::AdverseListing { .. } | GreenChannelUnmet::ExistenceUnknown => {
                return None
            }
        }
    }
    // Existence met already stays met on every later day.
    Some(day)
}

/// A measure that was in force because of a record later found wrong
/// (revoked or corrected), and when: what the providing section must undo
/// (plan §6(3)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoredMeasure<'a> {
    /// The measure.
    pub measure: &'a Measure,
    /// The first day it was in force because of the record.
    pub from: NaiveDate,
    /// The last day it was in force because of the record.
    pub until: NaiveDate,
}

/// What must be restored after a record was found wrong on an objection
/// (revoked, or corrected): plan §6(3), "因错误实施联合惩戒措施损害有关主体
/// 合法权益的，有关科室应积极采取措施恢复其信誉、消除不良影响".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restoration<'a> {
    /// The record found wrong.
    pub record: RecordId,
    /// The day the revocation or correction took effect.
    pub revoked_on: NaiveDate,
    /// Whether it was revoked (`Revoked`) or corrected (`Corrected`).
    pub change: RecordStatus,
    /// Who owes the restoration: 有关科室, the section that provided the
    /// record (plan §6(3)), not the Office.
    pub owed_by: Section,
    /// Each measure in force because of the record, with its periods: on
    /// those days the measure applied with the record taken as valid and did
    /// not apply without it. Ordered by start day, then catalogue order.
    pub measures: Vec<RestoredMeasure<'a>>,
    /// The rule.
    pub basis: Citation,
}

/// The measures that were in force because of `record`, found wrong on an
/// objection (revoked or corrected), and from when to when (plan §6(3): the
/// section that provided the record must restore the subject's reputation).
///
/// Every day from the day the record was made to the day before the
/// revocation or correction is assessed twice, with the record as it stood
/// before the change and as the change left it (without it, for a
/// revocation); a measure applied in the first and not in the second was in
/// force because of the wrong record. Measures that would have applied
/// anyway (another record or list still grounds them) are not listed. The
/// dossier may be a person's linked to the record's organization (plan
/// §5(6)): the answer is then what was wrongly applied to that person.
///
/// A correction is compared as if the record had stood corrected from the
/// day it was made: a correction that lowers its severity
/// ([`MisconductRecord::corrected_severity`]) lists the measures the old
/// severity grounded and the new one does not (for a person linked to the
/// organization, those that reached the person only through a severe
/// record, plan §5(6)); a correction of content alone, or one that keeps the
/// severity, wrongly applied nothing and the list is empty.
///
/// # Errors
///
/// [`AssessError::UnknownRecord`] when the record is not in the dossier,
/// [`AssessError::NotRevoked`] when it was neither revoked nor corrected,
/// and the errors of [`assess`].
pub fn restoration<'a>(
    dossier: &Dossier<'a>,
    rules: &Rules<'a>,
    calendar: &(impl WorkCalendar + ?Sized),
    record: RecordId,
) -> Result<Restoration<'a>, AssessError> {
    let target = dossier
        .records
        .iter()
        .find(|r| r.id == record)
        .ok_or(AssessError::UnknownRecord { record })?;
    let revoked_at = target
        .history
        .iter()
        .position(|c| matches!(c.status, RecordStatus::Revoked | RecordStatus::Corrected))
        .ok_or(AssessError::NotRevoked { record })?;
    let (revoked_on, change) = target
        .history
        .get(revoked_at)
        .map(|c| (c.on, c.status))
        .ok_or(AssessError::NotRevoked { record })?;

    // The record as it stood before the change ...
    let mut unrevoked = target.clone();
    unrevoked.history.truncate(revoked_at);
    unrevoked.corrected = None;
    unrevoked.corrected_severity = None;
    // ... and, for a correction, as it should have stood from the start: at
    // its corrected severity (plan §6(3): the correction says what was
    // wrong; the days before it were graded wrongly too).
    let as_corrected = (change == RecordStatus::Corrected).then(|| {
        let mut r = unrevoked.clone();
        r.corrected_severity = target.corrected_severity;
        if let Some(correction) = target.history.get(revoked_at) {
            r.history.insert(
                0,
                StatusChange {
                    on: target.recorded_on,
                    ..correction.clone()
                },
            );
        }
        r
    });
    let with: Vec<MisconductRecord> = dossier
        .records
        .iter()
        .map(|r| {
            if r.id == record {
                unrevoked.clone()
            } else {
                r.clone()
            }
        })
        .collect();
    // A revoked record never counted; a corrected one counts as corrected.
    let without: Vec<MisconductRecord> = dossier
        .records
        .iter()
        .filter_map(|r| match &as_corrected {
            _ if r.id != record => Some(r.clone()),
            Some(corrected) => Some(corrected.clone()),
            None => None,
        })
        .collect();

    let mut open: Vec<(usize, NaiveDate, NaiveDate)> = Vec::new(); // (catalogue index, from, last day)
    let mut done: Vec<(usize, NaiveDate, NaiveDate)> = Vec::new();
    let mut day = target.recorded_on;
    while day < revoked_on {
        let a = assess(
            &Dossier {
                records: &with,
                ..*dossier
            },
            rules,
            calendar,
            day,
        )?;
        let b = assess(
            &Dossier {
                records: &without,
                ..*dossier
            },
            rules,
            calendar,
            day,
        )?;
        // Sanctions only: an incentive the record as it stood allowed and a
        // correction upward withdraws was not wrongly applied.
        let because: Vec<usize> = a
            .measures()
            .filter(|m| m.measure.kind == MeasureKind::Sanction && !b.applies(&m.measure.id))
            .filter_map(|m| {
                rules
                    .catalogue
                    .measures()
                    .iter()
                    .position(|c| c.id == m.measure.id)
            })
            .collect();
        let mut still_open = Vec::with_capacity(open.len());
        for (idx, from, last) in open.drain(..) {
            if because.contains(&idx) {
                still_open.push((idx, from, day));
            } else {
                done.push((idx, from, last));
            }
        }
        for idx in because {
            if !still_open.iter().any(|(i, _, _)| *i == idx) {
                still_open.push((idx, day, day));
            }
        }
        open = still_open;
        let Some(next) = day.checked_add_days(Days::new(1)) else {
            break;
        };
        day = next;
    }
    done.append(&mut open);
    done.sort_by_key(|(idx, from, _)| (*from, *idx));
    let measures = done
        .into_iter()
        .filter_map(|(idx, from, until)| {
            rules
                .catalogue
                .measures()
                .get(idx)
                .map(|measure| RestoredMeasure {
                    measure,
                    from,
                    until,
                })
        })
        .collect();
    Ok(Restoration {
        record,
        revoked_on,
        change,
        owed_by: target.section,
        measures,
        basis: Citation::new("assess.restore_reputation", "plan §6(3)"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn window_clears_the_day_after_three_years_have_run() {
        assert_eq!(
            first_day_window_clears(d(2016, 5, 1), 3),
            Some(d(2019, 5, 2))
        );
        assert_eq!(
            first_day_window_clears(d(2016, 2, 29), 3),
            Some(d(2019, 3, 1))
        );
        assert_eq!(first_day_existed(d(2016, 5, 1), 3), Some(d(2019, 5, 1)));
        assert_eq!(first_day_existed(d(2016, 2, 29), 3), Some(d(2019, 3, 1)));
    }

    /// The definition the cutoff follows: whether a minimum period of
    /// `months` months counted from `start` has surely run by `on` (the
    /// earliest application day is on or before it), judged on whole months
    /// alone: the period ends at the latest on the last day of the month
    /// `months` after `start`'s.
    fn minimum_surely_run(start: NaiveDate, months: u32, on: NaiveDate) -> bool {
        month_index(on) > month_index(start) + i64::from(months)
    }

    proptest::proptest! {
        /// The whole-month shortcut only ever says "run" when the earliest
        /// application day computed by day is on or before the day.
        #[test]
        fn the_month_shortcut_never_claims_a_period_has_run_early(
            start in 0u64..40_000,
            months in 0u32..60,
            slack in 0u64..80,
        ) {
            // Days around the end of the period, where a slip would show.
            let start = d(1970, 1, 1) + Days::new(start);
            let on = start + Days::new(u64::from(months) * 28 + slack);
            let earliest = if months == 0 {
                start
            } else {
                crate::retention::period_end(start, months) + Days::new(1)
            };
            if minimum_surely_run(start, months, on) {
                proptest::prop_assert!(earliest <= on, "{start} + {months} months: {earliest} > {on}");
            }
            // And it is not idle: two whole months later it always holds.
            let later = start + Days::new(31 * (u64::from(months) + 2));
            proptest::prop_assert!(minimum_surely_run(start, months, later));
            // The cutoff day the search compares decisions with says the same.
            proptest::prop_assert_eq!(start < surely_run_before(months, on), minimum_surely_run(start, months, on));
        }
    }

    #[test]
    fn role_masks_are_distinct_bits() {
        let all = role_mask(&Role::ALL);
        assert_eq!(all.count_ones(), 5);
    }
}

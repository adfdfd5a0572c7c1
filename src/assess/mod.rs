//! Assessing a subject on a date: how dishonest it stands, which incentives
//! and sanctions apply and why, and what changes next (plan §4, §5, §6(7)).
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
//! record" (plan §4(3): "连续三年无不良信用记录"; DESIGN.md, "What
//! does an assessment count, and as of when?").
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
//! # Credit repair windows (plan §6(7); DESIGN.md, "Which repair rules govern a record?")
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

mod counted;
mod green_channel;
mod grounds;
mod next_change;
mod outcome;
mod red_list;
mod repair_search;
mod restoration;

pub use outcome::{
    AppliedMeasure, Assessment, AssessmentSummary, BlacklistStanding, Change, GreenChannel,
    GreenChannelGround, GreenChannelUnmet, Ground, MeasureSummary, NextChange, RedListLost,
    RepairWindow, SuspendedRecord, Withheld,
};
pub use restoration::{restoration, Restoration, RestoredMeasure};

pub(crate) use counted::{counting_records, without_void_events};

use std::sync::OnceLock;

use chrono::NaiveDate;
use thiserror::Error;

use crate::calendar::{CalendarError, Finality, WorkCalendar};
use crate::catalogue::{Catalogue, MeasureKind};
use crate::citation::Citation;
use crate::commitment::Commitment;
use crate::grading::{PolicyError, PolicySet};
use crate::lists::{standing_without_lifecycle, ExitPlan, ListEntry, ListKind, Standing};
use crate::misconduct::{MisconductRecord, RecordId, RecordStatus, Severity};
use crate::objection::{Objection, ObjectionPolicy};
use crate::repair::{PublicationState, RepairTimeline};
use crate::retention::RetentionPolicy;
use crate::subject::{Role, Roster, Subject, SubjectId};
use counted::{is, role_bit, role_mask, valid_views, view_of, Counted};
use green_channel::green_channel;
use grounds::{ground_of, trigger_grounds};
use next_change::next_change;
use outcome::Applied;
use red_list::red_list_loss;

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
    /// §6(7)).
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
    let mut publication = rules.repair.publication_probe(as_of);
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

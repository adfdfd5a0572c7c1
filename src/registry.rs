//! The facade officials' operations go through: a [`Registry`] over any
//! [`Store`] and any [`WorkCalendar`].
//!
//! Every operation takes the day it happens and who acts; none reads the
//! clock. Each runs in one store transaction, so it happens entirely or not
//! at all, and each change appends an [`AuditEntry`] naming its rule.
//! Decisions come from the pure core ([`crate::grading`], [`crate::assess`](mod@crate::assess),
//! [`crate::objection`], [`crate::repair`], [`crate::retention`]); the
//! registry only loads, calls and saves.

use std::sync::{Arc, PoisonError, RwLock};

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::assess::{self, AssessError, AssessmentSummary, Dossier, Rules};
use crate::audit::{AuditAction, AuditEntry, AuditTarget, PseudonymKey};
use crate::calendar::{CalendarError, ChinaCalendar, Finality, WorkCalendar};
use crate::catalogue::Catalogue;
use crate::citation::Citation;
use crate::commitment::{Commitment, CommitmentError, CommitmentId, CommitmentKind, OverduePledge};
use crate::grading::{Facts, Finding, GradingPolicy, Listing, PolicyError, PolicySet, SubjectKind};
use crate::lists::{
    ListEntry, ListEntryId, ListKind, ListingEvent, Obligations, OverdueRemoval, Standing,
};
use crate::misconduct::{
    ConductKind, MisconductRecord, RecordContent, RecordId, RecordStatus, Section, Severity,
};
use crate::objection::{
    Applicant, CreditItem, Finding as OpinionFinding, ItemChange, LateStep, Objection,
    ObjectionError, ObjectionId, ObjectionPolicy, ObjectionStatus, Outcome, Receipt,
};
use crate::repair::{RepairError, RepairFacts, RepairTimeline};
use crate::report::{Report, ReportId, Reporter};
use crate::reporting::{QuarterlyReport, ReportingRule, SectionLateness};
use crate::retention::{ErasureError, RetentionPolicy, Tombstone};
use crate::store::{numeric_key, Doc, Store, StoreError, Table, Transaction};
use crate::subject::{
    with_whole_identifiers, Organization, ResidentId, Role, RoleLink, RoleLinkError, Roster,
    Subject, SubjectId, Uscc,
};

/// The rules a registry applies: grading policies, the catalogue of
/// measures, repair policies, the retention period and the objection policy.
#[derive(Debug, Clone)]
pub struct RuleBook {
    /// Grading policies by effective day.
    pub policies: PolicySet,
    /// The catalogue of measures (措施清单).
    pub catalogue: Catalogue,
    /// Repair policies by the dates they are in force.
    pub repair: RepairTimeline,
    /// The personal retention period (plan §6(7)).
    pub retention: RetentionPolicy,
    /// Whether an open objection suspends sanctions (off in the plan, §6(3)).
    pub objection: ObjectionPolicy,
}

impl RuleBook {
    /// The built-in rules of the Xinzheng 2019 plan: the civil-affairs
    /// grading preset (MCA Order No. 60, 2018), the Xinzheng 2019 catalogue,
    /// the national repair periods in force on each date, the five-year
    /// personal retention, and objections that do not pause sanctions.
    pub fn xinzheng_2019() -> Self {
        Self {
            policies: PolicySet::builtin().clone(),
            catalogue: Catalogue::xinzheng_2019().clone(),
            repair: RepairTimeline::default(),
            retention: RetentionPolicy::default(),
            objection: ObjectionPolicy::default(),
        }
    }

    fn rules(&self) -> Rules<'_> {
        Rules {
            policies: &self.policies,
            catalogue: &self.catalogue,
            retention: &self.retention,
            repair: &self.repair,
            objections: &self.objection,
        }
    }
}

/// Why an operation was refused. Nothing was changed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The store failed; the operation was rolled back.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something the operation names does not exist.
    #[error("no {what} `{id}` is registered")]
    NotFound {
        /// What was looked for.
        what: &'static str,
        /// Its identifier (a person's masked).
        id: String,
    },
    /// The subject is registered already.
    #[error("subject `{id}` is registered already")]
    AlreadyRegistered {
        /// The subject (a person's number masked).
        id: String,
    },
    /// An operation for organizations named a person, or the reverse.
    #[error("`{id}` is not {expected}")]
    WrongSubjectKind {
        /// The subject (masked if a person).
        id: String,
        /// What was expected.
        expected: &'static str,
    },
    /// No grading rule of the policy in force covers the finding, so no
    /// record can be made without a legal basis.
    #[error("no rule of grading policy `{policy}` grades conduct `{conduct}`{fine}; a record needs a rule behind it")]
    Ungraded {
        /// The policy in force.
        policy: String,
        /// The conduct kind.
        conduct: String,
        /// The fine, as text, if any.
        fine: String,
    },
    /// A record's dates are out of order.
    #[error("record dates are out of order: {problem}")]
    Dates {
        /// What is wrong.
        problem: String,
    },
    /// A role link is not valid.
    #[error(transparent)]
    RoleLink(#[from] RoleLinkError),
    /// A grading policy could not be applied.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// An objection step was not possible.
    #[error(transparent)]
    Objection(#[from] ObjectionError),
    /// A working-day count left the calendar's coverage.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A repair could not be applied.
    #[error(transparent)]
    Repair(#[from] RepairError),
    /// An erasure could not be made.
    #[error(transparent)]
    Erasure(#[from] ErasureError),
    /// The record was erased (plan §6(7)): only its tombstone is left.
    #[error("record `{record}` was erased on {on} under {basis}; nothing of it is kept")]
    Erased {
        /// The record.
        record: RecordId,
        /// The day it was erased.
        on: NaiveDate,
        /// The rule.
        basis: Citation,
    },
    /// A commitment could not be changed.
    #[error(transparent)]
    Commitment(#[from] CommitmentError),
    /// An assessment could not be made.
    #[error(transparent)]
    Assess(#[from] AssessError),
    /// A date outside [`plausible_dates`]: a typing slip (`9999-12-31`,
    /// year `-5000`) refused before anything is stored or graded.
    #[error("{what} {date} is outside the dates the registry accepts ({PLAUSIBLE_FIRST_YEAR}-01-01 to {PLAUSIBLE_LAST_YEAR}-12-31)")]
    ImplausibleDate {
        /// Which date: `"the operation date"`, `"the conduct date"`, ….
        what: &'static str,
        /// The date given.
        date: NaiveDate,
    },
    /// A negative fine: a fine is an amount imposed, zero or more.
    #[error("a fine of {fine} yuan is negative; a fine is an amount imposed, zero or more")]
    NegativeFine {
        /// The amount given.
        fine: rust_decimal::Decimal,
    },
    /// A list operation that the subject's standing on the list does not allow.
    #[error("{list}: {problem}")]
    ListOperation {
        /// The list.
        list: String,
        /// What is wrong.
        problem: String,
    },
}

/// The first year of [`plausible_dates`].
pub const PLAUSIBLE_FIRST_YEAR: i32 = 1900;
/// The last year of [`plausible_dates`].
pub const PLAUSIBLE_LAST_YEAR: i32 = 2099;

/// The dates the registry accepts for an operation, a subject's founding,
/// a conduct and a penalty decision: 1 January 1900 to 31 December 2099.
///
/// Why these bounds: the statutory holiday rules every calendar of this
/// crate counts on are tabulated through 2099 (no deadline after it can be
/// counted), and no organization or person the registry holds acted
/// before 1900 (a citizen identity number encodes a birth date from 1800
/// on; an organization registered under PRC law was founded after 1949).
/// A date outside is a typing slip, refused with
/// [`RegistryError::ImplausibleDate`] rather than stored and graded.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::registry::plausible_dates;
///
/// assert!(plausible_dates().contains(&NaiveDate::from_ymd_opt(2019, 3, 4).unwrap()));
/// assert!(!plausible_dates().contains(&NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()));
/// ```
pub fn plausible_dates() -> std::ops::RangeInclusive<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(PLAUSIBLE_FIRST_YEAR, 1, 1).unwrap_or(NaiveDate::MIN);
    let last = NaiveDate::from_ymd_opt(PLAUSIBLE_LAST_YEAR, 12, 31).unwrap_or(NaiveDate::MAX);
    first..=last
}

/// `date` if it is plausible, else [`RegistryError::ImplausibleDate`].
fn plausible(what: &'static str, date: NaiveDate) -> Result<(), RegistryError> {
    if plausible_dates().contains(&date) {
        Ok(())
    } else {
        Err(RegistryError::ImplausibleDate { what, date })
    }
}

/// A new finding to record. The registry grades it and gives it an id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRecord {
    /// Who it is about (must be registered).
    pub subject: SubjectId,
    /// The kind of conduct (must be known to the grading policy in force).
    pub conduct: ConductKind,
    /// The section making the record.
    pub section: Section,
    /// The day the conduct happened or began.
    pub occurred_on: NaiveDate,
    /// The day it ended, if it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_on: Option<NaiveDate>,
    /// What happened, its legal basis, evidence and fine.
    pub content: RecordContent,
    /// The administrative penalty decision behind the finding, if any: its
    /// date starts the publication and repair periods (SPEC §5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<crate::repair::PenaltyDecision>,
}

/// What the daily sweep did and found on a day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepReport {
    /// The day swept.
    pub on: NaiveDate,
    /// Personal records erased (plan §6(7)).
    pub erased: Vec<RecordId>,
    /// Subjects whose time on a list led to a new listing (e.g. two full
    /// years on the activity-abnormal list), with the rule.
    pub listed: Vec<(String, Citation)>,
    /// List entries that ended automatically by this day (published subject
    /// identifier and list).
    pub list_exits: Vec<(String, ListKind)>,
    /// Objections with a step overdue, most overdue first.
    pub overdue_objections: Vec<ObjectionId>,
    /// Pledges to supply materials past their due date (plan §4(3)).
    pub overdue_pledges: Vec<OverduePledge>,
    /// Records whose publication ended on this day (the day after their
    /// maximum publication period; plan §6(7) 有限期惩戒; 527, NDRC Order
    /// No. 36): no longer in the public view, and grounding no measure.
    /// Absent from JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub publication_ended: Vec<RecordId>,
    /// Open objections whose deadlines are not final, with how final they
    /// are: counted over days a notice may still change (provisional) or no
    /// published notice covers (projected by the statutory rules).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsettled_deadlines: Vec<(ObjectionId, Finality)>,
    /// What the sweep could not compute because a count left the calendar,
    /// with the reason; everything else was done.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_computed: Vec<SweepGap>,
    /// Removals from the activity-abnormal list due after a verified
    /// fulfilment and not recorded in time (MCA Order No. 60 (2018)
    /// art. 13, unconfirmed): the organization counts as off the list from
    /// the due day; the removal decision must still be recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overdue_removals: Vec<OverdueRemoval>,
    /// Every subject standing on a list on the day (published identifier
    /// and lists), as [`assess::Assessment::lists`] decides it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standings: Vec<(String, Vec<ListKind>)>,
}

/// An item of the daily sweep that could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepGap {
    /// What it is about, e.g. `objection O3` or `list entry of 913501…
    /// on blacklist` (a person's number masked).
    pub item: String,
    /// Why: the count that left the calendar.
    pub reason: CalendarError,
}

/// What may be published about a subject on a day (plan §6(2), SPEC §9):
/// an organization by its USCC, a person masked; the records and lists in
/// force, the measures that apply with their clauses, and published
/// commitments. Nothing confidential: no record content beyond its kind,
/// no objection grounds, no tip-offs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicView {
    /// The identifier as published: a USCC whole, a person's number masked.
    pub id: String,
    /// The name: an organization's whole, a person's surname only.
    pub name: String,
    /// The day the view is for.
    pub as_of: NaiveDate,
    /// The records in force (not revoked, repaired or erased) whose
    /// publication has not ended (plan §6(7)).
    pub records: Vec<PublicRecord>,
    /// The lists the subject stands on.
    pub lists: Vec<ListKind>,
    /// The measures in force, with their clauses.
    pub measures: Vec<PublicMeasure>,
    /// Published commitments: their text and signing day.
    pub commitments: Vec<(NaiveDate, String)>,
}

/// A record as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicRecord {
    /// The record.
    pub id: RecordId,
    /// Its conduct kind.
    pub conduct: ConductKind,
    /// Its severity on the day: the corrected one after a correction that
    /// regraded it (plan §6(3)).
    pub severity: Severity,
    /// The section that made it.
    pub section: Section,
    /// The day it was recorded.
    pub recorded_on: NaiveDate,
    /// The rule that graded it.
    pub graded_by: Citation,
}

/// A measure as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicMeasure {
    /// The measure's id in the catalogue.
    pub id: String,
    /// Its Chinese name.
    pub chinese_name: String,
    /// Its English name.
    pub english_name: String,
    /// Its source clause.
    pub source: String,
}

/// A measure wrongly applied, and the first and last day it was: its id in
/// the catalogue, from, until.
pub type RestoredRange = (String, NaiveDate, NaiveDate);

/// What the section that provided a record must restore after the record
/// was revoked or corrected on an objection (plan §6(3): "有关科室应积极采取
/// 措施恢复其信誉、消除不良影响"): each measure in force because of it, from
/// when to when, for the record's subject and for each person linked to it
/// (plan §5(6)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestorationView {
    /// The record found wrong.
    pub record: RecordId,
    /// The section that owes the restoration: the one that provided the
    /// record (有关科室), not the Office.
    pub owed_by: Section,
    /// The measures wrongly applied to the record's subject, with the day
    /// ranges they were in force because of it.
    pub measures: Vec<RestoredRange>,
    /// The measures wrongly applied to each person linked to the record's
    /// organization (plan §5(6)), by masked identity number; only persons
    /// with at least one. Absent from JSON when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub persons: Vec<(String, Vec<RestoredRange>)>,
    /// The rule.
    pub basis: Citation,
}

/// The registry: the domain's operations over a store.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::registry::Registry;
/// use social_credit::store::MemoryStore;
/// use social_credit::{Organization, OrganizationKind, Subject};
///
/// let registry = Registry::official(MemoryStore::new());
/// let day = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
/// let uscc: social_credit::Uscc = "91350100M000100Y43".parse()?;
/// registry.register_subject(
///     Subject::Organization(Organization {
///         uscc: uscc.clone(),
///         name: "Example Association".into(),
///         kind: OrganizationKind::SocialAssociation,
///         established_on: Some(NaiveDate::from_ymd_opt(2015, 1, 1).unwrap()),
///     }),
///     "clerk",
///     day,
/// )?;
/// let view = registry.assess(&uscc.into(), day)?;
/// assert!(view.green_channel); // nine clean years
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Registry<S, C = ChinaCalendar> {
    store: S,
    /// The calendar and rules in force: each operation takes one snapshot
    /// when it starts and uses it throughout; a replacement is seen by the
    /// next operation on any thread.
    setup: RwLock<Arc<Setup<C>>>,
}

/// The calendar and rules an operation runs with.
#[derive(Debug)]
struct Setup<C> {
    calendar: Arc<C>,
    rules: Arc<RuleBook>,
}

impl<C> Setup<C> {
    fn policy(&self, on: NaiveDate) -> Result<&GradingPolicy, RegistryError> {
        Ok(self.rules.policies.in_force(on)?)
    }
}

impl<S: Store> Registry<S, ChinaCalendar> {
    /// A registry on `store` with the built-in rules and the official
    /// calendar projected five years past its last notice
    /// ([`ChinaCalendar::official_projected`]): a deadline past the last
    /// published holiday notice is given, flagged
    /// [`Finality::Projected`], instead of failing.
    pub fn official(store: S) -> Self {
        Self::new(
            store,
            ChinaCalendar::official_projected(),
            RuleBook::xinzheng_2019(),
        )
    }

    /// A registry on `store` with the built-in rules and the strict official
    /// calendar: every count past the last published notice is refused
    /// (the deadline is missing, with the reason).
    pub fn official_strict(store: S) -> Self {
        Self::new(store, ChinaCalendar::official(), RuleBook::xinzheng_2019())
    }
}

/// A list entry as a sweep names it: its list and its subject (masked if a
/// person).
fn entry_item(entry: &ListEntry) -> String {
    format!(
        "list entry of {} on {}",
        entry.subject.display_masked(),
        entry.list
    )
}

/// The store key of a subject.
fn subject_key(id: &SubjectId) -> String {
    match id {
        SubjectId::Organization(u) => format!("org:{u}"),
        SubjectId::Person(p) => format!("person:{p}"),
    }
}

fn load<T: DeserializeOwned>(table: Table, key: &str, doc: &Doc) -> Result<T, StoreError> {
    serde_json::from_str(&doc.body).map_err(|e| StoreError::Corrupt {
        table,
        key: key.to_owned(),
        problem: e.to_string(),
    })
}

/// A document about `subject`, in the storage representation (identity
/// numbers and names whole: the store is where the law lets them be kept).
fn to_doc<T: Serialize>(subject: &SubjectId, value: &T) -> Result<Doc, StoreError> {
    Ok(Doc {
        subject: Some(subject_key(subject)),
        body: with_whole_identifiers(|| serde_json::to_string(value))
            .map_err(StoreError::backend)?,
        sealed: None,
    })
}

/// The audit name of `subject`: an organization's code; for a person, the
/// pseudonym of the person's own key, made on first use.
fn subject_pseudonym(tx: &mut dyn Transaction, subject: &SubjectId) -> Result<String, StoreError> {
    if !subject.is_person() {
        return Ok(subject.to_string());
    }
    let keys: Vec<(String, PseudonymKey)> = scan(tx, Table::Pseudonyms, Some(subject))?;
    if let Some((_, key)) = keys
        .into_iter()
        .find(|(_, k)| k.list_entry.is_none() && k.records.is_empty())
    {
        return Ok(key.pseudonym);
    }
    new_pseudonym(tx, subject, None, Vec::new())
}

/// The audit name of the list entry at `entry` of `subject`: an
/// organization's code; for a person, the pseudonym of the entry's key, which
/// names `records` (the records grounding it) among the ones it concerns.
fn entry_pseudonym(
    tx: &mut dyn Transaction,
    subject: &SubjectId,
    entry: &str,
    records: &[RecordId],
) -> Result<String, StoreError> {
    if !subject.is_person() {
        return Ok(subject.to_string());
    }
    let keys: Vec<(String, PseudonymKey)> = scan(tx, Table::Pseudonyms, Some(subject))?;
    match keys
        .into_iter()
        .find(|(_, k)| k.list_entry.as_deref() == Some(entry))
    {
        Some((doc_key, mut key)) => {
            let before = key.records.len();
            for r in records {
                if !key.records.contains(r) {
                    key.records.push(*r);
                }
            }
            if key.records.len() != before {
                key.records.sort();
                tx.put(Table::Pseudonyms, &doc_key, to_doc(subject, &key)?)?;
            }
            Ok(key.pseudonym)
        }
        None => {
            let mut records = records.to_vec();
            records.sort();
            records.dedup();
            new_pseudonym(tx, subject, Some(entry.to_owned()), records)
        }
    }
}

/// The audit name of the list entry `entry` at `key`: see
/// [`entry_pseudonym`]; the key names every record behind the entry.
fn entry_name(
    tx: &mut dyn Transaction,
    subject: &SubjectId,
    key: &str,
    entry: &ListEntry,
) -> Result<String, StoreError> {
    let records: Vec<RecordId> = entry
        .events
        .iter()
        .flat_map(|e| e.records.iter().copied())
        .collect();
    entry_pseudonym(tx, subject, key, &records)
}

/// A new pseudonym for `subject`, with its key.
fn new_pseudonym(
    tx: &mut dyn Transaction,
    subject: &SubjectId,
    list_entry: Option<String>,
    records: Vec<RecordId>,
) -> Result<String, StoreError> {
    let pseudonym = format!("P{}", tx.next_id(Table::Pseudonyms)?);
    let key = PseudonymKey {
        pseudonym: pseudonym.clone(),
        subject: subject.clone(),
        list_entry,
        records,
    };
    tx.put(Table::Pseudonyms, &pseudonym, to_doc(subject, &key)?)?;
    Ok(pseudonym)
}

/// A pseudonym with no key: it stands for nobody. Names a document an
/// erasure removed when no key named it (data of an earlier version).
fn unlinked_pseudonym(tx: &mut dyn Transaction) -> Result<String, StoreError> {
    Ok(format!("P{}", tx.next_id(Table::Pseudonyms)?))
}

/// The record at `id`, or [`RegistryError::Erased`] when only its tombstone
/// is left.
fn get_record(
    tx: &mut dyn Transaction,
    id: RecordId,
) -> Result<(String, MisconductRecord), RegistryError> {
    let key = numeric_key(id.0);
    if let Some(record) = get(tx, Table::Records, &key)? {
        return Ok((key, record));
    }
    match get::<Tombstone>(tx, Table::Erasures, &key)? {
        Some(t) => Err(RegistryError::Erased {
            record: t.record,
            on: t.erased_on,
            basis: t.basis,
        }),
        None => Err(not_found("record", id)),
    }
}

/// Completes the erasure of `record` (stored at `key`), which the retention
/// rule has erased (its latest status is `Erased`): in the caller's
/// transaction, deletes the record and keeps its [`Tombstone`] apart;
/// deletes the objections to it, the repair commitments that can only be
/// about it, the pseudonymous keys of audit entries about it, and the listing events it alone grounded (a list entry left
/// with no event goes too); and audits each removal under the erasure's
/// rule, naming nothing that leads to the person.
fn erase_in(
    tx: &mut dyn Transaction,
    key: &str,
    record: &MisconductRecord,
    by: &str,
) -> Result<(), StoreError> {
    let tombstone = Tombstone::of(record).ok_or_else(|| StoreError::Corrupt {
        table: Table::Records,
        key: key.to_owned(),
        problem: format!("record `{}` is not erased", record.id),
    })?;
    let (id, on, basis) = (record.id, tombstone.erased_on, tombstone.basis.clone());
    let subject = &record.subject;
    // The record: deleted; its tombstone is about nobody.
    tx.delete(Table::Records, key)?;
    tx.put(
        Table::Erasures,
        key,
        Doc {
            subject: None,
            body: serde_json::to_string(&tombstone).map_err(StoreError::backend)?,
            sealed: None,
        },
    )?;
    audit(tx, on, by, AuditAction::Erased, id.into(), basis.clone())?;
    // Items removed with it (the record, list entries, commitments): the
    // objections to any of them go at the end.
    let mut removed = vec![CreditItem::Record(id)];
    // The person's repair commitments (plan §6(7)) that could only be about
    // it: signed from the day it was recorded to the day it was repaired
    // (or erased), and within no such span of a record still kept.
    let span = |r: &MisconductRecord, open_end: NaiveDate| {
        let until = r
            .history
            .iter()
            .find(|c| c.status == RecordStatus::Repaired)
            .map_or(open_end, |c| c.on);
        (r.recorded_on, until)
    };
    let (from, until) = span(record, on);
    let kept: Vec<(NaiveDate, NaiveDate)> =
        scan::<MisconductRecord>(tx, Table::Records, Some(subject))?
            .iter()
            .map(|(_, r)| span(r, NaiveDate::MAX))
            .collect();
    let commitments: Vec<(String, Commitment)> = scan(tx, Table::Commitments, Some(subject))?;
    for (k, c) in commitments {
        let signed = c.signed_on;
        if matches!(c.kind, CommitmentKind::Repair)
            && (from..=until).contains(&signed)
            && !kept.iter().any(|(f, u)| (*f..=*u).contains(&signed))
        {
            tx.delete(Table::Commitments, &k)?;
            removed.push(CreditItem::Commitment(c.id));
            audit(
                tx,
                on,
                by,
                AuditAction::Erased,
                AuditTarget::Commitment(c.id),
                basis.clone(),
            )?;
        }
    }
    // The keys of audit entries about it: those entries lead to nobody now.
    let keys: Vec<(String, PseudonymKey)> = scan(tx, Table::Pseudonyms, Some(subject))?;
    let mut entry_names = std::collections::BTreeMap::new();
    for (k, pk) in keys {
        if pk.records.contains(&id) {
            tx.delete(Table::Pseudonyms, &k)?;
            if let Some(entry) = pk.list_entry {
                entry_names.insert(entry, pk.pseudonym);
            }
        }
    }
    // Listings it grounded: its events go (an event with other records
    // keeps them), and an entry with no event left goes.
    let entries: Vec<(String, ListEntry)> = scan(tx, Table::ListEntries, Some(subject))?;
    for (k, mut entry) in entries {
        if !entry.events.iter().any(|e| e.records.contains(&id)) {
            continue;
        }
        entry.events.retain_mut(|e| {
            let grounded = !e.records.is_empty();
            e.records.retain(|r| *r != id);
            !(grounded && e.records.is_empty())
        });
        if entry.events.is_empty() {
            tx.delete(Table::ListEntries, &k)?;
            if let Ok(n) = k.parse() {
                removed.push(CreditItem::ListEntry(ListEntryId(n)));
            }
        } else {
            tx.put(Table::ListEntries, &k, to_doc(subject, &entry)?)?;
        }
        let name = match entry_names.remove(&k) {
            Some(name) => name,
            None => unlinked_pseudonym(tx)?,
        };
        audit(
            tx,
            on,
            by,
            AuditAction::Erased,
            AuditTarget::ListEntry {
                list: entry.list.to_string(),
                subject: name,
            },
            basis.clone(),
        )?;
    }
    // Objections to what was removed: grounds, opinions and the applicant go.
    let objections: Vec<(String, Objection)> = scan(tx, Table::Objections, Some(subject))?;
    for (k, o) in objections {
        if removed.contains(&o.item()) {
            tx.delete(Table::Objections, &k)?;
            audit(
                tx,
                on,
                by,
                AuditAction::Erased,
                AuditTarget::Objection(o.id()),
                basis.clone(),
            )?;
        }
    }
    Ok(())
}

fn get<T: DeserializeOwned>(
    tx: &mut dyn Transaction,
    table: Table,
    key: &str,
) -> Result<Option<T>, StoreError> {
    tx.get(table, key)?
        .map(|doc| load(table, key, &doc))
        .transpose()
}

fn scan<T: DeserializeOwned>(
    tx: &mut dyn Transaction,
    table: Table,
    subject: Option<&SubjectId>,
) -> Result<Vec<(String, T)>, StoreError> {
    let key = subject.map(subject_key);
    tx.scan(table, key.as_deref())?
        .into_iter()
        .map(|(k, doc)| {
            let value = load(table, &k, &doc)?;
            Ok((k, value))
        })
        .collect()
}

fn audit(
    tx: &mut dyn Transaction,
    on: NaiveDate,
    by: &str,
    action: AuditAction,
    target: AuditTarget,
    basis: Citation,
) -> Result<(), StoreError> {
    append_entry(
        tx,
        &AuditEntry {
            on,
            by: by.to_owned(),
            action,
            target,
            basis,
        },
    )
}

/// Appends an audit entry, made here or by the core (a repair, an erasure).
fn append_entry(tx: &mut dyn Transaction, entry: &AuditEntry) -> Result<(), StoreError> {
    tx.append_audit(serde_json::to_string(entry).map_err(StoreError::backend)?)?;
    Ok(())
}

fn not_found(what: &'static str, id: impl ToString) -> RegistryError {
    RegistryError::NotFound {
        what,
        id: id.to_string(),
    }
}

/// Converts a store written by a version before pseudonyms (SQLite schema
/// 2) so that no erased record is tied to a person: run once, in one
/// transaction, by the store's migration ([`SqliteStore`](crate::store)
/// does it when it opens such a database; another [`Store`] implementation
/// runs it from its own).
///
/// 1. Every audit entry that names a person by the masked identity number
///    is given a pseudonym instead: the person's own key for a registration
///    or role link, the key of the person's list entry for a listing (its
///    records named, so an erasure deletes it). Where the masked number
///    fits no registered person, or several, the pseudonym has no key and
///    stands for nobody.
/// 2. Every record that an earlier version erased, which kept its subject,
///    conduct, dates and objections, is erased as now (`daily_sweep` does
///    the same for any such record it finds): the record and every document
///    about it go, its tombstone stays, each removal is audited.
///
/// The audit log is append-only, so this function does not change it:
/// it returns the entries to rewrite, as `(sequence number, new entry)`,
/// and the caller rewrites them in the same transaction.
///
/// # Errors
///
/// [`StoreError`] when the backend fails or a document cannot be read.
pub fn upgrade_to_pseudonyms(tx: &mut dyn Transaction) -> Result<Vec<(u64, String)>, StoreError> {
    // Only documents the registry wrote are converted: a store used for
    // other documents keeps them as they are.
    let mut persons: std::collections::BTreeMap<String, Vec<SubjectId>> = Default::default();
    for (_, doc) in tx.scan(Table::Subjects, None)? {
        let Ok(subject) = serde_json::from_str::<Subject>(&doc.body) else {
            continue;
        };
        let id = subject.id();
        if id.is_person() {
            persons.entry(id.display_masked()).or_default().push(id);
        }
    }
    let mut rewrites = Vec::new();
    for (seq, text) in tx.audit_since(0)? {
        let Ok(mut entry) = serde_json::from_str::<AuditEntry>(&text) else {
            continue;
        };
        let masked = match &entry.target {
            AuditTarget::Subject(s) | AuditTarget::ListEntry { subject: s, .. }
                if s.contains('*') =>
            {
                s.clone()
            }
            _ => continue,
        };
        let person = match persons.get(&masked).map(Vec::as_slice) {
            Some([one]) => Some(one.clone()),
            _ => None,
        };
        let name = match (&mut entry.target, person) {
            (AuditTarget::Subject(_), Some(p)) => subject_pseudonym(tx, &p)?,
            (AuditTarget::ListEntry { list, .. }, Some(p)) => {
                let list = list.clone();
                let matching: Vec<(String, ListEntry)> =
                    scan::<ListEntry>(tx, Table::ListEntries, Some(&p))?
                        .into_iter()
                        .filter(|(_, e)| e.list.to_string() == list)
                        .collect();
                let records: Vec<RecordId> = matching
                    .iter()
                    .flat_map(|(_, e)| e.events.iter().flat_map(|ev| ev.records.iter().copied()))
                    .collect();
                match matching.first() {
                    Some((key, _)) => entry_pseudonym(tx, &p, key, &records)?,
                    None => unlinked_pseudonym(tx)?,
                }
            }
            _ => unlinked_pseudonym(tx)?,
        };
        match &mut entry.target {
            AuditTarget::Subject(s) | AuditTarget::ListEntry { subject: s, .. } => *s = name,
            _ => {}
        }
        rewrites.push((
            seq,
            serde_json::to_string(&entry).map_err(StoreError::backend)?,
        ));
    }
    for (key, doc) in tx.scan(Table::Records, None)? {
        let Ok(record) = serde_json::from_str::<MisconductRecord>(&doc.body) else {
            continue;
        };
        if record.status() == RecordStatus::Erased {
            erase_in(tx, &key, &record, "system")?;
        }
    }
    Ok(rewrites)
}

/// The reporter's identity as stored in the sealed part of a report document.
#[derive(Serialize, Deserialize)]
struct SealedReporter {
    name: String,
    contact: String,
}

/// The public part of a report document.
#[derive(Serialize, Deserialize)]
struct ReportBody {
    id: ReportId,
    subject: SubjectId,
    received_on: NaiveDate,
    summary: String,
}

/// Everything about one subject, loaded in one transaction.
struct Loaded {
    subject: Subject,
    records: Vec<MisconductRecord>,
    lists: Vec<ListEntry>,
    roster: Roster,
    commitments: Vec<Commitment>,
    objections: Vec<Objection>,
}

/// A subject's records and list entries, as grading needs them; kept up to
/// date within one transaction.
struct SubjectState {
    records: Vec<MisconductRecord>,
    entries: Vec<(String, ListEntry)>,
    // Keys of entries changed since loading, written by `flush`: a bulk
    // import writes each changed entry once, not once per record.
    dirty: std::collections::BTreeSet<String>,
}

impl SubjectState {
    /// Loads the state of a registered subject.
    fn load(tx: &mut dyn Transaction, subject: &SubjectId) -> Result<Self, RegistryError> {
        if tx.get(Table::Subjects, &subject_key(subject))?.is_none() {
            return Err(not_found("subject", subject.display_masked()));
        }
        Ok(Self {
            records: scan(tx, Table::Records, Some(subject))?
                .into_iter()
                .map(|(_, r)| r)
                .collect(),
            entries: scan(tx, Table::ListEntries, Some(subject))?,
            dirty: std::collections::BTreeSet::new(),
        })
    }

    /// Writes the changed list entries.
    fn flush(&mut self, tx: &mut dyn Transaction) -> Result<(), RegistryError> {
        for key in std::mem::take(&mut self.dirty) {
            put_entry(tx, &self.entries, &key)?;
        }
        Ok(())
    }
}

/// Writes the entry at `key` of `entries`.
fn put_entry(
    tx: &mut dyn Transaction,
    entries: &[(String, ListEntry)],
    key: &str,
) -> Result<(), RegistryError> {
    let (_, entry) = entries
        .iter()
        .find(|(k, _)| k == key)
        .ok_or_else(|| not_found("list entry", key))?;
    tx.put(Table::ListEntries, key, to_doc(&entry.subject, entry)?)?;
    Ok(())
}

impl<S: Store, C: WorkCalendar> Registry<S, C> {
    /// A registry on `store`, counting working days with `calendar` and
    /// applying `rules`.
    pub fn new(store: S, calendar: C, rules: RuleBook) -> Self {
        Self {
            store,
            setup: RwLock::new(Arc::new(Setup {
                calendar: Arc::new(calendar),
                rules: Arc::new(rules),
            })),
        }
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The calendar in force now (a snapshot: a later replacement does not
    /// change it).
    pub fn calendar(&self) -> Arc<C> {
        Arc::clone(&self.setup().calendar)
    }

    /// The rules in force now (a snapshot, as [`calendar`](Self::calendar)).
    pub fn rules(&self) -> Arc<RuleBook> {
        Arc::clone(&self.setup().rules)
    }

    /// The setup in force, for one operation.
    fn setup(&self) -> Arc<Setup<C>> {
        // A panic while the lock was held cannot leave the setup half
        // replaced (it is swapped whole), so a poisoned lock is still sound.
        Arc::clone(&self.setup.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Replaces the working-day calendar of a running registry, e.g. with
    /// the next year's holiday notice loaded
    /// ([`ChinaCalendar::with_schedule`]). The change is audited (who, when,
    /// the new coverage) in the same step, and every operation that starts
    /// after this returns, on any thread, uses the new calendar; operations
    /// already running finish with the old one.
    ///
    /// # Errors
    ///
    /// A store failure writing the audit entry; the calendar is then unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use social_credit::calendar::ChinaCalendar;
    /// use social_credit::registry::Registry;
    /// use social_credit::store::MemoryStore;
    ///
    /// let registry = Registry::official(MemoryStore::new());
    /// let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    /// let stricter = ChinaCalendar::official();
    /// registry.replace_calendar(stricter.clone(), "admin", day)?;
    /// assert_eq!(*registry.calendar(), stricter);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replace_calendar(
        &self,
        calendar: C,
        by: &str,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        let coverage = calendar.coverage();
        let what = format!(
            "the calendar, now covering {} to {}",
            coverage.start(),
            coverage.end()
        );
        self.replace(Some(calendar), None, what, by, on)
    }

    /// Replaces the rules of a running registry, audited and seen by the
    /// next operation on any thread, as
    /// [`replace_calendar`](Self::replace_calendar).
    ///
    /// # Errors
    ///
    /// A store failure writing the audit entry; the rules are then unchanged.
    pub fn replace_rules(
        &self,
        rules: RuleBook,
        by: &str,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        self.replace(None, Some(rules), "the rules".to_owned(), by, on)
    }

    /// Replaces the calendar and the rules together, in one step: no
    /// operation sees one without the other.
    ///
    /// # Errors
    ///
    /// As [`replace_calendar`](Self::replace_calendar).
    pub fn replace_calendar_and_rules(
        &self,
        calendar: C,
        rules: RuleBook,
        by: &str,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        let coverage = calendar.coverage();
        let what = format!(
            "the calendar, now covering {} to {}, and the rules",
            coverage.start(),
            coverage.end()
        );
        self.replace(Some(calendar), Some(rules), what, by, on)
    }

    fn replace(
        &self,
        calendar: Option<C>,
        rules: Option<RuleBook>,
        what: String,
        by: &str,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        // Held while the audit entry is written, so replacements are
        // serialized and the log's order is the order they took effect.
        let mut slot = self.setup.write().unwrap_or_else(PoisonError::into_inner);
        self.store.transaction(|tx| {
            audit(
                tx,
                on,
                by,
                AuditAction::SettingsReplaced,
                AuditTarget::Settings(what.clone()),
                Citation::new(
                    "registry.settings_replaced",
                    "DESIGN.md: every change to what decisions rest on is audited",
                ),
            )
            .map_err(RegistryError::from)
        })?;
        let next = Setup {
            calendar: calendar.map_or_else(|| Arc::clone(&slot.calendar), Arc::new),
            rules: rules.map_or_else(|| Arc::clone(&slot.rules), Arc::new),
        };
        *slot = Arc::new(next);
        Ok(())
    }

    /// Registers a subject.
    ///
    /// # Errors
    ///
    /// [`RegistryError::AlreadyRegistered`],
    /// [`RegistryError::ImplausibleDate`] for a day or founding date outside
    /// [`plausible_dates`], or a store failure.
    pub fn register_subject(
        &self,
        subject: Subject,
        by: &str,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        plausible("the registration date", on)?;
        if let Subject::Organization(Organization {
            established_on: Some(founded),
            ..
        }) = &subject
        {
            plausible("the founding date", *founded)?;
        }
        let id = subject.id();
        let key = subject_key(&id);
        self.store.transaction(|tx| {
            if tx.get(Table::Subjects, &key)?.is_some() {
                return Err(RegistryError::AlreadyRegistered {
                    id: id.display_masked(),
                });
            }
            tx.put(Table::Subjects, &key, to_doc(&id, &subject)?)?;
            let name = subject_pseudonym(tx, &id)?;
            audit(
                tx,
                on,
                by,
                AuditAction::Registered,
                AuditTarget::Subject(name),
                Citation::new("registry.register", "plan §3(2)"),
            )?;
            Ok(())
        })
    }

    /// The registered subject, if any.
    ///
    /// # Errors
    ///
    /// A store failure.
    pub fn subject(&self, id: &SubjectId) -> Result<Option<Subject>, RegistryError> {
        self.store
            .transaction(|tx| Ok(get(tx, Table::Subjects, &subject_key(id))?))
    }

    fn require_subject(tx: &mut dyn Transaction, id: &SubjectId) -> Result<Subject, RegistryError> {
        get(tx, Table::Subjects, &subject_key(id))?
            .ok_or_else(|| not_found("subject", id.display_masked()))
    }

    /// Links a registered person to a registered organization in a role,
    /// from `link.from` (to `link.until`, if given).
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`] for an unregistered organization or
    /// person, [`RegistryError::RoleLink`] when the link ends before it
    /// starts, or a store failure.
    pub fn link_person(
        &self,
        link: RoleLink,
        by: &str,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        Roster::default().link(link.clone())?;
        let person: SubjectId = link.person.clone().into();
        self.store.transaction(|tx| {
            Self::require_subject(tx, &link.organization.clone().into())?;
            Self::require_subject(tx, &person)?;
            let id = tx.next_id(Table::RoleLinks)?;
            tx.put(Table::RoleLinks, &numeric_key(id), to_doc(&person, &link)?)?;
            let name = subject_pseudonym(tx, &person)?;
            audit(
                tx,
                on,
                by,
                AuditAction::Linked,
                AuditTarget::Subject(name),
                Citation::new("registry.link_person", "plan §5(6)"),
            )?;
            Ok(())
        })
    }

    /// Ends a person's role in an organization: `until` is the last day held.
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`] when the person holds no such open role,
    /// [`RegistryError::RoleLink`] when `until` is before the link's start,
    /// or a store failure.
    pub fn unlink_person(
        &self,
        organization: &Uscc,
        person: &ResidentId,
        role: Role,
        until: NaiveDate,
        by: &str,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        let subject: SubjectId = person.clone().into();
        self.store.transaction(|tx| {
            let links: Vec<(String, RoleLink)> = scan(tx, Table::RoleLinks, Some(&subject))?;
            let (key, mut link) = links
                .into_iter()
                .find(|(_, l)| {
                    &l.organization == organization && l.role == role && l.until.is_none()
                })
                .ok_or_else(|| {
                    not_found("open role link", format!("{} as {role}", person.masked()))
                })?;
            link.until = Some(until);
            Roster::default().link(link.clone())?;
            tx.put(Table::RoleLinks, &key, to_doc(&subject, &link)?)?;
            let name = subject_pseudonym(tx, &subject)?;
            audit(
                tx,
                on,
                by,
                AuditAction::Unlinked,
                AuditTarget::Subject(name),
                Citation::new("registry.unlink_person", "plan §5(6)"),
            )?;
            Ok(())
        })
    }

    fn list_id_for(policy: &GradingPolicy, kind: &ListKind) -> Option<String> {
        policy
            .lists()
            .iter()
            .find(|l| &l.kind == kind)
            .map(|l| l.id.clone())
    }

    /// Records a finding, graded by the policy in force on `on` (SPEC §3):
    /// the record gets the severity and rule of the grade, and where the
    /// grade puts the subject on a list, the listing event is recorded too
    /// (a new event while listed restarts the listing period).
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`] for an unregistered subject,
    /// [`RegistryError::Ungraded`] when no rule covers the finding,
    /// [`RegistryError::Dates`] for dates out of order,
    /// [`RegistryError::ImplausibleDate`] for a date outside
    /// [`plausible_dates`], [`RegistryError::NegativeFine`], or a store
    /// failure. Nothing is stored on an error.
    pub fn record_misconduct(
        &self,
        new: NewRecord,
        by: &str,
        on: NaiveDate,
    ) -> Result<MisconductRecord, RegistryError> {
        let setup = self.setup();
        self.store.transaction(|tx| {
            let mut state = SubjectState::load(tx, &new.subject)?;
            let record = self.record_in(&setup, tx, &mut state, new, None, by, on)?;
            state.flush(tx)?;
            Ok(record)
        })
    }

    /// Records many findings in one transaction: all or none.
    ///
    /// # Errors
    ///
    /// As [`Registry::record_misconduct`], for the first finding that fails.
    pub fn import_records(
        &self,
        records: Vec<NewRecord>,
        by: &str,
        on: NaiveDate,
    ) -> Result<Vec<RecordId>, RegistryError> {
        let setup = self.setup();
        self.store.transaction(|tx| {
            // Each subject's records and list entries are read once and kept
            // up to date here, so a bulk import costs the same per record as
            // one finding, whatever the batch size.
            let mut states: std::collections::HashMap<SubjectId, SubjectState> =
                std::collections::HashMap::new();
            let ids = records
                .into_iter()
                .map(|r| {
                    let state = match states.entry(r.subject.clone()) {
                        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                        std::collections::hash_map::Entry::Vacant(e) => {
                            e.insert(SubjectState::load(tx, &r.subject)?)
                        }
                    };
                    self.record_in(&setup, tx, state, r, None, by, on)
                        .map(|rec| rec.id)
                })
                .collect::<Result<Vec<_>, RegistryError>>()?;
            for state in states.values_mut() {
                state.flush(tx)?;
            }
            Ok(ids)
        })
    }

    /// Records a finding about an organization whose supervising unit (业务主管
    /// 单位) or another department certified in writing that it was not
    /// directly responsible: the record is made and graded as by
    /// [`Registry::record_misconduct`], but the organization is not put on
    /// the activity-abnormal list, under the policy's exemption clause
    /// ([`crate::lists::ListLifecycle::abnormal_exemption_source`]).
    /// `certificate` names the certificate (its number and issuer); it is
    /// kept in the audit entry.
    ///
    /// The built-in preset has no exemption clause: the 2017 draft of MCA
    /// Order No. 60 had one (art. 12), the promulgated text could not be
    /// checked for it (DESIGN.md). A bureau that confirms it loads a policy
    /// with the clause.
    ///
    /// # Errors
    ///
    /// [`RegistryError::ListOperation`] when the policy in force has no
    /// exemption clause or the finding does not lead to the abnormal list;
    /// otherwise as [`Registry::record_misconduct`]. Nothing changes then.
    pub fn record_misconduct_certified(
        &self,
        new: NewRecord,
        certificate: &str,
        by: &str,
        on: NaiveDate,
    ) -> Result<MisconductRecord, RegistryError> {
        let setup = self.setup();
        self.store.transaction(|tx| {
            let mut state = SubjectState::load(tx, &new.subject)?;
            let record = self.record_in(&setup, tx, &mut state, new, Some(certificate), by, on)?;
            state.flush(tx)?;
            Ok(record)
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn record_in(
        &self,
        setup: &Setup<C>,
        tx: &mut dyn Transaction,
        state: &mut SubjectState,
        new: NewRecord,
        exempt: Option<&str>,
        by: &str,
        on: NaiveDate,
    ) -> Result<MisconductRecord, RegistryError> {
        plausible("the recording date", on)?;
        plausible("the conduct date", new.occurred_on)?;
        if let Some(ended) = new.ended_on {
            plausible("the conduct's end date", ended)?;
        }
        if let Some(decision) = &new.decision {
            plausible("the penalty decision date", decision.decided_on)?;
        }
        if let Some(fine) = new
            .content
            .fine
            .filter(|f| f.is_sign_negative() && !f.is_zero())
        {
            return Err(RegistryError::NegativeFine { fine });
        }
        if new.occurred_on > on {
            return Err(RegistryError::Dates {
                problem: format!(
                    "the conduct occurred on {}, after it is recorded on {on}",
                    new.occurred_on
                ),
            });
        }
        if let Some(ended) = new.ended_on.filter(|e| *e < new.occurred_on) {
            return Err(RegistryError::Dates {
                problem: format!(
                    "the conduct ended on {ended}, before it occurred on {}",
                    new.occurred_on
                ),
            });
        }
        let policy = setup.policy(on)?;
        let kind = if new.subject.is_person() {
            SubjectKind::Person
        } else {
            SubjectKind::Organization
        };
        // Penalties are dated by their decision where there is one ("three
        // years, two penalties", MCA Order No. 60 (2018) art. 14(5), unconfirmed).
        let dated = |decision: Option<&crate::repair::PenaltyDecision>, otherwise: NaiveDate| {
            decision
                .map(|d| d.decided_on)
                .filter(|d| *d <= on)
                .unwrap_or(otherwise)
        };
        let mut facts = Facts::new(on).about(kind).finding(Finding {
            conduct: new.conduct.clone(),
            fine: new.content.fine,
            on: dated(new.decision.as_ref(), on),
        });
        for r in &state.records {
            if r.status_on(on).is_some_and(|s| s != RecordStatus::Revoked) {
                facts = facts.earlier(Finding {
                    conduct: r.conduct.clone(),
                    fine: r.effective_content().and_then(|c| c.fine),
                    on: dated(r.decision.as_ref(), r.recorded_on),
                });
            }
        }
        for (_, e) in &state.entries {
            if let (Some(list), Some(since)) =
                (Self::list_id_for(policy, &e.list), e.clock_start(on))
            {
                if e.removed_on.is_none_or(|r| r > on) {
                    facts.listings.push(Listing { list, since });
                }
            }
        }
        // The rules in force when the conduct took place (its last day, or
        // the day recorded while it continues), unless later ones are lighter.
        let conduct_on = new.ended_on.unwrap_or(on);
        let ungraded = || RegistryError::Ungraded {
            policy: policy.id().to_owned(),
            conduct: new.conduct.to_string(),
            fine: new
                .content
                .fine
                .map(|f| format!(" with a fine of ¥{f}"))
                .unwrap_or_default(),
        };
        let graded = setup
            .rules
            .policies
            .grade_conduct(conduct_on, &facts)?
            .ok_or_else(ungraded)?;
        let changed_since_conduct =
            !std::ptr::eq(setup.rules.policies.in_force(conduct_on.min(on))?, policy);
        let policy = graded.policy;
        let mut grade = graded.grade;
        if changed_since_conduct {
            // Say on the record which rules graded it, and why those.
            grade.citation = Citation::owned(
                grade.citation.rule.to_string(),
                format!(
                    "{}; policy `{}` by {} ({})",
                    grade.citation.source,
                    policy.id(),
                    graded.basis.rule,
                    graded.basis.source
                ),
            );
        }
        if let Some(def) = grade.list.as_ref().and_then(|l| policy.list(l)) {
            if !kind.within(def.takes()) {
                return Err(RegistryError::WrongSubjectKind {
                    id: new.subject.display_masked(),
                    expected: "a subject the list takes",
                });
            }
        }
        let id = RecordId(tx.next_id(Table::Records)?);
        let record = MisconductRecord {
            id,
            subject: new.subject.clone(),
            conduct: new.conduct,
            severity: grade.severity,
            graded_by: grade.citation.clone(),
            section: new.section,
            occurred_on: new.occurred_on,
            ended_on: new.ended_on,
            recorded_on: on,
            decision: new.decision,
            content: Some(new.content),
            corrected: None,
            corrected_severity: None,
            history: Vec::new(),
        };
        tx.put(
            Table::Records,
            &numeric_key(id.0),
            to_doc(&record.subject, &record)?,
        )?;
        audit(
            tx,
            on,
            by,
            AuditAction::Recorded,
            id.into(),
            grade.citation.clone(),
        )?;
        if let Some(certificate) = exempt {
            let clause = policy
                .lifecycle()
                .and_then(|lc| lc.abnormal_exemption_source.clone())
                .ok_or_else(|| RegistryError::ListOperation {
                    list: ListKind::ActivityAbnormal.to_string(),
                    problem: format!(
                        "grading policy `{}` has no exemption for a certified lack of direct responsibility",
                        policy.id()
                    ),
                })?;
            let to_abnormal = grade
                .list
                .as_ref()
                .and_then(|l| policy.list(l))
                .is_some_and(|l| l.kind == ListKind::ActivityAbnormal);
            if !to_abnormal {
                return Err(RegistryError::ListOperation {
                    list: ListKind::ActivityAbnormal.to_string(),
                    problem: "the finding does not lead to the list, so there is nothing to exempt"
                        .to_owned(),
                });
            }
            audit(
                tx,
                on,
                by,
                AuditAction::Recorded,
                id.into(),
                Citation::owned(
                    "lists.abnormal_exemption",
                    format!("{clause}; certificate {certificate}"),
                ),
            )?;
            state.records.push(record.clone());
            return Ok(record);
        }
        if let Some(list_id) = &grade.list {
            let kind = policy
                .list(list_id)
                .map(|l| l.kind.clone())
                .ok_or_else(|| not_found("list", list_id))?;
            let key = self.list_in(
                tx,
                &mut state.entries,
                &record.subject,
                kind,
                on,
                Some(grade.citation.rule.to_string()),
                vec![id],
                by,
                &grade.citation,
            )?;
            // Something to fulfil: the entry is left on application, once
            // the fulfilment is verified (MCA Order No. 60 (2018) art. 13,
            // unconfirmed), not six months on.
            if let Some(lc) = policy.lifecycle() {
                if lc
                    .rules_with_obligations
                    .iter()
                    .any(|r| *r == grade.citation.rule)
                {
                    if let Some((_, entry)) = state.entries.iter_mut().find(|(k, _)| *k == key) {
                        entry.obligations = Obligations::Pending;
                    }
                }
            }
            state.dirty.insert(key);
        }
        state.records.push(record.clone());
        Ok(record)
    }

    /// Adds a listing event for `subject` on `kind` to `entries`: to its open
    /// entry, or a new entry, and audits it. Returns the entry's key; the
    /// caller writes the entry (see [`put_entry`]).
    #[allow(clippy::too_many_arguments)]
    fn list_in(
        &self,
        tx: &mut dyn Transaction,
        entries: &mut Vec<(String, ListEntry)>,
        subject: &SubjectId,
        kind: ListKind,
        on: NaiveDate,
        rule: Option<String>,
        records: Vec<RecordId>,
        by: &str,
        basis: &Citation,
    ) -> Result<String, RegistryError> {
        let mut grounds = records.clone();
        // Graded, but on no record of its own: on time spent on other lists.
        let on_other_lists = rule.is_some() && records.is_empty();
        let event = ListingEvent { on, rule, records };
        let open = entries
            .iter_mut()
            .find(|(_, e)| e.list == kind && e.removed_on.is_none_or(|r| r > on));
        let key = match open {
            Some((key, entry)) => {
                entry.events.push(event);
                key.clone()
            }
            None => {
                let mut entry = ListEntry::new(subject.clone(), kind.clone(), on);
                entry.events = vec![event];
                let key = numeric_key(tx.next_id(Table::ListEntries)?);
                entries.push((key.clone(), entry));
                key
            }
        };
        // The entry's pseudonym concerns every record behind the entry, and
        // for a listing grounded on time on other lists, the records behind
        // those. A red-list entry concerns no record.
        if on_other_lists {
            grounds = entries
                .iter()
                .flat_map(|(_, e)| e.events.iter().flat_map(|ev| ev.records.iter().copied()))
                .collect();
        } else if let Some((_, entry)) = entries.iter().find(|(k, _)| *k == key) {
            grounds.extend(
                entry
                    .events
                    .iter()
                    .flat_map(|ev| ev.records.iter().copied()),
            );
        }
        let name = entry_pseudonym(tx, subject, &key, &grounds)?;
        audit(
            tx,
            on,
            by,
            AuditAction::Listed,
            AuditTarget::ListEntry {
                list: kind.to_string(),
                subject: name,
            },
            basis.clone(),
        )?;
        Ok(key)
    }

    /// Puts a subject on the red list as an honesty exemplar (诚信典型, plan §4(2)).
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`] for an unregistered subject, or a store failure.
    pub fn add_to_red_list(
        &self,
        subject: &SubjectId,
        by: &str,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        self.store.transaction(|tx| {
            Self::require_subject(tx, subject)?;
            let mut entries = scan(tx, Table::ListEntries, Some(subject))?;
            let key = self.list_in(
                tx,
                &mut entries,
                subject,
                ListKind::RedList,
                on,
                None,
                Vec::new(),
                by,
                &Citation::new("lists.red_list", "plan §4(2)"),
            )?;
            put_entry(tx, &entries, &key)
        })
    }

    /// The key and entry of `subject`'s open entry on `list` on `on` (no
    /// removal recorded on or before it), for a list operation.
    fn open_entry(
        tx: &mut dyn Transaction,
        subject: &SubjectId,
        list: &ListKind,
        on: NaiveDate,
    ) -> Result<(String, ListEntry), RegistryError> {
        Self::require_subject(tx, subject)?;
        scan::<ListEntry>(tx, Table::ListEntries, Some(subject))?
            .into_iter()
            .find(|(_, e)| {
                &e.list == list && e.listed_on(on).is_some() && e.removed_on.is_none_or(|r| r > on)
            })
            .ok_or_else(|| RegistryError::ListOperation {
                list: list.to_string(),
                problem: format!("`{}` is not on the list on {on}", subject.display_masked()),
            })
    }

    /// Removes a subject from a list by decision on `on` (plan §6(5): the
    /// exit mechanism of the red and black lists): the entry ends that day.
    /// For the red list this is the formal exit of an exemplar; for the
    /// civil-affairs lists, the registration authority's removal
    /// ([`Registry::verify_list_exit`] first, for the activity-abnormal list).
    ///
    /// # Errors
    ///
    /// [`RegistryError::ListOperation`] when the subject is not on the list
    /// that day, [`RegistryError::NotFound`], or a store failure.
    pub fn remove_from_list(
        &self,
        subject: &SubjectId,
        list: &ListKind,
        basis: Citation,
        by: &str,
        on: NaiveDate,
    ) -> Result<ListEntry, RegistryError> {
        self.change_open_entry(
            subject,
            list,
            by,
            on,
            AuditAction::Delisted,
            basis,
            |entry| {
                entry.removed_on = Some(on);
                Ok(())
            },
        )
    }

    /// Changes `subject`'s open entry on `list` on `on` ([`Self::open_entry`])
    /// with `change`, stores it and audits `action` under `basis`, in one
    /// transaction; an `Err` from `change` changes nothing.
    #[expect(
        clippy::too_many_arguments,
        reason = "the list operations differ only in these"
    )]
    fn change_open_entry(
        &self,
        subject: &SubjectId,
        list: &ListKind,
        by: &str,
        on: NaiveDate,
        action: AuditAction,
        basis: Citation,
        change: impl FnOnce(&mut ListEntry) -> Result<(), RegistryError>,
    ) -> Result<ListEntry, RegistryError> {
        self.store.transaction(|tx| {
            let (key, mut entry) = Self::open_entry(tx, subject, list, on)?;
            change(&mut entry)?;
            tx.put(Table::ListEntries, &key, to_doc(subject, &entry)?)?;
            let name = entry_name(tx, subject, &key, &entry)?;
            audit(
                tx,
                on,
                by,
                action,
                AuditTarget::ListEntry {
                    list: list.to_string(),
                    subject: name,
                },
                basis,
            )?;
            Ok(entry)
        })
    }

    /// Records an organization's application to leave the activity-abnormal
    /// list (申请移出, MCA Order No. 60 (2018) art. 13, unconfirmed), made on
    /// `on` after fulfilling its obligations.
    ///
    /// # Errors
    ///
    /// [`RegistryError::ListOperation`] when the subject is not on the
    /// activity-abnormal list that day or already applied since its latest
    /// listing event, [`RegistryError::NotFound`], or a store failure.
    pub fn apply_for_list_exit(
        &self,
        subject: &SubjectId,
        by: &str,
        on: NaiveDate,
    ) -> Result<ListEntry, RegistryError> {
        let list = ListKind::ActivityAbnormal;
        let basis = self.exit_basis(on, "lists.abnormal_exit_application")?;
        self.change_open_entry(
            subject,
            &list,
            by,
            on,
            AuditAction::ExitApplied,
            basis,
            |entry| {
                let clock = entry.clock_start(on).unwrap_or(on);
                if entry.applied_on.is_some_and(|a| a >= clock) {
                    return Err(RegistryError::ListOperation {
                        list: list.to_string(),
                        problem: format!(
                            "an application to leave was already made since the listing of {clock}"
                        ),
                    });
                }
                entry.applied_on = Some(on);
                Ok(())
            },
        )
    }

    /// Records the registration authority's verification (查实) on `on`
    /// that an organization which applied to leave the activity-abnormal
    /// list fulfilled its obligations. The organization must then be
    /// removed ([`Registry::remove_from_list`]) within the working days the
    /// policy gives (5): it counts as off the list from the last of them at
    /// the latest, and the daily sweep reports a removal not recorded by then.
    ///
    /// # Errors
    ///
    /// [`RegistryError::ListOperation`] when the subject is not on the list,
    /// did not apply since its latest listing event, or applied after `on`;
    /// [`RegistryError::NotFound`], or a store failure.
    pub fn verify_list_exit(
        &self,
        subject: &SubjectId,
        by: &str,
        on: NaiveDate,
    ) -> Result<ListEntry, RegistryError> {
        let list = ListKind::ActivityAbnormal;
        let basis = self.exit_basis(on, "lists.abnormal_exit_verification")?;
        self.change_open_entry(
            subject,
            &list,
            by,
            on,
            AuditAction::ExitVerified,
            basis,
            |entry| {
                let clock = entry.clock_start(on).unwrap_or(on);
                match entry.applied_on {
                    Some(applied) if applied >= clock && applied <= on => {}
                    _ => {
                        return Err(RegistryError::ListOperation {
                            list: list.to_string(),
                            problem: format!(
                        "no application to leave was made between the listing of {clock} and {on}"
                    ),
                        })
                    }
                }
                entry.obligations = Obligations::Fulfilled { verified_on: on };
                Ok(())
            },
        )
    }

    /// The citation of the abnormal list's exit rule of the policy in force on `on`.
    fn exit_basis(&self, on: NaiveDate, rule: &'static str) -> Result<Citation, RegistryError> {
        let setup = self.setup();
        let policy = setup.policy(on)?;
        let source = policy.lifecycle().map_or_else(
            || "plan §6(5)".to_owned(),
            |lc| lc.abnormal_exit_source.clone(),
        );
        Ok(Citation::owned(rule, source))
    }

    /// A record by id.
    ///
    /// # Errors
    ///
    /// [`RegistryError::Erased`] for an erased record,
    /// [`RegistryError::NotFound`], or a store failure.
    pub fn record(&self, id: RecordId) -> Result<MisconductRecord, RegistryError> {
        self.store
            .transaction(|tx| get_record(tx, id).map(|(_, record)| record))
    }

    /// The tombstone of an erased record: its id, the erasure day and the
    /// rule (plan §6(7)); `None` when the record was not erased.
    ///
    /// # Errors
    ///
    /// A store failure.
    pub fn erasure(&self, id: RecordId) -> Result<Option<Tombstone>, RegistryError> {
        self.store
            .transaction(|tx| Ok(get(tx, Table::Erasures, &numeric_key(id.0))?))
    }

    /// Receives an objection to a record, made by the record's subject
    /// (plan §6(3)); see [`Registry::receive_objection_about`] for any
    /// credit information and any applicant.
    ///
    /// # Errors
    ///
    /// As [`Registry::receive_objection_about`].
    pub fn receive_objection(
        &self,
        record: RecordId,
        receipt: Receipt,
        grounds: &str,
        by: &str,
    ) -> Result<Objection, RegistryError> {
        self.receive_objection_about(
            CreditItem::Record(record),
            Applicant::Subject,
            receipt,
            grounds,
            by,
        )
    }

    /// Receives an objection to any credit information (plan §6(3):
    /// "信用信息主体对信用信息有异议的"): a record, a list entry or a commitment,
    /// made by the subject or by someone acting for it. The objection is
    /// kept under the item's subject, who gets the reply.
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`] for an unknown item,
    /// [`RegistryError::Calendar`] for a receipt day outside the calendar's
    /// coverage (nothing is stored), or a store failure.
    pub fn receive_objection_about(
        &self,
        item: CreditItem,
        applicant: Applicant,
        receipt: Receipt,
        grounds: &str,
        by: &str,
    ) -> Result<Objection, RegistryError> {
        // Every deadline of the objection counts from its receipt day: one
        // the calendar does not cover is refused now, not stored to fail
        // on every later step (issue 17, defect 4).
        let received = receipt.date();
        let coverage = self.setup().calendar.coverage();
        if !coverage.contains(&received) {
            return Err(RegistryError::Calendar(CalendarError::OutOfCoverage {
                date: received,
                coverage,
                working_days: None,
            }));
        }
        self.store.transaction(|tx| {
            let subject = Self::item_subject(tx, item)?;
            let id = ObjectionId(tx.next_id(Table::Objections)?);
            let objection = Objection::receive(id, item, subject.clone(), receipt, by, grounds)
                .with_applicant(applicant.clone());
            tx.put(
                Table::Objections,
                &numeric_key(id.0),
                to_doc(&subject, &objection)?,
            )?;
            audit(
                tx,
                objection.received_on(),
                by,
                AuditAction::ObjectionReceived,
                AuditTarget::Objection(id),
                Citation::new("objection.receive", "plan §6(3)"),
            )?;
            Ok(objection)
        })
    }

    /// The subject of a credit item, which must exist.
    fn item_subject(
        tx: &mut dyn Transaction,
        item: CreditItem,
    ) -> Result<SubjectId, RegistryError> {
        Ok(match item {
            CreditItem::Record(id) => get_record(tx, id)?.1.subject,
            CreditItem::ListEntry(id) => {
                get::<ListEntry>(tx, Table::ListEntries, &numeric_key(id.0))?
                    .ok_or_else(|| not_found("list entry", id))?
                    .subject
            }
            CreditItem::Commitment(id) => {
                get::<Commitment>(tx, Table::Commitments, &numeric_key(id.0))?
                    .ok_or_else(|| not_found("commitment", id))?
                    .subject
            }
        })
    }

    /// A subject's list entries, with their ids (to object to one, for
    /// example).
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`] for an unregistered subject, or a store
    /// failure.
    pub fn list_entries(
        &self,
        subject: &SubjectId,
    ) -> Result<Vec<(ListEntryId, ListEntry)>, RegistryError> {
        self.store.transaction(|tx| {
            Self::require_subject(tx, subject)?;
            scan::<ListEntry>(tx, Table::ListEntries, Some(subject))?
                .into_iter()
                .map(|(key, entry)| {
                    let id = key.parse().map_err(|_| StoreError::Corrupt {
                        table: Table::ListEntries,
                        key: key.clone(),
                        problem: "the key is not a number".to_owned(),
                    })?;
                    Ok((ListEntryId(id), entry))
                })
                .collect()
        })
    }

    /// An objection by id.
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`], or a store failure.
    pub fn objection(&self, id: ObjectionId) -> Result<Objection, RegistryError> {
        self.store.transaction(|tx| {
            get(tx, Table::Objections, &numeric_key(id.0))?
                .ok_or_else(|| not_found("objection", id))
        })
    }

    /// Advances an objection by one step, checked by the objection workflow.
    /// When the step notifies the applicant of an outcome that changes the
    /// item (revoked or corrected), the item changes in the same
    /// transaction: a record's status, a list entry's listing, a
    /// commitment's publication or text.
    ///
    /// # Errors
    ///
    /// [`RegistryError::Objection`] for a wrong move (nothing changes),
    /// [`RegistryError::NotFound`], or a store failure.
    pub fn advance_objection(
        &self,
        id: ObjectionId,
        step: ObjectionStep,
        by: &str,
        on: NaiveDate,
    ) -> Result<Objection, RegistryError> {
        self.store.transaction(|tx| {
            let key = numeric_key(id.0);
            let mut objection: Objection =
                get(tx, Table::Objections, &key)?.ok_or_else(|| not_found("objection", id))?;
            let notifies = matches!(step, ObjectionStep::Notify { .. });
            // A withdrawal is the applicant's act: the objection records who
            // withdrew (and goes when its record is erased), the append-only
            // log only that the applicant did, never the applicant's name.
            let logged_by = if matches!(step, ObjectionStep::Withdraw) {
                "applicant"
            } else {
                by
            };
            match step {
                ObjectionStep::Forward { to } => objection.forward(on, by, to)?,
                ObjectionStep::Opinion {
                    finding,
                    summary,
                    submitted_on,
                } => objection.receive_opinion_submitted(
                    submitted_on.unwrap_or(on),
                    on,
                    by,
                    finding,
                    summary,
                )?,
                ObjectionStep::Notify { outcome } => objection.notify(on, by, outcome)?,
                ObjectionStep::Reply { reasons } => objection.reply(on, by, reasons)?,
                ObjectionStep::Close => objection.close(on, by)?,
                ObjectionStep::Withdraw => objection.withdraw(on, by)?,
            }
            if let (Some(change), true) = (objection.item_change(), notifies) {
                Self::apply_item_change(tx, &change, by, on)?;
            }
            tx.put(
                Table::Objections,
                &key,
                to_doc(objection.subject(), &objection)?,
            )?;
            audit(
                tx,
                on,
                logged_by,
                AuditAction::ObjectionAdvanced,
                AuditTarget::Objection(id),
                Citation::new("objection.step", "plan §6(3)"),
            )?;
            Ok(objection)
        })
    }

    /// Applies an objection's decision to its item and audits it.
    fn apply_item_change(
        tx: &mut dyn Transaction,
        change: &ItemChange,
        by: &str,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        let basis = change.basis().clone();
        let (action, target) = match change {
            ItemChange::Record(change) => {
                let rkey = numeric_key(change.record.0);
                let mut record: MisconductRecord = get(tx, Table::Records, &rkey)?
                    .ok_or_else(|| not_found("record", change.record))?;
                change.apply_to(&mut record)?;
                tx.put(Table::Records, &rkey, to_doc(&record.subject, &record)?)?;
                let action = match record.status() {
                    RecordStatus::Corrected => AuditAction::Corrected,
                    _ => AuditAction::Revoked,
                };
                (action, record.id.into())
            }
            ItemChange::ListEntry(change) => {
                let ekey = numeric_key(change.entry.0);
                let mut entry: ListEntry = get(tx, Table::ListEntries, &ekey)?
                    .ok_or_else(|| not_found("list entry", change.entry))?;
                change.apply_to(&mut entry)?;
                tx.put(Table::ListEntries, &ekey, to_doc(&entry.subject, &entry)?)?;
                let action = match change.corrected_events {
                    Some(_) => AuditAction::Corrected,
                    None => AuditAction::Delisted,
                };
                let records: Vec<RecordId> = entry
                    .events
                    .iter()
                    .flat_map(|e| e.records.iter().copied())
                    .collect();
                let target = AuditTarget::ListEntry {
                    list: entry.list.to_string(),
                    subject: entry_pseudonym(tx, &entry.subject, &ekey, &records)?,
                };
                (action, target)
            }
            ItemChange::Commitment(change) => {
                let ckey = numeric_key(change.commitment.0);
                let mut c: Commitment = get(tx, Table::Commitments, &ckey)?
                    .ok_or_else(|| not_found("commitment", change.commitment))?;
                change.apply_to(&mut c)?;
                tx.put(Table::Commitments, &ckey, to_doc(&c.subject, &c)?)?;
                let action = match change.corrected_text {
                    Some(_) => AuditAction::Corrected,
                    None => AuditAction::Revoked,
                };
                (action, AuditTarget::Commitment(c.id))
            }
        };
        audit(tx, on, by, action, target, basis)?;
        Ok(())
    }

    fn all_objections(&self) -> Result<Vec<Objection>, RegistryError> {
        let objections: Vec<(String, Objection)> = self
            .store
            .transaction(|tx| Ok::<_, RegistryError>(scan(tx, Table::Objections, None)?))?;
        Ok(objections.into_iter().map(|(_, o)| o).collect())
    }

    /// The status of every open objection on `on`, most urgent first.
    ///
    /// # Errors
    ///
    /// [`RegistryError::Calendar`] outside the calendar, or a store failure.
    pub fn objection_desk(
        &self,
        on: NaiveDate,
    ) -> Result<Vec<(ObjectionId, ObjectionStatus)>, RegistryError> {
        let setup = self.setup();
        let mut desk = Vec::new();
        for o in self.all_objections()? {
            if o.stage_on(on).is_some_and(|s| !s.is_final()) {
                desk.push((o.id(), o.status_on(&*setup.calendar, on)?));
            }
        }
        desk.sort_by_key(|(id, s)| (!s.is_overdue(), s.most_urgent().map(|d| d.due), *id));
        Ok(desk)
    }

    /// The objection steps overdue on `on`, by the section answerable for
    /// them (plan §6(9); see [`crate::objection::overdue_by_section`]).
    ///
    /// # Errors
    ///
    /// [`RegistryError::Objection`] when a count leaves the calendar, or a
    /// store failure.
    pub fn overdue_objection_steps(
        &self,
        on: NaiveDate,
    ) -> Result<std::collections::BTreeMap<Section, Vec<LateStep>>, RegistryError> {
        let objections = self.all_objections()?;
        Ok(crate::objection::overdue_by_section(
            &*self.setup().calendar,
            &objections,
            on,
        )?)
    }

    /// The quarterly reports owed on quarter `quarter` (1–4) of `year`
    /// under `rule` (plan §8(3)), one per reporting section, each with the
    /// objection steps the section completed late in the quarter and how
    /// late, and those still overdue at its end (plan §6(9)).
    ///
    /// # Errors
    ///
    /// [`RegistryError::Objection`] for a quarter outside 1–4 or the
    /// calendar, or a store failure.
    pub fn quarterly_report(
        &self,
        rule: &ReportingRule,
        year: i32,
        quarter: u32,
    ) -> Result<Vec<(QuarterlyReport, SectionLateness)>, RegistryError> {
        let objections = self.all_objections()?;
        Ok(crate::reporting::quarterly_report(
            rule,
            &*self.setup().calendar,
            &objections,
            year,
            quarter,
        )?)
    }

    /// What the section that provided a record must restore after it was
    /// revoked or corrected on an objection (plan §6(3)): the measures in
    /// force because of it, from when to when, for its subject and for each
    /// person linked to its organization (plan §5(6)).
    ///
    /// # Errors
    ///
    /// [`RegistryError::Assess`] when the record was neither revoked nor
    /// corrected, or as [`Registry::assess`].
    pub fn restoration(&self, record: RecordId) -> Result<RestorationView, RegistryError> {
        let setup = self.setup();
        let subject = self.record(record)?.subject;
        let loaded = self.load(&subject)?;
        let rules = setup.rules.rules();
        let dossier = Self::dossier(&loaded);
        let r = assess::restoration(&dossier, &rules, &*setup.calendar, record)?;
        let ranges = |r: &assess::Restoration<'_>| {
            r.measures
                .iter()
                .map(|m| (m.measure.id.clone(), m.from, m.until))
                .collect::<Vec<_>>()
        };
        let mut persons = Vec::new();
        if let SubjectId::Organization(org) = &subject {
            let links: Vec<(String, RoleLink)> = self
                .store
                .transaction(|tx| Ok::<_, RegistryError>(scan(tx, Table::RoleLinks, None)?))?;
            let mut linked: Vec<ResidentId> = links
                .into_iter()
                .filter(|(_, l)| &l.organization == org)
                .map(|(_, l)| l.person)
                .collect();
            linked.sort();
            linked.dedup();
            for person in linked {
                let person_id: SubjectId = person.into();
                let loaded = self.load(&person_id)?;
                let dossier = Self::dossier(&loaded);
                let p = assess::restoration(&dossier, &rules, &*setup.calendar, record)?;
                if !p.measures.is_empty() {
                    persons.push((person_id.display_masked(), ranges(&p)));
                }
            }
        }
        Ok(RestorationView {
            record: r.record,
            owed_by: r.owed_by,
            measures: ranges(&r),
            persons,
            basis: r.basis.clone(),
        })
    }

    /// Signs a commitment (plan §4(1), §4(3)).
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`] for an unregistered subject, or a store failure.
    pub fn sign_commitment(
        &self,
        subject: &SubjectId,
        kind: CommitmentKind,
        text: &str,
        by: &str,
        on: NaiveDate,
    ) -> Result<Commitment, RegistryError> {
        self.store.transaction(|tx| {
            Self::require_subject(tx, subject)?;
            let id = CommitmentId(tx.next_id(Table::Commitments)?);
            let commitment = Commitment {
                id,
                subject: subject.clone(),
                kind,
                text: text.to_owned(),
                signed_on: on,
                published_on: None,
                fulfilled_on: None,
                withdrawn_on: None,
                corrected_text: None,
            };
            tx.put(
                Table::Commitments,
                &numeric_key(id.0),
                to_doc(subject, &commitment)?,
            )?;
            audit(
                tx,
                on,
                by,
                AuditAction::CommitmentSigned,
                AuditTarget::Commitment(id),
                Citation::new("commitment.sign", "plan §4(1)"),
            )?;
            Ok(commitment)
        })
    }

    fn change_commitment(
        &self,
        id: CommitmentId,
        by: &str,
        on: NaiveDate,
        action: AuditAction,
        basis: Citation,
        change: impl FnOnce(&mut Commitment) -> Result<(), CommitmentError>,
    ) -> Result<Commitment, RegistryError> {
        self.store.transaction(|tx| {
            let key = numeric_key(id.0);
            let mut c: Commitment =
                get(tx, Table::Commitments, &key)?.ok_or_else(|| not_found("commitment", id))?;
            change(&mut c)?;
            tx.put(Table::Commitments, &key, to_doc(&c.subject, &c)?)?;
            audit(tx, on, by, action, AuditTarget::Commitment(id), basis)?;
            Ok(c)
        })
    }

    /// Publishes a commitment (plan §4(1)).
    ///
    /// # Errors
    ///
    /// [`RegistryError::Commitment`] when it cannot be published that day,
    /// [`RegistryError::NotFound`], or a store failure.
    pub fn publish_commitment(
        &self,
        id: CommitmentId,
        by: &str,
        on: NaiveDate,
    ) -> Result<Commitment, RegistryError> {
        self.change_commitment(
            id,
            by,
            on,
            AuditAction::CommitmentPublished,
            Citation::new("commitment.publish", "plan §4(1)"),
            |c| c.publish(on),
        )
    }

    /// Marks a pledge to supply materials fulfilled (plan §4(3)).
    ///
    /// # Errors
    ///
    /// [`RegistryError::Commitment`] when it cannot be fulfilled that day,
    /// [`RegistryError::NotFound`], or a store failure.
    pub fn fulfil_commitment(
        &self,
        id: CommitmentId,
        by: &str,
        on: NaiveDate,
    ) -> Result<Commitment, RegistryError> {
        self.change_commitment(
            id,
            by,
            on,
            AuditAction::CommitmentFulfilled,
            Citation::new("commitment.fulfil", "plan §4(3)"),
            |c| c.fulfil(on),
        )
    }

    /// Receives a tip-off, keeping the reporter's identity sealed (plan §5(5)1).
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`] for an unregistered subject, or a store failure.
    pub fn receive_report(
        &self,
        subject: &SubjectId,
        summary: &str,
        reporter: Reporter,
        by: &str,
        on: NaiveDate,
    ) -> Result<ReportId, RegistryError> {
        self.store.transaction(|tx| {
            Self::require_subject(tx, subject)?;
            let id = ReportId(tx.next_id(Table::Reports)?);
            let body = ReportBody {
                id,
                subject: subject.clone(),
                received_on: on,
                summary: summary.to_owned(),
            };
            let mut doc = to_doc(subject, &body)?;
            doc.sealed = Some(
                serde_json::to_string(&SealedReporter {
                    name: reporter.name,
                    contact: reporter.contact,
                })
                .map_err(StoreError::backend)?,
            );
            tx.put(Table::Reports, &numeric_key(id.0), doc)?;
            audit(
                tx,
                on,
                by,
                AuditAction::ReportReceived,
                AuditTarget::Report(id),
                Citation::new("report.receive", "plan §5(5)1"),
            )?;
            Ok(id)
        })
    }

    /// A tip-off by id, with its reporter sealed.
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`], or a store failure.
    pub fn report(&self, id: ReportId) -> Result<Report, RegistryError> {
        self.store.transaction(|tx| {
            let key = numeric_key(id.0);
            let doc = tx
                .get(Table::Reports, &key)?
                .ok_or_else(|| not_found("report", id))?;
            let body: ReportBody = load(Table::Reports, &key, &doc)?;
            let sealed: SealedReporter =
                serde_json::from_str(doc.sealed.as_deref().unwrap_or_default()).map_err(|e| {
                    StoreError::Corrupt {
                        table: Table::Reports,
                        key: key.clone(),
                        problem: e.to_string(),
                    }
                })?;
            Ok(Report::new(
                body.id,
                body.subject,
                body.received_on,
                body.summary,
                Reporter {
                    name: sealed.name,
                    contact: sealed.contact,
                },
            ))
        })
    }

    /// Applies credit repair to a record (plan §6(7)) under the repair
    /// policy in force on `on`: its status becomes `Repaired` and its
    /// sanctions end that day; nothing is deleted.
    ///
    /// # Errors
    ///
    /// [`RegistryError::Repair`] when the record is not eligible (the error
    /// lists every unmet condition), [`RegistryError::NotFound`], or a store
    /// failure.
    pub fn apply_repair(
        &self,
        record: RecordId,
        facts: &RepairFacts,
        by: &str,
        on: NaiveDate,
    ) -> Result<MisconductRecord, RegistryError> {
        let setup = self.setup();
        self.store.transaction(|tx| {
            let (key, mut rec) = get_record(tx, record)?;
            let others: Vec<MisconductRecord> = scan(tx, Table::Records, Some(&rec.subject))?
                .into_iter()
                .map(|(_, r)| r)
                .filter(|r: &MisconductRecord| r.id != record)
                .collect();
            let repair = setup.rules.repair.apply(&mut rec, facts, &others, on, by)?;
            tx.put(Table::Records, &key, to_doc(&rec.subject, &rec)?)?;
            append_entry(tx, &repair.audit)?;
            Ok(rec)
        })
    }

    /// The daily sweep for `on`, run by `by` (usually `system`): erases the
    /// personal records due (plan §6(7)) with every document about them
    /// (DESIGN.md, "What does an erasure remove?"), records listings that time on a
    /// list leads to, and reports automatic list exits, overdue objection
    /// steps, objections whose deadlines are not final, and overdue pledges
    /// to supply materials. All in one transaction.
    ///
    /// A count that leaves the calendar never stops the sweep: the item it
    /// belongs to is reported in [`SweepReport::not_computed`] with the
    /// reason, and every other item, every erasure first, is still done.
    ///
    /// # Errors
    ///
    /// A store failure, an erasure that cannot be made, or no grading
    /// policy in force; nothing is changed then.
    pub fn daily_sweep(&self, by: &str, on: NaiveDate) -> Result<SweepReport, RegistryError> {
        let setup = self.setup();
        let calendar = &*setup.calendar;
        self.store.transaction(|tx| {
            let mut report = SweepReport {
                on,
                ..SweepReport::default()
            };
            // Erasures.
            let records: Vec<(String, MisconductRecord)> = scan(tx, Table::Records, None)?;
            let retention = &setup.rules.retention;
            // Publication ends (reported, not changed: the record keeps its
            // status; the assessment and the public view stop counting it).
            for (_, record) in &records {
                if let (Some(decision), Some(RecordStatus::Active | RecordStatus::Corrected)) =
                    (&record.decision, record.status_on(on))
                {
                    let end = |severity| {
                        setup
                            .rules
                            .repair
                            .publication_end(severity, decision)
                            .map(|e| e.on)
                    };
                    // Published yesterday and not today: its end is today,
                    // or a correction today lowered its severity to one whose
                    // end has already come (plan §6(3)).
                    let today = end(record.severity_on(on));
                    let yesterday = match on.pred_opt() {
                        Some(y) if record.severity_on(y) != record.severity_on(on) => {
                            end(record.severity_on(y))
                        }
                        _ => today,
                    };
                    if today.is_some_and(|e| e <= on) && yesterday.is_none_or(|e| e >= on) {
                        report.publication_ended.push(record.id);
                    }
                }
            }
            for (key, mut record) in records {
                if retention.is_due(&record, on) {
                    // The retention rule checks and decides; the erasure
                    // itself (its audit entries included) is `erase_in`.
                    retention.erase(&mut record, on, by)?;
                    erase_in(tx, &key, &record, by)?;
                    report.erased.push(record.id);
                } else if record.status() == RecordStatus::Erased {
                    // Erased by an earlier version, which kept the record:
                    // finish the erasure (its day and rule stay those of
                    // the record's `Erased` change).
                    erase_in(tx, &key, &record, by)?;
                }
            }
            // Lists: standings (decided by the assessment, the one function
            // the public view uses too), automatic exits, overdue removals,
            // and listings from time on a list.
            let policy = setup.policy(on)?;
            let entries: Vec<(String, ListEntry)> = scan(tx, Table::ListEntries, None)?;
            let mut gaps = Vec::new();
            let mut gap =
                |item: String, reason: CalendarError| gaps.push(SweepGap { item, reason });
            let mut subjects: std::collections::BTreeSet<SubjectId> =
                std::collections::BTreeSet::new();
            for (_, entry) in &entries {
                if let Some(lc) = policy.lifecycle() {
                    let standing = match lc.standing(entry, on, calendar) {
                        Ok(standing) => Some(standing),
                        Err(reason) => {
                            gap(entry_item(entry), reason);
                            None
                        }
                    };
                    if let Some(Standing::Exited { on: exit_on, .. }) = standing {
                        if exit_on == on && entry.removed_on.is_none() {
                            report
                                .list_exits
                                .push((entry.subject.display_masked(), entry.list.clone()));
                        }
                    }
                    match lc.overdue_removal(entry, on, calendar) {
                        Ok(Some(overdue)) => report.overdue_removals.push(overdue),
                        Ok(None) => {}
                        // Reported above, when the entry's exit was checked.
                        Err(_) => {}
                    }
                }
                subjects.insert(entry.subject.clone());
            }
            let rules = setup.rules.rules();
            for subject in subjects {
                let loaded = Self::load_in(tx, &subject)?;
                let dossier = Self::dossier(&loaded);
                let assessment = match assess::assess(&dossier, &rules, calendar, on) {
                    Ok(assessment) => assessment,
                    Err(AssessError::Calendar(reason)) => {
                        gap(
                            format!("list standing of {}", subject.display_masked()),
                            reason,
                        );
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                };
                let standing: Vec<&ListEntry> = assessment.lists().map(|(e, _)| e).collect();
                let mut lists: Vec<ListKind> = standing.iter().map(|e| e.list.clone()).collect();
                let kind = if subject.is_person() {
                    SubjectKind::Person
                } else {
                    SubjectKind::Organization
                };
                let mut facts = Facts::new(on).about(kind);
                // Time on a list counts from the start of the continuous
                // stay, not from the latest listing event (MCA Order No. 60
                // (2018) art. 14(1), unconfirmed), and without the events of
                // revoked records.
                let counting = assess::counting_records(&loaded.records, on);
                for e in &standing {
                    let Some(list) = Self::list_id_for(policy, &e.list) else {
                        continue;
                    };
                    let valid = assess::without_void_events(e, &counting);
                    let view = valid.as_ref().unwrap_or(e);
                    let since = match policy.lifecycle() {
                        Some(lc) => match lc.continuous_since(view, on, calendar) {
                            Ok(since) => since,
                            Err(reason) => {
                                gap(entry_item(e), reason);
                                continue;
                            }
                        },
                        None => view.listed_on(on),
                    };
                    if let Some(since) = since {
                        facts.listings.push(Listing { list, since });
                    }
                }
                if let Some(grade) = policy.grade(&facts) {
                    if let Some(list_id) = &grade.list {
                        let kind = policy.list(list_id).map(|l| l.kind.clone());
                        // One listing by the rule per stay counted.
                        let stay = grade.matched.iter().find_map(|m| match m {
                            crate::grading::MatchedFact::TimeOnList { since, .. } => Some(*since),
                            _ => None,
                        });
                        let already = loaded.lists.iter().any(|e| {
                            Some(&e.list) == kind.as_ref()
                                && e.events.iter().any(|ev| {
                                    ev.rule.as_deref() == Some(&grade.citation.rule)
                                        && stay.is_none_or(|s| ev.on >= s)
                                })
                        });
                        if let (Some(kind), false) = (kind, already) {
                            let mut keyed = scan(tx, Table::ListEntries, Some(&subject))?;
                            let key = self.list_in(
                                tx,
                                &mut keyed,
                                &subject,
                                kind,
                                on,
                                Some(grade.citation.rule.to_string()),
                                Vec::new(),
                                by,
                                &grade.citation,
                            )?;
                            put_entry(tx, &keyed, &key)?;
                            report
                                .listed
                                .push((subject.display_masked(), grade.citation.clone()));
                            // The standing after this sweep's listing, as
                            // the assessment now gives it.
                            let loaded = Self::load_in(tx, &subject)?;
                            let dossier = Self::dossier(&loaded);
                            match assess::assess(&dossier, &rules, calendar, on) {
                                Ok(after) => {
                                    lists = after.lists().map(|(e, _)| e.list.clone()).collect();
                                }
                                Err(AssessError::Calendar(reason)) => gap(
                                    format!("list standing of {}", subject.display_masked()),
                                    reason,
                                ),
                                Err(e) => return Err(e.into()),
                            }
                        }
                    }
                }
                if !lists.is_empty() {
                    report.standings.push((subject.display_masked(), lists));
                }
            }
            // Overdue objections and pledges (reported, not changed).
            let objections: Vec<(String, Objection)> = scan(tx, Table::Objections, None)?;
            let mut overdue = Vec::new();
            for (_, o) in objections {
                if o.stage_on(on).is_some_and(|s| !s.is_final()) {
                    let status = match o.status_on(calendar, on) {
                        Ok(status) => status,
                        Err(ObjectionError::Calendar(reason)) => {
                            gap(format!("objection {}", o.id()), reason);
                            continue;
                        }
                        Err(e) => return Err(e.into()),
                    };
                    for missing in &status.deadlines.missing {
                        gap(
                            format!("objection {}: {}", o.id(), missing.basis.rule),
                            missing.reason.clone(),
                        );
                    }
                    if status.deadlines.finality > Finality::Final {
                        report
                            .unsettled_deadlines
                            .push((o.id(), status.deadlines.finality));
                    }
                    if status.is_overdue() {
                        let late = status
                            .overdue
                            .iter()
                            .map(|x| x.working_days)
                            .max()
                            .unwrap_or(0);
                        overdue.push((std::cmp::Reverse(late), o.id()));
                    }
                }
            }
            overdue.sort();
            report.overdue_objections = overdue.into_iter().map(|(_, id)| id).collect();
            report.not_computed = gaps;
            let commitments: Vec<(String, Commitment)> = scan(tx, Table::Commitments, None)?;
            report.overdue_pledges = commitments
                .iter()
                .filter_map(|(_, c)| c.overdue_on(on))
                .collect();
            Ok(report)
        })
    }

    fn load(&self, id: &SubjectId) -> Result<Loaded, RegistryError> {
        self.store.transaction(|tx| Self::load_in(tx, id))
    }

    /// Everything about one subject, read in the transaction `tx`.
    fn load_in(tx: &mut dyn Transaction, id: &SubjectId) -> Result<Loaded, RegistryError> {
        {
            let subject = Self::require_subject(tx, id)?;
            let mut records: Vec<MisconductRecord> = scan(tx, Table::Records, Some(id))?
                .into_iter()
                .map(|(_, r)| r)
                .collect();
            let lists: Vec<ListEntry> = scan(tx, Table::ListEntries, Some(id))?
                .into_iter()
                .map(|(_, e)| e)
                .collect();
            let commitments: Vec<Commitment> = scan(tx, Table::Commitments, Some(id))?
                .into_iter()
                .map(|(_, c)| c)
                .collect();
            // Objections are kept under the subject of their record.
            let mut objections: Vec<Objection> = scan(tx, Table::Objections, Some(id))?
                .into_iter()
                .map(|(_, o)| o)
                .collect();
            let mut roster = Roster::default();
            if id.is_person() {
                let links: Vec<(String, RoleLink)> = scan(tx, Table::RoleLinks, Some(id))?;
                let mut orgs = std::collections::BTreeSet::new();
                for (_, link) in links {
                    orgs.insert(link.organization.clone());
                    roster.link(link)?;
                }
                for org in orgs {
                    let org_id: SubjectId = org.into();
                    records.extend(
                        scan::<MisconductRecord>(tx, Table::Records, Some(&org_id))?
                            .into_iter()
                            .map(|(_, r)| r),
                    );
                    objections.extend(
                        scan::<Objection>(tx, Table::Objections, Some(&org_id))?
                            .into_iter()
                            .map(|(_, o)| o),
                    );
                }
            }
            Ok(Loaded {
                subject,
                records,
                lists,
                roster,
                commitments,
                objections,
            })
        }
    }

    fn dossier(loaded: &Loaded) -> Dossier<'_> {
        Dossier {
            subject: &loaded.subject,
            records: &loaded.records,
            lists: &loaded.lists,
            roster: &loaded.roster,
            commitments: &loaded.commitments,
            objections: &loaded.objections,
        }
    }

    /// Assesses a subject as of `on` (SPEC §4): worst severity, measures
    /// with their clauses, lists, green channel, the next dated change.
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`] for an unregistered subject,
    /// [`RegistryError::Assess`] when no policy is in force or a count
    /// leaves the calendar, or a store failure.
    pub fn assess(
        &self,
        id: &SubjectId,
        on: NaiveDate,
    ) -> Result<AssessmentSummary, RegistryError> {
        self.with_assessment(id, on, |a| a.summary())
    }

    /// Assesses a subject and hands the full [`assess::Assessment`] (with
    /// every ground) to `f`.
    ///
    /// # Errors
    ///
    /// As [`Registry::assess`].
    pub fn with_assessment<R>(
        &self,
        id: &SubjectId,
        on: NaiveDate,
        f: impl FnOnce(&assess::Assessment<'_>) -> R,
    ) -> Result<R, RegistryError> {
        let loaded = self.load(id)?;
        let setup = self.setup();
        let rules = setup.rules.rules();
        let dossier = Self::dossier(&loaded);
        let assessment = assess::assess(&dossier, &rules, &*setup.calendar, on)?;
        Ok(f(&assessment))
    }

    /// What may be published about a subject on `on` (plan §6(2)).
    ///
    /// # Errors
    ///
    /// As [`Registry::assess`].
    pub fn public_view(&self, id: &SubjectId, on: NaiveDate) -> Result<PublicView, RegistryError> {
        let loaded = self.load(id)?;
        let setup = self.setup();
        let rules = setup.rules.rules();
        let dossier = Self::dossier(&loaded);
        let assessment = assess::assess(&dossier, &rules, &*setup.calendar, on)?;
        let name = match &loaded.subject {
            Subject::Organization(o) => o.name.clone(),
            Subject::Person(p) => p.masked_name(),
        };
        let records = loaded
            .records
            .iter()
            .filter(|r| &r.subject == id)
            .filter(|r| {
                matches!(
                    r.status_on(on),
                    Some(RecordStatus::Active | RecordStatus::Corrected)
                )
            })
            // plan §6(7), 有限期惩戒: "最长公示期限届满的，信用网站将撤下相关信息"
            // (527); "最长公示期届满后，相关信息自动停止公示" (NDRC Order No. 36).
            .filter(|r| {
                r.decision.as_ref().is_none_or(|d| {
                    rules
                        .repair
                        .publication_end(r.severity_on(on), d)
                        .is_none_or(|e| e.on > on)
                })
            })
            .map(|r| PublicRecord {
                id: r.id,
                conduct: r.conduct.clone(),
                severity: r.severity_on(on),
                section: r.section,
                recorded_on: r.recorded_on,
                graded_by: r.graded_by.clone(),
            })
            .collect();
        // The standing the assessment decided: the same function as the
        // assessment's measures and the daily sweep.
        let lists = assessment.lists().map(|(e, _)| e.list.clone()).collect();
        let measures = assessment
            .measures()
            .map(|m| PublicMeasure {
                id: m.measure().id.clone(),
                chinese_name: m.measure().chinese_name.clone(),
                english_name: m.measure().english_name.clone(),
                source: m.measure().source.clone(),
            })
            .collect();
        let commitments = loaded
            .commitments
            .iter()
            .filter(|c| c.is_published_on(on))
            .map(|c| (c.signed_on, c.effective_text().to_owned()))
            .collect();
        Ok(PublicView {
            id: id.display_masked(),
            name,
            as_of: on,
            records,
            lists,
            measures,
            commitments,
        })
    }

    /// The audit log after sequence number `after`, oldest first.
    ///
    /// # Errors
    ///
    /// A store failure, or a stored entry that cannot be read.
    pub fn audit_log(&self, after: u64) -> Result<Vec<(u64, AuditEntry)>, RegistryError> {
        let raw = self.store.transaction(|tx| tx.audit_since(after))?;
        raw.into_iter()
            .map(|(seq, value)| {
                let entry = serde_json::from_str(&value).map_err(|e| StoreError::Corrupt {
                    table: Table::Records,
                    key: format!("audit {seq}"),
                    problem: e.to_string(),
                })?;
                Ok((seq, entry))
            })
            .collect()
    }
}

/// One step of an objection, for [`Registry::advance_objection`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum ObjectionStep {
    /// The Office forwards it to the originating section.
    Forward {
        /// The section.
        to: Section,
    },
    /// The Office receives the section's written opinion on the step's day.
    Opinion {
        /// Whether the section found an error.
        finding: OpinionFinding,
        /// The opinion's summary.
        summary: String,
        /// The day the section submitted it, when before the Office's
        /// receipt (its 5 working days are met by this day); the step's day
        /// when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        submitted_on: Option<NaiveDate>,
    },
    /// The Office notifies the applicant of the outcome.
    Notify {
        /// The outcome.
        outcome: Outcome,
    },
    /// The Office replies to the credit subject with its reasons.
    Reply {
        /// The reasons given.
        reasons: String,
    },
    /// The Office closes it.
    Close,
    /// The applicant withdraws it.
    Withdraw,
}

//! Records: recording findings one by one (in bulk: `import`),
//! reading them, erasing them and applying credit repair.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::audit::{AuditAction, AuditTarget, PseudonymKey};
use crate::calendar::WorkCalendar;
use crate::citation::Citation;
use crate::commitment::{Commitment, CommitmentKind};
use crate::grading::{Facts, Finding, FindingIndex, Listing, SubjectKind};
use crate::lists::{ListEntry, ListEntryId, ListKind, Obligations};
use crate::misconduct::{
    ConductKind, MisconductRecord, RecordContent, RecordId, RecordStatus, Section,
};
use crate::objection::{CreditItem, Objection};
use crate::permission::{Operation, Target};
use crate::repair::RepairFacts;
use crate::retention::Tombstone;
use crate::store::{numeric_key, Doc, Store, StoreError, Table, Transaction};
use crate::subject::SubjectId;

use super::*;

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
    /// date starts the publication and repair periods (plan §6(7)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<crate::repair::PenaltyDecision>,
}

/// A recorded finding with what it caused, from the transaction that
/// recorded it (issue 21 point 8): a caller learns whether the finding put
/// the subject on a list without a second call, and a failure leaves
/// nothing saved.
///
/// It dereferences to the [`MisconductRecord`], so `recorded.id` and
/// `recorded.severity` read the record as before; `recorded.listing` is the
/// listing event, `into_record()` gives the record alone.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::lists::ListKind;
/// use social_credit::misconduct::{ConductKind, RecordContent, Section};
/// use social_credit::registry::{NewRecord, Registry};
/// use social_credit::store::MemoryStore;
/// use social_credit::{Actor, Organization, OrganizationKind, Subject, SubjectId, Uscc};
///
/// let registry = Registry::official(MemoryStore::new());
/// let section = Actor::section(Section::SocialOrganizations);
/// let d = |m, day| NaiveDate::from_ymd_opt(2019, m, day).unwrap();
/// let uscc: Uscc = "91350100M000100Y43".parse()?;
/// registry.register_subject(Subject::Organization(Organization {
///     uscc: uscc.clone(), name: "协会".into(),
///     kind: OrganizationKind::SocialAssociation, established_on: None,
/// }), &section, d(1, 7))?;
/// let recorded = registry.record_misconduct(NewRecord {
///     subject: SubjectId::from(uscc),
///     conduct: ConductKind::new("warning"),
///     section: Section::SocialOrganizations,
///     occurred_on: d(3, 1),
///     ended_on: None,
///     content: RecordContent { description: "late report".into(),
///         legal_basis: "art. 30".into(), evidence: vec![], fine: None },
///     decision: None,
/// }, &section, d(3, 4))?;
/// // The record, read through the wrapper, and the listing it caused: an
/// // association warned goes on the activity-abnormal list.
/// assert_eq!(recorded.recorded_on, d(3, 4));
/// let listing = recorded.listing.as_ref().ok_or("a warning lists")?;
/// assert_eq!(listing.list, ListKind::ActivityAbnormal);
/// assert_eq!(listing.basis.rule, "abnormal.warning");
/// assert_eq!(listing.restarted, None); // not listed before
/// let (entry, _) = &registry.list_entries(&recorded.subject)?[0];
/// assert_eq!(*entry, listing.entry);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Recorded {
    /// The record as stored. In JSON its fields sit beside `listing` and
    /// `exemption`, so an answer reads as the record with what it caused.
    #[serde(flatten)]
    pub record: MisconductRecord,
    /// The listing event the finding caused, if its grade lists the
    /// subject; `None` when it lists nobody or was exempted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing: Option<Listed>,
    /// For [`Registry::record_misconduct_certified`]: the exemption clause
    /// under which the finding did not list the organization, as audited
    /// (rule `lists.abnormal_exemption`, the clause and the certificate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption: Option<Citation>,
}

impl Recorded {
    /// The record, without what it caused.
    pub fn into_record(self) -> MisconductRecord {
        self.record
    }
}

impl std::ops::Deref for Recorded {
    type Target = MisconductRecord;

    fn deref(&self) -> &MisconductRecord {
        &self.record
    }
}

impl AsRef<MisconductRecord> for Recorded {
    fn as_ref(&self) -> &MisconductRecord {
        &self.record
    }
}

impl From<Recorded> for MisconductRecord {
    fn from(recorded: Recorded) -> Self {
        recorded.record
    }
}

/// The listing event a finding caused: the subject went on `list` on `on`,
/// in the entry `entry` (a new one, or the open one, whose listing period
/// then counts from `on`: a new event while listed restarts it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Listed {
    /// The list.
    pub list: ListKind,
    /// The entry the event is in, as [`Registry::list_entries`] names it.
    pub entry: ListEntryId,
    /// The day of the event (the recording day).
    pub on: NaiveDate,
    /// `Some(day)` when the event joined an entry that already had an
    /// earlier listing event and no removal recorded: the listing period,
    /// which counted from `day`, now counts from `on`. `None` for a new
    /// entry. Whether an automatic exit had already come is not judged
    /// here; [`Registry::assess`] says where the subject stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restarted: Option<NaiveDate>,
    /// The grading rule that listed the subject and its clause, as the
    /// record's `graded_by` and the audit entry cite it.
    pub basis: Citation,
}

/// The checks of a finding that need nothing stored: plausible dates in
/// order and no negative fine. On a failure, the field at fault (as
/// [`ImportRow`] names it) and the error.
pub(super) fn check_new(
    new: &NewRecord,
    on: NaiveDate,
) -> Result<(), (&'static str, RegistryError)> {
    plausible("the recording date", on).map_err(|e| ("recorded_on", e))?;
    plausible("the conduct date", new.occurred_on).map_err(|e| ("occurred_on", e))?;
    if let Some(ended) = new.ended_on {
        plausible("the conduct's end date", ended).map_err(|e| ("ended_on", e))?;
    }
    if let Some(decision) = &new.decision {
        plausible("the penalty decision date", decision.decided_on)
            .map_err(|e| ("decision.decided_on", e))?;
    }
    if let Some(fine) = new
        .content
        .fine
        .filter(|f| f.is_sign_negative() && !f.is_zero())
    {
        return Err(("content.fine", RegistryError::NegativeFine { fine }));
    }
    if new.occurred_on > on {
        return Err((
            "occurred_on",
            RegistryError::Dates {
                problem: format!(
                    "the conduct occurred on {}, after it is recorded on {on}",
                    new.occurred_on
                ),
            },
        ));
    }
    if let Some(ended) = new.ended_on.filter(|e| *e < new.occurred_on) {
        return Err((
            "ended_on",
            RegistryError::Dates {
                problem: format!(
                    "the conduct ended on {ended}, before it occurred on {}",
                    new.occurred_on
                ),
            },
        ));
    }
    Ok(())
}

/// The record at `id`, or [`RegistryError::Erased`] when only its tombstone
/// is left.
pub(super) fn get_record(
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
pub(super) fn erase_in(
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

/// A subject's records and list entries, as grading needs them; kept up to
/// date within one transaction, and kept after it by the registry's cache
/// for the next finding about the subject.
#[derive(Debug)]
pub(super) struct SubjectState {
    pub(super) records: Vec<MisconductRecord>,
    pub(super) entries: Vec<(String, ListEntry)>,
    // Keys of entries changed since loading, written by `flush`: a bulk
    // import writes each changed entry once, not once per record.
    pub(super) dirty: std::collections::BTreeSet<String>,
    // What grading needs of the records and entries on one day, made once
    // and kept up to date as records are added: a bulk import grades each
    // finding in bounded time, not in time growing with the subject's
    // records (issue 17, defect 12).
    on_day: Option<DayView>,
}

/// A subject's earlier findings and open listings as of one day.
#[derive(Debug)]
struct DayView {
    on: NaiveDate,
    findings: FindingIndex,
    // Entry key, list, and the day its listing clock starts.
    listings: Vec<(String, ListKind, NaiveDate)>,
}

/// The finding `record` counts as on `on` for repeat conditions, if it
/// counts: in force (not revoked) that day, dated by its penalty decision
/// where there is one by then ("three years, two penalties", MCA Order
/// No. 60 (2018) art. 14(5), unconfirmed).
fn earlier_finding(record: &MisconductRecord, on: NaiveDate) -> Option<Finding> {
    if !record
        .status_on(on)
        .is_some_and(|s| s != RecordStatus::Revoked)
    {
        return None;
    }
    Some(Finding {
        conduct: record.conduct.clone(),
        fine: record.effective_content().and_then(|c| c.fine),
        on: penalty_day(record.decision.as_ref(), on, record.recorded_on),
    })
}

/// The day a penalty counts from: its decision, where there is one by
/// `on`; `otherwise` else.
fn penalty_day(
    decision: Option<&crate::repair::PenaltyDecision>,
    on: NaiveDate,
    otherwise: NaiveDate,
) -> NaiveDate {
    decision
        .map(|d| d.decided_on)
        .filter(|d| *d <= on)
        .unwrap_or(otherwise)
}

impl SubjectState {
    /// Loads the state of a registered subject.
    pub(super) fn load(
        tx: &mut dyn Transaction,
        subject: &SubjectId,
    ) -> Result<Self, RegistryError> {
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
            on_day: None,
        })
    }

    /// The view of the records and entries as of `on`, made on first use.
    fn view(&mut self, on: NaiveDate) -> &mut DayView {
        if self.on_day.as_ref().is_some_and(|v| v.on != on) {
            self.on_day = None;
        }
        let (records, entries) = (&self.records, &self.entries);
        self.on_day.get_or_insert_with(|| {
            let mut findings = FindingIndex::default();
            for f in records.iter().filter_map(|r| earlier_finding(r, on)) {
                findings.insert(&f);
            }
            let listings = entries
                .iter()
                .filter(|(_, e)| e.removed_on.is_none_or(|r| r > on))
                .filter_map(|(k, e)| Some((k.clone(), e.list.clone(), e.clock_start(on)?)))
                .collect();
            DayView {
                on,
                findings,
                listings,
            }
        })
    }

    /// Adds `record`, recorded on `on`, keeping the view of `on` up to date.
    fn push_record(&mut self, record: MisconductRecord, on: NaiveDate) {
        if let Some(view) = self.on_day.as_mut().filter(|v| v.on == on) {
            if let Some(f) = earlier_finding(&record, on) {
                view.findings.insert(&f);
            }
        }
        self.records.push(record);
    }

    /// Notes that the entry at `key` on `list` had a listing event on `on`
    /// (its clock restarts that day), keeping the view of `on` up to date.
    fn listed(&mut self, key: &str, list: &ListKind, on: NaiveDate) {
        if let Some(view) = self.on_day.as_mut().filter(|v| v.on == on) {
            match view.listings.iter_mut().find(|(k, _, _)| k == key) {
                Some((_, _, since)) => *since = on.max(*since),
                None => view.listings.push((key.to_owned(), list.clone(), on)),
            }
        }
    }

    /// Writes the changed list entries.
    pub(super) fn flush(&mut self, tx: &mut dyn Transaction) -> Result<(), RegistryError> {
        for key in std::mem::take(&mut self.dirty) {
            put_entry(tx, &self.entries, &key)?;
        }
        Ok(())
    }
}

impl<S: Store, C: WorkCalendar> Registry<S, C> {
    /// Records a finding, graded by the policy in force on `on` (plan §3(3)):
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
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<Recorded, RegistryError> {
        self.record_one(new, None, Operation::RecordMisconduct, actor, on)
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
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<Recorded, RegistryError> {
        self.record_one(
            new,
            Some(certificate),
            Operation::RecordMisconductCertified,
            actor,
            on,
        )
    }

    /// One finding in one transaction, for [`Registry::record_misconduct`]
    /// and [`Registry::record_misconduct_certified`] (`exempt` holds the
    /// certificate).
    fn record_one(
        &self,
        new: NewRecord,
        exempt: Option<&str>,
        operation: Operation,
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<Recorded, RegistryError> {
        self.authorize(actor, operation, Target::section(new.section))?;
        let setup = self.setup();
        // What the transaction left of the subject, and the generation its
        // commit gives the subject, where the store can tell.
        let mut left: Option<(u64, SubjectState)> = None;
        let record = self.write_tx(operation.name(), None, |tx| {
            left = None;
            // Before anything is written: the state the last finding left,
            // if the subject is unchanged since, else its history from the
            // store. Recording then costs the same for a long history as
            // for a short one (issue 21 point 3).
            let mut state = match self.cache.take_state(tx, &new.subject)? {
                Some(state) => state,
                None => SubjectState::load(tx, &new.subject)?,
            };
            let by = &actor_name(tx, actor)?;
            // The work may run again after a conflict: each run records a copy.
            let record = self.record_in(&setup, tx, &mut state, new.clone(), exempt, by, on)?;
            state.flush(tx)?;
            left = tx.pending_generation()?.map(|g| (g, state));
            Ok(record)
        })?;
        if let Some((generation, state)) = left {
            self.cache.put_state(new.subject.clone(), generation, state);
        }
        Ok(record)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn record_in(
        &self,
        setup: &Setup<C>,
        tx: &mut dyn Transaction,
        state: &mut SubjectState,
        new: NewRecord,
        exempt: Option<&str>,
        by: &str,
        on: NaiveDate,
    ) -> Result<Recorded, RegistryError> {
        check_new(&new, on).map_err(|(_, e)| e)?;
        let policy = setup.policy(on)?;
        let kind = if new.subject.is_person() {
            SubjectKind::Person
        } else {
            SubjectKind::Organization
        };
        // Penalties are dated by their decision where there is one ("three
        // years, two penalties", MCA Order No. 60 (2018) art. 14(5), unconfirmed).
        let mut facts = Facts::new(on).about(kind).finding(Finding {
            conduct: new.conduct.clone(),
            fine: new.content.fine,
            on: penalty_day(new.decision.as_ref(), on, on),
        });
        // The earlier findings are in the day's index, which grading counts
        // only as far as a repeat condition needs.
        let view = state.view(on);
        for (_, list, since) in &view.listings {
            if let Some(list) = Self::list_id_for(policy, list) {
                facts.listings.push(Listing {
                    list,
                    since: *since,
                });
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
            .grade_conduct_indexed(conduct_on, &facts, &state.view(on).findings)?
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
            let exemption = Citation::owned(
                "lists.abnormal_exemption",
                format!("{clause}; certificate {certificate}"),
            );
            audit(
                tx,
                on,
                by,
                AuditAction::Recorded,
                id.into(),
                exemption.clone(),
            )?;
            state.push_record(record.clone(), on);
            return Ok(Recorded {
                record,
                listing: None,
                exemption: Some(exemption),
            });
        }
        let mut listing = None;
        if let Some(list_id) = &grade.list {
            let kind = policy
                .list(list_id)
                .map(|l| l.kind.clone())
                .ok_or_else(|| not_found("list", list_id))?;
            // The period the event restarts, read before the event joins.
            let restarted = Self::open_entry_among(&state.entries, &kind, on)
                .and_then(|(_, entry)| entry.clock_start(on));
            let key = self.list_in(
                tx,
                &mut state.entries,
                &record.subject,
                kind.clone(),
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
            state.listed(&key, &kind, on);
            listing = Some(Listed {
                list: kind,
                entry: entry_id(&key)?,
                on,
                restarted,
                basis: grade.citation.clone(),
            });
            state.dirty.insert(key);
        }
        state.push_record(record.clone(), on);
        Ok(Recorded {
            record,
            listing,
            exemption: None,
        })
    }

    /// A record by id.
    ///
    /// # Errors
    ///
    /// [`RegistryError::Erased`] for an erased record,
    /// [`RegistryError::NotFound`], or a store failure.
    pub fn record(&self, id: RecordId) -> Result<MisconductRecord, RegistryError> {
        self.read_tx("record", None, |tx| {
            get_record(tx, id).map(|(_, record)| record)
        })
    }

    /// The tombstone of an erased record: its id, the erasure day and the
    /// rule (plan §6(7)); `None` when the record was not erased.
    ///
    /// # Errors
    ///
    /// A store failure.
    pub fn erasure(&self, id: RecordId) -> Result<Option<Tombstone>, RegistryError> {
        self.read_tx("erasure", None, |tx| {
            Ok(get(tx, Table::Erasures, &numeric_key(id.0))?)
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
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<MisconductRecord, RegistryError> {
        let setup = self.setup();
        self.write_tx("apply_repair", None, |tx| {
            let (key, mut rec) = get_record(tx, record)?;
            // Only the section that provided the record repairs it (plan
            // §6(7)); checked before anything is written.
            self.authorize(actor, Operation::ApplyRepair, Target::section(rec.section))?;
            let by = &actor_name(tx, actor)?;
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
}

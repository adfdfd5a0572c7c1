//! The daily sweep.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::assess::{self, AssessError};
use crate::calendar::{CalendarError, Finality, WorkCalendar};
use crate::citation::Citation;
use crate::commitment::CommitmentId;
use crate::commitment::{Commitment, OverduePledge};
use crate::grading::{Facts, Listing, SubjectKind};
use crate::lists::{ListEntry, ListKind, OverdueRemoval, Standing};
use crate::misconduct::{MisconductRecord, RecordId, RecordStatus};
use crate::objection::{Objection, ObjectionError, ObjectionId};
use crate::permission::{Operation, Target};
use crate::store::{numeric_key, Doc, Due, Store, StoreError, Table, Transaction};
use crate::subject::with_whole_identifiers;

use super::*;

/// What the daily sweep did and found on a day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepReport {
    /// The day swept.
    pub on: NaiveDate,
    /// The last completed sweep before this one, if any: the events due
    /// after it and up to [`SweepReport::on`] are all handled and reported
    /// here, so a sweep that did not run loses nothing. Without one, the
    /// events of `on` alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
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

/// A list entry as a sweep names it: its list and its subject (masked if a
/// person).
pub(super) fn entry_item(entry: &ListEntry) -> String {
    format!(
        "list entry of {} on {}",
        entry.subject.display_masked(),
        entry.list
    )
}

/// The key, in [`Table::Sweeps`], of the sweep under way: its day and the
/// last completed sweep it continues from. Keys of completed sweeps are
/// days (digits first), so this one never reads as one.
const PROGRESS: &str = "~progress";
/// The key, in [`Table::Sweeps`], of the mark that the due-day index was
/// built for every document (see [`Registry::daily_sweep`]).
const DUE_INDEX: &str = "~due-index";
/// The key of the part of the sweep of `on` about `subject` (a subject
/// key): one per subject and day, so a part written again replaces itself.
fn part_key(on: NaiveDate, subject: &str) -> String {
    format!("{}{subject}", part_prefix(on))
}

/// The keys of the parts of the sweep of `on` follow this one, one after
/// another in key order ([`part_key`]).
fn part_prefix(on: NaiveDate) -> String {
    format!("~part/{on}/")
}

/// The tables the sweep reads for a subject, in one query: its documents
/// with due days, and its part of a sweep under way (a part is indexed
/// under its subject).
const SUBJECT_TABLES: [Table; 5] = [
    due::DUE_TABLES[0],
    due::DUE_TABLES[1],
    due::DUE_TABLES[2],
    due::DUE_TABLES[3],
    Table::Sweeps,
];

/// The parts of the sweep of `on`, in key order, a page at a time.
fn parts_of(tx: &mut dyn Transaction, on: NaiveDate) -> Result<Vec<(String, Doc)>, StoreError> {
    let prefix = part_prefix(on);
    let mut parts = Vec::new();
    let mut after = prefix.clone();
    loop {
        let page = tx.scan_page(Table::Sweeps, None, Some(&after), PAGE)?;
        let full = page.len() == PAGE;
        let mut ours = page
            .into_iter()
            .take_while(|(key, _)| key.starts_with(&prefix))
            .peekable();
        if ours.peek().is_none() {
            return Ok(parts);
        }
        parts.extend(ours);
        match parts.last() {
            Some((key, _)) if full => after = key.clone(),
            _ => return Ok(parts),
        }
    }
}
/// How many due documents one page query reads.
const PAGE: usize = 256;

/// Makes the next sweep compute every due day afresh (after the rule book
/// they follow from was replaced).
pub(super) fn forget_due_index(tx: &mut dyn Transaction) -> Result<(), StoreError> {
    tx.delete(Table::Sweeps, DUE_INDEX).map(|_| ())
}

/// The key, in [`Table::Sweeps`], of the day of the latest completed sweep,
/// so that the next one finds it without reading every mark and part.
const LATEST: &str = "~latest";

/// The day of the latest completed sweep.
#[derive(Serialize, Deserialize)]
struct Latest {
    on: NaiveDate,
}

fn latest_sweep(tx: &mut dyn Transaction) -> Result<Option<Latest>, StoreError> {
    tx.get(Table::Sweeps, LATEST)?
        .map(|doc| load(Table::Sweeps, LATEST, &doc))
        .transpose()
}

/// The sweep under way.
#[derive(Serialize, Deserialize)]
struct Progress {
    on: NaiveDate,
    since: Option<NaiveDate>,
}

/// A completed sweep: its day and, since issue 19, its report, kept so
/// that running the day again gives it.
///
/// The kept report names no person: list exits, listings and standings
/// name subjects by their published (masked) identifier, and each overdue
/// pledge is kept as its commitment's id, the pledging subject read back
/// from the commitment. The parts a sweep keeps while it runs name their
/// subject whole (one per subject, for resuming); they are deleted when it
/// completes, so nothing kept ties a person to a record the sweep erased
/// (plan §6(7); DESIGN.md, "What does an erasure remove?").
#[derive(Serialize, Deserialize)]
struct Mark {
    on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kept: Option<Kept>,
}

/// A completed sweep's report as kept: without its overdue pledges, which
/// are kept by commitment (in report order).
#[derive(Serialize, Deserialize)]
struct Kept {
    report: SweepReport,
    pledges: Vec<CommitmentId>,
}

impl Kept {
    fn of(mut report: SweepReport) -> Self {
        let pledges = std::mem::take(&mut report.overdue_pledges)
            .into_iter()
            .map(|p| p.id)
            .collect();
        Self { report, pledges }
    }

    /// The report, its overdue pledges read back from their commitments as
    /// they are now (one since deleted with the record it repaired is left
    /// out).
    fn report(self, tx: &mut dyn Transaction, on: NaiveDate) -> Result<SweepReport, StoreError> {
        let mut report = self.report;
        for id in self.pledges {
            let key = numeric_key(id.0);
            let Some(doc) = tx.get(Table::Commitments, &key)? else {
                continue;
            };
            let c: Commitment = with_whole_identifiers(|| load(Table::Commitments, &key, &doc))?;
            report.overdue_pledges.extend(c.overdue_on(on));
        }
        Ok(report)
    }
}

/// What the sweep found about one subject, with what orders it in the
/// report (document keys, lateness).
#[derive(Default, Serialize, Deserialize)]
struct Part {
    subject: String,
    erased: Vec<RecordId>,
    publication_ended: Vec<RecordId>,
    list_exits: Vec<(String, (String, ListKind))>,
    overdue_removals: Vec<(String, OverdueRemoval)>,
    listed: Vec<(String, Citation)>,
    standing: Option<(String, Vec<ListKind>)>,
    overdue_objections: Vec<(i64, ObjectionId)>,
    unsettled: Vec<(String, ObjectionId, Finality)>,
    overdue_pledges: Vec<(String, OverduePledge)>,
    /// (phase: 0 list entries, 1 standings, 2 objections; key; gap).
    gaps: Vec<(u8, String, SweepGap)>,
}

impl Part {
    fn is_empty(&self) -> bool {
        self.erased.is_empty()
            && self.publication_ended.is_empty()
            && self.list_exits.is_empty()
            && self.overdue_removals.is_empty()
            && self.listed.is_empty()
            && self.standing.is_none()
            && self.overdue_objections.is_empty()
            && self.unsettled.is_empty()
            && self.overdue_pledges.is_empty()
            && self.gaps.is_empty()
    }
}

/// JSON text of `value` with identifiers whole (the store's
/// representation: a report read back must name the same subjects).
fn whole_json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    with_whole_identifiers(|| serde_json::to_string(value)).map_err(StoreError::backend)
}

fn sweep_doc<T: Serialize>(subject: Option<&str>, value: &T) -> Result<Doc, StoreError> {
    Ok(Doc {
        subject: subject.map(str::to_owned),
        body: whole_json(value)?,
        sealed: None,
    })
}

fn progress(tx: &mut dyn Transaction) -> Result<Option<Progress>, StoreError> {
    tx.get(Table::Sweeps, PROGRESS)?
        .map(|doc| load(Table::Sweeps, PROGRESS, &doc))
        .transpose()
}

/// The report of the completed sweep of `on`, when it kept one.
fn completed(tx: &mut dyn Transaction, on: NaiveDate) -> Result<Option<SweepReport>, StoreError> {
    let key = on.to_string();
    let Some(doc) = tx.get(Table::Sweeps, &key)? else {
        return Ok(None);
    };
    let mark: Mark = with_whole_identifiers(|| load(Table::Sweeps, &key, &doc))?;
    let Some(kept) = mark.kept else {
        // Completed by a version that kept no report.
        return Ok(None);
    };
    kept.report(tx, on).map(Some)
}

/// The documents of `table` about `subject` (a subject key), decoded.
fn scan_of<T: serde::de::DeserializeOwned>(
    tx: &mut dyn Transaction,
    table: Table,
    subject: &str,
) -> Result<Vec<(String, T)>, StoreError> {
    tx.scan(table, Some(subject))?
        .into_iter()
        .map(|(k, doc)| {
            let value = load(table, &k, &doc)?;
            Ok((k, value))
        })
        .collect()
}

/// Documents of `table`, decoded.
fn decode<T: serde::de::DeserializeOwned>(
    table: Table,
    docs: Vec<(String, Doc)>,
) -> Result<Vec<(String, T)>, StoreError> {
    docs.into_iter()
        .map(|(k, doc)| {
            let value = load(table, &k, &doc)?;
            Ok((k, value))
        })
        .collect()
}

/// The report of the parts, in the order an all-at-once sweep gives.
fn assemble(on: NaiveDate, since: Option<NaiveDate>, mut parts: Vec<Part>) -> SweepReport {
    parts.sort_by(|a, b| a.subject.cmp(&b.subject));
    let mut report = SweepReport {
        on,
        since,
        ..SweepReport::default()
    };
    let mut exits = Vec::new();
    let mut removals = Vec::new();
    let mut overdue = Vec::new();
    let mut unsettled = Vec::new();
    let mut pledges = Vec::new();
    let mut gaps = Vec::new();
    for part in parts {
        report.erased.extend(part.erased);
        report.publication_ended.extend(part.publication_ended);
        exits.extend(part.list_exits);
        removals.extend(part.overdue_removals);
        report.listed.extend(part.listed);
        report.standings.extend(part.standing);
        overdue.extend(
            part.overdue_objections
                .into_iter()
                .map(|(late, id)| (std::cmp::Reverse(late), id)),
        );
        unsettled.extend(part.unsettled);
        pledges.extend(part.overdue_pledges);
        let subject = part.subject;
        gaps.extend(
            part.gaps
                .into_iter()
                .enumerate()
                .map(|(i, (phase, key, gap))| {
                    // Standings come in subject order; the rest in key order.
                    let key = if phase == 1 { subject.clone() } else { key };
                    ((phase, key, i), gap)
                }),
        );
    }
    report.erased.sort();
    report.publication_ended.sort();
    exits.sort_by(|a, b| a.0.cmp(&b.0));
    report.list_exits = exits.into_iter().map(|(_, x)| x).collect();
    removals.sort_by(|a, b| a.0.cmp(&b.0));
    report.overdue_removals = removals.into_iter().map(|(_, x)| x).collect();
    overdue.sort();
    report.overdue_objections = overdue.into_iter().map(|(_, id)| id).collect();
    unsettled.sort_by(|a, b| a.0.cmp(&b.0));
    report.unsettled_deadlines = unsettled.into_iter().map(|(_, id, f)| (id, f)).collect();
    pledges.sort_by(|a, b| a.0.cmp(&b.0));
    report.overdue_pledges = pledges.into_iter().map(|(_, p)| p).collect();
    gaps.sort_by(|a, b| a.0.cmp(&b.0));
    report.not_computed = gaps.into_iter().map(|(_, g)| g).collect();
    report
}

impl<S: Store, C: WorkCalendar> Registry<S, C> {
    /// The daily sweep for `on`, run by the system ([`Actor::system`]): erases the
    /// personal records due (plan §6(7)) with every document about them
    /// (DESIGN.md, "What does an erasure remove?"), records listings that time on a
    /// list leads to, and reports automatic list exits, overdue objection
    /// steps, objections whose deadlines are not final, and overdue pledges
    /// to supply materials.
    ///
    /// It catches up: automatic list exits and publication ends are reported
    /// for every day after the last completed sweep before `on`
    /// ([`SweepReport::since`]), up to `on`; erasures, listings and overdue
    /// items are due from their day on anyway. Running it again for a day
    /// whose sweep completed gives that sweep's report.
    ///
    /// # Cost and failures
    ///
    /// The sweep reads only what is due: it pages through the store's
    /// due-day index ([`Transaction::due`]) up to `on`, and handles each
    /// subject with a document due in one short transaction of its own,
    /// which also moves the subject's due days past `on`. Its cost grows
    /// with what is due (including what it reports every day: subjects
    /// standing on a list, open objections, overdue pledges), not with the
    /// size of the registry. It handles up to
    /// [`Store::sweep_concurrency`] subjects of a page at once, on threads
    /// of its own (the PostgreSQL store asks for a few, to hide its round
    /// trips; the others for one); the report is the same either way. A
    /// failure part-way leaves the subjects handled
    /// so far handled, with their part of the report kept in the store: the
    /// next call (for this day or a later one) finishes this day's sweep
    /// first, so no event is lost or reported twice. The first sweep of a
    /// registry that holds documents without due days (written before
    /// issue 19) builds the index once, reading every document.
    ///
    /// A count that leaves the calendar never stops the sweep: the item it
    /// belongs to is reported in [`SweepReport::not_computed`] with the
    /// reason, and every other item, every erasure first, is still done.
    ///
    /// # Errors
    ///
    /// [`RegistryError::Forbidden`] for any capacity but `system`;
    /// [`RegistryError::SweepBeforeLatest`] for a day before the latest
    /// completed sweep that was not swept itself (the later sweeps handled
    /// what was due on it); a store
    /// failure, an erasure that cannot be made, or no grading policy in
    /// force. The subjects handled before the failure stay handled; the
    /// next call continues.
    pub fn daily_sweep(&self, actor: &Actor, on: NaiveDate) -> Result<SweepReport, RegistryError>
    where
        C: Send + Sync,
    {
        self.authorize(actor, Operation::DailySweep, Target::none())?;
        let setup = self.setup();
        if let Some(report) = self.write_tx("daily_sweep", None, |tx| {
            let report = completed(tx, on)?;
            if report.is_none() {
                if let Some(latest) = latest_sweep(tx)?.filter(|l| l.on > on) {
                    return Err(RegistryError::SweepBeforeLatest {
                        on,
                        latest: latest.on,
                    });
                }
            }
            Ok(report)
        })? {
            return Ok(report);
        }
        self.build_due_index(&setup)?;
        // A sweep of another day interrupted by a failure: finished first,
        // so that this one continues from it.
        let pending = self.write_tx("daily_sweep", None, |tx| {
            Ok::<_, RegistryError>(progress(tx)?)
        })?;
        if let Some(p) = pending.filter(|p| p.on != on) {
            self.sweep_day(actor, &setup, p.on)?;
        }
        self.sweep_day(actor, &setup, on)
    }

    /// Sets the due day of every document that has none yet, once per
    /// registry: due days depend on the rule book, so a store migration
    /// cannot compute them.
    fn build_due_index(&self, setup: &Setup<C>) -> Result<(), RegistryError> {
        let built = self.write_tx("daily_sweep", None, |tx| {
            Ok::<_, RegistryError>(tx.get(Table::Sweeps, DUE_INDEX)?)
        })?;
        if built.is_some() {
            return Ok(());
        }
        for table in due::DUE_TABLES {
            self.write_tx("daily_sweep", None, |tx| {
                for (key, doc) in tx.scan(table, None)? {
                    let on = due::on_write(table, &key, &doc, &setup.rules)?;
                    tx.set_due(table, &key, on)?;
                }
                Ok::<_, RegistryError>(())
            })?;
        }
        self.write_tx("daily_sweep", None, |tx| {
            let doc = sweep_doc(None, &serde_json::json!({ "version": 1 }))?;
            Ok::<_, RegistryError>(tx.put(Table::Sweeps, DUE_INDEX, doc)?)
        })
    }

    /// Starts (or continues) the sweep of `on`, handles every subject with
    /// a document due, and completes it.
    fn sweep_day(
        &self,
        actor: &Actor,
        setup: &Setup<C>,
        on: NaiveDate,
    ) -> Result<SweepReport, RegistryError>
    where
        C: Send + Sync,
    {
        let started = self.write_tx("daily_sweep", None, |tx| {
            if let Some(p) = progress(tx)?.filter(|p| p.on == on) {
                return Ok::<_, RegistryError>(p);
            }
            // The last completed sweep before `on`: every event due after
            // it is handled now (a sweep that did not run loses nothing).
            let p = Progress {
                on,
                since: last_sweep_before(tx, on)?,
            };
            tx.put(Table::Sweeps, PROGRESS, sweep_doc(None, &p)?)?;
            Ok(p)
        })?;
        // Events are reported for the days after `from`.
        let from = started.since.or_else(|| on.pred_opt());
        let threads = self.store.sweep_concurrency().max(1);
        let mut handled: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for table in due::DUE_TABLES {
            let mut after: Option<String> = None;
            loop {
                let page = self.write_tx("daily_sweep", None, |tx| {
                    Ok::<_, RegistryError>(tx.due(table, on, after.as_deref(), PAGE)?)
                })?;
                let Some(last) = page.last().map(|item| item.key.clone()) else {
                    break;
                };
                // The page's work in key order: each subject once, at its
                // first document (one handled on an earlier page is passed
                // over), and each document about no subject.
                let work: Vec<Due> = page
                    .into_iter()
                    .filter(|item| {
                        item.subject
                            .as_ref()
                            .is_none_or(|subject| handled.insert(subject.clone()))
                    })
                    .collect();
                self.sweep_page(actor, setup, table, on, from, &work, threads)?;
                after = Some(last);
            }
        }
        // This sweep is complete once the transaction commits: its parts
        // make its report, kept without naming a person, and go.
        self.write_tx("daily_sweep", None, |tx| {
            let parts = parts_of(tx, on)?;
            let report = assemble(
                on,
                started.since,
                parts
                    .iter()
                    .map(|(key, doc)| {
                        with_whole_identifiers(|| load::<Part>(Table::Sweeps, key, doc))
                    })
                    .collect::<Result<Vec<_>, StoreError>>()?,
            );
            let mut gone: Vec<String> = parts.iter().map(|(key, _)| key.clone()).collect();
            // A concurrent sweep of the last completed day that was still
            // handling a subject when that day completed left its part
            // behind: it goes now, with this day's.
            if let Some(since) = started.since {
                gone.extend(parts_of(tx, since)?.into_iter().map(|(key, _)| key));
            }
            tx.delete_many(Table::Sweeps, &gone)?;
            tx.delete(Table::Sweeps, PROGRESS)?;
            let mark = Mark {
                on,
                kept: Some(Kept::of(report.clone())),
            };
            tx.put(Table::Sweeps, &on.to_string(), sweep_doc(None, &mark)?)?;
            let latest = latest_sweep(tx)?;
            if latest.is_none_or(|l| l.on < on) {
                tx.put(Table::Sweeps, LATEST, sweep_doc(None, &Latest { on })?)?;
            }
            Ok::<_, RegistryError>(report)
        })
    }

    /// Handles the work of one page ([`Registry::sweep_item`] on each), in
    /// order when `threads` is 1, else on up to `threads` threads at once,
    /// each item in its own transaction as in order. Each part of the
    /// report is kept under its subject and the report assembled in subject
    /// order at completion, so the report does not depend on the order
    /// (audit entries and identifiers handed out do: a listing by time on a
    /// list takes the next id when its transaction runs).
    ///
    /// On a failure no item is started after it; the items under way
    /// finish (committed, or rolled back by their own failure), and the
    /// failure of the first item in page order is returned. Every item done
    /// is no longer due, so the next call does the rest.
    #[expect(clippy::too_many_arguments, reason = "the sweep's state, passed down")]
    fn sweep_page(
        &self,
        actor: &Actor,
        setup: &Setup<C>,
        table: Table,
        on: NaiveDate,
        from: Option<NaiveDate>,
        work: &[Due],
        threads: usize,
    ) -> Result<(), RegistryError>
    where
        C: Send + Sync,
    {
        let item = |due: &Due| self.sweep_item(actor, setup, table, on, from, due);
        let threads = threads.min(work.len());
        if threads <= 1 {
            return work.iter().try_for_each(item);
        }
        // Each thread takes a run of the page in key order: the subjects
        // handled at the same moment are a run's length apart, so their
        // documents do not share the index pages whose reads a SERIALIZABLE
        // transaction locks (neighbours would conflict and be retried).
        let run = work.len().div_ceil(threads);
        let stop = AtomicBool::new(false);
        // The caller's subscriber, for the workers' spans (it may be the
        // thread's own, `tracing::subscriber::with_default`).
        #[cfg(feature = "tracing")]
        let dispatch = tracing::dispatcher::get_default(Clone::clone);
        let failures = std::thread::scope(|scope| {
            let workers: Vec<_> = work
                .chunks(run)
                .enumerate()
                .map(|(n, items)| {
                    let (stop, item) = (&stop, &item);
                    #[cfg(feature = "tracing")]
                    let dispatch = &dispatch;
                    scope.spawn(move || {
                        #[cfg(feature = "tracing")]
                        let _subscriber = tracing::dispatcher::set_default(dispatch);
                        for (i, due) in items.iter().enumerate() {
                            if stop.load(Ordering::SeqCst) {
                                break;
                            }
                            if let Err(e) = item(due) {
                                stop.store(true, Ordering::SeqCst);
                                return Some((n * run + i, e));
                            }
                        }
                        None
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|worker| {
                    worker
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect::<Vec<_>>()
        });
        match failures.into_iter().flatten().min_by_key(|(i, _)| *i) {
            Some((_, e)) => Err(e),
            None => Ok(()),
        }
    }

    /// One item of the sweep of `on`, in a transaction of its own: a due
    /// subject (everything about it, [`Registry::sweep_subject`], and its
    /// part of the report kept), or a due document about no subject
    /// (nothing the sweep acts on: its due day is cleared).
    fn sweep_item(
        &self,
        actor: &Actor,
        setup: &Setup<C>,
        table: Table,
        on: NaiveDate,
        from: Option<NaiveDate>,
        due: &Due,
    ) -> Result<(), RegistryError> {
        let Some(subject) = &due.subject else {
            return self.write_tx("daily_sweep", None, |tx| {
                Ok::<_, RegistryError>(tx.set_due(table, &due.key, None)?)
            });
        };
        self.write_tx("daily_sweep", None, |tx| {
            let by = &actor_name(tx, actor)?;
            // `None`: handled by a concurrent sweep of the day since the
            // page was read (what it did that cannot be done twice, an
            // erasure or a listing, it reported in its part).
            let part = self.sweep_subject(tx, setup, by, subject, on, from)?;
            if let Some(part) = part.filter(|p| !p.is_empty()) {
                let doc = sweep_doc(Some(subject), &part)?;
                tx.put(Table::Sweeps, &part_key(on, subject), doc)?;
            }
            Ok::<_, RegistryError>(())
        })
    }

    /// The sweep of `on` for one subject (a subject key): everything the
    /// sweep does and reports about its documents, and their due days moved
    /// past `on`. `from` is the last day already swept.
    fn sweep_subject(
        &self,
        tx: &mut dyn Transaction,
        setup: &Setup<C>,
        by: &str,
        subject: &str,
        on: NaiveDate,
        from: Option<NaiveDate>,
    ) -> Result<Option<Part>, RegistryError> {
        let calendar = &*setup.calendar;
        let mut part = Part {
            subject: subject.to_owned(),
            ..Part::default()
        };
        // Everything about the subject the sweep looks at, in one read.
        let mut docs = tx.scan_subject(subject, &SUBJECT_TABLES)?;
        let handled = part_key(on, subject);
        if docs
            .iter()
            .any(|(t, k, _)| *t == Table::Sweeps && *k == handled)
        {
            return Ok(None);
        }
        let mut take = |table: Table| -> Vec<(String, Doc)> {
            let (these, rest) = std::mem::take(&mut docs)
                .into_iter()
                .partition(|(t, _, _)| *t == table);
            docs = rest;
            these.into_iter().map(|(_, k, d)| (k, d)).collect()
        };
        let records = decode::<MisconductRecord>(Table::Records, take(Table::Records))?;
        let mut entries = decode::<ListEntry>(Table::ListEntries, take(Table::ListEntries))?;
        let mut objections = decode::<Objection>(Table::Objections, take(Table::Objections))?;
        let mut commitments = decode::<Commitment>(Table::Commitments, take(Table::Commitments))?;
        // Erasures.
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
                // "Yesterday" is the last day swept: an end between it
                // and today is reported now.
                let yesterday = match from {
                    Some(y) if record.severity_on(y) != record.severity_on(on) => {
                        end(record.severity_on(y))
                    }
                    _ => today,
                };
                if today.is_some_and(|e| e <= on)
                    && yesterday.is_none_or(|e| from.is_none_or(|f| e > f))
                {
                    part.publication_ended.push(record.id);
                }
            }
        }
        let mut erased = false;
        for (key, mut record) in records {
            if retention.is_due(&record, on) {
                // The retention rule checks and decides; the erasure
                // itself (its audit entries included) is `erase_in`.
                retention.erase(&mut record, on, by)?;
                erase_in(tx, &key, &record, by)?;
                part.erased.push(record.id);
                erased = true;
            } else if record.status() == RecordStatus::Erased {
                // Erased by an earlier version, which kept the record:
                // finish the erasure (its day and rule stay those of
                // the record's `Erased` change).
                erase_in(tx, &key, &record, by)?;
                erased = true;
            } else {
                tx.set_due(
                    Table::Records,
                    &key,
                    due::record_after(&record, &setup.rules, on),
                )?;
            }
        }
        // Lists: standings (decided by the assessment, the one function
        // the public view uses too), automatic exits, overdue removals,
        // and listings from time on a list.
        if erased {
            // An erasure removes the documents about the record with it.
            entries = scan_of(tx, Table::ListEntries, subject)?;
            objections = scan_of(tx, Table::Objections, subject)?;
            commitments = scan_of(tx, Table::Commitments, subject)?;
        }
        let policy = setup.policy(on)?;
        let mut gap = |phase: u8, key: &str, item: String, reason: CalendarError| {
            part.gaps
                .push((phase, key.to_owned(), SweepGap { item, reason }));
        };
        let mut exits = Vec::new();
        let mut removals = Vec::new();
        for (key, entry) in &entries {
            if let Some(lc) = policy.lifecycle() {
                let standing = match lc.standing(entry, on, calendar) {
                    Ok(standing) => Some(standing),
                    Err(reason) => {
                        gap(0, key, entry_item(entry), reason);
                        None
                    }
                };
                if let Some(Standing::Exited { on: exit_on, .. }) = standing {
                    // Exits since the last sweep, not only today's.
                    if exit_on <= on
                        && from.is_none_or(|f| exit_on > f)
                        && entry.removed_on.is_none()
                    {
                        exits.push((
                            key.clone(),
                            (entry.subject.display_masked(), entry.list.clone()),
                        ));
                    }
                }
                match lc.overdue_removal(entry, on, calendar) {
                    Ok(Some(overdue)) => removals.push((key.clone(), overdue)),
                    Ok(None) => {}
                    // Reported above, when the entry's exit was checked.
                    Err(_) => {}
                }
            }
        }
        let mut listed = Vec::new();
        let mut standing_lists = Vec::new();
        if let Some(id) = entries.first().map(|(_, e)| e.subject.clone()) {
            let rules = setup.rules.rules();
            let loaded = Self::load_in(tx, &id)?;
            let dossier = Self::dossier(&loaded);
            let assessment = match assess::assess(&dossier, &rules, calendar, on) {
                Ok(assessment) => Some(assessment),
                Err(AssessError::Calendar(reason)) => {
                    gap(
                        1,
                        subject,
                        format!("list standing of {}", id.display_masked()),
                        reason,
                    );
                    None
                }
                Err(e) => return Err(e.into()),
            };
            if let Some(assessment) = assessment {
                let standing: Vec<&ListEntry> = assessment.lists().map(|(e, _)| e).collect();
                let mut lists: Vec<ListKind> = standing.iter().map(|e| e.list.clone()).collect();
                let kind = if id.is_person() {
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
                                gap(1, subject, entry_item(e), reason);
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
                            let key = self.list_in(
                                tx,
                                &mut entries,
                                &id,
                                kind,
                                on,
                                Some(grade.citation.rule.to_string()),
                                Vec::new(),
                                by,
                                &grade.citation,
                            )?;
                            put_entry(tx, &entries, &key)?;
                            listed.push((id.display_masked(), grade.citation.clone()));
                            // The standing after this sweep's listing, as
                            // the assessment now gives it.
                            let loaded = Self::load_in(tx, &id)?;
                            let dossier = Self::dossier(&loaded);
                            match assess::assess(&dossier, &rules, calendar, on) {
                                Ok(after) => {
                                    lists = after.lists().map(|(e, _)| e.list.clone()).collect();
                                }
                                Err(AssessError::Calendar(reason)) => gap(
                                    1,
                                    subject,
                                    format!("list standing of {}", id.display_masked()),
                                    reason,
                                ),
                                Err(e) => return Err(e.into()),
                            }
                        }
                    }
                }
                if !lists.is_empty() {
                    standing_lists = lists;
                }
            }
            for (key, entry) in &entries {
                let next = due::entry_after(entry, policy, calendar, on);
                tx.set_due(Table::ListEntries, key, next)?;
            }
            if !standing_lists.is_empty() {
                part.standing = Some((id.display_masked(), standing_lists));
            }
        }
        part.list_exits = exits;
        part.overdue_removals = removals;
        part.listed = listed;
        // Overdue objections and pledges (reported, not changed).
        for (key, o) in objections {
            tx.set_due(Table::Objections, &key, due::objection_after(&o, on))?;
            if o.stage_on(on).is_some_and(|s| !s.is_final()) {
                let status = match o.status_on(calendar, on) {
                    Ok(status) => status,
                    Err(ObjectionError::Calendar(reason)) => {
                        part.gaps.push((
                            2,
                            key,
                            SweepGap {
                                item: format!("objection {}", o.id()),
                                reason,
                            },
                        ));
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                };
                for missing in &status.deadlines.missing {
                    part.gaps.push((
                        2,
                        key.clone(),
                        SweepGap {
                            item: format!("objection {}: {}", o.id(), missing.basis.rule),
                            reason: missing.reason.clone(),
                        },
                    ));
                }
                if status.deadlines.finality > Finality::Final {
                    part.unsettled
                        .push((key.clone(), o.id(), status.deadlines.finality));
                }
                if status.is_overdue() {
                    let late = status
                        .overdue
                        .iter()
                        .map(|x| x.working_days)
                        .max()
                        .unwrap_or(0);
                    part.overdue_objections.push((late, o.id()));
                }
            }
        }
        for (key, c) in commitments {
            tx.set_due(Table::Commitments, &key, due::commitment_after(&c, on))?;
            if let Some(p) = c.overdue_on(on) {
                part.overdue_pledges.push((key, p));
            }
        }
        Ok(Some(part))
    }
}

/// The day of the last completed sweep before `on`, if any.
fn last_sweep_before(
    tx: &mut dyn crate::store::Transaction,
    on: NaiveDate,
) -> Result<Option<NaiveDate>, RegistryError> {
    // Sweeps run day after day: the latest completed one is before `on`.
    if let Some(latest) = latest_sweep(tx)?.filter(|l| l.on < on) {
        return Ok(Some(latest.on));
    }
    // Otherwise (a day swept again, or marks written before the latest
    // day was kept), from the marks.
    let before = on.to_string();
    let sweeps = tx.scan(Table::Sweeps, None)?;
    sweeps
        .iter()
        .rev()
        .find(|(key, _)| *key < before)
        .map(|(key, _)| {
            key.parse::<NaiveDate>().map_err(|e| {
                RegistryError::Store(crate::store::StoreError::Corrupt {
                    table: Table::Sweeps,
                    key: key.clone(),
                    problem: e.to_string(),
                })
            })
        })
        .transpose()
}

//! Due days (issue 19): the day each document next needs the daily sweep,
//! kept in the store's due-day index ([`Transaction::set_due`]) so that the
//! sweep reads what is due, not the whole registry.
//!
//! Two rules keep the index sound:
//!
//! - When the registry writes a document it sets a due day that is never
//!   later than the document's next dated event ([`on_write`]): the earliest
//!   day among its erasure day, its publication ends, its dated changes,
//!   its listing events, its receipt (an objection) or the day after its
//!   due date (a pledge). Early is safe: the sweep then looks at the
//!   document, finds nothing to do, and moves the day on.
//! - When the sweep of day `D` has handled a subject, it sets each of the
//!   subject's documents to its first event after `D` ([`after_sweep`]), or
//!   to `D + 1` while the document is reported every day (a subject standing
//!   on a list, an open objection, an overdue pledge), or clears it.
//!
//! Documents the registry writes go through [`Tracked`], which sets their
//! due day in the same transaction as the write.

use chrono::NaiveDate;

use crate::calendar::WorkCalendar;
use crate::commitment::{Commitment, CommitmentKind};
use crate::grading::GradingPolicy;
use crate::lists::{standing_without_lifecycle, ListEntry, Standing};
use crate::misconduct::{MisconductRecord, RecordStatus};
use crate::objection::Objection;
use crate::store::{Doc, Due, StoreError, Table, Transaction};

use super::encoding::load;
use super::RuleBook;

/// The tables whose documents carry due days.
pub(super) const DUE_TABLES: [Table; 4] = [
    Table::Records,
    Table::ListEntries,
    Table::Objections,
    Table::Commitments,
];

/// The dated events of a record the sweep acts on or reports: its erasure
/// day (a person's record, plan §6(7)), its publication ends under each
/// severity it has had (plan §6(7) 有限期惩戒), and the days of its dated
/// changes (a correction may bring a publication end forward, plan §6(3)).
/// A record already marked erased is due at once (the sweep finishes the
/// erasure).
fn record_events(record: &MisconductRecord, rules: &RuleBook) -> Vec<NaiveDate> {
    if record.status() == RecordStatus::Erased {
        return vec![record.recorded_on];
    }
    let mut events: Vec<NaiveDate> = record.history.iter().map(|c| c.on).collect();
    if record.subject.is_person() {
        if let Some(day) = record
            .ended_on
            .and_then(|e| rules.retention.erasure_due_from(e))
        {
            events.push(day);
        }
    }
    if let Some(decision) = &record.decision {
        for severity in std::iter::once(record.severity).chain(record.corrected_severity) {
            if let Some(end) = rules.repair.publication_end(severity, decision) {
                events.push(end.on);
            }
        }
    }
    events
}

/// Every day named in a list entry.
fn entry_days(entry: &ListEntry) -> impl Iterator<Item = NaiveDate> + '_ {
    entry
        .events
        .iter()
        .chain(&entry.corrected_from)
        .map(|e| e.on)
        .chain(entry.removed_on)
        .chain(entry.applied_on)
        .chain(entry.deregistered_on)
}

/// The first day after `after` on which a pledge to supply materials is
/// overdue (plan §4(3)), if any.
fn pledge_due(c: &Commitment, after: Option<NaiveDate>) -> Option<NaiveDate> {
    let CommitmentKind::SupplyMaterials { due, .. } = c.kind else {
        return None;
    };
    let first = due.succ_opt()?.max(c.signed_on);
    let day = match after.and_then(|a| a.succ_opt()) {
        Some(next) => first.max(next),
        None => first,
    };
    c.overdue_on(day).map(|_| day)
}

/// The due day of a document the registry writes (see the module doc).
///
/// # Errors
///
/// [`StoreError::Corrupt`] when the body is not a document of its table.
pub(super) fn on_write(
    table: Table,
    key: &str,
    doc: &Doc,
    rules: &RuleBook,
) -> Result<Option<NaiveDate>, StoreError> {
    Ok(match table {
        Table::Records => {
            let record: MisconductRecord = load(table, key, doc)?;
            record_events(&record, rules).into_iter().min()
        }
        Table::ListEntries => {
            let entry: ListEntry = load(table, key, doc)?;
            entry_days(&entry).min()
        }
        // Open or not, an objection is looked at from its receipt: the
        // sweep clears the day once its outcome is final.
        Table::Objections => {
            let objection: Objection = load(table, key, doc)?;
            Some(objection.received_on())
        }
        Table::Commitments => {
            let c: Commitment = load(table, key, doc)?;
            pledge_due(&c, None)
        }
        _ => None,
    })
}

/// The due day of a record after the sweep of `on`: its first event after
/// `on`.
pub(super) fn record_after(
    record: &MisconductRecord,
    rules: &RuleBook,
    on: NaiveDate,
) -> Option<NaiveDate> {
    record_events(record, rules)
        .into_iter()
        .filter(|d| *d > on)
        .min()
}

/// The due day of a list entry after the sweep of `on`: the next day while
/// the subject stands on the list (its standing is reported daily, and its
/// exit, an overdue removal or time on the list may come any day) or while
/// its standing cannot be computed (the gap is reported daily); otherwise
/// its first dated event after `on`.
pub(super) fn entry_after(
    entry: &ListEntry,
    policy: &GradingPolicy,
    calendar: &(impl WorkCalendar + ?Sized),
    on: NaiveDate,
) -> Option<NaiveDate> {
    let every_day = match policy.lifecycle() {
        Some(lc) => match lc.standing(entry, on, calendar) {
            Ok(Standing::Listed { .. }) | Err(_) => true,
            Ok(_) => !matches!(lc.overdue_removal(entry, on, calendar), Ok(None)),
        },
        None => matches!(
            standing_without_lifecycle(entry, on),
            Standing::Listed { .. }
        ),
    };
    if every_day {
        return on.succ_opt();
    }
    entry_days(entry).filter(|d| *d > on).min()
}

/// The due day of an objection after the sweep of `on`: none once its
/// outcome is final on `on`, its receipt if that is later, the next day
/// otherwise (an open objection is reported daily).
pub(super) fn objection_after(o: &Objection, on: NaiveDate) -> Option<NaiveDate> {
    match o.stage_on(on) {
        Some(stage) if stage.is_final() => None,
        None if o.received_on() > on => Some(o.received_on()),
        _ => on.succ_opt(),
    }
}

/// The due day of a commitment after the sweep of `on`.
pub(super) fn commitment_after(c: &Commitment, on: NaiveDate) -> Option<NaiveDate> {
    pledge_due(c, Some(on))
}

/// A transaction that sets the due day of every document the registry
/// writes, in the same transaction ([`on_write`]).
pub(super) struct Tracked<'t> {
    pub(super) tx: &'t mut dyn Transaction,
    pub(super) rules: &'t RuleBook,
}

impl Transaction for Tracked<'_> {
    fn get(&mut self, table: Table, key: &str) -> Result<Option<Doc>, StoreError> {
        self.tx.get(table, key)
    }

    fn put(&mut self, table: Table, key: &str, doc: Doc) -> Result<(), StoreError> {
        if !DUE_TABLES.contains(&table) {
            return self.tx.put(table, key, doc);
        }
        let due = on_write(table, key, &doc, self.rules)?;
        self.tx.put(table, key, doc)?;
        self.tx.set_due(table, key, due)
    }

    fn delete(&mut self, table: Table, key: &str) -> Result<bool, StoreError> {
        self.tx.delete(table, key)
    }

    fn scan(
        &mut self,
        table: Table,
        subject: Option<&str>,
    ) -> Result<Vec<(String, Doc)>, StoreError> {
        self.tx.scan(table, subject)
    }

    fn scan_subject(
        &mut self,
        subject: &str,
        tables: &[Table],
    ) -> Result<Vec<(Table, String, Doc)>, StoreError> {
        self.tx.scan_subject(subject, tables)
    }

    fn scan_page(
        &mut self,
        table: Table,
        subject: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(String, Doc)>, StoreError> {
        self.tx.scan_page(table, subject, after, limit)
    }

    fn generation(&mut self, subject: &str) -> Result<Option<u64>, StoreError> {
        self.tx.generation(subject)
    }

    fn pending_generation(&mut self) -> Result<Option<u64>, StoreError> {
        self.tx.pending_generation()
    }

    fn delete_many(&mut self, table: Table, keys: &[String]) -> Result<u64, StoreError> {
        self.tx.delete_many(table, keys)
    }

    fn put_many(
        &mut self,
        table: Table,
        docs: Vec<(String, Doc, Option<NaiveDate>)>,
    ) -> Result<(), StoreError> {
        self.tx.put_many(table, docs)
    }

    fn next_id(&mut self, table: Table) -> Result<u64, StoreError> {
        self.tx.next_id(table)
    }

    fn append_audit(&mut self, entry: String) -> Result<u64, StoreError> {
        self.tx.append_audit(entry)
    }

    fn audit_since(&mut self, after: u64) -> Result<Vec<(u64, String)>, StoreError> {
        self.tx.audit_since(after)
    }

    fn set_due(
        &mut self,
        table: Table,
        key: &str,
        on: Option<NaiveDate>,
    ) -> Result<(), StoreError> {
        self.tx.set_due(table, key, on)
    }

    fn due(
        &mut self,
        table: Table,
        up_to: NaiveDate,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Due>, StoreError> {
        self.tx.due(table, up_to, after, limit)
    }
}

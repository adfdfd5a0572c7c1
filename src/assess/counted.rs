//! The records that count on the day, how each reaches the subject, and
//! list entries seen without their void listing events (plan §6(3), §5(6)).

use chrono::NaiveDate;

use super::Dossier;
use crate::lists::ListEntry;
use crate::misconduct::{MisconductRecord, RecordId, RecordStatus, Severity};
use crate::subject::{Role, Subject, SubjectId};

/// Whether `id` identifies `subject` (without building its id).
pub(super) fn is(id: &SubjectId, subject: &Subject) -> bool {
    match (id, subject) {
        (SubjectId::Organization(u), Subject::Organization(o)) => u == &o.uscc,
        (SubjectId::Person(r), Subject::Person(p)) => r == &p.id,
        _ => false,
    }
}

/// A role set as bits, to test "held any of the measure's roles" cheaply.
pub(super) fn role_bit(role: Role) -> u8 {
    match role {
        Role::LegalRepresentative => 1,
        Role::PrincipalOfficer => 2,
        Role::SeniorManager => 4,
        Role::DirectlyResponsible => 8,
        Role::RegisteredPractitioner => 16,
    }
}

pub(super) fn role_mask(roles: &[Role]) -> u8 {
    roles.iter().fold(0, |m, &r| m | role_bit(r))
}

/// A record that counts on the day, with how it reaches the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Counted<'a> {
    pub(super) record: &'a MisconductRecord,
    pub(super) status: RecordStatus,
    /// The severity it is graded by on the day: the corrected one from the
    /// day of a correction that regraded it (plan §6(3);
    /// [`MisconductRecord::severity_on`]).
    pub(super) severity: Severity,
    /// For an organization's record reaching a person: the roles held in
    /// the organization (the record's subject) on the day of the conduct,
    /// as bits ([`role_bit`]).
    pub(super) via: Option<u8>,
    /// The first day its publication ends (plan §6(7): 有限期惩戒;
    /// [`RepairTimeline::publication_end`]) when that is after the day asked
    /// (a record with a penalty decision that a policy ends); `None`
    /// otherwise.
    pub(super) ends: Option<NaiveDate>,
    /// Whether it is still published on the day: its publication has not
    /// ended.
    pub(super) published: bool,
}

impl<'a> Counted<'a> {
    /// In force and published: it grounds sanctions and counts for the
    /// severity. A record whose publication has ended grounds nothing more
    /// (plan §6(7); 527, NDRC Order No. 36), though it stays an adverse
    /// record for the green channel, like a repaired one.
    pub(super) fn active(&self) -> bool {
        self.published && matches!(self.status, RecordStatus::Active | RecordStatus::Corrected)
    }

    /// The record, when a repair can be applied for it (plan §6(7)): the
    /// subject's own, in force, with a penalty decision.
    pub(super) fn repairable(&self) -> Option<&'a MisconductRecord> {
        (self.via.is_none() && self.active() && self.record.decision.is_some())
            .then_some(self.record)
    }

    /// The last day it is published: a repair window opening later opens
    /// on nothing (its publication, and its sanctions, have ended).
    pub(super) fn last_published(&self) -> NaiveDate {
        self.ends
            .and_then(|e| e.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }
}

/// The view of `entry` in `views` (without its void events), or the entry
/// itself when it has none there.
pub(super) fn view_of<'v>(
    views: &'v [(&ListEntry, Option<ListEntry>)],
    entry: &'v ListEntry,
) -> &'v ListEntry {
    views
        .iter()
        .find(|(e, _)| std::ptr::eq(*e, entry))
        .and_then(|(_, v)| v.as_ref())
        .unwrap_or(entry)
}

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

/// The subject's list entries, each with its view without void listing
/// events where it has any ([`without_void_events`]).
pub(super) fn valid_views<'a>(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::subject::Role;

    #[test]
    fn role_masks_are_distinct_bits() {
        let all = role_mask(&Role::ALL);
        assert_eq!(all.count_ones(), 5);
    }
}

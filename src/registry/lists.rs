//! Lists: listing, red-list entry, removal and list exits.

use chrono::NaiveDate;

use crate::actor::Actor;
use crate::audit::{AuditAction, AuditTarget};
use crate::calendar::WorkCalendar;
use crate::citation::Citation;
use crate::grading::GradingPolicy;
use crate::lists::{ListEntry, ListEntryId, ListKind, ListingEvent, Obligations};
use crate::misconduct::RecordId;
use crate::permission::{Operation, Target};
use crate::store::{numeric_key, Store, StoreError, Table, Transaction};
use crate::subject::SubjectId;

use super::*;

/// The id of the list entry stored at `key`.
pub(super) fn entry_id(key: &str) -> Result<ListEntryId, StoreError> {
    key.parse()
        .map(ListEntryId)
        .map_err(|_| StoreError::Corrupt {
            table: Table::ListEntries,
            key: key.to_owned(),
            problem: "the key is not a number".to_owned(),
        })
}

impl<S: Store, C: WorkCalendar> Registry<S, C> {
    pub(super) fn list_id_for(policy: &GradingPolicy, kind: &ListKind) -> Option<String> {
        policy
            .lists()
            .iter()
            .find(|l| &l.kind == kind)
            .map(|l| l.id.clone())
    }

    /// The entry among `entries` (one subject's) on `kind` that a listing
    /// event on `on` joins: the one with no removal recorded by `on`.
    pub(super) fn open_entry_among<'e>(
        entries: &'e [(String, ListEntry)],
        kind: &ListKind,
        on: NaiveDate,
    ) -> Option<&'e (String, ListEntry)> {
        entries
            .iter()
            .find(|(_, e)| &e.list == kind && e.removed_on.is_none_or(|r| r > on))
    }

    /// Adds a listing event for `subject` on `kind` to `entries`: to its open
    /// entry, or a new entry, and audits it. Returns the entry's key; the
    /// caller writes the entry (see [`put_entry`]).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn list_in(
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
        let open = Self::open_entry_among(entries, &kind, on).map(|(key, _)| key.clone());
        let key = match open {
            Some(key) => {
                if let Some((_, entry)) = entries.iter_mut().find(|(k, _)| *k == key) {
                    entry.events.push(event);
                }
                key
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
        // those. A red-list entry concerns no record. An organization is
        // named by its code: nothing to gather (a bulk import lists it once
        // per finding, issue 17 defect 12).
        let person = subject.is_person();
        if on_other_lists && person {
            grounds = entries
                .iter()
                .flat_map(|(_, e)| e.events.iter().flat_map(|ev| ev.records.iter().copied()))
                .collect();
        } else if let Some((_, entry)) = entries.iter().find(|(k, _)| person && *k == key) {
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

    /// Puts a subject on the red list as an honesty exemplar (诚信典型, plan §4(2)),
    /// and returns its red-list entry as saved (a new one, or the open one
    /// with the new listing event), from the same transaction.
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`] for an unregistered subject, or a store failure.
    pub fn add_to_red_list(
        &self,
        subject: &SubjectId,
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<(ListEntryId, ListEntry), RegistryError> {
        self.authorize(actor, Operation::AddToRedList, Target::none())?;
        self.write_tx("add_to_red_list", None, |tx| {
            let by = &actor_name(tx, actor)?;
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
            put_entry(tx, &entries, &key)?;
            let entry = entries
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, e)| e.clone())
                .ok_or_else(|| not_found("list entry", &key))?;
            Ok((entry_id(&key)?, entry))
        })
    }

    /// The key and entry of `subject`'s open entry on `list` on `on` (no
    /// removal recorded on or before it), for a list operation.
    pub(super) fn open_entry(
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
    /// Returns the entry's id and the entry as saved, from the same
    /// transaction (issue 21 point 8).
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
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<(ListEntryId, ListEntry), RegistryError> {
        self.authorize(actor, Operation::RemoveFromList, Target::none())?;
        self.change_open_entry(
            subject,
            list,
            actor,
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
    /// transaction, and returns the entry's id and the entry as saved; an
    /// `Err` from `change` changes nothing.
    #[expect(
        clippy::too_many_arguments,
        reason = "the list operations differ only in these"
    )]
    pub(super) fn change_open_entry(
        &self,
        subject: &SubjectId,
        list: &ListKind,
        actor: &Actor,
        on: NaiveDate,
        action: AuditAction,
        basis: Citation,
        mut change: impl FnMut(&mut ListEntry) -> Result<(), RegistryError>,
    ) -> Result<(ListEntryId, ListEntry), RegistryError> {
        self.write_tx("change_open_entry", None, |tx| {
            let by = &actor_name(tx, actor)?;
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
                basis.clone(),
            )?;
            Ok((entry_id(&key)?, entry))
        })
    }

    /// Records an organization's application to leave the activity-abnormal
    /// list (申请移出, MCA Order No. 60 (2018) art. 13, unconfirmed), made on
    /// `on` after fulfilling its obligations.
    ///
    /// Returns the entry's id and the entry as saved, from the same
    /// transaction (issue 21 point 8).
    ///
    /// # Errors
    ///
    /// [`RegistryError::ListOperation`] when the subject is not on the
    /// activity-abnormal list that day or already applied since its latest
    /// listing event, [`RegistryError::NotFound`], or a store failure.
    pub fn apply_for_list_exit(
        &self,
        subject: &SubjectId,
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<(ListEntryId, ListEntry), RegistryError> {
        self.authorize(actor, Operation::ApplyForListExit, Target::none())?;
        let list = ListKind::ActivityAbnormal;
        let basis = self.exit_basis(on, "lists.abnormal_exit_application")?;
        self.change_open_entry(
            subject,
            &list,
            actor,
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
    /// Returns the entry's id and the entry as saved, from the same
    /// transaction (issue 21 point 8).
    ///
    /// # Errors
    ///
    /// [`RegistryError::ListOperation`] when the subject is not on the list,
    /// did not apply since its latest listing event, or applied after `on`;
    /// [`RegistryError::NotFound`], or a store failure.
    pub fn verify_list_exit(
        &self,
        subject: &SubjectId,
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<(ListEntryId, ListEntry), RegistryError> {
        self.authorize(actor, Operation::VerifyListExit, Target::none())?;
        let list = ListKind::ActivityAbnormal;
        let basis = self.exit_basis(on, "lists.abnormal_exit_verification")?;
        self.change_open_entry(
            subject,
            &list,
            actor,
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
    pub(super) fn exit_basis(
        &self,
        on: NaiveDate,
        rule: &'static str,
    ) -> Result<Citation, RegistryError> {
        let setup = self.setup();
        let policy = setup.policy(on)?;
        let source = policy.lifecycle().map_or_else(
            || "plan §6(5)".to_owned(),
            |lc| lc.abnormal_exit_source.clone(),
        );
        Ok(Citation::owned(rule, source))
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
        self.read_tx("list_entries", None, |tx| {
            Self::require_subject(tx, subject)?;
            scan::<ListEntry>(tx, Table::ListEntries, Some(subject))?
                .into_iter()
                .map(|(key, entry)| Ok((entry_id(&key)?, entry)))
                .collect()
        })
    }
}

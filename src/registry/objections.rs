//! Objections (异议): receipt, steps, the desk and overdue steps.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::actor::Actor;
use crate::audit::{AuditAction, AuditTarget};
use crate::calendar::{CalendarError, WorkCalendar};
use crate::citation::Citation;
use crate::commitment::Commitment;
use crate::lists::ListEntry;
use crate::misconduct::{MisconductRecord, RecordId, RecordStatus, Section};
use crate::objection::{
    Applicant, CreditItem, Finding as OpinionFinding, ItemChange, LateStep, Objection, ObjectionId,
    ObjectionStatus, Outcome, Receipt,
};
use crate::permission::{Operation, Target};
use crate::store::{numeric_key, Store, Table, Transaction};
use crate::subject::SubjectId;

use super::*;

/// An objection as an operation left it, with where it stands that day:
/// its deadlines, the next step due and what is overdue. Both come from the
/// operation's own transaction, so a caller learns the deadlines in the
/// same call that saved the objection (issue 21 point 8): if they cannot be
/// counted, nothing was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TrackedObjection {
    /// The objection as stored.
    pub objection: Objection,
    /// Where it stands at the end of the operation's day (the receipt day
    /// for a receipt, the step's day for a step).
    pub status: ObjectionStatus,
}

impl TrackedObjection {
    /// The objection's id.
    pub fn id(&self) -> ObjectionId {
        self.objection.id()
    }

    /// The objection, without its status.
    pub fn into_objection(self) -> Objection {
        self.objection
    }
}

impl<S: Store, C: WorkCalendar> Registry<S, C> {
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
        actor: &Actor,
    ) -> Result<TrackedObjection, RegistryError> {
        self.receive_objection_about(
            CreditItem::Record(record),
            Applicant::Subject,
            receipt,
            grounds,
            actor,
        )
    }

    /// Receives an objection to any credit information (plan §6(3):
    /// "信用信息主体对信用信息有异议的"): a record, a list entry or a commitment,
    /// made by the subject or by someone acting for it. The objection is
    /// kept under the item's subject, who gets the reply. It comes back with
    /// its status on the receipt day (every deadline of plan §6(3) counted
    /// from the receipt), read in the same transaction that saved it.
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`] for an unknown item,
    /// [`RegistryError::Calendar`] for a receipt day outside the calendar's
    /// coverage, [`RegistryError::Objection`] when a deadline cannot be
    /// counted, or a store failure. Nothing is stored on an error.
    pub fn receive_objection_about(
        &self,
        item: CreditItem,
        applicant: Applicant,
        receipt: Receipt,
        grounds: &str,
        actor: &Actor,
    ) -> Result<TrackedObjection, RegistryError> {
        self.authorize(actor, Operation::ReceiveObjection, Target::none())?;
        // Every deadline of the objection counts from its receipt day: one
        // the calendar does not cover is refused now, not stored to fail
        // on every later step (issue 17, defect 4).
        let received = receipt.date();
        let setup = self.setup();
        let coverage = setup.calendar.coverage();
        if !coverage.contains(&received) {
            return Err(RegistryError::Calendar(CalendarError::OutOfCoverage {
                date: received,
                coverage,
                working_days: None,
            }));
        }
        self.write_tx("receive_objection_about", None, |tx| {
            let by = &actor_name(tx, actor)?;
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
            // In the transaction: deadlines that cannot be counted undo the
            // receipt rather than leave an objection the caller thinks failed.
            let status = objection.status_on(&*setup.calendar, received)?;
            Ok(TrackedObjection { objection, status })
        })
    }

    /// The subject of a credit item, which must exist.
    pub(super) fn item_subject(
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

    /// An objection by id.
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`], or a store failure.
    pub fn objection(&self, id: ObjectionId) -> Result<Objection, RegistryError> {
        self.read_tx("objection", None, |tx| {
            get(tx, Table::Objections, &numeric_key(id.0))?
                .ok_or_else(|| not_found("objection", id))
        })
    }

    /// Advances an objection by one step, checked by the objection workflow.
    /// When the step notifies the applicant of an outcome that changes the
    /// item (revoked or corrected), the item changes in the same
    /// transaction: a record's status, a list entry's listing, a
    /// commitment's publication or text. The objection comes back with its
    /// status at the end of `on` (the next step and its deadline), read in
    /// the same transaction.
    ///
    /// # Errors
    ///
    /// [`RegistryError::Objection`] for a wrong move or a deadline that
    /// cannot be counted (nothing changes),
    /// [`RegistryError::NotFound`], or a store failure.
    pub fn advance_objection(
        &self,
        id: ObjectionId,
        step: ObjectionStep,
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<TrackedObjection, RegistryError> {
        let setup = self.setup();
        self.write_tx("advance_objection", None, |tx| {
            let key = numeric_key(id.0);
            let mut objection: Objection =
                get(tx, Table::Objections, &key)?.ok_or_else(|| not_found("objection", id))?;
            // Before anything is written: the step's operation, on the
            // section the objection was forwarded to (plan §6(3): only the
            // providing section gives the opinion).
            self.authorize(
                actor,
                step.operation(),
                Target {
                    section: objection.forwarded().map(|f| f.to),
                },
            )?;
            // Who acted, as the audit log names it: never an account id or
            // a name. A withdrawal is the applicant's act, recorded by the
            // Office official who received it.
            let by = &actor_name(tx, actor)?;
            let notifies = matches!(step, ObjectionStep::Notify { .. });
            match step.clone() {
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
                by,
                AuditAction::ObjectionAdvanced,
                AuditTarget::Objection(id),
                Citation::new("objection.step", "plan §6(3)"),
            )?;
            let status = objection.status_on(&*setup.calendar, on.max(objection.received_on()))?;
            Ok(TrackedObjection { objection, status })
        })
    }

    /// Applies an objection's decision to its item and audits it.
    pub(super) fn apply_item_change(
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

    pub(super) fn all_objections(&self) -> Result<Vec<Objection>, RegistryError> {
        let objections: Vec<(String, Objection)> = self.read_tx("all_objections", None, |tx| {
            Ok::<_, RegistryError>(scan(tx, Table::Objections, None)?)
        })?;
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

impl ObjectionStep {
    /// The operation the permission table grants this step as.
    pub fn operation(&self) -> Operation {
        match self {
            Self::Forward { .. } => Operation::ForwardObjection,
            Self::Opinion { .. } => Operation::SubmitOpinion,
            Self::Notify { .. } => Operation::NotifyApplicant,
            Self::Reply { .. } => Operation::ReplyToSubject,
            Self::Close => Operation::CloseObjection,
            Self::Withdraw => Operation::RecordWithdrawal,
        }
    }
}

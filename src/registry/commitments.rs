//! Commitments (信用承诺) and tip-offs (举报).

use chrono::NaiveDate;

use crate::actor::Actor;
use crate::audit::{AuditAction, AuditTarget};
use crate::calendar::WorkCalendar;
use crate::citation::Citation;
use crate::commitment::{Commitment, CommitmentError, CommitmentId, CommitmentKind};
use crate::permission::{Operation, Target};
use crate::store::{numeric_key, Store, StoreError, Table, Transaction};
use crate::subject::SubjectId;
use crate::tipoff::{Report, ReportId, Reporter};

use super::*;

impl<S: Store, C: WorkCalendar> Registry<S, C> {
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
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<Commitment, RegistryError> {
        self.authorize(actor, Operation::SignCommitment, Target::none())?;
        self.write_tx("sign_commitment", None, |tx| {
            let by = &actor_name(tx, actor)?;
            Self::require_subject(tx, subject)?;
            let id = CommitmentId(tx.next_id(Table::Commitments)?);
            let commitment = Commitment {
                id,
                subject: subject.clone(),
                kind: kind.clone(),
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

    pub(super) fn change_commitment(
        &self,
        id: CommitmentId,
        actor: &Actor,
        on: NaiveDate,
        action: AuditAction,
        basis: Citation,
        mut change: impl FnMut(&mut Commitment) -> Result<(), CommitmentError>,
    ) -> Result<Commitment, RegistryError> {
        self.write_tx("change_commitment", None, |tx| {
            let by = &actor_name(tx, actor)?;
            let key = numeric_key(id.0);
            let mut c: Commitment =
                get(tx, Table::Commitments, &key)?.ok_or_else(|| not_found("commitment", id))?;
            change(&mut c)?;
            tx.put(Table::Commitments, &key, to_doc(&c.subject, &c)?)?;
            audit(
                tx,
                on,
                by,
                action,
                AuditTarget::Commitment(id),
                basis.clone(),
            )?;
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
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<Commitment, RegistryError> {
        self.authorize(actor, Operation::PublishCommitment, Target::none())?;
        self.change_commitment(
            id,
            actor,
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
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<Commitment, RegistryError> {
        self.authorize(actor, Operation::FulfilCommitment, Target::none())?;
        self.change_commitment(
            id,
            actor,
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
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<ReportId, RegistryError> {
        self.authorize(actor, Operation::ReceiveReport, Target::none())?;
        self.write_tx("receive_report", None, |tx| {
            let by = &actor_name(tx, actor)?;
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
                    name: reporter.name.clone(),
                    contact: reporter.contact.clone(),
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

    /// The report at `id`, its reporter read from the sealed part.
    fn report_in(tx: &mut dyn Transaction, id: ReportId) -> Result<Report, RegistryError> {
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
    }

    /// A tip-off by id, **without** its reporter
    /// ([`Report::reporter_identity_confidential`] is `None`): the
    /// identity is read only through [`Registry::unseal_reporter`].
    ///
    /// # Errors
    ///
    /// [`RegistryError::NotFound`], or a store failure.
    pub fn report(&self, id: ReportId) -> Result<Report, RegistryError> {
        self.read_tx("report", None, |tx| {
            Self::report_in(tx, id).map(Report::withheld)
        })
    }

    /// A tip-off with its reporter's identity, for the one capacity the
    /// permission table designates (`tip_off_custodian`; plan §5(5)1,
    /// "对举报人信息严格保密"). Every unsealing is audited (who, when, which
    /// report), in the same transaction as the read: an unsealing that
    /// cannot be audited does not happen.
    ///
    /// # Errors
    ///
    /// [`RegistryError::Forbidden`] for any other capacity (nothing is read
    /// or written), [`RegistryError::NotFound`], or a store failure.
    pub fn unseal_reporter(
        &self,
        id: ReportId,
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<Report, RegistryError> {
        self.authorize(actor, Operation::UnsealReporter, Target::none())?;
        self.write_tx("unseal_reporter", None, |tx| {
            let report = Self::report_in(tx, id)?;
            let by = actor_name(tx, actor)?;
            audit(
                tx,
                on,
                &by,
                AuditAction::ReporterUnsealed,
                AuditTarget::Report(id),
                Citation::new("report.unseal_by_custodian", "plan §5(5)1"),
            )?;
            Ok(report)
        })
    }
}

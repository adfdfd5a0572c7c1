//! Subjects and roles: registration and linking persons to organizations.

use chrono::NaiveDate;

use crate::actor::Actor;
use crate::audit::{AuditAction, AuditTarget};
use crate::calendar::WorkCalendar;
use crate::citation::Citation;
use crate::permission::{Operation, Target};
use crate::store::{numeric_key, Store, Table, Transaction};
use crate::subject::{Organization, ResidentId, Role, RoleLink, Roster, Subject, SubjectId, Uscc};

use super::*;

impl<S: Store, C: WorkCalendar> Registry<S, C> {
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
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        self.authorize(actor, Operation::RegisterSubject, Target::none())?;
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
        self.write_tx("register_subject", None, |tx| {
            let by = &actor_name(tx, actor)?;
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
        self.read_tx("subject", None, |tx| {
            Ok(get(tx, Table::Subjects, &subject_key(id))?)
        })
    }

    pub(super) fn require_subject(
        tx: &mut dyn Transaction,
        id: &SubjectId,
    ) -> Result<Subject, RegistryError> {
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
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        self.authorize(actor, Operation::LinkPerson, Target::none())?;
        Roster::default().link(link.clone())?;
        let person: SubjectId = link.person.clone().into();
        self.write_tx("link_person", None, |tx| {
            let by = &actor_name(tx, actor)?;
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
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        self.authorize(actor, Operation::UnlinkPerson, Target::none())?;
        let subject: SubjectId = person.clone().into();
        self.write_tx("unlink_person", None, |tx| {
            let by = &actor_name(tx, actor)?;
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
}

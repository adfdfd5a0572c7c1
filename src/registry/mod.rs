//! The facade officials' operations go through: a [`Registry`] over any
//! [`Store`](crate::store::Store) and any [`WorkCalendar`](crate::calendar::WorkCalendar).
//!
//! Every operation takes the day it happens and who acts; none reads the
//! clock. Each runs in one store transaction, so it happens entirely or not
//! at all, and each change appends an [`AuditEntry`](crate::audit::AuditEntry) naming its rule.
//! Decisions come from the pure core ([`crate::grading`], [`crate::assess`](mod@crate::assess),
//! [`crate::objection`], [`crate::repair`], [`crate::retention`]); the
//! registry only loads, calls and saves.

mod authority;
mod cache;
mod commitments;
mod config;
mod due;
mod encoding;
mod error;
mod import;
mod lists;
mod objections;
mod queries;
mod records;
mod subjects;
mod sweep;
mod trail;
mod views;

use std::sync::{Arc, RwLock};

use chrono::NaiveDate;

use crate::calendar::ChinaCalendar;
use crate::grading::GradingPolicy;
use crate::permission::PermissionTable;

pub use config::RuleBook;
pub use error::{plausible_dates, RegistryError, PLAUSIBLE_FIRST_YEAR, PLAUSIBLE_LAST_YEAR};
pub use import::ImportRow;
pub use objections::{ObjectionStep, TrackedObjection};
pub use queries::{Cursor, ObjectionQuery, Page, MAX_PAGE};
pub use records::{Listed, NewRecord, Recorded};
pub use sweep::{SweepGap, SweepReport};
pub use trail::upgrade_to_pseudonyms;
pub use views::{PublicMeasure, PublicRecord, PublicView, RestorationView, RestoredRange};

// Helpers the operation files share.
use authority::actor_name;
use encoding::{get, load, put_entry, scan, subject_key, to_doc, ReportBody, SealedReporter};
use error::{not_found, plausible};
use lists::entry_id;
use records::{erase_in, get_record};
use trail::{
    append_entry, audit, entry_name, entry_pseudonym, subject_pseudonym, unlinked_pseudonym,
};

/// The registry: the domain's operations over a store.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::misconduct::Section;
/// use social_credit::registry::Registry;
/// use social_credit::store::MemoryStore;
/// use social_credit::{Actor, Organization, OrganizationKind, Subject};
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
///     &Actor::section(Section::SocialOrganizations),
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
    /// Who may do what (issue 18): checked before every change.
    permissions: Arc<PermissionTable>,
    /// Decoded documents per subject, reused while unchanged in the store.
    cache: cache::SubjectCache,
}

impl<S: crate::store::Store, C> Registry<S, C> {
    /// Runs the writing operation `op` in one store transaction (traced
    /// with the `tracing` feature).
    fn write_tx<R>(
        &self,
        op: &'static str,
        subject: Option<&crate::subject::SubjectId>,
        work: impl FnMut(&mut dyn crate::store::Transaction) -> Result<R, RegistryError>,
    ) -> Result<R, RegistryError> {
        // Every document the operation writes gets its due day in the same
        // transaction (issue 19; `due::Tracked`).
        let setup = Arc::clone(
            &self
                .setup
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        let mut work = work;
        crate::trace::run(&self.store, false, op, subject, |tx| {
            let mut tracked = due::Tracked {
                tx,
                rules: &setup.rules,
            };
            work(&mut tracked)
        })
    }

    /// [`Registry::write_tx`] without setting due days, for replacing the
    /// setup (which holds the setup's lock, and writes no dated document).
    fn write_tx_untracked<R>(
        &self,
        op: &'static str,
        work: impl FnMut(&mut dyn crate::store::Transaction) -> Result<R, RegistryError>,
    ) -> Result<R, RegistryError> {
        crate::trace::run(&self.store, false, op, None, work)
    }

    /// Runs the read-only operation `op` in one read-only store transaction
    /// ([`crate::store::Store::read`]; traced with the `tracing` feature).
    fn read_tx<R>(
        &self,
        op: &'static str,
        subject: Option<&crate::subject::SubjectId>,
        work: impl FnMut(&mut dyn crate::store::Transaction) -> Result<R, RegistryError>,
    ) -> Result<R, RegistryError> {
        crate::trace::run(&self.store, true, op, subject, work)
    }
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

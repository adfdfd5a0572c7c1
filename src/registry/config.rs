//! Construction and configuration: the rule book, building a registry
//! and replacing its calendar or rules.

use std::sync::{Arc, PoisonError, RwLock};

use chrono::NaiveDate;

use crate::actor::Actor;
use crate::assess::Rules;
use crate::audit::{AuditAction, AuditTarget};
use crate::calendar::{ChinaCalendar, WorkCalendar};
use crate::catalogue::Catalogue;
use crate::citation::Citation;
use crate::grading::PolicySet;
use crate::objection::ObjectionPolicy;
use crate::permission::{Operation, PermissionTable, Target};
use crate::repair::RepairTimeline;
use crate::retention::RetentionPolicy;
use crate::store::Store;

use super::*;

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

    pub(super) fn rules(&self) -> Rules<'_> {
        Rules {
            policies: &self.policies,
            catalogue: &self.catalogue,
            retention: &self.retention,
            repair: &self.repair,
            objections: &self.objection,
        }
    }
}

impl<S: Store> Registry<S, ChinaCalendar> {
    /// A registry on `store` with the built-in rules and the official
    /// calendar projected five years past its last notice
    /// ([`ChinaCalendar::official_projected`]): a deadline past the last
    /// published holiday notice is given, flagged
    /// [`Finality::Projected`](crate::calendar::Finality::Projected), instead of failing.
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
            permissions: Arc::new(PermissionTable::xinzheng_2019().clone()),
            cache: super::cache::SubjectCache::default(),
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
    pub(super) fn setup(&self) -> Arc<Setup<C>> {
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
    /// [`RegistryError::Forbidden`] unless `actor` may replace the
    /// calendar (the Office, plan §8(1)); a store failure writing the audit
    /// entry. The calendar is then unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use social_credit::calendar::ChinaCalendar;
    /// use social_credit::misconduct::Section;
    /// use social_credit::registry::Registry;
    /// use social_credit::store::MemoryStore;
    /// use social_credit::Actor;
    ///
    /// let registry = Registry::official(MemoryStore::new());
    /// let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    /// let stricter = ChinaCalendar::official();
    /// registry.replace_calendar(stricter.clone(), &Actor::section(Section::Office), day)?;
    /// assert_eq!(*registry.calendar(), stricter);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn replace_calendar(
        &self,
        calendar: C,
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        self.authorize(actor, Operation::ReplaceCalendar, Target::none())?;
        let coverage = calendar.coverage();
        let what = format!(
            "the calendar, now covering {} to {}",
            coverage.start(),
            coverage.end()
        );
        self.replace(Some(calendar), None, what, actor, on)
    }

    /// Replaces the rules of a running registry, audited and seen by the
    /// next operation on any thread, as
    /// [`replace_calendar`](Self::replace_calendar).
    ///
    /// # Errors
    ///
    /// [`RegistryError::Forbidden`] unless `actor` may replace the rules;
    /// a store failure writing the audit entry. The rules are then unchanged.
    pub fn replace_rules(
        &self,
        rules: RuleBook,
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        self.authorize(actor, Operation::ReplaceRules, Target::none())?;
        self.replace(None, Some(rules), "the rules".to_owned(), actor, on)
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
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        self.authorize(actor, Operation::ReplaceCalendar, Target::none())?;
        self.authorize(actor, Operation::ReplaceRules, Target::none())?;
        let coverage = calendar.coverage();
        let what = format!(
            "the calendar, now covering {} to {}, and the rules",
            coverage.start(),
            coverage.end()
        );
        self.replace(Some(calendar), Some(rules), what, actor, on)
    }

    pub(super) fn replace(
        &self,
        calendar: Option<C>,
        rules: Option<RuleBook>,
        what: String,
        actor: &Actor,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        // Held while the audit entry is written, so replacements are
        // serialized and the log's order is the order they took effect.
        let mut slot = self.setup.write().unwrap_or_else(PoisonError::into_inner);
        let new_rules = rules.is_some();
        self.write_tx_untracked("replace", |tx| {
            if new_rules {
                // Due days follow from the rules: the next sweep computes
                // them afresh (issue 19).
                super::sweep::forget_due_index(tx)?;
            }
            let by = actor_name(tx, actor)?;
            audit(
                tx,
                on,
                &by,
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
}

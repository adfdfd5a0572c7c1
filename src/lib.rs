#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod actor;
pub mod assess;
pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod citation;
pub mod commitment;
pub mod explain;
pub mod grading;
mod ids;
pub mod lists;
pub mod misconduct;
pub mod objection;
pub mod permission;
pub mod quarterly;
pub mod registry;
pub mod repair;
pub mod retention;
pub mod store;
pub mod subject;
pub mod text;
pub mod tipoff;
mod trace;

/// The old name of [`tipoff`] (tip-offs, 举报), kept for one release.
///
/// Every item is still here under its old path; each name warns as
/// deprecated where it is used (rustc does not warn for a path through a
/// deprecated module, so each item carries the attribute itself).
#[allow(deprecated)]
#[deprecated(note = "renamed `tipoff`: `report` read too close to `reporting`")]
pub mod report {
    // The glob keeps the constructor `ReportId(n)` working; the aliases
    // below shadow it as types, so that naming a type warns.
    pub use crate::tipoff::*;

    /// Renamed [`crate::tipoff::Report`].
    #[deprecated(note = "use `social_credit::tipoff::Report`")]
    pub type Report = crate::tipoff::Report;
    /// Renamed [`crate::tipoff::ReportId`].
    #[deprecated(note = "use `social_credit::tipoff::ReportId`")]
    pub type ReportId = crate::tipoff::ReportId;
    /// Renamed [`crate::tipoff::Reporter`].
    #[deprecated(note = "use `social_credit::tipoff::Reporter`")]
    pub type Reporter = crate::tipoff::Reporter;
    /// Renamed [`crate::tipoff::Sealed`].
    #[deprecated(note = "use `social_credit::tipoff::Sealed`")]
    pub type Sealed<T> = crate::tipoff::Sealed<T>;
}

/// The old name of [`quarterly`] (quarterly reports, plan §8(3)), kept for
/// one release; each item warns as deprecated where it is used.
#[allow(deprecated)]
#[deprecated(note = "renamed `quarterly`: `reporting` read too close to `report`")]
pub mod reporting {
    use chrono::NaiveDate;

    use crate::calendar::WorkCalendar;
    use crate::misconduct::Section;
    use crate::objection::{Objection, ObjectionError};
    use crate::quarterly as new;

    /// Renamed [`crate::quarterly::REPORTING_SECTIONS`].
    #[deprecated(note = "use `social_credit::quarterly::REPORTING_SECTIONS`")]
    pub const REPORTING_SECTIONS: [Section; 5] = new::REPORTING_SECTIONS;
    /// Renamed [`crate::quarterly::ReportingRule`].
    #[deprecated(note = "use `social_credit::quarterly::ReportingRule`")]
    pub type ReportingRule = new::ReportingRule;
    /// Renamed [`crate::quarterly::QuarterlyReport`].
    #[deprecated(note = "use `social_credit::quarterly::QuarterlyReport`")]
    pub type QuarterlyReport = new::QuarterlyReport;
    /// Renamed [`crate::quarterly::LateObjectionStep`].
    #[deprecated(note = "use `social_credit::quarterly::LateObjectionStep`")]
    pub type LateObjectionStep = new::LateObjectionStep;
    /// Renamed [`crate::quarterly::SectionLateness`].
    #[deprecated(note = "use `social_credit::quarterly::SectionLateness`")]
    pub type SectionLateness = new::SectionLateness;

    /// Renamed [`crate::quarterly::quarterly_reports`].
    #[deprecated(note = "use `social_credit::quarterly::quarterly_reports`")]
    pub fn quarterly_reports(year: i32) -> Vec<QuarterlyReport> {
        new::quarterly_reports(year)
    }
    /// Renamed [`crate::quarterly::quarterly_reports_under`].
    #[deprecated(note = "use `social_credit::quarterly::quarterly_reports_under`")]
    pub fn quarterly_reports_under(rule: &ReportingRule, year: i32) -> Vec<QuarterlyReport> {
        new::quarterly_reports_under(rule, year)
    }
    /// Renamed [`crate::quarterly::next_due`].
    #[deprecated(note = "use `social_credit::quarterly::next_due`")]
    pub fn next_due(section: Section, day: NaiveDate) -> Option<QuarterlyReport> {
        new::next_due(section, day)
    }
    /// Renamed [`crate::quarterly::next_due_under`].
    #[deprecated(note = "use `social_credit::quarterly::next_due_under`")]
    pub fn next_due_under(
        rule: &ReportingRule,
        section: Section,
        day: NaiveDate,
    ) -> Option<QuarterlyReport> {
        new::next_due_under(rule, section, day)
    }
    /// Renamed [`crate::quarterly::objection_lateness`].
    ///
    /// # Errors
    ///
    /// As [`crate::quarterly::objection_lateness`].
    #[deprecated(note = "use `social_credit::quarterly::objection_lateness`")]
    pub fn objection_lateness(
        calendar: &(impl WorkCalendar + ?Sized),
        objections: &[Objection],
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<SectionLateness>, ObjectionError> {
        new::objection_lateness(calendar, objections, from, until)
    }
    /// Renamed [`crate::quarterly::quarterly_report`].
    ///
    /// # Errors
    ///
    /// As [`crate::quarterly::quarterly_report`].
    #[deprecated(note = "use `social_credit::quarterly::quarterly_report`")]
    pub fn quarterly_report(
        rule: &ReportingRule,
        calendar: &(impl WorkCalendar + ?Sized),
        objections: &[Objection],
        year: i32,
        quarter: u32,
    ) -> Result<Vec<(QuarterlyReport, SectionLateness)>, ObjectionError> {
        new::quarterly_report(rule, calendar, objections, year, quarter)
    }
}

pub use actor::Actor;
pub use assess::{assess, Assessment, Dossier, Rules};
pub use audit::AuditEntry;
pub use catalogue::{Catalogue, Measure, SanctionKind};
pub use citation::Citation;
pub use explain::AssessmentReport;
pub use grading::{GradingPolicy, PolicySet};
pub use lists::{ListEntry, ListKind};
pub use misconduct::{MisconductRecord, RecordId, RecordStatus, Section, Severity};
pub use objection::{Objection, ObjectionError, ObjectionPolicy};
pub use permission::{Operation, PermissionTable};
pub use repair::{Eligibility, PenaltyDecision, RepairPolicy, RepairTimeline};
pub use retention::RetentionPolicy;

pub use text::ParseNameError;

pub use subject::{
    Organization, OrganizationKind, Person, ResidentId, ResidentIdError, Role, RoleLink, Roster,
    Subject, SubjectId, SubjectIdError, Uscc, UsccError,
};

/// Compile-time proof that the types a service shares across threads are
/// `Send + Sync` (services call this crate from async handlers).
#[allow(dead_code)]
const fn assert_send_sync<T: Send + Sync>() {}
const _: () = {
    assert_send_sync::<Uscc>();
    assert_send_sync::<ResidentId>();
    assert_send_sync::<Subject>();
    assert_send_sync::<Roster>();
    assert_send_sync::<GradingPolicy>();
    assert_send_sync::<PolicySet>();
    assert_send_sync::<Catalogue>();
    assert_send_sync::<ListEntry>();
    assert_send_sync::<Assessment<'static>>();
    assert_send_sync::<AssessmentReport>();
    assert_send_sync::<MisconductRecord>();
    assert_send_sync::<RepairPolicy>();
    assert_send_sync::<RepairTimeline>();
    assert_send_sync::<RetentionPolicy>();
    assert_send_sync::<AuditEntry>();
    assert_send_sync::<calendar::ChinaCalendar>();
    assert_send_sync::<store::MemoryStore>();
    assert_send_sync::<Actor>();
    assert_send_sync::<PermissionTable>();
    assert_send_sync::<registry::Recorded>();
    assert_send_sync::<registry::TrackedObjection>();
};

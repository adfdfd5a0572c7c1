#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod assess;
pub mod audit;
pub mod calendar;
pub mod catalogue;
pub mod citation;
pub mod commitment;
pub mod explain;
pub mod grading;
pub mod lists;
pub mod misconduct;
pub mod objection;
pub mod registry;
pub mod repair;
pub mod report;
pub mod reporting;
pub mod retention;
pub mod store;
pub mod subject;
pub mod text;
mod trace;

pub use assess::{assess, Assessment, Dossier, Rules};
pub use audit::AuditEntry;
pub use catalogue::{Catalogue, Measure, SanctionKind};
pub use citation::Citation;
pub use explain::AssessmentReport;
pub use grading::{GradingPolicy, PolicySet};
pub use lists::{ListEntry, ListKind};
pub use misconduct::{MisconductRecord, RecordId, RecordStatus, Section, Severity};
pub use objection::{Objection, ObjectionError, ObjectionPolicy};
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
};

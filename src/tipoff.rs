//! Tip-offs (举报) about dishonesty, whose reporters' identities are kept
//! confidential (plan §5(5)1: "对举报人信息严格保密").

use std::fmt;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

pub use crate::ids::ReportId;
use crate::subject::SubjectId;

/// Who made a report: confidential.
#[derive(Clone, PartialEq, Eq)]
pub struct Reporter {
    /// The reporter's name.
    pub name: String,
    /// How to reach the reporter (telephone, address, e-mail).
    pub contact: String,
}

/// A value that is sealed: it prints as `<sealed>` in `Debug`, has no
/// `Display`, serializes as the string `"<sealed>"`, and has no
/// `Deserialize` (sealed data cannot be forged from serde input). Only
/// [`Sealed::unseal`] opens it, so every place that reads it is explicit
/// and can be searched for.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed<T>(T);

impl<T> Sealed<T> {
    /// Seals a value.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// Opens the sealed value. Call only where the law allows the identity
    /// to be read (the investigating official, the store that keeps it).
    pub fn unseal(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Sealed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<sealed>")
    }
}

impl<T> Serialize for Sealed<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("<sealed>")
    }
}

/// A public tip-off about a subject's dishonesty (举报, plan §5(5)1).
///
/// The reporter's identity is sealed: it is not in `Debug`, `Display` or
/// serde output, and never in the public view or the audit log. It is read
/// only through [`Report::reporter_identity_confidential`], and a
/// registry hands out reports without it (`withheld`) except to the
/// designated custodian.
///
/// `Report` implements `Serialize` (with the identity sealed) but not
/// `Deserialize`: a store persists the identity through the named accessor
/// and rebuilds reports with [`Report::new`].
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::tipoff::{Report, ReportId, Reporter};
///
/// let report = Report::new(
///     ReportId(7),
///     "91350100M000100Y43".parse::<social_credit::Uscc>()?.into(),
///     NaiveDate::from_ymd_opt(2024, 5, 6).unwrap(),
///     "collects fees without a licence".into(),
///     Reporter { name: "Wang Fang".into(), contact: "138-0000-0000".into() },
/// );
/// assert!(!format!("{report:?}").contains("Wang"));
/// assert!(!serde_json::to_string(&report)?.contains("Wang"));
/// assert_eq!(report.reporter_identity_confidential().unwrap().name, "Wang Fang");
/// assert!(report.withheld().reporter_identity_confidential().is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The store's identifier.
    pub id: ReportId,
    /// Who the report is about.
    pub subject: SubjectId,
    /// The day it was received.
    pub received_on: NaiveDate,
    /// What is reported.
    pub summary: String,
    // `None` once withheld ([`Report::withheld`]).
    reporter: Option<Sealed<Reporter>>,
}

impl Report {
    /// A report, sealing its reporter's identity.
    pub fn new(
        id: ReportId,
        subject: SubjectId,
        received_on: NaiveDate,
        summary: String,
        reporter: Reporter,
    ) -> Self {
        Self {
            id,
            subject,
            received_on,
            summary,
            reporter: Some(Sealed::new(reporter)),
        }
    }

    /// The same report without its reporter's identity, as
    /// [`Registry::report`](crate::registry::Registry::report) gives it to
    /// anyone who is not the designated custodian.
    pub fn withheld(mut self) -> Self {
        self.reporter = None;
        self
    }

    /// The reporter's identity, unless withheld. Confidential (plan
    /// §5(5)1): only for the designated custodian
    /// ([`Registry::unseal_reporter`](crate::registry::Registry::unseal_reporter),
    /// audited) and for the store that keeps it.
    pub fn reporter_identity_confidential(&self) -> Option<&Reporter> {
        self.reporter.as_ref().map(Sealed::unseal)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "report {} about {} received {}: {}",
            self.id,
            self.subject.display_masked(),
            self.received_on,
            self.summary
        )
    }
}

impl fmt::Debug for Reporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Reporter(<sealed>)")
    }
}

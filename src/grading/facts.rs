//! The facts a finding is graded on, and the grade with the facts that
//! decided it.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::model::{FindingPattern, FineRange, SubjectKind};
use crate::citation::Citation;
use crate::misconduct::{ConductKind, Severity};

/// A finding: conduct of a kind on a day, with the fine imposed, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The conduct kind.
    pub conduct: ConductKind,
    /// The fine imposed, in yuan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine: Option<Decimal>,
    /// The day of the finding (the penalty decision).
    pub on: NaiveDate,
}

impl Finding {
    /// A finding of `conduct` on `on`, without a fine.
    pub fn new(conduct: ConductKind, on: NaiveDate) -> Self {
        Self {
            conduct,
            fine: None,
            on,
        }
    }

    /// The same finding with a fine of `yuan`.
    #[must_use]
    pub fn with_fine(mut self, yuan: Decimal) -> Self {
        self.fine = Some(yuan);
        self
    }
}

/// A listing: on the list `list` (a policy's list id) since `since` (the
/// latest listing event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing {
    /// The list's id in the policy.
    pub list: String,
    /// The latest listing event.
    pub since: NaiveDate,
}

/// What grading looks at: the day, the finding graded (if any), the
/// subject's earlier findings and its listings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// The day graded.
    pub on: NaiveDate,
    /// The finding graded; `None` to grade the subject's standing alone
    /// (e.g. time on a list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<Finding>,
    /// Earlier findings about the subject (those after `on` are ignored).
    #[serde(default)]
    pub earlier: Vec<Finding>,
    /// The subject's listings (those starting after `on` are ignored).
    #[serde(default)]
    pub listings: Vec<Listing>,
    /// The kind of subject graded; `None` matches rules for any subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<SubjectKind>,
}

impl Facts {
    /// No facts, on `on`.
    pub fn new(on: NaiveDate) -> Self {
        Self {
            on,
            finding: None,
            earlier: Vec::new(),
            listings: Vec::new(),
            subject: None,
        }
    }

    /// About a subject of kind `kind`: rules for other kinds never match.
    #[must_use]
    pub fn about(mut self, kind: SubjectKind) -> Self {
        self.subject = Some(kind);
        self
    }

    /// With `finding` as the finding graded.
    #[must_use]
    pub fn finding(mut self, finding: Finding) -> Self {
        self.finding = Some(finding);
        self
    }

    /// With `finding` among the earlier findings.
    #[must_use]
    pub fn earlier(mut self, finding: Finding) -> Self {
        self.earlier.push(finding);
        self
    }

    /// With a listing on `list` since `since`.
    #[must_use]
    pub fn listed(mut self, list: impl Into<String>, since: NaiveDate) -> Self {
        self.listings.push(Listing {
            list: list.into(),
            since,
        });
        self
    }
}

/// A fact a rule matched, reported with the grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fact", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MatchedFact {
    /// The finding's conduct kind.
    Conduct(ConductKind),
    /// The finding's fine and the range it fell in.
    Fine {
        /// The fine in yuan.
        fine: Decimal,
        /// The range.
        range: FineRange,
    },
    /// The qualifying findings counted within the window.
    Repeat {
        /// How many.
        count: usize,
        /// The window in years.
        within_years: u32,
        /// Their dates.
        dates: Vec<NaiveDate>,
    },
    /// Time on a list.
    TimeOnList {
        /// The list's id.
        list: String,
        /// The latest listing event.
        since: NaiveDate,
        /// The full years run.
        full_years: u32,
    },
}

/// The result of grading: the severity, the list it leads to, the rule and
/// its source clause, and the facts it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grade {
    /// The severity.
    pub severity: Severity,
    /// The list the subject goes on, by id in the policy.
    pub list: Option<String>,
    /// The rule and its source clause.
    pub citation: Citation,
    /// The facts the rule matched.
    pub matched: Vec<MatchedFact>,
}

impl FindingPattern {
    /// Whether `finding` is of a conduct the pattern names, with a fine in its
    /// range when it sets one.
    pub(super) fn matches(&self, finding: &Finding) -> bool {
        self.conduct.contains(&finding.conduct)
            && match &self.fine {
                None => true,
                Some(range) => finding.fine.is_some_and(|f| range.contains(f)),
            }
    }
}

//! The identifiers of the acts the audit log names besides records and
//! list entries: objections, commitments and tip-offs. They sit below the
//! rules that make these acts so that [`crate::audit`] needs no rule
//! module; each is re-exported at its path of use ([`crate::objection`],
//! [`crate::commitment`], [`crate::tipoff`]).

use std::fmt;

use serde::{Deserialize, Serialize};

/// The identifier a service gives an objection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ObjectionId(pub u64);

impl fmt::Display for ObjectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "O{}", self.0)
    }
}

/// The identifier a store gives a commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CommitmentId(pub u64);

impl fmt::Display for CommitmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "C{}", self.0)
    }
}

/// The identifier a store gives a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ReportId(pub u64);

impl fmt::Display for ReportId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "T{}", self.0)
    }
}

impl std::str::FromStr for ObjectionId {
    type Err = crate::text::ParseNameError;

    /// Parses `O4` (the `Display` form) or `4`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::text::parse_id(s, 'O', "objection id").map(Self)
    }
}

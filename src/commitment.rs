//! Credit commitments (信用承诺): signed pledges, published (plan §4(1)), and
//! the written pledge to supply missing materials by a date under
//! accept-pending-materials (容缺受理, plan §4(3)).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::citation::Citation;
pub use crate::ids::CommitmentId;
use crate::subject::SubjectId;

/// What a commitment pledges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CommitmentKind {
    /// A comprehensive or specific credit commitment (综合信用承诺 / 专项承诺),
    /// published in the commitments column and on the publication site (plan §4(1)).
    Credit,
    /// A written pledge to supply the listed materials by `due`, on which an
    /// application was accepted before its materials were complete (容缺受理,
    /// plan §4(3)).
    SupplyMaterials {
        /// The last day to supply them.
        due: NaiveDate,
        /// What is missing.
        materials: Vec<String>,
    },
    /// The commitment signed as a condition of credit repair (plan §6(7)).
    Repair,
}

/// A signed pledge (信用承诺).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    /// The store's identifier.
    pub id: CommitmentId,
    /// Who signed it.
    pub subject: SubjectId,
    /// What it pledges.
    pub kind: CommitmentKind,
    /// Its text, as signed.
    pub text: String,
    /// The day it was signed.
    pub signed_on: NaiveDate,
    /// The day it was published, if it has been.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_on: Option<NaiveDate>,
    /// The day it was fulfilled (for a pledge to supply materials).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fulfilled_on: Option<NaiveDate>,
    /// The first day its publication is withdrawn, when an objection found
    /// it wrong and revoked it (plan §6(3)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_on: Option<NaiveDate>,
    /// The text as an objection corrected it (plan §6(3)), kept beside the
    /// text as signed and published in its place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_text: Option<String>,
}

/// A change to a commitment that is not possible.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CommitmentError {
    /// A date before the day the commitment was signed.
    #[error("commitment {id} cannot be {action} on {on}, before it was signed on {signed_on}")]
    BeforeSigning {
        /// The commitment.
        id: CommitmentId,
        /// What was attempted.
        action: &'static str,
        /// The date given.
        on: NaiveDate,
        /// The signing day.
        signed_on: NaiveDate,
    },
    /// Published or fulfilled a second time.
    #[error("commitment {id} was already {action} on {on}")]
    Already {
        /// The commitment.
        id: CommitmentId,
        /// What was attempted.
        action: &'static str,
        /// When it happened.
        on: NaiveDate,
    },
    /// Fulfilling a commitment that pledges no materials.
    #[error("commitment {id} pledges no materials to supply")]
    NothingToFulfil {
        /// The commitment.
        id: CommitmentId,
    },
}

/// A pledge to supply materials whose due date has passed unfulfilled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverduePledge {
    /// The commitment.
    pub id: CommitmentId,
    /// Who pledged.
    pub subject: SubjectId,
    /// The day the materials were due.
    pub due: NaiveDate,
    /// The rule behind the flag.
    pub basis: Citation,
}

impl Commitment {
    /// Marks the commitment published on `on`.
    ///
    /// # Errors
    ///
    /// [`CommitmentError`] when `on` is before signing or it was already
    /// published; the commitment is unchanged.
    pub fn publish(&mut self, on: NaiveDate) -> Result<(), CommitmentError> {
        if let Some(done) = self.published_on {
            return Err(CommitmentError::Already {
                id: self.id,
                action: "published",
                on: done,
            });
        }
        self.check_after_signing("published", on)?;
        self.published_on = Some(on);
        Ok(())
    }

    /// Marks a pledge to supply materials fulfilled on `on` (a late
    /// fulfilment is recorded as such: it stays flagged for the days it was
    /// overdue).
    ///
    /// # Errors
    ///
    /// [`CommitmentError`] when the commitment pledges no materials, `on` is
    /// before signing, or it was already fulfilled; the commitment is unchanged.
    pub fn fulfil(&mut self, on: NaiveDate) -> Result<(), CommitmentError> {
        if !matches!(self.kind, CommitmentKind::SupplyMaterials { .. }) {
            return Err(CommitmentError::NothingToFulfil { id: self.id });
        }
        if let Some(done) = self.fulfilled_on {
            return Err(CommitmentError::Already {
                id: self.id,
                action: "fulfilled",
                on: done,
            });
        }
        self.check_after_signing("fulfilled", on)?;
        self.fulfilled_on = Some(on);
        Ok(())
    }

    fn check_after_signing(
        &self,
        action: &'static str,
        on: NaiveDate,
    ) -> Result<(), CommitmentError> {
        if on < self.signed_on {
            return Err(CommitmentError::BeforeSigning {
                id: self.id,
                action,
                on,
                signed_on: self.signed_on,
            });
        }
        Ok(())
    }

    /// Whether this is a pledge to supply materials that, at the end of
    /// `day`, is past its due date and was not fulfilled by then.
    pub fn overdue_on(&self, day: NaiveDate) -> Option<OverduePledge> {
        let CommitmentKind::SupplyMaterials { due, .. } = self.kind else {
            return None;
        };
        let fulfilled_by_then = self.fulfilled_on.is_some_and(|f| f <= day);
        (day > due && self.signed_on <= day && !fulfilled_by_then).then(|| OverduePledge {
            id: self.id,
            subject: self.subject.clone(),
            due,
            basis: Citation::new("commitment.supply_materials_overdue", "plan §4(3)"),
        })
    }

    /// Whether it may appear in a public view on `day`: published by then,
    /// and its publication not withdrawn on an objection.
    pub fn is_published_on(&self, day: NaiveDate) -> bool {
        self.published_on.is_some_and(|p| p <= day) && self.withdrawn_on.is_none_or(|w| w > day)
    }

    /// The text in force: the corrected text where an objection corrected it.
    pub fn effective_text(&self) -> &str {
        self.corrected_text.as_deref().unwrap_or(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap()
    }

    fn pledge() -> Commitment {
        Commitment {
            id: CommitmentId(1),
            subject: SubjectId::Organization("91350100M000100Y43".parse().unwrap()),
            kind: CommitmentKind::SupplyMaterials {
                due: d(2024, 3, 15),
                materials: vec!["audit report 审计报告".into()],
            },
            text: "We will supply the audit report by 15 March 2024.".into(),
            signed_on: d(2024, 3, 1),
            published_on: None,
            fulfilled_on: None,
            withdrawn_on: None,
            corrected_text: None,
        }
    }

    #[test]
    fn overdue_only_after_the_due_day() {
        let p = pledge();
        assert!(p.overdue_on(d(2024, 3, 15)).is_none());
        assert!(p.overdue_on(d(2024, 3, 16)).is_some());
    }

    #[test]
    fn late_fulfilment_clears_the_flag_from_that_day() {
        let mut p = pledge();
        p.fulfil(d(2024, 3, 20)).unwrap();
        assert!(p.overdue_on(d(2024, 3, 19)).is_some());
        assert!(p.overdue_on(d(2024, 3, 20)).is_none());
    }

    #[test]
    fn wrong_moves_change_nothing() {
        let mut p = pledge();
        let before = p.clone();
        assert!(p.fulfil(d(2024, 2, 1)).is_err());
        assert!(p.publish(d(2024, 2, 1)).is_err());
        assert_eq!(p, before);
        p.fulfil(d(2024, 3, 10)).unwrap();
        let before = p.clone();
        assert!(matches!(
            p.fulfil(d(2024, 3, 11)),
            Err(CommitmentError::Already { .. })
        ));
        assert_eq!(p, before);
        let mut general = pledge();
        general.kind = CommitmentKind::Credit;
        assert!(matches!(
            general.fulfil(d(2024, 3, 10)),
            Err(CommitmentError::NothingToFulfil { .. })
        ));
    }
}

//! What a repair application is judged on (the subject's dated facts) and
//! what the judgement says: the periods, each unmet condition, the day the
//! record becomes eligible.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::audit::AuditEntry;
use crate::citation::Citation;
use crate::misconduct::{PenaltyDecision, RecordId, RecordStatus, Severity};
use crate::retention::period_end;

/// A kind of repair condition besides time, as the texts list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConditionKind {
    /// The conduct corrected and the penalty's obligations performed
    /// (纠正失信行为、履行相关义务).
    ConductCorrected,
    /// The adverse effects removed (消除不良影响). No national preset requires
    /// it separately; a policy loaded from data may.
    EffectsRemoved,
    /// A public credit commitment made (公开作出信用承诺).
    CommitmentSigned,
    /// Credit-repair training attended (信用修复培训; 527, serious tier).
    TrainingAttended,
    /// A credit report submitted (信用报告; 527, serious tier).
    CreditReportSubmitted,
    /// No new misconduct by the subject since the decision. No text read
    /// requires it and no preset uses it; a policy loaded from data may.
    NoNewMisconduct,
}

/// What the subject has done since the decision, each dated: a condition is
/// met on a day when its date is on or before that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepairFacts {
    /// The penalty decision.
    pub decision: PenaltyDecision,
    /// The day the dishonest conduct was corrected (the penalty performed,
    /// the obligation fulfilled), where it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_on: Option<NaiveDate>,
    /// The day its adverse effects were removed, where they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effects_removed_on: Option<NaiveDate>,
    /// The day a public credit commitment (信用承诺) was made, where one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment_signed_on: Option<NaiveDate>,
    /// The day the subject attended credit-repair training (信用修复培训),
    /// where it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_attended_on: Option<NaiveDate>,
    /// The day the subject submitted a credit report (信用报告), where it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_report_on: Option<NaiveDate>,
}

impl RepairFacts {
    /// Facts about `decision` with nothing done yet.
    pub fn new(decision: PenaltyDecision) -> Self {
        Self {
            decision,
            corrected_on: None,
            effects_removed_on: None,
            commitment_signed_on: None,
            training_attended_on: None,
            credit_report_on: None,
        }
    }

    /// The day the fact a condition asks for was established, if it was.
    pub(super) fn done_on(&self, kind: ConditionKind) -> Option<NaiveDate> {
        match kind {
            ConditionKind::ConductCorrected => self.corrected_on,
            ConditionKind::EffectsRemoved => self.effects_removed_on,
            ConditionKind::CommitmentSigned => self.commitment_signed_on,
            ConditionKind::TrainingAttended => self.training_attended_on,
            ConditionKind::CreditReportSubmitted => self.credit_report_on,
            ConditionKind::NoNewMisconduct => None,
        }
    }
}

/// A condition that is not met on the day asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "condition", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Condition {
    /// The record is not in force (it is repaired, revoked or erased).
    RecordInForce {
        /// Its status on the day asked.
        status: RecordStatus,
    },
    /// The decision is of a kind that may not be repaired.
    Repairable,
    /// The minimum publication period has not run.
    MinimumPeriodElapsed {
        /// The first day an application may be made.
        earliest_application: NaiveDate,
    },
    /// The conduct has not been corrected.
    ConductCorrected,
    /// The adverse effects have not been removed.
    EffectsRemoved,
    /// No public credit commitment has been made.
    CommitmentSigned,
    /// No credit-repair training has been attended.
    TrainingAttended,
    /// No credit report has been submitted.
    CreditReportSubmitted,
    /// The subject has new misconduct since the penalty decision (only
    /// under a policy loaded from data that requires it).
    NoNewMisconduct {
        /// The new records.
        records: Vec<RecordId>,
    },
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RecordInForce { status } => {
                write!(f, "the record is not in force (it is {})", status_name(*status))
            }
            Self::Repairable => f.write_str("the penalty decision may not be repaired"),
            Self::MinimumPeriodElapsed {
                earliest_application,
            } => write!(
                f,
                "the minimum publication period has not run (an application may be made from `{earliest_application}`)"
            ),
            Self::ConductCorrected => f.write_str("the conduct has not been corrected"),
            Self::EffectsRemoved => f.write_str("the adverse effects have not been removed"),
            Self::CommitmentSigned => f.write_str("no public credit commitment has been made"),
            Self::TrainingAttended => f.write_str("no credit-repair training has been attended"),
            Self::CreditReportSubmitted => f.write_str("no credit report has been submitted"),
            Self::NoNewMisconduct { records } => {
                f.write_str("the subject has new misconduct since the decision:")?;
                for r in records {
                    write!(f, " `{r}`")?;
                }
                Ok(())
            }
        }
    }
}

/// An unmet condition and the rule that sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unmet {
    /// The condition.
    pub condition: Condition,
    /// The rule behind it.
    pub basis: Citation,
}

/// The publication periods of one decision under one policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Periods {
    /// The tier whose periods apply: the deciding authority's class, else
    /// the policy's tier table, else the record's grade.
    pub tier: Severity,
    /// The first day an application for repair may be made: the day after
    /// the minimum period's last day, or the day of the decision when there
    /// is no minimum.
    pub earliest_application: NaiveDate,
    /// Whether the information is published at all (527 does not publish
    /// penalties decided under the simplified procedure).
    pub published: bool,
    /// The last day of the maximum publication period; publication ends by
    /// itself from the next day. When not published, the day before the
    /// decision.
    pub last_published_day: NaiveDate,
    /// The rule that sets the minimum period: the tier's, or the decision
    /// rule that raised it.
    pub minimum_set_by: Citation,
    /// The rule that bars repair, where one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barred_by: Option<Citation>,
    /// The rules the periods come from: the tier table row that graded the
    /// decision, the tier's, then each decision rule that applied.
    pub basis: Vec<Citation>,
}

/// [`Periods`] with the rules borrowed and the days computed on demand
/// (see [`RepairPolicy::limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits<'p> {
    pub(super) start: NaiveDate,
    pub(super) minimum_months: u32,
    pub(super) maximum_months: u32,
    pub(crate) severity: Severity,
    pub(crate) published: bool,
    pub(crate) graded_by: Option<&'p Citation>,
    pub(crate) tier: &'p Citation,
    pub(crate) minimum_set_by: &'p Citation,
    pub(crate) barred_by: Option<&'p Citation>,
    pub(crate) unpublished_by: Option<&'p Citation>,
}

impl<'p> Limits<'p> {
    /// The day after the minimum period's last day; the decision's day when
    /// there is no minimum.
    pub(crate) fn earliest_application(&self) -> NaiveDate {
        if self.minimum_months == 0 {
            self.start
        } else {
            period_end(self.start, self.minimum_months)
                .succ_opt()
                .unwrap_or(NaiveDate::MAX)
        }
    }

    /// The last day of the maximum period; the day before the decision when
    /// the information is not published.
    pub(crate) fn last_published_day(&self) -> NaiveDate {
        if self.published {
            period_end(self.start, self.maximum_months)
        } else {
            self.start.pred_opt().unwrap_or(NaiveDate::MIN)
        }
    }

    /// The first day the information is no longer published.
    pub(crate) fn publication_ends(&self) -> NaiveDate {
        if self.published {
            self.last_published_day()
                .succ_opt()
                .unwrap_or(NaiveDate::MAX)
        } else {
            self.start
        }
    }

    /// The rule that ends publication: the one that withholds it, else the
    /// tier's.
    pub(crate) fn publication_basis(&self) -> &'p Citation {
        self.unpublished_by.unwrap_or(self.tier)
    }
}

/// The answer to "may this record be repaired on this day?".
///
/// Ineligible is an answer, not an error: [`unmet`](Self::unmet) lists
/// every condition not met, each with its rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    /// The record.
    pub record: RecordId,
    /// The day asked.
    pub on: NaiveDate,
    /// The policy that answered.
    pub policy: Citation,
    /// The decision's periods under that policy.
    pub periods: Periods,
    /// Every condition not met on `on`; empty when eligible.
    pub unmet: Vec<Unmet>,
    /// When only time is missing (the minimum period is the one unmet
    /// condition): the first day the record becomes eligible, unless the
    /// facts or the policy change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible_from: Option<NaiveDate>,
}

impl Eligibility {
    /// Whether repair may be granted on the day asked.
    pub fn is_eligible(&self) -> bool {
        self.unmet.is_empty()
    }
}

/// A granted repair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repair {
    /// The audit entry for the change.
    pub audit: AuditEntry,
    /// The day the record's sanctions end: the day of the repair, from which
    /// its status is `Repaired`.
    pub sanctions_end_on: NaiveDate,
    /// The eligibility answer it was granted on.
    pub eligibility: Eligibility,
}

/// The name of a record status in messages.
pub(super) fn status_name(status: RecordStatus) -> &'static str {
    match status {
        RecordStatus::Active => "active",
        RecordStatus::Repaired => "repaired",
        RecordStatus::Revoked => "revoked",
        RecordStatus::Corrected => "corrected",
        RecordStatus::Erased => "erased",
    }
}

//! The steps of an objection and what each leaves: stages, acts, the
//! section's opinion and finding, the outcome, the notification and reply.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use crate::lists::ListingEvent;
use crate::misconduct::{RecordContent, Section, Severity};

use super::*;

/// A step of the objection procedure (plan §6(3)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The Office receives the objection (受理).
    Receive,
    /// The Office forwards it and its materials to the originating section;
    /// dated the day the section receives them. Due by `forward_by`.
    Forward,
    /// The section verifies the item and submits its written opinion; dated
    /// the day it submits (the Office's receipt, which starts the
    /// notification's clock, is dated separately). Due by `verify_by`.
    Verify,
    /// The Office notifies the applicant in writing of the result. Due by
    /// `notify_by`.
    Notify,
    /// The Office replies to the credit subject with its reasons. Due by
    /// `reply_by`.
    Reply,
    /// The Office closes the file. No deadline.
    Close,
    /// The applicant withdraws the objection. Possible until notified.
    Withdraw,
}

impl Step {
    /// The steps that have deadlines, in the order they are taken.
    pub const TIMED: [Self; 4] = [Self::Forward, Self::Verify, Self::Notify, Self::Reply];

    /// The English name, a verb phrase ("forward to the originating section").
    pub fn english_name(self) -> &'static str {
        match self {
            Self::Receive => "receive the objection",
            Self::Forward => "forward to the originating section",
            Self::Verify => "submit the section's written opinion",
            Self::Notify => "notify the applicant",
            Self::Reply => "reply to the credit subject",
            Self::Close => "close the objection",
            Self::Withdraw => "withdraw the objection",
        }
    }

    /// The Chinese name.
    pub fn chinese_name(self) -> &'static str {
        match self {
            Self::Receive => "受理异议申请",
            Self::Forward => "转送原信息提供科室",
            Self::Verify => "科室核实并提交书面意见",
            Self::Notify => "书面通知异议申请人",
            Self::Reply => "回复信用主体并说明理由",
            Self::Close => "办结",
            Self::Withdraw => "撤回异议",
        }
    }

    /// The step that must be done before this one; `None` for
    /// [`Step::Receive`] and [`Step::Withdraw`] (possible at any point
    /// before the applicant is notified). The reply follows the
    /// notification (it gives the reasons for the result), possibly on the
    /// same day.
    pub fn requires(self) -> Option<Self> {
        match self {
            Self::Receive | Self::Withdraw => None,
            Self::Forward => Some(Self::Receive),
            Self::Verify => Some(Self::Forward),
            Self::Notify => Some(Self::Verify),
            Self::Reply => Some(Self::Notify),
            Self::Close => Some(Self::Reply),
        }
    }

    /// To whom the step is addressed: the notification to the applicant,
    /// the reply to the credit subject; `None` for the other steps.
    pub fn recipient(self) -> Option<Recipient> {
        match self {
            Self::Notify => Some(Recipient::Applicant),
            Self::Reply => Some(Recipient::Subject),
            _ => None,
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.english_name())
    }
}

/// Where an objection stands: the last step taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Received by the Office, not yet forwarded.
    Received,
    /// Forwarded to the originating section, which is verifying.
    Forwarded,
    /// The section's written opinion is with the Office.
    OpinionReceived,
    /// The applicant has been notified of the result; the reply to the
    /// subject is still to come.
    Notified,
    /// The subject has had the reply with reasons.
    Replied,
    /// Closed by the Office.
    Closed,
    /// Withdrawn by the applicant.
    Withdrawn,
}

impl Stage {
    /// The English name.
    pub fn english_name(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Forwarded => "forwarded",
            Self::OpinionReceived => "opinion received",
            Self::Notified => "notified",
            Self::Replied => "replied",
            Self::Closed => "closed",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// The Chinese name.
    pub fn chinese_name(self) -> &'static str {
        match self {
            Self::Received => "已受理",
            Self::Forwarded => "已转送科室",
            Self::OpinionReceived => "已收到核实意见",
            Self::Notified => "已书面通知申请人",
            Self::Replied => "已回复信用主体",
            Self::Closed => "已办结",
            Self::Withdrawn => "已撤回",
        }
    }

    /// Whether no further step is possible (closed or withdrawn).
    pub fn is_final(self) -> bool {
        matches!(self, Self::Closed | Self::Withdrawn)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.english_name())
    }
}

/// A step taken: when, and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Act {
    /// The day.
    pub on: NaiveDate,
    /// Who acted: an official, a section's staff member, or the applicant.
    pub by: String,
}

/// The forwarding of an objection to the originating section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forwarded {
    /// The day the section received the objection and its materials; its
    /// 5 working days count from here.
    pub on: NaiveDate,
    /// The Office official who forwarded it.
    pub by: String,
    /// The section that made the item: any section, the Office included
    /// (the plan makes the Office a responsible section of §3(1), §4(1),
    /// §4(2), §5(1), §5(3) and §6(2)).
    pub to: Section,
}

/// What the originating section found when it verified the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// The item is wrong (确认有误): it is revoked or corrected.
    ErrorConfirmed,
    /// No error found: the item is kept.
    NotConfirmed,
}

impl Finding {
    /// The English name.
    pub fn english_name(self) -> &'static str {
        match self {
            Self::ErrorConfirmed => "error confirmed",
            Self::NotConfirmed => "no error found",
        }
    }

    /// The Chinese name.
    pub fn chinese_name(self) -> &'static str {
        match self {
            Self::ErrorConfirmed => "确认有误",
            Self::NotConfirmed => "未发现错误",
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.english_name())
    }
}

/// The section's written opinion (书面处理意见): submitted by the section,
/// received by the Office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Opinion {
    /// The day the section submitted it: the section's step is on time when
    /// this is on or before `verify_by`.
    pub submitted_on: NaiveDate,
    /// The day the Office received it; the 2 working days to notify count
    /// from here. Never before `submitted_on`, often the same day.
    pub on: NaiveDate,
    /// Who in the section signed it.
    pub by: String,
    /// What the section found.
    pub finding: Finding,
    /// The opinion's text, or a summary of it.
    pub summary: String,
}

impl<'de> Deserialize<'de> for Opinion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = StoredOpinion::deserialize(deserializer)?;
        Ok(Self {
            submitted_on: s.submitted_on.unwrap_or(s.on),
            on: s.on,
            by: s.by,
            finding: s.finding,
            summary: s.summary,
        })
    }
}

/// The Office's decision on an objection, notified to the applicant with its
/// reasons (plan §6(3): "确认有误的予以撤销或者纠正", "回复信用主体并说明处理理由").
/// It applies to the item objected to ([`Objection::item_change`]).
///
/// Serialized with a `decision` tag: `revoked`, `corrected` (a record's
/// content), `listing_corrected`, `commitment_corrected` or `kept`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Outcome {
    /// Error confirmed: the item is revoked (撤销). A record never counted;
    /// a listing ends and a commitment's publication is withdrawn from the
    /// day of the decision.
    Revoked {
        /// The Office's reasons.
        reasons: String,
    },
    /// Error confirmed: a record is corrected (纠正); the corrected content
    /// is kept beside the original and supersedes it, and a corrected
    /// severity, where the correction regrades the record, grades it from
    /// the day of the decision.
    Corrected {
        /// The corrected content.
        corrected: RecordContent,
        /// The corrected severity, where the correction regrades the record
        /// (e.g. 严重 found to be 一般); `None` (the default, and what stored
        /// decisions load as) keeps the graded severity.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        severity: Option<Severity>,
        /// The Office's reasons.
        reasons: String,
    },
    /// Error confirmed: a list entry's listing events (the days and rules
    /// that listed the subject) are corrected; the original events are kept
    /// beside them.
    ListingCorrected {
        /// The corrected listing events; at least one.
        events: Vec<ListingEvent>,
        /// The Office's reasons.
        reasons: String,
    },
    /// Error confirmed: a published commitment's text is corrected; the
    /// text as signed is kept beside it.
    CommitmentCorrected {
        /// The corrected text.
        text: String,
        /// The Office's reasons.
        reasons: String,
    },
    /// No error found: the item is kept (维持) as it is.
    Kept {
        /// The Office's reasons.
        reasons: String,
    },
}

impl Outcome {
    /// The English name of the decision.
    pub fn english_name(&self) -> &'static str {
        match self {
            Self::Revoked { .. } => "revoked",
            Self::Corrected { .. } => "corrected",
            Self::ListingCorrected { .. } => "listing corrected",
            Self::CommitmentCorrected { .. } => "commitment corrected",
            Self::Kept { .. } => "kept",
        }
    }

    /// The Chinese name of the decision.
    pub fn chinese_name(&self) -> &'static str {
        match self {
            Self::Revoked { .. } => "撤销",
            Self::Corrected { .. }
            | Self::ListingCorrected { .. }
            | Self::CommitmentCorrected { .. } => "纠正",
            Self::Kept { .. } => "维持",
        }
    }

    /// The Office's reasons.
    pub fn reasons(&self) -> &str {
        match self {
            Self::Revoked { reasons }
            | Self::Corrected { reasons, .. }
            | Self::ListingCorrected { reasons, .. }
            | Self::CommitmentCorrected { reasons, .. }
            | Self::Kept { reasons } => reasons,
        }
    }

    /// The finding this decision follows from.
    pub fn finding(&self) -> Finding {
        match self {
            Self::Kept { .. } => Finding::NotConfirmed,
            _ => Finding::ErrorConfirmed,
        }
    }

    /// Whether this decision can apply to `item`: a record's content, a
    /// listing's events and a commitment's text are corrected by their own
    /// kind of correction; revoking and keeping apply to every item.
    pub fn applies_to(&self, item: CreditItem) -> bool {
        match self {
            Self::Revoked { .. } | Self::Kept { .. } => true,
            Self::Corrected { .. } => matches!(item, CreditItem::Record(_)),
            Self::ListingCorrected { .. } => matches!(item, CreditItem::ListEntry(_)),
            Self::CommitmentCorrected { .. } => matches!(item, CreditItem::Commitment(_)),
        }
    }
}

/// The notification of the result to the applicant (plan §6(3):
/// "将核查结果书面通知异议申请人").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notified {
    /// The day the Office notified the applicant in writing.
    pub on: NaiveDate,
    /// The Office official who signed it.
    pub by: String,
    /// The decision and its reasons.
    pub outcome: Outcome,
}

/// The reply to the credit subject with the reasons for the handling (plan
/// §6(3): "回复信用主体并说明处理理由").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replied {
    /// The day the Office replied in writing.
    pub on: NaiveDate,
    /// The Office official who signed it.
    pub by: String,
    /// The reasons given to the subject.
    pub reasons: String,
}

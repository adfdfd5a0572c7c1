//! Objections (异议) to credit information, and the working-day deadlines for
//! handling them (plan §6(3), SPEC §7).
//!
//! "信用信息主体对信用信息有异议的" (plan §6(3)): a credit subject, or someone
//! acting for it, may object to any credit information about it: a
//! misconduct record, a list entry (red list, blacklist, activity-abnormal
//! list) or a published commitment ([`CreditItem`]). The objection goes, in
//! writing or online, to the [`Section::Office`]. The plan then sets four
//! limits, all counted in working days (工作日) with
//! [`WorkCalendar::add_working_days`]:
//!
//! | step | who | deadline |
//! |---|---|---|
//! | forward the objection to the originating section | Office | receipt + 5 WD (`forward_by`) |
//! | verify and submit a written opinion to the Office | the originating section (the Office itself where it made the item) | the section's receipt + 5 WD (`verify_by`), met by the day the section submits |
//! | notify the applicant (异议申请人) in writing of the result | Office | the Office's receipt of the opinion + 2 WD, never after `reply_by` (`notify_by`) |
//! | reply to the credit subject (信用主体) with reasons | Office | receipt + 12 WD (`reply_by`) |
//!
//! "+ n WD" is the nth working day after the day, the day itself not counted
//! (Civil Code art. 201). A day that is not a working day is never counted,
//! so an objection received on a Saturday or a holiday counts from the next
//! working day, which is day 1.
//!
//! The notification and the reply are two acts with their own recipient,
//! date and deadline: "将核查结果书面通知异议申请人" goes to the
//! [`Applicant`], "回复信用主体并说明处理理由" to the credit subject. The applicant
//! may be the subject itself or act for it (an agent, a legal
//! representative, a guardian). When they are the same, one letter may do
//! both: the two acts are then dated the same day.
//!
//! [`Objection`] is a checked workflow: received → forwarded → the section's
//! opinion submitted and received → applicant notified → subject replied to
//! → closed, or withdrawn by the applicant before the result. A step out of
//! order, twice, dated before the step it follows, or after closing or
//! withdrawal is an [`ObjectionError`] and changes nothing. An objection
//! serializes to JSON and loads back unchanged; loading checks the same
//! rules, and objections stored by version 0.1 (one act for both letters,
//! records only) still load, with the same deadlines.
//!
//! An open objection changes nothing about how the item counts: "异议处理期间不影响失信行为的记录、公示与处理"
//! (plan §6(3)). Regimes that suspend joint sanctions while an objection is
//! checked can say so with [`ObjectionPolicy`].
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use social_credit::calendar::ChinaCalendar;
//! use social_credit::objection::deadlines;
//!
//! let calendar = ChinaCalendar::official();
//! // Received Friday 27 September 2019: Sunday 29 September was worked,
//! // 1–7 October were the National Day holiday.
//! let d = deadlines(&calendar, NaiveDate::from_ymd_opt(2019, 9, 27).unwrap())?;
//! assert_eq!(d.forward_by, NaiveDate::from_ymd_opt(2019, 10, 10));
//! assert_eq!(d.reply_by, NaiveDate::from_ymd_opt(2019, 10, 18));
//! assert_eq!(d.forward().unwrap().basis.to_string(), "objection.forward_by (plan §6(3))");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use thiserror::Error;

use crate::calendar::{china_date, CalendarError, Finality, WorkCalendar};
use crate::citation::Citation;
use crate::commitment::{Commitment, CommitmentId};
use crate::lists::{ListEntry, ListEntryId, ListingEvent};
use crate::misconduct::{
    MisconductRecord, RecordContent, RecordId, RecordStatus, Section, Severity, StatusChange,
};
use crate::subject::SubjectId;

/// Working days the Office has to forward an objection to the originating
/// section, after receiving it (plan §6(3): "接到异议申请5个工作日内").
pub const FORWARD_WORKING_DAYS: u32 = 5;
/// Working days the section has to verify and submit its written opinion,
/// after receiving the objection (plan §6(3): "自收到申请之日起5个工作日内").
pub const VERIFY_WORKING_DAYS: u32 = 5;
/// Working days the Office has to notify the applicant, after receiving the
/// section's opinion (plan §6(3): "在收到核实结果之日起2个工作日内").
pub const NOTIFY_WORKING_DAYS: u32 = 2;
/// Working days the Office has to reply to the subject with reasons, after
/// receiving the objection (plan §6(3): "自收到异议申请之日起12个工作日内").
pub const REPLY_WORKING_DAYS: u32 = 12;

const PLAN: &str = "plan §6(3)";
const FORWARD_BASIS: Citation = Citation::new("objection.forward_by", PLAN);
const VERIFY_BASIS: Citation = Citation::new("objection.verify_by", PLAN);
const NOTIFY_BASIS: Citation = Citation::new("objection.notify_by", PLAN);
const REPLY_BASIS: Citation = Citation::new("objection.reply_by", PLAN);
const REVOKE_BASIS: Citation = Citation::new("objection.revoke", PLAN);
const CORRECT_BASIS: Citation = Citation::new("objection.correct", PLAN);
const NO_SUSPENSION_BASIS: Citation = Citation::new("objection.no_suspension", PLAN);

/// The identifier a service gives an objection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ObjectionId(pub u64);

impl fmt::Display for ObjectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "O{}", self.0)
    }
}

impl std::str::FromStr for ObjectionId {
    type Err = crate::text::ParseNameError;

    /// Parses `O4` (the `Display` form) or `4`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::text::parse_id(s, 'O', "objection id").map(Self)
    }
}

/// The credit information an objection is about (plan §6(3):
/// "信用信息主体对信用信息有异议的"): a misconduct record, a list entry or a
/// published commitment.
///
/// Serialized as `{"item": "record", "id": 7}`, `{"item": "list_entry", "id": 3}`
/// or `{"item": "commitment", "id": 2}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "item", content = "id", rename_all = "snake_case")]
pub enum CreditItem {
    /// A misconduct record (失信行为记录).
    Record(RecordId),
    /// A list entry: red list, blacklist or activity-abnormal list.
    ListEntry(ListEntryId),
    /// A published commitment (信用承诺, plan §4(1)).
    Commitment(CommitmentId),
}

impl CreditItem {
    /// The record, when the item is one.
    pub fn record(self) -> Option<RecordId> {
        match self {
            Self::Record(id) => Some(id),
            Self::ListEntry(_) | Self::Commitment(_) => None,
        }
    }

    /// The English name of the kind of item.
    pub fn english_name(self) -> &'static str {
        match self {
            Self::Record(_) => "record",
            Self::ListEntry(_) => "list entry",
            Self::Commitment(_) => "commitment",
        }
    }

    /// The Chinese name of the kind of item.
    pub fn chinese_name(self) -> &'static str {
        match self {
            Self::Record(_) => "失信行为记录",
            Self::ListEntry(_) => "名单信息",
            Self::Commitment(_) => "信用承诺",
        }
    }
}

impl fmt::Display for CreditItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Record(id) => write!(f, "record `{id}`"),
            Self::ListEntry(id) => write!(f, "list entry `{id}`"),
            Self::Commitment(id) => write!(f, "commitment `{id}`"),
        }
    }
}

impl From<RecordId> for CreditItem {
    fn from(id: RecordId) -> Self {
        Self::Record(id)
    }
}

impl From<ListEntryId> for CreditItem {
    fn from(id: ListEntryId) -> Self {
        Self::ListEntry(id)
    }
}

impl From<CommitmentId> for CreditItem {
    fn from(id: CommitmentId) -> Self {
        Self::Commitment(id)
    }
}

/// In what capacity someone other than the subject objects for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Capacity {
    /// 法定代表人 / 负责人: the legal representative of an organization.
    LegalRepresentative,
    /// 委托代理人: an agent with a power of attorney.
    Agent,
    /// 监护人: the guardian of a person.
    Guardian,
}

impl Capacity {
    /// The English name.
    pub fn english_name(self) -> &'static str {
        match self {
            Self::LegalRepresentative => "legal representative",
            Self::Agent => "agent",
            Self::Guardian => "guardian",
        }
    }

    /// The Chinese name.
    pub fn chinese_name(self) -> &'static str {
        match self {
            Self::LegalRepresentative => "法定代表人",
            Self::Agent => "委托代理人",
            Self::Guardian => "监护人",
        }
    }
}

/// Who submitted the objection (异议申请人), and so who is notified of the
/// result (plan §6(3)).
///
/// The crate keeps no name or identity number of a representative: the
/// Office's file holds them, and `reference` points to it (a file or letter
/// number), so nothing personal about the applicant appears in the
/// objection's `Debug` output, its errors or its JSON.
///
/// Serialized as `{"applicant": "subject"}` or
/// `{"applicant": "representative", "capacity": "agent", "reference": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(tag = "applicant", rename_all = "snake_case")]
pub enum Applicant {
    /// The credit subject itself: a person, or an organization through its
    /// own staff. The notification and the reply go to the same addressee.
    #[default]
    Subject,
    /// Someone acting for the subject.
    Representative {
        /// In what capacity.
        capacity: Capacity,
        /// The Office's reference for the representative's file (never a
        /// name or identity number).
        reference: String,
    },
}

impl Applicant {
    /// Whether the applicant is the credit subject itself.
    pub fn is_subject(&self) -> bool {
        matches!(self, Self::Subject)
    }
}

impl fmt::Display for Applicant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Subject => f.write_str("the credit subject 信用主体本人"),
            Self::Representative {
                capacity,
                reference,
            } => write!(
                f,
                "{} {} (file `{reference}`)",
                capacity.english_name(),
                capacity.chinese_name()
            ),
        }
    }
}

/// To whom the Office addresses an act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// The applicant (异议申请人): the notification of the result.
    Applicant,
    /// The credit subject (信用主体): the reply with reasons.
    Subject,
}

/// How and when the Office received an objection: a written application
/// (书面异议申请) on a day, or an online submission (在线异议提交) at an
/// instant (plan §6(3)).
///
/// Serialized as `{"channel": "written", "on": "2019-09-27"}` or
/// `{"channel": "online", "at": "2019-09-27T16:30:00Z"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum Receipt {
    /// A written application, received on a day.
    Written {
        /// The day the Office received it.
        on: NaiveDate,
    },
    /// An online submission, received at an instant.
    Online {
        /// The instant it arrived.
        at: DateTime<Utc>,
    },
}

impl Receipt {
    /// The day the objection counts as received: the day of a written
    /// application; for an online submission, its day in China Standard
    /// Time (UTC+08:00), so `2019-09-27T16:30:00Z` counts on Saturday
    /// 28 September 2019.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{NaiveDate, TimeZone, Utc};
    /// use social_credit::objection::Receipt;
    ///
    /// let online = Receipt::Online { at: Utc.with_ymd_and_hms(2019, 9, 27, 16, 30, 0).unwrap() };
    /// assert_eq!(online.date(), NaiveDate::from_ymd_opt(2019, 9, 28).unwrap());
    /// ```
    pub fn date(&self) -> NaiveDate {
        match self {
            Self::Written { on } => *on,
            Self::Online { at } => china_date(*at),
        }
    }

    /// The English name of the channel.
    pub fn english_name(&self) -> &'static str {
        match self {
            Self::Written { .. } => "written",
            Self::Online { .. } => "online",
        }
    }

    /// The Chinese name of the channel.
    pub fn chinese_name(&self) -> &'static str {
        match self {
            Self::Written { .. } => "书面",
            Self::Online { .. } => "在线",
        }
    }
}

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

/// The stored form of an [`Opinion`]: version 0.1 stored only the Office's
/// receipt, which then stands for the submission too.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredOpinion {
    #[serde(default)]
    submitted_on: Option<NaiveDate>,
    on: NaiveDate,
    by: String,
    finding: Finding,
    summary: String,
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

/// One deadline: which step, the last day it may be taken, and the rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Deadline {
    /// The step due.
    pub step: Step,
    /// The last day it may be taken; always a working day of the calendar
    /// it was computed with.
    pub due: NaiveDate,
    /// The rule that set the day: `objection.reply_by` when the 12-day limit
    /// binds a notification, otherwise the step's own rule.
    pub basis: Citation,
}

/// The deadlines of an objection (plan §6(3)).
///
/// `forward_by` and `reply_by` follow from the receipt alone; `verify_by`
/// is known once the objection is forwarded and `notify_by` once the
/// Office has received the section's opinion.
///
/// A deadline whose count runs past the calendar's last day is `None` and
/// listed in `missing` with the reason; the others are still given.
/// `finality` says how settled the given days are: a count over a day after
/// the last published holiday notice is
/// [`Finality::Projected`], and the official should read the day as such.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Deadlines {
    /// The day the objection counts as received.
    pub received_on: NaiveDate,
    /// Receipt + 5 working days: forward to the originating section
    /// (`None` when the count leaves the calendar: see `missing`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward_by: Option<NaiveDate>,
    /// Receipt + 12 working days: reply to the credit subject with reasons
    /// (`None` when the count leaves the calendar: see `missing`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_by: Option<NaiveDate>,
    /// The section's receipt + 5 working days: submit its written opinion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_by: Option<NaiveDate>,
    /// The Office's receipt of the opinion + 2 working days: the
    /// notification's own clock, before the 12-day limit is applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_clock: Option<NaiveDate>,
    /// The earlier of `notify_clock` and `reply_by`: notify the applicant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_by: Option<NaiveDate>,
    /// The least final of the days the counts went over: whether a holiday
    /// notice not yet published or loaded may still move these days.
    #[serde(default = "final_days")]
    pub finality: Finality,
    /// The deadlines that could not be computed, with the reason (a count
    /// that leaves the calendar's coverage).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<MissingDeadline>,
}

fn final_days() -> Finality {
    Finality::Final
}

/// A deadline the calendar could not compute.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MissingDeadline {
    /// The step whose deadline is missing.
    pub step: Step,
    /// The rule that sets it.
    pub basis: Citation,
    /// Why it could not be computed.
    pub reason: CalendarError,
}

impl Deadlines {
    /// Counts `n` working days after `from` for `step`: the day, with the
    /// finality folded in, or `None` with the reason kept in `missing`.
    fn count(
        &mut self,
        calendar: &(impl WorkCalendar + ?Sized),
        from: NaiveDate,
        n: u32,
        step: Step,
        basis: Citation,
    ) -> Option<NaiveDate> {
        let counted = calendar.add_working_days(from, n).and_then(|due| {
            let finality = calendar.finality_between(from, due)?;
            Ok((due, finality))
        });
        match counted {
            Ok((due, finality)) => {
                self.finality = self.finality.max(finality);
                Some(due)
            }
            Err(reason) => {
                self.missing.push(MissingDeadline {
                    step,
                    basis,
                    reason,
                });
                None
            }
        }
    }

    /// A deadline of these as an official reads it, e.g. `2027-01-06,
    /// projected: the 2027 holiday notice is not loaded`, with how final
    /// the days from the receipt to `day` are in `calendar`; just the date
    /// when they are final.
    pub fn describe(&self, calendar: &(impl WorkCalendar + ?Sized), day: NaiveDate) -> String {
        let finality = calendar
            .finality_between(self.received_on, day)
            .unwrap_or(self.finality);
        format!("{day}{}", finality.describe(day))
    }
}

impl Deadlines {
    /// Forwarding to the section, with its citation; `None` when the count
    /// leaves the calendar.
    pub fn forward(&self) -> Option<Deadline> {
        self.forward_by.map(|due| Deadline {
            step: Step::Forward,
            due,
            basis: FORWARD_BASIS,
        })
    }

    /// The section's opinion, with its citation, once forwarded.
    pub fn verify(&self) -> Option<Deadline> {
        self.verify_by.map(|due| Deadline {
            step: Step::Verify,
            due,
            basis: VERIFY_BASIS,
        })
    }

    /// The notification of the applicant, with the rule that binds it, once
    /// the Office has the opinion: `objection.notify_by` when its own 2-day
    /// clock ends on or before `reply_by`, `objection.reply_by` when the
    /// 12-day limit comes first.
    pub fn notify(&self) -> Option<Deadline> {
        let (due, clock) = self.notify_by.zip(self.notify_clock)?;
        // A reply limit past the calendar's last day is after the clock.
        let basis = if self.reply_by.is_none_or(|reply_by| clock <= reply_by) {
            NOTIFY_BASIS
        } else {
            REPLY_BASIS
        };
        Some(Deadline {
            step: Step::Notify,
            due,
            basis,
        })
    }

    /// The reply to the credit subject with reasons, with its citation;
    /// `None` when the count leaves the calendar.
    pub fn reply(&self) -> Option<Deadline> {
        self.reply_by.map(|due| Deadline {
            step: Step::Reply,
            due,
            basis: REPLY_BASIS,
        })
    }

    /// The deadline of a timed step. For [`Step::Notify`] before the
    /// opinion is in: the 12-day limit, which binds it anyway. `None` for a
    /// step with no deadline or whose deadline is not known yet.
    pub fn of(&self, step: Step) -> Option<Deadline> {
        match step {
            Step::Forward => self.forward(),
            Step::Verify => self.verify(),
            Step::Notify => self.notify().or_else(|| {
                self.reply_by.map(|due| Deadline {
                    step: Step::Notify,
                    due,
                    basis: REPLY_BASIS,
                })
            }),
            Step::Reply => self.reply(),
            Step::Receive | Step::Close | Step::Withdraw => None,
        }
    }
}

/// The deadlines that follow from the day an objection is received:
/// `forward_by` (receipt + 5 working days) and `reply_by` (receipt + 12
/// working days); `verify_by` and `notify_by` are `None` (see
/// [`Objection::deadlines`]).
///
/// Counting (Civil Code art. 201, SPEC §7): "+ n working days" is the nth
/// working day after `received_on`, `received_on` itself not counted; a
/// receipt on a Saturday or holiday therefore counts from the next working
/// day, which is day 1.
///
/// A count that runs past the calendar's last day leaves its deadline
/// `None`, listed in [`Deadlines::missing`] with the reason; the other is
/// still given. [`Deadlines::finality`] is the least final day counted over.
///
/// # Errors
///
/// [`CalendarError::OutOfCoverage`] when `received_on` itself is outside
/// the calendar's coverage: nothing can be counted from it.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::calendar::ChinaCalendar;
/// use social_credit::objection::deadlines;
///
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// // Received Thursday 23 January 2020, before the Spring Festival holiday
/// // as extended to 2 February: day 1 is Monday 3 February.
/// let d = deadlines(&ChinaCalendar::official(), day(2020, 1, 23))?;
/// assert_eq!((d.forward_by, d.reply_by), (Some(day(2020, 2, 7)), Some(day(2020, 2, 18))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn deadlines(
    calendar: &(impl WorkCalendar + ?Sized),
    received_on: NaiveDate,
) -> Result<Deadlines, CalendarError> {
    // Nothing can be counted from a day the calendar does not know.
    calendar.is_working_day(received_on)?;
    let mut d = Deadlines {
        received_on,
        forward_by: None,
        reply_by: None,
        verify_by: None,
        notify_clock: None,
        notify_by: None,
        finality: Finality::Final,
        missing: Vec::new(),
    };
    // plan §6(3): forward within 5 working days of receipt.
    d.forward_by = d.count(
        calendar,
        received_on,
        FORWARD_WORKING_DAYS,
        Step::Forward,
        FORWARD_BASIS,
    );
    // plan §6(3): reply within 12 working days of receipt.
    d.reply_by = d.count(
        calendar,
        received_on,
        REPLY_WORKING_DAYS,
        Step::Reply,
        REPLY_BASIS,
    );
    Ok(d)
}

/// An objection (异议) to credit information, and its handling (plan §6(3)).
///
/// Built by [`Objection::receive`] (and [`with_applicant`](Self::with_applicant)
/// when someone acts for the subject) and moved on by
/// [`forward`](Self::forward), [`receive_opinion`](Self::receive_opinion)
/// (or [`receive_opinion_submitted`](Self::receive_opinion_submitted)),
/// [`notify`](Self::notify), [`reply`](Self::reply) and
/// [`close`](Self::close), or ended by [`withdraw`](Self::withdraw). Each
/// step is dated and says who acted. A step may be taken on the same day as
/// the one before it, never earlier. A wrong move returns an
/// [`ObjectionError`] and leaves the objection exactly as it was.
///
/// An objection never changes its item by itself: the caller applies the
/// [`ItemChange`] of a revoking or correcting outcome.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::calendar::ChinaCalendar;
/// use social_credit::misconduct::{RecordId, Section};
/// use social_credit::objection::{
///     Applicant, Capacity, Finding, Objection, ObjectionId, Outcome, Receipt, Stage, Step,
/// };
/// use social_credit::Uscc;
///
/// let day = |m, d| NaiveDate::from_ymd_opt(2019, m, d).unwrap();
/// let calendar = ChinaCalendar::official();
/// let subject = "91350100M000100Y43".parse::<Uscc>()?.into();
/// let mut objection = Objection::receive(
///     ObjectionId(1), RecordId(7), subject,
///     Receipt::Written { on: day(9, 27) }, "Wang Fang", "the fine was paid",
/// )
/// .with_applicant(Applicant::Representative {
///     capacity: Capacity::Agent,
///     reference: "XZMZ-2019-031".into(),
/// });
/// objection.forward(day(10, 8), "Wang Fang", Section::SocialOrganizations)?;
///
/// // Notifying before the section's opinion is in is refused.
/// let before = objection.clone();
/// assert!(objection.notify(day(10, 9), "Wang Fang", Outcome::Kept { reasons: "".into() }).is_err());
/// assert_eq!(objection, before);
///
/// let status = objection.status_on(&calendar, day(10, 9))?;
/// assert_eq!(status.stage, Stage::Forwarded);
/// let next = status.next.unwrap();
/// assert_eq!((next.step, next.due), (Step::Verify, day(10, 14)));
///
/// // Submitted Friday 11 October, received by the Office Saturday 12 October (a working day).
/// objection.receive_opinion_submitted(day(10, 11), day(10, 12), "Li Qiang", Finding::ErrorConfirmed, "paid on 2 Sep")?;
/// assert_eq!(objection.deadlines(&calendar)?.notify_by, Some(day(10, 15)));
/// objection.notify(day(10, 14), "Wang Fang", Outcome::Revoked { reasons: "the fine was paid on time".into() })?;
/// objection.reply(day(10, 14), "Wang Fang", "the fine was paid on 2 September, before the deadline")?;
/// assert_eq!(objection.stage(), Stage::Replied);
/// assert!(objection.record_change().is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Objection {
    id: ObjectionId,
    about: CreditItem,
    subject: SubjectId,
    applicant: Applicant,
    receipt: Receipt,
    received_by: String,
    grounds: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    forwarded: Option<Forwarded>,
    #[serde(skip_serializing_if = "Option::is_none")]
    opinion: Option<Opinion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notified: Option<Notified>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replied: Option<Replied>,
    #[serde(skip_serializing_if = "Option::is_none")]
    closed: Option<Act>,
    #[serde(skip_serializing_if = "Option::is_none")]
    withdrawn: Option<Act>,
}

impl Objection {
    /// An objection to `item` (a [`RecordId`], a [`ListEntryId`] or a
    /// [`CommitmentId`]) about `subject`, received by the Office and made
    /// by the subject itself (see [`with_applicant`](Self::with_applicant)
    /// when someone acts for it).
    ///
    /// `received_by` is the Office official who took it in; `grounds` is
    /// what the applicant disputes and why.
    pub fn receive(
        id: ObjectionId,
        item: impl Into<CreditItem>,
        subject: SubjectId,
        receipt: Receipt,
        received_by: impl Into<String>,
        grounds: impl Into<String>,
    ) -> Self {
        Self {
            id,
            about: item.into(),
            subject,
            applicant: Applicant::Subject,
            receipt,
            received_by: received_by.into(),
            grounds: grounds.into(),
            forwarded: None,
            opinion: None,
            notified: None,
            replied: None,
            closed: None,
            withdrawn: None,
        }
    }

    /// The same objection, made by `applicant` (the notification of the
    /// result goes to the applicant, the reply to the subject).
    #[must_use]
    pub fn with_applicant(mut self, applicant: Applicant) -> Self {
        self.applicant = applicant;
        self
    }

    /// The identifier.
    pub fn id(&self) -> ObjectionId {
        self.id
    }

    /// The credit information objected to.
    pub fn item(&self) -> CreditItem {
        self.about
    }

    /// The record objected to, when the item is a record.
    pub fn record(&self) -> Option<RecordId> {
        self.about.record()
    }

    /// The credit subject the item is about; it gets the reply.
    pub fn subject(&self) -> &SubjectId {
        &self.subject
    }

    /// Who made the objection; they get the notification of the result.
    pub fn applicant(&self) -> &Applicant {
        &self.applicant
    }

    /// How and when it was received.
    pub fn receipt(&self) -> Receipt {
        self.receipt
    }

    /// The day it counts as received (see [`Receipt::date`]).
    pub fn received_on(&self) -> NaiveDate {
        self.receipt.date()
    }

    /// The Office official who received it.
    pub fn received_by(&self) -> &str {
        &self.received_by
    }

    /// What the applicant disputes and why.
    pub fn grounds(&self) -> &str {
        &self.grounds
    }

    /// The forwarding to the section, once done.
    pub fn forwarded(&self) -> Option<&Forwarded> {
        self.forwarded.as_ref()
    }

    /// The section's opinion, once the Office has it.
    pub fn opinion(&self) -> Option<&Opinion> {
        self.opinion.as_ref()
    }

    /// The notification of the applicant, once done.
    pub fn notified(&self) -> Option<&Notified> {
        self.notified.as_ref()
    }

    /// The reply to the subject, once done.
    pub fn replied(&self) -> Option<&Replied> {
        self.replied.as_ref()
    }

    /// The closing, once done.
    pub fn closed(&self) -> Option<&Act> {
        self.closed.as_ref()
    }

    /// The withdrawal, if the applicant withdrew.
    pub fn withdrawn(&self) -> Option<&Act> {
        self.withdrawn.as_ref()
    }

    /// The decision, once notified.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.notified.as_ref().map(|n| &n.outcome)
    }

    /// The section answerable for `step` (plan §6(9) accountability): the
    /// section the objection was forwarded to for [`Step::Verify`] (the
    /// Office itself when it made the item), the Office for every other
    /// step. The applicant's withdrawal is nobody's delay and answers the
    /// Office too.
    pub fn responsible(&self, step: Step) -> Section {
        match (step, &self.forwarded) {
            (Step::Verify, Some(f)) => f.to,
            _ => Section::Office,
        }
    }

    /// The day a step was taken, if it was. [`Step::Verify`] is dated the
    /// day the section submitted its opinion (see
    /// [`Objection::opinion_received_on`] for the Office's receipt).
    pub fn done_on(&self, step: Step) -> Option<NaiveDate> {
        match step {
            Step::Receive => Some(self.received_on()),
            Step::Forward => self.forwarded.as_ref().map(|f| f.on),
            Step::Verify => self.opinion.as_ref().map(|o| o.submitted_on),
            Step::Notify => self.notified.as_ref().map(|n| n.on),
            Step::Reply => self.replied.as_ref().map(|r| r.on),
            Step::Close => self.closed.as_ref().map(|c| c.on),
            Step::Withdraw => self.withdrawn.as_ref().map(|w| w.on),
        }
    }

    /// The day the Office received the section's opinion, if it has.
    pub fn opinion_received_on(&self) -> Option<NaiveDate> {
        self.opinion.as_ref().map(|o| o.on)
    }

    /// The day from which the step after `step` may be taken: the Office's
    /// receipt for the opinion, the step's own day otherwise.
    fn completed_on(&self, step: Step) -> Option<NaiveDate> {
        match step {
            Step::Verify => self.opinion_received_on(),
            _ => self.done_on(step),
        }
    }

    /// The day a step was taken, if it was taken on or before `on`.
    fn done_by(&self, step: Step, on: NaiveDate) -> Option<NaiveDate> {
        self.done_on(step).filter(|d| *d <= on)
    }

    /// Where the objection stands now.
    pub fn stage(&self) -> Stage {
        self.stage_as_of(None)
    }

    /// Where the objection stood at the end of `on`: steps dated after it
    /// are ignored. `None` before it was received.
    pub fn stage_on(&self, on: NaiveDate) -> Option<Stage> {
        (on >= self.received_on()).then(|| self.stage_as_of(Some(on)))
    }

    fn stage_as_of(&self, on: Option<NaiveDate>) -> Stage {
        let done = |step| match on {
            Some(on) => self.completed_on(step).is_some_and(|d| d <= on),
            None => self.completed_on(step).is_some(),
        };
        if done(Step::Withdraw) {
            Stage::Withdrawn
        } else if done(Step::Close) {
            Stage::Closed
        } else if done(Step::Reply) {
            Stage::Replied
        } else if done(Step::Notify) {
            Stage::Notified
        } else if done(Step::Verify) {
            Stage::OpinionReceived
        } else if done(Step::Forward) {
            Stage::Forwarded
        } else {
            Stage::Received
        }
    }

    /// Whether the objection is being checked at the end of `on`: received
    /// on or before it, and neither notified nor withdrawn by then.
    pub fn under_review_on(&self, on: NaiveDate) -> bool {
        matches!(
            self.stage_on(on),
            Some(Stage::Received | Stage::Forwarded | Stage::OpinionReceived)
        )
    }

    /// Checks that `step` may be taken on `on`, changing nothing.
    fn check(&self, step: Step, on: NaiveDate) -> Result<(), ObjectionError> {
        if let Some(closed) = &self.closed {
            return Err(ObjectionError::Finished {
                step,
                stage: Stage::Closed,
                on: closed.on,
            });
        }
        if let Some(withdrawn) = &self.withdrawn {
            return Err(ObjectionError::Finished {
                step,
                stage: Stage::Withdrawn,
                on: withdrawn.on,
            });
        }
        if let Some(done) = self.done_on(step) {
            return Err(ObjectionError::AlreadyDone { step, on: done });
        }
        let previous = match step.requires() {
            Some(required) => {
                let previous_on =
                    self.completed_on(required)
                        .ok_or(ObjectionError::OutOfOrder {
                            step,
                            requires: required,
                        })?;
                (required, previous_on)
            }
            // A withdrawal follows whatever was done last, and must come
            // before the result is notified.
            None => {
                if let Some(notified) = &self.notified {
                    return Err(ObjectionError::TooLateToWithdraw {
                        notified_on: notified.on,
                    });
                }
                [Step::Verify, Step::Forward, Step::Receive]
                    .into_iter()
                    .find_map(|s| self.completed_on(s).map(|d| (s, d)))
                    .unwrap_or((Step::Receive, self.received_on()))
            }
        };
        let (previous, previous_on) = previous;
        if on < previous_on {
            return Err(ObjectionError::DateBeforePrevious {
                step,
                on,
                previous,
                previous_on,
            });
        }
        Ok(())
    }

    /// Forwards the objection and its materials to the section that made
    /// the item, which receives them `on` (plan §6(3): within 5 working
    /// days of receipt; a late forwarding is allowed and reported late).
    /// The Office may be that section: it then verifies its own item, with
    /// the same 5 working days.
    ///
    /// # Errors
    ///
    /// [`ObjectionError::Finished`], [`ObjectionError::AlreadyDone`] or
    /// [`ObjectionError::DateBeforePrevious`] (before the receipt). The
    /// objection is unchanged on error.
    pub fn forward(
        &mut self,
        on: NaiveDate,
        by: impl Into<String>,
        to: Section,
    ) -> Result<(), ObjectionError> {
        self.check(Step::Forward, on)?;
        self.forwarded = Some(Forwarded {
            on,
            by: by.into(),
            to,
        });
        Ok(())
    }

    /// Records the section's written opinion, submitted and received by the
    /// Office on the same day `on` (see
    /// [`receive_opinion_submitted`](Self::receive_opinion_submitted)).
    ///
    /// # Errors
    ///
    /// As [`receive_opinion_submitted`](Self::receive_opinion_submitted).
    pub fn receive_opinion(
        &mut self,
        on: NaiveDate,
        by: impl Into<String>,
        finding: Finding,
        summary: impl Into<String>,
    ) -> Result<(), ObjectionError> {
        self.receive_opinion_submitted(on, on, by, finding, summary)
    }

    /// Records the section's written opinion, submitted on `submitted_on`
    /// (plan §6(3): within 5 working days of the section's receipt) and
    /// received by the Office on `received_on`, which starts the 2 working
    /// days to notify the applicant.
    ///
    /// # Errors
    ///
    /// [`ObjectionError::OutOfOrder`] before forwarding,
    /// [`ObjectionError::Finished`], [`ObjectionError::AlreadyDone`],
    /// [`ObjectionError::DateBeforePrevious`] (submitted before the section
    /// received the objection), or
    /// [`ObjectionError::OpinionReceivedBeforeSubmitted`]. The objection is
    /// unchanged on error.
    pub fn receive_opinion_submitted(
        &mut self,
        submitted_on: NaiveDate,
        received_on: NaiveDate,
        by: impl Into<String>,
        finding: Finding,
        summary: impl Into<String>,
    ) -> Result<(), ObjectionError> {
        self.check(Step::Verify, submitted_on)?;
        if received_on < submitted_on {
            return Err(ObjectionError::OpinionReceivedBeforeSubmitted {
                submitted_on,
                received_on,
            });
        }
        self.opinion = Some(Opinion {
            submitted_on,
            on: received_on,
            by: by.into(),
            finding,
            summary: summary.into(),
        });
        Ok(())
    }

    /// Notifies the applicant in writing of the decision and its reasons
    /// (plan §6(3): within 2 working days of the Office's receipt of the
    /// opinion, and within 12 of receipt).
    ///
    /// The decision must follow the section's finding (revoked or corrected
    /// when it confirmed an error, kept when it did not) and fit the item
    /// (see [`Outcome::applies_to`]).
    ///
    /// # Errors
    ///
    /// [`ObjectionError::OutOfOrder`] before the opinion,
    /// [`ObjectionError::Finished`], [`ObjectionError::AlreadyDone`],
    /// [`ObjectionError::DateBeforePrevious`] (before the Office received
    /// the opinion), [`ObjectionError::OutcomeContradictsFinding`],
    /// [`ObjectionError::OutcomeDoesNotFit`] or
    /// [`ObjectionError::EmptyCorrection`]. The objection is unchanged on
    /// error.
    pub fn notify(
        &mut self,
        on: NaiveDate,
        by: impl Into<String>,
        outcome: Outcome,
    ) -> Result<(), ObjectionError> {
        self.check(Step::Notify, on)?;
        if let Some(opinion) = &self.opinion {
            if opinion.finding != outcome.finding() {
                return Err(ObjectionError::OutcomeContradictsFinding {
                    finding: opinion.finding,
                    outcome: outcome.english_name(),
                });
            }
        }
        if !outcome.applies_to(self.about) {
            return Err(ObjectionError::OutcomeDoesNotFit {
                outcome: outcome.english_name(),
                item: self.about,
            });
        }
        if matches!(&outcome, Outcome::ListingCorrected { events, .. } if events.is_empty()) {
            return Err(ObjectionError::EmptyCorrection { item: self.about });
        }
        self.notified = Some(Notified {
            on,
            by: by.into(),
            outcome,
        });
        Ok(())
    }

    /// Replies to the credit subject in writing with the reasons for the
    /// handling (plan §6(3): within 12 working days of receipt). It follows
    /// the notification of the applicant, on the same day or later; when
    /// the applicant is the subject, one letter may do both.
    ///
    /// # Errors
    ///
    /// [`ObjectionError::OutOfOrder`] before the notification,
    /// [`ObjectionError::Finished`], [`ObjectionError::AlreadyDone`] or
    /// [`ObjectionError::DateBeforePrevious`]. The objection is unchanged on
    /// error.
    pub fn reply(
        &mut self,
        on: NaiveDate,
        by: impl Into<String>,
        reasons: impl Into<String>,
    ) -> Result<(), ObjectionError> {
        self.check(Step::Reply, on)?;
        self.replied = Some(Replied {
            on,
            by: by.into(),
            reasons: reasons.into(),
        });
        Ok(())
    }

    /// Closes the objection after the subject had its reply. No step may
    /// follow.
    ///
    /// # Errors
    ///
    /// [`ObjectionError::OutOfOrder`] before the reply,
    /// [`ObjectionError::Finished`], [`ObjectionError::AlreadyDone`] or
    /// [`ObjectionError::DateBeforePrevious`]. The objection is unchanged on
    /// error.
    pub fn close(&mut self, on: NaiveDate, by: impl Into<String>) -> Result<(), ObjectionError> {
        self.check(Step::Close, on)?;
        self.closed = Some(Act { on, by: by.into() });
        Ok(())
    }

    /// Records that the applicant withdrew the objection `on`. Possible
    /// until the applicant is notified; no step may follow.
    ///
    /// # Errors
    ///
    /// [`ObjectionError::TooLateToWithdraw`] once notified,
    /// [`ObjectionError::Finished`], [`ObjectionError::AlreadyDone`] or
    /// [`ObjectionError::DateBeforePrevious`] (before the last step taken).
    /// The objection is unchanged on error.
    pub fn withdraw(&mut self, on: NaiveDate, by: impl Into<String>) -> Result<(), ObjectionError> {
        self.check(Step::Withdraw, on)?;
        self.withdrawn = Some(Act { on, by: by.into() });
        Ok(())
    }

    /// Every deadline known from the steps taken: `verify_by` once
    /// forwarded, `notify_by` once the Office has the opinion. A count that
    /// leaves the calendar leaves only its own deadline missing (see
    /// [`deadlines`]).
    ///
    /// # Errors
    ///
    /// [`CalendarError::OutOfCoverage`] when the day of receipt is outside
    /// the calendar's coverage.
    pub fn deadlines(
        &self,
        calendar: &(impl WorkCalendar + ?Sized),
    ) -> Result<Deadlines, CalendarError> {
        self.deadlines_as_of(calendar, None)
    }

    fn deadlines_as_of(
        &self,
        calendar: &(impl WorkCalendar + ?Sized),
        on: Option<NaiveDate>,
    ) -> Result<Deadlines, CalendarError> {
        let known = |d: Option<NaiveDate>| match on {
            Some(on) => d.filter(|d| *d <= on),
            None => d,
        };
        let mut d = deadlines(calendar, self.received_on())?;
        if let Some(forwarded) = known(self.done_on(Step::Forward)) {
            // plan §6(3): the section has 5 working days from its receipt.
            d.verify_by = d.count(
                calendar,
                forwarded,
                VERIFY_WORKING_DAYS,
                Step::Verify,
                VERIFY_BASIS,
            );
        }
        if let Some(opinion) = known(self.opinion_received_on()) {
            // plan §6(3): 2 working days from the Office's receipt of the
            // opinion ("在收到核实结果之日起"), within the 12-day limit of the
            // whole handling, which binds even when every step was on time
            // by its own clock. A reply limit past the calendar's last day
            // is after the clock, which is inside it.
            let clock = d.count(
                calendar,
                opinion,
                NOTIFY_WORKING_DAYS,
                Step::Notify,
                NOTIFY_BASIS,
            );
            d.notify_clock = clock;
            d.notify_by = clock.map(|c| d.reply_by.map_or(c, |r| c.min(r)));
        }
        Ok(d)
    }

    /// Where the objection stood at the end of `on`, counting only steps
    /// taken on or before it: the next step due and by when, every step
    /// overdue or done late, by how many working days and which section
    /// answers for it, and the working days left before `reply_by`.
    ///
    /// A step done late is late by the working days in `(due, done]`. A step
    /// not done whose deadline has passed is overdue by the working days in
    /// `(due, on]`, which is 0 on a rest day right after the deadline; for a
    /// withdrawn objection, counted to the withdrawal instead.
    ///
    /// # Errors
    ///
    /// [`ObjectionError::BeforeReceipt`] when `on` is before the objection
    /// was received; [`ObjectionError::Calendar`] when a day or count falls
    /// outside the calendar's coverage.
    pub fn status_on(
        &self,
        calendar: &(impl WorkCalendar + ?Sized),
        on: NaiveDate,
    ) -> Result<ObjectionStatus, ObjectionError> {
        let received_on = self.received_on();
        if on < received_on {
            return Err(ObjectionError::BeforeReceipt { on, received_on });
        }
        let deadlines = self.deadlines_as_of(calendar, Some(on))?;
        let stage = self.stage_as_of(Some(on));
        let withdrawn_on = self.done_by(Step::Withdraw, on);
        let mut pending = Vec::new();
        let mut overdue = Vec::new();
        for step in Step::TIMED {
            let Some(deadline) = deadlines.of(step) else {
                continue;
            };
            let (done_on, until) = match self.done_by(step, on) {
                Some(done) => (Some(done), done),
                None => {
                    if withdrawn_on.is_none() {
                        pending.push(deadline.clone());
                    }
                    (None, withdrawn_on.unwrap_or(on))
                }
            };
            if until > deadline.due {
                overdue.push(Overdue {
                    working_days: calendar.working_days_between(deadline.due, until)?,
                    section: self.responsible(step),
                    done_on,
                    deadline,
                });
            }
        }
        let replied = self.done_by(Step::Reply, on).is_some();
        let reply_working_days_left = match deadlines.reply_by {
            Some(reply_by) if !replied && withdrawn_on.is_none() => {
                Some(calendar.working_days_between(on, reply_by)?)
            }
            _ => None,
        };
        Ok(ObjectionStatus {
            objection: self.id,
            item: self.about,
            on,
            stage,
            next: pending.first().cloned(),
            pending,
            overdue,
            deadlines,
            reply_working_days_left,
        })
    }

    /// The two acts the Office owes, as of the end of `on`: the
    /// notification of the applicant and the reply to the subject, each
    /// with its recipient, deadline (none once withdrawn) and the day it
    /// was done.
    ///
    /// # Errors
    ///
    /// As [`Objection::status_on`].
    pub fn answers_on(
        &self,
        calendar: &(impl WorkCalendar + ?Sized),
        on: NaiveDate,
    ) -> Result<[OfficeAnswer; 2], ObjectionError> {
        if on < self.received_on() {
            return Err(ObjectionError::BeforeReceipt {
                on,
                received_on: self.received_on(),
            });
        }
        self.answers_as_of(calendar, Some(on))
    }

    /// The two acts the Office owes, counting every step taken (see
    /// [`Objection::answers_on`]).
    ///
    /// # Errors
    ///
    /// [`ObjectionError::Calendar`] when a count leaves the calendar.
    pub fn answers(
        &self,
        calendar: &(impl WorkCalendar + ?Sized),
    ) -> Result<[OfficeAnswer; 2], ObjectionError> {
        self.answers_as_of(calendar, None)
    }

    fn answers_as_of(
        &self,
        calendar: &(impl WorkCalendar + ?Sized),
        on: Option<NaiveDate>,
    ) -> Result<[OfficeAnswer; 2], ObjectionError> {
        let d = self.deadlines_as_of(calendar, on)?;
        let done = |step| match on {
            Some(on) => self.done_by(step, on),
            None => self.done_on(step),
        };
        // A withdrawn objection owes no answer.
        let withdrawn = done(Step::Withdraw).is_some();
        let answer = |step: Step, recipient: Recipient| OfficeAnswer {
            step,
            recipient,
            deadline: d.of(step).filter(|_| !withdrawn),
            done_on: done(step),
        };
        Ok([
            answer(Step::Notify, Recipient::Applicant),
            answer(Step::Reply, Recipient::Subject),
        ])
    }

    /// What the decision changes in the item, for the caller to apply:
    /// `Some` once the applicant was notified that the item is revoked or
    /// corrected, dated the day of the notification; `None` while undecided
    /// or when the item is kept.
    pub fn item_change(&self) -> Option<ItemChange> {
        let notified = self.notified.as_ref()?;
        let basis = match &notified.outcome {
            Outcome::Kept { .. } => return None,
            Outcome::Revoked { .. } => REVOKE_BASIS,
            _ => CORRECT_BASIS,
        };
        let (on, by) = (notified.on, notified.by.clone());
        Some(match (self.about, &notified.outcome) {
            (CreditItem::Record(record), outcome) => {
                let (status, corrected, corrected_severity) = match outcome {
                    Outcome::Corrected {
                        corrected,
                        severity,
                        ..
                    } => (RecordStatus::Corrected, Some(corrected.clone()), *severity),
                    _ => (RecordStatus::Revoked, None, None),
                };
                ItemChange::Record(RecordChange {
                    objection: self.id,
                    record,
                    change: StatusChange {
                        on,
                        status,
                        by,
                        basis,
                    },
                    corrected,
                    corrected_severity,
                })
            }
            (CreditItem::ListEntry(entry), outcome) => ItemChange::ListEntry(ListEntryChange {
                objection: self.id,
                entry,
                on,
                by,
                basis,
                corrected_events: match outcome {
                    Outcome::ListingCorrected { events, .. } => Some(events.clone()),
                    _ => None,
                },
            }),
            (CreditItem::Commitment(commitment), outcome) => {
                ItemChange::Commitment(CommitmentChange {
                    objection: self.id,
                    commitment,
                    on,
                    by,
                    basis,
                    corrected_text: match outcome {
                        Outcome::CommitmentCorrected { text, .. } => Some(text.clone()),
                        _ => None,
                    },
                })
            }
        })
    }

    /// The record change of the decision, when the item is a record (see
    /// [`Objection::item_change`]).
    pub fn record_change(&self) -> Option<RecordChange> {
        match self.item_change()? {
            ItemChange::Record(change) => Some(change),
            ItemChange::ListEntry(_) | ItemChange::Commitment(_) => None,
        }
    }
}

/// One of the two answers the Office owes (see [`Objection::answers_on`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeAnswer {
    /// [`Step::Notify`] or [`Step::Reply`].
    pub step: Step,
    /// To whom it goes.
    pub recipient: Recipient,
    /// Its deadline, with the rule; the notification's is the 12-day limit
    /// until the Office has the section's opinion.
    pub deadline: Option<Deadline>,
    /// The day it was done, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_on: Option<NaiveDate>,
}

/// The stored form of an [`Objection`]; loading replays its steps through
/// the same checks as the live workflow.
///
/// Version 0.1 stored `record` (no `about`, no `applicant`, no `replied`):
/// its objections were always about a record, and its notification was also
/// the reply, so loading one dates the reply with the notification.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredObjection {
    id: ObjectionId,
    #[serde(default)]
    about: Option<CreditItem>,
    #[serde(default)]
    record: Option<RecordId>,
    subject: SubjectId,
    #[serde(default)]
    applicant: Applicant,
    receipt: Receipt,
    received_by: String,
    grounds: String,
    #[serde(default)]
    forwarded: Option<Forwarded>,
    #[serde(default)]
    opinion: Option<Opinion>,
    #[serde(default)]
    notified: Option<Notified>,
    #[serde(default)]
    replied: Option<Replied>,
    #[serde(default)]
    closed: Option<Act>,
    #[serde(default)]
    withdrawn: Option<Act>,
}

impl StoredObjection {
    fn replay(self) -> Result<Objection, ObjectionError> {
        let (item, legacy) = match (self.about, self.record) {
            (Some(item), None) => (item, false),
            (None, Some(record)) => (CreditItem::Record(record), true),
            _ => return Err(ObjectionError::StoredItem),
        };
        let mut o = Objection::receive(
            self.id,
            item,
            self.subject,
            self.receipt,
            self.received_by,
            self.grounds,
        )
        .with_applicant(self.applicant);
        if let Some(f) = self.forwarded {
            o.forward(f.on, f.by, f.to)?;
        }
        if let Some(op) = self.opinion {
            o.receive_opinion_submitted(op.submitted_on, op.on, op.by, op.finding, op.summary)?;
        }
        let reply = match self.replied {
            Some(r) => Some(r),
            // Version 0.1: one letter was both the notification and the reply.
            None if legacy => self.notified.as_ref().map(|n| Replied {
                on: n.on,
                by: n.by.clone(),
                reasons: n.outcome.reasons().to_owned(),
            }),
            None => None,
        };
        if let Some(n) = self.notified {
            o.notify(n.on, n.by, n.outcome)?;
        }
        if let Some(r) = reply {
            o.reply(r.on, r.by, r.reasons)?;
        }
        if let Some(c) = self.closed {
            o.close(c.on, c.by)?;
        }
        if let Some(w) = self.withdrawn {
            o.withdraw(w.on, w.by)?;
        }
        Ok(o)
    }
}

impl<'de> Deserialize<'de> for Objection {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        StoredObjection::deserialize(deserializer)?
            .replay()
            .map_err(serde::de::Error::custom)
    }
}

/// A step overdue, or done after its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overdue {
    /// The deadline missed, with its rule.
    pub deadline: Deadline,
    /// The section answerable for the step (plan §6(9)); see
    /// [`Objection::responsible`].
    pub section: Section,
    /// The day the step was done late; `None` while it is still not done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_on: Option<NaiveDate>,
    /// Working days late: in `(due, done_on]` for a step done, in
    /// `(due, asked day]` for a step not done.
    pub working_days: i64,
}

/// Where an objection stood at the end of a day (see [`Objection::status_on`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionStatus {
    /// The objection.
    pub objection: ObjectionId,
    /// The credit information objected to.
    pub item: CreditItem,
    /// The day asked about.
    pub on: NaiveDate,
    /// The stage reached by then.
    pub stage: Stage,
    /// The next step due and its deadline; `None` once the subject has its
    /// reply (closing has no deadline) or the objection is withdrawn.
    pub next: Option<Deadline>,
    /// Every step not yet done whose deadline is known, in the order they
    /// are taken: before the opinion, [`Step::Notify`] is due by the reply
    /// limit.
    pub pending: Vec<Deadline>,
    /// Every step overdue or done late, in the order they are taken.
    pub overdue: Vec<Overdue>,
    /// The deadlines known by then.
    pub deadlines: Deadlines,
    /// Working days in `(on, reply_by]`, negative once `reply_by` has
    /// passed; `None` once replied or withdrawn, or while `reply_by` is
    /// past the calendar's last day.
    pub reply_working_days_left: Option<i64>,
}

impl ObjectionStatus {
    /// The earliest deadline still to meet (it may have passed).
    pub fn most_urgent(&self) -> Option<&Deadline> {
        self.pending.iter().min_by_key(|d| (d.due, d.step))
    }

    /// Whether a step is overdue now (done-late steps do not count).
    pub fn is_overdue(&self) -> bool {
        self.overdue.iter().any(|o| o.done_on.is_none())
    }
}

/// An objection on a desk listing (see [`due_soon`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueItem {
    /// The earliest deadline it still has to meet.
    pub deadline: Deadline,
    /// Working days past that deadline, in `(due, on]`, when it has passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_by: Option<i64>,
    /// Its full status on the day asked about.
    pub status: ObjectionStatus,
}

/// The objections with a step due within the next `within` working days of
/// `on` or already overdue: overdue ones first, then by deadline (then by
/// identifier).
///
/// An objection is listed when it is open at the end of `on` (the subject
/// not yet replied to, not withdrawn) and its earliest pending deadline is
/// on or before the `within`th working day after `on`. Objections received
/// after `on` are not listed.
///
/// # Errors
///
/// [`ObjectionError::Calendar`] when a day or count falls outside the
/// calendar's coverage.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::calendar::ChinaCalendar;
/// use social_credit::misconduct::RecordId;
/// use social_credit::objection::{due_soon, Objection, ObjectionId, Receipt};
/// use social_credit::Uscc;
///
/// let day = |m, d| NaiveDate::from_ymd_opt(2019, m, d).unwrap();
/// let subject: social_credit::SubjectId = "91350100M000100Y43".parse::<Uscc>()?.into();
/// let received = |id, on| Objection::receive(
///     ObjectionId(id), RecordId(id), subject.clone(), Receipt::Written { on }, "Wang Fang", "",
/// );
/// let desk = [received(1, day(9, 20)), received(2, day(9, 27)), received(3, day(10, 10))];
/// let list = due_soon(&ChinaCalendar::official(), &desk, day(10, 8), 2)?;
/// // O1 was due 27 Sep and is overdue; O2 is due 10 Oct; O3 is not received yet.
/// let ids: Vec<_> = list.iter().map(|i| i.status.objection.0).collect();
/// assert_eq!(ids, [1, 2]);
/// assert_eq!(list[0].overdue_by, Some(3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn due_soon<'a>(
    calendar: &(impl WorkCalendar + ?Sized),
    objections: impl IntoIterator<Item = &'a Objection>,
    on: NaiveDate,
    within: u32,
) -> Result<Vec<DueItem>, ObjectionError> {
    let horizon = calendar.add_working_days(on, within)?;
    let mut items = Vec::new();
    for objection in objections {
        if objection.received_on() > on {
            continue;
        }
        let status = objection.status_on(calendar, on)?;
        let Some(deadline) = status.most_urgent().cloned() else {
            continue;
        };
        if deadline.due > horizon {
            continue;
        }
        let overdue_by = if deadline.due < on {
            Some(calendar.working_days_between(deadline.due, on)?)
        } else {
            None
        };
        items.push(DueItem {
            deadline,
            overdue_by,
            status,
        });
    }
    items.sort_by(|a, b| {
        // Overdue first; an overdue deadline is always earlier than a
        // pending one, but say it rather than rely on it.
        b.overdue_by
            .is_some()
            .cmp(&a.overdue_by.is_some())
            .then(a.deadline.due.cmp(&b.deadline.due))
            .then(a.status.objection.cmp(&b.status.objection))
    });
    Ok(items)
}

/// A step of one objection, overdue or done late (see [`overdue_by_section`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateStep {
    /// The objection.
    pub objection: ObjectionId,
    /// The step, its deadline, the section answerable and how late.
    pub overdue: Overdue,
}

/// The steps not done by their deadline at the end of `on`, by the section
/// answerable for them (plan §6(9): "对…落实不力的科室进行通报和督促整改"): the
/// Office for forwarding, notifying and replying, the originating section
/// for its opinion. Within a section, the most overdue first, then by
/// objection. Steps done late are not listed (see
/// [`crate::reporting::objection_lateness`] for those); withdrawn and
/// closed objections have nothing overdue.
///
/// # Errors
///
/// [`ObjectionError::Calendar`] when a day or count falls outside the
/// calendar's coverage.
pub fn overdue_by_section<'a>(
    calendar: &(impl WorkCalendar + ?Sized),
    objections: impl IntoIterator<Item = &'a Objection>,
    on: NaiveDate,
) -> Result<std::collections::BTreeMap<Section, Vec<LateStep>>, ObjectionError> {
    let mut out: std::collections::BTreeMap<Section, Vec<LateStep>> = Default::default();
    for objection in objections {
        if objection.stage_on(on).is_none_or(|s| s.is_final()) {
            continue;
        }
        let status = objection.status_on(calendar, on)?;
        for late in status.overdue.into_iter().filter(|l| l.done_on.is_none()) {
            out.entry(late.section).or_default().push(LateStep {
                objection: objection.id(),
                overdue: late,
            });
        }
    }
    for steps in out.values_mut() {
        steps.sort_by(|a, b| {
            b.overdue
                .working_days
                .cmp(&a.overdue.working_days)
                .then(a.objection.cmp(&b.objection))
                .then(a.overdue.deadline.step.cmp(&b.overdue.deadline.step))
        });
    }
    Ok(out)
}

/// What an objection's decision changes in the item objected to (plan
/// §6(3): "确认有误的予以撤销或者纠正"), for the caller to apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum ItemChange {
    /// A record revoked or corrected.
    Record(RecordChange),
    /// A listing ended or its events corrected.
    ListEntry(ListEntryChange),
    /// A commitment's publication withdrawn or its text corrected.
    Commitment(CommitmentChange),
}

impl ItemChange {
    /// The rule behind the change: `objection.revoke` or `objection.correct`.
    pub fn basis(&self) -> &Citation {
        match self {
            Self::Record(c) => &c.change.basis,
            Self::ListEntry(c) => &c.basis,
            Self::Commitment(c) => &c.basis,
        }
    }
}

/// What an objection's decision changes in a record: the status change to
/// append and, for a correction, the corrected content to keep beside the
/// original (plan §6(3): "确认有误的予以撤销或者纠正").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordChange {
    /// The objection that decided it.
    pub objection: ObjectionId,
    /// The record to change.
    pub record: RecordId,
    /// The status change to append, with its citation.
    pub change: StatusChange,
    /// The corrected content, for a correction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected: Option<RecordContent>,
    /// The corrected severity, for a correction that regrades the record
    /// ([`MisconductRecord::corrected_severity`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_severity: Option<Severity>,
}

impl RecordChange {
    /// Applies the change to `record`: appends the status change and, for a
    /// correction, sets the corrected content (and the corrected severity,
    /// if any) beside the original. Nothing is deleted.
    ///
    /// # Errors
    ///
    /// Leaving the record unchanged:
    /// [`ObjectionError::RecordMismatch`] when `record` is another record;
    /// [`ObjectionError::RecordUnchangeable`] when it is already revoked,
    /// erased, or (for a correction) already corrected, whose corrected
    /// content and severity would be lost (also after a later repair); [`ObjectionError::ChangeBeforeRecordHistory`]
    /// when the change is dated before the record was made or before its
    /// last status change.
    pub fn apply_to(&self, record: &mut MisconductRecord) -> Result<(), ObjectionError> {
        if record.id != self.record {
            return Err(ObjectionError::RecordMismatch {
                expected: self.record,
                found: record.id,
            });
        }
        let status = record.status();
        let unchangeable = match status {
            RecordStatus::Revoked | RecordStatus::Erased => true,
            RecordStatus::Corrected => self.corrected.is_some(),
            // Corrected, then repaired: a second correction would overwrite
            // the first one's content and severity.
            RecordStatus::Active | RecordStatus::Repaired => {
                self.corrected.is_some()
                    && (record.corrected.is_some() || record.corrected_severity.is_some())
            }
        };
        if unchangeable {
            return Err(ObjectionError::RecordUnchangeable {
                record: record.id,
                status,
            });
        }
        let last = record
            .history
            .last()
            .map_or(record.recorded_on, |c| c.on.max(record.recorded_on));
        if self.change.on < last {
            return Err(ObjectionError::ChangeBeforeRecordHistory {
                record: record.id,
                on: self.change.on,
                last,
            });
        }
        if let Some(corrected) = &self.corrected {
            record.corrected = Some(corrected.clone());
            record.corrected_severity = self.corrected_severity;
        }
        record.history.push(self.change.clone());
        Ok(())
    }
}

/// What an objection's decision changes in a list entry: a revocation ends
/// the listing on the day of the decision (a removal decision, 移出); a
/// correction replaces the listing events and keeps the original ones
/// beside them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListEntryChange {
    /// The objection that decided it.
    pub objection: ObjectionId,
    /// The entry to change.
    pub entry: ListEntryId,
    /// The day of the decision.
    pub on: NaiveDate,
    /// Who decided.
    pub by: String,
    /// The rule: `objection.revoke` or `objection.correct`.
    pub basis: Citation,
    /// The corrected events, for a correction; `None` for a revocation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_events: Option<Vec<ListingEvent>>,
}

impl ListEntryChange {
    /// Applies the change to `entry` (the entry `self.entry` names; the
    /// caller looks it up by that id). Nothing is deleted: a revocation
    /// records a removal on the day of the decision, a correction keeps the
    /// original events in [`ListEntry::corrected_from`].
    ///
    /// # Errors
    ///
    /// Leaving the entry unchanged, [`ObjectionError::ItemUnchangeable`]
    /// when the subject already left the list before the decision, when
    /// the decision is not after the latest listing event (a removal on or
    /// before it would not end the listing), or when the events were
    /// corrected before.
    pub fn apply_to(&self, entry: &mut ListEntry) -> Result<(), ObjectionError> {
        let item = CreditItem::ListEntry(self.entry);
        if let Some(removed) = entry.removed_on.filter(|r| *r <= self.on) {
            return Err(ObjectionError::ItemUnchangeable {
                item,
                problem: format!("the subject left the list on {removed}"),
            });
        }
        match &self.corrected_events {
            None => {
                if let Some(latest) = entry.clock_start(self.on).filter(|l| *l >= self.on) {
                    return Err(ObjectionError::ItemUnchangeable {
                        item,
                        problem: format!(
                            "the latest listing event is on {latest}, not before the decision on {}",
                            self.on
                        ),
                    });
                }
                entry.removed_on = Some(self.on);
            }
            Some(events) => {
                if !entry.corrected_from.is_empty() {
                    return Err(ObjectionError::ItemUnchangeable {
                        item,
                        problem: "its listing events were corrected before".to_owned(),
                    });
                }
                entry.corrected_from = std::mem::replace(&mut entry.events, events.clone());
            }
        }
        Ok(())
    }
}

/// What an objection's decision changes in a commitment: a revocation
/// withdraws its publication from the day of the decision; a correction
/// sets the corrected text beside the text as signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentChange {
    /// The objection that decided it.
    pub objection: ObjectionId,
    /// The commitment to change.
    pub commitment: CommitmentId,
    /// The day of the decision.
    pub on: NaiveDate,
    /// Who decided.
    pub by: String,
    /// The rule: `objection.revoke` or `objection.correct`.
    pub basis: Citation,
    /// The corrected text, for a correction; `None` for a revocation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrected_text: Option<String>,
}

impl CommitmentChange {
    /// Applies the change to `commitment`. Nothing is deleted.
    ///
    /// # Errors
    ///
    /// Leaving the commitment unchanged, [`ObjectionError::ItemUnchangeable`]
    /// when it is another commitment,
    /// when its publication was already withdrawn, or when its text was
    /// corrected before.
    pub fn apply_to(&self, commitment: &mut Commitment) -> Result<(), ObjectionError> {
        let item = CreditItem::Commitment(self.commitment);
        let problem = if commitment.id != self.commitment {
            Some(format!(
                "the change is for another commitment, not `{}`",
                commitment.id
            ))
        } else if let Some(w) = commitment.withdrawn_on {
            Some(format!("its publication was withdrawn on {w}"))
        } else if self.corrected_text.is_some() && commitment.corrected_text.is_some() {
            Some("its text was corrected before".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(ObjectionError::ItemUnchangeable { item, problem });
        }
        match &self.corrected_text {
            None => commitment.withdrawn_on = Some(self.on),
            Some(text) => commitment.corrected_text = Some(text.clone()),
        }
        Ok(())
    }
}

fn status_name(status: RecordStatus) -> &'static str {
    match status {
        RecordStatus::Active => "active",
        RecordStatus::Repaired => "repaired",
        RecordStatus::Revoked => "revoked",
        RecordStatus::Corrected => "corrected",
        RecordStatus::Erased => "erased",
    }
}

/// Whether an open objection suspends joint sanctions on its record.
///
/// The plan's rule, and the [`Default`]: it does not. "异议处理期间不影响失信行为的记录、公示与处理"
/// (plan §6(3)): the record is recorded, published and handled as if there
/// were no objection. Some national and provincial rules suspend joint
/// sanctions while an objection is checked; [`ObjectionPolicy::suspending`]
/// models them, citing their own rule.
///
/// # Example
///
/// ```
/// use social_credit::objection::ObjectionPolicy;
///
/// let plan = ObjectionPolicy::default();
/// assert!(!plan.suspend_sanctions_while_open);
/// assert_eq!(plan.basis.source, "plan §6(3)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ObjectionPolicy {
    /// Whether joint sanctions based on a record are suspended while an
    /// objection to it is under review (received, not yet notified or
    /// withdrawn).
    pub suspend_sanctions_while_open: bool,
    /// The rule behind the setting.
    pub basis: Citation,
}

impl Default for ObjectionPolicy {
    fn default() -> Self {
        Self {
            suspend_sanctions_while_open: false,
            basis: NO_SUSPENSION_BASIS,
        }
    }
}

impl ObjectionPolicy {
    /// The plan's rule: an objection suspends nothing (plan §6(3)).
    pub fn plan() -> Self {
        Self::default()
    }

    /// A regime that suspends joint sanctions while an objection is under
    /// review, under the rule `basis`.
    pub fn suspending(basis: Citation) -> Self {
        Self {
            suspend_sanctions_while_open: true,
            basis,
        }
    }

    /// Whether `objection` suspends sanctions based on `record` at the end
    /// of `on`: only under a suspending policy, only for the record objected
    /// to, and only while the objection is under review (from the day it is
    /// received until the day the applicant is notified or withdraws,
    /// exclusive).
    pub fn suspends_sanctions(
        &self,
        objection: &Objection,
        record: RecordId,
        on: NaiveDate,
    ) -> SanctionSuspension {
        SanctionSuspension {
            suspended: self.suspend_sanctions_while_open
                && objection.record() == Some(record)
                && objection.under_review_on(on),
            basis: self.basis.clone(),
        }
    }
}

/// The answer of [`ObjectionPolicy::suspends_sanctions`], with its rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SanctionSuspension {
    /// Whether sanctions based on the record are suspended.
    pub suspended: bool,
    /// The rule that decided it.
    pub basis: Citation,
}

// A service keeps objections in shared state and answers from async handlers.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Objection>();
    assert_send_sync::<ObjectionStatus>();
    assert_send_sync::<DueItem>();
    assert_send_sync::<RecordChange>();
    assert_send_sync::<ItemChange>();
    assert_send_sync::<ObjectionPolicy>();
    assert_send_sync::<ObjectionError>();
};

/// A step of the objection procedure that cannot be taken, or a question
/// that cannot be answered. A failed step changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ObjectionError {
    /// A step after the objection was closed or withdrawn.
    #[error("cannot {step}: the objection was {stage} on {on}")]
    Finished {
        /// The step attempted.
        step: Step,
        /// [`Stage::Closed`] or [`Stage::Withdrawn`].
        stage: Stage,
        /// The day it was closed or withdrawn.
        on: NaiveDate,
    },
    /// A step taken a second time.
    #[error("cannot {step} twice: already done on {on}")]
    AlreadyDone {
        /// The step attempted.
        step: Step,
        /// The day it was done.
        on: NaiveDate,
    },
    /// A step before the step it follows.
    #[error("cannot {step} yet: first {requires}")]
    OutOfOrder {
        /// The step attempted.
        step: Step,
        /// The step that must come first.
        requires: Step,
    },
    /// A step dated before the step it follows.
    #[error("cannot {step} on {on}, before the previous step ({previous}) on {previous_on}")]
    DateBeforePrevious {
        /// The step attempted.
        step: Step,
        /// The day given.
        on: NaiveDate,
        /// The step it follows.
        previous: Step,
        /// The day that step was taken.
        previous_on: NaiveDate,
    },
    /// A withdrawal after the applicant was notified of the result.
    #[error(
        "cannot withdraw the objection: the applicant was notified of the result on {notified_on}"
    )]
    TooLateToWithdraw {
        /// The day of the notification.
        notified_on: NaiveDate,
    },
    /// The Office's receipt of the section's opinion dated before the
    /// section submitted it.
    #[error("the opinion cannot be received on {received_on}, before it was submitted on {submitted_on}")]
    OpinionReceivedBeforeSubmitted {
        /// The day the section submitted it.
        submitted_on: NaiveDate,
        /// The day given for the Office's receipt.
        received_on: NaiveDate,
    },
    /// A decision that does not follow from the section's finding.
    #[error("decision `{outcome}` contradicts the section's finding `{finding}`")]
    OutcomeContradictsFinding {
        /// The section's finding.
        finding: Finding,
        /// The decision given: `revoked`, `corrected` or `kept`.
        outcome: &'static str,
    },
    /// A decision that does not fit the item objected to, e.g. a record's
    /// content correction for a list entry.
    #[error("decision `{outcome}` does not apply to {item}")]
    OutcomeDoesNotFit {
        /// The decision given.
        outcome: &'static str,
        /// The item objected to.
        item: CreditItem,
    },
    /// A correction that corrects nothing (a listing with no events).
    #[error("the correction of {item} gives nothing to put in its place")]
    EmptyCorrection {
        /// The item objected to.
        item: CreditItem,
    },
    /// A list entry or commitment that may not change that way.
    #[error("{item} cannot be changed this way: {problem}")]
    ItemUnchangeable {
        /// The item.
        item: CreditItem,
        /// Why not.
        problem: String,
    },
    /// A stored objection that names no item, or both an item and a
    /// version 0.1 record.
    #[error(
        "a stored objection names exactly one item: `about`, or `record` as version 0.1 stored it"
    )]
    StoredItem,
    /// A quarter outside 1–4, or one whose report's due day cannot be
    /// computed.
    #[error("no quarterly report on quarter {quarter} of {year}: a quarter is 1 to 4")]
    NoSuchQuarter {
        /// The year given.
        year: i32,
        /// The quarter given.
        quarter: u32,
    },
    /// A status asked for a day before the objection was received.
    #[error("no status on {on}: the objection was received on {received_on}")]
    BeforeReceipt {
        /// The day asked about.
        on: NaiveDate,
        /// The day it counts as received.
        received_on: NaiveDate,
    },
    /// A record change applied to another record.
    #[error("the change is for record `{expected}`, not `{found}`")]
    RecordMismatch {
        /// The record the change is for.
        expected: RecordId,
        /// The record given.
        found: RecordId,
    },
    /// A record change on a record that may not change that way.
    #[error("record `{record}` is {} and cannot be changed this way", status_name(*status))]
    RecordUnchangeable {
        /// The record.
        record: RecordId,
        /// Its status: revoked, erased, or (for a second correction) corrected.
        status: RecordStatus,
    },
    /// A record change dated before the record's last entry.
    #[error("the change to record `{record}` is dated {on}, before its last entry on {last}")]
    ChangeBeforeRecordHistory {
        /// The record.
        record: RecordId,
        /// The day of the change.
        on: NaiveDate,
        /// The day the record was made or last changed status.
        last: NaiveDate,
    },
    /// A day or count outside the calendar's coverage.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::misconduct::{ConductKind, Severity};
    use crate::subject::Uscc;
    use chrono::{Datelike, TimeZone, Weekday};
    use std::ops::RangeInclusive;

    /// Monday to Friday, no holidays: enough to test the workflow's own rules.
    struct Weekdays;

    impl WorkCalendar for Weekdays {
        fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
            Ok(!matches!(date.weekday(), Weekday::Sat | Weekday::Sun))
        }

        fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
            let mut d = date;
            for _ in 0..n {
                d = d.succ_opt().unwrap();
                while !self.is_working_day(d)? {
                    d = d.succ_opt().unwrap();
                }
            }
            Ok(d)
        }

        fn working_days_between(&self, a: NaiveDate, b: NaiveDate) -> Result<i64, CalendarError> {
            let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
            let n = lo
                .iter_days()
                .skip(1)
                .take_while(|d| *d <= hi)
                .filter(|d| self.is_working_day(*d).unwrap())
                .count();
            Ok(sign * i64::try_from(n).unwrap())
        }

        fn coverage(&self) -> RangeInclusive<NaiveDate> {
            day(2000, 1, 1)..=day(2100, 12, 31)
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn subject() -> SubjectId {
        "91350100M000100Y43".parse::<Uscc>().unwrap().into()
    }

    /// Received Monday 2 March 2026.
    fn received() -> Objection {
        Objection::receive(
            ObjectionId(1),
            RecordId(9),
            subject(),
            Receipt::Written {
                on: day(2026, 3, 2),
            },
            "Wang Fang",
            "the report was filed on time",
        )
    }

    fn kept() -> Outcome {
        Outcome::Kept {
            reasons: "the report was filed late".into(),
        }
    }

    /// Runs a move that must fail and checks it changed nothing.
    fn refused(
        o: &mut Objection,
        step: impl FnOnce(&mut Objection) -> Result<(), ObjectionError>,
    ) -> ObjectionError {
        let before = o.clone();
        let err = step(o).unwrap_err();
        assert_eq!(*o, before, "a refused move changed the objection");
        err
    }

    #[test]
    fn an_online_receipt_counts_on_its_china_date() {
        let online = |h, m| Receipt::Online {
            at: Utc.with_ymd_and_hms(2019, 9, 27, h, m, 0).unwrap(),
        };
        assert_eq!(online(15, 59).date(), day(2019, 9, 27));
        assert_eq!(online(16, 0).date(), day(2019, 9, 28));
        let written = Receipt::Written {
            on: day(2019, 9, 27),
        };
        assert_eq!(written.date(), day(2019, 9, 27));
    }

    #[test]
    fn steps_move_the_stage_forward() {
        let mut o = received();
        assert_eq!(o.stage(), Stage::Received);
        o.forward(day(2026, 3, 3), "Wang Fang", Section::SocialOrganizations)
            .unwrap();
        assert_eq!(o.stage(), Stage::Forwarded);
        o.receive_opinion(day(2026, 3, 5), "Li Qiang", Finding::NotConfirmed, "late")
            .unwrap();
        assert_eq!(o.stage(), Stage::OpinionReceived);
        o.notify(day(2026, 3, 5), "Wang Fang", kept()).unwrap();
        assert_eq!(o.stage(), Stage::Notified);
        o.reply(day(2026, 3, 6), "Wang Fang", "the report was filed late")
            .unwrap();
        assert_eq!(o.stage(), Stage::Replied);
        o.close(day(2026, 3, 6), "Wang Fang").unwrap();
        assert_eq!(o.stage(), Stage::Closed);
        assert_eq!(o.stage_on(day(2026, 3, 1)), None);
        assert_eq!(o.stage_on(day(2026, 3, 4)), Some(Stage::Forwarded));
        assert_eq!(o.stage_on(day(2026, 3, 5)), Some(Stage::Notified));
        assert_eq!(o.record_change(), None);
    }

    #[test]
    fn out_of_order_steps_are_refused() {
        let mut o = received();
        let on = day(2026, 3, 4);
        assert_eq!(
            refused(&mut o, |o| o.receive_opinion(
                on,
                "Li",
                Finding::NotConfirmed,
                ""
            )),
            ObjectionError::OutOfOrder {
                step: Step::Verify,
                requires: Step::Forward
            }
        );
        assert_eq!(
            refused(&mut o, |o| o.notify(on, "Wang", kept())),
            ObjectionError::OutOfOrder {
                step: Step::Notify,
                requires: Step::Verify
            }
        );
        assert_eq!(
            refused(&mut o, |o| o.reply(on, "Wang", "")),
            ObjectionError::OutOfOrder {
                step: Step::Reply,
                requires: Step::Notify
            }
        );
        let err = refused(&mut o, |o| o.close(on, "Wang"));
        assert_eq!(
            err.to_string(),
            "cannot close the objection yet: first reply to the credit subject"
        );
    }

    #[test]
    fn a_step_twice_is_refused() {
        let mut o = received();
        o.forward(day(2026, 3, 3), "Wang", Section::SocialAffairs)
            .unwrap();
        let err = refused(&mut o, |o| {
            o.forward(day(2026, 3, 4), "Wang", Section::SocialAffairs)
        });
        assert_eq!(
            err.to_string(),
            "cannot forward to the originating section twice: already done on 2026-03-03"
        );
    }

    #[test]
    fn a_step_dated_before_the_previous_one_is_refused() {
        let mut o = received();
        let err = refused(&mut o, |o| {
            o.forward(day(2026, 3, 1), "Wang", Section::SocialAffairs)
        });
        assert_eq!(
            err,
            ObjectionError::DateBeforePrevious {
                step: Step::Forward,
                on: day(2026, 3, 1),
                previous: Step::Receive,
                previous_on: day(2026, 3, 2)
            }
        );
        o.forward(day(2026, 3, 4), "Wang", Section::SocialAffairs)
            .unwrap();
        let err = refused(&mut o, |o| o.withdraw(day(2026, 3, 3), "applicant"));
        assert_eq!(
            err.to_string(),
            "cannot withdraw the objection on 2026-03-03, before the previous step \
             (forward to the originating section) on 2026-03-04"
        );
    }

    #[test]
    fn nothing_follows_closing_or_withdrawal() {
        let mut o = received();
        o.withdraw(day(2026, 3, 2), "applicant").unwrap();
        assert_eq!(o.stage(), Stage::Withdrawn);
        let err = refused(&mut o, |o| {
            o.forward(day(2026, 3, 3), "Wang", Section::SocialAffairs)
        });
        assert_eq!(
            err.to_string(),
            "cannot forward to the originating section: the objection was withdrawn on 2026-03-02"
        );
        refused(&mut o, |o| o.withdraw(day(2026, 3, 3), "applicant"));

        let mut o = received();
        o.forward(day(2026, 3, 2), "Wang", Section::SocialAffairs)
            .unwrap();
        o.receive_opinion(day(2026, 3, 2), "Li", Finding::NotConfirmed, "")
            .unwrap();
        o.notify(day(2026, 3, 2), "Wang", kept()).unwrap();
        assert_eq!(
            refused(&mut o, |o| o.withdraw(day(2026, 3, 3), "applicant")),
            ObjectionError::TooLateToWithdraw {
                notified_on: day(2026, 3, 2)
            }
        );
        o.reply(day(2026, 3, 3), "Wang", "").unwrap();
        o.close(day(2026, 3, 3), "Wang").unwrap();
        assert!(matches!(
            refused(&mut o, |o| o.notify(day(2026, 3, 4), "Wang", kept())),
            ObjectionError::Finished {
                stage: Stage::Closed,
                ..
            }
        ));
    }

    #[test]
    fn the_office_may_verify_its_own_item() {
        // plan §3(1), §4(1), §4(2), §5(1), §5(3), §6(2) make the Office a
        // responsible section: it forwards to itself and has the same 5 days.
        let mut o = received();
        o.forward(day(2026, 3, 3), "Wang", Section::Office).unwrap();
        assert_eq!(o.responsible(Step::Verify), Section::Office);
        let d = o.deadlines(&Weekdays).unwrap();
        assert_eq!(d.verify_by, Some(day(2026, 3, 10)));
        let s = o.status_on(&Weekdays, day(2026, 3, 11)).unwrap();
        assert_eq!(s.overdue[0].deadline.step, Step::Verify);
        assert_eq!(s.overdue[0].section, Section::Office);
    }

    #[test]
    fn the_section_answers_for_its_opinion_and_the_office_for_the_rest() {
        let mut o = received();
        assert_eq!(o.responsible(Step::Verify), Section::Office);
        o.forward(day(2026, 3, 10), "Wang", Section::ElderlyCare)
            .unwrap();
        for step in Step::TIMED {
            let expected = if step == Step::Verify {
                Section::ElderlyCare
            } else {
                Section::Office
            };
            assert_eq!(o.responsible(step), expected, "{step}");
        }
    }

    #[test]
    fn an_opinion_is_received_on_or_after_its_submission() {
        let mut o = received();
        o.forward(day(2026, 3, 3), "Wang", Section::SocialAffairs)
            .unwrap();
        assert_eq!(
            refused(&mut o, |o| o.receive_opinion_submitted(
                day(2026, 3, 5),
                day(2026, 3, 4),
                "Li",
                Finding::NotConfirmed,
                ""
            ))
            .to_string(),
            "the opinion cannot be received on 2026-03-04, before it was submitted on 2026-03-05"
        );
        assert!(matches!(
            refused(&mut o, |o| o.receive_opinion_submitted(
                day(2026, 3, 2),
                day(2026, 3, 4),
                "Li",
                Finding::NotConfirmed,
                ""
            )),
            ObjectionError::DateBeforePrevious {
                step: Step::Verify,
                ..
            }
        ));
        // Submitted Monday 9 March (due 10 March), received Thursday 12 March:
        // the section was on time; the notification counts from the 12th.
        o.receive_opinion_submitted(
            day(2026, 3, 9),
            day(2026, 3, 12),
            "Li",
            Finding::NotConfirmed,
            "",
        )
        .unwrap();
        assert_eq!(o.done_on(Step::Verify), Some(day(2026, 3, 9)));
        assert_eq!(o.opinion_received_on(), Some(day(2026, 3, 12)));
        assert_eq!(o.stage_on(day(2026, 3, 10)), Some(Stage::Forwarded));
        let d = o.deadlines(&Weekdays).unwrap();
        assert_eq!(d.notify_clock, Some(day(2026, 3, 16)));
        let s = o.status_on(&Weekdays, day(2026, 3, 16)).unwrap();
        assert!(s.overdue.is_empty(), "{:?}", s.overdue);
        // The notification may not come before the Office has the opinion.
        assert!(matches!(
            refused(&mut o, |o| o.notify(day(2026, 3, 11), "Wang", kept())),
            ObjectionError::DateBeforePrevious {
                previous: Step::Verify,
                ..
            }
        ));
    }

    #[test]
    fn the_decision_follows_the_finding() {
        let mut o = received();
        o.forward(day(2026, 3, 3), "Wang", Section::SocialAffairs)
            .unwrap();
        o.receive_opinion(day(2026, 3, 4), "Li", Finding::NotConfirmed, "")
            .unwrap();
        let err = refused(&mut o, |o| {
            o.notify(
                day(2026, 3, 4),
                "Wang",
                Outcome::Revoked {
                    reasons: String::new(),
                },
            )
        });
        assert_eq!(
            err.to_string(),
            "decision `revoked` contradicts the section's finding `no error found`"
        );
    }

    #[test]
    fn deadlines_count_working_days_after_receipt() {
        // Monday 2 March 2026 + 5 = Monday 9 March; + 12 = Wednesday 18 March.
        let d = received().deadlines(&Weekdays).unwrap();
        assert_eq!(d.forward_by, Some(day(2026, 3, 9)));
        assert_eq!(d.reply_by, Some(day(2026, 3, 18)));
        assert_eq!((d.verify_by, d.notify_by), (None, None));
        assert_eq!(d.forward().map(|f| f.basis), Some(FORWARD_BASIS));
        assert_eq!(d.of(Step::Reply), d.reply());
        assert_eq!(
            d.of(Step::Notify),
            Some(Deadline {
                step: Step::Notify,
                due: day(2026, 3, 18),
                basis: REPLY_BASIS
            })
        );
    }

    #[test]
    fn the_reply_limit_binds_a_late_opinion() {
        let mut o = received();
        // Forwarded on the last day, 9 March; verify_by 16 March; opinion in
        // on 17 March (1 day late); its own clock says 19 March, the reply
        // limit 18 March.
        o.forward(day(2026, 3, 9), "Wang", Section::SocialAffairs)
            .unwrap();
        o.receive_opinion(day(2026, 3, 17), "Li", Finding::NotConfirmed, "")
            .unwrap();
        let d = o.deadlines(&Weekdays).unwrap();
        assert_eq!(d.verify_by, Some(day(2026, 3, 16)));
        assert_eq!(d.notify_clock, Some(day(2026, 3, 19)));
        assert_eq!(d.notify_by, Some(day(2026, 3, 18)));
        assert_eq!(d.notify().unwrap().basis, REPLY_BASIS);

        let s = o.status_on(&Weekdays, day(2026, 3, 20)).unwrap();
        assert_eq!(s.stage, Stage::OpinionReceived);
        assert_eq!(s.reply_working_days_left, Some(-2));
        let late: Vec<_> = s
            .overdue
            .iter()
            .map(|o| (o.deadline.step, o.done_on, o.working_days))
            .collect();
        assert_eq!(
            late,
            [
                (Step::Verify, Some(day(2026, 3, 17)), 1),
                (Step::Notify, None, 2),
                (Step::Reply, None, 2)
            ]
        );
        assert!(s.is_overdue());
    }

    #[test]
    fn status_ignores_steps_after_the_day_asked() {
        let mut o = received();
        o.forward(day(2026, 3, 10), "Wang", Section::SocialAffairs)
            .unwrap();
        let s = o.status_on(&Weekdays, day(2026, 3, 9)).unwrap();
        assert_eq!(s.stage, Stage::Received);
        assert_eq!(s.next.as_ref().map(|d| d.step), Some(Step::Forward));
        assert!(s.overdue.is_empty());
        assert_eq!(s.reply_working_days_left, Some(7));
        let s = o.status_on(&Weekdays, day(2026, 3, 10)).unwrap();
        assert_eq!(s.overdue.len(), 1);
        assert_eq!(s.overdue[0].done_on, Some(day(2026, 3, 10)));
        assert_eq!(s.overdue[0].working_days, 1);
        assert!(!s.is_overdue());
        assert_eq!(
            o.status_on(&Weekdays, day(2026, 3, 1)),
            Err(ObjectionError::BeforeReceipt {
                on: day(2026, 3, 1),
                received_on: day(2026, 3, 2)
            })
        );
    }

    #[test]
    fn an_overdue_step_on_a_rest_day_is_late_by_zero_working_days() {
        // Received Friday 6 March 2026: forward_by is Friday 13 March, and
        // Saturday 14 March is the first day past it.
        let o = Objection::receive(
            ObjectionId(2),
            RecordId(9),
            subject(),
            Receipt::Written {
                on: day(2026, 3, 6),
            },
            "Wang",
            "",
        );
        let s = o.status_on(&Weekdays, day(2026, 3, 14)).unwrap();
        assert_eq!(s.overdue.len(), 1);
        assert_eq!(s.overdue[0].working_days, 0);
        let s = o.status_on(&Weekdays, day(2026, 3, 16)).unwrap();
        assert_eq!(s.overdue[0].working_days, 1);
    }

    #[test]
    fn withdrawal_stops_the_clocks() {
        let mut o = received();
        o.withdraw(day(2026, 3, 11), "applicant").unwrap();
        let s = o.status_on(&Weekdays, day(2026, 4, 30)).unwrap();
        assert_eq!(s.stage, Stage::Withdrawn);
        assert!(s.next.is_none() && s.pending.is_empty());
        assert_eq!(s.reply_working_days_left, None);
        // Forwarding was due 9 March; the applicant withdrew 2 working days later.
        assert_eq!(s.overdue.len(), 1);
        assert_eq!(s.overdue[0].working_days, 2);
    }

    fn record() -> MisconductRecord {
        MisconductRecord {
            id: RecordId(9),
            subject: subject(),
            conduct: ConductKind::new("annual_report_late"),
            severity: Severity::General,
            graded_by: Citation::new("grading.annual_report_late", "MCA Order No. 60 (2018)"),
            section: Section::SocialOrganizations,
            occurred_on: day(2026, 1, 1),
            ended_on: None,
            recorded_on: day(2026, 2, 1),
            decision: None,
            content: Some(content("report filed late")),
            corrected: None,
            corrected_severity: None,
            history: Vec::new(),
        }
    }

    fn content(description: &str) -> RecordContent {
        RecordContent {
            description: description.into(),
            legal_basis: "MCA Order No. 60 (2018)".into(),
            evidence: vec!["XZ-2026-001".into()],
            fine: None,
        }
    }

    fn decided(outcome: Outcome) -> Objection {
        let mut o = received();
        o.forward(day(2026, 3, 3), "Wang", Section::SocialOrganizations)
            .unwrap();
        o.receive_opinion(day(2026, 3, 4), "Li", outcome.finding(), "")
            .unwrap();
        o.notify(day(2026, 3, 5), "Zhao Min", outcome).unwrap();
        o
    }

    #[test]
    fn a_correction_keeps_the_original_beside_it() {
        let o = decided(Outcome::Corrected {
            corrected: content("report filed 3 days late"),
            severity: None,
            reasons: "the date was wrong".into(),
        });
        let change = o.record_change().unwrap();
        assert_eq!(change.change.status, RecordStatus::Corrected);
        assert_eq!(change.change.on, day(2026, 3, 5));
        assert_eq!(change.change.by, "Zhao Min");
        assert_eq!(change.change.basis, CORRECT_BASIS);
        let mut r = record();
        change.apply_to(&mut r).unwrap();
        assert_eq!(r.status(), RecordStatus::Corrected);
        assert_eq!(r.content, record().content);
        assert_eq!(
            r.effective_content().unwrap().description,
            "report filed 3 days late"
        );
        // A second correction would lose the first: refused, record unchanged.
        let before = r.clone();
        assert!(matches!(
            change.apply_to(&mut r),
            Err(ObjectionError::RecordUnchangeable { .. })
        ));
        assert_eq!(r, before);
    }

    #[test]
    fn a_revocation_appends_to_the_history() {
        let o = decided(Outcome::Revoked {
            reasons: "filed on time".into(),
        });
        let change = o.record_change().unwrap();
        let mut r = record();
        change.apply_to(&mut r).unwrap();
        assert_eq!(r.status(), RecordStatus::Revoked);
        assert_eq!(r.history.len(), 1);
        assert_eq!(r.content, record().content);
        assert_eq!(r.status_on(day(2026, 3, 4)), Some(RecordStatus::Active));
        let before = r.clone();
        assert_eq!(
            change.apply_to(&mut r).unwrap_err().to_string(),
            "record `R9` is revoked and cannot be changed this way"
        );
        assert_eq!(r, before);
    }

    #[test]
    fn a_change_for_another_record_is_refused() {
        let change = decided(Outcome::Revoked {
            reasons: String::new(),
        })
        .record_change()
        .unwrap();
        let mut other = record();
        other.id = RecordId(10);
        let before = other.clone();
        let err = change.apply_to(&mut other).unwrap_err();
        assert_eq!(err.to_string(), "the change is for record `R9`, not `R10`");
        assert_eq!(other, before);

        let mut late = record();
        late.recorded_on = day(2026, 3, 6);
        assert!(matches!(
            change.apply_to(&mut late),
            Err(ObjectionError::ChangeBeforeRecordHistory { .. })
        ));
    }

    #[test]
    fn loading_replays_the_checks() {
        let o = decided(kept());
        let json = serde_json::to_value(&o).unwrap();
        let back: Objection = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, o);

        let mut no_opinion = json.clone();
        no_opinion.as_object_mut().unwrap().remove("opinion");
        let err = serde_json::from_value::<Objection>(no_opinion).unwrap_err();
        assert!(err.to_string().contains(
            "cannot notify the applicant yet: first submit the section's written opinion"
        ));

        let mut backwards = json;
        backwards["notified"]["on"] = serde_json::json!("2026-03-01");
        assert!(serde_json::from_value::<Objection>(backwards).is_err());
    }

    #[test]
    fn the_plan_suspends_nothing() {
        let o = received();
        let plan = ObjectionPolicy::default();
        let strict = ObjectionPolicy::suspending(Citation::new("objection.suspend", "some rule"));
        for offset in 0..20 {
            let on = day(2026, 2, 28) + chrono::TimeDelta::days(offset);
            assert!(!plan.suspends_sanctions(&o, RecordId(9), on).suspended);
            assert_eq!(
                strict.suspends_sanctions(&o, RecordId(9), on).suspended,
                on >= day(2026, 3, 2)
            );
            assert!(!strict.suspends_sanctions(&o, RecordId(10), on).suspended);
        }
        let done = decided(kept());
        assert!(
            strict
                .suspends_sanctions(&done, RecordId(9), day(2026, 3, 4))
                .suspended
        );
        assert!(
            !strict
                .suspends_sanctions(&done, RecordId(9), day(2026, 3, 5))
                .suspended
        );
    }
}

//! What an objection is about and who makes it: the credit item, the
//! applicant and their capacity, the recipient of each act, the receipt.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::china_date;
use crate::commitment::CommitmentId;
use crate::lists::ListEntryId;
use crate::misconduct::RecordId;

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

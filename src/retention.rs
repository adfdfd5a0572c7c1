//! Personal record retention (plan §6(7)): a dishonesty record about a natural
//! person is kept five years from the day the conduct ended, then erased.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::citation::Citation;

/// How long personal dishonesty records are kept after the conduct ended.
///
/// The [`Default`] is the plan's rule: "涉及个人的信用记录在失信行为终止之日起失信记录只保留5年,
/// 5年后予以消除" (plan §6(7)).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use social_credit::retention::RetentionPolicy;
///
/// let policy = RetentionPolicy::default();
/// let ended = NaiveDate::from_ymd_opt(2020, 2, 29).unwrap();
/// assert_eq!(policy.last_retained_day(ended), NaiveDate::from_ymd_opt(2025, 2, 28).unwrap());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    /// The retention period in whole years.
    pub years: u32,
    /// The rule behind it.
    pub basis: Citation,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        Self {
            years: 5,
            basis: Citation::new("retention.personal_five_years", "plan §6(7)"),
        }
    }
}

impl RetentionPolicy {
    /// The last day a record whose conduct ended on `ended_on` is kept; it is
    /// erased from the next day on.
    ///
    /// Counting follows the Civil Code: the day the conduct ended is not
    /// counted (art. 201), and a period in years ends on the corresponding
    /// day of the final year, or on that month's last day where there is no
    /// corresponding day (art. 202). So the answer is `ended_on` plus
    /// `years` calendar years, with 29 February mapped to 28 February in a
    /// common year. Saturates at [`NaiveDate::MAX`].
    pub fn last_retained_day(&self, ended_on: NaiveDate) -> NaiveDate {
        self.years
            .checked_mul(12)
            .and_then(|m| ended_on.checked_add_months(Months::new(m)))
            .unwrap_or(NaiveDate::MAX)
    }
}

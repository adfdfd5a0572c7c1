//! The rule and source clause behind a decision.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Names the rule that produced a decision and the clause it comes from, so
/// an official can explain it: `plan §6(3)` is section 六, item (三) of the
/// Xinzheng 2019 plan; national rules are cited by document number.
///
/// # Example
///
/// ```
/// use social_credit::Citation;
///
/// let c = Citation::new("objection.reply_by", "plan §6(3)");
/// assert_eq!(c.to_string(), "objection.reply_by (plan §6(3))");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Citation {
    /// A stable identifier of the rule, e.g. `objection.reply_by`.
    pub rule: Cow<'static, str>,
    /// The source clause, e.g. `plan §6(3)` or `MCA Order No. 60 (2018) art. 17`.
    pub source: Cow<'static, str>,
}

impl Citation {
    /// A citation of a built-in rule.
    pub const fn new(rule: &'static str, source: &'static str) -> Self {
        Self {
            rule: Cow::Borrowed(rule),
            source: Cow::Borrowed(source),
        }
    }

    /// A citation of a rule loaded from data.
    pub fn owned(rule: impl Into<String>, source: impl Into<String>) -> Self {
        Self {
            rule: Cow::Owned(rule.into()),
            source: Cow::Owned(source.into()),
        }
    }
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.rule, self.source)
    }
}

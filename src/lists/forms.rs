//! Text forms of the lists' names and ids: `FromStr` round-trips `Display`
//! (issue 21 point 6).

use super::{Domain, ListEntryId, ListKind};

impl std::str::FromStr for ListEntryId {
    type Err = crate::text::ParseNameError;

    /// Parses `L3` (the `Display` form) or `3`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::text::parse_id(s, 'L', "list entry id").map(Self)
    }
}

impl ListKind {
    /// The identifier: `red_list`, `activity_abnormal`, or `black_list:`
    /// followed by the domain (`black_list:court_enforcement`). It parses
    /// back with `FromStr`, as does the `Display` form.
    pub fn identifier(&self) -> String {
        match self {
            Self::RedList => "red_list".to_owned(),
            Self::BlackList { domain } => format!("black_list:{domain}"),
            Self::ActivityAbnormal => "activity_abnormal".to_owned(),
        }
    }
}

impl std::str::FromStr for ListKind {
    type Err = crate::text::ParseNameError;

    /// Parses the identifier (`red_list`, `activity_abnormal`,
    /// `black_list:<domain>`), the English or Chinese name of the red list
    /// and the activity-abnormal list, or the `Display` form
    /// (``blacklist 黑榜 of `<domain>` ``). Surrounding whitespace is
    /// ignored; a blacklist's domain is not empty.
    ///
    /// # Example
    ///
    /// ```
    /// use social_credit::lists::{Domain, ListKind};
    ///
    /// let list: ListKind = "black_list:court_enforcement".parse()?;
    /// assert_eq!(list, ListKind::BlackList { domain: Domain::new("court_enforcement") });
    /// assert_eq!(list.to_string().parse::<ListKind>()?, list);
    /// assert_eq!("红榜".parse::<ListKind>()?, ListKind::RedList);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let domain = text
            .strip_prefix("black_list:")
            .or_else(|| {
                text.strip_prefix("blacklist 黑榜 of `")
                    .and_then(|d| d.strip_suffix('`'))
            })
            .filter(|d| !d.is_empty());
        if let Some(domain) = domain {
            return Ok(Self::BlackList {
                domain: Domain::new(domain),
            });
        }
        let red = ["red_list", "red list", "红榜", "红名单", "red list 红榜"];
        let abnormal = [
            "activity_abnormal",
            "activity-abnormal list",
            "活动异常名录",
            "activity-abnormal list 活动异常名录",
        ];
        if red.iter().any(|r| text.eq_ignore_ascii_case(r)) {
            Ok(Self::RedList)
        } else if abnormal.iter().any(|a| text.eq_ignore_ascii_case(a)) {
            Ok(Self::ActivityAbnormal)
        } else {
            Err(crate::text::ParseNameError::new(
                "list",
                s,
                vec!["red_list", "activity_abnormal", "black_list:<domain>"],
            ))
        }
    }
}

//! Published lists: the red list of honesty exemplars (红榜), the blacklists
//! of each domain (黑榜, 领域), and the civil-affairs lists of MCA Order No. 60
//! (2018) with their lifecycle: entry, relisting and exit (plan §6(5);
//! DESIGN.md, "Where is list standing decided?").
//!
//! A [`ListEntry`] is one listing episode of one subject on one list: the
//! listing events (the first lists the subject; each later one, while
//! listed, restarts the listing period), the state of the obligations to
//! fulfil, a deregistration, and a recorded removal decision. The
//! [`ListLifecycle`] of a policy decides, on any day, whether the subject is
//! still listed and when it may leave.
//!
//! # Counting
//!
//! Periods follow the Civil Code (arts. 201–202): a period of N months or
//! years from listing day `S` has run at the end of `S + N`, so the subject
//! leaves, or may apply to leave, on `S + N + 1 day`. "5 working days after
//! the obligation is verified as fulfilled" is the 5th working day after the
//! day of verification, which is not counted; the subject is off the list
//! from that day.

use std::fmt;

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::years::full_years_run;
use crate::calendar::{CalendarError, WorkCalendar};
use crate::citation::Citation;
use crate::misconduct::{RecordId, Severity};
use crate::subject::SubjectId;

// Text forms: `FromStr` for the list ids and kinds (issue 21 point 6).
mod forms;

/// A domain (领域) a blacklist belongs to, e.g. `social_organizations` or
/// `court_enforcement`. Sanctions are intensified for an organization on
/// blacklists of two or more domains (plan §6(6)).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Domain(pub String);

impl Domain {
    /// A domain from its identifier.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The identifier.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The identifier a store gives a list entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ListEntryId(pub u64);

impl fmt::Display for ListEntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "L{}", self.0)
    }
}

/// Which list an entry is on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ListKind {
    /// 红榜 / 红名单: honesty exemplars (plan §4(2)).
    RedList,
    /// 黑榜 / 黑名单 of a domain: serious dishonesty, e.g. the civil-affairs
    /// serious illegal-and-dishonest list (严重违法失信名单) or a court's list of
    /// dishonest judgment debtors (失信被执行人名单).
    BlackList {
        /// The domain.
        domain: Domain,
    },
    /// 活动异常名录: the civil-affairs activity-abnormal list (MCA Order
    /// No. 60 (2018) art. 10, unconfirmed), a watch list rather than a
    /// blacklist, for social organizations only.
    ActivityAbnormal,
}

impl ListKind {
    /// The severity a listing on this kind of list means: `General` for the
    /// activity-abnormal list, `Severe` for a blacklist, none for the red list.
    pub fn implied_severity(&self) -> Option<Severity> {
        match self {
            Self::RedList => None,
            Self::BlackList { .. } => Some(Severity::Severe),
            Self::ActivityAbnormal => Some(Severity::General),
        }
    }

    /// The blacklist's domain.
    pub fn domain(&self) -> Option<&Domain> {
        match self {
            Self::BlackList { domain } => Some(domain),
            _ => None,
        }
    }
}

impl fmt::Display for ListKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RedList => f.write_str("red list 红榜"),
            Self::BlackList { domain } => write!(f, "blacklist 黑榜 of `{domain}`"),
            Self::ActivityAbnormal => f.write_str("activity-abnormal list 活动异常名录"),
        }
    }
}

/// One listing event: the day and the rule that listed (or relisted) the
/// subject, and the records behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingEvent {
    /// The day of the event.
    pub on: NaiveDate,
    /// The grading rule that led to it (its id in the policy), where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The records behind it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<RecordId>,
}

/// The obligations a listed subject must fulfil before it may leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Obligations {
    /// Nothing needs rectifying or fulfilling.
    #[default]
    None,
    /// Something needs rectifying and has not been verified as done.
    Pending,
    /// Fulfilled, verified by the registration authority on `verified_on`.
    Fulfilled {
        /// The day of verification (查实之日).
        verified_on: NaiveDate,
    },
}

/// One listing episode of one subject on one list.
///
/// A removal decision ends the episode; a listing event after the removal
/// (or after an automatic exit) lists the subject again from that event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListEntry {
    /// Who is listed.
    pub subject: SubjectId,
    /// The list.
    pub list: ListKind,
    /// The listing events, in any order; the earliest lists the subject.
    pub events: Vec<ListingEvent>,
    /// The obligations to fulfil.
    #[serde(default)]
    pub obligations: Obligations,
    /// The day the organization was deregistered (注销), where it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deregistered_on: Option<NaiveDate>,
    /// A recorded removal decision: the first day off the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_on: Option<NaiveDate>,
    /// The day the organization applied to leave the activity-abnormal
    /// list (申请移出, MCA Order No. 60 (2018) art. 13, unconfirmed); the
    /// registration authority then verifies (查实, recorded as
    /// [`Obligations::Fulfilled`]) and removes it within the working days
    /// of [`ListLifecycle::abnormal_exit_working_days`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied_on: Option<NaiveDate>,
    /// The listing events as they were before an objection found them
    /// wrong and corrected them (plan §6(3)), kept beside the corrected
    /// `events`; empty when never corrected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrected_from: Vec<ListingEvent>,
}

impl ListEntry {
    /// An entry of `subject` on `list` with one listing event on `on`.
    pub fn new(subject: SubjectId, list: ListKind, on: NaiveDate) -> Self {
        Self {
            subject,
            list,
            events: vec![ListingEvent {
                on,
                rule: None,
                records: Vec::new(),
            }],
            obligations: Obligations::None,
            deregistered_on: None,
            removed_on: None,
            applied_on: None,
            corrected_from: Vec::new(),
        }
    }

    /// The first listing event on or before `day`.
    pub fn listed_on(&self, day: NaiveDate) -> Option<NaiveDate> {
        self.events.iter().map(|e| e.on).filter(|&e| e <= day).min()
    }

    /// The latest listing event on or before `day`: the listing period
    /// counts from it (a new listing event restarts it).
    pub fn clock_start(&self, day: NaiveDate) -> Option<NaiveDate> {
        self.events.iter().map(|e| e.on).filter(|&e| e <= day).max()
    }

    /// Whether an event on or before `day` came from one of `rules`.
    fn listed_by_any(&self, rules: &[String], day: NaiveDate) -> bool {
        self.events
            .iter()
            .any(|e| e.on <= day && e.rule.as_ref().is_some_and(|r| rules.contains(r)))
    }

    /// The latest listing event on or before `day`, if any, of any of
    /// `entries` on `list`.
    fn latest_event_on(
        entries: &[&ListEntry],
        list: &ListKind,
        day: NaiveDate,
    ) -> Option<NaiveDate> {
        entries
            .iter()
            .filter(|e| &e.list == list)
            .filter_map(|e| e.clock_start(day))
            .max()
    }

    /// The records behind the events on or before `day`.
    pub fn records(&self, day: NaiveDate) -> impl Iterator<Item = RecordId> + '_ {
        self.events
            .iter()
            .filter(move |e| e.on <= day)
            .flat_map(|e| e.records.iter().copied())
    }
}

/// Where an entry stands on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "standing", rename_all = "snake_case")]
pub enum Standing {
    /// Not (yet) listed.
    NotListed,
    /// Listed since `since`, the period counting from `clock_from`.
    Listed {
        /// The first listing event.
        since: NaiveDate,
        /// The latest listing event.
        clock_from: NaiveDate,
    },
    /// Off the list from `on`.
    Exited {
        /// The first day off the list.
        on: NaiveDate,
        /// The rule.
        basis: Citation,
    },
}

/// A condition for leaving a list that is not met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "condition", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExitCondition {
    /// The subject is not on the list on that day.
    NotListed,
    /// The minimum period since the latest listing event has not run.
    PeriodNotRun {
        /// The latest listing event.
        from: NaiveDate,
        /// The first day the period has run.
        until: NaiveDate,
    },
    /// The obligation was verified as fulfilled, and the working days
    /// after the verification have not run.
    WorkingDaysNotRun {
        /// The day of verification.
        verified_on: NaiveDate,
        /// The first day off the list.
        until: NaiveDate,
    },
    /// The obligations are not (verified as) fulfilled.
    ObligationsNotFulfilled,
    /// The organization, listed for revocation of its registration, is not
    /// yet deregistered.
    NotDeregistered,
    /// The list is run by another authority; its exit is that authority's
    /// decision, which this crate records as `removed_on`.
    NotGoverned,
}

/// Whether, and when, a subject may leave a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitEligibility {
    /// The list.
    pub list: ListKind,
    /// Whether every condition is met on the day asked about.
    pub eligible: bool,
    /// Whether the exit happens without an application (the authority
    /// removes the subject), rather than on application.
    pub automatic: bool,
    /// When eligible: the first day off the list (automatic) or the first
    /// day an application may succeed. When only time is missing: the
    /// earliest such day. `None` otherwise.
    pub exit_on: Option<NaiveDate>,
    /// Every condition not met.
    pub unmet: Vec<ExitCondition>,
    /// The rule.
    pub basis: Citation,
}

/// The source an automatic exit cites: the plan's exit mechanism and the
/// Order 60 removals it follows (article numbers unconfirmed; DESIGN.md,
/// "How is the activity-abnormal list left?").
const AUTOMATIC_EXIT_SOURCE: &str = "plan §6(5); MCA Order No. 60 (2018), unconfirmed";

/// The list lifecycle of a policy (plan §6(5) "建立健全信用修复和退出机制"; MCA Order No. 60
/// (2018) arts. 12, 13, 15, 16, unconfirmed), as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListLifecycle {
    /// The activity-abnormal list.
    pub abnormal_list: ListKind,
    /// The serious illegal-and-dishonest list.
    pub serious_list: ListKind,
    /// Months after the latest listing event after which the subject leaves
    /// the abnormal list when nothing needs rectifying (6).
    pub abnormal_exit_months: u32,
    /// Working days after the verification of fulfilment after which the
    /// subject leaves the abnormal list (5).
    pub abnormal_exit_working_days: u32,
    /// Full years after the latest listing event after which the subject
    /// may apply to leave the serious list (2).
    pub serious_exit_full_years: u32,
    /// Grading rules whose listings on the serious list also need the
    /// obligations fulfilled before exit (the two-years-on-the-abnormal-list
    /// rule).
    pub obligations_before_serious_exit: Vec<String>,
    /// Grading rules whose listings on the serious list end with the
    /// organization's deregistration (registration revoked).
    pub exit_on_deregistration: Vec<String>,
    /// The clause for leaving the abnormal list.
    pub abnormal_exit_source: String,
    /// The clause for leaving the serious list.
    pub serious_exit_source: String,
    /// Grading rules whose listings on the abnormal list leave something to
    /// fulfil (an annual report to file, a party organization to set up, a
    /// rectification to complete, an address to make reachable): such an
    /// entry is not left after six months but on application, once the
    /// fulfilment is verified. Listings by other rules (a warning or a small
    /// fine) have nothing to rectify.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules_with_obligations: Vec<String>,
    /// The clause by which a new listing event on the abnormal list
    /// restarts its listing period (列入时限重新计算), where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abnormal_relisting_source: Option<String>,
    /// The clause by which a new listing event on the serious list restarts
    /// its listing period, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serious_relisting_source: Option<String>,
    /// The clause, where the policy has one, by which an organization is
    /// not put on the abnormal list when its supervising unit (业务主管单位)
    /// or another department certifies in writing that it was not directly
    /// responsible. `None` (the built-in preset): no exemption, see
    /// DESIGN.md "Why is the supervising unit's certificate not built in?".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abnormal_exemption_source: Option<String>,
}

/// A removal from the activity-abnormal list that is due and not recorded:
/// the registration authority verified the organization's fulfilment and
/// must remove it within the working days the policy gives (MCA Order
/// No. 60 (2018) art. 13, unconfirmed), and no removal decision was
/// recorded by then. The crate counts the organization off the list from
/// `due` on, whether or not the decision is recorded; the sweep reports it
/// so that the decision is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueRemoval {
    /// Who.
    pub subject: SubjectId,
    /// The application to leave, if recorded.
    pub applied_on: Option<NaiveDate>,
    /// The day of verification (查实).
    pub verified_on: NaiveDate,
    /// The latest day of the removal.
    pub due: NaiveDate,
    /// Working days past `due`, counting the day asked about when it is a
    /// working day (0 on a rest day right after `due`).
    pub working_days_late: u32,
    /// The rule.
    pub basis: Citation,
}

impl ListLifecycle {
    fn abnormal_basis(&self, rule: &'static str) -> Citation {
        Citation::owned(rule, self.abnormal_exit_source.clone())
    }

    fn serious_basis(&self, rule: &'static str) -> Citation {
        Citation::owned(rule, self.serious_exit_source.clone())
    }

    /// Whether, and when, the subject of `entry` may leave its list, asked
    /// on `day`. Lists this lifecycle does not run (the red list, other
    /// domains' blacklists) answer [`ExitCondition::NotGoverned`]; an entry
    /// with a removal decision in force answers eligible, exited on that day.
    ///
    /// - Abnormal list, nothing to rectify: leaves automatically
    ///   `abnormal_exit_months` after the latest listing event.
    /// - Abnormal list, obligations: leaves automatically on the
    ///   `abnormal_exit_working_days`th working day after the fulfilment was
    ///   verified (a verification before the latest listing event does not
    ///   count: the new event brought new obligations).
    /// - Serious list, listed for revocation of registration: leaves once
    ///   deregistered.
    /// - Serious list otherwise: may apply after `serious_exit_full_years`
    ///   full years with no new listing event, and, where a listing came
    ///   from the two-years-on-the-abnormal-list rule, once the obligations
    ///   are fulfilled.
    ///
    /// # Errors
    ///
    /// [`CalendarError`] when the working-day count leaves the calendar's coverage.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use social_credit::grading::GradingPolicy;
    /// use social_credit::lists::{ListEntry, ListKind};
    /// use social_credit::calendar::WeekendCalendar;
    ///
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// let lifecycle = GradingPolicy::civil_affairs_mca_2018().lifecycle().unwrap();
    /// let org = "91350100M000100Y43".parse::<social_credit::Uscc>()?.into();
    /// let entry = ListEntry::new(org, ListKind::ActivityAbnormal, d(2019, 3, 1));
    /// let answer = lifecycle.exit_eligibility(&entry, d(2019, 5, 1), &WeekendCalendar)?;
    /// assert!(!answer.eligible);
    /// assert_eq!(answer.exit_on, Some(d(2019, 9, 2))); // 6 months have run at the end of 1 September
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn exit_eligibility(
        &self,
        entry: &ListEntry,
        day: NaiveDate,
        calendar: &(impl WorkCalendar + ?Sized),
    ) -> Result<ExitEligibility, CalendarError> {
        self.exit_eligibility_among(entry, &[], day, calendar)
    }

    /// As [`ListLifecycle::exit_eligibility`], with the subject's other list
    /// entries: a listing event on the abnormal list or the serious list
    /// during the stay on the serious list restarts its two years (the
    /// organization may leave only after two full years "without any event
    /// that would list it on either list", MCA Order No. 60 (2018) art. 16,
    /// unconfirmed). Entries of other subjects are ignored.
    ///
    /// # Errors
    ///
    /// [`CalendarError`] when the working-day count leaves the calendar's coverage.
    pub fn exit_eligibility_among(
        &self,
        entry: &ListEntry,
        others: &[ListEntry],
        day: NaiveDate,
        calendar: &(impl WorkCalendar + ?Sized),
    ) -> Result<ExitEligibility, CalendarError> {
        let siblings: Vec<&ListEntry> = others
            .iter()
            .filter(|o| o.subject == entry.subject)
            .collect();
        let blocking = self.blocking_event(&siblings, day);
        if let (Standing::Exited { on, basis }, _) =
            self.standing_and_plan(entry, blocking, day, calendar)?
        {
            let basis = match standing_without_lifecycle(entry, day) {
                Standing::Exited { .. } if entry.removed_on == Some(on) => basis,
                _ => self.basis(self.plan(entry, blocking, day, calendar)?.path),
            };
            // Off the list: by a recorded removal decision, or automatically.
            return Ok(ExitEligibility {
                list: entry.list.clone(),
                eligible: true,
                automatic: entry.removed_on != Some(on),
                exit_on: Some(on),
                unmet: Vec::new(),
                basis,
            });
        }
        let plan = self.plan(entry, blocking, day, calendar)?;
        let mut unmet = Vec::new();
        match plan.path {
            ExitPath::NotListed => unmet.push(ExitCondition::NotListed),
            ExitPath::NotGoverned => unmet.push(ExitCondition::NotGoverned),
            _ => {}
        }
        if let (Some(until), Some(clock)) = (plan.until, plan.clock) {
            if day < until {
                unmet.push(match plan.verified_on {
                    Some(verified_on) => ExitCondition::WorkingDaysNotRun { verified_on, until },
                    None => ExitCondition::PeriodNotRun { from: clock, until },
                });
            }
        }
        if plan.obligations_unmet {
            unmet.push(ExitCondition::ObligationsNotFulfilled);
        }
        if plan.not_deregistered {
            unmet.push(ExitCondition::NotDeregistered);
        }
        let only_time = !plan.obligations_unmet
            && !plan.not_deregistered
            && !matches!(plan.path, ExitPath::NotListed | ExitPath::NotGoverned);
        Ok(ExitEligibility {
            list: entry.list.clone(),
            eligible: unmet.is_empty(),
            automatic: plan.automatic(),
            exit_on: plan.until.filter(|_| only_time),
            unmet,
            basis: self.basis(plan.path),
        })
    }

    fn basis(&self, path: ExitPath) -> Citation {
        match path {
            ExitPath::NotListed => Citation::new("lists.not_listed", "plan §6(5)"),
            ExitPath::NotGoverned => Citation::new("lists.exit_by_listing_authority", "plan §6(5)"),
            ExitPath::AbnormalAfterMonths => {
                self.abnormal_basis("lists.abnormal_exit_after_six_months")
            }
            ExitPath::AbnormalAfterFulfilment => {
                self.abnormal_basis("lists.abnormal_exit_after_fulfilment")
            }
            ExitPath::SeriousOnDeregistration => {
                self.serious_basis("lists.serious_exit_on_deregistration")
            }
            ExitPath::SeriousOnApplication => {
                self.serious_basis("lists.serious_exit_on_application")
            }
        }
    }

    /// The exit of `entry` as of `day`, without allocating: the path, the
    /// day time allows it, and what else is missing.
    /// The latest listing event on or before `day` on the abnormal list or
    /// the serious list among `entries` (one subject's): an event that
    /// restarts the serious list's two years.
    pub(crate) fn blocking_event(
        &self,
        entries: &[&ListEntry],
        day: NaiveDate,
    ) -> Option<NaiveDate> {
        ListEntry::latest_event_on(entries, &self.abnormal_list, day)
            .max(ListEntry::latest_event_on(entries, &self.serious_list, day))
    }

    /// The exit of `entry` as of `day`, without allocating: the path, the
    /// day time allows it, and what else is missing. `blocking` is the
    /// latest listing event of the subject on the abnormal or serious list
    /// ([`ListLifecycle::blocking_event`]), which restarts the serious
    /// list's period when it falls in it.
    #[inline]
    pub(crate) fn plan(
        &self,
        entry: &ListEntry,
        blocking: Option<NaiveDate>,
        day: NaiveDate,
        calendar: &(impl WorkCalendar + ?Sized),
    ) -> Result<ExitPlan, CalendarError> {
        let Some(clock) = entry.clock_start(day) else {
            return Ok(ExitPlan::new(ExitPath::NotListed, None));
        };
        let mut plan = ExitPlan::new(ExitPath::NotGoverned, Some(clock));
        if entry.list == self.abnormal_list {
            match entry.obligations {
                Obligations::Fulfilled { verified_on } if verified_on >= clock => {
                    plan.path = ExitPath::AbnormalAfterFulfilment;
                    plan.verified_on = Some(verified_on);
                    plan.until = Some(
                        calendar.add_working_days(verified_on, self.abnormal_exit_working_days)?,
                    );
                }
                Obligations::None => {
                    plan.path = ExitPath::AbnormalAfterMonths;
                    plan.until = Some(
                        clock
                            .checked_add_months(Months::new(self.abnormal_exit_months))
                            .and_then(|d| d.checked_add_days(Days::new(1)))
                            .unwrap_or(NaiveDate::MAX),
                    );
                }
                Obligations::Pending | Obligations::Fulfilled { .. } => {
                    plan.path = ExitPath::AbnormalAfterFulfilment;
                    plan.obligations_unmet = true;
                }
            }
        } else if entry.list == self.serious_list {
            if entry.listed_by_any(&self.exit_on_deregistration, day) {
                plan.path = ExitPath::SeriousOnDeregistration;
                match entry.deregistered_on {
                    Some(on) if on <= day => plan.until = Some(on),
                    _ => plan.not_deregistered = true,
                }
            } else {
                plan.path = ExitPath::SeriousOnApplication;
                // Two full years without any event that would list the
                // organization on either list: an abnormal-list event
                // during the stay restarts them too.
                let from = blocking.filter(|&b| b > clock && b <= day).unwrap_or(clock);
                plan.clock = Some(from);
                plan.until = Some(full_years_run(from, self.serious_exit_full_years));
                plan.obligations_unmet = entry
                    .listed_by_any(&self.obligations_before_serious_exit, day)
                    && !matches!(
                        entry.obligations,
                        Obligations::Fulfilled { verified_on } if verified_on <= day
                    );
            }
        }
        Ok(plan)
    }

    /// Where `entry` stands on `day`: not yet listed, listed, or off the list
    /// (by a recorded removal, or by an automatic exit that has come).
    ///
    /// # Errors
    ///
    /// [`CalendarError`] when a working-day count leaves the calendar's coverage.
    pub fn standing(
        &self,
        entry: &ListEntry,
        day: NaiveDate,
        calendar: &(impl WorkCalendar + ?Sized),
    ) -> Result<Standing, CalendarError> {
        let (standing, plan) = self.standing_and_plan(entry, None, day, calendar)?;
        Ok(match (standing, plan) {
            (Standing::Exited { on, .. }, Some(plan)) => Standing::Exited {
                on,
                basis: self.basis(plan.path),
            },
            (standing, _) => standing,
        })
    }

    /// The standing (with a placeholder basis when exited automatically)
    /// and, while listed or exited automatically, the exit plan.
    pub(crate) fn standing_and_plan(
        &self,
        entry: &ListEntry,
        blocking: Option<NaiveDate>,
        day: NaiveDate,
        calendar: &(impl WorkCalendar + ?Sized),
    ) -> Result<(Standing, Option<ExitPlan>), CalendarError> {
        let base = standing_without_lifecycle(entry, day);
        if let Standing::Exited { on: removed, .. } = &base {
            // A removal recorded after the automatic exit (e.g. past the
            // five working days after verification) does not keep the
            // subject listed until then: it left on the earlier day.
            if let Some(before) = removed.pred_opt() {
                let plan = self.plan(entry, blocking, before, calendar)?;
                if let Some(on) = plan.until {
                    if plan.automatic() && plan.complete_on(before) {
                        return Ok((
                            Standing::Exited {
                                on,
                                basis: Citation::new("lists.automatic_exit", AUTOMATIC_EXIT_SOURCE),
                            },
                            Some(plan),
                        ));
                    }
                }
            }
            return Ok((base, None));
        }
        if !matches!(base, Standing::Listed { .. }) {
            return Ok((base, None));
        }
        let plan = self.plan(entry, blocking, day, calendar)?;
        match plan.until {
            Some(on) if plan.automatic() && plan.complete_on(day) => Ok((
                Standing::Exited {
                    on,
                    basis: Citation::new("lists.automatic_exit", AUTOMATIC_EXIT_SOURCE),
                },
                Some(plan),
            )),
            _ => Ok((base, Some(plan))),
        }
    }
}

impl ListLifecycle {
    /// The removal from the abnormal list that is due by `day` and not
    /// recorded (or recorded after its latest day), if any: the fulfilment
    /// was verified after the latest listing event, and the
    /// `abnormal_exit_working_days`th working day after the verification has
    /// passed (on that day itself the removal is still in time, "within 5
    /// working days"). See [`OverdueRemoval`].
    ///
    /// # Errors
    ///
    /// [`CalendarError`] when the working-day count leaves the calendar's coverage.
    pub fn overdue_removal(
        &self,
        entry: &ListEntry,
        day: NaiveDate,
        calendar: &(impl WorkCalendar + ?Sized),
    ) -> Result<Option<OverdueRemoval>, CalendarError> {
        if entry.list != self.abnormal_list {
            return Ok(None);
        }
        let Some(clock) = entry.clock_start(day) else {
            return Ok(None);
        };
        let Obligations::Fulfilled { verified_on } = entry.obligations else {
            return Ok(None);
        };
        if verified_on < clock || verified_on > day {
            return Ok(None);
        }
        let due = calendar.add_working_days(verified_on, self.abnormal_exit_working_days)?;
        if day <= due || entry.removed_on.is_some_and(|r| r > clock && r <= due) {
            return Ok(None);
        }
        let late = calendar.working_days_between(due, day)?;
        Ok(Some(OverdueRemoval {
            subject: entry.subject.clone(),
            applied_on: entry.applied_on,
            verified_on,
            due,
            working_days_late: u32::try_from(late.max(0)).unwrap_or(u32::MAX),
            basis: self.abnormal_basis("lists.abnormal_removal_due"),
        }))
    }

    /// The first day of the subject's continuous stay on the list of
    /// `entry` that includes `day`: the earliest listing event not preceded
    /// by an exit (automatic or recorded) since. "Two full years on the
    /// activity-abnormal list" (MCA Order No. 60 (2018) art. 14(1),
    /// unconfirmed) counts from it, so an organization listed anew every
    /// year is not kept off the serious list by its own relistings. `None`
    /// when the subject is not listed on `day`.
    ///
    /// # Errors
    ///
    /// [`CalendarError`] when a working-day count leaves the calendar's coverage.
    pub fn continuous_since(
        &self,
        entry: &ListEntry,
        day: NaiveDate,
        calendar: &(impl WorkCalendar + ?Sized),
    ) -> Result<Option<NaiveDate>, CalendarError> {
        if !matches!(
            self.standing_and_plan(entry, None, day, calendar)?.0,
            Standing::Listed { .. }
        ) {
            return Ok(None);
        }
        let mut days: Vec<NaiveDate> = entry
            .events
            .iter()
            .map(|e| e.on)
            .filter(|&on| on <= day)
            .collect();
        days.sort_unstable();
        days.dedup();
        let mut start = days.first().copied();
        let mut view = entry.clone();
        for pair in days.windows(2) {
            let (Some(&prev), Some(&next)) = (pair.first(), pair.get(1)) else {
                continue;
            };
            // Where did the stay stand on the day before `next`, with the
            // events up to `prev` only?
            view.events = entry
                .events
                .iter()
                .filter(|e| e.on <= prev)
                .cloned()
                .collect();
            let before = next.pred_opt().unwrap_or(next);
            if !matches!(
                self.standing_and_plan(&view, None, before, calendar)?.0,
                Standing::Listed { .. }
            ) {
                start = Some(next);
            }
        }
        Ok(start)
    }
}

/// Which exit rule applies to an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExitPath {
    NotListed,
    NotGoverned,
    AbnormalAfterMonths,
    AbnormalAfterFulfilment,
    SeriousOnDeregistration,
    SeriousOnApplication,
}

/// The exit of an entry on a day, computed without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExitPlan {
    pub(crate) path: ExitPath,
    /// The latest listing event.
    pub(crate) clock: Option<NaiveDate>,
    /// The day time allows the exit (automatic) or an application.
    pub(crate) until: Option<NaiveDate>,
    /// For the fulfilment path, the day of verification.
    pub(crate) verified_on: Option<NaiveDate>,
    pub(crate) obligations_unmet: bool,
    pub(crate) not_deregistered: bool,
}

impl ExitPlan {
    fn new(path: ExitPath, clock: Option<NaiveDate>) -> Self {
        Self {
            path,
            clock,
            until: None,
            verified_on: None,
            obligations_unmet: false,
            not_deregistered: false,
        }
    }

    /// Whether the subject leaves without applying.
    pub(crate) fn automatic(&self) -> bool {
        !matches!(
            self.path,
            ExitPath::SeriousOnApplication | ExitPath::NotGoverned | ExitPath::NotListed
        )
    }

    /// Whether every condition is met on `day`.
    pub(crate) fn complete_on(&self, day: NaiveDate) -> bool {
        !self.obligations_unmet && !self.not_deregistered && self.until.is_some_and(|u| u <= day)
    }

    /// The day only time stands between the subject and the exit, if so.
    pub(crate) fn time_only_exit(&self) -> Option<NaiveDate> {
        if self.obligations_unmet || self.not_deregistered {
            None
        } else {
            self.until
        }
    }
}

/// Where `entry` stands on `day` by its recorded events and removal alone
/// (lists run by other authorities).
pub fn standing_without_lifecycle(entry: &ListEntry, day: NaiveDate) -> Standing {
    let (Some(since), Some(clock_from)) = (entry.listed_on(day), entry.clock_start(day)) else {
        return Standing::NotListed;
    };
    match entry.removed_on {
        Some(on) if on <= day && on > clock_from => Standing::Exited {
            on,
            basis: Citation::new("lists.removed", "plan §6(5)"),
        },
        _ => Standing::Listed { since, clock_from },
    }
}

/// Where `entry` stands on `day` under `lifecycle`, if any.
///
/// # Errors
///
/// [`CalendarError`] when a working-day count leaves the calendar's coverage.
pub fn standing(
    entry: &ListEntry,
    lifecycle: Option<&ListLifecycle>,
    day: NaiveDate,
    calendar: &(impl WorkCalendar + ?Sized),
) -> Result<Standing, CalendarError> {
    match lifecycle {
        Some(lc) => lc.standing(entry, day, calendar),
        None => Ok(standing_without_lifecycle(entry, day)),
    }
}

//! The list rules of issue 15, each built from the clause it comes from:
//! red-list loss and exit (plan §6(5)), exclusive incentives, the serious
//! list's exit (MCA Order No. 60 (2018) art. 16, unconfirmed), the abnormal
//! list's exit on application (art. 13, unconfirmed), escalation after two
//! years (art. 14(1), unconfirmed), penalties dated by decision (art. 14(5),
//! unconfirmed), the new abnormal grounds (art. 10, unconfirmed), subject
//! kinds, grading by the rules at the conduct (行政处罚法 (2021) art. 37), and
//! one list standing for the assessment, the public view and the sweep.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
use common::registry::who;

#[path = "data/fixtures.rs"]
mod fixtures;

use chrono::{Days, NaiveDate};
use fixtures::*;
use proptest::prelude::*;
use rust_decimal::Decimal;
use social_credit::assess::assess;
use social_credit::calendar::{ChinaCalendar, WeekendCalendar, WorkCalendar};
use social_credit::grading::{
    Facts, Finding, GradingPolicy, PolicyData, PolicyError, PolicyProblem, PolicySet, SubjectKind,
};
use social_credit::lists::{ListEntry, ListKind, ListingEvent, Obligations, Standing};
use social_credit::misconduct::{ConductKind, RecordContent, RecordStatus, Section, Severity};
use social_credit::registry::{NewRecord, Registry, RegistryError};
use social_credit::repair::{PenaltyDecision, PenaltyDomain, PenaltyKind};
use social_credit::store::MemoryStore;
use social_credit::{Catalogue, Citation, SubjectId};

fn serious_list() -> ListKind {
    ListKind::BlackList {
        domain: social_credit::lists::Domain::new("social_organizations"),
    }
}

fn event(on: NaiveDate, rule: &str) -> ListingEvent {
    ListingEvent {
        on,
        rule: Some(rule.into()),
        records: Vec::new(),
    }
}

// ---- point 1: plan §6(5), the red list's exit -------------------------------

/// plan §6(5): an exemplar with a serious (较重) or severe record loses the
/// red-list incentives from the day the record is made.
#[test]
fn an_exemplar_loses_the_red_list_incentives_from_a_severe_record() {
    let mut case = Case::new(org(1));
    case.lists.push(ListEntry::new(
        case.subject.id(),
        ListKind::RedList,
        d(2019, 1, 1),
    ));
    case.records.push(severe(1, &case.subject, d(2020, 3, 1)));
    let before = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2020, 2, 29)).unwrap();
    assert!(before.applies("incentive.red_list"));
    let after = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2020, 3, 1)).unwrap();
    assert!(!after.applies("incentive.red_list"));
    assert!(!after.applies("incentive.green_channel"));
    assert_eq!(after.red_list, None);
    let lost = after.red_list_lost.as_ref().unwrap();
    assert_eq!(lost.on, d(2020, 3, 1));
    assert_eq!(lost.basis.source, "plan §6(5)");
    assert!(after.lists().all(|(e, _)| e.list != ListKind::RedList));
    // Repaired later: the loss stays (the exit is a decision, not a pause).
    case.records[0] = with_status(
        case.records[0].clone(),
        d(2020, 6, 1),
        RecordStatus::Repaired,
    );
    let later = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2020, 7, 1)).unwrap();
    assert!(!later.applies("incentive.red_list"));
    // A general record does not end them (the catalogue names 较重 and above).
    let mut mild = Case::new(org(2));
    mild.lists.push(ListEntry::new(
        mild.subject.id(),
        ListKind::RedList,
        d(2019, 1, 1),
    ));
    mild.records.push(record(
        1,
        &mild.subject,
        "warning",
        Severity::General,
        d(2020, 3, 1),
        d(2020, 3, 1),
    ));
    let a = assess(&mild.dossier(), &rules(), &WeekendCalendar, d(2020, 4, 1)).unwrap();
    assert!(a.applies("incentive.red_list"));
}

/// plan §6(5): a removal decision ends the red-list entry that day.
#[test]
fn a_removal_decision_takes_an_exemplar_off_the_red_list() {
    let r = Registry::official(MemoryStore::new());
    let subject = org(3);
    let id = subject.id();
    r.register_subject(subject, &who::clerk(), d(2019, 1, 2))
        .unwrap();
    r.add_to_red_list(&id, &who::office(), d(2019, 2, 1))
        .unwrap();
    assert!(r
        .assess(&id, d(2019, 3, 1))
        .unwrap()
        .red_list_since
        .is_some());
    let basis = Citation::new("lists.red_list_exit", "plan §6(5)");
    r.remove_from_list(
        &id,
        &ListKind::RedList,
        basis.clone(),
        &who::office(),
        d(2019, 4, 1),
    )
    .unwrap();
    let a = r.assess(&id, d(2019, 4, 1)).unwrap();
    assert_eq!(a.red_list_since, None);
    assert!(!a.measures.iter().any(|m| m.id == "incentive.red_list"));
    assert!(r.public_view(&id, d(2019, 4, 1)).unwrap().lists.is_empty());
    // Not on the list any more: a second removal is refused, nothing changes.
    let err = r
        .remove_from_list(
            &id,
            &ListKind::RedList,
            basis,
            &who::office(),
            d(2019, 5, 1),
        )
        .unwrap_err();
    assert!(matches!(err, RegistryError::ListOperation { .. }), "{err}");
}

/// plan §4 and §5 (奖惩分明): an incentive the catalogue marks exclusive
/// with an applied sanction is withheld, and the sanction stands.
#[test]
fn exclusive_incentives_are_withheld_while_the_sanction_applies() {
    let catalogue = Catalogue::xinzheng_2019();
    assert!(catalogue.exclusive("incentive.green_channel", "sanction.strict_licence_review"));
    // Three years after a severe act that still counts (not repaired): the
    // clean-record path would open the green channel, strict review applies.
    let mut case = Case::new(org(4));
    case.records.push(severe(1, &case.subject, d(2016, 1, 1)));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2020, 1, 2)).unwrap();
    assert!(a.applies("sanction.strict_licence_review"));
    assert!(!a.applies("incentive.green_channel"));
    assert!(a
        .withheld
        .iter()
        .any(|w| w.incentive.id == "incentive.green_channel"
            && w.sanction.id == "sanction.strict_licence_review"
            && w.basis.source == "plan §4(3), §5(2)1"));
}

struct RedCase(Case);

impl std::fmt::Debug for RedCase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedCase")
            .field("records", &self.0.records)
            .field("lists", &self.0.lists)
            .finish()
    }
}

fn arb_red_case() -> impl Strategy<Value = (RedCase, NaiveDate)> {
    (
        0u64..1500,
        prop::collection::vec((0u64..1500, 0usize..3), 0..4),
        prop::option::of((0u64..1500, prop::option::of(0u64..400))),
        0u64..1800,
    )
        .prop_map(|(red, recs, black, asked)| {
            let base = d(2018, 2, 1);
            let day = |n: u64| base.checked_add_days(Days::new(n)).unwrap();
            let mut case = Case::new(org(10));
            case.lists.push(ListEntry::new(
                case.subject.id(),
                ListKind::RedList,
                day(red),
            ));
            for (i, (on, s)) in recs.into_iter().enumerate() {
                let severity = [Severity::General, Severity::Serious, Severity::Severe][s];
                case.records.push(record(
                    i as u64 + 1,
                    &case.subject,
                    "warning",
                    severity,
                    day(on),
                    day(on),
                ));
            }
            if let Some((on, removed)) = black {
                let mut e = ListEntry::new(case.subject.id(), serious_list(), day(on));
                e.removed_on = removed.map(|r| day(on + r + 1));
                case.lists.push(e);
            }
            (RedCase(case), day(asked))
        })
}

proptest! {
    /// plan §6(5): a subject never receives a red-list incentive on a day it
    /// stands on any blacklist.
    #[test]
    fn no_red_list_incentive_while_blacklisted((RedCase(case), day) in arb_red_case()) {
        let a = assess(&case.dossier(), &rules(), &WeekendCalendar, day).unwrap();
        if !a.blacklists.is_empty() {
            prop_assert!(!a.applies("incentive.red_list"));
            prop_assert!(a.red_list.is_none());
            prop_assert!(!a.green_channel.eligible || a.red_list.is_none());
        }
        // And never an incentive beside a sanction the catalogue marks exclusive.
        let catalogue = Catalogue::xinzheng_2019();
        for i in a.incentives() {
            for s in a.sanctions() {
                prop_assert!(!catalogue.exclusive(&i.measure().id, &s.measure().id));
            }
        }
    }
}

// ---- point 2: serious list exit, art. 16 (unconfirmed) ----------------------

/// MCA Order No. 60 (2018) art. 16 (unconfirmed): two full years on the
/// serious list without any event that would list the organization on the
/// abnormal list or the serious list; an abnormal-list event restarts them.
#[test]
fn an_abnormal_event_during_the_stay_restarts_the_serious_two_years() {
    let lc = GradingPolicy::civil_affairs_mca_2018().lifecycle().unwrap();
    let id = org(20).id();
    let mut serious = ListEntry::new(id.clone(), serious_list(), d(2019, 3, 1));
    serious.events = vec![event(d(2019, 3, 1), "serious.large_fine")];
    let mut abnormal = ListEntry::new(id, ListKind::ActivityAbnormal, d(2020, 5, 6));
    abnormal.events = vec![event(d(2020, 5, 6), "abnormal.warning")];
    let alone = lc
        .exit_eligibility(&serious, d(2021, 3, 2), &WeekendCalendar)
        .unwrap();
    assert!(alone.eligible, "{alone:?}");
    let with = lc
        .exit_eligibility_among(&serious, &[abnormal], d(2021, 3, 2), &WeekendCalendar)
        .unwrap();
    assert!(!with.eligible);
    assert_eq!(with.exit_on, Some(d(2022, 5, 7)));
}

proptest! {
    /// A serious-list exit never happens less than two full years after
    /// the last qualifying event.
    #[test]
    fn a_serious_exit_is_never_within_two_years_of_a_qualifying_event(
        listed in 0u64..900,
        abnormal in prop::collection::vec(0u64..1800, 0..3),
        asked in 0u64..2500,
    ) {
        let lc = GradingPolicy::civil_affairs_mca_2018().lifecycle().unwrap();
        let base = d(2018, 2, 1);
        let day = |n: u64| base.checked_add_days(Days::new(n)).unwrap();
        let id = org(21).id();
        let serious = ListEntry::new(id.clone(), serious_list(), day(listed));
        let others: Vec<ListEntry> = abnormal
            .iter()
            .map(|&n| ListEntry::new(id.clone(), ListKind::ActivityAbnormal, day(n)))
            .collect();
        let asked = day(asked);
        let e = lc.exit_eligibility_among(&serious, &others, asked, &WeekendCalendar).unwrap();
        if e.eligible {
            let last = std::iter::once(day(listed))
                .chain(others.iter().map(|o| o.events[0].on))
                .filter(|&on| on <= asked)
                .max()
                .unwrap();
            let two_years = last.checked_add_months(chrono::Months::new(24)).unwrap();
            prop_assert!(asked > two_years, "exit on {asked}, last event {last}");
        }
    }
}

// ---- point 3: abnormal list exit on application, art. 13 (unconfirmed) ------

fn registered(r: &Registry<MemoryStore>, n: u32) -> SubjectId {
    let subject = org(n);
    let id = subject.id();
    r.register_subject(subject, &who::clerk(), d(2019, 1, 2))
        .unwrap();
    id
}

fn finding(subject: &SubjectId, conduct: &str, on: NaiveDate, fine: Option<i64>) -> NewRecord {
    NewRecord {
        subject: subject.clone(),
        conduct: ConductKind::new(conduct),
        section: Section::SocialOrganizations,
        occurred_on: on,
        ended_on: Some(on),
        content: RecordContent {
            description: "test".into(),
            legal_basis: "MCA Order No. 60 (2018)".into(),
            evidence: vec![],
            fine: fine.map(Decimal::from),
        },
        decision: None,
    }
}

/// MCA Order No. 60 (2018) art. 13 (unconfirmed): on application, the
/// authority removes the organization within 5 working days after
/// verifying; a removal on the 2nd working day ends the entry that day.
#[test]
fn the_abnormal_list_is_left_on_the_removal_day_at_most_five_working_days_after_verification() {
    let r = Registry::official(MemoryStore::new());
    let id = registered(&r, 30);
    r.record_misconduct(
        finding(&id, "annual_report_late", d(2019, 7, 1), None),
        &who::section(),
        d(2019, 7, 1),
    )
    .unwrap();
    // Something to fulfil: not left after six months.
    assert_eq!(
        r.public_view(&id, d(2020, 2, 3)).unwrap().lists,
        vec![ListKind::ActivityAbnormal]
    );
    // Verification needs an application first.
    assert!(matches!(
        r.verify_list_exit(&id, &who::section(), d(2020, 3, 2))
            .unwrap_err(),
        RegistryError::ListOperation { .. }
    ));
    r.apply_for_list_exit(&id, &who::section(), d(2020, 3, 2))
        .unwrap();
    r.verify_list_exit(&id, &who::section(), d(2020, 3, 4))
        .unwrap();
    assert_eq!(
        r.public_view(&id, d(2020, 3, 5)).unwrap().lists,
        vec![ListKind::ActivityAbnormal]
    );
    let basis = Citation::new(
        "lists.abnormal_removal",
        "MCA Order No. 60 (2018) art. 13, unconfirmed",
    );
    r.remove_from_list(
        &id,
        &ListKind::ActivityAbnormal,
        basis,
        &who::section(),
        d(2020, 3, 6),
    )
    .unwrap();
    assert!(r.public_view(&id, d(2020, 3, 6)).unwrap().lists.is_empty());
    assert!(r
        .daily_sweep(&who::system(), d(2020, 3, 12))
        .unwrap()
        .overdue_removals
        .is_empty());
}

/// art. 13 (unconfirmed): 5 working days is the latest day; a removal not
/// recorded by then is reported overdue by the sweep, and the organization
/// counts as off the list from that day.
#[test]
fn an_unrecorded_removal_is_reported_overdue_by_the_sweep() {
    let r = Registry::official(MemoryStore::new());
    let id = registered(&r, 31);
    r.record_misconduct(
        finding(&id, "annual_report_late", d(2019, 7, 1), None),
        &who::section(),
        d(2019, 7, 1),
    )
    .unwrap();
    r.apply_for_list_exit(&id, &who::section(), d(2020, 3, 2))
        .unwrap();
    r.verify_list_exit(&id, &who::section(), d(2020, 3, 4))
        .unwrap(); // Wednesday
    let due = ChinaCalendar::official()
        .add_working_days(d(2020, 3, 4), 5)
        .unwrap();
    assert_eq!(due, d(2020, 3, 11));
    assert!(r
        .daily_sweep(&who::system(), d(2020, 3, 10))
        .unwrap()
        .overdue_removals
        .is_empty());
    let sweep = r.daily_sweep(&who::system(), d(2020, 3, 12)).unwrap();
    assert_eq!(sweep.overdue_removals.len(), 1);
    assert_eq!(sweep.overdue_removals[0].due, due);
    assert_eq!(sweep.overdue_removals[0].working_days_late, 1);
    assert!(r.public_view(&id, due).unwrap().lists.is_empty());
}

proptest! {
    /// An abnormal-list removal is never later than verification + 5
    /// working days unless the sweep reports it overdue.
    #[test]
    fn a_removal_is_never_later_than_five_working_days_unless_reported(
        verified in 0u64..60,
        removed in prop::option::of(0u64..20),
        asked in 0u64..30,
    ) {
        let cal = ChinaCalendar::official();
        let lc = GradingPolicy::civil_affairs_mca_2018().lifecycle().unwrap();
        let listed = d(2021, 1, 4);
        let verified = listed.checked_add_days(Days::new(verified + 1)).unwrap();
        let mut e = ListEntry::new(org(32).id(), ListKind::ActivityAbnormal, listed);
        e.applied_on = Some(verified);
        e.obligations = Obligations::Fulfilled { verified_on: verified };
        e.removed_on = removed.map(|r| verified.checked_add_days(Days::new(r)).unwrap());
        let due = cal.add_working_days(verified, 5).unwrap();
        let asked = verified.checked_add_days(Days::new(asked)).unwrap();
        let standing = lc.standing(&e, asked, &cal).unwrap();
        let overdue = lc.overdue_removal(&e, asked, &cal).unwrap();
        if let Standing::Exited { on, .. } = standing {
            prop_assert!(on <= due || overdue.is_some(), "off on {on}, due {due}");
        }
        // Listed past the due day only if reported.
        if asked >= due && matches!(standing, Standing::Listed { .. }) {
            prop_assert!(overdue.is_some());
        }
        if overdue.is_some() {
            prop_assert!(asked >= due);
        }
    }
}

// ---- point 4: escalation after two years, art. 14(1) (unconfirmed) ----------

/// MCA Order No. 60 (2018) art. 14(1) (unconfirmed): an organization that
/// misses its annual report every year stays on the abnormal list and is
/// moved to the serious list two full years after its first listing, though
/// each year's new listing restarts the abnormal list's own period.
#[test]
fn a_repeat_non_filer_reaches_the_serious_list_two_years_after_its_first_listing() {
    let r = Registry::official(MemoryStore::new());
    let id = registered(&r, 40);
    for year in 2019..=2021 {
        r.record_misconduct(
            finding(&id, "annual_report_late", d(year, 7, 1), None),
            &who::section(),
            d(year, 7, 1),
        )
        .unwrap();
    }
    assert!(r
        .daily_sweep(&who::system(), d(2021, 7, 1))
        .unwrap()
        .listed
        .is_empty());
    let sweep = r.daily_sweep(&who::system(), d(2021, 7, 2)).unwrap();
    assert_eq!(sweep.listed.len(), 1);
    assert_eq!(sweep.listed[0].1.rule, "serious.abnormal_two_years");
    assert_eq!(
        sweep.listed[0].1.source,
        "MCA Order No. 60 (2018) art. 14(1), unconfirmed"
    );
    // Listed once per stay: the next day's sweep lists nothing new.
    assert!(r
        .daily_sweep(&who::system(), d(2021, 7, 3))
        .unwrap()
        .listed
        .is_empty());
}

// ---- point 5: "three years, two penalties", art. 14(5) (unconfirmed) --------

/// art. 14(5) (unconfirmed): earlier penalties are dated by their decision;
/// a warning decided in 2016 but recorded in 2019 is not within three years
/// of a warning of June 2019.
#[test]
fn the_three_year_window_dates_penalties_by_their_decision() {
    let r = Registry::official(MemoryStore::new());
    let id = registered(&r, 50);
    let mut late = finding(&id, "warning", d(2016, 5, 1), None);
    late.decision = Some(PenaltyDecision::new(
        d(2016, 5, 2),
        PenaltyDomain::Other,
        vec![PenaltyKind::Warning],
    ));
    // Conduct before Order 60: graded by nothing, so refused (no reaching back).
    let err = r
        .record_misconduct(late.clone(), &who::section(), d(2019, 4, 1))
        .unwrap_err();
    assert!(
        matches!(err, RegistryError::Policy(PolicyError::NoneInForce { .. })),
        "{err}"
    );
    late.occurred_on = d(2018, 2, 1);
    late.ended_on = Some(d(2018, 2, 1));
    late.decision.as_mut().unwrap().decided_on = d(2018, 2, 2);
    r.record_misconduct(late, &who::section(), d(2021, 4, 1))
        .unwrap();
    let second = r
        .record_misconduct(
            finding(&id, "warning", d(2021, 6, 1), None),
            &who::section(),
            d(2021, 6, 1),
        )
        .unwrap();
    // Recorded 2021-04-01, decided 2018-02-02: more than three years before.
    assert_eq!(second.severity, Severity::General);
    assert_eq!(second.graded_by.rule, "abnormal.warning");
}

// ---- point 6: the abnormal grounds of art. 10 (unconfirmed) ----------------

/// art. 10(2), (4), (7) and art. 14(8) (unconfirmed): the grounds the preset lacked.
#[test]
fn the_missing_grounds_of_order_60_are_graded() {
    let p = GradingPolicy::civil_affairs_mca_2018();
    let day = d(2020, 5, 6);
    for (conduct, rule, severity, source) in [
        (
            "party_organization_missing",
            "abnormal.party_organization",
            Severity::General,
            "art. 10(2)",
        ),
        (
            "charity_fundraising_duties",
            "abnormal.charity_fundraising",
            Severity::General,
            "art. 10(4)",
        ),
        (
            "other_abnormal_ground",
            "abnormal.other",
            Severity::General,
            "art. 10(7)",
        ),
        (
            "other_serious_ground",
            "serious.other",
            Severity::Severe,
            "art. 14(8)",
        ),
    ] {
        let g = p
            .grade(
                &Facts::new(day)
                    .about(SubjectKind::Organization)
                    .finding(Finding::new(ConductKind::new(conduct), day)),
            )
            .unwrap();
        assert_eq!((g.citation.rule.as_ref(), g.severity), (rule, severity));
        assert_eq!(
            g.citation.source,
            format!("MCA Order No. 60 (2018) {source}, unconfirmed")
        );
    }
    // The supervising unit's certificate is not built in (unconfirmed in the
    // promulgated text): the preset has no exemption clause.
    assert_eq!(p.lifecycle().unwrap().abnormal_exemption_source, None);
}

// ---- point 7: every list citation confirmed or marked unconfirmed -----------

#[test]
fn every_order_60_citation_of_the_preset_says_it_is_unconfirmed() {
    let p = GradingPolicy::civil_affairs_mca_2018();
    let mut sources: Vec<String> = p.rules().iter().map(|r| r.source.clone()).collect();
    sources.extend(p.lists().iter().map(|l| l.source.clone()));
    let lc = p.lifecycle().unwrap();
    sources.push(lc.abnormal_exit_source.clone());
    sources.push(lc.serious_exit_source.clone());
    for s in sources {
        assert!(
            s.contains("Order No. 60") && s.contains("unconfirmed"),
            "{s}"
        );
    }
}

// ---- point 8: the plan's middle tier ---------------------------------------

/// plan §3(3): the shipped plan-level policy (an EXAMPLE) produces 较重.
#[test]
fn the_example_plan_policy_produces_the_middle_tier() {
    let p = GradingPolicy::xinzheng_plan_2019_example();
    let day = d(2020, 5, 6);
    let first = Finding::new(ConductKind::new("warning"), d(2019, 5, 6));
    let again = Finding::new(ConductKind::new("warning"), day);
    let g = p
        .grade(
            &Facts::new(day)
                .about(SubjectKind::Person)
                .finding(again)
                .earlier(first),
        )
        .unwrap();
    assert_eq!(g.severity, Severity::Serious);
    assert_eq!(g.citation.rule, "example.person.repeat_penalties");
    assert!(g.citation.source.contains("EXAMPLE"));
    assert!(!PolicySet::builtin()
        .policies()
        .iter()
        .any(|q| q.id() == p.id()));
}

// ---- point 9: 行政处罚法 (2021) art. 37, 从旧兼从轻 -----------------------

/// The preset with the warning rule made stricter (onto the serious list),
/// taking effect on `from`.
fn stricter(from: &str, id: &str) -> GradingPolicy {
    let mut data: PolicyData =
        serde_json::from_str(include_str!("../data/presets/civil-affairs-mca-2018.json")).unwrap();
    data.id = id.into();
    data.effective_from = from.parse().unwrap();
    let warning = data
        .rules
        .iter_mut()
        .find(|r| r.id == "abnormal.warning")
        .unwrap();
    warning.severity = Severity::Severe;
    warning.list = Some("serious_illegal_dishonest".into());
    GradingPolicy::new(data).unwrap()
}

fn with_from(p: &GradingPolicy, from: &str, id: &str) -> GradingPolicy {
    let mut data: PolicyData = p.clone().into();
    data.id = id.into();
    data.effective_from = from.parse().unwrap();
    GradingPolicy::new(data).unwrap()
}

#[test]
fn a_stricter_later_rule_does_not_reach_back() {
    let set = PolicySet::new(vec![
        GradingPolicy::civil_affairs_mca_2018().clone(),
        stricter("2021-01-01", "stricter-2021"),
    ])
    .unwrap();
    let day = d(2021, 6, 1);
    let facts = Facts::new(day).finding(Finding::new(ConductKind::new("warning"), day));
    let g = set.grade_conduct(d(2020, 11, 1), &facts).unwrap().unwrap();
    assert_eq!(g.grade.severity, Severity::General);
    assert_eq!(g.policy.id(), "civil-affairs-mca-2018");
    assert_eq!(g.basis.rule, "grading.rules_at_conduct");
    assert!(g.basis.source.contains("行政处罚法 (2021) art. 37"));
    // Conduct after the change: the new rules.
    let g = set.grade_conduct(d(2021, 2, 1), &facts).unwrap().unwrap();
    assert_eq!(g.grade.severity, Severity::Severe);
}

#[test]
fn a_lighter_later_rule_wins_and_is_cited_on_the_record() {
    let rules = social_credit::registry::RuleBook {
        policies: PolicySet::new(vec![
            stricter("2018-01-24", "stricter-2018"),
            with_from(
                GradingPolicy::civil_affairs_mca_2018(),
                "2021-01-01",
                "lighter-2021",
            ),
        ])
        .unwrap(),
        ..social_credit::registry::RuleBook::xinzheng_2019()
    };
    let day = d(2021, 6, 1);
    let facts = Facts::new(day).finding(Finding::new(ConductKind::new("warning"), day));
    let g = rules
        .policies
        .grade_conduct(d(2020, 11, 1), &facts)
        .unwrap()
        .unwrap();
    assert_eq!(g.grade.severity, Severity::General);
    assert_eq!(g.basis.rule, "grading.lighter_later_rule");
    let r = Registry::new(MemoryStore::new(), WeekendCalendar, rules);
    let id = registered_on(&r, 60);
    let rec = r
        .record_misconduct(
            finding(&id, "warning", d(2020, 11, 1), None),
            &who::section(),
            day,
        )
        .unwrap();
    assert_eq!(rec.severity, Severity::General);
    assert!(
        rec.graded_by.source.contains("grading.lighter_later_rule"),
        "{}",
        rec.graded_by
    );
}

fn registered_on<C: WorkCalendar>(r: &Registry<MemoryStore, C>, n: u32) -> SubjectId {
    let subject = org(n);
    let id = subject.id();
    r.register_subject(subject, &who::clerk(), d(2019, 1, 2))
        .unwrap();
    id
}

// ---- point 11: subject kinds -----------------------------------------------

/// MCA Order No. 60 (2018) art. 10 (unconfirmed): only social organizations
/// are on the activity-abnormal list; a person's ¥2,000 fine is not graded
/// by the order at all.
#[test]
fn a_person_is_never_graded_by_the_organizations_only_rules() {
    let r = Registry::official(MemoryStore::new());
    let who = person(70);
    let id = who.id();
    r.register_subject(who, &who::clerk(), d(2019, 1, 2))
        .unwrap();
    let err = r
        .record_misconduct(
            finding(&id, "fine", d(2020, 5, 6), Some(2_000)),
            &who::section(),
            d(2020, 5, 6),
        )
        .unwrap_err();
    assert!(matches!(err, RegistryError::Ungraded { .. }), "{err}");
    assert!(r.public_view(&id, d(2020, 6, 1)).unwrap().lists.is_empty());
    // A policy that would put persons on the abnormal list does not load.
    let mut data: PolicyData = GradingPolicy::civil_affairs_mca_2018().clone().into();
    data.rules[0].subjects = Some(social_credit::catalogue::Target::Both);
    let Err(PolicyError::Invalid { problems, .. }) = GradingPolicy::new(data) else {
        panic!("a rule for persons onto the abnormal list must be refused");
    };
    assert!(problems
        .iter()
        .any(|p| matches!(p, PolicyProblem::RuleListSubjects { .. })));
}

// ---- point 10: one standing for the assessment, the public view, the sweep --

/// plan §6(3): a revoked record's blacklist is gone from the public view
/// as from the assessment, and red-list incentives return beside it.
#[test]
fn the_public_view_drops_the_blacklist_of_a_revoked_record() {
    let r = Registry::official(MemoryStore::new());
    let id = registered(&r, 80);
    let rec = r
        .record_misconduct(
            finding(&id, "fine", d(2020, 5, 6), Some(60_000)),
            &who::section(),
            d(2020, 5, 6),
        )
        .unwrap();
    assert_eq!(
        r.public_view(&id, d(2020, 5, 7)).unwrap().lists,
        vec![serious_list()]
    );
    let o = r
        .receive_objection(
            rec.id,
            social_credit::objection::Receipt::Written { on: d(2020, 5, 8) },
            "wrong",
            &who::office(),
        )
        .unwrap();
    use social_credit::objection::{Finding as Opinion, Outcome};
    use social_credit::registry::ObjectionStep;
    r.advance_objection(
        o.id(),
        ObjectionStep::Forward {
            to: Section::SocialOrganizations,
        },
        &who::office(),
        d(2020, 5, 8),
    )
    .unwrap();
    r.advance_objection(
        o.id(),
        ObjectionStep::Opinion {
            finding: Opinion::ErrorConfirmed,
            summary: "wrong".into(),
            submitted_on: None,
        },
        &who::section(),
        d(2020, 5, 11),
    )
    .unwrap();
    r.advance_objection(
        o.id(),
        ObjectionStep::Notify {
            outcome: Outcome::Revoked {
                reasons: "fine was imposed on another organization".into(),
            },
        },
        &who::office(),
        d(2020, 5, 12),
    )
    .unwrap();
    let view = r.public_view(&id, d(2020, 5, 13)).unwrap();
    let a = r.assess(&id, d(2020, 5, 13)).unwrap();
    assert!(view.lists.is_empty(), "{:?}", view.lists);
    assert!(a.blacklist_domains.is_empty());
}

/// `daily_sweep` over 10,000 organizations reports the same standings as
/// assessing each of them (and as their public views).
#[test]
fn the_sweep_and_the_assessment_agree_on_ten_thousand_organizations() {
    let r = Registry::new(
        MemoryStore::new(),
        WeekendCalendar,
        social_credit::registry::RuleBook::xinzheng_2019(),
    );
    let n = 10_000u32;
    let mut ids = Vec::with_capacity(n as usize);
    for i in 0..n {
        let subject = org(100_000 + i);
        ids.push(subject.id());
        r.register_subject(subject, &who::clerk(), d(2019, 1, 2))
            .unwrap();
    }
    let mut batch = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let day = d(2019, 2, 1)
            .checked_add_days(Days::new((i % 700) as u64))
            .unwrap();
        match i % 5 {
            0 => batch.push(finding(id, "annual_report_late", day, None)),
            1 => batch.push(finding(id, "fine", day, Some(60_000))),
            2 => batch.push(finding(id, "warning", day, None)),
            _ => {}
        }
    }
    r.import_records(
        social_credit::registry::ImportRow::same_day(batch, d(2021, 1, 5)),
        &who::section(),
    )
    .unwrap();
    for id in ids.iter().step_by(7) {
        r.add_to_red_list(id, &who::office(), d(2021, 1, 5))
            .unwrap();
    }
    let on = d(2021, 6, 1);
    let sweep = r.daily_sweep(&who::system(), on).unwrap();
    let swept: std::collections::BTreeMap<String, Vec<ListKind>> =
        sweep.standings.into_iter().collect();
    for id in &ids {
        let mut from_assessment: Vec<ListKind> = r
            .with_assessment(id, on, |a| a.lists().map(|(e, _)| e.list.clone()).collect())
            .unwrap();
        let mut from_sweep = swept.get(&id.display_masked()).cloned().unwrap_or_default();
        from_assessment.sort();
        from_sweep.sort();
        assert_eq!(from_sweep, from_assessment, "{id}");
    }
}

/// The 2017 draft of Order 60 (art. 12): an organization whose supervising
/// unit certifies in writing that it was not directly responsible may be
/// left off the abnormal list. Unconfirmed in the promulgated text, so the
/// preset refuses it; a policy carrying the clause applies it.
#[test]
fn the_supervising_units_certificate_exempts_only_under_a_policy_that_has_the_clause() {
    let r = Registry::official(MemoryStore::new());
    let id = registered(&r, 90);
    let err = r
        .record_misconduct_certified(
            finding(&id, "annual_report_late", d(2020, 7, 1), None),
            "业务主管单位证明 2020-01",
            &who::section(),
            d(2020, 7, 1),
        )
        .unwrap_err();
    assert!(matches!(err, RegistryError::ListOperation { .. }), "{err}");
    assert!(r
        .public_view(&id, d(2020, 7, 1))
        .unwrap()
        .records
        .is_empty());

    let mut data: PolicyData = GradingPolicy::civil_affairs_mca_2018().clone().into();
    data.lifecycle.as_mut().unwrap().abnormal_exemption_source =
        Some("local rules art. 5 (example)".into());
    let rules = social_credit::registry::RuleBook {
        policies: PolicySet::new(vec![GradingPolicy::new(data).unwrap()]).unwrap(),
        ..social_credit::registry::RuleBook::xinzheng_2019()
    };
    let r = Registry::new(MemoryStore::new(), WeekendCalendar, rules);
    let id = registered_on(&r, 91);
    let rec = r
        .record_misconduct_certified(
            finding(&id, "annual_report_late", d(2020, 7, 1), None),
            "业务主管单位证明 2020-01",
            &who::section(),
            d(2020, 7, 1),
        )
        .unwrap();
    assert_eq!(rec.severity, Severity::General);
    assert!(r.public_view(&id, d(2020, 7, 2)).unwrap().lists.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// plan §6(2), §6(3): the public view, the sweep and the assessment give
    /// the same list standing, whatever was recorded, revoked or red-listed.
    #[test]
    fn the_public_view_the_sweep_and_the_assessment_agree(
        findings in prop::collection::vec((0u32..4, 0usize..4, 0u64..900, any::<bool>()), 1..10),
        red in prop::collection::vec((0u32..4, 0u64..900), 0..3),
        asked in 0u64..1500,
    ) {
        let r = Registry::new(
            MemoryStore::new(),
            WeekendCalendar,
            social_credit::registry::RuleBook::xinzheng_2019(),
        );
        let ids: Vec<SubjectId> = (0..4).map(|i| registered_on(&r, 200 + i)).collect();
        let base = d(2019, 3, 4);
        let day = |n: u64| base.checked_add_days(Days::new(n)).unwrap();
        let mut made = Vec::new();
        for (who, what, on, revoke) in &findings {
            let (conduct, fine) = [
                ("warning", None),
                ("fine", Some(60_000)),
                ("annual_report_late", None),
                ("fine", Some(2_000)),
            ][*what];
            let id = &ids[*who as usize];
            let rec = r
                .record_misconduct(finding(id, conduct, day(*on), fine), &who::section(), day(*on))
                .unwrap();
            made.push((rec.id, day(*on), *revoke));
        }
        for (who, on) in &red {
            r.add_to_red_list(&ids[*who as usize], &who::office(), day(*on)).unwrap();
        }
        for (record, on, revoke) in made {
            if !revoke {
                continue;
            }
            use social_credit::objection::{Finding as Opinion, Outcome};
            use social_credit::registry::ObjectionStep;
            let on = on.checked_add_days(Days::new(3)).unwrap();
            let o = r
                .receive_objection(
                    record,
                    social_credit::objection::Receipt::Written { on },
                    "wrong",
                    &who::office(),
                )
                .unwrap();
            r.advance_objection(o.id(), ObjectionStep::Forward { to: Section::SocialOrganizations }, &who::office(), on).unwrap();
            r.advance_objection(
                o.id(),
                ObjectionStep::Opinion {
                    finding: Opinion::ErrorConfirmed,
                    summary: "wrong".into(),
                    submitted_on: None,
                },
                &who::section(),
                on,
            )
            .unwrap();
            r.advance_objection(
                o.id(),
                ObjectionStep::Notify { outcome: Outcome::Revoked { reasons: "wrong".into() } },
                &who::office(),
                on,
            )
            .unwrap();
        }
        let on = day(asked).max(d(2021, 9, 1));
        let sweep = r.daily_sweep(&who::system(), on).unwrap();
        let swept: std::collections::BTreeMap<String, Vec<ListKind>> =
            sweep.standings.into_iter().collect();
        for id in &ids {
            let mut assessed: Vec<ListKind> = r
                .with_assessment(id, on, |a| a.lists().map(|(e, _)| e.list.clone()).collect())
                .unwrap();
            let mut public = r.public_view(id, on).unwrap().lists;
            let mut from_sweep = swept.get(&id.display_masked()).cloned().unwrap_or_default();
            assessed.sort();
            public.sort();
            from_sweep.sort();
            prop_assert_eq!(&public, &assessed);
            prop_assert_eq!(&from_sweep, &assessed);
            // Never a red-list incentive beside a blacklist.
            let summary = r.assess(id, on).unwrap();
            if !summary.blacklist_domains.is_empty() {
                prop_assert!(!summary.measures.iter().any(|m| m.id == "incentive.red_list"));
            }
        }
    }
}

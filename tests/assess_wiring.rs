//! The assessment wired to the repair policies and the objection switch:
//! repair windows worked by hand under each preset, the windows checked day
//! by day against the repair timeline, and the objection switch (off as the
//! plan requires; on, suspending the sanctions of a record under review).
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
use social_credit::assess::{assess, Assessment, Change, Rules};
use social_credit::calendar::WeekendCalendar;
use social_credit::lists::{Domain, ListEntry, ListKind};
use social_credit::misconduct::{MisconductRecord, RecordId, RecordStatus, Severity};
use social_credit::objection::{
    Finding, Objection, ObjectionId, ObjectionPolicy, Outcome, Receipt,
};
use social_credit::repair::{
    Condition, PenaltyDecision, PenaltyDomain, PenaltyKind, RepairFacts, RepairPolicy,
    RepairTimeline,
};
use social_credit::subject::Role;
use social_credit::{Citation, Section};

fn decided(
    mut r: MisconductRecord,
    on: NaiveDate,
    domain: PenaltyDomain,
    penalties: &[PenaltyKind],
) -> MisconductRecord {
    r.decision = Some(PenaltyDecision::new(on, domain, penalties.to_vec()));
    r
}

/// A record decided on the day it was recorded, in a field with no special rule.
fn fined(
    id: u64,
    case: &Case,
    severity: Severity,
    occurred: NaiveDate,
    decided_on: NaiveDate,
) -> MisconductRecord {
    let conduct = if severity == Severity::Severe {
        "suspension_of_activities"
    } else {
        "warning"
    };
    decided(
        record(id, &case.subject, conduct, severity, occurred, decided_on),
        decided_on,
        PenaltyDomain::Other,
        &[PenaltyKind::Fine],
    )
}

fn window_changes(a: &Assessment<'_>) -> Vec<RecordId> {
    a.next_change
        .iter()
        .flat_map(|n| &n.changes)
        .filter_map(|c| match c {
            Change::RepairWindowOpens { record } => Some(record.id),
            _ => None,
        })
        .collect()
}

fn suspending() -> ObjectionPolicy {
    ObjectionPolicy::suspending(Citation::new(
        "objection.suspend_while_checked",
        "a provincial rule",
    ))
}

fn with_objections<'a>(policy: &'a ObjectionPolicy) -> Rules<'a> {
    Rules {
        objections: policy,
        ..Rules::builtin()
    }
}

fn objection(id: u64, record: &MisconductRecord, received: NaiveDate) -> Objection {
    Objection::receive(
        ObjectionId(id),
        record.id,
        record.subject.clone(),
        Receipt::Written { on: received },
        "王芳",
        "the fine was paid on time",
    )
}

/// Takes the objection through `steps` of: forward, opinion, notify, reply and close
/// (or, for `withdraw`, withdraws it after the steps), a day apart.
fn advance(o: &mut Objection, steps: u8, withdraw: bool) -> NaiveDate {
    let mut day = o.received_on();
    let mut next = || {
        day = day.checked_add_days(Days::new(1)).unwrap();
        day
    };
    if steps >= 1 {
        o.forward(next(), "王芳", Section::SocialOrganizations)
            .unwrap();
    }
    if steps >= 2 {
        o.receive_opinion(next(), "李强", Finding::NotConfirmed, "the record stands")
            .unwrap();
    }
    if steps >= 3 && !withdraw {
        o.notify(
            next(),
            "王芳",
            Outcome::Kept {
                reasons: "the fine was paid late".into(),
            },
        )
        .unwrap();
    }
    if steps >= 4 && !withdraw {
        // The reply to the subject, then the close, the same day.
        let on = next();
        o.reply(on, "王芳", "the fine was paid late").unwrap();
        o.close(on, "王芳").unwrap();
    }
    if withdraw {
        o.withdraw(next(), "张三").unwrap();
    }
    day
}

// ---------------------------------------------------------------------------
// Repair windows, worked by hand

#[test]
fn a_general_record_of_2020_opens_its_window_the_day_after_three_months() {
    // 发改办财金〔2019〕527号: general 3 months / 1 year from the decision.
    let mut case = Case::new(org(1));
    case.records.push(fined(
        1,
        &case,
        Severity::General,
        d(2020, 1, 2),
        d(2020, 1, 10),
    ));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2020, 2, 1)).unwrap();
    assert_eq!(a.repair_policy.unwrap().basis.rule, "repair.policy_2019");
    let w = a.repair_windows().next().unwrap();
    assert_eq!(w.record.id, RecordId(1));
    // Three months from 10 January run at the end of 10 April.
    assert_eq!(w.earliest_application(), Some(d(2020, 4, 11)));
    assert_eq!(w.next_opening, Some(d(2020, 4, 11)));
    let periods = w.periods.as_ref().unwrap();
    assert_eq!(periods.last_published_day, d(2021, 1, 10));
    assert_eq!(periods.minimum_set_by.rule, "repair.2019.general_periods");
    assert_eq!(
        periods.minimum_set_by.source,
        "发改办财金〔2019〕527号 §2 (general: 3 months / 1 year)"
    );
    assert_eq!(w.barred_by(), None);
    let next = a.next_change.as_ref().unwrap();
    assert_eq!(next.on, d(2020, 4, 11));
    assert_eq!(window_changes(&a), [RecordId(1)]);
    assert_eq!(a.summary().next_change_kinds, ["repair_window_opens"]);
}

#[test]
fn a_severe_record_of_2020_waits_six_months() {
    let mut case = Case::new(org(2));
    case.records.push(fined(
        1,
        &case,
        Severity::Severe,
        d(2020, 3, 20),
        d(2020, 3, 31),
    ));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2020, 4, 1)).unwrap();
    let w = a.repair_windows().next().unwrap();
    // Six months from 31 March end on 30 September (no 31 September).
    assert_eq!(w.earliest_application(), Some(d(2020, 10, 1)));
    assert_eq!(
        w.periods.as_ref().unwrap().last_published_day,
        d(2023, 3, 31)
    );
    assert_eq!(a.next_change.as_ref().unwrap().on, d(2020, 10, 1));
    assert_eq!(window_changes(&a), [RecordId(1)]);
}

#[test]
fn a_general_record_of_2025_opens_its_window_under_order_58() {
    let mut case = Case::new(org(3));
    case.records.push(fined(
        1,
        &case,
        Severity::General,
        d(2025, 1, 2),
        d(2025, 1, 10),
    ));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2025, 1, 10)).unwrap();
    assert_eq!(a.repair_policy.unwrap().basis.rule, "repair.policy_2023");
    let w = a.repair_windows().next().unwrap();
    assert_eq!(w.earliest_application(), Some(d(2025, 4, 11)));
    assert_eq!(
        w.periods.as_ref().unwrap().last_published_day,
        d(2028, 1, 10)
    );
    assert_eq!(a.next_change.as_ref().unwrap().on, d(2025, 4, 11));
}

#[test]
fn a_severe_record_under_the_2026_rules_waits_a_year() {
    let mut case = Case::new(org(4));
    case.records.push(fined(
        1,
        &case,
        Severity::Severe,
        d(2026, 4, 20),
        d(2026, 5, 1),
    ));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2026, 5, 10)).unwrap();
    assert_eq!(a.repair_policy.unwrap().basis.rule, "repair.policy_2026");
    let w = a.repair_windows().next().unwrap();
    assert_eq!(w.earliest_application(), Some(d(2027, 5, 2)));
    assert_eq!(
        w.periods.as_ref().unwrap().minimum_set_by.rule,
        "repair.2026.severe_periods"
    );
    assert_eq!(
        w.periods.as_ref().unwrap().last_published_day,
        d(2029, 5, 1)
    );
    let summary = a.summary();
    assert_eq!(summary.next_change, Some(d(2027, 5, 2)));
    assert!(summary
        .next_change_kinds
        .contains(&"repair_window_opens".to_owned()));

    // On the day itself the window is open: no longer a change to come.
    let open = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2027, 5, 2)).unwrap();
    assert_eq!(
        open.repair_windows().next().unwrap().earliest_application(),
        Some(d(2027, 5, 2))
    );
    assert_eq!(open.repair_windows().next().unwrap().next_opening, None);
    assert!(window_changes(&open).is_empty());
}

#[test]
fn the_window_follows_the_rules_in_force_on_the_day_it_would_open() {
    // Decided January 2026 under Order No. 58 (3 months), which governs the
    // decision: the 2026 rules (1 year for severe), in force from 1 April
    // 2026, do not take that away. Before, the window was said to open only
    // on 2027-01-11 (DESIGN.md, "Which repair rules govern a record?").
    let mut case = Case::new(org(5));
    case.records.push(fined(
        1,
        &case,
        Severity::Severe,
        d(2026, 1, 5),
        d(2026, 1, 10),
    ));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2026, 2, 1)).unwrap();
    let w = a.repair_windows().next().unwrap();
    assert_eq!(w.earliest_application(), Some(d(2026, 4, 11)));
    assert_eq!(w.next_opening, Some(d(2026, 4, 11)));
    assert_eq!(a.next_change.as_ref().unwrap().on, d(2026, 4, 11));
    assert_eq!(window_changes(&a), [RecordId(1)]);
}

#[test]
fn a_specific_serious_decision_has_no_window_under_the_2019_rules() {
    let timeline = RepairTimeline::new(vec![RepairPolicy::plan_era_2019()]).unwrap();
    let rules_2019 = Rules {
        repair: &timeline,
        ..Rules::builtin()
    };
    let mut case = Case::new(org(6));
    let r = record(
        1,
        &case.subject,
        "suspension_of_activities",
        Severity::Severe,
        d(2020, 5, 20),
        d(2020, 6, 1),
    );
    case.records.push(decided(
        r,
        d(2020, 6, 1),
        PenaltyDomain::FoodAndDrugs,
        &[PenaltyKind::Fine, PenaltyKind::HaltBusiness],
    ));
    let a = assess(
        &case.dossier(),
        &rules_2019,
        &WeekendCalendar,
        d(2020, 7, 1),
    )
    .unwrap();
    let w = a.repair_windows().next().unwrap();
    assert_eq!(
        w.barred_by().unwrap().rule,
        "repair.2019.specific_serious_not_repairable"
    );
    assert_eq!(w.earliest_application(), None);
    assert_eq!(w.next_opening, None);
    // Published the full three years.
    assert_eq!(
        w.periods.as_ref().unwrap().last_published_day,
        d(2023, 6, 1)
    );
    assert!(window_changes(&a).is_empty());

    // With the national timeline, Order No. 58 (no bar) answers from
    // 1 May 2023: the window opens that day.
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2020, 7, 1)).unwrap();
    assert!(a.repair_windows().next().unwrap().barred_by().is_some());
    assert_eq!(
        a.repair_windows().next().unwrap().next_opening,
        Some(d(2023, 5, 1))
    );
}

#[test]
fn records_without_a_decision_or_not_in_force_or_of_others_have_no_window() {
    let mut case = Case::new(org(7));
    // No decision.
    case.records.push(record(
        1,
        &case.subject,
        "warning",
        Severity::General,
        d(2025, 1, 2),
        d(2025, 1, 10),
    ));
    // Repaired already.
    let r = fined(2, &case, Severity::General, d(2025, 1, 2), d(2025, 1, 10));
    case.records
        .push(with_status(r, d(2025, 5, 1), RecordStatus::Repaired));
    // Revoked on an objection.
    let r = fined(3, &case, Severity::General, d(2025, 1, 2), d(2025, 1, 10));
    case.records
        .push(with_status(r, d(2025, 1, 20), RecordStatus::Revoked));
    // Corrected: still in force, so it has a window.
    let r = fined(4, &case, Severity::General, d(2025, 1, 2), d(2025, 1, 10));
    case.records
        .push(with_status(r, d(2025, 1, 20), RecordStatus::Corrected));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2025, 6, 1)).unwrap();
    let ids: Vec<_> = a.repair_windows().map(|w| w.record.id).collect();
    assert_eq!(ids, [RecordId(4)]);

    // A person reached by an organization's severe record does not get the
    // organization's window: only the organization can apply.
    let mut org_case = Case::new(org(8));
    org_case.records.push(fined(
        9,
        &org_case,
        Severity::Severe,
        d(2025, 1, 2),
        d(2025, 1, 10),
    ));
    let mut case = Case::new(person(8));
    link(
        &mut case.roster,
        &org_case.subject,
        &case.subject,
        Role::LegalRepresentative,
        d(2020, 1, 1),
        None,
    );
    case.records = org_case.records.clone();
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2025, 2, 1)).unwrap();
    assert!(a.applies("sanction.no_fiscal_funding"));
    assert_eq!(a.repair_windows().count(), 0);
    assert!(window_changes(&a).is_empty());
}

#[test]
fn windows_of_several_records_opening_on_one_day_are_one_change() {
    let mut case = Case::new(org(9));
    case.records.push(fined(
        1,
        &case,
        Severity::General,
        d(2025, 1, 2),
        d(2025, 1, 10),
    ));
    case.records.push(fined(
        2,
        &case,
        Severity::General,
        d(2025, 1, 3),
        d(2025, 1, 10),
    ));
    case.records.push(fined(
        3,
        &case,
        Severity::General,
        d(2025, 1, 3),
        d(2025, 2, 10),
    ));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2025, 3, 1)).unwrap();
    assert_eq!(a.next_change.as_ref().unwrap().on, d(2025, 4, 11));
    assert_eq!(window_changes(&a), [RecordId(1), RecordId(2)]);
}

#[test]
fn a_person_has_a_window_for_an_own_record() {
    // The erasure (plan §6(7)) comes five years after the conduct ended;
    // the window opens first.
    let mut case = Case::new(person(10));
    case.records.push(fined(
        1,
        &case,
        Severity::General,
        d(2025, 1, 2),
        d(2025, 1, 10),
    ));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2025, 1, 10)).unwrap();
    assert_eq!(a.next_change.as_ref().unwrap().on, d(2025, 4, 11));
    assert_eq!(window_changes(&a), [RecordId(1)]);
}

// ---------------------------------------------------------------------------
// The objection switch

fn severe_case() -> Case {
    let mut case = Case::new(org(20));
    case.records.push(fined(
        1,
        &case,
        Severity::Severe,
        d(2020, 3, 1),
        d(2020, 3, 10),
    ));
    case
}

#[test]
fn by_default_an_open_objection_changes_nothing() {
    let mut case = severe_case();
    let before = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2020, 4, 1))
        .unwrap()
        .summary();
    let o = objection(1, &case.records[0], d(2020, 3, 20));
    case.objections.push(o);
    let after = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2020, 4, 1)).unwrap();
    assert!(case.objections[0].under_review_on(d(2020, 4, 1)));
    assert!(after.suspended.is_empty());
    assert!(after.applies("sanction.no_fiscal_funding"));
    assert!(after.key_supervision.is_some());
    assert_eq!(before, after.summary());
}

#[test]
fn a_suspending_policy_suspends_the_sanctions_of_a_record_under_review() {
    let policy = suspending();
    let rules_on = with_objections(&policy);
    let mut case = severe_case();
    case.objections
        .push(objection(1, &case.records[0], d(2020, 3, 20)));
    let a = assess(&case.dossier(), &rules_on, &WeekendCalendar, d(2020, 4, 1)).unwrap();
    // Still recorded and graded: severity and the green channel see it.
    assert_eq!(a.worst_severity, Some(Severity::Severe));
    assert!(!a.green_channel.eligible);
    // No sanction, key supervision included.
    assert_eq!(a.sanctions().count(), 0);
    assert!(!a.applies("sanction.key_supervision"));
    assert_eq!(a.key_supervision, None);
    assert_eq!(a.suspended.len(), 1);
    assert_eq!(a.suspended[0].record.id, RecordId(1));
    assert_eq!(a.suspended[0].objection.id(), ObjectionId(1));
    assert_eq!(a.suspended[0].basis.rule, "objection.suspend_while_checked");
    let summary = a.summary();
    assert_eq!(summary.suspended, [RecordId(1)]);
    assert!(!summary.key_supervision);
    assert!(serde_json::to_string(&summary)
        .unwrap()
        .contains("\"suspended\":[1]"));

    // Once the applicant is notified (record kept), sanctions apply again.
    let notified = advance(&mut case.objections[0], 3, false);
    let a = assess(&case.dossier(), &rules_on, &WeekendCalendar, notified).unwrap();
    assert!(a.suspended.is_empty());
    assert!(a.applies("sanction.no_fiscal_funding"));
    assert!(a.key_supervision.is_some());
    // The day before, still suspended.
    let before = notified.pred_opt().unwrap();
    let a = assess(&case.dossier(), &rules_on, &WeekendCalendar, before).unwrap();
    assert_eq!(a.suspended.len(), 1);
}

#[test]
fn measures_with_other_grounds_still_apply() {
    let policy = suspending();
    let rules_on = with_objections(&policy);
    let mut case = severe_case();
    case.records.push(fined(
        2,
        &case,
        Severity::Severe,
        d(2020, 3, 2),
        d(2020, 3, 12),
    ));
    case.objections
        .push(objection(1, &case.records[0], d(2020, 3, 20)));
    let a = assess(&case.dossier(), &rules_on, &WeekendCalendar, d(2020, 4, 1)).unwrap();
    let m = a.measure("sanction.no_fiscal_funding").unwrap();
    assert_eq!(m.records().collect::<Vec<_>>(), [RecordId(2)]);
    assert!(a.key_supervision.is_some());
    // The severity grounds still name both records.
    assert_eq!(a.severity_grounds.len(), 2);
}

#[test]
fn objections_not_under_review_or_of_other_subjects_suspend_nothing() {
    let policy = suspending();
    let rules_on = with_objections(&policy);
    let mut case = severe_case();
    // Received after the day asked.
    case.objections
        .push(objection(1, &case.records[0], d(2020, 4, 2)));
    // Withdrawn before it.
    let mut w = objection(2, &case.records[0], d(2020, 3, 15));
    advance(&mut w, 1, true);
    case.objections.push(w);
    // By another subject, naming the record's id.
    case.objections.push(Objection::receive(
        ObjectionId(3),
        case.records[0].id,
        org(21).id(),
        Receipt::Written { on: d(2020, 3, 15) },
        "王芳",
        "not mine",
    ));
    let a = assess(&case.dossier(), &rules_on, &WeekendCalendar, d(2020, 4, 1)).unwrap();
    assert!(a.suspended.is_empty());
    assert!(a.applies("sanction.no_fiscal_funding"));
}

#[test]
fn an_organization_objection_suspends_what_its_record_brings_to_a_person() {
    let policy = suspending();
    let rules_on = with_objections(&policy);
    let org_case = severe_case();
    let mut case = Case::new(person(20));
    link(
        &mut case.roster,
        &org_case.subject,
        &case.subject,
        Role::LegalRepresentative,
        d(2019, 1, 1),
        None,
    );
    case.records = org_case.records.clone();
    case.objections
        .push(objection(1, &org_case.records[0], d(2020, 3, 20)));
    let on = d(2020, 4, 1);
    let a = assess(&case.dossier(), &rules_on, &WeekendCalendar, on).unwrap();
    assert_eq!(a.suspended.len(), 1);
    assert!(!a.applies("sanction.personal_credit_record"));
    let off = assess(&case.dossier(), &rules(), &WeekendCalendar, on).unwrap();
    assert!(off.applies("sanction.personal_credit_record"));
}

// ---------------------------------------------------------------------------
// Properties

#[derive(Debug, Clone)]
struct RecordSpec {
    severe: bool,
    occurred: u64,
    recorded_after: u64,
    decision: bool,
}

#[derive(Debug, Clone)]
struct ObjectionSpec {
    record: usize,
    received: u64,
    steps: u8,
    withdraw: bool,
}

/// A day `days` after the 2019 repair rules took effect.
fn after(days: u64) -> NaiveDate {
    d(2019, 7, 1).checked_add_days(Days::new(days)).unwrap()
}

fn record_spec() -> impl Strategy<Value = RecordSpec> {
    (any::<bool>(), 0u64..2400, 0u64..30, any::<bool>()).prop_map(
        |(severe, occurred, recorded_after, decision)| RecordSpec {
            severe,
            occurred,
            recorded_after,
            decision,
        },
    )
}

fn objection_spec() -> impl Strategy<Value = ObjectionSpec> {
    (0usize..6, 0u64..2500, 0u8..5, any::<bool>()).prop_map(
        |(record, received, steps, withdraw)| ObjectionSpec {
            record,
            received,
            steps,
            withdraw,
        },
    )
}

fn build(records: &[RecordSpec]) -> Case {
    let mut case = Case::new(org(30));
    for (i, spec) in records.iter().enumerate() {
        let occurred = after(spec.occurred);
        let recorded = occurred
            .checked_add_days(Days::new(spec.recorded_after))
            .unwrap();
        let severity = if spec.severe {
            Severity::Severe
        } else {
            Severity::General
        };
        let r = fined(i as u64 + 1, &case, severity, occurred, recorded);
        case.records.push(if spec.decision {
            r
        } else {
            MisconductRecord {
                decision: None,
                ..r
            }
        });
    }
    case
}

/// The objections of `specs` to the records of `case`, and the last day
/// any of them took a step.
fn objections_for(case: &Case, specs: &[ObjectionSpec]) -> (Vec<Objection>, NaiveDate) {
    let mut last = NaiveDate::MIN;
    let objections = specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let record = &case.records[s.record % case.records.len()];
            let mut o = objection(i as u64 + 1, record, after(s.received));
            last = last.max(advance(&mut o, s.steps, s.withdraw));
            o
        })
        .collect();
    (objections, last)
}

/// Whether the repair timeline lets `record` be repaired on `day` as far
/// as time and bars go (every other condition met).
fn possible(timeline: &RepairTimeline, record: &MisconductRecord, day: NaiveDate) -> bool {
    let facts = RepairFacts {
        decision: record.decision.clone().unwrap(),
        corrected_on: Some(record.recorded_on),
        effects_removed_on: Some(record.recorded_on),
        commitment_signed_on: Some(record.recorded_on),
        training_attended_on: Some(record.recorded_on),
        credit_report_on: Some(record.recorded_on),
    };
    timeline
        .eligibility(record, &facts, &[], day)
        .is_ok_and(|e| {
            !e.unmet.iter().any(|u| {
                matches!(
                    u.condition,
                    Condition::MinimumPeriodElapsed { .. } | Condition::Repairable
                )
            })
        })
}

fn any_severity() -> impl Strategy<Value = Severity> {
    prop::sample::select(Severity::ALL.to_vec())
}

fn any_domain() -> impl Strategy<Value = PenaltyDomain> {
    prop::sample::select(vec![
        PenaltyDomain::FoodAndDrugs,
        PenaltyDomain::Environment,
        PenaltyDomain::WorkSafety,
        PenaltyDomain::FireSafety,
        PenaltyDomain::SpecialEquipment,
        PenaltyDomain::Other,
    ])
}

fn any_penalties() -> impl Strategy<Value = Vec<PenaltyKind>> {
    prop::collection::vec(
        prop::sample::select(vec![
            PenaltyKind::Warning,
            PenaltyKind::Fine,
            PenaltyKind::HaltBusiness,
            PenaltyKind::LicenceRevocation,
        ]),
        0..3,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn by_default_open_objections_never_change_the_summary(
        records in prop::collection::vec(record_spec(), 1..6),
        objections in prop::collection::vec(objection_spec(), 1..5),
        as_of in 0u64..2600,
    ) {
        let mut case = build(&records);
        let as_of = after(as_of);
        let without = assess(&case.dossier(), &rules(), &WeekendCalendar, as_of).unwrap().summary();
        case.objections = objections_for(&case, &objections).0;
        let with = assess(&case.dossier(), &rules(), &WeekendCalendar, as_of).unwrap();
        prop_assert!(with.suspended.is_empty());
        prop_assert_eq!(with.summary(), without);
    }

    #[test]
    fn with_the_switch_on_objections_finished_before_the_day_change_nothing(
        records in prop::collection::vec(record_spec(), 1..6),
        objections in prop::collection::vec(objection_spec(), 1..5),
        gap in 1u64..400,
    ) {
        let policy = suspending();
        let rules_on = with_objections(&policy);
        let mut case = build(&records);
        let finished: Vec<ObjectionSpec> = objections
            .into_iter()
            .map(|o| ObjectionSpec { steps: if o.withdraw { o.steps } else { 4 }, ..o })
            .collect();
        let (objections, last) = objections_for(&case, &finished);
        let as_of = last.checked_add_days(Days::new(gap)).unwrap();
        let without = assess(&case.dossier(), &rules_on, &WeekendCalendar, as_of).unwrap().summary();
        case.objections = objections;
        let with = assess(&case.dossier(), &rules_on, &WeekendCalendar, as_of).unwrap();
        prop_assert!(with.suspended.is_empty());
        prop_assert_eq!(with.summary(), without);
    }

    #[test]
    fn suspension_only_withdraws_sanctions(
        records in prop::collection::vec(record_spec(), 1..6),
        objections in prop::collection::vec(objection_spec(), 1..5),
        as_of in 0u64..2600,
    ) {
        let policy = suspending();
        let rules_on = with_objections(&policy);
        let plain = build(&records);
        let mut case = build(&records);
        case.objections = objections_for(&case, &objections).0;
        let as_of = after(as_of);
        let off = assess(&plain.dossier(), &rules_on, &WeekendCalendar, as_of).unwrap();
        let on = assess(&case.dossier(), &rules_on, &WeekendCalendar, as_of).unwrap();
        prop_assert_eq!(on.worst_severity, off.worst_severity);
        prop_assert_eq!(&on.green_channel, &off.green_channel);
        prop_assert_eq!(on.next_change.as_ref().map(|n| n.on), off.next_change.as_ref().map(|n| n.on));
        for m in on.measures() {
            prop_assert!(off.applies(&m.measure().id), "{} applies only when suspended", m.measure().id);
            for r in m.records() {
                prop_assert!(!on.suspended.iter().any(|s| s.record.id == r));
            }
        }
        for m in off.incentives() {
            prop_assert!(on.applies(&m.measure().id));
        }
        for s in &on.suspended {
            prop_assert!(case.objections.iter().any(|o| o.record() == Some(s.record.id) && o.under_review_on(as_of)));
        }
        if on.suspended.is_empty() {
            prop_assert_eq!(on.summary(), off.summary());
        }
    }

    /// The window's next opening against a day-by-day model: the first day
    /// after `as_of` on which the repair timeline allows an application
    /// (as far as time and bars go) and did not the day before.
    #[test]
    fn the_next_opening_agrees_with_the_timeline_day_by_day(
        severity in any_severity(),
        domain in any_domain(),
        penalties in any_penalties(),
        decided_after in 0u64..2800,
        asked_after in 0u64..700,
    ) {
        let mut case = Case::new(org(31));
        let decided_on = after(decided_after);
        let r = record(1, &case.subject, "warning", severity, decided_on, decided_on);
        case.records.push(decided(r, decided_on, domain, &penalties));
        let as_of = decided_on.checked_add_days(Days::new(asked_after)).unwrap();
        let rules = rules();
        let a = assess(&case.dossier(), &rules, &WeekendCalendar, as_of).unwrap();
        let record = &case.records[0];
        // Publication ends (and with it the record's sanctions and window).
        let ends = rules
            .repair
            .publication_end(record.severity, record.decision.as_ref().unwrap())
            .map(|e| e.on);
        let Some(w) = a.repair_windows().next() else {
            prop_assert!(ends.is_some_and(|e| e <= as_of), "no window while published");
            return Ok(());
        };
        prop_assert!(ends.is_none_or(|e| e > as_of));
        let mut model = None;
        let mut day = as_of;
        let horizon = as_of
            .checked_add_days(Days::new(5 * 366))
            .unwrap()
            .min(ends.map_or(NaiveDate::MAX, |e| e.pred_opt().unwrap()));
        let mut before = possible(rules.repair, record, day);
        while day < horizon {
            day = day.succ_opt().unwrap();
            let now = possible(rules.repair, record, day);
            if now && !before {
                model = Some(day);
                break;
            }
            before = now;
        }
        prop_assert_eq!(w.next_opening, model);
        prop_assert_eq!(window_changes(&a).contains(&RecordId(1)), a.next_change.as_ref().is_some_and(|n| Some(n.on) == model));
        // Possible today exactly when the window under today's policy or the
        // one under the policy governing the decision is open.
        let governing = rules
            .repair
            .governing(decided_on)
            .and_then(|g| g.periods(severity, record.decision.as_ref().unwrap()).ok())
            .is_some_and(|p| p.barred_by.is_none() && p.earliest_application <= as_of);
        prop_assert_eq!(
            w.earliest_application().is_some_and(|e| e <= as_of) || governing,
            possible(rules.repair, record, as_of)
        );
    }
}

proptest! {
    // Ties on a policy's first day need many cases to turn up.
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// With several records and a list exit competing, the next change
    /// names exactly the records whose own next opening is its day, and no
    /// opening comes before it (the assessment looks for openings only up
    /// to the earliest change it has seen).
    #[test]
    fn the_next_change_holds_every_window_opening_on_its_day(
        records in prop::collection::vec(
            (any_severity(), any_domain(), any_penalties(), 0u64..2800),
            1..8,
        ),
        listed_after in prop::option::of(0u64..2800),
        asked_after in 0u64..3000,
    ) {
        let mut case = Case::new(org(32));
        for (i, (severity, domain, penalties, decided_after)) in records.iter().enumerate() {
            let decided_on = after(*decided_after);
            let r = record(i as u64 + 1, &case.subject, "warning", *severity, decided_on, decided_on);
            case.records.push(decided(r, decided_on, *domain, penalties));
        }
        if let Some(listed_after) = listed_after {
            let id = case.subject.id();
            case.lists.push(ListEntry::new(
                id,
                ListKind::BlackList { domain: Domain::new("social_organizations") },
                after(listed_after),
            ));
        }
        let as_of = after(asked_after);
        let rules = rules();
        let a = assess(&case.dossier(), &rules, &WeekendCalendar, as_of).unwrap();
        let openings: Vec<(RecordId, NaiveDate)> = a
            .repair_windows()
            .filter_map(|w| w.next_opening.map(|on| (w.record.id, on)))
            .collect();
        match &a.next_change {
            None => prop_assert!(openings.is_empty(), "openings {openings:?} but no next change"),
            Some(next) => {
                prop_assert!(next.on > as_of);
                prop_assert!(openings.iter().all(|(_, on)| *on >= next.on), "{openings:?} before {}", next.on);
                let on_the_day: Vec<RecordId> = openings
                    .iter()
                    .filter(|(_, on)| *on == next.on)
                    .map(|(id, _)| *id)
                    .collect();
                prop_assert_eq!(window_changes(&a), on_the_day);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Through the registry

#[test]
fn the_registry_assesses_with_its_objection_policy() {
    use rust_decimal::Decimal;
    use social_credit::calendar::ChinaCalendar;
    use social_credit::misconduct::{ConductKind, RecordContent};
    use social_credit::registry::{NewRecord, Registry, RuleBook};
    use social_credit::store::MemoryStore;

    let run = |objection: ObjectionPolicy| {
        let registry = Registry::new(
            MemoryStore::new(),
            ChinaCalendar::official(),
            RuleBook {
                objection,
                ..RuleBook::xinzheng_2019()
            },
        );
        let subject = org(40);
        let id = subject.id();
        registry
            .register_subject(subject, &who::clerk(), d(2019, 1, 7))
            .unwrap();
        let rec = registry
            .record_misconduct(
                NewRecord {
                    subject: id.clone(),
                    conduct: ConductKind::new("fine"),
                    section: Section::SocialOrganizations,
                    occurred_on: d(2019, 3, 1),
                    ended_on: Some(d(2019, 3, 1)),
                    content: RecordContent {
                        description: "fees above the approved standard".into(),
                        legal_basis: "art. 30".into(),
                        evidence: vec![],
                        fine: Some(Decimal::from(60_000)),
                    },
                    decision: None,
                },
                &who::section(),
                d(2019, 3, 4),
            )
            .unwrap();
        registry
            .receive_objection(
                rec.id,
                Receipt::Written { on: d(2019, 3, 20) },
                "the fine was paid on time",
                &who::office(),
            )
            .unwrap();
        (rec.id, registry.assess(&id, d(2019, 4, 1)).unwrap())
    };
    let (_, plan) = run(ObjectionPolicy::default());
    assert!(plan.suspended.is_empty());
    assert!(plan.key_supervision);
    let (rec, on) = run(suspending());
    assert_eq!(on.suspended, [rec]);
    assert_eq!(on.worst_severity, Some(Severity::Severe));
    // Key supervision and the record's sanctions are suspended; the
    // serious-list standing (a blacklist, not the record) still counts.
    assert!(on.measures.iter().all(|m| !m.records.contains(&rec)));
}

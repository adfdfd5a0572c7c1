//! Publication periods that end, and what ends with them (plan §6(7):
//! 有限期惩戒, 有条件修复; 527; NDRC Orders No. 58 and No. 36): the
//! properties issue 14 asks for, against the assessment and the timeline.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "data/fixtures.rs"]
mod fixtures;

use chrono::{Days, NaiveDate};
use fixtures::*;
use proptest::prelude::*;
use social_credit::assess::{assess, restoration, Change};
use social_credit::calendar::WeekendCalendar;
use social_credit::misconduct::{MisconductRecord, RecordId, RecordStatus, Severity};
use social_credit::repair::{
    PenaltyDecision, PenaltyDomain, PenaltyKind, Procedure, RepairFacts, RepairTimeline,
};

fn after(days: u64) -> NaiveDate {
    d(2018, 6, 1).checked_add_days(Days::new(days)).unwrap()
}

fn any_severity() -> impl Strategy<Value = Severity> {
    prop::sample::select(Severity::ALL.to_vec())
}

fn any_domain() -> impl Strategy<Value = PenaltyDomain> {
    prop::sample::select(vec![
        PenaltyDomain::FoodAndDrugs,
        PenaltyDomain::ConstructionQuality,
        PenaltyDomain::WorkSafety,
        PenaltyDomain::SpecialEquipment,
        PenaltyDomain::CompulsoryCertification,
        PenaltyDomain::Other,
    ])
}

fn any_penalties() -> impl Strategy<Value = Vec<PenaltyKind>> {
    prop::collection::vec(
        prop::sample::select(vec![
            PenaltyKind::Warning,
            PenaltyKind::Fine,
            PenaltyKind::LargeFine,
            PenaltyKind::VeryLargeFine,
            PenaltyKind::HaltBusiness,
            PenaltyKind::LicenceRevocation,
        ]),
        0..3,
    )
}

fn any_decision() -> impl Strategy<Value = (Severity, PenaltyDecision)> {
    (
        any_severity(),
        0u64..3300,
        any_domain(),
        any_penalties(),
        any::<bool>(),
    )
        .prop_map(|(severity, day, domain, penalties, simplified)| {
            let mut decision = PenaltyDecision::new(after(day), domain, penalties);
            if simplified {
                decision.procedure = Procedure::Simplified;
            }
            (severity, decision)
        })
}

fn decided_record(
    id: u64,
    case: &Case,
    severity: Severity,
    decision: PenaltyDecision,
) -> MisconductRecord {
    let on = decision.decided_on;
    let mut r = record(
        id,
        &case.subject,
        "suspension_of_activities",
        severity,
        on,
        on,
    );
    r.decision = Some(decision);
    r
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// plan §6(7) 有限期惩戒: no measure and no severity rests on a record
    /// on or after the day its publication ends; before it, the record
    /// counts, and the day it ends is announced as the next change when
    /// nothing comes earlier.
    #[test]
    fn a_record_never_grounds_a_measure_after_its_publication_end(
        decisions in prop::collection::vec(any_decision(), 1..5),
        asked in 0u64..4000,
    ) {
        let mut case = Case::new(org(7));
        for (i, (severity, decision)) in decisions.into_iter().enumerate() {
            let r = decided_record(i as u64 + 1, &case, severity, decision);
            case.records.push(r);
        }
        let rules = rules();
        let as_of = after(asked);
        let a = assess(&case.dossier(), &rules, &WeekendCalendar, as_of).unwrap();
        let end = |r: &MisconductRecord| {
            rules.repair.publication_end(r.severity, r.decision.as_ref().unwrap()).map(|e| e.on)
        };
        for m in a.measures() {
            for id in m.records() {
                let r = case.records.iter().find(|r| r.id == id).unwrap();
                let e = end(r);
                prop_assert!(e.is_none_or(|e| e > as_of), "{} grounds {} after its end {:?}", id, m.measure().id, e);
            }
        }
        let live: Vec<&MisconductRecord> = case
            .records
            .iter()
            .filter(|r| r.recorded_on <= as_of && end(r).is_none_or(|e| e > as_of))
            .collect();
        prop_assert_eq!(a.worst_severity, live.iter().map(|r| r.severity).max());
        let next_end = live.iter().filter_map(|r| end(r)).min();
        if let (Some(next), Some(e)) = (&a.next_change, next_end) {
            prop_assert!(next.on <= e);
            let announced = next.changes.iter().any(|c| matches!(c, Change::PublicationEnds { .. }));
            prop_assert_eq!(announced, next.on == e);
        }
    }

    /// Publication never ends before the minimum period of a regime that
    /// answers for the record (the governing one, or the one in force when it
    /// ends) has run, unless that regime does not publish it at all.
    #[test]
    fn publication_end_is_never_before_the_minimum_period(
        (severity, decision) in any_decision(),
    ) {
        let t = RepairTimeline::default();
        let Some(end) = t.publication_end(severity, &decision) else {
            return Ok(());
        };
        prop_assert!(end.on >= decision.decided_on);
        let before = end.on.pred_opt().unwrap();
        let candidates = [t.governing(decision.decided_on), t.in_force_on(end.on), t.in_force_on(before)];
        let ok = candidates.iter().flatten().any(|p| {
            let periods = p.periods(severity, &decision).unwrap();
            !periods.published || periods.earliest_application <= end.on
        });
        prop_assert!(ok, "ends {} before any minimum period has run", end.on);
    }

    /// Repair never opens before the minimum period of the regime it is
    /// granted under, and that regime governs the decision or is in force
    /// on the day.
    #[test]
    fn repair_never_opens_before_the_minimum_period_of_its_regime(
        (severity, decision) in any_decision(),
        asked in 0u64..1500,
    ) {
        let t = RepairTimeline::default();
        let case = Case::new(org(8));
        let r = decided_record(1, &case, severity, decision.clone());
        let mut facts = RepairFacts::new(decision.clone());
        facts.corrected_on = Some(decision.decided_on);
        facts.commitment_signed_on = Some(decision.decided_on);
        facts.training_attended_on = Some(decision.decided_on);
        facts.credit_report_on = Some(decision.decided_on);
        let on = decision.decided_on.checked_add_days(Days::new(asked)).unwrap();
        let Ok(e) = t.eligibility(&r, &facts, &[], on) else {
            return Ok(());
        };
        if e.is_eligible() {
            let policy = t.policies().iter().find(|p| p.basis == e.policy).unwrap();
            prop_assert!(policy.is_in_force(on) || t.governing(decision.decided_on) == Some(policy));
            let periods = policy.periods(severity, &decision).unwrap();
            prop_assert!(periods.earliest_application <= on);
            prop_assert!(periods.barred_by.is_none());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// plan §6(3): restoration lists, for each day before the revocation,
    /// exactly the measures the revoked record grounded that day and that
    /// nothing else still grounded.
    #[test]
    fn restoration_lists_exactly_what_only_the_wrong_record_grounded(
        severities in prop::collection::vec(any_severity(), 1..4),
        revoked_after in 1u64..120,
        gaps in prop::collection::vec(0u64..60, 1..4),
    ) {
        let mut case = Case::new(org(9));
        let start = d(2019, 9, 1);
        let mut day = start;
        for (i, (severity, gap)) in severities.iter().zip(gaps.iter().cycle()).enumerate() {
            day = day.checked_add_days(Days::new(*gap)).unwrap();
            let r = decided_record(
                i as u64 + 1,
                &case,
                *severity,
                PenaltyDecision::new(day, PenaltyDomain::Other, vec![PenaltyKind::Fine]),
            );
            case.records.push(r);
        }
        let target = case.records[0].recorded_on;
        let revoked_on = target.checked_add_days(Days::new(revoked_after)).unwrap();
        let unrevoked = case.records.clone();
        case.records[0] = with_status(case.records[0].clone(), revoked_on, RecordStatus::Revoked);
        let rules = rules();
        let r = restoration(&case.dossier(), &rules, &WeekendCalendar, RecordId(1)).unwrap();
        let mut without = Case::new(org(9));
        without.records = unrevoked[1..].to_vec();
        let mut with = Case::new(org(9));
        with.records = unrevoked.clone();
        let mut on = target;
        while on < revoked_on {
            let a = assess(&with.dossier(), &rules, &WeekendCalendar, on).unwrap();
            let b = assess(&without.dossier(), &rules, &WeekendCalendar, on).unwrap();
            for m in rules.catalogue.measures() {
                let listed = r.measures.iter().any(|x| x.measure.id == m.id && x.from <= on && on <= x.until);
                let only = a.measure(&m.id).is_some_and(|x| x.records().any(|id| id == RecordId(1)))
                    && !b.applies(&m.id);
                prop_assert_eq!(listed, only, "{} on {}", m.id, on);
            }
            on = on.checked_add_days(Days::new(7)).unwrap();
        }
    }
}

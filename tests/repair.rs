//! Credit repair as a user sees it: plan §6(7) and the national repair rules.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use proptest::prelude::*;
use social_credit::audit::AuditAction;
use social_credit::misconduct::{
    ConductKind, MisconductRecord, RecordContent, RecordId, RecordStatus, Section, Severity,
    StatusChange,
};
use social_credit::repair::{
    Condition, PenaltyDecision, PenaltyDomain, PenaltyKind, RepairError, RepairFacts, RepairPolicy,
    RepairTimeline,
};
use social_credit::{Citation, ResidentId, SubjectId, Uscc};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn org() -> SubjectId {
    "91350100M000100Y43".parse::<Uscc>().unwrap().into()
}

fn person() -> SubjectId {
    "34052419800101001X".parse::<ResidentId>().unwrap().into()
}

fn record(id: u64, severity: Severity, occurred_on: NaiveDate) -> MisconductRecord {
    MisconductRecord {
        id: RecordId(id),
        subject: org(),
        conduct: ConductKind::new("fine_under_50000"),
        severity,
        graded_by: Citation::new("grading.test", "MCA Order No. 60 (2018)"),
        section: Section::SocialOrganizations,
        occurred_on,
        ended_on: Some(occurred_on),
        recorded_on: occurred_on,
        decision: None,
        content: Some(RecordContent {
            description: "accounts not disclosed".into(),
            legal_basis: "Regulation on social associations art. 30".into(),
            evidence: vec!["XZMZ-2019-7".into()],
            fine: None,
        }),
        corrected: None,
        corrected_severity: None,
        history: vec![],
    }
}

fn decision(
    decided_on: NaiveDate,
    domain: PenaltyDomain,
    penalties: &[PenaltyKind],
) -> PenaltyDecision {
    PenaltyDecision::new(decided_on, domain, penalties.to_vec())
}

/// Facts with every condition met on `done_on`.
fn all_done(decision: PenaltyDecision, done_on: NaiveDate) -> RepairFacts {
    RepairFacts {
        decision,
        corrected_on: Some(done_on),
        effects_removed_on: Some(done_on),
        commitment_signed_on: Some(done_on),
        training_attended_on: Some(done_on),
        credit_report_on: Some(done_on),
    }
}

fn conditions(e: &social_credit::repair::Eligibility) -> Vec<Condition> {
    e.unmet.iter().map(|u| u.condition.clone()).collect()
}

// ---- periods of each preset (hand-worked) --------------------------------------

/// One hand-worked case: (policy, severity, domain, penalties, decided on,
/// earliest application, last published day, barred).
type PeriodCase<'a> = (
    &'a RepairPolicy,
    Severity,
    PenaltyDomain,
    &'a [PenaltyKind],
    NaiveDate,
    NaiveDate,
    NaiveDate,
    bool,
);

#[test]
fn preset_periods_hand_worked() {
    use PenaltyDomain::*;
    use PenaltyKind::{Fine, HaltBusiness, LicenceRevocation, Warning};
    use Severity::*;
    let p19 = RepairPolicy::plan_era_2019();
    let p23 = RepairPolicy::order_58_2023();
    let p26 = RepairPolicy::national_2026();
    let cases: &[PeriodCase] = &[
        // 527: general 3 months / 1 year; minimum ends 2019-11-30.
        (
            &p19,
            General,
            Other,
            &[Fine],
            day(2019, 8, 31),
            day(2019, 12, 1),
            day(2020, 8, 31),
            false,
        ),
        (
            &p19,
            Minor,
            Other,
            &[Warning],
            day(2019, 8, 31),
            day(2019, 12, 1),
            day(2020, 8, 31),
            false,
        ),
        // 527: general is the residual class, so 较重 takes its periods
        // (DESIGN.md); this case said 6 months / 3 years before.
        (
            &p19,
            Serious,
            Other,
            &[Fine],
            day(2019, 8, 31),
            day(2019, 12, 1),
            day(2020, 8, 31),
            false,
        ),
        (
            &p19,
            Severe,
            Other,
            &[Fine],
            day(2019, 8, 31),
            day(2020, 3, 1),
            day(2022, 8, 31),
            false,
        ),
        // 527 specific serious: halt/revocation in food and drugs, environment,
        // work safety, fire safety: 3 years, not repairable, even at a lower tier.
        (
            &p19,
            General,
            FoodAndDrugs,
            &[Warning, LicenceRevocation],
            day(2020, 1, 10),
            day(2020, 4, 11),
            day(2023, 1, 10),
            true,
        ),
        (
            &p19,
            Severe,
            Environment,
            &[HaltBusiness],
            day(2020, 1, 10),
            day(2020, 7, 11),
            day(2023, 1, 10),
            true,
        ),
        (
            &p19,
            Severe,
            WorkSafety,
            &[LicenceRevocation],
            day(2020, 1, 10),
            day(2020, 7, 11),
            day(2023, 1, 10),
            true,
        ),
        (
            &p19,
            Severe,
            FireSafety,
            &[HaltBusiness],
            day(2020, 1, 10),
            day(2020, 7, 11),
            day(2023, 1, 10),
            true,
        ),
        // Not specific serious: wrong penalty type, or wrong field.
        (
            &p19,
            Severe,
            Environment,
            &[Fine],
            day(2020, 1, 10),
            day(2020, 7, 11),
            day(2023, 1, 10),
            false,
        ),
        (
            &p19,
            General,
            Other,
            &[LicenceRevocation],
            day(2020, 1, 10),
            day(2020, 4, 11),
            day(2021, 1, 10),
            false,
        ),
        // Order No. 58: 3 months / 3 years at every tier.
        (
            &p23,
            General,
            Other,
            &[Fine],
            day(2023, 6, 15),
            day(2023, 9, 16),
            day(2026, 6, 15),
            false,
        ),
        (
            &p23,
            Severe,
            Other,
            &[LicenceRevocation],
            day(2023, 6, 15),
            day(2023, 9, 16),
            day(2026, 6, 15),
            false,
        ),
        // ... at least 1 year in special equipment, work safety, fire safety.
        (
            &p23,
            General,
            SpecialEquipment,
            &[Fine],
            day(2023, 6, 15),
            day(2024, 6, 16),
            day(2026, 6, 15),
            false,
        ),
        (
            &p23,
            General,
            WorkSafety,
            &[Warning],
            day(2023, 6, 15),
            day(2024, 6, 16),
            day(2026, 6, 15),
            false,
        ),
        (
            &p23,
            Minor,
            FireSafety,
            &[Fine, HaltBusiness],
            day(2024, 2, 29),
            day(2025, 3, 1),
            day(2027, 2, 28),
            false,
        ),
        // ... and in food and drugs (this case said 3 months before).
        (
            &p23,
            General,
            FoodAndDrugs,
            &[HaltBusiness],
            day(2023, 6, 15),
            day(2024, 6, 16),
            day(2026, 6, 15),
            false,
        ),
        // 2026: minor none / 3 months; general 3 months / 1 year; 较重 as general;
        // severe 1 year / 3 years.
        (
            &p26,
            Minor,
            Other,
            &[Warning],
            day(2026, 4, 10),
            day(2026, 4, 10),
            day(2026, 7, 10),
            false,
        ),
        (
            &p26,
            General,
            Other,
            &[Fine],
            day(2026, 4, 10),
            day(2026, 7, 11),
            day(2027, 4, 10),
            false,
        ),
        (
            &p26,
            Serious,
            Other,
            &[Fine],
            day(2026, 4, 10),
            day(2026, 7, 11),
            day(2027, 4, 10),
            false,
        ),
        (
            &p26,
            Severe,
            Other,
            &[LicenceRevocation],
            day(2026, 4, 10),
            day(2027, 4, 11),
            day(2029, 4, 10),
            false,
        ),
        (
            &p26,
            Severe,
            FoodAndDrugs,
            &[HaltBusiness],
            day(2026, 11, 30),
            day(2027, 12, 1),
            day(2029, 11, 30),
            false,
        ),
    ];
    for (i, (policy, severity, domain, penalties, decided, earliest, last, barred)) in
        cases.iter().enumerate()
    {
        let p = policy
            .periods(*severity, &decision(*decided, *domain, penalties))
            .unwrap();
        assert_eq!(p.earliest_application, *earliest, "case {i}");
        assert_eq!(p.last_published_day, *last, "case {i}");
        assert_eq!(p.barred_by.is_some(), *barred, "case {i}");
        assert!(!p.basis.is_empty());
    }
}

#[test]
fn presets_cite_their_sources() {
    let p19 = RepairPolicy::plan_era_2019();
    assert!(p19.basis.source.contains("发改办财金〔2019〕527号"));
    assert!(p19.tiers.iter().all(|t| t.basis.source.contains("527号")));
    assert!(p19.decision_rules[0].basis.source.contains("527号"));
    let p23 = RepairPolicy::order_58_2023();
    assert!(p23.basis.source.contains("Order No. 58"));
    let p26 = RepairPolicy::national_2026();
    assert!(p26.basis.source.contains("国办发〔2025〕22号"));
    assert!(p26.basis.source.contains("信用修复管理办法"));
    for p in [&p19, &p23, &p26] {
        // Conditions as each text lists them, each citing it; none invented.
        assert!(!p.conditions.is_empty());
        for c in &p.conditions {
            assert!(
                c.basis
                    .source
                    .contains(p.basis.source.split(' ').next().unwrap())
                    || c.basis.source.contains("Order No. 36"),
                "{}: {}",
                p.name,
                c.basis.source
            );
            assert_ne!(
                c.kind,
                social_credit::repair::ConditionKind::NoNewMisconduct
            );
            assert_ne!(c.kind, social_credit::repair::ConditionKind::EffectsRemoved);
        }
        p.validate().unwrap();
        // Every tier of the one scale has periods.
        for s in Severity::ALL {
            assert!(
                p.tiers.iter().any(|t| t.severity == s),
                "{} lacks {s}",
                p.name
            );
        }
    }
    assert_eq!(p19.in_force_from, day(2019, 7, 1));
    assert_eq!(p19.in_force_until, Some(day(2023, 4, 30)));
    assert_eq!(p23.in_force_from, day(2023, 5, 1));
    assert_eq!(p23.in_force_until, Some(day(2026, 3, 31)));
    assert_eq!(p26.in_force_from, day(2026, 4, 1));
    assert_eq!(p26.in_force_until, None);
}

#[test]
fn policies_load_from_data() {
    let p = RepairPolicy::national_2026();
    let json = serde_json::to_string(&p).unwrap();
    let back: RepairPolicy = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
    let toml_text = r#"
        name = "local 2030"
        in_force_from = "2030-01-01"
        basis = { rule = "repair.local_2030", source = "local notice 2029 no. 1" }
        conditions = [
            { kind = "conduct_corrected", basis = { rule = "repair.local.corrected", source = "local notice 2029 no. 1 art. 3" } },
            { kind = "no_new_misconduct", basis = { rule = "repair.local.no_new", source = "local notice 2029 no. 1 art. 3" } },
        ]
        [[tiers]]
        severity = "general"
        minimum_months = 1
        maximum_months = 6
        basis = { rule = "repair.local.general", source = "local notice 2029 no. 1 art. 2" }
        [[decision_rules]]
        domains = ["fire_safety"]
        minimum_months = 2
        repairable = true
        basis = { rule = "repair.local.fire", source = "local notice 2029 no. 1 art. 4" }
    "#;
    let local: RepairPolicy = toml::from_str(toml_text).unwrap();
    local.validate().unwrap();
    let periods = local
        .periods(
            Severity::General,
            &decision(
                day(2030, 1, 31),
                PenaltyDomain::FireSafety,
                &[PenaltyKind::Fine],
            ),
        )
        .unwrap();
    assert_eq!(periods.earliest_application, day(2030, 4, 1));
    assert_eq!(periods.last_published_day, day(2030, 7, 31));
    assert!(matches!(
        local.periods(
            Severity::Severe,
            &decision(day(2030, 1, 31), PenaltyDomain::Other, &[])
        ),
        Err(RepairError::NoPeriods {
            severity: Severity::Severe,
            ..
        })
    ));
}

// ---- eligibility ---------------------------------------------------------------

/// A policy loaded from data that requires every kind of condition (no
/// national text does: the presets list fewer).
fn demanding() -> RepairPolicy {
    use social_credit::repair::{ConditionKind, RepairCondition};
    let mut p = RepairPolicy::plan_era_2019();
    p.conditions = [
        ConditionKind::ConductCorrected,
        ConditionKind::EffectsRemoved,
        ConditionKind::CommitmentSigned,
        ConditionKind::NoNewMisconduct,
    ]
    .into_iter()
    .map(|kind| RepairCondition {
        kind,
        tiers: vec![],
        basis: Citation::new("repair.conditions", "local rule (test)"),
    })
    .collect();
    p
}

#[test]
fn every_unmet_condition_is_listed() {
    let p = demanding();
    let r = record(1, Severity::Severe, day(2019, 9, 1));
    let facts = RepairFacts {
        decision: decision(
            day(2019, 9, 10),
            PenaltyDomain::FireSafety,
            &[PenaltyKind::HaltBusiness],
        ),
        corrected_on: None,
        effects_removed_on: None,
        commitment_signed_on: Some(day(2019, 12, 1)), // signed, but later than asked
        training_attended_on: None,
        credit_report_on: None,
    };
    let mut newer = record(2, Severity::General, day(2019, 10, 1));
    newer.recorded_on = day(2019, 10, 2);
    let e = p
        .eligibility(&r, &facts, &[newer], day(2019, 11, 1))
        .unwrap();
    assert!(!e.is_eligible());
    assert_eq!(
        conditions(&e),
        [
            Condition::Repairable,
            Condition::MinimumPeriodElapsed {
                earliest_application: day(2020, 3, 11)
            },
            Condition::ConductCorrected,
            Condition::EffectsRemoved,
            Condition::CommitmentSigned,
            Condition::NoNewMisconduct {
                records: vec![RecordId(2)]
            },
        ]
    );
    assert_eq!(e.eligible_from, None);
    // Each carries the rule that sets it.
    assert_eq!(
        e.unmet[0].basis.rule,
        "repair.2019.specific_serious_not_repairable"
    );
    assert_eq!(e.unmet[1].basis.rule, "repair.2019.severe_periods");
    assert_eq!(e.unmet[2].basis.rule, "repair.conditions");
}

#[test]
fn when_only_time_is_missing_the_answer_says_when() {
    let p = RepairPolicy::national_2026();
    let r = record(1, Severity::Severe, day(2026, 4, 20));
    let facts = all_done(
        decision(day(2026, 5, 31), PenaltyDomain::Other, &[PenaltyKind::Fine]),
        day(2026, 6, 15),
    );
    let e = p.eligibility(&r, &facts, &[], day(2026, 7, 1)).unwrap();
    assert_eq!(e.eligible_from, Some(day(2027, 6, 1)));
    assert!(!p
        .eligibility(&r, &facts, &[], day(2027, 5, 31))
        .unwrap()
        .is_eligible());
    let ok = p.eligibility(&r, &facts, &[], day(2027, 6, 1)).unwrap();
    assert!(ok.is_eligible());
    assert_eq!(ok.eligible_from, None);
    assert_eq!(ok.periods.last_published_day, day(2029, 5, 31));
}

#[test]
fn new_misconduct_counts_only_when_new_known_same_subject_and_not_revoked() {
    // Only under a policy that requires it: no national text does.
    let mut p = demanding();
    p.decision_rules.clear();
    p.tiers = RepairPolicy::order_58_2023().tiers;
    let r = record(1, Severity::General, day(2023, 6, 1));
    let facts = all_done(
        decision(day(2023, 6, 10), PenaltyDomain::Other, &[]),
        day(2023, 7, 1),
    );
    let on = day(2023, 12, 1);
    let mut others = Vec::new();
    // Counts: same subject, after the decision, known by `on`.
    others.push(record(2, Severity::General, day(2023, 8, 1)));
    // Before the decision: not new.
    others.push(record(3, Severity::General, day(2023, 6, 5)));
    // Another subject.
    let mut o = record(4, Severity::General, day(2023, 8, 1));
    o.subject = person();
    others.push(o);
    // Recorded after the day asked: not yet known.
    let mut o = record(5, Severity::General, day(2023, 11, 1));
    o.recorded_on = day(2023, 12, 2);
    others.push(o);
    // Revoked by an objection: never counted.
    let mut o = record(6, Severity::General, day(2023, 9, 1));
    o.history.push(StatusChange {
        on: day(2023, 10, 1),
        status: RecordStatus::Revoked,
        by: "Office".into(),
        basis: Citation::new("objection.revoke", "plan §6(3)"),
    });
    others.push(o);
    // Corrected by an objection: still counts.
    let mut o = record(7, Severity::General, day(2023, 9, 1));
    o.history.push(StatusChange {
        on: day(2023, 10, 1),
        status: RecordStatus::Corrected,
        by: "Office".into(),
        basis: Citation::new("objection.correct", "plan §6(3)"),
    });
    others.push(o);
    // The record itself, passed again.
    others.push(r.clone());
    let e = p.eligibility(&r, &facts, &others, on).unwrap();
    assert_eq!(
        conditions(&e),
        [Condition::NoNewMisconduct {
            records: vec![RecordId(2), RecordId(7)]
        }]
    );
    assert_eq!(e.eligible_from, None);
}

#[test]
fn a_repaired_or_revoked_record_is_not_in_force() {
    let p = RepairPolicy::order_58_2023();
    let mut r = record(1, Severity::General, day(2023, 6, 1));
    r.history.push(StatusChange {
        on: day(2023, 7, 1),
        status: RecordStatus::Revoked,
        by: "Office".into(),
        basis: Citation::new("objection.revoke", "plan §6(3)"),
    });
    let facts = all_done(
        decision(day(2023, 6, 10), PenaltyDomain::Other, &[]),
        day(2023, 6, 20),
    );
    let e = p.eligibility(&r, &facts, &[], day(2024, 1, 1)).unwrap();
    assert_eq!(
        conditions(&e),
        [Condition::RecordInForce {
            status: RecordStatus::Revoked
        }]
    );
    // As of a day before the revocation, it was in force.
    let before = p.eligibility(&r, &facts, &[], day(2023, 6, 30)).unwrap();
    assert!(!before
        .unmet
        .iter()
        .any(|u| matches!(u.condition, Condition::RecordInForce { .. })));
}

#[test]
fn questions_that_cannot_be_judged_are_errors() {
    let t = RepairTimeline::default();
    let r = record(9, Severity::General, day(2023, 6, 1));
    let facts = all_done(
        decision(day(2023, 6, 10), PenaltyDomain::Other, &[]),
        day(2023, 7, 1),
    );
    assert_eq!(
        t.eligibility(&r, &facts, &[], day(2023, 5, 31)),
        Err(RepairError::BeforeRecord {
            record: RecordId(9),
            on: day(2023, 5, 31),
            recorded_on: day(2023, 6, 1)
        })
    );
    let early = all_done(
        decision(day(2023, 5, 1), PenaltyDomain::Other, &[]),
        day(2023, 7, 1),
    );
    let err = t.eligibility(&r, &early, &[], day(2024, 1, 1)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the penalty decision for record `R9` is dated `2023-05-01`, before the conduct on `2023-06-01`"
    );
    let old = record(10, Severity::General, day(2019, 1, 1));
    let facts = all_done(
        decision(day(2019, 1, 2), PenaltyDomain::Other, &[]),
        day(2019, 1, 3),
    );
    assert_eq!(
        t.eligibility(&old, &facts, &[], day(2019, 6, 30)),
        Err(RepairError::NoPolicyInForce {
            on: day(2019, 6, 30)
        })
    );
}

// ---- the timeline ------------------------------------------------------------------

#[test]
fn the_policy_in_force_on_the_day_asked_answers() {
    let t = RepairTimeline::default();
    // A severe decision of 2022-12-01: 527 wants 6 months, Order No. 58 three.
    let r = record(1, Severity::Severe, day(2022, 11, 1));
    let facts = all_done(
        decision(day(2022, 12, 1), PenaltyDomain::Other, &[]),
        day(2022, 12, 5),
    );
    let e = t.eligibility(&r, &facts, &[], day(2023, 4, 30)).unwrap();
    assert_eq!(e.policy.rule, "repair.policy_2019");
    assert_eq!(e.eligible_from, Some(day(2023, 6, 2)));
    let e = t.eligibility(&r, &facts, &[], day(2023, 5, 1)).unwrap();
    assert_eq!(e.policy.rule, "repair.policy_2023");
    assert!(e.is_eligible());
}

#[test]
fn a_stricter_new_policy_does_not_take_away_the_rule_of_the_decision_day() {
    // A severe decision of 2025-12-01 could be repaired from 2026-03-02 under
    // Order No. 58, which governs it (in force on the decision's day). The
    // 2026 rules' one-year minimum, in force from 2026-04-01, does not take
    // that away (DESIGN.md, "Which repair rules govern a record?"). Before,
    // the crate answered with the 2026 rules alone and refused repair here.
    let t = RepairTimeline::default();
    let r = record(1, Severity::Severe, day(2025, 11, 1));
    let facts = all_done(
        decision(day(2025, 12, 1), PenaltyDomain::Other, &[]),
        day(2025, 12, 5),
    );
    assert!(!t
        .eligibility(&r, &facts, &[], day(2026, 3, 1))
        .unwrap()
        .is_eligible());
    assert!(t
        .eligibility(&r, &facts, &[], day(2026, 3, 2))
        .unwrap()
        .is_eligible());
    let e = t.eligibility(&r, &facts, &[], day(2026, 4, 1)).unwrap();
    assert!(e.is_eligible());
    assert_eq!(e.policy.rule, "repair.policy_2023");
    // A decision made under the 2026 rules waits their year.
    let r = record(2, Severity::Severe, day(2026, 4, 1));
    let facts = all_done(
        decision(day(2026, 4, 2), PenaltyDomain::Other, &[]),
        day(2026, 4, 5),
    );
    let e = t.eligibility(&r, &facts, &[], day(2026, 9, 1)).unwrap();
    assert_eq!(e.eligible_from, Some(day(2027, 4, 3)));
}

#[test]
fn a_lighter_new_policy_applies_from_its_first_day() {
    // A 2020 "specific serious" decision is barred under 527; Order No. 58
    // has no bar and is more favourable: repair is possible from 2023-05-01.
    let t = RepairTimeline::default();
    let r = record(1, Severity::Severe, day(2020, 1, 1));
    let facts = all_done(
        decision(
            day(2020, 1, 10),
            PenaltyDomain::FoodAndDrugs,
            &[PenaltyKind::LicenceRevocation],
        ),
        day(2020, 2, 1),
    );
    let e = t.eligibility(&r, &facts, &[], day(2023, 4, 30)).unwrap();
    assert!(!e.is_eligible());
    assert_eq!(e.unmet[0].condition, Condition::Repairable);
    let e = t.eligibility(&r, &facts, &[], day(2023, 5, 1)).unwrap();
    assert!(e.is_eligible());
    assert_eq!(e.policy.rule, "repair.policy_2023");
}

// ---- applying a repair ---------------------------------------------------------------

#[test]
fn applying_a_repair_changes_the_status_and_keeps_everything() {
    let t = RepairTimeline::default();
    let mut r = record(1, Severity::General, day(2023, 6, 1));
    let before = r.clone();
    let facts = all_done(
        decision(day(2023, 6, 10), PenaltyDomain::Other, &[]),
        day(2023, 7, 1),
    );
    let on = day(2023, 9, 11);
    let repair = t
        .apply(&mut r, &facts, &[], on, "Social Organizations Section")
        .unwrap();

    assert_eq!(r.status(), RecordStatus::Repaired);
    assert_eq!(r.status_on(day(2023, 9, 10)), Some(RecordStatus::Active));
    assert_eq!(r.status_on(on), Some(RecordStatus::Repaired));
    assert_eq!(repair.sanctions_end_on, on);
    assert_eq!(
        r.history,
        [StatusChange {
            on,
            status: RecordStatus::Repaired,
            by: "Social Organizations Section".into(),
            basis: Citation::new("repair.policy_2023", "NDRC Order No. 58 (2023)"),
        }]
    );
    // Nothing deleted.
    assert_eq!(r.content, before.content);
    assert_eq!(
        (r.id, &r.subject, r.severity),
        (before.id, &before.subject, before.severity)
    );

    assert_eq!(repair.audit.action, AuditAction::Repaired);
    assert_eq!(repair.audit.target, RecordId(1).into());
    assert_eq!(
        repair.audit.to_string(),
        "2023-09-11: Social Organizations Section repaired R1 under repair.policy_2023 (NDRC Order No. 58 (2023))"
    );
    assert!(repair.eligibility.is_eligible());
}

#[test]
fn a_corrected_record_can_be_repaired() {
    let p = RepairPolicy::order_58_2023();
    let mut r = record(1, Severity::General, day(2023, 6, 1));
    r.history.push(StatusChange {
        on: day(2023, 7, 1),
        status: RecordStatus::Corrected,
        by: "Office".into(),
        basis: Citation::new("objection.correct", "plan §6(3)"),
    });
    let facts = all_done(
        decision(day(2023, 6, 10), PenaltyDomain::Other, &[]),
        day(2023, 7, 1),
    );
    p.apply(&mut r, &facts, &[], day(2023, 10, 1), "Office")
        .unwrap();
    assert_eq!(r.status(), RecordStatus::Repaired);
    assert_eq!(r.history.len(), 2);
}

#[test]
fn a_failed_repair_changes_nothing() {
    let t = RepairTimeline::default();
    let facts = all_done(
        decision(day(2023, 6, 10), PenaltyDomain::Other, &[]),
        day(2023, 7, 1),
    );
    let check = |mut r: MisconductRecord,
                 facts: &RepairFacts,
                 on,
                 expected: &dyn Fn(&RepairError) -> bool| {
        let before = r.clone();
        let err = t.apply(&mut r, facts, &[], on, "Office").unwrap_err();
        assert!(expected(&err), "unexpected {err:?}");
        assert_eq!(r, before);
    };
    let fresh = || record(1, Severity::General, day(2023, 6, 1));

    // Not eligible: too early, and not corrected: both listed.
    let mut partial = facts.clone();
    partial.corrected_on = None;
    check(fresh(), &partial, day(2023, 8, 1), &|e| match e {
        RepairError::NotEligible { unmet, .. } => {
            unmet
                .iter()
                .map(|u| u.condition.clone())
                .collect::<Vec<_>>()
                == [
                    Condition::MinimumPeriodElapsed {
                        earliest_application: day(2023, 9, 11),
                    },
                    Condition::ConductCorrected,
                ]
        }
        _ => false,
    });
    // Not active: already repaired.
    let mut repaired = fresh();
    t.apply(&mut repaired, &facts, &[], day(2023, 10, 1), "Office")
        .unwrap();
    check(repaired, &facts, day(2023, 11, 1), &|e| {
        matches!(
            e,
            RepairError::NotInForce {
                status: RecordStatus::Repaired,
                ..
            }
        )
    });
    // Revoked.
    let mut revoked = fresh();
    revoked.history.push(StatusChange {
        on: day(2023, 7, 1),
        status: RecordStatus::Revoked,
        by: "Office".into(),
        basis: Citation::new("objection.revoke", "plan §6(3)"),
    });
    check(revoked, &facts, day(2023, 11, 1), &|e| {
        matches!(
            e,
            RepairError::NotInForce {
                status: RecordStatus::Revoked,
                ..
            }
        )
    });
    // Dated before the record.
    check(fresh(), &facts, day(2023, 5, 31), &|e| {
        matches!(e, RepairError::BeforeRecord { .. })
    });
    // Dated before the latest status change.
    let mut corrected = fresh();
    corrected.history.push(StatusChange {
        on: day(2023, 12, 1),
        status: RecordStatus::Corrected,
        by: "Office".into(),
        basis: Citation::new("objection.correct", "plan §6(3)"),
    });
    check(corrected, &facts, day(2023, 11, 1), &|e| {
        matches!(e, RepairError::BeforeLastChange { .. })
    });
    // Barred.
    let barred = all_done(
        decision(
            day(2019, 8, 1),
            PenaltyDomain::FoodAndDrugs,
            &[PenaltyKind::LicenceRevocation],
        ),
        day(2019, 8, 2),
    );
    check(
        record(2, Severity::Severe, day(2019, 7, 20)),
        &barred,
        day(2022, 1, 1),
        &|e| matches!(e, RepairError::NotEligible { unmet, .. } if unmet.len() == 1 && unmet[0].condition == Condition::Repairable),
    );
}

#[test]
fn the_not_eligible_message_lists_every_condition() {
    let p = RepairPolicy::order_58_2023();
    let mut r = record(3, Severity::General, day(2023, 6, 1));
    let facts = RepairFacts {
        decision: decision(day(2023, 6, 10), PenaltyDomain::Other, &[]),
        corrected_on: None,
        effects_removed_on: None,
        commitment_signed_on: Some(day(2023, 6, 11)),
        training_attended_on: None,
        credit_report_on: None,
    };
    let err = p
        .apply(&mut r, &facts, &[], day(2023, 12, 1), "Office")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "record `R3` is not eligible for repair on `2023-12-01`: the conduct has not been corrected"
    );
}

// ---- properties --------------------------------------------------------------------

fn any_policy() -> impl Strategy<Value = RepairPolicy> {
    prop_oneof![
        Just(RepairPolicy::plan_era_2019()),
        Just(RepairPolicy::order_58_2023()),
        Just(RepairPolicy::national_2026()),
    ]
}

fn any_domain() -> impl Strategy<Value = PenaltyDomain> {
    proptest::sample::select(vec![
        PenaltyDomain::FoodAndDrugs,
        PenaltyDomain::Environment,
        PenaltyDomain::WorkSafety,
        PenaltyDomain::FireSafety,
        PenaltyDomain::SpecialEquipment,
        PenaltyDomain::Other,
    ])
}

fn any_penalties() -> impl Strategy<Value = Vec<PenaltyKind>> {
    proptest::sample::subsequence(
        vec![
            PenaltyKind::Warning,
            PenaltyKind::Fine,
            PenaltyKind::Confiscation,
            PenaltyKind::HaltBusiness,
            PenaltyKind::LicenceRevocation,
            PenaltyKind::Detention,
        ],
        0..4,
    )
}

fn offset(base: NaiveDate, days: u64) -> NaiveDate {
    base + chrono::Days::new(days)
}

/// A record, its facts and other records all known from the record's first
/// day, so that as the day asked moves on nothing but time changes.
fn any_case() -> impl Strategy<Value = (MisconductRecord, RepairFacts, Vec<MisconductRecord>)> {
    (
        proptest::sample::select(Severity::ALL.to_vec()),
        0u64..3000,
        0u64..60,
        any_domain(),
        any_penalties(),
        proptest::option::weighted(0.8, 0u64..1500),
        proptest::option::weighted(0.8, 0u64..1500),
        proptest::option::weighted(0.8, 0u64..1500),
        proptest::collection::vec((0u64..200, any::<bool>()), 0..3),
    )
        .prop_map(
            |(severity, start, to_decision, domain, penalties, c, e, s, others)| {
                let occurred = offset(day(2019, 1, 1), start);
                let r = record(1, severity, occurred);
                let decided = offset(occurred, to_decision);
                let facts = RepairFacts {
                    decision: decision(decided, domain, &penalties),
                    corrected_on: c.map(|d| offset(decided, d)),
                    effects_removed_on: e.map(|d| offset(decided, d)),
                    commitment_signed_on: s.map(|d| offset(decided, d)),
                    training_attended_on: None,
                    credit_report_on: None,
                };
                let others = others
                    .into_iter()
                    .enumerate()
                    .map(|(i, (d, same))| {
                        let mut o = record(10 + i as u64, Severity::General, offset(occurred, d));
                        if !same {
                            o.subject = person();
                        }
                        o
                    })
                    .collect();
                (r, facts, others)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn eligibility_never_lapses_as_time_passes_within_one_policy(
        policy in any_policy(),
        (r, facts, others) in any_case(),
        a in 0u64..2500,
        b in 0u64..2500,
    ) {
        // Others are known from the first day asked on.
        let first = others.iter().map(|o| o.recorded_on).chain([r.recorded_on]).max().unwrap();
        let (early, late) = (offset(first, a.min(b)), offset(first, a.max(b)));
        let e1 = policy.eligibility(&r, &facts, &others, early).unwrap();
        let e2 = policy.eligibility(&r, &facts, &others, late).unwrap();
        if e1.is_eligible() {
            prop_assert!(e2.is_eligible(), "eligible on {early}, not on {late}: {:?}", e2.unmet);
        }
        // More strongly: no condition becomes unmet.
        for u in &e2.unmet {
            prop_assert!(
                e1.unmet.iter().any(|v| std::mem::discriminant(&v.condition) == std::mem::discriminant(&u.condition)),
                "{:?} unmet on {late} but met on {early}", u.condition
            );
        }
        prop_assert_eq!(e1.periods, e2.periods);
    }

    #[test]
    fn eligible_from_is_exactly_the_first_eligible_day(
        policy in any_policy(),
        (r, facts, others) in any_case(),
        a in 0u64..2500,
    ) {
        let on = offset(r.recorded_on, a);
        let e = policy.eligibility(&r, &facts, &others, on).unwrap();
        if let Some(from) = e.eligible_from {
            prop_assert!(from > on);
            prop_assert!(policy.eligibility(&r, &facts, &others, from).unwrap().is_eligible());
            let before = from.pred_opt().unwrap();
            prop_assert!(!policy.eligibility(&r, &facts, &others, before).unwrap().is_eligible());
        }
    }

    #[test]
    fn apply_succeeds_exactly_when_eligible_and_changes_nothing_otherwise(
        policy in any_policy(),
        (r, facts, others) in any_case(),
        a in 0u64..2500,
    ) {
        let on = offset(r.recorded_on, a);
        let eligible = policy.eligibility(&r, &facts, &others, on).unwrap().is_eligible();
        let mut applied = r.clone();
        let result = policy.apply(&mut applied, &facts, &others, on, "Office");
        prop_assert_eq!(result.is_ok(), eligible);
        if eligible {
            prop_assert_eq!(applied.status(), RecordStatus::Repaired);
            prop_assert_eq!(applied.content, r.content);
        } else {
            prop_assert_eq!(applied, r);
        }
    }
}

#[test]
fn a_repair_of_a_revoked_record_says_why_in_words() {
    let p = RepairPolicy::order_58_2023();
    let mut r = record(4, Severity::General, day(2023, 6, 1));
    r.history.push(StatusChange {
        on: day(2023, 7, 1),
        status: RecordStatus::Revoked,
        by: "Office".into(),
        basis: Citation::new("objection.revoke", "plan §6(3)"),
    });
    let facts = all_done(
        decision(day(2023, 6, 10), PenaltyDomain::Other, &[]),
        day(2023, 6, 20),
    );
    let err = p
        .apply(&mut r, &facts, &[], day(2024, 1, 1), "Office")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "record `R4` is revoked; only an active or corrected record can be repaired"
    );
    let e = p.eligibility(&r, &facts, &[], day(2024, 1, 1)).unwrap();
    assert_eq!(
        e.unmet[0].condition.to_string(),
        "the record is not in force (it is revoked)"
    );
}

#[test]
fn a_raised_minimum_cites_the_rule_that_raised_it() {
    let p = RepairPolicy::order_58_2023();
    let r = record(1, Severity::General, day(2023, 6, 1));
    let facts = all_done(
        decision(
            day(2023, 6, 15),
            PenaltyDomain::WorkSafety,
            &[PenaltyKind::Fine],
        ),
        day(2023, 7, 1),
    );
    let e = p.eligibility(&r, &facts, &[], day(2023, 12, 1)).unwrap();
    assert_eq!(e.eligible_from, Some(day(2024, 6, 16)));
    assert_eq!(e.unmet[0].basis.rule, "repair.2023.safety_fields_one_year");
    let other = all_done(
        decision(day(2023, 6, 15), PenaltyDomain::Other, &[]),
        day(2023, 7, 1),
    );
    let e = p.eligibility(&r, &other, &[], day(2023, 8, 1)).unwrap();
    assert_eq!(e.unmet[0].basis.rule, "repair.2023.penalty_periods");
}

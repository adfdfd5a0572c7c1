//! Assessing a subject on a date: severity, measures with their grounds,
//! persons reached through roles, the green channel, list lifecycles, the
//! next dated change, restoration after a revocation, and the properties
//! the assessment must keep.
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
use social_credit::assess::{
    assess, restoration, AssessError, Change, GreenChannelGround, GreenChannelUnmet, Ground,
};
use social_credit::calendar::{ChinaCalendar, WeekendCalendar, WorkCalendar};
use social_credit::commitment::{Commitment, CommitmentId, CommitmentKind};
use social_credit::grading::GradingPolicy;
use social_credit::lists::{
    Domain, ExitCondition, ListEntry, ListKind, ListingEvent, Obligations, Standing,
};
use social_credit::misconduct::{RecordId, RecordStatus, Severity};
use social_credit::subject::Role;

fn blacklist(domain: &str) -> ListKind {
    ListKind::BlackList {
        domain: Domain::new(domain),
    }
}

fn serious_list() -> ListKind {
    blacklist("social_organizations")
}

fn listed_by(entry: &mut ListEntry, rule: &str) {
    for e in &mut entry.events {
        e.rule = Some(rule.to_owned());
    }
}

#[test]
fn a_severe_organization_is_a_key_supervision_target_under_every_severe_sanction() {
    let mut case = Case::new(org(1));
    case.records.push(severe(1, &case.subject, d(2019, 8, 1)));
    case.records.push(record(
        2,
        &case.subject,
        "warning",
        Severity::General,
        d(2019, 3, 1),
        d(2019, 3, 2),
    ));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2019, 9, 1)).unwrap();
    assert_eq!(a.worst_severity, Some(Severity::Severe));
    assert_eq!(
        a.severity_grounds
            .iter()
            .filter_map(Ground::record)
            .collect::<Vec<_>>(),
        [RecordId(1)]
    );
    assert_eq!(a.key_supervision.as_ref().unwrap().source, "plan §5(2)");
    for id in [
        "sanction.information_sharing",
        "sanction.key_supervision",
        "sanction.strict_licence_review",
        "sanction.no_fiscal_funding",
        "sanction.no_public_resource_trading",
        "sanction.no_concessions",
        "sanction.industry_entry_ban",
        "sanction.honours_revoked",
        "sanction.public_disclosure",
        "sanction.record_lookup",
        "sanction.credit_report",
        "sanction.higher_rates",
        "sanction.financial_service_limits",
        "sanction.member_credit_file",
        "sanction.member_credit_rating",
        "sanction.refused_admission",
        "sanction.advised_withdrawal",
        "sanction.tip_off_channel",
        "sanction.public_interest_litigation",
        "sanction.sector_monitoring",
        "sanction.media_exposure",
    ] {
        let m = a.measure(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(m.records().collect::<Vec<_>>(), [RecordId(1)], "{id}");
    }
    // The industry warning applies "by degree" to both records.
    let warning = a.measure("sanction.industry_warning").unwrap();
    assert_eq!(
        warning.records().collect::<Vec<_>>(),
        [RecordId(1), RecordId(2)]
    );
    // Not a judgment debtor: no consumption limits; one domain: not intensified.
    assert!(!a.applies("sanction.flight_restriction"));
    assert!(a.intensified.is_none());
    // Personal measures are not applied to an organization.
    assert!(!a.applies("sanction.personal_credit_record"));
    assert!(a.incentives().next().is_none());
    assert!(!a.green_channel.eligible);
    assert!(
        matches!(&a.green_channel.unmet[..], [GreenChannelUnmet::AdverseRecords { records }] if records == &[RecordId(1), RecordId(2)])
    );
}

#[test]
fn a_dishonest_judgment_debtor_falls_under_the_consumption_limits() {
    let mut case = Case::new(org(2));
    case.records.push(record(
        1,
        &case.subject,
        "dishonest_judgment_debtor",
        Severity::Severe,
        d(2020, 1, 6),
        d(2020, 1, 6),
    ));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2020, 2, 1)).unwrap();
    for id in [
        "sanction.exit_restriction",
        "sanction.real_estate_restriction",
        "sanction.flight_restriction",
        "sanction.train_restriction",
        "sanction.holiday_restriction",
        "sanction.hotel_restriction",
        "sanction.high_consumption_restriction",
    ] {
        assert!(a.applies(id), "{id}");
        assert_eq!(a.measure(id).unwrap().citation().source, "plan §5(3)1");
    }
}

#[test]
fn blacklists_of_two_domains_intensify_sanctions() {
    let mut case = Case::new(org(3));
    let id = case.subject.id();
    case.lists
        .push(ListEntry::new(id.clone(), serious_list(), d(2019, 1, 10)));
    case.lists.push(ListEntry::new(
        id.clone(),
        blacklist("court_enforcement"),
        d(2019, 4, 1),
    ));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2019, 3, 1)).unwrap();
    assert_eq!(a.blacklists.len(), 1);
    assert!(a.intensified.is_none());
    assert_eq!(
        a.worst_severity,
        Some(Severity::Severe),
        "a blacklist means severe"
    );
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2019, 5, 1)).unwrap();
    let domains: Vec<&str> = a.blacklists.iter().map(|b| b.domain.as_str()).collect();
    assert_eq!(domains, ["court_enforcement", "social_organizations"]);
    assert_eq!(a.intensified.as_ref().unwrap().source, "plan §6(6)");
    assert_eq!(
        a.measure("sanction.intensified").unwrap().grounds().len(),
        2
    );
}

#[test]
fn an_exemplar_gets_the_red_list_and_the_green_channel() {
    let mut case = Case::new(org_since(4, d(2018, 1, 1)));
    case.lists.push(ListEntry::new(
        case.subject.id(),
        ListKind::RedList,
        d(2019, 5, 1),
    ));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2019, 6, 1)).unwrap();
    assert_eq!(a.red_list, Some(d(2019, 5, 1)));
    assert!(a.green_channel.eligible);
    assert_eq!(
        a.green_channel.ground,
        Some(GreenChannelGround::Exemplar {
            since: d(2019, 5, 1)
        })
    );
    assert_eq!(a.accept_pending_materials(), &a.green_channel);
    for id in [
        "incentive.red_list",
        "incentive.green_channel",
        "incentive.accept_pending_materials",
        "incentive.fewer_inspections",
        "incentive.trading_bonus_points",
    ] {
        assert!(a.applies(id), "{id}");
    }
    assert!(
        !a.applies("incentive.public_service_priority"),
        "a person's incentive"
    );
}

#[test]
fn the_green_channel_needs_three_clean_years_and_three_years_of_existence() {
    let mut case = Case::new(org_since(5, d(2015, 6, 1)));
    let warning = record(
        1,
        &case.subject,
        "warning",
        Severity::General,
        d(2016, 3, 1),
        d(2016, 3, 3),
    );
    case.records
        .push(with_status(warning, d(2017, 3, 1), RecordStatus::Repaired));
    // Three years before 2019-03-01 is 2016-03-01, the day of the conduct: still adverse.
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2019, 3, 1)).unwrap();
    assert!(!a.green_channel.eligible, "a repaired record still counts");
    let next = a.next_change.unwrap();
    assert_eq!(next.on, d(2019, 3, 2));
    assert_eq!(next.changes, [Change::GreenChannelOpens]);
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2019, 3, 2)).unwrap();
    assert!(a.green_channel.eligible);
    assert_eq!(
        a.green_channel.ground,
        Some(GreenChannelGround::CleanRecord {
            since: d(2016, 3, 2)
        })
    );
    assert!(a.applies("incentive.green_channel"));

    // Too young: established 2017-06-01, the channel opens 2020-06-01.
    let young = Case::new(org_since(6, d(2017, 6, 1)));
    let a = assess(&young.dossier(), &rules(), &WeekendCalendar, d(2019, 3, 1)).unwrap();
    assert!(matches!(
        a.green_channel.unmet[..],
        [GreenChannelUnmet::TooRecent { .. }]
    ));
    assert_eq!(a.next_change.unwrap().on, d(2020, 6, 1));

    // A revoked record never counts.
    let mut wronged = Case::new(org_since(7, d(2010, 1, 1)));
    let r = severe(1, &wronged.subject, d(2018, 5, 1));
    wronged
        .records
        .push(with_status(r, d(2018, 5, 20), RecordStatus::Revoked));
    let a = assess(
        &wronged.dossier(),
        &rules(),
        &WeekendCalendar,
        d(2019, 3, 1),
    )
    .unwrap();
    assert!(a.green_channel.eligible);
    assert_eq!(a.worst_severity, None);
}

#[test]
fn an_assessment_as_of_a_past_day_sees_what_was_true_then() {
    let mut case = Case::new(org(8));
    let r = severe(1, &case.subject, d(2019, 1, 10));
    case.records
        .push(with_status(r, d(2020, 2, 1), RecordStatus::Repaired));
    case.records.push(record(
        2,
        &case.subject,
        "warning",
        Severity::General,
        d(2020, 5, 1),
        d(2020, 5, 6),
    ));
    let on = |day| {
        assess(&case.dossier(), &rules(), &WeekendCalendar, day)
            .unwrap()
            .worst_severity
    };
    assert_eq!(on(d(2019, 1, 9)), None);
    assert_eq!(on(d(2019, 6, 1)), Some(Severity::Severe));
    assert_eq!(on(d(2020, 2, 1)), None, "repaired from that day");
    assert_eq!(on(d(2020, 5, 5)), None, "recorded only on 6 May");
    assert_eq!(on(d(2020, 5, 6)), Some(Severity::General));
}

#[test]
fn responsibility_reaches_the_persons_who_held_roles_at_the_time_of_the_conduct() {
    let organization = org(9);
    let rep = person(1);
    let manager = person(2);
    let later_rep = person(3);
    let mut roster = social_credit::Roster::default();
    link(
        &mut roster,
        &organization,
        &rep,
        Role::LegalRepresentative,
        d(2015, 1, 1),
        Some(d(2019, 12, 31)),
    );
    link(
        &mut roster,
        &organization,
        &manager,
        Role::SeniorManager,
        d(2015, 1, 1),
        None,
    );
    link(
        &mut roster,
        &organization,
        &later_rep,
        Role::LegalRepresentative,
        d(2020, 1, 1),
        None,
    );
    let org_record = severe(1, &organization, d(2019, 6, 1));

    let assess_person = |who: &social_credit::Subject| {
        let mut case = Case::new(who.clone());
        case.records.push(org_record.clone());
        case.roster = roster.clone();
        assess(&case.dossier(), &rules(), &WeekendCalendar, d(2020, 3, 1))
            .map(|a| {
                (
                    a.worst_severity,
                    a.key_supervision.is_some(),
                    a.measures()
                        .map(|m| m.measure().id.clone())
                        .collect::<Vec<_>>(),
                    a.measure("sanction.personal_credit_record")
                        .map(|m| m.grounds().to_vec().len()),
                )
            })
            .unwrap()
    };

    // The legal representative on the day of the conduct: reached, though the role has ended since.
    let (severity, key, measures, grounds) = assess_person(&rep);
    assert_eq!(severity, Some(Severity::Severe));
    assert!(key);
    assert!(measures.contains(&"sanction.personal_credit_record".to_owned()));
    assert!(measures.contains(&"sanction.industry_entry_ban".to_owned()));
    assert!(measures.contains(&"sanction.honours_revoked".to_owned()));
    assert!(
        !measures.contains(&"sanction.no_concessions".to_owned()),
        "organizations only"
    );
    assert_eq!(grounds, Some(1));

    // A senior manager is reached only by the honours measure (plan §5(2)4).
    let (severity, key, measures, _) = assess_person(&manager);
    assert_eq!(severity, None);
    assert!(!key);
    let sanctions: Vec<&String> = measures
        .iter()
        .filter(|m| m.starts_with("sanction."))
        .collect();
    assert_eq!(sanctions, ["sanction.honours_revoked"]);

    // The representative appointed after the conduct is not reached.
    let (severity, _, measures, _) = assess_person(&later_rep);
    assert_eq!(severity, None);
    assert!(measures.iter().all(|m| !m.starts_with("sanction.")));

    // The ground names the organization's record and the role.
    let mut case = Case::new(rep.clone());
    case.records.push(org_record.clone());
    case.roster = roster.clone();
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2020, 3, 1)).unwrap();
    let g = a
        .measure("sanction.personal_credit_record")
        .unwrap()
        .grounds()[0];
    match g {
        Ground::Organization { record, role } => {
            assert_eq!(record.id, RecordId(1));
            assert_eq!(g.organization(), Some(&uscc_of(&organization)));
            assert_eq!(role, Role::LegalRepresentative);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(g.basis().source, "plan §5(6)");
}

#[test]
fn a_persons_records_are_erased_five_years_after_the_conduct_ended() {
    let mut case = Case::new(person(4));
    case.records.push(record(
        1,
        &case.subject,
        "fraud",
        Severity::Severe,
        d(2016, 2, 29),
        d(2016, 3, 1),
    ));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2021, 2, 28)).unwrap();
    assert_eq!(a.worst_severity, Some(Severity::Severe));
    let next = a.next_change.unwrap();
    assert_eq!(next.on, d(2021, 3, 1));
    assert!(matches!(next.changes[..], [Change::Erasure { record }] if record.id == RecordId(1)));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2021, 3, 1)).unwrap();
    assert_eq!(
        a.worst_severity, None,
        "erased from the day after the last retained day"
    );
}

#[test]
fn commitments_signed_by_the_day_are_published() {
    let mut case = Case::new(org(10));
    case.commitments.push(Commitment {
        id: CommitmentId(1),
        subject: case.subject.id(),
        kind: CommitmentKind::Credit,
        text: "诚信承诺".into(),
        signed_on: d(2019, 8, 1),
        published_on: None,
        fulfilled_on: None,
        withdrawn_on: None,
        corrected_text: None,
    });
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2019, 7, 31)).unwrap();
    assert!(!a.applies("incentive.commitment_publicity"));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2019, 8, 1)).unwrap();
    assert!(a.applies("incentive.commitment_publicity"));
}

#[test]
fn no_policy_in_force_is_an_error() {
    let case = Case::new(org(11));
    let err = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2017, 1, 1)).unwrap_err();
    assert!(matches!(err, AssessError::Policy(_)));
    assert_eq!(
        err.to_string(),
        "no grading policy is in force on 2017-01-01"
    );
}

// ---- list lifecycle ------------------------------------------------------

fn lifecycle() -> &'static social_credit::lists::ListLifecycle {
    GradingPolicy::civil_affairs_mca_2018().lifecycle().unwrap()
}

#[test]
fn the_abnormal_list_is_left_six_months_after_listing_when_nothing_needs_rectifying() {
    let entry = ListEntry::new(uscc(20).into(), ListKind::ActivityAbnormal, d(2019, 3, 1));
    let e = lifecycle()
        .exit_eligibility(&entry, d(2019, 5, 1), &WeekendCalendar)
        .unwrap();
    assert!(!e.eligible && e.automatic);
    assert_eq!(
        e.unmet,
        [ExitCondition::PeriodNotRun {
            from: d(2019, 3, 1),
            until: d(2019, 9, 2)
        }]
    );
    assert_eq!(e.exit_on, Some(d(2019, 9, 2)));
    assert_eq!(
        e.basis.source,
        "MCA Order No. 60 (2018) art. 13, unconfirmed (draft of 2017: art. 14)"
    );
    let s = lifecycle()
        .standing(&entry, d(2019, 9, 2), &WeekendCalendar)
        .unwrap();
    assert!(matches!(s, Standing::Exited { on, .. } if on == d(2019, 9, 2)));
    // A relisting restarts the period.
    let mut relisted = entry.clone();
    relisted.events.push(ListingEvent {
        on: d(2019, 7, 1),
        rule: None,
        records: vec![],
    });
    let e = lifecycle()
        .exit_eligibility(&relisted, d(2019, 9, 2), &WeekendCalendar)
        .unwrap();
    assert_eq!(e.exit_on, Some(d(2020, 1, 2)));
}

#[test]
fn the_abnormal_list_is_left_five_working_days_after_fulfilment_is_verified() {
    let cal = ChinaCalendar::official();
    let mut entry = ListEntry::new(uscc(21).into(), ListKind::ActivityAbnormal, d(2019, 6, 3));
    entry.obligations = Obligations::Pending;
    let e = lifecycle()
        .exit_eligibility(&entry, d(2019, 9, 1), &cal)
        .unwrap();
    assert_eq!(e.unmet, [ExitCondition::ObligationsNotFulfilled]);
    assert_eq!(e.exit_on, None, "more than time is missing");
    // Verified on Friday 2019-09-27; National Day holidays 1-7 October: the
    // 5th working day after is Monday... 2019-09-29 (Sunday) was an adjusted
    // working day, then 30 September, then 8, 9, 10 October.
    entry.obligations = Obligations::Fulfilled {
        verified_on: d(2019, 9, 27),
    };
    let e = lifecycle()
        .exit_eligibility(&entry, d(2019, 9, 28), &cal)
        .unwrap();
    assert_eq!(e.exit_on, Some(d(2019, 10, 10)));
    assert!(matches!(
        e.unmet[..],
        [ExitCondition::WorkingDaysNotRun { .. }]
    ));
    let e = lifecycle()
        .exit_eligibility(&entry, d(2019, 10, 10), &cal)
        .unwrap();
    assert!(e.eligible);
}

#[test]
fn the_serious_list_is_left_on_application_after_two_full_years() {
    let mut entry = ListEntry::new(uscc(22).into(), serious_list(), d(2019, 4, 1));
    listed_by(&mut entry, "serious.large_fine");
    let e = lifecycle()
        .exit_eligibility(&entry, d(2021, 4, 1), &WeekendCalendar)
        .unwrap();
    assert!(!e.eligible && !e.automatic);
    assert_eq!(e.exit_on, Some(d(2021, 4, 2)));
    let e = lifecycle()
        .exit_eligibility(&entry, d(2021, 4, 2), &WeekendCalendar)
        .unwrap();
    assert!(e.eligible);
    // Not automatic: still listed until the removal decision.
    let s = lifecycle()
        .standing(&entry, d(2022, 1, 1), &WeekendCalendar)
        .unwrap();
    assert!(matches!(s, Standing::Listed { .. }));
    entry.removed_on = Some(d(2021, 5, 10));
    let s = lifecycle()
        .standing(&entry, d(2022, 1, 1), &WeekendCalendar)
        .unwrap();
    assert!(matches!(s, Standing::Exited { on, .. } if on == d(2021, 5, 10)));
    let e = lifecycle()
        .exit_eligibility(&entry, d(2022, 1, 1), &WeekendCalendar)
        .unwrap();
    assert!(e.eligible);
    assert_eq!(e.exit_on, Some(d(2021, 5, 10)));
    // A new listing event after the removal lists the subject again.
    entry.events.push(ListingEvent {
        on: d(2021, 9, 1),
        rule: None,
        records: vec![],
    });
    let s = lifecycle()
        .standing(&entry, d(2022, 1, 1), &WeekendCalendar)
        .unwrap();
    assert!(matches!(s, Standing::Listed { clock_from, .. } if clock_from == d(2021, 9, 1)));
}

#[test]
fn a_listing_from_two_years_on_the_abnormal_list_also_needs_the_obligations_fulfilled() {
    let mut entry = ListEntry::new(uscc(23).into(), serious_list(), d(2019, 4, 1));
    listed_by(&mut entry, "serious.abnormal_two_years");
    entry.obligations = Obligations::Pending;
    let e = lifecycle()
        .exit_eligibility(&entry, d(2020, 1, 1), &WeekendCalendar)
        .unwrap();
    assert_eq!(
        e.unmet,
        [
            ExitCondition::PeriodNotRun {
                from: d(2019, 4, 1),
                until: d(2021, 4, 2)
            },
            ExitCondition::ObligationsNotFulfilled
        ]
    );
    assert_eq!(e.exit_on, None);
    entry.obligations = Obligations::Fulfilled {
        verified_on: d(2020, 6, 1),
    };
    let e = lifecycle()
        .exit_eligibility(&entry, d(2021, 4, 2), &WeekendCalendar)
        .unwrap();
    assert!(e.eligible);
}

#[test]
fn a_revoked_organization_leaves_the_serious_list_once_deregistered() {
    let mut entry = ListEntry::new(uscc(24).into(), serious_list(), d(2019, 4, 1));
    listed_by(&mut entry, "serious.registration_revoked");
    let e = lifecycle()
        .exit_eligibility(&entry, d(2023, 1, 1), &WeekendCalendar)
        .unwrap();
    assert_eq!(e.unmet, [ExitCondition::NotDeregistered]);
    entry.deregistered_on = Some(d(2019, 9, 1));
    let s = lifecycle()
        .standing(&entry, d(2019, 9, 1), &WeekendCalendar)
        .unwrap();
    assert!(matches!(s, Standing::Exited { on, .. } if on == d(2019, 9, 1)));
}

#[test]
fn other_authorities_lists_are_not_governed_by_the_lifecycle() {
    let entry = ListEntry::new(
        uscc(25).into(),
        blacklist("court_enforcement"),
        d(2019, 4, 1),
    );
    let e = lifecycle()
        .exit_eligibility(&entry, d(2023, 1, 1), &WeekendCalendar)
        .unwrap();
    assert_eq!(e.unmet, [ExitCondition::NotGoverned]);
}

#[test]
fn the_next_change_of_an_abnormal_listed_organization_is_its_exit() {
    let mut case = Case::new(org(26));
    case.lists.push(ListEntry::new(
        case.subject.id(),
        ListKind::ActivityAbnormal,
        d(2019, 3, 1),
    ));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2019, 5, 1)).unwrap();
    assert_eq!(a.worst_severity, Some(Severity::General));
    let next = a.next_change.unwrap();
    assert_eq!(next.on, d(2019, 9, 2));
    assert!(matches!(
        next.changes[..],
        [Change::ListExit {
            automatic: true,
            ..
        }]
    ));
    let a = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2019, 9, 2)).unwrap();
    assert_eq!(a.worst_severity, None, "off the list");
}

/// Issue 12: an exit counted in working days past the last notice is
/// flagged projected. Verified Monday 28 December 2026: 29, 30, 31
/// December, (1 January off), 4 and 5 January 2027 = 5 working days.
#[test]
fn a_working_day_exit_past_the_last_notice_is_projected() {
    let mut case = Case::new(org(28));
    let mut entry = ListEntry::new(case.subject.id(), ListKind::ActivityAbnormal, d(2026, 6, 1));
    entry.obligations = Obligations::Fulfilled {
        verified_on: d(2026, 12, 28),
    };
    case.lists.push(entry);
    let projected = ChinaCalendar::official_projected();
    let a = assess(&case.dossier(), &rules(), &projected, d(2026, 12, 29)).unwrap();
    let next = a.next_change.as_ref().unwrap();
    assert_eq!(next.on, d(2027, 1, 5));
    assert_eq!(next.finality, social_credit::calendar::Finality::Projected);
    let summary = a.summary();
    assert_eq!(
        summary.next_change_finality,
        social_credit::calendar::Finality::Projected
    );
    let json = serde_json::to_value(&summary).unwrap();
    assert_eq!(json["next_change_finality"], "projected");
    // An exit in calendar months is final whatever the notices say.
    let mut case = Case::new(org(29));
    case.lists.push(ListEntry::new(
        case.subject.id(),
        ListKind::ActivityAbnormal,
        d(2026, 9, 1),
    ));
    let a = assess(&case.dossier(), &rules(), &projected, d(2026, 12, 29)).unwrap();
    let next = a.next_change.unwrap();
    assert_eq!(next.on, d(2027, 3, 2));
    assert_eq!(next.finality, social_credit::calendar::Finality::Final);
}

// ---- restoration ---------------------------------------------------------

#[test]
fn restoration_lists_the_measures_in_force_because_of_a_revoked_record() {
    let mut case = Case::new(org(27));
    let wrong = severe(1, &case.subject, d(2019, 8, 1));
    case.records
        .push(with_status(wrong, d(2019, 8, 20), RecordStatus::Revoked));
    // A general record that stays: its measures are not "because of" the wrong one.
    case.records.push(record(
        2,
        &case.subject,
        "warning",
        Severity::General,
        d(2019, 7, 1),
        d(2019, 7, 1),
    ));
    let r = restoration(&case.dossier(), &rules(), &WeekendCalendar, RecordId(1)).unwrap();
    assert_eq!(r.revoked_on, d(2019, 8, 20));
    assert_eq!(r.basis.source, "plan §6(3)");
    let ids: Vec<&str> = r.measures.iter().map(|m| m.measure.id.as_str()).collect();
    assert!(ids.contains(&"sanction.no_fiscal_funding"));
    assert!(ids.contains(&"sanction.key_supervision"));
    assert!(
        !ids.contains(&"sanction.industry_warning"),
        "applied anyway for record 2"
    );
    assert!(
        !ids.contains(&"sanction.industry_criticism"),
        "applied anyway for record 2"
    );
    for m in &r.measures {
        assert_eq!(
            (m.from, m.until),
            (d(2019, 8, 1), d(2019, 8, 19)),
            "{}",
            m.measure.id
        );
    }
    let kept = restoration(&case.dossier(), &rules(), &WeekendCalendar, RecordId(2)).unwrap_err();
    assert!(matches!(kept, AssessError::NotRevoked { .. }));
    assert!(matches!(
        restoration(&case.dossier(), &rules(), &WeekendCalendar, RecordId(9)),
        Err(AssessError::UnknownRecord { .. })
    ));
}

// ---- properties ----------------------------------------------------------

const CONDUCT: [(&str, Severity); 5] = [
    ("warning", Severity::General),
    ("annual_report_late", Severity::General),
    ("suspension_of_activities", Severity::Severe),
    ("dishonest_judgment_debtor", Severity::Severe),
    ("minor_breach", Severity::Minor),
];

/// A record of org(100) or of person(100): conduct in 2018–2021, recorded
/// 0–30 days later, perhaps repaired, revoked or corrected later.
fn arb_record(id: u64, is_person: bool) -> impl Strategy<Value = social_credit::MisconductRecord> {
    (
        0..CONDUCT.len(),
        0u64..1400,
        0u64..30,
        prop::option::of((0usize..3, 1u64..400)),
    )
        .prop_map(move |(k, offset, delay, change)| {
            let subject = if is_person { person(100) } else { org(100) };
            let (conduct, severity) = CONDUCT[k];
            let occurred = d(2018, 1, 1).checked_add_days(Days::new(offset)).unwrap();
            let recorded = occurred.checked_add_days(Days::new(delay)).unwrap();
            let r = record(id, &subject, conduct, severity, occurred, recorded);
            match change {
                None => r,
                Some((s, after)) => {
                    let status = [
                        RecordStatus::Repaired,
                        RecordStatus::Revoked,
                        RecordStatus::Corrected,
                    ][s];
                    with_status(
                        r,
                        recorded.checked_add_days(Days::new(after)).unwrap(),
                        status,
                    )
                }
            }
        })
}

fn arb_records(is_person: bool) -> impl Strategy<Value = Vec<social_credit::MisconductRecord>> {
    prop::collection::vec(any::<u8>(), 0..8).prop_flat_map(move |v| {
        v.iter()
            .enumerate()
            .map(|(i, _)| arb_record(i as u64 + 1, is_person))
            .collect::<Vec<_>>()
    })
}

fn arb_day() -> impl Strategy<Value = NaiveDate> {
    (0u64..1800).prop_map(|o| d(2018, 2, 1).checked_add_days(Days::new(o)).unwrap())
}

fn org_case(records: Vec<social_credit::MisconductRecord>) -> Case {
    let mut case = Case::new(org(100));
    case.lists.push(ListEntry::new(
        case.subject.id(),
        ListKind::ActivityAbnormal,
        d(2019, 2, 1),
    ));
    case.records = records;
    case
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn adding_a_finding_never_lowers_the_severity(records in arb_records(false), extra in arb_record(99, false), day in arb_day()) {
        let extra = social_credit::MisconductRecord { history: Vec::new(), ..extra };
        let case = org_case(records.clone());
        let before = assess(&case.dossier(), &rules(), &WeekendCalendar, day).unwrap();
        let mut more = records;
        more.push(extra);
        let case2 = org_case(more);
        let after = assess(&case2.dossier(), &rules(), &WeekendCalendar, day).unwrap();
        prop_assert!(after.worst_severity >= before.worst_severity);
        for m in &before.sanctions().map(|m| m.measure().id.clone()).collect::<Vec<_>>() {
            prop_assert!(after.applies(m), "{} lost", m);
        }
    }

    #[test]
    fn a_revoked_record_never_affects_an_assessment(records in arb_records(false), wrong in arb_record(99, false), revoked_after in 0u64..5, day in arb_day()) {
        let revoked = with_status(
            social_credit::MisconductRecord { history: Vec::new(), ..wrong.clone() },
            wrong.recorded_on.checked_add_days(Days::new(revoked_after)).unwrap(),
            RecordStatus::Revoked,
        );
        prop_assume!(day >= revoked.history[0].on);
        let without = org_case(records.clone());
        let mut with = records;
        with.push(revoked);
        let with = org_case(with);
        let a = assess(&without.dossier(), &rules(), &WeekendCalendar, day).unwrap();
        let b = assess(&with.dossier(), &rules(), &WeekendCalendar, day).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn records_made_after_the_day_never_affect_it(records in arb_records(true), later in arb_records(true), day in arb_day()) {
        let mut case = Case::new(person(100));
        case.records = records.clone();
        let a = assess(&case.dossier(), &rules(), &WeekendCalendar, day).unwrap();
        let mut case2 = Case::new(person(100));
        case2.records = records;
        for (i, mut r) in later.into_iter().enumerate() {
            r.id = RecordId(1000 + i as u64);
            let shift = day.checked_add_days(Days::new(1)).unwrap();
            if r.recorded_on <= day {
                r.recorded_on = shift;
                r.occurred_on = r.occurred_on.min(shift);
                r.history.retain(|c| c.on > shift);
            }
            case2.records.push(r);
        }
        let b = assess(&case2.dossier(), &rules(), &WeekendCalendar, day).unwrap();
        // Everything but the next dated change, which may now be an erasure of a later record.
        prop_assert_eq!(&a.worst_severity, &b.worst_severity);
        prop_assert_eq!(a.measures().collect::<Vec<_>>(), b.measures().collect::<Vec<_>>());
        prop_assert_eq!(&a.green_channel, &b.green_channel);
        prop_assert_eq!(&a.severity_grounds, &b.severity_grounds);
    }

    #[test]
    fn the_same_inputs_always_give_the_same_assessment(records in arb_records(false), day in arb_day()) {
        let case = org_case(records);
        let a = assess(&case.dossier(), &rules(), &ChinaCalendar::official(), day).unwrap();
        let b = assess(&case.dossier(), &rules(), &ChinaCalendar::official(), day).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn a_person_linked_at_the_time_of_the_conduct_is_reached_and_unlinking_removes_it(
        occurred_offset in 0u64..1000, role_ix in 0usize..3, day_after in 0u64..700,
    ) {
        let organization = org(101);
        let who = person(101);
        // The grading preset is in force from 24 January 2018.
        let occurred = d(2018, 1, 24).checked_add_days(Days::new(occurred_offset)).unwrap();
        let day = occurred.checked_add_days(Days::new(day_after)).unwrap();
        let role = [Role::LegalRepresentative, Role::PrincipalOfficer, Role::DirectlyResponsible][role_ix];
        let mut linked = Case::new(who.clone());
        linked.records.push(severe(1, &organization, occurred));
        link(&mut linked.roster, &organization, &who, role, d(2017, 1, 1), None);
        let a = assess(&linked.dossier(), &rules(), &WeekendCalendar, day).unwrap();
        prop_assert!(a.applies("sanction.personal_credit_record"));
        prop_assert!(a.applies("sanction.key_supervision"));
        prop_assert_eq!(a.worst_severity, Some(Severity::Severe));

        let mut unlinked = Case::new(who.clone());
        unlinked.records.push(severe(1, &organization, occurred));
        let ended = occurred.checked_sub_days(Days::new(1)).unwrap();
        link(&mut unlinked.roster, &organization, &who, role, d(2017, 1, 1), Some(ended));
        let b = assess(&unlinked.dossier(), &rules(), &WeekendCalendar, day).unwrap();
        prop_assert!(b.sanctions().next().is_none());
        prop_assert_eq!(b.worst_severity, None);
    }

    #[test]
    fn a_list_exit_never_precedes_the_listing_plus_the_minimum_period(
        listed_offset in 0u64..1500, relist in prop::option::of(1u64..400), verified in prop::option::of(0u64..400),
        serious in any::<bool>(), ask_after in 0u64..1200,
    ) {
        let cal = ChinaCalendar::official();
        let listed = d(2018, 1, 1).checked_add_days(Days::new(listed_offset)).unwrap();
        let kind = if serious { serious_list() } else { ListKind::ActivityAbnormal };
        let mut entry = ListEntry::new(uscc(30).into(), kind, listed);
        if let Some(r) = relist {
            entry.events.push(ListingEvent { on: listed.checked_add_days(Days::new(r)).unwrap(), rule: None, records: vec![] });
        }
        if let Some(v) = verified {
            entry.obligations = Obligations::Fulfilled { verified_on: listed.checked_add_days(Days::new(v)).unwrap() };
        }
        let day = listed.checked_add_days(Days::new(ask_after)).unwrap();
        let e = lifecycle().exit_eligibility(&entry, day, &cal).unwrap();
        let clock = entry.clock_start(day).unwrap();
        if let Some(exit) = e.exit_on {
            let minimum = match (&entry.list, entry.obligations) {
                (ListKind::ActivityAbnormal, Obligations::Fulfilled { verified_on }) => {
                    prop_assert!(verified_on >= clock);
                    cal.add_working_days(verified_on, 5).unwrap()
                }
                (ListKind::ActivityAbnormal, _) => clock.checked_add_months(chrono::Months::new(6)).unwrap(),
                _ => clock.checked_add_months(chrono::Months::new(24)).unwrap(),
            };
            prop_assert!(exit >= minimum, "{} < {}", exit, minimum);
            prop_assert!(exit > clock);
            prop_assert!(exit > listed);
        }
    }
}

#[test]
fn the_summary_is_owned_serializable_and_masks_a_person() {
    let organization = org(40);
    let who = person(40);
    let mut case = Case::new(who.clone());
    case.records.push(severe(7, &organization, d(2020, 1, 15)));
    link(
        &mut case.roster,
        &organization,
        &who,
        Role::PrincipalOfficer,
        d(2019, 1, 1),
        None,
    );
    let summary = assess(&case.dossier(), &rules(), &WeekendCalendar, d(2020, 6, 1))
        .unwrap()
        .summary();
    let json = serde_json::to_string(&summary).unwrap();
    assert!(json.contains("\"subject\":\"410184********"), "{json}");
    assert!(!json.contains(&resident_of(&who).to_string()), "{json}");
    assert!(!json.contains("张40"), "{json}");
    assert!(json.contains("{\"id\":\"sanction.personal_credit_record\",\"source\":\"plan §5(6)\",\"records\":[7]}"), "{json}");
    assert_eq!(summary.worst_severity, Some(Severity::Severe));
    assert!(summary.key_supervision);
}

#[test]
fn an_assessment_uses_the_policy_in_force_on_its_day() {
    use social_credit::grading::{PolicyData, PolicySet};
    use social_credit::retention::RetentionPolicy;
    let preset = GradingPolicy::civil_affairs_mca_2018();
    let mut faster: PolicyData =
        serde_json::from_str(&serde_json::to_string(preset).unwrap()).unwrap();
    faster.id = "faster-2019-07".into();
    faster.effective_from = d(2019, 7, 1);
    faster.lifecycle.as_mut().unwrap().abnormal_exit_months = 3;
    let set = PolicySet::new(vec![preset.clone(), GradingPolicy::new(faster).unwrap()]).unwrap();
    let retention = RetentionPolicy::default();
    let rules = social_credit::assess::Rules {
        policies: &set,
        catalogue: social_credit::Catalogue::xinzheng_2019(),
        retention: &retention,
        repair: &social_credit::RepairTimeline::default(),
        objections: &social_credit::objection::ObjectionPolicy::default(),
    };
    let mut case = Case::new(org(41));
    case.lists.push(ListEntry::new(
        case.subject.id(),
        ListKind::ActivityAbnormal,
        d(2019, 3, 1),
    ));
    let june = assess(&case.dossier(), &rules, &WeekendCalendar, d(2019, 6, 30)).unwrap();
    assert_eq!(june.policy.id(), "civil-affairs-mca-2018");
    assert_eq!(june.worst_severity, Some(Severity::General));
    assert_eq!(june.next_change.unwrap().on, d(2019, 9, 2));
    // From 1 July three months suffice, and they ran at the end of 1 June.
    let july = assess(&case.dossier(), &rules, &WeekendCalendar, d(2019, 7, 1)).unwrap();
    assert_eq!(july.policy.id(), "faster-2019-07");
    assert_eq!(july.worst_severity, None);
}

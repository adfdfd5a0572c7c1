//! Issue 21 point 8, one call, one transaction: recording a finding (one,
//! certified, or a file of them) returns the listing event it caused from
//! the transaction that recorded it, the same event `list_entries` then
//! shows; a failure anywhere returns nothing and saves nothing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use chrono::{Days, NaiveDate};
use common::registry::{d, org_id, person_id, register_both, who, with_personal_rules};
use proptest::prelude::*;
use rust_decimal::Decimal;
use social_credit::calendar::{WeekendCalendar, WorkCalendar};
use social_credit::grading::{GradingPolicy, PolicyData, PolicySet};
use social_credit::lists::ListKind;
use social_credit::misconduct::{ConductKind, RecordContent, Section};
use social_credit::registry::{
    ImportRow, Listed, NewRecord, Recorded, Registry, RegistryError, RuleBook,
};
use social_credit::store::kit::FaultyStore;
use social_credit::store::{dump, MemoryStore};
use social_credit::{Organization, OrganizationKind, Subject, SubjectId};

type Faulty = FaultyStore<MemoryStore>;

/// A registry over a store that can fail its writes, with the worked
/// example's association registered.
fn registry() -> (Registry<Faulty>, SubjectId) {
    let r = Registry::official(FaultyStore::new(MemoryStore::new()));
    let id = register(&r);
    (r, id)
}

fn register<C: WorkCalendar>(r: &Registry<Faulty, C>) -> SubjectId {
    r.register_subject(
        Subject::Organization(Organization {
            uscc: org_id(),
            name: "协会".into(),
            kind: OrganizationKind::SocialAssociation,
            established_on: Some(d(2010, 1, 1)),
        }),
        &who::clerk(),
        d(2019, 1, 2),
    )
    .unwrap();
    SubjectId::from(org_id())
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

/// Asserts that `recorded` is what the registry now shows: the record as
/// stored, and its listing event in the entry `list_entries` names.
fn shown<S: social_credit::store::Store, C: WorkCalendar>(r: &Registry<S, C>, recorded: &Recorded) {
    assert_eq!(r.record(recorded.id).unwrap(), recorded.record);
    let entries = r.list_entries(&recorded.subject).unwrap();
    match &recorded.listing {
        None => assert!(
            entries
                .iter()
                .all(|(_, e)| e.events.iter().all(|ev| !ev.records.contains(&recorded.id))),
            "record {} lists nobody, yet an entry names it: {entries:?}",
            recorded.id
        ),
        Some(listed) => {
            let (_, entry) = entries
                .iter()
                .find(|(id, _)| *id == listed.entry)
                .unwrap_or_else(|| panic!("entry {} not shown: {entries:?}", listed.entry));
            assert_eq!(entry.list, listed.list);
            assert_eq!(entry.subject, recorded.subject);
            let event = entry
                .events
                .iter()
                .find(|ev| ev.records.contains(&recorded.id))
                .unwrap_or_else(|| panic!("no event of record {}", recorded.id));
            assert_eq!(event.on, listed.on);
            assert_eq!(event.on, recorded.recorded_on);
            assert_eq!(event.rule.as_deref(), Some(&*listed.basis.rule));
            // The basis is the rule and clause that graded the record.
            assert_eq!(listed.basis, recorded.graded_by);
        }
    }
}

#[test]
fn a_finding_returns_the_listing_it_caused() {
    let (r, id) = registry();
    // MCA Order No. 60 (2018) art. 10 (unconfirmed): a late annual report
    // puts the association on the activity-abnormal list.
    let first = r
        .record_misconduct(
            finding(&id, "annual_report_late", d(2019, 7, 1), None),
            &who::section(),
            d(2019, 7, 1),
        )
        .unwrap();
    let listed: &Listed = first.listing.as_ref().expect("a late report lists");
    assert_eq!(listed.list, ListKind::ActivityAbnormal);
    assert_eq!(listed.on, d(2019, 7, 1));
    assert_eq!(listed.restarted, None);
    assert!(!listed.basis.source.is_empty());
    assert_eq!(first.exemption, None);
    shown(&r, &first);
    // Another late report while listed: the same entry, the period restarts.
    let second = r
        .record_misconduct(
            finding(&id, "annual_report_late", d(2019, 9, 2), None),
            &who::section(),
            d(2019, 9, 2),
        )
        .unwrap();
    let again = second.listing.as_ref().unwrap();
    assert_eq!(again.entry, listed.entry);
    assert_eq!(again.restarted, Some(d(2019, 7, 1)));
    shown(&r, &second);
    // A warning while listed is a listing event too (art. 10(5)): it
    // restarts the period again, in the same entry.
    let warning = r
        .record_misconduct(
            finding(&id, "warning", d(2019, 9, 3), None),
            &who::section(),
            d(2019, 9, 3),
        )
        .unwrap();
    let third = warning.listing.as_ref().unwrap();
    assert_eq!(
        (third.entry, third.restarted),
        (listed.entry, Some(d(2019, 9, 2)))
    );
    assert_eq!(&*third.basis.rule, "abnormal.warning");
    shown(&r, &warning);
    // In JSON: the record's fields, with the listing beside them.
    let json = serde_json::to_value(&second).unwrap();
    assert_eq!(json["id"], serde_json::to_value(second.id).unwrap());
    assert_eq!(json["listing"]["restarted"], "2019-07-01");
    assert_eq!(
        json["listing"]["basis"]["rule"],
        "abnormal.annual_report_late"
    );
    assert_eq!(
        serde_json::from_value::<Recorded>(json).unwrap(),
        second.clone()
    );
    // Everything `list_entries` shows came back from some call.
    let entries = r.list_entries(&id).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].1.events.len(), 3);
}

/// A registry whose policy has the supervising unit's exemption clause
/// (an example: the preset has none), with the association registered.
fn exempting() -> (Registry<Faulty, WeekendCalendar>, SubjectId) {
    let mut data: PolicyData = GradingPolicy::civil_affairs_mca_2018().clone().into();
    data.lifecycle.as_mut().unwrap().abnormal_exemption_source =
        Some("local rules art. 5 (example)".into());
    let rules = RuleBook {
        policies: PolicySet::new(vec![GradingPolicy::new(data).unwrap()]).unwrap(),
        ..RuleBook::xinzheng_2019()
    };
    let r = Registry::new(FaultyStore::new(MemoryStore::new()), WeekendCalendar, rules);
    let id = register(&r);
    (r, id)
}

#[test]
fn a_certified_finding_returns_its_exemption_and_no_listing() {
    let (r, id) = exempting();
    let recorded = r
        .record_misconduct_certified(
            finding(&id, "annual_report_late", d(2020, 7, 1), None),
            "业务主管单位证明 2020-01",
            &who::section(),
            d(2020, 7, 1),
        )
        .unwrap();
    assert_eq!(recorded.listing, None);
    let exemption = recorded.exemption.clone().unwrap();
    assert_eq!(&*exemption.rule, "lists.abnormal_exemption");
    assert!(exemption.source.contains("local rules art. 5 (example)"));
    assert!(r.list_entries(&id).unwrap().is_empty());
    shown(&r, &recorded);
    // The same exemption is in the audit log, from the same transaction.
    assert!(r
        .audit_log(0)
        .unwrap()
        .iter()
        .any(|(_, e)| e.basis == exemption));
}

#[test]
fn an_import_returns_each_rows_listing_in_row_order() {
    let (r, id) = registry();
    // Out of day order: rows are recorded by day, returned by row.
    let rows = vec![
        ImportRow::new(
            finding(&id, "annual_report_late", d(2019, 9, 2), None),
            d(2019, 9, 2),
        ),
        ImportRow::new(finding(&id, "warning", d(2019, 8, 1), None), d(2019, 8, 1)),
        ImportRow::new(
            finding(&id, "annual_report_late", d(2019, 7, 1), None),
            d(2019, 7, 1),
        ),
    ];
    let recorded = r.import_records(rows.clone(), &who::section()).unwrap();
    assert_eq!(recorded.len(), 3);
    for (row, rec) in rows.iter().zip(&recorded) {
        assert_eq!(rec.recorded_on, row.recorded_on);
        shown(&r, rec);
    }
    let listed: Vec<&Listed> = recorded
        .iter()
        .map(|rec| rec.listing.as_ref().unwrap())
        .collect();
    let (late, warning, early) = (listed[0], listed[1], listed[2]);
    // Recorded by day: 1 July lists, 1 August and 2 September restart.
    assert_eq!(early.restarted, None);
    assert_eq!(warning.restarted, Some(d(2019, 7, 1)));
    assert_eq!(late.restarted, Some(d(2019, 8, 1)));
    assert_eq!((late.entry, warning.entry), (early.entry, early.entry));
}

#[test]
fn a_finding_that_lists_nobody_returns_no_listing() {
    // A plan-level policy grades a person's warning without a list.
    let r = with_personal_rules(FaultyStore::new(MemoryStore::new()));
    register_both(&r);
    let id = SubjectId::from(person_id());
    let new = finding(&id, "warning", d(2019, 6, 3), None);
    let one = r
        .record_misconduct(new.clone(), &who::section(), d(2019, 6, 3))
        .unwrap();
    assert_eq!(one.listing, None);
    assert_eq!(one.exemption, None);
    shown(&r, &one);
    let file = r
        .import_records(vec![ImportRow::new(new, d(2019, 6, 4))], &who::section())
        .unwrap();
    assert_eq!(file[0].listing, None);
    shown(&r, &file[0]);
    assert!(r.list_entries(&id).unwrap().is_empty());
}

/// Every write of the operation failing in turn: the call returns a store
/// error, the store is as before; then it goes through once.
fn fails_cleanly<C: WorkCalendar>(
    make: impl Fn() -> (Registry<Faulty, C>, SubjectId),
    op: impl Fn(&Registry<Faulty, C>, &SubjectId) -> Result<Vec<Recorded>, RegistryError>,
) {
    for k in 1.. {
        let (r, id) = make();
        let before = dump(r.store().inner()).unwrap();
        r.store().fail_at(k);
        match op(&r, &id) {
            Ok(recorded) => {
                assert!(k > 1, "the operation wrote nothing");
                r.store().heal();
                for rec in &recorded {
                    shown(&r, rec);
                }
                break;
            }
            Err(e) => {
                assert!(matches!(e, RegistryError::Store(_)), "{e}");
                assert!(
                    dump(r.store().inner()).unwrap() == before,
                    "write {k} failed and left a change"
                );
                r.store().heal();
                assert!(r.list_entries(&id).unwrap().is_empty());
            }
        }
        assert!(k < 200, "never succeeded");
    }
}

#[test]
fn a_finding_that_fails_anywhere_returns_and_saves_nothing() {
    fails_cleanly(registry, |r, id| {
        r.record_misconduct(
            finding(id, "annual_report_late", d(2019, 7, 1), None),
            &who::section(),
            d(2019, 7, 1),
        )
        .map(|rec| vec![rec])
    });
    fails_cleanly(exempting, |r, id| {
        r.record_misconduct_certified(
            finding(id, "annual_report_late", d(2020, 7, 1), None),
            "业务主管单位证明 2020-01",
            &who::section(),
            d(2020, 7, 1),
        )
        .map(|rec| vec![rec])
    });
    fails_cleanly(registry, |r, id| {
        let rows = [d(2019, 7, 1), d(2019, 9, 2)]
            .into_iter()
            .map(|day| ImportRow::new(finding(id, "annual_report_late", day, None), day))
            .collect();
        r.import_records(rows, &who::section())
    });
}

#[test]
fn a_finding_at_fault_returns_and_saves_nothing() {
    let (r, id) = registry();
    let before = dump(r.store().inner()).unwrap();
    // Recorded before its conduct.
    let err = r
        .record_misconduct(
            finding(&id, "annual_report_late", d(2019, 7, 2), None),
            &who::section(),
            d(2019, 7, 1),
        )
        .unwrap_err();
    assert!(matches!(err, RegistryError::Dates { .. }), "{err}");
    // A file whose second row is: the first, which would list, is not kept.
    let err = r
        .import_records(
            vec![
                ImportRow::new(
                    finding(&id, "annual_report_late", d(2019, 7, 1), None),
                    d(2019, 7, 1),
                ),
                ImportRow::new(
                    finding(&id, "no_such_conduct", d(2019, 8, 1), None),
                    d(2019, 8, 1),
                ),
            ],
            &who::section(),
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            RegistryError::ImportRow {
                row: 2,
                field: "conduct",
                ..
            }
        ),
        "{err}"
    );
    // No exemption clause in the preset: the certified finding is refused.
    let err = r
        .record_misconduct_certified(
            finding(&id, "annual_report_late", d(2019, 7, 1), None),
            "业务主管单位证明 2019-01",
            &who::section(),
            d(2019, 7, 1),
        )
        .unwrap_err();
    assert!(matches!(err, RegistryError::ListOperation { .. }), "{err}");
    assert!(dump(r.store().inner()).unwrap() == before);
    assert!(r.list_entries(&id).unwrap().is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever findings are recorded, one by one or as a file, each
    /// returned listing is the event `list_entries` shows, restarting the
    /// period from the latest earlier event of its entry.
    #[test]
    fn every_returned_listing_is_shown(
        findings in prop::collection::vec((0usize..4, 0u64..900), 1..8),
        as_file in any::<bool>(),
    ) {
        let (r, id) = registry();
        let rows: Vec<ImportRow> = findings
            .iter()
            .map(|&(kind, offset)| {
                let day = d(2019, 3, 1).checked_add_days(Days::new(offset)).unwrap();
                let (conduct, fine) = [
                    ("annual_report_late", None),
                    ("warning", None),
                    ("fine", Some(60_000)),
                    ("fine", Some(2_000)),
                ][kind];
                ImportRow::new(finding(&id, conduct, day, fine), day)
            })
            .collect();
        // The order the registry records them in: a file by day (a day's
        // rows in file order), single calls in call order.
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let recorded: Vec<Recorded> = if as_file {
            order.sort_by_key(|&i| rows[i].recorded_on);
            r.import_records(rows, &who::section()).unwrap()
        } else {
            rows.into_iter()
                .map(|row| r.record_misconduct(row.record, &who::section(), row.recorded_on).unwrap())
                .collect()
        };
        // Each listing restarts the period from the latest event of its
        // entry recorded before it, on or before its day.
        for (n, &i) in order.iter().enumerate() {
            let Some(listed) = &recorded[i].listing else { continue };
            let expected = order[..n]
                .iter()
                .filter_map(|&j| recorded[j].listing.as_ref())
                .filter(|l| l.entry == listed.entry && l.on <= listed.on)
                .map(|l| l.on)
                .max();
            prop_assert_eq!(listed.restarted, expected);
        }
        let listed = recorded.iter().filter(|rec| rec.listing.is_some()).count();
        let events: usize = r
            .list_entries(&id)
            .unwrap()
            .iter()
            .map(|(_, e)| e.events.len())
            .sum();
        prop_assert_eq!(listed, events);
        for rec in &recorded {
            shown(&r, rec);
        }
    }
}

/// The list operations return the entry's id with the entry as saved, so
/// a caller can object to it or page to it without a second call.
#[test]
fn the_list_operations_return_the_entry_and_its_id() {
    let (r, id) = registry();
    let recorded = r
        .record_misconduct(
            finding(&id, "annual_report_late", d(2019, 7, 1), None),
            &who::section(),
            d(2019, 7, 1),
        )
        .unwrap();
    let entry = recorded.listing.as_ref().unwrap().entry;
    // Each step's answer is the entry as `list_entries` then shows it.
    let stored = |r: &Registry<Faulty>| r.list_entries(&id).unwrap();
    let applied = r
        .apply_for_list_exit(&id, &who::clerk(), d(2019, 8, 1))
        .unwrap();
    assert_eq!(applied.0, entry);
    assert_eq!(applied.1.applied_on, Some(d(2019, 8, 1)));
    assert_eq!(stored(&r), vec![applied]);
    let verified = r
        .verify_list_exit(&id, &who::clerk(), d(2019, 8, 5))
        .unwrap();
    assert_eq!(verified.0, entry);
    assert_eq!(stored(&r), vec![verified]);
    let removed = r
        .remove_from_list(
            &id,
            &ListKind::ActivityAbnormal,
            social_credit::Citation::new("lists.abnormal_exit", "MCA Order No. 60 (2018) art. 13"),
            &who::clerk(),
            d(2019, 8, 6),
        )
        .unwrap();
    assert_eq!(removed.0, entry);
    assert_eq!(removed.1.removed_on, Some(d(2019, 8, 6)));
    assert_eq!(stored(&r), vec![removed]);
}

//! Issue 21 point 8: one call, one transaction. Receiving an objection (or
//! taking a step) returns its deadlines from the transaction that saved it;
//! a failure anywhere in that transaction leaves nothing saved. Putting a
//! subject on the red list returns the entry.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::objection::{Receipt, Stage, Step};
use social_credit::registry::{NewRecord, ObjectionStep, Registry, RegistryError};
use social_credit::store::kit::FaultyStore;
use social_credit::store::{dump, MemoryStore};
use social_credit::subject::check::{org_code_check, uscc_check};
use social_credit::{
    Actor, ListKind, Organization, OrganizationKind, RecordId, Section, Subject, SubjectId, Uscc,
};

fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

fn uscc(n: u32) -> Uscc {
    let body = format!("{n:08}");
    let org_check = org_code_check(body.as_bytes()).unwrap() as char;
    let first17 = format!("51410184{body}{org_check}");
    let check = uscc_check(first17.as_bytes()).unwrap() as char;
    format!("{first17}{check}").parse().unwrap()
}

fn section() -> Actor {
    Actor::section(Section::SocialOrganizations)
}

fn office() -> Actor {
    Actor::section(Section::Office)
}

/// A registry over a store that can fail its writes, with one organization
/// and one record about it.
fn registry() -> (Registry<FaultyStore<MemoryStore>>, SubjectId, RecordId) {
    let r = Registry::official(FaultyStore::new(MemoryStore::new()));
    r.register_subject(
        Subject::Organization(Organization {
            uscc: uscc(1),
            name: "协会".into(),
            kind: OrganizationKind::SocialAssociation,
            established_on: Some(d(2010, 1, 1)),
        }),
        &section(),
        d(2019, 1, 7),
    )
    .unwrap();
    let id = SubjectId::from(uscc(1));
    let record = r
        .record_misconduct(
            NewRecord {
                subject: id.clone(),
                conduct: ConductKind::new("warning"),
                section: Section::SocialOrganizations,
                occurred_on: d(2019, 3, 1),
                ended_on: Some(d(2019, 3, 1)),
                content: RecordContent {
                    description: "late report".into(),
                    legal_basis: "art. 30".into(),
                    evidence: vec![],
                    fine: None,
                },
                decision: None,
            },
            &section(),
            d(2019, 3, 4),
        )
        .unwrap();
    (r, id, record.id)
}

#[test]
fn receiving_an_objection_returns_its_deadlines() {
    let (r, _, record) = registry();
    // Received Thursday 23 January 2020, before the Spring Festival holiday
    // as extended to 2 February: day 1 is Monday 3 February.
    let received = d(2020, 1, 23);
    let tracked = r
        .receive_objection(
            record,
            Receipt::Written { on: received },
            "not ours",
            &office(),
        )
        .unwrap();
    assert_eq!(tracked.status.on, received);
    assert_eq!(tracked.status.stage, Stage::Received);
    assert_eq!(tracked.status.deadlines.forward_by, Some(d(2020, 2, 7)));
    assert_eq!(tracked.status.deadlines.reply_by, Some(d(2020, 2, 18)));
    let next = tracked.status.next.clone().unwrap();
    assert_eq!((next.step, next.due), (Step::Forward, d(2020, 2, 7)));
    // What was returned is what was saved, and what a later read says.
    let stored = r.objection(tracked.id()).unwrap();
    assert_eq!(stored, tracked.objection);
    assert_eq!(
        stored.status_on(&*r.calendar(), received).unwrap(),
        tracked.status
    );
}

#[test]
fn a_step_returns_the_next_deadline() {
    let (r, _, record) = registry();
    let received = d(2020, 1, 23);
    let id = r
        .receive_objection(
            record,
            Receipt::Written { on: received },
            "not ours",
            &office(),
        )
        .unwrap()
        .id();
    let forwarded = r
        .advance_objection(
            id,
            ObjectionStep::Forward {
                to: Section::SocialOrganizations,
            },
            &office(),
            d(2020, 2, 4),
        )
        .unwrap();
    assert_eq!(forwarded.status.on, d(2020, 2, 4));
    assert_eq!(forwarded.status.stage, Stage::Forwarded);
    let next = forwarded.status.next.clone().unwrap();
    assert_ne!(next.step, Step::Forward);
    assert_eq!(
        r.objection(id)
            .unwrap()
            .status_on(&*r.calendar(), d(2020, 2, 4))
            .unwrap(),
        forwarded.status
    );
}

#[test]
fn a_receipt_that_fails_anywhere_saves_nothing() {
    // Every write of the receipt failing in turn: the call fails, the store
    // is as before and no objection exists; then it goes through once.
    for k in 1.. {
        let (r, _, record) = registry();
        let before = dump(r.store().inner()).unwrap();
        r.store().fail_at(k);
        match r.receive_objection(
            record,
            Receipt::Written { on: d(2020, 1, 23) },
            "not ours",
            &office(),
        ) {
            Ok(tracked) => {
                assert!(k > 1, "the receipt wrote nothing");
                assert_eq!(tracked.id(), social_credit::objection::ObjectionId(1));
                break;
            }
            Err(e) => {
                assert!(matches!(e, RegistryError::Store(_)), "{e}");
                assert!(
                    dump(r.store().inner()).unwrap() == before,
                    "write {k} failed and left a change"
                );
                r.store().heal();
                assert!(matches!(
                    r.objection(social_credit::objection::ObjectionId(1)),
                    Err(RegistryError::NotFound { .. })
                ));
            }
        }
        assert!(k < 100, "never succeeded");
    }
}

#[test]
fn a_receipt_outside_the_calendar_saves_nothing() {
    let (r, _, record) = registry();
    let before = dump(r.store().inner()).unwrap();
    let err = r
        .receive_objection(
            record,
            Receipt::Written { on: d(1990, 1, 2) },
            "not ours",
            &office(),
        )
        .unwrap_err();
    assert!(matches!(err, RegistryError::Calendar(_)), "{err}");
    assert!(dump(r.store().inner()).unwrap() == before);
}

#[test]
fn the_red_list_returns_the_entry() {
    let (r, id, _) = registry();
    let (entry_id, entry) = r.add_to_red_list(&id, &office(), d(2019, 5, 1)).unwrap();
    assert_eq!(entry.list, ListKind::RedList);
    assert_eq!(entry.subject, id);
    let stored = r.list_entries(&id).unwrap();
    assert!(stored.contains(&(entry_id, entry)), "{stored:?}");
}

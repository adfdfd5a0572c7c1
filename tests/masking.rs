//! Masking on every output path (issue 13, point 5): every public type with
//! a person in it masks the citizen identity number (and a person's name) in
//! its default serialization and in `Debug`; the whole number is written
//! only in the storage representation (`with_whole_identifiers`), which the
//! registry's documents use and which reads back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::registry::*;

use serde::de::DeserializeOwned;
use serde::Serialize;
use social_credit::audit::PseudonymKey;
use social_credit::commitment::CommitmentKind;
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::objection::Receipt;
use social_credit::registry::NewRecord;
use social_credit::store::MemoryStore;
use social_credit::subject::with_whole_identifiers;
use social_credit::tipoff::Reporter;
use social_credit::{Person, ResidentId, Role, RoleLink, Roster, Section, Subject, SubjectId};

const NUMBER: &str = "34052419800101001X";
const MASKED: &str = "340524********001X";
const NAME: &str = "张伟强";

fn id() -> ResidentId {
    NUMBER.parse().unwrap()
}

/// `value`'s default serialization and `Debug` hold neither the whole number
/// nor the whole name; with `masked_expected`, the masked number is there.
fn assert_masked<T: Serialize + std::fmt::Debug>(what: &str, value: &T, masked_expected: bool) {
    let json = serde_json::to_string(value).unwrap();
    let debug = format!("{value:?}");
    for shown in [&json, &debug] {
        assert!(!shown.contains(NUMBER), "{what} shows the number: {shown}");
        assert!(!shown.contains(NAME), "{what} shows the name: {shown}");
    }
    if masked_expected {
        assert!(json.contains(MASKED), "{what}: {json}");
    }
}

/// The storage representation keeps the number whole and reads back equal.
fn assert_stored<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    what: &str,
    value: &T,
) {
    let stored = with_whole_identifiers(|| serde_json::to_string(value)).unwrap();
    assert!(stored.contains(NUMBER), "{what}: {stored}");
    let back: T = serde_json::from_str(&stored).unwrap();
    assert_eq!(&back, value, "{what}");
    // The default form cannot be read back as the whole number.
    let shown = serde_json::to_string(value).unwrap();
    assert!(
        serde_json::from_str::<T>(&shown).is_err(),
        "{what}: {shown}"
    );
}

#[test]
fn identifiers_and_subjects_are_masked() {
    let person = Person {
        id: id(),
        name: NAME.into(),
    };
    assert_masked("ResidentId", &id(), true);
    assert_stored("ResidentId", &id());
    let sid: SubjectId = id().into();
    assert_masked("SubjectId", &sid, true);
    assert_stored("SubjectId", &sid);
    assert_masked("Person", &person, true);
    assert!(serde_json::to_string(&person).unwrap().contains("张**"));
    assert_stored("Person", &person);
    let subject = Subject::Person(person);
    assert_masked("Subject", &subject, true);
    assert_stored("Subject", &subject);
    let link = RoleLink {
        organization: "91350100M000100Y43".parse().unwrap(),
        person: id(),
        role: Role::LegalRepresentative,
        from: d(2015, 1, 1),
        until: None,
    };
    assert_masked("RoleLink", &link, true);
    assert_stored("RoleLink", &link);
    let mut roster = Roster::default();
    roster.link(link).unwrap();
    assert_masked("Roster", &roster, true);
    assert_stored("Roster", &roster);
    let key = PseudonymKey {
        pseudonym: "P1".into(),
        subject: id().into(),
        list_entry: None,
        records: Vec::new(),
    };
    assert_masked("PseudonymKey", &key, true);
    assert_stored("PseudonymKey", &key);
}

#[test]
fn everything_a_service_returns_is_masked() {
    let r = with_personal_rules(MemoryStore::new());
    let person: SubjectId = id().into();
    r.register_subject(
        Subject::Person(Person {
            id: id(),
            name: NAME.into(),
        }),
        &who::clerk(),
        d(2019, 1, 7),
    )
    .unwrap();
    let new = NewRecord {
        subject: person.clone(),
        conduct: ConductKind::new("warning"),
        section: Section::SocialAffairs,
        occurred_on: d(2019, 6, 3),
        ended_on: Some(d(2019, 6, 3)),
        content: RecordContent {
            description: "collected fees twice".into(),
            legal_basis: "art. 30".into(),
            evidence: vec![],
            fine: None,
        },
        decision: None,
    };
    assert_masked("NewRecord", &new, true);
    assert_stored("NewRecord", &new);
    let record = r
        .record_misconduct(new, &who::social_affairs(), d(2019, 6, 10))
        .unwrap();
    assert_masked("MisconductRecord", &record, true);
    assert_stored("MisconductRecord", &record);
    let objection = r
        .receive_objection(
            record.id,
            Receipt::Written { on: d(2019, 6, 12) },
            "not me",
            &who::office(),
        )
        .unwrap();
    assert_masked("Objection", &objection, true);
    assert_stored("Objection", &objection);
    let pledge = r
        .sign_commitment(
            &person,
            CommitmentKind::SupplyMaterials {
                due: d(2019, 7, 1),
                materials: vec!["certificate".into()],
            },
            "I will supply the certificate",
            &social_credit::Actor::section(social_credit::Section::AdministrativeApproval),
            d(2019, 6, 20),
        )
        .unwrap();
    assert_masked("Commitment", &pledge, true);
    assert_stored("Commitment", &pledge);
    let tip = r
        .receive_report(
            &person,
            "collects fees twice",
            Reporter {
                name: "李四".into(),
                contact: "138".into(),
            },
            &who::social_affairs(),
            d(2019, 6, 21),
        )
        .unwrap();
    let report = r.report(tip).unwrap();
    assert_masked("Report", &report, true);
    let sweep = r.daily_sweep(&who::system(), d(2019, 7, 2)).unwrap();
    assert_eq!(sweep.overdue_pledges.len(), 1);
    assert_masked("OverduePledge", &sweep.overdue_pledges[0], true);
    assert_masked("SweepReport", &sweep, true);
    // Kept to answer the same day again, the report names no one whole (its
    // parts, which did while it ran, are gone), and running the day again
    // gives it back, pledge and all.
    let stored = social_credit::store::dump(r.store()).unwrap();
    let whole = id().as_str().to_owned();
    let sweeps = &stored.tables[&social_credit::store::Table::Sweeps];
    assert!(!sweeps.is_empty());
    for (key, doc) in sweeps {
        assert!(
            !key.contains(&whole) && !doc.body.contains(&whole),
            "sweeps/{key}: {}",
            doc.body
        );
    }
    assert_eq!(r.daily_sweep(&who::system(), d(2019, 7, 2)).unwrap(), sweep);
    let view = r.public_view(&person, d(2019, 7, 2)).unwrap();
    assert_masked("PublicView", &view, true);
    let summary = r.assess(&person, d(2019, 7, 2)).unwrap();
    assert_masked("AssessmentSummary", &summary, true);
    // The audit log names the person by a pseudonym only: not even masked.
    let log = r.audit_log(0).unwrap();
    for (_, entry) in &log {
        let json = serde_json::to_string(entry).unwrap();
        assert!(!json.contains(MASKED) && !json.contains(NUMBER), "{json}");
        assert!(!entry.to_string().contains(MASKED), "{entry}");
    }
    // A list entry (the warning lists the person on the activity-abnormal list).
    let entry = social_credit::ListEntry::new(
        person.clone(),
        social_credit::ListKind::ActivityAbnormal,
        d(2019, 6, 10),
    );
    assert_masked("ListEntry", &entry, true);
    assert_stored("ListEntry", &entry);
    // Errors quote the number masked.
    let err = r
        .register_subject(
            Subject::Person(Person {
                id: id(),
                name: NAME.into(),
            }),
            &who::clerk(),
            d(2019, 1, 8),
        )
        .unwrap_err();
    assert!(!err.to_string().contains(NUMBER) && !format!("{err:?}").contains(NUMBER));
}

/// A withdrawal is recorded by the Office official who received it (issue
/// 18): no free-text name can reach the objection or the log, which name
/// the actor by capacity (a section) or pseudonym (an account).
#[test]
fn a_withdrawal_names_no_one() {
    let r = with_personal_rules(MemoryStore::new());
    let person: SubjectId = id().into();
    r.register_subject(
        Subject::Person(Person {
            id: id(),
            name: NAME.into(),
        }),
        &who::clerk(),
        d(2019, 1, 7),
    )
    .unwrap();
    let record = r
        .record_misconduct(
            NewRecord {
                subject: person,
                conduct: ConductKind::new("warning"),
                section: Section::SocialAffairs,
                occurred_on: d(2019, 6, 3),
                ended_on: None,
                content: RecordContent {
                    description: "x".into(),
                    legal_basis: "y".into(),
                    evidence: vec![],
                    fine: None,
                },
                decision: None,
            },
            &who::social_affairs(),
            d(2019, 6, 10),
        )
        .unwrap();
    let o = r
        .receive_objection(
            record.id,
            Receipt::Written { on: d(2019, 6, 12) },
            "not me",
            &who::office(),
        )
        .unwrap();
    let o = r
        .advance_objection(
            o.id(),
            social_credit::registry::ObjectionStep::Withdraw,
            &who::office(),
            d(2019, 6, 13),
        )
        .unwrap();
    assert_eq!(
        o.objection.withdrawn().map(|w| w.by.as_str()),
        Some("section:office")
    );
    let log = r.audit_log(0).unwrap();
    let (_, last) = log.last().unwrap();
    assert_eq!(last.by, "section:office");
    assert!(!format!("{log:?}").contains(NAME));
}

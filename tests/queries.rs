//! Issue 21 points 1 and 3: paged queries in a stable order over both
//! stores, and reads that reuse decoded documents only while the store says
//! they are unchanged.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use rust_decimal::Decimal;
use social_credit::calendar::ChinaCalendar;
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::objection::{Receipt, Stage};
use social_credit::registry::{
    Cursor, NewRecord, ObjectionQuery, Registry, RegistryError, RuleBook,
};
use social_credit::store::{MemoryStore, Store};
use social_credit::subject::check::{org_code_check, resident_check, uscc_check};
use social_credit::{
    Actor, Organization, OrganizationKind, Person, ResidentId, Role, RoleLink, Section, Severity,
    Subject, SubjectId, Uscc,
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

fn resident(n: u32) -> ResidentId {
    let first17 = format!("41018419800101{n:03}");
    let check = resident_check(first17.as_bytes()).unwrap() as char;
    format!("{first17}{check}").parse().unwrap()
}

fn org(n: u32) -> Subject {
    Subject::Organization(Organization {
        uscc: uscc(n),
        name: format!("协会{n}"),
        kind: OrganizationKind::SocialAssociation,
        established_on: Some(d(2010, 1, 1)),
    })
}

fn finding(subject: &SubjectId, conduct: &str, fine: Option<i64>, on: NaiveDate) -> NewRecord {
    NewRecord {
        subject: subject.clone(),
        conduct: ConductKind::new(conduct),
        section: Section::SocialOrganizations,
        occurred_on: on,
        ended_on: Some(on),
        content: RecordContent {
            description: "finding".into(),
            legal_basis: "art. 30".into(),
            evidence: vec![],
            fine: fine.map(Decimal::from),
        },
        decision: None,
    }
}

fn clerk() -> Actor {
    Actor::section(Section::SocialOrganizations)
}

fn office() -> Actor {
    Actor::section(Section::Office)
}

fn registry<S: Store>(store: S) -> Registry<S> {
    Registry::new(
        store,
        ChinaCalendar::official_projected(),
        RuleBook::xinzheng_2019(),
    )
}

fn paging<S: Store>(r: &Registry<S>) {
    let day = d(2019, 3, 4);
    for n in [5, 1, 7, 3, 2, 6, 4] {
        r.register_subject(org(n), &clerk(), d(2019, 1, 7)).unwrap();
    }
    r.register_subject(
        Subject::Person(Person {
            id: resident(9),
            name: "张伟".into(),
        }),
        &clerk(),
        d(2019, 1, 7),
    )
    .unwrap();

    // Subjects: every one once, in the order of the text form.
    let mut seen: Vec<String> = Vec::new();
    let mut cursor: Option<Cursor> = None;
    let mut added = false;
    loop {
        let page = r.subjects(cursor.as_deref(), 3, &clerk()).unwrap();
        assert!(page.items.len() <= 3);
        seen.extend(page.items.iter().map(|s| s.id().to_string()));
        if !added {
            // Added behind the cursor: not seen; ahead of it: seen once.
            r.register_subject(org(0), &clerk(), d(2019, 1, 8)).unwrap();
            r.register_subject(org(8), &clerk(), d(2019, 1, 8)).unwrap();
            added = true;
        }
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let mut expected: Vec<String> = (1..=8)
        .map(|n| SubjectId::from(uscc(n)).to_string())
        .collect();
    expected.push(SubjectId::from(resident(9)).to_string());
    assert_eq!(seen, expected, "org 0 was added behind the cursor");

    // A subject's records, oldest first, two at a time.
    let id: SubjectId = uscc(1).into();
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(
            r.record_misconduct(finding(&id, "warning", None, day), &clerk(), day)
                .unwrap()
                .id,
        );
    }
    let other: SubjectId = uscc(2).into();
    r.record_misconduct(finding(&other, "warning", None, day), &clerk(), day)
        .unwrap();
    let mut paged = Vec::new();
    let mut cursor: Option<Cursor> = None;
    loop {
        let page = r.records_of(&id, cursor.as_deref(), 2, &clerk()).unwrap();
        paged.extend(page.items.iter().map(|rec| rec.id));
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(paged, ids);

    // Limits and unknown subjects are refused.
    assert!(matches!(
        r.records_of(&id, None, 0, &clerk()),
        Err(RegistryError::PageLimit { limit: 0, .. })
    ));
    assert!(matches!(
        r.subjects(None, 1_001, &clerk()),
        Err(RegistryError::PageLimit { .. })
    ));
    assert!(matches!(
        r.records_of(&SubjectId::from(uscc(99)), None, 5, &clerk()),
        Err(RegistryError::NotFound { .. })
    ));

    // List entries: a severe finding blacklists.
    let severe: SubjectId = uscc(3).into();
    r.record_misconduct(finding(&severe, "fine", Some(80_000), day), &clerk(), day)
        .unwrap();
    let entries = r.list_entry_page(None, None, 10, &clerk()).unwrap();
    assert!(entries
        .items
        .iter()
        .any(|(_, e)| e.subject == severe
            && matches!(e.list, social_credit::ListKind::BlackList { .. })));
    let mut one_by_one = Vec::new();
    let mut cursor: Option<Cursor> = None;
    loop {
        let page = r
            .list_entry_page(None, cursor.as_deref(), 1, &clerk())
            .unwrap();
        one_by_one.extend(page.items.iter().map(|(id, _)| *id));
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(
        one_by_one,
        entries.items.iter().map(|(id, _)| *id).collect::<Vec<_>>()
    );
    let own = r
        .list_entry_page(Some(&severe), None, 10, &clerk())
        .unwrap();
    assert!(!own.items.is_empty());
    assert!(own.items.iter().all(|(_, e)| e.subject == severe));

    // Objections by subject, stage and due day.
    let received = d(2019, 9, 27);
    let o1 = r
        .receive_objection(
            ids[0],
            Receipt::Written { on: received },
            "wrong",
            &office(),
        )
        .unwrap();
    let o2 = r
        .receive_objection(
            ids[1],
            Receipt::Written { on: received },
            "wrong",
            &office(),
        )
        .unwrap();
    let all = r
        .objections(&ObjectionQuery::all(), None, 10, &office())
        .unwrap();
    assert_eq!(
        all.items.iter().map(|o| o.id()).collect::<Vec<_>>(),
        [o1.id(), o2.id()]
    );
    let first = r
        .objections(&ObjectionQuery::all(), None, 1, &office())
        .unwrap();
    assert_eq!(first.items.len(), 1);
    let second = r
        .objections(&ObjectionQuery::all(), first.next.as_deref(), 1, &office())
        .unwrap();
    assert_eq!(second.items[0].id(), o2.id());
    assert_eq!(second.next, None);
    let received_stage = ObjectionQuery::all().at(Stage::Received);
    assert_eq!(
        r.objections(&received_stage, None, 10, &office())
            .unwrap()
            .items
            .len(),
        2
    );
    assert!(r
        .objections(
            &ObjectionQuery::all().at(Stage::Closed),
            None,
            10,
            &office()
        )
        .unwrap()
        .items
        .is_empty());
    assert!(r
        .objections(
            &ObjectionQuery::all().about(other.clone()),
            None,
            10,
            &office()
        )
        .unwrap()
        .items
        .is_empty());
    // Forwarding is due within days of receipt: nothing is due on the
    // receipt day's eve, both are by the end of the year.
    assert!(r
        .objections(
            &ObjectionQuery::all().due_by(d(2019, 9, 26)),
            None,
            10,
            &office()
        )
        .unwrap()
        .items
        .is_empty());
    assert_eq!(
        r.objections(
            &ObjectionQuery::all().due_by(d(2019, 12, 31)),
            None,
            10,
            &office()
        )
        .unwrap()
        .items
        .len(),
        2
    );

    // The audit log, page after page, is the whole log.
    let whole = r.audit_log(0).unwrap();
    let mut paged = Vec::new();
    let mut after = 0;
    loop {
        let page = r.audit_page(after, 4, &office()).unwrap();
        let done = page.next.is_none();
        if let Some((seq, _)) = page.items.last() {
            after = *seq;
        }
        paged.extend(page.items);
        if done {
            break;
        }
    }
    assert_eq!(paged, whole);
}

#[test]
fn paged_queries_on_the_memory_store() {
    paging(&registry(MemoryStore::new()));
}

#[cfg(feature = "sqlite")]
#[test]
fn paged_queries_on_the_sqlite_store() {
    paging(&registry(
        social_credit::store::SqliteStore::open_in_memory().unwrap(),
    ));
}

#[test]
fn a_reused_assessment_sees_every_change_to_its_subject_and_linked_organizations() {
    let r = registry(MemoryStore::new());
    let day = d(2019, 3, 4);
    r.register_subject(org(1), &clerk(), d(2019, 1, 7)).unwrap();
    r.register_subject(
        Subject::Person(Person {
            id: resident(1),
            name: "张伟".into(),
        }),
        &clerk(),
        d(2019, 1, 7),
    )
    .unwrap();
    let organization: SubjectId = uscc(1).into();
    let person: SubjectId = resident(1).into();
    assert_eq!(r.assess(&organization, day).unwrap().worst_severity, None);
    assert_eq!(r.assess(&person, day).unwrap().worst_severity, None);
    // The organization's own finding.
    r.record_misconduct(
        finding(&organization, "fine", Some(80_000), day),
        &clerk(),
        day,
    )
    .unwrap();
    assert_eq!(
        r.assess(&organization, day).unwrap().worst_severity,
        Some(Severity::Severe)
    );
    // Not the person's yet: no role links them.
    assert_eq!(r.assess(&person, day).unwrap().worst_severity, None);
    r.link_person(
        RoleLink {
            organization: uscc(1),
            person: resident(1),
            role: Role::LegalRepresentative,
            from: d(2015, 1, 1),
            until: None,
        },
        &clerk(),
        day,
    )
    .unwrap();
    let reached = r.assess(&person, day).unwrap();
    assert_eq!(reached.worst_severity, Some(Severity::Severe));
    // A later finding of the organization reaches the cached person too.
    let before = reached.measures.len();
    r.record_misconduct(finding(&organization, "warning", None, day), &clerk(), day)
        .unwrap();
    let again = r.assess(&person, day).unwrap();
    assert_eq!(again.measures.len(), before);
    let records: usize = again.measures.iter().map(|m| m.records.len()).sum();
    let records_before: usize = reached.measures.iter().map(|m| m.records.len()).sum();
    assert!(records >= records_before);
    // Two registries over one store: one's write is seen by the other.
    let shared = std::sync::Arc::new(MemoryStore::new());
    let a = registry(std::sync::Arc::clone(&shared));
    let b = registry(std::sync::Arc::clone(&shared));
    a.register_subject(org(2), &clerk(), d(2019, 1, 7)).unwrap();
    let two: SubjectId = uscc(2).into();
    assert_eq!(b.assess(&two, day).unwrap().worst_severity, None);
    a.record_misconduct(finding(&two, "fine", Some(80_000), day), &clerk(), day)
        .unwrap();
    assert_eq!(
        b.assess(&two, day).unwrap().worst_severity,
        Some(Severity::Severe)
    );
}

/// Recording reuses what the last finding left of a subject only while no
/// one else wrote to it: two registries over one store, taking turns,
/// grade and list exactly as one registry over a store that caches nothing
/// (SQLite), document for document.
#[test]
fn recording_in_turns_from_two_registries_matches_one_without_a_cache() {
    let shared = std::sync::Arc::new(MemoryStore::new());
    let a = registry(std::sync::Arc::clone(&shared));
    let b = registry(std::sync::Arc::clone(&shared));
    let single = registry(social_credit::store::SqliteStore::open_in_memory().unwrap());
    let id: SubjectId = uscc(3).into();
    a.register_subject(org(3), &clerk(), d(2019, 1, 7)).unwrap();
    single
        .register_subject(org(3), &clerk(), d(2019, 1, 7))
        .unwrap();
    let steps: [(&str, Option<i64>, NaiveDate, bool); 6] = [
        ("warning", None, d(2019, 3, 4), true),
        ("warning", None, d(2019, 3, 4), true),
        ("fine", Some(100), d(2019, 5, 6), false),
        ("warning", None, d(2019, 6, 3), true),
        ("warning", None, d(2020, 1, 6), false),
        ("fine", Some(80_000), d(2020, 2, 3), false),
    ];
    for (conduct, fine, day, by_a) in steps {
        let r = if by_a { &a } else { &b };
        let got = r
            .record_misconduct(finding(&id, conduct, fine, day), &clerk(), day)
            .unwrap();
        let want = single
            .record_misconduct(finding(&id, conduct, fine, day), &clerk(), day)
            .unwrap();
        assert_eq!(got, want, "{conduct} on {day}");
    }
    assert_eq!(
        a.list_entries(&id).unwrap(),
        single.list_entries(&id).unwrap()
    );
    assert_eq!(
        a.assess(&id, d(2020, 3, 2)).unwrap(),
        single.assess(&id, d(2020, 3, 2)).unwrap()
    );
}

/// A subject page's cursor that names a person holds the identity number:
/// its `Debug` and default serialization mask it, and it still continues
/// the query (whole only on purpose, as the number itself).
#[test]
fn a_cursor_naming_a_person_is_masked_but_continues() {
    let r = registry(MemoryStore::new());
    for n in [1, 2] {
        r.register_subject(
            Subject::Person(Person {
                id: resident(n),
                name: "张伟".into(),
            }),
            &clerk(),
            d(2019, 1, 7),
        )
        .unwrap();
    }
    let first = r.subjects(None, 1, &office()).unwrap();
    let cursor = first.next.clone().unwrap();
    let whole = resident(1).to_string();
    assert!(cursor.as_str().contains(&whole), "{cursor}");
    let debug = format!("{first:?}");
    let json = serde_json::to_string(&first).unwrap();
    for shown in [&debug, &json] {
        assert!(!shown.contains(&whole), "{shown}");
        assert!(
            shown.contains(&whole[..6]),
            "the masked cursor is there: {shown}"
        );
    }
    // A masked cursor read back cannot silently continue elsewhere.
    let masked: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(serde_json::from_value::<Cursor>(masked["next"].clone()).is_err());
    // Kept whole on purpose, it continues the query.
    let kept =
        social_credit::subject::with_whole_identifiers(|| serde_json::to_string(&cursor)).unwrap();
    let back: Cursor = serde_json::from_str(&kept).unwrap();
    let second = r.subjects(Some(&back), 1, &office()).unwrap();
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.items[0].id(), SubjectId::from(resident(2)));
    assert_eq!(second.next, None);
}

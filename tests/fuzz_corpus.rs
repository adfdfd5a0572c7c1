//! Replays every file of the committed fuzz corpora (`fuzz/corpus/<target>/`)
//! through the same harness functions as the cargo-fuzz targets under
//! `fuzz/fuzz_targets/`, on stable, so that every input the fuzzers found
//! (issue 17) stays a regression test. Run the fuzzers themselves as the
//! README says.
#![cfg(feature = "sqlite")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../fuzz/harness/mod.rs"]
mod harness;

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{target}: {} fails", file.display());
    }
    files.len()
}

#[test]
fn every_target_has_a_corpus_and_every_file_passes() {
    for (target, run) in harness::TARGETS {
        let n = replay(target, *run);
        assert!(n > 0, "the corpus of {target} is empty");
    }
}

/// Writes the seed files of the corpora (run once by hand, with
/// `cargo test --all-features --test fuzz_corpus -- --ignored`); the fuzzers
/// and their findings add to them.
#[test]
#[ignore = "writes the seed corpora"]
fn write_seeds() {
    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use social_credit::misconduct::{ConductKind, RecordContent};
    use social_credit::objection::Receipt;
    use social_credit::registry::{NewRecord, Registry};
    use social_credit::store::SqliteStore;
    use social_credit::subject::with_whole_identifiers;
    use social_credit::tipoff::Reporter;
    use social_credit::*;

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("fuzz/corpus");
    let put = |target: &str, name: &str, data: &[u8]| {
        std::fs::write(corpus.join(target).join(name), data).unwrap();
    };
    let whole = |v: &dyn erased::Json| with_whole_identifiers(|| v.json());
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();

    // identifiers
    for (i, s) in [
        "34052419800101001X",
        "410184198006150022",
        "340524800101001",
        "91350100M000100Y43",
        "51410184MJY123456A",
        "\"34052419800101001X\"",
        "{\"organization\":\"91350100M000100Y43\"}",
        "{\"person\":\"410184198006150022\"}",
    ]
    .iter()
    .enumerate()
    {
        put("identifiers", &format!("seed-{i}"), s.as_bytes());
    }

    // calendar
    for f in ["cn.csv", "cn-lunar.csv"] {
        put(
            "calendar",
            f,
            &std::fs::read(root.join("data/calendar").join(f)).unwrap(),
        );
    }
    let csv = "schedule,kind,first,last,name,notice\n\
               2027,holiday,2027-01-01,2027-01-03,New Year's Day 元旦,国办发明电〔2026〕X号\n\
               2027,workday,2027-01-04,2027-01-04,New Year's Day 元旦,国办发明电〔2026〕X号\n";
    put("calendar", "small.csv", csv.as_bytes());
    let schedule = calendar::Schedule::from_text(csv).unwrap();
    put(
        "calendar",
        "small.json",
        serde_json::to_string(&schedule).unwrap().as_bytes(),
    );

    // grading policies, catalogues, repair data
    for f in std::fs::read_dir(root.join("data/presets")).unwrap() {
        let p = f.unwrap().path();
        put(
            "grading_policy",
            p.file_name().unwrap().to_str().unwrap(),
            &std::fs::read(&p).unwrap(),
        );
    }
    put(
        "catalogue",
        "xinzheng-2019.json",
        &std::fs::read(root.join("data/catalogue/xinzheng-2019.json")).unwrap(),
    );

    // A registry with one of everything, on SQLite.
    let dir = std::env::temp_dir().join(format!("social-credit-seeds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("seed.db");
    let _ = std::fs::remove_file(&db);
    let r = Registry::official(SqliteStore::open(&db).unwrap());
    let uscc: Uscc = "91350100M000100Y43".parse().unwrap();
    let org: SubjectId = uscc.clone().into();
    let pid: ResidentId = "410184198006150022".parse().unwrap();
    let person = Subject::Person(Person {
        id: pid.clone(),
        name: "张伟".into(),
    });
    let organization = Subject::Organization(Organization {
        uscc: uscc.clone(),
        name: "Zhengzhou Example Elderly Care Association".into(),
        kind: OrganizationKind::SocialAssociation,
        established_on: Some(d(2012, 5, 1)),
    });
    r.register_subject(
        organization.clone(),
        &social_credit::Actor::section(social_credit::Section::SocialOrganizations),
        d(2019, 1, 7),
    )
    .unwrap();
    r.register_subject(
        person.clone(),
        &social_credit::Actor::section(social_credit::Section::SocialOrganizations),
        d(2019, 1, 7),
    )
    .unwrap();
    let link = RoleLink {
        organization: uscc.clone(),
        person: pid.clone(),
        role: Role::LegalRepresentative,
        from: d(2015, 1, 1),
        until: None,
    };
    r.link_person(
        link.clone(),
        &social_credit::Actor::section(social_credit::Section::SocialOrganizations),
        d(2019, 1, 7),
    )
    .unwrap();
    let new = NewRecord {
        subject: org.clone(),
        conduct: ConductKind::new("fine"),
        section: Section::SocialOrganizations,
        occurred_on: d(2019, 3, 1),
        ended_on: Some(d(2019, 3, 1)),
        content: RecordContent {
            description: "collected membership fees above the approved standard".into(),
            legal_basis: "Regulations on the Registration of Social Organizations art. 30".into(),
            evidence: vec!["XZMZ-2019-0042".into()],
            fine: Some(Decimal::from(60_000)),
        },
        decision: Some(PenaltyDecision::new(
            d(2019, 3, 1),
            repair::PenaltyDomain::Other,
            vec![repair::PenaltyKind::Fine],
        )),
    };
    let record = r
        .record_misconduct(
            new.clone(),
            &social_credit::Actor::section(social_credit::Section::SocialOrganizations),
            d(2019, 3, 4),
        )
        .unwrap();
    let receipt = Receipt::Written { on: d(2019, 3, 11) };
    let objection = r
        .receive_objection(
            record.id,
            receipt,
            "the fine was annulled",
            &social_credit::Actor::section(social_credit::Section::Office),
        )
        .unwrap();
    let commitment = r
        .sign_commitment(
            &org,
            commitment::CommitmentKind::Credit,
            "we pledge",
            &social_credit::Actor::section(social_credit::Section::SocialOrganizations),
            d(2019, 4, 1),
        )
        .unwrap();
    r.receive_report(
        &org,
        "fees collected twice",
        Reporter {
            name: "李四".into(),
            contact: "13800000000".into(),
        },
        &social_credit::Actor::section(social_credit::Section::SocialOrganizations),
        d(2019, 4, 2),
    )
    .unwrap();
    let sweep = r
        .daily_sweep(&social_credit::Actor::system(), d(2019, 6, 3))
        .unwrap();
    let view = r.public_view(&org, d(2019, 6, 3)).unwrap();
    let entries = r.list_entries(&org).unwrap();
    let audit = r.audit_log(0).unwrap();
    drop(r);
    put("sqlite_file", "seed-registry", &std::fs::read(&db).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();

    // json_types: the selector byte, then the JSON (see harness::json_types).
    let facts = repair::RepairFacts::new(record.decision.clone().unwrap());
    let mut roster = Roster::default();
    roster.link(link.clone()).unwrap();
    let values: Vec<(u8, String)> = vec![
        (0, whole(&person)),
        (0, whole(&organization)),
        (1, whole(&org)),
        (2, whole(&link)),
        (3, whole(&roster)),
        (4, whole(&record)),
        (5, whole(&new.content)),
        (
            6,
            entries.first().map(|(_, e)| whole(e)).unwrap_or_default(),
        ),
        (8, whole(&objection)),
        (9, whole(&receipt)),
        (12, whole(&objection::ObjectionPolicy::default())),
        (13, whole(&commitment)),
        (15, whole(&new)),
        (16, audit.first().map(|(_, e)| whole(e)).unwrap_or_default()),
        (18, whole(&RetentionPolicy::default())),
        (19, whole(record.decision.as_ref().unwrap())),
        (20, whole(&facts)),
        (22, whole(&quarterly::ReportingRule::default())),
        (23, whole(&sweep)),
        (24, whole(&view)),
        (25, whole(&schedule)),
        (29, whole(&Citation::new("objection.receive", "plan §6(3)"))),
    ];
    for (i, (selector, json)) in values.into_iter().enumerate() {
        let mut data = vec![selector];
        data.extend_from_slice(json.as_bytes());
        put("json_types", &format!("seed-{i:02}"), &data);
    }

    // repair: a policy, `%%`, facts.
    for f in std::fs::read_dir(root.join("data/repair")).unwrap() {
        let p = f.unwrap().path();
        let policy: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        let text = format!("{}\n%%\n{}", policy, whole(&facts));
        put(
            "repair",
            p.file_name().unwrap().to_str().unwrap(),
            text.as_bytes(),
        );
    }

    // registry_ops: byte sequences (see harness::registry_ops).
    put(
        "registry_ops",
        "seed-register-record",
        &[
            0, 0, 0, 0, 1, // register an organization
            1, 3, 0, 0, // register a person
            2, 0, 2, 0, 2, 10, 1, 0, 2, 0, 1, // record a finding
            30, 0, 11, // sweep
            5, 0, 6, 0, 0, 1, 1, // objection
            1, 0, 12, // public view
        ],
    );
    put(
        "registry_ops",
        "seed-import",
        &[
            0, 0, 0, 0, 1, 1, 0, 3, 4, 1, 1, 2, 0, 1, 0, 2, 1, 0, 3, 3, 0, 1, 2, 2, 0, 5, 0, 11, 0,
            0, 13,
        ],
    );
}

/// Serializing through a trait object, for the seed writer.
mod erased {
    pub trait Json {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap()
        }
    }
}

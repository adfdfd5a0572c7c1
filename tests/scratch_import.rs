#![allow(clippy::unwrap_used)]
use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::registry::{NewRecord, Registry};
use social_credit::store::MemoryStore;
use social_credit::*;
use std::time::Instant;
fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}
#[test]
fn scratch() {
    for n in [1000u64, 2000, 4000] {
        let r = Registry::official(MemoryStore::new());
        let code: Uscc = "91350100M000100Y43".parse().unwrap();
        r.register_subject(
            Subject::Organization(Organization {
                uscc: code.clone(),
                name: "A".into(),
                kind: OrganizationKind::SocialAssociation,
                established_on: Some(d(2010, 1, 1)),
            }),
            "b",
            d(2019, 1, 2),
        )
        .unwrap();
        let s: SubjectId = code.into();
        let recs: Vec<_> = (0..n)
            .map(|i| {
                let occurred = d(2019, 1, 3) + Days::new(i % 300);
                NewRecord {
                    subject: s.clone(),
                    conduct: ConductKind::new(if i % 2 == 0 {
                        "annual_report_late"
                    } else {
                        "fine"
                    }),
                    section: Section::SocialOrganizations,
                    occurred_on: occurred,
                    ended_on: Some(occurred),
                    content: RecordContent {
                        description: "x".into(),
                        legal_basis: "y".into(),
                        evidence: vec![],
                        fine: (i % 2 == 1).then(|| Decimal::from(1000)),
                    },
                    decision: None,
                }
            })
            .collect();
        let t = Instant::now();
        r.import_records(recs, "b", d(2019, 12, 2)).unwrap();
        eprintln!("n={n} {:?}", t.elapsed());
    }
}

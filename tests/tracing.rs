//! Issue 21 point 4: every registry operation is a `registry` span with its
//! name and an event with its outcome, the rules it applied and the time in
//! the store; no field holds personal data.
#![cfg(feature = "tracing")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use social_credit::actor::Capacity;
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::registry::{NewRecord, Registry};
use social_credit::store::MemoryStore;
use social_credit::subject::check::resident_check;
use social_credit::{Actor, Person, ResidentId, Section, Subject, SubjectId};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Every field of every span and event, as `name=value` text.
#[derive(Clone, Default)]
struct Collect(Arc<Mutex<Vec<String>>>);

struct Fields<'a>(&'a mut Vec<String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push(format!("{}={value:?}", field.name()));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push(format!("{}={value}", field.name()));
    }
}

impl Subscriber for Collect {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Vec::new();
        span.record(&mut Fields(&mut fields));
        let mut all = self.0.lock().unwrap();
        all.push(format!("span {}", fields.join(" ")));
        Id::from_u64(all.len() as u64)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut fields = Vec::new();
        values.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().push(fields.join(" "));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.0
            .lock()
            .unwrap()
            .push(format!("event {}", fields.join(" ")));
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

#[test]
fn operations_are_traced_without_personal_data() {
    let mut b = *b"41018419800615002?";
    b[17] = resident_check(&b[..17]).unwrap();
    let number = std::str::from_utf8(&b).unwrap().to_owned();
    let id: ResidentId = number.parse().unwrap();
    let person: SubjectId = id.clone().into();
    // An official's account: the audit log and the trace name it only by a
    // pseudonym.
    let clerk = Actor::official(
        "wangwu.clerk".parse().unwrap(),
        Capacity::Section(Section::SocialAffairs),
    )
    .unwrap();
    let collect = Collect::default();
    let registry = Registry::official(MemoryStore::new());
    tracing::subscriber::with_default(collect.clone(), || {
        registry
            .register_subject(
                Subject::Person(Person {
                    id: id.clone(),
                    name: "张伟".into(),
                }),
                &clerk,
                d(2019, 1, 7),
            )
            .unwrap();
        // Refused: the civil-affairs preset grades no person's record.
        let refused = registry.record_misconduct(
            NewRecord {
                subject: person.clone(),
                conduct: ConductKind::new("fine"),
                section: Section::SocialAffairs,
                occurred_on: d(2019, 3, 1),
                ended_on: None,
                content: RecordContent {
                    description: "张伟 kept the fees".into(),
                    legal_basis: "art. 30".into(),
                    evidence: vec![],
                    fine: Some(Decimal::from(100)),
                },
                decision: None,
            },
            &Actor::section(Section::SocialAffairs),
            d(2019, 3, 4),
        );
        assert!(refused.is_err());
        registry.assess(&person, d(2019, 3, 4)).unwrap();
    });
    let lines = collect.0.lock().unwrap().clone();
    let text = lines.join("\n");
    for op in ["register_subject", "record_misconduct", "load"] {
        assert!(text.contains(&format!("operation={op}")), "{op} in {text}");
    }
    assert!(text.contains("outcome=ok"), "{text}");
    assert!(text.contains("outcome=error"), "{text}");
    assert!(text.contains("store_us="), "{text}");
    // The registration is audited under a rule, which is traced.
    assert!(
        lines.iter().any(|l| l.starts_with("event")
            && l.contains("citations=")
            && !l.contains("citations= ")),
        "{text}"
    );
    assert!(text.contains("subject=410184********002"), "{text}");
    assert!(!text.contains(&number), "{text}");
    assert!(!text.contains("19800615"), "{text}");
    assert!(!text.contains("张伟"), "{text}");
    assert!(!text.contains("wangwu"), "{text}");
}

//! What an official sees in the store before and after a person's record is
//! erased (plan §6(7) "5年后予以消除"): every document and audit entry, on
//! the last retained day and on the day after.
//!
//! Run with `cargo run --example erasure_dump`.

use chrono::NaiveDate;
use social_credit::misconduct::{ConductKind, RecordContent};
use social_credit::objection::{Finding, Outcome, Receipt};
use social_credit::registry::{NewRecord, ObjectionStep, Registry};
use social_credit::store::{dump, MemoryStore, Store};
use social_credit::{Person, Section, Subject, SubjectId};

/// Who acts in these examples and tests (issue 18): a section as a unit,
/// the Office, the system for the sweep.
#[allow(dead_code)]
mod who {
    use social_credit::misconduct::Section;
    use social_credit::Actor;

    /// The Social Organizations Section, which records in its own field.
    pub fn clerk() -> Actor {
        Actor::section(Section::SocialOrganizations)
    }

    /// The section that provided the records of these tests.
    pub fn section() -> Actor {
        Actor::section(Section::SocialOrganizations)
    }

    /// The Office.
    pub fn office() -> Actor {
        Actor::section(Section::Office)
    }

    /// The daily sweep.
    pub fn system() -> Actor {
        Actor::system()
    }
}

fn day(y: i32, m: u32, d: u32) -> Result<NaiveDate, String> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("no day {y}-{m}-{d}"))
}

fn show<S: Store>(registry: &Registry<S>, title: &str) -> Result<(), Box<dyn std::error::Error>> {
    println!("== {title}");
    let dump = dump(registry.store())?;
    for (table, docs) in &dump.tables {
        for (key, doc) in docs {
            let under = doc.subject.as_deref().unwrap_or("-");
            println!("{table}/{key}  (indexed under {under})");
            println!("    {}", doc.body);
        }
    }
    println!("audit log:");
    for (seq, entry) in registry.audit_log(0)? {
        println!("  {seq:>2} {entry}");
    }
    let _ = dump.audit;
    println!();
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // MCA Order No. 60 (2018) grades organizations only: a person's record
    // is graded here by the plan-level example policy shipped with the crate.
    let registry = Registry::new(
        MemoryStore::new(),
        social_credit::calendar::ChinaCalendar::official_projected(),
        social_credit::registry::RuleBook {
            policies: social_credit::PolicySet::new(vec![
                social_credit::GradingPolicy::xinzheng_plan_2019_example().clone(),
            ])?,
            ..social_credit::registry::RuleBook::xinzheng_2019()
        },
    );
    let id: social_credit::ResidentId = "410184198006150022".parse()?;
    let person: SubjectId = id.clone().into();
    registry.register_subject(
        Subject::Person(Person {
            id,
            name: "张伟".into(),
        }),
        &who::clerk(),
        day(2019, 1, 7)?,
    )?;
    let record = registry.record_misconduct(
        NewRecord {
            subject: person.clone(),
            conduct: ConductKind::new("warning"),
            section: Section::SocialAffairs,
            occurred_on: day(2019, 6, 3)?,
            ended_on: Some(day(2019, 6, 3)?),
            content: RecordContent {
                description: "collected membership fees twice".into(),
                legal_basis: "Regulations on Social Organizations art. 30".into(),
                evidence: vec!["XZMZ-2019-0042".into()],
                fine: None,
            },
            decision: None,
        },
        &who::section(),
        day(2019, 6, 10)?,
    )?;
    let objection = registry.receive_objection(
        record.id,
        Receipt::Written {
            on: day(2019, 6, 12)?,
        },
        "I was abroad that month",
        &who::office(),
    )?;
    for (step, on) in [
        (
            ObjectionStep::Forward {
                to: Section::SocialAffairs,
            },
            day(2019, 6, 13)?,
        ),
        (
            ObjectionStep::Opinion {
                finding: Finding::NotConfirmed,
                summary: "passport stamps do not match".into(),
                submitted_on: None,
            },
            day(2019, 6, 17)?,
        ),
        (
            ObjectionStep::Notify {
                outcome: Outcome::Kept {
                    reasons: "the record stands".into(),
                },
            },
            day(2019, 6, 18)?,
        ),
    ] {
        registry.advance_objection(objection.id(), step, &who::office(), on)?;
    }
    registry.daily_sweep(&who::system(), day(2024, 6, 3)?)?;
    show(
        &registry,
        "2024-06-03, the last retained day (conduct ended 2019-06-03)",
    )?;
    let sweep = registry.daily_sweep(&who::system(), day(2024, 6, 4)?)?;
    println!("the sweep of 2024-06-04 erased {:?}\n", sweep.erased);
    show(&registry, "2024-06-04, the day after")?;
    let view = registry.public_view(&person, day(2024, 6, 4)?)?;
    println!("public view: {}", serde_json::to_string(&view)?);
    Ok(())
}

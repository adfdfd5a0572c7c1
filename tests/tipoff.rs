//! Tip-offs keep their reporter's identity sealed (plan §5(5)1).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use social_credit::tipoff::{Report, ReportId, Reporter, Sealed};

fn report() -> Report {
    Report::new(
        ReportId(1),
        "91350100M000100Y43"
            .parse::<social_credit::Uscc>()
            .unwrap()
            .into(),
        NaiveDate::from_ymd_opt(2024, 5, 6).unwrap(),
        "charges members unlawful fees".into(),
        Reporter {
            name: "Li Lei 李雷".into(),
            contact: "13800138000".into(),
        },
    )
}

#[test]
fn identity_is_in_no_output() {
    let r = report();
    for text in [
        format!("{r:?}"),
        format!("{r:#?}"),
        r.to_string(),
        serde_json::to_string(&r).unwrap(),
        toml::to_string(&r).unwrap(),
        format!("{:?}", r.reporter_identity_confidential()),
    ] {
        assert!(!text.contains("Li Lei"), "{text}");
        assert!(!text.contains("李雷"), "{text}");
        assert!(!text.contains("13800138000"), "{text}");
    }
    assert!(serde_json::to_string(&r).unwrap().contains("<sealed>"));
}

#[test]
fn only_the_named_accessor_opens_it() {
    let r = report();
    assert_eq!(
        r.reporter_identity_confidential().unwrap().name,
        "Li Lei 李雷"
    );
    assert_eq!(
        r.reporter_identity_confidential().unwrap().contact,
        "13800138000"
    );
    // As a registry hands it to anyone but the custodian (issue 18).
    let withheld = r.withheld();
    assert!(withheld.reporter_identity_confidential().is_none());
    assert!(!serde_json::to_string(&withheld).unwrap().contains("sealed"));
    let s = Sealed::new(42);
    assert_eq!(format!("{s:?}"), "<sealed>");
    assert_eq!(*s.unseal(), 42);
}

//! Issue 21 point 6: text forms round-trip (`x.to_string().parse() == x`),
//! parse the identifiers serde uses, and refuse anything else with a typed
//! error listing the accepted values, never quoting an identity number whole.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use social_credit::catalogue::SanctionKind;
use social_credit::lists::{Domain, ListEntryId, ListKind};
use social_credit::misconduct::RecordStatus;
use social_credit::objection::ObjectionId;
use social_credit::repair::{PenaltyDomain, PenaltyKind, Procedure};
use social_credit::subject::check::resident_check;
use social_credit::{
    OrganizationKind, ParseNameError, RecordId, ResidentId, Role, Section, Severity, SubjectId,
    SubjectIdError, Uscc,
};

fn resident(year: u32, month: u32, day: u32, seq: u32) -> ResidentId {
    let mut b = format!("410184{year:04}{month:02}{day:02}{seq:03}?").into_bytes();
    b[17] = resident_check(&b[..17]).unwrap();
    String::from_utf8(b).unwrap().parse().unwrap()
}

const USCCS: [&str; 2] = ["91350100M000100Y43", "91110000802100433B"];

fn subject_ids() -> impl Strategy<Value = SubjectId> {
    prop_oneof![
        (0..USCCS.len()).prop_map(|i| SubjectId::Organization(USCCS[i].parse::<Uscc>().unwrap())),
        (1950u32..2005, 1u32..13, 1u32..29, 0u32..1000)
            .prop_map(|(y, m, d, s)| SubjectId::Person(resident(y, m, d, s))),
    ]
}

/// Checks that every value round-trips through `Display` and its identifier
/// and that the identifier is serde's name.
fn round_trips<T>(values: &[T], identifier: impl Fn(&T) -> String)
where
    T: std::fmt::Display
        + std::str::FromStr<Err = ParseNameError>
        + serde::Serialize
        + PartialEq
        + std::fmt::Debug,
{
    for v in values {
        assert_eq!(v.to_string().parse::<T>().as_ref(), Ok(v), "{v}");
        assert_eq!(identifier(v).parse::<T>().as_ref(), Ok(v), "{v}");
        assert_eq!(
            identifier(v).to_uppercase().parse::<T>().as_ref(),
            Ok(v),
            "identifiers are read in any ASCII case"
        );
        assert_eq!(
            serde_json::to_value(v).unwrap(),
            serde_json::Value::String(identifier(v)),
            "the identifier is serde's name"
        );
    }
}

#[test]
fn every_field_less_enum_round_trips() {
    round_trips(&Severity::ALL, |v| v.as_str().to_owned());
    round_trips(&Section::ALL, |v| v.as_str().to_owned());
    round_trips(&Role::ALL, |v| v.as_str().to_owned());
    round_trips(&PenaltyKind::ALL, |v| v.as_str().to_owned());
    round_trips(&PenaltyDomain::ALL, |v| v.as_str().to_owned());
    round_trips(&SanctionKind::ALL, |v| v.as_str().to_owned());
    round_trips(&[Procedure::Ordinary, Procedure::Simplified], |v| {
        v.as_str().to_owned()
    });
    round_trips(
        &[
            RecordStatus::Active,
            RecordStatus::Repaired,
            RecordStatus::Revoked,
            RecordStatus::Corrected,
            RecordStatus::Erased,
        ],
        |v| v.as_str().to_owned(),
    );
    round_trips(
        &[
            OrganizationKind::Enterprise,
            OrganizationKind::SocialAssociation,
            OrganizationKind::SocialServiceOrganization,
            OrganizationKind::Foundation,
            OrganizationKind::PublicInstitution,
            OrganizationKind::Other,
        ],
        |v| v.as_str().to_owned(),
    );
}

#[test]
fn names_in_either_language_parse() {
    assert_eq!("较重".parse::<Severity>(), Ok(Severity::Serious));
    assert_eq!(" Serious ".parse::<Severity>(), Ok(Severity::Serious));
    assert_eq!("社会事务科".parse::<Section>(), Ok(Section::SocialAffairs));
    assert_eq!(
        "social affairs section".parse::<Section>(),
        Ok(Section::SocialAffairs)
    );
    assert_eq!(
        "吊销许可证件、吊销执照".parse::<PenaltyKind>(),
        Ok(PenaltyKind::LicenceRevocation)
    );
    assert_eq!(
        "安全生产".parse::<PenaltyDomain>(),
        Ok(PenaltyDomain::WorkSafety)
    );
    assert_eq!("法定代表人".parse::<Role>(), Ok(Role::LegalRepresentative));
    assert_eq!(
        "活动异常名录".parse::<ListKind>(),
        Ok(ListKind::ActivityAbnormal)
    );
}

#[test]
fn an_unknown_name_lists_the_accepted_identifiers() {
    let err = "very serious".parse::<Severity>().unwrap_err();
    assert_eq!(err.what, "severity");
    assert_eq!(err.accepted, ["minor", "general", "serious", "severe"]);
    assert_eq!(
        err.to_string(),
        "`very serious` is not a severity; expected one of `minor`, `general`, `serious`, `severe`"
    );
    let err = "welfare".parse::<Section>().unwrap_err();
    assert!(err.to_string().contains("`social_affairs`"), "{err}");
    let err = "black_list:".parse::<ListKind>().unwrap_err();
    assert_eq!(
        err.accepted,
        ["red_list", "activity_abnormal", "black_list:<domain>"]
    );
    assert!("".parse::<PenaltyKind>().is_err());
    assert!("R".parse::<RecordId>().is_err());
    assert!("R+1".parse::<RecordId>().is_err());
    assert!("L-1".parse::<ListEntryId>().is_err());
}

#[test]
fn an_identity_number_in_the_wrong_field_is_never_quoted_whole() {
    let number = resident(1980, 6, 15, 2).to_string();
    let message = number.parse::<Severity>().unwrap_err().to_string();
    assert!(!message.contains(&number), "{message}");
    assert!(
        !message.contains(&number[6..14]),
        "birth date shown: {message}"
    );
    let message = number.parse::<ListKind>().unwrap_err().to_string();
    assert!(!message.contains(&number[6..14]), "{message}");
    let message = number.parse::<SubjectId>().unwrap_err().to_string();
    assert!(!message.contains(&number[6..14]), "{message}");
    let err = format!("org:{number}").parse::<SubjectId>().unwrap_err();
    assert!(matches!(err, SubjectIdError::Organization(_)));
    assert!(!err.to_string().contains(&number[6..14]), "{err}");
    assert!(!format!("{err:?}").contains(&number[6..14]), "{err:?}");
    let mut bad = number.clone().into_bytes();
    bad[17] = if bad[17] == b'0' { b'1' } else { b'0' };
    let bad = String::from_utf8(bad).unwrap();
    let err = format!("person:{bad}").parse::<SubjectId>().unwrap_err();
    assert!(matches!(err, SubjectIdError::Person(_)));
    assert!(!err.to_string().contains(&bad[6..14]), "{err}");
}

#[test]
fn a_subject_id_names_its_kind() {
    let org: SubjectId = "org:91350100M000100Y43".parse().unwrap();
    assert!(!org.is_person());
    assert!(matches!(
        "91350100M000100Y43".parse::<SubjectId>(),
        Err(SubjectIdError::Prefix { .. })
    ));
    let err = "org:91350100M000100Y44".parse::<SubjectId>().unwrap_err();
    assert!(matches!(err, SubjectIdError::Organization(_)));
    assert!(err.to_string().contains("check character"), "{err}");
}

proptest! {
    #[test]
    fn subject_ids_round_trip(id in subject_ids()) {
        let text = id.to_string();
        let prefix = if id.is_person() { "person:" } else { "org:" };
        prop_assert!(text.starts_with(prefix), "{}", text);
        prop_assert_eq!(text.parse::<SubjectId>(), Ok(id.clone()));
        // Debug never holds a person's number whole.
        if let SubjectId::Person(p) = &id {
            let debug = format!("{:?}", id);
            prop_assert!(!debug.contains(p.as_ref() as &str), "{}", debug);
        }
    }

    #[test]
    fn list_kinds_round_trip(domain in "[a-z][a-z_]{0,20}", which in 0u8..3) {
        let list = match which {
            0 => ListKind::RedList,
            1 => ListKind::ActivityAbnormal,
            _ => ListKind::BlackList { domain: Domain::new(domain) },
        };
        prop_assert_eq!(list.to_string().parse::<ListKind>(), Ok(list.clone()));
        prop_assert_eq!(list.identifier().parse::<ListKind>(), Ok(list));
    }

    #[test]
    fn store_ids_round_trip(n in any::<u64>()) {
        prop_assert_eq!(RecordId(n).to_string().parse::<RecordId>(), Ok(RecordId(n)));
        prop_assert_eq!(ListEntryId(n).to_string().parse::<ListEntryId>(), Ok(ListEntryId(n)));
        prop_assert_eq!(ObjectionId(n).to_string().parse::<ObjectionId>(), Ok(ObjectionId(n)));
        prop_assert_eq!(n.to_string().parse::<RecordId>(), Ok(RecordId(n)));
    }

    #[test]
    fn no_name_error_quotes_more_than_six_digits(input in "[0-9A-Za-z:_ ]{0,60}") {
        let count = |s: &str| s.chars().filter(char::is_ascii_digit).count();
        for message in [
            input.parse::<Severity>().err().map(|e| e.to_string()),
            input.parse::<PenaltyKind>().err().map(|e| e.to_string()),
            input.parse::<ListKind>().err().map(|e| e.to_string()),
        ].into_iter().flatten() {
            prop_assert!(count(&message) <= 6, "{}", message);
        }
    }

    #[test]
    fn no_subject_id_error_quotes_a_birth_date(
        prefix in prop_oneof![Just(""), Just("org:"), Just("person:"), Just("x:")],
        number in "[0-9]{17}[0-9X]",
    ) {
        let input = format!("{prefix}{number}");
        if let Err(e) = input.parse::<SubjectId>() {
            prop_assert!(!e.to_string().contains(&number[6..14]), "{}", e);
            let debug = format!("{:?}", e);
            prop_assert!(!debug.contains(&number[6..14]), "{}", debug);
        }
    }
}

//! Identifiers and subjects as a user sees them: GB 32100-2015, GB 11643-1999.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use chrono::NaiveDate;
use proptest::prelude::*;
use social_credit::subject::check::{org_code_check, resident_check, uscc_check, ALPHABET};
use social_credit::subject::{
    province_prefixes, OrganizationType, ResidentId, Role, RoleLink, Roster, Uscc, UsccExceptions,
};

/// A valid USCC built from its parts: any authority/type pair GB 32100
/// assigns, a division with a known province prefix, any organization-code
/// body over the USCC alphabet, both check characters computed.
fn valid_uscc() -> impl Strategy<Value = String> {
    let pairs: Vec<(char, char)> = OrganizationType::all_code_pairs().collect();
    (
        proptest::sample::select(pairs),
        proptest::sample::select(province_prefixes().to_vec()),
        0u32..10_000,
        proptest::collection::vec(proptest::sample::select(ALPHABET.to_vec()), 8),
    )
        .prop_map(|((a, t), prov, rest, body)| {
            let mut s = format!("{a}{t}{prov:02}{rest:04}");
            s.extend(body.iter().map(|b| char::from(*b)));
            let org = org_code_check(&body).unwrap();
            s.push(char::from(org));
            let check = uscc_check(s.as_bytes()).unwrap();
            s.push(char::from(check));
            s
        })
}

/// A valid citizen identity number with a birth date from 1900 to 2025.
fn valid_resident_id() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(province_prefixes().to_vec()),
        0u32..10_000,
        0i64..(125 * 365),
        0u32..1000,
    )
        .prop_map(|(prov, rest, day, seq)| {
            let birth =
                NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Days::new(day as u64);
            let mut s = format!("{prov:02}{rest:04}{}{seq:03}", birth.format("%Y%m%d"));
            let check = resident_check(s.as_bytes()).unwrap();
            s.push(char::from(check));
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_usccs_parse_and_round_trip(code in valid_uscc()) {
        let parsed = Uscc::parse(&code).unwrap();
        prop_assert_eq!(parsed.to_string(), code.clone());
        let json = serde_json::to_string(&parsed).unwrap();
        prop_assert_eq!(&json, &format!("\"{code}\""));
        let back: Uscc = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, parsed);
    }

    /// Codes compare, order and hash as their text does: maps and sorted
    /// lists keyed by code keep the order an official reads.
    #[test]
    fn codes_compare_as_their_text(a in valid_uscc(), b in valid_uscc(), x in valid_resident_id(), y in valid_resident_id()) {
        use std::collections::hash_map::DefaultHasher;
        use std::hash::{Hash, Hasher};
        let hash = |v: &dyn Fn(&mut DefaultHasher)| {
            let mut h = DefaultHasher::new();
            v(&mut h);
            h.finish()
        };
        let (pa, pb) = (Uscc::parse(&a).unwrap(), Uscc::parse(&b).unwrap());
        prop_assert_eq!(pa == pb, a == b);
        prop_assert_eq!(pa.cmp(&pb), a.cmp(&b));
        prop_assert_eq!(pa.clone(), Uscc::parse(&a).unwrap());
        prop_assert_eq!(hash(&|h| pa.hash(h)), hash(&|h| Uscc::parse(&a).unwrap().hash(h)));
        let (px, py) = (ResidentId::parse(&x).unwrap(), ResidentId::parse(&y).unwrap());
        prop_assert_eq!(px == py, x == y);
        prop_assert_eq!(px.cmp(&py), x.cmp(&y));
        prop_assert_eq!(px.as_str(), x.as_str());
    }

    #[test]
    fn every_single_substitution_of_a_uscc_is_rejected(code in valid_uscc()) {
        let chars: Vec<char> = code.chars().collect();
        // Every position, every other character of the alphabet (and a few outside it).
        let candidates = ALPHABET.iter().map(|b| char::from(*b)).chain(['I', 'O', 'S', 'V', 'Z', '-', ' ', '中']);
        for pos in 0..18 {
            for c in candidates.clone() {
                if c == chars[pos] || c.to_ascii_uppercase() == chars[pos] {
                    continue;
                }
                let mut changed = chars.clone();
                changed[pos] = c;
                let changed: String = changed.into_iter().collect();
                prop_assert!(Uscc::parse(&changed).is_err(), "accepted {changed} (from {code})");
            }
        }
    }

    #[test]
    fn generated_resident_ids_parse_and_round_trip(id in valid_resident_id()) {
        let parsed = ResidentId::parse(&id).unwrap();
        prop_assert_eq!(parsed.to_string(), id.clone());
        // Stored whole, served masked (issue 13); only the stored form reads back.
        let json = social_credit::subject::with_whole_identifiers(|| serde_json::to_string(&parsed)).unwrap();
        let back: ResidentId = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, &parsed);
        let served = serde_json::to_string(&parsed).unwrap();
        prop_assert_eq!(served, format!("\"{}\"", parsed.masked()));
        // Debug never shows it whole.
        let debug = format!("{parsed:?}");
        prop_assert!(!debug.contains(&id));
        prop_assert!(debug.contains(&parsed.masked()));
        prop_assert_eq!(parsed.masked().len(), 18);
        prop_assert_eq!(&parsed.masked()[6..14], "********");
    }

    #[test]
    fn every_adjacent_transposition_of_a_resident_id_is_rejected(id in valid_resident_id()) {
        let chars: Vec<char> = id.chars().collect();
        for i in 0..17 {
            if chars[i] == chars[i + 1] {
                continue;
            }
            let mut swapped = chars.clone();
            swapped.swap(i, i + 1);
            let swapped: String = swapped.into_iter().collect();
            prop_assert!(ResidentId::parse(&swapped).is_err(), "accepted {swapped} (from {id})");
        }
    }

    #[test]
    fn arbitrary_strings_never_panic(s in ".{0,40}") {
        let _ = Uscc::parse(&s);
        let _ = ResidentId::parse(&s);
        let _ = Uscc::parse_with_exceptions(&s, &UsccExceptions::new([&s]));
    }

    #[test]
    fn arbitrary_18_char_strings_never_panic(s in "[0-9A-Za-z\\x{80}-\\x{10FFFF}]{18}") {
        let _ = Uscc::parse(&s);
        let _ = ResidentId::parse(&s);
        let _ = ResidentId::parse_as_of(&s, NaiveDate::MIN);
    }

    #[test]
    fn deserialize_rejects_what_parse_rejects(s in "[0-9A-Z]{18}") {
        let json = serde_json::to_string(&s).unwrap();
        prop_assert_eq!(Uscc::parse(&s).is_ok(), serde_json::from_str::<Uscc>(&json).is_ok());
        prop_assert_eq!(ResidentId::parse(&s).is_ok(), serde_json::from_str::<ResidentId>(&json).is_ok());
    }
}

#[test]
fn issue_known_cases() {
    for code in [
        "91350100M000100Y43",
        "91110000802100433B",
        "91440300708461136T",
    ] {
        assert!(Uscc::parse(code).is_ok(), "{code}");
    }
    assert!(ResidentId::parse("34052419800101001X").is_ok());
}

#[test]
fn official_error_messages() {
    let msg = |s: &str| Uscc::parse(s).unwrap_err().to_string();
    assert_eq!(
        msg("91350100M000100Y4X"),
        "check character of `913501********0Y4X` is `X`, expected `3`"
    );
    assert_eq!(
        msg("91350100M000100Y4"),
        "unified social credit code `913501*******00Y4` has 17 characters, expected 18"
    );
    assert_eq!(
        msg("91350100MOOO100Y43"),
        "character 10 of `913501********0Y43` is `O`, which a unified social credit code never uses (allowed: 0-9 and A-Y without I, O, S, V, Z)"
    );
}

#[test]
fn serde_rejects_invalid_codes_with_the_reason() {
    let err = serde_json::from_str::<Uscc>("\"91350100M000100Y4X\"").unwrap_err();
    assert!(err.to_string().contains("expected `3`"), "{err}");
}

#[test]
fn roster_answers_who_held_a_role_on_a_day() {
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    let org: Uscc = "91350100M000100Y43".parse().unwrap();
    let a: ResidentId = "34052419800101001X".parse().unwrap();
    let mut b_raw = *b"41018419900615002?";
    b_raw[17] = resident_check(&b_raw[..17]).unwrap();
    let b: ResidentId = std::str::from_utf8(&b_raw).unwrap().parse().unwrap();
    let mut roster = Roster::default();
    roster
        .link(RoleLink {
            organization: org.clone(),
            person: a.clone(),
            role: Role::LegalRepresentative,
            from: d(2015, 3, 1),
            until: Some(d(2019, 12, 31)),
        })
        .unwrap();
    roster
        .link(RoleLink {
            organization: org.clone(),
            person: b.clone(),
            role: Role::LegalRepresentative,
            from: d(2020, 1, 1),
            until: None,
        })
        .unwrap();
    let holder = |day| {
        roster
            .holders(&org, Role::LegalRepresentative, day)
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(holder(d(2019, 12, 31)), vec![a.clone()]);
    assert_eq!(holder(d(2020, 1, 1)), vec![b.clone()]);
    assert_eq!(holder(d(2015, 2, 28)), vec![]);
    assert_eq!(roster.roles_of(&a, d(2026, 1, 1)).count(), 0);

    // A link that ends before it starts is refused and changes nothing.
    let before = roster.clone();
    let err = roster
        .link(RoleLink {
            organization: org.clone(),
            person: a.clone(),
            role: Role::PrincipalOfficer,
            from: d(2020, 1, 1),
            until: Some(d(2019, 1, 1)),
        })
        .unwrap_err();
    assert!(!err.to_string().contains(a.as_str()), "{err}");
    assert_eq!(roster, before);
}

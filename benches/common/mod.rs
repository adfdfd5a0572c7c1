//! Helpers shared by the registry benchmarks: days, a family of valid
//! organization codes, and registering organizations.
#![allow(dead_code, clippy::unwrap_used)]

use chrono::NaiveDate;
use social_credit::registry::Registry;
use social_credit::store::Store;
use social_credit::subject::check::{org_code_check, uscc_check};
use social_credit::{Actor, Organization, OrganizationKind, Section, Subject, SubjectId, Uscc};

pub fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

/// The `i`th of a family of valid social-association codes in Xinzheng.
pub fn uscc(i: u32) -> Uscc {
    let body = format!("{i:08}");
    let mut s = format!("51410184{body}");
    s.push(char::from(org_code_check(body.as_bytes()).unwrap()));
    let check = uscc_check(s.as_bytes()).unwrap();
    s.push(char::from(check));
    s.parse().unwrap()
}

/// Registers the associations `from .. from + n` on 2 January 2019.
pub fn register<S: Store>(r: &Registry<S>, from: u32, n: u32) -> Vec<SubjectId> {
    (from..from + n)
        .map(|i| {
            let code = uscc(i);
            r.register_subject(
                Subject::Organization(Organization {
                    uscc: code.clone(),
                    name: format!("Association {i}"),
                    kind: OrganizationKind::SocialAssociation,
                    established_on: Some(d(2010, 1, 1)),
                }),
                &Actor::section(Section::SocialOrganizations),
                d(2019, 1, 2),
            )
            .unwrap();
            code.into()
        })
        .collect()
}

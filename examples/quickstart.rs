//! Quickstart: validate the identifiers a record is about and read what they encode.
//!
//! Run with `cargo run --example quickstart`.

use social_credit::subject::{ResidentId, Uscc};

fn main() {
    println!("Identifiers 信用主体标识");
    println!("{:-<72}", "");
    for input in [
        "91350100M000100Y43",
        "91350100m000100y43",
        "91350100M000100Y4X",
        "91350100M000I00Y43",
        "9135010",
    ] {
        match Uscc::parse(input) {
            Ok(code) => println!(
                "{input:<20} valid USCC 统一社会信用代码: {} {} / {} ({}), division {}",
                code.registration_authority().english_name(),
                code.registration_authority().chinese_name(),
                format_args!("{:?}", code.organization_type()),
                code.organization_code(),
                code.division(),
            ),
            Err(err) => println!("{input:<20} rejected: {err}"),
        }
    }
    for input in [
        "34052419800101001X",
        "340524198001010011",
        "34052419800231001X",
    ] {
        match ResidentId::parse(input) {
            Ok(id) => println!(
                "{:<20} valid citizen identity number 公民身份号码, born {}, shown as {}",
                id.masked(),
                id.birth_date(),
                id.masked()
            ),
            Err(err) => println!("{:<20} rejected: {err}", "(withheld)"),
        }
    }
}

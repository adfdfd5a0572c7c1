//! The module paths renamed in this release still work, deprecated, for
//! one release: `report` is now `tipoff`, `reporting` is now `quarterly`.
#![allow(deprecated)]

#[test]
fn old_module_paths_name_the_same_items() {
    // Same types: a value of the old path is a value of the new one.
    let old: social_credit::report::ReportId = social_credit::tipoff::ReportId(7);
    let new: social_credit::tipoff::ReportId = old;
    assert_eq!(new.0, 7);
    let rule: social_credit::quarterly::ReportingRule =
        social_credit::reporting::ReportingRule::default();
    assert_eq!(rule, social_credit::quarterly::ReportingRule::default());
}

//! Checking a policy's data: every problem at once, each with the rule's id.

use std::collections::BTreeSet;

use super::error::PolicyProblem;
use super::model::{Conditions, GradingRule, ListDef, PolicyData};
use super::policy::{MAX_LISTED_OVERLAPS, MAX_POLICY_RULES};
use crate::catalogue::Target;
use crate::lists::{ListKind, ListLifecycle};

impl PolicyData {
    /// Who `rule` grades: its declared subjects, or those its list takes.
    pub fn rule_subjects(&self, rule: &GradingRule) -> Target {
        rule.subjects.unwrap_or_else(|| {
            rule.list
                .as_ref()
                .and_then(|id| self.lists.iter().find(|l| &l.id == id))
                .map_or(Target::Both, ListDef::takes)
        })
    }

    /// Every problem with this policy; empty when it is valid.
    pub fn problems(&self) -> Vec<PolicyProblem> {
        let mut out = Vec::new();
        if self.tiers.is_empty() {
            out.push(PolicyProblem::NoTiers);
        }
        let mut seen = BTreeSet::new();
        for c in &self.conduct_kinds {
            if !seen.insert(c.id.as_str()) {
                out.push(PolicyProblem::DuplicateConductKind {
                    conduct: c.id.to_string(),
                });
            }
        }
        let mut seen = BTreeSet::new();
        for l in &self.lists {
            if !seen.insert(l.id.as_str()) {
                out.push(PolicyProblem::DuplicateList { list: l.id.clone() });
            }
            if l.kind == ListKind::ActivityAbnormal && l.takes().persons() {
                // Only social organizations can be on the activity-abnormal
                // list (MCA Order No. 60 (2018) art. 10, unconfirmed).
                out.push(PolicyProblem::ListSubjects { list: l.id.clone() });
            }
            if l.kind.implied_severity() != Some(l.severity) {
                out.push(PolicyProblem::ListSeverityMismatch {
                    list: l.id.clone(),
                    severity: l.severity,
                });
            }
            if !self.tiers.contains(&l.severity) {
                out.push(PolicyProblem::ListTierNotUsed {
                    list: l.id.clone(),
                    severity: l.severity,
                });
            }
        }
        let mut seen = BTreeSet::new();
        for rule in &self.rules {
            if !seen.insert(rule.id.as_str()) {
                out.push(PolicyProblem::DuplicateRule {
                    rule: rule.id.clone(),
                });
            }
            self.rule_problems(rule, &mut out);
        }
        if self.rules.len() > MAX_POLICY_RULES {
            // The pairwise overlap check is quadratic: past the bound it is
            // not run, and the policy is refused for its size alone.
            out.push(PolicyProblem::TooManyRules {
                count: self.rules.len(),
                max: MAX_POLICY_RULES,
            });
        } else {
            let (mut listed, mut unlisted) = (0usize, 0usize);
            for (i, a) in self.rules.iter().enumerate() {
                for b in self.rules.iter().skip(i + 1) {
                    let (sa, sb) = (self.rule_subjects(a), self.rule_subjects(b));
                    let share = (sa.persons() && sb.persons())
                        || (sa.organizations() && sb.organizations());
                    if share && overlap(&a.when, &b.when) {
                        if listed < MAX_LISTED_OVERLAPS {
                            listed += 1;
                            out.push(PolicyProblem::Overlapping {
                                rule: a.id.clone(),
                                other: b.id.clone(),
                            });
                        } else {
                            unlisted += 1;
                        }
                    }
                }
            }
            if unlisted > 0 {
                out.push(PolicyProblem::MoreOverlaps { more: unlisted });
            }
        }
        if let Some(lc) = &self.lifecycle {
            for problem in self.lifecycle_problems(lc) {
                out.push(problem);
            }
        }
        out
    }

    /// The problems of a list lifecycle in this policy: lists and rules it
    /// names that the policy lacks, and zero periods.
    fn lifecycle_problems(&self, lc: &ListLifecycle) -> Vec<PolicyProblem> {
        let policy = self;
        let mut out = Vec::new();
        for (setting, kind) in [
            ("abnormal_list", &lc.abnormal_list),
            ("serious_list", &lc.serious_list),
        ] {
            if !policy.lists.iter().any(|l| &l.kind == kind) {
                out.push(PolicyProblem::UnknownList {
                    rule: format!("lifecycle.{setting}"),
                    list: kind.to_string(),
                });
            }
        }
        for (setting, rules) in [
            (
                "obligations_before_serious_exit",
                &lc.obligations_before_serious_exit,
            ),
            ("exit_on_deregistration", &lc.exit_on_deregistration),
            ("rules_with_obligations", &lc.rules_with_obligations),
        ] {
            for rule in rules {
                if !policy.rules.iter().any(|r| &r.id == rule) {
                    out.push(PolicyProblem::UnknownLifecycleRule {
                        setting: setting.to_owned(),
                        rule: rule.clone(),
                    });
                }
            }
        }
        for (setting, value) in [
            ("abnormal_exit_months", lc.abnormal_exit_months),
            ("abnormal_exit_working_days", lc.abnormal_exit_working_days),
            ("serious_exit_full_years", lc.serious_exit_full_years),
        ] {
            if value == 0 {
                out.push(PolicyProblem::ZeroLifecyclePeriod {
                    setting: setting.to_owned(),
                });
            }
        }
        out
    }

    fn rule_problems(&self, rule: &GradingRule, out: &mut Vec<PolicyProblem>) {
        let id = || rule.id.clone();
        if !self.tiers.contains(&rule.severity) {
            out.push(PolicyProblem::TierNotUsed {
                rule: id(),
                severity: rule.severity,
            });
        }
        if let Some(list) = &rule.list {
            match self.lists.iter().find(|l| &l.id == list) {
                None => out.push(PolicyProblem::UnknownList {
                    rule: id(),
                    list: list.clone(),
                }),
                Some(def) => {
                    if def.severity != rule.severity {
                        out.push(PolicyProblem::RuleListMismatch {
                            rule: id(),
                            list: list.clone(),
                            severity: rule.severity,
                            list_severity: def.severity,
                        });
                    }
                    let takes = def.takes();
                    let grades = self.rule_subjects(rule);
                    if (grades.persons() && !takes.persons())
                        || (grades.organizations() && !takes.organizations())
                    {
                        out.push(PolicyProblem::RuleListSubjects {
                            rule: id(),
                            list: list.clone(),
                        });
                    }
                }
            }
        }
        let when = &rule.when;
        if when.finding.is_empty() && when.repeat.is_none() && when.time_on_list.is_none() {
            out.push(PolicyProblem::NoCondition { rule: id() });
        }
        let patterns = when
            .finding
            .iter()
            .chain(when.repeat.iter().flat_map(|r| &r.of));
        for p in patterns {
            if p.conduct.is_empty() {
                out.push(PolicyProblem::EmptyConduct { rule: id() });
            }
            for c in &p.conduct {
                if !self.conduct_kinds.iter().any(|d| &d.id == c) {
                    out.push(PolicyProblem::UnknownConduct {
                        rule: id(),
                        conduct: c.to_string(),
                    });
                }
            }
            if let Some(range) = &p.fine {
                let negative = [range.at_least, range.below]
                    .into_iter()
                    .flatten()
                    .find(|v| v.is_sign_negative());
                if let Some(amount) = negative {
                    out.push(PolicyProblem::NegativeFine { rule: id(), amount });
                }
                if range.is_empty() {
                    out.push(PolicyProblem::EmptyFineRange {
                        rule: id(),
                        range: range.clone(),
                    });
                }
            }
        }
        if let Some(r) = &when.repeat {
            if r.at_least == 0 {
                out.push(PolicyProblem::ZeroCount { rule: id() });
            }
            if r.within_years == 0 {
                out.push(PolicyProblem::ZeroPeriod { rule: id() });
            }
            if r.of.is_empty() {
                out.push(PolicyProblem::EmptyConduct { rule: id() });
            }
        }
        if let Some(t) = &when.time_on_list {
            if t.full_years == 0 {
                out.push(PolicyProblem::ZeroPeriod { rule: id() });
            }
            if !self.lists.iter().any(|l| l.id == t.list) {
                out.push(PolicyProblem::UnknownList {
                    rule: id(),
                    list: t.list.clone(),
                });
            }
        }
    }
}

/// Two rules overlap when one set of facts can satisfy both by the same
/// kinds of condition: equal repeat and time-on-list conditions and finding
/// patterns that share a conduct kind and a fine. Their thresholds then
/// leave some findings graded twice, which is a data error.
pub(super) fn overlap(a: &Conditions, b: &Conditions) -> bool {
    if a.repeat != b.repeat || a.time_on_list != b.time_on_list {
        return false;
    }
    match (a.finding.is_empty(), b.finding.is_empty()) {
        (true, true) => true,
        (false, false) => a
            .finding
            .iter()
            .any(|p| b.finding.iter().any(|q| p.intersects(q))),
        _ => false,
    }
}

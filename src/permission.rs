//! Who may do what: the permission table, as data.
//!
//! Each row ([`PermissionRule`]) grants one [`Operation`] to one or more
//! [`Capacity`]s, possibly only on what belongs to the actor's own section
//! ([`Scope`]), and cites the plan clause it comes from. The built-in table
//! ([`PermissionTable::xinzheng_2019`], `data/permissions/xinzheng-2019.json`)
//! follows the plan's responsible sections (责任科室); a bureau may load its
//! own ([`PermissionTable::from_json`]), validated like a grading policy:
//! every problem is reported at once, and the text and the number of rows
//! are bounded.
//!
//! [`PermissionTable::check`] answers one question: may this actor perform
//! this operation on this target? It grants with the row that allows it,
//! or refuses with a [`Refusal`] naming the capacity, the operation and the
//! rule (the row that grants the operation to others, or whose scope the
//! target is outside).
//!
//! # Example
//!
//! ```
//! use social_credit::actor::{Actor, Capacity};
//! use social_credit::misconduct::Section;
//! use social_credit::permission::{Operation, PermissionTable, Target};
//!
//! let table = PermissionTable::xinzheng_2019();
//! let office = Actor::section(Section::Office);
//! let grant = table.check(&office, Operation::ReceiveObjection, &Target::none())?;
//! assert_eq!(grant.citation().source, "plan §6(3)");
//!
//! // A section records only the findings of its own field.
//! let social = Actor::section(Section::SocialAffairs);
//! let refusal = table
//!     .check(&social, Operation::RecordMisconduct, &Target::section(Section::ElderlyCare))
//!     .unwrap_err();
//! assert_eq!(refusal.rule.rule, "record.own_section");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::actor::{Actor, Capacity};
use crate::citation::Citation;
use crate::misconduct::Section;

/// Everything the registry does, as the permission table names it.
///
/// The first group changes what is stored; the second reads (a service
/// checks these before answering; the registry's own read methods trust
/// their caller, except [`Operation::UnsealReporter`], which it checks and
/// audits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Operation {
    /// Register a credit subject (信用主体).
    RegisterSubject,
    /// Link a person to an organization in a role (plan §5(6)).
    LinkPerson,
    /// End a person's role in an organization.
    UnlinkPerson,
    /// Record a finding of misconduct.
    RecordMisconduct,
    /// Record many findings at once.
    ImportRecords,
    /// Record a finding with a certificate that exempts the organization
    /// from the activity-abnormal list.
    RecordMisconductCertified,
    /// Put a subject on the red list (诚信红榜).
    AddToRedList,
    /// Remove a subject from a list.
    RemoveFromList,
    /// Record an organization's application to leave the abnormal list.
    ApplyForListExit,
    /// Record the verification (查实) that it fulfilled its obligations.
    VerifyListExit,
    /// Receive an objection (异议).
    ReceiveObjection,
    /// Forward an objection to the section that provided the item.
    ForwardObjection,
    /// Give the providing section's written opinion on an objection.
    SubmitOpinion,
    /// Notify the applicant of the result.
    NotifyApplicant,
    /// Reply to the credit subject with reasons.
    ReplyToSubject,
    /// Close an objection.
    CloseObjection,
    /// Record the applicant's withdrawal of an objection.
    RecordWithdrawal,
    /// Take in a signed commitment (信用承诺).
    SignCommitment,
    /// Publish a commitment.
    PublishCommitment,
    /// Mark a pledge to supply materials fulfilled.
    FulfilCommitment,
    /// Receive a tip-off (举报), its reporter sealed.
    ReceiveReport,
    /// Read a tip-off's reporter (audited).
    UnsealReporter,
    /// Grant credit repair (信用修复).
    ApplyRepair,
    /// Run the daily sweep (erasures, listings by time on a list).
    DailySweep,
    /// Replace the working-day calendar.
    ReplaceCalendar,
    /// Replace the rules (policies, catalogue, repair, retention).
    ReplaceRules,
    /// Read a subject's credit file: the subject, its records, list
    /// entries, assessment and restoration duties.
    ReadSubject,
    /// Page through the registered subjects, a subject's records and the
    /// list entries (`Registry::subjects`, `records_of`,
    /// `list_entry_page`; issue 21).
    ListSubjects,
    /// Read an objection and its deadlines.
    ReadObjection,
    /// Read the objection desk: open objections, overdue steps by section,
    /// quarterly reports.
    ObjectionDesk,
    /// Read a tip-off without its reporter.
    ReadReport,
    /// Read the audit log.
    ReadAuditLog,
    /// Read the published view of a subject.
    PublicView,
}

impl Operation {
    /// Every operation.
    pub const ALL: [Self; 33] = [
        Self::RegisterSubject,
        Self::LinkPerson,
        Self::UnlinkPerson,
        Self::RecordMisconduct,
        Self::ImportRecords,
        Self::RecordMisconductCertified,
        Self::AddToRedList,
        Self::RemoveFromList,
        Self::ApplyForListExit,
        Self::VerifyListExit,
        Self::ReceiveObjection,
        Self::ForwardObjection,
        Self::SubmitOpinion,
        Self::NotifyApplicant,
        Self::ReplyToSubject,
        Self::CloseObjection,
        Self::RecordWithdrawal,
        Self::SignCommitment,
        Self::PublishCommitment,
        Self::FulfilCommitment,
        Self::ReceiveReport,
        Self::UnsealReporter,
        Self::ApplyRepair,
        Self::DailySweep,
        Self::ReplaceCalendar,
        Self::ReplaceRules,
        Self::ReadSubject,
        Self::ListSubjects,
        Self::ReadObjection,
        Self::ObjectionDesk,
        Self::ReadReport,
        Self::ReadAuditLog,
        Self::PublicView,
    ];

    /// The operation's name in data and messages (`record_misconduct`).
    pub fn name(self) -> &'static str {
        match self {
            Self::RegisterSubject => "register_subject",
            Self::LinkPerson => "link_person",
            Self::UnlinkPerson => "unlink_person",
            Self::RecordMisconduct => "record_misconduct",
            Self::ImportRecords => "import_records",
            Self::RecordMisconductCertified => "record_misconduct_certified",
            Self::AddToRedList => "add_to_red_list",
            Self::RemoveFromList => "remove_from_list",
            Self::ApplyForListExit => "apply_for_list_exit",
            Self::VerifyListExit => "verify_list_exit",
            Self::ReceiveObjection => "receive_objection",
            Self::ForwardObjection => "forward_objection",
            Self::SubmitOpinion => "submit_opinion",
            Self::NotifyApplicant => "notify_applicant",
            Self::ReplyToSubject => "reply_to_subject",
            Self::CloseObjection => "close_objection",
            Self::RecordWithdrawal => "record_withdrawal",
            Self::SignCommitment => "sign_commitment",
            Self::PublishCommitment => "publish_commitment",
            Self::FulfilCommitment => "fulfil_commitment",
            Self::ReceiveReport => "receive_report",
            Self::UnsealReporter => "unseal_reporter",
            Self::ApplyRepair => "apply_repair",
            Self::DailySweep => "daily_sweep",
            Self::ReplaceCalendar => "replace_calendar",
            Self::ReplaceRules => "replace_rules",
            Self::ReadSubject => "read_subject",
            Self::ListSubjects => "list_subjects",
            Self::ReadObjection => "read_objection",
            Self::ObjectionDesk => "objection_desk",
            Self::ReadReport => "read_report",
            Self::ReadAuditLog => "read_audit_log",
            Self::PublicView => "public_view",
        }
    }

    /// Whether the operation changes what is stored.
    pub fn changes(self) -> bool {
        !matches!(
            self,
            Self::ReadSubject
                | Self::ListSubjects
                | Self::ReadObjection
                | Self::ObjectionDesk
                | Self::ReadReport
                | Self::ReadAuditLog
                | Self::PublicView
        )
    }

    /// Whether the operation acts on something that belongs to a section
    /// (a record's providing section, the section an objection was
    /// forwarded to), so that a [`Scope`] other than `any` can apply.
    pub fn has_section_target(self) -> bool {
        matches!(
            self,
            Self::RecordMisconduct
                | Self::ImportRecords
                | Self::RecordMisconductCertified
                | Self::SubmitOpinion
                | Self::ApplyRepair
                | Self::ReadObjection
        )
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// On what a row grants its operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// On anything.
    #[default]
    Any,
    /// Only on findings of the actor's own section's field: the record's
    /// section is the actor's (plan §6(1), §8(2)).
    OwnSection,
    /// Only on what the actor's section provided: the record it made, the
    /// objection forwarded to it (plan §6(3) "信息提供科室").
    ProvidingSection,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionRule {
    /// A stable id, cited in refusals (`record.own_section`).
    pub id: String,
    /// The operation granted.
    pub operation: Operation,
    /// The capacities it is granted to. `public` grants it to everyone.
    pub capacities: Vec<Capacity>,
    /// On what.
    #[serde(default)]
    pub scope: Scope,
    /// The clause it comes from (`plan §6(3)`), marked `unconfirmed` where
    /// the plan does not settle it.
    pub clause: String,
    /// The words of the clause it rests on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

impl PermissionRule {
    /// The row as a citation: its id and clause.
    pub fn citation(&self) -> Citation {
        Citation::owned(self.id.clone(), self.clause.clone())
    }
}

/// A permission table as data, before validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PermissionData {
    /// The table's id.
    pub id: String,
    /// The text it follows.
    pub source: String,
    /// Its rows.
    pub rules: Vec<PermissionRule>,
}

/// The most rows a table may have.
pub const MAX_PERMISSION_RULES: usize = 1_000;

/// The largest table text [`PermissionTable::from_json`] reads (256 KiB;
/// the built-in table is about 10 KiB).
pub const MAX_PERMISSION_JSON_BYTES: usize = 256 << 10;

/// What is wrong with a table. Every problem is reported at once.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PermissionProblem {
    /// Two rows with one id.
    #[error("rule `{rule}` is defined twice")]
    DuplicateRule {
        /// The id.
        rule: String,
    },
    /// A row that grants to no capacity.
    #[error("rule `{rule}` grants to no capacity")]
    NoCapacities {
        /// The row.
        rule: String,
    },
    /// A row without a clause.
    #[error("rule `{rule}` cites no clause")]
    NoClause {
        /// The row.
        rule: String,
    },
    /// An operation granted to a capacity by two rows (which one a refusal
    /// or grant cites would be a guess), or by a row that grants it to the
    /// public and another.
    #[error("operation `{operation}` is granted to `{capacity}` by both `{rule}` and `{other}`")]
    DuplicateGrant {
        /// The operation.
        operation: Operation,
        /// The capacity.
        capacity: Capacity,
        /// One row.
        rule: String,
        /// The other.
        other: String,
    },
    /// An operation no row grants: a table must say who may do each, so a
    /// forgotten row cannot silently lock an operation.
    #[error("no rule grants operation `{operation}`")]
    Uncovered {
        /// The operation.
        operation: Operation,
    },
    /// A section scope on an operation that acts on nothing of a section.
    #[error("rule `{rule}` limits `{operation}` to a section's own items, but the operation acts on nothing of a section")]
    ScopeNotApplicable {
        /// The row.
        rule: String,
        /// Its operation.
        operation: Operation,
    },
    /// A section scope granted to a capacity that is no section's.
    #[error(
        "rule `{rule}` limits its grant to a section's own items, but `{capacity}` is no section"
    )]
    ScopeWithoutSection {
        /// The row.
        rule: String,
        /// The capacity.
        capacity: Capacity,
    },
    /// The public granted more than the published view (plan §6(2)).
    #[error(
        "rule `{rule}` grants `{operation}` to the public, which may only see what is published"
    )]
    PublicBeyondPublication {
        /// The row.
        rule: String,
        /// Its operation.
        operation: Operation,
    },
    /// A tip-off's reporter unsealed by a capacity other than the
    /// designated custodian (plan §5(5)1 "严格保密").
    #[error("rule `{rule}` lets `{capacity}` read tip-off reporters; only `tip_off_custodian` may (plan §5(5)1)")]
    UnsealBeyondCustodian {
        /// The row.
        rule: String,
        /// The capacity.
        capacity: Capacity,
    },
    /// More rows than [`MAX_PERMISSION_RULES`].
    #[error("the table has {count} rules, more than the {max} a table may have")]
    TooManyRules {
        /// How many.
        count: usize,
        /// The most allowed.
        max: usize,
    },
}

/// A table that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PermissionError {
    /// The text is larger than [`MAX_PERMISSION_JSON_BYTES`].
    #[error("permission table text has {bytes} bytes, more than the {max} a table may have")]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The most allowed.
        max: usize,
    },
    /// The text is not a table (malformed, unknown fields or names).
    #[error("permission table could not be read: {message}")]
    Parse {
        /// The parser's message.
        message: String,
    },
    /// The table breaks one or more rules; every problem is listed.
    #[error("permission table `{table}` has {} problem(s): {}", problems.len(), join(problems))]
    Invalid {
        /// The table's id.
        table: String,
        /// Every problem found.
        problems: Vec<PermissionProblem>,
    },
}

fn join(problems: &[PermissionProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl PermissionData {
    /// Every problem with this table; empty when it is valid.
    pub fn problems(&self) -> Vec<PermissionProblem> {
        let mut out = Vec::new();
        if self.rules.len() > MAX_PERMISSION_RULES {
            // Nothing else is checked past the bound: the table is refused
            // for its size alone.
            out.push(PermissionProblem::TooManyRules {
                count: self.rules.len(),
                max: MAX_PERMISSION_RULES,
            });
            return out;
        }
        let mut ids = BTreeSet::new();
        // (operation, capacity) -> the first row granting it; `Public`
        // stands for "everyone" and clashes with every other grant.
        let mut granted: BTreeMap<(Operation, Capacity), &str> = BTreeMap::new();
        let mut public: BTreeMap<Operation, &str> = BTreeMap::new();
        for rule in &self.rules {
            let id = || rule.id.clone();
            if !ids.insert(rule.id.as_str()) {
                out.push(PermissionProblem::DuplicateRule { rule: id() });
            }
            if rule.capacities.is_empty() {
                out.push(PermissionProblem::NoCapacities { rule: id() });
            }
            if rule.clause.trim().is_empty() {
                out.push(PermissionProblem::NoClause { rule: id() });
            }
            let scoped = rule.scope != Scope::Any;
            if scoped && !rule.operation.has_section_target() {
                out.push(PermissionProblem::ScopeNotApplicable {
                    rule: id(),
                    operation: rule.operation,
                });
            }
            for &capacity in &rule.capacities {
                if scoped && capacity.section().is_none() {
                    out.push(PermissionProblem::ScopeWithoutSection {
                        rule: id(),
                        capacity,
                    });
                }
                if capacity == Capacity::Public && rule.operation != Operation::PublicView {
                    out.push(PermissionProblem::PublicBeyondPublication {
                        rule: id(),
                        operation: rule.operation,
                    });
                }
                if rule.operation == Operation::UnsealReporter
                    && capacity != Capacity::TipOffCustodian
                {
                    out.push(PermissionProblem::UnsealBeyondCustodian {
                        rule: id(),
                        capacity,
                    });
                }
                let clash = |other: &str| PermissionProblem::DuplicateGrant {
                    operation: rule.operation,
                    capacity,
                    rule: id(),
                    other: other.to_owned(),
                };
                if let Some(other) = granted.get(&(rule.operation, capacity)) {
                    out.push(clash(other));
                    continue;
                }
                if let Some(other) = public.get(&rule.operation) {
                    out.push(clash(other));
                    continue;
                }
                if capacity == Capacity::Public {
                    if let Some(((_, _), other)) = granted
                        .range((rule.operation, Capacity::Public)..)
                        .find(|((op, _), _)| *op == rule.operation)
                    {
                        out.push(clash(other));
                        continue;
                    }
                    public.insert(rule.operation, &rule.id);
                }
                granted.insert((rule.operation, capacity), &rule.id);
            }
        }
        for operation in Operation::ALL {
            if !self.rules.iter().any(|r| r.operation == operation) {
                out.push(PermissionProblem::Uncovered { operation });
            }
        }
        out
    }
}

/// A validated permission table.
///
/// Loads from JSON ([`from_json`](Self::from_json)) or from
/// [`PermissionData`] ([`new`](Self::new)); the built-in one is
/// [`xinzheng_2019`](Self::xinzheng_2019).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PermissionData", into = "PermissionData")]
pub struct PermissionTable {
    // INVARIANT: `data.problems()` is empty, so each (operation, capacity)
    // has at most one row, and `public` grants exclude every other row.
    data: PermissionData,
}

impl TryFrom<PermissionData> for PermissionTable {
    type Error = PermissionError;

    fn try_from(data: PermissionData) -> Result<Self, PermissionError> {
        Self::new(data)
    }
}

impl From<PermissionTable> for PermissionData {
    fn from(t: PermissionTable) -> Self {
        t.data
    }
}

const XINZHENG_2019_JSON: &str = include_str!("../data/permissions/xinzheng-2019.json");

/// What an operation acts on, as far as the table's scopes need to know.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Target {
    /// The section the item belongs to: a new or existing record's section,
    /// the section an objection was forwarded to. `None` when there is
    /// none yet (an objection not forwarded), which a section scope refuses.
    pub section: Option<Section>,
}

impl Target {
    /// A target that belongs to no section.
    pub fn none() -> Self {
        Self { section: None }
    }

    /// A target that belongs to `section`.
    pub fn section(section: Section) -> Self {
        Self {
            section: Some(section),
        }
    }
}

/// A refused operation: who was refused what, under which rule, and why.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("`{capacity}` may not `{operation}`: {reason} (rule {rule})")]
pub struct Refusal {
    /// The actor's capacity.
    pub capacity: Capacity,
    /// The operation refused.
    pub operation: Operation,
    /// The rule: the row that grants the operation to other capacities, or
    /// whose scope the target is outside; `permission.not_granted` when no
    /// row grants the operation to anyone.
    pub rule: Citation,
    /// Why, in words.
    pub reason: String,
}

impl PermissionTable {
    /// Validates `data` into a table.
    ///
    /// # Errors
    ///
    /// [`PermissionError::Invalid`] listing every problem found.
    pub fn new(data: PermissionData) -> Result<Self, PermissionError> {
        let problems = data.problems();
        if problems.is_empty() {
            Ok(Self { data })
        } else {
            Err(PermissionError::Invalid {
                table: data.id,
                problems,
            })
        }
    }

    /// Parses and validates a table from JSON.
    ///
    /// # Errors
    ///
    /// [`PermissionError::TooLarge`] for a text over
    /// [`MAX_PERMISSION_JSON_BYTES`], [`PermissionError::Parse`] for
    /// malformed JSON, unknown fields, operations or capacities,
    /// [`PermissionError::Invalid`] for a table that breaks the rules of
    /// [`PermissionData::problems`].
    pub fn from_json(json: &str) -> Result<Self, PermissionError> {
        if json.len() > MAX_PERMISSION_JSON_BYTES {
            return Err(PermissionError::TooLarge {
                bytes: json.len(),
                max: MAX_PERMISSION_JSON_BYTES,
            });
        }
        let data: PermissionData =
            serde_json::from_str(json).map_err(|e| PermissionError::Parse {
                message: e.to_string(),
            })?;
        Self::new(data)
    }

    /// The table of the Xinzheng 2019 plan (`data/permissions/xinzheng-2019.json`):
    /// each row cites the clause whose responsible sections (责任科室) it
    /// follows. See DESIGN.md, "Who may do what?".
    pub fn xinzheng_2019() -> &'static Self {
        static TABLE: OnceLock<PermissionTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            #[expect(
                clippy::expect_used,
                reason = "embedded data, validated by the unit test `builtin_table_loads_from_its_data_file`"
            )]
            Self::from_json(XINZHENG_2019_JSON).expect("the built-in permission table is valid")
        })
    }

    /// The table's id.
    pub fn id(&self) -> &str {
        &self.data.id
    }

    /// Its rows.
    pub fn rules(&self) -> &[PermissionRule] {
        &self.data.rules
    }

    /// The row that grants `operation` to `capacity` (a `public` row grants
    /// it to every capacity), if any. Its scope still applies.
    pub fn rule_for(&self, capacity: Capacity, operation: Operation) -> Option<&PermissionRule> {
        self.data.rules.iter().find(|r| {
            r.operation == operation
                && r.capacities
                    .iter()
                    .any(|c| *c == capacity || *c == Capacity::Public)
        })
    }

    /// Whether `actor` may perform `operation` on `target`: the granting
    /// row, or why not.
    ///
    /// # Errors
    ///
    /// A [`Refusal`] when no row grants the operation to the actor's
    /// capacity (citing the first row that grants it to anyone), or the
    /// row's scope does not cover the target (citing that row).
    pub fn check(
        &self,
        actor: &Actor,
        operation: Operation,
        target: &Target,
    ) -> Result<&PermissionRule, Refusal> {
        let capacity = actor.capacity();
        let refuse = |rule: Citation, reason: String| Refusal {
            capacity,
            operation,
            rule,
            reason,
        };
        let Some(rule) = self.rule_for(capacity, operation) else {
            let others = self.data.rules.iter().find(|r| r.operation == operation);
            return Err(match others {
                Some(r) => refuse(
                    r.citation(),
                    format!(
                        "only {} may",
                        r.capacities
                            .iter()
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                None => refuse(
                    Citation::new("permission.not_granted", "the permission table"),
                    "no rule grants it".to_owned(),
                ),
            });
        };
        let own = capacity.section();
        match rule.scope {
            Scope::Any => Ok(rule),
            Scope::OwnSection | Scope::ProvidingSection => match (own, target.section) {
                (Some(own), Some(target)) if own == target => Ok(rule),
                (_, Some(target)) => Err(refuse(
                    rule.citation(),
                    format!(
                        "it belongs to the {}, not to the actor's section",
                        target.english_name()
                    ),
                )),
                (_, None) => Err(refuse(
                    rule.citation(),
                    "it belongs to no section yet".to_owned(),
                )),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> PermissionData {
        serde_json::from_str(XINZHENG_2019_JSON).unwrap()
    }

    #[test]
    fn builtin_table_loads_from_its_data_file() {
        let table = PermissionTable::from_json(XINZHENG_2019_JSON).unwrap();
        assert_eq!(&table, PermissionTable::xinzheng_2019());
        assert!(table.rules().iter().all(|r| r.clause.contains("plan §")));
    }

    #[test]
    fn every_operation_has_its_name_in_serde() {
        for op in Operation::ALL {
            let json = serde_json::to_string(&op).unwrap();
            assert_eq!(json, format!("\"{}\"", op.name()));
        }
        let set: BTreeSet<_> = Operation::ALL.iter().collect();
        assert_eq!(set.len(), Operation::ALL.len());
    }

    #[test]
    fn key_rows_of_the_plan() {
        let t = PermissionTable::xinzheng_2019();
        let office = Actor::section(Section::Office);
        let social = Actor::section(Section::SocialOrganizations);
        let none = Target::none();
        // plan §6(3): only the Office receives, forwards, notifies, replies.
        for op in [
            Operation::ReceiveObjection,
            Operation::ForwardObjection,
            Operation::NotifyApplicant,
            Operation::ReplyToSubject,
        ] {
            assert!(t.check(&office, op, &none).is_ok(), "{op}");
            let refused = t.check(&social, op, &none).unwrap_err();
            assert_eq!(refused.rule.source, "plan §6(3)", "{op}");
        }
        // Only the providing section gives the opinion.
        let own = Target::section(Section::SocialOrganizations);
        assert!(t.check(&social, Operation::SubmitOpinion, &own).is_ok());
        let other = t
            .check(&office, Operation::SubmitOpinion, &own)
            .unwrap_err();
        assert_eq!(other.rule.rule, "objection.opinion_by_providing_section");
        // plan §5(5)1: only the custodian unseals; nobody else, not the Office.
        let custodian = Actor::official("u-1".parse().unwrap(), Capacity::TipOffCustodian).unwrap();
        assert!(t
            .check(&custodian, Operation::UnsealReporter, &none)
            .is_ok());
        for c in Capacity::ALL {
            if c != Capacity::TipOffCustodian {
                assert!(t.rule_for(c, Operation::UnsealReporter).is_none(), "{c}");
            }
        }
        // The public sees the published view and nothing else.
        let public = Actor::public();
        for op in Operation::ALL {
            assert_eq!(
                t.check(&public, op, &none).is_ok(),
                op == Operation::PublicView,
                "{op}"
            );
        }
        // Only the system sweeps.
        assert!(t
            .check(&Actor::system(), Operation::DailySweep, &none)
            .is_ok());
        assert!(t.check(&office, Operation::DailySweep, &none).is_err());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut d = data();
        let first = d.rules[0].clone();
        // A duplicate id and grant, an empty row, a public write, an
        // unsealing section, a misplaced scope; and an operation left out.
        d.rules.push(first.clone());
        d.rules.push(PermissionRule {
            id: "empty".into(),
            capacities: vec![],
            clause: " ".into(),
            ..first.clone()
        });
        d.rules.push(PermissionRule {
            id: "public.records".into(),
            operation: Operation::ReadObjection,
            capacities: vec![Capacity::Public],
            ..first.clone()
        });
        d.rules.push(PermissionRule {
            id: "unseal.office".into(),
            operation: Operation::UnsealReporter,
            capacities: vec![Capacity::Section(Section::Office)],
            ..first.clone()
        });
        d.rules.push(PermissionRule {
            id: "sweep.scoped".into(),
            operation: Operation::DailySweep,
            capacities: vec![Capacity::TipOffCustodian],
            scope: Scope::OwnSection,
            ..first.clone()
        });
        d.rules.retain(|r| r.operation != Operation::ReadAuditLog);
        let problems = d.problems();
        let has = |p: &PermissionProblem| problems.contains(p);
        assert!(has(&PermissionProblem::DuplicateRule {
            rule: first.id.clone()
        }));
        assert!(problems.iter().any(
            |p| matches!(p, PermissionProblem::DuplicateGrant { rule, .. } if *rule == first.id)
        ));
        assert!(has(&PermissionProblem::NoCapacities {
            rule: "empty".into()
        }));
        assert!(has(&PermissionProblem::NoClause {
            rule: "empty".into()
        }));
        assert!(has(&PermissionProblem::PublicBeyondPublication {
            rule: "public.records".into(),
            operation: Operation::ReadObjection
        }));
        // A public grant clashes with the other grants of the operation.
        assert!(problems.iter().any(|p| matches!(p,
            PermissionProblem::DuplicateGrant { rule, capacity: Capacity::Public, .. }
                if rule == "public.records")));
        assert!(has(&PermissionProblem::UnsealBeyondCustodian {
            rule: "unseal.office".into(),
            capacity: Capacity::Section(Section::Office)
        }));
        assert!(has(&PermissionProblem::ScopeNotApplicable {
            rule: "sweep.scoped".into(),
            operation: Operation::DailySweep
        }));
        assert!(has(&PermissionProblem::ScopeWithoutSection {
            rule: "sweep.scoped".into(),
            capacity: Capacity::TipOffCustodian
        }));
        assert!(has(&PermissionProblem::Uncovered {
            operation: Operation::ReadAuditLog
        }));
        let err = PermissionTable::new(d).unwrap_err();
        assert!(err.to_string().contains("problem(s)"), "{err}");
    }

    #[test]
    fn sizes_are_bounded() {
        let big = " ".repeat(MAX_PERMISSION_JSON_BYTES + 1);
        assert_eq!(
            PermissionTable::from_json(&big),
            Err(PermissionError::TooLarge {
                bytes: MAX_PERMISSION_JSON_BYTES + 1,
                max: MAX_PERMISSION_JSON_BYTES
            })
        );
        let mut d = data();
        let row = d.rules[0].clone();
        d.rules = (0..=MAX_PERMISSION_RULES)
            .map(|i| PermissionRule {
                id: format!("r{i}"),
                ..row.clone()
            })
            .collect();
        assert_eq!(
            d.problems(),
            vec![PermissionProblem::TooManyRules {
                count: MAX_PERMISSION_RULES + 1,
                max: MAX_PERMISSION_RULES
            }]
        );
    }

    #[test]
    fn unknown_names_are_parse_errors() {
        let json = XINZHENG_2019_JSON.replacen("\"register_subject\"", "\"delete_everything\"", 1);
        assert!(matches!(
            PermissionTable::from_json(&json),
            Err(PermissionError::Parse { .. })
        ));
        let json = XINZHENG_2019_JSON.replacen("\"section:office\"", "\"section:kitchen\"", 1);
        assert!(matches!(
            PermissionTable::from_json(&json),
            Err(PermissionError::Parse { .. })
        ));
    }

    #[test]
    fn a_section_scope_needs_a_section_target() {
        let t = PermissionTable::xinzheng_2019();
        let s = Actor::section(Section::ElderlyCare);
        let r = t
            .check(&s, Operation::SubmitOpinion, &Target::none())
            .unwrap_err();
        assert_eq!(r.capacity, Capacity::Section(Section::ElderlyCare));
        assert_eq!(r.operation, Operation::SubmitOpinion);
        assert!(r.to_string().contains("no section yet"), "{r}");
    }
}

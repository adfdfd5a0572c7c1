//! The policies packed as bits for the assessment's hot path: the same
//! answers as [`RepairTimeline`](super::RepairTimeline), without allocating.

use chrono::{Datelike, NaiveDate};

use super::policy::RepairPolicy;
use crate::misconduct::{
    PenaltyConduct, PenaltyDecision, PenaltyDomain, PenaltyKind, Procedure, Severity,
};
use crate::retention::{day_of_month, month_index, month_length, period_end};

/// A penalty decision reduced to bits, for the assessment's fast path
/// (one bit per domain, penalty type, procedure and conduct type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecisionBits {
    pub(crate) decided_on: NaiveDate,
    shape: Shape,
}

/// What of a decision the periods depend on, besides its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Shape {
    domain: u16,
    penalties: u16,
    procedure: u8,
    conduct: u32,
    classified: Option<Severity>,
}

pub(super) fn bit16<T: Copy>(items: &[T], index: impl Fn(T) -> u32) -> u16 {
    items.iter().fold(0, |m, &x| m | (1u16 << index(x).min(15)))
}

pub(super) fn bit32<T: Copy>(items: &[T], index: impl Fn(T) -> u32) -> u32 {
    items.iter().fold(0, |m, &x| m | (1u32 << index(x).min(31)))
}

pub(super) fn bit8<T: Copy>(items: &[T], index: impl Fn(T) -> u32) -> u8 {
    items.iter().fold(0, |m, &x| m | (1u8 << index(x).min(7)))
}

// Fieldless enums: their discriminants, in declaration order, index the bits
// (each enum has fewer variants than its mask has bits).
pub(super) fn domain_index(d: PenaltyDomain) -> u32 {
    d as u32
}
pub(super) fn penalty_index(p: PenaltyKind) -> u32 {
    p as u32
}
pub(super) fn procedure_index(p: Procedure) -> u32 {
    p as u32
}
pub(super) fn conduct_index(c: PenaltyConduct) -> u32 {
    c as u32
}

impl DecisionBits {
    pub(crate) fn of(d: &PenaltyDecision) -> Self {
        let shape = Shape {
            domain: bit16(&[d.domain], domain_index),
            penalties: bit16(&d.penalties, penalty_index),
            procedure: bit8(&[d.procedure], procedure_index),
            conduct: bit32(&d.conduct, conduct_index),
            classified: d.classified,
        };
        Self {
            decided_on: d.decided_on,
            shape,
        }
    }
}

/// A [`DecisionRule`] reduced to bits (a mask of 0 covers everything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RuleBits {
    domains: u16,
    penalties: u16,
    procedures: u8,
    conduct: u32,
    minimum_months: u32,
    maximum_months: u32,
    repairable: bool,
    published: bool,
}

/// A [`TierRow`] reduced to bits (a mask of 0 covers everything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RowBits {
    procedures: u8,
    penalties: u16,
    tier: Severity,
}

/// A [`RepairPolicy`] reduced to what the assessment's fast path needs: its
/// days, its tiers' periods by severity, its decision rules and tier rows.
/// It answers as [`RepairPolicy::limits`] does (a unit test compares them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PolicyBits {
    pub(crate) from: NaiveDate,
    pub(crate) until: Option<NaiveDate>,
    tiers: [Option<(u32, u32)>; 4],
    rules: Vec<RuleBits>,
    rows: Vec<RowBits>,
    /// The longest minimum period of any of its tiers and rules
    /// ([`RepairPolicy::longest_minimum_months`]).
    pub(crate) longest_minimum_months: u32,
}

/// The periods of one decision on the fast path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FastLimits {
    minimum_months: u32,
    maximum_months: u32,
    published: bool,
    pub(crate) barred: bool,
}

impl FastLimits {
    /// The first day an application may be made.
    pub(crate) fn earliest_application(&self, start: NaiveDate) -> NaiveDate {
        if self.minimum_months == 0 {
            start
        } else {
            period_end(start, self.minimum_months)
                .succ_opt()
                .unwrap_or(NaiveDate::MAX)
        }
    }

    /// The first day the information is no longer published.
    pub(crate) fn publication_ends(&self, start: NaiveDate) -> NaiveDate {
        if self.published {
            period_end(start, self.maximum_months)
                .succ_opt()
                .unwrap_or(NaiveDate::MAX)
        } else {
            start
        }
    }
}

pub(super) fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Minor => 0,
        Severity::General => 1,
        Severity::Serious => 2,
        Severity::Severe => 3,
    }
}

impl PolicyBits {
    pub(super) fn of(p: &RepairPolicy) -> Self {
        let mut tiers = [None; 4];
        for t in &p.tiers {
            if let Some(slot) = tiers.get_mut(severity_index(t.severity)) {
                *slot = Some((t.minimum_months, t.maximum_months));
            }
        }
        Self {
            from: p.in_force_from,
            until: p.in_force_until,
            longest_minimum_months: p.longest_minimum_months(),
            tiers,
            rules: p
                .decision_rules
                .iter()
                .map(|r| RuleBits {
                    domains: bit16(&r.domains, domain_index),
                    penalties: bit16(&r.penalties, penalty_index),
                    procedures: bit8(&r.procedures, procedure_index),
                    conduct: bit32(&r.conduct, conduct_index),
                    minimum_months: r.minimum_months.unwrap_or(0),
                    maximum_months: r.maximum_months.unwrap_or(0),
                    repairable: r.repairable,
                    published: r.published,
                })
                .collect(),
            rows: p
                .tier_table
                .iter()
                .map(|r| RowBits {
                    procedures: bit8(&r.procedures, procedure_index),
                    penalties: bit16(&r.penalties, penalty_index),
                    tier: r.tier,
                })
                .collect(),
        }
    }

    /// Whether the policy is in force on `on`.
    pub(crate) fn is_in_force(&self, on: NaiveDate) -> bool {
        self.from <= on && self.until.is_none_or(|u| on <= u)
    }

    /// [`RepairPolicy::limits`] on bits.
    pub(crate) fn limits(&self, severity: Severity, d: &DecisionBits) -> Option<FastLimits> {
        let d = &d.shape;
        let mut tier = severity;
        if let Some(class) = d.classified {
            tier = class;
        } else {
            let mut graded: Option<Severity> = None;
            for row in &self.rows {
                let covers = (row.procedures == 0 || row.procedures & d.procedure != 0)
                    && (row.penalties == 0 || row.penalties & d.penalties != 0);
                if covers && graded.is_none_or(|g| row.tier > g) {
                    graded = Some(row.tier);
                }
            }
            if let Some(g) = graded {
                tier = g;
            }
        }
        let (mut minimum, mut maximum) = (*self.tiers.get(severity_index(tier))?)?;
        let mut barred = false;
        let mut published = true;
        for r in &self.rules {
            let covers = (r.domains == 0 || r.domains & d.domain != 0)
                && (r.penalties == 0 || r.penalties & d.penalties != 0)
                && (r.procedures == 0 || r.procedures & d.procedure != 0)
                && (r.conduct == 0 || r.conduct & d.conduct != 0);
            if covers {
                minimum = minimum.max(r.minimum_months);
                maximum = maximum.max(r.maximum_months);
                barred |= !r.repairable;
                published &= r.published;
            }
        }
        Some(FastLimits {
            minimum_months: minimum,
            maximum_months: maximum.max(minimum),
            published,
            barred,
        })
    }
}

/// Where a record's publication stands on the day of an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PublicationState {
    /// No policy ends it (no decision, or no rules).
    Never,
    /// It ended on or before the day.
    Ended,
    /// It ends on this day, after the day.
    Ends(NaiveDate),
}

/// [`RepairTimeline::publication_end`](super::RepairTimeline::publication_end) asked for many records on one day,
/// as an assessment does: "has it ended by the day?" is answered by one
/// cutoff decision day per maximum period (a period end never moves earlier
/// as its start moves later), and each policy's periods for each kind of
/// decision are worked out once. Only a record still published on the day
/// has its end day computed.
pub(crate) struct PublicationProbe<'t, 'd> {
    bits: &'t [PolicyBits],
    as_of: NaiveDate,
    /// (months, the first decision day whose period of that many months has
    /// not run by `as_of`); the first `n_cutoffs` are set.
    cutoffs: [(u32, NaiveDate); 8],
    n_cutoffs: usize,
    /// The last periods worked out, per policy and severity, with the
    /// packed shape they are for: records of one dossier mostly share a few
    /// kinds of decision.
    memo: [[(Option<&'d PenaltyDecision>, Option<FastLimits>); 4]; MEMO_POLICIES],
}

/// Whether two decisions have the same periods under every policy: they
/// differ at most in their day.
pub(super) fn same_kind(a: &PenaltyDecision, b: &PenaltyDecision) -> bool {
    a.domain == b.domain
        && a.procedure == b.procedure
        && a.classified == b.classified
        && a.penalties == b.penalties
        && a.conduct == b.conduct
}

pub(super) const MEMO_POLICIES: usize = 4;
impl<'t, 'd> PublicationProbe<'t, 'd> {
    pub(super) fn new(bits: &'t [PolicyBits], as_of: NaiveDate) -> Self {
        Self {
            bits,
            as_of,
            cutoffs: [(0, NaiveDate::MIN); 8],
            n_cutoffs: 0,
            memo: [[(None, None); 4]; MEMO_POLICIES],
        }
    }

    /// [`PolicyBits::limits`] of policy `i`, remembered per policy and
    /// severity for the last kind of decision asked.
    pub(crate) fn limits(
        &mut self,
        i: usize,
        severity: Severity,
        d: &'d PenaltyDecision,
    ) -> Option<FastLimits> {
        let bits = self.bits;
        let Some(entry) = self
            .memo
            .get_mut(i)
            .and_then(|m| m.get_mut(severity_index(severity)))
        else {
            return bits.get(i)?.limits(severity, &DecisionBits::of(d));
        };
        match entry.0 {
            Some(seen) if std::ptr::eq(seen, d) || same_kind(seen, d) => {}
            _ => *entry = (Some(d), bits.get(i)?.limits(severity, &DecisionBits::of(d))),
        }
        entry.1
    }

    /// The first decision day whose period of `months` months has not run
    /// by `as_of` (`period_end(day, months) >= as_of`): earlier decisions'
    /// periods have run.
    fn cutoff(&mut self, months: u32) -> NaiveDate {
        for (m, c) in self.cutoffs.iter().take(self.n_cutoffs) {
            if *m == months {
                return *c;
            }
        }
        let month = month_index(self.as_of) - i64::from(months);
        let day = self.as_of.day();
        let c = if day <= month_length(month) {
            day_of_month(month, day)
        } else {
            day_of_month(month + 1, 1)
        }
        .unwrap_or(NaiveDate::MIN);
        if let Some(slot) = self.cutoffs.get_mut(self.n_cutoffs) {
            *slot = (months, c);
            self.n_cutoffs += 1;
        }
        c
    }

    /// Where the publication of a record graded `severity` with decision
    /// `d` stands on `as_of` (as [`RepairTimeline::publication_end`](super::RepairTimeline::publication_end)).
    pub(crate) fn state(&mut self, severity: Severity, d: &'d PenaltyDecision) -> PublicationState {
        let decided = d.decided_on;
        let as_of = self.as_of;
        let mut best: Option<NaiveDate> = None;
        for i in 0..self.bits.len() {
            let Some((from, until)) = self.bits.get(i).map(|p| (p.from, p.until)) else {
                break;
            };
            if until.is_some_and(|u| u < decided) {
                continue; // over before the decision
            }
            if best.is_some_and(|b| from >= b) {
                break; // an end under it is never before its first day
            }
            let Some(l) = self.limits(i, severity, d) else {
                continue;
            };
            // Ended by `as_of` under it? One comparison with the cutoff
            // decision day, when it governs or lasts through `as_of`.
            let governs = from <= decided;
            if from <= as_of && (governs || until.is_none_or(|u| u >= as_of)) {
                let run = if l.published {
                    decided < self.cutoff(l.maximum_months)
                } else {
                    decided <= as_of
                };
                if run {
                    return PublicationState::Ended;
                }
            }
            let end = l.publication_ends(decided);
            let on = if governs {
                end
            } else {
                let on = end.max(from);
                if until.is_some_and(|u| on > u) {
                    continue; // it is no longer in force by then
                }
                on
            };
            if best.is_none_or(|b| on < b) {
                best = Some(on);
            }
        }
        match best {
            None => PublicationState::Never,
            Some(on) if on <= as_of => PublicationState::Ended,
            Some(on) => PublicationState::Ends(on),
        }
    }
}

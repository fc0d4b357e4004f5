//! The rounds between the secondary suppression and the audit: which publication to write
//! next, until one passes.
//!
//! The search ([`super::protect`]) leaves a few values to the audit; when the audit of the
//! written publication finds some determined, their partners are hidden
//! ([`super::protect::reinforce`]), the search protects those in turn, and the publication is
//! written and audited again — [`REPAIR_ROUNDS`] times at most.
//!
//! Two variants of the search: shares of commune and IRIS rows hidden in pairs (first), and
//! whole distributions. The paired publication is published when its audit passes at once (the
//! demo). When it needs repairs, whole distributions are searched too, to know their cost before
//! any repair — the cost of the search, [`super::protect::state::weight`] summed over the
//! `secret_secondaire` values: a région value weighs more than every commune value, a commune
//! value more than the IRIS values, and so on down to the stairwells. Repairs only add
//! suppressions, so that cost is a floor. The paired publication goes through its repairs while
//! it costs less than [`PAIRED_SLACK`] times the floor, else gives way to whole distributions.
//! Once it passes: under the floor it is published; above, whole distributions go through their
//! repairs until they pass (the cheaper of the two is published) or cost as much (the paired
//! one is written again and published). When whole distributions hide exactly what the paired
//! publication hid before its repairs (no paired table was worth it: 300,000 dwellings seed 7),
//! they are not taken through repairs of their own, which would only find the same values; and
//! when the paired publication splits no distribution
//! ([`Outcome::splits_distributions`]), it is already one of whole distributions: they are not
//! searched for their cost (taken as the paired one's), only if its repairs fail.
//! A repair's search resumes from the tables of the publication it repairs (each stays valid:
//! a repair only hides more) and looks for the needs they do not meet (300,000 dwellings
//! seed 7: 7,433 needs open instead of 4.9 million, ≈ 30 s → 4.3 s). When nothing passes, the rounds start again with repairs
//! that search every table again (if one resumed), then from a search whose tables for the
//! values kept together hide nothing more, its repairs resuming, then searching all again
//! ([`Attempt`], [`Rounds::fall_back`]).
//!
//! `opsgeo run` and the secrecy tests drive the same rounds: the caller writes and audits
//! [`Outcome::tables`] after each step and reports the audit's verdict
//! (`crate::audit::AuditReport::verdict`).

use std::time::Instant;

use tracing::{info, warn};

use super::protect::{self, reinforce::Determined};
use super::{apply, Outcome, SecondaryInput, SecrecyReport};
use crate::aggregate::Aggregates;
use crate::config::SecrecySection;

/// Rounds of extra suppressions after an audit that found values determined, per variant.
pub const REPAIR_ROUNDS: u32 = 8;

/// The paired publication goes on through its repairs while it costs less than this many times
/// whole distributions before theirs: beyond, it has hidden coarse values (a région value weighs
/// more than all the communes) and its repairs are seldom worth their time.
const PAIRED_SLACK: u64 = 2;

/// What the audit of the written publication said.
pub enum Verdict {
    Passed,
    /// Values determined (the rows and fields), the primary rules kept and every group
    /// coherent: more suppressions may protect them.
    Determined(Vec<Determined>),
    /// Anything else (a primary rule broken, a contradictory group): nothing to repair.
    Failed,
}

/// How the rounds of one attempt search; an attempt starts when nothing passed in the one
/// before ([`Rounds::fall_back`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Attempt {
    /// A repair's search resumes from the tables of the publication it repairs; else it looks
    /// for every table again.
    resume: bool,
    /// The search's tables for the values hidden so that a « récents » row shows its two
    /// counts together hide nothing more (`protect::cohere_and_protect`): the search's
    /// publication is then what it was before those tables, whose extra suppressions may leave
    /// values determined that no repair protects (45,000 dwellings seed 19 and 55,000 seed 23:
    /// four values, no partner left to hide).
    cautious: bool,
}

impl Attempt {
    const FIRST: Attempt = Attempt {
        resume: true,
        cautious: false,
    };

    /// The attempt after this one, `resumed` whether a repair of this one resumed a search:
    /// the same repairs searching all again (only if one resumed: else they would be the
    /// same), then the cautious search; none after the cautious one.
    fn next(self, resumed: bool) -> Option<Attempt> {
        if self.resume && resumed {
            Some(Attempt {
                resume: false,
                ..self
            })
        } else if !self.cautious {
            Some(Attempt {
                resume: true,
                cautious: true,
            })
        } else {
            None
        }
    }
}

/// What the caller does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Publish what was written.
    Publish,
    /// Write and audit the candidate again (it changed).
    Write,
    /// Publish nothing.
    Fail,
}

/// The state of the rounds.
pub struct Rounds<'a, 'i> {
    aggs: &'a Aggregates,
    input: &'a SecondaryInput<'i>,
    params: &'a SecrecySection,
    /// The variant being taken through its repairs: paired shares or whole distributions.
    pairs: bool,
    /// Repairs of the current variant.
    repairs: u32,
    /// The values the audits of the current variant found determined.
    earlier: Vec<Determined>,
    /// Whole distributions before any repair, and their cost, once the paired publication
    /// needed a repair; not computed (`None`, and the paired cost) when the paired
    /// publication hid whole distributions only: they would hide the same.
    whole_start: Option<(Option<Outcome>, u64)>,
    /// Whole distributions hid exactly what the paired publication hid before its repairs.
    whole_same: bool,
    /// How the rounds search ([`Attempt`]).
    attempt: Attempt,
    /// A repair of this attempt resumed a search.
    resumed: bool,
    /// The paired publication once it passed, and its cost, while whole distributions go
    /// through their repairs.
    kept: Option<(Outcome, u64)>,
    /// The publication written is the kept one, written again: it passed already.
    restored: bool,
    /// Seconds spent in the searches and repairs so far.
    seconds: f64,
}

impl<'a, 'i> Rounds<'a, 'i> {
    /// The first publication: the primary rules, then the search with paired shares.
    pub fn start(
        aggs: &'a Aggregates,
        input: &'a SecondaryInput<'i>,
        params: &'a SecrecySection,
    ) -> (Self, Outcome) {
        Rounds::begin(aggs, input, params, Attempt::FIRST)
    }

    /// The rounds of `attempt` from their first publication (paired shares).
    fn begin(
        aggs: &'a Aggregates,
        input: &'a SecondaryInput<'i>,
        params: &'a SecrecySection,
        attempt: Attempt,
    ) -> (Self, Outcome) {
        let first = apply(aggs, input, params, true, attempt.cautious);
        let rounds = Rounds {
            aggs,
            input,
            params,
            pairs: true,
            repairs: 0,
            earlier: Vec::new(),
            whole_start: None,
            whole_same: false,
            attempt,
            resumed: false,
            kept: None,
            restored: false,
            seconds: first.report.secondaire.secondes,
        };
        (rounds, first)
    }

    /// The next step after the audit of `current` said `verdict`; `current` becomes what to
    /// write next when the step is [`Step::Write`].
    pub fn after_audit(&mut self, current: &mut Outcome, verdict: Verdict) -> Step {
        let start = Instant::now();
        let step = self.next(current, verdict);
        self.seconds += start.elapsed().as_secs_f64();
        current.report.secondaire.secondes = self.seconds;
        step
    }

    fn next(&mut self, current: &mut Outcome, verdict: Verdict) -> Step {
        let found = match verdict {
            Verdict::Passed if self.restored => return Step::Publish,
            Verdict::Passed if self.pairs => {
                let cost = current.cost();
                match self.whole_start.take() {
                    // whole distributions cost at least `floor` once repaired: not less
                    Some((Some(whole), floor)) if floor < cost && !self.whole_same => {
                        self.kept = Some((std::mem::replace(current, whole), cost));
                        self.switch_to_whole();
                        return Step::Write;
                    }
                    _ => return Step::Publish,
                }
            }
            Verdict::Passed => {
                return match self.kept.take() {
                    Some((kept, cost)) if cost < current.cost() => self.restore(current, kept),
                    _ => Step::Publish,
                }
            }
            Verdict::Failed => return Step::Fail,
            Verdict::Determined(_) if self.restored => return self.fall_back(current),
            Verdict::Determined(found) => found,
        };
        // the values published again after the search go back first when they may explain what
        // the audit found: the audit of the publication without them is that of the search alone
        if found
            .iter()
            .any(|f| current.republished.may_explain(&f.field))
            && current.undo_republished()
        {
            info!(
                determinees = found.len(),
                "secret : l'audit trouve des valeurs déterminées, les valeurs de zone republiées après la recherche sont masquées de nouveau"
            );
            return Step::Write;
        }
        if !self.pairs {
            if self.repairs < REPAIR_ROUNDS && self.repair(current, &found) {
                // repairs only add suppressions: once as costly as the kept publication, that one
                return match self.kept.take() {
                    Some((kept, cost)) if current.cost() >= cost => self.restore(current, kept),
                    kept => {
                        self.kept = kept;
                        Step::Write
                    }
                };
            }
            return match self.kept.take() {
                Some((kept, _)) => self.restore(current, kept),
                None => self.fall_back(current),
            };
        }
        // what whole distributions cost before any repair: a floor of their cost
        let floor = match &self.whole_start {
            Some((_, cost)) => *cost,
            // a paired publication that splits no distribution is one of whole distributions:
            // computing them would take a whole search (300,000 dwellings seed 7: 33 s) and
            // find the same
            None if !current.splits_distributions() => {
                let cost = current.cost();
                self.whole_same = true;
                self.whole_start = Some((None, cost));
                cost
            }
            None => {
                let whole = self.whole();
                let cost = whole.cost();
                self.whole_same = whole.same_statuses(current);
                self.whole_start = Some((Some(whole), cost));
                cost
            }
        };
        let bound = floor.saturating_mul(PAIRED_SLACK);
        if current.cost() < bound
            && self.repairs < REPAIR_ROUNDS
            && self.repair(current, &found)
            && current.cost() < bound
        {
            return Step::Write;
        }
        info!(
            cout_paires = current.cost(),
            cout_distributions = floor,
            "secret : les parts par paires ne passent pas l'audit à un coût voisin de celui des distributions entières, celles-ci sont reprises"
        );
        *current = match self.whole_start.take() {
            Some((Some(whole), _)) => whole,
            _ => self.whole(),
        };
        self.switch_to_whole();
        Step::Write
    }

    /// Nothing passed: the rounds start again with the next [`Attempt`]; publish nothing after
    /// the last.
    fn fall_back(&mut self, current: &mut Outcome) -> Step {
        let Some(next) = self.attempt.next(self.resumed) else {
            return Step::Fail;
        };
        if next.cautious == self.attempt.cautious {
            warn!("secret : aucune publication ne passe l'audit, les tours reprennent avec des reprises qui refont toute la recherche");
        } else {
            warn!("secret : aucune publication ne passe l'audit, la recherche reprend sans masquer davantage pour garder ensemble les deux nombres des lignes « récents »");
        }
        // the time of that search is counted by `after_audit`
        let seconds = self.seconds;
        (*self, *current) = Rounds::begin(self.aggs, self.input, self.params, next);
        self.seconds = seconds;
        Step::Write
    }

    /// The search with whole distributions, from the primary rules.
    fn whole(&self) -> Outcome {
        apply(
            self.aggs,
            self.input,
            self.params,
            false,
            self.attempt.cautious,
        )
    }

    /// Whole distributions are the current variant, before their repairs.
    fn switch_to_whole(&mut self) {
        self.pairs = false;
        self.repairs = 0;
        self.earlier.clear();
    }

    /// Writes the kept paired publication again (it passed its audit already).
    fn restore(&mut self, current: &mut Outcome, kept: Outcome) -> Step {
        info!("secret : la publication par paires de parts masque moins, elle est réécrite");
        *current = kept;
        self.restored = true;
        Step::Write
    }

    /// Hides the partners of the values found determined and protects them in turn; `false`
    /// when nothing was left to hide.
    fn repair(&mut self, current: &mut Outcome, found: &[Determined]) -> bool {
        let hidden = protect::reinforce(
            self.aggs,
            self.input,
            &mut current.tables,
            self.params,
            found,
            &self.earlier,
        );
        self.earlier.extend(found.iter().cloned());
        if hidden == 0 {
            warn!(
                determinees = found.len(),
                reprises = self.repairs,
                "audit du secret : valeurs déterminées sans partenaire encore publié à masquer"
            );
            return false;
        }
        self.repairs += 1;
        warn!(
            determinees = found.len(),
            masquees = hidden,
            "audit du secret : valeurs déterminées, leurs partenaires sont masqués et les couches réécrites"
        );
        // the current variant's search: in the paired publication, the values hidden by the
        // repair are protected by paired shares too (whole distributions there cascaded through
        // the commune rows and their QPV parts); from the proofs of the publication repaired,
        // or all again (then without them: 300,000 dwellings, 0.5 GB less at the peak)
        let proofs = std::mem::take(&mut current.certificates).deltas;
        let earlier = if self.attempt.resume {
            self.resumed = true;
            proofs
        } else {
            drop(proofs);
            Default::default()
        };
        let (mut secondary, proofs, republished) = protect::suppress(
            self.aggs,
            self.input,
            &mut current.tables,
            self.params,
            self.pairs,
            self.attempt.cautious,
            earlier,
        );
        let before = &current.report.secondaire;
        secondary.paires = before.paires;
        secondary.reprises = self.repairs;
        secondary.masquees_apres_audit = before.masquees_apres_audit + hidden + secondary.masquees;
        secondary.masquees = before.masquees;
        current.certificates = proofs;
        current.republished = republished;
        current.report = SecrecyReport::tally(&current.tables, secondary);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::Attempt;

    /// Every attempt of the rounds from the first, `resumed` saying whether a repair of each
    /// resumed a search.
    fn attempts(resumed: bool) -> Vec<Attempt> {
        let mut all = vec![Attempt::FIRST];
        while let Some(next) = all.last().unwrap().next(resumed) {
            all.push(next);
            assert!(all.len() <= 4, "the attempts end");
        }
        all
    }

    #[test]
    fn repairs_search_all_again_only_after_a_resumed_repair_failed() {
        let a = |resume, cautious| Attempt { resume, cautious };
        assert_eq!(
            attempts(true),
            [
                a(true, false),
                a(false, false),
                a(true, true),
                a(false, true)
            ]
        );
        // no repair resumed a search: searching all again would repeat the same rounds
        assert_eq!(attempts(false), [a(true, false), a(true, true)]);
    }
}

//! When an unpublished value counts as recovered — the one definition the search protects
//! against and the audit checks.
//!
//! An unpublished value is *determined* when a reader can compute what it would have shown:
//! * a count, when its measure can take a single whole value;
//! * a share or a mean, when its numerator can only be 0 (the value is 0 % or undefined), or
//!   when its denominator can take a single value `d` and its numerator is known closer than
//!   the shown precision allows (one whole unit for a count of units; for a share, `d / 1000`,
//!   a tenth of a point; for a mean, `d × scale / 100`, a hundredth).
//!
//! **Zeros.** With `suppress_0 = false` the convention publishes 0 %: a value whose measure is
//! 0 only because a published row containing it has that measure at 0 (same measure; the
//! « récents » row under its « ensemble » row too) is *implied* by that published zero and is
//! not a disclosure. A zero obtained by differencing non-zero published values is one.

use crate::indicators::{IndicatorDef, Kind, Measure};
use crate::secrecy::{Cell, Status};

/// Whether value `k` of a row (`defs`, `cells`) is told by its own reason code: a
/// `secret_100` value of a distribution with a single share (taux de réponse, part des
/// emménagés récents, part de l'APL, taux de vacance, and the count beside it) says that share
/// is 100 %. The convention hides the value and the brief asks for its reason code; the
/// code gives it away. The audit counts these apart; everything else is protected knowing it.
pub fn told_by_status(defs: &[&IndicatorDef], cells: &[Cell], k: usize) -> bool {
    cells[k].status == Status::Secret100 && single_share(defs, k)
}

/// Whether value `k` of a « récents » row (`defs`) is its number of households while the
/// « ensemble » row of the same unit (`ens_defs`, `ens_cells`) publishes its share of recent
/// movers. Every household of the « récents » population moved in recently: that number is the
/// numerator of the « ensemble » share, which the convention publishes once its base (the
/// households of the unit) passes the primary rules. It is an « ensemble » fact, not a value of
/// the few recent movers: neither protected by the search nor counted as recovered by the
/// audit (the other values of the « récents » row are). So is it when that share is hidden as
/// 100 % (`secret_100`, [`told_by_status`]): every household of the unit moved in recently.
pub fn told_by_ensemble(
    defs: &[&IndicatorDef],
    k: usize,
    ens_defs: &[&IndicatorDef],
    ens_cells: &[Cell],
) -> bool {
    defs[k].kind == Kind::Count
        && defs[k].numerator == Measure::Households
        && ens_defs.iter().enumerate().any(|(j, d)| {
            d.kind == Kind::Share
                && d.numerator == Measure::RecentMovers
                && d.denominator == Some(Measure::Households)
                && (ens_cells[j].status.is_published() || told_by_status(ens_defs, ens_cells, j))
        })
}

/// Whether the distribution of value `k` has one share only.
pub fn single_share(defs: &[&IndicatorDef], k: usize) -> bool {
    let g = defs[k].distribution();
    defs.iter()
        .filter(|d| d.kind == Kind::Share && d.distribution() == g)
        .count()
        == 1
}

/// What a reader can narrow one measure of one row to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Values proven reachable (the whole interval when computed exactly).
    pub lo: f64,
    pub hi: f64,
    /// The only whole value it can take, when pinned.
    pub pinned: Option<i64>,
}

/// The smallest change of the numerator that changes the shown value of `d` when its
/// denominator is `den` (whole units of the numerator, at least 1).
pub fn numerator_step(d: &IndicatorDef, den: i64) -> i64 {
    match d.kind {
        Kind::Count => 1,
        Kind::Share => (den / 1000).max(1),
        Kind::Mean { scale } => (den.saturating_mul(scale) / 100).max(1),
    }
}

/// Why the unpublished value `d` is determined, given the ranges of its numerator and (for a
/// ratio) denominator and whether a zero of either is implied by a published containing zero;
/// `None` when it is not determined. Never the value itself: the reason goes to the error of a
/// run whose publication is refused, and that publication is not out. `num_width` is the width
/// of the numerator's interval when it was computed exactly (needed only when the denominator
/// is pinned).
pub fn determined(
    d: &IndicatorDef,
    num: &Range,
    den: Option<&Range>,
    num_zero_implied: bool,
    den_zero_implied: bool,
) -> Option<String> {
    match (d.kind, den) {
        (Kind::Count, _) | (_, None) => match num.pinned {
            Some(0) if num_zero_implied => None,
            Some(_) => Some("compte déterminé".to_string()),
            None => None,
        },
        (_, Some(den)) => match (num.pinned, den.pinned) {
            (Some(0), _) if num_zero_implied => None,
            (Some(_), Some(0)) if den_zero_implied => None,
            (Some(0), _) => Some("numérateur nul déterminé".to_string()),
            (Some(_), Some(_)) => Some("numérateur et dénominateur déterminés".to_string()),
            (None, Some(b)) if b > 0 && num.hi - num.lo < numerator_step(d, b) as f64 - 1e-6 => {
                Some(
                    "dénominateur déterminé et numérateur connu à moins d'une unité affichée près"
                        .to_string(),
                )
            }
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::by_field;

    fn r(lo: f64, hi: f64) -> Range {
        let pinned = (lo == hi).then_some(lo as i64);
        Range { lo, hi, pinned }
    }

    /// Regression: the reason said the values it found (« numérateur 3 et dénominateur 621
    /// déterminés »), and a run whose publication was refused printed them on stderr.
    #[test]
    fn the_reason_of_a_determined_value_does_not_say_the_value() {
        let share = by_field("part_dpe_a").unwrap();
        let count = by_field("nb_logements").unwrap();
        let reasons = [
            determined(count, &r(37.0, 37.0), None, false, false),
            determined(share, &r(37.0, 37.0), Some(&r(621.0, 621.0)), false, false),
            determined(share, &r(36.8, 37.2), Some(&r(621.0, 621.0)), false, false),
        ];
        for why in reasons {
            let why = why.expect("determined");
            assert!(!why.contains("37") && !why.contains("621"), "{why}");
        }
    }

    #[test]
    fn an_implied_zero_is_not_a_disclosure_but_a_differenced_one_is() {
        let d = by_field("part_dpe_a").unwrap();
        assert!(determined(d, &r(0.0, 0.0), Some(&r(5.0, 9.0)), true, false).is_none());
        assert!(determined(d, &r(0.0, 0.0), Some(&r(5.0, 9.0)), false, false).is_some());
    }

    #[test]
    fn a_mean_with_a_known_count_is_determined_by_a_narrow_sum() {
        let d = by_field("loyer_moyen").unwrap();
        // 12 rents known within 5 cents: the mean is known to the cent
        assert!(determined(
            d,
            &r(480_000.0, 480_005.0),
            Some(&r(12.0, 12.0)),
            false,
            false
        )
        .is_some());
        assert!(determined(
            d,
            &r(480_000.0, 480_500.0),
            Some(&r(12.0, 12.0)),
            false,
            false
        )
        .is_none());
        // an unknown count protects the mean
        assert!(determined(
            d,
            &r(480_000.0, 480_000.0),
            Some(&r(11.0, 13.0)),
            false,
            false
        )
        .is_none());
    }

    #[test]
    fn recent_households_are_told_by_the_ensemble_share_published_or_at_100() {
        let rec = [
            by_field("nb_menages").unwrap(),
            by_field("taux_reponse").unwrap(),
        ];
        let ens = [
            by_field("nb_menages").unwrap(),
            by_field("part_emmenages_recents").unwrap(),
        ];
        let cell = |status| Cell {
            value: None,
            base: None,
            status,
        };
        let shown = [cell(Status::Publie), cell(Status::Publie)];
        let hidden = [cell(Status::Publie), cell(Status::SecretEffectif)];
        assert!(told_by_ensemble(&rec, 0, &ens, &shown));
        assert!(!told_by_ensemble(&rec, 0, &ens, &hidden));
        // the response rate of the few recent movers is theirs: protected
        assert!(!told_by_ensemble(&rec, 1, &ens, &shown));
        // every household of the unit moved in recently: its reason code says so
        let all = [cell(Status::Publie), cell(Status::Secret100)];
        assert!(told_by_ensemble(&rec, 0, &ens, &all));
        assert!(!told_by_ensemble(&rec, 1, &ens, &all));
    }

    #[test]
    fn steps_follow_the_shown_precision() {
        let share = by_field("part_t1").unwrap();
        assert_eq!(numerator_step(share, 20), 1);
        assert_eq!(numerator_step(share, 30_000), 30);
        let rent = by_field("loyer_moyen").unwrap();
        assert_eq!(
            numerator_step(rent, 12),
            12,
            "12 rents: 12 cents move the mean a cent"
        );
    }
}

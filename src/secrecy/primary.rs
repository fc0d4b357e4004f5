//! Primary rules of the convention (§4), cell by cell.
//!
//! Rules, in order of precedence, thresholds from `[secrecy]`:
//! 1. `secret_effectif` — the cell rests on fewer than `min_units` dwellings (the whole cell is
//!    unpublished), or the value's own base (respondents with a known answer, let dwellings
//!    with a known rent…) is under `min_units`;
//! 2. `secret_reponse` — a survey value where fewer than `min_response_rate` of the cell's
//!    surveyed households answered *that question*: item non-response counts, the rate of a
//!    value is its own base (respondents with a known answer) over the households surveyed;
//! 3. `secret_100` — a share equal to 100 % (exactly, or once rounded for display), or 0 % when
//!    `suppress_0` is on: every value of the same distribution in that cell is unpublished,
//!    since the others would reveal it.
//!
//! Every unpublished value is `None` and carries its [`Status`].

use super::{Cell, Status};
use crate::config::SecrecySection;
use crate::indicators::{IndicatorDef, Kind, Measure, Measures};

/// Whether `answered` out of `surveyed` reaches `rate`, in exact integer arithmetic (the rate
/// is taken to the millionth, so 0.60 means exactly 60 %).
pub fn rate_reached(answered: i64, surveyed: i64, rate: f64) -> bool {
    if surveyed <= 0 {
        return false;
    }
    let r = (rate * 1e6).round() as i128;
    answered as i128 * 1_000_000 >= r * surveyed as i128
}

/// Applies the primary rules to one cell.
pub fn protect_cell(m: &Measures, defs: &[&'static IndicatorDef], p: &SecrecySection) -> Vec<Cell> {
    let min = p.min_units as i64;
    let households = m[Measure::Households as usize];
    let respondents = m[Measure::Respondents as usize];
    let cell_small = m[Measure::Dwellings as usize] < min;
    let mut cells: Vec<Cell> = defs
        .iter()
        .map(|d| {
            let base = d.base_count(m);
            let exact = d.compute(m);
            let status = if cell_small || base < min || exact.is_none() {
                Status::SecretEffectif
            } else if d.survey
                && !rate_reached(base.min(respondents), households, p.min_response_rate)
            {
                Status::SecretReponse
            } else {
                Status::Publie
            };
            Cell {
                value: exact.map(|v| d.display(v)),
                base: Some(base),
                status,
            }
        })
        .collect();
    // rule 3: extreme shares protect their whole distribution
    let mut extreme_groups: Vec<&str> = Vec::new();
    for (d, c) in defs.iter().zip(&cells) {
        if d.kind != Kind::Share || !c.status.is_published() {
            continue;
        }
        let exact = d.compute(m).expect("published has a value");
        let shown = c.value.expect("published has a value");
        let is100 = p.suppress_100 && (exact >= 100.0 || shown >= 100.0);
        let is0 = p.suppress_0 && (exact <= 0.0 || shown <= 0.0);
        if is100 || is0 {
            if let Some(g) = d.group {
                extreme_groups.push(g);
            } else {
                extreme_groups.push(d.field);
            }
        }
    }
    if !extreme_groups.is_empty() {
        for (d, c) in defs.iter().zip(cells.iter_mut()) {
            let g = d.distribution();
            if c.status.is_published() && extreme_groups.contains(&g) {
                c.status = Status::Secret100;
            }
        }
    }
    for c in &mut cells {
        if !c.status.is_published() {
            c.value = None;
            c.base = None;
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::{self, by_field, N_MEASURES};
    use crate::model::Population;
    use Measure as M;

    fn params() -> SecrecySection {
        SecrecySection::default()
    }

    fn measures(pairs: &[(Measure, i64)]) -> Measures {
        let mut m = [0; N_MEASURES];
        for &(k, v) in pairs {
            m[k as usize] = v;
        }
        m
    }

    fn status_of(cells: &[Cell], defs: &[&IndicatorDef], field: &str) -> Status {
        cells[defs.iter().position(|d| d.field == field).unwrap()].status
    }

    #[test]
    fn ten_dwellings_suppress_the_whole_cell() {
        let defs = indicators::for_population(Population::Ensemble);
        let m = measures(&[(M::Dwellings, 10), (M::Rooms3, 10), (M::Households, 10)]);
        let cells = protect_cell(&m, &defs, &params());
        assert!(cells
            .iter()
            .all(|c| c.status == Status::SecretEffectif && c.value.is_none() && c.base.is_none()));
    }

    #[test]
    fn eleven_dwellings_publish_dwelling_counts() {
        let defs = indicators::for_population(Population::Ensemble);
        let m = measures(&[(M::Dwellings, 11), (M::Rooms3, 6), (M::Rooms2, 5)]);
        let cells = protect_cell(&m, &defs, &params());
        let i = defs.iter().position(|d| d.field == "nb_logements").unwrap();
        assert_eq!(cells[i].value, Some(11.0));
        assert_eq!(cells[i].status, Status::Publie);
        assert_eq!(status_of(&cells, &defs, "part_t3"), Status::Publie);
    }

    #[test]
    fn low_response_suppresses_survey_values_only() {
        let defs = indicators::for_population(Population::Ensemble);
        // 20 households, 11 respondents: 55 % < 60 %
        let m = measures(&[
            (M::Dwellings, 20),
            (M::Households, 20),
            (M::Respondents, 11),
            (M::AplKnown, 11),
            (M::AplYes, 5),
            (M::Rooms2, 20),
            (M::FinPlus, 20),
        ]);
        let cells = protect_cell(&m, &defs, &params());
        assert_eq!(status_of(&cells, &defs, "part_apl"), Status::SecretReponse);
        assert_eq!(status_of(&cells, &defs, "taux_reponse"), Status::Publie);
        assert_eq!(status_of(&cells, &defs, "nb_menages"), Status::Publie);
    }

    #[test]
    fn sixty_percent_response_is_enough() {
        let defs = indicators::for_population(Population::Ensemble);
        let m = measures(&[
            (M::Dwellings, 20),
            (M::Households, 20),
            (M::Respondents, 12),
            (M::AplKnown, 12),
            (M::AplYes, 5),
        ]);
        let cells = protect_cell(&m, &defs, &params());
        assert_eq!(status_of(&cells, &defs, "part_apl"), Status::Publie);
    }

    #[test]
    fn item_non_response_counts_per_indicator() {
        let defs = indicators::for_population(Population::Ensemble);
        // 15 of 20 households answered (75 %), but only 11 answered the APL question (55 %)
        let m = measures(&[
            (M::Dwellings, 20),
            (M::Households, 20),
            (M::Respondents, 15),
            (M::AplKnown, 11),
            (M::AplYes, 5),
            (M::CompKnown, 15),
            (M::CompSingle, 7),
            (M::CompOther, 8),
        ]);
        let cells = protect_cell(&m, &defs, &params());
        assert_eq!(status_of(&cells, &defs, "part_apl"), Status::SecretReponse);
        assert_eq!(
            status_of(&cells, &defs, "part_personne_seule"),
            Status::Publie
        );
    }

    #[test]
    fn response_rate_is_compared_exactly() {
        assert!(rate_reached(3, 5, 0.60));
        assert!(!rate_reached(2999, 5000, 0.60));
        assert!(rate_reached(3000, 5000, 0.60));
        assert!(!rate_reached(0, 0, 0.0));
    }

    #[test]
    fn a_hundred_percent_share_protects_its_distribution() {
        let defs = indicators::for_population(Population::Ensemble);
        let m = measures(&[
            (M::Dwellings, 30),
            (M::Rooms3, 30),
            (M::FinPlus, 20),
            (M::FinPlai, 10),
        ]);
        let cells = protect_cell(&m, &defs, &params());
        for f in ["part_t1", "part_t2", "part_t3", "part_t4", "part_t5_plus"] {
            assert_eq!(status_of(&cells, &defs, f), Status::Secret100, "{f}");
        }
        assert_eq!(status_of(&cells, &defs, "part_plus"), Status::Publie);
    }

    #[test]
    fn a_share_rounding_to_100_is_suppressed() {
        let defs = indicators::for_population(Population::Ensemble);
        // 1999 / 2000 = 99.95 % → shown as 100.0
        let m = measures(&[(M::Dwellings, 2000), (M::Rooms3, 1999), (M::Rooms2, 1)]);
        let cells = protect_cell(&m, &defs, &params());
        assert_eq!(status_of(&cells, &defs, "part_t3"), Status::Secret100);
    }

    #[test]
    fn zero_percent_rule_is_a_switch() {
        let defs = vec![by_field("part_t1").unwrap(), by_field("part_t2").unwrap()];
        let m = measures(&[(M::Dwellings, 30), (M::Rooms1, 10), (M::Rooms3, 20)]);
        let off = protect_cell(&m, &defs, &params());
        assert!(off.iter().all(|c| c.status == Status::Publie));
        let on = protect_cell(
            &m,
            &defs,
            &SecrecySection {
                suppress_0: true,
                ..params()
            },
        );
        assert!(on.iter().all(|c| c.status == Status::Secret100));
    }
}

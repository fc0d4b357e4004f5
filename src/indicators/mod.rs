//! The indicator catalogue: one declarative table that computation, secrecy, layer columns,
//! the data dictionary and the styles all read.
//!
//! An indicator is a ratio of two additive [`Measure`]s (or a single measure for counts).
//! Measures are integer sums over dwellings (rents in cents, surfaces in hundredths of m²), so
//! every published number derives exactly from additive integer totals.

mod catalogue;
mod measure;

pub use catalogue::CATALOGUE;
pub use measure::{Measure, Measures, N_MEASURES};

use crate::model::Population;

/// What the base (`effectif`) of an indicator counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Dwelling,
    Household,
    Person,
    Adult,
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Unit::Dwelling => "logement",
            Unit::Household => "ménage",
            Unit::Person => "personne",
            Unit::Adult => "adulte",
        }
    }
}

/// How an indicator is computed and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The numerator itself (integer).
    Count,
    /// numerator / denominator × 100, in %, one decimal.
    Share,
    /// numerator / denominator / `scale`, two decimals.
    Mean { scale: i64 },
}

impl Kind {
    /// `nature` column of the tidy table.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Count => "compte",
            Kind::Share => "part",
            Kind::Mean { .. } => "moyenne",
        }
    }
}

/// One published indicator.
#[derive(Debug, Clone, Copy)]
pub struct IndicatorDef {
    /// Stable field name, ASCII snake_case, French.
    pub field: &'static str,
    /// French title (field alias in QGIS).
    pub title: &'static str,
    /// French definition.
    pub description: &'static str,
    pub unit: Unit,
    pub kind: Kind,
    pub numerator: Measure,
    /// Denominator of shares and means; also the base count for the secrecy rules.
    /// For counts, the base is the cell's count in [`IndicatorDef::base`].
    pub denominator: Option<Measure>,
    /// The count of units the value rests on (`effectif`).
    pub base: Measure,
    /// Comes from the OPS survey: subject to the response-rate rule.
    pub survey: bool,
    /// Distribution the indicator belongs to: when one share of a group is 100 %, the whole
    /// group of that cell is unpublished (the others are then 0 %).
    pub group: Option<&'static str>,
    /// Published for the recent movers too (some make no sense there, e.g. vacancy).
    pub for_recents: bool,
}

impl IndicatorDef {
    /// The distribution the indicator belongs to ([`Self::group`]), or its own field when it
    /// stands alone: the unit in which the secrecy rules hide and publish values together.
    pub fn distribution(&self) -> &'static str {
        self.group.unwrap_or(self.field)
    }

    /// Whether the indicator is published for `population`.
    pub fn applies_to(&self, population: Population) -> bool {
        population == Population::Ensemble || self.for_recents
    }

    /// Exact value from the cell's measures, `None` when the denominator is 0.
    pub fn compute(&self, m: &Measures) -> Option<f64> {
        let num = m[self.numerator as usize];
        match self.kind {
            Kind::Count => Some(num as f64),
            Kind::Share => {
                let den = m[self.denominator.expect("share has a denominator") as usize];
                (den > 0).then(|| num as f64 * 100.0 / den as f64)
            }
            Kind::Mean { scale } => {
                let den = m[self.denominator.expect("mean has a denominator") as usize];
                (den > 0).then(|| num as f64 / den as f64 / scale as f64)
            }
        }
    }

    /// The value as shown in the layers: shares to one decimal, means to two, counts whole.
    pub fn display(&self, exact: f64) -> f64 {
        match self.kind {
            Kind::Count => exact.round(),
            Kind::Share => (exact * 10.0).round() / 10.0,
            Kind::Mean { .. } => (exact * 100.0).round() / 100.0,
        }
    }

    /// Base count (`effectif`) of the value in a cell.
    pub fn base_count(&self, m: &Measures) -> i64 {
        m[self.base as usize]
    }

    /// The primary secrecy rules that apply to the indicator, from its declaration: the minimum
    /// count always (on the cell and on [`IndicatorDef::base`]); the response rate for survey
    /// values; the 100 % rule for shares and for every member of a [`IndicatorDef::group`].
    pub fn rules(&self) -> Vec<Rule> {
        let mut r = vec![Rule::MinUnits];
        if self.survey {
            r.push(Rule::ResponseRate);
        }
        if self.kind == Kind::Share || self.group.is_some() {
            r.push(Rule::Hundred);
        }
        r
    }
}

/// A primary secrecy rule of the convention (§4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Fewer than `min_units` dwellings in the cell, or units in the value's base.
    MinUnits,
    /// Fewer than `min_response_rate` of the cell's surveyed households answered.
    ResponseRate,
    /// A share of 100 % (or 0 % when configured) hides its whole distribution.
    Hundred,
}

impl Rule {
    /// Short French name (data dictionary).
    pub fn label(self) -> &'static str {
        match self {
            Rule::MinUnits => "effectif",
            Rule::ResponseRate => "réponse",
            Rule::Hundred => "100 %",
        }
    }
}

/// The indicators published for `population`, in catalogue order.
pub fn for_population(population: Population) -> Vec<&'static IndicatorDef> {
    CATALOGUE
        .iter()
        .filter(|d| d.applies_to(population))
        .collect()
}

/// Looks an indicator up by field name.
pub fn by_field(field: &str) -> Option<&'static IndicatorDef> {
    CATALOGUE.iter().find(|d| d.field == field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use Measure as M;

    #[test]
    fn field_names_are_unique_ascii_snake_case() {
        let mut seen = HashSet::new();
        for d in CATALOGUE {
            assert!(seen.insert(d.field), "duplicate {}", d.field);
            assert!(
                d.field
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                "{}",
                d.field
            );
            assert!(!d.field.ends_with("_secret"));
        }
    }

    #[test]
    fn shares_and_means_have_denominators() {
        for d in CATALOGUE {
            match d.kind {
                Kind::Count => assert!(d.denominator.is_none(), "{}", d.field),
                _ => assert!(d.denominator.is_some(), "{}", d.field),
            }
        }
    }

    #[test]
    fn shares_of_a_group_share_their_denominator() {
        let mut by_group: std::collections::HashMap<&str, Measure> = Default::default();
        for d in CATALOGUE.iter().filter(|d| d.kind == Kind::Share) {
            let g = d.group.expect("every share belongs to a distribution");
            let den = d.denominator.unwrap();
            assert_eq!(*by_group.entry(g).or_insert(den), den, "{}", d.field);
        }
    }

    #[test]
    fn bases_of_shares_and_means_are_their_denominators_or_counts_of_units() {
        for d in CATALOGUE {
            match d.kind {
                Kind::Share => assert_eq!(Some(d.base), d.denominator, "{}", d.field),
                // means of sums in cents or 1/100 m² rest on a count of dwellings or households
                Kind::Mean { .. } => assert!(
                    !d.base.label().starts_with("somme"),
                    "{}: base must count units",
                    d.field
                ),
                Kind::Count => {}
            }
        }
    }

    #[test]
    fn survey_values_are_not_dwelling_counts() {
        for d in CATALOGUE {
            if d.survey {
                assert_ne!(d.unit, Unit::Dwelling, "{}", d.field);
                assert!(d.rules().contains(&Rule::ResponseRate));
            }
        }
    }

    #[test]
    fn compute_handles_zero_denominator() {
        let m: Measures = [0; N_MEASURES];
        assert_eq!(by_field("taux_vacance").unwrap().compute(&m), None);
        let mut m = m;
        m[M::Dwellings as usize] = 8;
        m[M::Vacant as usize] = 1;
        assert_eq!(by_field("taux_vacance").unwrap().compute(&m), Some(12.5));
        m[M::RentCents as usize] = 123_456;
        m[M::RentKnown as usize] = 3;
        let rent = by_field("loyer_moyen").unwrap();
        assert_eq!(rent.display(rent.compute(&m).unwrap()), 411.52);
    }

    #[test]
    fn recents_exclude_vacancy_and_recent_share() {
        let f: Vec<_> = for_population(Population::Recents)
            .iter()
            .map(|d| d.field)
            .collect();
        assert!(!f.contains(&"taux_vacance"));
        assert!(!f.contains(&"nb_logements_vacants"));
        assert!(!f.contains(&"part_emmenages_recents"));
        assert!(f.contains(&"part_apl"));
        assert_eq!(f.len(), CATALOGUE.len() - 3);
    }
}

//! The indicator catalogue: one declarative table that computation, secrecy, layer columns,
//! the data dictionary and the styles all read.
//!
//! An indicator is a ratio of two additive [`Measure`]s (or a single measure for counts).
//! Measures are integer sums over dwellings (rents in cents, surfaces in hundredths of m²), so
//! every published number derives exactly from additive integer totals.

use crate::model::Population;

/// Additive quantities summed over the dwellings of a cell. Each is an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(usize)]
pub enum Measure {
    /// Dwellings.
    Dwellings,
    /// Vacant dwellings (RPLS MODE 2, offered for letting but vacant).
    Vacant,
    /// Dwellings let with a lease (MODE 1).
    Let,
    Rooms1,
    Rooms2,
    Rooms3,
    Rooms4,
    Rooms5Plus,
    FinPlai,
    FinPlus,
    FinPls,
    FinPli,
    FinOther,
    /// Sum of monthly rents of let dwellings with a known rent, in cents.
    RentCents,
    /// Let dwellings with a known rent.
    RentKnown,
    /// Sum of rents (cents) of let dwellings with both rent and surface known.
    RentCentsWithSurface,
    /// Sum of surfaces (1/100 m²) of let dwellings with both rent and surface known.
    SurfaceWithRentCenti,
    /// Sum of habitable surfaces (1/100 m²) of dwellings with a known surface.
    SurfaceCenti,
    /// Dwellings with a known surface.
    SurfaceKnown,
    /// OPS households surveyed (occupied dwellings with an OPS row).
    Households,
    /// Households that answered.
    Respondents,
    /// Households that moved in recently.
    RecentMovers,
    CompSingle,
    CompSingleParent,
    CompCoupleNoChildren,
    CompCoupleWithChildren,
    CompOther,
    /// Respondents with a known composition.
    CompKnown,
    AplYes,
    /// Respondents with a known APL answer.
    AplKnown,
    IncomeLt20,
    Income20To40,
    Income40To60,
    Income60To100,
    IncomeGe100,
    /// Respondents with a known income.
    IncomeKnown,
}

/// Number of measures.
pub const N_MEASURES: usize = Measure::IncomeKnown as usize + 1;

/// A vector of measures for one cell.
pub type Measures = [i64; N_MEASURES];

/// What an indicator counts.
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
}

use Measure as M;

const fn share(
    field: &'static str,
    title: &'static str,
    description: &'static str,
    unit: Unit,
    numerator: Measure,
    denominator: Measure,
    group: &'static str,
) -> IndicatorDef {
    // shares of respondents come from the survey; shares of dwellings from the RPLS
    let survey = !matches!(unit, Unit::Dwelling);
    IndicatorDef {
        field,
        title,
        description,
        unit,
        kind: Kind::Share,
        numerator,
        denominator: Some(denominator),
        base: denominator,
        survey,
        group: Some(group),
        for_recents: true,
    }
}

/// The catalogue, in publication order.
pub const CATALOGUE: &[IndicatorDef] = &[
    IndicatorDef {
        field: "nb_logements",
        title: "Nombre de logements",
        description: "Logements sociaux du RPLS (population « emménagés récents » : logements occupés par un ménage emménagé récemment).",
        unit: Unit::Dwelling,
        kind: Kind::Count,
        numerator: M::Dwellings,
        denominator: None,
        base: M::Dwellings,
        survey: false,
        group: None,
        for_recents: true,
    },
    IndicatorDef {
        field: "nb_logements_vacants",
        title: "Logements vacants",
        description: "Logements proposés à la location mais vacants au 1er janvier (RPLS MODE = 2). La vacance technique (MODE = 3 : travaux, démolition, vente) n'est pas comptée.",
        unit: Unit::Dwelling,
        kind: Kind::Count,
        numerator: M::Vacant,
        denominator: None,
        base: M::Dwellings,
        survey: false,
        group: Some("vacance"),
        for_recents: false,
    },
    IndicatorDef {
        field: "taux_vacance",
        title: "Taux de vacance (%)",
        description: "Logements vacants (MODE = 2) rapportés à l'ensemble des logements, en %.",
        unit: Unit::Dwelling,
        kind: Kind::Share,
        numerator: M::Vacant,
        denominator: Some(M::Dwellings),
        base: M::Dwellings,
        survey: false,
        group: Some("vacance"),
        for_recents: false,
    },
    share("part_t1", "Part des T1 (%)", "Logements d'une pièce principale (NBPIECE = 1), en % des logements.", Unit::Dwelling, M::Rooms1, M::Dwellings, "typologie"),
    share("part_t2", "Part des T2 (%)", "Logements de deux pièces principales, en % des logements.", Unit::Dwelling, M::Rooms2, M::Dwellings, "typologie"),
    share("part_t3", "Part des T3 (%)", "Logements de trois pièces principales, en % des logements.", Unit::Dwelling, M::Rooms3, M::Dwellings, "typologie"),
    share("part_t4", "Part des T4 (%)", "Logements de quatre pièces principales, en % des logements.", Unit::Dwelling, M::Rooms4, M::Dwellings, "typologie"),
    share("part_t5_plus", "Part des T5 et plus (%)", "Logements de cinq pièces principales ou plus, en % des logements.", Unit::Dwelling, M::Rooms5Plus, M::Dwellings, "typologie"),
    share("part_plai", "Part financée en PLAI (%)", "Financement initial PLAI (RPLS FINAN 10, 11), en % des logements.", Unit::Dwelling, M::FinPlai, M::Dwellings, "financement"),
    share("part_plus", "Part financée en PLUS (%)", "Financement initial PLUS ou PLA ordinaire (FINAN 12, 13), en % des logements.", Unit::Dwelling, M::FinPlus, M::Dwellings, "financement"),
    share("part_pls", "Part financée en PLS (%)", "Financement initial PLS/PPLS/PCLS/PLA CFF (FINAN 14), en % des logements.", Unit::Dwelling, M::FinPls, M::Dwellings, "financement"),
    share("part_pli", "Part financée en PLI (%)", "Financement initial PLI (FINAN 16), en % des logements.", Unit::Dwelling, M::FinPli, M::Dwellings, "financement"),
    share("part_fin_autre", "Part des autres financements (%)", "Autres financements initiaux (FINAN 15, 17, 49 à 55, 99 : HLM/O, PLR/PSR, ILM, PCL…), en % des logements.", Unit::Dwelling, M::FinOther, M::Dwellings, "financement"),
    IndicatorDef {
        field: "loyer_moyen",
        title: "Loyer moyen (€/mois)",
        description: "Moyenne du loyer principal mensuel (LOYERPRINC, hors charges) des logements loués (MODE = 1) ; la valeur 9999 (sans objet) est exclue.",
        unit: Unit::Dwelling,
        kind: Kind::Mean { scale: 100 },
        numerator: M::RentCents,
        denominator: Some(M::RentKnown),
        base: M::RentKnown,
        survey: false,
        group: None,
        for_recents: true,
    },
    IndicatorDef {
        field: "loyer_m2",
        title: "Loyer moyen au m² (€/m²)",
        description: "Somme des loyers principaux rapportée à la somme des surfaces habitables, logements loués dont loyer et surface sont connus.",
        unit: Unit::Dwelling,
        kind: Kind::Mean { scale: 1 },
        numerator: M::RentCentsWithSurface,
        denominator: Some(M::SurfaceWithRentCenti),
        base: M::RentKnown,
        survey: false,
        group: None,
        for_recents: true,
    },
    IndicatorDef {
        field: "surface_moyenne",
        title: "Surface habitable moyenne (m²)",
        description: "Moyenne de la surface habitable (SURFHAB) des logements dont la surface est connue.",
        unit: Unit::Dwelling,
        kind: Kind::Mean { scale: 100 },
        numerator: M::SurfaceCenti,
        denominator: Some(M::SurfaceKnown),
        base: M::SurfaceKnown,
        survey: false,
        group: None,
        for_recents: true,
    },
    IndicatorDef {
        field: "nb_menages",
        title: "Ménages enquêtés",
        description: "Ménages occupant un logement et figurant dans l'enquête OPS (répondants ou non).",
        unit: Unit::Household,
        kind: Kind::Count,
        numerator: M::Households,
        denominator: None,
        base: M::Households,
        survey: false,
        group: None,
        for_recents: true,
    },
    IndicatorDef {
        field: "nb_repondants",
        title: "Ménages répondants",
        description: "Ménages ayant répondu à l'enquête OPS.",
        unit: Unit::Household,
        kind: Kind::Count,
        numerator: M::Respondents,
        denominator: None,
        base: M::Households,
        survey: false,
        group: Some("reponse"),
        for_recents: true,
    },
    IndicatorDef {
        field: "taux_reponse",
        title: "Taux de réponse (%)",
        description: "Ménages répondants rapportés aux ménages enquêtés, en %.",
        unit: Unit::Household,
        kind: Kind::Share,
        numerator: M::Respondents,
        denominator: Some(M::Households),
        base: M::Households,
        survey: false,
        group: Some("reponse"),
        for_recents: true,
    },
    IndicatorDef {
        field: "part_emmenages_recents",
        title: "Part des emménagés récents (%)",
        description: "Ménages emménagés moins de deux ans avant la date de référence (date d'emménagement OPS, à défaut date d'effet du bail RPLS), en % des ménages enquêtés.",
        unit: Unit::Household,
        kind: Kind::Share,
        numerator: M::RecentMovers,
        denominator: Some(M::Households),
        base: M::Households,
        survey: false,
        group: Some("anciennete"),
        for_recents: false,
    },
    share("part_personne_seule", "Personnes seules (%)", "Ménages d'une personne seule, en % des ménages répondants dont la composition est connue.", Unit::Household, M::CompSingle, M::CompKnown, "composition"),
    share("part_monoparentale", "Familles monoparentales (%)", "Familles monoparentales, en % des ménages répondants dont la composition est connue.", Unit::Household, M::CompSingleParent, M::CompKnown, "composition"),
    share("part_couple_sans_enfant", "Couples sans enfant (%)", "Couples sans enfant, en % des ménages répondants dont la composition est connue.", Unit::Household, M::CompCoupleNoChildren, M::CompKnown, "composition"),
    share("part_couple_avec_enfants", "Couples avec enfant(s) (%)", "Couples avec enfant(s), en % des ménages répondants dont la composition est connue.", Unit::Household, M::CompCoupleWithChildren, M::CompKnown, "composition"),
    share("part_autre_menage", "Autres ménages (%)", "Autres compositions (ménages complexes, colocations…), en % des ménages répondants dont la composition est connue.", Unit::Household, M::CompOther, M::CompKnown, "composition"),
    share("part_apl", "Bénéficiaires de l'APL (%)", "Ménages percevant l'aide personnalisée au logement, en % des répondants ayant renseigné la question.", Unit::Household, M::AplYes, M::AplKnown, "apl"),
    share("part_rev_moins_20", "Ressources < 20 % du plafond PLUS (%)", "Ménages dont les ressources sont inférieures à 20 % du plafond PLUS, en % des répondants aux ressources connues.", Unit::Household, M::IncomeLt20, M::IncomeKnown, "ressources"),
    share("part_rev_20_40", "Ressources de 20 à 40 % du plafond PLUS (%)", "Ressources de 20 % (inclus) à 40 % (exclu) du plafond PLUS, en % des répondants aux ressources connues.", Unit::Household, M::Income20To40, M::IncomeKnown, "ressources"),
    share("part_rev_40_60", "Ressources de 40 à 60 % du plafond PLUS (%)", "Ressources de 40 % (inclus) à 60 % (exclu) du plafond PLUS, en % des répondants aux ressources connues.", Unit::Household, M::Income40To60, M::IncomeKnown, "ressources"),
    share("part_rev_60_100", "Ressources de 60 à 100 % du plafond PLUS (%)", "Ressources de 60 % (inclus) à 100 % (exclu) du plafond PLUS, en % des répondants aux ressources connues.", Unit::Household, M::Income60To100, M::IncomeKnown, "ressources"),
    share("part_rev_100_plus", "Ressources ≥ 100 % du plafond PLUS (%)", "Ressources égales ou supérieures au plafond PLUS, en % des répondants aux ressources connues.", Unit::Household, M::IncomeGe100, M::IncomeKnown, "ressources"),
];

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
        assert!(!f.contains(&"part_emmenages_recents"));
        assert!(f.contains(&"part_apl"));
    }
}

//! The additive measures: integer sums over the dwellings (and their households and occupants)
//! of a cell. Every published value is a measure or a ratio of two measures.
//!
//! The list is declared once by [`measures!`]: the enum, its French labels (read by the data
//! dictionary) and [`N_MEASURES`] all come from it. Rents are in cents and surfaces in
//! hundredths of m², so that sums stay exact integers.

/// Declares [`Measure`], [`Measure::ALL`], [`Measure::label`] and [`N_MEASURES`].
macro_rules! measures {
    ($( $(#[$doc:meta])* $name:ident => $label:literal, )*) => {
        /// Additive quantities summed over the dwellings of a cell. Each is an integer.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(usize)]
        pub enum Measure {
            $( $(#[$doc])* $name, )*
        }

        impl Measure {
            /// Every measure, in index order (`Measure::ALL[m as usize] == m`).
            pub const ALL: &'static [Measure] = &[$(Measure::$name),*];

            /// French label, as the data dictionary shows numerators, denominators and bases.
            pub fn label(self) -> &'static str {
                match self {
                    $( Measure::$name => $label, )*
                }
            }
        }
    };
}

measures! {
    /// Dwellings.
    Dwellings => "logements",
    /// Vacant dwellings (RPLS MODE 2, offered for letting but vacant).
    Vacant => "logements vacants (MODE = 2)",
    /// Dwellings let with a lease (MODE 1).
    Let => "logements loués (MODE = 1)",
    Rooms1 => "logements d'une pièce (T1)",
    Rooms2 => "logements de deux pièces (T2)",
    Rooms3 => "logements de trois pièces (T3)",
    Rooms4 => "logements de quatre pièces (T4)",
    Rooms5Plus => "logements de cinq pièces ou plus (T5+)",
    FinPlai => "logements financés en PLAI (FINAN 10, 11)",
    FinPlus => "logements financés en PLUS (FINAN 12, 13)",
    FinPls => "logements financés en PLS (FINAN 14)",
    FinPli => "logements financés en PLI (FINAN 16)",
    FinOther => "logements d'un autre financement",
    /// Sum of monthly rents of let dwellings with a known rent, in cents.
    RentCents => "somme des loyers principaux des logements loués au loyer connu (centimes)",
    /// Let dwellings with a known rent.
    RentKnown => "logements loués au loyer connu",
    /// Sum of rents (cents) of let dwellings with both rent and surface known.
    RentCentsWithSurface => "somme des loyers des logements loués au loyer et à la surface connus (centimes)",
    /// Sum of surfaces (1/100 m²) of let dwellings with both rent and surface known.
    SurfaceWithRentCenti => "somme des surfaces des logements loués au loyer et à la surface connus (centièmes de m²)",
    /// Sum of habitable surfaces (1/100 m²) of dwellings with a known surface.
    SurfaceCenti => "somme des surfaces habitables connues (centièmes de m²)",
    /// Dwellings with a known surface.
    SurfaceKnown => "logements à la surface connue",
    /// OPS households surveyed (occupied dwellings with an OPS row).
    Households => "ménages enquêtés",
    /// Households that answered.
    Respondents => "ménages répondants",
    /// Households that moved in recently.
    RecentMovers => "ménages emménagés récemment",
    CompSingle => "personnes seules",
    CompSingleParent => "familles monoparentales",
    CompCoupleNoChildren => "couples sans enfant",
    CompCoupleWithChildren => "couples avec enfant(s)",
    CompOther => "autres ménages",
    /// Respondents with a known composition.
    CompKnown => "répondants à la composition connue",
    AplYes => "ménages bénéficiaires de l'APL",
    /// Respondents with a known APL answer.
    AplKnown => "répondants ayant renseigné l'APL",
    IncomeLt20 => "ménages aux ressources < 20 % du plafond PLUS",
    Income20To40 => "ménages aux ressources de 20 à 40 % du plafond PLUS",
    Income40To60 => "ménages aux ressources de 40 à 60 % du plafond PLUS",
    Income60To100 => "ménages aux ressources de 60 à 100 % du plafond PLUS",
    IncomeGe100 => "ménages aux ressources ≥ 100 % du plafond PLUS",
    /// Respondents with a known income.
    IncomeKnown => "répondants aux ressources connues",
    // --- added with the full annexe 3 ---
    /// Let dwellings with both rent and surface known.
    RentSurfaceKnown => "logements loués au loyer et à la surface connus",
    RentCentsT1 => "somme des loyers des T1 loués au loyer connu (centimes)",
    RentKnownT1 => "T1 loués au loyer connu",
    RentCentsT2 => "somme des loyers des T2 loués au loyer connu (centimes)",
    RentKnownT2 => "T2 loués au loyer connu",
    RentCentsT3 => "somme des loyers des T3 loués au loyer connu (centimes)",
    RentKnownT3 => "T3 loués au loyer connu",
    RentCentsT4 => "somme des loyers des T4 loués au loyer connu (centimes)",
    RentKnownT4 => "T4 loués au loyer connu",
    RentCentsT5Plus => "somme des loyers des T5 et plus loués au loyer connu (centimes)",
    RentKnownT5Plus => "T5 et plus loués au loyer connu",
    /// First let before 1949 (`LOCAT` ≤ 1948).
    LetBefore1949 => "logements mis en location avant 1949",
    LetFrom1949To1974 => "logements mis en location de 1949 à 1974",
    LetFrom1975To1981 => "logements mis en location de 1975 à 1981",
    LetFrom1982To1989 => "logements mis en location de 1982 à 1989",
    LetFrom1990To2000 => "logements mis en location de 1990 à 2000",
    /// First let after 2000 (`LOCAT` ≥ 2001).
    LetAfter2000 => "logements mis en location après 2000",
    /// Dwellings with a known year of first letting.
    LetYearKnown => "logements à l'année de première mise en location connue",
    DpeA => "logements de classe énergie A",
    DpeB => "logements de classe énergie B",
    DpeC => "logements de classe énergie C",
    DpeD => "logements de classe énergie D",
    DpeE => "logements de classe énergie E",
    DpeF => "logements de classe énergie F",
    DpeG => "logements de classe énergie G",
    /// No DPE (`DPEDATE` 01/1900, no class given, or no DPE column).
    DpeNone => "logements sans DPE",
    /// Respondents with at least one occupant row (the base of the means per household).
    OccupantsKnown => "répondants aux occupants connus",
    /// Occupants of the households in [`Measure::OccupantsKnown`].
    Persons => "occupants",
    Adults => "occupants majeurs (18 ans ou plus)",
    Children => "enfants du titulaire (lien « enfant », tout âge)",
    Minors => "occupants mineurs (moins de 18 ans)",
    HolderUnder25 => "titulaires de moins de 25 ans",
    Holder25To39 => "titulaires de 25 à 39 ans",
    Holder40To59 => "titulaires de 40 à 59 ans",
    Holder60To74 => "titulaires de 60 à 74 ans",
    Holder75Plus => "titulaires de 75 ans ou plus",
    /// Respondents with a known lease-holder age.
    HolderAgeKnown => "répondants à l'âge du titulaire connu",
    Occ18To24 => "occupants de 18 à 24 ans",
    Occ25To39 => "occupants de 25 à 39 ans",
    Occ40To59 => "occupants de 40 à 59 ans",
    Occ60To74 => "occupants de 60 à 74 ans",
    Occ75Plus => "occupants de 75 ans ou plus",
    EmpStable => "adultes en emploi stable",
    EmpPrecarious => "adultes en emploi précaire",
    EmpUnemployed => "adultes chômeurs",
    EmpNoEmployment => "adultes sans emploi (hors chômage)",
    EmpRetired => "adultes retraités",
    EmpStudent => "adultes étudiants",
    /// Adults with a known employment situation.
    EmpKnown => "adultes à la situation d'emploi connue",
}

/// Number of measures.
pub const N_MEASURES: usize = Measure::ALL.len();

/// A vector of measures for one cell.
pub type Measures = [i64; N_MEASURES];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_in_index_order() {
        for (i, m) in Measure::ALL.iter().enumerate() {
            assert_eq!(*m as usize, i);
        }
    }

    #[test]
    fn labels_are_distinct() {
        let mut seen = std::collections::HashSet::new();
        for m in Measure::ALL {
            assert!(seen.insert(m.label()), "{m:?}");
        }
    }
}

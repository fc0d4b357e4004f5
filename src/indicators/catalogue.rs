//! The catalogue: every published indicator of annexe 3 of the convention, in publication order.
//!
//! Adding an indicator is one entry here (plus, for a new quantity, one [`Measure`] and its
//! line in [`crate::aggregate::contribution`]): computation, secrecy, layer columns, the tidy
//! table and the data dictionary all read this table. French definitions and the choices behind
//! them are in `docs/indicateurs.md`.

use super::{IndicatorDef, Kind, Measure as M, Unit};

/// Template of the counts of dwellings.
const COUNT: IndicatorDef = IndicatorDef {
    field: "",
    title: "",
    description: "",
    unit: Unit::Dwelling,
    kind: Kind::Count,
    numerator: M::Dwellings,
    denominator: None,
    base: M::Dwellings,
    survey: false,
    group: None,
    for_recents: true,
};

/// A share (%) of one distribution: the denominator is the base. Shares of dwellings come from
/// the RPLS; shares of households, persons or adults from the survey (response-rate rule).
const fn share(
    field: &'static str,
    title: &'static str,
    description: &'static str,
    unit: Unit,
    numerator: M,
    denominator: M,
    group: &'static str,
) -> IndicatorDef {
    IndicatorDef {
        field,
        title,
        description,
        unit,
        kind: Kind::Share,
        numerator,
        denominator: Some(denominator),
        base: denominator,
        survey: !matches!(unit, Unit::Dwelling),
        group: Some(group),
        for_recents: true,
    }
}

/// A mean: sum over count, the count being the base; `scale` converts the integer unit of the
/// sum (cents → euros, 1/100 m² → m²).
const fn mean(
    field: &'static str,
    title: &'static str,
    description: &'static str,
    unit: Unit,
    numerator: M,
    denominator: M,
    scale: i64,
) -> IndicatorDef {
    IndicatorDef {
        field,
        title,
        description,
        unit,
        kind: Kind::Mean { scale },
        numerator,
        denominator: Some(denominator),
        base: denominator,
        survey: !matches!(unit, Unit::Dwelling),
        group: None,
        for_recents: true,
    }
}

use Unit::{Adult, Dwelling, Household, Person};

/// The catalogue, in publication order.
pub const CATALOGUE: &[IndicatorDef] = &[
    // ---- dwellings (RPLS) ----
    IndicatorDef {
        field: "nb_logements",
        title: "Nombre de logements",
        description: "Logements sociaux du RPLS, quel que soit leur mode d'occupation (population « emménagés récents » : logements occupés par un ménage emménagé récemment).",
        ..COUNT
    },
    share("part_plai", "Part financée en PLAI (%)", "Financement initial PLAI ou PLA d'intégration (RPLS FINAN 10, 11), en % des logements.", Dwelling, M::FinPlai, M::Dwellings, "financement"),
    share("part_plus", "Part financée en PLUS (%)", "Financement initial PLUS ou PLA ordinaire (FINAN 12, 13), en % des logements.", Dwelling, M::FinPlus, M::Dwellings, "financement"),
    share("part_pls", "Part financée en PLS (%)", "Financement initial PLS, PPLS, PCLS ou PLA CFF (FINAN 14), en % des logements.", Dwelling, M::FinPls, M::Dwellings, "financement"),
    share("part_pli", "Part financée en PLI (%)", "Financement initial PLI (FINAN 16), en % des logements.", Dwelling, M::FinPli, M::Dwellings, "financement"),
    share("part_fin_autre", "Part des autres financements (%)", "Autres financements initiaux (FINAN 15 PAP locatif, 17 PCL, 49 à 55 HBM, PLR/PSR, HLM/O, ILM, ILN, prêts spéciaux du CFF, 99 autre avant 1977), en % des logements.", Dwelling, M::FinOther, M::Dwellings, "financement"),
    share("part_mel_avant_1949", "Mis en location avant 1949 (%)", "Logements dont l'année de première mise en location (RPLS LOCAT) est 1948 ou avant, en % des logements dont l'année est connue.", Dwelling, M::LetBefore1949, M::LetYearKnown, "mise_en_location"),
    share("part_mel_1949_1974", "Mis en location de 1949 à 1974 (%)", "Première mise en location de 1949 à 1974 inclus, en % des logements dont l'année est connue.", Dwelling, M::LetFrom1949To1974, M::LetYearKnown, "mise_en_location"),
    share("part_mel_1975_1981", "Mis en location de 1975 à 1981 (%)", "Première mise en location de 1975 à 1981 inclus, en % des logements dont l'année est connue.", Dwelling, M::LetFrom1975To1981, M::LetYearKnown, "mise_en_location"),
    share("part_mel_1982_1989", "Mis en location de 1982 à 1989 (%)", "Première mise en location de 1982 à 1989 inclus, en % des logements dont l'année est connue.", Dwelling, M::LetFrom1982To1989, M::LetYearKnown, "mise_en_location"),
    share("part_mel_1990_2000", "Mis en location de 1990 à 2000 (%)", "Première mise en location de 1990 à 2000 inclus, en % des logements dont l'année est connue.", Dwelling, M::LetFrom1990To2000, M::LetYearKnown, "mise_en_location"),
    share("part_mel_apres_2000", "Mis en location après 2000 (%)", "Première mise en location en 2001 ou après, en % des logements dont l'année est connue.", Dwelling, M::LetAfter2000, M::LetYearKnown, "mise_en_location"),
    share("part_dpe_a", "DPE énergie classe A (%)", "Logements dont le diagnostic de performance énergétique classe la consommation d'énergie en A (RPLS DPEENERGIE), en % des logements (avec ou sans DPE).", Dwelling, M::DpeA, M::Dwellings, "dpe"),
    share("part_dpe_b", "DPE énergie classe B (%)", "Classe énergie B, en % des logements (avec ou sans DPE).", Dwelling, M::DpeB, M::Dwellings, "dpe"),
    share("part_dpe_c", "DPE énergie classe C (%)", "Classe énergie C, en % des logements (avec ou sans DPE).", Dwelling, M::DpeC, M::Dwellings, "dpe"),
    share("part_dpe_d", "DPE énergie classe D (%)", "Classe énergie D, en % des logements (avec ou sans DPE).", Dwelling, M::DpeD, M::Dwellings, "dpe"),
    share("part_dpe_e", "DPE énergie classe E (%)", "Classe énergie E, en % des logements (avec ou sans DPE).", Dwelling, M::DpeE, M::Dwellings, "dpe"),
    share("part_dpe_f", "DPE énergie classe F (%)", "Classe énergie F, en % des logements (avec ou sans DPE).", Dwelling, M::DpeF, M::Dwellings, "dpe"),
    share("part_dpe_g", "DPE énergie classe G (%)", "Classe énergie G, en % des logements (avec ou sans DPE).", Dwelling, M::DpeG, M::Dwellings, "dpe"),
    share("part_dpe_non_realise", "Sans DPE (%)", "Logements sans diagnostic de performance énergétique (DPEDATE = 01/1900, classe non renseignée, ou colonne absente), en % des logements.", Dwelling, M::DpeNone, M::Dwellings, "dpe"),
    share("part_t1", "Part des T1 (%)", "Logements d'une pièce principale (NBPIECE = 1), en % des logements.", Dwelling, M::Rooms1, M::Dwellings, "typologie"),
    share("part_t2", "Part des T2 (%)", "Logements de deux pièces principales, en % des logements.", Dwelling, M::Rooms2, M::Dwellings, "typologie"),
    share("part_t3", "Part des T3 (%)", "Logements de trois pièces principales, en % des logements.", Dwelling, M::Rooms3, M::Dwellings, "typologie"),
    share("part_t4", "Part des T4 (%)", "Logements de quatre pièces principales, en % des logements.", Dwelling, M::Rooms4, M::Dwellings, "typologie"),
    share("part_t5_plus", "Part des T5 et plus (%)", "Logements de cinq pièces principales ou plus, en % des logements.", Dwelling, M::Rooms5Plus, M::Dwellings, "typologie"),
    mean("loyer_moyen", "Loyer moyen (€/mois)", "Somme des loyers principaux mensuels (LOYERPRINC, hors charges et annexes) rapportée au nombre de logements loués (MODE = 1) dont le loyer est connu ; les valeurs 9999 (sans objet), vides ou nulles sont exclues.", Dwelling, M::RentCents, M::RentKnown, 100),
    mean("loyer_moyen_t1", "Loyer moyen des T1 (€/mois)", "Loyer principal mensuel moyen des T1 loués au loyer connu (mêmes exclusions que le loyer moyen).", Dwelling, M::RentCentsT1, M::RentKnownT1, 100),
    mean("loyer_moyen_t2", "Loyer moyen des T2 (€/mois)", "Loyer principal mensuel moyen des T2 loués au loyer connu.", Dwelling, M::RentCentsT2, M::RentKnownT2, 100),
    mean("loyer_moyen_t3", "Loyer moyen des T3 (€/mois)", "Loyer principal mensuel moyen des T3 loués au loyer connu.", Dwelling, M::RentCentsT3, M::RentKnownT3, 100),
    mean("loyer_moyen_t4", "Loyer moyen des T4 (€/mois)", "Loyer principal mensuel moyen des T4 loués au loyer connu.", Dwelling, M::RentCentsT4, M::RentKnownT4, 100),
    mean("loyer_moyen_t5_plus", "Loyer moyen des T5 et plus (€/mois)", "Loyer principal mensuel moyen des logements de cinq pièces ou plus loués au loyer connu.", Dwelling, M::RentCentsT5Plus, M::RentKnownT5Plus, 100),
    IndicatorDef {
        field: "loyer_m2",
        title: "Loyer moyen au m² (€/m²/mois)",
        description: "Somme des loyers principaux rapportée à la somme des surfaces habitables (SURFHAB), logements loués dont le loyer et la surface sont connus (moyenne pondérée par la surface).",
        kind: Kind::Mean { scale: 1 },
        numerator: M::RentCentsWithSurface,
        denominator: Some(M::SurfaceWithRentCenti),
        base: M::RentSurfaceKnown,
        ..COUNT
    },
    mean("surface_moyenne", "Surface habitable moyenne (m²)", "Moyenne de la surface habitable (SURFHAB) de tous les logements, loués ou non, dont la surface est connue.", Dwelling, M::SurfaceCenti, M::SurfaceKnown, 100),
    IndicatorDef {
        field: "nb_logements_vacants",
        title: "Logements vacants",
        description: "Logements proposés à la location mais vacants au 1er janvier (RPLS MODE = 2). Les logements vides pour travaux, démolition ou vente (MODE = 3) ne sont pas comptés.",
        numerator: M::Vacant,
        group: Some("vacance"),
        for_recents: false,
        ..COUNT
    },
    IndicatorDef {
        field: "taux_vacance",
        title: "Taux de vacance (%)",
        description: "Logements vacants (MODE = 2) rapportés à l'ensemble des logements, en %.",
        kind: Kind::Share,
        numerator: M::Vacant,
        denominator: Some(M::Dwellings),
        group: Some("vacance"),
        for_recents: false,
        ..COUNT
    },
    // ---- households (RPLS + OPS) ----
    IndicatorDef {
        field: "nb_menages",
        title: "Ménages enquêtés",
        description: "Ménages occupant un logement et figurant dans l'enquête OPS (répondants ou non).",
        unit: Household,
        numerator: M::Households,
        base: M::Households,
        ..COUNT
    },
    IndicatorDef {
        field: "nb_repondants",
        title: "Ménages répondants",
        description: "Ménages ayant répondu à l'enquête OPS.",
        unit: Household,
        numerator: M::Respondents,
        base: M::Households,
        group: Some("reponse"),
        ..COUNT
    },
    IndicatorDef {
        field: "taux_reponse",
        title: "Taux de réponse (%)",
        description: "Ménages répondants rapportés aux ménages enquêtés, en %.",
        unit: Household,
        kind: Kind::Share,
        numerator: M::Respondents,
        denominator: Some(M::Households),
        base: M::Households,
        group: Some("reponse"),
        ..COUNT
    },
    IndicatorDef {
        field: "part_emmenages_recents",
        title: "Part des emménagés récents (%)",
        description: "Ménages emménagés moins de deux ans avant la date de référence (date d'emménagement OPS, à défaut date d'effet du bail RPLS BAIL), en % des ménages enquêtés, répondants ou non.",
        unit: Household,
        kind: Kind::Share,
        numerator: M::RecentMovers,
        denominator: Some(M::Households),
        base: M::Households,
        group: Some("anciennete"),
        for_recents: false,
        ..COUNT
    },
    // ---- survey: responding households ----
    share("part_personne_seule", "Personnes seules (%)", "Ménages d'une personne seule, en % des ménages répondants dont la composition est connue.", Household, M::CompSingle, M::CompKnown, "composition"),
    share("part_monoparentale", "Familles monoparentales (%)", "Familles monoparentales, en % des ménages répondants dont la composition est connue.", Household, M::CompSingleParent, M::CompKnown, "composition"),
    share("part_couple_sans_enfant", "Couples sans enfant (%)", "Couples sans enfant, en % des ménages répondants dont la composition est connue.", Household, M::CompCoupleNoChildren, M::CompKnown, "composition"),
    share("part_couple_avec_enfants", "Couples avec enfant(s) (%)", "Couples avec enfant(s), en % des ménages répondants dont la composition est connue.", Household, M::CompCoupleWithChildren, M::CompKnown, "composition"),
    share("part_autre_menage", "Autres ménages (%)", "Autres compositions (ménages complexes, colocations…), en % des ménages répondants dont la composition est connue.", Household, M::CompOther, M::CompKnown, "composition"),
    mean("nb_moyen_occupants", "Nombre moyen d'occupants", "Occupants déclarés (titulaire du bail compris) rapportés aux ménages répondants ayant au moins un occupant déclaré.", Household, M::Persons, M::OccupantsKnown, 1),
    mean("nb_moyen_adultes", "Nombre moyen d'adultes", "Occupants de 18 ans ou plus rapportés aux ménages répondants ayant au moins un occupant déclaré.", Household, M::Adults, M::OccupantsKnown, 1),
    mean("nb_moyen_enfants", "Nombre moyen d'enfants", "Occupants déclarés « enfant » du titulaire du bail, quel que soit leur âge, rapportés aux ménages répondants ayant au moins un occupant déclaré.", Household, M::Children, M::OccupantsKnown, 1),
    mean("nb_moyen_mineurs", "Nombre moyen de mineurs", "Occupants de moins de 18 ans rapportés aux ménages répondants ayant au moins un occupant déclaré.", Household, M::Minors, M::OccupantsKnown, 1),
    share("part_titulaire_moins_25", "Titulaires de moins de 25 ans (%)", "Ménages dont le titulaire du bail a moins de 25 ans, en % des répondants dont l'âge du titulaire est connu.", Household, M::HolderUnder25, M::HolderAgeKnown, "age_titulaire"),
    share("part_titulaire_25_39", "Titulaires de 25 à 39 ans (%)", "Titulaire du bail âgé de 25 à 39 ans, en % des répondants dont l'âge du titulaire est connu.", Household, M::Holder25To39, M::HolderAgeKnown, "age_titulaire"),
    share("part_titulaire_40_59", "Titulaires de 40 à 59 ans (%)", "Titulaire du bail âgé de 40 à 59 ans, en % des répondants dont l'âge du titulaire est connu.", Household, M::Holder40To59, M::HolderAgeKnown, "age_titulaire"),
    share("part_titulaire_60_74", "Titulaires de 60 à 74 ans (%)", "Titulaire du bail âgé de 60 à 74 ans, en % des répondants dont l'âge du titulaire est connu.", Household, M::Holder60To74, M::HolderAgeKnown, "age_titulaire"),
    share("part_titulaire_75_plus", "Titulaires de 75 ans ou plus (%)", "Titulaire du bail âgé de 75 ans ou plus, en % des répondants dont l'âge du titulaire est connu.", Household, M::Holder75Plus, M::HolderAgeKnown, "age_titulaire"),
    share("part_occupants_moins_18", "Occupants de moins de 18 ans (%)", "Occupants de moins de 18 ans, en % des occupants des ménages répondants.", Person, M::Minors, M::Persons, "age_occupants"),
    share("part_occupants_18_24", "Occupants de 18 à 24 ans (%)", "Occupants de 18 à 24 ans, en % des occupants des ménages répondants.", Person, M::Occ18To24, M::Persons, "age_occupants"),
    share("part_occupants_25_39", "Occupants de 25 à 39 ans (%)", "Occupants de 25 à 39 ans, en % des occupants des ménages répondants.", Person, M::Occ25To39, M::Persons, "age_occupants"),
    share("part_occupants_40_59", "Occupants de 40 à 59 ans (%)", "Occupants de 40 à 59 ans, en % des occupants des ménages répondants.", Person, M::Occ40To59, M::Persons, "age_occupants"),
    share("part_occupants_60_74", "Occupants de 60 à 74 ans (%)", "Occupants de 60 à 74 ans, en % des occupants des ménages répondants.", Person, M::Occ60To74, M::Persons, "age_occupants"),
    share("part_occupants_75_plus", "Occupants de 75 ans ou plus (%)", "Occupants de 75 ans ou plus, en % des occupants des ménages répondants.", Person, M::Occ75Plus, M::Persons, "age_occupants"),
    share("part_rev_moins_20", "Ressources < 20 % du plafond PLUS (%)", "Ménages dont les ressources sont inférieures à 20 % du plafond PLUS, en % des répondants aux ressources connues.", Household, M::IncomeLt20, M::IncomeKnown, "ressources"),
    share("part_rev_20_40", "Ressources de 20 à 40 % du plafond PLUS (%)", "Ressources de 20 % (inclus) à 40 % (exclu) du plafond PLUS, en % des répondants aux ressources connues.", Household, M::Income20To40, M::IncomeKnown, "ressources"),
    share("part_rev_40_60", "Ressources de 40 à 60 % du plafond PLUS (%)", "Ressources de 40 % (inclus) à 60 % (exclu) du plafond PLUS, en % des répondants aux ressources connues.", Household, M::Income40To60, M::IncomeKnown, "ressources"),
    share("part_rev_60_100", "Ressources de 60 à 100 % du plafond PLUS (%)", "Ressources de 60 % (inclus) à 100 % (exclu) du plafond PLUS, en % des répondants aux ressources connues.", Household, M::Income60To100, M::IncomeKnown, "ressources"),
    share("part_rev_100_plus", "Ressources ≥ 100 % du plafond PLUS (%)", "Ressources égales ou supérieures au plafond PLUS, en % des répondants aux ressources connues.", Household, M::IncomeGe100, M::IncomeKnown, "ressources"),
    share("part_apl", "Bénéficiaires de l'APL (%)", "Ménages percevant l'aide personnalisée au logement, en % des répondants ayant renseigné la question.", Household, M::AplYes, M::AplKnown, "apl"),
    share("part_emploi_stable", "Adultes en emploi stable (%)", "Occupants de 18 ans ou plus en emploi stable (CDI, fonctionnaire, indépendant), en % des adultes des ménages répondants dont la situation est connue.", Adult, M::EmpStable, M::EmpKnown, "emploi"),
    share("part_emploi_precaire", "Adultes en emploi précaire (%)", "Adultes en emploi précaire (CDD, intérim, contrat aidé, apprentissage), en % des adultes dont la situation est connue.", Adult, M::EmpPrecarious, M::EmpKnown, "emploi"),
    share("part_chomeurs", "Adultes au chômage (%)", "Adultes chômeurs ou demandeurs d'emploi, en % des adultes dont la situation est connue.", Adult, M::EmpUnemployed, M::EmpKnown, "emploi"),
    share("part_sans_emploi", "Adultes sans emploi (%)", "Adultes sans emploi et ne cherchant pas d'emploi (hors chômage, hors retraite, hors études), en % des adultes dont la situation est connue.", Adult, M::EmpNoEmployment, M::EmpKnown, "emploi"),
    share("part_retraites", "Adultes retraités (%)", "Adultes retraités, en % des adultes dont la situation est connue.", Adult, M::EmpRetired, M::EmpKnown, "emploi"),
    share("part_etudiants", "Adultes étudiants (%)", "Adultes étudiants (sixième situation de l'enquête, publiée pour que la distribution soit complète), en % des adultes dont la situation est connue.", Adult, M::EmpStudent, M::EmpKnown, "emploi"),
];

//! Fixed vocabularies of the fictional métropole: communes, IRIS, QPV, QVA, landlords, street
//! types and street names, plus the text helpers that derive the RPLS and AFNOR spellings.

use unicode_normalization::UnicodeNormalization;

/// One commune of the fictional métropole.
pub struct CommuneName {
    pub code: &'static str,
    pub name: &'static str,
    pub postcode: &'static str,
}

/// The twelve communes; `00001` is the central city.
pub const COMMUNES: [CommuneName; 12] = [
    c("00001", "Valdoré", "00100"),
    c("00002", "Saint-Aubin-des-Vignes", "00105"),
    c("00003", "Chanteraine", "00110"),
    c("00004", "Fontclaire-sur-Tille", "00115"),
    c("00005", "Marvigny-le-Haut", "00120"),
    c("00006", "Belleroche", "00125"),
    c("00007", "Roncelles", "00130"),
    c("00008", "Sainte-Orbane", "00135"),
    c("00009", "Courtaval-sur-Ouche", "00140"),
    c("00010", "Les Essarts-Verts", "00145"),
    c("00011", "Montvailly", "00150"),
    c("00012", "Prélonges", "00155"),
];

const fn c(code: &'static str, name: &'static str, postcode: &'static str) -> CommuneName {
    CommuneName {
        code,
        name,
        postcode,
    }
}

pub const EPCI_CODE: &str = "000000001";
pub const EPCI_NAME: &str = "Métropole fictive de Valdoré";
pub const DEPARTEMENT_CODE: &str = "00";
pub const DEPARTEMENT_NAME: &str = "Département fictif";
pub const REGION_CODE: &str = "00";
pub const REGION_NAME: &str = "Région fictive";

/// IRIS of the central city: 4 in the core, 9 in the middle ring, 12 in the outer ring, with
/// their IRIS type (H habitat, A activité, D divers).
pub const CITY_IRIS: [(&str, char); 25] = [
    ("Cœur de Ville", 'H'),
    ("Les Halles", 'H'),
    ("Quartier du Palais", 'H'),
    ("Place d'Armes", 'H'),
    ("Les Tanneries", 'H'),
    ("Champ-Fleuri", 'H'),
    ("Saint-Martin", 'H'),
    ("La Maladière", 'H'),
    ("Les Bruyères", 'H'),
    ("Bel-Air", 'H'),
    ("Les Rosiers", 'H'),
    ("Port du Canal", 'H'),
    ("La Colombière", 'H'),
    ("Les Grands Prés", 'H'),
    ("Val d'Ouche", 'H'),
    ("Les Perrières", 'H'),
    ("Le Pré-Joly", 'H'),
    ("Zone d'activités des Charmes", 'A'),
    ("Les Sablons", 'H'),
    ("Parc de la Combe", 'D'),
    ("La Fontaine aux Loups", 'H'),
    ("Les Marcs d'Or", 'H'),
    ("Le Clos Morin", 'H'),
    ("Les Violettes", 'H'),
    ("Les Chênes", 'H'),
];

/// IRIS of the two mid-size communes (`00002`: 3, `00009`: 2).
pub const IRIS_00002: [(&str, char); 3] = [
    ("Centre-Bourg", 'H'),
    ("Le Bourg Neuf", 'H'),
    ("Les Coteaux", 'A'),
];
pub const IRIS_00009: [(&str, char); 2] = [("Courtaval Centre", 'H'), ("Les Prairies", 'H')];

pub const QPV_NAMES: [&str; 5] = [
    "Les Hauts de Valdoré",
    "La Croix des Sablons",
    "Le Mail Fleuri",
    "Les Coteaux Sud",
    "Le Belvédère",
];
pub const QVA_NAMES: [&str; 2] = ["Les Tanneries Est", "Courtaval Les Vernes"];

/// The five landlords of annexe 1 of the convention, with fictional `IDENT_ORG` codes.
pub const LANDLORDS: [(&str, &str); 5] = [
    ("000000101", "Orvitis"),
    ("000000102", "Habellis"),
    ("000000103", "Grand Dijon Habitat"),
    ("000000104", "CDC Habitat Social"),
    ("000000105", "ICF Habitat Sud-Est Méditerranée"),
];

/// Kinds of names a street type takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Person,
    Nature,
    Civic,
    Town,
}

/// A street type: BAN spelling, RPLS abbreviation, RPLS full word, and the names it takes.
pub struct StreetType {
    pub full: &'static str,
    pub abbr: &'static str,
    pub word: &'static str,
    pub weight: u32,
    pub kinds: &'static [NameKind],
}

use NameKind::*;

pub const STREET_TYPES: [StreetType; 13] = [
    st("Rue", "R", "RUE", 44, &[Person, Nature, Civic]),
    st("Avenue", "AV", "AVENUE", 10, &[Person, Town]),
    st("Boulevard", "BD", "BOULEVARD", 4, &[Person, Civic]),
    st("Allée", "ALL", "ALLEE", 10, &[Nature]),
    st("Impasse", "IMP", "IMPASSE", 8, &[Nature, Person]),
    st("Place", "PL", "PLACE", 3, &[Civic, Person]),
    st("Chemin", "CHE", "CHEMIN", 7, &[Nature, Civic]),
    st("Route", "RTE", "ROUTE", 4, &[Town]),
    st("Quai", "QU", "QUAI", 2, &[Person]),
    st("Faubourg", "FG", "FAUBOURG", 2, &[Town]),
    st("Square", "SQ", "SQUARE", 2, &[Person, Nature]),
    st("Cours", "CRS", "COURS", 1, &[Person]),
    st("Passage", "PAS", "PASSAGE", 2, &[Person, Nature]),
];

const fn st(
    full: &'static str,
    abbr: &'static str,
    word: &'static str,
    weight: u32,
    kinds: &'static [NameKind],
) -> StreetType {
    StreetType {
        full,
        abbr,
        word,
        weight,
        kinds,
    }
}

/// Street names without a type (RPLS `TYPVOIE` 99): prefix + a nature name.
pub const UNTYPED_PREFIXES: [&str; 4] = ["Le Clos", "Le Hameau", "Les Hauts", "Le Domaine"];

/// Qualifiers appended when a commune runs out of distinct street names (very large sets).
pub const QUALIFIERS: [&str; 7] = ["Prolongée", "Haute", "Basse", "Nord", "Sud", "Est", "Ouest"];

pub const PERSONS: &[&str] = &[
    "Victor Hugo",
    "Jean Jaurès",
    "Louis Pasteur",
    "Gambetta",
    "Émile Zola",
    "Jules Ferry",
    "Anatole France",
    "Paul Bert",
    "George Sand",
    "Colette",
    "Gustave Eiffel",
    "Marie Curie",
    "Jean Moulin",
    "du Général de Gaulle",
    "du Maréchal Leclerc",
    "Clément Ader",
    "Hélène Boucher",
    "Gérard Philipe",
    "André Malraux",
    "Honoré de Balzac",
    "Alphonse Daudet",
    "Jean Racine",
    "Molière",
    "Voltaire",
    "Jean de la Fontaine",
    "Lamartine",
    "Alfred de Vigny",
    "Georges Brassens",
    "Édith Piaf",
    "Albert Camus",
    "Arthur Rimbaud",
    "Paul Verlaine",
    "Charles Péguy",
    "Louise Michel",
    "Olympe de Gouges",
    "Simone Veil",
    "Pierre Mendès France",
    "Léon Blum",
    "Aristide Briand",
    "Jules Verne",
    "Hector Berlioz",
    "Claude Debussy",
    "Maurice Ravel",
    "Gustave Courbet",
    "Auguste Renoir",
    "Henri Matisse",
    "Paul Cézanne",
    "Eugène Delacroix",
    "Antoine de Saint Exupéry",
    "Jean Mermoz",
    "Roland Garros",
    "Nicéphore Niépce",
    "Gaspard Monge",
    "Lazare Carnot",
    "Sadi Carnot",
    "François Rude",
    "Jean Monnet",
    "Robert Schuman",
    "Marcel Pagnol",
    "Jacques Prévert",
    "Boris Vian",
    "Irène Joliot Curie",
    "Berthe Morisot",
    "Camille Claudel",
];

pub const NATURE: &[&str] = &[
    "des Tilleuls",
    "des Lilas",
    "du Moulin",
    "des Acacias",
    "des Peupliers",
    "de la Fontaine",
    "des Vignes",
    "du Lavoir",
    "des Jardins",
    "des Rosiers",
    "du Parc",
    "de la Forge",
    "des Glycines",
    "des Cerisiers",
    "du Puits",
    "de la Source",
    "des Prés",
    "des Charmilles",
    "des Noyers",
    "du Canal",
    "de la Croix",
    "des Chênes",
    "des Bleuets",
    "des Coquelicots",
    "du Verger",
    "des Alouettes",
    "des Mésanges",
    "du Bief",
    "des Carrières",
    "de la Combe",
    "des Genêts",
    "des Saules",
    "du Clos",
    "des Marronniers",
    "des Aubépines",
    "des Églantiers",
    "des Fauvettes",
    "des Hirondelles",
    "des Pâquerettes",
    "des Primevères",
    "des Violettes",
    "des Jonquilles",
    "du Coteau",
    "des Vergers",
    "du Bois Joli",
    "de la Garenne",
    "des Sorbiers",
    "des Érables",
    "des Platanes",
    "des Bouleaux",
    "des Mûriers",
    "du Pré Vert",
    "de la Prairie",
    "des Roseaux",
    "des Tournesols",
];

pub const CIVIC: &[&str] = &[
    "de la Gare",
    "de la Libération",
    "de la République",
    "des Écoles",
    "du Stade",
    "du Château",
    "de la Paix",
    "du Marché",
    "de la Mairie",
    "du Onze Novembre",
    "du Huit Mai",
    "de la Poste",
    "du Commerce",
    "de la Résistance",
    "de la Concorde",
    "de la Solidarité",
    "des Anciens Combattants",
    "de la Liberté",
    "du Souvenir",
    "de la Fraternité",
];

pub const TOWNS: &[&str] = &[
    "de Beaune",
    "de Langres",
    "de Gray",
    "de Dole",
    "de Seurre",
    "de Nuits",
    "de Mirebeau",
    "de Troyes",
    "de Chalon",
    "de Genlis",
    "de Paris",
    "de Lyon",
    "de Besançon",
    "de Tonnerre",
    "de Plombières",
];

/// Names of streets absent from the BAN (recent programmes on streets not yet addressed).
pub const NEW_STREET_NAMES: &[&str] = &[
    "des Jardins Neufs",
    "du Nouveau Quartier",
    "des Terrasses du Parc",
    "des Hauts Vergers",
    "du Clos Neuf",
    "des Ateliers",
    "de la Passerelle",
    "des Vignes Nouvelles",
];

pub fn names_of(kind: NameKind) -> &'static [&'static str] {
    match kind {
        Person => PERSONS,
        Nature => NATURE,
        Civic => CIVIC,
        Town => TOWNS,
    }
}

/// Upper case without accents, as RPLS and AFNOR spell names (`œ` → `OE`). Apostrophes and
/// hyphens are kept; callers replace them when needed.
pub fn upper_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.nfd() {
        match ch {
            'œ' | 'Œ' => out.push_str("OE"),
            'æ' | 'Æ' => out.push_str("AE"),
            c if unicode_normalization::char::is_combining_mark(c) => {}
            c => out.extend(c.to_uppercase()),
        }
    }
    out
}

/// AFNOR-style label: upper case, no accents, apostrophes and hyphens as spaces.
pub fn afnor(s: &str) -> String {
    upper_ascii(s)
        .chars()
        .map(|c| if c == '\'' || c == '-' { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_ascii_strips_accents() {
        assert_eq!(upper_ascii("de la Libération"), "DE LA LIBERATION");
        assert_eq!(upper_ascii("Cœur de Ville"), "COEUR DE VILLE");
        assert_eq!(afnor("Saint-Aubin-des-Vignes"), "SAINT AUBIN DES VIGNES");
    }

    #[test]
    fn street_names_have_plain_rpls_spelling() {
        // RPLS NOMVOIE must be matchable after removing case and accents only.
        for list in [PERSONS, NATURE, CIVIC, TOWNS, NEW_STREET_NAMES] {
            for n in list {
                let u = upper_ascii(n);
                assert!(
                    u.chars().all(|c| c.is_ascii_uppercase() || c == ' '),
                    "{n} → {u}"
                );
            }
        }
    }

    #[test]
    fn landlord_names_need_windows_1252() {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(LANDLORDS[4].1);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err());
    }
}

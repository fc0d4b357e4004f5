//! Fictional French place names for the national profile: communes built from a stem and an
//! ending, sometimes a saint's name or a river, unique across the country.

use std::collections::BTreeSet;

use rand::Rng;

const STEMS: &[&str] = &[
    "Bel", "Mont", "Ver", "Champ", "Roche", "Val", "Fon", "Beau", "Cour", "Ar", "Bour", "Char",
    "Lan", "Sau", "Mar", "Pont", "Bré", "Cha", "Gar", "Mor", "Vil", "Ros", "Aub", "Bois", "Cler",
    "Fré", "Gri", "Lor", "Mai", "Neu", "Per", "Qui", "Ril", "Sel", "Tor", "Vau", "Esc", "Aig",
    "Bar", "Cas", "Dam", "Ép", "Fal", "Gou", "Hau", "Jar", "Lou", "Mes", "Nor", "Or", "Pra", "Ren",
    "Sal", "Tal", "Ur", "Vic", "Ba", "Co", "Lé", "Mi",
];

const ENDINGS: &[&str] = &[
    "ville", "court", "ac", "ay", "igny", "ans", "eux", "in", "on", "y", "ières", "elles", "ange",
    "heim", "ec", "ignac", "ey", "ieu", "at", "oux", "euil", "ouse", "ard", "enne", "ot", "as",
    "ès", "ourt", "mont", "val",
];

const SAINTS: &[&str] = &[
    "Saint-Martin",
    "Saint-Jean",
    "Saint-Pierre",
    "Saint-Germain",
    "Sainte-Marie",
    "Saint-Laurent",
    "Saint-Hilaire",
    "Sainte-Colombe",
    "Saint-Julien",
    "Saint-Denis",
];

const RIVERS: &[&str] = &[
    "Loire", "Saône", "Marne", "Seine", "Meuse", "Vienne", "Dordogne", "Oise", "Aisne", "Lot",
    "Tarn", "Garonne", "Rhône", "Allier", "Cher", "Yonne", "Aube", "Orne", "Sarthe", "Isère",
];

const LINKS: &[&str] = &["-sur-", "-en-", "-lès-", "-le-", "-la-"];

const IRIS_PARTS: &[&str] = &[
    "Centre",
    "Gare",
    "Les Prés",
    "Le Moulin",
    "Les Vignes",
    "La Croix",
    "Le Port",
    "Les Hauts",
    "Le Parc",
    "Les Rives",
    "Le Stade",
    "La Plaine",
    "Le Faubourg",
    "Les Jardins",
    "La Fontaine",
];

fn stem_name<R: Rng>(rng: &mut R) -> String {
    let mut s = STEMS[rng.gen_range(0..STEMS.len())].to_string();
    if rng.gen::<f64>() < 0.35 {
        s.push_str(&STEMS[rng.gen_range(0..STEMS.len())].to_lowercase());
    }
    s.push_str(ENDINGS[rng.gen_range(0..ENDINGS.len())]);
    s
}

/// A commune name not in `used` (which it joins).
pub fn commune_name<R: Rng>(rng: &mut R, used: &mut BTreeSet<String>) -> String {
    loop {
        let u = rng.gen::<f64>();
        let name = if u < 0.12 {
            format!(
                "{}{}{}",
                SAINTS[rng.gen_range(0..SAINTS.len())],
                if rng.gen::<bool>() { "-de-" } else { "-en-" },
                stem_name(rng)
            )
        } else if u < 0.3 {
            let link = LINKS[rng.gen_range(0..LINKS.len())];
            let tail = if link == "-sur-" || link == "-en-" {
                RIVERS[rng.gen_range(0..RIVERS.len())].to_string()
            } else {
                stem_name(rng)
            };
            format!("{}{link}{tail}", stem_name(rng))
        } else {
            stem_name(rng)
        };
        if used.insert(name.clone()) {
            return name;
        }
    }
}

/// Name of IRIS `k` of commune `commune`.
pub fn iris_name<R: Rng>(commune: &str, k: usize, rng: &mut R) -> String {
    let part = IRIS_PARTS[rng.gen_range(0..IRIS_PARTS.len())];
    format!("{commune} {part} {}", k + 1)
}

/// « de X » / « d'X » for an EPCI name.
pub fn of_place(name: &str) -> String {
    match name.chars().next() {
        Some(c) if "AEIOUYÉÈ".contains(c) => format!("d'{name}"),
        _ => format!("de {name}"),
    }
}

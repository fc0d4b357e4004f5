//! What an RPLS street field carries besides the street: postal and building noise, a lieu-dit,
//! a house number typed into the name. Applied to the query side only (BAN names are clean).
//!
//! Rules, on the folded text of `TYPVOIE NOMVOIE` ([`super::fold`]):
//! 1. postal noise: `CEDEX` and everything after it; `BP`, `CS`, `TSA` followed by a number;
//! 2. building noise: `BATIMENT`, `BAT`, `ESCALIER`, `ESC`, `APPARTEMENT`, `APPT`, `APT`,
//!    `ETAGE`, `LOGEMENT`, `LOGT`, `PORTE` followed by a short designation (at most 3
//!    characters, or holding a digit), unless the word follows an article (`RUE DU BAT
//!    D'ARGENT` is a street of Lyon);
//! 3. lieu-dit: `LIEU DIT`, `LIEUDIT` or `LD` after a street name starts the lieu-dit: the street
//!    is what comes before, the lieu-dit what comes after (a leading `LIEU DIT` is a street type
//!    of its own, see [`super::normalize_street`]);
//! 4. number typed into the name: when the house number is empty and the field starts with a
//!    number (with an optional index: `12B`, `12 BIS`) followed by a street type, the number
//!    is taken out (`12 RUE PIRON`); `RUE DU 8 MAI 1945` keeps its number.

use super::street::leading_type_len;
use super::{fold, normalize_index, RepIndex};

/// The street part of an RPLS address, cleaned.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StreetField {
    /// Folded `TYPVOIE NOMVOIE` without noise (type still in front when there was one).
    pub street: String,
    /// Lieu-dit found inside the field.
    pub locality: Option<String>,
    /// House number found at the start of the field (only when the number field is empty).
    pub number: Option<u32>,
    pub index: Option<RepIndex>,
}

const BUILDING: [&str; 11] = [
    "BATIMENT",
    "BAT",
    "ESCALIER",
    "ESC",
    "APPARTEMENT",
    "APPT",
    "APT",
    "ETAGE",
    "LOGEMENT",
    "LOGT",
    "PORTE",
];

fn is_article(t: &str) -> bool {
    matches!(t, "DE" | "DU" | "DES" | "D" | "L" | "LA" | "LE" | "LES")
}

fn is_number(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

fn is_designation(t: &str) -> bool {
    t.len() <= 3 || t.bytes().any(|b| b.is_ascii_digit())
}

/// A number (with its index) at the start of `tokens` followed by a street type: the number,
/// the index and how many tokens they take.
fn leading_number(tokens: &[&str]) -> Option<(u32, Option<RepIndex>, usize)> {
    let first = tokens.first()?;
    let digits = first.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let number: u32 = first[..digits].parse().ok()?;
    let index_of = |t: &str| normalize_index(t).filter(|i| !matches!(i, RepIndex::Other(_)));
    let typed = |skip: usize| leading_type_len(&tokens[skip.min(tokens.len())..]).is_some();
    let attached = &first[digits..];
    if !attached.is_empty() {
        let index = index_of(attached)?;
        return typed(1).then_some((number, Some(index), 1));
    }
    // `12 BIS RUE …`, else `12 RUE …`
    if let Some(index) = tokens.get(1).and_then(|t| index_of(t)) {
        if typed(2) {
            return Some((number, Some(index), 2));
        }
    }
    typed(1).then_some((number, None, 1))
}

/// Cleans `TYPVOIE` + `NOMVOIE`; `number_is_empty` says whether `NUMVOIE` was empty (rule 4).
///
/// ```
/// use opsgeo::geocode::normalize::clean_street_field;
/// let f = clean_street_field("R", "PIRON BAT C CEDEX 9", false);
/// assert_eq!(f.street, "R PIRON");
/// ```
pub fn clean_street_field(typvoie: &str, nomvoie: &str, number_is_empty: bool) -> StreetField {
    let typvoie = if typvoie.trim() == "99" { "" } else { typvoie };
    let folded = fold(&format!("{typvoie} {nomvoie}"));
    let mut tokens: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
    let mut out = StreetField::default();

    // 1. postal noise
    if let Some(i) = tokens.iter().position(|&t| t == "CEDEX") {
        tokens.truncate(i);
    }
    let mut kept: Vec<&str> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        let next = tokens.get(i + 1).copied();
        let postal = matches!(t, "BP" | "CS" | "TSA") && next.is_some_and(is_number);
        // 2. building noise
        let building = BUILDING.contains(&t)
            && next.is_some_and(is_designation)
            && !kept.last().is_some_and(|p| is_article(p))
            && i > 0;
        if postal || building {
            i += 2;
            continue;
        }
        kept.push(t);
        i += 1;
    }

    // 3. lieu-dit after a street name
    let ld = kept.iter().enumerate().skip(1).find_map(|(i, &t)| match t {
        "LIEUDIT" | "LD" => Some((i, 1)),
        "LIEU" if kept.get(i + 1) == Some(&"DIT") => Some((i, 2)),
        _ => None,
    });
    if let Some((i, n)) = ld {
        let locality = kept[i + n..].join(" ");
        if !locality.is_empty() {
            out.locality = Some(locality);
        }
        kept.truncate(i);
    }

    // 4. number typed into the name
    if number_is_empty {
        if let Some((number, index, skip)) = leading_number(&kept) {
            out.number = Some(number);
            out.index = index;
            kept.drain(..skip);
        }
    }
    out.street = kept.join(" ");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn street(t: &str, n: &str) -> String {
        clean_street_field(t, n, false).street
    }

    #[test]
    fn postal_noise_is_removed() {
        assert_eq!(street("R", "PIRON CEDEX 9"), "R PIRON");
        assert_eq!(street("", "RUE PIRON CEDEX"), "RUE PIRON");
        assert_eq!(street("R", "PIRON BP 123"), "R PIRON");
        assert_eq!(street("AV", "JEAN JAURES CS 71234"), "AV JEAN JAURES");
        assert_eq!(street("R", "PIRON TSA 3"), "R PIRON");
        // BP not followed by a number is a word
        assert_eq!(street("R", "DU BP"), "R DU BP");
    }

    #[test]
    fn building_noise_is_removed() {
        assert_eq!(street("R", "PIRON BAT C"), "R PIRON");
        assert_eq!(street("R", "PIRON BATIMENT 12 ESC 3"), "R PIRON");
        assert_eq!(street("R", "PIRON APPT 12"), "R PIRON");
        assert_eq!(street("", "RUE PIRON ETAGE 2 PORTE B"), "RUE PIRON");
        // after an article: part of the name
        assert_eq!(street("R", "DU BAT D'ARGENT"), "R DU BAT D ARGENT");
        // not a short designation: part of the name
        assert_eq!(
            street("R", "DE L ESCALIER MONUMENTAL"),
            "R DE L ESCALIER MONUMENTAL"
        );
    }

    #[test]
    fn lieu_dit_after_the_street_is_split_off() {
        let f = clean_street_field("CHE", "DES VIGNES LIEU DIT LES PRES", false);
        assert_eq!(f.street, "CHE DES VIGNES");
        assert_eq!(f.locality.as_deref(), Some("LES PRES"));
        let f = clean_street_field("", "ROUTE DE BEAUNE LD LA COMBE", false);
        assert_eq!(f.street, "ROUTE DE BEAUNE");
        assert_eq!(f.locality.as_deref(), Some("LA COMBE"));
        let f = clean_street_field("", "RUE PIRON LIEUDIT", false);
        assert_eq!((f.street.as_str(), f.locality), ("RUE PIRON", None));
        // leading: left to the street type rule
        assert_eq!(street("", "LIEU-DIT LES PRES"), "LIEU DIT LES PRES");
    }

    #[test]
    fn number_typed_into_the_name() {
        let f = clean_street_field("", "12 RUE PIRON", true);
        assert_eq!(
            (f.number, f.index, f.street.as_str()),
            (Some(12), None, "RUE PIRON")
        );
        let f = clean_street_field("", "12B RUE PIRON", true);
        assert_eq!((f.number, f.index), (Some(12), Some(RepIndex::Bis)));
        let f = clean_street_field("", "0012 BIS AV FOCH", true);
        assert_eq!(
            (f.number, f.index, f.street.as_str()),
            (Some(12), Some(RepIndex::Bis), "AV FOCH")
        );
        // a number that belongs to the name
        let f = clean_street_field("R", "DU 8 MAI 1945", true);
        assert_eq!((f.number, f.street.as_str()), (None, "R DU 8 MAI 1945"));
        let f = clean_street_field("", "8 MAI 1945", true);
        assert_eq!(f.number, None);
        // the number field was filled: nothing taken
        let f = clean_street_field("", "12 RUE PIRON", false);
        assert_eq!((f.number, f.street.as_str()), (None, "12 RUE PIRON"));
    }

    #[test]
    fn sentinel_type_is_dropped() {
        assert_eq!(street("99", "RUE PIRON"), "RUE PIRON");
    }
}

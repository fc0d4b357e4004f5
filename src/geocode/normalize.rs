//! French address normalisation.
//!
//! Both sides of a match — the RPLS query and the BAN reference — go through the same functions,
//! so a rule only has to make two spellings of one address equal, never "correct" a spelling.
//!
//! * [`fold`]: upper case, accents removed (`é`→`E`, `ç`→`C`), ligatures expanded (`œ`→`OE`,
//!   `æ`→`AE`, `ß`→`SS`), every character that is not a letter or a digit (punctuation,
//!   apostrophes, hyphens) turned into a space, spaces collapsed.
//! * [`normalize_street`]: the matching key of a street (canonical street type + name), see
//!   [`street`] for the rules (street types, titles, ordinals, articles).
//! * [`normalize_number`] / [`split_number`]: house numbers without leading zeros.
//! * [`normalize_index`]: repetition index (`B`/`BIS`, `T`/`TER`…), INDREP `9` = none.
//! * [`clean_street_field`]: RPLS-only noise in the street field (CEDEX, BP, building and
//!   apartment designations, a lieu-dit after the street, a number typed into the name);
//! * [`normalize_commune`]: commune names without `CEDEX` and trailing digits.
//! * [`normalize_insee`]: INSEE commune codes (5 characters, Corsica `2A`/`2B`).

mod noise;
mod street;

use std::fmt;

pub use crate::text::fold;
pub use noise::{clean_street_field, StreetField};
pub use street::{abbreviate_titles, normalize_street, StreetKey, StreetType};

/// A house number: `"0048"` → 48. `None` when empty or not only digits (see [`split_number`]
/// for numbers carrying their index, like `12B`).
pub fn normalize_number(numvoie: &str) -> Option<u32> {
    let s = numvoie.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = s.trim_start_matches('0');
    if digits.is_empty() {
        return Some(0);
    }
    digits.parse().ok()
}

/// A house number that may carry its repetition index: `"12B"`, `"12 bis"`, `"0012"`.
/// Whatever follows the leading digits is read as an index when it is one, and ignored
/// otherwise (`"12-14"` → 12).
pub fn split_number(numvoie: &str) -> (Option<u32>, Option<RepIndex>) {
    let s = numvoie.trim();
    let end = s
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    let number = normalize_number(&s[..end]);
    if number.is_none() {
        return (None, None);
    }
    let index = normalize_index(&s[end..]).filter(|i| !matches!(i, RepIndex::Other(_)));
    (number, index)
}

/// Repetition index of a house number, in canonical form.
///
/// The RPLS codes `B`, `T`, `Q`, `C` and the words `BIS`, `TER`, `QUATER`, `QUINQUIES` are the
/// same index; any other single letter is a letter index. BAN writes `bis`, `ter`, `a`, `b`…:
/// a BAN `b` and a BAN `bis` are therefore the same index, which is what RPLS files mean by `B`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RepIndex {
    Bis,
    Ter,
    Quater,
    Quinquies,
    /// Any other letter `A`–`Z`.
    Letter(char),
    /// Anything else (`A1`, `BIS A`…), folded.
    Other(String),
}

impl fmt::Display for RepIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RepIndex::Bis => f.write_str("BIS"),
            RepIndex::Ter => f.write_str("TER"),
            RepIndex::Quater => f.write_str("QUATER"),
            RepIndex::Quinquies => f.write_str("QUINQUIES"),
            RepIndex::Letter(c) => write!(f, "{c}"),
            RepIndex::Other(s) => f.write_str(s),
        }
    }
}

/// Repetition index: `"B"`/`"bis"` → [`RepIndex::Bis`], `"a"` → `Letter('A')`; empty and the
/// RPLS sentinel `9` → `None`.
pub fn normalize_index(indrep: &str) -> Option<RepIndex> {
    let f = fold(indrep);
    Some(match f.as_str() {
        "" | "9" => return None,
        "B" | "BIS" => RepIndex::Bis,
        "T" | "TER" => RepIndex::Ter,
        "Q" | "QUATER" | "QUA" => RepIndex::Quater,
        "C" | "QUINQUIES" | "QUIN" => RepIndex::Quinquies,
        s if s.len() == 1 && s.as_bytes()[0].is_ascii_uppercase() => {
            RepIndex::Letter(s.as_bytes()[0] as char)
        }
        _ => RepIndex::Other(f),
    })
}

/// Commune name for display or comparison: folded, `CEDEX` and everything after it removed,
/// trailing numbers removed, `ST`/`STE` spelt out: `"Dijon Cedex 9"` → `"DIJON"`.
pub fn normalize_commune(name: &str) -> String {
    let folded = fold(name);
    let mut tokens: Vec<&str> = Vec::new();
    for t in folded.split(' ') {
        if t == "CEDEX" {
            break;
        }
        tokens.push(match t {
            "ST" => "SAINT",
            "STE" => "SAINTE",
            _ => t,
        });
    }
    while tokens
        .last()
        .is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit()))
    {
        tokens.pop();
    }
    tokens.join(" ")
}

/// INSEE commune code: trimmed, upper case, a 4-digit code gets back its leading zero
/// (spreadsheets drop it: `1001` → `01001`). `None` when it is not 5 digits or a Corsican
/// `2A`/`2B` code.
pub fn normalize_insee(code: &str) -> Option<String> {
    let c = code.trim().to_ascii_uppercase();
    let c = if c.len() == 4 && c.bytes().all(|b| b.is_ascii_digit()) {
        format!("0{c}")
    } else {
        c
    };
    let b = c.as_bytes();
    let ok = b.len() == 5
        && (b[..2].iter().all(u8::is_ascii_digit) || &b[..2] == b"2A" || &b[..2] == b"2B")
        && b[2..].iter().all(u8::is_ascii_digit);
    ok.then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_upper_cases() {
        assert_eq!(fold("rue piron"), "RUE PIRON");
    }

    #[test]
    fn fold_removes_accents() {
        assert_eq!(fold("éèêëàâäîïôöùûüÿç"), "EEEEAAAIIOOUUUYC");
        assert_eq!(fold("ÉGLISE ÇA"), "EGLISE CA");
    }

    #[test]
    fn fold_expands_ligatures() {
        assert_eq!(fold("œuvre Lætitia Œil Æ"), "OEUVRE LAETITIA OEIL AE");
    }

    #[test]
    fn fold_turns_punctuation_apostrophes_and_hyphens_into_spaces() {
        assert_eq!(fold("D'AUXONNE"), "D AUXONNE");
        assert_eq!(fold("l’Ouche"), "L OUCHE");
        assert_eq!(fold("Jean-Jacques"), "JEAN JACQUES");
        assert_eq!(fold("St.-Michel, (bis)"), "ST MICHEL BIS");
    }

    #[test]
    fn fold_collapses_and_trims_spaces() {
        assert_eq!(fold("  rue \t  du   Bourg  "), "RUE DU BOURG");
        assert_eq!(fold("  -- "), "");
    }

    #[test]
    fn number_leading_zeros() {
        assert_eq!(normalize_number("0048"), Some(48));
        assert_eq!(normalize_number(" 7 "), Some(7));
        assert_eq!(normalize_number("0"), Some(0));
        assert_eq!(normalize_number("000"), Some(0));
        assert_eq!(normalize_number(""), None);
        assert_eq!(normalize_number("12B"), None);
        assert_eq!(normalize_number("-3"), None);
        assert_eq!(normalize_number("99999999999"), None);
    }

    #[test]
    fn number_with_index_attached() {
        assert_eq!(split_number("12B"), (Some(12), Some(RepIndex::Bis)));
        assert_eq!(split_number("0012 ter"), (Some(12), Some(RepIndex::Ter)));
        assert_eq!(split_number("12"), (Some(12), None));
        assert_eq!(split_number("12-14"), (Some(12), None));
        assert_eq!(split_number("B"), (None, None));
        assert_eq!(split_number(""), (None, None));
    }

    #[test]
    fn index_words_and_codes() {
        assert_eq!(normalize_index("B"), Some(RepIndex::Bis));
        assert_eq!(normalize_index("bis"), Some(RepIndex::Bis));
        assert_eq!(normalize_index("T"), Some(RepIndex::Ter));
        assert_eq!(normalize_index("Ter"), Some(RepIndex::Ter));
        assert_eq!(normalize_index("Q"), Some(RepIndex::Quater));
        assert_eq!(normalize_index("QUATER"), Some(RepIndex::Quater));
        assert_eq!(normalize_index("C"), Some(RepIndex::Quinquies));
        assert_eq!(normalize_index("quinquies"), Some(RepIndex::Quinquies));
    }

    #[test]
    fn index_letters_and_sentinel() {
        assert_eq!(normalize_index("a"), Some(RepIndex::Letter('A')));
        assert_eq!(normalize_index("D"), Some(RepIndex::Letter('D')));
        assert_eq!(normalize_index("Z"), Some(RepIndex::Letter('Z')));
        assert_eq!(normalize_index("9"), None);
        assert_eq!(normalize_index(""), None);
        assert_eq!(normalize_index(" "), None);
        assert_eq!(normalize_index("A1"), Some(RepIndex::Other("A1".into())));
    }

    #[test]
    fn commune_cedex_and_trailing_digits() {
        assert_eq!(normalize_commune("DIJON CEDEX"), "DIJON");
        assert_eq!(normalize_commune("Dijon Cedex 9"), "DIJON");
        assert_eq!(normalize_commune("LYON 03"), "LYON");
        assert_eq!(normalize_commune("St-Apollinaire"), "SAINT APOLLINAIRE");
        assert_eq!(
            normalize_commune("Fontaine-lès-Dijon"),
            "FONTAINE LES DIJON"
        );
    }

    #[test]
    fn insee_codes() {
        assert_eq!(normalize_insee("21231"), Some("21231".into()));
        assert_eq!(normalize_insee(" 1001"), Some("01001".into()));
        assert_eq!(normalize_insee("2a004"), Some("2A004".into()));
        assert_eq!(normalize_insee("2C004"), None);
        assert_eq!(normalize_insee("212310"), None);
        assert_eq!(normalize_insee(""), None);
    }
}

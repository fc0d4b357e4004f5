//! Text folding shared by the readers (header names) and the geocoder (street names).

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Upper case, no accents, letters and digits only, single spaces, trimmed.
///
/// ```
/// use opsgeo::geocode::normalize::fold;
/// assert_eq!(fold("  Place de l'Église-Saint-Étienne "), "PLACE DE L EGLISE SAINT ETIENNE");
/// assert_eq!(fold("Cœur Ætna Façade"), "COEUR AETNA FACADE");
/// ```
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let push = |out: &mut String, c: char, pending: &mut bool| {
        if *pending && !out.is_empty() {
            out.push(' ');
        }
        *pending = false;
        out.push(c);
    };
    for c in s.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                push(&mut out, c.to_ascii_uppercase(), &mut pending_space);
            } else {
                pending_space = true;
            }
            continue;
        }
        // ligatures NFD does not decompose
        let expanded: Option<&str> = match c {
            'œ' | 'Œ' => Some("OE"),
            'æ' | 'Æ' => Some("AE"),
            'ß' => Some("SS"),
            'ø' | 'Ø' => Some("O"),
            'đ' | 'Đ' => Some("D"),
            'ł' | 'Ł' => Some("L"),
            _ => None,
        };
        if let Some(e) = expanded {
            for ch in e.chars() {
                push(&mut out, ch, &mut pending_space);
            }
            continue;
        }
        for d in std::iter::once(c).nfkd() {
            if is_combining_mark(d) {
                continue;
            }
            if d.is_ascii_alphanumeric() {
                push(&mut out, d.to_ascii_uppercase(), &mut pending_space);
            } else if d.is_alphanumeric() {
                for u in d.to_uppercase() {
                    push(&mut out, u, &mut pending_space);
                }
            } else {
                pending_space = true;
            }
        }
    }
    out
}

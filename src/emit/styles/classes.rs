//! Class breaks, labels and colours of an indicator's style, derived from the catalogue.
//!
//! Shares get fixed thresholds chosen per distribution group (or per indicator where a group
//! spans very different ranges): the same classes on every layer and in every run, so maps of
//! two years or two territories compare. Means with known thresholds (rents, surfaces) likewise.
//! Counts, whose range depends on the scale, and means without known thresholds get the
//! quartiles of the layer's own values, computed by QGIS when it draws (aggregate functions
//! `q1`, `median`, `q3`). Five (or four) classes on a colour-blind-safe sequential palette
//! (viridis, light = low), plus one hatched grey class for values under statistical secrecy.

use crate::indicators::{IndicatorDef, Kind};

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `r,g,b,255` as QGIS writes colours.
    pub fn qgis(self) -> String {
        format!("{},{},{},255", self.0, self.1, self.2)
    }
    /// `#rrggbb`.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// Viridis, reversed (light yellow for low values, dark violet for high ones), 5 classes.
const VIRIDIS_5: [Rgb; 5] = [
    Rgb(0xfd, 0xe7, 0x25),
    Rgb(0x5e, 0xc9, 0x62),
    Rgb(0x21, 0x91, 0x8c),
    Rgb(0x3b, 0x52, 0x8b),
    Rgb(0x44, 0x01, 0x54),
];

/// Viridis, reversed, 4 classes.
const VIRIDIS_4: [Rgb; 4] = [
    Rgb(0xfd, 0xe7, 0x25),
    Rgb(0x35, 0xb7, 0x79),
    Rgb(0x31, 0x68, 0x8e),
    Rgb(0x44, 0x01, 0x54),
];

/// Fill of the "secret statistique" class (under a darker grey hatch).
pub const SECRET_FILL: Rgb = Rgb(0xe0, 0xe0, 0xe0);
/// Hatch and marker colour of the "secret statistique" class.
pub const SECRET_LINE: Rgb = Rgb(0x80, 0x80, 0x80);
/// Legend label of the class of unpublished values.
pub const SECRET_LABEL: &str = "Secret statistique (valeur non publiée)";

/// How the values of an indicator are split into classes.
#[derive(Debug, Clone, PartialEq)]
pub enum Classification {
    /// Fixed ascending thresholds `t0 < t1 < …`: classes `< t0`, `[t0, t1[`, …, `≥ t_last`.
    Thresholds(Vec<f64>),
    /// The quartiles of the layer's own published values, computed by QGIS.
    Quartiles,
}

/// One class of published values.
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    /// Lower bound (inclusive); `None` = open.
    pub lower: Option<f64>,
    /// Upper bound (exclusive); `None` = open.
    pub upper: Option<f64>,
    /// QGIS expression selecting the class (the field is never NULL there).
    pub filter: String,
    /// French legend label.
    pub label: String,
    pub color: Rgb,
}

/// Fixed thresholds of an indicator, when it has some.
fn thresholds(def: &IndicatorDef) -> Option<Vec<f64>> {
    let by_field: Option<&[f64]> = match def.field {
        "part_rev_moins_20" => Some(&[5.0, 10.0, 15.0, 20.0]),
        "part_personne_seule" => Some(&[25.0, 35.0, 45.0, 55.0]),
        "loyer_moyen" => Some(&[300.0, 330.0, 360.0, 390.0]),
        "loyer_m2" => Some(&[5.0, 5.5, 6.0, 6.5]),
        "surface_moyenne" => Some(&[55.0, 60.0, 65.0, 70.0]),
        _ => None,
    };
    if let Some(t) = by_field {
        return Some(t.to_vec());
    }
    if def.kind != Kind::Share {
        return None;
    }
    let t: &[f64] = match def.group.unwrap_or("") {
        "reponse" => &[60.0, 70.0, 80.0, 90.0],
        "anciennete" => &[10.0, 15.0, 20.0, 25.0],
        "vacance" => &[2.0, 4.0, 6.0, 8.0],
        "apl" => &[20.0, 35.0, 50.0, 65.0],
        "financement" => &[10.0, 25.0, 50.0, 75.0],
        "typologie" | "composition" | "ressources" => &[10.0, 20.0, 30.0, 40.0],
        _ => &[20.0, 40.0, 60.0, 80.0],
    };
    Some(t.to_vec())
}

/// The classification of an indicator.
pub fn classification(def: &IndicatorDef) -> Classification {
    match thresholds(def) {
        Some(t) => Classification::Thresholds(t),
        None => Classification::Quartiles,
    }
}

/// Unit shown after numbers in labels: `%` for shares, the unit in the title's last
/// parentheses for means (`Loyer moyen (€/mois)` → `€/mois`), nothing for counts.
pub fn unit(def: &IndicatorDef) -> String {
    match def.kind {
        Kind::Share => "%".into(),
        Kind::Count => String::new(),
        Kind::Mean { .. } => def
            .title
            .trim_end()
            .strip_suffix(')')
            .and_then(|t| t.rsplit_once('('))
            .map(|(_, u)| u.trim().to_string())
            .unwrap_or_default(),
    }
}

/// A number in French notation: decimal comma, non-breaking thousands separator.
pub fn french_number(v: f64) -> String {
    let s = if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}").replace('.', ",")
    };
    let (int, frac) = match s.find(',') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s.as_str(), ""),
    };
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    if digits.len() <= 4 {
        return s;
    }
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}{frac}")
}

fn with_unit(v: f64, unit: &str) -> String {
    if unit.is_empty() {
        french_number(v)
    } else {
        format!("{} {unit}", french_number(v))
    }
}

/// QGIS expression quoting of a field name.
pub fn quoted(field: &str) -> String {
    format!("\"{}\"", field.replace('"', "\"\""))
}

/// The classes of published values of an indicator, lowest first.
pub fn classes(def: &IndicatorDef) -> Vec<Class> {
    let f = quoted(def.field);
    match classification(def) {
        Classification::Thresholds(t) => {
            let u = unit(def);
            let n = t.len() + 1;
            let palette: &[Rgb] = if n == 5 { &VIRIDIS_5 } else { &VIRIDIS_4 };
            debug_assert!(n == palette.len(), "thresholds give 4 or 5 classes");
            (0..n)
                .map(|i| {
                    let lower = (i > 0).then(|| t[i - 1]);
                    let upper = t.get(i).copied();
                    let (filter, label) = match (lower, upper) {
                        (None, Some(hi)) => (
                            format!("{f} < {}", super::xml::num(hi)),
                            format!("moins de {}", with_unit(hi, &u)),
                        ),
                        (Some(lo), Some(hi)) => (
                            format!(
                                "{f} >= {} AND {f} < {}",
                                super::xml::num(lo),
                                super::xml::num(hi)
                            ),
                            format!("{} à {}", french_number(lo), with_unit(hi, &u)),
                        ),
                        (Some(lo), None) => (
                            format!("{f} >= {}", super::xml::num(lo)),
                            format!("{} et plus", with_unit(lo, &u)),
                        ),
                        (None, None) => unreachable!("at least one threshold"),
                    };
                    Class {
                        lower,
                        upper,
                        filter,
                        label,
                        color: palette[i.min(palette.len() - 1)],
                    }
                })
                .collect()
        }
        Classification::Quartiles => {
            let q = |name: &str| format!("{name}({f})");
            let parts = [
                (
                    format!("{f} <= {}", q("q1")),
                    "Premier quart (valeurs les plus faibles)",
                ),
                (
                    format!("{f} > {} AND {f} <= {}", q("q1"), q("median")),
                    "Deuxième quart",
                ),
                (
                    format!("{f} > {} AND {f} <= {}", q("median"), q("q3")),
                    "Troisième quart",
                ),
                (
                    format!("{f} > {}", q("q3")),
                    "Dernier quart (valeurs les plus fortes)",
                ),
            ];
            parts
                .into_iter()
                .zip(VIRIDIS_4)
                .map(|((filter, label), color)| Class {
                    lower: None,
                    upper: None,
                    filter,
                    label: label.to_string(),
                    color,
                })
                .collect()
        }
    }
}

/// QGIS expression selecting the unpublished values (NULL in the layers).
pub fn secret_filter(def: &IndicatorDef) -> String {
    format!("{} IS NULL", quoted(def.field))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::{by_field, CATALOGUE};

    #[test]
    fn every_indicator_gets_four_or_five_classes_with_distinct_labels() {
        for d in CATALOGUE {
            let c = classes(d);
            assert!(c.len() == 4 || c.len() == 5, "{}", d.field);
            let labels: std::collections::HashSet<_> = c.iter().map(|c| &c.label).collect();
            assert_eq!(labels.len(), c.len(), "{}", d.field);
            if let Classification::Thresholds(t) = classification(d) {
                assert!(
                    t.windows(2).all(|w| w[0] < w[1]),
                    "{} not ascending",
                    d.field
                );
                if d.kind == Kind::Share {
                    assert!(t.iter().all(|v| (0.0..=100.0).contains(v)), "{}", d.field);
                }
            }
        }
    }

    #[test]
    fn shares_classes_cover_every_value_exactly_once() {
        let d = by_field("part_apl").unwrap();
        let c = classes(d);
        for v in [0.0, 19.9, 20.0, 34.99, 35.0, 64.9, 65.0, 100.0] {
            let hits = c
                .iter()
                .filter(|k| k.lower.is_none_or(|lo| v >= lo) && k.upper.is_none_or(|hi| v < hi))
                .count();
            assert_eq!(hits, 1, "{v}");
        }
        assert_eq!(c[0].label, "moins de 20 %");
        assert_eq!(c[1].label, "20 à 35 %");
        assert_eq!(c[4].label, "65 % et plus");
        assert_eq!(c[1].filter, "\"part_apl\" >= 20 AND \"part_apl\" < 35");
    }

    #[test]
    fn means_take_their_unit_from_the_title_and_counts_use_quartiles() {
        let rent = by_field("loyer_m2").unwrap();
        assert_eq!(unit(rent), "€/m²/mois");
        assert_eq!(classes(rent)[1].label, "5 à 5,5 €/m²/mois");
        let count = by_field("nb_logements").unwrap();
        assert_eq!(classification(count), Classification::Quartiles);
        assert!(classes(count)[0].filter.contains("q1(\"nb_logements\")"));
    }

    #[test]
    fn french_numbers() {
        assert_eq!(french_number(5.5), "5,5");
        assert_eq!(french_number(1200.0), "1200");
        assert_eq!(french_number(12000.0), "12\u{a0}000");
        assert_eq!(french_number(1234567.25), "1\u{a0}234\u{a0}567,25");
    }
}

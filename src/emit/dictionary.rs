//! The data dictionary (`docs/dictionnaire.md`), generated from the indicator catalogue and the
//! layer keys. A test checks the committed file is up to date; regenerate it with
//! `OPSGEO_UPDATE_DOCS=1 cargo test --lib dictionary`.

use std::fmt::Write;

use super::layers::{key_fields, layer_name, scale_plural};
use super::tidy::COLUMNS;
use super::SECRET_SUFFIX;
use crate::indicators::{Kind, CATALOGUE};
use crate::model::{Population, Scale, Split};
use crate::secrecy::Status;

fn kind_label(k: Kind) -> &'static str {
    match k {
        Kind::Count => "effectif (entier)",
        Kind::Share => "part en % (1 décimale)",
        Kind::Mean { .. } => "moyenne (2 décimales)",
    }
}

/// Renders the dictionary in French Markdown.
pub fn render() -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Dictionnaire des données opsgeo\n");
    let _ = writeln!(
        s,
        "Fichier généré depuis le catalogue des indicateurs (`src/indicators.rs`) : ne pas le modifier à la main.\n"
    );
    let _ = writeln!(s, "## Couches\n");
    let _ = writeln!(
        s,
        "Une couche par échelle et population ; les échelles région, département, EPCI et commune ont en plus les parties QPV et hors QPV. Toutes en Lambert-93 (EPSG:2154).\n"
    );
    let _ = writeln!(s, "| échelle | couches | géométrie |");
    let _ = writeln!(s, "|---|---|---|");
    for scale in Scale::ALL {
        let mut names = Vec::new();
        for p in Population::ALL {
            for sp in Split::ALL {
                if sp == Split::Tout || scale.has_qpv_split() {
                    names.push(format!("`{}`", layer_name(scale, p, sp)));
                }
            }
        }
        let geom = if scale.is_point() {
            "Point"
        } else {
            "MultiPolygon"
        };
        let _ = writeln!(s, "| {} | {} | {} |", scale.label(), names.join(", "), geom);
    }
    let _ = writeln!(s, "\n## Champs d'identification\n");
    for scale in Scale::ALL {
        let _ = writeln!(s, "### {} (`{}_*`)\n", scale.label(), scale_plural(scale));
        let _ = writeln!(s, "| champ | titre | obligatoire |");
        let _ = writeln!(s, "|---|---|---|");
        for k in key_fields(scale) {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} |",
                k.name,
                k.title,
                if k.not_null { "oui" } else { "non" }
            );
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(s, "## Indicateurs\n");
    let _ = writeln!(
        s,
        "Chaque indicateur `x` est accompagné du champ `x{SECRET_SUFFIX}` : vide quand la valeur est publiée, sinon le motif de non-publication.\n"
    );
    let _ = writeln!(
        s,
        "| champ | titre | unité | nature | populations | secret : réponse | définition |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    for d in CATALOGUE {
        let pops = if d.for_recents {
            "ensemble, récents"
        } else {
            "ensemble"
        };
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            d.field,
            d.title,
            d.unit.label(),
            kind_label(d.kind),
            pops,
            if d.survey { "oui" } else { "non" },
            d.description
        );
    }
    let _ = writeln!(s, "\n## Motifs de non-publication\n");
    let _ = writeln!(s, "| code | signification |");
    let _ = writeln!(s, "|---|---|");
    for st in Status::ALL {
        let _ = writeln!(s, "| `{}` | {} |", st.key(), st.label());
    }
    let _ = writeln!(s, "\n## Table `indicateurs` (format long)\n");
    let _ = writeln!(
        s,
        "Une ligne par valeur de chaque couche, colonnes : {}.",
        COLUMNS
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn dictionary_is_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/dictionnaire.md");
        let expected = super::render();
        if std::env::var_os("OPSGEO_UPDATE_DOCS").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "docs/dictionnaire.md is stale: run OPSGEO_UPDATE_DOCS=1 cargo test --lib dictionary"
        );
    }
}

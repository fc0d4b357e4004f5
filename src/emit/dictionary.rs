//! The data dictionary (`docs/dictionnaire.md`), generated from the indicator catalogue and the
//! layer keys. A test checks the committed file is up to date; regenerate it with
//! `cargo run -p opsgeo-dev -- regenerer`.

use std::fmt::Write;

use super::SECRET_SUFFIX;
use crate::indicators::{self, IndicatorDef, Kind, Measure, Rule, CATALOGUE};
use crate::layout::tidy::COLUMNS;
use crate::layout::{key_fields, layer_name, scale_plural};
use crate::model::{Population, Scale, Split};
use crate::secrecy::Status;

fn kind_label(k: Kind) -> &'static str {
    match k {
        Kind::Count => "effectif (entier)",
        Kind::Share => "part en % (1 décimale)",
        Kind::Mean { .. } => "moyenne (2 décimales)",
    }
}

/// How the units of a scale are identified and where the keys come from.
fn scale_source(scale: Scale) -> &'static str {
    match scale {
        Scale::Region | Scale::Departement => "Codes INSEE ; la couche couvre la partie du territoire configuré (communes de la table des EPCI) ; noms repris de la configuration.",
        Scale::Epci => "Code SIREN de la table d'appartenance des communes aux EPCI ; département et région renseignés quand toutes les communes de l'EPCI en font partie.",
        Scale::Commune => "Commune du logement : le `DEPCOM` du RPLS (la commune du point géocodé ne sert que de contrôle).",
        Scale::Qpv => "QPV dont le polygone contient le point du logement (logement localisé au moins à la voie) ; code et nom de la couche des QPV, génération dans `millesime_qpv`.",
        Scale::Qva => "QVA dont le polygone contient le logement quand une couche de QVA est configurée (géométrie MultiPolygon) ; sinon le code `PLG_QVA` du RPLS, sans géométrie ni nom.",
        Scale::Iris => "IRIS dont le polygone contient le point du logement (logement localisé au moins à la voie) ; commune de l'IRIS d'après son code.",
        Scale::Programme => "`code_programme` = `<IDENT_ORG>-<IMMEU>` du RPLS (bailleur et code immeuble) ; l'OPS est rattachée par `IDENT_REP`, son `CODE_PROGRAMME` n'est pas utilisé. Point : moyenne des logements localisés au moins à la voie. `code_commune` : commune du premier logement du programme dans le fichier RPLS (un programme sur plusieurs communes reste une seule unité).",
        Scale::Batiment => "`code_batiment` = `<code_programme>-<BAT>` (`BAT` vide → `0`). Point : moyenne des logements localisés au moins à la voie.",
        Scale::Cage => "`code_cage` = `<code_batiment>-<ESC>` (à défaut `ENTREE`, à défaut `0`). Point : moyenne des logements localisés au moins à la voie.",
    }
}

fn measure_cell(m: Option<Measure>) -> String {
    m.map_or_else(|| "—".to_string(), |m| m.label().to_string())
}

fn rules_cell(d: &IndicatorDef) -> String {
    let mut parts: Vec<String> = d.rules().iter().map(|r| r.label().to_string()).collect();
    if let (Some(g), true) = (d.group, d.rules().contains(&Rule::Hundred)) {
        if let Some(last) = parts.last_mut() {
            *last = format!("{last} (groupe `{g}`)");
        }
    }
    parts.join(" ; ")
}

/// Renders the dictionary in French Markdown.
pub fn render() -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Dictionnaire des données opsgeo\n");
    let _ = writeln!(
        s,
        "Fichier généré depuis le catalogue des indicateurs (`src/indicators/catalogue.rs`) et la définition des couches : ne pas le modifier à la main (`cargo run -p opsgeo-dev -- regenerer`). Définitions et choix détaillés : `docs/indicateurs.md`.\n"
    );
    layers_section(&mut s);
    fields_section(&mut s);
    keys_section(&mut s);
    indicators_section(&mut s);
    statuses_section(&mut s);
    review_section(&mut s);
    styles_section(&mut s);
    tidy_section(&mut s);
    s
}

/// The layers: one per scale, population and part, with their geometry.
fn layers_section(s: &mut String) {
    let _ = writeln!(s, "## Couches\n");
    let _ = writeln!(
        s,
        "Une couche par échelle et population ; les échelles région, département, EPCI et commune ont en plus les parties QPV et hors QPV (intersection avec l'union des QPV, et différence). Toutes en Lambert-93 (EPSG:2154).\n"
    );
    let _ = writeln!(s, "| échelle | couches | géométrie |");
    let _ = writeln!(s, "|---|---|---|");
    for scale in Scale::ALL {
        let names: Vec<String> = layers_of(scale)
            .map(|(p, sp)| format!("`{}`", layer_name(scale, p, sp)))
            .collect();
        let geom = if scale.is_point() {
            "Point"
        } else if scale == Scale::Qva {
            "MultiPolygon (aucune sans couche de QVA)"
        } else {
            "MultiPolygon"
        };
        let _ = writeln!(s, "| {} | {} | {} |", scale.label(), names.join(", "), geom);
    }
}

/// The fields of each layer, in order.
fn fields_section(s: &mut String) {
    let ensemble = indicators::for_population(Population::Ensemble);
    let recents = indicators::for_population(Population::Recents);
    let _ = writeln!(s, "\n## Champs de chaque couche\n");
    let _ = writeln!(
        s,
        "Dans cet ordre : `fid` (clé technique entière du GeoPackage), `geom` (géométrie ; absente des couches de QVA sans polygones), les champs d'identification de l'échelle (texte), puis, pour chaque indicateur publié pour la population, son champ de valeur suivi de son champ de motif `<indicateur>{SECRET_SUFFIX}` (texte).\n"
    );
    let _ = writeln!(s, "| couches | champs d'identification | indicateurs |");
    let _ = writeln!(s, "|---|---|---|");
    let excluded: Vec<String> = ensemble
        .iter()
        .filter(|d| !d.for_recents)
        .map(|d| format!("`{}`", d.field))
        .collect();
    for scale in Scale::ALL {
        let keys: Vec<String> = key_fields(scale)
            .iter()
            .map(|k| format!("`{}`", k.name))
            .collect();
        for p in Population::ALL {
            let names: Vec<String> = layers_of(scale)
                .filter(|&(lp, _)| lp == p)
                .map(|(lp, sp)| format!("`{}`", layer_name(scale, lp, sp)))
                .collect();
            let inds = match p {
                Population::Ensemble => format!("tous ({})", ensemble.len()),
                Population::Recents => {
                    format!("tous sauf {} ({})", excluded.join(", "), recents.len())
                }
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} |",
                names.join(", "),
                keys.join(", "),
                inds
            );
        }
    }
}

/// The key fields of each scale.
fn keys_section(s: &mut String) {
    let _ = writeln!(s, "\n## Champs d'identification\n");
    for scale in Scale::ALL {
        let _ = writeln!(s, "### {} (`{}_*`)\n", scale.label(), scale_plural(scale));
        let _ = writeln!(s, "{}\n", scale_source(scale));
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
}

/// The indicators of the catalogue and their secrecy fields.
fn indicators_section(s: &mut String) {
    let _ = writeln!(s, "## Indicateurs\n");
    let _ = writeln!(
        s,
        "Une part vaut numérateur / dénominateur × 100, une moyenne numérateur / dénominateur (loyers en euros, surfaces en m²) ; toutes deux sont calculées à partir de sommes entières additives, puis arrondies à l'affichage. L'effectif (colonne `effectif` de la table `indicateurs`) est le nombre d'unités sur lequel repose la valeur ; les règles de secret s'y appliquent. Règles : « effectif » = moins de 11 logements dans la cellule ou moins de 11 unités dans l'effectif ; « réponse » = moins de 60 % de ménages répondants dans la cellule ; « 100 % » = une part de 100 % masque toutes les valeurs de son groupe. Seuils réglables dans `[secrecy]`.\n"
    );
    let _ = writeln!(
        s,
        "| champ | titre | nature | numérateur | dénominateur | effectif | unité | populations | règles de secret | définition |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|---|");
    for d in CATALOGUE {
        let pops = if d.for_recents {
            "ensemble, récents"
        } else {
            "ensemble"
        };
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            d.field,
            d.title,
            kind_label(d.kind),
            measure_cell(Some(d.numerator)),
            measure_cell(d.denominator),
            d.base.label(),
            d.unit.label(),
            pops,
            rules_cell(d),
            d.description
        );
    }
    let _ = writeln!(s, "\n### Champs de motif\n");
    let _ = writeln!(
        s,
        "Chaque indicateur `x` est suivi du champ texte `x{SECRET_SUFFIX}` : vide quand la valeur est publiée, sinon le code du motif de non-publication (ci-dessous). Liste : {}.",
        CATALOGUE
            .iter()
            .map(|d| format!("`{}{SECRET_SUFFIX}`", d.field))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// The reason codes of unpublished values.
fn statuses_section(s: &mut String) {
    let _ = writeln!(s, "\n## Motifs de non-publication\n");
    let _ = writeln!(s, "| code | signification |");
    let _ = writeln!(s, "|---|---|");
    for st in Status::ALL {
        let _ = writeln!(s, "| `{}` | {} |", st.key(), st.label());
    }
}

/// The geocoding review layer.
fn review_section(s: &mut String) {
    let _ = writeln!(
        s,
        "\n## Couche `{}` ({})\n",
        crate::geocode::review::REVIEW_LAYER,
        super::review::REVIEW_TITLE
    );
    let _ = writeln!(s, "{}\n", super::review::REVIEW_DESCRIPTION);
    let _ = writeln!(s, "Points en Lambert-93 (EPSG:2154).\n");
    let _ = writeln!(s, "| champ | titre | description |");
    let _ = writeln!(s, "|---|---|---|");
    for (name, title, description) in super::review::review_fields() {
        let _ = writeln!(s, "| `{name}` | {title} | {description} |");
    }
}

/// The `layer_styles` table QGIS reads.
fn styles_section(s: &mut String) {
    let _ = writeln!(
        s,
        "\n## Table `{}` ({})\n",
        super::gpkg::layer_styles::STYLE_TABLE,
        super::gpkg::layer_styles::STYLE_TITLE
    );
    let _ = writeln!(
        s,
        "La table que QGIS lit pour appliquer le style par défaut d'une couche et proposer ses styles nommés.\n"
    );
    let _ = writeln!(s, "| colonne | contenu |");
    let _ = writeln!(s, "|---|---|");
    for (name, meaning) in super::gpkg::layer_styles::STYLE_COLUMNS {
        let _ = writeln!(s, "| `{name}` | {meaning} |");
    }
}

/// The long table `indicateurs` and its coded storage.
fn tidy_section(s: &mut String) {
    let _ = writeln!(s, "\n## Table `indicateurs` (format long)\n");
    let _ = writeln!(
        s,
        "Une ligne par valeur de chaque couche, colonnes : {}. Une entité dont toutes les valeurs sont `secret_effectif` (moins de 11 logements : la plupart des cages d'escalier et des petits bâtiments) n'y a pas de lignes : son entité figure dans sa couche, chaque champ `_secret` à `secret_effectif`.",
        COLUMNS
            .iter()
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        s,
        "\nDans la GeoPackage, `{view}` est une vue : elle lit, ligne pour ligne, quatre tables codées (qui prennent quatre fois moins de place que la table à plat). Une requête sur la vue n'a pas à les connaître ; elles servent à qui veut les lire directement.\n",
        view = crate::layout::tidy::TIDY_TABLE
    );
    let _ = writeln!(s, "| table | contenu | colonnes |");
    let _ = writeln!(s, "|---|---|---|");
    for t in &super::gpkg::tidy_table::STORAGE {
        let columns: Vec<String> = std::iter::once("`fid`".to_string())
            .chain(t.fields.iter().map(|f| format!("`{}` ({})", f.0, f.2)))
            .collect();
        let _ = writeln!(
            s,
            "| `{}` | {} | {} |",
            t.name,
            t.description,
            columns.join(" ; ")
        );
    }
    let _ = writeln!(
        s,
        "\nDans PostGIS, `{}` est une table ordinaire (les lignes de la vue).",
        crate::layout::tidy::TIDY_TABLE
    );
}

/// The (population, split) pairs published for `scale`, in layer order.
fn layers_of(scale: Scale) -> impl Iterator<Item = (Population, Split)> {
    Population::ALL.into_iter().flat_map(move |p| {
        Split::ALL
            .into_iter()
            .filter(move |&sp| sp == Split::Tout || scale.has_qpv_split())
            .map(move |sp| (p, sp))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn dictionary_is_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/dictionnaire.md");
        let expected = super::render();
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "docs/dictionnaire.md is stale: run cargo run -p opsgeo-dev -- regenerer"
        );
    }
}

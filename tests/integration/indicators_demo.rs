//! The indicators of the demo run, end to end: every field of every written layer is in the
//! data dictionary, the manifest and the summary report the cross-checks and the move-in date
//! used, and published counts add up across nested layers.

use std::collections::BTreeMap;

use gdal::vector::LayerAccess;
use gdal::Dataset;
use opsgeo::indicators::CATALOGUE;

use crate::support::demo::{demo_gpkg, demo_out, demo_run};
use crate::support::*;

#[test]
fn dictionary_lists_every_field_of_every_layer() {
    let dict = std::fs::read_to_string(root().join("docs/dictionnaire.md")).unwrap();
    let ds = demo_gpkg();
    let mut layers = 0;
    for l in ds.layers() {
        let name = l.name();
        assert!(dict.contains(&format!("`{name}`")), "layer {name} missing");
        for f in l.defn().fields() {
            let field = f.name();
            assert!(
                dict.contains(&format!("`{field}`")),
                "field {field} of layer {name} is not in docs/dictionnaire.md"
            );
        }
        layers += 1;
    }
    assert_eq!(
        layers, 43,
        "36 layers, the `indicateurs` view and its four tables, `geocodage_a_verifier` and \
         `layer_styles`"
    );
    // and every indicator is a column of the ensemble layers
    let communes = ds.layer_by_name("communes_ensemble").unwrap();
    let names: Vec<String> = communes.defn().fields().map(|f| f.name()).collect();
    for d in CATALOGUE {
        assert!(names.iter().any(|n| n == d.field), "{}", d.field);
    }
}

#[test]
fn manifest_and_summary_report_checks_and_move_in_sources() {
    let m = manifest(demo_out());
    let j = &m["jointure"];
    for k in [
        "localises",
        "commune_differente",
        "hors_communes",
        "indicateur_qpv_different",
        "plg_qp_compares",
        "plg_qp_differents",
    ] {
        assert!(j[k].is_u64(), "jointure.{k}");
    }
    // the demo RPLS has no PLG_QP15 / PLG_QP24 column
    assert!(j["colonne_plg_qp"].is_null());
    let a = &m["agregation"];
    assert_eq!(a["fenetre_recents"], "01/2020 – 12/2021");
    let n = |k: &str| a[k].as_u64().unwrap_or_else(|| panic!("agregation.{k}"));
    assert_eq!(
        n("emmenagement_par_ops") + n("emmenagement_par_bail") + n("emmenagement_inconnu"),
        m["menages"].as_u64().unwrap()
    );
    assert!(n("recents_par_ops") <= n("emmenagement_par_ops"));
    assert!(n("recents_par_bail") <= n("emmenagement_par_bail"));
    assert!(n("tables_octets") > 0);
    let stdout = String::from_utf8_lossy(&demo_run().1.stdout);
    assert!(
        stdout.contains("bail RPLS (BAIL) pour"),
        "summary says which date was used:\n{stdout}"
    );
    assert!(stdout.contains("logements localisés"), "{stdout}");
}

/// Published `nb_logements` per unit code of a layer.
fn counts(ds: &Dataset, layer: &str, key: &str) -> BTreeMap<String, Option<i64>> {
    let mut l = ds.layer_by_name(layer).unwrap();
    l.features()
        .map(|f| (f.str_of(key).unwrap(), f.i64_of("nb_logements")))
        .collect()
}

/// Sum of the published values, and the number of unpublished ones.
fn published(m: &BTreeMap<String, Option<i64>>) -> (i64, usize) {
    (
        m.values().flatten().sum(),
        m.values().filter(|v| v.is_none()).count(),
    )
}

/// Holds whatever the secrecy rules hide: published parts never exceed their whole, and equal
/// it when none is hidden.
#[test]
fn published_dwelling_counts_add_up_across_nested_layers() {
    let ds = demo_gpkg();
    for pop in ["ensemble", "recents"] {
        let (epci, epci_hidden) = published(&counts(&ds, &format!("epci_{pop}"), "code_epci"));
        assert_eq!(epci_hidden, 0, "{pop}: the demo EPCI is published");
        for (layer, key) in [
            ("communes", "code_commune"),
            ("programmes", "code_programme"),
            ("batiments", "code_batiment"),
            ("cages", "code_cage"),
        ] {
            let (sum, hidden) = published(&counts(&ds, &format!("{layer}_{pop}"), key));
            assert!(sum <= epci, "{pop} {layer}: {sum} > {epci}");
            if hidden == 0 {
                assert_eq!(sum, epci, "{pop} {layer}");
            } else {
                assert!(sum < epci, "{pop} {layer}: hidden cells hold dwellings");
            }
        }
        // the QPV and hors-QPV parts of the communes never exceed the communes
        let (q, _) = published(&counts(&ds, &format!("communes_{pop}_qpv"), "code_commune"));
        let (h, _) = published(&counts(
            &ds,
            &format!("communes_{pop}_hors_qpv"),
            "code_commune",
        ));
        assert!(q + h <= epci, "{pop}");
    }
}

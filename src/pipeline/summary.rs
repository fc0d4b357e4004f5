//! The one-screen French summary printed at the end of a run.

use std::fmt::Write;

use super::RunReport;
use crate::ingest::InputStats;

fn pct(n: u64, d: u64) -> String {
    if d == 0 {
        "–".into()
    } else {
        format!("{:.1} %", n as f64 * 100.0 / d as f64)
    }
}

/// Renders the input table (lues = acceptées + rejetées).
/// With `with_format`, each file's detected encoding/delimiter or driver/CRS is shown too.
pub fn render_inputs(inputs: &[InputStats], with_format: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Entrées (lues = acceptées + rejetées) :");
    for i in inputs {
        let _ = writeln!(
            s,
            "  {:<34} {:>9} lues {:>9} acceptées {:>7} rejetées{}",
            i.file,
            i.read,
            i.accepted,
            i.rejected,
            if i.reconciles() { "" } else { "  ÉCART !" }
        );
        if with_format {
            let _ = writeln!(s, "  {:<34} {}", "", i.format);
        }
    }
    s
}

/// Renders the information kept and lost: per scale, the share of the values the primary rules
/// let through that are published (U, per population and zone), and the values per rule.
pub fn render_secrecy(sec: &crate::secrecy::SecrecyReport) -> String {
    let mut s = String::new();
    let sec2 = &sec.secondaire;
    let warning = if sec2.non_protegees > 0 {
        format!(
            " ; {} mesure(s) sans table alternative trouvée, décidées par l'audit",
            sec2.non_protegees
        )
    } else {
        String::new()
    };
    let warning = if sec2.republiees > 0 {
        format!(
            " ; {} valeur(s) de zone masquée(s) par la recherche puis republiée(s), aucune table ne les demandant plus{warning}",
            sec2.republiees
        )
    } else {
        warning
    };
    let warning = if sec2.reprises > 0 {
        format!(
            "{warning} ; {} reprise(s) après l'audit, {} valeur(s) de plus masquée(s)",
            sec2.reprises, sec2.masquees_apres_audit
        )
    } else {
        warning
    };
    let _ = writeln!(
        s,
        "Secret statistique — U = part publiée des valeurs que les règles primaires laissent publier ; secret secondaire : {} valeur(s) masquée(s), {} preuve(s), {} tour(s), {:.1} s{warning} :",
        sec2.masquees, sec2.preuves, sec2.tours, sec2.secondes
    );
    for scale in crate::model::Scale::ALL {
        let Some(counts) = sec.valeurs.get(scale.key()) else {
            continue;
        };
        let mut us = Vec::new();
        for pop in crate::model::Population::ALL {
            let mut parts = Vec::new();
            for zone in crate::model::Split::ALL {
                let key = format!("{}/{}/{}", scale.key(), pop.key(), zone.key());
                if let Some(u) = sec.utilite.get(&key).and_then(|u| u.u) {
                    let label = match zone {
                        crate::model::Split::Tout => String::new(),
                        z => format!("{} ", z.key()),
                    };
                    parts.push(format!("{label}{u:.2}"));
                }
            }
            if !parts.is_empty() {
                us.push(format!("{} {}", pop.key(), parts.join(" ")));
            }
        }
        let rules: Vec<String> = crate::secrecy::Status::ALL
            .iter()
            .filter_map(|st| {
                counts
                    .get(st.key())
                    .filter(|&&n| n > 0)
                    .map(|n| format!("{} {}", st.key(), n))
            })
            .collect();
        let _ = writeln!(
            s,
            "  {:<12} U {} ; {}",
            scale.key(),
            us.join(" | "),
            rules.join(", ")
        );
    }
    s
}

/// Communes listed one by one in the summary (all of them when there are no more).
const COMMUNES_SHOWN: usize = 3;

/// Corrections, the review layer and the levels per commune.
fn render_geocode_details(g: &super::GeocodeReport) -> String {
    let mut s = String::new();
    if let Some(f) = &g.corrections_file {
        let _ = writeln!(
            s,
            "  corrections manuelles ({}) : {} adresse(s), {} logement(s) ; {} sans correspondance",
            f.display(),
            g.corrected_addresses,
            g.corrected_dwellings,
            g.corrections_unused
        );
    }
    let _ = writeln!(
        s,
        "  {} adresse(s) à vérifier dans la couche « geocodage_a_verifier » ; index BAN : {:.2} s, {:.1} Mo",
        g.review_rows,
        g.ban_index_seconds,
        g.ban_index_bytes as f64 / 1e6
    );
    // communes with the most dwellings located less precisely than at the number first
    let precise = ["correction", "rpls_xy", "numero"];
    let mut communes: Vec<(&String, &std::collections::BTreeMap<String, u64>, u64)> = g
        .dwellings_by_commune
        .iter()
        .map(|(c, m)| {
            let imprecise = m
                .iter()
                .filter(|(l, _)| !precise.contains(&l.as_str()))
                .map(|(_, n)| n)
                .sum();
            (c, m, imprecise)
        })
        .collect();
    communes.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    let _ = writeln!(
        s,
        "  par commune (logements, les moins bien localisées d'abord) :"
    );
    for (code, m, _) in communes.iter().take(COMMUNES_SHOWN) {
        let parts: Vec<String> = crate::geocode::GeocodeLevel::ALL
            .iter()
            .filter_map(|l| m.get(l.key()).map(|n| format!("{} {n}", l.key())))
            .collect();
        let _ = writeln!(s, "    {code} : {}", parts.join(", "));
    }
    if communes.len() > COMMUNES_SHOWN {
        let _ = writeln!(
            s,
            "    … {} autres communes (détail dans manifest.json)",
            communes.len() - COMMUNES_SHOWN
        );
    }
    s
}

/// Renders the summary.
pub fn render(r: &RunReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "opsgeo — synthèse du traitement");
    s.push_str(&render_inputs(&r.inputs, false));
    let _ = writeln!(
        s,
        "  rejets : {} ligne(s), détail dans {}",
        r.rejects_total,
        r.out_dir.join("rejets.csv").display()
    );
    let g = &r.geocode;
    let total: u64 = g.dwellings_by_level.values().sum();
    let _ = writeln!(
        s,
        "Localisation des {} logements ({} adresses distinctes, {} adresses BAN) :",
        total, g.addresses, g.ban_addresses
    );
    let levels: Vec<String> = crate::geocode::GeocodeLevel::ALL
        .iter()
        .filter_map(|l| {
            g.dwellings_by_level
                .get(l.key())
                .map(|n| format!("{} {} ({})", l.key(), n, pct(*n, total)))
        })
        .collect();
    let _ = writeln!(s, "  {}", levels.join(", "));
    s.push_str(&render_geocode_details(g));
    let j = &r.join;
    let _ = writeln!(
        s,
        "Contrôles sur {} logements localisés : commune jointe ≠ DEPCOM : {} ; hors de toute commune : {} ; QPV joint ≠ indicateur QPV RPLS : {} ; {} ; polygones invalides : {}",
        j.located,
        j.commune_mismatch,
        j.outside_communes,
        j.qpv_flag_mismatch,
        match &j.plg_qp_column {
            Some(c) => format!(
                "QPV joint ≠ code {c} : {} sur {}",
                j.plg_qp_mismatch, j.plg_qp_compared
            ),
            None => "code PLG_QP du RPLS absent : non comparé".to_string(),
        },
        j.geometry_issues.len()
    );
    let a = &r.aggregate;
    let _ = writeln!(
        s,
        "Ménages : {} ; date d'emménagement : OPS pour {}, bail RPLS (BAIL) pour {}, inconnue pour {} ; emménagés récents ({}) : {} par la date OPS + {} par la date du bail ; logements loués sans ménage OPS : {}",
        r.households,
        a.move_in_from_ops,
        a.move_in_from_lease,
        a.move_in_unknown,
        a.recent_window,
        a.recent_from_ops,
        a.recent_from_lease,
        a.let_without_household
    );
    let masked = &r.secrecy.secondaire.totaux_masques;
    let shown = |name: &str, n: u64| {
        if masked.iter().any(|m| m == name) {
            "(masqué, secret)".to_string()
        } else {
            n.to_string()
        }
    };
    let _ = writeln!(
        s,
        "Partie QPV / hors QPV : {} logements placés par l'indicateur QPV du RPLS, {} sans partie connue ; sans IRIS : {} ; programmes sur plusieurs communes : {}",
        a.split_from_rpls_flag,
        shown("total_sans_partie_qpv", a.split_unknown),
        shown("total_sans_iris", a.iris_unknown),
        a.programmes_multi_communes
    );
    s.push_str(&render_secrecy(&r.secrecy));
    s.push_str(&r.audit.render_brief());
    let rows: u64 = r.layers.iter().map(|(_, n)| n).sum();
    let no_geom: u64 = r.fgb_rows_without_geometry.iter().map(|(_, n)| n).sum();
    let _ = writeln!(
        s,
        "Sorties : {} couches ({} entités), table « indicateurs » ({} lignes) dans {}{}",
        r.layers.len(),
        rows,
        r.tidy_rows,
        r.out_dir.display(),
        if no_geom > 0 {
            format!(" ; {no_geom} entité(s) sans géométrie (logements non localisés) dans le GeoPackage, absentes des FlatGeobuf")
        } else {
            String::new()
        }
    );
    let p = &r.publication;
    let _ = writeln!(
        s,
        "Publication ({}) : contrôlés avant publication : {} tables GeoPackage, {} styles QGIS, {} fichiers FlatGeobuf ; projet QGIS opsgeo.qgs",
        if p.methode == "renommages" {
            "par renommages"
        } else {
            "échange atomique"
        },
        p.tables_controlees,
        p.styles_qgis,
        p.flatgeobuf_controles
    );
    if let Some(pg) = &p.postgis {
        let _ = writeln!(
            s,
            "  PostGIS : schéma « {} » publié ({} tables, {} lignes)",
            pg.schema, pg.tables, pg.rows
        );
    }
    let _ = writeln!(s, "Durée totale : {:.2} s", r.total_seconds);
    s
}

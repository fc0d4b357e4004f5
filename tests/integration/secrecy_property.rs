//! Property test over random synthetic territories: every run passes the audit (`opsgeo run`
//! refuses to publish otherwise, and `opsgeo audit` agrees on the published file), and the
//! suppression pattern is the same whatever the thread count and the order of the input rows.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use gdal::vector::LayerAccess;
use gdal::Dataset;

use crate::support::attack::attack;
use crate::support::*;

/// `(echelle, code, population, zone, indicateur)` → `statut`.
fn statuses(gpkg: &Path) -> BTreeMap<String, String> {
    let ds = Dataset::open(gpkg).expect("open gpkg");
    let mut layer = ds.layer_by_name("indicateurs").expect("indicateurs");
    let mut out = BTreeMap::new();
    for f in layer.features() {
        let key = ["echelle", "code", "population", "zone", "indicateur"]
            .iter()
            .map(|c| f.str_of(c).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("|");
        out.insert(key, f.str_of("statut").unwrap_or_default());
    }
    out
}

fn run(config: &Path, out: &Path, threads: &str) -> BTreeMap<String, String> {
    let o = Command::new(bin())
        .args([
            "--quiet",
            "run",
            "--config",
            path_str(config),
            "--out",
            path_str(out),
        ])
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("spawn");
    assert!(
        o.status.success(),
        "run failed ({}):\n{}\n{}",
        config.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    statuses(&out.join("opsgeo.gpkg"))
}

/// A synthetic territory of `dwellings` (seed `seed`) run once on two threads: the folder
/// holding it (kept while the result is used), the statuses and the published GeoPackage.
fn synth_and_run(
    dwellings: usize,
    seed: u64,
) -> (
    tempfile::TempDir,
    BTreeMap<String, String>,
    std::path::PathBuf,
) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    synth(dwellings, seed, &data);
    let st = run(&data.join("opsgeo.toml"), &tmp.path().join("out"), "2");
    let gpkg = tmp.path().join("out/opsgeo.gpkg");
    (tmp, st, gpkg)
}

/// Reverses the order of the data rows of a CSV (the header stays first).
fn reverse_rows(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    let mut s = String::from(header);
    s.push('\n');
    for l in lines {
        s.push_str(l);
        s.push('\n');
    }
    std::fs::write(path, s).unwrap();
}

#[test]
fn random_territory_800_passes_the_audit_and_suppresses_the_same_whatever_threads_and_order() {
    random_territory(11, 800);
}

#[test]
fn random_territory_650_passes_the_audit_and_suppresses_the_same_whatever_threads_and_order() {
    random_territory(29, 650);
}

/// One synthetic territory (small: the stand-alone audit, linear programs only, grows fast with
/// size) run with one and two threads and in reverse input order, the stand-alone audit and both
/// attacks; with seed 11, a planted leak that the attack must find.
fn random_territory(seed: u64, dwellings: usize) {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join(format!("data-{seed}"));
    synth(dwellings, seed, &data);
    let config = data.join("opsgeo.toml");
    let a = run(&config, &tmp.path().join(format!("a-{seed}")), "1");
    let b = run(&config, &tmp.path().join(format!("b-{seed}")), "2");
    assert_eq!(a, b, "seed {seed}: pattern depends on the thread count");
    assert!(
        a.values().any(|s| s == "secret_secondaire"),
        "seed {seed}: no secondary suppression at all"
    );
    // the published file passes the stand-alone audit too, the values of every absent
    // « récents » row included (those of the buildings are not audited by the run)
    let gpkg = tmp.path().join(format!("a-{seed}/opsgeo.gpkg"));
    let o = opsgeo(&["audit", "--lignes-absentes", path_str(&gpkg)]);
    assert!(
        o.status.success(),
        "seed {seed}: audit failed\n{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // an independent attack that knows what opsgeo's reader model leaves out (the shares of
    // a distribution sum to 100 %) finds nothing either
    for population in ["ensemble", "recents"] {
        distribution_sums_attack(&gpkg, population, &format!("seed {seed}"), true);
    }
    if seed == 11 {
        // the attack can fail: hiding one share of a fully published distribution leaves
        // it readable as 100 % minus the others
        let leaky = tmp.path().join("leaky.gpkg");
        std::fs::copy(&gpkg, &leaky).unwrap();
        let hidden = rusqlite::Connection::open(&leaky)
            .unwrap()
            .execute(
                "UPDATE indicateurs_valeurs SET valeur = NULL, effectif = NULL, \
                 statut = (SELECT fid FROM indicateurs_statuts WHERE statut = 'secret_secondaire') \
                 WHERE fid = (SELECT fid FROM indicateurs i \
                 WHERE echelle = 'programme' AND population = 'ensemble' \
                 AND indicateur = 'part_plus' AND statut = 'publie' AND valeur > 0 \
                 AND NOT EXISTS (SELECT 1 FROM indicateurs j WHERE j.echelle = i.echelle \
                 AND j.code = i.code AND j.population = i.population AND j.zone = i.zone \
                 AND j.indicateur IN ('part_plai', 'part_pls', 'part_pli', 'part_fin_autre') \
                 AND j.statut != 'publie') ORDER BY code LIMIT 1)",
                [],
            )
            .unwrap();
        assert_eq!(
            hidden, 1,
            "no fully published financing of a programme to hide"
        );
        distribution_sums_attack(&leaky, "ensemble", "planted leak", false);
    }
    // same pattern with the RPLS and OPS rows in reverse order
    for f in std::fs::read_dir(&data).unwrap() {
        let p = f.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("rpls") || name.starts_with("ops_") {
            reverse_rows(&p);
        }
    }
    let c = run(&config, &tmp.path().join(format!("c-{seed}")), "2");
    assert_eq!(a, c, "seed {seed}: pattern depends on the input order");
}

/// Regression: on a small territory (3,000 dwellings, seed 5) the repairs after the audit hid
/// the partners' *denominator* of a determined share although its row published it — for the
/// shares of dwellings, `nb_logements` of the région, and with it every share over it: région,
/// département and EPCI « ensemble » rows fell to U 0.70–0.77. A published denominator stays
/// known whatever its partners; only the numerator's partners are hidden now.
#[test]
fn repairs_keep_the_region_ensemble_rows_of_a_small_territory_published() {
    let (_tmp, st, _) = synth_and_run(3000, 5);
    let region: Vec<(&String, &String)> = st
        .iter()
        .filter(|(k, _)| k.starts_with("region|") && k.contains("|ensemble|"))
        .collect();
    assert!(region.len() >= 3 * 71, "{} région values", region.len());
    let secondary: Vec<&&String> = region
        .iter()
        .filter(|(_, s)| s.as_str() == "secret_secondaire")
        .map(|(k, _)| k)
        .collect();
    assert!(secondary.is_empty(), "région values hidden: {secondary:?}");
}

/// Regression: seed 3 with 500 dwellings has a commune without any IRIS row; until 2026-12-05
/// its dwellings were in the manifest's total « sans IRIS » but in no relation, the audit found
/// the publication contradicting its relations and nothing was published. One run, both
/// attacks. Seed 5 since 2026-12-07 (a commune without IRIS too): seed 3 published its région,
/// département and EPCI « récents » rows with their households shown and their dwellings —
/// the same number — hidden; shown or hidden together, as they must be, its repairs no longer
/// end (a very small territory may publish nothing, README « Limites »).
#[test]
fn a_territory_with_a_commune_without_iris_publishes() {
    let (_tmp, st, gpkg) = synth_and_run(500, 5);
    assert!(st.values().any(|s| s == "publie"));
    let ds = Dataset::open(&gpkg).expect("open gpkg");
    let codes = |layer: &str| -> std::collections::BTreeSet<String> {
        let mut l = ds.layer_by_name(layer).expect(layer);
        l.features()
            .map(|f| f.str_of("code_commune").unwrap_or_default())
            .collect()
    };
    let with_iris = codes("iris_ensemble");
    let without_iris = codes("communes_ensemble")
        .into_iter()
        .filter(|c| !with_iris.contains(c))
        .count();
    assert_eq!(without_iris, 1, "a commune without any IRIS row");
    for population in ["ensemble", "recents"] {
        distribution_sums_attack(&gpkg, population, "500 logements, seed 5", true);
    }
}

/// Regression (10,000 dwellings, seed 3): a commune of 86 dwellings whose only IRIS holds all of
/// them had its financing shares hidden while the IRIS published the same shares; the reader's
/// model left the rest « sans IRIS » free (the manifest's total was not 0). An independent
/// attack with the sums of the distributions over every zone row finds nothing now.
#[test]
fn zone_shares_resist_the_distribution_sum_attack_on_ten_thousand_dwellings() {
    let (_tmp, _, gpkg) = synth_and_run(10_000, 3);
    for population in ["ensemble", "recents"] {
        attack(
            "zone_sums.py",
            &gpkg,
            population,
            "10 000 logements, seed 3",
            true,
        );
    }
}

/// Regression (45,000 dwellings, seed 19, 2026-12-07): the tables protecting the values hidden
/// so that a « récents » row shows its two counts together hid values of their own; the audit
/// then found four values of a stairwell determined with no partner left to hide, in both
/// variants, and nothing was published. The rounds now start again with such tables hiding
/// nothing more (the cautious `rounds::Attempt`), and publish.
#[test]
fn a_territory_whose_coupled_tables_leave_values_unprotected_publishes_after_all() {
    let (_tmp, st, gpkg) = synth_and_run(45_000, 19);
    assert_communes_kept(&st);
    attack(
        "recents_counts.py",
        &gpkg,
        "recents",
        "45 000 logements, seed 19",
        true,
    );
}

/// Regression (8,000 dwellings, seed 1): the QPV part of the région showed 0.0 % of its 2,156
/// dwellings in DPE class A (0 or 1 dwelling) and each commune's QPV part 0.0 % exactly, so a
/// QPV's hidden 0 was told by zeros alone — but only a zero of an *exactly* zero containing row
/// counted as implied: the audit called it recovered, the repairs hid the région's partners,
/// then the région's own values came out determined, and after four rounds nothing was
/// published (3.5 min). Now the run publishes with every région value, and the zone attack
/// finds nothing.
#[test]
fn a_rounded_zero_of_the_region_closed_by_commune_zeros_keeps_the_publication() {
    let (_tmp, st, gpkg) = synth_and_run(8000, 1);
    assert_region_published(&st);
    for population in ["ensemble", "recents"] {
        attack(
            "zone_sums.py",
            &gpkg,
            population,
            "8 000 logements, seed 1",
            true,
        );
    }
}

/// Regression (7,000 dwellings, seed 8): the repair after the audit hid, in every relation of
/// each value found determined, its cheapest known partner, which in some relations was a
/// région, département or EPCI value: 36 of them went (a six-share distribution in each
/// « récents » row, whole and hors-QPV, U 0.912) although the finer partners hidden in the
/// other relations were enough. Now a value found determined for the first time hides such
/// partners only when it has no finer one.
#[test]
fn a_repair_hides_finer_partners_before_the_region() {
    let (_tmp, st, gpkg) = synth_and_run(7000, 8);
    assert_region_published(&st);
    attack(
        "zone_sums.py",
        &gpkg,
        "recents",
        "7 000 logements, seed 8",
        true,
    );
}

/// Fails when a région value is `secret_secondaire` (or the file has no région row).
fn assert_region_published(st: &BTreeMap<String, String>) {
    assert!(st.keys().any(|k| k.starts_with("region|")));
    let hidden: Vec<&String> = st
        .iter()
        .filter(|(k, s)| k.starts_with("region|") && s.as_str() == "secret_secondaire")
        .map(|(k, _)| k)
        .collect();
    assert!(hidden.is_empty(), "région values hidden: {hidden:?}");
}

/// Runs `tests/attack/distribution_sums.py` (linear programs over each programme, its bâtiments
/// and cages, with the sums of the distributions; SciPy's HiGHS) on a published file and fails
/// on a disclosure or when the attack's model contradicts the file; on a clean file, the zone
/// attack and the attack by the two equal counts of the « récents » rows too.
/// With `clean == false`, the file holds a planted disclosure that the attack must find.
fn distribution_sums_attack(gpkg: &Path, population: &str, what: &str, clean: bool) {
    attack("distribution_sums.py", gpkg, population, what, clean);
    if clean {
        attack("zone_sums.py", gpkg, population, what, clean);
        attack("recents_counts.py", gpkg, population, what, clean);
    }
}

/// Regression (15,000 dwellings, seed 2): the audit of the publication with paired shares found
/// two values determined; the run then started again with whole distributions and published
/// them (commune « récents » QPV part U 0.944 < 0.95), although the paired publication, after
/// one repair, hid less. Both variants are now taken through their repairs and the one whose
/// complementary suppressions cost less is published: here the paired one, every commune group
/// at U ≥ 0.95.
#[test]
fn a_paired_publication_that_needed_a_repair_is_kept_when_it_hides_less() {
    let (tmp, st, _) = synth_and_run(15_000, 2);
    let secondary = secondary_report(&tmp);
    assert!(secondary["reprises"].as_u64().unwrap() >= 1, "{secondary}");
    assert_eq!(secondary["paires"], true, "{secondary}");
    assert_communes_kept(&st);
}

/// Regression (35,000 dwellings, seed 2): the search after a repair of the paired publication
/// ran with whole distributions. One commune « récents » DPE distribution hidden as the partner
/// of a programme value the audit found determined then made whole DPE distributions go in 14
/// commune rows, QPV parts included: commune « ensemble » QPV part U 0.878.
#[test]
fn a_repair_of_the_paired_publication_protects_with_paired_shares() {
    let (tmp, st, _) = synth_and_run(35_000, 2);
    let secondary = secondary_report(&tmp);
    assert!(secondary["reprises"].as_u64().unwrap() >= 1, "{secondary}");
    assert_eq!(secondary["paires"], true, "{secondary}");
    assert_commune_groups_kept(&st, "ensemble");
}

/// `secret.secondaire` of the manifest of a [`synth_and_run`] folder.
fn secondary_report(tmp: &tempfile::TempDir) -> serde_json::Value {
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("out/manifest.json")).unwrap(),
    )
    .unwrap();
    manifest["secret"]["secondaire"].clone()
}

/// Fails unless U = publie / (publie + secret_secondaire), read from the file, is at least 0.95
/// in each of the six commune groups (population × zone).
fn assert_communes_kept(st: &BTreeMap<String, String>) {
    assert_commune_groups_kept(st, "");
}

/// [`assert_communes_kept`] for the three commune groups of one population (`ensemble`,
/// `recents`), or all six when `population` is empty.
fn assert_commune_groups_kept(st: &BTreeMap<String, String>, population: &str) {
    let mut groups: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for (k, s) in st {
        let f: Vec<&str> = k.split('|').collect();
        if f[0] != "commune" || !(population.is_empty() || f[2] == population) {
            continue;
        }
        let g = groups.entry(format!("{}/{}", f[2], f[3])).or_default();
        match s.as_str() {
            "publie" => g.0 += 1,
            "secret_secondaire" => g.1 += 1,
            _ => {}
        }
    }
    let expected = if population.is_empty() { 6 } else { 3 };
    assert_eq!(groups.len(), expected, "{groups:?}");
    for (g, (p, s)) in groups {
        let u = p as f64 / (p + s) as f64;
        assert!(
            u >= 0.95,
            "commune {g}: U = {u:.3} ({p} publiées, {s} secret_secondaire)"
        );
    }
}

/// Regression (12,000 dwellings, seed 21): zone values the search had hidden were published
/// again once no table of the search needed them, but the audit's linear programs had used one
/// of them (a share of an IRIS of the same commune, same distribution) to protect three shares
/// of another IRIS: the audit found them determined, a repair hid 24 more values and both
/// commune QPV parts fell under 0.95. When the audit finds values of a distribution that values
/// published again belong to, those go back first: no repair, the publication of the search.
#[test]
fn values_published_again_go_back_before_any_repair_when_the_audit_needs_them() {
    let (tmp, st, _) = synth_and_run(12_000, 21);
    let secondary = secondary_report(&tmp);
    assert_eq!(secondary["reprises"], 0, "{secondary}");
    assert_communes_kept(&st);
}

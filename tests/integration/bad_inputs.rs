//! Bad inputs (issue 14): one small case per kind of fault, on a 400-dwelling synthetic set.
//! Each case attacks the output: exit code, the file named in the message, what was (not)
//! written, and that no identifier read from an input reaches stderr or a rejects file.
//!
//! Cases stop while reading (before the secrecy stage), so they run in a few seconds even in
//! debug builds; `opsgeo check --out` is used when the rejects file itself is checked.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::*;

/// A fresh synthetic input set (400 dwellings, seed 5) and the identifiers it holds.
struct Set {
    _dir: tempfile::TempDir,
    root: PathBuf,
    /// Every `IDENT_REP` of the RPLS file.
    ids: Vec<String>,
}

fn synth() -> Set {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("set");
    crate::support::synth(400, 5, &root);
    let ids = rpls_idents(&root.join("rpls_2022.csv"));
    assert!(ids.len() > 300);
    Set {
        _dir: dir,
        root,
        ids,
    }
}

impl Set {
    fn config(&self) -> PathBuf {
        self.root.join("opsgeo.toml")
    }

    fn out(&self) -> PathBuf {
        self.root.join("sortie")
    }

    fn run(&self, extra: &[&str]) -> Output {
        let cfg = self.config();
        let out = self.out();
        let mut args = vec!["run", "--config", path_str(&cfg), "--out", path_str(&out)];
        args.extend_from_slice(extra);
        opsgeo(&args)
    }

    fn check(&self) -> Output {
        let cfg = self.config();
        let out = self.out();
        opsgeo(&["check", "--config", path_str(&cfg), "--out", path_str(&out)])
    }

    fn set_config(&self, from: &str, to: &str) {
        let text = std::fs::read_to_string(self.config()).unwrap();
        assert!(text.contains(from), "{from}");
        std::fs::write(self.config(), text.replacen(from, to, 1)).unwrap();
    }

    /// Asserts that no identifier of the inputs appears in `text`.
    fn assert_no_identifier(&self, what: &str, text: &str) {
        for id in &self.ids {
            assert!(!text.contains(id.as_str()), "{what} shows {id}:\n{text}");
        }
    }
}

/// Removes the first line of a file (its header).
fn drop_header(p: &Path) {
    let bytes = std::fs::read(p).unwrap();
    let nl = bytes.iter().position(|&b| b == b'\n').unwrap();
    std::fs::write(p, &bytes[nl + 1..]).unwrap();
}

/// Regression: a file without its header line printed its first data row, identifier
/// included (« colonnes présentes : Z689383813, … »), in text and JSON logs.
#[test]
fn missing_header_is_reported_without_echoing_the_first_row() {
    for file in [
        "rpls_2022.csv",
        "ops_menages_2022.csv",
        "ops_occupants_2022.csv",
    ] {
        for format in ["text", "json"] {
            let set = synth();
            drop_header(&set.root.join(file));
            let o = set.run(&["--log-format", format]);
            assert_eq!(o.status.code(), Some(1), "{file}: {}", stderr(&o));
            let e = stderr(&o);
            assert!(
                e.contains(file) && e.contains("en-tête absent ou illisible"),
                "{file}: {e}"
            );
            set.assert_no_identifier(file, &e);
        }
    }
}

/// Regression: a title line above the RPLS header (an export with a caption) gave a warning
/// about absent optional columns before « en-tête absent ou illisible », which alone says
/// what is wrong.
#[test]
fn a_title_line_above_the_header_is_said_without_an_optional_column_warning() {
    let set = synth();
    let rpls = set.root.join("rpls_2022.csv");
    let text = std::fs::read(&rpls).unwrap();
    let mut titled = b"Export RPLS 2022 du bailleur\n".to_vec();
    titled.extend_from_slice(&text);
    std::fs::write(&rpls, titled).unwrap();
    let o = set.run(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("rpls_2022.csv"), "{e}");
    assert!(!e.contains("facultative"), "{e}");
    set.assert_no_identifier("stderr", &e);
}

#[test]
fn corrections_without_header_or_with_an_identifier_in_a_number_column_echo_nothing() {
    let set = synth();
    let id = set.ids[0].clone();
    let corr = set.root.join("corrections.csv");
    // no header: the first row would be read as the column names
    std::fs::write(&corr, format!("{id};854000;6690000;vu\n")).unwrap();
    let o = set.run(&["--corrections", path_str(&corr)]);
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("en-tête absent"), "{}", stderr(&o));
    set.assert_no_identifier("stderr", &stderr(&o));
    // the identifier written in the x column
    std::fs::write(&corr, format!("IDENT_REP;x;y\n;{id};6690000\n")).unwrap();
    let o = set.run(&["--corrections", path_str(&corr)]);
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("corrections.csv") && e.contains("ligne 2"),
        "{e}"
    );
    set.assert_no_identifier("stderr", &e);
}

/// Regression: with IDENT_REP and DEPCOM swapped in the header and `max_reject_rate = 1.0`,
/// the run succeeded and `rejets.csv` held real identifiers as « valeur ».
#[test]
fn swapped_identifier_and_commune_headers_leak_no_identifier() {
    let set = synth();
    let p = set.root.join("rpls_2022.csv");
    let text = read_latin1(&p);
    let swapped = text.replacen(
        "IDENT_REP;IDENT_ORG;RS;DEPCOM",
        "DEPCOM;IDENT_ORG;RS;IDENT_REP",
        1,
    );
    write_latin1(&p, &swapped);
    set.set_config("max_reject_rate = 0.05", "max_reject_rate = 1.0");
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("rpls_2022.csv"), "{e}");
    set.assert_no_identifier("stderr", &e);
    let rejects = std::fs::read_to_string(set.out().join("rejets.csv")).unwrap();
    assert!(rejects.lines().count() > 300, "{rejects}");
    set.assert_no_identifier("rejets.csv", &rejects);
}

/// Edits the row of `id` in the RPLS: `column` takes `value`.
fn set_rpls_value(set: &Set, id: &str, column: &str, value: &str) {
    let p = set.root.join("rpls_2022.csv");
    let text = read_latin1(&p);
    let header: Vec<&str> = text.lines().next().unwrap().split(';').collect();
    let col = header.iter().position(|h| *h == column).unwrap();
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with(&format!("{id};")) {
                let mut f: Vec<&str> = l.split(';').collect();
                f[col] = value;
                f.join(";")
            } else {
                l.to_string()
            }
        })
        .collect();
    write_latin1(&p, &(out.join("\n") + "\n"));
}

/// Regression: `LOYERPRINC = 1000000000000` was accepted (a regional mean rent of 352 M€),
/// `99999999999999999999` wrapped a sum; dates in 2090 and 2099 were accepted.
#[test]
fn implausible_rents_and_future_dates_are_rejected_with_a_reject_line() {
    let set = synth();
    let cases = [
        ("LOYERPRINC", "1000000000000", "loyer"),
        ("LOYERPRINC", "99999999999999999999", "loyer"),
        ("BAIL", "01/2090", "postérieure"),
        ("LOCAT", "2099", "mise en location"),
    ];
    for (i, (col, v, _)) in cases.iter().enumerate() {
        set_rpls_value(&set, &set.ids[10 + i], col, v);
    }
    let o = set.check();
    assert!(o.status.success(), "{}", stderr(&o));
    let rejects = std::fs::read_to_string(set.out().join("rejets.csv")).unwrap();
    for (col, v, reason) in cases {
        let line = rejects
            .lines()
            .find(|l| l.contains(&format!(";{col};")) && l.contains(reason))
            .unwrap_or_else(|| panic!("no reject for {col}={v}:\n{rejects}"));
        assert!(line.contains("rpls_2022.csv"), "{line}");
    }
    assert!(!rejects.contains("1000000000000"));
    set.assert_no_identifier("rejets.csv", &rejects);
}

/// Regression: an RPLS file with only its header blamed `ops_menages_2022.csv`.
#[test]
fn an_rpls_with_only_its_header_is_named() {
    let set = synth();
    let p = set.root.join("rpls_2022.csv");
    let text = read_latin1(&p);
    write_latin1(&p, &format!("{}\n", text.lines().next().unwrap()));
    let o = set.run(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("rpls_2022.csv") && e.contains("aucune ligne"),
        "{e}"
    );
    assert!(!e.contains("ops_menages"), "{e}");
}

/// Regression: an unterminated quote swallowed the end of the RPLS; the rows vanished and
/// the households file was blamed.
#[test]
fn an_unterminated_quote_names_the_rpls_and_its_line() {
    let set = synth();
    let p = set.root.join("rpls_2022.csv");
    let text = read_latin1(&p);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len();
    let mut f: Vec<String> = lines[n / 2].split(';').map(str::to_string).collect();
    f[9] = format!("\"{}", f[9]);
    lines[n / 2] = f.join(";");
    write_latin1(&p, &(lines.join("\n") + "\n"));
    let o = set.run(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains(&format!("rpls_2022.csv, ligne {}", n / 2 + 1)) && e.contains("guillemet"),
        "{e}"
    );
    set.assert_no_identifier("stderr", &e);
}

/// Regression: « détail dans rejets.csv » was promised when the run stopped on its reject
/// threshold, but the file was not written.
#[test]
fn a_run_stopped_on_its_threshold_writes_the_rejects_it_promises() {
    let set = synth();
    let occ = set.root.join("ops_occupants_2022.csv");
    let text = std::fs::read_to_string(&occ).unwrap();
    let bad: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i > 0 && i % 5 == 0 {
                format!("{l},surplus\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&occ, bad).unwrap();
    let o = set.run(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    let promised = set.out().join("rejets_arret.csv");
    assert!(e.contains(path_str(&promised)), "{e}");
    let rejects = std::fs::read_to_string(&promised).unwrap();
    assert!(rejects.contains("ops_occupants_2022.csv"));
    set.assert_no_identifier("rejets_arret.csv", &rejects);
    assert!(!set.out().join("opsgeo.gpkg").exists());
    // `check --out` writes its rejets.csv too
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(set.out().join("rejets.csv").exists());
    assert!(stderr(&o).contains("rejets.csv"), "{}", stderr(&o));
}

#[test]
fn an_output_folder_given_as_a_symbolic_link_is_refused() {
    let set = synth();
    let real = set.root.join("reel");
    std::fs::create_dir_all(&real).unwrap();
    std::os::unix::fs::symlink(&real, set.out()).unwrap();
    let o = set.run(&[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("lien symbolique"), "{}", stderr(&o));
    let meta = std::fs::symlink_metadata(set.out()).unwrap();
    assert!(meta.file_type().is_symlink());
}

#[test]
fn a_config_path_pointing_at_a_folder_is_a_usage_error_naming_the_key() {
    let set = synth();
    std::fs::create_dir_all(set.root.join("dossier")).unwrap();
    set.set_config("path = \"ops_menages_2022.csv\"", "path = \"dossier\"");
    let o = set.run(&[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("ops_households.path"), "{}", stderr(&o));
}

#[test]
fn with_json_logs_the_fatal_error_is_one_json_object() {
    let set = synth();
    drop_header(&set.root.join("rpls_2022.csv"));
    let o = set.run(&["--log-format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    let last = e.lines().last().unwrap();
    let v: serde_json::Value = serde_json::from_str(last).unwrap_or_else(|_| panic!("{e}"));
    assert_eq!(v["level"], "ERROR");
    assert!(v["fields"]["message"]
        .as_str()
        .unwrap()
        .contains("rpls_2022.csv"));
}

#[test]
fn utf16_and_duplicated_columns_are_named() {
    let set = synth();
    let p = set.root.join("ops_menages_2022.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.trim_start_matches('\u{feff}').encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(&p, utf16).unwrap();
    let o = set.run(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("ops_menages_2022.csv") && stderr(&o).contains("UTF-16"),
        "{}",
        stderr(&o)
    );
    std::fs::write(&p, text.replacen("APL", "COMPOSITION", 1)).unwrap();
    let o = set.run(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("ops_menages_2022.csv") && stderr(&o).contains("« COMPOSITION »"),
        "{}",
        stderr(&o)
    );
}

/// Regression: an empty IRIS layer gave every dwelling « sans IRIS », exit 0.
#[test]
fn an_empty_zone_layer_stops_the_run() {
    let set = synth();
    std::fs::write(
        set.root.join("zones/qpv_2015.geojson"),
        r#"{"type":"FeatureCollection","features":[]}"#,
    )
    .unwrap();
    let o = set.run(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("qpv_2015.geojson"), "{}", stderr(&o));
}

/// Regression: QPV given as points were all rejected (5/5) and the run published « hors
/// QPV » everywhere.
#[test]
fn a_zone_layer_losing_its_features_obeys_the_reject_threshold() {
    let set = synth();
    let p = set.root.join("zones/qpv_2015.geojson");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    let mut doc = doc;
    for f in doc["features"].as_array_mut().unwrap() {
        f["geometry"] = serde_json::json!({"type": "Point", "coordinates": [5.04, 47.32]});
    }
    std::fs::write(&p, doc.to_string()).unwrap();
    let o = set.run(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("qpv_2015.geojson") && e.contains("5 lignes rejetées sur 5"),
        "{e}"
    );
    let promised = set.out().join("rejets_arret.csv");
    assert!(e.contains(path_str(&promised)), "{e}");
    assert!(std::fs::read_to_string(promised)
        .unwrap()
        .contains("qpv_2015.geojson"));
}

/// Regression: a BAN with empty coordinates had all its rows rejected, none reported, and
/// 75 % of the dwellings « non trouvé », exit 0.
#[test]
fn a_ban_without_coordinates_stops_the_run() {
    use std::io::{Read, Write};
    let set = synth();
    let p = set.root.join("ban/adresses-00.csv.gz");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&p).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let out: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                return l.to_string();
            }
            let mut f: Vec<&str> = l.split(';').collect();
            f[10] = "";
            f[11] = "";
            f.join(";")
        })
        .collect();
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&p).unwrap(),
        flate2::Compression::fast(),
    );
    gz.write_all((out.join("\n") + "\n").as_bytes()).unwrap();
    gz.finish().unwrap();
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("adresses-00.csv.gz") && e.contains("x/y"), "{e}");
}

/// Regression: a truncated `.shp` lost 26 of 39 IRIS and the run published, exit 0.
#[test]
fn a_truncated_shapefile_stops_the_run() {
    let set = synth();
    let shp = set.root.join("zones/iris/iris.shp");
    let len = std::fs::metadata(&shp).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(&shp).unwrap();
    f.set_len(len / 3).unwrap();
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.lines().last().unwrap().contains("iris.shp"), "{e}");
}

/// Regression: all IRIS rejected for a wrong `.prj`, every dwelling « sans IRIS », exit 0.
#[test]
fn a_wrong_prj_stops_the_run_with_a_hint() {
    let set = synth();
    std::fs::write(
        set.root.join("zones/iris/iris.prj"),
        r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#,
    )
    .unwrap();
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    let last = e.lines().last().unwrap();
    assert!(
        last.contains("iris.shp") && last.contains("système de coordonnées"),
        "{e}"
    );
    // GDAL's own messages are capped
    assert!(e.lines().count() < 40, "{e}");
}

/// Regression: two QPV with the same polygon: one vanished from the join, no report.
#[test]
fn two_zones_with_the_same_polygon_are_reported() {
    let set = synth();
    let p = set.root.join("zones/qpv_2015.geojson");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    let features = doc["features"].as_array_mut().unwrap();
    let mut copy = features[0].clone();
    copy["properties"]["code_qp"] = "QP999999".into();
    features.push(copy);
    std::fs::write(&p, doc.to_string()).unwrap();
    set.set_config("max_reject_rate = 0.05", "max_reject_rate = 0.5");
    let o = set.check();
    assert!(o.status.success(), "{}", stderr(&o));
    let rejects = std::fs::read_to_string(set.out().join("rejets.csv")).unwrap();
    assert!(
        rejects.contains("qpv_2015.geojson;6;géométrie;QP999999;polygone identique"),
        "{rejects}"
    );
}

/// Reads the (gzip) BAN file of a set.
fn read_ban(set: &Set) -> String {
    use std::io::Read;
    let mut text = String::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(set.root.join("ban/adresses-00.csv.gz")).unwrap(),
    )
    .read_to_string(&mut text)
    .unwrap();
    text
}

fn write_ban(set: &Set, text: &str) {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(set.root.join("ban/adresses-00.csv.gz")).unwrap(),
        flate2::Compression::fast(),
    );
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap();
}

/// Regression: BAN rows rejected (bad x, NUL byte) were counted but never listed in
/// `rejets.csv`: every rejected row of every file must be listed there.
#[test]
fn rejected_ban_rows_are_listed_in_the_rejects_file() {
    let set = synth();
    let text = read_ban(&set);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for i in [3usize, 7] {
        let mut f: Vec<&str> = lines[i].split(';').collect();
        f[10] = "abc";
        lines[i] = f.join(";");
    }
    let mut f: Vec<String> = lines[9].split(';').map(str::to_string).collect();
    f[4].insert(1, '\0');
    lines[9] = f.join(";");
    write_ban(&set, &(lines.join("\n") + "\n"));
    let o = set.check();
    assert!(o.status.success(), "{}", stderr(&o));
    let rejects = std::fs::read_to_string(set.out().join("rejets.csv")).unwrap();
    let ban: Vec<&str> = rejects
        .lines()
        .filter(|l| l.starts_with("adresses-00.csv.gz;"))
        .collect();
    assert_eq!(ban.len(), 3, "{rejects}");
    // not a number: shown by its shape
    assert!(
        ban[0].starts_with("adresses-00.csv.gz;4;x;(valeur masquée : 3 caractères, lettres);"),
        "{rejects}"
    );
    assert!(ban[1].starts_with("adresses-00.csv.gz;8;x;"), "{rejects}");
    assert!(
        ban[2].starts_with("adresses-00.csv.gz;10;nom_voie;;octet nul"),
        "{rejects}"
    );
    // the summary reconciles: read = accepted + rejected
    let out = String::from_utf8_lossy(&o.stdout);
    let line = out
        .lines()
        .find(|l| l.contains("adresses-00.csv.gz"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("3 rejetées"), "{line}");
    set.assert_no_identifier("rejets.csv", &rejects);
}

/// Regression: a BAN reduced to its header line gave every dwelling « non trouvé », exit 0.
#[test]
fn a_ban_with_only_its_header_stops_the_run() {
    let set = synth();
    let text = read_ban(&set);
    write_ban(&set, &format!("{}\n", text.lines().next().unwrap()));
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("adresses-00.csv.gz") && e.contains("aucune ligne de données"),
        "{e}"
    );
}

/// Regression: a quote opened on the last line of the RPLS ran to the end of the file; the row
/// was only rejected for its number of fields (or accepted, in the last column).
#[test]
fn a_quote_opened_on_the_last_line_names_file_line_and_column() {
    let set = synth();
    let p = set.root.join("rpls_2022.csv");
    let text = read_latin1(&p);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len();
    let mut f: Vec<String> = lines[n - 1].split(';').map(str::to_string).collect();
    f[9] = format!("\"{}", f[9]);
    lines[n - 1] = f.join(";");
    write_latin1(&p, &(lines.join("\n") + "\n"));
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains(&format!("rpls_2022.csv, ligne {n}"))
            && e.contains("colonne NOMVOIE")
            && e.contains("guillemet"),
        "{e}"
    );
    set.assert_no_identifier("stderr", &e);
}

/// Regression: `LOYERPRINC = 1.250` (a thousands separator read as a decimal one) was accepted
/// as 1.25 €, lowering the published mean rents; lease and move-in dates in 1850 were counted
/// « not recent » silently.
#[test]
fn thousands_separators_in_rents_and_dates_before_1901_are_rejected() {
    let set = synth();
    set_rpls_value(&set, &set.ids[20], "LOYERPRINC", "1.250");
    set_rpls_value(&set, &set.ids[21], "LOYERPRINC", "12.500");
    set_rpls_value(&set, &set.ids[22], "BAIL", "01/1850");
    let p = set.root.join("ops_menages_2022.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let (i, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.split(';').nth(1) == Some("1") && l.split(';').nth(2) != Some(""))
        .unwrap();
    let mut f: Vec<&str> = line.split(';').collect();
    f[2] = "03/1850";
    let edited = f.join(";");
    std::fs::write(&p, text.replacen(line, &edited, 1)).unwrap();
    let o = set.check();
    assert!(o.status.success(), "{}", stderr(&o));
    let rejects = std::fs::read_to_string(set.out().join("rejets.csv")).unwrap();
    for (file, col, what) in [
        ("rpls_2022.csv", "LOYERPRINC", "1.250;loyer"),
        ("rpls_2022.csv", "LOYERPRINC", "12.500;loyer"),
        ("rpls_2022.csv", "BAIL", "01/1850;date"),
    ] {
        assert!(
            rejects
                .lines()
                .any(|l| l.starts_with(file) && l.contains(&format!(";{col};{what}"))),
            "{col} {what}:\n{rejects}"
        );
    }
    assert!(
        rejects.contains(&format!(
            "ops_menages_2022.csv;{};DATE_EMMENAGEMENT;03/1850;",
            i + 1
        )),
        "{rejects}"
    );
    set.assert_no_identifier("rejets.csv", &rejects);
}

/// Regression: a byte-order mark in the middle of a file (two exports concatenated) became
/// part of the identifier: the household was rejected as unknown, its occupants with it.
#[test]
fn a_byte_order_mark_inside_a_file_is_not_part_of_a_value() {
    let set = synth();
    let p = set.root.join("ops_menages_2022.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[50] = format!("\u{feff}{}", lines[50]);
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    let o = set.check();
    assert!(o.status.success(), "{}", stderr(&o));
    let rejects = std::fs::read_to_string(set.out().join("rejets.csv")).unwrap();
    assert!(!rejects.contains("ops_menages_2022.csv;51;"), "{rejects}");
}

/// Regression: `opsgeo geocode` geocoded a row that `opsgeo run` rejects (NUL byte, wrong
/// number of fields): the same row must be treated the same by both.
#[test]
fn geocode_rejects_the_rows_run_rejects() {
    let set = synth();
    let p = set.root.join("rpls_2022.csv");
    let text = read_latin1(&p);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut f: Vec<String> = lines[5].split(';').map(str::to_string).collect();
    f[9].push('\0');
    lines[5] = f.join(";");
    lines[6] = format!("{};surplus", lines[6]);
    write_latin1(&p, &(lines.join("\n") + "\n"));
    // `check` rejects both rows
    let o = set.check();
    assert!(o.status.success(), "{}", stderr(&o));
    let rejects = std::fs::read_to_string(set.out().join("rejets.csv")).unwrap();
    assert!(
        rejects.contains("rpls_2022.csv;6;NOMVOIE;;octet nul"),
        "{rejects}"
    );
    assert!(
        rejects.contains("rpls_2022.csv;7;;;nombre de champs"),
        "{rejects}"
    );
    // so does `geocode`
    let out = set.root.join("geocode.csv");
    let o = opsgeo(&[
        "geocode",
        "--ban",
        path_str(&set.root.join("ban/adresses-00.csv.gz")),
        "--input",
        path_str(&p),
        "--output",
        path_str(&out),
        "--id",
        "IDENT_REP",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("rpls_2022.csv, ligne 6, colonne NOMVOIE") && e.contains("octet nul"),
        "{e}"
    );
    assert!(
        e.contains("rpls_2022.csv, ligne 7") && e.contains("nombre de champs"),
        "{e}"
    );
    set.assert_no_identifier("stderr", &e);
    // the synthetic set holds rows `check` rejects for their number of fields too: the same
    // rows, and the NUL byte
    let short = rejects.matches(";;;nombre de champs").count();
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(&format!("{} ligne(s) rejetée(s)", short + 1)),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let result = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<&str> = result.lines().collect();
    assert_eq!(rows.len(), lines.len());
    for r in [rows[5], rows[6]] {
        let f: Vec<&str> = r.split(';').collect();
        assert_eq!(f[1..4], ["", "", "non_trouve"], "{r}");
    }
}

/// Regression: a GeoJSON whose `crs` member says Lambert-93 but whose coordinates are
/// longitude/latitude was read without a word, every dwelling « hors QPV », exit 0.
#[test]
fn a_zone_layer_away_from_the_communes_stops_the_run() {
    let set = synth();
    let p = set.root.join("zones/qpv_2015.geojson");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    doc["crs"] =
        serde_json::json!({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}});
    std::fs::write(&p, doc.to_string()).unwrap();
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    let last = e.lines().last().unwrap();
    assert!(
        last.contains("qpv_2015.geojson") && last.contains("système de coordonnées"),
        "{e}"
    );
}

/// Regression: a BAN with longitude/latitude in its x/y columns geocoded every dwelling far
/// from its commune; the run then stopped on the secrecy audit, the BAN never named.
#[test]
fn a_ban_in_longitude_latitude_is_named() {
    let set = synth();
    let text = read_ban(&set);
    let swapped: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                return l.to_string();
            }
            let mut f: Vec<&str> = l.split(';').collect();
            f.swap(10, 12);
            f.swap(11, 13);
            f.join(";")
        })
        .collect();
    write_ban(&set, &(swapped.join("\n") + "\n"));
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    let last = e.lines().last().unwrap();
    assert!(
        last.contains("adresses-00.csv.gz") && last.contains("Lambert-93"),
        "{e}"
    );
}

/// Regression: an optional RPLS column under a near name (« LOYER PRINC », « SURFHÂB ») was
/// silently absent: rents or surfaces left empty, exit 0.
#[test]
fn an_optional_column_under_a_near_name_is_an_error() {
    for (from, to) in [("LOYERPRINC", "LOYER PRINC"), ("SURFHAB", "SURFHÂB")] {
        let set = synth();
        let p = set.root.join("rpls_2022.csv");
        let text = read_latin1(&p);
        write_latin1(&p, &text.replacen(from, to, 1));
        let o = set.check();
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let e = stderr(&o);
        assert!(
            e.contains("rpls_2022.csv")
                && e.contains(&format!("« {from} »"))
                && e.contains("nom voisin"),
            "{e}"
        );
    }
}

/// Regression: a BAN whose rows were all rejected (empty coordinates) had none of them in
/// `rejets.csv`, and `opsgeo geocode` wrote every row « non_trouve », exit 0.
#[test]
fn a_ban_without_usable_rows_is_listed_and_stops_geocode_too() {
    let set = synth();
    let text = read_ban(&set);
    let emptied: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                return l.to_string();
            }
            let mut f: Vec<&str> = l.split(';').collect();
            f[10] = "";
            f[11] = "";
            f.join(";")
        })
        .collect();
    write_ban(&set, &(emptied.join("\n") + "\n"));
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let rejects = std::fs::read_to_string(set.out().join("rejets.csv")).unwrap();
    let listed = rejects
        .lines()
        .filter(|l| l.starts_with("adresses-00.csv.gz;"))
        .count();
    assert_eq!(listed, emptied.len() - 1, "{rejects}");
    assert!(rejects.contains("adresses-00.csv.gz;2;x;;coordonnées x/y invalides"));
    let out = set.root.join("geocode.csv");
    let o = opsgeo(&[
        "geocode",
        "--ban",
        path_str(&set.root.join("ban/adresses-00.csv.gz")),
        "--input",
        path_str(&set.root.join("rpls_2022.csv")),
        "--output",
        path_str(&out),
        "--id",
        "IDENT_REP",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("adresses-00.csv.gz") && e.contains("aucune adresse acceptée"),
        "{e}"
    );
    assert!(!out.exists());
}

/// Keeps the first half of the lines of a file (cut at a line break).
fn keep_first_half(p: &Path) {
    let bytes = std::fs::read(p).unwrap();
    let lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    std::fs::write(p, lines[..lines.len() / 2].concat()).unwrap();
}

/// Regression: files cut by a failed copy were read without a word. Cut in the middle of a
/// line, the file itself is named (a BAN row would even keep a cut coordinate); cut at a line
/// break, the households file was blamed for an RPLS cut in half, and an occupants file cut in
/// half published mean occupants over half the households, exit 0.
#[test]
fn truncated_files_are_named() {
    // cut in the middle of a line
    let set = synth();
    let p = set.root.join("rpls_2022.csv");
    let bytes = std::fs::read(&p).unwrap();
    std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("rpls_2022.csv, ligne") && e.contains("tronqué"),
        "{e}"
    );
    set.assert_no_identifier("stderr", &e);
    // the RPLS cut at a line break: the households file stops the run, naming the RPLS first
    let set = synth();
    keep_first_half(&set.root.join("rpls_2022.csv"));
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("ops_menages_2022.csv")
            && e.contains("vérifiez d'abord")
            && e.contains("rpls_2022.csv"),
        "{e}"
    );
    // the households or the occupants cut at a line break
    for (file, what) in [
        ("ops_menages_2022.csv", "logement(s) loué(s)"),
        ("ops_occupants_2022.csv", "ménage(s) répondant(s)"),
    ] {
        let set = synth();
        keep_first_half(&set.root.join(file));
        let o = set.check();
        assert_eq!(o.status.code(), Some(1), "{file}: {}", stderr(&o));
        let e = stderr(&o);
        let last = e.lines().last().unwrap();
        assert!(last.contains(file) && last.contains(what), "{e}");
        set.assert_no_identifier("stderr", &e);
    }
}

/// Regression: a communes layer in longitude/latitude declared as Lambert-93 made the IRIS
/// layer be blamed (« ne recouvre pas l'emprise de la couche des communes »): the layer at fault
/// is the one outside the domain of Lambert-93.
#[test]
fn a_layer_outside_lambert93_is_the_one_named() {
    let set = synth();
    let p = set.root.join("zones/communes.geojson");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
    // Lambert-93 metres turned into degree-sized numbers (~5, ~47), still declared EPSG:2154
    fn shrink(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Array(a) if a.len() >= 2 && a[0].is_number() => {
                let x = a[0].as_f64().unwrap();
                let y = a[1].as_f64().unwrap();
                a[0] = (x / 170_000.0).into();
                a[1] = (y / 142_000.0).into();
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(shrink),
            _ => {}
        }
    }
    for f in doc["features"].as_array_mut().unwrap() {
        shrink(&mut f["geometry"]["coordinates"]);
    }
    doc["crs"] =
        serde_json::json!({"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}});
    std::fs::write(&p, doc.to_string()).unwrap();
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    let last = e.lines().last().unwrap();
    assert!(
        last.contains("communes.geojson") && last.contains("Lambert-93"),
        "{e}"
    );
}

/// Regression: `DPEENERGIE = NC` (« non concerné », a legitimate RPLS value) rejected the
/// dwelling; it is now read as « sans DPE ».
#[test]
fn dpe_not_concerned_is_read_as_no_dpe() {
    let set = synth();
    for i in 30..40 {
        set_rpls_value(&set, &set.ids[i], "DPEENERGIE", "NC");
    }
    let o = set.check();
    assert!(o.status.success(), "{}", stderr(&o));
    let rejects = std::fs::read_to_string(set.out().join("rejets.csv")).unwrap();
    assert!(!rejects.contains(";DPEENERGIE;"), "{rejects}");
}

/// Two occupants « titulaire du bail » in one household (co-holders: spouses, partners, a
/// shared lease) were accepted without a word. Chosen behaviour: both are counted as
/// occupants (rejecting one would publish the household one person short), the household
/// once, and the log says how many households have several holders.
#[test]
fn co_holders_are_counted_once_and_said() {
    let set = synth();
    let p = set.root.join("ops_occupants_2022.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // the second occupant of the first household with two
    let i = (2..lines.len())
        .find(|&i| {
            lines[i].split(',').next() == lines[i - 1].split(',').next()
                && lines[i].split(',').nth(3) != Some("1")
        })
        .unwrap();
    let mut f: Vec<&str> = lines[i].split(',').collect();
    f[3] = "1";
    lines[i] = f.join(",");
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    let o = set.check();
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("ops_occupants_2022.csv : 1 ménage(s) avec plusieurs occupants"),
        "{e}"
    );
    let rejects = std::fs::read_to_string(set.out().join("rejets.csv")).unwrap();
    assert!(
        !rejects.contains(&format!("ops_occupants_2022.csv;{};", i + 1)),
        "{rejects}"
    );
    set.assert_no_identifier("stderr", &e);
}

/// The rejects file of `check` on a set, without its header.
fn check_rejects(set: &Set) -> String {
    let o = set.check();
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::read_to_string(set.out().join("rejets.csv")).unwrap()
}

/// Regression: a file saved by a spreadsheet with empty trailing columns (« ;;; » after the
/// last column, on every line or on the data rows only) had every row rejected for its
/// number of fields. A short row whose padding makes up for its missing fields is still
/// rejected.
#[test]
fn spreadsheet_padding_is_not_data() {
    let set = synth();
    let expected = check_rejects(&set);
    // CRLF and « ;;; » on every line of the RPLS
    let p = set.root.join("rpls_2022.csv");
    let text = read_latin1(&p).replace("\r\n", "\n");
    let padded: String = text.lines().map(|l| format!("{l};;;\r\n")).collect();
    write_latin1(&p, &padded);
    // « ; » after the data rows only of the households, « ;; » after the occupants' header
    let p = set.root.join("ops_menages_2022.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let padded: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_string()
            } else {
                format!("{l};")
            }
        })
        .collect();
    std::fs::write(&p, padded.join("\n") + "\n").unwrap();
    let p = set.root.join("ops_occupants_2022.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replacen('\n', ",,\n", 1)).unwrap();
    // the same rows rejected for the same column (the short row counts its padding)
    let key = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| l.split(';').take(3).collect::<Vec<_>>().join(";"))
            .collect()
    };
    assert_eq!(key(&check_rejects(&set)), key(&expected));
}

/// Regression: a ZIP archive (or an .xlsx workbook) given for a CSV was reported as « en-tête
/// absent ou illisible » after a warning on absent optional columns; a gzip file named `.csv`
/// was unreadable. The archive is named for what it is; gzip is read whatever its name.
#[test]
fn archives_are_named_and_gzip_is_read_whatever_its_name() {
    use std::io::Write;
    let set = synth();
    let expected = check_rejects(&set);
    let p = set.root.join("ops_occupants_2022.csv");
    let text = std::fs::read(&p).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&text).unwrap();
    std::fs::write(&p, gz.finish().unwrap()).unwrap();
    assert_eq!(check_rejects(&set), expected);
    let p = set.root.join("rpls_2022.csv");
    let mut zip = b"PK\x03\x04".to_vec();
    zip.extend_from_slice(&[0u8; 200]);
    std::fs::write(&p, zip).unwrap();
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("rpls_2022.csv") && e.contains("archive ZIP"),
        "{e}"
    );
    assert!(!e.contains("facultative"), "{e}");
}

/// Regression: the IRIS commune attribute mapped to a name column (`commune = "NOM_IRIS"`)
/// published every IRIS outside its commune, exit 0. Each zone is now rejected, the layer
/// stops on its threshold, and the message names the attribute, not the coordinate system.
#[test]
fn a_zone_commune_attribute_that_is_not_a_code_is_rejected() {
    let set = synth();
    set.set_config(
        "commune = \"INSEE_COM\"\n# Millésime des IRIS",
        "commune = \"NOM_IRIS\"\n# Millésime des IRIS",
    );
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    let last = e.lines().last().unwrap();
    assert!(
        last.contains("iris.shp")
            && last.contains("colonne NOM_IRIS, code commune de la zone invalide"),
        "{e}"
    );
    assert!(!last.contains("système de coordonnées"), "{e}");
}

/// Regression: a run stopped on its reject threshold said only « détail dans … »: the
/// operator had to open the rejects file to learn that every DEPCOM had lost its leading
/// zeros in a spreadsheet. The most frequent reason and its column are in the message.
#[test]
fn a_threshold_stop_names_the_most_frequent_reason() {
    let set = synth();
    let p = set.root.join("rpls_2022.csv");
    let text = read_latin1(&p);
    let stripped: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                return l.to_string();
            }
            let mut f: Vec<String> = l.split(';').map(str::to_string).collect();
            if f.len() > 3 {
                f[3] = f[3].trim_start_matches('0').to_string();
            }
            f.join(";")
        })
        .collect();
    write_latin1(&p, &(stripped.join("\n") + "\n"));
    let o = set.run(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("rpls_2022.csv")
            && e.contains("motif le plus fréquent")
            && e.contains("colonne DEPCOM, code commune : code INSEE invalide"),
        "{e}"
    );
    set.assert_no_identifier("stderr", &e);
}

/// Removes the rows of `file` (a CSV with the identifier first) whose identifier is one of
/// the first `n` distinct identifiers kept by `pick`.
fn remove_rows_of(set: &Set, file: &str, n: usize, pick: impl Fn(&str) -> bool) {
    let p = set.root.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    let sep = if file.contains("occupants") { ',' } else { ';' };
    let mut chosen: Vec<String> = Vec::new();
    for l in text.lines().skip(1) {
        let id = l.split(sep).next().unwrap().to_string();
        if chosen.len() < n && pick(l) && !chosen.contains(&id) {
            chosen.push(id);
        }
    }
    assert_eq!(chosen.len(), n);
    let kept: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || !chosen.iter().any(|c| l.split(sep).next() == Some(c)))
        .map(|(_, l)| l)
        .collect();
    std::fs::write(&p, kept.join("\n") + "\n").unwrap();
}

/// Stop rule (issue 14): let dwellings without any household row obey `max_reject_rate`
/// (5 %): 60 of ~380 missing stop the run naming the households file; 6 missing pass.
#[test]
fn dwellings_without_household_stop_above_the_threshold_only() {
    let set = synth();
    remove_rows_of(&set, "ops_menages_2022.csv", 60, |_| true);
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let last = stderr(&o).lines().last().unwrap().to_string();
    assert!(
        last.contains("ops_menages_2022.csv")
            && last.contains("logement(s) loué(s)")
            && last.contains("run.max_reject_rate"),
        "{last}"
    );
    let set = synth();
    remove_rows_of(&set, "ops_menages_2022.csv", 6, |_| true);
    let o = set.check();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Stop rule (issue 14): responding households without any occupant row obey
/// `max_reject_rate`: 50 of ~300 stop the run naming the occupants file; 5 pass.
#[test]
fn respondents_without_occupant_stop_above_the_threshold_only() {
    let set = synth();
    remove_rows_of(&set, "ops_occupants_2022.csv", 50, |_| true);
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let last = stderr(&o).lines().last().unwrap().to_string();
    assert!(
        last.contains("ops_occupants_2022.csv")
            && last.contains("ménage(s) répondant(s)")
            && last.contains("run.max_reject_rate"),
        "{last}"
    );
    set.assert_no_identifier("stderr", &stderr(&o));
    let set = synth();
    remove_rows_of(&set, "ops_occupants_2022.csv", 5, |_| true);
    let o = set.check();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Moves the BAN points (x) of the rows `pick` keeps by `dx` metres.
fn shift_ban(set: &Set, dx: f64, pick: impl Fn(&[&str]) -> bool) {
    let text = read_ban(set);
    let out: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let mut f: Vec<String> = l.split(';').map(str::to_string).collect();
            if i > 0 && pick(&l.split(';').collect::<Vec<_>>()) {
                let x: f64 = f[10].parse().unwrap();
                f[10] = format!("{:.2}", x + dx);
            }
            f.join(";")
        })
        .collect();
    write_ban(set, &(out.join("\n") + "\n"));
}

/// Stop rule (issue 14): BAN points more than 5 km outside the extent of the communes stop
/// the run, naming the BAN, when they are those of most communes (another coordinate
/// system); the points of a few communes are a warning; points moved by less than 5 km pass.
#[test]
fn ban_points_away_from_the_communes_stop_for_most_communes_only() {
    let set = synth();
    shift_ban(&set, 60_000.0, |_| true);
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let last = stderr(&o).lines().last().unwrap().to_string();
    assert!(
        last.contains("adresses-00.csv.gz") && last.contains("à plus de 5 km"),
        "{last}"
    );
    let set = synth();
    shift_ban(&set, 60_000.0, |f| f[6] == "00001");
    let o = set.check();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("adresses-00.csv.gz : les adresses de 1 commune(s)"),
        "{}",
        stderr(&o)
    );
    let set = synth();
    shift_ban(&set, 1_000.0, |_| true);
    let o = set.check();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("à plus de 5 km"), "{}", stderr(&o));
}

/// Stop rule (issue 14): a zone layer none of whose features overlaps the communes stops the
/// run naming that layer; a layer moved by a few metres (within the communes) passes.
#[test]
fn a_zone_layer_away_from_the_communes_stops_and_a_near_one_passes() {
    fn shift(v: &mut serde_json::Value, dx: f64) {
        match v {
            serde_json::Value::Array(a) if a.len() >= 2 && a[0].is_number() => {
                a[0] = (a[0].as_f64().unwrap() + dx).into();
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|x| shift(x, dx)),
            _ => {}
        }
    }
    for (dx, stops) in [(3.0, true), (0.0001, false)] {
        let set = synth();
        let p = set.root.join("zones/qpv_2015.geojson");
        let mut doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        for f in doc["features"].as_array_mut().unwrap() {
            shift(&mut f["geometry"]["coordinates"], dx);
        }
        std::fs::write(&p, doc.to_string()).unwrap();
        let o = set.check();
        if stops {
            assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
            let last = stderr(&o).lines().last().unwrap().to_string();
            assert!(
                last.contains("qpv_2015.geojson") && last.contains("ne recouvre l'emprise"),
                "{last}"
            );
        } else {
            assert!(o.status.success(), "{}", stderr(&o));
        }
    }
}

/// Regression: the header line repeated in the middle of a file (two exports put end to end)
/// was rejected as « code INSEE invalide » on its DEPCOM: the reason now says what it is.
#[test]
fn a_header_repeated_mid_file_is_said_so() {
    let set = synth();
    let p = set.root.join("rpls_2022.csv");
    let text = read_latin1(&p);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let header = lines[0].clone();
    lines.insert(100, header);
    write_latin1(&p, &(lines.join("\n") + "\n"));
    let rejects = check_rejects(&set);
    assert!(
        rejects.contains("rpls_2022.csv;101;IDENT_REP;;ligne d'en-tête répétée"),
        "{rejects}"
    );
}

/// Regression: a misspelt configuration key was reported in English (« unknown field
/// `max_rejet_rate`, expected one of … »): the line, the key and the keys expected are said in
/// French.
#[test]
fn a_misspelt_config_key_is_said_in_french() {
    let set = synth();
    set.set_config("max_reject_rate = 0.05", "max_rejet_rate = 0.05");
    let o = set.check();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("opsgeo.toml, ligne")
            && e.contains("clé inconnue « max_rejet_rate »")
            && e.contains("max_reject_rate")
            && !e.contains("unknown field"),
        "{e}"
    );
}

/// Regression (16th session): an EPCI name read in the code column (`CODE_EPCI` = « Métropole
/// fictive… » on one row) was accepted, a false EPCI built, and the run took three minutes to
/// fail in the secrecy audit, the EPCI table never named. A code that is not a SIREN number is
/// now rejected and the table obeys its threshold; a table whose every row is rejected (codes
/// that lost their leading zeros in a spreadsheet) gives its reason, not « aucune commune ».
#[test]
fn an_epci_code_that_is_not_a_siren_number_is_rejected() {
    let set = synth();
    let p = set.root.join("epci.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let f: Vec<&str> = lines[2].split(';').collect();
    lines[2] = format!("{};{};{}", f[0], f[2], f[2]);
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let last = stderr(&o).lines().last().unwrap().to_string();
    assert!(
        last.contains("epci.csv") && last.contains("colonne CODE_EPCI, code EPCI invalide"),
        "{last}"
    );
    let rejects = std::fs::read_to_string(set.out().join("rejets.csv")).unwrap();
    assert!(rejects.contains("epci.csv;3;CODE_EPCI;"), "{rejects}");

    let set = synth();
    let p = set.root.join("epci.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let stripped: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_string()
            } else {
                l.trim_start_matches('0').to_string()
            }
        })
        .collect();
    std::fs::write(&p, stripped.join("\n") + "\n").unwrap();
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let last = stderr(&o).lines().last().unwrap().to_string();
    assert!(
        last.contains("epci.csv")
            && last.contains("(100.0 %)")
            && last.contains("colonne INSEE_COM, code commune INSEE invalide"),
        "{last}"
    );
    assert!(!last.contains("aucune commune"), "{last}");
}

/// Regression (16th session): two BAN extracts of the same département in `ban.paths` (an old
/// one kept beside the new one, or one file listed twice) were both read: two points for each
/// address, the later file winning, exit 0 and 96 published values changed. A file whose every
/// commune was read from an earlier file now stops the run naming both files.
#[test]
fn a_departement_given_twice_in_the_ban_is_named() {
    let set = synth();
    let old = set.root.join("ban/adresses-00-ancien.csv.gz");
    std::fs::copy(set.root.join("ban/adresses-00.csv.gz"), &old).unwrap();
    set.set_config(
        "paths = [\"ban/adresses-00.csv.gz\"]",
        "paths = [\"ban/adresses-00.csv.gz\", \"ban/adresses-00-ancien.csv.gz\"]",
    );
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let last = stderr(&o).lines().last().unwrap().to_string();
    assert!(
        last.contains("adresses-00-ancien.csv.gz")
            && last.contains("ont déjà leurs adresses dans adresses-00.csv.gz")
            && last.contains("ban.paths"),
        "{last}"
    );
    set.set_config(
        "\"ban/adresses-00-ancien.csv.gz\"]",
        "\"ban/adresses-00.csv.gz\"]",
    );
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let last = stderr(&o).lines().last().unwrap().to_string();
    assert!(last.contains("fichier donné deux fois"), "{last}");
}

/// Regression (16th session, issue 14 leftover): a BAN street whose points all moved 8 km
/// away was found at the number with a perfect score: its dwellings were published outside
/// their IRIS and the review layer did not list the address. An address whose point falls
/// outside the polygon of its DEPCOM commune is now in `geocodage_a_verifier`, with the reason
/// in its comment.
#[test]
fn an_address_found_outside_its_commune_goes_to_review() {
    use gdal::vector::LayerAccess;
    let set = synth();
    // the street of the first RPLS dwelling without X/Y (located through the BAN)
    let rpls = read_latin1(&set.root.join("rpls_2022.csv"));
    let mut lines = rpls.lines();
    let header: Vec<&str> = lines.next().unwrap().split(';').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (depcom, nomvoie) = lines
        .map(|l| l.split(';').collect::<Vec<_>>())
        .find(|f| {
            f.len() == header.len() && f[col("X")].is_empty() && !f[col("NOMVOIE")].is_empty()
        })
        .map(|f| {
            (
                f[col("DEPCOM")].to_string(),
                format!(" {}", f[col("NOMVOIE")]),
            )
        })
        .unwrap();
    let ban = read_ban(&set);
    let ban_header: Vec<&str> = ban.lines().next().unwrap().split(';').collect();
    let afnor = ban_header.iter().position(|h| *h == "nom_afnor").unwrap();
    let moved = std::cell::Cell::new(0);
    shift_ban(&set, 8_000.0, |f| {
        let hit = f[6] == depcom && f[afnor].ends_with(&nomvoie);
        moved.set(moved.get() + usize::from(hit));
        hit
    });
    assert!(moved.get() > 0, "{depcom} {nomvoie}");
    let o = set.run(&["-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ds = gdal::Dataset::open(set.out().join("opsgeo.gpkg")).unwrap();
    let mut layer = ds.layer_by_name("geocodage_a_verifier").unwrap();
    let flagged: Vec<(String, String)> = layer
        .features()
        .filter(|f| {
            f.str_of("commentaire")
                .is_some_and(|c| c.starts_with("point hors de la commune DEPCOM"))
        })
        .map(|f| (f.str_of("depcom").unwrap(), f.str_of("niveau").unwrap()))
        .collect();
    assert!(!flagged.is_empty());
    assert!(flagged.iter().all(|(d, _)| *d == depcom), "{flagged:?}");
    assert!(flagged.iter().any(|(_, l)| l == "numero"), "{flagged:?}");
}

/// Regression (16th session): the QVA layer given as the QPV layer (path, code and name keys
/// changed together) was read without a fault and published its two polygons as QPV, exit 0:
/// the join contradicted the RPLS QPV flag for every dwelling in a QPV by either, a count in
/// the summary only. Above `run.max_unplaced_rate` of them the run stops, naming the layer.
#[test]
fn a_qpv_layer_that_contradicts_the_rpls_flag_stops_the_run() {
    let set = synth();
    set.set_config(
        "path = \"zones/qpv_2015.geojson\"",
        "path = \"zones/qva.geojson\"",
    );
    set.set_config("code = \"code_qp\"", "code = \"code_qva\"");
    set.set_config("name = \"nom_qp\"", "name = \"nom_qva\"");
    let o = set.run(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let last = stderr(&o).lines().last().unwrap().to_string();
    assert!(
        last.contains("qva.geojson")
            && last.contains("l'indicateur QPV du RPLS")
            && last.contains("run.max_unplaced_rate"),
        "{last}"
    );
    assert!(!set.out().join("opsgeo.gpkg").exists());
}

/// Regression (16th session): a BAN without any address of one commune left its 316 dwellings
/// « non trouvé » without a word (10 % of the dwellings, under the location threshold), and a
/// BAN of another département (a territory over two départements, one file given) was only
/// caught by the share of dwellings not located. The communes without any address are now
/// named in a warning, and a département of the territory absent from the BAN stops the run
/// naming the key.
#[test]
fn a_commune_or_departement_missing_from_the_ban_is_named() {
    let set = synth();
    let text = read_ban(&set);
    let kept: Vec<&str> = text
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || l.split(';').nth(6) != Some("00002"))
        .map(|(_, l)| l)
        .collect();
    write_ban(&set, &(kept.join("\n") + "\n"));
    let o = set.check();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("aucune adresse des communes 00002 dans la BAN"),
        "{}",
        stderr(&o)
    );
    let set = synth();
    let text = read_ban(&set);
    let moved: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let mut f: Vec<String> = l.split(';').map(str::to_string).collect();
            if i > 0 {
                f[6] = format!("21{}", &f[6][2..]);
            }
            f.join(";")
        })
        .collect();
    write_ban(&set, &(moved.join("\n") + "\n"));
    let o = set.check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let last = stderr(&o).lines().last().unwrap().to_string();
    assert!(
        last.contains("adresses-00.csv.gz")
            && last.contains("aucune adresse du département 00 dans la BAN")
            && last.contains("ban.paths"),
        "{last}"
    );
}

/// Regression (16th session): the households file given as the occupants file (or the RPLS
/// as the households file…) was « colonne obligatoire NUM_OCCUPANT absente », exit 1, as if
/// the file were damaged. A file that has the columns of another input is a configuration
/// error (exit 2) naming both keys.
#[test]
fn a_file_given_under_another_inputs_key_names_both_keys() {
    let set = synth();
    set.set_config(
        "path = \"ops_occupants_2022.csv\"",
        "path = \"ops_menages_2022.csv\"",
    );
    let o = set.check();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let last = stderr(&o).lines().last().unwrap().to_string();
    assert!(
        last.contains("ops_menages_2022.csv")
            && last.contains("clé `ops_households.path`")
            && last.contains("clé `ops_occupants.path`"),
        "{last}"
    );
}

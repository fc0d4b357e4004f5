use super::toml_messages::french_toml_message;
use super::*;

/// The smallest valid configuration (also used by the tests of the sub-sections).
pub(super) const MINIMAL: &str = r#"
[rpls]
path = "rpls.csv"
[ops_households]
path = "m.csv"
[ops_occupants]
path = "o.csv"
[ban]
paths = ["b.csv"]
[territory]
epci_table = "epci.csv"
[zones.communes]
path = "c.geojson"
[zones.iris]
path = "i.geojson"
[zones.qpv]
path = "q.geojson"
"#;

#[test]
fn minimal_config_gets_real_world_defaults() {
    let cfg = Config::from_toml_str(MINIMAL, Path::new("/x")).unwrap();
    assert_eq!(cfg.zones.iris.code, "CODE_IRIS");
    assert_eq!(cfg.zones.qpv.code, "code_qp");
    assert_eq!(cfg.rpls.columns.loyerprinc, "LOYERPRINC");
    assert_eq!(cfg.run.reference().year, 2022);
    assert_eq!(cfg.output.dir, PathBuf::from("out"));
}

/// Regression: `rpls.columns.depcom = "CODE_COMMUNE"` (or a zone attribute) naming a
/// column the file does not have was reported as a data error (exit 1), the key unnamed.
#[test]
fn a_column_renamed_in_the_file_is_traced_to_its_key() {
    let text = MINIMAL
            .replace(
                "[rpls]\npath = \"rpls.csv\"",
                "[rpls]\npath = \"rpls.csv\"\n[rpls.columns]\ndepcom = \"CODE_COMMUNE\"\nnbpiece = \"NBPIECE\"",
            )
            .replace(
                "[zones.iris]\npath = \"i.geojson\"",
                "[zones.iris]\npath = \"i.geojson\"\nname = \"LIB_IRIS\"\ncode = \"CODE_IRIS\"",
            );
    let cfg = Config::from_toml_str(&text, Path::new("/x")).unwrap();
    assert_eq!(cfg.rpls.columns.depcom, "CODE_COMMUNE");
    assert_eq!(
        cfg.key_naming_column("CODE_COMMUNE"),
        Some("rpls.columns.depcom")
    );
    assert_eq!(cfg.key_naming_column("LIB_IRIS"), Some("zones.iris.name"));
    // a key written with its default name is not the culprit of a missing column
    assert_eq!(cfg.key_naming_column("NBPIECE"), None);
    assert_eq!(cfg.key_naming_column("CODE_IRIS"), None);
    assert_eq!(cfg.key_naming_column("DEPCOM"), None);
}

/// Regression: a configuration saved in Windows-1252 was « stream did not contain valid
/// UTF-8 » (English, no line, the cause printed twice).
#[test]
fn a_configuration_not_in_utf8_names_the_line_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("opsgeo.toml");
    let mut bytes = b"[run]\nterritory_name = \"M".to_vec();
    bytes.extend_from_slice(b"\xe9tropole\"\n");
    std::fs::write(&p, bytes).unwrap();
    let e = Config::load(&p).unwrap_err();
    assert!(
        matches!(
            e,
            ConfigError::NotUtf8 {
                line: 2,
                column: 20,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("n'est pas en UTF-8"), "{e}");
}

/// Regression: a negative threshold, a key given twice, a text where a list is expected
/// were reported in the TOML reader's English.
#[test]
fn the_toml_readers_messages_are_in_french() {
    assert_eq!(
        french_toml_message("invalid value: integer `-3`, expected u32"),
        "valeur invalide : entier -3 (attendu : un entier positif ou nul)"
    );
    assert_eq!(
        french_toml_message("duplicate key `recent_years` in table `run`"),
        "clé « recent_years » donnée deux fois dans la section [run]"
    );
    assert_eq!(
            french_toml_message("invalid type: string \"b.csv\", expected a sequence"),
            "type de valeur invalide : texte \"b.csv\" (attendu : une liste entre crochets, par exemple [\"a\", \"b\"])"
        );
}

#[test]
fn syntax_error_names_line_and_column() {
    let text = format!("{MINIMAL}\n[secrecy]\nmin_units = \"onze\"\n");
    let err = Config::from_toml_str(&text, Path::new("/x")).unwrap_err();
    match err {
        ConfigError::Syntax { line, column, .. } => {
            assert_eq!(line, 20);
            assert_eq!(column, 13);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn unknown_key_is_refused() {
    let text = format!("{MINIMAL}\n[secrecy]\nmin_unit = 5\n");
    assert!(matches!(
        Config::from_toml_str(&text, Path::new("/x")),
        Err(ConfigError::Syntax { .. })
    ));
}

#[test]
fn out_of_range_threshold_is_refused() {
    let text = format!("{MINIMAL}\n[secrecy]\nmin_response_rate = 60\n");
    let err = Config::from_toml_str(&text, Path::new("/x")).unwrap_err();
    assert!(err.to_string().contains("secrecy.min_response_rate"));
}

/// Regression: `reference_date = 2022-01-01` written without quotes (a TOML date) was
/// « type de valeur invalide : map ».
#[test]
fn a_date_without_quotes_is_named_as_such() {
    let text = format!("[run]\nreference_date = 2022-01-01\n{MINIMAL}");
    let e = Config::from_toml_str(&text, Path::new("/x"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("date sans guillemets (2022-01-01)"), "{e}");
    assert!(e.contains("ligne 2, colonne 18"), "{e}");
}

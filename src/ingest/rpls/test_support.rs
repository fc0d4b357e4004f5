//! Fixtures shared by the ingest unit tests: a two-commune territory around Dijon and a RPLS
//! row builder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo::{LineString, MultiPolygon, Polygon};

use crate::config::{CsvInput, EpciColumns, TerritorySection};
use crate::ingest::territory::Territory;
use crate::ingest::zones::{Zone, ZoneKind, ZoneLayer};
use crate::ingest::InputStats;

/// Axis-aligned square polygon.
pub fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
    MultiPolygon(vec![Polygon::new(
        LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
        vec![],
    )])
}

/// Dijon (21231) and Chenôve (21166) as 10 km squares in Lambert-93, one EPCI.
pub fn territory() -> Territory {
    let zone = |code: &str, name: &str, y0: f64| Zone {
        code: code.into(),
        name: name.into(),
        commune: String::new(),
        geometry: square(850_000.0, y0, 860_000.0, y0 + 10_000.0),
    };
    let layer = ZoneLayer {
        kind: ZoneKind::Commune,
        source: PathBuf::from("communes.gpkg"),
        vintage: "2024".into(),
        zones: vec![
            zone("21231", "Dijon", 6_685_000.0),
            zone("21166", "Chenôve", 6_675_000.0),
        ],
        issues: vec![],
        stats: InputStats::default(),
    };
    let cfg = TerritorySection {
        epci_table: PathBuf::from("epci.csv"),
        epci_columns: EpciColumns::default(),
        encoding: "auto".into(),
        delimiter: "auto".into(),
        departements: BTreeMap::new(),
        regions: BTreeMap::new(),
    };
    let members = ["21231", "21166"]
        .iter()
        .map(|c| {
            (
                c.to_string(),
                "242100410".to_string(),
                "Dijon Métropole".to_string(),
            )
        })
        .collect();
    Territory::from_members(members, InputStats::default(), &cfg, &layer).expect("territory")
}

/// Writes `content` to `dir/name`.
pub fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).expect("write fixture");
    p
}

/// A CSV input with default column names and detection.
pub fn input<C: Default>(path: PathBuf) -> CsvInput<C> {
    CsvInput {
        path,
        encoding: "auto".into(),
        delimiter: "auto".into(),
        columns: C::default(),
        latest_date: None,
    }
}

/// The full RPLS header used by the fixtures.
pub const RPLS_HEADER: [&str; 29] = [
    "IDENT_REP",
    "IDENT_ORG",
    "RS",
    "DEPCOM",
    "CODEPOSTAL",
    "LIBCOM",
    "NUMVOIE",
    "INDREP",
    "TYPVOIE",
    "NOMVOIE",
    "LIEUDIT",
    "IMMEU",
    "BAT",
    "ESC",
    "ENTREE",
    "NBPIECE",
    "SURFHAB",
    "LOCAT",
    "FINAN",
    "DPEDATE",
    "DPEENERGIE",
    "MODE",
    "BAIL",
    "LOYERPRINC",
    "QPV",
    "X",
    "Y",
    "EPSG",
    "PLG_QVA",
];

/// Values of a valid dwelling, in [`RPLS_HEADER`] order (the id is set by [`rpls_row`]).
const RPLS_DEFAULTS: [&str; 29] = [
    "",
    "210000001",
    "OPH DIJON",
    "21231",
    "21000",
    "Dijon",
    "0012",
    "9",
    "RUE",
    "DES GODRANS",
    "",
    "P001",
    "A",
    "1",
    "",
    "3",
    "65,5",
    "1975",
    "13",
    "03/2015",
    "D",
    "1",
    "09/2019",
    "420,50",
    "2",
    "",
    "",
    "",
    "",
];

/// One RPLS row (`;`-separated) with `id` and the given column overrides.
pub fn rpls_row(id: &str, overrides: &[(&str, &str)]) -> String {
    let mut v: Vec<&str> = RPLS_DEFAULTS.to_vec();
    v[0] = id;
    for (col, val) in overrides {
        let i = RPLS_HEADER
            .iter()
            .position(|h| h == col)
            .unwrap_or_else(|| panic!("unknown fixture column {col}"));
        v[i] = val;
    }
    v.join(";")
}

/// A whole RPLS file (UTF-8, `;`) from rows built by [`rpls_row`].
pub fn rpls_file(rows: &[String]) -> String {
    let mut s = RPLS_HEADER.join(";");
    s.push('\n');
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

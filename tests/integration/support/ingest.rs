//! Inputs of the reading stage: a two-commune territory around Dijon (10 km squares in
//! Lambert-93) built through the public API, the configuration of a CSV input and of a zone
//! layer.

use std::collections::BTreeMap;
use std::path::PathBuf;

use opsgeo::config::{CsvInput, EpciColumns, TerritorySection, ZoneInput};
use opsgeo::ingest::territory::Territory;
use opsgeo::ingest::zones::{Zone, ZoneKind, ZoneLayer};
use opsgeo::ingest::InputStats;

use super::geometry::square_zone;

pub fn territory() -> Territory {
    let zone = |code: &str, name: &str, y0: f64| Zone {
        code: code.into(),
        name: name.into(),
        commune: String::new(),
        geometry: square_zone(850_000.0, y0, 10_000.0),
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
        .map(|c| (c.to_string(), "242100410".into(), "Dijon Métropole".into()))
        .collect();
    Territory::from_members(members, InputStats::default(), &cfg, &layer).unwrap()
}

pub fn input<C: Default>(path: PathBuf) -> CsvInput<C> {
    CsvInput {
        path,
        encoding: "auto".into(),
        delimiter: "auto".into(),
        columns: C::default(),
        latest_date: None,
    }
}

/// The configuration of the zone layer `path`: its code, name and commune columns (`""`: none),
/// first layer of the file, no vintage, the file's own CRS.
pub fn zone_input(path: PathBuf, code: &str, name: &str, commune: &str) -> ZoneInput {
    ZoneInput {
        path,
        layer: String::new(),
        code: code.into(),
        name: name.into(),
        commune: commune.into(),
        vintage: String::new(),
        assume_epsg: None,
    }
}

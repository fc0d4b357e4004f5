//! The TOML configuration: parsed with serde, then validated into a [`Config`] whose paths are
//! absolute and whose values are in range.
//!
//! Every column name has the real-world default (RPLS, IGN, ANCT, BAN layouts), so a minimal file
//! only names the input paths. Paths are relative to the configuration file's folder.
//!
//! ```
//! let text = r#"
//! [rpls]
//! path = "rpls.csv"
//! [ops_households]
//! path = "menages.csv"
//! [ops_occupants]
//! path = "occupants.csv"
//! [ban]
//! paths = ["adresses-21.csv.gz"]
//! [territory]
//! epci_table = "epci.csv"
//! [zones.communes]
//! path = "communes.gpkg"
//! [zones.iris]
//! path = "iris.shp"
//! [zones.qpv]
//! path = "qpv.geojson"
//! "#;
//! let cfg = opsgeo::config::Config::from_toml_str(text, std::path::Path::new("/data")).unwrap();
//! assert_eq!(cfg.secrecy.min_units, 11);
//! assert_eq!(cfg.rpls.path, std::path::PathBuf::from("/data/rpls.csv"));
//! assert_eq!(cfg.rpls.columns.ident_rep, "IDENT_REP");
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::YearMonth;

mod column_keys;
mod columns;
mod encoding;
mod postgis;
mod toml_messages;

use column_keys::{explicit_column_keys, ZONE_ATTRIBUTE_DEFAULTS};
pub use toml_messages::line_col;
use toml_messages::toml_error_message;

pub use columns::*;
pub use encoding::{Delimiter, Encoding};
pub use postgis::*;

/// Configuration errors: always exit code 2.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("impossible de lire le fichier de configuration {path}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not UTF-8 (saved as Windows-1252 by an editor): where the first byte that
    /// is not UTF-8 is.
    #[error(
        "{path}, ligne {line}, colonne {column} : le fichier de configuration n'est pas en UTF-8 \
         (accents enregistrés en Windows-1252 / Latin-1 ?) : l'enregistrer en UTF-8"
    )]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        column: usize,
    },
    #[error("{path}, ligne {line}, colonne {column} : {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path} : clé `{key}` : {message}")]
    Invalid {
        path: PathBuf,
        key: String,
        message: String,
    },
    #[error("{path} : clé `{key}` : fichier introuvable : {file}")]
    MissingFile {
        path: PathBuf,
        key: String,
        file: PathBuf,
    },
    #[error("{path} : clé `{key}` : {file} est un dossier, un fichier est attendu")]
    NotAFile {
        path: PathBuf,
        key: String,
        file: PathBuf,
    },
}

/// The validated configuration of a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The file this configuration was read from (set by the loader).
    #[serde(skip)]
    pub source: PathBuf,
    #[serde(default)]
    pub run: RunSection,
    pub territory: TerritorySection,
    pub rpls: CsvInput<RplsColumns>,
    pub ops_households: CsvInput<HouseholdColumns>,
    pub ops_occupants: CsvInput<OccupantColumns>,
    pub ban: BanSection,
    pub zones: ZonesSection,
    #[serde(default)]
    pub secrecy: SecrecySection,
    #[serde(default)]
    pub output: OutputSection,
    /// Column and attribute names written in the file (key, name): a missing column named
    /// there is a configuration mistake ([`Config::key_naming_column`]).
    #[serde(skip)]
    pub column_keys: Vec<(String, String)>,
}

/// `[run]`: reference date and run-level limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RunSection {
    /// OPS reference date (`AAAA-MM-JJ`); only year and month matter.
    pub reference_date: String,
    /// Recent movers moved in less than this many years before the reference date.
    pub recent_years: u8,
    /// Above this share of rejected rows in an input, the run stops (exit 1).
    pub max_reject_rate: f64,
    /// Above this share of dwellings without a location precise enough for the zones (address
    /// found at the commune only, or not at all), or of located dwellings in no IRIS, the run
    /// stops (exit 1): a BAN of another territory, an IRIS layer missing communes or shifted.
    pub max_unplaced_rate: f64,
    /// Source citation required by the convention, written into every output.
    pub source_citation: String,
    /// Name of the territory shown in titles.
    pub territory_name: String,
}

impl Default for RunSection {
    fn default() -> Self {
        RunSection {
            reference_date: "2022-01-01".into(),
            recent_years: 2,
            max_reject_rate: 0.05,
            max_unplaced_rate: 0.5,
            source_citation: "Source : USH BFC – application OPS 2022 (EOHS), RPLS 2022".into(),
            territory_name: "Dijon métropole".into(),
        }
    }
}

impl RunSection {
    /// The reference date as year and month (validated at load).
    pub fn reference(&self) -> YearMonth {
        YearMonth::parse(&self.reference_date).expect("validated at load")
    }

    /// Latest date accepted in the inputs: December of the year after the reference date (the
    /// survey is collected during the months after its reference date). Later dates (a lease
    /// in 2090) are rejected, whatever today's clock says.
    pub fn latest_date(&self) -> YearMonth {
        let year = self.reference().year.saturating_add(1);
        YearMonth::new(year, 12).unwrap_or(self.reference())
    }
}

/// `[territory]`: EPCI membership and names of départements and régions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TerritorySection {
    /// CSV table commune → EPCI.
    pub epci_table: PathBuf,
    #[serde(default)]
    pub epci_columns: EpciColumns,
    #[serde(default = "default_auto")]
    pub encoding: String,
    #[serde(default = "default_auto")]
    pub delimiter: String,
    /// Départements not in the built-in list (fictional or future codes): code → name and région.
    #[serde(default)]
    pub departements: BTreeMap<String, DepartementDef>,
    /// Régions not in the built-in list: code → name.
    #[serde(default)]
    pub regions: BTreeMap<String, RegionDef>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepartementDef {
    pub name: String,
    pub region: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionDef {
    pub name: String,
}

fn default_auto() -> String {
    "auto".into()
}

/// A CSV input: path, encoding and delimiter (`auto` detects them), and its column names.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvInput<C> {
    pub path: PathBuf,
    /// `auto`, `utf-8` or `windows-1252` (Latin-1 is read as its superset Windows-1252).
    #[serde(default = "default_auto")]
    pub encoding: String,
    /// `auto`, `;`, `,`, `tab` or `|`.
    #[serde(default = "default_auto")]
    pub delimiter: String,
    #[serde(default)]
    pub columns: C,
    /// Latest date accepted in the date fields of this file (lease, move-in, first letting):
    /// set at load from `run.reference_date` ([`RunSection::latest_date`]); `None` = no limit
    /// besides the year 2100.
    #[serde(skip)]
    pub latest_date: Option<YearMonth>,
}

/// `[ban]`: BAN address files (`adresses-DEP.csv` or `.csv.gz`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BanSection {
    pub paths: Vec<PathBuf>,
    /// Date of the BAN extract, recorded in the outputs.
    #[serde(default)]
    pub date: String,
    /// Manual corrections: a CSV (`cle_adresse` or `IDENT_REP`, `x`, `y`, `commentaire`) or a
    /// GeoPackage whose `geocodage_a_verifier` layer has moved points.
    #[serde(default)]
    pub corrections: Option<PathBuf>,
    /// Lowest street-name score answered at a street level (0.5–1).
    #[serde(default = "default_min_street_score")]
    pub min_street_score: f64,
}

/// Default `[ban] min_street_score`.
pub const DEFAULT_MIN_STREET_SCORE: f32 = 0.8;

fn default_min_street_score() -> f64 {
    f64::from(DEFAULT_MIN_STREET_SCORE)
}

/// `[zones.*]`: polygon layers read through GDAL.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZonesSection {
    pub communes: ZoneInput,
    pub iris: ZoneInput,
    pub qpv: ZoneInput,
    /// QVA polygons when available; otherwise the RPLS `PLG_QVA` code is used.
    #[serde(default)]
    pub qva: Option<ZoneInput>,
}

/// One zone layer: any OGR vector source (shapefile, GeoPackage, GeoJSON…).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneInput {
    pub path: PathBuf,
    /// Layer name inside a multi-layer source (GeoPackage); first layer when empty.
    #[serde(default)]
    pub layer: String,
    /// Attribute holding the zone code (defaults per kind, see [`ZonesSection::defaults`]).
    #[serde(default)]
    pub code: String,
    /// Attribute holding the zone name.
    #[serde(default)]
    pub name: String,
    /// Attribute holding the INSEE code of the commune the zone lies in (IRIS; optional).
    #[serde(default)]
    pub commune: String,
    /// Vintage of the zoning (QPV generation, IRIS millésime…), recorded in every output.
    #[serde(default)]
    pub vintage: String,
    /// EPSG code to assume when the source declares no CRS.
    #[serde(default)]
    pub assume_epsg: Option<u32>,
}

impl ZonesSection {
    fn fill_defaults(&mut self) {
        fn fill(z: &mut ZoneInput, [code, name, commune]: [&str; 3]) {
            if z.code.is_empty() {
                z.code = code.into();
            }
            if z.name.is_empty() {
                z.name = name.into();
            }
            if z.commune.is_empty() {
                z.commune = commune.into();
            }
        }
        let [communes, iris, qpv, qva] = ZONE_ATTRIBUTE_DEFAULTS.map(|(_, names)| names);
        fill(&mut self.communes, communes);
        fill(&mut self.iris, iris);
        fill(&mut self.qpv, qpv);
        if let Some(q) = &mut self.qva {
            fill(q, qva);
        }
    }
}

/// `[secrecy]`: the convention's primary rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecrecySection {
    /// A value resting on fewer units is not published (convention: 11).
    pub min_units: u32,
    /// A survey value is not published where fewer than this share of units answered (0.60).
    pub min_response_rate: f64,
    /// A share equal to 100 % is not published.
    pub suppress_100: bool,
    /// A share equal to 0 % is not published either (off by default).
    pub suppress_0: bool,
}

impl Default for SecrecySection {
    fn default() -> Self {
        SecrecySection {
            min_units: 11,
            min_response_rate: 0.60,
            suppress_100: true,
            suppress_0: false,
        }
    }
}

/// `[output]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputSection {
    /// Output folder; a relative path is relative to the current folder (like `--out`, which
    /// overrides it), not to the configuration file.
    pub dir: PathBuf,
    /// Write the FlatGeobuf copies of the layers.
    pub flatgeobuf: bool,
    /// Optional publication into PostgreSQL/PostGIS.
    pub postgis: Option<PostgisSection>,
}

impl Default for OutputSection {
    fn default() -> Self {
        OutputSection {
            dir: PathBuf::from("out"),
            flatgeobuf: true,
            postgis: None,
        }
    }
}

impl Config {
    /// Reads and validates the configuration file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            // the valid prefix is UTF-8: its lines and characters locate the bad byte
            let prefix = std::str::from_utf8(valid).unwrap_or_default();
            let (line, column) = line_col(prefix, prefix.len());
            ConfigError::NotUtf8 {
                path: path.to_path_buf(),
                line,
                column,
            }
        })?;
        let base = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let mut cfg = Self::parse(&text, path)?;
        cfg.source = path.to_path_buf();
        cfg.resolve(&base);
        cfg.validate()?;
        cfg.set_date_limits();
        cfg.check_files()?;
        Ok(cfg)
    }

    /// Parses and validates `text`, resolving relative paths against `base`. Does not check that
    /// the input files exist (see [`Config::load`]).
    pub fn from_toml_str(text: &str, base: &Path) -> Result<Config, ConfigError> {
        let path = base.join("opsgeo.toml");
        let mut cfg = Self::parse(text, &path)?;
        cfg.source = path;
        cfg.resolve(base);
        cfg.validate()?;
        cfg.set_date_limits();
        Ok(cfg)
    }

    /// Gives the input readers the latest date they accept (see [`RunSection::latest_date`]).
    fn set_date_limits(&mut self) {
        let latest = Some(self.run.latest_date());
        self.rpls.latest_date = latest;
        self.ops_households.latest_date = latest;
        self.ops_occupants.latest_date = latest;
    }

    fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut cfg = toml::from_str::<Config>(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            ConfigError::Syntax {
                path: path.to_path_buf(),
                line,
                column,
                message: toml_error_message(text, &e),
            }
        })?;
        cfg.column_keys = text
            .parse::<toml::Table>()
            .map(|t| explicit_column_keys(&t))
            .unwrap_or_default();
        Ok(cfg)
    }

    /// The configuration key that names column or attribute `name` explicitly (a key written
    /// in the file, not a default), e.g. `rpls.columns.depcom`.
    pub fn key_naming_column(&self, name: &str) -> Option<&str> {
        self.column_keys
            .iter()
            .find(|(_, v)| v == name)
            .map(|(k, _)| k.as_str())
    }

    fn resolve(&mut self, base: &Path) {
        let abs = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        abs(&mut self.territory.epci_table);
        abs(&mut self.rpls.path);
        abs(&mut self.ops_households.path);
        abs(&mut self.ops_occupants.path);
        self.ban.paths.iter_mut().for_each(abs);
        if let Some(c) = &mut self.ban.corrections {
            abs(c);
        }
        abs(&mut self.zones.communes.path);
        abs(&mut self.zones.iris.path);
        abs(&mut self.zones.qpv.path);
        if let Some(q) = &mut self.zones.qva {
            abs(&mut q.path);
        }
        self.zones.fill_defaults();
    }

    /// Uses `path` (relative to the current folder) as the corrections file (`--corrections`).
    pub fn set_corrections(&mut self, path: &Path) -> Result<(), ConfigError> {
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        if !abs.exists() {
            return Err(ConfigError::MissingFile {
                path: self.source.clone(),
                key: "--corrections".into(),
                file: abs,
            });
        }
        self.ban.corrections = Some(abs);
        Ok(())
    }

    fn invalid(&self, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            path: self.source.clone(),
            key: key.into(),
            message: message.into(),
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if YearMonth::parse(&self.run.reference_date).is_none() {
            return Err(self.invalid(
                "run.reference_date",
                format!(
                    "date invalide « {} » (attendu AAAA-MM-JJ)",
                    self.run.reference_date
                ),
            ));
        }
        if !(1..=10).contains(&self.run.recent_years) {
            return Err(self.invalid("run.recent_years", "doit être compris entre 1 et 10"));
        }
        if !(0.0..=1.0).contains(&self.run.max_reject_rate) {
            return Err(self.invalid("run.max_reject_rate", "doit être compris entre 0 et 1"));
        }
        if !(0.0..=1.0).contains(&self.run.max_unplaced_rate) {
            return Err(self.invalid("run.max_unplaced_rate", "doit être compris entre 0 et 1"));
        }
        if self.secrecy.min_units < 1 {
            return Err(self.invalid("secrecy.min_units", "doit être au moins 1"));
        }
        if !(0.0..=1.0).contains(&self.secrecy.min_response_rate) {
            return Err(self.invalid(
                "secrecy.min_response_rate",
                "doit être compris entre 0 et 1 (0.60 = 60 %)",
            ));
        }
        if self.ban.paths.is_empty() {
            return Err(self.invalid("ban.paths", "au moins un fichier BAN est nécessaire"));
        }
        if !(0.5..=1.0).contains(&self.ban.min_street_score) {
            return Err(self.invalid("ban.min_street_score", "doit être compris entre 0.5 et 1"));
        }
        for (key, v) in [
            ("rpls", (&self.rpls.encoding, &self.rpls.delimiter)),
            (
                "ops_households",
                (
                    &self.ops_households.encoding,
                    &self.ops_households.delimiter,
                ),
            ),
            (
                "ops_occupants",
                (&self.ops_occupants.encoding, &self.ops_occupants.delimiter),
            ),
            (
                "territory",
                (&self.territory.encoding, &self.territory.delimiter),
            ),
        ] {
            Encoding::from_config(v.0).map_err(|m| self.invalid(&format!("{key}.encoding"), m))?;
            Delimiter::from_config(v.1)
                .map_err(|m| self.invalid(&format!("{key}.delimiter"), m))?;
        }
        if let Some(pg) = &self.output.postgis {
            pg.validate().map_err(|(key, message)| {
                self.invalid(&format!("output.postgis.{key}"), message)
            })?;
        }
        for (code, d) in &self.territory.departements {
            if !self.territory.regions.contains_key(&d.region)
                && crate::model::builtin_region_name(&d.region).is_none()
            {
                return Err(self.invalid(
                    &format!("territory.departements.{code}.region"),
                    format!("région inconnue « {} »", d.region),
                ));
            }
        }
        Ok(())
    }

    fn check_files(&self) -> Result<(), ConfigError> {
        let mut files: Vec<(String, &Path)> = vec![
            ("territory.epci_table".into(), &self.territory.epci_table),
            ("rpls.path".into(), &self.rpls.path),
            ("ops_households.path".into(), &self.ops_households.path),
            ("ops_occupants.path".into(), &self.ops_occupants.path),
            ("zones.communes.path".into(), &self.zones.communes.path),
            ("zones.iris.path".into(), &self.zones.iris.path),
            ("zones.qpv.path".into(), &self.zones.qpv.path),
        ];
        if let Some(q) = &self.zones.qva {
            files.push(("zones.qva.path".into(), &q.path));
        }
        for (i, p) in self.ban.paths.iter().enumerate() {
            files.push((format!("ban.paths[{i}]"), p));
        }
        if let Some(c) = &self.ban.corrections {
            files.push(("ban.corrections".into(), c));
        }
        for (key, file) in files {
            if !file.exists() {
                return Err(ConfigError::MissingFile {
                    path: self.source.clone(),
                    key,
                    file: file.to_path_buf(),
                });
            }
            // zone layers may be folders (a folder of shapefiles is one GDAL source)
            if file.is_dir() && !key.starts_with("zones.") {
                return Err(ConfigError::NotAFile {
                    path: self.source.clone(),
                    key,
                    file: file.to_path_buf(),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

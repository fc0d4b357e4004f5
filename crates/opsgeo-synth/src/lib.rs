//! Synthetic input sets: a fictional métropole in the real layouts (RPLS, OPS, BAN, IGN, ANCT),
//! with its `opsgeo.toml`. Deterministic: the same parameters give the same bytes.
//!
//! The territory (communes, IRIS, QPV, QVA) is fixed and lies in Lambert-93 around
//! (855000, 6693000); the seed drives everything else: streets and addresses, programmes,
//! dwellings, households, occupants and the injected defects. Every random draw comes from a
//! ChaCha8 stream derived from the seed, collections are iterated in a fixed order and numbers
//! are formatted with fixed decimals. See `docs/donnees_demo.md` for the code scheme and the
//! list of defects.
//!
//! * [`geography`]: the shared polar vertex grid, communes, IRIS, QPV and QVA;
//! * [`addresses`]: streets and BAN address points;
//! * [`dwellings`]: landlords, programmes, buildings, stairwells, dwellings;
//! * [`households`]: OPS households and occupants;
//! * [`dirt`]: the defects that must be rejected downstream;
//! * [`writers`], [`gis`], [`config_template`]: the files;
//! * [`ban_bench`]: a large BAN and RPLS-style queries for the geocoder's measurements
//!   (`opsgeo-synth-ban`), independent of the demo.

pub mod addresses;
pub mod ban_bench;
pub mod config_template;
pub mod dirt;
pub mod dwellings;
pub mod geography;
pub mod gis;
pub mod households;
pub mod names;
pub mod national;
pub mod writers;

use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use thiserror::Error;

/// Errors writing a synthetic set.
#[derive(Debug, Error)]
pub enum SynthError {
    #[error("{path} : {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("paramètre invalide : {0}")]
    Params(String),
    #[error("{path} : erreur GDAL : {message}")]
    Gdal { path: PathBuf, message: String },
}

pub(crate) fn io_err(path: &Path, source: std::io::Error) -> SynthError {
    SynthError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthParams {
    pub dwellings: usize,
    pub seed: u64,
}

/// Rows injected on purpose into one file, all of which must be rejected downstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirtCount {
    /// File name (`rpls_2022.csv`…).
    pub file: String,
    /// What is wrong, in French.
    pub kind: String,
    pub rows: usize,
}

/// What was written. Counts exclude the injected defects (see [`SynthSummary::dirt`]): a
/// downstream reader should accept exactly `dwellings` RPLS rows, `households` household rows
/// and `occupants` occupant rows.
#[derive(Debug, Clone, Default)]
pub struct SynthSummary {
    pub files: Vec<PathBuf>,
    pub dwellings: usize,
    pub households: usize,
    pub occupants: usize,
    pub ban_addresses: usize,
    /// Programmes (landlord + `IMMEU`).
    pub programmes: usize,
    /// Households that answered (accepted rows with `REPONSE` 1).
    pub respondents: usize,
    /// Data rows written per CSV file (accepted + defects): RPLS, households, occupants.
    pub rows_written: [usize; 3],
    pub dirt: Vec<DirtCount>,
}

/// Smallest and largest supported number of dwellings.
pub const MIN_DWELLINGS: usize = 100;
pub const MAX_DWELLINGS: usize = 5_000_000;

/// Everything drawn for one set, shared by the writers.
pub(crate) struct World {
    pub geo: geography::Geography,
    pub net: addresses::StreetNetwork,
    pub stock: dwellings::Stock,
    pub households: Vec<households::Household>,
    pub plan: dirt::Plan,
    id_offset: u64,
}

impl World {
    /// `IDENT_REP` of record `i`: `Z` + 9 digits, an affine permutation of `i` (unique for
    /// every `i` below 10⁹) shifted by a seed-dependent offset.
    pub fn ident(&self, i: u64) -> String {
        format!("Z{:09}", ident_number(i, self.id_offset))
    }
}

pub(crate) fn ident_number(i: u64, offset: u64) -> u64 {
    (i.wrapping_mul(387_420_489) + offset) % 1_000_000_000
}

pub(crate) fn stream(seed: u64, id: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(id);
    rng
}

/// Index drawn with probability proportional to `weights`.
pub(crate) fn pick_weighted<R: Rng>(weights: &[f64], rng: &mut R) -> usize {
    let total: f64 = weights.iter().sum();
    let mut u = rng.gen::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return i;
        }
        u -= w;
    }
    weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
}

/// Normal draw (Box–Muller).
pub(crate) fn normal<R: Rng>(rng: &mut R, mean: f64, sd: f64) -> f64 {
    let u1: f64 = rng.gen::<f64>().max(1e-12);
    let u2: f64 = rng.gen();
    mean + sd * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Draws the whole set in memory.
pub(crate) fn build(params: &SynthParams) -> Result<World, SynthError> {
    if !(MIN_DWELLINGS..=MAX_DWELLINGS).contains(&params.dwellings) {
        return Err(SynthError::Params(format!(
            "nombre de logements {} hors de l'intervalle {MIN_DWELLINGS}–{MAX_DWELLINGS}",
            params.dwellings
        )));
    }
    let geo = geography::Geography::build();
    let mut net = addresses::StreetNetwork::default();
    let mut rng = stream(params.seed, 1);
    let stock = dwellings::generate(params.dwellings, &geo, &mut net, &mut rng)?;
    let background = (net.streets.len() * 3 / 10).max(20);
    net.add_background(&geo, background, &mut stream(params.seed, 2))?;
    let households = households::generate(&stock, &mut stream(params.seed, 3));
    let plan = dirt::plan(params.dwellings, &households, &mut stream(params.seed, 4));
    let id_offset = stream(params.seed, 5).gen_range(0..1_000_000_000u64);
    Ok(World {
        geo,
        net,
        stock,
        households,
        plan,
        id_offset,
    })
}

/// Writes a complete input set and its `opsgeo.toml` into `out`.
pub fn generate(params: &SynthParams, out: &Path) -> Result<SynthSummary, SynthError> {
    let w = build(params)?;
    std::fs::create_dir_all(out).map_err(|e| io_err(out, e))?;
    let mut s = SynthSummary {
        dwellings: w.stock.dwellings.len(),
        programmes: w.stock.programmes.len(),
        dirt: w.plan.counts.clone(),
        ..Default::default()
    };
    let mut file = |rel: &str| {
        let p = out.join(rel);
        s.files.push(p.clone());
        p
    };
    let rpls = file("rpls_2022.csv");
    let menages = file("ops_menages_2022.csv");
    let occupants = file("ops_occupants_2022.csv");
    let epci = file("epci.csv");
    let ban = file("ban/adresses-00.csv.gz");
    let communes = file("zones/communes.geojson");
    let qpv = file("zones/qpv_2015.geojson");
    let qva = file("zones/qva.geojson");
    let config = file("opsgeo.toml");

    s.rows_written[0] = writers::write_rpls(&w, &rpls)?;
    s.rows_written[1] = writers::write_households(&w, &menages)?;
    let (occ_rows, occ_valid) = writers::write_occupants(&w, &occupants)?;
    s.rows_written[2] = occ_rows;
    writers::write_epci(&w, &epci)?;
    s.ban_addresses = writers::write_ban(&w, &ban)?;
    gis::write_communes(&w.geo, &communes)?;
    gis::write_qpv(&w.geo, &qpv)?;
    gis::write_qva(&w.geo, &qva)?;
    let iris = gis::write_iris(&w.geo, &out.join("zones/iris/iris.shp"))?;
    s.files.extend(iris);
    let text = config_template::render(params.dwellings, params.seed);
    std::fs::write(&config, text).map_err(|e| io_err(&config, e))?;

    let bad = &w.plan.bad_composition;
    s.households = w.households.len() - bad.len();
    s.respondents = w.households.iter().filter(|h| h.responded).count() - bad.len();
    s.occupants = occ_valid;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for i in 0..50_000u64 {
            let n = ident_number(i, 123_456_789);
            assert!(seen.insert(n));
        }
        let w = World {
            geo: geography::Geography::build(),
            net: Default::default(),
            stock: dwellings::Stock {
                programmes: vec![],
                dwellings: vec![],
            },
            households: vec![],
            plan: Default::default(),
            id_offset: 5,
        };
        let id = w.ident(3);
        assert_eq!(id.len(), 10);
        assert!(id.starts_with('Z') && id[1..].bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn too_few_dwellings_is_a_parameter_error() {
        let err = build(&SynthParams {
            dwellings: 10,
            seed: 1,
        })
        .err()
        .unwrap();
        assert!(matches!(err, SynthError::Params(_)));
    }

    #[test]
    fn stock_has_the_requested_size_and_consistent_households() {
        let w = build(&SynthParams {
            dwellings: 2000,
            seed: 9,
        })
        .unwrap();
        assert_eq!(w.stock.dwellings.len(), 2000);
        let let_count = w.stock.dwellings.iter().filter(|d| d.mode == 1).count();
        assert_eq!(w.households.len(), let_count);
        for h in w.households.iter().filter(|h| h.responded) {
            let o = &h.occupants;
            assert_eq!(o[0].link, 1);
            let partners = o.iter().filter(|p| p.link == 2).count();
            let children = o.iter().filter(|p| p.link == 3).count();
            match h.composition {
                1 => assert_eq!(o.len(), 1),
                2 => assert!(partners == 0 && children >= 1),
                3 => assert!(partners == 1 && o.len() == 2),
                4 => assert!(partners == 1 && children >= 1),
                _ => assert!(partners == 0 && children == 0 && o.len() >= 2),
            }
            assert_eq!(o[0].age, h.holder_age);
        }
    }
}

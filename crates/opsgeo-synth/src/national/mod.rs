//! The national profile of the generator (`opsgeo-synth --profil france`): metropolitan France
//! at once, about 5.3 M social dwellings, or the same national structure carrying `N`
//! dwellings in proportion.
//!
//! * [`lattice`]: the jittered lattice and the guillotine split every polygon is cut from;
//! * [`frame`]: régions ⊃ départements ⊃ EPCI ⊃ communes ⊃ IRIS, and the rank-size law of the
//!   social dwellings per commune;
//! * [`zones`]: QPV (some straddling two communes) and QVA;
//! * [`streets`], [`stock`]: one commune's streets, programmes and dwellings;
//! * [`rows`]: the CSV rows and the streamed defects; [`files`]: zone layers, EPCI, config.
//!
//! Generation streams commune by commune, in code order: the commune's stock, households and
//! addresses are drawn, written and dropped before the next one. Each commune draws from its own
//! ChaCha8 stream (seed, 1000 + commune index); only the programme numbers (per landlord and
//! région), the identifiers and the defects follow the running order.

pub mod files;
pub mod frame;
pub mod lattice;
pub mod names;
pub mod rows;
pub mod stock;
pub mod streets;
#[cfg(test)]
mod tests;
pub mod zones;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use flate2::write::GzEncoder;
use flate2::{Compression, GzBuilder};
use rand::Rng;

use self::frame::{Frame, Scale, NATIONAL_DWELLINGS};
use self::lattice::Lattice;
use self::rows::{flush, CommuneRows, Dirt, Written};
use self::streets::{CommuneNet, LocalBlob};
use self::zones::Zones;
use super::addresses::Rep;
use super::names::{afnor, upper_ascii};
use super::writers::{create, BAN_HEADER, HOUSEHOLDS_HEADER, OCCUPANTS_HEADER, RPLS_HEADER};
use super::{households, io_err, stream, SynthError, SynthSummary, MIN_DWELLINGS};

/// BAN addresses per inhabitant in a village; denser towns have fewer (flats).
const BAN_PER_INHABITANT: f64 = 0.45;
/// Inhabitants from which the addresses per inhabitant decrease.
const DENSE_FROM: f64 = 20_000.0;

/// BAN addresses of a commune of `inhabitants` at full scale: 0.45 per inhabitant up to 20,000
/// inhabitants, then decreasing as `(20,000 / inhabitants)^0.35` (a city of 4 M: 0.07).
pub fn ban_addresses(inhabitants: f64) -> f64 {
    inhabitants * BAN_PER_INHABITANT * (DENSE_FROM / inhabitants.max(1.0)).powf(0.35).min(1.0)
}
/// Largest supported set: twice the country.
pub const MAX_NATIONAL: usize = 2 * NATIONAL_DWELLINGS;

/// What to generate with the national profile.
#[derive(Debug, Clone)]
pub struct NationalParams {
    /// Dwellings; `None` for the whole country ([`NATIONAL_DWELLINGS`]).
    pub dwellings: Option<usize>,
    pub seed: u64,
}

/// Writes a national set and its `opsgeo.toml` into `out`.
pub fn generate(params: &NationalParams, out: &Path) -> Result<SynthSummary, SynthError> {
    let n = params.dwellings.unwrap_or(NATIONAL_DWELLINGS);
    if !(MIN_DWELLINGS..=MAX_NATIONAL).contains(&n) {
        return Err(SynthError::Params(format!(
            "nombre de logements {n} hors de l'intervalle {MIN_DWELLINGS}–{MAX_NATIONAL}"
        )));
    }
    let (frame, zones) = draw_frame(Scale::FRANCE, params.seed)?;
    write_set(&frame, &zones, n, params.seed, out)
}

/// The frame and its QPV/QVA for a seed.
pub fn draw_frame(scale: Scale, seed: u64) -> Result<(Frame, Zones), SynthError> {
    let frame = Frame::build(scale, &mut stream(seed, 11)).ok_or_else(|| {
        SynthError::Params("le quadrillage ne peut pas contenir ce territoire".to_string())
    })?;
    let zones = Zones::build(&frame, &mut stream(seed, 12));
    Ok((frame, zones))
}

struct Outputs<'p> {
    dir: &'p Path,
    rpls: (BufWriter<File>, Vec<u8>),
    menages: (BufWriter<File>, Vec<u8>),
    occupants: (BufWriter<File>, Vec<u8>),
    ban: Option<(usize, GzEncoder<BufWriter<File>>, std::path::PathBuf)>,
    ban_paths: Vec<String>,
}

/// Writes the set for an already drawn frame.
pub fn write_set(
    frame: &Frame,
    zones: &Zones,
    n: usize,
    seed: u64,
    out: &Path,
) -> Result<SynthSummary, SynthError> {
    std::fs::create_dir_all(out).map_err(|e| io_err(out, e))?;
    let lattice = Lattice::new(seed);
    let quotas = frame.quotas(n);
    let total_target: f64 = frame.communes.iter().map(|c| c.target).sum();
    let fraction = n as f64 / total_target.max(1.0);
    let offset = stream(seed, 5).gen_range(0..1_000_000_000u64);
    let mut dirt = Dirt::plan(n, offset, &mut stream(seed, 4));
    let mut extra = stream(seed, 6);
    let wgs = files::ToWgs84::new(out)?;

    let open = |rel: &str, head: &str| -> Result<(BufWriter<File>, Vec<u8>), SynthError> {
        let mut w = create(&out.join(rel))?;
        w.write_all(head.as_bytes())
            .map_err(|e| io_err(&out.join(rel), e))?;
        Ok((w, Vec::with_capacity(1 << 21)))
    };
    let mut o = Outputs {
        dir: out,
        rpls: open("rpls_2022.csv", &format!("{RPLS_HEADER}\r\n"))?,
        menages: open(
            "ops_menages_2022.csv",
            &format!("\u{feff}{HOUSEHOLDS_HEADER}\n"),
        )?,
        occupants: open("ops_occupants_2022.csv", &format!("{OCCUPANTS_HEADER}\n"))?,
        ban: None,
        ban_paths: Vec::new(),
    };
    let mut s = SynthSummary::default();
    let mut written = Written::default();
    let mut immeu = vec![[0u32; 5]; frame.regions.len()];
    let mut first = 0u64;
    for (c, commune) in frame.communes.iter().enumerate() {
        let mut rng = stream(seed, 1_000 + c as u64);
        let ring = lattice.ring(commune.cells);
        let local = &zones.by_commune[c];
        let blobs: Vec<LocalBlob> = local
            .iter()
            .map(|&(q, k)| {
                let b = if q {
                    &zones.qpv[k as usize]
                } else {
                    &zones.qva[k as usize]
                };
                LocalBlob::new(&b.polygon.exterior().0)
            })
            .collect();
        let mut net = CommuneNet::new(&ring, blobs);
        let kinds: Vec<bool> = local.iter().map(|&(q, _)| q).collect();
        let spec = stock::StockSpec {
            commune: c,
            quota: quotas[c],
            target: commune.target,
            blobs: &kinds,
        };
        let region = frame.departements[commune.departement].region;
        let mut st = stock::draw(&spec, &mut net, &mut immeu[region], &mut rng)?;
        dirt.spoil_xy(&mut st, first);
        let hh = households::generate(&st, &mut rng);
        // The BAN's addresses without social housing, at the national density.
        let want = fraction * ban_addresses(commune.inhabitants);
        let mut have: usize = net
            .streets
            .iter()
            .filter(|s| !s.hidden)
            .map(|s| s.sides.iter().map(Vec::len).sum::<usize>())
            .sum();
        let mut added = 0;
        while added == 0 || (have as f64) < want {
            match net.add_background(&mut rng) {
                Ok(k) => have += k,
                Err(_) => break,
            }
            added += 1;
        }
        let qva_codes: Vec<&str> = local
            .iter()
            .map(|&(q, k)| {
                if q {
                    ""
                } else {
                    zones.qva[k as usize].code.as_str()
                }
            })
            .collect();
        let cr = CommuneRows {
            code: &commune.code,
            postcode: &commune.postcode,
            libcom: upper_ascii(&commune.name),
            region: frame.regions[region].code,
            stock: &st,
            households: &hh,
            net: &net,
            qva_codes,
            first,
        };
        cr.rpls(&mut dirt, &mut o.rpls.1, &mut written);
        cr.households(
            &mut dirt,
            &mut o.menages.1,
            &mut o.occupants.1,
            &mut written,
            &mut extra,
        );
        s.programmes += st.programmes.len();
        first += st.dwellings.len() as u64;
        s.ban_addresses += write_ban(frame, c, &net, &wgs, &mut o)?;
        for (w, buf, name) in [
            (&mut o.rpls.0, &mut o.rpls.1, "rpls_2022.csv"),
            (&mut o.menages.0, &mut o.menages.1, "ops_menages_2022.csv"),
            (
                &mut o.occupants.0,
                &mut o.occupants.1,
                "ops_occupants_2022.csv",
            ),
        ] {
            if buf.len() > 1 << 20 || c + 1 == frame.communes.len() {
                flush(w, buf, &out.join(name))?;
            }
        }
    }
    finish_ban(&mut o)?;
    for (w, name) in [
        (&mut o.rpls.0, "rpls_2022.csv"),
        (&mut o.menages.0, "ops_menages_2022.csv"),
        (&mut o.occupants.0, "ops_occupants_2022.csv"),
    ] {
        w.flush().map_err(|e| io_err(&out.join(name), e))?;
        s.files.push(out.join(name));
    }
    let epci = out.join("epci.csv");
    files::epci_table(frame, &epci)?;
    s.files.push(epci);
    s.files.extend(o.ban_paths.iter().map(|p| out.join(p)));
    s.files
        .extend(files::zone_layers(frame, zones, &lattice, out)?);
    let config = out.join("opsgeo.toml");
    std::fs::write(&config, files::config(n, seed, &o.ban_paths))
        .map_err(|e| io_err(&config, e))?;
    s.files.push(config);

    s.dwellings = first as usize;
    s.households = written.valid_households;
    s.respondents = written.respondents;
    s.occupants = written.valid_occupants;
    s.rows_written = [written.rpls, written.households, written.occupants];
    s.dirt = dirt.counts();
    Ok(s)
}

fn finish_ban(o: &mut Outputs) -> Result<(), SynthError> {
    if let Some((_, gz, path)) = o.ban.take() {
        let mut f = gz.finish().map_err(|e| io_err(&path, e))?;
        f.flush().map_err(|e| io_err(&path, e))?;
    }
    Ok(())
}

/// Appends commune `c`'s BAN addresses to its département's file; returns how many.
fn write_ban(
    frame: &Frame,
    c: usize,
    net: &CommuneNet,
    wgs: &files::ToWgs84,
    o: &mut Outputs,
) -> Result<usize, SynthError> {
    let commune = &frame.communes[c];
    let dep = commune.departement;
    if o.ban.as_ref().map(|b| b.0) != Some(dep) {
        finish_ban(o)?;
        let rel = format!("ban/adresses-{}.csv.gz", frame.departements[dep].code);
        let path = o.dir.join(&rel);
        let file = create(&path)?;
        let mut gz = GzBuilder::new().mtime(0).write(file, Compression::fast());
        gz.write_all(format!("{BAN_HEADER}\n").as_bytes())
            .map_err(|e| io_err(&path, e))?;
        o.ban_paths.push(rel);
        o.ban = Some((dep, gz, path));
    }
    // (fantoir, number, rep, street, side, idx), sorted like the BAN.
    let mut keys: Vec<(u32, u32, Rep, u32, u8, u32)> = Vec::new();
    for (si, st) in net.streets.iter().enumerate() {
        if st.hidden {
            continue;
        }
        for (side, points) in st.sides.iter().enumerate() {
            for (idx, a) in points.iter().enumerate() {
                if a.in_ban {
                    keys.push((
                        st.fantoir, a.number, a.rep, si as u32, side as u8, idx as u32,
                    ));
                }
            }
        }
    }
    keys.sort_unstable();
    let point = |k: &(u32, u32, Rep, u32, u8, u32)| {
        &net.streets[k.3 as usize].sides[k.4 as usize][k.5 as usize]
    };
    let (gz_path, gz) = match o.ban.as_mut() {
        Some((_, gz, path)) => (path.clone(), gz),
        None => unreachable!("opened above"),
    };
    let mut lon: Vec<f64> = keys.iter().map(|k| point(k).p.x).collect();
    let mut lat: Vec<f64> = keys.iter().map(|k| point(k).p.y).collect();
    wgs.apply(&mut lon, &mut lat, &gz_path)?;
    let town = afnor(&commune.name);
    let full: Vec<String> = net.streets.iter().map(|s| s.full_name()).collect();
    let mut text = String::with_capacity(keys.len() * 220);
    use std::fmt::Write as _;
    for (i, k) in keys.iter().enumerate() {
        let st = &net.streets[k.3 as usize];
        let a = point(k);
        let fantoir = format!("{}_{:04}", commune.code, st.fantoir);
        let rep = a.rep.ban();
        let sep = if a.rep == Rep::None { "" } else { "_" };
        let name = &full[k.3 as usize];
        let _ = writeln!(
            text,
            "{fantoir}_{:05}{sep}{rep};{fantoir};{};{rep};{name};{};{};{};;;{:.2};{:.2};{:.6};{:.6};entrée;;;{town};{};commune;commune;1;",
            a.number,
            a.number,
            commune.postcode,
            commune.code,
            commune.name,
            a.p.x,
            a.p.y,
            lon[i],
            lat[i],
            afnor(name),
        );
    }
    gz.write_all(text.as_bytes())
        .map_err(|e| io_err(&gz_path, e))?;
    Ok(keys.len())
}

//! A large synthetic BAN and RPLS-style queries with their truth, for throughput and accuracy
//! measurements (`opsgeo-synth-ban`). Deterministic: the same parameters give the same bytes.
//!
//! * `adresses-99.csv`: the BAN `adresses-DEP.csv` layout (all columns, Lambert-93 `x`/`y` and
//!   WGS84 `lon`/`lat`), communes of very different sizes (a few cities of thousands of
//!   streets, many villages), straight streets with odd numbers on the left and even numbers on
//!   the right, some `bis`/`ter`, and about 3 % of the numbers withheld;
//! * `requetes.csv`: queries in the layout of the Dijon dev set
//!   (`id;NUMVOIE;INDREP;TYPVOIE;NOMVOIE;CODEPOSTAL;LIBCOM;DEPCOM;x_attendu;y_attendu;cas`):
//!   75 % `numero_present` (an address of the file), 20 % `numero_absent` (a withheld number),
//!   5 % `voie_inconnue` (a street that does not exist in the commune), written the way RPLS
//!   files write addresses: upper case without accents, abbreviated types and titles, dropped
//!   articles, type inside the name, sentinels `9`/`99`, leading zeros, missing postcode,
//!   `CEDEX`, and a one-letter typo in 3 % of the names.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::names::{upper_ascii, CIVIC, NATURE, PERSONS, STREET_TYPES, TOWNS};
use super::{io_err, SynthError};
use opsgeo::geocode::normalize::normalize_street;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct BanBenchParams {
    /// BAN addresses written (withheld numbers not counted).
    pub addresses: usize,
    pub queries: usize,
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct BanBenchSummary {
    pub ban: PathBuf,
    pub queries_file: PathBuf,
    pub addresses: usize,
    pub withheld: usize,
    pub streets: usize,
    pub communes: usize,
    /// `numero_present`, `numero_absent`, `voie_inconnue`.
    pub queries: [usize; 3],
}

const SYLLABLES: [&str; 40] = [
    "ber", "mont", "val", "cha", "lan", "roc", "vil", "mar", "dun", "fer", "gar", "lou", "bri",
    "san", "tor", "mer", "nay", "pel", "ras", "sou", "tel", "vau", "bel", "cour", "dor", "fon",
    "gré", "jou", "lor", "mou", "nor", "pré", "ren", "ser", "thi", "ver", "bois", "clo", "dra",
    "vel",
];
const FIRST_NAMES: [&str; 24] = [
    "Jean", "Pierre", "Marie", "Louis", "Jeanne", "Paul", "Henri", "Louise", "Jacques", "Émile",
    "Anne", "Claude", "Victor", "Hélène", "André", "Marcel", "Suzanne", "Robert", "Lucie",
    "Georges", "Camille", "René", "Simone", "Étienne",
];
const TITLES: [&str; 6] = [
    "du Général",
    "du Maréchal",
    "du Docteur",
    "du Président",
    "du Commandant",
    "du Professeur",
];

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// An invented surname or place name (2–3 syllables).
fn word<R: Rng>(rng: &mut R) -> String {
    let n = rng.gen_range(2..=3);
    let s: String = (0..n)
        .map(|_| *SYLLABLES.choose(rng).expect("syllables"))
        .collect();
    capitalised(&s)
}

/// A street name without its type.
fn street_name<R: Rng>(rng: &mut R) -> String {
    match rng.gen_range(0..10) {
        0 => PERSONS.choose(rng).expect("names").to_string(),
        1 => NATURE.choose(rng).expect("names").to_string(),
        2 => CIVIC.choose(rng).expect("names").to_string(),
        3 => TOWNS.choose(rng).expect("names").to_string(),
        4 => format!("{} {}", TITLES.choose(rng).expect("titles"), word(rng)),
        5 => format!("Saint-{}", FIRST_NAMES.choose(rng).expect("names")),
        6 => format!("de la {}", word(rng)),
        7 | 8 => format!("{} {}", FIRST_NAMES.choose(rng).expect("names"), word(rng)),
        _ => format!("des {}s", word(rng)),
    }
}

struct Street {
    commune: u32,
    ty: usize,
    name: String,
    /// First address in `Generator::points`.
    first: usize,
    len: usize,
}

struct Point {
    number: u32,
    rep: u8,
    x: f64,
    y: f64,
    withheld: bool,
}

struct Commune {
    code: String,
    postcode: String,
    name: String,
}

/// Communes, streets and points.
struct World {
    communes: Vec<Commune>,
    streets: Vec<Street>,
    points: Vec<Point>,
    /// Street keys per commune (to invent unknown streets).
    keys: Vec<HashSet<String>>,
}

fn build<R: Rng>(params: &BanBenchParams, rng: &mut R) -> World {
    let weights: Vec<f64> = STREET_TYPES.iter().map(|t| t.weight as f64).collect();
    let mut w = World {
        communes: Vec::new(),
        streets: Vec::new(),
        points: Vec::new(),
        keys: Vec::new(),
    };
    let mut written = 0usize;
    while written < params.addresses {
        let c = w.communes.len() as u32;
        let size: usize = match rng.gen_range(0..100) {
            0 => rng.gen_range(800..3000),
            1..=9 => rng.gen_range(80..400),
            _ => rng.gen_range(5..60),
        };
        w.communes.push(Commune {
            code: format!("{:05}", 1001 + c),
            postcode: format!("{:05}", 1000 + 10 * (c % 9000)),
            name: capitalised(&format!(
                "{}-{}",
                word(rng).to_lowercase(),
                word(rng).to_lowercase()
            )),
        });
        let mut keys = HashSet::new();
        let (cx, cy) = (
            rng.gen_range(150_000.0..1_150_000.0),
            rng.gen_range(6_150_000.0..7_050_000.0),
        );
        let radius = (size as f64).sqrt() * 120.0;
        for _ in 0..size {
            if written >= params.addresses {
                break;
            }
            let ty = super::pick_weighted(&weights, rng);
            let name = street_name(rng);
            let key = normalize_street("", &format!("{} {name}", STREET_TYPES[ty].full));
            if !keys.insert(key.to_string()) {
                continue;
            }
            let (ox, oy) = (
                cx + rng.gen_range(-radius..radius),
                cy + rng.gen_range(-radius..radius),
            );
            let angle: f64 = rng.gen_range(0.0..std::f64::consts::TAU);
            let (dx, dy) = (angle.cos(), angle.sin());
            let last = 2 + (rng.gen::<f64>().powi(2) * 120.0) as u32;
            let first = w.points.len();
            for n in 1..=last {
                let along = 4.0 * n as f64;
                let side = if n % 2 == 1 { 7.0 } else { -7.0 };
                let reps: &[u8] = if rng.gen_bool(0.04) { &[0, 1] } else { &[0] };
                for &rep in reps {
                    let withheld = rng.gen_bool(0.03);
                    let shift = 1.5 * rep as f64;
                    w.points.push(Point {
                        number: n,
                        rep,
                        x: ox + dx * (along + shift) - dy * side,
                        y: oy + dy * (along + shift) + dx * side,
                        withheld,
                    });
                    written += usize::from(!withheld);
                }
            }
            w.streets.push(Street {
                commune: c,
                ty,
                name,
                first,
                len: w.points.len() - first,
            });
        }
        w.keys.push(keys);
    }
    w
}

const BAN_HEADER: &str = "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;cad_parcelles";

fn write_ban(w: &World, path: &Path) -> Result<usize, SynthError> {
    let mut xs: Vec<f64> = w.points.iter().map(|p| p.x).collect();
    let mut ys: Vec<f64> = w.points.iter().map(|p| p.y).collect();
    super::gis::to_wgs84(&mut xs, &mut ys, path)?;
    let f = std::fs::File::create(path).map_err(|e| io_err(path, e))?;
    let mut out = std::io::BufWriter::new(f);
    let e = |err| io_err(path, err);
    writeln!(out, "{BAN_HEADER}").map_err(e)?;
    let mut n = 0;
    for (si, s) in w.streets.iter().enumerate() {
        let c = &w.communes[s.commune as usize];
        let full = format!("{} {}", STREET_TYPES[s.ty].full, s.name);
        let afnor = upper_ascii(&full).replace(['\'', '-'], " ");
        let fantoir = format!("{}_{:04x}", c.code, si % 0xffff);
        for i in s.first..s.first + s.len {
            let p = &w.points[i];
            if p.withheld {
                continue;
            }
            let rep = ["", "bis"][p.rep as usize];
            let id = if rep.is_empty() {
                format!("{fantoir}_{:05}", p.number)
            } else {
                format!("{fantoir}_{:05}_{rep}", p.number)
            };
            writeln!(
                out,
                "{id};{fantoir};{};{rep};{full};{};{};{};;;{:.2};{:.2};{:.6};{:.6};entrée;;;{};{afnor};commune;commune;1;",
                p.number,
                c.postcode,
                c.code,
                c.name,
                p.x,
                p.y,
                xs[i],
                ys[i],
                upper_ascii(&c.name)
            )
            .map_err(e)?;
            n += 1;
        }
    }
    out.flush().map_err(e)?;
    Ok(n)
}

/// The RPLS way of writing a street: `(TYPVOIE, NOMVOIE)`.
fn rpls_street<R: Rng>(ty: usize, name: &str, rng: &mut R) -> (String, String) {
    let mut n = upper_ascii(name).replace(['\'', '-'], " ");
    if rng.gen_bool(0.5) {
        for (full, abbr) in [
            ("GENERAL", "GAL"),
            ("MARECHAL", "MAL"),
            ("DOCTEUR", "DR"),
            ("PRESIDENT", "PDT"),
            ("COMMANDANT", "CDT"),
            ("PROFESSEUR", "PR"),
            ("SAINT", "ST"),
        ] {
            n = n.replace(full, abbr);
        }
    }
    if rng.gen_bool(0.2) {
        for art in ["DE LA ", "DES ", "DU ", "DE "] {
            if let Some(rest) = n.strip_prefix(art) {
                n = rest.to_string();
                break;
            }
        }
    }
    if rng.gen_bool(0.03) {
        n = typo(&n, rng);
    }
    let t = &STREET_TYPES[ty];
    match rng.gen_range(0..20) {
        0..=9 => (t.abbr.to_string(), n),
        10..=15 => (t.word.to_string(), n),
        16..=18 => (String::new(), format!("{} {n}", t.word)),
        _ => ("99".into(), format!("{} {n}", t.word)),
    }
}

/// One substituted, inserted or deleted letter.
fn typo<R: Rng>(s: &str, rng: &mut R) -> String {
    let mut b: Vec<u8> = s.bytes().collect();
    let letters: Vec<usize> = (0..b.len())
        .filter(|&i| b[i].is_ascii_uppercase())
        .collect();
    let Some(&i) = letters.choose(rng) else {
        return s.to_string();
    };
    let c = rng.gen_range(b'A'..=b'Z');
    match rng.gen_range(0..3) {
        0 => b[i] = c,
        1 => b.insert(i, c),
        _ => {
            b.remove(i);
        }
    }
    String::from_utf8(b).expect("ascii")
}

fn write_queries<R: Rng>(
    w: &World,
    n: usize,
    path: &Path,
    rng: &mut R,
) -> Result<[usize; 3], SynthError> {
    let present: Vec<usize> = (0..w.points.len())
        .filter(|&i| !w.points[i].withheld)
        .collect();
    let absent: Vec<usize> = (0..w.points.len())
        .filter(|&i| w.points[i].withheld)
        .collect();
    let street_of: Vec<u32> = {
        let mut v = vec![0u32; w.points.len()];
        for (si, s) in w.streets.iter().enumerate() {
            v[s.first..s.first + s.len].fill(si as u32);
        }
        v
    };
    let f = std::fs::File::create(path).map_err(|e| io_err(path, e))?;
    let mut out = std::io::BufWriter::new(f);
    let e = |err| io_err(path, err);
    writeln!(
        out,
        "id;NUMVOIE;INDREP;TYPVOIE;NOMVOIE;CODEPOSTAL;LIBCOM;DEPCOM;x_attendu;y_attendu;cas"
    )
    .map_err(e)?;
    let mut counts = [0usize; 3];
    for q in 0..n {
        let roll = rng.gen_range(0..100);
        let case = if roll < 75 || absent.is_empty() {
            0
        } else if roll < 95 {
            1
        } else {
            2
        };
        let pi = if case == 1 {
            *absent.choose(rng).expect("absent")
        } else {
            *present.choose(rng).expect("present")
        };
        let p = &w.points[pi];
        let s = &w.streets[street_of[pi] as usize];
        let c = &w.communes[s.commune as usize];
        let (ty, name) = if case == 2 {
            // a street that does not exist in this commune
            loop {
                let ty = rng.gen_range(0..STREET_TYPES.len());
                let name = format!("{} {}", FIRST_NAMES.choose(rng).expect("names"), word(rng));
                let key = normalize_street("", &format!("{} {name}", STREET_TYPES[ty].full));
                if !w.keys[s.commune as usize].contains(&key.to_string()) {
                    break (ty, name);
                }
            }
        } else {
            (s.ty, s.name.clone())
        };
        let (typvoie, nomvoie) = rpls_street(ty, &name, rng);
        let number = if rng.gen_bool(0.1) {
            format!("{:04}", p.number)
        } else {
            p.number.to_string()
        };
        let indrep = match (p.rep, rng.gen_bool(0.3)) {
            (1, _) => "B",
            (_, true) => "9",
            _ => "",
        };
        let postcode = if rng.gen_bool(0.05) { "" } else { &c.postcode };
        let mut libcom = upper_ascii(&c.name).replace('-', " ");
        if rng.gen_bool(0.05) {
            libcom.push_str(" CEDEX");
        }
        let (xa, ya) = if case == 2 {
            (String::new(), String::new())
        } else {
            (format!("{:.2}", p.x), format!("{:.2}", p.y))
        };
        writeln!(
            out,
            "q{q:07};{number};{indrep};{typvoie};{nomvoie};{postcode};{libcom};{};{xa};{ya};{}",
            c.code,
            ["numero_present", "numero_absent", "voie_inconnue"][case]
        )
        .map_err(e)?;
        counts[case] += 1;
    }
    out.flush().map_err(e)?;
    Ok(counts)
}

/// Writes `adresses-99.csv` and `requetes.csv` into `out`.
pub fn write_ban_bench(params: &BanBenchParams, out: &Path) -> Result<BanBenchSummary, SynthError> {
    if params.addresses == 0 {
        return Err(SynthError::Params("au moins une adresse".into()));
    }
    std::fs::create_dir_all(out).map_err(|e| io_err(out, e))?;
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let world = build(params, &mut rng);
    let ban = out.join("adresses-99.csv");
    let addresses = write_ban(&world, &ban)?;
    let queries_file = out.join("requetes.csv");
    let queries = write_queries(&world, params.queries, &queries_file, &mut rng)?;
    Ok(BanBenchSummary {
        ban,
        queries_file,
        addresses,
        withheld: world.points.iter().filter(|p| p.withheld).count(),
        streets: world.streets.len(),
        communes: world.communes.len(),
        queries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_set_is_deterministic_and_consistent() {
        let dir = tempfile::tempdir().unwrap();
        let p = BanBenchParams {
            addresses: 3000,
            queries: 500,
            seed: 7,
        };
        let a = write_ban_bench(&p, &dir.path().join("a")).unwrap();
        let b = write_ban_bench(&p, &dir.path().join("b")).unwrap();
        assert_eq!(
            std::fs::read(&a.ban).unwrap(),
            std::fs::read(&b.ban).unwrap()
        );
        assert_eq!(
            std::fs::read(&a.queries_file).unwrap(),
            std::fs::read(&b.queries_file).unwrap()
        );
        assert!(a.addresses >= 3000);
        assert_eq!(a.queries.iter().sum::<usize>(), 500);
        assert!(a.queries.iter().all(|&n| n > 0), "{:?}", a.queries);
        let text = std::fs::read_to_string(&a.ban).unwrap();
        assert_eq!(text.lines().count(), a.addresses + 1);
        assert_eq!(text.lines().next().unwrap(), BAN_HEADER);
    }
}

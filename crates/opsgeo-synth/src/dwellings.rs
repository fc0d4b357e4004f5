//! Landlords, programmes, buildings, stairwells and dwellings (the RPLS side).
//!
//! Pass 1 draws the programme structures until the requested number of dwellings is reached
//! (the last programme is trimmed); pass 2 gives every building its address points; pass 3
//! draws the dwelling attributes, correlated with location (QPV), age and financing.

use geo::Coord;
use rand::seq::SliceRandom;
use rand::Rng;

use super::addresses::{AddrRef, StreetNetwork, ZoneTag};
use super::geography::Geography;
use super::{normal, pick_weighted, SynthError};

/// How each landlord writes its RPLS rows.
pub struct Style {
    /// `INDREP` when there is no repetition index (`9` sentinel, or empty).
    pub indrep_none: &'static str,
    /// `TYPVOIE` spelled in full (`RUE`) rather than abbreviated (`R`).
    pub typvoie_word: bool,
    /// Decimal separator of `LOYERPRINC`.
    pub decimal: char,
    /// Share of programmes: central city, ring communes, QPV.
    weights: [f64; 3],
}

pub const STYLES: [Style; 5] = [
    style("9", false, ',', [0.15, 0.42, 0.15]),
    style("9", true, '.', [0.10, 0.22, 0.08]),
    style("9", false, ',', [0.47, 0.10, 0.57]),
    style("", false, '.', [0.18, 0.16, 0.15]),
    style("9", false, ',', [0.10, 0.10, 0.05]),
];

const fn style(
    indrep_none: &'static str,
    typvoie_word: bool,
    decimal: char,
    weights: [f64; 3],
) -> Style {
    Style {
        indrep_none,
        typvoie_word,
        decimal,
        weights,
    }
}

/// Address anomaly of a programme, for the geocoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrIssue {
    None,
    /// Its street is not in the BAN.
    UnknownStreet,
    /// Its house numbers are not in the BAN (the street is).
    AbsentNumber,
}

pub struct Dpe {
    pub month: u8,
    pub year: u16,
    pub energy: char,
    pub ges: char,
}

pub struct Stair {
    pub esc: String,
    pub entree: String,
    pub addr: AddrRef,
    /// The landlord's own geocode of the entrance (address point ± a few metres).
    pub xy: Coord<f64>,
    pub dwellings: u32,
}

pub struct Building {
    pub bat: String,
    pub dpe: Option<Dpe>,
    /// Share of households answering OPS in this building.
    pub response_rate: f64,
    pub stairs: Vec<Stair>,
}

pub struct Programme {
    pub landlord: u8,
    pub immeu: String,
    pub commune: usize,
    pub zone: ZoneTag,
    pub locat: u16,
    pub construct: u16,
    pub individual: bool,
    pub issue: AddrIssue,
    /// The landlord supplies X/Y for this programme.
    pub xy: bool,
    pub buildings: Vec<Building>,
    vacancy: f64,
    works: bool,
}

impl Programme {
    pub fn in_qpv(&self) -> bool {
        matches!(self.zone, ZoneTag::Qpv(_))
    }

    /// Number of dwellings.
    pub fn size(&self) -> u32 {
        self.buildings
            .iter()
            .flat_map(|b| b.stairs.iter().map(|s| s.dwellings))
            .sum()
    }
}

/// X/Y written for a dwelling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Xy {
    None,
    Good(Coord<f64>),
    Zero,
    Swapped(Coord<f64>),
}

pub struct Dwelling {
    pub programme: u32,
    pub building: u16,
    pub stair: u16,
    pub rooms: u8,
    pub surface: u16,
    pub finan: u8,
    /// RPLS `MODE` code.
    pub mode: u8,
    /// Lease start (year, month), MODE 1 only.
    pub bail: Option<(u16, u8)>,
    pub rent_cents: Option<u32>,
    pub xy: Xy,
}

pub struct Stock {
    pub programmes: Vec<Programme>,
    pub dwellings: Vec<Dwelling>,
}

/// Draws the whole social-housing stock and places it on the street network.
pub fn generate<R: Rng>(
    n: usize,
    geo: &Geography,
    net: &mut StreetNetwork,
    rng: &mut R,
) -> Result<Stock, SynthError> {
    let mut programmes = structures(n, geo, rng);
    assign_issues(&mut programmes, rng);
    place(&mut programmes, geo, net, rng)?;
    let mut dwellings = Vec::with_capacity(n);
    for (pi, p) in programmes.iter().enumerate() {
        draw_dwellings(pi as u32, p, rng, &mut dwellings);
    }
    spoil_xy(&mut dwellings, rng);
    Ok(Stock {
        programmes,
        dwellings,
    })
}

fn structures<R: Rng>(n: usize, geo: &Geography, rng: &mut R) -> Vec<Programme> {
    let commune_w: Vec<f64> = geo.communes.iter().map(|c| c.weight).collect();
    let mut next_immeu = [0u32; 5];
    let mut out = Vec::new();
    let mut total = 0usize;
    while total < n {
        let commune = pick_weighted(&commune_w, rng);
        let zone = pick_zone(geo, commune, rng);
        let slot = if matches!(zone, ZoneTag::Qpv(_)) {
            2
        } else if commune == 0 {
            0
        } else {
            1
        };
        let mut immeu = |landlord: u8| {
            next_immeu[landlord as usize] += 1;
            format!("P{:04}", next_immeu[landlord as usize])
        };
        let p = draw_structure(commune, zone, slot, &mut immeu, rng);
        total += p.size() as usize;
        out.push(p);
    }
    trim(&mut out, total - n);
    out
}

/// One programme's structure (landlord, years, buildings, stairwells) in `commune` and `zone`;
/// `slot` picks the landlords' shares (0 central city, 1 other communes, 2 QPV) and `immeu`
/// names the programme of a landlord.
pub(crate) fn draw_structure<R: Rng>(
    commune: usize,
    zone: ZoneTag,
    slot: usize,
    immeu: &mut dyn FnMut(u8) -> String,
    rng: &mut R,
) -> Programme {
    let qpv = matches!(zone, ZoneTag::Qpv(_));
    let lw: Vec<f64> = STYLES.iter().map(|s| s.weights[slot]).collect();
    let landlord = pick_weighted(&lw, rng) as u8;
    let immeu = immeu(landlord);
    let tiny = rng.gen::<f64>() < 0.08;
    let individual = tiny && !qpv && rng.gen::<f64>() < 0.4;
    let (locat, construct) = draw_years(qpv, individual, rng);
    let mut buildings = Vec::new();
    let bat_label = |b: usize| match landlord {
        1 => format!("{:02}", b + 1),
        2 => ((b'A' + (b % 26) as u8) as char).to_string(),
        _ => (b + 1).to_string(),
    };
    if individual {
        for b in 0..rng.gen_range(2..=7usize) {
            buildings.push(building(bat_label(b), vec![1], locat, rng));
        }
    } else if tiny {
        buildings.push(building(
            bat_label(0),
            vec![rng.gen_range(3..=10u32)],
            locat,
            rng,
        ));
    } else {
        let nb = 1 + pick_weighted(&[38.0, 28.0, 16.0, 9.0, 5.0, 4.0], rng);
        for b in 0..nb {
            let ns = 1 + pick_weighted(&[30.0, 35.0, 22.0, 13.0], rng);
            let (floors, per) = if qpv {
                (rng.gen_range(4..=8u32), rng.gen_range(2..=3u32))
            } else {
                (rng.gen_range(2..=4u32), rng.gen_range(2..=4u32))
            };
            let sizes = (0..ns)
                .map(|_| (floors * per).saturating_sub(rng.gen_range(0..=2)).max(2))
                .collect();
            buildings.push(building(bat_label(b), sizes, locat, rng));
        }
    }
    if !individual {
        for b in buildings.iter_mut() {
            for (si, s) in b.stairs.iter_mut().enumerate() {
                (s.esc, s.entree) = match landlord {
                    1 => (format!("{}", si + 1), format!("{}", si + 1)),
                    2 => (String::new(), format!("{}", si + 1)),
                    4 => (format!("{:02}", si + 1), String::new()),
                    _ => (((b'A' + si as u8) as char).to_string(), String::new()),
                };
            }
        }
    }
    let vacancy = if rng.gen::<f64>() < 0.15 {
        rng.gen_range(2.0..4.0)
    } else {
        rng.gen_range(0.5..1.5)
    };
    Programme {
        landlord,
        immeu,
        commune,
        zone,
        locat,
        construct,
        individual,
        issue: AddrIssue::None,
        xy: rng.gen::<f64>() < 0.33,
        buildings,
        vacancy,
        works: rng.gen::<f64>() < 0.02,
    }
}

fn building<R: Rng>(bat: String, sizes: Vec<u32>, locat: u16, rng: &mut R) -> Building {
    let response_rate = if rng.gen::<f64>() < 0.04 {
        rng.gen_range(0.30..0.55)
    } else {
        rng.gen_range(0.72..0.95)
    };
    Building {
        bat,
        dpe: draw_dpe(locat, rng),
        response_rate,
        stairs: sizes
            .into_iter()
            .map(|d| Stair {
                esc: String::new(),
                entree: String::new(),
                addr: AddrRef {
                    street: 0,
                    side: 0,
                    idx: 0,
                },
                xy: Coord { x: 0.0, y: 0.0 },
                dwellings: d,
            })
            .collect(),
    }
}

/// Removes `excess` dwellings from the end of the last programme.
pub(crate) fn trim(programmes: &mut Vec<Programme>, mut excess: usize) {
    while excess > 0 {
        let Some(p) = programmes.last_mut() else {
            return;
        };
        let Some(b) = p.buildings.last_mut() else {
            programmes.pop();
            continue;
        };
        let Some(s) = b.stairs.last_mut() else {
            p.buildings.pop();
            continue;
        };
        let cut = (s.dwellings as usize).min(excess);
        s.dwellings -= cut as u32;
        excess -= cut;
        if s.dwellings == 0 {
            b.stairs.pop();
            if b.stairs.is_empty() {
                p.buildings.pop();
                if p.buildings.is_empty() {
                    programmes.pop();
                }
            }
        }
    }
}

fn pick_zone<R: Rng>(geo: &Geography, commune: usize, rng: &mut R) -> ZoneTag {
    let p_qpv = match commune {
        0 => 0.18,
        1 => 0.30,
        4 => 0.40,
        _ => 0.0,
    };
    if rng.gen::<f64>() < p_qpv {
        let qpvs: Vec<usize> = (0..geo.qpv.len())
            .filter(|&q| geo.qpv[q].commune == commune)
            .collect();
        let w: Vec<f64> = (0..qpvs.len())
            .map(|i| 1.0 / (1.0 + 0.3 * i as f64))
            .collect();
        return ZoneTag::Qpv(qpvs[pick_weighted(&w, rng)] as u8);
    }
    let p_qva = match commune {
        0 => 0.05,
        8 => 0.2,
        _ => 0.0,
    };
    if rng.gen::<f64>() < p_qva {
        let v = (0..geo.qva.len())
            .find(|&v| geo.qva[v].commune == commune)
            .expect("QVA of the commune");
        return ZoneTag::Qva(v as u8);
    }
    ZoneTag::Ordinary
}

/// (LOCAT, CONSTRUCT): first-let year and completion year.
fn draw_years<R: Rng>(qpv: bool, individual: bool, rng: &mut R) -> (u16, u16) {
    let locat: u16 = if qpv && rng.gen::<f64>() < 0.85 {
        rng.gen_range(1958..=1976)
    } else if individual {
        rng.gen_range(1978..=2021)
    } else {
        let decades: [(u16, u16, f64); 8] = [
            (1925, 1948, 2.0),
            (1950, 1959, 5.0),
            (1960, 1969, 19.0),
            (1970, 1979, 21.0),
            (1980, 1989, 12.0),
            (1990, 1999, 13.0),
            (2000, 2009, 13.0),
            (2010, 2021, 15.0),
        ];
        let w: Vec<f64> = decades.iter().map(|d| d.2).collect();
        let (a, b, _) = decades[pick_weighted(&w, rng)];
        rng.gen_range(a..=b)
    };
    let construct = if locat >= 1985 && rng.gen::<f64>() < 0.1 {
        // Acquisition-amélioration of an older building.
        rng.gen_range(1850..=1960)
    } else {
        locat - rng.gen_range(0..=1)
    };
    (locat, construct)
}

fn draw_dpe<R: Rng>(locat: u16, rng: &mut R) -> Option<Dpe> {
    if rng.gen::<f64>() < 0.08 {
        return None;
    }
    const CLASSES: [char; 7] = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
    let w: [f64; 7] = match locat {
        0..=1974 => [0.0, 0.0, 8.0, 35.0, 40.0, 15.0, 2.0],
        1975..=1989 => [0.0, 0.0, 25.0, 45.0, 25.0, 5.0, 0.0],
        1990..=2004 => [0.0, 5.0, 45.0, 40.0, 10.0, 0.0, 0.0],
        2005..=2012 => [0.0, 25.0, 55.0, 20.0, 0.0, 0.0, 0.0],
        _ => [10.0, 55.0, 35.0, 0.0, 0.0, 0.0, 0.0],
    };
    let e = pick_weighted(&w, rng);
    let shift = pick_weighted(&[30.0, 50.0, 20.0], rng) as i32 - 1;
    let g = (e as i32 + shift).clamp(0, 6) as usize;
    let year = rng.gen_range(locat.max(2008)..=2021);
    Some(Dpe {
        month: rng.gen_range(1..=12),
        year,
        energy: CLASSES[e],
        ges: CLASSES[g],
    })
}

/// Picks the programmes whose addresses the BAN does not know (~1.5 % unknown street, ~1.5 %
/// absent number, at least one of each).
fn assign_issues<R: Rng>(programmes: &mut [Programme], rng: &mut R) {
    if programmes.len() < 2 {
        return;
    }
    let k = ((programmes.len() as f64 * 0.015).round() as usize).max(1);
    let mut idx: Vec<usize> = (0..programmes.len()).collect();
    idx.shuffle(rng);
    for (j, &i) in idx.iter().take(2 * k).enumerate() {
        programmes[i].issue = if j < k {
            AddrIssue::UnknownStreet
        } else {
            AddrIssue::AbsentNumber
        };
    }
}

fn place<R: Rng>(
    programmes: &mut [Programme],
    geo: &Geography,
    net: &mut StreetNetwork,
    rng: &mut R,
) -> Result<(), SynthError> {
    for p in programmes.iter_mut() {
        let hidden = p.issue == AddrIssue::UnknownStreet;
        let mut prefer = None;
        for (bi, b) in p.buildings.iter_mut().enumerate() {
            let k = b.stairs.len();
            let refs = net.allocate(
                geo,
                p.commune,
                p.zone,
                k,
                prefer,
                hidden && bi == 0,
                hidden,
                rng,
            )?;
            prefer = Some(refs[0].street);
            for (s, r) in b.stairs.iter_mut().zip(refs) {
                if p.issue == AddrIssue::AbsentNumber {
                    net.mark_absent(r);
                }
                let a = net.point(r).p;
                let (ang, d) = (
                    rng.gen::<f64>() * std::f64::consts::TAU,
                    rng.gen::<f64>().sqrt() * 4.0,
                );
                s.addr = r;
                s.xy = Coord {
                    x: ((a.x + d * ang.cos()) * 100.0).round() / 100.0,
                    y: ((a.y + d * ang.sin()) * 100.0).round() / 100.0,
                };
            }
        }
    }
    Ok(())
}

const ROOM_W_QPV: [f64; 6] = [4.0, 14.0, 34.0, 32.0, 13.0, 3.0];
const ROOM_W_OLD: [f64; 6] = [7.0, 20.0, 37.0, 26.0, 9.0, 1.0];
const ROOM_W_NEW: [f64; 6] = [9.0, 28.0, 37.0, 20.0, 6.0, 0.0];
const ROOM_W_HOUSE: [f64; 6] = [0.0, 0.0, 20.0, 45.0, 30.0, 5.0];
const SURFACE: [f64; 6] = [31.0, 47.0, 65.0, 79.0, 93.0, 108.0];

fn draw_finan<R: Rng>(locat: u16, rng: &mut R) -> u8 {
    let (codes, w): (&[u8], &[f64]) = match locat {
        0..=1948 => (&[50, 99], &[60.0, 40.0]),
        1949..=1976 => (&[99, 52, 53, 54, 51], &[45.0, 35.0, 8.0, 4.0, 8.0]),
        1977..=1987 => (&[12, 49, 17, 15, 55], &[60.0, 20.0, 8.0, 4.0, 8.0]),
        1988..=1999 => (
            &[12, 11, 10, 14, 16, 49],
            &[55.0, 15.0, 5.0, 15.0, 5.0, 5.0],
        ),
        _ => (&[13, 11, 14, 16], &[55.0, 28.0, 12.0, 5.0]),
    };
    codes[pick_weighted(w, rng)]
}

fn rent_rate(finan: u8) -> f64 {
    match finan {
        50 => 4.6,
        99 => 4.9,
        52 => 5.0,
        53 => 5.6,
        54 => 5.8,
        51 => 4.5,
        12 => 5.6,
        49 => 5.3,
        17 => 6.2,
        15 => 6.0,
        55 => 6.5,
        11 => 5.4,
        10 => 5.2,
        13 => 6.1,
        14 => 8.6,
        _ => 10.2,
    }
}

pub(crate) fn draw_dwellings<R: Rng>(pi: u32, p: &Programme, rng: &mut R, out: &mut Vec<Dwelling>) {
    let qpv = p.in_qpv();
    let room_w = if p.individual {
        &ROOM_W_HOUSE
    } else if qpv {
        &ROOM_W_QPV
    } else if p.locat < 1990 {
        &ROOM_W_OLD
    } else {
        &ROOM_W_NEW
    };
    let prog_finan = draw_finan(p.locat, rng);
    let p2 = if qpv { 0.045 } else { 0.022 } * p.vacancy;
    let p3 = if p.works {
        rng.gen_range(0.3..0.8)
    } else {
        0.007
    };
    let turnover = if qpv { 0.08 } else { 0.065 };
    let first_let = (p.locat, rng.gen_range(1..=12u8));
    for (bi, b) in p.buildings.iter().enumerate() {
        for (si, s) in b.stairs.iter().enumerate() {
            for _ in 0..s.dwellings {
                let rooms = 1 + pick_weighted(room_w, rng) as u8;
                let surface = (SURFACE[rooms as usize - 1] * normal(rng, 1.0, 0.07))
                    .round()
                    .max(14.0) as u16;
                let finan = if p.locat >= 1988 {
                    draw_finan(p.locat, rng)
                } else {
                    prog_finan
                };
                let u = rng.gen::<f64>();
                let mode = if u < p3 {
                    3
                } else if u < p3 + p2 {
                    2
                } else {
                    let v = rng.gen::<f64>();
                    match v {
                        v if v < 0.003 => 4,
                        v if v < 0.006 => 5,
                        v if v < 0.007 => 6,
                        v if v < 0.0075 => 9,
                        _ => 1,
                    }
                };
                let (bail, rent_cents) = if mode == 1 {
                    let years = -rng.gen::<f64>().max(1e-12).ln() / turnover;
                    let months = (years * 12.0).floor() as i32 + 1;
                    let mut ym = 2022 * 12 - months; // months since year 0, 0-based month
                    let fl = first_let.0 as i32 * 12 + first_let.1 as i32 - 1;
                    if ym < fl {
                        ym = fl;
                    }
                    let bail = ((ym / 12) as u16, (ym % 12 + 1) as u8);
                    let mut rate = rent_rate(finan) * normal(rng, 1.0, 0.06);
                    if p.locat >= 2000 {
                        rate *= 1.0 + 0.04 * (p.locat - 2000) as f64 / 10.0;
                    }
                    if qpv {
                        rate *= 0.95;
                    }
                    rate *= 1.0 + 0.05 * (3.0 - rooms as f64);
                    (
                        Some(bail),
                        Some((rate * surface as f64 * 100.0).round() as u32),
                    )
                } else {
                    (None, None)
                };
                out.push(Dwelling {
                    programme: pi,
                    building: bi as u16,
                    stair: si as u16,
                    rooms,
                    surface,
                    finan,
                    mode,
                    bail,
                    rent_cents,
                    xy: if p.xy { Xy::Good(s.xy) } else { Xy::None },
                });
            }
        }
    }
}

/// Makes a few X/Y unusable: (0, 0) and swapped coordinates.
fn spoil_xy<R: Rng>(dwellings: &mut [Dwelling], rng: &mut R) {
    let with: Vec<usize> = (0..dwellings.len())
        .filter(|&i| matches!(dwellings[i].xy, Xy::Good(_)))
        .collect();
    let k = xy_spoiled_per_kind(dwellings.len()).min(with.len() / 2);
    let picked: Vec<usize> = with.choose_multiple(rng, 2 * k).copied().collect();
    for (j, i) in picked.into_iter().enumerate() {
        if let Xy::Good(c) = dwellings[i].xy {
            dwellings[i].xy = if j < k { Xy::Zero } else { Xy::Swapped(c) };
        }
    }
}

/// Rows with (0, 0) X/Y, and rows with swapped X/Y (each).
pub fn xy_spoiled_per_kind(n: usize) -> usize {
    (n / 3000).clamp(1, 4)
}

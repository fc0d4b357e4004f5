//! OPS households and occupants, one household per let dwelling (RPLS `MODE` 1).
//!
//! Composition depends on the dwelling size and on whether it lies in a QPV; the occupants
//! follow the composition (a couple with children has a holder, a partner and children…);
//! employment follows age and location; income follows composition, employment and financing;
//! APL follows income and location.

use rand::Rng;

use super::dwellings::{Programme, Stock};
use super::{normal, pick_weighted};

pub struct Occupant {
    pub age: u8,
    /// 1 titulaire, 2 conjoint, 3 enfant, 4 autre parent, 5 sans lien.
    pub link: u8,
    /// Employment code for adults (9 = not known); `None` for minors.
    pub employment: Option<u8>,
    /// Minor written with an empty employment instead of `9`.
    pub blank: bool,
}

pub struct Household {
    pub dwelling: u32,
    pub responded: bool,
    /// OPS move-in date (year, month).
    pub move_in: Option<(u16, u8)>,
    /// 1 seul, 2 monoparentale, 3 couple sans enfant, 4 couple avec enfant(s), 5 autre.
    pub composition: u8,
    pub holder_age: u8,
    pub income_pct: Option<u16>,
    /// 1 oui, 2 non, 9 non renseigné.
    pub apl: u8,
    pub occupants: Vec<Occupant>,
}

const COMPO_OUT: [f64; 5] = [40.0, 20.0, 14.0, 20.0, 6.0];
const COMPO_QPV: [f64; 5] = [33.0, 28.0, 9.0, 24.0, 6.0];
const ROOM_FACTOR: [[f64; 5]; 5] = [
    [3.0, 0.2, 0.6, 0.05, 0.3],
    [1.8, 0.7, 1.3, 0.3, 0.7],
    [1.0, 1.0, 1.0, 1.0, 1.0],
    [0.5, 1.3, 0.8, 1.6, 1.2],
    [0.25, 1.3, 0.5, 2.2, 1.4],
];

/// Draws one household per let dwelling.
pub fn generate<R: Rng>(stock: &Stock, rng: &mut R) -> Vec<Household> {
    let mut out = Vec::new();
    for (di, d) in stock.dwellings.iter().enumerate() {
        if d.mode != 1 {
            continue;
        }
        let p = &stock.programmes[d.programme as usize];
        let b = &p.buildings[d.building as usize];
        let bail = d.bail.expect("let dwellings have a lease");
        if rng.gen::<f64>() >= b.response_rate {
            out.push(Household {
                dwelling: di as u32,
                responded: false,
                move_in: None,
                composition: 0,
                holder_age: 0,
                income_pct: None,
                apl: 9,
                occupants: Vec::new(),
            });
            continue;
        }
        out.push(respondent(di as u32, p, d.rooms, d.finan, bail, rng));
    }
    out
}

fn respondent<R: Rng>(
    dwelling: u32,
    p: &Programme,
    rooms: u8,
    finan: u8,
    bail: (u16, u8),
    rng: &mut R,
) -> Household {
    let qpv = p.in_qpv();
    let u = rng.gen::<f64>();
    let move_in = if u < 0.90 {
        Some(bail)
    } else if u < 0.96 {
        None
    } else {
        // Moved in before the current lease (lease transferred to a household member).
        let back = rng.gen_range(1..=8u16);
        Some((bail.0.saturating_sub(back).max(p.locat), bail.1))
    };
    let since = move_in.unwrap_or(bail);
    let tenure = 2022u16.saturating_sub(since.0) as i32;

    let base = if qpv { &COMPO_QPV } else { &COMPO_OUT };
    let rf = &ROOM_FACTOR[(rooms as usize).clamp(1, 5) - 1];
    let w: Vec<f64> = (0..5).map(|i| base[i] * rf[i]).collect();
    let composition = 1 + pick_weighted(&w, rng) as u8;

    let mut holder_age = match composition {
        1 => match pick_weighted(&[35.0, 30.0, 35.0], rng) {
            0 => rng.gen_range(20..45),
            1 => rng.gen_range(45..65),
            _ => rng.gen_range(65..93),
        },
        2 => normal(rng, 40.0, 8.0).round().clamp(20.0, 62.0) as i32,
        3 => {
            if rng.gen::<f64>() < 0.35 {
                rng.gen_range(22..40)
            } else {
                rng.gen_range(55..89)
            }
        }
        4 => normal(rng, 41.0, 8.0).round().clamp(22.0, 65.0) as i32,
        _ => rng.gen_range(25..86),
    };
    if holder_age < 18 + tenure {
        holder_age = 18 + tenure + rng.gen_range(0..10);
    }
    let holder_age = holder_age.min(99) as u8;

    let mut occ = vec![person(holder_age, 1, qpv, composition == 2, rng)];
    if composition == 3 || composition == 4 {
        let a = (holder_age as f64 + normal(rng, 0.0, 4.0))
            .round()
            .clamp(18.0, 99.0) as u8;
        occ.push(person(a, 2, qpv, false, rng));
    }
    if composition == 2 || composition == 4 {
        let w: &[f64] = if composition == 2 {
            &[45.0, 33.0, 15.0, 5.0, 2.0]
        } else {
            &[35.0, 38.0, 18.0, 6.0, 3.0]
        };
        let cap = (rooms as usize + usize::from(composition == 4)).max(1);
        let n = (1 + pick_weighted(w, rng)).min(cap);
        let max_age = (holder_age as i32 - 17).clamp(0, 26);
        for _ in 0..n {
            let mut a = rng.gen_range(0..=max_age);
            if a >= 18 && rng.gen::<bool>() {
                a = rng.gen_range(0..=max_age.min(17));
            }
            occ.push(person(a as u8, 3, qpv, false, rng));
        }
    }
    if composition == 5 {
        for _ in 0..1 + pick_weighted(&[60.0, 30.0, 10.0], rng) {
            let (link, a) = if rng.gen::<f64>() < 0.6 {
                if rng.gen::<bool>() {
                    (4, rng.gen_range(60..91))
                } else {
                    (4, rng.gen_range(0..31))
                }
            } else {
                (5, rng.gen_range(18..61))
            };
            occ.push(person(a, link, qpv, false, rng));
        }
    }

    let income_pct = if rng.gen::<f64>() < 0.07 {
        None
    } else {
        let mut m = if qpv { 48.0 } else { 70.0 };
        m *= [0.9, 0.75, 1.2, 1.0, 1.0][composition as usize - 1];
        m *= employment_factor(occ[0].employment, 1.35);
        if let Some(partner) = occ.iter().find(|o| o.link == 2) {
            m *= employment_factor(partner.employment, 1.2).sqrt();
        }
        m *= match finan {
            10 | 11 => 0.8,
            14 => 1.6,
            16 => 2.0,
            _ => 1.0,
        };
        Some((m * normal(rng, 0.0, 0.45).exp()).round().clamp(1.0, 300.0) as u16)
    };
    let apl = if rng.gen::<f64>() < 0.03 {
        9
    } else {
        let base = if qpv { 0.64 } else { 0.44 };
        let p = match income_pct {
            Some(i) => base + 0.35 * (50.0 - i as f64) / 50.0,
            None => base,
        };
        if rng.gen::<f64>() < p.clamp(0.03, 0.97) {
            1
        } else {
            2
        }
    };
    Household {
        dwelling,
        responded: true,
        move_in,
        composition,
        holder_age,
        income_pct,
        apl,
        occupants: occ,
    }
}

fn employment_factor(e: Option<u8>, stable: f64) -> f64 {
    match e {
        Some(1) => stable,
        Some(2) => 0.9,
        Some(3) => 0.6,
        Some(4) => 0.55,
        Some(5) => 0.9,
        Some(6) => 0.5,
        _ => 1.0,
    }
}

fn person<R: Rng>(age: u8, link: u8, qpv: bool, single_parent: bool, rng: &mut R) -> Occupant {
    if age < 18 {
        return Occupant {
            age,
            link,
            employment: None,
            blank: rng.gen::<f64>() < 0.2,
        };
    }
    if rng.gen::<f64>() < 0.01 {
        return Occupant {
            age,
            link,
            employment: Some(9),
            blank: false,
        };
    }
    // stable, précaire, chômeur, sans emploi, retraité, étudiant
    let mut w: [f64; 6] = match age {
        18..=24 => [15.0, 22.0, if qpv { 18.0 } else { 13.0 }, 5.0, 0.0, 45.0],
        25..=59 if qpv => [33.0, 20.0, 20.0, 25.0, 0.0, 2.0],
        25..=59 => [50.0, 15.0, 12.0, 21.0, 0.0, 2.0],
        60..=64 => [22.0, 5.0, 8.0, 15.0, 50.0, 0.0],
        _ => [0.0, 0.0, 0.0, 5.0, 95.0, 0.0],
    };
    if single_parent {
        w[0] *= 0.8;
        w[2] *= 1.3;
    }
    Occupant {
        age,
        link,
        employment: Some(1 + pick_weighted(&w, rng) as u8),
        blank: false,
    }
}

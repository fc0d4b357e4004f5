//! The social-housing stock of one commune of the national profile: programmes drawn with the
//! métropole's rules ([`crate::dwellings`]) until the commune's quota is reached, placed
//! on the commune's streets, then their dwellings.

use geo::Coord;
use rand::Rng;

use super::streets::CommuneNet;
use crate::addresses::ZoneTag;
use crate::dwellings::{draw_dwellings, draw_structure, trim, AddrIssue, Programme, Stock};
use crate::{pick_weighted, SynthError};

/// Full-scale dwellings from which a commune counts as a central city for the landlords' mix.
const CITY_FROM: f64 = 20_000.0;

/// What the stock of a commune needs to know about it.
pub struct StockSpec<'a> {
    pub commune: usize,
    pub quota: usize,
    /// Full-scale dwellings.
    pub target: f64,
    /// Local blobs: `true` for a QPV, `false` for a QVA.
    pub blobs: &'a [bool],
}

/// Draws the commune's programmes and dwellings; `immeu[landlord]` numbers the programmes of
/// each landlord in the commune's région.
pub fn draw<R: Rng>(
    spec: &StockSpec,
    net: &mut CommuneNet,
    immeu: &mut [u32; 5],
    rng: &mut R,
) -> Result<Stock, SynthError> {
    let qpv: Vec<u8> = (0..spec.blobs.len())
        .filter(|&k| spec.blobs[k])
        .map(|k| k as u8)
        .collect();
    let qva: Vec<u8> = (0..spec.blobs.len())
        .filter(|&k| !spec.blobs[k])
        .map(|k| k as u8)
        .collect();
    let p_qpv = if qpv.is_empty() {
        0.0
    } else {
        (0.12 + 0.04 * qpv.len() as f64).min(0.4)
    };
    let p_qva = if qva.is_empty() { 0.0 } else { 0.06 };
    let qpv_w: Vec<f64> = (0..qpv.len())
        .map(|i| 1.0 / (1.0 + 0.1 * i as f64))
        .collect();

    let mut programmes: Vec<Programme> = Vec::new();
    let mut total = 0usize;
    while total < spec.quota {
        let zone = if rng.gen::<f64>() < p_qpv {
            ZoneTag::Qpv(qpv[pick_weighted(&qpv_w, rng)])
        } else if rng.gen::<f64>() < p_qva {
            ZoneTag::Qva(qva[rng.gen_range(0..qva.len())])
        } else {
            ZoneTag::Ordinary
        };
        let slot = match zone {
            ZoneTag::Qpv(_) => 2,
            _ if spec.target >= CITY_FROM => 0,
            _ => 1,
        };
        let mut name = |landlord: u8| {
            immeu[landlord as usize] += 1;
            format!("P{:05}", immeu[landlord as usize])
        };
        let p = draw_structure(spec.commune, zone, slot, &mut name, rng);
        total += p.size() as usize;
        programmes.push(p);
    }
    trim(&mut programmes, total - spec.quota);
    for p in programmes.iter_mut() {
        p.issue = match rng.gen::<f64>() {
            u if u < 0.015 => AddrIssue::UnknownStreet,
            u if u < 0.03 => AddrIssue::AbsentNumber,
            _ => AddrIssue::None,
        };
    }
    place(&mut programmes, net, rng)?;
    let mut dwellings = Vec::with_capacity(spec.quota);
    for (pi, p) in programmes.iter().enumerate() {
        draw_dwellings(pi as u32, p, rng, &mut dwellings);
    }
    Ok(Stock {
        programmes,
        dwellings,
    })
}

/// Gives every stairwell an address point (and the landlord's own geocode near it).
fn place<R: Rng>(
    programmes: &mut [Programme],
    net: &mut CommuneNet,
    rng: &mut R,
) -> Result<(), SynthError> {
    for p in programmes.iter_mut() {
        let hidden = p.issue == AddrIssue::UnknownStreet;
        let mut prefer = None;
        for b in p.buildings.iter_mut() {
            let refs = net.allocate(p.zone, b.stairs.len(), prefer, hidden, rng)?;
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

//! Streets and address points, generated on demand where programmes need them.
//!
//! A street is a straight segment inside one "zone" of a commune (a QPV, a QVA, or the rest of
//! the commune), with odd numbers on its left and even numbers on its right, a few `bis`/`ter`.
//! Every address point keeps clear margins from commune, QPV and QVA boundaries, so that which
//! polygon contains it is never a matter of centimetres. Programmes take runs of consecutive
//! address points; the points nobody takes are the BAN's addresses without social housing.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use geo::Coord;
use rand::Rng;

use super::geography::{dist_to_ring, in_ring, Geography};
use super::names::{self, STREET_TYPES};
use super::SynthError;

/// Margin between an address point and its commune boundary, metres.
const COMMUNE_MARGIN: f64 = 25.0;
/// Margin between an address point and any QPV or QVA boundary, metres.
pub const ZONE_MARGIN: f64 = 12.0;
/// Minimal distance between two address points, metres.
const MIN_SPACING: f64 = 6.0;
/// Distance of address points from the street axis, metres.
const SIDE_OFFSET: f64 = 7.0;

/// Repetition index of a house number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rep {
    None,
    Bis,
    Ter,
}

impl Rep {
    /// BAN `rep` value.
    pub fn ban(self) -> &'static str {
        match self {
            Rep::None => "",
            Rep::Bis => "bis",
            Rep::Ter => "ter",
        }
    }

    /// RPLS `INDREP` letter (`None` → the caller writes its sentinel).
    pub fn rpls(self) -> Option<&'static str> {
        match self {
            Rep::None => None,
            Rep::Bis => Some("B"),
            Rep::Ter => Some("T"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AddrPoint {
    pub number: u32,
    pub rep: Rep,
    pub p: Coord<f64>,
    /// Written to the BAN (false for numbers deliberately left out).
    pub in_ban: bool,
    /// Taken by a programme.
    pub used: bool,
}

/// Which part of a commune a street lies in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ZoneTag {
    Ordinary,
    Qpv(u8),
    Qva(u8),
}

#[derive(Debug, Clone)]
pub struct Street {
    pub commune: usize,
    /// Street rank in its commune (BAN `id_fantoir` suffix).
    pub fantoir: u32,
    /// Index in [`STREET_TYPES`]; `None` for untyped names (RPLS `TYPVOIE` 99).
    pub typ: Option<usize>,
    /// Name without the type, with accents: `de la Libération`, `Victor Hugo`.
    pub name: String,
    pub zone: ZoneTag,
    /// Absent from the BAN (street unknown to the geocoder).
    pub hidden: bool,
    /// Odd side, even side, each in number order.
    pub sides: [Vec<AddrPoint>; 2],
    cursor: [usize; 2],
}

impl Street {
    /// BAN `nom_voie`: `Rue Victor Hugo`, `Boulevard de la Libération`.
    pub fn full_name(&self) -> String {
        match self.typ {
            Some(t) => format!("{} {}", STREET_TYPES[t].full, self.name),
            None => self.name.clone(),
        }
    }

    fn free(&self, side: usize) -> usize {
        self.sides[side].len() - self.cursor[side]
    }
}

/// Reference to one address point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddrRef {
    pub street: u32,
    pub side: u8,
    pub idx: u32,
}

/// All streets, grouped by (commune, zone) for allocation.
#[derive(Default)]
pub struct StreetNetwork {
    pub streets: Vec<Street>,
    by_zone: BTreeMap<(usize, ZoneTag), Vec<u32>>,
    names_used: BTreeMap<usize, BTreeSet<String>>,
    next_fantoir: BTreeMap<usize, u32>,
    spacing: Spacing,
}

impl StreetNetwork {
    pub fn point(&self, r: AddrRef) -> &AddrPoint {
        &self.streets[r.street as usize].sides[r.side as usize][r.idx as usize]
    }

    pub fn street(&self, r: AddrRef) -> &Street {
        &self.streets[r.street as usize]
    }

    pub fn mark_absent(&mut self, r: AddrRef) {
        self.streets[r.street as usize].sides[r.side as usize][r.idx as usize].in_ban = false;
    }

    /// Takes `k` consecutive address points in `zone` of `commune`: on `prefer` when it has
    /// room, else on an existing street of the zone or a new one (`dedicated` forces a new
    /// street, `hidden` keeps it out of the BAN).
    #[allow(clippy::too_many_arguments)]
    pub fn allocate<R: Rng>(
        &mut self,
        geo: &Geography,
        commune: usize,
        zone: ZoneTag,
        k: usize,
        prefer: Option<u32>,
        dedicated: bool,
        hidden: bool,
        rng: &mut R,
    ) -> Result<Vec<AddrRef>, SynthError> {
        let gap = if prefer.is_some() {
            rng.gen_range(0..=1usize)
        } else {
            rng.gen_range(0..=2usize)
        };
        let room = |st: &Street| st.free(0) >= k + gap || st.free(1) >= k + gap;
        let mut chosen = prefer.filter(|&s| room(&self.streets[s as usize]));
        if chosen.is_none() && !dedicated && rng.gen::<f64>() > 0.3 {
            if let Some(list) = self.by_zone.get(&(commune, zone)) {
                let fits: Vec<u32> = list
                    .iter()
                    .copied()
                    .filter(|&s| room(&self.streets[s as usize]))
                    .collect();
                if !fits.is_empty() {
                    chosen = Some(fits[rng.gen_range(0..fits.len())]);
                }
            }
        }
        let s = match chosen {
            Some(s) => s,
            None => self.new_street(geo, commune, zone, hidden, k + gap, rng)?,
        };
        let st = &mut self.streets[s as usize];
        let side = if st.free(0) >= k + gap && (st.free(1) < k + gap || rng.gen::<bool>()) {
            0
        } else {
            1
        };
        st.cursor[side] += gap;
        let start = st.cursor[side];
        st.cursor[side] += k;
        let mut out = Vec::with_capacity(k);
        for idx in start..start + k {
            st.sides[side][idx].used = true;
            out.push(AddrRef {
                street: s,
                side: side as u8,
                idx: idx as u32,
            });
        }
        Ok(out)
    }

    /// Adds background streets without social housing (their addresses are BAN-only).
    pub fn add_background<R: Rng>(
        &mut self,
        geo: &Geography,
        count: usize,
        rng: &mut R,
    ) -> Result<(), SynthError> {
        let weights: Vec<f64> = geo
            .communes
            .iter()
            .map(|c| 0.5 * c.weight + 0.5 / 12.0)
            .collect();
        for _ in 0..count {
            let c = super::pick_weighted(&weights, rng);
            self.new_street(geo, c, ZoneTag::Ordinary, false, 2, rng)?;
        }
        Ok(())
    }

    fn new_name<R: Rng>(
        &mut self,
        commune: usize,
        hidden: bool,
        rng: &mut R,
    ) -> (Option<usize>, String) {
        let used = self.names_used.entry(commune).or_default();
        let weights: Vec<f64> = STREET_TYPES.iter().map(|t| t.weight as f64).collect();
        for attempt in 0u32.. {
            let (typ, mut name) = if hidden {
                let t = if rng.gen::<bool>() { 0 } else { 3 };
                let n = names::NEW_STREET_NAMES[rng.gen_range(0..names::NEW_STREET_NAMES.len())];
                (Some(t), n.to_string())
            } else if rng.gen::<f64>() < 0.03 {
                let pre = names::UNTYPED_PREFIXES[rng.gen_range(0..names::UNTYPED_PREFIXES.len())];
                let n = names::NATURE[rng.gen_range(0..names::NATURE.len())];
                (None, format!("{pre} {n}"))
            } else {
                let t = super::pick_weighted(&weights, rng);
                let kinds = STREET_TYPES[t].kinds;
                let list = names::names_of(kinds[rng.gen_range(0..kinds.len())]);
                (Some(t), list[rng.gen_range(0..list.len())].to_string())
            };
            if attempt >= 60 {
                let q = names::QUALIFIERS[rng.gen_range(0..names::QUALIFIERS.len())];
                name = format!("{name} {q}");
            }
            if attempt >= 200 {
                // Only for sets far larger than any real métropole: numbered names.
                name = format!("{name} {}", attempt - 198);
            }
            let full = match typ {
                Some(t) => format!("{} {}", STREET_TYPES[t].full, name),
                None => name.clone(),
            };
            if used.insert(names::upper_ascii(&full)) {
                return (typ, name);
            }
        }
        unreachable!("the attempt loop only ends by returning")
    }

    fn new_street<R: Rng>(
        &mut self,
        geo: &Geography,
        commune: usize,
        zone: ZoneTag,
        hidden: bool,
        need: usize,
        rng: &mut R,
    ) -> Result<u32, SynthError> {
        for attempt in 0..2000 {
            let relax = attempt >= 1000;
            let start = match zone {
                ZoneTag::Qpv(q) => Geography::sample_in_blob(&geo.qpv[q as usize], rng),
                ZoneTag::Qva(v) => Geography::sample_in_blob(&geo.qva[v as usize], rng),
                ZoneTag::Ordinary => {
                    let p = geo.sample_in_commune(commune, rng);
                    if rng.gen::<f64>() > geo.density(commune, p) {
                        continue;
                    }
                    p
                }
            };
            let angle = rng.gen::<f64>() * std::f64::consts::TAU;
            let (len, spacing) = match zone {
                ZoneTag::Ordinary if commune == 0 => {
                    (rng.gen_range(120.0..600.0), rng.gen_range(12.0..24.0))
                }
                ZoneTag::Ordinary => (rng.gen_range(100.0..800.0), rng.gen_range(14.0..28.0)),
                _ => (rng.gen_range(80.0..380.0), rng.gen_range(12.0..18.0)),
            };
            let sides = self.layout(geo, commune, zone, start, angle, len, spacing, relax, rng);
            if sides[0].len() + sides[1].len() < need.max(2)
                || (sides[0].len() < need && sides[1].len() < need)
            {
                continue;
            }
            let (typ, name) = self.new_name(commune, hidden, rng);
            let fantoir = self.next_fantoir.entry(commune).or_insert(0);
            *fantoir += 1;
            for p in sides.iter().flatten() {
                self.spacing.add(p.p);
            }
            let id = self.streets.len() as u32;
            self.streets.push(Street {
                commune,
                fantoir: *fantoir,
                typ,
                name,
                zone,
                hidden,
                sides,
                cursor: [0, 0],
            });
            if !hidden {
                self.by_zone.entry((commune, zone)).or_default().push(id);
            }
            return Ok(id);
        }
        Err(SynthError::Params(format!(
            "impossible de placer une rue supplémentaire dans la commune {} (territoire saturé)",
            geo.communes[commune].code
        )))
    }

    /// Address points along a candidate street, cut before the first point that breaks a
    /// margin.
    #[allow(clippy::too_many_arguments)]
    fn layout<R: Rng>(
        &self,
        geo: &Geography,
        commune: usize,
        zone: ZoneTag,
        s: Coord<f64>,
        angle: f64,
        len: f64,
        spacing: f64,
        relax: bool,
        rng: &mut R,
    ) -> [Vec<AddrPoint>; 2] {
        let axis = Axis {
            start: s,
            angle,
            len,
            spacing,
        };
        lay_sides(&axis, false, rng, |p| {
            self.acceptable(geo, commune, zone, p, relax)
        })
        .map(|side| {
            side.into_iter()
                .map(|a| AddrPoint {
                    number: a.number,
                    rep: a.rep,
                    p: a.p,
                    in_ban: true,
                    used: false,
                })
                .collect()
        })
    }

    fn acceptable(
        &self,
        geo: &Geography,
        commune: usize,
        zone: ZoneTag,
        p: Coord<f64>,
        relax: bool,
    ) -> bool {
        let ring = &geo.communes[commune].polygon.exterior().0;
        if !in_ring(p, ring) || dist_to_ring(p, ring) < COMMUNE_MARGIN {
            return false;
        }
        for (i, b) in geo.qpv.iter().enumerate() {
            let ring = &b.polygon.exterior().0;
            let inside = in_ring(p, ring);
            let want = zone == ZoneTag::Qpv(i as u8);
            if inside != want || dist_to_ring(p, ring) < ZONE_MARGIN {
                return false;
            }
        }
        for (i, b) in geo.qva.iter().enumerate() {
            let ring = &b.polygon.exterior().0;
            let inside = in_ring(p, ring);
            let want = zone == ZoneTag::Qva(i as u8);
            if inside != want || dist_to_ring(p, ring) < ZONE_MARGIN {
                return false;
            }
        }
        if relax {
            return true;
        }
        !self.spacing.crowded(p)
    }
}

/// Address points already placed, hashed by 10 m cell (lookup only, never iterated), to keep
/// a minimal spacing between points.
#[derive(Default)]
pub(crate) struct Spacing {
    cells: HashMap<(i64, i64), Vec<Coord<f64>>>,
}

impl Spacing {
    fn cell(p: Coord<f64>) -> (i64, i64) {
        ((p.x / 10.0).floor() as i64, (p.y / 10.0).floor() as i64)
    }

    pub(crate) fn add(&mut self, p: Coord<f64>) {
        self.cells.entry(Self::cell(p)).or_default().push(p);
    }

    /// Whether a point already placed is closer to `p` than [`MIN_SPACING`].
    pub(crate) fn crowded(&self, p: Coord<f64>) -> bool {
        let (cx, cy) = Self::cell(p);
        (-1..=1).any(|dx| {
            (-1..=1).any(|dy| {
                self.cells.get(&(cx + dx, cy + dy)).is_some_and(|v| {
                    v.iter().any(|q| {
                        (q.x - p.x).powi(2) + (q.y - p.y).powi(2) < MIN_SPACING * MIN_SPACING
                    })
                })
            })
        })
    }
}

/// The axis of a candidate street: from `start`, `len` metres at `angle`, one number every
/// `spacing` metres on each side.
pub(crate) struct Axis {
    pub start: Coord<f64>,
    pub angle: f64,
    pub len: f64,
    pub spacing: f64,
}

/// One address point laid along an [`Axis`].
pub(crate) struct Laid {
    pub number: u32,
    pub rep: Rep,
    pub p: Coord<f64>,
}

/// The address points of both sides of `axis` (odd numbers on the left, even on the right, a
/// few `bis`/`ter`), cut before the first point `acceptable` refuses; with `stop_at_cut`, no
/// number is drawn beyond the cut (fewer draws: another sequence than without).
pub(crate) fn lay_sides<R: Rng>(
    axis: &Axis,
    stop_at_cut: bool,
    rng: &mut R,
    mut acceptable: impl FnMut(Coord<f64>) -> bool,
) -> [Vec<Laid>; 2] {
    let Axis {
        start: s,
        angle,
        len,
        spacing,
    } = *axis;
    let (ux, uy) = (angle.cos(), angle.sin());
    let (nx, ny) = (-uy, ux);
    let mut sides: [Vec<(Laid, f64)>; 2] = [Vec::new(), Vec::new()];
    let mut cut = f64::MAX;
    let mut k = 0u32;
    loop {
        let base = 5.0 + k as f64 * spacing;
        if base > len || (stop_at_cut && base > cut) {
            break;
        }
        for (side, points) in sides.iter_mut().enumerate() {
            let t0 = base + if side == 1 { spacing / 2.0 } else { 0.0 };
            let number = 2 * k + 1 + side as u32;
            let mut reps = vec![(Rep::None, t0)];
            if rng.gen::<f64>() < 0.04 {
                reps.push((Rep::Bis, t0 + 0.4 * spacing));
                if rng.gen::<f64>() < 0.25 {
                    reps.push((Rep::Ter, t0 + 0.7 * spacing));
                }
            }
            let off = if side == 0 { SIDE_OFFSET } else { -SIDE_OFFSET };
            for (rep, t) in reps {
                let p = Coord {
                    x: round2(s.x + ux * t + nx * off),
                    y: round2(s.y + uy * t + ny * off),
                };
                if t < cut && !acceptable(p) {
                    cut = t;
                }
                points.push((Laid { number, rep, p }, t));
            }
        }
        k += 1;
    }
    sides.map(|side| {
        let mut side: Vec<Laid> = side
            .into_iter()
            .filter(|&(_, t)| t < cut)
            .map(|(a, _)| a)
            .collect();
        // A bis/ter must follow its plain number.
        let plain = side
            .iter()
            .position(|a| a.rep == Rep::None)
            .unwrap_or(side.len());
        side.drain(..plain);
        side
    })
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn allocated_points_respect_their_zone() {
        let geo = Geography::build();
        let mut net = StreetNetwork::default();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let refs = net
            .allocate(&geo, 0, ZoneTag::Qpv(0), 6, None, false, false, &mut rng)
            .unwrap();
        assert_eq!(refs.len(), 6);
        for r in &refs {
            let p = net.point(*r).p;
            assert!(in_ring(p, &geo.qpv[0].polygon.exterior().0));
            assert!(net.point(*r).used);
        }
        let refs = net
            .allocate(&geo, 4, ZoneTag::Ordinary, 3, None, true, true, &mut rng)
            .unwrap();
        let st = net.street(refs[0]);
        assert!(st.hidden);
        for r in &refs {
            let p = net.point(*r).p;
            assert!(!in_ring(p, &geo.qpv[4].polygon.exterior().0));
            assert!(in_ring(p, &geo.communes[4].polygon.exterior().0));
        }
    }

    #[test]
    fn street_names_are_unique_per_commune() {
        let geo = Geography::build();
        let mut net = StreetNetwork::default();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        net.add_background(&geo, 300, &mut rng).unwrap();
        let mut seen = BTreeSet::new();
        for s in &net.streets {
            assert!(seen.insert((s.commune, names::upper_ascii(&s.full_name()))));
        }
    }
}

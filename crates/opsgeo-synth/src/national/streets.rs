//! The streets and address points of one commune of the national profile, built while the
//! commune is generated and dropped once it is written.
//!
//! Same rules as the métropole's network ([`crate::addresses`]): straight streets inside
//! one zone (a QPV, a QVA or the rest of the commune), odd numbers on the left, even on the
//! right, a few `bis`/`ter`, clear margins from the commune's and the blobs' boundaries, and a
//! minimal spacing between points (the laying and the spacing are the métropole's:
//! [`crate::addresses::lay_sides`], [`crate::addresses::Spacing`]). The blobs' rings are tested only when the point lies in their
//! bounding box.

use std::collections::{BTreeMap, BTreeSet};

use geo::Coord;
use rand::Rng;

use crate::addresses::{lay_sides, AddrRef, Axis, Rep, Spacing, ZoneTag, ZONE_MARGIN};
use crate::geography::{bbox, dist_to_ring, in_ring};
use crate::names::{self, STREET_TYPES};
use crate::{pick_weighted, SynthError};

const COMMUNE_MARGIN: f64 = 25.0;

pub struct Point {
    pub number: u32,
    pub rep: Rep,
    pub p: Coord<f64>,
    pub in_ban: bool,
}

pub struct Street {
    pub fantoir: u32,
    pub typ: Option<usize>,
    pub name: String,
    pub hidden: bool,
    pub sides: [Vec<Point>; 2],
    cursor: [usize; 2],
}

impl Street {
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

/// A blob as seen from one commune: its ring and bounding box (widened by the margin).
pub struct LocalBlob<'a> {
    pub ring: &'a [Coord<f64>],
    lo: Coord<f64>,
    hi: Coord<f64>,
}

impl<'a> LocalBlob<'a> {
    pub fn new(ring: &'a [Coord<f64>]) -> LocalBlob<'a> {
        let (mut lo, mut hi) = bbox(ring);
        lo.x -= ZONE_MARGIN;
        lo.y -= ZONE_MARGIN;
        hi.x += ZONE_MARGIN;
        hi.y += ZONE_MARGIN;
        LocalBlob { ring, lo, hi }
    }
}

/// The network of one commune. Local blob `k` is `ZoneTag::Qpv(k)` or `ZoneTag::Qva(k)` as
/// the caller's list says; this module only compares indices.
pub struct CommuneNet<'a> {
    ring: &'a [Coord<f64>],
    lo: Coord<f64>,
    hi: Coord<f64>,
    blobs: Vec<LocalBlob<'a>>,
    pub streets: Vec<Street>,
    by_zone: BTreeMap<ZoneTag, Vec<u32>>,
    names_used: BTreeSet<String>,
    /// Last number given to a numbered street name.
    numbered: u32,
    spacing: Spacing,
}

fn zone_blob(z: ZoneTag) -> Option<usize> {
    match z {
        ZoneTag::Ordinary => None,
        ZoneTag::Qpv(k) | ZoneTag::Qva(k) => Some(k as usize),
    }
}

impl<'a> CommuneNet<'a> {
    pub fn new(ring: &'a [Coord<f64>], blobs: Vec<LocalBlob<'a>>) -> CommuneNet<'a> {
        let (lo, hi) = bbox(ring);
        CommuneNet {
            ring,
            lo,
            hi,
            blobs,
            streets: Vec::new(),
            by_zone: BTreeMap::new(),
            names_used: BTreeSet::new(),
            numbered: 0,
            spacing: Spacing::default(),
        }
    }

    pub fn point(&self, r: AddrRef) -> &Point {
        &self.streets[r.street as usize].sides[r.side as usize][r.idx as usize]
    }

    pub fn mark_absent(&mut self, r: AddrRef) {
        self.streets[r.street as usize].sides[r.side as usize][r.idx as usize].in_ban = false;
    }

    /// Takes `k` consecutive address points in `zone` (see
    /// [`crate::addresses::StreetNetwork::allocate`]).
    pub fn allocate<R: Rng>(
        &mut self,
        zone: ZoneTag,
        k: usize,
        prefer: Option<u32>,
        hidden: bool,
        rng: &mut R,
    ) -> Result<Vec<AddrRef>, SynthError> {
        let gap = rng.gen_range(0..=if prefer.is_some() { 1usize } else { 2 });
        let room = |st: &Street| st.free(0) >= k + gap || st.free(1) >= k + gap;
        let mut chosen = prefer.filter(|&s| room(&self.streets[s as usize]));
        if chosen.is_none() && !hidden && rng.gen::<f64>() > 0.3 {
            if let Some(list) = self.by_zone.get(&zone) {
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
            None => self.new_street(zone, hidden, k + gap, rng)?,
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
        Ok((start..start + k)
            .map(|idx| AddrRef {
                street: s,
                side: side as u8,
                idx: idx as u32,
            })
            .collect())
    }

    /// Adds a street without social housing; returns its number of points.
    pub fn add_background<R: Rng>(&mut self, rng: &mut R) -> Result<usize, SynthError> {
        let s = self.new_street(ZoneTag::Ordinary, false, 2, rng)? as usize;
        Ok(self.streets[s].sides.iter().map(Vec::len).sum())
    }

    fn new_name<R: Rng>(&mut self, hidden: bool, rng: &mut R) -> (Option<usize>, String) {
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
                let t = pick_weighted(&weights, rng);
                let kinds = STREET_TYPES[t].kinds;
                let list = names::names_of(kinds[rng.gen_range(0..kinds.len())]);
                (Some(t), list[rng.gen_range(0..list.len())].to_string())
            };
            if attempt >= 10 {
                let q = names::QUALIFIERS[rng.gen_range(0..names::QUALIFIERS.len())];
                name = format!("{name} {q}");
            }
            if attempt >= 20 {
                // Large cities: numbered names once the lists are used up; the number only
                // grows, so the name is new.
                self.numbered += 1;
                name = format!("{name} {}", self.numbered);
            }
            let full = match typ {
                Some(t) => format!("{} {}", STREET_TYPES[t].full, name),
                None => name.clone(),
            };
            if self.names_used.insert(names::upper_ascii(&full)) {
                return (typ, name);
            }
        }
        unreachable!("the attempt loop only ends by returning")
    }

    fn new_street<R: Rng>(
        &mut self,
        zone: ZoneTag,
        hidden: bool,
        need: usize,
        rng: &mut R,
    ) -> Result<u32, SynthError> {
        for attempt in 0..2000 {
            let relax = attempt >= 1000;
            let (lo, hi) = match zone_blob(zone) {
                Some(k) => (self.blobs[k].lo, self.blobs[k].hi),
                None => (self.lo, self.hi),
            };
            let start = Coord {
                x: rng.gen_range(lo.x..hi.x),
                y: rng.gen_range(lo.y..hi.y),
            };
            let angle = rng.gen::<f64>() * std::f64::consts::TAU;
            let (len, spacing) = match zone {
                ZoneTag::Ordinary => (rng.gen_range(100.0..700.0), rng.gen_range(12.0..26.0)),
                _ => (rng.gen_range(80.0..380.0), rng.gen_range(12.0..18.0)),
            };
            let sides = self.layout(zone, start, angle, len, spacing, relax, rng);
            if sides[0].len() + sides[1].len() < need.max(2)
                || (sides[0].len() < need && sides[1].len() < need)
            {
                continue;
            }
            let (typ, name) = self.new_name(hidden, rng);
            for p in sides.iter().flatten() {
                self.spacing.add(p.p);
            }
            let id = self.streets.len() as u32;
            self.streets.push(Street {
                fantoir: id + 1,
                typ,
                name,
                hidden,
                sides,
                cursor: [0, 0],
            });
            if !hidden {
                self.by_zone.entry(zone).or_default().push(id);
            }
            return Ok(id);
        }
        Err(SynthError::Params(
            "impossible de placer une rue supplémentaire (commune saturée)".to_string(),
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn layout<R: Rng>(
        &self,
        zone: ZoneTag,
        s: Coord<f64>,
        angle: f64,
        len: f64,
        spacing: f64,
        relax: bool,
        rng: &mut R,
    ) -> [Vec<Point>; 2] {
        let axis = Axis {
            start: s,
            angle,
            len,
            spacing,
        };
        lay_sides(&axis, true, rng, |p| self.acceptable(zone, p, relax)).map(|side| {
            side.into_iter()
                .map(|a| Point {
                    number: a.number,
                    rep: a.rep,
                    p: a.p,
                    in_ban: true,
                })
                .collect()
        })
    }

    fn acceptable(&self, zone: ZoneTag, p: Coord<f64>, relax: bool) -> bool {
        if !in_ring(p, self.ring) || dist_to_ring(p, self.ring) < COMMUNE_MARGIN {
            return false;
        }
        let want = zone_blob(zone);
        for (k, b) in self.blobs.iter().enumerate() {
            let near = p.x >= b.lo.x && p.x <= b.hi.x && p.y >= b.lo.y && p.y <= b.hi.y;
            if !near {
                if want == Some(k) {
                    return false;
                }
                continue;
            }
            let inside = in_ring(p, b.ring);
            if inside != (want == Some(k)) || dist_to_ring(p, b.ring) < ZONE_MARGIN {
                return false;
            }
        }
        if relax {
            return true;
        }
        !self.spacing.crowded(p)
    }
}

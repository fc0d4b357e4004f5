//! Spatial join of located dwellings to zones: a bulk-loaded R-tree of zone envelopes, then an
//! exact point-in-polygon test.
//!
//! Boundary rule: a point on the boundary of several zones of the same layer (a shared edge or
//! vertex) belongs to the zone with the smallest code in byte order; a point on the outer
//! boundary of a single zone belongs to it.
//!
//! A point strictly inside a zone belongs to that zone. Zones of a layer should not overlap; if
//! they do (faulty layer), a point inside several zones also goes to the smallest code, and a
//! zone containing the point strictly wins over a zone whose boundary merely carries it.
//!
//! The exact test uses [`pip::StripIndex`]: the edges of each zone are bucketed into horizontal
//! strips so that a query reads only the few edges at the point's height, with the same answer
//! as geo's `CoordinatePosition` (exact orientation predicates).

pub mod pip;

use std::ops::ControlFlow;

use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;

use geo::coordinate_position::CoordPos;
use geo::BoundingRect;

use crate::geocode::Location;
use crate::ingest::zones::ZoneLayer;
use crate::model::Coord;
use pip::StripIndex;

/// An R-tree entry: the envelope of one zone and its index in the layer.
type Entry = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// R-tree over the zones of one layer.
pub struct ZoneIndex<'a> {
    layer: &'a ZoneLayer,
    tree: RTree<Entry>,
    /// One prepared geometry per zone, in layer order.
    shapes: Vec<StripIndex>,
    /// Rank of each zone's code in byte order (0 = smallest).
    rank: Vec<u32>,
}

impl<'a> ZoneIndex<'a> {
    /// Bulk-loads the envelopes of `layer`'s zones. Zones with an empty geometry are left out.
    pub fn new(layer: &'a ZoneLayer) -> Self {
        let entries: Vec<Entry> = layer
            .zones
            .iter()
            .enumerate()
            .filter_map(|(i, z)| {
                z.geometry.bounding_rect().map(|r| {
                    GeomWithData::new(
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                        i as u32,
                    )
                })
            })
            .collect();
        let tree = RTree::bulk_load(entries);
        let shapes: Vec<StripIndex> = layer
            .zones
            .par_iter()
            .map(|z| StripIndex::new(&z.geometry))
            .collect();
        let mut order: Vec<u32> = (0..layer.zones.len() as u32).collect();
        order.sort_by(|&a, &b| {
            let (za, zb) = (&layer.zones[a as usize], &layer.zones[b as usize]);
            za.code.as_bytes().cmp(zb.code.as_bytes()).then(a.cmp(&b))
        });
        let mut rank = vec![0u32; layer.zones.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i as usize] = r as u32;
        }
        ZoneIndex {
            layer,
            tree,
            shapes,
            rank,
        }
    }

    /// The layer this index was built on.
    pub fn layer(&self) -> &'a ZoneLayer {
        self.layer
    }

    /// Number of zones indexed.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Heap memory of the prepared geometries, in bytes (the R-tree is small beside it).
    pub fn heap_bytes(&self) -> usize {
        self.shapes
            .iter()
            .map(StripIndex::heap_bytes)
            .sum::<usize>()
            + self.rank.capacity() * 4
            + self.tree.size() * std::mem::size_of::<Entry>()
    }

    /// Index (in `layer.zones`) of the zone containing `p`, by the boundary rule above.
    pub fn locate(&self, p: Coord) -> Option<u32> {
        // Best candidate so far: (on boundary only, code rank, zone index).
        let mut best: Option<(bool, u32, u32)> = None;
        // Internal iteration: measurably faster than the R-tree's iterator.
        let _ = self.tree.locate_all_at_point_int(&[p.x, p.y], |e| {
            let i = e.data;
            let key = match self.shapes[i as usize].position(p) {
                CoordPos::Outside => return ControlFlow::<()>::Continue(()),
                CoordPos::Inside => (false, self.rank[i as usize], i),
                CoordPos::OnBoundary => (true, self.rank[i as usize], i),
            };
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
            ControlFlow::Continue(())
        });
        best.map(|(_, _, i)| i)
    }
}

/// The zones a dwelling falls in (indices into each layer's `zones`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Placement {
    /// Commune polygon containing the point (`None` when not located or outside every commune).
    pub commune: Option<u32>,
    pub iris: Option<u32>,
    pub qpv: Option<u32>,
    /// QVA polygon, when a QVA layer is configured.
    pub qva: Option<u32>,
}

/// The layers to join against.
pub struct ZoneSet<'a> {
    pub communes: &'a ZoneLayer,
    pub iris: &'a ZoneLayer,
    pub qpv: &'a ZoneLayer,
    pub qva: Option<&'a ZoneLayer>,
}

/// Places every dwelling (in parallel). Dwellings whose location is not precise enough
/// ([`crate::geocode::GeocodeLevel::locates_in_zones`]) get an empty placement.
pub fn place_all(locations: &[Location], zones: &ZoneSet<'_>) -> Vec<Placement> {
    let communes = ZoneIndex::new(zones.communes);
    let iris = ZoneIndex::new(zones.iris);
    let qpv = ZoneIndex::new(zones.qpv);
    let qva = zones.qva.map(ZoneIndex::new);
    locations
        .par_iter()
        .map(|loc| match loc.point {
            Some(p) if loc.level.locates_in_zones() => Placement {
                commune: communes.locate(p),
                iris: iris.locate(p),
                qpv: qpv.locate(p),
                qva: qva.as_ref().and_then(|q| q.locate(p)),
            },
            _ => Placement::default(),
        })
        .collect()
}

#[cfg(test)]
mod tests;

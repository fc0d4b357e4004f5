//! Spatial join of located dwellings to zones: a bulk-loaded R-tree of zone envelopes, then an
//! exact point-in-polygon test.
//!
//! Boundary rule: a point on the boundary of several zones of the same layer (a shared edge or
//! vertex) belongs to the zone with the smallest code in byte order; a point on the outer
//! boundary of a single zone belongs to it.

use crate::geocode::Location;
use crate::ingest::zones::ZoneLayer;
use crate::model::Coord;

/// R-tree over the zones of one layer.
pub struct ZoneIndex<'a> {
    layer: &'a ZoneLayer,
}

impl<'a> ZoneIndex<'a> {
    /// Bulk-loads the envelopes of `layer`'s zones.
    pub fn new(layer: &'a ZoneLayer) -> Self {
        let _ = layer;
        unimplemented!("join::ZoneIndex::new")
    }

    /// Index (in `layer.zones`) of the zone containing `p`, by the boundary rule above.
    pub fn locate(&self, p: Coord) -> Option<u32> {
        let _ = (p, self.layer);
        unimplemented!("join::ZoneIndex::locate")
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
    let _ = (locations, zones);
    unimplemented!("join::place_all")
}

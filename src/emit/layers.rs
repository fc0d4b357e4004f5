//! Assembles the published tables into layers: names, keys of every coarser scale, geometry.
//!
//! Geometries:
//! * communes, IRIS, QPV, QVA: their polygons (Lambert-93, repaired at ingest);
//! * EPCI, département, région: the union of the territory's communes in them (the layers
//!   describe the territory's part of a département or région);
//! * QPV / hors-QPV parts: the intersection with, and the difference from, the union of all
//!   QPV polygons;
//! * programmes, buildings, stairwells: the mean point of their precisely located dwellings.
//!
//! A row whose geometry cannot be formed (a building none of whose dwellings could be located,
//! an empty QPV part) keeps a NULL geometry: it stays in the GeoPackage and in the
//! `indicateurs` table.

use std::collections::HashMap;

use geo::{BooleanOps, BoundingRect, Geometry, Intersects, MultiPolygon, Point, Polygon, Rect};

use super::{GeometryKind, Layer, LayerRow};
use crate::aggregate::{Aggregates, QvaSource};
use crate::ingest::territory::Territory;
use crate::ingest::zones::ZoneLayer;
use crate::join::Placement;
use crate::layout::{key_fields, layer_name};
use crate::model::{Dwelling, Scale, Split, Structure};
use crate::secrecy::PublishedTable;

/// What the assembly needs besides the published tables.
pub struct LayerInput<'a> {
    pub territory: &'a Territory,
    pub structure: &'a Structure,
    pub communes: &'a ZoneLayer,
    pub iris: &'a ZoneLayer,
    pub qpv: &'a ZoneLayer,
    pub qva: Option<&'a ZoneLayer>,
    pub aggregates: &'a Aggregates,
    pub placements: &'a [Placement],
    pub dwellings: &'a [Dwelling],
}

fn geometry_kind(scale: Scale, qva_source: QvaSource) -> GeometryKind {
    if scale.is_point() {
        GeometryKind::Point
    } else if scale == Scale::Qva && qva_source == QvaSource::RplsCodes {
        GeometryKind::None
    } else {
        GeometryKind::MultiPolygon
    }
}

/// Polygon geometries per (scale, split), computed once for both populations.
struct Geometries<'a> {
    input: &'a LayerInput<'a>,
    /// The polygons of the union of all QPV, with their bounding boxes.
    qpv_union: Option<Vec<(Rect<f64>, Polygon<f64>)>>,
    cache: HashMap<(Scale, Split), Vec<Option<MultiPolygon<f64>>>>,
}

impl<'a> Geometries<'a> {
    fn new(input: &'a LayerInput<'a>) -> Self {
        Geometries {
            input,
            qpv_union: None,
            cache: HashMap::new(),
        }
    }

    fn qpv_union(&mut self) -> &[(Rect<f64>, Polygon<f64>)] {
        let qpv = self.input.qpv;
        self.qpv_union.get_or_insert_with(|| {
            geo::unary_union(qpv.zones.iter().map(|z| &z.geometry))
                .0
                .into_iter()
                .filter_map(|p| Some((p.bounding_rect()?, p)))
                .collect()
        })
    }

    fn whole(&self, scale: Scale) -> Vec<Option<MultiPolygon<f64>>> {
        let i = self.input;
        let t = i.territory;
        let commune_geom = |c: usize| &i.communes.zones[t.communes[c].zone as usize].geometry;
        let dissolve = |n: usize, unit_of: &dyn Fn(usize) -> usize| {
            let mut members: Vec<Vec<&MultiPolygon<f64>>> = vec![Vec::new(); n];
            for c in 0..t.communes.len() {
                members[unit_of(c)].push(commune_geom(c));
            }
            members
                .into_iter()
                .map(|m| (!m.is_empty()).then(|| geo::unary_union(m)))
                .collect()
        };
        match scale {
            Scale::Commune => (0..t.communes.len())
                .map(|c| Some(commune_geom(c).clone()))
                .collect(),
            Scale::Epci => dissolve(t.epcis.len(), &|c| t.communes[c].epci as usize),
            Scale::Departement => dissolve(t.departements.len(), &|c| {
                t.communes[c].departement as usize
            }),
            Scale::Region => dissolve(t.regions.len(), &|c| t.region_of(c as u32) as usize),
            Scale::Iris => zone_geoms(i.iris),
            Scale::Qpv => zone_geoms(i.qpv),
            Scale::Qva => i.qva.map(zone_geoms).unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    fn get(&mut self, scale: Scale, split: Split) -> &Vec<Option<MultiPolygon<f64>>> {
        if !self.cache.contains_key(&(scale, split)) {
            let v = match split {
                Split::Tout => self.whole(scale),
                Split::Qpv | Split::HorsQpv => {
                    let whole = match self.cache.get(&(scale, Split::Tout)) {
                        Some(w) => w.clone(),
                        None => self.whole(scale),
                    };
                    let qu = self.qpv_union();
                    whole
                        .into_iter()
                        .map(|g| {
                            g.map(|g| qpv_part(&g, qu, split))
                                .filter(|g| !g.0.is_empty())
                        })
                        .collect()
                }
            };
            self.cache.insert((scale, split), v);
        }
        &self.cache[&(scale, split)]
    }
}

/// The QPV part (`split` [`Split::Qpv`]) or the hors-QPV part of `g`: its intersection with,
/// or its difference from, the union of all QPV (`qpv`, polygons with their boxes), of which
/// only the polygons whose box meets `g`'s take part — the others change neither. Overlaying
/// each commune with the whole union made the layers of a national territory (35,000
/// communes, 1,500 QPV) take minutes.
fn qpv_part(
    g: &MultiPolygon<f64>,
    qpv: &[(Rect<f64>, Polygon<f64>)],
    split: Split,
) -> MultiPolygon<f64> {
    let near: Vec<Polygon<f64>> = match g.bounding_rect() {
        Some(b) => qpv
            .iter()
            .filter(|(r, _)| r.intersects(&b))
            .map(|(_, p)| p.clone())
            .collect(),
        None => Vec::new(),
    };
    let near = MultiPolygon(near);
    if split == Split::Qpv {
        g.intersection(&near)
    } else {
        g.difference(&near)
    }
}

fn zone_geoms(layer: &ZoneLayer) -> Vec<Option<MultiPolygon<f64>>> {
    layer
        .zones
        .iter()
        .map(|z| Some(z.geometry.clone()))
        .collect()
}

/// The key columns of the rows: codes and names of each unit and of the coarser units it is in.
struct Keys<'a> {
    input: &'a LayerInput<'a>,
    /// Commune index by INSEE code.
    commune_by_code: HashMap<&'a str, u32>,
    /// The département shared by all communes of each EPCI, if any.
    epci_dep: Vec<Option<u32>>,
}

impl<'a> Keys<'a> {
    fn new(input: &'a LayerInput<'a>) -> Self {
        let t = input.territory;
        let commune_by_code = t
            .communes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.as_str(), i as u32))
            .collect();
        let epci_dep = (0..t.epcis.len())
            .map(|e| {
                let mut deps = t
                    .communes
                    .iter()
                    .filter(|c| c.epci as usize == e)
                    .map(|c| c.departement);
                let first = deps.next()?;
                deps.all(|d| d == first).then_some(first)
            })
            .collect();
        Keys {
            input,
            commune_by_code,
            epci_dep,
        }
    }

    /// Codes of the commune, its EPCI, département and région (all empty without a commune).
    fn admin_keys(&self, commune: Option<u32>) -> Vec<Option<String>> {
        let t = self.input.territory;
        match commune {
            Some(c) => {
                let com = &t.communes[c as usize];
                let dep = &t.departements[com.departement as usize];
                vec![
                    Some(com.code.clone()),
                    Some(t.epcis[com.epci as usize].code.clone()),
                    Some(dep.code.clone()),
                    Some(t.regions[dep.region as usize].code.clone()),
                ]
            }
            None => vec![None; 4],
        }
    }

    /// The key columns of unit `u` of `scale`, in the order of [`key_fields`].
    fn of(&self, scale: Scale, u: usize) -> Vec<Option<String>> {
        let input = self.input;
        let t = input.territory;
        let s = input.structure;
        // a unit over several communes carries none (a reader takes `code_commune` for « inside »)
        let [prog_com, bat_com, cage_com] = &input.aggregates.unit_communes;
        let epci_dep = &self.epci_dep;
        let commune_by_code = &self.commune_by_code;
        let admin_keys = |c| self.admin_keys(c);
        match scale {
            Scale::Region => vec![
                Some(t.regions[u].code.clone()),
                Some(t.regions[u].name.clone()),
            ],
            Scale::Departement => {
                let d = &t.departements[u];
                vec![
                    Some(d.code.clone()),
                    Some(d.name.clone()),
                    Some(t.regions[d.region as usize].code.clone()),
                ]
            }
            Scale::Epci => {
                let dep = epci_dep[u];
                vec![
                    Some(t.epcis[u].code.clone()),
                    Some(t.epcis[u].name.clone()),
                    dep.map(|d| t.departements[d as usize].code.clone()),
                    dep.map(|d| {
                        t.regions[t.departements[d as usize].region as usize]
                            .code
                            .clone()
                    }),
                ]
            }
            Scale::Commune => {
                let mut k = admin_keys(Some(u as u32));
                k.insert(1, Some(t.communes[u].name.clone()));
                k
            }
            Scale::Qpv => {
                let z = &input.qpv.zones[u];
                vec![
                    Some(z.code.clone()),
                    Some(z.name.clone()),
                    (!z.commune.is_empty()).then(|| z.commune.clone()),
                    Some(input.qpv.vintage.clone()),
                ]
            }
            Scale::Qva => match (input.aggregates.qva_source, input.qva) {
                (QvaSource::Polygons, Some(l)) => {
                    vec![Some(l.zones[u].code.clone()), Some(l.zones[u].name.clone())]
                }
                _ => vec![Some(s.qva_codes[u].clone()), None],
            },
            Scale::Iris => {
                let z = &input.iris.zones[u];
                // `code_commune`: the secrecy audit reads IRIS ⊂ commune from it
                let com_code = z.commune_code();
                let mut k = vec![Some(z.code.clone()), Some(z.name.clone())];
                match commune_by_code.get(com_code) {
                    Some(&c) => k.extend(admin_keys(Some(c))),
                    None => {
                        k.push((!com_code.is_empty()).then(|| com_code.to_string()));
                        k.extend([None, None, None]);
                    }
                }
                k
            }
            Scale::Programme | Scale::Batiment | Scale::Cage => {
                let (cage, bat, prog, commune) = match scale {
                    Scale::Cage => {
                        let b = s.stairwells[u].building as usize;
                        (
                            Some(u),
                            Some(b),
                            s.buildings[b].programme as usize,
                            cage_com[u],
                        )
                    }
                    Scale::Batiment => {
                        (None, Some(u), s.buildings[u].programme as usize, bat_com[u])
                    }
                    _ => (None, None, u, prog_com[u]),
                };
                let landlord = &s.landlords[s.programmes[prog].landlord as usize];
                let mut k = Vec::new();
                if let Some(c) = cage {
                    k.push(Some(s.stairwells[c].code.clone()));
                }
                if let Some(b) = bat {
                    k.push(Some(s.buildings[b].code.clone()));
                }
                k.push(Some(s.programmes[prog].code.clone()));
                k.push(Some(landlord.code.clone()));
                k.push((!landlord.name.is_empty()).then(|| landlord.name.clone()));
                k.extend(admin_keys(commune));
                k
            }
        }
    }
}

/// The geometry of unit `u` of table `pt` (`polys`: the polygons of its scale and split).
fn unit_geometry(
    pt: &PublishedTable,
    kind: GeometryKind,
    polys: Option<&Vec<Option<MultiPolygon<f64>>>>,
    aggregates: &Aggregates,
    u: usize,
) -> Option<Geometry<f64>> {
    match kind {
        GeometryKind::MultiPolygon => polys
            .and_then(|p| p.get(u).cloned().flatten())
            .map(Geometry::MultiPolygon),
        GeometryKind::Point => {
            let a = aggregates;
            let pts = match pt.scale {
                Scale::Programme => &a.programme_points,
                Scale::Batiment => &a.building_points,
                _ => &a.stairwell_points,
            };
            pts[u].map(|c| Geometry::Point(Point(c)))
        }
        GeometryKind::None => None,
    }
}

/// The layer of table `pt`: its French name, title and description, and its rows.
fn layer_of(pt: &PublishedTable, kind: GeometryKind, rows: Vec<LayerRow>) -> Layer {
    let split_label = match pt.split {
        Split::Tout => String::new(),
        s => format!(" — {}", s.label()),
    };
    Layer {
        name: layer_name(pt.scale, pt.population, pt.split),
        title: format!(
            "{} — {}{}",
            pt.scale.label(),
            pt.population.label(),
            split_label
        ),
        description: format!(
            "Indicateurs du parc social (OPS 2022 et RPLS 2022) à l'échelle « {} », population : {}{}. Valeurs soumises au secret statistique : une valeur non publiée est vide et son motif figure dans le champ <indicateur>_secret.",
            pt.scale.label(),
            pt.population.label(),
            split_label
        ),
        scale: pt.scale,
        population: pt.population,
        split: pt.split,
        geometry: kind,
        keys: key_fields(pt.scale),
        indicators: pt.indicators.clone(),
        rows,
    }
}

/// Builds every layer, in the order of `tables`.
pub fn build_layers(tables: &[PublishedTable], input: &LayerInput<'_>) -> Vec<Layer> {
    let mut geoms = Geometries::new(input);
    let keys = Keys::new(input);
    let mut layers = Vec::with_capacity(tables.len());
    for pt in tables {
        let kind = geometry_kind(pt.scale, input.aggregates.qva_source);
        let polys = if kind == GeometryKind::MultiPolygon {
            Some(geoms.get(pt.scale, pt.split).clone())
        } else {
            None
        };
        let mut rows = Vec::with_capacity(pt.units.len());
        for (r, &u) in pt.units.iter().enumerate() {
            if !pt.written(r) {
                continue;
            }
            let u = u as usize;
            rows.push(LayerRow {
                keys: keys.of(pt.scale, u),
                geometry: unit_geometry(pt, kind, polys.as_ref(), input.aggregates, u),
                cells: pt.row(r).to_vec(),
            });
        }
        layers.push(layer_of(pt, kind, rows));
    }
    layers
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Area;

    fn square(x: f64, y: f64, side: f64) -> Polygon<f64> {
        Rect::new((x, y), (x + side, y + side)).to_polygon()
    }

    fn boxed(polygons: Vec<Polygon<f64>>) -> Vec<(Rect<f64>, Polygon<f64>)> {
        polygons
            .into_iter()
            .map(|p| (p.bounding_rect().unwrap(), p))
            .collect()
    }

    /// Regression: the parts were computed against the union of every QPV of the territory,
    /// minutes for a national one. Against the nearby QPV only, they are the same shapes.
    #[test]
    fn qpv_parts_from_the_nearby_qpv_equal_those_from_all_qpv() {
        let commune = MultiPolygon(vec![square(0.0, 0.0, 100.0)]);
        // one QPV across the commune's edge, one inside, 500 far away
        let mut all = vec![square(80.0, 40.0, 40.0), square(10.0, 10.0, 20.0)];
        all.extend((0..500).map(|i| square(1000.0 + 50.0 * f64::from(i), 5000.0, 10.0)));
        let whole = MultiPolygon(all.clone());
        let qpv = boxed(all);
        let inside = qpv_part(&commune, &qpv, Split::Qpv);
        let outside = qpv_part(&commune, &qpv, Split::HorsQpv);
        // 20 × 40 of the first QPV, 20 × 20 of the second
        assert!((inside.unsigned_area() - 1200.0).abs() < 1e-6);
        assert!((outside.unsigned_area() - 8800.0).abs() < 1e-6);
        let expected_in = commune.intersection(&whole);
        let expected_out = commune.difference(&whole);
        assert!(inside.xor(&expected_in).unsigned_area() < 1e-6);
        assert!(outside.xor(&expected_out).unsigned_area() < 1e-6);
    }

    #[test]
    fn a_commune_far_from_every_qpv_has_no_qpv_part_and_keeps_its_whole_shape() {
        let commune = MultiPolygon(vec![square(0.0, 0.0, 100.0)]);
        let qpv = boxed(vec![square(500.0, 500.0, 10.0)]);
        assert!(qpv_part(&commune, &qpv, Split::Qpv).0.is_empty());
        let rest = qpv_part(&commune, &qpv, Split::HorsQpv);
        assert!((rest.unsigned_area() - 10_000.0).abs() < 1e-9);
    }
}

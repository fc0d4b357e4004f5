//! Polygon validity: OGC checks with the reason in French, and repair.
//!
//! * [`check`] decides validity and gives every reason of invalidity in French. GEOS
//!   (`OGR_G_IsValid`) is asked first because it is fast (O(n log n)); only a polygon GEOS finds
//!   invalid goes through geo's [`Validation`], whose reasons (simple rings, holes inside the
//!   shell, parts of a multipolygon not overlapping…) are translated into French. geo's check is
//!   quadratic in the number of vertices of a ring: 34 ms for a 2,500-vertex polygon against
//!   0.3 ms for GEOS, which matters for a national commune layer. On the real QPV and IRIS layers
//!   both give the same verdicts (see `tests/integration/zones_real.rs`);
//! * [`repair`] rebuilds an invalid polygon with GDAL/GEOS `MakeValid` (`METHOD=STRUCTURE`: parts
//!   that overlap are merged, holes are subtracted, spikes and collapsed parts dropped) and keeps
//!   only the polygonal parts of the result;
//! * [`validate`] chains both: a repaired geometry is re-validated, and a geometry that is still
//!   invalid or empty after repair is rejected;
//! * [`polygons_from_gdal`] converts an OGR geometry into a [`MultiPolygon`].
//!
//! geo's validation does not check that the interior of a polygon is connected (a hole touching
//! the shell at two points); GEOS does, and such a polygon is reported with a generic reason.

use gdal::cpl::CslStringList;
use gdal::vector::{
    geometry_type_flatten, geometry_type_to_name, Geometry, OGRwkbGeometryType, ToGdal,
};
use geo::algorithm::validation::{InvalidMultiPolygon, InvalidPolygon, RingRole, Validation};
use geo::{Area, Coord, CoordsIter, LineString, MultiPolygon, Polygon};

/// At most this many distinct reasons are listed for one geometry.
const MAX_REASONS: usize = 4;

/// The result of [`validate`].
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Valid as read.
    Valid(MultiPolygon<f64>),
    /// Invalid (`problem`, in French), repaired into a valid `geometry`.
    Repaired {
        problem: String,
        geometry: MultiPolygon<f64>,
    },
    /// Invalid (`problem`) and not repairable (`detail` says why, in French).
    Rejected { problem: String, detail: String },
}

/// Reason given when GEOS finds a polygon invalid and geo's validation finds nothing to say.
pub const GEOS_ONLY_REASON: &str =
    "polygone invalide selon GEOS (intérieur non connexe ou anneaux en contact)";

/// Reason given when GEOS finds a polygon invalid because it has no area (aligned vertices),
/// which geo's validation accepts.
pub const ZERO_AREA_REASON: &str = "polygone de surface nulle (sommets alignés)";

/// `None` when `mp` is valid, otherwise every reason of invalidity, in French, separated by ` ; `.
pub fn check(mp: &MultiPolygon<f64>) -> Option<String> {
    let finite = mp.coords_iter().all(|c| c.x.is_finite() && c.y.is_finite());
    if finite && geos_is_valid(mp) == Some(true) {
        return None;
    }
    let reasons = geo_reasons(mp);
    if reasons.is_empty() {
        // GEOS said invalid (or could not tell) while geo sees no problem.
        return match geos_is_valid(mp) {
            Some(false) if mp.unsigned_area() == 0.0 => Some(ZERO_AREA_REASON.into()),
            Some(false) => Some(GEOS_ONLY_REASON.into()),
            _ => None,
        };
    }
    Some(reasons)
}

/// geo's reasons of invalidity, in French, separated by ` ; ` (empty when geo finds none).
pub fn geo_reasons(mp: &MultiPolygon<f64>) -> String {
    let errors = mp.validation_errors();
    let several = mp.0.len() > 1;
    let mut reasons: Vec<String> = Vec::new();
    for e in &errors {
        let r = french_multipolygon_reason(e, several);
        if !reasons.contains(&r) {
            reasons.push(r);
        }
    }
    let extra = reasons.len().saturating_sub(MAX_REASONS);
    reasons.truncate(MAX_REASONS);
    let mut text = reasons.join(" ; ");
    if extra > 0 {
        text.push_str(&format!(" ; et {extra} autre(s) problème(s)"));
    }
    text
}

/// GEOS's verdict through OGR (`None` when the conversion fails). GDAL's warning about the
/// reason is silenced (the error handler stack is per thread).
pub fn geos_is_valid(mp: &MultiPolygon<f64>) -> Option<bool> {
    let g = mp.to_gdal().ok()?;
    // SAFETY: pushes GDAL's own quiet handler on this thread's stack and pops it right after.
    unsafe { gdal_sys::CPLPushErrorHandler(Some(gdal_sys::CPLQuietErrorHandler)) };
    let valid = g.is_valid();
    unsafe { gdal_sys::CPLPopErrorHandler() };
    Some(valid)
}

/// Largest absolute coordinate (metres) of a zone's vertex: beyond, the vertex is not on Earth
/// in any projected system (the equator is 40,000 km long).
pub const MAX_COORD: f64 = 1e8;

/// Validates `mp`; repairs it when invalid; rejects it when the repair fails.
///
/// Accepted geometries come back in the canonical orientation (exterior rings
/// counter-clockwise, holes clockwise): GEOS may return clockwise shells, and the polygon
/// boolean operations used downstream (union of the QPV, QPV / hors-QPV parts) read ring
/// direction.
pub fn validate(mp: MultiPolygon<f64>) -> Verdict {
    use geo::orient::{Direction, Orient};
    // a vertex thousands of kilometres away (1e308 in a hand-edited file) is a valid shape,
    // but its zone would be published with an infinite extent and the unions of its EPCI,
    // département and région without a geometry
    if mp
        .coords_iter()
        .any(|c| c.x.is_finite() && c.y.is_finite() && c.x.abs().max(c.y.abs()) > MAX_COORD)
    {
        return Verdict::Rejected {
            problem: "coordonnée aberrante".into(),
            detail: format!(
                "un sommet est à plus de {} km de l'origine du système de coordonnées",
                MAX_COORD / 1000.0
            ),
        };
    }
    let Some(problem) = check(&mp) else {
        return Verdict::Valid(mp.orient(Direction::Default));
    };
    // GEOS would silently drop a NaN or infinite vertex: the shape would be a guess.
    if mp
        .coords_iter()
        .any(|c| !c.x.is_finite() || !c.y.is_finite())
    {
        return Verdict::Rejected {
            problem,
            detail: "coordonnées non finies : forme du polygone inconnue".into(),
        };
    }
    match repair(&mp) {
        Ok(fixed) if fixed.0.is_empty() => Verdict::Rejected {
            problem,
            detail: "la réparation ne laisse aucune surface".into(),
        },
        Ok(fixed) => match check(&fixed) {
            None => Verdict::Repaired {
                problem,
                geometry: fixed.orient(geo::orient::Direction::Default),
            },
            Some(still) => Verdict::Rejected {
                problem,
                detail: format!("encore invalide après réparation : {still}"),
            },
        },
        Err(detail) => Verdict::Rejected { problem, detail },
    }
}

/// Repairs `mp` with GDAL/GEOS `MakeValid` and keeps the polygonal parts of the result (GEOS may
/// return a collection with lines or points where parts collapsed). The result may be empty.
pub fn repair(mp: &MultiPolygon<f64>) -> Result<MultiPolygon<f64>, String> {
    let g = mp
        .to_gdal()
        .map_err(|e| format!("conversion vers GDAL impossible : {e}"))?;
    let mut opts = CslStringList::new();
    opts.set_name_value("METHOD", "STRUCTURE")
        .map_err(|e| e.to_string())?;
    // METHOD=STRUCTURE needs GEOS ≥ 3.10; fall back on the default (linework) method otherwise.
    let fixed = g
        .make_valid(&opts)
        .or_else(|_| g.make_valid(&CslStringList::new()))
        .map_err(|e| format!("réparation GEOS impossible : {e}"))?;
    let mut polygons = Vec::new();
    collect_polygons(&fixed, false, &mut polygons)
        .map_err(|t| format!("type de géométrie inattendu après réparation : {t}"))?;
    Ok(MultiPolygon::new(polygons))
}

/// Converts an OGR geometry (flat 2D, linear: see [`crate::ingest::zones`]) into a
/// [`MultiPolygon`]: a Polygon, a MultiPolygon, or a collection of those. Empty parts are dropped.
/// Any other type gives `Err(type name)`.
pub fn polygons_from_gdal(g: &Geometry) -> Result<MultiPolygon<f64>, String> {
    let mut polygons = Vec::new();
    collect_polygons(g, true, &mut polygons)?;
    Ok(MultiPolygon::new(polygons))
}

/// Appends the polygons of `g` to `out`. With `strict`, a non-empty non-polygonal part is an
/// error (its type name); without, it is skipped.
fn collect_polygons(g: &Geometry, strict: bool, out: &mut Vec<Polygon<f64>>) -> Result<(), String> {
    let t = geometry_type_flatten(g.geometry_type());
    match t {
        OGRwkbGeometryType::wkbPolygon => {
            if let Some(p) = polygon_from_gdal(g) {
                out.push(p);
            }
        }
        OGRwkbGeometryType::wkbMultiPolygon | OGRwkbGeometryType::wkbGeometryCollection => {
            for i in 0..g.geometry_count() {
                collect_polygons(&g.get_geometry(i), strict, out)?;
            }
        }
        _ if strict && !g.is_empty() => return Err(geometry_type_to_name(t)),
        _ => {}
    }
    Ok(())
}

/// One OGR polygon; `None` when its exterior ring is empty. Empty holes are dropped.
fn polygon_from_gdal(g: &Geometry) -> Option<Polygon<f64>> {
    let mut rings = (0..g.geometry_count()).map(|i| {
        let ring = g.get_geometry(i);
        let mut pts = Vec::with_capacity(ring.point_count());
        ring.get_points(&mut pts);
        LineString::new(pts.into_iter().map(|(x, y, _)| Coord { x, y }).collect())
    });
    let exterior = rings.next()?;
    if exterior.0.is_empty() {
        return None;
    }
    let holes = rings.filter(|r| !r.0.is_empty()).collect();
    Some(Polygon::new(exterior, holes))
}

fn ring_label(r: &RingRole) -> String {
    match r {
        RingRole::Exterior => "anneau extérieur".into(),
        RingRole::Interior(i) => format!("anneau intérieur n° {}", i + 1),
    }
}

/// One polygon reason, in French.
pub fn french_polygon_reason(e: &InvalidPolygon) -> String {
    match e {
        InvalidPolygon::TooFewPointsInRing(r) => {
            format!("moins de 3 points distincts ({})", ring_label(r))
        }
        InvalidPolygon::SelfIntersection(r) => {
            format!("anneau auto-intersecté ({})", ring_label(r))
        }
        InvalidPolygon::NonFiniteCoord(r, i) => {
            format!(
                "coordonnée non finie ({}, sommet n° {})",
                ring_label(r),
                i.0 + 1
            )
        }
        InvalidPolygon::InteriorRingNotContainedInExteriorRing(r) => {
            format!(
                "anneau intérieur hors de l'anneau extérieur ({})",
                ring_label(r)
            )
        }
        InvalidPolygon::IntersectingRingsOnALine(a, b) => format!(
            "anneaux qui se touchent le long d'une ligne ({} et {})",
            ring_label(a),
            ring_label(b)
        ),
        InvalidPolygon::IntersectingRingsOnAnArea(a, b) => format!(
            "anneaux intérieurs qui se chevauchent ({} et {})",
            ring_label(a),
            ring_label(b)
        ),
    }
}

/// One multipolygon reason, in French; `several` prefixes polygon reasons with the part number.
pub fn french_multipolygon_reason(e: &InvalidMultiPolygon, several: bool) -> String {
    match e {
        InvalidMultiPolygon::InvalidPolygon(i, p) if several => {
            format!("polygone n° {} : {}", i.0 + 1, french_polygon_reason(p))
        }
        InvalidMultiPolygon::InvalidPolygon(_, p) => french_polygon_reason(p),
        InvalidMultiPolygon::ElementsOverlaps(i, j) => format!(
            "polygones qui se chevauchent dans un multipolygone (n° {} et n° {})",
            i.0 + 1,
            j.0 + 1
        ),
        InvalidMultiPolygon::ElementsTouchOnALine(i, j) => format!(
            "polygones d'un multipolygone qui se touchent le long d'une ligne (n° {} et n° {})",
            i.0 + 1,
            j.0 + 1
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{wkt, Contains, Point};

    fn mp(p: Polygon<f64>) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![p])
    }

    fn repaired(v: Verdict) -> (String, MultiPolygon<f64>) {
        match v {
            Verdict::Repaired { problem, geometry } => (problem, geometry),
            other => panic!("expected a repair, got {other:?}"),
        }
    }

    fn exteriors_are_ccw(m: &MultiPolygon<f64>) -> bool {
        use geo::winding_order::{Winding, WindingOrder};
        m.0.iter()
            .all(|p| p.exterior().winding_order() == Some(WindingOrder::CounterClockwise))
    }

    /// Regression: one vertex of a commune set to x = 1e308 was accepted; the commune was
    /// published with an infinite extent and its EPCI, département and région without geometry.
    #[test]
    fn a_vertex_far_from_earth_rejects_the_polygon() {
        let far = mp(Polygon::new(
            geo::LineString::from(vec![
                (850_000.0, 6_690_000.0),
                (1e308, 6_690_000.0),
                (851_000.0, 6_691_000.0),
                (850_000.0, 6_690_000.0),
            ]),
            vec![],
        ));
        assert!(
            matches!(validate(far), Verdict::Rejected { problem, .. } if problem == "coordonnée aberrante")
        );
        let near = mp(
            wkt!(POLYGON((850000. 6690000., 851000. 6690000., 851000. 6691000., 850000. 6690000.))),
        );
        assert!(matches!(validate(near), Verdict::Valid(_)));
    }

    /// Regression: a clockwise shell (as GEOS returns after repair) vanished from the union of
    /// the QPV, so a commune's QPV part lost its geometry.
    #[test]
    fn accepted_geometries_are_counter_clockwise_so_unions_keep_them() {
        use geo::{Area, BooleanOps};
        let cw = mp(wkt!(POLYGON((0. 0., 0. 10., 10. 10., 10. 0., 0. 0.))));
        let Verdict::Valid(valid) = validate(cw) else {
            panic!("valid square")
        };
        assert!(exteriors_are_ccw(&valid));
        let bowtie_cw = mp(wkt!(POLYGON((20. 0., 20. 10., 30. 0., 30. 10., 20. 0.))));
        let (_, fixed) = repaired(validate(bowtie_cw));
        assert!(exteriors_are_ccw(&fixed));
        let other = mp(wkt!(POLYGON((40. 0., 50. 0., 50. 10., 40. 10., 40. 0.))));
        let union = geo::unary_union([&valid, &fixed, &other]);
        let expected = valid.unsigned_area() + fixed.unsigned_area() + other.unsigned_area();
        assert!((union.unsigned_area() - expected).abs() < 1e-6);
        assert!(valid.intersection(&union).unsigned_area() > 99.0);
    }

    #[test]
    fn valid_square_is_valid() {
        let sq = mp(wkt!(POLYGON((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.))));
        assert_eq!(check(&sq), None);
        assert_eq!(validate(sq.clone()), Verdict::Valid(sq));
    }

    #[test]
    fn bow_tie_is_self_intersecting_and_repaired_into_two_triangles() {
        let bow = mp(wkt!(POLYGON((0. 0., 10. 10., 10. 0., 0. 10., 0. 0.))));
        assert_eq!(
            check(&bow).unwrap(),
            "anneau auto-intersecté (anneau extérieur)"
        );
        let (problem, g) = repaired(validate(bow));
        assert!(problem.contains("anneau auto-intersecté"));
        assert_eq!(g.0.len(), 2);
        assert!((g.unsigned_area() - 50.0).abs() < 1e-9);
        assert!(g.is_valid());
    }

    #[test]
    fn hole_outside_shell() {
        let p = mp(wkt!(POLYGON(
            (0. 0., 10. 0., 10. 10., 0. 10., 0. 0.),
            (20. 20., 25. 20., 25. 25., 20. 25., 20. 20.)
        )));
        assert_eq!(
            check(&p).unwrap(),
            "anneau intérieur hors de l'anneau extérieur (anneau intérieur n° 1)"
        );
        let (_, g) = repaired(validate(p));
        assert!(g.is_valid());
        // GEOS keeps the stray ring as a second part: nothing of the shell is lost.
        assert!((g.unsigned_area() - 125.0).abs() < 1e-9);
        assert!(g.contains(&Point::new(5.0, 5.0)));
    }

    #[test]
    fn spike_is_self_intersecting_and_removed_by_repair() {
        let p = mp(wkt!(POLYGON(
            (0. 0., 10. 0., 10. 5., 20. 5., 10. 5., 10. 10., 0. 10., 0. 0.)
        )));
        assert!(check(&p).unwrap().contains("anneau auto-intersecté"));
        let (_, g) = repaired(validate(p));
        assert_eq!(g.0.len(), 1);
        assert!((g.unsigned_area() - 100.0).abs() < 1e-9);
        assert!(!g.contains(&Point::new(15.0, 5.0)));
    }

    #[test]
    fn duplicate_points_collapsing_a_ring_are_rejected() {
        let p = mp(wkt!(POLYGON((0. 0., 10. 0., 10. 0., 0. 0.))));
        let problem = check(&p).unwrap();
        assert!(
            problem.contains("moins de 3 points distincts (anneau extérieur)"),
            "{problem}"
        );
        match validate(p) {
            Verdict::Rejected { problem, detail } => {
                assert!(problem.contains("moins de 3 points distincts"));
                assert!(detail.contains("aucune surface"), "{detail}");
            }
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn repeated_vertices_alone_are_valid() {
        let p = mp(wkt!(POLYGON((0. 0., 10. 0., 10. 0., 10. 10., 0. 10., 0. 0.))));
        assert_eq!(check(&p), None);
    }

    #[test]
    fn overlapping_parts_are_merged() {
        let m = wkt!(MULTIPOLYGON(
            ((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.)),
            ((5. 5., 15. 5., 15. 15., 5. 15., 5. 5.))
        ));
        let problem = check(&m).unwrap();
        assert!(
            problem.contains("polygones qui se chevauchent dans un multipolygone (n° 1 et n° 2)"),
            "{problem}"
        );
        let (_, g) = repaired(validate(m));
        assert_eq!(g.0.len(), 1);
        assert!((g.unsigned_area() - 175.0).abs() < 1e-9);
        assert!(g.contains(&Point::new(7.0, 7.0)));
    }

    #[test]
    fn parts_touching_on_a_line_are_merged() {
        let m = wkt!(MULTIPOLYGON(
            ((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.)),
            ((10. 0., 20. 0., 20. 10., 10. 10., 10. 0.))
        ));
        assert!(check(&m)
            .unwrap()
            .contains("polygones d'un multipolygone qui se touchent le long d'une ligne"));
        let (_, g) = repaired(validate(m));
        assert_eq!(g.0.len(), 1);
        assert!((g.unsigned_area() - 200.0).abs() < 1e-9);
    }

    #[test]
    fn invalid_part_is_numbered_in_a_multipolygon() {
        let m = wkt!(MULTIPOLYGON(
            ((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.)),
            ((20. 0., 30. 10., 30. 0., 20. 10., 20. 0.))
        ));
        assert_eq!(
            check(&m).unwrap(),
            "polygone n° 2 : anneau auto-intersecté (anneau extérieur)"
        );
    }

    #[test]
    fn holes_overlapping_each_other() {
        let p = mp(wkt!(POLYGON(
            (0. 0., 20. 0., 20. 20., 0. 20., 0. 0.),
            (2. 2., 10. 2., 10. 10., 2. 10., 2. 2.),
            (5. 5., 15. 5., 15. 15., 5. 15., 5. 5.)
        )));
        let problem = check(&p).unwrap();
        assert!(
            problem.contains(
                "anneaux intérieurs qui se chevauchent (anneau intérieur n° 1 et anneau intérieur n° 2)"
            ),
            "{problem}"
        );
        let (_, g) = repaired(validate(p));
        assert!(g.is_valid());
        assert!(!g.contains(&Point::new(7.0, 7.0)));
        assert!(g.contains(&Point::new(18.0, 18.0)));
    }

    #[test]
    fn non_finite_coordinate_is_rejected() {
        let p = mp(Polygon::new(
            LineString::from(vec![(0., 0.), (10., 0.), (f64::NAN, 10.), (0., 10.)]),
            vec![],
        ));
        assert!(check(&p).unwrap().contains("coordonnée non finie"));
        let v = validate(p);
        assert!(matches!(v, Verdict::Rejected { .. }), "{v:?}");
    }

    #[test]
    fn many_reasons_are_capped() {
        // Six overlapping copies of the same square: 15 overlapping pairs.
        let sq = wkt!(POLYGON((0. 0., 10. 0., 10. 10., 0. 10., 0. 0.)));
        let m = MultiPolygon::new(vec![sq; 6]);
        let problem = check(&m).unwrap();
        assert_eq!(problem.matches(" ; ").count(), MAX_REASONS, "{problem}");
        assert!(problem.contains("autre(s) problème(s)"));
    }

    #[test]
    fn disconnected_interior_is_caught_by_geos_only() {
        // The hole touches the shell at two points: the interior falls into two pieces.
        let p = mp(wkt!(POLYGON(
            (0. 0., 10. 0., 10. 10., 0. 10., 0. 0.),
            (0. 5., 5. 8., 10. 5., 5. 2., 0. 5.)
        )));
        assert!(p.is_valid(), "geo does not check connectivity");
        assert_eq!(geos_is_valid(&p), Some(false));
        assert_eq!(check(&p).as_deref(), Some(GEOS_ONLY_REASON));
        let (_, g) = repaired(validate(p));
        assert_eq!(g.0.len(), 2);
        assert!((g.unsigned_area() - 70.0).abs() < 1e-9);
    }

    /// The GEOS gate never lets through a polygon geo finds invalid; GEOS is stricter on
    /// degenerate rings (zero area), which geo accepts.
    #[test]
    fn geos_gate_never_accepts_what_geo_rejects() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let (mut valid, mut invalid, mut geos_only) = (0, 0, 0);
        for _ in 0..3000 {
            let n = rng.gen_range(3..8);
            let ring: Vec<(f64, f64)> = (0..n)
                .map(|_| (rng.gen_range(0..6) as f64, rng.gen_range(0..6) as f64))
                .collect();
            let m = mp(Polygon::new(ring.into(), vec![]));
            let by_geo = m.is_valid();
            let by_geos = geos_is_valid(&m).unwrap();
            let verdict = check(&m);
            assert_eq!(verdict.is_none(), by_geo && by_geos, "{m:?}");
            if !by_geo {
                assert!(!by_geos, "GEOS accepts what geo rejects: {m:?}");
                assert_eq!(verdict.unwrap(), geo_reasons(&m));
                invalid += 1;
            } else if !by_geos {
                // Only degenerate rings here (no holes in these polygons).
                assert_eq!(verdict.as_deref(), Some(ZERO_AREA_REASON), "{m:?}");
                assert!(matches!(validate(m), Verdict::Rejected { .. }));
                geos_only += 1;
            } else {
                valid += 1;
            }
        }
        assert!(
            valid > 300 && invalid > 300,
            "{valid} valid, {invalid} invalid"
        );
        eprintln!("{valid} valid, {invalid} invalid, {geos_only} invalid for GEOS only");
    }

    #[test]
    fn gdal_conversion_keeps_polygons_and_refuses_lines() {
        let g = Geometry::from_wkt(
            "GEOMETRYCOLLECTION (POLYGON ((0 0,1 0,1 1,0 0)), MULTIPOLYGON (((5 5,6 5,6 6,5 5),(5.2 5.1,5.8 5.1,5.8 5.7,5.2 5.1))))",
        )
        .unwrap();
        let m = polygons_from_gdal(&g).unwrap();
        assert_eq!(m.0.len(), 2);
        assert_eq!(m.0[1].interiors().len(), 1);
        let line = Geometry::from_wkt("LINESTRING (0 0,1 1)").unwrap();
        assert_eq!(polygons_from_gdal(&line).unwrap_err(), "Line String");
        let empty = Geometry::from_wkt("POLYGON EMPTY").unwrap();
        assert!(polygons_from_gdal(&empty).unwrap().0.is_empty());
    }
}

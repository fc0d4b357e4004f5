//! Ready-made RPLS coordinates (`X`, `Y`, `EPSG`): parsed, reprojected to Lambert-93 with GDAL
//! when given in another CRS, and kept only when they fall within the territory.
//!
//! Points already in Lambert-93 are checked at once. Points in another CRS wait in a batch per
//! EPSG code (one GDAL transform per code, created on first use) and are transformed a few
//! thousand at a time, so a national file in WGS 84 costs one GDAL call per batch rather than
//! per row. An unusable point never rejects the dwelling: it is counted in `ignored` and the
//! dwelling is geocoded from its address.

use std::collections::BTreeMap;

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};

use super::fields::parse_decimal;
use crate::ingest::territory::Territory;
use crate::model::{Coord, Dwelling, EPSG_LAMBERT93};

/// Points transformed per GDAL call.
const BATCH: usize = 4096;

/// What the X/Y/EPSG fields of a row hold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum XyField {
    /// No coordinates (both fields empty or the columns absent).
    Absent,
    /// Something was written but it is not a point (one field empty, not a number, bad EPSG).
    Unusable,
    /// A point in the given CRS; `x` is the easting or longitude.
    Point { epsg: u32, x: f64, y: f64 },
}

impl XyField {
    /// Parses the three fields (`epsg` empty → Lambert-93; `EPSG:` prefix allowed).
    pub fn parse(x: &str, y: &str, epsg: &str) -> XyField {
        if x.is_empty() && y.is_empty() {
            return XyField::Absent;
        }
        let epsg = if epsg.is_empty() {
            Some(EPSG_LAMBERT93)
        } else {
            let code = epsg
                .get(..5)
                .filter(|p| p.eq_ignore_ascii_case("EPSG:"))
                .map_or(epsg, |_| &epsg[5..]);
            code.trim().parse::<u32>().ok()
        };
        match (parse_decimal(x), parse_decimal(y), epsg) {
            (Some(x), Some(y), Some(epsg)) => XyField::Point { epsg, x, y },
            _ => XyField::Unusable,
        }
    }
}

#[derive(Default)]
struct Batch {
    dwellings: Vec<u32>,
    xs: Vec<f64>,
    ys: Vec<f64>,
}

/// Collects the RPLS points and decides which ones are usable.
#[derive(Default)]
pub struct XyResolver {
    transforms: BTreeMap<u32, Option<CoordTransform>>,
    batches: BTreeMap<u32, Batch>,
    /// Dwellings with a usable point.
    pub used: u64,
    /// Dwellings whose X/Y were given but unusable.
    pub ignored: u64,
}

impl XyResolver {
    /// Handles the point of dwelling `idx` (already pushed to `dwellings`).
    pub fn add(
        &mut self,
        idx: u32,
        field: XyField,
        dwellings: &mut [Dwelling],
        territory: &Territory,
    ) {
        match field {
            XyField::Absent => {}
            XyField::Unusable => self.ignored += 1,
            XyField::Point { epsg, x, y } if epsg == EPSG_LAMBERT93 => {
                self.settle(idx, x, y, dwellings, territory)
            }
            XyField::Point { epsg, x, y } => {
                let b = self.batches.entry(epsg).or_default();
                b.dwellings.push(idx);
                b.xs.push(x);
                b.ys.push(y);
                if b.dwellings.len() >= BATCH {
                    self.flush(epsg, dwellings, territory);
                }
            }
        }
    }

    /// Transforms every pending point. Call once after the last row.
    pub fn finish(&mut self, dwellings: &mut [Dwelling], territory: &Territory) {
        let codes: Vec<u32> = self.batches.keys().copied().collect();
        for epsg in codes {
            self.flush(epsg, dwellings, territory);
        }
    }

    fn settle(&mut self, idx: u32, x: f64, y: f64, dwellings: &mut [Dwelling], t: &Territory) {
        let p = Coord { x, y };
        if x.is_finite() && y.is_finite() && t.contains_xy(p) {
            dwellings[idx as usize].rpls_xy = Some(p);
            self.used += 1;
        } else {
            self.ignored += 1;
        }
    }

    fn flush(&mut self, epsg: u32, dwellings: &mut [Dwelling], territory: &Territory) {
        let Some(mut batch) = self.batches.remove(&epsg) else {
            return;
        };
        if batch.dwellings.is_empty() {
            return;
        }
        let transform = self
            .transforms
            .entry(epsg)
            .or_insert_with(|| make_transform(epsg));
        let Some(transform) = transform.as_ref() else {
            self.ignored += batch.dwellings.len() as u64;
            return;
        };
        let (orig_x, orig_y) = (batch.xs.clone(), batch.ys.clone());
        if transform
            .transform_coords(&mut batch.xs, &mut batch.ys, &mut [])
            .is_err()
        {
            // one bad point fails the whole call: redo point by point
            for i in 0..batch.xs.len() {
                let (mut x, mut y) = ([orig_x[i]], [orig_y[i]]);
                let ok = transform.transform_coords(&mut x, &mut y, &mut []).is_ok();
                batch.xs[i] = if ok { x[0] } else { f64::NAN };
                batch.ys[i] = if ok { y[0] } else { f64::NAN };
            }
        }
        for (i, &d) in batch.dwellings.iter().enumerate() {
            self.settle(d, batch.xs[i], batch.ys[i], dwellings, territory);
        }
    }
}

/// The GDAL transform from `epsg` to Lambert-93, in x = easting/longitude order.
fn make_transform(epsg: u32) -> Option<CoordTransform> {
    let build = || -> gdal::errors::Result<CoordTransform> {
        let mut src = SpatialRef::from_epsg(epsg)?;
        src.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        let mut dst = SpatialRef::from_epsg(EPSG_LAMBERT93)?;
        dst.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
        CoordTransform::new(&src, &dst)
    };
    match build() {
        Ok(t) => Some(t),
        Err(_) => {
            // the code comes from the file (GDAL's message would repeat it): shown only with the shape of a short number
            let code = crate::ingest::rejects::shown(
                crate::ingest::rejects::ValueKind::Number,
                &epsg.to_string(),
            );
            tracing::warn!(
                "RPLS : système de coordonnées EPSG:{code} inutilisable ; les X/Y dans ce système sont ignorés et les logements géocodés par leur adresse"
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_parse_with_defaults_and_prefixes() {
        assert_eq!(XyField::parse("", "", ""), XyField::Absent);
        assert_eq!(
            XyField::parse("854000,5", "6690000", ""),
            XyField::Point {
                epsg: 2154,
                x: 854000.5,
                y: 6690000.0
            }
        );
        assert_eq!(
            XyField::parse("5.04", "47.32", "EPSG:4326"),
            XyField::Point {
                epsg: 4326,
                x: 5.04,
                y: 47.32
            }
        );
        assert_eq!(XyField::parse("854000", "", ""), XyField::Unusable);
        assert_eq!(XyField::parse("abc", "1", ""), XyField::Unusable);
        assert_eq!(XyField::parse("1", "1", "lambert"), XyField::Unusable);
    }

    #[test]
    fn wgs84_to_lambert93_in_lon_lat_order() {
        let t = make_transform(4326).expect("EPSG:4326 known to PROJ");
        let (mut x, mut y) = ([5.0415], [47.3220]);
        t.transform_coords(&mut x, &mut y, &mut []).unwrap();
        // reference: `gdaltransform -s_srs EPSG:4326 -t_srs EPSG:2154` → 854184.55 6693290.46
        assert!((x[0] - 854_184.55).abs() < 1.0, "{}", x[0]);
        assert!((y[0] - 6_693_290.46).abs() < 1.0, "{}", y[0]);
    }

    #[test]
    fn unknown_epsg_gives_no_transform() {
        assert!(make_transform(999_999).is_none());
    }
}

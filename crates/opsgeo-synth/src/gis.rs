//! Zone layers: GeoJSON written as text (byte-stable formatting), the IRIS shapefile through
//! GDAL, and the Lambert-93 → WGS84 transformation through GDAL/PROJ.

use std::path::Path;

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::{
    Feature, FieldDefn, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType, ToGdal,
};
use gdal::DriverManager;
use geo::{Coord, Polygon};

use super::geography::{BlobGeo, Geography};
use super::{io_err, SynthError};

const CRS_L93: &str =
    "\"crs\": { \"type\": \"name\", \"properties\": { \"name\": \"urn:ogc:def:crs:EPSG::2154\" } },\n";

pub(crate) fn gdal_err(path: &Path, e: gdal::errors::GdalError) -> SynthError {
    SynthError::Gdal {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

pub(crate) fn srs(epsg: u32, path: &Path) -> Result<SpatialRef, SynthError> {
    let mut s = SpatialRef::from_epsg(epsg).map_err(|e| gdal_err(path, e))?;
    s.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Ok(s)
}

/// Transforms Lambert-93 coordinates in place to WGS84 longitude / latitude.
pub fn to_wgs84(xs: &mut [f64], ys: &mut [f64], path: &Path) -> Result<(), SynthError> {
    if xs.is_empty() {
        return Ok(());
    }
    let t =
        CoordTransform::new(&srs(2154, path)?, &srs(4326, path)?).map_err(|e| gdal_err(path, e))?;
    t.transform_coords(xs, ys, &mut [])
        .map_err(|e| gdal_err(path, e))
}

pub(crate) fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

pub(crate) fn ring_json(ring: &[Coord<f64>], decimals: usize) -> String {
    let pts: Vec<String> = ring
        .iter()
        .map(|c| format!("[ {:.*}, {:.*} ]", decimals, c.x, decimals, c.y))
        .collect();
    format!("[ [ {} ] ]", pts.join(", "))
}

/// A FeatureCollection with one Polygon per feature; `props` are (key, value) strings.
fn collection(name: &str, crs: bool, features: &[(Vec<(&str, String)>, String)]) -> String {
    let mut s = String::from("{\n\"type\": \"FeatureCollection\",\n");
    s.push_str(&format!("\"name\": {},\n", json_str(name)));
    if crs {
        s.push_str(CRS_L93);
    }
    s.push_str("\"features\": [\n");
    for (i, (props, coords)) in features.iter().enumerate() {
        let p: Vec<String> = props
            .iter()
            .map(|(k, v)| format!("{}: {}", json_str(k), json_str(v)))
            .collect();
        s.push_str(&format!(
            "{{ \"type\": \"Feature\", \"properties\": {{ {} }}, \"geometry\": {{ \"type\": \"Polygon\", \"coordinates\": {} }} }}",
            p.join(", "),
            coords
        ));
        s.push_str(if i + 1 < features.len() { ",\n" } else { "\n" });
    }
    s.push_str("]\n}\n");
    s
}

fn write(path: &Path, text: String) -> Result<(), SynthError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    }
    std::fs::write(path, text).map_err(|e| io_err(path, e))
}

/// `zones/communes.geojson` (Lambert-93, with a `crs` member).
pub fn write_communes(geo: &Geography, path: &Path) -> Result<(), SynthError> {
    let features: Vec<_> = geo
        .communes
        .iter()
        .map(|c| {
            (
                vec![
                    ("INSEE_COM", c.code.to_string()),
                    ("NOM_COM", c.name.to_string()),
                ],
                ring_json(&c.polygon.exterior().0, 2),
            )
        })
        .collect();
    write(path, collection("communes", true, &features))
}

/// `zones/qva.geojson` (Lambert-93, with a `crs` member).
pub fn write_qva(geo: &Geography, path: &Path) -> Result<(), SynthError> {
    let features: Vec<_> = geo
        .qva
        .iter()
        .map(|q| {
            (
                vec![("code_qva", q.code.clone()), ("nom_qva", q.name.clone())],
                ring_json(&q.polygon.exterior().0, 2),
            )
        })
        .collect();
    write(path, collection("qva", true, &features))
}

/// The QPV rings in WGS84, rounded to 7 decimals.
pub fn qpv_wgs84(qpv: &[BlobGeo], path: &Path) -> Result<Vec<Vec<Coord<f64>>>, SynthError> {
    let mut out = Vec::new();
    for q in qpv {
        let ring = &q.polygon.exterior().0;
        let mut xs: Vec<f64> = ring.iter().map(|c| c.x).collect();
        let mut ys: Vec<f64> = ring.iter().map(|c| c.y).collect();
        to_wgs84(&mut xs, &mut ys, path)?;
        let r = |v: f64| (v * 1e7).round() / 1e7;
        out.push(
            xs.into_iter()
                .zip(ys)
                .map(|(x, y)| Coord { x: r(x), y: r(y) })
                .collect(),
        );
    }
    Ok(out)
}

/// `zones/qpv_2015.geojson` (WGS84 per RFC 7946, no `crs` member, 7 decimals).
pub fn write_qpv(geo: &Geography, path: &Path) -> Result<(), SynthError> {
    let rings = qpv_wgs84(&geo.qpv, path)?;
    let features: Vec<_> = geo
        .qpv
        .iter()
        .zip(&rings)
        .map(|(q, ring)| {
            (
                vec![
                    ("code_qp", q.code.clone()),
                    ("nom_qp", q.name.clone()),
                    ("commune_qp", geo.communes[q.commune].name.to_string()),
                ],
                ring_json(ring, 7),
            )
        })
        .collect();
    write(path, collection("qpv_2015", false, &features))
}

/// `zones/iris/iris.shp` (+ .shx .dbf .prj .cpg) through GDAL, with a fixed DBF date.
pub fn write_iris(geo: &Geography, path: &Path) -> Result<Vec<std::path::PathBuf>, SynthError> {
    let features = geo.iris.iter().map(|iris| {
        let c = &geo.communes[iris.commune];
        let values = [
            c.code.to_string(),
            c.name.to_string(),
            iris.code[5..].to_string(),
            iris.code.clone(),
            iris.name.clone(),
            iris.typ.to_string(),
        ];
        (values, iris.polygon.clone())
    });
    write_iris_features(path, features)
}

/// An IRIS shapefile from `([INSEE_COM, NOM_COM, IRIS, CODE_IRIS, NOM_IRIS, TYP_IRIS], polygon)`.
pub(crate) fn write_iris_features(
    path: &Path,
    features: impl Iterator<Item = ([String; 6], Polygon<f64>)>,
) -> Result<Vec<std::path::PathBuf>, SynthError> {
    let dir = path.parent().expect("iris path has a folder");
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    let files: Vec<std::path::PathBuf> = ["shp", "shx", "dbf", "prj", "cpg"]
        .iter()
        .map(|ext| path.with_extension(ext))
        .collect();
    for f in &files {
        if f.exists() {
            std::fs::remove_file(f).map_err(|e| io_err(f, e))?;
        }
    }
    let g = |e| gdal_err(path, e);
    let driver = DriverManager::get_driver_by_name("ESRI Shapefile").map_err(g)?;
    let mut ds = driver.create_vector_only(path).map_err(g)?;
    let srs = SpatialRef::from_epsg(2154).map_err(g)?;
    let layer = ds
        .create_layer(LayerOptions {
            name: "iris",
            srs: Some(&srs),
            ty: OGRwkbGeometryType::wkbPolygon,
            options: Some(&["ENCODING=UTF-8", "DBF_DATE_LAST_UPDATE=2022-01-01"]),
        })
        .map_err(g)?;
    let fields = [
        ("INSEE_COM", 5),
        ("NOM_COM", 50),
        ("IRIS", 4),
        ("CODE_IRIS", 9),
        ("NOM_IRIS", 80),
        ("TYP_IRIS", 1),
    ];
    for (name, width) in fields {
        let f = FieldDefn::new(name, OGRFieldType::OFTString).map_err(g)?;
        f.set_width(width);
        f.add_to_layer(&layer).map_err(g)?;
    }
    for (values, polygon) in features {
        let mut feature = Feature::new(layer.defn()).map_err(g)?;
        for (i, v) in values.iter().enumerate() {
            feature.set_field_string(i, v).map_err(g)?;
        }
        feature
            .set_geometry(polygon.to_gdal().map_err(g)?)
            .map_err(g)?;
        feature.create(&layer).map_err(g)?;
    }
    ds.close().map_err(g)?;
    Ok(files)
}

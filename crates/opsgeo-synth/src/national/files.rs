//! Zone layers, EPCI table and configuration of the national profile. GeoJSON is streamed
//! feature by feature in the métropole profile's formatting; polygons are rebuilt from the
//! lattice as they are written.

use std::io::Write;
use std::path::{Path, PathBuf};

use gdal::spatial_ref::CoordTransform;
use geo::Coord;

use super::frame::Frame;
use super::lattice::Lattice;
use super::zones::{Blob, Zones};
use crate::gis::{gdal_err, json_str, ring_json, srs, write_iris_features};
use crate::writers::create;
use crate::{config_template, io_err, SynthError};

const CRS_L93: &str =
    "\"crs\": { \"type\": \"name\", \"properties\": { \"name\": \"urn:ogc:def:crs:EPSG::2154\" } },\n";

/// Lambert-93 → WGS84 (longitude, latitude).
pub struct ToWgs84(CoordTransform);

impl ToWgs84 {
    pub fn new(path: &Path) -> Result<ToWgs84, SynthError> {
        let t = CoordTransform::new(&srs(2154, path)?, &srs(4326, path)?)
            .map_err(|e| gdal_err(path, e))?;
        Ok(ToWgs84(t))
    }

    pub fn apply(&self, xs: &mut [f64], ys: &mut [f64], path: &Path) -> Result<(), SynthError> {
        if xs.is_empty() {
            return Ok(());
        }
        self.0
            .transform_coords(xs, ys, &mut [])
            .map_err(|e| gdal_err(path, e))
    }
}

fn collection(
    path: &Path,
    name: &str,
    crs: bool,
    features: impl Iterator<Item = Result<(Vec<(&'static str, String)>, String), SynthError>>,
) -> Result<(), SynthError> {
    let mut out = create(path)?;
    let mut text = format!(
        "{{\n\"type\": \"FeatureCollection\",\n\"name\": {},\n",
        json_str(name)
    );
    if crs {
        text.push_str(CRS_L93);
    }
    text.push_str("\"features\": [\n");
    for (i, f) in features.enumerate() {
        let (props, coords) = f?;
        if i > 0 {
            text.push_str(",\n");
        }
        let p: Vec<String> = props
            .iter()
            .map(|(k, v)| format!("{}: {}", json_str(k), json_str(v)))
            .collect();
        text.push_str(&format!(
            "{{ \"type\": \"Feature\", \"properties\": {{ {} }}, \"geometry\": {{ \"type\": \"Polygon\", \"coordinates\": {} }} }}",
            p.join(", "),
            coords
        ));
        if text.len() > 1 << 20 {
            out.write_all(text.as_bytes())
                .map_err(|e| io_err(path, e))?;
            text.clear();
        }
    }
    text.push_str("\n]\n}\n");
    out.write_all(text.as_bytes())
        .map_err(|e| io_err(path, e))?;
    out.flush().map_err(|e| io_err(path, e))
}

fn blob_ring(b: &Blob) -> &[Coord<f64>] {
    &b.polygon.exterior().0
}

/// Writes communes, IRIS, QPV (WGS84) and QVA; returns the files written.
pub fn zone_layers(
    frame: &Frame,
    zones: &Zones,
    lattice: &Lattice,
    out: &Path,
) -> Result<Vec<PathBuf>, SynthError> {
    let communes = out.join("zones/communes.geojson");
    collection(
        &communes,
        "communes",
        true,
        frame.communes.iter().map(|c| {
            Ok((
                vec![("INSEE_COM", c.code.clone()), ("NOM_COM", c.name.clone())],
                ring_json(&lattice.ring(c.cells), 2),
            ))
        }),
    )?;
    let qva = out.join("zones/qva.geojson");
    collection(
        &qva,
        "qva",
        true,
        zones.qva.iter().map(|q| {
            Ok((
                vec![("code_qva", q.code.clone()), ("nom_qva", q.name.clone())],
                ring_json(blob_ring(q), 2),
            ))
        }),
    )?;
    let qpv = out.join("zones/qpv_2015.geojson");
    let t = ToWgs84::new(&qpv)?;
    collection(
        &qpv,
        "qpv_2015",
        false,
        zones.qpv.iter().map(|q| {
            let ring = blob_ring(q);
            let mut xs: Vec<f64> = ring.iter().map(|c| c.x).collect();
            let mut ys: Vec<f64> = ring.iter().map(|c| c.y).collect();
            t.apply(&mut xs, &mut ys, &qpv)?;
            let r = |v: f64| (v * 1e7).round() / 1e7;
            let wgs: Vec<Coord<f64>> = xs
                .into_iter()
                .zip(ys)
                .map(|(x, y)| Coord { x: r(x), y: r(y) })
                .collect();
            Ok((
                vec![
                    ("code_qp", q.code.clone()),
                    ("nom_qp", q.name.clone()),
                    ("commune_qp", frame.communes[q.commune].name.clone()),
                ],
                ring_json(&wgs, 7),
            ))
        }),
    )?;
    let iris = frame.iris.iter().map(|i| {
        let c = &frame.communes[i.commune];
        let values = [
            c.code.clone(),
            c.name.clone(),
            i.code[5..].to_string(),
            i.code.clone(),
            i.name.clone(),
            i.typ.to_string(),
        ];
        (values, lattice.polygon(i.cells))
    });
    let mut files = vec![communes, qpv, qva];
    files.extend(write_iris_features(&out.join("zones/iris/iris.shp"), iris)?);
    Ok(files)
}

/// `epci.csv`: UTF-8, `;`.
pub fn epci_table(frame: &Frame, path: &Path) -> Result<(), SynthError> {
    let mut out = create(path)?;
    let mut text = String::from("INSEE_COM;CODE_EPCI;NOM_EPCI\n");
    for c in &frame.communes {
        let e = &frame.epcis[c.epci];
        text.push_str(&format!("{};{};{}\n", c.code, e.code, e.name));
    }
    out.write_all(text.as_bytes())
        .map_err(|e| io_err(path, e))?;
    out.flush().map_err(|e| io_err(path, e))
}

/// The métropole template adapted to the national set: real département and région codes
/// (no fictional ones to declare), one BAN file per département.
pub fn config(n: usize, seed: u64, ban: &[String]) -> String {
    let text = config_template::render(n, seed);
    let head_end = text
        .find("# Ce fichier sert aussi de modèle")
        .expect("template header");
    let header = format!(
        "# Jeu de données synthétique généré par : opsgeo-synth --profil france --dwellings {n} --seed {seed}\n\
         # Paramètres : profil national, logements = {n}, graine = {seed}. Territoire FICTIF aux\n\
         # codes de départements et de régions réels, voir le README (« Profil national du\n\
         # générateur »). Les mêmes paramètres redonnent exactement les mêmes fichiers.\n\
         #\n"
    );
    let mut text = format!("{header}{}", &text[head_end..]);
    let start = text
        .find("# Départements absents de la liste intégrée")
        .expect("template départements");
    let end = text[start..]
        .find("\n\n# ----")
        .map(|k| start + k + 2)
        .expect("template section end");
    text.replace_range(start..end, "");
    let paths: Vec<String> = ban.iter().map(|p| format!("\"{p}\"")).collect();
    text.replace(
        "paths = [\"ban/adresses-00.csv.gz\"]",
        &format!("paths = [{}]", paths.join(", ")),
    )
    .replace(
        &format!("territory_name = \"{}\"", crate::names::EPCI_NAME),
        "territory_name = \"France (profil national synthétique)\"",
    )
}

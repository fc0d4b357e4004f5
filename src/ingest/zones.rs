//! Zone polygon layers (communes, IRIS, QPV, QVA) read through GDAL from any OGR vector source
//! (shapefile, GeoPackage, GeoJSON…), reprojected once to Lambert-93, validated and repaired.
//!
//! Reading runs in three steps:
//! 1. GDAL reads the features in order (attributes matched case-insensitively, curved geometries
//!    linearised, Z/M dropped, reprojection to EPSG:2154 with the traditional x = east, y = north
//!    axis order on both sides);
//! 2. every polygon is validated, and repaired when invalid ([`super::validity`]), in parallel;
//! 3. features are accepted in source order; a code already taken by an accepted feature is a
//!    duplicate and the later feature is rejected.
//!
//! The commune attribute is optional; for IRIS, an empty or missing one is taken from the first
//! five characters of the 9-character IRIS code.
//!
//! Integer code attributes lose their leading zeros in some shapefiles (`1001` for `01001`): a
//! purely numeric commune or IRIS code read from an integer field is left-padded with zeros to
//! 5 or 9 characters.

use std::collections::HashMap;
use std::path::PathBuf;

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::{Geometry, LayerAccess, OGRFieldType};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use geo::MultiPolygon;
use rayon::prelude::*;

use super::rejects::{RejectLog, ValueKind};
use super::validity::{self, Verdict};
use super::{IngestError, InputStats};
use crate::config::ZoneInput;
use crate::model::EPSG_LAMBERT93;

/// The kinds of zone layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ZoneKind {
    Commune,
    Iris,
    Qpv,
    Qva,
}

impl ZoneKind {
    pub fn label(self) -> &'static str {
        match self {
            ZoneKind::Commune => "communes",
            ZoneKind::Iris => "IRIS",
            ZoneKind::Qpv => "QPV",
            ZoneKind::Qva => "QVA",
        }
    }

    /// Width of the zone code when it is purely numeric (INSEE commune 5, IRIS 9).
    fn numeric_code_width(self) -> Option<usize> {
        match self {
            ZoneKind::Commune => Some(5),
            ZoneKind::Iris => Some(9),
            ZoneKind::Qpv | ZoneKind::Qva => None,
        }
    }
}

/// One zone, in Lambert-93, with a valid geometry.
#[derive(Debug, Clone)]
pub struct Zone {
    pub code: String,
    pub name: String,
    /// INSEE code of the commune the zone belongs to, when the layer has one (IRIS).
    pub commune: String,
    pub geometry: MultiPolygon<f64>,
}

impl Zone {
    /// The commune an IRIS belongs to: the layer's commune attribute, else the first five
    /// characters of the IRIS code (an IRIS code starts with its commune's INSEE code).
    pub fn commune_code(&self) -> &str {
        if self.commune.is_empty() {
            self.code.get(..5).unwrap_or("")
        } else {
            &self.commune
        }
    }
}

/// What was wrong with a polygon and what was done about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GeometryIssue {
    /// Zone code (or `entité N` when the code is missing).
    pub zone: String,
    /// 1-based feature index in reading order (the `ligne` of `rejets.csv` for the same layer).
    #[serde(rename = "entite")]
    pub feature: u64,
    /// Why it is invalid, in French (e.g. « anneau auto-intersecté »), from the validity check.
    #[serde(rename = "probleme")]
    pub problem: String,
    /// `reparee` or `rejetee`.
    pub action: String,
}

/// A zone layer, ready for the join.
#[derive(Debug, Clone)]
pub struct ZoneLayer {
    pub kind: ZoneKind,
    pub source: PathBuf,
    /// Vintage from the configuration (e.g. `2015` for QPV).
    pub vintage: String,
    /// Zones in source order; codes are unique.
    pub zones: Vec<Zone>,
    /// Invalid polygons found, repaired or rejected.
    pub issues: Vec<GeometryIssue>,
    /// Features read / accepted / rejected; `format` gives driver and source CRS.
    pub stats: InputStats,
}

/// Longest zone code shown in `rejets.csv` (zone codes are public: INSEE, IRIS, QPV codes).
const ZONE_CODE_CHARS: usize = 16;

/// A zone code as it may appear in a log line: like in `rejets.csv`, only with the shape of a
/// code (a code column mistakenly mapped to a free-text attribute is not echoed).
fn shown_code(code: &str) -> String {
    super::rejects::shown(ValueKind::Code(ZONE_CODE_CHARS), code)
}

/// Column label used in the rejects log for geometry problems.
const GEOMETRY_COLUMN: &str = "géométrie";

/// A feature that passed the reading checks.
struct Candidate {
    feature: u64,
    code: String,
    name: String,
    commune: String,
    geometry: MultiPolygon<f64>,
}

/// A reject waiting to be written (sorted by feature before writing).
struct PendingReject {
    feature: u64,
    column: String,
    value: String,
    reason: String,
}

/// Reads one zone layer.
///
/// Every feature is accepted or rejected (with a line in `rejects`, using the 1-based feature
/// index as the line): missing code, duplicate code, empty or non-polygonal geometry, or a
/// geometry that could not be repaired. Sources without a CRS use `input.assume_epsg` or fail.
pub fn read_zone_layer(
    input: &ZoneInput,
    kind: ZoneKind,
    rejects: &mut RejectLog,
) -> Result<ZoneLayer, IngestError> {
    let path = input.path.as_path();
    let gdal_err = |message: String| IngestError::Gdal {
        path: path.to_path_buf(),
        message,
    };
    let options = DatasetOptions {
        open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
        ..Default::default()
    };
    // GDAL says « returned a NULL pointer » when no driver recognises the source
    let ds = Dataset::open_ex(path, options).map_err(|e| {
        gdal_err(if path.is_dir() {
            format!(
                "aucune couche lisible dans ce dossier (dossier vide, ou sans shapefile ni autre \
                 source reconnue par GDAL ; détail GDAL : {e})"
            )
        } else {
            format!(
                "format non reconnu par GDAL (shapefile, GeoPackage, GeoJSON… attendu ; détail \
                 GDAL : {e})"
            )
        })
    })?;
    let mut layer = if input.layer.is_empty() {
        if ds.layer_count() == 0 {
            return Err(gdal_err("aucune couche vectorielle".into()));
        }
        ds.layer(0).map_err(|source| IngestError::GdalCall {
            path: path.to_path_buf(),
            step: "première couche".into(),
            source,
        })?
    } else {
        ds.layer_by_name(&input.layer).map_err(|_| {
            let names: Vec<String> = ds.layers().map(|l| l.name()).collect();
            IngestError::Config {
                path: path.to_path_buf(),
                message: format!(
                    "couche « {} » introuvable (couches présentes : {})",
                    input.layer,
                    names.join(", ")
                ),
            }
        })?
    };

    // Attribute columns.
    let fields: Vec<(String, OGRFieldType::Type)> = layer
        .defn()
        .fields()
        .map(|f| (f.name(), f.field_type()))
        .collect();
    let missing = |column: &str| {
        if fields.is_empty() {
            let shp = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("shp"));
            return IngestError::Data {
                path: path.to_path_buf(),
                message: format!(
                    "couche {} sans aucun attribut (colonne « {column} » attendue) : {}",
                    kind.label(),
                    if shp {
                        "fichier .dbf absent ou vide à côté du .shp ?"
                    } else {
                        "fichier vide ou sans propriétés ?"
                    }
                ),
            };
        }
        IngestError::MissingColumn {
            path: path.to_path_buf(),
            column: column.to_string(),
            available: fields
                .iter()
                .map(|(n, _)| n.as_str())
                .filter(|n| super::source::looks_like_column_name(n))
                .collect::<Vec<_>>()
                .join(", "),
        }
    };
    let code_col = find_field(&fields, &input.code).ok_or_else(|| missing(&input.code))?;
    let name_col = find_field(&fields, &input.name).ok_or_else(|| missing(&input.name))?;
    let commune_col = if input.commune.is_empty() {
        None
    } else {
        let col = find_field(&fields, &input.commune);
        if col.is_none() {
            tracing::warn!(
                couche = kind.label(),
                colonne = %input.commune,
                "colonne de la commune absente : code commune vide{}",
                if kind == ZoneKind::Iris { " (déduit du code IRIS)" } else { "" }
            );
        }
        col
    };
    let code_name = fields[code_col].0.clone();
    let is_integer = |i: usize| {
        matches!(
            fields[i].1,
            OGRFieldType::OFTInteger | OGRFieldType::OFTInteger64
        )
    };
    let code_width = kind.numeric_code_width().filter(|_| is_integer(code_col));
    let commune_width = commune_col.filter(|&i| is_integer(i)).map(|_| 5);

    // Coordinate systems.
    let mut source_srs = match layer.spatial_ref() {
        Some(srs) => srs,
        None => match input.assume_epsg {
            Some(epsg) => SpatialRef::from_epsg(epsg).map_err(|e| IngestError::Config {
                path: path.to_path_buf(),
                message: format!("assume_epsg = {epsg} : code EPSG inconnu ({e})"),
            })?,
            None => {
                return Err(IngestError::Config {
                    path: path.to_path_buf(),
                    message: "la couche ne déclare aucun système de coordonnées ; indiquez-le \
                              avec la clé assume_epsg de cette couche (par exemple 2154)"
                        .into(),
                })
            }
        },
    };
    source_srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut target_srs =
        SpatialRef::from_epsg(EPSG_LAMBERT93).map_err(|source| IngestError::GdalCall {
            path: path.to_path_buf(),
            step: format!("système de coordonnées EPSG:{EPSG_LAMBERT93}"),
            source,
        })?;
    target_srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let crs = crs_label(&source_srs);
    let driver = ds.driver().short_name();
    let transform = if source_srs == target_srs {
        None
    } else {
        Some(CoordTransform::new(&source_srs, &target_srs).map_err(|e| {
            gdal_err(format!(
                "reprojection de {crs} en EPSG:{EPSG_LAMBERT93} impossible : {e}"
            ))
        })?)
    };
    let format = match transform {
        Some(_) => format!("{driver}, {crs} reprojeté en EPSG:{EPSG_LAMBERT93}"),
        None => format!("{driver}, {crs}"),
    };
    let mut stats = InputStats::new(path, format);

    // Step 1: read.
    // features the driver announces (from the .shx / the index): a truncated file reads fewer
    let announced = layer.try_feature_count().unwrap_or(0);
    let mut pending: Vec<PendingReject> = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    for (i, feature) in layer.features().enumerate() {
        let index = i as u64 + 1;
        stats.read += 1;
        let text = |col: usize| -> String {
            feature
                .field_as_string(col)
                .ok()
                .flatten()
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let code = pad_numeric(text(code_col), code_width);
        if code.is_empty() {
            pending.push(PendingReject {
                feature: index,
                column: code_name.clone(),
                value: String::new(),
                reason: "code de zone manquant".into(),
            });
            continue;
        }
        let name = text(name_col);
        let mut commune = commune_col
            .map(|c| pad_numeric(text(c), commune_width))
            .unwrap_or_default();
        if commune.is_empty() && kind == ZoneKind::Iris && code.len() == 9 {
            commune = code[..5].to_string();
        }
        // the commune attribute joins zones to their commune (IRIS → commune): a value that is
        // not an INSEE code (the attribute mapped to a name column…) would publish every zone
        // outside its commune without a word
        if !commune.is_empty() && !crate::ingest::territory::is_insee_code(&commune) {
            pending.push(PendingReject {
                feature: index,
                column: input.commune.clone(),
                value: String::new(),
                reason: "code commune de la zone invalide (code INSEE à 5 caractères attendu) : \
                         vérifiez l'attribut de la commune dans la configuration (clé commune)"
                    .into(),
            });
            continue;
        }
        // SAFETY: only reads the handle; gdal wraps a null geometry in a `Geometry`.
        let geometry = match feature.geometry() {
            Some(g) if !unsafe { g.c_geometry() }.is_null() => {
                prepare_geometry(g, transform.as_ref())
            }
            _ => Err("géométrie absente".to_string()),
        };
        match geometry {
            Ok(geometry) => candidates.push(Candidate {
                feature: index,
                code,
                name,
                commune,
                geometry,
            }),
            Err(reason) => pending.push(PendingReject {
                feature: index,
                column: GEOMETRY_COLUMN.into(),
                value: code,
                reason,
            }),
        }
    }

    // Step 2: validate and repair, in parallel.
    let verdicts: Vec<Verdict> = candidates
        .par_iter_mut()
        .map(|c| {
            validity::validate(std::mem::replace(
                &mut c.geometry,
                MultiPolygon::new(Vec::new()),
            ))
        })
        .collect();

    // Step 3: accept in source order.
    let mut zones = Vec::with_capacity(candidates.len());
    let mut issues = Vec::new();
    let mut taken: HashMap<String, u64> = HashMap::new();
    // exact geometry (bit pattern of every vertex) → first accepted feature and its code
    let mut shapes: HashMap<Vec<u64>, (u64, String)> = HashMap::new();
    for (c, verdict) in candidates.into_iter().zip(verdicts) {
        if let Some(first) = taken.get(&c.code) {
            pending.push(PendingReject {
                feature: c.feature,
                column: code_name.clone(),
                value: c.code,
                reason: format!("code de zone en double (déjà pris par l'entité {first})"),
            });
            continue;
        }
        let shape_key = |g: &MultiPolygon<f64>| -> Vec<u64> {
            use geo::CoordsIter;
            g.coords_iter()
                .flat_map(|p| [p.x.to_bits(), p.y.to_bits()])
                .collect()
        };
        let same_shape = match &verdict {
            Verdict::Valid(g) | Verdict::Repaired { geometry: g, .. } => {
                let key = shape_key(g);
                match shapes.get(&key) {
                    Some((f, code)) => Some(format!(
                        "polygone identique à celui de l'entité {f} (zone {}) : \
                         les logements ne peuvent pas être attribués à l'une plutôt qu'à l'autre",
                        shown_code(code)
                    )),
                    None => {
                        shapes.insert(key, (c.feature, c.code.clone()));
                        None
                    }
                }
            }
            Verdict::Rejected { .. } => None,
        };
        if let Some(reason) = same_shape {
            tracing::warn!(couche = kind.label(), zone = %shown_code(&c.code), "{reason}");
            pending.push(PendingReject {
                feature: c.feature,
                column: GEOMETRY_COLUMN.into(),
                value: c.code,
                reason,
            });
            continue;
        }
        let geometry = match verdict {
            Verdict::Valid(g) => g,
            Verdict::Repaired { problem, geometry } => {
                tracing::warn!(
                    couche = kind.label(),
                    zone = %shown_code(&c.code),
                    probleme = %problem,
                    "polygone invalide réparé"
                );
                issues.push(GeometryIssue {
                    zone: c.code.clone(),
                    feature: c.feature,
                    problem,
                    action: "reparee".into(),
                });
                geometry
            }
            Verdict::Rejected { problem, detail } => {
                tracing::warn!(
                    couche = kind.label(),
                    zone = %shown_code(&c.code),
                    probleme = %problem,
                    detail = %detail,
                    "polygone invalide rejeté"
                );
                pending.push(PendingReject {
                    feature: c.feature,
                    column: GEOMETRY_COLUMN.into(),
                    value: c.code.clone(),
                    reason: format!("géométrie invalide non réparable : {problem} ({detail})"),
                });
                issues.push(GeometryIssue {
                    zone: c.code,
                    feature: c.feature,
                    problem,
                    action: "rejetee".into(),
                });
                continue;
            }
        };
        taken.insert(c.code.clone(), c.feature);
        zones.push(Zone {
            code: c.code,
            name: c.name,
            commune: c.commune,
            geometry,
        });
    }

    pending.sort_by_key(|r| r.feature);
    for r in &pending {
        rejects.push(
            &stats.file,
            r.feature,
            &r.column,
            ValueKind::Code(ZONE_CODE_CHARS),
            &r.value,
            r.reason.as_str(),
        );
    }
    stats.accepted = zones.len() as u64;
    stats.rejected = pending.len() as u64;
    debug_assert!(stats.reconciles());
    let data_err = |message: String| IngestError::Data {
        path: path.to_path_buf(),
        message,
    };
    if stats.read < announced {
        return Err(data_err(format!(
            "couche {} : {} entités lues sur {announced} annoncées par le fichier \
             (fichier tronqué ou endommagé ?)",
            kind.label(),
            stats.read
        )));
    }
    if stats.read == 0 {
        return Err(data_err(format!(
            "couche {} vide : aucune entité",
            kind.label()
        )));
    }
    Ok(ZoneLayer {
        kind,
        source: path.to_path_buf(),
        vintage: input.vintage.clone(),
        zones,
        issues,
        stats,
    })
}

/// Index of the field named `wanted`: exact match first, then case-insensitive.
fn find_field(fields: &[(String, OGRFieldType::Type)], wanted: &str) -> Option<usize> {
    fields.iter().position(|(n, _)| n == wanted).or_else(|| {
        let w = wanted.to_lowercase();
        fields.iter().position(|(n, _)| n.to_lowercase() == w)
    })
}

/// Left-pads a purely numeric code to `width` (integer fields drop leading zeros).
fn pad_numeric(code: String, width: Option<usize>) -> String {
    match width {
        Some(w)
            if code.len() < w && !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{code:0>w$}")
        }
        _ => code,
    }
}

/// `EPSG:4326`, or the CRS name when it has no authority code.
fn crs_label(srs: &SpatialRef) -> String {
    match (srs.auth_name(), srs.auth_code()) {
        (Some(name), Ok(code)) => format!("{name}:{code}"),
        _ => srs.name().unwrap_or_else(|| "SCR sans nom".into()),
    }
}

/// Turns one feature geometry into a Lambert-93 multipolygon (not yet validated), or gives the
/// reason (in French) why it cannot be used.
fn prepare_geometry(
    g: &Geometry,
    transform: Option<&CoordTransform>,
) -> Result<MultiPolygon<f64>, String> {
    if g.is_empty() {
        return Err("géométrie vide".into());
    }
    let mut g = linearize(g)?;
    g.flatten_to_2d();
    if let Some(t) = transform {
        g.transform_inplace(t)
            .map_err(|e| format!("reprojection en EPSG:{EPSG_LAMBERT93} impossible : {e}"))?;
    }
    let mp =
        validity::polygons_from_gdal(&g).map_err(|t| format!("géométrie non polygonale ({t})"))?;
    if mp.0.is_empty() {
        return Err("géométrie vide".into());
    }
    Ok(mp)
}

/// A copy of `g` where curves (arcs of circle, CurvePolygon, MultiSurface…) are replaced by
/// straight segments (GDAL's default step of 4°).
fn linearize(g: &Geometry) -> Result<Geometry, String> {
    // SAFETY: `g` holds a valid OGR geometry handle for the duration of the call; the linear copy
    // returned by GDAL is owned here, cloned into an owned `Geometry`, then destroyed once.
    unsafe {
        let h = g.c_geometry();
        if gdal_sys::OGR_G_HasCurveGeometry(h, 0) == 0 {
            return Ok(g.clone());
        }
        let lin = gdal_sys::OGR_G_GetLinearGeometry(h, 0.0, std::ptr::null_mut());
        if lin.is_null() {
            return Err("géométrie courbe impossible à linéariser".into());
        }
        let borrowed = Geometry::lazy_feature_geometry();
        borrowed.set_c_geometry(lin);
        let owned = borrowed.clone();
        drop(borrowed);
        gdal_sys::OGR_G_DestroyGeometry(lin);
        Ok(owned)
    }
}

/// Fails when no zone of `layer` overlaps the extent of the communes: a layer whose
/// coordinates are not in the coordinate system its source declares (a GeoJSON `crs` member or
/// a `.prj` that does not match the coordinates, a wrong `assume_epsg`) lies far from the
/// territory, and every dwelling would be published « sans IRIS » or « hors QPV » without a
/// word. A layer covering more than the territory (national IRIS) is fine.
pub fn check_overlaps_communes(layer: &ZoneLayer, communes: &ZoneLayer) -> Result<(), IngestError> {
    match extent(communes) {
        Some(e) => check_overlaps(layer, e, "de la couche des communes"),
        None => Ok(()),
    }
}

/// Fails when no zone of `layer` lies in the domain of Lambert-93 (metropolitan France), where
/// every layer is once reprojected: longitude/latitude declared as Lambert-93 (a few units from
/// the origin) is caught here, on the layer at fault, before other layers are compared with it.
pub fn check_in_lambert93(layer: &ZoneLayer) -> Result<(), IngestError> {
    use crate::model::{L93_X, L93_Y};
    let domain = geo::Rect::new(
        geo::coord! { x: L93_X.0, y: L93_Y.0 },
        geo::coord! { x: L93_X.1, y: L93_Y.1 },
    );
    check_overlaps(
        layer,
        domain,
        "du domaine du Lambert-93 (France métropolitaine)",
    )
}

/// Union of the bounding boxes of the zones of a layer.
fn extent(layer: &ZoneLayer) -> Option<geo::Rect<f64>> {
    use geo::BoundingRect;
    layer
        .zones
        .iter()
        .filter_map(|z| z.geometry.bounding_rect())
        .reduce(|a, b| {
            geo::Rect::new(
                geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
            )
        })
}

fn check_overlaps(layer: &ZoneLayer, area: geo::Rect<f64>, what: &str) -> Result<(), IngestError> {
    use geo::BoundingRect;
    let overlaps = |r: geo::Rect<f64>| {
        r.min().x <= area.max().x
            && r.max().x >= area.min().x
            && r.min().y <= area.max().y
            && r.max().y >= area.min().y
    };
    if layer.zones.is_empty()
        || layer
            .zones
            .iter()
            .filter_map(|z| z.geometry.bounding_rect())
            .any(overlaps)
    {
        return Ok(());
    }
    Err(IngestError::Data {
        path: layer.source.clone(),
        message: format!(
            "aucune des {} entités de la couche ne recouvre l'emprise {what} : vérifiez le \
             système de coordonnées (membre « crs » d'un GeoJSON, fichier .prj d'un shapefile, \
             clé assume_epsg) ; système lu : {}",
            layer.zones.len(),
            layer.stats.format
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_codes_are_padded() {
        assert_eq!(pad_numeric("1001".into(), Some(5)), "01001");
        assert_eq!(pad_numeric("2A004".into(), Some(5)), "2A004");
        assert_eq!(pad_numeric("21231".into(), Some(5)), "21231");
        assert_eq!(pad_numeric("12345678".into(), Some(9)), "012345678");
        assert_eq!(pad_numeric("".into(), Some(5)), "");
        assert_eq!(pad_numeric("1001".into(), None), "1001");
    }

    #[test]
    fn fields_match_case_insensitively_exact_first() {
        let f = vec![
            ("id".to_string(), OGRFieldType::OFTString),
            ("ID".to_string(), OGRFieldType::OFTString),
            ("Code_Iris".to_string(), OGRFieldType::OFTString),
        ];
        assert_eq!(find_field(&f, "ID"), Some(1));
        assert_eq!(find_field(&f, "id"), Some(0));
        assert_eq!(find_field(&f, "CODE_IRIS"), Some(2));
        assert_eq!(find_field(&f, "NOM_IRIS"), None);
    }

    #[test]
    fn curved_polygon_is_linearised() {
        let g = Geometry::from_wkt("CURVEPOLYGON (CIRCULARSTRING (0 0, 10 0, 0 0))").unwrap();
        let mp = prepare_geometry(&g, None).unwrap();
        assert_eq!(mp.0.len(), 1);
        assert!(mp.0[0].exterior().0.len() > 20);
        use geo::Area;
        // A circle of diameter 10: area 25π, within the linearisation error.
        assert!((mp.unsigned_area() - 25.0 * std::f64::consts::PI).abs() < 0.5);
    }

    #[test]
    fn non_polygonal_and_empty_geometries_are_refused() {
        let line = Geometry::from_wkt("LINESTRING (0 0, 1 1)").unwrap();
        assert_eq!(
            prepare_geometry(&line, None).unwrap_err(),
            "géométrie non polygonale (Line String)"
        );
        let empty = Geometry::from_wkt("MULTIPOLYGON EMPTY").unwrap();
        assert_eq!(
            prepare_geometry(&empty, None).unwrap_err(),
            "géométrie vide"
        );
        let z = Geometry::from_wkt("POLYGON Z ((0 0 5, 1 0 5, 1 1 5, 0 0 5))").unwrap();
        assert_eq!(prepare_geometry(&z, None).unwrap().0.len(), 1);
    }
}

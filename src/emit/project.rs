//! The QGIS project `opsgeo.qgs` written next to the GeoPackage: every layer, grouped by scale
//! then population, styled with its default style and titled in French, in EPSG:2154, with the
//! layer metadata (citation, lineage) QGIS shows in the layer properties, and an A4 print
//! layout (title, map, legend, scale bar, source citation) — see [`layout`].
//!
//! The XML is written directly (QGIS is not needed to produce it); a test opens it in headless
//! QGIS and exports the layout to PDF. Paths are relative (`./opsgeo.gpkg`), so the output
//! folder can be moved or copied as a whole. The file is deterministic.

mod layout;

use std::fmt::Write;
use std::path::Path;

use geo::BoundingRect;

use super::styles::{self, qml, xml::esc, Family};
use super::{EmitError, GeometryKind, Layer, RunMetadata};
use crate::model::{Population, Scale};

/// File name of the project.
pub const PROJECT_FILE: &str = "opsgeo.qgs";

/// Name of the print layout.
pub const LAYOUT_NAME: &str = "Carte A4";

/// An extent in Lambert-93 metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    pub xmin: f64,
    pub ymin: f64,
    pub xmax: f64,
    pub ymax: f64,
}

/// French group name of a scale (plural).
fn scale_group(scale: Scale) -> &'static str {
    match scale {
        Scale::Region => "Régions",
        Scale::Departement => "Départements",
        Scale::Epci => "EPCI",
        Scale::Commune => "Communes",
        Scale::Qpv => "Quartiers prioritaires (QPV)",
        Scale::Qva => "Quartiers de veille active (QVA)",
        Scale::Iris => "IRIS",
        Scale::Programme => "Programmes-résidences",
        Scale::Batiment => "Bâtiments",
        Scale::Cage => "Cages d'escalier",
    }
}

fn population_group(p: Population) -> &'static str {
    match p {
        Population::Ensemble => "Ensemble des ménages",
        Population::Recents => "Emménagés récents",
    }
}

/// Layer id in the project (stable).
fn layer_id(name: &str) -> String {
    format!("opsgeo_{name}")
}

fn extent_of(layer: &Layer) -> Option<Extent> {
    let mut e: Option<Extent> = None;
    for r in &layer.rows {
        let Some(b) = r.geometry.as_ref().and_then(|g| g.bounding_rect()) else {
            continue;
        };
        let (lo, hi) = (b.min(), b.max());
        e = Some(match e {
            None => Extent {
                xmin: lo.x,
                ymin: lo.y,
                xmax: hi.x,
                ymax: hi.y,
            },
            Some(e) => Extent {
                xmin: e.xmin.min(lo.x),
                ymin: e.ymin.min(lo.y),
                xmax: e.xmax.max(hi.x),
                ymax: e.ymax.max(hi.y),
            },
        });
    }
    e
}

/// The layer shown when the project opens: the IRIS of all households, else the communes,
/// else the first layer with a geometry and a style.
fn shown_layer(layers: &[Layer]) -> Option<&Layer> {
    let styled = |l: &&Layer| Family::of(l.geometry).is_some() && extent_of(l).is_some();
    ["iris_ensemble", "communes_ensemble"]
        .iter()
        .find_map(|n| layers.iter().filter(styled).find(|l| l.name == *n))
        .or_else(|| layers.iter().find(styled))
}

const CRS_2154: &str = concat!(
    "    <spatialrefsys>\n      <wkt>",
    "PROJCRS[\"RGF93 v1 / Lambert-93\",BASEGEOGCRS[\"RGF93 v1\",DATUM[\"Reseau Geodesique Francais 1993 v1\",ELLIPSOID[\"GRS 1980\",6378137,298.257222101,LENGTHUNIT[\"metre\",1]]],PRIMEM[\"Greenwich\",0,ANGLEUNIT[\"degree\",0.0174532925199433]],ID[\"EPSG\",4171]],CONVERSION[\"Lambert-93\",METHOD[\"Lambert Conic Conformal (2SP)\",ID[\"EPSG\",9802]],PARAMETER[\"Latitude of false origin\",46.5,ANGLEUNIT[\"degree\",0.0174532925199433],ID[\"EPSG\",8821]],PARAMETER[\"Longitude of false origin\",3,ANGLEUNIT[\"degree\",0.0174532925199433],ID[\"EPSG\",8822]],PARAMETER[\"Latitude of 1st standard parallel\",49,ANGLEUNIT[\"degree\",0.0174532925199433],ID[\"EPSG\",8823]],PARAMETER[\"Latitude of 2nd standard parallel\",44,ANGLEUNIT[\"degree\",0.0174532925199433],ID[\"EPSG\",8824]],PARAMETER[\"Easting at false origin\",700000,LENGTHUNIT[\"metre\",1],ID[\"EPSG\",8826]],PARAMETER[\"Northing at false origin\",6600000,LENGTHUNIT[\"metre\",1],ID[\"EPSG\",8827]]],CS[Cartesian,2],AXIS[\"easting (X)\",east,ORDER[1],LENGTHUNIT[\"metre\",1]],AXIS[\"northing (Y)\",north,ORDER[2],LENGTHUNIT[\"metre\",1]],USAGE[SCOPE[\"Engineering survey, topographic mapping.\"],AREA[\"France - onshore and offshore, mainland and Corsica (France métropolitaine including Corsica).\"],BBOX[41.15,-9.86,51.56,10.38]],ID[\"EPSG\",2154]]",
    "</wkt>\n      <proj4>+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs</proj4>\n      <srsid>145</srsid>\n      <srid>2154</srid>\n      <authid>EPSG:2154</authid>\n      <description>RGF93 v1 / Lambert-93</description>\n      <projectionacronym>lcc</projectionacronym>\n      <ellipsoidacronym>EPSG:7019</ellipsoidacronym>\n      <geographicflag>false</geographicflag>\n    </spatialrefsys>\n"
);

/// `text` with `extra` before every line.
fn indent(text: &str, extra: &str) -> String {
    text.lines().map(|l| format!("{extra}{l}\n")).collect()
}

/// Layer metadata as QGIS reads it (`resourceMetadata`): title, abstract, citation as rights,
/// lineage as history.
fn resource_metadata(s: &mut String, title: &str, abstract_: &str, meta: &RunMetadata) {
    let _ = writeln!(
        s,
        "      <resourceMetadata>\n        <identifier></identifier>\n        <parentidentifier></parentidentifier>\n        <language>fra</language>\n        <type>dataset</type>\n        <title>{}</title>\n        <abstract>{}</abstract>\n        <keywords vocabulary=\"gmd:topicCategory\">\n          <keyword>society</keyword>\n        </keywords>\n        <links/>",
        esc(title),
        esc(abstract_)
    );
    for h in lineage(meta) {
        let _ = writeln!(s, "        <history>{}</history>", esc(&h));
    }
    let _ = writeln!(
        s,
        "        <fees></fees>\n        <rights>{}</rights>\n        <encoding>UTF-8</encoding>\n        <crs>\n{}        </crs>\n        <extent/>\n      </resourceMetadata>",
        esc(&meta.source_citation),
        indent(CRS_2154, "      ")
    );
}

/// Lineage lines shown in QGIS (Propriétés → Métadonnées → Historique).
pub fn lineage(meta: &RunMetadata) -> Vec<String> {
    let mut h = vec![
        meta.source_citation.clone(),
        format!(
            "Date de référence {} ; géographie prioritaire (QPV) {} ; IRIS {} ; BAN du {}",
            meta.reference_date, meta.qpv_vintage, meta.iris_vintage, meta.ban_date
        ),
        format!("Secret statistique : {}", meta.secrecy),
        format!(
            "Traitement : opsgeo {} (schéma {}), GDAL {}",
            meta.opsgeo_version,
            crate::layout::SCHEMA_VERSION,
            meta.gdal_version
        ),
    ];
    for i in &meta.inputs {
        h.push(format!("Entrée {} : SHA-256 {}", i.fichier, i.sha256));
    }
    h
}

fn map_layer(s: &mut String, layer: &Layer, gpkg: &str, meta: &RunMetadata) {
    let (geometry, wkb, geom_type) = match layer.geometry {
        GeometryKind::MultiPolygon => ("Polygon", "MultiPolygon", 2),
        GeometryKind::Point => ("Point", "Point", 0),
        GeometryKind::None => ("No geometry", "NoGeometry", 4),
    };
    let _ = writeln!(
        s,
        "    <maplayer type=\"vector\" geometry=\"{geometry}\" wkbType=\"{wkb}\" styleCategories=\"AllStyleCategories\" hasScaleBasedVisibilityFlag=\"0\" minScale=\"100000000\" maxScale=\"0\" readOnly=\"0\" labelsEnabled=\"0\">"
    );
    if let Some(e) = extent_of(layer) {
        let _ = writeln!(
            s,
            "      <extent>\n        <xmin>{}</xmin>\n        <ymin>{}</ymin>\n        <xmax>{}</xmax>\n        <ymax>{}</ymax>\n      </extent>",
            e.xmin, e.ymin, e.xmax, e.ymax
        );
    }
    let _ = writeln!(
        s,
        "      <id>{}</id>\n      <datasource>./{}|layername={}</datasource>\n      <layername>{}</layername>",
        esc(&layer_id(&layer.name)),
        esc(gpkg),
        esc(&layer.name),
        esc(&layer.title)
    );
    if layer.geometry != GeometryKind::None {
        let _ = write!(s, "      <srs>\n{}      </srs>\n", indent(CRS_2154, "    "));
    }
    resource_metadata(s, &layer.title, &layer.description, meta);
    let _ = writeln!(s, "      <provider encoding=\"UTF-8\">ogr</provider>");
    if let (Some(family), Some(def)) =
        (Family::of(layer.geometry), styles::default_indicator(layer))
    {
        for line in qml::renderer(def, family).lines() {
            let _ = writeln!(s, "    {line}");
        }
    }
    let _ = writeln!(s, "      <aliases>");
    for (i, (field, title)) in styles::aliases(layer).iter().enumerate() {
        let _ = writeln!(
            s,
            "        <alias field=\"{}\" index=\"{i}\" name=\"{}\"/>",
            esc(field),
            esc(title)
        );
    }
    let _ = writeln!(
        s,
        "      </aliases>\n      <layerGeometryType>{geom_type}</layerGeometryType>\n    </maplayer>"
    );
}

fn tree_layer(s: &mut String, indent: &str, layer: &Layer, gpkg: &str, checked: bool) {
    let _ = writeln!(
        s,
        "{indent}<layer-tree-layer id=\"{}\" name=\"{}\" source=\"./{}|layername={}\" providerKey=\"ogr\" checked=\"{}\" expanded=\"{}\">\n{indent}  <customproperties/>\n{indent}</layer-tree-layer>",
        esc(&layer_id(&layer.name)),
        esc(&layer.title),
        esc(gpkg),
        esc(&layer.name),
        if checked { "Qt::Checked" } else { "Qt::Unchecked" },
        u8::from(checked)
    );
}

fn open_group(s: &mut String, indent: &str, name: &str, expanded: bool) {
    let _ = writeln!(
        s,
        "{indent}<layer-tree-group name=\"{}\" checked=\"Qt::Checked\" expanded=\"{}\">\n{indent}  <customproperties/>",
        esc(name),
        u8::from(expanded)
    );
}

/// Scales in layer-tree order: points on top, then the finer zones, then the coarser ones.
const TREE_ORDER: [Scale; 10] = [
    Scale::Cage,
    Scale::Batiment,
    Scale::Programme,
    Scale::Iris,
    Scale::Qva,
    Scale::Qpv,
    Scale::Commune,
    Scale::Epci,
    Scale::Departement,
    Scale::Region,
];

/// The project document. `tables` lists extra attribute tables of the GeoPackage to add in a
/// "Tables" group (`(name, title)`, e.g. the long `indicateurs` table).
pub fn render(layers: &[Layer], tables: &[(&str, &str)], gpkg: &str, meta: &RunMetadata) -> String {
    let shown = shown_layer(layers);
    let title = format!("Occupation du parc social – {} – OPS/RPLS", meta.territory);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"{}\" version=\"{}\">\n  <homePath path=\"\"/>\n  <title>{}</title>\n  <projectCrs>\n{}  </projectCrs>",
        esc(&title),
        qml::QGIS_VERSION,
        esc(&title),
        CRS_2154
    );
    let _ = writeln!(s, "  <layer-tree-group>\n    <customproperties/>");
    for scale in TREE_ORDER {
        let in_scale: Vec<&Layer> = layers.iter().filter(|l| l.scale == scale).collect();
        if in_scale.is_empty() {
            continue;
        }
        let has_shown = shown.is_some_and(|v| v.scale == scale);
        open_group(&mut s, "    ", scale_group(scale), has_shown);
        for p in Population::ALL {
            let in_pop: Vec<&&Layer> = in_scale.iter().filter(|l| l.population == p).collect();
            if in_pop.is_empty() {
                continue;
            }
            let expanded = in_pop
                .iter()
                .any(|l| shown.is_some_and(|v| v.name == l.name));
            open_group(&mut s, "      ", population_group(p), expanded);
            for l in in_pop {
                let checked = shown.is_some_and(|v| v.name == l.name);
                tree_layer(&mut s, "        ", l, gpkg, checked);
            }
            let _ = writeln!(s, "      </layer-tree-group>");
        }
        let _ = writeln!(s, "    </layer-tree-group>");
    }
    if !tables.is_empty() {
        open_group(&mut s, "    ", "Tables", false);
        for (name, table_title) in tables {
            let _ = writeln!(
                s,
                "      <layer-tree-layer id=\"{}\" name=\"{}\" source=\"./{}|layername={}\" providerKey=\"ogr\" checked=\"Qt::Checked\" expanded=\"0\">\n        <customproperties/>\n      </layer-tree-layer>",
                esc(&layer_id(name)),
                esc(table_title),
                esc(gpkg),
                esc(name)
            );
        }
        let _ = writeln!(s, "    </layer-tree-group>");
    }
    let _ = writeln!(s, "  </layer-tree-group>\n  <projectlayers>");
    for l in layers {
        map_layer(&mut s, l, gpkg, meta);
    }
    for (name, table_title) in tables {
        let _ = writeln!(
            s,
            "    <maplayer type=\"vector\" geometry=\"No geometry\" wkbType=\"NoGeometry\" styleCategories=\"AllStyleCategories\" readOnly=\"0\">\n      <id>{}</id>\n      <datasource>./{}|layername={}</datasource>\n      <layername>{}</layername>",
            esc(&layer_id(name)),
            esc(gpkg),
            esc(name),
            esc(table_title)
        );
        resource_metadata(&mut s, table_title, table_title, meta);
        let _ = writeln!(
            s,
            "      <provider encoding=\"UTF-8\">ogr</provider>\n      <layerGeometryType>4</layerGeometryType>\n    </maplayer>"
        );
    }
    let _ = writeln!(
        s,
        "  </projectlayers>\n  <properties>\n    <Paths>\n      <Absolute type=\"bool\">false</Absolute>\n    </Paths>\n    <SpatialRefSys>\n      <ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>\n    </SpatialRefSys>\n  </properties>"
    );
    let _ = writeln!(
        s,
        "  <projectMetadata>\n    <identifier></identifier>\n    <parentidentifier></parentidentifier>\n    <language>fra</language>\n    <type>dataset</type>\n    <title>{}</title>\n    <abstract>{}</abstract>\n    <links/>\n    <rights>{}</rights>\n    <author>opsgeo {}</author>\n  </projectMetadata>",
        esc(&title),
        esc(&format!(
            "Couches de l'occupation du parc social ({}), au {}. {}",
            meta.territory, meta.reference_date, meta.source_citation
        )),
        esc(&meta.source_citation),
        esc(&meta.opsgeo_version)
    );
    if let Some(l) = shown {
        let def = styles::default_indicator(l).expect("shown layers have a style");
        let extent = extent_of(l).expect("shown layers have an extent");
        s.push_str(&layout::render(&layout::LayoutSpec {
            map_title: format!("{} — {} — {}", def.title, l.title, meta.territory),
            layer_id: layer_id(&l.name),
            layer_title: l.title.clone(),
            layer_source: format!("./{gpkg}|layername={}", l.name),
            extent,
            citation: format!(
                "{} — au {} — traitement opsgeo {} — valeurs hachurées : secret statistique",
                meta.source_citation, meta.reference_date, meta.opsgeo_version
            ),
        }));
    }
    let _ = writeln!(s, "</qgis>");
    s
}

/// Writes the project at `path` (a new file).
pub fn write_project(
    path: &Path,
    layers: &[Layer],
    tables: &[(&str, &str)],
    gpkg: &str,
    meta: &RunMetadata,
) -> Result<(), EmitError> {
    let text = render(layers, tables, gpkg, meta);
    std::fs::write(path, text).map_err(|source| EmitError::Io {
        path: path.to_path_buf(),
        source,
    })
}

//! Writes the review layer `geocodage_a_verifier` ([`crate::geocode::review`] chooses its rows)
//! into the GeoPackage: points by geocoding level, French field titles, a coded domain for the
//! levels and a default QGIS style.

use crate::emit::gpkg::fault::Fault;
use std::path::Path;

use gdal::spatial_ref::SpatialRef;
use gdal::vector::{Feature, Geometry, LayerAccess, LayerOptions, OGRwkbGeometryType};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags, Metadata};

use super::gpkg::columns::ColumnKind;
use super::gpkg::ogr::{self, FieldSpec};
use super::gpkg::sql_text;
use super::styles::classes::Rgb;
use super::EmitError;
use crate::gdal_errors::GdalFailure;
use crate::geocode::corrections::address_key;
use crate::geocode::review::{ReviewRow, OUTSIDE_COMMUNE_COMMENT, REVIEW_LAYER};
use crate::geocode::GeocodeLevel;
use crate::model::EPSG_LAMBERT93;

/// Layer title (`gpkg_contents.identifier`).
pub const REVIEW_TITLE: &str = "Géocodage à vérifier";
/// Layer description (`gpkg_contents.description`).
pub const REVIEW_DESCRIPTION: &str = "Une ligne par adresse RPLS distincte localisée moins \
précisément qu'au numéro (numéro sans indice, interpolation, voie, commune, non trouvée), trouvée \
au numéro malgré une faute de frappe sur la voie (score inférieur à 0,8), dont le point tombe hors \
de sa commune (DEPCOM ; motif dans le commentaire) ou corrigée à la main. Le point est la meilleure proposition du géocodeur (ou la correction). \
Déplacer un point dans QGIS, puis désigner cette GeoPackage comme fichier de corrections, \
corrige l'adresse au traitement suivant ; on peut aussi reporter la clé d'adresse dans le \
fichier CSV de corrections.";
/// Coded domain of the `niveau` column.
pub const LEVEL_DOMAIN: &str = "niveau_geocodage";

/// French label of a level (the domain's values).
pub fn level_label(l: GeocodeLevel) -> &'static str {
    match l {
        GeocodeLevel::Correction => "Correction manuelle",
        GeocodeLevel::RplsXy => "Coordonnées X/Y du RPLS",
        GeocodeLevel::Numero => "Numéro et indice trouvés dans la BAN",
        GeocodeLevel::NumeroSansIndice => "Numéro trouvé, indice de répétition différent",
        GeocodeLevel::Interpolation => "Interpolé entre les numéros voisins du même côté",
        GeocodeLevel::Voie => "Point représentatif de la voie",
        GeocodeLevel::Commune => "Point représentatif de la commune (jamais utilisé pour IRIS/QPV)",
        GeocodeLevel::NonTrouve => "Non trouvé",
    }
}

/// Columns: name, title, description, type, NOT NULL.
const FIELDS: [(&str, &str, &str, ColumnKind, bool); 19] = [
    ("cle_adresse", "Clé d'adresse", "Clé normalisée INSEE|numéro|indice|voie, à reporter dans la colonne cle_adresse du fichier de corrections", ColumnKind::Text, true),
    ("depcom", "Code commune (DEPCOM)", "Code INSEE de la commune, tel que lu dans le RPLS", ColumnKind::Text, false),
    ("numvoie", "Numéro (NUMVOIE)", "Numéro dans la voie, tel que lu dans le RPLS", ColumnKind::Text, false),
    ("indrep", "Indice de répétition (INDREP)", "Indice de répétition (B, T, Q…), tel que lu dans le RPLS", ColumnKind::Text, false),
    ("typvoie", "Type de voie (TYPVOIE)", "Type de voie, tel que lu dans le RPLS", ColumnKind::Text, false),
    ("nomvoie", "Nom de voie (NOMVOIE)", "Nom de la voie, tel que lu dans le RPLS", ColumnKind::Text, false),
    ("codepostal", "Code postal (CODEPOSTAL)", "Code postal, tel que lu dans le RPLS", ColumnKind::Text, false),
    ("libcom", "Commune (LIBCOM)", "Libellé de la commune, tel que lu dans le RPLS", ColumnKind::Text, false),
    ("lieudit", "Lieu-dit (LIEUDIT)", "Lieu-dit, tel que lu dans le RPLS", ColumnKind::Text, false),
    ("niveau", "Niveau de géocodage", "correction, numero_sans_indice, interpolation, voie, commune ou non_trouve", ColumnKind::Text, true),
    ("score", "Score", "Confiance de la réponse, de 0 à 1 (score du nom de voie × facteur du niveau)", ColumnKind::Real, true),
    ("score_suivant", "Score de la réponse suivante", "Score de la meilleure réponse sur une autre voie (0 si aucune) : proche du score, la réponse est ambiguë", ColumnKind::Real, true),
    ("libelle", "Libellé de la réponse", "Adresse BAN retenue (ou commentaire de la correction)", ColumnKind::Text, false),
    ("ban_id", "Identifiant BAN", "Identifiant de l'adresse BAN (niveaux numéro) ou de la voie (interpolation, voie)", ColumnKind::Text, false),
    ("x_propose", "X proposé (Lambert-93)", "Abscisse proposée par le géocodeur, en mètres ; un point déplacé loin de cette proposition est une correction", ColumnKind::Real, false),
    ("y_propose", "Y proposé (Lambert-93)", "Ordonnée proposée par le géocodeur, en mètres", ColumnKind::Real, false),
    ("niveau_propose", "Niveau proposé", "Niveau de la proposition du géocodeur (utile pour une adresse corrigée)", ColumnKind::Text, true),
    ("logements", "Logements", "Nombre de logements localisés par cette adresse (hors logements à X/Y RPLS valides)", ColumnKind::Integer, true),
    ("commentaire", "Commentaire", "Commentaire libre du technicien (repris pour une correction)", ColumnKind::Text, false),
];

/// Name, title and description of every column of the review layer, in order.
pub fn review_fields() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    FIELDS.iter().map(|f| (f.0, f.1, f.2))
}

/// Colour of each level in the review layer's default style (Okabe–Ito palette, readable with
/// colour-vision deficiencies).
const LEVEL_COLOURS: [(GeocodeLevel, Rgb); 6] = [
    (GeocodeLevel::Correction, Rgb(0, 114, 178)),
    (GeocodeLevel::NumeroSansIndice, Rgb(0, 158, 115)),
    (GeocodeLevel::Interpolation, Rgb(240, 228, 66)),
    (GeocodeLevel::Voie, Rgb(230, 159, 0)),
    (GeocodeLevel::Commune, Rgb(213, 94, 0)),
    (GeocodeLevel::NonTrouve, Rgb(204, 121, 167)),
];

/// The default QGIS style of the review layer: points by level, French field titles.
pub fn style_qml() -> String {
    let categories: Vec<(&str, &str, Rgb)> = LEVEL_COLOURS
        .iter()
        .map(|(l, c)| (l.key(), level_label(*l), *c))
        .collect();
    let aliases: Vec<(String, String)> = review_fields()
        .map(|(name, title, _)| (name.to_string(), title.to_string()))
        .collect();
    super::styles::qml::categorized_points("niveau", &categories, &aliases)
}

/// Opens an existing GeoPackage in update mode and adds the review layer to it, with its field
/// titles in `gpkg_data_columns` and the run metadata `items`.
pub fn write_review_layer(
    path: &Path,
    rows: &[ReviewRow<'_>],
    items: &[(&str, String)],
) -> Result<(), EmitError> {
    let fail =
        |fault: Fault| EmitError::written(path, fault.within(format!("couche « {REVIEW_LAYER} »")));
    let gdal_fail = |source: gdal::errors::GdalError| EmitError::Gdal {
        path: path.to_path_buf(),
        step: format!("couche « {REVIEW_LAYER} »"),
        source: GdalFailure::new(source),
    };
    ogr::reset_error();
    let mut ds = Dataset::open_ex(
        path,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_UPDATE | GdalOpenFlags::GDAL_OF_VECTOR,
            allowed_drivers: Some(&["GPKG"]),
            ..Default::default()
        },
    )
    .map_err(gdal_fail)?;
    write(&mut ds, rows, items).map_err(fail)?;
    let qml = style_qml();
    super::gpkg::layer_styles::insert(
        &mut ds,
        &[super::gpkg::layer_styles::StyleRow {
            table: REVIEW_LAYER,
            name: "opsgeo – niveau de géocodage",
            description: "Points colorés selon le niveau de géocodage, avec les titres des champs",
            qml: &qml,
            sld: "",
            is_default: true,
        }],
    )
    .map_err(fail)?;
    ogr::reset_error();
    ds.flush_cache().map_err(gdal_fail)?;
    // SAFETY: thread-local error state, no arguments.
    let ty = unsafe { gdal_sys::CPLGetLastErrorType() };
    if ty == gdal_sys::CPLErr::CE_Failure || ty == gdal_sys::CPLErr::CE_Fatal {
        return Err(fail(Fault::new(ogr::last_error())));
    }
    ds.close().map_err(gdal_fail)
}

fn write(ds: &mut Dataset, rows: &[ReviewRow<'_>], items: &[(&str, String)]) -> Result<(), Fault> {
    let srs = SpatialRef::from_epsg(EPSG_LAMBERT93)?;
    let levels: Vec<(&str, &str)> = GeocodeLevel::ALL
        .iter()
        .map(|&l| (l.key(), level_label(l)))
        .collect();
    ogr::add_coded_domain(
        ds,
        LEVEL_DOMAIN,
        "Niveau de précision du géocodage",
        &levels,
    )?;
    let options = [
        format!("IDENTIFIER={REVIEW_TITLE}"),
        format!("DESCRIPTION={REVIEW_DESCRIPTION}"),
        "FID=fid".to_string(),
        "GEOMETRY_NAME=geom".to_string(),
        "SPATIAL_INDEX=YES".to_string(),
    ];
    let options: Vec<&str> = options.iter().map(String::as_str).collect();
    let g = Fault::from;
    let mut txn = ds.start_transaction().map_err(g)?;
    {
        let mut layer = txn
            .create_layer(LayerOptions {
                name: REVIEW_LAYER,
                srs: Some(&srs),
                ty: OGRwkbGeometryType::wkbPoint,
                options: Some(&options),
            })
            .map_err(g)?;
        for (name, title, _, kind, not_null) in FIELDS {
            ogr::create_field(
                &layer,
                &FieldSpec {
                    name,
                    kind,
                    not_null,
                    alternative_name: title,
                    domain: (name == "niveau" || name == "niveau_propose").then_some(LEVEL_DOMAIN),
                },
            )?;
        }
        for (k, v) in items {
            layer.set_metadata_item(k, v, "").map_err(g)?;
        }
        let defn = layer.defn();
        for (i, r) in rows.iter().enumerate() {
            let mut f = Feature::new(defn).map_err(g)?;
            fill(&mut f, r).map_err(|e| format!("ligne {} : {e}", i + 1))?;
            f.create(&layer).map_err(g)?;
        }
        ogr::sync_layer(&layer)?;
    }
    txn.commit().map_err(g)?;

    let txn = ds.start_transaction().map_err(g)?;
    for (name, title, description, ..) in FIELDS {
        let sql = format!(
            "INSERT INTO gpkg_data_columns (table_name, column_name, name, title, description) \
             VALUES ({}, {}, NULL, {}, {}) ON CONFLICT (table_name, column_name) \
             DO UPDATE SET title = excluded.title, description = excluded.description",
            sql_text(REVIEW_LAYER),
            sql_text(name),
            sql_text(title),
            sql_text(description)
        );
        txn.execute_sql(&sql, None, gdal::vector::sql::Dialect::DEFAULT)
            .map_err(|e| Fault::from(e).within("gpkg_data_columns"))?;
    }
    txn.commit().map_err(g)
}

fn fill(f: &mut Feature<'_>, r: &ReviewRow<'_>) -> Result<(), Fault> {
    let g = Fault::from;
    let a = r.address;
    let text = |v: &str| (!v.is_empty()).then(|| v.to_string());
    let values: [Option<String>; 9] = [
        Some(address_key(a)),
        text(&a.depcom),
        text(&a.number),
        text(&a.index),
        text(&a.street_type),
        text(&a.street_name),
        text(&a.postcode),
        text(&a.commune_name),
        text(&a.locality),
    ];
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(s) => f.set_field_string(i, s).map_err(g)?,
            None => f.set_field_null(i).map_err(g)?,
        }
    }
    let res = r.result;
    f.set_field_string(9, res.level.key()).map_err(g)?;
    f.set_field_double(10, f64::from(res.score)).map_err(g)?;
    f.set_field_double(11, f64::from(res.runner_up))
        .map_err(g)?;
    let (label, comment) = if res.level == GeocodeLevel::Correction {
        (r.proposal.label.as_str(), res.label.as_str())
    } else if r.outside_commune {
        (res.label.as_str(), OUTSIDE_COMMUNE_COMMENT)
    } else {
        (res.label.as_str(), "")
    };
    for (i, v) in [
        (12, label),
        (13, r.proposal.ban_id.as_deref().unwrap_or("")),
    ] {
        match text(v) {
            Some(s) => f.set_field_string(i, &s).map_err(g)?,
            None => f.set_field_null(i).map_err(g)?,
        }
    }
    match r.proposal.point {
        Some(p) => {
            f.set_field_double(14, p.x).map_err(g)?;
            f.set_field_double(15, p.y).map_err(g)?;
        }
        None => {
            f.set_field_null(14).map_err(g)?;
            f.set_field_null(15).map_err(g)?;
        }
    }
    f.set_field_string(16, r.proposal.level.key()).map_err(g)?;
    f.set_field_integer64(17, r.dwellings as i64).map_err(g)?;
    match text(comment) {
        Some(s) => f.set_field_string(18, &s).map_err(g)?,
        None => f.set_field_null(18).map_err(g)?,
    }
    if let Some(p) = res.point {
        let mut pt = Geometry::empty(OGRwkbGeometryType::wkbPoint).map_err(g)?;
        pt.add_point_2d((p.x, p.y));
        f.set_geometry(pt).map_err(g)?;
    }
    Ok(())
}

//! Reading the features of a zone layer in order: code, name and commune attributes checked,
//! geometry prepared; each feature becomes a candidate zone or a pending reject.

use gdal::spatial_ref::CoordTransform;
use gdal::vector::{Feature, Layer, LayerAccess};
use geo::MultiPolygon;

use super::attributes::{pad_numeric, Attributes};
use super::geometry::prepare_geometry;
use super::{PendingReject, ZoneKind, GEOMETRY_COLUMN};
use crate::config::ZoneInput;
use crate::ingest::InputStats;

/// A feature that passed the reading checks.
pub(super) struct Candidate {
    pub(super) feature: u64,
    pub(super) code: String,
    pub(super) name: String,
    pub(super) commune: String,
    pub(super) geometry: MultiPolygon<f64>,
}

/// Reads every feature of `layer` in order, counting them in `stats.read`: the candidates
/// (geometry not yet validated), and the features rejected while reading.
pub(super) fn read_features(
    layer: &mut Layer<'_>,
    attributes: &Attributes,
    input: &ZoneInput,
    kind: ZoneKind,
    transform: Option<&CoordTransform>,
    stats: &mut InputStats,
) -> (Vec<Candidate>, Vec<PendingReject>) {
    let mut pending: Vec<PendingReject> = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    for (i, feature) in layer.features().enumerate() {
        let index = i as u64 + 1;
        stats.read += 1;
        match read_feature(&feature, index, attributes, input, kind, transform) {
            Ok(candidate) => candidates.push(candidate),
            Err(reject) => pending.push(reject),
        }
    }
    (candidates, pending)
}

/// One feature (1-based `index`): a candidate zone, or why it is rejected (missing code, a
/// commune that is not an INSEE code, a missing or unusable geometry).
fn read_feature(
    feature: &Feature<'_>,
    index: u64,
    attributes: &Attributes,
    input: &ZoneInput,
    kind: ZoneKind,
    transform: Option<&CoordTransform>,
) -> Result<Candidate, PendingReject> {
    let text = |col: usize| -> String {
        feature
            .field_as_string(col)
            .ok()
            .flatten()
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let code = pad_numeric(text(attributes.code), attributes.code_width);
    if code.is_empty() {
        return Err(PendingReject {
            feature: index,
            column: attributes.code_name.clone(),
            value: String::new(),
            reason: "code de zone manquant".into(),
        });
    }
    let name = text(attributes.name);
    let mut commune = attributes
        .commune
        .map(|c| pad_numeric(text(c), attributes.commune_width))
        .unwrap_or_default();
    if commune.is_empty() && kind == ZoneKind::Iris && code.len() == 9 {
        commune = code[..5].to_string();
    }
    // the commune attribute joins zones to their commune (IRIS → commune): a value that is
    // not an INSEE code (the attribute mapped to a name column…) would publish every zone
    // outside its commune without a word
    if !commune.is_empty() && !crate::ingest::territory::is_insee_code(&commune) {
        return Err(PendingReject {
            feature: index,
            column: input.commune.clone(),
            value: String::new(),
            reason: "code commune de la zone invalide (code INSEE à 5 caractères attendu) : \
                     vérifiez l'attribut de la commune dans la configuration (clé commune)"
                .into(),
        });
    }
    if kind == ZoneKind::Iris {
        check_iris_code(&code, &commune, index, attributes, input)?;
    }
    // SAFETY: only reads the handle; gdal wraps a null geometry in a `Geometry`.
    let geometry = match feature.geometry() {
        Some(g) if !unsafe { g.c_geometry() }.is_null() => prepare_geometry(g, transform),
        _ => Err("géométrie absente".to_string()),
    };
    match geometry {
        Ok(geometry) => Ok(Candidate {
            feature: index,
            code,
            name,
            commune,
            geometry,
        }),
        Err(reason) => Err(PendingReject {
            feature: index,
            column: GEOMETRY_COLUMN.into(),
            value: code,
            reason,
        }),
    }
}

/// True for an IRIS code as INSEE writes it: the commune's INSEE code, then four digits.
pub(crate) fn is_iris_code(code: &str) -> bool {
    code.len() == 9
        && code.is_char_boundary(5)
        && crate::ingest::territory::is_insee_code(&code[..5])
        && code[5..].bytes().all(|b| b.is_ascii_digit())
}

/// An IRIS code starts with the INSEE code of its commune: a code of another shape (a commune
/// or QPV layer given as the IRIS layer, a name read as the code) or a commune attribute that
/// disagrees with the code's first five characters (the commune of another IRIS copied) rejects
/// the feature: the dwellings of its polygon would otherwise be published in an IRIS of another
/// commune, or in none without a word.
fn check_iris_code(
    code: &str,
    commune: &str,
    index: u64,
    attributes: &Attributes,
    input: &ZoneInput,
) -> Result<(), PendingReject> {
    if !is_iris_code(code) {
        return Err(PendingReject {
            feature: index,
            column: attributes.code_name.clone(),
            value: code.to_string(),
            reason: "code IRIS invalide (9 caractères attendus : code INSEE de la commune puis \
                     4 chiffres) : vérifiez la couche et l'attribut du code (clé code)"
                .into(),
        });
    }
    if !commune.is_empty() && commune != &code[..5] {
        return Err(PendingReject {
            feature: index,
            column: input.commune.clone(),
            value: commune.to_string(),
            reason: "commune de l'IRIS différente des 5 premiers caractères de son code IRIS \
                     (attribut de la commune ou code erroné)"
                .into(),
        });
    }
    Ok(())
}

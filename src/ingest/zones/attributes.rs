//! The attribute columns of a zone layer: code, name and commune, found by name
//! (case-insensitively), and integer codes that lost their leading zeros.

use std::path::Path;

use gdal::vector::{Layer, LayerAccess, OGRFieldType};

use super::ZoneKind;
use crate::config::ZoneInput;
use crate::ingest::IngestError;

/// Where the attributes of a zone are in its layer.
pub(super) struct Attributes {
    /// Index of the code field.
    pub(super) code: usize,
    /// Index of the name field.
    pub(super) name: usize,
    /// Index of the commune field, when configured and present.
    pub(super) commune: Option<usize>,
    /// Name of the code field, as written in the layer (the column of its rejects).
    pub(super) code_name: String,
    /// Width a purely numeric code read from an integer field is padded to.
    pub(super) code_width: Option<usize>,
    /// Width a purely numeric commune read from an integer field is padded to.
    pub(super) commune_width: Option<usize>,
}

impl Attributes {
    /// Finds the configured fields in `layer`: the code and name fields are required; a
    /// configured commune field that is absent is only warned about.
    pub(super) fn find(
        layer: &Layer<'_>,
        input: &ZoneInput,
        kind: ZoneKind,
        path: &Path,
    ) -> Result<Attributes, IngestError> {
        let fields: Vec<(String, OGRFieldType::Type)> = layer
            .defn()
            .fields()
            .map(|f| (f.name(), f.field_type()))
            .collect();
        let missing = |column: &str| missing_field(&fields, column, kind, path);
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
        Ok(Attributes {
            code: code_col,
            name: name_col,
            commune: commune_col,
            code_name,
            code_width,
            commune_width,
        })
    }
}

/// The error for a required field that is not in the layer: a layer without any attribute is
/// said so (a shapefile without its `.dbf`); otherwise the fields shaped like column names are
/// listed.
fn missing_field(
    fields: &[(String, OGRFieldType::Type)],
    column: &str,
    kind: ZoneKind,
    path: &Path,
) -> IngestError {
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
            .filter(|n| crate::ingest::source::looks_like_column_name(n))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Index of the field named `wanted`: exact match first, then case-insensitive.
fn find_field(fields: &[(String, OGRFieldType::Type)], wanted: &str) -> Option<usize> {
    fields.iter().position(|(n, _)| n == wanted).or_else(|| {
        let w = wanted.to_lowercase();
        fields.iter().position(|(n, _)| n.to_lowercase() == w)
    })
}

/// Left-pads a purely numeric code to `width` (integer fields drop leading zeros).
pub(super) fn pad_numeric(code: String, width: Option<usize>) -> String {
    match width {
        Some(w)
            if code.len() < w && !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{code:0>w$}")
        }
        _ => code,
    }
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
}

//! The columns of a layer and the values of its cells, as both writers lay them out.
//!
//! Order: every key, then for each indicator its value column and its `<field>_secret`
//! companion. Unpublished values are NULL whatever the cell carries; the companion holds the
//! reason code of an unpublished value and is NULL for a published one.

use std::collections::HashSet;

use crate::emit::{Layer, SECRET_SUFFIX};
use crate::indicators::{IndicatorDef, Kind};
use crate::secrecy::{Cell, Status};

/// Storage type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnKind {
    Text,
    Integer,
    Real,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Key number `i` of the row.
    Key(usize),
    /// Value of indicator `i`.
    Value(usize),
    /// Reason code of indicator `i`.
    Secret(usize),
}

/// One output column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ColumnSpec {
    pub name: String,
    pub title: String,
    pub description: String,
    pub kind: ColumnKind,
    pub not_null: bool,
    pub role: Role,
}

/// Title of the companion column of an indicator.
pub(crate) fn secret_title(def: &IndicatorDef) -> String {
    format!("Motif de non-publication : {}", def.title)
}

/// Storage type of an indicator's value.
pub(crate) fn value_kind(def: &IndicatorDef) -> ColumnKind {
    match def.kind {
        Kind::Count => ColumnKind::Integer,
        Kind::Share | Kind::Mean { .. } => ColumnKind::Real,
    }
}

/// The columns of `layer`, in order. Fails on two columns whose names differ only by case
/// (SQLite would refuse them).
pub(crate) fn layer_columns(layer: &Layer) -> Result<Vec<ColumnSpec>, String> {
    let mut cols = Vec::with_capacity(layer.keys.len() + 2 * layer.indicators.len());
    for (i, k) in layer.keys.iter().enumerate() {
        cols.push(ColumnSpec {
            name: k.name.to_string(),
            title: k.title.to_string(),
            description: k.title.to_string(),
            kind: ColumnKind::Text,
            not_null: k.not_null,
            role: Role::Key(i),
        });
    }
    for (i, d) in layer.indicators.iter().enumerate() {
        cols.push(ColumnSpec {
            name: d.field.to_string(),
            title: d.title.to_string(),
            description: d.description.to_string(),
            kind: value_kind(d),
            not_null: false,
            role: Role::Value(i),
        });
        cols.push(ColumnSpec {
            name: format!("{}{SECRET_SUFFIX}", d.field),
            title: secret_title(d),
            description: format!(
                "Code du motif de non-publication de « {} » ({}) ; vide quand la valeur est publiée",
                d.title,
                Status::ALL
                    .iter()
                    .filter(|s| !s.is_published())
                    .map(|s| s.key())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            kind: ColumnKind::Text,
            not_null: false,
            role: Role::Secret(i),
        });
    }
    let mut seen = HashSet::new();
    for c in &cols {
        if matches!(c.name.to_ascii_lowercase().as_str(), "fid" | "geom") {
            return Err(format!("le nom de colonne « {} » est réservé", c.name));
        }
        if !seen.insert(c.name.to_ascii_lowercase()) {
            return Err(format!("colonne « {} » en double", c.name));
        }
    }
    Ok(cols)
}

/// A value as written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value {
    Integer(i64),
    Real(f64),
}

/// The value to write for `cell` (None = NULL) and its reason code (None = NULL).
///
/// An unpublished value is always NULL, even if the cell still carries a number. A published
/// cell must carry a finite value, integral for counts.
pub(crate) fn cell_output(
    def: &IndicatorDef,
    cell: &Cell,
) -> Result<(Option<Value>, Option<&'static str>), String> {
    if !cell.status.is_published() {
        return Ok((None, Some(cell.status.key())));
    }
    let v = match cell.value {
        Some(v) if v.is_finite() => v,
        _ => {
            return Err(format!(
                "valeur publiée absente ou non finie pour « {} »",
                def.field
            ))
        }
    };
    let out = match value_kind(def) {
        ColumnKind::Integer => {
            if v.fract() != 0.0 || v.abs() > 9.0e15 {
                return Err(format!(
                    "compte « {} » non entier ou hors limites : {v}",
                    def.field
                ));
            }
            Value::Integer(v as i64)
        }
        _ => Value::Real(v),
    };
    Ok((Some(out), None))
}

/// Checks that every row has one key per key column and one cell per indicator.
pub(crate) fn check_shape(layer: &Layer) -> Result<(), String> {
    for (i, r) in layer.rows.iter().enumerate() {
        if r.keys.len() != layer.keys.len() || r.cells.len() != layer.indicators.len() {
            return Err(format!(
                "ligne {} : {} clés et {} valeurs au lieu de {} et {}",
                i + 1,
                r.keys.len(),
                r.cells.len(),
                layer.keys.len(),
                layer.indicators.len()
            ));
        }
        for (k, v) in layer.keys.iter().zip(&r.keys) {
            if k.not_null && v.is_none() {
                return Err(format!(
                    "ligne {} : la clé obligatoire « {} » est vide",
                    i + 1,
                    k.name
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::CATALOGUE;

    fn def(kind: fn(&Kind) -> bool) -> &'static IndicatorDef {
        CATALOGUE
            .iter()
            .find(|d| kind(&d.kind))
            .expect("catalogue has it")
    }

    #[test]
    fn unpublished_values_are_null_with_their_reason() {
        let d = def(|k| matches!(k, Kind::Share));
        let c = Cell {
            value: Some(42.0),
            base: Some(3),
            status: Status::SecretEffectif,
        };
        assert_eq!(cell_output(d, &c).unwrap(), (None, Some("secret_effectif")));
    }

    #[test]
    fn published_values_keep_their_type() {
        let count = def(|k| matches!(k, Kind::Count));
        let c = Cell {
            value: Some(12.0),
            base: Some(12),
            status: Status::Publie,
        };
        assert_eq!(
            cell_output(count, &c).unwrap(),
            (Some(Value::Integer(12)), None)
        );
        let bad = Cell {
            value: Some(12.5),
            ..c
        };
        assert!(cell_output(count, &bad).is_err());
        let share = def(|k| matches!(k, Kind::Share));
        let c = Cell {
            value: Some(37.5),
            ..c
        };
        assert_eq!(
            cell_output(share, &c).unwrap(),
            (Some(Value::Real(37.5)), None)
        );
        let missing = Cell { value: None, ..c };
        assert!(cell_output(share, &missing).is_err());
    }
}

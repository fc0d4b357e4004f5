//! The QPV codes the SDES assigns to RPLS dwellings (`PLG_QP15`, `PLG_QP24`), read when the
//! columns are present and kept only to cross-check the spatial join (never to place a
//! dwelling, never written to an output).
//!
//! A value shaped like a QPV code (`QP` + 6 characters for the 2015 generation, e.g.
//! `QP021001`; `QN` + 6 for the 2024 generation, e.g. `QN02101M`) is that QPV. Any other
//! non-empty value (`HZ` "hors zone", `CSZ` "commune sans zonage", `0`…) means "in no QPV". An
//! empty value means "not given". Values are never a reason to reject a row.

use std::collections::HashMap;

/// A generation of the priority geography.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum QpGeneration {
    /// Decree of 2014, in force 2015–2023, codes `QPddnnn`.
    #[serde(rename = "2015")]
    Qp2015,
    /// Decree of 2023, in force from 2024, codes `QNddnnnX`.
    #[serde(rename = "2024")]
    Qp2024,
}

impl QpGeneration {
    /// The generation of a code, when it has the shape of a QPV code.
    pub fn of_code(code: &str) -> Option<Self> {
        let b = code.as_bytes();
        if b.len() != 8 || !b[2..].iter().all(u8::is_ascii_alphanumeric) {
            return None;
        }
        match &b[..2] {
            b"QP" => Some(Self::Qp2015),
            b"QN" => Some(Self::Qp2024),
            _ => None,
        }
    }

    /// The generation most codes of a QPV layer belong to (`None` when none has the shape).
    pub fn of_layer<'a>(codes: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        let (mut n15, mut n24) = (0u64, 0u64);
        for c in codes {
            match Self::of_code(c) {
                Some(Self::Qp2015) => n15 += 1,
                Some(Self::Qp2024) => n24 += 1,
                None => {}
            }
        }
        match (n15, n24) {
            (0, 0) => None,
            (a, b) if a >= b => Some(Self::Qp2015),
            _ => Some(Self::Qp2024),
        }
    }
}

/// The value of one dwelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QpValue<'a> {
    /// Empty cell.
    NotGiven,
    /// A non-code value: the dwelling is in no QPV.
    Outside,
    /// A QPV code.
    Code(&'a str),
}

const NOT_GIVEN: u32 = u32::MAX;
const OUTSIDE: u32 = u32::MAX - 1;

/// One `PLG_QP*` column: one compact value per accepted dwelling, codes interned.
#[derive(Debug, Default, Clone)]
pub struct QpCodes {
    /// Column name as configured (`PLG_QP15`).
    pub column: String,
    codes: Vec<String>,
    index: HashMap<Box<str>, u32>,
    of_dwelling: Vec<u32>,
}

impl QpCodes {
    pub fn new(column: &str) -> Self {
        QpCodes {
            column: column.to_string(),
            ..Default::default()
        }
    }

    /// Records the value of the next accepted dwelling.
    pub fn push(&mut self, raw: &str) {
        let raw = raw.trim();
        let v = if raw.is_empty() {
            NOT_GIVEN
        } else if QpGeneration::of_code(raw).is_some() {
            match self.index.get(raw) {
                Some(&i) => i,
                None => {
                    let i = self.codes.len() as u32;
                    self.codes.push(raw.to_string());
                    self.index.insert(raw.into(), i);
                    i
                }
            }
        } else {
            OUTSIDE
        };
        self.of_dwelling.push(v);
    }

    /// The value of dwelling `i` (in accepted order).
    pub fn get(&self, i: usize) -> QpValue<'_> {
        match self.of_dwelling.get(i).copied().unwrap_or(NOT_GIVEN) {
            NOT_GIVEN => QpValue::NotGiven,
            OUTSIDE => QpValue::Outside,
            c => QpValue::Code(&self.codes[c as usize]),
        }
    }

    /// Number of dwellings recorded.
    pub fn len(&self) -> usize {
        self.of_dwelling.len()
    }

    pub fn is_empty(&self) -> bool {
        self.of_dwelling.is_empty()
    }

    /// The generation of most codes of the column, if any code was read.
    pub fn generation(&self) -> Option<QpGeneration> {
        QpGeneration::of_layer(self.codes.iter().map(String::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_both_generations_are_recognised() {
        assert_eq!(
            QpGeneration::of_code("QP021001"),
            Some(QpGeneration::Qp2015)
        );
        assert_eq!(
            QpGeneration::of_code("QN02101M"),
            Some(QpGeneration::Qp2024)
        );
        assert_eq!(QpGeneration::of_code("HZ"), None);
        assert_eq!(QpGeneration::of_code("QP02100"), None);
        assert_eq!(QpGeneration::of_code("QP0210-1"), None);
        assert_eq!(
            QpGeneration::of_layer(["QN02101M", "QN02102M", "QP021001"]),
            Some(QpGeneration::Qp2024)
        );
        assert_eq!(QpGeneration::of_layer(["X1", "X2"]), None);
    }

    #[test]
    fn values_are_code_outside_or_not_given() {
        let mut q = QpCodes::new("PLG_QP15");
        for v in ["QP021001", "", "HZ", "QP021001", " CSZ ", "QP021002"] {
            q.push(v);
        }
        assert_eq!(q.len(), 6);
        assert_eq!(q.get(0), QpValue::Code("QP021001"));
        assert_eq!(q.get(1), QpValue::NotGiven);
        assert_eq!(q.get(2), QpValue::Outside);
        assert_eq!(q.get(3), QpValue::Code("QP021001"));
        assert_eq!(q.get(4), QpValue::Outside);
        assert_eq!(q.get(5), QpValue::Code("QP021002"));
        assert_eq!(q.get(99), QpValue::NotGiven);
        assert_eq!(q.generation(), Some(QpGeneration::Qp2015));
    }
}

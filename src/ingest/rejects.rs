//! The rejects log: every input row that is not used, with where and why, in French.
//!
//! Identifier columns (`IDENT_REP`…) are never copied into the log: the file and line point the
//! GIS team to the row in their own copy of the input, and the log stays free of record
//! identifiers (secrecy invariant).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

/// One rejected row (or one rejected value that made the row unusable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    /// File name of the input.
    pub file: String,
    /// 1-based line number.
    pub line: u64,
    /// Column name (empty when the whole row is at fault, e.g. wrong number of fields).
    pub column: String,
    /// The offending value, truncated; masked for identifier columns.
    pub value: String,
    /// Reason, in French.
    pub reason: String,
}

/// Value written instead of a record identifier.
pub const MASKED: &str = "(identifiant masqué)";

/// Collected rejects of a run, in input order.
#[derive(Debug, Default, Clone)]
pub struct RejectLog {
    rejects: Vec<Reject>,
}

impl RejectLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a rejected row. `value` is truncated to 60 characters.
    pub fn push(
        &mut self,
        file: &str,
        line: u64,
        column: &str,
        value: &str,
        reason: impl Into<String>,
    ) {
        let value: String = if value.chars().count() > 60 {
            value.chars().take(57).chain("...".chars()).collect()
        } else {
            value.to_string()
        };
        self.rejects.push(Reject {
            file: file.to_string(),
            line,
            column: column.to_string(),
            value,
            reason: reason.into(),
        });
    }

    /// Records a rejected row whose offending value is a record identifier: the value is masked.
    pub fn push_masked(&mut self, file: &str, line: u64, column: &str, reason: impl Into<String>) {
        self.push(file, line, column, MASKED, reason);
    }

    pub fn rejects(&self) -> &[Reject] {
        &self.rejects
    }

    pub fn len(&self) -> usize {
        self.rejects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rejects.is_empty()
    }

    /// Number of rejects per file.
    pub fn count_by_file(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for r in &self.rejects {
            *m.entry(r.file.clone()).or_insert(0) += 1;
        }
        m
    }

    /// Number of rejects per (file, reason).
    pub fn count_by_reason(&self) -> BTreeMap<(String, String), usize> {
        let mut m = BTreeMap::new();
        for r in &self.rejects {
            *m.entry((r.file.clone(), r.reason.clone())).or_insert(0) += 1;
        }
        m
    }

    /// Writes `rejets.csv` (UTF-8 with BOM so that spreadsheet software shows accents, `;`).
    pub fn write_csv(&self, path: &Path) -> std::io::Result<()> {
        let mut file = std::fs::File::create(path)?;
        std::io::Write::write_all(&mut file, "\u{feff}".as_bytes())?;
        let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(file);
        w.write_record(["fichier", "ligne", "colonne", "valeur", "motif"])?;
        for r in &self.rejects {
            w.write_record([
                r.file.as_str(),
                &r.line.to_string(),
                r.column.as_str(),
                r.value.as_str(),
                r.reason.as_str(),
            ])?;
        }
        w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_truncated_and_ids_masked() {
        let mut log = RejectLog::new();
        log.push("f.csv", 3, "NOMVOIE", &"X".repeat(100), "trop long");
        log.push_masked("f.csv", 4, "IDENT_REP", "identifiant en double");
        assert_eq!(log.rejects()[0].value.chars().count(), 60);
        assert_eq!(log.rejects()[1].value, MASKED);
        assert_eq!(log.count_by_file()["f.csv"], 2);
    }

    #[test]
    fn csv_has_french_header() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("rejets.csv");
        let mut log = RejectLog::new();
        log.push(
            "f.csv",
            3,
            "NBPIECE",
            "abc",
            "nombre de pièces non numérique",
        );
        log.write_csv(&p).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.starts_with("\u{feff}fichier;ligne;colonne;valeur;motif\n"));
        assert!(text.contains("f.csv;3;NBPIECE;abc;nombre de pièces non numérique"));
    }
}

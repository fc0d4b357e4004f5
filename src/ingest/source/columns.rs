//! Columns looked up by name in the header, and the messages about a missing column: only
//! names with the shape of a column name are ever listed (a header that is really a data row is
//! never echoed).

use super::header::{listable_columns, looks_like_column_name};
use super::CsvSource;
use crate::ingest::IngestError;

impl CsvSource {
    /// Index of a required column (exact name, then case-insensitive). When it is missing, a
    /// header that looks like a data row is reported as « en-tête absent ou illisible » without
    /// being echoed; otherwise only the present columns shaped like names are listed.
    pub fn column(&self, name: &str) -> Result<usize, IngestError> {
        self.optional_column(name)
            .ok_or_else(|| self.missing_column(name))
    }

    /// The error for a required column that is not there (see [`CsvSource::column`]).
    pub fn missing_column(&self, name: &str) -> IngestError {
        if self.header_is_data {
            IngestError::NoHeader {
                path: self.path.clone(),
                column: name.to_string(),
            }
        } else {
            let mut available = self.available_columns();
            if self.near_column(name).is_some() {
                available.push_str(NEAR_COLUMN_HINT);
            }
            IngestError::MissingColumn {
                path: self.path.clone(),
                column: name.to_string(),
                available,
            }
        }
    }

    /// A column whose name is `name` once case, accents, spaces and punctuation are set
    /// aside (« DATE_EMMÉNAGEMENT », « LOYER PRINC » for `LOYERPRINC`). Never used in place of
    /// the column: only to say why it was not found.
    pub fn near_column(&self, name: &str) -> Option<usize> {
        let key = |h: &str| crate::text::fold(h).replace(' ', "");
        let wanted = key(name);
        if wanted.is_empty() || self.header_is_data {
            return None;
        }
        self.headers.iter().position(|h| key(h) == wanted)
    }

    /// Index of an optional column; an error when it is absent but a column with a near name
    /// is present ([`CsvSource::near_column`]): the file meant to give it, and reading on
    /// without it would leave its indicators empty without a word.
    pub fn optional_column_checked(&self, name: &str) -> Result<Option<usize>, IngestError> {
        match self.optional_column(name) {
            Some(i) => Ok(Some(i)),
            None if self.near_column(name).is_some() => Err(IngestError::Data {
                path: self.path.clone(),
                message: format!("colonne facultative « {name} » absente{NEAR_COLUMN_HINT}"),
            }),
            None => Ok(None),
        }
    }

    /// The name of each column as it may appear in a message or in `rejets.csv` (empty for a
    /// header field that does not have the shape of a column name).
    pub fn column_labels(&self) -> Vec<String> {
        self.headers
            .iter()
            .map(|h| {
                if !self.header_is_data && looks_like_column_name(h) {
                    h.clone()
                } else {
                    String::new()
                }
            })
            .collect()
    }

    /// True when the header line looks like a data row (a missing header).
    pub fn header_is_data(&self) -> bool {
        self.header_is_data
    }

    /// The present columns that may be listed in a message (names only, never data).
    pub fn available_columns(&self) -> String {
        listable_columns(&self.headers)
    }

    /// Index of an optional column.
    pub fn optional_column(&self, name: &str) -> Option<usize> {
        if name.is_empty() {
            return None;
        }
        self.headers.iter().position(|h| h == name).or_else(|| {
            self.headers
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
        })
    }

    /// The name of column `i` as it may appear in a message: « colonne NOMVOIE » or
    /// « colonne 10 » (its rank) when the header field does not have the shape of a name.
    pub(super) fn column_label(&self, i: usize) -> String {
        let name = self.headers.get(i).filter(|h| {
            // a header that looks like data is never echoed, even one field of it
            !self.header_is_data && looks_like_column_name(h)
        });
        match name {
            Some(h) => format!("colonne {h}"),
            None => format!("colonne {}", i + 1),
        }
    }
}

/// Said when a column is missing but one with a near name is present (never echoed: its name
/// may not have the shape of a column name).
const NEAR_COLUMN_HINT: &str = " ; une colonne au nom voisin est présente (accents, espaces, \
                                casse ou ponctuation différents ?) : corrigez l'en-tête ou le \
                                nom de colonne dans la configuration";

#[cfg(test)]
mod tests {
    use super::super::test_support::write;
    use super::super::CsvSource;

    #[test]
    fn missing_column_lists_available_ones() {
        let (_d, p) = write(b"A;B\n1;2\n");
        let s = CsvSource::open(&p, "auto", "auto").unwrap();
        let e = s.column("C").unwrap_err().to_string();
        assert!(e.contains("C") && e.contains("A, B"), "{e}");
        assert_eq!(s.column("b").unwrap(), 1);
    }

    #[test]
    fn only_name_shaped_columns_are_listed() {
        let (_d, p) = write(b"A;B;RUE DE LA PAIX\n1;2;3\n");
        let s = CsvSource::open(&p, "auto", "auto").unwrap();
        let msg = s.column("C").unwrap_err().to_string();
        assert!(msg.contains("A, B"), "{msg}");
        assert!(!msg.contains("PAIX"), "{msg}");
    }
}

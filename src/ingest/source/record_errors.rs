//! Records that stop the run because the file itself is broken: a quote never closed (the
//! field would swallow the following rows, or run to the end of the file) and a file cut in the
//! middle of its last line. Each is named by file, line and column.

use super::CsvSource;
use crate::ingest::IngestError;

impl CsvSource {
    /// The first way `record` (starting at `line`) shows the file is broken, checked in this
    /// order: a quote opened in it and never closed, a quoted field that swallowed the
    /// following rows, a cut last line.
    pub(super) fn broken_record(&self, record: &csv::ByteRecord, line: u64) -> Option<IngestError> {
        self.quote_open_at_end(record, line)
            .or_else(|| self.unterminated_quote(record, line))
            .or_else(|| self.truncated_last_line(record, line))
    }

    /// The file ends inside a quoted field opened in this record (typically on the last line,
    /// where no later quote can close it): the field would run to the end of the file. The
    /// run stops, naming the file, the line and the column of the quote, instead of rejecting
    /// the row for its number of fields or accepting a value that ends the file.
    fn quote_open_at_end(&self, record: &csv::ByteRecord, line: u64) -> Option<IngestError> {
        let (open_line, field) = self.quotes.get().unterminated()?;
        let embedded = record.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
        if open_line < line || open_line > line + embedded {
            return None;
        }
        Some(IngestError::Csv {
            path: self.path.clone(),
            line: open_line,
            message: format!(
                "{} : guillemet ouvrant jamais refermé : le champ court jusqu'à la fin du \
                 fichier",
                self.column_label(field)
            ),
        })
    }

    /// The file ends in the middle of its last line: no line break after it, and fewer fields
    /// than the header. A file cut by a failed copy or a full disk would otherwise lose its
    /// last row among the rejects, or worse give it a cut value (`6693752` read `66937`). The
    /// run stops, naming the file and the line.
    fn truncated_last_line(&self, record: &csv::ByteRecord, line: u64) -> Option<IngestError> {
        let w = self.quotes.get();
        if !w.ended || w.last == b'\n' || record.len() >= self.headers.len() {
            return None;
        }
        let embedded = record.as_slice().iter().filter(|&&b| b == b'\n').count() as u64;
        if line + embedded != w.line {
            return None;
        }
        Some(IngestError::Csv {
            path: self.path.clone(),
            line,
            message: format!(
                "fichier tronqué ? sa dernière ligne est incomplète ({} champ(s) au lieu de {}) \
                 et ne se termine pas par une fin de ligne",
                record.len(),
                self.headers.len()
            ),
        })
    }

    /// A quoted field that runs over a line break and then holds the delimiter has swallowed
    /// the following rows: an opening quote that is never closed. The run stops, naming the
    /// file, the line and the column of the quote, instead of losing the rows silently.
    fn unterminated_quote(&self, record: &csv::ByteRecord, line: u64) -> Option<IngestError> {
        let d = self.delimiter;
        if !record.as_slice().contains(&b'\n') {
            return None;
        }
        for (i, field) in record.iter().enumerate() {
            let Some(nl) = field.iter().position(|&b| b == b'\n') else {
                continue;
            };
            if field[nl..].contains(&d) {
                let swallowed = record
                    .iter()
                    .map(|f| f.iter().filter(|&&b| b == b'\n').count() as u64)
                    .sum::<u64>();
                return Some(IngestError::Csv {
                    path: self.path.clone(),
                    line,
                    message: format!(
                        "{} : guillemet ouvrant jamais refermé : les {swallowed} ligne(s) \
                         suivante(s) (jusqu'à la ligne {}) seraient lues comme un seul champ",
                        self.column_label(i),
                        line + swallowed
                    ),
                });
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{rows, write};
    use super::super::CsvSource;
    use crate::ingest::IngestError;

    /// Regression (issue 14): an unterminated quote near the end of the RPLS made its last
    /// rows vanish without a reject line.
    #[test]
    fn an_unterminated_quote_stops_with_file_and_line() {
        let (_d, p) = write(b"A;B\n1;x\n2;\"y\n3;z\n4;w\n");
        let mut s = CsvSource::open(&p, "auto", "auto").unwrap();
        let e = s.for_each_row(|_| Ok::<(), IngestError>(())).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("f.csv, ligne 3"), "{msg}");
        assert!(msg.contains("guillemet"), "{msg}");
    }

    /// Regression: a quote opened on the last line ran to the end of the file; the row was only
    /// rejected for its number of fields, or accepted when the quote was in the last column.
    #[test]
    fn a_quote_opened_on_the_last_line_names_line_and_column() {
        for (content, line, column) in [
            (&b"A;B;C\n1;x;y\n2;\"z;w\n"[..], 3, "colonne B"),
            (b"A;B;C\n1;x;y\n2;z;\"w", 3, "colonne C"),
            (b"A;B;C\r\n1;x;y\r\n2;z;\"w\r\n\r\n", 3, "colonne C"),
            (b"A;B;C\n1;\"x\"\"\";y\n2;z;\"w\nv\n", 3, "colonne C"),
            (b"A;9B;C\n1;x;y\n2;\"z;w\n", 3, "colonne 2"),
        ] {
            let (_d, p) = write(content);
            let mut s = CsvSource::open(&p, "auto", "auto").unwrap();
            let mut seen = 0;
            let e = s
                .for_each_row(|_| {
                    seen += 1;
                    Ok::<(), IngestError>(())
                })
                .unwrap_err();
            let msg = e.to_string();
            assert!(
                msg.contains(&format!("f.csv, ligne {line}")) && msg.contains(column),
                "{msg}"
            );
            assert!(msg.contains("guillemet"), "{msg}");
            // the rows before it were read, not the row of the quote
            assert_eq!(seen, 1, "{msg}");
        }
        // closed quotes, a quote inside an unquoted field: no error
        for content in [
            &b"A;B\n1;\"x;y\"\n2;\"a\"\"b\"\n"[..],
            b"A;B\n1;5\"\n2;x\n",
            b"A;B\n1;\"x\"\n2;\"\"",
        ] {
            let (_d, p) = write(content);
            let mut s = CsvSource::open(&p, "auto", "auto").unwrap();
            assert_eq!(rows(&mut s).len(), 2);
        }
        let (_d, p) = write(b"A;\"B\n1;2\n");
        let e = CsvSource::open(&p, "auto", "auto").err().unwrap();
        assert!(e.to_string().contains("ligne 1"), "{e}");
    }

    /// Regression: a file cut in the middle of its last line lost that row among the rejects, or
    /// gave it a cut value.
    #[test]
    fn a_file_cut_in_its_last_line_is_named() {
        let (_d, p) = write(b"A;B;C\n1;x;y\n2;66937");
        let mut s = CsvSource::open(&p, "auto", "auto").unwrap();
        let mut seen = 0;
        let e = s
            .for_each_row(|_| {
                seen += 1;
                Ok::<(), IngestError>(())
            })
            .unwrap_err();
        assert!(
            e.to_string().contains("f.csv, ligne 3") && e.to_string().contains("tronqué"),
            "{e}"
        );
        assert_eq!(seen, 1);
        // a complete last line without a line break, a short line followed by a line break:
        // read as usual
        for content in [&b"A;B;C\n1;x;y\n2;z;w"[..], b"A;B;C\n1;x\n2;z;w\n"] {
            let (_d, p) = write(content);
            let mut s = CsvSource::open(&p, "auto", "auto").unwrap();
            assert_eq!(rows(&mut s).len(), 2);
        }
    }
}

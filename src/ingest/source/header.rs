//! The header line: read, decoded and trimmed, and told apart from a data row (a missing
//! header), so that a data row is never echoed as column names.

use std::cell::Cell;
use std::path::Path;

use super::quotes::QuoteWatch;
use super::{Encoding, Records};
use crate::ingest::IngestError;

/// The header line of a file, as read by [`read_header`].
pub(super) struct Header {
    /// Column names, decoded and trimmed, without the trailing empty fields.
    pub(super) names: Vec<String>,
    /// The line looks like a data row (a missing header).
    pub(super) is_data: bool,
    /// Number of trailing empty fields dropped (a spreadsheet's « ;;; »), when there were any.
    pub(super) padding: Option<usize>,
}

/// Reads the header line: stops on a quote opened in it and never closed, decodes and trims
/// the names, drops the trailing empty fields, and refuses a duplicated column name (unless the
/// line looks like a data row).
pub(super) fn read_header(
    path: &Path,
    reader: &mut Records,
    quotes: &Cell<QuoteWatch>,
    encoding: Encoding,
) -> Result<Header, IngestError> {
    let header_record = reader
        .byte_headers()
        .map_err(|e| IngestError::csv(path, e))?;
    if let Some((1, _)) = quotes.get().unterminated() {
        return Err(IngestError::Csv {
            path: path.to_path_buf(),
            line: 1,
            message: "guillemet ouvrant jamais refermé dans la ligne d'en-tête : tout le \
                      fichier serait lu comme un seul champ"
                .into(),
        });
    }
    let mut headers = decode_names(header_record, encoding);
    // trailing empty header fields (a spreadsheet's « ;;; » after the last column) are not
    // columns: rows that stop before them, or leave them empty, are read normally
    let raw_width = headers.len();
    while headers.len() > 1 && headers.last().is_some_and(|h| h.is_empty()) {
        headers.pop();
    }
    let padding = (raw_width > headers.len()).then(|| raw_width - headers.len());
    let header_is_data = header_looks_like_data(&headers);
    if header_is_data && names_then_values(&headers) {
        return Err(IngestError::Data {
            path: path.to_path_buf(),
            message: "ligne d'en-tête suivie de valeurs sur la même ligne (saut de ligne \
                      manquant après l'en-tête ?) ; elle n'est pas affichée car elle contient \
                      une ligne de données"
                .into(),
        });
    }
    if !header_is_data {
        check_no_duplicate(path, &headers)?;
    }
    Ok(Header {
        names: headers,
        is_data: header_is_data,
        padding,
    })
}

/// The header fields decoded with `encoding` and trimmed, the first one without a byte-order
/// mark.
fn decode_names(header_record: &csv::ByteRecord, encoding: Encoding) -> Vec<String> {
    let mut headers: Vec<String> = header_record
        .iter()
        .map(|h| {
            let s = match encoding {
                Encoding::Utf8 => String::from_utf8_lossy(h).into_owned(),
                Encoding::Windows1252 => encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(h)
                    .0
                    .into_owned(),
            };
            s.trim().to_string()
        })
        .collect();
    if let Some(h) = headers.first_mut() {
        // a UTF-8 BOM seen through Windows-1252 or left by the reader
        *h = h
            .trim_start_matches('\u{feff}')
            .trim_start_matches("ï»¿")
            .to_string();
    }
    headers
}

/// Fails on a column name present twice (case aside), naming it only when it has the shape of
/// a column name.
fn check_no_duplicate(path: &Path, headers: &[String]) -> Result<(), IngestError> {
    let mut seen: Vec<String> = Vec::new();
    for h in headers.iter().filter(|h| !h.is_empty()) {
        let key = h.to_ascii_lowercase();
        if seen.contains(&key) {
            let column = if looks_like_column_name(h) {
                format!("« {h} »")
            } else {
                "au nom inhabituel (non affiché)".to_string()
            };
            return Err(IngestError::DuplicateColumn {
                path: path.to_path_buf(),
                column,
            });
        }
        seen.push(key);
    }
    Ok(())
}

/// True when `h` has the shape of a column name: ASCII letters, digits, `_`, `-` or `.`,
/// starting with a letter or `_`, at most 40 characters, and no run of 4 digits or more (record
/// identifiers, dates and codes have one). Only such names are ever listed in a message: a
/// header line that is really a data row must not be echoed.
pub fn looks_like_column_name(h: &str) -> bool {
    let b = h.as_bytes();
    if b.is_empty() || b.len() > 40 || !(b[0].is_ascii_alphabetic() || b[0] == b'_') {
        return false;
    }
    if !b
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.')
    {
        return false;
    }
    let mut run = 0;
    for &c in b {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 4 {
            return false;
        }
    }
    true
}

/// True when the header line looks like a data row (missing header): one of its fields has the
/// shape of a value rather than a name (it starts with a digit: a number, a date, a code), or
/// most of its non-empty fields do not look like column names (identifiers with long digit
/// runs, addresses with spaces…). A real header with one `POP2019` column is not data; that
/// column is simply not listed in messages.
fn header_looks_like_data(headers: &[String]) -> bool {
    let named: Vec<&String> = headers.iter().filter(|h| !h.is_empty()).collect();
    if named.is_empty() {
        return true;
    }
    // a number, a date, a code: starts with a digit (or a sign then a digit); binary data
    let value_like = |h: &str| {
        let b = h.trim_start_matches(['+', '-']).as_bytes();
        b.first().is_some_and(u8::is_ascii_digit) || h.bytes().any(|c| c.is_ascii_control())
    };
    if named.iter().any(|h| value_like(h)) {
        return true;
    }
    let names = named.iter().filter(|h| looks_like_column_name(h)).count();
    names * 2 < named.len()
}

/// True when a header line starts with column names and goes on with values (at least two
/// fields starting with a digit): a data row glued to the header, its line break lost. Its
/// columns would be found, and every row rejected for its number of fields.
fn names_then_values(headers: &[String]) -> bool {
    let starts_with_digit = |h: &String| h.as_bytes().first().is_some_and(u8::is_ascii_digit);
    headers.first().is_some_and(|h| looks_like_column_name(h))
        && headers.iter().filter(|h| starts_with_digit(h)).count() >= 2
}

/// The columns of a header that may be listed in a message: those with the shape of a column
/// name, and how many others were left out.
pub(super) fn listable_columns(headers: &[String]) -> String {
    let shown: Vec<&str> = headers
        .iter()
        .filter(|h| looks_like_column_name(h))
        .map(String::as_str)
        .collect();
    let hidden = headers
        .iter()
        .filter(|h| !h.is_empty() && !looks_like_column_name(h))
        .count();
    let mut text = shown.join(", ");
    if hidden > 0 {
        if !text.is_empty() {
            text.push_str(", ");
        }
        text.push_str(&format!(
            "et {hidden} colonne(s) au nom inhabituel non affichée(s)"
        ));
    }
    if text.is_empty() {
        text.push_str("aucune");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::super::test_support::write;
    use super::super::CsvSource;
    use crate::ingest::IngestError;

    /// Regression (issue 14): a file without its header line printed its first data row,
    /// identifier included, as « colonnes présentes : Z689383813, … ».
    #[test]
    fn a_missing_header_is_reported_without_echoing_the_row() {
        let (_d, p) =
            write(b"Z689383813;21231;12;RUE DES GODRANS;3;65,5\nZ000000002;21231;1;RUE X;2;40\n");
        let s = CsvSource::open(&p, "auto", "auto").unwrap();
        let e = s.column("IDENT_REP").unwrap_err();
        assert!(matches!(e, IngestError::NoHeader { .. }), "{e:?}");
        let msg = e.to_string();
        assert!(msg.contains("en-tête absent ou illisible"), "{msg}");
        for v in ["Z689383813", "21231", "GODRANS", "65,5"] {
            assert!(!msg.contains(v), "{v} echoed: {msg}");
        }
    }

    /// Regression: the line break after the RPLS header removed, the header and the first
    /// row were one line: every column was found, every row rejected for its number of fields
    /// (« 31 au lieu de 57 »), the first row lost.
    #[test]
    fn a_header_glued_to_a_data_row_is_named_without_echoing_it() {
        let (_d, p) = write(
            b"IDENT_REP;DEPCOM;NBPIECE;LOYERZ689383813;21231;3;512,40\nZ000000002;21231;2;400\n",
        );
        let e = CsvSource::open(&p, "auto", "auto").err().unwrap();
        let msg = e.to_string();
        assert!(
            msg.contains("saut de ligne manquant après l'en-tête"),
            "{msg}"
        );
        for v in ["Z689383813", "21231", "512,40"] {
            assert!(!msg.contains(v), "{v} echoed: {msg}");
        }
    }

    #[test]
    fn a_header_with_a_year_in_one_name_is_still_a_header() {
        let (_d, p) = write(b"IDENT_REP;DEPCOM;POP2019;depcom\n1;2;3;4\n");
        let e = CsvSource::open(&p, "auto", "auto").err().unwrap();
        assert!(matches!(e, IngestError::DuplicateColumn { .. }), "{e:?}");
        let (_d, p) = write(b"IDENT_REP;DEPCOM;POP2019\n1;2;3\n");
        let s = CsvSource::open(&p, "auto", "auto").unwrap();
        let msg = s.column("NBPIECE").unwrap_err().to_string();
        assert!(msg.contains("IDENT_REP, DEPCOM, et 1 colonne"), "{msg}");
    }

    /// A data row without any field starting with a digit: most of its fields are not
    /// name-shaped (identifiers, words with spaces).
    #[test]
    fn a_header_of_identifiers_and_words_is_data() {
        let (_d, p) = write(b"Z689383813;RUE DE LA PAIX;DIJON CEDEX;A\n");
        let s = CsvSource::open(&p, "auto", "auto").unwrap();
        let e = s.column("IDENT_REP").unwrap_err();
        assert!(matches!(e, IngestError::NoHeader { .. }), "{e:?}");
    }

    /// Regression (issue 14): a duplicated column name was read from its first copy, silently.
    #[test]
    fn a_duplicated_column_name_is_an_error_naming_it() {
        let (_d, p) = write(b"IDENT_REP;DEPCOM;depcom\n1;2;3\n");
        let e = CsvSource::open(&p, "auto", "auto").err().unwrap();
        let msg = e.to_string();
        assert!(matches!(e, IngestError::DuplicateColumn { .. }), "{msg}");
        assert!(msg.contains("f.csv") && msg.contains("depcom"), "{msg}");
    }
}

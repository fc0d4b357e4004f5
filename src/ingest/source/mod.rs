//! Delimited text sources: encoding and delimiter detection, header lookup, and rows that know
//! their line number.
//!
//! Real inputs arrive as UTF-8 (with or without BOM) or Windows-1252/Latin-1, separated by `;`
//! or `,`. With `auto`, the encoding is UTF-8 when the whole file is valid UTF-8 and
//! Windows-1252 otherwise (a streaming pre-scan, so national files are not held in memory); the
//! delimiter is the most frequent candidate in the header line outside quotes.
//!
//! ```
//! # use std::io::Write;
//! use opsgeo::ingest::source::{CsvSource, Encoding};
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("x.csv");
//! // "Dijon;Chenôve" in Latin-1
//! std::fs::write(&path, b"A;B\nDijon;Chen\xf4ve\n").unwrap();
//! let mut src = CsvSource::open(&path, "auto", "auto").unwrap();
//! assert_eq!(src.encoding(), Encoding::Windows1252);
//! assert_eq!(src.delimiter(), b';');
//! let b = src.column("B").unwrap();
//! let mut seen = Vec::new();
//! src.for_each_row(|row| { seen.push((row.line(), row.get(b).to_string())); Ok::<(), opsgeo::ingest::IngestError>(()) }).unwrap();
//! assert_eq!(seen, vec![(2, "Chenôve".to_string())]);
//! ```
//!
//! The parts of the reader:
//! * `open`: [`CsvSource::open`], step by step (first line, encoding, delimiter, header);
//! * `raw`: the bytes of the file, plain or gzip, and read errors;
//! * `encoding`: the streaming UTF-8 scan and the choice of the encoding;
//! * `line_keeper` and `quotes`: wrappers of the byte stream that keep line numbers right
//!   and follow the quoting;
//! * `header`: reading the header line (and telling a data row from a header);
//! * `columns`: column lookup by name, and the messages about missing columns;
//! * `records`: iteration over the data rows; `row`: one row's decoded values;
//! * `record_errors`: broken records (quotes never closed, a cut last line) named by file,
//!   line and column.

mod columns;
mod encoding;
mod header;
mod line_keeper;
mod open;
mod quotes;
mod raw;
mod record_errors;
mod records;
mod row;
#[cfg(test)]
mod test_support;

use std::cell::Cell;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use self::quotes::QuoteWatch;

pub use self::header::looks_like_column_name;
pub use self::row::Row;
pub use crate::config::{Delimiter, Encoding};

/// The csv reader over the (decompressed, line-kept, quote-watched) bytes of a file.
type Records = csv::Reader<Box<dyn Read>>;

/// The quoting state of a file's byte stream, shared by its [`quotes::QuoteWatcher`] and its
/// [`CsvSource`].
type SharedQuotes = Rc<Cell<QuoteWatch>>;

/// An open delimited file, positioned after its header.
pub struct CsvSource {
    path: PathBuf,
    encoding: Encoding,
    encoding_detected: bool,
    delimiter: u8,
    delimiter_detected: bool,
    headers: Vec<String>,
    /// The header line looks like a data row (missing header): never echoed.
    header_is_data: bool,
    reader: Records,
    /// Where the quoting of the byte stream stands (see [`quotes::QuoteWatcher`]).
    quotes: SharedQuotes,
    /// Number of empty fields a spreadsheet appends to every line after the last named column
    /// (from the header, else from the first data row; `None` until known).
    padding: Option<usize>,
}

impl CsvSource {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file name, as shown in messages and in `rejets.csv`.
    pub fn file_name(&self) -> String {
        file_label(&self.path)
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// A French description of what was detected or configured, e.g.
    /// `Windows-1252 (Latin-1) (détecté), séparateur « ; » (détecté)`.
    pub fn describe(&self) -> String {
        let how = |d: bool| if d { "détecté" } else { "configuré" };
        let del = match self.delimiter {
            b'\t' => "tabulation".to_string(),
            d => format!("« {} »", d as char),
        };
        format!(
            "{} ({}), séparateur {} ({})",
            self.encoding.label(),
            how(self.encoding_detected),
            del,
            how(self.delimiter_detected)
        )
    }
}

/// How a path is shown in messages: its file name.
pub fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The path an error about several files names: the file itself when there is one, else the
/// list of their names (the BAN, one file per département).
pub fn files_path(paths: &[std::path::PathBuf]) -> std::path::PathBuf {
    match paths {
        [one] => one.clone(),
        _ => std::path::PathBuf::from(
            paths
                .iter()
                .map(|p| file_label(p))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    }
}

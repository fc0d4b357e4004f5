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

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::IngestError;

/// Text encoding of a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// Windows-1252, the superset of Latin-1 used by French administrative exports.
    Windows1252,
}

impl Encoding {
    /// `auto` → `None` (detect).
    pub fn from_config(s: &str) -> Result<Option<Encoding>, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" | "" => Ok(None),
            "utf-8" | "utf8" => Ok(Some(Encoding::Utf8)),
            "windows-1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" | "iso-8859-15" => {
                Ok(Some(Encoding::Windows1252))
            }
            other => Err(format!(
                "encodage inconnu « {other} » (auto, utf-8 ou windows-1252)"
            )),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Windows1252 => "Windows-1252 (Latin-1)",
        }
    }
}

/// Field delimiter configuration.
pub struct Delimiter;

impl Delimiter {
    /// `auto` → `None` (detect).
    pub fn from_config(s: &str) -> Result<Option<u8>, String> {
        match s {
            "auto" | "" => Ok(None),
            ";" => Ok(Some(b';')),
            "," => Ok(Some(b',')),
            "tab" | "\t" => Ok(Some(b'\t')),
            "|" => Ok(Some(b'|')),
            other => Err(format!(
                "séparateur inconnu « {other} » (auto, ;, ,, tab ou |)"
            )),
        }
    }
}

/// An open delimited file, positioned after its header.
pub struct CsvSource {
    path: PathBuf,
    encoding: Encoding,
    encoding_detected: bool,
    delimiter: u8,
    delimiter_detected: bool,
    headers: Vec<String>,
    reader: csv::Reader<Box<dyn Read>>,
}

/// One data row. Field values are decoded and trimmed.
pub struct Row<'a> {
    line: u64,
    record: &'a csv::ByteRecord,
    encoding: Encoding,
}

impl Row<'_> {
    /// 1-based line number of the row in the file.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The decoded, trimmed value of field `idx` (empty when the row is short).
    pub fn get(&self, idx: usize) -> Cow<'_, str> {
        let bytes = self.record.get(idx).unwrap_or(b"");
        // ASCII reads the same in both encodings (most fields): skip the decoder
        if bytes.is_ascii() {
            if let Ok(s) = std::str::from_utf8(bytes) {
                return Cow::Borrowed(s.trim());
            }
        }
        let s: Cow<'_, str> = match self.encoding {
            Encoding::Utf8 => String::from_utf8_lossy(bytes),
            Encoding::Windows1252 => {
                encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(bytes)
                    .0
            }
        };
        match s {
            Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
            Cow::Owned(o) if o.trim().len() == o.len() => Cow::Owned(o),
            Cow::Owned(o) => Cow::Owned(o.trim().to_string()),
        }
    }

    /// The value of an optional column.
    pub fn get_opt(&self, idx: Option<usize>) -> Cow<'_, str> {
        idx.map_or(Cow::Borrowed(""), |i| self.get(i))
    }

    /// Number of fields in the row.
    pub fn len(&self) -> usize {
        self.record.len()
    }

    pub fn is_empty(&self) -> bool {
        self.record.len() == 0
    }
}

fn open_raw(path: &Path) -> Result<Box<dyn Read>, IngestError> {
    let file = File::open(path).map_err(|source| IngestError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let buf = BufReader::with_capacity(1 << 20, file);
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
    {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(buf)))
    } else {
        Ok(Box::new(buf))
    }
}

/// Streams the file and tells whether all of it is valid UTF-8.
fn is_utf8(path: &Path) -> Result<bool, IngestError> {
    let mut r = open_raw(path)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut carry = 0usize;
    loop {
        let n = r
            .read(&mut buf[carry..])
            .map_err(|source| IngestError::Open {
                path: path.to_path_buf(),
                source,
            })?;
        if n == 0 {
            return Ok(carry == 0);
        }
        let filled = carry + n;
        match std::str::from_utf8(&buf[..filled]) {
            Ok(_) => carry = 0,
            Err(e) if e.error_len().is_none() => {
                // incomplete sequence at the end of the chunk: keep it for the next read
                let valid = e.valid_up_to();
                buf.copy_within(valid..filled, 0);
                carry = filled - valid;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// Picks the most frequent candidate delimiter outside double quotes in `line`.
fn sniff_delimiter(line: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    const CANDIDATES: [u8; 4] = [b';', b',', b'\t', b'|'];
    let mut quoted = false;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
                counts[i] += 1;
            }
        }
    }
    let (best, &n) = counts
        .iter()
        .enumerate()
        .max_by_key(|&(i, n)| (*n, std::cmp::Reverse(i)))
        .expect("four candidates");
    if n == 0 {
        b';'
    } else {
        CANDIDATES[best]
    }
}

impl CsvSource {
    /// Opens `path` (plain or `.gz`), detecting what `encoding`/`delimiter` leave as `auto`.
    pub fn open(path: &Path, encoding: &str, delimiter: &str) -> Result<CsvSource, IngestError> {
        let invalid = |message: String| IngestError::Config {
            path: path.to_path_buf(),
            message,
        };
        let enc_cfg = Encoding::from_config(encoding).map_err(invalid)?;
        let del_cfg = Delimiter::from_config(delimiter).map_err(invalid)?;
        let (encoding, encoding_detected) = match enc_cfg {
            Some(e) => (e, false),
            None => {
                if is_utf8(path)? {
                    (Encoding::Utf8, true)
                } else {
                    (Encoding::Windows1252, true)
                }
            }
        };
        // first line for delimiter sniffing
        let mut raw = open_raw(path)?;
        let mut first = Vec::new();
        let mut byte = [0u8; 1];
        while first.len() < 1 << 16 {
            match raw.read(&mut byte) {
                Ok(0) => break,
                Ok(_) if byte[0] == b'\n' => break,
                Ok(_) => first.push(byte[0]),
                Err(source) => {
                    return Err(IngestError::Open {
                        path: path.to_path_buf(),
                        source,
                    })
                }
            }
        }
        if first.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(IngestError::Empty {
                path: path.to_path_buf(),
            });
        }
        let (delimiter, delimiter_detected) = match del_cfg {
            Some(d) => (d, false),
            None => (sniff_delimiter(&first), true),
        };
        // Records end at `\n` (a `\r` before it is trimmed with the last field): in CRLF mode the
        // csv crate dates a record from the `\n` of the previous line and every line number of a
        // Windows file would be one too small. Old Mac files (`\r` only) keep CRLF mode.
        let cr_only = first
            .iter()
            .position(|&b| b == b'\r')
            .is_some_and(|i| i + 1 < first.len());
        let terminator = if cr_only {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .terminator(terminator)
            .flexible(true)
            .has_headers(true)
            .from_reader(open_raw(path)?);
        let header_record = reader
            .byte_headers()
            .map_err(|e| IngestError::csv(path, e))?
            .clone();
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
        Ok(CsvSource {
            path: path.to_path_buf(),
            encoding,
            encoding_detected,
            delimiter,
            delimiter_detected,
            headers,
            reader,
        })
    }

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

    /// Index of a required column (exact name, then case-insensitive).
    pub fn column(&self, name: &str) -> Result<usize, IngestError> {
        self.optional_column(name)
            .ok_or_else(|| IngestError::MissingColumn {
                path: self.path.clone(),
                column: name.to_string(),
                available: self.headers.join(", "),
            })
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

    /// Calls `f` for every data row, in file order. Blank lines are skipped by the CSV reader
    /// and are not rows. Stops at the first error `f` returns.
    pub fn for_each_row<E>(&mut self, mut f: impl FnMut(Row<'_>) -> Result<(), E>) -> Result<(), E>
    where
        E: From<IngestError>,
    {
        let mut record = csv::ByteRecord::new();
        loop {
            match self.reader.read_byte_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    // a blank line of a CRLF file is a record holding a lone `\r`
                    if record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let line = record.position().map_or(0, |p| p.line());
                    f(Row {
                        line,
                        record: &record,
                        encoding: self.encoding,
                    })?;
                }
                Err(e) => return Err(IngestError::csv(&self.path, e).into()),
            }
        }
    }
}

/// How a path is shown in messages: its file name.
pub fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(content: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(&p, content).unwrap();
        (dir, p)
    }

    fn rows(src: &mut CsvSource) -> Vec<(u64, Vec<String>)> {
        let mut out = Vec::new();
        src.for_each_row(|r| {
            out.push((
                r.line(),
                (0..r.len()).map(|i| r.get(i).into_owned()).collect(),
            ));
            Ok::<(), IngestError>(())
        })
        .unwrap();
        out
    }

    #[test]
    fn utf8_bom_and_comma_are_detected() {
        let (_d, p) = write("\u{feff}A,B\n1,é\n".as_bytes());
        let mut s = CsvSource::open(&p, "auto", "auto").unwrap();
        assert_eq!(s.encoding(), Encoding::Utf8);
        assert_eq!(s.delimiter(), b',');
        assert_eq!(s.headers(), &["A".to_string(), "B".to_string()]);
        assert_eq!(rows(&mut s), vec![(2, vec!["1".into(), "é".into()])]);
    }

    #[test]
    fn latin1_late_in_file_is_detected() {
        let mut content = b"A;B\n".to_vec();
        for _ in 0..50_000 {
            content.extend_from_slice(b"x;y\n");
        }
        content.extend_from_slice(b"x;\xe9\n");
        let (_d, p) = write(&content);
        let s = CsvSource::open(&p, "auto", "auto").unwrap();
        assert_eq!(s.encoding(), Encoding::Windows1252);
    }

    #[test]
    fn delimiter_inside_quotes_is_ignored() {
        assert_eq!(sniff_delimiter(b"\"a;b;c\",d,e"), b',');
        assert_eq!(sniff_delimiter(b"a;b,c;d"), b';');
    }

    #[test]
    fn line_numbers_count_quoted_newlines() {
        let (_d, p) = write(b"A;B\n1;\"x\ny\"\n2;z\n");
        let mut s = CsvSource::open(&p, "utf-8", ";").unwrap();
        let r = rows(&mut s);
        assert_eq!(r[0].0, 2);
        assert_eq!(r[1].0, 4);
    }

    #[test]
    fn crlf_line_numbers_and_blank_lines() {
        let (_d, p) = write(b"A;B\r\n1;\"x\"\r\n\r\n2;z\r\n   \n3;w");
        let mut s = CsvSource::open(&p, "auto", "auto").unwrap();
        assert_eq!(s.headers(), &["A".to_string(), "B".to_string()]);
        let r = rows(&mut s);
        let lines: Vec<u64> = r.iter().map(|x| x.0).collect();
        assert_eq!(lines, vec![2, 4, 6]);
        assert_eq!(r[0].1, vec!["1".to_string(), "x".to_string()]);
        assert_eq!(r[2].1, vec!["3".to_string(), "w".to_string()]);
    }

    #[test]
    fn missing_column_lists_available_ones() {
        let (_d, p) = write(b"A;B\n1;2\n");
        let s = CsvSource::open(&p, "auto", "auto").unwrap();
        let e = s.column("C").unwrap_err().to_string();
        assert!(e.contains("C") && e.contains("A, B"), "{e}");
        assert_eq!(s.column("b").unwrap(), 1);
    }

    #[test]
    fn empty_file_is_an_error() {
        let (_d, p) = write(b"");
        assert!(matches!(
            CsvSource::open(&p, "auto", "auto"),
            Err(IngestError::Empty { .. })
        ));
    }

    #[test]
    fn gzip_is_read_transparently() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv.gz");
        let mut gz =
            flate2::write::GzEncoder::new(File::create(&p).unwrap(), flate2::Compression::fast());
        gz.write_all(b"A;B\n1;2\n").unwrap();
        gz.finish().unwrap();
        let mut s = CsvSource::open(&p, "auto", "auto").unwrap();
        assert_eq!(rows(&mut s).len(), 1);
    }
}

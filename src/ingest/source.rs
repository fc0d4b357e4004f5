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
use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::IngestError;

pub use crate::config::{Delimiter, Encoding};

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
    reader: csv::Reader<Box<dyn Read>>,
    /// Where the quoting of the byte stream stands (see [`QuoteWatcher`]).
    quotes: Rc<Cell<QuoteWatch>>,
    /// Number of empty fields a spreadsheet appends to every line after the last named column
    /// (from the header, else from the first data row; `None` until known).
    padding: Option<usize>,
}

/// One data row. Field values are decoded and trimmed.
pub struct Row<'a> {
    line: u64,
    record: &'a csv::ByteRecord,
    encoding: Encoding,
    /// The row repeats the header line (two exports concatenated).
    repeated_header: bool,
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
        // a byte-order mark inside the file (two exports concatenated) is not part of a value
        let trim = |t: &str| -> usize { t.trim_matches(is_blank).len() };
        match s {
            Cow::Borrowed(b) => Cow::Borrowed(b.trim_matches(is_blank)),
            Cow::Owned(o) if trim(&o) == o.len() => Cow::Owned(o),
            Cow::Owned(o) => Cow::Owned(o.trim_matches(is_blank).to_string()),
        }
    }

    /// The value of an optional column.
    pub fn get_opt(&self, idx: Option<usize>) -> Cow<'_, str> {
        idx.map_or(Cow::Borrowed(""), |i| self.get(i))
    }

    /// Why the row cannot be read at all, in French, with the 0-based index of the first bad
    /// field: a NUL byte (binary data, or a UTF-16 file), or bytes that are not UTF-8 in a
    /// file read as UTF-8 (the row would be published with « � »). The value itself is never
    /// part of the reason.
    pub fn defect(&self) -> Option<(usize, &'static str)> {
        if self.repeated_header {
            return Some((
                0,
                "ligne d'en-tête répétée au milieu du fichier (deux exports mis bout à bout ?)",
            ));
        }
        // fast path on the whole record (`contains` on bytes is a memchr)
        let all = self.record.as_slice();
        if !all.contains(&0) && (self.encoding != Encoding::Utf8 || all.is_ascii()) {
            return None;
        }
        for (i, f) in self.record.iter().enumerate() {
            if f.is_ascii() {
                if f.contains(&0) {
                    return Some((i, "octet nul dans le champ (fichier binaire ou UTF-16 ?)"));
                }
                continue;
            }
            if f.contains(&0) {
                return Some((i, "octet nul dans le champ (fichier binaire ou UTF-16 ?)"));
            }
            if self.encoding == Encoding::Utf8 && std::str::from_utf8(f).is_err() {
                return Some((
                    i,
                    "octets invalides en UTF-8 dans le champ (caractère mal encodé)",
                ));
            }
        }
        None
    }

    /// Number of fields in the row.
    pub fn len(&self) -> usize {
        self.record.len()
    }

    pub fn is_empty(&self) -> bool {
        self.record.len() == 0
    }
}

/// White space, and the byte-order mark (U+FEFF): trimmed from every value.
fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

fn open_raw(path: &Path) -> Result<Box<dyn Read>, IngestError> {
    let file = File::open(path).map_err(|source| IngestError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let mut buf = BufReader::with_capacity(1 << 20, file);
    // gzip by its magic number as well as by its name: a `.csv` that is really compressed
    // (renamed, or saved by a tool that compresses) is read, not reported as binary data
    let gzip_magic = std::io::BufRead::fill_buf(&mut buf)
        .map(|head| head.starts_with(&[0x1f, 0x8b]))
        .unwrap_or(false);
    if gzip_magic
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
    {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(buf)))
    } else {
        Ok(Box::new(buf))
    }
}

/// An error while reading the bytes of an open file (a corrupt or truncated `.gz`, a disk
/// error): no line number, the file named, and a hint for compressed files.
fn read_error(path: &Path, e: &std::io::Error) -> IngestError {
    let gz = path
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("gz"));
    IngestError::Read {
        path: path.to_path_buf(),
        message: if gz {
            format!("fichier compressé (gzip) corrompu ou tronqué ({e})")
        } else {
            e.to_string()
        },
    }
}

/// What a streaming scan of the whole file found about UTF-8.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Utf8Scan {
    /// Valid multi-byte UTF-8 sequences (accented letters written in UTF-8).
    multibyte: u64,
    /// Invalid bytes (a Windows-1252 accent, or a stray byte in a UTF-8 file).
    invalid: u64,
    /// Replacement characters « � » and mojibake sequences (« Ã© »: UTF-8 read once as
    /// Windows-1252 before reaching opsgeo) in the valid text.
    damaged: u64,
}

impl Utf8Scan {
    /// Enough invalid bytes, and far more than UTF-8 accents: a Windows-1252 file. The scan
    /// stops there (a national Latin-1 file is not read twice).
    fn is_clearly_not_utf8(&self) -> bool {
        self.invalid >= 64 && self.invalid > 4 * self.multibyte
    }

    fn add_valid(&mut self, s: &str) {
        if s.is_ascii() {
            return;
        }
        let mut prev = ' ';
        for c in s.chars() {
            if !c.is_ascii() {
                self.multibyte += 1;
            }
            if c == '\u{FFFD}' || (matches!(prev, 'Ã' | 'Â') && ('\u{80}'..='\u{BF}').contains(&c))
            {
                self.damaged += 1;
            }
            prev = c;
        }
    }
}

/// Streams the file and counts its valid multi-byte UTF-8 sequences and its invalid bytes
/// (stopping early on a file that is clearly not UTF-8).
fn scan_utf8(path: &Path) -> Result<Utf8Scan, IngestError> {
    let mut r = open_raw(path)?;
    let mut buf = vec![0u8; 1 << 20];
    let mut carry = 0usize;
    let mut scan = Utf8Scan::default();
    loop {
        let n = r
            .read(&mut buf[carry..])
            .map_err(|e| read_error(path, &e))?;
        if n == 0 {
            if carry > 0 {
                scan.invalid += 1;
            }
            return Ok(scan);
        }
        let filled = carry + n;
        let mut start = 0usize;
        carry = 0;
        while start < filled {
            match std::str::from_utf8(&buf[start..filled]) {
                Ok(s) => {
                    scan.add_valid(s);
                    start = filled;
                }
                Err(e) => {
                    let valid = start + e.valid_up_to();
                    // SAFETY-free: the prefix was just validated
                    scan.add_valid(std::str::from_utf8(&buf[start..valid]).unwrap_or(""));
                    match e.error_len() {
                        Some(len) => {
                            scan.invalid += 1;
                            start = valid + len;
                            if scan.is_clearly_not_utf8() {
                                return Ok(scan);
                            }
                        }
                        None => {
                            // incomplete sequence at the end of the chunk: keep it for the next read
                            buf.copy_within(valid..filled, 0);
                            carry = filled - valid;
                            start = filled;
                        }
                    }
                }
            }
        }
    }
}

/// Keeps line numbers right: the csv crate skips an empty line without counting it, so every
/// row after a blank line was reported one line too early. This reader writes a space into
/// every empty line (the row is then a lone blank field, skipped by
/// [`CsvSource::for_each_row`], and counted). With `cr_to_lf`, every `\r` also becomes `\n`:
/// files with old Mac line endings (`\r` only) are numbered like any other file instead of
/// being « ligne 1 » throughout.
struct LineKeeper<R> {
    inner: R,
    cr_to_lf: bool,
    prev_newline: bool,
    pending: Option<u8>,
}

impl<R: Read> LineKeeper<R> {
    fn new(inner: R, cr_to_lf: bool) -> Self {
        LineKeeper {
            inner,
            cr_to_lf,
            prev_newline: false,
            pending: None,
        }
    }
}

impl<R: Read> Read for LineKeeper<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some(p) = self.pending.take() {
            if buf.is_empty() {
                self.pending = Some(p);
                return Ok(0);
            }
            buf[0] = p;
            return Ok(1);
        }
        if buf.len() < 2 {
            // tiny reads (never done by the csv crate): one byte at a time
            let mut one = [0u8; 1];
            let n = self.inner.read(&mut one)?;
            if n == 0 || buf.is_empty() {
                return Ok(0);
            }
            let mut b = one[0];
            if self.cr_to_lf && b == b'\r' {
                b = b'\n';
            }
            let blank = b == b'\n' && self.prev_newline;
            self.prev_newline = b == b'\n';
            if blank {
                buf[0] = b' ';
                self.pending = Some(b);
            } else {
                buf[0] = b;
            }
            return Ok(1);
        }
        // read into the first half; each byte gives at most two, so the expansion fits
        let half = buf.len() / 2;
        let n = self.inner.read(&mut buf[..half])?;
        let data = &mut buf[..n];
        if self.cr_to_lf {
            for b in data.iter_mut() {
                if *b == b'\r' {
                    *b = b'\n';
                }
            }
        }
        // empty lines: a `\n` right after a `\n` (also across reads)
        let mut prev = self.prev_newline;
        let mut blanks = 0usize;
        for &b in data.iter() {
            if b == b'\n' && prev {
                blanks += 1;
            }
            prev = b == b'\n';
        }
        if blanks == 0 {
            if n > 0 {
                self.prev_newline = prev;
            }
            return Ok(n);
        }
        // expand from the end, inserting a space before each blank line's `\n`
        let mut w = n + blanks;
        for r in (0..n).rev() {
            let b = buf[r];
            let before_is_newline = if r == 0 {
                self.prev_newline
            } else {
                buf[r - 1] == b'\n'
            };
            w -= 1;
            buf[w] = b;
            if b == b'\n' && before_is_newline {
                w -= 1;
                buf[w] = b' ';
            }
        }
        debug_assert_eq!(w, 0);
        self.prev_newline = prev;
        Ok(n + blanks)
    }
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

/// The columns of a header that may be listed in a message: those with the shape of a column
/// name, and how many others were left out.
fn listable_columns(headers: &[String]) -> String {
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

/// What a file starting with `head` is when it is a known archive, spreadsheet or compressed
/// format other than gzip (gzip is read): its first bytes would otherwise be reported as a
/// missing or unreadable header.
fn container_format(head: &[u8]) -> Option<&'static str> {
    // bzip2: « BZh », the block size digit, then the block magic
    if head.len() >= 10 && head.starts_with(b"BZh") && head[4..10] == *b"1AY&SY" {
        return Some("fichier compressé bzip2 non pris en charge");
    }
    const FORMATS: [(&[u8], &str); 5] = [
        (
            b"PK\x03\x04",
            "archive ZIP (ou classeur .xlsx / .ods) non prise en charge",
        ),
        (b"PK\x05\x06", "archive ZIP vide non prise en charge"),
        (
            b"\xD0\xCF\x11\xE0",
            "classeur Excel .xls (format binaire) non pris en charge",
        ),
        (b"\xFD7zXZ", "fichier compressé xz non pris en charge"),
        (b"7z\xBC\xAF", "archive 7z non prise en charge"),
    ];
    FORMATS
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|&(_, what)| what)
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
        // first line for delimiter sniffing (and the byte-order mark)
        let mut raw = open_raw(path)?;
        let mut first = Vec::new();
        let mut byte = [0u8; 1];
        while first.len() < 1 << 16 {
            match raw.read(&mut byte) {
                Ok(0) => break,
                Ok(_) if byte[0] == b'\n' => break,
                Ok(_) => first.push(byte[0]),
                Err(e) => return Err(read_error(path, &e)),
            }
        }
        if let Some(what) = container_format(&first) {
            return Err(IngestError::Encoding {
                path: path.to_path_buf(),
                message: format!(
                    "{what} : opsgeo lit des fichiers texte délimités (CSV), éventuellement \
                     compressés en gzip (.gz) ; extrayez ou enregistrez le fichier en CSV"
                ),
            });
        }
        let nuls = first.iter().filter(|&&b| b == 0).count();
        if first.starts_with(&[0xFF, 0xFE])
            || first.starts_with(&[0xFE, 0xFF])
            || (nuls > 0 && nuls * 4 >= first.len())
        {
            return Err(IngestError::Encoding {
                path: path.to_path_buf(),
                message: "encodage UTF-16 (ou fichier binaire) non pris en charge : \
                          enregistrez le fichier en UTF-8 ou en Windows-1252"
                    .into(),
            });
        }
        if first.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(IngestError::Empty {
                path: path.to_path_buf(),
            });
        }
        let scan = scan_utf8(path)?;
        let (encoding, encoding_detected) = match enc_cfg {
            Some(Encoding::Windows1252) if scan.invalid == 0 && scan.multibyte > 0 => {
                return Err(invalid(format!(
                    "encodage configuré windows-1252, mais le fichier est en UTF-8 valide : \
                     ses {} caractères accentués seraient lus de travers (« Ã© » pour « é ») ; \
                     indiquez encoding = \"utf-8\" ou \"auto\"",
                    scan.multibyte
                )))
            }
            Some(Encoding::Utf8) if scan.invalid > scan.multibyte => {
                return Err(invalid(format!(
                    "encodage configuré utf-8, mais le fichier n'est pas en UTF-8 \
                     ({} octets invalides) : indiquez encoding = \"windows-1252\" ou \"auto\"",
                    scan.invalid
                )))
            }
            Some(e) => (e, false),
            // valid UTF-8, or UTF-8 with a few stray bytes (their rows are rejected)
            None if scan.invalid == 0 || scan.multibyte > scan.invalid => (Encoding::Utf8, true),
            None => (Encoding::Windows1252, true),
        };
        if encoding == Encoding::Utf8 && scan.damaged > 0 {
            tracing::warn!(
                "{} : {} caractère(s) « \u{FFFD} » ou séquence(s) du type « Ã© » : le fichier semble \
                 avoir été mal converti avant opsgeo (accents abîmés, publiés tels quels) ; \
                 vérifiez l'export",
                file_label(path),
                scan.damaged
            );
        }
        if encoding == Encoding::Utf8 && scan.invalid > 0 {
            tracing::warn!(
                "{} : {} octet(s) invalide(s) en UTF-8 dans un fichier UTF-8 : les lignes concernées sont rejetées",
                file_label(path),
                scan.invalid
            );
        }
        let (delimiter, delimiter_detected) = match del_cfg {
            Some(d) => (d, false),
            None => (sniff_delimiter(&first), true),
        };
        // Records end at `\n` (a `\r` before it is trimmed with the last field): in CRLF mode the
        // csv crate dates a record from the `\n` of the previous line and every line number of a
        // Windows file would be one too small. Old Mac files (`\r` only) have their `\r` turned
        // into `\n`, so that their rows are numbered too (not all « ligne 1 »).
        let cr_only = first
            .iter()
            .position(|&b| b == b'\r')
            .is_some_and(|i| i + 1 < first.len());
        let quotes = Rc::new(Cell::new(QuoteWatch::default()));
        let input: Box<dyn Read> = Box::new(QuoteWatcher {
            inner: LineKeeper::new(open_raw(path)?, cr_only),
            delimiter,
            state: Rc::clone(&quotes),
        });
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .flexible(true)
            .has_headers(true)
            .from_reader(input);
        let header_record = reader
            .byte_headers()
            .map_err(|e| IngestError::csv(path, e))?
            .clone();
        if let Some((1, _)) = quotes.get().unterminated() {
            return Err(IngestError::Csv {
                path: path.to_path_buf(),
                line: 1,
                message: "guillemet ouvrant jamais refermé dans la ligne d'en-tête : tout le \
                          fichier serait lu comme un seul champ"
                    .into(),
            });
        }
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
        // trailing empty header fields (a spreadsheet's « ;;; » after the last column) are not
        // columns: rows that stop before them, or leave them empty, are read normally
        let raw_width = headers.len();
        while headers.len() > 1 && headers.last().is_some_and(|h| h.is_empty()) {
            headers.pop();
        }
        let padding = (raw_width > headers.len()).then(|| raw_width - headers.len());
        let header_is_data = header_looks_like_data(&headers);
        if !header_is_data {
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
        }
        Ok(CsvSource {
            path: path.to_path_buf(),
            encoding,
            encoding_detected,
            delimiter,
            delimiter_detected,
            headers,
            header_is_data,
            reader,
            quotes,
            padding,
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
                    // empty fields after the last named column (a spreadsheet's trailing
                    // « ;;; », on the data rows only or on every line) are not data
                    // The width of that padding is the header's, else the first data row's:
                    // a short row whose padding makes up for its missing fields keeps another
                    // width and is still rejected for its number of fields.
                    let named = self.headers.len();
                    let extra = record.len().saturating_sub(named);
                    let blank_extra = extra > 0
                        && record
                            .iter()
                            .skip(named)
                            .all(|f| f.iter().all(u8::is_ascii_whitespace));
                    let padding = *self
                        .padding
                        .get_or_insert(if blank_extra { extra } else { 0 });
                    if blank_extra && extra == padding {
                        record.truncate(named);
                    }
                    if let Some(err) = self
                        .quote_open_at_end(&record, line)
                        .or_else(|| self.unterminated_quote(&record, line))
                        .or_else(|| self.truncated_last_line(&record, line))
                    {
                        return Err(err.into());
                    }
                    let repeated_header = record.len() == self.headers.len()
                        && record.iter().zip(&self.headers).all(|(f, h)| {
                            std::str::from_utf8(f).is_ok_and(|f| f.trim().eq_ignore_ascii_case(h))
                        });
                    f(Row {
                        line,
                        record: &record,
                        encoding: self.encoding,
                        repeated_header,
                    })?;
                }
                Err(e) => return Err(IngestError::csv(&self.path, e).into()),
            }
        }
    }
}

impl CsvSource {
    /// The name of column `i` as it may appear in a message: « colonne NOMVOIE » or
    /// « colonne 10 » (its rank) when the header field does not have the shape of a name.
    fn column_label(&self, i: usize) -> String {
        let name = self.headers.get(i).filter(|h| {
            // a header that looks like data is never echoed, even one field of it
            !self.header_is_data && looks_like_column_name(h)
        });
        match name {
            Some(h) => format!("colonne {h}"),
            None => format!("colonne {}", i + 1),
        }
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

/// Quoting state of the byte stream, as the csv crate parses it (a quote opens a quoted field
/// only at the start of a field; `""` inside it is an escaped quote; after the closing quote
/// the field goes on unquoted up to the delimiter).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    #[default]
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: the end of the field, or the first half of `""`.
    QuoteInQuoted,
}

/// What [`QuoteWatcher`] has seen so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct QuoteWatch {
    state: QuoteState,
    /// 1-based line of the next byte, and 0-based field within its record.
    line: u64,
    field: usize,
    /// Line and field of the last opening quote.
    opened: (u64, usize),
    /// The stream ended inside a quoted field.
    ended_quoted: bool,
    /// The stream ended, and its last byte.
    ended: bool,
    last: u8,
}

impl Default for QuoteWatch {
    fn default() -> Self {
        QuoteWatch {
            state: QuoteState::FieldStart,
            line: 1,
            field: 0,
            opened: (0, 0),
            ended_quoted: false,
            ended: false,
            last: b'\n',
        }
    }
}

impl QuoteWatch {
    /// Line and field of a quote never closed before the end of the file.
    fn unterminated(&self) -> Option<(u64, usize)> {
        self.ended_quoted.then_some(self.opened)
    }

    fn feed(&mut self, bytes: &[u8], delimiter: u8) {
        use QuoteState::*;
        for &b in bytes {
            self.state = match (self.state, b) {
                (Quoted, b'"') => QuoteInQuoted,
                (Quoted, b'\n') => {
                    self.line += 1;
                    Quoted
                }
                (Quoted, _) => Quoted,
                (FieldStart, b'"') => {
                    self.opened = (self.line, self.field);
                    Quoted
                }
                (QuoteInQuoted, b'"') => Quoted,
                (_, b'\n') => {
                    self.line += 1;
                    self.field = 0;
                    FieldStart
                }
                (_, d) if d == delimiter => {
                    self.field += 1;
                    FieldStart
                }
                _ => Unquoted,
            };
        }
    }
}

/// Follows the quoting of the bytes the csv reader gets, to tell where a quote that is never
/// closed was opened (the csv crate just ends the last record at the end of the file).
struct QuoteWatcher<R> {
    inner: R,
    delimiter: u8,
    state: Rc<Cell<QuoteWatch>>,
}

impl<R: Read> Read for QuoteWatcher<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut w = self.state.get();
        if n == 0 {
            if !buf.is_empty() {
                w.ended = true;
                w.ended_quoted = w.state == QuoteState::Quoted;
            }
        } else {
            w.feed(&buf[..n], self.delimiter);
            w.last = buf[n - 1];
        }
        self.state.set(w);
        Ok(n)
    }
}

/// Said when a column is missing but one with a near name is present (never echoed: its name
/// may not have the shape of a column name).
const NEAR_COLUMN_HINT: &str = " ; une colonne au nom voisin est présente (accents, espaces, \
                                casse ou ponctuation différents ?) : corrigez l'en-tête ou le \
                                nom de colonne dans la configuration";

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

    #[test]
    fn only_name_shaped_columns_are_listed() {
        let (_d, p) = write(b"A;B;RUE DE LA PAIX\n1;2;3\n");
        let s = CsvSource::open(&p, "auto", "auto").unwrap();
        let msg = s.column("C").unwrap_err().to_string();
        assert!(msg.contains("A, B"), "{msg}");
        assert!(!msg.contains("PAIX"), "{msg}");
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

    /// Regression (issue 14): a UTF-16 file was reported as missing columns « ÿþI\0D\0… ».
    #[test]
    fn utf16_is_an_unsupported_encoding() {
        for bom in [[0xFF, 0xFE], [0xFE, 0xFF]] {
            let mut content = bom.to_vec();
            for b in b"A;B\n1;2\n" {
                content.extend_from_slice(&[*b, 0]);
            }
            let (_d, p) = write(&content);
            let e = CsvSource::open(&p, "auto", "auto").err().unwrap();
            assert!(matches!(e, IngestError::Encoding { .. }), "{e:?}");
            assert!(e.to_string().contains("UTF-16"), "{e}");
        }
    }

    /// Regression (issue 14): with CR-only line endings every reject was at « ligne 1 ».
    #[test]
    fn line_keeper_gives_the_same_bytes_whatever_the_read_sizes() {
        let input = b"A;B\n\n1;x\r\n\n\n2;y\n\n";
        let expected = b"A;B\n \n1;x\r\n \n \n2;y\n \n".to_vec();
        for size in [1usize, 2, 3, 5, 8, 64] {
            let mut k = LineKeeper::new(&input[..], false);
            let mut out = Vec::new();
            let mut buf = vec![0u8; size];
            loop {
                let n = k.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&buf[..n]);
            }
            assert_eq!(out, expected, "read size {size}");
        }
        let mut k = LineKeeper::new(&b"A\r\r1\r"[..], true);
        let mut out = Vec::new();
        k.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"A\n \n1\n");
    }

    /// Regression: rows after a blank line were numbered one line too early.
    #[test]
    fn blank_lines_are_counted() {
        let (_d, p) = write(b"A;B\n1;x\n\n\n2;y\n");
        let mut s = CsvSource::open(&p, "auto", "auto").unwrap();
        let lines: Vec<u64> = rows(&mut s).iter().map(|x| x.0).collect();
        assert_eq!(lines, vec![2, 5]);
    }

    #[test]
    fn cr_only_files_number_their_lines() {
        let (_d, p) = write(b"A;B\r1;x\r2;y\r\r3;z\r");
        let mut s = CsvSource::open(&p, "auto", "auto").unwrap();
        let r = rows(&mut s);
        let lines: Vec<u64> = r.iter().map(|x| x.0).collect();
        assert_eq!(lines, vec![2, 3, 5]);
        assert_eq!(r[2].1, vec!["3".to_string(), "z".to_string()]);
    }

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

    /// Regression: a byte-order mark inside a file (two exports concatenated) became part of
    /// the first value of its line.
    #[test]
    fn a_byte_order_mark_inside_a_file_is_trimmed() {
        let (_d, p) = write("\u{feff}A;B\n1;x\n\u{feff}2;é\n".as_bytes());
        let mut s = CsvSource::open(&p, "auto", "auto").unwrap();
        let r = rows(&mut s);
        assert_eq!(r[1].1, vec!["2".to_string(), "é".to_string()]);
    }

    /// Regression (issue 14): a corrupt `.gz` was reported at « ligne 0 ».
    #[test]
    fn a_corrupt_gzip_is_named_without_line_zero() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        for i in 0..2000 {
            writeln!(gz, "A{i};B{i}").unwrap();
        }
        let mut bytes = gz.finish().unwrap();
        let n = bytes.len();
        for b in &mut bytes[n / 2..n - 10] {
            *b ^= 0x5A;
        }
        std::fs::write(&p, &bytes).unwrap();
        let msg = match CsvSource::open(&p, "auto", "auto") {
            Err(e) => e.to_string(),
            Ok(mut s) => s
                .for_each_row(|_| Ok::<(), IngestError>(()))
                .unwrap_err()
                .to_string(),
        };
        assert!(!msg.contains("ligne 0"), "{msg}");
        assert!(msg.contains("f.csv.gz") && msg.contains("gzip"), "{msg}");
    }

    #[test]
    fn mojibake_and_replacement_characters_are_counted() {
        let (_d, p) = write("A;B\n1;MÃ©diterranÃ©e\n2;M\u{FFFD}d\n3;Chenôve\n".as_bytes());
        let scan = scan_utf8(&p).unwrap();
        assert_eq!(scan.damaged, 3);
        assert_eq!(scan.invalid, 0);
    }

    /// Regression (issue 14): a forced wrong encoding published « Ã© » or « � » silently.
    #[test]
    fn a_forced_wrong_encoding_is_a_configuration_error() {
        let (_d, p) = write("A;B\n1;Méditerranée\n".as_bytes());
        let e = CsvSource::open(&p, "windows-1252", "auto").err().unwrap();
        assert!(e.is_config() && e.to_string().contains("UTF-8"), "{e}");
        let (_d, p) = write(b"A;B\n1;M\xe9diterran\xe9e\n");
        let e = CsvSource::open(&p, "utf-8", "auto").err().unwrap();
        assert!(
            e.is_config() && e.to_string().contains("windows-1252"),
            "{e}"
        );
    }
}

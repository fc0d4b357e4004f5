//! Opening a delimited file: the first line (containers, UTF-16, empty files), the encoding,
//! the delimiter, then the reader positioned after the header.

use std::cell::Cell;
use std::io::Read;
use std::path::Path;
use std::rc::Rc;

use super::encoding::{choose_encoding, scan_utf8, warn_about_damage};
use super::header::read_header;
use super::line_keeper::LineKeeper;
use super::quotes::{QuoteWatch, QuoteWatcher};
use super::raw::{open_raw, read_error};
use super::{CsvSource, Delimiter, Encoding, Records, SharedQuotes};
use crate::ingest::IngestError;

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
        let first = read_first_line(path)?;
        check_first_line(path, &first)?;
        let scan = scan_utf8(path)?;
        let (encoding, encoding_detected) = choose_encoding(path, enc_cfg, &scan)?;
        warn_about_damage(path, encoding, &scan);
        let (delimiter, delimiter_detected) = match del_cfg {
            Some(d) => (d, false),
            None => (sniff_delimiter(&first), true),
        };
        let (mut reader, quotes) = open_reader(path, delimiter)?;
        let header = read_header(path, &mut reader, &quotes, encoding)?;
        Ok(CsvSource {
            path: path.to_path_buf(),
            encoding,
            encoding_detected,
            delimiter,
            delimiter_detected,
            headers: header.names,
            header_is_data: header.is_data,
            reader,
            quotes,
            padding: header.padding,
        })
    }
}

/// The bytes of the first line (at most 64 KiB, without its `\n`).
fn read_first_line(path: &Path) -> Result<Vec<u8>, IngestError> {
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
    Ok(first)
}

/// Fails when the first line shows the file is not delimited text opsgeo reads: an archive,
/// a spreadsheet or a compressed format other than gzip, UTF-16 (or binary data), or nothing
/// but white space.
fn check_first_line(path: &Path, first: &[u8]) -> Result<(), IngestError> {
    if let Some(what) = container_format(first) {
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
    // a byte order mark alone (an empty file saved by a spreadsheet) is an empty file too
    let text = first.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(first);
    if text.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(IngestError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// The csv reader over the whole file (opened again), through the wrappers that keep line
/// numbers right and follow the quoting, and the quoting state they share.
fn open_reader(path: &Path, delimiter: u8) -> Result<(Records, SharedQuotes), IngestError> {
    // Records end at `\n`: every line ending is made `\n` first ([`LineKeeper`]), so that
    // the lines of Windows files (`\r\n`), old Mac files (`\r`) and files that mix them are
    // numbered right (in CRLF mode the csv crate dates a record from the `\n` of the previous
    // line: every line number of a Windows file would be one too small).
    let quotes = Rc::new(Cell::new(QuoteWatch::default()));
    let input: Box<dyn Read> = Box::new(QuoteWatcher::new(
        LineKeeper::new(open_raw(path)?),
        delimiter,
        Rc::clone(&quotes),
    ));
    let reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .has_headers(true)
        .from_reader(input);
    Ok((reader, quotes))
}

/// What a file starting with `head` is when it is a known archive, spreadsheet or compressed
/// format other than gzip (gzip is read): its first bytes would otherwise be reported as a
/// missing or unreadable header.
fn container_format(head: &[u8]) -> Option<&'static str> {
    // bzip2: « BZh », the block size digit, then the block magic
    if head.len() >= 10 && head.starts_with(b"BZh") && head[4..10] == *b"1AY&SY" {
        return Some("fichier compressé bzip2 non pris en charge");
    }
    // tar (a `.tar.gz` named `.csv.gz`): « ustar » at byte 257 of the first member's header
    if head.get(257..262) == Some(b"ustar".as_slice()) {
        return Some("archive tar non prise en charge");
    }
    const FORMATS: [(&[u8], &str); 6] = [
        (
            b"\x1f\x8b",
            "fichier compressé deux fois (gzip d'un fichier gzip) non pris en charge",
        ),
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

#[cfg(test)]
mod tests {
    use std::fs::File;

    use super::super::test_support::{rows, write};
    use super::*;

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
    fn delimiter_inside_quotes_is_ignored() {
        assert_eq!(sniff_delimiter(b"\"a;b;c\",d,e"), b',');
        assert_eq!(sniff_delimiter(b"a;b,c;d"), b';');
    }

    /// Regression: a file holding only a byte order mark was « en-tête absent ou illisible
    /// (elle ressemble à une ligne de données) », after a warning about absent columns.
    #[test]
    fn empty_file_is_an_error() {
        for content in [&b""[..], b"\xEF\xBB\xBF", b"\xEF\xBB\xBF\r\n"] {
            let (_d, p) = write(content);
            assert!(matches!(
                CsvSource::open(&p, "auto", "auto"),
                Err(IngestError::Empty { .. })
            ));
        }
    }

    /// Regression (16th session): a `.tar.gz` or a gzip of a gzip given as a BAN file was
    /// « encodage UTF-16 (ou fichier binaire) » or « en-tête absent ou illisible ».
    #[test]
    fn tar_and_double_gzip_are_named() {
        let mut tar = vec![0u8; 600];
        tar[..15].copy_from_slice(b"adresses-00.csv");
        tar[257..263].copy_from_slice(b"ustar\0");
        assert_eq!(
            container_format(&tar),
            Some("archive tar non prise en charge")
        );
        assert!(container_format(b"\x1f\x8b\x08\x00")
            .is_some_and(|w| w.starts_with("fichier compressé deux fois")));
        assert_eq!(container_format(b"id;numero;rep"), None);
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
}

//! Encoding detection: a streaming scan of the whole file for UTF-8, and the choice between
//! UTF-8 and Windows-1252 (or the check of a configured encoding against the scan).

use std::io::Read;
use std::path::Path;

use super::file_label;
use super::raw::{open_raw, read_error};
use super::Encoding;
use crate::ingest::IngestError;

/// What a streaming scan of the whole file found about UTF-8.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Utf8Scan {
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
pub(super) fn scan_utf8(path: &Path) -> Result<Utf8Scan, IngestError> {
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

/// The encoding to read the file with, and whether it was detected (`configured` is `None`
/// for `auto`). A configured encoding that the scan contradicts is a configuration error.
pub(super) fn choose_encoding(
    path: &Path,
    configured: Option<Encoding>,
    scan: &Utf8Scan,
) -> Result<(Encoding, bool), IngestError> {
    let invalid = |message: String| IngestError::Config {
        path: path.to_path_buf(),
        message,
    };
    match configured {
        Some(Encoding::Windows1252) if scan.invalid == 0 && scan.multibyte > 0 => {
            Err(invalid(format!(
                "encodage configuré windows-1252, mais le fichier est en UTF-8 valide : \
                 ses {} caractères accentués seraient lus de travers (« Ã© » pour « é ») ; \
                 indiquez encoding = \"utf-8\" ou \"auto\"",
                scan.multibyte
            )))
        }
        Some(Encoding::Utf8) if scan.invalid > scan.multibyte => Err(invalid(format!(
            "encodage configuré utf-8, mais le fichier n'est pas en UTF-8 \
             ({} octets invalides) : indiquez encoding = \"windows-1252\" ou \"auto\"",
            scan.invalid
        ))),
        Some(e) => Ok((e, false)),
        // valid UTF-8, or UTF-8 with a few stray bytes (their rows are rejected)
        None if scan.invalid == 0 || scan.multibyte > scan.invalid => Ok((Encoding::Utf8, true)),
        None => Ok((Encoding::Windows1252, true)),
    }
}

/// Warns about a UTF-8 file whose accents were damaged before opsgeo (« � », « Ã© ») or that
/// holds stray invalid bytes (their rows are rejected).
pub(super) fn warn_about_damage(path: &Path, encoding: Encoding, scan: &Utf8Scan) {
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
}

#[cfg(test)]
mod tests {
    use super::super::test_support::write;
    use super::super::CsvSource;
    use super::*;

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

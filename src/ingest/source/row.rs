//! One data row of a delimited file: its line number and its decoded, trimmed values.

use std::borrow::Cow;

use super::Encoding;

/// One data row. Field values are decoded and trimmed.
pub struct Row<'a> {
    pub(super) line: u64,
    pub(super) record: &'a csv::ByteRecord,
    pub(super) encoding: Encoding,
    /// The row repeats the header line (two exports concatenated).
    pub(super) repeated_header: bool,
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

#[cfg(test)]
mod tests {
    use super::super::test_support::{rows, write};
    use super::super::CsvSource;

    /// Regression: a byte-order mark inside a file (two exports concatenated) became part of
    /// the first value of its line.
    #[test]
    fn a_byte_order_mark_inside_a_file_is_trimmed() {
        let (_d, p) = write("\u{feff}A;B\n1;x\n\u{feff}2;é\n".as_bytes());
        let mut s = CsvSource::open(&p, "auto", "auto").unwrap();
        let r = rows(&mut s);
        assert_eq!(r[1].1, vec!["2".to_string(), "é".to_string()]);
    }
}

//! Iteration over the data rows of a delimited file, in file order, with their line numbers.

use super::row::Row;
use super::CsvSource;
use crate::ingest::IngestError;

/// The end-of-file byte (Ctrl-Z) old DOS tools append to a text file.
const DOS_EOF: u8 = 0x1A;

impl CsvSource {
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
                    // a blank line (a lone space from the line keeper, or blanks), or a DOS
                    // end-of-file byte (0x1A) on a line of its own: not a truncated last row
                    if record.len() == 1
                        && record[0]
                            .iter()
                            .all(|&b| b.is_ascii_whitespace() || b == DOS_EOF)
                    {
                        continue;
                    }
                    let line = record.position().map_or(0, |p| p.line());
                    self.drop_padding(&mut record);
                    if let Some(err) = self.broken_record(&record, line) {
                        return Err(err.into());
                    }
                    let repeated_header = self.repeats_header(&record);
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

    /// Drops the empty fields after the last named column (a spreadsheet's trailing « ;;; », on
    /// the data rows only or on every line): they are not data.
    fn drop_padding(&mut self, record: &mut csv::ByteRecord) {
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
    }

    /// True when the record repeats the header line (two exports concatenated).
    fn repeats_header(&self, record: &csv::ByteRecord) -> bool {
        record.len() == self.headers.len()
            && record.iter().zip(&self.headers).all(|(f, h)| {
                std::str::from_utf8(f).is_ok_and(|f| f.trim().eq_ignore_ascii_case(h))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{rows, write};
    use super::super::CsvSource;

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

    /// Regression: rows after a blank line were numbered one line too early.
    #[test]
    fn blank_lines_are_counted() {
        let (_d, p) = write(b"A;B\n1;x\n\n\n2;y\n");
        let mut s = CsvSource::open(&p, "auto", "auto").unwrap();
        let lines: Vec<u64> = rows(&mut s).iter().map(|x| x.0).collect();
        assert_eq!(lines, vec![2, 5]);
    }

    /// Regression (16th session): a DOS end-of-file byte after the last line stopped the run
    /// as a truncated file (« 1 champ(s) au lieu de 2 »).
    #[test]
    fn a_dos_end_of_file_byte_is_not_a_row() {
        let (_d, p) = write(b"A;B\r\n1;x\r\n2;y\r\n\x1a");
        let mut s = CsvSource::open(&p, "auto", "auto").unwrap();
        let lines: Vec<u64> = rows(&mut s).iter().map(|x| x.0).collect();
        assert_eq!(lines, vec![2, 3]);
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
}

//! Line numbering that stays right: empty lines and every kind of line ending made visible to
//! the csv crate.

use std::io::Read;

/// Keeps line numbers right:
/// * the csv crate skips an empty line without counting it, so every row after a blank line
///   was reported one line too early: this reader writes a space into every empty line (the
///   row is then a lone blank field, skipped by
///   [`CsvSource::for_each_row`](super::CsvSource::for_each_row), and counted);
/// * line endings are made `\n`: `\r\n` (Windows) becomes `\n`, and a `\r` alone (old Mac
///   files, or a few lines of a Windows file edited on a Mac) becomes `\n` too. Records end at
///   `\n` only, so a lone `\r` merged the lines around it into one row (100 rows rejected as
///   one, every later line number wrong) and a CR-only file was « ligne 1 » throughout.
pub(super) struct LineKeeper<R> {
    inner: R,
    /// Bytes read from `inner`, reused.
    raw: Vec<u8>,
    /// Bytes ready to hand out, from `pos` on.
    out: Vec<u8>,
    pos: usize,
    prev_newline: bool,
    /// A `\r` ended the last read: a line end, whatever follows (a `\n` right after it is the
    /// same line end).
    held_cr: bool,
    /// The next byte starts a line.
    line_start: bool,
    /// Bytes of a byte order mark matched so far at the start of the current line.
    bom: usize,
    eof: bool,
}

/// The UTF-8 byte order mark.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Bytes read from the inner reader at a time.
const CHUNK: usize = 64 * 1024;

impl<R: Read> LineKeeper<R> {
    pub(super) fn new(inner: R) -> Self {
        LineKeeper {
            inner,
            raw: Vec::new(),
            out: Vec::new(),
            pos: 0,
            prev_newline: false,
            held_cr: false,
            line_start: true,
            bom: 0,
            eof: false,
        }
    }

    /// One byte of a line out, line endings already made `\n`: a byte order mark at the start
    /// of a line is dropped (held until it is whole, given back otherwise).
    fn push(&mut self, b: u8) {
        if self.line_start && self.bom < BOM.len() && b == BOM[self.bom] {
            self.bom += 1;
            if self.bom == BOM.len() {
                self.bom = 0;
                self.line_start = false;
            }
            return;
        }
        self.flush_bom();
        self.emit(b);
    }

    /// The bytes of a byte order mark begun at the start of a line but not finished.
    fn flush_bom(&mut self) {
        for &b in &BOM[..std::mem::take(&mut self.bom)] {
            self.emit(b);
        }
    }

    /// One byte out: a space first when it is the `\n` of an empty line.
    fn emit(&mut self, b: u8) {
        if b == b'\n' && self.prev_newline {
            self.out.push(b' ');
        }
        self.prev_newline = b == b'\n';
        self.line_start = b == b'\n';
        self.out.push(b);
    }

    /// Reads the next chunk of `inner` into `out`, line endings made `\n`.
    fn fill(&mut self) -> std::io::Result<()> {
        self.out.clear();
        self.pos = 0;
        let mut raw = std::mem::take(&mut self.raw);
        raw.resize(CHUNK, 0);
        let n = loop {
            match self.inner.read(&mut raw) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.raw = raw;
                    return Err(e);
                }
            }
        };
        if n == 0 {
            self.eof = true;
            self.flush_bom();
            if std::mem::take(&mut self.held_cr) {
                self.push(b'\n');
            }
        }
        for &b in &raw[..n] {
            if std::mem::take(&mut self.held_cr) {
                self.push(b'\n');
                if b == b'\n' {
                    continue;
                }
            }
            if b == b'\r' {
                self.held_cr = true;
            } else {
                self.push(b);
            }
        }
        self.raw = raw;
        Ok(())
    }
}

impl<R: Read> Read for LineKeeper<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while self.pos == self.out.len() {
            if self.eof {
                return Ok(0);
            }
            self.fill()?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An inner reader that gives `step` bytes at a time (line endings and byte order marks
    /// split across its reads).
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// What the keeper gives of `input`, read `size` bytes at a time from an inner reader
    /// that gives `size` bytes at a time too.
    fn kept(input: &[u8], size: usize) -> Vec<u8> {
        let mut k = LineKeeper::new(Trickle {
            data: input,
            step: size,
        });
        let mut out = Vec::new();
        let mut buf = vec![0u8; size];
        loop {
            let n = k.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        out
    }

    /// Regression (issue 14): with CR-only line endings every reject was at « ligne 1 ».
    #[test]
    fn line_keeper_gives_the_same_bytes_whatever_the_read_sizes() {
        let input = b"A;B\n\n1;x\r\n\n\n2;y\n\n";
        let expected = b"A;B\n \n1;x\n \n \n2;y\n \n".to_vec();
        for size in [1usize, 2, 3, 5, 8, 64] {
            assert_eq!(kept(input, size), expected, "read size {size}");
        }
        assert_eq!(kept(b"A\r\r1\r", 64), b"A\n \n1\n");
    }

    /// Regression: a hundred lines ending in a lone `\r` inside a Windows (CRLF) file were read
    /// as one row (rejected as one, the dwellings missing from the published counts, every
    /// later line number 100 too low).
    #[test]
    fn a_lone_cr_inside_a_crlf_file_ends_its_line() {
        let input = b"A;B\r\n1;x\r2;y\r3;z\r\n4;w\r\n";
        for size in [1usize, 2, 3, 7, 64] {
            assert_eq!(
                kept(input, size),
                b"A;B\n1;x\n2;y\n3;z\n4;w\n",
                "read size {size}"
            );
        }
        // a `\r` at the very end, and `\r\n` split across reads of the inner reader
        assert_eq!(kept(b"A\r\n1\r", 1), b"A\n1\n");
    }

    /// Regression: a UTF-8 byte order mark at the start of line 301 of a Windows-1252 RPLS
    /// was read as « ï»¿ » glued to the dwelling's identifier: the row was accepted under
    /// another identifier, and its household and occupants rejected in the OPS files.
    #[test]
    fn a_byte_order_mark_at_the_start_of_a_line_is_dropped() {
        let input = b"\xEF\xBB\xBFA;B\r\n1;x\r\n\xEF\xBB\xBF2;y\n\xEF\xBB3;\xEF\xBB\xBF\n\xEF";
        let expected = b"A;B\n1;x\n2;y\n\xEF\xBB3;\xEF\xBB\xBF\n\xEF".to_vec();
        for size in [1usize, 2, 3, 64] {
            assert_eq!(kept(input, size), expected, "read size {size}");
        }
    }
}

//! Line numbering that stays right: empty lines and old Mac line endings made visible to the
//! csv crate.

use std::io::Read;

/// Keeps line numbers right: the csv crate skips an empty line without counting it, so every
/// row after a blank line was reported one line too early. This reader writes a space into
/// every empty line (the row is then a lone blank field, skipped by
/// [`CsvSource::for_each_row`](super::CsvSource::for_each_row), and counted). With `cr_to_lf`,
/// every `\r` also becomes `\n`: files with old Mac line endings (`\r` only) are numbered like
/// any other file instead of being « ligne 1 » throughout.
pub(super) struct LineKeeper<R> {
    inner: R,
    cr_to_lf: bool,
    prev_newline: bool,
    pending: Option<u8>,
}

impl<R: Read> LineKeeper<R> {
    pub(super) fn new(inner: R, cr_to_lf: bool) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}

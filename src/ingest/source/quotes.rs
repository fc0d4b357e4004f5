//! The quoting of the byte stream, followed as the csv crate parses it: where a quote that is
//! never closed was opened, and how the stream ended.

use std::cell::Cell;
use std::io::Read;
use std::rc::Rc;

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
pub(super) struct QuoteWatch {
    state: QuoteState,
    /// 1-based line of the next byte, and 0-based field within its record.
    pub(super) line: u64,
    field: usize,
    /// Line and field of the last opening quote.
    opened: (u64, usize),
    /// The stream ended inside a quoted field.
    ended_quoted: bool,
    /// The stream ended, and its last byte.
    pub(super) ended: bool,
    pub(super) last: u8,
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
    pub(super) fn unterminated(&self) -> Option<(u64, usize)> {
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
pub(super) struct QuoteWatcher<R> {
    inner: R,
    delimiter: u8,
    state: Rc<Cell<QuoteWatch>>,
}

impl<R> QuoteWatcher<R> {
    /// Follows the bytes of `inner`, split into fields by `delimiter`, into `state`.
    pub(super) fn new(inner: R, delimiter: u8, state: Rc<Cell<QuoteWatch>>) -> Self {
        QuoteWatcher {
            inner,
            delimiter,
            state,
        }
    }
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

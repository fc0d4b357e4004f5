//! The proofs the secondary suppression hands to the audit.
//!
//! For every unpublished value, the search found an *alternative table*: a change of the true
//! values that keeps every relation of the reader's view ([`super::reader`]), every published
//! value (within its rounding) and every fact its statuses state, and that moves the value.
//! [`Certificates`] keeps those changes with the true values of every row, so that the audit
//! can check each one against the published file alone before relying on it; a change it
//! cannot verify only sends the value to linear programming.
//!
//! These are microdata: they stay in memory, and no output, log or error message shows them.

use crate::indicators::Measures;

use super::reader::{RowKey, RowKind};

/// A row of the view and one of its measures (see [`super::reader::bounds::alias`]).
pub type Node = (u32, u8);

/// The alternative tables of a run.
#[derive(Debug, Clone, Default)]
pub struct Certificates {
    /// Keys and kinds of the rows of the view the search protected (layer rows first): the
    /// audit uses the changes only if it rebuilds the same view from the file.
    pub keys: Vec<RowKey>,
    pub kinds: Vec<RowKind>,
    /// True measures of every row of the view.
    pub truth: Vec<Measures>,
    /// The changes, each a list of (node, change) over which every relation balances.
    pub deltas: Tables,
}

impl Certificates {
    pub fn len(&self) -> usize {
        self.deltas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.deltas.is_empty()
    }
}

/// A list of alternative tables, each a list of (node, change), stored end to end: millions of
/// short tables at 300,000 dwellings, one allocation rather than one per table (a vector per
/// table cost 40 bytes more each, ≈ 120 MB at 300,000 dwellings).
///
/// ```
/// use opsgeo::secrecy::Tables;
/// let mut t = Tables::default();
/// let first = t.push(&[((0, 1), 1), ((3, 1), -1)]);
/// t.push(&[((2, 0), 2)]);
/// assert_eq!(t.len(), 2);
/// assert_eq!(t.get(first), &[((0, 1), 1), ((3, 1), -1)]);
/// assert_eq!(t.iter().map(|d| d.len()).sum::<usize>(), 3);
/// t.truncate(1);
/// assert_eq!(t.iter().collect::<Vec<_>>(), [&[((0, 1), 1), ((3, 1), -1)][..]]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Tables {
    changes: Vec<(Node, i32)>,
    /// Where each table ends in `changes`.
    ends: Vec<u32>,
}

impl Tables {
    /// Appends a table and returns its index.
    pub fn push(&mut self, delta: &[(Node, i32)]) -> u32 {
        self.changes.extend_from_slice(delta);
        self.ends.push(self.changes.len() as u32);
        self.ends.len() as u32 - 1
    }

    /// Table `i`.
    pub fn get(&self, i: u32) -> &[(Node, i32)] {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.changes[start..self.ends[i] as usize]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Keeps the first `len` tables.
    pub fn truncate(&mut self, len: usize) {
        if len < self.ends.len() {
            self.ends.truncate(len);
            self.changes
                .truncate(self.ends.last().map_or(0, |&e| e as usize));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The tables in order.
    pub fn iter(&self) -> impl Iterator<Item = &[(Node, i32)]> + '_ {
        (0..self.ends.len() as u32).map(|i| self.get(i))
    }
}

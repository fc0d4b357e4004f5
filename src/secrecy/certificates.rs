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
    pub deltas: Vec<Vec<(Node, i32)>>,
}

impl Certificates {
    pub fn len(&self) -> usize {
        self.deltas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.deltas.is_empty()
    }
}

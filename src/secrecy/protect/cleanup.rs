//! Zone values hidden for nothing, published again.
//!
//! The search protects the values one at a time: a value hidden early for one table may end up
//! needed by none, once later tables went through other rows (the redundancy of any greedy
//! secondary suppression). Once every value has its table, the values the search hid in zone
//! rows (commune, QPV, QVA, IRIS) are taken back one distribution at a time — coarsest scale
//! and largest row first, the costliest to lose — and published again when every value still
//! to protect keeps a table: the tables through the row, checked again as a reader now knows
//! more, and for a value that loses its table, another one that hides nothing (the search of
//! `protect::search` with nothing allowed to go). Otherwise the distribution stays hidden.
//! The audit has the last word: its linear programs may have protected a value left without a
//! table by one of the values published again; if it finds values determined, they are all
//! hidden again before any repair ([`Republished::undo`], `secrecy::rounds`).
//!
//! Programme, bâtiment and cage rows are left as they are ([`State::republishable`]): on the
//! demo, 7,750 of their « ensemble » distributions tried gave back 286 values (of 22,000
//! hidden) for 1.5 s, in rows well above their targets, and their « récents » rows gave back
//! about 0.01 of their values for 15 % more search at 300,000 dwellings; the zone rows, 42
//! tried, give back 4 commune values for 0.2 s.

use rustc_hash::FxHashMap as HashMap;

use super::needs::{needs_of, Need};
use super::pairs::paired;
use super::plan::Plan;
use super::state::{hide_row, weight, Mask, Node, State};
use super::{free_sibling, search};
use crate::indicators::by_field;
use crate::secrecy::certificates::Tables;
use crate::secrecy::reader::Bound;
use crate::secrecy::PublishedTable;

/// The values `cleanup` published again, to hide again if the audit finds values determined
/// after all: the audit's linear programs see more than the search's tables (they may have
/// protected a value with one of them).
#[derive(Debug, Clone, Default)]
pub struct Republished {
    /// Table, row in the table, values.
    cells: Vec<(u32, u32, Mask)>,
    /// The tables the values published broke (valid again once they are hidden).
    broken: Tables,
    count: u64,
    /// Their distributions (or fields, for a value alone), as `IndicatorDef::group`.
    groups: Vec<&'static str>,
}

impl Republished {
    /// Values published again.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Whether a value of `field` may owe its determination to the values published again:
    /// the audit solves one distribution (or field) at a time, whatever the row.
    pub fn may_explain(&self, field: &str) -> bool {
        by_field(field).is_some_and(|d| self.groups.contains(&d.distribution()))
    }

    /// Hides the values again (`secret_secondaire`); returns how many, and the tables they had
    /// broken.
    pub fn undo(self, tables: &mut [PublishedTable]) -> (u64, Tables) {
        let hidden = self
            .cells
            .iter()
            .map(|&(t, p, mask)| hide_row(&mut tables[t as usize], p as usize, mask))
            .sum();
        (hidden, self.broken)
    }
}

/// The alternative tables found, which of them still hold, and the changes they make in the
/// rows that matter here: the rows of every table through a zone row (complete for those rows;
/// a row left out only makes a table look missing, and a value published again less often).
struct Proofs {
    tables: Tables,
    live: Vec<bool>,
    /// Whether the changes of a row are indexed.
    indexed: Vec<bool>,
    /// The changes of each indexed row: table, measure, change.
    by_row: HashMap<u32, Vec<(u32, u8, i32)>>,
}

impl Proofs {
    fn new(st: &State<'_>, tables: Tables) -> Self {
        let mut indexed = vec![false; st.view.len()];
        for d in tables.iter() {
            if d.iter().any(|&((r, _), _)| st.republishable(r)) {
                for &((r, _), _) in d {
                    indexed[r as usize] = true;
                }
            }
        }
        let mut p = Proofs {
            live: vec![true; tables.len()],
            tables: Tables::default(),
            indexed,
            by_row: HashMap::default(),
        };
        for (id, d) in tables.iter().enumerate() {
            p.index(id as u32, d);
        }
        p.tables = tables;
        p
    }

    fn index(&mut self, id: u32, delta: &[(Node, i32)]) {
        for &((r, c), d) in delta {
            if self.indexed[r as usize] {
                self.by_row.entry(r).or_default().push((id, c, d));
            }
        }
    }

    fn push(&mut self, delta: &[(Node, i32)]) {
        let id = self.tables.push(delta);
        self.live.push(true);
        self.index(id, delta);
    }

    /// Drops the tables pushed from `len` on (an attempt that failed).
    fn truncate(&mut self, len: usize) {
        for id in len..self.tables.len() {
            for &((r, _), _) in self.tables.get(id as u32) {
                if let Some(ch) = self.by_row.get_mut(&r) {
                    while ch.last().is_some_and(|&(i, _, _)| i as usize >= len) {
                        ch.pop();
                    }
                }
            }
        }
        self.tables.truncate(len);
        self.live.truncate(len);
    }

    /// Whether a table still holding moves `node` by `q`, upwards (or either way unless `up`).
    fn moves(&self, (row, c): Node, q: i32, up: bool) -> bool {
        self.by_row.get(&row).is_some_and(|ch| {
            ch.iter()
                .any(|&(i, m, d)| m == c && (d >= q || (!up && -d >= q)) && self.live[i as usize])
        })
    }

    fn covers(&self, need: &Need) -> bool {
        self.moves(need.node, need.q, need.up) || need.base.is_some_and(|b| self.moves(b, 1, false))
    }

    /// Adds to `out` the tables still holding that what a reader now knows of `row` breaks.
    fn broken_at(&self, st: &State<'_>, row: u32, out: &mut Vec<u32>) {
        let mut bounds: HashMap<u8, Bound> = HashMap::default();
        for &(i, m, d) in self.by_row.get(&row).into_iter().flatten() {
            if !self.live[i as usize] || out.contains(&i) {
                continue;
            }
            let b = *bounds.entry(m).or_insert_with(|| st.bound((row, m)));
            if !b.contains(st.t((row, m)) + d as i64) {
                out.push(i);
            }
        }
    }

    /// The tables still holding.
    fn into_tables(self) -> Tables {
        if self.live.iter().all(|&l| l) {
            return self.tables;
        }
        let mut t = Tables::default();
        for (d, &live) in self.tables.iter().zip(&self.live) {
            if live {
                t.push(d);
            }
        }
        t
    }
}

/// A table for `need` that hides nothing more (the ceiling is 0 while this runs).
fn free_table(st: &mut State<'_>, need: &Need) -> Option<Vec<(Node, i32)>> {
    let free = |p: Option<Plan>| p.filter(|p| p.hides.is_empty()).map(|p| p.delta);
    if need.base.is_some() {
        if let Some(d) = free(paired(st, need)) {
            return Some(d);
        }
    }
    let need = match need.base {
        Some(base) => Need {
            node: base,
            up: false,
            q: 1,
            base: None,
        },
        None => *need,
    };
    free(free_sibling(st, &need)).or_else(|| free(search(st, &need)))
}

/// Publishes again the values hidden in zone rows that no table needs; returns the tables that
/// prove the others protected, and the values published again.
pub(super) fn cleanup(st: &mut State<'_>, tables: Tables, pairs: bool) -> (Tables, Republished) {
    let mut proofs = Proofs::new(st, tables);
    let mut units: Vec<(u32, Mask)> = (0..st.view.n_layer as u32)
        .filter(|&r| st.republishable(r))
        .flat_map(|r| st.hidden_groups(r).into_iter().map(move |m| (r, m)))
        .collect();
    units.sort_by_key(|&(r, m)| {
        (
            std::cmp::Reverse(weight(st.scale(r))),
            std::cmp::Reverse(st.dwellings[r as usize]),
            r,
            m,
        )
    });
    let ceiling = st.ceiling;
    st.ceiling = 0;
    let mut published = Republished::default();
    let mut scratch = Vec::new();
    let mut needs = Vec::new();
    for (row, mask) in units {
        let back = st.publish(row, mask);
        if back == 0 {
            continue;
        }
        // what a reader knows changes in the row and its other population
        let v = &st.view;
        let mut rows: Vec<u32> = [
            Some(row),
            v.recents_of[row as usize],
            v.ensemble_of[row as usize],
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut broken: Vec<u32> = Vec::new();
        for &r in &rows {
            proofs.broken_at(st, r, &mut broken);
        }
        for &id in &broken {
            proofs.live[id as usize] = false;
            for &((r, _), _) in proofs.tables.get(id) {
                if (r as usize) < st.view.n_layer && !rows.contains(&r) {
                    rows.push(r);
                }
            }
        }
        let len = proofs.tables.len();
        let mut ok = true;
        'rows: for &r in &rows {
            needs.clear();
            needs_of(st, r, pairs, &mut scratch, &mut needs);
            for need in &needs {
                if proofs.covers(need) {
                    continue;
                }
                match free_table(st, need) {
                    Some(d) => proofs.push(&d),
                    None => {
                        ok = false;
                        break 'rows;
                    }
                }
            }
        }
        if ok {
            let (t, p) = st.at[row as usize];
            published.cells.push((t, p, mask));
            let (defs, _) = st.cells(row);
            if let Some(d) = (0..defs.len())
                .find(|&k| mask >> k & 1 == 1)
                .map(|k| defs[k])
            {
                let g = d.distribution();
                if !published.groups.contains(&g) {
                    published.groups.push(g);
                }
            }
            published.count += back;
            for &id in &broken {
                published.broken.push(proofs.tables.get(id));
            }
        } else {
            proofs.truncate(len);
            for &id in &broken {
                proofs.live[id as usize] = true;
            }
            st.hide(row, mask);
        }
    }
    st.ceiling = ceiling;
    (proofs.into_tables(), published)
}

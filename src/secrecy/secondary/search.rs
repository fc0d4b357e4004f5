//! The exchange certificates of the secondary suppression (see the parent module): which
//! exchanges can protect an unpublished value, and the search of a valid one.

use super::MEAN_SCAN;
use crate::indicators::{IndicatorDef, Kind, Measure, N_MEASURES};
use crate::model::Population;
use crate::secrecy::bits::Bits;
use crate::secrecy::partition::{Partition, SplitRecord};
use crate::secrecy::reveal::{self, Family, MeasureSet};
use crate::secrecy::structure::{ext, Model, N_EXT};

#[derive(Debug, Clone, Copy)]
pub(super) enum Cert {
    /// Move one unit (base measure, recent-mover status): a recent mover's move changes both
    /// populations (partition 0, refined by every row), any other only the « ensemble » one
    /// (partition of the rows that give away a measure of all households).
    Move(usize, usize),
    /// Swap categories between two units of the same recent-mover status: family index,
    /// category index, status (0: not recent, 1: recent movers).
    Swap(usize, usize, usize),
    /// Move a unit whose value differs from the mean (or share): base numerator, denominator,
    /// recent-mover status.
    Mean(usize, usize, usize),
    /// Swap the values (rent, surface) of two units of the same recent-mover status whose values
    /// differ (last partition): base numerator, base denominator, status.
    ValueSwap(usize, usize, usize),
}

impl Cert {
    /// The measures that change between the two cells of the exchange (`num`: the numerator
    /// of the value; a category swap changes it, or a measure equal to it). A unit whose value
    /// differs from a mean changes the denominator, and the numerator too unless its own is 0
    /// (the audit verifies which).
    pub(super) fn moving_measures(self, num: usize) -> [Option<usize>; 2] {
        match self {
            Cert::Move(m, _) => [Some(m), None],
            Cert::Swap(..) => [Some(num), None],
            Cert::Mean(n, d, _) => [Some(n), Some(d)],
            Cert::ValueSwap(n, _, _) => [Some(n), None],
        }
    }

    /// The unit that moves (or swaps) is a recent mover.
    pub(super) fn recent_mover(self) -> bool {
        match self {
            Cert::Move(_, s)
            | Cert::Swap(_, _, s)
            | Cert::Mean(_, _, s)
            | Cert::ValueSwap(_, _, s) => s == 1,
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Item {
    pub(super) row: u32,
    /// No exchange avoiding cells of a single dwelling exists even before anything is
    /// published: such exchanges are allowed for this value (see `singleton_exposed`).
    pub(super) relaxed: bool,
    /// Base measure of the numerator (in the row's population).
    pub(super) num: usize,
    pub(super) certs: Vec<Cert>,
}

/// A witness and the kind of exchange it is (`None` for an exempt zero).
pub(super) type Found = Option<(Witness, Option<Cert>)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Witness {
    Exempt,
    /// Partition, cell of the row, cell outside: valid while no published row separates them.
    Pair(u8, u32, u32),
}

pub(super) struct Fam {
    pub(super) family: Family,
    /// Extended measures a category swap changes.
    pub(super) linked: MeasureSet,
}

/// Extended measures equal on every inner cell (e.g. recent movers among all households and
/// households of the recent movers): they are the same unknowns to an attacker.
pub(super) fn linkage(model: &Model) -> Vec<MeasureSet> {
    let n = model.n_inner();
    let mut linked: Vec<MeasureSet> = (0..N_EXT).map(|k| MeasureSet(Bits::bit(k))).collect();
    for a in 0..N_EXT {
        if (0..n as u32).all(|c| model.x(c, a) == 0) {
            continue;
        }
        for b in a + 1..N_EXT {
            if (0..n as u32).all(|c| model.x(c, a) == model.x(c, b)) {
                linked[a].0.set(b);
                linked[b].0.set(a);
            }
        }
    }
    linked
}

fn shift(set: MeasureSet, population: Population) -> MeasureSet {
    MeasureSet(set.0.shifted(ext(population, 0)))
}

pub(super) struct Search<'a> {
    pub(super) model: &'a Model,
    pub(super) ancestors: &'a [Vec<u32>],
    pub(super) linked: &'a [MeasureSet],
    /// Partition of value swaps (the last one) and the measures such a swap changes.
    pub(super) value_pid: usize,
    /// Partition of moves of units that are not recent movers.
    pub(super) nr_pid: usize,
    pub(super) value_linked: MeasureSet,
    pub(super) defs: Vec<&'a [&'static IndicatorDef]>,
    pub(super) parts: Vec<Partition>,
    pub(super) fams: Vec<Fam>,
    pub(super) singleton: Vec<bool>,
    pub(super) pub_mask: Vec<u128>,
    /// Base measures given away, in the row's population.
    pub(super) revealed: Vec<MeasureSet>,
    pub(super) refined: Vec<u64>,
    pub(super) items: Vec<Item>,
    pub(super) witness: Vec<Option<Witness>>,
    /// Kind of exchange of each witness.
    pub(super) cert_of: Vec<Option<Cert>>,
    /// `wit[partition][cell]`: items whose witness pair holds the cell (stale entries skipped).
    pub(super) wit: Vec<Vec<Vec<u32>>>,
    pub(super) stamp: Vec<u32>,
    pub(super) epoch: u32,
    /// Values that recently stopped a publication, most recent first: they are checked before
    /// the scan (the values of a row tend to fail on the same one).
    pub(super) blockers: Vec<u32>,
    /// The last try, if it was rejected: row, partitions it refined, the value that stopped it.
    pub(super) last_reject: Option<(u32, u64, u32)>,
}

impl<'a> Search<'a> {
    pub(super) fn row_defs(&self, r: u32) -> &'a [&'static IndicatorDef] {
        self.defs[r as usize]
    }

    /// Whether `cell` of `row` may give a unit away in an exchange: a cell of one dwelling is
    /// known to that dwelling's household, unless the row is that dwelling alone.
    pub(super) fn gives(&self, row: u32, cell: u32) -> bool {
        !self.singleton[cell as usize] || self.model.rows[row as usize].dwellings() == 1
    }

    /// Whether a value of 0 of measure `m` at `row` is implied by a published zero of a row
    /// containing it (0 % is not disclosive unless configured so, and then no zero is
    /// published). Only the containing rows the audit rebuilds from the layer keys count: a
    /// zero implied by zeros covering the value's cells in other ways would be exempt here but
    /// pinned by differencing in the audit's eyes (seen on random territories).
    pub(super) fn exempt(&self, row: u32, m: usize) -> bool {
        self.ancestors[row as usize].iter().any(|&a| {
            let a = a as usize;
            self.revealed[a].0.get(m) && self.model.rows[a].measures[m] == 0
        })
    }

    /// Row cells grouped by class of partition `pid`, into `g`.
    pub(super) fn groups_into(&self, pid: usize, row: u32, g: &mut Vec<(u32, u32)>) {
        let p = &self.parts[pid];
        g.clear();
        g.extend(
            self.model.rows[row as usize]
                .cells
                .iter()
                .map(|&c| (p.class_of(c), c)),
        );
        g.sort_unstable();
    }

    /// Measure `m` (base index) of the units of `cell` that are not recent movers (`status`
    /// 0) or that are (1).
    pub(super) fn units_of(&self, cell: u32, m: usize, status: usize) -> i64 {
        let rec = self.model.x(cell, N_MEASURES + m);
        if status == 1 {
            rec
        } else {
            self.model.x(cell, m) - rec
        }
    }

    /// A cell of `class` outside `row` satisfying `ok` (scans the class members).
    pub(super) fn partner(
        &self,
        pid: usize,
        class: u32,
        row: &[u32],
        ok: impl Fn(u32) -> bool,
    ) -> Option<u32> {
        self.parts[pid]
            .members(class)
            .iter()
            .copied()
            .find(|&c| ok(c) && row.binary_search(&c).is_err())
    }

    /// The partition in which `cert` looks for its pair.
    fn cert_pid(&self, cert: Cert) -> usize {
        match cert {
            Cert::Move(_, 1) | Cert::Mean(_, _, 1) => 0,
            Cert::Move(..) | Cert::Mean(..) => self.nr_pid,
            Cert::Swap(f, ..) => f + 1,
            Cert::ValueSwap(..) => self.value_pid,
        }
    }

    /// The partitions (bit `pid`) in which item `id` looks for exchanges.
    fn item_pids(&self, id: u32) -> u64 {
        self.items[id as usize]
            .certs
            .iter()
            .fold(0, |acc, &c| acc | 1 << self.cert_pid(c))
    }

    /// A valid exchange for `it` under `cert`: the pair (cell of the row, cell outside).
    /// With `relaxed`, cells of one dwelling may give a unit too (the exchange is then hidden
    /// from every attacker but that dwelling's household).
    pub(super) fn cert(&self, it: &Item, cert: Cert, relaxed: bool) -> Option<Witness> {
        GROUPS.with_borrow_mut(|g| self.cert_in(it, cert, relaxed, g))
    }

    fn cert_in(
        &self,
        it: &Item,
        cert: Cert,
        relaxed: bool,
        g: &mut Vec<(u32, u32)>,
    ) -> Option<Witness> {
        let model = self.model;
        let row = &model.rows[it.row as usize];
        let pid = self.cert_pid(cert);
        self.groups_into(pid, it.row, g);
        let p = &self.parts[pid];
        let ns = |c: u32| relaxed || !self.singleton[c as usize];
        let gives = |c: u32| relaxed || self.gives(it.row, c);
        let pair = |j: u32, k: u32| Some(Witness::Pair(pid as u8, j, k));
        let mut i = 0;
        while i < g.len() {
            let class = g[i].0;
            let mut end = i;
            while end < g.len() && g[end].0 == class {
                end += 1;
            }
            let group = &g[i..end];
            i = end;
            let cells = CellsOf(group);
            let k_all = p.size(class) - cells.len() as u32;
            let found = match cert {
                Cert::Move(m, status) => {
                    let has = |c: u32| self.units_of(c, m, status) > 0;
                    let bit = if status == 1 { N_MEASURES + m } else { m };
                    let own = cells.iter().filter(|&c| has(c) && ns(c)).count() as u32;
                    let k_give = if relaxed {
                        1
                    } else {
                        p.count(class, bit) - own
                    };
                    if k_give > 0 {
                        let k = self.partner(pid, class, &row.cells, |c| ns(c) && has(c));
                        k.and_then(|k| pair(cells.first(), k))
                    } else if k_all > 0 {
                        let j = cells.iter().find(|&c| has(c) && gives(c));
                        j.and_then(|j| {
                            self.partner(pid, class, &row.cells, |_| true)
                                .and_then(|k| pair(j, k))
                        })
                    } else {
                        None
                    }
                }
                Cert::Swap(f, k, status) => {
                    let fam = &self.fams[f].family;
                    let cat = fam.categories[k] as usize;
                    let den = fam.denominator as usize;
                    let base = 4 * k + 2 * status;
                    let y = |c: u32| self.units_of(c, cat, status) > 0;
                    let n =
                        |c: u32| self.units_of(c, den, status) - self.units_of(c, cat, status) > 0;
                    let own_y = cells.iter().filter(|&c| y(c) && ns(c)).count() as u32;
                    let own_n = cells.iter().filter(|&c| n(c) && ns(c)).count() as u32;
                    let (ky, kn) = if relaxed {
                        (1, 1)
                    } else {
                        (
                            p.count(class, base) - own_y,
                            p.count(class, base + 1) - own_n,
                        )
                    };
                    let jy = cells.iter().find(|&c| y(c) && gives(c));
                    let jn = cells.iter().find(|&c| n(c) && gives(c));
                    let first = match jy {
                        Some(j) if kn > 0 => self
                            .partner(pid, class, &row.cells, |c| ns(c) && n(c))
                            .and_then(|k| pair(j, k)),
                        _ => None,
                    };
                    first.or_else(|| match jn {
                        Some(j) if ky > 0 => self
                            .partner(pid, class, &row.cells, |c| ns(c) && y(c))
                            .and_then(|k| pair(j, k)),
                        _ => None,
                    })
                }
                Cert::ValueSwap(n, d, status) => {
                    let xn = |c: u32| self.units_of(c, n, status) as i128;
                    let xd = |c: u32| self.units_of(c, d, status) as i128;
                    let differs = |a: u32, b: u32| xn(a) * xd(b) != xn(b) * xd(a);
                    // a pair (j in the row, k outside) of different ratios, in linear time:
                    // against the first j, any k of another ratio; else every k shares that
                    // ratio, and any j of another ratio pairs with the first k
                    let mut js = cells.iter().filter(|&c| gives(c) && xd(c) > 0);
                    let outside =
                        |c: u32| ns(c) && xd(c) > 0 && row.cells.binary_search(&c).is_err();
                    js.next().and_then(|j0| {
                        let mut ks = p.members(class).iter().copied().filter(|&c| outside(c));
                        let k0 = ks.next()?;
                        if differs(j0, k0) {
                            return pair(j0, k0);
                        }
                        if let Some(k) = ks.find(|&k| differs(j0, k)) {
                            return pair(j0, k);
                        }
                        js.find(|&j| differs(j, k0)).and_then(|j| pair(j, k0))
                    })
                }
                Cert::Mean(n, d, status) => {
                    let (a, b) = (row.measures[n] as i128, row.measures[d] as i128);
                    let xn = |c: u32| self.units_of(c, n, status) as i128;
                    let xd = |c: u32| self.units_of(c, d, status) as i128;
                    let differs = |c: u32| xd(c) > 0 && xn(c) * b != a * xd(c);
                    let out = if b >= 2 && k_all > 0 {
                        cells
                            .iter()
                            .find(|&c| gives(c) && differs(c))
                            .and_then(|j| {
                                self.partner(pid, class, &row.cells, |_| true)
                                    .and_then(|k| pair(j, k))
                            })
                    } else {
                        None
                    };
                    out.or_else(|| {
                        p.members(class)
                            .iter()
                            .copied()
                            .filter(|&c| ns(c) && row.cells.binary_search(&c).is_err())
                            .take(MEAN_SCAN)
                            .find(|&k| differs(k))
                            .and_then(|k| pair(cells.first(), k))
                    })
                }
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    pub(super) fn evaluate(&self, id: u32) -> Option<Witness> {
        self.evaluate_cert(id).map(|(w, _)| w)
    }

    /// Like [`Self::evaluate`], with the kind of exchange found (`None` for an exempt zero).
    pub(super) fn evaluate_cert(&self, id: u32) -> Found {
        self.evaluate_as(id, self.items[id as usize].relaxed)
    }

    /// [`Self::evaluate_cert`], cells of a single dwelling giving a unit or not (`relaxed`).
    fn evaluate_as(&self, id: u32, relaxed: bool) -> Found {
        let it = &self.items[id as usize];
        let a = self.model.rows[it.row as usize].measures[it.num];
        if a == 0 && self.exempt(it.row, it.num) {
            return Some((Witness::Exempt, None));
        }
        it.certs
            .iter()
            .find_map(|&c| self.cert(it, c, relaxed).map(|w| (w, Some(c))))
    }

    /// The first evaluation of an item: without any exchange avoiding single-dwelling cells,
    /// it is protected with them instead (`true`: the item is relaxed).
    fn first_found(&self, id: u32) -> (Found, bool) {
        match self.evaluate_as(id, false) {
            Some(w) => (Some(w), false),
            None => (self.evaluate_as(id, true), true),
        }
    }

    /// Evaluates a new item and records its witness.
    pub(super) fn first_evaluation(&mut self, id: u32) {
        let (w, relaxed) = self.first_found(id);
        self.items[id as usize].relaxed |= relaxed;
        self.set_witness(id, w);
    }

    /// [`Self::first_evaluation`] of every item, on every thread (each evaluation reads the
    /// partitions only; the witnesses are recorded in item order).
    pub(super) fn first_evaluations(&mut self) {
        use rayon::prelude::*;
        let found: Vec<(Found, bool)> = (0..self.items.len() as u32)
            .into_par_iter()
            .map(|id| self.first_found(id))
            .collect();
        for (id, (w, relaxed)) in found.into_iter().enumerate() {
            self.items[id].relaxed |= relaxed;
            self.set_witness(id as u32, w);
        }
    }

    /// The witness of `id` and the kind of exchange it is: the stored one (still valid: every
    /// publication re-evaluates the items whose pair it separates), else a new evaluation (a
    /// value without exchange may have become an implied zero).
    pub(super) fn current(&self, id: u32) -> Found {
        match self.witness[id as usize] {
            Some(w) => Some((w, self.cert_of[id as usize])),
            None => self.evaluate_cert(id),
        }
    }

    pub(super) fn set_witness(&mut self, id: u32, found: Found) {
        let w = found.map(|(w, _)| w);
        if self.cert_of.len() <= id as usize {
            self.cert_of.resize(id as usize + 1, None);
        }
        self.cert_of[id as usize] = found.and_then(|(_, c)| c);
        self.witness[id as usize] = w;
        if let Some(Witness::Pair(pid, j, k)) = w {
            let lists = &mut self.wit[pid as usize];
            lists[j as usize].push(id);
            lists[k as usize].push(id);
        }
    }

    pub(super) fn new_item(&mut self, row: u32, d: &IndicatorDef) -> u32 {
        let r = &self.model.rows[row as usize];
        let pop = r.population;
        let statuses: &[usize] = if pop == Population::Recents {
            &[1]
        } else {
            &[0, 1]
        };
        let num = d.numerator as usize;
        let mut certs = Vec::new();
        let swaps = |certs: &mut Vec<Cert>, group: Option<&str>, den: Option<usize>| {
            for (f, fam) in self.fams.iter().enumerate() {
                let fam = &fam.family;
                if group.is_some_and(|g| g != fam.name)
                    || den.is_some_and(|dn| dn != fam.denominator as usize)
                {
                    continue;
                }
                if let Some(k) = fam.categories.iter().position(|&c| c == d.numerator) {
                    // recent movers swap with recent movers; any unit for the whole population
                    for status in statuses {
                        certs.push(Cert::Swap(f, k, *status));
                    }
                }
            }
        };
        match d.kind {
            Kind::Count => {
                let e = ext(pop, num);
                for status in statuses {
                    certs.push(Cert::Move(num, *status));
                }
                // a category swap changes every measure equal to that category
                // (a swap among recent movers changes the category for both populations)
                for (f, fam) in self.fams.iter().enumerate() {
                    for (k, &c) in fam.family.categories.iter().enumerate() {
                        for status in 0..2 {
                            let hit = self.linked[c as usize].contains_index(e)
                                || (status == 1
                                    && self.linked[N_MEASURES + c as usize].contains_index(e));
                            if hit {
                                certs.push(Cert::Swap(f, k, status));
                            }
                        }
                    }
                }
            }
            Kind::Share | Kind::Mean { .. } => {
                let den = d.denominator.expect("ratios have a denominator") as usize;
                if r.measures[den] == 0 {
                    // undefined here: a unit counting in the numerator must be able to come in
                    // (else the value would be known to be 0 whenever defined)
                    for status in statuses {
                        certs.push(Cert::Move(num, *status));
                    }
                } else if d.kind == Kind::Share {
                    swaps(&mut certs, Some(d.group.unwrap_or(d.field)), Some(den));
                    for status in statuses {
                        certs.push(Cert::Mean(num, den, *status));
                    }
                } else {
                    for status in statuses {
                        certs.push(Cert::ValueSwap(num, den, *status));
                    }
                    for status in statuses {
                        certs.push(Cert::Mean(num, den, *status));
                    }
                }
            }
        }
        self.items.push(Item {
            row,
            num,
            certs,
            relaxed: false,
        });
        self.witness.push(None);
        (self.items.len() - 1) as u32
    }

    /// The partitions (bit `pid`) that publishing `rev` at `row` refines: those of the
    /// distributions the row now gives away, less those it already refined.
    fn parts_to_refine(&self, row: u32, rev: MeasureSet) -> u64 {
        let r = &self.model.rows[row as usize];
        let rev_ext = shift(rev, r.population);
        let mut want = u64::from(!rev.is_empty());
        for (f, fam) in self.fams.iter().enumerate() {
            if rev_ext.intersects(fam.linked) {
                want |= 1 << (f + 1);
            }
        }
        if rev_ext.intersects(MeasureSet(Bits::range(0, N_MEASURES))) {
            want |= 1 << self.nr_pid;
        }
        if rev_ext.intersects(self.value_linked) {
            want |= 1 << self.value_pid;
        }
        want & !self.refined[row as usize]
    }

    /// Refines the partitions by `row` as its published values now give away `rev`.
    pub(super) fn refine_row(
        &mut self,
        row: u32,
        rev: MeasureSet,
        log: &mut Vec<(usize, SplitRecord)>,
    ) {
        let todo = self.parts_to_refine(row, rev);
        let cells = &self.model.rows[row as usize].cells;
        let mut tmp = Vec::new();
        // partition 0, the distributions, then moves of other units, then value swaps
        let order = (0..=self.fams.len()).chain([self.nr_pid, self.value_pid]);
        for pid in order.filter(|&pid| todo >> pid & 1 == 1) {
            self.parts[pid].refine(cells, &mut tmp);
            log.extend(tmp.drain(..).map(|s| (pid, s)));
        }
        self.refined[row as usize] |= todo;
    }

    pub(super) fn revealed_with(&self, row: u32, mask: u128) -> MeasureSet {
        let defs = self.row_defs(row);
        reveal::revealed(MaskOnes(mask).map(|k| defs[k]))
    }

    /// Whether publishing at `r` what refines the partitions `todo` is bound to fail like the
    /// previous try, at the same row: that try's blocker looks for exchanges only in partitions
    /// both tries leave alike (refined by the same cells from the same state, or untouched), its
    /// witness pair is separated again, and this publication does not make it an implied zero.
    /// The full try would then check that blocker first and reject on it.
    fn rejected_again(&self, r: u32, todo: u64) -> bool {
        let Some((row, parts, id)) = self.last_reject else {
            return false;
        };
        if row != r || (parts ^ todo) & self.item_pids(id) != 0 {
            return false;
        }
        let it = &self.items[id as usize];
        let implied_zero =
            self.model.rows[it.row as usize].measures[it.num] == 0 && self.exempt(it.row, it.num);
        !implied_zero
    }

    /// Publishes the values `ks` of row `r` if every unpublished value keeps an exchange (or
    /// becomes implied); otherwise reverts everything and returns `false`.
    pub(super) fn try_publish(
        &mut self,
        r: u32,
        ks: &[usize],
        b: &mut Buffers,
        debug: bool,
    ) -> bool {
        let model = self.model;
        let ru = r as usize;
        let old_mask = self.pub_mask[ru];
        let old_rev = self.revealed[ru];
        let old_refined = self.refined[ru];
        let is_total = model.rows[ru].table.is_none();
        let mask = ks.iter().fold(old_mask, |m, &k| m | 1 << k);
        let rev = if is_total {
            let mut rev = MeasureSet::default();
            rev.insert(Measure::Dwellings);
            rev
        } else {
            self.revealed_with(r, mask)
        };
        self.pub_mask[ru] = mask;
        self.revealed[ru] = rev;
        let todo = self.parts_to_refine(r, rev);
        if self.rejected_again(r, todo) {
            self.pub_mask[ru] = old_mask;
            self.revealed[ru] = old_rev;
            return false;
        }
        b.log.clear();
        self.refine_row(r, rev, &mut b.log);
        self.epoch += 1;
        if self.stamp.len() < self.items.len() {
            self.stamp.resize(self.items.len(), 0);
        }
        // items whose witness pair the split separates (one end moved, the other did not) are
        // evaluated as they are found: the first one left without an exchange stops the scan
        b.new_w.clear();
        let mut reject = false;
        let mut blocker = None;
        // a blocker is checked like the scan below would: only if this publication separated
        // its witness pair
        let broken = |id: u32| match self.witness[id as usize] {
            Some(Witness::Pair(pid, j, k)) => {
                let p = &self.parts[pid as usize];
                p.class_of(j) != p.class_of(k) && self.evaluate(id).is_none()
            }
            _ => false,
        };
        if let Some(i) = (0..self.blockers.len()).find(|&i| broken(self.blockers[i])) {
            reject = true;
            blocker = Some(self.blockers[i]);
        }
        let log: &[(usize, SplitRecord)] = if reject { &[] } else { &b.log };
        'scan: for &(pid, rec) in log {
            let part = &self.parts[pid];
            for &c in part.members(rec.to) {
                let mut list = std::mem::take(&mut self.wit[pid][c as usize]);
                // drop stale entries (witness changed since) while scanning
                list.retain(|&id| {
                    matches!(self.witness[id as usize], Some(Witness::Pair(wp, j, k))
                        if wp as usize == pid && (j == c || k == c))
                });
                list.dedup();
                let mut stop = false;
                for &id in list.iter() {
                    let Some(Witness::Pair(_, j, k)) = self.witness[id as usize] else {
                        continue;
                    };
                    let other = if j == c { k } else { j };
                    if part.class_of(other) == rec.to || self.stamp[id as usize] == self.epoch {
                        continue;
                    }
                    self.stamp[id as usize] = self.epoch;
                    let w = self.evaluate_cert(id);
                    if w.is_none() {
                        reject = true;
                        if debug {
                            let it = &self.items[id as usize];
                            let br = &model.rows[it.row as usize];
                            let cr = &model.rows[ru];
                            eprintln!(
                                "secondaire : {:?}/{:?}/{:?} {} #{:?} ({} logements) masqué pour {:?}/{:?}/{:?} {} mesure {} = {} {:?}",
                                cr.scale, cr.population, cr.split, cr.code, ks, cr.dwellings(),
                                br.scale, br.population, br.split, br.code, it.num, br.measures[it.num], it.certs
                            );
                        }
                        stop = true;
                        blocker = Some(id);
                        break;
                    }
                    b.new_w.push((id, w));
                }
                self.wit[pid][c as usize] = list;
                if stop {
                    break 'scan;
                }
            }
        }
        if let Some(id) = blocker {
            self.blockers.retain(|&x| x != id);
            self.blockers.insert(0, id);
            self.blockers.truncate(BLOCKERS);
        }
        self.last_reject = match blocker {
            Some(id) if reject => Some((r, todo, id)),
            _ => None,
        };
        if reject {
            // undo, newest split first
            for &(pid, rec) in b.log.iter().rev() {
                let mut one = vec![rec];
                self.parts[pid].undo(&mut one, 0);
            }
            self.pub_mask[ru] = old_mask;
            self.revealed[ru] = old_rev;
            self.refined[ru] = old_refined;
            return false;
        }
        for i in 0..b.new_w.len() {
            let (id, w) = b.new_w[i];
            self.set_witness(id, w);
        }
        true
    }
}

/// The cells of one class of a row (a slice of `(class, cell)` pairs).
#[derive(Clone, Copy)]
struct CellsOf<'g>(&'g [(u32, u32)]);

impl<'g> CellsOf<'g> {
    fn iter(self) -> impl Iterator<Item = u32> + 'g {
        self.0.iter().map(|&(_, c)| c)
    }

    fn first(self) -> u32 {
        self.0[0].1
    }

    fn len(self) -> usize {
        self.0.len()
    }
}

thread_local! {
    /// Scratch of [`Search::cert`] (row cells by class), one per thread.
    static GROUPS: std::cell::RefCell<Vec<(u32, u32)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Indices of the bits set in a mask of published values, ascending.
#[derive(Clone, Copy)]
struct MaskOnes(u128);

impl Iterator for MaskOnes {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        (self.0 != 0).then(|| {
            let k = self.0.trailing_zeros() as usize;
            self.0 &= self.0 - 1;
            k
        })
    }
}

/// Number of recent blockers kept (see [`Search::blockers`]).
const BLOCKERS: usize = 4;

/// Scratch buffers of [`Search::try_publish`].
#[derive(Default)]
pub(super) struct Buffers {
    log: Vec<(usize, SplitRecord)>,
    new_w: Vec<(u32, Found)>,
}

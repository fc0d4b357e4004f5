//! Partition refinement over inner cells, with per-class counts of cell predicates and undo.
//!
//! Two inner cells stay in the same class as long as no published row contains one and not the
//! other: nothing published tells them apart. Publishing a row splits every class it cuts.

/// A partition of `0..n` cells. Each cell carries up to 256 boolean predicates; every class
/// keeps the number of its cells satisfying each.
#[derive(Debug, Clone)]
pub struct Partition {
    class_of: Vec<u32>,
    members: Vec<Vec<u32>>,
    pos: Vec<u32>,
    masks: Vec<Bits>,
    npred: usize,
    counts: Vec<u32>,
}

use super::bits::Bits;

/// One class split (for undo): cells moved from `from` into the new class `to`.
#[derive(Debug, Clone, Copy)]
pub struct SplitRecord {
    pub from: u32,
    pub to: u32,
}

impl Partition {
    /// One class holding every cell; `masks[cell]` gives the predicates (bits `0..npred`).
    pub fn new(masks: Vec<Bits>, npred: usize) -> Self {
        assert!(npred <= Bits::CAPACITY);
        let n = masks.len();
        let mut counts = vec![0u32; npred];
        for m in &masks {
            for p in m.ones().take_while(|&p| p < npred) {
                counts[p] += 1;
            }
        }
        Partition {
            class_of: vec![0; n],
            members: vec![(0..n as u32).collect()],
            pos: (0..n as u32).collect(),
            masks,
            npred,
            counts,
        }
    }

    pub fn class_of(&self, cell: u32) -> u32 {
        self.class_of[cell as usize]
    }

    pub fn size(&self, class: u32) -> u32 {
        self.members[class as usize].len() as u32
    }

    pub fn members(&self, class: u32) -> &[u32] {
        &self.members[class as usize]
    }

    pub fn mask(&self, cell: u32) -> Bits {
        self.masks[cell as usize]
    }

    /// Cells of `class` satisfying predicate `p`.
    pub fn count(&self, class: u32, p: usize) -> u32 {
        self.counts[class as usize * self.npred + p]
    }

    fn move_cell(&mut self, cell: u32, to: u32) {
        let from = self.class_of[cell as usize];
        let i = self.pos[cell as usize] as usize;
        let v = &mut self.members[from as usize];
        v.swap_remove(i);
        if i < v.len() {
            let moved = v[i];
            self.pos[moved as usize] = i as u32;
        }
        let dst = &mut self.members[to as usize];
        self.pos[cell as usize] = dst.len() as u32;
        dst.push(cell);
        self.class_of[cell as usize] = to;
        for p in self.masks[cell as usize].ones() {
            if p >= self.npred {
                break;
            }
            self.counts[from as usize * self.npred + p] -= 1;
            self.counts[to as usize * self.npred + p] += 1;
        }
    }

    /// Separates `cells` (any order, no duplicates) from the rest of their classes. Returns the
    /// splits made, in order; [`Partition::undo`] reverts them.
    pub fn refine(&mut self, cells: &[u32], log: &mut Vec<SplitRecord>) -> usize {
        let mut by_class: Vec<(u32, u32)> = cells.iter().map(|&c| (self.class_of(c), c)).collect();
        by_class.sort_unstable();
        let mut made = 0;
        let mut i = 0;
        while i < by_class.len() {
            let class = by_class[i].0;
            let mut j = i;
            while j < by_class.len() && by_class[j].0 == class {
                j += 1;
            }
            if (j - i) as u32 != self.size(class) {
                let to = self.members.len() as u32;
                self.members.push(Vec::with_capacity(j - i));
                self.counts.extend(std::iter::repeat_n(0, self.npred));
                for &(_, cell) in &by_class[i..j] {
                    self.move_cell(cell, to);
                }
                log.push(SplitRecord { from: class, to });
                made += 1;
            }
            i = j;
        }
        made
    }

    /// Reverts the splits of `log[from..]` (newest first) and truncates the log.
    pub fn undo(&mut self, log: &mut Vec<SplitRecord>, from: usize) {
        while log.len() > from {
            let r = log.pop().expect("non-empty");
            debug_assert_eq!(r.to as usize, self.members.len() - 1);
            let cells = std::mem::take(&mut self.members[r.to as usize]);
            for c in cells {
                // move back without touching the (now empty) list of the new class
                self.members[r.to as usize].push(c);
                self.pos[c as usize] = (self.members[r.to as usize].len() - 1) as u32;
                self.move_cell(c, r.from);
            }
            self.members.pop();
            self.counts.truncate(self.members.len() * self.npred);
        }
    }

    pub fn classes(&self) -> usize {
        self.members.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refine_splits_and_undo_restores() {
        let mut p = Partition::new(
            [1, 0, 1, 1, 0]
                .map(|b| if b == 1 { Bits::bit(0) } else { Bits::EMPTY })
                .to_vec(),
            1,
        );
        assert_eq!(p.count(0, 0), 3);
        let mut log = Vec::new();
        p.refine(&[0, 1], &mut log);
        assert_eq!(p.classes(), 2);
        assert_eq!(p.class_of(0), p.class_of(1));
        assert_ne!(p.class_of(0), p.class_of(2));
        assert_eq!(p.count(p.class_of(0), 0), 1);
        assert_eq!(p.count(p.class_of(2), 0), 2);
        // refining by a whole class changes nothing
        assert_eq!(p.refine(&[0, 1], &mut log), 0);
        p.refine(&[2], &mut log);
        assert_eq!(p.classes(), 3);
        p.undo(&mut log, 0);
        assert_eq!(p.classes(), 1);
        assert_eq!(p.count(0, 0), 3);
        assert_eq!(p.size(0), 5);
        for c in 0..5 {
            assert_eq!(p.class_of(c), 0);
            assert_eq!(p.members(0)[p.pos[c as usize] as usize], c);
        }
    }
}

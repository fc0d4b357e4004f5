//! Rows no alternative table can change: a row of a single dwelling (its household knows it,
//! see [`super::state::State::may_move`]), and a row every one of whose children in some
//! relation below it is fixed so, with no rest to take the change. A tiny commune whose
//! programmes are all made of single-dwelling stairwells is one: every balancing change that
//! reaches it is a dead end, and the depth-first search ([`super::dfs`]) would spend its whole
//! budget finding that out, branch after branch (a national territory has tens of thousands of
//! such communes, EPCI and IRIS). Directions are told apart: a « récents » row of a single
//! household may still gain one.
//!
//! Measure by measure a row may be stuck more often (a zero cannot fall); this is the part that
//! holds for every measure, read from the dwellings and the relations only.

use super::state::Node;
use crate::model::Population;
use crate::secrecy::reader::{RelKind, RowKind, View};

/// A row that cannot rise.
pub const NO_RISE: u8 = 1;
/// A row that cannot fall.
pub const NO_FALL: u8 = 2;
const UNKNOWN: u8 = 0xFF;

/// The directions (bits [`NO_RISE`], [`NO_FALL`]) in which each row of `view` can never change
/// in an alternative table that does not start at it, given the dwellings of every row and the
/// rests a reader knows to be empty.
pub fn fixed_rows(view: &View, dwellings: &[i64], empty: &[bool]) -> Vec<u8> {
    let mut out = vec![UNKNOWN; view.len()];
    // explicit stack (rows, then their children) rather than recursion
    let mut stack = Vec::new();
    for row in 0..view.len() as u32 {
        stack.push((row, false));
        while let Some((r, expanded)) = stack.pop() {
            if out[r as usize] != UNKNOWN {
                continue;
            }
            if !expanded {
                stack.push((r, true));
                for rel in constraining(view, r) {
                    for &c in &view.relations[rel as usize].children {
                        if out[c as usize] == UNKNOWN {
                            stack.push((c, false));
                        }
                    }
                }
                continue;
            }
            out[r as usize] = own(view, r, dwellings, empty) | through(view, &out, r);
        }
    }
    out
}

/// The directions in which the relations below `row` cannot take a change of it, given the
/// fixed directions of their children: a relation takes a change in a direction if one of its
/// children can. For the node an alternative table starts at, which may move even when it is a
/// single dwelling, this is all that stops it.
pub fn through(view: &View, fixed: &[u8], row: u32) -> u8 {
    constraining(view, row).fold(0, |f, rel| {
        f | view.relations[rel as usize]
            .children
            .iter()
            .fold(NO_RISE | NO_FALL, |a, &c| a & fixed[c as usize])
    })
}

/// The relations below `row` that a change of it must go through: those that hold for every
/// measure, but « ensemble » = « récents » + rest (whose rest depends on the measure).
fn constraining(view: &View, row: u32) -> impl Iterator<Item = u32> + '_ {
    view.down[row as usize].iter().copied().filter(move |&ri| {
        let rel = &view.relations[ri as usize];
        rel.measure.is_none() && !matches!(rel.kind, RelKind::Population | RelKind::Total)
    })
}

/// What a row's own nature forbids: a single dwelling fixed (a « récents » row of a single
/// household may rise), a rest a reader knows to be empty.
fn own(view: &View, row: u32, dwellings: &[i64], empty: &[bool]) -> u8 {
    match view.kinds[row as usize] {
        RowKind::Layer if dwellings[row as usize] == 1 => match view.population(row) {
            Population::Recents => NO_FALL,
            Population::Ensemble => NO_RISE | NO_FALL,
        },
        RowKind::Rest(_) if empty[row as usize] => NO_RISE | NO_FALL,
        _ => 0,
    }
}

/// Whether `fixed` forbids moving `node` by `change`.
pub fn forbids(fixed: &[u8], node: Node, change: i32) -> bool {
    stops(fixed[node.0 as usize], change)
}

/// Whether the directions `fixed` stop a change `change`.
pub fn stops(fixed: u8, change: i32) -> bool {
    let bit = match change.signum() {
        1 => NO_RISE,
        -1 => NO_FALL,
        _ => return false,
    };
    fixed & bit != 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Scale, Split};
    use crate::secrecy::reader::{KeyMap, RowKey};

    fn key(s: Scale, p: Population, c: &str) -> RowKey {
        (s, p, Split::Tout, c.to_string())
    }

    /// Commune C: programme P (bâtiment B: stairwells B-1 and B-2 of one dwelling each, in
    /// both populations) and, with `second`, programme Q (bâtiment D: stairwell D-1 of four
    /// dwellings); the fixed directions of every row, looked up by key.
    fn world(second: bool, rest_empty: bool) -> impl Fn(Scale, Population, &str) -> u8 {
        use Population::{Ensemble as E, Recents as R};
        let mut rows = vec![key(Scale::Commune, E, "C"), key(Scale::Programme, E, "P")];
        for p in [E, R] {
            rows.push(key(Scale::Batiment, p, "B"));
            rows.push(key(Scale::Cage, p, "B-1"));
            rows.push(key(Scale::Cage, p, "B-2"));
        }
        let mut km: Vec<(Scale, &str, &str, &str)> = vec![
            (Scale::Cage, "B-1", "code_batiment", "B"),
            (Scale::Cage, "B-2", "code_batiment", "B"),
            (Scale::Batiment, "B", "code_programme", "P"),
            (Scale::Programme, "P", "code_commune", "C"),
        ];
        if second {
            rows.push(key(Scale::Programme, E, "Q"));
            rows.push(key(Scale::Batiment, E, "D"));
            rows.push(key(Scale::Cage, E, "D-1"));
            km.push((Scale::Cage, "D-1", "code_batiment", "D"));
            km.push((Scale::Batiment, "D", "code_programme", "Q"));
            km.push((Scale::Programme, "Q", "code_commune", "C"));
        }
        let mut keys = KeyMap::new();
        for (s, c, k, v) in km {
            keys.entry((s, c.to_string()))
                .or_default()
                .insert(k.to_string(), v.to_string());
        }
        let view = View::build(rows, &keys);
        let mut dwellings = vec![0i64; view.len()];
        let mut set = |s, p, c: &str, n| dwellings[view.index[&key(s, p, c)] as usize] = n;
        for p in [E, R] {
            set(Scale::Cage, p, "B-1", 1);
            set(Scale::Cage, p, "B-2", 1);
            set(Scale::Batiment, p, "B", 2);
        }
        set(Scale::Programme, E, "P", 2);
        set(Scale::Commune, E, "C", if second { 6 } else { 2 });
        if second {
            set(Scale::Cage, E, "D-1", 4);
            set(Scale::Batiment, E, "D", 4);
            set(Scale::Programme, E, "Q", 4);
        }
        // the commune's other rests (« sans IRIS », « hors parties ») stay free: it has no IRIS
        let empty: Vec<bool> = (0..view.len())
            .map(|r| rest_empty && view.kinds[r] == RowKind::Rest(RelKind::Programmes))
            .collect();
        let fixed = fixed_rows(&view, &dwellings, &empty);
        move |s, p, c| fixed[view.index[&key(s, p, c)] as usize]
    }

    #[test]
    fn a_building_of_single_dwelling_stairwells_is_fixed_and_so_is_its_programme() {
        use Population::Ensemble as E;
        let f = world(true, true);
        assert_eq!(f(Scale::Cage, E, "B-1"), NO_RISE | NO_FALL);
        assert_eq!(f(Scale::Batiment, E, "B"), NO_RISE | NO_FALL);
        assert_eq!(f(Scale::Programme, E, "P"), NO_RISE | NO_FALL);
        // the other programme can move, so the commune can
        assert_eq!(f(Scale::Programme, E, "Q"), 0);
        assert_eq!(f(Scale::Commune, E, "C"), 0);
    }

    #[test]
    fn a_commune_of_fixed_programmes_is_fixed_unless_its_rest_may_take_the_change() {
        use Population::Ensemble as E;
        assert_eq!(
            world(false, true)(Scale::Commune, E, "C"),
            NO_RISE | NO_FALL
        );
        assert_eq!(world(false, false)(Scale::Commune, E, "C"), 0);
    }

    #[test]
    fn recents_rows_of_single_households_may_still_rise() {
        let f = world(false, true);
        assert_eq!(f(Scale::Cage, Population::Recents, "B-1"), NO_FALL);
        assert_eq!(f(Scale::Batiment, Population::Recents, "B"), NO_FALL);
    }

    #[test]
    fn a_change_is_stopped_only_in_a_fixed_direction() {
        assert!(stops(NO_RISE, 1) && !stops(NO_RISE, -1));
        assert!(stops(NO_FALL, -2) && !stops(NO_FALL, 2));
        assert!(!stops(NO_RISE | NO_FALL, 0));
    }
}

//! Which additive measures a set of published values gives away, and how an unpublished value
//! can be protected — both read from the catalogue ([`IndicatorDef`]), never from indicator
//! names, so every indicator added to the catalogue is covered.
//!
//! A published value at a row gives away:
//! * its base count (the `effectif` column);
//! * for a count, its numerator;
//! * for a share or mean, its numerator once its denominator is known (value × denominator) and
//!   its denominator once its numerator is known — applied until nothing changes.

use super::bits::Bits;
use crate::indicators::{IndicatorDef, Kind, Measure, N_MEASURES};

const _: () = assert!(
    2 * N_MEASURES <= Bits::CAPACITY,
    "MeasureSet holds both populations"
);

/// A set of measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct MeasureSet(pub Bits);

impl MeasureSet {
    pub fn contains(self, m: Measure) -> bool {
        self.0.get(m as usize)
    }
    pub fn contains_index(self, k: usize) -> bool {
        self.0.get(k)
    }
    pub fn insert(&mut self, m: Measure) {
        self.0.set(m as usize);
    }
    pub fn union(self, o: MeasureSet) -> MeasureSet {
        MeasureSet(self.0 | o.0)
    }
    pub fn intersects(self, o: MeasureSet) -> bool {
        !(self.0 & o.0).is_empty()
    }
    pub fn is_empty(self) -> bool {
        self.0.is_empty()
    }
    /// Measure indices in the set.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        self.0.ones().take_while(|&k| k < N_MEASURES)
    }
}

/// The measures given away by the published values `defs` of one row.
pub fn revealed<'a>(defs: impl Iterator<Item = &'a IndicatorDef> + Clone) -> MeasureSet {
    let mut r = MeasureSet::default();
    for d in defs.clone() {
        r.insert(d.base);
        if d.kind == Kind::Count {
            r.insert(d.numerator);
        }
    }
    loop {
        let before = r;
        for d in defs.clone() {
            if let Some(den) = d.denominator {
                if r.contains(den) {
                    r.insert(d.numerator);
                }
                if r.contains(d.numerator) {
                    r.insert(den);
                }
            }
        }
        if r == before {
            return r;
        }
    }
}

/// The measures one published value may give away (before combining with the others of its
/// row): used to know which rows a value can tell apart.
pub fn touched(d: &IndicatorDef) -> MeasureSet {
    let mut r = MeasureSet::default();
    r.insert(d.base);
    r.insert(d.numerator);
    if let Some(den) = d.denominator {
        r.insert(den);
    }
    r
}

/// A distribution of the catalogue: the shares of one `group` over one denominator. Changing
/// the category of one unit between two of its categories (or a category and the rest of the
/// denominator) changes these measures only.
#[derive(Debug, Clone)]
pub struct Family {
    pub name: &'static str,
    pub denominator: Measure,
    /// Category measures (numerators of the shares).
    pub categories: Vec<Measure>,
}

/// The families of `defs`: one per (group, denominator) of its shares; a share without a group
/// is a family of its own.
pub fn families(defs: &[&'static IndicatorDef]) -> Vec<Family> {
    let mut out: Vec<Family> = Vec::new();
    for d in defs {
        let (Kind::Share, Some(den)) = (d.kind, d.denominator) else {
            continue;
        };
        let name = d.group.unwrap_or(d.field);
        match out
            .iter_mut()
            .find(|f| f.name == name && f.denominator == den)
        {
            Some(f) => {
                if !f.categories.contains(&d.numerator) {
                    f.categories.push(d.numerator);
                }
            }
            None => out.push(Family {
                name,
                denominator: den,
                categories: vec![d.numerator],
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::{by_field, for_population};
    use crate::model::Population;

    #[test]
    fn a_share_with_its_base_gives_its_numerator() {
        let d = by_field("part_apl").unwrap();
        let r = revealed([d].into_iter());
        assert!(r.contains(d.numerator));
        assert!(r.contains(d.denominator.unwrap()));
    }

    #[test]
    fn a_ratio_gives_its_numerator_only_with_its_denominator() {
        // loyer_m2 rests on let dwellings with a known rent, its denominator is a surface sum
        let d = by_field("loyer_m2").unwrap();
        let alone = revealed([d].into_iter());
        assert!(!alone.contains(d.numerator));
        assert!(alone.contains(d.base));
    }

    #[test]
    fn every_share_belongs_to_one_family() {
        let defs = for_population(Population::Ensemble);
        let fams = families(&defs);
        for d in defs.iter().filter(|d| d.kind == Kind::Share) {
            let n = fams
                .iter()
                .filter(|f| {
                    f.denominator == d.denominator.unwrap() && f.categories.contains(&d.numerator)
                })
                .count();
            assert!(n >= 1, "{}", d.field);
        }
    }
}

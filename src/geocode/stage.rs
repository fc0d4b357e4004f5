//! The geocoding stage of `opsgeo run`: every distinct address once, manual corrections, the
//! location of every dwelling, the review rows and the counts per level and per commune.

use std::collections::{BTreeMap, HashMap};

use super::corrections::{Correction, Corrections};
use super::review::{needs_review, ReviewRow};
use super::{geocode_addresses, locate_dwellings, BanIndex, GeocodeLevel, GeocodeResult, Location};
use crate::model::{AddressBook, Dwelling};

/// What the geocoding stage produced.
#[derive(Debug, Clone)]
pub struct GeocodeStage {
    /// Answer per distinct address (corrections applied).
    pub by_address: Vec<GeocodeResult>,
    /// The geocoder's answers replaced by a correction, by address id.
    pub proposals: HashMap<u32, GeocodeResult>,
    /// Location per dwelling.
    pub locations: Vec<Location>,
    /// Dwellings located by their address's answer (not by their RPLS X/Y or an identifier
    /// correction), per address.
    pub dwellings_by_address: Vec<u64>,
    /// Address keys of the corrections file that matched an address.
    pub corrected_addresses: u64,
    /// Dwellings corrected by identifier.
    pub corrected_dwellings: u64,
    /// Corrections (keys and identifiers) that matched nothing.
    pub corrections_unused: u64,
    /// Lines of the corrections file whose address key matched no address.
    pub unused_key_lines: Vec<u64>,
}

/// Geocodes `book`, applies the corrections, and locates every dwelling: an identifier
/// correction, else an address correction, else a valid RPLS X/Y, else the address's answer.
/// `by_ident` holds the identifier corrections already resolved to dwelling indices, and
/// `unused_idents` how many matched no dwelling.
pub fn run(
    book: &AddressBook,
    dwellings: &[Dwelling],
    ban: &BanIndex,
    corrections: &Corrections,
    by_ident: &[(u32, Correction)],
    unused_idents: u64,
) -> GeocodeStage {
    let mut by_address = geocode_addresses(book, ban);
    let (replaced, unused_keys) = corrections.apply(book, &mut by_address);
    let corrected_addresses = replaced.len() as u64;
    let mut locations = locate_dwellings(dwellings, &by_address);
    for (d, c) in by_ident {
        if let Some(l) = locations.get_mut(*d as usize) {
            *l = Location {
                point: Some(c.point),
                level: GeocodeLevel::Correction,
            };
        }
    }
    let mut dwellings_by_address = vec![0u64; book.len()];
    let mut ident = by_ident.iter().map(|(d, _)| *d).peekable();
    for (i, (d, l)) in dwellings.iter().zip(&locations).enumerate() {
        let by_ident = ident.next_if_eq(&(i as u32)).is_some();
        if !by_ident && l.level != GeocodeLevel::RplsXy {
            dwellings_by_address[d.address as usize] += 1;
        }
    }
    GeocodeStage {
        by_address,
        proposals: replaced.into_iter().collect(),
        locations,
        dwellings_by_address,
        corrected_addresses,
        corrected_dwellings: by_ident.len() as u64,
        corrections_unused: unused_keys.len() as u64 + unused_idents,
        unused_key_lines: unused_keys,
    }
}

impl GeocodeStage {
    /// The rows of the review layer: every address that locates at least one dwelling below
    /// `numero`, through a forgiven typo, or outside its commune (`outside_commune[address]`,
    /// see [`Self::addresses_outside_commune`]), and every corrected address, in address order.
    pub fn review_rows<'a>(
        &'a self,
        book: &'a AddressBook,
        outside_commune: &[bool],
    ) -> Vec<ReviewRow<'a>> {
        let outside = |i: usize| outside_commune.get(i).copied().unwrap_or(false);
        self.by_address
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                r.level == GeocodeLevel::Correction
                    || ((needs_review(r.level, r.score) || outside(*i))
                        && self.dwellings_by_address[*i] > 0)
            })
            .map(|(i, r)| ReviewRow {
                address: book.get(i as u32),
                result: r,
                proposal: self.proposals.get(&(i as u32)).unwrap_or(r),
                dwellings: self.dwellings_by_address[i],
                outside_commune: r.level != GeocodeLevel::Correction && outside(i),
            })
            .collect()
    }

    /// Per address: whether a dwelling located by the address's answer (at the number, by
    /// interpolation or at the street: not by its RPLS X/Y or a correction) lies outside the
    /// polygon of its own commune. `in_own_commune(i)` says whether dwelling `i`'s point lies in
    /// its `DEPCOM` commune's polygon. A whole BAN street moved kilometres away, or a street of
    /// the same name in another commune, is found at the number with a perfect score: only its
    /// place tells it.
    pub fn addresses_outside_commune(
        &self,
        dwellings: &[Dwelling],
        in_own_commune: impl Fn(usize) -> bool,
    ) -> Vec<bool> {
        let mut outside = vec![false; self.by_address.len()];
        for (i, (d, l)) in dwellings.iter().zip(&self.locations).enumerate() {
            let by_answer = !matches!(l.level, GeocodeLevel::RplsXy | GeocodeLevel::Correction);
            if by_answer && l.level.locates_in_zones() && l.point.is_some() && !in_own_commune(i) {
                if let Some(o) = outside.get_mut(d.address as usize) {
                    *o = true;
                }
            }
        }
        outside
    }

    /// Dwellings per level, per commune (`commune_code(d)` gives a dwelling's commune code).
    pub fn counts_by_commune<'c>(
        &self,
        dwellings: &[Dwelling],
        commune_code: impl Fn(&Dwelling) -> &'c str,
    ) -> BTreeMap<String, BTreeMap<String, u64>> {
        let mut out: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for (d, l) in dwellings.iter().zip(&self.locations) {
            *out.entry(commune_code(d).to_string())
                .or_default()
                .entry(l.level.key().to_string())
                .or_default() += 1;
        }
        out
    }
}

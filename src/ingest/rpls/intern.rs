//! Interning of the landlord → programme → building → stairwell hierarchy, of addresses and of
//! QVA codes while the RPLS file is read.
//!
//! Lookups go through one reusable key buffer, so a row whose stairwell and address were already
//! seen (the common case: several dwellings per stairwell) allocates nothing. Internal keys join
//! the parts with U+001F (unit separator), which cannot be confused with data, so that
//! `IMMEU = "A-B", BAT = "C"` and `IMMEU = "A", BAT = "B-C"` stay distinct entities even though
//! their published codes are written the same way.

use std::collections::HashMap;

use super::keys::KeyTable;
use crate::model::{
    AddressBook, AddressId, Building, Landlord, Programme, RawAddress, Stairwell, Structure,
};

const SEP: char = '\u{1f}';

/// The parts of a postal address, cleaned by [`super::address::AddressFields::parts`].
#[derive(Debug, Clone, Copy)]
pub struct AddressParts<'a> {
    pub depcom: &'a str,
    pub postcode: &'a str,
    pub commune_name: &'a str,
    pub number: &'a str,
    pub index: &'a str,
    pub street_type: &'a str,
    pub street_name: &'a str,
    pub locality: &'a str,
}

impl AddressParts<'_> {
    pub fn to_raw(self) -> RawAddress {
        RawAddress {
            depcom: self.depcom.to_string(),
            postcode: self.postcode.to_string(),
            commune_name: self.commune_name.to_string(),
            number: self.number.to_string(),
            index: self.index.to_string(),
            street_type: self.street_type.to_string(),
            street_name: self.street_name.to_string(),
            locality: self.locality.to_string(),
        }
    }
}

/// A value with five digits in a row (an `IDENT_REP`, an `IDENT_ORG`, a SIREN number) is not a
/// landlord's name.
fn looks_like_identifier(value: &str) -> bool {
    value
        .as_bytes()
        .split(|b| !b.is_ascii_digit())
        .any(|run| run.len() >= 5)
}

/// More landlords than a `u16` index can hold.
#[derive(Debug)]
pub struct TooManyLandlords;

/// Id of a key that `get` just failed to find.
fn new_id(r: Result<u32, u32>) -> u32 {
    r.unwrap_or_else(|existing| existing)
}

/// Lookup tables kept only while reading. Each table's ids are the indices of the matching
/// [`Structure`] vector (or of the [`AddressBook`]).
#[derive(Default)]
pub struct Interner {
    key: String,
    landlords: KeyTable,
    programmes: KeyTable,
    buildings: KeyTable,
    stairwells: KeyTable,
    addresses: KeyTable,
    qva: HashMap<Box<str>, u32>,
    /// Per landlord, each `RS` read with its number of rows, in first-seen order.
    landlord_names: Vec<Vec<(Box<str>, u32)>>,
}

impl Interner {
    /// Interns the stairwell of a dwelling (and its building, programme and landlord when new).
    /// `bat` and `stair` are the already-defaulted parts (`"0"` when absent). Returns the
    /// landlord and stairwell indices.
    pub fn stairwell(
        &mut self,
        s: &mut Structure,
        org: &str,
        rs: &str,
        immeu: &str,
        bat: &str,
        stair: &str,
    ) -> Result<(u16, u32), TooManyLandlords> {
        let key = &mut self.key;
        key.clear();
        key.push_str(org);
        let l_org = key.len();
        key.push(SEP);
        key.push_str(immeu);
        let l_prog = key.len();
        key.push(SEP);
        key.push_str(bat);
        let l_bat = key.len();
        key.push(SEP);
        key.push_str(stair);

        let (landlord, stairwell) = if let Some(sw) = self.stairwells.get(key.as_str()) {
            let b = s.stairwells[sw as usize].building;
            let p = s.buildings[b as usize].programme;
            (s.programmes[p as usize].landlord, sw)
        } else {
            let (landlord, building) = match self.buildings.get(&key[..l_bat]) {
                Some(b) => (
                    s.programmes[s.buildings[b as usize].programme as usize].landlord,
                    b,
                ),
                None => {
                    let (landlord, programme) = match self.programmes.get(&key[..l_prog]) {
                        Some(p) => (s.programmes[p as usize].landlord, p),
                        None => {
                            let landlord = match self.landlords.get(&key[..l_org]) {
                                Some(l) => l as u16,
                                None => {
                                    let l = u16::try_from(s.landlords.len())
                                        .map_err(|_| TooManyLandlords)?;
                                    s.landlords.push(Landlord {
                                        code: org.to_string(),
                                        name: String::new(),
                                    });
                                    let _ = self.landlords.insert(&key[..l_org]);
                                    l
                                }
                            };
                            s.programmes.push(Programme {
                                code: format!("{org}-{immeu}"),
                                landlord,
                            });
                            (landlord, new_id(self.programmes.insert(&key[..l_prog])))
                        }
                    };
                    s.buildings.push(Building {
                        code: format!("{}-{bat}", s.programmes[programme as usize].code),
                        programme,
                    });
                    (landlord, new_id(self.buildings.insert(&key[..l_bat])))
                }
            };
            s.stairwells.push(Stairwell {
                code: format!("{}-{stair}", s.buildings[building as usize].code),
                building,
            });
            (landlord, new_id(self.stairwells.insert(key)))
        };
        self.name_landlord(landlord, rs);
        Ok((landlord, stairwell))
    }

    /// Counts `rs` for `landlord` (see [`Self::name_landlords`]); a value shaped like an
    /// identifier is not counted.
    fn name_landlord(&mut self, landlord: u16, rs: &str) {
        if rs.is_empty() || looks_like_identifier(rs) {
            return;
        }
        let i = landlord as usize;
        if self.landlord_names.len() <= i {
            self.landlord_names.resize_with(i + 1, Vec::new);
        }
        let names = &mut self.landlord_names[i];
        match names.iter_mut().find(|(n, _)| &**n == rs) {
            Some((_, count)) => *count += 1,
            None => names.push((rs.into(), 1)),
        }
    }

    /// Names every landlord of `s` by its most frequent `RS` (the first seen among equals),
    /// once every row is read. The name is published: one row whose `RS` holds something else
    /// (an identifier, a person's name typed in the wrong column) cannot name the landlord when
    /// its other rows agree, and a value shaped like an identifier never names it.
    pub fn name_landlords(&self, s: &mut Structure) {
        for (landlord, names) in s.landlords.iter_mut().zip(&self.landlord_names) {
            let best = names
                .iter()
                .fold(None::<&(Box<str>, u32)>, |best, n| match best {
                    Some(b) if b.1 >= n.1 => Some(b),
                    _ => Some(n),
                });
            if let Some((name, _)) = best {
                landlord.name = name.to_string();
            }
        }
    }

    /// Interns an address into `book`.
    pub fn address(&mut self, book: &mut AddressBook, a: AddressParts<'_>) -> AddressId {
        let key = &mut self.key;
        key.clear();
        for (i, part) in [
            a.depcom,
            a.postcode,
            a.commune_name,
            a.number,
            a.index,
            a.street_type,
            a.street_name,
            a.locality,
        ]
        .into_iter()
        .enumerate()
        {
            if i > 0 {
                key.push(SEP);
            }
            key.push_str(part);
        }
        if let Some(id) = self.addresses.get(key) {
            return id;
        }
        let id = book.intern(a.to_raw());
        let mine = new_id(self.addresses.insert(key));
        debug_assert_eq!(
            id, mine,
            "the address book is filled only through this interner"
        );
        id
    }

    /// Interns a `PLG_QVA` code into `s.qva_codes`.
    pub fn qva(&mut self, s: &mut Structure, code: &str) -> u32 {
        if let Some(&i) = self.qva.get(code) {
            return i;
        }
        let i = s.qva_codes.len() as u32;
        s.qva_codes.push(code.to_string());
        self.qva.insert(code.into(), i);
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (16th session): the first non-empty `RS` of a landlord named it in the
    /// published layers: an `IDENT_REP` typed in `RS` on its first row was published as the
    /// landlord's name.
    #[test]
    fn an_identifier_in_rs_never_names_the_landlord() {
        let mut s = Structure::default();
        let mut i = Interner::default();
        for (rs, stair) in [("Z356750897", "1"), ("Orvitis", "2"), ("Z744171386", "3")] {
            i.stairwell(&mut s, "000000101", rs, "P1", "A", stair)
                .unwrap();
        }
        i.name_landlords(&mut s);
        assert_eq!(s.landlords[0].name, "Orvitis");
        // a typo on one row does not outvote the others
        for (rs, stair) in [("M. Dupont", "4"), ("Orvitis", "5")] {
            i.stairwell(&mut s, "000000102", rs, "P2", "A", stair)
                .unwrap();
        }
        i.stairwell(&mut s, "000000102", "Habellis", "P2", "A", "6")
            .unwrap();
        i.stairwell(&mut s, "000000102", "Habellis", "P2", "A", "7")
            .unwrap();
        i.name_landlords(&mut s);
        assert_eq!(s.landlords[1].name, "Habellis");
        assert!(looks_like_identifier("000000101"));
        assert!(!looks_like_identifier("Immobilière 3F"));
    }

    #[test]
    fn hierarchy_is_interned_in_first_seen_order() {
        let mut s = Structure::default();
        let mut i = Interner::default();
        let a = i.stairwell(&mut s, "ORG1", "", "P1", "A", "1").unwrap();
        let b = i.stairwell(&mut s, "ORG1", "OPH", "P1", "A", "2").unwrap();
        let c = i.stairwell(&mut s, "ORG2", "SA", "P1", "0", "0").unwrap();
        let d = i
            .stairwell(&mut s, "ORG1", "autre", "P1", "A", "1")
            .unwrap();
        assert_eq!((a, b, c, d), ((0, 0), (0, 1), (1, 2), (0, 0)));
        i.name_landlords(&mut s);
        assert_eq!(
            s.landlords[0].name, "OPH",
            "first of the most frequent RS wins"
        );
        assert_eq!(s.programmes.len(), 2);
        assert_eq!(s.programmes[1].code, "ORG2-P1");
        assert_eq!(s.buildings.len(), 2);
        assert_eq!(s.stairwells[1].code, "ORG1-P1-A-2");
        assert_eq!(s.stairwells[2].code, "ORG2-P1-0-0");
        assert_eq!(s.programme_of(2), 1);
    }

    #[test]
    fn look_alike_codes_stay_distinct() {
        let mut s = Structure::default();
        let mut i = Interner::default();
        let a = i.stairwell(&mut s, "O", "", "A-B", "C", "0").unwrap();
        let b = i.stairwell(&mut s, "O", "", "A", "B-C", "0").unwrap();
        assert_ne!(a.1, b.1);
        assert_eq!(s.programmes.len(), 2);
    }

    #[test]
    fn addresses_and_qva_are_deduplicated() {
        let mut book = AddressBook::default();
        let mut s = Structure::default();
        let mut i = Interner::default();
        let p = AddressParts {
            depcom: "21231",
            postcode: "21000",
            commune_name: "Dijon",
            number: "12",
            index: "",
            street_type: "RUE",
            street_name: "DES GODRANS",
            locality: "",
        };
        let a = i.address(&mut book, p);
        let b = i.address(&mut book, AddressParts { number: "14", ..p });
        let c = i.address(&mut book, p);
        assert_eq!((a, b, c), (0, 1, 0));
        assert_eq!(book.len(), 2);
        assert_eq!(book.get(1).number, "14");
        assert_eq!(i.qva(&mut s, "QVA1"), 0);
        assert_eq!(i.qva(&mut s, "QVA2"), 1);
        assert_eq!(i.qva(&mut s, "QVA1"), 0);
        assert_eq!(s.qva_codes, vec!["QVA1", "QVA2"]);
    }
}

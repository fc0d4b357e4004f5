//! The one cleaning of the RPLS address fields, shared by `opsgeo run` (the RPLS reader) and
//! `opsgeo geocode` (the batch geocoder), so that both build the same [`RawAddress`] — and the
//! same address key — for the same row.
//!
//! House number « 0 » (or « 00 »…) is read as no number: the BAN numbers run from 1 to 9999 and
//! an address numbered 0 is not an address of the BAN (« Gestion des numéros », guide of the
//! Base Adresse Nationale). Leading zeros are dropped (`0012B` → `12B`); the RPLS sentinels
//! INDREP `9` and TYPVOIE `99` (none) are removed. Spelling is otherwise kept: normalisation
//! happens when matching.

use super::intern::AddressParts;
use super::{house_number, without_sentinel};
use crate::model::RawAddress;

/// The address fields of one RPLS row, as read.
#[derive(Debug, Clone, Copy, Default)]
pub struct AddressFields<'a> {
    pub numvoie: &'a str,
    pub indrep: &'a str,
    pub typvoie: &'a str,
    pub nomvoie: &'a str,
    pub codepostal: &'a str,
    pub libcom: &'a str,
    pub depcom: &'a str,
    pub lieudit: &'a str,
}

impl<'a> AddressFields<'a> {
    /// The cleaned parts: trimmed, house number without leading zeros (« 0 » → none), the
    /// sentinels removed.
    pub fn parts(&self) -> AddressParts<'a> {
        AddressParts {
            depcom: self.depcom.trim(),
            postcode: self.codepostal.trim(),
            commune_name: self.libcom.trim(),
            number: house_number(self.numvoie.trim()),
            index: without_sentinel(self.indrep.trim(), "9"),
            street_type: without_sentinel(self.typvoie.trim(), "99"),
            street_name: self.nomvoie.trim(),
            locality: self.lieudit.trim(),
        }
    }

    /// The [`RawAddress`] of these fields (see [`AddressFields::parts`]).
    pub fn to_raw(&self) -> RawAddress {
        self.parts().to_raw()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(numvoie: &'a str, indrep: &'a str, typvoie: &'a str) -> AddressFields<'a> {
        AddressFields {
            numvoie,
            indrep,
            typvoie,
            nomvoie: " PIRON ",
            depcom: "21231",
            ..Default::default()
        }
    }

    #[test]
    fn raw_address_from_rpls_fields() {
        let r = fields("0012", "9", "99").to_raw();
        assert_eq!(
            (r.number.as_str(), r.index.as_str(), r.street_type.as_str()),
            ("12", "", "")
        );
        assert_eq!(r.street_name, "PIRON");
        assert_eq!(fields("012B", "", "R").to_raw().number, "12B");
        assert_eq!(fields("", "", "R").to_raw().number, "");
    }

    #[test]
    fn house_number_zero_is_no_number() {
        // the BAN numbers run from 1: « 0 » is an address without a number, as « »
        assert_eq!(fields("0", "", "R").to_raw(), fields("", "", "R").to_raw());
        assert_eq!(fields("000", "B", "R").to_raw().number, "");
        assert_eq!(fields("0B", "", "R").to_raw().number, "B");
    }
}

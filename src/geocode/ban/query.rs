//! A query, normalised once and resolved against the index tables.

use super::BanIndex;
use crate::geocode::normalize::{
    clean_street_field, normalize_index, normalize_insee, normalize_street, split_number, RepIndex,
    StreetKey,
};
use crate::model::RawAddress;

/// A street name to look for: its key, and the key's id when the index knows it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StreetQuery {
    pub key: StreetKey,
    pub name_id: Option<u32>,
}

impl StreetQuery {
    fn new(ban: &BanIndex, key: StreetKey) -> Option<StreetQuery> {
        if key.is_empty() {
            return None;
        }
        let name_id = ban.data.names.get(&key.name);
        Some(StreetQuery { key, name_id })
    }
}

/// A query, resolved against the index tables.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    /// INSEE code id, when the index knows it.
    pub commune: Option<u32>,
    /// The street (`TYPVOIE` + `NOMVOIE`, noise removed).
    pub street: Option<StreetQuery>,
    /// The lieu-dit (`LIEUDIT`, or found inside `NOMVOIE`), used when no street matches.
    pub locality: Option<StreetQuery>,
    pub number: Option<u32>,
    pub index: Option<RepIndex>,
}

impl Query {
    pub fn new(ban: &BanIndex, addr: &RawAddress) -> Query {
        let d = &ban.data;
        let commune = normalize_insee(&addr.depcom).and_then(|c| d.communes.get(&c));
        let (mut number, attached) = split_number(&addr.number);
        let mut index = normalize_index(&addr.index).or(attached);
        let field = clean_street_field(
            &addr.street_type,
            &addr.street_name,
            addr.number.trim().is_empty(),
        );
        if number.is_none() {
            if let Some(n) = field.number {
                number = Some(n);
                index = index.or(field.index);
            }
        }
        let street = StreetQuery::new(ban, normalize_street("", &field.street));
        let locality_text = if addr.locality.trim().is_empty() {
            field.locality.unwrap_or_default()
        } else {
            addr.locality.clone()
        };
        let locality = StreetQuery::new(ban, normalize_street("", &locality_text));
        Query {
            commune,
            street,
            locality,
            number,
            index,
        }
    }
}

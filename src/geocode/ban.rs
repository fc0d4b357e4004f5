//! In-memory index of BAN address points (`adresses-DEP.csv[.gz]`).
//!
//! [`BanIndex::load`] reads one or more BAN files through [`crate::ingest::source::CsvSource`]
//! (plain or gzip, encoding and delimiter detected). Required columns: `id`, `numero`, `rep`,
//! `nom_voie`, `code_insee`, `x`, `y` (Lambert-93); optional: `code_postal`, `nom_commune`,
//! `code_insee_ancienne_commune` (the address is then found under both codes), `nom_afnor` and
//! `alias` (other spellings of the street, also searchable). A row with an invalid INSEE code,
//! house number or x/y, or an empty street name, is rejected: counted in [`BanIndex::stats`] and
//! by reason in [`BanIndex::rejects`], listed in [`BanIndex::reject_log`] (written to
//! `rejets.csv` by `opsgeo run` and `opsgeo check`), and logged at `debug` level; values go
//! through [`crate::ingest::rejects::shown`] like those of every other input.
//!
//! Addresses are grouped into streets: same INSEE code, former commune code, postcode and
//! normalised street key ([`crate::geocode::normalize::normalize_street`]). Every spelling of a
//! street is a key (INSEE code, type, name), found under the current and the former commune
//! code; several streets can share a key (two former communes of a commune nouvelle with the
//! same "Rue de la Gare", or one street across two postcodes). Exact names are found through a
//! hash table, similar names by a scan of the commune's keys within a window of name lengths
//! ([`fuzzy`]); each commune also has a representative point. See [`build`] for the memory
//! layout, [`lookup`] for the cascade and [`numbers`] for the house-number steps.

mod build;
mod derived;
mod fuzzy;
mod intern;
mod lookup;
mod numbers;
mod query;
mod typo;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::normalize::RepIndex;
use super::{GeocodeError, GeocodeOptions, GeocodeResult};
use crate::model::{RawAddress, NONE};

use intern::{Interner, StrTable};

/// Bits of an entry key holding the repetition index id (the house number takes the others).
const REP_BITS: u32 = 12;
/// Distinct raw repetition indices an index can hold (id 0 = none).
const MAX_REPS: usize = 1 << REP_BITS;
/// Largest house number an index can hold.
pub const MAX_NUMBER: u32 = (1 << (32 - REP_BITS)) - 1;
/// Marks a lookup value that points into `IndexData::multi`.
const MULTI_FLAG: u32 = 1 << 31;

/// One address point: 12 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    /// `number << REP_BITS | rep id`: sorting by key sorts by number, then index.
    key: u32,
    /// Lambert-93, centimetres.
    x: i32,
    y: i32,
}

impl Entry {
    fn number(self) -> u32 {
        self.key >> REP_BITS
    }

    fn rep(self) -> u32 {
        self.key & ((1 << REP_BITS) - 1)
    }
}

/// A street of one commune (and former commune, and postcode).
#[derive(Debug, Clone, Copy)]
struct Street {
    /// `nom_voie` as written in the BAN (`text`).
    name: u32,
    postcode: u32,
    commune_name: u32,
    /// BAN id prefix of the street's addresses (`text`), `NONE` when no address had one.
    id_prefix: u32,
    /// Former commune code (`IndexData::communes` id), `NONE` when none.
    ancienne: u32,
    /// Range in `IndexData::entries`.
    start: u32,
    len: u32,
}

impl Street {
    /// Representative point of the street: its middle address by number.
    fn middle(&self) -> u32 {
        self.start + self.len / 2
    }
}

/// What the index knows about one INSEE code (current or former commune).
#[derive(Debug, Clone, Copy)]
struct CommuneInfo {
    /// Representative point: the address nearest to the mean of the commune's addresses
    /// (Lambert-93 centimetres).
    x: i32,
    y: i32,
    /// `nom_commune` (`text`).
    name: u32,
    postcode: u32,
    /// Range of the commune's street keys in `IndexData::fuzzy`, and of their
    /// abbreviated-titles forms in `IndexData::fuzzy_abbr`.
    keys: (u32, u32),
    abbr: (u32, u32),
}

/// One street key of a commune, with what the fuzzy scan needs to filter it cheaply.
#[derive(Debug, Clone, Copy)]
struct FuzzyKey {
    /// Characters of the name ([`fuzzy::char_mask`]).
    mask: u64,
    /// Adjacent pairs of characters ([`fuzzy::pair_mask`]).
    pairs: u64,
    /// Name key id (`IndexData::names`).
    name: u32,
    /// Street id, or `MULTI_FLAG | i` for `multi[i]` (as in `lookup`).
    value: u32,
    ty: u8,
    /// Length of the compact name.
    len: u8,
}

/// (INSEE code, street type code, name key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct LookupKey {
    commune: u32,
    name: u32,
    ty: u8,
}

/// The frozen index.
#[derive(Debug, Default)]
struct IndexData {
    communes: Interner,
    names: Interner,
    text: StrTable,
    /// Raw `rep` as written in the BAN, and its canonical form; id 0 = none.
    reps: Vec<(Box<str>, Option<RepIndex>)>,
    streets: Vec<Street>,
    entries: Vec<Entry>,
    /// Entry position → BAN id, for ids that do not follow the street prefix ("" = none).
    id_exceptions: HashMap<u32, Box<str>>,
    /// (INSEE code id, name key id) → range in `name_types`.
    by_name: rustc_hash::FxHashMap<(u32, u32), (u32, u32)>,
    /// (type code, street id or `MULTI_FLAG | i` for `multi[i]`), grouped by name.
    name_types: Vec<(u8, u32)>,
    multi: Vec<Box<[u32]>>,
    /// Per INSEE code id.
    commune_info: Vec<CommuneInfo>,
    /// Every (INSEE code, type, name) key, grouped by INSEE code, then sorted by compact length
    /// (the fuzzy scan reads a window of lengths only).
    fuzzy: Vec<FuzzyKey>,
    /// The same for names with titles, in their abbreviated form.
    fuzzy_abbr: Vec<FuzzyKey>,
}

/// BAN addresses indexed by INSEE commune, street and number.
#[derive(Debug, Default)]
pub struct BanIndex {
    /// Addresses loaded.
    pub addresses: u64,
    /// Files loaded.
    pub files: Vec<PathBuf>,
    /// Rows read / accepted / rejected per file.
    pub stats: Vec<crate::ingest::InputStats>,
    /// Rejected rows per reason (French), all files together.
    pub rejects: BTreeMap<String, u64>,
    /// Every rejected row (file, line, column, value when non-identifying, reason), for
    /// `rejets.csv`.
    pub reject_log: crate::ingest::rejects::RejectLog,
    /// Matching options (thresholds).
    pub options: GeocodeOptions,
    data: IndexData,
}

impl BanIndex {
    /// Loads one or more BAN files (`.csv` or `.csv.gz`). Files are parsed in parallel and
    /// merged in the given order, so the index does not depend on thread timing.
    pub fn load(paths: &[PathBuf]) -> Result<BanIndex, GeocodeError> {
        let built = build::build(paths)?;
        Ok(BanIndex {
            addresses: built.accepted,
            files: paths.to_vec(),
            stats: built.stats,
            rejects: built.rejects,
            reject_log: built.reject_log,
            options: GeocodeOptions::default(),
            data: built.data,
        })
    }

    /// The same index with other matching options.
    pub fn with_options(mut self, options: GeocodeOptions) -> Self {
        self.options = options;
        self
    }

    /// Geocodes one address (see [`lookup`] for the cascade).
    pub fn geocode(&self, addr: &RawAddress) -> GeocodeResult {
        lookup::geocode(self, addr)
    }

    /// Representative point of the addresses of an INSEE code (Lambert-93 metres), when the
    /// index has any.
    pub fn commune_point(&self, insee: &str) -> Option<(f64, f64)> {
        let id = self.data.communes.get(insee)?;
        let c = self.data.commune_info.get(id as usize)?;
        Some((f64::from(c.x) / 100.0, f64::from(c.y) / 100.0))
    }

    /// Distinct streets indexed.
    pub fn streets(&self) -> usize {
        self.data.streets.len()
    }

    /// Distinct INSEE codes indexed (current and former communes).
    pub fn communes(&self) -> usize {
        self.data.communes.len()
    }

    /// Approximate heap size of the index, in bytes (entries, streets, lookup tables; string
    /// contents are counted, hash-table overhead roughly).
    pub fn heap_bytes(&self) -> usize {
        let d = &self.data;
        let strings = |i: &Interner| -> usize {
            (0..i.len() as u32)
                .map(|k| 2 * (i.resolve(k).len() + 16) + 16)
                .sum::<usize>()
        };
        d.entries.capacity() * std::mem::size_of::<Entry>()
            + d.streets.capacity() * std::mem::size_of::<Street>()
            + d.by_name.capacity() * (std::mem::size_of::<((u32, u32), (u32, u32))>() + 1)
            + d.name_types.capacity() * std::mem::size_of::<(u8, u32)>()
            + d.fuzzy_abbr.capacity() * std::mem::size_of::<FuzzyKey>()
            + d.multi.iter().map(|m| m.len() * 4 + 16).sum::<usize>()
            + d.commune_info.capacity() * std::mem::size_of::<CommuneInfo>()
            + d.fuzzy.capacity() * std::mem::size_of::<FuzzyKey>()
            + d.id_exceptions
                .values()
                .map(|v| v.len() + 24)
                .sum::<usize>()
            + strings(&d.communes)
            + strings(&d.names)
            + d.text.heap_bytes()
    }

    /// The BAN id of entry `pos` of `street`.
    fn ban_id(&self, street: &Street, pos: u32) -> Option<String> {
        let d = &self.data;
        if let Some(id) = d.id_exceptions.get(&pos) {
            return (!id.is_empty()).then(|| id.to_string());
        }
        if street.id_prefix == NONE {
            return None;
        }
        let e = d.entries[pos as usize];
        let mut id = format!("{}_{:05}", d.text.resolve(street.id_prefix), e.number());
        let rep = &d.reps[e.rep() as usize].0;
        if !rep.is_empty() {
            id.push('_');
            id.push_str(&rep.to_lowercase());
        }
        Some(id)
    }

    /// `numero rep nom_voie code_postal nom_commune` of entry `pos`.
    fn label(&self, street: &Street, pos: u32) -> String {
        let d = &self.data;
        let e = d.entries[pos as usize];
        let number = e.number().to_string();
        self.join_label(&[&number, &d.reps[e.rep() as usize].0], street)
    }

    /// `[numero [rep]] nom_voie code_postal nom_commune` with the query's number.
    fn street_label(&self, street: &Street, number: Option<u32>, rep: Option<&RepIndex>) -> String {
        let n = number.map(|n| n.to_string()).unwrap_or_default();
        let r = rep
            .map(|r| r.to_string().to_lowercase())
            .unwrap_or_default();
        self.join_label(&[&n, &r], street)
    }

    fn join_label(&self, first: &[&str], street: &Street) -> String {
        let d = &self.data;
        let mut out = String::new();
        let rest = [
            d.text.resolve(street.name),
            d.text.resolve(street.postcode),
            d.text.resolve(street.commune_name),
        ];
        for p in first.iter().copied().chain(rest).filter(|p| !p.is_empty()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(p);
        }
        out
    }

    /// The street's id: the common prefix of its addresses' BAN ids (`21231_0100`).
    fn street_id(&self, street: &Street) -> Option<String> {
        (street.id_prefix != NONE).then(|| self.data.text.resolve(street.id_prefix).to_string())
    }
}

#[cfg(test)]
mod tests;

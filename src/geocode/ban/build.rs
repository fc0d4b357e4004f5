//! Building the compact BAN index: one [`Builder`] per file (files are read in parallel), merged
//! in file order (so ids, and therefore answers, do not depend on thread timing), then frozen
//! into an [`IndexData`]: [`read`] reads a file, [`freeze`] freezes the index.
//!
//! Memory layout: an address point is an [`Entry`](super::Entry) of 12 bytes (number and
//! repetition index packed in a `u32`, Lambert-93 x/y in centimetres as `i32`); entries are
//! sorted by street, then number, then index, and a [`Street`](super::Street) points at its
//! range. Strings (INSEE codes, name keys, street names, postcodes, commune names, BAN id
//! prefixes) are interned. BAN ids are not stored per address: most are
//! `<prefix>_<numero on 5 digits>[_<rep>]` and are rebuilt from the street's prefix; the others
//! are kept in an exception table.

mod freeze;
mod read;

use std::collections::{BTreeMap, HashMap};

use super::intern::Interner;
use super::{IndexData, MAX_REPS, REP_BITS};
use crate::geocode::normalize::{normalize_insee, normalize_street, StreetKey};
use crate::geocode::GeocodeError;
use crate::ingest::rejects::RejectLog;
use crate::ingest::InputStats;
use crate::model::NONE;

/// Reasons a BAN row is rejected (French, as shown in reports).
pub(crate) mod reason {
    pub const INSEE: &str = "code_insee invalide";
    pub const NUMERO: &str = "numero invalide";
    pub const NUMERO_BIG: &str = "numero trop grand";
    pub const VOIE: &str = "nom_voie vide";
    pub const XY: &str = "coordonnées x/y invalides";
    pub const XY_DOMAIN: &str =
        "coordonnées x/y hors du domaine du Lambert-93 (x et y inversés, autre projection ?)";
    pub const REP: &str = "trop d'indices de répétition distincts";
}

/// What makes two rows the same street.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct StreetIdentity {
    code: u32,
    ancienne: u32,
    postcode: u32,
    ty: u8,
    name: u32,
}

#[derive(Debug, Clone, Copy)]
struct RawEntry {
    street: u32,
    key: u32,
    x: i32,
    y: i32,
}

#[derive(Debug, Clone, Copy)]
struct StreetTmp {
    identity: StreetIdentity,
    label: u32,
    commune_name: u32,
    id_prefix: u32,
}

/// A BAN index under construction.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    communes: Interner,
    names: Interner,
    text: Interner,
    reps: Interner,
    streets: Vec<StreetTmp>,
    identity: HashMap<StreetIdentity, u32>,
    /// (street, type code, name key) for every spelling of a street (nom_voie, nom_afnor, alias).
    keys: Vec<(u32, u8, u32)>,
    raw: Vec<RawEntry>,
    /// Load sequence number → BAN id that does not follow the street prefix ("" = no id).
    id_exceptions: HashMap<u32, Box<str>>,
    pub accepted: u64,
}

impl Builder {
    fn new() -> Self {
        let mut b = Builder::default();
        // rep id 0 is "no index"
        b.reps.intern("");
        b
    }

    /// The street of a row, created when new.
    fn street_for(
        &mut self,
        code: &str,
        ancienne: &str,
        postcode: &str,
        commune_name: &str,
        nom_voie: &str,
        other_names: &[&str],
    ) -> u32 {
        let key = normalize_street("", nom_voie);
        let code_id = self.communes.intern(code);
        let ancienne_id = match normalize_insee(ancienne) {
            Some(a) if a != code => self.communes.intern(&a),
            _ => NONE,
        };
        let identity = StreetIdentity {
            code: code_id,
            ancienne: ancienne_id,
            postcode: self.text.intern(postcode),
            ty: key.type_code(),
            name: self.names.intern(&key.name),
        };
        let street = match self.identity.get(&identity) {
            Some(&s) => s,
            None => {
                let s = u32::try_from(self.streets.len()).expect("fewer than 4 billion streets");
                self.streets.push(StreetTmp {
                    identity,
                    label: self.text.intern(nom_voie),
                    commune_name: self.text.intern(commune_name),
                    id_prefix: NONE,
                });
                self.identity.insert(identity, s);
                self.keys.push((s, identity.ty, identity.name));
                s
            }
        };
        for other in other_names.iter().filter(|o| !o.is_empty()) {
            let k: StreetKey = normalize_street("", other);
            if !k.is_empty() {
                let name = self.names.intern(&k.name);
                if (k.type_code(), name) != (identity.ty, identity.name) {
                    self.keys.push((street, k.type_code(), name));
                }
            }
        }
        street
    }

    /// Keeps the BAN id of a row: through the street prefix when it follows the usual pattern,
    /// else as an exception.
    fn record_id(&mut self, street: u32, seq: u32, id: &str, number: u32, rep: &str) {
        let mut suffix = format!("_{number:05}");
        if !rep.is_empty() {
            suffix.push('_');
            suffix.push_str(&rep.to_lowercase());
        }
        let prefix = id.strip_suffix(suffix.as_str()).filter(|p| !p.is_empty());
        let derived = match prefix {
            Some(p) => {
                let st = &mut self.streets[street as usize];
                if st.id_prefix == NONE {
                    st.id_prefix = self.text.intern(p);
                    true
                } else {
                    self.text.resolve(st.id_prefix) == p
                }
            }
            None => false,
        };
        if !derived {
            self.id_exceptions.insert(seq, id.into());
        }
    }

    /// The INSEE codes of the communes whose streets this file holds (not their former
    /// communes), each once.
    fn main_communes(&self) -> std::collections::BTreeSet<&str> {
        self.streets
            .iter()
            .map(|s| self.communes.resolve(s.identity.code))
            .collect()
    }

    /// Appends `other` (the next file, in file order).
    pub fn absorb(&mut self, other: Builder) -> Result<(), GeocodeError> {
        let remap = |from: &Interner, to: &mut Interner| -> Vec<u32> {
            (0..from.len() as u32)
                .map(|i| to.intern(from.resolve(i)))
                .collect()
        };
        let communes = remap(&other.communes, &mut self.communes);
        let names = remap(&other.names, &mut self.names);
        let text = remap(&other.text, &mut self.text);
        let reps = remap(&other.reps, &mut self.reps);
        if self.reps.len() > MAX_REPS {
            return Err(GeocodeError::TooManyIndices { max: MAX_REPS - 1 });
        }
        let map = |v: u32, table: &[u32]| if v == NONE { NONE } else { table[v as usize] };

        // streets
        let mut street_map = Vec::with_capacity(other.streets.len());
        // other's streets whose entries must carry their id explicitly (merged into a street
        // with another prefix)
        let mut explicit_ids = vec![false; other.streets.len()];
        for (i, s) in other.streets.iter().enumerate() {
            let identity = StreetIdentity {
                code: communes[s.identity.code as usize],
                ancienne: map(s.identity.ancienne, &communes),
                postcode: text[s.identity.postcode as usize],
                ty: s.identity.ty,
                name: names[s.identity.name as usize],
            };
            let prefix = map(s.id_prefix, &text);
            let id = match self.identity.get(&identity) {
                Some(&id) => {
                    let st = &mut self.streets[id as usize];
                    if st.id_prefix == NONE {
                        st.id_prefix = prefix;
                    } else if prefix != NONE && prefix != st.id_prefix {
                        explicit_ids[i] = true;
                    }
                    id
                }
                None => {
                    let id = self.streets.len() as u32;
                    self.streets.push(StreetTmp {
                        identity,
                        label: text[s.label as usize],
                        commune_name: text[s.commune_name as usize],
                        id_prefix: prefix,
                    });
                    self.identity.insert(identity, id);
                    id
                }
            };
            street_map.push(id);
        }
        self.keys.extend(
            other
                .keys
                .iter()
                .map(|&(s, ty, n)| (street_map[s as usize], ty, names[n as usize])),
        );

        // entries
        let offset = self.raw.len() as u32;
        let mut exceptions = other.id_exceptions;
        for (seq, e) in other.raw.iter().enumerate() {
            let seq = seq as u32;
            if explicit_ids[e.street as usize] && !exceptions.contains_key(&seq) {
                let s = &other.streets[e.street as usize];
                let rep = other.reps.resolve(e.key & ((1 << REP_BITS) - 1));
                let mut id = format!(
                    "{}_{:05}",
                    other.text.resolve(s.id_prefix),
                    e.key >> REP_BITS
                );
                if !rep.is_empty() {
                    id.push('_');
                    id.push_str(&rep.to_lowercase());
                }
                exceptions.insert(seq, id.into());
            }
            let rep = reps[(e.key & ((1 << REP_BITS) - 1)) as usize];
            self.raw.push(RawEntry {
                street: street_map[e.street as usize],
                key: (e.key & !((1 << REP_BITS) - 1)) | rep,
                x: e.x,
                y: e.y,
            });
        }
        self.id_exceptions
            .extend(exceptions.into_iter().map(|(seq, id)| (seq + offset, id)));
        self.accepted += other.accepted;
        Ok(())
    }
}

/// The rejected rows of one BAN file: counted by reason, and listed for `rejets.csv`.
pub(crate) struct FileRejects {
    reasons: BTreeMap<String, u64>,
    log: RejectLog,
}

/// A loaded index with its load statistics.
pub(crate) struct Built {
    pub data: IndexData,
    pub stats: Vec<InputStats>,
    pub rejects: BTreeMap<String, u64>,
    /// Every rejected row, file by file in the given order.
    pub reject_log: RejectLog,
    pub accepted: u64,
}

/// A BAN file whose every commune was already read from an earlier file adds no commune, only
/// second points for the same addresses: the same département given twice (an old and a new
/// extract, one file listed twice), the later file winning without a word. It stops the run,
/// naming both files. A file that shares only some communes with earlier ones (a street
/// continued in the next file of a split BAN) is read, with a warning.
fn check_communes_once(
    b: &Builder,
    index: usize,
    paths: &[std::path::PathBuf],
    owners: &mut HashMap<String, usize>,
) -> Result<(), GeocodeError> {
    let communes = b.main_communes();
    let shared: Vec<(&str, usize)> = communes
        .iter()
        .filter_map(|c| owners.get(*c).map(|&f| (*c, f)))
        .filter(|&(_, f)| f != index)
        .collect();
    let label = |i: usize| crate::ingest::source::file_label(&paths[i]);
    if let Some(&(code, first)) = shared.first() {
        if shared.len() == communes.len() {
            let message = if paths[first] == paths[index] {
                "fichier donné deux fois dans la liste des fichiers BAN (clé ban.paths)".to_string()
            } else {
                format!(
                    "toutes les communes de ce fichier ont déjà leurs adresses dans {} (commune \
                     {code}…) : le même département donné deux fois (deux extraits de la BAN ?) ; \
                     gardez un seul fichier par département dans la clé ban.paths",
                    label(first)
                )
            };
            return Err(crate::ingest::IngestError::Data {
                path: paths[index].clone(),
                message,
            }
            .into());
        }
        tracing::warn!(
            "{} : {} commune(s) déjà présentes dans {} (commune {code}…) : leurs adresses sont \
             lues dans les deux fichiers",
            label(index),
            shared.len(),
            label(first)
        );
    }
    for c in communes {
        owners.entry(c.to_string()).or_insert(index);
    }
    Ok(())
}

/// Reads and merges `paths` in order; files are parsed in parallel.
pub(crate) fn build(paths: &[std::path::PathBuf]) -> Result<Built, GeocodeError> {
    use rayon::prelude::*;
    let mut global = Builder::new();
    let mut all_stats = Vec::with_capacity(paths.len());
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    let mut reject_log = RejectLog::new();
    // a few files at a time, so that at most that many partial indexes are alive at once
    let batch = rayon::current_num_threads().max(1);
    // commune → index in `paths` of the file that holds its addresses
    let mut owners: HashMap<String, usize> = HashMap::new();
    for (c, chunk) in paths.chunks(batch).enumerate() {
        let parts: Vec<_> = chunk.par_iter().map(|p| Builder::read_file(p)).collect();
        for (k, part) in parts.into_iter().enumerate() {
            let (b, stats, r) = part?;
            check_communes_once(&b, c * batch + k, paths, &mut owners)?;
            global.absorb(b)?;
            all_stats.push(stats);
            for (k, v) in r.reasons {
                *reasons.entry(k).or_default() += v;
            }
            reject_log.append(r.log);
        }
    }
    let accepted = global.accepted;
    Ok(Built {
        data: global.finish(),
        stats: all_stats,
        rejects: reasons,
        reject_log,
        accepted,
    })
}

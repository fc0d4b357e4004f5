//! Building the compact BAN index: one [`Builder`] per file (files are read in parallel), merged
//! in file order (so ids, and therefore answers, do not depend on thread timing), then frozen
//! into an [`IndexData`].
//!
//! Memory layout: an address point is an [`Entry`] of 12 bytes (number and repetition index
//! packed in a `u32`, Lambert-93 x/y in centimetres as `i32`); entries are sorted by street, then
//! number, then index, and a [`Street`] points at its range. Strings (INSEE codes, name keys,
//! street names, postcodes, commune names, BAN id prefixes) are interned. BAN ids are not stored
//! per address: most are `<prefix>_<numero on 5 digits>[_<rep>]` and are rebuilt from the
//! street's prefix; the others are kept in an exception table.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use tracing::debug;

use super::derived;
use super::intern::Interner;
use super::{Entry, IndexData, LookupKey, Street, MAX_NUMBER, MAX_REPS, REP_BITS};
use crate::geocode::normalize::{
    normalize_index, normalize_insee, normalize_number, normalize_street, StreetKey,
};
use crate::geocode::GeocodeError;
use crate::ingest::rejects::{shown, RejectLog, ValueKind};
use crate::ingest::source::CsvSource;
use crate::ingest::InputStats;
use crate::model::NONE;

/// Reasons a BAN row is rejected (French, as shown in reports).
pub(crate) mod reason {
    pub const INSEE: &str = "code_insee invalide";
    pub const NUMERO: &str = "numero invalide";
    pub const NUMERO_BIG: &str = "numero trop grand";
    pub const VOIE: &str = "nom_voie vide";
    pub const XY: &str = "coordonnées x/y invalides";
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

/// Column indices of one BAN file.
struct Columns {
    id: usize,
    numero: usize,
    rep: usize,
    nom_voie: usize,
    code_insee: usize,
    x: usize,
    y: usize,
    code_postal: Option<usize>,
    nom_commune: Option<usize>,
    ancienne: Option<usize>,
    nom_afnor: Option<usize>,
    alias: Option<usize>,
}

/// Lambert-93 metres → centimetres, when finite and in range.
fn parse_cm(s: &str) -> Option<i32> {
    let v: f64 = s.trim().replace(',', ".").parse().ok()?;
    if !v.is_finite() {
        return None;
    }
    let cm = (v * 100.0).round();
    (cm.abs() < i32::MAX as f64).then_some(cm as i32)
}

impl Builder {
    fn new() -> Self {
        let mut b = Builder::default();
        // rep id 0 is "no index"
        b.reps.intern("");
        b
    }

    /// Reads one BAN file. Rejected rows are counted in the returned stats and reasons, and
    /// listed (file, line, column, value through [`shown`], reason) for `rejets.csv`.
    pub fn read_file(path: &Path) -> Result<(Builder, InputStats, FileRejects), GeocodeError> {
        let mut src = CsvSource::open(path, "auto", "auto")?;
        let c = Columns {
            id: src.column("id")?,
            numero: src.column("numero")?,
            rep: src.column("rep")?,
            nom_voie: src.column("nom_voie")?,
            code_insee: src.column("code_insee")?,
            x: src.column("x")?,
            y: src.column("y")?,
            code_postal: src.optional_column("code_postal"),
            nom_commune: src.optional_column("nom_commune"),
            ancienne: src.optional_column("code_insee_ancienne_commune"),
            nom_afnor: src.optional_column("nom_afnor"),
            alias: src.optional_column("alias"),
        };
        let mut stats = InputStats::new(path, src.describe());
        let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
        let mut log = RejectLog::new();
        let labels = src.column_labels();
        let mut b = Builder::new();
        let file = src.file_name();
        // consecutive rows of a BAN file mostly share their street
        let mut signature = String::new();
        let mut last_signature = String::new();
        let mut last_street = NONE;
        src.for_each_row(|row| {
            stats.read += 1;
            let line = row.line();
            let mut reject = |column: &str, kind: ValueKind, value: &str, why: &'static str| {
                debug!(fichier = %file, ligne = line, colonne = column, valeur = %shown(kind, value), motif = why, "ligne BAN rejetée");
                log.push(&file, line, column, kind, value, why);
                *reasons.entry(why.to_string()).or_default() += 1;
                stats.rejected += 1;
            };
            // NUL bytes, invalid UTF-8: the row would index « � » street names
            if let Some((i, why)) = row.defect() {
                let column = labels.get(i).map_or("", String::as_str);
                reject(column, ValueKind::Private, "", why);
                return Ok(());
            }
            let code_raw = row.get(c.code_insee);
            let Some(code) = normalize_insee(&code_raw) else {
                reject("code_insee", ValueKind::Commune, &code_raw, reason::INSEE);
                return Ok(());
            };
            let numero = row.get(c.numero);
            let Some(number) = normalize_number(&numero) else {
                reject("numero", ValueKind::Number, &numero, reason::NUMERO);
                return Ok(());
            };
            if number > MAX_NUMBER {
                reject("numero", ValueKind::Number, &numero, reason::NUMERO_BIG);
                return Ok(());
            }
            let nom_voie = row.get(c.nom_voie);
            if nom_voie.is_empty() {
                reject("nom_voie", ValueKind::Private, "", reason::VOIE);
                return Ok(());
            }
            let (xs, ys) = (row.get(c.x), row.get(c.y));
            let (Some(x), Some(y)) = (parse_cm(&xs), parse_cm(&ys)) else {
                let col = if parse_cm(&xs).is_none() { "x" } else { "y" };
                let val = if col == "x" { &xs } else { &ys };
                reject(col, ValueKind::Number, val, reason::XY);
                return Ok(());
            };
            let rep_raw = row.get(c.rep);
            let rep = match b.reps.get(&rep_raw) {
                Some(r) => r,
                None if b.reps.len() < MAX_REPS => b.reps.intern(&rep_raw),
                None => {
                    reject("rep", ValueKind::Code(8), &rep_raw, reason::REP);
                    return Ok(());
                }
            };

            let postcode = row.get_opt(c.code_postal);
            let commune_name = row.get_opt(c.nom_commune);
            let ancienne = row.get_opt(c.ancienne);
            let afnor = row.get_opt(c.nom_afnor);
            let alias = row.get_opt(c.alias);
            signature.clear();
            for part in [&code, &*ancienne, &*postcode, &*commune_name, &*nom_voie, &*afnor, &*alias] {
                signature.push_str(part);
                signature.push('\u{1f}');
            }
            let street = if last_street != NONE && signature == last_signature {
                last_street
            } else {
                let s = b.street_for(&code, &ancienne, &postcode, &commune_name, &nom_voie, &[&afnor, &alias]);
                std::mem::swap(&mut signature, &mut last_signature);
                last_street = s;
                s
            };

            let seq = u32::try_from(b.raw.len()).expect("fewer than 4 billion BAN rows");
            b.record_id(street, seq, &row.get(c.id), number, &rep_raw);
            b.raw.push(RawEntry {
                street,
                key: (number << REP_BITS) | rep,
                x,
                y,
            });
            b.accepted += 1;
            stats.accepted += 1;
            Ok::<(), GeocodeError>(())
        })?;
        // a file without any data row: every address of its communes would be « non trouvé »,
        // exit 0 (`opsgeo run` and `opsgeo geocode` alike). A file whose rows are all rejected
        // is stopped by the caller, once its rejects are listed.
        if stats.read == 0 {
            return Err(crate::ingest::IngestError::Data {
                path: path.to_path_buf(),
                message: "aucune ligne de données (fichier réduit à son en-tête)".into(),
            }
            .into());
        }
        Ok((b, stats, FileRejects { reasons, log }))
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

    /// Sorts the entries and builds the lookup table.
    pub fn finish(self) -> IndexData {
        let mut order: Vec<u32> = (0..self.raw.len() as u32).collect();
        // stable: equal addresses keep their load order
        order.sort_by_key(|&i| {
            let e = &self.raw[i as usize];
            (e.street, e.key)
        });
        let mut entries = Vec::with_capacity(order.len());
        let mut id_exceptions = HashMap::with_capacity(self.id_exceptions.len());
        let mut streets: Vec<Street> = self
            .streets
            .iter()
            .map(|s| Street {
                name: s.label,
                postcode: s.identity.postcode,
                commune_name: s.commune_name,
                id_prefix: s.id_prefix,
                ancienne: s.identity.ancienne,
                start: 0,
                len: 0,
            })
            .collect();
        let mut exceptions = self.id_exceptions;
        for (pos, &seq) in order.iter().enumerate() {
            let e = self.raw[seq as usize];
            let st = &mut streets[e.street as usize];
            if st.len == 0 {
                st.start = pos as u32;
            }
            st.len += 1;
            if let Some(id) = exceptions.remove(&seq) {
                id_exceptions.insert(pos as u32, id);
            }
            entries.push(Entry {
                key: e.key,
                x: e.x,
                y: e.y,
            });
        }
        drop(order);

        // every spelling, under the commune code and the former commune code
        let mut keys: Vec<(LookupKey, u32)> = Vec::with_capacity(self.keys.len() * 2);
        for &(s, ty, name) in &self.keys {
            let id = &self.streets[s as usize].identity;
            for code in [id.code, id.ancienne] {
                if code != NONE {
                    keys.push((
                        LookupKey {
                            commune: code,
                            ty,
                            name,
                        },
                        s,
                    ));
                }
            }
        }
        keys.sort_unstable();
        keys.dedup();
        let mut multi: Vec<Box<[u32]>> = Vec::new();
        let mut by_name = rustc_hash::FxHashMap::default();
        let mut name_types: Vec<(u8, u32)> = Vec::new();
        let mut values: Vec<(LookupKey, u32)> = Vec::new();
        for group in keys.chunk_by(|a, b| a.0 == b.0) {
            let value = if group.len() == 1 {
                group[0].1
            } else {
                multi.push(group.iter().map(|g| g.1).collect());
                super::MULTI_FLAG | (multi.len() as u32 - 1)
            };
            values.push((group[0].0, value));
        }
        // sorted by (commune, name, ty): one range per name
        for group in values.chunk_by(|a, b| (a.0.commune, a.0.name) == (b.0.commune, b.0.name)) {
            let k = group[0].0;
            by_name.insert(
                (k.commune, k.name),
                (name_types.len() as u32, group.len() as u32),
            );
            name_types.extend(group.iter().map(|(k, v)| (k.ty, *v)));
        }

        let mut names = self.names;
        let (fuzzy, fuzzy_abbr) = derived::fuzzy_keys(&values, &mut names);
        drop(values);
        let codes: Vec<[u32; 2]> = self
            .streets
            .iter()
            .map(|t| [t.identity.code, t.identity.ancienne])
            .collect();
        let commune_info = derived::commune_info(
            self.communes.len(),
            &codes,
            &streets,
            &entries,
            &fuzzy,
            &fuzzy_abbr,
        );

        IndexData {
            communes: self.communes,
            names,
            text: self.text.freeze(),
            reps: (0..self.reps.len() as u32)
                .map(|i| {
                    let raw = self.reps.resolve(i);
                    (raw.into(), normalize_index(raw))
                })
                .collect(),
            streets,
            entries,
            id_exceptions,
            by_name,
            name_types,
            multi,
            commune_info,
            fuzzy: fuzzy.into_iter().map(|(_, k)| k).collect(),
            fuzzy_abbr: fuzzy_abbr.into_iter().map(|(_, k)| k).collect(),
        }
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

/// Reads and merges `paths` in order; files are parsed in parallel.
pub(crate) fn build(paths: &[std::path::PathBuf]) -> Result<Built, GeocodeError> {
    use rayon::prelude::*;
    let mut global = Builder::new();
    let mut all_stats = Vec::with_capacity(paths.len());
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    let mut reject_log = RejectLog::new();
    // a few files at a time, so that at most that many partial indexes are alive at once
    let batch = rayon::current_num_threads().max(1);
    for chunk in paths.chunks(batch) {
        let parts: Vec<_> = chunk.par_iter().map(|p| Builder::read_file(p)).collect();
        for part in parts {
            let (b, stats, r) = part?;
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

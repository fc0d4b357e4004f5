//! Reading one BAN file into a [`Builder`]: each row is checked, then its street found (or
//! created) and its address point kept; a rejected row is counted and listed.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use tracing::debug;

use super::{reason, Builder, FileRejects, RawEntry};
use crate::geocode::ban::{MAX_NUMBER, MAX_REPS, REP_BITS};
use crate::geocode::normalize::{normalize_insee, normalize_number};
use crate::geocode::GeocodeError;
use crate::ingest::rejects::{shown, RejectLog, ValueKind};
use crate::ingest::source::{CsvSource, Row};
use crate::ingest::InputStats;
use crate::model::{L93_X, L93_Y, NONE};

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

impl Columns {
    /// Finds the columns in `src`: the required ones first, in this order.
    fn find(src: &CsvSource) -> Result<Self, GeocodeError> {
        Ok(Columns {
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
        })
    }
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

/// Why a row is rejected: column, kind of value, value (shown through [`shown`]), reason.
struct Rejected<'r> {
    column: &'r str,
    kind: ValueKind,
    value: Cow<'r, str>,
    why: &'static str,
}

impl<'r> Rejected<'r> {
    fn new(column: &'r str, kind: ValueKind, value: Cow<'r, str>, why: &'static str) -> Self {
        Rejected {
            column,
            kind,
            value,
            why,
        }
    }
}

/// The checked values of an accepted row.
struct Checked<'r> {
    /// Normalised INSEE code.
    code: String,
    number: u32,
    nom_voie: Cow<'r, str>,
    x: i32,
    y: i32,
    /// Repetition index as written, and its id.
    rep_raw: Cow<'r, str>,
    rep: u32,
}

/// The street columns of a row: what makes the street, and its other spellings.
struct StreetFields<'a> {
    code: &'a str,
    ancienne: &'a str,
    postcode: &'a str,
    commune_name: &'a str,
    nom_voie: &'a str,
    afnor: &'a str,
    alias: &'a str,
}

/// The street of the previous row: consecutive rows of a BAN file mostly share their street.
struct StreetCache {
    signature: String,
    last_signature: String,
    last_street: u32,
}

impl StreetCache {
    fn new() -> Self {
        StreetCache {
            signature: String::new(),
            last_signature: String::new(),
            last_street: NONE,
        }
    }

    /// The street of `f`: the previous row's when its street columns are the same, else
    /// found or created in `b`.
    fn street(&mut self, b: &mut Builder, f: &StreetFields<'_>) -> u32 {
        self.signature.clear();
        for part in [
            f.code,
            f.ancienne,
            f.postcode,
            f.commune_name,
            f.nom_voie,
            f.afnor,
            f.alias,
        ] {
            self.signature.push_str(part);
            self.signature.push('\u{1f}');
        }
        if self.last_street != NONE && self.signature == self.last_signature {
            return self.last_street;
        }
        let s = b.street_for(
            f.code,
            f.ancienne,
            f.postcode,
            f.commune_name,
            f.nom_voie,
            &[f.afnor, f.alias],
        );
        std::mem::swap(&mut self.signature, &mut self.last_signature);
        self.last_street = s;
        s
    }
}

impl FileRejects {
    /// Logs (debug), lists and counts a rejected row.
    fn add(&mut self, file: &str, line: u64, r: &Rejected<'_>) {
        let Rejected {
            column,
            kind,
            ref value,
            why,
        } = *r;
        debug!(fichier = %file, ligne = line, colonne = column, valeur = %shown(kind, value), motif = why, "ligne BAN rejetée");
        self.log.push(file, line, column, kind, value, why);
        *self.reasons.entry(why.to_string()).or_default() += 1;
    }
}

impl Builder {
    /// Reads one BAN file. Rejected rows are counted in the returned stats and reasons, and
    /// listed (file, line, column, value through [`shown`], reason) for `rejets.csv`.
    pub fn read_file(path: &Path) -> Result<(Builder, InputStats, FileRejects), GeocodeError> {
        let mut src = CsvSource::open(path, "auto", "auto")?;
        let c = Columns::find(&src)?;
        let mut stats = InputStats::new(path, src.describe());
        let mut rejects = FileRejects {
            reasons: BTreeMap::new(),
            log: RejectLog::new(),
        };
        let labels = src.column_labels();
        let mut b = Builder::new();
        let file = src.file_name();
        let mut streets = StreetCache::new();
        src.for_each_row(|row| {
            stats.read += 1;
            match b.check_row(&row, &c, &labels) {
                Ok(checked) => {
                    b.add_row(&row, &c, checked, &mut streets);
                    stats.accepted += 1;
                }
                Err(r) => {
                    rejects.add(&file, row.line(), &r);
                    stats.rejected += 1;
                }
            }
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
        Ok((b, stats, rejects))
    }

    /// The checked values of a row, or why it is rejected (the first fault, in column
    /// order of the checks). A new repetition index is given its id here, while there is room.
    fn check_row<'r>(
        &mut self,
        row: &'r Row<'_>,
        c: &Columns,
        labels: &'r [String],
    ) -> Result<Checked<'r>, Rejected<'r>> {
        let none = || Cow::Borrowed("");
        // NUL bytes, invalid UTF-8: the row would index « � » street names
        if let Some((i, why)) = row.defect() {
            let column = labels.get(i).map_or("", String::as_str);
            return Err(Rejected::new(column, ValueKind::Private, none(), why));
        }
        let code_raw = row.get(c.code_insee);
        let Some(code) = normalize_insee(&code_raw) else {
            let kind = ValueKind::Commune;
            return Err(Rejected::new("code_insee", kind, code_raw, reason::INSEE));
        };
        let numero = row.get(c.numero);
        let Some(number) = normalize_number(&numero) else {
            let kind = ValueKind::Number;
            return Err(Rejected::new("numero", kind, numero, reason::NUMERO));
        };
        if number > MAX_NUMBER {
            let kind = ValueKind::Number;
            return Err(Rejected::new("numero", kind, numero, reason::NUMERO_BIG));
        }
        let nom_voie = row.get(c.nom_voie);
        if nom_voie.is_empty() {
            let kind = ValueKind::Private;
            return Err(Rejected::new("nom_voie", kind, none(), reason::VOIE));
        }
        let (xs, ys) = (row.get(c.x), row.get(c.y));
        let (Some(x), Some(y)) = (parse_cm(&xs), parse_cm(&ys)) else {
            let (col, val) = if parse_cm(&xs).is_none() {
                ("x", xs)
            } else {
                ("y", ys)
            };
            return Err(Rejected::new(col, ValueKind::Number, val, reason::XY));
        };
        // x and y swapped, or another projection on a few rows: a point far from France would
        // be published (programme, building and stairwell points) without a word
        let in_domain = |v: i32, (lo, hi): (f64, f64)| (lo..=hi).contains(&(f64::from(v) / 100.0));
        if !in_domain(x, L93_X) || !in_domain(y, L93_Y) {
            let (col, val) = if in_domain(x, L93_X) {
                ("y", ys)
            } else {
                ("x", xs)
            };
            return Err(Rejected::new(
                col,
                ValueKind::Number,
                val,
                reason::XY_DOMAIN,
            ));
        }
        let rep_raw = row.get(c.rep);
        let rep = match self.reps.get(&rep_raw) {
            Some(r) => r,
            None if self.reps.len() < MAX_REPS => self.reps.intern(&rep_raw),
            None => {
                return Err(Rejected::new(
                    "rep",
                    ValueKind::Code(8),
                    rep_raw,
                    reason::REP,
                ))
            }
        };
        Ok(Checked {
            code,
            number,
            nom_voie,
            x,
            y,
            rep_raw,
            rep,
        })
    }

    /// Keeps the address point of an accepted row, in its street (created when new), with
    /// its BAN id.
    fn add_row(&mut self, row: &Row<'_>, c: &Columns, v: Checked<'_>, streets: &mut StreetCache) {
        let postcode = row.get_opt(c.code_postal);
        let commune_name = row.get_opt(c.nom_commune);
        let ancienne = row.get_opt(c.ancienne);
        let afnor = row.get_opt(c.nom_afnor);
        let alias = row.get_opt(c.alias);
        let fields = StreetFields {
            code: &v.code,
            ancienne: &ancienne,
            postcode: &postcode,
            commune_name: &commune_name,
            nom_voie: &v.nom_voie,
            afnor: &afnor,
            alias: &alias,
        };
        let street = streets.street(self, &fields);
        let seq = u32::try_from(self.raw.len()).expect("fewer than 4 billion BAN rows");
        self.record_id(street, seq, &row.get(c.id), v.number, &v.rep_raw);
        self.raw.push(RawEntry {
            street,
            key: (v.number << REP_BITS) | v.rep,
            x: v.x,
            y: v.y,
        });
        self.accepted += 1;
    }
}

//! RPLS dwellings: parsing, validation against the RPLS code lists, and interning of addresses
//! and of the landlord → programme → building → stairwell hierarchy.
//!
//! One row is one dwelling. A row is accepted whole or rejected with the first problem found
//! (column, value, French reason) in `rejets.csv`; `IDENT_REP` values are never written there.
//! Checks, in order: number of fields; `IDENT_REP` present and unique in the file (whatever
//! happened to its first row); `DEPCOM` a commune of the territory; `NBPIECE` 1–20; `SURFHAB`
//! 5–500 m² when given; `LOCAT` 1800–2100 when given; `FINAN` a RPLS financing code; `MODE` a
//! RPLS occupancy code; `DPEENERGIE` A–G when given and a DPE exists (`NC`, « non concerné »,
//! counts as no DPE); `BAIL` a date from 1901
//! to the latest month when given; `LOYERPRINC` 0, or 10 to 10,000 € and 0.5 to 60 €/m², when
//! given; `QPV` 1, 2 or empty; `IMMEU` present; `IDENT_ORG` present (both make the programme
//! key `<IDENT_ORG>-<IMMEU>`).
//!
//! Interning: landlords by `IDENT_ORG` (named by the first non-empty `RS`), programmes
//! `<IDENT_ORG>-<IMMEU>`, buildings `<programme>-<BAT or 0>`, stairwells
//! `<building>-<ESC, else ENTREE, else 0>`, all in first-seen order; addresses as written, except
//! the house number without leading zeros and the sentinels removed.
//!
//! Sentinels mean "none": `INDREP` 9, `TYPVOIE` 99, `LOYERPRINC` 9999, `DPEDATE` 01/1900 (no
//! DPE: the class is ignored). Ready-made `X`/`Y` are handled by [`xy`]: an unusable point is
//! not a reject, the dwelling is geocoded from its address instead.

pub mod address;
mod columns;
pub mod fields;
pub mod intern;
pub mod keys;
pub mod qp;
#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;
mod validate;
pub mod xy;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;

use self::columns::Cols;
use self::intern::Interner;
use self::keys::KeyTable;
use self::validate::{validate, CommuneCache, Valid};
use self::xy::{XyField, XyResolver};
use super::rejects::{RejectLog, ValueKind};
use super::source::{CsvSource, Row};
use super::{IngestError, InputStats};
use crate::config::{CsvInput, RplsColumns};
use crate::ingest::territory::Territory;
use crate::model::{AddressBook, Dwelling, Structure, YearMonth};

/// The accepted RPLS dwellings and what was interned while reading them.
#[derive(Debug, Default)]
pub struct RplsData {
    pub dwellings: Vec<Dwelling>,
    pub addresses: AddressBook,
    pub structure: Structure,
    /// `IDENT_REP` → index in `dwellings` (the id of each key is its dwelling index). Used only
    /// to match the OPS files, then dropped.
    pub ids: KeyTable,
    pub stats: InputStats,
    /// Rows whose X/Y were present but unusable (and were geocoded instead).
    pub xy_ignored: u64,
    /// Rows carrying a usable X/Y.
    pub xy_used: u64,
    /// SDES QPV codes of the 2015 generation (`PLG_QP15`), when the column is present; used
    /// only to cross-check the spatial join.
    pub qp15: Option<qp::QpCodes>,
    /// SDES QPV codes of the 2024 generation (`PLG_QP24`), when the column is present.
    pub qp24: Option<qp::QpCodes>,
}

/// Smallest and largest accepted number of main rooms.
pub const ROOMS: (i64, i64) = (1, 20);
/// Accepted living area, m².
pub const SURFACE_M2: (f64, f64) = (5.0, 500.0);
/// Accepted years (first letting).
pub const YEARS: (i64, i64) = (1800, 2100);
/// `LOYERPRINC` sentinel meaning "no rent" (not let).
pub const RENT_SENTINEL: f64 = 9999.0;
/// Accepted monthly rent (`LOYERPRINC`), euros: above, a value is a typing or unit error (a
/// rent in cents, a yearly rent…) that would make a published mean absurd.
pub const RENT_EUR: (f64, f64) = (0.0, 10_000.0);
/// Largest accepted rent per m² of living area (when the area is given), euros per month.
pub const RENT_PER_M2_MAX: f64 = 60.0;
/// Smallest accepted rent other than 0, euros per month: below, a value is a thousands
/// separator read as a decimal one (`1.250` for 1 250 €) or a unit error.
pub const RENT_MIN_EUR: f64 = 10.0;
/// Smallest accepted rent per m² of living area (when the area is given and the rent is not
/// 0), euros per month (social rents are 3 to 15 €/m²).
pub const RENT_PER_M2_MIN: f64 = 0.5;

/// House number without leading zeros (`0` and empty → empty).
pub fn house_number(s: &str) -> &str {
    s.trim_start_matches('0')
}

/// Removes a sentinel code meaning "none".
pub fn without_sentinel<'a>(s: &'a str, sentinel: &str) -> &'a str {
    if s == sentinel {
        ""
    } else {
        s
    }
}

/// Reads the RPLS file.
pub fn read_rpls(
    input: &CsvInput<RplsColumns>,
    territory: &Territory,
    rejects: &mut RejectLog,
) -> Result<RplsData, IngestError> {
    let mut src = CsvSource::open(&input.path, &input.encoding, &input.delimiter)?;
    let mut reader = RplsReader::new(&src, input, territory)?;
    src.for_each_row(|row| reader.read_row(&row, rejects))?;
    Ok(reader.finish())
}

/// The state of a RPLS file being read, row after row.
struct RplsReader<'a> {
    /// Configured column names.
    n: &'a RplsColumns,
    /// Where the columns are in the file.
    c: Cols,
    territory: &'a Territory,
    /// Latest date of the data (no later lease or first-letting year).
    latest: Option<YearMonth>,
    /// Number of fields of the header (every row must have as many).
    n_fields: usize,
    /// Column names as they may appear in `rejets.csv`.
    labels: Vec<String>,
    /// File name, as shown in `rejets.csv`.
    file: String,
    path: PathBuf,
    out: RplsData,
    interner: Interner,
    xy: XyResolver,
    /// Line of each accepted dwelling (duplicate messages).
    lines: Vec<u32>,
    /// Line of each rejected row that had an id (duplicate messages).
    rejected_ids: HashMap<Box<str>, u64>,
    communes: CommuneCache,
}

impl<'a> RplsReader<'a> {
    /// Finds the columns of `src` and prepares the tables (allocated once for the estimated
    /// number of rows).
    fn new(
        src: &CsvSource,
        input: &'a CsvInput<RplsColumns>,
        territory: &'a Territory,
    ) -> Result<Self, IngestError> {
        let n = &input.columns;
        let c = Cols::find(src, n)?;
        let n_fields = src.headers().len();
        let labels = src.column_labels();
        let file = src.file_name();
        let path = src.path().to_path_buf();
        let out = RplsData {
            stats: InputStats::new(&path, src.describe()),
            qp15: c.plg_qp15.map(|_| qp::QpCodes::new(&n.plg_qp15)),
            qp24: c.plg_qp24.map(|_| qp::QpCodes::new(&n.plg_qp24)),
            ..Default::default()
        };
        let mut reader = RplsReader {
            n,
            c,
            territory,
            latest: input.latest_date,
            n_fields,
            labels,
            file,
            path,
            out,
            interner: Interner::default(),
            xy: XyResolver::default(),
            lines: Vec::new(),
            rejected_ids: HashMap::new(),
            communes: CommuneCache::default(),
        };
        if let Some(rows) = estimate_rows(&reader.path) {
            reader.out.dwellings.reserve(rows);
            reader.out.ids.reserve(rows, 12);
            reader.lines.reserve(rows);
        }
        Ok(reader)
    }

    /// Reads one row: accepted as a dwelling, or rejected with its first problem.
    fn read_row(&mut self, row: &Row<'_>, rejects: &mut RejectLog) -> Result<(), IngestError> {
        self.out.stats.read += 1;
        match self.check_row(row, rejects) {
            Some((id, v)) => self.accept(row, &id, v),
            None => {
                self.out.stats.rejected += 1;
                Ok(())
            }
        }
    }

    /// Checks a row in the documented order (number of fields, unreadable bytes, `IDENT_REP`
    /// present and unique, then the other fields): its identifier and typed values, or `None`
    /// once its first problem is written to `rejects`.
    fn check_row<'r>(
        &mut self,
        row: &'r Row<'_>,
        rejects: &mut RejectLog,
    ) -> Option<(Cow<'r, str>, Valid)> {
        let line = row.line();
        if let Some((column, reason)) = self.unreadable(row) {
            rejects.push(&self.file, line, column, ValueKind::Private, "", reason);
            return None;
        }
        let id = row.get(self.c.ident_rep);
        if let Some(reason) = self.identifier_problem(&id) {
            rejects.push_masked(&self.file, line, &self.n.ident_rep, reason);
            return None;
        }
        let checked = validate(
            row,
            &self.c,
            self.n,
            self.territory,
            &mut self.communes,
            self.latest,
        );
        match checked {
            Ok(v) => Some((id, v)),
            Err(f) => {
                let value = f.col.map_or(Cow::Borrowed(""), |i| row.get(i));
                rejects.push(&self.file, line, f.name, f.kind, &value, f.reason);
                self.rejected_ids.insert(id.as_ref().into(), line);
                None
            }
        }
    }

    /// Why a row cannot be read at all (a wrong number of fields, a NUL byte, bytes that are
    /// not UTF-8…), with the column to name in the reject.
    fn unreadable(&self, row: &Row<'_>) -> Option<(&str, String)> {
        let n_fields = self.n_fields;
        if row.len() != n_fields {
            return Some((
                "",
                format!(
                    "nombre de champs incorrect : {} au lieu de {n_fields}",
                    row.len()
                ),
            ));
        }
        let (i, why) = row.defect()?;
        let column = self.labels.get(i).map_or("", String::as_str);
        Some((column, why.to_string()))
    }

    /// Why a row's `IDENT_REP` is refused: missing, or already seen (on an accepted or a
    /// rejected row).
    fn identifier_problem(&self, id: &str) -> Option<String> {
        if id.is_empty() {
            return Some("identifiant du logement manquant".into());
        }
        let first = self
            .out
            .ids
            .get(id)
            .map(|d| u64::from(self.lines[d as usize]))
            .or_else(|| self.rejected_ids.get(id).copied())?;
        Some(format!(
            "identifiant du logement en double (déjà présent ligne {first})"
        ))
    }

    /// Accepts a valid row as a dwelling: its landlord, stairwell and address interned, its
    /// SDES QPV/QVA codes and its ready-made X/Y kept.
    fn accept(&mut self, row: &Row<'_>, id: &str, v: Valid) -> Result<(), IngestError> {
        let line = row.line();
        let c = &self.c;
        let (landlord, stairwell) =
            intern_structure(row, c, &mut self.interner, &mut self.out.structure).map_err(
                |_| IngestError::Data {
                    path: self.path.clone(),
                    message: format!(
                        "ligne {line} : plus de {} bailleurs (IDENT_ORG) distincts, limite de \
                         l'outil",
                        u16::MAX as u32 + 1
                    ),
                },
            )?;
        let address = intern_address(row, c, &mut self.interner, &mut self.out.addresses);
        let rpls_qva = c.plg_qva.and_then(|i| {
            let q = row.get(i);
            (!q.is_empty()).then(|| self.interner.qva(&mut self.out.structure, &q))
        });
        let idx = self.out.dwellings.len() as u32;
        self.out.dwellings.push(Dwelling {
            landlord,
            commune: v.commune,
            address,
            stairwell,
            rooms: v.rooms,
            surface: v.surface,
            first_let_year: v.first_let_year,
            finan: v.finan,
            dpe_energy: v.dpe_energy,
            mode: v.mode,
            lease_start: v.lease_start,
            rent: v.rent,
            rpls_qpv: v.rpls_qpv,
            rpls_qva,
            rpls_xy: None,
        });
        for (col, codes) in [
            (c.plg_qp15, &mut self.out.qp15),
            (c.plg_qp24, &mut self.out.qp24),
        ] {
            if let (Some(i), Some(codes)) = (col, codes.as_mut()) {
                codes.push(&row.get(i));
            }
        }
        self.lines.push(u32::try_from(line).unwrap_or(u32::MAX));
        let inserted = self.out.ids.insert(id);
        debug_assert_eq!(inserted, Ok(idx));
        let field = match (c.x, c.y) {
            (Some(xi), Some(yi)) => {
                XyField::parse(&row.get(xi), &row.get(yi), &row.get_opt(c.epsg))
            }
            _ => XyField::Absent,
        };
        self.xy
            .add(idx, field, &mut self.out.dwellings, self.territory);
        self.out.stats.accepted += 1;
        Ok(())
    }

    /// The data read: the ready-made X/Y resolved (the last batches transformed), the
    /// landlords named.
    fn finish(mut self) -> RplsData {
        self.xy.finish(&mut self.out.dwellings, self.territory);
        self.interner.name_landlords(&mut self.out.structure);
        self.out.xy_used = self.xy.used;
        self.out.xy_ignored = self.xy.ignored;
        debug_assert!(self.out.stats.reconciles());
        self.out
    }
}

/// Rough number of data rows of an uncompressed file, from the mean length of its first lines:
/// lets the big tables be allocated once instead of growing by doubling. `None` for gzip files
/// and tiny files; an underestimate only means the tables grow as usual.
fn estimate_rows(path: &std::path::Path) -> Option<usize> {
    use std::io::Read;
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
    {
        return None;
    }
    let len = std::fs::metadata(path).ok()?.len();
    let mut head = Vec::with_capacity(1 << 18);
    std::fs::File::open(path)
        .ok()?
        .take(1 << 18)
        .read_to_end(&mut head)
        .ok()?;
    let lines = head.iter().filter(|&&b| b == b'\n').count();
    if lines < 8 || (head.len() as u64) >= len {
        return None;
    }
    let per_line = head.len() as f64 / lines as f64;
    let rows = (len as f64 / per_line * 1.05) as usize;
    Some(rows.min(20_000_000))
}

/// Interns the landlord → programme → building → stairwell hierarchy of a row: the landlord
/// and the stairwell.
fn intern_structure(
    row: &Row<'_>,
    c: &Cols,
    interner: &mut Interner,
    structure: &mut Structure,
) -> Result<(u16, u32), intern::TooManyLandlords> {
    let org = row.get(c.ident_org);
    let rs = row.get_opt(c.rs);
    let immeu = row.get(c.immeu);
    let bat = row.get_opt(c.bat);
    let bat: &str = if bat.is_empty() { "0" } else { &bat };
    let esc = row.get_opt(c.esc);
    let entree = row.get_opt(c.entree);
    let stair: &str = if !esc.is_empty() {
        &esc
    } else if !entree.is_empty() {
        &entree
    } else {
        "0"
    };
    interner.stairwell(structure, &org, &rs, &immeu, bat, stair)
}

/// Interns the address of a row (cleaned as documented in [`address`]).
fn intern_address(row: &Row<'_>, c: &Cols, interner: &mut Interner, book: &mut AddressBook) -> u32 {
    let depcom = row.get(c.depcom);
    let postcode = row.get_opt(c.codepostal);
    let commune_name = row.get_opt(c.libcom);
    let number = row.get(c.numvoie);
    let index = row.get_opt(c.indrep);
    let street_type = row.get(c.typvoie);
    let street_name = row.get(c.nomvoie);
    let locality = row.get_opt(c.lieudit);
    let fields = address::AddressFields {
        numvoie: &number,
        indrep: &index,
        typvoie: &street_type,
        nomvoie: &street_name,
        codepostal: &postcode,
        libcom: &commune_name,
        depcom: &depcom,
        lieudit: &locality,
    };
    interner.address(book, fields.parts())
}

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
pub mod fields;
pub mod intern;
pub mod keys;
pub mod qp;
#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;
pub mod xy;

use std::borrow::Cow;
use std::collections::HashMap;

use self::fields::{
    int_in, not_after, opt_decimal_in, opt_int_in, opt_non_negative, opt_year_month, parse_code,
    parse_year_month,
};
use self::intern::Interner;
use self::keys::KeyTable;
use self::xy::{XyField, XyResolver};
use super::rejects::{RejectLog, ValueKind};
use super::source::{CsvSource, Row};
use super::{IngestError, InputStats};
use crate::config::{CsvInput, RplsColumns};
use crate::ingest::territory::{is_insee_code, Territory};
use crate::model::{
    AddressBook, DpeClass, Dwelling, Financing, OccupancyMode, Structure, YearMonth,
};

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

/// Column indices in the file.
struct Cols {
    ident_rep: usize,
    ident_org: usize,
    rs: Option<usize>,
    depcom: usize,
    codepostal: Option<usize>,
    libcom: Option<usize>,
    numvoie: usize,
    indrep: Option<usize>,
    typvoie: usize,
    nomvoie: usize,
    lieudit: Option<usize>,
    immeu: usize,
    bat: Option<usize>,
    esc: Option<usize>,
    entree: Option<usize>,
    nbpiece: usize,
    surfhab: Option<usize>,
    locat: Option<usize>,
    finan: usize,
    dpedate: Option<usize>,
    dpeenergie: Option<usize>,
    mode: usize,
    bail: Option<usize>,
    loyerprinc: Option<usize>,
    qpv: Option<usize>,
    x: Option<usize>,
    y: Option<usize>,
    epsg: Option<usize>,
    plg_qva: Option<usize>,
    plg_qp15: Option<usize>,
    plg_qp24: Option<usize>,
}

impl Cols {
    fn find(src: &CsvSource, n: &RplsColumns) -> Result<Cols, IngestError> {
        // an optional column given under a near name (accents, spaces) is an error
        for name in [
            &n.rs,
            &n.codepostal,
            &n.libcom,
            &n.indrep,
            &n.lieudit,
            &n.bat,
            &n.esc,
            &n.entree,
            &n.surfhab,
            &n.locat,
            &n.dpedate,
            &n.dpeenergie,
            &n.bail,
            &n.loyerprinc,
            &n.qpv,
            &n.x,
            &n.y,
            &n.epsg,
            &n.plg_qva,
            &n.plg_qp15,
            &n.plg_qp24,
        ] {
            src.optional_column_checked(name)?;
        }
        // indicators computed from optional columns: say which ones will stay empty
        let absent: Vec<&str> = [&n.surfhab, &n.locat, &n.dpeenergie, &n.bail, &n.loyerprinc]
            .into_iter()
            .filter(|name| !name.is_empty() && src.optional_column(name).is_none())
            .map(String::as_str)
            .collect();
        if !absent.is_empty() {
            tracing::warn!(
                "{} : colonne(s) facultative(s) absente(s) : {} ; les indicateurs qui en dépendent \
                 (surface, année de mise en location, DPE, emménagés récents par le bail, loyers) \
                 restent vides",
                src.file_name(),
                absent.join(", ")
            );
        }
        let o = |name: &str| src.optional_column(name);
        let (x, y) = match (o(&n.x), o(&n.y)) {
            (Some(x), Some(y)) => (Some(x), Some(y)),
            (None, None) => (None, None),
            _ => {
                tracing::warn!(
                    "{} : une seule des colonnes {} / {} est présente ; les coordonnées fournies sont ignorées",
                    src.file_name(),
                    n.x,
                    n.y
                );
                (None, None)
            }
        };
        Ok(Cols {
            ident_rep: src.column(&n.ident_rep)?,
            ident_org: src.column(&n.ident_org)?,
            rs: o(&n.rs),
            depcom: src.column(&n.depcom)?,
            codepostal: o(&n.codepostal),
            libcom: o(&n.libcom),
            numvoie: src.column(&n.numvoie)?,
            indrep: o(&n.indrep),
            typvoie: src.column(&n.typvoie)?,
            nomvoie: src.column(&n.nomvoie)?,
            lieudit: o(&n.lieudit),
            immeu: src.column(&n.immeu)?,
            bat: o(&n.bat),
            esc: o(&n.esc),
            entree: o(&n.entree),
            nbpiece: src.column(&n.nbpiece)?,
            surfhab: o(&n.surfhab),
            locat: o(&n.locat),
            finan: src.column(&n.finan)?,
            dpedate: o(&n.dpedate),
            dpeenergie: o(&n.dpeenergie),
            mode: src.column(&n.mode)?,
            bail: o(&n.bail),
            loyerprinc: o(&n.loyerprinc),
            qpv: o(&n.qpv),
            x,
            y,
            epsg: o(&n.epsg),
            plg_qva: o(&n.plg_qva),
            plg_qp15: o(&n.plg_qp15),
            plg_qp24: o(&n.plg_qp24),
        })
    }
}

/// A refused field: which column (index and configured name) and why.
struct Fail<'n> {
    col: Option<usize>,
    name: &'n str,
    /// What the column holds: decides whether the value may be shown in `rejets.csv`.
    kind: ValueKind,
    reason: String,
}

fn fail<'n>(
    col: usize,
    name: &'n str,
    kind: ValueKind,
    label: &str,
    why: impl AsRef<str>,
) -> Fail<'n> {
    Fail {
        col: Some(col),
        name,
        kind,
        reason: format!("{label} : {}", why.as_ref()),
    }
}

/// The typed values of a valid row (strings are read again for interning).
struct Valid {
    commune: u32,
    rooms: u8,
    surface: Option<f32>,
    first_let_year: Option<u16>,
    finan: u8,
    dpe_energy: Option<DpeClass>,
    mode: OccupancyMode,
    lease_start: Option<YearMonth>,
    rent: Option<f32>,
    rpls_qpv: Option<bool>,
}

/// The last commune looked up: RPLS files come sorted by commune, so most rows skip the hash.
#[derive(Default)]
struct CommuneCache {
    code: String,
    index: Option<u32>,
}

impl CommuneCache {
    fn lookup(&mut self, code: &str, territory: &Territory) -> Option<u32> {
        if self.code != code {
            self.code.clear();
            self.code.push_str(code);
            self.index = territory.commune(code);
        }
        self.index
    }
}

/// Validates the non-identifier fields of a row, in the documented order.
fn validate<'n>(
    row: &Row<'_>,
    c: &Cols,
    n: &'n RplsColumns,
    territory: &Territory,
    communes: &mut CommuneCache,
    latest: Option<YearMonth>,
) -> Result<Valid, Fail<'n>> {
    let depcom = row.get(c.depcom);
    if !is_insee_code(&depcom) {
        return Err(fail(
            c.depcom,
            &n.depcom,
            ValueKind::Commune,
            "code commune",
            "code INSEE invalide (5 caractères attendus)",
        ));
    }
    let commune = communes.lookup(&depcom, territory).ok_or_else(|| {
        fail(
            c.depcom,
            &n.depcom,
            ValueKind::Commune,
            "code commune",
            "commune hors du territoire (absente de la table des EPCI)",
        )
    })?;
    let rooms = int_in(&row.get(c.nbpiece), ROOMS.0, ROOMS.1).map_err(|e| {
        fail(
            c.nbpiece,
            &n.nbpiece,
            ValueKind::Number,
            "nombre de pièces",
            e,
        )
    })?;
    let surface = match c.surfhab {
        Some(i) => opt_decimal_in(&row.get(i), SURFACE_M2.0, SURFACE_M2.1).map_err(|e| {
            fail(
                i,
                &n.surfhab,
                ValueKind::Number,
                "surface habitable (m²)",
                e,
            )
        })?,
        None => None,
    };
    let last_year = latest.map_or(YEARS.1, |l| i64::from(l.year));
    let first_let_year = match c.locat {
        Some(i) => opt_int_in(&row.get(i), YEARS.0, last_year).map_err(|e| {
            fail(
                i,
                &n.locat,
                ValueKind::Number,
                "année de première mise en location",
                e,
            )
        })?,
        None => None,
    };
    let finan = parse_code(
        &row.get(c.finan),
        |v| Financing::VALID_CODES.contains(&v).then_some(v),
        "code RPLS de financement initial : 10 à 17, 49 à 55 ou 99",
    )
    .map_err(|e| {
        fail(
            c.finan,
            &n.finan,
            ValueKind::Code(2),
            "financement initial",
            e,
        )
    })?;
    let mode = parse_code(&row.get(c.mode), OccupancyMode::from_code, "1 à 6 ou 9")
        .map_err(|e| fail(c.mode, &n.mode, ValueKind::Code(2), "mode d'occupation", e))?;
    let no_dpe = c
        .dpedate
        .is_some_and(|i| parse_year_month(&row.get(i)) == YearMonth::new(1900, 1));
    let dpe_energy = match c.dpeenergie {
        Some(i) if !no_dpe => {
            let v = row.get(i);
            if v.is_empty() || dpe_not_concerned(&v) {
                None
            } else {
                Some(dpe_class(&v).ok_or_else(|| {
                    fail(
                        i,
                        &n.dpeenergie,
                        ValueKind::Code(1),
                        "classe DPE énergie",
                        "lettre A à G attendue (ou NC, non concerné)",
                    )
                })?)
            }
        }
        _ => None,
    };
    let lease_start = match c.bail {
        Some(i) => opt_year_month(&row.get(i))
            .and_then(|d| not_after(d, latest))
            .map_err(|e| fail(i, &n.bail, ValueKind::Date, "date d'effet du bail", e))?,
        None => None,
    };
    let rent = match c.loyerprinc {
        Some(i) => {
            let rent_fail =
                |e: String| fail(i, &n.loyerprinc, ValueKind::Number, "loyer principal", e);
            let rent = opt_non_negative(&row.get(i))
                .map_err(rent_fail)?
                .filter(|&r| r != RENT_SENTINEL);
            if let Some(r) = rent {
                if r > RENT_EUR.1 {
                    return Err(rent_fail(format!(
                        "loyer mensuel invraisemblable (au plus {} € attendus)",
                        RENT_EUR.1
                    )));
                }
                if r > 0.0 && r < RENT_MIN_EUR {
                    return Err(rent_fail(format!(
                        "loyer mensuel invraisemblable : moins de {RENT_MIN_EUR} € et plus de 0 \
                         (séparateur des milliers lu comme une virgule décimale ?)"
                    )));
                }
                if let Some(m2) = surface.filter(|&m2| m2 > 0.0) {
                    if r > 0.0 && r / m2 < RENT_PER_M2_MIN {
                        return Err(rent_fail(format!(
                            "loyer invraisemblable pour la surface : moins de {RENT_PER_M2_MIN} € par m² et par mois (séparateur des milliers lu comme une virgule décimale ?)"
                        )));
                    }
                    if r / m2 > RENT_PER_M2_MAX {
                        return Err(rent_fail(format!(
                            "loyer invraisemblable pour la surface : plus de {RENT_PER_M2_MAX} € par m² et par mois"
                        )));
                    }
                }
            }
            rent
        }
        None => None,
    };
    let rpls_qpv = match c.qpv {
        Some(i) => match &*row.get(i) {
            "1" => Some(true),
            "2" => Some(false),
            "" => None,
            _ => {
                return Err(fail(
                    i,
                    &n.qpv,
                    ValueKind::Code(1),
                    "indicateur QPV",
                    "1 (en QPV), 2 (hors QPV) ou vide attendu",
                ))
            }
        },
        None => None,
    };
    if row.get(c.immeu).is_empty() {
        return Err(fail(
            c.immeu,
            &n.immeu,
            ValueKind::Private,
            "code immeuble (programme)",
            "valeur manquante",
        ));
    }
    if row.get(c.ident_org).is_empty() {
        return Err(fail(
            c.ident_org,
            &n.ident_org,
            ValueKind::Private,
            "code du bailleur",
            "valeur manquante",
        ));
    }
    Ok(Valid {
        commune,
        rooms: rooms as u8,
        surface: surface.map(|s| s as f32),
        first_let_year: first_let_year.map(|y| y as u16),
        finan,
        dpe_energy,
        mode,
        lease_start,
        rent: rent.map(|r| r as f32),
        rpls_qpv,
    })
}

/// `NC` (« non concerné », a legitimate RPLS value: the dwelling is not subject to a DPE),
/// whatever its case, dots, slash or spacing (`N.C.`, `n/c`, `Non concerné`): counted « sans
/// DPE », like an empty class.
fn dpe_not_concerned(s: &str) -> bool {
    let folded: String = crate::text::fold(s)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    folded.eq_ignore_ascii_case("NC") || folded.eq_ignore_ascii_case("NONCONCERNE")
}

/// A DPE class letter, either case (like [`DpeClass::from_letter`], without allocating).
fn dpe_class(s: &str) -> Option<DpeClass> {
    Some(match s.as_bytes() {
        [b'A' | b'a'] => DpeClass::A,
        [b'B' | b'b'] => DpeClass::B,
        [b'C' | b'c'] => DpeClass::C,
        [b'D' | b'd'] => DpeClass::D,
        [b'E' | b'e'] => DpeClass::E,
        [b'F' | b'f'] => DpeClass::F,
        [b'G' | b'g'] => DpeClass::G,
        _ => return None,
    })
}

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
    let n = &input.columns;
    let c = Cols::find(&src, n)?;
    let n_fields = src.headers().len();
    let labels = src.column_labels();
    let file = src.file_name();
    let path = src.path().to_path_buf();
    let mut out = RplsData {
        stats: InputStats::new(&path, src.describe()),
        qp15: c.plg_qp15.map(|_| qp::QpCodes::new(&n.plg_qp15)),
        qp24: c.plg_qp24.map(|_| qp::QpCodes::new(&n.plg_qp24)),
        ..Default::default()
    };
    let mut interner = Interner::default();
    let mut xy = XyResolver::default();
    // line of each accepted dwelling, and of rejected rows with an id (duplicate messages)
    let mut lines: Vec<u32> = Vec::new();
    let mut rejected_ids: HashMap<Box<str>, u64> = HashMap::new();
    let mut communes = CommuneCache::default();
    if let Some(rows) = estimate_rows(&path) {
        out.dwellings.reserve(rows);
        out.ids.reserve(rows, 12);
        lines.reserve(rows);
    }

    src.for_each_row(|row| {
        let line = row.line();
        out.stats.read += 1;
        let mut reject =
            |column: &str, kind: ValueKind, value: &str, reason: String, masked: bool| {
                if masked {
                    rejects.push_masked(&file, line, column, reason);
                } else {
                    rejects.push(&file, line, column, kind, value, reason);
                }
            };
        if row.len() != n_fields {
            reject(
                "",
                ValueKind::Private,
                "",
                format!(
                    "nombre de champs incorrect : {} au lieu de {n_fields}",
                    row.len()
                ),
                false,
            );
            out.stats.rejected += 1;
            return Ok(());
        }
        if let Some((i, why)) = row.defect() {
            let column = labels.get(i).map_or("", String::as_str);
            reject(column, ValueKind::Private, "", why.to_string(), false);
            out.stats.rejected += 1;
            return Ok(());
        }
        let id = row.get(c.ident_rep);
        if id.is_empty() {
            reject(
                &n.ident_rep,
                ValueKind::Private,
                "",
                "identifiant du logement manquant".into(),
                true,
            );
            out.stats.rejected += 1;
            return Ok(());
        }
        let first = out
            .ids
            .get(&id)
            .map(|d| u64::from(lines[d as usize]))
            .or_else(|| rejected_ids.get(&*id).copied());
        if let Some(first) = first {
            reject(
                &n.ident_rep,
                ValueKind::Private,
                "",
                format!("identifiant du logement en double (déjà présent ligne {first})"),
                true,
            );
            out.stats.rejected += 1;
            return Ok(());
        }
        let v = match validate(&row, &c, n, territory, &mut communes, input.latest_date) {
            Ok(v) => v,
            Err(f) => {
                let value = f.col.map_or(Cow::Borrowed(""), |i| row.get(i));
                reject(f.name, f.kind, &value, f.reason, false);
                rejected_ids.insert(id.as_ref().into(), line);
                out.stats.rejected += 1;
                return Ok(());
            }
        };
        let (landlord, stairwell) = intern_structure(&row, &c, &mut interner, &mut out.structure)
            .map_err(|_| IngestError::Data {
            path: path.clone(),
            message: format!(
                "ligne {line} : plus de {} bailleurs (IDENT_ORG) distincts, limite de l'outil",
                u16::MAX as u32 + 1
            ),
        })?;
        let address = intern_address(&row, &c, &mut interner, &mut out.addresses);
        let rpls_qva = c.plg_qva.and_then(|i| {
            let q = row.get(i);
            (!q.is_empty()).then(|| interner.qva(&mut out.structure, &q))
        });
        let idx = out.dwellings.len() as u32;
        out.dwellings.push(Dwelling {
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
        for (col, codes) in [(c.plg_qp15, &mut out.qp15), (c.plg_qp24, &mut out.qp24)] {
            if let (Some(i), Some(codes)) = (col, codes.as_mut()) {
                codes.push(&row.get(i));
            }
        }
        lines.push(u32::try_from(line).unwrap_or(u32::MAX));
        let inserted = out.ids.insert(&id);
        debug_assert_eq!(inserted, Ok(idx));
        let field = match (c.x, c.y) {
            (Some(xi), Some(yi)) => {
                XyField::parse(&row.get(xi), &row.get(yi), &row.get_opt(c.epsg))
            }
            _ => XyField::Absent,
        };
        xy.add(idx, field, &mut out.dwellings, territory);
        out.stats.accepted += 1;
        Ok::<(), IngestError>(())
    })?;
    xy.finish(&mut out.dwellings, territory);
    out.xy_used = xy.used;
    out.xy_ignored = xy.ignored;
    debug_assert!(out.stats.reconciles());
    Ok(out)
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

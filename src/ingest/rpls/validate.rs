//! Validation of the non-identifier fields of a RPLS row against the RPLS code lists and the
//! plausible ranges, in the documented order: the first problem found rejects the row.

use super::columns::Cols;
use super::fields::{
    int_in, not_after, opt_decimal_in, opt_int_in, opt_non_negative, opt_year_month, parse_code,
    parse_year_month,
};
use super::{
    RENT_EUR, RENT_MIN_EUR, RENT_PER_M2_MAX, RENT_PER_M2_MIN, RENT_SENTINEL, ROOMS, SURFACE_M2,
    YEARS,
};
use crate::config::RplsColumns;
use crate::ingest::rejects::ValueKind;
use crate::ingest::source::Row;
use crate::ingest::territory::{is_insee_code, Territory};
use crate::model::{DpeClass, Financing, OccupancyMode, YearMonth};

/// A refused field: which column (index and configured name) and why.
pub(super) struct Fail<'n> {
    pub(super) col: Option<usize>,
    pub(super) name: &'n str,
    /// What the column holds: decides whether the value may be shown in `rejets.csv`.
    pub(super) kind: ValueKind,
    pub(super) reason: String,
}

/// The refusal of field `col` (configured name `name`): `label : why`.
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
pub(super) struct Valid {
    pub(super) commune: u32,
    pub(super) rooms: u8,
    pub(super) surface: Option<f32>,
    pub(super) first_let_year: Option<u16>,
    pub(super) finan: u8,
    pub(super) dpe_energy: Option<DpeClass>,
    pub(super) mode: OccupancyMode,
    pub(super) lease_start: Option<YearMonth>,
    pub(super) rent: Option<f32>,
    pub(super) rpls_qpv: Option<bool>,
}

/// The last commune looked up: RPLS files come sorted by commune, so most rows skip the hash.
#[derive(Default)]
pub(super) struct CommuneCache {
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
pub(super) fn validate<'n>(
    row: &Row<'_>,
    c: &Cols,
    n: &'n RplsColumns,
    territory: &Territory,
    communes: &mut CommuneCache,
    latest: Option<YearMonth>,
) -> Result<Valid, Fail<'n>> {
    let f = Fields { row, c, n };
    let commune = f.commune(territory, communes)?;
    let rooms = f.rooms()?;
    let surface = f.surface()?;
    let first_let_year = f.first_let_year(latest)?;
    let finan = f.financing()?;
    let mode = f.occupancy_mode()?;
    let dpe_energy = f.dpe_energy()?;
    let lease_start = f.lease_start(latest)?;
    let rent = f.rent(surface)?;
    let rpls_qpv = f.rpls_qpv()?;
    f.programme_keys()?;
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

/// One row, where its columns are and their configured names: each field checked on its own.
struct Fields<'a, 'r, 'n> {
    row: &'a Row<'r>,
    c: &'a Cols,
    n: &'n RplsColumns,
}

impl<'n> Fields<'_, '_, 'n> {
    /// `DEPCOM`: an INSEE code, of a commune of the territory.
    fn commune(&self, territory: &Territory, communes: &mut CommuneCache) -> Result<u32, Fail<'n>> {
        let (row, c, n) = (self.row, self.c, self.n);
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
        communes.lookup(&depcom, territory).ok_or_else(|| {
            fail(
                c.depcom,
                &n.depcom,
                ValueKind::Commune,
                "code commune",
                "commune hors du territoire (absente de la table des EPCI)",
            )
        })
    }

    /// `NBPIECE`: 1 to 20 rooms.
    fn rooms(&self) -> Result<i64, Fail<'n>> {
        let (row, c, n) = (self.row, self.c, self.n);
        int_in(&row.get(c.nbpiece), ROOMS.0, ROOMS.1).map_err(|e| {
            fail(
                c.nbpiece,
                &n.nbpiece,
                ValueKind::Number,
                "nombre de pièces",
                e,
            )
        })
    }

    /// `SURFHAB`, when the column is present: empty, or 5 to 500 m².
    fn surface(&self) -> Result<Option<f64>, Fail<'n>> {
        let (row, c, n) = (self.row, self.c, self.n);
        Ok(match c.surfhab {
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
        })
    }

    /// `LOCAT`, when the column is present: empty, or a year from 1800 to the year of the
    /// latest date (2100 without one).
    fn first_let_year(&self, latest: Option<YearMonth>) -> Result<Option<i64>, Fail<'n>> {
        let (row, c, n) = (self.row, self.c, self.n);
        let last_year = latest.map_or(YEARS.1, |l| i64::from(l.year));
        Ok(match c.locat {
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
        })
    }

    /// `FINAN`: a RPLS financing code.
    fn financing(&self) -> Result<u8, Fail<'n>> {
        let (row, c, n) = (self.row, self.c, self.n);
        parse_code(
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
        })
    }

    /// `MODE`: a RPLS occupancy code.
    fn occupancy_mode(&self) -> Result<OccupancyMode, Fail<'n>> {
        let (row, c, n) = (self.row, self.c, self.n);
        parse_code(&row.get(c.mode), OccupancyMode::from_code, "1 à 6 ou 9")
            .map_err(|e| fail(c.mode, &n.mode, ValueKind::Code(2), "mode d'occupation", e))
    }

    /// `DPEENERGIE`, when the column is present and a DPE exists (`DPEDATE` is not 01/1900):
    /// empty or `NC` (no DPE), else a letter A to G.
    fn dpe_energy(&self) -> Result<Option<DpeClass>, Fail<'n>> {
        let (row, c, n) = (self.row, self.c, self.n);
        let no_dpe = c
            .dpedate
            .is_some_and(|i| parse_year_month(&row.get(i)) == YearMonth::new(1900, 1));
        Ok(match c.dpeenergie {
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
        })
    }

    /// `BAIL`, when the column is present: empty, or a month not after the latest date.
    fn lease_start(&self, latest: Option<YearMonth>) -> Result<Option<YearMonth>, Fail<'n>> {
        let (row, c, n) = (self.row, self.c, self.n);
        Ok(match c.bail {
            Some(i) => opt_year_month(&row.get(i))
                .and_then(|d| not_after(d, latest))
                .map_err(|e| fail(i, &n.bail, ValueKind::Date, "date d'effet du bail", e))?,
            None => None,
        })
    }

    /// `LOYERPRINC`, when the column is present: empty or the sentinel (no rent), else a
    /// plausible monthly rent ([`implausible_rent`]).
    fn rent(&self, surface: Option<f64>) -> Result<Option<f64>, Fail<'n>> {
        let (row, c, n) = (self.row, self.c, self.n);
        let Some(i) = c.loyerprinc else {
            return Ok(None);
        };
        let rent_fail = |e: String| fail(i, &n.loyerprinc, ValueKind::Number, "loyer principal", e);
        let rent = opt_non_negative(&row.get(i))
            .map_err(rent_fail)?
            .filter(|&r| r != RENT_SENTINEL);
        if let Some(why) = rent.and_then(|r| implausible_rent(r, surface)) {
            return Err(rent_fail(why));
        }
        Ok(rent)
    }

    /// `QPV`, when the column is present: 1 (in a QPV), 2 (outside) or empty.
    fn rpls_qpv(&self) -> Result<Option<bool>, Fail<'n>> {
        let (row, c, n) = (self.row, self.c, self.n);
        Ok(match c.qpv {
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
        })
    }

    /// `IMMEU` and `IDENT_ORG` present (they make the programme key).
    fn programme_keys(&self) -> Result<(), Fail<'n>> {
        let (row, c, n) = (self.row, self.c, self.n);
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
        Ok(())
    }
}

/// Why a monthly rent `r` (not the sentinel) is not plausible: above 10,000 €, between 0 and
/// 10 €, or, when the living area is known, below 0.5 or above 60 € per m².
fn implausible_rent(r: f64, surface: Option<f64>) -> Option<String> {
    if r > RENT_EUR.1 {
        return Some(format!(
            "loyer mensuel invraisemblable (au plus {} € attendus)",
            RENT_EUR.1
        ));
    }
    if r > 0.0 && r < RENT_MIN_EUR {
        return Some(format!(
            "loyer mensuel invraisemblable : moins de {RENT_MIN_EUR} € et plus de 0 \
             (séparateur des milliers lu comme une virgule décimale ?)"
        ));
    }
    if let Some(m2) = surface.filter(|&m2| m2 > 0.0) {
        if r > 0.0 && r / m2 < RENT_PER_M2_MIN {
            return Some(format!(
                "loyer invraisemblable pour la surface : moins de {RENT_PER_M2_MIN} € par m² et par mois (séparateur des milliers lu comme une virgule décimale ?)"
            ));
        }
        if r / m2 > RENT_PER_M2_MAX {
            return Some(format!(
                "loyer invraisemblable pour la surface : plus de {RENT_PER_M2_MAX} € par m² et par mois"
            ));
        }
    }
    None
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
pub(super) fn dpe_class(s: &str) -> Option<DpeClass> {
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

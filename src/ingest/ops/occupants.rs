//! OPS occupants: each accepted row updates its household's [`OccupantSummary`] (no occupant
//! row is kept). A household one of whose occupant rows is rejected for a value is left out of
//! the occupant indicators; several lease holders in one household are said, not rejected.

use super::{Rejecter, ADULT_AGE, HOLDER_AGE, MISSING_ID, OCCUPANT_AGE, OCCUPANT_RANK, UNKNOWN_ID};
use crate::config::{CsvInput, OccupantColumns};
use crate::ingest::rejects::{RejectLog, ValueKind};
use crate::ingest::rpls::fields::{int_in, opt_code, parse_code};
use crate::ingest::rpls::keys::KeyTable;
use crate::ingest::source::{CsvSource, Row};
use crate::ingest::{IngestError, InputStats};
use crate::model::{Employment, Household, Link, OccupantSummary, NONE, OCCUPANT_AGE_BANDS};
use rustc_hash::FxHashMap as FastMap;

/// Adds one occupant to a household summary.
pub fn add_occupant(s: &mut OccupantSummary, age: u8, link: Link, employment: Option<Employment>) {
    s.persons = s.persons.saturating_add(1);
    if age >= ADULT_AGE {
        s.adults = s.adults.saturating_add(1);
        match employment {
            Some(e) => {
                let i = employment_index(e);
                s.adult_employment[i] = s.adult_employment[i].saturating_add(1);
            }
            None => s.adult_employment_unknown = s.adult_employment_unknown.saturating_add(1),
        }
    } else {
        s.minors = s.minors.saturating_add(1);
    }
    if link == Link::Child {
        s.children = s.children.saturating_add(1);
    }
    if let Some(b) = OCCUPANT_AGE_BANDS
        .iter()
        .position(|&(lo, hi)| age >= lo && age < hi)
    {
        s.age_bands[b] = s.age_bands[b].saturating_add(1);
    }
}

/// Position of `e` in [`OccupantSummary::adult_employment`].
pub fn employment_index(e: Employment) -> usize {
    match e {
        Employment::Stable => 0,
        Employment::Precarious => 1,
        Employment::Unemployed => 2,
        Employment::NoEmployment => 3,
        Employment::Retired => 4,
        Employment::Student => 5,
    }
}

/// Column indices of the occupants file.
struct OccupantCols {
    id: usize,
    rank: usize,
    age: usize,
    link: usize,
    employment: usize,
}

impl OccupantCols {
    /// Finds the columns of `n` in `src`, in the order they are looked up.
    fn find(src: &CsvSource, n: &OccupantColumns) -> Result<Self, IngestError> {
        Ok(OccupantCols {
            id: src.column(&n.ident_rep)?,
            rank: src.column(&n.rank)?,
            age: src.column(&n.age)?,
            link: src.column(&n.link)?,
            employment: src.column(&n.employment)?,
        })
    }
}

/// An invalid field of a row: column index, column name, kind of value, reason.
type BadField = (usize, String, ValueKind, String);

/// What reading the occupants file needs from row to row.
struct OccupantReader<'a> {
    names: &'a OccupantColumns,
    cols: OccupantCols,
    ids: &'a KeyTable,
    /// Dwelling → index of its household ([`NONE`] = no accepted household).
    household_of: Vec<u32>,
    /// Line of the first row of each (household, occupant number).
    seen: FastMap<(u32, u8), u32>,
    /// Occupants flagged « titulaire du bail » per household (co-holders are legitimate).
    holders: Vec<u8>,
    /// Households one of whose occupant rows was rejected for a value: their summary would
    /// miss that person.
    incomplete: Vec<bool>,
}

impl<'a> OccupantReader<'a> {
    fn new(
        names: &'a OccupantColumns,
        cols: OccupantCols,
        ids: &'a KeyTable,
        households: &[Household],
    ) -> Self {
        let n_dwellings = households
            .iter()
            .map(|h| h.dwelling as usize + 1)
            .max()
            .unwrap_or(0);
        let mut household_of = vec![NONE; n_dwellings];
        for (i, h) in households.iter().enumerate() {
            household_of[h.dwelling as usize] = i as u32;
        }
        OccupantReader {
            names,
            cols,
            ids,
            household_of,
            seen: FastMap::default(),
            holders: vec![0; households.len()],
            incomplete: vec![false; households.len()],
        }
    }

    /// Adds the occupant of one row whose fields can be read to its household's summary, or
    /// rejects the row; `true` when accepted.
    fn occupant(
        &mut self,
        row: &Row<'_>,
        households: &mut [Household],
        rj: &mut Rejecter<'_>,
    ) -> bool {
        let Some(h) = self.household(row, households, rj) else {
            return false;
        };
        match self.values(row, h) {
            Ok((age, link, employment)) => {
                if link == Link::Holder {
                    self.holders[h as usize] = self.holders[h as usize].saturating_add(1);
                }
                add_occupant(&mut households[h as usize].occupants, age, link, employment);
                true
            }
            Err((col, name, kind, reason)) => {
                rj.value(row.line(), &name, kind, &row.get(col), reason);
                self.incomplete[h as usize] = true;
                false
            }
        }
    }

    /// The household of a row, which must have answered the survey; rejects the row (masked)
    /// otherwise.
    fn household(
        &self,
        row: &Row<'_>,
        households: &[Household],
        rj: &mut Rejecter<'_>,
    ) -> Option<u32> {
        let line = row.line();
        let id = row.get(self.cols.id);
        if id.is_empty() {
            rj.masked(line, MISSING_ID);
            return None;
        }
        let Some(d) = self.ids.get(&id) else {
            rj.masked(line, UNKNOWN_ID);
            return None;
        };
        let h = self.household_of.get(d as usize).copied().unwrap_or(NONE);
        if h == NONE {
            rj.masked(
                line,
                "aucun ménage accepté pour ce logement dans le fichier des ménages",
            );
            return None;
        }
        if !households[h as usize].responded {
            rj.masked(line, "occupant d'un ménage qui n'a pas répondu à l'enquête");
            return None;
        }
        Some(h)
    }

    /// The age, link and employment of an occupant of household `h`, or the first invalid
    /// field. The occupant number is checked first, and kept once valid and not a duplicate,
    /// whatever the other fields.
    fn values(
        &mut self,
        row: &Row<'_>,
        h: u32,
    ) -> Result<(u8, Link, Option<Employment>), BadField> {
        let (n, c) = (self.names, &self.cols);
        let bad = |col: usize, name: &str, kind: ValueKind, reason: String| {
            (col, name.to_string(), kind, reason)
        };
        let rank = int_in(&row.get(c.rank), OCCUPANT_RANK.0, OCCUPANT_RANK.1).map_err(|e| {
            bad(
                c.rank,
                &n.rank,
                ValueKind::Number,
                format!("numéro d'occupant : {e}"),
            )
        })? as u8;
        if let Some(first) = self.seen.get(&(h, rank)) {
            let msg = format!(
                "numéro d'occupant : occupant en double dans ce ménage (même numéro déjà présent ligne {first})"
            );
            return Err(bad(c.rank, &n.rank, ValueKind::Number, msg));
        }
        self.seen
            .insert((h, rank), u32::try_from(row.line()).unwrap_or(u32::MAX));
        let age = int_in(&row.get(c.age), OCCUPANT_AGE.0, OCCUPANT_AGE.1)
            .map_err(|e| bad(c.age, &n.age, ValueKind::Number, format!("âge : {e}")))?
            as u8;
        let link = parse_code(&row.get(c.link), Link::from_code, "1 à 5").map_err(|e| {
            let why = format!("lien avec le titulaire du bail : {e}");
            bad(c.link, &n.link, ValueKind::Code(2), why)
        })?;
        // the holder obeys the households file's age range: a five-year-old holder is an
        // age or a link typed wrong, and would be counted as a person of that age
        if link == Link::Holder && i64::from(age) < HOLDER_AGE.0 {
            let why = format!(
                "âge : titulaire du bail de moins de {} ans (âge ou lien avec le titulaire erroné)",
                HOLDER_AGE.0
            );
            return Err(bad(c.age, &n.age, ValueKind::Number, why));
        }
        let emp_s = row.get(c.employment);
        let employment = if &*emp_s == "9" {
            Ok(None)
        } else {
            opt_code(
                &emp_s,
                Employment::from_code,
                "1 à 6, 9 ou vide si inconnue",
            )
        };
        let employment = employment.map_err(|e| {
            let why = format!("situation d'emploi : {e}");
            bad(c.employment, &n.employment, ValueKind::Code(2), why)
        })?;
        Ok((age, link, employment))
    }
}

/// Reads the OPS occupants file into the households' [`crate::model::OccupantSummary`].
pub fn read_occupants(
    input: &CsvInput<OccupantColumns>,
    ids: &KeyTable,
    households: &mut [Household],
    rejects: &mut RejectLog,
) -> Result<InputStats, IngestError> {
    let n = &input.columns;
    let mut src = CsvSource::open(&input.path, &input.encoding, &input.delimiter)?;
    let cols = OccupantCols::find(&src, n)?;
    let n_fields = src.headers().len();
    let mut rj = Rejecter::for_source(&src, &n.ident_rep, rejects);
    let mut reader = OccupantReader::new(n, cols, ids, households);
    src.for_each_row(|row| {
        rj.stats.read += 1;
        if rj.field_count(&row, n_fields) && reader.occupant(&row, households, &mut rj) {
            rj.stats.accepted += 1;
        }
        Ok::<(), IngestError>(())
    })?;
    leave_out_incomplete(households, &reader.incomplete, &rj.file);
    warn_co_holders(&reader.holders, &rj.file, &n.link);
    debug_assert!(rj.stats.reconciles());
    Ok(rj.stats)
}

/// Leaves out of the occupant indicators a household one of whose occupants was rejected,
/// like a respondent without occupant rows, rather than published one person short (its mean
/// size, ages and employment would be wrong); its other answers still count.
fn leave_out_incomplete(households: &mut [Household], incomplete: &[bool], file: &str) {
    let mut left_out = 0usize;
    for (household, _) in households
        .iter_mut()
        .zip(incomplete)
        .filter(|(_, &incomplete)| incomplete)
    {
        household.occupants = OccupantSummary::default();
        left_out += 1;
    }
    if left_out > 0 {
        tracing::warn!(
            "{} : {left_out} ménage(s) répondant(s) dont une ligne d'occupant est rejetée \
             (voir rejets.csv) : leurs occupants ne sont pas comptés dans les indicateurs \
             d'occupants (plutôt qu'un ménage publié avec une personne de moins) ; leurs autres \
             réponses restent comptées",
            file
        );
    }
}

/// Says how many households have several holders. They are co-holders of the lease (spouses
/// and partners are co-holders by law, a shared lease names every tenant). Each is a real
/// occupant and is counted once as a person; the household is counted once, and the holder's
/// age comes from the households file: no indicator counts holders from this file. Said, not
/// rejected (rejecting one would publish the household one person short).
fn warn_co_holders(holders: &[u8], file: &str, link_column: &str) {
    let co_held = holders.iter().filter(|&&n| n > 1).count();
    if co_held > 0 {
        tracing::warn!(
            "{} : {co_held} ménage(s) avec plusieurs occupants « titulaire du bail » ({} = 1) : \
             lus comme cotitulaires (conjoints, partenaires, colocataires) ; chaque occupant est \
             compté une fois, le ménage une fois, l'âge du titulaire est celui du fichier des \
             ménages",
            file,
            link_column
        );
    }
}

//! OPS households and occupants in the opsgeo interchange format (`docs/format_ops.md`), matched
//! to RPLS dwellings by `IDENT_REP`.
//!
//! Households: at most one per accepted RPLS dwelling, never in a dwelling the RPLS says is
//! vacant (MODE 2 or 3). For a household that did not answer (`REPONSE` 2) the other answers are
//! neither checked nor kept. Occupants ([`occupants`]): only for households that answered; each
//! accepted row updates its household's [`OccupantSummary`] (no occupant row is kept).
//!
//! Rejects never show `IDENT_REP` (masked) and their reasons never say whether an identifier
//! exists in the RPLS file. Duplicates (a second household for a dwelling, a second occupant
//! with the same number) are detected against every earlier row, whatever happened to it.

mod occupants;
#[cfg(test)]
mod tests;

pub use occupants::{add_occupant, employment_index, read_occupants};

use super::rejects::{RejectLog, ValueKind};
use super::rpls::fields::{not_after, opt_code, opt_int_in, opt_year_month, opt_yes_no_unknown};
use super::rpls::keys::KeyTable;
use super::source::{CsvSource, Row};
use super::{IngestError, InputStats};
use crate::config::{CsvInput, HouseholdColumns};
use crate::model::{Composition, Dwelling, Household, OccupancyMode, OccupantSummary, YearMonth};

/// Accepted age of the lease holder.
pub const HOLDER_AGE: (i64, i64) = (16, 120);
/// Accepted income, % of the PLUS ceiling.
pub const INCOME_PCT: (i64, i64) = (0, 2000);
/// Accepted occupant age.
pub const OCCUPANT_AGE: (i64, i64) = (0, 120);
/// Accepted occupant number within a household.
pub const OCCUPANT_RANK: (i64, i64) = (0, 99);
/// Adults are aged 18 or more.
pub const ADULT_AGE: u8 = 18;

/// Rejects of one file, with the counting of `stats` kept in step.
struct Rejecter<'a> {
    file: String,
    /// Column names as they may be shown (see [`CsvSource::column_labels`]).
    labels: Vec<String>,
    ident_col: &'a str,
    rejects: &'a mut RejectLog,
    stats: InputStats,
}

impl<'a> Rejecter<'a> {
    /// The rejecter of the file `src` reads, whose identifier column is `ident_col`.
    fn for_source(src: &CsvSource, ident_col: &'a str, rejects: &'a mut RejectLog) -> Self {
        Rejecter {
            file: src.file_name(),
            labels: src.column_labels(),
            ident_col,
            rejects,
            stats: InputStats::new(src.path(), src.describe()),
        }
    }

    fn value(&mut self, line: u64, column: &str, kind: ValueKind, value: &str, reason: String) {
        self.rejects
            .push(&self.file, line, column, kind, value, reason);
        self.stats.rejected += 1;
    }

    fn masked(&mut self, line: u64, reason: impl Into<String>) {
        self.rejects
            .push_masked(&self.file, line, self.ident_col, reason);
        self.stats.rejected += 1;
    }

    /// Rejects a row with the wrong number of fields or an unreadable field (NUL byte,
    /// invalid UTF-8); `true` when the row can be read.
    fn field_count(&mut self, row: &Row<'_>, expected: usize) -> bool {
        if row.len() == expected {
            if let Some((i, why)) = row.defect() {
                let column = self.labels.get(i).cloned().unwrap_or_default();
                self.value(row.line(), &column, ValueKind::Private, "", why.into());
                return false;
            }
            return true;
        }
        self.value(
            row.line(),
            "",
            ValueKind::Private,
            "",
            format!(
                "nombre de champs incorrect : {} au lieu de {expected}",
                row.len()
            ),
        );
        false
    }
}

const MISSING_ID: &str = "identifiant du logement manquant";
/// Reason of a row whose dwelling is not among the accepted RPLS dwellings.
pub const UNKNOWN_ID: &str =
    "logement introuvable parmi les logements RPLS acceptés (absent du RPLS ou ligne RPLS rejetée)";

/// Looks up the dwelling of a row; rejects the row (masked) when it has none.
fn dwelling_of(
    row: &Row<'_>,
    col: usize,
    ids: &KeyTable,
    n_dwellings: usize,
    rj: &mut Rejecter<'_>,
) -> Option<u32> {
    let id = row.get(col);
    if id.is_empty() {
        rj.masked(row.line(), MISSING_ID);
        return None;
    }
    match ids.get(&id) {
        Some(d) if (d as usize) < n_dwellings => Some(d),
        _ => {
            rj.masked(row.line(), UNKNOWN_ID);
            None
        }
    }
}

/// The answers of a household that responded, or the first invalid field.
fn household_answers(
    row: &Row<'_>,
    cols: &[usize; 5],
    n: &HouseholdColumns,
    dwelling: u32,
    latest: Option<YearMonth>,
) -> Result<Household, (usize, String, ValueKind, String)> {
    let [move_in, composition, holder_age, income, apl] = *cols;
    let err = |i: usize, name: &str, label: &str, why: String| {
        let kind = if i == move_in {
            ValueKind::Date
        } else if i == holder_age || i == income {
            ValueKind::Number
        } else {
            ValueKind::Code(2)
        };
        (i, name.to_string(), kind, format!("{label} : {why}"))
    };
    let move_in_v = opt_year_month(&row.get(move_in))
        .and_then(|d| not_after(d, latest))
        .map_err(|e| err(move_in, &n.move_in, "date d'emménagement", e))?;
    let composition_v = opt_code(&row.get(composition), Composition::from_code, "1 à 5")
        .map_err(|e| err(composition, &n.composition, "composition du ménage", e))?;
    let holder_age_v = opt_int_in(&row.get(holder_age), HOLDER_AGE.0, HOLDER_AGE.1)
        .map_err(|e| err(holder_age, &n.holder_age, "âge du titulaire du bail", e))?;
    let income_v = opt_int_in(&row.get(income), INCOME_PCT.0, INCOME_PCT.1)
        .map_err(|e| err(income, &n.income_pct, "revenus en % du plafond PLUS", e))?;
    let apl_v = opt_yes_no_unknown(&row.get(apl)).map_err(|e| err(apl, &n.apl, "APL", e))?;
    Ok(Household {
        dwelling,
        responded: true,
        move_in: move_in_v,
        composition: composition_v,
        holder_age: holder_age_v.map(|a| a as u8),
        income_pct: income_v.map(|v| v as u16),
        apl: apl_v,
        occupants: OccupantSummary::default(),
    })
}

/// Column indices of the households file.
struct HouseholdCols {
    id: usize,
    response: usize,
    /// Move-in date, composition, holder age, income, APL (see [`household_answers`]).
    answers: [usize; 5],
}

impl HouseholdCols {
    /// Finds the columns of `n` in `src`, in the order they are looked up.
    fn find(src: &CsvSource, n: &HouseholdColumns) -> Result<Self, IngestError> {
        Ok(HouseholdCols {
            id: src.column(&n.ident_rep)?,
            response: src.column(&n.response)?,
            answers: [
                src.column(&n.move_in)?,
                src.column(&n.composition)?,
                src.column(&n.holder_age)?,
                src.column(&n.income_pct)?,
                src.column(&n.apl)?,
            ],
        })
    }
}

/// What reading the households file needs from row to row.
struct HouseholdReader<'a> {
    input: &'a CsvInput<HouseholdColumns>,
    cols: HouseholdCols,
    ids: &'a KeyTable,
    dwellings: &'a [Dwelling],
    /// Line of the first household row of each dwelling (0 = none yet).
    first_line: Vec<u32>,
}

impl HouseholdReader<'_> {
    /// The household of one row whose fields can be read, or `None` when the row is rejected:
    /// no known dwelling, a second household for it, a vacant dwelling, an invalid answer.
    fn household(&mut self, row: &Row<'_>, rj: &mut Rejecter<'_>) -> Option<Household> {
        let d = dwelling_of(row, self.cols.id, self.ids, self.dwellings.len(), rj)?;
        if !self.first_for_dwelling(d, row.line(), rj) || !self.occupied(d, row.line(), rj) {
            return None;
        }
        self.answers(row, d, rj)
    }

    /// Whether the row is the first household of dwelling `d`; rejects it (masked) otherwise.
    /// Every row that gets this far counts as the first, whatever happens to it next.
    fn first_for_dwelling(&mut self, d: u32, line: u64, rj: &mut Rejecter<'_>) -> bool {
        let first = &mut self.first_line[d as usize];
        if *first != 0 {
            let msg = format!("second ménage pour le même logement (premier ménage ligne {first})");
            rj.masked(line, msg);
            return false;
        }
        *first = u32::try_from(line).unwrap_or(u32::MAX);
        true
    }

    /// Whether dwelling `d` is not vacant according to the RPLS; rejects the row (masked)
    /// otherwise.
    fn occupied(&self, d: u32, line: u64, rj: &mut Rejecter<'_>) -> bool {
        if matches!(
            self.dwellings[d as usize].mode,
            OccupancyMode::VacantOffered | OccupancyMode::Empty
        ) {
            rj.masked(line, "ménage déclaré dans un logement vacant selon le RPLS");
            return false;
        }
        true
    }

    /// The household of dwelling `d` from its response code and, when it answered, its
    /// answers; rejects the row on an unknown code or an invalid answer.
    fn answers(&self, row: &Row<'_>, d: u32, rj: &mut Rejecter<'_>) -> Option<Household> {
        let n = &self.input.columns;
        let line = row.line();
        match &*row.get(self.cols.response) {
            "1" => match household_answers(row, &self.cols.answers, n, d, self.input.latest_date) {
                Ok(h) => Some(h),
                Err((col, name, kind, reason)) => {
                    rj.value(line, &name, kind, &row.get(col), reason);
                    None
                }
            },
            "2" => Some(Household {
                dwelling: d,
                responded: false,
                move_in: None,
                composition: None,
                holder_age: None,
                income_pct: None,
                apl: None,
                occupants: OccupantSummary::default(),
            }),
            other => {
                rj.value(
                    line,
                    &n.response,
                    ValueKind::Code(2),
                    other,
                    "réponse à l'enquête : code inconnu (attendu : 1 a répondu, 2 n'a pas répondu)"
                        .into(),
                );
                None
            }
        }
    }
}

/// Reads the OPS households file. At most one household per dwelling.
///
/// `ids` is [`crate::ingest::rpls::RplsData::ids`].
pub fn read_households(
    input: &CsvInput<HouseholdColumns>,
    ids: &KeyTable,
    dwellings: &[Dwelling],
    rejects: &mut RejectLog,
) -> Result<(Vec<Household>, InputStats), IngestError> {
    let n = &input.columns;
    let mut src = CsvSource::open(&input.path, &input.encoding, &input.delimiter)?;
    let mut reader = HouseholdReader {
        input,
        cols: HouseholdCols::find(&src, n)?,
        ids,
        dwellings,
        first_line: vec![0; dwellings.len()],
    };
    let n_fields = src.headers().len();
    let mut rj = Rejecter::for_source(&src, &n.ident_rep, rejects);
    let mut households = Vec::new();
    src.for_each_row(|row| {
        rj.stats.read += 1;
        if !rj.field_count(&row, n_fields) {
            return Ok(());
        }
        if let Some(household) = reader.household(&row, &mut rj) {
            households.push(household);
            rj.stats.accepted += 1;
        }
        Ok::<(), IngestError>(())
    })?;
    debug_assert!(rj.stats.reconciles());
    Ok((households, rj.stats))
}

//! OPS households and occupants in the opsgeo interchange format (`docs/format_ops.md`), matched
//! to RPLS dwellings by `IDENT_REP`.
//!
//! Households: at most one per accepted RPLS dwelling, never in a dwelling the RPLS says is
//! vacant (MODE 2 or 3). For a household that did not answer (`REPONSE` 2) the other answers are
//! neither checked nor kept. Occupants: only for households that answered; each accepted row
//! updates its household's [`OccupantSummary`] (no occupant row is kept).
//!
//! Rejects never show `IDENT_REP` (masked) and their reasons never say whether an identifier
//! exists in the RPLS file. Duplicates (a second household for a dwelling, a second occupant
//! with the same number) are detected against every earlier row, whatever happened to it.

#[cfg(test)]
mod tests;

use super::rejects::{RejectLog, ValueKind};
use super::rpls::fields::{
    int_in, not_after, opt_code, opt_int_in, opt_year_month, opt_yes_no_unknown, parse_code,
};
use super::rpls::keys::KeyTable;
use super::source::{CsvSource, Row};
use super::{IngestError, InputStats};
use crate::config::{CsvInput, HouseholdColumns, OccupantColumns};
use crate::model::{
    Composition, Dwelling, Employment, Household, Link, OccupancyMode, OccupantSummary, YearMonth,
    NONE, OCCUPANT_AGE_BANDS,
};
use rustc_hash::FxHashMap as FastMap;

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

impl Rejecter<'_> {
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
    let c_id = src.column(&n.ident_rep)?;
    let c_resp = src.column(&n.response)?;
    let answers = [
        src.column(&n.move_in)?,
        src.column(&n.composition)?,
        src.column(&n.holder_age)?,
        src.column(&n.income_pct)?,
        src.column(&n.apl)?,
    ];
    let n_fields = src.headers().len();
    let mut rj = Rejecter {
        file: src.file_name(),
        labels: src.column_labels(),
        ident_col: &n.ident_rep,
        rejects,
        stats: InputStats::new(src.path(), src.describe()),
    };
    // line of the first household row of each dwelling (0 = none yet)
    let mut first_line: Vec<u32> = vec![0; dwellings.len()];
    let mut households = Vec::new();
    src.for_each_row(|row| {
        rj.stats.read += 1;
        let line = row.line();
        if !rj.field_count(&row, n_fields) {
            return Ok(());
        }
        let Some(d) = dwelling_of(&row, c_id, ids, dwellings.len(), &mut rj) else {
            return Ok(());
        };
        let first = &mut first_line[d as usize];
        if *first != 0 {
            let msg = format!("second ménage pour le même logement (premier ménage ligne {first})");
            rj.masked(line, msg);
            return Ok(());
        }
        *first = u32::try_from(line).unwrap_or(u32::MAX);
        if matches!(
            dwellings[d as usize].mode,
            OccupancyMode::VacantOffered | OccupancyMode::Empty
        ) {
            rj.masked(line, "ménage déclaré dans un logement vacant selon le RPLS");
            return Ok(());
        }
        let household = match &*row.get(c_resp) {
            "1" => match household_answers(&row, &answers, n, d, input.latest_date) {
                Ok(h) => h,
                Err((col, name, kind, reason)) => {
                    rj.value(line, &name, kind, &row.get(col), reason);
                    return Ok(());
                }
            },
            "2" => Household {
                dwelling: d,
                responded: false,
                move_in: None,
                composition: None,
                holder_age: None,
                income_pct: None,
                apl: None,
                occupants: OccupantSummary::default(),
            },
            other => {
                rj.value(
                    line,
                    &n.response,
                    ValueKind::Code(2),
                    other,
                    "réponse à l'enquête : code inconnu (attendu : 1 a répondu, 2 n'a pas répondu)"
                        .into(),
                );
                return Ok(());
            }
        };
        households.push(household);
        rj.stats.accepted += 1;
        Ok::<(), IngestError>(())
    })?;
    debug_assert!(rj.stats.reconciles());
    Ok((households, rj.stats))
}

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

/// Reads the OPS occupants file into the households' [`crate::model::OccupantSummary`].
pub fn read_occupants(
    input: &CsvInput<OccupantColumns>,
    ids: &KeyTable,
    households: &mut [Household],
    rejects: &mut RejectLog,
) -> Result<InputStats, IngestError> {
    let n = &input.columns;
    let mut src = CsvSource::open(&input.path, &input.encoding, &input.delimiter)?;
    let c_id = src.column(&n.ident_rep)?;
    let c_rank = src.column(&n.rank)?;
    let c_age = src.column(&n.age)?;
    let c_link = src.column(&n.link)?;
    let c_emp = src.column(&n.employment)?;
    let n_fields = src.headers().len();
    let mut rj = Rejecter {
        file: src.file_name(),
        labels: src.column_labels(),
        ident_col: &n.ident_rep,
        rejects,
        stats: InputStats::new(src.path(), src.describe()),
    };
    // dwelling → household
    let n_dwellings = households
        .iter()
        .map(|h| h.dwelling as usize + 1)
        .max()
        .unwrap_or(0);
    let mut household_of = vec![NONE; n_dwellings];
    for (i, h) in households.iter().enumerate() {
        household_of[h.dwelling as usize] = i as u32;
    }
    let mut seen: FastMap<(u32, u8), u32> = FastMap::default();
    // occupants flagged « titulaire du bail » per household (co-holders are legitimate)
    let mut holders: Vec<u8> = vec![0; households.len()];
    // households one of whose occupant rows was rejected for a value: their summary would
    // miss that person
    let mut incomplete: Vec<bool> = vec![false; households.len()];
    src.for_each_row(|row| {
        rj.stats.read += 1;
        let line = row.line();
        if !rj.field_count(&row, n_fields) {
            return Ok(());
        }
        let id = row.get(c_id);
        if id.is_empty() {
            rj.masked(line, MISSING_ID);
            return Ok(());
        }
        let Some(d) = ids.get(&id) else {
            rj.masked(line, UNKNOWN_ID);
            return Ok(());
        };
        let h = household_of.get(d as usize).copied().unwrap_or(NONE);
        if h == NONE {
            rj.masked(
                line,
                "aucun ménage accepté pour ce logement dans le fichier des ménages",
            );
            return Ok(());
        }
        if !households[h as usize].responded {
            rj.masked(line, "occupant d'un ménage qui n'a pas répondu à l'enquête");
            return Ok(());
        }
        let rank_s = row.get(c_rank);
        let rank = match int_in(&rank_s, OCCUPANT_RANK.0, OCCUPANT_RANK.1) {
            Ok(r) => r as u8,
            Err(e) => {
                rj.value(line, &n.rank, ValueKind::Number, &rank_s, format!("numéro d'occupant : {e}"));
                incomplete[h as usize] = true;
                return Ok(());
            }
        };
        if let Some(first) = seen.get(&(h, rank)) {
            let msg = format!(
                "numéro d'occupant : occupant en double dans ce ménage (même numéro déjà présent ligne {first})"
            );
            rj.value(line, &n.rank, ValueKind::Number, &rank_s, msg);
            incomplete[h as usize] = true;
                return Ok(());
        }
        seen.insert((h, rank), u32::try_from(line).unwrap_or(u32::MAX));
        let age_s = row.get(c_age);
        let age = match int_in(&age_s, OCCUPANT_AGE.0, OCCUPANT_AGE.1) {
            Ok(a) => a as u8,
            Err(e) => {
                rj.value(line, &n.age, ValueKind::Number, &age_s, format!("âge : {e}"));
                incomplete[h as usize] = true;
                return Ok(());
            }
        };
        let link_s = row.get(c_link);
        let link = match parse_code(&link_s, Link::from_code, "1 à 5") {
            Ok(l) => l,
            Err(e) => {
                rj.value(line, &n.link, ValueKind::Code(2), &link_s, format!("lien avec le titulaire du bail : {e}"));
                incomplete[h as usize] = true;
                return Ok(());
            }
        };
        let emp_s = row.get(c_emp);
        let employment = if &*emp_s == "9" {
            Ok(None)
        } else {
            opt_code(&emp_s, Employment::from_code, "1 à 6, 9 ou vide si inconnue")
        };
        let employment = match employment {
            Ok(e) => e,
            Err(e) => {
                rj.value(line, &n.employment, ValueKind::Code(2), &emp_s, format!("situation d'emploi : {e}"));
                incomplete[h as usize] = true;
                return Ok(());
            }
        };
        if link == Link::Holder {
            holders[h as usize] = holders[h as usize].saturating_add(1);
        }
        add_occupant(&mut households[h as usize].occupants, age, link, employment);
        rj.stats.accepted += 1;
        Ok::<(), IngestError>(())
    })?;
    // Several holders in one household: co-holders of the lease (spouses and partners are
    // co-holders by law, a shared lease names every tenant). Each is a real occupant and is
    // counted once as a person; the household is counted once, and the holder's age comes from
    // the households file: no indicator counts holders from this file. Said, not rejected
    // (rejecting one would publish the household one person short).
    // A household one of whose occupants was rejected is left out of the occupant indicators,
    // like a respondent without occupant rows, rather than published one person short (its
    // mean size, ages and employment would be wrong); its other answers still count.
    let mut left_out = 0usize;
    for (household, _) in households
        .iter_mut()
        .zip(&incomplete)
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
            rj.file
        );
    }
    let co_held = holders.iter().filter(|&&n| n > 1).count();
    if co_held > 0 {
        tracing::warn!(
            "{} : {co_held} ménage(s) avec plusieurs occupants « titulaire du bail » ({} = 1) : \
             lus comme cotitulaires (conjoints, partenaires, colocataires) ; chaque occupant est \
             compté une fois, le ménage une fois, l'âge du titulaire est celui du fichier des \
             ménages",
            rj.file,
            n.link
        );
    }
    debug_assert!(rj.stats.reconciles());
    Ok(rj.stats)
}

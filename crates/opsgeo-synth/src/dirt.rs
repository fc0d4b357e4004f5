//! Deliberate defects ("dirt") injected into the CSV files, each of which must be rejected
//! downstream. Counts scale with the set size but stay small (at most a handful per kind, at
//! least one), so rejects stay well under 5 % of any file.

use std::collections::BTreeSet;

use rand::seq::SliceRandom;
use rand::Rng;

use super::households::Household;
use super::DirtCount;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RplsDefect {
    /// Two fields missing at the end of the row.
    FieldsShort,
    /// One field too many.
    FieldsLong,
    /// `NBPIECE` not a number.
    NbPiece,
    /// `FINAN` not in the RPLS code list.
    Finan,
    /// `MODE` not in the RPLS code list.
    Mode,
    /// `DEPCOM` outside the territory (`00099`).
    Depcom,
}

#[derive(Debug, Clone, Copy)]
pub enum RplsInsert {
    /// A copy of dwelling `template` with a fresh identifier and a defect.
    Extra {
        template: usize,
        ident: u64,
        defect: RplsDefect,
    },
    /// An exact copy of the row of dwelling `src`.
    Duplicate { src: usize },
}

#[derive(Debug, Clone, Copy)]
pub enum HouseholdInsert {
    /// A copy of household `template` under an identifier absent from RPLS.
    Unknown { template: usize, ident: u64 },
    /// An exact copy of the row of household `src`.
    Duplicate { src: usize },
}

#[derive(Debug, Clone, Copy)]
pub enum OccupantInsert {
    /// A lease holder of a household absent from RPLS and OPS.
    Unknown { ident: u64, age: u8 },
    /// An extra occupant of household `household` with an invalid age.
    BadAge {
        household: usize,
        value: &'static str,
    },
    /// An occupant of the non-responding household `household`.
    NonRespondent { household: usize },
}

/// Where each defect goes: inserts are placed after the row of the given index.
#[derive(Default)]
pub struct Plan {
    pub rpls: Vec<(usize, RplsInsert)>,
    pub households: Vec<(usize, HouseholdInsert)>,
    /// Responding households written with `COMPOSITION` 7 (their occupants are not written).
    pub bad_composition: BTreeSet<usize>,
    pub occupants: Vec<(usize, OccupantInsert)>,
    pub counts: Vec<DirtCount>,
}

/// Rows of one defect kind for a set of `n` dwellings.
pub fn per_kind(n: usize, max: usize) -> usize {
    max.min((n / 2000).max(1))
}

/// First identifier index used for rows that match no dwelling.
pub fn ident_base(n: usize) -> u64 {
    n as u64 + 1000
}

pub fn plan<R: Rng>(n: usize, households: &[Household], rng: &mut R) -> Plan {
    let mut p = Plan::default();
    let mut ident = ident_base(n);
    let mut next_ident = || {
        ident += 1;
        ident
    };

    // RPLS.
    let kinds: [(RplsDefect, usize, &str); 5] = [
        (RplsDefect::NbPiece, 3, "NBPIECE non numérique"),
        (RplsDefect::Finan, 2, "code FINAN inconnu (77)"),
        (RplsDefect::Mode, 2, "code MODE invalide (7)"),
        (RplsDefect::Depcom, 2, "DEPCOM hors territoire (00099)"),
        (RplsDefect::FieldsShort, 3, "nombre de champs incorrect"),
    ];
    for (defect, max, label) in kinds {
        let k = per_kind(n, max);
        for j in 0..k {
            let defect = if defect == RplsDefect::FieldsShort && j % 2 == 1 {
                RplsDefect::FieldsLong
            } else {
                defect
            };
            let insert = RplsInsert::Extra {
                template: rng.gen_range(0..n),
                ident: next_ident(),
                defect,
            };
            p.rpls.push((rng.gen_range(0..n), insert));
        }
        p.counts.push(count("rpls_2022.csv", label, k));
    }
    let src = rng.gen_range(0..n);
    p.rpls
        .push((rng.gen_range(src..n), RplsInsert::Duplicate { src }));
    p.counts.push(count(
        "rpls_2022.csv",
        "ligne en double (même IDENT_REP)",
        1,
    ));
    p.rpls.sort_by_key(|(after, _)| *after);

    // OPS households.
    let respondents: Vec<usize> = (0..households.len())
        .filter(|&h| households[h].responded)
        .collect();
    let non_respondents: Vec<usize> = (0..households.len())
        .filter(|&h| !households[h].responded)
        .collect();
    if respondents.len() >= 8 {
        let k = per_kind(n, 3);
        for _ in 0..k {
            let template = *respondents.choose(rng).expect("respondents");
            let ident = next_ident();
            p.households.push((
                rng.gen_range(0..households.len()),
                HouseholdInsert::Unknown { template, ident },
            ));
        }
        p.counts
            .push(count("ops_menages_2022.csv", "IDENT_REP absent du RPLS", k));
        let picked: Vec<usize> = respondents
            .choose_multiple(rng, 1 + per_kind(n, 2))
            .copied()
            .collect();
        let src = picked[0];
        p.households.push((
            rng.gen_range(src..households.len()),
            HouseholdInsert::Duplicate { src },
        ));
        p.counts
            .push(count("ops_menages_2022.csv", "ménage en double", 1));
        p.bad_composition.extend(picked[1..].iter().copied());
        p.counts.push(count(
            "ops_menages_2022.csv",
            "COMPOSITION invalide (7)",
            picked.len() - 1,
        ));
        p.households.sort_by_key(|(after, _)| *after);

        // OPS occupants.
        let k = per_kind(n, 3);
        for _ in 0..k {
            let insert = OccupantInsert::Unknown {
                ident: next_ident(),
                age: rng.gen_range(25..70),
            };
            p.occupants
                .push((rng.gen_range(0..households.len()), insert));
        }
        p.counts
            .push(count("ops_occupants_2022.csv", "IDENT_REP inconnu", k));
        let k = per_kind(n, 2);
        let valid: Vec<usize> = respondents
            .iter()
            .copied()
            .filter(|h| !p.bad_composition.contains(h))
            .collect();
        for (j, &h) in valid.choose_multiple(rng, k).enumerate() {
            let value = ["142", "-3", "NC"][j % 3];
            p.occupants.push((
                h,
                OccupantInsert::BadAge {
                    household: h,
                    value,
                },
            ));
        }
        p.counts
            .push(count("ops_occupants_2022.csv", "AGE invalide", k));
        let k = per_kind(n, 2).min(non_respondents.len());
        for &h in non_respondents.choose_multiple(rng, k) {
            p.occupants
                .push((h, OccupantInsert::NonRespondent { household: h }));
        }
        p.counts.push(count(
            "ops_occupants_2022.csv",
            "occupant d'un ménage non répondant",
            k,
        ));
        p.occupants.sort_by_key(|(after, _)| *after);
    }
    p
}

fn count(file: &str, kind: &str, rows: usize) -> DirtCount {
    DirtCount {
        file: file.to_string(),
        kind: kind.to_string(),
        rows,
    }
}

//! The ingest stage of a run: every input read and validated, with the checks that stop a run
//! whose inputs do not hold together (reject thresholds, coverage of the survey, BAN extent).

use std::collections::BTreeMap;
use std::path::Path;

use tracing::warn;

use crate::config::Config;
use crate::geocode::{self, BanIndex};
use crate::ingest::rejects::RejectLog;
use crate::ingest::territory::Territory;
use crate::ingest::zones::{
    check_in_lambert93, check_overlaps_communes, read_zone_layer, ZoneKind, ZoneLayer,
};
use crate::ingest::{ops, rpls, IngestError, InputStats};
use crate::model::Household;

use super::{io_error, PipelineError};

/// Everything read from the inputs, validated.
pub struct Inputs {
    pub communes: ZoneLayer,
    pub iris: ZoneLayer,
    pub qpv: ZoneLayer,
    pub qva: Option<ZoneLayer>,
    pub territory: Territory,
    /// RPLS dwellings; their identifiers are already dropped.
    pub rpls: rpls::RplsData,
    pub households: Vec<Household>,
    pub household_stats: InputStats,
    pub occupant_stats: InputStats,
    /// Manual corrections by address key (those by identifier are resolved below).
    pub corrections: geocode::corrections::Corrections,
    /// Corrections by `IDENT_REP`, resolved to dwelling indices before the identifiers are
    /// dropped.
    pub dwelling_corrections: Vec<(u32, geocode::corrections::Correction)>,
    /// Identifier corrections that matched no dwelling.
    pub unused_idents: u64,
    /// The corrections file, when one is given: rows read, and rejected so far (identifiers
    /// that matched no dwelling; the address keys are matched by the geocoding).
    pub corrections_stats: Option<InputStats>,
}

impl Inputs {
    /// Statistics of every input read so far, in reading order.
    pub fn stats(&self) -> Vec<InputStats> {
        [&self.communes.stats, &self.iris.stats, &self.qpv.stats]
            .into_iter()
            .chain(self.qva.as_ref().map(|q| &q.stats))
            .chain([
                &self.territory.stats,
                &self.rpls.stats,
                &self.household_stats,
                &self.occupant_stats,
            ])
            .cloned()
            .collect()
    }
}

/// Reads and validates the zone layers, the territory, the RPLS and the OPS files (ingest
/// stage). Stops when an input has more rejected rows than `run.max_reject_rate`; a missing
/// column whose name the configuration gives is a configuration error naming its key.
pub fn read_inputs(cfg: &Config, rejects: &mut RejectLog) -> Result<Inputs, PipelineError> {
    read_all(cfg, rejects).map_err(|e| match e {
        PipelineError::Ingest(e) => PipelineError::Ingest(name_config_key(e, cfg)),
        other => other,
    })
}

/// A column (or attribute) missing from an input under the name a key of the configuration
/// gives it: the configuration is at fault (exit code 2), and the message names the key.
fn name_config_key(e: IngestError, cfg: &Config) -> IngestError {
    let IngestError::MissingColumn {
        path,
        column,
        available,
    } = e
    else {
        return e;
    };
    match cfg.key_naming_column(&column) {
        Some(key) => IngestError::Config {
            path,
            message: format!(
                "colonne « {column} » absente (colonnes présentes : {available}) ; ce nom vient \
                 de la clé `{key}` de {} : corriger la clé ou la retirer pour le nom par défaut",
                cfg.source.display()
            ),
        },
        None => {
            swapped_file(cfg, &path, &column, &available).unwrap_or(IngestError::MissingColumn {
                path,
                column,
                available,
            })
        }
    }
}

/// A required column missing from the file of one key while the file has the columns of
/// another input (`ops_occupants.path` given the households file, the RPLS given as the EPCI
/// table): the configuration is at fault (exit code 2), and both keys are named.
fn swapped_file(cfg: &Config, path: &Path, column: &str, available: &str) -> Option<IngestError> {
    let present: Vec<&str> = available.split(", ").collect();
    let c = (
        &cfg.rpls.columns,
        &cfg.ops_households.columns,
        &cfg.ops_occupants.columns,
    );
    // each input, by its path key, its file and the columns only it has
    let inputs: [(&str, &Path, Vec<&String>); 4] = [
        (
            "rpls.path",
            &cfg.rpls.path,
            vec![&c.0.ident_org, &c.0.depcom],
        ),
        (
            "ops_households.path",
            &cfg.ops_households.path,
            vec![&c.1.response],
        ),
        (
            "ops_occupants.path",
            &cfg.ops_occupants.path,
            vec![&c.2.rank],
        ),
        (
            "territory.epci_table",
            &cfg.territory.epci_table,
            vec![&cfg.territory.epci_columns.epci],
        ),
    ];
    let has_all = |cols: &[&String]| cols.iter().all(|col| present.contains(&col.as_str()));
    // the key being read: its file, and not its columns (the same file may be given twice)
    let (key, _, _) = inputs
        .iter()
        .find(|(_, p, cols)| *p == path && !has_all(cols))?;
    let (other, _, _) = inputs
        .iter()
        .find(|(k, _, cols)| k != key && has_all(cols))?;
    Some(IngestError::Config {
        path: path.to_path_buf(),
        message: format!(
            "colonne « {column} » absente : ce fichier a les colonnes du fichier attendu pour la \
             clé `{other}`, pas celles de la clé `{key}` de {} (fichiers intervertis ?)",
            cfg.source.display()
        ),
    })
}

/// [`read_inputs`], before its missing columns are traced to the configuration.
fn read_all(cfg: &Config, rejects: &mut RejectLog) -> Result<Inputs, PipelineError> {
    let max_rejects = cfg.run.max_reject_rate;
    // zone layers obey the same threshold as the tables: a layer that loses its features
    // would publish every dwelling « sans zone » without a word
    let zone = |input, kind, rejects: &mut RejectLog| -> Result<ZoneLayer, PipelineError> {
        let layer = read_zone_layer(input, kind, rejects)?;
        let geometry_first = most_frequent_reason(rejects, &layer.stats.file)
            .is_some_and(|(column, _, _)| column == "géométrie");
        layer
            .stats
            .check_reject_rate(max_rejects)
            .map_err(|mut e| {
                if let IngestError::TooManyRejects {
                    read,
                    rejected,
                    detail,
                    ..
                } = &mut e
                {
                    if read == rejected && geometry_first {
                        detail.push_str(
                            " ; aucune entité utilisable : vérifiez le système de coordonnées (un \
                         GeoJSON sans membre « crs » est lu en longitude/latitude WGS84, un \
                         shapefile selon son .prj) et le type des géométries (polygones attendus)",
                        );
                    }
                }
                e
            })?;
        layer.stats.check_not_empty("entité")?;
        check_in_lambert93(&layer)?;
        Ok(layer)
    };
    let communes = zone(&cfg.zones.communes, ZoneKind::Commune, rejects)?;
    // a layer read in the wrong coordinate system lies away from the communes
    let overlapping = |layer: ZoneLayer| -> Result<ZoneLayer, PipelineError> {
        check_overlaps_communes(&layer, &communes)?;
        Ok(layer)
    };
    let iris = overlapping(zone(&cfg.zones.iris, ZoneKind::Iris, rejects)?)?;
    let qpv = overlapping(zone(&cfg.zones.qpv, ZoneKind::Qpv, rejects)?)?;
    let qva = cfg
        .zones
        .qva
        .as_ref()
        .map(|q| zone(q, ZoneKind::Qva, rejects).and_then(overlapping))
        .transpose()?;
    let territory = Territory::build(&cfg.territory, &communes, rejects, max_rejects)?;
    let mut rp = rpls::read_rpls(&cfg.rpls, &territory, rejects)?;
    rp.stats.check_reject_rate(max_rejects)?;
    rp.stats.check_not_empty("logement")?;
    let (mut households, household_stats) =
        ops::read_households(&cfg.ops_households, &rp.ids, &rp.dwellings, rejects)?;
    household_stats
        .check_reject_rate(max_rejects)
        .map_err(|e| blame_rpls_first(e, rejects, &rp.stats))?;
    household_stats.check_not_empty("ménage")?;
    check_household_coverage(&rp.dwellings, &households, &household_stats, max_rejects)?;
    let occupant_stats =
        ops::read_occupants(&cfg.ops_occupants, &rp.ids, &mut households, rejects)?;
    occupant_stats
        .check_reject_rate(max_rejects)
        .map_err(|e| blame_rpls_first(e, rejects, &rp.stats))?;
    check_occupant_coverage(&households, &occupant_stats, max_rejects)?;
    let mut corrections = match &cfg.ban.corrections {
        Some(p) => geocode::corrections::Corrections::load(p)?,
        None => Default::default(),
    };
    corrections.check_in(&communes.zones)?;
    let corrections_read = (corrections.keys() + corrections.idents()) as u64;
    let (dwelling_corrections, unused_ident_lines) =
        corrections.resolve_idents(|id| rp.ids.get(id));
    let corrections_stats = corrections.path.as_ref().map(|p| {
        let file = crate::ingest::source::file_label(p);
        for &line in &unused_ident_lines {
            // the identifier itself is never shown
            rejects.push_masked(
                &file,
                line,
                geocode::corrections::IDENT_COLUMN,
                "identifiant absent du RPLS : correction non appliquée",
            );
        }
        InputStats {
            read: corrections_read,
            rejected: unused_ident_lines.len() as u64,
            ..InputStats::new(p, corrections_format(p))
        }
    });
    // identifiers are no longer needed: drop them before anything is written
    rp.ids = Default::default();
    rp.addresses.shrink();
    Ok(Inputs {
        communes,
        iris,
        qpv,
        qva,
        territory,
        rpls: rp,
        households,
        household_stats,
        occupant_stats,
        corrections,
        dwelling_corrections,
        unused_idents: unused_ident_lines.len() as u64,
        corrections_stats,
    })
}

/// How a corrections file is read: a CSV, or the review layer of a GeoPackage.
fn corrections_format(path: &Path) -> String {
    if geocode::corrections::Corrections::is_review_layer(path) {
        "GeoPackage (couche geocodage_a_verifier, points déplacés)".into()
    } else {
        "CSV de corrections".into()
    }
}

/// The most frequent (column, reason) among the rejects of `file`, and its count. Reasons
/// never hold a value read from the file (see [`RejectLog`]).
fn most_frequent_reason(rejects: &RejectLog, file: &str) -> Option<(String, String, u64)> {
    // « … ligne 1060 » and « … ligne 2 » are the same reason
    let general = |reason: &str| -> String {
        let mut out = String::with_capacity(reason.len());
        let mut rest = reason;
        while let Some(i) = rest.find("ligne ") {
            out.push_str(&rest[..i + 6]);
            rest = &rest[i + 6..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                out.push('N');
                rest = &rest[digits..];
            }
        }
        out.push_str(rest);
        out
    };
    let mut counts: BTreeMap<(&str, String), u64> = BTreeMap::new();
    for r in rejects.rejects().iter().filter(|r| r.file == file) {
        *counts.entry((&r.column, general(&r.reason))).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(_, n)| n)
        .map(|((c, r), n)| (c.to_string(), r, n))
}

/// A run stopped on a reject threshold says what was rejected most, so that the operator knows
/// the column at fault (codes stripped of their zeros by a spreadsheet, a column mapped to the
/// wrong name…) without opening the rejects file first.
pub(super) fn add_main_reason(e: &mut IngestError, rejects: &RejectLog) {
    if let IngestError::TooManyRejects { path, detail, .. } = e {
        let file = crate::ingest::source::file_label(path);
        if let Some((column, reason, n)) = most_frequent_reason(rejects, &file) {
            let column = if column.is_empty() {
                String::new()
            } else {
                format!("colonne {column}, ")
            };
            detail.push_str(&format!(
                " ; motif le plus fréquent ({n} ligne(s)) : {column}{reason}"
            ));
        }
    }
}

/// Fails when too many let dwellings of the RPLS have no row at all in the households file:
/// the survey covers every let dwelling (a household that did not answer has its row,
/// `REPONSE` 2), so a file truncated at a line break, or one of another year or perimeter,
/// would publish response rates and household indicators over the wrong base without a word.
/// Rows of the households file that were rejected may have belonged to those dwellings: they
/// are already counted against the threshold, and not twice.
fn check_household_coverage(
    dwellings: &[crate::model::Dwelling],
    households: &[Household],
    stats: &InputStats,
    max_reject_rate: f64,
) -> Result<(), IngestError> {
    use crate::model::OccupancyMode;
    let mut covered = vec![false; dwellings.len()];
    for h in households {
        if let Some(c) = covered.get_mut(h.dwelling as usize) {
            *c = true;
        }
    }
    let let_dwellings = dwellings
        .iter()
        .filter(|d| d.mode == OccupancyMode::Let)
        .count() as u64;
    let without = dwellings
        .iter()
        .zip(&covered)
        .filter(|(d, c)| d.mode == OccupancyMode::Let && !**c)
        .count() as u64;
    let missing = without.saturating_sub(stats.rejected);
    if let_dwellings == 0 || missing as f64 / let_dwellings as f64 <= max_reject_rate {
        return Ok(());
    }
    Err(IngestError::Data {
        path: stats.path.clone(),
        message: format!(
            "{missing} logement(s) loué(s) du RPLS sur {let_dwellings} ({:.1} %) n'ont aucune ligne \
             dans ce fichier, au-delà du maximum autorisé ({:.1} %, clé run.max_reject_rate) : \
             fichier tronqué, ou d'une autre année ou d'un autre périmètre que le RPLS ? (un \
             ménage qui n'a pas répondu a sa ligne, REPONSE 2)",
            missing as f64 * 100.0 / let_dwellings as f64,
            max_reject_rate * 100.0
        ),
    })
}

/// An OPS file stopped on its reject threshold mostly for rows whose dwelling is not in the
/// RPLS: the RPLS may be the culprit (truncated at a line break, another year), so the
/// message says so and names it.
fn blame_rpls_first(mut e: IngestError, rejects: &RejectLog, rpls: &InputStats) -> IngestError {
    if let IngestError::TooManyRejects {
        path,
        rejected,
        detail,
        ..
    } = &mut e
    {
        let file = crate::ingest::source::file_label(path);
        let unknown = rejects
            .rejects()
            .iter()
            .filter(|r| r.file == file && r.reason == ops::UNKNOWN_ID)
            .count() as u64;
        if unknown * 2 > *rejected {
            detail.push_str(&format!(
                " ; dont {unknown} ligne(s) dont le logement est introuvable parmi les {} \
                 logement(s) accepté(s) du RPLS : vérifiez d'abord {} (fichier tronqué, d'une \
                 autre année ou d'un autre périmètre ?)",
                rpls.accepted,
                rpls.path.display()
            ));
        }
    }
    e
}

/// Fails when too many households that answered have no occupant row at all: each has at
/// least its lease holder, so an occupants file truncated at a line break would publish mean
/// occupants, ages and employment over the wrong base without a word. Rejected occupant rows
/// are already counted against the threshold, and not twice.
fn check_occupant_coverage(
    households: &[Household],
    stats: &InputStats,
    max_reject_rate: f64,
) -> Result<(), IngestError> {
    let responded = households.iter().filter(|h| h.responded).count() as u64;
    let without = households
        .iter()
        .filter(|h| h.responded && h.occupants.persons == 0)
        .count() as u64;
    let missing = without.saturating_sub(stats.rejected);
    if responded == 0 || missing as f64 / responded as f64 <= max_reject_rate {
        return Ok(());
    }
    Err(IngestError::Data {
        path: stats.path.clone(),
        message: format!(
            "{missing} ménage(s) répondant(s) sur {responded} ({:.1} %) n'ont aucun occupant dans \
             ce fichier, au-delà du maximum autorisé ({:.1} %, clé run.max_reject_rate) : \
             fichier tronqué, ou d'une autre année ou d'un autre périmètre que le fichier des \
             ménages ? (un ménage répondant a au moins son titulaire du bail)",
            missing as f64 * 100.0 / responded as f64,
            max_reject_rate * 100.0
        ),
    })
}

/// Smallest reject threshold applied to a BAN file: the BAN legitimately holds rows opsgeo
/// cannot use (numbers above 9,999 for lieux-dits…), so its threshold is
/// `max(run.max_reject_rate, BAN_MIN_REJECT_RATE)`.
pub const BAN_MIN_REJECT_RATE: f64 = 0.20;

/// Stops the run when a BAN file has lost too many rows (e.g. empty coordinates): every
/// dwelling would be « non trouvé » without a word. BAN rows are counted by reason in the
/// message, the summary and the manifest, and listed in `rejets.csv` like every other input.
pub(super) fn check_ban_rejects(ban: &BanIndex, max_reject_rate: f64) -> Result<(), IngestError> {
    let max = max_reject_rate.max(BAN_MIN_REJECT_RATE);
    for s in &ban.stats {
        if let Err(mut e) = s.check_reject_rate(max) {
            if let IngestError::TooManyRejects { key, detail, .. } = &mut e {
                *key = "run.max_reject_rate, au moins 20 % pour la BAN";
                let reasons: Vec<String> = ban
                    .rejects
                    .iter()
                    .map(|(r, n)| format!("{r} : {n}"))
                    .collect();
                *detail = format!(" ; motifs : {}", reasons.join(", "));
            }
            return Err(e);
        }
    }
    Ok(())
}

/// Largest distance (metres) between the addresses of a commune and the extent of the
/// territory's commune polygons before the BAN is said to be in another coordinate system.
const BAN_EXTENT_TOLERANCE_M: f64 = 5_000.0;

/// Fails when the BAN addresses of most of the territory's communes lie outside the extent of
/// the communes layer: x/y not in Lambert-93 (longitude/latitude, another projection, x and y
/// swapped). Every dwelling would be geocoded away from its commune, and the run would stop
/// later on a symptom (the secrecy audit) instead of naming the BAN.
pub(super) fn check_ban_extent(ban: &BanIndex, territory: &Territory) -> Result<(), IngestError> {
    let Some(extent) = territory.extent else {
        return Ok(());
    };
    let t = BAN_EXTENT_TOLERANCE_M;
    let (mut inside, mut outside) = (0u64, 0u64);
    for c in &territory.communes {
        if let Some((x, y)) = ban.commune_point(&c.code) {
            let ok = x >= extent.min().x - t
                && x <= extent.max().x + t
                && y >= extent.min().y - t
                && y <= extent.max().y + t;
            if ok {
                inside += 1;
            } else {
                outside += 1;
            }
        }
    }
    if outside == 0 {
        return Ok(());
    }
    let names: Vec<String> = ban
        .files
        .iter()
        .map(|p| crate::ingest::source::file_label(p))
        .collect();
    let message = format!(
        "les adresses de {outside} commune(s) du territoire sur {} sont à plus de {} km de \
         l'emprise de la couche des communes : colonnes x/y en Lambert-93 (EPSG:2154) \
         attendues (longitude/latitude, autre projection ou x et y inversés ?)",
        inside + outside,
        t / 1000.0
    );
    if outside < inside {
        warn!("{} : {message}", names.join(", "));
        return Ok(());
    }
    Err(IngestError::Data {
        path: crate::ingest::source::files_path(&ban.files),
        message,
    })
}

/// Fails when the BAN holds no address at all for a département of the territory whose
/// dwellings need it (dwellings without usable RPLS X/Y): its BAN file is missing from
/// `ban.paths` (a territory over two départements, one file given). Every such dwelling would
/// be published « non trouvé », exit 0. A few communes without any address in a département
/// the BAN covers are a warning.
pub(super) fn check_ban_coverage(
    ban: &BanIndex,
    territory: &Territory,
    dwellings: &[crate::model::Dwelling],
) -> Result<(), IngestError> {
    let mut to_geocode = vec![0u64; territory.communes.len()];
    for d in dwellings.iter().filter(|d| d.rpls_xy.is_none()) {
        to_geocode[d.commune as usize] += 1;
    }
    // per département: (communes to geocode, those without address, their dwellings)
    let mut by_dep: std::collections::BTreeMap<&str, (u64, Vec<&str>, u64)> = Default::default();
    for (c, &n) in territory.communes.iter().zip(&to_geocode) {
        if n == 0 {
            continue;
        }
        let dep = &territory.departements[c.departement as usize].code;
        let e = by_dep.entry(dep.as_str()).or_default();
        e.0 += 1;
        if ban.commune_point(&c.code).is_none() {
            e.1.push(c.code.as_str());
            e.2 += n;
        }
    }
    let files = crate::ingest::source::files_path(&ban.files);
    for (dep, (communes, missing, n)) in &by_dep {
        if missing.is_empty() {
            continue;
        }
        if missing.len() as u64 == *communes {
            return Err(IngestError::Data {
                path: files,
                message: format!(
                    "aucune adresse du département {dep} dans la BAN, alors que {n} logement(s) \
                     de {communes} commune(s) du territoire sont à y localiser : ajoutez le \
                     fichier BAN de ce département à la clé ban.paths"
                ),
            });
        }
        warn!(
            "{} : aucune adresse des communes {} dans la BAN ({n} logement(s) non trouvés) : \
             extrait de la BAN incomplet ?",
            files.display(),
            missing.join(", ")
        );
    }
    Ok(())
}

/// Loads the BAN and moves its rejected rows into `rejects`.
pub(super) fn load_ban(cfg: &Config, rejects: &mut RejectLog) -> Result<BanIndex, PipelineError> {
    let mut ban = BanIndex::load(&cfg.ban.paths)?
        .with_options(crate::geocode::GeocodeOptions::from_config(&cfg.ban));
    rejects.append(std::mem::take(&mut ban.reject_log));
    Ok(ban)
}

/// `opsgeo check`: reads and validates every input (BAN included), writes `rejets.csv` into
/// `out_dir` when given, and returns the statistics of every file.
pub fn check(cfg: &Config, out_dir: Option<&Path>) -> Result<Vec<InputStats>, PipelineError> {
    let mut rejects = RejectLog::new();
    let mut outcome = check_inputs(cfg, &mut rejects);
    if let Err(PipelineError::Ingest(e)) = &mut outcome {
        add_main_reason(e, &rejects);
    }
    if let Some(dir) = out_dir {
        // written even when the reading stopped: the error message points to it
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        let p = dir.join("rejets.csv");
        rejects.write_csv(&p).map_err(|e| io_error(&p, e))?;
        if let Err(PipelineError::Ingest(mut e)) = outcome {
            e.set_rejects_detail(&p);
            return Err(e.into());
        }
    }
    outcome
}

/// Reads every input, the BAN included; the rejected rows of all of them go to `rejects`.
fn check_inputs(cfg: &Config, rejects: &mut RejectLog) -> Result<Vec<InputStats>, PipelineError> {
    let inputs = read_inputs(cfg, rejects)?;
    let ban = load_ban(cfg, rejects)?;
    check_ban_rejects(&ban, cfg.run.max_reject_rate)?;
    check_ban_extent(&ban, &inputs.territory)?;
    check_ban_coverage(&ban, &inputs.territory, &inputs.rpls.dwellings)?;
    let mut stats = inputs.stats();
    stats.extend(ban.stats.iter().cloned());
    Ok(stats)
}

//! Batch geocoding of a CSV file of RPLS-style addresses (`opsgeo geocode`).
//!
//! Input: any CSV read by [`CsvSource`] (`;` or `,`, UTF-8 or Windows-1252, optionally gzip)
//! with the RPLS address columns `NUMVOIE;INDREP;TYPVOIE;NOMVOIE;CODEPOSTAL;LIBCOM;DEPCOM`,
//! `LIEUDIT` (optional) and an identifier column chosen by the user.
//!
//! Output: a `;`-separated UTF-8 CSV, one row per input row, in input order, with the header
//! `id;x;y;niveau;score;score_suivant;ban_id;libelle`: Lambert-93 `x`/`y` with two decimals
//! (empty when not found), `niveau` = [`GeocodeLevel::key`], scores with two decimals.
//!
//! A row that `opsgeo run` would reject before reading it (wrong number of fields, NUL byte,
//! invalid UTF-8) is rejected the same way here: not geocoded, written `non_trouve`, and named
//! on stderr (file, line, column; never a value).
//!
//! Each distinct address is geocoded once. Manual corrections ([`Corrections`]) win: by address
//! key for every row of the address, by identifier (the `IDENT_REP` column of the corrections
//! file holds values of the `--id` column) for one row. The input is read twice (addresses, then identifiers
//! while writing) so that identifiers are never held in memory; they only go to the output file,
//! never to logs or error messages.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;

use super::corrections::Corrections;
use super::{geocode_addresses, BanIndex, GeocodeError, GeocodeLevel};
use crate::ingest::source::CsvSource;
use crate::ingest::InputStats;
use crate::model::{AddressBook, AddressId};

/// Header of the output file.
pub const OUTPUT_HEADER: [&str; 8] = [
    "id",
    "x",
    "y",
    "niveau",
    "score",
    "score_suivant",
    "ban_id",
    "libelle",
];

/// What a batch run did.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BatchReport {
    /// Input rows (= output rows).
    pub rows: u64,
    /// Distinct addresses geocoded.
    pub distinct_addresses: u64,
    /// Corrections (address keys and identifiers) that matched no input row.
    pub corrections_unused: u64,
    /// Seconds spent reading the input (first pass).
    pub read_seconds: f64,
    /// Seconds spent geocoding the distinct addresses (all threads).
    pub geocode_seconds: f64,
    /// Processor seconds used by the process meanwhile, all threads together (Linux only):
    /// on a busy machine, addresses per processor second is the per-core throughput.
    pub geocode_cpu_seconds: Option<f64>,
    /// Output rows per level (every level present, possibly 0).
    pub by_level: BTreeMap<GeocodeLevel, u64>,
    /// BAN addresses indexed.
    pub ban_addresses: u64,
    /// Approximate size of the BAN index, bytes.
    pub ban_index_bytes: u64,
    /// Per BAN file: rows read, accepted, rejected.
    pub ban_stats: Vec<InputStats>,
    /// The input file: a row is accepted (an unusable address is "non_trouve"), or rejected
    /// like `opsgeo run` rejects an RPLS row it cannot read (wrong number of fields, NUL byte,
    /// invalid UTF-8); a rejected row is written "non_trouve" and named on stderr.
    pub input: InputStats,
    /// Seconds spent loading the BAN.
    pub ban_seconds: f64,
    /// Total seconds.
    pub seconds: f64,
}

impl BatchReport {
    /// The summary `opsgeo geocode` prints (French, one line per fact): rows and levels, then
    /// time per step, processor time, rejected rows and unused corrections when there are any.
    pub fn summary(&self) -> String {
        let r = self;
        let levels: Vec<String> = r
            .by_level
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(l, n)| format!("{} {}", l.key(), n))
            .collect();
        let mut lines = vec![
            format!(
                "{} lignes géocodées ({} adresses distinctes, BAN : {} adresses chargées en {:.2} s, index ~{:.0} Mo) en {:.2} s : {}",
                r.rows,
                r.distinct_addresses,
                r.ban_addresses,
                r.ban_seconds,
                r.ban_index_bytes as f64 / 1e6,
                r.seconds,
                levels.join(", ")
            ),
            format!(
                "  lecture {:.2} s ; géocodage {:.3} s ({:.0} adresses/s sur {} fil(s)) ; écriture {:.2} s",
                r.read_seconds,
                r.geocode_seconds,
                r.distinct_addresses as f64 / r.geocode_seconds.max(1e-9),
                rayon::current_num_threads(),
                (r.seconds - r.ban_seconds - r.read_seconds - r.geocode_seconds).max(0.0)
            ),
        ];
        if let Some(cpu) = r.geocode_cpu_seconds.filter(|c| *c > 0.0) {
            lines.push(format!(
                "  temps processeur du géocodage : {cpu:.2} s, soit {:.0} adresses par seconde de processeur (un cœur)",
                r.distinct_addresses as f64 / cpu
            ));
        }
        if r.input.rejected > 0 {
            lines.push(format!(
                "  {} ligne(s) rejetée(s), écrite(s) « non_trouve » (détail ci-dessus)",
                r.input.rejected
            ));
        }
        if r.corrections_unused > 0 {
            lines.push(format!(
                "  {} correction(s) sans ligne correspondante",
                r.corrections_unused
            ));
        }
        lines.join("\n")
    }
}

pub use crate::ingest::rpls::address::AddressFields;

/// Geocodes `input` against the BAN files and writes `output`; a correction (by address key,
/// or by the value of `id_column` in its `IDENT_REP` column) replaces the geocoder's answer.
pub fn geocode_file(
    ban_paths: &[PathBuf],
    input: &Path,
    output: &Path,
    id_column: &str,
    corrections: Option<&Corrections>,
) -> Result<BatchReport, GeocodeError> {
    let start = Instant::now();
    let ban = BanIndex::load(ban_paths)?;
    // a BAN file whose rows are all rejected (empty coordinates…) would make every row
    // « non_trouve », exit 0
    if let Some(s) = ban.stats.iter().find(|s| s.accepted == 0) {
        let why: Vec<String> = ban
            .rejects
            .iter()
            .map(|(r, n)| format!("{r} : {n}"))
            .collect();
        return Err(crate::ingest::IngestError::Data {
            path: s.path.clone(),
            message: format!(
                "aucune adresse acceptée sur {} ligne(s) lue(s) ; motifs : {}",
                s.read,
                why.join(", ")
            ),
        }
        .into());
    }
    let ban_seconds = start.elapsed().as_secs_f64();
    geocode_file_with(&ban, input, output, id_column, corrections).map(|mut r| {
        r.ban_seconds = ban_seconds;
        r.seconds = start.elapsed().as_secs_f64();
        r
    })
}

/// [`geocode_file`] with an index already loaded (`ban_seconds` is 0).
pub fn geocode_file_with(
    ban: &BanIndex,
    input: &Path,
    output: &Path,
    id_column: &str,
    corrections: Option<&Corrections>,
) -> Result<BatchReport, GeocodeError> {
    let start = Instant::now();
    let FirstPass {
        book,
        row_address,
        stats,
    } = read_addresses(input, id_column)?;
    let read_seconds = start.elapsed().as_secs_f64();
    let t = Instant::now();
    let cpu0 = process_cpu_seconds();
    let mut results = geocode_addresses(&book, ban);
    let geocode_seconds = t.elapsed().as_secs_f64();
    let geocode_cpu_seconds = cpu0.and_then(|a| process_cpu_seconds().map(|b| b - a));
    let empty = Corrections::default();
    let corrections = corrections.unwrap_or(&empty);
    let (_, unused_keys) = corrections.apply(&book, &mut results);
    let second = SecondPass {
        book: &book,
        results: &results,
        row_address: &row_address,
        input,
        id_column,
        corrections,
    };
    let (by_level, ident_used) = second.write_whole(output)?;
    Ok(BatchReport {
        rows: stats.read,
        distinct_addresses: book.len() as u64,
        corrections_unused: unused_keys.len() as u64 + (corrections.idents() as u64 - ident_used),
        read_seconds,
        geocode_seconds,
        geocode_cpu_seconds,
        by_level,
        ban_addresses: ban.addresses,
        ban_index_bytes: ban.heap_bytes() as u64,
        ban_stats: ban.stats.clone(),
        input: stats,
        ban_seconds: 0.0,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// What the first pass keeps: the distinct addresses, the address of every row
/// ([`REJECTED`] for a rejected row) and the input's counts. No identifier.
struct FirstPass {
    book: AddressBook,
    row_address: Vec<AddressId>,
    stats: InputStats,
}

/// First pass: the address of every row of `input`, whose `id_column` must exist; rejected
/// rows are named on stderr (the first [`MAX_REJECT_WARNINGS`]), then counted.
fn read_addresses(input: &Path, id_column: &str) -> Result<FirstPass, GeocodeError> {
    let mut src = CsvSource::open(input, "auto", "auto")?;
    src.column(id_column)?;
    let cols = [
        src.column("NUMVOIE")?,
        src.column("INDREP")?,
        src.column("TYPVOIE")?,
        src.column("NOMVOIE")?,
        src.column("CODEPOSTAL")?,
        src.column("LIBCOM")?,
        src.column("DEPCOM")?,
    ];
    let lieudit = src.optional_column("LIEUDIT");
    let mut stats = InputStats::new(input, src.describe());
    let mut book = AddressBook::default();
    let mut row_address: Vec<AddressId> = Vec::new();
    let n_fields = src.headers().len();
    let labels = src.column_labels();
    let file = src.file_name();
    src.for_each_row(|row| {
        stats.read += 1;
        // rows `opsgeo run` rejects (wrong number of fields, NUL byte, invalid UTF-8) are
        // rejected here too: not geocoded, written « non_trouve », named on stderr
        if let Some((column, why)) = unreadable_row(&row, n_fields, &labels) {
            stats.rejected += 1;
            if stats.rejected <= MAX_REJECT_WARNINGS {
                warn_rejected_row(&file, row.line(), &column, &why);
            }
            row_address.push(REJECTED);
            return Ok(());
        }
        row_address.push(book.intern(row_address_fields(&row, &cols, lieudit)));
        stats.accepted += 1;
        Ok::<(), GeocodeError>(())
    })?;
    if stats.rejected > MAX_REJECT_WARNINGS {
        tracing::warn!(
            "{file} : {} ligne(s) rejetée(s) au total (seules les {MAX_REJECT_WARNINGS} premières sont détaillées)",
            stats.rejected
        );
    }
    book.shrink();
    Ok(FirstPass {
        book,
        row_address,
        stats,
    })
}

/// The raw address of a row, from the RPLS address columns `cols` (`NUMVOIE` to `DEPCOM`) and
/// the optional `LIEUDIT`.
fn row_address_fields(
    row: &crate::ingest::source::Row<'_>,
    cols: &[usize; 7],
    lieudit: Option<usize>,
) -> crate::model::RawAddress {
    let f: Vec<_> = cols.iter().map(|&c| row.get(c)).collect();
    let lieu = row.get_opt(lieudit);
    let fields = AddressFields {
        numvoie: &f[0],
        indrep: &f[1],
        typvoie: &f[2],
        nomvoie: &f[3],
        codepostal: &f[4],
        libcom: &f[5],
        depcom: &f[6],
        lieudit: &lieu,
    };
    fields.to_raw()
}

/// Names a rejected row on stderr: file, line, column when one is at fault; never a value.
fn warn_rejected_row(file: &str, line: u64, column: &str, why: &str) {
    tracing::warn!(
        "{file}, ligne {}{} : ligne rejetée (non géocodée) : {why}",
        line,
        if column.is_empty() {
            String::new()
        } else {
            format!(", colonne {column}")
        }
    );
}

/// `row_address` value of a rejected row.
const REJECTED: AddressId = crate::model::NONE;

/// Rejected rows detailed on stderr; the others are counted.
const MAX_REJECT_WARNINGS: u64 = 20;

/// Why `opsgeo run` would reject the row before reading its values (the same checks as the
/// RPLS reader): wrong number of fields, or an unreadable field (NUL byte, invalid UTF-8).
/// Returns the column name as it may be shown (empty when the whole row is at fault) and the
/// reason; never a value.
fn unreadable_row(
    row: &crate::ingest::source::Row<'_>,
    n_fields: usize,
    labels: &[String],
) -> Option<(String, String)> {
    if row.len() != n_fields {
        return Some((
            String::new(),
            format!(
                "nombre de champs incorrect : {} au lieu de {n_fields}",
                row.len()
            ),
        ));
    }
    row.defect()
        .map(|(i, why)| (labels.get(i).cloned().unwrap_or_default(), why.to_string()))
}

/// Processor time (user + system) of this process so far, from `/proc/self/stat` (clock ticks
/// of 1/100 s, the Linux value of `CLK_TCK`); `None` elsewhere.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // fields after the command name, which may hold spaces: state is field 3, utime 14
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks = |i: usize| f.get(i - 3)?.parse::<f64>().ok();
    Some((ticks(14)? + ticks(15)?) / 100.0)
}

/// What the second pass needs to write one output row per input row.
struct SecondPass<'a> {
    book: &'a AddressBook,
    /// The answer for each address of `book`, corrections by address key applied.
    results: &'a [super::GeocodeResult],
    row_address: &'a [AddressId],
    input: &'a Path,
    id_column: &'a str,
    corrections: &'a Corrections,
}

impl SecondPass<'_> {
    /// Writes `output` through a temporary file renamed at the end (no partial output);
    /// returns the rows per level and how many identifier corrections were used.
    fn write_whole(
        &self,
        output: &Path,
    ) -> Result<(BTreeMap<GeocodeLevel, u64>, u64), GeocodeError> {
        let mut tmp = output.as_os_str().to_owned();
        tmp.push(".partiel");
        let tmp = PathBuf::from(tmp);
        let written = match self.write_results(&tmp) {
            Ok(b) => b,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        std::fs::rename(&tmp, output).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            GeocodeError::Write {
                path: output.to_path_buf(),
                source: Box::new(e),
            }
        })?;
        Ok(written)
    }

    /// Second pass: one output row per input row, into `output`. Returns the rows per level
    /// and how many identifier corrections were used.
    fn write_results(
        &self,
        output: &Path,
    ) -> Result<(BTreeMap<GeocodeLevel, u64>, u64), GeocodeError> {
        debug_assert_eq!(self.book.len(), self.results.len());
        fn write_err<E: std::error::Error + Send + Sync + 'static>(
            output: &Path,
        ) -> impl FnOnce(E) -> GeocodeError + '_ {
            move |e| GeocodeError::Write {
                path: output.to_path_buf(),
                source: Box::new(e),
            }
        }
        let file = std::fs::File::create(output).map_err(write_err(output))?;
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .from_writer(std::io::BufWriter::new(file));
        w.write_record(OUTPUT_HEADER).map_err(write_err(output))?;
        let mut src = CsvSource::open(self.input, "auto", "auto")?;
        let id = src.column(self.id_column)?;
        let mut by_level: BTreeMap<GeocodeLevel, u64> =
            GeocodeLevel::ALL.iter().map(|&l| (l, 0)).collect();
        let mut i = 0usize;
        let mut ident_used: HashSet<String> = HashSet::new();
        src.for_each_row(|row| {
            let Some(&a) = self.row_address.get(i) else {
                i += 1;
                return Ok(());
            };
            i += 1;
            let ident = row.get(id);
            let rejected = (a == REJECTED).then(super::GeocodeResult::not_found);
            // a rejected row is not a dwelling of `opsgeo run`: no correction applies to it
            let corrected = if rejected.is_some() {
                None
            } else {
                self.corrections.for_ident(&ident).map(|c| {
                    ident_used.insert(ident.to_string());
                    c.result()
                })
            };
            let r = rejected
                .as_ref()
                .or(corrected.as_ref())
                .unwrap_or_else(|| &self.results[a as usize]);
            *by_level.entry(r.level).or_default() += 1;
            let (x, y) = r.point.map_or((String::new(), String::new()), |p| {
                (format!("{:.2}", p.x), format!("{:.2}", p.y))
            });
            w.write_record([
                &*ident,
                &x,
                &y,
                r.level.key(),
                &format!("{:.2}", r.score),
                &format!("{:.2}", r.runner_up),
                r.ban_id.as_deref().unwrap_or(""),
                &r.label,
            ])
            .map_err(write_err(output))?;
            Ok::<(), GeocodeError>(())
        })?;
        if i != self.row_address.len() {
            return Err(GeocodeError::InputChanged {
                path: self.input.to_path_buf(),
                first: self.row_address.len() as u64,
                second: i as u64,
            });
        }
        w.flush().map_err(write_err(output))?;
        Ok((by_level, ident_used.len() as u64))
    }
}

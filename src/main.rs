//! opsgeo command-line entry point: parse flags, dispatch to the library, map errors to exit
//! codes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use opsgeo::cli::{Cli, Command, LogFormat};

/// The embedded demo, used when no configuration is given.
const DEMO_CONFIG: &str = "data/demo/opsgeo.toml";

fn init_logging(cli: &Cli) {
    let level = if cli.quiet { "error" } else { "info" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("OPSGEO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    match cli.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.without_time().init(),
    }
    route_gdal_messages();
}

/// Longest error message printed whole: a failed SQL statement (a full disk) once made the
/// last line of the run 4 KB of SQL, hiding the reason at its end.
const MAX_MESSAGE_CHARS: usize = 600;

/// `s`, or its beginning and its end around « […] » when it is longer than
/// [`MAX_MESSAGE_CHARS`] (the reason of an SQLite failure is at the end).
fn shorten(s: &str) -> String {
    let n = s.chars().count();
    if n <= MAX_MESSAGE_CHARS {
        return s.to_string();
    }
    let keep = MAX_MESSAGE_CHARS / 2;
    let head: String = s.chars().take(keep).collect();
    let tail: String = s.chars().skip(n - keep).collect();
    format!("{head} […] {tail}")
}

/// An error whose messages are shortened for printing.
struct Shortened<'a>(&'a anyhow::Error);

impl Shortened<'_> {
    fn causes(&self) -> Vec<String> {
        self.0
            .chain()
            .skip(1)
            .map(|c| shorten(&c.to_string()))
            .collect()
    }
}

impl std::fmt::Display for Shortened<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&shorten(&self.0.to_string()))?;
        if self.0.chain().any(|c| is_disk_full(&c.to_string())) {
            f.write_str(DISK_FULL_HINT)?;
        }
        Ok(())
    }
}

/// Said after an error caused by a full disk (SQLite, GDAL and the system word it in English).
const DISK_FULL_HINT: &str = " (disque plein : libérez de la place sur le disque de sortie puis \
                              relancez ; une publication précédente reste en place)";

/// The messages of a full disk: SQLite (« database or disk is full »), the system
/// (`ENOSPC`, « No space left on device (os error 28) »), GDAL.
fn is_disk_full(message: &str) -> bool {
    message.contains("disk is full")
        || message.contains("No space left on device")
        || message.contains("os error 28")
}

/// GDAL's own messages (« ERROR 1: PROJ … ») go through the log, so that a JSON log stays one
/// JSON object per line, and only the first ones are shown: a layer in the wrong coordinate
/// system made GDAL print 1,000 lines before opsgeo's own message.
fn route_gdal_messages() {
    const SHOWN: u64 = 10;
    let mut seen: u64 = 0;
    gdal::config::set_error_handler(move |class, number, message| {
        use gdal::errors::CplErrType;
        if matches!(class, CplErrType::None | CplErrType::Debug) {
            return;
        }
        seen += 1;
        if seen <= SHOWN {
            tracing::warn!(gdal = number, "GDAL : {message}");
        } else if seen == SHOWN + 1 {
            tracing::warn!("GDAL : messages suivants non affichés");
        }
    });
}

/// Runs the command of `cli`.
fn run(cli: &Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Run {
            config,
            out,
            corrections,
        } => run_pipeline(
            cli,
            config.as_deref(),
            out.as_deref(),
            corrections.as_deref(),
        ),
        Command::Check { config, out } => check(cli, config.as_deref(), out.as_deref()),
        Command::Geocode {
            ban,
            input,
            output,
            id,
            corrections,
        } => geocode(cli, ban, input, output, id, corrections.as_deref()),
        Command::Audit {
            file,
            config,
            lignes_absentes,
        } => audit(cli, file, config.as_deref(), *lignes_absentes),
    }
}

/// The configuration file given, or the embedded demo's.
fn config_path(config: Option<&Path>) -> PathBuf {
    config.map_or_else(|| PathBuf::from(DEMO_CONFIG), Path::to_path_buf)
}

/// `opsgeo run`: the whole pipeline, then its summary.
fn run_pipeline(
    cli: &Cli,
    config: Option<&Path>,
    out: Option<&Path>,
    corrections: Option<&Path>,
) -> anyhow::Result<()> {
    let config = config_path(config);
    let mut cfg = opsgeo::config::Config::load(&config)?;
    if let Some(c) = corrections {
        cfg.set_corrections(c)?;
    }
    let opts = opsgeo::pipeline::RunOptions {
        out_dir: out.map_or_else(|| cfg.output.dir.clone(), Path::to_path_buf),
        progress: !cli.quiet && cli.log_format == LogFormat::Text,
    };
    let report = opsgeo::pipeline::run(&cfg, &opts)?;
    if !cli.quiet {
        println!("{}", opsgeo::pipeline::summary::render(&report));
    }
    Ok(())
}

/// `opsgeo check`: the inputs only, then their summary.
fn check(cli: &Cli, config: Option<&Path>, out: Option<&Path>) -> anyhow::Result<()> {
    let config = config_path(config);
    let cfg = opsgeo::config::Config::load(&config)?;
    let stats = opsgeo::pipeline::check(&cfg, out)?;
    if !cli.quiet {
        println!("{}", opsgeo::pipeline::summary::render_inputs(&stats, true));
    }
    Ok(())
}

/// `opsgeo geocode`: batch geocoding of a file, then its summary.
fn geocode(
    cli: &Cli,
    ban: &[PathBuf],
    input: &Path,
    output: &Path,
    id: &str,
    corrections: Option<&Path>,
) -> anyhow::Result<()> {
    let corrections = corrections
        .map(opsgeo::geocode::corrections::Corrections::load)
        .transpose()?;
    let r = opsgeo::geocode::batch::geocode_file(ban, input, output, id, corrections.as_ref())?;
    if !cli.quiet {
        println!("{}", r.summary());
    }
    Ok(())
}

/// `opsgeo audit`: audits a published file; fails when the audit does not pass.
fn audit(
    cli: &Cli,
    file: &Path,
    config: Option<&Path>,
    lignes_absentes: bool,
) -> anyhow::Result<()> {
    let params = match config {
        Some(c) => opsgeo::config::Config::load(c)?.secrecy,
        None => opsgeo::config::SecrecySection::default(),
    };
    let report = opsgeo::audit::audit_file(file, &params, lignes_absentes)?;
    if !cli.quiet || !report.passed() {
        println!("{}", report.render(20));
    }
    if !report.passed() {
        anyhow::bail!(opsgeo::audit::AuditFailed {
            path: file.to_path_buf(),
            determined: report.valeurs_determinees.len(),
            violations: report.regles_primaires_enfreintes.len(),
        });
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli);
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let code = opsgeo::error::exit_code(err.as_ref()) as u8;
            let err = Shortened(&err);
            match cli.log_format {
                // one JSON object, like every other line of a JSON log
                LogFormat::Json => {
                    let causes: Vec<String> = err.causes();
                    let line = serde_json::json!({
                        "level": "ERROR",
                        "fields": {
                            "message": format!("erreur : {err}"),
                            "causes": causes,
                            "code_sortie": code,
                        },
                    });
                    eprintln!("{line}");
                }
                LogFormat::Text => {
                    eprintln!("erreur : {err}");
                    for cause in err.causes() {
                        eprintln!("  cause : {cause}");
                    }
                }
            }
            ExitCode::from(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 14): on a full disk the last line was 4 KB of SQL, the reason (at
    /// the end) out of sight.
    #[test]
    fn long_messages_keep_their_beginning_and_their_end() {
        let msg = format!(
            "opsgeo.gpkg : sqlite3_exec(INSERT INTO t VALUES {}) failed: database or disk is full",
            "(1, 'x'), ".repeat(400)
        );
        let s = shorten(&msg);
        assert!(s.chars().count() < MAX_MESSAGE_CHARS + 10);
        assert!(s.starts_with("opsgeo.gpkg : sqlite3_exec"));
        assert!(s.ends_with("database or disk is full"));
        assert_eq!(shorten("court"), "court");
    }

    /// A full disk is said in French, whichever library reported it.
    #[test]
    fn a_full_disk_is_named_as_such() {
        for msg in [
            "opsgeo.gpkg : écriture impossible : SQLite : database or disk is full",
            "fgb/x.fgb : No space left on device (os error 28)",
        ] {
            let e = anyhow::anyhow!(msg.to_string());
            let shown = Shortened(&e).to_string();
            assert!(
                shown.starts_with(msg) && shown.contains("disque plein"),
                "{shown}"
            );
        }
        let e = anyhow::anyhow!("autre erreur");
        assert!(!Shortened(&e).to_string().contains("disque plein"));
    }
}

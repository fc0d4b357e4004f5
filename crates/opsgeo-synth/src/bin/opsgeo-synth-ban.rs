//! `opsgeo-synth-ban`: writes a synthetic BAN (`adresses-99.csv`) and RPLS-style queries with
//! their truth (`requetes.csv`), to measure the geocoder (the former `opsgeo synth-ban`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use opsgeo_synth::ban_bench::{write_ban_bench, BanBenchParams};

/// Écrit une BAN synthétique (adresses-99.csv) et des requêtes au format RPLS avec leur
/// vérité (requetes.csv), pour mesurer le géocodeur.
#[derive(Debug, Parser)]
#[command(name = "opsgeo-synth-ban", version, about, long_about = None)]
struct Args {
    /// N'affiche que les erreurs.
    #[arg(long, short)]
    quiet: bool,
    /// Nombre d'adresses BAN.
    #[arg(long, default_value_t = 1_000_000)]
    addresses: usize,
    /// Nombre de requêtes.
    #[arg(long, default_value_t = 1_000_000)]
    queries: usize,
    /// Graine du générateur.
    #[arg(long, default_value_t = 2022)]
    seed: u64,
    /// Dossier de sortie.
    #[arg(long)]
    out: PathBuf,
}

fn run(a: &Args) -> anyhow::Result<()> {
    let s = write_ban_bench(
        &BanBenchParams {
            addresses: a.addresses,
            queries: a.queries,
            seed: a.seed,
        },
        &a.out,
    )
    .with_context(|| format!("génération de la BAN synthétique dans {}", a.out.display()))?;
    if !a.quiet {
        println!(
            "BAN synthétique : {} adresses ({} numéros retenus hors BAN), {} voies, {} communes → {}",
            s.addresses,
            s.withheld,
            s.streets,
            s.communes,
            s.ban.display()
        );
        println!(
            "Requêtes : {} numero_present, {} numero_absent, {} voie_inconnue → {}",
            s.queries[0],
            s.queries[1],
            s.queries[2],
            s.queries_file.display()
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("erreur : {err:#}");
            ExitCode::from(1)
        }
    }
}

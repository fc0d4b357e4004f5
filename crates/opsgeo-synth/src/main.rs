//! `opsgeo-synth`: writes a complete synthetic input set and its `opsgeo.toml` (the arguments of
//! the former `opsgeo synth`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, ValueEnum};

/// Écrit un jeu de données synthétique complet et sa configuration.
#[derive(Debug, Parser)]
#[command(name = "opsgeo-synth", version, about, long_about = None)]
struct Args {
    /// N'affiche que les erreurs.
    #[arg(long, short)]
    quiet: bool,
    /// Territoire : `metropole` (une métropole fictive de 12 communes) ou `france` (la
    /// France métropolitaine, environ 5,3 millions de logements sociaux).
    #[arg(long, value_enum, default_value_t = Profile::Metropole)]
    profil: Profile,
    /// Nombre de logements RPLS (obligatoire pour `metropole` ; pour `france`, par défaut
    /// le pays entier, sinon la même structure nationale au prorata).
    #[arg(long)]
    dwellings: Option<usize>,
    /// Graine du générateur (même graine, mêmes fichiers).
    #[arg(long, default_value_t = 2022)]
    seed: u64,
    /// Dossier de sortie.
    #[arg(long)]
    out: PathBuf,
}

/// Territory drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Profile {
    /// Métropole fictive (12 communes, 5 QPV), le jeu de démonstration.
    Metropole,
    /// France métropolitaine : 13 régions, 96 départements, environ 35 000 communes.
    France,
}

fn run(a: &Args) -> anyhow::Result<()> {
    let summary = match (a.profil, a.dwellings) {
        (Profile::Metropole, None) => Err(opsgeo_synth::SynthError::Params(
            "--dwellings est obligatoire avec le profil metropole".to_string(),
        )),
        (Profile::Metropole, Some(n)) => opsgeo_synth::generate(
            &opsgeo_synth::SynthParams {
                dwellings: n,
                seed: a.seed,
            },
            &a.out,
        ),
        (Profile::France, n) => opsgeo_synth::national::generate(
            &opsgeo_synth::national::NationalParams {
                dwellings: n,
                seed: a.seed,
            },
            &a.out,
        ),
    }
    .with_context(|| format!("génération du jeu synthétique dans {}", a.out.display()))?;
    if !a.quiet {
        println!(
            "Jeu synthétique écrit dans {} : {} logements, {} ménages, {} occupants, {} adresses BAN ({} fichiers).",
            a.out.display(),
            summary.dwellings,
            summary.households,
            summary.occupants,
            summary.ban_addresses,
            summary.files.len()
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

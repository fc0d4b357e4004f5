//! Command-line flags (clap). `main.rs` parses them and dispatches.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// opsgeo — couches cartographiques du parc social (OPS 2022 × RPLS) avec secret statistique.
#[derive(Debug, Parser)]
#[command(name = "opsgeo", version, about, long_about = None)]
pub struct Cli {
    /// N'affiche que les erreurs.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Format des journaux sur la sortie d'erreur.
    #[arg(long, value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Traitement complet : lecture, géocodage, jointure, indicateurs, secret, couches.
    Run {
        /// Fichier de configuration (par défaut : la démonstration data/demo/opsgeo.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Dossier de sortie (par défaut : out/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Corrections manuelles (remplace la clé ban.corrections de la configuration).
        #[arg(long)]
        corrections: Option<PathBuf>,
    },
    /// Lit et contrôle toutes les entrées sans rien publier ; écrit rejets.csv si --out est donné.
    Check {
        /// Fichier de configuration (par défaut : la démonstration data/demo/opsgeo.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Dossier où écrire rejets.csv.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Géocode un fichier d'adresses au format RPLS sur la BAN (sortie CSV `;`).
    Geocode {
        /// Fichier(s) BAN adresses-DEP.csv[.gz], séparés par des virgules.
        #[arg(long, value_delimiter = ',', required = true)]
        ban: Vec<PathBuf>,
        /// CSV d'entrée avec les colonnes NUMVOIE, INDREP, TYPVOIE, NOMVOIE, CODEPOSTAL, LIBCOM, DEPCOM.
        #[arg(long)]
        input: PathBuf,
        /// CSV de sortie : id;x;y;niveau;score;score_suivant;ban_id;libelle.
        #[arg(long)]
        output: PathBuf,
        /// Colonne identifiant les lignes.
        #[arg(long, default_value = "IDENT_REP")]
        id: String,
        /// Corrections manuelles : CSV (cle_adresse ou IDENT_REP ; x ; y ; commentaire) ou
        /// GeoPackage dont la couche geocodage_a_verifier a des points déplacés.
        #[arg(long)]
        corrections: Option<PathBuf>,
    },
    /// Audit du secret statistique d'un GeoPackage publié : aucune valeur non publiée ne doit
    /// pouvoir être retrouvée à partir des valeurs publiées (code de retour 1 sinon).
    Audit {
        /// GeoPackage produit par `opsgeo run`.
        file: PathBuf,
        /// Configuration dont les seuils [secrecy] s'appliquent (par défaut : ceux de la convention).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Audite aussi les valeurs des lignes « récents » absentes du fichier (moins de
        /// `min_units` logements) des programmes, bâtiments et cages (celles des zones le sont
        /// toujours) : bien plus long.
        #[arg(long)]
        lignes_absentes: bool,
    },
}

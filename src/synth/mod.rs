//! Synthetic input sets: a fictional métropole in the real layouts (RPLS, OPS, BAN, IGN, ANCT),
//! with its `opsgeo.toml`. Deterministic: the same parameters give the same bytes.

use std::path::{Path, PathBuf};

use thiserror::Error;

/// Errors writing a synthetic set.
#[derive(Debug, Error)]
pub enum SynthError {
    #[error("{path} : {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("paramètre invalide : {0}")]
    Params(String),
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthParams {
    pub dwellings: usize,
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct SynthSummary {
    pub files: Vec<PathBuf>,
    pub dwellings: usize,
    pub households: usize,
    pub occupants: usize,
    pub ban_addresses: usize,
}

/// Writes a complete input set and its `opsgeo.toml` into `out`.
pub fn generate(params: &SynthParams, out: &Path) -> Result<SynthSummary, SynthError> {
    let _ = (params, out);
    unimplemented!("synth::generate")
}

//! Exit codes and their mapping from errors.

use crate::config::ConfigError;
use crate::ingest::IngestError;

/// Process exit codes (the command-line contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// 0 — success.
    Success = 0,
    /// 1 — the data stopped the run (bad input, failed write).
    Data = 1,
    /// 2 — usage or configuration error.
    Usage = 2,
}

/// Exit code for an error chain: configuration problems are usage errors, everything else is a
/// data error.
pub fn exit_code_for(err: &anyhow::Error) -> ExitCode {
    for cause in err.chain() {
        if cause.downcast_ref::<ConfigError>().is_some() {
            return ExitCode::Usage;
        }
        if let Some(e) = cause.downcast_ref::<IngestError>() {
            if e.is_config() {
                return ExitCode::Usage;
            }
        }
        if let Some(e) = cause.downcast_ref::<crate::pipeline::PipelineError>() {
            if e.is_config() {
                return ExitCode::Usage;
            }
        }
    }
    ExitCode::Data
}

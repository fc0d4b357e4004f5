//! Exit codes and their one mapping from errors (`anyhow` stays in `main.rs`).

use std::error::Error;

use crate::config::ConfigError;
use crate::ingest::IngestError;
use crate::pipeline::PipelineError;

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

/// The exit code of an error and its chain of sources: configuration problems are usage
/// errors, everything else is a data error.
pub fn exit_code(err: &(dyn Error + 'static)) -> ExitCode {
    let mut cause = Some(err);
    while let Some(e) = cause {
        if is_usage(e) {
            return ExitCode::Usage;
        }
        cause = e.source();
    }
    ExitCode::Data
}

fn is_usage(e: &(dyn Error + 'static)) -> bool {
    if e.downcast_ref::<ConfigError>().is_some() {
        return true;
    }
    if let Some(e) = e.downcast_ref::<IngestError>() {
        return e.is_config();
    }
    if let Some(e) = e.downcast_ref::<PipelineError>() {
        return e.is_config();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_errors_are_usage_errors_data_errors_the_rest() {
        let config = ConfigError::Read {
            path: "opsgeo.toml".into(),
            source: std::io::Error::other("absent"),
        };
        assert_eq!(exit_code(&config), ExitCode::Usage);
        let run = PipelineError::Config(ConfigError::Read {
            path: "opsgeo.toml".into(),
            source: std::io::Error::other("absent"),
        });
        assert_eq!(exit_code(&run), ExitCode::Usage);
        assert_eq!(exit_code(&std::io::Error::other("disque")), ExitCode::Data);
    }
}

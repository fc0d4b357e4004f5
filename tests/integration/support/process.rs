//! The `opsgeo` binary and the checks of a finished process.

use std::path::PathBuf;
use std::process::{Command, Output};

use super::files::root;

/// The opsgeo binary built by cargo for the integration tests.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_opsgeo"))
}

/// `opsgeo ARGS`, run from the crate root.
pub fn opsgeo(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(root())
        .output()
        .expect("run opsgeo")
}

/// Fails, showing stdout and stderr, unless the process `what` exited with success.
pub fn assert_ok(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what} failed ({}):\n{}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Runs a command and returns its stdout, panicking with its output on failure.
pub fn run_ok(cmd: &mut Command) -> String {
    let o = cmd.output().expect("spawn");
    assert_ok(&o, &format!("{cmd:?}"));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The stderr of a finished process, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

//! The independent attacks of `tests/attack/` run on a published GeoPackage.

use std::path::Path;
use std::process::Command;

use super::files::root;

/// Runs the attack `script` of `tests/attack/` on `gpkg` for `population` and returns what it
/// printed. With `clean`, fails on a disclosure or when the attack's model contradicts the file
/// (`what` names the file in the message); without, the file holds one planted disclosure that
/// the attack must find.
pub fn attack(script: &str, gpkg: &Path, population: &str, what: &str, clean: bool) -> String {
    let o = Command::new("/usr/bin/python3")
        .arg(root().join("tests/attack").join(script))
        .arg(gpkg)
        .arg(population)
        .output()
        .expect("run tests/attack (apt-get install python3-scipy)");
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    if !clean {
        assert_eq!(o.status.code(), Some(1), "{what}: not found\n{stdout}");
        assert!(stdout.contains("disclosed: 1"), "{what}: {stdout}");
        return stdout;
    }
    assert!(
        o.status.success(),
        "{what}, {population}: {script} found a disclosure or a \
         contradiction (exit {:?})\n{stdout}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("disclosed: 0"), "{what}: {stdout}");
    stdout
}

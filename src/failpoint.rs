//! Test hooks of the publication, set through the environment: `OPSGEO_TEST_STOP_AT=<point>`
//! stops the run at a point (to be killed there) and `OPSGEO_TEST_FAIL_AT=<point>` makes a step
//! fail. Used by the crash tests of the publication and of the PostGIS exchange.

use std::io::Write;

/// Test hook: when `OPSGEO_TEST_STOP_AT` names this point, says so on stderr and waits to be
/// killed (at most two minutes, then aborts). Points: `ecriture`, `validation`,
/// `postgis_chargement`, `avant_echange`, `postgis_echange`, `apres_echange`,
/// `entre_renommages` (publication by renames only).
pub fn checkpoint(point: &str) {
    if std::env::var("OPSGEO_TEST_STOP_AT").ok().as_deref() == Some(point) {
        eprintln!("opsgeo : arrêt de test au point « {point} »");
        let _ = std::io::stderr().flush();
        std::thread::sleep(std::time::Duration::from_secs(120));
        std::process::abort();
    }
}

/// Test hook: whether `OPSGEO_TEST_FAIL_AT` names this point (`postgis_echange`: the swap
/// transaction fails after renaming the schemas; `echange`: the folder exchange fails;
/// `echange_atomique`: behave as on a file system without atomic exchange).
pub fn fail_injected(point: &str) -> bool {
    std::env::var("OPSGEO_TEST_FAIL_AT").ok().as_deref() == Some(point)
}

//! Checks between the stages that stop a run whose inputs are readable row by row but do not
//! fit together: most addresses not found in the BAN (a BAN of another territory), most
//! located dwellings in no IRIS (an IRIS layer missing communes, or shifted), a QPV layer that
//! contradicts the RPLS QPV flag (a QVA layer given as the QPV one). Without them the run would
//! publish every such dwelling « non localisé », « sans IRIS » or in a false QPV, exit 0.

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::geocode::Location;
use crate::ingest::IngestError;
use crate::join::Placement;
use crate::model::Dwelling;

use super::JoinReport;

/// Fails when more than `run.max_unplaced_rate` of the dwellings have no location precise
/// enough for the zones (found at the commune only, or not at all): the BAN files read
/// (`ban_files`) are named.
pub(super) fn check_located(
    cfg: &Config,
    ban_files: &[PathBuf],
    locations: &[Location],
) -> Result<(), IngestError> {
    let unlocated = locations
        .iter()
        .filter(|l| !l.level.locates_in_zones())
        .count();
    check_share(
        cfg,
        unlocated,
        locations.len(),
        &crate::ingest::source::files_path(ban_files),
        "logements dont l'adresse n'est pas trouvée dans la BAN, ou seulement à la commune \
         (BAN d'un autre territoire, codes commune différents ?)",
    )
}

/// Share of located dwellings in no IRIS of their commune above which a run that goes on says
/// so (a few dwellings near a commune's limit are expected).
const IRIS_WARNING_SHARE: f64 = 0.01;

/// Fails when more than `run.max_unplaced_rate` of the dwellings located precisely are in no
/// IRIS of their commune (no IRIS polygon at their point, or the IRIS of another commune than
/// their `DEPCOM`, which counts as none: `iris_commune` gives the commune of each IRIS): the
/// IRIS layer is named.
pub(super) fn check_in_iris(
    cfg: &Config,
    dwellings: &[Dwelling],
    locations: &[Location],
    placements: &[Placement],
    iris_commune: &[Option<u32>],
) -> Result<(), IngestError> {
    let (mut n, mut outside) = (0usize, 0usize);
    for ((d, l), p) in dwellings.iter().zip(locations).zip(placements) {
        if l.level.locates_in_zones() {
            n += 1;
            let in_own = p
                .iris
                .is_some_and(|z| iris_commune[z as usize] == Some(d.commune));
            outside += usize::from(!in_own);
        }
    }
    if outside as f64 > IRIS_WARNING_SHARE * n as f64 {
        tracing::warn!(
            "{} : {outside} logements localisés sur {n} hors de tout IRIS de leur commune : ils \
             comptent « sans IRIS » (polygones ou codes commune des IRIS à vérifier)",
            crate::ingest::source::file_label(&cfg.zones.iris.path)
        );
    }
    check_share(
        cfg,
        outside,
        n,
        &cfg.zones.iris.path,
        "logements localisés hors de tout IRIS de leur commune (couche des IRIS incomplète, \
         décalée, codes commune des IRIS faux ?)",
    )
}

/// Fails when the QPV layer contradicts the RPLS `QPV` flag (1 in a QPV, 2 not) for more than
/// `run.max_unplaced_rate` of the located dwellings that are in a QPV by either (the layer's
/// polygons or the flag), as counted by the join's cross-checks (`join`): the QPV layer is
/// named. A QVA layer, or the QPV of another territory, given as the QPV layer published its
/// polygons as QPV, exit 0, the disagreement only counted in the summary; a layer of another
/// QPV generation than the flag's still agrees on most of its dwellings.
pub(super) fn check_qpv_flags(cfg: &Config, join: &JoinReport) -> Result<(), IngestError> {
    check_share(
        cfg,
        join.qpv_flag_mismatch as usize,
        join.qpv_by_either as usize,
        &cfg.zones.qpv.path,
        "logements en QPV selon la couche des QPV ou selon l'indicateur QPV du RPLS, où les deux \
         se contredisent (couche des QVA ou d'un autre territoire donnée pour les QPV ?)",
    )
}

/// Fails when `count` of `total` is above `run.max_unplaced_rate`, naming `path`.
fn check_share(
    cfg: &Config,
    count: usize,
    total: usize,
    path: &Path,
    what: &str,
) -> Result<(), IngestError> {
    let max = cfg.run.max_unplaced_rate;
    if total == 0 || count as f64 <= max * total as f64 {
        return Ok(());
    }
    Err(IngestError::Data {
        path: path.to_path_buf(),
        message: format!(
            "{count} {what} sur {total} ({:.1} %), au-delà du maximum autorisé ({:.1} %, clé \
             run.max_unplaced_rate)",
            100.0 * count as f64 / total as f64,
            100.0 * max
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(max: f64) -> Config {
        let text = format!(
            "[run]\nmax_unplaced_rate = {max}\n[rpls]\npath = \"r.csv\"\n[ops_households]\npath = \"m.csv\"\n\
             [ops_occupants]\npath = \"o.csv\"\n[ban]\npaths = [\"b.csv\"]\n[territory]\n\
             epci_table = \"e.csv\"\n[zones.communes]\npath = \"c.geojson\"\n[zones.iris]\n\
             path = \"i.shp\"\n[zones.qpv]\npath = \"q.geojson\"\n"
        );
        Config::from_toml_str(&text, Path::new("/x")).unwrap()
    }

    /// Regression: a BAN of another département left 68 % of the dwellings « non trouvé », and
    /// an IRIS layer without the IRIS of one commune (or shifted by 3 km) left half of them
    /// « sans IRIS »: the run published, exit 0.
    #[test]
    fn a_share_above_the_maximum_stops_the_run_and_names_the_file() {
        let cfg = config(0.25);
        assert!(check_share(&cfg, 25, 100, Path::new("/x/i.shp"), "logements").is_ok());
        let e = check_share(&cfg, 26, 100, Path::new("/x/i.shp"), "logements").unwrap_err();
        let m = e.to_string();
        assert!(
            m.starts_with("/x/i.shp : 26 logements sur 100 (26.0 %)"),
            "{m}"
        );
        assert!(m.contains("run.max_unplaced_rate"), "{m}");
        assert!(check_share(&config(1.0), 100, 100, Path::new("/x/i.shp"), "l").is_ok());
        assert!(check_share(&cfg, 0, 0, Path::new("/x/i.shp"), "l").is_ok());
    }
}

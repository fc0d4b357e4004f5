//! The administrative frame: communes of the territory, their EPCI, département and région.
//!
//! The communes of the territory are those listed in the EPCI membership table; each must have a
//! polygon in the communes layer. The département derives from the INSEE code (two characters,
//! three for the overseas départements 97x), the région from the built-in table of the 2016
//! régions, which `[territory.departements]` / `[territory.regions]` extend (fictional or future
//! codes).

use std::collections::HashMap;
use std::path::Path;

use super::rejects::{RejectLog, ValueKind};
use super::source::CsvSource;
use super::zones::ZoneLayer;
use super::{IngestError, InputStats};
use crate::config::TerritorySection;
use crate::model::{builtin_departement, builtin_region_name};

/// One row of the EPCI table: commune code, EPCI code, EPCI name.
pub type EpciMember = (String, String, String);

/// Tolerance around the territory's extent for RPLS X/Y, in metres.
pub const XY_TOLERANCE_M: f64 = 1000.0;

/// A commune of the territory.
#[derive(Debug, Clone, PartialEq)]
pub struct Commune {
    pub code: String,
    pub name: String,
    /// Index in [`Territory::epcis`].
    pub epci: u32,
    /// Index in [`Territory::departements`].
    pub departement: u32,
    /// Index of its polygon in the communes [`ZoneLayer`].
    pub zone: u32,
}

/// A code and its name (EPCI, région).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departement {
    pub code: String,
    pub name: String,
    /// Index in [`Territory::regions`].
    pub region: u32,
}

/// Communes, EPCI, départements and régions of the run, each in code order.
#[derive(Debug, Clone, Default)]
pub struct Territory {
    pub communes: Vec<Commune>,
    pub epcis: Vec<Named>,
    pub departements: Vec<Departement>,
    pub regions: Vec<Named>,
    commune_index: HashMap<String, u32>,
    /// Bounding box of the territory's commune polygons (Lambert-93); RPLS X/Y outside it,
    /// widened by [`XY_TOLERANCE_M`], are not trusted.
    pub extent: Option<geo::Rect<f64>>,
    /// Stats of the EPCI table.
    pub stats: InputStats,
}

impl Territory {
    /// Builds the territory from the EPCI table and the communes layer. The table obeys
    /// `max_reject_rate` before anything is built from it: a table whose every row is rejected
    /// (codes that lost their leading zeros) is named with its most frequent reason, not as a
    /// table without communes.
    pub fn build(
        cfg: &TerritorySection,
        communes_layer: &ZoneLayer,
        rejects: &mut RejectLog,
        max_reject_rate: f64,
    ) -> Result<Territory, IngestError> {
        let (members, stats) = read_epci_table(cfg, rejects)?;
        stats.check_reject_rate(max_reject_rate)?;
        Self::from_members(members, stats, cfg, communes_layer)
    }

    /// Builds the territory from `(commune, epci, epci_name)` rows already read.
    pub fn from_members(
        members: Vec<EpciMember>,
        stats: InputStats,
        cfg: &TerritorySection,
        communes_layer: &ZoneLayer,
    ) -> Result<Territory, IngestError> {
        let mut members = members;
        members.sort();
        let (epcis, epci_idx) = epcis_of(&members);
        let (departements, regions) = departements_and_regions(&members, cfg)?;
        let mut t = Territory {
            stats,
            epcis,
            departements,
            regions,
            ..Default::default()
        };
        t.add_communes(&members, &epci_idx, communes_layer)?;
        t.extent = extent_of(&t.communes, communes_layer);
        if t.communes.is_empty() {
            return Err(IngestError::Data {
                path: cfg.epci_table.clone(),
                message: "aucune commune dans la table des EPCI".into(),
            });
        }
        Ok(t)
    }

    /// Adds the communes of `members` (sorted), each once, with its polygon in
    /// `communes_layer`, its EPCI and its département; fails on a commune without polygon.
    fn add_communes(
        &mut self,
        members: &[EpciMember],
        epci_idx: &HashMap<String, u32>,
        communes_layer: &ZoneLayer,
    ) -> Result<(), IngestError> {
        let zone_by_code: HashMap<&str, u32> = communes_layer
            .zones
            .iter()
            .enumerate()
            .map(|(i, z)| (z.code.as_str(), i as u32))
            .collect();
        for (code, epci, _) in members {
            if self.commune_index.contains_key(code) {
                continue;
            }
            let Some(&zone) = zone_by_code.get(code.as_str()) else {
                return Err(IngestError::Data {
                    path: communes_layer.source.clone(),
                    message: format!(
                        "la commune {code} de la table des EPCI n'a pas de contour dans cette couche"
                    ),
                });
            };
            let dep = departement_of(code).expect("checked above");
            let departement = self
                .departements
                .iter()
                .position(|d| d.code == dep)
                .expect("collected") as u32;
            self.commune_index
                .insert(code.clone(), self.communes.len() as u32);
            self.communes.push(Commune {
                code: code.clone(),
                name: communes_layer.zones[zone as usize].name.clone(),
                epci: epci_idx[epci],
                departement,
                zone,
            });
        }
        Ok(())
    }

    /// Index of commune `code`, if it belongs to the territory.
    pub fn commune(&self, code: &str) -> Option<u32> {
        self.commune_index.get(code).copied()
    }

    /// Whether a Lambert-93 point lies within the territory's extent (plus tolerance).
    pub fn contains_xy(&self, p: crate::model::Coord) -> bool {
        self.extent.is_some_and(|r| {
            p.x >= r.min().x - XY_TOLERANCE_M
                && p.x <= r.max().x + XY_TOLERANCE_M
                && p.y >= r.min().y - XY_TOLERANCE_M
                && p.y <= r.max().y + XY_TOLERANCE_M
        })
    }

    /// Région index of a commune.
    pub fn region_of(&self, commune: u32) -> u32 {
        self.departements[self.communes[commune as usize].departement as usize].region
    }
}

/// The EPCI of `members`, in code order (the first name of each code in `members`' order), and
/// the index of each code.
fn epcis_of(members: &[EpciMember]) -> (Vec<Named>, HashMap<String, u32>) {
    let mut epcis: Vec<Named> = members
        .iter()
        .map(|(_, e, n)| Named {
            code: e.clone(),
            name: n.clone(),
        })
        .collect();
    epcis.sort_by(|a, b| a.code.cmp(&b.code));
    epcis.dedup_by(|a, b| a.code == b.code);
    let mut epci_idx: HashMap<String, u32> = HashMap::new();
    for (i, e) in epcis.iter().enumerate() {
        epci_idx.insert(e.code.clone(), i as u32);
    }
    (epcis, epci_idx)
}

/// The départements of the communes of `members` and their régions, each in code order, named
/// by the configuration or the built-in tables; fails on an unknown code.
fn departements_and_regions(
    members: &[EpciMember],
    cfg: &TerritorySection,
) -> Result<(Vec<Departement>, Vec<Named>), IngestError> {
    let mut dep_codes: Vec<String> = members
        .iter()
        .filter_map(|(c, _, _)| departement_of(c).map(str::to_string))
        .collect();
    dep_codes.sort();
    dep_codes.dedup();
    let mut region_codes = Vec::new();
    let mut deps = Vec::new();
    for d in &dep_codes {
        let (name, region) = departement_name(d, cfg)?;
        region_codes.push(region.clone());
        deps.push((d.clone(), name, region));
    }
    region_codes.sort();
    region_codes.dedup();
    let regions = region_codes
        .iter()
        .map(|r| {
            Ok(Named {
                code: r.clone(),
                name: region_name(r, cfg)?,
            })
        })
        .collect::<Result<Vec<_>, IngestError>>()?;
    let departements = deps
        .into_iter()
        .map(|(code, name, region)| {
            let region = region_codes.binary_search(&region).expect("collected") as u32;
            Departement { code, name, region }
        })
        .collect();
    Ok((departements, regions))
}

/// The name and région code of département `d`: from the configuration, else built in.
fn departement_name(d: &str, cfg: &TerritorySection) -> Result<(String, String), IngestError> {
    if let Some(def) = cfg.departements.get(d) {
        Ok((def.name.clone(), def.region.clone()))
    } else if let Some((name, region)) = builtin_departement(d) {
        Ok((name.to_string(), region.to_string()))
    } else {
        Err(IngestError::Data {
            path: cfg.epci_table.clone(),
            message: format!(
                "département « {d} » inconnu : déclarez-le dans [territory.departements] de la configuration"
            ),
        })
    }
}

/// The name of région `r`: from the configuration, else built in.
fn region_name(r: &str, cfg: &TerritorySection) -> Result<String, IngestError> {
    cfg.regions
        .get(r)
        .map(|d| d.name.clone())
        .or_else(|| builtin_region_name(r).map(str::to_string))
        .ok_or_else(|| IngestError::Data {
            path: cfg.epci_table.clone(),
            message: format!(
                "région « {r} » inconnue : déclarez-la dans [territory.regions] de la configuration"
            ),
        })
}

/// Bounding box of the polygons of `communes` in `communes_layer`.
fn extent_of(communes: &[Commune], communes_layer: &ZoneLayer) -> Option<geo::Rect<f64>> {
    communes
        .iter()
        .fold(None, |acc: Option<geo::Rect<f64>>, c| {
            use geo::BoundingRect;
            let r = communes_layer.zones[c.zone as usize]
                .geometry
                .bounding_rect()?;
            Some(match acc {
                None => r,
                Some(a) => geo::Rect::new(
                    geo::coord! { x: a.min().x.min(r.min().x), y: a.min().y.min(r.min().y) },
                    geo::coord! { x: a.max().x.max(r.max().x), y: a.max().y.max(r.max().y) },
                ),
            })
        })
}

/// Reads the EPCI membership table: `(commune, epci, epci_name)` rows.
fn read_epci_table(
    cfg: &TerritorySection,
    rejects: &mut RejectLog,
) -> Result<(Vec<EpciMember>, InputStats), IngestError> {
    let path: &Path = &cfg.epci_table;
    let mut src = CsvSource::open(path, &cfg.encoding, &cfg.delimiter)?;
    let c_com = src.column(&cfg.epci_columns.commune)?;
    let c_epci = src.column(&cfg.epci_columns.epci)?;
    let c_name = src.optional_column(&cfg.epci_columns.epci_name);
    let mut stats = InputStats::new(path, src.describe());
    let file = src.file_name();
    let labels = src.column_labels();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut rows = Vec::new();
    src.for_each_row(|row| {
        stats.read += 1;
        if let Some((i, why)) = row.defect() {
            let column = labels.get(i).map_or("", String::as_str);
            rejects.push(&file, row.line(), column, ValueKind::Private, "", why);
            stats.rejected += 1;
            return Ok(());
        }
        let commune = row.get(c_com).to_string();
        let epci = row.get(c_epci).to_string();
        let name = row.get_opt(c_name).to_string();
        let (col_com, col_epci) = (&cfg.epci_columns.commune, &cfg.epci_columns.epci);
        // the column, the kind and value shown, and the reason of a reject
        let problem: Option<(&str, ValueKind, &str, String)> = if !is_insee_code(&commune) {
            Some((
                col_com,
                ValueKind::Commune,
                &commune,
                "code commune INSEE invalide (5 caractères attendus)".into(),
            ))
        } else if epci.is_empty() {
            Some((
                col_epci,
                ValueKind::Private,
                "",
                "code EPCI manquant".into(),
            ))
        } else if !is_epci_code(&epci) {
            // the code is published as the EPCI layer's key: a name or a number read in its
            // column would make a false EPCI
            Some((
                col_epci,
                ValueKind::Private,
                "",
                "code EPCI invalide (numéro SIREN à 9 chiffres attendu, ou ZZZZZZZZZ pour une \
                 commune sans EPCI)"
                    .into(),
            ))
        } else {
            seen.get(&commune).map(|first| {
                (
                    col_com.as_str(),
                    ValueKind::Commune,
                    commune.as_str(),
                    format!("commune déjà présente ligne {first}"),
                )
            })
        };
        match problem {
            Some((column, kind, value, reason)) => {
                rejects.push(&file, row.line(), column, kind, value, reason);
                stats.rejected += 1;
            }
            None => {
                seen.insert(commune.clone(), row.line());
                let name = if name.is_empty() { epci.clone() } else { name };
                rows.push((commune, epci, name));
                stats.accepted += 1;
            }
        }
        Ok::<(), IngestError>(())
    })?;
    Ok((rows, stats))
}

/// True for a syntactically valid INSEE commune code: 5 characters, digits, or `2A`/`2B` + 3
/// digits (Corsica).
pub fn is_insee_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 5
        && (b.iter().all(u8::is_ascii_digit)
            || ((&b[..2] == b"2A" || &b[..2] == b"2B") && b[2..].iter().all(u8::is_ascii_digit)))
}

/// True for an EPCI code: its SIREN number (9 digits), or `ZZZZZZZZZ`, INSEE's code for a
/// commune that belongs to no EPCI.
pub fn is_epci_code(code: &str) -> bool {
    code.len() == 9 && (code.bytes().all(|b| b.is_ascii_digit()) || code == "ZZZZZZZZZ")
}

/// The département code of an INSEE commune code.
pub fn departement_of(commune: &str) -> Option<&str> {
    if !is_insee_code(commune) {
        return None;
    }
    if commune.starts_with("97") || commune.starts_with("98") {
        Some(&commune[..3])
    } else {
        Some(&commune[..2])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epci_codes_are_siren_numbers() {
        assert!(is_epci_code("242100410"));
        assert!(is_epci_code("ZZZZZZZZZ"));
        assert!(!is_epci_code("24210041"));
        assert!(!is_epci_code("Dijon Métropole"));
        assert!(!is_epci_code("2.42E+08"));
    }

    #[test]
    fn insee_codes() {
        assert!(is_insee_code("21231"));
        assert!(is_insee_code("2A004"));
        assert!(!is_insee_code("2123"));
        assert!(!is_insee_code("2C004"));
        assert_eq!(departement_of("21231"), Some("21"));
        assert_eq!(departement_of("97411"), Some("974"));
        assert_eq!(departement_of("2B033"), Some("2B"));
    }
}

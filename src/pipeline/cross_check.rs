//! Cross-checks of the spatial join against what the RPLS says of each dwelling.
//!
//! Only dwellings located precisely enough to be placed in zones (at least at the street,
//! [`crate::geocode::GeocodeLevel::locates_in_zones`]) are checked; the others have no joined
//! zone to compare.
//! * joined commune polygon vs `DEPCOM`;
//! * located but outside every commune polygon (a point outside the territory's layer: wrong
//!   coordinates, or a commune layer that does not cover the RPLS communes);
//! * in a QPV polygon or not vs the RPLS `QPV` flag (1 in a QPV, 2 not);
//! * joined QPV code vs the SDES code of the same generation (`PLG_QP15` for a 2015 QPV layer,
//!   `PLG_QP24` for a 2024 one), when that column is present.

use super::JoinReport;
use crate::geocode::Location;
use crate::ingest::rpls::qp::{QpCodes, QpGeneration, QpValue};
use crate::ingest::rpls::RplsData;
use crate::ingest::territory::Territory;
use crate::ingest::zones::ZoneLayer;
use crate::join::Placement;
use crate::model::Dwelling;

/// What the cross-checks read.
pub struct CrossCheckInput<'a> {
    pub rpls: &'a RplsData,
    pub locations: &'a [Location],
    pub placements: &'a [Placement],
    pub territory: &'a Territory,
    pub communes: &'a ZoneLayer,
    pub qpv: &'a ZoneLayer,
}

/// The `PLG_QP*` column matching the generation of the QPV layer, if present.
fn matching_codes<'a>(rpls: &'a RplsData, qpv: &ZoneLayer) -> Option<&'a QpCodes> {
    match QpGeneration::of_layer(qpv.zones.iter().map(|z| z.code.as_str()))? {
        QpGeneration::Qp2015 => rpls.qp15.as_ref(),
        QpGeneration::Qp2024 => rpls.qp24.as_ref(),
    }
}

/// Whether the commune polygon dwelling `d` was joined to (`p`) is its `DEPCOM` commune;
/// `None` when it lies in no commune polygon.
pub fn in_own_commune(
    communes: &ZoneLayer,
    territory: &Territory,
    d: &Dwelling,
    p: &Placement,
) -> Option<bool> {
    let z = p.commune?;
    Some(communes.zones[z as usize].code == territory.communes[d.commune as usize].code)
}

/// Runs every cross-check (the geometry issues of the layers are added by the caller).
pub fn cross_check(input: &CrossCheckInput<'_>) -> JoinReport {
    let mut r = JoinReport::default();
    let qp = matching_codes(input.rpls, input.qpv);
    r.plg_qp_column = qp.map(|q| q.column.clone());
    for (i, ((d, p), loc)) in input
        .rpls
        .dwellings
        .iter()
        .zip(input.placements)
        .zip(input.locations)
        .enumerate()
    {
        if !(loc.level.locates_in_zones() && loc.point.is_some()) {
            continue;
        }
        r.located += 1;
        match in_own_commune(input.communes, input.territory, d, p) {
            Some(true) => {}
            Some(false) => r.commune_mismatch += 1,
            None => r.outside_communes += 1,
        }
        if p.qpv.is_some() {
            r.in_qpv += 1;
        }
        if let Some(flag) = d.rpls_qpv {
            if flag || p.qpv.is_some() {
                r.qpv_by_either += 1;
            }
            if flag != p.qpv.is_some() {
                r.qpv_flag_mismatch += 1;
            }
        }
        if let Some(q) = qp {
            let joined = p.qpv.map(|z| input.qpv.zones[z as usize].code.as_str());
            let agrees = match (q.get(i), joined) {
                (QpValue::NotGiven, _) => continue,
                (QpValue::Outside, j) => j.is_none(),
                (QpValue::Code(c), j) => j == Some(c),
            };
            r.plg_qp_compared += 1;
            if !agrees {
                r.plg_qp_mismatch += 1;
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geocode::GeocodeLevel;
    use crate::ingest::zones::{Zone, ZoneKind};
    use crate::ingest::InputStats;
    use crate::model::{Coord, Dwelling, OccupancyMode};

    fn layer(kind: ZoneKind, codes: &[&str]) -> ZoneLayer {
        ZoneLayer {
            kind,
            source: "zones".into(),
            vintage: String::new(),
            zones: codes
                .iter()
                .map(|c| Zone {
                    code: c.to_string(),
                    name: c.to_string(),
                    commune: String::new(),
                    geometry: geo::MultiPolygon(vec![]),
                })
                .collect(),
            issues: vec![],
            stats: InputStats::default(),
        }
    }

    fn dwelling(commune: u32, rpls_qpv: Option<bool>) -> Dwelling {
        Dwelling {
            landlord: 0,
            commune,
            address: 0,
            stairwell: 0,
            rooms: 3,
            surface: None,
            first_let_year: None,
            finan: 13,
            dpe_energy: None,
            mode: OccupancyMode::Let,
            lease_start: None,
            rent: None,
            rpls_qpv,
            rpls_qva: None,
            rpls_xy: None,
        }
    }

    fn at(level: GeocodeLevel) -> Location {
        Location {
            point: Some(Coord { x: 1.0, y: 1.0 }),
            level,
        }
    }

    fn placed(commune: Option<u32>, qpv: Option<u32>) -> Placement {
        Placement {
            commune,
            iris: None,
            qpv,
            qva: None,
        }
    }

    /// Regression: a located dwelling outside every commune polygon was only counted when it
    /// fell in an IRIS or a QPV.
    #[test]
    fn located_dwellings_outside_every_commune_are_counted() {
        let territory = crate::aggregate::tests::territory();
        let communes = layer(ZoneKind::Commune, &["00001", "00002"]);
        let qpv = layer(ZoneKind::Qpv, &["QP000001", "QP000002"]);
        let mut rpls = RplsData {
            dwellings: vec![
                dwelling(0, Some(true)),  // 0: in commune 0, QPV 0, agrees
                dwelling(0, Some(false)), // 1: joined to commune 1: mismatch; QPV 1: flag mismatch
                dwelling(1, None),        // 2: outside every polygon (nothing else either)
                dwelling(1, Some(true)),  // 3: commune-level location: not checked
                dwelling(1, Some(false)), // 4: in commune 1, no QPV, agrees
            ],
            ..Default::default()
        };
        let mut codes = QpCodes::new("PLG_QP15");
        for v in ["QP000001", "QP000001", "HZ", "QP000002", "QP000002"] {
            codes.push(v);
        }
        rpls.qp15 = Some(codes);
        let mut q24 = QpCodes::new("PLG_QP24");
        for _ in 0..5 {
            q24.push("QN00001A");
        }
        rpls.qp24 = Some(q24);
        let locations = vec![
            at(GeocodeLevel::Numero),
            at(GeocodeLevel::Numero),
            at(GeocodeLevel::Numero),
            at(GeocodeLevel::Commune),
            at(GeocodeLevel::Numero),
        ];
        let placements = vec![
            placed(Some(0), Some(0)),
            placed(Some(1), Some(1)),
            placed(None, None),
            placed(None, None),
            placed(Some(1), None),
        ];
        let r = cross_check(&CrossCheckInput {
            rpls: &rpls,
            locations: &locations,
            placements: &placements,
            territory: &territory,
            communes: &communes,
            qpv: &qpv,
        });
        assert_eq!(r.located, 4);
        assert_eq!(r.outside_communes, 1);
        assert_eq!(r.commune_mismatch, 1);
        assert_eq!(r.in_qpv, 2);
        assert_eq!(r.qpv_flag_mismatch, 1);
        // 2015 layer → PLG_QP15: dwelling 0 agrees, 1 differs (QP000001 vs joined QP000002),
        // 2 agrees (HZ, no QPV), 4 differs (QP000002 vs none); 3 is not located
        assert_eq!(r.plg_qp_column.as_deref(), Some("PLG_QP15"));
        assert_eq!((r.plg_qp_compared, r.plg_qp_mismatch), (4, 2));
    }

    #[test]
    fn codes_of_the_other_generation_are_not_compared() {
        let territory = crate::aggregate::tests::territory();
        let communes = layer(ZoneKind::Commune, &["00001", "00002"]);
        let qpv = layer(ZoneKind::Qpv, &["QN00001A"]);
        let mut rpls = RplsData {
            dwellings: vec![dwelling(0, None)],
            ..Default::default()
        };
        let mut codes = QpCodes::new("PLG_QP15");
        codes.push("QP000001");
        rpls.qp15 = Some(codes);
        let r = cross_check(&CrossCheckInput {
            rpls: &rpls,
            locations: &[at(GeocodeLevel::Numero)],
            placements: &[placed(Some(0), Some(0))],
            territory: &territory,
            communes: &communes,
            qpv: &qpv,
        });
        assert_eq!(r.plg_qp_column, None);
        assert_eq!(r.plg_qp_compared, 0);
    }
}

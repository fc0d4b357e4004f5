//! Validating and repairing the candidate polygons (in parallel), then accepting the zones in
//! source order: a code already taken, or a polygon identical to an accepted one, is rejected,
//! as is a polygon that could not be repaired — except the parts of one zone split into several
//! features (a layer passed through « multiparties vers parties uniques »): a feature with the
//! code, the name and the commune of an accepted zone, whose polygon does not overlap it, is
//! joined to that zone, with a warning.

use std::collections::HashMap;

use geo::MultiPolygon;
use rayon::prelude::*;

use super::features::Candidate;
use super::{shown_code, GeometryIssue, PendingReject, Zone, ZoneKind, GEOMETRY_COLUMN};
use crate::ingest::validity::{self, Verdict};

/// Validates, and repairs when invalid, the geometry of every candidate, in parallel (the
/// geometries are moved into the verdicts, in the order of the candidates).
pub(super) fn validate_geometries(candidates: &mut [Candidate]) -> Vec<Verdict> {
    candidates
        .par_iter_mut()
        .map(|c| {
            validity::validate(std::mem::replace(
                &mut c.geometry,
                MultiPolygon::new(Vec::new()),
            ))
        })
        .collect()
}

/// Accepts the candidates in source order: the zones and the geometry issues (repaired or
/// rejected polygons); the rejected candidates are added to `pending`.
/// The features joined to an earlier zone of the same code are counted in `joined`.
pub(super) fn accept_in_order(
    candidates: Vec<Candidate>,
    verdicts: Vec<Verdict>,
    kind: ZoneKind,
    code_name: &str,
    pending: &mut Vec<PendingReject>,
    joined: &mut u64,
) -> (Vec<Zone>, Vec<GeometryIssue>) {
    let mut acceptance = Acceptance {
        kind,
        code_name,
        zones: Vec::with_capacity(candidates.len()),
        issues: Vec::new(),
        taken: HashMap::new(),
        shapes: HashMap::new(),
        joined: 0,
    };
    for (c, verdict) in candidates.into_iter().zip(verdicts) {
        if let Err(reject) = acceptance.offer(c, verdict) {
            pending.push(reject);
        }
    }
    if acceptance.joined > 0 {
        tracing::warn!(
            "couche {} : {} entité(s) réunie(s) à une entité précédente de même code, même nom \
             et même commune (zone découpée en plusieurs entités)",
            kind.label(),
            acceptance.joined
        );
    }
    *joined = acceptance.joined;
    (acceptance.zones, acceptance.issues)
}

/// The zones accepted so far, and what they have taken.
struct Acceptance<'a> {
    kind: ZoneKind,
    /// Name of the code field (the column of a duplicate code's reject).
    code_name: &'a str,
    zones: Vec<Zone>,
    issues: Vec<GeometryIssue>,
    /// Code → the feature of the accepted zone that holds it, and that zone's index.
    taken: HashMap<String, (u64, usize)>,
    /// exact geometry (bit pattern of every vertex) → first accepted feature and its code
    shapes: HashMap<Vec<u64>, (u64, String)>,
    /// Features joined to an earlier zone of the same code.
    joined: u64,
}

impl Acceptance<'_> {
    /// Accepts one candidate, or says why it is rejected: a code already taken, a polygon
    /// identical to an accepted one, a polygon that could not be repaired.
    fn offer(&mut self, c: Candidate, verdict: Verdict) -> Result<(), PendingReject> {
        if let Some(&first) = self.taken.get(&c.code) {
            if self.join_part(first.1, &c, &verdict) {
                return Ok(());
            }
            return Err(PendingReject {
                feature: c.feature,
                column: self.code_name.to_string(),
                value: c.code,
                reason: format!(
                    "code de zone en double (déjà pris par l'entité {})",
                    first.0
                ),
            });
        }
        if let Some(reason) = self.same_shape(&c, &verdict) {
            tracing::warn!(couche = self.kind.label(), zone = %shown_code(&c.code), "{reason}");
            return Err(PendingReject {
                feature: c.feature,
                column: GEOMETRY_COLUMN.into(),
                value: c.code,
                reason,
            });
        }
        let geometry = self.usable_geometry(&c, verdict)?;
        self.taken
            .insert(c.code.clone(), (c.feature, self.zones.len()));
        self.zones.push(Zone {
            code: c.code,
            name: c.name,
            commune: c.commune,
            geometry,
        });
        Ok(())
    }

    /// Joins the polygon of `c` to accepted zone `zone` of the same code when `c` is another
    /// part of it: same name and commune, a valid (or repaired) polygon that does not overlap
    /// the zone's. Returns whether it did.
    fn join_part(&mut self, zone: usize, c: &Candidate, verdict: &Verdict) -> bool {
        use geo::{Area, BooleanOps, BoundingRect, Intersects};
        let z = &self.zones[zone];
        if z.name != c.name || z.commune != c.commune {
            return false;
        }
        let (Verdict::Valid(g) | Verdict::Repaired { geometry: g, .. }) = verdict else {
            return false;
        };
        let boxes_meet = match (z.geometry.bounding_rect(), g.bounding_rect()) {
            (Some(a), Some(b)) => a.intersects(&b),
            _ => return false,
        };
        if boxes_meet && z.geometry.intersection(g).unsigned_area() > 0.0 {
            return false;
        }
        if let Verdict::Repaired { problem, .. } = verdict {
            self.issues.push(GeometryIssue {
                zone: c.code.clone(),
                feature: c.feature,
                problem: problem.clone(),
                action: "reparee".into(),
            });
        }
        self.zones[zone].geometry.0.extend(g.0.iter().cloned());
        self.joined += 1;
        true
    }

    /// Why the valid (or repaired) polygon of `c` cannot be told from the polygon of an earlier
    /// feature; otherwise records its shape as taken by `c`.
    fn same_shape(&mut self, c: &Candidate, verdict: &Verdict) -> Option<String> {
        let shape_key = |g: &MultiPolygon<f64>| -> Vec<u64> {
            use geo::CoordsIter;
            g.coords_iter()
                .flat_map(|p| [p.x.to_bits(), p.y.to_bits()])
                .collect()
        };
        match verdict {
            Verdict::Valid(g) | Verdict::Repaired { geometry: g, .. } => {
                let key = shape_key(g);
                match self.shapes.get(&key) {
                    Some((f, code)) => Some(format!(
                        "polygone identique à celui de l'entité {f} (zone {}) : \
                         les logements ne peuvent pas être attribués à l'une plutôt qu'à l'autre",
                        shown_code(code)
                    )),
                    None => {
                        self.shapes.insert(key, (c.feature, c.code.clone()));
                        None
                    }
                }
            }
            Verdict::Rejected { .. } => None,
        }
    }

    /// The geometry of `c` after validation: a repaired polygon is recorded as an issue, a
    /// polygon that could not be repaired as an issue and a reject.
    fn usable_geometry(
        &mut self,
        c: &Candidate,
        verdict: Verdict,
    ) -> Result<MultiPolygon<f64>, PendingReject> {
        match verdict {
            Verdict::Valid(g) => Ok(g),
            Verdict::Repaired { problem, geometry } => {
                tracing::warn!(
                    couche = self.kind.label(),
                    zone = %shown_code(&c.code),
                    probleme = %problem,
                    "polygone invalide réparé"
                );
                self.issues.push(GeometryIssue {
                    zone: c.code.clone(),
                    feature: c.feature,
                    problem,
                    action: "reparee".into(),
                });
                Ok(geometry)
            }
            Verdict::Rejected { problem, detail } => {
                tracing::warn!(
                    couche = self.kind.label(),
                    zone = %shown_code(&c.code),
                    probleme = %problem,
                    detail = %detail,
                    "polygone invalide rejeté"
                );
                let reject = PendingReject {
                    feature: c.feature,
                    column: GEOMETRY_COLUMN.into(),
                    value: c.code.clone(),
                    reason: format!("géométrie invalide non réparable : {problem} ({detail})"),
                };
                self.issues.push(GeometryIssue {
                    zone: c.code.clone(),
                    feature: c.feature,
                    problem,
                    action: "rejetee".into(),
                });
                Err(reject)
            }
        }
    }
}

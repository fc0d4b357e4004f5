//! Validating and repairing the candidate polygons (in parallel), then accepting the zones in
//! source order: a code already taken, or a polygon identical to an accepted one, is rejected,
//! as is a polygon that could not be repaired.

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
pub(super) fn accept_in_order(
    candidates: Vec<Candidate>,
    verdicts: Vec<Verdict>,
    kind: ZoneKind,
    code_name: &str,
    pending: &mut Vec<PendingReject>,
) -> (Vec<Zone>, Vec<GeometryIssue>) {
    let mut acceptance = Acceptance {
        kind,
        code_name,
        zones: Vec::with_capacity(candidates.len()),
        issues: Vec::new(),
        taken: HashMap::new(),
        shapes: HashMap::new(),
    };
    for (c, verdict) in candidates.into_iter().zip(verdicts) {
        if let Err(reject) = acceptance.offer(c, verdict) {
            pending.push(reject);
        }
    }
    (acceptance.zones, acceptance.issues)
}

/// The zones accepted so far, and what they have taken.
struct Acceptance<'a> {
    kind: ZoneKind,
    /// Name of the code field (the column of a duplicate code's reject).
    code_name: &'a str,
    zones: Vec<Zone>,
    issues: Vec<GeometryIssue>,
    /// Code → the feature of the accepted zone that holds it.
    taken: HashMap<String, u64>,
    /// exact geometry (bit pattern of every vertex) → first accepted feature and its code
    shapes: HashMap<Vec<u64>, (u64, String)>,
}

impl Acceptance<'_> {
    /// Accepts one candidate, or says why it is rejected: a code already taken, a polygon
    /// identical to an accepted one, a polygon that could not be repaired.
    fn offer(&mut self, c: Candidate, verdict: Verdict) -> Result<(), PendingReject> {
        if let Some(first) = self.taken.get(&c.code) {
            return Err(PendingReject {
                feature: c.feature,
                column: self.code_name.to_string(),
                value: c.code,
                reason: format!("code de zone en double (déjà pris par l'entité {first})"),
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
        self.taken.insert(c.code.clone(), c.feature);
        self.zones.push(Zone {
            code: c.code,
            name: c.name,
            commune: c.commune,
            geometry,
        });
        Ok(())
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

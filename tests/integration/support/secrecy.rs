//! Hand-built territories for the secrecy tests: dwellings placed by hand in stairwells,
//! communes, IRIS and one QPV, run through aggregation, secrecy, layer assembly and the audit
//! (in memory, without writing a GeoPackage).

use std::collections::BTreeMap;

use opsgeo::aggregate::{self, AggregateInput};
use opsgeo::audit::{self, read::Published, AuditReport};
use opsgeo::config::{DepartementDef, RegionDef, SecrecySection, TerritorySection};
use opsgeo::emit::layers::{build_layers, LayerInput};
use opsgeo::geocode::{GeocodeLevel, Location};
use opsgeo::ingest::territory::Territory;
use opsgeo::ingest::zones::{Zone, ZoneKind, ZoneLayer};
use opsgeo::ingest::InputStats;
use opsgeo::join::Placement;
use opsgeo::model::{
    Building, Composition, Coord, Dwelling, Household, Landlord, OccupancyMode, OccupantSummary,
    Population, Programme, Scale, Split, Stairwell, Structure, YearMonth,
};
use opsgeo::secrecy::rounds::{Rounds, Step};
use opsgeo::secrecy::{self, SecondaryInput, Status, UnitCodes};

use super::geometry::square_zone;

fn layer(kind: ZoneKind, zones: Vec<(&str, &str, f64)>) -> ZoneLayer {
    ZoneLayer {
        kind,
        source: "fixture".into(),
        vintage: "2015".into(),
        zones: zones
            .into_iter()
            .map(|(code, commune, x)| Zone {
                code: code.into(),
                name: format!("Zone {code}"),
                commune: commune.into(),
                geometry: square_zone(x, 0.0, 100.0),
            })
            .collect(),
        issues: vec![],
        stats: InputStats::default(),
    }
}

/// Where a group of dwellings lies.
#[derive(Debug, Clone, Copy)]
pub struct Place {
    /// Commune index (0: 00001, 1: 00002).
    pub commune: u32,
    /// IRIS index (0, 1 in commune 0; 2, 3 in commune 1), `None`: not located.
    pub iris: Option<u32>,
    /// In the QPV (index 0).
    pub qpv: bool,
}

/// What the households of a group of dwellings answer.
#[derive(Debug, Clone, Copy)]
pub struct Answers {
    /// APL for every household (`Some(true)`), none, or alternating (`None`).
    pub apl: Option<bool>,
    /// Dwellings with a household (the others are vacant).
    pub occupied: bool,
}

impl Default for Answers {
    fn default() -> Self {
        Answers {
            apl: None,
            occupied: true,
        }
    }
}

/// A hand-built territory: two communes of one EPCI, four IRIS, one QPV.
pub struct World {
    pub territory: Territory,
    pub communes: ZoneLayer,
    pub iris: ZoneLayer,
    pub qpv: ZoneLayer,
    pub structure: Structure,
    pub dwellings: Vec<Dwelling>,
    pub households: Vec<Household>,
    pub locations: Vec<Location>,
    pub placements: Vec<Placement>,
}

/// What the tests read of a run: the published values and the audit's report.
pub struct Outcome {
    pub published: Published,
    pub audit: AuditReport,
}

impl Default for World {
    fn default() -> Self {
        Self::new()
    }
}

impl World {
    pub fn new() -> Self {
        let communes = layer(
            ZoneKind::Commune,
            vec![("00001", "", 0.0), ("00002", "", 1000.0)],
        );
        let mut departements = BTreeMap::new();
        departements.insert(
            "00".to_string(),
            DepartementDef {
                name: "Dép".into(),
                region: "00".into(),
            },
        );
        let mut regions = BTreeMap::new();
        regions.insert(
            "00".to_string(),
            RegionDef {
                name: "Rég".into()
            },
        );
        let cfg = TerritorySection {
            epci_table: "epci.csv".into(),
            epci_columns: Default::default(),
            encoding: "auto".into(),
            delimiter: "auto".into(),
            departements,
            regions,
        };
        let territory = Territory::from_members(
            vec![
                ("00001".into(), "000000001".into(), "Métropole".into()),
                ("00002".into(), "000000001".into(), "Métropole".into()),
            ],
            InputStats::default(),
            &cfg,
            &communes,
        )
        .expect("territory");
        World {
            territory,
            iris: layer(
                ZoneKind::Iris,
                vec![
                    ("000010101", "00001", 0.0),
                    ("000010102", "00001", 100.0),
                    ("000020101", "00002", 1000.0),
                    ("000020102", "00002", 1100.0),
                ],
            ),
            qpv: layer(ZoneKind::Qpv, vec![("QP000001", "00001", 0.0)]),
            communes,
            structure: Structure {
                landlords: vec![Landlord {
                    code: "000000001".into(),
                    name: "Bailleur".into(),
                }],
                ..Default::default()
            },
            dwellings: vec![],
            households: vec![],
            locations: vec![],
            placements: vec![],
        }
    }

    /// The stairwell `stair` of building `building` of programme `programme` (created once).
    pub fn stairwell(&mut self, programme: &str, building: &str, stair: &str) -> u32 {
        let s = &mut self.structure;
        let pcode = format!("000000001-{programme}");
        let p = match s.programmes.iter().position(|p| p.code == pcode) {
            Some(p) => p,
            None => {
                s.programmes.push(Programme {
                    code: pcode.clone(),
                    landlord: 0,
                });
                s.programmes.len() - 1
            }
        };
        let bcode = format!("{pcode}-{building}");
        let b = match s.buildings.iter().position(|b| b.code == bcode) {
            Some(b) => b,
            None => {
                s.buildings.push(Building {
                    code: bcode.clone(),
                    programme: p as u32,
                });
                s.buildings.len() - 1
            }
        };
        let ccode = format!("{bcode}-{stair}");
        match s.stairwells.iter().position(|c| c.code == ccode) {
            Some(c) => c as u32,
            None => {
                s.stairwells.push(Stairwell {
                    code: ccode,
                    building: b as u32,
                });
                (s.stairwells.len() - 1) as u32
            }
        }
    }

    /// Adds `n` dwellings in `stairwell` at `place`; typology, financing and answers vary with
    /// the dwelling's rank so that no distribution is 100 % unless asked.
    pub fn add(&mut self, n: usize, stairwell: u32, place: Place, answers: Answers) {
        for k in 0..n {
            let i = self.dwellings.len();
            let mode = if answers.occupied {
                OccupancyMode::Let
            } else {
                OccupancyMode::VacantOffered
            };
            self.dwellings.push(Dwelling {
                landlord: 0,
                commune: place.commune,
                address: 0,
                stairwell,
                rooms: (1 + (i % 5)) as u8,
                surface: Some(40.0 + (i % 7) as f32 * 10.0),
                first_let_year: Some(1980),
                finan: [10, 12, 13, 14, 16][i % 5],
                dpe_energy: None,
                mode,
                lease_start: None,
                rent: mode.is_let().then_some(300.0 + (i % 9) as f32 * 25.0),
                rpls_qpv: None,
                rpls_qva: None,
                rpls_xy: None,
            });
            if answers.occupied {
                self.households.push(Household {
                    dwelling: i as u32,
                    responded: true,
                    move_in: if i.is_multiple_of(6) {
                        YearMonth::new(2021, 6)
                    } else {
                        YearMonth::new(2005, 1)
                    },
                    composition: Some(
                        [
                            Composition::Single,
                            Composition::SingleParent,
                            Composition::CoupleNoChildren,
                            Composition::CoupleWithChildren,
                            Composition::Other,
                        ][i % 5],
                    ),
                    holder_age: None,
                    income_pct: Some([10, 30, 50, 80, 120][(i / 2) % 5]),
                    apl: Some(answers.apl.unwrap_or(k % 2 == 0)),
                    occupants: OccupantSummary::default(),
                });
            }
            let x = match place.iris {
                Some(z) => 1000.0 * (z / 2) as f64 + 100.0 * (z % 2) as f64 + 50.0,
                None => 0.0,
            };
            self.locations.push(Location {
                point: place.iris.map(|_| Coord { x, y: 50.0 }),
                level: if place.iris.is_some() {
                    GeocodeLevel::Numero
                } else {
                    GeocodeLevel::NonTrouve
                },
            });
            if place.iris.is_none() {
                self.dwellings[i].rpls_qpv = Some(place.qpv);
            }
            self.placements.push(Placement {
                commune: place.iris.map(|_| place.commune),
                iris: place.iris,
                qpv: (place.qpv && place.iris.is_some()).then_some(0),
                qva: None,
            });
        }
    }

    /// Aggregation, secrecy (secondary suppression when `secondary`), layers, audit.
    pub fn run(&self, secondary: bool) -> Outcome {
        let params = SecrecySection::default();
        let iris_commune: Vec<Option<u32>> = self
            .iris
            .zones
            .iter()
            .map(|z| self.territory.commune(z.commune_code()))
            .collect();
        let input = AggregateInput {
            dwellings: &self.dwellings,
            households: &self.households,
            locations: &self.locations,
            placements: &self.placements,
            structure: &self.structure,
            territory: &self.territory,
            iris_commune: &iris_commune,
            qpv_count: self.qpv.zones.len(),
            qva_polygons: None,
            reference: YearMonth::new(2022, 1).unwrap(),
            recent_years: 2,
        };
        let aggs = aggregate::aggregate(&input);
        let codes = UnitCodes {
            iris: self.iris.zones.iter().map(|z| z.code.clone()).collect(),
            qpv: self.qpv.zones.iter().map(|z| z.code.clone()).collect(),
            qva: vec![],
        };
        let sec_input = SecondaryInput {
            data: &input,
            codes: &codes,
        };
        // as `opsgeo run`: values the audit finds determined get their partners hidden, the
        // search protects those in turn, and the audit runs again (`secrecy::rounds`)
        let mut rounds = None;
        let mut current = if secondary {
            let (r, first) = Rounds::start(&aggs, &sec_input, &params);
            rounds = Some(r);
            first
        } else {
            let tables = secrecy::apply_primary(&aggs, &params);
            let report = secrecy::SecrecyReport::tally(&tables, Default::default());
            secrecy::Outcome {
                tables,
                certificates: Default::default(),
                report,
                republished: Default::default(),
            }
        };
        let (published, audit) = loop {
            let layers = build_layers(
                &current.tables,
                &LayerInput {
                    territory: &self.territory,
                    structure: &self.structure,
                    communes: &self.communes,
                    iris: &self.iris,
                    qpv: &self.qpv,
                    qva: None,
                    aggregates: &aggs,
                    placements: &self.placements,
                    dwellings: &self.dwellings,
                },
            );
            let published = audit::read::from_layers(&layers);
            let audit = audit::audit(&published, &params);
            let Some(rounds) = rounds.as_mut() else {
                break (published, audit);
            };
            // the audit of `opsgeo run` starts from the run's proofs: same verdict, same
            // determined values as the audit of the file alone
            let with = audit::audit_with(&published, &params, Some(&current.certificates));
            let keys = |r: &audit::AuditReport| {
                let mut v: Vec<String> = r
                    .valeurs_determinees
                    .iter()
                    .map(|f| {
                        format!(
                            "{} {} {} {} {}",
                            f.echelle, f.code, f.population, f.zone, f.indicateur
                        )
                    })
                    .collect();
                v.sort();
                v
            };
            assert_eq!(with.passed(), audit.passed(), "{}", with.render(10));
            assert_eq!(keys(&with), keys(&audit));
            match rounds.after_audit(&mut current, audit.verdict()) {
                Step::Write => continue,
                Step::Publish | Step::Fail => break (published, audit),
            }
        };
        Outcome { published, audit }
    }
}

impl Outcome {
    /// Status and value of `indicator` for unit `code` of (scale, population, zone).
    pub fn cell(
        &self,
        scale: Scale,
        population: Population,
        zone: Split,
        code: &str,
        indicator: &str,
    ) -> (Status, Option<f64>) {
        let v = self
            .published
            .values
            .iter()
            .find(|v| {
                v.scale == scale
                    && v.population == population
                    && v.zone == zone
                    && &*v.code == code
                    && v.indicator == indicator
            })
            .unwrap_or_else(|| {
                panic!("no value {scale:?} {population:?} {zone:?} {code} {indicator}")
            });
        (v.status, v.value)
    }

    /// The value if published.
    pub fn published(&self, scale: Scale, zone: Split, code: &str, indicator: &str) -> Option<f64> {
        let (s, v) = self.cell(scale, Population::Ensemble, zone, code, indicator);
        s.is_published().then(|| v.expect("published value"))
    }

    /// Whether the audit found `code`'s `indicator` recoverable.
    pub fn audit_flags(&self, code: &str, indicator: &str) -> bool {
        self.audit
            .valeurs_determinees
            .iter()
            .any(|f| f.code == code && f.indicateur == indicator)
    }
}

pub const C1: u32 = 0;
pub const C2: u32 = 1;

pub fn at(commune: u32, iris: u32, qpv: bool) -> Place {
    Place {
        commune,
        iris: Some(iris),
        qpv,
    }
}

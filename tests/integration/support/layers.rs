//! Layers built by hand for the writers (GeoPackage, FlatGeobuf, QGIS project) and the
//! delivery checks.

use geo::{point, Geometry, MultiPolygon};
use opsgeo::emit::{GeometryKind, KeyField, Layer, LayerRow, RunMetadata};
use opsgeo::indicators::{by_field, IndicatorDef};
use opsgeo::model::{Population, Scale, Split};
use opsgeo::secrecy::{Cell, Status};

use super::geometry::square;

pub fn def(field: &str) -> &'static IndicatorDef {
    by_field(field).unwrap_or_else(|| panic!("{field} is in the catalogue"))
}

pub fn published(v: f64, base: i64) -> Cell {
    Cell {
        value: Some(v),
        base: Some(base),
        status: Status::Publie,
    }
}

/// An unpublished cell that still carries a value: the writers must not leak it.
pub fn secret(v: f64, base: i64, status: Status) -> Cell {
    Cell {
        value: Some(v),
        base: Some(base),
        status,
    }
}

pub fn meta() -> RunMetadata {
    RunMetadata {
        source_citation: "Source : USH BFC – application OPS 2022 (EOHS), RPLS 2022".into(),
        reference_date: "2022-01-01".into(),
        qpv_vintage: "2024".into(),
        iris_vintage: "2023".into(),
        ban_date: "2024-06-01".into(),
        secrecy: "effectif minimal 11 ; taux de réponse minimal 60 %".into(),
        opsgeo_version: "0.1.0".into(),
        territory: "Territoire d'essai".into(),
        gdal_version: "3.6.2".into(),
        inputs: vec![opsgeo::emit::InputLineage {
            fichier: "rpls_2022.csv".into(),
            format: "UTF-8, séparateur ;".into(),
            sha256: "0".repeat(64),
            lignes_lues: 3,
            lignes_acceptees: 3,
            lignes_rejetees: 0,
        }],
    }
}

/// Communes (multipolygons): one row all published, one mixed (given as a single polygon, to
/// be promoted), one all unpublished.
pub fn communes() -> Layer {
    let keys = vec![
        KeyField {
            name: "code_commune",
            title: "Code INSEE de la commune",
            not_null: true,
        },
        KeyField {
            name: "nom_commune",
            title: "Nom de la commune",
            not_null: false,
        },
    ];
    let indicators = vec![def("nb_logements"), def("taux_vacance"), def("loyer_moyen")];
    let rows = vec![
        LayerRow {
            keys: vec![Some("21231".into()), Some("Dijon".into())],
            geometry: Some(Geometry::MultiPolygon(MultiPolygon(vec![
                square(850_000.0, 6_690_000.0, 1000.0),
                square(852_000.0, 6_690_000.0, 500.0),
            ]))),
            cells: vec![
                published(1200.0, 1200),
                published(4.2, 1200),
                published(6.35, 1100),
            ],
        },
        LayerRow {
            keys: vec![Some("21166".into()), None],
            geometry: Some(Geometry::Polygon(square(845_000.0, 6_688_000.0, 800.0))),
            cells: vec![
                published(15.0, 15),
                secret(6.7, 15, Status::Secret100),
                secret(5.91, 9, Status::SecretEffectif),
            ],
        },
        LayerRow {
            keys: vec![Some("21617".into()), Some("Sennecey-lès-Dijon".into())],
            geometry: Some(Geometry::MultiPolygon(MultiPolygon(vec![square(
                855_000.0,
                6_685_000.0,
                700.0,
            )]))),
            cells: vec![
                secret(8.0, 8, Status::SecretEffectif),
                secret(12.5, 8, Status::SecretSecondaire),
                secret(5.5, 8, Status::SecretReponse),
            ],
        },
    ];
    Layer {
        name: "communes_ensemble".into(),
        title: "Communes – ensemble des ménages".into(),
        description: "Indicateurs par commune, tous logements".into(),
        scale: Scale::Commune,
        population: Population::Ensemble,
        split: Split::Tout,
        geometry: GeometryKind::MultiPolygon,
        keys,
        indicators,
        rows,
    }
}

/// Buildings (points), the second one without geometry.
pub fn batiments() -> Layer {
    let keys = vec![
        KeyField {
            name: "code_batiment",
            title: "Identifiant RPLS du bâtiment",
            not_null: true,
        },
        KeyField {
            name: "code_commune",
            title: "Code INSEE de la commune",
            not_null: false,
        },
    ];
    let indicators = vec![def("nb_logements"), def("taux_vacance")];
    let rows = vec![
        LayerRow {
            keys: vec![Some("B0001".into()), Some("21231".into())],
            geometry: Some(Geometry::Point(point!(x: 851_200.5, y: 6_690_400.25))),
            cells: vec![published(24.0, 24), published(8.3, 24)],
        },
        LayerRow {
            keys: vec![Some("B0002".into()), Some("21231".into())],
            geometry: None,
            cells: vec![published(30.0, 30), published(0.0, 30)],
        },
        LayerRow {
            keys: vec![Some("B0003".into()), None],
            geometry: Some(Geometry::Point(point!(x: 846_000.0, y: 6_688_500.0))),
            cells: vec![
                secret(9.0, 9, Status::SecretEffectif),
                secret(11.1, 9, Status::SecretSecondaire),
            ],
        },
    ];
    Layer {
        name: "batiments_ensemble".into(),
        title: "Bâtiments – ensemble des ménages".into(),
        description: "Indicateurs par bâtiment, au point moyen de ses logements".into(),
        scale: Scale::Batiment,
        population: Population::Ensemble,
        split: Split::Tout,
        geometry: GeometryKind::Point,
        keys,
        indicators,
        rows,
    }
}

/// QVA known only by their codes: an attribute table.
pub fn qva() -> Layer {
    Layer {
        name: "qva_ensemble".into(),
        title: "Quartiers de veille active – ensemble des ménages".into(),
        description: "QVA sans contour : table attributaire".into(),
        scale: Scale::Qva,
        population: Population::Ensemble,
        split: Split::Tout,
        geometry: GeometryKind::None,
        keys: vec![KeyField {
            name: "code_qva",
            title: "Code du QVA",
            not_null: true,
        }],
        indicators: vec![def("nb_logements"), def("loyer_moyen")],
        rows: vec![
            LayerRow {
                keys: vec![Some("QVA021001".into())],
                geometry: None,
                cells: vec![published(40.0, 40), published(5.12, 38)],
            },
            LayerRow {
                keys: vec![Some("QVA021002".into())],
                geometry: None,
                cells: vec![
                    secret(7.0, 7, Status::SecretEffectif),
                    secret(5.0, 7, Status::SecretEffectif),
                ],
            },
        ],
    }
}

pub fn layers() -> Vec<Layer> {
    vec![communes(), batiments(), qva()]
}

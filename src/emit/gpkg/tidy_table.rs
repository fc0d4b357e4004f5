//! The long `indicateurs` table of the GeoPackage: a view over four dictionary-coded tables
//! ([`crate::layout::tidy`]), which read together as the table would.

mod store;

use crate::emit::gpkg::fault::Fault;
use gdal::vector::{LayerOptions, OGRwkbGeometryType};
use gdal::{Dataset, Metadata};

use super::columns::ColumnKind;
use super::ogr::{self, FieldSpec};
use super::STATUS_DOMAIN;
use crate::layout::tidy::{
    status_number, COLUMNS, NAMES_TABLE, STATUS_TABLE, TIDY_TABLE, UNITS_TABLE, VALUES_TABLE,
};
use crate::secrecy::Status;

/// Table title (`gpkg_contents.identifier`).
pub(crate) const TIDY_TITLE: &str = "Indicateurs (format long)";

pub(crate) use store::insert_rows;

const TIDY_DESCRIPTION: &str = "Une ligne par valeur de chaque couche : échelle, code de l'unité, \
population, zone, indicateur, nature, valeur publiée (vide si soumise au secret statistique), \
effectif et statut de publication. Pour les imports en base et l'audit du secret. C'est une vue \
qui lit les tables indicateurs_valeurs, indicateurs_unites, indicateurs_liste et \
indicateurs_statuts.";

/// A column: name, title, description, type, NOT NULL.
pub(crate) type Field = (&'static str, &'static str, &'static str, ColumnKind, bool);

/// Columns of the view: names are [`COLUMNS`], in order.
pub(crate) const FIELDS: [Field; 9] = [
    (
        "echelle",
        "Échelle",
        "Échelle géographique : region, departement, epci, commune, qpv, qva, iris, programme, batiment ou cage",
        ColumnKind::Text,
        true,
    ),
    (
        "code",
        "Code de l'unité",
        "Identifiant métier de l'unité (code INSEE, SIREN, code QPV, code IRIS, identifiant RPLS…)",
        ColumnKind::Text,
        true,
    ),
    (
        "population",
        "Population",
        "ensemble (tous les logements) ou recents (emménagés récents)",
        ColumnKind::Text,
        true,
    ),
    (
        "zone",
        "Zone",
        "tout, qpv (partie en quartier prioritaire) ou hors_qpv (partie hors quartier prioritaire)",
        ColumnKind::Text,
        true,
    ),
    (
        "indicateur",
        "Indicateur",
        "Nom du champ de l'indicateur dans les couches",
        ColumnKind::Text,
        true,
    ),
    (
        "nature",
        "Nature",
        "compte, part (en %) ou moyenne",
        ColumnKind::Text,
        true,
    ),
    (
        "valeur",
        "Valeur",
        "Valeur publiée, telle qu'affichée dans les couches ; vide quand elle est soumise au secret statistique",
        ColumnKind::Real,
        false,
    ),
    (
        "effectif",
        "Effectif",
        "Nombre d'unités sur lequel repose la valeur ; vide quand elle est soumise au secret statistique",
        ColumnKind::Integer,
        false,
    ),
    (
        "statut",
        "Statut de publication",
        "publie, ou code du motif de non-publication (secret_effectif, secret_reponse, secret_100, secret_secondaire)",
        ColumnKind::Text,
        true,
    ),
];

/// A table the view reads: name, title, description, columns (`fid` aside).
pub(crate) struct StorageTable {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub fields: &'static [Field],
}

const NUMBER_OF_UNIT: Field = (
    "unite",
    "Unité",
    "Numéro de l'unité dans la table indicateurs_unites",
    ColumnKind::Integer,
    true,
);
const NUMBER_OF_INDICATOR: Field = (
    "indicateur",
    "Indicateur",
    "Numéro de l'indicateur dans la table indicateurs_liste",
    ColumnKind::Integer,
    true,
);
const NUMBER_OF_STATUS: Field = (
    "statut",
    "Statut de publication",
    "Numéro du statut dans la table indicateurs_statuts",
    ColumnKind::Integer,
    true,
);

/// The four tables, in the order they are created and filled.
pub(crate) const STORAGE: [StorageTable; 4] = [
    StorageTable {
        name: UNITS_TABLE,
        title: "Indicateurs : unités",
        description: "Une ligne par unité (échelle, code, population, zone) qui a des valeurs \
dans la table indicateurs (format long).",
        fields: &[FIELDS[0], FIELDS[1], FIELDS[2], FIELDS[3]],
    },
    StorageTable {
        name: NAMES_TABLE,
        title: "Indicateurs : liste",
        description: "Une ligne par indicateur : nom du champ dans les couches, nature, titre.",
        fields: &[
            FIELDS[4],
            FIELDS[5],
            (
                "titre",
                "Titre",
                "Titre de l'indicateur (alias du champ dans QGIS)",
                ColumnKind::Text,
                true,
            ),
        ],
    },
    StorageTable {
        name: STATUS_TABLE,
        title: "Indicateurs : statuts de publication",
        description: "Une ligne par statut de publication : code et libellé.",
        fields: &[
            FIELDS[8],
            (
                "libelle",
                "Libellé",
                "Signification du statut",
                ColumnKind::Text,
                true,
            ),
        ],
    },
    StorageTable {
        name: VALUES_TABLE,
        title: "Indicateurs : valeurs",
        description: "Une ligne par valeur : numéros de l'unité, de l'indicateur et du statut, \
valeur publiée et effectif (vides quand la valeur est soumise au secret statistique). La vue \
indicateurs les lit avec leurs libellés.",
        fields: &[
            NUMBER_OF_UNIT,
            NUMBER_OF_INDICATOR,
            FIELDS[6],
            FIELDS[7],
            NUMBER_OF_STATUS,
        ],
    },
];

/// The view's columns as read from the tables, in [`COLUMNS`] order.
const VIEW_COLUMNS: [(&str, &str); 9] = [
    ("echelle", "u.echelle"),
    ("code", "u.code"),
    ("population", "u.population"),
    ("zone", "u.zone"),
    ("indicateur", "l.indicateur"),
    ("nature", "l.nature"),
    ("valeur", "v.valeur"),
    ("effectif", "v.effectif"),
    ("statut", "s.statut"),
];

/// `CREATE VIEW` of the long table: one row per row of [`VALUES_TABLE`], whatever its numbers
/// (left joins: a number that names nothing reads as empty, it does not hide the row).
fn view_sql() -> String {
    let columns: Vec<String> = VIEW_COLUMNS
        .iter()
        .map(|(name, expr)| format!("{expr} AS {name}"))
        .collect();
    format!(
        "CREATE VIEW {view} AS SELECT v.fid AS fid, {columns} FROM {values} v \
         LEFT JOIN {units} u ON u.fid = v.unite \
         LEFT JOIN {names} l ON l.fid = v.indicateur \
         LEFT JOIN {statuses} s ON s.fid = v.statut",
        view = sql_ident(TIDY_TABLE),
        columns = columns.join(", "),
        values = sql_ident(VALUES_TABLE),
        units = sql_ident(UNITS_TABLE),
        names = sql_ident(NAMES_TABLE),
        statuses = sql_ident(STATUS_TABLE),
    )
}

/// What every row of `table` satisfies, as (SQL condition, French description of a failure),
/// checked before publication: in [`VALUES_TABLE`], a published value is present and an
/// unpublished one is empty, with its base count ([`insert_rows`] writes them so), and every
/// number names a row of its table. No rule for the other tables.
pub(crate) fn row_rules(table: &str) -> Vec<(String, String)> {
    if table != VALUES_TABLE {
        return Vec::new();
    }
    let published = status_number(Status::Publie);
    let names = |column: &str, target: &str| {
        (
            format!("{column} IN (SELECT fid FROM {})", sql_ident(target)),
            format!("« {column} » : numéro absent de la table « {target} »"),
        )
    };
    vec![
        (
            format!("statut <> {published} OR valeur IS NOT NULL"),
            "valeur publiée absente".into(),
        ),
        (
            format!("statut = {published} OR (valeur IS NULL AND effectif IS NULL)"),
            "valeur ou effectif renseigné pour une valeur non publiée".into(),
        ),
        names("unite", UNITS_TABLE),
        names("indicateur", NAMES_TABLE),
        names("statut", STATUS_TABLE),
    ]
}

/// Creates the four (empty) tables through GDAL, so that they are registered like any GDAL
/// layer (gpkg_contents, gpkg_ogr_contents, field domain, metadata). The rows are inserted,
/// and the view created, by [`insert_rows`] once GDAL has closed the file.
pub(crate) fn create(ds: &mut Dataset, items: &[(&'static str, String)]) -> Result<(), Fault> {
    debug_assert!(FIELDS.iter().map(|f| f.0).eq(COLUMNS));
    debug_assert!(VIEW_COLUMNS.iter().map(|f| f.0).eq(COLUMNS));
    ogr::reset_error();
    let mut txn = ds.start_transaction()?;
    for table in &STORAGE {
        let options = [
            format!("IDENTIFIER={}", table.title),
            format!("DESCRIPTION={}", table.description),
            "FID=fid".to_string(),
        ];
        let options: Vec<&str> = options.iter().map(String::as_str).collect();
        let ctx = |e: Fault| e.within(format!("table « {} »", table.name));
        let mut l = txn
            .create_layer(LayerOptions {
                name: table.name,
                srs: None,
                ty: OGRwkbGeometryType::wkbNone,
                options: Some(&options),
            })
            .map_err(|e| ctx(e.into()))?;
        for &(name, title, _, kind, not_null) in table.fields {
            ogr::create_field(
                &l,
                &FieldSpec {
                    name,
                    kind,
                    not_null,
                    alternative_name: title,
                    domain: (table.name == STATUS_TABLE && name == "statut")
                        .then_some(STATUS_DOMAIN),
                },
            )
            .map_err(ctx)?;
        }
        for (k, v) in items {
            l.set_metadata_item(k, v, "")
                .map_err(|e| ctx(Fault::from(e).within(format!("métadonnée « {k} »"))))?;
        }
        ogr::sync_layer(&l).map_err(ctx)?;
    }
    txn.commit().map_err(Fault::from)
}

/// SQL identifier.
fn sql_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// SQL string literal.
fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_follow_the_tidy_columns() {
        let names: Vec<&str> = FIELDS.iter().map(|f| f.0).collect();
        assert_eq!(names, COLUMNS);
        let titles: std::collections::HashSet<&str> = FIELDS.iter().map(|f| f.1).collect();
        assert_eq!(titles.len(), FIELDS.len());
        assert!(STORAGE
            .iter()
            .map(|t| t.name)
            .eq(crate::layout::tidy::STORAGE_TABLES));
    }
}

//! The long `indicateurs` table of the GeoPackage.

use gdal::vector::{Feature, LayerAccess, LayerOptions, OGRwkbGeometryType};
use gdal::{Dataset, Metadata};

use super::columns::ColumnKind;
use super::ogr::{self, describe, FieldSpec};
use super::STATUS_DOMAIN;
use crate::emit::tidy::{TidyRow, COLUMNS};

/// Table name.
pub const TIDY_TABLE: &str = "indicateurs";

/// Table title (`gpkg_contents.identifier`).
pub(crate) const TIDY_TITLE: &str = "Indicateurs (format long)";

const TIDY_DESCRIPTION: &str = "Une ligne par valeur de chaque couche : échelle, code de l'unité, \
population, zone, indicateur, nature, valeur publiée (vide si soumise au secret statistique), \
effectif et statut de publication. Pour les imports en base et l'audit du secret.";

/// Columns: name, title, description, type, NOT NULL. Names are [`COLUMNS`], in order.
pub(crate) const FIELDS: [(&str, &str, &str, ColumnKind, bool); 9] = [
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

/// Writes the table (one transaction) and its index on (echelle, code, population, zone).
pub(crate) fn write(
    ds: &mut Dataset,
    rows: &[TidyRow],
    items: &[(&'static str, String)],
) -> Result<(), String> {
    debug_assert!(FIELDS.iter().map(|f| f.0).eq(COLUMNS));
    let options = [
        format!("IDENTIFIER={TIDY_TITLE}"),
        format!("DESCRIPTION={TIDY_DESCRIPTION}"),
        "FID=fid".to_string(),
    ];
    let options: Vec<&str> = options.iter().map(String::as_str).collect();
    ogr::reset_error();
    let mut txn = ds.start_transaction().map_err(|e| describe(&e))?;
    {
        let mut l = txn
            .create_layer(LayerOptions {
                name: TIDY_TABLE,
                srs: None,
                ty: OGRwkbGeometryType::wkbNone,
                options: Some(&options),
            })
            .map_err(|e| describe(&e))?;
        for (name, title, _, kind, not_null) in FIELDS {
            ogr::create_field(
                &l,
                &FieldSpec {
                    name,
                    kind,
                    not_null,
                    alternative_name: title,
                    domain: (name == "statut").then_some(STATUS_DOMAIN),
                },
            )?;
        }
        for (k, v) in items {
            l.set_metadata_item(k, v, "")
                .map_err(|e| format!("métadonnée « {k} » : {}", describe(&e)))?;
        }
        let defn = l.defn();
        let g = |e: gdal::errors::GdalError| describe(&e);
        for (i, r) in rows.iter().enumerate() {
            let mut f = Feature::new(defn).map_err(g)?;
            let published = r.status.is_published();
            for (idx, s) in [
                r.scale,
                &r.code,
                r.population,
                r.zone,
                r.indicator,
                r.nature,
            ]
            .into_iter()
            .enumerate()
            {
                f.set_field_string(idx, s).map_err(g)?;
            }
            match r.value.filter(|v| published && v.is_finite()) {
                Some(v) => f.set_field_double(6, v).map_err(g)?,
                None if published => {
                    return Err(format!(
                        "ligne {} : valeur publiée absente ou non finie",
                        i + 1
                    ))
                }
                None => f.set_field_null(6).map_err(g)?,
            }
            match r.base.filter(|_| published) {
                Some(b) => f.set_field_integer64(7, b).map_err(g)?,
                None => f.set_field_null(7).map_err(g)?,
            }
            f.set_field_string(8, r.status.key()).map_err(g)?;
            f.create(&l)
                .map_err(|e| format!("ligne {} : {}", i + 1, describe(&e)))?;
        }
        ogr::sync_layer(&l)?;
    }
    let sql = format!(
        "CREATE INDEX {} ON {} (echelle, code, population, zone)",
        sql_ident(&format!("{TIDY_TABLE}_cle_idx")),
        sql_ident(TIDY_TABLE)
    );
    txn.execute_sql(&sql, None, gdal::vector::sql::Dialect::DEFAULT)
        .map_err(|e| format!("index : {}", describe(&e)))?;
    txn.commit().map_err(|e| describe(&e))
}

/// SQL identifier.
fn sql_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
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
    }
}

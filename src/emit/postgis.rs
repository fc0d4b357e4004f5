//! Optional publication into PostgreSQL/PostGIS (`[output.postgis]`).
//!
//! The checked GeoPackage is copied, layer by layer and table by table, into a fresh staging
//! schema (GDAL's PostgreSQL driver, `COPY`, GiST indexes, the GeoPackage `fid` kept), with the
//! French titles as table and column comments, a `metadonnees` table (citation, vintages,
//! secrecy, versions, input checksums) and read grants. Row counts are checked, then one
//! transaction renames the published schema away, the staging schema into its place and drops
//! the old tables: readers see the old schema or the new one, never a half-loaded one. Any
//! failure (including a dependent view that forbids dropping the old tables) rolls the whole
//! swap back and leaves the published schema untouched. A session advisory lock keeps two runs
//! from publishing into the same schema at once; it dies with the connection.

pub mod translate;

use std::fmt::Write;
use std::path::Path;

use gdal::vector::sql::Dialect;
use gdal::vector::LayerAccess;
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use serde::Serialize;
use thiserror::Error;

use crate::config::PostgisSection;
use crate::gdal_errors::GdalFailure;

/// Errors of the PostGIS publication (exit code 1): the previous publication stays in place.
#[derive(Debug, Error)]
pub enum PostgisError {
    #[error("PostGIS ({connection}) : connexion impossible")]
    Connect {
        connection: String,
        source: GdalFailure,
    },
    #[error("PostGIS ({connection}) : l'extension postgis est absente de la base (un administrateur doit exécuter CREATE EXTENSION postgis)")]
    NoPostgis { connection: String },
    #[error("PostGIS : une autre exécution publie déjà dans le schéma « {schema} »")]
    Busy { schema: String },
    /// The layers' copy by the in-process `ogr2ogr` failed.
    #[error("PostGIS ({connection}) : {step} : échec de la copie des couches")]
    Translate {
        connection: String,
        step: String,
        source: translate::TranslateError,
    },
    #[error("PostGIS ({connection}) : {step} : échec de GDAL")]
    Gdal {
        connection: String,
        step: String,
        source: GdalFailure,
    },
    #[error("PostGIS : le schéma « {schema} » existe et contient des objets qu'opsgeo n'a pas créés : opsgeo ne le remplacera pas (choisissez un schéma réservé à opsgeo)")]
    Foreign { schema: String },
    #[error("PostGIS : table « {table} » chargée avec {found} lignes au lieu de {expected}")]
    Count {
        table: String,
        found: u64,
        expected: u64,
    },
}

impl PostgisError {
    /// A schema that is not opsgeo's is a configuration error (exit code 2).
    pub fn is_config(&self) -> bool {
        matches!(self, PostgisError::Foreign { .. })
    }
}

/// Prefix of the comment opsgeo puts on the schemas it creates.
const SCHEMA_COMMENT_PREFIX: &str = "opsgeo ";

/// What was published.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct PostgisReport {
    pub schema: String,
    pub tables: u64,
    #[serde(rename = "lignes")]
    pub rows: u64,
}

/// French comments of a table and its columns.
#[derive(Debug, Clone, Default)]
pub struct TableComments {
    pub table: String,
    pub comment: String,
    pub columns: Vec<(String, String)>,
}

/// A connection string with any password hidden, for messages.
pub fn masked(connection: &str) -> String {
    connection
        .split_whitespace()
        .map(|part| match part.split_once('=') {
            Some((k, _)) if k.trim_start_matches("PG:").eq_ignore_ascii_case("password") => {
                format!("{k}=***")
            }
            _ => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// An open publication session: the connection that holds the advisory lock and runs the swap.
pub struct Session {
    ds: Dataset,
    connection: String,
    schema: String,
    staging: String,
    read_roles: Vec<String>,
}

impl Session {
    /// Connects, checks PostGIS is installed and takes the advisory lock of the schema.
    pub fn connect(cfg: &PostgisSection) -> Result<Session, PostgisError> {
        let connection = masked(&cfg.connection);
        let ds = Dataset::open_ex(
            &cfg.connection,
            DatasetOptions {
                open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_UPDATE,
                allowed_drivers: Some(&["PostgreSQL"]),
                ..Default::default()
            },
        )
        .map_err(|e| PostgisError::Connect {
            connection: connection.clone(),
            source: GdalFailure::new(e),
        })?;
        let s = Session {
            ds,
            connection,
            schema: cfg.schema.clone(),
            staging: cfg.staging(),
            read_roles: cfg.read_roles.clone(),
        };
        if s.one(
            "vérification de PostGIS",
            "SELECT extversion FROM pg_extension WHERE extname = 'postgis'",
        )?
        .is_none()
        {
            return Err(PostgisError::NoPostgis {
                connection: s.connection.clone(),
            });
        }
        let locked = s.one(
            "verrou",
            &format!(
                "SELECT pg_try_advisory_lock(hashtext({}))::int",
                lit(&format!("opsgeo:{}", s.schema))
            ),
        )?;
        if locked.as_deref() != Some("1") {
            return Err(PostgisError::Busy {
                schema: s.schema.clone(),
            });
        }
        for schema in [&s.schema, &s.staging] {
            s.ensure_ours(schema)?;
        }
        Ok(s)
    }

    /// Refuses a schema that exists, holds objects and was not created by opsgeo: it would be
    /// dropped (staging) or replaced (published).
    fn ensure_ours(&self, schema: &str) -> Result<(), PostgisError> {
        let foreign = self.one(
            "vérification des schémas",
            &format!(
                "SELECT (count(c.oid) > 0 AND coalesce(obj_description(n.oid, 'pg_namespace'), '')                  NOT LIKE {})::int FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid                  WHERE n.nspname = {} GROUP BY n.oid",
                lit(&format!("{SCHEMA_COMMENT_PREFIX}%")),
                lit(schema)
            ),
        )?;
        if foreign.as_deref() == Some("1") {
            return Err(PostgisError::Foreign {
                schema: schema.to_string(),
            });
        }
        Ok(())
    }

    /// The published schema.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    fn gdal_err(&self, step: &str, source: gdal::errors::GdalError) -> PostgisError {
        PostgisError::Gdal {
            connection: self.connection.clone(),
            step: step.to_string(),
            source: GdalFailure::new(source),
        }
    }

    fn translate_err(&self, step: &str, source: translate::TranslateError) -> PostgisError {
        PostgisError::Translate {
            connection: self.connection.clone(),
            step: step.to_string(),
            source,
        }
    }

    fn exec(&self, step: &str, sql: &str) -> Result<(), PostgisError> {
        crate::emit::gpkg::ogr::reset_error();
        self.ds
            .execute_sql(sql, None, Dialect::DEFAULT)
            .map(|_| ())
            .map_err(|e| self.gdal_err(step, e))
    }

    fn one(&self, step: &str, sql: &str) -> Result<Option<String>, PostgisError> {
        crate::emit::gpkg::ogr::reset_error();
        let rs = self
            .ds
            .execute_sql(sql, None, Dialect::DEFAULT)
            .map_err(|e| self.gdal_err(step, e))?;
        let Some(mut rs) = rs else {
            return Ok(None);
        };
        let v = rs
            .features()
            .next()
            .and_then(|f| f.field_as_string(0).ok().flatten());
        Ok(v)
    }

    /// Loads `tables` (name → rows) of the GeoPackage at `gpkg` into a fresh staging schema,
    /// with comments, the metadata table and read grants, and checks the row counts.
    pub fn load(
        &self,
        connection: &str,
        gpkg: &Path,
        tables: &[(String, u64)],
        comments: &[TableComments],
        metadata: &[(String, String)],
        schema_comment: &str,
    ) -> Result<PostgisReport, PostgisError> {
        let stg = ident(&self.staging);
        self.exec(
            "schéma de chargement",
            &format!(
                "DROP SCHEMA IF EXISTS {stg} CASCADE; CREATE SCHEMA {stg}; COMMENT ON SCHEMA {stg} IS {}",
                lit(schema_comment)
            ),
        )?;
        let src = Dataset::open_ex(
            gpkg,
            DatasetOptions {
                open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
                allowed_drivers: Some(&["GPKG"]),
                ..Default::default()
            },
        )
        .map_err(|e| self.gdal_err("lecture de la GeoPackage", e))?;
        let mut args: Vec<String> = [
            "-f",
            "PostgreSQL",
            "-preserve_fid",
            "-gt",
            "65536",
            "-lco",
            "GEOMETRY_NAME=geom",
            "-lco",
            "FID=fid",
            "-lco",
            "SPATIAL_INDEX=GIST",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.push("-lco".into());
        args.push(format!("SCHEMA={}", self.staging));
        args.extend(tables.iter().map(|(t, _)| t.clone()));
        translate::vector_translate(connection, &src, &args)
            .map_err(|e| self.translate_err("chargement des couches", e))?;
        drop(src);
        let mut sql = String::new();
        for c in comments {
            if !tables.iter().any(|(t, _)| *t == c.table) {
                continue;
            }
            let t = format!("{stg}.{}", ident(&c.table));
            let _ = writeln!(sql, "COMMENT ON TABLE {t} IS {};", lit(&c.comment));
            for (col, title) in &c.columns {
                let _ = writeln!(
                    sql,
                    "COMMENT ON COLUMN {t}.{} IS {};",
                    ident(col),
                    lit(title)
                );
            }
        }
        let _ = writeln!(
            sql,
            "CREATE TABLE {stg}.metadonnees (cle text PRIMARY KEY, valeur text NOT NULL);\nCOMMENT ON TABLE {stg}.metadonnees IS 'Métadonnées de la publication : citation, millésimes, secret statistique, versions, empreintes des entrées';"
        );
        for (k, v) in metadata {
            let _ = writeln!(
                sql,
                "INSERT INTO {stg}.metadonnees VALUES ({}, {});",
                lit(k),
                lit(v)
            );
        }
        for role in &self.read_roles {
            let _ = writeln!(
                sql,
                "GRANT USAGE ON SCHEMA {stg} TO {r}; GRANT SELECT ON ALL TABLES IN SCHEMA {stg} TO {r};",
                r = ident(role)
            );
        }
        self.exec("commentaires, métadonnées et droits", &sql)?;
        let mut report = PostgisReport {
            schema: self.schema.clone(),
            tables: tables.len() as u64 + 1,
            rows: 0,
        };
        for (t, expected) in tables {
            let found: u64 = self
                .one(
                    "contrôle des lignes",
                    &format!("SELECT count(*) FROM {stg}.{}", ident(t)),
                )?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            if found != *expected {
                return Err(PostgisError::Count {
                    table: t.clone(),
                    found,
                    expected: *expected,
                });
            }
            report.rows += found;
            self.exec("statistiques", &format!("ANALYZE {stg}.{}", ident(t)))?;
        }
        Ok(report)
    }

    /// Swaps the staging schema into the published one, in one transaction.
    pub fn swap(&self) -> Result<(), PostgisError> {
        let old = format!("opsgeo_ancien_{}", std::process::id());
        let mut sql = format!(
            "SET LOCAL lock_timeout = '60s';
DO $opsgeo$
DECLARE
  old_tables text;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = {pub_lit}
             AND coalesce(obj_description(n.oid, 'pg_namespace'), '') NOT LIKE {prefix}
             AND EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid)) THEN
    RAISE EXCEPTION 'le schéma % n''a pas été créé par opsgeo', {pub_lit};
  END IF;
  IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = {pub_lit}) THEN
    ALTER SCHEMA {pub_id} RENAME TO {old_id};
  END IF;
  ALTER SCHEMA {stg_id} RENAME TO {pub_id};
  SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') INTO old_tables
    FROM pg_tables WHERE schemaname = {old_lit};
  IF old_tables IS NOT NULL THEN
    EXECUTE 'DROP TABLE ' || old_tables || ' RESTRICT';
  END IF;
  DROP SCHEMA IF EXISTS {old_id} RESTRICT;
END
$opsgeo$;",
            pub_lit = lit(&self.schema),
            pub_id = ident(&self.schema),
            old_id = ident(&old),
            old_lit = lit(&old),
            stg_id = ident(&self.staging),
            prefix = lit(&format!("{SCHEMA_COMMENT_PREFIX}%")),
        );
        if crate::failpoint::fail_injected("postgis_echange") {
            sql.push_str(
                "\nDO $$ BEGIN RAISE EXCEPTION 'panne simulée (OPSGEO_TEST_FAIL_AT=postgis_echange)'; END $$;",
            );
        }
        // one multi-statement query is one implicit transaction: all or nothing
        self.exec("échange des schémas", &sql)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked_in_messages() {
        assert_eq!(
            masked("PG:host=x dbname=sig user=u password=s3cr'et port=5432"),
            "PG:host=x dbname=sig user=u password=*** port=5432"
        );
        assert_eq!(masked("PG:dbname=sig"), "PG:dbname=sig");
    }
}

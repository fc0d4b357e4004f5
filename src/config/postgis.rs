//! `[output.postgis]`: optional publication into PostgreSQL/PostGIS.

use serde::{Deserialize, Serialize};

/// `[output.postgis]`: the same layers and tables loaded into a staging schema, then swapped
/// into the published schema in one transaction.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostgisSection {
    /// GDAL connection string, `PG:host=… port=… dbname=… user=…` (the password is better in
    /// `PGPASSWORD` or `~/.pgpass`).
    pub connection: String,
    /// Published schema.
    #[serde(default = "default_pg_schema")]
    pub schema: String,
    /// Staging schema (default: `<schema>_chargement`).
    #[serde(default)]
    pub staging_schema: String,
    /// Roles granted read access (USAGE on the schema, SELECT on its tables).
    #[serde(default)]
    pub read_roles: Vec<String>,
}

fn default_pg_schema() -> String {
    "opsgeo".into()
}

/// Whether `s` is a plain PostgreSQL identifier opsgeo accepts (lower-case ASCII, digits, `_`;
/// not starting with a digit or `pg_`; at most 63 bytes).
pub fn is_plain_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && !s.starts_with("pg_")
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl PostgisSection {
    /// The staging schema actually used.
    pub fn staging(&self) -> String {
        if self.staging_schema.is_empty() {
            format!("{}_chargement", self.schema)
        } else {
            self.staging_schema.clone()
        }
    }

    /// Checks the section; on error, the key (under `output.postgis`) and a French message.
    pub(super) fn validate(&self) -> Result<(), (&'static str, String)> {
        if !self.connection.starts_with("PG:") {
            return Err((
                "connection",
                "chaîne de connexion GDAL attendue, de la forme « PG:host=… dbname=… user=… »"
                    .into(),
            ));
        }
        let ident_msg = "nom de schéma attendu en minuscules ASCII, chiffres et « _ » (63 caractères au plus, sans préfixe « pg_ »)";
        if !is_plain_identifier(&self.schema) {
            return Err(("schema", ident_msg.into()));
        }
        if !self.staging_schema.is_empty() && !is_plain_identifier(&self.staging_schema) {
            return Err(("staging_schema", ident_msg.into()));
        }
        if self.staging() == self.schema || self.staging().len() > 63 {
            return Err((
                "staging_schema",
                "doit différer du schéma publié (63 caractères au plus)".into(),
            ));
        }
        if let Some(r) = self.read_roles.iter().find(|r| !is_plain_identifier(r)) {
            return Err((
                "read_roles",
                format!("rôle « {r} » : minuscules ASCII, chiffres et « _ » attendus"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::Config;
    use std::path::Path;

    use super::super::tests::MINIMAL;

    #[test]
    fn postgis_section_is_validated() {
        let ok =
            format!("{MINIMAL}\n[output.postgis]\nconnection = \"PG:host=127.0.0.1 dbname=sig\"\n");
        let cfg = Config::from_toml_str(&ok, Path::new("/x")).unwrap();
        let pg = cfg.output.postgis.unwrap();
        assert_eq!(pg.schema, "opsgeo");
        assert_eq!(pg.staging(), "opsgeo_chargement");
        for (extra, key) in [
            ("connection = \"host=x\"", "output.postgis.connection"),
            (
                "connection = \"PG:dbname=x\"\nschema = \"Opsgeo\"",
                "output.postgis.schema",
            ),
            (
                "connection = \"PG:dbname=x\"\nstaging_schema = \"opsgeo\"",
                "output.postgis.staging_schema",
            ),
            (
                "connection = \"PG:dbname=x\"\nread_roles = [\"a;b\"]",
                "output.postgis.read_roles",
            ),
        ] {
            let text = format!("{MINIMAL}\n[output.postgis]\n{extra}\n");
            let err = Config::from_toml_str(&text, Path::new("/x")).unwrap_err();
            assert!(err.to_string().contains(key), "{err}");
        }
    }
}

//! The column and attribute names a configuration file writes itself (not defaults): a column
//! missing from an input under such a name is the configuration's mistake.

use serde::Serialize;

use super::{EpciColumns, HouseholdColumns, OccupantColumns, RplsColumns};

/// The column and attribute names written in the configuration other than their defaults:
/// every string under `rpls.columns`, `ops_households.columns`, `ops_occupants.columns`,
/// `territory.epci_columns`, and the `code`, `name`, `commune` of each `zones` layer.
pub(super) fn explicit_column_keys(t: &toml::Table) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut strings =
        |prefix: &str, table: Option<&toml::Value>, default: &dyn Fn(&str) -> String| {
            let Some(table) = table.and_then(toml::Value::as_table) else {
                return;
            };
            for (k, v) in table {
                if let Some(v) = v.as_str().filter(|v| !v.is_empty() && *v != default(k)) {
                    out.push((format!("{prefix}.{k}"), v.to_string()));
                }
            }
        };
    fn defaults_of<T: Serialize>(d: T) -> impl Fn(&str) -> String {
        let table = toml::Table::try_from(d).unwrap_or_default();
        move |k: &str| {
            table
                .get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        }
    }
    let sub = |a: &str, b: &str| t.get(a).and_then(|v| v.get(b));
    strings(
        "rpls.columns",
        sub("rpls", "columns"),
        &defaults_of(RplsColumns::default()),
    );
    strings(
        "ops_households.columns",
        sub("ops_households", "columns"),
        &defaults_of(HouseholdColumns::default()),
    );
    strings(
        "ops_occupants.columns",
        sub("ops_occupants", "columns"),
        &defaults_of(OccupantColumns::default()),
    );
    strings(
        "territory.epci_columns",
        sub("territory", "epci_columns"),
        &defaults_of(EpciColumns::default()),
    );
    for (layer, names) in ZONE_ATTRIBUTE_DEFAULTS {
        let default = |k: &str| match k {
            "code" => names[0].to_string(),
            "name" => names[1].to_string(),
            "commune" => names[2].to_string(),
            // other keys of a layer (path, vintage…) are not attribute names
            _ => String::new(),
        };
        let layer_table = sub("zones", layer)
            .and_then(toml::Value::as_table)
            .map(|tb| {
                toml::Value::Table(
                    tb.iter()
                        .filter(|(k, _)| ["code", "name", "commune"].contains(&k.as_str()))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                )
            });
        strings(&format!("zones.{layer}"), layer_table.as_ref(), &default);
    }
    out
}

/// Default attribute names of each zone layer: code, name, commune.
pub(super) const ZONE_ATTRIBUTE_DEFAULTS: [(&str, [&str; 3]); 4] = [
    ("communes", ["INSEE_COM", "NOM_COM", ""]),
    ("iris", ["CODE_IRIS", "NOM_IRIS", "INSEE_COM"]),
    ("qpv", ["code_qp", "nom_qp", ""]),
    ("qva", ["code_qva", "nom_qva", ""]),
];

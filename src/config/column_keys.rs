//! The column and attribute names a configuration file writes itself (not defaults): a column
//! missing from an input under such a name is the configuration's mistake.

use serde::Serialize;

use super::{EpciColumns, HouseholdColumns, OccupantColumns, RplsColumns};

/// The column and attribute names written in the configuration other than their defaults:
/// every string under `rpls.columns`, `ops_households.columns`, `ops_occupants.columns`,
/// `territory.epci_columns`, and the `code`, `name`, `commune` of each `zones` layer.
pub(super) fn explicit_column_keys(t: &toml::Table) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // `default(key)`: the default name of a column key, `None` for a key that names no column
    let mut strings =
        |prefix: &str, table: Option<&toml::Value>, default: &dyn Fn(&str) -> Option<String>| {
            let Some(table) = table.and_then(toml::Value::as_table) else {
                return;
            };
            for (k, v) in table {
                let Some(d) = default(k) else { continue };
                if let Some(v) = v.as_str().filter(|v| !v.is_empty() && *v != d) {
                    out.push((format!("{prefix}.{k}"), v.to_string()));
                }
            }
        };
    fn defaults_of<T: Serialize>(d: T) -> impl Fn(&str) -> Option<String> {
        let table = toml::Table::try_from(d).unwrap_or_default();
        move |k: &str| Some(table.get(k)?.as_str()?.to_string())
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
    for (layer, [code, name, commune]) in ZONE_ATTRIBUTE_DEFAULTS {
        // the other keys of a layer (path, vintage…) name no attribute
        let default = |k: &str| match k {
            "code" => Some(code.to_string()),
            "name" => Some(name.to_string()),
            "commune" => Some(commune.to_string()),
            _ => None,
        };
        strings(&format!("zones.{layer}"), sub("zones", layer), &default);
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

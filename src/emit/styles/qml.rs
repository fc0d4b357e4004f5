//! QGIS style files (QML): a rule-based renderer with one rule per class and one for the
//! values under statistical secrecy.

use std::fmt::Write;

use super::classes::{self, Rgb, SECRET_FILL, SECRET_LABEL, SECRET_LINE};
use super::xml::esc;
use super::Family;
use crate::indicators::IndicatorDef;

/// QGIS version written in the files (the oldest release they were checked with).
pub const QGIS_VERSION: &str = "3.22.0-Białowieża";

fn option(out: &mut String, indent: &str, name: &str, value: &str) {
    let _ = writeln!(
        out,
        "{indent}<Option type=\"QString\" name=\"{}\" value=\"{}\"/>",
        esc(name),
        esc(value)
    );
}

fn symbol_layer(out: &mut String, indent: &str, class: &str, props: &[(&str, String)]) {
    let _ = writeln!(
        out,
        "{indent}<layer class=\"{class}\" enabled=\"1\" locked=\"0\" pass=\"0\">"
    );
    let _ = writeln!(out, "{indent}  <Option type=\"Map\">");
    let inner = format!("{indent}    ");
    for (k, v) in props {
        option(out, &inner, k, v);
    }
    let _ = writeln!(out, "{indent}  </Option>");
}

/// Opens a fill symbol and writes its plain fill layer (left open for further sub-symbols).
fn open_fill_symbol(out: &mut String, name: &str, color: Rgb) {
    let _ = writeln!(
        out,
        "      <symbol type=\"fill\" name=\"{name}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">"
    );
    symbol_layer(
        out,
        "        ",
        "SimpleFill",
        &[
            ("color", color.qgis()),
            ("style", "solid".into()),
            ("outline_color", "255,255,255,255".into()),
            ("outline_style", "solid".into()),
            ("outline_width", "0.2".into()),
            ("outline_width_unit", "MM".into()),
            ("joinstyle", "bevel".into()),
        ],
    );
}

fn fill_symbol(out: &mut String, name: &str, color: Rgb) {
    open_fill_symbol(out, name, color);
    let _ = writeln!(out, "        </layer>\n      </symbol>");
}

fn secret_fill_symbol(out: &mut String, name: &str) {
    open_fill_symbol(out, name, SECRET_FILL);
    let _ = writeln!(out, "        </layer>");
    symbol_layer(
        out,
        "        ",
        "LinePatternFill",
        &[
            ("angle", "45".into()),
            ("distance", "1.5".into()),
            ("distance_unit", "MM".into()),
            ("color", SECRET_LINE.qgis()),
            ("line_width", "0.25".into()),
            ("line_width_unit", "MM".into()),
            ("offset", "0".into()),
            ("offset_unit", "MM".into()),
        ],
    );
    let _ = writeln!(
        out,
        "          <symbol type=\"line\" name=\"@{name}@1\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">"
    );
    symbol_layer(
        out,
        "            ",
        "SimpleLine",
        &[
            ("line_color", SECRET_LINE.qgis()),
            ("line_style", "solid".into()),
            ("line_width", "0.25".into()),
            ("line_width_unit", "MM".into()),
            ("capstyle", "square".into()),
            ("joinstyle", "bevel".into()),
        ],
    );
    let _ = writeln!(
        out,
        "            </layer>\n          </symbol>\n        </layer>\n      </symbol>"
    );
}

fn marker_symbol(out: &mut String, name: &str, shape: &str, color: Rgb, outline: Rgb, size: &str) {
    let _ = writeln!(
        out,
        "      <symbol type=\"marker\" name=\"{name}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">"
    );
    symbol_layer(
        out,
        "        ",
        "SimpleMarker",
        &[
            ("name", shape.into()),
            ("color", color.qgis()),
            ("outline_color", outline.qgis()),
            ("outline_style", "solid".into()),
            (
                "outline_width",
                if shape == "circle" { "0.2" } else { "0.4" }.into(),
            ),
            ("outline_width_unit", "MM".into()),
            ("size", size.into()),
            ("size_unit", "MM".into()),
            ("scale_method", "diameter".into()),
            ("joinstyle", "bevel".into()),
        ],
    );
    let _ = writeln!(out, "        </layer>\n      </symbol>");
}

/// The `<renderer-v2>` element of an indicator's style (two-space indented).
pub fn renderer(def: &IndicatorDef, family: Family) -> String {
    let classes = classes::classes(def);
    let mut s = String::new();
    // points overlap: draw unpublished ones first, then by ascending value (high values on top)
    let order_by = family == Family::Points;
    let _ = writeln!(
        s,
        "  <renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" enableorderby=\"{}\" forceraster=\"0\" referencescale=\"-1\">",
        u8::from(order_by)
    );
    let _ = writeln!(s, "    <rules key=\"{{opsgeo-{}}}\">", def.field);
    for (i, c) in classes.iter().enumerate() {
        let _ = writeln!(
            s,
            "      <rule key=\"{{opsgeo-{}-{i}}}\" symbol=\"{i}\" label=\"{}\" filter=\"{}\"/>",
            def.field,
            esc(&c.label),
            esc(&c.filter)
        );
    }
    let n = classes.len();
    let _ = writeln!(
        s,
        "      <rule key=\"{{opsgeo-{}-secret}}\" symbol=\"{n}\" label=\"{}\" filter=\"{}\"/>",
        def.field,
        esc(SECRET_LABEL),
        esc(&classes::secret_filter(def))
    );
    let _ = writeln!(s, "    </rules>\n    <symbols>");
    for (i, c) in classes.iter().enumerate() {
        match family {
            Family::Polygones => fill_symbol(&mut s, &i.to_string(), c.color),
            Family::Points => marker_symbol(
                &mut s,
                &i.to_string(),
                "circle",
                c.color,
                Rgb(0x33, 0x33, 0x33),
                "2.4",
            ),
        }
    }
    match family {
        Family::Polygones => secret_fill_symbol(&mut s, &n.to_string()),
        Family::Points => marker_symbol(
            &mut s,
            &n.to_string(),
            "cross2",
            SECRET_LINE,
            SECRET_LINE,
            "2.2",
        ),
    }
    let _ = writeln!(s, "    </symbols>");
    if order_by {
        let _ = writeln!(
            s,
            "    <orderby>\n      <orderByClause asc=\"1\" nullsFirst=\"1\">{}</orderByClause>\n    </orderby>",
            esc(&classes::quoted(def.field))
        );
    }
    let _ = writeln!(s, "  </renderer-v2>");
    s
}

/// A complete QML document: the renderer and, when given, French field aliases
/// (`(field, title)`; the style then also carries the "Fields" category).
pub fn document(def: &IndicatorDef, family: Family, aliases: &[(String, String)]) -> String {
    wrap(&renderer(def, family), family, aliases)
}

/// A complete QML document of a categorized point renderer on `field`: one marker per
/// `(value, label, colour)`, and the field aliases.
pub fn categorized_points(
    field: &str,
    categories: &[(&str, &str, Rgb)],
    aliases: &[(String, String)],
) -> String {
    let mut r = String::new();
    let _ = writeln!(
        r,
        "  <renderer-v2 type=\"categorizedSymbol\" attr=\"{}\" forceraster=\"0\" symbollevels=\"0\" enableorderby=\"0\" referencescale=\"-1\">",
        esc(field)
    );
    let _ = writeln!(r, "    <categories>");
    for (i, (value, label, _)) in categories.iter().enumerate() {
        let _ = writeln!(
            r,
            "      <category render=\"true\" symbol=\"{i}\" value=\"{}\" label=\"{}\"/>",
            esc(value),
            esc(label)
        );
    }
    let _ = writeln!(r, "    </categories>\n    <symbols>");
    for (i, (_, _, colour)) in categories.iter().enumerate() {
        marker_symbol(
            &mut r,
            &i.to_string(),
            "circle",
            *colour,
            Rgb(35, 35, 35),
            "2.6",
        );
    }
    let _ = writeln!(r, "    </symbols>\n  </renderer-v2>");
    wrap(&r, Family::Points, aliases)
}

fn wrap(renderer: &str, family: Family, aliases: &[(String, String)]) -> String {
    let categories = if aliases.is_empty() {
        "Symbology"
    } else {
        "Symbology|Fields"
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"{QGIS_VERSION}\" styleCategories=\"{categories}\">"
    );
    s.push_str(renderer);
    if !aliases.is_empty() {
        let _ = writeln!(s, "  <aliases>");
        for (i, (field, title)) in aliases.iter().enumerate() {
            let _ = writeln!(
                s,
                "    <alias field=\"{}\" index=\"{i}\" name=\"{}\"/>",
                esc(field),
                esc(title)
            );
        }
        let _ = writeln!(s, "  </aliases>");
    }
    let _ = writeln!(
        s,
        "  <layerGeometryType>{}</layerGeometryType>\n</qgis>",
        match family {
            Family::Points => 0,
            Family::Polygones => 2,
        }
    );
    s
}

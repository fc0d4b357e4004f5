//! OGC Styled Layer Descriptor 1.1 (Symbology Encoding) version of an indicator's style, for
//! GeoServer, MapServer or any SLD reader (the `NamedLayer` is named after the indicator). Quartile classes cannot be written in SLD (no
//! aggregate functions): such styles only tell published values from unpublished ones.

use std::fmt::Write;

use super::classes::{self, Classification, SECRET_FILL, SECRET_LABEL, SECRET_LINE};
use super::xml::{esc, num};
use super::Family;
use crate::indicators::IndicatorDef;

fn rule_head(s: &mut String, name: &str) {
    let _ = writeln!(
        s,
        "        <se:Rule>\n          <se:Name>{0}</se:Name>\n          <se:Description>\n            <se:Title>{0}</se:Title>\n          </se:Description>",
        esc(name)
    );
}

fn comparison(s: &mut String, indent: &str, op: &str, field: &str, v: f64) {
    let _ = writeln!(
        s,
        "{indent}<ogc:{op}>\n{indent}  <ogc:PropertyName>{}</ogc:PropertyName>\n{indent}  <ogc:Literal>{}</ogc:Literal>\n{indent}</ogc:{op}>",
        esc(field),
        num(v)
    );
}

fn filter(s: &mut String, field: &str, lower: Option<f64>, upper: Option<f64>) {
    let _ = writeln!(s, "          <ogc:Filter>");
    match (lower, upper) {
        (Some(lo), Some(hi)) => {
            let _ = writeln!(s, "            <ogc:And>");
            comparison(
                s,
                "              ",
                "PropertyIsGreaterThanOrEqualTo",
                field,
                lo,
            );
            comparison(s, "              ", "PropertyIsLessThan", field, hi);
            let _ = writeln!(s, "            </ogc:And>");
        }
        (Some(lo), None) => comparison(
            s,
            "            ",
            "PropertyIsGreaterThanOrEqualTo",
            field,
            lo,
        ),
        (None, Some(hi)) => comparison(s, "            ", "PropertyIsLessThan", field, hi),
        (None, None) => {
            let _ = writeln!(
                s,
                "            <ogc:Not>\n              <ogc:PropertyIsNull>\n                <ogc:PropertyName>{}</ogc:PropertyName>\n              </ogc:PropertyIsNull>\n            </ogc:Not>",
                esc(field)
            );
        }
    }
    let _ = writeln!(s, "          </ogc:Filter>");
}

fn param(s: &mut String, indent: &str, name: &str, value: &str) {
    let _ = writeln!(
        s,
        "{indent}<se:SvgParameter name=\"{name}\">{}</se:SvgParameter>",
        esc(value)
    );
}

fn symbolizer(s: &mut String, family: Family, fill: &str) {
    match family {
        Family::Polygones => {
            let _ = writeln!(s, "          <se:PolygonSymbolizer>\n            <se:Fill>");
            param(s, "              ", "fill", fill);
            let _ = writeln!(s, "            </se:Fill>\n            <se:Stroke>");
            param(s, "              ", "stroke", "#ffffff");
            param(s, "              ", "stroke-width", "0.5");
            let _ = writeln!(
                s,
                "            </se:Stroke>\n          </se:PolygonSymbolizer>"
            );
        }
        Family::Points => {
            let _ = writeln!(
                s,
                "          <se:PointSymbolizer>\n            <se:Graphic>\n              <se:Mark>\n                <se:WellKnownName>circle</se:WellKnownName>\n                <se:Fill>"
            );
            param(s, "                  ", "fill", fill);
            let _ = writeln!(s, "                </se:Fill>\n                <se:Stroke>");
            param(s, "                  ", "stroke", "#333333");
            param(s, "                  ", "stroke-width", "0.5");
            let _ = writeln!(
                s,
                "                </se:Stroke>\n              </se:Mark>\n              <se:Size>9</se:Size>\n            </se:Graphic>\n          </se:PointSymbolizer>"
            );
        }
    }
}

fn secret_symbolizer(s: &mut String, family: Family) {
    let line = SECRET_LINE.hex();
    match family {
        Family::Polygones => {
            let _ = writeln!(s, "          <se:PolygonSymbolizer>\n            <se:Fill>");
            param(s, "              ", "fill", &SECRET_FILL.hex());
            let _ = writeln!(s, "            </se:Fill>\n            <se:Stroke>");
            param(s, "              ", "stroke", "#ffffff");
            param(s, "              ", "stroke-width", "0.5");
            let _ = writeln!(
                s,
                "            </se:Stroke>\n          </se:PolygonSymbolizer>\n          <se:PolygonSymbolizer>\n            <se:Fill>\n              <se:GraphicFill>\n                <se:Graphic>\n                  <se:Mark>\n                    <se:WellKnownName>horline</se:WellKnownName>\n                    <se:Stroke>"
            );
            param(s, "                      ", "stroke", &line);
            param(s, "                      ", "stroke-width", "1");
            let _ = writeln!(
                s,
                "                    </se:Stroke>\n                  </se:Mark>\n                  <se:Size>6</se:Size>\n                  <se:Rotation>\n                    <ogc:Literal>45</ogc:Literal>\n                  </se:Rotation>\n                </se:Graphic>\n              </se:GraphicFill>\n            </se:Fill>\n          </se:PolygonSymbolizer>"
            );
        }
        Family::Points => {
            let _ = writeln!(
                s,
                "          <se:PointSymbolizer>\n            <se:Graphic>\n              <se:Mark>\n                <se:WellKnownName>x</se:WellKnownName>\n                <se:Stroke>"
            );
            param(s, "                  ", "stroke", &line);
            param(s, "                  ", "stroke-width", "1.5");
            let _ = writeln!(
                s,
                "                </se:Stroke>\n              </se:Mark>\n              <se:Size>8</se:Size>\n            </se:Graphic>\n          </se:PointSymbolizer>"
            );
        }
    }
}

/// The SLD document of an indicator's style; `layer` names the `NamedLayer`.
pub fn document(def: &IndicatorDef, family: Family) -> String {
    let layer = def.field;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<StyledLayerDescriptor xmlns=\"http://www.opengis.net/sld\" xmlns:se=\"http://www.opengis.net/se\" xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" version=\"1.1.0\" xsi:schemaLocation=\"http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd\">\n  <NamedLayer>\n    <se:Name>{}</se:Name>\n    <UserStyle>\n      <se:Name>{}</se:Name>\n      <se:Description>\n        <se:Title>{}</se:Title>\n      </se:Description>\n      <se:FeatureTypeStyle>",
        esc(layer),
        esc(def.field),
        esc(def.title)
    );
    match classes::classification(def) {
        Classification::Thresholds(_) => {
            for c in classes::classes(def) {
                rule_head(&mut s, &c.label);
                filter(&mut s, def.field, c.lower, c.upper);
                symbolizer(&mut s, family, &c.color.hex());
                let _ = writeln!(s, "        </se:Rule>");
            }
        }
        Classification::Quartiles => {
            let c = &classes::classes(def)[1];
            rule_head(&mut s, "Valeur publiée");
            filter(&mut s, def.field, None, None);
            symbolizer(&mut s, family, &c.color.hex());
            let _ = writeln!(s, "        </se:Rule>");
        }
    }
    rule_head(&mut s, SECRET_LABEL);
    let _ = writeln!(
        s,
        "          <ogc:Filter>\n            <ogc:PropertyIsNull>\n              <ogc:PropertyName>{}</ogc:PropertyName>\n            </ogc:PropertyIsNull>\n          </ogc:Filter>",
        esc(def.field)
    );
    secret_symbolizer(&mut s, family);
    let _ = writeln!(
        s,
        "        </se:Rule>\n      </se:FeatureTypeStyle>\n    </UserStyle>\n  </NamedLayer>\n</StyledLayerDescriptor>"
    );
    s
}

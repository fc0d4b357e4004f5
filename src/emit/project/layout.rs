//! The A4 landscape print layout of the QGIS project: title, map of the layer shown at
//! opening, its legend (classes and the "secret statistique" entry), a scale bar and the source
//! citation the convention requires.

use std::fmt::Write;

use super::Extent;
use crate::emit::styles::xml::esc;

/// What the layout shows.
pub(super) struct LayoutSpec {
    pub map_title: String,
    pub layer_id: String,
    pub layer_title: String,
    pub layer_source: String,
    pub extent: Extent,
    pub citation: String,
}

/// Page size (mm).
const PAGE: (f64, f64) = (297.0, 210.0);
/// Map frame: x, y, width, height (mm).
const MAP: (f64, f64, f64, f64) = (10.0, 24.0, 190.0, 160.0);

const UUID_PAGE: &str = "{6f1c2a10-0000-4000-8000-000000000001}";
const UUID_MAP: &str = "{6f1c2a10-0000-4000-8000-000000000002}";
const UUID_TITLE: &str = "{6f1c2a10-0000-4000-8000-000000000003}";
const UUID_LEGEND: &str = "{6f1c2a10-0000-4000-8000-000000000004}";
const UUID_SCALEBAR: &str = "{6f1c2a10-0000-4000-8000-000000000005}";
const UUID_SOURCE: &str = "{6f1c2a10-0000-4000-8000-000000000006}";

/// `extent` grown by 5 % and widened or heightened to the map frame's proportions.
fn fit(e: Extent) -> Extent {
    let (cx, cy) = ((e.xmin + e.xmax) / 2.0, (e.ymin + e.ymax) / 2.0);
    let mut w = (e.xmax - e.xmin).max(100.0) * 1.05;
    let mut h = (e.ymax - e.ymin).max(100.0) * 1.05;
    let ratio = MAP.2 / MAP.3;
    if w / h > ratio {
        h = w / ratio;
    } else {
        w = h * ratio;
    }
    Extent {
        xmin: cx - w / 2.0,
        ymin: cy - h / 2.0,
        xmax: cx + w / 2.0,
        ymax: cy + h / 2.0,
    }
}

/// Common attributes of a layout item.
#[allow(clippy::too_many_arguments)]
fn item_head(
    s: &mut String,
    ty: u32,
    uuid: &str,
    id: &str,
    pos: (f64, f64),
    size: (f64, f64),
    z: u32,
    extra: &str,
) {
    // the map gets a thin frame
    let frame = ty == 65639;
    let _ = writeln!(
        s,
        "      <LayoutItem type=\"{ty}\" uuid=\"{uuid}\" templateUuid=\"{uuid}\" id=\"{}\" position=\"{},{},mm\" positionOnPage=\"{},{},mm\" size=\"{},{},mm\" zValue=\"{z}\" visibility=\"1\" opacity=\"1\" referencePoint=\"0\" positionLock=\"false\" itemRotation=\"0\" blendMode=\"0\" excludeFromExports=\"0\" groupUuid=\"\" frame=\"{frame}\" frameJoinStyle=\"miter\" outlineWidthM=\"0.2,mm\" background=\"false\"{extra}>",
        esc(id),
        pos.0,
        pos.1,
        pos.0,
        pos.1,
        size.0,
        size.1
    );
    let _ = writeln!(
        s,
        "        <FrameColor red=\"0\" green=\"0\" blue=\"0\" alpha=\"255\"/>\n        <BackgroundColor red=\"255\" green=\"255\" blue=\"255\" alpha=\"255\"/>"
    );
}

fn label(
    s: &mut String,
    uuid: &str,
    id: &str,
    text: &str,
    pos: (f64, f64),
    size: (f64, f64),
    font: &str,
) {
    item_head(
        s,
        65641,
        uuid,
        id,
        pos,
        size,
        3,
        &format!(
            " labelText=\"{}\" htmlState=\"0\" marginX=\"0\" marginY=\"0\" halign=\"1\" valign=\"32\"",
            esc(text)
        ),
    );
    let _ = writeln!(
        s,
        "        <LabelFont description=\"{font}\" style=\"\"/>\n        <FontColor red=\"0\" green=\"0\" blue=\"0\" alpha=\"255\"/>\n      </LayoutItem>"
    );
}

/// The `<Layouts>` element.
pub(super) fn render(spec: &LayoutSpec) -> String {
    let e = fit(spec.extent);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "  <Layouts>\n    <Layout name=\"{}\" units=\"mm\" printResolution=\"300\" worldFileMap=\"\">\n      <PageCollection>",
        esc(super::LAYOUT_NAME)
    );
    let _ = writeln!(
        s,
        "        <LayoutItem type=\"65638\" uuid=\"{UUID_PAGE}\" templateUuid=\"{UUID_PAGE}\" id=\"\" position=\"0,0,mm\" positionOnPage=\"0,0,mm\" size=\"{},{},mm\" zValue=\"0\" visibility=\"1\" opacity=\"1\" referencePoint=\"0\" positionLock=\"false\" itemRotation=\"0\" blendMode=\"0\" excludeFromExports=\"0\" groupUuid=\"\" frame=\"false\" background=\"true\" outlineWidthM=\"0.3,mm\">\n          <FrameColor red=\"0\" green=\"0\" blue=\"0\" alpha=\"255\"/>\n          <BackgroundColor red=\"255\" green=\"255\" blue=\"255\" alpha=\"255\"/>\n        </LayoutItem>\n      </PageCollection>",
        PAGE.0, PAGE.1
    );
    // map
    item_head(
        &mut s,
        65639,
        UUID_MAP,
        "Carte",
        (MAP.0, MAP.1),
        (MAP.2, MAP.3),
        1,
        " keepLayerSet=\"false\" drawCanvasItems=\"true\" mapRotation=\"0\" followPreset=\"false\" followPresetName=\"\" isTemporal=\"0\" labelMargin=\"0,mm\" mapFlags=\"0\"",
    );
    let _ = writeln!(
        s,
        "        <Extent xmin=\"{}\" ymin=\"{}\" xmax=\"{}\" ymax=\"{}\"/>\n        <LayerSet/>\n      </LayoutItem>",
        e.xmin, e.ymin, e.xmax, e.ymax
    );
    label(
        &mut s,
        UUID_TITLE,
        "Titre",
        &spec.map_title,
        (10.0, 7.0),
        (277.0, 14.0),
        "Sans Serif,14,-1,5,75,0,0,0,0,0",
    );
    // legend: only the layer shown, with every class and the secret entry
    item_head(
        &mut s,
        65642,
        UUID_LEGEND,
        "Légende",
        (206.0, MAP.1),
        (81.0, 120.0),
        2,
        &format!(
            " map_uuid=\"{UUID_MAP}\" title=\"Légende\" titleAlignment=\"1\" resizeToContents=\"1\" symbolWidth=\"7\" symbolHeight=\"4\" symbolAlignment=\"1\" columnCount=\"1\" columnSpace=\"2\" boxSpace=\"2\" lineSpacing=\"1\" equalColumnWidth=\"0\" splitLayer=\"0\" wrapChar=\"\" legendFilterByAtlas=\"0\" rasterBorder=\"1\" rasterBorderColor=\"0,0,0,255\" rasterBorderWidth=\"0\" fontColor=\"#000000\" wmsLegendWidth=\"50\" wmsLegendHeight=\"25\" minSymbolSize=\"0\" maxSymbolSize=\"0\""
        ),
    );
    let _ = writeln!(
        s,
        "        <styles>\n          <style name=\"title\" alignment=\"1\" marginBottom=\"3\">\n            <styleFont description=\"Sans Serif,12,-1,5,75,0,0,0,0,0\" style=\"\"/>\n          </style>\n          <style name=\"group\" alignment=\"1\" marginTop=\"3\">\n            <styleFont description=\"Sans Serif,10,-1,5,75,0,0,0,0,0\" style=\"\"/>\n          </style>\n          <style name=\"subgroup\" alignment=\"1\" marginTop=\"3\">\n            <styleFont description=\"Sans Serif,9,-1,5,75,0,0,0,0,0\" style=\"\"/>\n          </style>\n          <style name=\"symbol\" alignment=\"1\" marginTop=\"2\">\n            <styleFont description=\"Sans Serif,9,-1,5,50,0,0,0,0,0\" style=\"\"/>\n          </style>\n          <style name=\"symbolLabel\" alignment=\"1\" marginTop=\"2\" marginLeft=\"2\">\n            <styleFont description=\"Sans Serif,9,-1,5,50,0,0,0,0,0\" style=\"\"/>\n          </style>\n        </styles>"
    );
    let _ = writeln!(
        s,
        "        <layer-tree-group>\n          <customproperties/>\n          <layer-tree-layer id=\"{}\" name=\"{}\" source=\"{}\" providerKey=\"ogr\" checked=\"Qt::Checked\" expanded=\"1\">\n            <customproperties/>\n          </layer-tree-layer>\n        </layer-tree-group>\n      </LayoutItem>",
        esc(&spec.layer_id),
        esc(&spec.layer_title),
        esc(&spec.layer_source)
    );
    // scale bar, sized automatically between 30 and 60 mm
    item_head(
        &mut s,
        65646,
        UUID_SCALEBAR,
        "Échelle",
        (10.0, MAP.1 + MAP.3 + 3.0),
        (70.0, 12.0),
        4,
        &format!(
            " mapUuid=\"{UUID_MAP}\" style=\"Single Box\" unitType=\"kilometers\" unitLabel=\"km\" numMapUnitsPerScaleBarUnit=\"1000\" numSegments=\"2\" numSegmentsLeft=\"0\" numSubdivisions=\"1\" subdivisionsHeight=\"1.5\" numUnitsPerSegment=\"1\" segmentSizeMode=\"1\" minBarWidth=\"30\" maxBarWidth=\"60\" segmentMillimeters=\"15\" height=\"2\" font=\"Sans Serif,8,-1,5,50,0,0,0,0,0\" labelBarSpace=\"2\" boxContentSpace=\"1\" alignment=\"0\" labelVerticalPlacement=\"0\" labelHorizontalPlacement=\"0\" lineJoinStyle=\"miter\" lineCapStyle=\"square\" outlineWidth=\"0.3\""
        ),
    );
    let _ = writeln!(
        s,
        "        <fillColor red=\"0\" green=\"0\" blue=\"0\" alpha=\"255\"/>\n        <fillColor2 red=\"255\" green=\"255\" blue=\"255\" alpha=\"255\"/>\n        <strokeColor red=\"0\" green=\"0\" blue=\"0\" alpha=\"255\"/>\n      </LayoutItem>"
    );
    label(
        &mut s,
        UUID_SOURCE,
        "Source",
        &spec.citation,
        (90.0, MAP.1 + MAP.3 + 3.0),
        (197.0, 12.0),
        "Sans Serif,8,-1,5,50,0,0,0,0,0",
    );
    let _ = writeln!(s, "    </Layout>\n  </Layouts>");
    s
}

#!/usr/bin/python3
"""Opens the QGIS project written by opsgeo in headless QGIS, checks it (every layer valid, in
EPSG:2154, grouped by scale then population, styled with a rule-based renderer; layer metadata
with citation and lineage; a print layout with title, map, legend, scale bar and source), and
exports its print layout to PDF and PNG.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 check_project.py PROJECT.qgs OUT.pdf OUT.png
Prints facts as `key: value` lines, then OK; exit code 1 on any problem.
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp/qgis-runtime")
os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemScaleBar,
    QgsLayerTreeGroup,
    QgsProject,
    QgsWkbTypes,
)


def check(path, pdf, png):
    problems = []
    project = QgsProject.instance()
    if not project.read(path):
        return [f"lecture du projet impossible : {project.error()}"]
    print("titre:", project.title())
    print("scr:", project.crs().authid())
    if project.crs().authid() != "EPSG:2154":
        problems.append(f"SCR du projet {project.crs().authid()}")
    layers = list(project.mapLayers().values())
    print("couches:", len(layers))
    for layer in layers:
        if not layer.isValid():
            problems.append(f"couche invalide : {layer.name()} ({layer.source()})")
            continue
        if layer.isSpatial():
            if layer.crs().authid() != "EPSG:2154":
                problems.append(f"{layer.name()} : SCR {layer.crs().authid()}")
            if layer.renderer().type() != "RuleRenderer":
                problems.append(f"{layer.name()} : moteur de rendu {layer.renderer().type()}")
            md = layer.metadata()
            if not md.rights() or not md.history():
                problems.append(f"{layer.name()} : métadonnées sans citation ou historique")
    root = project.layerTreeRoot()
    groups = [c for c in root.children() if isinstance(c, QgsLayerTreeGroup)]
    print("groupes:", " | ".join(g.name() for g in groups))
    for g in groups:
        if g.name() == "Tables":
            continue
        subs = [c.name() for c in g.children() if isinstance(c, QgsLayerTreeGroup)]
        if not subs or not set(subs) <= {"Ensemble des ménages", "Emménagés récents"}:
            problems.append(f"groupe {g.name()} : sous-groupes {subs}")
    visible = [l.name() for l in root.checkedLayers() if l.isSpatial()]
    print("visibles:", " | ".join(visible))
    if len(visible) != 1:
        problems.append(f"{len(visible)} couches visibles à l'ouverture")
    layouts = project.layoutManager().printLayouts()
    if len(layouts) != 1:
        return problems + [f"{len(layouts)} mises en page"]
    layout = layouts[0]
    print("mise_en_page:", layout.name())
    page = layout.pageCollection().page(0)
    print("page_mm:", round(page.pageSize().width()), "x", round(page.pageSize().height()))
    kinds = {}
    for item in layout.items():
        for cls, key in (
            (QgsLayoutItemMap, "carte"),
            (QgsLayoutItemLegend, "legende"),
            (QgsLayoutItemScaleBar, "echelle"),
            (QgsLayoutItemLabel, "texte"),
        ):
            if isinstance(item, cls):
                kinds.setdefault(key, []).append(item)
    for key in ("carte", "legende", "echelle", "texte"):
        print(f"{key}:", len(kinds.get(key, [])))
        if not kinds.get(key):
            problems.append(f"mise en page sans {key}")
    texts = [i.text() for i in kinds.get("texte", [])]
    print("textes:", " | ".join(texts))
    if not any(t.startswith("Source :") for t in texts):
        problems.append("pas de citation de la source dans la mise en page")
    for legend in kinds.get("legende", []):
        labels = []
        model = legend.model()
        for layer_node in model.rootGroup().findLayers():
            for n in model.layerLegendNodes(layer_node):
                labels.append(n.data(0))
        print("legende_entrees:", " | ".join(str(x) for x in labels))
        if not any("Secret statistique" in str(x) for x in labels):
            problems.append("légende sans l'entrée du secret statistique")
    for m in kinds.get("carte", []):
        print("carte_echelle: 1:", round(m.scale()))
    exporter = QgsLayoutExporter(layout)
    rc = exporter.exportToPdf(pdf, QgsLayoutExporter.PdfExportSettings())
    if rc != QgsLayoutExporter.Success or not os.path.exists(pdf) or os.path.getsize(pdf) < 1000:
        problems.append(f"export PDF en échec (code {rc})")
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = 60
    settings.generateWorldFile = False
    settings.exportMetadata = False
    rc = exporter.exportToImage(png, settings)
    if rc != QgsLayoutExporter.Success:
        problems.append(f"export PNG en échec (code {rc})")
    print("pdf_octets:", os.path.getsize(pdf) if os.path.exists(pdf) else 0)
    del exporter
    return problems


def main(argv):
    if len(argv) != 4:
        print(__doc__)
        return 2
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    problems = check(argv[1], argv[2], argv[3])
    QgsProject.instance().clear()
    app.exitQgis()
    for p in problems:
        print("ECHEC", p)
    if not problems:
        print("OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

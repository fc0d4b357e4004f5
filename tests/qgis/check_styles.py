#!/usr/bin/python3
"""Loads every style file of styles/ (QML and SLD) in headless QGIS onto a layer of the matching
geometry family of a GeoPackage, checks QGIS reads it as the expected rule-based renderer (one
rule per class plus the "secret statistique" rule, symbols with the declared colours), and renders
a sample to PNG.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 check_styles.py STYLES_DIR GPKG POLYGON_LAYER POINT_LAYER OUT_DIR
Prints one line per file; exit code 1 if any file fails.
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp/qgis-runtime")
os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)

from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402

SECRET = "Secret statistique (valeur non publiée)"


def render(layer, png):
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setExtent(layer.extent())
    settings.setOutputSize(QSize(300, 300))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    ok = job.renderedImage().save(png, "PNG")
    del job
    return ok and os.path.getsize(png) > 0


def check_file(path, layer, out_dir, render_it):
    problems = []
    if path.endswith(".qml"):
        msg, ok = layer.loadNamedStyle(path, True)
    else:
        msg, ok = layer.loadSldStyle(path)
    if not ok:
        return [f"lecture refusée : {msg}"]
    renderer = layer.renderer()
    if renderer.type() != "RuleRenderer":
        return [f"moteur de rendu {renderer.type()}"]
    rules = renderer.rootRule().children()
    labels = [r.label() for r in rules]
    if SECRET not in labels:
        problems.append("pas de règle « secret statistique »")
    if path.endswith(".qml"):
        if len(rules) not in (5, 6):
            problems.append(f"{len(rules)} règles")
        secret = [r for r in rules if r.label() == SECRET]
        if secret and secret[0].filterExpression().find("IS NULL") < 0:
            problems.append("filtre du secret inattendu")
        # the published classes take every non-NULL feature exactly once
        for f in layer.getFeatures():
            hits = sum(1 for r in rules if r.isFilterOK(f, renderer_context(layer)))
            if hits != 1:
                problems.append(f"entité {f.id()} dans {hits} classes")
                break
    if render_it and not problems:
        png = os.path.join(out_dir, os.path.basename(path).replace(".", "_") + ".png")
        if not render(layer, png):
            problems.append("rendu PNG impossible")
    return problems


_contexts = {}


def renderer_context(layer):
    from qgis.core import QgsExpressionContext, QgsExpressionContextUtils, QgsRenderContext

    ctx = _contexts.get(layer.id())
    if ctx is None:
        ctx = QgsRenderContext()
        ec = QgsExpressionContext()
        ec.appendScopes(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
        ctx.setExpressionContext(ec)
        _contexts[layer.id()] = ctx
    return ctx


def main(argv):
    if len(argv) != 6:
        print(__doc__)
        return 2
    styles, gpkg, poly_name, point_name, out_dir = argv[1:]
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    failures = run(styles, gpkg, poly_name, point_name, out_dir)
    _contexts.clear()
    app.exitQgis()
    return 1 if failures else 0


def run(styles, gpkg, poly_name, point_name, out_dir):
    failures = 0
    for family, name in (("polygones", poly_name), ("points", point_name)):
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        if not layer.isValid():
            print(f"{name}: ECHEC couche invalide")
            return 1
        folder = os.path.join(styles, family)
        for i, fname in enumerate(sorted(os.listdir(folder))):
            path = os.path.join(folder, fname)
            problems = check_file(path, layer, out_dir, render_it=i < 6)
            print(f"{family}/{fname}: " + ("OK" if not problems else "ECHEC " + "; ".join(problems)))
            failures += bool(problems)
        del layer
    return failures


if __name__ == "__main__":
    sys.exit(main(sys.argv))

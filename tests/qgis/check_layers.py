#!/usr/bin/python3
"""Opens every layer of a GeoPackage in headless QGIS, checks it is valid, in EPSG:2154, with the
expected feature count, that the default style stored in `layer_styles` was applied on load (a
rule-based renderer with a "secret statistique" rule), that the named styles are listed, that the
French field titles are the aliases and that reason-code fields show as value maps; renders each
layer to PNG. With FGB_DIR, also opens every FlatGeobuf file and checks QGIS applied its `.qml`
side file.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 check_layers.py GPKG OUT_DIR [FGB_DIR]
Prints one line per layer (`name: OK renderer=… styles=…`); exit code 1 if any layer fails.
"""
import os
import re
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp/qgis-runtime")
os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)

from osgeo import ogr  # noqa: E402
from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsFeatureRequest,
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
    settings.setOutputSize(QSize(400, 400))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    ok = job.renderedImage().save(png, "PNG")
    del job
    return ok and os.path.getsize(png) > 0


REVIEW_LAYER = "geocodage_a_verifier"


def styled_review(layer):
    """The geocoding review layer: points categorised by geocoding level."""
    renderer = layer.renderer()
    if renderer.type() != "categorizedSymbol" or renderer.classAttribute() != "niveau":
        return [f"style par défaut non appliqué (moteur {renderer.type()})"], renderer.type()
    labels = [c.label() for c in renderer.categories()]
    problems = [] if "Non trouvé" in labels else ["pas de catégorie « Non trouvé »"]
    return problems, f"categorizedSymbol[{len(labels)} niveaux]"


def stored_fields(gpkg):
    """The fields drawn by the styles stored for each layer (its key indicators)."""
    ds = ogr.Open(gpkg)
    fields = {}
    sql = ds.ExecuteSQL("SELECT f_table_name, styleQML FROM layer_styles")
    for f in sql:
        found = re.findall(r'filter="&quot;([a-z0-9_]+)&quot;', f.GetField(1) or "")
        fields.setdefault(f.GetField(0), set()).update(found)
    ds.ReleaseResultSet(sql)
    return fields


def published(layer, field):
    """How many features of `layer` publish `field` (not NULL)."""
    request = QgsFeatureRequest().setFilterExpression(f'"{field}" IS NOT NULL')
    return sum(1 for _ in layer.getFeatures(request))


def styled(layer, key_fields):
    """Problems with the style applied on load, and a short description of it."""
    if layer.name() == REVIEW_LAYER:
        return styled_review(layer)
    problems = []
    renderer = layer.renderer()
    if renderer.type() != "RuleRenderer":
        return [f"style par défaut non appliqué (moteur {renderer.type()})"], renderer.type()
    rules = renderer.rootRule().children()
    labels = [r.label() for r in rules]
    if SECRET not in labels:
        problems.append("pas de règle « secret statistique »")
    # the default style draws one key indicator published for most entities, or, when none is,
    # the key indicator published for the most entities
    drawn = {m for r in rules for m in re.findall(r'"([a-z0-9_]+)"', r.filterExpression())}
    counts = {f: published(layer, f) for f in key_fields}
    if len(drawn) != 1:
        problems.append(f"le style par défaut porte sur {sorted(drawn)}")
    elif counts:
        field, n = drawn.pop(), layer.featureCount()
        most = [f for f, c in counts.items() if 2 * c > n]
        if (field not in most) if most else counts.get(field, 0) < max(counts.values()):
            problems.append(
                f"le style par défaut porte sur {field} ({counts.get(field)} valeurs publiées"
                f" sur {n}) : {counts}"
            )
    return problems, f"{renderer.type()}[{len(labels)} règles]"


def check_gpkg(gpkg, out_dir):
    ds = ogr.Open(gpkg)
    expected = {}
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayer(i)
        expected[lyr.GetName()] = (lyr.GetFeatureCount(), lyr.GetGeomType() != ogr.wkbNone)
    ds = None
    key_fields = stored_fields(gpkg)
    failures = 0
    for name, (count, has_geom) in sorted(expected.items()):
        if name == "layer_styles":
            continue
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        problems = []
        info = ""
        if not layer.isValid():
            problems.append("invalide")
        else:
            if layer.featureCount() != count:
                problems.append(f"{layer.featureCount()} entités au lieu de {count}")
            if has_geom:
                if layer.crs().authid() != "EPSG:2154":
                    problems.append(f"SCR {layer.crs().authid()}")
                n, _ids, names, _descs, err = layer.listStylesInDatabase()
                if n == 0:
                    # a layer another stage added without styles: opened and rendered only
                    info = "sans style"
                else:
                    p, info = styled(layer, key_fields.get(name, set()))
                    problems += p
                    info += f" styles={n}"
                    if n < (1 if name == REVIEW_LAYER else 2):
                        problems.append(f"{n} style(s) enregistré(s) ({err})")
                fields = layer.fields()
                aliased = [f.name() for f in fields if layer.attributeAlias(fields.indexOf(f.name()))]
                if len(aliased) < len(fields) - 1:
                    problems.append(f"{len(fields) - len(aliased)} champs sans titre")
                secret = [f.name() for f in fields if f.name().endswith("_secret")]
                if secret and layer.editorWidgetSetup(fields.indexOf(secret[0])).type() != "ValueMap":
                    problems.append(f"{secret[0]} sans liste de valeurs")
                png = os.path.join(out_dir, f"{name}.png")
                if not render(layer, png):
                    problems.append("rendu PNG impossible")
        status = f"OK {info}".strip() if not problems else "ECHEC " + "; ".join(problems)
        print(f"{name}: {status}")
        failures += bool(problems)
        del layer
    return failures


def check_fgb(fgb_dir, key_fields):
    failures = 0
    for fname in sorted(os.listdir(fgb_dir)):
        if not fname.endswith(".fgb"):
            continue
        path = os.path.join(fgb_dir, fname)
        layer = QgsVectorLayer(path, fname, "ogr")
        problems = []
        info = ""
        if not layer.isValid():
            problems.append("invalide")
        elif layer.isSpatial():
            if layer.crs().authid() != "EPSG:2154":
                problems.append(f"SCR {layer.crs().authid()}")
            problems_style, info = styled(layer, key_fields.get(fname[: -len('.fgb')], set()))
            problems += problems_style
        status = f"OK {info}".strip() if not problems else "ECHEC " + "; ".join(problems)
        print(f"fgb/{fname}: {status}")
        failures += bool(problems)
        del layer
    return failures


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__)
        return 2
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    failures = check_gpkg(argv[1], argv[2])
    if len(argv) == 4:
        failures += check_fgb(argv[3], stored_fields(argv[1]))
    app.exitQgis()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/python3
"""Opens every layer of a GeoPackage in headless QGIS, checks it is valid, in EPSG:2154, with the
expected feature count, and renders it to PNG.

Usage: QT_QPA_PLATFORM=offscreen /usr/bin/python3 check_layers.py GPKG OUT_DIR
Prints one line per layer; exit code 1 if any layer fails.
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp/qgis-runtime")
os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)

from osgeo import ogr  # noqa: E402
from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize  # noqa: E402


def check(gpkg, out_dir):
    ds = ogr.Open(gpkg)
    expected = {}
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayer(i)
        expected[lyr.GetName()] = (lyr.GetFeatureCount(), lyr.GetGeomType() != ogr.wkbNone)
    ds = None
    failures = 0
    for name, (count, has_geom) in sorted(expected.items()):
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        problems = []
        if not layer.isValid():
            problems.append("invalide")
        else:
            if layer.featureCount() != count:
                problems.append(f"{layer.featureCount()} entités au lieu de {count}")
            if has_geom:
                if layer.crs().authid() != "EPSG:2154":
                    problems.append(f"SCR {layer.crs().authid()}")
                settings = QgsMapSettings()
                settings.setLayers([layer])
                settings.setExtent(layer.extent())
                settings.setOutputSize(QSize(400, 400))
                job = QgsMapRendererParallelJob(settings)
                job.start()
                job.waitForFinished()
                png = os.path.join(out_dir, f"{name}.png")
                if not job.renderedImage().save(png, "PNG") or os.path.getsize(png) == 0:
                    problems.append("rendu PNG impossible")
                del job
        status = "OK" if not problems else "ECHEC " + "; ".join(problems)
        print(f"{name}: {status}")
        failures += bool(problems)
        del layer
    return failures


def main(argv):
    if len(argv) != 3:
        print(__doc__)
        return 2
    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    failures = check(argv[1], argv[2])
    app.exitQgis()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

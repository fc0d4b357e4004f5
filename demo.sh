#!/usr/bin/env bash
# Installe ce qui manque, compile opsgeo et lance le traitement complet sur la démonstration
# embarquée (data/demo). Les couches sont écrites dans out/.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
echo "[compilation] cargo build --release"
cargo build --release --quiet
echo "[démonstration] opsgeo run --config data/demo/opsgeo.toml --out out"
./target/release/opsgeo run --config data/demo/opsgeo.toml --out out "$@"
echo
echo "Sorties dans $(pwd)/out :"
echo "  opsgeo.gpkg    couches, table « indicateurs », couche « geocodage_a_verifier », styles"
echo "  opsgeo.qgs     projet QGIS (couches groupées et stylées, mise en page « Carte A4 »)"
echo "  fgb/           les mêmes couches en FlatGeobuf, avec leur style .qml"
echo "  manifest.json  entrées, sorties, contrôles, secret, durées"
echo "  rejets.csv     lignes d'entrée rejetées et leur motif"
echo
echo "Pour ouvrir le projet : qgis out/opsgeo.qgs"

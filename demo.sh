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
echo "Couches écrites (ogrinfo) :"
ogrinfo -ro -so -q out/opsgeo.gpkg | head -50

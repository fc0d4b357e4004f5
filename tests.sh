#!/usr/bin/env bash
# Installe ce qui manque (dont QGIS sans écran pour les tests de recette), compile opsgeo et lance
# tous les tests : tests unitaires, tests d'intégration (binaire + vérifications GDAL et QGIS),
# format et lint.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --tests
export QT_QPA_PLATFORM=offscreen
echo "[vérification] cargo fmt --check"
cargo fmt --all -- --check
echo "[vérification] cargo clippy --workspace --all-targets -- -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "[tests] cargo test --release (bibliothèque, binaire, tests d'intégration)"
cargo test --release --workspace --lib --bins --tests
echo "[tests] benchmarks en mode test (une itération chacun)"
cargo test --release --workspace --benches
echo "[tests] doctests"
cargo test --release --workspace --doc --quiet
echo "Tous les tests sont passés."

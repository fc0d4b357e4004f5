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
echo "[vérification] cargo clippy --workspace --all-targets --all-features -- -D warnings"
cargo clippy --workspace --all-targets --all-features --quiet -- -D warnings
echo "[tests] cargo test --release (bibliothèque, binaires, tests d'intégration, tier complet)"
cargo test --release --workspace --features opsgeo/tests-complets --lib --bins --tests
echo "[tests] benchmarks en mode test (une itération chacun)"
cargo test --release --workspace --features opsgeo/tests-complets --benches
echo "[tests] doctests"
cargo test --release --workspace --features opsgeo/tests-complets --doc --quiet
echo "Tous les tests sont passés."

#!/usr/bin/env bash
# Installs what opsgeo needs on Debian 12 and builds it.
# Usage: scripts/setup.sh [--tests]   (--tests also installs headless QGIS for the acceptance tests
# and PostgreSQL + PostGIS, which the PostGIS publication tests start on 127.0.0.1)
# Sourced by demo.sh and tests.sh; prints what it installs and what it skips.
set -euo pipefail

want_tests=0
[ "${1:-}" = "--tests" ] && want_tests=1

packages=(pkg-config libgdal-dev libsqlite3-dev gdal-bin python3-gdal)
if [ "$want_tests" = 1 ]; then
  packages+=(qgis python3-qgis python3-scipy xauth postgresql postgresql-15-postgis-3)
fi

missing=()
for p in "${packages[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    echo "[installation] $p : déjà présent"
  else
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "[installation] paquets Debian à installer : ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "[installation] ERREUR : il faut être root (ou avoir sudo) pour installer : ${missing[*]}" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  echo "[installation] paquets installés : ${missing[*]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "[installation] Rust (cargo) est absent : installation par rustup" >&2
    if command -v curl >/dev/null 2>&1 && curl -fsS https://sh.rustup.rs -o /tmp/rustup-init.sh; then
      sh /tmp/rustup-init.sh -y --profile minimal >/dev/null
      export PATH="$HOME/.cargo/bin:$PATH"
    else
      echo "[installation] ERREUR : impossible d'installer Rust (https://rustup.rs) ; installez Rust (testé avec 1.95) puis relancez." >&2
      exit 2
    fi
  fi
fi
echo "[installation] $(cargo --version)"

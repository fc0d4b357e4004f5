#!/bin/sh
# Peer comparison of opsgeo's geocoder with addok (+ addok-fr, addok-france, addok-csv from
# PyPI, Redis from Debian on 127.0.0.1): same BAN files, same queries, same metrics
# (../shared/tools/score_geocode.py), throughput on one and two cores.
#
#   benches/addok/run.sh            # Dijon dev set + synthetic set of 100 000 addresses
#   ADDOK_ADDRESSES=1000000 ADDOK_QUERIES=50000 benches/addok/run.sh
#
# Everything downloaded or generated goes to target/addok/ (never committed).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${ADDOK_WORK:-$ROOT/target/addok}
SHARED=${OPSGEO_SHARED:-$ROOT/../shared}
[ -d "$SHARED/data/real" ] || SHARED=/work/shared
ADDRESSES=${ADDOK_ADDRESSES:-100000}
QUERIES=${ADDOK_QUERIES:-10000}
PORT=${ADDOK_REDIS_PORT:-6399}
export ADDOK_REDIS_PORT=$PORT
mkdir -p "$WORK"

if ! command -v redis-server >/dev/null 2>&1; then
    echo "[addok] installation de redis-server (Debian)"
    apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
fi
if [ ! -x "$WORK/venv/bin/addok" ]; then
    echo "[addok] installation d'addok, addok-fr, addok-france, addok-csv, pyproj (PyPI)"
    python3 -m venv "$WORK/venv"
    "$WORK/venv/bin/pip" install -q addok addok-fr addok-france addok-csv pyproj
fi
"$WORK/venv/bin/pip" show addok addok-fr addok-france addok-csv 2>/dev/null | grep -E '^(Name|Version)' | paste - - | sed 's/^/[addok] /'

echo "[addok] Redis sur 127.0.0.1:$PORT"
redis-server --bind 127.0.0.1 --port "$PORT" --dir "$WORK" --save '' --appendonly no \
    --daemonize yes --pidfile "$WORK/redis.pid" >/dev/null
trap 'kill "$(cat "$WORK/redis.pid")" 2>/dev/null || true' EXIT INT TERM
sleep 1

(cd "$ROOT" && cargo build --release -q)
"$ROOT/target/release/opsgeo-synth-ban" -q --addresses "$ADDRESSES" --queries "$QUERIES" \
    --seed 2022 --out "$WORK/synth"

DIJON="$SHARED/data/real/ban_extrait_dijon"
ADDOK_CONFIG_MODULE="$ROOT/benches/addok/addok_conf.py" \
"$WORK/venv/bin/python" "$ROOT/benches/addok/compare.py" \
    --opsgeo "$ROOT/target/release/opsgeo" \
    --score "$SHARED/tools/score_geocode.py" \
    --addok "$WORK/venv/bin/addok" \
    --work "$WORK" \
    "dijon=$DIJON/adresses-dijon-extrait.csv:$DIJON/requetes-dev.csv" \
    "synthetique=$WORK/synth/adresses-99.csv:$WORK/synth/requetes.csv"

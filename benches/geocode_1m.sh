#!/bin/sh
# Throughput target of the geocoder: 1 000 000 RPLS-style queries against a synthetic BAN of
# 1 000 000 addresses (opsgeo-synth-ban, seed 2022), on one thread and on two; index build
# time; peak memory of the index alone and of the whole run (/usr/bin/time); accuracy of the
# answers (score_geocode.py). Generated files go to target/bench-1m/ (never committed).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${OPSGEO_SHARED:-$ROOT/../shared}
[ -d "$SHARED/tools" ] || SHARED=/work/shared
DIR=${OPSGEO_BENCH_DIR:-$ROOT/target/bench-1m}
N=${OPSGEO_BENCH_ADDRESSES:-1000000}
Q=${OPSGEO_BENCH_QUERIES:-1000000}
BIN="$ROOT/target/release/opsgeo"
(cd "$ROOT" && cargo build --release -q)
"$ROOT/target/release/opsgeo-synth-ban" --addresses "$N" --queries "$Q" --seed 2022 --out "$DIR"
head -1 "$DIR/requetes.csv" > "$DIR/vide.csv"
echo "== index seul (aucune requête)"
/usr/bin/time -f "pic mémoire %M Ko, %e s" "$BIN" geocode --ban "$DIR/adresses-99.csv" \
    --input "$DIR/vide.csv" --output "$DIR/vide-sortie.csv" --id id
for t in 1 2; do
    echo "== $Q requêtes, $t fil(s)"
    RAYON_NUM_THREADS=$t /usr/bin/time -f "pic mémoire %M Ko, %e s" "$BIN" geocode \
        --ban "$DIR/adresses-99.csv" --input "$DIR/requetes.csv" \
        --output "$DIR/resultats-$t.csv" --id id
done
cmp -s "$DIR/resultats-1.csv" "$DIR/resultats-2.csv" && echo "résultats identiques sur 1 et 2 fils"
/usr/bin/python3 "$SHARED/tools/score_geocode.py" "$DIR/requetes.csv" "$DIR/resultats-2.csv"

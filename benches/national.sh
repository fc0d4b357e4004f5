#!/usr/bin/env bash
# Mesure de la croissance (hors CI) : génère 10 %, 30 % et 100 % du profil « france »
# (opsgeo-synth --profil france --dwellings N), lance opsgeo run sur chacun et affiche, par
# taille, la durée de chaque étape (lignes « étape terminée etape=… secondes=… » du journal),
# le pic de mémoire (RSS) du traitement entier et, à ± 1 s près, le pic atteint à la fin de
# chaque étape (VmHWM relevé chaque seconde).
#
# Usage : benches/national.sh [--sizes "10 30 100"] [--timeout SECONDES] [--seed S]
#                             [--dir DOSSIER] [--keep] [--profil metropole]
#   --profil metropole : le profil métropole (12 communes) à la place du profil national ;
#               --sizes donne alors des nombres de logements (défaut « 100000 300000 1000000 »).
#   --timeout : durée maximale d'un traitement (défaut 1800 s) ; au-delà il est arrêté et le
#               script dit quelle étape était en cours.
#   --dir     : dossier de travail (défaut /tmp/opsgeo_national) ; --keep garde les jeux.
# Variable OPSGEO : binaire à utiliser (défaut target/release/opsgeo, sinon
# $CARGO_TARGET_DIR/release/opsgeo).
set -euo pipefail

SIZES=""
PROFILE=france
TIMEOUT=1800
SEED=2022
WORK=/tmp/opsgeo_national
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --timeout) TIMEOUT="$2"; shift 2 ;;
        --seed) SEED="$2"; shift 2 ;;
        --dir) WORK="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --profil) PROFILE="$2"; shift 2 ;;
        *) echo "option inconnue : $1" >&2; exit 2 ;;
    esac
done

case "$PROFILE" in
    france) SIZES="${SIZES:-10 30 100}" ;;
    metropole) SIZES="${SIZES:-100000 300000 1000000}" ;;
    *) echo "profil inconnu : $PROFILE (france ou metropole)" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "${OPSGEO:-}" ]; then
    OPSGEO="${CARGO_TARGET_DIR:-$ROOT/target}/release/opsgeo"
fi
[ -x "$OPSGEO" ] || { echo "binaire introuvable : $OPSGEO (cargo build --release)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time est requis (paquet time)" >&2; exit 2; }
NATIONAL=5300000
# Étapes de opsgeo run, dans l'ordre.
STAGES="lecture index_ban geocodage jointure agregation secret ecriture validation audit publication"

mkdir -p "$WORK"
echo "opsgeo : $OPSGEO ($("$OPSGEO" --version 2>/dev/null || echo '?'))"
echo "machine : $(nproc) cœurs, $(free -g | awk '/^Mem:/ {print $2}') Gio ; charge au départ : $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date : $(date -u '+%Y-%m-%d %H:%M UTC') ; graine $SEED ; délai par traitement ${TIMEOUT} s"

rss_of() { awk -F': ' '/Maximum resident set size/ {printf "%.2f", $2 / 1048576}' "$1"; }
wall_of() { awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$1"; }

for pct in $SIZES; do
    if [ "$PROFILE" = france ]; then
        n=$((NATIONAL * pct / 100))
        echo
        echo "=== ${pct} % du profil national : $n logements ==="
    else
        n=$pct
        echo
        echo "=== profil métropole : $n logements ==="
    fi
    dir="$WORK/${PROFILE}_${pct}"
    rm -rf "$dir"
    /usr/bin/time -v -o "$WORK/synth_${pct}.time" "${OPSGEO}-synth" --profil "$PROFILE" \
        --dwellings "$n" --seed "$SEED" --out "$dir" > "$WORK/synth_${pct}.out"
    cat "$WORK/synth_${pct}.out"
    echo "génération : $(wall_of "$WORK/synth_${pct}.time"), pic $(rss_of "$WORK/synth_${pct}.time") Gio, $(du -sh "$dir" | cut -f1) écrits"
    echo "charge avant le traitement : $(cut -d' ' -f1-3 /proc/loadavg)"

    log="$WORK/run_${pct}.log"
    hwm="$WORK/run_${pct}.hwm"
    : > "$hwm"
    set +e
    /usr/bin/time -v -o "$WORK/run_${pct}.time" timeout "$TIMEOUT" \
        "$OPSGEO" --log-format text run --config "$dir/opsgeo.toml" --out "$dir/sortie" \
        > "$WORK/run_${pct}.out" 2> "$log" &
    tpid=$!
    # VmHWM of the opsgeo process, sampled every second with the number of stages done.
    (
        while kill -0 "$tpid" 2> /dev/null; do
            pid=$(pgrep -n -f -- "--config $dir/opsgeo.toml" || true)
            if [ -n "$pid" ] && [ -r "/proc/$pid/status" ]; then
                k=$(grep -c "étape terminée" "$log" 2> /dev/null || true)
                h=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2> /dev/null)
                [ -n "$h" ] && echo "$k $h" >> "$hwm"
            fi
            sleep 1
        done
    ) &
    spid=$!
    wait "$tpid"
    rc=$?
    wait "$spid" 2> /dev/null
    set -e

    sed 's/\x1b\[[0-9;]*m//g' "$log" | grep "étape terminée" \
        | sed -E 's/.*etape="?([a-z_]+)"? secondes=([0-9.]+).*/\1 \2/' > "$WORK/run_${pct}.stages"
    printf "%-12s %10s %14s\n" "étape" "secondes" "pic RSS (Gio)"
    k=0
    while read -r stage secs; do
        k=$((k + 1))
        # Highest VmHWM sampled before stage k ended (≈ peak up to the end of stage k, ± 1 s).
        peak=$(awk -v k="$k" '$1 < k && $2 > m {m = $2} END {printf "%.2f", m / 1048576}' "$hwm")
        printf "%-12s %10.1f %14s\n" "$stage" "$secs" "$peak"
    done < "$WORK/run_${pct}.stages"
    done_list=$(cut -d' ' -f1 "$WORK/run_${pct}.stages" | tr '\n' ' ')
    last=$(tail -n 1 "$WORK/run_${pct}.stages" | cut -d' ' -f1)
    if [ "$rc" -eq 124 ]; then
        next=$(echo "$STAGES" | tr ' ' '\n' | awk -v l="$last" 'f {print; exit} $0 == l {f = 1}')
        [ -z "$last" ] && next=lecture
        echo "ARRÊTÉ après ${TIMEOUT} s : étape en cours « ${next:-?} » (terminées : ${done_list:-aucune})"
    elif [ "$rc" -ne 0 ]; then
        echo "ÉCHEC (code $rc) ; dernières lignes du journal :"
        tail -n 5 "$log"
    else
        echo "traitement complet : $(wall_of "$WORK/run_${pct}.time")"
    fi
    echo "pic RSS du traitement : $(rss_of "$WORK/run_${pct}.time") Gio ; charge à la fin : $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ -d "$dir/sortie" ]; then
        echo "sorties : $(du -sh "$dir/sortie" | cut -f1)"
    fi
    [ "$KEEP" -eq 1 ] || rm -rf "$dir"
done

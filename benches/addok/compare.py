#!/usr/bin/env python3
"""opsgeo ↔ addok: the same BAN file, the same queries, the same metrics.

Run by benches/addok/run.sh inside the addok virtualenv, with ADDOK_CONFIG_MODULE set.

    compare.py --opsgeo BIN --score score_geocode.py --addok ADDOK --work DIR NAME=BAN:QUERIES...

For each set:
* opsgeo: `opsgeo geocode` on 1 and 2 threads (RAYON_NUM_THREADS); the geocoding time is the
  one opsgeo prints (distinct addresses, index load and file I/O excluded), the index time is
  the BAN load;
* addok: the BAN CSV is turned into addok documents (one `street` per street with its
  `housenumbers`, one `municipality` per INSEE code), imported with `addok batch` and
  `addok ngrams`; every distinct query is searched with `search(q, limit=1, citycode=DEPCOM)`
  (the INSEE filter, as opsgeo always does), the query being the RPLS fields joined with spaces
  (sentinels INDREP 9 and TYPVOIE 99 removed, B/T/Q spelt bis/ter/quater), in 1 process and in
  2 processes. As addok-csv does, an answer scoring below 0.5 is not kept. Levels: housenumber →
  numero, street/locality → voie, municipality → commune.

Both outputs are scored by score_geocode.py. A Markdown table is printed at the end.
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys
import time
from multiprocessing import Pool

MIN_SCORE = 0.5  # addok-csv's CSV_MIN_SCORE
INDREP = {"B": "bis", "T": "ter", "Q": "quater", "C": "quinquies", "9": ""}


def ban_documents(ban_csv, out_path):
    """Writes addok's ndjson documents for a BAN CSV; returns (streets, municipalities)."""
    streets = {}
    communes = {}
    with open(ban_csv, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f, delimiter=";"):
            lon, lat = float(r["lon"]), float(r["lat"])
            key = (r["code_insee"], r["nom_voie"])
            d = streets.get(key)
            if d is None:
                d = streets[key] = {
                    "_id": "s%d" % len(streets),
                    "type": "street",
                    "name": r["nom_voie"],
                    "postcode": r["code_postal"],
                    "citycode": r["code_insee"],
                    "city": r["nom_commune"],
                    "importance": 0.5,
                    "housenumbers": {},
                    "_points": [],
                }
            number = r["numero"] + (" " + r["rep"] if r["rep"] else "")
            d["housenumbers"][number] = {"id": r["id"], "lon": lon, "lat": lat}
            d["_points"].append((int(r["numero"]), lon, lat))
            c = communes.setdefault(
                r["code_insee"], [0.0, 0.0, 0, r["nom_commune"], r["code_postal"]]
            )
            c[0] += lon
            c[1] += lat
            c[2] += 1
    with open(out_path, "w", encoding="utf-8") as out:
        for d in streets.values():
            pts = sorted(d.pop("_points"))
            _, d["lon"], d["lat"] = pts[len(pts) // 2]  # middle address, as opsgeo's `voie`
            out.write(json.dumps(d, ensure_ascii=False) + "\n")
        for code, (sx, sy, n, name, cp) in communes.items():
            doc = {
                "_id": "m" + code,
                "type": "municipality",
                "name": name,
                "postcode": cp,
                "citycode": code,
                "city": name,
                "importance": 1.0,
                "lon": sx / n,
                "lat": sy / n,
            }
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return len(streets), len(communes)


def query_text(r):
    parts = [
        r["NUMVOIE"].strip(),
        INDREP.get(r["INDREP"].strip().upper(), r["INDREP"].strip()),
        "" if r["TYPVOIE"].strip() == "99" else r["TYPVOIE"].strip(),
        r["NOMVOIE"].strip(),
        r["CODEPOSTAL"].strip(),
        r["LIBCOM"].strip(),
    ]
    return " ".join(p for p in parts if p)


_search = None
_transform = None


def _init():
    global _search, _transform
    from addok.config import config

    config.load()
    from addok.core import search
    from pyproj import Transformer

    _search = search
    _transform = Transformer.from_crs(4326, 2154, always_xy=True)


def _geocode(item):
    text, citycode = item
    try:
        res = _search(text, limit=1, citycode=citycode)
    except Exception as e:  # a query addok cannot process is "not found"
        return ("non_trouve", "", "", 0.0, str(e)[:80])
    if not res:
        return ("non_trouve", "", "", 0.0, "")
    f = res[0].format()
    p = f["properties"]
    score = float(p.get("score", 0.0))
    if score < MIN_SCORE:
        return ("non_trouve", "", "", score, "")
    lon, lat = f["geometry"]["coordinates"]
    x, y = _transform.transform(lon, lat)
    level = {"housenumber": "numero", "street": "voie", "locality": "voie"}.get(
        p.get("type"), "commune"
    )
    return (level, "%.2f" % x, "%.2f" % y, score, "")


def addok_geocode(queries_csv, out_csv, processes):
    with open(queries_csv, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    items = [(query_text(r), r["DEPCOM"].strip()) for r in rows]
    distinct = sorted(set(items))
    start = time.perf_counter()
    if processes == 1:
        _init()
        answers = list(map(_geocode, distinct))
    else:
        with Pool(processes, initializer=_init) as pool:
            answers = pool.map(_geocode, distinct, chunksize=64)
    seconds = time.perf_counter() - start
    by_item = dict(zip(distinct, answers))
    with open(out_csv, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["id", "x", "y", "niveau", "score"])
        for r, it in zip(rows, items):
            level, x, y, score, _ = by_item[it]
            w.writerow([r["id"], x, y, level, "%.2f" % score])
    return len(distinct), seconds


def opsgeo_geocode(binary, ban, queries_csv, out_csv, threads):
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    start = time.perf_counter()
    p = subprocess.run(
        [binary, "geocode", "--ban", ban, "--input", queries_csv, "--output", out_csv, "--id", "id"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - start
    distinct = int(re.search(r"\((\d+) adresses distinctes", p.stdout).group(1))
    load = float(re.search(r"chargées en ([0-9.]+) s", p.stdout).group(1))
    geo = float(re.search(r"géocodage ([0-9.]+) s", p.stdout).group(1))
    return distinct, geo, load, wall


def score(score_py, queries_csv, out_csv):
    p = subprocess.run(
        ["/usr/bin/python3", score_py, queries_csv, out_csv, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    s = json.loads(p.stdout)
    return (
        s["numero_present"]["within_15m"],
        s["numero_absent"]["within_100m"],
        s["voie_inconnue"]["false_positive_rate"],
    )


def rate(v):
    return "{:,.0f}".format(v).replace(",", " ") if v is not None else "(trop court)"


def pct(v):
    return "n/a" if v is None else "%.1f %%" % (100 * v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--opsgeo", required=True)
    ap.add_argument("--score", required=True)
    ap.add_argument("--addok", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("sets", nargs="+", help="NAME=BAN.csv:QUERIES.csv")
    a = ap.parse_args()
    table = []
    for spec in a.sets:
        name, paths = spec.split("=", 1)
        ban, queries = paths.split(":", 1)
        work = os.path.join(a.work, name)
        os.makedirs(work, exist_ok=True)
        print("== %s : %s, %s" % (name, ban, queries), flush=True)

        # opsgeo
        rates = []
        for threads in (1, 2):
            out = os.path.join(work, "opsgeo-%d.csv" % threads)
            distinct, geo, load, wall = opsgeo_geocode(a.opsgeo, ban, queries, out, threads)
            # below 50 ms the timer says little
            rates.append(distinct / geo if geo >= 0.05 else None)
            print("opsgeo %d fil(s) : %d adresses distinctes en %.3f s (index %.2f s, total %.2f s)"
                  % (threads, distinct, geo, load, wall), flush=True)
        table.append((name, "opsgeo", score(a.score, queries, out), load, rates))

        # addok
        docs = os.path.join(work, "addok.ndjson")
        n_streets, n_communes = ban_documents(ban, docs)
        env = dict(os.environ)
        subprocess.run([a.addok, "reset", "--force"], env=env, check=True, capture_output=True)
        start = time.perf_counter()
        subprocess.run([a.addok, "batch", docs], env=env, check=True, capture_output=True)
        subprocess.run([a.addok, "ngrams"], env=env, check=True, capture_output=True)
        index_s = time.perf_counter() - start
        print("addok : %d voies, %d communes importées en %.1f s" % (n_streets, n_communes, index_s), flush=True)
        rates = []
        for processes in (1, 2):
            out = os.path.join(work, "addok-%d.csv" % processes)
            distinct, seconds = addok_geocode(queries, out, processes)
            rates.append(distinct / seconds if seconds >= 0.05 else None)
            print("addok %d processus : %d requêtes distinctes en %.1f s" % (processes, distinct, seconds), flush=True)
        table.append((name, "addok", score(a.score, queries, out), index_s, rates))

    print()
    print("| jeu | outil | numero_present ≤ 15 m | numero_absent ≤ 100 m | voie_inconnue faux positifs | index (s) | adresses/s, 1 cœur | adresses/s, 2 cœurs |")
    print("|---|---|---|---|---|---|---|---|")
    for name, tool, (p15, a100, fp), index_s, rates in table:
        print("| %s | %s | %s | %s | %s | %.1f | %s | %s |" % (
            name, tool, pct(p15), pct(a100), pct(fp), index_s,
            rate(rates[0]), rate(rates[1])))


if __name__ == "__main__":
    sys.exit(main())

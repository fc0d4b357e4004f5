#!/usr/bin/env python3
"""Attack of a published opsgeo GeoPackage through the two counts of a « récents » row.

Every household of the « récents » population moved in recently and each of its dwellings
holds one of them, one only: in every « récents » row, `nb_logements` equals `nb_menages` — a
reader sees it in any row that publishes both. A row that publishes one of the two and hides
the other gives the hidden one away, whatever its reason code.

Sound (the equality holds by construction of the indicators), not complete. Prints counts and
keys only, never a value. Exit code 1 on a disclosure.

usage: recents_counts.py OUT.gpkg [recents]
"""
import collections, sqlite3, sys

gpkg = sys.argv[1]
db = sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)
rows = collections.defaultdict(dict)
for e, c, z, i, s in db.execute(
        "select echelle, code, zone, indicateur, statut from indicateurs "
        "where population = 'recents' and indicateur in ('nb_logements', 'nb_menages')"):
    rows[(e, c, z)][i] = s
equal = disclosed = 0
for key in sorted(rows):
    st = rows[key]
    shown = [i for i in ('nb_logements', 'nb_menages') if st.get(i) == 'publie']
    if len(shown) == 2:
        equal += 1
    elif len(shown) == 1 and len(st) == 2:
        disclosed += 1
        if disclosed <= 10:
            print(f"  {key[0]} {key[1]} ({key[2]}) : {shown[0]} publié, l'autre masqué")
print(f"rows with both counts published: {equal}")
print(f"disclosed: {disclosed}")
sys.exit(1 if disclosed else 0)

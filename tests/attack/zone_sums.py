#!/usr/bin/env python3
"""Attack of a published opsgeo GeoPackage through the sums of the distributions, zones.

The companion of `distribution_sums.py` above the programmes: for each distribution of shares
and each population, one linear program over the numerators of every zone row — région,
département, EPCI and commune (whole, QPV part, hors-QPV part) and IRIS — with the sums of the
distribution (numerators = base, row by row), « zone = QPV part + hors-QPV part (+ dwellings of
unknown part, none when the manifest says 0) », « EPCI, département, région = Σ communes », « commune
= Σ IRIS + dwellings without IRIS (their total from the manifest) », the published shares as
rounding intervals, the published counts and bases and what the reason codes say of a base. A
hidden share whose interval leaves one integer numerator, its base pinned too, is disclosed,
unless it is a zero implied by a published zero of a containing row (the README's zero rule).

Sound (every constraint is true knowledge), not complete (programmes, QPV and QVA rows left
out). Prints counts only, never a value. Exit code 1 on a disclosure, 2 when the linear
programs contradict the file (the model of this attack is then wrong).

usage: zone_sums.py OUT.gpkg [ensemble|recents]
"""
import collections, json, math, os, sqlite3, sys
import numpy as np
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

from distributions import GROUPS, bound_row
gpkg = sys.argv[1]; pop = sys.argv[2] if len(sys.argv) > 2 else 'ensemble'
db = sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)
manifest = json.load(open(os.path.join(os.path.dirname(gpkg), 'manifest.json')))
agg = manifest.get('agregation', {})
split_unknown = agg.get('partie_qpv_inconnue')   # None: left out by the secrecy
iris_unknown = agg.get('iris_inconnu')

vals = collections.defaultdict(dict)
for e, c, z, i, v, n, s in db.execute(
        "select echelle, code, zone, indicateur, valeur, effectif, statut from indicateurs "
        "where population = ? and echelle in ('region','departement','epci','commune','iris')", (pop,)):
    vals[(e, c, z)][i] = (v, n, s)
every = [p for parts, _ in GROUPS.values() for p in parts] + ['nb_logements']
communes = {}
for c, epci, dep, reg in db.execute("select code_commune, code_epci, code_departement, code_region from communes_ensemble"):
    communes[c] = {'epci': epci, 'departement': dep, 'region': reg}
iris_of = collections.defaultdict(list)
for i, c in db.execute("select code_iris, code_commune from iris_ensemble"):
    iris_of[c].append(i)
# rows absent from the file rest on fewer than 11 dwellings (absent « récents » rows, rows
# left out of the long table)
def row(key):
    if key not in vals:
        vals[key] = {i: (None, None, 'secret_effectif') for i in every}
    return key
# a commune has a QPV part when it has a row in the « ensemble » QPV-part layer (its « récents »
# row may be absent: fewer than 11 dwellings)
with_qpv = {c for (c,) in db.execute("select code_commune from communes_ensemble_qpv")}
rows = []
for c in sorted(communes):
    for z in ('tout', 'qpv', 'hors_qpv'):
        if z != 'qpv' or c in with_qpv or ('commune', c, z) in vals:
            rows.append(row(('commune', c, z)))
    for i in sorted(iris_of[c]):
        rows.append(row(('iris', i, 'tout')))
for scale in ('epci', 'departement', 'region'):
    for code in sorted({m[scale] for m in communes.values()}):
        for z in ('tout', 'qpv', 'hors_qpv'):
            rows.append(row((scale, code, z)))
idx = {r: k for k, r in enumerate(rows)}
# rest rows: dwellings of unknown QPV part per zone row « tout », dwellings without IRIS per commune
rest_split = {r: len(rows) + k for k, r in enumerate([r for r in rows if r[2] == 'tout' and r[0] != 'iris'])}
rest_iris = {c: len(rows) + len(rest_split) + k for k, c in enumerate(sorted(communes))}
R = len(rows) + len(rest_split) + len(rest_iris)

contradictions = 0; lps = 0
found = collections.Counter(); tested = collections.Counter()
for g, (parts, basecount) in GROUPS.items():
    P = len(parts); nv = R * P + R
    lb = np.zeros(nv); ub = np.full(nv, 1e7)
    hidden = []
    for ri, r in enumerate(rows):
        bound_row(vals[r], parts, basecount, ri, R, lb, ub, hidden)
    if split_unknown == 0:
        for j in rest_split.values():
            ub[j*P:(j+1)*P] = 0; ub[R*P+j] = 0
    if not hidden:
        continue
    eqs = []; rhs = []
    def col(r, k):
        return r*P+k if k < P else R*P+r
    for r in range(R):                      # Σ parts = base
        eqs.append({r*P+k: 1.0 for k in range(P)} | {R*P+r: -1.0}); rhs.append(0.0)
    def relation(parent, kids):             # parent = Σ kids, every part and the base
        for k in range(P + 1):
            d = {col(parent, k): 1.0}
            for kid in kids:
                d[col(kid, k)] = d.get(col(kid, k), 0.0) - 1.0
            eqs.append(d); rhs.append(0.0)
    for r in rows:
        if r[2] == 'tout' and r[0] != 'iris':
            kids = [idx[(r[0], r[1], z)] for z in ('qpv', 'hors_qpv') if (r[0], r[1], z) in idx]
            relation(idx[r], kids + [rest_split[r]])
    for scale in ('epci', 'departement', 'region'):
        for code in sorted({m[scale] for m in communes.values()}):
            for z in ('tout', 'qpv', 'hors_qpv'):
                kids = [idx[('commune', c, z)] for c in sorted(communes) if communes[c][scale] == code and ('commune', c, z) in idx]
                relation(idx[(scale, code, z)], kids)
    for c in sorted(communes):
        relation(idx[('commune', c, 'tout')], [idx[('iris', i, 'tout')] for i in sorted(iris_of[c])] + [rest_iris[c]])
    if basecount and iris_unknown is not None and pop == "ensemble":  # a total of all dwellings
        eqs.append({R*P+j: 1.0 for j in rest_iris.values()}); rhs.append(float(iris_unknown))
    A = lil_matrix((len(eqs), nv))
    for i, d in enumerate(eqs):
        for j, a in d.items():
            A[i, j] = a
    A = A.tocsr(); b = np.array(rhs)
    bounds = list(zip(lb, ub))
    if any(l > u for l, u in bounds):
        contradictions += 1; continue
    for ri, pi, s in hidden:
        tested[(rows[ri][0], s)] += 1
        j = ri*P+pi; c = np.zeros(nv)
        c[j] = 1; r1 = linprog(c, A_eq=A, b_eq=b, bounds=bounds, method='highs'); lps += 1
        if r1.status != 0:
            contradictions += 1; break
        c[j] = -1; r2 = linprog(c, A_eq=A, b_eq=b, bounds=bounds, method='highs'); lps += 1
        lo = math.ceil(r1.fun - 1e-6); hi = math.floor(-r2.fun + 1e-6)
        if hi - lo >= 1:
            continue
        c2 = np.zeros(nv); c2[R*P+ri] = 1
        m1 = linprog(c2, A_eq=A, b_eq=b, bounds=bounds, method='highs'); c2[R*P+ri] = -1
        m2 = linprog(c2, A_eq=A, b_eq=b, bounds=bounds, method='highs'); lps += 2
        nlo = math.ceil(m1.fun - 1e-6); nhi = math.floor(-m2.fun + 1e-6)
        if nlo != nhi or nlo == 0:
            continue
        kind = 'nonzero'
        if lo == 0:
            kind = 'zero'
            e, code, z = rows[ri]
            anc = []
            if e == 'commune':
                anc = [(e, code, 'tout')] + [(s2, communes[code][s2], z) for s2 in ('epci', 'departement', 'region')]
            elif e == 'iris':
                cc = next(c for c, l in iris_of.items() if code in l)
                anc = [('commune', cc, 'tout')] + [(s2, communes[cc][s2], 'tout') for s2 in ('epci', 'departement', 'region')]
            elif z != 'tout':
                anc = [(e, code, 'tout')]
            for a in anc:
                av = vals.get(a, {}).get(parts[pi])
                if a != rows[ri] and av and av[2] == 'publie' and av[0] == 0.0:
                    kind = 'zero implied by a published zero'
        found[(rows[ri][0], rows[ri][2], s, g, kind)] += 1
leaks = sum(v for k, v in found.items() if k[4] != 'zero implied by a published zero')
print(f"{pop}: {sum(tested.values())} hidden shares of {len(rows)} zone rows tested, {lps} LPs")
for k, v in sorted(tested.items()):
    print("  tested", k, v)
print("determined (numerator and base pinned):", sum(found.values()))
for k, v in sorted(found.items()):
    print("  ", k, v)
print("disclosed:", leaks, "contradictions:", contradictions)
sys.exit(2 if contradictions else 1 if leaks else 0)

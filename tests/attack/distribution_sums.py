#!/usr/bin/env python3
"""Attack of a published opsgeo GeoPackage through the sums of the distributions.

Independent of opsgeo's own reader model (which does not contain the sums): for each programme
(with its bâtiments and cages), each distribution of shares (financing, DPE classes…) and each
population, a linear program over the numerators of every row, with what a reader of the file
knows: the shares of a distribution sum to 100 % (numerators = base), programme = Σ bâtiments =
Σ cages, the published shares as rounding intervals, the published counts and bases, and what
the reason codes say of a base (< 11 or ≥ 11 dwellings). A hidden share whose interval leaves
one integer numerator, its base pinned too, is disclosed — unless it is a zero implied by a
published zero of a containing row (the README's zero rule). An entity without rows in the
long table (all its values `secret_effectif`) is left out: its base is below 11 and its
numerators free, it pins nothing.

Sound (every constraint is true knowledge), not complete (communes and zones are left out).
Prints counts only, never a value. Exit code 1 when a disclosure is found, 2 when the linear
programs contradict the file (the model of this attack is then wrong).

usage: distribution_sums.py OUT.gpkg [ensemble|recents] [max_programmes]
"""
import sqlite3, sys, math, collections, time
import numpy as np
from scipy.optimize import linprog
from scipy.sparse import lil_matrix
from distributions import GROUPS, bound_row
gpkg = sys.argv[1]; pop = sys.argv[2] if len(sys.argv) > 2 else 'ensemble'
limit = int(sys.argv[3]) if len(sys.argv) > 3 else 10**9
db = sqlite3.connect(gpkg)
vals = collections.defaultdict(dict)
for e,c,i,v,n,s in db.execute("select echelle,code,indicateur,valeur,effectif,statut from indicateurs where population=? and zone='tout' and echelle in ('programme','batiment','cage')", (pop,)):
    vals[(e,c)][i] = (v,n,s)
suffix = pop
# entities of the layers without rows in the long table: every value `secret_effectif`
every = [p for parts, _ in GROUPS.values() for p in parts] + ['nb_logements']
for scale, layer, col in (('programme', 'programmes', 'code_programme'), ('batiment', 'batiments', 'code_batiment'), ('cage', 'cages', 'code_cage')):
    # every entity of the « ensemble » layer: a « récents » row absent from its layer rests on
    # fewer than 11 dwellings, as a row left out of the long table
    for (code,) in db.execute(f"select {col} from {layer}_ensemble"):
        if (scale, code) not in vals:
            vals[(scale, code)] = {i: (None, None, 'secret_effectif') for i in every}
tree = collections.defaultdict(lambda: {'bat': collections.defaultdict(list)})
for cage, bat, prog in db.execute("select code_cage, code_batiment, code_programme from cages_ensemble"):
    tree[prog]['bat'][bat].append(cage)
BIG = 10**6
contradictions = 0
found = collections.Counter(); tested = collections.Counter(); lps = 0; t0 = time.time()
for ti, (prog, t) in enumerate(sorted(tree.items())):
    if ti >= limit: break
    rows = [('programme', prog)] + [('batiment', b) for b in sorted(t['bat'])] + [('cage', c) for b in sorted(t['bat']) for c in t['bat'][b]]
    rows = [r for r in rows if r in vals]
    if not rows or rows[0][0] != 'programme': continue
    for g, (parts, basecount) in GROUPS.items():
        P = len(parts); R = len(rows)
        # variables: x[r,p] (R*P) then n[r] (R)
        nv = R*P + R
        lb = np.zeros(nv); ub = np.full(nv, float(BIG))
        hidden = []
        for ri, r in enumerate(rows):
            bound_row(vals[r], parts, basecount, ri, R, lb, ub, hidden)
        if not hidden: continue
        # equalities
        eqs = []
        for ri in range(R):
            eqs.append(({ri*P+pi: 1 for pi in range(P)} | {R*P+ri: -1}))
        idx = {r: i for i, r in enumerate(rows)}
        groups_sum = []
        blist = [('batiment', b) for b in sorted(t['bat']) if ('batiment', b) in idx]
        clist = [('cage', c) for b in sorted(t['bat']) for c in t['bat'][b] if ('cage', c) in idx]
        if blist and len(blist) == len(t['bat']): groups_sum.append((0, [idx[b] for b in blist]))
        if clist and len(clist) == sum(len(v) for v in t['bat'].values()): groups_sum.append((0, [idx[c] for c in clist]))
        for b in sorted(t['bat']):
            if ('batiment', b) in idx:
                cs = [('cage', c) for c in t['bat'][b]]
                if all(c in idx for c in cs): groups_sum.append((idx[('batiment', b)], [idx[c] for c in cs]))
        for parent, kids in groups_sum:
            for k in range(P+1):
                col = (lambda r: r*P+k) if k < P else (lambda r: R*P+r)
                d = {col(parent): 1.0}
                for kid in kids: d[col(kid)] = d.get(col(kid), 0) - 1.0
                eqs.append(d)
        A = lil_matrix((len(eqs), nv))
        for i, d in enumerate(eqs):
            for j, a in d.items(): A[i, j] = a
        A = A.tocsr(); b = np.zeros(len(eqs))
        bounds = list(zip(lb, ub))
        if any(l > u for l, u in bounds):
            contradictions += 1; continue
        for ri, pi, s in hidden:
            tested[(rows[ri][0], s)] += 1
            j = ri*P+pi; c = np.zeros(nv)
            c[j] = 1; r1 = linprog(c, A_eq=A, b_eq=b, bounds=bounds, method='highs'); lps += 1
            if r1.status != 0: contradictions += 1; break
            c[j] = -1; r2 = linprog(c, A_eq=A, b_eq=b, bounds=bounds, method='highs'); lps += 1
            lo = math.ceil(r1.fun - 1e-6); hi = math.floor(-r2.fun + 1e-6)
            if hi - lo < 1:
                # one numerator: is the base pinned too?
                c2 = np.zeros(nv); c2[R*P+ri] = 1
                m1 = linprog(c2, A_eq=A, b_eq=b, bounds=bounds, method='highs'); c2[R*P+ri] = -1
                m2 = linprog(c2, A_eq=A, b_eq=b, bounds=bounds, method='highs'); lps += 2
                nlo = math.ceil(m1.fun - 1e-6); nhi = math.floor(-m2.fun + 1e-6)
                if nlo == nhi and nlo > 0:
                    zero = lo == 0
                    kind = 'nonzero'
                    if zero:
                        kind = 'zero'
                        anc = [0] + ([idx[('batiment', bb)] for bb in t['bat'] if rows[ri][1] in t['bat'][bb] and ('batiment', bb) in idx] if rows[ri][0] == 'cage' else [])
                        for a in anc:
                            av = vals[rows[a]].get(parts[pi])
                            if a != ri and av and av[2] == 'publie' and av[0] == 0.0:
                                kind = 'zero implied by a published zero'
                    found[(rows[ri][0], s, g, kind)] += 1
print(f"{pop}: {sum(tested.values())} hidden shares tested in {min(limit,len(tree))} programme trees, {lps} LPs, {time.time()-t0:.0f} s")
for k, v in sorted(tested.items()): print("  tested", k, v)
print("determined (numerator and base pinned):", sum(found.values()))
for k, v in sorted(found.items()): print("  ", k, v)
leaks = sum(v for k, v in found.items() if k[3] != 'zero implied by a published zero')
print("disclosed:", leaks, "contradictions:", contradictions)
sys.exit(2 if contradictions else 1 if leaks else 0)

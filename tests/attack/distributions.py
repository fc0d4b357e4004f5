"""The distributions of shares of opsgeo's catalogue, shared by the attacks of this folder:
group → (its shares, the count field that is their base when it is `nb_logements`, else None:
the base is then known only from the `effectif` of a published share)."""

GROUPS = {
 'financement': (['part_plai','part_plus','part_pls','part_pli','part_fin_autre'], 'nb_logements'),
 'mel': (['part_mel_avant_1949','part_mel_1949_1974','part_mel_1975_1981','part_mel_1982_1989','part_mel_1990_2000','part_mel_apres_2000'], None),  # base: dwellings whose year is known
 'dpe': (['part_dpe_a','part_dpe_b','part_dpe_c','part_dpe_d','part_dpe_e','part_dpe_f','part_dpe_g','part_dpe_non_realise'], 'nb_logements'),
 'typo': (['part_t1','part_t2','part_t3','part_t4','part_t5_plus'], 'nb_logements'),
 'compo': (['part_personne_seule','part_monoparentale','part_couple_sans_enfant','part_couple_avec_enfants','part_autre_menage'], None),
 'tit': (['part_titulaire_moins_25','part_titulaire_25_39','part_titulaire_40_59','part_titulaire_60_74','part_titulaire_75_plus'], None),
 'occ': (['part_occupants_moins_18','part_occupants_18_24','part_occupants_25_39','part_occupants_40_59','part_occupants_60_74','part_occupants_75_plus'], None),
 'rev': (['part_rev_moins_20','part_rev_20_40','part_rev_40_60','part_rev_60_100','part_rev_100_plus'], None),
 'emploi': (['part_emploi_stable','part_emploi_precaire','part_chomeurs','part_sans_emploi','part_retraites','part_etudiants'], None),
}


def bound_row(rv, parts, basecount, ri, R, lb, ub, hidden):
    """Bounds of the numerators (variables `ri*P + k`) and base (variable `R*P + ri`) of row `ri`
    from what the file says of it (`rv`: indicator → (valeur, effectif, statut)): published
    shares as rounding intervals, the base from a published `effectif` or count, what the reason
    codes say of a base of dwellings (< 11 or ≥ 11). Appends its hidden shares to `hidden`."""
    import math
    P = len(parts)
    nfix = None
    for pi, p in enumerate(parts):
        v, n, s = rv.get(p, (None, None, 'absent'))
        if s == 'publie':
            nfix = n
            lb[ri*P+pi] = max(lb[ri*P+pi], math.ceil(n*(v-0.05)/100 - 1e-9))
            ub[ri*P+pi] = min(ub[ri*P+pi], math.floor(n*(v+0.05)/100 + 1e-9))
        elif s in ('secret_secondaire', 'secret_reponse', 'secret_100', 'secret_effectif'):
            hidden.append((ri, pi, s))
            if basecount and s == 'secret_effectif':
                ub[R*P+ri] = min(ub[R*P+ri], 10)
            elif basecount:
                lb[R*P+ri] = max(lb[R*P+ri], 11)
    if nfix is None and basecount and rv.get(basecount, (0, 0, ''))[2] == 'publie':
        nfix = int(round(rv[basecount][0]))
    if nfix is not None:
        lb[R*P+ri] = max(lb[R*P+ri], nfix); ub[R*P+ri] = min(ub[R*P+ri], nfix)

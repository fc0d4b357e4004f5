//! The `opsgeo.toml` written next to a synthetic set. It doubles as the commented template
//! users copy: every key of [`opsgeo::config::Config`] is written explicitly, with its default
//! where the synthetic set does not need another value.

use super::names;

/// The configuration text for a set generated with `dwellings` and `seed`.
pub fn render(dwellings: usize, seed: u64) -> String {
    let header = format!(
        "# Jeu de données synthétique généré par : opsgeo-synth --dwellings {dwellings} --seed {seed}\n\
         # Paramètres : logements = {dwellings}, graine = {seed}. Territoire FICTIF (codes « 00 »),\n\
         # voir docs/donnees_demo.md. Les mêmes paramètres redonnent exactement les mêmes fichiers.\n\
         #\n\
         # Ce fichier sert aussi de modèle : toutes les clés y figurent, avec leur valeur par\n\
         # défaut quand le jeu n'en demande pas une autre. Les chemins sont relatifs au dossier\n\
         # de ce fichier.\n"
    );
    let region = names::REGION_CODE;
    let dep = names::DEPARTEMENT_CODE;
    format!(
        r#"{header}
# ---------------------------------------------------------------------------------------------
# [run] : paramètres généraux du traitement
# ---------------------------------------------------------------------------------------------
[run]
# Date de référence de l'enquête OPS (AAAA-MM-JJ) ; seuls l'année et le mois comptent.
reference_date = "2022-01-01"
# Emménagés récents : emménagés depuis moins de ce nombre d'années avant la date de référence.
recent_years = 2
# Part maximale de lignes rejetées dans un fichier d'entrée (0.05 = 5 %) ; au-delà, arrêt.
max_reject_rate = 0.05
# Part maximale de logements non localisés (adresse non trouvée ou trouvée à la commune
# seulement), et de logements localisés hors de tout IRIS de leur commune ; au-delà, arrêt.
max_unplaced_rate = 0.5
# Mention de source exigée par la convention, reprise dans toutes les sorties.
source_citation = "Source : USH BFC – application OPS 2022 (EOHS), RPLS 2022"
# Nom du territoire affiché dans les titres.
territory_name = "{epci_name}"

# ---------------------------------------------------------------------------------------------
# [territory] : communes du territoire et leur EPCI (table d'appartenance)
# ---------------------------------------------------------------------------------------------
[territory]
# Table CSV commune → EPCI.
epci_table = "epci.csv"
# Encodage : "auto" (détection), "utf-8" ou "windows-1252".
encoding = "auto"
# Séparateur : "auto" (détection), ";", ",", "tab" ou "|".
delimiter = "auto"

# Noms des colonnes de la table des EPCI.
[territory.epci_columns]
# Code INSEE de la commune.
commune = "INSEE_COM"
# Code SIREN de l'EPCI.
epci = "CODE_EPCI"
# Nom de l'EPCI.
epci_name = "NOM_EPCI"

# Départements absents de la liste intégrée (codes fictifs ou futurs) : nom et région.
[territory.departements."{dep}"]
# Nom du département.
name = "{dep_name}"
# Code de sa région.
region = "{region}"

# Régions absentes de la liste intégrée : nom.
[territory.regions."{region}"]
# Nom de la région.
name = "{region_name}"

# ---------------------------------------------------------------------------------------------
# [rpls] : logements du Répertoire des logements locatifs des bailleurs sociaux
# ---------------------------------------------------------------------------------------------
[rpls]
# Fichier RPLS (une ligne par logement).
path = "rpls_2022.csv"
# Encodage : "auto", "utf-8" ou "windows-1252" (ce fichier est en Windows-1252).
encoding = "auto"
# Séparateur : "auto", ";", ",", "tab" ou "|".
delimiter = "auto"

# Noms des colonnes du fichier RPLS (valeurs par défaut : dessin RPLS).
[rpls.columns]
# Identifiant du logement au répertoire.
ident_rep = "IDENT_REP"
# Identifiant de l'organisme (bailleur).
ident_org = "IDENT_ORG"
# Raison sociale du bailleur.
rs = "RS"
# Code INSEE de la commune.
depcom = "DEPCOM"
# Code postal.
codepostal = "CODEPOSTAL"
# Libellé de la commune.
libcom = "LIBCOM"
# Numéro dans la voie.
numvoie = "NUMVOIE"
# Indice de répétition (B, T, Q… ; 9 = aucun).
indrep = "INDREP"
# Type de voie (abrégé : R, AV, BD… ; 99 = aucun).
typvoie = "TYPVOIE"
# Nom de la voie.
nomvoie = "NOMVOIE"
# Lieu-dit.
lieudit = "LIEUDIT"
# Code du programme (immeuble) chez le bailleur.
immeu = "IMMEU"
# Bâtiment dans le programme.
bat = "BAT"
# Escalier dans le bâtiment.
esc = "ESC"
# Entrée (utilisée pour la cage quand l'escalier est vide).
entree = "ENTREE"
# Nombre de pièces principales.
nbpiece = "NBPIECE"
# Surface habitable (m²).
surfhab = "SURFHAB"
# Année de première mise en location.
locat = "LOCAT"
# Code du financement initial.
finan = "FINAN"
# Date du DPE (MM/AAAA ; 01/1900 = pas de DPE).
dpedate = "DPEDATE"
# Classe DPE énergie (A à G).
dpeenergie = "DPEENERGIE"
# Mode d'occupation au 1er janvier (1 loué, 2 vacant…).
mode = "MODE"
# Date d'effet du bail (MM/AAAA).
bail = "BAIL"
# Loyer principal mensuel en euros (9999 = sans objet).
loyerprinc = "LOYERPRINC"
# Logement en QPV (1 oui, 2 non).
qpv = "QPV"
# Abscisse du logement.
x = "X"
# Ordonnée du logement.
y = "Y"
# Code EPSG des coordonnées X/Y.
epsg = "EPSG"
# Code du quartier de veille active.
plg_qva = "PLG_QVA"
# Code QPV 2015 attribué par le SDES (facultatif : seulement pour contrôler la jointure).
plg_qp15 = "PLG_QP15"
# Code QPV 2024 attribué par le SDES (facultatif : seulement pour contrôler la jointure).
plg_qp24 = "PLG_QP24"

# ---------------------------------------------------------------------------------------------
# [ops_households] : ménages de l'enquête OPS (format d'échange opsgeo)
# ---------------------------------------------------------------------------------------------
[ops_households]
# Fichier des ménages (une ligne par logement occupé enquêté).
path = "ops_menages_2022.csv"
# Encodage : "auto", "utf-8" ou "windows-1252".
encoding = "auto"
# Séparateur : "auto", ";", ",", "tab" ou "|".
delimiter = "auto"

# Noms des colonnes du fichier des ménages.
[ops_households.columns]
# Identifiant RPLS du logement.
ident_rep = "IDENT_REP"
# Réponse à l'enquête (1 a répondu, 2 n'a pas répondu).
response = "REPONSE"
# Date d'emménagement (MM/AAAA).
move_in = "DATE_EMMENAGEMENT"
# Composition familiale (1 à 5).
composition = "COMPOSITION"
# Âge du titulaire du bail.
holder_age = "AGE_TITULAIRE"
# Revenus en % du plafond PLUS.
income_pct = "REVENUS_PCT_PLUS"
# Bénéficiaire de l'APL (1 oui, 2 non, 9 non renseigné).
apl = "APL"
# Code du programme chez le bailleur.
programme = "CODE_PROGRAMME"

# ---------------------------------------------------------------------------------------------
# [ops_occupants] : occupants des ménages répondants
# ---------------------------------------------------------------------------------------------
[ops_occupants]
# Fichier des occupants (une ligne par personne).
path = "ops_occupants_2022.csv"
# Encodage : "auto", "utf-8" ou "windows-1252".
encoding = "auto"
# Séparateur : "auto", ";", ",", "tab" ou "|".
delimiter = "auto"

# Noms des colonnes du fichier des occupants.
[ops_occupants.columns]
# Identifiant RPLS du logement.
ident_rep = "IDENT_REP"
# Rang de l'occupant dans le ménage.
rank = "NUM_OCCUPANT"
# Âge en années.
age = "AGE"
# Lien avec le titulaire (1 titulaire, 2 conjoint, 3 enfant, 4 autre parent, 5 sans lien).
link = "LIEN_TITULAIRE"
# Situation d'emploi des adultes (1 à 6 ; 9 ou vide = non renseigné).
employment = "SITUATION_EMPLOI"

# ---------------------------------------------------------------------------------------------
# [ban] : Base Adresse Nationale (fichiers adresses-DEP.csv ou .csv.gz)
# ---------------------------------------------------------------------------------------------
[ban]
# Fichiers BAN à charger (un par département).
paths = ["ban/adresses-00.csv.gz"]
# Date de l'extrait BAN, reprise dans les sorties.
date = "2022-01-01"
# Corrections manuelles, qui l'emportent toujours (aussi : opsgeo run --corrections FICHIER) :
# un CSV « cle_adresse ou IDENT_REP ; x ; y ; commentaire » (Lambert-93), ou une GeoPackage
# dont la couche geocodage_a_verifier a des points déplacés dans QGIS (par exemple
# l'opsgeo.gpkg du traitement précédent).
# corrections = "corrections.csv"
# Score minimal d'un nom de voie (0.5 à 1 ; 1 = nom exact) : en dessous, l'adresse est localisée
# à la commune (jamais dans un IRIS ou un QPV) plutôt qu'à la voie la plus ressemblante.
min_street_score = 0.8

# ---------------------------------------------------------------------------------------------
# [zones.*] : couches de polygones lues par GDAL (shapefile, GeoPackage, GeoJSON…)
# ---------------------------------------------------------------------------------------------
# Communes (contours IGN ADMIN EXPRESS ou équivalent).
[zones.communes]
# Fichier de la couche.
path = "zones/communes.geojson"
# Nom de la couche dans une source multicouche (vide = première couche).
layer = ""
# Attribut portant le code INSEE.
code = "INSEE_COM"
# Attribut portant le nom.
name = "NOM_COM"
# Attribut portant le code de la commune englobante (sans objet ici).
commune = ""
# Millésime du découpage, repris dans les sorties.
vintage = "2022"
# Code EPSG à supposer si la source ne déclare pas de système de coordonnées.
assume_epsg = 2154

# IRIS (IGN CONTOURS-IRIS).
[zones.iris]
# Fichier de la couche.
path = "zones/iris/iris.shp"
# Nom de la couche (vide = première couche).
layer = ""
# Attribut portant le code IRIS.
code = "CODE_IRIS"
# Attribut portant le nom de l'IRIS.
name = "NOM_IRIS"
# Attribut portant le code INSEE de la commune de l'IRIS.
commune = "INSEE_COM"
# Millésime des IRIS.
vintage = "2022"
# Code EPSG à supposer si la source ne déclare pas de système de coordonnées.
assume_epsg = 2154

# Quartiers prioritaires de la politique de la ville (ANCT).
[zones.qpv]
# Fichier de la couche (GeoJSON en WGS84).
path = "zones/qpv_2015.geojson"
# Nom de la couche (vide = première couche).
layer = ""
# Attribut portant le code du QPV.
code = "code_qp"
# Attribut portant le nom du QPV.
name = "nom_qp"
# Attribut portant le code INSEE de la commune (absent de cette couche : vide).
commune = ""
# Génération des QPV (OPS 2022 : 2015).
vintage = "2015"
# Code EPSG à supposer si la source ne déclare pas de système de coordonnées.
assume_epsg = 4326

# Quartiers de veille active (facultatif ; sinon le code PLG_QVA du RPLS est utilisé).
[zones.qva]
# Fichier de la couche.
path = "zones/qva.geojson"
# Nom de la couche (vide = première couche).
layer = ""
# Attribut portant le code du QVA.
code = "code_qva"
# Attribut portant le nom du QVA.
name = "nom_qva"
# Attribut portant le code INSEE de la commune (absent : vide).
commune = ""
# Millésime des QVA.
vintage = "2015"
# Code EPSG à supposer si la source ne déclare pas de système de coordonnées.
assume_epsg = 2154

# ---------------------------------------------------------------------------------------------
# [secrecy] : règles primaires du secret statistique (convention, §4)
# ---------------------------------------------------------------------------------------------
[secrecy]
# Une valeur reposant sur moins de ce nombre d'unités n'est pas publiée.
min_units = 11
# Une valeur d'enquête n'est pas publiée si le taux de réponse est inférieur (0.60 = 60 %).
min_response_rate = 0.60
# Une part égale à 100 % n'est pas publiée.
suppress_100 = true
# Une part égale à 0 % n'est pas publiée non plus (désactivé par défaut).
suppress_0 = false

# ---------------------------------------------------------------------------------------------
# [output] : sorties
# ---------------------------------------------------------------------------------------------
[output]
# Dossier de sortie, relatif au dossier courant (l'option --out de la ligne de commande l'emporte).
dir = "out"
# Écrire aussi les couches au format FlatGeobuf.
flatgeobuf = true
"#,
        epci_name = names::EPCI_NAME,
        dep_name = names::DEPARTEMENT_NAME,
        region_name = names::REGION_NAME,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use opsgeo::config::Config;

    #[test]
    fn template_parses_with_every_key() {
        let cfg = Config::from_toml_str(&render(1000, 7), std::path::Path::new("/x")).unwrap();
        assert_eq!(cfg.territory.departements["00"].region, "00");
        assert_eq!(cfg.zones.qpv.vintage, "2015");
        assert_eq!(cfg.zones.qva.as_ref().unwrap().code, "code_qva");
        assert!(render(1000, 7).starts_with(
            "# Jeu de données synthétique généré par : opsgeo-synth --dwellings 1000 --seed 7"
        ));
    }

    #[test]
    fn every_key_and_section_has_a_comment() {
        let text = render(1000, 7);
        let mut previous = "";
        for line in text.lines().map(str::trim) {
            if line.is_empty() {
                continue;
            }
            if !line.starts_with('#') {
                assert!(previous.starts_with('#'), "sans commentaire : {line}");
            }
            previous = line;
        }
    }

    #[test]
    fn template_names_every_key_of_the_config() {
        // Serialising the parsed config must give back only keys present in the template.
        let text = render(1000, 7);
        let cfg = Config::from_toml_str(&text, std::path::Path::new("/x")).unwrap();
        let value = toml::Value::try_from(&cfg).unwrap();
        fn keys(v: &toml::Value, prefix: &str, out: &mut Vec<String>) {
            if let toml::Value::Table(t) = v {
                for (k, v) in t {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    out.push(p.clone());
                    keys(v, &p, out);
                }
            }
        }
        let mut all = Vec::new();
        keys(&value, "", &mut all);
        let parsed: toml::Value = toml::from_str(&text).unwrap();
        for k in all {
            let mut v = &parsed;
            for part in k.split('.') {
                v = v
                    .get(part)
                    .unwrap_or_else(|| panic!("clé absente du modèle : {k}"));
            }
        }
    }
}

//! Column names of the CSV inputs; every default is the real-world name.

use serde::{Deserialize, Serialize};

/// Columns of the EPCI membership table.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EpciColumns {
    pub commune: String,
    pub epci: String,
    pub epci_name: String,
}

impl Default for EpciColumns {
    fn default() -> Self {
        EpciColumns {
            commune: "INSEE_COM".into(),
            epci: "CODE_EPCI".into(),
            epci_name: "NOM_EPCI".into(),
        }
    }
}

/// RPLS column names (defaults: the RPLS layout).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RplsColumns {
    pub ident_rep: String,
    pub ident_org: String,
    pub rs: String,
    pub depcom: String,
    pub codepostal: String,
    pub libcom: String,
    pub numvoie: String,
    pub indrep: String,
    pub typvoie: String,
    pub nomvoie: String,
    pub lieudit: String,
    pub immeu: String,
    pub bat: String,
    pub esc: String,
    pub entree: String,
    pub nbpiece: String,
    pub surfhab: String,
    pub locat: String,
    pub finan: String,
    pub dpedate: String,
    pub dpeenergie: String,
    pub mode: String,
    pub bail: String,
    pub loyerprinc: String,
    pub qpv: String,
    pub x: String,
    pub y: String,
    pub epsg: String,
    pub plg_qva: String,
    /// SDES QPV code, 2015 generation (optional; cross-check of the spatial join only).
    pub plg_qp15: String,
    /// SDES QPV code, 2024 generation (optional; cross-check of the spatial join only).
    pub plg_qp24: String,
}

impl Default for RplsColumns {
    fn default() -> Self {
        let s = |v: &str| v.to_string();
        RplsColumns {
            ident_rep: s("IDENT_REP"),
            ident_org: s("IDENT_ORG"),
            rs: s("RS"),
            depcom: s("DEPCOM"),
            codepostal: s("CODEPOSTAL"),
            libcom: s("LIBCOM"),
            numvoie: s("NUMVOIE"),
            indrep: s("INDREP"),
            typvoie: s("TYPVOIE"),
            nomvoie: s("NOMVOIE"),
            lieudit: s("LIEUDIT"),
            immeu: s("IMMEU"),
            bat: s("BAT"),
            esc: s("ESC"),
            entree: s("ENTREE"),
            nbpiece: s("NBPIECE"),
            surfhab: s("SURFHAB"),
            locat: s("LOCAT"),
            finan: s("FINAN"),
            dpedate: s("DPEDATE"),
            dpeenergie: s("DPEENERGIE"),
            mode: s("MODE"),
            bail: s("BAIL"),
            loyerprinc: s("LOYERPRINC"),
            qpv: s("QPV"),
            x: s("X"),
            y: s("Y"),
            epsg: s("EPSG"),
            plg_qva: s("PLG_QVA"),
            plg_qp15: s("PLG_QP15"),
            plg_qp24: s("PLG_QP24"),
        }
    }
}

/// OPS households column names (opsgeo interchange format, `docs/format_ops.md`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HouseholdColumns {
    pub ident_rep: String,
    pub response: String,
    pub move_in: String,
    pub composition: String,
    pub holder_age: String,
    pub income_pct: String,
    pub apl: String,
    pub programme: String,
}

impl Default for HouseholdColumns {
    fn default() -> Self {
        let s = |v: &str| v.to_string();
        HouseholdColumns {
            ident_rep: s("IDENT_REP"),
            response: s("REPONSE"),
            move_in: s("DATE_EMMENAGEMENT"),
            composition: s("COMPOSITION"),
            holder_age: s("AGE_TITULAIRE"),
            income_pct: s("REVENUS_PCT_PLUS"),
            apl: s("APL"),
            programme: s("CODE_PROGRAMME"),
        }
    }
}

/// OPS occupants column names.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OccupantColumns {
    pub ident_rep: String,
    pub rank: String,
    pub age: String,
    pub link: String,
    pub employment: String,
}

impl Default for OccupantColumns {
    fn default() -> Self {
        let s = |v: &str| v.to_string();
        OccupantColumns {
            ident_rep: s("IDENT_REP"),
            rank: s("NUM_OCCUPANT"),
            age: s("AGE"),
            link: s("LIEN_TITULAIRE"),
            employment: s("SITUATION_EMPLOI"),
        }
    }
}

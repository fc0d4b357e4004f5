//! Where the RPLS columns are in the file, found by their configured names.

use crate::config::RplsColumns;
use crate::ingest::source::CsvSource;
use crate::ingest::IngestError;

/// Column indices in the file.
pub(super) struct Cols {
    pub(super) ident_rep: usize,
    pub(super) ident_org: usize,
    pub(super) rs: Option<usize>,
    pub(super) depcom: usize,
    pub(super) codepostal: Option<usize>,
    pub(super) libcom: Option<usize>,
    pub(super) numvoie: usize,
    pub(super) indrep: Option<usize>,
    pub(super) typvoie: usize,
    pub(super) nomvoie: usize,
    pub(super) lieudit: Option<usize>,
    pub(super) immeu: usize,
    pub(super) bat: Option<usize>,
    pub(super) esc: Option<usize>,
    pub(super) entree: Option<usize>,
    pub(super) nbpiece: usize,
    pub(super) surfhab: Option<usize>,
    pub(super) locat: Option<usize>,
    pub(super) finan: usize,
    pub(super) dpedate: Option<usize>,
    pub(super) dpeenergie: Option<usize>,
    pub(super) mode: usize,
    pub(super) bail: Option<usize>,
    pub(super) loyerprinc: Option<usize>,
    pub(super) qpv: Option<usize>,
    pub(super) x: Option<usize>,
    pub(super) y: Option<usize>,
    pub(super) epsg: Option<usize>,
    pub(super) plg_qva: Option<usize>,
    pub(super) plg_qp15: Option<usize>,
    pub(super) plg_qp24: Option<usize>,
}

impl Cols {
    /// Finds the configured columns in the header of `src`: an optional column given under a
    /// near name is an error; optional columns that feed indicators and are absent, and an
    /// X without a Y (or the reverse), are warned about.
    pub(super) fn find(src: &CsvSource, n: &RplsColumns) -> Result<Cols, IngestError> {
        // the required columns first: a header that is not one (a title line above it) is
        // said before any warning about optional columns
        let ident_rep = src.column(&n.ident_rep)?;
        let ident_org = src.column(&n.ident_org)?;
        let depcom = src.column(&n.depcom)?;
        let numvoie = src.column(&n.numvoie)?;
        let typvoie = src.column(&n.typvoie)?;
        let nomvoie = src.column(&n.nomvoie)?;
        let immeu = src.column(&n.immeu)?;
        let nbpiece = src.column(&n.nbpiece)?;
        let finan = src.column(&n.finan)?;
        let mode = src.column(&n.mode)?;
        // an optional column given under a near name (accents, spaces) is an error
        for name in [
            &n.rs,
            &n.codepostal,
            &n.libcom,
            &n.indrep,
            &n.lieudit,
            &n.bat,
            &n.esc,
            &n.entree,
            &n.surfhab,
            &n.locat,
            &n.dpedate,
            &n.dpeenergie,
            &n.bail,
            &n.loyerprinc,
            &n.qpv,
            &n.x,
            &n.y,
            &n.epsg,
            &n.plg_qva,
            &n.plg_qp15,
            &n.plg_qp24,
        ] {
            src.optional_column_checked(name)?;
        }
        // indicators computed from optional columns: say which ones will stay empty
        let absent: Vec<&str> = [&n.surfhab, &n.locat, &n.dpeenergie, &n.bail, &n.loyerprinc]
            .into_iter()
            .filter(|name| !name.is_empty() && src.optional_column(name).is_none())
            .map(String::as_str)
            .collect();
        if !absent.is_empty() {
            tracing::warn!(
                "{} : colonne(s) facultative(s) absente(s) : {} ; les indicateurs qui en dépendent \
                 (surface, année de mise en location, DPE, emménagés récents par le bail, loyers) \
                 restent vides",
                src.file_name(),
                absent.join(", ")
            );
        }
        let o = |name: &str| src.optional_column(name);
        let (x, y) = match (o(&n.x), o(&n.y)) {
            (Some(x), Some(y)) => (Some(x), Some(y)),
            (None, None) => (None, None),
            _ => {
                tracing::warn!(
                    "{} : une seule des colonnes {} / {} est présente ; les coordonnées fournies sont ignorées",
                    src.file_name(),
                    n.x,
                    n.y
                );
                (None, None)
            }
        };
        Ok(Cols {
            ident_rep,
            ident_org,
            rs: o(&n.rs),
            depcom,
            codepostal: o(&n.codepostal),
            libcom: o(&n.libcom),
            numvoie,
            indrep: o(&n.indrep),
            typvoie,
            nomvoie,
            lieudit: o(&n.lieudit),
            immeu,
            bat: o(&n.bat),
            esc: o(&n.esc),
            entree: o(&n.entree),
            nbpiece,
            surfhab: o(&n.surfhab),
            locat: o(&n.locat),
            finan,
            dpedate: o(&n.dpedate),
            dpeenergie: o(&n.dpeenergie),
            mode,
            bail: o(&n.bail),
            loyerprinc: o(&n.loyerprinc),
            qpv: o(&n.qpv),
            x,
            y,
            epsg: o(&n.epsg),
            plg_qva: o(&n.plg_qva),
            plg_qp15: o(&n.plg_qp15),
            plg_qp24: o(&n.plg_qp24),
        })
    }
}

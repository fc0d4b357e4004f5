//! The CSV outputs in their real layouts: RPLS (Windows-1252, `;`, CRLF), OPS households
//! (UTF-8 with BOM, `;`), OPS occupants (UTF-8, `,`), the EPCI table and the BAN
//! (`adresses-00.csv.gz`, gzip with a zero header time).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use flate2::{Compression, GzBuilder};

use super::addresses::Rep;
use super::dirt::{HouseholdInsert, OccupantInsert, RplsDefect, RplsInsert};
use super::dwellings::{Xy, STYLES};
use super::names::{self, afnor, upper_ascii, LANDLORDS, STREET_TYPES};
use super::{gis, io_err, World};
use crate::SynthError;

pub const RPLS_HEADER: &str = "IDENT_REP;IDENT_ORG;RS;DEPCOM;CODEPOSTAL;LIBCOM;NUMVOIE;INDREP;TYPVOIE;NOMVOIE;LIEUDIT;IMMEU;BAT;ESC;ENTREE;NBPIECE;SURFHAB;CONSTRUCT;LOCAT;FINAN;DPEDATE;DPEENERGIE;DPESERRE;MODE;BAIL;LOYERPRINC;QPV;X;Y;EPSG;PLG_QVA";
pub const HOUSEHOLDS_HEADER: &str =
    "IDENT_REP;REPONSE;DATE_EMMENAGEMENT;COMPOSITION;AGE_TITULAIRE;REVENUS_PCT_PLUS;APL;CODE_PROGRAMME";
pub const OCCUPANTS_HEADER: &str = "IDENT_REP,NUM_OCCUPANT,AGE,LIEN_TITULAIRE,SITUATION_EMPLOI";
pub const BAN_HEADER: &str = "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;cad_parcelles";

pub(crate) fn create(path: &Path) -> Result<BufWriter<File>, SynthError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    }
    Ok(BufWriter::new(
        File::create(path).map_err(|e| io_err(path, e))?,
    ))
}

/// Joins fields, quoting those that contain the delimiter, a quote or a line break.
fn join(fields: &[String], delim: char) -> String {
    let mut out = String::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(delim);
        }
        if f.contains(delim) || f.contains('"') || f.contains('\n') {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(f);
        }
    }
    out
}

pub(crate) fn ym(v: (u16, u8)) -> String {
    format!("{:02}/{:04}", v.1, v.0)
}

/// The 31 RPLS fields of dwelling `di` under identifier `ident`.
fn rpls_fields(w: &World, di: usize, ident: &str) -> Vec<String> {
    let d = &w.stock.dwellings[di];
    let p = &w.stock.programmes[d.programme as usize];
    let b = &p.buildings[d.building as usize];
    let s = &b.stairs[d.stair as usize];
    let street = w.net.street(s.addr);
    let point = w.net.point(s.addr);
    let c = &w.geo.communes[p.commune];
    let style = &STYLES[p.landlord as usize];
    let (org, rs) = LANDLORDS[p.landlord as usize];
    let typvoie = match street.typ {
        Some(t) if style.typvoie_word => STREET_TYPES[t].word.to_string(),
        Some(t) => STREET_TYPES[t].abbr.to_string(),
        None => "99".to_string(),
    };
    let (dpedate, e, g) = match &b.dpe {
        Some(x) => (
            ym((x.year, x.month)),
            x.energy.to_string(),
            x.ges.to_string(),
        ),
        None => ("01/1900".to_string(), String::new(), String::new()),
    };
    let rent = match d.rent_cents {
        Some(r) => format!("{}{}{:02}", r / 100, style.decimal, r % 100),
        None => "9999".to_string(),
    };
    let f2 = |v: f64| format!("{v:.2}");
    let (x, y, epsg) = match d.xy {
        Xy::None => (String::new(), String::new(), String::new()),
        Xy::Good(c) => (f2(c.x), f2(c.y), "2154".into()),
        Xy::Zero => ("0".into(), "0".into(), "2154".into()),
        Xy::Swapped(c) => (f2(c.y), f2(c.x), "2154".into()),
    };
    let qva = match p.zone {
        super::addresses::ZoneTag::Qva(v) => w.geo.qva[v as usize].code.clone(),
        _ => String::new(),
    };
    vec![
        ident.to_string(),
        org.to_string(),
        rs.to_string(),
        c.code.to_string(),
        c.postcode.to_string(),
        upper_ascii(c.name),
        point.number.to_string(),
        point.rep.rpls().unwrap_or(style.indrep_none).to_string(),
        typvoie,
        upper_ascii(&street.name),
        String::new(),
        p.immeu.clone(),
        b.bat.clone(),
        s.esc.clone(),
        s.entree.clone(),
        d.rooms.to_string(),
        d.surface.to_string(),
        p.construct.to_string(),
        p.locat.to_string(),
        d.finan.to_string(),
        dpedate,
        e,
        g,
        d.mode.to_string(),
        d.bail.map(ym).unwrap_or_default(),
        rent,
        if p.in_qpv() { "1" } else { "2" }.to_string(),
        x,
        y,
        epsg,
        qva,
    ]
}

pub(crate) fn spoil(mut f: Vec<String>, defect: RplsDefect) -> Vec<String> {
    match defect {
        RplsDefect::FieldsShort => {
            f.truncate(f.len() - 2);
        }
        RplsDefect::FieldsLong => f.push("1".into()),
        RplsDefect::NbPiece => f[15] = "NC".into(),
        RplsDefect::Finan => f[19] = "77".into(),
        RplsDefect::Mode => f[23] = "7".into(),
        RplsDefect::Depcom => {
            f[3] = "00099".into();
            f[4] = "00990".into();
            f[5] = "COMMUNE HORS TERRITOIRE".into();
        }
    }
    f
}

/// `rpls_2022.csv`: Windows-1252, `;`, CRLF. Returns the number of rows written.
pub(crate) fn write_rpls(w: &World, path: &Path) -> Result<usize, SynthError> {
    let mut out = create(path)?;
    let line = |s: String, out: &mut BufWriter<File>| -> Result<(), SynthError> {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&s);
        debug_assert!(!unmappable, "{s}");
        out.write_all(&bytes).map_err(|e| io_err(path, e))?;
        out.write_all(b"\r\n").map_err(|e| io_err(path, e))
    };
    line(RPLS_HEADER.to_string(), &mut out)?;
    let mut rows = 0;
    let mut inserts = w.plan.rpls.iter().peekable();
    for di in 0..w.stock.dwellings.len() {
        line(
            join(&rpls_fields(w, di, &w.ident(di as u64)), ';'),
            &mut out,
        )?;
        rows += 1;
        while let Some((_, ins)) = inserts.next_if(|(after, _)| *after == di) {
            let fields = match *ins {
                RplsInsert::Extra {
                    template,
                    ident,
                    defect,
                } => spoil(rpls_fields(w, template, &w.ident(ident)), defect),
                RplsInsert::Duplicate { src } => rpls_fields(w, src, &w.ident(src as u64)),
            };
            line(join(&fields, ';'), &mut out)?;
            rows += 1;
        }
    }
    out.flush().map_err(|e| io_err(path, e))?;
    Ok(rows)
}

fn household_fields(w: &World, h: usize, ident: &str, bad_composition: bool) -> Vec<String> {
    let hh = &w.households[h];
    let d = &w.stock.dwellings[hh.dwelling as usize];
    let immeu = w.stock.programmes[d.programme as usize].immeu.clone();
    if !hh.responded {
        let e = String::new;
        return vec![
            ident.to_string(),
            "2".into(),
            e(),
            e(),
            e(),
            e(),
            e(),
            immeu,
        ];
    }
    vec![
        ident.to_string(),
        "1".into(),
        hh.move_in.map(ym).unwrap_or_default(),
        if bad_composition {
            "7".into()
        } else {
            hh.composition.to_string()
        },
        hh.holder_age.to_string(),
        hh.income_pct.map(|v| v.to_string()).unwrap_or_default(),
        hh.apl.to_string(),
        immeu,
    ]
}

/// `ops_menages_2022.csv`: UTF-8 with BOM, `;`. Returns the number of rows written.
pub(crate) fn write_households(w: &World, path: &Path) -> Result<usize, SynthError> {
    let mut out = create(path)?;
    let mut text = String::from("\u{feff}");
    text.push_str(HOUSEHOLDS_HEADER);
    text.push('\n');
    let mut rows = 0;
    let mut inserts = w.plan.households.iter().peekable();
    for h in 0..w.households.len() {
        let ident = w.ident(w.households[h].dwelling as u64);
        let bad = w.plan.bad_composition.contains(&h);
        text.push_str(&join(&household_fields(w, h, &ident, bad), ';'));
        text.push('\n');
        rows += 1;
        while let Some((_, ins)) = inserts.next_if(|(after, _)| *after == h) {
            let fields = match *ins {
                HouseholdInsert::Unknown { template, ident } => {
                    household_fields(w, template, &w.ident(ident), false)
                }
                HouseholdInsert::Duplicate { src } => {
                    let id = w.ident(w.households[src].dwelling as u64);
                    household_fields(w, src, &id, false)
                }
            };
            text.push_str(&join(&fields, ';'));
            text.push('\n');
            rows += 1;
        }
        if text.len() > 1 << 20 {
            out.write_all(text.as_bytes())
                .map_err(|e| io_err(path, e))?;
            text.clear();
        }
    }
    out.write_all(text.as_bytes())
        .map_err(|e| io_err(path, e))?;
    out.flush().map_err(|e| io_err(path, e))?;
    Ok(rows)
}

/// `ops_occupants_2022.csv`: UTF-8 without BOM, `,`. Returns (rows written, valid rows).
pub(crate) fn write_occupants(w: &World, path: &Path) -> Result<(usize, usize), SynthError> {
    let mut out = create(path)?;
    let mut text = String::from(OCCUPANTS_HEADER);
    text.push('\n');
    let (mut rows, mut valid) = (0, 0);
    let push = |text: &mut String, f: [String; 5]| {
        text.push_str(&join(&f, ','));
        text.push('\n');
    };
    let mut inserts = w.plan.occupants.iter().peekable();
    for (h, hh) in w.households.iter().enumerate() {
        let ident = w.ident(hh.dwelling as u64);
        if hh.responded && !w.plan.bad_composition.contains(&h) {
            for (k, o) in hh.occupants.iter().enumerate() {
                let emp = match o.employment {
                    Some(e) => e.to_string(),
                    None if o.blank => String::new(),
                    None => "9".into(),
                };
                let f = [
                    ident.clone(),
                    (k + 1).to_string(),
                    o.age.to_string(),
                    o.link.to_string(),
                    emp,
                ];
                push(&mut text, f);
                rows += 1;
                valid += 1;
            }
        }
        while let Some((_, ins)) = inserts.next_if(|(after, _)| *after == h) {
            let f = match *ins {
                OccupantInsert::Unknown { ident, age } => [
                    w.ident(ident),
                    "1".into(),
                    age.to_string(),
                    "1".into(),
                    "1".into(),
                ],
                OccupantInsert::BadAge { household, value } => {
                    let n = w.households[household].occupants.len() + 1;
                    [
                        ident.clone(),
                        n.to_string(),
                        value.into(),
                        "5".into(),
                        String::new(),
                    ]
                }
                OccupantInsert::NonRespondent { .. } => [
                    ident.clone(),
                    "1".into(),
                    "47".into(),
                    "1".into(),
                    "1".into(),
                ],
            };
            push(&mut text, f);
            rows += 1;
        }
        if text.len() > 1 << 20 {
            out.write_all(text.as_bytes())
                .map_err(|e| io_err(path, e))?;
            text.clear();
        }
    }
    out.write_all(text.as_bytes())
        .map_err(|e| io_err(path, e))?;
    out.flush().map_err(|e| io_err(path, e))?;
    Ok((rows, valid))
}

/// `epci.csv`: UTF-8, `;`.
pub(crate) fn write_epci(w: &World, path: &Path) -> Result<(), SynthError> {
    let mut text = String::from("INSEE_COM;CODE_EPCI;NOM_EPCI\n");
    for c in &w.geo.communes {
        text.push_str(&format!(
            "{};{};{}\n",
            c.code,
            names::EPCI_CODE,
            names::EPCI_NAME
        ));
    }
    std::fs::write(path, text).map_err(|e| io_err(path, e))
}

/// `ban/adresses-00.csv.gz`. Returns the number of addresses written.
pub(crate) fn write_ban(w: &World, path: &Path) -> Result<usize, SynthError> {
    // (commune, fantoir, number, rep, street, side, idx), sorted like the BAN.
    let mut keys: Vec<(usize, u32, u32, Rep, u32, u8, u32)> = Vec::new();
    for (si, st) in w.net.streets.iter().enumerate() {
        if st.hidden {
            continue;
        }
        for (side, points) in st.sides.iter().enumerate() {
            for (idx, a) in points.iter().enumerate() {
                if a.in_ban {
                    keys.push((
                        st.commune, st.fantoir, a.number, a.rep, si as u32, side as u8, idx as u32,
                    ));
                }
            }
        }
    }
    keys.sort();
    let point = |k: &(usize, u32, u32, Rep, u32, u8, u32)| {
        &w.net.streets[k.4 as usize].sides[k.5 as usize][k.6 as usize]
    };
    let mut lon: Vec<f64> = keys.iter().map(|k| point(k).p.x).collect();
    let mut lat: Vec<f64> = keys.iter().map(|k| point(k).p.y).collect();
    gis::to_wgs84(&mut lon, &mut lat, path)?;

    let file = create(path)?;
    let mut gz = GzBuilder::new()
        .mtime(0)
        .write(file, Compression::default());
    let mut text = String::from(BAN_HEADER);
    text.push('\n');
    for (i, k) in keys.iter().enumerate() {
        let st = &w.net.streets[k.4 as usize];
        let a = point(k);
        let c = &w.geo.communes[st.commune];
        let fantoir = format!("{}_{:04}", c.code, st.fantoir);
        let mut id = format!("{fantoir}_{:05}", a.number);
        if a.rep != Rep::None {
            id.push('_');
            id.push_str(a.rep.ban());
        }
        let full = st.full_name();
        let certified = if matches!(st.commune, 6 | 10) {
            "0"
        } else {
            "1"
        };
        let f = [
            id,
            fantoir,
            a.number.to_string(),
            a.rep.ban().to_string(),
            full.clone(),
            c.postcode.to_string(),
            c.code.to_string(),
            c.name.to_string(),
            String::new(),
            String::new(),
            format!("{:.2}", a.p.x),
            format!("{:.2}", a.p.y),
            format!("{:.6}", lon[i]),
            format!("{:.6}", lat[i]),
            "entrée".into(),
            String::new(),
            String::new(),
            afnor(c.name),
            afnor(&full),
            "commune".into(),
            "commune".into(),
            certified.into(),
            String::new(),
        ];
        text.push_str(&join(&f, ';'));
        text.push('\n');
        if text.len() > 1 << 20 {
            gz.write_all(text.as_bytes()).map_err(|e| io_err(path, e))?;
            text.clear();
        }
    }
    gz.write_all(text.as_bytes()).map_err(|e| io_err(path, e))?;
    let mut file = gz.finish().map_err(|e| io_err(path, e))?;
    file.flush().map_err(|e| io_err(path, e))?;
    Ok(keys.len())
}

//! CSV rows of the national profile, written commune by commune, and the streaming version of
//! the métropole's defects ([`crate::dirt`]): the same kinds and counts, placed at
//! dwelling positions drawn in advance; a defect that needs a particular kind of household
//! (respondent, non-respondent) goes to the first such household at or after its position.

use std::collections::VecDeque;
use std::fmt::Write as _;

use rand::Rng;

use super::streets::CommuneNet;
use crate::addresses::ZoneTag;
use crate::dirt::{ident_base, per_kind, RplsDefect};
use crate::dwellings::{Stock, Xy, STYLES};
use crate::households::Household;
use crate::names::{upper_ascii, LANDLORDS, STREET_TYPES};
use crate::writers::{spoil, ym};
use crate::{ident_number, DirtCount};

/// Labels of the defects, as in the métropole profile.
const LABELS: [(&str, &str); 12] = [
    ("rpls_2022.csv", "NBPIECE non numérique"),
    ("rpls_2022.csv", "code FINAN inconnu (77)"),
    ("rpls_2022.csv", "code MODE invalide (7)"),
    ("rpls_2022.csv", "DEPCOM hors territoire (00099)"),
    ("rpls_2022.csv", "nombre de champs incorrect"),
    ("rpls_2022.csv", "ligne en double (même IDENT_REP)"),
    ("ops_menages_2022.csv", "IDENT_REP absent du RPLS"),
    ("ops_menages_2022.csv", "ménage en double"),
    ("ops_menages_2022.csv", "COMPOSITION invalide (7)"),
    ("ops_occupants_2022.csv", "IDENT_REP inconnu"),
    ("ops_occupants_2022.csv", "AGE invalide"),
    (
        "ops_occupants_2022.csv",
        "occupant d'un ménage non répondant",
    ),
];

/// Defect queues: one per label (positions are global dwelling indices, ascending), plus the
/// X/Y spoiled to (0, 0) and swapped.
pub struct Dirt {
    queues: Vec<VecDeque<u64>>,
    xy: [VecDeque<u64>; 2],
    applied: [usize; 12],
    next_ident: u64,
    offset: u64,
}

fn sorted_positions<R: Rng>(k: usize, n: usize, rng: &mut R) -> VecDeque<u64> {
    let mut v: Vec<u64> = (0..k).map(|_| rng.gen_range(0..n as u64)).collect();
    v.sort_unstable();
    v.into()
}

impl Dirt {
    pub fn plan<R: Rng>(n: usize, offset: u64, rng: &mut R) -> Dirt {
        let max = [3, 2, 2, 2, 3, 1, 3, 1, 2, 3, 2, 2];
        let queues = max
            .iter()
            .enumerate()
            .map(|(i, &m)| {
                let k = if i == 5 || i == 7 { 1 } else { per_kind(n, m) };
                sorted_positions(k, n, rng)
            })
            .collect();
        let k = crate::dwellings::xy_spoiled_per_kind(n);
        Dirt {
            queues,
            xy: [sorted_positions(k, n, rng), sorted_positions(k, n, rng)],
            applied: [0; 12],
            next_ident: ident_base(n),
            offset,
        }
    }

    fn due(&mut self, q: usize, at: u64) -> bool {
        if self.queues[q].front().is_some_and(|&t| t <= at) {
            self.queues[q].pop_front();
            self.applied[q] += 1;
            true
        } else {
            false
        }
    }

    fn fresh_ident(&mut self) -> String {
        self.next_ident += 1;
        ident(self.next_ident, self.offset)
    }

    /// Spoils the X/Y of the dwellings due (only dwellings with a good X/Y qualify).
    pub fn spoil_xy(&mut self, stock: &mut Stock, first: u64) {
        for (i, d) in stock.dwellings.iter_mut().enumerate() {
            let at = first + i as u64;
            if let Xy::Good(c) = d.xy {
                if self.xy[0].front().is_some_and(|&t| t <= at) {
                    self.xy[0].pop_front();
                    d.xy = Xy::Zero;
                } else if self.xy[1].front().is_some_and(|&t| t <= at) {
                    self.xy[1].pop_front();
                    d.xy = Xy::Swapped(c);
                }
            }
        }
    }

    /// Defects actually written.
    pub fn counts(&self) -> Vec<DirtCount> {
        LABELS
            .iter()
            .zip(self.applied)
            .map(|((file, kind), rows)| DirtCount {
                file: file.to_string(),
                kind: kind.to_string(),
                rows,
            })
            .collect()
    }
}

/// `IDENT_REP` of record `i`.
pub fn ident(i: u64, offset: u64) -> String {
    format!("Z{:09}", ident_number(i, offset))
}

/// One commune's rows, appended to three byte buffers.
pub struct CommuneRows<'a> {
    pub code: &'a str,
    pub postcode: &'a str,
    pub libcom: String,
    pub region: &'a str,
    pub stock: &'a Stock,
    pub households: &'a [Household],
    pub net: &'a CommuneNet<'a>,
    /// QVA code of each local blob (empty for QPV).
    pub qva_codes: Vec<&'a str>,
    /// Global index of the commune's first dwelling.
    pub first: u64,
}

/// Counts of what was written.
#[derive(Default)]
pub struct Written {
    pub rpls: usize,
    pub households: usize,
    pub occupants: usize,
    pub valid_households: usize,
    pub respondents: usize,
    pub valid_occupants: usize,
}

impl CommuneRows<'_> {
    fn rpls_line(&self, di: usize, id: &str, streets: &[String], line: &mut String) {
        let d = &self.stock.dwellings[di];
        let p = &self.stock.programmes[d.programme as usize];
        let b = &p.buildings[d.building as usize];
        let s = &b.stairs[d.stair as usize];
        let street = &self.net.streets[s.addr.street as usize];
        let point = self.net.point(s.addr);
        let style = &STYLES[p.landlord as usize];
        let (_, rs) = LANDLORDS[p.landlord as usize];
        line.clear();
        let _ = write!(
            line,
            "{id};0{}0001{:02};{rs};{};{};{};{};{};",
            self.region,
            p.landlord + 1,
            self.code,
            self.postcode,
            self.libcom,
            point.number,
            point.rep.rpls().unwrap_or(style.indrep_none),
        );
        match street.typ {
            Some(t) if style.typvoie_word => line.push_str(STREET_TYPES[t].word),
            Some(t) => line.push_str(STREET_TYPES[t].abbr),
            None => line.push_str("99"),
        }
        let _ = write!(
            line,
            ";{};;{};{};{};{};{};{};{};{};{};",
            streets[s.addr.street as usize],
            p.immeu,
            b.bat,
            s.esc,
            s.entree,
            d.rooms,
            d.surface,
            p.construct,
            p.locat,
            d.finan
        );
        match &b.dpe {
            Some(x) => {
                let _ = write!(line, "{};{};{};", ym((x.year, x.month)), x.energy, x.ges);
            }
            None => line.push_str("01/1900;;;"),
        }
        let _ = write!(line, "{};{};", d.mode, d.bail.map(ym).unwrap_or_default());
        match d.rent_cents {
            Some(r) => {
                let _ = write!(line, "{}{}{:02};", r / 100, style.decimal, r % 100);
            }
            None => line.push_str("9999;"),
        }
        line.push_str(if p.in_qpv() { "1;" } else { "2;" });
        let _ = match d.xy {
            Xy::None => write!(line, ";;;"),
            Xy::Good(c) => write!(line, "{:.2};{:.2};2154;", c.x, c.y),
            Xy::Zero => write!(line, "0;0;2154;"),
            Xy::Swapped(c) => write!(line, "{:.2};{:.2};2154;", c.y, c.x),
        };
        if let ZoneTag::Qva(k) = p.zone {
            line.push_str(self.qva_codes[k as usize]);
        }
    }

    /// Appends the commune's RPLS rows (Windows-1252, CRLF) with their defects.
    pub fn rpls(&self, dirt: &mut Dirt, out: &mut Vec<u8>, written: &mut Written) {
        let streets: Vec<String> = self
            .net
            .streets
            .iter()
            .map(|s| upper_ascii(&s.name))
            .collect();
        let mut line = String::with_capacity(256);
        let mut push = |text: &str, out: &mut Vec<u8>| {
            let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
            out.extend_from_slice(&bytes);
            out.extend_from_slice(b"\r\n");
            written.rpls += 1;
        };
        for di in 0..self.stock.dwellings.len() {
            let at = self.first + di as u64;
            self.rpls_line(di, &ident(at, dirt.offset), &streets, &mut line);
            push(&line, out);
            for (q, defect) in [
                (0, RplsDefect::NbPiece),
                (1, RplsDefect::Finan),
                (2, RplsDefect::Mode),
                (3, RplsDefect::Depcom),
                (4, RplsDefect::FieldsShort),
            ] {
                while dirt.due(q, at) {
                    let defect = if q == 4 && dirt.applied[4].is_multiple_of(2) {
                        RplsDefect::FieldsLong
                    } else {
                        defect
                    };
                    let mut spoilt = String::new();
                    self.rpls_line(di, &dirt.fresh_ident(), &streets, &mut spoilt);
                    let fields = spoilt.split(';').map(str::to_string).collect();
                    push(&spoil(fields, defect).join(";"), out);
                }
            }
            while dirt.due(5, at) {
                push(&line, out);
            }
        }
    }

    fn household_line(&self, h: &Household, id: &str, bad: bool, line: &mut String) {
        let d = &self.stock.dwellings[h.dwelling as usize];
        let immeu = &self.stock.programmes[d.programme as usize].immeu;
        line.clear();
        if !h.responded {
            let _ = writeln!(line, "{id};2;;;;;;{immeu}");
            return;
        }
        let _ = write!(line, "{id};1;{};", h.move_in.map(ym).unwrap_or_default());
        if bad {
            line.push('7');
        } else {
            let _ = write!(line, "{}", h.composition);
        }
        let _ = write!(line, ";{};", h.holder_age);
        if let Some(v) = h.income_pct {
            let _ = write!(line, "{v}");
        }
        let _ = writeln!(line, ";{};{immeu}", h.apl);
    }

    /// Appends the commune's household rows (UTF-8, `;`) and occupant rows (UTF-8, `,`).
    pub fn households(
        &self,
        dirt: &mut Dirt,
        menages: &mut Vec<u8>,
        occupants: &mut Vec<u8>,
        written: &mut Written,
        rng: &mut impl Rng,
    ) {
        let mut line = String::with_capacity(96);
        for h in self.households {
            let at = self.first + h.dwelling as u64;
            let id = ident(at, dirt.offset);
            let bad = h.responded && dirt.due(8, at);
            self.household_line(h, &id, bad, &mut line);
            menages.extend_from_slice(line.as_bytes());
            written.households += 1;
            if !bad {
                written.valid_households += 1;
                written.respondents += usize::from(h.responded);
            }
            if h.responded {
                while dirt.due(6, at) {
                    let other = dirt.fresh_ident();
                    self.household_line(h, &other, false, &mut line);
                    menages.extend_from_slice(line.as_bytes());
                    written.households += 1;
                }
                if !bad && dirt.due(7, at) {
                    self.household_line(h, &id, false, &mut line);
                    menages.extend_from_slice(line.as_bytes());
                    written.households += 1;
                }
            }
            let mut occ = |text: &str, valid: bool, written: &mut Written| {
                occupants.extend_from_slice(text.as_bytes());
                written.occupants += 1;
                written.valid_occupants += usize::from(valid);
            };
            if h.responded && !bad {
                for (k, o) in h.occupants.iter().enumerate() {
                    line.clear();
                    let _ = write!(line, "{id},{},{},{},", k + 1, o.age, o.link);
                    match o.employment {
                        Some(e) => {
                            let _ = write!(line, "{e}");
                        }
                        None if o.blank => {}
                        None => line.push('9'),
                    }
                    line.push('\n');
                    occ(&line, true, written);
                }
                let mut j = 0;
                while dirt.due(10, at) {
                    let value = ["142", "-3", "NC"][j % 3];
                    j += 1;
                    let n = h.occupants.len() + j;
                    occ(&format!("{id},{n},{value},5,\n"), false, written);
                }
            }
            if !h.responded {
                while dirt.due(11, at) {
                    occ(&format!("{id},1,47,1,1\n"), false, written);
                }
            }
            while dirt.due(9, at) {
                let other = dirt.fresh_ident();
                let age = rng.gen_range(25..70);
                occ(&format!("{other},1,{age},1,1\n"), false, written);
            }
        }
    }
}

/// Appends `bytes` to `out` through a writer, mapping errors to the file's path.
pub fn flush(
    out: &mut impl std::io::Write,
    buf: &mut Vec<u8>,
    path: &std::path::Path,
) -> Result<(), crate::SynthError> {
    out.write_all(buf).map_err(|e| crate::io_err(path, e))?;
    buf.clear();
    Ok(())
}

//! The rejects log: every input row that is not used, with where and why, in French.
//!
//! Identifier columns (`IDENT_REP`…) are never copied into the log: the file and line point the
//! GIS team to the row in their own copy of the input, and the log stays free of record
//! identifiers (secrecy invariant).
//!
//! A value read from an input reaches the log only through [`shown`]: the caller says what the
//! column holds ([`ValueKind`]), and the value is copied only when the column is classified as
//! non-identifying (a commune code, a code of a public code list, a number, a date) *and* the
//! value itself has the shape of that column. Anything else (identifiers, addresses, names, free
//! text, or a value that does not look like its column, e.g. an `IDENT_REP` read through a
//! swapped `DEPCOM` header) is replaced by its shape: « (valeur masquée : 10 caractères, lettres
//! et chiffres) ».

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

/// One rejected row (or one rejected value that made the row unusable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    /// File name of the input.
    pub file: String,
    /// 1-based line number.
    pub line: u64,
    /// Column name (empty when the whole row is at fault, e.g. wrong number of fields).
    pub column: String,
    /// The offending value, truncated; masked for identifier columns.
    pub value: String,
    /// Reason, in French.
    pub reason: String,
}

/// Value written instead of a record identifier.
pub const MASKED: &str = "(identifiant masqué)";

/// What a column holds: decides whether one of its values may be copied into a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// An INSEE commune code (public): shown when it has the shape of one (5 characters,
    /// digits or `2A`/`2B` + 3 digits).
    Commune,
    /// A code of a public code list or a public zone code: shown when it is ASCII letters and
    /// digits only, at most this many characters.
    Code(usize),
    /// A quantity (rooms, area, rent, age, year…): shown when made of digits with an optional
    /// sign and decimal separator, at most [`MAX_NUMBER_CHARS`] characters.
    Number,
    /// A date: shown when it has the shape of one (see [`looks_like_date`]).
    Date,
    /// Identifiers, addresses, names, free text: never shown, only their shape.
    Private,
}

/// Longest number copied into a message (longer ones are shown by their shape).
pub const MAX_NUMBER_CHARS: usize = 8;

/// `value` when `kind` is non-identifying and the value has the shape of that column, its
/// shape otherwise (see the module documentation). The empty value is shown as empty.
pub fn shown(kind: ValueKind, value: &str) -> String {
    if value.is_empty() {
        return String::new();
    }
    let b = value.as_bytes();
    let ok = match kind {
        ValueKind::Commune => crate::ingest::territory::is_insee_code(value),
        ValueKind::Code(max) => b.len() <= max && b.iter().all(u8::is_ascii_alphanumeric),
        ValueKind::Number => {
            let body = value.strip_prefix(['+', '-']).unwrap_or(value).as_bytes();
            b.len() <= MAX_NUMBER_CHARS
                && !body.is_empty()
                && body
                    .iter()
                    .all(|&c| c.is_ascii_digit() || c == b'.' || c == b',')
                && body.iter().filter(|&&c| c == b'.' || c == b',').count() <= 1
        }
        ValueKind::Date => looks_like_date(value),
        ValueKind::Private => false,
    };
    if ok {
        value.to_string()
    } else {
        shape(value)
    }
}

/// Whether `value` has the shape of a date, right or wrong (`03/2016`, `13/2099`,
/// `2016-03-01`, `1/2/20`, a year `2016`): one to three groups of one to four digits separated
/// by a single kind of separator, `/` or `-`, at most 10 characters. A run of more than four
/// digits (an identifier read in a date column: a landlord's `IDENT_ORG`, an `IDENT_REP`'s
/// digits) has not.
pub fn looks_like_date(value: &str) -> bool {
    if value.len() > 10 {
        return false;
    }
    let sep = if value.contains('/') { '/' } else { '-' };
    let groups: Vec<&str> = value.split(sep).collect();
    groups.len() <= 3
        && groups
            .iter()
            .all(|g| (1..=4).contains(&g.len()) && g.bytes().all(|c| c.is_ascii_digit()))
}

/// The shape of a value, without any of its characters: its length and the classes of
/// characters it holds, e.g. « (valeur masquée : 10 caractères, lettres et chiffres) ».
pub fn shape(value: &str) -> String {
    let n = value.chars().count();
    let mut classes = Vec::new();
    if value.chars().any(char::is_alphabetic) {
        classes.push("lettres");
    }
    if value.chars().any(|c| c.is_ascii_digit()) {
        classes.push("chiffres");
    }
    if value
        .chars()
        .any(|c| !c.is_alphanumeric() && !c.is_control())
    {
        classes.push("autres signes");
    }
    if value.chars().any(char::is_control) {
        classes.push("caractères de contrôle");
    }
    let classes = match classes.as_slice() {
        [] => String::new(),
        [one] => format!(", {one}"),
        [init @ .., last] => format!(", {} et {last}", init.join(", ")),
    };
    let plural = if n > 1 { "s" } else { "" };
    format!("(valeur masquée : {n} caractère{plural}{classes})")
}

/// Collected rejects of a run, in input order.
#[derive(Debug, Default, Clone)]
pub struct RejectLog {
    rejects: Vec<Reject>,
}

impl RejectLog {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a rejected row. `value` goes through [`shown`] with `kind` (it is masked unless
    /// the column is non-identifying and the value has its shape), then is truncated to 60
    /// characters.
    pub fn push(
        &mut self,
        file: &str,
        line: u64,
        column: &str,
        kind: ValueKind,
        value: &str,
        reason: impl Into<String>,
    ) {
        let value = shown(kind, value);
        self.push_raw(file, line, column, &value, reason);
    }

    /// Records a rejected row with a value written by the tool itself (never one read from an
    /// input).
    fn push_raw(
        &mut self,
        file: &str,
        line: u64,
        column: &str,
        value: &str,
        reason: impl Into<String>,
    ) {
        let value: String = if value.chars().count() > 60 {
            value.chars().take(57).chain("...".chars()).collect()
        } else {
            value.to_string()
        };
        self.rejects.push(Reject {
            file: file.to_string(),
            line,
            column: column.to_string(),
            value,
            reason: reason.into(),
        });
    }

    /// Records a rejected row whose offending value is a record identifier: the value is masked.
    pub fn push_masked(&mut self, file: &str, line: u64, column: &str, reason: impl Into<String>) {
        self.push_raw(file, line, column, MASKED, reason);
    }

    /// Moves the rejects of `other` after these (another file read separately).
    pub fn append(&mut self, mut other: RejectLog) {
        self.rejects.append(&mut other.rejects);
    }

    pub fn rejects(&self) -> &[Reject] {
        &self.rejects
    }

    pub fn len(&self) -> usize {
        self.rejects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rejects.is_empty()
    }

    /// Number of rejects per file.
    pub fn count_by_file(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for r in &self.rejects {
            *m.entry(r.file.clone()).or_insert(0) += 1;
        }
        m
    }

    /// Number of rejects per (file, reason).
    pub fn count_by_reason(&self) -> BTreeMap<(String, String), usize> {
        let mut m = BTreeMap::new();
        for r in &self.rejects {
            *m.entry((r.file.clone(), r.reason.clone())).or_insert(0) += 1;
        }
        m
    }

    /// Writes `rejets.csv` (UTF-8 with BOM so that spreadsheet software shows accents, `;`).
    /// The file is written beside its destination then renamed: a failed write (full disk)
    /// leaves no half-written rejects file, and a previous one stays as it was.
    pub fn write_csv(&self, path: &Path) -> std::io::Result<()> {
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".partiel");
        let tmp = std::path::PathBuf::from(tmp);
        let written = self
            .write_csv_to(&tmp)
            .and_then(|()| std::fs::rename(&tmp, path));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }

    fn write_csv_to(&self, path: &Path) -> std::io::Result<()> {
        let mut file = std::fs::File::create(path)?;
        std::io::Write::write_all(&mut file, "\u{feff}".as_bytes())?;
        let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(file);
        w.write_record(["fichier", "ligne", "colonne", "valeur", "motif"])?;
        for r in &self.rejects {
            w.write_record([
                r.file.as_str(),
                &r.line.to_string(),
                r.column.as_str(),
                r.value.as_str(),
                r.reason.as_str(),
            ])?;
        }
        w.flush()?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_truncated_and_ids_masked() {
        let mut log = RejectLog::new();
        log.push_raw("f.csv", 3, "NOMVOIE", &"X".repeat(100), "trop long");
        log.push_masked("f.csv", 4, "IDENT_REP", "identifiant en double");
        assert_eq!(log.rejects()[0].value.chars().count(), 60);
        assert_eq!(log.rejects()[1].value, MASKED);
        assert_eq!(log.count_by_file()["f.csv"], 2);
    }

    #[test]
    fn csv_has_french_header() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("rejets.csv");
        let mut log = RejectLog::new();
        log.push(
            "f.csv",
            3,
            "NBPIECE",
            ValueKind::Code(2),
            "abc",
            "nombre de pièces non numérique",
        );
        log.write_csv(&p).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.starts_with("\u{feff}fichier;ligne;colonne;valeur;motif\n"));
        assert!(text.contains("f.csv;3;NBPIECE;(valeur masquée : 3 caractères, lettres);nombre de pièces non numérique"));
    }

    /// A rejects file that cannot be written completely (here: its destination is a folder,
    /// as good as a full disk for the rename) leaves nothing half-written beside it.
    #[test]
    fn a_failed_write_leaves_no_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("rejets.csv");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("x"), "x").unwrap();
        let mut log = RejectLog::new();
        log.push_masked("f.csv", 2, "IDENT_REP", "identifiant en double");
        assert!(log.write_csv(&dest).is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("rejets.csv")]);
    }

    /// Regression: with `IDENT_REP` and `DEPCOM` swapped in the header, `rejets.csv` held the
    /// A landlord's `IDENT_ORG` read in `BAIL` (swapped headers), or the digits of an
    /// `IDENT_REP` in `DATE_EMMENAGEMENT`, were echoed: they were digits, at most 10 characters.
    #[test]
    fn digits_of_an_identifier_in_a_date_column_are_not_echoed() {
        for id in ["000000101", "123456789", "2016032045", "20160301"] {
            let s = shown(ValueKind::Date, id);
            assert!(s.starts_with("(valeur masquée"), "{id}: {s}");
        }
        for not_date in ["1/2/3/4", "2016/03-01", "/2016", "12//2016"] {
            assert!(shown(ValueKind::Date, not_date).starts_with("(valeur masquée"));
        }
    }

    /// identifiers read in the `DEPCOM` column.
    #[test]
    fn a_value_without_the_shape_of_its_column_is_never_echoed() {
        assert_eq!(shown(ValueKind::Commune, "21231"), "21231");
        assert_eq!(shown(ValueKind::Commune, "2A004"), "2A004");
        let id = "Z689383813";
        for kind in [
            ValueKind::Commune,
            ValueKind::Code(3),
            ValueKind::Number,
            ValueKind::Date,
            ValueKind::Private,
        ] {
            let s = shown(kind, id);
            assert!(!s.contains(id) && !s.contains("689"), "{kind:?}: {s}");
            assert_eq!(s, "(valeur masquée : 10 caractères, lettres et chiffres)");
        }
        assert_eq!(shown(ValueKind::Number, "1250,5"), "1250,5");
        assert_eq!(
            shown(ValueKind::Number, "1000000000000"),
            "(valeur masquée : 13 caractères, chiffres)"
        );
        assert_eq!(shown(ValueKind::Date, "12/2099"), "12/2099");
        for date in [
            "03/2016",
            "01/03/2016",
            "2016-03-01",
            "2016-03",
            "13/2099",
            "2016",
            "3/16",
        ] {
            assert_eq!(shown(ValueKind::Date, date), date);
        }
        assert_eq!(shown(ValueKind::Code(2), "99"), "99");
        assert!(shown(ValueKind::Private, "RUE DE LA PAIX").starts_with("(valeur masquée"));
        let mut log = RejectLog::new();
        log.push(
            "f.csv",
            2,
            "DEPCOM",
            ValueKind::Commune,
            id,
            "code INSEE invalide",
        );
        assert!(!log.rejects()[0].value.contains(id));
    }
}

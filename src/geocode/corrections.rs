//! Manual corrections: a point chosen by the GIS team always wins over the geocoder (and over
//! the RPLS X/Y).
//!
//! Two sources, chosen by the file extension:
//! * a CSV (`;` or `,`, UTF-8 or Windows-1252) with the columns `x`, `y` (Lambert-93 metres),
//!   `commentaire` (optional) and at least one of `cle_adresse` (the address key written in the
//!   review layer, see [`address_key`]) and `IDENT_REP` (one dwelling); a row fills one of the
//!   two;
//! * a GeoPackage (`.gpkg`) holding the review layer [`super::review::REVIEW_LAYER`], for
//!   instance the `opsgeo.gpkg` of the previous run: every point a technician moved in QGIS
//!   (its geometry is more than [`MOVED_M`] from the proposal `x_propose`/`y_propose`) is a
//!   correction of its `cle_adresse`. Corrections stay in that layer at the next run (level
//!   `correction`), so moving a point once is enough.
//!
//! A row with an unreadable or out-of-range coordinate, or a key given twice, stops the run
//! (exit code 1) with its file, line and column; an `IDENT_REP` value is never shown.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::normalize::{
    clean_street_field, normalize_index, normalize_insee, normalize_street, split_number,
};
use super::{GeocodeError, GeocodeLevel, GeocodeResult};
use crate::ingest::source::CsvSource;
use crate::model::{AddressBook, Coord, RawAddress, L93_X, L93_Y};

/// Column of the address key.
pub const KEY_COLUMN: &str = "cle_adresse";
/// Column of the dwelling identifier.
pub const IDENT_COLUMN: &str = "IDENT_REP";
/// A review-layer point moved by more than this (metres) is a correction.
pub const MOVED_M: f64 = 0.5;

/// One manual point.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    pub point: Coord,
    pub comment: String,
    /// Line of the corrections file (feature id of a review layer), for its reject when it
    /// matches nothing.
    pub line: u64,
}

impl Correction {
    /// The geocoding answer of a correction: level `correction`, score 1, the comment as label.
    pub fn result(&self) -> GeocodeResult {
        GeocodeResult {
            point: Some(self.point),
            level: GeocodeLevel::Correction,
            score: 1.0,
            runner_up: 0.0,
            ban_id: None,
            label: self.comment.clone(),
        }
    }
}

/// The corrections of one file.
#[derive(Debug, Default, Clone)]
pub struct Corrections {
    pub path: Option<PathBuf>,
    by_key: HashMap<String, Correction>,
    by_ident: HashMap<Box<str>, Correction>,
}

/// The key of an address, as shown in the review layer and expected in the corrections file:
/// `INSEE|numéro|indice|voie`, normalised (number without leading zeros, canonical index,
/// normalised street key; the lieu-dit when there is no street), so that `R PIRON` and
/// `RUE PIRON` share one key.
///
/// ```
/// use opsgeo::geocode::corrections::address_key;
/// use opsgeo::model::RawAddress;
/// let a = RawAddress {
///     depcom: "21231".into(),
///     postcode: String::new(),
///     commune_name: String::new(),
///     number: "0012".into(),
///     index: "B".into(),
///     street_type: "R".into(),
///     street_name: "DE LA PREFECTURE".into(),
///     locality: String::new(),
/// };
/// assert_eq!(address_key(&a), "21231|12|BIS|RUE PREFECTURE");
/// ```
pub fn address_key(a: &RawAddress) -> String {
    let insee = normalize_insee(&a.depcom).unwrap_or_else(|| a.depcom.trim().to_string());
    let (mut number, attached) = split_number(&a.number);
    let mut index = normalize_index(&a.index).or(attached);
    let field = clean_street_field(&a.street_type, &a.street_name, a.number.trim().is_empty());
    if number.is_none() {
        number = field.number;
        index = index.or(field.index);
    }
    let mut street = normalize_street("", &field.street);
    if street.is_empty() {
        let locality = if a.locality.trim().is_empty() {
            field.locality.unwrap_or_default()
        } else {
            a.locality.clone()
        };
        street = normalize_street("", &locality);
    }
    format!(
        "{insee}|{}|{}|{street}",
        number.map(|n| n.to_string()).unwrap_or_default(),
        index.map(|i| i.to_string()).unwrap_or_default(),
    )
}

fn row_err(path: &Path, line: u64, column: &str, message: impl Into<String>) -> GeocodeError {
    GeocodeError::Row {
        path: path.to_path_buf(),
        line,
        column: column.to_string(),
        message: message.into(),
    }
}

/// A coordinate as it may be shown in a message: only when it has the shape of a short number
/// (an identifier read in the wrong column is never echoed).
fn shown_number(v: f64) -> String {
    crate::ingest::rejects::shown(crate::ingest::rejects::ValueKind::Number, &v.to_string())
}

/// A Lambert-93 coordinate pair, checked against [`L93_X`]/[`L93_Y`].
pub(crate) fn check_l93(x: f64, y: f64) -> Result<Coord, (&'static str, String)> {
    if !(x.is_finite() && L93_X.0 <= x && x <= L93_X.1) {
        return Err((
            "x",
            format!(
                "x = {} hors de l'emprise Lambert-93 ({} à {} m ; longitude/latitude ou x/y inversés ?)",
                shown_number(x),
                L93_X.0,
                L93_X.1
            ),
        ));
    }
    if !(y.is_finite() && L93_Y.0 <= y && y <= L93_Y.1) {
        return Err((
            "y",
            format!(
                "y = {} hors de l'emprise Lambert-93 ({} à {} m ; longitude/latitude ou x/y inversés ?)",
                shown_number(y),
                L93_Y.0,
                L93_Y.1
            ),
        ));
    }
    Ok(Coord { x, y })
}

impl Corrections {
    /// Whether `path` is read as the review layer of a GeoPackage (`.gpkg`), else as a CSV.
    pub fn is_review_layer(path: &Path) -> bool {
        path.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("gpkg"))
    }

    /// Reads a corrections CSV, or the review layer of a GeoPackage (`.gpkg`).
    pub fn load(path: &Path) -> Result<Corrections, GeocodeError> {
        let mut c = if Self::is_review_layer(path) {
            review_layer::read_moved_points(path)?
        } else {
            Self::load_csv(path)?
        };
        c.path = Some(path.to_path_buf());
        Ok(c)
    }

    fn load_csv(path: &Path) -> Result<Corrections, GeocodeError> {
        let mut src = CsvSource::open(path, "auto", "auto")?;
        let key = src.optional_column(KEY_COLUMN);
        let ident = src.optional_column(IDENT_COLUMN);
        if key.is_none() && ident.is_none() {
            if src.header_is_data() {
                return Err(src.missing_column(KEY_COLUMN).into());
            }
            return Err(GeocodeError::Corrections {
                path: path.to_path_buf(),
                message: format!(
                    "il faut une colonne « {KEY_COLUMN} » ou « {IDENT_COLUMN} » (colonnes trouvées : {})",
                    src.available_columns()
                ),
            });
        }
        let (xc, yc) = (src.column("x")?, src.column("y")?);
        let comment = src.optional_column("commentaire");
        let labels = src.column_labels();
        let n_fields = src.headers().len();
        let mut out = Corrections::default();
        let mut lines: HashMap<String, u64> = HashMap::new();
        src.for_each_row(|row| {
            let line = row.line();
            if let Some((i, why)) = row.defect() {
                let column = labels.get(i).map_or("", String::as_str);
                return Err(row_err(path, line, column, why));
            }
            if row.len() > n_fields {
                // a `;` in a comment shifts nothing before it, but the row is not what was
                // typed: the operator quotes the comment (fewer fields: trailing ones empty)
                return Err(row_err(
                    path,
                    line,
                    "",
                    format!(
                        "nombre de champs incorrect : {} au lieu de {n_fields} (un séparateur \
                         dans le commentaire ? le mettre entre guillemets)",
                        row.len()
                    ),
                ));
            }
            let num = |c: usize, name: &str| -> Result<f64, GeocodeError> {
                let v = row.get(c);
                // only a value with the shape of a number is echoed (never an identifier read
                // in the wrong column)
                let shown = crate::ingest::rejects::shown(
                    crate::ingest::rejects::ValueKind::Number,
                    v.trim(),
                );
                v.trim().replace(',', ".").parse::<f64>().map_err(|_| {
                    row_err(path, line, name, format!("nombre attendu, lu « {shown} »"))
                })
            };
            let point = check_l93(num(xc, "x")?, num(yc, "y")?)
                .map_err(|(col, m)| row_err(path, line, col, m))?;
            let correction = Correction {
                point,
                comment: row.get_opt(comment).trim().to_string(),
                line,
            };
            let k = row.get_opt(key).trim().to_string();
            let id = row.get_opt(ident).trim().to_string();
            match (k.is_empty(), id.is_empty()) {
                (false, false) | (true, true) => Err(row_err(
                    path,
                    line,
                    KEY_COLUMN,
                    format!("remplir exactement une des colonnes « {KEY_COLUMN} » et « {IDENT_COLUMN} »"),
                )),
                (false, true) => {
                    if let Some(first) = lines.insert(format!("k{k}"), line) {
                        return Err(row_err(path, line, KEY_COLUMN, format!("clé déjà corrigée ligne {first}")));
                    }
                    out.by_key.insert(k, correction);
                    Ok(())
                }
                (true, false) => {
                    // the identifier itself is never shown
                    if let Some(first) = lines.insert(format!("i{id}"), line) {
                        return Err(row_err(path, line, IDENT_COLUMN, format!("identifiant déjà corrigé ligne {first}")));
                    }
                    out.by_ident.insert(id.into(), correction);
                    Ok(())
                }
            }
        })?;
        Ok(out)
    }

    /// Adds a correction by address key (review-layer reader); `false` when the key was
    /// already there.
    pub(crate) fn insert_key(&mut self, key: String, c: Correction) -> bool {
        self.by_key.insert(key, c).is_none()
    }

    /// The point of every correction with its line, in line order.
    pub fn points(&self) -> Vec<(u64, Coord)> {
        let mut out: Vec<(u64, Coord)> = self
            .by_key
            .values()
            .chain(self.by_ident.values())
            .map(|c| (c.line, c.point))
            .collect();
        out.sort_by_key(|&(line, _)| line);
        out
    }

    /// Fails on the first correction (in line order) whose point lies in none of `communes`:
    /// its dwellings would be published « hors de toute commune » (a typed coordinate off by a
    /// digit).
    pub fn check_in(&self, communes: &[crate::ingest::zones::Zone]) -> Result<(), GeocodeError> {
        use geo::{BoundingRect, Intersects};
        let points = self.points();
        if points.is_empty() {
            return Ok(());
        }
        let boxes: Vec<Option<geo::Rect<f64>>> = communes
            .iter()
            .map(|c| c.geometry.bounding_rect())
            .collect();
        for (line, p) in points {
            let pt = geo::Point::new(p.x, p.y);
            let inside = communes
                .iter()
                .zip(&boxes)
                .any(|(c, b)| b.is_some_and(|b| b.intersects(&pt)) && c.geometry.intersects(&pt));
            if !inside {
                let path = self.path.clone().unwrap_or_default();
                let column = if Self::is_review_layer(&path) {
                    "geom"
                } else {
                    "x"
                };
                return Err(row_err(
                    &path,
                    line,
                    column,
                    "point corrigé hors de toute commune du territoire (coordonnée mal saisie ?)",
                ));
            }
        }
        Ok(())
    }

    /// Corrections by address key.
    pub fn keys(&self) -> usize {
        self.by_key.len()
    }

    /// Corrections by dwelling identifier.
    pub fn idents(&self) -> usize {
        self.by_ident.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty() && self.by_ident.is_empty()
    }

    /// The correction of an address key.
    pub fn for_key(&self, key: &str) -> Option<&Correction> {
        self.by_key.get(key)
    }

    /// The correction of a dwelling identifier.
    pub fn for_ident(&self, ident: &str) -> Option<&Correction> {
        self.by_ident.get(ident)
    }

    /// Takes the corrections by identifier out (the pipeline resolves them to dwellings while
    /// the identifiers are still in memory, then drops them).
    pub fn take_idents(&mut self) -> HashMap<Box<str>, Correction> {
        std::mem::take(&mut self.by_ident)
    }

    /// Replaces the answer of every corrected address of `book`. Returns the geocoder's
    /// answers that were replaced (by address id) and the lines of the address keys that
    /// matched no address (in line order).
    pub fn apply(
        &self,
        book: &AddressBook,
        results: &mut [GeocodeResult],
    ) -> (Vec<(u32, GeocodeResult)>, Vec<u64>) {
        if self.by_key.is_empty() {
            return (Vec::new(), Vec::new());
        }
        let mut used: HashMap<&str, bool> =
            self.by_key.keys().map(|k| (k.as_str(), false)).collect();
        let mut replaced = Vec::new();
        for (i, (a, r)) in book.addresses.iter().zip(results.iter_mut()).enumerate() {
            let key = address_key(a);
            if let Some((k, c)) = self.by_key.get_key_value(&key) {
                replaced.push((i as u32, std::mem::replace(r, c.result())));
                used.insert(k.as_str(), true);
            }
        }
        let mut unused: Vec<u64> = used
            .into_iter()
            .filter(|(_, u)| !u)
            .map(|(k, _)| self.by_key[k].line)
            .collect();
        unused.sort_unstable();
        (replaced, unused)
    }

    /// Resolves the corrections by identifier into dwelling indices with `lookup` (identifier
    /// → dwelling), then forgets the identifiers. Returns the resolved corrections, in dwelling
    /// order, and the lines of the identifiers that matched no dwelling (in line order).
    pub fn resolve_idents(
        &mut self,
        lookup: impl Fn(&str) -> Option<u32>,
    ) -> (Vec<(u32, Correction)>, Vec<u64>) {
        let mut resolved = Vec::new();
        let mut unused = Vec::new();
        for (id, c) in self.take_idents() {
            match lookup(&id) {
                Some(d) => resolved.push((d, c)),
                None => unused.push(c.line),
            }
        }
        resolved.sort_by_key(|(d, _)| *d);
        unused.sort_unstable();
        (resolved, unused)
    }
}

mod review_layer;
#[cfg(test)]
mod tests;

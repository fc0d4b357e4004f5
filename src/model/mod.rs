//! Domain types shared by the pipeline stages.
//!
//! The types are small and compact on purpose: a national run holds about 5.3 million dwellings,
//! so a dwelling refers to its address, stairwell and commune by index into shared tables rather
//! than by owned strings. Record identifiers (`IDENT_REP`) are only kept while the OPS files are
//! matched to dwellings (see [`crate::ingest`]); they never reach an output.

mod admin;
mod codes;
mod dwelling;
mod household;
mod scale;

use std::fmt;

pub use admin::*;
pub use codes::*;
pub use dwelling::*;
pub use household::*;
pub use scale::*;

/// A planar coordinate in Lambert-93 (EPSG:2154), metres.
pub type Coord = geo::Coord<f64>;

/// The one CRS used inside the pipeline.
pub const EPSG_LAMBERT93: u32 = 2154;

/// Accepted Lambert-93 extent (metropolitan France with a margin): x, then y.
pub const L93_X: (f64, f64) = (50_000.0, 1_350_000.0);
pub const L93_Y: (f64, f64) = (6_000_000.0, 7_150_000.0);

/// Sentinel index meaning "none" in compact `u32` references.
pub const NONE: u32 = u32::MAX;

/// Year and month, as RPLS and OPS dates are given (`MM/AAAA`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: u16,
    /// 1..=12
    pub month: u8,
}

impl YearMonth {
    pub fn new(year: u16, month: u8) -> Option<Self> {
        ((1..=12).contains(&month) && (1800..=2100).contains(&year))
            .then_some(YearMonth { year, month })
    }

    /// Months elapsed from `self` to `later` (negative when `later` is before `self`).
    pub fn months_until(self, later: YearMonth) -> i32 {
        (later.year as i32 - self.year as i32) * 12 + (later.month as i32 - self.month as i32)
    }

    /// Parses `MM/AAAA`, `JJ/MM/AAAA`, `AAAA-MM` or `AAAA-MM-JJ`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let parts: Vec<&str> = if s.contains('/') {
            s.split('/').collect()
        } else {
            s.split('-').collect()
        };
        let num = |p: &str| p.parse::<u32>().ok();
        let (year, month) = match (s.contains('/'), parts.as_slice()) {
            (true, [m, y]) => (num(y)?, num(m)?),
            (true, [d, m, y]) => {
                let d = num(d)?;
                if !(1..=31).contains(&d) {
                    return None;
                }
                (num(y)?, num(m)?)
            }
            (false, [y, m]) => (num(y)?, num(m)?),
            (false, [y, m, d]) => {
                let d = num(d)?;
                if !(1..=31).contains(&d) {
                    return None;
                }
                (num(y)?, num(m)?)
            }
            _ => return None,
        };
        YearMonth::new(u16::try_from(year).ok()?, u8::try_from(month).ok()?)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:04}", self.month, self.year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_month_parses_rpls_and_iso_forms() {
        assert_eq!(YearMonth::parse("03/2021"), YearMonth::new(2021, 3));
        assert_eq!(YearMonth::parse("15/03/2021"), YearMonth::new(2021, 3));
        assert_eq!(YearMonth::parse("2021-03"), YearMonth::new(2021, 3));
        assert_eq!(YearMonth::parse("2021-03-15"), YearMonth::new(2021, 3));
        assert_eq!(YearMonth::parse("13/2021"), None);
        assert_eq!(YearMonth::parse("2021"), None);
        assert_eq!(YearMonth::parse(""), None);
    }

    #[test]
    fn months_until_counts_across_years() {
        let a = YearMonth::new(2020, 1).unwrap();
        let b = YearMonth::new(2022, 1).unwrap();
        assert_eq!(a.months_until(b), 24);
        assert_eq!(b.months_until(a), -24);
    }
}

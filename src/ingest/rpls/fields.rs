//! CSV field → typed value, shared by the RPLS and OPS readers.
//!
//! Every parser takes the decoded, trimmed field and returns the value or a French reason (what
//! was expected) that the caller prefixes with the field's label before writing it to
//! `rejets.csv`. The `opt_*` variants treat an empty field as "not given" (`None`). Nothing is
//! allocated on success.

use crate::model::YearMonth;

/// Why a field was refused, in French (what was expected).
pub type Reason = String;

/// Parses a non-negative or negative integer written with digits only (optional sign).
/// Leading zeros are allowed (`03`).
pub fn parse_int(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses a finite decimal number written with `.` or `,` as decimal separator (`12.5`, `12,5`).
/// No thousands separators, no exponent.
pub fn parse_decimal(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let body = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    let seps = body.iter().filter(|&&c| c == b'.' || c == b',').count();
    if body.is_empty()
        || seps > 1
        || !body
            .iter()
            .all(|&c| c.is_ascii_digit() || c == b'.' || c == b',')
        || !body.iter().any(u8::is_ascii_digit)
    {
        return None;
    }
    let v: f64 = match s.find(',') {
        None => s.parse().ok()?,
        Some(pos) => {
            // short fields only: copy to a stack buffer and swap the comma for a dot
            let mut buf = [0u8; 64];
            let buf = buf.get_mut(..b.len())?;
            buf.copy_from_slice(b);
            buf[pos] = b'.';
            std::str::from_utf8(buf).ok()?.parse().ok()?
        }
    };
    v.is_finite().then_some(v)
}

/// An integer in `min..=max`.
pub fn int_in(s: &str, min: i64, max: i64) -> Result<i64, Reason> {
    match parse_int(s) {
        Some(v) if (min..=max).contains(&v) => Ok(v),
        _ => Err(format!("entier de {min} à {max} attendu")),
    }
}

/// An integer in `min..=max`, or nothing.
pub fn opt_int_in(s: &str, min: i64, max: i64) -> Result<Option<i64>, Reason> {
    if s.is_empty() {
        Ok(None)
    } else {
        int_in(s, min, max).map(Some)
    }
}

/// A decimal number in `min..=max` (`,` or `.` as decimal separator), or nothing.
pub fn opt_decimal_in(s: &str, min: f64, max: f64) -> Result<Option<f64>, Reason> {
    if s.is_empty() {
        return Ok(None);
    }
    match parse_decimal(s) {
        Some(v) if v >= min && v <= max => Ok(Some(v)),
        _ => Err(format!(
            "nombre de {min} à {max} attendu (décimales avec « , » ou « . »)"
        )),
    }
}

/// A decimal number `>= 0`, or nothing.
pub fn opt_non_negative(s: &str) -> Result<Option<f64>, Reason> {
    if s.is_empty() {
        return Ok(None);
    }
    match parse_decimal(s) {
        Some(v) if v >= 0.0 => Ok(Some(v)),
        _ => Err("nombre positif ou nul attendu (décimales avec « , » ou « . »)".into()),
    }
}

/// A numeric code decoded by `decode` (e.g. [`crate::model::Composition::from_code`]);
/// `expected` lists the valid codes in French for the reason.
pub fn parse_code<T>(
    s: &str,
    decode: impl Fn(u8) -> Option<T>,
    expected: &str,
) -> Result<T, Reason> {
    parse_int(s)
        .and_then(|v| u8::try_from(v).ok())
        .and_then(decode)
        .ok_or_else(|| format!("code inconnu (attendu : {expected})"))
}

/// A numeric code, or nothing.
pub fn opt_code<T>(
    s: &str,
    decode: impl Fn(u8) -> Option<T>,
    expected: &str,
) -> Result<Option<T>, Reason> {
    if s.is_empty() {
        Ok(None)
    } else {
        parse_code(s, decode, expected).map(Some)
    }
}

/// A yes/no/unknown code: `1` yes, `2` no, `9` or empty unknown.
pub fn opt_yes_no_unknown(s: &str) -> Result<Option<bool>, Reason> {
    match s {
        "1" => Ok(Some(true)),
        "2" => Ok(Some(false)),
        "9" | "" => Ok(None),
        _ => Err("code inconnu (attendu : 1 oui, 2 non, 9 ou vide si inconnu)".into()),
    }
}

/// Parses `MM/AAAA`, `JJ/MM/AAAA`, `AAAA-MM` or `AAAA-MM-JJ` like [`YearMonth::parse`], without
/// allocating (digits only in each part; day 1–31, month 1–12, year 1800–2100).
pub fn parse_year_month(s: &str) -> Option<YearMonth> {
    fn num(p: &[u8]) -> Option<u32> {
        if p.is_empty() || p.len() > 9 || !p.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(
            p.iter()
                .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0')),
        )
    }
    let b = s.as_bytes();
    let sep = if b.contains(&b'/') { b'/' } else { b'-' };
    let mut parts = [&b[..0]; 3];
    let mut n = 0;
    for p in b.split(|&c| c == sep) {
        if n == 3 {
            return None;
        }
        parts[n] = p;
        n += 1;
    }
    let (year, month, day) = match (sep, n) {
        (b'/', 2) => (num(parts[1])?, num(parts[0])?, None),
        (b'/', 3) => (num(parts[2])?, num(parts[1])?, Some(num(parts[0])?)),
        (b'-', 2) => (num(parts[0])?, num(parts[1])?, None),
        (b'-', 3) => (num(parts[0])?, num(parts[1])?, Some(num(parts[2])?)),
        _ => return None,
    };
    if day.is_some_and(|d| !(1..=31).contains(&d)) {
        return None;
    }
    YearMonth::new(u16::try_from(year).ok()?, u8::try_from(month).ok()?)
}

/// A month: `MM/AAAA` or `JJ/MM/AAAA` (also `AAAA-MM` and `AAAA-MM-JJ`), or nothing.
pub fn opt_year_month(s: &str) -> Result<Option<YearMonth>, Reason> {
    if s.is_empty() {
        return Ok(None);
    }
    parse_year_month(s)
        .map(Some)
        .ok_or_else(|| "date attendue au format MM/AAAA ou JJ/MM/AAAA (années 1800 à 2100)".into())
}

/// Earliest lease or move-in year accepted: a household that moved in before 1901 would have
/// a lease holder older than the oldest accepted age (120 years); such a date is a typing
/// error or a placeholder (01/1850, 01/1900…) that would be counted « not recent » silently.
pub const EARLIEST_YEAR: u16 = 1901;

/// A lease or move-in date read from an input, refused when it is later than `latest` (a date
/// in the future of the survey: 12/2099 for 12/2019…) or earlier than [`EARLIEST_YEAR`].
/// `latest` comes from the configuration, never from today's clock, so that a run is
/// reproducible.
pub fn not_after(
    d: Option<YearMonth>,
    latest: Option<YearMonth>,
) -> Result<Option<YearMonth>, Reason> {
    match (d, latest) {
        (Some(d), Some(l)) if d > l => Err(format!(
            "date postérieure à {l}, dernier mois admis (date de référence de l'enquête + 1 an)"
        )),
        (Some(d), _) if d.year < EARLIEST_YEAR => Err(format!(
            "date invraisemblable : antérieure à {EARLIEST_YEAR}"
        )),
        _ => Ok(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Composition;

    #[test]
    fn integers_allow_leading_zeros_and_refuse_decimals() {
        assert_eq!(parse_int("03"), Some(3));
        assert_eq!(parse_int("-4"), Some(-4));
        assert_eq!(parse_int("3.0"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("1e3"), None);
        assert_eq!(parse_int("99999999999999999999"), None);
    }

    #[test]
    fn decimals_accept_comma_or_dot_only_once() {
        assert_eq!(parse_decimal("12,5"), Some(12.5));
        assert_eq!(parse_decimal("12.5"), Some(12.5));
        assert_eq!(parse_decimal("854000"), Some(854000.0));
        assert_eq!(parse_decimal("-0,25"), Some(-0.25));
        assert_eq!(parse_decimal("1.234,5"), None);
        assert_eq!(parse_decimal("NaN"), None);
        assert_eq!(parse_decimal("inf"), None);
        assert_eq!(parse_decimal("1e5"), None);
        assert_eq!(parse_decimal(","), None);
        assert_eq!(parse_decimal(&format!("{},5", "1".repeat(80))), None);
    }

    #[test]
    fn ranges_are_inclusive_and_reasons_are_french() {
        assert_eq!(int_in("20", 1, 20), Ok(20));
        assert_eq!(int_in("21", 1, 20).unwrap_err(), "entier de 1 à 20 attendu");
        assert_eq!(opt_int_in("", 1, 20), Ok(None));
        assert_eq!(opt_decimal_in("5,0", 5.0, 500.0), Ok(Some(5.0)));
        assert!(opt_decimal_in("4,99", 5.0, 500.0)
            .unwrap_err()
            .contains("5 à 500"));
        assert_eq!(opt_non_negative("0"), Ok(Some(0.0)));
        assert!(opt_non_negative("-1").is_err());
    }

    #[test]
    fn codes_decode_through_the_model() {
        assert_eq!(
            parse_code("4", Composition::from_code, "1 à 5"),
            Ok(Composition::CoupleWithChildren)
        );
        assert_eq!(
            parse_code("6", Composition::from_code, "1 à 5").unwrap_err(),
            "code inconnu (attendu : 1 à 5)"
        );
        assert!(parse_code("300", Composition::from_code, "1 à 5").is_err());
        assert_eq!(opt_code("", Composition::from_code, "1 à 5"), Ok(None));
        assert_eq!(opt_yes_no_unknown("9"), Ok(None));
        assert_eq!(opt_yes_no_unknown("2"), Ok(Some(false)));
        assert!(opt_yes_no_unknown("0").is_err());
    }

    #[test]
    fn month_parser_agrees_with_the_model() {
        for s in [
            "03/2021",
            "3/2021",
            "15/03/2021",
            "2021-03",
            "2021-03-15",
            "13/2021",
            "00/2021",
            "2021",
            "",
            "/",
            "//",
            "01/1900",
            "01/01/1900",
            "32/01/2020",
            "0/01/2020",
            "01/2101",
            "12/1799",
            "1/2/3/2020",
            "a/2020",
            "01/20x0",
            "2020-1-1",
            "2020-13",
            "01-2020",
            "99999999999/2020",
            "01/99999999999",
        ] {
            assert_eq!(parse_year_month(s), YearMonth::parse(s), "{s:?}");
        }
    }

    #[test]
    fn months_accept_both_french_forms() {
        assert_eq!(opt_year_month("03/2021"), Ok(YearMonth::new(2021, 3)));
        assert_eq!(opt_year_month("15/03/2021"), Ok(YearMonth::new(2021, 3)));
        assert_eq!(opt_year_month(""), Ok(None));
        assert!(opt_year_month("2021").is_err());
    }
}

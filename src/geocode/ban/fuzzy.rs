//! Fuzzy street-name similarity.
//!
//! Names are compared as normalised street keys ([`crate::geocode::normalize::normalize_street`]:
//! articles dropped, titles spelt out) with their spaces removed, so that a typo in a dropped
//! article (`DE LO 1ERE ARMEE`), a hyphen typed as a letter (`JEANEJACQUES`) or a missing space
//! costs at most one or two edits.
//!
//! * the distance is the optimal string alignment distance (Levenshtein plus transposition of
//!   two adjacent letters), computed only up to a bound;
//! * the similarity is `1 − distance / longer length`;
//! * numbers in a name are never typos: two names whose numeric words differ (`1E ARMEE`,
//!   `2E ARMEE`; `8 MAI 1945`, `8 MAI 1954`) are not similar at all;
//! * a cheap filter runs first: the lengths, and the set of characters of each name (a `u64`
//!   mask: every character of one name missing from the other needs at least one edit).

/// Longest compact name compared (longer names are compared on their first bytes).
pub(crate) const MAX_LEN: usize = 96;

/// The compact form of a key (`"JEAN JACQUES ROUSSEAU"` → `JEANJACQUESROUSSEAU`), truncated to
/// [`MAX_LEN`] bytes, written into `buf`; returns its length.
pub(crate) fn compact_into(name: &str, buf: &mut [u8; MAX_LEN]) -> usize {
    let mut n = 0;
    for b in name.bytes().filter(|&b| b != b' ') {
        if n == MAX_LEN {
            break;
        }
        buf[n] = b;
        n += 1;
    }
    n
}

/// Bit of a character in a [`char_mask`]: `A`–`Z` → 0–25, `0`–`9` → 26–35, others → 63.
fn char_bit(b: u8) -> u64 {
    match b {
        b'A'..=b'Z' => 1 << (b - b'A'),
        b'0'..=b'9' => 1 << (26 + b - b'0'),
        _ => 1 << 63,
    }
}

/// The set of characters of a name.
pub(crate) fn char_mask(name: &str) -> u64 {
    name.bytes()
        .filter(|&b| b != b' ')
        .fold(0, |m, b| m | char_bit(b))
}

/// The set of pairs of adjacent characters of a compact name, hashed into 64 bits. Every pair
/// of one name missing from the other was destroyed by an edit, and one edit destroys at most
/// two pairs: `popcount(a & !b) > 2 × edits` rules a pair of names out (hash collisions only
/// make the filter weaker, never wrong).
pub(crate) fn pair_mask(compact: &[u8]) -> u64 {
    compact.windows(2).fold(0, |m, w| {
        let h = (u32::from(w[0]) * 31 + u32::from(w[1])).wrapping_mul(0x9E37_79B1) >> 26;
        m | (1u64 << h)
    })
}

/// The words of `name` that hold a digit, in order.
fn numeric_words(name: &str) -> impl Iterator<Item = &str> {
    name.split(' ')
        .filter(|w| w.bytes().any(|b| b.is_ascii_digit()))
}

/// Whether both names carry the same numeric words.
pub(crate) fn same_numbers(a: &str, b: &str) -> bool {
    numeric_words(a).eq(numeric_words(b))
}

/// Optimal string alignment distance between `a` and `b` when it is at most `max`.
pub(crate) fn bounded_distance(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    let (a, b) = if a.len() > b.len() { (b, a) } else { (a, b) };
    if b.len() - a.len() > max {
        return None;
    }
    if a.is_empty() {
        return Some(b.len());
    }
    const W: usize = MAX_LEN + 1;
    let mut prev2 = [0u16; W];
    let mut prev: [u16; W] = [0; W];
    let mut cur = [0u16; W];
    for (j, p) in prev.iter_mut().enumerate().take(a.len() + 1) {
        *p = j as u16;
    }
    for i in 1..=b.len() {
        cur[0] = i as u16;
        let mut row_min = cur[0];
        for j in 1..=a.len() {
            let cost = u16::from(b[i - 1] != a[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && b[i - 1] == a[j - 2] && b[i - 2] == a[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min as usize > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[a.len()] as usize;
    (d <= max).then_some(d)
}

/// The most edits a pair of names of these lengths may differ by while staying at or above
/// similarity `min`.
pub(crate) fn max_edits(len_a: usize, len_b: usize, min: f32) -> usize {
    let longer = len_a.max(len_b) as f32;
    ((1.0 - min) * longer + 1e-4).floor().max(0.0) as usize
}

/// A query name, prepared once for a scan over many candidate names.
pub(crate) struct Probe<'a> {
    pub name: &'a str,
    pub compact: [u8; MAX_LEN],
    pub len: usize,
    pub mask: u64,
    pub pairs: u64,
}

impl<'a> Probe<'a> {
    pub fn new(name: &'a str) -> Self {
        let mut compact = [0u8; MAX_LEN];
        let len = compact_into(name, &mut compact);
        Probe {
            name,
            compact,
            len,
            mask: char_mask(name),
            pairs: pair_mask(&compact[..len]),
        }
    }

    /// Similarity in `[0, 1]` with `other` (whose compact length and character mask are
    /// given), or `None` when below `min`.
    #[cfg(test)]
    pub fn similarity(
        &self,
        other: &str,
        other_len: usize,
        other_mask: u64,
        min: f32,
    ) -> Option<f32> {
        let mut buf = [0u8; MAX_LEN];
        let n = compact_into(other, &mut buf);
        let pairs = pair_mask(&buf[..n]);
        self.similarity_with(other_len, other_mask, pairs, min, || other)
    }

    /// [`Probe::similarity`], reading the other name only when the cheap filters pass.
    pub fn similarity_with<'b>(
        &self,
        other_len: usize,
        other_mask: u64,
        other_pairs: u64,
        min: f32,
        other: impl FnOnce() -> &'b str,
    ) -> Option<f32> {
        let max = max_edits(self.len, other_len, min);
        let (d, n) = self.distance_and_len(other_len, other_mask, other_pairs, max, other)?;
        let sim = 1.0 - d as f32 / self.len.max(n) as f32;
        (sim >= min).then_some(sim)
    }

    /// The edit distance between the compact names when it is at most `max` (and the numeric
    /// words agree), reading the other name only when the cheap filters pass.
    pub fn distance_with<'b>(
        &self,
        other_len: usize,
        other_mask: u64,
        other_pairs: u64,
        max: usize,
        other: impl FnOnce() -> &'b str,
    ) -> Option<usize> {
        self.distance_and_len(other_len, other_mask, other_pairs, max, other)
            .map(|(d, _)| d)
    }

    /// [`Probe::distance_with`] and the compact length of the other name.
    fn distance_and_len<'b>(
        &self,
        other_len: usize,
        other_mask: u64,
        other_pairs: u64,
        max: usize,
        other: impl FnOnce() -> &'b str,
    ) -> Option<(usize, usize)> {
        if self.len == 0 || other_len == 0 {
            return None;
        }
        if self.len.abs_diff(other_len) > max {
            return None;
        }
        let missing = (self.mask & !other_mask)
            .count_ones()
            .max((other_mask & !self.mask).count_ones());
        if missing as usize > max {
            return None;
        }
        let missing_pairs = (self.pairs & !other_pairs)
            .count_ones()
            .max((other_pairs & !self.pairs).count_ones());
        if missing_pairs as usize > 2 * max {
            return None;
        }
        let other = other();
        let mut buf = [0u8; MAX_LEN];
        let n = compact_into(other, &mut buf);
        let d = bounded_distance(&self.compact[..self.len], &buf[..n], max)?;
        if d > 0 && !same_numbers(self.name, other) {
            return None;
        }
        Some((d, n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str) -> Option<usize> {
        bounded_distance(a.as_bytes(), b.as_bytes(), 10)
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(d("BERBISEY", "BERBISEY"), Some(0));
        assert_eq!(d("BERBISEY", "BERBINEY"), Some(1)); // substitution
        assert_eq!(d("VANNERIE", "VANERIE"), Some(1)); // deletion
        assert_eq!(d("JEANJACQUES", "JEANEJACQUES"), Some(1)); // insertion
        assert_eq!(d("MICHELET", "MIHCELET"), Some(1)); // transposition
        assert_eq!(d("", "ABC"), Some(3));
        assert_eq!(d("KITTEN", "SITTING"), Some(3));
    }

    #[test]
    fn distance_stops_at_its_bound() {
        assert_eq!(bounded_distance(b"KITTEN", b"SITTING", 2), None);
        assert_eq!(bounded_distance(b"KITTEN", b"SITTING", 3), Some(3));
        assert_eq!(bounded_distance(b"A", b"ABCDEF", 2), None);
    }

    #[test]
    fn similarity_uses_compact_names() {
        let p = Probe::new("JEANEJACQUES ROUSSEAU");
        let other = "JEAN JACQUES ROUSSEAU";
        let s = p
            .similarity(other, 19, char_mask(other), 0.8)
            .expect("similar");
        assert!((s - (1.0 - 1.0 / 20.0)).abs() < 1e-6, "{s}");
    }

    #[test]
    fn similarity_threshold_and_short_names() {
        let sim = |a: &str, b: &str, min: f32| {
            let mut buf = [0u8; MAX_LEN];
            let n = compact_into(b, &mut buf);
            Probe::new(a).similarity(b, n, char_mask(b), min)
        };
        // one edit in 8 letters
        assert_eq!(sim("DAUPEINE", "DAUPHINE", 0.8), Some(0.875));
        // one edit in 4 letters is too much
        assert_eq!(sim("GARE", "GARD", 0.8), None);
        // different letters rejected by the mask before any distance is computed
        assert_eq!(sim("COLONEL FICTIF", "COLONEL FABIEN", 0.8), None);
        assert_eq!(sim("", "X", 0.0), None);
    }

    #[test]
    fn numbers_in_names_are_not_typos() {
        let sim = |a: &str, b: &str| {
            let mut buf = [0u8; MAX_LEN];
            let n = compact_into(b, &mut buf);
            Probe::new(a).similarity(b, n, char_mask(b), 0.8)
        };
        assert_eq!(sim("1E ARMEE FRANCAISE", "2E ARMEE FRANCAISE"), None);
        assert_eq!(sim("8 MAI 1945", "8 MAI 1954"), None);
        assert!(sim("1E ARMEE FRANCAIZE", "1E ARMEE FRANCAISE").is_some());
        assert!(same_numbers("RUE 8 MAI 1945", "8 MAI 1945"));
        assert!(!same_numbers("11 NOVEMBRE", "8 MAI"));
    }

    #[test]
    fn pair_filter_never_rules_out_a_close_name() {
        let names = [
            "BERBISEY",
            "BERBINEY",
            "JEANJACQUESROUSSEAU",
            "JEANEJACQUESROUSSEAU",
            "JEATJACQUESROUSSEAU",
            "MALFOCH",
            "MELFOCH",
            "AB",
            "BA",
        ];
        for a in names {
            for b in names {
                let d = bounded_distance(a.as_bytes(), b.as_bytes(), 50).unwrap();
                let (pa, pb) = (pair_mask(a.as_bytes()), pair_mask(b.as_bytes()));
                assert!((pa & !pb).count_ones() as usize <= 2 * d, "{a} {b}");
            }
        }
    }

    #[test]
    fn max_edits_follows_the_threshold() {
        assert_eq!(max_edits(4, 4, 0.8), 0);
        assert_eq!(max_edits(5, 4, 0.8), 1);
        assert_eq!(max_edits(10, 9, 0.8), 2);
        assert_eq!(max_edits(20, 20, 0.85), 3);
    }

    #[test]
    fn long_names_are_truncated_not_refused() {
        let long = "A".repeat(200);
        let mut buf = [0u8; MAX_LEN];
        assert_eq!(compact_into(&long, &mut buf), MAX_LEN);
        let p = Probe::new(&long);
        assert_eq!(p.len, MAX_LEN);
        assert_eq!(
            p.similarity(&long, MAX_LEN, char_mask(&long), 0.9),
            Some(1.0)
        );
    }
}

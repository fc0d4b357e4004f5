//! Robustness of the CSV readers as a property (issue 14): whatever bytes a provider sends —
//! a valid file mutated by truncation, stray quotes, NULs, foreign encodings, other delimiters,
//! or plain noise — reading never panics, every row read is accepted or rejected, and no
//! identifier of the file reaches a reject line or an error message, which always names the
//! file.

use proptest::prelude::*;

use super::ops::read_households;
use super::rejects::RejectLog;
use super::rpls::keys::KeyTable;
use super::rpls::read_rpls;
use super::rpls::test_support::{input, rpls_file, rpls_row, territory, write};

/// Identifiers of the base file: letter + 9 digits, like real `IDENT_REP`.
fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("Z{:09}", 689_383_000 + i)).collect()
}

fn base_rpls(n: usize) -> Vec<u8> {
    let rows: Vec<String> = ids(n).iter().map(|id| rpls_row(id, &[])).collect();
    rpls_file(&rows).into_bytes()
}

/// One change to a file's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
    Replace(usize, u8),
}

/// Bytes that break CSV files in practice.
fn nasty_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        Just(b'"'),
        Just(b';'),
        Just(b','),
        Just(b'\t'),
        Just(b'\n'),
        Just(b'\r'),
        Just(0u8),
        Just(0xE9u8),
        Just(0xC3u8),
        Just(0xFFu8),
        Just(0xFEu8),
        any::<u8>(),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), nasty_byte()).prop_map(|(p, b)| Mutation::Insert(p, b)),
        any::<usize>().prop_map(Mutation::Delete),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), nasty_byte()).prop_map(|(p, b)| Mutation::Replace(p, b)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let n = bytes.len().max(1);
        match *m {
            Mutation::Insert(p, b) => bytes.insert(p % (n + 1).min(bytes.len() + 1), b),
            Mutation::Delete(p) if !bytes.is_empty() => {
                bytes.remove(p % n);
            }
            Mutation::Truncate(p) => bytes.truncate(p % (n + 1)),
            Mutation::Replace(p, b) if !bytes.is_empty() => bytes[p % n] = b,
            _ => {}
        }
    }
    bytes
}

/// Reads `content` as the RPLS and checks the invariants.
fn check_rpls(content: &[u8], ids: &[String]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "rpls.csv", content);
    let mut rejects = RejectLog::new();
    let shown: String = match read_rpls(&input(path), &territory(), &mut rejects) {
        Ok(d) => {
            prop_assert!(d.stats.reconciles(), "{:?}", d.stats);
            prop_assert_eq!(d.stats.rejected as usize, rejects.len());
            prop_assert_eq!(d.dwellings.len() as u64, d.stats.accepted);
            String::new()
        }
        Err(e) => {
            let msg = e.to_string();
            prop_assert!(msg.contains("rpls.csv"), "{}", msg);
            msg
        }
    };
    let mut text = shown;
    for r in rejects.rejects() {
        text.push_str(&format!("\n{};{};{}", r.column, r.value, r.reason));
    }
    for id in ids {
        // the digits of an identifier are enough to find it
        prop_assert!(!text.contains(&id[1..]), "{} shown in {}", id, text);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn mutated_rpls_files_never_panic_and_never_leak(ms in prop::collection::vec(mutation(), 1..6)) {
        let ids = ids(6);
        check_rpls(&apply(base_rpls(6), &ms), &ids)?;
    }

    #[test]
    fn rpls_with_swapped_or_shifted_columns_never_leak(shift in 1usize..29, swap in 0usize..29) {
        // the identifier lands in another column of the header
        let ids = ids(4);
        let mut header: Vec<&str> = super::rpls::test_support::RPLS_HEADER.to_vec();
        header.swap(0, swap);
        let len = header.len();
        header.rotate_left(shift % len);
        let mut content = header.join(";");
        content.push('\n');
        for id in &ids {
            content.push_str(&rpls_row(id, &[]));
            content.push('\n');
        }
        check_rpls(content.as_bytes(), &ids)?;
    }

    /// A quote opened at the start of any field of the last line (with or without a final
    /// line break) runs to the end of the file: always an error naming the file, the line and
    /// the column, never a row silently accepted or rejected for its number of fields.
    #[test]
    fn a_quote_opened_on_the_last_line_is_always_named(field in 0usize..64, newline in any::<bool>()) {
        let ids = ids(4);
        let text = String::from_utf8(base_rpls(4)).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let last = lines.len() - 1;
        let mut fields: Vec<String> = lines[last].split(';').map(str::to_string).collect();
        let i = field % fields.len();
        fields[i].insert(0, '"');
        lines[last] = fields.join(";");
        let mut content = lines.join("\n");
        if newline {
            content.push('\n');
        }
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "rpls.csv", content.as_bytes());
        let mut rejects = RejectLog::new();
        let e = read_rpls(&input(path), &territory(), &mut rejects).err();
        prop_assert!(e.is_some(), "quote in field {} accepted", i);
        let msg = e.unwrap().to_string();
        prop_assert!(
            msg.contains(&format!("rpls.csv, ligne {}", last + 1))
                && msg.contains("guillemet")
                && msg.contains("colonne "),
            "{}",
            msg
        );
        for id in &ids {
            prop_assert!(!msg.contains(&id[1..]), "{} shown in {}", id, msg);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "rpls.csv", &bytes);
        let mut rejects = RejectLog::new();
        if let Ok(d) = read_rpls(&input(path.clone()), &territory(), &mut rejects) {
            prop_assert!(d.stats.reconciles());
            prop_assert_eq!(d.stats.rejected as usize, rejects.len());
        }
        let path = write(dir.path(), "menages.csv", &bytes);
        let mut rejects = RejectLog::new();
        match read_households(&input(path), &KeyTable::default(), &[], &mut rejects) {
            Ok((_, s)) => {
                prop_assert!(s.reconciles());
                prop_assert_eq!(s.rejected as usize, rejects.len());
            }
            Err(e) => prop_assert!(e.to_string().contains("menages.csv"), "{}", e),
        }
    }

    #[test]
    fn mutated_household_files_never_leak(ms in prop::collection::vec(mutation(), 1..6)) {
        let ids = ids(5);
        let mut content =
            "IDENT_REP;REPONSE;DATE_EMMENAGEMENT;COMPOSITION;AGE_TITULAIRE;REVENUS_PCT_PLUS;APL;CODE_PROGRAMME\n"
                .to_string();
        for id in &ids {
            content.push_str(&format!("{id};1;03/2019;2;45;80;1;P001\n"));
        }
        let bytes = apply(content.into_bytes(), &ms);
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "menages.csv", &bytes);
        let mut rejects = RejectLog::new();
        let mut text = match read_households(&input(path), &KeyTable::default(), &[], &mut rejects) {
            Ok((_, s)) => {
                prop_assert!(s.reconciles());
                prop_assert_eq!(s.rejected as usize, rejects.len());
                String::new()
            }
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.contains("menages.csv"), "{}", msg);
                msg
            }
        };
        for r in rejects.rejects() {
            text.push_str(&format!("\n{};{};{}", r.column, r.value, r.reason));
        }
        for id in &ids {
            prop_assert!(!text.contains(&id[1..]), "{} shown in {}", id, text);
        }
    }
}

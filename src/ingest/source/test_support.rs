//! Helpers shared by the tests of the reader: a file written in a temporary folder, and the
//! rows read back with their line numbers.

use std::path::PathBuf;

use super::CsvSource;
use crate::ingest::IngestError;

/// Writes `content` to `f.csv` in a new temporary folder (kept alive by the returned guard).
pub(super) fn write(content: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("f.csv");
    std::fs::write(&p, content).unwrap();
    (dir, p)
}

/// Every row of `src`: its line number and its decoded values.
pub(super) fn rows(src: &mut CsvSource) -> Vec<(u64, Vec<String>)> {
    let mut out = Vec::new();
    src.for_each_row(|r| {
        out.push((
            r.line(),
            (0..r.len()).map(|i| r.get(i).into_owned()).collect(),
        ));
        Ok::<(), IngestError>(())
    })
    .unwrap();
    out
}

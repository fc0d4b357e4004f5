//! The bytes of a file, plain or gzip-compressed, and the errors met while reading them.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::ingest::IngestError;

/// Opens `path` for reading, decompressing it when it is gzip (by its magic number or by its
/// `.gz` name).
pub(super) fn open_raw(path: &Path) -> Result<Box<dyn Read>, IngestError> {
    let file = File::open(path).map_err(|source| IngestError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let mut buf = BufReader::with_capacity(1 << 20, file);
    // gzip by its magic number as well as by its name: a `.csv` that is really compressed
    // (renamed, or saved by a tool that compresses) is read, not reported as binary data
    let gzip_magic = std::io::BufRead::fill_buf(&mut buf)
        .map(|head| head.starts_with(&[0x1f, 0x8b]))
        .unwrap_or(false);
    if gzip_magic
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
    {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(buf)))
    } else {
        Ok(Box::new(buf))
    }
}

/// An error while reading the bytes of an open file (a corrupt or truncated `.gz`, a disk
/// error): no line number, the file named, and a hint for compressed files.
pub(super) fn read_error(path: &Path, e: &std::io::Error) -> IngestError {
    let gz = path
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("gz"));
    IngestError::Read {
        path: path.to_path_buf(),
        message: if gz {
            format!("fichier compressé (gzip) corrompu ou tronqué ({e})")
        } else {
            e.to_string()
        },
    }
}

//! FlatGeobuf writer (flatgeobuf crate, with spatial index).

use std::path::Path;

use super::{EmitError, Layer, RunMetadata};

/// Writes `layer` to `path` as an indexed FlatGeobuf file.
pub fn write_fgb(path: &Path, layer: &Layer, meta: &RunMetadata) -> Result<(), EmitError> {
    let _ = (path, layer, meta);
    unimplemented!("emit::fgb::write_fgb")
}

//! In-process `ogr2ogr` (GDAL's `GDALVectorTranslate`), which the safe `gdal` API lacks.

use std::ffi::CString;
use std::ptr::null_mut;

use gdal::cpl::CslStringList;
use gdal::Dataset;
use thiserror::Error;

use crate::emit::gpkg::ogr::{last_error, reset_error};
use crate::gdal_errors::GdalFailure;

/// Why the in-process `ogr2ogr` failed. GDAL reports the options and the copy only through
/// its last error message: that message is what these variants carry.
#[derive(Debug, Error)]
pub enum TranslateError {
    /// An argument GDAL could not take into its list (the list's own error is the source).
    #[error("argument refusé")]
    Argument(#[source] GdalFailure),
    /// The connection string holds a NUL byte (it cannot be passed to GDAL).
    #[error("caractère NUL dans la connexion")]
    NulInConnection,
    /// GDAL refused the options.
    #[error("options refusées : {gdal}")]
    Options { gdal: String },
    /// The copy failed; GDAL's last message.
    #[error("{gdal}")]
    Copy { gdal: String },
}

/// Copies layers of `src` into the data source `dest` (opened in update mode by GDAL) with
/// `ogr2ogr`-style arguments (options, then layer names).
pub(crate) fn vector_translate(
    dest: &str,
    src: &Dataset,
    args: &[String],
) -> Result<(), TranslateError> {
    let mut list = CslStringList::new();
    for a in args {
        list.add_string(a)
            .map_err(|e| TranslateError::Argument(GdalFailure::new(e)))?;
    }
    let dest = CString::new(dest).map_err(|_| TranslateError::NulInConnection)?;
    reset_error();
    // SAFETY: the argument list outlives the options (GDAL copies it); the options are freed
    // once; the source handle is live for the borrow of `src`; the returned dataset is closed
    // here and never escapes.
    unsafe {
        let opts = gdal_sys::GDALVectorTranslateOptionsNew(list.as_ptr(), null_mut());
        if opts.is_null() {
            return Err(TranslateError::Options { gdal: last_error() });
        }
        let mut srcs = [src.c_dataset()];
        let mut usage_error = 0;
        let out = gdal_sys::GDALVectorTranslate(
            dest.as_ptr(),
            null_mut(),
            1,
            srcs.as_mut_ptr(),
            opts,
            &mut usage_error,
        );
        gdal_sys::GDALVectorTranslateOptionsFree(opts);
        if out.is_null() {
            return Err(TranslateError::Copy { gdal: last_error() });
        }
        gdal_sys::GDALClose(out);
        let ty = gdal_sys::CPLGetLastErrorType();
        if ty == gdal_sys::CPLErr::CE_Failure || ty == gdal_sys::CPLErr::CE_Fatal {
            return Err(TranslateError::Copy { gdal: last_error() });
        }
    }
    Ok(())
}

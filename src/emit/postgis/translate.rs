//! In-process `ogr2ogr` (GDAL's `GDALVectorTranslate`), which the safe `gdal` API lacks.

use std::ffi::CString;
use std::ptr::null_mut;

use gdal::cpl::CslStringList;
use gdal::Dataset;

use crate::emit::gpkg::ogr::{last_error, reset_error};

/// Copies layers of `src` into the data source `dest` (opened in update mode by GDAL) with
/// `ogr2ogr`-style arguments (options, then layer names).
pub(crate) fn vector_translate(dest: &str, src: &Dataset, args: &[String]) -> Result<(), String> {
    let mut list = CslStringList::new();
    for a in args {
        list.add_string(a).map_err(|e| e.to_string())?;
    }
    let dest = CString::new(dest).map_err(|_| "caractère NUL dans la connexion".to_string())?;
    reset_error();
    // SAFETY: the argument list outlives the options (GDAL copies it); the options are freed
    // once; the source handle is live for the borrow of `src`; the returned dataset is closed
    // here and never escapes.
    unsafe {
        let opts = gdal_sys::GDALVectorTranslateOptionsNew(list.as_ptr(), null_mut());
        if opts.is_null() {
            return Err(format!("options refusées : {}", last_error()));
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
            return Err(last_error());
        }
        gdal_sys::GDALClose(out);
        let ty = gdal_sys::CPLGetLastErrorType();
        if ty == gdal_sys::CPLErr::CE_Failure || ty == gdal_sys::CPLErr::CE_Fatal {
            return Err(last_error());
        }
    }
    Ok(())
}

//! GDAL's last-error state, read by every module that calls GDAL (zone and correction readers,
//! output writers and checks): the safe `gdal` API does not always carry GDAL's own message.

use std::ffi::CStr;

/// The last GDAL error message, or an empty string.
pub(crate) fn last_error() -> String {
    // SAFETY: CPLGetLastErrorMsg returns a pointer to a thread-local, NUL-terminated buffer
    // owned by GDAL (never NULL), valid until the next GDAL call on this thread.
    unsafe {
        let p = gdal_sys::CPLGetLastErrorMsg();
        if p.is_null() {
            String::new()
        } else {
            CStr::from_ptr(p).to_string_lossy().into_owned()
        }
    }
}

/// Clears GDAL's last error, so that [`last_error`] then tells about the next call only.
pub(crate) fn reset_error() {
    // SAFETY: no arguments, thread-local state.
    unsafe { gdal_sys::CPLErrorReset() }
}

/// GDAL's last error message if the last error was a failure (since [`reset_error`]).
pub(crate) fn failure() -> Option<String> {
    // SAFETY: thread-local error state, no arguments.
    let ty = unsafe { gdal_sys::CPLGetLastErrorType() };
    (ty == gdal_sys::CPLErr::CE_Failure || ty == gdal_sys::CPLErr::CE_Fatal).then(last_error)
}

/// A GDAL error with GDAL's own last message appended when it adds something.
pub(crate) fn describe(e: &gdal::errors::GdalError) -> String {
    let msg = last_error();
    let own = e.to_string();
    if msg.is_empty() || own.contains(&msg) {
        own
    } else {
        format!("{own} ({msg})")
    }
}

/// A failed GDAL call, kept as the source of the error that reports it: GDAL's error with
/// GDAL's own last message (see [`describe`]) when it adds something.
#[derive(Debug)]
pub struct GdalFailure {
    // boxed: GDAL's error is large, and error enums are returned on every path
    source: Box<gdal::errors::GdalError>,
    detail: String,
}

impl GdalFailure {
    /// Reads GDAL's last message now (before the next GDAL call overwrites it).
    pub fn new(source: gdal::errors::GdalError) -> Self {
        let detail = describe(&source);
        GdalFailure {
            source: Box::new(source),
            detail,
        }
    }
}

impl std::fmt::Display for GdalFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail)
    }
}

impl std::error::Error for GdalFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

//! The few OGR calls the safe `gdal` API lacks (field nullability, alternative names, field
//! domains), wrapped so that no raw handle escapes.

use crate::emit::gpkg::fault::Fault;
use std::ffi::{CStr, CString};
use std::ptr::null_mut;

use gdal::vector::LayerAccess;
use gdal::Dataset;
use gdal_sys::{OGRErr, OGRFieldSubType, OGRFieldType};

use super::columns::ColumnKind;
pub(crate) use crate::gdal_errors::{describe, failure, last_error, reset_error};

fn cstring(s: &str) -> Result<CString, Fault> {
    CString::new(s)
        .map_err(|_| Fault::new(format!("caractère NUL dans « {} »", s.replace('\0', ""))))
}

/// An owned `OGRFieldDefnH`, destroyed on drop.
struct FieldDefn(gdal_sys::OGRFieldDefnH);

impl Drop for FieldDefn {
    fn drop(&mut self) {
        // SAFETY: the handle was created by OGR_Fld_Create and is destroyed once.
        unsafe { gdal_sys::OGR_Fld_Destroy(self.0) }
    }
}

/// Description of a field to create.
pub(crate) struct FieldSpec<'a> {
    pub name: &'a str,
    pub kind: ColumnKind,
    pub not_null: bool,
    pub alternative_name: &'a str,
    pub domain: Option<&'a str>,
}

/// Adds a field to `layer` with its exact type (no approximation), NOT NULL flag, alternative
/// name and optional field domain.
pub(crate) fn create_field<L: LayerAccess>(layer: &L, spec: &FieldSpec<'_>) -> Result<(), Fault> {
    let name = cstring(spec.name)?;
    let alt = cstring(spec.alternative_name)?;
    let domain = spec.domain.map(cstring).transpose()?;
    let ty = match spec.kind {
        ColumnKind::Text => OGRFieldType::OFTString,
        ColumnKind::Integer => OGRFieldType::OFTInteger64,
        ColumnKind::Real => OGRFieldType::OFTReal,
    };
    reset_error();
    // SAFETY: every pointer passed is a live NUL-terminated string or a handle created here;
    // OGR_L_CreateField copies the definition, which is then destroyed by the guard.
    unsafe {
        let h = gdal_sys::OGR_Fld_Create(name.as_ptr(), ty);
        if h.is_null() {
            return Err(format!("champ « {} » : {}", spec.name, last_error()).into());
        }
        let defn = FieldDefn(h);
        if spec.not_null {
            gdal_sys::OGR_Fld_SetNullable(defn.0, 0);
        }
        gdal_sys::OGR_Fld_SetAlternativeName(defn.0, alt.as_ptr());
        if let Some(d) = &domain {
            gdal_sys::OGR_Fld_SetDomainName(defn.0, d.as_ptr());
        }
        let rv = gdal_sys::OGR_L_CreateField(layer.c_layer(), defn.0, 0);
        if rv != OGRErr::OGRERR_NONE {
            return Err(format!(
                "création du champ « {} » impossible : {}",
                spec.name,
                last_error()
            )
            .into());
        }
    }
    Ok(())
}

/// Adds a coded-value string field domain (`code → label`) to the dataset.
pub(crate) fn add_coded_domain(
    ds: &Dataset,
    name: &str,
    description: &str,
    values: &[(&str, &str)],
) -> Result<(), Fault> {
    let c_name = cstring(name)?;
    let c_desc = cstring(description)?;
    let strings: Vec<(CString, CString)> = values
        .iter()
        .map(|(c, v)| Ok((cstring(c)?, cstring(v)?)))
        .collect::<Result<_, Fault>>()?;
    let mut coded: Vec<gdal_sys::OGRCodedValue> = strings
        .iter()
        .map(|(c, v)| gdal_sys::OGRCodedValue {
            pszCode: c.as_ptr() as *mut _,
            pszValue: v.as_ptr() as *mut _,
        })
        .collect();
    coded.push(gdal_sys::OGRCodedValue {
        pszCode: null_mut(),
        pszValue: null_mut(),
    });
    reset_error();
    // SAFETY: OGR_CodedFldDomain_Create copies the NULL-terminated enumeration (the strings
    // outlive the call); the domain is destroyed after GDALDatasetAddFieldDomain, which copies
    // it; the failure reason is a CPL-allocated string freed with VSIFree.
    unsafe {
        let dom = gdal_sys::OGR_CodedFldDomain_Create(
            c_name.as_ptr(),
            c_desc.as_ptr(),
            OGRFieldType::OFTString,
            OGRFieldSubType::OFSTNone,
            coded.as_ptr(),
        );
        if dom.is_null() {
            return Err(format!("domaine « {name} » : {}", last_error()).into());
        }
        let mut reason: *mut std::ffi::c_char = null_mut();
        let ok = gdal_sys::GDALDatasetAddFieldDomain(ds.c_dataset(), dom, &mut reason);
        gdal_sys::OGR_FldDomain_Destroy(dom);
        if !ok {
            let why = if reason.is_null() {
                last_error()
            } else {
                let s = CStr::from_ptr(reason).to_string_lossy().into_owned();
                gdal_sys::VSIFree(reason as *mut _);
                s
            };
            return Err(format!("ajout du domaine « {name} » impossible : {why}").into());
        }
    }
    Ok(())
}

/// Flushes a layer (runs GDAL's deferred table creation).
pub(crate) fn sync_layer<L: LayerAccess>(layer: &L) -> Result<(), Fault> {
    reset_error();
    // SAFETY: the layer handle is live for the borrow.
    let rv = unsafe { gdal_sys::OGR_L_SyncToDisk(layer.c_layer()) };
    if rv != OGRErr::OGRERR_NONE {
        return Err(format!("écriture de la couche impossible : {}", last_error()).into());
    }
    Ok(())
}

//! Reading GDAL features and SQL results, opening a GeoPackage for update, GDAL's GeoPackage
//! validator.

use std::path::Path;
use std::process::Command;

use gdal::vector::sql::Dialect;
use gdal::vector::LayerAccess;
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};

/// Field access by name for GDAL features (the gdal crate reads by index).
pub trait FeatureExt {
    fn i64_of(&self, name: &str) -> Option<i64>;
    fn f64_of(&self, name: &str) -> Option<f64>;
    fn str_of(&self, name: &str) -> Option<String>;
    fn is_null(&self, name: &str) -> bool;
}

impl FeatureExt for gdal::vector::Feature<'_> {
    fn i64_of(&self, name: &str) -> Option<i64> {
        let i = self.field_index(name).expect("field exists");
        self.field_as_integer64(i).unwrap()
    }
    fn f64_of(&self, name: &str) -> Option<f64> {
        let i = self.field_index(name).expect("field exists");
        self.field_as_double(i).unwrap()
    }
    fn str_of(&self, name: &str) -> Option<String> {
        let i = self.field_index(name).expect("field exists");
        self.field_as_string(i).unwrap()
    }
    fn is_null(&self, name: &str) -> bool {
        let i = self.field_index(name).expect("field exists");
        self.field(i).unwrap().is_none()
    }
}

/// Rows of an SQL query, every value as text (None = NULL).
pub fn sql_rows(ds: &Dataset, sql: &str) -> Vec<Vec<Option<String>>> {
    let mut rs = ds
        .execute_sql(sql, None, Dialect::DEFAULT)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap_or_else(|| panic!("{sql}: no result set"));
    let n = rs.defn().fields().count();
    rs.features()
        .map(|f| (0..n).map(|i| f.field_as_string(i).unwrap()).collect())
        .collect()
}

/// A vector dataset opened for update (to break or edit a written file).
pub fn open_update(path: &Path) -> Dataset {
    Dataset::open_ex(
        path,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_UPDATE,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("{} (update): {e}", path.display()))
}

/// Runs GDAL's `validate_gpkg.py -v --extra --warning-as-error` on `path` and fails on any
/// error or warning.
pub fn validate_gpkg(path: &Path) {
    let script = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py";
    assert!(
        Path::new("/usr/bin/python3").exists() && Path::new(script).exists(),
        "GDAL's validate_gpkg.py is missing: install python3-gdal (tests.sh does)"
    );
    let o = Command::new("/usr/bin/python3")
        .args([script, "-v", "--extra", "--warning-as-error"])
        .arg(path)
        .output()
        .expect("run validate_gpkg.py");
    assert!(
        o.status.success(),
        "validate_gpkg.py {}:\n{}\n{}",
        path.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

//! Attribute-only FlatGeobuf files (layers without geometry).
//!
//! `FgbWriter` gives every feature a geometry table, which GDAL cannot read when it holds no
//! coordinates ("Unknown type 0"); GDAL 3.6 itself cannot write such layers. The FlatGeobuf
//! format allows a feature without geometry, so this module writes the file directly with the
//! crate's generated FlatBuffers tables: magic bytes, header (geometry type `Unknown`, no
//! index, exact feature count), then one size-prefixed feature per row with only properties.

use std::io::Write;

use flatbuffers::FlatBufferBuilder;
use flatgeobuf::{
    Column, ColumnArgs, Crs, CrsArgs, Feature, FeatureArgs, GeometryType, Header, HeaderArgs,
};

use super::{column_type, Property};
use crate::emit::gpkg::columns::ColumnSpec;

/// Header fields.
pub(super) struct HeaderInfo<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub metadata: &'a str,
    pub epsg: i32,
    pub wkt: &'a str,
}

/// Writes the whole file: `rows` yields, per feature, its non-NULL properties.
pub(super) fn write(
    out: &mut impl Write,
    info: &HeaderInfo<'_>,
    cols: &[ColumnSpec],
    rows: &[Vec<(usize, Property<'_>)>],
) -> std::io::Result<()> {
    out.write_all(&[b'f', b'g', b'b', flatgeobuf::VERSION, b'f', b'g', b'b', 0])?;
    let mut fbb = FlatBufferBuilder::new();
    let columns: Vec<_> = cols
        .iter()
        .map(|c| {
            let args = ColumnArgs {
                name: Some(fbb.create_string(&c.name)),
                type_: column_type(c.kind),
                title: Some(fbb.create_string(&c.title)),
                description: Some(fbb.create_string(&c.description)),
                nullable: !c.not_null,
                ..Default::default()
            };
            Column::create(&mut fbb, &args)
        })
        .collect();
    let crs_args = CrsArgs {
        code: info.epsg,
        wkt: Some(fbb.create_string(info.wkt)),
        ..Default::default()
    };
    let args = HeaderArgs {
        name: Some(fbb.create_string(info.name)),
        geometry_type: GeometryType::Unknown,
        columns: Some(fbb.create_vector(&columns)),
        features_count: rows.len() as u64,
        index_node_size: 0,
        crs: Some(Crs::create(&mut fbb, &crs_args)),
        title: Some(fbb.create_string(info.title)),
        description: Some(fbb.create_string(info.description)),
        metadata: Some(fbb.create_string(info.metadata)),
        ..Default::default()
    };
    let header = Header::create(&mut fbb, &args);
    fbb.finish_size_prefixed(header, None);
    out.write_all(fbb.finished_data())?;

    let mut props = Vec::new();
    for row in rows {
        fbb.reset();
        props.clear();
        for (i, p) in row {
            encode(&mut props, *i, p);
        }
        let properties = Some(fbb.create_vector(&props));
        let f = Feature::create(
            &mut fbb,
            &FeatureArgs {
                geometry: None,
                properties,
                columns: None,
            },
        );
        fbb.finish_size_prefixed(f, None);
        out.write_all(fbb.finished_data())?;
    }
    Ok(())
}

/// FlatGeobuf property encoding: column index (u16), then the value, little-endian; strings
/// as u32 length + UTF-8 bytes.
fn encode(buf: &mut Vec<u8>, idx: usize, p: &Property<'_>) {
    buf.extend_from_slice(&(idx as u16).to_le_bytes());
    match p {
        Property::Text(s) => {
            buf.extend_from_slice(&(s.len() as u32).to_le_bytes());
            buf.extend_from_slice(s.as_bytes());
        }
        Property::Integer(v) => buf.extend_from_slice(&v.to_le_bytes()),
        Property::Real(v) => buf.extend_from_slice(&v.to_le_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_are_encoded_little_endian() {
        let mut b = Vec::new();
        encode(&mut b, 2, &Property::Text("ab"));
        encode(&mut b, 3, &Property::Integer(-2));
        encode(&mut b, 258, &Property::Real(1.5));
        let mut expected = vec![2, 0, 2, 0, 0, 0, b'a', b'b', 3, 0];
        expected.extend_from_slice(&(-2i64).to_le_bytes());
        expected.extend_from_slice(&[2, 1]);
        expected.extend_from_slice(&1.5f64.to_le_bytes());
        assert_eq!(b, expected);
    }
}

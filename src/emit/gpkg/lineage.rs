//! Lineage and citation as an ISO 19115 / 19139 (`gmd`) record in `gpkg_metadata`, referenced
//! for the whole GeoPackage in `gpkg_metadata_reference`: the citation required by the
//! convention, reference date, zoning vintages, BAN date, secrecy parameters, software
//! versions and every input file with its SHA-256. GDAL's own key/value metadata (standard URI
//! `http://gdal.org`) carries the same facts for GDAL and FlatGeobuf readers.

use crate::emit::gpkg::fault::Fault;
use std::fmt::Write;

use gdal::vector::sql::Dialect;
use gdal::Dataset;

use super::layer_styles::timestamp_sql;
use super::sql_text;
use crate::emit::styles::xml::esc;
use crate::emit::RunMetadata;
use crate::layout::SCHEMA_VERSION;

/// Standard URI of the record.
pub const ISO_19139_URI: &str = "http://www.isotc211.org/2005/gmd";

fn text(s: &mut String, indent: &str, tag: &str, value: &str) {
    let _ = writeln!(
        s,
        "{indent}<{tag}><gco:CharacterString>{}</gco:CharacterString></{tag}>",
        esc(value)
    );
}

fn code(s: &mut String, indent: &str, tag: &str, list: &str, value: &str) {
    let _ = writeln!(
        s,
        "{indent}<{tag}><gmd:{list} codeList=\"http://standards.iso.org/iso/19139/resources/gmxCodelists.xml#{list}\" codeListValue=\"{value}\">{value}</gmd:{list}></{tag}>"
    );
}

fn process_step(s: &mut String, description: &str) {
    let _ = writeln!(s, "          <gmd:processStep><gmd:LI_ProcessStep>");
    text(s, "            ", "gmd:description", description);
    let _ = writeln!(s, "          </gmd:LI_ProcessStep></gmd:processStep>");
}

/// The ISO 19139 document.
pub fn iso_record(meta: &RunMetadata) -> String {
    let title = format!(
        "Occupation du parc social – {} – indicateurs OPS/RPLS au {}",
        meta.territory, meta.reference_date
    );
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gmd:MD_Metadata xmlns:gmd=\"http://www.isotc211.org/2005/gmd\" xmlns:gco=\"http://www.isotc211.org/2005/gco\">"
    );
    text(&mut s, "  ", "gmd:fileIdentifier", "opsgeo.gpkg");
    code(&mut s, "  ", "gmd:language", "LanguageCode", "fre");
    code(
        &mut s,
        "  ",
        "gmd:characterSet",
        "MD_CharacterSetCode",
        "utf8",
    );
    code(
        &mut s,
        "  ",
        "gmd:hierarchyLevel",
        "MD_ScopeCode",
        "dataset",
    );
    let _ = writeln!(
        s,
        "  <gmd:dateStamp><gco:Date>{}</gco:Date></gmd:dateStamp>",
        esc(&meta.reference_date)
    );
    text(
        &mut s,
        "  ",
        "gmd:metadataStandardName",
        "ISO 19115:2003/19139",
    );
    let _ = writeln!(
        s,
        "  <gmd:referenceSystemInfo><gmd:MD_ReferenceSystem><gmd:referenceSystemIdentifier><gmd:RS_Identifier>"
    );
    text(&mut s, "    ", "gmd:code", "EPSG:2154");
    let _ = writeln!(
        s,
        "  </gmd:RS_Identifier></gmd:referenceSystemIdentifier></gmd:MD_ReferenceSystem></gmd:referenceSystemInfo>"
    );
    let _ = writeln!(
        s,
        "  <gmd:identificationInfo>\n    <gmd:MD_DataIdentification>\n      <gmd:citation>\n        <gmd:CI_Citation>"
    );
    text(&mut s, "          ", "gmd:title", &title);
    let _ = writeln!(
        s,
        "          <gmd:date><gmd:CI_Date><gmd:date><gco:Date>{}</gco:Date></gmd:date>",
        esc(&meta.reference_date)
    );
    code(
        &mut s,
        "            ",
        "gmd:dateType",
        "CI_DateTypeCode",
        "creation",
    );
    let _ = writeln!(s, "          </gmd:CI_Date></gmd:date>");
    text(
        &mut s,
        "          ",
        "gmd:edition",
        &format!("schéma {SCHEMA_VERSION}"),
    );
    text(
        &mut s,
        "          ",
        "gmd:otherCitationDetails",
        &meta.source_citation,
    );
    let _ = writeln!(s, "        </gmd:CI_Citation>\n      </gmd:citation>");
    text(
        &mut s,
        "      ",
        "gmd:abstract",
        &format!(
            "Indicateurs de l'occupation du parc social (enquête OPS et répertoire RPLS) par \
             échelle géographique (région à cage d'escalier) et population (ensemble des ménages, \
             emménagés récents), avec les parties en QPV et hors QPV. Toute valeur soumise au \
             secret statistique est vide et son motif figure dans le champ <indicateur>_secret. \
             Citation obligatoire : « {} ».",
            meta.source_citation
        ),
    );
    let _ = writeln!(s, "      <gmd:resourceConstraints><gmd:MD_Constraints>");
    text(
        &mut s,
        "        ",
        "gmd:useLimitation",
        &format!(
            "Secret statistique appliqué : {}. Toute réutilisation cite « {} ».",
            meta.secrecy, meta.source_citation
        ),
    );
    let _ = writeln!(s, "      </gmd:MD_Constraints></gmd:resourceConstraints>");
    code(&mut s, "      ", "gmd:language", "LanguageCode", "fre");
    let _ = writeln!(
        s,
        "      <gmd:topicCategory><gmd:MD_TopicCategoryCode>society</gmd:MD_TopicCategoryCode></gmd:topicCategory>\n    </gmd:MD_DataIdentification>\n  </gmd:identificationInfo>"
    );
    let _ = writeln!(
        s,
        "  <gmd:dataQualityInfo>\n    <gmd:DQ_DataQuality>\n      <gmd:scope><gmd:DQ_Scope>"
    );
    code(&mut s, "        ", "gmd:level", "MD_ScopeCode", "dataset");
    let _ = writeln!(
        s,
        "      </gmd:DQ_Scope></gmd:scope>\n      <gmd:lineage>\n        <gmd:LI_Lineage>"
    );
    text(
        &mut s,
        "          ",
        "gmd:statement",
        &format!(
            "{} Traitement opsgeo {} (schéma des couches {SCHEMA_VERSION}, GDAL {}). Date de \
             référence {} ; géographie prioritaire (QPV) : {} ; IRIS : {} ; BAN du {}.",
            meta.source_citation,
            meta.opsgeo_version,
            meta.gdal_version,
            meta.reference_date,
            meta.qpv_vintage,
            meta.iris_vintage,
            meta.ban_date
        ),
    );
    process_step(
        &mut s,
        &format!(
            "Géocodage hors ligne des adresses RPLS sur la Base Adresse Nationale du {}.",
            meta.ban_date
        ),
    );
    process_step(
        &mut s,
        &format!(
            "Jointure spatiale des logements aux communes, IRIS (millésime {}), QPV ({}) et QVA.",
            meta.iris_vintage, meta.qpv_vintage
        ),
    );
    process_step(
        &mut s,
        "Calcul des indicateurs de la convention (annexes 2 et 3) par échelle et population.",
    );
    process_step(&mut s, &format!("Secret statistique : {}.", meta.secrecy));
    for i in &meta.inputs {
        let _ = writeln!(s, "          <gmd:source><gmd:LI_Source>");
        text(
            &mut s,
            "            ",
            "gmd:description",
            &format!(
                "{} ({}) ; SHA-256 {} ; {} lignes lues, {} acceptées, {} rejetées",
                i.fichier, i.format, i.sha256, i.lignes_lues, i.lignes_acceptees, i.lignes_rejetees
            ),
        );
        let _ = writeln!(s, "            <gmd:sourceCitation><gmd:CI_Citation>");
        text(&mut s, "              ", "gmd:title", &i.fichier);
        let _ = writeln!(
            s,
            "              <gmd:date gco:nilReason=\"unknown\"/>\n            </gmd:CI_Citation></gmd:sourceCitation>\n          </gmd:LI_Source></gmd:source>"
        );
    }
    let _ = writeln!(
        s,
        "        </gmd:LI_Lineage>\n      </gmd:lineage>\n    </gmd:DQ_DataQuality>\n  </gmd:dataQualityInfo>\n</gmd:MD_Metadata>"
    );
    s
}

fn exec(ds: &Dataset, sql: &str) -> Result<(), Fault> {
    ds.execute_sql(sql, None, Dialect::DEFAULT)
        .map(|_| ())
        .map_err(|e| Fault::from(e).within("gpkg_metadata"))
}

/// Writes the lineage record (creating the metadata tables and extension rows if GDAL has
/// not yet).
pub(crate) fn write(ds: &mut Dataset, meta: &RunMetadata) -> Result<(), Fault> {
    let txn = ds.start_transaction()?;
    exec(
        &txn,
        "CREATE TABLE IF NOT EXISTS gpkg_metadata (\
         id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL, \
         md_scope TEXT NOT NULL DEFAULT 'dataset', md_standard_uri TEXT NOT NULL, \
         mime_type TEXT NOT NULL DEFAULT 'text/xml', metadata TEXT NOT NULL DEFAULT '')",
    )?;
    exec(
        &txn,
        "CREATE TABLE IF NOT EXISTS gpkg_metadata_reference (\
         reference_scope TEXT NOT NULL, table_name TEXT, column_name TEXT, row_id_value INTEGER, \
         timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), \
         md_file_id INTEGER NOT NULL, md_parent_id INTEGER, \
         CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id), \
         CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id))",
    )?;
    exec(
        &txn,
        "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, \
         extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, \
         CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))",
    )?;
    for table in ["gpkg_metadata", "gpkg_metadata_reference"] {
        // column_name is NULL: UNIQUE does not catch a duplicate, NOT EXISTS does
        exec(
            &txn,
            &format!(
                "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, \
                 definition, scope) SELECT '{table}', NULL, 'gpkg_metadata', \
                 'http://www.geopackage.org/spec120/#extension_metadata', 'read-write' \
                 WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions WHERE table_name = '{table}' \
                 AND extension_name = 'gpkg_metadata')"
            ),
        )?;
    }
    exec(
        &txn,
        &format!(
            "INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) \
             VALUES ('dataset', '{ISO_19139_URI}', 'text/xml', {})",
            sql_text(&iso_record(meta))
        ),
    )?;
    exec(
        &txn,
        &format!(
            "INSERT INTO gpkg_metadata_reference (reference_scope, table_name, column_name, \
             row_id_value, timestamp, md_file_id, md_parent_id) VALUES ('geopackage', NULL, NULL, \
             NULL, {}, (SELECT max(id) FROM gpkg_metadata), NULL)",
            timestamp_sql()
        ),
    )?;
    txn.commit().map_err(Fault::from)
}

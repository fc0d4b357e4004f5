//! The text encoding and field delimiter of a delimited input, as configured.

/// Text encoding of a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// Windows-1252, the superset of Latin-1 used by French administrative exports.
    Windows1252,
}

impl Encoding {
    /// `auto` → `None` (detect).
    pub fn from_config(s: &str) -> Result<Option<Encoding>, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" | "" => Ok(None),
            "utf-8" | "utf8" => Ok(Some(Encoding::Utf8)),
            "windows-1252" | "cp1252" | "latin-1" | "latin1" | "iso-8859-1" | "iso-8859-15" => {
                Ok(Some(Encoding::Windows1252))
            }
            other => Err(format!(
                "encodage inconnu « {other} » (auto, utf-8 ou windows-1252)"
            )),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Windows1252 => "Windows-1252 (Latin-1)",
        }
    }
}

/// Field delimiter configuration.
pub struct Delimiter;

impl Delimiter {
    /// `auto` → `None` (detect).
    pub fn from_config(s: &str) -> Result<Option<u8>, String> {
        match s {
            "auto" | "" => Ok(None),
            ";" => Ok(Some(b';')),
            "," => Ok(Some(b',')),
            "tab" | "\t" => Ok(Some(b'\t')),
            "|" => Ok(Some(b'|')),
            other => Err(format!(
                "séparateur inconnu « {other} » (auto, ;, ,, tab ou |)"
            )),
        }
    }
}

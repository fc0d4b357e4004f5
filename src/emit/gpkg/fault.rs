//! The GeoPackage writer's errors: what it was doing, in French, and the SQLite or GDAL error
//! that stopped it, kept as the source (printed once, as the cause) instead of flattened into
//! the message.

use std::error::Error;
use std::fmt;

use crate::gdal_errors::GdalFailure;

/// A failure of the writer.
#[derive(Debug)]
pub struct Fault {
    message: String,
    source: Option<Box<dyn Error + Send + Sync + 'static>>,
}

impl Fault {
    /// A rule of the writer broken: the message says it all.
    pub fn new(message: impl Into<String>) -> Fault {
        Fault {
            message: message.into(),
            source: None,
        }
    }

    /// `context` put before the message (the outer step first), the source kept.
    pub fn within(self, context: impl fmt::Display) -> Fault {
        Fault {
            message: format!("{context} : {}", self.message),
            source: self.source,
        }
    }

    /// The message and the library's error.
    pub fn into_parts(self) -> (String, Option<Box<dyn Error + Send + Sync + 'static>>) {
        (self.message, self.source)
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for Fault {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn Error + 'static))
    }
}

impl From<String> for Fault {
    fn from(message: String) -> Fault {
        Fault::new(message)
    }
}

impl From<&str> for Fault {
    fn from(message: &str) -> Fault {
        Fault::new(message)
    }
}

/// SQLite refused a statement.
impl From<rusqlite::Error> for Fault {
    fn from(e: rusqlite::Error) -> Fault {
        Fault {
            message: "SQLite a refusé l'opération".into(),
            source: Some(Box::new(e)),
        }
    }
}

/// A GDAL call failed: GDAL's last message is read now (see [`GdalFailure::new`]).
impl From<gdal::errors::GdalError> for Fault {
    fn from(e: gdal::errors::GdalError) -> Fault {
        Fault {
            message: "GDAL a refusé l'opération".into(),
            source: Some(Box::new(GdalFailure::new(e))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contexts_go_before_the_message_and_the_library_error_stays_the_source() {
        let e = rusqlite::Connection::open_in_memory()
            .unwrap()
            .execute_batch("SELECT * FROM absente")
            .unwrap_err();
        let f = Fault::from(e).within("ligne 3").within("table « t »");
        assert_eq!(
            f.to_string(),
            "table « t » : ligne 3 : SQLite a refusé l'opération"
        );
        let cause = f.source().expect("source").to_string();
        assert!(cause.contains("no such table: absente"), "{cause}");
        assert!(Fault::new("règle").source().is_none());
    }
}

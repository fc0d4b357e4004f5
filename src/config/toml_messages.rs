//! Where a TOML error is, and the TOML reader's messages in French.

/// 1-based line and column of byte offset `pos` in `text`.
pub fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let before = &text[..pos.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The message of TOML error `e` in `text`, in French ([`french_toml_message`]); a date
/// written without quotes (`reference_date = 2022-01-01`: a TOML date, which the reader sees
/// as a table, « map ») is named as such.
pub(super) fn toml_error_message(text: &str, e: &toml::de::Error) -> String {
    let value = e
        .span()
        .and_then(|s| text.get(s.start..s.end))
        .unwrap_or("")
        .trim();
    if e.message().starts_with("invalid type: map") && looks_like_a_toml_date(value) {
        return format!(
            "date sans guillemets ({value}) : une date s'écrit entre guillemets, par exemple \"{value}\""
        );
    }
    french_toml_message(e.message())
}

/// Whether `v` starts like a TOML date (AAAA-MM-JJ).
fn looks_like_a_toml_date(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() >= 10
        && b.iter().take(10).enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// The TOML reader's most common messages in French (a key misspelt, missing, or of the wrong
/// type); other messages are kept as they are.
pub(super) fn french_toml_message(message: &str) -> String {
    let names = |list: &str| list.replace('`', "");
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((key, expected)) = rest.split_once("`, expected one of ") {
            return format!(
                "clé inconnue « {key} » (clés possibles : {})",
                names(expected)
            );
        }
        if let Some((key, expected)) = rest.split_once("`, expected ") {
            return format!(
                "clé inconnue « {key} » (clé possible : {})",
                names(expected)
            );
        }
        if let Some((key, _)) = rest.split_once("`, there are no fields") {
            return format!("clé inconnue « {key} » (aucune clé attendue ici)");
        }
    }
    if let Some(key) = message
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        return format!("clé obligatoire « {key} » absente");
    }
    for (prefix, what) in [
        ("invalid type: ", "type de valeur invalide"),
        ("invalid value: ", "valeur invalide"),
    ] {
        let found_expected = message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split_once(", expected "));
        if let Some((found, expected)) = found_expected {
            return format!(
                "{what} : {} (attendu : {})",
                french_value(found),
                french_expected(expected)
            );
        }
    }
    if let Some(rest) = message.strip_prefix("duplicate key `") {
        if let Some((key, table)) = rest.split_once("` in table `") {
            return format!(
                "clé « {key} » donnée deux fois dans la section [{}]",
                table.trim_end_matches('`')
            );
        }
        if let Some(key) = rest.strip_suffix('`') {
            return format!("clé « {key} » donnée deux fois");
        }
    }
    message.to_string()
}

/// A value as the TOML reader names it (« integer `-3` », « string "x" »), in French.
pub(super) fn french_value(found: &str) -> String {
    for (en, fr) in [
        ("integer ", "entier "),
        ("string ", "texte "),
        ("floating point ", "nombre "),
        ("boolean ", "booléen "),
    ] {
        if let Some(rest) = found.strip_prefix(en) {
            return format!("{fr}{}", rest.replace('`', ""));
        }
    }
    found.replace('`', "")
}

/// What the TOML reader expected (« u32 », « a sequence »…), in French.
pub(super) fn french_expected(expected: &str) -> String {
    match expected {
        "u8" | "u16" | "u32" | "u64" | "usize" => "un entier positif ou nul".into(),
        "i32" | "i64" => "un entier".into(),
        "f64" | "f32" => "un nombre".into(),
        "a boolean" => "true ou false".into(),
        "a string" => "un texte entre guillemets".into(),
        "a sequence" => "une liste entre crochets, par exemple [\"a\", \"b\"]".into(),
        "a map" | "struct" => "une section".into(),
        other => other.replace('`', ""),
    }
}

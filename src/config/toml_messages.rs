//! Where a TOML error is, and the TOML reader's messages in French.

/// 1-based line and column of byte offset `pos` in `text`.
pub fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let before = &text[..pos.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
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
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!(
                "type de valeur invalide : {} (attendu : {})",
                french_value(found),
                french_expected(expected)
            );
        }
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return format!(
                "valeur invalide : {} (attendu : {})",
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

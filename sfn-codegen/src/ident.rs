//! Rust identifiers from workflow names: keyword-safe, ASCII-only, unique.
//!
//! State names may be any Unicode text, Rust keywords, or names that collide
//! once converted (`ship order` and `ShipOrder`). Each name is split into
//! words, non-ASCII characters become `uXXXX` words, and collisions get a
//! numeric suffix in source order, so the mapping is deterministic.

use std::collections::HashSet;

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "union",
];

fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev: Option<char> = None;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            let boundary = match prev {
                Some(p) => (p.is_ascii_lowercase() || p.is_ascii_digit()) && c.is_ascii_uppercase(),
                None => false,
            };
            if boundary && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.push(c);
        } else {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            if !c.is_ascii() {
                words.push(format!("u{:x}", u32::from(c)));
            }
        }
        prev = Some(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `UpperCamelCase` for enum variants.
pub fn upper_camel(name: &str) -> String {
    let mut out: String = words(name)
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => {
                    first.to_ascii_uppercase().to_string() + &cs.as_str().to_ascii_lowercase()
                }
                None => String::new(),
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'S');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// `snake_case` for methods and modules.
pub fn snake(name: &str) -> String {
    let mut out = words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "n_");
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Hands out identifiers, adding `2`, `3`, … (or `_2`, …) on collisions.
#[derive(Debug, Default)]
pub struct Namer {
    taken: HashSet<String>,
}

impl Namer {
    /// A namer where `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Namer {
        Namer {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// A unique identifier built from `base`.
    pub fn unique(&mut self, base: String, separator: &str) -> String {
        if self.taken.insert(base.clone()) {
            return base;
        }
        let trimmed = base.trim_end_matches('_');
        (2..)
            .map(|n| format!("{trimmed}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(upper_camel("ProcessData"), "ProcessData");
        assert_eq!(upper_camel("hello world"), "HelloWorld");
        assert_eq!(upper_camel("Self"), "Self_");
        assert_eq!(upper_camel("1st"), "S1st");
        assert_eq!(upper_camel("→"), "U2192");
        assert_eq!(snake("ProcessDataFunction"), "process_data_function");
        assert_eq!(snake("lambda_func_zq001eef"), "lambda_func_zq001eef");
        assert_eq!(snake("fn"), "fn_");
        assert_eq!(snake("Größe"), "gr_uf6_u00df_e".replace("u00df", "udf"));
    }

    #[test]
    fn collisions_get_suffixes() {
        let mut namer = Namer::default();
        assert_eq!(namer.unique(upper_camel("ship order"), ""), "ShipOrder");
        assert_eq!(namer.unique(upper_camel("ShipOrder"), ""), "ShipOrder2");
        assert_eq!(namer.unique(upper_camel("ship-order"), ""), "ShipOrder3");
    }
}

//! The daemon logs to journald without a field prefix, so every field of
//! every log event becomes a journal field of the same name, upper-cased.
//! This test reads every `error!`/`warn!`/`info!`/`debug!`/`trace!` call in
//! `src/` and checks that no field would overwrite one journald interprets
//! (`priority` would become a second `PRIORITY=`), and that id fields are
//! recorded as plain values (`prompt_id = 42`, not `?Some(42)` or `%id`),
//! so `journalctl PROMPT_ID=42` matches them.
#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test fails (clippy.toml)"
)]

use std::path::{Path, PathBuf};

use assigner::logging::{is_reserved, journal_name};

/// One field of one log event.
#[derive(Debug)]
struct Field {
    at: String,
    name: String,
    sigil: Option<char>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Skips a string literal starting at `i` (a `"`); returns the index after it.
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() && b[i] != b'"' {
        i += if b[i] == b'\\' { 2 } else { 1 };
    }
    i + 1
}

/// The top-level, comma-separated arguments of the macro call whose
/// opening parenthesis is at `open`.
fn macro_args(src: &str, open: usize) -> Vec<String> {
    let b = src.as_bytes();
    let (mut i, mut depth, mut start) = (open + 1, 0usize, open + 1);
    let mut args = Vec::new();
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = skip_string(b, i);
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth == 0 => break,
            b')' | b']' | b'}' => depth -= 1,
            b',' if depth == 0 => {
                args.push(src[start..i].trim().to_owned());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    args.push(src[start..i].trim().to_owned());
    args
}

/// The fields of an argument list: `name = value`, `name = %value`,
/// `name = ?value`, or the shorthands `name`, `%name`, `?name`. The format
/// string ends the fields.
fn fields_of(args: &[String], at: &str, out: &mut Vec<Field>) {
    let ident = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
    };
    for arg in args {
        if arg.starts_with('"') || arg.is_empty() {
            break;
        }
        let (name, sigil) = match arg.split_once('=') {
            Some((name, value)) if !value.starts_with('=') => (
                name.trim(),
                value.trim().chars().next().filter(|c| "%?".contains(*c)),
            ),
            _ => match arg.strip_prefix(['%', '?']) {
                Some(name) => (name, arg.chars().next()),
                None => (arg.as_str(), None),
            },
        };
        if ident(name) {
            out.push(Field {
                at: at.to_owned(),
                name: name.to_owned(),
                sigil,
            });
        }
    }
}

fn all_fields() -> Vec<Field> {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut fields = Vec::new();
    for file in files {
        let src = std::fs::read_to_string(&file).unwrap();
        for mac in ["error!(", "warn!(", "info!(", "debug!(", "trace!("] {
            for (pos, _) in src.match_indices(mac) {
                let before = src[..pos].chars().next_back();
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    continue;
                }
                let line = src[..pos].matches('\n').count() + 1;
                let rel = file
                    .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                    .unwrap_or(&file);
                let at = format!("{}:{line}", rel.display());
                let open = pos + mac.len() - 1;
                fields_of(&macro_args(&src, open), &at, &mut fields);
            }
        }
    }
    fields
}

#[test]
fn no_field_collides_with_a_journald_field() {
    let fields = all_fields();
    assert!(
        fields.iter().any(|f| f.name == "prompt_id"),
        "the scan found no prompt_id field; is it still reading the log calls? {fields:?}"
    );
    let bad: Vec<_> = fields
        .iter()
        .filter(|f| is_reserved(&f.name))
        .map(|f| format!("{}: `{}` becomes {}", f.at, f.name, journal_name(&f.name)))
        .collect();
    assert!(
        bad.is_empty(),
        "log fields that collide with journald's own fields:\n{}",
        bad.join("\n")
    );
}

#[test]
fn id_fields_are_logged_as_numbers() {
    let bad: Vec<_> = all_fields()
        .into_iter()
        .filter(|f| f.name.ends_with("_id") && f.sigil.is_some())
        .map(|f| format!("{}: `{}` formatted with {:?}", f.at, f.name, f.sigil))
        .collect();
    assert!(
        bad.is_empty(),
        "id fields must be recorded as plain integers:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_scanner_reads_fields_and_stops_at_the_format_string() {
    let src = r#"info!(prompt_id = ?p, pane = %x.y(1, 2), session, "a {b}, c = {d}", b = 1)"#;
    let mut out = Vec::new();
    fields_of(&macro_args(src, 5), "t", &mut out);
    let names: Vec<_> = out.iter().map(|f| (f.name.as_str(), f.sigil)).collect();
    assert_eq!(
        names,
        [
            ("prompt_id", Some('?')),
            ("pane", Some('%')),
            ("session", None)
        ]
    );
}

//! Golden files: text a test produced, with what changes from run to run
//! masked, compared with a file kept under `tests/fixtures/`. With
//! `UPDATE_GOLDEN=1` in the environment the files are written instead, to
//! be read and committed.

use std::path::Path;

/// Compares `text` with `tests/fixtures/<dir>/<name>`, or writes it there
/// with `UPDATE_GOLDEN=1`.
pub fn golden(dir: &str, name: &str, text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; UPDATE_GOLDEN=1 cargo test --test it golden writes it",
            path.display()
        )
    });
    assert_eq!(
        text,
        want,
        "output differs from {}:\n{text}",
        path.display()
    );
}

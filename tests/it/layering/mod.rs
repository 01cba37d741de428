//! The layering of `src/` (ARCHITECTURE.md, "Layers"), checked on the
//! import graph read from the source text: a module imports only modules of
//! a lower layer, and files import each other in no cycle.

mod graph;
mod syntax;
mod tokens;

use std::collections::BTreeSet;
use std::path::Path;

/// Each top-level module and its layer: a module may import only modules of
/// a lower layer.
const LAYERS: &[(&str, u8)] = &[
    // The vocabulary: depends on nothing in the crate.
    ("model", 0),
    ("framing", 0),
    ("logging", 0),
    ("follow", 0),
    // The wire, the screen reading and the tmux driver.
    ("protocol", 1),
    ("detect", 1),
    ("tmux", 1),
    // Errors, paths, routing and the socket client.
    ("error", 2),
    ("paths", 2),
    ("route", 2),
    ("client", 2),
    // The pools' supervisor: pure logic over a tmux snapshot.
    ("pool", 2),
    // Configuration and the store.
    ("config", 3),
    ("store", 3),
    // What works on the store: the engine and the maintenance library.
    ("engine", 4),
    ("maintenance", 4),
    // The two programs.
    ("daemon", 5),
    ("cli", 5),
];

/// Imports of a lower layer that are still refused, each with why.
const NEVER: &[(&str, &str, &str)] = &[(
    "cli",
    "engine",
    "the client reaches the engine only through the daemon's protocol",
)];

fn src() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level module of a file (`daemon/core.rs` → `daemon`).
fn top(name: &str) -> &str {
    let first = name.split('/').next().unwrap_or(name);
    first.strip_suffix(".rs").unwrap_or(first)
}

#[test]
fn the_module_tree_reaches_every_source_file() {
    let g = graph::load(&src());
    let reached: BTreeSet<&str> = g.files.iter().map(|f| f.name.as_str()).collect();
    let mut missed = Vec::new();
    let mut dirs = vec![src()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path
                .strip_prefix(src())
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() && name != "bin" {
                dirs.push(path);
            } else if name.ends_with(".rs") && !path.is_dir() && !reached.contains(name.as_str()) {
                missed.push(name);
            }
        }
    }
    assert!(
        missed.is_empty(),
        "files the parser never reached from lib.rs: {missed:?}"
    );
}

#[test]
fn no_module_imports_one_of_its_layer_or_above() {
    let g = graph::load(&src());
    let layer = |m: &str| LAYERS.iter().find(|l| l.0 == m).map(|l| l.1);
    let mut wrong = Vec::new();
    for (i, f) in g.files.iter().enumerate() {
        if f.name == "lib.rs" {
            continue;
        }
        let from = top(&f.name);
        let Some(from_layer) = layer(from) else {
            wrong.push(format!("{from} is in no layer: add it to LAYERS"));
            continue;
        };
        for (&j, example) in &g.edges[i] {
            let to_file = &g.files[j].name;
            let to = top(to_file);
            if to == from || to_file == "lib.rs" {
                continue;
            }
            let why = match (layer(to), NEVER.iter().find(|n| n.0 == from && n.1 == to)) {
                (_, Some(never)) => never.2.to_string(),
                (Some(l), None) if l < from_layer => continue,
                (Some(l), None) => format!("layer {from_layer} imports layer {l}"),
                (None, None) => format!("{to} is in no layer"),
            };
            wrong.push(format!("{} -> {to_file} ({example}): {why}", f.name));
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layering:\n  {}",
        wrong.join("\n  ")
    );
}

/// Files import each other in no cycle: what several files share has a
/// file of its own, and a `mod.rs` that defines a type its children add
/// methods to imports none of them back.
#[test]
fn files_import_each_other_in_no_cycle() {
    let g = graph::load(&src());
    let names =
        |c: &[usize]| -> Vec<&str> { c.iter().map(|&i| g.files[i].name.as_str()).collect() };
    let wrong: Vec<String> = graph::cycles(&g)
        .iter()
        .map(|comp| {
            format!(
                "a cycle among {:?}, for one:\n  {}",
                names(comp),
                graph::one_cycle(&g, comp)
            )
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

//! What one source file declares and names: its `mod` children, the items
//! it defines and the names its `use` lines bind at the top (so a path
//! through it, such as `super::Settings`, can be followed to the file that
//! defines the item), and every crate path it names, in `use` lines or
//! inline (`crate::…`, `super::…`, `self::…`, `child::…`).

use std::collections::{HashMap, HashSet};

/// A path in the crate, from its root, as segments.
pub type Path = Vec<String>;

/// One file's declarations and references.
#[derive(Default)]
pub struct Syntax {
    /// `mod name;` at the top, with its `#[path]` when it has one.
    pub children: Vec<(String, Option<String>)>,
    /// Items defined at the top.
    pub defs: HashSet<String>,
    /// Names bound by top-level `use` lines, to what they name.
    pub binds: HashMap<String, Path>,
    /// Modules imported whole by top-level `use …::*`.
    pub globs: Vec<Path>,
    /// Every crate path the file names, anywhere in it.
    pub refs: Vec<Path>,
}

const ITEMS: &[&str] = &[
    "struct", "enum", "fn", "trait", "type", "const", "static", "union", "mod",
];

/// Reads the tokens of the file that is module `module`.
pub fn syntax(toks: &[String], module: &[String]) -> Syntax {
    let mut out = Syntax::default();
    declarations(toks, &mut out);
    let children: HashSet<String> = out.children.iter().map(|c| c.0.clone()).collect();
    let mut depth = 0usize;
    // Inline modules (`mod tests { … }`): where each opened, and its path.
    let mut scopes: Vec<(usize, Path)> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let cur = scopes.last().map_or(module, |s| s.1.as_slice()).to_vec();
        let here = |p: &[String]| absolute(p, &cur, (cur == module).then_some(&children));
        let t = toks[i].as_str();
        let after_sep = i > 0 && toks[i - 1] == "::";
        match t {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                if scopes.last().is_some_and(|s| s.0 == depth) {
                    scopes.pop();
                }
            }
            "mod" if toks.get(i + 2).is_some_and(|b| b == "{") => {
                scopes.push((depth, [cur.clone(), vec![toks[i + 1].clone()]].concat()));
                depth += 1;
                i += 3;
                continue;
            }
            "use" => {
                let (end, items) = use_tree(toks, i + 1, &[]);
                for (path, bind) in items {
                    if let Some(abs) = here(&path) {
                        if depth == 0 {
                            match bind {
                                None => out.globs.push(abs.clone()),
                                Some(name) if name != "_" => {
                                    out.binds.insert(name, abs.clone());
                                }
                                Some(_) => {}
                            }
                        }
                        out.refs.push(abs);
                    }
                }
                i = end;
                continue;
            }
            _ if !after_sep && toks.get(i + 1).is_some_and(|n| n == "::") => {
                let mut path = vec![t.to_string()];
                let mut j = i + 1;
                while toks.get(j).is_some_and(|s| s == "::")
                    && toks.get(j + 1).is_some_and(|s| word(s))
                {
                    path.push(toks[j + 1].clone());
                    j += 2;
                }
                let abs = match out.binds.get(t) {
                    Some(b) if !matches!(t, "crate" | "super" | "self") => {
                        Some([b.clone(), path[1..].to_vec()].concat())
                    }
                    _ => here(&path),
                };
                out.refs.extend(abs);
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Top-level `mod` children and item names.
fn declarations(toks: &[String], out: &mut Syntax) {
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate() {
        match t.as_str() {
            "{" => depth += 1,
            "}" => depth -= 1,
            _ if depth > 0 => {}
            "macro_rules" if toks.get(i + 1).is_some_and(|b| b == "!") => {
                out.defs.extend(toks.get(i + 2).cloned());
            }
            item if ITEMS.contains(&item) => {
                let Some(name) = toks.get(i + 1).filter(|n| word(n)) else {
                    continue;
                };
                out.defs.insert(name.clone());
                if item == "mod" && toks.get(i + 2).is_some_and(|s| s == ";") {
                    out.children.push((name.clone(), path_attr(toks, i)));
                }
            }
            _ => {}
        }
    }
}

/// The `#[path = "…"]` on the item starting at `at`, if any.
fn path_attr(toks: &[String], at: usize) -> Option<String> {
    let mut k = at;
    while k > 0 && !matches!(toks[k - 1].as_str(), ";" | "{" | "}") {
        k -= 1;
        if toks[k] == "path" && toks[k - 1] == "[" && toks.get(k + 1).is_some_and(|e| e == "=") {
            return toks.get(k + 2).map(|s| s.trim_matches('"').to_string());
        }
    }
    None
}

/// A `use` tree from `i`: where it ends, and each path with the name it
/// binds (`None` for a glob).
fn use_tree(
    toks: &[String],
    mut i: usize,
    prefix: &[String],
) -> (usize, Vec<(Path, Option<String>)>) {
    let mut path = prefix.to_vec();
    let mut items = Vec::new();
    while let Some(t) = toks.get(i) {
        match t.as_str() {
            "::" => i += 1,
            "*" => {
                items.push((path, None));
                return (i + 1, items);
            }
            "{" => {
                i += 1;
                while toks.get(i).is_some_and(|t| t != "}") {
                    let (end, inner) = use_tree(toks, i, &path);
                    items.extend(inner);
                    i = end;
                    if toks.get(i).is_some_and(|t| t == ",") {
                        i += 1;
                    }
                }
                return (i + 1, items);
            }
            w if word(w) => {
                // `{self, …}` names the prefix itself.
                if w != "self" || path.is_empty() {
                    path.push(w.to_string());
                }
                i += 1;
                if toks.get(i).is_some_and(|t| t == "::") {
                    continue;
                }
                let mut bind = path.last().cloned();
                if toks.get(i).is_some_and(|t| t == "as") {
                    bind = toks.get(i + 1).cloned();
                    i += 2;
                }
                items.push((path, bind));
                return (i, items);
            }
            _ => return (i + 1, items),
        }
    }
    (i, items)
}

/// `path` from the crate root, as written in module `cur`; `None` for a
/// path into another crate. Bare names count when they are the file's own
/// `mod` children.
fn absolute(path: &[String], cur: &[String], children: Option<&HashSet<String>>) -> Option<Path> {
    let first = path.first()?;
    if first == "crate" {
        return Some(path[1..].to_vec());
    }
    let mut base = cur.to_vec();
    let mut k = 0;
    while let Some(seg) = path.get(k).filter(|s| *s == "super" || *s == "self") {
        if seg == "super" {
            base.pop();
        }
        k += 1;
    }
    if k > 0 || children.is_some_and(|c| c.contains(first)) {
        return Some([base, path[k..].to_vec()].concat());
    }
    None
}

/// An identifier (or keyword).
fn word(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::syntax;
    use crate::layering::tokens::tokens;

    fn refs(src: &str, module: &[&str]) -> Vec<String> {
        let module: Vec<String> = module
            .iter()
            .map(std::string::ToString::to_string)
            .collect();
        let s = syntax(&tokens(src), &module);
        s.refs.iter().map(|p| p.join("::")).collect()
    }

    #[test]
    fn use_trees_inline_paths_and_test_modules_resolve_from_the_crate_root() {
        let src = "
            mod core;
            use super::{core::CoreMsg, settings::{self, Settings as S}};
            use crate::protocol::*;
            use std::sync::Arc;
            fn f() { let x = crate::store::Store::open(); core::run(); }
            impl super::Engine {}
            #[cfg(test)]
            mod tests { use super::*; use super::super::x::Y; }
        ";
        assert_eq!(
            refs(src, &["daemon", "connection"]),
            [
                "daemon::core::CoreMsg",
                "daemon::settings",
                "daemon::settings::Settings",
                "protocol",
                "store::Store::open",
                "daemon::connection::core::run",
                "daemon::Engine",
                "daemon::connection",
                "daemon::x::Y",
            ]
        );
    }
}

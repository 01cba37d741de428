//! The file-level import graph of `src/`: the module tree walked from
//! `lib.rs` through its `mod` declarations, and an edge from each file to
//! every file whose item it names. A name a module only re-exports (`pub use
//! child::Item`, or a private `use` its children reach through `super::`)
//! leads to the file that defines it, so a facade `mod.rs` is not counted
//! as a dependency of everything it re-exports.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path as FsPath, PathBuf};

use crate::layering::syntax::{Path, Syntax, syntax};
use crate::layering::tokens::tokens;

/// One source file.
pub struct File {
    /// Relative to `src/`, such as `daemon/core.rs`.
    pub name: String,
    /// Its module path from the crate root.
    pub module: Path,
    syntax: Syntax,
}

/// The crate's files and who imports whom.
pub struct Graph {
    pub files: Vec<File>,
    /// For each file, the files it imports, each with one path that does.
    pub edges: Vec<BTreeMap<usize, String>>,
}

/// Reads the crate whose root is `src/lib.rs`.
pub fn load(src: &FsPath) -> Graph {
    let mut files = Vec::new();
    let mut todo = vec![(src.join("lib.rs"), Vec::new())];
    while let Some((path, module)) = todo.pop() {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let syntax = syntax(&tokens(&text), &module);
        let dir = path.parent().unwrap().to_path_buf();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let children_dir = if stem == "mod" || stem == "lib" {
            dir.clone()
        } else {
            dir.join(&stem)
        };
        for (name, attr) in &syntax.children {
            let file = match attr {
                Some(p) => dir.join(p),
                None => child_file(&children_dir, name),
            };
            todo.push((file, [module.clone(), vec![name.clone()]].concat()));
        }
        let name = path
            .strip_prefix(src)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        files.push(File {
            name,
            module,
            syntax,
        });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let by_module: HashMap<Path, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.module.clone(), i))
        .collect();
    let resolver = Resolver {
        files: &files,
        by_module: &by_module,
    };
    let edges = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut out = BTreeMap::new();
            for r in &f.syntax.refs {
                let to = resolver.file_of(r, 0);
                if to != i {
                    out.entry(to)
                        .or_insert_with(|| format!("crate::{}", r.join("::")));
                }
            }
            out
        })
        .collect();
    Graph { files, edges }
}

fn child_file(dir: &FsPath, name: &str) -> PathBuf {
    let flat = dir.join(format!("{name}.rs"));
    if flat.exists() {
        flat
    } else {
        dir.join(name).join("mod.rs")
    }
}

struct Resolver<'a> {
    files: &'a [File],
    by_module: &'a HashMap<Path, usize>,
}

impl Resolver<'_> {
    /// The file that defines what `path` names.
    fn file_of(&self, path: &[String], hops: usize) -> usize {
        let k = (0..=path.len())
            .rev()
            .find(|k| self.by_module.contains_key(&path[..*k]))
            .expect("the crate root is a module");
        let at = self.by_module[&path[..k]];
        let Some(first) = path.get(k) else { return at };
        let s = &self.files[at].syntax;
        if hops > 16 || s.defs.contains(first) {
            return at;
        }
        if let Some(target) = s.binds.get(first) {
            return self.file_of(&[target.clone(), path[k + 1..].to_vec()].concat(), hops + 1);
        }
        for glob in &s.globs {
            let named = self.by_module.get(glob).is_some_and(|g| {
                let gs = &self.files[*g].syntax;
                gs.defs.contains(first) || gs.binds.contains_key(first)
            });
            if named {
                return self.file_of(&[glob.clone(), path[k..].to_vec()].concat(), hops + 1);
            }
        }
        at
    }
}

/// The strongly connected components of more than one file, each sorted.
pub fn cycles(g: &Graph) -> Vec<Vec<usize>> {
    struct Tarjan<'a> {
        g: &'a Graph,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        stack: Vec<usize>,
        on: Vec<bool>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    impl Tarjan<'_> {
        fn visit(&mut self, v: usize) {
            self.index[v] = Some(self.next);
            self.low[v] = self.next;
            self.next += 1;
            self.stack.push(v);
            self.on[v] = true;
            for &w in self.g.edges[v].keys() {
                match self.index[w] {
                    None => {
                        self.visit(w);
                        self.low[v] = self.low[v].min(self.low[w]);
                    }
                    Some(iw) if self.on[w] => self.low[v] = self.low[v].min(iw),
                    Some(_) => {}
                }
            }
            if Some(self.low[v]) == self.index[v] {
                let mut comp = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                if comp.len() > 1 {
                    comp.sort();
                    self.out.push(comp);
                }
            }
        }
    }
    let n = g.files.len();
    let mut t = Tarjan {
        g,
        index: vec![None; n],
        low: vec![0; n],
        stack: Vec::new(),
        on: vec![false; n],
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if t.index[v].is_none() {
            t.visit(v);
        }
    }
    t.out
}

/// One cycle through the first file of `comp`, each step with the path
/// that makes it: `a.rs -> b.rs (crate::…)`.
pub fn one_cycle(g: &Graph, comp: &[usize]) -> String {
    let start = comp[0];
    let mut came: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    'search: while let Some(v) = queue.pop_front() {
        for &w in g.edges[v].keys().filter(|w| comp.contains(w)) {
            if w == start {
                came.insert(start, v);
                break 'search;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = came.entry(w) {
                e.insert(v);
                queue.push_back(w);
            }
        }
    }
    let mut steps = vec![start];
    let mut at = came[&start];
    while at != start {
        steps.push(at);
        at = came[&at];
    }
    steps.push(start);
    steps.reverse();
    steps
        .windows(2)
        .map(|w| {
            format!(
                "{} -> {} ({})",
                g.files[w[0]].name, g.files[w[1]].name, g.edges[w[0]][&w[1]]
            )
        })
        .collect::<Vec<_>>()
        .join("\n  ")
}

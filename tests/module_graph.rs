//! The crate's layering holds: no cycle among the top-level modules of
//! `src/`, and no module uses a higher layer (DESIGN.md, "Layers").
//!
//! The graph is read from the source: an edge `a -> b` for every
//! `crate::b` path (in a `use` or in code) in a file of module `a`,
//! outside comments, string literals and `#[cfg(test)]` modules (a test
//! may drive a rule through the facade). `lib.rs`, the crate root that
//! only declares and re-exports, is not a node. Besides having no cycle,
//! no module may use a module of a higher layer ([`LAYERS`]).
//!
//! To list the graph: `cargo test --test module_graph -- --nocapture`
//! (set `MODULE_GRAPH_SRC` to read another `src/` directory, e.g. an
//! older checkout).

// Helpers of a test: a failure is the test failing.
#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Module -> the modules it uses.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// Files that are nodes of their own rather than part of their top-level
/// module: the database backends of `store`. They sit on top with the
/// facade, because a backend's schema migration converts the registry's
/// documents (`SqliteStore` runs `registry::upgrade_to_pseudonyms`), while
/// the store traits sit below the facade.
const OWN_NODES: &[(&str, &str)] = &[
    ("store/sqlite.rs", "store::sqlite"),
    ("store/postgres.rs", "store::postgres"),
];

/// The layers of DESIGN.md, "Layers", bottom first: a module may use
/// modules of its own layer or below, never above. A module in no layer is
/// checked for cycles only (place it in DESIGN.md and here).
/// The folder modules whose files are checked for cycles among themselves
/// ([`no_cycle_among_the_files_of_a_folder_module`]).
const FOLDERS: &[&str] = &[
    "assess",
    "calendar",
    "grading",
    "objection",
    "registry",
    "repair",
    "store",
    "subject",
];

const LAYERS: &[&[&str]] = &[
    &["citation", "subject", "calendar", "ids", "text"],
    &["misconduct", "audit", "actor"],
    &[
        "catalogue",
        "grading",
        "lists",
        "repair",
        "retention",
        "objection",
        "commitment",
        "tipoff",
        "quarterly",
        "permission",
    ],
    &["assess", "explain"],
    &[
        "store",
        "registry",
        "trace",
        "store::sqlite",
        "store::postgres",
    ],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The edges that go up a layer.
fn upward_edges(graph: &Graph) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (from, tos) in graph {
        for to in tos {
            if let (Some(a), Some(b)) = (layer_of(from), layer_of(to)) {
                if b > a {
                    out.push((from.clone(), to.clone()));
                }
            }
        }
    }
    out
}

/// `code` without comments, string and character literals (each replaced
/// by a space), so that neither a doc link nor a message is read as a use.
fn strip(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && matches!(next, Some('"') | Some('#')) && !ident_before(&chars, i) {
            // A raw string r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            'raw: while j < chars.len() {
                if chars[j] == '"' && (0..hashes).all(|h| chars.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break 'raw;
                }
                j += 1;
            }
            i = j;
            out.push(' ');
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push(' ');
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{..}'); a lifetime is kept.
            if next == Some('\\') {
                let mut j = i + 2;
                while j < chars.len() && chars[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
                out.push(' ');
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push(' ');
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0
        && chars
            .get(i - 1)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// `code` (already stripped) without its `#[cfg(test)]` modules.
fn without_test_modules(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "#[cfg(test)]".len()..];
        let trimmed = after.trim_start();
        let is_mod = trimmed.starts_with("mod ") || trimmed.starts_with("pub mod ");
        let open = after.find('{');
        let semi = after.find(';');
        match open {
            Some(open) if is_mod && semi.is_none_or(|s| s > open) => {
                let mut depth = 0usize;
                let mut end = after.len();
                for (k, ch) in after[open..].char_indices() {
                    match ch {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = open + k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                rest = &after[end..];
            }
            _ => rest = after,
        }
    }
    out.push_str(rest);
    out
}

/// The top-level modules named by `crate::` paths in `code` (stripped),
/// including each member of a `crate::{a, b::c}` group.
fn references(code: &str) -> BTreeSet<String> {
    references_after(code, "crate::")
}

/// The first names of the paths that start with `prefix` (`crate::`,
/// `super::`, `crate::assess::`) in `code` (stripped), including each
/// member of a `prefix{a, b::c}` group.
fn references_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().last();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let tail = rest.trim_start();
        if let Some(group) = tail.strip_prefix('{') {
            // Names at depth one of the group.
            let mut depth = 1usize;
            let mut start_of_item = true;
            let mut name = String::new();
            for ch in group.chars() {
                if depth == 1 && start_of_item && (ch.is_alphanumeric() || ch == '_') {
                    name.push(ch);
                    continue;
                }
                if !name.is_empty() {
                    found.insert(std::mem::take(&mut name));
                    start_of_item = false;
                }
                match ch {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => start_of_item = true,
                    _ => {}
                }
            }
            if !name.is_empty() {
                found.insert(name);
            }
        } else {
            let name: String = tail
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|x| x == "rs") {
            into.push(path);
        }
    }
}

/// The module graph of the crate whose sources are in `src`.
fn graph_of(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let module_of = |path: &Path| -> Option<String> {
        let rel = path.strip_prefix(src).ok()?;
        let rel_str = rel.to_str()?.replace('\\', "/");
        if let Some(own) = OWN_NODES.iter().find(|n| rel_str == n.0) {
            return Some(own.1.to_owned());
        }
        let first = rel.components().next()?.as_os_str().to_str()?;
        let name = first.strip_suffix(".rs").unwrap_or(first);
        (name != "lib" && name != "main").then(|| name.to_owned())
    };
    let modules: BTreeSet<String> = files.iter().filter_map(|p| module_of(p)).collect();
    let mut graph: Graph = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    for path in &files {
        let Some(from) = module_of(path) else {
            continue;
        };
        let code = without_test_modules(&strip(&fs::read_to_string(path).unwrap()));
        for to in references(&code) {
            if to != from && modules.contains(&to) {
                graph.get_mut(&from).unwrap().insert(to);
            }
        }
    }
    graph
}

/// The strongly connected components of more than one module (each a set
/// of modules that reach each other), in Tarjan's order.
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct Tarjan<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    impl<'g> Tarjan<'g> {
        fn visit(&mut self, v: &'g str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.graph.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(lw);
                } else if self.on_stack.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low.get_mut(v).unwrap();
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.to_owned());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut t = Tarjan {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v.as_str()) {
            t.visit(v);
        }
    }
    t.found
}

fn listing(graph: &Graph) -> String {
    graph
        .iter()
        .map(|(from, to)| {
            let to: Vec<&str> = to.iter().map(String::as_str).collect();
            format!("{from} -> {}\n", to.join(", "))
        })
        .collect()
}

#[test]
fn no_cycle_among_top_level_modules() {
    let src = std::env::var_os("MODULE_GRAPH_SRC")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let graph = graph_of(&src);
    println!("{}", listing(&graph));
    // The graph is read at all: the facade uses the rules.
    assert!(graph["registry"].contains("grading"), "{graph:?}");
    let unplaced: Vec<&String> = graph.keys().filter(|m| layer_of(m).is_none()).collect();
    assert!(
        unplaced.is_empty(),
        "modules in no layer: place them in DESIGN.md, \"Layers\", and in LAYERS: {unplaced:?}"
    );
    let up = upward_edges(&graph);
    assert!(
        up.is_empty(),
        "modules that use a higher layer (see DESIGN.md, \"Layers\"): {up:?}"
    );
    let found = cycles(&graph);
    assert!(
        found.is_empty(),
        "modules that import each other (a cycle; see DESIGN.md, \"Layers\"): {found:?}\n\
         the graph:\n{}",
        listing(&graph)
    );
}

/// The graph among the files of the folder module `src/<folder>/`: an
/// edge `a -> b` for every `super::b` or `crate::<folder>::b` path in
/// `a.rs` (outside comments, literals and test modules). `mod.rs`, the
/// module root that declares and re-exports (and for `assess`, runs the
/// assessment over the other files), is not a node; neither are subfolders.
fn folder_graph(src: &Path, folder: &str) -> Graph {
    let dir = src.join(folder);
    let mut files: Vec<(String, PathBuf)> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_owned();
            (name != "mod").then_some((name, p))
        })
        .collect();
    files.sort();
    let names: BTreeSet<String> = files.iter().map(|(n, _)| n.clone()).collect();
    let mut graph: Graph = names.iter().map(|n| (n.clone(), BTreeSet::new())).collect();
    let own = format!("crate::{folder}::");
    for (from, path) in &files {
        let code = without_test_modules(&strip(&fs::read_to_string(path).unwrap()));
        let used = references_after(&code, "super::")
            .into_iter()
            .chain(references_after(&code, &own));
        for to in used {
            if &to != from && names.contains(&to) {
                graph.get_mut(from).unwrap().insert(to);
            }
        }
    }
    graph
}

/// The files of the folder modules split by concern use each other one
/// way: a reader can take them bottom up.
#[test]
fn no_cycle_among_the_files_of_a_folder_module() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for folder in FOLDERS {
        let graph = folder_graph(&src, folder);
        println!("{folder}:\n{}", listing(&graph));
        assert!(graph.len() > 1, "{folder} has files: {graph:?}");
        let found = cycles(&graph);
        assert!(
            found.is_empty(),
            "files of {folder} that use each other (a cycle): {found:?}\nthe graph:\n{}",
            listing(&graph)
        );
    }
    // The graph is read at all: the outcome types come first.
    assert!(folder_graph(&src, "assess")["next_change"].contains("outcome"));
}

fn graph_from(edges: &[(&str, &str)]) -> Graph {
    let mut g = Graph::new();
    for (a, b) in edges {
        g.entry((*a).to_owned())
            .or_default()
            .insert((*b).to_owned());
        g.entry((*b).to_owned()).or_default();
    }
    g
}

#[test]
fn a_cycle_is_found() {
    let g = graph_from(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("e", "d")]);
    assert_eq!(cycles(&g), vec![vec!["a", "b", "c"]]);
    let g = graph_from(&[("a", "b"), ("b", "c"), ("a", "c")]);
    assert!(cycles(&g).is_empty());
    let g = graph_from(&[("a", "b"), ("b", "a"), ("c", "d"), ("d", "c")]);
    assert_eq!(cycles(&g).len(), 2);
}

#[test]
fn an_upward_edge_is_found() {
    let g = graph_from(&[("registry", "grading"), ("grading", "misconduct")]);
    assert!(upward_edges(&g).is_empty());
    let g = graph_from(&[("grading", "registry"), ("misconduct", "subject")]);
    assert_eq!(
        upward_edges(&g),
        [("grading".to_owned(), "registry".to_owned())]
    );
}

#[test]
fn references_are_read_from_code_only() {
    let code = r#"
use crate::grading::{Facts, Finding};
use crate::{lists, misconduct::{RecordId, Severity}, subject as s};
/// See [`crate::registry::Registry`].
// crate::store
fn f() -> &'static str { let _ = crate::calendar::ChinaCalendar::official(); "crate::audit" }
#[cfg(test)]
mod tests {
    use crate::registry::Registry;
}
fn g() { let _c = '{'; let _x = crate::retention::RetentionPolicy::default(); }
"#;
    let found = references(&without_test_modules(&strip(code)));
    let names: Vec<&str> = found.iter().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "calendar",
            "grading",
            "lists",
            "misconduct",
            "retention",
            "subject"
        ]
    );
}

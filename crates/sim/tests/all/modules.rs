//! The core's modules import each other without a circle: a module (a file of `src/`)
//! only uses modules below it, so each can be read, tested and changed from the bottom
//! up. Read from the source itself: every `crate::a::b` path outside comments is an
//! edge to the deepest module of the path that is a file (`a/b.rs`, else `a.rs`).
//!
//! A module and its own children are one family: a child may use its parent's items
//! (`super::`) and the parent declares its children, so edges between relatives are
//! not counted. Between unrelated modules every edge counts: a layer's config lives in
//! a leaf child (`gateway/config.rs`) that the run's `config` imports and that imports
//! nothing of its node, while the node (`gateway.rs`) imports `config`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Every module of `src/` (by path: `kernel::cx`) and the modules each one names.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    let module = |f: &Path| -> String {
        let rel = f.strip_prefix(&src).unwrap().with_extension("");
        let parts: Vec<String> = rel
            .iter()
            .map(|c| c.to_str().unwrap().to_string())
            .collect();
        parts.join("::")
    };
    let modules: BTreeSet<String> = files.iter().map(|f| module(f)).collect();
    // The deepest module named by a path `a::b::C`.
    let resolve = |path: &[String]| -> Option<String> {
        (1..=path.len())
            .rev()
            .map(|n| path[..n].join("::"))
            .find(|m| modules.contains(m))
    };
    let related = |a: &str, b: &str| {
        a == b || a.starts_with(&format!("{b}::")) || b.starts_with(&format!("{a}::"))
    };
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let me = module(f);
        if me == "lib" {
            continue;
        }
        let text = fs::read_to_string(f).unwrap();
        let deps = g.entry(me.clone()).or_default();
        let mut add = |path: Vec<String>| {
            if let Some(m) = resolve(&path) {
                if !related(&me, &m) && m != "lib" {
                    deps.insert(m);
                }
            }
        };
        let ident = |s: &str| -> String {
            s.trim()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        };
        for line in text.lines() {
            let code = line.split("//").next().unwrap();
            let mut rest = code;
            while let Some(i) = rest.find("crate::") {
                rest = &rest[i + 7..];
                // `crate::a::b::{c, d::e}`: the path up to a brace, then each item.
                let mut path = Vec::new();
                let mut tail = rest;
                loop {
                    let name = ident(tail);
                    if name.is_empty() {
                        break;
                    }
                    tail = &tail[name.len()..];
                    path.push(name);
                    match tail.strip_prefix("::") {
                        Some(t) => tail = t,
                        None => break,
                    }
                }
                if let Some(inner) = tail.strip_prefix('{') {
                    let inner = inner.split('}').next().unwrap_or("");
                    for item in inner.split(',') {
                        let mut p = path.clone();
                        p.extend(item.split("::").map(ident).filter(|s| !s.is_empty()));
                        add(p);
                    }
                } else if !path.is_empty() {
                    add(path);
                }
            }
        }
    }
    g
}

/// A circle through `start`, if there is one.
fn circle(g: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(
        g: &BTreeMap<String, BTreeSet<String>>,
        at: &str,
        start: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in g.get(at).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if g.contains_key(next) && seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(g, next, start, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    walk(g, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn no_module_imports_another_in_a_circle() {
    let g = graph();
    assert!(
        g.len() > 40,
        "the core's modules were found: {:?}",
        g.keys()
    );
    let circles: Vec<String> = g
        .keys()
        .filter_map(|m| circle(&g, m))
        .map(|c| c.join(" → "))
        .collect();
    assert!(
        circles.is_empty(),
        "modules in a circle:\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_checker_sees_a_circle() {
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    g.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    g.insert("d".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(circle(&g, "a").unwrap(), vec!["a", "b", "c", "a"]);
    assert_eq!(circle(&g, "d"), None);
}

//! ARCHITECTURE.md is the newcomer's map: every path it names must exist. A path is a
//! backticked token that starts at the repository root (`crates/…`, `docs/…`, …) or, like
//! `migrations/sqlite/`, at the crate named last before it on the same line; `{a,b}` lists
//! are expanded.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test fails by panicking

use std::path::{Path, PathBuf};

const ROOTS: [&str; 6] = [
    "crates/",
    "services/",
    "docs/",
    "scripts/",
    "tests/",
    "migrations/",
];

fn expand(token: &str) -> Vec<String> {
    match (token.find('{'), token.find('}')) {
        (Some(open), Some(close)) if open < close => token[open + 1..close]
            .split(',')
            .flat_map(|part| expand(&format!("{}{part}{}", &token[..open], &token[close + 1..])))
            .collect(),
        _ => vec![token.to_string()],
    }
}

#[test]
fn every_path_named_in_architecture_md_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let mut missing = Vec::new();
    let mut checked = 0;
    for line in text.lines() {
        let mut last_crate: Option<PathBuf> = None;
        for (i, token) in line.split('`').enumerate() {
            if i % 2 == 0 || token.contains(' ') || !ROOTS.iter().any(|r| token.starts_with(r)) {
                continue;
            }
            for path in expand(token) {
                let candidates: Vec<PathBuf> = std::iter::once(root.join(&path))
                    .chain(last_crate.iter().map(|c| c.join(&path)))
                    .collect();
                checked += 1;
                if !candidates.iter().any(|c| c.exists()) {
                    missing.push(path.clone());
                }
                if let Some(name) = path
                    .strip_prefix("crates/")
                    .and_then(|p| p.split('/').next())
                {
                    last_crate = Some(root.join("crates").join(name));
                }
            }
        }
    }
    assert!(
        checked > 30,
        "only {checked} paths found: is the map still there?"
    );
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names paths that do not exist: {missing:?}"
    );
}

fn rust_sources(dir: &Path, into: &mut String) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_sources(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push_str(&std::fs::read_to_string(&path).expect("source"));
        }
    }
}

/// No crate declares a dependency it does not use (what `cargo machete` checks): each one
/// must be named in the crate's sources, dev-dependencies in its tests, benches or examples.
#[test]
fn every_declared_dependency_is_used() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut unused = Vec::new();
    let mut checked = 0;
    for entry in std::fs::read_dir(root.join("crates")).expect("crates") {
        let dir = entry.expect("entry").path();
        let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        let manifest: toml::Table = manifest.parse().expect("Cargo.toml");
        let mut code = String::new();
        rust_sources(&dir.join("src"), &mut code);
        let mut all = code.clone();
        for extra in ["tests", "benches", "examples"] {
            rust_sources(&dir.join(extra), &mut all);
        }
        for (section, sources) in [("dependencies", &code), ("dev-dependencies", &all)] {
            let Some(deps) = manifest.get(section).and_then(|d| d.as_table()) else {
                continue;
            };
            for name in deps.keys() {
                checked += 1;
                let ident = name.replace('-', "_");
                if !sources.contains(&format!("{ident}::"))
                    && !sources.contains(&format!("use {ident}"))
                    && !sources.contains(&format!("{ident}!"))
                    && !sources.contains(&format!("#[{ident}"))
                {
                    unused.push(format!("{}: {section}.{name}", dir.display()));
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} dependencies found");
    assert!(unused.is_empty(), "declared but not used: {unused:#?}");
}

/// The edges speak to the use cases only: the pages (`crates/web`) and the API
/// (`crates/server/src/api`) use the app's read models, never the store's records, so a
/// change of a table stays in the store and the app layer.
#[test]
fn the_edges_do_not_use_the_store() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let manifest = std::fs::read_to_string(root.join("crates/web/Cargo.toml")).expect("manifest");
    assert!(
        !manifest.contains("amtsweg-store"),
        "crates/web depends on amtsweg-store"
    );
    for edge in ["crates/web/src", "crates/server/src/api"] {
        let mut code = String::new();
        rust_sources(&root.join(edge), &mut code);
        assert!(code.len() > 1000, "{edge}: no sources found");
        assert!(
            !code.contains("amtsweg_store"),
            "{edge} uses amtsweg_store: go through the app's read models (app/views.rs)"
        );
    }
}

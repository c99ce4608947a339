//! The router, read from its source.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::common::repo_root;

/// The paths of the page routes that take a POST: every `.route(…)` call in `crates/web/src`.
/// Other ways to change state (PUT, PATCH, DELETE, `any`, `on`, services, nested or merged
/// routers) are not used by the pages; they fail here, so that this test learns about them.
#[allow(dead_code)] // each test binary that includes this file uses one of the two
pub(crate) fn state_changing_page_routes() -> BTreeSet<String> {
    page_routes()
        .into_iter()
        .filter(|(method, _)| method == "post")
        .map(|(_, path)| path)
        .collect()
}

/// Every page route as (method, path): `get` and `post` of every `.route(…)` call in
/// `crates/web/src` (anything else fails, as above).
pub(crate) fn page_routes() -> BTreeSet<(String, String)> {
    const METHODS: &[&str] = &["get", "post"];
    const UNEXPECTED: &[&str] = &[
        "put",
        "patch",
        "delete",
        "any",
        "on",
        "post_service",
        "put_service",
        "patch_service",
        "delete_service",
        "any_service",
        "on_service",
    ];
    let mut found = BTreeSet::new();
    let mut unexpected = Vec::new();
    let files = rust_files(&repo_root().join("crates/web/src"));
    assert!(!files.is_empty(), "no sources under crates/web/src");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read a source file");
        let name = file.display().to_string();
        for construct in [
            ".nest(",
            ".nest_service(",
            ".merge(",
            ".route_service(",
            ".fallback_service(",
        ] {
            if text.contains(construct) {
                unexpected.push(format!("{name}: {construct}…)"));
            }
        }
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            let args = &rest[at + ".route(".len()..];
            let end = closing_paren(args)
                .unwrap_or_else(|| panic!("{name}: a `.route(` without its closing parenthesis"));
            let call = &args[..end];
            let path = first_string(call)
                .unwrap_or_else(|| panic!("{name}: a route without a path: .route({call})"));
            for method in METHODS.iter().filter(|m| calls(call, m)) {
                found.insert((method.to_string(), path.clone()));
            }
            for method in UNEXPECTED.iter().filter(|m| calls(call, m)) {
                unexpected.push(format!("{name}: {path} with {method}(…)"));
            }
            rest = &args[end..];
        }
    }
    assert!(
        unexpected.is_empty(),
        "state-changing routes this test does not know how to read or send; extend it: {unexpected:?}"
    );
    found
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The index of the parenthesis closing the call whose arguments `text` starts with; string
/// literals are skipped.
fn closing_paren(text: &str) -> Option<usize> {
    let mut depth = 1usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn first_string(text: &str) -> Option<String> {
    let start = text.find('"')? + 1;
    let len = text[start..].find('"')?;
    Some(text[start..start + len].to_string())
}

/// Whether `text` calls the function or method `name` (`name(` not preceded by an identifier).
fn calls(text: &str, name: &str) -> bool {
    let needle = format!("{name}(");
    text.match_indices(&needle).any(|(i, _)| {
        !text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

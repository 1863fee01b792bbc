//! The structure a newcomer relies on, checked on the source: modules import only downwards
//! (error and helpers → db → models → access/audit/auth → state → services → http → api/web →
//! commands), the API and the pages never import each other, and handlers never touch the
//! database or the audit trail themselves (the services do, so none can forget an audit entry).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Layers from the bottom; a module may use its own layer and those below.
const LAYERS: &[&[&str]] = &[
    &[
        "error",
        "text",
        "timestamps",
        "validate",
        "csv_writer",
        "telemetry",
        "paging",
        "proxies",
        "metrics",
        "private_file",
        "key_file",
    ],
    &["db", "db_run", "config", "vault"],
    &["models", "templates"],
    &["access", "audit", "auth"],
    &["state"],
    &["casework", "reports", "accounts", "mail", "surveys"],
    &["http"],
    &["api", "web"],
    &[
        "demo",
        "seed",
        "cli_evidence",
        "cli_import",
        "cli_protect",
        "cli_reminders",
        "cli_surveys",
        "cli_user",
        "lib",
        "main",
    ],
];

/// Pairs in one layer that must not use each other.
const APART: &[(&str, &str)] = &[("api", "web"), ("web", "api")];

/// What a handler (api/, web/) must not write: the services query and audit.
const HANDLER_FORBIDDEN: &[&str] = &[
    "crate::db",
    "crate::audit",
    "diesel::",
    ".db.",
    "state.audit",
    "read_audited",
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/web/admin/users.rs` → `web`).
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("under src");
    let first = relative.components().next().expect("a component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_owned()
}

/// The top-level modules a source text names through `crate::`, including each name inside
/// `crate::{a::…, b}`.
fn crate_references(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let code: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut expecting = true;
            let mut name = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        if expecting && !name.is_empty() {
                            found.insert(std::mem::take(&mut name));
                        }
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => expecting = true,
                    _ => {}
                }
                if depth == 0 && expecting {
                    if c.is_alphanumeric() || c == '_' {
                        name.push(c);
                    } else if !name.is_empty() {
                        found.insert(std::mem::take(&mut name));
                        expecting = false;
                    }
                }
            }
        } else {
            let name: String = rest
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

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn modules_import_only_their_own_layer_and_those_below() {
    let src = src_dir();
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_of(&src, file);
        let own = layer(&module).unwrap_or_else(|| panic!("{module} is in no layer: add it"));
        let text = fs::read_to_string(file).expect("read");
        for used in crate_references(&text) {
            let Some(theirs) = layer(&used) else {
                continue; // an item at the crate root, e.g. `crate::AppState`
            };
            if theirs > own || APART.contains(&(module.as_str(), used.as_str())) {
                wrong.push(format!("{} uses crate::{used}", file.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn handlers_leave_queries_and_audit_entries_to_the_services() {
    let src = src_dir();
    let mut files = Vec::new();
    sources(&src.join("api"), &mut files);
    sources(&src.join("web"), &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).expect("read");
        for forbidden in HANDLER_FORBIDDEN {
            if text.contains(forbidden) {
                wrong.push(format!("{} contains {forbidden}", file.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "handlers doing service work:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_reference_scanner_sees_grouped_and_plain_imports() {
    let found = crate_references(
        "use crate::{db::DbConn, models::{A, B}, error};\nlet x = crate::web::f();\n// crate::api",
    );
    let names: Vec<&str> = found.iter().map(String::as_str).collect();
    assert_eq!(names, ["db", "error", "models", "web"]);
}

/// Every route under `/api/v1` is registered through `utoipa_actix_web` from a handler with its
/// `#[utoipa::path]` description, never as a bare actix route, so the OpenAPI document is the
/// whole table of what the API answers.
#[test]
fn api_routes_are_registered_only_with_their_description() {
    let api = src_dir().join("api");
    let mut files = Vec::new();
    sources(&api, &mut files);
    let bare = [
        "web::resource(",
        ".route(",
        "web::method(",
        "web::get(",
        "web::post(",
    ];
    let mut wrong = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).expect("read");
        let checked: &str = if file.ends_with("mod.rs") {
            // Only `v1()` registers `/api/v1`; the rest of mod.rs serves the document itself.
            let start = text.find("fn v1()").expect("api::v1");
            let end = start + text[start..].find("\n}\n").expect("end of v1");
            &text[start..end]
        } else {
            &text
        };
        for pattern in bare {
            if checked.contains(pattern) {
                wrong.push(format!("{}: {pattern}", file.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "bare routes in the API: {wrong:?}");
}

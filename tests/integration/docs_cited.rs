//! The docs cite only what exists: every file path, test (`module::test_name`) and
//! `Type::function` named in backticks in README.md and docs/*.md is found in the repository.

use std::fs;
use std::path::Path;

fn read_all(dir: &Path, ext: &str, out: &mut String) {
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            read_all(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push_str(&fs::read_to_string(&path).unwrap());
        }
    }
}

/// The backticked spans of a Markdown text.
fn cited(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty() && !s.contains(' '))
        .collect()
}

#[test]
fn every_path_test_and_function_the_docs_cite_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut source = String::new();
    read_all(&root.join("src"), "rs", &mut source);
    let mut docs = vec![root.join("README.md")];
    docs.extend(
        fs::read_dir(root.join("docs"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md")),
    );
    let mut missing = Vec::new();
    for doc in &docs {
        let text = fs::read_to_string(doc).unwrap();
        let name = doc.file_name().unwrap().to_string_lossy().into_owned();
        for span in cited(&text) {
            let span = span.trim_end_matches(['.', ',', ';', ':']).to_owned();
            let rooted = [
                "src/",
                "tests/",
                "scripts/",
                "templates/",
                "docs/",
                "bench/",
                "e2e/",
                "migrations/",
                "static/",
                ".ci/",
            ];
            if rooted.iter().any(|r| span.starts_with(r)) {
                let path = span.split([':', '#', '(']).next().unwrap();
                if !path.contains('*') && !path.contains('{') && !root.join(path).exists() {
                    missing.push(format!("{name}: path {span}"));
                }
                continue;
            }
            let Some((first, rest)) = span.split_once("::") else {
                continue;
            };
            if span.contains('…')
                || span.contains('<')
                || span.contains('=')
                || span.contains('(') && !span.ends_with("()")
            {
                continue;
            }
            let rest = rest.trim_end_matches("()");
            let test_file = root.join("tests/integration").join(format!("{first}.rs"));
            let lower = first.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            if lower && rest.contains("::") {
                // A module path of the crate: `auth::surface::Surface`.
                let segments: Vec<&str> = std::iter::once(first).chain(rest.split("::")).collect();
                let module = segments[..segments.len() - 1].join("/");
                let found = root.join("src").join(format!("{module}.rs")).exists()
                    || root.join("src").join(&module).join("mod.rs").exists();
                if !found {
                    missing.push(format!("{name}: module {span}"));
                }
            } else if lower && rest == "*" {
                if !test_file.exists() {
                    missing.push(format!("{name}: tests {span}"));
                }
            } else if lower && test_file.exists() {
                let test = fs::read_to_string(&test_file).unwrap();
                if !test.contains(&format!("fn {rest}(")) {
                    missing.push(format!("{name}: test {span}"));
                }
            } else if first.starts_with(char::is_uppercase) && !rest.contains("::") {
                let defined = ["struct", "enum", "trait", "type"]
                    .iter()
                    .any(|k| source.contains(&format!("{k} {first}")));
                let member = rest.starts_with(char::is_uppercase)
                    || source.contains(&format!("fn {rest}("))
                    || source.contains(&format!("fn {rest}<"))
                    || source.contains(&format!("const {rest}:"));
                if !defined || !member {
                    missing.push(format!("{name}: {span}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "the docs cite what does not exist:\n{}",
        missing.join("\n")
    );
}

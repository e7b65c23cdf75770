//! Tidy checks on the whole workspace: the domain crate's dependencies, the one clock module,
//! and the `//!` line every source file opens with.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() && name != "target" && name != "node_modules" && !name.starts_with('.') {
            rust_files(&path, out);
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn workspace_rust_files() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    rust_files(&root.join("src-tauri"), &mut files);
    assert!(files.len() > 10, "found the sources");
    files
}

#[test]
fn the_domain_crate_depends_on_no_serde_sql_pdf_or_tauri_crate() {
    let output = Command::new(env!("CARGO"))
        .args(["tree", "--offline", "-p", "madoguchi-domain", "-e", "normal,build", "--prefix", "none", "--format", "{p}"])
        .current_dir(workspace_root())
        .output()
        .expect("cargo tree runs");
    assert!(output.status.success(), "cargo tree: {}", String::from_utf8_lossy(&output.stderr));
    let tree = String::from_utf8_lossy(&output.stdout);
    let crates: Vec<&str> = tree.lines().filter_map(|l| l.split_whitespace().next()).collect();
    assert!(crates.contains(&"chrono"), "the tree lists the domain's dependencies: {crates:?}");
    let forbidden = ["serde", "serde_core", "serde_json", "rusqlite", "libsqlite3-sys", "printpdf", "krilla", "tauri"];
    let found: Vec<&&str> = crates.iter().filter(|c| forbidden.iter().any(|f| c == &f || c.starts_with("tauri-"))).collect();
    assert!(found.is_empty(), "madoguchi-domain must stay pure, but depends on {found:?}");
}

#[test]
fn only_the_clock_module_reads_the_system_time() {
    // Split so this file does not match itself.
    let patterns = [["SystemTime", "::now"], ["Utc", "::now"], ["Local", "::now"], ["Instant", "::now"], ["chrono::", "Local"]];
    let allowed = workspace_root().join("crates/api/src/clock.rs");
    let mut offenders = Vec::new();
    for file in workspace_rust_files() {
        if file == allowed || file.components().any(|c| c.as_os_str() == "benches") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable");
        for [a, b] in patterns {
            if text.contains(&format!("{a}{b}")) {
                offenders.push(format!("{} reads the clock ({a}{b})", file.display()));
            }
        }
    }
    assert!(offenders.is_empty(), "only crates/api/src/clock.rs may read the time:\n{}", offenders.join("\n"));
}

#[test]
fn every_source_file_opens_with_a_doc_line() {
    let missing: Vec<String> = workspace_rust_files()
        .into_iter()
        .filter(|f| !std::fs::read_to_string(f).expect("readable").starts_with("//!"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(missing.is_empty(), "files without a //! line:\n{}", missing.join("\n"));
}

#[test]
fn the_page_and_the_app_config_carry_the_same_strict_csp() {
    let root = workspace_root();
    let config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(root.join("src-tauri/tauri.conf.json")).expect("config")).expect("JSON");
    let csp = config["app"]["security"]["csp"].as_str().expect("a CSP string").to_string();
    let page = std::fs::read_to_string(root.join("ui/index.html")).expect("page");
    assert!(page.contains(&format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">")), "ui/index.html carries exactly {csp}");
    for directive in ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'none'"] {
        assert!(csp.split(';').any(|d| d.trim() == directive), "{directive} in {csp}");
    }
}

/// The API and the session answer with typed structs (`madoguchi_api::wire`, the session's
/// `wire`): no public function of theirs returns a `serde_json::Value`, except the session's
/// one serialization point for the page.
/// Each source file of the API and the session (workspace-relative path) with its code before
/// its unit tests, which may read and write JSON freely.
fn api_and_session_code() -> Vec<(String, String)> {
    let root = workspace_root();
    let mut files = Vec::new();
    rust_files(&root.join("crates/api/src"), &mut files);
    rust_files(&root.join("crates/app/src"), &mut files);
    files
        .iter()
        .map(|file| {
            let relative = file.strip_prefix(&root).expect("in the workspace").to_string_lossy().replace('\\', "/");
            let text = std::fs::read_to_string(file).expect("readable");
            (relative, text.split("#[cfg(test)]").next().unwrap_or_default().to_string())
        })
        .collect()
}

#[test]
fn the_api_and_the_session_return_typed_answers() {
    let allowed = [("crates/app/src/lib.rs", "dispatch")];
    let mut offenders = Vec::new();
    let mut seen = Vec::new();
    for (relative, text) in api_and_session_code() {
        for (at, _) in text.match_indices("pub fn ") {
            let signature = text[at..].split('{').next().unwrap_or_default();
            let name = signature["pub fn ".len()..].split(['(', '<']).next().unwrap_or_default().trim().to_string();
            let returns = signature.split("->").nth(1).unwrap_or_default();
            if returns.contains("Value") {
                if allowed.contains(&(relative.as_str(), name.as_str())) {
                    seen.push((relative.clone(), name));
                } else {
                    offenders.push(format!("{relative}: {name}"));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "public functions answering with serde_json::Value instead of a wire struct: {offenders:#?}");
    assert_eq!(seen.len(), allowed.len(), "an allowed JSON answer is gone: drop it from the list ({seen:?})");
}

/// Answers are built as wire structs and inputs read into typed ones (a document draft is the
/// typed document input written back), so the API and the session write no JSON by hand:
/// `json!` only in unit tests.
#[test]
fn the_api_and_the_session_write_no_json_by_hand() {
    let offenders: Vec<String> = api_and_session_code().into_iter().filter(|(_, code)| code.contains("json!(")).map(|(relative, _)| relative).collect();
    assert!(offenders.is_empty(), "json! in the API or the session (build a wire struct, or Value::from for one scalar): {offenders:#?}");
}

/// The whole tree is formatted as rustfmt.toml says (the same check scripts/test runs first).
#[test]
fn every_file_is_formatted() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo).args(["fmt", "--all", "--check"]).current_dir(workspace_root()).output().expect("cargo fmt runs");
    assert!(output.status.success(), "cargo fmt --all --check: {}", String::from_utf8_lossy(&output.stdout));
}

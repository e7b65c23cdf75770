//! The public table of cases (`tests/quote/**/*.json`), each run through the real `madoguchi quote` process.
//!
//! A case has `id`, `cite`, `request`, and either `expect` (a subset of the answer: objects
//! match key by key, arrays element by element with equal length) or `error_field` (exit 2,
//! one stderr line starting with `<field>:`, nothing on stdout).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

fn case_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("tests/quote exists").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            case_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

pub fn load_cases() -> Vec<(String, Value)> {
    let mut files = Vec::new();
    case_files(&workspace_root().join("tests/quote"), &mut files);
    let mut cases = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable case file");
        let list: Vec<Value> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in list {
            cases.push((file.display().to_string(), case));
        }
    }
    cases
}

/// Where `actual` fails to contain `expected`, as "path: reason" lines.
fn mismatches(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (key, value) in e {
                match a.get(key) {
                    Some(found) => mismatches(&format!("{path}.{key}"), value, found, out),
                    None => out.push(format!("{path}.{key}: missing")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!("{path}: {} elements expected, {} found: {actual}", e.len(), a.len()));
                return;
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                mismatches(&format!("{path}[{i}]"), ev, av, out);
            }
        }
        _ if expected == actual => {}
        _ => out.push(format!("{path}: expected {expected}, found {actual}")),
    }
}

fn run_quote(request: &Value) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_madoguchi"))
        .arg("quote")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("madoguchi starts");
    child.stdin.take().expect("stdin").write_all(request.to_string().as_bytes()).expect("request written");
    let output = child.wait_with_output().expect("madoguchi ends");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn every_case_of_the_public_table_holds() {
    let cases = load_cases();
    assert!(cases.len() >= 20, "the table has its cases ({} found)", cases.len());
    let mut ids = std::collections::HashSet::new();
    let mut failures = Vec::new();
    for (file, case) in &cases {
        let id = case["id"].as_str().unwrap_or_else(|| panic!("{file}: a case without id"));
        assert!(ids.insert(id.to_string()), "{file}: duplicate case id {id}");
        assert!(case["cite"].is_string(), "{id}: every case cites its seed");
        let (status, stdout, stderr) = run_quote(&case["request"]);
        let mut problems = Vec::new();
        if let Some(expect) = case.get("expect") {
            if status != 0 {
                problems.push(format!("exit {status}: {}", stderr.trim()));
            } else {
                let answer: Value = serde_json::from_str(&stdout).expect("the answer is JSON");
                mismatches("answer", expect, &answer, &mut problems);
            }
        } else if let Some(field) = case["error_field"].as_str() {
            let lines: Vec<&str> = stderr.lines().collect();
            if status != 2 || !stdout.is_empty() || lines.len() != 1 || !lines[0].starts_with(&format!("{field}:")) {
                problems.push(format!("expected exit 2 with one line '{field}: …', got exit {status}, stderr {stderr:?}"));
            }
        } else {
            problems.push("neither expect nor error_field".into());
        }
        if !problems.is_empty() {
            failures.push(format!("{id} ({file}):\n  {}", problems.join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases fail:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn the_table_covers_every_service_and_kind() {
    let output = Command::new(env!("CARGO_BIN_EXE_madoguchi")).args(["quote", "--kinds"]).output().expect("runs");
    let kinds: Value = serde_json::from_slice(&output.stdout).expect("--kinds prints JSON");
    let cases = load_cases();
    let mut uncovered = Vec::new();
    for service in kinds["services"].as_array().expect("services") {
        for kind in service["kinds"].as_array().expect("kinds") {
            let (s, k) = (service["id"].as_str().unwrap(), kind["kind"].as_str().unwrap());
            let covered = cases.iter().any(|(_, c)| c.get("expect").is_some() && c["request"]["service"] == s && c["request"]["kind"] == k);
            if !covered {
                uncovered.push(format!("{s} {k}"));
            }
        }
    }
    assert!(uncovered.is_empty(), "no answered case for: {}", uncovered.join(", "));
}

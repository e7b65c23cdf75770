//! The committed fuzz inputs as ordinary tests (CI runs no fuzzer): every seed of
//! `fuzz/corpus/<target>/` and every crash input of `fuzz/artifacts/<target>/` through its
//! target's function. A target without seeds fails, and so does a target whose crash inputs
//! (the regression tests of the bugs the fuzzer found) have gone missing.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use madoguchi_fuzz_cases::TARGETS;

/// The targets whose crash inputs are kept, each with how many there are at least.
const CRASHES: [(&str, usize); 4] = [("link_parsing", 1), ("quote_json", 3), ("document_json", 1), ("lookup_queries", 1)];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The input files of a folder, sorted; `None` when it does not exist.
fn inputs(dir: &Path) -> Option<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap_or_else(|e| panic!("{}: {e}", dir.display())).path()).filter(|p| p.is_file()).collect();
    files.sort();
    Some(files)
}

/// Runs every file through the target; panics naming each one that fails.
fn run_all(name: &str, target: fn(&[u8]), files: &[PathBuf]) {
    let failed: Vec<String> = files
        .iter()
        .filter(|file| {
            let data = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            catch_unwind(AssertUnwindSafe(|| target(&data))).is_err()
        })
        .map(|file| file.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{name}: these inputs break a property (see the panics above):\n{}", failed.join("\n"));
}

fn run(name: &str) {
    let (_, target) = TARGETS.iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("no target {name}"));
    let corpus = fuzz_dir().join("corpus").join(name);
    let seeds = inputs(&corpus).unwrap_or_else(|| panic!("{name}: the seed corpus {} is missing", corpus.display()));
    assert!(!seeds.is_empty(), "{name}: the seed corpus {} is empty", corpus.display());
    run_all(name, *target, &seeds);

    let artifacts = fuzz_dir().join("artifacts").join(name);
    let crashes = inputs(&artifacts).unwrap_or_default();
    let kept = CRASHES.iter().find(|(n, _)| *n == name).map_or(0, |(_, count)| *count);
    assert!(crashes.len() >= kept, "{name}: {} crash inputs in {}, but {kept} were fixed and must be kept", crashes.len(), artifacts.display());
    run_all(name, *target, &crashes);
}

#[test]
fn every_target_has_a_test_here() {
    let names: Vec<&str> = TARGETS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["bundle_import", "csv_import", "quote_json", "document_json", "card_detection", "link_parsing", "lookup_queries"]);
    for (name, _) in CRASHES {
        assert!(names.contains(&name), "crash inputs kept for an unknown target {name}");
    }
    // Each target has its fuzzer: fuzz/fuzz_targets/<name>.rs, a binary of fuzz/Cargo.toml.
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    let mut fuzzers: Vec<String> = inputs(&fuzz_dir().join("fuzz_targets"))
        .expect("fuzz/fuzz_targets")
        .iter()
        .filter_map(|p| Some(p.file_name()?.to_str()?.strip_suffix(".rs")?.to_string()))
        .collect();
    fuzzers.sort();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(fuzzers, sorted, "fuzz/fuzz_targets/ holds one fuzzer per target");
    for name in names {
        let bin = format!("[[bin]]\nname = \"{name}\"\npath = \"fuzz_targets/{name}.rs\"");
        assert!(manifest.contains(&bin), "fuzz/Cargo.toml has no binary {name}");
        let source = std::fs::read_to_string(fuzz_dir().join(format!("fuzz_targets/{name}.rs"))).expect("the fuzzer's source");
        assert!(source.contains(&format!("madoguchi_fuzz_cases::{name}(data)")), "fuzz/fuzz_targets/{name}.rs does not call its target");
    }
}

#[test]
fn bundle_import() {
    run("bundle_import");
}

#[test]
fn csv_import() {
    run("csv_import");
}

#[test]
fn quote_json() {
    run("quote_json");
}

#[test]
fn document_json() {
    run("document_json");
}

#[test]
fn card_detection() {
    run("card_detection");
}

#[test]
fn link_parsing() {
    run("link_parsing");
}

#[test]
fn lookup_queries() {
    run("lookup_queries");
}

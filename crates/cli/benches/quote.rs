//! Criterion benchmarks of one quote, in process (the API function) and as a whole `madoguchi quote` process.

use std::hint::black_box;
use std::io::Write;
use std::process::{Command, Stdio};

use criterion::{Criterion, criterion_group, criterion_main};
use madoguchi_api::quote::quote_json;
use madoguchi_api::tariffs::Tariffs;

/// The spec's plus-aqua cancellation-like request: renewal windows, business days, a fee line.
const REQUEST: &str = r#"{"service":"plus-aqua","kind":"cancellation","as_of":"2026-11-20T17:00:00+09:00","plan":"basic","first_delivery":"2025-12-10","servers":2,"prefecture":"北海道"}"#;

/// A fixed "now", so the benchmark does not read the clock either.
fn now() -> madoguchi_domain::time::Moment {
    chrono::DateTime::parse_from_rfc3339("2026-11-21T11:00:00+09:00").expect("a moment")
}

fn in_process(c: &mut Criterion) {
    let tariffs = Tariffs::embedded().expect("tariffs");
    c.bench_function("quote in process (plus-aqua cancellation)", |b| b.iter(|| quote_json(black_box(REQUEST), now(), &tariffs).expect("answers")));
    c.bench_function("tariffs load and validate", |b| b.iter(|| Tariffs::embedded().expect("tariffs")));
}

fn whole_process(c: &mut Criterion) {
    c.bench_function("madoguchi quote process", |b| {
        b.iter(|| {
            let mut child = Command::new(env!("CARGO_BIN_EXE_madoguchi")).arg("quote").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("starts");
            child.stdin.take().expect("stdin").write_all(REQUEST.as_bytes()).expect("writes");
            let output = child.wait_with_output().expect("ends");
            assert!(output.status.success());
        })
    });
}

criterion_group!(benches, in_process, whole_process);
criterion_main!(benches);

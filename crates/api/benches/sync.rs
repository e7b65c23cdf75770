//! Criterion: an incremental bundle of 10,000 changes (10,000 customers' addresses edited on
//! one installation), exported and imported into a copy of another installation of 20,000
//! customers, on real SQLite files. The 1M-customer round trip is timed through the CLI
//! (README: Benchmarks).

use std::collections::BTreeMap;
use std::path::Path;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use madoguchi_api::keys::{self, Signer};
use madoguchi_api::{customers, sync};
use madoguchi_domain::time::Moment;

fn now() -> Moment {
    chrono::DateTime::parse_from_rfc3339("2026-11-21T11:00:00+09:00").expect("moment")
}

fn bench(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("madoguchi-bench-sync-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let (a_path, b_path) = (dir.join("a.sqlite3"), dir.join("b.sqlite3"));
    let mut a = customers::open(&a_path, now()).expect("opens");
    customers::seed(&mut a, 20_000, 1, now(), &mut |_| true).expect("seeds");
    let base = dir.join("base.mdgb");
    let keys_dir = dir.join("keys");
    let signer_a = Signer::of(&a, &keys_dir, "bench").expect("key");
    sync::export(&a, &base, &BTreeMap::new(), None, &signer_a, now(), &mut |_| true).expect("exports");
    let mut b = customers::open(&b_path, now()).expect("opens");
    // B trusts A; its copies below are B (the same installation id, so the same key).
    let own_b = Signer::of(&b, &keys_dir, "bench").expect("key").public();
    keys::trust(&mut b, &signer_a.sender(), &a.installation_id().expect("id"), &own_b, "bench", now()).expect("trusts");
    as_json(sync::import(&mut b, &base, &own_b, now(), &mut |_, _| true)).expect("imports");
    drop(b);

    let ids: Vec<String> = {
        let raw = rusqlite::Connection::open(&a_path).expect("raw");
        let mut stmt = raw.prepare("SELECT id FROM customers ORDER BY id LIMIT 10000").expect("query");
        stmt.query_map([], |r| r.get(0)).expect("rows").collect::<rusqlite::Result<_>>().expect("ids")
    };
    for (i, id) in ids.iter().enumerate() {
        customers::edit(&mut a, id, &[("address".into(), format!("千代田区丸の内{}-{}", i / 100, i % 100))], "bench", now()).expect("edits");
    }
    // As B's own earlier bundle would: B's export to A, here A's own base (A trusts itself).
    let since = sync::since(&a, &signer_a.public(), Some(&base)).expect("since");
    let out = dir.join("inc.mdgb");
    let manifest = sync::export(&a, &out, &since, None, &signer_a, now(), &mut |_| true).expect("exports");
    assert_eq!(manifest.changes, 10_000);
    println!("incremental bundle: {} changes, {} bytes", manifest.changes, std::fs::metadata(&out).expect("size").len());

    c.bench_function("export 10,000 changes since a bundle", |bench| {
        bench.iter(|| sync::export(&a, &dir.join("inc-bench.mdgb"), &since, None, &signer_a, now(), &mut |_| true).expect("exports"))
    });
    let copy = dir.join("b-copy.sqlite3");
    c.bench_function("import 10,000 changes into 20,000 customers", |bench| {
        bench.iter_batched(
            || {
                let _ = std::fs::remove_file(copy.with_extension("sqlite3-wal"));
                std::fs::copy(&b_path, &copy).expect("copy");
                customers::open(Path::new(&copy), now()).expect("opens")
            },
            |mut store| {
                let report = as_json(sync::import(&mut store, &out, &own_b, now(), &mut |_, _| true)).expect("imports");
                assert_eq!(report["applied"], 10_000);
            },
            BatchSize::PerIteration,
        )
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);

/// An answer as the JSON the CLI prints and the app sends.
fn as_json<T: serde::Serialize, E>(answer: Result<T, E>) -> Result<serde_json::Value, E> {
    answer.map(|a| serde_json::to_value(a).expect("an answer is JSON"))
}

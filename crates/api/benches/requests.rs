//! Criterion: listing 10,000 open requests by due date (the 依頼 screen's list), from a real
//! SQLite file, as the app and `madoguchi request list --open` do.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use madoguchi_api::{customers, requests};
use madoguchi_domain::time::Moment;
use madoguchi_store::requests::{NewRequest, insert_request};

fn now() -> Moment {
    chrono::DateTime::parse_from_rfc3339("2026-11-21T11:00:00+09:00").expect("moment")
}

fn bench(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("madoguchi-bench-requests-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let mut store = customers::open(&dir.join("r.sqlite3"), now()).expect("opens");
    customers::seed(&mut store, 1000, 1, now(), &mut |_| true).expect("seeds");
    let ids: Vec<String> = as_json(customers::lookup(&store, "AW0000", 1000)).expect("lookup")["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["customer_id"].as_str().map(str::to_string))
        .collect();
    store
        .write(|tx| {
            for i in 0..10_000 {
                let due = format!("2026-{:02}-{:02}", 11 + i % 2, 1 + i % 28);
                let request = NewRequest {
                    customer_id: &ids[i % ids.len()],
                    account_id: None,
                    request_type: "dealer_change",
                    status: "fax_sent",
                    fields: "{}",
                    due_on: Some(&due),
                };
                insert_request(tx, &request, "bench", "2026-11-01T09:00:00+09:00", "")?;
            }
            Ok(())
        })
        .expect("requests");
    let listed = as_json(requests::list(&store, true, false, None, now())).expect("list");
    assert!(listed["requests"].as_array().map_or(0, Vec::len) >= 10_000, "the seed's own requests are listed too");
    println!("open requests listed: {}", listed["requests"].as_array().map_or(0, Vec::len));
    c.bench_function("list 10,000 open requests by due date", |b| {
        b.iter(|| as_json(requests::list(black_box(&store), true, false, None, now())).expect("list"))
    });
    c.bench_function("list the overdue ones among them", |b| b.iter(|| as_json(requests::list(black_box(&store), false, true, None, now())).expect("list")));
}

criterion_group!(benches, bench);
criterion_main!(benches);

/// An answer as the JSON the CLI prints and the app sends.
fn as_json<T: serde::Serialize, E>(answer: Result<T, E>) -> Result<serde_json::Value, E> {
    answer.map(|a| serde_json::to_value(a).expect("an answer is JSON"))
}

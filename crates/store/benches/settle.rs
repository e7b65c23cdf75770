//! A hostile bundle's worst case for settling: documents that re-issue one another, sent
//! child first, so every row waits on the next. Applied into an empty in-memory store; the
//! goal is < 1 s for 2,000 and < 10 s for 20,000 (settling in dependency order is linear).
//!
//! Run: `cargo bench -p madoguchi-store --bench settle`

use std::collections::BTreeMap;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use madoguchi_store::Store;
use madoguchi_store::sync::{Change, table_index};

const NOW: &str = "2026-11-22T10:00:00+09:00";
const ORIGIN: &str = "0000aaaa-0000-0000-0000-000000000001";

/// A customer, then `n` documents each re-issuing the one after it, listed child first.
fn chain(n: usize) -> Vec<Change> {
    let data = |value: serde_json::Value| value.as_object().cloned();
    let customer = serde_json::json!({"kind": "person", "name": "山田　花子", "name_kana": "ヤマダ ハナコ", "birth_date": null, "prefecture": "東京都",
        "postal_code": "1000001", "address": "千代田区1-1", "created_at": NOW, "updated_at": NOW});
    let mut changes: Vec<Change> = (0..n)
        .map(|i| {
            let reissue_of = (i + 1 < n).then(|| format!("doc-{:06}", i + 1));
            let doc = serde_json::json!({"customer_id": "c1", "account_id": null, "order_id": null, "doc_type": "receipt", "number": format!("RC-T-{i:06}"),
                "issued_at": NOW, "reissue_of": reissue_of, "snapshot": "{}", "pdf_sha256": "00", "updated_at": NOW});
            Change {
                hlc: 10 + i as i64,
                origin: ORIGIN.into(),
                table: table_index("documents").expect("documents"),
                id: format!("doc-{i:06}"),
                data: data(doc),
            }
        })
        .collect();
    changes.push(Change { hlc: 1, origin: ORIGIN.into(), table: table_index("customers").expect("customers"), id: "c1".into(), data: data(customer) });
    changes
}

fn settle(c: &mut Criterion) {
    let mut group = c.benchmark_group("settle");
    group.sample_size(10);
    for n in [2_000, 20_000] {
        group.bench_function(format!("{n} chained re-issues, child first"), |b| {
            b.iter_batched(
                || (Store::open_in_memory(NOW).expect("store"), chain(n)),
                |(mut store, changes)| {
                    let report = store.apply_changes(&mut changes.into_iter().map(Ok), &BTreeMap::new(), &[], None, NOW, &mut |_| true).expect("applies");
                    assert_eq!(report.pending, 0);
                },
                BatchSize::PerIteration,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, settle);
criterion_main!(benches);

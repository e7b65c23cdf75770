//! Hub sync speed as whole `madoguchi sync --hub` processes against a throwaway PostgreSQL on
//! this machine (run by hand: `cargo bench -p madoguchi --bench hub`): the push of 10,000
//! changes, their pull by another installation, a new installation's first sync (a snapshot
//! of the hub), and N installations (default 50,
//! `MADOGUCHI_BENCH_INSTALLATIONS`) of 10,000 changes each syncing all at once, round after
//! round, until every one holds everyone's changes.

#[path = "../tests/cluster/mod.rs"]
mod cluster;

use std::process::Stdio;

use cluster::{Installation, customers, two_installations};
use madoguchi_api::clock::stopwatch;

/// Customers whose import logs about 10,000 changes (a customer, a phone, an account: 3 each).
const CUSTOMERS: usize = 3_334;

fn main() {
    let (dir, cluster, db, a, b) = two_installations("bench");
    a.import(&customers("AW60", CUSTOMERS));
    let n = a.changes();
    let started = stopwatch();
    a.sync();
    println!("push of {n} changes: {:.2} s (one process)", started.elapsed().as_secs_f64());
    let started = stopwatch();
    b.sync();
    println!("pull of {n} changes: {:.2} s (one process)", started.elapsed().as_secs_f64());
    assert_eq!(a.dump(), b.dump());
    let d = Installation::add(&cluster, &dir, &db, "d");
    let started = stopwatch();
    d.sync();
    println!("a new installation's first sync (a snapshot of the hub's {n} changes): {:.2} s (one process)", started.elapsed().as_secs_f64());
    assert_eq!(a.dump(), d.dump());

    let count: usize = std::env::var("MADOGUCHI_BENCH_INSTALLATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(50);
    let many: Vec<Installation> = (0..count).map(|i| Installation::add(&cluster, &dir, &db, &format!("m{i:02}"))).collect();
    for (i, inst) in many.iter().enumerate() {
        inst.import(&customers(&format!("AW{:02}", 10 + i), CUSTOMERS));
    }
    let started = stopwatch();
    let mut rounds = 0;
    loop {
        rounds += 1;
        let running: Vec<_> = many.iter().map(|i| i.sync_command().stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawns")).collect();
        let mut quiet = true;
        for child in running {
            let out = child.wait_with_output().expect("waits");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a report");
            quiet &= report["pushed"] == 0 && report["pulled"] == serde_json::json!([]);
        }
        if quiet {
            break;
        }
    }
    println!(
        "{count} installations × {} changes, syncing at once: converged in {:.1} s ({rounds} rounds, the last one finding nothing new)",
        many[0].changes() / (count as i64 + 1),
        started.elapsed().as_secs_f64()
    );
    let first = many[0].dump();
    assert!(many.iter().all(|i| i.dump() == first), "all the same");
}

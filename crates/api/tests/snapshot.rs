//! A new installation started from a snapshot (`export --snapshot`) on real database files: the
//! snapshot carries the compacted log (fewer changes than the history), the new installation
//! holds exactly the rows of the one it came from, finds its customers, keeps one audit row for
//! the load, and folds every later change as an installation that took the whole history does.

mod common;
use common::as_json;

use common::{at, customer_id};

use std::path::{Path, PathBuf};

use madoguchi_api::customers;
use madoguchi_api::sync;
use madoguchi_store::Store;
use serde_json::Value;

const NOW: &str = "2026-11-20T10:00:00+09:00";

fn folder(name: &str) -> PathBuf {
    common::folder("snapshot", name)
}

fn open(path: &Path) -> Store {
    common::open(path, NOW)
}

fn import(store: &mut Store, bundle: &Path) -> Value {
    common::import_trusted(store, bundle, NOW).expect("imports")
}

fn edit(store: &mut Store, id: &str, field: &str, value: &str) {
    customers::edit(store, id, &[(field.to_string(), value.to_string())], "test", at(NOW)).expect("edits");
    std::thread::sleep(std::time::Duration::from_millis(3));
}

fn snapshot(store: &Store, out: &Path) -> sync::Manifest {
    sync::export_snapshot(store, out, &common::signer(store), at(NOW), &mut |_| true).expect("a snapshot")
}

/// The fixture customers, then a history: the same fields edited again and again, a note, a
/// customer deleted; then B starts from a full bundle of A and edits one customer too.
fn history(dir: &Path) -> (Store, Store) {
    let mut a = open(&dir.join("a.sqlite3"));
    common::import_fixture(&mut a, NOW);
    let x = customer_id(&a, "AW00000001");
    let y = customer_id(&a, "KN00000001");
    let z = customer_id(&a, "PA00000001");
    for n in 1..=5 {
        edit(&mut a, &x, "address", &format!("港区芝公園{n}-2-8"));
    }
    edit(&mut a, &x, "name", "山田　花子");
    customers::add_note(&mut a, &z, "A", "折り返し希望", at(NOW)).expect("note");
    customers::delete(&mut a, &y, "A", at(NOW)).expect("deleted");
    let full = dir.join("a-full.mdgb");
    common::export_all(&a, &full, NOW);
    let mut b = open(&dir.join("b.sqlite3"));
    import(&mut b, &full);
    edit(&mut b, &z, "name_kana", "タナカ ハナコ");
    (a, b)
}

#[test]
fn a_new_installation_from_a_snapshot_holds_the_same_rows_and_finds_its_customers() {
    let dir = folder("same");
    let (a, _b) = history(&dir);
    let out = dir.join("a.snapshot.mdgb");
    let manifest = snapshot(&a, &out);
    let full = a.change_log_dump().expect("log").lines().count() as u64;
    assert!(manifest.snapshot);
    // Four of the five address edits are replaced by the fifth; the import still sets the other
    // fields, and the deleted customer's changes stay with its tombstone.
    assert_eq!(manifest.changes, full - 4, "{} of {full}", manifest.changes);
    assert_eq!(manifest.known, a.known_clocks().expect("clocks"));

    let mut d = open(&dir.join("d.sqlite3"));
    let report = import(&mut d, &out);
    assert_eq!(report["applied"].as_u64(), Some(manifest.changes));
    assert_eq!(d.canonical_dump().expect("dump"), a.canonical_dump().expect("dump"));
    assert!(d.check().expect("check").is_empty(), "{:?}", d.check());
    let x = customer_id(&d, "AW00000001");
    assert_eq!(as_json(customers::customer(&d, &x)).expect("x")["address"].as_str().map(|a| a.contains("芝公園5")), Some(true));
    assert_eq!(as_json(customers::lookup(&d, "山田花子", 5)).expect("lookup")["results"][0]["customer_id"], x.as_str(), "the name index is built");
    assert!(as_json(customers::lookup(&d, "KN00000001", 5)).expect("lookup")["results"].as_array().expect("results").is_empty(), "the deleted stays deleted");
    // One audit row says what was loaded, none per change.
    let conn = rusqlite::Connection::open(dir.join("d.sqlite3")).expect("opens");
    let loads: Vec<String> = conn
        .prepare("SELECT new_value FROM audit_log WHERE entity = 'changes' AND entity_id = 'load'")
        .expect("query")
        .query_map([], |r| r.get(0))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("loads");
    assert_eq!(loads.len(), 1, "{loads:?}");
    assert!(loads[0].starts_with(&format!("{} changes of 1 installations", manifest.changes)), "{loads:?}");
    let per_change: i64 = conn.query_row("SELECT count(*) FROM audit_log WHERE actor LIKE 'sync:%'", [], |r| r.get(0)).expect("count");
    assert_eq!(per_change, 0);
    // Imported again, as an ordinary bundle: nothing new.
    let again = import(&mut d, &out);
    assert_eq!(again["applied"], 0);
}

#[test]
fn later_changes_fold_alike_on_an_installation_from_a_snapshot_and_one_from_the_whole_log() {
    let dir = folder("later");
    let (mut a, mut b) = history(&dir);
    let out = dir.join("a.snapshot.mdgb");
    snapshot(&a, &out);
    let mut d = open(&dir.join("d.sqlite3"));
    import(&mut d, &out);
    let mut e = open(&dir.join("e.sqlite3"));
    import(&mut e, &dir.join("a-full.mdgb"));

    // A edits X's address again (newer than the snapshot's), B's older kana edit of Z arrives,
    // and the whole history of A arrives at D again (the replaced values must not come back).
    let x = customer_id(&a, "AW00000001");
    edit(&mut a, &x, "address", "港区芝公園9-9-9");
    let (from_a, from_b) = (dir.join("a-2.mdgb"), dir.join("b-2.mdgb"));
    common::export_all(&a, &from_a, NOW);
    common::export_all(&b, &from_b, NOW);
    for store in [&mut d, &mut e] {
        import(store, &from_b);
        import(store, &from_a);
        import(store, &dir.join("a-full.mdgb"));
    }
    import(&mut a, &from_b);
    import(&mut b, &from_a);
    let dump = a.canonical_dump().expect("dump");
    for (name, store) in [("B", &b), ("D (snapshot)", &d), ("E (whole log)", &e)] {
        assert!(store.canonical_dump().expect("dump") == dump, "{name} differs from A");
    }
    let view = as_json(customers::customer(&d, &x)).expect("x");
    assert_eq!(view["address"], "港区芝公園9-9-9");
}

/// A's newest change replaced by B's is left out of A's snapshot; what the snapshot covers is
/// still known to the new installation, so it asks for nothing below it again; the whole log
/// arriving anyway is taken (nothing is ever dropped), changes no row and is no conflict (it
/// was settled where the snapshot was made).
#[test]
fn what_a_snapshot_covers_stays_known_when_it_leaves_an_origins_newest_change_behind() {
    let dir = folder("horizon");
    let (mut a, mut b) = history(&dir);
    let z = customer_id(&a, "PA00000001");
    edit(&mut a, &z, "address", "大阪市北区梅田1-1（A）");
    let (a2, b2) = (dir.join("a-2.mdgb"), dir.join("b-2.mdgb"));
    common::export_all(&a, &a2, NOW);
    import(&mut b, &a2);
    edit(&mut b, &z, "address", "大阪市北区梅田2-2（B）");
    common::export_all(&b, &b2, NOW);
    import(&mut a, &b2);
    let out = dir.join("a.snapshot.mdgb");
    snapshot(&a, &out);
    assert!(!std::fs::read_to_string(&out).expect("snapshot").contains("梅田1-1（A）"), "A's newest change is replaced in every field");

    let mut d = open(&dir.join("d.sqlite3"));
    import(&mut d, &out);
    assert_eq!(d.known_clocks().expect("clocks"), a.known_clocks().expect("clocks"), "the snapshot's horizon");
    let full = dir.join("a-full-2.mdgb");
    common::export_all(&a, &full, NOW);
    let again = import(&mut d, &full);
    assert_eq!(again["conflicts"], serde_json::json!([]), "{again}");
    assert!(d.canonical_dump().expect("dump") == a.canonical_dump().expect("dump"));
}

/// A manifest whose `snapshot` is not true or false is refused naming it, and nothing is written.
#[test]
fn a_snapshot_flag_that_is_not_true_or_false_is_refused_naming_it() {
    let dir = folder("flag");
    let (a, _b) = history(&dir);
    let out = dir.join("a.snapshot.mdgb");
    snapshot(&a, &out);
    let (mut manifest, rest) = common::split_bundle(&out);
    manifest["snapshot"] = serde_json::json!("yes");
    let bad = dir.join("bad.mdgb");
    common::write_bundle(&bad, &common::signer(&a), &manifest, &rest);
    let mut d = open(&dir.join("d.sqlite3"));
    common::trust_sender_of(&mut d, &out, at(NOW));
    let own = common::signer(&d).public();
    let error = as_json(sync::import(&mut d, &bad, &own, at(NOW), &mut |_, _| true)).expect_err("refused");
    assert!(error.to_string().contains("manifest.snapshot: must be true or false"), "{error}");
    assert!(d.known_clocks().expect("clocks").is_empty(), "nothing was written");
}

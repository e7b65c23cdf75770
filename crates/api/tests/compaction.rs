//! Compacting an installation's own change log on real database files: what no field takes any
//! more and every installation has seen goes, tombstones and each origin's newest change stay;
//! the rows, a snapshot and every later fold are as with the whole log; a shared folder's sync
//! compacts once a day, holding back what another installation's bundles show it has not seen.

mod common;
use common::as_json;

use common::{at, customer_id};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use madoguchi_api::customers;
use madoguchi_api::sync;
use madoguchi_store::Store;

const NOW: &str = "2026-11-20T10:00:00+09:00";
const TOMORROW: &str = "2026-11-21T10:00:00+09:00";

fn folder(name: &str) -> PathBuf {
    common::folder("compaction", name)
}

fn open(path: &Path) -> Store {
    common::open(path, NOW)
}

fn edit(store: &mut Store, id: &str, field: &str, value: &str) {
    customers::edit(store, id, &[(field.to_string(), value.to_string())], "test", at(NOW)).expect("edits");
    std::thread::sleep(std::time::Duration::from_millis(3));
}

/// The fixture customers, then one customer's address edited five times, a name edited, a
/// customer deleted.
fn history(path: &Path) -> Store {
    let mut a = open(path);
    common::import_fixture(&mut a, NOW);
    let x = customer_id(&a, "AW00000001");
    for n in 1..=5 {
        edit(&mut a, &x, "address", &format!("港区芝公園{n}-2-8"));
    }
    edit(&mut a, &x, "name", "山田　花子");
    let y = customer_id(&a, "KN00000001");
    customers::delete(&mut a, &y, "A", at(NOW)).expect("deleted");
    a
}

fn snapshot_lines(store: &Store) -> Vec<String> {
    let mut lines = Vec::new();
    store
        .compacted_changes(&mut |c| {
            lines.push(format!("{} {} {} {} {:?}", c.origin, c.hlc, c.table, c.id, c.data));
            Ok(())
        })
        .expect("compacted");
    lines
}

#[test]
fn what_everyone_has_seen_and_no_field_takes_goes_and_nothing_else_changes() {
    let dir = folder("rule");
    let mut a = history(&dir.join("a.sqlite3"));
    let (rows, snapshot, whole) = (a.canonical_dump().expect("dump"), snapshot_lines(&a), a.change_log_dump().expect("log"));
    let known = a.known_clocks().expect("clocks");

    // B takes A's whole history before A compacts: what B sends back later holds the changes A
    // removes, which A must know rather than take as new (its own origin: a forged change).
    let before = dir.join("before.mdgb");
    common::export_all(&a, &before, NOW);
    let mut b = open(&dir.join("b.sqlite3"));
    common::import_trusted(&mut b, &before, NOW).expect("imports");

    // Floors below the edits hold everything back.
    let none: BTreeMap<String, i64> = known.keys().map(|o| (o.clone(), 0)).collect();
    assert_eq!(a.compact_log(&none, NOW).expect("compacts").removed, 0);
    assert_eq!(a.change_log_dump().expect("log"), whole);

    // Everyone has seen everything: four of the five address edits go, as a snapshot leaves
    // them out; the rows, the snapshot and the newest clock stay.
    let done = a.compact_log(&known, NOW).expect("compacts");
    assert_eq!((done.changes, done.removed), (whole.lines().count() as u64, 4));
    assert_eq!(a.canonical_dump().expect("dump"), rows);
    assert_eq!(snapshot_lines(&a), snapshot);
    assert_eq!(a.known_clocks().expect("clocks"), known);
    assert_eq!(a.change_log_dump().expect("log").lines().count(), snapshot.len());
    assert!(a.change_log_dump().expect("log").contains("tombstone"), "the deleted customer's tombstone stays");
    assert_eq!(a.compact_log(&known, NOW).expect("compacts again").removed, 0);
    let from_b = dir.join("from-b.mdgb");
    common::export_all(&b, &from_b, NOW);
    let back = common::import_trusted(&mut a, &from_b, NOW).expect("B's bundle holding the removed changes is taken");
    assert_eq!((back["applied"].as_u64(), back["already_known"].as_u64()), (Some(0), Some(whole.lines().count() as u64)), "{back}");
    assert_eq!(a.change_log_dump().expect("log").lines().count(), snapshot.len(), "nothing removed comes back");
    assert!(a.check().expect("check").is_empty());

    // A new installation from the compacted log holds the same rows, and a later change folds
    // alike there and on one that took the whole history.
    let (compacted, full) = (dir.join("compacted.mdgb"), dir.join("full.mdgb"));
    common::export_all(&a, &compacted, NOW);
    let mut d = open(&dir.join("d.sqlite3"));
    common::import_trusted(&mut d, &compacted, NOW).expect("imports");
    assert_eq!(d.canonical_dump().expect("dump"), rows);
    let x = customer_id(&a, "AW00000001");
    edit(&mut a, &x, "address", "港区芝公園9-9-9");
    common::export_all(&a, &full, NOW);
    common::import_trusted(&mut d, &full, NOW).expect("imports");
    assert_eq!(d.canonical_dump().expect("dump"), a.canonical_dump().expect("dump"));
    let audit: i64 = rusqlite::Connection::open(dir.join("a.sqlite3"))
        .expect("opens")
        .query_row("SELECT count(*) FROM audit_log WHERE entity = 'changes' AND entity_id = 'compact'", [], |r| r.get(0))
        .expect("count");
    assert_eq!(audit, 3, "one audit row per compaction");
}

#[test]
fn a_folder_sync_compacts_once_a_day_below_what_the_other_installations_bundles_have_seen() {
    let dir = folder("daily");
    let shared = dir.join("shared");
    std::fs::create_dir_all(&shared).expect("shared");
    let mut stores = [history(&dir.join("a.sqlite3")), open(&dir.join("b.sqlite3"))];
    common::trust_each_other(&mut stores, at(NOW));
    let sync = |store: &mut Store, when: &str| {
        let signer = common::signer(store);
        let report = as_json(sync::sync_dir(store, &shared, &signer, at(when), &mut |_, _, _| true)).expect("syncs");
        assert_eq!(report["failed"], serde_json::json!([]), "{report}");
        report
    };
    let [a, b] = &mut stores;
    let x = customer_id(a, "AW00000001");
    // B has written no bundle: it holds nothing back (A's bundle in the folder carries the whole
    // history). A's first sync of the day removes the four replaced address edits; its next
    // sync that day does not compact again.
    assert_eq!(sync(a, NOW)["compacted"]["removed"], 4);
    assert_eq!(sync(a, NOW)["compacted"], serde_json::Value::Null, "once a day");
    sync(b, NOW);
    customers::add_note(b, &x, "B", "B の端末から", at(NOW)).expect("note");
    sync(b, NOW);
    // The next day A edits the address twice: B's bundle shows it has seen neither edit (its
    // manifest's `seen`), so the first is held back, until B's next bundle shows it has.
    edit(a, &x, "address", "港区芝公園7-7-7");
    edit(a, &x, "address", "港区芝公園8-8-8");
    // The day's first sync removes yesterday's last address edit (B had seen it, and both new
    // edits replace it) and keeps the first new one (B has not seen it).
    assert_eq!(sync(a, TOMORROW)["compacted"]["removed"], 1);
    let log = a.change_log_dump().expect("log");
    assert!(log.contains("芝公園7-7-7") && !log.contains("芝公園5-2-8"), "{log}");
    sync(b, TOMORROW);
    customers::add_note(b, &x, "B", "もう一件", at(TOMORROW)).expect("note");
    sync(b, TOMORROW);
    sync(a, TOMORROW);
    assert_eq!(sync(a, "2026-11-22T10:00:00+09:00")["compacted"]["removed"], 1);
    assert!(!a.change_log_dump().expect("log").contains("芝公園7-7-7"));
    assert!(a.canonical_dump().expect("dump") == b.canonical_dump().expect("dump"), "A and B hold the same rows");
}

/// Once an installation has pushed to a hub, its own changes the hub lacks stay, whatever the
/// medium that compacts.
#[test]
fn own_changes_the_hub_lacks_stay() {
    let dir = folder("pushed");
    let mut a = history(&dir.join("a.sqlite3"));
    let known = a.known_clocks().expect("clocks");
    let everything = |store: &Store| Ok::<_, madoguchi_api::ApiError>(store.known_clocks()?);
    a.record_pushed(0, NOW).expect("records");
    let first = sync::compact_daily(&mut a, at(NOW), everything).expect("compacts");
    assert_eq!(first.map(|c| c.removed), Some(0), "nothing of A is at the hub yet");
    let own = a.installation_id().expect("id");
    a.record_pushed(known[&own], NOW).expect("records");
    let next = sync::compact_daily(&mut a, at(TOMORROW), everything).expect("compacts");
    assert_eq!(next.map(|c| c.removed), Some(4));
}

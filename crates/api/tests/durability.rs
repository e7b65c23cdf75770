//! Durability and tamper evidence on real database files: the audit log's hash chain (rows
//! chained by migration 0003, a changed or removed row named by `db check`), the chain head in
//! bundle manifests and what importers witness of it, the backup rotation over a dated
//! series, the daily backup, restore refusing what fails its checks, number prefixes unique
//! per document type, synchronous=FULL.

mod common;
use common::as_json;

use common::at;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use madoguchi_api::backup;
use madoguchi_api::customers;
use madoguchi_api::settings;
use madoguchi_api::sync;
use madoguchi_store::Store;
use serde_json::Value;

const NOW: &str = "2026-11-30T12:00:00+09:00";

fn folder(name: &str) -> PathBuf {
    let dir = common::folder("durability", name).join("山田 花子");
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn open(path: &Path) -> Store {
    common::open(path, NOW)
}

/// A database with the fixture customers (and so audit rows) and one call note.
fn filled(path: &Path) -> Store {
    let mut store = open(path);
    common::import_fixture(&mut store, NOW);
    let id = as_json(customers::lookup(&store, "AW00000001", 1)).expect("lookup")["results"][0]["customer_id"].as_str().expect("id").to_string();
    customers::add_note(&mut store, &id, "test", "休止の手数料を説明した", at(NOW)).expect("note");
    store
}

/// A raw connection to a madoguchi file, as someone editing it by hand would have.
fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("raw connection")
}

const NO_UPDATE: &str = "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";
const NO_DELETE: &str = "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

#[test]
fn the_store_runs_with_synchronous_full() {
    let dir = folder("synchronous");
    let store = filled(&dir.join("db.sqlite3"));
    assert_eq!(store.synchronous().expect("pragma"), 2, "PRAGMA synchronous = FULL (2)");
}

#[test]
fn every_audit_row_is_chained_and_a_row_changed_by_hand_is_named() {
    let dir = folder("chain");
    let path = dir.join("db.sqlite3");
    let store = filled(&path);
    assert_eq!(customers::check(&store).expect("check"), Vec::<String>::new());
    let head = store.audit_head().expect("head").expect("rows");
    assert!(head.seq > 5 && head.hash.len() == 64, "{head:?}");
    drop(store);

    let conn = raw(&path);
    assert!(conn.execute("UPDATE audit_log SET actor = 'x' WHERE seq = 3", []).is_err(), "the trigger still refuses updates");
    assert!(
        conn.execute("INSERT INTO audit_log (at, actor, entity, entity_id, action) VALUES ('2026-11-30T12:00:00+09:00', 'x', 'customers', 'y', 'insert')", [])
            .is_err(),
        "a row without its hash is refused"
    );
    conn.execute_batch(&format!("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET new_value = '改ざん' WHERE seq = 3; {NO_UPDATE}")).expect("tampered");
    drop(conn);
    let problems = customers::check(&open(&path)).expect("check");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("seq 3"), "{problems:?}");
}

#[test]
fn a_row_removed_by_hand_breaks_the_chain_at_the_next_row() {
    let dir = folder("removed");
    let path = dir.join("db.sqlite3");
    drop(filled(&path));
    let conn = raw(&path);
    conn.execute_batch(&format!("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 4; {NO_DELETE}")).expect("removed");
    drop(conn);
    let problems = customers::check(&open(&path)).expect("check");
    assert!(problems.iter().any(|p| p.contains("seq 5")), "{problems:?}");
}

#[test]
fn migration_0003_chains_the_rows_an_older_database_holds() {
    let dir = folder("migration");
    let path = dir.join("old.sqlite3");
    // A database of schema 2 with audit rows, as an installation of the previous release has.
    let conn = raw(&path);
    conn.execute_batch(include_str!("../../store/src/migrations/0001_initial.sql")).expect("0001");
    conn.execute_batch(include_str!("../../store/src/migrations/0002_sync.sql")).expect("0002");
    conn.execute_batch(
        "PRAGMA user_version = 2;
         INSERT INTO installation (id, created_at) VALUES ('9d9eb2e0-25f3-4944-876e-934e00158b8b', '2026-11-01T09:00:00+09:00');
         INSERT INTO audit_log (at, actor, entity, entity_id, action, field, old_value, new_value) VALUES
           ('2026-11-01T09:00:00+09:00', 'a', 'settings', 'agent.name', 'update', NULL, NULL, '山田'),
           ('2026-11-02T09:00:00+09:00', 'a', 'settings', 'agent.name', 'update', NULL, '山田', '佐藤'),
           ('2026-11-03T09:00:00+09:00', 'a', 'issuers', 'kaunet', 'update', NULL, NULL, 'アスクル');",
    )
    .expect("old rows");
    drop(conn);
    assert_eq!(backup::check_file(&path).expect("check"), Vec::<String>::new(), "an older database checks as it stands");
    let mut store = open(&path);
    assert_eq!(store.schema_version().expect("schema"), 10);
    assert_eq!(customers::check(&store).expect("check"), Vec::<String>::new(), "the old rows are chained");
    settings::set(&mut store, "agent.name", "鈴木", "a", at(NOW)).expect("a new row");
    let head = store.audit_head().expect("head").expect("rows");
    assert_eq!(head.seq, 4);
    assert_eq!(customers::check(&store).expect("check"), Vec::<String>::new(), "new rows chain on from the migrated ones");
    let conn = raw(&path);
    assert!(conn.execute("UPDATE audit_log SET actor = 'x' WHERE seq = 1", []).is_err(), "the migration put the update trigger back");
}

#[test]
fn the_chain_head_travels_in_every_bundle_and_importers_witness_it() {
    let dir = folder("witness");
    let a = filled(&dir.join("a.sqlite3"));
    let mut b = open(&dir.join("b.sqlite3"));
    let bundle = dir.join("a.mdgb");
    let signer = common::signer(&a);
    let manifest = sync::export(&a, &bundle, &BTreeMap::new(), None, &signer, at(NOW), &mut |_| true).expect("exports");
    let head = a.audit_head().expect("head").expect("rows");
    assert_eq!(manifest.audit_head.as_ref(), Some(&head));
    let (json, rest) = common::split_bundle(&bundle);
    assert_eq!(
        (json["version"].as_i64(), json["audit_head"]["seq"].as_i64(), json["audit_head"]["hash"].as_str()),
        (Some(2), Some(head.seq), Some(head.hash.as_str()))
    );

    common::trust_sender_of(&mut b, &bundle, at(NOW));
    let own_b = common::signer(&b).public();
    let report = as_json(sync::import(&mut b, &bundle, &own_b, at(NOW), &mut |_, _| true)).expect("imports");
    assert_eq!(report["audit_head"]["witnessed"], "new", "{report}");
    let again = as_json(sync::import(&mut b, &bundle, &own_b, at(NOW), &mut |_, _| true)).expect("imports again");
    assert_eq!(again["audit_head"]["witnessed"], "same");
    let source = a.installation_id().expect("id");
    let witnessed = b.witnessed_heads().expect("heads");
    assert_eq!(witnessed.len(), 1);
    assert_eq!((&witnessed[0].0, &witnessed[0].1), (&source, &head));

    // The same row with another hash: the sender's log was rewritten; the first hash stays.
    let mut rewritten = json.clone();
    rewritten["audit_head"]["hash"] = Value::from("0".repeat(64));
    common::write_bundle(&dir.join("rewritten.mdgb"), &signer, &rewritten, &rest);
    let report = as_json(sync::import(&mut b, &dir.join("rewritten.mdgb"), &own_b, at(NOW), &mut |_, _| true)).expect("imports");
    assert_eq!(report["audit_head"]["witnessed"], "rewritten", "{report}");
    assert_eq!(b.witnessed_heads().expect("heads")[0].1, head);

    // A bundle without audit_head (an empty log) is still read.
    let mut older = json.clone();
    older.as_object_mut().expect("object").remove("audit_head");
    common::write_bundle(&dir.join("older.mdgb"), &signer, &older, &rest);
    let report = as_json(sync::import(&mut b, &dir.join("older.mdgb"), &own_b, at(NOW), &mut |_, _| true)).expect("a bundle without a head imports");
    assert_eq!(report["audit_head"], Value::Null);

    // A malformed one is refused like any bad manifest field, naming it.
    let mut bad = json;
    bad["audit_head"] = serde_json::json!({"seq": 0, "hash": "x"});
    common::write_bundle(&dir.join("bad.mdgb"), &signer, &bad, &rest);
    let error = as_json(sync::import(&mut b, &dir.join("bad.mdgb"), &own_b, at(NOW), &mut |_, _| true)).expect_err("refused");
    assert!(error.to_string().contains("manifest.audit_head"), "{error}");
}

/// An empty file named as a backup of this moment (rotation reads names, not contents).
fn dated(dir: &Path, stamp: &str) -> PathBuf {
    let path = dir.join(format!("madoguchi-{stamp}.sqlite3"));
    std::fs::write(&path, b"backup").expect("backup file");
    std::fs::write(dir.join(format!("madoguchi-{stamp}.sqlite3.sha256")), b"sum").expect("checksum");
    path
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).expect("dir").map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn rotation_keeps_seven_daily_and_four_weekly_backups() {
    let dir = folder("rotation");
    // A backup every day at 03:00 from September to 30 November, none on 27 November, and
    // two more on 29 November; plus files that are not backups.
    let mut day = chrono::NaiveDate::from_ymd_opt(2026, 9, 1).expect("date");
    let last = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
    while day <= last {
        if day != chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("date") {
            dated(&dir, &format!("{}-030000", day.format("%Y%m%d")));
        }
        day = day.succ_opt().expect("next day");
    }
    dated(&dir, "20261129-100000");
    dated(&dir, "20261129-180000");
    for other in ["notes.txt", "madoguchi-2026.sqlite3", "madoguchi.sqlite3"] {
        std::fs::write(dir.join(other), b"not a backup").expect("other file");
    }
    assert_eq!(backup::list(&dir).expect("list").len(), 90 + 2);

    let deleted = backup::rotate(&dir).expect("rotates");
    assert_eq!(deleted.len(), 92 - 11);
    let kept: Vec<String> = [
        // The newest of each of the 7 latest days that have a backup (27 November has none).
        "20261130-030000",
        "20261129-180000",
        "20261128-030000",
        "20261126-030000",
        "20261125-030000",
        "20261124-030000",
        "20261123-030000",
        // Before those, the newest of each of the 4 latest ISO weeks: 47 (the 22nd is a
        // Sunday), 46, 45, 44.
        "20261122-030000",
        "20261115-030000",
        "20261108-030000",
        "20261101-030000",
    ]
    .iter()
    .flat_map(|s| [format!("madoguchi-{s}.sqlite3"), format!("madoguchi-{s}.sqlite3.sha256")])
    .chain(["madoguchi-2026.sqlite3", "madoguchi.sqlite3", "notes.txt"].map(String::from))
    .collect::<std::collections::BTreeSet<_>>()
    .into_iter()
    .collect();
    assert_eq!(names(&dir), kept);
    assert_eq!(backup::rotate(&dir).expect("rotates again"), Vec::<PathBuf>::new(), "rotation is idempotent");
    let listed = backup::list(&dir).expect("list");
    assert_eq!(listed[0].at_text(), "2026-11-30T03:00:00+09:00", "newest first");
}

#[test]
fn the_daily_backup_is_made_when_the_newest_is_a_day_old() {
    let dir = folder("daily");
    let db = dir.join("db.sqlite3");
    let backups = dir.join("backups");
    assert_eq!(backup::daily(&db, &backups, at(NOW)).expect("no database yet"), None, "a missing database is not created");
    assert!(!db.exists());
    drop(filled(&db));
    let first = backup::daily(&db, &backups, at(NOW)).expect("daily").expect("the first backup");
    assert_eq!(first.file_name().and_then(|n| n.to_str()), Some("madoguchi-20261130-120000.sqlite3"));
    assert!(Store::inspect(&first).expect("inspect").is_empty(), "the backup passes db check");
    assert!(backups.join("madoguchi-20261130-120000.sqlite3.sha256").is_file());
    assert_eq!(backup::daily(&db, &backups, at("2026-12-01T11:59:59+09:00")).expect("daily"), None, "younger than a day");
    let second = backup::daily(&db, &backups, at("2026-12-01T12:00:00+09:00")).expect("daily").expect("a day later");
    assert_eq!(backup::list(&backups).expect("list").iter().map(|b| b.path.clone()).collect::<Vec<_>>(), vec![second, first]);
}

#[test]
fn a_backup_never_lands_on_the_database_or_its_files() {
    let dir = folder("onto");
    let db = dir.join("db.sqlite3");
    let store = filled(&db);
    for target in ["db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm", "DB.sqlite3"] {
        let error = backup::backup(&store, &db, &dir.join(target)).expect_err("refused");
        assert!(error.to_string().starts_with("out: "), "{error}");
    }
    assert!(customers::check(&store).expect("check").is_empty());
}

#[test]
fn restore_refuses_a_newer_schema_or_a_foreign_database_and_changes_nothing() {
    let dir = folder("refused");
    let db = dir.join("db.sqlite3");
    let store = filled(&db);
    let made = backup::backup(&store, &db, &dir.join("backup.sqlite3")).expect("backup");
    drop(store);
    let before = std::fs::read(&db).expect("db bytes");

    let newer = dir.join("newer.sqlite3");
    std::fs::copy(&made.path, &newer).expect("copy");
    raw(&newer).execute_batch("PRAGMA user_version = 99").expect("newer");
    let foreign = dir.join("foreign.sqlite3");
    raw(&foreign).execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").expect("foreign");
    for (file, says) in [(&newer, "schema 99 is newer"), (&foreign, "not a madoguchi database")] {
        let error = backup::restore(&db, file, at(NOW)).expect_err("refused");
        assert!(error.to_string().contains(says) && error.to_string().contains("nothing was changed"), "{error}");
        assert_eq!(std::fs::read(&db).expect("db bytes"), before, "{}", file.display());
    }
    assert_eq!(names(&dir), ["backup.sqlite3", "backup.sqlite3.sha256", "db.sqlite3", "foreign.sqlite3", "newer.sqlite3"], "no staging file stays");
}

#[test]
fn a_number_prefix_in_force_for_another_type_is_refused() {
    let dir = folder("prefixes");
    let mut store = open(&dir.join("db.sqlite3"));
    // Another type's default.
    let error = settings::set(&mut store, "numbering.prefix.invoice", "RC", "test", at(NOW)).expect_err("the receipt's default");
    assert!(error.to_string().starts_with("numbering.prefix.invoice: RC is already the prefix of receipt"), "{error}");
    // Another type's setting, and then its old default is free.
    settings::set(&mut store, "numbering.prefix.receipt", "RY", "test", at(NOW)).expect("a new receipt prefix");
    settings::set(&mut store, "numbering.prefix.invoice", "RC", "test", at(NOW)).expect("RC is free now");
    let error = settings::set(&mut store, "numbering.prefix.estimate", "RY", "test", at(NOW)).expect_err("the receipt's setting");
    assert!(error.to_string().starts_with("numbering.prefix.estimate: "), "{error}");
    // A type's own prefix again is fine.
    settings::set(&mut store, "numbering.prefix.receipt", "RY", "test", at(NOW)).expect("its own prefix");
    assert_eq!(settings::get(&store, settings::Setting::parse("numbering.prefix.estimate").expect("a setting")).expect("get"), None);
}

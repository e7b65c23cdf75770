//! Backups and restore through the real binary: a backup taken while another process keeps
//! writing is consistent; restore brings the data back and keeps the replaced database aside;
//! a damaged, truncated or foreign backup is refused with the database byte for byte as it
//! was; an audit row changed by hand is named by `db check`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("madoguchi-backup-{}-{name}", std::process::id())).join("山田 花子");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_madoguchi")).arg("--db").arg(db).args(["--agent", "テスト"]).args(args).output().expect("runs")
}

fn ok(output: Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../api/tests/fixtures/customers.csv")
}

/// A database with the fixture customers; the id of one of them.
fn filled(db: &Path) -> String {
    ok(run(db, &["import", "customers", fixture().to_str().expect("path")]));
    let found: serde_json::Value = serde_json::from_str(&ok(run(db, &["lookup", "AW00000001", "--json"]))).expect("json");
    found["results"][0]["customer_id"].as_str().expect("id").to_string()
}

/// A database of synthetic customers; the id of one of them.
fn seeded(db: &Path, customers: u32) -> String {
    ok(run(db, &["db", "seed", "--customers", &customers.to_string(), "--seed", "5"]));
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).expect("read-only");
    conn.query_row("SELECT id FROM customers ORDER BY rowid LIMIT 1", [], |r| r.get(0)).expect("a customer")
}

fn count(db: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).expect("read-only");
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).expect("count")
}

#[test]
fn a_backup_taken_while_another_process_writes_is_consistent() {
    let dir = temp_dir("online");
    let db = dir.join("live.sqlite3");
    // Enough data that the copy takes a while, and notes keep being added meanwhile.
    let id = seeded(&db, 3000);
    let before = count(&db, "call_notes");
    let stop = Arc::new(AtomicBool::new(false));
    let added = Arc::new(AtomicU64::new(0));
    let writer = {
        let (db, id, stop, added) = (db.clone(), id.clone(), Arc::clone(&stop), Arc::clone(&added));
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                ok(run(&db, &["note", "add", &id, &format!("書き込み中のメモ {n}")]));
                added.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    while added.load(Ordering::Relaxed) < 3 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let copy = dir.join("backups").join("online.sqlite3");
    let printed = ok(run(&db, &["db", "backup", "--out", copy.to_str().expect("path")]));
    let during = added.load(Ordering::Relaxed);
    while added.load(Ordering::Relaxed) < during + 3 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().expect("the writer ends");
    let after = count(&db, "call_notes");
    assert!(printed.contains("online.sqlite3") && printed.contains("sha256"), "{printed}");

    let in_copy = count(&copy, "call_notes");
    assert!(before < in_copy && in_copy < after, "the copy holds a moment between: {before} < {in_copy} < {after}");
    let audit = (count(&copy, "audit_log"), count(&db, "audit_log"));
    assert!(audit.0 < audit.1, "{audit:?}");
    assert!(!PathBuf::from(format!("{}-wal", copy.display())).exists(), "the backup is one file");
    assert!(ok(run(&copy, &["db", "check"])).ends_with("ok\n"), "the copy passes db check, audit chain included");
    assert!(ok(run(&db, &["db", "check"])).ends_with("ok\n"));
    // Checking a backup leaves it as it was: its checksum still holds, so it still restores.
    let restored = dir.join("restored.sqlite3");
    ok(run(&restored, &["db", "restore", copy.to_str().expect("path")]));
    assert_eq!(count(&restored, "call_notes"), in_copy);
}

#[test]
fn restore_brings_the_data_back_and_keeps_the_replaced_database_aside() {
    let dir = temp_dir("restore");
    let db = dir.join("madoguchi.sqlite3");
    let id = filled(&db);
    ok(run(&db, &["note", "add", &id, "バックアップ前のメモ"]));
    let copy = dir.join("madoguchi-20261130-120000.sqlite3");
    ok(run(&db, &["db", "backup", "--out", copy.to_str().expect("path")]));
    ok(run(&db, &["note", "add", &id, "バックアップ後のメモ"]));
    ok(run(&db, &["customer", "edit", &id, "--set", "address=札幌市中央区北1条西2丁目"]));
    assert_eq!(count(&db, "call_notes"), 2);

    let printed = ok(run(&db, &["--as-of", "2026-12-01T09:30:00+09:00", "db", "restore", copy.to_str().expect("path")]));
    assert!(printed.contains("restored from") && printed.contains("madoguchi.sqlite3.replaced-20261201-093000"), "{printed}");
    assert_eq!(count(&db, "call_notes"), 1, "the data of the backup");
    let customer: serde_json::Value = serde_json::from_str(&ok(run(&db, &["customer", &id, "--json"]))).expect("json");
    assert_ne!(customer["address"], "札幌市中央区北1条西2丁目");
    assert!(ok(run(&db, &["db", "check"])).ends_with("ok\n"));
    let aside = dir.join("madoguchi.sqlite3.replaced-20261201-093000");
    assert_eq!(count(&aside, "call_notes"), 2, "the replaced database is kept whole");
    // The restored database takes new writes; the backup itself is untouched.
    ok(run(&db, &["note", "add", &id, "復元後のメモ"]));
    assert_eq!(count(&copy, "call_notes"), 1);
}

/// The database's files and their bytes, to compare before and after.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .map(|p| (p.file_name().expect("name").to_string_lossy().into_owned(), std::fs::read(&p).expect("bytes")))
        .collect();
    files.sort();
    files
}

#[test]
fn a_corrupt_backup_is_refused_and_the_database_stays_as_it_was() {
    let dir = temp_dir("corrupt");
    let db_dir = dir.join("data");
    std::fs::create_dir_all(&db_dir).expect("data dir");
    let db = db_dir.join("madoguchi.sqlite3");
    seeded(&db, 500);
    let good = dir.join("madoguchi-20261130-120000.sqlite3");
    ok(run(&db, &["db", "backup", "--out", good.to_str().expect("path")]));
    let bytes = std::fs::read(&good).expect("backup bytes");
    let sums = std::fs::read(dir.join("madoguchi-20261130-120000.sqlite3.sha256")).expect("checksum");
    let page = 4096;
    let middle = bytes.len() / 2 / page * page;

    // Eight bytes flipped in the middle of a backup with its checksum beside it.
    let mut flipped = bytes.clone();
    for b in &mut flipped[middle + 100..middle + 108] {
        *b ^= 0xff;
    }
    std::fs::write(dir.join("flipped.sqlite3"), &flipped).expect("flipped");
    std::fs::write(dir.join("flipped.sqlite3.sha256"), &sums).expect("its checksum");
    // Pages overwritten in the middle, no checksum: SQLite's integrity check finds them.
    let mut overwritten = bytes.clone();
    for b in &mut overwritten[middle..middle + 8 * page] {
        *b = 0xa5;
    }
    std::fs::write(dir.join("overwritten.sqlite3"), &overwritten).expect("overwritten");
    std::fs::write(dir.join("truncated.sqlite3"), &bytes[..middle]).expect("truncated");
    std::fs::write(dir.join("notes.sqlite3"), "これはデータベースではありません\n".repeat(500)).expect("text");
    std::fs::write(dir.join("empty.sqlite3"), b"").expect("empty");

    let before = snapshot(&db_dir);
    for (file, says) in [
        ("flipped.sqlite3", "do not match its checksum"),
        ("overwritten.sqlite3", ""),
        ("truncated.sqlite3", ""),
        ("notes.sqlite3", "not a SQLite database"),
        ("empty.sqlite3", "not a madoguchi database"),
        ("missing.sqlite3", "is not a file"),
    ] {
        let output = run(&db, &["db", "restore", dir.join(file).to_str().expect("path")]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{file}: {stderr}");
        assert!(stderr.starts_with("backup: ") && stderr.contains(says) && stderr.lines().count() == 1, "{file}: {stderr}");
        assert!(file == "missing.sqlite3" || stderr.contains("nothing was changed"), "{file}: {stderr}");
        assert!(snapshot(&db_dir) == before, "{file}: the database folder is byte for byte as it was");
    }
    // The good backup still restores.
    ok(run(&db, &["db", "restore", good.to_str().expect("path")]));
}

#[test]
fn an_audit_row_changed_by_hand_is_named_by_db_check() {
    let dir = temp_dir("tamper");
    let db = dir.join("madoguchi.sqlite3");
    filled(&db);
    assert!(ok(run(&db, &["db", "check"])).ends_with("ok\n"));
    let conn = rusqlite::Connection::open(&db).expect("raw");
    let (seq, name): (i64, String) = conn
        .query_row("SELECT seq, new_value FROM audit_log WHERE entity = 'customers' ORDER BY seq LIMIT 1 OFFSET 2", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("a row");
    conn.execute_batch(&format!(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET new_value = '{name}様' WHERE seq = {seq};
         CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
    ))
    .expect("tampered");
    drop(conn);
    let output = run(&db, &["db", "check"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("audit log: the hash chain breaks at seq {seq}:")), "{stderr}");
    // Its backup is refused by restore for the same reason.
    let copy = dir.join("tampered.sqlite3");
    ok(run(&db, &["db", "backup", "--out", copy.to_str().expect("path")]));
    let other = dir.join("other.sqlite3");
    filled(&other);
    let refused = run(&other, &["db", "restore", copy.to_str().expect("path")]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains(&format!("seq {seq}")), "{}", String::from_utf8_lossy(&refused.stderr));
}

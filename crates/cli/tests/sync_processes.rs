//! Sync through the real binary: an importer killed (SIGKILL) at random points leaves a
//! database that opens, passes its checks and holds none or all of the bundle; two agents
//! running `sync --dir` on one shared folder at the same time converge.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("madoguchi-sync-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn madoguchi(db: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_madoguchi"));
    let keys = db.parent().expect("a folder").join("keys");
    command.arg("--db").arg(db).arg("--keys").arg(keys).args(["--agent", "テスト"]).args(args);
    command
}

/// An installation's fingerprint, as its agent reads it out (`trust key`).
fn fingerprint_of(db: &Path) -> String {
    ok(madoguchi(db, &["trust", "key"]).output().expect("key")).split_whitespace().next().expect("a fingerprint").to_string()
}

/// Each installation trusts the others, as agents do after comparing fingerprints: each
/// exports a (signed) bundle, the others `trust add` it.
fn trust_each_other(dbs: &[PathBuf]) {
    for (i, db) in dbs.iter().enumerate() {
        let card = db.with_extension("key.mdgb");
        ok(madoguchi(db, &["export", "--out", card.to_str().expect("path")]).output().expect("exports"));
        let fingerprint = fingerprint_of(db);
        for (j, other) in dbs.iter().enumerate() {
            if i != j {
                let added = ok(madoguchi(other, &["trust", "add", card.to_str().expect("path"), "--fingerprint", &fingerprint]).output().expect("trusts"));
                assert!(added.starts_with("trusted "), "{added}");
            }
        }
    }
}

fn ok(output: Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

/// (customers, changes) of a database, read with plain SQLite.
fn counts(db: &Path) -> (i64, i64) {
    let conn = rusqlite::Connection::open(db).expect("opens");
    let n = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).expect("count");
    (n("SELECT count(*) FROM customers"), n("SELECT count(*) FROM changes"))
}

/// SplitMix64: the kill points are random but the same on every run.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[test]
fn an_importer_killed_at_any_point_leaves_none_or_all_of_the_bundle() {
    let dir = folder("crash");
    let source = dir.join("source.sqlite3");
    ok(madoguchi(&source, &["db", "seed", "--customers", "2000"]).output().expect("seeds"));
    let bundle = dir.join("bundle.mdgb");
    ok(madoguchi(&source, &["export", "--out", bundle.to_str().expect("path")]).output().expect("exports"));
    let (all_customers, all_changes) = counts(&source);

    // An empty installation to import into, and how long a whole import takes.
    let empty = dir.join("empty.sqlite3");
    ok(madoguchi(&empty, &["db", "init"]).output().expect("inits"));
    ok(madoguchi(&empty, &["trust", "add", bundle.to_str().expect("path"), "--fingerprint", &fingerprint_of(&source)]).output().expect("trusts"));
    let timed = dir.join("timed.sqlite3");
    std::fs::copy(&empty, &timed).expect("copy");
    let started = madoguchi_api::clock::stopwatch();
    ok(madoguchi(&timed, &["import", bundle.to_str().expect("path")]).output().expect("imports"));
    let whole = started.elapsed();
    assert_eq!(counts(&timed), (all_customers, all_changes));

    let mut state = 2026;
    let (mut none, mut all) = (0, 0);
    for round in 0..24 {
        let db = dir.join(format!("victim-{round}.sqlite3"));
        std::fs::copy(&empty, &db).expect("copy");
        let mut child = madoguchi(&db, &["import", bundle.to_str().expect("path")]).spawn().expect("starts");
        let wait = whole.mul_f64((next(&mut state) % 1000) as f64 / 1000.0 * 1.2);
        std::thread::sleep(wait);
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        let check = madoguchi(&db, &["db", "check"]).output().expect("checks");
        assert!(check.status.success(), "round {round} (killed after {wait:?}): {}", String::from_utf8_lossy(&check.stderr));
        match counts(&db) {
            (0, 0) => none += 1,
            (c, n) if (c, n) == (all_customers, all_changes) => all += 1,
            other => panic!("round {round} (killed after {wait:?}): part of the bundle: {other:?}"),
        }
        // What was cut short applies whole when run again (checked every fourth round).
        if round % 4 == 0 {
            ok(madoguchi(&db, &["import", bundle.to_str().expect("path")]).output().expect("imports"));
            assert_eq!(counts(&db), (all_customers, all_changes));
        }
    }
    eprintln!("24 kills over a {whole:?} import: {none} left nothing, {all} came after the commit");
    assert!(none > 0, "some kills landed before the commit");
}

#[test]
fn two_agents_syncing_one_folder_at_once_converge() {
    let dir = folder("office");
    let shared = dir.join("shared");
    std::fs::create_dir_all(&shared).expect("shared");
    let folder_arg = shared.to_str().expect("path").to_string();
    let dbs = [dir.join("a.sqlite3"), dir.join("b.sqlite3")];
    ok(madoguchi(&dbs[0], &["db", "seed", "--customers", "300"]).output().expect("seeds"));
    ok(madoguchi(&dbs[1], &["db", "init"]).output().expect("inits"));
    trust_each_other(&dbs);
    ok(madoguchi(&dbs[0], &["sync", "--dir", &folder_arg]).output().expect("syncs"));
    ok(madoguchi(&dbs[1], &["sync", "--dir", &folder_arg]).output().expect("syncs"));
    let ids: Vec<String> = {
        let conn = rusqlite::Connection::open(&dbs[0]).expect("opens");
        let mut stmt = conn.prepare("SELECT id FROM customers ORDER BY id LIMIT 6").expect("query");
        stmt.query_map([], |r| r.get(0)).expect("rows").collect::<rusqlite::Result<_>>().expect("rows")
    };
    // Three rounds: both agents take notes and edit the same customers, then both sync at once.
    for round in 0..3 {
        for (agent, db) in dbs.iter().enumerate() {
            for id in &ids {
                ok(madoguchi(db, &["note", "add", id, &format!("{agent}の{round}回目のメモ")]).output().expect("note"));
            }
            let address = format!("--set=address=千代田区{}-{round}", agent + 1);
            ok(madoguchi(db, &["customer", "edit", &ids[round], &address]).output().expect("edits"));
        }
        let children: Vec<_> = dbs.iter().map(|db| madoguchi(db, &["sync", "--dir", &folder_arg]).output()).collect();
        for child in children {
            ok(child.expect("syncs"));
        }
    }
    // A last pass each, one after the other, carries what the simultaneous runs crossed.
    for db in &dbs {
        ok(madoguchi(db, &["sync", "--dir", &folder_arg]).output().expect("syncs"));
    }
    let dump = |db: &Path| {
        let conn = rusqlite::Connection::open(db).expect("opens");
        let mut stmt = conn
            .prepare("SELECT c.id, c.address, (SELECT group_concat(body, '/') FROM (SELECT body FROM call_notes n WHERE n.customer_id = c.id ORDER BY id)) FROM customers c ORDER BY c.id")
            .expect("query");
        stmt.query_map([], |r| Ok(format!("{}|{}|{:?}", r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))
            .expect("rows")
            .collect::<rusqlite::Result<Vec<_>>>()
            .expect("rows")
    };
    let (a, b) = (dump(&dbs[0]), dump(&dbs[1]));
    assert_eq!(a.len(), 300);
    assert!(a == b, "the two databases differ");
    let notes: i64 = rusqlite::Connection::open(&dbs[1])
        .expect("opens")
        .query_row("SELECT count(*) FROM call_notes WHERE body LIKE '%回目のメモ'", [], |r| r.get(0))
        .expect("count");
    assert_eq!(notes, 2 * 3 * 6, "every note of both agents");
    for db in &dbs {
        ok(madoguchi(db, &["db", "check"]).output().expect("checks"));
    }
    let names: Vec<String> = std::fs::read_dir(&shared).expect("list").map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| n.ends_with(".mdgb") && !n.starts_with('.')), "{names:?}");
}

#[test]
fn trust_is_given_listed_and_revoked_through_the_binary() {
    let dir = folder("trust");
    let shared = dir.join("shared");
    std::fs::create_dir_all(&shared).expect("shared");
    let (a, b) = (dir.join("a.sqlite3"), dir.join("b.sqlite3"));
    ok(madoguchi(&a, &["db", "seed", "--customers", "20"]).output().expect("seeds"));
    ok(madoguchi(&b, &["db", "init"]).output().expect("inits"));
    ok(madoguchi(&a, &["settings", "set", "agent.name", "佐藤"]).output().expect("names"));
    let key = ok(madoguchi(&a, &["trust", "key"]).output().expect("key"));
    let fingerprint = key.split_whitespace().next().expect("a fingerprint").to_string();
    assert!(fingerprint.len() == 39 && key.contains("佐藤"), "{key}");
    ok(madoguchi(&a, &["sync", "--dir", shared.to_str().expect("path")]).output().expect("syncs"));

    // B sees A as unknown; its sync refuses A's bundle, naming the fingerprint, and writes nothing.
    let listed = ok(madoguchi(&b, &["trust", "list", "--dir", shared.to_str().expect("path")]).output().expect("lists"));
    assert!(listed.starts_with("unknown  ") && listed.contains(&fingerprint), "{listed}");
    let refused = madoguchi(&b, &["sync", "--dir", shared.to_str().expect("path")]).output().expect("syncs");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains(&fingerprint), "{}", String::from_utf8_lossy(&refused.stderr));
    assert_eq!(counts(&b).0, 0);

    let file = std::fs::read_dir(&shared).expect("list").map(|e| e.expect("entry").path()).next().expect("A's bundle");
    // A fingerprint that is not the signer's is refused: nothing is trusted.
    let wrong = madoguchi(&b, &["trust", "add", file.to_str().expect("path"), "--fingerprint", &"0".repeat(32)]).output().expect("refuses");
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).starts_with("fingerprint: "), "{}", String::from_utf8_lossy(&wrong.stderr));
    assert!(!String::from_utf8_lossy(&wrong.stderr).contains(&fingerprint), "the refusal does not give the right one away");
    let added = ok(madoguchi(&b, &["trust", "add", file.to_str().expect("path"), "--fingerprint", &fingerprint]).output().expect("trusts"));
    assert!(added.contains(&fingerprint) && added.contains("佐藤"), "{added}");
    ok(madoguchi(&b, &["sync", "--dir", shared.to_str().expect("path")]).output().expect("syncs"));
    assert_eq!(counts(&b).0, counts(&a).0);

    let revoked = ok(madoguchi(&b, &["trust", "revoke", &fingerprint.to_lowercase()]).output().expect("revokes"));
    assert!(revoked.starts_with("revoked "), "{revoked}");
    let listed = ok(madoguchi(&b, &["trust", "list"]).output().expect("lists"));
    assert!(listed.starts_with("revoked  ") && listed.contains(&fingerprint), "{listed}");
    let again = madoguchi(&b, &["import", file.to_str().expect("path")]).output().expect("imports");
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("revoked"), "{}", String::from_utf8_lossy(&again.stderr));
}

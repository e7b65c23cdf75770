//! Sync through a real PostgreSQL hub (a throwaway cluster per test), through the real binary:
//! three installations converge in every order of syncs and re-syncing changes nothing;
//! twenty processes sync at once and converge; `kill -9` in a push and in a pull loses and
//! duplicates nothing; a hub restarted during a sync is a clear error and the next sync
//! completes; wrong passwords, unknown roles, foreign origins, updates and deletes are refused
//! (the last by the server's policy, through a raw connection); a clashing customer number is
//! refused at push, naming it.

mod cluster;

use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::Duration;

use cluster::{Cluster, Installation, customers, hub, madoguchi, new_hub, ok, private, two_installations};

fn edit(inst: &Installation, id: &str, field: &str, value: &str) {
    ok(madoguchi(&inst.db, &["customer", "edit", id, "--set", &format!("{field}={value}")]).output().expect("edits"));
}

/// A, B and C converge through the hub in each of the six orders of their syncs (a hub database
/// per order, the installations as they were before), each one's edits of a shared customer and
/// a conflict included; a further round changes nothing.
#[test]
fn three_installations_converge_through_the_hub_in_every_order() {
    let (dir, cluster, base_db) = new_hub("three");
    let names = ["a", "b", "c"];
    let base: Vec<Installation> = names.iter().map(|n| Installation::add(&cluster, &dir, &base_db, n)).collect();
    base[0].import(&customers("AW71", 20));
    for inst in &base {
        inst.sync();
    }
    for inst in &base[1..] {
        inst.sync();
    }
    assert_eq!(base[1].dump(), base[0].dump(), "B has A's customers");
    let shared = base[0].customer_id("AW7100001");
    edit(&base[0], &shared, "address", "千代田区丸の内1-1（A）");
    edit(&base[1], &shared, "name", "拠点　一号（B）");
    std::thread::sleep(Duration::from_millis(5));
    edit(&base[2], &shared, "address", "千代田区丸の内2-2（C）");
    base[2].import(&customers("AW72", 3));
    let saved: Vec<PathBuf> = base.iter().map(|i| i.db.with_extension("saved")).collect();
    for (inst, copy) in base.iter().zip(&saved) {
        std::fs::copy(&inst.db, copy).expect("copy");
    }

    let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    let mut dumps = Vec::new();
    let mut conflicts = 0;
    for (n, order) in orders.iter().enumerate() {
        let db = format!("hub_order{n}");
        cluster.owner("postgres").batch_execute(&format!("CREATE DATABASE {db}")).expect("database");
        hub(&cluster, &db);
        let round_dir = dir.join(format!("order{n}"));
        std::fs::create_dir_all(&round_dir).expect("dir");
        std::fs::create_dir_all(round_dir.join("keys")).expect("keys");
        for entry in std::fs::read_dir(dir.join("keys")).expect("keys") {
            let entry = entry.expect("key");
            std::fs::copy(entry.path(), round_dir.join("keys").join(entry.file_name())).expect("copy key");
        }
        let installs: Vec<Installation> = names
            .iter()
            .zip(&saved)
            .map(|(name, copy)| {
                std::fs::copy(copy, round_dir.join(format!("{name}.sqlite3"))).expect("copy");
                Installation::add(&cluster, &round_dir, &db, name)
            })
            .collect();
        for _ in 0..2 {
            for &i in order {
                let report = installs[i].sync();
                conflicts += report["pulled"].as_array().expect("pulled").iter().map(|p| p["conflicts"].as_u64().expect("conflicts")).sum::<u64>();
            }
        }
        let first = installs[0].dump();
        for inst in &installs[1..] {
            assert!(inst.dump() == first, "order {order:?}: {} differs from a", inst.db.display());
        }
        for &i in order {
            let again = installs[i].sync();
            assert_eq!(again["pushed"], 0, "order {order:?}: a re-sync pushes nothing");
            assert_eq!(again["pulled"], serde_json::json!([]), "order {order:?}: a re-sync pulls nothing");
        }
        assert!(installs[0].dump() == first, "order {order:?}: a re-sync changed nothing");
        let view: serde_json::Value =
            serde_json::from_str(&ok(madoguchi(&installs[0].db, &["customer", &shared, "--json"]).output().expect("shows"))).expect("json");
        assert_eq!(
            (&view["name"], &view["address"]),
            (&serde_json::json!("拠点　一号（B）"), &serde_json::json!("千代田区丸の内2-2（C）")),
            "B's name, the newer address (C's)"
        );
        assert_eq!(installs[0].customer_id("AW7200003").len(), 36, "C's new customers");
        dumps.push(first);
    }
    assert!(dumps.iter().all(|d| *d == dumps[0]), "every order ends the same");
    assert!(conflicts >= orders.len() as u64, "A's and C's addresses conflict in every order ({conflicts} reported)");
}

/// Twenty installations, each with customers of its own, sync at the same time (twice), then
/// once more in turn: all hold the same rows, everyone's customers.
#[test]
fn twenty_installations_syncing_at_once_converge() {
    let (dir, cluster, db) = new_hub("twenty");
    let installs: Vec<Installation> = (0..20).map(|i| Installation::add(&cluster, &dir, &db, &format!("i{i:02}"))).collect();
    for (i, inst) in installs.iter().enumerate() {
        inst.import(&customers(&format!("AW8{i:02}"), 5));
    }
    for _ in 0..2 {
        let running: Vec<Child> = installs.iter().map(|i| i.sync_command().stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("spawns")).collect();
        for child in running {
            let out = child.wait_with_output().expect("waits");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
    }
    for inst in &installs {
        inst.sync();
    }
    let first = installs[0].dump();
    let conn = rusqlite::Connection::open(&installs[0].db).expect("opens");
    let numbers: i64 = conn.query_row("SELECT count(*) FROM accounts WHERE customer_number LIKE 'AW8%'", [], |r| r.get(0)).expect("count");
    assert_eq!(numbers, 100, "everyone's customers");
    for inst in &installs[1..] {
        assert!(inst.dump() == first, "{} differs", inst.db.display());
    }
}

/// (changes of `origin` at the hub, and in total).
fn hub_counts(cluster: &Cluster, db: &str, origin: &str) -> (i64, i64) {
    let mut owner = cluster.owner(db);
    let mine: i64 = owner.query_one("SELECT count(*) FROM changes WHERE origin = $1", &[&origin]).expect("count").get(0);
    let all: i64 = owner.query_one("SELECT count(*) FROM changes", &[]).expect("count").get(0);
    (mine, all)
}

/// Starts a sync in small batches and waits until `started` says it is under way, then stops
/// it as `stop` does; fails when the sync ended first.
fn interrupt(inst: &Installation, started: &dyn Fn() -> bool, stop: &mut dyn FnMut(&mut Child)) -> Output {
    let mut child = inst.sync_command().env("MADOGUCHI_HUB_BATCH", "50").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawns");
    let started_at = madoguchi_api::clock::stopwatch();
    while !started() {
        assert!(child.try_wait().expect("polls").is_none(), "the sync ended before it could be interrupted");
        assert!(started_at.elapsed() < Duration::from_secs(120), "the sync never started");
        std::thread::sleep(Duration::from_millis(5));
    }
    stop(&mut child);
    child.wait_with_output().expect("waits")
}

/// `kill -9` of a client in the middle of its push, then of another in the middle of its pull:
/// the next syncs complete, the hub holds each change once, both installations the same rows.
#[test]
fn a_client_killed_in_a_push_or_a_pull_loses_and_duplicates_nothing() {
    let (_, cluster, db, a, b) = two_installations("kill");
    // B holds a customer of its own, so its pull is the batched one (a first pull into an empty
    // log is one snapshot load: all or nothing, see a_new_installation_starts_from_a_snapshot…).
    b.import(&customers("AW75", 1));
    a.import(&customers("AW73", 1500));
    let total = a.changes();

    let killed = interrupt(&a, &|| hub_counts(&cluster, &db, &a.id).0 > 0, &mut |c| c.kill().expect("kill -9"));
    assert!(!killed.status.success());
    let (at_hub, _) = hub_counts(&cluster, &db, &a.id);
    assert!(0 < at_hub && at_hub < total, "killed mid-push: {at_hub} of {total}");
    a.sync();
    assert_eq!(hub_counts(&cluster, &db, &a.id).0, total, "each change once at the hub");

    let before = b.changes();
    let killed = interrupt(&b, &|| b.changes() > before, &mut |c| c.kill().expect("kill -9"));
    assert!(!killed.status.success());
    let partial = b.changes();
    assert!(partial < before + total, "killed mid-pull: {partial}");
    b.sync();
    a.sync();
    assert_eq!(b.dump(), a.dump(), "nothing lost");
    assert_eq!(b.changes(), before + total, "nothing duplicated");
    assert_eq!(b.sync()["pulled"], serde_json::json!([]));
}

/// The hub restarted while an installation pulls: the sync stops with a clear error (exit 1),
/// the next one completes.
#[test]
fn a_hub_restarted_during_a_sync_is_a_clear_error_and_the_next_sync_completes() {
    let (_, cluster, _, a, b) = two_installations("restart");
    b.import(&customers("AW75", 1));
    a.import(&customers("AW74", 1500));
    a.sync();
    let before = b.changes();
    let cut = interrupt(&b, &|| b.changes() > before, &mut |_| cluster.restart());
    assert_eq!(cut.status.code(), Some(1), "{}", String::from_utf8_lossy(&cut.stderr));
    let said = String::from_utf8_lossy(&cut.stderr);
    assert!(said.contains("connection was lost") || said.contains("restarting"), "{said}");
    assert!(said.contains("sync again"), "{said}");
    b.sync();
    a.sync();
    assert_eq!(b.dump(), a.dump());
}

fn refused(output: Output) -> String {
    assert_eq!(output.status.code(), Some(2), "refused: {}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Sign-in and policy: each refusal said clearly; through a raw connection, an installation's
/// role can read everything but insert only its own origin's changes, and update or delete
/// nothing; a customer number another installation holds is refused at push, naming it.
#[test]
fn the_hub_refuses_strangers_foreign_changes_and_clashing_customer_numbers() {
    let (dir, cluster, db, a, b) = two_installations("refuse");
    a.import(&customers("AW75", 3));
    let a_code = a.sync()["doc_code"].as_str().expect("a code").to_string();
    // B would number its documents with A's code: the hub gives it another at its first sync.
    ok(madoguchi(&b.db, &["settings", "set", "numbering.installation", &a_code]).output().expect("sets"));

    let sync_with =
        |url: &str, password: &Path| madoguchi(&b.db, &["sync", "--hub", url, "--password-file", password.to_str().expect("path")]).output().expect("runs");
    let wrong = dir.join("wrong.password");
    std::fs::write(&wrong, "not-the-password\n").expect("write");
    private(&wrong);
    assert!(refused(sync_with(&b.url, &wrong)).contains("refused the sign-in"));
    assert!(refused(sync_with(&cluster.url("mdg_hub_refuse_nobody", &db), &b.password)).contains("refused the sign-in"));
    assert!(refused(sync_with(&a.url, &b.password)).contains("refused the sign-in"), "B's password is not A's");
    let open = dir.join("open.password");
    std::fs::copy(&b.password, &open).expect("copy");
    std::fs::set_permissions(&open, std::os::unix::fs::PermissionsExt::from_mode(0o644)).expect("chmod");
    assert!(refused(sync_with(&b.url, &open)).contains("password-file: "), "a password others may read is not used");
    let with_password = b.url.replace("@", ":secret@");
    assert!(refused(sync_with(&with_password, &b.password)).starts_with("url: carries a password"));
    let tls = b.url.replace("sslmode=disable", "sslmode=require");
    let untrusted = madoguchi(&b.db, &["sync", "--hub", &tls, "--password-file", b.password.to_str().expect("path")]).output().expect("runs");
    assert_eq!(untrusted.status.code(), Some(1), "sslmode=require is kept: this server has no TLS");
    assert!(String::from_utf8_lossy(&untrusted.stderr).contains("TLS"), "{}", String::from_utf8_lossy(&untrusted.stderr));
    let remote =
        madoguchi(&b.db, &["sync", "--hub", "postgres://someone@192.0.2.1/hub", "--password-file", b.password.to_str().expect("path")]).output().expect("runs");
    assert!(refused(remote).starts_with("url: a hub on another computer needs ?sslmode=require"), "no TLS past this computer");
    // A role of another installation's: refused before anything is written.
    let stolen = madoguchi(&a.db, &["sync", "--hub", &b.url, "--password-file", b.password.to_str().expect("path")]).output().expect("runs");
    assert!(refused(stolen).contains(&format!("belongs to installation {}", b.id)));

    // The server's own policy, through a raw connection as B.
    let secret = std::fs::read_to_string(&b.password).expect("password");
    let mut raw = cluster.client(&b.role, secret.trim(), &db);
    let seen: i64 = raw.query_one("SELECT count(*) FROM changes", &[]).expect("B reads everything").get(0);
    assert!(seen > 0);
    let policy =
        |sql: &str, raw: &mut postgres::Client| raw.batch_execute(sql).expect_err(sql).as_db_error().map(|e| e.message().to_string()).expect("a server error");
    let forged =
        format!("INSERT INTO changes (origin, hlc, tbl, row_id, data) VALUES ('{}', 1, 'call_notes', '00000000-0000-4000-8000-000000000001', '{{}}')", a.id);
    assert!(policy(&forged, &mut raw).contains("row-level security"), "another origin's change");
    assert!(policy("DELETE FROM changes", &mut raw).contains("permission denied"));
    // What an installation has seen (for compaction): its own rows only, never changed.
    assert!(policy(&format!("INSERT INTO seen (origin, known) VALUES ('{}', '{{}}')", a.id), &mut raw).contains("row-level security"));
    assert!(policy("UPDATE seen SET known = '{}'", &mut raw).contains("permission denied"));
    assert!(policy("DELETE FROM seen", &mut raw).contains("permission denied"));
    assert!(policy("UPDATE changes SET data = NULL", &mut raw).contains("permission denied"));
    assert!(policy("UPDATE installations SET doc_code = 'ZZZZ'", &mut raw).contains("permission denied"));
    assert!(policy("SELECT * FROM customer_numbers", &mut raw).contains("permission denied"));
    let own_seq = format!(
        "INSERT INTO changes (seq, origin, hlc, tbl, row_id, data) VALUES (999999, '{}', 1, 'call_notes', '00000000-0000-4000-8000-000000000001', '{{}}')",
        b.id
    );
    assert!(policy(&own_seq, &mut raw).contains("permission denied"), "the hub's sequence is its own");
    assert!(policy("CREATE TEMP TABLE customer_numbers (service text)", &mut raw).contains("permission denied"), "no shadow tables for the trigger");
    assert!(policy("CREATE TABLE public.mine (x int)", &mut raw).contains("permission denied"));
    assert_eq!(hub_counts(&cluster, &db, &b.id).0, 0, "nothing of B's at the hub");

    // B made a customer with A's number before it pulled: refused at push, naming the number.
    b.import(&customers("AW75", 1));
    let clash = refused(b.sync_command().output().expect("runs"));
    assert!(clash.contains("customer number AW7500001 at alwater belongs to a different record at the hub"), "{clash}");
    assert_eq!(hub_counts(&cluster, &db, &b.id).0, 0, "nothing of B's was pushed");
    let b_code: String = rusqlite::Connection::open(&b.db)
        .expect("opens")
        .query_row("SELECT value FROM settings WHERE key = 'numbering.installation'", [], |r| r.get(0))
        .expect("B's code");
    assert_ne!(b_code, a_code, "the hub gave B a code of its own");
    let at_hub: Option<String> = cluster.owner(&db).query_one("SELECT doc_code FROM installations WHERE id = $1", &[&b.id]).expect("row").get(0);
    assert_eq!(at_hub.as_deref(), Some(b_code.as_str()));
}

/// A new installation joining a hub with history starts from a snapshot of it: its first sync
/// loads every other installation's rows in one transaction, compacted (an address edited five
/// times arrives once), with one audit row for the load instead of one per change; it then holds
/// what A holds and goes on syncing as usual.
#[test]
fn a_new_installation_starts_from_a_snapshot_of_the_hub() {
    let (dir, cluster, db, a, b) = two_installations("join");
    a.import(&customers("AW73", 20));
    let id = a.customer_id("AW7300001");
    for n in 1..=5 {
        edit(&a, &id, "address", &format!("千代田区丸の内{n}-1"));
    }
    b.import(&customers("AW74", 3));
    a.sync();
    b.sync();
    // B's edit, a second later (a new updated_at), replaces A's newest change in every field:
    // the snapshot leaves it behind, and D must not ask for it again.
    std::thread::sleep(Duration::from_millis(1100));
    edit(&b, &id, "address", "千代田区丸の内8-8（B）");
    b.sync();
    a.sync();
    let d = Installation::add(&cluster, &dir, &db, "d");
    let report = d.sync();
    assert_eq!(d.sync()["pulled"], serde_json::json!([]), "nothing the snapshot covered is pulled again");
    let loaded: i64 = report["pulled"].as_array().expect("pulled").iter().map(|p| p["applied"].as_i64().expect("applied")).sum();
    assert_eq!(d.changes(), loaded);
    assert!(d.dump() == a.dump(), "D holds what A holds");
    // Of A's five address edits, those whose every field a later change set again are left
    // behind (at least one: an edit stamps updated_at only in a new second); each change D
    // holds of that customer is still the newest to set one of its fields.
    assert!(loaded < a.changes(), "{loaded} of {}: {report}", a.changes());
    let conn = rusqlite::Connection::open(&d.db).expect("opens");
    let logged: Vec<Vec<String>> = conn
        .prepare("SELECT data FROM changes WHERE row_id = ?1 ORDER BY hlc")
        .expect("query")
        .query_map([&id], |r| r.get::<_, String>(0))
        .expect("rows")
        .map(|data| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&data.expect("data")).expect("object").keys().cloned().collect())
        .collect();
    for (n, fields) in logged.iter().enumerate() {
        assert!(fields.iter().any(|f| logged[n + 1..].iter().all(|later| !later.contains(f))), "change {n} of {logged:?} is superseded");
    }
    assert!(logged.last().is_some_and(|f| f.contains(&"address".to_string())));
    let audit: Vec<(String, String)> = conn
        .prepare("SELECT actor, entity_id FROM audit_log WHERE actor LIKE 'sync%'")
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("audit");
    // One row for the load, one for the day's compaction of D's log (nothing of it to remove:
    // the snapshot left the replaced changes behind); the next sync that day does not compact.
    assert_eq!(audit, [("sync".to_string(), "load".to_string()), ("sync".to_string(), "compact".to_string())]);
    assert_eq!(report["compacted"]["removed"], 0, "{report}");
    assert_eq!(d.sync()["compacted"], serde_json::Value::Null);
    // Then as usual: D's edit reaches A, A's next edit reaches D.
    edit(&d, &id, "name", "拠点　一号（D）");
    d.sync();
    a.sync();
    edit(&a, &id, "address", "千代田区丸の内9-9");
    a.sync();
    d.sync();
    assert!(d.dump() == a.dump(), "D and A converge after the snapshot");
    assert!(a.dump().contains("一号（D）") && a.dump().contains("丸の内9-9"));
}

/// `hub compact`, as the hub's owner: the changes no field takes any more, below what every
/// installation that has pushed had seen, are deleted; a deleted customer's changes stay with its
/// tombstone; installations go on syncing and a new one bootstraps to the same rows; compacting
/// again removes nothing.
#[test]
fn compacting_the_hub_keeps_what_anyone_still_needs() {
    let (dir, cluster, db, a, b) = two_installations("compact");
    a.import(&customers("AW76", 20));
    b.import(&customers("AW77", 1));
    let x = a.customer_id("AW7600001");
    let y = a.customer_id("AW7600002");
    for n in 1..=5 {
        edit(&a, &x, "address", &format!("千代田区丸の内{n}-1"));
    }
    ok(madoguchi(&a.db, &["customer", "delete", &y]).output().expect("deletes"));
    // A's first sync of the day compacts its own log too: nobody else has synced, so the
    // replaced edits go from it (the hub keeps them until its owner compacts).
    let first = a.sync();
    assert!(first["compacted"]["removed"].as_u64().is_some_and(|n| n >= 1), "{first}");
    b.sync();
    // Newer edits B has not seen yet: above B's known clock of A, kept whatever they set.
    edit(&a, &x, "address", "千代田区丸の内6-1");
    edit(&a, &x, "address", "千代田区丸の内7-1");
    a.sync();
    let mut owner = cluster.owner(&db);
    let count = |owner: &mut postgres::Client, text: &str| -> i64 {
        owner.query_one("SELECT count(*) FROM changes WHERE strpos(coalesce(data, ''), $1) > 0", &[&text]).expect("count").get(0)
    };
    let of_y = |owner: &mut postgres::Client| -> i64 { owner.query_one("SELECT count(*) FROM changes WHERE row_id = $1", &[&y]).expect("count").get(0) };
    let (before, y_before) = (hub_counts(&cluster, &db, &a.id).1, of_y(&mut owner));
    assert!(y_before >= 2, "the customer's insert and its tombstone");
    let compact = || {
        let out = ok(madoguchi(
            &a.db,
            &["hub", "compact", "--url", &cluster.url(cluster::OWNER, &db), "--password-file", cluster.owner_password.to_str().expect("path")],
        )
        .output()
        .expect("compacts"));
        out.split(", ").nth(1).and_then(|part| part.split_whitespace().next()).and_then(|n| n.parse::<i64>().ok()).expect(&out)
    };
    let removed = compact();
    assert!(removed > 0, "the edits replaced since are removed");
    assert_eq!(hub_counts(&cluster, &db, &a.id).1, before - removed);
    assert!([2, 3, 4].map(|n| count(&mut owner, &format!("丸の内{n}-1"))).iter().sum::<i64>() < 3, "an edit replaced in every field is gone");
    assert_eq!([6, 7].map(|n| count(&mut owner, &format!("丸の内{n}-1"))), [1, 1], "the edits B had not seen stay");
    assert_eq!(of_y(&mut owner), y_before, "a deleted row's changes stay with its tombstone");
    assert_eq!(compact(), 0, "nothing more to remove");

    b.sync();
    let d = Installation::add(&cluster, &dir, &db, "d");
    d.sync();
    a.sync();
    assert!(b.dump() == a.dump(), "B converges after the compaction");
    assert!(d.dump() == a.dump(), "a new installation bootstraps to the same rows");
    assert!(a.dump().contains("丸の内7-1"));
}

//! The app's backup commands through `Session::dispatch`: `backups` lists the backups folder,
//! `restore_backup` takes only a listed backup, refuses a damaged one with nothing changed, and
//! reopens the restored database keeping the replaced one aside; an issued PDF is in place,
//! with no temporary file beside it, once the command answers.

use std::path::{Path, PathBuf};

use madoguchi_api::Context;
use madoguchi_api::{backup, customers};
use madoguchi_domain::time::Moment;
use madoguchi_session::{ErrorCode, Options, Session};
use serde_json::{Value, json};

const AS_OF: &str = "2026-11-30T12:00:00+09:00";

fn now() -> Moment {
    madoguchi_api::quote::parse_moment(AS_OF).expect("moment")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("madoguchi-app-backups-{}-{name}", std::process::id())).join("山田 花子");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

fn session(dir: &Path, backups_dir: Option<PathBuf>) -> Session {
    let options =
        Options { agent: Some("テスト担当".into()), now: Some(now()), documents_dir: Some(dir.join("documents")), backups_dir, ..Options::default() };
    Session::new(&dir.join("app.sqlite3"), options).expect("session opens")
}

fn ok(session: &Session, command: &str, args: Value) -> Value {
    session.dispatch(command, args.clone()).unwrap_or_else(|e| panic!("{command} {args}: {e:?}"))
}

/// The database with the fixture customers, before the session opens it; one customer's id.
fn filled(dir: &Path) -> String {
    let mut store = customers::open(&dir.join("app.sqlite3"), now()).expect("opens");
    let tariffs = madoguchi_api::tariffs::Tariffs::embedded().expect("tariffs");
    let csv = include_bytes!("../../api/tests/fixtures/customers.csv");
    madoguchi_api::import::import_customers(
        &mut store,
        &mut std::io::Cursor::new(csv),
        madoguchi_api::import::Encoding::Auto,
        false,
        Context { tariffs: &tariffs, actor: "test", now: now() },
        &mut |_| true,
    )
    .expect("imports");
    as_json(customers::lookup(&store, "AW00000001", 1)).expect("lookup")["results"][0]["customer_id"].as_str().expect("a customer").to_string()
}

fn notes(session: &Session, id: &str) -> usize {
    ok(session, "customer", json!({"id": id}))["notes"].as_array().map_or(0, Vec::len)
}

#[test]
fn without_a_backups_folder_there_is_nothing_to_list_or_restore() {
    let dir = temp_dir("none");
    let session = session(&dir, None);
    assert_eq!(ok(&session, "backups", Value::Null), json!({"dir": null, "last": null, "backups": []}));
    let refused = session.dispatch("restore_backup", json!({"path": dir.join("x.sqlite3")})).expect_err("refused");
    assert_eq!((refused.code, refused.field.as_deref()), (ErrorCode::Invalid, Some("path")));
}

#[test]
fn a_listed_backup_is_restored_and_the_session_reopens_it() {
    let dir = temp_dir("restore");
    let backups = dir.join("backups");
    let id = filled(&dir);
    let session = session(&dir, Some(backups.clone()));
    let before = notes(&session, &id);
    let made = backup::daily(&dir.join("app.sqlite3"), &backups, now()).expect("daily").expect("a backup");
    let listed = ok(&session, "backups", Value::Null);
    assert_eq!(listed["dir"], json!(backups));
    assert_eq!(listed["last"], "2026-11-30T12:00:00+09:00");
    assert_eq!(listed["backups"].as_array().map(Vec::len), Some(1));
    assert_eq!(listed["backups"][0]["path"], json!(made));
    assert!(listed["backups"][0]["bytes"].as_u64().is_some_and(|b| b > 0), "{listed}");

    ok(&session, "add_note", json!({"customer_id": id, "body": "バックアップ後のメモ"}));
    assert_eq!(notes(&session, &id), before + 1);

    // Only a listed backup: not the database, not a copy elsewhere.
    let elsewhere = dir.join("copy.sqlite3");
    std::fs::copy(&made, &elsewhere).expect("copy");
    for path in [elsewhere, dir.join("app.sqlite3")] {
        let refused = session.dispatch("restore_backup", json!({"path": path})).expect_err("refused");
        assert_eq!((refused.code, refused.field.as_deref()), (ErrorCode::Invalid, Some("path")), "{refused:?}");
    }

    let restored = ok(&session, "restore_backup", json!({"path": made}));
    assert_eq!(restored["restored_from"], json!(made));
    let replaced = PathBuf::from(restored["replaced"].as_str().expect("replaced"));
    assert_eq!(replaced, dir.join("app.sqlite3.replaced-20261130-120000"));
    assert!(replaced.is_file());
    assert_eq!(restored["customers"], 7, "answers as status: {restored}");
    assert_eq!(notes(&session, &id), before, "the session reads the restored database");
    // And writes to it.
    ok(&session, "add_note", json!({"customer_id": id, "body": "復元後のメモ"}));
    assert_eq!(notes(&session, &id), before + 1);
}

#[test]
fn a_damaged_backup_is_refused_and_the_session_goes_on_with_its_database() {
    let dir = temp_dir("damaged");
    let backups = dir.join("backups");
    let id = filled(&dir);
    let session = session(&dir, Some(backups.clone()));
    let made = backup::daily(&dir.join("app.sqlite3"), &backups, now()).expect("daily").expect("a backup");
    ok(&session, "add_note", json!({"customer_id": id, "body": "残るはずのメモ"}));
    let count = notes(&session, &id);
    let mut bytes = std::fs::read(&made).expect("bytes");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&made, &bytes).expect("damaged");

    let refused = session.dispatch("restore_backup", json!({"path": made})).expect_err("refused");
    assert_eq!((refused.code, refused.field.as_deref()), (ErrorCode::Invalid, Some("path")), "{refused:?}");
    assert!(refused.message.contains("checksum") && refused.message.contains("nothing was changed"), "{}", refused.message);
    assert_eq!(notes(&session, &id), count, "the open database is the same");
    let files: Vec<String> = std::fs::read_dir(&dir).expect("dir").map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect();
    assert!(!files.iter().any(|f| f.contains("replaced") || f.contains("restoring")), "{files:?}");
}

#[test]
fn an_issued_pdf_is_in_place_with_no_temporary_file_beside_it() {
    let dir = temp_dir("pdf");
    let session = session(&dir, None);
    let document: Value = serde_json::from_str(include_str!("../../../assets/samples/documents/receipt.json")).expect("sample");
    let issued = ok(&session, "issue_document", json!({"doc_type": "receipt", "document": document}));
    let number = issued["number"].as_str().expect("number");
    let names: Vec<String> =
        std::fs::read_dir(dir.join("documents")).expect("documents").map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names, [format!("{number}.pdf")]);
    // A refused document leaves no file and takes no number.
    let mut bad = document.clone();
    bad["payment"] = json!("cheque");
    assert!(session.dispatch("issue_document", json!({"doc_type": "receipt", "document": bad})).is_err());
    assert_eq!(std::fs::read_dir(dir.join("documents")).expect("documents").count(), 1);
}

/// An answer as the JSON the CLI prints and the app sends.
fn as_json<T: serde::Serialize, E>(answer: Result<T, E>) -> Result<serde_json::Value, E> {
    answer.map(|a| serde_json::to_value(a).expect("an answer is JSON"))
}

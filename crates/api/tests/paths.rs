//! The one-time move of the old data folder (`jp.madoguchi.app` → `jp.madoguchi.desktop`) on
//! real files under a folder with a space and Japanese characters: everything arrives (the
//! database with its uncheckpointed WAL, documents, the config with its remembered database),
//! the old folder keeps its files and gains the marker, and the next start moves nothing; a
//! broken copy moves nothing at all.

mod common;
use common::as_json;
use std::path::{Path, PathBuf};

use madoguchi_api::customers;
use madoguchi_api::paths::{self, Folders, MOVED_MARKER, Moved};
use madoguchi_domain::time::Moment;

fn now() -> Moment {
    madoguchi_api::quote::parse_moment("2026-12-02T09:00:00+09:00").expect("moment")
}

/// A home with the old and new folders of one platform (data and config apart, as on Linux).
fn home(name: &str) -> (PathBuf, Folders, Folders) {
    let root = std::env::temp_dir().join(format!("madoguchi-paths-{}-{name}", std::process::id())).join("山田 花子");
    let _ = std::fs::remove_dir_all(&root);
    let of = |id: &str| Folders { data: root.join("data").join(id), config: root.join("config").join(id) };
    (root.clone(), of(paths::OLD_APP_ID), of(paths::APP_ID))
}

/// Every file under `dir`, relative, with its bytes.
fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.strip_prefix(dir).expect("inside").to_path_buf(), std::fs::read(&path).expect("read")));
            }
        }
    }
    out.sort();
    out
}

/// An old installation: 30 seeded customers (orders, documents, notes), a write still in the
/// WAL (the connection is leaked, as a crash leaves it), an issued PDF and a config file that
/// remembers the database.
fn old_installation(old: &Folders) -> u64 {
    let db = old.data.join("madoguchi.sqlite3");
    let mut store = customers::open(&db, now()).expect("open");
    customers::seed(&mut store, 30, 1, now(), &mut |_| true).expect("seed");
    let id = as_json(customers::lookup(&store, "KN00000001", 1)).expect("lookup")["results"][0]["customer_id"].as_str().expect("id").to_string();
    customers::add_note(&mut store, &id, "山本", "移行前のメモ", now()).expect("note");
    let count = customers::customer_count(&store).expect("count");
    std::mem::forget(store);
    assert!(old.data.join("madoguchi.sqlite3-wal").exists(), "the last write is still in the WAL");
    std::fs::create_dir_all(old.data.join("documents")).expect("documents");
    std::fs::write(old.data.join("documents").join("RC-7F3A-000001.pdf"), b"%PDF-1.7 issued").expect("pdf");
    std::fs::create_dir_all(&old.config).expect("config");
    let config = serde_json::json!({"db_path": db, "window": "kept"});
    std::fs::write(old.config.join("config.json"), config.to_string()).expect("config");
    count
}

#[test]
fn the_old_folder_moves_once_with_nothing_lost() {
    let (_root, old, new) = home("once");
    let customers_before = old_installation(&old);
    let old_files = files(&old.data);
    // The log plugin may have made the new folder already.
    std::fs::create_dir_all(new.data.join("logs")).expect("logs");

    let moved = paths::move_old_data(&old, &new, now()).expect("moves");
    assert_eq!(moved, Moved::Moved { files: 4 }, "database, -wal, -shm and the PDF");
    assert!(moved.notice(&old, &new).expect("a notice").contains("移しました"));

    // Nothing lost: the same customers and notes, the PDF, the old folder untouched but marked.
    let store = customers::open(&new.data.join("madoguchi.sqlite3"), now()).expect("open the moved database");
    assert_eq!(customers::customer_count(&store).expect("count"), customers_before);
    assert!(customers::check(&store).expect("check").is_empty());
    let id = as_json(customers::lookup(&store, "KN00000001", 1)).expect("lookup")["results"][0]["customer_id"].as_str().expect("id").to_string();
    let notes = as_json(customers::customer(&store, &id)).expect("customer")["notes"].to_string();
    assert!(notes.contains("移行前のメモ"), "the write that was only in the WAL arrived: {notes}");
    assert_eq!(std::fs::read(new.data.join("documents").join("RC-7F3A-000001.pdf")).expect("pdf"), b"%PDF-1.7 issued");
    assert!(new.data.join("logs").is_dir(), "what the new folder held stays");
    let marker = std::fs::read_to_string(old.data.join(MOVED_MARKER)).expect("marker");
    assert!(marker.contains(&new.data.display().to_string()), "{marker}");
    let mut old_now = files(&old.data);
    old_now.retain(|(p, _)| p != Path::new(MOVED_MARKER));
    assert_eq!(old_now, old_files, "the old folder keeps its files as they were");

    // The config moved, remembering the same database in its new place; other keys kept.
    let config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(new.config.join("config.json")).expect("config")).expect("json");
    assert_eq!(config["db_path"], serde_json::json!(new.data.join("madoguchi.sqlite3")));
    assert_eq!(config["window"], "kept");

    // The next start moves nothing, and changes nothing.
    drop(store);
    let after = files(&new.data);
    assert_eq!(paths::move_old_data(&old, &new, now()).expect("second start"), Moved::Nothing);
    assert_eq!(files(&new.data), after);
    assert!(!new.data.parent().expect("parent").join(format!(".{}.moving", paths::APP_ID)).exists(), "no staging folder is left");
}

#[test]
fn nothing_moves_without_an_old_folder_or_when_both_hold_a_database() {
    let (_root, old, new) = home("both");
    assert_eq!(paths::move_old_data(&old, &new, now()).expect("no old folder"), Moved::Nothing);
    assert!(!new.data.exists());

    old_installation(&old);
    let store = customers::open(&new.data.join("madoguchi.sqlite3"), now()).expect("a new database");
    drop(store);
    let new_files = files(&new.data);
    let moved = paths::move_old_data(&old, &new, now()).expect("both");
    assert_eq!(moved, Moved::BothExist);
    assert!(moved.notice(&old, &new).expect("notice").contains("古いデータフォルダ"));
    assert_eq!(files(&new.data), new_files, "the new database is not touched");
    assert!(!old.data.join(MOVED_MARKER).exists(), "the agent decides; the old folder is not marked");
}

#[test]
fn a_copy_that_fails_db_check_moves_nothing() {
    let (_root, old, new) = home("broken");
    std::fs::create_dir_all(&old.data).expect("old");
    std::fs::write(old.data.join("madoguchi.sqlite3"), vec![0x42; 8192]).expect("not a database");
    let error = paths::move_old_data(&old, &new, now()).expect_err("refused");
    assert!(error.to_string().contains("madoguchi.sqlite3"), "{error}");
    assert!(!new.data.exists(), "the new folder is not made");
    assert!(!old.data.join(MOVED_MARKER).exists(), "the old folder is not marked: the next start tries again");
    assert!(!new.data.parent().expect("parent").join(format!(".{}.moving", paths::APP_ID)).exists());
}

#[test]
fn a_file_written_durably_is_whole_and_leaves_no_temporary() {
    let (root, _, _) = home("durable");
    let file = root.join("設定 フォルダ").join("config.json");
    paths::write_durably(&file, b"{\"a\": 1}\n").expect("write");
    paths::write_durably(&file, b"{\"a\": 2}\n").expect("replace");
    assert_eq!(std::fs::read(&file).expect("read"), b"{\"a\": 2}\n");
    assert_eq!(std::fs::read_dir(file.parent().expect("dir")).expect("dir").count(), 1, "no temporary file left");
}

#[test]
fn where_data_and_config_share_a_folder_the_remembered_database_follows_too() {
    let (root, _, _) = home("shared");
    let (old, new) = (
        Folders { data: root.join(paths::OLD_APP_ID), config: root.join(paths::OLD_APP_ID) },
        Folders { data: root.join(paths::APP_ID), config: root.join(paths::APP_ID) },
    );
    old_installation(&old);
    assert!(matches!(paths::move_old_data(&old, &new, now()).expect("moves"), Moved::Moved { .. }));
    let config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(new.config.join("config.json")).expect("config")).expect("json");
    assert_eq!(config["db_path"], serde_json::json!(new.data.join("madoguchi.sqlite3")), "not the old folder's database");
}

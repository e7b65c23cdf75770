//! 名寄せ: merging two customers into one, on one installation (what moves, what is refused)
//! and across three that exchange bundles in every order while the merged-away customer is
//! still being changed elsewhere: they converge, OTHER stays gone and nothing filed under it is
//! lost.

mod common;
use common::as_json;

use common::{at, customer_id};

use std::path::{Path, PathBuf};

use madoguchi_api::Context;
use madoguchi_api::customers;
use madoguchi_api::import::{Encoding, import_customers};
use madoguchi_api::requests;
use madoguchi_api::tariffs::Tariffs;
use madoguchi_store::Store;
use serde_json::{Value, json};

const NOW: &str = "2026-11-20T10:00:00+09:00";

fn folder(name: &str) -> PathBuf {
    common::folder("merge", name)
}

fn open(path: &Path) -> Store {
    common::open(path, NOW)
}

fn export_all(store: &Store, out: &Path) {
    common::export_all(store, out, NOW);
}

fn import(store: &mut Store, bundle: &Path) -> Value {
    common::import_trusted(store, bundle, NOW).expect("imports")
}

fn import_csv(store: &mut Store, csv: &[u8]) {
    let tariffs = Tariffs::embedded().expect("tariffs");
    let report =
        import_customers(store, &mut std::io::Cursor::new(csv), Encoding::Auto, false, Context { tariffs: &tariffs, actor: "test", now: at(NOW) }, &mut |_| {
            true
        })
        .expect("imports");
    assert!(report.written, "{:?}", report.errors);
}

fn tick() {
    std::thread::sleep(std::time::Duration::from_millis(3));
}

const HEADER: &str = "service,customer_number,name,name_kana,birth_date,prefecture,postal_code,address,phone1,phone2,email";

#[test]
fn a_merge_moves_everything_to_the_kept_customer_and_refusals_write_nothing() {
    let dir = folder("local");
    let mut store = open(&dir.join("m.sqlite3"));
    import_csv(
        &mut store,
        format!(
            "{HEADER}\n{}\n{}\n{}\n",
            "alwater,AW00000001,山田　花子,ヤマダ ハナコ,1980-04-01,東京都,100-0001,千代田区千代田1-1,03-1111-0001,,hanako@example.jp",
            "kaunet,KN00000001,山田　花子,ﾔﾏﾀﾞ ﾊﾅｺ,,東京都,100-0001,千代田区千代田1-1,0311110001,090-2222-0002,HANAKO@example.jp",
            "plus-aqua,PA00000001,鈴木　一郎,スズキ イチロウ,1970-01-01,東京都,100-0001,千代田区千代田3-3,03-3333-0003,,",
        )
        .as_bytes(),
    );
    let keep = customer_id(&store, "AW00000001");
    let other = customer_id(&store, "KN00000001");
    let stranger = customer_id(&store, "PA00000001");
    let duplicates = as_json(customers::duplicates(&store, &keep)).expect("duplicates");
    assert_eq!(duplicates.as_array().map(Vec::len), Some(1), "{duplicates}");
    assert_eq!(duplicates[0]["id"], other.as_str());
    assert_eq!(duplicates[0]["reason_ja"], "電話番号・メール＋フリガナ");
    assert_eq!(as_json(customers::duplicates(&store, &stranger)).expect("none"), json!([]));

    let tariffs = Tariffs::embedded().expect("tariffs");
    customers::add_note(&mut store, &other, "test", "統合前のメモ", at(NOW)).expect("note");
    let request = as_json(requests::create(&mut store, "catalog_stop", &other, &[], Context { tariffs: &tariffs, actor: "test", now: at(NOW) }))
        .expect("filed")["id"]
        .as_str()
        .expect("id")
        .to_string();

    // Refusals name their field and write nothing.
    let before = store.canonical_dump().expect("dump");
    let unknown = "00000000-0000-4000-8000-000000000000";
    for (keep_id, other_id, field) in
        [(keep.as_str(), keep.as_str(), "other"), (unknown, other.as_str(), "keep"), (keep.as_str(), unknown, "other"), ("", other.as_str(), "keep")]
    {
        match as_json(customers::merge(&mut store, keep_id, other_id, "test", at(NOW))) {
            Err(madoguchi_api::ApiError::Invalid { field: f, .. }) => assert_eq!(f, field, "{keep_id} {other_id}"),
            other => panic!("{keep_id} {other_id}: {other:?}"),
        }
    }
    assert_eq!(store.canonical_dump().expect("dump"), before, "a refused merge writes nothing");

    let moved = as_json(customers::merge(&mut store, &keep, &other, "agent-1", at(NOW))).expect("merges");
    assert_eq!(
        (&moved["accounts"], &moved["requests"], &moved["request_history"], &moved["call_notes"], &moved["phones"], &moved["emails"]),
        (&json!(1), &json!(1), &json!(1), &json!(1), &json!({"moved": 1, "dropped": 1}), &json!({"moved": 0, "dropped": 1})),
        "{moved}"
    );
    assert_eq!(moved["filled"], json!([]), "KEEP had a birth date and an address: nothing taken");
    assert!(as_json(customers::customer(&store, &other)).is_err(), "the other customer is gone");
    let view = as_json(customers::customer(&store, &keep)).expect("kept");
    let numbers: Vec<&str> = view["accounts"].as_array().expect("accounts").iter().filter_map(|a| a["customer_number"].as_str()).collect();
    assert_eq!(numbers.len(), 2, "{view}");
    assert!(numbers.contains(&"KN00000001") && numbers.contains(&"AW00000001"));
    assert_eq!(view["notes"].as_array().map(Vec::len), Some(1));
    assert_eq!(view["phones"].as_array().map(Vec::len), Some(2), "the shared phone once, the other's second phone moved: {view}");
    assert_eq!(view["emails"].as_array().map(Vec::len), Some(1));
    assert_eq!(as_json(requests::show(&store, &request, at(NOW))).expect("the request moved")["customer_id"], keep.as_str());
    assert_eq!(customer_id(&store, "0311110001"), keep, "the phone search finds the kept customer");
    assert_eq!(as_json(customers::duplicates(&store, &keep)).expect("none left"), json!([]));
    assert!(store.check().expect("check").is_empty());
    // Every move is audited, by the agent who merged.
    let raw = rusqlite::Connection::open(dir.join("m.sqlite3")).expect("raw");
    let audited: i64 = raw.query_row("SELECT count(*) FROM audit_log WHERE actor = 'agent-1'", [], |r| r.get(0)).expect("count");
    assert_eq!(audited, 1 + 1 + 1 + 1 + 2 + 1 + 1, "merge record, account, request, note, two phones, email, delete");
    // Merging again: the other is unknown now.
    assert!(
        matches!(as_json(customers::merge(&mut store, &keep, &other, "test", at(NOW))), Err(madoguchi_api::ApiError::Invalid { field, .. }) if field == "other")
    );
}

/// The kept customer's empty fields are taken from the other: a merge loses nothing the other
/// knew (here the birth date).
#[test]
fn a_merge_fills_the_kept_customers_empty_fields_from_the_other() {
    let dir = folder("fill");
    let mut store = open(&dir.join("f.sqlite3"));
    import_csv(
        &mut store,
        format!(
            "{HEADER}\n{}\n{}\n",
            "alwater,AW00000002,田中　一郎,タナカ イチロウ,,東京都,100-0001,千代田区千代田2-2,03-4444-0001,,",
            "kaunet,KN00000002,田中　一郎,タナカ イチロウ,1975-06-30,東京都,100-0001,千代田区千代田2-2,03-4444-0001,,",
        )
        .as_bytes(),
    );
    let keep = customer_id(&store, "AW00000002");
    let other = customer_id(&store, "KN00000002");
    let moved = as_json(customers::merge(&mut store, &keep, &other, "agent-1", at(NOW))).expect("merges");
    assert_eq!(moved["filled"], json!(["birth_date"]), "{moved}");
    assert_eq!(as_json(customers::customer(&store, &keep)).expect("kept")["birth_date"], "1975-06-30");
    assert!(store.check().expect("check").is_empty());
}

/// A merge on A while B, not knowing of it, adds a note, a phone-searchable request and an
/// address edit to OTHER, and C edits KEEP: in every order of the three bundles, at every
/// installation, the same rows; OTHER never comes back; B's note and request are KEEP's.
#[test]
fn a_merge_travels_by_sync_and_concurrent_changes_to_the_other_follow_it() {
    let dir = folder("sync");
    let paths = ["a", "b", "c"].map(|n| dir.join(format!("{n}.sqlite3")));
    let mut a = open(&paths[0]);
    import_csv(&mut a, include_bytes!("fixtures/customers.csv"));
    let base = dir.join("base.mdgb");
    export_all(&a, &base);
    for path in &paths[1..] {
        import(&mut open(path), &base);
    }
    let (mut b, mut c) = (open(&paths[1]), open(&paths[2]));
    let tariffs = Tariffs::embedded().expect("tariffs");
    let keep = customer_id(&a, "AW00000001");
    let other = customer_id(&a, "KN00000001");

    customers::add_note(&mut a, &other, "A", "Aのメモ（統合前）", at(NOW)).expect("note");
    as_json(customers::merge(&mut a, &keep, &other, "A", at(NOW))).expect("merges");
    tick();
    customers::add_note(&mut b, &other, "B", "Bのメモ（統合を知らない）", at(NOW)).expect("note");
    let request = as_json(requests::create(&mut b, "catalog_stop", &other, &[], Context { tariffs: &tariffs, actor: "B", now: at(NOW) })).expect("filed")["id"]
        .as_str()
        .expect("id")
        .to_string();
    customers::edit(&mut b, &other, &[("address".into(), "大阪市北区梅田2-2-2".into())], "B", at(NOW)).expect("edit");
    tick();
    customers::add_note(&mut c, &keep, "C", "Cのメモ", at(NOW)).expect("note");
    customers::edit(&mut c, &keep, &[("name".into(), "佐藤　太郎C".into())], "C", at(NOW)).expect("edit");

    let bundles = ["a", "b", "c"].map(|n| dir.join(format!("{n}1.mdgb")));
    for (store, out) in [&a, &b, &c].into_iter().zip(&bundles) {
        export_all(store, out);
    }
    drop((a, b, c));

    let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    let mut dumps: Vec<(String, String)> = Vec::new();
    for (n, order) in orders.iter().enumerate() {
        for (i, path) in paths.iter().enumerate() {
            let copy = dir.join(format!("copy-{n}-{i}.sqlite3"));
            std::fs::copy(path, &copy).expect("copy");
            let mut store = open(&copy);
            for &k in order {
                import(&mut store, &bundles[k]);
            }
            assert!(store.check().expect("check").is_empty(), "integrity after order {order:?} at {i}");
            assert!(as_json(customers::customer(&store, &other)).is_err(), "OTHER is not resurrected (order {order:?} at {i})");
            let view = as_json(customers::customer(&store, &keep)).expect("kept");
            let notes: Vec<&str> = view["notes"].as_array().expect("notes").iter().filter_map(|n| n["body"].as_str()).collect();
            assert_eq!(notes.len(), 3, "no note lost (order {order:?} at {i}): {notes:?}");
            assert_eq!(as_json(requests::show(&store, &request, at(NOW))).expect("B's request")["customer_id"], keep.as_str(), "order {order:?} at {i}");
            assert_eq!(view["name"], "佐藤　太郎C");
            let before = (store.canonical_dump().expect("dump"), store.change_log_dump().expect("log"));
            for bundle in &bundles {
                assert_eq!(import(&mut store, bundle)["applied"], 0);
            }
            assert_eq!(before, (store.canonical_dump().expect("dump"), store.change_log_dump().expect("log")), "a re-import changed something");
            dumps.push((format!("order {order:?} at installation {i}"), before.0));
        }
    }
    let (first_label, first) = &dumps[0];
    for (label, dump) in &dumps[1..] {
        assert!(dump == first, "{label} differs from {first_label}");
    }
    assert!(first.contains("customer_merges"), "the merge itself travels");
}

/// Merges that cross: A merges OTHER into KEEP, then B, not knowing, merges KEEP into OTHER.
/// Whichever bundle arrives first, both installations end with the same one customer, the one
/// the older merge kept (KEEP), holding every account, note and phone of both.
#[test]
fn merges_that_cross_keep_one_customer_with_everything() {
    let dir = folder("crossed");
    let paths = ["a", "b"].map(|n| dir.join(format!("{n}.sqlite3")));
    let mut a = open(&paths[0]);
    // One phone both hold (each side's merge deletes its own copy as a duplicate) and one only
    // OTHER has.
    import_csv(
        &mut a,
        format!(
            "{HEADER}\n{}\n{}\n",
            "alwater,AW00000001,山田　花子,ヤマダ ハナコ,1980-04-01,東京都,100-0001,千代田区千代田1-1,03-1111-0001,,",
            "kaunet,KN00000001,山田　花子,ヤマダ ハナコ,,東京都,100-0001,千代田区千代田1-1,0311110001,090-2222-0002,",
        )
        .as_bytes(),
    );
    let base = dir.join("base.mdgb");
    export_all(&a, &base);
    let mut b = open(&paths[1]);
    import(&mut b, &base);
    let keep = customer_id(&a, "AW00000001");
    let other = customer_id(&a, "KN00000001");
    customers::add_note(&mut a, &other, "A", "OTHERへのメモ", at(NOW)).expect("note");
    customers::add_note(&mut b, &keep, "B", "KEEPへのメモ", at(NOW)).expect("note");
    as_json(customers::merge(&mut a, &keep, &other, "A", at(NOW))).expect("A merges OTHER into KEEP");
    tick();
    as_json(customers::merge(&mut b, &other, &keep, "B", at(NOW))).expect("B merges KEEP into OTHER");
    let bundles = ["a1", "b1"].map(|n| dir.join(format!("{n}.mdgb")));
    export_all(&a, &bundles[0]);
    export_all(&b, &bundles[1]);
    drop((a, b));

    let mut dumps = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        for order in [[0, 1], [1, 0]] {
            let copy = dir.join(format!("crossed-{i}-{}.sqlite3", order[0]));
            std::fs::copy(path, &copy).expect("copy");
            let mut store = open(&copy);
            for k in order {
                import(&mut store, &bundles[k]);
            }
            assert!(store.check().expect("check").is_empty(), "integrity at {i} after {order:?}");
            assert!(as_json(customers::customer(&store, &other)).is_err(), "OTHER, merged by the older merge, is gone (at {i} after {order:?})");
            let view = as_json(customers::customer(&store, &keep)).unwrap_or_else(|e| panic!("KEEP stays at {i} after {order:?}: {e:?}"));
            let numbers: Vec<&str> = view["accounts"].as_array().expect("accounts").iter().filter_map(|a| a["customer_number"].as_str()).collect();
            assert!(numbers.contains(&"AW00000001") && numbers.contains(&"KN00000001"), "both accounts at {i} after {order:?}: {numbers:?}");
            let notes: Vec<&str> = view["notes"].as_array().expect("notes").iter().filter_map(|n| n["body"].as_str()).collect();
            assert!(notes.contains(&"OTHERへのメモ") && notes.contains(&"KEEPへのメモ"), "both notes at {i} after {order:?}: {notes:?}");
            assert_eq!(customer_id(&store, "KN00000001"), keep, "the moved account's number finds KEEP");
            let phones: Vec<&str> = view["phones"].as_array().expect("phones").iter().filter_map(|p| p["number"].as_str()).collect();
            assert_eq!(phones.len(), 2, "the shared phone once and OTHER's second one, at {i} after {order:?}: {phones:?}");
            dumps.push(store.canonical_dump().expect("dump"));
        }
    }
    assert!(dumps.iter().all(|d| *d == dumps[0]), "every installation and order converges");
}

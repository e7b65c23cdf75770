//! The search box and the customer view on a real SQLite file filled by the real CSV import:
//! every query form of the issue, the ranking, and what matched.

mod common;
use common::as_json;
use std::path::PathBuf;

use madoguchi_api::ApiError;
use madoguchi_api::Context;
use madoguchi_api::customers;
use madoguchi_api::import::{Encoding, import_customers};
use madoguchi_api::tariffs::Tariffs;
use madoguchi_domain::time::Moment;
use madoguchi_store::Store;
use serde_json::Value;

fn now() -> Moment {
    chrono::DateTime::parse_from_rfc3339("2026-11-21T11:00:00+09:00").expect("moment")
}

/// A fresh database file under the system temp folder.
pub fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("madoguchi-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join("test.sqlite3")
}

fn fixture_store(name: &str) -> Store {
    let mut store = customers::open(&temp_db(name), now()).expect("opens");
    let csv = include_bytes!("fixtures/customers.csv");
    let tariffs = Tariffs::embedded().expect("tariffs");
    let report = import_customers(
        &mut store,
        &mut std::io::Cursor::new(csv),
        Encoding::Auto,
        false,
        Context { tariffs: &tariffs, actor: "test", now: now() },
        &mut |_| true,
    )
    .expect("imports");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.created, 7);
    store
}

fn results(store: &Store, query: &str) -> Vec<Value> {
    as_json(customers::lookup(store, query, 20)).expect("lookup")["results"].as_array().expect("results").clone()
}

#[test]
fn every_query_form_finds_the_caller() {
    let store = fixture_store("forms");
    // (query, the first result's name, the field that matched)
    let cases = [
        // phone numbers, any format
        ("03-1234-5678", "佐藤　太郎", "phone"),
        ("0312345678", "佐藤　太郎", "phone"),
        ("０３－１２３４－５６７８", "佐藤　太郎", "phone"),
        ("+81 3 1234 5678", "佐藤　太郎", "phone"),
        ("03 1234 5678", "佐藤　太郎", "phone"),
        ("(03)1234-5678", "佐藤　太郎", "phone"),
        ("09022223333", "髙橋　美咲", "phone"),
        ("+81-90-2222-3333", "髙橋　美咲", "phone"),
        ("092-123-4567", "山﨑　健一", "phone"),
        ("3333", "髙橋　美咲", "phone"),
        ("0086", "森　愛", "phone"),
        ("0001", "佐藤　太郎", "phone"),
        // names: kanji, hiragana, katakana, half-width katakana, in part
        ("佐藤　太郎", "佐藤　太郎", "name"),
        ("佐藤太郎", "佐藤　太郎", "name"),
        ("太郎", "佐藤　太郎", "name"),
        ("たかはし", "髙橋　美咲", "name_kana"),
        ("タカハシ", "髙橋　美咲", "name_kana"),
        ("ﾀｶﾊｼ ﾐｻｷ", "髙橋　美咲", "name_kana"),
        ("髙橋", "髙橋　美咲", "name"),
        ("𠮷田", "𠮷田　花子", "name"),
        ("よしだはなこ", "𠮷田　花子", "name_kana"),
        ("山﨑", "山﨑　健一", "name"),
        ("やまさき", "山﨑　健一", "name_kana"),
        ("アマノ", "株式会社アマノ商事", "name"),
        ("アマノ商事", "株式会社アマノ商事", "name"),
        ("しょうじ", "株式会社アマノ商事", "name_kana"),
        ("はなこ", "佐藤　花子", "name_kana"),
        ("森　愛", "森　愛", "name"),
        ("もりあい", "森　愛", "name_kana"),
        ("森", "森　愛", "name"),
        // customer numbers
        ("AW00000001", "佐藤　太郎", "customer_number"),
        ("aw00000001", "佐藤　太郎", "customer_number"),
        ("ＡＷ０００００００１", "佐藤　太郎", "customer_number"),
        ("M2M0000001", "𠮷田　花子", "customer_number"),
        ("PA-00000001", "髙橋　美咲", "customer_number"),
        // emails
        ("taro.sato@example.com", "佐藤　太郎", "email"),
        ("TARO.SATO@EXAMPLE.COM", "佐藤　太郎", "email"),
        ("kenichi.yama", "山﨑　健一", "email"),
        // postal codes
        ("060-0001", "髙橋　美咲", "postal_code"),
        ("0600001", "髙橋　美咲", "postal_code"),
        ("〒900-0001", "𠮷田　花子", "postal_code"),
    ];
    let mut failures = Vec::new();
    for (query, name, field) in cases {
        let found = results(&store, query);
        match found.first() {
            Some(first) if first["name"] == name && first["matched_field"] == field => {}
            other => failures.push(format!("{query}: expected {name} by {field}, got {other:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn partial_searches_find_one_kanji_two_characters_a_postal_start_and_an_address_part() {
    let store = fixture_store("partial");
    // (query, every customer found in order, the field each matched by)
    let cases: [(&str, &[&str], &str); 11] = [
        // one kanji inside a name; a variant kanji folds (﨑 is stored, 崎 typed)
        ("藤", &["佐藤　太郎", "佐藤　花子"], "name"),
        ("崎", &["山﨑　健一"], "name"),
        // two characters inside a name
        ("商事", &["株式会社アマノ商事"], "name"),
        // a postal code from its first 3 digits, or 5 with the hyphen
        ("060", &["髙橋　美咲"], "postal_code"),
        ("100-00", &["佐藤　太郎", "佐藤　花子"], "postal_code"),
        ("９８０", &["森　愛"], "postal_code"),
        // an address part: a town (町名) of two characters, three or more, with digits
        ("梅田", &["株式会社アマノ商事"], "address"),
        ("港町", &["𠮷田　花子"], "address"),
        ("博多駅前", &["山﨑　健一"], "address"),
        ("千代田1-2", &["佐藤　花子"], "address"),
        ("沖縄", &["𠮷田　花子"], "address"),
    ];
    let mut failures = Vec::new();
    for (query, names, field) in cases {
        let found = results(&store, query);
        let got: Vec<(&str, &str)> = found.iter().map(|r| (r["name"].as_str().unwrap_or(""), r["matched_field"].as_str().unwrap_or(""))).collect();
        let expected: Vec<(&str, &str)> = names.iter().map(|n| (*n, field)).collect();
        if got != expected {
            failures.push(format!("{query}: expected {expected:?}, got {got:?}"));
        }
        if found.iter().any(|r| r["exact"] == true) {
            failures.push(format!("{query}: a part is not an exact match"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Parts rank below whole matches: 森 is 森 愛's family name; 田 is in names and addresses,
    // and every name match comes before every address match.
    let found = results(&store, "田");
    let fields: Vec<&str> = found.iter().map(|r| r["matched_field"].as_str().unwrap_or("")).collect();
    assert!(fields.first() == Some(&"name") && fields.contains(&"address"), "{fields:?}");
    assert!(fields.windows(2).all(|p| !(p[0] == "address" && p[1] == "name")), "{fields:?}");
    assert!(found.iter().any(|r| r["name"] == "佐藤　太郎" && r["matched_field"] == "address" && r["matched"] == "東京都千代田区千代田1-1"), "{found:?}");
    // Two digits are no postal start; a hyphen elsewhere is no postal code.
    assert!(results(&store, "06").iter().all(|r| r["matched_field"] != "postal_code"));
    assert!(results(&store, "06-00").iter().all(|r| r["matched_field"] != "postal_code"));
}

#[test]
fn exact_phone_and_number_rank_first() {
    let store = fixture_store("rank");
    // 03-1234-5678 is 佐藤 太郎's; 03-1234-5679 (佐藤 花子) shares the prefix.
    let found = results(&store, "03-1234-567");
    let names: Vec<&str> = found.iter().map(|r| r["name"].as_str().unwrap_or("")).collect();
    assert_eq!(names, ["佐藤　太郎", "佐藤　花子"], "a prefix finds both");
    let found = results(&store, "0312345679");
    assert_eq!(found[0]["name"], "佐藤　花子");
    assert_eq!(found[0]["exact"], true);
    assert_eq!(found.len(), 1, "an exact phone finds only its owner");
    // 佐藤: both 佐藤 customers by name, whole family name = exact token.
    let found = results(&store, "佐藤");
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|r| r["matched_field"] == "name" && r["exact"] == true));
    // The postal code 100-0001 is shared: both, ranked below an exact phone of another query.
    assert_eq!(results(&store, "100-0001").len(), 2);
}

#[test]
fn nothing_matches_nonsense_and_empty_queries() {
    let store = fixture_store("none");
    for query in ["", "   ", "鈴木", "0120-000-000", "zz@nowhere.example"] {
        assert!(results(&store, query).is_empty(), "{query:?}");
    }
}

#[test]
fn a_query_holding_a_nul_is_searched_not_failed() {
    // Found by the fuzzer (fuzz/artifacts/lookup_queries): FTS5 reads its query as a C string,
    // so a NUL ended the quoted phrase of the trigram search ("unterminated string").
    let store = fixture_store("nul");
    for query in ["\0\0\0_", "佐藤\0太郎", "ab\0cd", "\0"] {
        assert!(store.lookup(query, 10).is_ok(), "{query:?}");
    }
}

#[test]
fn the_limit_counts_customers_not_the_rows_they_match_through() {
    // Three customers share a home number; the first writes it twice (phone1 and phone2). With
    // a limit of 3, every one of them is listed: the rows of one customer take no one's place.
    let mut store = customers::open(&temp_db("shared-phone"), now()).expect("opens");
    let csv = "service,customer_number,name,name_kana,prefecture,postal_code,address,phone1,phone2,email\n\
        alwater,AW00000001,佐藤　太郎,サトウ タロウ,東京都,100-0001,千代田区1,03-1234-5678,0312345678,taro@example.com\n\
        alwater,AW00000002,佐藤　花子,サトウ ハナコ,東京都,100-0001,千代田区1,03-1234-5678,,taro@example.com\n\
        alwater,AW00000003,佐藤　一,サトウ ハジメ,東京都,100-0001,千代田区1,(03)1234-5678,,taro@example.com\n";
    let tariffs = Tariffs::embedded().expect("tariffs");
    let report = import_customers(
        &mut store,
        &mut std::io::Cursor::new(csv.as_bytes()),
        Encoding::Auto,
        false,
        Context { tariffs: &tariffs, actor: "test", now: now() },
        &mut |_| true,
    )
    .expect("imports");
    assert_eq!(report.created, 3, "{:?}", report.errors);
    for query in ["03-1234-5678", "0312", "5678", "taro@example.com", "taro@", "さとう"] {
        let hits = store.lookup(query, 3).expect("lookup");
        let mut numbers: Vec<&str> = hits.iter().flat_map(|h| h.customer_numbers.iter().map(String::as_str)).collect();
        numbers.sort_unstable();
        assert_eq!(numbers, ["AW00000001", "AW00000002", "AW00000003"], "{query}");
    }
}

#[test]
fn the_customer_view_has_everything() {
    let mut store = fixture_store("view");
    let id = results(&store, "AW00000001")[0]["customer_id"].as_str().expect("id").to_string();
    customers::add_note(&mut store, &id, "山本", "配送日の変更を受付。", now()).expect("note");
    let view = as_json(customers::customer(&store, &id)).expect("found");
    assert_eq!(view["name"], "佐藤　太郎");
    assert_eq!(view["postal_code"], "100-0001");
    assert_eq!(view["phones"].as_array().map(Vec::len), Some(2));
    assert_eq!(view["accounts"][0]["service"], "alwater");
    assert_eq!(view["accounts"][0]["server_model"], "slim3");
    assert_eq!(view["accounts"][0]["last_shipment"], "2026-09-12");
    assert_eq!(view["notes"][0]["body"], "配送日の変更を受付。");
    assert_eq!(view["notes"][0]["author"], "山本");
    assert!(matches!(as_json(customers::customer(&store, "no-such-id")), Err(ApiError::NotFound(_))));
}

#[test]
fn card_numbers_are_refused_in_notes_and_nothing_is_written() {
    let mut store = fixture_store("cards");
    let id = results(&store, "AW00000001")[0]["customer_id"].as_str().expect("id").to_string();
    for body in ["カード 4111 1111 1111 1111 で支払い希望", "4242-4242-4242-4242", "JCB３５３０１１１３３３３０００００"] {
        let error = customers::add_note(&mut store, &id, "山本", body, now()).expect_err("refused");
        assert!(matches!(&error, ApiError::Invalid { field, .. } if field == "note"), "{error}");
    }
    assert!(customers::add_note(&mut store, &id, "山本", "   ", now()).is_err(), "empty notes are refused");
    assert_eq!(as_json(customers::customer(&store, &id)).expect("view")["notes"].as_array().map(Vec::len), Some(0));
    customers::add_note(&mut store, &id, "山本", "折り返し 03-1234-5678 へ", now()).expect("a phone number is fine");
}

#[test]
fn the_audit_log_is_append_only() {
    let path = temp_db("audit");
    let mut store = customers::open(&path, now()).expect("opens");
    let tariffs = Tariffs::embedded().expect("tariffs");
    import_customers(
        &mut store,
        &mut std::io::Cursor::new(include_bytes!("fixtures/customers.csv")),
        Encoding::Auto,
        false,
        Context { tariffs: &tariffs, actor: "test", now: now() },
        &mut |_| true,
    )
    .expect("imports");
    drop(store);
    let conn = rusqlite::Connection::open(&path).expect("raw open");
    let rows: i64 = conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).expect("count");
    assert_eq!(rows, 7, "one audit row per created customer");
    assert!(conn.execute("UPDATE audit_log SET actor = 'x'", []).is_err());
    assert!(conn.execute("DELETE FROM audit_log", []).is_err());
}

#[test]
fn a_database_from_a_newer_schema_is_refused() {
    let path = temp_db("newer");
    drop(customers::open(&path, now()).expect("opens"));
    rusqlite::Connection::open(&path).expect("raw").pragma_update(None, "user_version", 99).expect("bump");
    let error = customers::open(&path, now()).err().expect("refused");
    assert!(error.to_string().contains("newer"), "{error}");
}

#[test]
fn seeding_is_deterministic_and_passes_the_integrity_check() {
    let dump = |name: &str| {
        let path = temp_db(name);
        let mut store = customers::open(&path, now()).expect("opens");
        let report = customers::seed(&mut store, 500, 42, now(), &mut |_| true).expect("seeds");
        assert_eq!(report.customers, 500);
        assert!(customers::check(&store).expect("check").is_empty());
        drop(store);
        let conn = rusqlite::Connection::open(&path).expect("raw");
        let mut stmt = conn.prepare("SELECT id, name, name_kana, prefecture, postal_code, address FROM customers ORDER BY id").expect("query");
        let rows: Vec<String> = stmt
            .query_map([], |r| Ok((0..6).map(|i| r.get::<_, String>(i).unwrap_or_default()).collect::<Vec<_>>().join("|")))
            .expect("rows")
            .collect::<Result<_, _>>()
            .expect("rows");
        let prefectures: std::collections::BTreeSet<String> = rows.iter().map(|r| r.split('|').nth(3).unwrap_or("").to_string()).collect();
        assert!(prefectures.contains("北海道") && prefectures.contains("沖縄県"), "{prefectures:?}");
        rows
    };
    assert_eq!(dump("seed-a"), dump("seed-b"), "the same seed gives the same customers");
}

#[test]
fn variant_kanji_find_the_caller_both_ways_and_say_so() {
    let mut store = fixture_store("variants");
    let sato = as_json(customers::lookup(&store, "AW00000001", 1)).expect("lookup")["results"][0]["customer_id"].as_str().expect("id").to_string();
    customers::edit(&mut store, &sato, &[("name".into(), "渡邊　太郎".into())], "test", now()).expect("renamed");
    let mori = as_json(customers::lookup(&store, "森　愛", 1)).expect("lookup")["results"][0]["customer_id"].as_str().expect("id").to_string();
    customers::edit(&mut store, &mori, &[("name".into(), "高橋　愛".into())], "test", now()).expect("renamed");
    // (query, the first result, whether it matched through a variant)
    for (query, first, variant) in [
        ("山崎", "山﨑　健一", true),
        ("山﨑", "山﨑　健一", false),
        ("渡辺", "渡邊　太郎", true),
        ("渡邉", "渡邊　太郎", true),
        ("渡邊太郎", "渡邊　太郎", false),
        ("髙橋　美咲", "髙橋　美咲", false),
        ("高橋美咲", "髙橋　美咲", true),
    ] {
        let found = results(&store, query);
        assert_eq!((found[0]["name"].as_str(), found[0]["variant"].as_bool()), (Some(first), Some(variant)), "{query}: {found:?}");
    }
    // 高橋: the literal 高橋 first, then 髙橋 through the variant, which says so.
    let found = results(&store, "高橋");
    let names: Vec<(&str, bool)> = found.iter().map(|r| (r["name"].as_str().expect("name"), r["variant"] == true)).collect();
    assert_eq!(names[..2], [("高橋　愛", false), ("髙橋　美咲", true)], "{found:?}");
    // Kana finds by the reading, not through a variant.
    let kana = &results(&store, "たかはしみさき")[0];
    assert_eq!((kana["matched_field"].as_str(), kana["variant"].as_bool()), (Some("name_kana"), Some(false)));
}

/// An edit checks each field by the rule the import and the sync use; a refused one names its
/// field and writes nothing.
#[test]
fn an_edit_checks_each_field_as_the_import_does() {
    let mut store = fixture_store("edit-fields");
    let id = as_json(customers::lookup(&store, "AW00000001", 1)).expect("lookup")["results"][0]["customer_id"].as_str().expect("id").to_string();
    let cases = [
        ("name_kana", "ヤマダ タロウ", true),
        ("name_kana", "yamada", false),
        ("prefecture", "北海道", true),
        ("prefecture", "北海", false),
        ("postal_code", "０６０－０００１", true),
        ("postal_code", "0600", false),
        ("birth_date", "1900-01-01", true),
        ("birth_date", "1899-12-31", false),
        ("birth_date", "2026-11-21", true),
        ("birth_date", "2026-11-22", false),
        ("birth_date", "2026/11/01", false),
        ("birth_date", "", true),
    ];
    for (field, value, good) in cases {
        let before = store.canonical_dump().expect("dump");
        match customers::edit(&mut store, &id, &[(field.into(), value.into())], "test", now()) {
            Ok(_) => assert!(good, "{field}={value} must be refused"),
            Err(ApiError::Invalid { field: named, reason }) => {
                assert!(!good, "{field}={value}: {reason}");
                assert_eq!(named, field);
                assert_eq!(store.canonical_dump().expect("dump"), before, "{field}={value}: nothing written");
            }
            Err(e) => panic!("{field}={value}: {e}"),
        }
    }
}

/// The search box gives 1 to 1,000 results, whoever asks (the app, the command line).
#[test]
fn a_lookup_limit_outside_1_to_1000_is_refused_naming_it() {
    let store = fixture_store("limits");
    for limit in [0, customers::MAX_LOOKUP + 1] {
        match customers::lookup(&store, "山", limit) {
            Err(ApiError::Invalid { field, .. }) => assert_eq!(field, "limit", "{limit}"),
            other => panic!("{limit}: {:?}", other.map(|l| l.results.len())),
        }
    }
    assert!(customers::lookup(&store, "山", customers::MAX_LOOKUP).is_ok());
}

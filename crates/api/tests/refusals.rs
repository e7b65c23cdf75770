//! What the fuzzers found wanting (fuzz/artifacts/, run again by crates/fuzz-cases): every
//! refusal names a field, a quote's refusal stays one line whatever the request quotes, and
//! every answer can be summarized as a call note.

mod common;
use common::as_json;
use madoguchi_api::ApiError;
use madoguchi_api::Context;
use madoguchi_api::documents;
use madoguchi_api::quote::{quote_json, summary};
use madoguchi_api::settings::Setting;
use madoguchi_api::tariffs::Tariffs;
use madoguchi_api::{Store, customers};
use madoguchi_domain::time::Moment;
use serde_json::json;

fn now() -> Moment {
    chrono::DateTime::parse_from_rfc3339("2026-11-21T11:00:00+09:00").expect("moment")
}

#[test]
fn a_quote_request_with_an_empty_or_broken_key_is_refused_on_the_request() {
    let tariffs = Tariffs::embedded().expect("tariffs");
    for key in ["", " ", "a\nb"] {
        let request = json!({"service": "alwater", "kind": "exchange", key: "x"}).to_string();
        let e = as_json(quote_json(&request, now(), &tariffs)).expect_err("refused");
        assert_eq!(e.field, "request", "{key:?}: {e}");
        assert!(e.reason.contains(&format!("{key:?}")), "the key is quoted: {e}");
        assert_eq!(e.to_string().lines().count(), 1, "{e}");
    }
}

#[test]
fn a_quote_refusal_is_one_line_whatever_the_request_quotes() {
    let tariffs = Tariffs::embedded().expect("tariffs");
    for request in [
        json!({"service": "alwater\nplus-aqua", "kind": "pause"}),
        json!({"service": "alwater", "kind": "pause\r"}),
        json!({"service": "alwater", "kind": "pause", "as_of": "2026-11-21\u{2028}T11:00:00+09:00"}),
        json!({"service": "plus-aqua", "kind": "registration", "plan": "basic\u{1b}[2J"}),
    ] {
        let e = as_json(quote_json(&request.to_string(), now(), &tariffs)).expect_err("refused");
        let shown = e.to_string();
        assert!(!shown.chars().any(|c| c.is_control() || c == '\u{2028}'), "{shown:?}");
    }
}

#[test]
fn a_document_with_an_empty_key_is_refused_on_the_document() {
    let tariffs = Tariffs::embedded().expect("tariffs");
    let mut store = Store::open_in_memory(&customers::stamp(now())).expect("store");
    for key in ["", "  "] {
        let document = json!({"service": "amano-shop", "recipient": {"name": "佐藤　太郎"}, key: 1});
        match documents::issue(&mut store, "estimate", &document, Context { tariffs: &tariffs, actor: "test", now: now() }, &mut |_| Ok(())) {
            Err(ApiError::Invalid { field, reason }) => {
                assert_eq!(field, "document", "{key:?}: {reason}");
                assert!(reason.contains(&format!("{key:?}")), "the key is quoted: {reason}");
            }
            other => panic!("{key:?}: {:?}", other.map(|i| i.number)),
        }
    }
}

#[test]
fn an_answer_past_the_18_digits_of_an_input_is_summarized() {
    let tariffs = Tariffs::embedded().expect("tariffs");
    let request = json!({
        "service": "allwatch", "kind": "cancellation", "as_of": "2026-11-15T10:00:00+09:00",
        "received": "2023-11-18", "paid_through": "2024-12", "monthly_fee": "0000000821750831172927639",
    });
    let answer = as_json(quote_json(&request.to_string(), now(), &tariffs)).expect("answered");
    assert_eq!(answer["total"], "-9861009974075131668", "12 months of an 18-digit fee");
    let note = summary(&request, &answer, &tariffs).expect("summarized");
    assert!(note.contains("合計 -9,861,009,974,075,131,668円"), "{note}");
}

/// The hub's settings: a postgres URL without a password, a timer of 0 or 5–1440 minutes, the
/// last sync as a moment; anything else is refused naming the key, nothing stored.
#[test]
fn hub_settings_are_checked_before_they_are_stored() {
    let mut store = Store::open_in_memory("2026-11-21T11:00:00+09:00").expect("store");
    let cases = [
        ("sync.hub", "postgres://mdg_office_1@hub.example.jp/office?sslmode=require", true),
        ("sync.hub", "postgresql://mdg_office_1@localhost:5432/office", true),
        ("sync.hub", "postgres://mdg:secret@hub.example.jp/office", false),
        ("sync.hub", "postgres://mdg:pa/secret@hub.example.jp/office", false),
        ("sync.hub", "postgres://mdg@hub.example.jp/office?sslmode=require&password=secret", false),
        ("sync.hub", "postgres://mdg@hub.example.jp/office?%70assword=secret", false),
        ("sync.hub", "postgres://hub.example.jp/office", false),
        ("sync.hub", "http://hub.example.jp/office", false),
        ("sync.hub", "postgres://hub.example.jp/of fice", false),
        ("sync.hub.every", "0", true),
        ("sync.hub.every", "5", true),
        ("sync.hub.every", "1440", true),
        ("sync.hub.every", "4", false),
        ("sync.hub.every", "1441", false),
        ("sync.hub.every", "十五", false),
        ("sync.hub.last", "2026-11-21T11:00:00+09:00", true),
        ("sync.hub.last", "yesterday", false),
    ];
    for (key, value, good) in cases {
        let before = madoguchi_api::settings::get(&store, Setting::parse(key).expect("a setting")).expect("get");
        match madoguchi_api::settings::set(&mut store, key, value, "test", now()) {
            Ok(()) => assert!(good, "{key}={value} must be refused"),
            Err(ApiError::Invalid { field, reason }) => {
                assert!(!good, "{key}={value}: {reason}");
                assert_eq!(field, key);
                assert!(!reason.contains("secret"), "the refusal does not repeat a password: {reason}");
                assert_eq!(madoguchi_api::settings::get(&store, Setting::parse(key).expect("a setting")).expect("get"), before, "nothing stored");
            }
            Err(e) => panic!("{key}={value}: {e}"),
        }
    }
}

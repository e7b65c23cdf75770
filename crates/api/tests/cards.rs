//! Card numbers at every entry point: a Luhn-valid number written with any mix of the
//! separators an agent can type, inside Japanese text, is refused by call notes, request
//! fields and move comments, a CSV text column, a document JSON's item name, the issuer, a
//! customer edit, a setting and a bundle row; each refusal names its field and writes nothing.

mod common;
use common::as_json;

use common::customer_id;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;

use madoguchi_api::Context;
use madoguchi_api::documents::{self, IssuerRecord};
use madoguchi_api::import::{Encoding, import_customers};
use madoguchi_api::keys::Signer;
use madoguchi_api::settings::Setting;
use madoguchi_api::tariffs::Tariffs;
use madoguchi_api::{ApiError, customers, requests, settings, sync};
use madoguchi_domain::time::Moment;
use madoguchi_store::Store;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn now() -> Moment {
    chrono::DateTime::parse_from_rfc3339("2026-11-21T11:00:00+09:00").expect("moment")
}

const CSV: &[u8] = include_bytes!("fixtures/customers.csv");

fn fixture(path: &std::path::Path) -> Store {
    let mut store = customers::open(path, now()).expect("opens");
    let tariffs = Tariffs::embedded().expect("tariffs");
    let report = import_customers(
        &mut store,
        &mut std::io::Cursor::new(CSV),
        Encoding::Auto,
        false,
        Context { tariffs: &tariffs, actor: "test", now: now() },
        &mut |_| true,
    )
    .expect("imports");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    store
}

/// Everything a refusal must leave as it was: the synced rows, the change log, the table
/// counts (the audit log among them) and the settings.
fn fingerprint(store: &Store) -> String {
    let setting = |key: Setting| settings::get(store, key).expect("setting");
    format!(
        "{}\n{}\n{:?}\n{:?}",
        store.canonical_dump().expect("dump"),
        store.change_log_dump().expect("log"),
        store.counts().expect("counts"),
        (setting(Setting::AgentName), setting(Setting::DocumentsDir)),
    )
}

/// The separators of the issue: spaces (ASCII, full width, runs), every hyphen and dash form,
/// the prolonged sound mark in both widths, slash, dot, 、 and ・ (and their IME variants).
const SEPARATORS: [char; 24] =
    [' ', '　', '-', '－', 'ー', 'ｰ', '−', '‐', '‑', '‒', '–', '—', '―', '/', '／', '.', '．', '。', '、', '､', '・', '･', ',', '，'];

const AROUND: [(&str, &str); 6] = [
    ("", ""),
    ("カード番号は", "です"),
    ("お客様より ", " を伺いました。"),
    ("控え：", "（有効期限12/28）"),
    ("ＶＩＳＡ", "、折り返し希望"),
    ("注文EC0000000002 ", ""),
];

fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits.iter().rev().enumerate().map(|(i, d)| u32::from(if i % 2 == 1 { [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][usize::from(*d)] } else { *d })).sum();
    sum.is_multiple_of(10)
}

/// A Luhn-valid number of 13–19 digits (issuer digit 2–6), each digit in either width, with a
/// run of 0–3 random separators between digits, inside Japanese text.
fn card_text() -> impl Strategy<Value = String> {
    (
        2u8..=6,
        proptest::collection::vec(0u8..10, 11..=17),
        proptest::collection::vec(any::<bool>(), 1..8),
        proptest::collection::vec(proptest::collection::vec(proptest::sample::select(SEPARATORS.to_vec()), 0..4), 1..8),
        proptest::sample::select(AROUND.to_vec()),
    )
        .prop_map(|(first, body, wide, gaps, around)| {
            let mut digits = vec![first];
            digits.extend(body);
            let check = (0..10).find(|d| luhn(&[digits.as_slice(), &[*d]].concat())).expect("a check digit");
            digits.push(check);
            let mut text = around.0.to_string();
            for (i, d) in digits.iter().enumerate() {
                text.push(if wide[i % wide.len()] { char::from_u32('０' as u32 + u32::from(*d)).expect("digit") } else { char::from(b'0' + d) });
                if i + 1 < digits.len() {
                    text.extend(&gaps[i % gaps.len()]);
                }
            }
            text + around.1
        })
}

/// The bundle's manifest and lines rebuilt with a hash and count that match.
fn rebuild(signer: &Signer, manifest: &Value, lines: &[String]) -> Vec<u8> {
    let mut m = manifest.clone();
    let content: String = lines.iter().map(|l| format!("{l}\n")).collect();
    m["content_sha256"] = json!(format!("{:x}", Sha256::digest(content.as_bytes())));
    m["counts"]["changes"] = json!(lines.len());
    let mut out = sync::signed_header(&m, signer).expect("header");
    out.extend_from_slice(content.as_bytes());
    out
}

/// An entry point's outcome: stored, or refused with (field, reason).
type Refusal = Result<(), (String, String)>;

struct Fixture {
    dir: PathBuf,
    store: Store,
    tariffs: Tariffs,
    customer: String,
    kaunet: String,
    request: String,
    /// Another installation's bundle (its manifest and lines) with one call note in it.
    manifest: Value,
    lines: Vec<String>,
    /// A's key, trusted by B: the bundles below are A's as far as B can tell.
    signer: Signer,
}

impl Fixture {
    /// Installation B (the one under test) started from A's bundle, and a later bundle of A's.
    fn new(name: &str) -> Fixture {
        let dir = common::folder("cards", name);
        let tariffs = Tariffs::embedded().expect("tariffs");
        let mut other = fixture(&dir.join("a.sqlite3"));
        let base = dir.join("base.mdgb");
        let signer = common::signer(&other);
        sync::export(&other, &base, &BTreeMap::new(), None, &signer, now(), &mut |_| true).expect("exports");
        let mut store = customers::open(&dir.join("b.sqlite3"), now()).expect("opens");
        common::trust_sender_of(&mut store, &base, now());
        let own = common::signer(&store).public();
        as_json(sync::import(&mut store, &base, &own, now(), &mut |_, _| true)).expect("imports");
        let customer = customer_id(&store, "AW00000001");
        let kaunet = customer_id(&store, "KN00000001");
        let request = as_json(requests::create(&mut store, "catalog_stop", &kaunet, &[], Context { tariffs: &tariffs, actor: "test", now: now() }))
            .expect("filed")["id"]
            .as_str()
            .expect("id")
            .to_string();
        let z = customer_id(&other, "PA00000001");
        customers::add_note(&mut other, &z, "A", "折り返し希望", now()).expect("note");
        let bundle = dir.join("a.mdgb");
        sync::export(&other, &bundle, &BTreeMap::new(), None, &signer, now(), &mut |_| true).expect("exports");
        let text = std::fs::read_to_string(&bundle).expect("bundle");
        let mut all = text.lines();
        let manifest: Value = serde_json::from_str(all.next().expect("manifest")).expect("manifest json");
        all.next().expect("the signature");
        let lines: Vec<String> = all.map(str::to_string).collect();
        assert!(lines.iter().any(|l| l.contains("\"call_notes\"")), "the bundle carries the note");
        Fixture { dir, store, tariffs, customer, kaunet, request, manifest, lines, signer }
    }

    /// Tries `text` at every entry point: (entry point, the field it must name, the error).
    fn attempt(&mut self, text: &str) -> Vec<(&'static str, String, Result<(), String>)> {
        let store = &mut self.store;
        let err = |r: Result<(), ApiError>| -> Refusal {
            r.map_err(|e| match e {
                ApiError::Invalid { field, reason } => (field, reason),
                other => (String::new(), other.to_string()),
            })
        };
        let mut outcomes: Vec<(&'static str, &'static str, Refusal)> = Vec::new();
        outcomes.push(("add_note", "note", err(customers::add_note(store, &self.customer, "山本", text, now()).map(drop))));
        outcomes.push((
            "request create",
            "new_address",
            err(as_json(requests::create(
                store,
                "contact_change",
                &self.kaunet,
                &[("new_address".into(), text.into())],
                Context { tariffs: &self.tariffs, actor: "山本", now: now() },
            ))
            .map(drop)),
        ));
        outcomes.push((
            "request move comment",
            "note",
            err(as_json(requests::move_to(store, &self.request, "forwarded", text, Context { tariffs: &self.tariffs, actor: "山本", now: now() })).map(drop)),
        ));
        // A CSV row (a new customer) whose address holds the card, quoted as Excel would.
        let header = std::str::from_utf8(CSV).expect("utf-8").lines().next().expect("header");
        let csv = format!(
            "{header}\nkaunet,KN00000099,company,株式会社テスト,テスト,,大阪府,5300001,\"{text}\",06-6000-9999,,,active,,,,,,KDDIまとめてオフィス,300000,,,,\n"
        );
        let imported = import_customers(
            store,
            &mut std::io::Cursor::new(csv.as_bytes()),
            Encoding::Auto,
            false,
            Context { tariffs: &self.tariffs, actor: "test", now: now() },
            &mut |_| true,
        );
        outcomes.push((
            "CSV import",
            "address",
            match imported {
                Ok(report) if !report.written && report.errors.len() == 1 && report.errors[0].line == 2 => {
                    Err((report.errors[0].field.clone(), report.errors[0].message.clone()))
                }
                Ok(report) => Err((String::new(), format!("{}", serde_json::to_value(report.wire()).expect("json")))),
                Err(e) => Err((String::new(), e.to_string())),
            },
        ));
        let mut receipt: Value = serde_json::from_str(include_str!("../../../assets/samples/documents/receipt.json")).expect("sample");
        receipt["lines"][0]["name"] = json!(text);
        outcomes.push((
            "document item name",
            "lines[0].name",
            err(documents::issue(store, "receipt", &receipt, Context { tariffs: &self.tariffs, actor: "test", now: now() }, &mut |_| Ok(())).map(drop)),
        ));
        let mut receipt: Value = serde_json::from_str(include_str!("../../../assets/samples/documents/receipt.json")).expect("sample");
        receipt["item_name"] = json!(text);
        outcomes.push((
            "document お品物名",
            "item_name",
            err(documents::issue(store, "receipt", &receipt, Context { tariffs: &self.tariffs, actor: "test", now: now() }, &mut |_| Ok(())).map(drop)),
        ));
        let issuer = issuer_at(text);
        outcomes.push(("issuer set", "issuer.address", err(documents::set_issuer(store, "amano-shop", issuer, "test", now()).map(drop))));
        outcomes.push(("customer edit", "address", err(customers::edit(store, &self.customer, &[("address".into(), text.into())], "test", now()).map(drop))));
        outcomes.push(("settings set", "agent.name", err(settings::set(store, "agent.name", text, "test", now()))));
        // The other installation's note, its body replaced by the card, in a bundle whose hash
        // and counts match.
        let lines: Vec<String> = self
            .lines
            .iter()
            .map(|line| {
                let mut change: Value = serde_json::from_str(line).expect("line");
                if change["t"] == "call_notes" {
                    change["d"]["body"] = json!(text);
                }
                change.to_string()
            })
            .collect();
        let path = self.dir.join("hostile.mdgb");
        std::fs::write(&path, rebuild(&self.signer, &self.manifest, &lines)).expect("write");
        let own = common::signer(store).public();
        let bundle = as_json(sync::import(store, &path, &own, now(), &mut |_, _| true)).map(drop);
        outcomes.push((
            "bundle row",
            "bundle",
            match bundle {
                Err(ApiError::Invalid { field, reason }) if reason.contains("call_notes.body: ") => Err((field, reason)),
                other => Err((String::new(), format!("{other:?}"))),
            },
        ));
        outcomes
            .into_iter()
            .map(|(entry, field, outcome)| {
                let result = match outcome {
                    Ok(()) => Ok(()),
                    Err((named, reason)) if named == field && reason.contains("looks like a payment-card number") => Err(String::new()),
                    Err((named, reason)) => Err(format!("named {named:?}: {reason}")),
                };
                (entry, field.to_string(), result)
            })
            .collect()
    }
}

#[test]
fn a_card_number_with_any_separators_is_refused_at_every_entry_point_and_nothing_is_written() {
    let fixture = RefCell::new(Fixture::new("refused"));
    let before = fingerprint(&fixture.borrow().store);
    let mut runner = TestRunner::new(Config { cases: 64, ..Config::default() });
    let outcome = runner.run(&card_text(), |text| {
        let mut f = fixture.borrow_mut();
        for (entry, field, result) in f.attempt(&text) {
            match result {
                Ok(()) => prop_assert!(false, "{}: {:?} was stored", entry, text),
                Err(wrong) => prop_assert!(wrong.is_empty(), "{}: {:?} must be refused as a card on {}, {}", entry, text, field, wrong),
            }
        }
        prop_assert_eq!(&fingerprint(&f.store), &before, "a refusal wrote something: {:?}", text);
        Ok(())
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

/// The amano-shop issuer with `address` as its address.
fn issuer_at(address: &str) -> IssuerRecord {
    IssuerRecord {
        name: "アマノ株式会社".into(),
        postal_code: "222-8558".into(),
        address: address.into(),
        phone: "045-401-1441".into(),
        fax: None,
        registration_number: Some("T7000012050002".into()),
        seal_png: None,
    }
}

#[test]
fn the_same_texts_without_a_card_are_stored() {
    // The fixture's entry points do work: what refuses the card is the card.
    let mut f = Fixture::new("stored");
    let text = "お客様より 03-1234-5678 へ折り返し、注文EC0000000002 の件";
    customers::add_note(&mut f.store, &f.customer, "山本", text, now()).expect("a note");
    customers::edit(&mut f.store, &f.customer, &[("address".into(), text.into())], "test", now()).expect("an edit");
    as_json(requests::create(
        &mut f.store,
        "contact_change",
        &f.kaunet,
        &[("new_address".into(), text.into())],
        Context { tariffs: &f.tariffs, actor: "山本", now: now() },
    ))
    .expect("a request");
    as_json(requests::move_to(&mut f.store, &f.request, "forwarded", text, Context { tariffs: &f.tariffs, actor: "山本", now: now() })).expect("a move");
    settings::set(&mut f.store, "agent.name", "山本", "test", now()).expect("a setting");
    let issuer = issuer_at(text);
    documents::set_issuer(&mut f.store, "amano-shop", issuer, "test", now()).expect("an issuer");
    let bundle = f.dir.join("clean.mdgb");
    std::fs::write(&bundle, rebuild(&f.signer, &f.manifest, &f.lines)).expect("write");
    let own = common::signer(&f.store).public();
    as_json(sync::import(&mut f.store, &bundle, &own, now(), &mut |_, _| true)).expect("the clean bundle applies");
}

#[test]
fn oversized_texts_are_refused_by_their_cap_before_any_scan() {
    let mut f = Fixture::new("oversized");
    let before = fingerprint(&f.store);
    let huge = "3 ".repeat(400_000);
    let error = customers::add_note(&mut f.store, &f.customer, "山本", &huge, now()).expect_err("too long");
    assert_eq!(error.to_string(), "note: is longer than 2000 characters");
    let error = as_json(requests::move_to(&mut f.store, &f.request, "forwarded", &huge, Context { tariffs: &f.tariffs, actor: "山本", now: now() }))
        .expect_err("too long");
    assert_eq!(error.to_string(), "note: is longer than 2000 characters");
    let error = customers::edit(&mut f.store, &f.customer, &[("name".into(), huge.clone())], "test", now()).expect_err("too long");
    assert_eq!(error.to_string(), "name: is longer than 200 characters");
    let mut receipt: Value = serde_json::from_str(include_str!("../../../assets/samples/documents/receipt.json")).expect("sample");
    receipt["recipient"]["address"] = json!(huge);
    let error = documents::issue(&mut f.store, "receipt", &receipt, Context { tariffs: &f.tariffs, actor: "test", now: now() }, &mut |_| Ok(()))
        .err()
        .expect("too long");
    assert_eq!(error.to_string(), "recipient.address: is longer than 200 characters");
    assert_eq!(fingerprint(&f.store), before);
}

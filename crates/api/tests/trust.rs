//! Signed bundles and imported rows checked like local writes, on real database files: a
//! bundle from an unknown, revoked or forged signer is refused naming why, and taken once the
//! sender is trusted; a trusted sender's forged rows (a card number in a note, a number, an id
//! or a hash; a nonsense issuer; forged search digits; a deleted or rewritten document; a
//! change claiming the receiver's origin or a third installation) are refused or neutralized
//! with the database unchanged, and the good bundle still applies after; a customer's delete
//! keeps their documents, as a local delete does; every applied change is audited as
//! `sync:<origin>`.

mod common;
use common::as_json;

use common::{at, by, customer_id};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use madoguchi_api::keys::{self, Signer};
use madoguchi_api::tariffs::Tariffs;
use madoguchi_api::{ApiError, customers, sync};
use madoguchi_store::Store;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const NOW: &str = "2026-11-20T10:00:00+09:00";

fn folder(name: &str) -> PathBuf {
    common::folder("trust", name)
}

fn open(path: &Path) -> Store {
    common::open(path, NOW)
}

/// A with the fixture customers.
fn filled(path: &Path) -> Store {
    let mut store = open(path);
    common::import_fixture(&mut store, NOW);
    store
}

fn export(store: &Store, out: &Path) -> sync::Manifest {
    sync::export(store, out, &BTreeMap::new(), None, &common::signer(store), at(NOW), &mut |_| true).expect("exports")
}

fn import(store: &mut Store, bundle: &Path) -> Result<Value, ApiError> {
    let own = common::signer(store).public();
    as_json(sync::import(store, bundle, &own, at(NOW), &mut |_, _| true))
}

/// What must not change when a bundle is refused: the rows, the change log, the trust list.
fn state(store: &Store) -> (String, String, usize) {
    (store.canonical_dump().expect("dump"), store.change_log_dump().expect("log"), store.trusted_keys().expect("keys").len())
}

/// A bundle's manifest and change lines.
fn parts(bundle: &Path) -> (Value, Vec<Value>) {
    let text = std::fs::read_to_string(bundle).expect("bundle");
    let mut lines = text.lines();
    let manifest = serde_json::from_str(lines.next().expect("manifest")).expect("json");
    lines.next().expect("signature");
    (manifest, lines.map(|l| serde_json::from_str(l).expect("line")).collect())
}

/// A bundle made of these lines under this manifest, its hash and counts made to match, signed
/// by `signer` as its sender's bundles are.
fn forge(signer: &Signer, manifest: &Value, lines: &[Value]) -> Vec<u8> {
    let mut m = manifest.clone();
    let content: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let mut tables: BTreeMap<String, u64> = BTreeMap::new();
    for line in lines {
        *tables.entry(line["t"].as_str().expect("table").to_string()).or_default() += 1;
    }
    m["content_sha256"] = json!(format!("{:x}", Sha256::digest(content.as_bytes())));
    m["counts"] = json!({"changes": lines.len(), "tombstones": lines.iter().filter(|l| l["d"].is_null()).count(), "tables": tables});
    [sync::signed_header(&m, signer).expect("header"), content.into_bytes()].concat()
}

fn refused(result: Result<Value, ApiError>) -> String {
    match result {
        Err(e) => e.to_string(),
        Ok(report) => panic!("imported: {report}"),
    }
}

#[test]
fn only_bundles_signed_by_a_trusted_sender_are_taken() {
    let dir = folder("senders");
    let a = filled(&dir.join("a.sqlite3"));
    let mut b = open(&dir.join("b.sqlite3"));
    let bundle = dir.join("a.mdgb");
    export(&a, &bundle);
    let sender = common::signer(&a).sender();
    let before = state(&b);

    // Unknown: refused, naming the sender and its fingerprint and what to do.
    let error = refused(import(&mut b, &bundle));
    assert!(error.contains("not a trusted sender") && error.contains(&sender.fingerprint()) && error.contains("設定 → 同期"), "{error}");
    assert_eq!(before, state(&b));

    // Signed by a key the manifest does not name (a stranger's signature over A's manifest):
    // the signature does not match.
    let (manifest, lines) = parts(&bundle);
    let stranger = Signer::of(&open(&dir.join("x.sqlite3")), &common::keys_dir(), "なりすまし").expect("key");
    let header_by_stranger = sync::signed_header(&manifest, &stranger).expect("header");
    let body: Vec<u8> = lines.iter().flat_map(|l| format!("{l}\n").into_bytes()).collect();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("a stranger's signature", [header_by_stranger, body.clone()].concat(), "signature does not match"),
        ("no signature line", [format!("{manifest}\n").into_bytes(), body.clone()].concat(), "unsigned"),
        (
            "the manifest changed after signing",
            {
                let bytes = std::fs::read(&bundle).expect("bundle");
                let text = String::from_utf8(bytes).expect("utf-8");
                text.replacen("\"created_at\":\"2026", "\"created_at\":\"2027", 1).into_bytes()
            },
            "signature does not match",
        ),
        (
            "a signer that is no key",
            forge(
                &common::signer(&a),
                &{
                    let mut m = manifest.clone();
                    m["signer"]["key"] = json!("00".repeat(31));
                    m
                },
                &lines,
            ),
            "manifest.signer.key",
        ),
    ];
    let path = dir.join("bad.mdgb");
    for (label, bytes, expected) in cases {
        std::fs::write(&path, bytes).expect("write");
        let error = refused(import(&mut b, &path));
        assert!(error.contains(expected), "{label}: {error}");
        assert_eq!(before, state(&b), "{label}: something was written");
    }

    // Trusted (as the agent does after comparing the fingerprint): taken.
    let own = common::signer(&b).public();
    let a_id = a.installation_id().expect("id");
    keys::trust(&mut b, &sender, &a_id, &own, "山本", at(NOW)).expect("trusts");
    let report = import(&mut b, &bundle).expect("imports once trusted");
    assert!(report["applied"].as_u64().expect("applied") > 0);
    assert_eq!(a.canonical_dump().expect("dump"), b.canonical_dump().expect("dump"));

    // Revoked: refused again, saying so; what it brought stays.
    let revoked = keys::revoke(&mut b, &sender.fingerprint().to_lowercase().replace('-', " "), "山本", at(NOW)).expect("revokes");
    assert_eq!(revoked.key, sender.key);
    let error = refused(import(&mut b, &bundle));
    assert!(error.contains("revoked"), "{error}");
    assert_eq!(a.canonical_dump().expect("dump"), b.canonical_dump().expect("dump"));
    // One's own key is trusted always, and cannot be added.
    let itself = common::signer(&b).sender();
    assert!(keys::trust(&mut b, &itself, &a_id, &own, "山本", at(NOW)).is_err());
}

/// B trusts A and holds A's fixture; A's next bundle carries a note and an issuer.
struct Fixture {
    dir: PathBuf,
    a: Store,
    b: Store,
    signer: Signer,
    manifest: Value,
    lines: Vec<Value>,
}

fn fixture(name: &str) -> Fixture {
    let dir = folder(name);
    let mut a = filled(&dir.join("a.sqlite3"));
    let mut b = open(&dir.join("b.sqlite3"));
    let base = dir.join("base.mdgb");
    export(&a, &base);
    common::trust_sender_of(&mut b, &base, at(NOW));
    import(&mut b, &base).expect("the base imports");
    let id = customer_id(&a, "AW00000001");
    customers::add_note(&mut a, &id, "佐藤", "折り返し希望", at(NOW)).expect("note");
    let issuer = madoguchi_api::documents::IssuerRecord {
        name: "アマノ株式会社".into(),
        postal_code: "222-8558".into(),
        address: "神奈川県横浜市港北区大豆戸町275".into(),
        phone: "045-401-1441".into(),
        fax: None,
        registration_number: Some("T7000012050002".into()),
        seal_png: None,
    };
    madoguchi_api::documents::set_issuer(&mut a, "amano-shop", issuer, "佐藤", at(NOW)).expect("issuer");
    let next = dir.join("next.mdgb");
    sync::export(&a, &next, &sync::since(&a, &common::signer(&a).public(), Some(&base)).expect("since"), None, &common::signer(&a), at(NOW), &mut |_| true)
        .expect("exports");
    let (manifest, lines) = parts(&next);
    let signer = common::signer(&a);
    Fixture { dir, a, b, signer, manifest, lines }
}

impl Fixture {
    /// A's next bundle with `edit` applied to its lines, signed by A, imported into B.
    fn try_lines(&mut self, edit: &dyn Fn(&mut Vec<Value>)) -> Result<Value, ApiError> {
        let mut lines = self.lines.clone();
        edit(&mut lines);
        let path = self.dir.join("forged.mdgb");
        std::fs::write(&path, forge(&self.signer, &self.manifest, &lines)).expect("write");
        import(&mut self.b, &path)
    }

    /// A clock above every change of the bundle: a forged change is new to B.
    fn clock(&self) -> i64 {
        self.lines.iter().filter_map(|l| l["c"].as_i64()).max().expect("a clock") + 1
    }

    fn line_of(&self, table: &str) -> Value {
        self.lines.iter().find(|l| l["t"] == table).cloned().unwrap_or_else(|| panic!("a {table} line"))
    }
}

#[test]
fn a_trusted_senders_forged_rows_are_refused_and_nothing_is_written() {
    let mut f = fixture("forged");
    let before = state(&f.b);
    let note = f.line_of("call_notes");
    let issuer = f.line_of("issuers");
    let b_id = f.b.installation_id().expect("id");
    let a_customer = customer_id(&f.a, "AW00000001");
    let clock = f.clock();
    let document = json!({"c": clock, "o": 0, "t": "documents", "i": "00000000-0000-4000-8000-000000000001", "d": null});
    let with = |line: &Value, edit: &dyn Fn(&mut Value)| {
        let mut l = line.clone();
        edit(&mut l);
        l
    };
    let push = |extra: Value| move |lines: &mut Vec<Value>| lines.push(extra.clone());
    let set = |line: &Value, column: &'static str, value: Value| {
        let forged = with(line, &|l| l["d"][column] = value.clone());
        move |lines: &mut Vec<Value>| {
            for l in lines.iter_mut().filter(|l| l["t"] == forged["t"]) {
                *l = forged.clone();
            }
        }
    };
    type Edit = Box<dyn Fn(&mut Vec<Value>)>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "a card number in a note under another agent",
            Box::new(set(&note, "body", json!("カード ４１１１ー１１１１ー１１１１ー１１１１ で支払い"))),
            "call_notes.body",
        ),
        ("a note's author with a card number", Box::new(set(&note, "author", json!("4111 1111 1111 1111"))), "call_notes.author"),
        ("a card number as a JSON number", Box::new(set(&note, "body", json!(4111111111111111u64))), "call_notes.body"),
        ("a card number as a row id", Box::new(push(with(&note, &|l| l["i"] = json!("4111111111111111")))), "must be a row id"),
        (
            "a card number as a PDF hash",
            Box::new(push(
                json!({"c": clock, "o": 0, "t": "documents", "i": "00000000-0000-4000-8000-000000000002", "d": {"pdf_sha256": "4111 1111 1111 1111"}}),
            )),
            "documents.pdf_sha256",
        ),
        ("a card number as the issuer's name", Box::new(set(&issuer, "name", json!("4111-1111-1111-1111"))), "issuers.name"),
        ("an issuer's name of 201 characters", Box::new(set(&issuer, "name", json!("ア".repeat(201)))), "issuers.name"),
        ("an issued document deleted", Box::new(push(document.clone())), "never deleted"),
        ("an issuer deleted", Box::new(push(json!({"c": clock, "o": 0, "t": "issuers", "i": "amano-shop", "d": null}))), "never deleted"),
        ("an issuer's phone of five digits", Box::new(set(&issuer, "phone", json!("12345"))), "issuers.phone"),
        ("a bad T-number", Box::new(set(&issuer, "registration_number", json!("T1234567890123"))), "issuers.registration_number"),
        (
            "a corporation's T-number failing the check digit, changed alone",
            Box::new(push(json!({"c": clock, "o": 0, "t": "issuers", "i": "amano-shop", "d": {"registration_number": "T8000012050002"}}))),
            "issuers.registration_number: 'T8000012050002' fails the corporate-number check digit",
        ),
        ("a seal that is no PNG", Box::new(set(&issuer, "seal_png", json!("474946383961"))), "issuers.seal_png"),
        ("an issuer for no service", Box::new(push(with(&issuer, &|l| l["i"] = json!("nonsense")))), "not a service"),
        (
            "a name kana in latin letters",
            Box::new(push(json!({"c": clock, "o": 0, "t": "customers", "i": a_customer, "d": {"name_kana": "yamada"}}))),
            "customers.name_kana",
        ),
        (
            "a postal code of two digits",
            Box::new(push(json!({"c": clock, "o": 0, "t": "customers", "i": a_customer, "d": {"postal_code": "12"}}))),
            "customers.postal_code",
        ),
        (
            "a postal code with its hyphen (stored as 7 digits)",
            Box::new(push(json!({"c": clock, "o": 0, "t": "customers", "i": a_customer, "d": {"postal_code": "100-0001"}}))),
            "customers.postal_code",
        ),
        (
            "a birth date before 1900",
            Box::new(push(json!({"c": clock, "o": 0, "t": "customers", "i": a_customer, "d": {"birth_date": "1899-12-31"}}))),
            "customers.birth_date",
        ),
        (
            "a birth date after today",
            Box::new(push(json!({"c": clock, "o": 0, "t": "customers", "i": a_customer, "d": {"birth_date": "2099-01-01"}}))),
            "customers.birth_date",
        ),
        (
            "a change claiming B's own origin",
            Box::new(move |lines: &mut Vec<Value>| {
                lines.push(json!({"c": 1, "o": 1, "t": "customers", "i": a_customer.clone(), "d": {"address": "どこか"}}));
            }),
            "own origin",
        ),
    ];
    for (label, edit, expected) in cases {
        let manifest = f.manifest.clone();
        if expected == "own origin" {
            f.manifest["origins"].as_array_mut().expect("origins").push(json!(b_id));
        }
        let error = refused(f.try_lines(&*edit));
        f.manifest = manifest;
        assert!(error.contains(expected), "{label}: {error}");
        assert_eq!(before, state(&f.b), "{label}: something was written");
    }

    // A's key names a third installation: it is trusted for A's only.
    let mut third = f.manifest.clone();
    third["source"] = json!("00000000-0000-4000-8000-0000000000cc");
    let path = f.dir.join("third.mdgb");
    std::fs::write(&path, forge(&f.signer, &third, &f.lines)).expect("write");
    let error = refused(import(&mut f.b, &path));
    assert!(error.contains("trusted for installation"), "{error}");
    assert_eq!(before, state(&f.b));

    // The manifest claiming B's own installation id, signed by A: refused.
    let mut claimed = f.manifest.clone();
    claimed["source"] = json!(b_id);
    let path = f.dir.join("claimed.mdgb");
    std::fs::write(&path, forge(&f.signer, &claimed, &f.lines)).expect("write");
    let error = refused(import(&mut f.b, &path));
    assert!(error.contains("claims to come from this installation"), "{error}");
    assert_eq!(before, state(&f.b));

    // The good bundle still applies whole.
    let report = f.try_lines(&|_| {}).expect("the good bundle applies");
    assert_eq!(report["applied"].as_u64(), Some(f.lines.len() as u64));
    assert_eq!(f.a.canonical_dump().expect("dump"), f.b.canonical_dump().expect("dump"));
}

#[test]
fn search_columns_are_recomputed_and_documents_outlive_their_customer() {
    let mut f = fixture("derived");
    // Forged digits for A's customer's phone, pointing a screen-pop for another number at it.
    let victim = customer_id(&f.b, "AW00000001");
    let phone_id: String = rusqlite::Connection::open(f.dir.join("b.sqlite3"))
        .expect("raw")
        .query_row("SELECT id FROM customer_phones WHERE customer_id = ?1 AND number = '03-1234-5678'", [&victim], |r| r.get(0))
        .expect("the phone's id");
    let clock = f.clock();
    let forged = json!({"c": clock, "o": 0, "t": "customer_phones", "i": phone_id, "d": {"digits": "0399998888", "digits_reversed": "8888999930"}});
    f.try_lines(&|lines| lines.push(forged.clone())).expect("applies: the digits are not taken");
    let hits = as_json(customers::lookup(&f.b, "03-9999-8888", 5)).expect("lookup");
    assert!(hits["results"].as_array().expect("results").iter().all(|r| r["customer_id"] != victim.as_str()), "forged digits found the victim: {hits}");
    let found = as_json(customers::lookup(&f.b, "03-1234-5678", 5)).expect("lookup");
    assert_eq!(found["results"][0]["customer_id"], victim.as_str(), "the real number still finds them");

    // Every applied change is audited on B as sync:<A's id>.
    let a_id = f.a.installation_id().expect("id");
    drop(f.a);
    drop(f.b);
    let raw = rusqlite::Connection::open(f.dir.join("b.sqlite3")).expect("raw");
    let audited: i64 = raw
        .query_row(
            "SELECT count(*) FROM audit_log WHERE actor = ?1 AND entity = 'customer_phones' AND action = 'update' AND field = 'digits,digits_reversed'",
            [format!("sync:{a_id}")],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(audited, 1, "the forged-digits change is audited");
    let notes: i64 =
        raw.query_row("SELECT count(*) FROM audit_log WHERE actor = ?1 AND entity = 'call_notes'", [format!("sync:{a_id}")], |r| r.get(0)).expect("count");
    assert_eq!(notes, 1);
    drop(raw);

    // A customer issued a document on B. A bundle rewriting that document is refused; one
    // deleting the customer deletes them as a local delete does: the document stays, its
    // reference cleared, its snapshot still naming them.
    let mut b = open(&f.dir.join("b.sqlite3"));
    let tariffs = Tariffs::embedded().expect("tariffs");
    let request: Value = serde_json::from_str(include_str!("../../../assets/samples/documents/receipt.json")).expect("sample");
    let issued = madoguchi_api::documents::issue_for_customer(
        &mut b,
        "receipt",
        &request,
        &victim,
        None,
        by(&tariffs, "山本", "2026-11-21T12:00:00+09:00"),
        &mut |_| Ok(()),
    )
    .expect("a document issued on B");
    let document_id: String = rusqlite::Connection::open(f.dir.join("b.sqlite3"))
        .expect("raw")
        .query_row("SELECT id FROM documents WHERE number = ?1", [&issued.number], |r| r.get(0))
        .expect("the document's id");
    let before = state(&b);
    let rewrite = json!({"c": clock + 1, "o": 0, "t": "documents", "i": document_id, "d": {"number": "RC-FAKE-000001"}});
    let path = f.dir.join("rewrite.mdgb");
    let mut lines = f.lines.clone();
    lines.push(forged.clone());
    lines.push(rewrite);
    std::fs::write(&path, forge(&f.signer, &f.manifest, &lines)).expect("write");
    let error = refused(import(&mut b, &path));
    assert!(error.contains("rewrites number"), "{error}");
    assert_eq!(before, state(&b));

    let tombstone = json!({"c": clock + 1, "o": 0, "t": "customers", "i": victim, "d": null});
    let mut lines = f.lines.clone();
    lines.push(forged.clone());
    lines.push(tombstone);
    let path = f.dir.join("delete.mdgb");
    std::fs::write(&path, forge(&f.signer, &f.manifest, &lines)).expect("write");
    import(&mut b, &path).expect("the delete applies");
    assert!(as_json(customers::customer(&b, &victim)).is_err(), "the customer is gone");
    drop(b);
    let raw = rusqlite::Connection::open(f.dir.join("b.sqlite3")).expect("raw");
    let (owner, snapshot): (Option<String>, String) =
        raw.query_row("SELECT customer_id, snapshot FROM documents WHERE id = ?1", [&document_id], |r| Ok((r.get(0)?, r.get(1)?))).expect("the document stays");
    assert_eq!(owner, None, "its reference cleared");
    assert!(!snapshot.is_empty());

    // A local delete follows the same rule.
    let mut a = open(&f.dir.join("a.sqlite3"));
    let kaunet = customer_id(&a, "KN00000001");
    let issued = madoguchi_api::documents::issue_for_customer(
        &mut a,
        "receipt",
        &request,
        &kaunet,
        None,
        by(&tariffs, "佐藤", "2026-11-21T12:00:00+09:00"),
        &mut |_| Ok(()),
    )
    .expect("a document issued on A");
    customers::delete(&mut a, &kaunet, "佐藤", at(NOW)).expect("a local delete keeps the documents");
    drop(a);
    let raw = rusqlite::Connection::open(f.dir.join("a.sqlite3")).expect("raw");
    let owner: Option<String> =
        raw.query_row("SELECT customer_id FROM documents WHERE number = ?1", [&issued.number], |r| r.get(0)).expect("the document stays");
    assert_eq!(owner, None);
}

#[test]
fn a_restored_backup_is_a_new_installation_and_gets_back_by_sync_what_came_after_it() {
    let dir = folder("restore");
    let (a_path, b_path) = (dir.join("a.sqlite3"), dir.join("b.sqlite3"));
    let mut a = filled(&a_path);
    let mut b = open(&b_path);
    let base = dir.join("base.mdgb");
    export(&a, &base);
    common::trust_sender_of(&mut b, &base, at(NOW));
    import(&mut b, &base).expect("B takes A's base");
    let backup = dir.join("a-backup.sqlite3");
    madoguchi_api::backup::backup(&a, &a_path, &backup).expect("backed up");
    // After the backup, A takes a note, and B gets it.
    let id = customer_id(&a, "AW00000001");
    customers::add_note(&mut a, &id, "佐藤", "バックアップ後のメモ", at(NOW)).expect("note");
    let later = dir.join("later.mdgb");
    export(&a, &later);
    import(&mut b, &later).expect("B takes the note");
    let old_id = a.installation_id().expect("id");
    drop(a);

    // A's disk dies; its backup is restored: a new installation, which B trusts again.
    let restored = madoguchi_api::backup::restore(&a_path, &backup, at(NOW)).expect("restored");
    assert_ne!(restored.installation, old_id);
    let mut a = open(&a_path);
    assert_eq!(a.installation_id().expect("id"), restored.installation);
    assert!(as_json(customers::customer(&a, &id)).expect("view")["notes"].as_array().expect("notes").is_empty(), "the note came after the backup");
    let from_b = dir.join("from-b.mdgb");
    export(&b, &from_b);
    common::trust_sender_of(&mut a, &from_b, at(NOW));
    let report = import(&mut a, &from_b).expect("the note made under the old id comes back, not refused as forged");
    assert!(report["applied"].as_u64().expect("applied") >= 1, "{report}");
    let notes = as_json(customers::customer(&a, &id)).expect("view")["notes"].clone();
    assert_eq!(notes[0]["body"], "バックアップ後のメモ");
    assert_eq!(a.canonical_dump().expect("dump"), b.canonical_dump().expect("dump"));
    // B refuses the restored A until it trusts the new key: it is a new installation.
    let from_a = dir.join("from-a.mdgb");
    export(&a, &from_a);
    assert!(refused(import(&mut b, &from_a)).contains("not a trusted sender"));
}

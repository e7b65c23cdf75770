//! Target `document_json`: issuing a document from a JSON document
//! (`madoguchi_api::documents::issue`, what `madoguchi document issue --input` and the app's
//! document form call) on a fresh database with an issuer set for every service.
//!
//! Input: the document type on the first line, then the JSON document (inputs that are not
//! UTF-8 or not JSON are skipped: the CLI and the app parse JSON before they issue).
//!
//! Properties: the document is issued or refused naming a field of the document (its type,
//! the document, a key it has, or a field of its type, with the path below it); a refusal
//! writes nothing (no number taken, no row, no change logged, no audit row). An issued
//! document is a PDF of at least one page whose SHA-256 is the one recorded, numbered as the
//! first of its type, recorded with its snapshot, leaves a sound database, and can be
//! re-issued from that snapshot.

use std::cell::RefCell;

use madoguchi_api::Context;
use madoguchi_api::Store;
use madoguchi_api::documents::{self, IssuerRecord};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::fixtures::{ACTOR, Fingerprint, assert_sound, empty_store, fingerprint, invalid_field, now, put_back, take, tariffs};

thread_local! {
    /// The database with the issuers, kept while documents are refused.
    static ISSUERS: RefCell<Option<(Store, Fingerprint)>> = const { RefCell::new(None) };
}

/// Fields every document may have (README: Document JSON).
const COMMON: [&str; 4] = ["service", "issued_on", "issuer", "recipient"];

/// The fields of each type besides the common ones (README: Document JSON).
fn type_fields(doc_type: &str) -> &'static [&'static str] {
    match doc_type {
        "estimate" => &["estimated_on", "member", "lines"],
        "delivery_note" => &["order_number", "shipped_on", "lines"],
        "invoice" => &["order_number", "ordered_on", "shipped_on", "payment", "lines"],
        "receipt" => &["order_number", "shipped_on", "payment", "item_name", "lines"],
        "cooling_off" => &["contract_date", "channel", "product", "amount", "seller", "sent_on"],
        "refund_claim" => &["customer_number", "received", "paid_through", "monthly_fee"],
        "dealer_change_fax" => &["customer_number", "current_dealer", "new_dealer", "return_deadline", "return_fax"],
        _ => &[],
    }
}

/// The issuer stored for every service, so that a document naming none can be issued.
fn issuer(service: &str) -> IssuerRecord {
    IssuerRecord {
        name: format!("{service} 株式会社"),
        postal_code: "222-8558".into(),
        address: "神奈川県横浜市港北区大豆戸町275".into(),
        phone: "045-401-1441".into(),
        fax: Some("045-401-1442".into()),
        registration_number: Some("T7000012050002".into()),
        seal_png: None,
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A new database with an issuer for every service and no document.
fn with_issuers() -> Store {
    let mut store = empty_store();
    for service in ["alwater", "plus-aqua", "amano-shop", "kaunet", "allwatch"] {
        documents::set_issuer(&mut store, service, issuer(service), ACTOR, now()).unwrap_or_else(|e| panic!("the issuer of {service} is refused: {e}"));
    }
    store
}

pub fn document_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (doc_type, json) = text.split_once('\n').unwrap_or((text, ""));
    let Ok(request) = serde_json::from_str::<Value>(json) else { return };
    let (mut store, before) = take(&ISSUERS, with_issuers);
    let mut delivered = 0;
    let result = documents::issue(&mut store, doc_type, &request, Context { tariffs: tariffs(), actor: ACTOR, now: now() }, &mut |_| {
        delivered += 1;
        Ok(())
    });
    let issued = match result {
        Ok(issued) => issued,
        Err(e) => {
            let field = invalid_field(&e, "a refused document");
            let head = field.split(['.', '[']).next().unwrap_or_default();
            // An unknown key is named as it is, '.' or '[' in it and all.
            let own_key = request.as_object().is_some_and(|o| o.contains_key(&field) || o.contains_key(head));
            assert!(
                ["type", "document"].contains(&head) || COMMON.contains(&head) || type_fields(doc_type).contains(&head) || own_key,
                "a refused {doc_type:?} names '{field}', not a field of the document: {e}"
            );
            assert_eq!(delivered, 0, "a refused document was delivered");
            assert_eq!(fingerprint(&store), before, "a refused document changed the database: {e}");
            put_back(&ISSUERS, store, before);
            return;
        }
    };
    assert_eq!(delivered, 1, "an issued document was delivered {delivered} times");
    assert!(issued.pdf.starts_with(b"%PDF-"), "the issued document is not a PDF");
    assert!(issued.pages >= 1 && issued.pdf.starts_with(b"%PDF-"), "the issued PDF has no page");
    assert_eq!(issued.sha256, sha256_hex(&issued.pdf), "the SHA-256 given is not the PDF's");
    assert!(issued.number.ends_with("-000001"), "the first {doc_type} of a fresh database is numbered {}", issued.number);
    let stored = store.document(doc_type, &issued.number).unwrap_or_else(|e| panic!("reading the document back failed: {e}"));
    let stored = stored.unwrap_or_else(|| panic!("{doc_type} {} was not recorded", issued.number));
    let snapshot: Value = serde_json::from_str(&stored.snapshot).unwrap_or_else(|e| panic!("the snapshot is not JSON: {e}"));
    assert_eq!(snapshot.get("type").and_then(Value::as_str), Some(doc_type), "the snapshot's type");
    assert_eq!(snapshot.get("number").and_then(Value::as_str), Some(issued.number.as_str()), "the snapshot's number");
    assert_sound(&store, "an issue");
    let again = documents::reissue(&mut store, doc_type, &issued.number, Context { tariffs: tariffs(), actor: ACTOR, now: now() }, &mut |_| Ok(()))
        .unwrap_or_else(|e| panic!("{doc_type} {} was issued but cannot be re-issued: {e}", issued.number));
    assert_eq!(again.number, issued.number, "a re-issue has another number");
    assert!(again.pages >= 1 && again.pdf.starts_with(b"%PDF-"), "the re-issued PDF has no page");
}

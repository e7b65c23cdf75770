//! Documents issued from orders in a real (seeded) database: the customer's data and the
//! order's lines go in; the seed's rules refuse a receipt for a non-card payment and any
//! document before shipment; the issued document is recorded with its PDF's hash.

mod common;
use common::as_json;
use madoguchi_api::ApiError;
use madoguchi_api::Context;
use madoguchi_api::customers;
use madoguchi_api::documents::{self, IssuerRecord};
use madoguchi_api::tariffs::Tariffs;
use madoguchi_domain::time::Moment;
use sha2::Digest;

fn now() -> Moment {
    chrono::DateTime::parse_from_rfc3339("2026-11-21T11:00:00+09:00").expect("moment")
}

#[test]
fn orders_become_documents_under_the_seed_rules() {
    let dir = std::env::temp_dir().join(format!("madoguchi-api-docs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("docs.sqlite3");
    let mut store = customers::open(&path, now()).expect("opens");
    customers::seed(&mut store, 400, 3, now(), &mut |_| true).expect("seeds");
    let tariffs = Tariffs::embedded().expect("tariffs");
    let issuer = IssuerRecord {
        name: "アマノ株式会社".into(),
        postal_code: "222-8558".into(),
        address: "神奈川県横浜市港北区大豆戸町275".into(),
        phone: "045-401-1441".into(),
        fax: None,
        registration_number: Some("T7000012050002".into()),
        seal_png: Some(std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/samples/seal.png")).expect("seal")),
    };
    documents::set_issuer(&mut store, "amano-shop", issuer, "test", now()).expect("issuer");

    let raw = rusqlite::Connection::open(&path).expect("raw");
    let pick = |sql: &str| -> String { raw.query_row(sql, [], |r| r.get(0)).expect(sql) };
    let card = pick("SELECT order_number FROM orders WHERE payment_method = 'credit_card' AND shipped_on IS NOT NULL LIMIT 1");
    let transfer = pick("SELECT order_number FROM orders WHERE payment_method = 'bank_transfer' AND shipped_on IS NOT NULL LIMIT 1");
    let unshipped = pick("SELECT order_number FROM orders WHERE shipped_on IS NULL LIMIT 1");
    let with_ticket =
        pick("SELECT o.order_number FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE l.delivery_note = 1 AND o.shipped_on IS NOT NULL LIMIT 1");

    let receipt =
        documents::issue_for_order(&mut store, "receipt", &card, Some("事務用品"), Context { tariffs: &tariffs, actor: "test", now: now() }, &mut |_| {
            Ok(())
        })
        .expect("a card order's receipt");
    assert!(receipt.number.starts_with("RC-"));
    let stored: (String, String) =
        raw.query_row("SELECT pdf_sha256, snapshot FROM documents WHERE number = ?1", [&receipt.number], |r| Ok((r.get(0)?, r.get(1)?))).expect("recorded");
    let hash: String = sha2::Sha256::digest(&receipt.pdf).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(stored.0, hash, "the stored hash is the PDF's");
    assert!(stored.1.contains(&card) && stored.1.contains("事務用品"), "the snapshot keeps the data it was issued with");
    assert!(receipt.pdf.len() < 80_000, "{} bytes", receipt.pdf.len());

    for (doc_type, order, field) in [
        ("receipt", &transfer, "payment"),
        ("receipt", &unshipped, "shipped_on"),
        ("invoice", &unshipped, "shipped_on"),
        ("delivery_note", &unshipped, "shipped_on"),
    ] {
        match documents::issue_for_order(&mut store, doc_type, order, None, Context { tariffs: &tariffs, actor: "test", now: now() }, &mut |_| Ok(())) {
            Err(ApiError::Invalid { field: f, .. }) => assert_eq!(f, field, "{doc_type} for {order}"),
            other => panic!("{doc_type} for {order} must be refused on {field}, got {:?}", other.map(|i| i.number)),
        }
    }
    documents::issue_for_order(&mut store, "invoice", &card, None, Context { tariffs: &tariffs, actor: "test", now: now() }, &mut |_| Ok(()))
        .expect("an invoice after shipment");
    documents::issue_for_order(&mut store, "delivery_note", &with_ticket, None, Context { tariffs: &tariffs, actor: "test", now: now() }, &mut |_| Ok(()))
        .expect("a delivery note for tickets");
    let shown = as_json(customers::customer(
        &store,
        &pick(&format!("SELECT a.customer_id FROM orders o JOIN accounts a ON a.id = o.account_id WHERE o.order_number = '{card}'")),
    ))
    .expect("view");
    assert!(shown["documents"].as_array().expect("documents").iter().any(|d| d["number"] == receipt.number.as_str()), "the customer sees the document");
}

/// The page count poppler reads from a PDF.
fn pdfinfo_pages(pdf: &[u8], dir: &std::path::Path) -> usize {
    let path = dir.join("pages.pdf");
    std::fs::write(&path, pdf).expect("written");
    let output = std::process::Command::new("pdfinfo").arg(&path).output().expect("pdfinfo (poppler-utils) must be installed");
    let info = String::from_utf8_lossy(&output.stdout).into_owned();
    info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).expect("page count")
}

#[test]
fn the_page_count_is_the_pages_a_long_invoice_breaks_into() {
    let dir = std::env::temp_dir().join(format!("madoguchi-api-pages-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let mut store = customers::open(&dir.join("pages.sqlite3"), now()).expect("opens");
    let tariffs = Tariffs::embedded().expect("tariffs");
    let sample = include_str!("../../../assets/samples/documents/invoice.json");
    let short: serde_json::Value = serde_json::from_str(sample).expect("sample");
    let mut long = short.clone();
    let lines = long["lines"].as_array().expect("lines").clone();
    long["lines"] = serde_json::Value::Array(lines.iter().cycle().take(120).cloned().collect());
    let one = documents::issue(&mut store, "invoice", &short, Context { tariffs: &tariffs, actor: "test", now: now() }, &mut |_| Ok(())).expect("short");
    let many = documents::issue(&mut store, "invoice", &long, Context { tariffs: &tariffs, actor: "test", now: now() }, &mut |_| Ok(())).expect("long");
    assert_eq!((one.pages, pdfinfo_pages(&one.pdf, &dir)), (1, 1));
    assert!(many.pages > 1, "120 lines break over pages");
    assert_eq!(pdfinfo_pages(&many.pdf, &dir), many.pages);
}

/// An issuer is stored trimmed, a blank FAX or T-number as none, whoever sets it.
#[test]
fn an_issuer_is_stored_trimmed() {
    let store_dir = std::env::temp_dir().join(format!("madoguchi-api-issuer-trim-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&store_dir);
    std::fs::create_dir_all(&store_dir).expect("dir");
    let mut store = customers::open(&store_dir.join("trim.sqlite3"), now()).expect("opens");
    let issuer = IssuerRecord {
        name: "  アマノ株式会社 ".into(),
        postal_code: " 222-8558".into(),
        address: "神奈川県横浜市港北区大豆戸町275　".into(),
        phone: "045-401-1441 ".into(),
        fax: Some("   ".into()),
        registration_number: Some(" T7000012050002 ".into()),
        seal_png: None,
    };
    documents::set_issuer(&mut store, "amano-shop", issuer, "test", now()).expect("issuer");
    let stored = documents::issuer(&store, "amano-shop").expect("read").expect("set");
    assert_eq!(
        (stored.name.as_str(), stored.postal_code.as_str(), stored.address.as_str(), stored.phone.as_str()),
        ("アマノ株式会社", "222-8558", "神奈川県横浜市港北区大豆戸町275", "045-401-1441")
    );
    assert_eq!((stored.fax, stored.registration_number.as_deref()), (None, Some("T7000012050002")));
}

//! The seven documents through the real binary, checked with poppler: the extracted text
//! equals a reviewed golden file (`UPDATE_GOLDEN=1` rewrites them), the page count is right,
//! the font is embedded as a subset; plus a multi-page order, numbering, re-issues, and the
//! seeds' issue rules refusing what may not be printed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const AS_OF: &str = "2026-11-21T10:00:00+09:00";
const TYPES: [&str; 7] = ["estimate", "delivery_note", "invoice", "receipt", "cooling_off", "refund_claim", "dealer_change_fax"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("root")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("madoguchi-docs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn madoguchi(dir: &Path, args: &[&str]) -> Output {
    let db = dir.join("docs.sqlite3");
    if !db.exists() {
        // A fixed installation code, so numbers (and their right-aligned layout) are stable.
        let set = Command::new(env!("CARGO_BIN_EXE_madoguchi"))
            .arg("--db")
            .arg(&db)
            .args(["settings", "set", "numbering.installation", "TEST"])
            .output()
            .expect("runs");
        assert!(set.status.success(), "{}", String::from_utf8_lossy(&set.stderr));
    }
    Command::new(env!("CARGO_BIN_EXE_madoguchi"))
        .arg("--db")
        .arg(dir.join("docs.sqlite3"))
        .args(["--as-of", AS_OF, "--agent", "テスト"])
        .args(args)
        .output()
        .expect("runs")
}

fn issue(dir: &Path, doc_type: &str, input: &Path, out: &Path) -> Output {
    madoguchi(dir, &["doc", doc_type, "--input", input.to_str().expect("path"), "--out", out.to_str().expect("path")])
}

fn poppler(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool).args(args).output().unwrap_or_else(|e| panic!("{tool} (poppler-utils) must be installed: {e}"));
    assert!(output.status.success(), "{tool}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn pages(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[pdf.to_str().expect("path")]);
    info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).expect("page count")
}

/// The text as a reader sees it: pdftotext's layout, with trailing spaces trimmed.
fn text(pdf: &Path) -> String {
    poppler("pdftotext", &["-layout", pdf.to_str().expect("path"), "-"]).lines().map(str::trim_end).collect::<Vec<_>>().join("\n")
}

fn assert_subset_font(pdf: &Path) {
    let fonts = poppler("pdffonts", &[pdf.to_str().expect("path")]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "one font: {fonts}");
    let columns: Vec<&str> = rows[0].split_whitespace().collect();
    assert!(columns[0].contains('+') && columns[0].ends_with("NotoSansJP-Regular"), "a subset (ABCDEF+) of the bundled font: {fonts}");
    assert!(rows[0].contains("CID TrueType") && rows[0].contains("yes yes yes"), "embedded, subset, with a Unicode map: {fonts}");
}

#[test]
fn every_document_matches_its_golden_text_pages_and_fonts() {
    let dir = temp_dir("golden");
    let mut failures = Vec::new();
    for doc_type in TYPES {
        let input = root().join(format!("assets/samples/documents/{doc_type}.json"));
        let pdf = dir.join(format!("{doc_type}.pdf"));
        let output = issue(&dir, doc_type, &input, &pdf);
        assert!(output.status.success(), "{doc_type}: {}", String::from_utf8_lossy(&output.stderr));
        assert_subset_font(&pdf);
        let expected_pages = if doc_type == "cooling_off" { 2 } else { 1 };
        assert_eq!(pages(&pdf), expected_pages, "{doc_type}");
        let size = std::fs::metadata(&pdf).expect("pdf").len();
        assert!(size < 60_000, "{doc_type}: {size} bytes — the font must be subset, not embedded whole");
        let actual = text(&pdf);
        let golden = root().join(format!("tests/documents/golden/{doc_type}.txt"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, &actual).expect("golden written");
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if actual != expected {
            failures.push(format!("{doc_type}: the text differs from {} (UPDATE_GOLDEN=1 to review):\n{actual}", golden.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_long_order_breaks_over_pages_with_headers_repeated() {
    let dir = temp_dir("long");
    let mut request: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("assets/samples/documents/invoice.json")).expect("sample")).expect("json");
    let lines: Vec<serde_json::Value> = (1..=75)
        .map(|i| serde_json::json!({"name": format!("タイムカード 品番TC-{i:03}"), "quantity": 1 + i % 3, "unit": "1650", "tax": if i % 5 == 0 { "reduced" } else { "standard" }}))
        .collect();
    request["lines"] = serde_json::Value::Array(lines);
    let input = dir.join("long.json");
    std::fs::write(&input, request.to_string()).expect("input");
    let pdf = dir.join("long.pdf");
    let output = issue(&dir, "invoice", &input, &pdf);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let count = pages(&pdf);
    assert!(count >= 3, "75 lines take several pages, not {count}");
    let text = text(&pdf);
    assert_eq!(text.lines().filter(|l| l.trim() == "請求書").count(), count, "the title on every page");
    assert_eq!(text.matches("品名").count(), count, "the table header on every page");
    assert!(text.contains(&format!("{count} / {count} ページ")));
    assert!(text.contains("TC-001") && text.contains("TC-075"), "every line printed");
    assert_eq!(text.matches("合計（税込）").count(), 1, "totals once, at the end");
}

#[test]
fn numbers_go_up_per_type_and_a_reissue_says_so_with_the_same_number() {
    let dir = temp_dir("numbers");
    let input = root().join("assets/samples/documents/receipt.json");
    let number = |output: &Output| String::from_utf8_lossy(&output.stdout).split(' ').next().unwrap_or("").to_string();
    let first = issue(&dir, "receipt", &input, &dir.join("a.pdf"));
    let second = issue(&dir, "receipt", &input, &dir.join("b.pdf"));
    let estimate = issue(&dir, "estimate", &root().join("assets/samples/documents/estimate.json"), &dir.join("e.pdf"));
    let (n1, n2, ne) = (number(&first), number(&second), number(&estimate));
    assert_eq!((n1.as_str(), n2.as_str(), ne.as_str()), ("RC-TEST-000001", "RC-TEST-000002", "EC-TEST-000001"), "per type, only up; estimates start with EC");
    assert!(!text(&dir.join("a.pdf")).contains("再発行"));
    let again = madoguchi(&dir, &["doc", "receipt", "--reissue", &n1, "--out", dir.join("r.pdf").to_str().expect("path")]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let reissued = text(&dir.join("r.pdf"));
    assert!(reissued.contains("再発行") && reissued.contains(&n1), "{reissued}");
    let missing = madoguchi(&dir, &["doc", "receipt", "--reissue", "RC-TEST-999999", "--out", dir.join("x.pdf").to_str().expect("path")]);
    assert_eq!(missing.status.code(), Some(2));
}

/// Each case: a document type, a change to its sample, and the field the refusal names.
#[test]
fn the_issue_rules_refuse_what_may_not_be_printed_and_nothing_is_written() {
    let dir = temp_dir("refusals");
    let cases: [(&str, &str, serde_json::Value, &str); 14] = [
        ("estimate", "member", serde_json::Value::Null, "member"),
        ("receipt", "issued_on", serde_json::json!("2026-11-22"), "issued_on"),
        ("cooling_off", "contract_date", serde_json::json!("2026-11-25"), "contract_date"),
        (
            "estimate",
            "lines",
            serde_json::json!([{"name": "タイムカード", "quantity": 4294967295u32, "unit": "999999999999999999", "tax": "standard"}]),
            "lines[0].quantity",
        ),
        ("receipt", "payment", serde_json::json!("bank_transfer"), "payment"),
        ("receipt", "shipped_on", serde_json::Value::Null, "shipped_on"),
        ("receipt", "shipped_on", serde_json::json!("2026-11-22"), "shipped_on"),
        ("delivery_note", "shipped_on", serde_json::Value::Null, "shipped_on"),
        ("invoice", "shipped_on", serde_json::Value::Null, "shipped_on"),
        ("estimate", "estimated_on", serde_json::json!("2026-10-21"), "estimated_on"),
        ("estimate", "member", serde_json::json!(false), "member"),
        ("cooling_off", "channel", serde_json::json!("web"), "channel"),
        ("cooling_off", "contract_date", serde_json::json!("2026-11-10"), "sent_on"),
        ("refund_claim", "paid_through", serde_json::json!("2026-11"), "paid_through"),
    ];
    for (doc_type, key, value, field) in cases {
        let mut request: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root().join(format!("assets/samples/documents/{doc_type}.json"))).expect("sample")).expect("json");
        if value.is_null() {
            request.as_object_mut().expect("object").remove(key);
        } else {
            request[key] = value.clone();
        }
        let input = dir.join("case.json");
        std::fs::write(&input, request.to_string()).expect("input");
        let pdf = dir.join("refused.pdf");
        let output = issue(&dir, doc_type, &input, &pdf);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{doc_type} {key}={value}: {stderr}");
        assert!(stderr.starts_with(&format!("{field}: ")), "{doc_type} {key}={value}: {stderr}");
        assert!(!pdf.exists(), "nothing is printed");
    }
    // A bad registration number, a card number in the addressee, a plus-aqua receipt.
    let request: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("assets/samples/documents/receipt.json")).expect("sample")).expect("json");
    for (change, field) in [
        (
            serde_json::json!({"issuer": {"name": "アマノ株式会社", "postal_code": "222-8558", "address": "横浜市", "phone": "045-401-1441", "registration_number": "T1234567890123"}}),
            "issuer.registration_number",
        ),
        (serde_json::json!({"recipient": {"name": "4111 1111 1111 1111"}}), "recipient.name"),
        (serde_json::json!({"service": "plus-aqua"}), "service"),
    ] {
        let mut changed = request.clone();
        for (k, v) in change.as_object().expect("object") {
            changed[k] = v.clone();
        }
        let input = dir.join("case.json");
        std::fs::write(&input, changed.to_string()).expect("input");
        let output = issue(&dir, "receipt", &input, &dir.join("refused.pdf"));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.code() == Some(2) && stderr.starts_with(&format!("{field}: ")), "{field}: {stderr}");
    }
    // An invoice is a qualified invoice: no T-number, no invoice.
    let mut invoice: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("assets/samples/documents/invoice.json")).expect("sample")).expect("json");
    invoice["issuer"].as_object_mut().expect("issuer").remove("registration_number");
    std::fs::write(dir.join("case.json"), invoice.to_string()).expect("input");
    let output = issue(&dir, "invoice", &dir.join("case.json"), &dir.join("refused.pdf"));
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("issuer.registration_number: "), "{}", String::from_utf8_lossy(&output.stderr));
    // A PDF that cannot be written records nothing and takes no number.
    let fine = root().join("assets/samples/documents/receipt.json");
    let unwritable = issue(&dir, "receipt", &fine, Path::new("/nonexistent-folder/x.pdf"));
    assert_eq!(unwritable.status.code(), Some(2), "{}", String::from_utf8_lossy(&unwritable.stderr));
    assert!(String::from_utf8_lossy(&unwritable.stderr).starts_with("out: "));
    // After all the refusals, the first number is still unused.
    let issued = issue(&dir, "receipt", &fine, &dir.join("fine.pdf"));
    assert!(String::from_utf8_lossy(&issued.stdout).contains("-000001 "), "refused documents take no number: {}", String::from_utf8_lossy(&issued.stdout));
}

#[test]
fn a_cash_receipt_of_50000_yen_or_more_shows_the_stamp_box_and_a_card_receipt_never_does() {
    let dir = temp_dir("stamp");
    let mut request: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("assets/samples/documents/receipt.json")).expect("sample")).expect("json");
    request["service"] = serde_json::json!("alwater");
    request["payment"] = serde_json::json!("cash");
    request["lines"] = serde_json::json!([{"name": "ウォーターサーバー設置一式", "quantity": 1, "unit": "55000", "tax": "standard"}]);
    let input = dir.join("cash.json");
    std::fs::write(&input, request.to_string()).expect("input");
    let output = issue(&dir, "receipt", &input, &dir.join("cash.pdf"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let cash = text(&dir.join("cash.pdf"));
    assert!(cash.contains("収入印紙") && cash.contains("200円") && cash.contains("現金"), "{cash}");
    let card = issue(&dir, "receipt", &root().join("assets/samples/documents/receipt.json"), &dir.join("card.pdf"));
    assert!(card.status.success());
    let card = text(&dir.join("card.pdf"));
    assert!(!card.contains("収入印紙") && card.contains("クレジットカード決済"), "{card}");
}

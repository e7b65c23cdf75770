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
    let cases: [(&str, &str, serde_json::Value, &str); 17] = [
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
        ("cooling_off", "payment", serde_json::json!("paypay"), "payment"),
        ("cooling_off", "credit_company", serde_json::json!("ナントカカード株式会社"), "credit_company"),
        ("cooling_off", "stock", serde_json::json!("postcard"), "stock"),
        ("receipt", "item_name", serde_json::json!("お品代"), "item_name"),
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

/// The sample receipt's lines hold a reduced-rate item: a single お品物名 is refused above; with
/// none, the items are listed, marked ※; a name over items of one rate is printed as given.
#[test]
fn a_receipt_shows_its_transaction_date_and_which_items_are_reduced_rate() {
    let dir = temp_dir("receipt-content");
    let mut request = sample("receipt");
    let listed = issue_json(&dir, "receipt", &request, "listed");
    assert!(listed.contains("取引年月日") && listed.contains("2026年11月19日"), "the shipment is the transaction date: {listed}");
    assert!(listed.contains("下記お品代") && listed.contains("※ 天然水") && listed.contains("※は軽減税率（8%）対象商品です。"), "{listed}");
    request["lines"] = serde_json::json!([{"name": "天然水 2L×6本", "quantity": 2, "unit": "1296", "tax": "reduced"}]);
    request["item_name"] = serde_json::json!("天然水");
    let water = issue_json(&dir, "receipt", &request, "water");
    assert!(water.contains("但し　※ 天然水として") || water.contains("※ 天然水として"), "{water}");
    request["lines"] = serde_json::json!([{"name": "タイムレコーダー TR-9000", "quantity": 1, "unit": "43780", "tax": "standard"}]);
    request["item_name"] = serde_json::json!("タイムレコーダー一式");
    let named = issue_json(&dir, "receipt", &request, "named");
    assert!(named.contains("タイムレコーダー一式として") && !named.contains("※"), "{named}");
}

/// Past the 8 days from the application the notice is issued with a warning (the period runs
/// from receipt of the 書面); paid on credit, it names the credit company and says to send it a
/// copy; on an official postcard the app prints neither 「郵便はがき」 nor the frames.
#[test]
fn a_late_cooling_off_notice_is_issued_with_a_warning_and_a_credit_one_names_the_copy() {
    let dir = temp_dir("cooling-off");
    let mut request = sample("cooling_off");
    request["contract_date"] = serde_json::json!("2026-11-10");
    request["payment"] = serde_json::json!("credit_contract");
    request["credit_company"] = serde_json::json!("みらいクレジット株式会社");
    request["salesperson"] = serde_json::json!("鈴木　一郎");
    request["stock"] = serde_json::json!("official");
    let input = dir.join("late.json");
    std::fs::write(&input, request.to_string()).expect("input");
    let pdf = dir.join("late.pdf");
    let output = issue(&dir, "cooling_off", &input, &pdf);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("注意: お申込み日から8日を過ぎています") && stdout.contains("受け取った日から数えます"), "{stdout}");
    assert!(stdout.contains("注意: クレジット払いのため"), "{stdout}");
    let shown = text(&pdf);
    for expected in ["担当者", "鈴木", "支払方法", "個別クレジット", "同じ内容の書面をクレジット会社（みらいクレジット株式"]
    {
        assert!(shown.contains(expected), "{expected}: {shown}");
    }
    assert!(!shown.contains("郵便はがき"), "an official postcard has it printed: {shown}");
    assert!(vermilion_strokes(&pdf, 1).is_empty(), "and its frames");
}

/// The frames of a blank-stock postcard, measured in the PDF's own coordinates: 7 vermilion
/// boxes of 5.7 × 8.0 mm, 12.0 mm from the top, the last 8.0 mm from the right edge, with gaps
/// of 1.3, 1.3, 1.9 and 1.1 mm; lines of 0.4–0.6 mm for the first three and the hyphen (4.0 mm
/// below the frames' top, between the third and the fourth), 0.2–0.4 mm for the last four.
#[test]
fn the_postcard_frames_are_vermilion_at_japan_posts_positions() {
    let dir = temp_dir("frames");
    let pdf = dir.join("frames.pdf");
    let output = issue(&dir, "cooling_off", &root().join("assets/samples/documents/cooling_off.json"), &pdf);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let strokes = vermilion_strokes(&pdf, 1);
    let boxes: Vec<(f64, f64, f64, f64)> = strokes.iter().filter(|s| s.points == 4).map(|s| s.bounds).collect();
    assert_eq!(boxes.len(), 7, "{strokes:?}");
    let close = |a: f64, b: f64| (a - b).abs() < 0.05;
    for (left, top, width, height) in &boxes {
        assert!(close(*top, 12.0) && close(*width, 5.7) && close(*height, 8.0), "{left} {top} {width} {height}");
    }
    for (i, stroke) in strokes.iter().filter(|s| s.points == 4).enumerate() {
        let range = if i < 3 { 0.4..=0.6 } else { 0.2..=0.4 };
        assert!(range.contains(&stroke.line_mm), "frame {}: line {} mm", i + 1, stroke.line_mm);
    }
    let hyphens: Vec<&Stroke> = strokes.iter().filter(|s| s.points == 2).collect();
    assert_eq!(hyphens.len(), 1, "{strokes:?}");
    let (left, top, width, height) = hyphens[0].bounds;
    assert!(close(top, 16.0) && close(height, 0.0), "the hyphen 4.0 mm below the frames' top: {:?}", hyphens[0]);
    assert!(left > boxes[2].0 + boxes[2].2 && left + width < boxes[3].0, "between the third and the fourth: {:?}", hyphens[0]);
    assert!((0.4..=0.6).contains(&hyphens[0].line_mm), "the hyphen's line: {:?}", hyphens[0]);
    let (last_left, _, last_width, _) = boxes[6];
    assert!(close(100.0 - (last_left + last_width), 8.0), "8.0 mm from the right edge: {boxes:?}");
    let gaps: Vec<f64> = boxes.windows(2).map(|p| p[1].0 - (p[0].0 + p[0].2)).collect();
    for (gap, expected) in gaps.iter().zip([1.3, 1.3, 1.9, 1.1, 1.1, 1.1]) {
        assert!(close(*gap, expected), "gaps {gaps:?}");
    }
    assert!(text(&pdf).contains("郵便はがき"));
}

fn sample(doc_type: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(root().join(format!("assets/samples/documents/{doc_type}.json"))).expect("sample")).expect("json")
}

/// Issues a document JSON and gives its text.
fn issue_json(dir: &Path, doc_type: &str, request: &serde_json::Value, name: &str) -> String {
    let input = dir.join(format!("{name}.json"));
    std::fs::write(&input, request.to_string()).expect("input");
    let pdf = dir.join(format!("{name}.pdf"));
    let output = issue(dir, doc_type, &input, &pdf);
    assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
    text(&pdf)
}

/// A path stroked in 朱色: how many points, its bounds (left, top, width, height) in mm from
/// the page's top-left corner, and its line width in mm.
#[derive(Debug)]
struct Stroke {
    points: usize,
    bounds: (f64, f64, f64, f64),
    line_mm: f64,
}

/// The paths stroked in 朱色 (RGB 235, 97, 1) on a page, sorted left to right.
fn vermilion_strokes(pdf: &Path, page: u32) -> Vec<Stroke> {
    let doc = lopdf::Document::load(pdf).expect("a PDF lopdf reads");
    let page_id = *doc.get_pages().get(&page).expect("the page");
    let content = lopdf::content::Content::decode(&doc.get_page_content(page_id)).expect("operations");
    let height_pt = 148.0 / 25.4 * 72.0;
    let mm = |pt: f64| pt / 72.0 * 25.4;
    let number = |o: &lopdf::Object| o.as_float().map(f64::from).or_else(|_| o.as_i64().map(|i| i as f64)).expect("a number");
    let (mut vermilion, mut line_pt, mut path, mut strokes) = (false, 1.0, Vec::new(), Vec::new());
    for op in &content.operations {
        match op.operator.as_str() {
            "RG" => {
                let rgb: Vec<f64> = op.operands.iter().map(number).collect();
                vermilion = (rgb[0] - 235.0 / 255.0).abs() < 0.01 && (rgb[1] - 97.0 / 255.0).abs() < 0.01 && rgb[2] < 0.02;
            }
            "G" => vermilion = false,
            "w" => line_pt = number(&op.operands[0]),
            "m" | "l" => path.push((number(&op.operands[0]), number(&op.operands[1]))),
            "h" | "s" | "S" | "n" => {
                if vermilion && !path.is_empty() {
                    let (x0, x1) = path.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p: &(f64, f64)| (lo.min(p.0), hi.max(p.0)));
                    let (y0, y1) = path.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p: &(f64, f64)| (lo.min(p.1), hi.max(p.1)));
                    strokes.push(Stroke { points: path.len(), bounds: (mm(x0), mm(height_pt - y1), mm(x1 - x0), mm(y1 - y0)), line_mm: mm(line_pt) });
                }
                path.clear();
            }
            _ => {}
        }
    }
    strokes.sort_by(|a, b| a.bounds.0.total_cmp(&b.bounds.0));
    strokes
}

/// 御中 or 様 comes from the kind (the customer's, in a draft), never from words in the name:
/// a 合名会社 given as a company is 御中, a name given without a kind is a person's.
#[test]
fn the_honorific_is_the_kinds() {
    let dir = temp_dir("honorific");
    let mut request = sample("estimate");
    request["recipient"] = serde_json::json!({"name": "合名会社山田屋", "kind": "company"});
    let words = |text: String| text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words(issue_json(&dir, "estimate", &request, "company")).contains("合名会社山田屋 御中"));
    request["recipient"] = serde_json::json!({"name": "株式会社東洋商事"});
    assert!(words(issue_json(&dir, "estimate", &request, "no-kind")).contains("株式会社東洋商事 様"));
    request["recipient"] = serde_json::json!({"name": "株式会社東洋商事", "kind": "会社"});
    std::fs::write(dir.join("bad.json"), request.to_string()).expect("input");
    let refused = issue(&dir, "estimate", &dir.join("bad.json"), &dir.join("bad.pdf"));
    assert!(String::from_utf8_lossy(&refused.stderr).starts_with("recipient.kind: "), "{}", String::from_utf8_lossy(&refused.stderr));
}

/// A T-number that fails the 法人番号 check digit: refused for a corporation, set with a
/// warning for an individual (whose 13 digits are not a 法人番号).
#[test]
fn an_individuals_t_number_without_the_check_digit_is_set_with_a_warning() {
    let dir = temp_dir("t-number");
    let set = |name: &str| {
        madoguchi(
            &dir,
            &[
                "issuer",
                "set",
                "alwater",
                "--name",
                name,
                "--postal-code",
                "150-0002",
                "--address",
                "東京都渋谷区渋谷2-1-1",
                "--phone",
                "03-1234-5678",
                "--registration",
                "T8000012050002",
            ],
        )
    };
    let individual = set("山田商店");
    assert!(individual.status.success(), "{}", String::from_utf8_lossy(&individual.stderr));
    assert!(String::from_utf8_lossy(&individual.stdout).contains("注意: 登録番号 T8000012050002 は法人番号の検査用数字に合いません"));
    let corporation = set("山田商事株式会社");
    assert_eq!(corporation.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&corporation.stderr).starts_with("issuer.registration_number: "), "{}", String::from_utf8_lossy(&corporation.stderr));

    // A receipt issued by the individual warns, and so does its reissue, which prints the same issuer.
    let mut request = sample("receipt");
    request["service"] = serde_json::json!("alwater");
    request["issuer"]["name"] = serde_json::json!("山田商店");
    request["issuer"]["registration_number"] = serde_json::json!("T8000012050002");
    std::fs::write(dir.join("receipt.json"), request.to_string()).expect("input");
    let issued = issue(&dir, "receipt", &dir.join("receipt.json"), &dir.join("receipt.pdf"));
    assert!(issued.status.success(), "{}", String::from_utf8_lossy(&issued.stderr));
    let number = String::from_utf8_lossy(&issued.stdout).split(' ').next().unwrap_or_default().to_string();
    for output in [issued, madoguchi(&dir, &["doc", "receipt", "--reissue", &number, "--out", dir.join("again.pdf").to_str().expect("path")])] {
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("注意: 登録番号 T8000012050002 は法人番号の検査用数字に合いません"),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
}

/// `doc-forms` publishes what each document's JSON may hold, as the app's form reads it: every
/// type, its own fields with their kinds, a choice's values with labels.
#[test]
fn doc_forms_lists_every_type_s_declared_fields() {
    let dir = temp_dir("forms");
    let output = madoguchi(&dir, &["doc-forms"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let forms: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let types: Vec<&str> = forms["types"].as_array().expect("types").iter().map(|t| t["type"].as_str().expect("type")).collect();
    assert_eq!(types, TYPES);
    let receipt = forms["types"].as_array().expect("types").iter().find(|t| t["type"] == "receipt").expect("receipt");
    let payment = receipt["fields"].as_array().expect("fields").iter().find(|f| f["name"] == "payment").expect("payment");
    assert_eq!(payment["kind"], "choice");
    assert_eq!(payment["choices"][0], serde_json::json!({"value": "credit_card", "label": "クレジットカード"}));
    let common: Vec<&str> = forms["common_fields"].as_array().expect("common").iter().map(|f| f["name"].as_str().expect("name")).collect();
    assert_eq!(common, ["service", "issued_on", "issuer", "recipient"]);
}

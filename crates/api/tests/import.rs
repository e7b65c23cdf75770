//! The CSV import: every bad row reported with its line and field, nothing written unless all
//! rows are good (the file stays byte for byte), Shift_JIS files, re-imports that change
//! nothing, `--skip-bad`, empty and large files.

mod common;
use common::as_json;
use std::path::{Path, PathBuf};

use madoguchi_api::ApiError;
use madoguchi_api::Context;
use madoguchi_api::customers;
use madoguchi_api::import::{Encoding, ImportReport, import_customers};
use madoguchi_api::tariffs::Tariffs;
use madoguchi_domain::time::Moment;

const HEADER: &str = "service,customer_number,name,name_kana,birth_date,prefecture,postal_code,address,phone1,email,plan,server_model";

fn now() -> Moment {
    chrono::DateTime::parse_from_rfc3339("2026-11-21T11:00:00+09:00").expect("moment")
}

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("madoguchi-import-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join("test.sqlite3")
}

fn import(path: &Path, bytes: &[u8], skip_bad: bool) -> Result<ImportReport, ApiError> {
    let mut store = customers::open(path, now()).expect("opens");
    let tariffs = Tariffs::embedded().expect("tariffs");
    import_customers(
        &mut store,
        &mut std::io::Cursor::new(bytes),
        Encoding::Auto,
        skip_bad,
        Context { tariffs: &tariffs, actor: "test", now: now() },
        &mut |_| true,
    )
}

/// A digest of the database's bytes, after SQLite has folded its write-ahead log back into
/// the file (the database must exist).
fn bytes_of(path: &Path) -> (usize, u64) {
    use std::hash::{Hash, Hasher};
    let conn = rusqlite::Connection::open(path).expect("raw open");
    conn.pragma_update(None, "wal_checkpoint", "TRUNCATE").expect("checkpoint");
    drop(conn);
    let bytes = std::fs::read(path).expect("db bytes");
    assert!(!bytes.is_empty(), "the database exists before it is compared");
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    (bytes.len(), hasher.finish())
}

fn good_row(n: u32) -> String {
    format!("alwater,AW{n:08},佐藤　太郎,サトウ タロウ,1980-04-01,東京都,100-0001,千代田区千代田1-{n},03-1234-{:04},taro{n}@example.com,,slim3", n % 10_000)
}

#[test]
fn every_bad_row_is_reported_with_line_and_field_and_nothing_is_written() {
    let path = temp_db("bad");
    import(&path, format!("{HEADER}\n{}\n", good_row(1)).as_bytes(), false).expect("a first good import");
    let before = bytes_of(&path);
    let csv = format!(
        "{HEADER}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n",
        good_row(2),
        "alwater,AW00000003,鈴木　一郎,スズキ イチロウ,1980-02-30,東京都,100-0001,千代田区1,03-1111-2222,,,slim3",
        "alwater,AW00000004,鈴木　二郎,スズキ ジロウ,1980-02-03,東京,100-0001,千代田区1,03-1111-2223,,,slim3",
        "alwater,AW00000002,田中　花子,タナカ ハナコ,1980-02-03,東京都,100-0001,千代田区1,03-1111-2224,,,slim3",
        "alwater,AW00000005,田中　一,田中,1980-02-03,東京都,1000,千代田区1,031111,not-an-email,,slim9",
        "water,AW00000006,田中　一,タナカ ハジメ,,東京都,100-0001,千代田区1,03-1111-2225,,basic,",
        "alwater,AW00000007,田中　一,タナカ ハジメ,,東京都,100-0001,カード4111 1111 1111 1111,03-1111-2225,,,",
        "plus-aqua,PA00000001,田中　一,タナカ ハジメ,2030-01-01,東京都,100-0001,港区1,03-1111-2226,,gold,slim3",
    );
    let report = import(&path, csv.as_bytes(), false).expect("a report, not a failure");
    assert!(!report.written);
    assert_eq!(report.rows, 8);
    let found: Vec<(u64, &str)> = report.errors.iter().map(|e| (e.line, e.field.as_str())).collect();
    let expected = [
        (3, "birth_date"),
        (4, "prefecture"),
        (5, "customer_number"),
        (6, "name_kana"),
        (6, "postal_code"),
        (6, "phone1"),
        (6, "email"),
        (6, "server_model"),
        (7, "service"),
        (8, "address"),
        (9, "birth_date"),
        (9, "plan"),
        (9, "server_model"),
    ];
    for want in expected {
        assert!(found.contains(&want), "missing {want:?} in {found:?}");
    }
    assert_eq!(found.len(), expected.len(), "no more errors than those: {found:?}");
    let duplicate = report.errors.iter().find(|e| e.line == 5).expect("the duplicate");
    assert!(duplicate.message.contains("line 2"), "names the first line: {}", duplicate.message);
    assert_eq!(bytes_of(&path), before, "a refused import leaves the file byte for byte as it was");
}

#[test]
fn skip_bad_writes_the_good_rows_and_reports_the_rest() {
    let path = temp_db("skip");
    let csv = format!("{HEADER}\n{}\n{}\n{}\n", good_row(1), "alwater,AW00000009,x,サトウ,,東京都,1,a,03-1,,,", good_row(2));
    let report = import(&path, csv.as_bytes(), true).expect("imports");
    assert!(report.written);
    assert_eq!((report.created, report.rows), (2, 3));
    assert!(report.errors.iter().all(|e| e.line == 3));
    let store = customers::open(&path, now()).expect("opens");
    assert_eq!(as_json(customers::lookup(&store, "AW00000002", 5)).expect("lookup")["results"].as_array().map(Vec::len), Some(1));
    assert_eq!(as_json(customers::lookup(&store, "AW00000009", 5)).expect("lookup")["results"].as_array().map(Vec::len), Some(0));
}

#[test]
fn bad_rows_are_reported_on_their_own_lines_whatever_ends_the_lines() {
    // Found by the fuzzer's CSV property (fuzz/corpus/csv_import/cr_only): with lines ended by
    // CR alone, as old Mac files are, every row was reported on line 1.
    let bad = "alwater,AW00000009,x,サトウ,,東京都,1,a,03-1,,,";
    for (i, end) in ["\n", "\r\n", "\r"].into_iter().enumerate() {
        let path = temp_db(&format!("line-ends-{i}"));
        let csv = [HEADER, &good_row(1), bad, "alwater,AW00000010,\"複数\r\n行\",サトウ,,東京都,1,a,03-1,,,", bad].join(end);
        let report = import(&path, csv.as_bytes(), true).expect("imports");
        let lines: std::collections::BTreeSet<u64> = report.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines.into_iter().collect::<Vec<_>>(), [3, 4, 6], "lines ended by {end:?}: {:?}", report.errors);
    }
}

#[test]
fn importing_the_same_file_again_changes_nothing() {
    let path = temp_db("again");
    let csv = include_bytes!("fixtures/customers.csv");
    let first = import(&path, csv, false).expect("imports");
    assert_eq!(first.created, 7);
    let before = bytes_of(&path);
    let second = import(&path, csv, false).expect("imports");
    assert_eq!((second.created, second.updated, second.unchanged), (0, 0, 7));
    assert_eq!(bytes_of(&path), before, "nothing changed, not even a timestamp or an audit row");
    // A changed address is an update, audited with old and new.
    let changed = String::from_utf8(csv.to_vec()).expect("utf-8").replace("千代田区千代田1-1,", "千代田区丸の内2-2,");
    let third = import(&path, changed.as_bytes(), false).expect("imports");
    assert_eq!((third.created, third.updated, third.unchanged), (0, 1, 6));
    let conn = rusqlite::Connection::open(&path).expect("raw");
    let (old, new): (String, String) = conn
        .query_row("SELECT old_value, new_value FROM audit_log WHERE action = 'update' AND field = 'address'", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("audited");
    assert_eq!((old.as_str(), new.as_str()), ("千代田区千代田1-1", "千代田区丸の内2-2"));
}

#[test]
fn a_shift_jis_file_from_excel_imports() {
    let path = temp_db("sjis");
    let text = "サービス,お客様番号,氏名,フリガナ,生年月日,都道府県,郵便番号,住所,電話番号1\r\n\
         alwater,AW00000100,髙橋　美咲,ﾀｶﾊｼ ﾐｻｷ,1990/2/28,北海道,060-0001,札幌市中央区北1条西2丁目,011-222-3333\r\n"
        .to_string();
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
    assert!(!unmappable, "CP932 has 髙 and half-width kana");
    assert!(std::str::from_utf8(&bytes).is_err(), "the test file really is Shift_JIS");
    let report = import(&path, &bytes, false).expect("imports");
    assert_eq!((report.encoding, report.created), ("shift_jis", 1));
    let store = customers::open(&path, now()).expect("opens");
    let found = as_json(customers::lookup(&store, "たかはし", 5)).expect("lookup");
    assert_eq!(found["results"][0]["name"], "髙橋　美咲");
    let id = found["results"][0]["customer_id"].as_str().expect("id").to_string();
    assert_eq!(as_json(customers::customer(&store, &id)).expect("view")["birth_date"], "1990-02-28");
}

#[test]
fn empty_and_headerless_files_are_refused_naming_the_problem() {
    let path = temp_db("empty");
    for (bytes, field) in
        [(&b""[..], "file"), (b"\n\n", "file"), (HEADER.as_bytes(), "file"), (b"name,phone\nx,y\n", "header"), (b"service,customer_number\n", "header")]
    {
        match import(&path, bytes, false) {
            Err(ApiError::Invalid { field: f, .. }) => assert_eq!(f, field, "{:?}", String::from_utf8_lossy(bytes)),
            other => panic!("{:?} must be refused, got {other:?}", String::from_utf8_lossy(bytes)),
        }
    }
}

#[test]
fn a_ten_megabyte_file_imports_whole_and_a_bad_last_row_stops_all_of_it() {
    let path = temp_db("big");
    let mut csv = format!("{HEADER}\n");
    let mut n = 0;
    while csv.len() < 10 * 1024 * 1024 {
        n += 1;
        csv.push_str(&good_row(n));
        csv.push('\n');
    }
    let bad = format!("{csv}alwater,AW99999999,佐藤　太郎,サトウ タロウ,1980-13-01,東京都,100-0001,千代田区,03-1234-5678,,,slim3\n");
    drop(customers::open(&path, now()).expect("creates the database"));
    let before = bytes_of(&path);
    let report = import(&path, bad.as_bytes(), false).expect("a report");
    assert!(!report.written);
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].line, u64::from(n) + 2);
    assert_eq!(bytes_of(&path), before);
    let report = import(&path, csv.as_bytes(), false).expect("imports");
    assert_eq!(report.created, u64::from(n));
    assert!(n > 50_000, "{n} rows");
}

#[test]
fn columns_the_file_does_not_have_never_change_what_is_stored() {
    let path = temp_db("carried");
    import(&path, include_bytes!("fixtures/customers.csv"), false).expect("imports");
    {
        let conn = rusqlite::Connection::open(&path).expect("raw");
        // A raw connection writes synced tables only with the change log's clock function.
        conn.create_scalar_function("madoguchi_wall_ms", 0, rusqlite::functions::FunctionFlags::SQLITE_UTF8, |_| Ok(0i64)).expect("clock");
        conn.execute("UPDATE accounts SET points = 500, member = 1, status = 'cancelled' WHERE customer_number = 'AW00000001'", []).expect("points");
    }
    // The same customers from a shorter export: no status, kind, phone2 or email column.
    let short = "service,customer_number,name,name_kana,birth_date,prefecture,postal_code,address,phone1,server_model\n\
                 alwater,AW00000001,佐藤　太郎,サトウ タロウ,1980-04-01,東京都,100-0001,千代田区千代田1-1,03-1234-5678,slim3\n";
    let report = import(&path, short.as_bytes(), false).expect("imports");
    assert_eq!((report.updated, report.unchanged), (0, 1), "nothing the file carries changed");
    let conn = rusqlite::Connection::open(&path).expect("raw");
    let (points, member, status): (i64, i64, String) = conn
        .query_row("SELECT points, member, status FROM accounts WHERE customer_number = 'AW00000001'", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("account");
    assert_eq!((points, member, status.as_str()), (500, 1, "cancelled"));
    let phones: i64 = conn
        .query_row("SELECT count(*) FROM customer_phones p JOIN accounts a ON a.customer_id = p.customer_id WHERE a.customer_number = 'AW00000001'", [], |r| {
            r.get(0)
        })
        .expect("phones");
    assert_eq!(phones, 2, "the second phone is kept");
}

/// A postal code not in Japan Post's table, or of another prefecture than the row's, is a
/// warning naming the line and the field; the rows are written all the same (issue 15).
#[test]
fn postal_codes_unknown_or_of_another_prefecture_warn_and_the_rows_are_written() {
    let path = temp_db("postal");
    let csv = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/postal-mismatches.csv")).expect("fixture");
    let report = import(&path, &csv, false).expect("imports");
    assert!(report.written && report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.created, 9);
    let found: Vec<(u64, &str, &str)> = report.warnings.iter().map(|w| (w.line, w.field.as_str(), w.reason)).collect();
    assert_eq!(
        found,
        [
            (3, "postal_code", "postal_code_prefecture"),
            (4, "postal_code", "unknown_postal_code"),
            (8, "postal_code", "postal_code_prefecture"),
            (10, "postal_code", "unknown_postal_code"),
        ]
    );
    let messages: Vec<(&str, &str)> = report.warnings.iter().map(|w| (w.message.as_str(), w.message_ja.as_str())).collect();
    assert_eq!(
        messages,
        [
            (
                "100-0001 is a postal code of 東京都 (東京都千代田区), not of 大阪府",
                "郵便番号 100-0001 は東京都千代田区の番号です（この行の都道府県は大阪府）。どちらかの誤りでないかご確認ください。"
            ),
            (
                "000-0000 is not in Japan Post's postal-code table (2026-10-03)",
                "郵便番号 000-0000 は日本郵便の郵便番号データ（2026-10-03版）にありません。入力の誤りでないかご確認ください。"
            ),
            (
                "498-0000 is a postal code of 愛知県, 三重県 (愛知県弥富市, 三重県桑名郡木曽岬町), not of 沖縄県",
                "郵便番号 498-0000 は愛知県弥富市・三重県桑名郡木曽岬町の番号です（この行の都道府県は沖縄県）。どちらかの誤りでないかご確認ください。"
            ),
            (
                "999-9999 is not in Japan Post's postal-code table (2026-10-03)",
                "郵便番号 999-9999 は日本郵便の郵便番号データ（2026-10-03版）にありません。入力の誤りでないかご確認ください。"
            ),
        ]
    );
    let json = serde_json::to_value(report.wire()).expect("json");
    assert_eq!(json["warnings"].as_array().map(Vec::len), Some(4));
    assert_eq!(json["warnings"][0]["line"], 3);
    assert_eq!(json["warnings"][0]["field"], "postal_code");
    assert_eq!(json["warnings"][0]["reason"], "postal_code_prefecture");
    // The row is stored as given: the warning changes nothing.
    let store = customers::open(&path, now()).expect("opens");
    let hits = as_json(customers::lookup(&store, "スズキ イチロウ", 5)).expect("lookup");
    assert_eq!(hits["results"][0]["prefecture"], "大阪府");

    // A refused import still lists its warnings, beside the errors, and writes nothing.
    let path = temp_db("postal-refused");
    let text = String::from_utf8(csv).expect("utf-8") + "alwater,AW10000010,加藤　七郎,カトウ シチロウ,東京,100-0001,千代田区1,03-1234-0002\n";
    let report = import(&path, text.as_bytes(), false).expect("a report");
    assert!(!report.written);
    assert_eq!(report.errors.iter().map(|e| (e.line, e.field.as_str())).collect::<Vec<_>>(), [(11, "prefecture")]);
    assert_eq!(report.warnings.len(), 4);
}

/// 名寄せ: rows likely the same person as another customer (a shared phone or email and the
/// same kana or birth date), in the file or already stored, across services, are listed with
/// why, each pair once; near-misses are not; nothing is merged.
#[test]
fn likely_duplicates_are_listed_with_why_and_near_misses_are_not() {
    let path = temp_db("duplicates");
    let header = "service,customer_number,name,name_kana,birth_date,prefecture,postal_code,address,phone1,email";
    let first = format!("{header}\nalwater,AW00000001,山田　花子,ヤマダ ハナコ,1980-04-01,東京都,100-0001,千代田区千代田1-1,03-1111-0001,hanako@example.jp\n");
    let report = import(&path, first.as_bytes(), false).expect("imports");
    assert!(report.duplicates.is_empty());
    let csv = format!(
        "{header}\n{}\n{}\n{}\n{}\n{}\n{}\n",
        // line 2: the same phone in another format, the kana in half width: phone + kana
        "kaunet,KN00000001,山田　花子,ﾔﾏﾀﾞ ﾊﾅｺ,,東京都,100-0001,千代田区千代田1-1,0311110001,",
        // line 3: the email in capitals, the same birth date, a married name: email + birth date
        "plus-aqua,PA00000001,鈴木　花子,スズキ ハナコ,1980/4/1,東京都,100-0001,千代田区千代田2-2,090-2222-0002,HANAKO@example.jp",
        // line 4: same phone, another person of the household: not listed
        "allwatch,AL00000001,山田　太郎,ヤマダ タロウ,1978-01-01,東京都,100-0001,千代田区千代田1-1,03-1111-0001,",
        // line 5: a namesake born the same day, no shared contact: not listed
        "amano-shop,AS00000001,山田　花子,ヤマダ ハナコ,1980-04-01,東京都,100-0001,千代田区千代田9-9,06-1111-0001,other@example.jp",
        // line 6: same phone, a kana one sound off and another birth date: not listed
        "alwater,AW00000002,山田　花江,ヤマダ ハナエ,1980-04-02,東京都,100-0001,千代田区千代田1-1,03-1111-0001,",
        // line 7: the same person again in one file (another alwater account): phone + kana + birth date
        "alwater,AW00000003,山田　花子,やまだ はなこ,1980-04-01,東京都,100-0001,千代田区千代田1-1,03-1111-0001,",
    );
    let report = import(&path, csv.as_bytes(), false).expect("imports");
    assert!(report.written);
    assert_eq!(report.created, 6, "nothing is merged: every row is its own customer");
    let listed: Vec<(u64, &str, &str, Vec<&str>)> =
        report.duplicates.iter().map(|d| (d.line, d.customer_number.as_str(), d.other_name.as_str(), d.reasons.clone())).collect();
    let hanako = report.duplicates[0].other_id.clone();
    assert_eq!(
        listed,
        [
            (2, "KN00000001", "山田　花子", vec!["phone", "name_kana"]),
            (3, "PA00000001", "山田　花子", vec!["email", "birth_date"]),
            // The oldest customer first: the stored one, then line 2's.
            (7, "AW00000003", "山田　花子", vec!["phone", "name_kana", "birth_date"]),
            (7, "AW00000003", "山田　花子", vec!["phone", "name_kana"]),
        ]
    );
    assert!(report.duplicates.iter().take(2).all(|d| d.other_id == hanako), "the stored customer of the first file");
    assert_eq!(report.duplicates[0].other_accounts, [("alwater".to_string(), "AW00000001".to_string())]);
    assert_eq!(report.duplicates[1].reason_ja, "メール＋生年月日");
    let json = serde_json::to_value(report.wire()).expect("json");
    assert_eq!(json["duplicates"][0]["other"]["accounts"][0]["customer_number"], "AW00000001");
    assert_eq!(json["duplicates"][0]["reason_ja"], "電話番号＋フリガナ");

    // Importing the file again writes nothing new and lists each pair once.
    let again = import(&path, csv.as_bytes(), false).expect("imports");
    assert_eq!((again.created, again.unchanged), (0, 6));
    let mut pairs: Vec<(String, String)> = again
        .duplicates
        .iter()
        .map(|d| if d.customer_id < d.other_id { (d.customer_id.clone(), d.other_id.clone()) } else { (d.other_id.clone(), d.customer_id.clone()) })
        .collect();
    pairs.sort();
    pairs.dedup();
    assert_eq!(pairs.len(), again.duplicates.len());
    assert_eq!(again.duplicates.len(), 4);
}

/// The file is read in blocks of 64 KiB: a character split between two blocks is still UTF-8,
/// a bad byte far into the file is named by its offset, and a Shift_JIS file whose only
/// non-ASCII bytes come after the first block is still Shift_JIS.
#[test]
fn the_encoding_is_found_in_files_larger_than_a_block_whatever_lies_on_its_edges() {
    let encoding = |bytes: &[u8], encoding: Encoding| {
        let path = temp_db("blocks");
        let mut store = customers::open(&path, now()).expect("opens");
        let tariffs = Tariffs::embedded().expect("tariffs");
        import_customers(&mut store, &mut std::io::Cursor::new(bytes), encoding, false, Context { tariffs: &tariffs, actor: "test", now: now() }, &mut |_| true)
    };
    let mut csv = format!("{HEADER}\n");
    let mut n = 0;
    while csv.len() < 200_000 {
        n += 1;
        csv.push_str(&good_row(n));
        csv.push('\n');
    }
    // Spaces before the header (trimmed) put a three-byte character right before the first
    // block's end, across it, and one byte further; with a BOM before it, which is not counted.
    let q = csv.char_indices().find(|(i, c)| *i > 60_000 && c.len_utf8() == 3).map(|(i, _)| i).expect("a kanji");
    for (shift, bom) in [(0, false), (1, false), (2, true)] {
        let text = format!("{}{}{csv}", if bom { "\u{FEFF}" } else { "" }, " ".repeat(65_533 + shift - q));
        let report = encoding(text.as_bytes(), Encoding::Auto).expect("imports");
        assert_eq!((report.encoding, report.created), ("utf-8", u64::from(n)), "shift {shift}");
    }
    let at = csv.char_indices().find(|(i, c)| *i >= 150_000 && c.is_ascii()).map(|(i, _)| i).expect("an ASCII byte");
    let mut bad = csv.clone().into_bytes();
    bad[at] = 0xFF;
    match encoding(&bad, Encoding::Utf8) {
        Err(ApiError::Invalid { field, reason }) => assert_eq!((field.as_str(), reason), ("file", format!("not valid UTF-8 at byte {at}"))),
        other => panic!("refused, got {other:?}"),
    }
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&csv);
    let report = encoding(&sjis, Encoding::Auto).expect("imports");
    assert_eq!((report.encoding, report.created), ("shift_jis", u64::from(n)));
    let mut broken = sjis.into_owned();
    let last = broken.len() - 3;
    broken[last] = 0x81; // a lead byte followed by a byte Shift_JIS never puts after it
    broken[last + 1] = 0x0A;
    match encoding(&broken, Encoding::Auto) {
        Err(ApiError::Invalid { field, reason }) => assert_eq!((field.as_str(), reason.as_str()), ("file", "neither UTF-8 nor Shift_JIS (CP932) text")),
        other => panic!("refused, got {other:?}"),
    }
}

/// A report lists the first thousand problems and counts them all.
#[test]
fn a_report_lists_the_first_thousand_problems_and_counts_every_one() {
    let path = temp_db("listed");
    let mut csv = format!("{HEADER}\n");
    for n in 1..=1_500 {
        csv.push_str(&format!("alwater,AW{n:08},佐藤　太郎,サトウ タロウ,1980-13-01,東京都,100-0001,千代田区,03-1,,,\n"));
    }
    let report = import(&path, csv.as_bytes(), false).expect("a report");
    assert!(!report.written);
    assert_eq!((report.bad_rows, report.error_count, report.errors.len()), (1_500, 3_000, madoguchi_api::import::LISTED));
    assert_eq!(report.errors.last().map(|e| e.line), Some(501), "two problems a row, in file order");
    assert_eq!(serde_json::to_value(report.wire()).expect("json")["bad_rows"], 1_500);
}

/// A file that another program rewrites while it is imported: after `seeks` seeks to its start
/// it reads as `then`.
struct Rewritten {
    now: std::io::Cursor<Vec<u8>>,
    then: Vec<u8>,
    seeks: u32,
}

impl std::io::Read for Rewritten {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.now.read(buf)
    }
}

impl std::io::Seek for Rewritten {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        if self.seeks == 0 {
            let position = self.now.position();
            self.now = std::io::Cursor::new(std::mem::take(&mut self.then));
            self.now.set_position(position);
        }
        self.seeks = self.seeks.saturating_sub(1);
        self.now.seek(to)
    }
}

/// The file checked is the file written: one rewritten between the check and the write (or
/// during the check) is refused whole, nothing written.
#[test]
fn a_file_rewritten_while_it_is_imported_is_refused_and_nothing_is_written() {
    let good = format!("{HEADER}\n{}\n{}\n", good_row(1), good_row(2));
    let bad = format!("{HEADER}\n{}\nalwater,AW00000002,佐藤　太郎,サトウ タロウ,1980-13-01,東京都,100-0001,千代田区,03-1,,,\n", good_row(1));
    // The scan seeks twice, the check once, the write once: rewritten before the check, and
    // before the write.
    for seeks in [2, 3] {
        let path = temp_db(&format!("rewritten-{seeks}"));
        drop(customers::open(&path, now()).expect("creates the database"));
        let before = bytes_of(&path);
        let mut store = customers::open(&path, now()).expect("opens");
        let tariffs = Tariffs::embedded().expect("tariffs");
        let mut file = Rewritten { now: std::io::Cursor::new(good.clone().into_bytes()), then: bad.clone().into_bytes(), seeks };
        match import_customers(&mut store, &mut file, Encoding::Auto, false, Context { tariffs: &tariffs, actor: "test", now: now() }, &mut |_| true) {
            Err(ApiError::Invalid { field, reason }) => {
                assert_eq!((field.as_str(), reason.as_str()), ("file", "changed while it was being imported; nothing was written"), "after {seeks} seeks")
            }
            other => panic!("after {seeks} seeks: refused, got {other:?}"),
        }
        drop(store);
        assert_eq!(bytes_of(&path), before, "after {seeks} seeks: nothing written");
    }
}

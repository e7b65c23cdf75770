//! Sync between installations on real database files: three installations editing the same
//! customers converge whatever order their bundles travel in; re-imports change nothing;
//! damaged, truncated, wrong-version and hostile bundles are refused with nothing written.
//! The installations of these tests trust each other (see tests/trust.rs for trust itself).

mod common;
use common::as_json;

use common::{at, customer_id};

use std::path::{Path, PathBuf};

use madoguchi_api::Context;
use madoguchi_api::customers;
use madoguchi_api::keys::Signer;
use madoguchi_api::requests;
use madoguchi_api::sync;
use madoguchi_api::tariffs::Tariffs;
use madoguchi_store::Store;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const NOW: &str = "2026-11-20T10:00:00+09:00";

fn folder(name: &str) -> PathBuf {
    common::folder("sync", name)
}

fn open(path: &Path) -> Store {
    common::open(path, NOW)
}

fn export_all(store: &Store, out: &Path) -> sync::Manifest {
    common::export_all(store, out, NOW)
}

fn try_import(store: &mut Store, bundle: &Path) -> Result<Value, madoguchi_api::ApiError> {
    common::import_trusted(store, bundle, NOW)
}

/// Imports a bundle, its sender trusted first.
fn import(store: &mut Store, bundle: &Path) -> Value {
    try_import(store, bundle).expect("imports")
}

fn edit(store: &mut Store, id: &str, field: &str, value: &str) {
    customers::edit(store, id, &[(field.to_string(), value.to_string())], "test", at(NOW)).expect("edits");
    // Two edits on two installations a few milliseconds apart have distinct clocks, so the
    // expected winner below is the later one, not a tie broken by installation id.
    std::thread::sleep(std::time::Duration::from_millis(3));
}

/// Everything that must be equal between converged installations.
fn content(store: &Store) -> String {
    store.canonical_dump().expect("dump")
}

/// A base installation A (the fixture customers), and B and C started from A's bundle.
fn three(dir: &Path) -> [PathBuf; 3] {
    let paths = ["a", "b", "c"].map(|n| dir.join(format!("{n}.sqlite3")));
    let mut a = open(&paths[0]);
    common::import_fixture(&mut a, NOW);
    let base = dir.join("base.mdgb");
    export_all(&a, &base);
    for path in &paths[1..] {
        let report = import(&mut open(path), &base);
        assert_eq!(report["already_known"], 0);
    }
    paths
}

#[test]
fn three_installations_converge_whatever_order_bundles_travel_in() {
    let dir = folder("three");
    let paths = three(&dir);
    let tariffs = Tariffs::embedded().expect("tariffs");
    let (mut a, mut b, mut c) = (open(&paths[0]), open(&paths[1]), open(&paths[2]));
    let x = customer_id(&a, "AW00000001");
    let y = customer_id(&a, "KN00000001");
    let z = customer_id(&a, "PA00000001");
    // A request all three know, moved by two agents at once.
    let request = as_json(requests::create(&mut a, "catalog_stop", &y, &[], Context { tariffs: &tariffs, actor: "A", now: at(NOW) })).expect("filed")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let shared = dir.join("request.mdgb");
    export_all(&a, &shared);
    import(&mut b, &shared);
    import(&mut c, &shared);

    // Concurrent edits, A then B then C in time: the same field (X's name on A and B), a
    // different field (X's address on C), a delete against an edit (Y: B edits, C deletes),
    // a note against an edit (Z), and the same request moved on A and on B.
    edit(&mut a, &x, "name", "山田　花子A");
    customers::add_note(&mut a, &z, "A", "折り返し希望", at(NOW)).expect("note");
    as_json(requests::move_to(&mut a, &request, "forwarded", "Aが連絡", Context { tariffs: &tariffs, actor: "A", now: at(NOW) })).expect("moved");
    std::thread::sleep(std::time::Duration::from_millis(3));
    edit(&mut b, &x, "name", "山田　花子B");
    edit(&mut b, &y, "postal_code", "100-0001");
    as_json(requests::move_to(&mut b, &request, "cancelled", "Bが取消", Context { tariffs: &tariffs, actor: "B", now: at(NOW) })).expect("moved");
    std::thread::sleep(std::time::Duration::from_millis(3));
    edit(&mut c, &x, "address", "港区芝公園4-2-8");
    edit(&mut c, &z, "name_kana", "タナカ ハナコ");
    customers::delete(&mut c, &y, "C", at(NOW)).expect("deleted");

    let bundles = ["a", "b", "c"].map(|n| dir.join(format!("{n}1.mdgb")));
    for (store, out) in [&a, &b, &c].into_iter().zip(&bundles) {
        export_all(store, out);
    }
    drop((a, b, c));

    // Every order of the three bundles, on a fresh copy of each installation: 18 databases.
    let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    let mut dumps: Vec<(String, String)> = Vec::new();
    let mut conflicts_at_a = Vec::new();
    for (n, order) in orders.iter().enumerate() {
        for (i, path) in paths.iter().enumerate() {
            let copy = dir.join(format!("copy-{n}-{i}.sqlite3"));
            std::fs::copy(path, &copy).expect("copy");
            let mut store = open(&copy);
            for &k in order {
                let report = import(&mut store, &bundles[k]);
                if i == 0 && n == 0 {
                    conflicts_at_a.extend(report["conflicts"].as_array().expect("conflicts").iter().cloned());
                }
            }
            assert!(store.check().expect("check").is_empty(), "integrity after order {order:?} at {i}");
            dumps.push((format!("order {order:?} at installation {i}"), content(&store)));
            // Importing everything again changes nothing.
            let before = (content(&store), store.change_log_dump().expect("log"));
            for bundle in &bundles {
                let again = import(&mut store, bundle);
                assert_eq!(again["applied"], 0, "{again}");
                assert_eq!(again["conflicts"], json!([]));
            }
            assert_eq!(before, (content(&store), store.change_log_dump().expect("log")), "a re-import changed something");
        }
    }
    let (first_label, first) = &dumps[0];
    for (label, dump) in &dumps[1..] {
        assert!(dump == first, "{label} differs from {first_label}");
    }

    // What they converged to: per field the later edit, the delete over the edit, both moves
    // of the request in its history.
    let store = open(&dir.join("copy-0-0.sqlite3"));
    let view = as_json(customers::customer(&store, &x)).expect("x");
    assert_eq!(view["name"], "山田　花子B", "the later of two edits of the same field wins");
    assert!(view["address"].as_str().expect("address").contains("芝公園"), "an edit of another field is kept: {view}");
    assert!(as_json(customers::customer(&store, &y)).is_err(), "the delete wins over the edit");
    let zv = as_json(customers::customer(&store, &z)).expect("z");
    assert_eq!(zv["name_kana"], "タナカ ハナコ");
    assert_eq!(zv["notes"].as_array().expect("notes").len(), 1, "{zv}");
    assert!(
        as_json(customers::lookup(&store, "タナカハナコ", 5)).expect("lookup")["results"].as_array().expect("r").iter().any(|r| r["customer_id"] == z.as_str()),
        "the name index follows an imported edit"
    );
    let shown = as_json(requests::show(&store, &request, at(NOW)));
    assert!(shown.is_err(), "the request of the deleted customer goes with it");

    // The report of A importing B's bundle names the conflict on X's name, with both values.
    let name_conflict = conflicts_at_a.iter().find(|c| c["id"] == x.as_str() && c["field"] == "name").expect("a conflict on X's name");
    assert_eq!(name_conflict["kept"]["value"], "山田　花子B");
    assert_eq!(name_conflict["discarded"]["value"], "山田　花子A");
    assert!(conflicts_at_a.iter().any(|c| c["id"] == y.as_str() && c["field"] == "*"), "the delete against B's edit is reported: {conflicts_at_a:?}");
}

#[test]
fn an_incremental_bundle_carries_only_what_the_other_side_lacks() {
    let dir = folder("incremental");
    let paths = three(&dir);
    let (mut a, mut b) = (open(&paths[0]), open(&paths[1]));
    let x = customer_id(&a, "AW00000001");
    let from_b = dir.join("b-all.mdgb");
    export_all(&b, &from_b);
    edit(&mut a, &x, "address", "新宿区西新宿2-8-1");
    let out = dir.join("a-since-b.mdgb");
    common::trust_sender_of(&mut a, &from_b, at(NOW));
    let manifest =
        sync::export(&a, &out, &sync::since(&a, &common::signer(&a).public(), Some(&from_b)).expect("since"), None, &common::signer(&a), at(NOW), &mut |_| {
            true
        })
        .expect("exports");
    assert_eq!(manifest.changes, 1, "only the address edit: B has the rest");
    let report = import(&mut b, &out);
    assert_eq!(report["applied"], 1);
    assert_eq!(content(&a), content(&b));
}

#[test]
fn sync_through_a_shared_folder_reads_each_bundle_once() {
    let dir = folder("folder");
    let shared = dir.join("shared");
    std::fs::create_dir_all(&shared).expect("shared");
    let paths = three(&dir);
    let mut stores = paths.each_ref().map(|p| open(p));
    let x = customer_id(&stores[0], "AW00000001");
    edit(&mut stores[1], &x, "address", "千代田区丸の内1-1");
    common::trust_each_other(&mut stores, at(NOW));
    for round in 0..2 {
        for store in stores.iter_mut() {
            let signer = common::signer(store);
            let report = as_json(sync::sync_dir(store, &shared, &signer, at(NOW), &mut |_, _, _| true)).expect("syncs");
            assert_eq!(report["failed"], json!([]), "round {round}: {report}");
        }
    }
    let [a, b, c] = &stores;
    assert_eq!(content(a), content(b));
    assert_eq!(content(b), content(c));
    // A third run finds nothing new to write or read.
    let signer = common::signer(&stores[0]);
    let quiet = as_json(sync::sync_dir(&mut stores[0], &shared, &signer, at(NOW), &mut |_, _, _| true)).expect("syncs");
    assert_eq!(quiet["exported"], Value::Null);
    assert_eq!(quiet["imported"], json!([]));
    assert!(std::fs::read_dir(&shared).expect("list").all(|e| !e.expect("entry").file_name().to_string_lossy().starts_with('.')), "no temporary file is left");
}

/// A bundle rebuilt from a manifest and change lines, with the hash and counts made to match
/// (so that only the hostile part is wrong), unless the manifest says otherwise; signed by
/// `signer`, as a trusted sender's bundle is.
fn rebuild(signer: &Signer, manifest: &Value, lines: &[Vec<u8>], fix: bool) -> Vec<u8> {
    let mut m = manifest.clone();
    if fix {
        let content: Vec<u8> = lines.iter().flat_map(|l| l.iter().copied().chain([b'\n'])).collect();
        m["content_sha256"] = json!(format!("{:x}", Sha256::digest(&content)));
        m["counts"]["changes"] = json!(lines.len());
    }
    let mut out = sync::signed_header(&m, signer).expect("header");
    for line in lines {
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    out
}

#[test]
fn damaged_and_hostile_bundles_are_refused_and_nothing_is_written() {
    let dir = folder("hostile");
    let paths = three(&dir);
    let mut a = open(&paths[0]);
    let x = customer_id(&a, "AW00000001");
    edit(&mut a, &x, "address", "大阪市北区梅田1-1");
    let y = customer_id(&a, "KN00000001");
    customers::delete(&mut a, &y, "A", at(NOW)).expect("deleted");
    let good = dir.join("good.mdgb");
    export_all(&a, &good);
    let bytes = std::fs::read(&good).expect("read");
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    let mut all_lines = text.lines();
    let manifest: Value = serde_json::from_str(all_lines.next().expect("manifest")).expect("manifest json");
    all_lines.next().expect("the signature");
    let signer_a = common::signer(&a);
    let rebuild = |manifest: &Value, lines: &[Vec<u8>], fix: bool| rebuild(&signer_a, manifest, lines, fix);
    let lines: Vec<Vec<u8>> = all_lines.map(|l| l.as_bytes().to_vec()).collect();
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut m = manifest.clone();
        edit(&mut m);
        m
    };
    let mut line0: Value = serde_json::from_slice(&lines[0]).expect("line");
    // The hostile line is a change of its own (a clock no other line has).
    line0["c"] = json!(line0["c"].as_i64().expect("clock") + 1_000_000);
    let change = |edit: &dyn Fn(&mut Value)| {
        let mut l = line0.clone();
        edit(&mut l);
        let mut all = lines.clone();
        all.push(serde_json::to_vec(&l).expect("json"));
        all
    };
    let mut bit_flipped = bytes.clone();
    let middle = bytes.len() - 40;
    bit_flipped[middle] ^= 0x04;
    let mut bad_utf8 = lines.clone();
    bad_utf8.push(b"{\"c\":1,\"o\":0,\"t\":\"customers\",\"i\":\"\xff\xfe\",\"d\":null}".to_vec());
    let far_future = change(&|l| l["c"] = json!((4_102_444_800_000i64) << 16));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", Vec::new(), "not a madoguchi bundle"),
        ("a CSV file", b"name,phone\n".to_vec(), "not a madoguchi bundle"),
        ("truncated in a line", bytes[..bytes.len() - 25].to_vec(), "truncated"),
        ("truncated at a line end", bytes[..text.rfind("\n{").expect("a line") + 1].to_vec(), "truncated or damaged"),
        ("a flipped bit", bit_flipped, "SHA-256"),
        ("a newer format", rebuild(&with(&|m| m["version"] = json!(3)), &lines, true), "format version 3"),
        ("the unsigned format 1", rebuild(&with(&|m| m["version"] = json!(1)), &lines, true), "version 1, which is not signed"),
        ("a newer schema", rebuild(&with(&|m| m["schema"] = json!(99)), &lines, true), "newer madoguchi"),
        ("another format", rebuild(&with(&|m| m["format"] = json!("zip")), &lines, true), "manifest.format"),
        ("a path for a table", rebuild(&manifest, &change(&|l| l["t"] = json!("../../etc/passwd")), true), "no table"),
        ("an unknown column", rebuild(&manifest, &change(&|l| l["d"] = json!({"name": "x", "rowid; DROP TABLE customers": 1})), true), "no column"),
        ("a nested value", rebuild(&manifest, &change(&|l| l["d"] = json!({"name": {"a": 1}})), true), "must be text"),
        ("a list for data", rebuild(&manifest, &change(&|l| l["d"] = json!([1, 2])), true), "not a change line"),
        ("an unknown key", rebuild(&manifest, &change(&|l| l["x"] = json!(1)), true), "unknown field"),
        ("an origin out of range", rebuild(&manifest, &change(&|l| l["o"] = json!(7)), true), "manifest.origins"),
        ("a control character in an id", rebuild(&manifest, &change(&|l| l["i"] = json!("a\u{0}b")), true), "row id"),
        ("bad UTF-8", rebuild(&manifest, &bad_utf8, true), "not a change line"),
        ("a clock years ahead", rebuild(&manifest, &far_future, true), "30 days ahead"),
        ("a huge count", rebuild(&with(&|m| m["counts"]["changes"] = json!(1_000_000_000_000_000u64)), &lines, false), "truncated or damaged"),
        ("per-table counts that lie", rebuild(&with(&|m| m["counts"]["tables"]["customers"] = json!(999_999)), &lines, true), "counts"),
        ("an unknown counted table", rebuild(&with(&|m| m["counts"]["tables"]["secrets"] = json!(1)), &lines, true), "no table"),
        ("a manifest of 2 MiB", [vec![b'{'; 2 << 20], b"\n".to_vec()].concat(), "longer than 1 MiB"),
    ];
    let mut b = open(&paths[1]);
    common::trust_sender_of(&mut b, &good, at(NOW));
    let own_b = common::signer(&b).public();
    let before = (content(&b), b.change_log_dump().expect("log"));
    for (label, bundle, expected) in cases {
        let path = dir.join("hostile.mdgb");
        std::fs::write(&path, &bundle).expect("write");
        let error = as_json(sync::import(&mut b, &path, &own_b, at(NOW), &mut |_, _| true)).expect_err(label).to_string();
        assert!(error.contains(expected), "{label}: {error}");
        assert!(error.starts_with("bundle"), "{label}: the error names the bundle: {error}");
        assert_eq!(before, (content(&b), b.change_log_dump().expect("log")), "{label}: something was written");
    }
    // The good bundle still applies whole.
    let report = import(&mut b, &good);
    let (applied, known) = (report["applied"].as_u64().expect("applied"), report["already_known"].as_u64().expect("known"));
    assert!(applied >= 4, "the edit and the delete of a customer with its rows: {report}");
    assert_eq!(applied + known, lines.len() as u64);
    assert_eq!(content(&a), content(&b));
}

#[test]
fn a_cancelled_import_writes_nothing() {
    let dir = folder("cancel");
    let mut a = open(&dir.join("a.sqlite3"));
    customers::seed(&mut a, 3_000, 7, at(NOW), &mut |_| true).expect("seeds");
    let bundle = dir.join("a.mdgb");
    export_all(&a, &bundle);
    let mut b = open(&dir.join("b.sqlite3"));
    common::trust_sender_of(&mut b, &bundle, at(NOW));
    let before = (content(&b), b.counts().expect("counts"));
    let own = common::signer(&b).public();
    let error = as_json(sync::import(&mut b, &bundle, &own, at(NOW), &mut |done, _| done < 10_000)).expect_err("cancelled");
    assert!(error.to_string().contains("cancelled"), "{error}");
    assert_eq!(before, (content(&b), b.counts().expect("counts")));
    assert!(b.counts().expect("counts").iter().all(|(table, n)| *n == 0 || *table == "audit_log"), "only the trust is audited");
}

/// Issues the sample receipt (typed in, no customer) on an installation.
fn issue_receipt(store: &mut Store) -> String {
    let tariffs = Tariffs::embedded().expect("tariffs");
    let request: Value = serde_json::from_str(include_str!("../../../assets/samples/documents/receipt.json")).expect("sample");
    let issued_at = at("2026-11-21T12:00:00+09:00");
    madoguchi_api::documents::issue(store, "receipt", &request, Context { tariffs: &tariffs, actor: "test", now: issued_at }, &mut |_| Ok(()))
        .expect("issued")
        .number
}

#[test]
fn document_numbers_stay_unique_across_installations() {
    let dir = folder("numbers");
    let paths = three(&dir);
    let (mut a, mut b, mut c) = (open(&paths[0]), open(&paths[1]), open(&paths[2]));
    // Each installation numbers with its own code (from its id): the numbers never meet.
    let (na, nb) = (issue_receipt(&mut a), issue_receipt(&mut b));
    assert_ne!(na, nb);
    let (ba, bb) = (dir.join("a.mdgb"), dir.join("b.mdgb"));
    export_all(&a, &ba);
    export_all(&b, &bb);
    import(&mut a, &bb);
    import(&mut b, &ba);
    assert_eq!(content(&a), content(&b));
    // Two installations given the same code would print one number twice: the bundle is
    // refused whole, naming the number and the setting to change.
    madoguchi_api::settings::set(&mut c, "numbering.installation", "SAME", "test", at(NOW)).expect("setting");
    let mut d = open(&dir.join("d.sqlite3"));
    madoguchi_api::settings::set(&mut d, "numbering.installation", "SAME", "test", at(NOW)).expect("setting");
    let (nc, nd) = (issue_receipt(&mut c), issue_receipt(&mut d));
    assert_eq!(nc, nd);
    let bd = dir.join("d.mdgb");
    export_all(&d, &bd);
    let before = content(&c);
    let error = try_import(&mut c, &bd).expect_err("refused").to_string();
    assert!(error.contains(&nd) && error.contains("numbering.installation"), "{error}");
    assert_eq!(before, content(&c));
}

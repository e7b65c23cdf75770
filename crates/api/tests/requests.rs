//! Requests on a real database: each type's allowed and refused transitions, the dates the
//! rules compute (holidays, month ends), overdue detection as the clock moves, a complete and
//! ordered history, and the seed rules on late FAXes and late pauses.

mod common;
use common::as_json;

use common::{at, by};

use madoguchi_api::ApiError;
use madoguchi_api::Context;
use madoguchi_api::customers;
use madoguchi_api::import::{Encoding, import_customers};
use madoguchi_api::requests;
use madoguchi_api::tariffs::Tariffs;
use madoguchi_domain::request::{Machine, RequestKind, Status};
use madoguchi_store::Store;
use madoguchi_store::requests::{NewRequest, insert_request};
use serde_json::Value;

fn setup(name: &str) -> (Store, Tariffs) {
    let dir = common::folder("requests", name);
    let mut store = customers::open(&dir.join("r.sqlite3"), at("2026-11-01T09:00:00+09:00")).expect("opens");
    let tariffs = Tariffs::embedded().expect("tariffs");
    let csv = include_bytes!("fixtures/customers.csv");
    import_customers(&mut store, &mut std::io::Cursor::new(csv), Encoding::Auto, false, by(&tariffs, "test", "2026-11-01T09:00:00+09:00"), &mut |_| true)
        .expect("imports");
    (store, tariffs)
}

fn customer(store: &Store, number: &str) -> String {
    as_json(customers::lookup(store, number, 1)).expect("lookup")["results"][0]["customer_id"].as_str().expect("id").to_string()
}

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// A request to file: its type, the customer, the fields typed.
type Case<'a> = (&'a str, &'a String, Vec<(String, String)>);

fn field_error(result: Result<Value, ApiError>) -> String {
    match result {
        Err(ApiError::Invalid { field, .. }) => field,
        other => panic!("expected a refusal naming a field, got {other:?}"),
    }
}

/// A dealer change for `kaunet` filed by 山本 on 2026-11-20 with its FAX due 2026-12-04.
fn file_dealer_change(store: &mut Store, tariffs: &Tariffs, kaunet: &str) -> Value {
    let given = fields(&[("fax_deadline", "2026-12-04")]);
    as_json(requests::create(store, "dealer_change", kaunet, &given, by(tariffs, "山本", "2026-11-20T10:00:00+09:00"))).expect("filed")
}

#[test]
fn a_dealer_change_runs_its_course_with_dates_and_history() {
    let (mut store, tariffs) = setup("dealer");
    let kaunet = customer(&store, "KN00000001");
    let r = file_dealer_change(&mut store, &tariffs, &kaunet);
    assert_eq!(r["status"], "received");
    assert_eq!(r["fields"]["current_dealer"], "KDDIまとめてオフィス", "the account's dealer fills the field");
    assert_eq!(r["due_on"], "2026-12-04");
    let id = r["id"].as_str().expect("id").to_string();
    // Refused: skipping a step, an unknown status.
    assert_eq!(field_error(as_json(requests::move_to(&mut store, &id, "returned", "", by(&tariffs, "山本", "2026-11-20T11:00:00+09:00")))), "to");
    assert_eq!(field_error(as_json(requests::move_to(&mut store, &id, "done", "", by(&tariffs, "山本", "2026-11-20T11:00:00+09:00")))), "to");
    let listed = as_json(requests::list(&store, true, false, None, at("2026-11-20T10:30:00+09:00"))).expect("list");
    let row = listed["requests"].as_array().expect("rows").iter().find(|r| r["id"] == id.as_str()).expect("listed").clone();
    assert_eq!(row["customer_name"], as_json(customers::customer(&store, &kaunet)).expect("customer")["name"], "the list names the customer");
    as_json(requests::move_to(&mut store, &id, "fax_sent", "", by(&tariffs, "山本", "2026-11-20T11:00:00+09:00"))).expect("sent");
    let returned = as_json(requests::move_to(&mut store, &id, "returned", "FAX受領", by(&tariffs, "佐々木", "2026-12-04T17:00:00+09:00")))
        .expect("returned on the deadline");
    // Returned in December: the switch comes in January or February (seed 002).
    assert_eq!(returned["computed"]["effective_earliest"], "2027-01-01");
    assert_eq!(returned["computed"]["effective_latest"], "2027-02-01");
    assert_eq!(returned["due_on"], "2027-01-01");
    as_json(requests::move_to(&mut store, &id, "switching", "", by(&tariffs, "佐々木", "2026-12-05T10:00:00+09:00"))).expect("switching");
    let done = as_json(requests::move_to(&mut store, &id, "completed", "メールで切替通知", by(&tariffs, "佐々木", "2027-01-10T10:00:00+09:00"))).expect("done");
    assert_eq!(done["open"], false);
    assert_eq!(
        field_error(as_json(requests::move_to(&mut store, &id, "cancelled", "", by(&tariffs, "佐々木", "2027-01-11T10:00:00+09:00")))),
        "to",
        "a closed request stays closed"
    );
    let history = done["history"].as_array().expect("history");
    let steps: Vec<(&str, &str)> = history.iter().map(|h| (h["to"].as_str().unwrap_or(""), h["actor"].as_str().unwrap_or(""))).collect();
    assert_eq!(steps, [("received", "山本"), ("fax_sent", "山本"), ("returned", "佐々木"), ("switching", "佐々木"), ("completed", "佐々木")]);
    let seqs: Vec<i64> = history.iter().map(|h| h["seq"].as_i64().unwrap_or(0)).collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5], "every move is a history row, in order");
    assert_eq!(history[2]["comment"], "FAX受領");
}

#[test]
fn a_fax_returned_after_its_deadline_changes_nothing() {
    let (mut store, tariffs) = setup("late-fax");
    let kaunet = customer(&store, "KN00000001");
    let r = file_dealer_change(&mut store, &tariffs, &kaunet);
    let id = r["id"].as_str().expect("id").to_string();
    as_json(requests::move_to(&mut store, &id, "fax_sent", "", by(&tariffs, "山本", "2026-11-20T11:00:00+09:00"))).expect("sent");
    assert_eq!(field_error(as_json(requests::move_to(&mut store, &id, "returned", "", by(&tariffs, "山本", "2026-12-05T09:00:00+09:00")))), "to");
    let expired = as_json(requests::move_to(&mut store, &id, "expired", "", by(&tariffs, "山本", "2026-12-05T09:00:00+09:00"))).expect("expired");
    assert_eq!(expired["status_label"], "期限切れ");
}

#[test]
fn a_pause_knows_its_deadline_and_becomes_overdue_as_the_clock_moves() {
    let (mut store, tariffs) = setup("pause");
    let plus = customer(&store, "PA00000001");
    // The customer lives in 北海道: 6 business days before the delivery of 2026-11-30 is 11-19
    // (11-23 勤労感謝の日 skipped), by 18:00 — the prefecture comes from the customer's address.
    let given = fields(&[("scheduled_delivery", "2026-11-30"), ("next_delivery", "2027-01-15")]);
    let r = as_json(requests::create(&mut store, "pause", &plus, &given, by(&tariffs, "山本", "2026-11-18T10:00:00+09:00"))).expect("filed");
    assert_eq!(r["computed"]["request_deadline"], "2026-11-19T18:00:00+09:00");
    assert_eq!(r["computed"]["on_time"], true);
    assert_eq!(r["computed"]["free_until"], "2026-12-31", "last shipment 2026-10-20: month 2 is December");
    assert_eq!(r["fields"]["plan"], "basic", "the account's plan fills the field");
    assert_eq!(r["due_on"], "2026-11-19");
    let id = r["id"].as_str().expect("id").to_string();
    let overdue = |store: &Store, when: &str| -> Vec<String> {
        as_json(requests::list(store, false, true, None, at(when))).expect("list")["requests"]
            .as_array()
            .expect("list")
            .iter()
            .map(|r| r["id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert!(overdue(&store, "2026-11-19T20:00:00+09:00").is_empty(), "due on the 19th: not overdue that day");
    assert_eq!(overdue(&store, "2026-11-20T09:00:00+09:00"), vec![id.clone()], "overdue the next day");
    as_json(requests::move_to(&mut store, &id, "accepted", "", by(&tariffs, "山本", "2026-11-20T09:30:00+09:00"))).expect("filed on time, accepted later");
    assert!(overdue(&store, "2026-11-20T10:00:00+09:00").is_empty(), "accepted: no longer waiting on the deadline");
    // A pause asked after the deadline cannot be accepted (seed 004 第8条).
    let late = as_json(requests::create(&mut store, "pause", &plus, &given, by(&tariffs, "山本", "2026-11-19T18:00:01+09:00"))).expect("filed");
    assert_eq!(late["computed"]["on_time"], false);
    let late_id = late["id"].as_str().expect("id").to_string();
    assert_eq!(field_error(as_json(requests::move_to(&mut store, &late_id, "accepted", "", by(&tariffs, "山本", "2026-11-19T18:05:00+09:00")))), "to");
    as_json(requests::move_to(&mut store, &late_id, "rejected", "期限後のため次回は休止不可", by(&tariffs, "山本", "2026-11-19T18:05:00+09:00")))
        .expect("rejected");
}

#[test]
fn cancellations_carry_their_fee_return_deadline_or_service_end() {
    let (mut store, tariffs) = setup("cancel");
    let plus = customer(&store, "PA00000001");
    let r = as_json(requests::create(&mut store, "cancellation", &plus, &[], by(&tariffs, "山本", "2026-11-20T17:00:00+09:00"))).expect("filed");
    // basic plan from 2025-10: month 14, not a renewal month → 15,000 × 2 servers; server back by 12-20.
    assert_eq!(r["computed"]["total"], "30000");
    assert_eq!(r["computed"]["return_deadline"], "2026-12-20");
    let id = r["id"].as_str().expect("id").to_string();
    let accepted = as_json(requests::move_to(&mut store, &id, "accepted", "", by(&tariffs, "山本", "2026-11-20T17:10:00+09:00"))).expect("accepted");
    assert_eq!(accepted["due_on"], "2026-12-20", "the server must be back by then");
    let watch = customer(&store, "M2M0000001");
    let w = as_json(requests::create(&mut store, "cancellation", &watch, &[], by(&tariffs, "山本", "2026-11-16T10:00:00+09:00"))).expect("filed");
    // Received on the 16th: the service ends at the end of next month; prepaid through 2026-12.
    assert_eq!(w["computed"]["service_end"], "2026-12-31");
    assert_eq!(w["computed"]["refund_months"], serde_json::json!([]));
}

#[test]
fn each_type_refuses_what_it_must() {
    let (mut store, tariffs) = setup("refusals");
    let kaunet = customer(&store, "KN00000001");
    let alwater = customer(&store, "AW00000001");
    let now = at("2026-11-20T10:00:00+09:00");
    let cases: [(Case, &str); 7] = [
        (("dealer_change", &kaunet, vec![]), "fax_deadline"),
        (("dealer_change", &kaunet, fields(&[("fax_deadline", "2026-02-30")])), "fax_deadline"),
        (("dealer_change", &kaunet, fields(&[("fax_deadline", "2026-12-04"), ("colour", "red")])), "colour"),
        (("dealer_change", &alwater, fields(&[("fax_deadline", "2026-12-04")])), "customer"),
        (("contact_change", &kaunet, fields(&[("new_address", "カード 4111 1111 1111 1111")])), "new_address"),
        (("pause", &alwater, fields(&[("scheduled_delivery", "2026-11-30"), ("next_delivery", "2026-09-01")])), "next_delivery"),
        (("catalog_stop", &kaunet, fields(&[("x", "1")])), "x"),
    ];
    for ((type_id, who, given), field) in cases {
        assert_eq!(
            field_error(as_json(requests::create(&mut store, type_id, who, &given, Context { tariffs: &tariffs, actor: "山本", now }))),
            field,
            "{type_id} {given:?}"
        );
    }
    assert!(as_json(requests::list(&store, false, false, None, now)).expect("list")["requests"].as_array().expect("list").is_empty(), "nothing was written");
    // The option cancellation warns that re-joining is impossible.
    let option = as_json(requests::create(&mut store, "option_cancellation", &alwater, &[], Context { tariffs: &tariffs, actor: "山本", now })).expect("filed");
    assert!(option["warning"].as_str().unwrap_or("").contains("再入会できません"));
    // Every type starts in its machine's first status and offers its next steps.
    for (type_id, who, given) in [
        ("catalog_stop", &kaunet, vec![]),
        ("contact_change", &kaunet, fields(&[("new_phone", "06-6000-9999")])),
        ("product_change", &alwater, fields(&[("model", "cado")])),
    ] {
        let r = as_json(requests::create(&mut store, type_id, who, &given, Context { tariffs: &tariffs, actor: "山本", now })).expect("filed");
        let machine = RequestKind::from_id(type_id).expect("type").machine();
        assert_eq!(r["status"], machine.initial().id());
        assert_eq!(r["next"].as_array().map(Vec::len), Some(machine.next(machine.initial()).len()));
    }
}

/// Shortest path of statuses from the initial one to `target`.
fn path_to(machine: &Machine, target: Status) -> Vec<Status> {
    let mut paths: Vec<Vec<Status>> = vec![vec![machine.initial()]];
    let mut i = 0;
    while i < paths.len() {
        let path = paths[i].clone();
        let last = *path.last().expect("non-empty");
        if last == target {
            return path;
        }
        for next in machine.next(last) {
            if !paths.iter().any(|p| p.last() == Some(&next)) {
                let mut longer = path.clone();
                longer.push(next);
                paths.push(longer);
            }
        }
        i += 1;
    }
    panic!("{target:?} cannot be reached");
}

#[test]
fn every_type_allows_exactly_its_transitions_through_the_api() {
    let (mut store, tariffs) = setup("all-transitions");
    let now = at("2026-11-20T10:00:00+09:00");
    let kaunet = customer(&store, "KN00000001");
    let plus = customer(&store, "PA00000001");
    let alwater = customer(&store, "AW00000001");
    let specs: [Case; 7] = [
        ("dealer_change", &kaunet, fields(&[("fax_deadline", "2026-12-04")])),
        ("catalog_stop", &kaunet, vec![]),
        ("contact_change", &kaunet, fields(&[("new_phone", "06-6000-9999")])),
        ("pause", &plus, fields(&[("scheduled_delivery", "2026-12-15"), ("next_delivery", "2027-01-15")])),
        ("cancellation", &plus, vec![]),
        ("option_cancellation", &alwater, vec![]),
        ("product_change", &alwater, fields(&[("model", "cado")])),
    ];
    let mut checked = 0;
    for (type_id, who, given) in specs {
        let machine = RequestKind::from_id(type_id).expect("type").machine();
        for from in machine.statuses.iter().map(|s| s.status) {
            for to in machine.statuses.iter().map(|s| s.status) {
                let r = as_json(requests::create(&mut store, type_id, who, &given, Context { tariffs: &tariffs, actor: "山本", now })).expect("filed");
                let id = r["id"].as_str().expect("id").to_string();
                let path = path_to(machine, from);
                for step in path.windows(2) {
                    as_json(requests::move_to(&mut store, &id, step[1].id(), "", Context { tariffs: &tariffs, actor: "山本", now }))
                        .unwrap_or_else(|e| panic!("{type_id}: {:?} → {:?}: {e}", step[0], step[1]));
                }
                let result = as_json(requests::move_to(&mut store, &id, to.id(), "", Context { tariffs: &tariffs, actor: "山本", now }));
                if machine.allows(from, to) {
                    let moved = result.unwrap_or_else(|e| panic!("{type_id}: {from:?} → {to:?} must be allowed: {e}"));
                    assert_eq!(moved["history"].as_array().map(Vec::len), Some(path.len() + 1), "{type_id}: one history row per move");
                } else {
                    assert_eq!(field_error(result), "to", "{type_id}: {from:?} → {to:?} must be refused");
                    let (unchanged, _) = store.request(&id).expect("read").expect("exists");
                    assert_eq!(unchanged.status, from.id(), "{type_id}: a refused move changes nothing");
                }
                checked += 1;
            }
        }
    }
    let pairs: usize = RequestKind::ALL.iter().map(|k| k.machine().statuses.len().pow(2)).sum();
    assert_eq!(checked, pairs, "every (type, from, to) combination was tried");
}

/// A customer without a prefecture counts as living where their postal code is (issue 15,
/// item 4): a Hokkaido code gives the Hokkaido lead time (seed 004 第8条: 6 business days
/// before instead of 5), for a filed request and for the quote prefilled from the account.
#[test]
fn a_hokkaido_postal_code_counts_when_the_prefecture_is_missing() {
    let (mut store, tariffs) = setup("postal-prefecture");
    let mut ids = madoguchi_store::new_id;
    let mut add = |store: &mut Store, number: &str, postal_code: &str| -> String {
        let account = madoguchi_store::AccountRecord {
            service: "plus-aqua".into(),
            customer_number: number.into(),
            status: "active".into(),
            plan: Some("basic".into()),
            servers: Some(1),
            first_delivery: Some("2025-10-15".into()),
            last_shipment: Some("2026-10-20".into()),
            ..Default::default()
        };
        let record = madoguchi_store::CustomerRecord {
            kind: "person".into(),
            name: "北野　一".into(),
            name_kana: "キタノ ハジメ".into(),
            prefecture: String::new(),
            postal_code: postal_code.into(),
            address: "1-1".into(),
            accounts: vec![account],
            ..Default::default()
        };
        store.write(|tx| madoguchi_store::customers::insert_customer(tx, &record, &mut ids, "test", "2026-11-01T09:00:00+09:00")).expect("inserted").0
    };
    let hokkaido = add(&mut store, "PA90000001", "0600001");
    let tokyo = add(&mut store, "PA90000002", "1000001");
    let unknown = add(&mut store, "PA90000003", "0000000");
    let given = fields(&[("scheduled_delivery", "2026-11-30"), ("next_delivery", "2027-01-15")]);
    let cases = [(&hokkaido, "2026-11-19T18:00:00+09:00"), (&tokyo, "2026-11-20T18:00:00+09:00")];
    for (customer, deadline) in cases {
        let r = as_json(requests::create(&mut store, "pause", customer, &given, by(&tariffs, "山本", "2026-11-18T10:00:00+09:00"))).expect("filed");
        assert_eq!(r["computed"]["request_deadline"], deadline);
    }
    let prefill = |customer: &str| madoguchi_api::quote::draft(&store, customer, "plus-aqua", "pause_deadline", &tariffs).expect("prefill").prefecture;
    assert_eq!(prefill(&hokkaido), "北海道");
    assert_eq!(prefill(&tokyo), "東京都");
    assert_eq!(prefill(&unknown), "", "neither given nor known: left as it is");
}

/// A request whose stored body is JSON but not an object (only another installation's bundle
/// could bring one) shows its service, fields and computed dates as null, whatever the body.
#[test]
fn a_request_body_that_is_not_an_object_shows_as_null() {
    let (mut store, _) = setup("odd-body");
    let kaunet = customer(&store, "KN00000001");
    for body in ["[]", "\"x\"", "42", "true", "null", "not json"] {
        let request = NewRequest { customer_id: &kaunet, account_id: None, request_type: "catalog_stop", status: "received", fields: body, due_on: None };
        let id = store.write(|tx| insert_request(tx, &request, "B", "2026-11-01T09:00:00+09:00", "受付")).expect("written");
        let shown = as_json(requests::show(&store, &id, at("2026-11-02T09:00:00+09:00"))).expect("shown");
        assert_eq!((shown["service"].clone(), shown["fields"].clone(), shown["computed"].clone()), (Value::Null, Value::Null, Value::Null), "{body}");
        assert_eq!(shown["status_label"], "受付", "{body}");
    }
}

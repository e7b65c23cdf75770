//! Property tests over every kind, with requests generated from the `--kinds` schema:
//! no quote panics on any valid date in 1970–2099; a total is always the sum of its lines;
//! a deadline is always a business day strictly before the delivery, at the cut-off.

mod common;
use chrono::{Datelike, NaiveDate, NaiveTime};
use common::as_json;
use madoguchi_api::quote::{kinds, quote};
use madoguchi_api::tariffs::Tariffs;
use madoguchi_domain::tariff::Service;
use madoguchi_domain::time::{self, Moment};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::sync::OnceLock;

fn tariffs() -> &'static Tariffs {
    static TARIFFS: OnceLock<Tariffs> = OnceLock::new();
    TARIFFS.get_or_init(|| Tariffs::embedded().expect("tariffs load"))
}

/// Every (service, kind, fields) of the schema the UI builds its forms from.
fn schema() -> Vec<(String, String, Vec<Value>)> {
    let kinds = serde_json::to_value(kinds(tariffs())).expect("json");
    let mut out = Vec::new();
    for service in kinds["services"].as_array().expect("services") {
        for kind in service["kinds"].as_array().expect("kinds") {
            out.push((
                service["id"].as_str().expect("id").to_string(),
                kind["kind"].as_str().expect("kind").to_string(),
                kind["fields"].as_array().expect("fields").clone(),
            ));
        }
    }
    out
}

fn day(offset: u32) -> NaiveDate {
    // 1970-01-01 + offset, offset < 47482 days keeps it within 2099-12-31.
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch") + chrono::Days::new(u64::from(offset % 47_482))
}

const LAST_DAY: u32 = 47_481;

/// A random value for a field, valid by its declared type.
fn value_for(field: &Value, seed: &[u32; 8], i: usize) -> Value {
    let r = seed[i % 8].wrapping_mul(2_654_435_761).wrapping_add(i as u32);
    match field["type"].as_str().expect("type") {
        "date" => json!(day(r % (LAST_DAY + 1)).to_string()),
        "date_or_null" if r.is_multiple_of(3) => Value::Null,
        "date_or_null" => json!(day(r % (LAST_DAY + 1)).to_string()),
        "moment" => json!(format!("{}T{:02}:{:02}:{:02}+09:00", day(r % (LAST_DAY + 1)), r % 24, (r / 24) % 60, (r / 7) % 60)),
        "month" => json!(format!("{:04}-{:02}", 1970 + r % 130, 1 + (r / 130) % 12)),
        "yen" => json!((r % 2_000_000).to_string()),
        "count" => json!(1 + r % 20),
        "bool" => json!(r.is_multiple_of(2)),
        "text" | "secret" => json!((0..(r % 25)).map(|k| char::from(b'!' + ((r >> (k % 16)) % 94) as u8)).collect::<String>()),
        "country" => json!(if r.is_multiple_of(4) { "US" } else { "JP" }),
        "choice" => {
            let choices = field["choices"].as_array().expect("choices");
            choices[r as usize % choices.len()]["value"].clone()
        }
        other => panic!("a field type the generator does not know: {other}"),
    }
}

fn request(service: &str, kind: &str, fields: &[Value], seed: &[u32; 8], as_of: &str, hokkaido: bool) -> Value {
    let mut object = Map::new();
    object.insert("service".into(), json!(service));
    object.insert("kind".into(), json!(kind));
    object.insert("as_of".into(), json!(as_of));
    if hokkaido {
        object.insert("prefecture".into(), json!("北海道"));
    }
    for (i, field) in fields.iter().enumerate() {
        if field["required"] == true || seed[i % 8].is_multiple_of(2) {
            object.insert(field["name"].as_str().expect("name").into(), value_for(field, seed, i));
        }
    }
    Value::Object(object)
}

fn yen(value: &Value) -> i128 {
    value.as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("yen string, not {value}"))
}

fn assert_total_is_sum(total: &Value, lines: &Value) {
    let sum: i128 = lines.as_array().expect("lines").iter().map(|l| yen(&l["amount"])).sum();
    assert_eq!(yen(total), sum, "total {total} vs lines {lines}");
    for line in lines.as_array().expect("lines") {
        let quantity = i128::from(u32::try_from(line["quantity"].as_u64().expect("quantity")).expect("u32"));
        assert_eq!(yen(&line["amount"]), yen(&line["unit"]) * quantity, "amount = unit × quantity in {line}");
    }
}

fn now() -> Moment {
    time::japan_moment(NaiveDate::from_ymd_opt(2026, 11, 21).expect("date"), NaiveTime::from_hms_opt(11, 0, 0).expect("time")).expect("moment")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Any valid request either answers or is refused with a field error; answers add up.
    #[test]
    fn no_quote_panics_and_totals_are_sums(kind_index in 0usize..64, seed in any::<[u32; 8]>(),
                                           as_of_day in 0u32..=LAST_DAY, secs in 0u32..86_400, hokkaido in any::<bool>()) {
        let schema = schema();
        let (service, kind, fields) = &schema[kind_index % schema.len()];
        let as_of = format!("{}T{:02}:{:02}:{:02}+09:00", day(as_of_day), secs / 3600, secs / 60 % 60, secs % 60);
        let request = request(service, kind, fields, &seed, &as_of, hokkaido);
        match as_json(quote(&request, now(), tariffs())) {
            Ok(answer) => {
                assert_total_is_sum(&answer["total"], &answer["lines"]);
                if let Some(bills) = answer.get("bills") {
                    for bill in bills.as_array().expect("bills") {
                        assert_total_is_sum(&bill["total"], &bill["lines"]);
                    }
                }
            }
            Err(error) => {
                let known = error.field == "as_of" || error.field == "kind"
                    || fields.iter().any(|f| f["name"] == error.field.as_str());
                prop_assert!(known, "the error names a field of the request: {error}");
            }
        }
    }

    /// Every lead-time deadline is the cut-off of a business day strictly before the delivery,
    /// with exactly N−1 business days between (N = 5, Hokkaido 6).
    #[test]
    fn deadlines_are_business_days_before_the_delivery(delivery_day in 0u32..=LAST_DAY, hokkaido in any::<bool>(),
                                                       which in 0usize..5) {
        let delivery = day(delivery_day);
        prop_assume!(delivery.year() >= 1971);
        let (service, kind, date_field, key, extra) = [
            ("alwater", "pause_deadline", "scheduled_delivery", "request_deadline", json!({})),
            ("plus-aqua", "pause_deadline", "scheduled_delivery", "request_deadline", json!({})),
            ("alwater", "exchange", "first_delivery", "free_deadline", json!({"model": "cado", "received": null})),
            ("plus-aqua", "pre_start_cancellation", "first_delivery", "free_deadline", json!({"plan": "basic", "servers": 1})),
            ("plus-aqua", "product_change", "scheduled_delivery", "free_deadline", json!({"model": "slim3-long", "servers": 2})),
        ][which].clone();
        let mut request = extra;
        request["service"] = json!(service);
        request["kind"] = json!(kind);
        request["as_of"] = json!("2026-11-21T11:00:00+09:00");
        request[date_field] = json!(delivery.to_string());
        if hokkaido {
            request["prefecture"] = json!("北海道");
        }
        let answer = as_json(quote(&request, now(), tariffs())).expect("answers");
        let deadline = chrono::DateTime::parse_from_rfc3339(answer["dates"][key].as_str().expect("a moment")).expect("RFC 3339");
        let calendar = &tariffs().get(Service::from_id(service).expect("service")).expect("tariff").calendar;
        let deadline_day = time::japan_date(deadline);
        prop_assert_eq!(time::japan_time(deadline), NaiveTime::from_hms_opt(18, 0, 0).expect("18:00"));
        prop_assert_eq!(deadline.offset().local_minus_utc(), 9 * 3600);
        prop_assert!(calendar.is_business_day(deadline_day));
        prop_assert!(deadline_day < delivery);
        let lead = if hokkaido { 6 } else { 5 };
        prop_assert_eq!(calendar.business_days_between(deadline_day, delivery), lead - 1);
    }
}

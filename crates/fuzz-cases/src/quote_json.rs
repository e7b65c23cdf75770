//! Target `quote_json`: the quote engine (`madoguchi quote`, `madoguchi_api::quote::quote_json`)
//! with any text as the request.
//!
//! Input: the request's text (bytes that are not UTF-8 are skipped: the CLI and the app read
//! text).
//!
//! Properties: the engine answers or refuses on one line (`field: reason`, no control char or
//! line separator, whatever the request quotes) with one field that is the request itself, a key
//! every request may carry, a key the request has or a field its kind declares, with a reason
//! that is not an internal error; never panics; answering twice gives the same answer or the
//! same refusal. An answer echoes the service and kind, gives its total as the sum of its
//! lines (and each bill's as the sum of its own), and can be summarized as a call note.

use madoguchi_api::quote::{kind_fields, quote_json as answer, summary};
use serde_json::Value;

use crate::fixtures::{now, tariffs};

/// Keys any request may name in a refusal besides its own: the whole request and the keys
/// every request carries.
const COMMON: [&str; 5] = ["request", "service", "kind", "as_of", "prefecture"];

/// Whole yen from an answer's string, as an exact integer (18 digits fit).
fn yen(value: &Value, what: &str) -> i128 {
    let text = value.as_str().unwrap_or_else(|| panic!("{what} is not a string: {value}"));
    text.parse().unwrap_or_else(|e| panic!("{what} '{text}' is not whole yen: {e}"))
}

fn assert_total_is_sum(total: &Value, lines: &Value, what: &str) {
    let lines = lines.as_array().unwrap_or_else(|| panic!("{what}: lines is not a list"));
    let sum: i128 = lines.iter().enumerate().map(|(i, line)| yen(&line["amount"], &format!("{what}: lines[{i}].amount"))).sum();
    assert_eq!(yen(total, &format!("{what}: total")), sum, "{what}: the total is not the sum of the lines");
}

pub fn quote_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The answer as the contract's JSON, as `madoguchi quote` prints it.
    let json = |answer: Result<_, _>| answer.map(|a| serde_json::to_value(a).expect("an answer is JSON"));
    let first = json(answer(text, now(), tariffs()));
    let second = json(answer(text, now(), tariffs()));
    assert_eq!(first, second, "answering the same request twice differed");
    let request: Option<Value> = serde_json::from_str(text).ok();
    match first {
        Err(e) => {
            assert!(!e.field.trim().is_empty() && !e.reason.trim().is_empty(), "a refusal without field or reason: {e:?}");
            let shown = e.to_string();
            assert!(!shown.chars().any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')), "a refusal is not one line: {shown:?}");
            // The reason may quote the request, so only its start tells an internal error.
            assert!(!e.reason.starts_with("internal error"), "an internal error reached the user: {e}");
            let object = request.as_ref().and_then(Value::as_object);
            let own_key = object.is_some_and(|o| o.contains_key(&e.field));
            let declared = object
                .and_then(|o| Some((o.get("service")?.as_str()?, o.get("kind")?.as_str()?)))
                .and_then(|(service, kind)| kind_fields(service, kind, tariffs()).ok())
                .is_some_and(|fields| fields.iter().any(|f| f.name == e.field));
            assert!(
                COMMON.contains(&e.field.as_str()) || own_key || declared,
                "a refusal names '{}', which is neither the request, a common key, one of its keys nor a field of its kind: {e}",
                e.field
            );
        }
        Ok(answered) => {
            let request = request.unwrap_or_else(|| panic!("an answer to text that is not JSON: {text:?}"));
            for key in ["service", "kind"] {
                assert_eq!(answered.get(key), request.get(key), "the answer's {key} is not the request's");
            }
            assert_total_is_sum(&answered["total"], &answered["lines"], "the answer");
            if let Some(bills) = answered.get("bills").and_then(Value::as_array) {
                for (i, bill) in bills.iter().enumerate() {
                    assert_total_is_sum(&bill["total"], &bill["lines"], &format!("bills[{i}]"));
                }
            }
            let note = summary(&request, &answered, tariffs()).unwrap_or_else(|e| panic!("the answer cannot be summarized: {e}"));
            assert!(!note.trim().is_empty(), "an empty summary");
        }
    }
}

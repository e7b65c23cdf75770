//! The answer JSON of the quote contract: yen as strings, dates `YYYY-MM-DD`, moments RFC 3339 in +09:00.

use chrono::SecondsFormat;
use madoguchi_domain::quote::{Bill, Extra, Line, Quote, When};
use madoguchi_domain::tariff::{Service, Tariff};
use madoguchi_domain::time::{self, Moment};
use serde_json::{Map, Value, json};

pub fn to_json(service: Service, kind: &str, as_of: Moment, tariff: &Tariff, quote: &Quote) -> Value {
    let mut answer = Map::new();
    answer.insert("service".into(), json!(service.id()));
    answer.insert("kind".into(), json!(kind));
    answer.insert("as_of".into(), json!(moment(as_of)));
    answer.insert("total".into(), json!(quote.total().to_string()));
    answer.insert("lines".into(), lines(&quote.lines));
    answer.insert("dates".into(), Value::Object(quote.dates.iter().map(|(k, w)| (k.to_string(), when(*w))).collect()));
    answer.insert("flags".into(), Value::Object(quote.flags.iter().map(|(k, f)| (k.to_string(), json!(f))).collect()));
    for (key, extra) in &quote.extras {
        answer.insert(key.to_string(), extra_json(extra));
    }
    answer.insert("notes".into(), json!(quote.notes));
    answer.insert("tariff".into(), tariff_json(tariff));
    Value::Object(answer)
}

pub fn tariff_json(tariff: &Tariff) -> Value {
    json!({
        "id": tariff.service.id(),
        "version": tariff.version,
        "effective_from": tariff.effective_from.to_string(),
        "sample_prices": tariff.sample_prices,
    })
}

fn moment(m: Moment) -> String {
    time::in_japan(m).to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

fn when(w: When) -> Value {
    match w {
        When::Date(d) => json!(d.to_string()),
        When::Moment(m) => json!(moment(m)),
        When::Month(m) => json!(m.to_string()),
    }
}

fn lines(lines: &[Line]) -> Value {
    Value::Array(lines.iter().map(line).collect())
}

fn line(l: &Line) -> Value {
    let mut object = Map::new();
    object.insert("code".into(), json!(l.code));
    object.insert("label".into(), json!(l.label));
    object.insert("quantity".into(), json!(l.quantity));
    object.insert("unit".into(), json!(l.unit.to_string()));
    object.insert("amount".into(), json!(l.amount.to_string()));
    object.insert("tax".into(), json!(l.tax.code()));
    if let Some(due) = l.due {
        object.insert("due".into(), json!(due.to_string()));
    }
    if let Some((from, to)) = l.period {
        object.insert("from".into(), json!(from.to_string()));
        object.insert("to".into(), json!(to.to_string()));
    }
    Value::Object(object)
}

fn bill(b: &Bill) -> Value {
    json!({"month": b.month.to_string(), "posted": b.posted.to_string(), "lines": lines(&b.lines), "total": b.total().to_string()})
}

fn extra_json(extra: &Extra) -> Value {
    match extra {
        Extra::Integer(n) => json!(n),
        Extra::Yen(y) => json!(y.to_string()),
        Extra::Month(m) => json!(m.to_string()),
        Extra::Codes(codes) => json!(codes),
        Extra::Months(months) => json!(months.iter().map(ToString::to_string).collect::<Vec<_>>()),
        Extra::Bills(bills) => Value::Array(bills.iter().map(bill).collect()),
    }
}

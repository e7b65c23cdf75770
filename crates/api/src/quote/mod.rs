//! `quote`: one JSON request in, one JSON answer out (spec: quote-api.md). The CLI and the
//! desktop shell both call these functions.

mod answer;
mod kinds;
mod request;

use madoguchi_domain::prefecture::Prefecture;
use madoguchi_domain::quote::{Context, QuoteError};
use madoguchi_domain::tariff::Service;
use madoguchi_domain::time::{self, Moment};
use serde_json::{Map, Value, json};

pub use request::{Field, FieldType, parse_date, parse_moment, parse_month};

use crate::tariffs::Tariffs;

/// Keys every request may carry besides its kind's fields.
const COMMON_KEYS: [&str; 4] = ["service", "kind", "as_of", "prefecture"];

/// A request that cannot be answered: printed as one line, `field: reason`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct RequestError {
    pub field: String,
    pub reason: String,
}

impl RequestError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        RequestError { field: field.into(), reason: reason.into() }
    }
}

impl From<QuoteError> for RequestError {
    fn from(e: QuoteError) -> Self {
        RequestError::new(e.field, e.reason)
    }
}

/// Answers a request given as JSON text.
pub fn quote_json(text: &str, now: Moment, tariffs: &Tariffs) -> Result<Value, RequestError> {
    let request: Value = serde_json::from_str(text).map_err(|e| RequestError::new("request", format!("not valid JSON ({e})")))?;
    quote(&request, now, tariffs)
}

/// Answers one request. `now` is the default `as_of`; nothing else reads the clock.
pub fn quote(request: &Value, now: Moment, tariffs: &Tariffs) -> Result<Value, RequestError> {
    let request = request.as_object().ok_or_else(|| RequestError::new("request", "must be a JSON object"))?;
    let service_id = required_str(request, "service")?;
    let service = Service::from_id(service_id).ok_or_else(|| {
        let known: Vec<&str> = Service::ALL.iter().map(|s| s.id()).collect();
        RequestError::new("service", format!("unknown service '{service_id}' (known: {})", known.join(", ")))
    })?;
    let kind = required_str(request, "kind")?;
    let def = kinds::find(service, kind).ok_or_else(|| unknown_kind(service, kind))?;
    let tariff = tariffs.get(service).ok_or_else(|| RequestError::new("service", "no tariff loaded"))?;

    let as_of = match request.get("as_of") {
        None => time::in_japan(now),
        Some(value) => {
            let text = value.as_str().ok_or_else(|| RequestError::new("as_of", "must be a string"))?;
            request::parse_moment(text).map_err(|reason| RequestError::new("as_of", reason))?
        }
    };
    if time::japan_date(as_of) < tariff.effective_from {
        return Err(RequestError::new(
            "as_of",
            format!("{} is before the {} tariff's first day {}", time::japan_date(as_of), service.id(), tariff.effective_from),
        ));
    }
    let prefecture = match request.get("prefecture") {
        None => Prefecture::TOKYO,
        Some(value) => {
            let name = value.as_str().ok_or_else(|| RequestError::new("prefecture", "must be a string"))?;
            Prefecture::from_name(name).ok_or_else(|| RequestError::new("prefecture", format!("'{name}' is not a prefecture (e.g. 北海道, 東京都)")))?
        }
    };

    let fields = (def.fields)(tariff);
    let args = request::Args::parse(request, &fields, &COMMON_KEYS, &format!("{} {}", service.id(), kind))?;
    let ctx = Context { as_of, prefecture, tariff };
    let answer = (def.run)(&ctx, &args)?;
    Ok(answer::to_json(service, kind, as_of, tariff, &answer))
}

fn required_str<'a>(request: &'a Map<String, Value>, key: &'static str) -> Result<&'a str, RequestError> {
    match request.get(key) {
        None => Err(RequestError::new(key, "missing")),
        Some(value) => value.as_str().ok_or_else(|| RequestError::new(key, "must be a string")),
    }
}

/// A kind other services have is a rule this service's seed does not give; anything else is unknown.
fn unknown_kind(service: Service, kind: &str) -> RequestError {
    if kinds::KINDS.iter().any(|k| k.kind == kind) {
        return RequestError::new(
            "kind",
            format!("the {} terms (seed {}) give no rule for '{kind}'", service.id(), service.seed()),
        );
    }
    let own: Vec<&str> = kinds::KINDS.iter().filter(|k| k.service == service).map(|k| k.kind).collect();
    RequestError::new("kind", format!("unknown kind '{kind}' (for {}: {})", service.id(), own.join(", ")))
}

/// Every service and kind with its fields, for `madoguchi quote --kinds` and the app's forms.
pub fn kinds(tariffs: &Tariffs) -> Value {
    let common = vec![
        field_json(&Field::optional("as_of", FieldType::Moment, "受付日時", "now")),
        field_json(&Field::optional(
            "prefecture",
            FieldType::Choice(Prefecture::all().map(|p| p.name().to_string()).collect()),
            "都道府県",
            Prefecture::TOKYO.name(),
        )),
    ];
    let services: Vec<Value> = Service::ALL
        .iter()
        .filter_map(|service| {
            let tariff = tariffs.get(*service)?;
            let kinds: Vec<Value> = kinds::KINDS
                .iter()
                .filter(|k| k.service == *service)
                .map(|k| json!({"kind": k.kind, "label": k.label, "fields": (k.fields)(tariff).iter().map(field_json).collect::<Vec<_>>()}))
                .collect();
            Some(json!({
                "id": service.id(),
                "name": tariff.name,
                "seed": service.seed(),
                "tariff": answer::tariff_json(tariff),
                "kinds": kinds,
            }))
        })
        .collect();
    json!({"common_fields": common, "services": services})
}

fn field_json(field: &Field) -> Value {
    let mut object = Map::new();
    object.insert("name".into(), json!(field.name));
    object.insert("type".into(), json!(field.ty.name()));
    object.insert("required".into(), json!(field.required));
    if let Some(default) = &field.default {
        object.insert("default".into(), json!(default));
    }
    match &field.ty {
        FieldType::Choice(values) => {
            object.insert("values".into(), json!(values));
        }
        FieldType::Date | FieldType::NullableDate | FieldType::Moment | FieldType::Month | FieldType::BirthDate => {
            let first = if field.ty == FieldType::BirthDate { request::FIRST_BIRTH_YEAR } else { request::FIRST_YEAR };
            object.insert("earliest".into(), json!(format!("{first:04}-01-01")));
            object.insert("latest".into(), json!(format!("{:04}-12-31", request::LAST_YEAR)));
        }
        _ => {}
    }
    object.insert("label".into(), json!(field.label));
    Value::Object(object)
}

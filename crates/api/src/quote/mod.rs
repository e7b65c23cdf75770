//! `quote`: one JSON request in, one JSON answer out (spec: quote-api.md). The CLI and the
//! desktop shell both call these functions.

mod answer;
mod draft;
mod kinds;
mod request;

use madoguchi_domain::money::Yen;
use madoguchi_domain::prefecture::Prefecture;
use madoguchi_domain::quote::{Context, QuoteError};
use madoguchi_domain::tariff::{Service, Tariff};
use madoguchi_domain::time::{self, Moment};
use serde_json::{Map, Value};

pub use draft::draft;
pub use request::{Field, FieldType, parse_date, parse_moment, parse_month};

use crate::tariffs::Tariffs;
use crate::wire::{self, FieldInfo, KindInfo, Kinds, QuoteAnswer, ServiceKinds};

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
    /// The refusal of `field`; what either quotes from the request stays on one line.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        RequestError { field: one_line(field.into()), reason: one_line(reason.into()) }
    }
}

/// A char that would break the one line of a refusal (or steer a terminal): control chars
/// and the Unicode line and paragraph separators.
pub(crate) fn breaks_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `text` with every char that `breaks_line` escaped as Rust writes it (`\n`, `\u{2028}`):
/// refusals quote values from the request, which may hold any of them.
fn one_line(text: String) -> String {
    if !text.chars().any(breaks_line) {
        return text;
    }
    text.chars().map(|c| if breaks_line(c) { c.escape_debug().to_string() } else { c.to_string() }).collect()
}

impl From<QuoteError> for RequestError {
    fn from(e: QuoteError) -> Self {
        RequestError::new(e.field, e.reason)
    }
}

/// Answers a request given as JSON text.
pub fn quote_json(text: &str, now: Moment, tariffs: &Tariffs) -> Result<QuoteAnswer, RequestError> {
    let request: Value = serde_json::from_str(text).map_err(|e| RequestError::new("request", format!("not valid JSON ({e})")))?;
    quote(&request, now, tariffs)
}

/// Answers one request. `now` is the default `as_of`; nothing else reads the clock.
pub fn quote(request: &Value, now: Moment, tariffs: &Tariffs) -> Result<QuoteAnswer, RequestError> {
    let request = request.as_object().ok_or_else(|| RequestError::new("request", "must be a JSON object"))?;
    let (service, def, tariff) = kind_def(required_str(request, "service")?, required_str(request, "kind")?, tariffs)?;
    let kind = def.kind;

    let as_of = match request.get("as_of") {
        None => time::in_japan(now),
        Some(value) => {
            let text = value.as_str().ok_or_else(|| RequestError::new("as_of", "must be a string"))?;
            request::parse_moment(text).map_err(|reason| RequestError::new("as_of", reason))?
        }
    };
    check_effective(service, tariff, as_of)?;
    let prefecture = match request.get("prefecture") {
        None => Prefecture::TOKYO,
        Some(value) => prefecture(value.as_str().ok_or_else(|| RequestError::new("prefecture", "must be a string"))?)?,
    };

    let fields = (def.fields)(tariff);
    let args = request::Args::parse(request, &fields, &COMMON_KEYS, &format!("{} {}", service.id(), kind))?;
    let ctx = Context { as_of, prefecture, tariff };
    let answer = (def.run)(&ctx, &args)?;
    Ok(answer::answer(service, kind, as_of, tariff, &answer))
}

/// A tariff answers from its first day on.
fn check_effective(service: Service, tariff: &Tariff, as_of: Moment) -> Result<(), RequestError> {
    if time::japan_date(as_of) < tariff.effective_from {
        return Err(RequestError::new(
            "as_of",
            format!("{} is before the {} tariff's first day {}", time::japan_date(as_of), service.id(), tariff.effective_from),
        ));
    }
    Ok(())
}

/// The prefecture `name` names, refused on `prefecture` as a request's is.
pub fn prefecture(name: &str) -> Result<Prefecture, RequestError> {
    Prefecture::from_name(name).ok_or_else(|| RequestError::new("prefecture", format!("'{name}' is not a prefecture (e.g. 北海道, 東京都)")))
}

/// The context the domain's quote functions take, for code that calls them directly (the
/// requests): `service`'s tariff as of `as_of` (refused before its first day), for a customer
/// in the prefecture named (none: 東京都), checked in the order a request to `quote` is.
pub fn context<'t>(service: Service, as_of: Moment, prefecture_name: Option<&str>, tariffs: &'t Tariffs) -> Result<Context<'t>, RequestError> {
    let tariff = tariffs.get(service).ok_or_else(|| RequestError::new("service", "no tariff loaded"))?;
    let as_of = time::in_japan(as_of);
    check_effective(service, tariff, as_of)?;
    let prefecture = prefecture_name.map_or(Ok(Prefecture::TOKYO), prefecture)?;
    Ok(Context { as_of, prefecture, tariff })
}

/// The answer of `kind` the domain gave, in the shape `quote` answers (docs/quote-api.md).
pub fn answer_of(service: Service, kind: &'static str, ctx: &Context, quote: &madoguchi_domain::quote::Quote) -> QuoteAnswer {
    answer::answer(service, kind, ctx.as_of, ctx.tariff, quote)
}

/// Checks `value` against the choice `kind` of `service` declares for `field` (a tariff's
/// plans or models), refused as a request to `quote` is; a field without a choice passes.
pub fn check_choice(service: Service, kind: &str, field: &str, value: &str, tariffs: &Tariffs) -> Result<(), RequestError> {
    let (_, def, tariff) = kind_def(service.id(), kind, tariffs)?;
    match (def.fields)(tariff).into_iter().find(|f| f.name == field).map(|f| f.ty) {
        Some(FieldType::Choice(choices)) if !choices.iter().any(|(v, _)| v == value) => {
            Err(RequestError::new(field, format!("'{value}' is not one of {}", request::choice_values(&choices))))
        }
        _ => Ok(()),
    }
}

/// The service, kind and tariff a request names; errors name `service` or `kind`.
fn kind_def<'t>(service_id: &str, kind: &str, tariffs: &'t Tariffs) -> Result<(Service, &'static kinds::KindDef, &'t Tariff), RequestError> {
    let service = Service::from_id(service_id).ok_or_else(|| {
        let known: Vec<&str> = Service::ALL.iter().map(|s| s.id()).collect();
        RequestError::new("service", format!("unknown service '{service_id}' (known: {})", known.join(", ")))
    })?;
    let def = kinds::find(service, kind).ok_or_else(|| unknown_kind(service, kind))?;
    let tariff = tariffs.get(service).ok_or_else(|| RequestError::new("service", "no tariff loaded"))?;
    Ok((service, def, tariff))
}

/// The fields of one service's kind (what `--kinds` lists for it).
pub fn kind_fields(service: &str, kind: &str, tariffs: &Tariffs) -> Result<Vec<Field>, RequestError> {
    let (_, def, tariff) = kind_def(service, kind, tariffs)?;
    Ok((def.fields)(tariff))
}

/// A call note that records a quote given to the customer: service and kind by name, the
/// moment it was as of, what was asked, the total, and every date of the answer. The answer
/// is the JSON of `quote` for `request` (what the agent read out).
pub fn summary(request: &Value, answer: &Value, tariffs: &Tariffs) -> Result<String, RequestError> {
    for key in ["service", "kind"] {
        if request.get(key) != answer.get(key) {
            return Err(RequestError::new(format!("answer.{key}"), format!("is not the request's {key}")));
        }
    }
    let field = |key: &str| answer.get(key).and_then(Value::as_str).ok_or_else(|| RequestError::new(format!("answer.{key}"), "missing"));
    let (_, def, tariff) = kind_def(field("service")?, field("kind")?, tariffs).map_err(|e| RequestError::new(format!("answer.{}", e.field), e.reason))?;
    // The total is the engine's own, which may pass the 18 digits of an input (fuzz/artifacts/quote_json).
    let total = Yen::parse_computed(field("total")?).map_err(|e| RequestError::new("answer.total", e.to_string()))?;
    let mut lines = vec![format!("【見積】{} {}（{} 時点）", tariff.name, def.label, field("as_of")?), format!("合計 {}円（税込）", total.grouped())];
    // A secret (a password to check) is left out: only that one was given, never what it was.
    let fields = (def.fields)(tariff);
    let secret = |key: &str| fields.iter().any(|f| f.name == key && f.ty == FieldType::Secret);
    let asked: Vec<String> = request
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| !COMMON_KEYS.contains(&k.as_str()))
        .map(|(k, v)| {
            if secret(k) {
                format!("{k} （秘密のため記録しません）")
            } else {
                format!("{k} {}", v.as_str().map_or_else(|| v.to_string(), str::to_string))
            }
        })
        .collect();
    if !asked.is_empty() {
        lines.push(format!("条件: {}", asked.join("、")));
    }
    if let Some(dates) = answer.get("dates").and_then(Value::as_object).filter(|d| !d.is_empty()) {
        let dates: Vec<String> = dates.iter().map(|(k, v)| format!("{k} {}", v.as_str().unwrap_or("—"))).collect();
        lines.push(format!("日付: {}", dates.join("、")));
    }
    Ok(lines.join("\n"))
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
        return RequestError::new("kind", format!("the {} terms (seed {}) give no rule for '{kind}'", service.id(), service.seed()));
    }
    let own: Vec<&str> = kinds::KINDS.iter().filter(|k| k.service == service).map(|k| k.kind).collect();
    RequestError::new("kind", format!("unknown kind '{kind}' (for {}: {})", service.id(), own.join(", ")))
}

/// Every service and kind with its fields, for `madoguchi quote --kinds` and the app's forms.
pub fn kinds(tariffs: &Tariffs) -> Kinds {
    let common = vec![
        field_info(&Field::optional("as_of", FieldType::Moment, "受付日時", "now")),
        field_info(&Field::optional(
            "prefecture",
            FieldType::Choice(Prefecture::all().map(|p| (p.name().to_string(), p.name().to_string())).collect()),
            "都道府県",
            Prefecture::TOKYO.name(),
        )),
    ];
    let services = Service::ALL
        .iter()
        .filter_map(|service| {
            let tariff = tariffs.get(*service)?;
            let kinds = kinds::KINDS
                .iter()
                .filter(|k| k.service == *service)
                .map(|k| KindInfo { kind: k.kind, label: k.label, fields: (k.fields)(tariff).iter().map(field_info).collect() })
                .collect();
            Some(ServiceKinds { id: service.id(), name: tariff.name.clone(), seed: service.seed(), tariff: answer::tariff_info(tariff), kinds })
        })
        .collect();
    Kinds { common_fields: common, services }
}

fn field_info(field: &Field) -> FieldInfo {
    let (earliest, latest) = match &field.ty {
        FieldType::Date | FieldType::NullableDate | FieldType::Moment | FieldType::Month | FieldType::BirthDate => {
            let first = if field.ty == FieldType::BirthDate { request::FIRST_BIRTH_YEAR } else { request::FIRST_YEAR };
            (Some(format!("{first:04}-01-01")), Some(format!("{:04}-12-31", request::LAST_YEAR)))
        }
        _ => (None, None),
    };
    FieldInfo {
        name: field.name,
        ty: field.ty.name(),
        required: field.required,
        default: field.default.clone(),
        choices: match &field.ty {
            FieldType::Choice(choices) => Some(choices.iter().map(|(value, label)| wire::Choice { value: value.clone(), label: label.clone() }).collect()),
            _ => None,
        },
        earliest,
        latest,
        label: field.label,
    }
}

//! Help-desk requests: filing one (its fields checked, its dates computed by the domain's quote
//! rules, called with the checked fields),
//! moving it through its state machine (each move a history row), and listing open and
//! overdue ones by due date. Overdue: not final, and due before the as-of date.

use std::collections::HashMap;

use chrono::{NaiveDate, Timelike};
use madoguchi_domain::calendar::YearMonth;
use madoguchi_domain::money::Yen;
use madoguchi_domain::postal;
use madoguchi_domain::quote::{Context as QuoteContext, Quote, QuoteError, allwatch, alwater, kaunet, pause, plus_aqua};
use madoguchi_domain::request::{FaxReturn, FieldKind, MoveFacts, RequestKind, Status};
use madoguchi_domain::tariff::Service;
use madoguchi_domain::text::caps;
use madoguchi_domain::time::{self, Moment};
use madoguchi_store::Store;
use madoguchi_store::requests::{NewRequest, RequestMove, RequestRecord, insert_request, move_request};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::customers::{free_text, stamp};
use crate::quote::{self, RequestError, parse_date, parse_month};
use crate::tariffs::Tariffs;
use crate::wire;
use crate::{ApiError, Context};

fn invalid(field: &str, reason: impl Into<String>) -> ApiError {
    ApiError::invalid(field, reason)
}

fn request_kind(id: &str) -> Result<RequestKind, ApiError> {
    RequestKind::from_id(id).ok_or_else(|| {
        let known: Vec<&str> = RequestKind::ALL.iter().map(|k| k.id()).collect();
        invalid("type", format!("unknown request type '{id}' (known: {})", known.join(", ")))
    })
}

/// Every request type: its services, fields (with their kinds and choices), statuses with
/// labels, transitions, and the warning said when one is filed. The app builds its forms from it.
pub fn types() -> Vec<wire::RequestTypeInfo> {
    let kind = |k: FieldKind| match k {
        FieldKind::Date => ("date", None),
        FieldKind::Month => ("month", None),
        FieldKind::Count => ("count", None),
        FieldKind::Yen => ("yen", None),
        FieldKind::Text => ("text", None),
        FieldKind::Choice(choices) => {
            ("choice", Some(choices.iter().map(|&(value, label)| wire::Choice { value: value.into(), label: label.into() }).collect()))
        }
    };
    RequestKind::ALL
        .into_iter()
        .map(|k| wire::RequestTypeInfo {
            request_type: k.id(),
            label: k.label(),
            services: k.services().iter().map(|s| s.id()).collect(),
            fields: k
                .fields()
                .iter()
                .map(|f| {
                    let (name, choices) = kind(f.kind);
                    wire::RequestField { name: f.name, kind: name, required: f.required, label: f.label, choices }
                })
                .collect(),
            initial: k.machine().initial().id(),
            statuses: k.machine().statuses.iter().map(|s| wire::StatusInfo { status: s.status.id(), label: s.label, last: s.last }).collect(),
            transitions: k.machine().transitions.iter().map(|&(from, to)| wire::Transition { from: from.id(), to: to.id() }).collect(),
            warning: k.warning(),
        })
        .collect()
}

/// A request's fields as checked: the JSON stored with the request (values in their text
/// form), and the typed values the rules read.
struct Checked {
    json: Map<String, Value>,
    values: HashMap<&'static str, Typed>,
}

/// A checked field's value.
enum Typed {
    Date(NaiveDate),
    Month(YearMonth),
    Count(u32),
    Yen(Yen),
    Text(String),
}

impl Checked {
    fn date(&self, key: &str) -> Option<NaiveDate> {
        match self.values.get(key) {
            Some(Typed::Date(d)) => Some(*d),
            _ => None,
        }
    }

    fn month(&self, key: &str) -> Option<YearMonth> {
        match self.values.get(key) {
            Some(Typed::Month(m)) => Some(*m),
            _ => None,
        }
    }

    fn count(&self, key: &str) -> Option<u32> {
        match self.values.get(key) {
            Some(Typed::Count(n)) => Some(*n),
            _ => None,
        }
    }

    fn yen(&self, key: &str) -> Option<Yen> {
        match self.values.get(key) {
            Some(Typed::Yen(y)) => Some(*y),
            _ => None,
        }
    }

    fn text(&self, key: &str) -> Option<String> {
        match self.values.get(key) {
            Some(Typed::Text(t)) => Some(t.clone()),
            _ => None,
        }
    }
}

/// Checks `key=value` fields against the type. Every value is a `FreeText` first (at most 200
/// characters, no card number), whatever its kind.
fn check_fields(kind: RequestKind, given: &[(String, String)]) -> Result<Checked, ApiError> {
    let mut checked = Checked { json: Map::new(), values: HashMap::new() };
    for (key, value) in given {
        let def = kind.fields().iter().find(|f| f.name == key).ok_or_else(|| {
            let known: Vec<&str> = kind.fields().iter().map(|f| f.name).collect();
            invalid(key, format!("is not a field of a {} request (fields: {})", kind.id(), if known.is_empty() { "none".into() } else { known.join(", ") }))
        })?;
        let value = value.trim();
        free_text(key, value, caps::LINE)?;
        let (json, typed) = match def.kind {
            FieldKind::Date => {
                let date = parse_date(value).map_err(|r| invalid(key, r))?;
                (Value::from(date.to_string()), Typed::Date(date))
            }
            FieldKind::Month => {
                let month = parse_month(value).map_err(|r| invalid(key, r))?;
                (Value::from(month.to_string()), Typed::Month(month))
            }
            FieldKind::Count => {
                let n = value.parse::<u32>().ok().filter(|n| (1..=10_000).contains(n)).ok_or_else(|| invalid(key, "must be a whole number from 1 to 10000"))?;
                (Value::from(n), Typed::Count(n))
            }
            FieldKind::Yen => {
                let yen = Yen::parse(value).ok().filter(|y| !y.is_negative()).ok_or_else(|| invalid(key, "must be whole yen, e.g. 3300"))?;
                (Value::from(yen.to_string()), Typed::Yen(yen))
            }
            FieldKind::Choice(choices) => {
                if !choices.iter().any(|(v, _)| *v == value) {
                    let values: Vec<&str> = choices.iter().map(|(v, _)| *v).collect();
                    return Err(invalid(key, format!("'{value}' is not one of {}", values.join(", "))));
                }
                (Value::from(value), Typed::Text(value.to_string()))
            }
            FieldKind::Text => {
                if value.is_empty() {
                    return Err(invalid(key, format!("must be 1–{} characters", caps::LINE)));
                }
                (Value::from(value), Typed::Text(value.to_string()))
            }
        };
        if checked.json.insert(key.clone(), json).is_some() {
            return Err(invalid(key, "given twice"));
        }
        checked.values.insert(def.name, typed);
    }
    if let Some(missing) = kind.fields().iter().find(|f| f.required && !checked.json.contains_key(f.name)) {
        return Err(invalid(missing.name, format!("missing ({})", missing.label)));
    }
    Ok(checked)
}

/// A quote refused by its rules, naming the field as `quote` names it.
fn refused(e: QuoteError) -> ApiError {
    RequestError::from(e).into()
}

/// The results of an answer named by `keys` (a date, else a flag, else the total or one of
/// the kind's own results), as stored.
fn results(answer: &wire::QuoteAnswer, keys: &[&str]) -> Vec<(String, Value)> {
    keys.iter()
        .filter_map(|key| {
            let value = match *key {
                _ if answer.dates.contains_key(*key) => Value::from(answer.dates[*key].clone()),
                _ if answer.flags.contains_key(*key) => Value::from(answer.flags[*key]),
                "total" => Value::from(answer.total.clone()),
                _ => serde_json::to_value(answer.extras.get(*key)?).ok()?,
            };
            Some((key.to_string(), value))
        })
        .collect()
}

/// What a request row keeps of its filing (`requests.fields`): the service, the checked fields,
/// and what the rules computed.
#[derive(Serialize)]
struct Body<'a> {
    service: &'a str,
    fields: &'a Map<String, Value>,
    computed: &'a Map<String, Value>,
}

/// A field a rule needs: refused, naming it, when the request has none.
fn need<T>(value: Option<T>, key: &str, why: &str) -> Result<T, ApiError> {
    value.ok_or_else(|| invalid(key, format!("missing: {why}")))
}

/// The moment the rules are asked as of: `now` in Japan time, to the second (as stored).
fn as_of(now: Moment) -> Moment {
    let now = time::in_japan(now);
    now.with_nanosecond(0).unwrap_or(now)
}

/// The dates and money the rules give for this request, as of its filing: the domain's quote
/// functions called with the checked fields, their answers read as `quote` gives them.
fn compute(kind: RequestKind, service: Service, fields: &Checked, prefecture: &str, tariffs: &Tariffs, now: Moment) -> Result<Map<String, Value>, ApiError> {
    let ctx = || -> Result<QuoteContext, ApiError> { Ok(quote::context(service, as_of(now), Some(prefecture), tariffs)?) };
    let mut computed = Map::new();
    let mut take = |kind: &'static str, ctx: &QuoteContext, answer: Result<Quote, QuoteError>, keys: &[&str]| -> Result<(), ApiError> {
        computed.extend(results(&quote::answer_of(service, kind, ctx, &answer.map_err(refused)?), keys));
        Ok(())
    };
    // The fields read without `need` are required by the request type: present once checked.
    let required = |value: Option<NaiveDate>, key: &str| value.ok_or_else(|| invalid(key, "missing"));
    match (kind, service) {
        (RequestKind::Pause, _) => {
            let ctx = ctx()?;
            take(
                "pause_deadline",
                &ctx,
                pause::deadline(&ctx, required(fields.date("scheduled_delivery"), "scheduled_delivery")?),
                &["request_deadline", "on_time"],
            )?;
            let last_shipment = required(fields.date("last_shipment"), "last_shipment")?;
            let next_delivery = required(fields.date("next_delivery"), "next_delivery")?;
            let servers = need(fields.count("servers"), "servers", "a pause needs the number of servers")?;
            let answer = if service == Service::PlusAqua {
                let plan = need(fields.text("plan"), "plan", "a plus-aqua pause needs the plan")?;
                let first_delivery = need(fields.date("first_delivery"), "first_delivery", "a plus-aqua pause needs the first delivery date")?;
                quote::check_choice(service, "pause", "plan", &plan, tariffs)?;
                plus_aqua::pause(&ctx, &plus_aqua::PauseInput { plan, first_delivery, last_shipment, next_delivery, servers })
            } else {
                alwater::pause(&ctx, &alwater::PauseInput { last_shipment, next_delivery, servers })
            };
            take("pause", &ctx, answer, &["free_until", "forced_cancellation", "total"])?;
        }
        (RequestKind::Cancellation, Service::PlusAqua) => {
            let why = "a plus-aqua cancellation needs plan, first_delivery and servers";
            let plan = need(fields.text("plan"), "plan", why)?;
            let first_delivery = need(fields.date("first_delivery"), "first_delivery", why)?;
            let servers = need(fields.count("servers"), "servers", why)?;
            let ctx = ctx()?;
            quote::check_choice(service, "cancellation", "plan", &plan, tariffs)?;
            let answer = plus_aqua::cancellation(&ctx, &plus_aqua::CancellationInput { plan, first_delivery, servers });
            take("cancellation", &ctx, answer, &["free", "renewal_window_start", "renewal_window_end", "return_deadline", "total"])?;
        }
        (RequestKind::Cancellation, _) => {
            let paid_through = need(fields.month("paid_through"), "paid_through", "an allwatch cancellation needs the last prepaid month")?;
            let ctx = ctx()?;
            let input = allwatch::CancellationInput { received: time::japan_date(now), paid_through, monthly_fee: fields.yen("monthly_fee"), terminals: 1 };
            take("cancellation", &ctx, allwatch::cancellation(&ctx, &input), &["service_end", "refund_months", "total"])?;
        }
        (RequestKind::ProductChange, Service::PlusAqua) => {
            let scheduled_delivery =
                need(fields.date("scheduled_delivery"), "scheduled_delivery", "a plus-aqua product change needs the server's scheduled delivery")?;
            let servers = need(fields.count("servers"), "servers", "a plus-aqua product change needs the number of servers")?;
            let ctx = ctx()?;
            let model = need(fields.text("model"), "model", "a product change needs the model")?;
            quote::check_choice(service, "product_change", "model", &model, tariffs)?;
            let answer = plus_aqua::product_change(&ctx, &plus_aqua::ProductChangeInput { model, scheduled_delivery, servers });
            take("product_change", &ctx, answer, &["free_deadline", "free", "total"])?;
        }
        (RequestKind::ProductChange, _) => {
            let first_delivery = need(fields.date("first_delivery"), "first_delivery", "an alwater exchange needs the first delivery date")?;
            let ctx = ctx()?;
            let model = need(fields.text("model"), "model", "a product change needs the model")?;
            quote::check_choice(service, "exchange", "model", &model, tariffs)?;
            let answer = alwater::exchange(&ctx, &alwater::ExchangeInput { model, first_delivery, received: fields.date("received") });
            take("exchange", &ctx, answer, &["free_deadline", "free", "total"])?;
        }
        (RequestKind::DealerChange, _) => {
            computed.insert("fax_deadline".into(), fields.json.get("fax_deadline").cloned().unwrap_or(Value::Null));
        }
        _ => {}
    }
    Ok(computed)
}

/// The date the next step is due in a status (the day part of the computed date the type's
/// rule names), if the rules give one.
fn due(kind: RequestKind, status: Status, computed: &Map<String, Value>) -> Option<String> {
    let key = kind.due_date(status, computed.contains_key("return_deadline"))?;
    computed.get(key).and_then(Value::as_str).and_then(|d| d.get(..10)).map(str::to_string)
}

/// Files a request for a customer: returns it as `show` does.
pub fn create(store: &mut Store, type_id: &str, customer_id: &str, given: &[(String, String)], ctx: Context) -> Result<wire::Request, ApiError> {
    let Context { tariffs, actor, now } = ctx;
    let kind = request_kind(type_id)?;
    let customer = store.customer(customer_id)?.ok_or_else(|| ApiError::NotFound(format!("customer {customer_id} not found")))?;
    let account = customer.accounts.iter().find(|a| kind.services().iter().any(|s| s.id() == a.record.service)).ok_or_else(|| {
        let services: Vec<&str> = kind.services().iter().map(|s| s.id()).collect();
        invalid("customer", format!("has no account at {}, which a {} request needs", services.join(" or "), kind.id()))
    })?;
    let service = Service::from_id(&account.record.service).ok_or_else(|| ApiError::Failed("unknown service".into()))?;
    // The account's own data fills the fields the agent did not type.
    let mut given = given.to_vec();
    let r = &account.record;
    let defaults = [
        ("plan", r.plan.clone()),
        ("first_delivery", r.first_delivery.clone()),
        ("last_shipment", r.last_shipment.clone()),
        ("servers", r.servers.map(|n| n.to_string())),
        ("paid_through", r.paid_through.clone()),
        ("current_dealer", r.dealer.clone()),
    ];
    for (key, value) in defaults {
        if let Some(value) = value
            && kind.fields().iter().any(|f| f.name == key)
            && !given.iter().any(|(k, _)| k == key)
        {
            given.push((key.to_string(), value));
        }
    }
    let fields = check_fields(kind, &given)?;
    // The 北海道 lead time: the customer's prefecture, else their postal code's (issue 15).
    let prefecture =
        postal::customer_prefecture(&customer.prefecture, &customer.postal_code).map_or_else(|| customer.prefecture.clone(), |p| p.name().to_string());
    let computed = compute(kind, service, &fields, &prefecture, tariffs, now)?;
    let status = kind.machine().initial();
    let due_on = due(kind, status, &computed);
    let body =
        serde_json::to_string(&Body { service: service.id(), fields: &fields.json, computed: &computed }).map_err(|e| ApiError::Failed(e.to_string()))?;
    let at = stamp(now);
    let request =
        NewRequest { customer_id, account_id: Some(&account.id), request_type: kind.id(), status: status.id(), fields: &body, due_on: due_on.as_deref() };
    let id = store.write(|tx| insert_request(tx, &request, actor, &at, "受付"))?;
    show(store, &id, now)
}

/// Moves a request to another status, if its state machine and the rules allow it.
pub fn move_to(store: &mut Store, id: &str, to: &str, note: &str, ctx: Context) -> Result<wire::Request, ApiError> {
    let Context { tariffs, actor, now } = ctx;
    let (request, _) = store.request(id)?.ok_or_else(|| ApiError::NotFound(format!("request {id} not found")))?;
    let kind = request_kind(&request.request_type)?;
    let target = kind.check_move(&request.status, to).map_err(|e| invalid("to", e.to_string()))?;
    let mut body: Value = serde_json::from_str(&request.fields).map_err(|e| ApiError::Failed(format!("request {id}: {e}")))?;
    let today = time::japan_date(now);
    let mut facts = MoveFacts { pause_on_time: body["computed"]["on_time"].as_bool(), fax: None };
    if (kind, target) == (RequestKind::DealerChange, Status::Returned) {
        let deadline = body["computed"]["fax_deadline"].as_str().unwrap_or("").to_string();
        let ctx = quote::context(Service::Kaunet, as_of(now), None, tariffs)?;
        let fax_deadline = parse_date(&deadline).map_err(|r| RequestError::new("fax_deadline", r))?;
        let input = kaunet::DealerChangeInput { fax_deadline, fax_returned: today };
        let terms = kaunet::dealer_change_terms(&ctx, &input).map_err(refused)?;
        facts.fax = Some(FaxReturn { deadline: fax_deadline, returned: today, accepted: terms.accepted });
        body["computed"]["fax_returned"] = Value::from(today.to_string());
        body["computed"]["effective_earliest"] = Value::from(terms.effective_earliest.to_string());
        body["computed"]["effective_latest"] = Value::from(terms.effective_latest.to_string());
    }
    kind.guard(target, &facts).map_err(|e| invalid("to", e.to_string()))?;
    let computed = body["computed"].as_object().cloned().unwrap_or_default();
    let due_on = due(kind, target, &computed);
    let at = stamp(now);
    let from = request.status.clone();
    let note = if note.trim().is_empty() { kind.machine().label(target).unwrap_or(to).to_string() } else { note.trim().to_string() };
    let note = free_text("note", &note, caps::NOTE)?;
    let change = RequestMove { id, from: &from, to, fields: &body.to_string(), due_on: due_on.as_deref() };
    store.write(|tx| move_request(tx, &change, actor, &at, &note))?;
    show(store, id, now)
}

/// The kind and status of a stored request, when this installation knows them (another one
/// may have written either).
fn known(request: &RequestRecord) -> Option<(RequestKind, Option<Status>)> {
    let kind = RequestKind::from_id(&request.request_type)?;
    Some((kind, kind.machine().status(&request.status)))
}

fn is_open(request: &RequestRecord) -> bool {
    known(request).is_some_and(|(kind, status)| !status.is_some_and(|s| kind.machine().is_final(s)))
}

fn overdue(request: &RequestRecord, today: &str) -> bool {
    is_open(request) && request.due_on.as_deref().is_some_and(|d| d < today)
}

fn summary(request: &RequestRecord, today: &str) -> wire::RequestSummary {
    let known = known(request);
    let label = known.map_or(request.request_type.as_str(), |(kind, _)| kind.label());
    let status_label = known.and_then(|(kind, status)| kind.machine().label(status?)).unwrap_or(&request.status);
    wire::RequestSummary {
        id: request.id.clone(),
        customer_id: request.customer_id.clone(),
        customer_name: request.customer_name.clone(),
        request_type: request.request_type.clone(),
        type_label: label.to_string(),
        status: request.status.clone(),
        status_label: status_label.to_string(),
        open: is_open(request),
        due_on: request.due_on.clone(),
        overdue: overdue(request, today),
        created_at: request.created_at.clone(),
    }
}

/// One request with its fields, computed dates, the statuses it may go to, and its history.
pub fn show(store: &Store, id: &str, now: Moment) -> Result<wire::Request, ApiError> {
    let (request, history) = store.request(id)?.ok_or_else(|| ApiError::NotFound(format!("request {id} not found")))?;
    let today = time::japan_date(now).to_string();
    // A body that is not a JSON object (only another installation could have written one)
    // shows its parts as null.
    let mut body = match serde_json::from_str(&request.fields) {
        Ok(Value::Object(body)) => body,
        _ => Map::new(),
    };
    let mut part = |key: &str| body.remove(key).unwrap_or(Value::Null);
    Ok(wire::Request {
        summary: summary(&request, &today),
        service: part("service"),
        fields: part("fields"),
        computed: part("computed"),
        machine: known(&request).map(|(kind, status)| wire::NextSteps {
            next: status
                .map(|s| kind.machine().next(s))
                .unwrap_or_default()
                .into_iter()
                .map(|s| wire::NextStatus { status: s.id(), label: kind.machine().label(s) })
                .collect(),
            warning: kind.warning(),
        }),
        history: history
            .into_iter()
            .map(|h| wire::HistoryEntry { seq: h.seq, from: h.from_status, to: h.to_status, actor: h.actor, at: h.at, comment: h.comment })
            .collect(),
    })
}

/// Requests by due date: all, open ones, overdue ones (as of `now`), or due before a date.
pub fn list(store: &Store, open_only: bool, overdue_only: bool, due_before: Option<&str>, now: Moment) -> Result<wire::RequestList, ApiError> {
    let due_before = due_before.map(|d| parse_date(d).map_err(|r| invalid("due_before", r))).transpose()?.map(|d| d.to_string());
    let finals: Vec<(&str, &str)> =
        RequestKind::ALL.into_iter().flat_map(|k| k.machine().statuses.iter().filter(|s| s.last).map(move |s| (k.id(), s.status.id()))).collect();
    let today = time::japan_date(now).to_string();
    let rows = store.requests(&finals, open_only || overdue_only, due_before.as_deref())?;
    let requests = rows.iter().filter(|r| !overdue_only || overdue(r, &today)).map(|r| summary(r, &today)).collect();
    Ok(wire::RequestList { as_of: today, requests })
}

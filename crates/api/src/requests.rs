//! Help-desk requests: filing one (its fields checked, its dates computed by the quote rules),
//! moving it through its state machine (each move a history row), and listing open and
//! overdue ones by due date. Overdue: not final, and due before the as-of date.

use madoguchi_domain::money::Yen;
use madoguchi_domain::postal;
use madoguchi_domain::request::{FieldKind, RequestType, TYPES, find};
use madoguchi_domain::tariff::Service;
use madoguchi_domain::text::caps;
use madoguchi_domain::time::{self, Moment};
use madoguchi_store::Store;
use madoguchi_store::requests::{NewRequest, RequestMove, RequestRecord, insert_request, move_request};
use serde_json::{Map, Value, json};

use crate::customers::{free_text, stamp};
use crate::quote::{parse_date, parse_month, quote};
use crate::tariffs::Tariffs;
use crate::wire;
use crate::{ApiError, Context};

fn invalid(field: &str, reason: impl Into<String>) -> ApiError {
    ApiError::invalid(field, reason)
}

fn request_type(id: &str) -> Result<&'static RequestType, ApiError> {
    find(id).ok_or_else(|| {
        let known: Vec<&str> = TYPES.iter().map(|t| t.id).collect();
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
        FieldKind::Choice(values) => ("choice", Some(values)),
    };
    TYPES
        .iter()
        .map(|t| wire::RequestTypeInfo {
            request_type: t.id,
            label: t.label,
            services: t.services.iter().map(|s| s.id()).collect(),
            fields: t
                .fields
                .iter()
                .map(|f| {
                    let (name, values) = kind(f.kind);
                    wire::RequestField { name: f.name, kind: name, required: f.required, label: f.label, values }
                })
                .collect(),
            initial: t.machine.initial(),
            statuses: t.machine.statuses.iter().map(|&(status, label, last)| wire::StatusInfo { status, label, last }).collect(),
            transitions: t.machine.transitions.iter().map(|&(from, to)| wire::Transition { from, to }).collect(),
            warning: t.warning,
        })
        .collect()
}

/// Checks `key=value` fields against the type; values keep their text form in JSON. Every
/// value is a `FreeText` first (at most 200 characters, no card number), whatever its kind.
fn check_fields(rt: &RequestType, given: &[(String, String)]) -> Result<Map<String, Value>, ApiError> {
    let mut fields = Map::new();
    for (key, value) in given {
        let def = rt.fields.iter().find(|f| f.name == key).ok_or_else(|| {
            let known: Vec<&str> = rt.fields.iter().map(|f| f.name).collect();
            invalid(key, format!("is not a field of a {} request (fields: {})", rt.id, if known.is_empty() { "none".into() } else { known.join(", ") }))
        })?;
        let value = value.trim();
        free_text(key, value, caps::LINE)?;
        let parsed = match def.kind {
            FieldKind::Date => json!(parse_date(value).map_err(|r| invalid(key, r))?.to_string()),
            FieldKind::Month => json!(parse_month(value).map_err(|r| invalid(key, r))?.to_string()),
            FieldKind::Count => {
                json!(value.parse::<u32>().ok().filter(|n| (1..=10_000).contains(n)).ok_or_else(|| invalid(key, "must be a whole number from 1 to 10000"))?)
            }
            FieldKind::Yen => {
                json!(Yen::parse(value).ok().filter(|y| !y.is_negative()).ok_or_else(|| invalid(key, "must be whole yen, e.g. 3300"))?.to_string())
            }
            FieldKind::Choice(values) => {
                if !values.contains(&value) {
                    return Err(invalid(key, format!("'{value}' is not one of {}", values.join(", "))));
                }
                json!(value)
            }
            FieldKind::Text => {
                if value.is_empty() {
                    return Err(invalid(key, format!("must be 1–{} characters", caps::LINE)));
                }
                json!(value)
            }
        };
        if fields.insert(key.clone(), parsed).is_some() {
            return Err(invalid(key, "given twice"));
        }
    }
    if let Some(missing) = rt.fields.iter().find(|f| f.required && !fields.contains_key(f.name)) {
        return Err(invalid(missing.name, format!("missing ({})", missing.label)));
    }
    Ok(fields)
}

/// A quote through the same contract as `madoguchi quote`; its errors name the field.
fn ask(tariffs: &Tariffs, now: Moment, request: Value) -> Result<wire::QuoteAnswer, ApiError> {
    quote(&request, now, tariffs).map_err(|e| ApiError::Invalid { field: e.field, reason: e.reason })
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

fn copy(from: &Map<String, Value>, to: &mut Value, keys: &[&str]) {
    for key in keys {
        if let Some(value) = from.get(*key) {
            to[*key] = value.clone();
        }
    }
}

fn need(fields: &Map<String, Value>, key: &str, why: &str) -> Result<(), ApiError> {
    if fields.contains_key(key) { Ok(()) } else { Err(invalid(key, format!("missing: {why}"))) }
}

/// The dates and money the rules give for this request, as of its filing.
fn compute(
    rt: &RequestType,
    service: Service,
    fields: &Map<String, Value>,
    prefecture: &str,
    tariffs: &Tariffs,
    now: Moment,
) -> Result<Map<String, Value>, ApiError> {
    let base = json!({"service": service.id(), "as_of": stamp(now), "prefecture": prefecture});
    let mut computed = Map::new();
    let mut take = |answer: &wire::QuoteAnswer, keys: &[&str]| computed.extend(results(answer, keys));
    match (rt.id, service) {
        ("pause", _) => {
            let mut deadline = base.clone();
            deadline["kind"] = json!("pause_deadline");
            copy(fields, &mut deadline, &["scheduled_delivery"]);
            take(&ask(tariffs, now, deadline)?, &["request_deadline", "on_time"]);
            let mut pause = base.clone();
            pause["kind"] = json!("pause");
            copy(fields, &mut pause, &["last_shipment", "next_delivery", "servers"]);
            if service == Service::PlusAqua {
                need(fields, "plan", "a plus-aqua pause needs the plan")?;
                need(fields, "first_delivery", "a plus-aqua pause needs the first delivery date")?;
                copy(fields, &mut pause, &["plan", "first_delivery"]);
            }
            let answer = ask(tariffs, now, pause)?;
            take(&answer, &["free_until", "forced_cancellation", "total"]);
        }
        ("cancellation", Service::PlusAqua) => {
            for key in ["plan", "first_delivery", "servers"] {
                need(fields, key, "a plus-aqua cancellation needs plan, first_delivery and servers")?;
            }
            let mut q = base.clone();
            q["kind"] = json!("cancellation");
            copy(fields, &mut q, &["plan", "first_delivery", "servers"]);
            take(&ask(tariffs, now, q)?, &["free", "renewal_window_start", "renewal_window_end", "return_deadline", "total"]);
        }
        ("cancellation", _) => {
            need(fields, "paid_through", "an allwatch cancellation needs the last prepaid month")?;
            let mut q = base.clone();
            q["kind"] = json!("cancellation");
            q["received"] = json!(time::japan_date(now).to_string());
            copy(fields, &mut q, &["paid_through", "monthly_fee"]);
            take(&ask(tariffs, now, q)?, &["service_end", "refund_months", "total"]);
        }
        ("product_change", Service::PlusAqua) => {
            need(fields, "scheduled_delivery", "a plus-aqua product change needs the server's scheduled delivery")?;
            need(fields, "servers", "a plus-aqua product change needs the number of servers")?;
            let mut q = base.clone();
            q["kind"] = json!("product_change");
            copy(fields, &mut q, &["model", "scheduled_delivery", "servers"]);
            take(&ask(tariffs, now, q)?, &["free_deadline", "free", "total"]);
        }
        ("product_change", _) => {
            need(fields, "first_delivery", "an alwater exchange needs the first delivery date")?;
            let mut q = base.clone();
            q["kind"] = json!("exchange");
            copy(fields, &mut q, &["model", "first_delivery", "received"]);
            take(&ask(tariffs, now, q)?, &["free_deadline", "free", "total"]);
        }
        ("dealer_change", _) => {
            computed.insert("fax_deadline".into(), fields.get("fax_deadline").cloned().unwrap_or(Value::Null));
        }
        _ => {}
    }
    Ok(computed)
}

/// The date the next step is due in a status (the day part of the computed date the type's
/// rule names), if the rules give one.
fn due(rt: &RequestType, status: &str, computed: &Map<String, Value>) -> Option<String> {
    let key = rt.due_date(status, computed.contains_key("return_deadline"))?;
    computed.get(key).and_then(Value::as_str).and_then(|d| d.get(..10)).map(str::to_string)
}

/// Files a request for a customer: returns it as `show` does.
pub fn create(store: &mut Store, type_id: &str, customer_id: &str, given: &[(String, String)], ctx: Context) -> Result<wire::Request, ApiError> {
    let Context { tariffs, actor, now } = ctx;
    let rt = request_type(type_id)?;
    let customer = store.customer(customer_id)?.ok_or_else(|| ApiError::NotFound(format!("customer {customer_id} not found")))?;
    let account = customer.accounts.iter().find(|a| rt.services.iter().any(|s| s.id() == a.record.service)).ok_or_else(|| {
        let services: Vec<&str> = rt.services.iter().map(|s| s.id()).collect();
        invalid("customer", format!("has no account at {}, which a {} request needs", services.join(" or "), rt.id))
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
            && rt.fields.iter().any(|f| f.name == key)
            && !given.iter().any(|(k, _)| k == key)
        {
            given.push((key.to_string(), value));
        }
    }
    let fields = check_fields(rt, &given)?;
    // The 北海道 lead time: the customer's prefecture, else their postal code's (issue 15).
    let prefecture =
        postal::customer_prefecture(&customer.prefecture, &customer.postal_code).map_or_else(|| customer.prefecture.clone(), |p| p.name().to_string());
    let computed = compute(rt, service, &fields, &prefecture, tariffs, now)?;
    let status = rt.machine.initial();
    let due_on = due(rt, status, &computed);
    let body = json!({"service": service.id(), "fields": fields, "computed": computed}).to_string();
    let at = stamp(now);
    let request = NewRequest { customer_id, account_id: Some(&account.id), request_type: rt.id, status, fields: &body, due_on: due_on.as_deref() };
    let id = store.write(|tx| insert_request(tx, &request, actor, &at, "受付"))?;
    show(store, &id, now)
}

/// Moves a request to another status, if its state machine and the rules allow it.
pub fn move_to(store: &mut Store, id: &str, to: &str, note: &str, ctx: Context) -> Result<wire::Request, ApiError> {
    let Context { tariffs, actor, now } = ctx;
    let (request, _) = store.request(id)?.ok_or_else(|| ApiError::NotFound(format!("request {id} not found")))?;
    let rt = request_type(&request.request_type)?;
    let machine = rt.machine;
    if machine.label(to).is_none() {
        let all: Vec<&str> = machine.statuses.iter().map(|s| s.0).collect();
        return Err(invalid("to", format!("'{to}' is not a status of a {} request ({})", rt.id, all.join(", "))));
    }
    if !machine.allows(&request.status, to) {
        let next = machine.next(&request.status);
        return Err(invalid(
            "to",
            format!(
                "a {} request cannot go from {} to {} (next: {})",
                rt.id,
                request.status,
                to,
                if next.is_empty() { "none, it is closed".into() } else { next.join(", ") }
            ),
        ));
    }
    let mut body: Value = serde_json::from_str(&request.fields).map_err(|e| ApiError::Failed(format!("request {id}: {e}")))?;
    let today = time::japan_date(now);
    match (rt.id, to) {
        ("dealer_change", "returned") => {
            let deadline = body["computed"]["fax_deadline"].as_str().unwrap_or("").to_string();
            let answer = ask(
                tariffs,
                now,
                json!({"service": "kaunet", "kind": "dealer_change", "as_of": stamp(now), "fax_deadline": deadline, "fax_returned": today.to_string()}),
            )?;
            if answer.flags.get("accepted") != Some(&true) {
                return Err(invalid(
                    "to",
                    format!("the FAX came back on {today}, after its deadline {deadline}: nothing changes (seed 002); move it to expired"),
                ));
            }
            body["computed"]["fax_returned"] = json!(today.to_string());
            for (key, value) in results(&answer, &["effective_earliest", "effective_latest"]) {
                body["computed"][key] = value;
            }
        }
        ("pause", "accepted") if body["computed"]["on_time"] == false => {
            return Err(invalid("to", "the pause request came after its deadline (seed 004 第8条); move it to rejected"));
        }
        _ => {}
    }
    let computed = body["computed"].as_object().cloned().unwrap_or_default();
    let due_on = due(rt, to, &computed);
    let at = stamp(now);
    let from = request.status.clone();
    let note = if note.trim().is_empty() { machine.label(to).unwrap_or(to).to_string() } else { note.trim().to_string() };
    let note = free_text("note", &note, caps::NOTE)?;
    let change = RequestMove { id, from: &from, to, fields: &body.to_string(), due_on: due_on.as_deref() };
    store.write(|tx| move_request(tx, &change, actor, &at, &note))?;
    show(store, id, now)
}

fn overdue(rt: &RequestType, request: &RequestRecord, today: &str) -> bool {
    !rt.machine.is_final(&request.status) && request.due_on.as_deref().is_some_and(|d| d < today)
}

fn summary(request: &RequestRecord, today: &str) -> wire::RequestSummary {
    let rt = find(&request.request_type);
    let label = rt.map_or(request.request_type.as_str(), |t| t.label);
    let status_label = rt.and_then(|t| t.machine.label(&request.status)).unwrap_or(&request.status);
    wire::RequestSummary {
        id: request.id.clone(),
        customer_id: request.customer_id.clone(),
        customer_name: request.customer_name.clone(),
        request_type: request.request_type.clone(),
        type_label: label.to_string(),
        status: request.status.clone(),
        status_label: status_label.to_string(),
        open: rt.is_some_and(|t| !t.machine.is_final(&request.status)),
        due_on: request.due_on.clone(),
        overdue: rt.is_some_and(|t| overdue(t, request, today)),
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
        machine: find(&request.request_type).map(|rt| wire::NextSteps {
            next: rt.machine.next(&request.status).into_iter().map(|s| wire::NextStatus { status: s, label: rt.machine.label(s) }).collect(),
            warning: rt.warning,
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
    let finals: Vec<(&str, &str)> = TYPES.iter().flat_map(|t| t.machine.statuses.iter().filter(|s| s.2).map(move |s| (t.id, s.0))).collect();
    let today = time::japan_date(now).to_string();
    let rows = store.requests(&finals, open_only || overdue_only, due_before.as_deref())?;
    let requests = rows.iter().filter(|r| !overdue_only || find(&r.request_type).is_some_and(|t| overdue(t, r, &today))).map(|r| summary(r, &today)).collect();
    Ok(wire::RequestList { as_of: today, requests })
}

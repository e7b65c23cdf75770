//! Quote drafts: a partial quote request the app fills in from a customer's account before
//! the agent completes and sends it. A draft is only a starting point: quoting checks it in full.

use madoguchi_domain::postal;
use madoguchi_domain::tariff::Service;
use madoguchi_store::Store;
use serde_json::Value;

use super::{FieldType, kind_fields};
use crate::tariffs::Tariffs;
use crate::{ApiError, wire};

/// A partial quote request for `service`/`kind` filled from the customer's account at that
/// service: prefecture, plan, server model and count, dates, billing data. Only fields the
/// kind declares are filled, and a choice only with one of its values.
pub fn draft(store: &Store, customer_id: &str, service: &str, kind: &str, tariffs: &Tariffs) -> Result<wire::QuoteDraft, ApiError> {
    let fields = kind_fields(service, kind, tariffs)?;
    let customer = store.customer(customer_id)?.ok_or_else(|| ApiError::NotFound(format!("customer {customer_id} not found")))?;
    let account = customer
        .accounts
        .iter()
        .find(|a| a.record.service == service)
        .ok_or_else(|| ApiError::invalid("service", format!("the customer has no account at {service}")))?;
    let r = &account.record;
    let text = |v: &Option<String>| v.clone().map(Value::String);
    let count = |v: Option<i64>| v.filter(|n| *n > 0).map(Value::from);
    let known = |name: &str| -> Option<Value> {
        match name {
            "plan" => text(&r.plan),
            "model" => text(&r.server_model),
            "servers" => count(r.servers),
            "terminals" => count(r.terminals),
            "first_delivery" => text(&r.first_delivery),
            "start_date" if service == Service::Allwatch.id() => text(&r.first_delivery),
            "last_shipment" => text(&r.last_shipment),
            "paid_through" => text(&r.paid_through),
            "monthly_limit" => text(&r.monthly_limit),
            "cycle" => text(&r.billing_cycle),
            "terms" => text(&r.np_terms),
            _ => None,
        }
    };
    // The customer's prefecture, else their postal code's (issue 15: 北海道 lead times).
    let prefecture =
        postal::customer_prefecture(&customer.prefecture, &customer.postal_code).map_or_else(|| customer.prefecture.clone(), |p| p.name().to_string());
    let mut draft = wire::QuoteDraft { service: service.to_string(), kind: kind.to_string(), prefecture, fields: Default::default() };
    for field in &fields {
        let Some(value) = known(field.name) else { continue };
        if let FieldType::Choice(choices) = &field.ty
            && !value.as_str().is_some_and(|v| choices.iter().any(|(c, _)| c == v))
        {
            continue;
        }
        draft.fields.insert(field.name, value);
    }
    Ok(draft)
}

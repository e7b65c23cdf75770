//! Drafts: what the app fills in before the agent checks and issues something — a document
//! JSON from a customer (and an order), and a quote request from a customer's account.
//! A draft is only a starting point: issuing or quoting checks it in full.

use madoguchi_domain::document::PostcardStock;
use madoguchi_domain::issue::DocumentType;
use madoguchi_domain::postal;
use madoguchi_domain::tariff::{Rules, Service};
use madoguchi_domain::time::{self, Moment};
use madoguchi_store::{AccountView, CustomerView, OrderView, Store};
use serde_json::{Map, Value, json};

use crate::ApiError;
use crate::documents::{check_type, issuer};
use crate::quote::{FieldType, kind_fields};
use crate::tariffs::Tariffs;

fn customer(store: &Store, id: &str) -> Result<CustomerView, ApiError> {
    store.customer(id)?.ok_or_else(|| ApiError::NotFound(format!("customer {id} not found")))
}

/// One of the customer's orders, by its id or its order number, with its account.
pub fn find_order<'a>(customer: &'a CustomerView, wanted: &str) -> Result<(&'a AccountView, &'a OrderView), ApiError> {
    customer
        .accounts
        .iter()
        .flat_map(|a| a.orders.iter().map(move |o| (a, o)))
        .find(|(_, o)| o.id == wanted || o.order_number == wanted)
        .ok_or_else(|| ApiError::NotFound(format!("order {wanted} not found for customer {}", customer.id)))
}

/// The customer as a document's recipient (宛名 and address).
fn recipient(customer: &CustomerView) -> Value {
    json!({
        "name": customer.name,
        "kind": customer.kind,
        "postal_code": customer.postal_code,
        "address": format!("{}{}", customer.prefecture, customer.address),
    })
}

/// The JSON document of a delivery note, simple invoice or receipt for one order (the order's
/// lines, dates and payment as recorded).
pub fn order_document(customer: &CustomerView, account: &AccountView, order: &OrderView, doc: DocumentType) -> Value {
    let mut document = json!({
        "service": account.record.service,
        "recipient": recipient(customer),
        "order_number": order.order_number,
        "lines": order.lines.iter().map(|l| {
            let mut line = json!({"name": l.name, "quantity": l.quantity, "unit": l.unit_price, "tax": l.tax});
            if doc == DocumentType::DeliveryNote {
                line["delivery_note"] = json!(l.delivery_note);
            }
            line
        }).collect::<Vec<_>>(),
    });
    if let Some(shipped) = &order.shipped_on {
        document["shipped_on"] = json!(shipped);
    }
    match doc {
        DocumentType::Invoice => {
            document["ordered_on"] = json!(order.ordered_at.get(..10).unwrap_or(""));
            document["payment"] = json!(order.payment_method);
        }
        DocumentType::Receipt => document["payment"] = json!(order.payment_method),
        _ => {}
    }
    document
}

/// The service a document type is issued for (a receipt: the customer's first account that
/// may have one, as plus-aqua's receipts come from its assignee).
fn document_service(doc: DocumentType, customer: &CustomerView) -> &'static str {
    let service = doc.issued_for().unwrap_or_else(|| {
        customer.accounts.iter().filter_map(|a| Service::from_id(&a.record.service)).find(|s| *s != Service::PlusAqua).unwrap_or(Service::AmanoShop)
    });
    service.id()
}

/// A document JSON (the format of assets/samples/documents/) filled from the customer, their
/// account at the document's service, the order if one is given, and the service's issuer.
/// The issuer itself is left out, so that issuing prints the stored one with its seal.
pub fn document(store: &Store, doc_type: &str, customer_id: &str, order: Option<&str>, tariffs: &Tariffs, now: Moment) -> Result<Value, ApiError> {
    let doc = check_type("doc_type", doc_type)?;
    let customer = customer(store, customer_id)?;
    let today = time::japan_date(now).to_string();
    let mut document = match order {
        Some(wanted) => {
            if !doc.from_order() {
                return Err(ApiError::invalid("order_id", format!("a {doc_type} is not issued from an order")));
            }
            let (account, order) = find_order(&customer, wanted)?;
            order_document(&customer, account, order, doc)
        }
        None => json!({"service": document_service(doc, &customer), "recipient": recipient(&customer)}),
    };
    document["issued_on"] = json!(today);
    let service = document["service"].as_str().unwrap_or_default().to_string();
    let account = customer.accounts.iter().find(|a| a.record.service == service).map(|a| &a.record);
    let issuer = issuer(store, &service)?;
    match doc {
        DocumentType::Estimate => {
            document["estimated_on"] = json!(today);
            document["member"] = json!(account.and_then(|a| a.member).unwrap_or(false));
            document["lines"] = json!([]);
        }
        DocumentType::DeliveryNote | DocumentType::Invoice | DocumentType::Receipt if order.is_none() => document["lines"] = json!([]),
        DocumentType::CoolingOff => {
            document["sent_on"] = json!(today);
            // What the customer tells on the call: the application, how it was made, what and
            // for how much; then who sold it and how it was paid.
            for key in ["contract_date", "channel", "product", "amount", "salesperson", "payment", "credit_company"] {
                document[key] = Value::Null;
            }
            document["stock"] = json!(PostcardStock::default().code());
            if let Some(i) = &issuer {
                document["seller"] = json!({"name": i.name, "postal_code": i.postal_code, "address": i.address});
            }
        }
        DocumentType::RefundClaim => {
            document["received"] = json!(today);
            if let Some(a) = account {
                document["customer_number"] = json!(a.customer_number);
                if let Some(month) = &a.paid_through {
                    document["paid_through"] = json!(month);
                }
                // The monthly fee of the whole contract: the tariff's fee per terminal times
                // the terminals (as the cancellation quote's default).
                if let Some(Rules::Allwatch(rules)) = tariffs.get(Service::Allwatch).map(|t| &t.rules) {
                    let terminals = u32::try_from(a.terminals.unwrap_or(1)).unwrap_or(1);
                    document["monthly_fee"] = json!(rules.monthly_fee.amount.times(terminals).to_string());
                }
            }
        }
        DocumentType::DealerChangeFax => {
            if let Some(a) = account {
                document["customer_number"] = json!(a.customer_number);
                if let Some(dealer) = &a.dealer {
                    document["current_dealer"] = json!(dealer);
                }
            }
            if let Some(fax) = issuer.as_ref().and_then(|i| i.fax.clone()) {
                document["return_fax"] = json!(fax);
            }
        }
        _ => {}
    }
    Ok(document)
}

/// A partial quote request for `service`/`kind` filled from the customer's account at that
/// service: prefecture, plan, server model and count, dates, billing data. Only fields the
/// kind declares are filled, and a choice only with one of its values.
pub fn quote_request(store: &Store, customer_id: &str, service: &str, kind: &str, tariffs: &Tariffs) -> Result<Value, ApiError> {
    let fields = kind_fields(service, kind, tariffs)?;
    let customer = customer(store, customer_id)?;
    let account = customer
        .accounts
        .iter()
        .find(|a| a.record.service == service)
        .ok_or_else(|| ApiError::invalid("service", format!("the customer has no account at {service}")))?;
    let r = &account.record;
    let text = |v: &Option<String>| v.clone().map(Value::String);
    let count = |v: Option<i64>| v.filter(|n| *n > 0).map(|n| json!(n));
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
    let mut request = Map::new();
    request.insert("service".into(), json!(service));
    request.insert("kind".into(), json!(kind));
    // The customer's prefecture, else their postal code's (issue 15: 北海道 lead times).
    let prefecture =
        postal::customer_prefecture(&customer.prefecture, &customer.postal_code).map_or_else(|| customer.prefecture.clone(), |p| p.name().to_string());
    request.insert("prefecture".into(), json!(prefecture));
    for field in &fields {
        let Some(value) = known(field.name) else { continue };
        if let FieldType::Choice(choices) = &field.ty
            && !value.as_str().is_some_and(|v| choices.iter().any(|(c, _)| c == v))
        {
            continue;
        }
        request.insert(field.name.to_string(), value);
    }
    Ok(Value::Object(request))
}

//! Document drafts: the document JSON the app fills in before the agent checks and issues it,
//! from a customer (and an order), their account at the document's service and the service's
//! issuer. A draft is only a starting point: issuing checks it in full.

use madoguchi_domain::document::PostcardStock;
use madoguchi_domain::issue::DocumentType;
use madoguchi_domain::tariff::{Rules, Service};
use madoguchi_domain::time::{self, Moment};
use madoguchi_store::{AccountView, CustomerView, OrderView, Store};

use super::input::{
    CommonInput, CoolingOffInput, DealerChangeFaxInput, DeliveryNoteInput, DocInput, EstimateInput, InvoiceInput, LineInput, OwnInput, PartyInput,
    ReceiptInput, RefundClaimInput,
};
use super::{check_type, issuer};
use crate::ApiError;
use crate::tariffs::Tariffs;

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
fn recipient(customer: &CustomerView) -> PartyInput {
    PartyInput {
        name: customer.name.clone(),
        kind: Some(customer.kind.clone()),
        honorific: None,
        postal_code: Some(customer.postal_code.clone()),
        address: Some(format!("{}{}", customer.prefecture, customer.address)),
    }
}

/// The document of a delivery note, simple invoice or receipt for one order (the order's
/// lines, dates and payment as recorded), dated `issued_on` if given.
pub(super) fn order_document(customer: &CustomerView, account: &AccountView, order: &OrderView, doc: DocumentType, issued_on: Option<String>) -> DocInput {
    let lines = order
        .lines
        .iter()
        .map(|l| LineInput {
            name: l.name.clone(),
            // Above 0 by the schema; one past u32 is refused at issue as more than the cap.
            quantity: u32::try_from(l.quantity).unwrap_or(u32::MAX),
            unit: l.unit_price.clone(),
            tax: l.tax.clone(),
            delivery_note: (doc == DocumentType::DeliveryNote).then_some(l.delivery_note),
        })
        .collect();
    let (order_number, shipped_on, lines) = (Some(order.order_number.clone()), order.shipped_on.clone(), Some(lines));
    let payment = Some(order.payment_method.clone());
    let own = match doc {
        DocumentType::Invoice => {
            let ordered_on = Some(order.ordered_at.get(..10).unwrap_or("").to_string());
            OwnInput::Invoice(InvoiceInput { order_number, ordered_on, shipped_on, payment, lines })
        }
        DocumentType::Receipt => OwnInput::Receipt(ReceiptInput { order_number, shipped_on, payment, item_name: None, lines }),
        _ => OwnInput::DeliveryNote(DeliveryNoteInput { order_number, shipped_on, lines }),
    };
    let common = CommonInput { service: account.record.service.clone(), issued_on, issuer: None, recipient: recipient(customer) };
    DocInput { common, own }
}

/// The service a document type is issued for (a receipt: the customer's first account that
/// may have one, as plus-aqua's receipts come from its assignee).
fn document_service(doc: DocumentType, customer: &CustomerView) -> &'static str {
    let service = doc.issued_for().unwrap_or_else(|| {
        customer.accounts.iter().filter_map(|a| Service::from_id(&a.record.service)).find(|s| *s != Service::PlusAqua).unwrap_or(Service::AmanoShop)
    });
    service.id()
}

/// A document (the format of assets/samples/documents/) filled from the customer, their
/// account at the document's service, the order if one is given, and the service's issuer.
/// The issuer itself is left out, so that issuing prints the stored one with its seal.
pub fn draft(store: &Store, doc_type: &str, customer_id: &str, order: Option<&str>, tariffs: &Tariffs, now: Moment) -> Result<DocInput, ApiError> {
    let doc = check_type("doc_type", doc_type)?;
    let customer = store.customer(customer_id)?.ok_or_else(|| ApiError::NotFound(format!("customer {customer_id} not found")))?;
    let today = time::japan_date(now).to_string();
    if let Some(wanted) = order {
        if !doc.from_order() {
            return Err(ApiError::invalid("order_id", format!("a {doc_type} is not issued from an order")));
        }
        let (account, order) = find_order(&customer, wanted)?;
        return Ok(order_document(&customer, account, order, doc, Some(today)));
    }
    let service = document_service(doc, &customer);
    let account = customer.accounts.iter().find(|a| a.record.service == service).map(|a| &a.record);
    let issuer = issuer(store, service)?;
    let customer_number = account.map(|a| a.customer_number.clone());
    let own = match doc {
        DocumentType::Estimate => OwnInput::Estimate(EstimateInput {
            estimated_on: Some(today.clone()),
            member: Some(account.and_then(|a| a.member).unwrap_or(false)),
            lines: Some(Vec::new()),
        }),
        DocumentType::DeliveryNote => OwnInput::DeliveryNote(DeliveryNoteInput { lines: Some(Vec::new()), ..DeliveryNoteInput::default() }),
        DocumentType::Invoice => OwnInput::Invoice(InvoiceInput { lines: Some(Vec::new()), ..InvoiceInput::default() }),
        DocumentType::Receipt => OwnInput::Receipt(ReceiptInput { lines: Some(Vec::new()), ..ReceiptInput::default() }),
        // What the customer tells on the call (the application, how it was made, what and for
        // how much, who sold it and how it was paid) is left for the form.
        DocumentType::CoolingOff => OwnInput::CoolingOff(Box::new(CoolingOffInput {
            sent_on: Some(today.clone()),
            stock: Some(PostcardStock::default().code().to_string()),
            seller: issuer.as_ref().map(|i| PartyInput {
                name: i.name.clone(),
                kind: None,
                honorific: None,
                postal_code: Some(i.postal_code.clone()),
                address: Some(i.address.clone()),
            }),
            ..CoolingOffInput::default()
        })),
        DocumentType::RefundClaim => OwnInput::RefundClaim(RefundClaimInput {
            received: Some(today.clone()),
            customer_number,
            paid_through: account.and_then(|a| a.paid_through.clone()),
            // The monthly fee of the whole contract: the tariff's fee per terminal times the
            // terminals (as the cancellation quote's default).
            monthly_fee: match (account, tariffs.get(Service::Allwatch).map(|t| &t.rules)) {
                (Some(a), Some(Rules::Allwatch(rules))) => {
                    Some(rules.monthly_fee.amount.times(u32::try_from(a.terminals.unwrap_or(1)).unwrap_or(1)).to_string())
                }
                _ => None,
            },
        }),
        DocumentType::DealerChangeFax => OwnInput::DealerChangeFax(DealerChangeFaxInput {
            customer_number,
            current_dealer: account.and_then(|a| a.dealer.clone()),
            return_fax: issuer.as_ref().and_then(|i| i.fax.clone()),
            ..DealerChangeFaxInput::default()
        }),
    };
    let common = CommonInput { service: service.to_string(), issued_on: Some(today), issuer: None, recipient: recipient(&customer) };
    Ok(DocInput { common, own })
}

//! A checked document JSON made into the document model the PDF renders, applying the issue
//! rules of the domain (`madoguchi_domain::issue`, `document`) and the quotes a refund claim
//! and a cooling-off notice rest on; with the warnings the agent must read.

use chrono::NaiveDate;
use madoguchi_domain::document::{self as rules, ContractPayment, PostcardStock};
use madoguchi_domain::issue::{self, DocumentType};
use madoguchi_domain::money::{PriceBasis, TaxCategory, Yen};
use madoguchi_domain::prefecture::Prefecture;
use madoguchi_domain::quote::{Context, allwatch, alwater};
use madoguchi_domain::tariff::{Rules, Service, Tariff};
use madoguchi_domain::time;
use madoguchi_pdf::{Body, Document, Issuer, ItemLine, Party, Totals};

use super::input::{DocInput, OwnInput, PartyInput, date, invalid, lines, party, required, text, yen};
use crate::ApiError;
use crate::quote::parse_month;
use crate::tariffs::Tariffs;

fn totals(tariff: &Tariff, lines: &[ItemLine]) -> Totals {
    let per_rate = tariff.tax.totals(lines.iter().map(|l| (l.tax, l.amount)), PriceBasis::TaxIncluded);
    Totals { total: lines.iter().map(|l| l.amount).sum(), per_rate }
}

/// The shipment date, checked against the issue date (seed 001: 発送が完了した後).
fn shipped(doc: DocumentType, shipped_on: &Option<String>, issued_on: NaiveDate) -> Result<NaiveDate, ApiError> {
    let shipped = shipped_on.as_deref().map(|d| date("shipped_on", d)).transpose()?;
    Ok(issue::check_shipped(doc, shipped, issued_on)?)
}

/// Builds the document model from the JSON document, applying every issue rule; with the
/// warnings the agent must read (the document is issued all the same). `today` is the day it
/// is issued; `issued_on` the date it bears.
pub(super) fn model(
    input: &DocInput,
    issuer: Issuer,
    issued_on: NaiveDate,
    today: NaiveDate,
    number: String,
    tariffs: &Tariffs,
) -> Result<(Document, Vec<String>), ApiError> {
    let font = super::font()?;
    let doc = input.own.doc_type();
    let service = &input.common.service;
    let service = Service::from_id(service).ok_or_else(|| invalid("service", format!("unknown service '{service}'")))?;
    let tariff = tariffs.get(service).ok_or_else(|| ApiError::Failed("no tariff loaded".into()))?;
    let recipient = party("recipient", &input.common.recipient, font)?;
    issue::check_service(doc, service)?;
    let mut warnings = Vec::new();
    let body = match &input.own {
        OwnInput::Estimate(input) => {
            issue::check_member(input.member)?;
            let Rules::AmanoShop(rules) = &tariff.rules else { return Err(ApiError::Failed("amano-shop tariff".into())) };
            let estimated_on = input.estimated_on.as_deref().map(|d| date("estimated_on", d)).transpose()?.unwrap_or(issued_on);
            let valid_until = issue::estimate_valid_until(estimated_on, rules.estimate_valid_days, issued_on, today)?;
            let lines: Vec<ItemLine> = lines(&input.lines, font)?.into_iter().map(|(l, _)| l).collect();
            let totals = totals(tariff, &lines);
            Body::Estimate { valid_until, lines, totals, notes: issue::ESTIMATE_NOTES.iter().map(|n| n.to_string()).collect() }
        }
        OwnInput::DeliveryNote(input) => {
            let ship_date = shipped(doc, &input.shipped_on, issued_on)?;
            let eligible: Vec<ItemLine> = lines(&input.lines, font)?.into_iter().filter(|(_, ok)| *ok).map(|(l, _)| l).collect();
            issue::check_delivery_lines(eligible.len())?;
            Body::DeliveryNote { order_number: text("order_number", required("order_number", &input.order_number)?, font)?, ship_date, lines: eligible }
        }
        OwnInput::Invoice(input) => {
            issue::check_qualified(issuer.registration_number.as_deref())?;
            // The transaction date of a sale of goods is their delivery (引渡し): the shipment.
            let transaction_date = shipped(doc, &input.shipped_on, issued_on)?;
            let ordered_on = input.ordered_on.as_deref().map(|d| date("ordered_on", d)).transpose()?;
            issue::check_ordered(ordered_on, transaction_date)?;
            let lines: Vec<ItemLine> = lines(&input.lines, font)?.into_iter().map(|(l, _)| l).collect();
            let totals = totals(tariff, &lines);
            Body::Invoice {
                order_number: text("order_number", required("order_number", &input.order_number)?, font)?,
                ordered_on,
                transaction_date,
                lines,
                totals,
                notes: issue::invoice_notes(input.payment.as_deref()),
            }
        }
        OwnInput::Receipt(input) => {
            let transaction_date = shipped(doc, &input.shipped_on, issued_on)?;
            issue::check_qualified(issuer.registration_number.as_deref())?;
            let payment = required("payment", &input.payment)?;
            issue::check_receipt_payment(service, payment)?;
            let lines: Vec<ItemLine> = lines(&input.lines, font)?.into_iter().map(|(l, _)| l).collect();
            let totals = totals(tariff, &lines);
            let tax: Yen = totals.per_rate.iter().map(|r| r.tax).sum();
            let (payment_statement, duty) = issue::receipt_payment(payment, totals.total, tax)?;
            let item_name = input.item_name.as_deref().map(|n| text("item_name", n, font)).transpose()?;
            let categories: Vec<TaxCategory> = lines.iter().map(|l| l.tax).collect();
            let content = rules::receipt_content(item_name.as_deref(), &categories)
                .map_err(|reason| invalid(if item_name.as_deref().is_some_and(|n| !n.is_empty()) { "item_name" } else { "lines" }, reason))?;
            Body::Receipt {
                order_number: text("order_number", required("order_number", &input.order_number)?, font)?,
                transaction_date,
                content,
                lines,
                totals,
                payment_statement: payment_statement.to_string(),
                stamp_duty: duty,
            }
        }
        OwnInput::CoolingOff(input) => {
            let contract_date = date("contract_date", required("contract_date", &input.contract_date)?)?;
            let sent_on = input.sent_on.as_deref().map(|d| date("sent_on", d)).transpose()?.unwrap_or(issued_on);
            issue::check_contract_date(contract_date, sent_on)?;
            let as_of = time::japan_moment(sent_on, chrono::NaiveTime::MIN).ok_or_else(|| invalid("sent_on", "out of range"))?;
            let ctx = Context { as_of, prefecture: Prefecture::TOKYO, tariff };
            let channel = required("channel", &input.channel)?.clone();
            let period = alwater::cooling_off_period(&ctx, &alwater::CoolingOffInput { application_date: contract_date, channel: channel.clone() })?;
            if !period.eligible {
                return Err(invalid("channel", format!("'{channel}': cooling-off is for applications made in a shop or by phone (seed 000)")));
            }
            if !period.within_period {
                let Rules::Alwater(alwater_rules) = &tariff.rules else { return Err(ApiError::Failed("alwater tariff".into())) };
                warnings.push(rules::cooling_off_late_warning(alwater_rules.cooling_off_days));
            }
            let payment = match input.payment.as_deref() {
                None | Some("") => None,
                Some(code) => Some(ContractPayment::from_code(code).ok_or_else(|| {
                    let known: Vec<&str> = ContractPayment::ALL.iter().map(|p| p.code()).collect();
                    invalid("payment", format!("'{code}' is not one of {}", known.join(", ")))
                })?),
            };
            let credit_company = input.credit_company.as_deref().map(|c| text("credit_company", c, font)).transpose()?.filter(|c| !c.is_empty());
            let on_credit = payment.is_some_and(ContractPayment::on_credit);
            issue::check_credit_company(credit_company.is_some(), on_credit)?;
            if on_credit {
                warnings.push(rules::CREDIT_COPY_WARNING.to_string());
            }
            let stock = match input.stock.as_deref() {
                None => PostcardStock::default(),
                Some(code) => PostcardStock::from_code(code).ok_or_else(|| invalid("stock", format!("'{code}' is not blank or official")))?,
            };
            Body::CoolingOff {
                contract_date,
                product: text("product", required("product", &input.product)?, font)?,
                amount: yen("amount", required("amount", &input.amount)?)?,
                seller: seller(required("seller", &input.seller)?)?,
                sent_on,
                customer: recipient.clone(),
                salesperson: input.salesperson.as_deref().map(|s| text("salesperson", s, font)).transpose()?.filter(|s| !s.is_empty()),
                payment,
                credit_copy: on_credit.then(|| rules::credit_copy_line(credit_company.as_deref())),
                stock,
            }
        }
        OwnInput::RefundClaim(input) => {
            let received = date("received", required("received", &input.received)?)?;
            let paid_through = parse_month(required("paid_through", &input.paid_through)?).map_err(|r| invalid("paid_through", r))?;
            let monthly_fee = yen("monthly_fee", required("monthly_fee", &input.monthly_fee)?)?;
            let as_of = time::japan_moment(issued_on, chrono::NaiveTime::MIN).ok_or_else(|| invalid("issued_on", "out of range"))?;
            let ctx = Context { as_of, prefecture: Prefecture::TOKYO, tariff };
            let input_terms = allwatch::CancellationInput { received, paid_through, monthly_fee: Some(monthly_fee), terminals: 1 };
            let allwatch::CancellationTerms { service_end, refund_months: months } = allwatch::cancellation_terms(&ctx, &input_terms)?;
            issue::check_refund_months(months.len())?;
            Body::RefundClaim {
                service_name: tariff.name.clone(),
                customer_number: text("customer_number", required("customer_number", &input.customer_number)?, font)?,
                service_end,
                amount: monthly_fee.times(u32::try_from(months.len()).unwrap_or(u32::MAX)),
                monthly_fee,
                months,
                return_address: format!("〒{} {} {}", issuer.postal_code, issuer.address, issuer.name),
            }
        }
        OwnInput::DealerChangeFax(input) => {
            let return_deadline = date("return_deadline", required("return_deadline", &input.return_deadline)?)?;
            issue::check_return_deadline(return_deadline, issued_on)?;
            Body::DealerChangeFax {
                customer_number: text("customer_number", required("customer_number", &input.customer_number)?, font)?,
                current_dealer: text("current_dealer", required("current_dealer", &input.current_dealer)?, font)?,
                new_dealer: text("new_dealer", input.new_dealer.as_deref().unwrap_or(issue::DEFAULT_NEW_DEALER), font)?,
                return_deadline,
                return_fax: text("return_fax", required("return_fax", &input.return_fax)?, font)?,
                notes: issue::DEALER_CHANGE_NOTES.iter().map(|n| n.to_string()).collect(),
            }
        }
    };
    Ok((Document { number, issued_on, reissue: false, issuer, recipient, body }, warnings))
}

/// The company a cooling-off postcard goes to: addressed to its representative unless the
/// document names another honorific.
fn seller(p: &PartyInput) -> Result<Party, ApiError> {
    let mut party = party("seller", p, super::font()?)?;
    if p.honorific.is_none() {
        party.honorific = issue::SELLER_HONORIFIC.to_string();
    }
    Ok(party)
}

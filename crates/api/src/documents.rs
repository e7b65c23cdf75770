//! Issuing documents: a JSON document (or an order in the database) is checked against the
//! seeds' issue rules, numbered, rendered with the bundled font, and recorded with the data
//! snapshot it was issued with and the PDF's SHA-256 — all in one transaction. Every string
//! of the JSON, and every issuer field, is a `FreeText` first (capped, no card number).

use std::sync::OnceLock;

use chrono::NaiveDate;
use madoguchi_domain::calendar::{YearMonth, add_days};
use madoguchi_domain::document::{self as rules, ContractPayment, PartyKind, PostcardStock};
use madoguchi_domain::money::{PriceBasis, TaxCategory, Yen, stamp_duty};
use madoguchi_domain::prefecture::Prefecture;
use madoguchi_domain::quote::{Context, allwatch, alwater};
use madoguchi_domain::tariff::{Rules, Service, Tariff};
use madoguchi_domain::text::{caps, format_postal, postal_digits, valid_phone};
use madoguchi_domain::time::{self, Moment};
use madoguchi_pdf::{Body, Document, FontData, Issuer, ItemLine, Party, Totals};
use madoguchi_store::Store;
pub use madoguchi_store::documents::IssuerRecord;
use madoguchi_store::documents::{NewDocument, insert_document, next_number};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::ApiError;
use crate::customers::{free_text, stamp};
use crate::input::{self, InputError};
use crate::quote::parse_month;
use crate::tariffs::Tariffs;
use crate::wire;

/// The bundled font (Noto Sans JP, OFL): TrueType outlines, all JIS level 1 and 2 kanji.
const FONT: &[u8] = include_bytes!("../../../assets/fonts/NotoSansJP-Regular.ttf");

/// The parsed bundled font, parsed once per process.
pub fn font() -> Result<&'static FontData, ApiError> {
    static FONT_DATA: OnceLock<Option<FontData>> = OnceLock::new();
    FONT_DATA.get_or_init(|| FontData::from_bytes(FONT).ok()).as_ref().ok_or_else(|| ApiError::Failed("the bundled font cannot be read".into()))
}

/// The seven document types: id, number prefix (HC: EC for estimates, as the shop numbers them).
pub const TYPES: [(&str, &str); 7] = [
    ("estimate", "EC"),
    ("delivery_note", "DN"),
    ("invoice", "IV"),
    ("receipt", "RC"),
    ("cooling_off", "CO"),
    ("refund_claim", "RF"),
    ("dealer_change_fax", "FX"),
];

/// The Japanese name of each type, for forms and lists (the glossary's words).
const LABELS: [(&str, &str); 7] = [
    ("estimate", "見積書"),
    ("delivery_note", "納品書"),
    ("invoice", "請求書（簡易版）"),
    ("receipt", "領収書"),
    ("cooling_off", "クーリング・オフ通知"),
    ("refund_claim", "返金請求書"),
    ("dealer_change_fax", "担当販売店変更FAX"),
];

/// The types issued from an order in the database (`issue_for_order`).
pub const FROM_ORDER: [&str; 3] = ["delivery_note", "invoice", "receipt"];

/// Every document type with its Japanese name, the number prefix in force, and whether it
/// is issued from an order.
pub fn types(store: &Store) -> Result<Vec<wire::DocumentType>, ApiError> {
    TYPES
        .iter()
        .map(|&(doc_type, _)| {
            let label = LABELS.iter().find(|(t, _)| *t == doc_type).map_or(doc_type, |(_, l)| l);
            Ok(wire::DocumentType { doc_type, label, prefix: prefix(store, doc_type)?, from_order: FROM_ORDER.contains(&doc_type) })
        })
        .collect()
}

/// Refuses a document type that is not one of the seven, naming `field`.
pub fn check_type(field: &str, doc_type: &str) -> Result<(), ApiError> {
    if TYPES.iter().any(|(t, _)| *t == doc_type) {
        return Ok(());
    }
    let known: Vec<&str> = TYPES.iter().map(|(t, _)| *t).collect();
    Err(invalid(field, format!("unknown document type '{doc_type}' (known: {})", known.join(", "))))
}

/// The fields each type's JSON may have besides the common ones.
fn type_fields(doc_type: &str) -> &'static [&'static str] {
    match doc_type {
        "estimate" => &["estimated_on", "member", "lines"],
        "delivery_note" => &["order_number", "shipped_on", "lines"],
        "invoice" => &["order_number", "ordered_on", "shipped_on", "payment", "lines"],
        "receipt" => &["order_number", "shipped_on", "payment", "item_name", "lines"],
        "cooling_off" => &["contract_date", "channel", "product", "amount", "seller", "sent_on", "salesperson", "payment", "credit_company", "stock"],
        "refund_claim" => &["customer_number", "received", "paid_through", "monthly_fee"],
        _ => &["customer_number", "current_dealer", "new_dealer", "return_deadline", "return_fax"],
    }
}

const COMMON_FIELDS: [&str; 4] = ["service", "issued_on", "issuer", "recipient"];

/// Bounds that keep every total far inside exact decimal range (18-digit yen × these).
const MAX_QUANTITY: u32 = 10_000;
const MAX_LINES: usize = 1_000;

/// Checks every string of a document JSON as free text before anything else reads it, named
/// by its path (`recipient.name`, `lines[0].name`): item names and お品物名 at most
/// `caps::ITEM_NAME` characters, every other string `caps::LINE`; none may hold a card number.
fn check_strings(path: &str, value: &Value) -> Result<(), ApiError> {
    match value {
        Value::String(text) => {
            let item_name = path == "item_name" || (path.starts_with("lines[") && path.ends_with("].name"));
            free_text(path, text, if item_name { caps::ITEM_NAME } else { caps::LINE }).map(drop)
        }
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, item)| check_strings(&format!("{path}[{i}]"), item)),
        Value::Object(fields) => {
            fields.iter().try_for_each(|(key, item)| check_strings(&if path.is_empty() { key.clone() } else { format!("{path}.{key}") }, item))
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IssuerInput {
    name: String,
    postal_code: String,
    address: String,
    phone: String,
    fax: Option<String>,
    registration_number: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartyInput {
    name: String,
    /// person or company: decides the honorific when none is given.
    kind: Option<String>,
    honorific: Option<String>,
    postal_code: Option<String>,
    address: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineInput {
    name: String,
    quantity: u32,
    unit: String,
    tax: String,
    #[serde(default)]
    delivery_note: bool,
}

/// The JSON document (README: "Document JSON"). Fields not of the type are refused first.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocInput {
    service: String,
    issued_on: Option<String>,
    issuer: Option<IssuerInput>,
    recipient: PartyInput,
    estimated_on: Option<String>,
    member: Option<bool>,
    lines: Option<Vec<LineInput>>,
    order_number: Option<String>,
    ordered_on: Option<String>,
    shipped_on: Option<String>,
    payment: Option<String>,
    item_name: Option<String>,
    contract_date: Option<String>,
    channel: Option<String>,
    product: Option<String>,
    amount: Option<String>,
    seller: Option<PartyInput>,
    sent_on: Option<String>,
    salesperson: Option<String>,
    credit_company: Option<String>,
    stock: Option<String>,
    customer_number: Option<String>,
    received: Option<String>,
    paid_through: Option<String>,
    monthly_fee: Option<String>,
    current_dealer: Option<String>,
    new_dealer: Option<String>,
    return_deadline: Option<String>,
    return_fax: Option<String>,
}

fn invalid(field: &str, reason: impl Into<String>) -> ApiError {
    ApiError::invalid(field, reason)
}

fn required<'a, T>(field: &str, value: &'a Option<T>) -> Result<&'a T, ApiError> {
    value.as_ref().ok_or_else(|| invalid(field, "missing"))
}

fn date(field: &str, text: &str) -> Result<NaiveDate, ApiError> {
    crate::quote::parse_date(text).map_err(|reason| invalid(field, reason))
}

fn yen(field: &str, text: &str) -> Result<Yen, ApiError> {
    let yen = Yen::parse(text).map_err(|e| invalid(field, e.to_string()))?;
    if yen.is_negative() {
        return Err(invalid(field, "must not be negative"));
    }
    Ok(yen)
}

fn text(field: &str, value: &str, font: &FontData) -> Result<String, ApiError> {
    let value = value.trim();
    free_text(field, value, caps::LINE)?;
    let missing = font.missing_glyphs(value);
    if !missing.is_empty() {
        let shown: String = missing.iter().collect();
        return Err(invalid(field, format!("the bundled font has no glyph for 「{shown}」")));
    }
    Ok(value.to_string())
}

/// A party of the document; with no honorific given, the one of its kind (様 unless a company).
fn party(field: &str, p: &PartyInput, font: &FontData) -> Result<Party, ApiError> {
    let kind = match p.kind.as_deref() {
        None => PartyKind::default(),
        Some(code) => PartyKind::from_code(code).ok_or_else(|| invalid(&format!("{field}.kind"), format!("'{code}' is not person or company")))?,
    };
    let name = text(&format!("{field}.name"), &p.name, font)?;
    if name.is_empty() {
        return Err(invalid(&format!("{field}.name"), "is empty (宛名 is required)"));
    }
    let postal_code = match &p.postal_code {
        Some(code) => Some(format_postal(
            &postal_digits(code).ok_or_else(|| invalid(&format!("{field}.postal_code"), format!("'{code}' is not a postal code of 7 digits")))?,
        )),
        None => None,
    };
    Ok(Party {
        name,
        honorific: text(&format!("{field}.honorific"), p.honorific.as_deref().unwrap_or(kind.honorific()), font)?,
        postal_code,
        address: p.address.as_deref().map(|a| text(&format!("{field}.address"), a, font)).transpose()?,
    })
}

/// The issuer a JSON document names (or a snapshot kept), its text checked for the font.
fn issuer_record(i: &IssuerInput, font: &FontData) -> Result<IssuerRecord, ApiError> {
    Ok(IssuerRecord {
        name: text("issuer.name", &i.name, font)?,
        postal_code: i.postal_code.clone(),
        address: text("issuer.address", &i.address, font)?,
        phone: i.phone.clone(),
        fax: i.fax.clone(),
        registration_number: i.registration_number.clone(),
        seal_png: None,
    })
}

fn issuer_from(record: IssuerRecord) -> Issuer {
    Issuer {
        name: record.name,
        postal_code: record.postal_code,
        address: record.address,
        phone: record.phone,
        fax: record.fax,
        registration_number: record.registration_number,
        seal_png: record.seal_png,
    }
}

/// Checks issuer data (the registration number above all) before it is stored or printed;
/// every text field is a `FreeText` first (at most 200 characters, no card number). What
/// passes with a doubt (an individual's T-number without the check digit) comes back as
/// warnings for the agent.
pub fn check_issuer(issuer: &IssuerRecord) -> Result<Vec<String>, ApiError> {
    let texts = [
        ("issuer.name", Some(&issuer.name)),
        ("issuer.postal_code", Some(&issuer.postal_code)),
        ("issuer.address", Some(&issuer.address)),
        ("issuer.phone", Some(&issuer.phone)),
        ("issuer.fax", issuer.fax.as_ref()),
        ("issuer.registration_number", issuer.registration_number.as_ref()),
    ];
    for (field, value) in texts {
        if let Some(value) = value {
            free_text(field, value, caps::LINE)?;
        }
    }
    for (field, value) in [("issuer.name", &issuer.name), ("issuer.address", &issuer.address), ("issuer.phone", &issuer.phone)] {
        if value.trim().is_empty() {
            return Err(invalid(field, "is empty"));
        }
    }
    if postal_digits(&issuer.postal_code).is_none() {
        return Err(invalid("issuer.postal_code", format!("'{}' is not a postal code of 7 digits", issuer.postal_code)));
    }
    if valid_phone(&issuer.phone).is_none() {
        return Err(invalid("issuer.phone", format!("'{}' is not a Japanese phone number of 10 or 11 digits", issuer.phone)));
    }
    if let Some(fax) = issuer.fax.as_ref().filter(|f| !f.is_empty())
        && valid_phone(fax).is_none()
    {
        return Err(invalid("issuer.fax", format!("'{fax}' is not a Japanese phone number of 10 or 11 digits")));
    }
    match &issuer.registration_number {
        Some(number) => {
            Ok(rules::check_registration_number(number, &issuer.name).map_err(|reason| invalid("issuer.registration_number", reason))?.into_iter().collect())
        }
        None => Ok(Vec::new()),
    }
}

/// The largest seal image an issuer may carry (1 MiB), chosen in the app or arriving by sync.
pub const MAX_SEAL_BYTES: u64 = 1024 * 1024;

/// The issuer of a service's documents, if set.
pub fn issuer(store: &Store, service: &str) -> Result<Option<IssuerRecord>, ApiError> {
    Ok(store.issuer(service)?)
}

/// Sets the issuer of a service's documents, checked first (registration number, seal image);
/// returns `check_issuer`'s warnings.
pub fn set_issuer(store: &mut Store, service: &str, issuer: IssuerRecord, actor: &str, now: Moment) -> Result<Vec<String>, ApiError> {
    if Service::from_id(service).is_none() {
        return Err(invalid("service", format!("unknown service '{service}'")));
    }
    let warnings = check_issuer(&issuer)?;
    if let Some(png) = &issuer.seal_png
        && !png.starts_with(b"\x89PNG\r\n\x1a\n")
    {
        return Err(invalid("seal", "is not a PNG image"));
    }
    store.set_issuer(service, &issuer, actor, &stamp(now))?;
    Ok(warnings)
}

fn lines(input: &Option<Vec<LineInput>>, font: &FontData) -> Result<Vec<(ItemLine, bool)>, ApiError> {
    let lines = required("lines", input)?;
    if lines.is_empty() {
        return Err(invalid("lines", "is empty"));
    }
    if lines.len() > MAX_LINES {
        return Err(invalid("lines", format!("has more than {MAX_LINES} lines")));
    }
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let field = |name: &str| format!("lines[{i}].{name}");
            if l.quantity == 0 {
                return Err(invalid(&field("quantity"), "must be at least 1"));
            }
            if l.quantity > MAX_QUANTITY {
                return Err(invalid(&field("quantity"), format!("must be at most {MAX_QUANTITY}")));
            }
            free_text(&field("name"), &l.name, caps::ITEM_NAME)?;
            let unit = yen(&field("unit"), &l.unit)?;
            let tax = TaxCategory::from_code(&l.tax).ok_or_else(|| invalid(&field("tax"), "must be standard, reduced or non_taxable"))?;
            Ok((ItemLine { name: text(&field("name"), &l.name, font)?, quantity: l.quantity, unit, amount: unit.times(l.quantity), tax }, l.delivery_note))
        })
        .collect()
}

fn totals(tariff: &Tariff, lines: &[ItemLine]) -> Totals {
    let per_rate = tariff.tax.totals(lines.iter().map(|l| (l.tax, l.amount)), PriceBasis::TaxIncluded);
    Totals { total: lines.iter().map(|l| l.amount).sum(), per_rate }
}

/// Refuses a shipment date missing or after the issue date (seed 001: 発送が完了した後).
fn shipped(input: &DocInput, issued_on: NaiveDate, what: &str) -> Result<NaiveDate, ApiError> {
    let shipped = date(
        "shipped_on",
        required("shipped_on", &input.shipped_on)
            .map_err(|_| invalid("shipped_on", format!("missing: a {what} is issued only after the order has shipped (seed 001)")))?,
    )?;
    if shipped > issued_on {
        return Err(invalid("shipped_on", format!("{shipped} is after the issue date: a {what} is issued only after shipment (seed 001)")));
    }
    Ok(shipped)
}

/// A qualified (simplified) invoice names the issuer's registration number (消費税法 57条の4).
fn qualified(issuer: &Issuer) -> Result<(), ApiError> {
    if issuer.registration_number.is_none() {
        return Err(invalid("issuer.registration_number", "missing: an invoice or receipt is a qualified invoice and must carry the T-number"));
    }
    Ok(())
}

fn expect_service(input_service: Service, wanted: Service, doc_type: &str, seed: &str) -> Result<(), ApiError> {
    if input_service != wanted {
        return Err(invalid("service", format!("a {doc_type} is issued for {} only ({seed})", wanted.id())));
    }
    Ok(())
}

/// Builds the document model from the JSON document, applying every issue rule; with the
/// warnings the agent must read (the document is issued all the same).
#[allow(clippy::too_many_arguments)]
fn model(
    doc_type: &str,
    input: &DocInput,
    issuer: Issuer,
    issued_on: NaiveDate,
    today: NaiveDate,
    number: String,
    tariffs: &Tariffs,
    font: &FontData,
) -> Result<(Document, Vec<String>), ApiError> {
    let service = Service::from_id(&input.service).ok_or_else(|| invalid("service", format!("unknown service '{}'", input.service)))?;
    let tariff = tariffs.get(service).ok_or_else(|| ApiError::Failed("no tariff loaded".into()))?;
    let recipient = party("recipient", &input.recipient, font)?;
    let mut warnings = Vec::new();
    let body = match doc_type {
        "estimate" => {
            expect_service(service, Service::AmanoShop, "estimate", "seed 001: アマノオンラインショップの商品に限ります")?;
            if input.member != Some(true) {
                return Err(invalid("member", "must be true: estimates are for registered members only, never for guests (seed 001)"));
            }
            let Rules::AmanoShop(rules) = &tariff.rules else { return Err(ApiError::Failed("amano-shop tariff".into())) };
            let estimated_on = input.estimated_on.as_deref().map(|d| date("estimated_on", d)).transpose()?.unwrap_or(issued_on);
            let valid_until = add_days(estimated_on, rules.estimate_valid_days).ok_or_else(|| invalid("estimated_on", "out of range"))?;
            if issued_on > valid_until || today > valid_until {
                return Err(invalid("estimated_on", format!("the estimate was valid until {valid_until}; it can be issued only while valid (seed 001)")));
            }
            let lines: Vec<ItemLine> = lines(&input.lines, font)?.into_iter().map(|(l, _)| l).collect();
            let totals = totals(tariff, &lines);
            let notes = vec![
                "本見積書の作成をもって、ご注文の受付や商品の在庫確保、お届けをお約束するものではございません。".to_string(),
                "消費税につきましては、ご注文手続き時点の消費税率が適用されます。".to_string(),
                "キャンペーン・クーポン・ポイント適用価格は、ご注文時点でキャンペーン終了または有効期限切れの場合、適用されません。".to_string(),
                "ご注文の際は、見積内容（商品・数量・お届け先など）から変更できません。".to_string(),
            ];
            Body::Estimate { valid_until, lines, totals, notes }
        }
        "delivery_note" => {
            expect_service(service, Service::AmanoShop, "delivery note", "seed 001")?;
            let ship_date = shipped(input, issued_on, "delivery note")?;
            let eligible: Vec<ItemLine> = lines(&input.lines, font)?.into_iter().filter(|(_, ok)| *ok).map(|(l, _)| l).collect();
            if eligible.is_empty() {
                return Err(invalid("lines", "no product of this order allows a delivery note (特注駐車券・特注サービス券・小ロットサービス券など, seed 001)"));
            }
            Body::DeliveryNote { order_number: text("order_number", required("order_number", &input.order_number)?, font)?, ship_date, lines: eligible }
        }
        "invoice" => {
            expect_service(service, Service::AmanoShop, "simple invoice", "seed 001")?;
            qualified(&issuer)?;
            // The transaction date of a sale of goods is their delivery (引渡し): the shipment.
            let transaction_date = shipped(input, issued_on, "simple invoice")?;
            let ordered_on = input.ordered_on.as_deref().map(|d| date("ordered_on", d)).transpose()?;
            if ordered_on.is_some_and(|o| o > transaction_date) {
                return Err(invalid("ordered_on", "is after the shipment"));
            }
            let lines: Vec<ItemLine> = lines(&input.lines, font)?.into_iter().map(|(l, _)| l).collect();
            let totals = totals(tariff, &lines);
            let mut notes = vec!["本請求書は簡易版のため、振込先銀行口座の記載はございません。".to_string()];
            if input.payment.as_deref() == Some("np_invoice") {
                notes.push("NP掛け払いの正式な請求書は、締め日の翌営業日に決済代行会社（ネットプロテクションズ）より発行され、郵便で届きます。".to_string());
            }
            Body::Invoice {
                order_number: text("order_number", required("order_number", &input.order_number)?, font)?,
                ordered_on,
                transaction_date,
                lines,
                totals,
                notes,
            }
        }
        "receipt" => {
            if service == Service::PlusAqua {
                return Err(invalid("service", "plus-aqua receivables belong to the assignee (債権譲渡, seed 004 第6条): receipts come from it, not from us"));
            }
            let transaction_date = shipped(input, issued_on, "receipt")?;
            qualified(&issuer)?;
            let payment = required("payment", &input.payment)?;
            if service == Service::AmanoShop && payment != "credit_card" {
                return Err(invalid("payment", format!("'{payment}': the shop issues receipts only for credit-card payments (seed 001)")));
            }
            let lines: Vec<ItemLine> = lines(&input.lines, font)?.into_iter().map(|(l, _)| l).collect();
            let totals = totals(tariff, &lines);
            let (payment_statement, duty) = match payment.as_str() {
                "credit_card" => ("クレジットカード決済".to_string(), None),
                "cash" | "bank_transfer" => {
                    let tax: Yen = totals.per_rate.iter().map(|r| r.tax).sum();
                    let label = if payment == "cash" { "現金" } else { "銀行振込" };
                    (label.to_string(), stamp_duty(totals.total - tax))
                }
                other => return Err(invalid("payment", format!("'{other}' is not credit_card, cash or bank_transfer"))),
            };
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
                payment_statement,
                stamp_duty: duty,
            }
        }
        "cooling_off" => {
            expect_service(service, Service::Alwater, "cooling-off notice", "seed 000")?;
            let contract_date = date("contract_date", required("contract_date", &input.contract_date)?)?;
            let sent_on = input.sent_on.as_deref().map(|d| date("sent_on", d)).transpose()?.unwrap_or(issued_on);
            if contract_date > sent_on {
                return Err(invalid("contract_date", format!("{contract_date} is after the day the notice is sent ({sent_on})")));
            }
            let as_of = time::japan_moment(sent_on, chrono::NaiveTime::MIN).ok_or_else(|| invalid("sent_on", "out of range"))?;
            let ctx = Context { as_of, prefecture: Prefecture::TOKYO, tariff };
            let channel = required("channel", &input.channel)?.clone();
            let check = alwater::cooling_off(&ctx, &alwater::CoolingOffInput { application_date: contract_date, channel: channel.clone() })?;
            let flag = |key| check.flags.iter().any(|(k, v)| *k == key && *v);
            if !flag("eligible") {
                return Err(invalid("channel", format!("'{channel}': cooling-off is for applications made in a shop or by phone (seed 000)")));
            }
            if !flag("within_period") {
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
            if credit_company.is_some() && !payment.is_some_and(ContractPayment::on_credit) {
                return Err(invalid("credit_company", "is given, but the payment is not on credit (credit_card or credit_contract)"));
            }
            let on_credit = payment.is_some_and(ContractPayment::on_credit);
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
                seller: seller(required("seller", &input.seller)?, font)?,
                sent_on,
                customer: recipient.clone(),
                salesperson: input.salesperson.as_deref().map(|s| text("salesperson", s, font)).transpose()?.filter(|s| !s.is_empty()),
                payment,
                credit_copy: on_credit.then(|| rules::credit_copy_line(credit_company.as_deref())),
                stock,
            }
        }
        "refund_claim" => {
            expect_service(service, Service::Allwatch, "refund claim", "seed 003")?;
            let received = date("received", required("received", &input.received)?)?;
            let paid_through = parse_month(required("paid_through", &input.paid_through)?).map_err(|r| invalid("paid_through", r))?;
            let monthly_fee = yen("monthly_fee", required("monthly_fee", &input.monthly_fee)?)?;
            let as_of = time::japan_moment(issued_on, chrono::NaiveTime::MIN).ok_or_else(|| invalid("issued_on", "out of range"))?;
            let ctx = Context { as_of, prefecture: Prefecture::TOKYO, tariff };
            let quote = allwatch::cancellation(&ctx, &allwatch::CancellationInput { received, paid_through, monthly_fee: Some(monthly_fee), terminals: 1 })?;
            let months: Vec<YearMonth> = quote
                .extras
                .iter()
                .find_map(|(k, e)| match (k, e) {
                    (&"refund_months", madoguchi_domain::quote::Extra::Months(m)) => Some(m.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            if months.is_empty() {
                return Err(invalid("paid_through", "no prepaid month falls after the service end: there is nothing to refund"));
            }
            let service_end = quote
                .dates
                .iter()
                .find_map(|(k, w)| match (k, w) {
                    (&"service_end", madoguchi_domain::quote::When::Date(d)) => Some(*d),
                    _ => None,
                })
                .ok_or_else(|| ApiError::Failed("no service end".into()))?;
            Body::RefundClaim {
                service_name: tariff.name.clone(),
                customer_number: text("customer_number", required("customer_number", &input.customer_number)?, font)?,
                service_end,
                amount: -quote.total(),
                monthly_fee,
                months,
                return_address: format!("〒{} {} {}", issuer.postal_code, issuer.address, issuer.name),
            }
        }
        _ => {
            expect_service(service, Service::Kaunet, "dealer-change FAX", "seed 002")?;
            let return_deadline = date("return_deadline", required("return_deadline", &input.return_deadline)?)?;
            if return_deadline < issued_on {
                return Err(invalid("return_deadline", "is before the issue date"));
            }
            Body::DealerChangeFax {
                customer_number: text("customer_number", required("customer_number", &input.customer_number)?, font)?,
                current_dealer: text("current_dealer", required("current_dealer", &input.current_dealer)?, font)?,
                // Seed 002: the change is to 「KDDI まとめてオフィス」 unless the document says otherwise.
                new_dealer: text("new_dealer", input.new_dealer.as_deref().unwrap_or("KDDIまとめてオフィス"), font)?,
                return_deadline,
                return_fax: text("return_fax", required("return_fax", &input.return_fax)?, font)?,
                notes: vec![
                    "期日までにFAXのご返信がない場合、担当販売店は変更されません。".to_string(),
                    "ご返信の翌月または翌々月に切り替わり、切替後にメールでお知らせします。".to_string(),
                    "変更費用はかかりません。販売店のみの変更のため、カタログは送付されません。".to_string(),
                ],
            }
        }
    };
    Ok((Document { number, issued_on, reissue: false, issuer, recipient, body }, warnings))
}

/// The company a cooling-off postcard goes to: addressed to its representative (代表者様)
/// unless the document names another honorific.
fn seller(p: &PartyInput, font: &FontData) -> Result<Party, ApiError> {
    let mut party = party("seller", p, font)?;
    if p.honorific.is_none() {
        party.honorific = "代表者様".to_string();
    }
    Ok(party)
}

/// What `issue` produced.
pub struct Issued {
    pub number: String,
    pub pdf: Vec<u8>,
    pub sha256: String,
    /// What the agent must read before the document goes out (Japanese, one sentence each).
    pub warnings: Vec<String>,
}

/// The number of pages of a PDF this crate rendered: its page objects (`/Type /Page`, not
/// `/Pages`), which the renderer writes uncompressed.
pub fn page_count(pdf: &[u8]) -> usize {
    let mut pages = 0;
    let mut rest = pdf;
    while let Some(at) = rest.windows(5).position(|w| w == b"/Type") {
        rest = &rest[at + 5..];
        let value = rest.trim_ascii_start();
        if let Some(after) = value.strip_prefix(b"/Page")
            && !after.first().is_some_and(u8::is_ascii_alphanumeric)
        {
            pages += 1;
        }
    }
    pages
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The installation's code in document numbers (HC: the first 4 hex digits of its id,
/// settable as `numbering.installation`), so two agents' numbers never collide.
pub fn installation_code(store: &Store) -> Result<String, ApiError> {
    if let Some(code) = store.setting("numbering.installation")? {
        return Ok(code);
    }
    Ok(store.installation_id()?.chars().filter(char::is_ascii_hexdigit).take(4).collect::<String>().to_uppercase())
}

/// The number prefix in force for a type: its `numbering.prefix.<type>` setting, else the default.
pub(crate) fn prefix(store: &Store, doc_type: &str) -> Result<String, ApiError> {
    let default = TYPES.iter().find(|(t, _)| *t == doc_type).map_or("DOC", |(_, p)| p);
    Ok(store.setting(&format!("numbering.prefix.{doc_type}"))?.unwrap_or_else(|| default.to_string()))
}

/// An issued PDF on its way out: its number and bytes.
pub struct Delivery<'a> {
    pub number: &'a str,
    pub pdf: &'a [u8],
}

/// Where an issued PDF goes (a file, the app's viewer). It runs inside the issue's
/// transaction, after the document's row is written and before the commit: if it fails,
/// nothing is recorded and the number is not used. A file it writes should be durable when
/// it returns (`paths::write_durably`), and removed by the caller if the issue then fails.
pub type Deliver<'a> = &'a mut dyn FnMut(&Delivery) -> Result<(), String>;

/// Whose a document is: the customer, and the account and order it concerns.
#[derive(Debug, Clone, Default)]
struct Owner {
    customer_id: Option<String>,
    account_id: Option<String>,
    order_id: Option<String>,
}

/// Issues a document from its JSON: checks, numbers, renders, delivers and records it.
pub fn issue(store: &mut Store, doc_type: &str, request: &Value, tariffs: &Tariffs, actor: &str, now: Moment, deliver: Deliver) -> Result<Issued, ApiError> {
    issue_for(store, doc_type, request, Owner::default(), tariffs, actor, now, deliver)
}

/// `issue`, recorded as the customer's (so it is listed with them): the account is the
/// customer's at the document's service, the order (by id or number) one of theirs.
#[allow(clippy::too_many_arguments)]
pub fn issue_for_customer(
    store: &mut Store,
    doc_type: &str,
    request: &Value,
    customer_id: &str,
    order: Option<&str>,
    tariffs: &Tariffs,
    actor: &str,
    now: Moment,
    deliver: Deliver,
) -> Result<Issued, ApiError> {
    let customer = store.customer(customer_id)?.ok_or_else(|| ApiError::NotFound(format!("customer {customer_id} not found")))?;
    let service = request.get("service").and_then(Value::as_str).unwrap_or("");
    let mut owner = Owner { customer_id: Some(customer.id.clone()), ..Owner::default() };
    match order {
        Some(wanted) => {
            let (account, order) = crate::drafts::find_order(&customer, wanted)?;
            if account.record.service != service {
                return Err(invalid("service", format!("order {} is of {}, not {service}", order.order_number, account.record.service)));
            }
            owner.account_id = Some(account.id.clone());
            owner.order_id = Some(order.id.clone());
        }
        None => owner.account_id = customer.accounts.iter().find(|a| a.record.service == service).map(|a| a.id.clone()),
    }
    issue_for(store, doc_type, request, owner, tariffs, actor, now, deliver)
}

#[allow(clippy::too_many_arguments)]
fn issue_for(
    store: &mut Store,
    doc_type: &str,
    request: &Value,
    owner: Owner,
    tariffs: &Tariffs,
    actor: &str,
    now: Moment,
    deliver: Deliver,
) -> Result<Issued, ApiError> {
    check_type("type", doc_type)?;
    let object = request.as_object().ok_or_else(|| invalid("document", "must be a JSON object"))?;
    if let Some(key) = object.keys().find(|k| !COMMON_FIELDS.contains(&k.as_str()) && !type_fields(doc_type).contains(&k.as_str())) {
        // An empty or blank key cannot name the field: the document is named, the key quoted.
        if key.trim().is_empty() {
            return Err(invalid("document", format!("has the key {key:?}, which is not a field of a {doc_type} document")));
        }
        return Err(invalid(key, format!("is not a field of a {doc_type} document")));
    }
    check_strings("", request)?;
    let input: DocInput = input::from_json(request.clone()).map_err(|misfit| match misfit.error {
        InputError::Missing(key) => invalid(&misfit.within(key), "missing"),
        _ => invalid(&misfit.path, misfit.error.to_string()),
    })?;
    let font = font()?;
    let today = time::japan_date(now);
    let issued_on = input.issued_on.as_deref().map(|d| date("issued_on", d)).transpose()?.unwrap_or(today);
    if issued_on > today {
        return Err(invalid("issued_on", format!("{issued_on} is after today ({today}); a document cannot be dated ahead")));
    }
    let issuer_record = match &input.issuer {
        Some(i) => issuer_record(i, font)?,
        None => store.issuer(&input.service)?.ok_or_else(|| {
            invalid("issuer", format!("no issuer is set for {} (madoguchi issuer set {} …) and the document names none", input.service, input.service))
        })?,
    };
    let issuer_warnings = check_issuer(&issuer_record)?;
    let issuer = issuer_from(issuer_record);
    let code = installation_code(store)?;
    let prefix = prefix(store, doc_type)?;
    let at = stamp(now);
    store.write_as(|tx| -> Result<Issued, ApiError> {
        let sequence = next_number(tx, doc_type)?;
        let number = format!("{prefix}-{code}-{sequence:06}");
        let (doc, model_warnings) = model(doc_type, &input, issuer, issued_on, today, number.clone(), tariffs, font)?;
        let pdf = madoguchi_pdf::render(&doc, font).map_err(|e| invalid("pdf", e.to_string()))?;
        let sha256 = sha256_hex(&pdf);
        let mut snapshot = object.clone();
        snapshot.insert("type".into(), json!(doc_type));
        snapshot.insert("number".into(), json!(number));
        snapshot.insert("issued_on".into(), json!(issued_on.to_string()));
        if input.issuer.is_none() {
            snapshot.insert(
                "issuer".into(),
                json!({
                    "name": doc.issuer.name, "postal_code": doc.issuer.postal_code, "address": doc.issuer.address,
                    "phone": doc.issuer.phone, "fax": doc.issuer.fax, "registration_number": doc.issuer.registration_number,
                }),
            );
        }
        insert_document(
            tx,
            &NewDocument {
                customer_id: owner.customer_id.as_deref(),
                account_id: owner.account_id.as_deref(),
                order_id: owner.order_id.as_deref(),
                doc_type,
                number: &number,
                issued_at: &at,
                reissue_of: None,
                snapshot: &Value::Object(snapshot).to_string(),
                pdf_sha256: &sha256,
            },
            actor,
        )?;
        deliver(&Delivery { number: &number, pdf: &pdf }).map_err(|e| invalid("out", e))?;
        Ok(Issued { number, pdf, sha256, warnings: issuer_warnings.into_iter().chain(model_warnings).collect() })
    })
}

/// Re-issues a document from the data it was issued with: same number, marked 再発行.
pub fn reissue(store: &mut Store, doc_type: &str, number: &str, tariffs: &Tariffs, actor: &str, now: Moment, deliver: Deliver) -> Result<Issued, ApiError> {
    let original = store.document(doc_type, number)?.ok_or_else(|| ApiError::NotFound(format!("{doc_type} {number} not found")))?;
    let mut snapshot: Map<String, Value> = serde_json::from_str(&original.snapshot).map_err(|e| ApiError::Failed(format!("snapshot of {number}: {e}")))?;
    for key in ["type", "number"] {
        snapshot.remove(key);
    }
    let issued_on = snapshot.get("issued_on").and_then(Value::as_str).map(|d| date("issued_on", d)).transpose()?.unwrap_or(time::japan_date(now));
    let input: DocInput = serde_json::from_value(Value::Object(snapshot)).map_err(|e| ApiError::Failed(format!("snapshot of {number}: {e}")))?;
    let font = font()?;
    let record = issuer_record(required("issuer", &input.issuer)?, font)?;
    // The issuer as issued is printed again, so its doubts are told again; what today's checks
    // refuse (a rule made stricter since) is told too, but does not stop the reissue.
    let issuer_warnings = match check_issuer(&record) {
        Ok(warnings) => warnings,
        Err(e) => vec![format!("発行時の発行者情報は今の確認に通りません（{e}）。発行時のまま再発行します。")],
    };
    let mut issuer = issuer_from(record);
    issuer.seal_png = store.issuer(&input.service)?.and_then(|r| r.seal_png);
    // The data as issued, on its original date: the rules held then. Only an estimate is
    // checked again, since the shop prints one only while it is valid (seed 001).
    let (mut doc, model_warnings) = model(doc_type, &input, issuer, issued_on, issued_on, number.to_string(), tariffs, font)?;
    let warnings: Vec<String> = issuer_warnings.into_iter().chain(model_warnings).collect();
    if let Body::Estimate { valid_until, .. } = &doc.body
        && time::japan_date(now) > *valid_until
    {
        return Err(invalid("number", format!("estimate {number} was valid until {valid_until}; it can no longer be issued (seed 001)")));
    }
    doc.reissue = true;
    let pdf = madoguchi_pdf::render(&doc, font).map_err(|e| ApiError::Failed(e.to_string()))?;
    let sha256 = sha256_hex(&pdf);
    let at = stamp(now);
    store.write(|tx| {
        insert_document(
            tx,
            &NewDocument {
                customer_id: original.customer_id.as_deref(),
                account_id: original.account_id.as_deref(),
                order_id: original.order_id.as_deref(),
                doc_type,
                number,
                issued_at: &at,
                reissue_of: Some(&original.id),
                snapshot: &original.snapshot,
                pdf_sha256: &sha256,
            },
            actor,
        )?;
        deliver(&Delivery { number, pdf: &pdf }).map_err(|e| madoguchi_store::StoreError::invalid("out", e))
    })?;
    Ok(Issued { number: number.to_string(), pdf, sha256, warnings })
}

/// Issues a delivery note, simple invoice or receipt for an order in the database.
#[allow(clippy::too_many_arguments)]
pub fn issue_for_order(
    store: &mut Store,
    doc_type: &str,
    order_number: &str,
    item_name: Option<&str>,
    tariffs: &Tariffs,
    actor: &str,
    now: Moment,
    deliver: Deliver,
) -> Result<Issued, ApiError> {
    if !FROM_ORDER.contains(&doc_type) {
        return Err(invalid("type", format!("a {doc_type} is not issued from an order (use --input)")));
    }
    let (customer_id, account_id, order_id) = store.order_owner(order_number)?.ok_or_else(|| ApiError::NotFound(format!("order {order_number} not found")))?;
    let customer = store.customer(&customer_id)?.ok_or_else(|| ApiError::NotFound(format!("customer {customer_id} not found")))?;
    let account = customer.accounts.iter().find(|a| a.id == account_id).ok_or_else(|| ApiError::NotFound("account".into()))?;
    let order = account.orders.iter().find(|o| o.id == order_id).ok_or_else(|| ApiError::NotFound("order".into()))?;
    let mut request = crate::drafts::order_document(&customer, account, order, doc_type);
    if let (Some(name), "receipt") = (item_name, doc_type) {
        request["item_name"] = json!(name);
    }
    let owner = Owner { customer_id: Some(customer_id), account_id: Some(account_id), order_id: Some(order_id) };
    issue_for(store, doc_type, &request, owner, tariffs, actor, now, deliver)
}

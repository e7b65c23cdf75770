//! A document JSON read and checked field by field (README: "Document JSON"): every string a
//! `FreeText` first, then each field parsed into its type with an error naming it (`lines[0].unit`),
//! texts checked for the bundled font's glyphs.

use chrono::NaiveDate;
use madoguchi_domain::document::PartyKind;
use madoguchi_domain::money::{TaxCategory, Yen};
use madoguchi_domain::text::{caps, format_postal, postal_digits};
use madoguchi_pdf::{FontData, ItemLine, Party};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ApiError;
use crate::customers::free_text;

/// Bounds that keep every total far inside exact decimal range (18-digit yen × these).
pub(super) const MAX_QUANTITY: u32 = 10_000;
pub(super) const MAX_LINES: usize = 1_000;

/// Checks every string of a document JSON as free text before anything else reads it, named
/// by its path (`recipient.name`, `lines[0].name`): item names and お品物名 at most
/// `caps::ITEM_NAME` characters, every other string `caps::LINE`; none may hold a card number.
pub(super) fn check_strings(path: &str, value: &Value) -> Result<(), ApiError> {
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

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct IssuerInput {
    pub(super) name: String,
    pub(super) postal_code: String,
    pub(super) address: String,
    pub(super) phone: String,
    pub(super) fax: Option<String>,
    pub(super) registration_number: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PartyInput {
    pub(super) name: String,
    /// person or company: decides the honorific when none is given.
    pub(super) kind: Option<String>,
    pub(super) honorific: Option<String>,
    pub(super) postal_code: Option<String>,
    pub(super) address: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LineInput {
    pub(super) name: String,
    pub(super) quantity: u32,
    pub(super) unit: String,
    pub(super) tax: String,
    #[serde(default)]
    pub(super) delivery_note: bool,
}

/// The JSON document (README: "Document JSON"). Fields not of the type are refused first.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DocInput {
    pub(super) service: String,
    pub(super) issued_on: Option<String>,
    pub(super) issuer: Option<IssuerInput>,
    pub(super) recipient: PartyInput,
    pub(super) estimated_on: Option<String>,
    pub(super) member: Option<bool>,
    pub(super) lines: Option<Vec<LineInput>>,
    pub(super) order_number: Option<String>,
    pub(super) ordered_on: Option<String>,
    pub(super) shipped_on: Option<String>,
    pub(super) payment: Option<String>,
    pub(super) item_name: Option<String>,
    pub(super) contract_date: Option<String>,
    pub(super) channel: Option<String>,
    pub(super) product: Option<String>,
    pub(super) amount: Option<String>,
    pub(super) seller: Option<PartyInput>,
    pub(super) sent_on: Option<String>,
    pub(super) salesperson: Option<String>,
    pub(super) credit_company: Option<String>,
    pub(super) stock: Option<String>,
    pub(super) customer_number: Option<String>,
    pub(super) received: Option<String>,
    pub(super) paid_through: Option<String>,
    pub(super) monthly_fee: Option<String>,
    pub(super) current_dealer: Option<String>,
    pub(super) new_dealer: Option<String>,
    pub(super) return_deadline: Option<String>,
    pub(super) return_fax: Option<String>,
}

pub(super) fn invalid(field: &str, reason: impl Into<String>) -> ApiError {
    ApiError::invalid(field, reason)
}

pub(super) fn required<'a, T>(field: &str, value: &'a Option<T>) -> Result<&'a T, ApiError> {
    value.as_ref().ok_or_else(|| invalid(field, "missing"))
}

pub(super) fn date(field: &str, text: &str) -> Result<NaiveDate, ApiError> {
    crate::quote::parse_date(text).map_err(|reason| invalid(field, reason))
}

pub(super) fn yen(field: &str, text: &str) -> Result<Yen, ApiError> {
    let yen = Yen::parse(text).map_err(|e| invalid(field, e.to_string()))?;
    if yen.is_negative() {
        return Err(invalid(field, "must not be negative"));
    }
    Ok(yen)
}

pub(super) fn text(field: &str, value: &str, font: &FontData) -> Result<String, ApiError> {
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
pub(super) fn party(field: &str, p: &PartyInput, font: &FontData) -> Result<Party, ApiError> {
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

pub(super) fn lines(input: &Option<Vec<LineInput>>, font: &FontData) -> Result<Vec<(ItemLine, bool)>, ApiError> {
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

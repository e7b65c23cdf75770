//! A document JSON read and checked field by field (README: "Document JSON"): every string a
//! `FreeText` first, then each field parsed into its type with an error naming it (`lines[0].unit`),
//! texts checked for the bundled font's glyphs.

use chrono::NaiveDate;
use madoguchi_domain::document::PartyKind;
use madoguchi_domain::issue::{COMMON_FIELDS, DocumentType};
use madoguchi_domain::money::{TaxCategory, Yen};
use madoguchi_domain::text::{caps, format_postal, postal_digits};
use madoguchi_pdf::{FontData, ItemLine, Party};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ApiError;
use crate::customers::free_text;
use crate::input::{InputError, Misfit, from_json};

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

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PartyInput {
    pub(super) name: String,
    /// person or company: decides the honorific when none is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) honorific: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) address: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LineInput {
    pub(super) name: String,
    pub(super) quantity: u32,
    pub(super) unit: String,
    pub(super) tax: String,
    /// A delivery note's lines only: whether the product allows one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) delivery_note: Option<bool>,
}

/// A document JSON (README: "Document JSON"): what every document has, and its type's own
/// fields. Written back as the same JSON (a draft), absent fields left out.
#[derive(Serialize)]
pub struct DocInput {
    #[serde(flatten)]
    pub(super) common: CommonInput,
    #[serde(flatten)]
    pub(super) own: OwnInput,
}

/// The fields of `issue::COMMON_FIELDS`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CommonInput {
    pub(super) service: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) issued_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) issuer: Option<IssuerInput>,
    pub(super) recipient: PartyInput,
}

/// A type's own fields (`DocumentType::fields`), in their declared order. Every field is
/// optional here: what a type requires is refused, naming it, by the rules that read it.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum OwnInput {
    Estimate(EstimateInput),
    DeliveryNote(DeliveryNoteInput),
    Invoice(InvoiceInput),
    Receipt(ReceiptInput),
    CoolingOff(Box<CoolingOffInput>),
    RefundClaim(RefundClaimInput),
    DealerChangeFax(DealerChangeFaxInput),
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EstimateInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) estimated_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) member: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) lines: Option<Vec<LineInput>>,
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DeliveryNoteInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) order_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) shipped_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) lines: Option<Vec<LineInput>>,
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct InvoiceInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) order_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) ordered_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) shipped_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) payment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) lines: Option<Vec<LineInput>>,
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ReceiptInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) order_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) shipped_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) payment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) item_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) lines: Option<Vec<LineInput>>,
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CoolingOffInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) contract_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) channel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) product: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) seller: Option<PartyInput>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) sent_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) salesperson: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) payment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) credit_company: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) stock: Option<String>,
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RefundClaimInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) customer_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) received: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) paid_through: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) monthly_fee: Option<String>,
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DealerChangeFaxInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) customer_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) current_dealer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) new_dealer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) return_deadline: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) return_fax: Option<String>,
}

impl OwnInput {
    pub(super) fn doc_type(&self) -> DocumentType {
        match self {
            OwnInput::Estimate(_) => DocumentType::Estimate,
            OwnInput::DeliveryNote(_) => DocumentType::DeliveryNote,
            OwnInput::Invoice(_) => DocumentType::Invoice,
            OwnInput::Receipt(_) => DocumentType::Receipt,
            OwnInput::CoolingOff(_) => DocumentType::CoolingOff,
            OwnInput::RefundClaim(_) => DocumentType::RefundClaim,
            OwnInput::DealerChangeFax(_) => DocumentType::DealerChangeFax,
        }
    }

    /// A type's own fields read from `fields`.
    fn read(doc: DocumentType, fields: Value) -> Result<OwnInput, Misfit> {
        Ok(match doc {
            DocumentType::Estimate => OwnInput::Estimate(from_json(fields)?),
            DocumentType::DeliveryNote => OwnInput::DeliveryNote(from_json(fields)?),
            DocumentType::Invoice => OwnInput::Invoice(from_json(fields)?),
            DocumentType::Receipt => OwnInput::Receipt(from_json(fields)?),
            DocumentType::CoolingOff => OwnInput::CoolingOff(from_json(fields)?),
            DocumentType::RefundClaim => OwnInput::RefundClaim(from_json(fields)?),
            DocumentType::DealerChangeFax => OwnInput::DealerChangeFax(from_json(fields)?),
        })
    }
}

impl DocInput {
    /// Reads a document of type `doc` whose keys are all fields of the type. Of several
    /// misfits, the one a single pass in key order meets first is told: a wrong value before a
    /// missing field, wrong values in the object's key order.
    pub(super) fn read(doc: DocumentType, object: &Map<String, Value>) -> Result<DocInput, Misfit> {
        let (common, own): (Map<String, Value>, Map<String, Value>) =
            object.iter().map(|(k, v)| (k.clone(), v.clone())).partition(|(k, _)| COMMON_FIELDS.iter().any(|f| f.name == k));
        match (from_json::<CommonInput>(Value::Object(common)), OwnInput::read(doc, Value::Object(own))) {
            (Ok(common), Ok(own)) => Ok(DocInput { common, own }),
            (Err(misfit), Ok(_)) | (Ok(_), Err(misfit)) => Err(misfit),
            (Err(a), Err(b)) => Err(if place(object, &b) < place(object, &a) { b } else { a }),
        }
    }
}

/// Where a single pass over `object` meets `misfit`: its key's position (a field missing inside
/// a party or a line is met there), a missing top-level field last.
fn place(object: &Map<String, Value>, misfit: &Misfit) -> usize {
    if matches!(misfit.error, InputError::Missing(_)) && misfit.path == "." {
        return usize::MAX;
    }
    let key = misfit.path.split(['.', '[']).next().unwrap_or_default();
    object.keys().position(|k| k == key).unwrap_or(usize::MAX)
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
            Ok((
                ItemLine { name: text(&field("name"), &l.name, font)?, quantity: l.quantity, unit, amount: unit.times(l.quantity), tax },
                l.delivery_note.unwrap_or(false),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().expect("an object")
    }

    #[test]
    fn each_type_reads_every_field_it_declares_and_writes_back_what_it_read() {
        let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/samples/documents");
        for doc in DocumentType::ALL {
            // Every declared field, null: the type's own struct has them all.
            let mut nulls = object(serde_json::json!({"service": "kaunet", "recipient": {"name": "森"}}));
            for field in doc.fields() {
                nulls.insert(field.name.to_string(), Value::Null);
            }
            let read = DocInput::read(doc, &nulls).unwrap_or_else(|m| panic!("{doc:?}: {}: {}", m.path, m.error));
            assert_eq!(read.own.doc_type(), doc);
            // A sample document reads and is written back as it was.
            let text = std::fs::read_to_string(samples.join(format!("{}.json", doc.id()))).expect("sample");
            let sample: Value = serde_json::from_str(&text).expect("JSON");
            let read = DocInput::read(doc, sample.as_object().expect("object")).unwrap_or_else(|m| panic!("{doc:?}: {}: {}", m.path, m.error));
            let mut written = serde_json::to_value(&read).expect("written");
            // The issuer is written as a snapshot keeps it: an absent FAX or T-number as null.
            if let Some(issuer) = written.get_mut("issuer").and_then(Value::as_object_mut) {
                issuer.retain(|_, v| !v.is_null());
            }
            assert_eq!(written, sample, "{doc:?}");
        }
    }

    #[test]
    fn of_several_misfits_the_first_in_key_order_is_told() {
        let cases = [
            (serde_json::json!({"service": "amano-shop", "lines": 5, "recipient": 7}), "lines"),
            (serde_json::json!({"service": "amano-shop", "recipient": 7, "lines": 5}), "recipient"),
            (serde_json::json!({"lines": 5}), "lines"),
            (serde_json::json!({"service": 1, "recipient": {"name": "森"}, "member": "yes"}), "service"),
            (serde_json::json!({"member": "yes", "service": 1, "recipient": {"name": "森"}}), "member"),
            (serde_json::json!({"service": "amano-shop", "member": true}), "."),
            (serde_json::json!({"service": "amano-shop", "recipient": {}, "lines": 5}), "recipient"),
            (serde_json::json!({"service": "amano-shop", "lines": [{"name": "x"}], "recipient": 5}), "lines[0]"),
        ];
        for (value, path) in cases {
            let misfit = DocInput::read(DocumentType::Estimate, &object(value.clone())).err().unwrap_or_else(|| panic!("{value} is refused"));
            assert_eq!(misfit.path, path, "{value}");
        }
    }
}

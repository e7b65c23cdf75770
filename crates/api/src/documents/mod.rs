//! Issuing documents: a JSON document (or an order in the database) is checked against the
//! seeds' issue rules, numbered, rendered with the bundled font, and recorded with the data
//! snapshot it was issued with and the PDF's SHA-256 — all in one transaction. Every string
//! of the JSON, and every issuer field, is a `FreeText` first (capped, no card number).
//! `input` reads the JSON, `model` applies the rules, `draft` fills one in from a customer,
//! `issuer` and `numbering` keep what the installation prints and how it numbers.

mod draft;
mod input;
mod issuer;
mod model;
mod numbering;

use std::sync::OnceLock;

use madoguchi_domain::issue::{COMMON_FIELDS, DocumentType, Field, FieldKind, PARTY_FIELDS};
use madoguchi_domain::time;
use madoguchi_pdf::{Body, FontData, Rendered};
use madoguchi_store::Store;
pub use madoguchi_store::documents::IssuerRecord;
use madoguchi_store::documents::{NewDocument, insert_document, next_number};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

pub use self::draft::draft;
use self::draft::{find_order, order_document};
pub use self::input::DocInput;
use self::input::{IssuerInput, check_strings, date, invalid, required};
pub use self::issuer::{MAX_SEAL_BYTES, check_issuer, issuer, set_issuer};
use self::issuer::{issuer_from, issuer_record};
use self::model::model;
pub use self::numbering::{installation_code, prefix};
use crate::customers::stamp;
use crate::input::InputError;
use crate::{ApiError, Context, wire};

/// The bundled font (Noto Sans JP, OFL): TrueType outlines, all JIS level 1 and 2 kanji.
const FONT: &[u8] = include_bytes!("../../../../assets/fonts/NotoSansJP-Regular.ttf");

/// The parsed bundled font, parsed once per process.
pub fn font() -> Result<&'static FontData, ApiError> {
    static FONT_DATA: OnceLock<Option<FontData>> = OnceLock::new();
    FONT_DATA.get_or_init(|| FontData::from_bytes(FONT).ok()).as_ref().ok_or_else(|| ApiError::Failed("the bundled font cannot be read".into()))
}

/// Every document type with its Japanese name, the number prefix in force, and whether it
/// is issued from an order.
pub fn types(store: &Store) -> Result<Vec<wire::DocumentType>, ApiError> {
    DocumentType::ALL
        .into_iter()
        .map(|doc| Ok(wire::DocumentType { doc_type: doc.id(), label: doc.label(), prefix: prefix(store, doc)?, from_order: doc.from_order() }))
        .collect()
}

/// Every document type's form as the domain declares it (README: Document JSON), for the
/// app to build its forms from.
pub fn forms() -> wire::DocumentForms {
    wire::DocumentForms {
        common_fields: COMMON_FIELDS.iter().map(form_field).collect(),
        types: DocumentType::ALL
            .into_iter()
            .map(|doc| wire::DocumentForm { doc_type: doc.id(), fields: doc.fields().iter().map(form_field).collect() })
            .collect(),
    }
}

fn form_field(field: &Field) -> wire::DocumentField {
    let (kind, choices, fields) = match field.kind {
        FieldKind::Date => ("date", None, None),
        FieldKind::Month => ("month", None, None),
        FieldKind::Yen => ("yen", None, None),
        FieldKind::Count => ("count", None, None),
        FieldKind::Text => ("text", None, None),
        FieldKind::Flag => ("flag", None, None),
        FieldKind::Choice(values) => {
            ("choice", Some(values.iter().map(|&(value, label)| wire::Choice { value: value.into(), label: label.into() }).collect()), None)
        }
        FieldKind::Party => ("party", None, Some(PARTY_FIELDS.iter().map(form_field).collect())),
        FieldKind::Issuer => ("issuer", None, None),
        FieldKind::Lines(columns) => ("lines", None, Some(columns.iter().map(form_field).collect())),
    };
    wire::DocumentField { name: field.name, kind, required: field.required, label: field.label, choices, fields }
}

/// The document type `doc_type` names, or an error naming `field` that lists the seven.
pub fn check_type(field: &str, doc_type: &str) -> Result<DocumentType, ApiError> {
    DocumentType::from_id(doc_type).ok_or_else(|| {
        let known: Vec<&str> = DocumentType::ALL.iter().map(|t| t.id()).collect();
        invalid(field, format!("unknown document type '{doc_type}' (known: {})", known.join(", ")))
    })
}

/// What `issue` produced.
pub struct Issued {
    pub number: String,
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub sha256: String,
    /// What the agent must read before the document goes out (Japanese, one sentence each).
    pub warnings: Vec<String>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
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
pub fn issue(store: &mut Store, doc_type: &str, request: &Value, ctx: Context, deliver: Deliver) -> Result<Issued, ApiError> {
    issue_for(store, check_type("type", doc_type)?, request, Owner::default(), ctx, deliver)
}

/// `issue`, recorded as the customer's (so it is listed with them): the account is the
/// customer's at the document's service, the order (by id or number) one of theirs.
pub fn issue_for_customer(
    store: &mut Store,
    doc_type: &str,
    request: &Value,
    customer_id: &str,
    order: Option<&str>,
    ctx: Context,
    deliver: Deliver,
) -> Result<Issued, ApiError> {
    let customer = store.customer(customer_id)?.ok_or_else(|| ApiError::NotFound(format!("customer {customer_id} not found")))?;
    let service = request.get("service").and_then(Value::as_str).unwrap_or("");
    let mut owner = Owner { customer_id: Some(customer.id.clone()), ..Owner::default() };
    match order {
        Some(wanted) => {
            let (account, order) = find_order(&customer, wanted)?;
            if account.record.service != service {
                return Err(invalid("service", format!("order {} is of {}, not {service}", order.order_number, account.record.service)));
            }
            owner.account_id = Some(account.id.clone());
            owner.order_id = Some(order.id.clone());
        }
        None => owner.account_id = customer.accounts.iter().find(|a| a.record.service == service).map(|a| a.id.clone()),
    }
    issue_for(store, check_type("type", doc_type)?, request, owner, ctx, deliver)
}

fn issue_for(store: &mut Store, doc: DocumentType, request: &Value, owner: Owner, ctx: Context, deliver: Deliver) -> Result<Issued, ApiError> {
    let doc_type = doc.id();
    let object = request.as_object().ok_or_else(|| invalid("document", "must be a JSON object"))?;
    if let Some(key) = object.keys().find(|k| !doc.has_field(k)) {
        // An empty or blank key cannot name the field: the document is named, the key quoted.
        if key.trim().is_empty() {
            return Err(invalid("document", format!("has the key {key:?}, which is not a field of a {doc_type} document")));
        }
        return Err(invalid(key, format!("is not a field of a {doc_type} document")));
    }
    check_strings("", request)?;
    let input = DocInput::read(doc, object).map_err(|misfit| match misfit.error {
        InputError::Missing(key) => invalid(&misfit.within(key), "missing"),
        _ => invalid(&misfit.path, misfit.error.to_string()),
    })?;
    let font = font()?;
    let today = time::japan_date(ctx.now);
    let issued_on = input.common.issued_on.as_deref().map(|d| date("issued_on", d)).transpose()?.unwrap_or(today);
    if issued_on > today {
        return Err(invalid("issued_on", format!("{issued_on} is after today ({today}); a document cannot be dated ahead")));
    }
    let service = &input.common.service;
    let issuer_record = match &input.common.issuer {
        Some(i) => issuer_record(i, font)?,
        None => store
            .issuer(service)?
            .ok_or_else(|| invalid("issuer", format!("no issuer is set for {service} (madoguchi issuer set {service} …) and the document names none")))?,
    };
    let issuer_warnings = check_issuer(&issuer_record)?;
    let issuer = issuer_from(issuer_record);
    let code = installation_code(store)?;
    let prefix = prefix(store, doc)?;
    let at = stamp(ctx.now);
    store.write_as(|tx| -> Result<Issued, ApiError> {
        let sequence = next_number(tx, doc_type)?;
        let number = format!("{prefix}-{code}-{sequence:06}");
        let (document, model_warnings) = model(&input, issuer, issued_on, today, number.clone(), ctx.tariffs)?;
        let Rendered { pdf, pages } = madoguchi_pdf::render(&document, font).map_err(|e| invalid("pdf", e.to_string()))?;
        let sha256 = sha256_hex(&pdf);
        let mut snapshot = object.clone();
        snapshot.insert("type".into(), Value::from(doc_type));
        snapshot.insert("number".into(), Value::from(number.as_str()));
        snapshot.insert("issued_on".into(), Value::from(issued_on.to_string()));
        if input.common.issuer.is_none() {
            // The stored issuer as printed, so that a re-issue prints it again.
            let printed = IssuerInput {
                name: document.issuer.name.clone(),
                postal_code: document.issuer.postal_code.clone(),
                address: document.issuer.address.clone(),
                phone: document.issuer.phone.clone(),
                fax: document.issuer.fax.clone(),
                registration_number: document.issuer.registration_number.clone(),
            };
            snapshot.insert("issuer".into(), serde_json::to_value(printed).map_err(|e| ApiError::Failed(e.to_string()))?);
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
            ctx.actor,
        )?;
        deliver(&Delivery { number: &number, pdf: &pdf }).map_err(|e| invalid("out", e))?;
        Ok(Issued { number, pdf, pages, sha256, warnings: issuer_warnings.into_iter().chain(model_warnings).collect() })
    })
}

/// Re-issues a document from the data it was issued with: same number, marked 再発行.
pub fn reissue(store: &mut Store, doc_type: &str, number: &str, ctx: Context, deliver: Deliver) -> Result<Issued, ApiError> {
    let not_found = || ApiError::NotFound(format!("{doc_type} {number} not found"));
    let doc = DocumentType::from_id(doc_type).ok_or_else(not_found)?;
    let original = store.document(doc_type, number)?.ok_or_else(not_found)?;
    let mut snapshot: Map<String, Value> = serde_json::from_str(&original.snapshot).map_err(|e| ApiError::Failed(format!("snapshot of {number}: {e}")))?;
    for key in ["type", "number"] {
        snapshot.remove(key);
    }
    let issued_on = snapshot.get("issued_on").and_then(Value::as_str).map(|d| date("issued_on", d)).transpose()?.unwrap_or(time::japan_date(ctx.now));
    let input = DocInput::read(doc, &snapshot).map_err(|misfit| ApiError::Failed(format!("snapshot of {number}: {}: {}", misfit.path, misfit.error)))?;
    let font = font()?;
    let record = issuer_record(required("issuer", &input.common.issuer)?, font)?;
    // The issuer as issued is printed again, so its doubts are told again; what today's checks
    // refuse (a rule made stricter since) is told too, but does not stop the reissue.
    let issuer_warnings = match check_issuer(&record) {
        Ok(warnings) => warnings,
        Err(e) => vec![format!("発行時の発行者情報は今の確認に通りません（{e}）。発行時のまま再発行します。")],
    };
    let mut issuer = issuer_from(record);
    issuer.seal_png = store.issuer(&input.common.service)?.and_then(|r| r.seal_png);
    // The data as issued, on its original date: the rules held then. Only an estimate is
    // checked again, since the shop prints one only while it is valid (seed 001).
    let (mut document, model_warnings) = model(&input, issuer, issued_on, issued_on, number.to_string(), ctx.tariffs)?;
    let warnings: Vec<String> = issuer_warnings.into_iter().chain(model_warnings).collect();
    if let Body::Estimate { valid_until, .. } = &document.body
        && time::japan_date(ctx.now) > *valid_until
    {
        return Err(invalid("number", format!("estimate {number} was valid until {valid_until}; it can no longer be issued (seed 001)")));
    }
    document.reissue = true;
    let Rendered { pdf, pages } = madoguchi_pdf::render(&document, font).map_err(|e| ApiError::Failed(e.to_string()))?;
    let sha256 = sha256_hex(&pdf);
    let at = stamp(ctx.now);
    store.write_as(|tx| -> Result<(), ApiError> {
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
            ctx.actor,
        )?;
        deliver(&Delivery { number, pdf: &pdf }).map_err(|e| invalid("out", e))
    })?;
    Ok(Issued { number: number.to_string(), pdf, pages, sha256, warnings })
}

/// Issues a delivery note, simple invoice or receipt for an order in the database.
pub fn issue_for_order(
    store: &mut Store,
    doc_type: &str,
    order_number: &str,
    item_name: Option<&str>,
    ctx: Context,
    deliver: Deliver,
) -> Result<Issued, ApiError> {
    let Some(doc) = DocumentType::from_id(doc_type).filter(|d| d.from_order()) else {
        return Err(invalid("type", format!("a {doc_type} is not issued from an order (use --input)")));
    };
    let (customer_id, account_id, order_id) = store.order_owner(order_number)?.ok_or_else(|| ApiError::NotFound(format!("order {order_number} not found")))?;
    let customer = store.customer(&customer_id)?.ok_or_else(|| ApiError::NotFound(format!("customer {customer_id} not found")))?;
    let account = customer.accounts.iter().find(|a| a.id == account_id).ok_or_else(|| ApiError::NotFound("account".into()))?;
    let order = account.orders.iter().find(|o| o.id == order_id).ok_or_else(|| ApiError::NotFound("order".into()))?;
    let mut input = order_document(&customer, account, order, doc, None);
    if let input::OwnInput::Receipt(receipt) = &mut input.own {
        receipt.item_name = item_name.map(str::to_string);
    }
    let request = serde_json::to_value(&input).map_err(|e| ApiError::Failed(e.to_string()))?;
    let owner = Owner { customer_id: Some(customer_id), account_id: Some(account_id), order_id: Some(order_id) };
    issue_for(store, doc, &request, owner, ctx, deliver)
}

//! The issuer printed on a service's documents: checked (every text a `FreeText`, the postal
//! code, the phones, the registration number's check digit) before it is stored or printed.

use madoguchi_domain::document as rules;
use madoguchi_domain::tariff::Service;
use madoguchi_domain::text::{caps, postal_digits, valid_phone};
use madoguchi_domain::time::Moment;
use madoguchi_pdf::{FontData, Issuer};
use madoguchi_store::Store;
use madoguchi_store::documents::IssuerRecord;

use super::input::{IssuerInput, invalid, text};
use crate::ApiError;
use crate::customers::{free_text, stamp};

/// The issuer a JSON document names (or a snapshot kept), its text checked for the font.
pub(super) fn issuer_record(i: &IssuerInput, font: &FontData) -> Result<IssuerRecord, ApiError> {
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

pub(super) fn issuer_from(record: IssuerRecord) -> Issuer {
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
/// returns `check_issuer`'s warnings. Every text field trimmed, a blank FAX or T-number absent, before the checks.
pub fn set_issuer(store: &mut Store, service: &str, issuer: IssuerRecord, actor: &str, now: Moment) -> Result<Vec<String>, ApiError> {
    if Service::from_id(service).is_none() {
        return Err(invalid("service", format!("unknown service '{service}'")));
    }
    let optional = |text: Option<String>| text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let issuer = IssuerRecord {
        name: issuer.name.trim().to_string(),
        postal_code: issuer.postal_code.trim().to_string(),
        address: issuer.address.trim().to_string(),
        phone: issuer.phone.trim().to_string(),
        fax: optional(issuer.fax),
        registration_number: optional(issuer.registration_number),
        seal_png: issuer.seal_png,
    };
    let warnings = check_issuer(&issuer)?;
    if let Some(png) = &issuer.seal_png
        && !png.starts_with(b"\x89PNG\r\n\x1a\n")
    {
        return Err(invalid("seal", "is not a PNG image"));
    }
    store.set_issuer(service, &issuer, actor, &stamp(now))?;
    Ok(warnings)
}

//! The customer use cases: open the database, search the one box, show a customer, add a
//! call note (capped, card numbers refused: `FreeText`), edit or delete a customer, seed
//! synthetic data, check integrity; the addresses of a postal code.

use std::path::Path;

use madoguchi_domain::{customer, postal};

use madoguchi_domain::text::{self, FreeText, caps, format_postal};
use madoguchi_domain::time::{self, Moment};
use madoguchi_store::{Store, synth::SeedReport};

use crate::ApiError;
use crate::wire;

/// Opens the database at `path` (creating its folder and the file, and migrating, as needed).
pub fn open(path: &Path, now: Moment) -> Result<Store, ApiError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| ApiError::io(parent, e))?;
    }
    let mut store = Store::open(path, &stamp(now))?;
    store.set_wall_clock(crate::clock::unix_millis)?;
    Ok(store)
}

/// The text form of a moment stored in rows: RFC 3339 in +09:00, to the second.
pub fn stamp(now: Moment) -> String {
    time::in_japan(now).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// The most results one search gives.
pub const MAX_LOOKUP: usize = 1000;

/// The search box: ranked results (at most `limit`, from 1 to `MAX_LOOKUP`), each saying which
/// field matched.
pub fn lookup(store: &Store, query: &str, limit: usize) -> Result<wire::Lookup, ApiError> {
    if !(1..=MAX_LOOKUP).contains(&limit) {
        return Err(ApiError::invalid("limit", format!("must be from 1 to {MAX_LOOKUP}")));
    }
    let hits = store.lookup(query, limit)?;
    Ok(wire::Lookup { query: query.to_string(), results: hits.iter().map(wire::Hit::from).collect() })
}

/// One customer with accounts, orders, documents, requests and notes.
pub fn customer(store: &Store, id: &str) -> Result<wire::Customer, ApiError> {
    let view = store.customer(id)?.ok_or_else(|| ApiError::NotFound(format!("customer {id} not found")))?;
    Ok(wire::Customer::from(&view))
}

/// Checks free text for `field` (at most `max_chars`, no payment-card number: card data lives
/// with the payment processor, seeds 000 and 001), naming the field when it is refused.
pub fn free_text(field: &str, text: &str, max_chars: usize) -> Result<FreeText, ApiError> {
    Ok(FreeText::new(field, text, max_chars)?)
}

/// Adds a call note to a customer; returns the note's id.
pub fn add_note(store: &mut Store, customer_id: &str, author: &str, body: &str, now: Moment) -> Result<String, ApiError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(ApiError::invalid("note", "is empty"));
    }
    let body = free_text("note", body, caps::NOTE)?;
    if author.trim().is_empty() {
        return Err(ApiError::invalid("agent", "is empty"));
    }
    let author = free_text("agent", author, caps::LINE)?;
    let at = stamp(now);
    Ok(store.write(|tx| madoguchi_store::customers::add_note(tx, customer_id, author.as_str(), &body, &at))?)
}

/// Adds `count` synthetic customers (all or nothing); `progress(done)` may return false to cancel.
pub fn seed(store: &mut Store, count: u64, seed: u64, now: Moment, progress: &mut dyn FnMut(u64) -> bool) -> Result<SeedReport, ApiError> {
    if count == 0 {
        return Err(ApiError::invalid("customers", "must be at least 1"));
    }
    let today = time::japan_date(now).signed_duration_since(chrono::NaiveDate::default()).num_days();
    let report = store.seed(count, seed, today, &stamp(now), progress)?;
    store.optimize()?;
    Ok(report)
}

/// How many customers the database holds.
pub fn customer_count(store: &Store) -> Result<u64, ApiError> {
    let counts = store.counts()?;
    Ok(counts.iter().find(|(table, _)| *table == "customers").map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0)))
}

/// SQLite's integrity checks and the search index's; the problems found.
pub fn check(store: &Store) -> Result<Vec<String>, ApiError> {
    Ok(store.check()?)
}

/// Changes a customer's own fields, given as (field, value): name, name_kana, address,
/// postal_code, prefecture, birth_date (empty clears it). Each value is a `FreeText` (at most
/// 200 characters, no card number) and is checked as the import checks it; the first bad one
/// is refused, naming its field, and nothing is written.
pub fn edit(store: &mut Store, id: &str, given: &[(String, String)], actor: &str, now: Moment) -> Result<usize, ApiError> {
    let mut fields: Vec<(&'static str, Option<FreeText>)> = Vec::new();
    for (key, value) in given {
        let value = value.trim();
        free_text(key, value, caps::LINE)?;
        let checked = match key.as_str() {
            "name" | "address" if value.is_empty() => Err(format!("must be 1–{} characters", caps::LINE)),
            "name" => Ok(("name", Some(value.to_string()))),
            "address" => Ok(("address", Some(value.to_string()))),
            "name_kana" => customer::check_name_kana(value).map(|()| ("name_kana", Some(value.to_string()))),
            "postal_code" => customer::check_postal_code(value).map(|p| ("postal_code", Some(p))),
            "prefecture" => customer::check_prefecture(value).map(|_| ("prefecture", Some(value.to_string()))),
            "birth_date" if value.is_empty() => Ok(("birth_date", None)),
            "birth_date" => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map_err(|_| format!("'{value}' is not a date YYYY-MM-DD"))
                .and_then(|d| customer::check_birth_date(d, time::japan_date(now)).map(|()| ("birth_date", Some(d.to_string())))),
            _ => {
                return Err(ApiError::invalid(
                    "field",
                    format!("'{key}' is not a field that can be changed (name, name_kana, address, postal_code, prefecture, birth_date)"),
                ));
            }
        };
        let (column, stored) = checked.map_err(|reason| ApiError::invalid(key.clone(), reason))?;
        fields.push((column, stored.map(|s| free_text(key, &s, caps::LINE)).transpose()?));
    }
    if fields.is_empty() {
        return Err(ApiError::invalid("field", "give at least one field=value"));
    }
    let at = stamp(now);
    Ok(store.write(|tx| madoguchi_store::customers::update_customer(tx, id, &fields, actor, &at))?)
}

/// Deletes a customer and everything filed under them except issued documents, which stay
/// with the reference to the customer cleared. Other installations delete it too when they
/// import the change, by the same rule.
pub fn delete(store: &mut Store, id: &str, actor: &str, now: Moment) -> Result<(), ApiError> {
    let at = stamp(now);
    Ok(store.write(|tx| madoguchi_store::customers::delete_customer(tx, id, actor, &at))?)
}

/// 名寄せ: the customers likely the same person as `id` (a shared phone or email and the same
/// kana or birth date, `duplicates::likely_same`): `[{id, name, name_kana, accounts:
/// [{service, customer_number}], reasons, reason_ja}]`. An unknown id is not found.
pub fn duplicates(store: &Store, id: &str) -> Result<Vec<wire::Duplicate>, ApiError> {
    if store.customer(id)?.is_none() {
        return Err(ApiError::NotFound(format!("customer {id} not found")));
    }
    Ok(store.likely_duplicates(id)?.iter().map(wire::Duplicate::from).collect())
}

/// 名寄せ: merges customer `other` into `keep` in one transaction, every move audited (see
/// `store::merge::merge_customers`); returns what moved: `{keep, other, other_name, accounts,
/// orders, documents, requests, request_history, call_notes, phones: {moved, dropped},
/// emails: {moved, dropped}, filled}` (`filled`: the kept customer's empty fields taken from
/// the other, `birth_date`, `prefecture`, `postal_code`, `address`). Refused on `other` for one customer twice, on `keep` or
/// `other` for an unknown id; nothing is written then.
pub fn merge(store: &mut Store, keep: &str, other: &str, actor: &str, now: Moment) -> Result<wire::Merged, ApiError> {
    let (keep, other) = (keep.trim(), other.trim());
    for (field, id) in [("keep", keep), ("other", other)] {
        if id.is_empty() {
            return Err(ApiError::invalid(field, "give a customer id"));
        }
    }
    let at = stamp(now);
    Ok(store.merge_customers(keep, other, actor, &at)?.into())
}

/// The addresses of a postal code by Japan Post's table (`madoguchi postal`, the app's
/// `postal_addresses`): `{postal_code, addresses: [{prefecture, city, town, note, office}],
/// table: {package, data_date}}`; an unknown code has no addresses (not an error). A text
/// that is not seven digits is refused on `postal_code`.
pub fn postal_addresses(postal_code: &str) -> Result<wire::PostalAddresses, ApiError> {
    free_text("postal_code", postal_code, caps::LINE)?;
    let digits = text::postal_digits(postal_code)
        .ok_or_else(|| ApiError::invalid("postal_code", format!("'{}' is not a postal code of 7 digits", postal_code.trim())))?;
    Ok(wire::PostalAddresses {
        postal_code: format_postal(&digits),
        addresses: postal::lookup(&digits).iter().map(wire::PostalAddress::from).collect(),
        table: postal::table_info().into(),
    })
}

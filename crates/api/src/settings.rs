//! Installation settings: the numbering code of this installation, the number prefix of each
//! document type, the agent's name, the folder the app writes issued PDFs to, the shared
//! folder it syncs through, the office's hub (its URL, the timer, the last sync). Each key is checked before it is stored, its value a `FreeText`
//! (capped, no card number) first.

use madoguchi_domain::issue::DocumentType;
use madoguchi_domain::text::caps;
use madoguchi_domain::time::Moment;
use madoguchi_store::Store;

use crate::ApiError;
use crate::customers::{free_text, stamp};

/// Checks a setting's key and value; the reason names what is wrong.
fn check(key: &str, value: &str) -> Result<(), ApiError> {
    let code = |max: usize| !value.is_empty() && value.len() <= max && value.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    match key {
        "numbering.installation" if code(6) => Ok(()),
        "numbering.installation" => Err(ApiError::invalid(key, "must be 1–6 capital letters or digits (it is printed in every document number)")),
        "agent.name" if !value.trim().is_empty() && value.chars().count() <= 40 => Ok(()),
        "agent.name" => Err(ApiError::invalid(key, "must be 1–40 characters")),
        "documents.dir" | "sync.dir" if std::path::Path::new(value).is_absolute() && value.chars().count() <= 1000 => Ok(()),
        "documents.dir" | "sync.dir" => Err(ApiError::invalid(key, "must be an absolute folder path (at most 1000 characters)")),
        "sync.hub" => hub_url(value).map_err(|reason| ApiError::invalid(key, reason)),
        "sync.hub.every" if value == "0" || value.parse::<u32>().is_ok_and(|m| (5..=1440).contains(&m)) => Ok(()),
        "sync.hub.every" => Err(ApiError::invalid(key, "must be 0 (no timer) or minutes from 5 to 1440")),
        "sync.hub.last" if chrono::DateTime::parse_from_rfc3339(value).is_ok() => Ok(()),
        "sync.hub.last" => Err(ApiError::invalid(key, "must be a moment (RFC 3339)")),
        _ => match key.strip_prefix("numbering.prefix.") {
            Some(doc_type) if DocumentType::from_id(doc_type).is_some() => {
                if code(4) && value.bytes().next().is_some_and(|b| b.is_ascii_uppercase()) {
                    Ok(())
                } else {
                    Err(ApiError::invalid(key, "must be 1–4 capital letters or digits, starting with a letter"))
                }
            }
            _ => Err(ApiError::invalid(
                "key",
                format!(
                    "'{key}' is not a setting (numbering.installation, numbering.prefix.<type>, agent.name, documents.dir, sync.dir, sync.hub, sync.hub.every, sync.hub.last)"
                ),
            )),
        },
    }
}

/// The office's hub: a `postgres://` URL naming its role, host and database, never a password
/// (that is kept in the keychain), read by the PostgreSQL client's own parser, as the hub
/// connection reads it (its rules for TLS are checked when it connects).
fn hub_url(value: &str) -> Result<(), String> {
    if !value.starts_with("postgres://") && !value.starts_with("postgresql://") {
        return Err("must be a postgres:// URL (postgres://ROLE@HOST/DATABASE?sslmode=require)".into());
    }
    let config = value.parse::<postgres::Config>().map_err(|_| "is not a PostgreSQL URL (postgres://ROLE@HOST/DATABASE?sslmode=require)".to_string())?;
    if config.get_password().is_some() {
        return Err("must not hold a password: it is kept in the keychain".into());
    }
    if config.get_user().is_none() || config.get_hosts().is_empty() || config.get_dbname().is_none() {
        return Err("must name the role, the host and the database (postgres://ROLE@HOST/DATABASE)".into());
    }
    if value.chars().count() > 1000 || value.chars().any(char::is_whitespace) {
        return Err("must be one URL without spaces (at most 1000 characters)".into());
    }
    Ok(())
}

/// Refuses a number prefix that another document type has in force (its setting, or its
/// default when it has none): two types with one prefix would print look-alike numbers.
fn unique_prefix(store: &Store, key: &str, value: &str) -> Result<(), ApiError> {
    let Some(doc_type) = key.strip_prefix("numbering.prefix.") else { return Ok(()) };
    for other in DocumentType::ALL.into_iter().filter(|t| t.id() != doc_type) {
        let other_id = other.id();
        if crate::documents::prefix(store, other)? == value {
            return Err(ApiError::invalid(
                key,
                format!("{value} is already the prefix of {other_id} (numbering.prefix.{other_id}); each document type needs its own"),
            ));
        }
    }
    Ok(())
}

/// Sets a setting after checking its value: a `FreeText` of at most 1000 characters, then the
/// key's own rule.
pub fn set(store: &mut Store, key: &str, value: &str, actor: &str, now: Moment) -> Result<(), ApiError> {
    let value = free_text(key, value, caps::SETTING)?;
    check(key, value.as_str())?;
    unique_prefix(store, key, value.as_str())?;
    Ok(store.set_setting(key, &value, actor, &stamp(now))?)
}

pub fn get(store: &Store, key: &str) -> Result<Option<String>, ApiError> {
    Ok(store.setting(key)?)
}

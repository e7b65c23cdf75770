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

/// The installation's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// `numbering.installation`: the installation's code in document numbers.
    Installation,
    /// `numbering.prefix.<type>`: a document type's number prefix.
    Prefix(DocumentType),
    /// `agent.name`: the agent the audit log and the bundles name.
    AgentName,
    /// `documents.dir`: where the app writes issued PDFs.
    DocumentsDir,
    /// `sync.dir`: the shared folder the app syncs through.
    SyncDir,
    /// `sync.hub`: the office's hub.
    SyncHub,
    /// `sync.hub.every`: minutes between hub syncs (0: no timer).
    SyncHubEvery,
    /// `sync.hub.last`: when the hub was last synced.
    SyncHubLast,
}

impl Setting {
    const PLAIN: [Setting; 7] =
        [Setting::Installation, Setting::AgentName, Setting::DocumentsDir, Setting::SyncDir, Setting::SyncHub, Setting::SyncHubEvery, Setting::SyncHubLast];

    /// The key it is stored under.
    pub fn key(self) -> String {
        match self {
            Setting::Installation => "numbering.installation".into(),
            Setting::Prefix(doc) => format!("numbering.prefix.{}", doc.id()),
            Setting::AgentName => "agent.name".into(),
            Setting::DocumentsDir => "documents.dir".into(),
            Setting::SyncDir => "sync.dir".into(),
            Setting::SyncHub => "sync.hub".into(),
            Setting::SyncHubEvery => "sync.hub.every".into(),
            Setting::SyncHubLast => "sync.hub.last".into(),
        }
    }

    /// The setting `key` names, or an error on `key` listing them.
    pub fn parse(key: &str) -> Result<Setting, ApiError> {
        let prefix = key.strip_prefix("numbering.prefix.").and_then(DocumentType::from_id).map(Setting::Prefix);
        prefix.or_else(|| Setting::PLAIN.into_iter().find(|s| s.key() == key)).ok_or_else(|| {
            ApiError::invalid(
                "key",
                format!(
                    "'{key}' is not a setting (numbering.installation, numbering.prefix.<type>, agent.name, documents.dir, sync.dir, sync.hub, sync.hub.every, sync.hub.last)"
                ),
            )
        })
    }
}

/// Checks a setting's value; the reason names what is wrong.
fn check(setting: Setting, value: &str) -> Result<(), ApiError> {
    let code = |max: usize| !value.is_empty() && value.len() <= max && value.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    let refuse = |reason: &str| Err(ApiError::invalid(setting.key(), reason));
    match setting {
        Setting::Installation if code(6) => Ok(()),
        Setting::Installation => refuse("must be 1–6 capital letters or digits (it is printed in every document number)"),
        Setting::Prefix(_) if code(4) && value.bytes().next().is_some_and(|b| b.is_ascii_uppercase()) => Ok(()),
        Setting::Prefix(_) => refuse("must be 1–4 capital letters or digits, starting with a letter"),
        Setting::AgentName if !value.trim().is_empty() && value.chars().count() <= 40 => Ok(()),
        Setting::AgentName => refuse("must be 1–40 characters"),
        Setting::DocumentsDir | Setting::SyncDir if std::path::Path::new(value).is_absolute() && value.chars().count() <= 1000 => Ok(()),
        Setting::DocumentsDir | Setting::SyncDir => refuse("must be an absolute folder path (at most 1000 characters)"),
        Setting::SyncHub => hub_url(value).map_err(|reason| ApiError::invalid(setting.key(), reason)),
        Setting::SyncHubEvery if value == "0" || value.parse::<u32>().is_ok_and(|m| (5..=1440).contains(&m)) => Ok(()),
        Setting::SyncHubEvery => refuse("must be 0 (no timer) or minutes from 5 to 1440"),
        Setting::SyncHubLast if chrono::DateTime::parse_from_rfc3339(value).is_ok() => Ok(()),
        Setting::SyncHubLast => refuse("must be a moment (RFC 3339)"),
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
fn unique_prefix(store: &Store, setting: Setting, value: &str) -> Result<(), ApiError> {
    let Setting::Prefix(doc) = setting else { return Ok(()) };
    for other in DocumentType::ALL.into_iter().filter(|t| *t != doc) {
        if crate::documents::prefix(store, other)? == value {
            let other = other.id();
            return Err(ApiError::invalid(
                setting.key(),
                format!("{value} is already the prefix of {other} (numbering.prefix.{other}); each document type needs its own"),
            ));
        }
    }
    Ok(())
}

/// Sets a setting after checking its value: a `FreeText` of at most 1000 characters, then the
/// key's own rule.
pub fn set(store: &mut Store, key: &str, value: &str, actor: &str, now: Moment) -> Result<(), ApiError> {
    let value = free_text(key, value, caps::SETTING)?;
    let setting = Setting::parse(key)?;
    check(setting, value.as_str())?;
    unique_prefix(store, setting, value.as_str())?;
    Ok(store.set_setting(key, &value, actor, &stamp(now))?)
}

/// Who acts when the installation names no agent (`agent.name`): `given` (the command line's
/// `--agent`, the app's start option), else `$MADOGUCHI_AGENT`, else `$USER`, else "agent";
/// a blank one is skipped.
pub fn default_agent(given: Option<String>) -> String {
    given
        .into_iter()
        .chain(std::env::var("MADOGUCHI_AGENT").ok())
        .chain(std::env::var("USER").ok())
        .find(|a| !a.trim().is_empty())
        .unwrap_or_else(|| "agent".into())
}

pub fn get(store: &Store, setting: Setting) -> Result<Option<String>, ApiError> {
    Ok(store.setting(&setting.key())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_reads_back_from_its_key_and_nothing_else_is_one() {
        let all = Setting::PLAIN.into_iter().chain(DocumentType::ALL.into_iter().map(Setting::Prefix));
        for setting in all {
            assert_eq!(Setting::parse(&setting.key()).expect("a setting"), setting);
        }
        for key in ["numbering.prefix.postcard", "numbering.prefix.", "agent", "sync.hub.lasts", ""] {
            let Err(ApiError::Invalid { field, .. }) = Setting::parse(key) else { panic!("{key} is not a setting") };
            assert_eq!(field, "key");
        }
    }
}

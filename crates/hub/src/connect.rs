//! Connecting to the hub: the URL (`postgres://ROLE@HOST:PORT/DB?sslmode=require`, never with
//! a password in it), the password from a file only the user can read or from the operating
//! system's keychain (`keyring`: Keychain on macOS, Credential Manager on Windows), and TLS
//! through the platform's own library whenever the URL's `sslmode` asks for it.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use postgres::{Client, Config};
use postgres_native_tls::MakeTlsConnector;

use crate::HubError;

/// Where the password comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Password {
    /// A file readable by its owner only (its first line).
    File(PathBuf),
    /// The operating system's keychain, saved there by `save_password` (`madoguchi hub login`).
    Keychain,
}

/// The keychain's service name for hub passwords.
const KEYCHAIN_SERVICE: &str = "madoguchi-hub";

/// The URL parsed and checked: a role, a host and a database are named, no password is.
fn config(url: &str) -> Result<Config, HubError> {
    let mut config = Config::from_str(url.trim()).map_err(|e| HubError::invalid("url", format!("is not a PostgreSQL URL ({e})")))?;
    if config.get_password().is_some() {
        return Err(HubError::invalid(
            "url",
            "carries a password; give it in a file readable by you only (--password-file) or keep it in the keychain (madoguchi hub login)",
        ));
    }
    if config.get_user().is_none_or(str::is_empty) {
        return Err(HubError::invalid("url", "names no role (postgres://ROLE@HOST/DB)"));
    }
    if config.get_hosts().is_empty() {
        return Err(HubError::invalid("url", "names no host (postgres://ROLE@HOST/DB)"));
    }
    // Past this computer, the sign-in and every change go through TLS, the server's certificate
    // checked by the platform and the session bound to it (channel binding): `prefer` would let
    // a man in the middle strip it.
    let local = config.get_hosts().iter().all(|host| match host {
        postgres::config::Host::Tcp(name) => matches!(name.as_str(), "localhost" | "127.0.0.1" | "::1"),
        #[cfg(unix)]
        postgres::config::Host::Unix(_) => true,
    });
    match config.get_ssl_mode() {
        postgres::config::SslMode::Require => {
            config.channel_binding(postgres::config::ChannelBinding::Require);
        }
        _ if !local => return Err(HubError::invalid("url", "a hub on another computer needs ?sslmode=require (TLS, its certificate checked)")),
        _ => {}
    }
    Ok(config)
}

/// The keychain entry of a URL's role at its host, port and database.
fn keychain_entry(config: &Config) -> Result<keyring::Entry, HubError> {
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(host)) => host.clone(),
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(path)) => path.display().to_string(),
        None => String::new(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let account = format!("{}@{host}:{port}/{}", config.get_user().unwrap_or_default(), config.get_dbname().unwrap_or_default());
    keyring::Entry::new(KEYCHAIN_SERVICE, &account).map_err(|e| HubError::invalid("keychain", e.to_string()))
}

/// A password file's first line; refused when others may read it (Unix permissions).
fn read_password_file(path: &Path) -> Result<String, HubError> {
    let field = "password-file";
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_err(|e| HubError::invalid(field, format!("{}: {e}", path.display())))?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(HubError::invalid(field, format!("{} may be read by others (mode {:o}): chmod 600 it", path.display(), mode & 0o777)));
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| HubError::invalid(field, format!("{}: {e}", path.display())))?;
    let password = text.lines().next().unwrap_or_default().to_string();
    if password.is_empty() {
        return Err(HubError::invalid(field, format!("{} is empty", path.display())));
    }
    Ok(password)
}

/// Connects to the hub at `url` as its role, with the password from `password`. A refused
/// sign-in or an unreachable hub is said as such; the password is never part of an error.
pub fn connect(url: &str, password: &Password) -> Result<Client, HubError> {
    let mut config = config(url)?;
    let secret = match password {
        Password::File(path) => read_password_file(path)?,
        Password::Keychain => keychain_entry(&config)?.get_password().map_err(|e| match e {
            keyring::Error::NoEntry => HubError::invalid("password", "none is kept in the keychain for this hub and role: madoguchi hub login --url URL"),
            other => HubError::invalid("keychain", other.to_string()),
        })?,
    };
    config.password(secret);
    config.application_name("madoguchi");
    config.connect_timeout(Duration::from_secs(15));
    let tls = native_tls::TlsConnector::new().map_err(|e| HubError::invalid("tls", e.to_string()))?;
    Ok(config.connect(MakeTlsConnector::new(tls))?)
}

/// Keeps the password of `url`'s role in the operating system's keychain.
pub fn save_password(url: &str, password: &str) -> Result<(), HubError> {
    if password.is_empty() {
        return Err(HubError::invalid("password", "is empty"));
    }
    keychain_entry(&config(url)?)?.set_password(password).map_err(|e| HubError::invalid("keychain", e.to_string()))
}

/// Removes the password of `url`'s role from the keychain (nothing when none is kept).
pub fn forget_password(url: &str) -> Result<(), HubError> {
    match keychain_entry(&config(url)?)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(HubError::invalid("keychain", e.to_string())),
    }
}

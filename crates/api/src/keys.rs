//! Who signs and whom to trust: this installation's Ed25519 key pair (its private half in a
//! file of the app-data folder that only the user can read), the fingerprints people compare
//! by phone, and the trust list (`madoguchi trust …`, 設定 → 同期). A bundle is imported only
//! when signed by this installation's key or a trusted one (docs/bundle-format.md).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use madoguchi_domain::text::{FreeText, caps};
use madoguchi_domain::time::Moment;
use madoguchi_store::Store;
use madoguchi_store::trust::TrustedKey;
use sha2::{Digest, Sha256};

use crate::ApiError;
use crate::customers::stamp;
use crate::settings::Setting;
use crate::{paths, settings};

/// The folder of the installations' private keys: `<data folder>/keys`.
pub fn default_dir() -> Result<PathBuf, ApiError> {
    Ok(paths::data_dir()?.join("keys"))
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes of exactly `N` from hex text (either case), or none.
pub fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.as_bytes();
    if text.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (i, pair) in text.chunks(2).enumerate() {
        out[i] = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(out)
}

/// What people compare to know a key: the first 16 bytes of its SHA-256, as eight groups of
/// four upper-case hex digits (`3F2A-91C0-…`).
pub fn fingerprint(key: &VerifyingKey) -> String {
    let digest = Sha256::digest(key.as_bytes());
    digest[..16].chunks(2).map(|pair| format!("{:02X}{:02X}", pair[0], pair[1])).collect::<Vec<_>>().join("-")
}

/// A fingerprint as typed (any case, with or without hyphens or spaces), in its shown form.
pub fn normalize_fingerprint(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(|c| !matches!(c, '-' | ' ' | '\u{3000}')).collect::<String>().to_ascii_uppercase();
    (digits.len() == 32 && digits.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| digits.as_bytes().chunks(4).map(|g| String::from_utf8_lossy(g).into_owned()).collect::<Vec<_>>().join("-"))
}

/// A sender as a bundle names it: its public key and the name it signs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    pub key: VerifyingKey,
    pub name: String,
}

impl Sender {
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.key)
    }
}

/// This installation's signing identity.
pub struct Signer {
    key: SigningKey,
    pub name: String,
}

impl Signer {
    /// The key of installation `installation` in `dir` (`<installation>.ed25519`), made on first
    /// use; signing with the name `agent.name`, else `actor`. A key file that exists but cannot
    /// be read is an error, never replaced: a new key would be a stranger to every colleague.
    pub fn of(store: &Store, dir: &Path, actor: &str) -> Result<Signer, ApiError> {
        let installation = store.installation_id()?;
        let name = settings::get(store, Setting::AgentName)?.unwrap_or_else(|| actor.to_string());
        let name = FreeText::new("agent.name", &name, caps::LINE).map_err(|e| ApiError::invalid("agent.name", e.reason()))?.into_string();
        Ok(Signer { key: load_or_make(&dir.join(format!("{installation}.ed25519")))?, name })
    }

    pub fn public(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    pub fn sender(&self) -> Sender {
        Sender { key: self.public(), name: self.name.clone() }
    }

    pub fn sign(&self, message: &[u8]) -> Signature {
        self.key.sign(message)
    }
}

/// Reads a key file (64 hex digits of the private key and a newline), or makes one: written
/// to a temporary file created readable by the user only, fsynced, then linked to its name, so
/// two processes starting at once end with one key.
fn load_or_make(path: &Path) -> Result<SigningKey, ApiError> {
    match fs::read_to_string(path) {
        Ok(text) => {
            return unhex::<32>(text.trim())
                .map(|seed| SigningKey::from_bytes(&seed))
                .ok_or_else(|| ApiError::Failed(format!("{}: not a madoguchi key file (64 hex digits); it is left as it is", path.display())));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(ApiError::io(path, e)),
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    private_dir(dir)?;
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| ApiError::Failed(format!("no randomness for a new key: {e}")))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = dir.join(format!(".{name}.{}-{}.tmp", std::process::id(), madoguchi_store::new_id()));
    let written = private_file(&temporary).and_then(|mut f| {
        f.write_all(format!("{}\n", hex(&seed)).as_bytes())?;
        f.sync_all()
    });
    let linked = written.and_then(|()| fs::hard_link(&temporary, path));
    let _ = fs::remove_file(&temporary);
    match linked {
        Ok(()) => {
            if let Ok(folder) = File::open(dir) {
                let _ = folder.sync_all();
            }
            Ok(SigningKey::from_bytes(&seed))
        }
        // Another process made it first: use that one.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => load_or_make(path),
        Err(e) => Err(ApiError::io(path, e)),
    }
}

/// The keys folder, made readable by the user only when this creates it (on Windows the
/// app-data folder already is, through the profile's permissions); a folder that exists keeps
/// its permissions (the key file itself is always the user's only).
fn private_dir(dir: &Path) -> Result<(), ApiError> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(dir).map_err(|e| ApiError::io(dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(|e| ApiError::io(dir, e))?;
    }
    Ok(())
}

fn private_file(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// How this installation stands to a sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Its own key.
    Own,
    /// Trusted for the installation it signs for.
    Trusted {
        installation: String,
    },
    Revoked,
    Unknown,
}

/// Where a sender's key stands here.
pub fn standing(store: &Store, own: &VerifyingKey, key: &VerifyingKey) -> Result<Standing, ApiError> {
    if key == own {
        return Ok(Standing::Own);
    }
    Ok(match store.trusted_key(&hex(key.as_bytes()))? {
        None => Standing::Unknown,
        Some(TrustedKey { revoked_at: Some(_), .. }) => Standing::Revoked,
        Some(row) => Standing::Trusted { installation: row.installation },
    })
}

/// Trusts a sender (again) for the one installation its bundles name, audited.
pub fn trust(store: &mut Store, sender: &Sender, installation: &str, own: &VerifyingKey, actor: &str, now: Moment) -> Result<(), ApiError> {
    if sender.key == *own {
        return Err(ApiError::invalid("fingerprint", "is this installation's own key, trusted always"));
    }
    if installation == store.installation_id()? {
        return Err(ApiError::invalid("fingerprint", "signs for this installation's own id: a stranger's key"));
    }
    Ok(store.trust_key(&hex(sender.key.as_bytes()), installation, &sender.name, actor, &stamp(now))?)
}

/// The installations whose changes are refused from any bundle: those of a revoked key with
/// no other trusted key for them.
pub fn revoked_installations(store: &Store) -> Result<Vec<String>, ApiError> {
    let rows = store.trusted_keys()?;
    let active: Vec<&str> = rows.iter().filter(|r| r.revoked_at.is_none()).map(|r| r.installation.as_str()).collect();
    let mut revoked: Vec<String> =
        rows.iter().filter(|r| r.revoked_at.is_some() && !active.contains(&r.installation.as_str())).map(|r| r.installation.clone()).collect();
    revoked.sort();
    revoked.dedup();
    Ok(revoked)
}

/// Revokes the trusted key with this fingerprint, audited; its bundles are refused from now on.
pub fn revoke(store: &mut Store, fingerprint_text: &str, actor: &str, now: Moment) -> Result<Sender, ApiError> {
    let wanted = normalize_fingerprint(fingerprint_text).ok_or_else(|| ApiError::invalid("fingerprint", "is not 32 hex digits (as 3F2A-91C0-…)"))?;
    let found = trusted(store)?
        .into_iter()
        .find(|(sender, row)| sender.fingerprint() == wanted && row.revoked_at.is_none())
        .ok_or_else(|| ApiError::invalid("fingerprint", format!("{wanted} is not a trusted sender here")))?;
    store.revoke_key(&hex(found.0.key.as_bytes()), actor, &stamp(now))?;
    Ok(found.0)
}

/// The keys this installation ever trusted, with their rows.
pub fn trusted(store: &Store) -> Result<Vec<(Sender, TrustedKey)>, ApiError> {
    store
        .trusted_keys()?
        .into_iter()
        .map(|row| {
            let key = unhex::<32>(&row.public_key)
                .and_then(|b| VerifyingKey::from_bytes(&b).ok())
                .ok_or_else(|| ApiError::Failed(format!("trusted_keys: {} is not a public key", row.public_key)))?;
            Ok((Sender { key, name: row.name.clone() }, row))
        })
        .collect()
}

//! The senders whose bundles this installation imports: their Ed25519 public keys, trusted and
//! revoked by an agent (each change audited), local to this installation (migration 0004).

use rusqlite::{OptionalExtension, params};

use crate::audit::Entry;
use crate::{Result, Store, StoreError, audit};

/// A sender's key as this installation holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    /// 64 hex digits, lower case.
    pub public_key: String,
    /// The installation the key signs for: its bundles must name it as their source.
    pub installation: String,
    pub name: String,
    pub trusted_at: String,
    pub trusted_by: String,
    /// Set while the trust is revoked: the key's bundles are refused.
    pub revoked_at: Option<String>,
    pub revoked_by: Option<String>,
}

const COLUMNS: &str = "public_key, installation, name, trusted_at, trusted_by, revoked_at, revoked_by";

fn key_of(r: &rusqlite::Row) -> rusqlite::Result<TrustedKey> {
    Ok(TrustedKey {
        public_key: r.get(0)?,
        installation: r.get(1)?,
        name: r.get(2)?,
        trusted_at: r.get(3)?,
        trusted_by: r.get(4)?,
        revoked_at: r.get(5)?,
        revoked_by: r.get(6)?,
    })
}

fn checked(public_key: &str) -> Result<()> {
    if public_key.len() == 64 && public_key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(())
    } else {
        Err(StoreError::invalid("public_key", "must be 64 lower-case hex digits"))
    }
}

impl Store {
    /// Every key ever trusted here, revoked ones included, by name.
    pub fn trusted_keys(&self) -> Result<Vec<TrustedKey>> {
        let mut stmt = self.conn().prepare(&format!("SELECT {COLUMNS} FROM trusted_keys ORDER BY name, public_key"))?;
        Ok(stmt.query_map([], key_of)?.collect::<rusqlite::Result<_>>()?)
    }

    /// One key's row, if it was ever trusted here.
    pub fn trusted_key(&self, public_key: &str) -> Result<Option<TrustedKey>> {
        Ok(self.conn().query_row(&format!("SELECT {COLUMNS} FROM trusted_keys WHERE public_key = ?1"), [public_key], key_of).optional()?)
    }

    /// Trusts a key for one installation (again, when it was revoked), under the name its
    /// bundles carry.
    pub fn trust_key(&mut self, public_key: &str, installation: &str, name: &str, actor: &str, now: &str) -> Result<()> {
        checked(public_key)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO trusted_keys (public_key, installation, name, trusted_at, trusted_by) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (public_key) DO UPDATE SET installation = ?2, name = ?3, trusted_at = ?4, trusted_by = ?5, revoked_at = NULL, revoked_by = NULL",
                params![public_key, installation, name, now, actor],
            )?;
            audit::append(
                tx,
                now,
                actor,
                Entry { entity: "trusted_keys", entity_id: public_key, action: "insert", field: Some("name"), old: None, new: Some(name) },
            )
        })
    }

    /// Revokes a trusted key: its bundles are refused from now on (what they brought stays).
    pub fn revoke_key(&mut self, public_key: &str, actor: &str, now: &str) -> Result<()> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE trusted_keys SET revoked_at = ?2, revoked_by = ?3 WHERE public_key = ?1 AND revoked_at IS NULL",
                params![public_key, now, actor],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("no trusted key {public_key}")));
            }
            audit::append(tx, now, actor, Entry::update("trusted_keys", public_key, Some("revoked_at"), None, Some(now)))
        })
    }
}

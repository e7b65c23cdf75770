//! The audit log's hash chain: each row carries the SHA-256 of the previous row's hash and its
//! own fields, so a row changed or removed by hand breaks the chain at that row (`verify`); the
//! chain's head travels in every bundle, and the heads other installations sent are kept
//! (`witness`), so they can testify to what this installation's log held.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::{Result, Store};

/// Names the canonical form, so a later change of the hashed fields is a new version.
const CANONICAL: &str = "madoguchi-audit-1";

/// The update trigger of migration 0001, created again by migration 0003 once the rows already
/// there carry their hashes.
const NO_UPDATE: &str = "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

/// The newest row of an audit log: its sequence number and hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

/// What a received chain head told (`Store::witness`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Witnessed {
    /// Not known before: recorded.
    New,
    /// Known already, with the same hash.
    Same,
    /// Known already with another hash: that installation's log was rewritten at or before
    /// this row (the first hash received is kept).
    Rewritten,
}

impl Witnessed {
    pub fn code(self) -> &'static str {
        match self {
            Witnessed::New => "new",
            Witnessed::Same => "same",
            Witnessed::Rewritten => "rewritten",
        }
    }
}

/// One row's fields, as they are hashed.
struct Row<'a> {
    seq: i64,
    at: &'a str,
    actor: &'a str,
    entity: &'a str,
    entity_id: &'a str,
    action: &'a str,
    field: Option<&'a str>,
    old: Option<&'a str>,
    new: Option<&'a str>,
}

/// SHA-256 (hex) of the previous row's hash ("" before the first row) and the row's canonical
/// form: a JSON array of the version name, the sequence number and every field, in column order.
fn row_hash(previous: &str, row: &Row) -> String {
    let canonical = json!([CANONICAL, row.seq, row.at, row.actor, row.entity, row.entity_id, row.action, row.field, row.old, row.new]).to_string();
    let mut hash = Sha256::new();
    hash.update(previous.as_bytes());
    hash.update(b"\n");
    hash.update(canonical.as_bytes());
    format!("{:x}", hash.finalize())
}

/// The newest row's sequence number and hash (none for an empty log).
fn head_of(conn: &Connection) -> Result<Option<(i64, Option<String>)>> {
    Ok(conn.prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?.query_row([], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
}

/// What one audit row says happened: to which entity, what, and the field with its values
/// before and after.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry<'a> {
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub action: &'a str,
    pub field: Option<&'a str>,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
}

impl<'a> Entry<'a> {
    pub(crate) fn insert(entity: &'a str, entity_id: &'a str, new: Option<&'a str>) -> Self {
        Entry { entity, entity_id, action: "insert", field: None, old: None, new }
    }

    pub(crate) fn update(entity: &'a str, entity_id: &'a str, field: Option<&'a str>, old: Option<&'a str>, new: Option<&'a str>) -> Self {
        Entry { entity, entity_id, action: "update", field, old, new }
    }

    pub(crate) fn delete(entity: &'a str, entity_id: &'a str, old: Option<&'a str>) -> Self {
        Entry { entity, entity_id, action: "delete", field: None, old, new: None }
    }
}

/// Appends one row to the audit log, chained to the one before.
pub(crate) fn append(tx: &Transaction, at: &str, actor: &str, entry: Entry) -> Result<()> {
    let Entry { entity, entity_id, action, field, old, new } = entry;
    let (last, previous) = head_of(tx)?.map_or((0, String::new()), |(seq, hash)| (seq, hash.unwrap_or_default()));
    let row = Row { seq: last + 1, at, actor, entity, entity_id, action, field, old, new };
    let hash = row_hash(&previous, &row);
    tx.prepare_cached(
        "INSERT INTO audit_log (seq, at, actor, entity, entity_id, action, field, old_value, new_value, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![row.seq, at, actor, entity, entity_id, action, field, old, new, hash])?;
    Ok(())
}

/// Walks the log in sequence order, recomputing each hash; the first row whose stored hash
/// differs (its sequence number), if any.
fn first_broken(conn: &Connection) -> Result<Option<i64>> {
    let mut stmt = conn.prepare("SELECT seq, at, actor, entity, entity_id, action, field, old_value, new_value, hash FROM audit_log ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut previous = String::new();
    while let Some(r) = rows.next()? {
        let (seq, at, actor, entity, entity_id, action): (i64, String, String, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
        let (field, old, new, stored): (Option<String>, Option<String>, Option<String>, Option<String>) = (r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?);
        let row = Row {
            seq,
            at: &at,
            actor: &actor,
            entity: &entity,
            entity_id: &entity_id,
            action: &action,
            field: field.as_deref(),
            old: old.as_deref(),
            new: new.as_deref(),
        };
        let hash = row_hash(&previous, &row);
        if stored.as_deref() != Some(hash.as_str()) {
            return Ok(Some(seq));
        }
        previous = hash;
    }
    Ok(None)
}

/// Migration 0003's Rust step: hashes the rows already in the log, in sequence order, then
/// creates the update trigger again (the migration's SQL dropped it to add the column).
pub(crate) fn chain_existing(tx: &Transaction) -> Result<()> {
    let mut update = tx.prepare("UPDATE audit_log SET hash = ?2 WHERE seq = ?1")?;
    let mut stmt = tx.prepare("SELECT seq, at, actor, entity, entity_id, action, field, old_value, new_value FROM audit_log ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut previous = String::new();
    while let Some(r) = rows.next()? {
        let (seq, at, actor, entity, entity_id, action): (i64, String, String, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
        let (field, old, new): (Option<String>, Option<String>, Option<String>) = (r.get(6)?, r.get(7)?, r.get(8)?);
        let row = Row {
            seq,
            at: &at,
            actor: &actor,
            entity: &entity,
            entity_id: &entity_id,
            action: &action,
            field: field.as_deref(),
            old: old.as_deref(),
            new: new.as_deref(),
        };
        previous = row_hash(&previous, &row);
        update.execute(params![seq, previous])?;
    }
    drop(rows);
    tx.execute_batch(NO_UPDATE)?;
    Ok(())
}

/// Whether the audit log has its hash column (schema 3 on; older databases get it when migrated).
fn chained(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT count(*) FROM pragma_table_info('audit_log') WHERE name = 'hash'", [], |r| r.get::<_, i64>(0))? == 1)
}

/// The problem `db check` reports for a broken chain, naming the first broken row.
pub(crate) fn check(conn: &Connection) -> Result<Option<String>> {
    if !chained(conn)? {
        return Ok(None);
    }
    Ok(first_broken(conn)?.map(|seq| {
        format!("audit log: the hash chain breaks at seq {seq}: that row was changed, or a row before it was changed or removed (the audit log is append-only)")
    }))
}

impl Store {
    /// The audit log's newest row (none while it is empty): what a bundle's manifest carries.
    pub fn audit_head(&self) -> Result<Option<AuditHead>> {
        Ok(head_of(self.conn())?.map(|(seq, hash)| AuditHead { seq, hash: hash.unwrap_or_default() }))
    }

    /// Records the chain head another installation's bundle brought (kept per origin and row);
    /// a head already known with another hash is reported and the first one kept.
    pub fn witness(&mut self, origin: &str, head: &AuditHead, bundle: &str, now: &str) -> Result<Witnessed> {
        let known: Option<String> =
            self.conn().query_row("SELECT hash FROM audit_witness WHERE origin = ?1 AND seq = ?2", params![origin, head.seq], |r| r.get(0)).optional()?;
        Ok(match known {
            Some(hash) if hash == head.hash => Witnessed::Same,
            Some(_) => Witnessed::Rewritten,
            None => {
                self.conn().execute(
                    "INSERT INTO audit_witness (origin, seq, hash, bundle, received_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![origin, head.seq, head.hash, bundle, now],
                )?;
                Witnessed::New
            }
        })
    }

    /// The newest chain head witnessed per other installation: (origin, head, received at).
    pub fn witnessed_heads(&self) -> Result<Vec<(String, AuditHead, String)>> {
        let mut stmt = self.conn().prepare(
            "SELECT origin, seq, hash, received_at FROM audit_witness w WHERE seq = (SELECT max(seq) FROM audit_witness v WHERE v.origin = w.origin) ORDER BY origin",
        )?;
        let heads = stmt.query_map([], |r| Ok((r.get(0)?, AuditHead { seq: r.get(1)?, hash: r.get(2)? }, r.get(3)?)))?;
        Ok(heads.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

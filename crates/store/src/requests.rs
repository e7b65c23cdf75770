//! Requests and their status history: a request row holds the current status, its fields and
//! the date the next step is due; every change of status appends a history row in the same
//! transaction. Nothing is overwritten but the current status and due date.

use madoguchi_domain::text::FreeText;
use rusqlite::{OptionalExtension, Transaction, params};

use crate::audit::{self, Entry};
use crate::{Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub id: String,
    pub customer_id: String,
    pub account_id: Option<String>,
    pub request_type: String,
    pub status: String,
    /// The type's fields and the dates computed from the rules, as JSON.
    pub fields: String,
    pub due_on: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// The customer's name, for lists.
    pub customer_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRecord {
    pub seq: i64,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor: String,
    pub at: String,
    pub comment: String,
}

fn record(r: &rusqlite::Row) -> rusqlite::Result<RequestRecord> {
    Ok(RequestRecord {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        account_id: r.get(2)?,
        request_type: r.get(3)?,
        status: r.get(4)?,
        fields: r.get(5)?,
        due_on: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
        customer_name: r.get(9)?,
    })
}

const COLUMNS: &str = "id, customer_id, account_id, request_type, status, fields, due_on, created_at, updated_at, (SELECT name FROM customers c WHERE c.id = requests.customer_id)";

fn append_history(tx: &Transaction, request_id: &str, from: Option<&str>, to: &str, actor: &str, at: &str, comment: &str) -> Result<i64> {
    let seq: i64 = tx.query_row("SELECT coalesce(max(seq), 0) + 1 FROM request_history WHERE request_id = ?1", [request_id], |r| r.get(0))?;
    tx.execute(
        "INSERT INTO request_history (id, request_id, seq, from_status, to_status, actor, at, comment, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7)",
        params![crate::new_id(), request_id, seq, from, to, actor, at, comment],
    )?;
    Ok(seq)
}

/// A request as it is filed.
pub struct NewRequest<'a> {
    pub customer_id: &'a str,
    pub account_id: Option<&'a str>,
    pub request_type: &'a str,
    /// Its first status.
    pub status: &'a str,
    /// The type's fields and the dates computed from the rules, as JSON.
    pub fields: &'a str,
    pub due_on: Option<&'a str>,
}

/// Files a request in its first status, the history's first row saying `comment`.
pub fn insert_request(tx: &Transaction, request: &NewRequest, actor: &str, at: &str, comment: &str) -> Result<String> {
    let NewRequest { customer_id, account_id, request_type, status, fields, due_on } = *request;
    let id = crate::new_id();
    tx.execute(
        "INSERT INTO requests (id, customer_id, account_id, request_type, status, fields, due_on, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
        params![id, customer_id, account_id, request_type, status, fields, due_on, at],
    )?;
    append_history(tx, &id, None, status, actor, at, comment)?;
    audit::append(tx, at, actor, Entry::insert("requests", &id, Some(request_type)))?;
    Ok(id)
}

/// A request's move from one status to another, with its fields and due date after it.
pub struct RequestMove<'a> {
    pub id: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub fields: &'a str,
    pub due_on: Option<&'a str>,
}

/// Moves a request from `from` to `to` (refused if another change got there first), with its
/// new fields and due date; appends the history row (its comment a checked `FreeText`).
pub fn move_request(tx: &Transaction, change: &RequestMove, actor: &str, at: &str, comment: &FreeText) -> Result<i64> {
    let RequestMove { id, from, to, fields, due_on } = *change;
    let changed = tx.execute(
        "UPDATE requests SET status = ?3, fields = ?4, due_on = ?5, updated_at = ?6 WHERE id = ?1 AND status = ?2",
        params![id, from, to, fields, due_on, at],
    )?;
    if changed != 1 {
        return Err(StoreError::invalid("status", format!("request {id} is no longer {from}")));
    }
    audit::append(tx, at, actor, Entry::update("requests", id, Some("status"), Some(from), Some(to)))?;
    append_history(tx, id, Some(from), to, actor, at, comment.as_str())
}

impl Store {
    pub fn request(&self, id: &str) -> Result<Option<(RequestRecord, Vec<HistoryRecord>)>> {
        let conn = self.conn();
        let Some(request) = conn.query_row(&format!("SELECT {COLUMNS} FROM requests WHERE id = ?1"), [id], record).optional()? else {
            return Ok(None);
        };
        let history = conn
            .prepare_cached("SELECT seq, from_status, to_status, actor, at, comment FROM request_history WHERE request_id = ?1 ORDER BY seq")?
            .query_map([id], |r| {
                Ok(HistoryRecord { seq: r.get(0)?, from_status: r.get(1)?, to_status: r.get(2)?, actor: r.get(3)?, at: r.get(4)?, comment: r.get(5)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some((request, history)))
    }

    /// Requests by due date (undated last). `finals` lists (type, status) pairs that are
    /// closed: with `open_only` they are left out. `due_before` keeps those due earlier.
    pub fn requests(&self, finals: &[(&str, &str)], open_only: bool, due_before: Option<&str>) -> Result<Vec<RequestRecord>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM requests WHERE (?1 IS NULL OR (due_on IS NOT NULL AND due_on < ?1)) ORDER BY due_on IS NULL, due_on, created_at"
        ))?;
        let rows = stmt.query_map(params![due_before], record)?;
        let mut out = Vec::new();
        for row in rows {
            let row = row?;
            if open_only && finals.iter().any(|(t, s)| *t == row.request_type && *s == row.status) {
                continue;
            }
            out.push(row);
        }
        Ok(out)
    }

    /// The account of a customer at a service, if any: (account id, its columns as text).
    pub fn account_of(&self, customer_id: &str, service: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT id FROM accounts WHERE customer_id = ?1 AND service = ?2 ORDER BY created_at LIMIT 1", [customer_id, service], |r| r.get(0))
            .optional()?)
    }
}

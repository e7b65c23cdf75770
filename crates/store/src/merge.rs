//! 名寄せ: the customers likely the same person as one customer (by the domain's rule,
//! `duplicates::likely_same`, over the phone-digit and email-key indexes), and merging two
//! customers into one.

use madoguchi_domain::duplicates::{Identity, Likeness, likely_same};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::audit::Entry;
use crate::{Result, StoreError, audit};

/// How many customers sharing a contact are compared at most: a number shared by hundreds
/// (an office switchboard) is not one person's. Written into the statement, not bound: SQLite
/// prepares a statement again at every use whose LIMIT is a bound parameter.
const MAX_CANDIDATES: &str = "50";

/// Another customer likely the same person, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateView {
    pub id: String,
    pub name: String,
    pub name_kana: String,
    /// (service, customer number) of each account.
    pub accounts: Vec<(String, String)>,
    pub likeness: Likeness,
}

/// The fields the rule compares, as stored.
struct Held {
    name: String,
    name_kana: String,
    birth_date: Option<String>,
    phones: Vec<String>,
    emails: Vec<String>,
}

fn held(conn: &Connection, id: &str) -> Result<Option<Held>> {
    let row =
        conn.prepare_cached("SELECT name, name_kana, birth_date FROM customers WHERE id = ?1")?.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)));
    let (name, name_kana, birth_date) = match row {
        Ok(row) => row,
        Err(rusqlite::Error::QueryReturnedNoRows) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let mut stmt = conn.prepare_cached("SELECT number FROM customer_phones WHERE customer_id = ?1 ORDER BY rowid")?;
    let phones = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached("SELECT address FROM customer_emails WHERE customer_id = ?1 ORDER BY rowid")?;
    let emails = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(Some(Held { name, name_kana, birth_date, phones, emails }))
}

fn identity(h: &Held) -> Identity<'_> {
    Identity { phones: &h.phones, emails: &h.emails, name_kana: &h.name_kana, birth_date: h.birth_date.as_deref() }
}

/// The (service, customer number) of a customer's accounts.
pub(crate) fn account_numbers(conn: &Connection, id: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached("SELECT service, customer_number FROM accounts WHERE customer_id = ?1 ORDER BY service, customer_number")?;
    let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The other customers likely the same person as `id` (sharing a phone's digits or an email's
/// key, and the kana key or the birth date), oldest customer first (the order they were
/// written, never the random order of their ids); empty for an unknown id. Reads
/// through the connection or an open transaction, so the import lists them as it writes.
pub fn likely_duplicates(conn: &Connection, id: &str) -> Result<Vec<DuplicateView>> {
    let Some(me) = held(conn, id)? else { return Ok(Vec::new()) };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id FROM (
             SELECT c.id, c.rowid AS n FROM customer_phones mine JOIN customer_phones theirs ON theirs.digits = mine.digits
                 JOIN customers c ON c.id = theirs.customer_id
                 WHERE mine.customer_id = ?1 AND mine.digits <> '' AND theirs.customer_id <> ?1
             UNION
             SELECT c.id, c.rowid AS n FROM customer_emails mine JOIN customer_emails theirs ON theirs.address_key = mine.address_key
                 JOIN customers c ON c.id = theirs.customer_id
                 WHERE mine.customer_id = ?1 AND mine.address_key <> '' AND theirs.customer_id <> ?1)
         ORDER BY n LIMIT {MAX_CANDIDATES}"
    ))?;
    let candidates: Vec<String> = stmt.query_map(params![id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut found = Vec::new();
    for other in candidates {
        let Some(them) = held(conn, &other)? else { continue };
        if let Some(likeness) = likely_same(&identity(&me), &identity(&them)) {
            found.push(DuplicateView { accounts: account_numbers(conn, &other)?, id: other, name: them.name, name_kana: them.name_kana, likeness });
        }
    }
    Ok(found)
}

impl crate::Store {
    /// The customers likely the same person as `id` (see `likely_duplicates`).
    pub fn likely_duplicates(&self, id: &str) -> Result<Vec<DuplicateView>> {
        likely_duplicates(&self.conn, id)
    }
}

/// What a merge moved from the other customer to the kept one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub keep: String,
    pub other: String,
    /// The other customer's name (it is gone after the merge).
    pub other_name: String,
    pub accounts: u64,
    /// Orders of the moved accounts (they move with them).
    pub orders: u64,
    pub documents: u64,
    pub requests: u64,
    /// History entries of the moved requests (they move with them).
    pub request_history: u64,
    pub call_notes: u64,
    pub phones_moved: u64,
    /// Phones the kept customer already had (the same digits): deleted.
    pub phones_dropped: u64,
    pub emails_moved: u64,
    /// Emails the kept customer already had (the same key): deleted.
    pub emails_dropped: u64,
    /// The kept customer's own fields that were empty and were taken from the other (the birth
    /// date; the address with its prefecture and postal code).
    pub filled: Vec<&'static str>,
}

fn exists(tx: &Transaction, id: &str) -> Result<Option<String>> {
    Ok(tx.query_row("SELECT name FROM customers WHERE id = ?1", [id], |r| r.get(0)).optional()?)
}

/// Moves the rows of `table` whose `customer_id` is `other` to `keep`, each audited as an
/// update of `customer_id`; returns how many moved.
fn move_rows(tx: &Transaction, table: &str, keep: &str, other: &str, ids: &[String], actor: &str, now: &str) -> Result<u64> {
    for id in ids {
        tx.execute(&format!("UPDATE {table} SET customer_id = ?1, updated_at = ?2 WHERE id = ?3"), params![keep, now, id])?;
        audit::append(tx, now, actor, Entry::update(table, id, Some("customer_id"), Some(other), Some(keep)))?;
    }
    Ok(ids.len() as u64)
}

fn ids_of(tx: &Transaction, sql: &str, key: &str) -> Result<Vec<String>> {
    let mut stmt = tx.prepare(sql)?;
    let rows = stmt.query_map([key], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// 名寄せ: merges customer `other` into `keep`, in the caller's transaction. The other's
/// accounts (with their orders), documents (an issued document keeps its snapshot: only the
/// customer reference moves), requests (with their history) and call notes move to the kept
/// customer; its phones and emails move unless the kept customer has the same one already (by
/// digits, by key), when they are deleted; then the other customer is deleted. The merge is
/// recorded in `customer_merges` first (synced), so a change to the other customer made on
/// another installation meanwhile follows it to the kept one when it arrives (`sync`). Every
/// row moved or deleted is audited. Refused, naming the field, for one customer twice or an
/// unknown id; nothing is written then.
pub fn merge_customers(tx: &Transaction, keep: &str, other: &str, actor: &str, now: &str) -> Result<MergeReport> {
    if keep == other {
        return Err(StoreError::invalid("other", "is the customer to keep: a customer is not merged with itself"));
    }
    if exists(tx, keep)?.is_none() {
        return Err(StoreError::invalid("keep", format!("no customer {keep}")));
    }
    let Some(other_name) = exists(tx, other)? else {
        return Err(StoreError::invalid("other", format!("no customer {other}")));
    };
    let mut report = MergeReport { keep: keep.into(), other: other.into(), other_name: other_name.clone(), ..MergeReport::default() };
    tx.execute(
        "INSERT INTO customer_merges (id, keep_id, merged_at, updated_at) VALUES (?1, ?2, ?3, ?3)
         ON CONFLICT (id) DO UPDATE SET keep_id = excluded.keep_id, merged_at = excluded.merged_at, updated_at = excluded.updated_at",
        params![other, keep, now],
    )?;
    audit::append(tx, now, actor, Entry::insert("customer_merges", other, Some(keep)))?;

    let accounts = ids_of(tx, "SELECT id FROM accounts WHERE customer_id = ?1 ORDER BY id", other)?;
    for account in &accounts {
        report.orders += tx.query_row("SELECT count(*) FROM orders WHERE account_id = ?1", [account], |r| r.get::<_, i64>(0))? as u64;
    }
    report.accounts = move_rows(tx, "accounts", keep, other, &accounts, actor, now)?;
    let documents = ids_of(tx, "SELECT id FROM documents WHERE customer_id = ?1 ORDER BY id", other)?;
    report.documents = move_rows(tx, "documents", keep, other, &documents, actor, now)?;
    let requests = ids_of(tx, "SELECT id FROM requests WHERE customer_id = ?1 ORDER BY id", other)?;
    for request in &requests {
        report.request_history += tx.query_row("SELECT count(*) FROM request_history WHERE request_id = ?1", [request], |r| r.get::<_, i64>(0))? as u64;
    }
    report.requests = move_rows(tx, "requests", keep, other, &requests, actor, now)?;
    let notes = ids_of(tx, "SELECT id FROM call_notes WHERE customer_id = ?1 ORDER BY id", other)?;
    report.call_notes = move_rows(tx, "call_notes", keep, other, &notes, actor, now)?;

    for (table, key, moved, dropped) in [
        ("customer_phones", "digits", &mut report.phones_moved, &mut report.phones_dropped),
        ("customer_emails", "address_key", &mut report.emails_moved, &mut report.emails_dropped),
    ] {
        let shown = if table == "customer_phones" { "number" } else { "address" };
        let mut stmt = tx.prepare(&format!(
            "SELECT o.id, o.{shown}, EXISTS (SELECT 1 FROM {table} k WHERE k.customer_id = ?2 AND k.{key} = o.{key}) FROM {table} o WHERE o.customer_id = ?1 ORDER BY o.rowid"
        ))?;
        let rows: Vec<(String, String, bool)> = stmt.query_map([other, keep], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
        let mut seen_here: Vec<String> = Vec::new();
        for (id, shown_value, kept_has) in rows {
            let key_value: String = tx.query_row(&format!("SELECT {key} FROM {table} WHERE id = ?1"), [&id], |r| r.get(0))?;
            if kept_has || seen_here.contains(&key_value) {
                tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [&id])?;
                audit::append(tx, now, actor, Entry::delete(table, &id, Some(&shown_value)))?;
                *dropped += 1;
            } else {
                move_rows(tx, table, keep, other, std::slice::from_ref(&id), actor, now)?;
                seen_here.push(key_value);
                *moved += 1;
            }
        }
    }

    report.filled = fill_empty_fields(tx, keep, other, actor, now)?;
    crate::sync::remove(tx, crate::sync::customers_table(), other)?;
    audit::append(
        tx,
        now,
        actor,
        Entry { entity: "customers", entity_id: other, action: "delete", field: Some("merged_into"), old: Some(&other_name), new: Some(keep) },
    )?;
    Ok(report)
}

/// The kept customer's empty fields taken from the other, so the merge loses nothing the other
/// knew: its birth date when the kept one has none, its address (with prefecture and postal
/// code, which go with it) when the kept one's is empty. Each change audited; returns the
/// columns filled.
fn fill_empty_fields(tx: &Transaction, keep: &str, other: &str, actor: &str, now: &str) -> Result<Vec<&'static str>> {
    type Own = (String, Option<String>, String, String, String);
    let own = |id: &str| -> Result<Own> {
        Ok(tx.query_row("SELECT kind, birth_date, prefecture, postal_code, address FROM customers WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?)
    };
    let ((kind, kept_birth, _, _, kept_address), (_, birth, prefecture, postal_code, address)) = (own(keep)?, own(other)?);
    let mut fields: Vec<(&'static str, Option<String>)> = Vec::new();
    // A birth date is a person's only.
    if kind == "person" && kept_birth.is_none() && birth.is_some() {
        fields.push(("birth_date", birth));
    }
    if kept_address.trim().is_empty() && !address.trim().is_empty() {
        fields.extend([("prefecture", Some(prefecture)), ("postal_code", Some(postal_code)), ("address", Some(address))]);
    }
    if fields.is_empty() {
        return Ok(Vec::new());
    }
    crate::customers::update_changed(tx, "customers", keep, &fields, actor, now)?;
    let rowid: i64 = tx.query_row("SELECT rowid FROM customers WHERE id = ?1", [keep], |r| r.get(0))?;
    crate::customers::reindex_later(tx, rowid, false)?;
    Ok(fields.into_iter().map(|(column, _)| column).collect())
}

impl crate::Store {
    /// Merges customer `other` into `keep` in one transaction (see `merge_customers`).
    pub fn merge_customers(&mut self, keep: &str, other: &str, actor: &str, now: &str) -> Result<MergeReport> {
        self.write(|tx| merge_customers(tx, keep, other, actor, now))
    }
}

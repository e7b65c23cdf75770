//! Writing customers: insert with phones, emails and accounts; the import's upsert keyed by
//! (service, customer number), audited field by field; call notes; the name search index.

use madoguchi_domain::text::{FreeText, email_key, name_tokens, number_key, phone_keys, search_grams, search_key};
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::Result;
use crate::audit::{self, Entry};

/// A phone number as written, with an optional label (自宅, 携帯…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneRecord {
    pub number: String,
    pub label: Option<String>,
}

/// One account at one service. Fields a service does not use stay `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountRecord {
    pub service: String,
    pub customer_number: String,
    pub status: String,
    pub plan: Option<String>,
    pub server_model: Option<String>,
    pub servers: Option<i64>,
    pub first_delivery: Option<String>,
    pub last_shipment: Option<String>,
    pub dealer: Option<String>,
    pub monthly_limit: Option<String>,
    pub billing_cycle: Option<String>,
    pub paid_through: Option<String>,
    pub terminals: Option<i64>,
    pub np_terms: Option<String>,
    pub points: Option<i64>,
    pub member: Option<bool>,
}

/// A customer as written: already validated by the API.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerRecord {
    pub kind: String,
    pub name: String,
    pub name_kana: String,
    pub birth_date: Option<String>,
    pub prefecture: String,
    /// Seven digits.
    pub postal_code: String,
    pub address: String,
    pub phones: Vec<PhoneRecord>,
    pub emails: Vec<String>,
    pub accounts: Vec<AccountRecord>,
}

/// What an imported row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    Created,
    /// The number of fields that changed.
    Updated(usize),
    Unchanged,
}

/// Migration 0006's step: every customer's search rows again (name keys folding variant kanji
/// since 0005, and the gram and address indexes 0006 adds), written before its commit.
pub(crate) fn reindex_customers(tx: &Transaction) -> Result<()> {
    tx.execute("INSERT OR IGNORE INTO temp.search_pending (rowid, fresh) SELECT rowid, 0 FROM customers", [])?;
    Ok(())
}

/// The SQL functions the search rows are computed with (`flush_search`): the same text rules
/// as the search box's queries (`text::search_key`, `text::search_grams`).
pub(crate) fn register_search_functions(conn: &Connection) -> Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function("madoguchi_name_key", 2, flags, |ctx| {
        let (name, kana): (String, String) = (ctx.get(0)?, ctx.get(1)?);
        Ok(format!("{}|{}", search_key(&name), search_key(&kana)))
    })?;
    conn.create_scalar_function("madoguchi_search_key", 1, flags, |ctx| Ok(search_key(&ctx.get::<String>(0)?)))?;
    conn.create_scalar_function("madoguchi_grams", 1, flags, |ctx| Ok(search_grams(&search_key(&ctx.get::<String>(0)?)).join(" ")))?;
    Ok(())
}

/// The table of customers whose search rows are to be written when the transaction commits
/// (created by `Store::open` on each connection; a rollback takes its rows back with the rest).
/// `fresh`: the customer was inserted in this transaction, so it has no search rows yet.
pub(crate) const SEARCH_PENDING: &str = "CREATE TEMP TABLE search_pending (rowid INTEGER PRIMARY KEY, fresh INTEGER NOT NULL)";

/// Marks the customer at `rowid` (inserted, changed or deleted) for `flush_search`. A row first
/// marked not fresh stays so, since its old search rows must go.
pub(crate) fn reindex_later(tx: &Transaction, rowid: i64, fresh: bool) -> Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO temp.search_pending (rowid, fresh) VALUES (?1, ?2)")?.execute(params![rowid, fresh])?;
    Ok(())
}

/// Writes the search rows of every customer marked by `reindex_later`, as stored now: the name
/// tokens row by row, then each full-text index in one statement. Run before every commit
/// (`Store::write_as`, and each migration's): written once at the end, a full-text index keeps its pending terms in
/// memory and writes them in a few segments, where a row written between other statements is
/// flushed to disk at each of them (every statement's savepoint flushes an FTS5 table).
pub(crate) fn flush_search(tx: &Transaction) -> Result<()> {
    let pending: i64 = tx.prepare_cached("SELECT count(*) FROM temp.search_pending")?.query_row([], |r| r.get(0))?;
    if pending == 0 {
        return Ok(());
    }
    tx.prepare_cached("DELETE FROM customer_name_tokens WHERE customer_rowid IN (SELECT rowid FROM temp.search_pending WHERE fresh = 0)")?.execute([])?;
    {
        let mut rows = tx.prepare_cached(
            "SELECT c.rowid, c.name, coalesce(c.name_kana, '') FROM temp.search_pending p JOIN customers c ON c.rowid = p.rowid ORDER BY p.rowid",
        )?;
        let mut insert = tx.prepare_cached("INSERT OR IGNORE INTO customer_name_tokens (token, customer_rowid) VALUES (?1, ?2)")?;
        let mut rows = rows.query([])?;
        while let Some(row) = rows.next()? {
            let (rowid, name, kana): (i64, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
            for token in name_tokens(&name, &kana) {
                insert.execute(params![token, rowid])?;
            }
        }
    }
    for table in ["customer_name_fts", "customer_name_grams", "customer_address_grams", "customer_address_fts"] {
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM temp.search_pending WHERE fresh = 0)"))?.execute([])?;
    }
    let from = "FROM temp.search_pending p JOIN customers c ON c.rowid = p.rowid";
    let address = "coalesce(c.prefecture, '') || coalesce(c.address, '')";
    for sql in [
        format!("INSERT INTO customer_name_fts (rowid, name_key) SELECT c.rowid, madoguchi_name_key(c.name, coalesce(c.name_kana, '')) {from}"),
        format!("INSERT INTO customer_name_grams (rowid, grams) SELECT c.rowid, madoguchi_grams(c.name) {from}"),
        format!("INSERT INTO customer_address_grams (rowid, grams) SELECT c.rowid, madoguchi_grams({address}) {from}"),
        format!("INSERT INTO customer_address_fts (rowid, address_key) SELECT c.rowid, madoguchi_search_key({address}) {from}"),
    ] {
        tx.prepare_cached(&sql)?.execute([])?;
    }
    tx.prepare_cached("DELETE FROM temp.search_pending")?.execute([])?;
    Ok(())
}

fn insert_phones(tx: &Transaction, customer_id: &str, phones: &[PhoneRecord], ids: &mut dyn FnMut() -> String, now: &str) -> Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO customer_phones (id, customer_id, number, digits, digits_reversed, label, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for phone in phones {
        let (digits, reversed) = phone_keys(&phone.number);
        insert.execute(params![ids(), customer_id, phone.number, digits, reversed, phone.label, now])?;
    }
    Ok(())
}

fn insert_emails(tx: &Transaction, customer_id: &str, emails: &[String], ids: &mut dyn FnMut() -> String, now: &str) -> Result<()> {
    let mut insert = tx.prepare_cached("INSERT INTO customer_emails (id, customer_id, address, address_key, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    for email in emails {
        insert.execute(params![ids(), customer_id, email, email_key(email), now])?;
    }
    Ok(())
}

fn insert_account(tx: &Transaction, id: &str, customer_id: &str, a: &AccountRecord, now: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO accounts (id, customer_id, service, customer_number, number_key, status, plan, server_model, servers,
             first_delivery, last_shipment, dealer, monthly_limit, billing_cycle, paid_through, terminals, np_terms, points, member,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?20)",
    )?
    .execute(params![
        id,
        customer_id,
        a.service,
        a.customer_number,
        number_key(&a.customer_number),
        a.status,
        a.plan,
        a.server_model,
        a.servers,
        a.first_delivery,
        a.last_shipment,
        a.dealer,
        a.monthly_limit,
        a.billing_cycle,
        a.paid_through,
        a.terminals,
        a.np_terms,
        a.points,
        a.member,
        now
    ])?;
    Ok(())
}

/// Inserts a customer with its phones, emails and accounts; returns its id and its accounts' ids.
pub fn insert_customer(tx: &Transaction, record: &CustomerRecord, ids: &mut dyn FnMut() -> String, actor: &str, now: &str) -> Result<(String, Vec<String>)> {
    let id = ids();
    tx.prepare_cached(
        "INSERT INTO customers (id, kind, name, name_kana, birth_date, prefecture, postal_code, address, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![id, record.kind, record.name, record.name_kana, record.birth_date, record.prefecture, record.postal_code, record.address, now])?;
    reindex_later(tx, tx.last_insert_rowid(), true)?;
    insert_phones(tx, &id, &record.phones, ids, now)?;
    insert_emails(tx, &id, &record.emails, ids, now)?;
    let mut account_ids = Vec::with_capacity(record.accounts.len());
    for account in &record.accounts {
        let account_id = ids();
        insert_account(tx, &account_id, &id, account, now)?;
        account_ids.push(account_id);
    }
    audit::append(tx, now, actor, Entry::insert("customers", &id, Some(&record.name)))?;
    Ok((id, account_ids))
}

/// The customer fields an import may change, as (column, value).
fn customer_fields(r: &CustomerRecord) -> [(&'static str, Option<String>); 7] {
    [
        ("kind", Some(r.kind.clone())),
        ("name", Some(r.name.clone())),
        ("name_kana", Some(r.name_kana.clone())),
        ("birth_date", r.birth_date.clone()),
        ("prefecture", Some(r.prefecture.clone())),
        ("postal_code", Some(r.postal_code.clone())),
        ("address", Some(r.address.clone())),
    ]
}

fn account_fields(a: &AccountRecord) -> [(&'static str, Option<String>); 14] {
    let n = |v: Option<i64>| v.map(|n| n.to_string());
    [
        ("status", Some(a.status.clone())),
        ("plan", a.plan.clone()),
        ("server_model", a.server_model.clone()),
        ("servers", n(a.servers)),
        ("first_delivery", a.first_delivery.clone()),
        ("last_shipment", a.last_shipment.clone()),
        ("dealer", a.dealer.clone()),
        ("monthly_limit", a.monthly_limit.clone()),
        ("billing_cycle", a.billing_cycle.clone()),
        ("paid_through", a.paid_through.clone()),
        ("terminals", n(a.terminals)),
        ("np_terms", a.np_terms.clone()),
        ("points", n(a.points)),
        ("member", a.member.map(|m| if m { "1".to_string() } else { "0".to_string() })),
    ]
}

/// Updates the changed columns of one row, auditing each; returns how many changed.
pub(crate) fn update_changed(tx: &Transaction, table: &str, id: &str, fields: &[(&'static str, Option<String>)], actor: &str, now: &str) -> Result<usize> {
    let mut changed = 0;
    for (column, new) in fields {
        let old: Option<String> = tx.prepare_cached(&format!("SELECT CAST({column} AS TEXT) FROM {table} WHERE id = ?1"))?.query_row([id], |r| r.get(0))?;
        if old != *new {
            tx.prepare_cached(&format!("UPDATE {table} SET {column} = ?1, updated_at = ?2 WHERE id = ?3"))?.execute(params![new, now, id])?;
            audit::append(tx, now, actor, Entry::update(table, id, Some(column), old.as_deref(), new.as_deref()))?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// Replaces a customer's phones or emails when they differ (order kept as given). Without a
/// phone2 column only the first phone is compared and the others are kept; without an email
/// column the emails are kept.
fn replace_contacts(
    tx: &Transaction,
    customer_id: &str,
    record: &CustomerRecord,
    carried: &dyn Fn(&str) -> bool,
    ids: &mut dyn FnMut() -> String,
    actor: &str,
    now: &str,
) -> Result<usize> {
    let mut changed = 0;
    let mut stmt = tx.prepare_cached("SELECT number, label FROM customer_phones WHERE customer_id = ?1 ORDER BY rowid")?;
    let phones: Vec<PhoneRecord> =
        stmt.query_map([customer_id], |r| Ok(PhoneRecord { number: r.get(0)?, label: r.get(1)? }))?.collect::<rusqlite::Result<_>>()?;
    let wanted: Vec<PhoneRecord> =
        if carried("phone2") { record.phones.clone() } else { record.phones.iter().take(1).chain(phones.iter().skip(1)).cloned().collect() };
    if phones != wanted {
        tx.execute("DELETE FROM customer_phones WHERE customer_id = ?1", [customer_id])?;
        insert_phones(tx, customer_id, &wanted, ids, now)?;
        let show = |p: &[PhoneRecord]| p.iter().map(|p| p.number.as_str()).collect::<Vec<_>>().join(", ");
        audit::append(tx, now, actor, Entry::update("customers", customer_id, Some("phones"), Some(&show(&phones)), Some(&show(&wanted))))?;
        changed += 1;
    }
    let mut stmt = tx.prepare_cached("SELECT address FROM customer_emails WHERE customer_id = ?1 ORDER BY rowid")?;
    let emails: Vec<String> = stmt.query_map([customer_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if carried("email") && emails != record.emails {
        tx.execute("DELETE FROM customer_emails WHERE customer_id = ?1", [customer_id])?;
        insert_emails(tx, customer_id, &record.emails, ids, now)?;
        audit::append(tx, now, actor, Entry::update("customers", customer_id, Some("emails"), Some(&emails.join(", ")), Some(&record.emails.join(", "))))?;
        changed += 1;
    }
    Ok(changed)
}

/// Applies one imported row (a customer with exactly one account): creates it, updates the
/// fields that differ, or leaves it as it is. Importing the same row twice changes nothing.
/// `carried(column)` says whether the file has that column: a column the file does not have
/// never changes what is stored (points, the member flag, a second phone…). Returns what it
/// did and the customer's id.
pub fn import_row(
    tx: &Transaction,
    record: &CustomerRecord,
    carried: &dyn Fn(&str) -> bool,
    ids: &mut dyn FnMut() -> String,
    actor: &str,
    now: &str,
) -> Result<(ImportOutcome, String)> {
    let Some(account) = record.accounts.first() else {
        return Err(crate::StoreError::invalid("accounts", "an imported row has one account"));
    };
    let existing: Option<(String, String, i64)> = tx
        .prepare_cached(
            "SELECT a.id, a.customer_id, c.rowid FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.service = ?1 AND a.customer_number = ?2",
        )?
        .query_row(params![account.service, account.customer_number], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((account_id, customer_id, rowid)) = existing else {
        let (id, _) = insert_customer(tx, record, ids, actor, now)?;
        return Ok((ImportOutcome::Created, id));
    };
    let customer: Vec<_> = customer_fields(record).into_iter().filter(|(column, _)| carried(column)).collect();
    let account: Vec<_> = account_fields(account).into_iter().filter(|(column, _)| carried(column)).collect();
    let mut changed = update_changed(tx, "customers", &customer_id, &customer, actor, now)?;
    changed += update_changed(tx, "accounts", &account_id, &account, actor, now)?;
    changed += replace_contacts(tx, &customer_id, record, carried, ids, actor, now)?;
    if changed == 0 {
        return Ok((ImportOutcome::Unchanged, customer_id));
    }
    reindex_later(tx, rowid, false)?;
    Ok((ImportOutcome::Updated(changed), customer_id))
}

/// Adds a call note (its body checked for length and card numbers: a `FreeText`; the API
/// refuses empty text).
pub fn add_note(tx: &Transaction, customer_id: &str, author: &str, body: &FreeText, now: &str) -> Result<String> {
    let body = body.as_str();
    let exists: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM customers WHERE id = ?1)", [customer_id], |r| r.get(0))?;
    if !exists {
        return Err(crate::StoreError::NotFound(format!("customer {customer_id} not found")));
    }
    let id = crate::new_id();
    tx.execute(
        "INSERT INTO call_notes (id, customer_id, author, at, body, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?4)",
        params![id, customer_id, author, now, body],
    )?;
    audit::append(tx, now, author, Entry::insert("call_notes", &id, Some(body)))?;
    Ok(id)
}

/// Changes some of a customer's own fields (the API has checked the values, each a
/// `FreeText`); audits each change and keeps the name index. Returns how many fields changed.
pub fn update_customer(tx: &Transaction, id: &str, fields: &[(&'static str, Option<FreeText>)], actor: &str, now: &str) -> Result<usize> {
    let fields: Vec<(&'static str, Option<String>)> = fields.iter().map(|(column, value)| (*column, value.as_ref().map(|v| v.as_str().to_string()))).collect();
    let found: Option<i64> = tx.query_row("SELECT rowid FROM customers WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    let Some(rowid) = found else {
        return Err(crate::StoreError::NotFound(format!("customer {id} not found")));
    };
    let changed = update_changed(tx, "customers", id, &fields, actor, now)?;
    if changed > 0 {
        reindex_later(tx, rowid, false)?;
    }
    Ok(changed)
}

/// Deletes a customer with phones, emails, accounts, orders, requests and call notes (a
/// tombstone each in the change log). Issued documents are records that must be kept: they
/// stay, with the reference to the customer cleared (their snapshot still names whom they were
/// issued to). The same rule holds when the delete arrives by sync, whatever order the changes
/// come in, so every installation ends with the same rows.
pub fn delete_customer(tx: &Transaction, id: &str, actor: &str, now: &str) -> Result<()> {
    let name: Option<String> = tx.query_row("SELECT name FROM customers WHERE id = ?1", [id], |r| r.get(0)).optional()?;
    let Some(name) = name else {
        return Err(crate::StoreError::NotFound(format!("customer {id} not found")));
    };
    crate::sync::remove(tx, crate::sync::customers_table(), id)?;
    audit::append(tx, now, actor, Entry::delete("customers", id, Some(&name)))?;
    Ok(())
}

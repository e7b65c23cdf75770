//! 名寄せ: the customers likely the same person as one customer (by the domain's rule,
//! `duplicates::likely_same`, over the phone-digit and email-key indexes), and merging two
//! customers into one.

use madoguchi_domain::duplicates::{Identity, Likeness, likely_same};
use rusqlite::{Connection, params};

use crate::Result;

/// How many customers sharing a contact are compared at most: a number shared by hundreds
/// (an office switchboard) is not one person's.
const MAX_CANDIDATES: usize = 50;

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
/// key, and the kana key or the birth date), in id order; empty for an unknown id. Reads
/// through the connection or an open transaction, so the import lists them as it writes.
pub fn likely_duplicates(conn: &Connection, id: &str) -> Result<Vec<DuplicateView>> {
    let Some(me) = held(conn, id)? else { return Ok(Vec::new()) };
    let mut stmt = conn.prepare_cached(
        "SELECT customer_id FROM customer_phones WHERE digits IN (SELECT digits FROM customer_phones WHERE customer_id = ?1 AND digits <> '') AND customer_id <> ?1
         UNION
         SELECT customer_id FROM customer_emails WHERE address_key IN (SELECT address_key FROM customer_emails WHERE customer_id = ?1 AND address_key <> '') AND customer_id <> ?1
         ORDER BY 1 LIMIT ?2",
    )?;
    let candidates: Vec<String> = stmt.query_map(params![id, MAX_CANDIDATES as i64], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
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

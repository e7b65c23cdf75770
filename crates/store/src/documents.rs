//! Issued documents: numbering counters, issuer settings, the rows that keep each document's
//! data snapshot and PDF hash, and the order data a document is built from.

use madoguchi_domain::text::FreeText;
use rusqlite::{OptionalExtension, Transaction, params};

use crate::audit::{self, Entry};
use crate::{Result, Store};

/// The issuer of one service's documents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IssuerRecord {
    pub name: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub fax: Option<String>,
    pub registration_number: Option<String>,
    pub seal_png: Option<Vec<u8>>,
}

/// A document row to insert.
#[derive(Debug, Clone)]
pub struct NewDocument<'a> {
    pub customer_id: Option<&'a str>,
    pub account_id: Option<&'a str>,
    pub order_id: Option<&'a str>,
    pub doc_type: &'a str,
    pub number: &'a str,
    pub issued_at: &'a str,
    pub reissue_of: Option<&'a str>,
    pub snapshot: &'a str,
    pub pdf_sha256: &'a str,
}

/// A stored document: enough to re-issue it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    pub id: String,
    pub customer_id: Option<String>,
    pub account_id: Option<String>,
    pub order_id: Option<String>,
    pub doc_type: String,
    pub number: String,
    pub snapshot: String,
}

/// The next number of a document type (1, 2, …), taken inside the caller's transaction.
pub fn next_number(tx: &Transaction, doc_type: &str) -> Result<i64> {
    tx.execute("INSERT INTO document_counters (doc_type, last) VALUES (?1, 1) ON CONFLICT (doc_type) DO UPDATE SET last = last + 1", [doc_type])?;
    Ok(tx.query_row("SELECT last FROM document_counters WHERE doc_type = ?1", [doc_type], |r| r.get(0))?)
}

pub fn insert_document(tx: &Transaction, d: &NewDocument, actor: &str) -> Result<String> {
    let id = crate::new_id();
    tx.execute(
        "INSERT INTO documents (id, customer_id, account_id, order_id, doc_type, number, issued_at, reissue_of, snapshot, pdf_sha256, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?7)",
        params![id, d.customer_id, d.account_id, d.order_id, d.doc_type, d.number, d.issued_at, d.reissue_of, d.snapshot, d.pdf_sha256],
    )?;
    let what = format!("{} {}{}", d.doc_type, d.number, if d.reissue_of.is_some() { " 再発行" } else { "" });
    audit::append(tx, d.issued_at, actor, Entry::insert("documents", &id, Some(&what)))?;
    Ok(id)
}

impl Store {
    pub fn issuer(&self, service: &str) -> Result<Option<IssuerRecord>> {
        Ok(self
            .conn()
            .query_row("SELECT name, postal_code, address, phone, fax, registration_number, seal_png FROM issuers WHERE service = ?1", [service], |r| {
                Ok(IssuerRecord {
                    name: r.get(0)?,
                    postal_code: r.get(1)?,
                    address: r.get(2)?,
                    phone: r.get(3)?,
                    fax: r.get(4)?,
                    registration_number: r.get(5)?,
                    seal_png: r.get(6)?,
                })
            })
            .optional()?)
    }

    pub fn set_issuer(&mut self, service: &str, issuer: &IssuerRecord, actor: &str, now: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO issuers (service, name, postal_code, address, phone, fax, registration_number, seal_png, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (service) DO UPDATE SET name = ?2, postal_code = ?3, address = ?4, phone = ?5, fax = ?6,
                     registration_number = ?7, seal_png = ?8, updated_at = ?9",
                params![service, issuer.name, issuer.postal_code, issuer.address, issuer.phone, issuer.fax, issuer.registration_number, issuer.seal_png, now],
            )?;
            audit::append(tx, now, actor, Entry::update("issuers", service, None, None, Some(&issuer.name)))
        })
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn().query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    /// Sets a setting (its value checked for length and card numbers: a `FreeText`).
    pub fn set_setting(&mut self, key: &str, value: &FreeText, actor: &str, now: &str) -> Result<()> {
        let value = value.as_str();
        self.write(|tx| {
            let old: Option<String> = tx.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?;
            tx.execute(
                "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at = ?3",
                params![key, value, now],
            )?;
            audit::append(tx, now, actor, Entry::update("settings", key, None, old.as_deref(), Some(value)))
        })
    }

    /// The original (not a re-issue) document of a type and number.
    pub fn document(&self, doc_type: &str, number: &str) -> Result<Option<StoredDocument>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT id, customer_id, account_id, order_id, doc_type, number, snapshot FROM documents WHERE doc_type = ?1 AND number = ?2 AND reissue_of IS NULL",
                [doc_type, number],
                |r| {
                    Ok(StoredDocument {
                        id: r.get(0)?,
                        customer_id: r.get(1)?,
                        account_id: r.get(2)?,
                        order_id: r.get(3)?,
                        doc_type: r.get(4)?,
                        number: r.get(5)?,
                        snapshot: r.get(6)?,
                    })
                },
            )
            .optional()?)
    }

    /// The customer, account and order ids of an order number.
    pub fn order_owner(&self, order_number: &str) -> Result<Option<(String, String, String)>> {
        Ok(self
            .conn()
            .query_row("SELECT a.customer_id, a.id, o.id FROM orders o JOIN accounts a ON a.id = o.account_id WHERE o.order_number = ?1", [order_number], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?)
    }
}

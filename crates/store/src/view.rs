//! Reading one customer whole: phones, emails, accounts with their orders, documents issued,
//! requests and call notes — what the agent sees on the 顧客 screen.

use rusqlite::{OptionalExtension, Row, params};

use crate::customers::{AccountRecord, PhoneRecord};
use crate::{Result, Store};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLineView {
    pub line_no: i64,
    pub product_code: String,
    pub name: String,
    pub quantity: i64,
    pub unit_price: String,
    pub tax: String,
    pub delivery_note: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderView {
    pub id: String,
    pub order_number: String,
    pub ordered_at: String,
    pub payment_method: String,
    pub shipped_on: Option<String>,
    pub status: String,
    pub lines: Vec<OrderLineView>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountView {
    pub id: String,
    pub record: AccountRecord,
    pub orders: Vec<OrderView>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentView {
    pub id: String,
    pub doc_type: String,
    pub number: String,
    pub issued_at: String,
    pub reissue_of: Option<String>,
    pub pdf_sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestView {
    pub id: String,
    pub request_type: String,
    pub status: String,
    pub due_on: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteView {
    pub id: String,
    pub author: String,
    pub at: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerView {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub name_kana: String,
    pub birth_date: Option<String>,
    pub prefecture: String,
    pub postal_code: String,
    pub address: String,
    pub created_at: String,
    pub updated_at: String,
    pub phones: Vec<PhoneRecord>,
    pub emails: Vec<String>,
    pub accounts: Vec<AccountView>,
    pub documents: Vec<DocumentView>,
    pub requests: Vec<RequestView>,
    pub notes: Vec<NoteView>,
}

fn account(row: &Row) -> rusqlite::Result<AccountView> {
    Ok(AccountView {
        id: row.get("id")?,
        record: AccountRecord {
            service: row.get("service")?,
            customer_number: row.get("customer_number")?,
            status: row.get("status")?,
            plan: row.get("plan")?,
            server_model: row.get("server_model")?,
            servers: row.get("servers")?,
            first_delivery: row.get("first_delivery")?,
            last_shipment: row.get("last_shipment")?,
            dealer: row.get("dealer")?,
            monthly_limit: row.get("monthly_limit")?,
            billing_cycle: row.get("billing_cycle")?,
            paid_through: row.get("paid_through")?,
            terminals: row.get("terminals")?,
            np_terms: row.get("np_terms")?,
            points: row.get("points")?,
            member: row.get("member")?,
        },
        orders: Vec::new(),
    })
}

impl Store {
    /// The customer with everything about them, or `None`.
    pub fn customer(&self, id: &str) -> Result<Option<CustomerView>> {
        let conn = self.conn();
        let Some(mut view) = conn
            .query_row(
                "SELECT id, kind, name, name_kana, birth_date, prefecture, postal_code, address, created_at, updated_at FROM customers WHERE id = ?1",
                [id],
                |r| {
                    Ok(CustomerView {
                        id: r.get(0)?,
                        kind: r.get(1)?,
                        name: r.get(2)?,
                        name_kana: r.get(3)?,
                        birth_date: r.get(4)?,
                        prefecture: r.get(5)?,
                        postal_code: r.get(6)?,
                        address: r.get(7)?,
                        created_at: r.get(8)?,
                        updated_at: r.get(9)?,
                        phones: Vec::new(),
                        emails: Vec::new(),
                        accounts: Vec::new(),
                        documents: Vec::new(),
                        requests: Vec::new(),
                        notes: Vec::new(),
                    })
                },
            )
            .optional()?
        else {
            return Ok(None);
        };
        view.phones = conn
            .prepare_cached("SELECT number, label FROM customer_phones WHERE customer_id = ?1 ORDER BY rowid")?
            .query_map([id], |r| Ok(PhoneRecord { number: r.get(0)?, label: r.get(1)? }))?
            .collect::<rusqlite::Result<_>>()?;
        view.emails = conn
            .prepare_cached("SELECT address FROM customer_emails WHERE customer_id = ?1 ORDER BY rowid")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        view.accounts = conn
            .prepare_cached("SELECT * FROM accounts WHERE customer_id = ?1 ORDER BY service, customer_number")?
            .query_map([id], account)?
            .collect::<rusqlite::Result<_>>()?;
        for account in &mut view.accounts {
            account.orders = self.orders(&account.id)?;
        }
        view.documents = conn
            .prepare_cached(
                "SELECT id, doc_type, number, issued_at, reissue_of, pdf_sha256 FROM documents WHERE customer_id = ?1 ORDER BY issued_at DESC, number DESC",
            )?
            .query_map([id], |r| {
                Ok(DocumentView { id: r.get(0)?, doc_type: r.get(1)?, number: r.get(2)?, issued_at: r.get(3)?, reissue_of: r.get(4)?, pdf_sha256: r.get(5)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
        view.requests = conn
            .prepare_cached("SELECT id, request_type, status, due_on, created_at FROM requests WHERE customer_id = ?1 ORDER BY created_at DESC")?
            .query_map([id], |r| Ok(RequestView { id: r.get(0)?, request_type: r.get(1)?, status: r.get(2)?, due_on: r.get(3)?, created_at: r.get(4)? }))?
            .collect::<rusqlite::Result<_>>()?;
        view.notes = conn
            .prepare_cached("SELECT id, author, at, body FROM call_notes WHERE customer_id = ?1 ORDER BY at DESC, rowid DESC")?
            .query_map([id], |r| Ok(NoteView { id: r.get(0)?, author: r.get(1)?, at: r.get(2)?, body: r.get(3)? }))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(view))
    }

    fn orders(&self, account_id: &str) -> Result<Vec<OrderView>> {
        let conn = self.conn();
        let mut orders: Vec<OrderView> = conn
            .prepare_cached(
                "SELECT id, order_number, ordered_at, payment_method, shipped_on, status FROM orders WHERE account_id = ?1 ORDER BY ordered_at DESC",
            )?
            .query_map([account_id], |r| {
                Ok(OrderView {
                    id: r.get(0)?,
                    order_number: r.get(1)?,
                    ordered_at: r.get(2)?,
                    payment_method: r.get(3)?,
                    shipped_on: r.get(4)?,
                    status: r.get(5)?,
                    lines: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut lines = conn.prepare_cached(
            "SELECT line_no, product_code, name, quantity, unit_price, tax, delivery_note FROM order_lines WHERE order_id = ?1 ORDER BY line_no",
        )?;
        for order in &mut orders {
            order.lines = lines
                .query_map(params![order.id], |r| {
                    Ok(OrderLineView {
                        line_no: r.get(0)?,
                        product_code: r.get(1)?,
                        name: r.get(2)?,
                        quantity: r.get(3)?,
                        unit_price: r.get(4)?,
                        tax: r.get(5)?,
                        delivery_note: r.get(6)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(orders)
    }
}

//! The tables that travel in bundles, parents first: their columns, blobs, parents and whether
//! a row outlives its parent; and the check of a change's data against its table.

use serde_json::{Map, Value};

/// A table that travels in bundles.
pub struct Table {
    pub name: &'static str,
    /// The primary key column (text).
    pub key: &'static str,
    /// Every other column, in schema order.
    pub columns: &'static [&'static str],
    /// Columns holding bytes; they travel as hexadecimal text.
    pub blobs: &'static [&'static str],
    /// (column, parent table): the row needs that parent to exist.
    pub parents: &'static [(&'static str, &'static str)],
    /// When a parent is deleted, keep this row and clear the reference (issued documents are
    /// records that must be kept); otherwise the row is deleted with its parent.
    pub keeps_orphans: bool,
}

/// The synced tables, parents before children. Not synced: the installation's own rows
/// (installation, settings, document counters), the audit log (each installation records what
/// happened on it, imports included) and the search index (derived from customers).
pub const TABLES: [Table; 12] = [
    // First, so that a merge is settled before the delete of the customer merged away
    // (migration 0007): its rows then move to the kept customer instead of going with it.
    Table { name: "customer_merges", key: "id", columns: &["keep_id", "merged_at", "updated_at"], blobs: &[], parents: &[], keeps_orphans: false },
    Table {
        name: "customers",
        key: "id",
        columns: &["kind", "name", "name_kana", "birth_date", "prefecture", "postal_code", "address", "created_at", "updated_at"],
        blobs: &[],
        parents: &[],
        keeps_orphans: false,
    },
    Table {
        name: "customer_phones",
        key: "id",
        columns: &["customer_id", "number", "digits", "digits_reversed", "label", "updated_at"],
        blobs: &[],
        parents: &[("customer_id", "customers")],
        keeps_orphans: false,
    },
    Table {
        name: "customer_emails",
        key: "id",
        columns: &["customer_id", "address", "address_key", "updated_at"],
        blobs: &[],
        parents: &[("customer_id", "customers")],
        keeps_orphans: false,
    },
    Table {
        name: "accounts",
        key: "id",
        columns: &[
            "customer_id",
            "service",
            "customer_number",
            "number_key",
            "status",
            "plan",
            "server_model",
            "servers",
            "first_delivery",
            "last_shipment",
            "dealer",
            "monthly_limit",
            "billing_cycle",
            "paid_through",
            "terminals",
            "np_terms",
            "points",
            "member",
            "created_at",
            "updated_at",
        ],
        blobs: &[],
        parents: &[("customer_id", "customers")],
        keeps_orphans: false,
    },
    Table {
        name: "orders",
        key: "id",
        columns: &["account_id", "order_number", "ordered_at", "payment_method", "shipped_on", "status", "updated_at"],
        blobs: &[],
        parents: &[("account_id", "accounts")],
        keeps_orphans: false,
    },
    Table {
        name: "order_lines",
        key: "id",
        columns: &["order_id", "line_no", "product_code", "name", "quantity", "unit_price", "tax", "delivery_note", "updated_at"],
        blobs: &[],
        parents: &[("order_id", "orders")],
        keeps_orphans: false,
    },
    Table {
        name: "issuers",
        key: "service",
        columns: &["name", "postal_code", "address", "phone", "fax", "registration_number", "seal_png", "updated_at"],
        blobs: &["seal_png"],
        parents: &[],
        keeps_orphans: false,
    },
    Table {
        name: "documents",
        key: "id",
        columns: &["customer_id", "account_id", "order_id", "doc_type", "number", "issued_at", "reissue_of", "snapshot", "pdf_sha256", "updated_at"],
        blobs: &[],
        parents: &[("customer_id", "customers"), ("account_id", "accounts"), ("order_id", "orders"), ("reissue_of", "documents")],
        keeps_orphans: true,
    },
    Table {
        name: "requests",
        key: "id",
        columns: &["customer_id", "account_id", "request_type", "status", "fields", "due_on", "created_at", "updated_at"],
        blobs: &[],
        parents: &[("customer_id", "customers"), ("account_id", "accounts")],
        keeps_orphans: false,
    },
    Table {
        name: "request_history",
        key: "id",
        columns: &["request_id", "seq", "from_status", "to_status", "actor", "at", "comment", "updated_at"],
        blobs: &[],
        parents: &[("request_id", "requests")],
        keeps_orphans: false,
    },
    Table {
        name: "call_notes",
        key: "id",
        columns: &["customer_id", "author", "at", "body", "updated_at"],
        blobs: &[],
        parents: &[("customer_id", "customers")],
        keeps_orphans: false,
    },
];

/// The customers table's spec.
pub fn customers_table() -> &'static Table {
    &TABLES[table_index("customers").expect("customers is synced")]
}

/// The index of a synced table by name.
pub fn table_index(name: &str) -> Option<usize> {
    TABLES.iter().position(|t| t.name == name)
}

/// Checks a change's data against its table: known columns, scalar values, blobs in hex.
pub fn check_data(table: &Table, data: &Map<String, Value>) -> std::result::Result<(), String> {
    for (column, value) in data {
        if !table.columns.contains(&column.as_str()) {
            return Err(format!("{}: no column '{column}'", table.name));
        }
        match value {
            Value::Null | Value::String(_) => {}
            Value::Number(n) if n.is_i64() => {}
            _ => return Err(format!("{}.{column}: must be text, a whole number or null", table.name)),
        }
        if table.blobs.contains(&column.as_str())
            && let Value::String(s) = value
            && (s.len() % 2 != 0 || !s.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(format!("{}.{column}: must be hexadecimal", table.name));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    /// Each spec lists exactly its table's columns, in schema order.
    #[test]
    fn table_specs_list_every_column() {
        let store = Store::open_in_memory("2026-11-22T10:00:00+09:00").unwrap();
        for table in &TABLES {
            let mut stmt = store.conn.prepare(&format!("SELECT name FROM pragma_table_info('{}')", table.name)).unwrap();
            let columns: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap();
            let spec: Vec<&str> = std::iter::once(table.key).chain(table.columns.iter().copied()).collect();
            assert_eq!(columns, spec, "{}", table.name);
        }
    }
}

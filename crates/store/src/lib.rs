//! The customer store: a real SQLite file (bundled SQLite, FTS5 trigram), forward-only
//! migrations, and every read and write the API needs. The only crate that speaks SQL.

pub mod customers;
pub mod documents;
pub mod requests;
mod lookup;
pub mod sync;
pub mod synth;
mod view;

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

pub use customers::{AccountRecord, CustomerRecord, ImportOutcome, PhoneRecord};
pub use lookup::{LookupHit, MatchedField};
pub use view::{AccountView, CustomerView, DocumentView, NoteView, OrderLineView, OrderView, RequestView};

/// The page cache of a bulk load, in KiB (negative: SQLite's unit for KiB): 256 MiB.
const BULK_CACHE_KIB: i64 = -262_144;

/// Forward-only migrations, applied in order; `PRAGMA user_version` counts those applied.
const MIGRATIONS: [(&str, &str); 2] = [
    ("0001_initial", include_str!("migrations/0001_initial.sql")),
    ("0002_sync", include_str!("migrations/0002_sync.sql")),
];

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database: schema version {found} is newer than this madoguchi knows ({known}); update madoguchi")]
    NewerSchema { found: i64, known: i64 },
    #[error("{0}")]
    NotFound(String),
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
}

impl StoreError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        StoreError::Invalid { field: field.into(), reason: reason.into() }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open database.
pub struct Store {
    conn: Connection,
    /// Reads the wall clock for the change log's clock (see `sync`); set by the API.
    wall_clock: Option<fn() -> i64>,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it. `now` stamps the
    /// installation row of a new database.
    pub fn open(path: &Path, now: &str) -> Result<Store> {
        Self::setup(Connection::open(path)?, now)
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory(now: &str) -> Result<Store> {
        Self::setup(Connection::open_in_memory()?, now)
    }

    fn setup(conn: Connection, now: &str) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if mode != "wal" && mode != "memory" {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        sync::register_wall_clock(&conn, || 0)?;
        let mut store = Store { conn, wall_clock: None };
        store.migrate(now)?;
        Ok(store)
    }

    fn migrate(&mut self, now: &str) -> Result<()> {
        let known = MIGRATIONS.len() as i64;
        let applied: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if applied > known {
            return Err(StoreError::NewerSchema { found: applied, known });
        }
        for (index, (_name, sql)) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
            tx.commit()?;
        }
        if self.conn.query_row("SELECT id FROM installation", [], |r| r.get::<_, String>(0)).optional()?.is_none() {
            self.conn.execute("INSERT INTO installation (id, created_at) VALUES (?1, ?2)", (new_id(), now))?;
        }
        self.conn.execute("UPDATE sync_clock SET origin = (SELECT id FROM installation) WHERE origin = ''", [])?;
        Ok(())
    }

    /// The schema version (number of migrations applied).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// This database's installation id, generated once when it was created.
    pub fn installation_id(&self) -> Result<String> {
        Ok(self.conn.query_row("SELECT id FROM installation", [], |r| r.get(0))?)
    }

    /// SQLite's integrity and foreign-key checks plus the search index's own check; the
    /// problems found, or an empty list.
    pub fn check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let row = row?;
            if row != "ok" {
                problems.push(format!("integrity: {row}"));
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        for row in stmt.query_map([], |r| Ok(format!("foreign key: {} row {} → {}", r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)))? {
            problems.push(row?);
        }
        if let Err(e) = self.conn.execute("INSERT INTO customer_name_fts (customer_name_fts, rank) VALUES ('integrity-check', 0)", []) {
            problems.push(format!("name index: {e}"));
        }
        let orphans: i64 = self.conn.query_row(
            "SELECT count(*) FROM customers c WHERE NOT EXISTS (SELECT 1 FROM customer_name_tokens t WHERE t.customer_rowid = c.rowid)",
            [],
            |r| r.get(0),
        )?;
        if orphans > 0 {
            problems.push(format!("name index: {orphans} customers have no name tokens"));
        }
        Ok(problems)
    }

    /// Counts of the main tables, for reports.
    pub fn counts(&self) -> Result<Vec<(&'static str, i64)>> {
        let tables = ["customers", "customer_phones", "customer_emails", "accounts", "orders", "order_lines", "documents", "requests", "call_notes", "audit_log"];
        tables
            .into_iter()
            .map(|t| Ok((t, self.conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?)))
            .collect()
    }

    /// Runs `work` in one immediate transaction: all of it is written, or none.
    pub fn write<T>(&mut self, work: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = work(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// `write` for a bulk load (seed, import): a larger page cache while it runs, so that a
    /// transaction of a million rows spills fewer pages to the write-ahead log.
    pub fn bulk_write<T>(&mut self, work: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let normal: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        self.conn.pragma_update(None, "cache_size", BULK_CACHE_KIB)?;
        let result = self.write(work);
        self.conn.pragma_update(None, "cache_size", normal)?;
        result
    }

    /// Refreshes the query planner's statistics after a bulk load.
    pub fn optimize(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA optimize=0x10002; INSERT INTO customer_name_fts (customer_name_fts) VALUES ('optimize');")?;
        Ok(())
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// A new random row id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

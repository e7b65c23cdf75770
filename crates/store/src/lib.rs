//! The customer store: a real SQLite file (bundled SQLite, FTS5 trigram), forward-only
//! migrations, and every read and write the API needs. The only crate that speaks SQL.

pub mod audit;
pub mod customers;
pub mod documents;
mod lookup;
pub mod merge;
pub mod requests;
pub mod sync;
pub mod synth;
pub mod trust;
mod view;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior, params};

pub use customers::{AccountRecord, CustomerRecord, ImportOutcome, PhoneRecord};
pub use lookup::{LookupHit, MatchedField};
pub use view::{AccountView, CustomerView, DocumentView, NoteView, OrderLineView, OrderView, RequestView};

/// The page cache of a bulk load, in KiB (negative: SQLite's unit for KiB): 64 MiB.
const BULK_CACHE_KIB: i64 = -65_536;

/// Statements kept prepared per connection: more than one import row or bundle apply uses
/// (rusqlite keeps 16, and an LRU that small re-prepares every statement of a row).
const STATEMENT_CACHE: usize = 256;

/// A migration's step in Rust, run after its SQL in the same transaction (for what SQL cannot
/// compute, such as SHA-256).
type Step = fn(&Transaction) -> Result<()>;

/// Forward-only migrations, applied in order; `PRAGMA user_version` counts those applied.
const MIGRATIONS: [(&str, &str, Option<Step>); 10] = [
    ("0001_initial", include_str!("migrations/0001_initial.sql"), None),
    ("0002_sync", include_str!("migrations/0002_sync.sql"), None),
    ("0003_audit_chain", include_str!("migrations/0003_audit_chain.sql"), Some(audit::chain_existing)),
    ("0004_trust", include_str!("migrations/0004_trust.sql"), None),
    // 0005's re-index of the names is done by 0006's step, which writes every search row again.
    ("0005_variant_keys", include_str!("migrations/0005_variant_keys.sql"), None),
    ("0006_partial_search", include_str!("migrations/0006_partial_search.sql"), Some(customers::reindex_customers)),
    ("0007_customer_merges", include_str!("migrations/0007_customer_merges.sql"), None),
    ("0008_bulk_log", include_str!("migrations/0008_bulk_log.sql"), None),
    ("0009_sync_horizon", include_str!("migrations/0009_sync_horizon.sql"), None),
    ("0010_log_compaction", include_str!("migrations/0010_log_compaction.sql"), None),
];

/// How long a backup waits for a moment when the database is not being written, in steps of
/// 50 ms (in WAL mode a backup's read never waits for writers; this covers a checkpoint).
const BACKUP_TRIES: u32 = 200;

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
    /// Set while a bulk load runs (`bulk_write`), read by the insert triggers.
    bulk: Arc<AtomicBool>,
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
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if mode != "wal" && mode != "memory" {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Temporary storage stays SQLite's default, files: in memory, the statement journals
        // and the sorter of an index built after a bulk load grow with the load (a 1M-customer
        // snapshot: 206 MB peak instead of 167 MB).
        sync::register_wall_clock(&conn, || 0)?;
        customers::register_search_functions(&conn)?;
        conn.execute_batch(customers::SEARCH_PENDING)?;
        let bulk = Arc::new(AtomicBool::new(false));
        sync::register_bulk_flag(&conn, bulk.clone())?;
        let mut store = Store { conn, wall_clock: None, bulk };
        store.migrate(now)?;
        sync::create_bulk_notes(&store.conn)?;
        Ok(store)
    }

    fn migrate(&mut self, now: &str) -> Result<()> {
        let known = MIGRATIONS.len() as i64;
        let applied: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if applied > known {
            return Err(StoreError::NewerSchema { found: applied, known });
        }
        for (index, (_name, sql, step)) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
            if let Some(step) = step {
                step(&tx)?;
            }
            customers::flush_search(&tx)?;
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
            tx.commit()?;
        }
        if self.conn.query_row("SELECT id FROM installation", [], |r| r.get::<_, String>(0)).optional()?.is_none() {
            self.conn.execute("INSERT INTO installation (id, created_at) VALUES (?1, ?2)", (new_installation_id(), now))?;
        }
        self.conn.execute("UPDATE sync_clock SET origin = (SELECT id FROM installation) WHERE origin = ''", [])?;
        Ok(())
    }

    /// The schema version (number of migrations applied).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// This connection's `PRAGMA synchronous`: 2 (FULL) for every madoguchi connection, so a
    /// commit is on disk, write-ahead log included, when it returns.
    pub fn synchronous(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?)
    }

    /// This database's installation id, generated once when it was created.
    pub fn installation_id(&self) -> Result<String> {
        Ok(self.conn.query_row("SELECT id FROM installation", [], |r| r.get(0))?)
    }

    /// Gives this database a new installation id (and so a new signing key and, unless
    /// `numbering.installation` is set, a new document-number code), audited: what a restored
    /// backup becomes. The changes made under the old id after the backup live on in the other
    /// installations; under a new id they come back by sync as another installation's, instead of
    /// being refused as this installation's own changes that its log lacks. Returns the new id.
    pub fn renew_installation(&mut self, actor: &str, now: &str) -> Result<String> {
        let id = new_installation_id();
        self.write(|tx| {
            let old: String = tx.query_row("SELECT id FROM installation", [], |r| r.get(0))?;
            tx.execute("UPDATE installation SET id = ?1, created_at = ?2", params![id, now])?;
            tx.execute("UPDATE sync_clock SET origin = ?1", [&id])?;
            audit::append(tx, now, actor, audit::Entry::update("installation", &id, Some("id"), Some(&old), Some(&id)))
        })?;
        Ok(id)
    }

    /// SQLite's integrity and foreign-key checks, the search index's own check and the audit
    /// log's hash chain (naming its first broken row); the problems found, or an empty list.
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
        // An older database (checked as it stands, before migrating) may not have them all yet.
        let indexes = [
            ("customer_name_fts", "name index"),
            ("customer_name_grams", "name gram index"),
            ("customer_address_grams", "address gram index"),
            ("customer_address_fts", "address index"),
        ];
        for (index, what) in indexes {
            let present: bool = self.conn.query_row("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = ?1)", [index], |r| r.get(0))?;
            if !present {
                continue;
            }
            if let Err(e) = self.conn.execute(&format!("INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 0)"), []) {
                problems.push(format!("{what}: {e}"));
            }
        }
        let orphans: i64 = self.conn.query_row(
            "SELECT count(*) FROM customers c WHERE NOT EXISTS (SELECT 1 FROM customer_name_tokens t WHERE t.customer_rowid = c.rowid)",
            [],
            |r| r.get(0),
        )?;
        if orphans > 0 {
            problems.push(format!("name index: {orphans} customers have no name tokens"));
        }
        problems.extend(audit::check(&self.conn)?);
        Ok(problems)
    }

    /// Checks a database file as `check` does, without migrating or otherwise changing what it
    /// holds: first that it is a madoguchi database (its tables, a schema this madoguchi knows
    /// or an older one). The problems found; an unreadable file is one.
    pub fn inspect(path: &Path) -> Result<Vec<String>> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        let known = MIGRATIONS.len() as i64;
        let version = match conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)) {
            Ok(version) => version,
            Err(e) => return Ok(vec![format!("not a SQLite database ({e})")]),
        };
        let tables: i64 =
            match conn
                .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('installation', 'customers', 'audit_log')", [], |r| r.get(0))
            {
                Ok(n) => n,
                Err(e) => return Ok(vec![format!("not a SQLite database ({e})")]),
            };
        if version < 1 || tables != 3 {
            return Ok(vec!["not a madoguchi database (no madoguchi tables)".into()]);
        }
        if version > known {
            return Ok(vec![format!("its schema {version} is newer than this madoguchi knows ({known}); update madoguchi")]);
        }
        sync::register_wall_clock(&conn, || 0)?;
        let store = Store { conn, wall_clock: None, bulk: Arc::default() };
        Ok(store.check().unwrap_or_else(|e| vec![e.to_string()]))
    }

    /// Copies the whole database to a new file at `dest` with SQLite's online backup: one read
    /// transaction, so the copy is of one moment while other connections go on writing (WAL).
    /// The copy is a single file (rollback journal, no `-wal`); the caller makes it durable.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        let mut target = Connection::open(dest)?;
        {
            let backup = Backup::new(&self.conn, &mut target)?;
            let mut tries = 0;
            loop {
                match backup.step(-1)? {
                    StepResult::Done => break,
                    StepResult::More => {}
                    _ if tries < BACKUP_TRIES => {
                        tries += 1;
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    _ => {
                        return Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(
                            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                            Some("the database stayed busy during the backup".into()),
                        )));
                    }
                }
            }
        }
        let _mode: String = target.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        target.close().map_err(|(_, e)| StoreError::Sqlite(e))?;
        Ok(())
    }

    /// Counts of the main tables, for reports.
    pub fn counts(&self) -> Result<Vec<(&'static str, i64)>> {
        let tables =
            ["customers", "customer_phones", "customer_emails", "accounts", "orders", "order_lines", "documents", "requests", "call_notes", "audit_log"];
        tables.into_iter().map(|t| Ok((t, self.conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?))).collect()
    }

    /// Runs `work` in one immediate transaction: all of it is written, or none.
    pub fn write<T>(&mut self, work: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        self.write_as(work)
    }

    /// `write` for a use case with an error type of its own, which passes through the
    /// transaction as it is (never re-classified as a store error); any error rolls back.
    pub fn write_as<T, E: From<StoreError>>(&mut self, work: impl FnOnce(&Transaction) -> Result<T, E>) -> Result<T, E> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
        let value = work(&tx)?;
        customers::flush_search(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(value)
    }

    /// `write` for a large transaction (a bundle's changes applied, a bulk load): a larger page
    /// cache while it runs, so that a transaction of a million rows spills fewer pages to the
    /// write-ahead log.
    pub fn bulk_write<T, E: From<StoreError>>(&mut self, work: impl FnOnce(&Transaction) -> Result<T, E>) -> Result<T, E> {
        let normal: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0)).map_err(StoreError::from)?;
        self.conn.pragma_update(None, "cache_size", BULK_CACHE_KIB).map_err(StoreError::from)?;
        let result = self.write_as(work);
        self.conn.pragma_update(None, "cache_size", normal).map_err(StoreError::from)?;
        result
    }

    /// `bulk_write` for a bulk load of this installation's own rows (seed, CSV import): the rows
    /// it inserts are logged for sync after the load, a statement per table
    /// (`sync::log_bulk_inserts`), instead of by a trigger run per row.
    pub fn bulk_load<T, E: From<StoreError>>(&mut self, work: impl FnOnce(&Transaction) -> Result<T, E>) -> Result<T, E> {
        let bulk = self.bulk.clone();
        let wall = self.wall_clock;
        self.bulk_write(|tx| {
            let value = {
                let _loading = BulkFlag::set(&bulk);
                work(tx)?
            };
            sync::log_bulk_inserts(tx, wall.map_or(0, |read| read()))?;
            Ok(value)
        })
    }

    /// Starts a read transaction that lasts as long as the returned guard: every read made
    /// meanwhile sees the database at one moment, whatever other connections write (an export's
    /// changes, its known clocks and its audit head agree).
    pub fn reading(&self) -> Result<Reading<'_>> {
        Ok(Reading { _transaction: self.conn.unchecked_transaction()? })
    }

    /// Refreshes the query planner's statistics after a bulk load.
    pub fn optimize(&self) -> Result<()> {
        self.conn.execute_batch(
            "PRAGMA optimize=0x10002; INSERT INTO customer_name_fts (customer_name_fts) VALUES ('optimize');
             INSERT INTO customer_name_grams (customer_name_grams) VALUES ('optimize');
             INSERT INTO customer_address_grams (customer_address_grams) VALUES ('optimize');
             INSERT INTO customer_address_fts (customer_address_fts) VALUES ('optimize');",
        )?;
        Ok(())
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// A read transaction (`Store::reading`), ended when dropped.
pub struct Reading<'a> {
    _transaction: Transaction<'a>,
}

/// The bulk flag, set while it lives: cleared however the load ends (an error, a panic).
struct BulkFlag<'a>(&'a AtomicBool);

impl<'a> BulkFlag<'a> {
    fn set(flag: &'a AtomicBool) -> Self {
        flag.store(true, Ordering::Relaxed);
        BulkFlag(flag)
    }
}

impl Drop for BulkFlag<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

/// A new row id: a UUID version 7 (RFC 9562), the time in milliseconds then 74 random bits.
/// Ids made one after the other sort together, so each insert lands at the end of the primary
/// key's index instead of on a random page of it (a bulk load of a million rows).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A new installation id: random throughout (UUID version 4), since its first digits are the
/// installation's document-number code, which two installations set up the same day must not
/// share.
fn new_installation_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

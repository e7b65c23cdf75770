//! What every target shares: the fixed moment the targets run at, the embedded tariffs, fresh
//! in-memory databases (kept from one run to the next while a run leaves them as they were),
//! and a fingerprint of everything a database holds (to prove a refusal wrote nothing).

use std::cell::RefCell;
use std::sync::OnceLock;
use std::thread::LocalKey;

use madoguchi_api::ApiError;
use madoguchi_api::Context;
use madoguchi_api::Store;
use madoguchi_api::import::{Encoding, import_customers};
use madoguchi_api::tariffs::Tariffs;
use madoguchi_domain::time::Moment;

/// The moment every target runs at (a Saturday: the business calendar is in play).
pub const NOW: &str = "2026-11-21T11:00:00+09:00";

/// The agent every write is made by.
pub const ACTOR: &str = "fuzz";

/// The customers every store of the CSV and lookup targets starts with: one account at each
/// service, with the columns an office file has.
pub const BASE_CUSTOMERS: &[u8] = include_bytes!("../fixtures/base_customers.csv");

pub fn now() -> Moment {
    match chrono::DateTime::parse_from_rfc3339(NOW) {
        Ok(moment) => moment,
        Err(e) => panic!("{NOW}: {e}"),
    }
}

/// The tariffs of `assets/tariffs/`, as the binary embeds them, parsed once.
pub fn tariffs() -> &'static Tariffs {
    static TARIFFS: OnceLock<Tariffs> = OnceLock::new();
    TARIFFS.get_or_init(|| Tariffs::embedded().unwrap_or_else(|e| panic!("the embedded tariffs load: {e}")))
}

/// A new, empty, migrated in-memory database.
pub fn empty_store() -> Store {
    Store::open_in_memory(&madoguchi_api::customers::stamp(now())).unwrap_or_else(|e| panic!("an in-memory database opens: {e}"))
}

/// A new in-memory database holding `BASE_CUSTOMERS`.
pub fn base_store() -> Store {
    let mut store = empty_store();
    import(&mut store, BASE_CUSTOMERS, false).unwrap_or_else(|e| panic!("the base customers import: {e}"));
    store
}

/// Imports CSV bytes (encoding detected) as the CLI and the app do.
pub fn import(store: &mut Store, bytes: &[u8], skip_bad: bool) -> Result<madoguchi_api::import::ImportReport, ApiError> {
    import_customers(store, &mut std::io::Cursor::new(bytes), Encoding::Auto, skip_bad, Context { tariffs: tariffs(), actor: ACTOR, now: now() }, &mut |_| true)
}

/// Everything a database holds that a write could change: every synced row, the change log,
/// the row counts of the main tables (the audit log among them) and the audit chain's head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub rows: String,
    pub changes: String,
    pub counts: Vec<(&'static str, i64)>,
    pub audit_head: String,
}

pub fn fingerprint(store: &Store) -> Fingerprint {
    let fail = |what: &str, e: madoguchi_store::StoreError| -> ! { panic!("reading {what} failed: {e}") };
    Fingerprint {
        rows: store.canonical_dump().unwrap_or_else(|e| fail("the canonical dump", e)),
        changes: store.change_log_dump().unwrap_or_else(|e| fail("the change log", e)),
        counts: store.counts().unwrap_or_else(|e| fail("the counts", e)),
        audit_head: format!("{:?}", store.audit_head().unwrap_or_else(|e| fail("the audit head", e))),
    }
}

/// Panics unless the database is sound: SQLite's checks, the search index, the audit chain.
pub fn assert_sound(store: &Store, after: &str) {
    match store.check() {
        Ok(problems) => assert!(problems.is_empty(), "the database is not sound after {after}: {problems:?}"),
        Err(e) => panic!("the check after {after} failed: {e}"),
    }
}

/// The field of an `Invalid` error; panics on any other kind (a refusal must name a field).
pub fn invalid_field(error: &ApiError, what: &str) -> String {
    match error {
        ApiError::Invalid { field, reason } => {
            assert!(!field.trim().is_empty(), "{what}: a refusal names no field ({reason})");
            assert!(!reason.trim().is_empty(), "{what}: a refusal of {field} gives no reason");
            field.clone()
        }
        other => panic!("{what}: failed instead of refusing with a field: {other} ({})", other.code()),
    }
}

/// A database kept between runs of one target (one per thread), with its fingerprint.
pub type Slot = LocalKey<RefCell<Option<(Store, Fingerprint)>>>;

/// The database a run starts from: the one the last run left as it was, else a new one from
/// `make`. Opening and migrating a database costs more than most runs, and a run that changed
/// nothing (its fingerprint checked) leaves the same database a new one would be; a run that
/// wrote drops it, so every run starts from what `make` gives.
pub fn take(slot: &'static Slot, make: fn() -> Store) -> (Store, Fingerprint) {
    slot.with(|s| s.borrow_mut().take()).unwrap_or_else(|| {
        let store = make();
        let print = fingerprint(&store);
        (store, print)
    })
}

/// Keeps the database for the next run; only for one the run has not changed.
pub fn put_back(slot: &'static Slot, store: Store, print: Fingerprint) {
    slot.with(|s| *s.borrow_mut() = Some((store, print)));
}

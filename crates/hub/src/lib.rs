//! The PostgreSQL hub past one office (ARCHITECTURE.md, "Growing past one office"): its schema
//! (`init`, forward-only migrations), one role per installation with row-level security
//! (`add_installation`), and `sync`: push this installation's changes the hub lacks, pull
//! every other installation's, applied by the same fold and checked by the same rules as a
//! bundle's. The password comes from the operating system's keychain or a file only the user
//! reads, never from the database, the URL or a log.

mod compact;
mod connect;
mod error;
mod rows;
mod schema;
mod sync;

pub use compact::{Compacted, compact};
pub use connect::{Password, connect, forget_password, save_password};
pub use error::HubError;
pub use schema::{NewInstallation, SCHEMA_VERSION, add_installation, group_role, init, schema_version};
pub use sync::{HubCheck, HubReport, Pulled, check, sync};

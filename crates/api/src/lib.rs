//! The one facade: tariffs and quotes, the customer store, lookup and import, as use cases
//! that take and give plain data and JSON. The CLI and the desktop shell are thin adapters.

pub mod backup;
pub mod clock;
pub mod customers;
pub mod documents;
pub mod error;
pub mod import;
pub mod input;
pub mod keys;
pub mod paths;
pub mod pop;
pub mod quote;
pub mod requests;
pub mod settings;
pub mod sync;
pub mod tariffs;
pub mod wire;

pub use error::ApiError;
pub use madoguchi_store::Store;

/// Who acts, when, and under which tariffs: what a use case that writes by the rules takes.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub tariffs: &'a tariffs::Tariffs,
    /// The agent recorded in the audit log.
    pub actor: &'a str,
    pub now: madoguchi_domain::time::Moment,
}

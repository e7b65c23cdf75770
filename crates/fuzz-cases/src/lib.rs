//! The properties the fuzzers of `fuzz/` check: one `pub fn <target>(data: &[u8])` per target,
//! which drives the real entry point (through the API, the store and the domain) and panics
//! on any broken property, not only on a crash. `fuzz/fuzz_targets/<target>.rs` only calls it;
//! `tests/inputs.rs` runs the committed seeds and crash inputs through it on stable, so CI
//! checks them without a fuzzer.

#[path = "../../domain/tests/support/card_reference.rs"]
pub mod card_reference;
pub mod fixtures;

mod bundle_import;
mod card_detection;
mod csv_import;
mod document_json;
mod link_parsing;
mod lookup_queries;
mod quote_json;

pub use bundle_import::bundle_import;
pub use card_detection::card_detection;
pub use csv_import::csv_import;
pub use document_json::document_json;
pub use link_parsing::link_parsing;
pub use lookup_queries::lookup_queries;
pub use quote_json::quote_json;

/// A target: its name (of `fuzz/fuzz_targets/<name>.rs`, `fuzz/corpus/<name>/` and
/// `fuzz/artifacts/<name>/`) and its function.
pub type Target = (&'static str, fn(&[u8]));

/// Every target.
pub const TARGETS: [Target; 7] = [
    ("bundle_import", bundle_import),
    ("csv_import", csv_import),
    ("quote_json", quote_json),
    ("document_json", document_json),
    ("card_detection", card_detection),
    ("link_parsing", link_parsing),
    ("lookup_queries", lookup_queries),
];

//! Document numbers: `<prefix>-<installation code>-<sequence>`, the prefix and the code each
//! an installation's setting with a default, so two agents' numbers never collide.

use madoguchi_domain::issue::DocumentType;
use madoguchi_store::Store;

use crate::ApiError;
use crate::settings::{self, Setting};

/// The installation's code in document numbers (HC: the first 4 hex digits of its id,
/// settable as `numbering.installation`), so two agents' numbers never collide.
pub fn installation_code(store: &Store) -> Result<String, ApiError> {
    if let Some(code) = settings::get(store, Setting::Installation)? {
        return Ok(code);
    }
    Ok(store.installation_id()?.chars().filter(char::is_ascii_hexdigit).take(4).collect::<String>().to_uppercase())
}

/// The number prefix in force for a type: its `numbering.prefix.<type>` setting, else the default.
pub fn prefix(store: &Store, doc: DocumentType) -> Result<String, ApiError> {
    Ok(settings::get(store, Setting::Prefix(doc))?.unwrap_or_else(|| doc.default_prefix().to_string()))
}

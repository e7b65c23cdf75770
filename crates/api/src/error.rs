//! The API's one error type: bad input naming its field, something not found, or a failure of
//! the installation that keeps its source (the store's error, the file's I/O error).

use std::path::{Path, PathBuf};

use madoguchi_domain::text::TextError;
use madoguchi_store::StoreError;

/// A failed use case: bad input the user can fix (naming the field), something not found,
/// or a failure of the database or file system.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("{0}")]
    NotFound(String),
    /// A failure told in words (a file that is not what it should be, no tariff loaded).
    #[error("{0}")]
    Failed(String),
    /// The database failed.
    #[error(transparent)]
    Store(StoreError),
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ApiError::Invalid { field: field.into(), reason: reason.into() }
    }

    /// An I/O failure on `path`, its source kept.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        ApiError::Io { path: path.to_path_buf(), source }
    }

    /// A short code for the IPC boundary and the CLI's exit status.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Invalid { .. } => "invalid",
            ApiError::NotFound(_) => "not_found",
            ApiError::Failed(_) | ApiError::Store(_) | ApiError::Io { .. } => "failed",
        }
    }
}

impl From<madoguchi_domain::quote::QuoteError> for ApiError {
    fn from(e: madoguchi_domain::quote::QuoteError) -> Self {
        ApiError::Invalid { field: e.field.to_string(), reason: e.reason }
    }
}

/// A refused quote request names its field.
impl From<crate::quote::RequestError> for ApiError {
    fn from(e: crate::quote::RequestError) -> Self {
        ApiError::Invalid { field: e.field, reason: e.reason }
    }
}

/// A refused text names its field: too long, or holding a card number.
impl From<TextError> for ApiError {
    fn from(e: TextError) -> Self {
        ApiError::Invalid { reason: e.reason(), field: e.field }
    }
}

/// The store's refusals keep their kind; its failures are kept whole.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid { field, reason } => ApiError::Invalid { field, reason },
            StoreError::NotFound(what) => ApiError::NotFound(what),
            other => ApiError::Store(other),
        }
    }
}

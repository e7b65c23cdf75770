//! What can go wrong with the hub, each kind kept: bad input (naming the field), a refusal by
//! the hub (authentication, its policy, a natural key), the hub out of reach, or the local
//! side's own error.

use madoguchi_api::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// Bad input, naming the field; nothing was written.
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    /// The hub refused: a wrong password or an unknown role, its row-level policy, a customer
    /// number another record holds, a clock far ahead.
    #[error("{0}")]
    Refused(String),
    /// The hub could not be reached, or the connection was lost; what was pushed or pulled
    /// before is kept, and the next sync goes on from there.
    #[error("{0}")]
    Unreachable(String),
    /// The local database or rules.
    #[error(transparent)]
    Api(#[from] ApiError),
}

impl HubError {
    pub fn invalid(field: &str, reason: impl Into<String>) -> Self {
        HubError::Invalid { field: field.to_string(), reason: reason.into() }
    }
}

impl From<madoguchi_store::StoreError> for HubError {
    fn from(e: madoguchi_store::StoreError) -> Self {
        HubError::Api(e.into())
    }
}

/// The hub's errors by their SQLSTATE: authentication and privilege are refusals, as are the
/// hub's own checks (a clashing customer number, a clock far ahead); a lost or refused
/// connection is "unreachable".
impl From<postgres::Error> for HubError {
    fn from(e: postgres::Error) -> Self {
        let Some(db) = e.as_db_error() else {
            return HubError::Unreachable(format!(
                "the hub cannot be reached or the connection was lost ({e}); what was pushed or pulled before is kept: sync again"
            ));
        };
        let code = db.code().code();
        let message = db.message();
        match code {
            "28P01" => HubError::Refused(format!("the hub refused the sign-in: wrong password, or a role it does not know ({message})")),
            "28000" => HubError::Refused(format!("the hub does not let this role in ({message})")),
            "42501" => HubError::Refused(format!("refused by the hub's policy: {message}")),
            "23505" | "23514" => HubError::Refused(message.to_string()),
            "57P01" | "57P02" | "57P03" => {
                HubError::Unreachable(format!("the hub is restarting or shutting down ({message}); what was pushed or pulled before is kept: sync again"))
            }
            _ => HubError::Refused(format!("the hub answered {code}: {message}")),
        }
    }
}

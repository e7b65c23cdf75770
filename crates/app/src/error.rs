//! The error every command returns: `{"code", "field", "message"}` (docs/app-commands.md),
//! mapped from the API's errors and from arguments that do not parse.

use madoguchi_api::ApiError;
use madoguchi_api::quote::RequestError;
use serde::Serialize;

/// What kind of failure: input the agent can fix, something missing, or a failure of the
/// installation (database, files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Invalid,
    NotFound,
    Failed,
}

/// A failed command. `message` is one line the UI may show as is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommandError {
    pub code: ErrorCode,
    pub field: Option<String>,
    pub message: String,
}

impl CommandError {
    /// Bad input naming its field; the message is `field: reason`, as the CLI prints it.
    pub fn invalid(field: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        let field = field.into();
        CommandError { code: ErrorCode::Invalid, message: format!("{field}: {reason}"), field: Some(field) }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        CommandError { code: ErrorCode::NotFound, field: None, message: message.into() }
    }

    pub fn failed(message: impl Into<String>) -> Self {
        CommandError { code: ErrorCode::Failed, field: None, message: message.into() }
    }

    /// The same error naming `to` where the API named `from` (its CLI spelling).
    pub fn renamed(self, from: &str, to: &str) -> Self {
        match self.field.as_deref() {
            Some(field) if field == from => {
                let reason = self.message.strip_prefix(&format!("{from}: ")).unwrap_or(&self.message).to_string();
                CommandError::invalid(to, reason)
            }
            _ => self,
        }
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CommandError {}

/// Logs a failed command with its code and field (the `log` facade: the desktop shell's log
/// file, nothing in the bridge), so that every error the UI shows is also in the log.
pub fn log_failure(command: &str, e: &CommandError) {
    let code = match e.code {
        ErrorCode::Invalid => "invalid",
        ErrorCode::NotFound => "not_found",
        ErrorCode::Failed => "failed",
    };
    let level = if e.code == ErrorCode::Failed { log::Level::Error } else { log::Level::Warn };
    log::log!(level, "{command}: code={code} field={} {}", e.field.as_deref().unwrap_or("-"), e.message);
}

/// A hub's refusal (a wrong password, its policy, a clashing number) is input to fix, named
/// `hub` when the hub gave no field; an unreachable hub is a failure of the moment.
impl From<madoguchi_hub::HubError> for CommandError {
    fn from(e: madoguchi_hub::HubError) -> Self {
        match e {
            madoguchi_hub::HubError::Invalid { field, reason } => CommandError::invalid(field, reason),
            madoguchi_hub::HubError::Refused(reason) => CommandError::invalid("hub", reason),
            madoguchi_hub::HubError::Unreachable(reason) => CommandError::failed(reason),
            madoguchi_hub::HubError::Api(e) => e.into(),
        }
    }
}

impl From<ApiError> for CommandError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Invalid { field, reason } => CommandError::invalid(field, reason),
            ApiError::NotFound(message) => CommandError::not_found(message),
            ApiError::Failed(_) | ApiError::Store(_) | ApiError::Io { .. } => CommandError::failed(e.to_string()),
        }
    }
}

impl From<RequestError> for CommandError {
    fn from(e: RequestError) -> Self {
        CommandError::invalid(e.field, e.reason)
    }
}

//! Where the app keeps things outside the database: the remembered database path (a small
//! JSON file in the config folder) and the default folder for issued PDFs.

use std::path::{Path, PathBuf};

use madoguchi_api::customers::{APP_ID, default_db_path};
use serde_json::{Value, json};

use crate::CommandError;

/// The app's config file: `<config folder>/jp.madoguchi.app/config.json` (on Linux
/// `$XDG_CONFIG_HOME` or `~/.config`), if the platform has a config folder.
pub fn default_config_file() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join(APP_ID).join("config.json"))
}

/// The database the desktop app opens at start: the one `open_database` remembered last,
/// else the default in the app-data folder, else `madoguchi.sqlite3` in the working folder.
pub fn startup_db_path() -> PathBuf {
    default_config_file()
        .and_then(|file| remembered_db_path(&file))
        .or_else(|| default_db_path().ok())
        .unwrap_or_else(|| PathBuf::from("madoguchi.sqlite3"))
}

/// The database path remembered in `config_file`, if it holds one.
pub fn remembered_db_path(config_file: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(config_file).ok()?;
    let config: Value = serde_json::from_str(&text).ok()?;
    config.get("db_path").and_then(Value::as_str).filter(|p| !p.is_empty()).map(PathBuf::from)
}

/// Remembers `db_path` in `config_file` (other keys of the file are kept).
pub fn remember_db_path(config_file: &Path, db_path: &Path) -> Result<(), CommandError> {
    let failed = |e: std::io::Error| CommandError::failed(format!("{}: {e}", config_file.display()));
    let mut config = std::fs::read_to_string(config_file).ok().and_then(|t| serde_json::from_str::<Value>(&t).ok()).filter(Value::is_object).unwrap_or_else(|| json!({}));
    config["db_path"] = json!(db_path.to_string_lossy());
    if let Some(dir) = config_file.parent() {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let text = serde_json::to_string_pretty(&config).map_err(|e| CommandError::failed(e.to_string()))?;
    std::fs::write(config_file, text + "\n").map_err(failed)
}

/// The default folder for issued PDFs: `<Documents>/madoguchi` (XDG_DOCUMENTS_DIR on Linux),
/// else `~/Documents/madoguchi`, else `madoguchi-documents` in the working folder.
pub fn default_documents_dir() -> PathBuf {
    dirs::document_dir()
        .or_else(|| dirs::home_dir().map(|home| home.join("Documents")))
        .map(|dir| dir.join("madoguchi"))
        .unwrap_or_else(|| PathBuf::from("madoguchi-documents"))
}

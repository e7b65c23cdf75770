//! Where the app keeps things outside the database: the remembered database path (a small
//! JSON file in the config folder, written whole or not at all) and the default folder for
//! issued PDFs. A config file that cannot be read is reported, never silently replaced.

use std::path::{Path, PathBuf};

use madoguchi_api::paths;
use serde_json::{Map, Value};

use crate::CommandError;

/// The app's config file (`madoguchi_api::paths::config_file`), if the platform has a config
/// folder.
pub fn default_config_file() -> Option<PathBuf> {
    paths::config_file().ok()
}

/// The database the desktop app opens at start: the one `open_database` remembered last in
/// `config_file`, else the default in the data folder, else `madoguchi.sqlite3` in the
/// working folder; with a notice for the agent when the config file exists but cannot be
/// read (the app then opens the default database and says so).
pub fn startup_db_path(config_file: Option<&Path>) -> (PathBuf, Option<String>) {
    let default = || paths::default_db_path().unwrap_or_else(|_| PathBuf::from("madoguchi.sqlite3"));
    let Some(file) = config_file else { return (default(), None) };
    match read_config(file) {
        Ok(config) => (db_path_of(&config).unwrap_or_else(default), None),
        Err(reason) => {
            let db = default();
            (db.clone(), Some(format!("設定ファイル {} を読めません（{reason}）。既定のデータベース {} で開きました。", file.display(), db.display())))
        }
    }
}

/// The database path remembered in `config_file`, if it holds one.
pub fn remembered_db_path(config_file: &Path) -> Option<PathBuf> {
    read_config(config_file).ok().as_ref().and_then(db_path_of)
}

fn db_path_of(config: &Value) -> Option<PathBuf> {
    config.get("db_path").and_then(Value::as_str).filter(|p| !p.is_empty()).map(PathBuf::from)
}

/// The config object; an absent file is an empty one; an unreadable or torn one is an error.
fn read_config(file: &Path) -> Result<Value, String> {
    match std::fs::read_to_string(file) {
        Ok(text) => match serde_json::from_str::<Value>(&text) {
            Ok(config) if config.is_object() => Ok(config),
            Ok(_) => Err("not a JSON object".into()),
            Err(e) => Err(format!("not JSON: {e}")),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::Object(Map::new())),
        Err(e) => Err(e.to_string()),
    }
}

/// Remembers `db_path` in `config_file` (other keys are kept), written through a temporary
/// file, fsynced and renamed. An unreadable config file is first kept aside as
/// `config.json.unreadable` (never lost), then replaced.
pub fn remember_db_path(config_file: &Path, db_path: &Path) -> Result<(), CommandError> {
    let mut config = match read_config(config_file) {
        Ok(config) => config,
        Err(_) => {
            let aside = config_file.with_extension("json.unreadable");
            std::fs::rename(config_file, &aside).map_err(|e| CommandError::failed(format!("{}: {e}", config_file.display())))?;
            Value::Object(Map::new())
        }
    };
    config["db_path"] = Value::from(db_path.to_string_lossy());
    let text = serde_json::to_string_pretty(&config).map_err(|e| CommandError::failed(e.to_string()))?;
    Ok(paths::write_durably(config_file, (text + "\n").as_bytes())?)
}

/// The default folder for issued PDFs: `<Documents>/madoguchi` (XDG_DOCUMENTS_DIR on Linux),
/// else `~/Documents/madoguchi`, else `madoguchi-documents` in the working folder.
pub fn default_documents_dir() -> PathBuf {
    dirs::document_dir()
        .or_else(|| dirs::home_dir().map(|home| home.join("Documents")))
        .map(|dir| dir.join("madoguchi"))
        .unwrap_or_else(|| PathBuf::from("madoguchi-documents"))
}

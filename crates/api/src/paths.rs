//! Where madoguchi keeps its files, the same for the CLI and the desktop app on every OS (the
//! folders Tauri resolves for the app's identifier), and the one-time move of the data folder
//! from the old identifier `jp.madoguchi.app`, which macOS refuses and Finder shows as an app.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use madoguchi_domain::time::Moment;

use crate::ApiError;
use crate::customers::{self, stamp};

/// The app's identifier (`tauri.conf.json`): the data and config folders carry this name.
pub const APP_ID: &str = "jp.madoguchi.desktop";
/// The identifier of releases before 0.2, whose data folder moves once to `APP_ID`'s.
pub const OLD_APP_ID: &str = "jp.madoguchi.app";
/// The file left in the old data folder once its contents moved; its presence stops a second move.
pub const MOVED_MARKER: &str = "MOVED-TO-jp.madoguchi.desktop.txt";
/// The database's file name in the data folder.
const DB_FILE: &str = "madoguchi.sqlite3";

fn platform(dir: Option<PathBuf>, what: &str) -> Result<PathBuf, ApiError> {
    dir.ok_or_else(|| ApiError::Failed(format!("no {what} folder on this platform; pass --db PATH")))
}

/// The data folder: `<platform data folder>/jp.madoguchi.desktop` (Windows `%APPDATA%`, macOS
/// `~/Library/Application Support`, Linux `$XDG_DATA_HOME` or `~/.local/share`): Tauri's
/// `app_data_dir`.
pub fn data_dir() -> Result<PathBuf, ApiError> {
    Ok(platform(dirs::data_dir(), "data")?.join(APP_ID))
}

/// The default database: `<data folder>/madoguchi.sqlite3`.
pub fn default_db_path() -> Result<PathBuf, ApiError> {
    Ok(data_dir()?.join(DB_FILE))
}

/// The app's config file: `<platform config folder>/jp.madoguchi.desktop/config.json` (Tauri's
/// `app_config_dir`; on macOS the same folder as the data).
pub fn config_file() -> Result<PathBuf, ApiError> {
    Ok(platform(dirs::config_dir(), "config")?.join(APP_ID).join("config.json"))
}

/// The folders of one identifier: data and config.
#[derive(Debug, Clone)]
pub struct Folders {
    pub data: PathBuf,
    pub config: PathBuf,
}

impl Folders {
    /// The old and the new identifier's folders on this platform.
    pub fn platform() -> Result<(Folders, Folders), ApiError> {
        let data = platform(dirs::data_dir(), "data")?;
        let config = platform(dirs::config_dir(), "config")?;
        let of = |id: &str| Folders { data: data.join(id), config: config.join(id) };
        Ok((of(OLD_APP_ID), of(APP_ID)))
    }
}

/// What the move did, for the agent and the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moved {
    /// Nothing to move: no old folder, or it moved before.
    Nothing,
    /// The old folder's files are now in the new one (`files` copied and checked).
    Moved { files: usize },
    /// Both folders hold a database: nothing was touched; the agent decides.
    BothExist,
}

impl Moved {
    /// A one-line notice for the agent (Japanese), if there is something to say.
    pub fn notice(&self, old: &Folders, new: &Folders) -> Option<String> {
        match self {
            Moved::Nothing => None,
            Moved::Moved { files } => Some(format!(
                "データフォルダを {} から {} へ移しました（{files}ファイル、データベースは確認済み）。古いフォルダは残してあります。",
                old.data.display(),
                new.data.display()
            )),
            Moved::BothExist => Some(format!(
                "古いデータフォルダ {} にもデータベースがあります。{} を使っています。古い方が必要なら 設定 → データベースを開く から開いてください。",
                old.data.display(),
                new.data.display()
            )),
        }
    }
}

/// Moves the old data folder on this platform if there is one (`move_old_data`); the notice
/// for the agent, if any. The CLI and the app call it before they use the default folders.
pub fn prepare(now: Moment) -> Result<Option<String>, ApiError> {
    let (old, new) = Folders::platform()?;
    Ok(move_old_data(&old, &new, now)?.notice(&old, &new))
}

/// Moves the old identifier's data folder to the new one, once and safely: its files
/// (database with `-wal`/`-shm`, documents, anything else) are copied into a staging folder
/// beside the new one and fsynced, the copied database must pass `db check`, then the staging
/// folder's entries are renamed into place; the config file follows, its remembered database
/// path rewritten when it pointed into the old folder. The old folder is left as it was, with
/// a marker file saying where the data went, so the next start moves nothing. Any failure
/// leaves the new folder untouched (the staging folder is removed) and is reported.
pub fn move_old_data(old: &Folders, new: &Folders, now: Moment) -> Result<Moved, ApiError> {
    if !old.data.is_dir() || old.data.join(MOVED_MARKER).exists() {
        return Ok(Moved::Nothing);
    }
    if new.data.join(DB_FILE).exists() {
        return Ok(Moved::BothExist);
    }
    let parent = new.data.parent().ok_or_else(|| ApiError::Failed(format!("{}: no parent folder", new.data.display())))?;
    let staging = parent.join(format!(".{APP_ID}.moving"));
    if staging.exists() {
        // A move interrupted before its renames: start it again from the old folder.
        std::fs::remove_dir_all(&staging).map_err(|e| ApiError::io(&staging, e))?;
    }
    let result = stage(old, &staging, now).and_then(|files| {
        place(&staging, &new.data)?;
        Ok(files)
    });
    let _ = std::fs::remove_dir_all(&staging);
    let files = result?;
    move_config(old, new)?;
    let marker = old.data.join(MOVED_MARKER);
    let text = format!(
        "madoguchi（窓口）のデータは {} に移動しました（{}）。\nmadoguchi's data moved to {} on {}.\nこのフォルダは削除してかまいません。 This folder may be deleted.\n",
        new.data.display(),
        stamp(now),
        new.data.display(),
        stamp(now)
    );
    write_durably(&marker, text.as_bytes())?;
    Ok(Moved::Moved { files })
}

/// Copies the old data folder into `staging` and checks the copied database; the file count.
fn stage(old: &Folders, staging: &Path, now: Moment) -> Result<usize, ApiError> {
    let files = copy_tree(&old.data, staging)?;
    let db = staging.join(DB_FILE);
    if db.exists() {
        let refused =
            |reason: String| ApiError::Failed(format!("the copy of {} fails db check ({reason}); nothing was moved", old.data.join(DB_FILE).display()));
        let store = customers::open(&db, now).map_err(|e| refused(e.to_string()))?;
        let problems = customers::check(&store).map_err(|e| refused(e.to_string()))?;
        if !problems.is_empty() {
            return Err(refused(problems.join("; ")));
        }
    }
    Ok(files)
}

/// Copies every file under `from` to `to` (created), fsyncing each; the number of files.
fn copy_tree(from: &Path, to: &Path) -> Result<usize, ApiError> {
    std::fs::create_dir_all(to).map_err(|e| ApiError::io(to, e))?;
    let mut files = 0;
    for entry in std::fs::read_dir(from).map_err(|e| ApiError::io(from, e))? {
        let entry = entry.map_err(|e| ApiError::io(from, e))?;
        let source = entry.path();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().map_err(|e| ApiError::io(&source, e))?;
        if kind.is_dir() {
            files += copy_tree(&source, &target)?;
        } else if kind.is_file() {
            std::fs::copy(&source, &target).map_err(|e| ApiError::io(&source, e))?;
            File::open(&target).and_then(|f| f.sync_all()).map_err(|e| ApiError::io(&target, e))?;
            files += 1;
        }
    }
    sync_dir(to);
    Ok(files)
}

/// Renames the staged entries into the new data folder (created if missing; entries it
/// already holds, such as a log folder, stay).
fn place(staging: &Path, data: &Path) -> Result<(), ApiError> {
    std::fs::create_dir_all(data).map_err(|e| ApiError::io(data, e))?;
    for entry in std::fs::read_dir(staging).map_err(|e| ApiError::io(staging, e))? {
        let entry = entry.map_err(|e| ApiError::io(staging, e))?;
        let target = data.join(entry.file_name());
        if target.exists() {
            continue;
        }
        std::fs::rename(entry.path(), &target).map_err(|e| ApiError::io(&target, e))?;
    }
    sync_dir(data);
    Ok(())
}

/// Copies the old config file to the new place (unless one is there), pointing a remembered
/// database inside the old data folder to the same file in the new one.
fn move_config(old: &Folders, new: &Folders) -> Result<(), ApiError> {
    let (from, to) = (old.config.join("config.json"), new.config.join("config.json"));
    // Where data and config share a folder (Windows, macOS) the copy already brought it:
    // its remembered database is rewritten all the same.
    let source = if to.is_file() { to.clone() } else { from };
    if !source.is_file() {
        return Ok(());
    }
    let text = std::fs::read_to_string(&source).map_err(|e| ApiError::io(&source, e))?;
    let mut config: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| ApiError::Failed(format!("{}: not a madoguchi config file ({e}); it was not moved", source.display())))?;
    if let Some(db) = config.get("db_path").and_then(|v| v.as_str()).map(PathBuf::from)
        && let Ok(inside) = db.strip_prefix(&old.data)
    {
        config["db_path"] = serde_json::Value::String(new.data.join(inside).to_string_lossy().into_owned());
    }
    let text = serde_json::to_string_pretty(&config).map_err(|e| ApiError::Failed(e.to_string()))? + "\n";
    write_durably(&to, text.as_bytes())
}

/// Writes a whole file or nothing: a temporary file beside it, fsynced, renamed over it, and
/// the folder fsynced (where the platform allows), so a power loss leaves the old or the new.
/// The folder is created if missing.
pub fn write_durably(path: &Path, bytes: &[u8]) -> Result<(), ApiError> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| ApiError::io(dir, e))?;
    replace_durably(path, bytes)
}

/// `write_durably` into a folder that must exist already (a missing one is an error).
pub fn replace_durably(path: &Path, bytes: &[u8]) -> Result<(), ApiError> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Unique per call, so two writers of one file (two threads, two processes) never share it.
    let temporary = dir.join(format!(".{name}.{}-{}.tmp", std::process::id(), madoguchi_store::new_id()));
    let written = File::create(&temporary).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| std::fs::rename(&temporary, path)) {
        let _ = std::fs::remove_file(&temporary);
        return Err(ApiError::io(path, e));
    }
    sync_dir(dir);
    Ok(())
}

/// Makes a folder's entries durable (a no-op where folders cannot be opened, as on Windows).
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
}

//! Files the agent chooses: the dialogs behind a small trait (the shell's native dialogs, the
//! bridge's test double), what each dialog is for, and the guards every write passes: never
//! over the open database or its `-wal`/`-shm`, and never over another file without a yes.

use std::path::{Path, PathBuf};

use crate::CommandError;

/// Which dialog: a file to read, where to write a file, or a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    Open,
    Save,
    Folder,
}

impl Pick {
    /// The name the bridge's double reports.
    pub fn name(self) -> &'static str {
        match self {
            Pick::Open => "open",
            Pick::Save => "save",
            Pick::Folder => "folder",
        }
    }
}

/// One dialog: its kind, title (Japanese), the file type it offers and a suggested name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDialog {
    pub pick: Pick,
    pub title: &'static str,
    /// `(label, extensions without the dot)`.
    pub filter: Option<(&'static str, &'static [&'static str])>,
    pub file_name: Option<String>,
}

impl FileDialog {
    fn new(pick: Pick, title: &'static str, filter: Option<(&'static str, &'static [&'static str])>) -> Self {
        FileDialog { pick, title, filter, file_name: None }
    }

    fn named(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    pub fn open_database() -> Self {
        Self::new(Pick::Open, "データベースを開く", Some(("madoguchi データベース", DB_EXTENSIONS)))
    }

    pub fn new_database() -> Self {
        Self::new(Pick::Save, "新しいデータベース", Some(("madoguchi データベース", DB_EXTENSIONS))).named("madoguchi.sqlite3")
    }

    pub fn customer_csv() -> Self {
        Self::new(Pick::Open, "取り込むお客様CSVファイル", Some(("CSV", &["csv", "CSV", "txt"])))
    }

    pub fn bundle_to_import() -> Self {
        Self::new(Pick::Open, "取り込む同期ファイル", Some(("同期ファイル", BUNDLE_EXTENSIONS)))
    }

    pub fn earlier_bundle() -> Self {
        Self::new(Pick::Open, "差分の基準にする同期ファイル（受け取ったもの）", Some(("同期ファイル", BUNDLE_EXTENSIONS)))
    }

    pub fn bundle_to_export(name: String) -> Self {
        Self::new(Pick::Save, "同期ファイルの書き出し先", Some(("同期ファイル", BUNDLE_EXTENSIONS))).named(name)
    }

    pub fn pdf_copy(number: &str) -> Self {
        Self::new(Pick::Save, "書類のコピーの保存先", Some(("PDF", &["pdf"]))).named(format!("{number}.pdf"))
    }

    pub fn seal_image() -> Self {
        Self::new(Pick::Open, "印影画像（PNG）", Some(("PNG 画像", &["png", "PNG"])))
    }

    pub fn documents_folder() -> Self {
        Self::new(Pick::Folder, "発行した書類の保存先フォルダ", None)
    }

    pub fn sync_folder() -> Self {
        Self::new(Pick::Folder, "同期に使う共有フォルダ", None)
    }
}

const DB_EXTENSIONS: &[&str] = &["sqlite3", "sqlite", "db"];
const BUNDLE_EXTENSIONS: &[&str] = &["mdgb"];

/// What the agent chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chosen {
    pub path: PathBuf,
    /// The dialog itself asked before choosing an existing file to write (native save dialogs
    /// do on every platform), so no second question is needed.
    pub overwrite_confirmed: bool,
}

/// The platform's dialogs. `None` is a cancelled dialog.
pub trait Dialogs: Send + Sync {
    fn choose(&self, dialog: &FileDialog) -> Option<Chosen>;
    /// A yes/no question; true is yes.
    fn confirm(&self, title: &str, message: &str) -> bool;
}

/// No dialogs (a session without a window): every dialog is cancelled.
pub struct NoDialogs;

impl Dialogs for NoDialogs {
    fn choose(&self, _: &FileDialog) -> Option<Chosen> {
        None
    }

    fn confirm(&self, _: &str, _: &str) -> bool {
        false
    }
}

/// The open database's own files: a write to any of them would destroy it.
fn database_files(db: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [db.to_path_buf(), with("-wal"), with("-shm")]
}

/// Whether two paths name the same file: the same file on disk when both exist (hard links,
/// symbolic links, `..`), else the same name in the same (resolved) folder, compared without
/// case where the platform's file system ignores it.
fn same_file(a: &Path, b: &Path) -> bool {
    if let Ok(true) = same_file::is_same_file(a, b) {
        return true;
    }
    let place = |p: &Path| -> Option<(PathBuf, String)> {
        let name = p.file_name()?.to_string_lossy().into_owned();
        let parent = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        Some((parent.canonicalize().ok()?, name))
    };
    match (place(a), place(b)) {
        (Some((da, na)), Some((db, nb))) if cfg!(any(windows, target_os = "macos")) => da == db && na.to_lowercase() == nb.to_lowercase(),
        (Some((da, na)), Some((db, nb))) => da == db && na == nb,
        _ => false,
    }
}

/// Refuses a write to `target` that would land on the open database `db` or its journal files.
pub fn refuse_database(target: &Path, db: &Path) -> Result<(), CommandError> {
    if database_files(db).iter().any(|file| same_file(target, file)) {
        return Err(CommandError::invalid("path", format!("{} is the open database (or its journal); choose another file", target.display())));
    }
    Ok(())
}

/// Where to write, from a save dialog: `None` when cancelled or when the agent says no to
/// replacing an existing file; refused when it is the open database or one of its files, or
/// a folder.
pub fn save_target(dialogs: &dyn Dialogs, dialog: &FileDialog, db: &Path) -> Result<Option<PathBuf>, CommandError> {
    let Some(chosen) = dialogs.choose(dialog) else { return Ok(None) };
    let path = std::path::absolute(&chosen.path).map_err(|e| CommandError::invalid("path", e))?;
    refuse_database(&path, db)?;
    if path.is_dir() {
        return Err(CommandError::invalid("path", format!("{} is a folder", path.display())));
    }
    if path.exists() && !chosen.overwrite_confirmed && !dialogs.confirm("上書きの確認", &format!("{} は既にあります。置き換えますか？", path.display()))
    {
        return Ok(None);
    }
    Ok(Some(path))
}

/// A file or folder to read, from an open or folder dialog; `None` when cancelled.
pub fn open_target(dialogs: &dyn Dialogs, dialog: &FileDialog) -> Result<Option<PathBuf>, CommandError> {
    let Some(chosen) = dialogs.choose(dialog) else { return Ok(None) };
    let path = std::path::absolute(&chosen.path).map_err(|e| CommandError::invalid("path", e))?;
    let fits = match dialog.pick {
        Pick::Folder => path.is_dir(),
        _ => path.is_file(),
    };
    if !fits {
        let what = if dialog.pick == Pick::Folder { "folder" } else { "file" };
        return Err(CommandError::invalid("path", format!("{} is not a {what}", path.display())));
    }
    Ok(Some(path))
}

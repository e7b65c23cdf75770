//! Backups of the database and their restore: SQLite's online backup (consistent while the app
//! writes) to `madoguchi-YYYYMMDD-HHMMSS.sqlite3` with a `.sha256` beside it; the daily backup
//! with its rotation (7 daily, 4 weekly); and a restore that checks the backup as `db check`
//! does before it replaces anything, keeping the replaced database aside.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};
use madoguchi_domain::time::{self, Moment};
use madoguchi_store::Store;
use sha2::{Digest, Sha256};

use crate::ApiError;
use crate::customers;
use crate::paths::{self, write_durably};

/// Backup file names: `madoguchi-YYYYMMDD-HHMMSS.sqlite3` (Japan time).
const PREFIX: &str = "madoguchi-";
const SUFFIX: &str = ".sqlite3";
const STAMP: &str = "%Y%m%d-%H%M%S";
/// The checksum beside a backup, in `sha256sum`'s format: `<backup>.sha256`.
const CHECKSUM: &str = ".sha256";
/// Rotation: the newest backup of each of the 7 most recent days that have one, and before
/// those, the newest of each of the 4 most recent ISO weeks that have one.
const KEEP_DAYS: usize = 7;
const KEEP_WEEKS: usize = 4;

/// One backup in a backups folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub path: PathBuf,
    /// When it was taken (from its name), Japan time.
    pub at: NaiveDateTime,
    pub bytes: u64,
}

impl Backup {
    /// `at` as RFC 3339 in +09:00.
    pub fn at_text(&self) -> String {
        time::japan_moment(self.at.date(), self.at.time()).map(customers::stamp).unwrap_or_default()
    }
}

/// A backup just written.
#[derive(Debug, Clone)]
pub struct Made {
    pub path: PathBuf,
    pub bytes: u64,
    pub sha256: String,
}

/// What a restore did.
#[derive(Debug, Clone)]
pub struct Restored {
    /// Where the replaced database (with its `-wal`/`-shm`) was put; none if there was none.
    pub replaced: Option<PathBuf>,
    /// The restored database's new installation id: it is a new installation to the others,
    /// whose agents trust its new key again.
    pub installation: String,
}

/// The default backups folder: `<data folder>/backups`.
pub fn default_dir() -> Result<PathBuf, ApiError> {
    Ok(paths::data_dir()?.join("backups"))
}

/// A backup's file name for a moment: `madoguchi-YYYYMMDD-HHMMSS.sqlite3`.
pub fn file_name(now: Moment) -> String {
    format!("{PREFIX}{}{SUFFIX}", time::in_japan(now).format(STAMP))
}

/// The moment in a backup's file name; none for any other name.
fn parse_name(name: &str) -> Option<NaiveDateTime> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    (stamp.len() == 15).then_some(())?;
    NaiveDateTime::parse_from_str(stamp, STAMP).ok()
}

fn checksum_path(backup: &Path) -> PathBuf {
    let mut name = backup.as_os_str().to_owned();
    name.push(CHECKSUM);
    PathBuf::from(name)
}

/// A path with a suffix appended to its file name (`db` → `db-wal`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The SHA-256 (hex) of a file's bytes.
fn sha256_file(path: &Path) -> Result<String, ApiError> {
    let mut file = File::open(path).map_err(|e| ApiError::io(path, e))?;
    let mut hash = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer).map_err(|e| ApiError::io(path, e))?;
        if n == 0 {
            break;
        }
        hash.update(&buffer[..n]);
    }
    Ok(format!("{:x}", hash.finalize()))
}

/// Makes a folder's entries durable (a no-op where folders cannot be opened, as on Windows).
fn sync_dir(dir: &Path) {
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
}

fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// A path made absolute with its folder resolved (links followed), for comparing files that
/// may not exist yet.
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match (absolute.parent().and_then(|p| p.canonicalize().ok()), absolute.file_name()) {
        (Some(folder), Some(name)) => folder.join(name),
        _ => absolute,
    }
}

/// Refuses a target that is the database or one of its `-wal`/`-shm`/`-journal` files.
fn refuse_database_files(db_path: &Path, target: &Path, field: &str) -> Result<(), ApiError> {
    let target = resolved(target);
    let db = resolved(db_path);
    let same = |a: &Path, b: &Path| a == b || a.to_string_lossy().to_lowercase() == b.to_string_lossy().to_lowercase();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        if same(&target, &with_suffix(&db, suffix)) {
            return Err(ApiError::invalid(field, format!("{} is the database itself or one of its files", target.display())));
        }
    }
    Ok(())
}

/// Backs up the open database to `out` with SQLite's online backup: a consistent copy of one
/// moment even while another connection or process writes. The copy is written under a
/// temporary name, fsynced and renamed, then its checksum beside it (`<out>.sha256`).
pub fn backup(store: &Store, db_path: &Path, out: &Path) -> Result<Made, ApiError> {
    refuse_database_files(db_path, out, "out")?;
    let dir = folder_of(out);
    std::fs::create_dir_all(dir).map_err(|e| ApiError::io(dir, e))?;
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = dir.join(format!(".{name}.{}-{}.tmp", std::process::id(), madoguchi_store::new_id()));
    let written = (|| {
        store.backup_to(&temporary)?;
        File::open(&temporary).and_then(|f| f.sync_all()).map_err(|e| ApiError::io(&temporary, e))?;
        let sha256 = sha256_file(&temporary)?;
        let bytes = std::fs::metadata(&temporary).map_err(|e| ApiError::io(&temporary, e))?.len();
        std::fs::rename(&temporary, out).map_err(|e| ApiError::io(out, e))?;
        sync_dir(dir);
        Ok::<_, ApiError>((sha256, bytes))
    })();
    let (sha256, bytes) = written.inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })?;
    write_durably(&checksum_path(out), format!("{sha256}  {name}\n").as_bytes())?;
    Ok(Made { path: out.to_path_buf(), bytes, sha256 })
}

/// The backups in a folder, newest first (files named as `file_name` makes them; a missing
/// folder has none).
pub fn list(backups_dir: &Path) -> Result<Vec<Backup>, ApiError> {
    let entries = match std::fs::read_dir(backups_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(ApiError::io(backups_dir, e)),
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| ApiError::io(backups_dir, e))?;
        let Some(at) = parse_name(&entry.file_name().to_string_lossy()) else { continue };
        let metadata = entry.metadata().map_err(|e| ApiError::io(&entry.path(), e))?;
        if metadata.is_file() {
            found.push(Backup { path: entry.path(), at, bytes: metadata.len() });
        }
    }
    found.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| b.path.cmp(&a.path)));
    Ok(found)
}

/// Which of `backups` (newest first) rotation keeps: the newest of each of the 7 most recent
/// days that have a backup; then, among those older than the oldest of these, the newest of
/// each of the 4 most recent ISO weeks that have one.
pub fn keep(backups: &[Backup]) -> Vec<&Backup> {
    let mut kept: Vec<&Backup> = Vec::new();
    let mut days: Vec<NaiveDate> = Vec::new();
    let mut rest = backups.iter();
    for backup in rest.by_ref() {
        if days.last() != Some(&backup.at.date()) {
            if days.len() == KEEP_DAYS {
                // The first backup of an eighth day: weekly rotation starts with it.
                let mut weeks = vec![backup.at.iso_week()];
                kept.push(backup);
                for older in rest.by_ref() {
                    let week = older.at.iso_week();
                    if weeks.last() != Some(&week) {
                        if weeks.len() == KEEP_WEEKS {
                            break;
                        }
                        weeks.push(week);
                        kept.push(older);
                    }
                }
                break;
            }
            days.push(backup.at.date());
            kept.push(backup);
        }
    }
    kept
}

/// Deletes the backups (and their checksums) rotation does not keep; the paths deleted.
/// Only files named like backups are ever touched.
pub fn rotate(backups_dir: &Path) -> Result<Vec<PathBuf>, ApiError> {
    let backups = list(backups_dir)?;
    let kept: Vec<PathBuf> = keep(&backups).into_iter().map(|b| b.path.clone()).collect();
    let mut deleted = Vec::new();
    for backup in backups.into_iter().filter(|b| !kept.contains(&b.path)) {
        std::fs::remove_file(&backup.path).map_err(|e| ApiError::io(&backup.path, e))?;
        let _ = std::fs::remove_file(checksum_path(&backup.path));
        deleted.push(backup.path);
    }
    if !deleted.is_empty() {
        sync_dir(backups_dir);
    }
    Ok(deleted)
}

/// The backup at start: when the newest backup in `backups_dir` is a day old or more (or
/// there is none, or it is dated ahead of `now`), backs the database up as
/// `<backups_dir>/madoguchi-YYYYMMDD-HHMMSS.sqlite3`; then rotates. The new backup's path, if
/// one was made. A database that does not exist yet is not created.
pub fn daily(db_path: &Path, backups_dir: &Path, now: Moment) -> Result<Option<PathBuf>, ApiError> {
    if !db_path.is_file() {
        return Ok(None);
    }
    let at = time::in_japan(now).naive_local();
    let due = match list(backups_dir)?.first() {
        None => true,
        Some(newest) => newest.at > at || at - newest.at >= TimeDelta::days(1),
    };
    let made = if due {
        let store = customers::open(db_path, now)?;
        Some(backup(&store, db_path, &backups_dir.join(file_name(now)))?.path)
    } else {
        None
    };
    rotate(backups_dir)?;
    Ok(made)
}

/// The problems that keep a file from being restored: its checksum (when a `.sha256` is beside
/// it) and `db check` run on it as a madoguchi database no newer than this one (integrity,
/// foreign keys, search index, audit chain). The file itself is not changed: the check runs on
/// a copy (`staging`), which stays for the restore when there is no problem.
fn check_backup(backup: &Path, staging: &Path) -> Result<Vec<String>, ApiError> {
    let mut problems = Vec::new();
    let sums = checksum_path(backup);
    if sums.is_file() {
        let text = std::fs::read_to_string(&sums).map_err(|e| ApiError::io(&sums, e))?;
        let expected = text.split_whitespace().next().unwrap_or_default().to_ascii_lowercase();
        if expected != sha256_file(backup)? {
            problems.push(format!("its bytes do not match its checksum {} (damaged, or changed since the backup was made)", sums.display()));
            return Ok(problems);
        }
    }
    std::fs::copy(backup, staging).map_err(|e| ApiError::io(staging, e))?;
    File::open(staging).and_then(|f| f.sync_all()).map_err(|e| ApiError::io(staging, e))?;
    problems.extend(Store::inspect(staging).unwrap_or_else(|e| vec![e.to_string()]));
    for suffix in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(with_suffix(staging, suffix));
    }
    Ok(problems)
}

/// `db check` on a database file, as it is: opened without creating or migrating it (an older
/// schema is checked as it stands), so checking a backup leaves its bytes as they were. The
/// problems found (see `Store::inspect`).
pub fn check_file(path: &Path) -> Result<Vec<String>, ApiError> {
    if !path.is_file() {
        return Err(ApiError::NotFound(format!("{}: no such database file", path.display())));
    }
    Ok(Store::inspect(path)?)
}

/// The name the replaced database is kept under: `<db>.replaced-YYYYMMDD-HHMMSS` (with `-2`,
/// `-3`… if that is taken).
fn aside_path(db_path: &Path, now: Moment) -> PathBuf {
    let base = with_suffix(db_path, &format!(".replaced-{}", time::in_japan(now).format(STAMP)));
    let taken = |p: &Path| ["", "-wal", "-shm"].iter().any(|s| with_suffix(p, s).exists());
    if !taken(&base) {
        return base;
    }
    (2..).map(|n| with_suffix(&base, &format!("-{n}"))).find(|p| !taken(p)).unwrap_or(base)
}

/// Restores `backup` as the database at `db_path`. The backup is checked first (see
/// `check_backup`); if anything fails, it is refused with every problem and nothing is
/// touched. Otherwise the current database and its `-wal`/`-shm` are moved aside as
/// `<db>.replaced-YYYYMMDD-HHMMSS` (and its `-wal`/`-shm`), and the checked copy, fsynced, is
/// renamed into place. The database must not be open while this runs (the CLI has it closed,
/// the app closes it first); it is migrated the next time it is opened.
pub fn restore(db_path: &Path, backup: &Path, now: Moment) -> Result<Restored, ApiError> {
    if !backup.is_file() {
        return Err(ApiError::invalid("backup", format!("{} is not a file", backup.display())));
    }
    refuse_database_files(db_path, backup, "backup")?;
    let dir = folder_of(db_path);
    std::fs::create_dir_all(dir).map_err(|e| ApiError::io(dir, e))?;
    let name = db_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let staging = dir.join(format!(".{name}.restoring-{}-{}", std::process::id(), madoguchi_store::new_id()));
    let problems = check_backup(backup, &staging).inspect_err(|_| {
        let _ = std::fs::remove_file(&staging);
    })?;
    if !problems.is_empty() {
        let _ = std::fs::remove_file(&staging);
        return Err(ApiError::invalid("backup", format!("{} cannot be restored, nothing was changed: {}", backup.display(), problems.join("; "))));
    }
    let installation = renew(&staging, now).inspect_err(|_| {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(with_suffix(&staging, suffix));
        }
    })?;
    let replaced = if db_path.exists() { Some(aside_path(db_path, now)) } else { None };
    let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = (|| {
        if let Some(aside) = &replaced {
            for suffix in ["", "-wal", "-shm"] {
                let (from, to) = (with_suffix(db_path, suffix), with_suffix(aside, suffix));
                if from.exists() {
                    std::fs::rename(&from, &to).map_err(|e| ApiError::io(&from, e))?;
                    moved.push((from, to));
                }
            }
        }
        std::fs::rename(&staging, db_path).map_err(|e| ApiError::io(db_path, e))?;
        sync_dir(dir);
        Ok::<_, ApiError>(())
    })();
    if let Err(e) = result {
        // Put back what was moved: the database stays as it was.
        for (from, to) in moved.iter().rev() {
            let _ = std::fs::rename(to, from);
        }
        let _ = std::fs::remove_file(&staging);
        sync_dir(dir);
        return Err(e);
    }
    Ok(Restored { replaced, installation })
}

/// The checked copy becomes a new installation (`Store::renew_installation`), migrated and
/// closed: its WAL folded back into the file, fsynced, before the copy is put in place.
fn renew(staging: &Path, now: Moment) -> Result<String, ApiError> {
    let mut store = customers::open(staging, now)?;
    let id = store.renew_installation("madoguchi:restore", &customers::stamp(now))?;
    drop(store);
    if with_suffix(staging, "-wal").exists() {
        return Err(ApiError::Failed(format!("{}: its log could not be folded back in; nothing was changed", staging.display())));
    }
    let _ = std::fs::remove_file(with_suffix(staging, "-shm"));
    File::open(staging).and_then(|f| f.sync_all()).map_err(|e| ApiError::io(staging, e))?;
    Ok(id)
}

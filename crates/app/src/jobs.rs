//! Long commands (seed, import) run as jobs on their own thread: the UI polls their progress
//! and may cancel them. The work reports progress through the API's `progress` callback,
//! whose `false` cancels; the API writes all or nothing, so a cancelled job leaves nothing.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use serde_json::Value;

use crate::{CommandError, wire};

/// How a job's work ended: its result, or an error (with a partial result, e.g. an import's
/// report of bad rows).
pub type JobResult = Result<Value, Box<(Option<Value>, CommandError)>>;

/// A job's typed result as its status carries it.
pub fn result<T: Serialize>(answer: &T) -> JobResult {
    serde_json::to_value(answer).map_err(|e| Box::new((None, CommandError::failed(format!("the job's result: {e}")))))
}

/// What a job does, as the page names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    Seed,
    ImportCustomers,
    ExportBundle,
    ImportBundle,
    SyncFolder,
    SyncHub,
}

impl JobKind {
    pub const ALL: [JobKind; 6] =
        [JobKind::Seed, JobKind::ImportCustomers, JobKind::ExportBundle, JobKind::ImportBundle, JobKind::SyncFolder, JobKind::SyncHub];
}

impl std::fmt::Display for JobKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            JobKind::Seed => "seed",
            JobKind::ImportCustomers => "import_customers",
            JobKind::ExportBundle => "export_bundle",
            JobKind::ImportBundle => "import_bundle",
            JobKind::SyncFolder => "sync_folder",
            JobKind::SyncHub => "sync_hub",
        })
    }
}

enum Outcome {
    Succeeded(Value),
    Failed(Option<Value>, CommandError),
    Cancelled,
}

struct Job {
    kind: JobKind,
    /// How many units the work has (`None` when unknown until it ends, as for an import).
    total: Option<u64>,
    done: AtomicU64,
    cancel: AtomicBool,
    outcome: Mutex<Option<Outcome>>,
}

/// The jobs of a session, finished ones included (their results stay readable).
#[derive(Default)]
pub struct Jobs {
    next: AtomicU64,
    jobs: Mutex<HashMap<String, Arc<Job>>>,
}

impl Jobs {
    /// Starts `work` on a new thread; returns the job's id.
    pub fn start<W>(&self, kind: JobKind, total: Option<u64>, work: W) -> Result<String, CommandError>
    where
        W: FnOnce(&mut dyn FnMut(u64) -> bool) -> JobResult + Send + 'static,
    {
        let id = format!("job-{}", self.next.fetch_add(1, Ordering::Relaxed) + 1);
        let job = Arc::new(Job { kind, total, done: AtomicU64::new(0), cancel: AtomicBool::new(false), outcome: Mutex::new(None) });
        let running = Arc::clone(&job);
        std::thread::Builder::new()
            .name(format!("madoguchi-{id}"))
            .spawn(move || {
                let mut progress = |done: u64| {
                    running.done.store(done, Ordering::Relaxed);
                    !running.cancel.load(Ordering::Relaxed)
                };
                // A panic in the work ends the job as failed, never "running" forever; what it
                // wrote is rolled back with its transaction.
                let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&mut progress)));
                let ran = ran.unwrap_or_else(|panic| {
                    let what = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
                    Err(Box::new((None, CommandError::failed(format!("the {kind} job stopped on an internal error ({what}); nothing was written")))))
                });
                let outcome = match ran {
                    Ok(result) => Outcome::Succeeded(result),
                    Err(_) if running.cancel.load(Ordering::Relaxed) => Outcome::Cancelled,
                    Err(failure) => {
                        crate::log_failure(&format!("{kind} job"), &failure.1);
                        Outcome::Failed(failure.0, failure.1)
                    }
                };
                *running.outcome.lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
            })
            .map_err(|e| CommandError::failed(format!("cannot start the {kind} job ({e})")))?;
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner).insert(id.clone(), job);
        Ok(id)
    }

    fn get(&self, id: &str) -> Result<Arc<Job>, CommandError> {
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner).get(id).cloned().ok_or_else(|| CommandError::not_found(format!("job {id} not found")))
    }

    /// A job's progress and, once finished, its result or error.
    pub fn status(&self, id: &str) -> Result<wire::JobStatus, CommandError> {
        let job = self.get(id)?;
        let outcome = job.outcome.lock().unwrap_or_else(PoisonError::into_inner);
        let (result, error) = match &*outcome {
            Some(Outcome::Succeeded(result)) => (Some(result.clone()), None),
            Some(Outcome::Failed(result, error)) => (result.clone(), Some(error.clone())),
            Some(Outcome::Cancelled) | None => (None, None),
        };
        Ok(wire::JobStatus {
            job: id.to_string(),
            kind: job.kind,
            done: job.done.load(Ordering::Relaxed),
            total: job.total,
            finished: outcome.is_some(),
            cancelled: matches!(*outcome, Some(Outcome::Cancelled)),
            result,
            error,
        })
    }

    /// Whether a job is still running, of `kind` or of any (a restore waits for none; one hub
    /// sync at a time).
    pub fn running(&self, kind: Option<JobKind>) -> bool {
        self.jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .any(|job| kind.is_none_or(|k| k == job.kind) && job.outcome.lock().unwrap_or_else(PoisonError::into_inner).is_none())
    }

    /// Asks a job to stop at its next progress report (a finished job is left as it is).
    pub fn cancel(&self, id: &str) -> Result<(), CommandError> {
        self.get(id)?.cancel.store(true, Ordering::Relaxed);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_that_panics_ends_as_failed() {
        let jobs = Jobs::default();
        let id = jobs.start(JobKind::Seed, None, |_| panic!("boom")).expect("starts");
        let status = (0..200)
            .find_map(|_| {
                let status = serde_json::to_value(jobs.status(&id).expect("status")).expect("json");
                if status["finished"] == true {
                    return Some(status);
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
                None
            })
            .expect("the job finishes");
        assert_eq!((status["cancelled"].clone(), status["error"]["code"].clone()), (Value::Bool(false), Value::from("failed")), "{status}");
        assert!(status["error"]["message"].as_str().is_some_and(|m| m.contains("boom")), "{status}");
    }
}

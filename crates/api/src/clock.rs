//! The one place that reads the system clock. Every rule takes "now" as an input; only the
//! entry points (CLI, desktop shell) call this, to fill a request's default `as_of`.

use std::time::{Instant, SystemTime};

use chrono::{DateTime, SubsecRound, Utc};
use madoguchi_domain::time::{Moment, in_japan};

/// Now, in Japan time, whatever zone the machine is set to, to the whole second.
pub fn now() -> Moment {
    in_japan(DateTime::<Utc>::from(SystemTime::now()).fixed_offset()).trunc_subsecs(0)
}

/// A start mark for reporting how long a command took (monotonic, not a time of day).
pub fn stopwatch() -> Instant {
    Instant::now()
}

/// The wall clock in milliseconds since 1970, for the change log's hybrid logical clock
/// (ordering edits between installations, never a rule's "now").
pub fn unix_millis() -> i64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

//! The Japan calendar: national holidays, business days with a year-end closure, months and anniversaries.

mod business;
mod holidays;
mod months;

pub use business::{BusinessCalendar, Closure, MonthDay};
pub use holidays::{Holiday, HolidayKind, holiday, is_holiday};
pub use months::{YearMonth, add_days, anniversary, years_completed};

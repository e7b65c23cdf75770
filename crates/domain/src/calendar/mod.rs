//! The Japan calendar: national holidays, business days with a year-end closure, months,
//! anniversaries and the era calendar (和暦).

mod business;
mod holidays;
mod months;
mod wareki;

pub use business::{BusinessCalendar, Closure, MonthDay};
pub use holidays::{Holiday, HolidayKind, holiday, is_holiday};
pub use months::{YearMonth, add_days, anniversary, years_completed};
pub use wareki::{seireki, wareki};

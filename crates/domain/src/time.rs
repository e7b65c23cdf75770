//! Japan time (Asia/Tokyo, UTC+9, no daylight saving): every rule runs in it, whatever the machine's zone.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};

/// A moment, always carried with the +09:00 offset.
pub type Moment = DateTime<FixedOffset>;

/// UTC+9. Japan has had no daylight saving since 1951.
pub const JST: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+9 is a valid offset"),
};

/// The same instant seen in Japan time.
pub fn in_japan(moment: DateTime<FixedOffset>) -> Moment {
    moment.with_timezone(&JST)
}

/// The Japan-time calendar day of a moment.
pub fn japan_date(moment: Moment) -> NaiveDate {
    in_japan(moment).date_naive()
}

/// The Japan-time clock reading of a moment.
pub fn japan_time(moment: Moment) -> NaiveTime {
    in_japan(moment).time()
}

/// The moment at `time` on `date`, Japan time. A fixed offset maps each local time to
/// exactly one instant; `None` only at the ends of chrono's range.
pub fn japan_moment(date: NaiveDate, time: NaiveTime) -> Option<Moment> {
    NaiveDateTime::new(date, time).and_local_timezone(JST).single()
}

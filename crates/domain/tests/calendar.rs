//! Tables of business-day, month and anniversary cases (DOMAIN.md "Time and calendars").

use chrono::NaiveDate;
use madoguchi_domain::calendar::{BusinessCalendar, Closure, MonthDay, YearMonth, add_days, anniversary, years_completed};

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

fn ym(year: i32, month: u32) -> YearMonth {
    YearMonth::new(year, month).expect("test month")
}

/// HC: the year-end closure 12/29–1/3 every tariff declares.
fn with_closure() -> BusinessCalendar {
    BusinessCalendar::new(Some(Closure { from: MonthDay { month: 12, day: 29 }, to: MonthDay { month: 1, day: 3 } }))
}

#[test]
fn n_business_days_before_counts_strictly_before_and_skips_holidays_and_the_closure() {
    let cal = with_closure();
    // (date, n, expected, why)
    let cases = [
        ("2026-11-30", 5, "2026-11-20", "DOMAIN.md example: 11-23 勤労感謝の日 skipped"),
        ("2026-11-30", 6, "2026-11-19", "Hokkaido: one more business day"),
        ("2026-11-30", 1, "2026-11-27", "the Friday before a Monday"),
        ("2026-09-28", 5, "2026-09-16", "Silver Week 2026: 9-21 敬老の日, 9-22 国民の休日, 9-23 秋分の日"),
        ("2027-01-08", 5, "2026-12-28", "1-7, 1-6, 1-5, 1-4, then the closure 12-29..1-3 is skipped"),
        ("2027-01-05", 1, "2027-01-04", "1-4 is the first business day after the closure"),
        ("2027-01-04", 1, "2026-12-28", "nothing between 12-29 and 1-3 counts"),
        ("2026-05-07", 5, "2026-04-24", "Golden Week 2026: 4-29 and 5-4..5-6 (5-6 振替休日) skipped"),
        ("2026-11-21", 5, "2026-11-16", "from a Saturday: 11-20 back to 11-16"),
    ];
    for (date, n, expected, why) in cases {
        assert_eq!(cal.business_days_before(d(date), n), Some(d(expected)), "{date} - {n}: {why}");
    }
}

#[test]
fn business_day_predicates() {
    let cal = with_closure();
    let no_closure = BusinessCalendar::new(None);
    let cases = [
        ("2026-11-20", true, true, "a Friday"),
        ("2026-11-21", false, false, "a Saturday"),
        ("2026-11-23", false, false, "勤労感謝の日"),
        ("2026-12-28", true, true, "the last day before the closure"),
        ("2026-12-29", false, true, "closure, a Tuesday"),
        ("2027-01-04", true, true, "the closure ends 1-3"),
        ("2026-09-22", false, false, "国民の休日 between 敬老の日 and 秋分の日"),
        ("2019-04-30", false, false, "国民の休日 before the 2019 accession day"),
        ("2020-07-24", false, false, "スポーツの日 moved for the Olympics"),
        ("2021-08-09", false, false, "振替休日 of 山の日 2021-08-08"),
        ("2024-02-12", false, false, "振替休日 of 建国記念の日"),
    ];
    for (date, closed_cal, open_cal, why) in cases {
        assert_eq!(cal.is_business_day(d(date)), closed_cal, "{date} with closure: {why}");
        assert_eq!(no_closure.is_business_day(d(date)), open_cal, "{date} without closure: {why}");
    }
}

#[test]
fn first_last_and_nth_business_days_of_months() {
    let cal = with_closure();
    let cases = [
        (ym(2026, 12), "last", 0, "2026-12-28"),
        (ym(2027, 1), "nth", 1, "2027-01-04"),
        (ym(2027, 1), "nth", 3, "2027-01-06"),
        (ym(2026, 7), "nth", 3, "2026-07-03"),
        (ym(2026, 5), "nth", 3, "2026-05-08"),
        (ym(2026, 10), "last", 0, "2026-10-30"),
        (ym(2026, 2), "last", 0, "2026-02-27"),
        (ym(2024, 3), "last", 0, "2024-03-29"),
        (ym(2026, 1), "nth", 1, "2026-01-05"),
    ];
    for (month, which, n, expected) in cases {
        let got = match which {
            "last" => cal.last_business_day_of_month(month),
            _ => cal.nth_business_day_of_month(month, n),
        };
        assert_eq!(got, Some(d(expected)), "{which} {n} of {month}");
    }
    assert_eq!(cal.nth_business_day_of_month(ym(2026, 7), 0), None, "business days are counted from 1");
    assert_eq!(cal.next_business_day(d("2026-12-28")), Some(d("2027-01-04")));
    assert_eq!(cal.next_business_day(d("2026-11-20")), Some(d("2026-11-24")));
}

#[test]
fn month_arithmetic_and_month_ends() {
    let cases = [
        (ym(2026, 1), 1, "2026-02-28"),
        (ym(2028, 1), 1, "2028-02-29"),
        (ym(2026, 11), 2, "2027-01-31"),
        (ym(2026, 9), 4, "2027-01-31"),
        (ym(2026, 12), -12, "2025-12-31"),
        (ym(2099, 12), 1, "2100-01-31"),
    ];
    for (start, months, last_day) in cases {
        let month = start.plus(months).expect("in range");
        assert_eq!(month.last_day(), Some(d(last_day)), "{start} + {months}");
    }
    assert_eq!(ym(2026, 11).months_until(ym(2027, 10)), 11);
    assert_eq!(ym(2026, 11).to_string(), "2026-11");
    assert_eq!(ym(2026, 11).through(ym(2027, 2)).count(), 4);
    assert_eq!(ym(2026, 11).through(ym(2026, 10)).count(), 0, "an empty range");
    assert_eq!(YearMonth::new(2026, 13), None);
}

#[test]
fn anniversaries_and_years_completed() {
    // (start, years, anniversary): HC Feb 29 → Mar 1 in common years.
    let anniversaries = [
        ("2004-02-29", 20, "2024-02-29"),
        ("2004-02-29", 21, "2025-03-01"),
        ("2024-02-29", 1, "2025-03-01"),
        ("2024-02-29", 4, "2028-02-29"),
        ("2006-04-01", 20, "2026-04-01"),
    ];
    for (start, years, expected) in anniversaries {
        assert_eq!(anniversary(d(start), years), Some(d(expected)), "{start} + {years}y");
    }
    // (start, on, whole years)
    let completed = [
        ("2006-11-22", "2026-11-21", 19),
        ("2006-11-22", "2026-11-22", 20),
        ("2024-02-29", "2025-02-28", 0),
        ("2024-02-29", "2025-03-01", 1),
        ("2023-11-21", "2026-11-21", 3),
        ("2023-11-21", "2026-11-20", 2),
        ("2026-11-21", "2026-11-20", 0),
    ];
    for (start, on, years) in completed {
        assert_eq!(years_completed(d(start), d(on)), years, "{start} → {on}");
    }
}

#[test]
fn day_counts() {
    assert_eq!(add_days(d("2026-11-21"), 7), Some(d("2026-11-28")), "8 days including the application date");
    assert_eq!(add_days(d("2026-11-21"), 180), Some(d("2027-05-20")), "HC 180 days, first day not counted");
    assert_eq!(add_days(d("2028-02-01"), 30), Some(d("2028-03-02")), "through a leap February");
}

#[test]
fn era_dates() {
    use madoguchi_domain::calendar::{seireki, wareki};
    let cases = [
        ("2026-11-21", Some("令和8年11月21日")),
        ("2019-05-01", Some("令和元年5月1日")),
        ("2019-04-30", Some("平成31年4月30日")),
        ("1989-01-08", Some("平成元年1月8日")),
        ("1989-01-07", Some("昭和64年1月7日")),
        ("1926-12-25", Some("昭和元年12月25日")),
        ("1912-07-29", None),
    ];
    for (date, expected) in cases {
        assert_eq!(wareki(d(date)).as_deref(), expected, "{date}");
    }
    assert_eq!(seireki(d("2026-01-05")), "2026年1月5日");
}

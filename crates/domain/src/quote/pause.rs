//! The pause (休止) fee schedule and request deadline shared by alwater (seed 000 FAQ) and plus-aqua (seed 004 第8–10条).

use chrono::NaiveDate;

use super::{Context, Line, Quote, QuoteError, When, japanese_moment, out_of_range};
use crate::calendar::YearMonth;
use crate::tariff::{PauseRules, Service};

/// What a pause from `last_shipment` until `next_delivery` costs.
pub(crate) struct PauseSchedule {
    /// End of the first fee month (end of month 2): free until then.
    pub free_until: NaiveDate,
    /// First day of the month after `forced_after_month` (first day of month 5).
    pub forced_cancellation: NaiveDate,
    /// True when no delivery comes by the end of `forced_after_month`.
    pub forced: bool,
    /// One line per month-end passed without a delivery.
    pub fee_lines: Vec<Line>,
}

/// Month 1 is the month after the month of the last shipment the customer received; a fee is
/// due for each listed month-end that passes with no delivery (a delivery on the month-end
/// itself is in time), and past the end of `forced_after_month` the contract is cancelled by
/// force from the next day.
pub(crate) fn schedule(rules: &PauseRules, last_shipment: NaiveDate, next_delivery: NaiveDate, servers: u32) -> Result<PauseSchedule, QuoteError> {
    if next_delivery <= last_shipment {
        return Err(QuoteError::new("next_delivery", "must be after last_shipment"));
    }
    let start = YearMonth::of(last_shipment);
    let month_end = |month: u32| start.plus(i64::from(month)).and_then(YearMonth::last_day).ok_or_else(|| out_of_range("last_shipment"));
    let mut fee_lines = Vec::new();
    for month in &rules.fee_after_month_ends {
        let end = month_end(*month)?;
        if next_delivery > end {
            fee_lines.push(Line::of_fee("pause_fee", &rules.fee, servers).due(end));
        }
    }
    let first_fee_month = rules.fee_after_month_ends.first().copied().unwrap_or(rules.forced_after_month);
    let forced_end = month_end(rules.forced_after_month)?;
    Ok(PauseSchedule {
        free_until: month_end(first_fee_month)?,
        forced_cancellation: forced_end.succ_opt().ok_or_else(|| out_of_range("last_shipment"))?,
        forced: next_delivery > forced_end,
        fee_lines,
    })
}

/// The pause request deadline (seed 004 第8条 for plus-aqua). Seed 000 states none for alwater; the contract
/// (spec/quote-api.md) asks for it, so alwater uses the rule seed 004 第8条 gives and seed
/// 000 itself uses for server changes: N (Hokkaido N+1) business days before, by 18:00.
pub fn deadline(ctx: &Context, scheduled_delivery: NaiveDate) -> Result<Quote, QuoteError> {
    let deadline = ctx.lead_deadline(scheduled_delivery, "scheduled_delivery")?;
    let on_time = ctx.as_of <= deadline;
    let mut quote = Quote::default()
        .date("request_deadline", When::Moment(deadline))
        .flag("on_time", on_time)
        .note(format!("休止のご連絡は{}までにお願いします。", japanese_moment(deadline)));
    if ctx.tariff.service == Service::Alwater {
        quote = quote
            .note("アルウォーターの規約には休止の申出期日の記載がないため、サーバー変更と同じ「5営業日（北海道6営業日）前の18時」を社内基準としています。");
    }
    if !on_time {
        quote = quote.note("申出期日を過ぎているため、次回配送分は休止できません。");
    }
    Ok(quote)
}

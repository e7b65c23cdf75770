//! allwatch (ALLwatch M2Mセンサネットサービス, seed 003): terminal shipping, the billing schedule, cancellation refunds.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::{Bill, Context, Extra, Line, Quote, QuoteError, When, japanese_date, out_of_range};
use crate::calendar::YearMonth;
use crate::money::Yen;
use crate::tariff::{AllwatchRules, BillingCycle, Rules};
use crate::time::{self, Moment};

fn rules<'a>(ctx: &Context<'a>) -> Result<&'a AllwatchRules, QuoteError> {
    match &ctx.tariff.rules {
        Rules::Allwatch(r) => Ok(r),
        _ => Err(QuoteError::new("service", "the tariff loaded for allwatch is not an allwatch tariff")),
    }
}

fn sample_note(ctx: &Context) -> Option<&'static str> {
    ctx.tariff.sample_prices.then_some("料金はサンプル値です（シードに価格の記載がないため）。実際の料金はお客様の契約書でご確認ください。")
}

/// 納期 (seed 003 「２．納期について」): an order received on a business day by 15:00 ships the
/// next business day; later, or on a non-business day, it counts as received on the next
/// business day. Nothing ships on a month's last business day: it moves to the next one.
pub fn shipping(ctx: &Context, received_at: Moment) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    let calendar = &ctx.tariff.calendar;
    let range = || out_of_range("received_at");
    let day = time::japan_date(received_at);
    let accepted = if calendar.is_business_day(day) && time::japan_time(received_at) <= r.order_cutoff {
        day
    } else {
        calendar.next_business_day(day).ok_or_else(range)?
    };
    let mut ship = accepted;
    for _ in 0..r.ship_business_days {
        ship = calendar.next_business_day(ship).ok_or_else(range)?;
    }
    let mut moved = false;
    while r.no_shipping_on_last_business_day && calendar.last_business_day_of_month(YearMonth::of(ship)) == Some(ship) {
        ship = calendar.next_business_day(ship).ok_or_else(range)?;
        moved = true;
    }
    let mut quote = Quote::default().date("accepted", When::Date(accepted)).date("ship_date", When::Date(ship)).note(format!(
        "{}受領扱い、{}出荷予定です（在庫状況により遅れる場合があります）。",
        japanese_date(accepted),
        japanese_date(ship)
    ));
    if moved {
        quote = quote.note("月末最終営業日は出荷停止のため、翌営業日の出荷となります。");
    }
    Ok(quote)
}

/// Prices of a billing or cancellation request; each defaults to the tariff's.
#[derive(Debug, Clone, Copy, Default)]
pub struct PriceOverrides {
    pub terminal: Option<Yen>,
    pub registration_fee: Option<Yen>,
    pub monthly_fee: Option<Yen>,
}

pub struct BillingInput {
    pub start_date: NaiveDate,
    pub cycle: String,
    pub terminals: u32,
    pub terminal_ship_date: Option<NaiveDate>,
    pub prices: PriceOverrides,
}

/// The first periodic billing month strictly after `after`.
fn next_billing_month(cycle: &BillingCycle, after: YearMonth) -> Option<YearMonth> {
    (1..=12).filter_map(|i| after.plus(i)).find(|m| cycle.billing_months.contains(&m.month()))
}

/// ご請求 (seed 003 「３．ご請求について」「6．ご請求詳細について」): terminals are billed in the
/// month they ship; the start month's bill has the registration fee and the monthly fees from
/// the month after the start up to the month before the next periodic billing month (the start
/// month is free); periodic bills prepay 6 months (Jan, Jul) or 12 (Jan). Each bill closes at
/// month end and is posted on the 3rd business day of the next month.
pub fn billing(ctx: &Context, input: &BillingInput) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    let cycle = r.cycles.iter().find(|c| c.id == input.cycle).ok_or_else(|| {
        let known: Vec<&str> = r.cycles.iter().map(|c| c.id.as_str()).collect();
        QuoteError::new("cycle", format!("unknown cycle '{}' (known: {})", input.cycle, known.join(", ")))
    })?;
    let range = || out_of_range("start_date");
    let terminal_price = input.prices.terminal.unwrap_or(r.terminal.amount);
    let registration = input.prices.registration_fee.unwrap_or(r.registration_fee.amount);
    let monthly = input.prices.monthly_fee.unwrap_or(r.monthly_fee.amount);
    let n = input.terminals;
    let monthly_line = |from: YearMonth, to: YearMonth| {
        let months = u32::try_from(from.months_until(to) + 1).unwrap_or(0);
        let label = format!("{}（{}〜{}）", r.monthly_fee.label, japanese_year_month(from), japanese_year_month(to));
        let mut line = Line::priced("monthly_fee", &label, monthly, r.monthly_fee.tax, months * n);
        line.period = Some((from, to));
        line
    };

    let mut bills: BTreeMap<YearMonth, Vec<Line>> = BTreeMap::new();
    let ship_month = YearMonth::of(input.terminal_ship_date.unwrap_or(input.start_date));
    bills.entry(ship_month).or_default().push(Line::priced("terminal", &r.terminal.label, terminal_price, r.terminal.tax, n));
    let start = YearMonth::of(input.start_date);
    let first_periodic = next_billing_month(cycle, start).ok_or_else(range)?;
    let start_bill = bills.entry(start).or_default();
    start_bill.push(Line::priced("registration_fee", &r.registration_fee.label, registration, r.registration_fee.tax, n));
    if let (Some(from), Some(to)) = (start.plus(1), first_periodic.plus(-1))
        && from <= to
    {
        start_bill.push(monthly_line(from, to));
    }
    let mut periodic = first_periodic;
    for _ in 0..2 {
        let next = next_billing_month(cycle, periodic).ok_or_else(range)?;
        let to = next.plus(-1).ok_or_else(range)?;
        bills.entry(periodic).or_default().push(monthly_line(periodic, to));
        periodic = next;
    }

    let mut schedule = Vec::new();
    for (month, lines) in bills {
        let posted_month = month.plus(1).ok_or_else(range)?;
        let posted = ctx.tariff.calendar.nth_business_day_of_month(posted_month, r.invoice_business_day).ok_or_else(range)?;
        schedule.push(Bill { month, posted, lines });
    }
    let mut quote = Quote::default()
        .extra("bills", Extra::Bills(schedule))
        .note("利用開始月の月額料金は無料です。請求書は末日締め、翌月第3営業日に投函します。")
        .note("銀行振込の振込手数料はお客様のご負担です。クレジットカード払いは登録に約1か月かかります。");
    if let Some(note) = sample_note(ctx) {
        quote = quote.note(note);
    }
    Ok(quote)
}

pub struct CancellationInput {
    pub received: NaiveDate,
    pub paid_through: YearMonth,
    /// The contract's whole monthly fee; default: the tariff's fee × `terminals`.
    pub monthly_fee: Option<Yen>,
    pub terminals: u32,
}

/// When a cancelled service ends and which prepaid months come back: `cancellation`'s terms,
/// for the refund claim that uses them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancellationTerms {
    pub service_end: NaiveDate,
    /// The prepaid months after the end month (none: nothing to refund).
    pub refund_months: Vec<YearMonth>,
}

/// The end and the refunded months of a cancellation (seed 003), as `cancellation` tells them.
pub fn cancellation_terms(ctx: &Context, input: &CancellationInput) -> Result<CancellationTerms, QuoteError> {
    let r = rules(ctx)?;
    let range = || out_of_range("received");
    let received_month = YearMonth::of(input.received);
    let end_month = if input.received.day() <= r.cancellation_cutoff_day { received_month } else { received_month.plus(1).ok_or_else(range)? };
    let service_end = end_month.last_day().ok_or_else(range)?;
    let refund_months = end_month.plus(1).map(|first| first.through(input.paid_through).collect()).unwrap_or_default();
    Ok(CancellationTerms { service_end, refund_months })
}

/// 解約 (seed 003 「５．解約について」): a form received by the 15th ends the service at the end of
/// that month, from the 16th at the end of the next; prepaid fees for the months after the end
/// month are refunded through the 返金請求書.
pub fn cancellation(ctx: &Context, input: &CancellationInput) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    let CancellationTerms { service_end, refund_months } = cancellation_terms(ctx, input)?;
    let monthly = input.monthly_fee.unwrap_or(r.monthly_fee.amount.times(input.terminals));
    let mut quote = Quote::default().date("service_end", When::Date(service_end)).flag("refund", !refund_months.is_empty());
    if let (Some(first), Some(last)) = (refund_months.first(), refund_months.last()) {
        let count = u32::try_from(refund_months.len()).unwrap_or(u32::MAX);
        let label = format!("{}（{}〜{}）", r.refund_label, japanese_year_month(*first), japanese_year_month(*last));
        let mut line = Line::priced("refund", &label, -monthly, r.monthly_fee.tax, count);
        line.period = Some((*first, *last));
        quote = quote.line(line).note(format!("{}か月分を返金します。「返金請求書」を送付しますので、記入・押印のうえ返信用封筒でご返送ください。", count));
    }
    quote = quote.note(format!("{}でのサービス終了となります。", japanese_date(service_end))).extra("refund_months", Extra::Months(refund_months));
    if input.monthly_fee.is_none()
        && let Some(note) = sample_note(ctx)
    {
        quote = quote.note(note);
    }
    Ok(quote)
}

fn japanese_year_month(month: YearMonth) -> String {
    format!("{}年{}月", month.year(), month.month())
}

//! alwater (アルウォーター, seed 000): pause, server exchange, cooling-off (the pause deadline is in `pause`).

use chrono::NaiveDate;

use super::{Context, Extra, Line, Quote, QuoteError, When, japanese_date, japanese_moment, not_after_as_of, out_of_range, pause};
use crate::calendar::{add_days, years_completed};
use crate::tariff::{AlwaterRules, Rules};

fn rules<'a>(ctx: &Context<'a>) -> Result<&'a AlwaterRules, QuoteError> {
    match &ctx.tariff.rules {
        Rules::Alwater(r) => Ok(r),
        _ => Err(QuoteError::new("service", "the tariff loaded for alwater is not an alwater tariff")),
    }
}

pub struct PauseInput {
    pub last_shipment: NaiveDate,
    pub next_delivery: NaiveDate,
    pub servers: u32,
}

/// 休止 (seed 000 「定期配送を一時的に休むことはできますか?」): free to the end of month 2;
/// 1,100 yen per server past the end of months 2 and 3; forced cancellation from month 5.
pub fn pause(ctx: &Context, input: &PauseInput) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    let s = pause::schedule(&r.pause, input.last_shipment, input.next_delivery, input.servers)?;
    let mut quote = Quote { lines: s.fee_lines, ..Quote::default() }
        .date("free_until", When::Date(s.free_until))
        .date("forced_cancellation", When::Date(s.forced_cancellation))
        .flag("forced_cancellation", s.forced)
        .note(format!("{}までは無料で休止できます。", japanese_date(s.free_until)))
        .note("レンタル料が発生するウォーターサーバーをご利用の場合、休止期間中も毎月レンタル料が発生します。");
    if s.forced {
        quote = quote.note(format!(
            "次回お届けが{}以降のため、{}で強制解約となります。",
            japanese_date(s.forced_cancellation),
            japanese_date(s.forced_cancellation)
        ));
    }
    Ok(quote)
}

pub struct ExchangeInput {
    pub model: String,
    pub first_delivery: NaiveDate,
    pub received: Option<NaiveDate>,
}

/// Server model/colour change or exchange (seed 000 「ウォーターサーバーの種類・カラーの変更、交換」):
/// free by 18:00 of the 5th (Hokkaido 6th) business day before the first delivery; otherwise,
/// or once the server is in use, the fee by model and whole years since it was received
/// (not yet received but late: the "< 1 year" column).
pub fn exchange(ctx: &Context, input: &ExchangeInput) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    let model = r.exchange_models.iter().find(|m| m.id == input.model).ok_or_else(|| QuoteError::new("model", format!("unknown model '{}'", input.model)))?;
    if let Some(received) = input.received {
        not_after_as_of(ctx, "received", received)?;
    }
    let free_deadline = ctx.lead_deadline(input.first_delivery, "first_delivery")?;
    let free = input.received.is_none() && ctx.as_of <= free_deadline;
    let mut quote = Quote::default().date("free_deadline", When::Moment(free_deadline)).flag("free", free);
    if let Some(received) = input.received {
        let years = years_completed(received, ctx.as_of_date());
        quote = quote.extra("years_since_received", Extra::Integer(i64::from(years)));
    }
    if free {
        return Ok(quote.note(format!("{}までのご依頼のため、無料で変更・交換できます。", japanese_moment(free_deadline))));
    }
    let years = input.received.map_or(0, |received| years_completed(received, ctx.as_of_date()));
    let index = (years as usize).min(model.fee_by_years.len().saturating_sub(1));
    let fee = model.fee_by_years.get(index).copied().ok_or_else(|| QuoteError::new("model", "no fee in the tariff"))?;
    let reason = match input.received {
        Some(_) => format!("サーバー受取後{years}年経過のため、交換事務手数料がかかります。"),
        None => "初回配送前の無料期限を過ぎているため、交換事務手数料（受取後1年未満の額）がかかります。".to_string(),
    };
    Ok(quote.line(Line::priced("exchange_fee", &format!("{}（{}）", r.exchange_label, model.label), fee, r.exchange_tax, 1)).note(reason))
}

pub struct CoolingOffInput {
    pub application_date: NaiveDate,
    pub channel: String,
}

/// Whether an application may be cooled off, and until when: `cooling_off`'s terms, for the
/// notice that uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoolingOffPeriod {
    /// The last day of the period (the application day counts as the first).
    pub last_day: NaiveDate,
    /// Made in a shop or by phone.
    pub eligible: bool,
    /// As of the context's day, the period has not ended.
    pub within_period: bool,
}

/// The cooling-off period of an application (seed 000), as `cooling_off` tells it.
pub fn cooling_off_period(ctx: &Context, input: &CoolingOffInput) -> Result<CoolingOffPeriod, QuoteError> {
    let r = rules(ctx)?;
    not_after_as_of(ctx, "application_date", input.application_date)?;
    let last_day = add_days(input.application_date, r.cooling_off_days.saturating_sub(1)).ok_or_else(|| out_of_range("application_date"))?;
    Ok(CoolingOffPeriod { last_day, eligible: r.cooling_off_channels.contains(&input.channel), within_period: ctx.as_of_date() <= last_day })
}

/// クーリング・オフ (seed 000 「クーリング・オフについて」): for shop or phone applications, 8 days
/// including the application date; the postcard counts when posted, so `last_day` is the last
/// day to post it. No extension for weekends or holidays (the period is the law's).
pub fn cooling_off(ctx: &Context, input: &CoolingOffInput) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    let CoolingOffPeriod { last_day, eligible, within_period: within } = cooling_off_period(ctx, input)?;
    let mut quote = Quote::default().date("last_day", When::Date(last_day)).flag("eligible", eligible).flag("within_period", within);
    quote = match (eligible, within) {
        (true, true) => {
            quote.note(format!("ハガキ等に必要事項を記入し、{}までに郵送してください（消印日で有効。簡易書留が確実です）。", japanese_date(last_day)))
        }
        (true, false) => quote.note(format!("クーリング・オフ期間（お申込み日を含む{}日間）を過ぎています。", r.cooling_off_days)),
        (false, _) => quote.note("クーリング・オフは店頭またはお電話でお申込みのお客様が対象です。"),
    };
    Ok(quote)
}

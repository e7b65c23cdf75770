//! plus-aqua (プラスアクア, seed 004 利用規約): pause, cancellation and its renewal months,
//! pre-start cancellation, registration, product change/exchange, returned deliveries, non-return.

use chrono::NaiveDate;

use super::{Context, Extra, Line, Quote, QuoteError, When, japanese_date, japanese_moment, not_after_as_of, out_of_range, pause};
use crate::calendar::{YearMonth, add_days, years_completed};
use crate::tariff::{Plan, PlusAquaRules, Rules, ServerModel};
use crate::time::{self, Moment};

fn rules<'a>(ctx: &Context<'a>) -> Result<&'a PlusAquaRules, QuoteError> {
    match &ctx.tariff.rules {
        Rules::PlusAqua(r) => Ok(r),
        _ => Err(QuoteError::new("service", "the tariff loaded for plus-aqua is not a plus-aqua tariff")),
    }
}

fn plan<'a>(r: &'a PlusAquaRules, id: &str) -> Result<&'a Plan, QuoteError> {
    r.plans.iter().find(|p| p.id == id).ok_or_else(|| QuoteError::new("plan", format!("unknown plan '{id}'")))
}

fn model<'a>(r: &'a PlusAquaRules, id: &str) -> Result<&'a ServerModel, QuoteError> {
    r.models.iter().find(|m| m.id == id).ok_or_else(|| QuoteError::new("model", format!("unknown model '{id}'")))
}

/// 契約月: month 1 is the month of the first delivery (第10条 起算月).
pub fn contract_month(first_delivery: NaiveDate, on: NaiveDate) -> i64 {
    YearMonth::of(first_delivery).months_until(YearMonth::of(on)) + 1
}

/// 契約更新月 (第10条): the last `window` months of each term. HC: the contract renews itself
/// with the same term, so every later term has its own renewal months (basic 11–12, 23–24, …).
pub fn is_renewal_month(contract_month: i64, term_months: u32, window_months: u32) -> bool {
    let term = i64::from(term_months);
    contract_month >= 1 && (contract_month - 1) % term >= term - i64::from(window_months)
}

/// A renewal window: its first day, and its end (the cut-off of its last month's last business day).
struct RenewalWindow {
    start: NaiveDate,
    end: Moment,
}

fn renewal_window(ctx: &Context, r: &PlusAquaRules, plan: &Plan, first_delivery: NaiveDate, term: i64) -> Result<RenewalWindow, QuoteError> {
    let first = YearMonth::of(first_delivery);
    let last_month_no = term * i64::from(plan.term_months);
    let first_month_no = last_month_no - i64::from(r.renewal_window_months) + 1;
    let range = || out_of_range("first_delivery");
    let start = first.plus(first_month_no - 1).and_then(YearMonth::first_day).ok_or_else(range)?;
    let last_month = first.plus(last_month_no - 1).ok_or_else(range)?;
    let last_business_day = ctx.tariff.calendar.last_business_day_of_month(last_month).ok_or_else(range)?;
    let end = time::japan_moment(last_business_day, ctx.tariff.cutoff).ok_or_else(range)?;
    Ok(RenewalWindow { start, end })
}

pub struct PauseInput {
    pub plan: String,
    pub first_delivery: NaiveDate,
    pub last_shipment: NaiveDate,
    pub next_delivery: NaiveDate,
    pub servers: u32,
}

/// 休止 (第8–10条): the alwater schedule; a forced cancellation (第10条) costs the plan's
/// cancellation fee per server unless it falls in a renewal month (第10条 charges the fee for
/// cancellations "契約更新月以外", forced ones included).
pub fn pause(ctx: &Context, input: &PauseInput) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    let plan = plan(r, &input.plan)?;
    if input.first_delivery > input.last_shipment {
        return Err(QuoteError::new("first_delivery", "must not be after last_shipment"));
    }
    let s = pause::schedule(&r.pause, input.last_shipment, input.next_delivery, input.servers)?;
    let mut quote = Quote { lines: s.fee_lines, ..Quote::default() }
        .date("free_until", When::Date(s.free_until))
        .date("forced_cancellation", When::Date(s.forced_cancellation))
        .flag("forced_cancellation", s.forced)
        .note(format!("{}までは無料で休止できます。", japanese_date(s.free_until)));
    if s.forced {
        let month = contract_month(input.first_delivery, s.forced_cancellation);
        quote = quote.note(format!("{}で強制解約となります（第10条）。", japanese_date(s.forced_cancellation)));
        if is_renewal_month(month, plan.term_months, r.renewal_window_months) {
            quote = quote.note("強制解約日が契約更新月のため、契約解除料はかかりません。");
        } else {
            quote = quote.line(Line::of_fee("cancellation_fee", &plan.cancellation_fee, input.servers).due(s.forced_cancellation));
        }
    }
    Ok(quote)
}

pub struct CancellationInput {
    pub plan: String,
    pub first_delivery: NaiveDate,
    pub servers: u32,
}

/// 解約 (第10条, 第16条): free when the customer center receives it in a renewal month, by the
/// cut-off of that month's last business day; otherwise the plan's fee per server. The server
/// must be back within 30 days of the cancellation date (the date of `as_of`).
pub fn cancellation(ctx: &Context, input: &CancellationInput) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    let plan = plan(r, &input.plan)?;
    let today = ctx.as_of_date();
    if input.first_delivery > today {
        return Err(QuoteError::new("first_delivery", "is after the cancellation date (as_of); before the first delivery quote pre_start_cancellation"));
    }
    let month = contract_month(input.first_delivery, today);
    let term = (month + i64::from(plan.term_months) - 1) / i64::from(plan.term_months);
    let mut window = renewal_window(ctx, r, plan, input.first_delivery, term)?;
    if ctx.as_of > window.end {
        window = renewal_window(ctx, r, plan, input.first_delivery, term + 1)?;
    }
    let free = today >= window.start && ctx.as_of <= window.end;
    let return_deadline = add_days(today, r.return_days).ok_or_else(|| out_of_range("as_of"))?;
    let mut quote = Quote::default()
        .extra("contract_month", Extra::Integer(month))
        .date("renewal_window_start", When::Date(window.start))
        .date("renewal_window_end", When::Moment(window.end))
        .date("return_deadline", When::Date(return_deadline))
        .flag("free", free);
    if free {
        quote = quote.note(format!("契約更新月内（{}まで）のご連絡のため、契約解除料はかかりません。", japanese_moment(window.end)));
    } else {
        quote = quote.line(Line::of_fee("cancellation_fee", &plan.cancellation_fee, input.servers)).note(format!(
            "契約更新月以外のため契約解除料がかかります。次の契約更新月は{}から{}までです。",
            japanese_date(window.start),
            japanese_moment(window.end)
        ));
    }
    Ok(quote.note(format!(
        "サーバーは{}までに返却してください。返却が確認できない場合、1台につき製品補償料{}円がかかります（第16条）。",
        japanese_date(return_deadline),
        r.product_compensation.amount.grouped()
    )))
}

/// 利用開始前キャンセル (第13条): free by the cut-off of the 5th (Hokkaido 6th) business day
/// before the first scheduled delivery; later, the plan's cancellation fee per server.
pub fn pre_start_cancellation(ctx: &Context, input: &CancellationInput) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    let plan = plan(r, &input.plan)?;
    let deadline = ctx.lead_deadline(input.first_delivery, "first_delivery")?;
    let free = ctx.as_of <= deadline;
    let quote = Quote::default().date("free_deadline", When::Moment(deadline)).flag("free", free);
    Ok(if free {
        quote.note(format!("{}までのお申出のため、無償でキャンセルできます。", japanese_moment(deadline)))
    } else {
        quote
            .line(Line::of_fee("cancellation_fee", &plan.cancellation_fee, input.servers))
            .note("申出期日を過ぎているため、所定の契約解除料がかかります（第13条）。")
    })
}

pub struct RegistrationInput {
    pub servers: u32,
    pub birth_date: NaiveDate,
    /// ISO 3166-1 alpha-2 country of the service address.
    pub country: String,
}

/// 申込資格 (第2条) and 初回登録事務手数料: 20 or older on the application date (`as_of`); not in
/// Okinawa nor outside Japan. The fee lines are shown even when not eligible.
pub fn registration(ctx: &Context, input: &RegistrationInput) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    not_after_as_of(ctx, "birth_date", input.birth_date)?;
    let age = years_completed(input.birth_date, ctx.as_of_date());
    let mut reasons = Vec::new();
    if age < r.minimum_age {
        reasons.push("under_20".to_string());
    }
    if !r.service_countries.contains(&input.country) {
        reasons.push("outside_japan".to_string());
    } else if let Some(excluded) = r.excluded_prefectures.iter().find(|p| p.name == ctx.prefecture.name()) {
        reasons.push(excluded.reason.clone());
    }
    let eligible = reasons.is_empty();
    let mut quote = Quote::default()
        .line(Line::of_fee("registration_fee", &r.registration_fee, input.servers))
        .flag("eligible", eligible)
        .extra("age", Extra::Integer(i64::from(age)));
    for reason in &reasons {
        quote = quote.note(match reason.as_str() {
            "under_20" => format!("{}歳未満の方はお申込みいただけません（申込日時点{age}歳）。", r.minimum_age),
            "outside_japan" => "日本国外はサービス提供外地域です。".to_string(),
            _ => format!("{}はサービス提供外地域です。", ctx.prefecture),
        });
    }
    Ok(quote.extra("reasons", Extra::Codes(reasons)))
}

pub struct ProductChangeInput {
    pub model: String,
    pub scheduled_delivery: NaiveDate,
    pub servers: u32,
}

/// 製品変更 (第11条): free by the cut-off of the 5th (Hokkaido 6th) business day before the
/// server's scheduled delivery; later, before or after receipt, the change fee per server.
pub fn product_change(ctx: &Context, input: &ProductChangeInput) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    let model = model(r, &input.model)?;
    let deadline = ctx.lead_deadline(input.scheduled_delivery, "scheduled_delivery")?;
    let free = ctx.as_of <= deadline;
    let quote = Quote::default().date("free_deadline", When::Moment(deadline)).flag("free", free);
    Ok(if free {
        quote.note(format!("{}までのお申出のため、無償で変更できます。", japanese_moment(deadline)))
    } else {
        quote
            .line(Line::priced("change_fee", &format!("{}（{}）", r.change_label, model.label), model.change_fee, r.server_fee_tax, input.servers))
            .note("申出期日を過ぎているため本製品は出荷済みで、変更には変更事務手数料がかかります（第11条）。")
    })
}

pub struct ProductExchangeInput {
    pub model: String,
    pub servers: u32,
}

/// 製品交換 (第12条): always the exchange fee per server.
pub fn product_exchange(ctx: &Context, input: &ProductExchangeInput) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    let model = model(r, &input.model)?;
    Ok(Quote::default().line(Line::priced(
        "exchange_fee",
        &format!("{}（{}）", r.exchange_label, model.label),
        model.exchange_fee,
        r.server_fee_tax,
        input.servers,
    )))
}

pub struct ReturnedDeliveryInput {
    /// `water`, or a server model id.
    pub item: String,
    pub deliveries: u32,
}

/// 配送事務手数料 (第4条): a delivery returned unreceived costs 3,300 yen for water, or the
/// model's fee for a server, per delivery.
pub fn returned_delivery(ctx: &Context, input: &ReturnedDeliveryInput) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    let line = if input.item == "water" {
        Line::of_fee("returned_delivery_fee", &r.returned_water_fee, input.deliveries)
    } else {
        let model = r
            .models
            .iter()
            .find(|m| m.id == input.item)
            .ok_or_else(|| QuoteError::new("item", format!("must be 'water' or a server model, not '{}'", input.item)))?;
        Line::priced(
            "returned_delivery_fee",
            &format!("{}（{}）", r.returned_server_label, model.label),
            model.returned_delivery_fee,
            r.server_fee_tax,
            input.deliveries,
        )
    };
    Ok(Quote::default().line(line))
}

pub struct NonReturnInput {
    pub servers: u32,
    pub cancellation_date: NaiveDate,
    pub returned: Option<NaiveDate>,
}

/// 製品補償料 (第16条): 33,000 yen per server not back within 30 days of the cancellation date
/// (HC: the cancellation date is not counted, so the last day is cancellation + 30).
pub fn non_return(ctx: &Context, input: &NonReturnInput) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    if let Some(returned) = input.returned {
        not_after_as_of(ctx, "returned", returned)?;
    }
    let deadline = add_days(input.cancellation_date, r.return_days).ok_or_else(|| out_of_range("cancellation_date"))?;
    let overdue = match input.returned {
        Some(returned) => returned > deadline,
        None => ctx.as_of_date() > deadline,
    };
    let quote = Quote::default().date("return_deadline", When::Date(deadline)).flag("overdue", overdue);
    Ok(if overdue {
        quote
            .line(Line::of_fee("product_compensation", &r.product_compensation, input.servers))
            .note(format!("{}までに返却が確認できないため、製品補償料がかかります。", japanese_date(deadline)))
    } else if input.returned.is_some() {
        quote.note("期限内に返却済みのため、製品補償料はかかりません。")
    } else {
        quote.note(format!("{}までに返却されれば製品補償料はかかりません。", japanese_date(deadline)))
    })
}

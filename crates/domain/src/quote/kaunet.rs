//! kaunet (カウネット, seed 002): monthly purchase limit, invoice timing, dealer change.

use chrono::NaiveDate;

use super::{Context, Extra, Quote, QuoteError, When, japanese_date, out_of_range};
use crate::calendar::YearMonth;
use crate::money::Yen;
use crate::tariff::{KaunetRules, Rules};

fn rules<'a>(ctx: &Context<'a>) -> Result<&'a KaunetRules, QuoteError> {
    match &ctx.tariff.rules {
        Rules::Kaunet(r) => Ok(r),
        _ => Err(QuoteError::new("service", "the tariff loaded for kaunet is not a kaunet tariff")),
    }
}

/// How a kaunet order is paid (seed 002: the limit applies to KDDI invoice payment only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payment {
    KddiInvoice,
    CreditCard,
}

impl Payment {
    pub const ALL: [Payment; 2] = [Payment::KddiInvoice, Payment::CreditCard];

    pub fn id(self) -> &'static str {
        match self {
            Payment::KddiInvoice => "kddi_invoice",
            Payment::CreditCard => "credit_card",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Payment::KddiInvoice => "KDDI請求書払い",
            Payment::CreditCard => "クレジットカード",
        }
    }

    pub fn from_id(id: &str) -> Option<Payment> {
        Payment::ALL.into_iter().find(|p| p.id() == id)
    }
}

pub struct PurchaseLimitInput {
    pub monthly_limit: Yen,
    pub month_to_date: Yen,
    pub order_amount: Yen,
    pub payment: Payment,
}

/// 月間購入上限金額 (seed 002): an order that takes the month's total over the limit is
/// cancelled, unless it is paid by credit card. Reaching the limit exactly is allowed.
pub fn purchase_limit(ctx: &Context, input: &PurchaseLimitInput) -> Result<Quote, QuoteError> {
    rules(ctx)?;
    let remaining = input.monthly_limit - input.month_to_date - input.order_amount;
    let over = remaining.is_negative();
    let allowed = !over || input.payment == Payment::CreditCard;
    let quote = Quote::default().flag("allowed", allowed).flag("over_limit", over).extra("remaining", Extra::Yen(remaining));
    Ok(match (over, allowed) {
        (false, _) => quote.note(format!("ご注文後の上限までの残額は{}円です。", remaining.grouped())),
        (true, true) => quote.note("月間購入上限金額を超えますが、クレジットカード払いのためご購入いただけます。"),
        (true, false) => quote.note(format!(
            "月間購入上限金額を{}円超えるため、KDDI請求書払いではご注文がキャンセルされます。クレジットカード払いであればご購入いただけます。",
            (-remaining).grouped()
        )),
    })
}

/// KDDI請求書 (seed 002): shipped in month M appears on the invoice sent in month M+2; the
/// purchase history reaches My KDDI Biz in the afternoon of the business day after shipment.
pub fn invoice_timing(ctx: &Context, shipped: NaiveDate) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    let range = || out_of_range("shipped");
    let invoice_month = YearMonth::of(shipped).plus(i64::from(r.invoice_months_after_shipment)).ok_or_else(range)?;
    let mut history = shipped;
    for _ in 0..r.history_business_days {
        history = ctx.tariff.calendar.next_business_day(history).ok_or_else(range)?;
    }
    Ok(Quote::default()
        .extra("invoice_month", Extra::Month(invoice_month))
        .date("history_visible", When::Date(history))
        .note(format!("{}年{}月送付のKDDI請求書に記載されます。", invoice_month.year(), invoice_month.month()))
        .note(format!(
            "My KDDI Biz の購入履歴には{}の午後に反映されます（カウネットのページでカード払いにした注文は反映されません）。",
            japanese_date(history)
        )))
}

pub struct DealerChangeInput {
    pub fax_deadline: NaiveDate,
    pub fax_returned: NaiveDate,
}

/// Whether a returned FAX changes the dealer, and from which month: `dealer_change`'s terms, for
/// the request that follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DealerChangeTerms {
    /// Returned by its deadline.
    pub accepted: bool,
    /// The first day of the earliest and of the latest month the change takes effect.
    pub effective_earliest: NaiveDate,
    pub effective_latest: NaiveDate,
}

/// The dealer change a returned FAX makes (seed 002), as `dealer_change` tells it.
pub fn dealer_change_terms(ctx: &Context, input: &DealerChangeInput) -> Result<DealerChangeTerms, QuoteError> {
    let r = rules(ctx)?;
    let (earliest, latest) = r.dealer_change_months;
    let month = YearMonth::of(input.fax_returned);
    let first_of = |months: u32| month.plus(i64::from(months)).and_then(YearMonth::first_day).ok_or_else(|| out_of_range("fax_returned"));
    Ok(DealerChangeTerms { accepted: input.fax_returned <= input.fax_deadline, effective_earliest: first_of(earliest)?, effective_latest: first_of(latest)? })
}

/// 担当販売店変更 (seed 002 「販売店について」): a FAX returned by its deadline changes the dealer
/// in the next month or the month after, free of charge and with no catalog; returned late,
/// nothing changes (the window it would have had is still shown).
pub fn dealer_change(ctx: &Context, input: &DealerChangeInput) -> Result<Quote, QuoteError> {
    let DealerChangeTerms { accepted, effective_earliest: earliest, effective_latest: latest } = dealer_change_terms(ctx, input)?;
    let quote = Quote::default().flag("accepted", accepted).date("effective_earliest", When::Date(earliest)).date("effective_latest", When::Date(latest));
    Ok(if accepted {
        quote
            .note(format!("{}または{}から担当販売店が切り替わります。切替後にメールでお知らせします。", japanese_month(earliest), japanese_month(latest)))
            .note("変更費用はかかりません。販売店のみの変更のため、カタログは送付されません。")
    } else {
        quote.note(format!("FAXの返信が期日（{}）を過ぎているため、担当販売店は変更されません。", japanese_date(input.fax_deadline)))
    })
}

fn japanese_month(date: NaiveDate) -> String {
    let month = YearMonth::of(date);
    format!("{}年{}月", month.year(), month.month())
}

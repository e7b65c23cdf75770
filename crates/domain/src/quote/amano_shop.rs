//! amano-shop (アマノオンラインショップ, seed 001): password rules, NP掛け払い terms, points expiry.

use chrono::{Datelike, NaiveDate};

use super::{Context, Extra, Quote, QuoteError, When, japanese_date, out_of_range};
use crate::calendar::{YearMonth, add_days};
use crate::tariff::{AmanoShopRules, Closing, Rules};

fn rules<'a>(ctx: &Context<'a>) -> Result<&'a AmanoShopRules, QuoteError> {
    match &ctx.tariff.rules {
        Rules::AmanoShop(r) => Ok(r),
        _ => Err(QuoteError::new("service", "the tariff loaded for amano-shop is not an amano-shop tariff")),
    }
}

/// パスワード (seed 001 「1.ログイン」): 6–20 half-width letters, digits and symbols (printable
/// ASCII, no spaces); the same character not 3 times in a row (`aaa012345`, `ABCDE999`).
pub fn password_check(ctx: &Context, password: &str) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    let length = password.chars().count();
    let mut problems = Vec::new();
    if length < r.password_min as usize {
        problems.push("too_short");
    }
    if length > r.password_max as usize {
        problems.push("too_long");
    }
    if password.chars().any(|c| !c.is_ascii_graphic()) {
        problems.push("invalid_char");
    }
    if longest_run(password) > r.password_max_run as usize {
        problems.push("triple_repeat");
    }
    let mut quote = Quote::default().flag("valid", problems.is_empty());
    for problem in &problems {
        quote = quote.note(match *problem {
            "too_short" | "too_long" => format!("{}文字以上{}文字以内で入力してください。", r.password_min, r.password_max),
            "invalid_char" => "半角英数字記号のみ使用できます（空白・全角文字は不可）。".to_string(),
            _ => "同じ英数字記号を3文字続けて使うことはできません。".to_string(),
        });
    }
    Ok(quote.extra("problems", Extra::Codes(problems.into_iter().map(String::from).collect())))
}

/// The longest run of one repeated character.
fn longest_run(text: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    let mut previous = None;
    for c in text.chars() {
        run = if previous == Some(c) { run + 1 } else { 1 };
        longest = longest.max(run);
        previous = Some(c);
    }
    longest
}

pub struct NpTermsInput {
    pub terms: String,
    pub billing_date: NaiveDate,
    pub guest: bool,
}

/// NP掛け払い (seed 001 「7.お支払い情報」): the closing day of the purchase, the formal invoice
/// on the business day after it, and the due date at the end of the payment month. Guests
/// may use only 月末締め/翌月末払い. The seed does not move a due date off a holiday.
pub fn np_terms(ctx: &Context, input: &NpTermsInput) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    let term = r.np_terms.iter().find(|t| t.id == input.terms).ok_or_else(|| {
        let known: Vec<&str> = r.np_terms.iter().map(|t| t.id.as_str()).collect();
        QuoteError::new("terms", format!("unknown terms '{}' (known: {})", input.terms, known.join(", ")))
    })?;
    if input.guest && !term.guest_allowed {
        return Err(QuoteError::new("terms", format!("a guest may only use {}", guest_terms(r))));
    }
    let range = || out_of_range("billing_date");
    let month = YearMonth::of(input.billing_date);
    let closing = match term.closing {
        Closing::MonthEnd => month.last_day(),
        Closing::Day(day) if input.billing_date.day() <= day => month.day(day),
        Closing::Day(day) => month.plus(1).and_then(|m| m.day(day)),
    }
    .ok_or_else(range)?;
    let invoice_issued = ctx.tariff.calendar.next_business_day(closing).ok_or_else(range)?;
    let due = YearMonth::of(closing).plus(i64::from(term.due_months_after)).and_then(YearMonth::last_day).ok_or_else(range)?;
    Ok(Quote::default()
        .date("closing", When::Date(closing))
        .date("invoice_issued", When::Date(invoice_issued))
        .date("due", When::Date(due))
        .note(format!(
            "{}（{}）: 正式な請求書は{}に決済代行会社（ネットプロテクションズ）から発行され、数日後に郵便で届きます。お支払期限は{}です。",
            term.label,
            japanese_date(closing),
            japanese_date(invoice_issued),
            japanese_date(due)
        ))
        .note("マイページの請求書（簡易版）には振込先口座の記載はありません。"))
}

fn guest_terms(r: &AmanoShopRules) -> String {
    r.np_terms.iter().filter(|t| t.guest_allowed).map(|t| t.id.as_str()).collect::<Vec<_>>().join(", ")
}

/// ポイント有効期限 (seed 001 「5.ポイント」): 180 days from the last purchase; HC: the purchase
/// day is not counted (民法 140条), so the last valid day is the purchase date + 180.
pub fn points_expiry(ctx: &Context, last_purchase: NaiveDate) -> Result<Quote, QuoteError> {
    let r = rules(ctx)?;
    let expires = add_days(last_purchase, r.points_valid_days).ok_or_else(|| out_of_range("last_purchase"))?;
    let expired = ctx.as_of_date() > expires;
    Ok(Quote::default().date("expires", When::Date(expires)).flag("expired", expired).note(format!(
        "ポイントの有効期限は{}までです（最終購入日から{}日間。ゲスト購入は対象外）。",
        japanese_date(expires),
        r.points_valid_days
    )))
}

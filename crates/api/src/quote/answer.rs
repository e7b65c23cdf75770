//! The answer of the quote contract from the domain's `Quote`: yen as strings, dates
//! `YYYY-MM-DD`, moments RFC 3339 in +09:00 (the shapes are `wire::QuoteAnswer`'s).

use chrono::SecondsFormat;
use madoguchi_domain::quote::{Bill, Extra, Line, Quote, When};
use madoguchi_domain::tariff::{Service, Tariff};
use madoguchi_domain::time::{self, Moment};

use crate::wire::{ExtraValue, QuoteAnswer, QuoteBill, QuoteLine, TariffInfo};

pub fn answer(service: Service, kind: &'static str, as_of: Moment, tariff: &Tariff, quote: &Quote) -> QuoteAnswer {
    QuoteAnswer {
        service: service.id(),
        kind,
        as_of: moment(as_of),
        total: quote.total().to_string(),
        lines: lines(&quote.lines),
        dates: quote.dates.iter().map(|(k, w)| (*k, when(*w))).collect(),
        flags: quote.flags.iter().copied().collect(),
        extras: quote.extras.iter().map(|(k, e)| (*k, extra(e))).collect(),
        notes: quote.notes.clone(),
        tariff: tariff_info(tariff),
    }
}

pub fn tariff_info(tariff: &Tariff) -> TariffInfo {
    TariffInfo {
        id: tariff.service.id(),
        version: tariff.version.clone(),
        effective_from: tariff.effective_from.to_string(),
        sample_prices: tariff.sample_prices,
    }
}

fn moment(m: Moment) -> String {
    time::in_japan(m).to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

fn when(w: When) -> String {
    match w {
        When::Date(d) => d.to_string(),
        When::Moment(m) => moment(m),
        When::Month(m) => m.to_string(),
    }
}

fn lines(lines: &[Line]) -> Vec<QuoteLine> {
    lines.iter().map(line).collect()
}

fn line(l: &Line) -> QuoteLine {
    QuoteLine {
        code: l.code,
        label: l.label.clone(),
        quantity: l.quantity,
        unit: l.unit.to_string(),
        amount: l.amount.to_string(),
        tax: l.tax.code(),
        due: l.due.map(|d| d.to_string()),
        from: l.period.map(|(from, _)| from.to_string()),
        to: l.period.map(|(_, to)| to.to_string()),
    }
}

fn bill(b: &Bill) -> QuoteBill {
    QuoteBill { month: b.month.to_string(), posted: b.posted.to_string(), lines: lines(&b.lines), total: b.total().to_string() }
}

fn extra(extra: &Extra) -> ExtraValue {
    match extra {
        Extra::Integer(n) => ExtraValue::Integer(*n),
        Extra::Yen(y) => ExtraValue::Text(y.to_string()),
        Extra::Month(m) => ExtraValue::Text(m.to_string()),
        Extra::Codes(codes) => ExtraValue::Texts(codes.clone()),
        Extra::Months(months) => ExtraValue::Texts(months.iter().map(ToString::to_string).collect()),
        Extra::Bills(bills) => ExtraValue::Bills(bills.iter().map(bill).collect()),
    }
}

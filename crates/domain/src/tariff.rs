//! Tariffs: every fee, count, cut-off and house convention of one service, as data.
//!
//! The values come from `assets/tariffs/<service>.toml` (parsed in the API crate); this module
//! holds their typed form and the checks every tariff must pass before a quote may use it.

use chrono::{NaiveDate, NaiveTime};

use crate::calendar::BusinessCalendar;
use crate::money::{TaxCategory, TaxPolicy, Yen};

/// The five client services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    Alwater,
    AmanoShop,
    Kaunet,
    Allwatch,
    PlusAqua,
}

impl Service {
    pub const ALL: [Service; 5] = [Service::Alwater, Service::AmanoShop, Service::Kaunet, Service::Allwatch, Service::PlusAqua];

    pub fn id(self) -> &'static str {
        match self {
            Service::Alwater => "alwater",
            Service::AmanoShop => "amano-shop",
            Service::Kaunet => "kaunet",
            Service::Allwatch => "allwatch",
            Service::PlusAqua => "plus-aqua",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Service::ALL.into_iter().find(|s| s.id() == id)
    }

    /// The seed file the service's rules come from.
    pub fn seed(self) -> &'static str {
        match self {
            Service::Alwater => "000",
            Service::AmanoShop => "001",
            Service::Kaunet => "002",
            Service::Allwatch => "003",
            Service::PlusAqua => "004",
        }
    }
}

/// A fee as the seed states it: label, amount and how it is taxed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    pub label: String,
    pub amount: Yen,
    pub tax: TaxCategory,
}

/// "N business days before, by the end of center hours; Hokkaido one more" (seeds 000, 004).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeadTime {
    pub business_days: u32,
    pub hokkaido_business_days: u32,
}

/// One service's tariff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tariff {
    pub service: Service,
    pub name: String,
    pub version: String,
    pub effective_from: NaiveDate,
    /// True when prices are samples because the seed gives none (allwatch).
    pub sample_prices: bool,
    pub calendar: BusinessCalendar,
    /// End of customer-center hours: a request at this moment is on time, a second later is late.
    pub cutoff: NaiveTime,
    pub lead: LeadTime,
    pub tax: TaxPolicy,
    pub rules: Rules,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rules {
    Alwater(AlwaterRules),
    PlusAqua(PlusAquaRules),
    AmanoShop(AmanoShopRules),
    Kaunet(KaunetRules),
    Allwatch(AllwatchRules),
}

/// 休止 (seed 000 FAQ; seed 004 第8–10条): month 1 is the month after the last received shipment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PauseRules {
    pub fee: Fee,
    /// The month-ends (counted from month 1) after which each fee is due, e.g. [2, 3].
    pub fee_after_month_ends: Vec<u32>,
    /// Past the end of this month the contract is cancelled by force (from the first day of the next).
    pub forced_after_month: u32,
}

/// A server model with its exchange fee by whole years since it was received (seed 000).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeModel {
    pub id: String,
    pub label: String,
    /// Index = whole years since receipt; the last entry also applies to every later year.
    pub fee_by_years: Vec<Yen>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlwaterRules {
    pub pause: PauseRules,
    pub exchange_label: String,
    pub exchange_tax: TaxCategory,
    pub exchange_models: Vec<ExchangeModel>,
    /// The cooling-off period in days, the application date included.
    pub cooling_off_days: u32,
    /// Application channels that allow cooling-off (店頭, 電話).
    pub cooling_off_channels: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub id: String,
    pub label: String,
    /// The minimum term; each later term renews itself with the same length.
    pub term_months: u32,
    pub cancellation_fee: Fee,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExcludedPrefecture {
    pub name: String,
    pub reason: String,
}

/// A plus-aqua server model with the fees of seed 004 第4, 11, 12条.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerModel {
    pub id: String,
    pub label: String,
    pub returned_delivery_fee: Yen,
    pub change_fee: Yen,
    pub exchange_fee: Yen,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlusAquaRules {
    pub pause: PauseRules,
    pub plans: Vec<Plan>,
    /// The last months of each term in which a cancellation is free (契約更新月).
    pub renewal_window_months: u32,
    pub registration_fee: Fee,
    pub minimum_age: u32,
    /// Prefectures outside the service area, each with the reason code a quote reports.
    pub excluded_prefectures: Vec<ExcludedPrefecture>,
    pub service_countries: Vec<String>,
    pub models: Vec<ServerModel>,
    pub returned_water_fee: Fee,
    pub returned_server_label: String,
    pub change_label: String,
    pub exchange_label: String,
    pub server_fee_tax: TaxCategory,
    pub product_compensation: Fee,
    /// Days after the cancellation date within which the server must be back (第16条).
    pub return_days: u32,
}

/// How an NP掛け払い term closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    MonthEnd,
    Day(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NpTerm {
    pub id: String,
    pub label: String,
    pub closing: Closing,
    /// The payment falls due at the end of this many months after the closing month.
    pub due_months_after: u32,
    pub guest_allowed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmanoShopRules {
    pub password_min: u32,
    pub password_max: u32,
    /// The longest run of one character a password may have (2: `aaa` is refused).
    pub password_max_run: u32,
    pub np_terms: Vec<NpTerm>,
    /// HC: last valid day = last purchase + this many days (the purchase day is not counted).
    pub points_valid_days: u32,
    /// HC: an estimate is valid this many days from its issue date.
    pub estimate_valid_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KaunetRules {
    /// Shipped in month M → on the KDDI invoice sent in month M + this.
    pub invoice_months_after_shipment: u32,
    /// Purchase history reaches My KDDI Biz this many business days after shipment.
    pub history_business_days: u32,
    /// A dealer change takes effect this many months (earliest, latest) after the FAX returns.
    pub dealer_change_months: (u32, u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingCycle {
    pub id: String,
    pub label: String,
    /// The periodic billing months (1 = January).
    pub billing_months: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllwatchRules {
    /// A terminal order received on a business day by this time ships the next business day.
    pub order_cutoff: NaiveTime,
    pub ship_business_days: u32,
    /// 毎月月末最終営業日は出荷停止.
    pub no_shipping_on_last_business_day: bool,
    /// The invoice is posted on this business day of the month after closing.
    pub invoice_business_day: u32,
    /// A cancellation form received by this day of the month ends the service that month.
    pub cancellation_cutoff_day: u32,
    pub cycles: Vec<BillingCycle>,
    pub terminal: Fee,
    pub registration_fee: Fee,
    pub monthly_fee: Fee,
    pub refund_label: String,
}

/// A rule a tariff breaks: which key, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {reason}")]
pub struct TariffError {
    pub key: String,
    pub reason: String,
}

impl TariffError {
    pub fn new(key: impl Into<String>, reason: impl Into<String>) -> Self {
        TariffError { key: key.into(), reason: reason.into() }
    }
}

/// The longest year-end closure a tariff may declare; beyond it a month could run out of
/// business days and the lead-time rules would lose their meaning.
const MAX_CLOSURE_DAYS: i64 = 14;

impl Tariff {
    /// Checks what the types cannot: counts in range, lists not empty, ids unique.
    pub fn validate(&self) -> Result<(), TariffError> {
        if let Some(closure) = self.calendar.closure()
            && closure.length_days() > MAX_CLOSURE_DAYS
        {
            return Err(TariffError::new("calendar.closure", format!("longer than {MAX_CLOSURE_DAYS} days")));
        }
        check_range("calendar.lead_business_days", self.lead.business_days, 1, 30)?;
        check_range("calendar.lead_business_days_hokkaido", self.lead.hokkaido_business_days, 1, 30)?;
        match &self.rules {
            Rules::Alwater(r) => r.validate(),
            Rules::PlusAqua(r) => r.validate(),
            Rules::AmanoShop(r) => r.validate(),
            Rules::Kaunet(r) => r.validate(),
            Rules::Allwatch(r) => r.validate(),
        }
    }
}

fn check_range(key: &str, value: u32, min: u32, max: u32) -> Result<(), TariffError> {
    if value < min || value > max {
        return Err(TariffError::new(key, format!("must be between {min} and {max}, not {value}")));
    }
    Ok(())
}

fn check_unique<'a>(key: &str, ids: impl Iterator<Item = &'a str>) -> Result<(), TariffError> {
    let mut seen: Vec<&str> = Vec::new();
    for id in ids {
        if seen.contains(&id) {
            return Err(TariffError::new(key, format!("id '{id}' appears twice")));
        }
        seen.push(id);
    }
    if seen.is_empty() {
        return Err(TariffError::new(key, "must not be empty"));
    }
    Ok(())
}

fn check_not_negative(key: &str, fee: Yen) -> Result<(), TariffError> {
    if fee.is_negative() {
        return Err(TariffError::new(key, "must not be negative"));
    }
    Ok(())
}

impl PauseRules {
    fn validate(&self) -> Result<(), TariffError> {
        check_not_negative("pause.fee.yen", self.fee.amount)?;
        check_range("pause.forced_after_month", self.forced_after_month, 1, 24)?;
        let ends = &self.fee_after_month_ends;
        if ends.is_empty() || ends.windows(2).any(|w| w[0] >= w[1]) || ends.iter().any(|m| *m == 0 || *m > self.forced_after_month) {
            return Err(TariffError::new("pause.fee_after_month_ends", "must be increasing months from 1 up to pause.forced_after_month"));
        }
        Ok(())
    }
}

impl AlwaterRules {
    fn validate(&self) -> Result<(), TariffError> {
        self.pause.validate()?;
        check_unique("exchange.models", self.exchange_models.iter().map(|m| m.id.as_str()))?;
        for model in &self.exchange_models {
            if model.fee_by_years.is_empty() {
                return Err(TariffError::new(format!("exchange.models.{}.fee_by_years", model.id), "must not be empty"));
            }
            for fee in &model.fee_by_years {
                check_not_negative(&format!("exchange.models.{}.fee_by_years", model.id), *fee)?;
            }
        }
        check_range("cooling_off.days", self.cooling_off_days, 1, 60)?;
        Ok(())
    }
}

impl PlusAquaRules {
    fn validate(&self) -> Result<(), TariffError> {
        self.pause.validate()?;
        check_unique("plans", self.plans.iter().map(|p| p.id.as_str()))?;
        for plan in &self.plans {
            check_range(&format!("plans.{}.term_months", plan.id), plan.term_months, 1, 120)?;
            if self.renewal_window_months > plan.term_months {
                return Err(TariffError::new("renewal_window_months", format!("longer than the term of plan {}", plan.id)));
            }
        }
        check_range("renewal_window_months", self.renewal_window_months, 1, 12)?;
        check_unique("models", self.models.iter().map(|m| m.id.as_str()))?;
        if self.models.iter().any(|m| m.id == "water") {
            return Err(TariffError::new("models", "'water' is reserved for returned water deliveries"));
        }
        check_range("registration.minimum_age", self.minimum_age, 0, 120)?;
        for excluded in &self.excluded_prefectures {
            if crate::prefecture::Prefecture::from_name(&excluded.name).is_none() {
                return Err(TariffError::new("registration.excluded_prefectures", format!("unknown prefecture '{}'", excluded.name)));
            }
        }
        check_range("non_return.return_days", self.return_days, 1, 365)?;
        Ok(())
    }
}

impl AmanoShopRules {
    fn validate(&self) -> Result<(), TariffError> {
        check_range("password.min_length", self.password_min, 1, 256)?;
        check_range("password.max_length", self.password_max, self.password_min, 256)?;
        check_range("password.max_run", self.password_max_run, 1, 256)?;
        check_unique("np_terms", self.np_terms.iter().map(|t| t.id.as_str()))?;
        for term in &self.np_terms {
            if let Closing::Day(day) = term.closing {
                check_range(&format!("np_terms.{}.closing_day", term.id), day, 1, 28)?;
            }
            check_range(&format!("np_terms.{}.due_months_after", term.id), term.due_months_after, 0, 12)?;
        }
        check_range("points.valid_days", self.points_valid_days, 1, 3650)?;
        check_range("estimate.valid_days", self.estimate_valid_days, 1, 365)?;
        Ok(())
    }
}

impl KaunetRules {
    fn validate(&self) -> Result<(), TariffError> {
        check_range("invoice.months_after_shipment", self.invoice_months_after_shipment, 0, 12)?;
        check_range("history.business_days_after_shipment", self.history_business_days, 0, 30)?;
        let (earliest, latest) = self.dealer_change_months;
        check_range("dealer_change.effective_months", earliest, 0, 12)?;
        check_range("dealer_change.effective_months", latest, earliest, 12)?;
        Ok(())
    }
}

impl AllwatchRules {
    fn validate(&self) -> Result<(), TariffError> {
        check_range("shipping.business_days", self.ship_business_days, 1, 30)?;
        check_range("billing.invoice_business_day", self.invoice_business_day, 1, 15)?;
        check_range("cancellation.cutoff_day", self.cancellation_cutoff_day, 1, 28)?;
        check_unique("cycles", self.cycles.iter().map(|c| c.id.as_str()))?;
        for cycle in &self.cycles {
            let months = &cycle.billing_months;
            if months.is_empty() || months.windows(2).any(|w| w[0] >= w[1]) || months.iter().any(|m| !(1..=12).contains(m)) {
                return Err(TariffError::new(format!("cycles.{}.billing_months", cycle.id), "must be increasing months between 1 and 12"));
            }
        }
        for (key, fee) in [("prices.terminal", &self.terminal), ("prices.registration_fee", &self.registration_fee), ("prices.monthly_fee", &self.monthly_fee)]
        {
            check_not_negative(&format!("{key}.yen"), fee.amount)?;
        }
        Ok(())
    }
}

//! Loads and validates the tariff files (`assets/tariffs/*.toml`): embedded in the binary, or
//! read from a folder an operator points to. A broken tariff is an error naming file and key.

use std::path::Path;

use chrono::{NaiveDate, NaiveTime};
use madoguchi_domain::calendar::{BusinessCalendar, Closure, MonthDay};
use madoguchi_domain::money::{Rounding, TaxCategory, TaxPolicy, Yen};
use madoguchi_domain::tariff::{
    AllwatchRules, AlwaterRules, AmanoShopRules, BillingCycle, Closing, ExchangeModel, ExcludedPrefecture, Fee, KaunetRules, LeadTime, NpTerm, PauseRules,
    Plan, PlusAquaRules, Rules, ServerModel, Service, Tariff, TariffError,
};
use rust_decimal::Decimal;
use serde::Deserialize;

/// The tariffs built into the binary, one file per service.
const EMBEDDED: [(&str, &str); 5] = [
    ("alwater.toml", include_str!("../../../assets/tariffs/alwater.toml")),
    ("amano-shop.toml", include_str!("../../../assets/tariffs/amano-shop.toml")),
    ("kaunet.toml", include_str!("../../../assets/tariffs/kaunet.toml")),
    ("allwatch.toml", include_str!("../../../assets/tariffs/allwatch.toml")),
    ("plus-aqua.toml", include_str!("../../../assets/tariffs/plus-aqua.toml")),
];

/// A tariff file that cannot be used: which file, which key, why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("tariff {file}: {key}: {reason}")]
pub struct TariffLoadError {
    pub file: String,
    pub key: String,
    pub reason: String,
}

/// One validated tariff per service.
#[derive(Debug, Clone)]
pub struct Tariffs {
    tariffs: Vec<Tariff>,
}

impl Tariffs {
    /// The tariffs built into the binary.
    pub fn embedded() -> Result<Tariffs, TariffLoadError> {
        Self::from_sources(EMBEDDED.iter().map(|(name, text)| (name.to_string(), text.to_string())))
    }

    /// The tariffs of a folder holding one `<service>.toml` per service.
    pub fn from_dir(dir: &Path) -> Result<Tariffs, TariffLoadError> {
        let mut sources = Vec::new();
        for service in Service::ALL {
            let file = format!("{}.toml", service.id());
            let path = dir.join(&file);
            let text = std::fs::read_to_string(&path).map_err(|e| TariffLoadError {
                file: path.display().to_string(),
                key: "(file)".into(),
                reason: e.to_string(),
            })?;
            sources.push((path.display().to_string(), text));
        }
        Self::from_sources(sources)
    }

    /// Parses and validates each `(file name, text)`; every service must appear exactly once.
    pub fn from_sources(sources: impl IntoIterator<Item = (String, String)>) -> Result<Tariffs, TariffLoadError> {
        let mut tariffs: Vec<Tariff> = Vec::new();
        for (file, text) in sources {
            let tariff = parse(&text).map_err(|e| TariffLoadError { file: file.clone(), key: e.key, reason: e.reason })?;
            if tariffs.iter().any(|t| t.service == tariff.service) {
                return Err(TariffLoadError { file, key: "id".into(), reason: "a second tariff for this service".into() });
            }
            tariffs.push(tariff);
        }
        if let Some(missing) = Service::ALL.into_iter().find(|s| !tariffs.iter().any(|t| t.service == *s)) {
            return Err(TariffLoadError { file: format!("{}.toml", missing.id()), key: "(file)".into(), reason: "no tariff for this service".into() });
        }
        Ok(Tariffs { tariffs })
    }

    pub fn get(&self, service: Service) -> Option<&Tariff> {
        self.tariffs.iter().find(|t| t.service == service)
    }
}

/// Parses one tariff file's text into a validated tariff.
pub fn parse(text: &str) -> Result<Tariff, TariffError> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| TariffError::new("(syntax)", e.to_string().trim().replace('\n', " ")))?;
    let file: TariffFile = serde_path_to_error::deserialize(table).map_err(|e| {
        let key = e.path().to_string();
        TariffError::new(if key == "." { "(top level)".to_string() } else { key }, e.into_inner().to_string())
    })?;
    let tariff = file.into_tariff()?;
    tariff.validate()?;
    Ok(tariff)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TariffFile {
    id: String,
    name: String,
    version: String,
    effective_from: String,
    #[serde(default)]
    sample_prices: bool,
    calendar: CalendarDto,
    tax: TaxDto,
    pause: Option<PauseDto>,
    exchange: Option<ExchangeDto>,
    cooling_off: Option<CoolingOffDto>,
    plans: Option<Vec<PlanDto>>,
    renewal: Option<RenewalDto>,
    registration: Option<RegistrationDto>,
    server_fees: Option<ServerFeesDto>,
    models: Option<Vec<ModelDto>>,
    non_return: Option<NonReturnDto>,
    password: Option<PasswordDto>,
    np_terms: Option<Vec<NpTermDto>>,
    points: Option<DaysDto>,
    estimate: Option<DaysDto>,
    invoice: Option<InvoiceDto>,
    history: Option<HistoryDto>,
    dealer_change: Option<DealerChangeDto>,
    shipping: Option<ShippingDto>,
    billing: Option<BillingDto>,
    cancellation: Option<AllwatchCancellationDto>,
    prices: Option<PricesDto>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarDto {
    closure: Option<[String; 2]>,
    cutoff: String,
    lead_business_days: u32,
    lead_business_days_hokkaido: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxDto {
    standard_percent: String,
    reduced_percent: String,
    rounding: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeeDto {
    label: String,
    yen: String,
    tax: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PauseDto {
    fee: FeeDto,
    fee_after_month_ends: Vec<u32>,
    forced_after_month: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExchangeDto {
    label: String,
    tax: String,
    models: Vec<ExchangeModelDto>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExchangeModelDto {
    id: String,
    label: String,
    fee_by_years: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CoolingOffDto {
    days: u32,
    channels: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanDto {
    id: String,
    label: String,
    term_months: u32,
    cancellation_fee: FeeDto,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RenewalDto {
    window_months: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistrationDto {
    fee: FeeDto,
    minimum_age: u32,
    service_countries: Vec<String>,
    excluded_prefectures: Vec<ExcludedPrefectureDto>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExcludedPrefectureDto {
    name: String,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerFeesDto {
    returned_label: String,
    change_label: String,
    exchange_label: String,
    tax: String,
    returned_water: FeeDto,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelDto {
    id: String,
    label: String,
    returned_delivery_fee: String,
    change_fee: String,
    exchange_fee: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NonReturnDto {
    compensation: FeeDto,
    return_days: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordDto {
    min_length: u32,
    max_length: u32,
    max_run: u32,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ClosingDto {
    Day(u32),
    Named(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NpTermDto {
    id: String,
    label: String,
    closing: ClosingDto,
    due_months_after: u32,
    guest_allowed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DaysDto {
    valid_days: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InvoiceDto {
    months_after_shipment: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryDto {
    business_days_after_shipment: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DealerChangeDto {
    effective_months: [u32; 2],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShippingDto {
    order_cutoff: String,
    business_days: u32,
    no_shipping_on_last_business_day: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BillingDto {
    invoice_business_day: u32,
    cycles: Vec<CycleDto>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CycleDto {
    id: String,
    label: String,
    billing_months: Vec<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AllwatchCancellationDto {
    cutoff_day: u32,
    refund_label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PricesDto {
    terminal: FeeDto,
    registration_fee: FeeDto,
    monthly_fee: FeeDto,
}

fn date(key: &str, text: &str) -> Result<NaiveDate, TariffError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| TariffError::new(key, format!("'{text}' is not a date YYYY-MM-DD")))
}

fn clock_time(key: &str, text: &str) -> Result<NaiveTime, TariffError> {
    NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| TariffError::new(key, format!("'{text}' is not a time HH:MM")))
}

fn yen(key: &str, text: &str) -> Result<Yen, TariffError> {
    Yen::parse(text).map_err(|e| TariffError::new(key, format!("'{text}' {e}")))
}

fn tax(key: &str, text: &str) -> Result<TaxCategory, TariffError> {
    TaxCategory::from_code(text).ok_or_else(|| TariffError::new(key, format!("'{text}' is not standard, reduced or non_taxable")))
}

fn fee(key: &str, dto: FeeDto) -> Result<Fee, TariffError> {
    Ok(Fee { amount: yen(&format!("{key}.yen"), &dto.yen)?, tax: tax(&format!("{key}.tax"), &dto.tax)?, label: dto.label })
}

fn month_day(key: &str, text: &str) -> Result<MonthDay, TariffError> {
    let bad = || TariffError::new(key, format!("'{text}' is not a day of the year MM-DD"));
    let (m, d) = text.split_once('-').ok_or_else(bad)?;
    let (month, day) = (m.parse::<u32>().map_err(|_| bad())?, d.parse::<u32>().map_err(|_| bad())?);
    NaiveDate::from_ymd_opt(2000, month, day).ok_or_else(bad)?;
    Ok(MonthDay { month, day })
}

/// Takes a section the service needs, or says it is missing.
fn section<T>(key: &str, value: Option<T>) -> Result<T, TariffError> {
    value.ok_or_else(|| TariffError::new(key, "missing section"))
}

fn percent(key: &str, text: &str) -> Result<Decimal, TariffError> {
    text.parse::<Decimal>()
        .ok()
        .filter(|p| *p >= Decimal::ZERO && *p <= Decimal::ONE_HUNDRED)
        .ok_or_else(|| TariffError::new(key, format!("'{text}' is not a percent between 0 and 100")))
}

/// The sections each service's tariff has; any other section is refused, so a key put in
/// the wrong file is caught rather than ignored.
fn sections(service: Service) -> &'static [&'static str] {
    match service {
        Service::Alwater => &["pause", "exchange", "cooling_off"],
        Service::PlusAqua => &["pause", "plans", "renewal", "registration", "server_fees", "models", "non_return"],
        Service::AmanoShop => &["password", "np_terms", "points", "estimate"],
        Service::Kaunet => &["invoice", "history", "dealer_change"],
        Service::Allwatch => &["shipping", "billing", "cancellation", "prices"],
    }
}

impl TariffFile {
    fn present_sections(&self) -> Vec<&'static str> {
        let present = [
            ("pause", self.pause.is_some()),
            ("exchange", self.exchange.is_some()),
            ("cooling_off", self.cooling_off.is_some()),
            ("plans", self.plans.is_some()),
            ("renewal", self.renewal.is_some()),
            ("registration", self.registration.is_some()),
            ("server_fees", self.server_fees.is_some()),
            ("models", self.models.is_some()),
            ("non_return", self.non_return.is_some()),
            ("password", self.password.is_some()),
            ("np_terms", self.np_terms.is_some()),
            ("points", self.points.is_some()),
            ("estimate", self.estimate.is_some()),
            ("invoice", self.invoice.is_some()),
            ("history", self.history.is_some()),
            ("dealer_change", self.dealer_change.is_some()),
            ("shipping", self.shipping.is_some()),
            ("billing", self.billing.is_some()),
            ("cancellation", self.cancellation.is_some()),
            ("prices", self.prices.is_some()),
        ];
        present.into_iter().filter(|(_, p)| *p).map(|(k, _)| k).collect()
    }

    fn into_tariff(self) -> Result<Tariff, TariffError> {
        let service = Service::from_id(&self.id).ok_or_else(|| TariffError::new("id", format!("unknown service '{}'", self.id)))?;
        if let Some(extra) = self.present_sections().into_iter().find(|s| !sections(service).contains(s)) {
            return Err(TariffError::new(extra, format!("not a section of the {} tariff", service.id())));
        }
        let closure = match &self.calendar.closure {
            Some([from, to]) => Some(Closure { from: month_day("calendar.closure", from)?, to: month_day("calendar.closure", to)? }),
            None => None,
        };
        let tax = TaxPolicy {
            standard_percent: percent("tax.standard_percent", &self.tax.standard_percent)?,
            reduced_percent: percent("tax.reduced_percent", &self.tax.reduced_percent)?,
            rounding: Rounding::from_code(&self.tax.rounding)
                .ok_or_else(|| TariffError::new("tax.rounding", format!("'{}' is not down, up or half_up", self.tax.rounding)))?,
        };
        let effective_from = date("effective_from", &self.effective_from)?;
        let cutoff = clock_time("calendar.cutoff", &self.calendar.cutoff)?;
        let lead = LeadTime { business_days: self.calendar.lead_business_days, hokkaido_business_days: self.calendar.lead_business_days_hokkaido };
        let (name, version, sample_prices) = (self.name.clone(), self.version.clone(), self.sample_prices);
        let calendar = BusinessCalendar::new(closure);
        let rules = self.into_rules(service)?;
        Ok(Tariff { service, name, version, effective_from, sample_prices, calendar, cutoff, lead, tax, rules })
    }

    fn into_rules(self, service: Service) -> Result<Rules, TariffError> {
        Ok(match service {
            Service::Alwater => {
                let exchange = section("exchange", self.exchange)?;
                let cooling_off = section("cooling_off", self.cooling_off)?;
                let mut models = Vec::new();
                for (i, m) in exchange.models.into_iter().enumerate() {
                    let fees =
                        m.fee_by_years.iter().enumerate().map(|(j, f)| yen(&format!("exchange.models[{i}].fee_by_years[{j}]"), f)).collect::<Result<_, _>>()?;
                    models.push(ExchangeModel { id: m.id, label: m.label, fee_by_years: fees });
                }
                Rules::Alwater(AlwaterRules {
                    pause: pause(section("pause", self.pause)?)?,
                    exchange_tax: tax("exchange.tax", &exchange.tax)?,
                    exchange_label: exchange.label,
                    exchange_models: models,
                    cooling_off_days: cooling_off.days,
                    cooling_off_channels: cooling_off.channels,
                })
            }
            Service::PlusAqua => {
                let registration = section("registration", self.registration)?;
                let server_fees = section("server_fees", self.server_fees)?;
                let non_return = section("non_return", self.non_return)?;
                let mut plans = Vec::new();
                for (i, p) in section("plans", self.plans)?.into_iter().enumerate() {
                    plans.push(Plan {
                        cancellation_fee: fee(&format!("plans[{i}].cancellation_fee"), p.cancellation_fee)?,
                        id: p.id,
                        label: p.label,
                        term_months: p.term_months,
                    });
                }
                let mut models = Vec::new();
                for (i, m) in section("models", self.models)?.into_iter().enumerate() {
                    models.push(ServerModel {
                        returned_delivery_fee: yen(&format!("models[{i}].returned_delivery_fee"), &m.returned_delivery_fee)?,
                        change_fee: yen(&format!("models[{i}].change_fee"), &m.change_fee)?,
                        exchange_fee: yen(&format!("models[{i}].exchange_fee"), &m.exchange_fee)?,
                        id: m.id,
                        label: m.label,
                    });
                }
                Rules::PlusAqua(PlusAquaRules {
                    pause: pause(section("pause", self.pause)?)?,
                    plans,
                    renewal_window_months: section("renewal", self.renewal)?.window_months,
                    registration_fee: fee("registration.fee", registration.fee)?,
                    minimum_age: registration.minimum_age,
                    excluded_prefectures: registration
                        .excluded_prefectures
                        .into_iter()
                        .map(|p| ExcludedPrefecture { name: p.name, reason: p.reason })
                        .collect(),
                    service_countries: registration.service_countries,
                    models,
                    returned_water_fee: fee("server_fees.returned_water", server_fees.returned_water)?,
                    server_fee_tax: tax("server_fees.tax", &server_fees.tax)?,
                    returned_server_label: server_fees.returned_label,
                    change_label: server_fees.change_label,
                    exchange_label: server_fees.exchange_label,
                    product_compensation: fee("non_return.compensation", non_return.compensation)?,
                    return_days: non_return.return_days,
                })
            }
            Service::AmanoShop => {
                let password = section("password", self.password)?;
                let mut terms = Vec::new();
                for (i, t) in section("np_terms", self.np_terms)?.into_iter().enumerate() {
                    let closing = match t.closing {
                        ClosingDto::Day(day) => Closing::Day(day),
                        ClosingDto::Named(name) if name == "month_end" => Closing::MonthEnd,
                        ClosingDto::Named(name) => {
                            return Err(TariffError::new(format!("np_terms[{i}].closing"), format!("'{name}' is not month_end or a day number")));
                        }
                    };
                    terms.push(NpTerm { id: t.id, label: t.label, closing, due_months_after: t.due_months_after, guest_allowed: t.guest_allowed });
                }
                Rules::AmanoShop(AmanoShopRules {
                    password_min: password.min_length,
                    password_max: password.max_length,
                    password_max_run: password.max_run,
                    np_terms: terms,
                    points_valid_days: section("points", self.points)?.valid_days,
                    estimate_valid_days: section("estimate", self.estimate)?.valid_days,
                })
            }
            Service::Kaunet => {
                let [earliest, latest] = section("dealer_change", self.dealer_change)?.effective_months;
                Rules::Kaunet(KaunetRules {
                    invoice_months_after_shipment: section("invoice", self.invoice)?.months_after_shipment,
                    history_business_days: section("history", self.history)?.business_days_after_shipment,
                    dealer_change_months: (earliest, latest),
                })
            }
            Service::Allwatch => {
                let shipping = section("shipping", self.shipping)?;
                let billing = section("billing", self.billing)?;
                let cancellation = section("cancellation", self.cancellation)?;
                let prices = section("prices", self.prices)?;
                Rules::Allwatch(AllwatchRules {
                    order_cutoff: clock_time("shipping.order_cutoff", &shipping.order_cutoff)?,
                    ship_business_days: shipping.business_days,
                    no_shipping_on_last_business_day: shipping.no_shipping_on_last_business_day,
                    invoice_business_day: billing.invoice_business_day,
                    cancellation_cutoff_day: cancellation.cutoff_day,
                    cycles: billing.cycles.into_iter().map(|c| BillingCycle { id: c.id, label: c.label, billing_months: c.billing_months }).collect(),
                    terminal: fee("prices.terminal", prices.terminal)?,
                    registration_fee: fee("prices.registration_fee", prices.registration_fee)?,
                    monthly_fee: fee("prices.monthly_fee", prices.monthly_fee)?,
                    refund_label: cancellation.refund_label,
                })
            }
        })
    }
}

fn pause(dto: PauseDto) -> Result<PauseRules, TariffError> {
    Ok(PauseRules { fee: fee("pause.fee", dto.fee)?, fee_after_month_ends: dto.fee_after_month_ends, forced_after_month: dto.forced_after_month })
}

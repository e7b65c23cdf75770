//! A customer's own fields as they are stored, each checked by one rule wherever its value
//! comes from: typed in the app or the CLI (an edit), a CSV row (the import), or another
//! installation's change (a bundle or the hub).

use chrono::{Datelike, NaiveDate};

use crate::prefecture::Prefecture;
use crate::tariff::Service;
use crate::text::{is_kana, postal_digits};

/// No customer was born before this year (HC: a typo guard, as 19xx/20xx dates are typed).
const FIRST_BIRTH_YEAR: i32 = 1900;

/// フリガナ: kana only (カタカナ or ひらがな, spaces between the parts).
pub fn check_name_kana(text: &str) -> Result<(), String> {
    if is_kana(text) { Ok(()) } else { Err(format!("'{text}' is not kana (カタカナ or ひらがな)")) }
}

/// A prefecture, written in full.
pub fn check_prefecture(text: &str) -> Result<Prefecture, String> {
    Prefecture::from_name(text).ok_or_else(|| format!("'{text}' is not a prefecture (write it in full: 東京都, 北海道, 大阪府…)"))
}

/// A postal code of 7 digits, in any width, with or without its hyphen; the digits are stored.
pub fn check_postal_code(text: &str) -> Result<String, String> {
    postal_digits(text).ok_or_else(|| format!("'{text}' is not a postal code of 7 digits"))
}

/// A birth date from 1900 to today.
pub fn check_birth_date(date: NaiveDate, today: NaiveDate) -> Result<(), String> {
    if date.year() < FIRST_BIRTH_YEAR {
        return Err(format!("'{date}' is before {FIRST_BIRTH_YEAR}"));
    }
    if date > today {
        return Err(format!("'{date}' is after today ({today})"));
    }
    Ok(())
}

/// The account fields only some services have (every service has the others): plus-aqua's
/// plan (seed 004), the water servers' model, count and deliveries (000, 004; allwatch's
/// terminals start with a delivery too, 003), kaunet's dealer and monthly limit (002),
/// allwatch's billing cycle, prepaid month and terminals (003), the shop's NP terms (001).
pub const SERVICE_FIELDS: [(&str, &[Service]); 11] = [
    ("plan", &[Service::PlusAqua]),
    ("server_model", &[Service::Alwater, Service::PlusAqua]),
    ("servers", &[Service::Alwater, Service::PlusAqua]),
    ("last_shipment", &[Service::Alwater, Service::PlusAqua]),
    ("first_delivery", &[Service::Alwater, Service::PlusAqua, Service::Allwatch]),
    ("dealer", &[Service::Kaunet]),
    ("monthly_limit", &[Service::Kaunet]),
    ("billing_cycle", &[Service::Allwatch]),
    ("paid_through", &[Service::Allwatch]),
    ("terminals", &[Service::Allwatch]),
    ("np_terms", &[Service::AmanoShop]),
];

/// Whether `service`'s accounts have `field`.
pub fn account_has(service: Service, field: &str) -> bool {
    SERVICE_FIELDS.iter().find(|(name, _)| *name == field).is_none_or(|(_, services)| services.contains(&service))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
    }

    #[test]
    fn each_field_is_checked_by_one_rule() {
        assert!(check_name_kana("ヤマダ タロウ").is_ok());
        assert!(check_name_kana("やまだ").is_ok());
        assert!(check_name_kana("山田").is_err());
        assert_eq!(check_prefecture("東京都"), Ok(Prefecture::TOKYO));
        assert!(check_prefecture("東京").is_err());
        assert_eq!(check_postal_code("１００－０００１").as_deref(), Ok("1000001"));
        assert!(check_postal_code("12345").is_err());
    }

    #[test]
    fn a_birth_date_is_from_1900_to_today() {
        let today = day("2026-12-07");
        let cases = [("1899-12-31", false), ("1900-01-01", true), ("2026-12-07", true), ("2026-12-08", false), ("2027-01-01", false)];
        for (date, good) in cases {
            assert_eq!(check_birth_date(day(date), today).is_ok(), good, "{date}");
        }
    }

    #[test]
    fn only_some_services_have_some_account_fields() {
        assert!(account_has(Service::PlusAqua, "plan"));
        assert!(!account_has(Service::Alwater, "plan"));
        assert!(account_has(Service::Kaunet, "dealer"));
        assert!(!account_has(Service::AmanoShop, "terminals"));
        assert!(account_has(Service::AmanoShop, "customer_number"), "a field every service has");
    }
}

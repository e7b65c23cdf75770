//! The tariff files load and validate; a broken one is an error naming the file and the key.

use std::path::{Path, PathBuf};

use madoguchi_api::tariffs::Tariffs;
use madoguchi_domain::tariff::Service;

fn assets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/tariffs")
}

fn sources_with(file: &str, from: &str, to: &str) -> Vec<(String, String)> {
    Service::ALL
        .iter()
        .map(|s| {
            let name = format!("{}.toml", s.id());
            let text = std::fs::read_to_string(assets().join(&name)).expect("tariff file");
            if name == file {
                assert!(text.contains(from), "{file} contains {from:?}");
                (name, text.replacen(from, to, 1))
            } else {
                (name, text)
            }
        })
        .collect()
}

#[test]
fn the_embedded_and_the_folder_tariffs_load_and_agree() {
    let embedded = Tariffs::embedded().expect("the built-in tariffs are valid");
    let folder = Tariffs::from_dir(&assets()).expect("the asset folder is valid");
    for service in Service::ALL {
        let (a, b) = (embedded.get(service).expect("embedded"), folder.get(service).expect("folder"));
        assert_eq!(a, b, "{} is the same both ways", service.id());
    }
}

#[test]
fn a_broken_tariff_names_its_file_and_key() {
    // (file, text to replace, replacement, what the error must name)
    let cases = [
        ("alwater.toml", r#"yen = "1100""#, r#"yen = "1,100""#, "pause.fee.yen"),
        ("alwater.toml", r#"yen = "1100""#, r#"yen = 1100"#, "pause.fee.yen"),
        ("alwater.toml", "forced_after_month = 4", "forced_after_month = 1", "pause.fee_after_month_ends"),
        ("alwater.toml", r#"closure = ["12-29", "01-03"]"#, r#"closure = ["12-29", "02-30"]"#, "calendar.closure"),
        ("alwater.toml", r#"closure = ["12-29", "01-03"]"#, r#"closure = ["12-01", "01-31"]"#, "calendar.closure"),
        ("alwater.toml", r#"cutoff = "18:00""#, r#"cutoff = "6pm""#, "calendar.cutoff"),
        ("alwater.toml", "[cooling_off]", "[cooling_of]", "cooling_of"),
        ("plus-aqua.toml", r#"tax = "non_taxable""#, r#"tax = "exempt""#, "plans[0].cancellation_fee.tax"),
        ("plus-aqua.toml", "term_months = 12", "term_months = 0", "plans.basic.term_months"),
        ("plus-aqua.toml", r#"id = "zutto""#, r#"id = "basic""#, "plans"),
        ("plus-aqua.toml", r#"name = "沖縄県""#, r#"name = "沖縄""#, "registration.excluded_prefectures"),
        ("amano-shop.toml", r#"closing = 20"#, r#"closing = "twentieth""#, "np_terms[1].closing"),
        ("amano-shop.toml", "max_length = 20", "max_length = 3", "password.max_length"),
        ("kaunet.toml", "effective_months = [1, 2]", "effective_months = [2, 1]", "dealer_change.effective_months"),
        ("allwatch.toml", "billing_months = [1, 7]", "billing_months = [7, 1]", "cycles.6m.billing_months"),
        ("allwatch.toml", r#"rounding = "down""#, r#"rounding = "banker""#, "tax.rounding"),
        ("allwatch.toml", r#"effective_from = "2019-10-01""#, r#"effective_from = "2019-13-01""#, "effective_from"),
        ("kaunet.toml", "[invoice]", "[pause]\nfee_after_month_ends = [2]\n[invoice]", "pause"),
        ("kaunet.toml", r#"id = "kaunet""#, r#"id = "kaunett""#, "id"),
        ("kaunet.toml", "version = ", "versio = ", "versio"),
    ];
    for (file, from, to, key) in cases {
        let error = Tariffs::from_sources(sources_with(file, from, to)).expect_err(&format!("{file}: {from} → {to} must be refused"));
        let message = error.to_string();
        assert_eq!(error.file, file, "{message}");
        assert!(error.key.contains(key), "{file}: {from} → {to}: the error names {key}: {message}");
    }
}

#[test]
fn every_service_needs_exactly_one_tariff() {
    let mut sources = sources_with("kaunet.toml", "", "");
    sources.retain(|(name, _)| name != "kaunet.toml");
    assert_eq!(Tariffs::from_sources(sources.clone()).expect_err("kaunet is missing").file, "kaunet.toml");
    sources.push(sources[0].clone());
    sources.push(("kaunet.toml".into(), std::fs::read_to_string(assets().join("kaunet.toml")).expect("kaunet")));
    assert_eq!(Tariffs::from_sources(sources).expect_err("alwater twice").key, "id");
}

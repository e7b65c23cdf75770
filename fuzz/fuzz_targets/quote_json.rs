//! Fuzz target `quote_json`: the properties are `madoguchi_fuzz_cases::quote_json` (crates/fuzz-cases).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| madoguchi_fuzz_cases::quote_json(data));

//! Fuzz target `card_detection`: the properties are `madoguchi_fuzz_cases::card_detection` (crates/fuzz-cases).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| madoguchi_fuzz_cases::card_detection(data));

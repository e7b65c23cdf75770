//! Fuzz target `bundle_import`: the properties are `madoguchi_fuzz_cases::bundle_import` (crates/fuzz-cases).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| madoguchi_fuzz_cases::bundle_import(data));

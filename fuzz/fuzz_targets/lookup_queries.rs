//! Fuzz target `lookup_queries`: the properties are `madoguchi_fuzz_cases::lookup_queries` (crates/fuzz-cases).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| madoguchi_fuzz_cases::lookup_queries(data));

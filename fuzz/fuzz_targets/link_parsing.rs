//! Fuzz target `link_parsing`: the properties are `madoguchi_fuzz_cases::link_parsing` (crates/fuzz-cases).

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| madoguchi_fuzz_cases::link_parsing(data));

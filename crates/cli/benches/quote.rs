//! Criterion benchmarks of one quote, in process and as a whole `madoguchi quote` process.
fn main() {}

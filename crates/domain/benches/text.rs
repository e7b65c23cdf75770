//! Criterion: the card-number scan over a 1 MB field (`"3 "` repeated, the old scan's
//! quadratic case, and random text of digits, separators, kana and letters); it must stay
//! linear: under 10 ms a field.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use madoguchi_domain::text::{FreeText, contains_card_number};

const MB: usize = 1 << 20;

/// Random text of about `bytes` bytes drawn from what agents type around numbers (SplitMix64,
/// fixed seed, so every run scans the same text).
fn mixed(bytes: usize) -> String {
    const CHARS: [char; 24] =
        ['1', '4', '7', '0', '３', '８', ' ', '　', '-', 'ー', 'ｰ', '−', '/', '.', '、', '・', 'あ', 'カ', '番', 'E', 'C', 'x', '円', '\n'];
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut text = String::with_capacity(bytes + 4);
    while text.len() < bytes {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        text.push(CHARS[(z % CHARS.len() as u64) as usize]);
    }
    text
}

fn bench(c: &mut Criterion) {
    let threes = "3 ".repeat(MB / 2);
    let random = mixed(MB);
    let mut group = c.benchmark_group("card_scan_1mb");
    group.throughput(Throughput::Bytes(MB as u64));
    group.bench_function("threes_and_spaces", |b| b.iter(|| contains_card_number(black_box(&threes))));
    group.bench_function("mixed_japanese", |b| b.iter(|| contains_card_number(black_box(&random))));
    group.bench_function("free_text_new_threes", |b| b.iter(|| FreeText::new("note", black_box(&threes), MB).is_ok()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

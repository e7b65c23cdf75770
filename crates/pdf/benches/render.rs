//! Criterion: rendering a one-page receipt and a three-page invoice in process (font parsed
//! once, as the app and the CLI do), with the PDF sizes printed beside.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use madoguchi_domain::document::ReceiptContent;
use madoguchi_domain::money::{PriceBasis, Rounding, TaxCategory, TaxPolicy, Yen};
use madoguchi_pdf::{Body, Document, FontData, Issuer, ItemLine, Party, Totals, render};
use rust_decimal::Decimal;

fn totals(lines: &[ItemLine]) -> Totals {
    let policy = TaxPolicy { standard_percent: Decimal::from(10), reduced_percent: Decimal::from(8), rounding: Rounding::Down };
    Totals { per_rate: policy.totals(lines.iter().map(|l| (l.tax, l.amount)), PriceBasis::TaxIncluded), total: lines.iter().map(|l| l.amount).sum() }
}

fn document(lines: usize, receipt: bool) -> Document {
    let items: Vec<ItemLine> = (0..lines)
        .map(|i| {
            let unit = Yen::new(1650 + i as i64);
            ItemLine {
                name: format!("タイムカード（100枚入）品番{i:03}"),
                quantity: 2,
                unit,
                amount: unit.times(2),
                tax: if i % 4 == 0 { TaxCategory::Reduced } else { TaxCategory::Standard },
            }
        })
        .collect();
    let day = NaiveDate::from_ymd_opt(2026, 11, 21).expect("date");
    let body = if receipt {
        Body::Receipt {
            order_number: "EC0000012347".into(),
            transaction_date: day,
            content: ReceiptContent::Named { name: "事務用品".into(), reduced: false },
            totals: totals(&items),
            lines: items,
            payment_statement: "クレジットカード決済".into(),
            stamp_duty: None,
        }
    } else {
        Body::Invoice {
            order_number: "EC0000012346".into(),
            ordered_on: Some(day),
            transaction_date: day,
            totals: totals(&items),
            lines: items,
            notes: vec!["本請求書は簡易版のため、振込先銀行口座の記載はございません。".into()],
        }
    };
    Document {
        number: "RC-TEST-000001".into(),
        issued_on: day,
        reissue: false,
        issuer: Issuer {
            name: "アマノ株式会社".into(),
            postal_code: "222-8558".into(),
            address: "神奈川県横浜市港北区大豆戸町275".into(),
            phone: "045-401-1441".into(),
            fax: None,
            registration_number: Some("T7000012050002".into()),
            seal_png: None,
        },
        recipient: Party {
            name: "髙橋　美咲".into(),
            honorific: "様".into(),
            postal_code: Some("060-0001".into()),
            address: Some("北海道札幌市中央区北1条西2丁目".into()),
        },
        body,
    }
}

fn bench(c: &mut Criterion) {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/fonts/NotoSansJP-Regular.ttf")).expect("font");
    let font = FontData::from_bytes(&bytes).expect("font parses");
    let receipt = document(2, true);
    let invoice = document(75, false);
    println!("receipt: {} bytes; 75-line invoice: {} bytes", render(&receipt, &font).expect("pdf").pdf.len(), render(&invoice, &font).expect("pdf").pdf.len());
    c.bench_function("render one-page receipt", |b| b.iter(|| render(black_box(&receipt), &font).expect("pdf")));
    c.bench_function("render 75-line invoice (3 pages)", |b| b.iter(|| render(black_box(&invoice), &font).expect("pdf")));
    c.bench_function("parse the bundled font", |b| b.iter(|| FontData::from_bytes(black_box(&bytes)).expect("font")));
}

criterion_group!(benches, bench);
criterion_main!(benches);

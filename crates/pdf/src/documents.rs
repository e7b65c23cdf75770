//! The layouts of the seven documents. A4 (210 × 297 mm) unless said; the cooling-off notice
//! is a postcard (100 × 148 mm) with an address side and a message side.

use madoguchi_domain::calendar::{seireki, wareki};
use madoguchi_domain::document::{POSTAL_FRAME_LINE, POSTAL_FRAME_SIZE, POSTAL_FRAME_TOP, PostcardStock, ReceiptContent, postal_frames};
use madoguchi_domain::money::{RateTotal, TaxCategory, Yen};

use crate::canvas::{Canvas, Font, Ink};
use crate::model::{Body, Document, Issuer, ItemLine, Party, Totals};

const A4: (f32, f32) = (210.0, 297.0);
const POSTCARD: (f32, f32) = (100.0, 148.0);
const LEFT: f32 = 15.0;
const RIGHT: f32 = 195.0;
/// Lowest y a table row may reach before the page breaks.
const BOTTOM: f32 = 270.0;
const ROW: f32 = 7.0;
/// The smallest type an item name is shrunk to on one line, and the type of a two-line name.
const MIN_ITEM_SIZE: f32 = 7.0;
const TWO_LINE_SIZE: f32 = 6.5;

/// The seal image, added to the PDF once: its id and pixel size.
pub struct Seal {
    pub id: printpdf::XObjectId,
    pub pixels: (usize, usize),
}

pub fn yen(amount: Yen) -> String {
    format!("¥{}", amount.grouped())
}

/// A date as customers expect it: 2026年11月21日（令和8年11月21日）.
fn both_calendars(date: chrono::NaiveDate) -> String {
    match wareki(date) {
        Some(era) => format!("{}（{era}）", seireki(date)),
        None => seireki(date),
    }
}

fn rate_label(total: &RateTotal) -> String {
    match total.category {
        TaxCategory::NonTaxable => "不課税".to_string(),
        TaxCategory::Reduced => format!("{}%対象（軽減税率）", total.percent),
        TaxCategory::Standard => format!("{}%対象", total.percent),
    }
}

/// Lays out every page of the document.
pub fn pages(doc: &Document, font: &Font, seal: Option<&Seal>) -> Vec<printpdf::PdfPage> {
    match &doc.body {
        Body::Estimate { valid_until, lines, totals, notes } => {
            let mut summary = vec![("有効期限".to_string(), both_calendars(*valid_until))];
            summary.push(("御見積金額（税込）".to_string(), yen(totals.total)));
            table_document(doc, font, seal, &summary, lines, Some(totals), notes)
        }
        Body::DeliveryNote { order_number, ship_date, lines } => {
            let summary = vec![("ご注文番号".to_string(), order_number.clone()), ("出荷日".to_string(), both_calendars(*ship_date))];
            let notes = vec!["下記の通り納品いたしました。".to_string()];
            table_document(doc, font, seal, &summary, lines, None, &notes)
        }
        Body::Invoice { order_number, ordered_on, transaction_date, lines, totals, notes } => {
            let mut summary = vec![("ご注文番号".to_string(), order_number.clone())];
            if let Some(ordered_on) = ordered_on {
                summary.push(("ご注文日".to_string(), both_calendars(*ordered_on)));
            }
            summary.push(("取引年月日（出荷日）".to_string(), both_calendars(*transaction_date)));
            summary.push(("ご請求金額（税込）".to_string(), yen(totals.total)));
            table_document(doc, font, seal, &summary, lines, Some(totals), notes)
        }
        Body::Receipt { .. } => vec![receipt(doc, font, seal)],
        Body::CoolingOff { .. } => cooling_off(doc, font),
        Body::RefundClaim { .. } => vec![refund_claim(doc, font)],
        Body::DealerChangeFax { .. } => vec![dealer_change_fax(doc, font, seal)],
    }
}

/// Title, 再発行 mark, number, date and page count at the top of a page.
fn header(c: &mut Canvas, doc: &Document, page: usize, pages: usize) {
    // Short titles are letter-spaced (領 収 書), as Japanese forms set them.
    let title = doc.title();
    let shown = if title.chars().count() <= 5 { title.chars().map(String::from).collect::<Vec<_>>().join(" ") } else { title.to_string() };
    c.text_center(A4.0 / 2.0, 29.0, 20.0, &shown);
    if doc.reissue {
        c.rect(LEFT, 11.0, 22.0, 10.0, 1.0);
        c.text_center(LEFT + 11.0, 18.0, 12.0, "再発行");
    }
    c.text_right(RIGHT, 11.0, 9.0, &format!("No. {}", doc.number));
    c.text_right(RIGHT, 16.0, 9.0, &format!("発行日 {}", both_calendars(doc.issued_on)));
    if pages > 1 {
        c.text_right(RIGHT, 21.0, 9.0, &format!("{page} / {pages} ページ"));
    }
}

/// The addressee (left) and the issuer with registration number and seal (right); returns
/// the y below them.
fn parties(c: &mut Canvas, recipient: &Party, issuer: &Issuer, seal: Option<&Seal>, top: f32) -> f32 {
    let mut y = top;
    if let Some(postal) = &recipient.postal_code {
        c.text(LEFT, y, 9.0, &format!("〒{postal}"));
        y += 5.0;
    }
    if let Some(address) = &recipient.address {
        y = c.paragraph(LEFT, y, 9.0, 95.0, address);
    }
    y += 4.0;
    let addressee = format!("{}　{}", recipient.name, recipient.honorific);
    c.text(LEFT, y, 14.0, &addressee);
    c.line(LEFT, y + 1.5, LEFT + 100.0, y + 1.5, 0.8);

    let x = 122.0;
    let mut iy = top;
    c.text(x, iy, 11.0, &issuer.name);
    if let Some(seal) = seal {
        c.image(&seal.id, seal.pixels, RIGHT - 20.0, iy - 8.0, 18.0);
    }
    iy += 5.5;
    for line in [format!("〒{}", issuer.postal_code), issuer.address.clone(), format!("TEL {}", issuer.phone)] {
        iy = c.paragraph(x, iy, 8.5, RIGHT - x, &line);
    }
    if let Some(fax) = &issuer.fax {
        c.text(x, iy, 8.5, &format!("FAX {fax}"));
        iy += 4.5;
    }
    if let Some(number) = &issuer.registration_number {
        c.text(x, iy, 8.5, &format!("登録番号 {number}"));
        iy += 4.5;
    }
    y.max(iy) + 6.0
}

/// Label–value rows under the parties (order number, dates, the amount).
fn summary_rows(c: &mut Canvas, rows: &[(String, String)], top: f32) -> f32 {
    let mut y = top;
    for (label, value) in rows {
        c.text(LEFT, y, 10.0, label);
        c.text(LEFT + 40.0, y, if label.contains("金額") { 14.0 } else { 10.0 }, value);
        y += 7.0;
    }
    y + 2.0
}

/// Column x positions: name, quantity (right edge), unit price (right edge), amount (right edge).
const COLS: (f32, f32, f32, f32) = (LEFT + 2.0, 140.0, 167.0, RIGHT - 2.0);

fn table_header(c: &mut Canvas, y: f32, prices: bool) -> f32 {
    c.shade(LEFT, y, RIGHT - LEFT, ROW);
    c.rect(LEFT, y, RIGHT - LEFT, ROW, 0.5);
    let base = y + 5.0;
    c.text(COLS.0, base, 9.0, "品名");
    c.text_right(COLS.1, base, 9.0, "数量");
    if prices {
        c.text_right(COLS.2, base, 9.0, "単価");
        c.text_right(COLS.3, base, 9.0, "金額");
    }
    y + ROW
}

fn table_row(c: &mut Canvas, y: f32, line: &ItemLine, prices: bool) -> f32 {
    let mark = if line.tax == TaxCategory::Reduced { "※ " } else { "" };
    let base = y + 5.0;
    let name = format!("{mark}{}", line.name);
    let max = COLS.1 - 20.0 - COLS.0;
    // A long name shrinks to fit the row, then takes two smaller lines; it is never cut.
    let width = c.font().width(&name, 9.0);
    let fitted = 9.0 * (max / width).min(1.0);
    if fitted >= MIN_ITEM_SIZE {
        c.text(COLS.0, base, fitted, &name);
    } else {
        // Two lines, the type shrunk further if needed so that the name fits in them.
        let size = TWO_LINE_SIZE * (1.9 * max / c.font().width(&name, TWO_LINE_SIZE)).min(1.0);
        for (i, part) in c.font().wrap(&name, size, max).iter().take(2).enumerate() {
            c.text(COLS.0, y + 3.0 + i as f32 * 2.6, size, part);
        }
    }
    c.text_right(COLS.1, base, 9.0, &line.quantity.to_string());
    if prices {
        c.text_right(COLS.2, base, 9.0, &yen(line.unit));
        c.text_right(COLS.3, base, 9.0, &yen(line.amount));
    }
    c.line(LEFT, y + ROW, RIGHT, y + ROW, 0.3);
    y + ROW
}

/// Totals per tax rate, the tax of each computed once, and the grand total.
fn totals_block(c: &mut Canvas, totals: &Totals, top: f32) -> f32 {
    let mut y = top + 6.0;
    let x = 110.0;
    for rate in &totals.per_rate {
        let tax = if rate.category == TaxCategory::NonTaxable { String::new() } else { format!("（内消費税 {}）", yen(rate.tax)) };
        c.text(x, y, 9.0, &rate_label(rate));
        c.text_right(RIGHT - 2.0, y, 9.0, &format!("{}{tax}", yen(rate.amount)));
        y += 5.5;
    }
    c.line(x, y - 3.0, RIGHT, y - 3.0, 0.5);
    y += 2.0;
    c.text(x, y, 11.0, "合計（税込）");
    c.text_right(RIGHT - 2.0, y, 11.0, &yen(totals.total));
    y + 4.0
}

fn notes_block(c: &mut Canvas, doc_lines: &[ItemLine], notes: &[String], top: f32) -> f32 {
    let mut y = top + 5.0;
    if doc_lines.iter().any(|l| l.tax == TaxCategory::Reduced) {
        y = c.paragraph(LEFT, y, 8.5, RIGHT - LEFT, "※は軽減税率（8%）対象商品です。");
    }
    for note in notes {
        y = c.paragraph(LEFT, y, 8.5, RIGHT - LEFT, &format!("・{note}"));
    }
    y
}

/// Estimate, delivery note and invoice: parties and summary on page 1, then the item table,
/// broken over pages with the header and the table header repeated, then totals and notes.
/// With totals the table shows prices; without (a delivery note), quantities only.
fn table_document(
    doc: &Document,
    font: &Font,
    seal: Option<&Seal>,
    summary: &[(String, String)],
    lines: &[ItemLine],
    totals: Option<&Totals>,
    notes: &[String],
) -> Vec<printpdf::PdfPage> {
    let prices = totals.is_some();
    // Space the totals and notes need after the last row.
    let tail = totals.map_or(0.0, |t| 14.0 + 5.5 * t.per_rate.len() as f32) + 6.0 * (notes.len() as f32 + 1.0) + 6.0;
    // First pass: which rows go on which page.
    let mut first = Canvas::new(font, A4.0, A4.1);
    let table_top = {
        let y = parties(&mut first, &doc.recipient, &doc.issuer, seal, 42.0);
        summary_rows(&mut first, summary, y + 2.0)
    };
    let mut page_rows: Vec<Vec<&ItemLine>> = vec![Vec::new()];
    let mut y = table_top + ROW;
    for line in lines {
        if y + ROW > BOTTOM {
            page_rows.push(Vec::new());
            y = 38.0 + ROW;
        }
        if let Some(rows) = page_rows.last_mut() {
            rows.push(line);
        }
        y += ROW;
    }
    let totals_page = if y + tail > BOTTOM + 15.0 { page_rows.len() + 1 } else { page_rows.len() };
    let count = totals_page.max(page_rows.len());

    let mut pages = Vec::new();
    let mut canvas = Some(first);
    for index in 0..count {
        let mut c = canvas.take().unwrap_or_else(|| Canvas::new(font, A4.0, A4.1));
        header(&mut c, doc, index + 1, count);
        let mut y = if index == 0 { table_top } else { 38.0 };
        if let Some(rows) = page_rows.get(index) {
            y = table_header(&mut c, y, prices);
            for line in rows {
                y = table_row(&mut c, y, line, prices);
            }
        }
        if index + 1 == count {
            if let Some(totals) = totals {
                y = totals_block(&mut c, totals, y);
            }
            notes_block(&mut c, lines, notes, y);
        } else {
            c.text_right(RIGHT, BOTTOM + 8.0, 8.0, "次ページへ続く");
        }
        pages.push(c.finish());
    }
    pages
}

fn receipt(doc: &Document, font: &Font, seal: Option<&Seal>) -> printpdf::PdfPage {
    let Body::Receipt { order_number, transaction_date, content, lines, totals, payment_statement, stamp_duty } = &doc.body else {
        return Canvas::new(font, A4.0, A4.1).finish();
    };
    let mut c = Canvas::new(font, A4.0, A4.1);
    header(&mut c, doc, 1, 1);
    let addressee = format!("{}　{}", doc.recipient.name, doc.recipient.honorific);
    c.text(LEFT, 45.0, 16.0, &addressee);
    c.line(LEFT, 47.0, 120.0, 47.0, 0.8);
    c.shade(40.0, 56.0, 130.0, 18.0);
    c.rect(40.0, 56.0, 130.0, 18.0, 1.0);
    c.text_center(105.0, 68.5, 22.0, &format!("{} −", yen(totals.total)));
    let named = match content {
        ReceiptContent::Named { name, reduced: true } => format!("※ {name}"),
        ReceiptContent::Named { name, reduced: false } => name.clone(),
        ReceiptContent::Listed => "下記お品代".to_string(),
    };
    c.text(40.0, 84.0, 11.0, &format!("但し　{named}として"));
    c.text(40.0, 91.0, 11.0, "上記正に領収いたしました。");
    let mut y = 100.0;
    c.text(40.0, y, 9.0, &format!("取引年月日　{}", both_calendars(*transaction_date)));
    if *content == ReceiptContent::Listed {
        for line in lines {
            y += 5.0;
            let mark = if line.tax == TaxCategory::Reduced { "※ " } else { "" };
            let name = format!("{mark}{}", line.name);
            let size = 9.0 * ((COLS.1 - 20.0 - 46.0) / c.font().width(&name, 9.0)).min(1.0);
            c.text(46.0, y, size.max(MIN_ITEM_SIZE), &name);
            c.text_right(COLS.1, y, 9.0, &format!("{}点", line.quantity));
            c.text_right(170.0, y, 9.0, &yen(line.amount));
        }
    }
    y += 7.0;
    c.text(40.0, y, 9.0, "内訳");
    for rate in &totals.per_rate {
        y += 5.5;
        let tax = if rate.category == TaxCategory::NonTaxable { String::new() } else { format!("　消費税 {}", yen(rate.tax)) };
        c.text(46.0, y, 9.0, &format!("{}　{}{tax}", rate_label(rate), yen(rate.amount)));
    }
    if lines.iter().any(|l| l.tax == TaxCategory::Reduced) {
        y += 5.5;
        c.text(46.0, y, 8.5, "※は軽減税率（8%）対象商品です。");
    }
    y += 7.0;
    c.text(40.0, y, 9.0, &format!("ご注文番号　{order_number}"));
    c.text(40.0, y + 6.0, 10.0, &format!("お支払方法　{payment_statement}"));
    if let Some(duty) = stamp_duty {
        c.rect(LEFT, 56.0, 20.0, 24.0, 0.5);
        c.text_center(LEFT + 10.0, 66.0, 7.0, "収入印紙");
        c.text_center(LEFT + 10.0, 72.0, 7.0, &format!("{}円", duty.grouped()));
    }
    let issuer_top = y + 22.0;
    let x = 122.0;
    c.text(x, issuer_top, 11.0, &doc.issuer.name);
    if let Some(seal) = seal {
        c.image(&seal.id, seal.pixels, RIGHT - 20.0, issuer_top - 8.0, 18.0);
    }
    let mut iy = issuer_top + 5.5;
    for line in [format!("〒{}", doc.issuer.postal_code), doc.issuer.address.clone(), format!("TEL {}", doc.issuer.phone)] {
        iy = c.paragraph(x, iy, 8.5, RIGHT - x, &line);
    }
    if let Some(number) = &doc.issuer.registration_number {
        c.text(x, iy, 8.5, &format!("登録番号 {number}"));
    }
    c.finish()
}

fn cooling_off(doc: &Document, font: &Font) -> Vec<printpdf::PdfPage> {
    let Body::CoolingOff { contract_date, product, amount, seller, sent_on, customer, salesperson, payment, credit_copy, stock } = &doc.body else {
        return Vec::new();
    };
    // Address side: the company, its postal code in the frames, the sender below. On blank
    // stock the app prints 「郵便はがき」 and the frames in vermilion at Japan Post's positions
    // (with the hyphen between the third and fourth); an official postcard has them already.
    let mut a = Canvas::new(font, POSTCARD.0, POSTCARD.1);
    let digits: Vec<char> = seller.postal_code.as_deref().unwrap_or("").chars().filter(char::is_ascii_digit).collect();
    let frames = postal_frames(POSTCARD.0);
    let (w, h) = POSTAL_FRAME_SIZE;
    if *stock == PostcardStock::Blank {
        a.text_center(POSTCARD.0 / 2.0, 8.0, 9.0, "郵 便 は が き");
        let pt = |mm: f32| mm / 25.4 * 72.0;
        let (three, four) = (pt(POSTAL_FRAME_LINE.0), pt(POSTAL_FRAME_LINE.1));
        for (i, x) in frames.into_iter().enumerate() {
            a.rect_in(Ink::Vermilion, x, POSTAL_FRAME_TOP, w, h, if i < 3 { three } else { four });
        }
        let hyphen = frames[2] + w + 0.3;
        a.line_in(Ink::Vermilion, hyphen, POSTAL_FRAME_TOP + h / 2.0, frames[3] - 0.3, POSTAL_FRAME_TOP + h / 2.0, three);
    }
    for (x, d) in frames.iter().zip(&digits) {
        a.text_center(x + w / 2.0, POSTAL_FRAME_TOP + 6.5, 12.0, &d.to_string());
    }
    let mut y = a.paragraph(12.0, 34.0, 11.0, 76.0, seller.address.as_deref().unwrap_or(""));
    y += 8.0;
    y = a.paragraph(12.0, y, 15.0, 76.0, &seller.name);
    a.text(12.0, y + 2.0, 15.0, &format!("　{}", seller.honorific));
    let mut sy = 118.0;
    if let Some(postal) = &customer.postal_code {
        a.text(10.0, sy, 8.0, &format!("〒{postal}"));
        sy += 4.5;
    }
    sy = a.paragraph(10.0, sy, 8.0, 60.0, customer.address.as_deref().unwrap_or(""));
    a.text(10.0, sy + 1.0, 10.0, &customer.name);
    a.text(72.0, 140.0, 7.0, "簡易書留");

    // Message side: the notice.
    let mut m = Canvas::new(font, POSTCARD.0, POSTCARD.1);
    m.text_center(POSTCARD.0 / 2.0, 16.0, 16.0, "通 知 書");
    let mut y = 28.0;
    y = m.paragraph(10.0, y, 10.0, 80.0, "次の契約を解除します。");
    y += 3.0;
    let rows = [
        ("契約年月日", both_calendars(*contract_date)),
        ("商品名", product.clone()),
        ("契約金額", format!("{}円", amount.grouped())),
        ("販売会社", seller.name.clone()),
    ];
    let optional = [("担当者", salesperson.clone()), ("支払方法", payment.map(|p| p.label().to_string()))];
    for (label, value) in rows.into_iter().chain(optional.into_iter().filter_map(|(l, v)| v.map(|v| (l, v)))) {
        m.text(10.0, y, 9.0, label);
        y = m.paragraph(32.0, y, 9.0, 58.0, &value) + 1.0;
    }
    y += 3.0;
    y = m.paragraph(10.0, y, 10.0, 80.0, &format!("支払った代金{}円を返金してください。", amount.grouped()));
    y = m.paragraph(10.0, y, 10.0, 80.0, "また、商品を引き取ってください。");
    if let Some(line) = credit_copy {
        y = m.paragraph(10.0, y + 1.0, 8.5, 80.0, line);
    }
    y += 6.0;
    m.text(10.0, y, 9.0, &format!("発信日　{}", both_calendars(*sent_on)));
    y += 8.0;
    m.text(10.0, y, 9.0, "住所");
    y = m.paragraph(
        22.0,
        y,
        9.0,
        68.0,
        &format!("{}{}", customer.postal_code.as_deref().map(|p| format!("〒{p} ")).unwrap_or_default(), customer.address.as_deref().unwrap_or("")),
    );
    m.text(10.0, y + 2.0, 9.0, "氏名");
    m.text(22.0, y + 2.0, 11.0, &customer.name);
    vec![a.finish(), m.finish()]
}

fn refund_claim(doc: &Document, font: &Font) -> printpdf::PdfPage {
    let Body::RefundClaim { service_name, customer_number, service_end, months, monthly_fee, amount, return_address } = &doc.body else {
        return Canvas::new(font, A4.0, A4.1).finish();
    };
    let mut c = Canvas::new(font, A4.0, A4.1);
    header(&mut c, doc, 1, 1);
    c.text(LEFT, 40.0, 13.0, &format!("{}　御中", doc.issuer.name));
    c.line(LEFT, 41.5, 120.0, 41.5, 0.8);
    let mut y = c.paragraph(LEFT, 50.0, 10.0, RIGHT - LEFT, &format!("{service_name}の解約に伴い、前払いのサービス料について下記の通り返金を請求します。"));
    y += 4.0;
    let months_text = match (months.first(), months.last()) {
        (Some(first), Some(last)) => format!("{}年{}月〜{}年{}月（{}か月）", first.year(), first.month(), last.year(), last.month(), months.len()),
        _ => "なし".to_string(),
    };
    let rows = [
        ("ご契約者", format!("{}　{}", doc.recipient.name, doc.recipient.honorific)),
        ("お客様番号", customer_number.clone()),
        ("サービス終了日", both_calendars(*service_end)),
        ("返金対象月", months_text),
        ("月額料金", yen(*monthly_fee)),
        ("返金額", yen(*amount)),
    ];
    for (label, value) in rows {
        c.rect(LEFT, y, 45.0, 9.0, 0.4);
        c.shade(LEFT, y, 45.0, 9.0);
        c.rect(LEFT + 45.0, y, RIGHT - LEFT - 45.0, 9.0, 0.4);
        c.text(LEFT + 2.0, y + 6.3, 10.0, label);
        c.text(LEFT + 48.0, y + 6.3, if label == "返金額" { 13.0 } else { 10.0 }, &value);
        y += 9.0;
    }
    y += 8.0;
    c.text(LEFT, y, 11.0, "返金先口座（ご記入ください）");
    y += 3.0;
    for label in ["金融機関名", "支店名", "預金種目　　普通 ・ 当座", "口座番号", "口座名義（カナ）"] {
        c.rect(LEFT, y, 45.0, 10.0, 0.4);
        c.shade(LEFT, y, 45.0, 10.0);
        c.rect(LEFT + 45.0, y, RIGHT - LEFT - 45.0, 10.0, 0.4);
        let (head, rest) = label.split_once('　').unwrap_or((label, ""));
        c.text(LEFT + 2.0, y + 6.8, 10.0, head);
        c.text(LEFT + 48.0, y + 6.8, 10.0, rest.trim_start_matches('　'));
        y += 10.0;
    }
    y += 10.0;
    c.text(LEFT, y, 10.0, "記入日　　　　年　　月　　日");
    y += 10.0;
    c.text(LEFT, y, 10.0, "ご住所");
    c.line(LEFT + 18.0, y + 1.5, RIGHT - 30.0, y + 1.5, 0.4);
    y += 12.0;
    c.text(LEFT, y, 10.0, "お名前");
    c.line(LEFT + 18.0, y + 1.5, RIGHT - 30.0, y + 1.5, 0.4);
    c.rect(RIGHT - 22.0, y - 14.0, 20.0, 20.0, 0.6);
    c.text_center(RIGHT - 12.0, y - 2.0, 12.0, "印");
    y += 14.0;
    c.paragraph(LEFT, y, 9.0, RIGHT - LEFT, &format!("ご記入・ご押印のうえ、同封の返信用封筒でご返送ください。\n返送先：{return_address}"));
    c.finish()
}

fn dealer_change_fax(doc: &Document, font: &Font, seal: Option<&Seal>) -> printpdf::PdfPage {
    let Body::DealerChangeFax { customer_number, current_dealer, new_dealer, return_deadline, return_fax, notes } = &doc.body else {
        return Canvas::new(font, A4.0, A4.1).finish();
    };
    let mut c = Canvas::new(font, A4.0, A4.1);
    header(&mut c, doc, 1, 1);
    let mut y = parties(&mut c, &doc.recipient, &doc.issuer, seal, 42.0);
    c.text(LEFT, y, 10.0, &format!("お客様番号　{customer_number}"));
    y += 10.0;
    for (label, value) in [("現在の担当販売店", current_dealer.as_str()), ("変更後の担当販売店", new_dealer.as_str())] {
        c.rect(LEFT, y, 50.0, 10.0, 0.4);
        c.shade(LEFT, y, 50.0, 10.0);
        c.rect(LEFT + 50.0, y, RIGHT - LEFT - 50.0, 10.0, 0.4);
        c.text(LEFT + 2.0, y + 6.8, 10.0, label);
        c.text(LEFT + 53.0, y + 6.8, 11.0, value);
        y += 10.0;
    }
    y += 8.0;
    c.text(LEFT, y, 12.0, &format!("FAX返信期日　{}", both_calendars(*return_deadline)));
    y += 4.0;
    for note in notes {
        y = c.paragraph(LEFT, y + 4.0, 9.0, RIGHT - LEFT, &format!("・{note}")) - 4.0;
    }
    y += 12.0;
    // The reply block the customer fills in and faxes back.
    let top = y;
    c.rect(LEFT, top, RIGHT - LEFT, 92.0, 1.2);
    c.text_center(A4.0 / 2.0, top + 9.0, 13.0, &format!("FAX返信用（返信先FAX：{return_fax}）"));
    c.line(LEFT, top + 13.0, RIGHT, top + 13.0, 0.6);
    c.rect(LEFT + 5.0, top + 19.0, 5.0, 5.0, 0.6);
    c.text(LEFT + 13.0, top + 23.5, 11.0, &format!("担当販売店を「{new_dealer}」へ変更することに同意します。"));
    let mut ry = top + 36.0;
    for label in ["会社名", "お客様番号", "ご担当者名", "お電話番号", "記入日"] {
        c.text(LEFT + 5.0, ry, 10.0, label);
        c.line(LEFT + 35.0, ry + 1.5, RIGHT - 35.0, ry + 1.5, 0.4);
        ry += 11.0;
    }
    c.rect(RIGHT - 28.0, top + 40.0, 22.0, 22.0, 0.6);
    c.text_center(RIGHT - 17.0, top + 53.0, 12.0, "印");
    c.finish()
}

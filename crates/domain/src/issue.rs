//! The seven document types and the services' issue rules: which document is issued for which
//! service and when (shipment, payment, validity, membership), what a receipt's payment line
//! says and the stamp duty it bears, and the fixed texts each document prints (seeds 000–004).
//! The law every document follows whatever the service is in `document`.

use chrono::NaiveDate;

use crate::calendar::add_days;
use crate::money::{Yen, stamp_duty};
use crate::quote::QuoteError;
use crate::tariff::Service;

/// The seven documents the counter issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentType {
    Estimate,
    DeliveryNote,
    Invoice,
    Receipt,
    CoolingOff,
    RefundClaim,
    DealerChangeFax,
}

/// What a document field holds, for the form that edits it and the check that reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Date,
    /// A year and month, YYYY-MM.
    Month,
    Yen,
    /// A whole number from 1.
    Count,
    Text,
    /// true or false.
    Flag,
    /// One of these (code, Japanese label).
    Choice(&'static [(&'static str, &'static str)]),
    /// A party: `PARTY_FIELDS`.
    Party,
    /// The issuer (name, address, phone…): the stored one when the document names none.
    Issuer,
    /// The item lines, each with these fields (`LINE_FIELDS`, or `DELIVERY_LINE_FIELDS`).
    Lines(&'static [Field]),
}

/// One field of a document's JSON (README: Document JSON): its name, what it holds, whether a
/// document must have it, and its Japanese label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    pub label: &'static str,
}

const fn field(name: &'static str, kind: FieldKind, required: bool, label: &'static str) -> Field {
    Field { name, kind, required, label }
}

/// The fields every document JSON may have, whatever its type.
pub const COMMON_FIELDS: [Field; 4] = [
    field("service", FieldKind::Text, true, "サービス"),
    field("issued_on", FieldKind::Date, false, "発行日"),
    field("issuer", FieldKind::Issuer, false, "発行者"),
    field("recipient", FieldKind::Party, true, "宛名"),
];

/// A person or a company; with no honorific given, the one of its kind (様 or 御中).
const PARTY_KINDS: &[(&str, &str)] = &[("person", "個人"), ("company", "法人")];
const HONORIFICS: &[(&str, &str)] = &[("様", "様"), ("御中", "御中")];

/// The fields of a party (the recipient, a cooling-off notice's seller).
pub const PARTY_FIELDS: [Field; 5] = [
    field("name", FieldKind::Text, true, "名称"),
    field("kind", FieldKind::Choice(PARTY_KINDS), false, "個人・法人"),
    field("honorific", FieldKind::Choice(HONORIFICS), false, "敬称"),
    field("postal_code", FieldKind::Text, false, "郵便番号"),
    field("address", FieldKind::Text, false, "住所"),
];

/// The tax categories of an item (消費税法: 10% standard, 8% reduced, or none).
const TAXES: &[(&str, &str)] = &[("standard", "10%（標準税率）"), ("reduced", "8%（軽減税率）※"), ("non_taxable", "不課税")];

/// The fields of an item line; its price is tax included.
pub const LINE_FIELDS: [Field; 4] = [
    field("name", FieldKind::Text, true, "名称"),
    field("quantity", FieldKind::Count, true, "数量"),
    field("unit", FieldKind::Yen, true, "単価（税込）"),
    field("tax", FieldKind::Choice(TAXES), true, "税区分"),
];

/// A delivery note's lines also say whether the product allows one (seed 001: 特注駐車券など
/// do not); the others are left off it.
pub const DELIVERY_LINE_FIELDS: [Field; 5] =
    [LINE_FIELDS[0], LINE_FIELDS[1], LINE_FIELDS[2], LINE_FIELDS[3], field("delivery_note", FieldKind::Flag, false, "納品書対象")];

/// How the shop's orders are paid (the order's payment method an invoice repeats).
const ORDER_PAYMENTS: &[(&str, &str)] = &[
    ("credit_card", "クレジットカード"),
    ("np_invoice", "NP掛け払い"),
    ("bank_transfer", "銀行振込"),
    ("cod", "代金引換"),
    ("cash", "現金"),
    ("account_transfer", "口座振替"),
    ("kddi_invoice", "KDDI請求書払い"),
];

/// How a receipt's payment was made (`receipt_payment`).
const RECEIPT_PAYMENTS: &[(&str, &str)] = &[("credit_card", "クレジットカード"), ("cash", "現金"), ("bank_transfer", "銀行振込")];

/// How a contract under cooling-off was paid (`document::ContractPayment`).
const CONTRACT_PAYMENTS: &[(&str, &str)] = &[
    ("cash", "現金"),
    ("bank_transfer", "銀行振込"),
    ("account_transfer", "口座振替"),
    ("credit_card", "クレジットカード"),
    ("credit_contract", "個別クレジット"),
];

/// How the application under cooling-off was made (seed 000: in a shop or by phone qualifies).
pub const CHANNELS: &[(&str, &str)] = &[("phone", "電話"), ("store", "店舗"), ("web", "ウェブサイト"), ("other", "その他")];

/// The paper a cooling-off postcard is printed on (`document::PostcardStock`).
const STOCKS: &[(&str, &str)] = &[("blank", "無地のはがき用紙（枠と「郵便はがき」も印刷）"), ("official", "官製はがき（郵便番号枠が印刷済み）")];

const LINES: Field = field("lines", FieldKind::Lines(&LINE_FIELDS), true, "明細");
const ORDER_NUMBER: Field = field("order_number", FieldKind::Text, true, "注文番号");
const SHIPPED_ON: Field = field("shipped_on", FieldKind::Date, true, "出荷日");
const CUSTOMER_NUMBER: Field = field("customer_number", FieldKind::Text, true, "お客様番号");

const ESTIMATE: [Field; 3] = [field("estimated_on", FieldKind::Date, false, "見積日"), field("member", FieldKind::Flag, true, "会員"), LINES];
const DELIVERY_NOTE: [Field; 3] = [ORDER_NUMBER, SHIPPED_ON, field("lines", FieldKind::Lines(&DELIVERY_LINE_FIELDS), true, "明細")];
const INVOICE: [Field; 5] = [
    ORDER_NUMBER,
    field("ordered_on", FieldKind::Date, false, "注文日"),
    SHIPPED_ON,
    field("payment", FieldKind::Choice(ORDER_PAYMENTS), false, "支払方法"),
    LINES,
];
const RECEIPT: [Field; 5] = [
    ORDER_NUMBER,
    SHIPPED_ON,
    field("payment", FieldKind::Choice(RECEIPT_PAYMENTS), true, "支払方法"),
    field("item_name", FieldKind::Text, false, "お品物名"),
    LINES,
];
const COOLING_OFF: [Field; 10] = [
    field("contract_date", FieldKind::Date, true, "契約日"),
    field("channel", FieldKind::Choice(CHANNELS), true, "お申込み方法"),
    field("product", FieldKind::Text, true, "商品・役務"),
    field("amount", FieldKind::Yen, true, "金額"),
    field("seller", FieldKind::Party, true, "販売業者"),
    field("sent_on", FieldKind::Date, false, "発送日"),
    field("salesperson", FieldKind::Text, false, "担当者（販売員）"),
    field("payment", FieldKind::Choice(CONTRACT_PAYMENTS), false, "支払方法"),
    field("credit_company", FieldKind::Text, false, "クレジット会社"),
    field("stock", FieldKind::Choice(STOCKS), false, "用紙"),
];
const REFUND_CLAIM: [Field; 4] = [
    CUSTOMER_NUMBER,
    field("received", FieldKind::Date, true, "受領日"),
    field("paid_through", FieldKind::Month, true, "前払い済みの最終月"),
    field("monthly_fee", FieldKind::Yen, true, "月額料金"),
];
const DEALER_CHANGE_FAX: [Field; 5] = [
    CUSTOMER_NUMBER,
    field("current_dealer", FieldKind::Text, true, "現在の担当販売店"),
    field("new_dealer", FieldKind::Text, false, "変更後の担当販売店"),
    field("return_deadline", FieldKind::Date, true, "返信期限"),
    field("return_fax", FieldKind::Text, true, "返信先FAX"),
];

impl DocumentType {
    pub const ALL: [DocumentType; 7] = [
        DocumentType::Estimate,
        DocumentType::DeliveryNote,
        DocumentType::Invoice,
        DocumentType::Receipt,
        DocumentType::CoolingOff,
        DocumentType::RefundClaim,
        DocumentType::DealerChangeFax,
    ];

    pub fn id(self) -> &'static str {
        match self {
            DocumentType::Estimate => "estimate",
            DocumentType::DeliveryNote => "delivery_note",
            DocumentType::Invoice => "invoice",
            DocumentType::Receipt => "receipt",
            DocumentType::CoolingOff => "cooling_off",
            DocumentType::RefundClaim => "refund_claim",
            DocumentType::DealerChangeFax => "dealer_change_fax",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.id() == id)
    }

    /// The number prefix unless the installation sets another (HC: EC for estimates, as the
    /// shop numbers them).
    pub fn default_prefix(self) -> &'static str {
        match self {
            DocumentType::Estimate => "EC",
            DocumentType::DeliveryNote => "DN",
            DocumentType::Invoice => "IV",
            DocumentType::Receipt => "RC",
            DocumentType::CoolingOff => "CO",
            DocumentType::RefundClaim => "RF",
            DocumentType::DealerChangeFax => "FX",
        }
    }

    /// The Japanese name, for forms and lists (the glossary's words).
    pub fn label(self) -> &'static str {
        match self {
            DocumentType::Estimate => "見積書",
            DocumentType::DeliveryNote => "納品書",
            DocumentType::Invoice => "請求書（簡易版）",
            DocumentType::Receipt => "領収書",
            DocumentType::CoolingOff => "クーリング・オフ通知",
            DocumentType::RefundClaim => "返金請求書",
            DocumentType::DealerChangeFax => "担当販売店変更FAX",
        }
    }

    /// The English name the messages use.
    pub fn noun(self) -> &'static str {
        match self {
            DocumentType::Estimate => "estimate",
            DocumentType::DeliveryNote => "delivery note",
            DocumentType::Invoice => "simple invoice",
            DocumentType::Receipt => "receipt",
            DocumentType::CoolingOff => "cooling-off notice",
            DocumentType::RefundClaim => "refund claim",
            DocumentType::DealerChangeFax => "dealer-change FAX",
        }
    }

    /// The one service it is issued for (seed 001: アマノオンラインショップの商品に限ります; seeds
    /// 000, 003, 002); none for a receipt, which every service but plus-aqua issues.
    pub fn issued_for(self) -> Option<Service> {
        match self {
            DocumentType::Estimate | DocumentType::DeliveryNote | DocumentType::Invoice => Some(Service::AmanoShop),
            DocumentType::CoolingOff => Some(Service::Alwater),
            DocumentType::RefundClaim => Some(Service::Allwatch),
            DocumentType::DealerChangeFax => Some(Service::Kaunet),
            DocumentType::Receipt => None,
        }
    }

    /// Whether it is issued from an order in the database (what the shop shipped).
    pub fn from_order(self) -> bool {
        matches!(self, DocumentType::DeliveryNote | DocumentType::Invoice | DocumentType::Receipt)
    }

    /// The fields its JSON may have besides `COMMON_FIELDS`, in the order a form shows them.
    pub fn fields(self) -> &'static [Field] {
        match self {
            DocumentType::Estimate => &ESTIMATE,
            DocumentType::DeliveryNote => &DELIVERY_NOTE,
            DocumentType::Invoice => &INVOICE,
            DocumentType::Receipt => &RECEIPT,
            DocumentType::CoolingOff => &COOLING_OFF,
            DocumentType::RefundClaim => &REFUND_CLAIM,
            DocumentType::DealerChangeFax => &DEALER_CHANGE_FAX,
        }
    }

    /// Whether its JSON may have `name` (a common field or one of its own).
    pub fn has_field(self, name: &str) -> bool {
        COMMON_FIELDS.iter().chain(self.fields()).any(|f| f.name == name)
    }
}

fn refuse(field: &'static str, reason: impl Into<String>) -> QuoteError {
    QuoteError::new(field, reason)
}

/// Refuses a document for a service that does not issue it: the shop's estimates, delivery
/// notes and simple invoices (seed 001: アマノオンラインショップの商品に限ります), alwater's
/// cooling-off notice (seed 000), allwatch's refund claim (seed 003), kaunet's dealer-change
/// FAX (seed 002); a receipt for any service but plus-aqua, whose receivables are assigned
/// (債権譲渡, seed 004 第6条).
pub fn check_service(doc: DocumentType, service: Service) -> Result<(), QuoteError> {
    match doc.issued_for() {
        Some(wanted) if wanted != service => {
            let seed = match doc {
                DocumentType::Estimate => "seed 001: アマノオンラインショップの商品に限ります".to_string(),
                _ => format!("seed {}", wanted.seed()),
            };
            Err(refuse("service", format!("a {} is issued for {} only ({seed})", doc.noun(), wanted.id())))
        }
        None if service == Service::PlusAqua => {
            Err(refuse("service", "plus-aqua receivables belong to the assignee (債権譲渡, seed 004 第6条): receipts come from it, not from us"))
        }
        _ => Ok(()),
    }
}

/// Estimates are for registered members only, never for guests (seed 001).
pub fn check_member(member: Option<bool>) -> Result<(), QuoteError> {
    if member != Some(true) {
        return Err(refuse("member", "must be true: estimates are for registered members only, never for guests (seed 001)"));
    }
    Ok(())
}

/// The day an estimate made on `estimated_on` is valid until (`valid_days` later, the shop's
/// tariff); refused when the issue date or today is past it: the shop prints an estimate only
/// while it is valid (seed 001).
pub fn estimate_valid_until(estimated_on: NaiveDate, valid_days: u32, issued_on: NaiveDate, today: NaiveDate) -> Result<NaiveDate, QuoteError> {
    let valid_until = add_days(estimated_on, valid_days).ok_or_else(|| refuse("estimated_on", "out of range"))?;
    if issued_on > valid_until || today > valid_until {
        return Err(refuse("estimated_on", format!("the estimate was valid until {valid_until}; it can be issued only while valid (seed 001)")));
    }
    Ok(valid_until)
}

/// What an estimate says it is not (seed 001, 見積書の注意事項).
pub const ESTIMATE_NOTES: [&str; 4] = [
    "本見積書の作成をもって、ご注文の受付や商品の在庫確保、お届けをお約束するものではございません。",
    "消費税につきましては、ご注文手続き時点の消費税率が適用されます。",
    "キャンペーン・クーポン・ポイント適用価格は、ご注文時点でキャンペーン終了または有効期限切れの場合、適用されません。",
    "ご注文の際は、見積内容（商品・数量・お届け先など）から変更できません。",
];

/// A delivery note, simple invoice or receipt is issued only after the order has shipped
/// (seed 001: 発送が完了した後): the shipment date is required and not after the issue date.
pub fn check_shipped(doc: DocumentType, shipped: Option<NaiveDate>, issued_on: NaiveDate) -> Result<NaiveDate, QuoteError> {
    let what = doc.noun();
    let shipped = shipped.ok_or_else(|| refuse("shipped_on", format!("missing: a {what} is issued only after the order has shipped (seed 001)")))?;
    if shipped > issued_on {
        return Err(refuse("shipped_on", format!("{shipped} is after the issue date: a {what} is issued only after shipment (seed 001)")));
    }
    Ok(shipped)
}

/// A qualified (simplified) invoice names the issuer's registration number (消費税法 57条の4).
pub fn check_qualified(registration_number: Option<&str>) -> Result<(), QuoteError> {
    if registration_number.is_none() {
        return Err(refuse("issuer.registration_number", "missing: an invoice or receipt is a qualified invoice and must carry the T-number"));
    }
    Ok(())
}

/// An order is placed before it ships.
pub fn check_ordered(ordered_on: Option<NaiveDate>, shipped: NaiveDate) -> Result<(), QuoteError> {
    if ordered_on.is_some_and(|o| o > shipped) {
        return Err(refuse("ordered_on", "is after the shipment"));
    }
    Ok(())
}

/// What the simple invoice says it is not, and where the real NP invoice comes from when the
/// order is paid by NP掛け払い (seed 001).
pub fn invoice_notes(payment: Option<&str>) -> Vec<String> {
    let mut notes = vec!["本請求書は簡易版のため、振込先銀行口座の記載はございません。".to_string()];
    if payment == Some("np_invoice") {
        notes.push("NP掛け払いの正式な請求書は、締め日の翌営業日に決済代行会社（ネットプロテクションズ）より発行され、郵便で届きます。".to_string());
    }
    notes
}

/// A delivery note lists only the order's products that allow one; an order with none gets
/// none (seed 001: 特注駐車券・特注サービス券・小ロットサービス券など).
pub fn check_delivery_lines(eligible: usize) -> Result<(), QuoteError> {
    if eligible == 0 {
        return Err(refuse("lines", "no product of this order allows a delivery note (特注駐車券・特注サービス券・小ロットサービス券など, seed 001)"));
    }
    Ok(())
}

/// The shop issues receipts only for credit-card payments (seed 001).
pub fn check_receipt_payment(service: Service, payment: &str) -> Result<(), QuoteError> {
    if service == Service::AmanoShop && payment != "credit_card" {
        return Err(refuse("payment", format!("'{payment}': the shop issues receipts only for credit-card payments (seed 001)")));
    }
    Ok(())
}

/// A receipt's payment line, and the stamp duty it bears: none for a credit-card payment
/// (not a receipt of money), else the duty on the amount without its stated tax (印紙税法
/// 別表第一 第17号文書).
pub fn receipt_payment(payment: &str, total: Yen, tax: Yen) -> Result<(&'static str, Option<Yen>), QuoteError> {
    match payment {
        "credit_card" => Ok(("クレジットカード決済", None)),
        "cash" => Ok(("現金", stamp_duty(total - tax))),
        "bank_transfer" => Ok(("銀行振込", stamp_duty(total - tax))),
        other => Err(refuse("payment", format!("'{other}' is not credit_card, cash or bank_transfer"))),
    }
}

/// The honorific of the company a cooling-off postcard goes to when the document gives none:
/// its representative.
pub const SELLER_HONORIFIC: &str = "代表者様";

/// A cooling-off notice cancels a contract made before it is sent.
pub fn check_contract_date(contract_date: NaiveDate, sent_on: NaiveDate) -> Result<(), QuoteError> {
    if contract_date > sent_on {
        return Err(refuse("contract_date", format!("{contract_date} is after the day the notice is sent ({sent_on})")));
    }
    Ok(())
}

/// A credit company is named only for a payment on credit, whose contract the notice is copied
/// to (特定商取引法 第9条, 割賦販売法 第35条の3の10).
pub fn check_credit_company(named: bool, on_credit: bool) -> Result<(), QuoteError> {
    if named && !on_credit {
        return Err(refuse("credit_company", "is given, but the payment is not on credit (credit_card or credit_contract)"));
    }
    Ok(())
}

/// A refund claim needs a prepaid month after the service end (seed 003: 前払いサービス料の返金).
pub fn check_refund_months(months: usize) -> Result<(), QuoteError> {
    if months == 0 {
        return Err(refuse("paid_through", "no prepaid month falls after the service end: there is nothing to refund"));
    }
    Ok(())
}

/// The dealer a kaunet customer changes to unless the document says otherwise (seed 002:
/// 「KDDI まとめてオフィス」).
pub const DEFAULT_NEW_DEALER: &str = "KDDIまとめてオフィス";

/// What the dealer-change FAX tells the customer (seed 002).
pub const DEALER_CHANGE_NOTES: [&str; 3] = [
    "期日までにFAXのご返信がない場合、担当販売店は変更されません。",
    "ご返信の翌月または翌々月に切り替わり、切替後にメールでお知らせします。",
    "変更費用はかかりません。販売店のみの変更のため、カタログは送付されません。",
];

/// The FAX's reply deadline is not before the day it is issued.
pub fn check_return_deadline(return_deadline: NaiveDate, issued_on: NaiveDate) -> Result<(), QuoteError> {
    if return_deadline < issued_on {
        return Err(refuse("return_deadline", "is before the issue date"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a date")
    }

    #[test]
    fn every_type_reads_back_from_its_id_and_only_the_shop_s_three_come_from_an_order() {
        for doc in DocumentType::ALL {
            assert_eq!(DocumentType::from_id(doc.id()), Some(doc));
            assert!(!doc.fields().iter().any(|f| COMMON_FIELDS.iter().any(|c| c.name == f.name)), "{doc:?}");
            assert!(doc.has_field("recipient") && doc.fields().iter().all(|f| doc.has_field(f.name)), "{doc:?}");
        }
        let from_order: Vec<&str> = DocumentType::ALL.into_iter().filter(|d| d.from_order()).map(DocumentType::id).collect();
        assert_eq!(from_order, ["delivery_note", "invoice", "receipt"]);
        assert_eq!(DocumentType::from_id("postcard"), None);
    }

    #[test]
    fn each_type_is_issued_for_its_services_only() {
        let issued: Vec<(DocumentType, Vec<&str>)> = DocumentType::ALL
            .into_iter()
            .map(|doc| (doc, Service::ALL.into_iter().filter(|s| check_service(doc, *s).is_ok()).map(Service::id).collect()))
            .collect();
        let expected: Vec<(DocumentType, Vec<&str>)> = vec![
            (DocumentType::Estimate, vec!["amano-shop"]),
            (DocumentType::DeliveryNote, vec!["amano-shop"]),
            (DocumentType::Invoice, vec!["amano-shop"]),
            (DocumentType::Receipt, vec!["alwater", "amano-shop", "kaunet", "allwatch"]),
            (DocumentType::CoolingOff, vec!["alwater"]),
            (DocumentType::RefundClaim, vec!["allwatch"]),
            (DocumentType::DealerChangeFax, vec!["kaunet"]),
        ];
        assert_eq!(issued, expected);
        let refused = check_service(DocumentType::Invoice, Service::Kaunet).expect_err("refused");
        assert_eq!(refused.to_string(), "service: a simple invoice is issued for amano-shop only (seed 001)");
    }

    #[test]
    fn an_estimate_is_issued_only_while_valid() {
        // (made, issued, today) → valid until, or refused; the shop's 30 days.
        let cases = [
            ("2026-11-01", "2026-11-01", "2026-11-01", Some("2026-12-01")),
            ("2026-11-01", "2026-12-01", "2026-12-01", Some("2026-12-01")),
            ("2026-11-01", "2026-12-02", "2026-12-02", None),
            ("2026-11-01", "2026-11-05", "2026-12-02", None),
        ];
        for (made, issued, today, expected) in cases {
            let got = estimate_valid_until(day(made), 30, day(issued), day(today)).ok();
            assert_eq!(got, expected.map(day), "{made} {issued} {today}");
        }
    }

    #[test]
    fn shipment_and_order_dates_are_checked_against_the_issue() {
        let issued = day("2026-11-10");
        assert_eq!(check_shipped(DocumentType::Receipt, Some(day("2026-11-10")), issued), Ok(day("2026-11-10")));
        let late = check_shipped(DocumentType::Receipt, Some(day("2026-11-11")), issued).expect_err("after the issue");
        assert_eq!(late.field, "shipped_on");
        let missing = check_shipped(DocumentType::DeliveryNote, None, issued).expect_err("missing");
        assert!(missing.reason.starts_with("missing: a delivery note"), "{}", missing.reason);
        assert!(check_ordered(Some(day("2026-11-11")), day("2026-11-10")).is_err());
        assert!(check_ordered(Some(day("2026-11-10")), day("2026-11-10")).is_ok());
        assert!(check_ordered(None, day("2026-11-10")).is_ok());
    }

    #[test]
    fn a_receipt_s_payment_decides_its_line_and_its_stamp() {
        let yen = Yen::new;
        let cases = [
            ("credit_card", 110_000, 10_000, Some(("クレジットカード決済", None))),
            ("cash", 55_000, 5_000, Some(("現金", Some(200)))),
            ("bank_transfer", 54_000, 5_000, Some(("銀行振込", None))),
            ("cheque", 1_000, 0, None),
        ];
        for (payment, total, tax, expected) in cases {
            let got = receipt_payment(payment, yen(total), yen(tax)).ok();
            assert_eq!(got, expected.map(|(line, duty)| (line, duty.map(yen))), "{payment}");
        }
        assert!(check_receipt_payment(Service::AmanoShop, "cash").is_err());
        assert!(check_receipt_payment(Service::AmanoShop, "credit_card").is_ok());
        assert!(check_receipt_payment(Service::Alwater, "cash").is_ok());
    }

    #[test]
    fn the_simple_invoice_tells_of_the_np_invoice_only_when_paid_so() {
        assert_eq!(invoice_notes(None).len(), 1);
        assert_eq!(invoice_notes(Some("credit_card")).len(), 1);
        assert!(invoice_notes(Some("np_invoice"))[1].contains("ネットプロテクションズ"));
    }

    #[test]
    fn a_document_needs_what_it_is_about() {
        let refused = |r: Result<(), QuoteError>| r.err().map(|e| e.field);
        assert_eq!(refused(check_delivery_lines(0)), Some("lines"));
        assert_eq!(refused(check_delivery_lines(1)), None);
        let cases = [(true, false, Some("credit_company")), (true, true, None), (false, false, None), (false, true, None)];
        for (named, on_credit, expected) in cases {
            assert_eq!(refused(check_credit_company(named, on_credit)), expected, "{named} {on_credit}");
        }
        assert_eq!(refused(check_refund_months(0)), Some("paid_through"));
        assert_eq!(refused(check_refund_months(2)), None);
    }
}

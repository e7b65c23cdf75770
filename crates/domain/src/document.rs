//! The rules of the law that every document follows, whatever the service: the addressee's
//! honorific, what a receipt (a simplified qualified invoice) must show of reduced-rate items,
//! the T-number's check digit, and what a cooling-off notice says and warns. The services' own
//! issue rules (which documents, for whom, when) are in `issue`.

use crate::money::TaxCategory;
use crate::text::{registration_check_digit_holds, registration_digits};
use unicode_normalization::UnicodeNormalization;

/// Who a document is addressed to: a person (様) or a company (御中). Taken from the customer's
/// kind (個人/法人), never guessed from words in the name, so the screen and the PDF agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PartyKind {
    #[default]
    Person,
    Company,
}

impl PartyKind {
    pub const ALL: [PartyKind; 2] = [PartyKind::Person, PartyKind::Company];

    pub fn code(self) -> &'static str {
        match self {
            PartyKind::Person => "person",
            PartyKind::Company => "company",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The honorific after the name: 様 for a person, 御中 for a company (or its department).
    pub fn honorific(self) -> &'static str {
        match self {
            PartyKind::Person => "様",
            PartyKind::Company => "御中",
        }
    }
}

/// What a receipt says it was paid for (取引内容).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptContent {
    /// One お品物名 (但し○○として): the items are all of one kind of rate, so the name hides none
    /// of them; `reduced` marks it ※ when they are all reduced-rate.
    Named { name: String, reduced: bool },
    /// The items themselves, each reduced-rate one marked ※.
    Listed,
}

/// The most items a one-page receipt lists; more go on the simple invoice.
pub const RECEIPT_MAX_LISTED: usize = 12;

/// A simplified qualified invoice must show the items with the reduced-rate marking (消費税法
/// 第57条の4第2項第3号: 課税資産の譲渡等に係る資産又は役務の内容（軽減対象資産の譲渡等である
/// 場合には、その旨）). A single お品物名 over items of both rates would hide which are reduced:
/// refused, so that the receipt lists them instead. With no name given, the receipt lists the
/// items when any is reduced-rate, and says お品代 otherwise (HC, as before). `Err` is the reason.
pub fn receipt_content(item_name: Option<&str>, items: &[TaxCategory]) -> Result<ReceiptContent, String> {
    let reduced = items.iter().filter(|c| **c == TaxCategory::Reduced).count();
    let mixed = reduced > 0 && reduced < items.len();
    match item_name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) if mixed => Err(format!(
            "「{name}」 would hide the reduced-rate items behind one name: a receipt shows which items are reduced-rate (消費税法 57条の4); leave the name out to list the items"
        )),
        Some(name) => Ok(ReceiptContent::Named { name: name.to_string(), reduced: reduced > 0 }),
        None if reduced > 0 && items.len() > RECEIPT_MAX_LISTED => Err(format!(
            "{} items, {reduced} of them reduced-rate, do not fit on a receipt (at most {RECEIPT_MAX_LISTED}): issue the simple invoice (請求書) for this order",
            items.len()
        )),
        None if reduced > 0 => Ok(ReceiptContent::Listed),
        None => Ok(ReceiptContent::Named { name: "お品代".to_string(), reduced: false }),
    }
}

/// The words only a 法人's name may carry: 会社 (会社法 第7条 forbids it in the name of anyone
/// not a company: 株式会社, 有限会社, 合同会社, 合名会社, 合資会社, 相互会社), 法人 (一般社団法人,
/// 公益財団法人, 特定非営利活動法人 and NPO法人, 医療法人, 学校法人, 弁護士法人, 税理士法人,
/// 監査法人, 農事組合法人…, each law reserving its name), 協同組合 (協同組合法 each) and the
/// financial cooperatives (信用金庫法, 中小企業等協同組合法, 労働金庫法).
const CORPORATE_WORDS: [&str; 6] = ["会社", "法人", "協同組合", "信用金庫", "信用組合", "労働金庫"];

/// The abbreviations of the legal forms written in parentheses (㈱, （株）, (有)…), after NFKC
/// folds ㈱ to (株) and full-width parentheses to ASCII ones.
const CORPORATE_ABBREVIATIONS: [&str; 20] = [
    "(株)", "(有)", "(同)", "(名)", "(資)", "(相)", "(医)", "(社)", "(財)", "(一社)", "(一財)", "(公社)", "(公財)", "(特非)", "(学)", "(福)", "(宗)", "(独)",
    "(協)", "(弁)",
];

/// Whether a name is a corporation's: it carries a word of its legal form or that form's
/// abbreviation, in any width (NFKC).
pub fn is_corporation_name(name: &str) -> bool {
    let folded: String = name.nfkc().filter(|c| !c.is_whitespace()).collect();
    CORPORATE_WORDS.iter().chain(&CORPORATE_ABBREVIATIONS).any(|w| folded.contains(w))
}

/// How a registration number (適格請求書発行事業者登録番号) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationNumber {
    /// `T` + 13 digits whose first is the 法人番号 check digit.
    Valid,
    /// `T` + 13 digits that fail the 法人番号 check: a corporation's number is wrong, but an
    /// individual's 13 digits are not derived from a 法人番号 (国税庁 publishes the check-digit
    /// formula for 法人番号 only), so theirs may fail it and still be right.
    NoCheckDigit,
    /// Not `T` and 13 digits.
    Malformed,
}

impl RegistrationNumber {
    pub fn of(text: &str) -> Self {
        match registration_digits(text) {
            Some(values) if registration_check_digit_holds(&values) => RegistrationNumber::Valid,
            Some(_) => RegistrationNumber::NoCheckDigit,
            None => RegistrationNumber::Malformed,
        }
    }
}

/// An issuer's registration number checked: `Err` refuses it (malformed, or a corporation's
/// that fails the check digit), `Ok(Some)` is a warning (an individual's number that fails it,
/// which may be right but should be looked up at the 国税庁 publication site).
pub fn check_registration_number(number: &str, issuer_name: &str) -> Result<Option<String>, String> {
    match RegistrationNumber::of(number) {
        RegistrationNumber::Valid => Ok(None),
        RegistrationNumber::Malformed => Err(format!("'{number}' is not T followed by 13 digits")),
        RegistrationNumber::NoCheckDigit if is_corporation_name(issuer_name) => {
            Err(format!("'{number}' fails the corporate-number check digit, and {issuer_name} is a corporation: its T-number is T + its 法人番号"))
        }
        RegistrationNumber::NoCheckDigit => Ok(Some(format!(
            "登録番号 {number} は法人番号の検査用数字に合いません。個人事業者の番号であれば正しいこともあります。国税庁の公表サイトで確認してください。"
        ))),
    }
}

/// How the customer paid the contract a cooling-off notice cancels (支払方法).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractPayment {
    Cash,
    BankTransfer,
    AccountTransfer,
    CreditCard,
    /// 個別クレジット (a credit contract for this purchase).
    CreditContract,
}

impl ContractPayment {
    pub const ALL: [ContractPayment; 5] =
        [ContractPayment::Cash, ContractPayment::BankTransfer, ContractPayment::AccountTransfer, ContractPayment::CreditCard, ContractPayment::CreditContract];

    pub fn code(self) -> &'static str {
        match self {
            ContractPayment::Cash => "cash",
            ContractPayment::BankTransfer => "bank_transfer",
            ContractPayment::AccountTransfer => "account_transfer",
            ContractPayment::CreditCard => "credit_card",
            ContractPayment::CreditContract => "credit_contract",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            ContractPayment::Cash => "現金",
            ContractPayment::BankTransfer => "銀行振込",
            ContractPayment::AccountTransfer => "口座振替",
            ContractPayment::CreditCard => "クレジットカード",
            ContractPayment::CreditContract => "個別クレジット",
        }
    }

    /// Paid on credit: the notice goes to the credit company too (割賦販売法 第35条の3の10 for a
    /// credit contract; for a card, so that the charge stops — 国民生活センター's guidance).
    pub fn on_credit(self) -> bool {
        matches!(self, ContractPayment::CreditCard | ContractPayment::CreditContract)
    }
}

/// What the agent is told when the notice is issued on credit.
pub const CREDIT_COPY_WARNING: &str =
    "クレジット払いのため、同じ内容の通知書をクレジット会社にも送るようお客様にご案内ください（両方のコピーを保管してください）。";

/// The line the notice prints when it was paid on credit.
pub fn credit_copy_line(credit_company: Option<&str>) -> String {
    match credit_company.map(str::trim).filter(|c| !c.is_empty()) {
        Some(company) => format!("同じ内容の書面をクレジット会社（{company}）にも送付しました。"),
        None => "同じ内容の書面をクレジット会社にも送付しました。".to_string(),
    }
}

/// A notice sent after the 8 days counted from the application is still issued: the statutory
/// period runs from the day the customer received the 書面 (特定商取引法 第9条, 第24条), which the
/// app cannot know. The agent is warned instead of the notice being refused.
pub fn cooling_off_late_warning(days: u32) -> String {
    format!(
        "お申込み日から{days}日を過ぎています。クーリング・オフの期間は契約書面を受け取った日から数えます。書面の受領日をお客様に確認のうえ、期間内であれば発送してください。"
    )
}

/// The paper a cooling-off postcard is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PostcardStock {
    /// Blank card stock: the app prints 「郵便はがき」 and the postal-code frames.
    #[default]
    Blank,
    /// An official postcard (官製はがき), its frames already printed: only the digits go in them.
    Official,
}

impl PostcardStock {
    pub fn code(self) -> &'static str {
        match self {
            PostcardStock::Blank => "blank",
            PostcardStock::Official => "official",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [PostcardStock::Blank, PostcardStock::Official].into_iter().find(|s| s.code() == code)
    }
}

/// The postal-code frames of a postcard's address side at Japan Post's positions for a
/// private-made postcard (私製はがきの郵便番号枠): 5.7 × 8.0 mm, 12.0 mm from the top and
/// 8.0 mm from the right edge, gaps 1.3 and 1.3 mm between the first three, 1.9 mm before the
/// fourth (with the hyphen), then 1.1 mm. Each frame's left edge, in mm from the card's left,
/// for a card `width` mm wide.
pub fn postal_frames(width: f32) -> [f32; 7] {
    const GAPS: [f32; 6] = [1.3, 1.3, 1.9, 1.1, 1.1, 1.1];
    let mut lefts = [0.0; 7];
    let mut right = width - POSTAL_FRAME_RIGHT;
    for i in (0..7).rev() {
        lefts[i] = right - POSTAL_FRAME_SIZE.0;
        if i > 0 {
            right = lefts[i] - GAPS[i - 1];
        }
    }
    lefts
}

/// A frame's width and height, mm.
pub const POSTAL_FRAME_SIZE: (f32, f32) = (5.7, 8.0);
/// The frames' line widths, mm: the first three frames and the hyphen 0.4–0.6 mm, the last four
/// 0.2–0.4 mm (Japan Post's 郵便番号枠の仕様); the middle of each range.
pub const POSTAL_FRAME_LINE: (f32, f32) = (0.5, 0.3);
/// The frames' top edge from the card's top, and the last frame's right edge from its right, mm.
pub const POSTAL_FRAME_TOP: f32 = 12.0;
pub const POSTAL_FRAME_RIGHT: f32 = 8.0;

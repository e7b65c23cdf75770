//! 名寄せ: when two customers are likely the same person (issue 15, item 3), so the import can
//! list them and an agent can merge them. Nothing here merges anything: it only says why.

use crate::text::{phone_digits, search_key};

/// What the rule compares of one customer: phone numbers and email addresses as written, the
/// フリガナ and the birth date (YYYY-MM-DD) when known.
#[derive(Debug, Clone, Copy)]
pub struct Identity<'a> {
    pub phones: &'a [String],
    pub emails: &'a [String],
    pub name_kana: &'a str,
    pub birth_date: Option<&'a str>,
}

/// A contact two customers share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SharedContact {
    Phone,
    Email,
}

/// What says the two holders are one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SamePerson {
    NameKana,
    BirthDate,
}

/// Why two customers are likely one person: every contact they share and every personal
/// detail that agrees (each list non-empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Likeness {
    pub contacts: Vec<SharedContact>,
    pub person: Vec<SamePerson>,
}

impl SharedContact {
    pub fn code(self) -> &'static str {
        match self {
            SharedContact::Phone => "phone",
            SharedContact::Email => "email",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            SharedContact::Phone => "電話番号",
            SharedContact::Email => "メール",
        }
    }
}

impl SamePerson {
    pub fn code(self) -> &'static str {
        match self {
            SamePerson::NameKana => "name_kana",
            SamePerson::BirthDate => "birth_date",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            SamePerson::NameKana => "フリガナ",
            SamePerson::BirthDate => "生年月日",
        }
    }
}

impl Likeness {
    /// The reasons as codes, contacts first: `["phone", "name_kana"]`.
    pub fn codes(&self) -> Vec<&'static str> {
        self.contacts.iter().map(|c| c.code()).chain(self.person.iter().map(|p| p.code())).collect()
    }

    /// The reasons in Japanese, as the app and the CLI show them: 「電話番号・メール＋フリガナ」.
    pub fn reason_ja(&self) -> String {
        let join = |labels: Vec<&str>| labels.join("・");
        format!("{}＋{}", join(self.contacts.iter().map(|c| c.label_ja()).collect()), join(self.person.iter().map(|p| p.label_ja()).collect()))
    }
}

/// The phone digits of a list (numbers that give no digits are left out).
fn phone_keys(phones: &[String]) -> Vec<String> {
    phones.iter().filter_map(|p| phone_digits(p)).filter(|d| !d.is_empty()).collect()
}

/// The email keys of a list: trimmed and lowercased, as the store's `address_key`.
fn email_keys(emails: &[String]) -> Vec<String> {
    emails.iter().map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty()).collect()
}

/// Two customers are likely the same person (名寄せ, issue 15 item 3; house convention) when
/// they share a contact — a phone number by its digits (`text::phone_digits`: 03-1234-5678 and
/// ０３１２３４５６７８ are one) or an email address by its lowercased form — **and** one personal
/// detail agrees: the フリガナ by its search key (`text::search_key`: either script, either
/// width, spaces ignored) or the birth date. A shared phone alone is a household or an office;
/// a shared name alone is a namesake: neither is listed. `None` when they are not alike.
pub fn likely_same(a: &Identity, b: &Identity) -> Option<Likeness> {
    let mut contacts = Vec::new();
    let b_phones = phone_keys(b.phones);
    if phone_keys(a.phones).iter().any(|d| b_phones.contains(d)) {
        contacts.push(SharedContact::Phone);
    }
    let b_emails = email_keys(b.emails);
    if email_keys(a.emails).iter().any(|e| b_emails.contains(e)) {
        contacts.push(SharedContact::Email);
    }
    if contacts.is_empty() {
        return None;
    }
    let mut person = Vec::new();
    let kana = search_key(a.name_kana);
    if !kana.is_empty() && kana == search_key(b.name_kana) {
        person.push(SamePerson::NameKana);
    }
    if let (Some(x), Some(y)) = (a.birth_date.map(str::trim), b.birth_date.map(str::trim))
        && !x.is_empty()
        && x == y
    {
        person.push(SamePerson::BirthDate);
    }
    if person.is_empty() {
        return None;
    }
    Some(Likeness { contacts, person })
}

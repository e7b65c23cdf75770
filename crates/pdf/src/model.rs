//! The document model: everything a document shows, already computed (totals, tax per rate,
//! numbers, dates). The renderer only lays it out; it knows no database, no clock and no rule.

use chrono::NaiveDate;
use madoguchi_domain::calendar::YearMonth;
use madoguchi_domain::document::{ContractPayment, PostcardStock, ReceiptContent};
use madoguchi_domain::money::{RateTotal, TaxCategory, Yen};

/// Who issues the document (the client service's company).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Issuer {
    pub name: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub fax: Option<String>,
    /// 適格請求書発行事業者登録番号, `T` + 13 digits (checked by the API).
    pub registration_number: Option<String>,
    /// A PNG of the company seal (角印), printed over the name.
    pub seal_png: Option<Vec<u8>>,
}

/// Who the document is addressed to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Party {
    pub name: String,
    /// 様 for a person, 御中 for a company (part of the addressee line).
    pub honorific: String,
    pub postal_code: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemLine {
    pub name: String,
    pub quantity: u32,
    pub unit: Yen,
    pub amount: Yen,
    pub tax: TaxCategory,
}

/// The money part of an estimate, invoice or receipt: totals per tax rate, computed once per rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    pub per_rate: Vec<RateTotal>,
    /// Tax-included grand total.
    pub total: Yen,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Estimate {
        valid_until: NaiveDate,
        lines: Vec<ItemLine>,
        totals: Totals,
        notes: Vec<String>,
    },
    DeliveryNote {
        order_number: String,
        ship_date: NaiveDate,
        lines: Vec<ItemLine>,
    },
    Invoice {
        order_number: String,
        ordered_on: Option<NaiveDate>,
        /// 取引年月日: the delivery of the goods (引渡し), here their shipment.
        transaction_date: NaiveDate,
        lines: Vec<ItemLine>,
        totals: Totals,
        notes: Vec<String>,
    },
    Receipt {
        order_number: String,
        /// 取引年月日: the shipment.
        transaction_date: NaiveDate,
        /// お品物名, or the items listed (`document::receipt_content`).
        content: ReceiptContent,
        lines: Vec<ItemLine>,
        totals: Totals,
        /// e.g. クレジットカード決済; printed as the payment statement.
        payment_statement: String,
        /// 収入印紙: the duty when one applies (never for card payments).
        stamp_duty: Option<Yen>,
    },
    CoolingOff {
        contract_date: NaiveDate,
        product: String,
        amount: Yen,
        /// The company the postcard goes to (its representative).
        seller: Party,
        sent_on: NaiveDate,
        customer: Party,
        /// 担当者: the salesperson who took the application.
        salesperson: Option<String>,
        payment: Option<ContractPayment>,
        /// Printed when paid on credit: the copy sent to the credit company.
        credit_copy: Option<String>,
        stock: PostcardStock,
    },
    RefundClaim {
        service_name: String,
        customer_number: String,
        service_end: NaiveDate,
        months: Vec<YearMonth>,
        monthly_fee: Yen,
        amount: Yen,
        return_address: String,
    },
    DealerChangeFax {
        customer_number: String,
        current_dealer: String,
        new_dealer: String,
        return_deadline: NaiveDate,
        return_fax: String,
        notes: Vec<String>,
    },
}

/// One document to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub number: String,
    pub issued_on: NaiveDate,
    /// True on a re-issue: the document says 再発行.
    pub reissue: bool,
    pub issuer: Issuer,
    pub recipient: Party,
    pub body: Body,
}

impl Document {
    /// The document's name as printed at the top.
    pub fn title(&self) -> &'static str {
        match self.body {
            Body::Estimate { .. } => "御見積書",
            Body::DeliveryNote { .. } => "納品書",
            Body::Invoice { .. } => "請求書",
            Body::Receipt { .. } => "領収書",
            Body::CoolingOff { .. } => "通知書",
            Body::RefundClaim { .. } => "返金請求書",
            Body::DealerChangeFax { .. } => "担当販売店変更のご案内",
        }
    }
}

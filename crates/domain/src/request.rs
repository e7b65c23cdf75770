//! Help-desk requests as data: each type, the services it applies to, its fields, and its
//! state machine (statuses with Japanese labels, allowed transitions, final statuses).
//! Seeds: 002 (dealer change, catalog stop, address/phone changes to the help desks),
//! 000 and 004 (pause, cancellation, option cancellation, product change).

use crate::tariff::Service;

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Date,
    Month,
    Count,
    Yen,
    Text,
    Choice(&'static [&'static str]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    pub name: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    pub label: &'static str,
}

const fn field(name: &'static str, kind: FieldKind, required: bool, label: &'static str) -> FieldDef {
    FieldDef { name, kind, required, label }
}

/// A state machine: the first status is where a request starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Machine {
    /// (status, Japanese label, final?)
    pub statuses: &'static [(&'static str, &'static str, bool)],
    pub transitions: &'static [(&'static str, &'static str)],
}

impl Machine {
    pub fn initial(&self) -> &'static str {
        self.statuses.first().map_or("received", |s| s.0)
    }

    pub fn label(&self, status: &str) -> Option<&'static str> {
        self.statuses.iter().find(|s| s.0 == status).map(|s| s.1)
    }

    pub fn is_final(&self, status: &str) -> bool {
        self.statuses.iter().any(|s| s.0 == status && s.2)
    }

    pub fn allows(&self, from: &str, to: &str) -> bool {
        self.transitions.contains(&(from, to))
    }

    /// Where a request in `from` may go next.
    pub fn next(&self, from: &str) -> Vec<&'static str> {
        self.transitions.iter().filter(|(f, _)| *f == from).map(|(_, t)| *t).collect()
    }
}

/// 担当販売店変更: 受付 → FAX送付済 → 返送受領 → 切替待ち → 完了, or 期限切れ/取消 (seed 002).
const DEALER_CHANGE: Machine = Machine {
    statuses: &[
        ("received", "受付", false),
        ("fax_sent", "FAX送付済", false),
        ("returned", "返送受領", false),
        ("switching", "切替待ち", false),
        ("completed", "完了", true),
        ("expired", "期限切れ", true),
        ("cancelled", "取消", true),
    ],
    transitions: &[
        ("received", "fax_sent"),
        ("fax_sent", "returned"),
        ("fax_sent", "expired"),
        ("returned", "switching"),
        ("switching", "completed"),
        ("received", "cancelled"),
        ("fax_sent", "cancelled"),
        ("returned", "cancelled"),
        ("switching", "cancelled"),
    ],
};

/// A request passed to the help desk or customer center named in the seed, then confirmed.
const FORWARDED: Machine = Machine {
    statuses: &[("received", "受付", false), ("forwarded", "窓口へ連絡済", false), ("completed", "完了", true), ("cancelled", "取消", true)],
    transitions: &[("received", "forwarded"), ("forwarded", "completed"), ("received", "cancelled"), ("forwarded", "cancelled")],
};

/// 休止: accepted before the request deadline, then paused until the next delivery (or forced
/// cancellation past month 4, seeds 000 and 004 第8–10条).
const PAUSE: Machine = Machine {
    statuses: &[
        ("received", "受付", false),
        ("accepted", "休止手続済", false),
        ("paused", "休止中", false),
        ("resumed", "再開", true),
        ("forced_cancellation", "強制解約", true),
        ("rejected", "期限後のため不可", true),
        ("cancelled", "取消", true),
    ],
    transitions: &[
        ("received", "accepted"),
        ("received", "rejected"),
        ("accepted", "paused"),
        ("paused", "resumed"),
        ("paused", "forced_cancellation"),
        ("received", "cancelled"),
        ("accepted", "cancelled"),
    ],
};

/// 解約: accepted, then the server comes back (plus-aqua, 第16条) or the refund claim form is
/// returned (allwatch), then done.
const CANCELLATION: Machine = Machine {
    statuses: &[
        ("received", "受付", false),
        ("accepted", "解約手続済", false),
        ("awaiting_return", "返却・返送待ち", false),
        ("completed", "完了", true),
        ("withdrawn", "撤回", true),
    ],
    transitions: &[
        ("received", "accepted"),
        ("accepted", "awaiting_return"),
        ("accepted", "completed"),
        ("awaiting_return", "completed"),
        ("received", "withdrawn"),
        ("accepted", "withdrawn"),
    ],
};

/// A change handled by the customer center: accepted, then done.
const SIMPLE: Machine = Machine {
    statuses: &[("received", "受付", false), ("accepted", "手続済", false), ("completed", "完了", true), ("cancelled", "取消", true)],
    transitions: &[("received", "accepted"), ("accepted", "completed"), ("received", "cancelled"), ("accepted", "cancelled")],
};

/// One request type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestType {
    pub id: &'static str,
    pub label: &'static str,
    pub services: &'static [Service],
    pub fields: &'static [FieldDef],
    pub machine: &'static Machine,
    /// Said to the agent when the request is filed.
    pub warning: Option<&'static str>,
}

impl RequestType {
    /// The computed date the next step is due by in `status`: the FAX's reply deadline, then the
    /// earliest and latest month the dealer changes (seed 002); the pause's request deadline,
    /// then its forced cancellation (seeds 000, 004 第8–10条); a cancellation's server return
    /// deadline when it has one (plus-aqua, 第16条), else the service end (allwatch); a product
    /// change's free deadline. None: nothing is due.
    pub fn due_date(&self, status: &str, has_return_deadline: bool) -> Option<&'static str> {
        Some(match (self.id, status) {
            ("dealer_change", "received" | "fax_sent") => "fax_deadline",
            ("dealer_change", "returned") => "effective_earliest",
            ("dealer_change", "switching") => "effective_latest",
            ("pause", "received") => "request_deadline",
            ("pause", "paused") => "forced_cancellation",
            ("cancellation", "accepted" | "awaiting_return") if has_return_deadline => "return_deadline",
            ("cancellation", "accepted" | "awaiting_return") => "service_end",
            ("product_change", "received") => "free_deadline",
            _ => return None,
        })
    }
}

const PLANS: &[&str] = &["basic", "zutto"];

pub const TYPES: &[RequestType] = &[
    RequestType {
        id: "dealer_change",
        label: "担当販売店変更",
        services: &[Service::Kaunet],
        fields: &[
            field("current_dealer", FieldKind::Text, true, "現在の担当販売店"),
            field("new_dealer", FieldKind::Text, false, "変更後の担当販売店"),
            field("fax_deadline", FieldKind::Date, true, "FAX返信期日"),
        ],
        machine: &DEALER_CHANGE,
        warning: None,
    },
    RequestType { id: "catalog_stop", label: "カタログ発送停止", services: &[Service::Kaunet], fields: &[], machine: &FORWARDED, warning: None },
    RequestType {
        id: "contact_change",
        label: "住所・電話番号の変更",
        services: &[Service::Kaunet, Service::Alwater],
        fields: &[field("new_address", FieldKind::Text, false, "新しい住所"), field("new_phone", FieldKind::Text, false, "新しい電話番号")],
        machine: &FORWARDED,
        warning: None,
    },
    RequestType {
        id: "pause",
        label: "休止",
        services: &[Service::Alwater, Service::PlusAqua],
        fields: &[
            field("scheduled_delivery", FieldKind::Date, true, "次回配送予定日（休止する配送）"),
            field("last_shipment", FieldKind::Date, true, "最終出荷日（受領済み）"),
            field("next_delivery", FieldKind::Date, true, "再開するお届け日"),
            field("servers", FieldKind::Count, true, "サーバー台数"),
            field("plan", FieldKind::Choice(PLANS), false, "プラン（プラスアクア）"),
            field("first_delivery", FieldKind::Date, false, "初回配送日（プラスアクア）"),
        ],
        machine: &PAUSE,
        warning: None,
    },
    RequestType {
        id: "cancellation",
        label: "解約",
        services: &[Service::PlusAqua, Service::Allwatch],
        fields: &[
            field("plan", FieldKind::Choice(PLANS), false, "プラン（プラスアクア）"),
            field("first_delivery", FieldKind::Date, false, "初回配送日（プラスアクア）"),
            field("servers", FieldKind::Count, false, "サーバー台数（プラスアクア）"),
            field("paid_through", FieldKind::Month, false, "前払い済みの最終月（ALLwatch）"),
            field("monthly_fee", FieldKind::Yen, false, "月額料金（ALLwatch）"),
        ],
        machine: &CANCELLATION,
        warning: None,
    },
    RequestType {
        id: "option_cancellation",
        label: "アル安心サポート解約",
        services: &[Service::Alwater],
        fields: &[],
        machine: &SIMPLE,
        warning: Some("アル安心サポートは一度解約すると再入会できません。お客様にご了承いただいてください。"),
    },
    RequestType {
        id: "product_change",
        label: "製品変更・交換",
        services: &[Service::PlusAqua, Service::Alwater],
        fields: &[
            field("model", FieldKind::Text, true, "変更後の機種"),
            field("scheduled_delivery", FieldKind::Date, false, "サーバー配送予定日（プラスアクア）"),
            field("servers", FieldKind::Count, false, "サーバー台数（プラスアクア）"),
            field("first_delivery", FieldKind::Date, false, "初回配送日（アルウォーター）"),
            field("received", FieldKind::Date, false, "サーバー受取日（アルウォーター）"),
        ],
        machine: &SIMPLE,
        warning: None,
    },
];

pub fn find(id: &str) -> Option<&'static RequestType> {
    TYPES.iter().find(|t| t.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_due_date_follows_the_status() {
        let due = |id: &str, status: &str, returned: bool| find(id).and_then(|t| t.due_date(status, returned));
        let cases = [
            ("dealer_change", "received", false, Some("fax_deadline")),
            ("dealer_change", "fax_sent", false, Some("fax_deadline")),
            ("dealer_change", "returned", false, Some("effective_earliest")),
            ("dealer_change", "switching", false, Some("effective_latest")),
            ("dealer_change", "completed", false, None),
            ("pause", "received", false, Some("request_deadline")),
            ("pause", "accepted", false, None),
            ("pause", "paused", false, Some("forced_cancellation")),
            ("cancellation", "accepted", true, Some("return_deadline")),
            ("cancellation", "awaiting_return", false, Some("service_end")),
            ("cancellation", "received", true, None),
            ("product_change", "received", false, Some("free_deadline")),
            ("catalog_stop", "received", false, None),
        ];
        for (id, status, returned, expected) in cases {
            assert_eq!(due(id, status, returned), expected, "{id} {status}");
        }
    }
}

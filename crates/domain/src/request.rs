//! Help-desk requests as data: each kind, the services it applies to, its fields, its state
//! machine (statuses with Japanese labels, allowed transitions, final statuses), the date the
//! next step is due by, and the guards a move must pass.
//! Seeds: 002 (dealer change, catalog stop, address/phone changes to the help desks),
//! 000 and 004 (pause, cancellation, option cancellation, product change).

use std::fmt;

use chrono::NaiveDate;

use crate::tariff::Service;

use Status::*;

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Date,
    Month,
    Count,
    Yen,
    Text,
    /// One of these (code, Japanese label).
    Choice(&'static [(&'static str, &'static str)]),
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

/// Every status a request can be in; which ones a kind uses, and their labels there, are its
/// machine's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Received,
    FaxSent,
    Returned,
    Switching,
    Forwarded,
    Accepted,
    Paused,
    AwaitingReturn,
    Completed,
    Expired,
    Cancelled,
    Resumed,
    ForcedCancellation,
    Rejected,
    Withdrawn,
}

impl Status {
    /// The status as stored and answered.
    pub fn id(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::FaxSent => "fax_sent",
            Status::Returned => "returned",
            Status::Switching => "switching",
            Status::Forwarded => "forwarded",
            Status::Accepted => "accepted",
            Status::Paused => "paused",
            Status::AwaitingReturn => "awaiting_return",
            Status::Completed => "completed",
            Status::Expired => "expired",
            Status::Cancelled => "cancelled",
            Status::Resumed => "resumed",
            Status::ForcedCancellation => "forced_cancellation",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
        }
    }
}

/// One status of a machine: its Japanese label there, and whether the request is closed in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusDef {
    pub status: Status,
    pub label: &'static str,
    pub last: bool,
}

const fn status(status: Status, label: &'static str, last: bool) -> StatusDef {
    StatusDef { status, label, last }
}

/// A state machine: the first status is where a request starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Machine {
    pub statuses: &'static [StatusDef],
    pub transitions: &'static [(Status, Status)],
}

impl Machine {
    pub fn initial(&self) -> Status {
        self.statuses[0].status
    }

    /// The status of this machine stored as `id`.
    pub fn status(&self, id: &str) -> Option<Status> {
        self.statuses.iter().map(|s| s.status).find(|s| s.id() == id)
    }

    pub fn label(&self, status: Status) -> Option<&'static str> {
        self.statuses.iter().find(|s| s.status == status).map(|s| s.label)
    }

    pub fn is_final(&self, status: Status) -> bool {
        self.statuses.iter().any(|s| s.status == status && s.last)
    }

    pub fn allows(&self, from: Status, to: Status) -> bool {
        self.transitions.contains(&(from, to))
    }

    /// Where a request in `from` may go next.
    pub fn next(&self, from: Status) -> Vec<Status> {
        self.transitions.iter().filter(|(f, _)| *f == from).map(|(_, t)| *t).collect()
    }
}

/// 担当販売店変更: 受付 → FAX送付済 → 返送受領 → 切替待ち → 完了, or 期限切れ/取消 (seed 002).
const DEALER_CHANGE: Machine = Machine {
    statuses: &[
        status(Received, "受付", false),
        status(FaxSent, "FAX送付済", false),
        status(Returned, "返送受領", false),
        status(Switching, "切替待ち", false),
        status(Completed, "完了", true),
        status(Expired, "期限切れ", true),
        status(Cancelled, "取消", true),
    ],
    transitions: &[
        (Received, FaxSent),
        (FaxSent, Returned),
        (FaxSent, Expired),
        (Returned, Switching),
        (Switching, Completed),
        (Received, Cancelled),
        (FaxSent, Cancelled),
        (Returned, Cancelled),
        (Switching, Cancelled),
    ],
};

/// A request passed to the help desk or customer center named in the seed, then confirmed.
const FORWARDED: Machine = Machine {
    statuses: &[status(Received, "受付", false), status(Forwarded, "窓口へ連絡済", false), status(Completed, "完了", true), status(Cancelled, "取消", true)],
    transitions: &[(Received, Forwarded), (Forwarded, Completed), (Received, Cancelled), (Forwarded, Cancelled)],
};

/// 休止: accepted before the request deadline, then paused until the next delivery (or forced
/// cancellation past month 4, seeds 000 and 004 第8–10条).
const PAUSE: Machine = Machine {
    statuses: &[
        status(Received, "受付", false),
        status(Accepted, "休止手続済", false),
        status(Paused, "休止中", false),
        status(Resumed, "再開", true),
        status(ForcedCancellation, "強制解約", true),
        status(Rejected, "期限後のため不可", true),
        status(Cancelled, "取消", true),
    ],
    transitions: &[
        (Received, Accepted),
        (Received, Rejected),
        (Accepted, Paused),
        (Paused, Resumed),
        (Paused, ForcedCancellation),
        (Received, Cancelled),
        (Accepted, Cancelled),
    ],
};

/// 解約: accepted, then the server comes back (plus-aqua, 第16条) or the refund claim form is
/// returned (allwatch), then done.
const CANCELLATION: Machine = Machine {
    statuses: &[
        status(Received, "受付", false),
        status(Accepted, "解約手続済", false),
        status(AwaitingReturn, "返却・返送待ち", false),
        status(Completed, "完了", true),
        status(Withdrawn, "撤回", true),
    ],
    transitions: &[
        (Received, Accepted),
        (Accepted, AwaitingReturn),
        (Accepted, Completed),
        (AwaitingReturn, Completed),
        (Received, Withdrawn),
        (Accepted, Withdrawn),
    ],
};

/// A change handled by the customer center: accepted, then done.
const SIMPLE: Machine = Machine {
    statuses: &[status(Received, "受付", false), status(Accepted, "手続済", false), status(Completed, "完了", true), status(Cancelled, "取消", true)],
    transitions: &[(Received, Accepted), (Accepted, Completed), (Received, Cancelled), (Accepted, Cancelled)],
};

/// The plus-aqua plans a pause or a cancellation names (seed 004 第2条, the tariff's labels).
const PLANS: &[(&str, &str)] = &[("basic", "基本プラン"), ("zutto", "ずっとプラスアクアプラン")];

const DEALER_CHANGE_FIELDS: [FieldDef; 3] = [
    field("current_dealer", FieldKind::Text, true, "現在の担当販売店"),
    field("new_dealer", FieldKind::Text, false, "変更後の担当販売店"),
    field("fax_deadline", FieldKind::Date, true, "FAX返信期日"),
];

const CONTACT_CHANGE_FIELDS: [FieldDef; 2] =
    [field("new_address", FieldKind::Text, false, "新しい住所"), field("new_phone", FieldKind::Text, false, "新しい電話番号")];

const PAUSE_FIELDS: [FieldDef; 6] = [
    field("scheduled_delivery", FieldKind::Date, true, "次回配送予定日（休止する配送）"),
    field("last_shipment", FieldKind::Date, true, "最終出荷日（受領済み）"),
    field("next_delivery", FieldKind::Date, true, "再開するお届け日"),
    field("servers", FieldKind::Count, true, "サーバー台数"),
    field("plan", FieldKind::Choice(PLANS), false, "プラン（プラスアクア）"),
    field("first_delivery", FieldKind::Date, false, "初回配送日（プラスアクア）"),
];

const CANCELLATION_FIELDS: [FieldDef; 5] = [
    field("plan", FieldKind::Choice(PLANS), false, "プラン（プラスアクア）"),
    field("first_delivery", FieldKind::Date, false, "初回配送日（プラスアクア）"),
    field("servers", FieldKind::Count, false, "サーバー台数（プラスアクア）"),
    field("paid_through", FieldKind::Month, false, "前払い済みの最終月（ALLwatch）"),
    field("monthly_fee", FieldKind::Yen, false, "月額料金（ALLwatch）"),
];

const PRODUCT_CHANGE_FIELDS: [FieldDef; 5] = [
    field("model", FieldKind::Text, true, "変更後の機種"),
    field("scheduled_delivery", FieldKind::Date, false, "サーバー配送予定日（プラスアクア）"),
    field("servers", FieldKind::Count, false, "サーバー台数（プラスアクア）"),
    field("first_delivery", FieldKind::Date, false, "初回配送日（アルウォーター）"),
    field("received", FieldKind::Date, false, "サーバー受取日（アルウォーター）"),
];

/// The kinds of request the counter files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    DealerChange,
    CatalogStop,
    ContactChange,
    Pause,
    Cancellation,
    OptionCancellation,
    ProductChange,
}

impl RequestKind {
    pub const ALL: [RequestKind; 7] = [
        RequestKind::DealerChange,
        RequestKind::CatalogStop,
        RequestKind::ContactChange,
        RequestKind::Pause,
        RequestKind::Cancellation,
        RequestKind::OptionCancellation,
        RequestKind::ProductChange,
    ];

    /// The kind as stored and answered.
    pub fn id(self) -> &'static str {
        match self {
            RequestKind::DealerChange => "dealer_change",
            RequestKind::CatalogStop => "catalog_stop",
            RequestKind::ContactChange => "contact_change",
            RequestKind::Pause => "pause",
            RequestKind::Cancellation => "cancellation",
            RequestKind::OptionCancellation => "option_cancellation",
            RequestKind::ProductChange => "product_change",
        }
    }

    pub fn from_id(id: &str) -> Option<RequestKind> {
        RequestKind::ALL.into_iter().find(|k| k.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            RequestKind::DealerChange => "担当販売店変更",
            RequestKind::CatalogStop => "カタログ発送停止",
            RequestKind::ContactChange => "住所・電話番号の変更",
            RequestKind::Pause => "休止",
            RequestKind::Cancellation => "解約",
            RequestKind::OptionCancellation => "アル安心サポート解約",
            RequestKind::ProductChange => "製品変更・交換",
        }
    }

    /// The services whose customers can file it.
    pub fn services(self) -> &'static [Service] {
        match self {
            RequestKind::DealerChange | RequestKind::CatalogStop => &[Service::Kaunet],
            RequestKind::ContactChange => &[Service::Kaunet, Service::Alwater],
            RequestKind::Pause => &[Service::Alwater, Service::PlusAqua],
            RequestKind::Cancellation => &[Service::PlusAqua, Service::Allwatch],
            RequestKind::OptionCancellation => &[Service::Alwater],
            RequestKind::ProductChange => &[Service::PlusAqua, Service::Alwater],
        }
    }

    pub fn fields(self) -> &'static [FieldDef] {
        match self {
            RequestKind::DealerChange => &DEALER_CHANGE_FIELDS,
            RequestKind::CatalogStop | RequestKind::OptionCancellation => &[],
            RequestKind::ContactChange => &CONTACT_CHANGE_FIELDS,
            RequestKind::Pause => &PAUSE_FIELDS,
            RequestKind::Cancellation => &CANCELLATION_FIELDS,
            RequestKind::ProductChange => &PRODUCT_CHANGE_FIELDS,
        }
    }

    pub fn machine(self) -> &'static Machine {
        match self {
            RequestKind::DealerChange => &DEALER_CHANGE,
            RequestKind::CatalogStop | RequestKind::ContactChange => &FORWARDED,
            RequestKind::Pause => &PAUSE,
            RequestKind::Cancellation => &CANCELLATION,
            RequestKind::OptionCancellation | RequestKind::ProductChange => &SIMPLE,
        }
    }

    /// Said to the agent when the request is filed.
    pub fn warning(self) -> Option<&'static str> {
        match self {
            RequestKind::OptionCancellation => Some("アル安心サポートは一度解約すると再入会できません。お客様にご了承いただいてください。"),
            _ => None,
        }
    }

    /// The computed date the next step is due by in `status`: the FAX's reply deadline, then the
    /// earliest and latest month the dealer changes (seed 002); the pause's request deadline,
    /// then its forced cancellation (seeds 000, 004 第8–10条); a cancellation's server return
    /// deadline when it has one (plus-aqua, 第16条), else the service end (allwatch); a product
    /// change's free deadline. None: nothing is due.
    pub fn due_date(self, status: Status, has_return_deadline: bool) -> Option<&'static str> {
        use RequestKind as K;
        Some(match (self, status) {
            (K::DealerChange, Received | FaxSent) => "fax_deadline",
            (K::DealerChange, Returned) => "effective_earliest",
            (K::DealerChange, Switching) => "effective_latest",
            (K::Pause, Received) => "request_deadline",
            (K::Pause, Paused) => "forced_cancellation",
            (K::Cancellation, Accepted | AwaitingReturn) if has_return_deadline => "return_deadline",
            (K::Cancellation, Accepted | AwaitingReturn) => "service_end",
            (K::ProductChange, Received) => "free_deadline",
            _ => return None,
        })
    }

    /// The move from the stored status `from` to the status named `to`, if this kind's machine
    /// has it: the status moved to.
    pub fn check_move(self, from: &str, to: &str) -> Result<Status, MoveRefusal> {
        let machine = self.machine();
        let target = machine.status(to).ok_or_else(|| MoveRefusal::NotAStatus { kind: self, to: to.to_string() })?;
        match machine.status(from) {
            Some(current) if machine.allows(current, target) => Ok(target),
            current => Err(MoveRefusal::NotNext { kind: self, from: from.to_string(), to: target, next: current.map(|c| machine.next(c)).unwrap_or_default() }),
        }
    }

    /// The guards beyond the machine, on what the rules computed: a dealer change's FAX counts
    /// only when it came back by its deadline, else nothing changes (seed 002); a pause is
    /// accepted only when it was asked by its deadline (seed 004 第8条).
    pub fn guard(self, to: Status, facts: &MoveFacts) -> Result<(), MoveRefusal> {
        match (self, to, facts) {
            (RequestKind::DealerChange, Returned, MoveFacts { fax: Some(fax), .. }) if !fax.accepted => {
                Err(MoveRefusal::FaxLate { returned: fax.returned, deadline: fax.deadline })
            }
            (RequestKind::Pause, Accepted, MoveFacts { pause_on_time: Some(false), .. }) => Err(MoveRefusal::PauseLate),
            _ => Ok(()),
        }
    }
}

/// What the rules computed that a move's guards read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MoveFacts {
    /// Whether the pause was asked by its request deadline, as computed when it was filed.
    pub pause_on_time: Option<bool>,
    /// The dealer-change FAX coming back now.
    pub fax: Option<FaxReturn>,
}

/// A dealer-change FAX coming back: its deadline, the day it came back, and whether the
/// dealer change takes it (`kaunet::dealer_change`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaxReturn {
    pub deadline: NaiveDate,
    pub returned: NaiveDate,
    pub accepted: bool,
}

/// Why a request cannot move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveRefusal {
    NotAStatus { kind: RequestKind, to: String },
    NotNext { kind: RequestKind, from: String, to: Status, next: Vec<Status> },
    FaxLate { returned: NaiveDate, deadline: NaiveDate },
    PauseLate,
}

impl fmt::Display for MoveRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids = |statuses: &mut dyn Iterator<Item = Status>| statuses.map(Status::id).collect::<Vec<_>>().join(", ");
        match self {
            MoveRefusal::NotAStatus { kind, to } => {
                write!(f, "'{to}' is not a status of a {} request ({})", kind.id(), ids(&mut kind.machine().statuses.iter().map(|s| s.status)))
            }
            MoveRefusal::NotNext { kind, from, to, next } => {
                let next = if next.is_empty() { "none, it is closed".to_string() } else { ids(&mut next.iter().copied()) };
                write!(f, "a {} request cannot go from {from} to {} (next: {next})", kind.id(), to.id())
            }
            MoveRefusal::FaxLate { returned, deadline } => {
                write!(f, "the FAX came back on {returned}, after its deadline {deadline}: nothing changes (seed 002); move it to expired")
            }
            MoveRefusal::PauseLate => write!(f, "the pause request came after its deadline (seed 004 第8条); move it to rejected"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RequestKind as K;

    #[test]
    fn the_due_date_follows_the_status() {
        let cases = [
            (K::DealerChange, Received, false, Some("fax_deadline")),
            (K::DealerChange, FaxSent, false, Some("fax_deadline")),
            (K::DealerChange, Returned, false, Some("effective_earliest")),
            (K::DealerChange, Switching, false, Some("effective_latest")),
            (K::DealerChange, Completed, false, None),
            (K::Pause, Received, false, Some("request_deadline")),
            (K::Pause, Accepted, false, None),
            (K::Pause, Paused, false, Some("forced_cancellation")),
            (K::Cancellation, Accepted, true, Some("return_deadline")),
            (K::Cancellation, AwaitingReturn, false, Some("service_end")),
            (K::Cancellation, Received, true, None),
            (K::ProductChange, Received, false, Some("free_deadline")),
            (K::CatalogStop, Received, false, None),
        ];
        for (kind, status, returned, expected) in cases {
            assert_eq!(kind.due_date(status, returned), expected, "{kind:?} {status:?}");
        }
    }

    #[test]
    fn a_move_names_what_is_wrong() {
        let cases = [
            (K::DealerChange, "received", "fax_sent", Ok(FaxSent)),
            (K::DealerChange, "received", "returned", Err("a dealer_change request cannot go from received to returned (next: fax_sent, cancelled)")),
            (K::DealerChange, "expired", "returned", Err("a dealer_change request cannot go from expired to returned (next: none, it is closed)")),
            (
                K::DealerChange,
                "received",
                "paused",
                Err("'paused' is not a status of a dealer_change request (received, fax_sent, returned, switching, completed, expired, cancelled)"),
            ),
            (K::Pause, "received", "accepted", Ok(Accepted)),
            (K::Pause, "forwarded", "accepted", Err("a pause request cannot go from forwarded to accepted (next: none, it is closed)")),
        ];
        for (kind, from, to, expected) in cases {
            assert_eq!(kind.check_move(from, to).map_err(|e| e.to_string()), expected.map_err(str::to_string), "{kind:?} {from} → {to}");
        }
    }

    #[test]
    fn the_guards_read_what_the_rules_computed() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 12, d).expect("date");
        let fax = |accepted| MoveFacts { fax: Some(FaxReturn { deadline: day(4), returned: day(7), accepted }), pause_on_time: None };
        let on_time = |t| MoveFacts { pause_on_time: Some(t), fax: None };
        let cases = [
            (K::DealerChange, Returned, fax(true), Ok(())),
            (
                K::DealerChange,
                Returned,
                fax(false),
                Err("the FAX came back on 2026-12-07, after its deadline 2026-12-04: nothing changes (seed 002); move it to expired"),
            ),
            (K::DealerChange, Expired, fax(false), Ok(())),
            (K::Pause, Accepted, on_time(true), Ok(())),
            (K::Pause, Accepted, on_time(false), Err("the pause request came after its deadline (seed 004 第8条); move it to rejected")),
            (K::Pause, Rejected, on_time(false), Ok(())),
            (K::Pause, Accepted, MoveFacts::default(), Ok(())),
        ];
        for (kind, to, facts, expected) in cases {
            assert_eq!(kind.guard(to, &facts).map_err(|e| e.to_string()), expected.map_err(str::to_string), "{kind:?} → {to:?}");
        }
    }

    #[test]
    fn ids_read_back() {
        for kind in RequestKind::ALL {
            assert_eq!(RequestKind::from_id(kind.id()), Some(kind));
        }
        assert_eq!(RequestKind::from_id("refund"), None);
    }
}

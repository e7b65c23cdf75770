//! The quote kinds: for each service and kind, its fields (which `--kinds` prints and the
//! parser enforces) and the domain function that answers it. One row per pair.

use madoguchi_domain::issue::CHANNELS;
use madoguchi_domain::quote::{Context, Quote, allwatch, alwater, amano_shop, kaunet, pause, plus_aqua};
use madoguchi_domain::tariff::{Rules, Service, Tariff};

use super::RequestError;
use super::request::{Args, Field, FieldType};

/// One quote kind of one service.
pub struct KindDef {
    pub service: Service,
    pub kind: &'static str,
    /// The Japanese name, for forms.
    pub label: &'static str,
    pub fields: fn(&Tariff) -> Vec<Field>,
    pub run: fn(&Context, &Args) -> Result<Quote, RequestError>,
}

pub const KINDS: &[KindDef] = &[
    KindDef { service: Service::Alwater, kind: "pause", label: "休止", fields: alwater_pause_fields, run: alwater_pause },
    KindDef { service: Service::Alwater, kind: "pause_deadline", label: "休止の申出期日", fields: pause_deadline_fields, run: pause_deadline },
    KindDef { service: Service::Alwater, kind: "exchange", label: "サーバー変更・交換", fields: alwater_exchange_fields, run: alwater_exchange },
    KindDef { service: Service::Alwater, kind: "cooling_off", label: "クーリング・オフ", fields: cooling_off_fields, run: cooling_off },
    KindDef { service: Service::PlusAqua, kind: "pause", label: "休止", fields: plus_aqua_pause_fields, run: plus_aqua_pause },
    KindDef { service: Service::PlusAqua, kind: "pause_deadline", label: "休止の申出期日", fields: pause_deadline_fields, run: pause_deadline },
    KindDef {
        service: Service::PlusAqua, kind: "registration", label: "お申込み（資格・初回登録事務手数料）", fields: registration_fields, run: registration
    },
    KindDef { service: Service::PlusAqua, kind: "cancellation", label: "解約", fields: cancellation_fields, run: plus_aqua_cancellation },
    KindDef {
        service: Service::PlusAqua,
        kind: "pre_start_cancellation",
        label: "利用開始前キャンセル",
        fields: cancellation_fields,
        run: pre_start_cancellation,
    },
    KindDef { service: Service::PlusAqua, kind: "product_change", label: "製品変更", fields: product_change_fields, run: product_change },
    KindDef { service: Service::PlusAqua, kind: "product_exchange", label: "製品交換", fields: product_exchange_fields, run: product_exchange },
    KindDef { service: Service::PlusAqua, kind: "returned_delivery", label: "受取未了の返送", fields: returned_delivery_fields, run: returned_delivery },
    KindDef { service: Service::PlusAqua, kind: "non_return", label: "製品補償料（未返却）", fields: non_return_fields, run: non_return },
    KindDef { service: Service::AmanoShop, kind: "password_check", label: "パスワード確認", fields: password_fields, run: password_check },
    KindDef { service: Service::AmanoShop, kind: "np_terms", label: "NP掛け払いの締め日・支払期限", fields: np_terms_fields, run: np_terms },
    KindDef { service: Service::AmanoShop, kind: "points_expiry", label: "ポイント有効期限", fields: points_fields, run: points_expiry },
    KindDef { service: Service::Kaunet, kind: "purchase_limit", label: "月間購入上限金額", fields: purchase_limit_fields, run: purchase_limit },
    KindDef {
        service: Service::Kaunet, kind: "invoice_timing", label: "請求・購入履歴の反映時期", fields: invoice_timing_fields, run: invoice_timing
    },
    KindDef { service: Service::Kaunet, kind: "dealer_change", label: "担当販売店変更", fields: dealer_change_fields, run: dealer_change },
    KindDef { service: Service::Allwatch, kind: "shipping", label: "端末の出荷日", fields: shipping_fields, run: shipping },
    KindDef { service: Service::Allwatch, kind: "billing", label: "請求スケジュール", fields: billing_fields, run: billing },
    KindDef { service: Service::Allwatch, kind: "cancellation", label: "解約・返金", fields: allwatch_cancellation_fields, run: allwatch_cancellation },
];

pub fn find(service: Service, kind: &str) -> Option<&'static KindDef> {
    KINDS.iter().find(|k| k.service == service && k.kind == kind)
}

fn date(name: &'static str, label: &'static str) -> Field {
    Field::required(name, FieldType::Date, label)
}

fn count(name: &'static str, label: &'static str) -> Field {
    Field::required(name, FieldType::Count, label)
}

fn plan_field(t: &Tariff) -> Field {
    let plans = match &t.rules {
        Rules::PlusAqua(r) => r.plans.iter().map(|p| (p.id.clone(), p.label.clone())).collect(),
        _ => Vec::new(),
    };
    Field::choice("plan", plans, "プラン")
}

fn plus_aqua_models(t: &Tariff) -> Vec<(String, String)> {
    match &t.rules {
        Rules::PlusAqua(r) => r.models.iter().map(|m| (m.id.clone(), m.label.clone())).collect(),
        _ => Vec::new(),
    }
}

fn alwater_pause_fields(_: &Tariff) -> Vec<Field> {
    vec![date("last_shipment", "最終出荷日（受領済み）"), date("next_delivery", "次回お届け日（休止明け）"), count("servers", "サーバー台数")]
}

fn alwater_pause(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    let input = alwater::PauseInput { last_shipment: a.date("last_shipment")?, next_delivery: a.date("next_delivery")?, servers: a.count("servers")? };
    Ok(alwater::pause(ctx, &input)?)
}

fn pause_deadline_fields(_: &Tariff) -> Vec<Field> {
    vec![date("scheduled_delivery", "次回配送予定日")]
}

fn pause_deadline(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    Ok(pause::deadline(ctx, a.date("scheduled_delivery")?)?)
}

fn alwater_exchange_fields(t: &Tariff) -> Vec<Field> {
    let models = match &t.rules {
        Rules::Alwater(r) => r.exchange_models.iter().map(|m| (m.id.clone(), m.label.clone())).collect(),
        _ => Vec::new(),
    };
    vec![
        Field::choice("model", models, "サーバー機種"),
        date("first_delivery", "初回配送（予定）日"),
        Field::optional("received", FieldType::NullableDate, "サーバー受取日（未受取なら空）", "null"),
    ]
}

fn alwater_exchange(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    let input = alwater::ExchangeInput { model: a.text("model", None)?, first_delivery: a.date("first_delivery")?, received: a.optional_date("received")? };
    Ok(alwater::exchange(ctx, &input)?)
}

fn cooling_off_fields(_: &Tariff) -> Vec<Field> {
    vec![date("application_date", "お申込み日"), Field::choice("channel", CHANNELS.iter().copied(), "お申込み方法")]
}

fn cooling_off(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    let input = alwater::CoolingOffInput { application_date: a.date("application_date")?, channel: a.text("channel", None)? };
    Ok(alwater::cooling_off(ctx, &input)?)
}

fn plus_aqua_pause_fields(t: &Tariff) -> Vec<Field> {
    vec![
        plan_field(t),
        date("first_delivery", "初回配送日"),
        date("last_shipment", "最終出荷日（受領済み）"),
        date("next_delivery", "次回お届け日（休止明け）"),
        count("servers", "サーバー台数"),
    ]
}

fn plus_aqua_pause(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    let input = plus_aqua::PauseInput {
        plan: a.text("plan", None)?,
        first_delivery: a.date("first_delivery")?,
        last_shipment: a.date("last_shipment")?,
        next_delivery: a.date("next_delivery")?,
        servers: a.count("servers")?,
    };
    Ok(plus_aqua::pause(ctx, &input)?)
}

fn registration_fields(_: &Tariff) -> Vec<Field> {
    vec![
        count("servers", "サーバー台数"),
        Field::required("birth_date", FieldType::BirthDate, "生年月日"),
        Field::optional("country", FieldType::Country, "国（ISOコード）", "JP"),
    ]
}

fn registration(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    let input = plus_aqua::RegistrationInput { servers: a.count("servers")?, birth_date: a.date("birth_date")?, country: a.text("country", Some("JP"))? };
    Ok(plus_aqua::registration(ctx, &input)?)
}

fn cancellation_fields(t: &Tariff) -> Vec<Field> {
    vec![plan_field(t), date("first_delivery", "初回配送（予定）日"), count("servers", "サーバー台数")]
}

fn cancellation_input(a: &Args) -> Result<plus_aqua::CancellationInput, RequestError> {
    Ok(plus_aqua::CancellationInput { plan: a.text("plan", None)?, first_delivery: a.date("first_delivery")?, servers: a.count("servers")? })
}

fn plus_aqua_cancellation(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    Ok(plus_aqua::cancellation(ctx, &cancellation_input(a)?)?)
}

fn pre_start_cancellation(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    Ok(plus_aqua::pre_start_cancellation(ctx, &cancellation_input(a)?)?)
}

fn product_change_fields(t: &Tariff) -> Vec<Field> {
    vec![Field::choice("model", plus_aqua_models(t), "サーバー機種"), date("scheduled_delivery", "サーバー配送予定日"), count("servers", "サーバー台数")]
}

fn product_change(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    let input =
        plus_aqua::ProductChangeInput { model: a.text("model", None)?, scheduled_delivery: a.date("scheduled_delivery")?, servers: a.count("servers")? };
    Ok(plus_aqua::product_change(ctx, &input)?)
}

fn product_exchange_fields(t: &Tariff) -> Vec<Field> {
    vec![Field::choice("model", plus_aqua_models(t), "サーバー機種"), count("servers", "サーバー台数")]
}

fn product_exchange(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    let input = plus_aqua::ProductExchangeInput { model: a.text("model", None)?, servers: a.count("servers")? };
    Ok(plus_aqua::product_exchange(ctx, &input)?)
}

fn returned_delivery_fields(t: &Tariff) -> Vec<Field> {
    let mut items = vec![("water".to_string(), "お水".to_string())];
    items.extend(plus_aqua_models(t));
    vec![Field::choice("item", items, "返送された物（お水またはサーバー機種）"), count("deliveries", "返送された配送の回数")]
}

fn returned_delivery(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    let input = plus_aqua::ReturnedDeliveryInput { item: a.text("item", None)?, deliveries: a.count("deliveries")? };
    Ok(plus_aqua::returned_delivery(ctx, &input)?)
}

fn non_return_fields(_: &Tariff) -> Vec<Field> {
    vec![
        count("servers", "未返却のサーバー台数"),
        date("cancellation_date", "解約日"),
        Field::optional("returned", FieldType::NullableDate, "返却確認日（未返却なら空）", "null"),
    ]
}

fn non_return(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    let input =
        plus_aqua::NonReturnInput { servers: a.count("servers")?, cancellation_date: a.date("cancellation_date")?, returned: a.optional_date("returned")? };
    Ok(plus_aqua::non_return(ctx, &input)?)
}

fn password_fields(_: &Tariff) -> Vec<Field> {
    vec![Field::required("password", FieldType::Secret, "パスワード")]
}

fn password_check(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    Ok(amano_shop::password_check(ctx, &a.text("password", None)?)?)
}

fn np_terms_fields(t: &Tariff) -> Vec<Field> {
    let terms = match &t.rules {
        Rules::AmanoShop(r) => r.np_terms.iter().map(|t| (t.id.clone(), t.label.clone())).collect(),
        _ => Vec::new(),
    };
    vec![
        Field::choice("terms", terms, "支払条件"),
        date("billing_date", "ご購入（請求対象）日"),
        Field::optional("guest", FieldType::Bool, "ゲスト購入", "false"),
    ]
}

fn np_terms(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    let input = amano_shop::NpTermsInput { terms: a.text("terms", None)?, billing_date: a.date("billing_date")?, guest: a.flag("guest")? };
    Ok(amano_shop::np_terms(ctx, &input)?)
}

fn points_fields(_: &Tariff) -> Vec<Field> {
    vec![date("last_purchase", "最終購入日")]
}

fn points_expiry(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    Ok(amano_shop::points_expiry(ctx, a.date("last_purchase")?)?)
}

fn purchase_limit_fields(_: &Tariff) -> Vec<Field> {
    vec![
        Field::required("monthly_limit", FieldType::Yen, "月間購入上限金額"),
        Field::required("month_to_date", FieldType::Yen, "当月の購入済み金額"),
        Field::required("order_amount", FieldType::Yen, "今回のご注文金額"),
        Field::choice("payment", kaunet::Payment::ALL.map(|p| (p.id(), p.label())), "お支払い方法"),
    ]
}

fn purchase_limit(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    // A choice: the parser took only the listed ids.
    let payment = kaunet::Payment::from_id(&a.text("payment", None)?).unwrap_or(kaunet::Payment::KddiInvoice);
    let input = kaunet::PurchaseLimitInput {
        monthly_limit: a.yen("monthly_limit")?,
        month_to_date: a.yen("month_to_date")?,
        order_amount: a.yen("order_amount")?,
        payment,
    };
    Ok(kaunet::purchase_limit(ctx, &input)?)
}

fn invoice_timing_fields(_: &Tariff) -> Vec<Field> {
    vec![date("shipped", "出荷日")]
}

fn invoice_timing(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    Ok(kaunet::invoice_timing(ctx, a.date("shipped")?)?)
}

fn dealer_change_fields(_: &Tariff) -> Vec<Field> {
    vec![date("fax_deadline", "FAX返信期日"), date("fax_returned", "FAX返信日")]
}

fn dealer_change(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    let input = kaunet::DealerChangeInput { fax_deadline: a.date("fax_deadline")?, fax_returned: a.date("fax_returned")? };
    Ok(kaunet::dealer_change(ctx, &input)?)
}

fn shipping_fields(_: &Tariff) -> Vec<Field> {
    vec![Field::required("received_at", FieldType::Moment, "端末ご発注書の受領日時")]
}

fn shipping(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    Ok(allwatch::shipping(ctx, a.moment("received_at")?)?)
}

fn cycles(t: &Tariff) -> Vec<(String, String)> {
    match &t.rules {
        Rules::Allwatch(r) => r.cycles.iter().map(|c| (c.id.clone(), c.label.clone())).collect(),
        _ => Vec::new(),
    }
}

fn billing_fields(t: &Tariff) -> Vec<Field> {
    vec![
        date("start_date", "サービス利用開始日"),
        Field::choice("cycle", cycles(t), "お支払いサイクル"),
        count("terminals", "端末台数"),
        Field::optional("terminal_ship_date", FieldType::Date, "端末出荷日", "start_date"),
        Field::optional("terminal_price", FieldType::Yen, "端末代金（1台）", "tariff"),
        Field::optional("registration_fee", FieldType::Yen, "初期登録手数料（1台）", "tariff"),
        Field::optional("monthly_fee", FieldType::Yen, "月額料金（1台）", "tariff"),
    ]
}

fn billing(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    let input = allwatch::BillingInput {
        start_date: a.date("start_date")?,
        cycle: a.text("cycle", None)?,
        terminals: a.count("terminals")?,
        terminal_ship_date: a.optional_date("terminal_ship_date")?,
        prices: allwatch::PriceOverrides {
            terminal: a.optional_yen("terminal_price")?,
            registration_fee: a.optional_yen("registration_fee")?,
            monthly_fee: a.optional_yen("monthly_fee")?,
        },
    };
    Ok(allwatch::billing(ctx, &input)?)
}

fn allwatch_cancellation_fields(_: &Tariff) -> Vec<Field> {
    vec![
        date("received", "解約申込書の受領日"),
        Field::required("paid_through", FieldType::Month, "前払い済みの最終月"),
        Field::optional("monthly_fee", FieldType::Yen, "月額料金（契約全体）", "tariff × terminals"),
        Field::optional("terminals", FieldType::Count, "端末台数（月額料金を省略したとき）", "1"),
    ]
}

fn allwatch_cancellation(ctx: &Context, a: &Args) -> Result<Quote, RequestError> {
    let input = allwatch::CancellationInput {
        received: a.date("received")?,
        paid_through: a.month("paid_through")?,
        monthly_fee: a.optional_yen("monthly_fee")?,
        terminals: a.optional_count("terminals")?.unwrap_or(1),
    };
    Ok(allwatch::cancellation(ctx, &input)?)
}

//! A deterministic generator of realistic synthetic Japanese customers across the five
//! services (no real person's data): names with kana, addresses by prefecture (北海道 and
//! 沖縄県 included), phones in every format, accounts, shop orders, documents, requests, notes.
//! The same seed and base date give the same database content.

use rusqlite::{Transaction, params};

use crate::audit::{self, Entry};
use crate::customers::{AccountRecord, CustomerRecord, PhoneRecord, insert_customer};
use crate::{Result, Store};

/// SplitMix64: small, fast and the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn digits(&mut self, count: usize) -> String {
        (0..count).map(|_| char::from(b'0' + self.below(10) as u8)).collect()
    }

    /// A version-4-shaped UUID from the stream, so ids are deterministic too.
    /// The `serial`-th synthetic row id, shaped as `new_id` makes them (UUID version 7: ids made
    /// one after the other sort together), its time a fixed day plus a millisecond every 16
    /// ids, so the same seed gives the same ids.
    fn id(&mut self, serial: u64) -> String {
        const BASE_MS: u64 = 1_793_491_200_000; // 2026-11-01T00:00:00Z
        let random: Vec<u8> = self.next_u64().to_be_bytes().into_iter().chain(self.next_u64().to_be_bytes()).take(10).collect();
        let mut bytes = [0u8; 10];
        bytes.copy_from_slice(&random);
        uuid::Builder::from_unix_timestamp_millis(BASE_MS + serial / 16, &bytes).into_uuid().to_string()
    }
}

/// (kanji, katakana, romaji). 髙橋, 山﨑 and 𠮷田 are here on purpose: lesser fonts and
/// search code break on them.
const FAMILY: [(&str, &str, &str); 48] = [
    ("佐藤", "サトウ", "sato"),
    ("鈴木", "スズキ", "suzuki"),
    ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"),
    ("伊藤", "イトウ", "ito"),
    ("渡辺", "ワタナベ", "watanabe"),
    ("山本", "ヤマモト", "yamamoto"),
    ("中村", "ナカムラ", "nakamura"),
    ("小林", "コバヤシ", "kobayashi"),
    ("加藤", "カトウ", "kato"),
    ("吉田", "ヨシダ", "yoshida"),
    ("山田", "ヤマダ", "yamada"),
    ("佐々木", "ササキ", "sasaki"),
    ("山口", "ヤマグチ", "yamaguchi"),
    ("松本", "マツモト", "matsumoto"),
    ("井上", "イノウエ", "inoue"),
    ("木村", "キムラ", "kimura"),
    ("林", "ハヤシ", "hayashi"),
    ("斎藤", "サイトウ", "saito"),
    ("清水", "シミズ", "shimizu"),
    ("山崎", "ヤマザキ", "yamazaki"),
    ("森", "モリ", "mori"),
    ("池田", "イケダ", "ikeda"),
    ("橋本", "ハシモト", "hashimoto"),
    ("阿部", "アベ", "abe"),
    ("石川", "イシカワ", "ishikawa"),
    ("山下", "ヤマシタ", "yamashita"),
    ("中島", "ナカジマ", "nakajima"),
    ("石井", "イシイ", "ishii"),
    ("小川", "オガワ", "ogawa"),
    ("前田", "マエダ", "maeda"),
    ("岡田", "オカダ", "okada"),
    ("長谷川", "ハセガワ", "hasegawa"),
    ("藤田", "フジタ", "fujita"),
    ("後藤", "ゴトウ", "goto"),
    ("近藤", "コンドウ", "kondo"),
    ("村上", "ムラカミ", "murakami"),
    ("遠藤", "エンドウ", "endo"),
    ("青木", "アオキ", "aoki"),
    ("坂本", "サカモト", "sakamoto"),
    ("髙橋", "タカハシ", "takahashi"),
    ("山﨑", "ヤマサキ", "yamasaki"),
    ("𠮷田", "ヨシダ", "yoshida"),
    ("比嘉", "ヒガ", "higa"),
    ("金城", "キンジョウ", "kinjo"),
    ("工藤", "クドウ", "kudo"),
    ("菊地", "キクチ", "kikuchi"),
    ("大城", "オオシロ", "oshiro"),
];

const GIVEN: [(&str, &str, &str); 32] = [
    ("太郎", "タロウ", "taro"),
    ("花子", "ハナコ", "hanako"),
    ("翔太", "ショウタ", "shota"),
    ("美咲", "ミサキ", "misaki"),
    ("大輔", "ダイスケ", "daisuke"),
    ("陽子", "ヨウコ", "yoko"),
    ("健一", "ケンイチ", "kenichi"),
    ("由美子", "ユミコ", "yumiko"),
    ("蓮", "レン", "ren"),
    ("結衣", "ユイ", "yui"),
    ("浩", "ヒロシ", "hiroshi"),
    ("恵子", "ケイコ", "keiko"),
    ("誠", "マコト", "makoto"),
    ("愛", "アイ", "ai"),
    ("拓也", "タクヤ", "takuya"),
    ("さくら", "サクラ", "sakura"),
    ("直樹", "ナオキ", "naoki"),
    ("真由美", "マユミ", "mayumi"),
    ("和夫", "カズオ", "kazuo"),
    ("幸子", "サチコ", "sachiko"),
    ("優斗", "ユウト", "yuto"),
    ("陽菜", "ヒナ", "hina"),
    ("修", "オサム", "osamu"),
    ("千尋", "チヒロ", "chihiro"),
    ("一郎", "イチロウ", "ichiro"),
    ("明美", "アケミ", "akemi"),
    ("隆", "タカシ", "takashi"),
    ("智子", "トモコ", "tomoko"),
    ("悠真", "ユウマ", "yuma"),
    ("彩", "アヤ", "aya"),
    ("勝", "マサル", "masaru"),
    ("久美子", "クミコ", "kumiko"),
];

const COMPANY_CORE: [(&str, &str, &str); 12] = [
    ("東洋", "トウヨウ", "toyo"),
    ("日本", "ニホン", "nihon"),
    ("北海", "ホッカイ", "hokkai"),
    ("大和", "ヤマト", "yamato"),
    ("三和", "サンワ", "sanwa"),
    ("富士", "フジ", "fuji"),
    ("中央", "チュウオウ", "chuo"),
    ("みらい", "ミライ", "mirai"),
    ("琉球", "リュウキュウ", "ryukyu"),
    ("あおば", "アオバ", "aoba"),
    ("丸山", "マルヤマ", "maruyama"),
    ("さくら", "サクラ", "sakura"),
];

const COMPANY_KIND: [(&str, &str); 8] = [
    ("商事", "ショウジ"),
    ("工業", "コウギョウ"),
    ("物産", "ブッサン"),
    ("運輸", "ウンユ"),
    ("建設", "ケンセツ"),
    ("電機", "デンキ"),
    ("食品", "ショクヒン"),
    ("不動産", "フドウサン"),
];

/// (prefecture, weight, [(city, postal prefix)], area code).
type Place = (&'static str, u64, &'static [(&'static str, &'static str)], &'static str);
const PLACES: [Place; 16] = [
    ("北海道", 6, &[("札幌市中央区", "060"), ("札幌市北区", "001"), ("旭川市", "070")], "011"),
    ("宮城県", 3, &[("仙台市青葉区", "980"), ("仙台市泉区", "981")], "022"),
    ("東京都", 18, &[("千代田区", "100"), ("新宿区", "160"), ("世田谷区", "154"), ("八王子市", "192")], "03"),
    ("神奈川県", 10, &[("横浜市中区", "231"), ("川崎市中原区", "211"), ("相模原市中央区", "252")], "045"),
    ("埼玉県", 7, &[("さいたま市浦和区", "330"), ("川口市", "332")], "048"),
    ("千葉県", 6, &[("千葉市中央区", "260"), ("船橋市", "273")], "043"),
    ("愛知県", 7, &[("名古屋市中区", "460"), ("豊田市", "471")], "052"),
    ("大阪府", 9, &[("大阪市北区", "530"), ("堺市堺区", "590"), ("豊中市", "560")], "06"),
    ("京都府", 3, &[("京都市中京区", "604"), ("宇治市", "611")], "075"),
    ("兵庫県", 5, &[("神戸市中央区", "650"), ("姫路市", "670")], "078"),
    ("広島県", 3, &[("広島市中区", "730"), ("福山市", "720")], "082"),
    ("福岡県", 5, &[("福岡市博多区", "812"), ("北九州市小倉北区", "802")], "092"),
    ("静岡県", 3, &[("静岡市葵区", "420"), ("浜松市中央区", "430")], "054"),
    ("新潟県", 2, &[("新潟市中央区", "951"), ("長岡市", "940")], "025"),
    ("鹿児島県", 2, &[("鹿児島市", "892"), ("霧島市", "899")], "099"),
    ("沖縄県", 3, &[("那覇市", "900"), ("沖縄市", "904"), ("宜野湾市", "901")], "098"),
];

const TOWNS: [&str; 10] = ["本町", "中央", "旭町", "栄町", "緑町", "若葉", "桜ケ丘", "東町", "西町", "港町"];
const BUILDINGS: [&str; 6] = ["コーポ若葉", "メゾン栄", "サンハイツ", "グランドパレス", "第二ビル", "レジデンス中央"];
const MAIL_DOMAINS: [&str; 4] = ["example.com", "example.net", "example.org", "example.jp"];

/// (code, name, unit price 税込, tax, delivery note allowed): amano-shop products.
const PRODUCTS: [(&str, &str, u32, &str, bool); 8] = [
    ("PT-100", "特注駐車券（1,000枚）", 16500, "standard", true),
    ("ST-200", "特注サービス券（500枚）", 8800, "standard", true),
    ("SL-050", "小ロットサービス券（100枚）", 3300, "standard", true),
    ("TR-9000", "タイムレコーダー TR-9000", 43780, "standard", false),
    ("TC-100", "タイムカード（100枚入）", 1650, "standard", false),
    ("PS-A4", "給与明細用紙 A4（500枚）", 5280, "standard", false),
    ("CL-30", "集塵機用フィルター", 7700, "standard", false),
    ("WT-2L", "天然水 2L×6本", 1296, "reduced", false),
];

const DEALERS: [&str; 4] = ["KDDIまとめてオフィス", "丸文堂文具店", "オフィスサプライ中央", "みらい事務機"];
const SERVICES: [&str; 5] = ["alwater", "amano-shop", "kaunet", "allwatch", "plus-aqua"];

/// Dates relative to the base date, without a calendar crate: days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn date(days: i64) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// How a phone number is written: the formats callers and old exports really use.
fn write_phone(rng: &mut Rng, digits: &str, area_len: usize) -> String {
    let (area, rest) = digits.split_at(area_len);
    let (middle, last) = rest.split_at(rest.len() - 4);
    match rng.below(8) {
        0..=2 => format!("{area}-{middle}-{last}"),
        3 => digits.to_string(),
        4 => format!("{area}({middle}){last}"),
        5 => format!("{area}-{middle}-{last}").chars().map(|c| if c == '-' { '－' } else { char::from_u32(c as u32 + 0xFEE0).unwrap_or(c) }).collect(),
        6 => format!("+81 {}-{middle}-{last}", &area[1..]),
        _ => format!("{area} {middle} {last}"),
    }
}

fn phone(rng: &mut Rng, area_code: &str, mobile: bool) -> PhoneRecord {
    let (area, total) = if mobile { (*rng.pick(&["090", "080", "070"]), 11) } else { (area_code, 10) };
    let digits = format!("{area}{}", rng.digits(total - area.len()));
    let number = write_phone(rng, &digits, area.len());
    PhoneRecord { number, label: Some(if mobile { "携帯" } else { "自宅" }.to_string()) }
}

/// Counters that make customer and order numbers unique across one generation run.
#[derive(Default)]
struct Numbers {
    per_service: [u64; 5],
    orders: u64,
    documents: u64,
}

fn account(rng: &mut Rng, service_index: usize, numbers: &mut Numbers, today: i64) -> AccountRecord {
    numbers.per_service[service_index] += 1;
    let n = numbers.per_service[service_index];
    let service = SERVICES[service_index];
    let mut a = AccountRecord { service: service.to_string(), status: "active".to_string(), ..AccountRecord::default() };
    let first = today - 30 - rng.below(1500) as i64;
    match service {
        "alwater" => {
            a.customer_number = format!("AW{n:08}");
            a.server_model = Some(rng.pick(&["slim3", "amadana-standard", "cado"]).to_string());
            a.servers = Some(1 + rng.below(2) as i64);
            a.first_delivery = Some(date(first));
            a.last_shipment = Some(date(today - rng.below(120) as i64));
            a.status = rng.pick(&["active", "active", "active", "paused", "cancelled"]).to_string();
        }
        "plus-aqua" => {
            a.customer_number = format!("PA{n:08}");
            a.plan = Some(rng.pick(&["basic", "zutto"]).to_string());
            a.server_model = Some(rng.pick(&["amadana-standard", "slim3-long", "slim3-short"]).to_string());
            a.servers = Some(1 + rng.below(2) as i64);
            a.first_delivery = Some(date(first));
            a.last_shipment = Some(date(today - rng.below(120) as i64));
            a.status = rng.pick(&["active", "active", "active", "paused"]).to_string();
        }
        "kaunet" => {
            a.customer_number = format!("KN{n:08}");
            a.dealer = Some(rng.pick(&DEALERS).to_string());
            a.monthly_limit = Some(rng.pick(&["50000", "100000", "300000", "1000000"]).to_string());
        }
        "allwatch" => {
            a.customer_number = format!("M2M{n:07}");
            a.billing_cycle = Some(rng.pick(&["6m", "12m"]).to_string());
            let (y, m, _) = civil_from_days(today);
            a.paid_through = Some(if m <= 6 { format!("{y:04}-06") } else { format!("{y:04}-12") });
            a.terminals = Some(1 + rng.below(5) as i64);
            a.first_delivery = Some(date(first));
        }
        _ => {
            a.customer_number = format!("AM{n:08}");
            let member = rng.chance(85);
            a.member = Some(member);
            a.np_terms = Some(
                if member {
                    rng.pick(&["month_end/next_month_end", "day20/next_month_end", "month_end/month_after_next_end"])
                } else {
                    &"month_end/next_month_end"
                }
                .to_string(),
            );
            a.points = Some(if member { rng.below(5000) as i64 } else { 0 });
        }
    }
    a
}

/// A postal code of Japan Post's table near a random one of the city's area (so an export of
/// the synthetic customers imports without a warning a row); the random one if the area has
/// none.
fn real_postal_code(random: &str) -> String {
    madoguchi_domain::postal::nearest(random).unwrap_or_else(|| random.to_string())
}

/// One synthetic customer; `serial` makes each email address unique.
fn customer(rng: &mut Rng, serial: &mut u64, today: i64) -> CustomerRecord {
    let total: u64 = PLACES.iter().map(|p| p.1).sum();
    let mut roll = rng.below(total);
    let place = PLACES.iter().find(|p| {
        if roll < p.1 {
            true
        } else {
            roll -= p.1;
            false
        }
    });
    let (prefecture, _, cities, area_code) = place.copied().unwrap_or(PLACES[2]);
    let (city, postal_prefix) = *rng.pick(cities);
    let company = rng.chance(12);
    let (name, kana, romaji) = if company {
        let (core, core_kana, core_romaji) = *rng.pick(&COMPANY_CORE);
        let (kind, kind_kana) = *rng.pick(&COMPANY_KIND);
        let legal = if rng.chance(80) { "株式会社" } else { "有限会社" };
        (format!("{legal}{core}{kind}"), format!("{core_kana}{kind_kana}"), core_romaji.to_string())
    } else {
        let (family, family_kana, family_romaji) = *rng.pick(&FAMILY);
        let (given, given_kana, given_romaji) = *rng.pick(&GIVEN);
        (format!("{family}　{given}"), format!("{family_kana} {given_kana}"), format!("{given_romaji}.{family_romaji}"))
    };
    *serial += 1;
    let mobile = !company && rng.chance(60);
    let mut phones = vec![phone(rng, area_code, mobile)];
    if rng.chance(35) {
        phones.push(phone(rng, area_code, true));
    }
    let emails = if rng.chance(80) { vec![format!("{romaji}{}@{}", *serial, rng.pick(&MAIL_DOMAINS))] } else { Vec::new() };
    let building = if rng.chance(40) { format!(" {}{}", rng.pick(&BUILDINGS), 101 + rng.below(900)) } else { String::new() };
    CustomerRecord {
        kind: if company { "company" } else { "person" }.to_string(),
        name,
        name_kana: kana,
        birth_date: (!company).then(|| date(today - (18 * 365 + rng.below(65 * 365) as i64))),
        prefecture: prefecture.to_string(),
        postal_code: real_postal_code(&format!("{postal_prefix}{}", rng.digits(4))),
        address: format!("{city}{}{}丁目{}-{}{building}", rng.pick(&TOWNS), 1 + rng.below(5), 1 + rng.below(30), 1 + rng.below(20)),
        phones,
        emails,
        accounts: Vec::new(),
    }
}

/// What `db seed` wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub customers: u64,
    pub orders: u64,
    pub documents: u64,
    pub requests: u64,
    pub notes: u64,
}

impl Store {
    /// Adds `count` synthetic customers from `seed`, in one transaction (all or nothing).
    /// `today` (days since 1970-01-01, Japan time) anchors their dates; `now` stamps the rows.
    /// `progress(done)` is called every 10,000 customers and may return false to cancel.
    pub fn seed(&mut self, count: u64, seed: u64, today: i64, now: &str, progress: &mut dyn FnMut(u64) -> bool) -> Result<SeedReport> {
        self.bulk_load(|tx| {
            let mut rng = Rng::new(seed);
            let mut ids = Rng::new(seed ^ 0x05EE_D1D5);
            let mut serial_id = 0;
            let mut next_id = move || {
                serial_id += 1;
                ids.id(serial_id)
            };
            let mut numbers = Numbers::default();
            let mut serial = 0u64;
            let mut report = SeedReport::default();
            let dates = Dates { today, now };
            for done in 0..count {
                if done % 10_000 == 0 && !progress(done) {
                    return Err(crate::StoreError::invalid("seed", "cancelled; nothing was written"));
                }
                let mut record = customer(&mut rng, &mut serial, today);
                let services = 1 + usize::from(rng.chance(25)) + usize::from(rng.chance(5));
                let first = rng.below(5) as usize;
                for k in 0..services {
                    let index = (first + k * 2) % 5;
                    record.accounts.push(account(&mut rng, index, &mut numbers, today));
                }
                let (customer_id, account_ids) = insert_customer(tx, &record, &mut next_id, "seed", now)?;
                for (account, account_id) in record.accounts.iter().zip(&account_ids) {
                    if account.service == "amano-shop" {
                        seed_orders(tx, &mut rng, &mut next_id, &mut numbers, &customer_id, account_id, dates)?;
                    }
                    if account.service == "kaunet" && rng.chance(3) {
                        seed_request(tx, &mut next_id, &customer_id, account_id, dates)?;
                        report.requests += 1;
                    }
                }
                if rng.chance(10) {
                    let body = rng.pick(&[
                        "配送日の変更について問い合わせ。次回分から変更済み。",
                        "請求書の宛名変更を希望。マイページでの手続きを案内。",
                        "休止の手数料について説明。了承済み。",
                        "解約の申出。契約更新月を案内し、再度連絡するとのこと。",
                    ]);
                    let note_id = next_id();
                    tx.prepare_cached("INSERT INTO call_notes (id, customer_id, author, at, body, updated_at) VALUES (?1, ?2, 'seed', ?3, ?4, ?3)")?
                        .execute(params![note_id, customer_id, now, body])?;
                    audit::append(tx, now, "seed", Entry::insert("call_notes", &note_id, Some(body)))?;
                    report.notes += 1;
                }
                report.customers += 1;
            }
            progress(count);
            report.orders = numbers.orders;
            report.documents = numbers.documents;
            Ok(report)
        })
    }
}

/// The day the seeded data is anchored to (days since 1970-01-01, Japan time) and the stamp
/// of its rows.
#[derive(Clone, Copy)]
struct Dates<'a> {
    today: i64,
    now: &'a str,
}

/// Up to three orders of a shop account, some with a receipt; counted in `numbers`.
fn seed_orders(
    tx: &Transaction,
    rng: &mut Rng,
    ids: &mut dyn FnMut() -> String,
    numbers: &mut Numbers,
    customer_id: &str,
    account_id: &str,
    Dates { today, now }: Dates,
) -> Result<()> {
    for _ in 0..rng.below(4) {
        numbers.orders += 1;
        let order_id = ids();
        let ordered = today - rng.below(400) as i64;
        let shipped = (rng.chance(85) && ordered < today - 1).then(|| date(ordered + 1 + rng.below(3) as i64));
        let payment = *rng.pick(&["credit_card", "credit_card", "np_invoice", "bank_transfer"]);
        tx.prepare_cached(
            "INSERT INTO orders (id, account_id, order_number, ordered_at, payment_method, shipped_on, status, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            order_id,
            account_id,
            format!("EC{:010}", numbers.orders),
            format!("{}T10:00:00+09:00", date(ordered)),
            payment,
            shipped,
            if shipped.is_some() { "shipped" } else { "ordered" },
            now
        ])?;
        let mut total: u64 = 0;
        for line_no in 1..=(1 + rng.below(4) as i64) {
            let (code, name, price, tax, note) = *rng.pick(&PRODUCTS);
            let quantity = 1 + rng.below(3) as i64;
            total += u64::from(price) * quantity as u64;
            tx.prepare_cached(
                "INSERT INTO order_lines (id, order_id, line_no, product_code, name, quantity, unit_price, tax, delivery_note, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![ids(), order_id, line_no, code, name, quantity, price.to_string(), tax, note, now])?;
        }
        if shipped.is_some() && payment == "credit_card" && rng.chance(20) {
            numbers.documents += 1;
            let snapshot =
                format!("{{\"type\":\"receipt\",\"order\":\"EC{:010}\",\"total\":\"{total}\",\"payment\":\"クレジットカード決済\"}}", numbers.orders);
            let hash: String = (0..4).map(|_| format!("{:016x}", rng.next_u64())).collect();
            tx.prepare_cached(
                "INSERT INTO documents (id, customer_id, account_id, order_id, doc_type, number, issued_at, snapshot, pdf_sha256, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 'receipt', ?5, ?6, ?7, ?8, ?6)",
            )?
            .execute(params![ids(), customer_id, account_id, order_id, format!("SEED-R{:08}", numbers.documents), now, snapshot, hash])?;
        }
    }
    Ok(())
}

fn seed_request(tx: &Transaction, ids: &mut dyn FnMut() -> String, customer_id: &str, account_id: &str, Dates { today, now }: Dates) -> Result<()> {
    let request_id = ids();
    tx.prepare_cached(
        "INSERT INTO requests (id, customer_id, account_id, request_type, status, fields, due_on, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'dealer_change', 'received', '{}', ?4, ?5, ?5)",
    )?
    .execute(params![request_id, customer_id, account_id, date(today + 10), now])?;
    tx.prepare_cached(
        "INSERT INTO request_history (id, request_id, seq, from_status, to_status, actor, at, comment, updated_at)
         VALUES (?1, ?2, 1, NULL, 'received', 'seed', ?3, '', ?3)",
    )?
    .execute(params![ids(), request_id, now])?;
    Ok(())
}

// Japanese words for what the Rust side answers without a label (services, account and order statuses, the field paths errors name, answer keys), and error wording.

export const SERVICES = {
  alwater: 'アルウォーター',
  'amano-shop': 'アマノオンラインショップ',
  kaunet: 'カウネット',
  allwatch: 'ALLwatch',
  'plus-aqua': 'プラスアクア',
};

export const SERVICE_ORDER = ['alwater', 'plus-aqua', 'amano-shop', 'kaunet', 'allwatch'];

export function serviceName(id) {
  return SERVICES[id] || id || '';
}

export const ACCOUNT_STATUS = { active: '契約中', paused: '休止中', cancelled: '解約' };
export const ORDER_STATUS = { ordered: '受注', shipped: '出荷済', cancelled: 'キャンセル', delivered: '配達済' };
/** Tax categories in a table's narrow column (the forms show the declared long labels). */
export const TAX = { standard: '10%', reduced: '8%※', non_taxable: '不課税' };

/** The 47 prefectures in their JIS order, as the API takes them (crates/domain/src/prefecture.rs). */
export const PREFECTURES = [
  '北海道', '青森県', '岩手県', '宮城県', '秋田県', '山形県', '福島県', '茨城県', '栃木県', '群馬県', '埼玉県', '千葉県', '東京都', '神奈川県', '新潟県', '富山県',
  '石川県', '福井県', '山梨県', '長野県', '岐阜県', '静岡県', '愛知県', '三重県', '滋賀県', '京都府', '大阪府', '兵庫県', '奈良県', '和歌山県', '鳥取県', '島根県',
  '岡山県', '広島県', '山口県', '徳島県', '香川県', '愛媛県', '高知県', '福岡県', '佐賀県', '長崎県', '熊本県', '大分県', '宮崎県', '鹿児島県', '沖縄県',
];

/** Field names the API may name in an error, and fields of documents and accounts. */
export const FIELDS = {
  body: '通話メモ',
  note: 'メモ',
  query: '検索語',
  customer: 'お客様',
  customer_id: 'お客様',
  id: 'ID',
  as_of: '受付日時',
  prefecture: '都道府県',
  service: 'サービス',
  kind: '見積りの種類',
  type: '種類',
  to: '変更後の状態',
  fields: '項目',
  request: '見積り',
  document: '書類',
  doc_type: '書類の種類',
  number: '書類番号',
  path: '保存先',
  order_id: '注文',
  agent: '担当者名',
  'agent.name': '担当者名',
  'numbering.installation': '採番用の端末コード',
  'documents.dir': '書類の保存フォルダ',
  'sync.dir': '共有フォルダ',
  since: '差分の基準（受け取った同期ファイル）',
  create: 'データベースの作成',
  purpose: 'フォルダの用途',
  skip_bad: '誤りのある行を飛ばす',
  encoding: '文字コード',
  key: '設定項目',
  value: '設定値',
  count: '件数',
  customers: '件数',
  job: '処理',
  issuer: '発行者',
  issued_on: '発行日',
  recipient: '宛名',
  name: '名称',
  honorific: '敬称',
  postal_code: '郵便番号',
  address: '住所',
  phone: '電話番号',
  fax: 'FAX番号',
  registration_number: '登録番号（T番号）',
  lines: '明細',
  quantity: '数量',
  unit: '単価（税込）',
  tax: '税区分',
  delivery_note: '納品書対象',
  estimated_on: '見積日',
  member: '会員',
  order_number: '注文番号',
  ordered_on: '注文日',
  shipped_on: '出荷日',
  payment: '支払方法',
  item_name: 'お品物名',
  contract_date: '契約日',
  channel: 'お申込み方法',
  product: '商品・役務',
  amount: '金額',
  seller: '販売業者',
  sent_on: '発送日',
  salesperson: '担当者（販売員）',
  credit_company: 'クレジット会社',
  stock: '用紙',
  'recipient.kind': '個人・法人',
  'seller.kind': '個人・法人',
  customer_number: 'お客様番号',
  received: '受領日',
  paid_through: '前払い済みの最終月',
  monthly_fee: '月額料金',
  current_dealer: '現在の担当販売店',
  new_dealer: '変更後の担当販売店',
  return_deadline: '返信期限',
  return_fax: '返信先FAX',
  seal: '印影',
  plan: 'プラン',
  server_model: 'サーバー機種',
  servers: 'サーバー台数',
  first_delivery: '初回配送日',
  last_shipment: '最終出荷日',
  dealer: '担当販売店',
  monthly_limit: '月間購入上限金額',
  billing_cycle: '支払サイクル',
  terminals: '端末台数',
  np_terms: 'NP支払条件',
  points: 'ポイント',
  fax_deadline: 'FAX返信期日',
  model: '機種',
  scheduled_delivery: '次回配送予定日',
  next_delivery: '再開するお届け日',
  new_address: '新しい住所',
  new_phone: '新しい電話番号',
  name_kana: 'フリガナ',
  birth_date: '生年月日',
  phone1: '電話番号1',
  phone2: '電話番号2',
  email: 'メールアドレス',
  status: '状態',
  file: 'CSVファイル',
  line: '行',
};

export function fieldLabel(name, extra = {}) {
  if (!name) return '';
  if (extra[name]) return extra[name];
  if (FIELDS[name]) return FIELDS[name];
  // "lines[2].unit" or "recipient.name": label the last part, keep the position.
  const parts = String(name).split('.');
  const last = parts[parts.length - 1].replace(/\[(\d+)\]$/, '');
  const index = /\[(\d+)\]/.exec(name);
  const base = extra[last] || FIELDS[last] || last;
  return index ? `${base}（${Number(index[1]) + 1}行目）` : base;
}

/** Keys of quote answers (dates, flags, others) in Japanese. */
export const ANSWER_KEYS = {
  free_until: '無料で休止できる期限',
  forced_cancellation: '強制解約となる日',
  request_deadline: '申出期限',
  on_time: '期限内',
  free_deadline: '無料で手続きできる期限',
  free: '無料',
  last_day: 'クーリング・オフ最終日',
  eligible: '対象',
  within_period: '期間内',
  reasons: '理由',
  contract_month: '契約月（何か月目）',
  renewal_window_start: '契約更新月の開始日',
  renewal_window_end: '契約更新月の受付終了',
  return_deadline: 'サーバー返却期限',
  valid: '有効',
  problems: '問題点',
  closing: '締め日',
  invoice_issued: '請求書発行日',
  due: '支払期限',
  expires: 'ポイント有効期限（最終日）',
  allowed: 'ご注文可否',
  remaining: '残り購入可能額',
  invoice_month: '請求月',
  history_visible: '購入履歴への反映日',
  accepted: '受付可否',
  effective_earliest: '変更の適用（最短）',
  effective_latest: '変更の適用（最長）',
  ship_date: '出荷日',
  service_end: 'サービス終了日',
  refund_months: '返金対象月',
  bills: '請求予定',
  fax_returned: 'FAX返信日',
  fax_deadline: 'FAX返信期日',
  total: '金額',
};

export const REASONS = {
  under_20: '20歳未満',
  okinawa: '沖縄県はサービス対象外',
  outside_japan: '日本国外',
  too_short: '短すぎます',
  too_long: '長すぎます',
  invalid_char: '使えない文字があります',
  triple_repeat: '同じ文字が3回以上続いています',
};

export function answerKeyLabel(key) {
  return ANSWER_KEYS[key] || FIELDS[key] || key;
}

/** Known English reasons of the API, as Japanese sentences (the original is shown beside them). */
const REASON_PATTERNS = [
  // Files chosen in dialogs (the open database, an existing file, a seal image).
  [/open database|database (that is|which is) open|database in use|the database itself|-wal|-shm/i, () => '開いているデータベースのファイルには書き込めません。別の場所・名前を選んでください。'],
  [/already exists/i, () => 'そのファイルはすでにあります。別の名前を選んでください（既存のファイルは上書きしません）。'],
  [/MiB|too (big|large)/i, () => 'ファイルが大きすぎます（1 MiB まで）。'],
  [/not a PNG|PNG image/i, () => '印影画像は PNG 形式のファイルを選んでください。'],
  [/is a folder/i, () => 'フォルダではなくファイルを選んでください。'],
  [/is not a folder/i, () => 'フォルダを選んでください。'],
  [/is not a file/i, () => 'ファイルを選んでください。'],
  [/no issuer|issuer (is )?(not set|missing)/i, () => '先に発行者を保存してください。'],
  [/payment-card number|card number/i, () => 'カード番号と思われる数字が含まれています。カード情報は記録できません（お客様には決済代行会社でのご登録をご案内ください）。'],
  [/rows? (have|has) errors/i, () => '誤りのある行があるため、何も書き込んでいません。行と項目は下の一覧のとおりです。'],
  [/^missing|is missing|missing\b/i, () => '入力が必要です。'],
  [/is empty|must not be empty/i, () => '入力が必要です。'],
  [/must be at least (\d+)/i, (m) => `${m[1]}以上の値を入力してください。`],
  [/must be at most (\d+)/i, (m) => `${m[1]}以下の値を入力してください。`],
  [/not a (valid )?date|YYYY-MM-DD|impossible date/i, () => '日付を YYYY-MM-DD の形式で正しく入力してください。'],
  [/YYYY-MM\b|not a month/i, () => '年月を YYYY-MM の形式で入力してください。'],
  [/RFC 3339|moment/i, () => '日時を正しく入力してください（例 2026-11-20T10:00:00+09:00）。'],
  [/is not one of/i, () => '選択肢の中から選んでください。'],
  [/whole yen|yen/i, () => '金額を半角数字（円単位）で入力してください。'],
  [/whole number/i, () => '半角数字で入力してください。'],
  [/cannot go from|is not a status/i, () => 'この状態へは変更できません。'],
  [/after its deadline|too late|past its/i, () => '期限を過ぎているため受け付けられません。'],
  [/has no account/i, () => 'この依頼に必要なサービスのご契約がありません。'],
  [/not found/i, () => '見つかりません。'],
  [/characters/i, () => '文字数が範囲外です。'],
  [/capital letters or digits/i, () => '半角英大文字・数字で入力してください。'],
  [/unknown field/i, () => 'この項目は使えません。'],
  [/no rule|give no rule|gives no rule/i, () => 'このサービスの規約にはこの計算の定めがありません。'],
];

/** One Japanese line for an error: the field named, what is wrong; `original` is the API's own line. */
export function describeError(error, extraLabels = {}) {
  const code = error && error.code;
  const field = error && error.field;
  const message = (error && error.message) || '';
  let reason = null;
  for (const [pattern, make] of REASON_PATTERNS) {
    const m = pattern.exec(message);
    if (m) {
      reason = make(m);
      break;
    }
  }
  if (!reason) {
    reason = code === 'not_found' ? '見つかりません。' : code === 'failed' ? '処理できませんでした。' : '入力内容を確認してください。';
  }
  const label = field ? fieldLabel(field, extraLabels) : '';
  return { label, reason, original: message, text: label ? `${label}: ${reason}` : reason };
}

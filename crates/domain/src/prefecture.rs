//! The 47 prefectures (都道府県) by their Japanese names, and the ones rules single out.

use std::fmt;

const PREFECTURES: [&str; 47] = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
];

/// A prefecture, by its full Japanese name (e.g. `北海道`, `東京都`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Prefecture(&'static str);

impl Prefecture {
    /// Default of the quote contract: a request without `prefecture` is in Tokyo.
    pub const TOKYO: Prefecture = Prefecture("東京都");

    /// The prefecture of that exact name (`北海道`, `大阪府`, …), or `None`.
    pub fn from_name(name: &str) -> Option<Self> {
        PREFECTURES.iter().find(|p| **p == name).map(|p| Prefecture(p))
    }

    pub fn all() -> impl Iterator<Item = Prefecture> {
        PREFECTURES.iter().map(|p| Prefecture(p))
    }

    pub fn name(self) -> &'static str {
        self.0
    }

    /// 北海道地域: one more business day of lead time (seeds 000, 004).
    pub fn is_hokkaido(self) -> bool {
        self.0 == "北海道"
    }
}

impl fmt::Display for Prefecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

//! Variant kanji (異体字) in search keys: each pair of a table finds the other both ways, kana
//! and ASCII keys are untouched, and distinct kanji that only look alike stay apart.

use madoguchi_domain::text::{fold_variant, literal_key, search_key};

#[test]
fn variant_pairs_share_one_search_key_both_ways() {
    // (as stored, as the agent types it): names as they are written in Japan.
    let pairs = [
        ("髙橋", "高橋"),
        ("山﨑", "山崎"),
        ("渡邊", "渡辺"),
        ("渡邉", "渡辺"),
        ("渡邊", "渡邉"),
        ("齋藤", "斎藤"),
        ("齊藤", "斉藤"),
        ("澤田", "沢田"),
        ("濱田", "浜田"),
        ("國分", "国分"),
        ("櫻井", "桜井"),
        ("廣瀬", "広瀬"),
        ("嶋田", "島田"),
        ("嶌田", "島田"),
        ("𠮷田", "吉田"),
        ("黑田", "黒田"),
        ("龍崎", "竜崎"),
        ("瀧本", "滝本"),
        ("關口", "関口"),
        ("惠子", "恵子"),
        ("德永", "徳永"),
        ("眞理子", "真理子"),
        ("北條", "北条"),
        ("彌生", "弥生"),
        ("峯岸", "峰岸"),
        ("冨田", "富田"),
        ("圓山", "円山"),
        ("萬田", "万田"),
        ("藏前", "蔵前"),
        ("曾根", "曽根"),
        ("舘野", "館野"),
    ];
    for (stored, typed) in pairs {
        assert_eq!(search_key(stored), search_key(typed), "{stored} and {typed}");
        assert_eq!(search_key(typed), search_key(stored), "{typed} and {stored}");
        assert_ne!(literal_key(stored), literal_key(typed), "{stored} and {typed} differ as typed");
    }
}

#[test]
fn distinct_kanji_that_look_alike_stay_apart() {
    // Jōyō kanji never fold into one another, nor 人名用漢字 into a look-alike.
    for (a, b) in
        [("斎藤", "斉藤"), ("棋", "碁"), ("研", "硯"), ("田中", "佃中"), ("沢", "途"), ("広田", "岸田"), ("飴", "飼"), ("湛", "沈"), ("吉", "桔"), ("浜", "頻")]
    {
        assert_ne!(search_key(a), search_key(b), "{a} and {b} must not match");
    }
}

#[test]
fn the_table_folds_only_kanji_and_is_idempotent() {
    for c in ['あ', 'ア', 'a', '1', '高', '崎', '辺', 'ー', '　'] {
        assert_eq!(fold_variant(c), c, "{c} stays");
    }
    for c in ['髙', '﨑', '邊', '邉', '澤', '濱', '齋'] {
        let folded = fold_variant(c);
        assert_ne!(folded, c);
        assert_eq!(fold_variant(folded), folded, "{c} → {folded} folds no further");
    }
    assert_eq!(search_key("ｻﾄｳ　ﾀﾛｳ"), search_key("さとうたろう"), "kana folding is as before");
}

//! 名寄せ: a table of customer pairs, likely the same person or not, and why.

use madoguchi_domain::duplicates::{Identity, Likeness, SamePerson::*, SharedContact::*, likely_same};

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn pairs_sharing_a_contact_and_a_personal_detail_are_likely_one_person() {
    // (case, a: phones, emails, kana, birth; b: phones, emails, kana, birth; expected reasons)
    type Side<'a> = (&'a [&'a str], &'a [&'a str], &'a str, Option<&'a str>);
    let cases: [(&str, Side, Side, Option<Likeness>); 12] = [
        (
            "same phone in two formats and the same kana in two scripts",
            (&["03-1234-5678"], &[], "ヤマダ ハナコ", None),
            (&["０３（１２３４）５６７８"], &[], "やまだはなこ", None),
            Some(Likeness { contacts: vec![Phone], person: vec![NameKana] }),
        ),
        (
            "same email in another case and the same birth date, kana differs (a maiden name)",
            (&["090-1111-2222"], &["Hanako@Example.jp"], "ヤマダ ハナコ", Some("1980-04-01")),
            (&["03-9999-0000"], &["hanako@example.jp"], "スズキ ハナコ", Some("1980-04-01")),
            Some(Likeness { contacts: vec![Email], person: vec![BirthDate] }),
        ),
        (
            "everything agrees",
            (&["+81 90 1111 2222"], &["a@b.jp"], "ｻﾄｳ ﾀﾛｳ", Some("1975-01-02")),
            (&["09011112222"], &["A@B.JP"], "サトウ　タロウ", Some("1975-01-02")),
            Some(Likeness { contacts: vec![Phone, Email], person: vec![NameKana, BirthDate] }),
        ),
        (
            "the second phone of one is the first of the other",
            (&["03-1111-1111", "090-5555-6666"], &[], "タナカ イチロウ", None),
            (&["090-5555-6666"], &[], "タナカイチロウ", None),
            Some(Likeness { contacts: vec![Phone], person: vec![NameKana] }),
        ),
        (
            "a shared phone alone is a household, not a person",
            (&["03-1234-5678"], &[], "ヤマダ タロウ", Some("1950-01-01")),
            (&["03-1234-5678"], &[], "ヤマダ ハナコ", Some("1952-02-02")),
            None,
        ),
        (
            "a namesake with the same birth date but no shared contact",
            (&["03-1234-5678"], &["x@a.jp"], "ヤマダ ハナコ", Some("1980-04-01")),
            (&["03-8765-4321"], &["y@a.jp"], "ヤマダ ハナコ", Some("1980-04-01")),
            None,
        ),
        (
            "a shared email but neither kana nor birth date agree",
            (&[], &["office@a.co.jp"], "カブシキガイシャ アマノ", None),
            (&[], &["office@a.co.jp"], "アマノ ショウジ", None),
            None,
        ),
        (
            "one birth date unknown does not agree",
            (&["03-1234-5678"], &[], "ヤマダ ハナコ", Some("1980-04-01")),
            (&["03-1234-5678"], &[], "ヤマダ ハナエ", None),
            None,
        ),
        (
            "a phone that only ends alike is another phone",
            (&["03-1234-5678"], &[], "ヤマダ ハナコ", None),
            (&["06-1234-5678"], &[], "ヤマダ ハナコ", None),
            None,
        ),
        ("an unreadable phone matches nothing", (&["unknown"], &[], "ヤマダ ハナコ", None), (&["unknown"], &[], "ヤマダ ハナコ", None), None),
        ("empty email and kana never agree", (&[], &[""], "", Some("")), (&[], &[""], "", Some("")), None),
        ("a dakuten matters: ハナコ is not バナコ", (&["03-1234-5678"], &[], "ハナコ", None), (&["03-1234-5678"], &[], "バナコ", None), None),
    ];
    for (case, a, b, want) in cases {
        let (pa, ea, pb, eb) = (strings(a.0), strings(a.1), strings(b.0), strings(b.1));
        let x = Identity { phones: &pa, emails: &ea, name_kana: a.2, birth_date: a.3 };
        let y = Identity { phones: &pb, emails: &eb, name_kana: b.2, birth_date: b.3 };
        assert_eq!(likely_same(&x, &y), want, "{case}");
        assert_eq!(likely_same(&y, &x), want, "{case} (the other way round)");
    }
}

#[test]
fn reasons_read_in_japanese_and_as_codes() {
    let likeness = Likeness { contacts: vec![Phone, Email], person: vec![NameKana] };
    assert_eq!(likeness.reason_ja(), "電話番号・メール＋フリガナ");
    assert_eq!(likeness.codes(), ["phone", "email", "name_kana"]);
    assert_eq!(Likeness { contacts: vec![Email], person: vec![BirthDate] }.reason_ja(), "メール＋生年月日");
}

//! The request state machines are sound: every transition names known statuses, final
//! statuses lead nowhere, every status can be reached, and each type names its services.

use madoguchi_domain::request::TYPES;

#[test]
fn every_state_machine_is_well_formed() {
    for rt in TYPES {
        let m = rt.machine;
        let known = |s: &str| m.statuses.iter().any(|x| x.0 == s);
        assert!(!m.is_final(m.initial()), "{}: starts open", rt.id);
        for (from, to) in m.transitions {
            assert!(known(from) && known(to), "{}: {from} → {to} names known statuses", rt.id);
            assert!(!m.is_final(from), "{}: nothing leaves the final status {from}", rt.id);
        }
        let mut reached = vec![m.initial()];
        let mut i = 0;
        while i < reached.len() {
            for next in m.next(reached[i]) {
                if !reached.contains(&next) {
                    reached.push(next);
                }
            }
            i += 1;
        }
        for (status, label, _) in m.statuses {
            assert!(reached.contains(status), "{}: {status} can be reached", rt.id);
            assert!(!label.is_empty(), "{}: {status} has a Japanese label", rt.id);
        }
        assert!(m.statuses.iter().any(|s| s.2), "{}: has a final status", rt.id);
        assert!(!rt.services.is_empty(), "{}: names its services", rt.id);
    }
}

#[test]
fn the_dealer_change_machine_is_the_one_the_help_desk_uses() {
    let m = madoguchi_domain::request::find("dealer_change").expect("type").machine;
    let path = ["received", "fax_sent", "returned", "switching", "completed"];
    for pair in path.windows(2) {
        assert!(m.allows(pair[0], pair[1]), "{} → {}", pair[0], pair[1]);
    }
    assert!(m.allows("fax_sent", "expired"));
    assert!(!m.allows("received", "returned"), "a FAX is sent before it comes back");
    assert!(!m.allows("expired", "returned"), "a late FAX changes nothing");
    assert_eq!(m.label("fax_sent"), Some("FAX送付済"));
}

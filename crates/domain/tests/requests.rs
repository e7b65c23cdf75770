//! The request state machines are sound: every transition names the machine's statuses, final
//! statuses lead nowhere, every status can be reached, and each kind names its services.

use madoguchi_domain::request::{RequestKind, Status};

#[test]
fn every_state_machine_is_well_formed() {
    for kind in RequestKind::ALL {
        let m = kind.machine();
        let known = |s: Status| m.statuses.iter().any(|x| x.status == s);
        assert!(!m.is_final(m.initial()), "{kind:?}: starts open");
        for &(from, to) in m.transitions {
            assert!(known(from) && known(to), "{kind:?}: {from:?} → {to:?} names known statuses");
            assert!(!m.is_final(from), "{kind:?}: nothing leaves the final status {from:?}");
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
        for s in m.statuses {
            assert!(reached.contains(&s.status), "{kind:?}: {:?} can be reached", s.status);
            assert!(!s.label.is_empty(), "{kind:?}: {:?} has a Japanese label", s.status);
        }
        assert!(m.statuses.iter().any(|s| s.last), "{kind:?}: has a final status");
        assert!(!kind.services().is_empty(), "{kind:?}: names its services");
    }
}

#[test]
fn the_dealer_change_machine_is_the_one_the_help_desk_uses() {
    use Status::*;
    let m = RequestKind::DealerChange.machine();
    let path = [Received, FaxSent, Returned, Switching, Completed];
    for pair in path.windows(2) {
        assert!(m.allows(pair[0], pair[1]), "{:?} → {:?}", pair[0], pair[1]);
    }
    assert!(m.allows(FaxSent, Expired));
    assert!(!m.allows(Received, Returned), "a FAX is sent before it comes back");
    assert!(!m.allows(Expired, Returned), "a late FAX changes nothing");
    assert_eq!(m.label(FaxSent), Some("FAX送付済"));
}

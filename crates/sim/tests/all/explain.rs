//! Every anomaly explained: the sentences quote the observations' numbers.

use driftlab_sim::explain::{explain, Explanation, Lang};
use driftlab_sim::obs::Obs;
use driftlab_sim::time::SEC;
use driftlab_sim::truth::{AnomalyKind, Stamped};
use driftlab_sim::{presets, Policy, Sim, Time};

fn explanations(sim: &Sim, lang: Lang) -> Vec<Explanation> {
    let cols = sim.config().hall.cols;
    sim.truth()
        .anomalies
        .iter()
        .map(|a| explain(sim.truth(), cols, a, lang).expect("a complete proof"))
        .collect()
}

#[test]
fn the_wrong_winner_of_two_servers_two_seconds_apart_in_words() {
    // server-1 exact, server-2 2 s slow; Alice clicks seat A1 via server-1 at
    // 10:00:10, Bob via server-2 at 10:00:11: Bob's stamp is about 10:00:09.
    let mut c = presets::preset("reset").unwrap();
    c.servers.truncate(2);
    c.servers[1].clock.offset_ms = -2000.0;
    c.crowd.customers = 0;
    c.crowd.pay_fraction = 0.0;
    let mut sim = Sim::new(c).unwrap();
    let at = |s: i64| Time::from_hms(10, 0, 0) + s * SEC;
    let alice = sim.script_click(at(10), 0, 0).unwrap();
    let bob = sim.script_click(at(11), 0, 1).unwrap();
    sim.run();
    let req = |c: u32| sim.requests().iter().position(|r| r.customer == c).unwrap();
    let (a, b) = (&sim.requests()[req(alice)], &sim.requests()[req(bob)]);
    let ww: Vec<Explanation> = explanations(&sim, Lang::En)
        .into_iter()
        .filter(|e| e.kind == AnomalyKind::WrongWinner)
        .collect();
    assert_eq!(ww.len(), 1);
    let gap = (b.arrived - a.arrived) as f64 / 1e9;
    assert_eq!(
        ww[0].text,
        format!(
            "Seat A1 went to customer #{bob} through server-2, whose clock was 2.000 s slow: stamped {}. Customer #{alice} had asked {gap:.1} s earlier in true time through server-1, exact, stamped {}. The earliest stamp won, so the first customer lost.",
            b.stamp, a.stamp
        )
    );
    assert_eq!(ww[0].requests, vec![req(bob) as u32, req(alice) as u32]);
    let fr = explanations(&sim, Lang::Fr);
    let fr = fr
        .iter()
        .find(|e| e.kind == AnomalyKind::WrongWinner)
        .unwrap();
    assert!(fr.text.starts_with(&format!(
        "La place A1 est allée au client n°{bob} via server-2, dont l'horloge avait 2,000 s de retard"
    )));
}

/// The first observation of the whole history matching `f`.
fn first_obs(sim: &Sim, f: impl Fn(&Obs) -> bool) -> Stamped {
    *sim.truth()
        .history
        .iter()
        .find(|s| f(&s.obs))
        .expect("in the history")
}

/// An observation of the history at true instant `t` matching `f`.
fn history_at(sim: &Sim, t: Time, f: impl Fn(&Obs) -> bool) -> Stamped {
    *sim.truth()
        .history
        .iter()
        .find(|s| s.t == t && f(&s.obs))
        .expect("in the history")
}

#[test]
fn every_anomaly_of_extreme_drift_quotes_its_observations() {
    // NTP off, constant offsets: a server's clock error is its configured offset.
    for policy in [
        Policy::LocalTimestamp,
        Policy::NoLock,
        Policy::Unique,
        Policy::CommitWait,
        Policy::Lamport,
        Policy::Hlc,
        Policy::Tso,
    ] {
        let mut c = presets::preset("extreme_drift").unwrap();
        c.policy = policy;
        let offsets: Vec<i64> = c
            .servers
            .iter()
            .map(|s| (s.clock.offset_ms * 1e6) as i64)
            .collect();
        let mut sim = Sim::new(c).unwrap();
        sim.run();
        let reqs = sim.requests();
        let mut kinds = std::collections::BTreeSet::new();
        for lang in [Lang::En, Lang::Fr] {
            let all = explanations(&sim, lang);
            assert_eq!(all.len(), sim.truth().anomalies.len());
            for e in &all {
                kinds.insert(format!("{:?}", e.kind));
                assert!(!e.requests.is_empty());
                for f in &e.figures {
                    assert!(e.text.contains(&f.shown), "{} not in {}", f.shown, e.text);
                }
                let fig = |n: &str| e.figures.iter().find(|f| f.name == n).map(|f| f.ns);
                let r = &reqs[e.requests[0] as usize];
                let server_err = offsets[r.server as usize];
                match e.kind {
                    AnomalyKind::WrongWinner => {
                        let f = &reqs[e.requests[1] as usize];
                        assert_eq!(fig("winner_clock_error"), Some(server_err));
                        assert_eq!(fig("first_clock_error"), Some(offsets[f.server as usize]));
                        assert_eq!(fig("winner_stamp"), Some(r.stamp.0));
                        assert_eq!(fig("first_stamp"), Some(f.stamp.0));
                        assert_eq!(fig("gap"), Some(r.arrived - f.arrived));
                    }
                    AnomalyKind::EarlySale => {
                        assert_eq!(fig("clock_error"), Some(server_err));
                        assert_eq!(fig("true_time"), Some(r.arrived.0));
                        assert_eq!(fig("stamp"), Some(r.stamp.0));
                        assert_eq!(
                            fig("before_opening"),
                            Some(Time::from_hms(10, 0, 0) - r.arrived)
                        );
                    }
                    AnomalyKind::WronglyRefused => {
                        assert_eq!(fig("clock_error"), Some(server_err));
                        // Decided where it arrived, at once: the same instant and stamp.
                        assert_eq!(fig("true_time"), Some(r.arrived.0));
                        assert_eq!(fig("stamp"), Some(r.stamp.0));
                    }
                    AnomalyKind::PrematureExpiry | AnomalyKind::LateExpiry => {
                        // Read from the whole history, not the proof: the hold's grant
                        // and a judgement of it at the instant the anomaly was found.
                        let granted =
                            first_obs(&sim, |o| *o == Obs::HoldGranted { req: e.requests[0] });
                        let judged = history_at(&sim, e.t, |o| {
                            matches!(*o,
                            Obs::ExpiryJudged { claim, .. } | Obs::Released { claim, .. } if claim == e.requests[0])
                        });
                        let age = fig("true_age").unwrap();
                        assert_eq!(age, judged.t - granted.t);
                        if e.kind == AnomalyKind::PrematureExpiry {
                            assert!(age <= 300 * SEC && age > 0, "{age}");
                        } else {
                            assert!(age > 300 * SEC, "{age}");
                        }
                        assert_eq!(fig("ttl"), Some(300 * SEC));
                        if let Some(stamp) = fig("granted_stamp") {
                            assert_eq!(stamp, granted.local.0);
                        }
                    }
                    AnomalyKind::OrderInversion => {
                        assert!(fig("stamp").unwrap() < fig("earlier_line_stamp").unwrap());
                        assert!(fig("gap").unwrap() >= 0);
                    }
                    AnomalyKind::DoubleBooking => {
                        // The other holder's grant, read from the whole history.
                        let other = e.requests[1];
                        let first = first_obs(&sim, |o| *o == Obs::HoldGranted { req: other });
                        let this =
                            first_obs(&sim, |o| *o == Obs::HoldGranted { req: e.requests[0] });
                        assert_eq!(fig("first_hold"), Some(first.t.0));
                        assert_eq!(fig("gap"), Some(this.t - first.t));
                        let gap = fig("gap").unwrap();
                        assert!((0..60 * SEC).contains(&gap), "{gap}");
                    }
                }
            }
        }
        if policy == Policy::LocalTimestamp {
            assert_eq!(kinds.len(), 7, "every kind explained: {kinds:?}");
        }
    }
}

//! The time-space diagram of an anomaly, against a case computed by hand.

use driftlab_sim::diagram::{diagram, ArrowKind, Diagram, Mark};
use driftlab_sim::time::{MS, SEC};
use driftlab_sim::truth::AnomalyKind;
use driftlab_sim::{presets, Policy, Sim, Time};

/// server-1 exact, server-2 2 s slow, local-timestamp, replication after 200 ms: Alice
/// clicks seat A1 through server-1 at 10:00:10, Bob through server-2 at 10:00:11.
fn two_clicks() -> (Sim, u32, u32) {
    let mut c = presets::preset("reset").unwrap();
    c.servers.truncate(2);
    c.servers[1].clock.offset_ms = -2000.0;
    c.crowd.customers = 0;
    c.crowd.pay_fraction = 0.0;
    c.policy = Policy::LocalTimestamp;
    c.network.replication_lag_ms = 200.0;
    let mut sim = Sim::new(c).unwrap();
    let at = |s: i64| Time::from_hms(10, 0, 0) + s * SEC;
    let alice = sim.script_click(at(10), 0, 0).unwrap();
    let bob = sim.script_click(at(11), 0, 1).unwrap();
    sim.run();
    (sim, alice, bob)
}

fn wrong_winner(sim: &Sim) -> Diagram {
    let a = sim
        .truth()
        .anomalies
        .iter()
        .find(|a| a.kind == AnomalyKind::WrongWinner)
        .expect("Bob's stamp (about 10:00:09) beats Alice's (about 10:00:10)");
    diagram(sim.truth(), sim.config().hall.cols, a)
}

#[test]
fn a_wrong_winner_drawn_by_hand() {
    let (sim, alice, bob) = two_clicks();
    let d = wrong_winner(&sim);
    assert_eq!(d.seat, 0);
    assert_eq!(d.seat_label, "A1");
    // Customers first, then the servers in order.
    let names: Vec<&str> = d.lanes.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        names,
        [
            format!("customer #{alice}").as_str(),
            format!("customer #{bob}").as_str(),
            "server-1",
            "server-2"
        ]
    );
    assert_eq!(d.lanes[2].clock_error_ns, Some(0));
    assert_eq!(d.lanes[3].clock_error_ns, Some(-2 * SEC));
    assert_eq!(d.lanes[3].server, Some(1));
    // Bob's stamp is his arrival read 2 s slow; Alice's is her arrival, exact.
    let q = sim.requests();
    let rx = |lane: usize| {
        d.points
            .iter()
            .find(|p| p.lane == lane && p.mark == Mark::Received)
            .unwrap()
    };
    let (ra, rb) = (rx(2), rx(3));
    assert_eq!(ra.local, ra.t);
    assert_eq!(rb.local, rb.t - 2 * SEC);
    assert!(rb.local < ra.local && rb.t > ra.t, "later, stamped earlier");
    assert!(ra.decisive && rb.decisive, "the two stamps decided it");
    assert_eq!(q[rb.req as usize].customer, bob);
    // Two requests, each from its customer's lane to its server's.
    let requests: Vec<(usize, usize)> = d
        .arrows
        .iter()
        .filter(|a| a.kind == ArrowKind::Request)
        .map(|a| (d.points[a.from].lane, d.points[a.to].lane))
        .collect();
    assert_eq!(requests, [(0, 2), (1, 3)]);
    // Bob's hold reaches server-1 by replication about 200 ms later (the lag plus the
    // LAN's quarter millisecond and its jitter) and takes Alice's hold back there.
    let reps: Vec<_> = d
        .arrows
        .iter()
        .filter(|a| a.kind == ArrowKind::Replication)
        .collect();
    assert_eq!(reps.len(), 1);
    let (from, to) = (&d.points[reps[0].from], &d.points[reps[0].to]);
    assert_eq!((from.lane, from.mark), (3, Mark::HoldGranted));
    assert_eq!((to.lane, to.mark), (2, Mark::Revoked));
    let took = to.t - from.t;
    assert!(took > 200 * MS && took < 202 * MS, "{took}");
    // Rows: one per millisecond, in order; each point on its millisecond's row.
    assert!(d.rows.windows(2).all(|w| w[0].0 / MS < w[1].0 / MS));
    assert!(d.points.iter().all(|p| d.rows[p.row].0 / MS == p.t.0 / MS));
    assert_eq!(
        d.requests[0] as usize,
        q.iter().position(|r| r.customer == bob).unwrap()
    );
}

#[test]
fn every_anomaly_of_extreme_drift_has_a_diagram() {
    let mut c = presets::preset("extreme_drift").unwrap();
    c.crowd.customers = 800;
    let mut sim = Sim::new(c).unwrap();
    sim.run();
    let cols = sim.config().hall.cols;
    assert!(!sim.truth().anomalies.is_empty());
    for a in &sim.truth().anomalies {
        let d = diagram(sim.truth(), cols, a);
        assert!(d.points.iter().any(|p| p.decisive), "{:?}", a.kind);
        assert!(d.points.iter().all(|p| p.lane < d.lanes.len()));
        for ar in &d.arrows {
            assert!(d.points[ar.from].t <= d.points[ar.to].t, "arrows go down");
        }
        assert_eq!(d.seat, sim.requests()[a.req as usize].seat);
    }
}

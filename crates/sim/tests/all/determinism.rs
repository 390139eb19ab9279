//! Same config and seed, same run: twice natively, and in wasm32 against the hashes
//! pinned here (the same file runs under `wasm-bindgen-test`, so a wasm run that
//! diverges from native fails on the pinned value).
//!
//! A change of model changes these hashes: update them deliberately, in the same
//! commit, and say why.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use driftlab_sim::{presets, Policy, Sim};

fn run(preset: &str, policy: Policy, seed: u64) -> driftlab_sim::Report {
    let mut c = presets::preset(preset).unwrap();
    c.policy = policy;
    c.seed = seed;
    let mut sim = Sim::new(c).unwrap();
    sim.run();
    sim.report()
}

/// (preset, policy, trace hash with seed 42).
const PINNED: &[(&str, Policy, &str)] = &[
    ("reset", Policy::LocalTimestamp, "f86c35c891fdf82a"),
    ("minor_drift", Policy::LocalTimestamp, "b4924d4a2563b585"),
    ("major_drift", Policy::LocalTimestamp, "ec06799773b5238a"),
    ("extreme_drift", Policy::LocalTimestamp, "84d3d88b95042eb9"),
    ("start_demo", Policy::LocalTimestamp, "30b7085040d17590"),
    ("extreme_drift", Policy::NoLock, "a803b78d39519b75"),
    ("extreme_drift", Policy::Unique, "877fc5148053d509"),
    ("synced", Policy::LocalTimestamp, "a0e9d0c57a7d6c42"),
    (
        "ntp_falseticker",
        Policy::LocalTimestamp,
        "06688c95ebc4cac2",
    ),
    ("ntp_asymmetric", Policy::LocalTimestamp, "7ec3d004c24e7231"),
    (
        "ntp_unreachable",
        Policy::LocalTimestamp,
        "85b1238e17fe38e8",
    ),
];

#[test]
fn pinned_trace_hashes() {
    let mut got = Vec::new();
    for &(preset, policy, _) in PINNED {
        got.push(run(preset, policy, 42).trace_hash);
    }
    let want: Vec<&str> = PINNED.iter().map(|p| p.2).collect();
    assert_eq!(
        got, want,
        "trace hashes changed (native and wasm must agree; update deliberately)"
    );
}

#[test]
fn same_seed_twice_is_identical() {
    for p in presets::PRESETS {
        for policy in Policy::ALL {
            let (a, b) = (run(p.name, policy, 7), run(p.name, policy, 7));
            assert_eq!(a, b, "{} {}", p.name, policy.name());
        }
    }
}

#[test]
fn seeds_differ() {
    assert_ne!(
        run("extreme_drift", Policy::LocalTimestamp, 1).trace_hash,
        run("extreme_drift", Policy::LocalTimestamp, 2).trace_hash
    );
}

#[test]
fn pinned_key_figures() {
    let r = run("extreme_drift", Policy::LocalTimestamp, 42);
    let figures = [
        r.requests,
        r.confirmed,
        r.wrong_winners,
        r.double_bookings,
        r.order_inversions,
        r.early_sales,
        r.wrongly_refused,
        r.events,
    ];
    assert_eq!(figures, [3017, 407, 85, 19, 2582, 30, 645, 15316]);
}

#[test]
fn live_actions_replay_to_the_same_run() {
    use driftlab_sim::time::SEC;
    use driftlab_sim::timesync::Fault;
    let mut c = presets::preset("extreme_drift").unwrap();
    c.crowd.customers = 500;
    let mut live = Sim::new(c.clone()).unwrap();
    let opening = c.sale.opening();
    // A teacher plays to 10:00:20, moves a clock, switches NTP on, steps one event,
    // injects a fault, then lets the sale run out.
    live.run_until(opening + 20 * SEC);
    live.set_server_offset(1, 0);
    live.set_ntp(2, true);
    live.step();
    live.inject(Fault::ClockBump {
        server: 4,
        delta_ms: -3_000.0,
        at_s: 0.0,
    })
    .unwrap();
    live.run();
    let actions = live.actions().to_vec();
    assert_eq!(actions.len(), 3);
    // Through JSON, as a saved scenario would carry them.
    let json = serde_json::to_string(&actions).unwrap();
    let back: Vec<driftlab_sim::Acted> = serde_json::from_str(&json).unwrap();
    let mut replay = Sim::with_actions(c.clone(), &back).unwrap();
    replay.run();
    assert_eq!(replay.report(), live.report());
    // Fewer actions, another run.
    assert_ne!(
        Sim::with_actions(c.clone(), &back[..1]).map(|mut s| {
            s.run();
            s.report().trace_hash
        }),
        Ok(live.report().trace_hash)
    );
    // Out of order is refused by name.
    let mut bad = back.clone();
    bad.swap(0, 2);
    assert_eq!(
        Sim::with_actions(c, &bad).err().unwrap().field(),
        "actions[1]"
    );
}

/// The gateway's live actions (an instance crashed and restarted, the algorithm and
/// the checks switched) replay to the same run too, and only where they make sense.
#[test]
fn gateway_actions_replay_to_the_same_run() {
    use driftlab_sim::gateway::Algorithm;
    use driftlab_sim::server::Mode;
    use driftlab_sim::time::SEC;
    let mut c = presets::preset("lb_weighted").unwrap();
    c.crowd.customers = 500;
    let opening = c.sale.opening();
    let mut live = Sim::new(c.clone()).unwrap();
    live.run_until(opening + 10 * SEC);
    live.set_instance(1, Mode::Crashed).unwrap();
    live.set_checks(true, false);
    live.run_until(opening + 20 * SEC);
    live.set_balancing(Algorithm::LeastConnections);
    live.set_instance(1, Mode::Up).unwrap();
    live.run();
    assert_eq!(live.actions().len(), 4);
    assert_eq!(
        live.gateway().unwrap().algorithm(),
        Algorithm::LeastConnections
    );
    assert!(live.report().servers[1].marked_down_s > 0.0);
    let json = serde_json::to_string(live.actions()).unwrap();
    let back: Vec<driftlab_sim::Acted> = serde_json::from_str(&json).unwrap();
    let mut replay = Sim::with_actions(c.clone(), &back).unwrap();
    replay.run();
    assert_eq!(replay.report(), live.report());
    // A slowdown factor out of range, an unknown server: refused by name.
    let mut s = Sim::new(c.clone()).unwrap();
    assert_eq!(
        s.set_instance(0, Mode::Slow { factor: 0 })
            .unwrap_err()
            .field(),
        "instance.mode.factor"
    );
    assert_eq!(
        s.set_instance(9, Mode::Up).unwrap_err().field(),
        "instance.server"
    );
    // Without a gateway, the gateway's actions are refused on replay.
    let plain = presets::preset("reset").unwrap();
    assert_eq!(
        Sim::with_actions(plain, &back[1..2]).err().unwrap().field(),
        "actions[0]"
    );
}

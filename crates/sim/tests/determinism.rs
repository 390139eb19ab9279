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
    ("reset", Policy::LocalTimestamp, "2e959c8163f74cd3"),
    ("minor_drift", Policy::LocalTimestamp, "dc0ec3d249693a78"),
    ("major_drift", Policy::LocalTimestamp, "56d2eca65138d961"),
    ("extreme_drift", Policy::LocalTimestamp, "9a82095934bedae6"),
    ("start_demo", Policy::LocalTimestamp, "815e6c62354a4144"),
    ("extreme_drift", Policy::NoLock, "336910fc65d3b66e"),
    ("extreme_drift", Policy::Unique, "3facf18756cf9197"),
    ("synced", Policy::LocalTimestamp, "b4dad9120826e5e4"),
    (
        "ntp_falseticker",
        Policy::LocalTimestamp,
        "ea939f24b32f376f",
    ),
    ("ntp_asymmetric", Policy::LocalTimestamp, "b826e53520d22465"),
    (
        "ntp_unreachable",
        Policy::LocalTimestamp,
        "552f50fdf4401139",
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
    assert_eq!(figures, [3017, 407, 85, 19, 2582, 30, 645, 15195]);
}

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
    ("reset", Policy::LocalTimestamp, "410aab0090529563"),
    ("minor_drift", Policy::LocalTimestamp, "5dd1e651550b0186"),
    ("major_drift", Policy::LocalTimestamp, "07b8980289eda1f7"),
    ("extreme_drift", Policy::LocalTimestamp, "8df38b81634b2ae6"),
    ("start_demo", Policy::LocalTimestamp, "5372612924f329a4"),
    ("extreme_drift", Policy::NoLock, "5fcc47e8e5f8205c"),
    ("extreme_drift", Policy::Unique, "6938cd3ad10af455"),
    ("synced", Policy::LocalTimestamp, "acf0a91185a4c98f"),
    (
        "ntp_falseticker",
        Policy::LocalTimestamp,
        "eb55b8307f912dc6",
    ),
    ("ntp_asymmetric", Policy::LocalTimestamp, "47c1ca0f7f3f3e9d"),
    (
        "ntp_unreachable",
        Policy::LocalTimestamp,
        "d7f66fac504d29d0",
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
    assert_eq!(figures, [3017, 407, 85, 19, 2582, 30, 645, 15279]);
}

//! Every preset's config, serialized, against the JSON written from the presets' code
//! at 72b44d1 (`tests/all/fixtures/presets/NAME.json`, `json::to_string_pretty` and a final
//! newline): the presets' builders may be reshaped, their content must not move. A
//! preset added later is not pinned here; a pinned one must still exist.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use driftlab_sim::{json, presets, Config};

/// `(name, the JSON pinned for it)`, in the presets' menu order.
macro_rules! pinned {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("fixtures/presets/", $name, ".json")))),*]
    };
}

const PINNED: [(&str, &str); 43] = pinned![
    "minor_drift",
    "major_drift",
    "extreme_drift",
    "start_demo",
    "reset",
    "synced",
    "ntp_falseticker",
    "ntp_subtle_falseticker",
    "ntp_asymmetric",
    "ntp_unreachable",
    "ntp_popcorn",
    "ntp_unsynced_primary",
    "ntp_fail_closed",
    "ntp_lan_one_source",
    "ntp_lan_one_source_ntpd",
    "ntp_cold_start",
    "ntp_first_answer_liar",
    "ntp_spoofed",
    "lb_weighted",
    "instance_crash",
    "instance_hang",
    "rate_limit",
    "lb_slow_instance",
    "lb_hash_one_client",
    "lock_per_instance",
    "lock_global",
    "lost_reply_retry",
    "load_test",
    "replica_lag",
    "replica_check_then_insert",
    "primary_down",
    "failover_manual",
    "failover_auto",
    "failover_async_loss",
    "split_brain",
    "failover_clock_jump",
    "feed_sse_vs_polling",
    "feed_listener_down",
    "feed_lag_clock_skew",
    "cache_stale_refill",
    "cache_stampede",
    "cache_down",
    "long_day",
];

#[test]
fn every_pinned_preset_serializes_as_pinned() {
    for (name, pinned) in PINNED {
        let config = presets::preset(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = json::to_string_pretty(&config) + "\n";
        assert!(
            text == pinned,
            "{name}: the config differs from the pinned JSON:\n{text}"
        );
    }
}

#[test]
fn every_pinned_json_reads_back_as_the_preset() {
    for (name, pinned) in PINNED {
        let read: Config = json::from_str(pinned).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(read, presets::preset(name).unwrap(), "{name}");
    }
}

#[test]
fn every_preset_of_today_is_pinned() {
    // The 43 presets of 72b44d1, all of them, in the menu's order.
    let first: Vec<&str> = presets::PRESETS
        .iter()
        .take(PINNED.len())
        .map(|p| p.name)
        .collect();
    let pinned: Vec<&str> = PINNED.iter().map(|&(n, _)| n).collect();
    assert_eq!(first, pinned);
}

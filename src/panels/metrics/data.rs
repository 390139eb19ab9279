//! What the measures panel shows, as plain data: the counters grouped by cause, and
//! the figures that cost a scan of every request ([`Stats`]).

use crate::i18n::Txt;
use driftlab_sim::metrics::{Metrics, Percentiles};
use driftlab_sim::report::Consistency;
use driftlab_sim::Sim;

/// A counter: its test id, label, one-sentence meaning, value, and whether a non-zero
/// value is an anomaly (then it is marked).
pub type Figure = (&'static str, Txt, Txt, fn(&Metrics) -> u64, bool);

/// What the crowd asked and what it got.
pub const TRAFFIC: [Figure; 6] = [
    (
        "requests",
        Txt::MRequests,
        Txt::MRequestsTip,
        |m| m.requests,
        false,
    ),
    (
        "confirmed",
        Txt::MConfirmed,
        Txt::MConfirmedTip,
        |m| m.confirmed,
        false,
    ),
    (
        "refused",
        Txt::MRefused,
        Txt::MRefusedTip,
        |m| m.refused,
        false,
    ),
    (
        "timed_out",
        Txt::MTimedOut,
        Txt::MTimedOutTip,
        |m| m.timed_out,
        false,
    ),
    (
        "gave_up",
        Txt::MGaveUp,
        Txt::MGaveUpTip,
        |m| m.gave_up,
        false,
    ),
    ("paid", Txt::MPaid, Txt::MPaidTip, |m| m.paid, false),
];

/// Anomalies caused by wrong clocks.
pub const CLOCK: [Figure; 7] = [
    (
        "wrong_winners",
        Txt::MWrongWinners,
        Txt::MWrongWinnersTip,
        |m| m.wrong_winners,
        true,
    ),
    (
        "order_inversions",
        Txt::MInversions,
        Txt::MInversionsTip,
        |m| m.order_inversions,
        true,
    ),
    (
        "early_sales",
        Txt::MEarlySales,
        Txt::MEarlySalesTip,
        |m| m.early_sales,
        true,
    ),
    (
        "wrongly_refused",
        Txt::MWronglyRefused,
        Txt::MWronglyRefusedTip,
        |m| m.wrongly_refused,
        true,
    ),
    (
        "premature_expiries",
        Txt::MPremature,
        Txt::MPrematureTip,
        |m| m.premature_expiries,
        true,
    ),
    (
        "late_expiries",
        Txt::MLate,
        Txt::MLateTip,
        |m| m.late_expiries,
        true,
    ),
    (
        "expiries",
        Txt::MExpiries,
        Txt::MExpiriesTip,
        |m| m.expiries,
        false,
    ),
];

/// Anomalies caused by missing serialization.
pub const SERIAL: [Figure; 2] = [
    (
        "double_bookings",
        Txt::MDouble,
        Txt::MDoubleTip,
        |m| m.double_bookings,
        true,
    ),
    (
        "revoked",
        Txt::MRevoked,
        Txt::MRevokedTip,
        |m| m.revoked,
        true,
    ),
];

/// Refusals by reason.
pub const REFUSALS: [Figure; 5] = [
    (
        "not_open_refusals",
        Txt::MNotOpen,
        Txt::MNotOpenTip,
        |m| m.not_open_refusals,
        false,
    ),
    (
        "token_refusals",
        Txt::MToken,
        Txt::MTokenTip,
        |m| m.token_refusals,
        false,
    ),
    (
        "taken_refusals",
        Txt::MTaken,
        Txt::MTakenTip,
        |m| m.taken_refusals,
        false,
    ),
    (
        "unavailable_refusals",
        Txt::MUnavailable,
        Txt::MUnavailableTip,
        |m| m.unavailable,
        false,
    ),
    (
        "rate_limited_refusals",
        Txt::MRateLimited,
        Txt::MRateLimitedTip,
        |m| m.rate_limited,
        false,
    ),
];

/// Figures that cost a scan of every request: refreshed a few times a second.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    /// Response times per server.
    pub response: Vec<Percentiles>,
    /// Standard deviation of the servers' offsets now, ms.
    pub spread_ms: f64,
    /// The end-of-run check, once the run is over.
    pub consistency: Option<Consistency>,
}

impl Stats {
    /// The figures of `sim` now.
    pub fn of(sim: &Sim) -> Stats {
        let r = sim.report();
        Stats {
            response: r
                .servers
                .iter()
                .map(|s| Percentiles {
                    mean_ms: s.mean_ms,
                    p50_ms: s.p50_ms,
                    p99_ms: s.p99_ms,
                })
                .collect(),
            spread_ms: r.offset_spread_ms,
            consistency: sim.finished().then_some(r.consistency),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_figure_reads_its_own_counter() {
        let m = Metrics {
            requests: 1,
            confirmed: 2,
            refused: 3,
            timed_out: 4,
            gave_up: 5,
            paid: 6,
            wrong_winners: 7,
            order_inversions: 8,
            early_sales: 9,
            wrongly_refused: 10,
            premature_expiries: 11,
            late_expiries: 12,
            expiries: 13,
            double_bookings: 14,
            revoked: 15,
            not_open_refusals: 16,
            token_refusals: 17,
            taken_refusals: 18,
            unavailable: 19,
            rate_limited: 20,
            ..Metrics::default()
        };
        let all: Vec<(&str, u64, bool)> = [&TRAFFIC[..], &CLOCK, &SERIAL, &REFUSALS]
            .concat()
            .iter()
            .map(|f| (f.0, (f.3)(&m), f.4))
            .collect();
        assert_eq!(all.len(), 20);
        assert_eq!(all[0], ("requests", 1, false));
        assert_eq!(all[4], ("gave_up", 5, false));
        assert_eq!(all[6], ("wrong_winners", 7, true));
        assert_eq!(all[12], ("expiries", 13, false));
        assert_eq!(all[13], ("double_bookings", 14, true));
        assert_eq!(all[17], ("taken_refusals", 18, false));
        assert_eq!(all[18], ("unavailable_refusals", 19, false));
        assert_eq!(all[19], ("rate_limited_refusals", 20, false));
        // Each id names its own field: the values run 1..=20 in the panel's order.
        let values: Vec<u64> = all.iter().map(|f| f.1).collect();
        assert_eq!(values, (1..=20).collect::<Vec<u64>>());
    }

    #[test]
    fn stats_at_the_start_and_the_end() {
        let mut cfg = driftlab_sim::presets::preset("minor_drift").unwrap();
        cfg.crowd.customers = 100;
        let mut sim = Sim::new(cfg).unwrap();
        let s = Stats::of(&sim);
        // Offsets 0, −1 s and +0.5 s: mean −166.7 ms, population deviation
        // √((166.7² + 833.3² + 666.7²) / 3) = 623.6 ms.
        assert!((s.spread_ms - 623.61).abs() < 0.01, "{}", s.spread_ms);
        assert_eq!(s.response.len(), 3);
        assert_eq!(s.consistency, None, "only once the run is over");
        sim.run();
        assert!(Stats::of(&sim).consistency.is_some());
    }
}

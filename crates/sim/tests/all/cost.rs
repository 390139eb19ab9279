//! What a run cost the business, checked against a hand computation: a worked scenario
//! whose bill is the report's counts times the scenario's prices, worked out below.

use driftlab_sim::cost::{BusinessConfig, Item};
use driftlab_sim::log::{flags, LogKind};
use driftlab_sim::{Config, Sim};
use std::collections::BTreeSet;

/// `major_drift` (four servers at 0, −10, +5, −3 s, NTP off), seed 7, 600 customers for
/// a 6 × 10 hall, at the scenario's own prices: 80 € a ticket, 30 € a refund, 10 € a
/// support ticket, 40 % of the customers a wrong clock refused give up.
fn worked() -> Sim {
    let cfg: Config = serde_json::from_str(
        r#"{"preset": "major_drift", "seed": 7, "policy": "local-timestamp",
            "servers": [{"clock": {"offset_ms": 0}}, {"clock": {"offset_ms": -10000}},
                        {"clock": {"offset_ms": 5000}}, {"clock": {"offset_ms": -3000}}],
            "crowd": {"customers": 600}, "hall": {"rows": 6, "cols": 10},
            "business": {"ticket_price": 80, "refund_cost": 30,
                         "support_ticket_cost": 10, "give_up_share": 0.4}}"#,
    )
    .unwrap();
    let mut sim = Sim::new(cfg).unwrap();
    sim.run();
    sim
}

/// The hand computation, from the run's report (`driftlab run --scenario` on this
/// config prints the same counts):
///
/// | line | count in the report | × price | = |
/// |---|---|---|---|
/// | unsold seats | seats.total 60 − seats.sold 56 = 4 | 80 € | 320 € |
/// | gave up | 68 distinct customers wrongly refused (93 requests) × 0.4 = 27.2 | 80 € | 2 176 € |
/// | double bookings | 1 | 30 € | 30 € |
/// | holds taken back | revoked 49 | 10 € | 490 € |
/// | holds expired early | premature_expiries 1 | 10 € | 10 € |
///
/// Revenue lost 320 + 2 176 = 2 496 €; refunds and support 30 + 490 + 10 = 530 €;
/// total 3 026 €; tickets sold 56 × 80 = 4 480 €.
#[test]
fn worked_scenario_matches_the_hand_computation() {
    let sim = worked();
    let r = sim.report();
    // The counts the computation starts from, as the report gives them.
    assert_eq!((r.seats.total, r.seats.sold), (60, 56));
    assert_eq!(r.wrongly_refused, 93);
    assert_eq!(r.double_bookings, 1);
    assert_eq!(r.revoked, 49);
    assert_eq!(r.premature_expiries, 1);
    // Distinct customers wrongly refused, counted here from the servers' log.
    let log = sim.truth().log.records();
    let refused: BTreeSet<u32> = log
        .iter()
        .filter(|l| l.flags & flags::WRONGLY_REFUSED != 0)
        .map(|l| l.customer)
        .collect();
    assert_eq!(refused.len(), 68);

    let b = &r.bill;
    let amount = |i: Item| b.line(i).amount;
    assert_eq!(b.line(Item::UnsoldSeats).count, 4.0);
    assert_eq!(amount(Item::UnsoldSeats), 320.0);
    assert!((b.line(Item::GaveUp).count - 27.2).abs() < 1e-9);
    assert!((amount(Item::GaveUp) - 2176.0).abs() < 1e-9);
    assert_eq!(amount(Item::DoubleBookings), 30.0);
    assert_eq!(amount(Item::RevokedHolds), 490.0);
    assert_eq!(amount(Item::EarlyExpiries), 10.0);
    assert!((b.revenue_lost - 2496.0).abs() < 1e-9);
    assert_eq!(b.refunds_and_support, 530.0);
    assert!((b.total - 3026.0).abs() < 1e-9);
    assert_eq!(b.revenue, 4480.0);
}

/// Customers affected: the distinct customers of the log's lines flagged wrongly
/// refused, double booking or premature expiry, and of its "revoked" lines.
#[test]
fn customers_affected_are_distinct_customers_of_the_log() {
    let sim = worked();
    let log = sim.truth().log.records();
    let hit = flags::WRONGLY_REFUSED | flags::DOUBLE_BOOKING | flags::PREMATURE_EXPIRY;
    let affected: BTreeSet<u32> = log
        .iter()
        .filter(|l| l.flags & hit != 0 || l.kind == LogKind::Revoked)
        .map(|l| l.customer)
        .collect();
    assert_eq!(sim.bill().customers_affected, affected.len() as u64);
    assert_eq!(affected.len(), 108);
}

/// A second worked scenario, for the customers who gave up waiting: `reset` (three
/// exact clocks), seed 7, 50 customers for a 2 × 5 hall, and every message between a
/// customer and a server lost (`network.client.loss` 1). No request is ever answered:
/// each customer clicks, waits `crowd.timeout_s`, clicks again, and leaves after
/// `crowd.max_attempts` (6) clicks. Prices 80 € a ticket, 30 € a refund, 10 € a support
/// ticket, 40 % of the customers let down give up.
///
/// By hand:
/// - requests: 50 customers × 6 clicks = 300, all given up (`gave_up` 300), none
///   confirmed, none refused; no clock is wrong, so 0 wrongly refused;
/// - customers who gave up waiting: all 50; let down: 0 refused ∪ 50 waited = 50;
/// - unsold seats: 10 − 0 sold = 10 × 80 € = 800 €;
/// - gave up: 50 × 0.4 = 20 customers × 80 € = 1 600 €;
/// - double bookings, holds taken back, holds expired early: 0;
/// - revenue lost 800 + 1 600 = 2 400 €, refunds and support 0, total 2 400 €;
/// - customers affected: the 50 who gave up (before the fix: 0).
#[test]
fn customers_who_gave_up_waiting_are_affected_and_priced() {
    let cfg: Config = serde_json::from_str(
        r#"{"preset": "reset", "seed": 7, "crowd": {"customers": 50},
            "hall": {"rows": 2, "cols": 5}, "network": {"client": {"loss": 1.0}},
            "business": {"ticket_price": 80, "refund_cost": 30,
                         "support_ticket_cost": 10, "give_up_share": 0.4}}"#,
    )
    .unwrap();
    let mut sim = Sim::new(cfg).unwrap();
    sim.run();
    let r = sim.report();
    assert_eq!(
        (r.requests, r.gave_up, r.confirmed, r.refused),
        (300, 300, 0, 0)
    );
    assert_eq!(r.wrongly_refused, 0);
    let b = &r.bill;
    assert_eq!(b.counts.gave_up_customers, 50);
    assert_eq!(b.counts.let_down_customers, 50);
    assert_eq!(b.line(Item::UnsoldSeats).amount, 800.0);
    assert!((b.line(Item::GaveUp).count - 20.0).abs() < 1e-9);
    assert!((b.line(Item::GaveUp).amount - 1600.0).abs() < 1e-9);
    assert_eq!(b.refunds_and_support, 0.0);
    assert!((b.total - 2400.0).abs() < 1e-9);
    assert_eq!(b.customers_affected, 50);
}

/// Prices are not physics: the same scenario at other prices is the same run (same
/// trace), with another bill.
#[test]
fn prices_change_the_bill_not_the_run() {
    let a = worked();
    let mut cfg = a.config().clone();
    cfg.business = BusinessConfig::default();
    let mut b = Sim::new(cfg).unwrap();
    b.run();
    assert_eq!(a.trace_hash(), b.trace_hash());
    assert_eq!(a.bill().counts, b.bill().counts);
    // Default prices: 4 × 50 + 68 × 0.5 × 50 + 1 × 20 + 49 × 12 + 1 × 12 = 200 + 1 700
    // + 20 + 588 + 12 = 2 520 €.
    assert_eq!(b.bill().total, 2520.0);
}

/// The bill travels with the scenario: in a link (a dotted pair per changed price) and
/// in the JSON file, and an out-of-range price is refused with the field's name.
#[test]
fn prices_travel_in_links_and_files() {
    use driftlab_sim::scenario::{apply_pairs, config_pairs};
    let base = driftlab_sim::presets::preset("major_drift").unwrap();
    let mut cfg = base.clone();
    cfg.business.ticket_price = 80.0;
    let pairs = config_pairs(&base, &cfg);
    assert_eq!(
        pairs,
        [("business.ticket_price".to_string(), "80.0".to_string())]
    );
    let (back, problems) = apply_pairs(&base, &pairs);
    assert!(problems.is_empty());
    assert_eq!(back, cfg);
    let (_, problems) = apply_pairs(&base, &[("business.give_up_share".into(), "2".into())]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    let mut bad = base.clone();
    bad.business.support_ticket_cost = -5.0;
    assert_eq!(
        bad.validate().unwrap_err().field(),
        "business.support_ticket_cost"
    );
}

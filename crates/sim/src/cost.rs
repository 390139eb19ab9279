//! What a run cost the business: the bill of a run, line by line, from the run's counts
//! and the scenario's prices (docs/MODEL.md, "What it cost the business").
//!
//! Two headings. **Revenue lost**: the seats left unsold at the end (every seat not
//! paid for × the ticket price), and the customers let down who gave up (the distinct
//! customers wrongly refused by a clock or left waiting until they gave up × the share
//! who give up × the ticket price). **Refunds and support**: each double booking (one
//! customer told a seat was theirs that was also someone else's: a refund and its
//! handling, `refund_cost`), each confirmed hold taken back (one support ticket), each
//! hold expired before its time (one support ticket). Beside them, the customers
//! affected: the distinct customers who met at least one of these troubles.
//!
//! The figures have stable names ([`Item::name`], and the [`Bill`]'s fields in the
//! report's JSON as `bill.…`), so a lesson or a script can quote them.

use crate::sim::Sim;
use crate::truth::{AnomalyKind, Truth};
use crate::world::{CustomerId, Hold};
use serde::Serialize;
use std::collections::BTreeSet;

pub mod config;
pub use config::BusinessConfig;

/// One line of the bill: what it charges for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    /// Seats not paid for at the end (free, or held and never paid) × the ticket price.
    UnsoldSeats,
    /// Customers let down (wrongly refused by a clock, or left waiting until they gave
    /// up) who give up buying × the ticket price.
    GaveUp,
    /// Double bookings × the refund cost.
    DoubleBookings,
    /// Confirmed holds taken back × one support ticket.
    RevokedHolds,
    /// Holds expired before their time × one support ticket.
    EarlyExpiries,
}

impl Item {
    /// Every line, in the bill's order.
    pub const ALL: [Item; 5] = [
        Item::UnsoldSeats,
        Item::GaveUp,
        Item::DoubleBookings,
        Item::RevokedHolds,
        Item::EarlyExpiries,
    ];

    /// The line's name in the report's JSON and the CSV (`unsold_seats`, …).
    pub fn name(self) -> &'static str {
        match self {
            Item::UnsoldSeats => "unsold_seats",
            Item::GaveUp => "gave_up",
            Item::DoubleBookings => "double_bookings",
            Item::RevokedHolds => "revoked_holds",
            Item::EarlyExpiries => "early_expiries",
        }
    }

    /// Whether it is revenue lost (else refunds and support).
    pub fn is_revenue(self) -> bool {
        matches!(self, Item::UnsoldSeats | Item::GaveUp)
    }
}

/// A line: how many, at what unit cost, for how much.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Line {
    /// What it charges for.
    pub item: Item,
    /// How many (customers who gave up: an expected number, so possibly fractional).
    pub count: f64,
    /// The cost of one, €.
    pub unit: f64,
    /// `count × unit`, €.
    pub amount: f64,
}

/// The counts a bill is made of, from the run's checkers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Seats in the hall.
    pub seats: u64,
    /// Seats sold (paid) at the end.
    pub sold: u64,
    /// Requests refused by a wrong clock (the report's `wrongly_refused`).
    pub wrongly_refused: u64,
    /// The distinct customers among them.
    pub wrongly_refused_customers: u64,
    /// Distinct customers who gave up waiting for an answer at least once (the
    /// customers behind the report's `gave_up`).
    pub gave_up_customers: u64,
    /// Distinct customers let down: wrongly refused, or who gave up waiting (each
    /// counted once if both).
    pub let_down_customers: u64,
    /// Times a seat was confirmed to two customers at once.
    pub double_bookings: u64,
    /// Confirmed holds taken back by a merge or an audit.
    pub revoked: u64,
    /// Holds judged expired before their time-to-live.
    pub premature_expiries: u64,
    /// Distinct customers wrongly refused, who gave up waiting, whose confirmation made
    /// a double booking, whose hold was taken back or expired early.
    pub customers_affected: u64,
}

impl Counts {
    /// The counts of the run the checkers have seen so far.
    pub fn of(t: &Truth) -> Counts {
        let sold = t
            .seats
            .iter()
            .filter(|s| {
                s.holders
                    .iter()
                    .any(|&h| t.requests[h as usize].hold == Hold::Paid)
            })
            .count() as u64;
        let customer = |r: u32| t.requests[r as usize].customer;
        let mut refused: BTreeSet<CustomerId> = BTreeSet::new();
        let mut affected: BTreeSet<CustomerId> = BTreeSet::new();
        for a in &t.anomalies {
            match a.kind {
                AnomalyKind::WronglyRefused => {
                    refused.insert(customer(a.req));
                    affected.insert(customer(a.req));
                }
                AnomalyKind::DoubleBooking | AnomalyKind::PrematureExpiry => {
                    affected.insert(customer(a.req));
                }
                _ => {}
            }
        }
        for r in &t.requests {
            if r.hold == Hold::Superseded {
                affected.insert(r.customer);
            }
        }
        let waited: Vec<CustomerId> = (0..t.gave_up_customers.len())
            .filter(|&c| t.gave_up_customers[c])
            .map(|c| c as CustomerId)
            .collect();
        affected.extend(waited.iter().copied());
        let let_down = refused.union(&waited.iter().copied().collect()).count();
        let m = &t.metrics;
        Counts {
            seats: t.seats.len() as u64,
            sold,
            wrongly_refused: m.wrongly_refused,
            wrongly_refused_customers: refused.len() as u64,
            gave_up_customers: waited.len() as u64,
            let_down_customers: let_down as u64,
            double_bookings: m.double_bookings,
            revoked: m.revoked,
            premature_expiries: m.premature_expiries,
            customers_affected: affected.len() as u64,
        }
    }
}

/// What a run cost the business (the report's `bill`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bill {
    /// The counts it was made from.
    pub counts: Counts,
    /// The prices it used (the scenario's `business`).
    pub prices: BusinessConfig,
    /// Tickets sold × the ticket price, €: what the sale took.
    pub revenue: f64,
    /// Every line, in [`Item::ALL`]'s order.
    pub lines: Vec<Line>,
    /// Unsold seats and customers who gave up, €.
    pub revenue_lost: f64,
    /// Double bookings, revoked holds and holds expired early, €.
    pub refunds_and_support: f64,
    /// Revenue lost plus refunds and support, €.
    pub total: f64,
    /// Distinct customers affected (wrongly refused, gave up waiting, double-booked, hold
    /// taken back or expired early).
    pub customers_affected: u64,
}

impl Bill {
    /// Prices `counts` with `prices`.
    pub fn of(counts: Counts, prices: &BusinessConfig) -> Bill {
        let p = prices;
        let line = |item: Item| {
            let (count, unit) = match item {
                Item::UnsoldSeats => ((counts.seats - counts.sold) as f64, p.ticket_price),
                Item::GaveUp => (
                    counts.let_down_customers as f64 * p.give_up_share,
                    p.ticket_price,
                ),
                Item::DoubleBookings => (counts.double_bookings as f64, p.refund_cost),
                Item::RevokedHolds => (counts.revoked as f64, p.support_ticket_cost),
                Item::EarlyExpiries => (counts.premature_expiries as f64, p.support_ticket_cost),
            };
            Line {
                item,
                count,
                unit,
                amount: count * unit,
            }
        };
        let lines: Vec<Line> = Item::ALL.into_iter().map(line).collect();
        let sum = |revenue: bool| -> f64 {
            lines
                .iter()
                .filter(|l| l.item.is_revenue() == revenue)
                .map(|l| l.amount)
                .sum()
        };
        let (revenue_lost, refunds_and_support) = (sum(true), sum(false));
        Bill {
            counts,
            prices: p.clone(),
            revenue: counts.sold as f64 * p.ticket_price,
            lines,
            revenue_lost,
            refunds_and_support,
            total: revenue_lost + refunds_and_support,
            customers_affected: counts.customers_affected,
        }
    }

    /// The line for `item`.
    pub fn line(&self, item: Item) -> &Line {
        &self.lines[item as usize]
    }
}

impl Sim {
    /// The bill of the run so far (complete once [`Sim::finished`]).
    pub fn bill(&self) -> Bill {
        Bill::of(Counts::of(&self.truth), &self.cfg.business)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts() -> Counts {
        Counts {
            seats: 200,
            sold: 150,
            wrongly_refused: 40,
            wrongly_refused_customers: 30,
            gave_up_customers: 12,
            let_down_customers: 36,
            double_bookings: 7,
            revoked: 11,
            premature_expiries: 3,
            customers_affected: 45,
        }
    }

    // Each line by hand, default prices (50 € a ticket, 20 € a refund, 12 € a ticket
    // of support, half of the refused give up).
    #[test]
    fn unsold_seats_line() {
        let b = Bill::of(counts(), &BusinessConfig::default());
        let l = b.line(Item::UnsoldSeats);
        assert_eq!((l.count, l.unit, l.amount), (50.0, 50.0, 2500.0)); // 200 − 150 seats
    }

    #[test]
    fn gave_up_line_counts_customers_let_down_not_requests() {
        // 30 customers wrongly refused and 12 who gave up waiting, 6 of them both: 36
        // let down × 0.5 × 50 € = 900 €.
        let b = Bill::of(counts(), &BusinessConfig::default());
        let l = b.line(Item::GaveUp);
        assert_eq!((l.count, l.amount), (18.0, 900.0));
        let mut c = counts();
        c.let_down_customers = 3;
        let l = *Bill::of(c, &BusinessConfig::default()).line(Item::GaveUp);
        assert_eq!((l.count, l.amount), (1.5, 75.0)); // an expected number
    }

    #[test]
    fn double_bookings_line() {
        let b = Bill::of(counts(), &BusinessConfig::default());
        assert_eq!(b.line(Item::DoubleBookings).amount, 140.0); // 7 × 20 €
    }

    #[test]
    fn revoked_holds_line() {
        let b = Bill::of(counts(), &BusinessConfig::default());
        assert_eq!(b.line(Item::RevokedHolds).amount, 132.0); // 11 × 12 €
    }

    #[test]
    fn early_expiries_line() {
        let b = Bill::of(counts(), &BusinessConfig::default());
        assert_eq!(b.line(Item::EarlyExpiries).amount, 36.0); // 3 × 12 €
    }

    #[test]
    fn totals_and_revenue() {
        let b = Bill::of(counts(), &BusinessConfig::default());
        assert_eq!(b.revenue, 7500.0); // 150 × 50 €
        assert_eq!(b.revenue_lost, 3400.0); // 2500 + 900
        assert_eq!(b.refunds_and_support, 308.0); // 140 + 132 + 36
        assert_eq!(b.total, 3708.0);
        assert_eq!(b.customers_affected, 45);
        let names: Vec<&str> = b.lines.iter().map(|l| l.item.name()).collect();
        assert_eq!(
            names,
            [
                "unsold_seats",
                "gave_up",
                "double_bookings",
                "revoked_holds",
                "early_expiries"
            ]
        );
    }

    #[test]
    fn free_prices_give_a_zero_bill() {
        let free = BusinessConfig {
            ticket_price: 0.0,
            refund_cost: 0.0,
            support_ticket_cost: 0.0,
            give_up_share: 1.0,
        };
        let b = Bill::of(counts(), &free);
        assert_eq!(b.total, 0.0);
        assert_eq!(b.line(Item::GaveUp).count, 36.0);
    }
}

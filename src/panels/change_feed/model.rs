//! The feed view's model: the change feed's figures, and one customer's map beside the
//! truth, read from the run.

use driftlab_sim::feed::config::{Capture, Transport};
use driftlab_sim::{FeedView, Sim};

/// How a seat of a customer's map compares with the truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeatCmp {
    /// Free on both.
    Free,
    /// Taken on both.
    Taken,
    /// Their map shows it free, it is taken: a click bound to be refused.
    StaleFree,
    /// Their map shows it taken, it is free again.
    StaleTaken,
}

impl SeatCmp {
    /// From what the map shows and what the truth shows (free or not).
    pub fn of(map_free: bool, true_free: bool) -> SeatCmp {
        match (map_free, true_free) {
            (true, true) => SeatCmp::Free,
            (false, false) => SeatCmp::Taken,
            (true, false) => SeatCmp::StaleFree,
            (false, true) => SeatCmp::StaleTaken,
        }
    }

    /// Its CSS class.
    pub fn class(self) -> &'static str {
        match self {
            SeatCmp::Free => "free",
            SeatCmp::Taken => "taken",
            SeatCmp::StaleFree => "stale-free",
            SeatCmp::StaleTaken => "stale-taken",
        }
    }

    /// The symbol drawn on it (a colour never says it alone).
    pub fn symbol(self) -> &'static str {
        match self {
            SeatCmp::StaleFree => "✖",
            SeatCmp::StaleTaken => "?",
            _ => "",
        }
    }
}

/// One customer's map beside the truth.
#[derive(Clone, Debug, PartialEq)]
pub struct StaleMap {
    /// The customer.
    pub customer: u32,
    /// Rows and seats per row.
    pub rows: u32,
    /// Seats per row.
    pub cols: u32,
    /// Per seat: what their map shows against the truth.
    pub seats: Vec<SeatCmp>,
    /// Per seat: whether the truth shows it free.
    pub truth_free: Vec<bool>,
    /// Still on the page.
    pub online: bool,
    /// Their mean staleness so far, ms, over how many changes.
    pub staleness_ms: Option<(f64, u32)>,
}

impl StaleMap {
    /// Customer `c`'s map in `sim` (`None` without the feed or before they loaded it).
    pub fn of(sim: &Sim, c: u32) -> Option<StaleMap> {
        let m = sim.customer_map(c)?;
        let hall = sim.hall();
        let truth_free: Vec<bool> = (0..hall.len() as u32).map(|s| hall.shown_free(s)).collect();
        let seats = m
            .shows_free
            .iter()
            .zip(&truth_free)
            .map(|(&a, &b)| SeatCmp::of(a, b))
            .collect();
        Some(StaleMap {
            customer: c,
            rows: hall.rows(),
            cols: hall.cols(),
            seats,
            truth_free,
            online: m.online,
            staleness_ms: m.staleness_ms,
        })
    }

    /// Seats their map shows wrong.
    pub fn wrong(&self) -> usize {
        self.seats
            .iter()
            .filter(|s| matches!(s, SeatCmp::StaleFree | SeatCmp::StaleTaken))
            .count()
    }
}

/// The customers to pick from: on the page first, the most wrong map first (at most
/// `n`): (customer, online, seats shown wrong).
pub fn customers(sim: &Sim, n: usize) -> Vec<(u32, bool, u32)> {
    let mut v = sim.feed_customers();
    v.truncate(n);
    v
}

/// The feed's figures with the run's "seat taken" refusals.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedModel {
    /// The core's view of the feed.
    pub feed: FeedView,
    /// Claims refused because the seat was taken.
    pub taken: u64,
    /// Seat requests sent.
    pub requests: u64,
}

impl FeedModel {
    /// The feed of `sim`, if it has one.
    pub fn of(sim: &Sim) -> Option<FeedModel> {
        let feed = sim.feed_view()?;
        let m = sim.metrics();
        Some(FeedModel {
            feed,
            taken: m.taken_refusals,
            requests: m.requests,
        })
    }

    /// Whether the maps are pushed to.
    pub fn pushes(&self) -> bool {
        self.feed.transport == Transport::Sse
    }

    /// Whether the capture reads the log (at least once) rather than a broadcast.
    pub fn from_log(&self) -> bool {
        self.feed.capture == Capture::Log
    }
}

/// How full a lag bar is, 0..1: a log scale from 1 ms (empty) to 10 s (full).
pub fn lag_fill(ms: f64) -> f64 {
    if ms <= 1.0 {
        0.0
    } else {
        (ms.log10() / 4.0).min(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seat_compares_map_and_truth() {
        assert_eq!(SeatCmp::of(true, false), SeatCmp::StaleFree);
        assert_eq!(SeatCmp::of(false, true), SeatCmp::StaleTaken);
        assert_eq!(SeatCmp::of(true, true).symbol(), "");
        assert_eq!(SeatCmp::StaleFree.symbol(), "✖");
    }

    #[test]
    fn lag_bars_are_logarithmic() {
        assert_eq!(lag_fill(0.5), 0.0);
        assert!((lag_fill(100.0) - 0.5).abs() < 1e-12);
        assert_eq!(lag_fill(60_000.0), 1.0);
    }

    #[test]
    fn a_feed_run_shows_its_maps_beside_the_truth() {
        let mut c = driftlab_sim::presets::preset("feed_sse_vs_polling").unwrap();
        c.crowd.customers = 300;
        let mut sim = Sim::new(c).unwrap();
        sim.run_until(driftlab_sim::Time::from_hms(10, 0, 10));
        let m = FeedModel::of(&sim).unwrap();
        assert!(m.feed.captured > 0 && m.pushes() && m.from_log());
        let list = customers(&sim, 10);
        assert!(!list.is_empty());
        let map = StaleMap::of(&sim, list[0].0).unwrap();
        assert_eq!(map.seats.len(), 200);
        assert_eq!(map.wrong() as u32, list[0].2);
    }
}

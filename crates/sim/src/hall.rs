//! The hall: seats, their Zipf-like popularity, and drawing a seat among those a
//! customer sees free.

use crate::config::HallConfig;
use crate::rng::Rng;

/// A seat, by index `row * cols + col`.
pub type SeatId = u32;

/// The seats and their popularity weights.
///
/// Seats are ranked by desirability (front rows first, then closeness to the centre
/// aisle) and the seat of rank `r` (from 1) weighs `1 / r^s`, `s` the configured
/// exponent: centre front is hot, the back corners are not.
#[derive(Clone, Debug)]
pub struct Hall {
    rows: u32,
    cols: u32,
    weights: Vec<u64>,
    free: Fenwick,
    /// Changes of the map not yet taken by the change feed's capture (`None`: nobody
    /// captures them).
    journal: Option<Vec<(SeatId, bool)>>,
}

impl Hall {
    /// A hall with every seat free.
    pub fn new(cfg: &HallConfig) -> Hall {
        let n = (cfg.rows * cfg.cols) as usize;
        let centre = (cfg.cols as f64 - 1.0) / 2.0;
        let score = |i: usize| {
            let (r, c) = (i as u32 / cfg.cols, i as u32 % cfg.cols);
            r as f64 + 0.5 * (c as f64 - centre).abs()
        };
        let order = crate::order::order_by(n, &mut |a, b| score(a).total_cmp(&score(b)));
        let mut weights = vec![0u64; n];
        for (rank, &seat) in order.iter().enumerate() {
            let w = 1e9 / libm::pow(rank as f64 + 1.0, cfg.popularity_exponent);
            weights[seat] = libm::round(w).max(1.0) as u64;
        }
        let mut free = Fenwick::new(n);
        for (i, &w) in weights.iter().enumerate() {
            free.add(i, w as i64);
        }
        Hall {
            rows: cfg.rows,
            cols: cfg.cols,
            weights,
            free,
            journal: None,
        }
    }

    /// Rows of the hall.
    pub fn rows(&self) -> u32 {
        self.rows
    }

    /// Seats per row.
    pub fn cols(&self) -> u32 {
        self.cols
    }

    /// Number of seats.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    /// Whether the hall has no seat (never, for a valid config).
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// The seat's label as printed on a ticket: row letter(s) and number, e.g. `C7`.
    pub fn label(&self, seat: SeatId) -> String {
        seat_label(seat, self.cols)
    }

    /// The seat's relative popularity, 0..1 (1 for the hottest seat).
    pub fn popularity(&self, seat: SeatId) -> f64 {
        self.weights[seat as usize] as f64 / 1e9
    }

    /// Marks a seat as shown taken (or free again) on the customers' seat map.
    pub fn set_shown_free(&mut self, seat: SeatId, free: bool) {
        let w = self.weights[seat as usize] as i64;
        let shown = self.free.get(seat as usize) > 0;
        if shown != free {
            self.free.add(seat as usize, if free { w } else { -w });
            if let Some(j) = &mut self.journal {
                j.push((seat, free));
            }
        }
    }

    /// Whether the customers' seat map shows `seat` free.
    pub fn shown_free(&self, seat: SeatId) -> bool {
        self.free.get(seat as usize) > 0
    }

    /// The seat's popularity weight (the hottest seat weighs 10⁹).
    pub fn weight(&self, seat: SeatId) -> u64 {
        self.weights[seat as usize]
    }

    /// From now on, every change of the map is kept for [`Hall::take_changes`] (the
    /// change feed captures them).
    pub fn record_changes(&mut self) {
        self.journal.get_or_insert_with(Vec::new);
    }

    /// Whether changes wait to be captured.
    #[inline]
    pub fn has_changes(&self) -> bool {
        self.journal.as_ref().is_some_and(|j| !j.is_empty())
    }

    /// The changes (seat, free now) since the last call, oldest first.
    pub fn take_changes(&mut self) -> Vec<(SeatId, bool)> {
        self.journal
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Draws a seat among those shown free, by popularity; `None` if none is free.
    pub fn pick_free(&self, rng: &mut Rng) -> Option<SeatId> {
        let total = self.free.total();
        if total <= 0 {
            return None;
        }
        Some(self.free.find(rng.below(total as u64) as i64) as SeatId)
    }
}

/// A seat's label from its index and the row length: `A1` is front left.
pub fn seat_label(seat: SeatId, cols: u32) -> String {
    let (r, c) = (seat / cols, seat % cols);
    let mut row = String::new();
    let mut k = r;
    loop {
        row.insert(0, (b'A' + (k % 26) as u8) as char);
        if k < 26 {
            break;
        }
        k = k / 26 - 1;
    }
    format!("{row}{}", c + 1)
}

/// A Fenwick (binary indexed) tree of weights: update and weighted draw in O(log n),
/// total in O(1) (a full hall is asked for a seat by every late customer).
#[derive(Clone, Debug)]
struct Fenwick {
    tree: Vec<i64>,
    values: Vec<i64>,
    total: i64,
    /// The largest power of two not above the number of values (0 if none): where
    /// `find`'s descent starts.
    top: usize,
}

impl Fenwick {
    fn new(n: usize) -> Fenwick {
        Fenwick {
            tree: vec![0; n + 1],
            values: vec![0; n],
            total: 0,
            top: if n == 0 { 0 } else { 1 << n.ilog2() },
        }
    }

    fn add(&mut self, i: usize, delta: i64) {
        self.values[i] += delta;
        self.total += delta;
        let mut k = i + 1;
        while k < self.tree.len() {
            self.tree[k] += delta;
            k += k & k.wrapping_neg();
        }
    }

    fn get(&self, i: usize) -> i64 {
        self.values[i]
    }

    fn total(&self) -> i64 {
        self.total
    }

    /// The index `i` such that prefix(i) ≤ x < prefix(i + 1), for 0 ≤ x < total.
    fn find(&self, mut x: i64) -> usize {
        let tree = &self.tree[..];
        let n = tree.len() - 1;
        let mut pos = 0;
        let mut step = self.top;
        while step > 0 {
            let next = pos + step;
            if next <= n && tree[next] <= x {
                pos = next;
                x -= tree[next];
            }
            step >>= 1;
        }
        pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centre_front_is_hottest() {
        let h = Hall::new(&HallConfig::default());
        let hottest = (0..h.len() as u32)
            .max_by(|&a, &b| h.popularity(a).total_cmp(&h.popularity(b)))
            .unwrap();
        assert!(hottest == 9 || hottest == 10, "{hottest}");
        assert!(h.popularity(0) < h.popularity(9));
        assert!(h.popularity(199) < h.popularity(0));
    }

    #[test]
    fn labels() {
        assert_eq!(seat_label(0, 20), "A1");
        assert_eq!(seat_label(47, 20), "C8");
        assert_eq!(seat_label(26 * 2, 2), "AA1");
    }

    #[test]
    fn draws_follow_weights_and_skip_taken_seats() {
        let mut h = Hall::new(&HallConfig {
            rows: 1,
            cols: 3,
            popularity_exponent: 1.0,
        });
        // Ranks: centre (1) weight 1, then 0 (1/2), then 2 (1/3).
        let mut rng = Rng::stream(5, 0);
        let mut counts = [0u32; 3];
        for _ in 0..60_000 {
            counts[h.pick_free(&mut rng).unwrap() as usize] += 1;
        }
        let total = 1.0 + 0.5 + 1.0 / 3.0;
        assert!(
            (counts[1] as f64 / 60_000.0 - 1.0 / total).abs() < 0.01,
            "{counts:?}"
        );
        h.set_shown_free(1, false);
        h.set_shown_free(1, false);
        assert!((0..1000).all(|_| h.pick_free(&mut rng) != Some(1)));
        h.set_shown_free(0, false);
        h.set_shown_free(2, false);
        assert_eq!(h.pick_free(&mut rng), None);
        h.set_shown_free(2, true);
        assert_eq!(h.pick_free(&mut rng), Some(2));
    }

    #[test]
    fn fenwick_finds_by_prefix_and_keeps_its_total() {
        for n in [1usize, 2, 3, 5, 8, 13, 200] {
            let mut f = Fenwick::new(n);
            let mut rng = Rng::stream(9, n as u64);
            let mut naive = vec![0i64; n];
            for _ in 0..300 {
                let i = rng.below(n as u64) as usize;
                let delta = rng.below(7) as i64 - naive[i].min(3);
                f.add(i, delta);
                naive[i] += delta;
                assert_eq!(f.total(), naive.iter().sum::<i64>());
                if f.total() > 0 {
                    let x = rng.below(f.total() as u64) as i64;
                    let mut acc = 0;
                    let want = (0..n)
                        .find(|&k| {
                            acc += naive[k];
                            x < acc
                        })
                        .unwrap();
                    assert_eq!(f.find(x), want, "n {n}, x {x}, {naive:?}");
                }
            }
        }
    }
}

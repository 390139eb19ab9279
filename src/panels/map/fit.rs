//! The map's type size, chosen for the room its panel gives it.
//!
//! The diagram is laid out by the page (its boxes wrap onto as many rows as their
//! content needs); the only choice left is the size of its type, which every length of
//! the map follows (`em`). [`largest_fitting`] picks the largest size on a grid of
//! steps, between a floor (14 px, what the back of a classroom still reads) and the
//! page's own size for the map, at which the map fits its panel without scrolling.
//! Whether a size fits is the page's measure (the app sets the size and reads the
//! panel's scroll sizes): the search asks as few sizes as a bisection needs.

/// The smallest type the map is drawn with, px: the readable test's floor.
pub const FLOOR_PX: f64 = 14.0;
/// Sizes tried are this far apart, px.
pub const STEP_PX: f64 = 0.5;

/// The largest size among `lo`, `lo + step`, … up to `hi` (`hi` itself when it is on
/// no step) for which `fits` holds, assuming a smaller size fits whenever a larger one
/// does; `lo` when none does (the map then scrolls: nothing smaller is drawn). `fits`
/// is asked at most ⌈log₂(steps + 1)⌉ + 1 times, the last size asked not necessarily
/// the answer: the caller sets the answer afterwards.
pub fn largest_fitting(lo: f64, hi: f64, step: f64, mut fits: impl FnMut(f64) -> bool) -> f64 {
    if hi <= lo || step <= 0.0 {
        return lo;
    }
    if fits(hi) {
        return hi;
    }
    // Sizes lo + k·step, k in 0..=n, all below hi (hi itself did not fit).
    let mut n = ((hi - lo) / step).floor() as i64;
    if lo + n as f64 * step >= hi {
        n -= 1;
    }
    // Invariant: size(good) fits or good = 0 (the floor, kept whatever it measures);
    // sizes above size(bad) do not fit.
    let (mut good, mut bad) = (0_i64, n + 1);
    while bad - good > 1 {
        let mid = (good + bad) / 2;
        if fits(lo + mid as f64 * step) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    lo + good as f64 * step
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the search against a map that fits at `limit` px and under, counting the
    /// sizes asked.
    fn search(lo: f64, hi: f64, step: f64, limit: f64) -> (f64, Vec<f64>) {
        let mut asked = Vec::new();
        let px = largest_fitting(lo, hi, step, |px| {
            asked.push(px);
            px <= limit
        });
        (px, asked)
    }

    #[test]
    fn the_pages_own_size_when_it_fits() {
        // 20 px (projector mode) fits: asked once, kept.
        assert_eq!(search(14.0, 20.0, 0.5, 25.0), (20.0, vec![20.0]));
    }

    #[test]
    fn the_largest_step_that_fits() {
        // Steps 14, 14.5, … 19.5 (20 did not fit); the map fits up to 17.2 px: 17.0.
        // Bisection over k in 0..12 (14 + 0.5 k): 20 first, then k = 6 (17, fits),
        // k = 9 (18.5, no), k = 7 (17.5, no): four sizes asked.
        let (px, asked) = search(14.0, 20.0, 0.5, 17.2);
        assert_eq!(px, 17.0);
        assert_eq!(asked, vec![20.0, 17.0, 18.5, 17.5]);
    }

    #[test]
    fn a_size_off_the_grid_is_tried_first() {
        // 19.2 px (a big screen's 1.2 rem): steps 14 … 19.0 below it; fits up to 18.6.
        let (px, _) = search(14.0, 19.2, 0.5, 18.6);
        assert_eq!(px, 18.5);
        let (px, asked) = search(14.0, 19.2, 0.5, 30.0);
        assert_eq!((px, asked.len()), (19.2, 1));
    }

    #[test]
    fn the_floor_when_nothing_fits() {
        // Nothing fits, not even 14 px: 14 px (never smaller).
        let (px, asked) = search(14.0, 16.0, 0.5, 10.0);
        assert_eq!(px, 14.0);
        // 16, then 15 (k = 2 of 0..4), 14.5 (k = 1): the floor itself is not asked.
        assert_eq!(asked, vec![16.0, 15.0, 14.5]);
        // The page's size at or under the floor: the floor, asked nothing.
        assert_eq!(search(14.0, 14.0, 0.5, 10.0), (14.0, vec![]));
    }

    #[test]
    fn every_size_on_the_grid_is_found() {
        // For each limit between the floor and 20 px, the answer is the limit rounded
        // down to the grid (14 + 0.5 k), found in at most ⌈log₂ 13⌉ + 1 = 5 asks.
        for k in 0..=12 {
            let limit = 14.0 + 0.5 * f64::from(k) + 0.1;
            let (px, asked) = search(14.0, 20.0, 0.5, limit);
            assert_eq!(px, 14.0 + 0.5 * f64::from(k), "limit {limit}");
            assert!(asked.len() <= 5, "{asked:?}");
        }
    }
}

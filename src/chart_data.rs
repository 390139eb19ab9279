//! What the charts draw, computed from the run's history: plain numbers, no canvas.

use crate::palette::{hex_rgb, server_rgb, DOUBLE_BOOKING, INVERSION, WRONG_WINNER};
use driftlab_sim::metrics::{History, Metrics};
use driftlab_sim::time::SEC;
use driftlab_sim::Time;

/// Points per line at most: more would not show on a chart a few hundred pixels wide.
const MAX_POINTS: usize = 400;
/// The x axis spans at least this much true time, seconds, so the first seconds of a
/// run do not fill the whole width.
const MIN_SPAN_S: f64 = 120.0;

/// Which chart (`kind as usize` indexes the charts' signals).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Each server's clock offset over true time.
    Offsets,
    /// Cumulative wrong winners, double bookings and order inversions.
    Anomalies,
    /// Each server's mean response time per second.
    Response,
}

/// One line: a colour, a width, and its pieces (a gap where there is no data).
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// RGB.
    pub rgb: (u8, u8, u8),
    /// Stroke width in CSS pixels.
    pub width: u32,
    /// Whether it is read against the right-hand axis.
    pub right: bool,
    /// Unbroken pieces of (x s, y) points.
    pub pieces: Vec<Vec<(f64, f64)>>,
}

/// A chart ready to draw.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartData {
    /// x range, seconds since midnight (true time).
    pub x: (f64, f64),
    /// y range.
    pub y: (f64, f64),
    /// The right-hand axis's range, for lines of another magnitude.
    pub y2: Option<(f64, f64)>,
    /// Where the x axis is labelled: round minutes or seconds.
    pub x_keys: Vec<f64>,
    /// Decimals of the y labels.
    pub y_decimals: usize,
    /// The sale's opening, seconds since midnight (a vertical marker).
    pub opening: f64,
    /// Whether to draw the y = 0 line (true time, on the offsets chart).
    pub zero_line: bool,
    /// The lines, drawn in order.
    pub lines: Vec<Line>,
}

impl ChartData {
    /// The chart `kind` of history `h`; `None` before there are two samples to join.
    pub fn of(kind: ChartKind, h: &History, opening: Time) -> Option<ChartData> {
        if h.t.len() < 2 {
            return None;
        }
        let idx = sample_indices(h.t.len());
        let xs: Vec<f64> = idx.iter().map(|&k| h.t[k].as_secs_f64()).collect();
        let line = |rgb, width, ys: Vec<f64>| Line {
            rgb,
            width,
            right: false,
            pieces: pieces(&xs, &ys),
        };
        let lines: Vec<Line> = match kind {
            ChartKind::Offsets => h
                .offsets
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let ys = idx.iter().map(|&k| o[k] as f64 / SEC as f64).collect();
                    line(server_rgb(i), 3, ys)
                })
                .collect(),
            ChartKind::Response => h
                .response_ms
                .iter()
                .enumerate()
                .map(|(i, r)| line(server_rgb(i), 2, idx.iter().map(|&k| r[k] as f64).collect()))
                .collect(),
            ChartKind::Anomalies => {
                let m = |f: fn(&Metrics) -> u64| -> Vec<f64> {
                    idx.iter().map(|&k| f(&h.metrics[k]) as f64).collect()
                };
                // Inversions run into thousands where wrong winners count tens: they get
                // the right-hand axis, so that neither squashes the other.
                vec![
                    Line {
                        right: true,
                        ..line(hex_rgb(INVERSION), 2, m(|m| m.order_inversions))
                    },
                    line(hex_rgb(DOUBLE_BOOKING), 3, m(|m| m.double_bookings)),
                    line(hex_rgb(WRONG_WINNER), 4, m(|m| m.wrong_winners)),
                ]
            }
        };
        let x0 = xs[0];
        let x1 = xs[xs.len() - 1].max(x0 + MIN_SPAN_S);
        let (lo, hi) = extent(lines.iter().filter(|l| !l.right));
        let y2 = lines.iter().any(|l| l.right).then(|| {
            (
                0.0,
                (extent(lines.iter().filter(|l| l.right)).1 * 1.1).max(5.0),
            )
        });
        let (y, y_decimals) = match kind {
            ChartKind::Offsets => {
                let (lo, hi) = (lo.min(-1.0), hi.max(1.0));
                let pad = (hi - lo) * 0.08;
                ((lo - pad, hi + pad), if hi - lo < 4.0 { 1 } else { 0 })
            }
            ChartKind::Anomalies => ((0.0, (hi * 1.1).max(5.0)), 0),
            ChartKind::Response => ((0.0, (hi * 1.15).max(10.0)), 0),
        };
        Some(ChartData {
            x: (x0, x1),
            y,
            y2,
            x_keys: time_keys(x0, x1, 4),
            y_decimals,
            opening: opening.as_secs_f64(),
            zero_line: kind == ChartKind::Offsets,
            lines,
        })
    }
}

/// The lowest and highest y of `lines` ((0, 1) if they have no points).
fn extent<'a>(lines: impl Iterator<Item = &'a Line>) -> (f64, f64) {
    let ys = lines.flat_map(|l| l.pieces.iter().flatten().map(|p| p.1));
    let (lo, hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
        (lo.min(y), hi.max(y))
    });
    if lo.is_finite() {
        (lo, hi)
    } else {
        (0.0, 1.0)
    }
}

/// The samples to draw out of `n`: evenly strided, always the last one.
fn sample_indices(n: usize) -> Vec<usize> {
    let stride = n.div_ceil(MAX_POINTS).max(1);
    let mut v: Vec<usize> = (0..n).step_by(stride).collect();
    if v.last() != Some(&(n - 1)) {
        v.push(n - 1);
    }
    v
}

/// Splits a line where y is not a number (a second without data).
fn pieces(xs: &[f64], ys: &[f64]) -> Vec<Vec<(f64, f64)>> {
    let mut out = vec![Vec::new()];
    for (&x, &y) in xs.iter().zip(ys) {
        if y.is_finite() {
            out.last_mut().expect("never empty").push((x, y));
        } else if !out.last().expect("never empty").is_empty() {
            out.push(Vec::new());
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

/// Round instants between `x0` and `x1` (seconds), about `max` of them: every 10 s,
/// 15 s, 30 s, 1 min, 2 min, 5 min… whichever step fits.
pub fn time_keys(x0: f64, x1: f64, max: usize) -> Vec<f64> {
    const STEPS: [f64; 10] = [
        10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0,
    ];
    let span = (x1 - x0).max(1.0);
    let step = STEPS
        .into_iter()
        .find(|s| span / s < max as f64)
        .unwrap_or(7200.0);
    let first = (x0 / step).ceil() as i64;
    let last = (x1 / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A time-axis label: `10:02` on whole minutes, else `10:02:30`.
pub fn time_label(s: f64) -> String {
    let s = s.round() as i64;
    let (h, m, sec) = (s / 3600 % 24, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{sec:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_round_and_few() {
        assert_eq!(
            time_keys(35_940.0, 36_060.0, 4),
            vec![35_940.0, 36_000.0, 36_060.0]
        );
        assert_eq!(time_keys(35_940.0, 36_600.0, 4).len(), 3);
        assert_eq!(time_label(36_000.0), "10:00");
        assert_eq!(time_label(36_030.0), "10:00:30");
    }

    #[test]
    fn gaps_split_lines() {
        let xs = [0.0, 1.0, 2.0, 3.0, 4.0];
        let ys = [1.0, f64::NAN, 2.0, 3.0, f64::NAN];
        assert_eq!(
            pieces(&xs, &ys),
            vec![vec![(0.0, 1.0)], vec![(2.0, 2.0), (3.0, 3.0)]]
        );
    }

    #[test]
    fn long_histories_are_thinned_but_keep_the_end() {
        let v = sample_indices(1000);
        assert!(v.len() <= MAX_POINTS + 1);
        assert_eq!(v.last(), Some(&999));
        assert_eq!(sample_indices(3), vec![0, 1, 2]);
    }

    #[test]
    fn charts_of_a_run() {
        let mut cfg = driftlab_sim::presets::preset("extreme_drift").unwrap();
        cfg.crowd.customers = 200;
        let mut sim = driftlab_sim::Sim::new(cfg).unwrap();
        assert!(ChartData::of(ChartKind::Offsets, sim.history(), sim.snapshot().opening).is_none());
        sim.run();
        let opening = sim.snapshot().opening;
        let c = ChartData::of(ChartKind::Offsets, sim.history(), opening).unwrap();
        assert_eq!(c.lines.len(), 5);
        assert!(c.y.0 < -30.0 && c.y.1 > 15.0);
        let a = ChartData::of(ChartKind::Anomalies, sim.history(), opening).unwrap();
        assert_eq!(a.lines.len(), 3);
        assert_eq!(a.y.0, 0.0);
        let inversions = sim.metrics().order_inversions as f64;
        assert!(a.y2.unwrap().1 >= inversions && a.y.1 < inversions, "{a:?}");
        let r = ChartData::of(ChartKind::Response, sim.history(), opening).unwrap();
        assert!(r.y.1 >= 10.0);
    }
}

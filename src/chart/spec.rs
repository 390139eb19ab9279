//! What a chart draws, as plain data: axes with their ticks already labelled, lines
//! in pieces, reference marks. Built by each panel's view data from the run's history;
//! no canvas, no language lookups at drawing time.

use crate::i18n::Lang;

/// Points per line at most: more would not show on a chart a few hundred pixels wide.
pub const MAX_POINTS: usize = 400;

/// One axis: its range, where it is labelled and how, and its title (empty: none).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Axis {
    /// Lowest and highest value shown.
    pub range: (f64, f64),
    /// Labelled values, inside the range, with their labels.
    pub ticks: Vec<(f64, String)>,
    /// Beside or under the axis, with its unit; empty for none.
    pub title: String,
}

/// One line: a colour, a width, and its unbroken pieces (a gap where data is missing).
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// RGB.
    pub rgb: (u8, u8, u8),
    /// Stroke width in CSS pixels.
    pub width: f64,
    /// Whether it is read against the right-hand axis.
    pub right: bool,
    /// Unbroken pieces of (x, y) points.
    pub pieces: Vec<Vec<(f64, f64)>>,
}

/// A straight reference line: true time, the opening, a threshold.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// Start (x, y).
    pub from: (f64, f64),
    /// End (x, y).
    pub to: (f64, f64),
    /// RGB.
    pub rgb: (u8, u8, u8),
    /// Stroke width in CSS pixels.
    pub width: f64,
    /// Dashed, or solid.
    pub dashed: bool,
}

/// A chart ready to draw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartSpec {
    /// The x axis (true time, seconds since midnight, on every chart of the app).
    pub x: Axis,
    /// The left y axis.
    pub y: Axis,
    /// The right y axis, for lines of another magnitude.
    pub y2: Option<Axis>,
    /// Reference lines, drawn under the data.
    pub marks: Vec<Mark>,
    /// The data, drawn in order.
    pub lines: Vec<Line>,
}

/// The samples to draw out of `n`: evenly strided, at most about [`MAX_POINTS`],
/// always the last one.
pub fn sample_indices(n: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let stride = n.div_ceil(MAX_POINTS).max(1);
    let mut v: Vec<usize> = (0..n).step_by(stride).collect();
    if v.last() != Some(&(n - 1)) {
        v.push(n - 1);
    }
    v
}

/// Splits a line where y is not a number (a second without data).
pub fn pieces(xs: &[f64], ys: &[f64]) -> Vec<Vec<(f64, f64)>> {
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

/// The lowest and highest y of `lines` (`None` if they have no points).
pub fn extent<'a>(lines: impl Iterator<Item = &'a Line>) -> Option<(f64, f64)> {
    let ys = lines.flat_map(|l| l.pieces.iter().flatten().map(|p| p.1));
    let (lo, hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
        (lo.min(y), hi.max(y))
    });
    lo.is_finite().then_some((lo, hi))
}

/// Round instants between `x0` and `x1` (seconds), fewer than `max`: every 10 s, 15 s,
/// 30 s, 1 min, 2 min, 5 min… whichever step fits.
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

/// A true-time x axis from `x0` to `x1` seconds, with about `max` round labels.
pub fn time_axis(x0: f64, x1: f64, max: usize, title: &str) -> Axis {
    Axis {
        range: (x0, x1),
        ticks: time_keys(x0, x1, max)
            .into_iter()
            .map(|x| (x, time_label(x)))
            .collect(),
        title: title.to_string(),
    }
}

/// Round values covering `lo..=hi`, at most `max` of them, a step of 1, 2 or 5 × 10ⁿ;
/// with the decimals that step needs.
pub fn nice_ticks(lo: f64, hi: f64, max: usize) -> (Vec<f64>, usize) {
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    let span = (hi - lo).max(1e-9);
    let mag = 10f64.powf((span / max.max(1) as f64).log10().floor());
    let count = |step: f64| (hi / step + 1e-9).floor() - (lo / step - 1e-9).ceil() + 1.0;
    let step = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|&s| count(s) <= max as f64)
        .unwrap_or(100.0 * mag);
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10() - 1e-9).ceil() as usize
    };
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    let ticks = (first..=last).map(|k| k as f64 * step).collect();
    (ticks, decimals)
}

/// A linear y axis over `range`, labelled at about `max` round values in `lang`.
pub fn linear_axis(range: (f64, f64), max: usize, lang: Lang, title: &str) -> Axis {
    let (ticks, decimals) = nice_ticks(range.0, range.1, max);
    Axis {
        range,
        ticks: ticks
            .into_iter()
            .map(|v| {
                // −0.0 would read "−0".
                let v = if v.abs() < 1e-12 { 0.0 } else { v };
                (v, lang.num(v, decimals))
            })
            .collect(),
        title: title.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_keys_are_round_and_few() {
        assert_eq!(
            time_keys(35_940.0, 36_060.0, 4),
            vec![35_940.0, 36_000.0, 36_060.0]
        );
        // 11 minutes: 5-minute steps, 10:00, 10:05 and 10:10.
        assert_eq!(
            time_keys(35_940.0, 36_600.0, 4),
            vec![36_000.0, 36_300.0, 36_600.0]
        );
        assert_eq!(time_label(36_000.0), "10:00");
        assert_eq!(time_label(36_030.0), "10:00:30");
        let a = time_axis(36_000.0, 36_120.0, 4, "true time");
        assert_eq!(a.ticks[1], (36_060.0, "10:01".to_string()));
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
        // Stride 3: 0, 3, … 999, the last one already in.
        assert_eq!(v.len(), 334);
        assert_eq!(v.last(), Some(&999));
        assert_eq!(sample_indices(3), vec![0, 1, 2]);
        // 803 samples: stride 3 ends at 801, then the last one.
        let v = sample_indices(803);
        assert_eq!(v.len(), 269);
        assert_eq!(&v[266..], &[798, 801, 802]);
    }

    #[test]
    fn nice_ticks_by_hand() {
        // 0..10 in at most 5: steps of 1 (11 ticks) and 2 (6) are too many, 5 fits.
        assert_eq!(nice_ticks(0.0, 10.0, 5), (vec![0.0, 5.0, 10.0], 0));
        // Extreme drift's offsets, −33.6..18.6 s: steps of 10.
        assert_eq!(
            nice_ticks(-33.6, 18.6, 6),
            (vec![-30.0, -20.0, -10.0, 0.0, 10.0], 0)
        );
        assert_eq!(
            nice_ticks(-1.2, 1.2, 5),
            (vec![-1.0, -0.5, 0.0, 0.5, 1.0], 1)
        );
        assert_eq!(nice_ticks(0.0, 0.25, 6).1, 2, "steps of 0.05");
        assert_eq!(nice_ticks(0.0, 1100.0, 5).0, vec![0.0, 500.0, 1000.0]);
    }

    #[test]
    fn linear_axes_label_in_the_language() {
        let a = linear_axis((0.0, 2500.0), 5, Lang::Fr, "ms");
        assert_eq!(a.ticks[1], (1000.0, "1\u{202f}000".to_string()));
        let a = linear_axis((-1.0, 1.0), 5, Lang::Fr, "s");
        assert_eq!(a.ticks[1], (-0.5, "−0,5".to_string()));
        assert_eq!(a.ticks[2].1, "0,0");
        assert_eq!(a.title, "s");
    }

    #[test]
    fn extent_of_lines() {
        let l = |ys: &[f64]| Line {
            rgb: (0, 0, 0),
            width: 1.0,
            right: false,
            pieces: vec![ys.iter().enumerate().map(|(i, &y)| (i as f64, y)).collect()],
        };
        assert_eq!(
            extent([l(&[1.0, -2.0]), l(&[5.0])].iter()),
            Some((-2.0, 5.0))
        );
        assert_eq!(extent([].iter()), None);
    }
}

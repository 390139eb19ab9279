//! What the NTP charts draw: each server's clock offset, NTP jitter and NTP delay over
//! true time on a symmetric log scale (milliseconds and minutes on one axis), the alert
//! thresholds dashed. Plain data, no canvas.

use crate::chart::spec::{sample_indices, time_axis};
use crate::chart::{Axis, ChartSpec, Line, Mark};
use crate::i18n::{Lang, Txt};
use crate::palette::server_rgb;
use driftlab_sim::metrics::History;

/// Below this many ms the scale is linear: 0.1 ms, under any LAN's jitter.
pub const LIN_MS: f64 = 0.1;
/// Tick values, ms.
const TICKS: [f64; 6] = [0.1, 1.0, 10.0, 100.0, 1000.0, 10_000.0];

/// Which NTP chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NtpChart {
    /// Clock offsets from true time.
    Offset,
    /// NTP jitter.
    Jitter,
    /// NTP round-trip delay.
    Delay,
}

impl NtpChart {
    /// Its title and id (CSS class and test id).
    pub fn texts(self) -> (Txt, &'static str) {
        match self {
            NtpChart::Offset => (Txt::NtpChOffset, "offset"),
            NtpChart::Jitter => (Txt::NtpChJitter, "jitter"),
            NtpChart::Delay => (Txt::NtpChDelay, "delay"),
        }
    }

    /// The alert threshold, ms, and its colour.
    pub fn threshold(self) -> (f64, (u8, u8, u8)) {
        match self {
            NtpChart::Offset => (100.0, (197, 27, 125)),
            NtpChart::Jitter => (50.0, (204, 121, 0)),
            NtpChart::Delay => (200.0, (204, 121, 0)),
        }
    }
}

/// The symmetric log transform: linear under [`LIN_MS`], logarithmic above.
pub fn symlog(ms: f64) -> f64 {
    ms.signum() * (1.0 + ms.abs() / LIN_MS).log10()
}

/// The inverse of [`symlog`].
pub fn unsymlog(y: f64) -> f64 {
    y.signum() * (10f64.powf(y.abs()) - 1.0) * LIN_MS
}

/// A tick label: `0`, `0.1 ms`, `100 ms`, `1 s`, `1 min`, with a sign below zero.
pub fn tick_label(lang: Lang, ms: f64) -> String {
    // Round away the transform's float error (0.99999… reads 1).
    let a = ms.abs();
    let decade = 10f64.powf(a.log10().round());
    let a = if (a / decade - 1.0).abs() < 0.01 {
        decade
    } else {
        a
    };
    let sign = if ms < -1e-9 { "−" } else { "" };
    let body = if a < 1e-6 {
        return "0".into();
    } else if a < 1.0 {
        format!("{} ms", lang.num(a, 1))
    } else if a < 1000.0 {
        format!("{} ms", a.round())
    } else if a < 60_000.0 {
        format!("{} s", (a / 1000.0).round())
    } else {
        format!("{} min", (a / 60_000.0).round())
    };
    format!("{sign}{body}")
}

/// Chart `kind` of history `h`, labelled in `lang`; `None` before there is anything to
/// draw (fewer than two samples, or NTP never ran).
pub fn chart(kind: NtpChart, h: &History, lang: Lang) -> Option<ChartSpec> {
    let len = h.t.len();
    if len < 2 {
        return None;
    }
    let idx = sample_indices(len);
    let value = |i: usize, k: usize| -> f64 {
        match kind {
            NtpChart::Offset => h.offsets[i][k] as f64 / 1e6,
            NtpChart::Jitter => h.ntp_jitter_ms[i][k] as f64,
            NtpChart::Delay => h.ntp_delay_ms[i][k] as f64,
        }
    };
    let (th, colour) = kind.threshold();
    let (mut lo, mut hi) = (0f64, symlog(th) + 0.3);
    let lines: Vec<Line> = (0..h.offsets.len())
        .map(|i| {
            let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
            let mut cur = Vec::new();
            for &k in &idx {
                let v = value(i, k);
                if v.is_finite() {
                    let y = symlog(v);
                    lo = lo.min(y);
                    hi = hi.max(y);
                    cur.push((h.t[k].as_secs_f64(), y));
                } else if !cur.is_empty() {
                    pieces.push(std::mem::take(&mut cur));
                }
            }
            if !cur.is_empty() {
                pieces.push(cur);
            }
            Line {
                rgb: server_rgb(i),
                width: 2.5,
                right: false,
                pieces,
            }
        })
        .collect();
    if lines.iter().all(|l| l.pieces.is_empty()) {
        return None;
    }
    if kind == NtpChart::Offset {
        lo = lo.min(-(symlog(th) + 0.3));
    }
    let (y0, y1) = (lo - 0.1, hi + 0.1);
    // A tall range keeps every other decade, so labels never touch.
    let step = if y1 - y0 > 6.0 { 2 } else { 1 };
    let mut ticks = vec![(0.0, "0".to_string())];
    for t in TICKS.into_iter().rev().step_by(step) {
        for ms in [t, -t] {
            if (y0..=y1).contains(&symlog(ms)) {
                ticks.push((symlog(ms), tick_label(lang, ms)));
            }
        }
    }
    driftlab_sim::order::sort_by(&mut ticks, |a, b| a.0.total_cmp(&b.0));
    let x0 = h.t[0].as_secs_f64();
    let x1 = h.t[len - 1].as_secs_f64().max(x0 + 120.0);
    let mut levels = vec![symlog(th)];
    if kind == NtpChart::Offset {
        levels.push(-symlog(th));
    }
    let marks = levels
        .into_iter()
        .map(|y| Mark {
            from: (x0, y),
            to: (x1, y),
            rgb: colour,
            width: 2.0,
            dashed: true,
        })
        .collect();
    Some(ChartSpec {
        x: time_axis(x0, x1, 5, ""),
        y: Axis {
            range: (y0, y1),
            ticks,
            title: String::new(),
        },
        y2: None,
        marks,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use driftlab_sim::time::{MS, SEC};
    use driftlab_sim::Time;

    #[test]
    fn symlog_round_trips_and_orders() {
        for v in [-30_000.0, -100.0, -0.05, 0.0, 0.05, 1.0, 100.0, 45_000.0] {
            assert!(
                (unsymlog(symlog(v)) - v).abs() < 1e-6 * v.abs().max(1.0),
                "{v}"
            );
        }
        // log10(1 + 0.9 / 0.1) = log10(10) = 1; log10(1001) = 3.000434.
        assert!((symlog(0.9) - 1.0).abs() < 1e-12);
        assert!((symlog(100.0) - 3.000_434).abs() < 1e-6);
        assert!((symlog(-100.0) + 3.000_434).abs() < 1e-6);
        assert_eq!(symlog(0.0), 0.0);
    }

    #[test]
    fn ticks_read_in_their_unit() {
        assert_eq!(tick_label(Lang::En, unsymlog(symlog(100.0))), "100 ms");
        assert_eq!(tick_label(Lang::En, -10_000.0), "−10 s");
        assert_eq!(tick_label(Lang::Fr, 0.1), "0,1 ms");
        assert_eq!(tick_label(Lang::En, 60_000.0), "1 min");
        assert_eq!(tick_label(Lang::En, 0.0), "0");
    }

    /// One server, three samples: offsets 0, +100 ms, −1 s; no NTP figures.
    fn history() -> History {
        History {
            t: (0..3).map(|k| Time((36_000 + k) * SEC)).collect(),
            offsets: vec![vec![0, 100 * MS, -SEC]],
            response_ms: vec![vec![0.0; 3]],
            metrics: vec![Default::default(); 3],
            ntp_jitter_ms: vec![vec![f32::NAN; 3]],
            ntp_delay_ms: vec![vec![f32::NAN, 20.0, 30.0]],
        }
    }

    #[test]
    fn the_offset_chart_by_hand() {
        let c = chart(NtpChart::Offset, &history(), Lang::En).unwrap();
        let ys: Vec<f64> = c.lines[0].pieces[0].iter().map(|p| p.1).collect();
        assert_eq!(ys, vec![0.0, symlog(100.0), symlog(-1000.0)]);
        // From −1 s (−4.00004) to the +100 ms threshold's headroom (3.30043), ±0.1.
        assert!((c.y.range.0 - (symlog(-1000.0) - 0.1)).abs() < 1e-12);
        assert!((c.y.range.1 - (symlog(100.0) + 0.4)).abs() < 1e-12);
        // A 7.5-decade range keeps every other decade from the top (10 s, 100 ms,
        // 1 ms): ±10 s (±5.0) are outside, ±100 ms (±3.0) and ±1 ms (±0.3) inside.
        let labels: Vec<&str> = c.y.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, vec!["−100 ms", "−1 ms", "0", "1 ms", "100 ms"]);
        // Both thresholds, ±100 ms, dashed across the run's two minutes.
        assert_eq!(c.marks.len(), 2);
        assert_eq!(c.marks[0].from, (36_000.0, symlog(100.0)));
        assert_eq!(c.marks[1].to, (36_120.0, -symlog(100.0)));
        assert_eq!(c.x.ticks[0].1, "10:00");
    }

    #[test]
    fn nothing_to_draw_without_ntp_figures() {
        assert_eq!(chart(NtpChart::Jitter, &history(), Lang::En), None);
        let d = chart(NtpChart::Delay, &history(), Lang::En).unwrap();
        assert_eq!(
            d.lines[0].pieces,
            vec![vec![(36_001.0, symlog(20.0)), (36_002.0, symlog(30.0))]]
        );
        // Delay is never negative: the range starts just under 0, one threshold.
        assert!((d.y.range.0 + 0.1).abs() < 1e-12);
        assert_eq!(d.marks.len(), 1);
    }
}

//! What the live charts draw, computed from the run's history: plain numbers and
//! labels, no canvas.

use crate::chart::spec::{extent, linear_axis, pieces, sample_indices, time_axis};
use crate::chart::{ChartSpec, Line, Mark};
use crate::i18n::{Lang, Txt};
use crate::palette::{hex_rgb, server_rgb, DOUBLE_BOOKING, INVERSION, WRONG_WINNER};
use driftlab_sim::metrics::{History, Metrics};
use driftlab_sim::time::SEC;
use driftlab_sim::Time;

/// The x axis spans at least this much true time, seconds, so the first seconds of a
/// run do not fill the whole width.
pub const MIN_SPAN_S: f64 = 120.0;

/// Which chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Each server's clock offset over true time.
    Offsets,
    /// Cumulative wrong winners, double bookings and order inversions.
    Anomalies,
    /// Each server's mean response time per second.
    Response,
}

impl ChartKind {
    /// Its title, y-axis title, empty-state text, and id (CSS class and test id).
    pub fn texts(self) -> (Txt, Txt, Txt, &'static str) {
        match self {
            ChartKind::Offsets => (
                Txt::ChartOffsets,
                Txt::AxisOffset,
                Txt::ChartOffsetsEmpty,
                "offsets",
            ),
            ChartKind::Anomalies => (
                Txt::ChartAnomalies,
                Txt::AxisAnomalies,
                Txt::ChartAnomaliesEmpty,
                "anomalies",
            ),
            ChartKind::Response => (
                Txt::ChartResponse,
                Txt::AxisMs,
                Txt::ChartResponseEmpty,
                "response",
            ),
        }
    }
}

/// The chart `kind` of history `h` (the sale opening at `opening`), labelled in
/// `lang`; `None` before there are two samples to join.
pub fn chart(kind: ChartKind, h: &History, opening: Time, lang: Lang) -> Option<ChartSpec> {
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
                line(server_rgb(i), 3.0, ys)
            })
            .collect(),
        ChartKind::Response => h
            .response_ms
            .iter()
            .enumerate()
            .map(|(i, r)| {
                line(
                    server_rgb(i),
                    2.0,
                    idx.iter().map(|&k| r[k] as f64).collect(),
                )
            })
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
                    ..line(hex_rgb(INVERSION), 2.0, m(|m| m.order_inversions))
                },
                line(hex_rgb(DOUBLE_BOOKING), 3.0, m(|m| m.double_bookings)),
                line(hex_rgb(WRONG_WINNER), 4.0, m(|m| m.wrong_winners)),
            ]
        }
    };
    let x0 = xs[0];
    let x1 = xs[xs.len() - 1].max(x0 + MIN_SPAN_S);
    let (lo, hi) = extent(lines.iter().filter(|l| !l.right)).unwrap_or((0.0, 1.0));
    let y = match kind {
        ChartKind::Offsets => {
            let (lo, hi) = (lo.min(-1.0), hi.max(1.0));
            let pad = (hi - lo) * 0.08;
            (lo - pad, hi + pad)
        }
        ChartKind::Anomalies => (0.0, (hi * 1.1).max(5.0)),
        ChartKind::Response => (0.0, (hi * 1.15).max(10.0)),
    };
    let y2 = lines.iter().any(|l| l.right).then(|| {
        let hi = extent(lines.iter().filter(|l| l.right)).map_or(0.0, |e| e.1);
        linear_axis((0.0, (hi * 1.1).max(5.0)), 6, lang, "")
    });
    let grey = (120, 120, 120);
    let opening = opening.as_secs_f64();
    let mut marks = Vec::new();
    if (x0..=x1).contains(&opening) {
        marks.push(Mark {
            from: (opening, y.0),
            to: (opening, y.1),
            rgb: grey,
            width: 1.5,
            dashed: true,
        });
    }
    if kind == ChartKind::Offsets {
        // True time: offset zero.
        marks.push(Mark {
            from: (x0, 0.0),
            to: (x1, 0.0),
            rgb: (0, 0, 0),
            width: 1.5,
            dashed: false,
        });
    }
    Some(ChartSpec {
        x: time_axis(x0, x1, 4, lang.t(Txt::AxisTrueTime)),
        y: linear_axis(y, 6, lang, lang.t(kind.texts().1)),
        y2,
        marks,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three samples a second apart from 9:59:59, two servers.
    fn history() -> History {
        let m = |wrong, double, inversions| Metrics {
            wrong_winners: wrong,
            double_bookings: double,
            order_inversions: inversions,
            ..Metrics::default()
        };
        History {
            t: (0..3).map(|k| Time((35_999 + k) * SEC)).collect(),
            offsets: vec![vec![0, -SEC, -2 * SEC], vec![SEC / 2, SEC / 2, 3 * SEC]],
            response_ms: vec![vec![10.0, f32::NAN, 30.0], vec![5.0, 5.0, 5.0]],
            metrics: vec![m(0, 0, 0), m(1, 0, 40), m(3, 1, 100)],
            ntp_jitter_ms: vec![vec![f32::NAN; 3]; 2],
            ntp_delay_ms: vec![vec![f32::NAN; 3]; 2],
        }
    }

    #[test]
    fn nothing_to_draw_before_two_samples() {
        let mut h = history();
        h.t.truncate(1);
        assert_eq!(
            chart(ChartKind::Offsets, &h, Time(36_000 * SEC), Lang::En),
            None
        );
    }

    #[test]
    fn offsets_by_hand() {
        let c = chart(ChartKind::Offsets, &history(), Time(36_000 * SEC), Lang::En).unwrap();
        // Two minutes at least from the first sample.
        assert_eq!(c.x.range, (35_999.0, 36_119.0));
        assert_eq!(c.x.ticks[0], (36_000.0, "10:00".to_string()));
        // −2 s .. +3 s, padded by 8 % of 5 s.
        assert_eq!(c.y.range, (-2.4, 3.4));
        assert_eq!(c.y.title, "offset (s)");
        assert_eq!(c.lines.len(), 2);
        assert_eq!(
            c.lines[0].pieces,
            vec![vec![(35_999.0, 0.0), (36_000.0, -1.0), (36_001.0, -2.0)]]
        );
        assert_eq!(c.lines[1].rgb, (0x56, 0xB4, 0xE9));
        // The opening (dashed), then true time (solid, black).
        assert_eq!(c.marks.len(), 2);
        assert_eq!(c.marks[0].from, (36_000.0, -2.4));
        assert!(c.marks[0].dashed);
        assert_eq!(
            (c.marks[1].from, c.marks[1].to),
            ((35_999.0, 0.0), (36_119.0, 0.0))
        );
        assert!(c.y2.is_none());
    }

    #[test]
    fn anomalies_put_inversions_on_the_right() {
        let c = chart(ChartKind::Anomalies, &history(), Time(0), Lang::En).unwrap();
        assert!(c.lines[0].right && !c.lines[1].right && !c.lines[2].right);
        // Left: wrong winners up to 3 → at least 5. Right: 100 inversions × 1.1.
        assert_eq!(c.y.range, (0.0, 5.0));
        let y2 = c.y2.unwrap();
        assert!((y2.range.1 - 110.0).abs() < 1e-9);
        assert_eq!(y2.ticks.last().unwrap().1, "100");
        assert!(c.marks.is_empty(), "the opening is outside the run");
    }

    #[test]
    fn response_lines_break_where_a_server_answered_nobody() {
        let c = chart(ChartKind::Response, &history(), Time(0), Lang::Fr).unwrap();
        assert_eq!(
            c.lines[0].pieces,
            vec![vec![(35_999.0, 10.0)], vec![(36_001.0, 30.0)]]
        );
        // 30 ms × 1.15.
        assert!((c.y.range.1 - 34.5).abs() < 1e-9);
        assert_eq!(c.y.title, "réponse moyenne (ms)");
    }

    #[test]
    fn charts_of_a_whole_run() {
        let mut cfg = driftlab_sim::presets::preset("extreme_drift").unwrap();
        cfg.crowd.customers = 200;
        let mut sim = driftlab_sim::Sim::new(cfg).unwrap();
        sim.run();
        let opening = sim.config().sale.opening();
        let c = chart(ChartKind::Offsets, sim.history(), opening, Lang::En).unwrap();
        assert_eq!(c.lines.len(), 5);
        // Servers from −30 s to +15 s.
        assert!(c.y.range.0 < -30.0 && c.y.range.1 > 15.0);
        let a = chart(ChartKind::Anomalies, sim.history(), opening, Lang::En).unwrap();
        let inversions = sim.metrics().order_inversions as f64;
        assert!(a.y2.unwrap().range.1 >= inversions && a.y.range.1 < inversions);
    }
}

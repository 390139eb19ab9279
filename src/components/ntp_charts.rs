//! NTP charts: each server's clock offset, NTP jitter and NTP delay over true time, on
//! a symmetric log scale (milliseconds and minutes on one axis), the alert thresholds
//! dashed. Plotters on canvases, like the main charts, redrawn a few times a second
//! while playing.

use crate::chart_data::{time_keys, time_label};
use crate::ctx::use_ctx;
use crate::i18n::{Lang, Txt};
use crate::palette::{server_colour, server_name, server_rgb};
use driftlab_sim::metrics::History;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

/// Below this many ms the scale is linear: 0.1 ms, under any LAN's jitter.
const LIN_MS: f64 = 0.1;
/// Points per line at most.
const MAX_POINTS: usize = 400;
/// Least time between two redraws while playing, ms.
const REDRAW_MS: f64 = 300.0;
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
    fn texts(self) -> (Txt, &'static str) {
        match self {
            NtpChart::Offset => (Txt::NtpChOffset, "offset"),
            NtpChart::Jitter => (Txt::NtpChJitter, "jitter"),
            NtpChart::Delay => (Txt::NtpChDelay, "delay"),
        }
    }

    /// The alert threshold, ms, and its colour.
    fn threshold(self) -> (f64, RGBColor) {
        match self {
            NtpChart::Offset => (100.0, RGBColor(197, 27, 125)),
            NtpChart::Jitter => (50.0, RGBColor(204, 121, 0)),
            NtpChart::Delay => (200.0, RGBColor(204, 121, 0)),
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
    // The chart's integer coordinates leave 1 ms as 0.9997: snap to the decade.
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

/// One line per server: unbroken pieces of (x s, symlog y).
pub type Lines = Vec<Vec<Vec<(f64, f64)>>>;

/// A chart's x range (s), y range (symlog) and lines.
pub type Plot = ((f64, f64), (f64, f64), Lines);

/// What one chart draws; `None` before there is anything to draw.
pub fn chart_lines(kind: NtpChart, h: &History) -> Option<Plot> {
    let len = h.t.len();
    if len < 2 {
        return None;
    }
    let stride = len.div_ceil(MAX_POINTS).max(1);
    let mut idx: Vec<usize> = (0..len).step_by(stride).collect();
    if idx.last() != Some(&(len - 1)) {
        idx.push(len - 1);
    }
    let value = |i: usize, k: usize| -> f64 {
        match kind {
            NtpChart::Offset => h.offsets[i][k] as f64 / 1e6,
            NtpChart::Jitter => h.ntp_jitter_ms[i][k] as f64,
            NtpChart::Delay => h.ntp_delay_ms[i][k] as f64,
        }
    };
    let servers = h.offsets.len();
    let mut any = false;
    let (mut lo, mut hi) = (0f64, symlog(kind.threshold().0) + 0.3);
    let lines: Lines = (0..servers)
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
            any |= !pieces.is_empty();
            pieces
        })
        .collect();
    if !any {
        return None;
    }
    if kind == NtpChart::Offset {
        lo = lo.min(-(symlog(100.0) + 0.3));
    }
    let x0 = h.t[0].as_secs_f64();
    let x1 = h.t[len - 1].as_secs_f64().max(x0 + 120.0);
    Some(((x0, x1), (lo - 0.1, hi + 0.1), lines))
}

/// Draws chart `kind` of `h` on `canvas` (backing store `scale` px per CSS px).
fn draw(
    canvas: web_sys::HtmlCanvasElement,
    kind: NtpChart,
    h: &History,
    lang: Lang,
    scale: f64,
) -> Result<bool, String> {
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2d context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let Some(((x0, x1), (y0, y1), lines)) = chart_lines(kind, h) else {
        return Ok(false);
    };
    let px = |v: f64| (v * scale).round() as i32;
    let font = || {
        ("sans-serif", 16.0 * scale)
            .into_font()
            .color(&RGBColor(40, 40, 40))
    };
    // Integer y (symlog × 1000): plotters takes custom key points on integer ranges.
    let yi = |y: f64| (y * 1000.0).round() as i64;
    let mut keys: Vec<i64> = vec![0];
    // A tall range keeps every other decade, so labels never touch.
    let step = if y1 - y0 > 6.0 { 2 } else { 1 };
    for t in TICKS.into_iter().rev().step_by(step) {
        for y in [symlog(t), -symlog(t)] {
            if (y0..=y1).contains(&y) {
                keys.push(yi(y));
            }
        }
    }
    let x_keys: Vec<i64> = time_keys(x0, x1, 5)
        .into_iter()
        .map(|x| x.round() as i64)
        .collect();
    let mut chart = ChartBuilder::on(&root)
        .margin_top(px(10.0))
        .margin_right(px(16.0))
        .margin_left(px(6.0))
        .x_label_area_size(px(34.0))
        .y_label_area_size(px(74.0))
        .build_cartesian_2d(
            (x0.round() as i64..x1.round() as i64).with_key_points(x_keys),
            (yi(y0)..yi(y1)).with_key_points(keys),
        )
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_label_formatter(&|x| time_label(*x as f64))
        .y_label_formatter(&|y| tick_label(lang, unsymlog(*y as f64 / 1000.0)))
        .label_style(font())
        .bold_line_style(RGBColor(225, 225, 225).stroke_width(px(1.0) as u32))
        .light_line_style(TRANSPARENT)
        .axis_style(RGBColor(90, 90, 90).stroke_width(px(1.0) as u32))
        .draw()
        .map_err(|e| e.to_string())?;
    let (th, colour) = kind.threshold();
    let mut marks = vec![symlog(th)];
    if kind == NtpChart::Offset {
        marks.push(-symlog(th));
    }
    for y in marks {
        chart
            .draw_series(DashedLineSeries::new(
                [(x0.round() as i64, yi(y)), (x1.round() as i64, yi(y))],
                px(8.0),
                px(6.0),
                colour.stroke_width(px(2.0) as u32),
            ))
            .map_err(|e| e.to_string())?;
    }
    for (i, pieces) in lines.iter().enumerate() {
        let (r, g, b) = server_rgb(i);
        let style = RGBColor(r, g, b).stroke_width(px(2.5) as u32);
        for piece in pieces {
            let pts = piece.iter().map(|&(x, y)| (x.round() as i64, yi(y)));
            chart
                .draw_series(LineSeries::new(pts, style))
                .map_err(|e| e.to_string())?;
        }
    }
    root.present().map_err(|e| e.to_string())?;
    Ok(true)
}

/// The three NTP charts.
#[component]
pub fn NtpCharts() -> impl IntoView {
    let resized = crate::components::charts::resize_counter();
    view! {
        <div class="ntp-charts" data-testid="ntp-charts">
            <OneChart kind=NtpChart::Offset resized=resized />
            <OneChart kind=NtpChart::Jitter resized=resized />
            <OneChart kind=NtpChart::Delay resized=resized />
        </div>
    }
}

#[component]
fn OneChart(kind: NtpChart, resized: RwSignal<u32>) -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let (title, id) = kind.texts();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let drawn = RwSignal::new(false);
    let last = StoredValue::new(f64::NEG_INFINITY);
    Effect::new(move |size: Option<(u32, u32, u32)>| {
        ui.frame.track();
        ui.run.track();
        let playing = ui.playing.get();
        let lang = ui.lang.get();
        let rev = resized.get();
        let Some(el) = canvas.get() else {
            return size.unwrap_or_default();
        };
        let now = window().performance().map_or(0.0, |p| p.now());
        let same_size = matches!(size, Some((r, w, _)) if r == rev && w > 0);
        if playing && same_size && now - last.get_value() < REDRAW_MS {
            return size.unwrap_or_default();
        }
        last.set_value(now);
        let scale = window().device_pixel_ratio().max(1.0);
        let (w, h) = match size {
            Some((r, w, h)) if r == rev && w > 0 => (w, h),
            _ => {
                let w = (el.client_width().max(1) as f64 * scale) as u32;
                let h = (el.client_height().max(1) as f64 * scale) as u32;
                el.set_width(w);
                el.set_height(h);
                (w, h)
            }
        };
        let ok = ctx
            .with_engine(|e| draw(el, kind, e.sim().history(), lang, scale))
            .unwrap_or(Ok(false));
        match ok {
            Ok(d) => drawn.set(d),
            Err(e) => leptos::logging::warn!("ntp chart {id}: {e}"),
        }
        (rev, w, h)
    });
    let n = move || ui.frame.with(|f| f.servers.len());
    view! {
        <figure class=format!("panel chart ntp-chart ntp-chart-{id}") data-testid=format!("ntp-chart-{id}")>
            <figcaption>
                <h2>{move || ctx.t(title)}</h2>
                <ul class="chart-legend">
                    <For each=move || 0..n() key=|i| *i let:i>
                        <li style=format!("--key: {}", server_colour(i))>
                            <span class="line-key" aria-hidden="true"></span>
                            {server_name(i)}
                        </li>
                    </For>
                    <li class="threshold-key">
                        <span class="dash-key" aria-hidden="true"></span>
                        {move || {
                            format!(
                                "{} {}",
                                ctx.t(Txt::NtpThreshold),
                                tick_label(ui.lang.get(), kind.threshold().0),
                            )
                        }}
                    </li>
                </ul>
            </figcaption>
            <div class="canvas-wrap">
                <canvas node_ref=canvas role="img" aria-label=move || ctx.t(title)></canvas>
                <Show when=move || !drawn.get()>
                    <p class="chart-empty">{move || ctx.t(Txt::NtpChEmpty)}</p>
                </Show>
            </div>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlog_round_trips_and_orders() {
        for v in [-30_000.0, -100.0, -0.05, 0.0, 0.05, 1.0, 100.0, 45_000.0] {
            assert!(
                (unsymlog(symlog(v)) - v).abs() < 1e-6 * v.abs().max(1.0),
                "{v}"
            );
        }
        assert!(symlog(100.0) > symlog(10.0) && symlog(-100.0) < 0.0);
        assert!((symlog(0.9) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn ticks_read_in_their_unit() {
        assert_eq!(tick_label(Lang::En, unsymlog(symlog(100.0))), "100 ms");
        assert_eq!(tick_label(Lang::En, -10_000.0), "−10 s");
        assert_eq!(tick_label(Lang::Fr, 0.1), "0,1 ms");
        assert_eq!(tick_label(Lang::En, 60_000.0), "1 min");
        assert_eq!(tick_label(Lang::En, 0.0), "0");
    }
}

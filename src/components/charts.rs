//! The live charts: plotters on canvases, redrawn from an `Effect` when the run's
//! history grows, the language changes or the window is resized.

use crate::chart_data::{ChartData, ChartKind};
use crate::chart_draw::{draw, Axes};
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use crate::palette::{server_colour, server_name, DOUBLE_BOOKING, INVERSION, WRONG_WINNER};
use leptos::prelude::*;

/// A counter bumped on every window resize, so canvases drawn from an `Effect` that
/// tracks it take their new size. Removed with the calling component.
pub fn resize_counter() -> RwSignal<u32> {
    let resized = RwSignal::new(0u32);
    let handle = window_event_listener(leptos::ev::resize, move |_| resized.update(|r| *r += 1));
    on_cleanup(move || handle.remove());
    resized
}

/// The three charts, side by side.
#[component]
pub fn Charts() -> impl IntoView {
    let resized = resize_counter();
    view! {
        <div class="charts">
            <Chart kind=ChartKind::Offsets resized=resized />
            <Chart kind=ChartKind::Anomalies resized=resized />
            <Chart kind=ChartKind::Response resized=resized />
        </div>
    }
}

fn texts(kind: ChartKind) -> (Txt, Txt, Txt, &'static str) {
    match kind {
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

/// One chart with its title, legend, and what it will show before the run starts.
#[component]
fn Chart(kind: ChartKind, resized: RwSignal<u32>) -> impl IntoView {
    let ctx = use_ctx();
    let (title, y_axis, empty_text, id) = texts(kind);
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let empty = Memo::new(move |_| {
        ctx.ui.chart_rev[kind as usize].track();
        ctx.with_engine(|e| e.sim().history().t.len() < 2)
            .unwrap_or(true)
    });
    Effect::new(move |size: Option<(u32, u32, u32)>| {
        ctx.ui.chart_rev[kind as usize].track();
        let lang = ctx.ui.lang.get();
        let rev = resized.get();
        let Some(el) = canvas.get() else {
            return size.unwrap_or_default();
        };
        // The backing store follows the element's size (read only after a resize:
        // reading it forces a layout) and the screen's pixel density.
        let scale = window().device_pixel_ratio().max(1.0);
        let (w, h) = match size {
            Some((r, w, h)) if r == rev && w > 0 => (w, h),
            _ => {
                let (w, h) = (
                    el.client_width().max(1) as f64,
                    el.client_height().max(1) as f64,
                );
                let (w, h) = ((w * scale) as u32, (h * scale) as u32);
                el.set_width(w);
                el.set_height(h);
                (w, h)
            }
        };
        let data = ctx
            .with_engine(|e| {
                let opening = e.sim().config().sale.opening();
                ChartData::of(kind, e.sim().history(), opening)
            })
            .flatten();
        let axes = Axes {
            x: lang.t(Txt::AxisTrueTime),
            y: lang.t(y_axis),
        };
        if let Err(e) = draw(el, data.as_ref(), axes, lang, scale) {
            leptos::logging::warn!("chart {id}: {e}");
        }
        (rev, w, h)
    });
    view! {
        <figure class=format!("panel chart chart-{id}") data-testid=format!("chart-{id}")>
            <figcaption>
                <h2>{move || ctx.t(title)}</h2>
                <ChartLegend kind=kind />
            </figcaption>
            <div class="canvas-wrap">
                <canvas node_ref=canvas role="img" aria-label=move || ctx.t(title)></canvas>
                <Show when=move || empty.get()>
                    <p class="chart-empty">{move || ctx.t(empty_text)}</p>
                </Show>
            </div>
        </figure>
    }
}

/// Which colour is which line.
#[component]
fn ChartLegend(kind: ChartKind) -> impl IntoView {
    let ctx = use_ctx();
    match kind {
        ChartKind::Anomalies => {
            let items = [
                (WRONG_WINNER, "!", Txt::MWrongWinners),
                (DOUBLE_BOOKING, "✖", Txt::MDouble),
                (INVERSION, "⇅", Txt::InversionsRight),
            ];
            let items = items
                .into_iter()
                .map(|(colour, symbol, label)| {
                    view! {
                        <li style=format!("--key: {colour}")>
                            <span class="line-key" aria-hidden="true"></span>
                            <span class="symbol">{symbol}</span>
                            " "
                            {move || ctx.t(label)}
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="chart-legend">{items}</ul> }.into_any()
        }
        _ => {
            let n = move || ctx.ui.frame.with(|f| f.servers.len());
            view! {
                <ul class="chart-legend">
                    <For each=move || 0..n() key=|i| *i let:i>
                        <li style=format!("--key: {}", server_colour(i))>
                            <span class="line-key" aria-hidden="true"></span>
                            {server_name(i)}
                        </li>
                    </For>
                </ul>
            }
            .into_any()
        }
    }
}

//! The chart component: owns a canvas, follows its size, reads the run through a feed
//! at the chart's own pace (its throttle) and draws what the feed built.

use super::draw::draw;
use super::spec::ChartSpec;
use crate::ctx::{use_ctx, Ctx};
use crate::feed::{Cadence, Spec};
use crate::i18n::{Lang, Txt};
use driftlab_sim::Sim;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A chart saved as an image: a projector's resolution, in device pixels.
const PNG_SIZE: (u32, u32) = (1920, 1080);
/// Device pixels per CSS pixel of the saved image: laid out as on a 1280 × 720 screen.
const PNG_SCALE: f64 = 1.5;

/// Counts the window's resizes into [`crate::ctx::Ui::resized`], which every chart
/// follows. Call once, in the app; removed with the calling component.
pub fn listen_resize(ctx: Ctx) {
    let resized = ctx.ui.resized;
    let handle = window_event_listener(leptos::ev::resize, move |_| resized.update(|r| *r += 1));
    on_cleanup(move || handle.remove());
}

/// A chart on a canvas.
///
/// `make` builds the chart from the run in a language (`None` while there is nothing
/// to draw); it is read through a feed keyed on the history's length (every chart
/// plots the history), at most every `every` frames while playing, and again when the
/// language changes. The canvas is redrawn when what was built changed, when the
/// window is resized (its backing store then takes the element's new size and the
/// screen's pixel density), and not otherwise: a paused chart stays still.
/// `data-drawn` on the canvas counts its drawings.
#[component]
pub fn CanvasChart(
    /// Builds the chart from the run, in a language.
    make: impl Fn(&Sim, Lang) -> Option<ChartSpec> + 'static,
    /// Least frames between two rebuilds while playing.
    every: u32,
    /// The canvas's accessible name.
    #[prop(into)]
    label: Signal<String>,
    /// Shown over the canvas while there is nothing to draw.
    #[prop(into)]
    empty: Signal<String>,
) -> impl IntoView {
    let ctx = use_ctx();
    let lang = ctx.ui.lang;
    let spec = ctx.feed(
        Spec::new(Cadence::Every(every)).on_change(|s| s.history().t.len() as u64),
        move |src| make(src.sim(), lang.get_untracked()),
    );
    // A new language: new labels (the first run of the effect only subscribes).
    Effect::new(move |first: Option<()>| {
        lang.track();
        if first.is_some() {
            spec.refresh();
        }
    });
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let value = spec.signal();
    Effect::new(move |size: Option<(u32, u32, u32)>| {
        let rev = ctx.ui.resized.get();
        value.track();
        let Some(el) = canvas.get() else {
            return size.unwrap_or_default();
        };
        // Reading the element's size forces a layout: only on the first drawing and
        // after a resize.
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
        let drawn: u32 = el
            .get_attribute("data-drawn")
            .and_then(|d| d.parse().ok())
            .unwrap_or(0);
        match value.with_untracked(|s| draw(el.clone(), s.as_ref(), scale)) {
            Ok(()) => {
                let _ = el.set_attribute("data-drawn", &(drawn + 1).to_string());
            }
            Err(e) => leptos::logging::warn!("chart: {e}"),
        }
        (rev, w, h)
    });
    // The chart again, on a canvas of a projector's 1920 × 1080 (text and lines at 1.5×
    // the 1280 × 720 layout's), saved as a PNG.
    let png = move |_| {
        let name = format!(
            "driftlab-{}.png",
            label
                .get_untracked()
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        );
        let Ok(el) = document().create_element("canvas") else {
            return;
        };
        let Ok(big) = el.dyn_into::<web_sys::HtmlCanvasElement>() else {
            return;
        };
        big.set_width(PNG_SIZE.0);
        big.set_height(PNG_SIZE.1);
        let drawn = value.with_untracked(|s| draw(big.clone(), s.as_ref(), PNG_SCALE));
        if let (Ok(()), Ok(data)) = (drawn, big.to_data_url()) {
            let _ = crate::download::save_url(&name, &data);
        }
    };
    view! {
        <div class="canvas-wrap">
            <canvas node_ref=canvas role="img" aria-label=move || label.get() data-drawn="0"></canvas>
            <button
                class="chart-png"
                data-testid="chart-png"
                title=move || ctx.t(Txt::ChartPngTip)
                aria-label=move || ctx.t(Txt::ChartPngTip)
                on:click=png
            >
                {move || ctx.t(Txt::ChartPng)}
            </button>
            <Show when=move || value.with(|s| s.is_none())>
                <p class="chart-empty">{move || empty.get()}</p>
            </Show>
        </div>
    }
}

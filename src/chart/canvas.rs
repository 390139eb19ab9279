//! The chart component: owns a canvas, follows its size, reads the run through a feed
//! at the chart's own pace (its throttle) and draws what the feed built.

use super::draw::{draw, warm_up};
use super::spec::ChartSpec;
use crate::components::shown::Shown;
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

/// Height of the band with the title and the legend on a saved chart, pixels.
const PNG_BAND: u32 = 120;

/// A canvas of `w` × `h` pixels, not in the page.
fn new_canvas(w: u32, h: u32) -> Option<web_sys::HtmlCanvasElement> {
    let c: web_sys::HtmlCanvasElement =
        document().create_element("canvas").ok()?.dyn_into().ok()?;
    c.set_width(w);
    c.set_height(h);
    Some(c)
}

/// The legend shown beside the chart (its figure's `.chart-legend` items): each
/// item's text and colour (`--key`).
fn legend_of(canvas: &web_sys::HtmlCanvasElement) -> Vec<(String, String)> {
    let Some(items) = canvas
        .closest("figure")
        .ok()
        .flatten()
        .and_then(|f| f.query_selector_all(".chart-legend li").ok())
    else {
        return Vec::new();
    };
    (0..items.length())
        .filter_map(|i| items.item(i)?.dyn_into::<web_sys::Element>().ok())
        .map(|li| {
            let style = li.get_attribute("style").unwrap_or_default();
            let colour = style
                .split_once("--key:")
                .map(|(_, c)| c.trim().trim_end_matches(';').to_string())
                .unwrap_or_else(|| "#444".into());
            let text = li.text_content().unwrap_or_default();
            (
                text.split_whitespace().collect::<Vec<_>>().join(" "),
                colour,
            )
        })
        .collect()
}

/// Paints `big` white, the title and the legend's keys in its top band, and `chart`
/// under them.
fn paint_band(
    big: &web_sys::HtmlCanvasElement,
    chart: &web_sys::HtmlCanvasElement,
    title: &str,
    keys: &[(String, String)],
) -> Option<()> {
    let g: web_sys::CanvasRenderingContext2d = big.get_context("2d").ok()??.dyn_into().ok()?;
    g.set_fill_style_str("#ffffff");
    g.fill_rect(0.0, 0.0, big.width() as f64, big.height() as f64);
    g.set_fill_style_str("#282828");
    g.set_font("bold 40px sans-serif");
    g.fill_text(title, 30.0, 52.0).ok()?;
    g.set_font("28px sans-serif");
    let mut x = 30.0;
    for (text, colour) in keys {
        g.set_fill_style_str(colour);
        g.fill_rect(x, 86.0, 36.0, 6.0);
        g.set_fill_style_str("#282828");
        g.fill_text(text, x + 44.0, 98.0).ok()?;
        x += 44.0 + g.measure_text(text).ok()?.width() + 34.0;
    }
    g.draw_image_with_html_canvas_element(chart, 0.0, PNG_BAND as f64)
        .ok()?;
    Some(())
}

/// How much larger than the usual 16 px the page's text is: the root element's font
/// size over 16 (1 on the usual page; more in projector mode, style/projector.css). A
/// chart draws its text, lines and margins this much larger, at the canvas's own
/// resolution (so never blurred by scaling). Reading it forces a style pass: only when
/// a chart measures its size.
pub fn text_zoom() -> f64 {
    document()
        .document_element()
        .and_then(|root| window().get_computed_style(&root).ok().flatten())
        .and_then(|style| style.get_property_value("font-size").ok())
        .and_then(|px| px.trim_end_matches("px").parse::<f64>().ok())
        .map_or(1.0, |px| (px / 16.0).clamp(0.5, 4.0))
}

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
/// window is resized or projector mode switched (its backing store then takes the
/// element's new size and the screen's pixel density, its text the page's
/// [`text_zoom`]), and not otherwise: a paused chart stays still. `data-drawn` on the
/// canvas counts its drawings, `data-zoom` is the text zoom of the last one.
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
    Effect::new(move |size: Option<(u32, u32, u32, f64)>| {
        let rev = ctx.ui.resized.get();
        value.track();
        let Some(el) = canvas.get() else {
            return size.unwrap_or_default();
        };
        if size.is_none() {
            warm_up();
        }
        // Reading the element's size forces a layout: only on the first drawing and
        // after a resize (projector mode on or off counts as one).
        let scale = window().device_pixel_ratio().max(1.0);
        let (w, h, zoom) = match size {
            Some((r, w, h, zoom)) if r == rev && w > 0 => (w, h, zoom),
            _ => {
                let w = (el.client_width().max(1) as f64 * scale) as u32;
                let h = (el.client_height().max(1) as f64 * scale) as u32;
                el.set_width(w);
                el.set_height(h);
                (w, h, text_zoom())
            }
        };
        let drawn: u32 = el
            .get_attribute("data-drawn")
            .and_then(|d| d.parse().ok())
            .unwrap_or(0);
        match value.with_untracked(|s| draw(el.clone(), s.as_ref(), scale * zoom)) {
            Ok(()) => {
                let _ = el.set_attribute("data-drawn", &(drawn + 1).to_string());
                let _ = el.set_attribute("data-zoom", &zoom.to_string());
            }
            Err(e) => leptos::logging::warn!("chart: {e}"),
        }
        (rev, w, h, zoom)
    });
    // The chart again for a projector: 1920 × 1080, its title and legend in a band on
    // top, the chart under it (text and lines at 1.5× the 1280 × 720 layout's), saved as
    // a PNG.
    let png = move |_| {
        let title = label.get_untracked();
        let name = format!(
            "driftlab-{}.png",
            crate::i18n::lowercase(&title)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        );
        let keys = canvas
            .get_untracked()
            .map(|c| legend_of(&c))
            .unwrap_or_default();
        let Some(chart) = new_canvas(PNG_SIZE.0, PNG_SIZE.1 - PNG_BAND) else {
            return;
        };
        if value
            .with_untracked(|s| draw(chart.clone(), s.as_ref(), PNG_SCALE))
            .is_err()
        {
            return;
        }
        let Some(big) = new_canvas(PNG_SIZE.0, PNG_SIZE.1) else {
            return;
        };
        if paint_band(&big, &chart, &title, &keys).is_some() {
            if let Ok(data) = big.to_data_url() {
                let _ = crate::download::save_url(&name, &data);
            }
        }
    };
    view! {
        <div class="canvas-wrap">
            <canvas node_ref=canvas role="img" aria-label=move || label.get() data-drawn="0"></canvas>
            <button
                class="chart-png"
                data-testid="chart-png"
                title=ctx.tr(Txt::ChartPngTip)
                aria-label=ctx.tr(Txt::ChartPngTip)
                on:click=png
            >
                {ctx.tr(Txt::ChartPng)}
            </button>
            <Shown when=move || value.with(|s| s.is_none())>
                <p class="chart-empty">{move || empty.get()}</p>
            </Shown>
        </div>
    }
}

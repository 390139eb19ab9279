//! A canvas that draws a ready-made [`ChartSpec`] held in a signal (the load test's
//! plots are built from the sweep's answers, not from the run): drawn when the spec or
//! the window's size changes (projector mode too), never otherwise. `data-drawn` counts its drawings.

use crate::chart::draw::draw;
use crate::chart::spec::ChartSpec;
use crate::components::shown::Shown;
use crate::ctx::use_ctx;
use leptos::prelude::*;

/// The canvas of `spec`.
#[component]
pub fn SpecCanvas(
    /// What to draw (`None`: a blank chart and the `empty` text).
    spec: Memo<Option<ChartSpec>>,
    /// The canvas's accessible name.
    #[prop(into)]
    label: Signal<String>,
    /// Shown over the canvas while there is nothing to draw.
    #[prop(into)]
    empty: Signal<String>,
    /// Its test id.
    testid: &'static str,
) -> impl IntoView {
    let ctx = use_ctx();
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        ctx.ui.resized.track();
        spec.track();
        let Some(el) = canvas.get() else { return };
        let scale = window().device_pixel_ratio().max(1.0);
        el.set_width((el.client_width().max(1) as f64 * scale) as u32);
        el.set_height((el.client_height().max(1) as f64 * scale) as u32);
        // Projector mode's larger text, drawn at the canvas's resolution.
        let scale = scale * crate::chart::canvas::text_zoom();
        let drawn: u32 = el
            .get_attribute("data-drawn")
            .and_then(|d| d.parse().ok())
            .unwrap_or(0);
        match spec.with_untracked(|s| draw(el.clone(), s.as_ref(), scale)) {
            Ok(()) => {
                let _ = el.set_attribute("data-drawn", &(drawn + 1).to_string());
            }
            Err(e) => leptos::logging::warn!("chart: {e}"),
        }
    });
    view! {
        <div class="canvas-wrap">
            <canvas
                node_ref=canvas
                role="img"
                aria-label=move || label.get()
                data-drawn="0"
                data-testid=testid
            ></canvas>
            <Shown when=move || spec.with(|s| s.is_none())>
                <p class="chart-empty">{move || empty.get()}</p>
            </Shown>
        </div>
    }
}

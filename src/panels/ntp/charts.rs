//! The NTP charts: offsets, jitter and delay on a symmetric log scale, each the shared
//! canvas chart fed by [`super::chart_data::chart`].

use super::chart_data::{chart, tick_label, NtpChart};
use crate::chart::CanvasChart;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use crate::panels::charts::ServerKeys;
use leptos::prelude::*;

/// Least frames between two redraws of one NTP chart while playing (about 300 ms).
const EVERY: u32 = 18;

/// The three NTP charts.
#[component]
pub fn NtpCharts() -> impl IntoView {
    view! {
        <div class="ntp-charts" data-testid="ntp-charts">
            <OneChart kind=NtpChart::Offset />
            <OneChart kind=NtpChart::Jitter />
            <OneChart kind=NtpChart::Delay />
        </div>
    }
}

#[component]
fn OneChart(kind: NtpChart) -> impl IntoView {
    let ctx = use_ctx();
    let (title, id) = kind.texts();
    let threshold = move || {
        format!(
            "{} {}",
            ctx.t(Txt::NtpThreshold),
            tick_label(ctx.ui.lang.get(), kind.threshold().0),
        )
    };
    view! {
        <figure class=format!("panel chart ntp-chart ntp-chart-{id}") data-testid=format!("ntp-chart-{id}")>
            <figcaption>
                <h2>{ctx.tr(title)}</h2>
                <ServerKeys>
                    <li class="threshold-key">
                        <span class="dash-key" aria-hidden="true"></span>
                        {move || threshold()}
                    </li>
                </ServerKeys>
            </figcaption>
            <CanvasChart
                make=move |sim, lang| chart(kind, sim.history(), lang)
                every=EVERY
                label=Signal::derive(move || ctx.t(title).to_string())
                empty=Signal::derive(move || ctx.t(Txt::NtpChEmpty).to_string())
            />
        </figure>
    }
}

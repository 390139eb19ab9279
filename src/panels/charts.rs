//! The live charts: clock offsets, anomalies and response times over true time, each
//! the shared canvas chart ([`crate::chart::CanvasChart`]) fed by [`data::chart`].

pub mod data;

use crate::chart::CanvasChart;
use crate::components::indexed::indexed;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use crate::palette::{server_colour, server_name, DOUBLE_BOOKING, INVERSION, WRONG_WINNER};
use data::ChartKind;
use leptos::prelude::*;

/// Least frames between two redraws of one chart while playing: with the log, the
/// stats and the other charts taking their turns (one costly job a frame), each chart
/// is redrawn about ten times a second at most.
const EVERY: u32 = 6;

/// The three charts, side by side.
#[component]
pub fn Charts() -> impl IntoView {
    view! {
        <div class="charts">
            <Chart kind=ChartKind::Offsets />
            <Chart kind=ChartKind::Anomalies />
            <Chart kind=ChartKind::Response />
        </div>
    }
}

/// One chart with its title, legend, and what it will show before the run starts.
#[component]
pub fn Chart(
    /// Which chart.
    kind: ChartKind,
) -> impl IntoView {
    let ctx = use_ctx();
    let (title, _, empty_text, id) = kind.texts();
    view! {
        <figure class=format!("panel chart chart-{id}") data-testid=format!("chart-{id}")>
            <figcaption>
                <h2>{ctx.tr(title)}</h2>
                <ChartLegend kind=kind />
            </figcaption>
            <CanvasChart
                make=move |sim, lang| {
                    data::chart(kind, sim.history(), sim.config().sale.opening(), lang)
                }
                every=EVERY
                label=Signal::derive(move || ctx.t(title).to_string())
                empty=Signal::derive(move || ctx.t(empty_text).to_string())
            />
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
                            {ctx.tr(label)}
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="chart-legend">{items}</ul> }.into_any()
        }
        _ => view! { <ServerKeys /> }.into_any(),
    }
}

/// One key per server of the scenario, in its colour, then `children` (more keys).
#[component]
pub fn ServerKeys(
    /// More keys, after the servers'.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let ctx = use_ctx();
    let n = Memo::new(move |_| ctx.ui.scenario.with(|c| c.servers.len()));
    view! {
        <ul class="chart-legend">
            {indexed(n.into(), move |i| view! {
                <li style=format!("--key: {}", server_colour(i))>
                    <span class="line-key" aria-hidden="true"></span>
                    {server_name(i)}
                </li>
            })}
            {children.map(|c| c())}
        </ul>
    }
}

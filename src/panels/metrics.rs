//! Every figure of MODEL §7, grouped by what causes it, each term explaining itself.
//!
//! Its feeds: the counters every frame (a copy); the [`data::Stats`] (response times,
//! clock spread, the end-of-run check: a scan of every request) every
//! [`STATS_EVERY`] frames while playing.

pub mod data;

use crate::components::indexed::indexed;
use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::Txt;
use crate::palette::server_colour;
use data::{Figure, Stats, CLOCK, REFUSALS, SERIAL, TRAFFIC};
use driftlab_sim::metrics::Metrics;
use leptos::prelude::*;

/// While playing, refresh the [`Stats`] (a scan of every request) every this many frames.
pub const STATS_EVERY: u32 = 12;

/// One row: label and value.
#[component]
fn Row(
    id: &'static str,
    label: Txt,
    tip: Txt,
    #[prop(into)] value: Signal<String>,
    #[prop(into)] raw: Signal<String>,
    #[prop(into)] alert: Signal<bool>,
) -> impl IntoView {
    view! {
        <div class="figure" class:alert=move || alert.get()>
            <dt>
                <Term label=label tip=tip />
            </dt>
            <dd
                data-testid=format!("metric-{id}")
                data-measure=id
                data-value=move || raw.get()
                data-measure-value=move || raw.get()
            >
                {move || value.get()}
            </dd>
        </div>
    }
}

/// A group of counters.
#[component]
fn Group(title: Txt, figures: &'static [Figure], metrics: ReadSignal<Metrics>) -> impl IntoView {
    let ctx = use_ctx();
    let rows = figures
        .iter()
        .map(|&(id, label, tip, get, anomaly)| {
            let n = Memo::new(move |_| metrics.with(get));
            let value = Signal::derive(move || ctx.ui.lang.get().int(n.get()));
            let raw = Signal::derive(move || n.get().to_string());
            let alert = Signal::derive(move || anomaly && n.get() > 0);
            view! { <Row id=id label=label tip=tip value=value raw=raw alert=alert /> }
        })
        .collect_view();
    view! {
        <div class="group">
            <h3>{ctx.tr(title)}</h3>
            <dl>{rows}</dl>
        </div>
    }
}

/// The metrics panel.
#[component]
pub fn MetricsPanel() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let metrics = ctx
        .feed(Spec::new(Cadence::EveryFrame), |src| src.snapshot().metrics)
        .signal();
    let stats = ctx
        .feed(Spec::new(Cadence::Every(STATS_EVERY)), |src| {
            Stats::of(src.sim())
        })
        .signal();
    let empty = move || ui.clock.with(|c| c.events == 0);
    let mean = move || metrics.with(|m| m.double_booking_mean_ms());
    let mean_ms = Signal::derive(move || ui.lang.get().num(mean(), 0) + " ms");
    let mean_raw = Signal::derive(move || mean().to_string());
    let spread_s = move || stats.with(|s| s.spread_ms) / 1000.0;
    let spread = Signal::derive(move || ui.lang.get().num(spread_s(), 3) + " s");
    let spread_raw = Signal::derive(move || spread_s().to_string());
    let check = move || {
        let l = ui.lang.get();
        stats.with(|s| {
            s.consistency.map(|c| {
                (
                    (
                        l.int(c.seats_with_several_holders),
                        c.seats_with_several_holders.to_string(),
                    ),
                    (
                        l.int(c.requests_without_outcome),
                        c.requests_without_outcome.to_string(),
                    ),
                    c.seats_with_several_holders > 0,
                )
            })
        })
    };
    view! {
        <section class="panel metrics" aria-labelledby="metrics-title" data-testid="metrics">
            <header class="panel-head">
                <h2 id="metrics-title">{ctx.tr(Txt::Metrics)}</h2>
                <p class="hint">
                    {move || ctx.t(if empty() { Txt::MetricsEmpty } else { Txt::MetricsHint })}
                </p>
            </header>
            <div class="groups">
                <Group title=Txt::GroupClock figures=&CLOCK metrics=metrics />
                <div class="group-stack">
                    <Group title=Txt::GroupSerial figures=&SERIAL metrics=metrics />
                    <dl class="extra">
                        <Row id="double_booking_mean" label=Txt::MDoubleTime tip=Txt::MDoubleTimeTip value=mean_ms raw=mean_raw alert=false />
                    </dl>
                    <div class="group">
                        <h3>{ctx.tr(Txt::GroupCheck)}</h3>
                        {move || match check() {
                            None => view! { <p class="muted">{ctx.tr(Txt::CheckPending)}</p> }.into_any(),
                            Some((several, none, bad)) => view! {
                                <dl>
                                    <Row id="several_holders" label=Txt::MSeveral tip=Txt::MSeveralTip value=several.0 raw=several.1 alert=bad />
                                    <Row id="without_outcome" label=Txt::MNoOutcome tip=Txt::MNoOutcomeTip value=none.0 raw=none.1 alert=false />
                                </dl>
                            }.into_any(),
                        }}
                    </div>
                </div>
                <Group title=Txt::GroupTraffic figures=&TRAFFIC metrics=metrics />
                <div class="group-stack">
                    <Group title=Txt::GroupRefusals figures=&REFUSALS metrics=metrics />
                    <div class="group">
                        <h3>{ctx.tr(Txt::GroupServers)}</h3>
                        <dl>
                            <Row id="offset_spread" label=Txt::MSpread tip=Txt::MSpreadTip value=spread raw=spread_raw alert=false />
                        </dl>
                        <ResponseTable stats=stats />
                    </div>
                </div>
            </div>
        </section>
    }
}

/// Response times per server: mean, median, p99.
#[component]
fn ResponseTable(stats: ReadSignal<Stats>) -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let n = move || stats.with(|s| s.response.len());
    let ms = move |i: usize, f: fn(&driftlab_sim::metrics::Percentiles) -> f64| {
        let l = ui.lang.get();
        stats.with(|s| s.response.get(i).map(|p| l.num(f(p), 1)))
    };
    view! {
        <table class="response" data-testid="response-table">
            <caption>{ctx.tr(Txt::ChartResponse)} ", ms"</caption>
            <thead>
                <tr>
                    <th scope="col">{ctx.tr(Txt::MServer)}</th>
                    <th scope="col"><Term label=Txt::MMean tip=Txt::MMeanTip /></th>
                    <th scope="col"><Term label=Txt::MP50 tip=Txt::MP50Tip /></th>
                    <th scope="col"><Term label=Txt::MP99 tip=Txt::MP99Tip /></th>
                </tr>
            </thead>
            <tbody>
                {indexed(Signal::derive(n), move |i| view! {
                    <tr style=format!("--server: {}", server_colour(i))>
                        <th scope="row">
                            <span class="swatch small" aria-hidden="true"></span>
                            {format!("server-{}", i + 1)}
                        </th>
                        <td>{move || ms(i, |p| p.mean_ms)}</td>
                        <td>{move || ms(i, |p| p.p50_ms)}</td>
                        <td>{move || ms(i, |p| p.p99_ms)}</td>
                    </tr>
                })}
            </tbody>
        </table>
    }
}

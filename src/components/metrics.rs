//! Every figure of MODEL §7, grouped by what causes it, each term explaining itself.

use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use crate::palette::server_colour;
use driftlab_sim::metrics::Metrics;
use leptos::prelude::*;

/// A counter: its test id, label, one-sentence meaning, value, and whether a non-zero
/// value is an anomaly (then it is marked).
type Figure = (&'static str, Txt, Txt, fn(&Metrics) -> u64, bool);

const TRAFFIC: [Figure; 5] = [
    (
        "requests",
        Txt::MRequests,
        Txt::MRequestsTip,
        |m| m.requests,
        false,
    ),
    (
        "confirmed",
        Txt::MConfirmed,
        Txt::MConfirmedTip,
        |m| m.confirmed,
        false,
    ),
    (
        "refused",
        Txt::MRefused,
        Txt::MRefusedTip,
        |m| m.refused,
        false,
    ),
    (
        "timed_out",
        Txt::MTimedOut,
        Txt::MTimedOutTip,
        |m| m.timed_out,
        false,
    ),
    ("paid", Txt::MPaid, Txt::MPaidTip, |m| m.paid, false),
];

const CLOCK: [Figure; 7] = [
    (
        "wrong_winners",
        Txt::MWrongWinners,
        Txt::MWrongWinnersTip,
        |m| m.wrong_winners,
        true,
    ),
    (
        "order_inversions",
        Txt::MInversions,
        Txt::MInversionsTip,
        |m| m.order_inversions,
        true,
    ),
    (
        "early_sales",
        Txt::MEarlySales,
        Txt::MEarlySalesTip,
        |m| m.early_sales,
        true,
    ),
    (
        "wrongly_refused",
        Txt::MWronglyRefused,
        Txt::MWronglyRefusedTip,
        |m| m.wrongly_refused,
        true,
    ),
    (
        "premature_expiries",
        Txt::MPremature,
        Txt::MPrematureTip,
        |m| m.premature_expiries,
        true,
    ),
    (
        "late_expiries",
        Txt::MLate,
        Txt::MLateTip,
        |m| m.late_expiries,
        true,
    ),
    (
        "expiries",
        Txt::MExpiries,
        Txt::MExpiriesTip,
        |m| m.expiries,
        false,
    ),
];

const SERIAL: [Figure; 2] = [
    (
        "double_bookings",
        Txt::MDouble,
        Txt::MDoubleTip,
        |m| m.double_bookings,
        true,
    ),
    (
        "revoked",
        Txt::MRevoked,
        Txt::MRevokedTip,
        |m| m.revoked,
        true,
    ),
];

const REFUSALS: [Figure; 3] = [
    (
        "not_open_refusals",
        Txt::MNotOpen,
        Txt::MNotOpenTip,
        |m| m.not_open_refusals,
        false,
    ),
    (
        "token_refusals",
        Txt::MToken,
        Txt::MTokenTip,
        |m| m.token_refusals,
        false,
    ),
    (
        "taken_refusals",
        Txt::MTaken,
        Txt::MTakenTip,
        |m| m.taken_refusals,
        false,
    ),
];

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
            <dd data-testid=format!("metric-{id}") data-value=move || raw.get()>
                {move || value.get()}
            </dd>
        </div>
    }
}

/// A group of counters.
#[component]
fn Group(title: Txt, figures: &'static [Figure]) -> impl IntoView {
    let ctx = use_ctx();
    let rows = figures
        .iter()
        .map(|&(id, label, tip, get, anomaly)| {
            let n = Memo::new(move |_| ctx.ui.metrics.with(get));
            let value = Signal::derive(move || ctx.ui.lang.get().int(n.get()));
            let raw = Signal::derive(move || n.get().to_string());
            let alert = Signal::derive(move || anomaly && n.get() > 0);
            view! { <Row id=id label=label tip=tip value=value raw=raw alert=alert /> }
        })
        .collect_view();
    view! {
        <div class="group">
            <h3>{move || ctx.t(title)}</h3>
            <dl>{rows}</dl>
        </div>
    }
}

/// The metrics panel.
#[component]
pub fn MetricsPanel() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let empty = move || ui.frame.with(|f| f.events == 0);
    let mean = move || ui.metrics.with(|m| m.double_booking_mean_ms());
    let mean_ms = Signal::derive(move || ui.lang.get().num(mean(), 0) + " ms");
    let mean_raw = Signal::derive(move || mean().to_string());
    let spread_s = move || ui.stats.with(|s| s.spread_ms) / 1000.0;
    let spread = Signal::derive(move || ui.lang.get().num(spread_s(), 3) + " s");
    let spread_raw = Signal::derive(move || spread_s().to_string());
    let check = move || {
        let l = ui.lang.get();
        ui.stats.with(|s| {
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
                <h2 id="metrics-title">{move || ctx.t(Txt::Metrics)}</h2>
                <p class="hint">
                    {move || ctx.t(if empty() { Txt::MetricsEmpty } else { Txt::MetricsHint })}
                </p>
            </header>
            <div class="groups">
                <Group title=Txt::GroupClock figures=&CLOCK />
                <div class="group-stack">
                    <Group title=Txt::GroupSerial figures=&SERIAL />
                    <dl class="extra">
                        <Row id="double_booking_mean" label=Txt::MDoubleTime tip=Txt::MDoubleTimeTip value=mean_ms raw=mean_raw alert=false />
                    </dl>
                    <div class="group">
                        <h3>{move || ctx.t(Txt::GroupCheck)}</h3>
                        {move || match check() {
                            None => view! { <p class="muted">{move || ctx.t(Txt::CheckPending)}</p> }.into_any(),
                            Some((several, none, bad)) => view! {
                                <dl>
                                    <Row id="several_holders" label=Txt::MSeveral tip=Txt::MSeveralTip value=several.0 raw=several.1 alert=bad />
                                    <Row id="without_outcome" label=Txt::MNoOutcome tip=Txt::MNoOutcomeTip value=none.0 raw=none.1 alert=false />
                                </dl>
                            }.into_any(),
                        }}
                    </div>
                </div>
                <Group title=Txt::GroupTraffic figures=&TRAFFIC />
                <div class="group-stack">
                    <Group title=Txt::GroupRefusals figures=&REFUSALS />
                    <div class="group">
                        <h3>{move || ctx.t(Txt::GroupServers)}</h3>
                        <dl>
                            <Row id="offset_spread" label=Txt::MSpread tip=Txt::MSpreadTip value=spread raw=spread_raw alert=false />
                        </dl>
                        <ResponseTable />
                    </div>
                </div>
            </div>
        </section>
    }
}

/// Response times per server: mean, median, p99.
#[component]
fn ResponseTable() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let n = move || ui.stats.with(|s| s.response.len());
    let ms = move |i: usize, f: fn(&driftlab_sim::metrics::Percentiles) -> f64| {
        let l = ui.lang.get();
        ui.stats.with(|s| s.response.get(i).map(|p| l.num(f(p), 1)))
    };
    view! {
        <table class="response" data-testid="response-table">
            <caption>{move || ctx.t(Txt::ChartResponse)} ", ms"</caption>
            <thead>
                <tr>
                    <th scope="col">{move || ctx.t(Txt::MServer)}</th>
                    <th scope="col"><Term label=Txt::MMean tip=Txt::MMeanTip /></th>
                    <th scope="col"><Term label=Txt::MP50 tip=Txt::MP50Tip /></th>
                    <th scope="col"><Term label=Txt::MP99 tip=Txt::MP99Tip /></th>
                </tr>
            </thead>
            <tbody>
                <For each=move || 0..n() key=|i| *i let:i>
                    <tr style=format!("--server: {}", server_colour(i))>
                        <th scope="row">
                            <span class="swatch small" aria-hidden="true"></span>
                            {format!("server-{}", i + 1)}
                        </th>
                        <td>{move || ms(i, |p| p.mean_ms)}</td>
                        <td>{move || ms(i, |p| p.p50_ms)}</td>
                        <td>{move || ms(i, |p| p.p99_ms)}</td>
                    </tr>
                </For>
            </tbody>
        </table>
    }
}

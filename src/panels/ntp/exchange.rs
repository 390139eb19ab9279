//! The teaching view of one NTP exchange: a time-space diagram of the four timestamps
//! (clock readings and true instants), then θ and δ worked out with the numbers, and
//! what NTP cannot see when the route is asymmetric.
//!
//! Its feed: the chosen server's last exchange, every frame and at once when another
//! server is chosen.

use super::data::{self as nv, instant_us, precise};
use super::use_source_names;
use crate::components::indexed::indexed;
use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::{Lang, Txt};
use crate::palette::{server_colour, server_name};
use driftlab_sim::ntp_run::Exchange;
use driftlab_sim::time::MS;
use leptos::prelude::*;

/// An asymmetry above this (out − back, ns) is worth explaining.
const ASYM_NS: i64 = MS;

/// Diagram geometry: x of the two timelines, y of the four moments.
const X_CLIENT: f64 = 225.0;
const X_SERVER: f64 = 575.0;
const W: f64 = 800.0;
const H: f64 = 290.0;

/// y of t1..t4: the two one-way trips share 150 px in proportion to their true
/// durations (at least 18 px each), the server's processing a fixed 44 px.
fn ys(ex: &Exchange) -> [f64; 4] {
    let (out, back) = (ex.out_ns().max(0) as f64, ex.back_ns().max(0) as f64);
    let total = (out + back).max(1.0);
    let a = (150.0 * out / total).clamp(18.0, 132.0);
    let b = (150.0 - a).max(18.0);
    let y1 = 48.0;
    [y1, y1 + a, y1 + a + 44.0, y1 + a + 44.0 + b]
}

/// The exchange view, with its server picker.
#[component]
pub fn NtpExchange() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let names = use_source_names();
    let n = Memo::new(move |_| ui.scenario.with(|c| c.servers.len()));
    let pick = RwSignal::new(0usize);
    let feed = ctx.feed(Spec::new(Cadence::EveryFrame), move |src| {
        src.sim().last_exchange(pick.get_untracked()).cloned()
    });
    let ex = feed.signal();
    view! {
        <div class="panel ntp-exchange" data-testid="ntp-exchange">
            <div class="panel-head">
                <h2>{ctx.tr(Txt::ExTitle)}</h2>
                <label>
                    {ctx.tr(Txt::NtpFaultServer)}
                    " "
                    <select
                        data-testid="exchange-server"
                        on:change=move |ev| {
                            pick.set(event_target_value(&ev).parse().unwrap_or(0));
                            feed.refresh();
                        }
                    >
                        {indexed(n.into(), move |i| view! {
                            <option value=i.to_string() selected=move || pick.get() == i>
                                {server_name(i)}
                            </option>
                        })}
                    </select>
                </label>
            </div>
            <p class="hint">{ctx.tr(Txt::ExHint)}</p>
            {move || match ex.get() {
                None => {
                    view! {
                        <p class="ntp-empty" data-testid="exchange-empty">
                            {ctx.t(Txt::ExEmpty)}
                        </p>
                    }
                        .into_any()
                }
                Some(ex) => {
                    let lang = ui.lang.get();
                    let source = nv::source_name(&names.get(), ex.source);
                    view! {
                        <div class="exchange-body">
                            {diagram(lang, &ex, pick.get_untracked(), &source)}
                            <p class="t-legend">
                                {[Txt::ExT1, Txt::ExT2, Txt::ExT3, Txt::ExT4]
                                    .into_iter()
                                    .enumerate()
                                    .map(|(k, what)| format!("t{}: {}", k + 1, lang.t(what)))
                                    .collect::<Vec<_>>()
                                    .join(" · ")}
                            </p>
                            {steps(lang, &ex)}
                        </div>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// An SVG rotation that lays text along a (dx, dy) arrow, about (cx, cy).
fn rotate(dx: f64, dy: f64, cx: f64, cy: f64) -> String {
    format!("rotate({:.2} {cx:.1} {cy:.1})", dy.atan2(dx).to_degrees())
}

/// The time-space diagram.
fn diagram(lang: Lang, ex: &Exchange, i: usize, source: &str) -> impl IntoView {
    let y = ys(ex);
    let bottom = y[3] + 16.0;
    let label = |k: usize, x: f64, anchor: &'static str| {
        let name = ["t1", "t2", "t3", "t4"][k];
        let dx = if anchor == "end" { -12.0 } else { 12.0 };
        view! {
            <circle cx=x cy=y[k] r="5" class="dot" />
            <text x=x + dx y=y[k] - 3.0 text-anchor=anchor class="t-name">
                {format!("{name} = {}", instant_us(ex.t[k]))}
            </text>
            <text x=x + dx y=y[k] + 15.0 text-anchor=anchor class="t-true">
                {format!("{} {}", lang.t(Txt::ExTrueAt), instant_us(ex.truth[k]))}
            </text>
        }
    };
    let mid = |a: f64, b: f64| (a + b) / 2.0;
    view! {
        <svg
            class="exchange-svg"
            viewBox=format!("0 0 {W} {H}")
            role="img"
            aria-label=lang.t(Txt::ExTitle)
            data-testid="exchange-svg"
        >
            <defs>
                <marker
                    id="ntp-arrow"
                    viewBox="0 0 10 10"
                    refX="9"
                    refY="5"
                    markerWidth="7"
                    markerHeight="7"
                    orient="auto-start-reverse"
                >
                    <path d="M 0 0 L 10 5 L 0 10 z" fill="#333" />
                </marker>
            </defs>
            <text x=X_CLIENT y="22" text-anchor="middle" class="lane" style=format!("fill: {}", server_colour(i))>
                {format!("{} ({})", server_name(i), lang.t(Txt::ExClient))}
            </text>
            <text x=X_SERVER y="22" text-anchor="middle" class="lane">
                {format!("{source} ({})", lang.t(Txt::ExTimeServer))}
            </text>
            <line x1=X_CLIENT y1="32" x2=X_CLIENT y2=bottom class="timeline" style=format!("stroke: {}", server_colour(i)) />
            <line x1=X_SERVER y1="32" x2=X_SERVER y2=bottom class="timeline" />
            <line x1=X_CLIENT y1=y[0] x2=X_SERVER - 6.0 y2=y[1] class="msg" marker-end="url(#ntp-arrow)" />
            <line x1=X_SERVER y1=y[2] x2=X_CLIENT + 6.0 y2=y[3] class="msg" marker-end="url(#ntp-arrow)" />
            <text
                x=mid(X_CLIENT, X_SERVER)
                y=mid(y[0], y[1]) - 9.0
                text-anchor="middle"
                class="msg-label"
                transform=rotate(X_SERVER - X_CLIENT, y[1] - y[0], mid(X_CLIENT, X_SERVER), mid(y[0], y[1]))
            >
                {format!("{} · {} {}", lang.t(Txt::ExRequest), lang.t(Txt::ExOut), nv::duration(lang, ex.out_ns(), false))}
            </text>
            <text
                x=mid(X_CLIENT, X_SERVER)
                y=mid(y[2], y[3]) + 20.0
                text-anchor="middle"
                class="msg-label"
                transform=rotate(X_SERVER - X_CLIENT, y[3] - y[2], mid(X_CLIENT, X_SERVER), mid(y[2], y[3]))
            >
                {format!("{} · {} {}", lang.t(Txt::ExReply), lang.t(Txt::ExBack), nv::duration(lang, ex.back_ns(), false))}
            </text>
            {label(0, X_CLIENT, "end")}
            {label(3, X_CLIENT, "end")}
            {label(1, X_SERVER, "start")}
            {label(2, X_SERVER, "start")}
        </svg>
    }
}

/// θ and δ worked out, then the truth NTP does not know.
fn steps(lang: Lang, ex: &Exchange) -> impl IntoView {
    let [t1, t2, t3, t4] = ex.t;
    let (a, b) = (t2 - t1, t3 - t4);
    let (c, d) = (t4 - t1, t3 - t2);
    let true_offset = ex.server_error_ns - ex.client_error_ns;
    let asym = ex.out_ns() - ex.back_ns();
    let asymmetric = asym.abs() > ASYM_NS;
    let p = |ns| precise(lang, ns);
    view! {
        <div class="exchange-steps">
            <div>
            <p class="formula">
                <strong>{lang.t(Txt::ExTheta)}</strong>
            </p>
            <p class="mono work" data-testid="exchange-theta">
                {format!("= ({} {} {}) / 2 = ", p(a), if b < 0 { "−" } else { "+" }, precise(lang, b.abs()).trim_start_matches('+'))}
                <strong>{p(ex.offset_ns)}</strong>
            </p>
            </div>
            <div>
            <p class="formula">
                <strong>{lang.t(Txt::ExDelta)}</strong>
            </p>
            <p class="mono work" data-testid="exchange-delta">
                {format!("= {} − {} = ", p(c).trim_start_matches('+'), p(d).trim_start_matches('+'))}
                <strong>{p(ex.delay_ns).trim_start_matches('+').to_string()}</strong>
            </p>
            </div>
            <div class="truth-steps">
            <p class="formula">
                {lang.t(Txt::ExTrueOffset)}
                ": "
                <strong class="mono">{p(true_offset)}</strong>
            </p>
            <p class="formula" data-testid="exchange-bias">
                {lang.t(Txt::ExBias)}
                {format!(": θ − ({}) = ", p(true_offset))}
                <strong class="mono">{p(ex.bias_ns())}</strong>
                {format!(
                    " · ({} {} − {} {}) / 2 = {}",
                    lang.t(Txt::ExOut),
                    nv::duration(lang, ex.out_ns(), false),
                    lang.t(Txt::ExBack),
                    nv::duration(lang, ex.back_ns(), false),
                    p(asym / 2),
                )}
            </p>
            </div>
            <p
                class=if asymmetric { "verdict asym" } else { "verdict" }
                data-testid=if asymmetric { "exchange-cannot-see" } else { "exchange-symmetric" }
            >
                {lang.t(if asymmetric { Txt::ExAsym } else { Txt::ExSym })}
            </p>
        </div>
    }
}

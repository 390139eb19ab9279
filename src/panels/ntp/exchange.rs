//! The teaching view of one NTP exchange: a time-space diagram of the four timestamps
//! (laid out by [`super::exchange_layout`]), their clock readings and true instants in
//! a table, then θ and δ worked out with the numbers, and what NTP cannot see when the
//! route is asymmetric.
//!
//! Its feed: the chosen server's last exchange, every frame and at once when another
//! server is chosen.

use super::data::{self as nv, instant_us, precise};
use super::exchange_layout::{
    layout, MsgAt, Words, LABEL_DX, LINE_TOP, MAX_ZOOM, MSG_ABOVE, MSG_BELOW, NAME_Y, ROLE_Y,
};
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
                            <div class="ex-picture">
                                {diagram(lang, &ex, pick.get_untracked(), &source)}
                                {stamps(lang, &ex)}
                            </div>
                            {steps(lang, &ex)}
                        </div>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// An SVG rotation by `angle` degrees about `at`.
fn rotate(angle: f64, at: (f64, f64)) -> String {
    format!("rotate({angle:.2} {:.1} {:.1})", at.0, at.1)
}

/// The time-space diagram: the two timelines, t1..t4 on them, the request and the
/// reply (laid out by [`layout`]), drawn at least at its usual size (14-px text) and at
/// most [`MAX_ZOOM`] × the page's zoom.
fn diagram(lang: Lang, ex: &Exchange, i: usize, source: &str) -> impl IntoView {
    let words = Words {
        client: [server_name(i), format!("({})", lang.t(Txt::ExClient))],
        server: [
            source.to_string(),
            format!("({})", lang.t(Txt::ExTimeServer)),
        ],
        request: [
            lang.t(Txt::ExRequest).to_string(),
            format!(
                "{} {}",
                lang.t(Txt::ExOut),
                nv::duration(lang, ex.out_ns(), false)
            ),
        ],
        reply: [
            lang.t(Txt::ExReply).to_string(),
            format!(
                "{} {}",
                lang.t(Txt::ExBack),
                nv::duration(lang, ex.back_ns(), false)
            ),
        ],
    };
    let l = layout(&words, ex.out_ns(), ex.back_ns());
    let (w, h, xc, xs, y) = (l.width, l.height, l.x_client, l.x_server, l.y);
    let bottom = y[3] + 14.0;
    let point = |k: usize| {
        let (x, dx, anchor) = if k == 0 || k == 3 {
            (xc, -LABEL_DX, "end")
        } else {
            (xs, LABEL_DX, "start")
        };
        view! {
            <circle cx=x cy=y[k] r="5" class="dot" />
            <text x=x + dx y=y[k] + 5.0 text-anchor=anchor class="t-name">
                {format!("t{}", k + 1)}
            </text>
        }
    };
    let msg = |at: &MsgAt, words: &[String; 2], first_above: bool| {
        let (mx, my) = at.mid;
        let (a, b) = if first_above {
            (my - MSG_ABOVE, my + MSG_BELOW)
        } else {
            (my + MSG_BELOW, my - MSG_ABOVE)
        };
        let turn = rotate(at.angle, at.mid);
        view! {
            <text x=mx y=a text-anchor="middle" class="msg-label msg-name" transform=turn.clone()>
                {words[0].clone()}
            </text>
            <text x=mx y=b text-anchor="middle" class="msg-label" transform=turn>
                {words[1].clone()}
            </text>
        }
    };
    let title = |x: f64, t: &[String; 2], colour: Option<&'static str>| {
        let style = colour.map(|c| format!("fill: {c}"));
        view! {
            <text x=x y=NAME_Y text-anchor="middle" class="lane" style=style>{t[0].clone()}</text>
            <text x=x y=ROLE_Y text-anchor="middle" class="role">{t[1].clone()}</text>
        }
    };
    let most = MAX_ZOOM / 16.0;
    let style = format!("--ex-w: {w:.0}px; --ex-max-w: {:.3}rem", w * most);
    view! {
        <div class="exchange-figure" style=style>
            <svg
                class="exchange-svg"
                viewBox=format!("0 0 {w:.1} {h:.1}")
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
                {title(xc, &words.client, Some(server_colour(i)))}
                {title(xs, &words.server, None)}
                <line x1=xc y1=LINE_TOP x2=xc y2=bottom class="timeline" style=format!("stroke: {}", server_colour(i)) />
                <line x1=xs y1=LINE_TOP x2=xs y2=bottom class="timeline" />
                <line x1=xc y1=y[0] x2=xs - 6.0 y2=y[1] class="msg" marker-end="url(#ntp-arrow)" />
                <line x1=xs y1=y[2] x2=xc + 6.0 y2=y[3] class="msg" marker-end="url(#ntp-arrow)" />
                {msg(&l.request, &words.request, true)}
                {msg(&l.reply, &words.reply, false)}
                {point(0)}
                {point(1)}
                {point(2)}
                {point(3)}
            </svg>
        </div>
    }
}

/// The four timestamps: what each moment is, the clock reading NTP works with, and the
/// true instant it does not know.
fn stamps(lang: Lang, ex: &Exchange) -> impl IntoView {
    let rows = [Txt::ExT1, Txt::ExT2, Txt::ExT3, Txt::ExT4]
        .into_iter()
        .enumerate()
        .map(|(k, what)| {
            view! {
                <tr class="ex-what">
                    <th colspan="2" scope="rowgroup">
                        <span class="t-name">{format!("t{}", k + 1)}</span>
                        " "
                        {lang.t(what)}
                    </th>
                </tr>
                <tr data-testid=format!("exchange-t{}", k + 1)>
                    <td class="mono">{instant_us(ex.t[k])}</td>
                    <td class="mono true">{instant_us(ex.truth[k])}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="ex-stamps" data-testid="exchange-stamps">
            <thead>
                <tr>
                    <th scope="col">{lang.t(Txt::ExClockReads)}</th>
                    <th scope="col">{lang.t(Txt::ExTrueAt)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
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

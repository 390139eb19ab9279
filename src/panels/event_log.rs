//! The servers' log, latest first: true time, the local timestamp, the server, what
//! it decided, and the anomalies the line carries. Lines stamped out of order are
//! marked ⇅.
//!
//! Its feed: the latest [`LOG_ROWS`] lines, every [`LOG_EVERY`] frames while playing
//! (at high speed lines change faster than anyone can read, and rebuilding them is the
//! costliest DOM work), and at once when the filter changes.

pub mod data;

use crate::components::shown::Shown;
use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::Txt;
use crate::palette::{server_colour, server_name};
use data::{badges, kind_text, log_rows};
use driftlab_sim::hall::seat_label;
use driftlab_sim::log::{flags, LogRecord};
use leptos::prelude::*;

/// Log lines the event log shows.
pub const LOG_ROWS: usize = 25;
/// While playing, refresh the lines every this many frames.
pub const LOG_EVERY: u32 = 10;

/// The event log panel.
#[component]
pub fn EventLog() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let anomalies_only = RwSignal::new(false);
    let log = ctx.feed(Spec::new(Cadence::Every(LOG_EVERY)), move |src| {
        log_rows(src.sim(), anomalies_only.get_untracked(), LOG_ROWS)
    });
    let lines = log.signal();
    let empty = move || lines.with(|l| l.is_empty());
    let empty_text = move || {
        let none_yet = ui.clock.with(|c| c.events == 0) || !anomalies_only.get();
        ctx.t(if none_yet {
            Txt::LogEmpty
        } else {
            Txt::LogNoAnomaly
        })
    };
    view! {
        <section class="panel log" aria-labelledby="log-title" data-testid="event-log">
            <header class="panel-head">
                <h2 id="log-title">{ctx.tr(Txt::Log)}</h2>
                <label class="toggle">
                    <input
                        type="checkbox"
                        data-testid="log-anomalies"
                        prop:checked=move || anomalies_only.get()
                        on:change=move |ev| {
                            anomalies_only.set(event_target_checked(&ev));
                            log.refresh();
                        }
                    />
                    {ctx.tr(Txt::LogAnomaliesOnly)}
                </label>
            </header>
            <p class="hint">{ctx.tr(Txt::LogHint)}</p>
            <div class="log-scroll" tabindex="0" aria-label=ctx.tr(Txt::Log)>
                <table class="log-table">
                    <thead>
                        <tr>
                            <th scope="col">{ctx.tr(Txt::ColTrue)}</th>
                            <th scope="col">{ctx.tr(Txt::ColStamp)}</th>
                            <th scope="col">{ctx.tr(Txt::ColServer)}</th>
                            <th scope="col">{ctx.tr(Txt::ColWhat)}</th>
                        </tr>
                    </thead>
                    <tbody data-testid="log-rows">
                        <For
                            each=move || lines.get()
                            key=|(i, r)| (*i, r.flags)
                            children=move |(_, r)| view! { <LogLine r=r /> }
                        />
                    </tbody>
                </table>
                <Shown when=empty>
                    <p class="empty">{move || empty_text()}</p>
                </Shown>
            </div>
        </section>
    }
}

/// One line of the log.
#[component]
fn LogLine(r: LogRecord) -> impl IntoView {
    let ctx = use_ctx();
    let lang = ctx.ui.lang;
    let cols = ctx.ui.scenario.with_untracked(|c| c.hall.cols).max(1);
    let inversion = r.flags & flags::INVERSION != 0;
    let what = move || {
        let l = lang.get();
        format!(
            "{} · {} {} · {} #{}",
            kind_text(l, r.kind),
            l.t(Txt::Seat),
            seat_label(r.seat, cols),
            l.t(Txt::Customer),
            r.customer
        )
    };
    let badges = badges(r.flags)
        .into_iter()
        .map(|(bit, symbol, name)| {
            let class = if bit == flags::INVERSION {
                "badge inversion"
            } else {
                "badge anomaly"
            };
            view! { <span class=class>{symbol} " " {move || ctx.t(name)}</span> }
        })
        .collect_view();
    view! {
        <tr
            class:inverted=inversion
            class:anomalous=r.flags & flags::ANOMALY != 0
            style=format!("--server: {}", server_colour(r.server as usize))
        >
            <td class="clock">{r.t.to_string()}</td>
            <td class="clock stamp" title=move || if inversion { ctx.t(Txt::FInversionTip) } else { "" }>
                {r.stamp.to_string()}
                {inversion.then_some(" ⇅")}
            </td>
            <td class="server">
                <span class="swatch small" aria-hidden="true"></span>
                {server_name(r.server as usize)}
            </td>
            <td class="what">{move || what()} " " {badges}</td>
        </tr>
    }
}

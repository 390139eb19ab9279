//! The servers' log, latest first: true time, the local timestamp, the server, what
//! it decided, and the anomalies the line carries. Lines stamped out of order are
//! marked ⇅.

use crate::components::seat_story::refusal_text;
use crate::ctx::use_ctx;
use crate::i18n::{Lang, Txt};
use crate::palette::{server_colour, server_name};
use driftlab_sim::hall::seat_label;
use driftlab_sim::log::{flags, LogKind, LogRecord};
use leptos::prelude::*;

/// Each flag's bit, symbol and name.
const FLAGS: [(u16, &str, Txt); 7] = [
    (flags::WRONG_WINNER, "!", Txt::FWrong),
    (flags::DOUBLE_BOOKING, "✖", Txt::FDouble),
    (flags::EARLY_SALE, "◷", Txt::FEarly),
    (flags::WRONGLY_REFUSED, "⊘", Txt::FWronglyRefused),
    (flags::PREMATURE_EXPIRY, "⧖", Txt::FPremature),
    (flags::LATE_EXPIRY, "⧖", Txt::FLate),
    (flags::INVERSION, "⇅", Txt::FInversion),
];

/// What a line records, in words.
fn kind_text(l: Lang, k: LogKind) -> String {
    match k {
        LogKind::Confirmed => l.t(Txt::LkConfirmed).into(),
        LogKind::Refused(r) => format!("{}: {}", l.t(Txt::LkRefused), l.t(refusal_text(r))),
        LogKind::Paid => l.t(Txt::LkPaid).into(),
        LogKind::PayRefused(r) => format!("{}: {}", l.t(Txt::LkPayRefused), l.t(refusal_text(r))),
        LogKind::Revoked => l.t(Txt::LkRevoked).into(),
        LogKind::Released => l.t(Txt::LkReleased).into(),
    }
}

/// The event log panel.
#[component]
pub fn EventLog() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let empty = move || ui.log.with(|l| l.is_empty());
    let empty_text = move || {
        let none_yet = ui.frame.with(|f| f.events == 0) || !ui.anomalies_only.get();
        ctx.t(if none_yet {
            Txt::LogEmpty
        } else {
            Txt::LogNoAnomaly
        })
    };
    view! {
        <section class="panel log" aria-labelledby="log-title" data-testid="event-log">
            <header class="panel-head">
                <h2 id="log-title">{move || ctx.t(Txt::Log)}</h2>
                <label class="toggle">
                    <input
                        type="checkbox"
                        data-testid="log-anomalies"
                        prop:checked=move || ui.anomalies_only.get()
                        on:change=move |ev| ctx.set_anomalies_only(event_target_checked(&ev))
                    />
                    {move || ctx.t(Txt::LogAnomaliesOnly)}
                </label>
            </header>
            <p class="hint">{move || ctx.t(Txt::LogHint)}</p>
            <div class="log-scroll" tabindex="0" aria-label=move || ctx.t(Txt::Log)>
                <table class="log-table">
                    <thead>
                        <tr>
                            <th scope="col">{move || ctx.t(Txt::ColTrue)}</th>
                            <th scope="col">{move || ctx.t(Txt::ColStamp)}</th>
                            <th scope="col">{move || ctx.t(Txt::ColServer)}</th>
                            <th scope="col">{move || ctx.t(Txt::ColWhat)}</th>
                        </tr>
                    </thead>
                    <tbody data-testid="log-rows">
                        <For
                            each=move || ui.log.get()
                            key=|(i, r)| (*i, r.flags)
                            children=move |(_, r)| view! { <LogLine r=r /> }
                        />
                    </tbody>
                </table>
                <Show when=empty>
                    <p class="empty">{empty_text}</p>
                </Show>
            </div>
        </section>
    }
}

/// One line of the log.
#[component]
fn LogLine(r: LogRecord) -> impl IntoView {
    let ctx = use_ctx();
    let lang = ctx.ui.lang;
    let cols = ctx.ui.seats.with_untracked(|s| s.cols).max(1);
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
    let badges = FLAGS
        .iter()
        .filter(|(bit, _, _)| r.flags & bit != 0)
        .map(|&(bit, symbol, name)| {
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
            <td class="what">{what} " " {badges}</td>
        </tr>
    }
}

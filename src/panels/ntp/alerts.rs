//! The alert list: raised and cleared alerts, clock steps, faults and switches,
//! latest first.
//!
//! Its feed: the latest [`EVENT_ROWS`] events, read only when their count changed.

use super::data as nv;
use super::use_source_names;
use crate::components::shown::Shown;
use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::Txt;
use leptos::prelude::*;

/// Alert lines shown.
pub const EVENT_ROWS: usize = 14;

/// Raised and cleared alerts, steps, faults and switches, latest first.
#[component]
pub fn NtpAlerts() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let names = use_source_names();
    // Only the count is read each frame; the rows are copied when it changes.
    let events = ctx
        .feed(
            Spec::new(Cadence::EveryFrame).on_change(|s| s.time_events().len() as u64),
            |src| nv::latest_events(src.sim().time_events(), EVENT_ROWS),
        )
        .signal();
    view! {
        <div class="ntp-alerts">
            <h3>{ctx.tr(Txt::NtpAlerts)}</h3>
            <Shown
                when=move || events.with(|e| !e.is_empty())
                fallback=move || {
                    view! { <p class="muted" data-testid="ntp-alerts-empty">
                            {ctx.tr(Txt::NtpAlertsEmpty)}
                        </p> }
                }
            >
                <ol class="alert-list" data-testid="ntp-alerts">
                    <For
                        each=move || events.get()
                        key=|(k, _)| *k
                        children=move |(_, ev)| {
                            let class = nv::event_class(&ev);
                            let node = ev.node;
                            let t = ev.t.to_string();
                            let who = move || nv::node_name(node, &names.get());
                            let what = move || nv::event_text(ui.lang.get(), &ev, &names.get());
                            view! {
                                <li class=format!("alert {class}") data-kind=class>
                                    <span class="mono">{t}</span>
                                    " "
                                    <strong>{move || who()}</strong>
                                    " "
                                    <span>{move || what()}</span>
                                </li>
                            }
                        }
                    />
                </ol>
            </Shown>
        </div>
    }
}

//! The servers panel: one card per server, under a shared true-time reading.

use crate::components::server_card::ServerCard;
use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use leptos::prelude::*;

/// The servers panel.
#[component]
pub fn ServersPanel() -> impl IntoView {
    let ctx = use_ctx();
    let count = move || ctx.ui.frame.with(|f| f.servers.len());
    view! {
        <section class="panel servers" aria-labelledby="servers-title" data-testid="servers">
            <header class="panel-head">
                <h2 id="servers-title">{move || ctx.t(Txt::Servers)}</h2>
                <div class="truth">
                    <Term label=Txt::TrueTime tip=Txt::TrueTimeTip />
                    <span class="clock">{move || ctx.ui.frame.with(|f| f.now.to_string())}</span>
                </div>
            </header>
            <p class="hint">{move || ctx.t(Txt::ServersHint)}</p>
            <div class="cards">
                <For each=move || 0..count() key=|i| *i let:i>
                    <ServerCard i=i />
                </For>
            </div>
        </section>
    }
}

//! The servers panel: one card per server, under a shared true-time reading.
//!
//! Its feed copies the snapshot's server views every frame (clocks move every frame).

pub mod card;
pub mod data;

use crate::components::indexed::indexed;
use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::Txt;
use card::ServerCard;
use leptos::prelude::*;

/// The servers panel.
#[component]
pub fn ServersPanel() -> impl IntoView {
    let ctx = use_ctx();
    let servers = ctx
        .feed(Spec::new(Cadence::EveryFrame), |src| {
            src.snapshot().servers.clone()
        })
        .signal();
    let count = Memo::new(move |_| servers.with(|s| s.len()));
    view! {
        <section class="panel servers" aria-labelledby="servers-title" data-testid="servers">
            <header class="panel-head">
                <h2 id="servers-title">{ctx.tr(Txt::Servers)}</h2>
                <div class="truth">
                    <Term label=Txt::TrueTime tip=Txt::TrueTimeTip />
                    <span class="clock">{move || ctx.ui.clock.with(|c| c.now.to_string())}</span>
                </div>
            </header>
            <p class="hint">{ctx.tr(Txt::ServersHint)}</p>
            <div class="cards">
                {indexed(count.into(), move |i| view! {
                    <ServerCard i=i servers=servers />
                })}
            </div>
        </section>
    }
}

//! The sources view: one reservation server's NTP client as a system administrator
//! reads it on the machine (`ntpq -p`, `chronyc tracking`, `chronyc sources`), the
//! switch between ntpd's and chrony's disciplines, and the clock filter of one source
//! (its 8 stages, the one picked and why, the popcorn spikes held back).
//!
//! Its feeds: the time servers' names (on a full pass) and every server's client with
//! its filters (every frame; nothing is computed here: [`data::read`] copies the
//! core's `ntpq`, `chronyc` and `stages` figures).

pub mod chronyc;
pub mod data;
pub mod filter;

use crate::components::server_pick::ServerPick;
use crate::components::shown::Shown;
use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::Txt;
use crate::panels::ntp::ntpq::NtpqTable;
use chronyc::{SourcesTable, TrackingTable};
use data::ServerSources;
use driftlab_sim::ntp::{chronyc as cc, DisciplineKind};
use filter::FilterStages;
use leptos::prelude::*;

/// The sources view.
#[component]
pub fn SourcesPanel() -> impl IntoView {
    let ctx = use_ctx();
    let names = ctx
        .feed(Spec::new(Cadence::OnRefresh), |src| {
            src.sim().time_server_names()
        })
        .signal();
    let all = ctx
        .feed(Spec::new(Cadence::EveryFrame), |src| data::read(src.sim()))
        .signal();
    let picked = RwSignal::new(0usize);
    let source = RwSignal::new(0usize);
    let n = Memo::new(move |_| all.with(Vec::len));
    let this = Memo::new(move |_| all.with(|a| a.get(picked.get()).cloned()));
    let name =
        move |id: usize| names.with(|n| n.get(id).cloned().unwrap_or_else(|| format!("#{id}")));
    let status = Memo::new(move |_| {
        this.with(|t| {
            t.as_ref()
                .and_then(|s| s.running.as_ref().map(|r| r.0.clone()))
        })
    });
    // The listed sources: `ntpq -p`'s lines and `chronyc sources`' alike.
    let rows = Signal::derive(move || status.get().map(|st| st.rows(name)).unwrap_or_default());
    let tracking = Signal::derive(move || status.get().map(|st| cc::tracking(&st, name)));
    // The associations shown (mobilised ones), by index in the client's list.
    let shown = Memo::new(move |_| {
        status.with(|st| {
            st.as_ref().map_or_else(Vec::new, |st| {
                st.sources
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.state != driftlab_sim::ntp::SourceState::Idle)
                    .map(|(k, s)| (k, s.id))
                    .collect::<Vec<_>>()
            })
        })
    });
    let filter_view = Signal::derive(move || {
        let k = source.get();
        this.with(|t| {
            t.as_ref()
                .and_then(|s| s.running.as_ref())
                .and_then(|r| r.1.get(k).cloned())
        })
    });
    let discipline = move || this.with(|t| t.as_ref().map(|s: &ServerSources| s.discipline));
    let set_discipline = move |kind| ctx.set_discipline(picked.get_untracked(), kind);
    let running = move || this.with(|t| t.as_ref().is_some_and(|s| s.running.is_some()));
    view! {
        <section class="sources-area" data-testid="sources-area">
            <div class="sources-bar">
                    <span class="bar-label">{ctx.tr(Txt::SrcTitle)}</span>
                    <ServerPick count=n picked=picked testid="sources-pick" />
                    <div class="discipline" role="group">
                        <crate::components::term::Term label=Txt::SrcDiscipline tip=Txt::SrcDisciplineTip />
                        <button
                            data-testid="discipline-ntpd"
                            class:on=move || discipline() == Some(DisciplineKind::Ntpd)
                            aria-pressed=move || (discipline() == Some(DisciplineKind::Ntpd)).to_string()
                            on:click=move |_| set_discipline(DisciplineKind::Ntpd)
                        >
                            "ntpd"
                        </button>
                        <button
                            data-testid="discipline-chrony"
                            class:on=move || discipline() == Some(DisciplineKind::Chrony)
                            aria-pressed=move || (discipline() == Some(DisciplineKind::Chrony)).to_string()
                            on:click=move |_| set_discipline(DisciplineKind::Chrony)
                        >
                            "chrony"
                        </button>
                    </div>
            </div>
            <div class="panel sources-admin">
                <Shown
                    when=running
                    fallback=move || view! {
                        <p class="ntp-empty" data-testid="sources-empty">{ctx.tr(Txt::NtpqEmpty)}</p>
                    }
                >
                    <h3>"ntpq -p"</h3>
                    <NtpqTable rows=rows />
                    <h3>{ctx.tr(Txt::CsTitle)}</h3>
                    <SourcesTable lines=rows />
                    <h3>{ctx.tr(Txt::TrTitle)}</h3>
                    <TrackingTable tracking=tracking />
                </Shown>
            </div>
            <div class="panel filter" data-testid="filter-panel">
                <div class="panel-head">
                    <h2>{ctx.tr(Txt::FiTitle)}</h2>
                    <div class="ntpq-pick">
                        <For each=move || shown.get() key=|s| *s let:s>
                            <button
                                data-testid=format!("filter-pick-{}", name(s.1))
                                class:on=move || source.get() == s.0
                                on:click=move |_| source.set(s.0)
                            >
                                {name(s.1)}
                            </button>
                        </For>
                    </div>
                </div>
                <p class="hint">{ctx.tr(Txt::FiHint)}</p>
                <Shown
                    when=move || filter_view.with(|f| f.as_ref().is_some_and(|f| f.why.is_some()))
                    fallback=move || view! { <p class="ntp-empty">{ctx.tr(Txt::FiNone)}</p> }
                >
                    <FilterStages view=filter_view />
                </Shown>
            </div>
        </section>
    }
}

//! The data view: the primary and its replicas (role, log, replication lag as a bar,
//! clock), what each server's proxy takes for the primary, the leader lease, and the
//! data path's measures (writes lost at a failover, seats resold, stale reads, time
//! without a primary, two primaries at once); a button per node crashes it (a live
//! action).
//!
//! Without the data path it says so and how to get one. Its feed reads the nodes
//! every frame.

pub mod model;

use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::{Lang, Txt};
use crate::palette::{server_colour, server_name};
use driftlab_sim::data::{Failover, Role};
use leptos::prelude::*;
use model::{lag_fill, role_class, DataView, DbView};

/// A role in words.
fn role_text(r: Role) -> Txt {
    match r {
        Role::Primary => Txt::DpPrimary,
        Role::Replica => Txt::DpReplica,
        Role::Demoted => Txt::DpDemoted,
        Role::Crashed => Txt::DpCrashed,
    }
}

/// The data view's panel (nothing but a hint when the run does not use the data path).
#[component]
pub fn DataPanel() -> impl IntoView {
    let ctx = use_ctx();
    let view = ctx
        .feed(Spec::new(Cadence::EveryFrame), |src| {
            DataView::of(src.sim())
        })
        .signal();
    let present = Memo::new(move |_| view.with(|v| v.is_some()));
    let count = Memo::new(move |_| view.with(|v| v.as_ref().map_or(0, |v| v.nodes.len())));
    let refused = RwSignal::new(None::<String>);
    let failover = move || {
        view.with(|v| {
            v.as_ref().map(|v| match v.failover {
                Failover::None => ctx.t(Txt::DpFailoverNone).to_string(),
                Failover::Manual => ctx.t(Txt::DpFailoverManual).to_string(),
                Failover::Auto => format!(
                    "{} · {}",
                    ctx.t(Txt::DpFailoverAuto),
                    ctx.t(if v.fencing {
                        Txt::DpFencingOn
                    } else {
                        Txt::DpFencingOff
                    })
                ),
            })
        })
    };
    // One measure: its term, and its value in the current language's numbers.
    let figure = move |label: Txt, tip: Txt, id: &'static str, f: fn(&DataView, Lang) -> String| {
        view! {
            <div>
                <dt><Term label=label tip=tip /></dt>
                <dd data-testid=id>
                    {move || {
                        let lang = ctx.ui.lang.get();
                        view.with(|v| v.as_ref().map(|v| f(v, lang)).unwrap_or_default())
                    }}
                </dd>
            </div>
        }
    };
    view! {
        <Show
            when=move || present.get()
            fallback=move || {
                view! {
                    <section class="panel data" data-testid="data-none">
                        <h2>{move || ctx.t(Txt::DataPath)}</h2>
                        <p class="hint">{move || ctx.t(Txt::DpNone)}</p>
                    </section>
                }
            }
        >
            <section class="panel data" aria-labelledby="data-title" data-testid="data">
                <header class="panel-head">
                    <h2 id="data-title">{move || ctx.t(Txt::DataPath)}</h2>
                    <p class="dp-failover">
                        <Term label=Txt::DpFailover tip=Txt::DpFailoverTip />
                        ": "
                        <span data-testid="dp-failover">{failover}</span>
                    </p>
                </header>
                <div class="db-nodes">
                    <For each=move || 0..count.get() key=|i| *i let:i>
                        <NodeCard i=i view=view refused=refused />
                    </For>
                </div>
                <h3 class="dp-sub">
                    <Term label=Txt::DpProxies tip=Txt::DpProxiesTip />
                </h3>
                <ul class="dp-proxies" data-testid="dp-proxies">
                    {move || {
                        view.with(|v| {
                            v.as_ref()
                                .map(|v| {
                                    v.proxies
                                        .iter()
                                        .enumerate()
                                        .map(|(s, p)| {
                                            let state = if p.up { Txt::GwMarkedUp } else { Txt::GwMarkedDown };
                                            view! {
                                                <li
                                                    class:down=!p.up
                                                    style=format!("--server: {}", server_colour(s))
                                                    data-testid=format!("dp-proxy-{s}")
                                                >
                                                    <span class="swatch"></span>
                                                    {format!("{} → db-{} ", server_name(s), p.target + 1)}
                                                    <span class="badge seen" class:down=!p.up>{ctx.t(state)}</span>
                                                </li>
                                            }
                                        })
                                        .collect_view()
                                })
                        })
                    }}
                </ul>
                <dl class="dp-figures">
                    {figure(Txt::DpWritesLost, Txt::DpWritesLostTip, "dp-lost", |v, l| l.int(v.writes_lost))}
                    {figure(Txt::DpResold, Txt::DpResoldTip, "dp-resold", |v, l| l.int(v.resold))}
                    {figure(Txt::DpRefused, Txt::DpRefusedTip, "dp-refused", |v, l| l.int(v.refused))}
                    {figure(Txt::DpNoPrimary, Txt::DpNoPrimaryTip, "dp-no-primary", |v, l| format!("{} s", l.num(v.no_primary_s, 1)))}
                    {figure(Txt::DpPrimaries, Txt::DpPrimariesTip, "dp-primaries", |v, l| l.int(u64::from(v.max_primaries)))}
                    {figure(Txt::DpSplitBrain, Txt::DpSplitBrainTip, "dp-split", |v, l| format!("{} s", l.num(v.split_brain_s, 0)))}
                    {figure(Txt::DpStaleReads, Txt::DpStaleReadsTip, "dp-stale", |v, l| format!("{} / {}", l.int(v.stale_reads), l.int(v.reads)))}
                    {figure(Txt::DpLeader, Txt::DpLeaderTip, "dp-leader", |v, _| v.leader.map_or("–".to_string(), |n| format!("db-{}", n + 1)))}
                </dl>
                {move || {
                    refused
                        .get()
                        .map(|why| {
                            view! {
                                <p class="error" role="alert" data-testid="dp-error">
                                    {ctx.t(Txt::FlRefused)}
                                    " "
                                    {why}
                                </p>
                            }
                        })
                }}
            </section>
        </Show>
    }
}

/// One database node's card.
#[component]
fn NodeCard(
    i: usize,
    view: ReadSignal<Option<DataView>>,
    refused: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let me = Memo::new(move |_| view.with(|v| v.as_ref().and_then(|v| v.nodes.get(i).cloned())));
    let get = move |f: fn(&DbView) -> String| me.with(|m| m.as_ref().map(f).unwrap_or_default());
    let role = Memo::new(move |_| me.with(|m| m.as_ref().map_or(Role::Crashed, |m| m.role)));
    let fill = move || me.with(|m| lag_fill(m.as_ref().and_then(|m| m.lag_ms)));
    view! {
        <div class=move || format!("db-node {}", role_class(role.get())) data-testid=format!("db-{i}")>
            <div class="instance-head">
                <strong class="server-name">{format!("db-{}", i + 1)}</strong>
                <span
                    class=move || format!("badge role {}", role_class(role.get()))
                    data-testid=format!("db-role-{i}")
                >
                    {move || ctx.t(role_text(role.get()))}
                </span>
                <button
                    class="fault"
                    data-testid=format!("db-crash-{i}")
                    title=move || ctx.t(Txt::DpCrashTip)
                    disabled=move || role.get() == Role::Crashed
                    on:click=move |_| refused.set(ctx.crash_data_node(i).err())
                >
                    {move || ctx.t(Txt::GwCrash)}
                </button>
            </div>
            <dl class="instance-figures">
                <div>
                    <dt><Term label=Txt::DpLog tip=Txt::DpLogTip /></dt>
                    <dd data-testid=format!("db-applied-{i}")>{move || get(|m| m.applied.to_string())}</dd>
                </div>
                <div>
                    <dt><Term label=Txt::DpBehind tip=Txt::DpBehindTip /></dt>
                    <dd>{move || get(|m| m.behind.to_string())}</dd>
                </div>
                <div>
                    <dt><Term label=Txt::ClockError tip=Txt::DpClockTip /></dt>
                    <dd>{move || get(|m| format!("{:+.3} s", m.offset_s))}</dd>
                </div>
                <div>
                    <dt><Term label=Txt::DpLag tip=Txt::DpLagTip /></dt>
                    <dd data-testid=format!("db-lag-{i}")>
                        {move || get(|m| m.lag_ms.map_or("–".to_string(), |l| format!("{l:.0} ms")))}
                    </dd>
                </div>
            </dl>
            <div class="lag-bar" title=move || ctx.t(Txt::DpLagTip)>
                <span style=move || format!("width: {:.1}%", fill() * 100.0)></span>
            </div>
        </div>
    }
}

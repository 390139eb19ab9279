//! The data view: the primary and its replicas (role, log, replication lag as a bar,
//! clock), what each server's proxy takes for the primary, the leader lease, and the
//! data path's measures (writes lost at a failover, seats resold, stale reads, time
//! without a primary, two primaries at once); a button per node crashes it (a live
//! action).
//!
//! Without the data path it says so and how to get one. Its feed reads the nodes
//! every frame.

pub mod model;

use crate::components::indexed::indexed;
use crate::components::layer_panel::{figure, LayerPanel};
use crate::components::node_card::{CardHead, FaultButton, Figure};
use crate::components::shown::Shown;
use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::{Lang, Txt};
use crate::palette::{server_colour, server_name};
use driftlab_sim::data::{Failover, Role};
use leptos::prelude::*;
use model::{lag_fill, role_class, ttl_fill, CacheView, DataView, DbView};

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
    view! {
        <LayerPanel
            present=present
            class="data"
            testid="data"
            title=Txt::DataPath
            none=Txt::DpNone
            refused=refused
            error_testid="dp-error"
            head=move || {
                view! {
                    <p class="dp-failover">
                        <Term label=Txt::DpFailover tip=Txt::DpFailoverTip />
                        ": "
                        <span data-testid="dp-failover">{move || failover()}</span>
                    </p>
                }
            }
        >
            <div class="db-nodes">
                {indexed(count.into(), move |i| view! {
                    <NodeCard i=i view=view refused=refused />
                })}
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
                {figure(view, Txt::DpWritesLost, Txt::DpWritesLostTip, "dp-lost", |v, l| l.int(v.writes_lost), Some(("data.writes_lost", |v| v.writes_lost as f64)))}
                {figure(view, Txt::DpResold, Txt::DpResoldTip, "dp-resold", |v, l| l.int(v.resold), None)}
                {figure(view, Txt::DpRefused, Txt::DpRefusedTip, "dp-refused", |v, l| l.int(v.refused), None)}
                {figure(view, Txt::DpNoPrimary, Txt::DpNoPrimaryTip, "dp-no-primary", |v, l| format!("{} s", l.num(v.no_primary_s, 1)), Some(("data.write_outage_s", |v| v.no_primary_s)))}
                {figure(view, Txt::DpPrimaries, Txt::DpPrimariesTip, "dp-primaries", |v, l| l.int(u64::from(v.max_primaries)), None)}
                {figure(view, Txt::DpSplitBrain, Txt::DpSplitBrainTip, "dp-split", |v, l| format!("{} s", l.num(v.split_brain_s, 0)), None)}
                {figure(view, Txt::DpStaleReads, Txt::DpStaleReadsTip, "dp-stale", |v, l| format!("{} / {}", l.int(v.stale_reads), l.int(v.reads)), None)}
                {figure(view, Txt::DpLeader, Txt::DpLeaderTip, "dp-leader", |v, _| v.leader.map_or("–".to_string(), |n| format!("db-{}", n + 1)), None)}
            </dl>
            <Shown when=move || view.with(|v| v.as_ref().is_some_and(|v| v.cache.is_some()))>
                <CacheCard view=view refused=refused />
            </Shown>
        </LayerPanel>
    }
}

/// How long the partition button cuts a node off, s.
pub const PARTITION_S: f64 = 60.0;

/// One database node's card: its head, its figures, its lag bar, and the buttons that
/// crash it, cut it off for a minute, promote it (a replica) or fence it (a primary).
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
    let act =
        move |f: fn(&mut driftlab_sim::Sim, usize) -> Result<(), driftlab_sim::ConfigError>| {
            move || refused.set(ctx.data_act(move |s| f(s, i)).err())
        };
    let unless = move |ok: fn(Role) -> bool| Signal::derive(move || !ok(role.get()));
    view! {
        <div class=move || format!("db-node {}", role_class(role.get())) data-testid=format!("db-{i}")>
            <CardHead name=format!("db-{}", i + 1)>
                <span
                    class=move || format!("badge role {}", role_class(role.get()))
                    data-testid=format!("db-role-{i}")
                >
                    {move || ctx.t(role_text(role.get()))}
                </span>
                <span class="head-buttons">
                    <FaultButton
                        label=Txt::GwCrash
                        tip=Txt::DpCrashTip
                        testid=format!("db-crash-{i}")
                        disabled=unless(|r| r != Role::Crashed)
                        on_click=move || refused.set(ctx.crash_data_node(i).err())
                    />
                    <FaultButton
                        label=Txt::DpPartition
                        tip=Txt::DpPartitionTip
                        testid=format!("db-partition-{i}")
                        disabled=unless(|r| r != Role::Crashed)
                        on_click=act(|s, i| s.partition_data_node(i, PARTITION_S))
                    />
                    <FaultButton
                        label=Txt::DpPromote
                        tip=Txt::DpPromoteTip
                        testid=format!("db-promote-{i}")
                        disabled=unless(|r| r == Role::Replica)
                        on_click=act(|s, i| s.promote_data_node(i))
                    />
                    <FaultButton
                        label=Txt::DpFence
                        tip=Txt::DpFenceTip
                        testid=format!("db-fence-{i}")
                        disabled=unless(|r| r == Role::Primary)
                        on_click=act(|s, i| s.fence_data_node(i))
                    />
                </span>
            </CardHead>
            <dl class="instance-figures">
                <Figure label=Txt::DpLog tip=Txt::DpLogTip testid=format!("db-applied-{i}")>
                    {move || get(|m| m.applied.to_string())}
                </Figure>
                <Figure label=Txt::DpBehind tip=Txt::DpBehindTip>
                    {move || get(|m| m.behind.to_string())}
                </Figure>
                <Figure label=Txt::ClockError tip=Txt::DpClockTip>
                    {move || {
                        // In the page's language: "+0,000 s" in French.
                        let lang = ctx.ui.lang.get();
                        me.with(|m| {
                            m.as_ref().map_or(String::new(), |m| lang.offset((m.offset_s * 1e9).round() as i64))
                        })
                    }}
                </Figure>
                <Figure label=Txt::DpLag tip=Txt::DpLagTip testid=format!("db-lag-{i}")>
                    {move || get(|m| m.lag_ms.map_or("–".to_string(), |l| format!("{l:.0} ms")))}
                </Figure>
            </dl>
            <div class="lag-bar" title=ctx.tr(Txt::DpLagTip)>
                <span style=move || format!("width: {:.1}%", fill() * 100.0)></span>
            </div>
        </div>
    }
}

/// The cache: cache-aside, its TTL and single-flight, its measures, the most popular
/// seats' keys with their TTL ticking, and the button that takes it down or back.
#[component]
fn CacheCard(
    view: ReadSignal<Option<DataView>>,
    refused: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let cache = Memo::new(move |_| view.with(|v| v.as_ref().and_then(|v| v.cache.clone())));
    let down = Memo::new(move |_| cache.with(|c| c.as_ref().is_some_and(|c| c.down)));
    let get = move |f: fn(&CacheView, Lang) -> String| {
        let lang = ctx.ui.lang.get();
        cache.with(|c| c.as_ref().map(|c| f(c, lang)).unwrap_or_default())
    };
    let ttl = move || get(|c, l| format!("{} s", l.num(c.ttl_s, 0)));
    let single_flight = move || {
        let on = cache.with(|c| c.as_ref().is_some_and(|c| c.single_flight));
        ctx.t(if on {
            Txt::CaSingleFlightOn
        } else {
            Txt::CaSingleFlightOff
        })
    };
    let keys = move || {
        cache.with(|c| {
            c.as_ref()
                .map(|c| {
                    let ttl = c.ttl_s;
                    c.keys
                        .iter()
                        .map(|k| {
                            let value = match k.held {
                                None => "–".to_string(),
                                Some(true) => ctx.t(Txt::CaHeld).to_string(),
                                Some(false) => ctx.t(Txt::CaFree).to_string(),
                            };
                            let left = if k.held.is_some() { format!("{:.0} s", k.ttl_left_s) } else { String::new() };
                            view! {
                                <li class:stale=k.stale class:empty=k.held.is_none() data-testid=format!("ca-key-{}", k.seat)>
                                    <span class="ca-seat">{k.label.clone()}</span>
                                    <span class="ca-value">{value}{k.stale.then_some(" ⚠")}</span>
                                    <span class="ca-left">{left}</span>
                                    <span class="ttl-bar">
                                        <span style=format!("width: {:.1}%", ttl_fill(k.ttl_left_s, ttl) * 100.0)></span>
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()
                })
        })
    };
    view! {
        <div class="cache-card" class:down=move || down.get() data-testid="cache">
            <div class="instance-head">
                <strong class="server-name"><Term label=Txt::CaCache tip=Txt::CaCacheTip /></strong>
                <span class="badge" class:down=move || down.get() data-testid="ca-state">
                    {move || ctx.t(if down.get() { Txt::CaDown } else { Txt::CaUp })}
                </span>
                <span class="ca-settings">
                    <Term label=Txt::CaTtl tip=Txt::CaTtlTip />
                    " "
                    {move || ttl()}
                    " · "
                    <Term label=Txt::CaStampede tip=Txt::CaStampedeTip />
                    ": "
                    <span data-testid="ca-single-flight">{move || single_flight()}</span>
                </span>
                <FaultButton
                    label=Signal::derive(move || if down.get() { Txt::CaBringBack } else { Txt::CaTakeDown })
                    tip=Txt::CaToggleTip
                    testid="ca-toggle"
                    on_click=move || {
                        let d = !down.get_untracked();
                        refused.set(ctx.data_act(move |s| s.set_cache_down(d)).err())
                    }
                />
            </div>
            <dl class="dp-figures ca-figures">
                {figure(cache, Txt::CaHitRatio, Txt::CaHitRatioTip, "ca-hit", |c, l| format!("{} %", l.num(c.hit_ratio * 100.0, 1)), Some(("cache.hit_ratio", |c| c.hit_ratio)))}
                {figure(cache, Txt::CaStale, Txt::CaStaleTip, "ca-stale", |c, l| l.int(c.stale_serves), Some(("cache.stale_serves", |c| c.stale_serves as f64)))}
                {figure(cache, Txt::CaDbLoad, Txt::CaDbLoadTip, "ca-db", |c, l| format!("{}/s", l.int(u64::from(c.db_last_s))), None)}
                {figure(cache, Txt::CaPeak, Txt::CaPeakTip, "ca-peak", |c, l| format!("{}/s", l.int(u64::from(c.db_peak_per_s))), None)}
                {figure(cache, Txt::CaErrors, Txt::CaErrorsTip, "ca-errors", |c, l| l.int(c.errors), None)}
            </dl>
            <ul class="ca-keys" title=ctx.tr(Txt::CaTtlTip)>{move || keys()}</ul>
        </div>
    }
}

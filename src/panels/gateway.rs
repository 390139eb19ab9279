//! The gateway panel: the algorithm and the health checks, chosen live, and one card
//! per instance with what it is (up, crashed, hung, slow), what the gateway sees (marked
//! down or not), its share of the traffic, requests in progress, errors, the time it
//! spent marked down, its answers' p50/p99 and, with worker threads, its threads busy and
//! its queue; buttons to crash, hang, slow down or restart it.
//!
//! Without a gateway it says so and how to get one. Its feed reads the gateway every
//! frame.

pub mod data;

use crate::components::indexed::indexed;
use crate::components::layer_panel::LayerPanel;
use crate::components::node_card::{CardHead, FaultButton, Figure};
use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::Txt;
use crate::palette::{server_colour, server_name};
use data::{algorithm_texts, mode_text, GatewayView, InstanceView, SLOW_FACTOR};
use driftlab_sim::gateway::Algorithm;
use driftlab_sim::server::Mode;
use leptos::prelude::*;

/// The gateway panel (nothing when the run has no gateway).
#[component]
pub fn GatewayPanel() -> impl IntoView {
    let ctx = use_ctx();
    let view = ctx
        .feed(Spec::new(Cadence::EveryFrame), |src| {
            GatewayView::of(src.sim())
        })
        .signal();
    let present = Memo::new(move |_| view.with(|v| v.is_some()));
    let count = Memo::new(move |_| view.with(|v| v.as_ref().map_or(0, |v| v.instances.len())));
    let algorithm = Memo::new(move |_| view.with(|v| v.as_ref().map(|v| v.algorithm)));
    let checks = Memo::new(move |_| {
        view.with(|v| v.as_ref().map_or((false, false), |v| (v.active, v.passive)))
    });
    let refused = RwSignal::new(None::<String>);
    // One health check's switch (`active`: the active checks, else the passive ones).
    let check = move |id: &'static str, label: Txt, tip: Txt, active: bool| {
        let on = move || {
            let (a, p) = checks.get();
            if active {
                a
            } else {
                p
            }
        };
        view! {
            <label class="check">
                <input
                    type="checkbox"
                    data-testid=id
                    prop:checked=on
                    on:change=move |ev| {
                        let (a, p) = checks.get_untracked();
                        let v = event_target_checked(&ev);
                        if active { ctx.set_checks(v, p) } else { ctx.set_checks(a, v) }
                    }
                />
                <Term label=label tip=tip />
            </label>
        }
    };
    let options = move || {
        Algorithm::ALL
            .into_iter()
            .map(|a| {
                let (label, _) = algorithm_texts(a);
                view! {
                    <option value=a.name() selected=move || algorithm.get() == Some(a)>
                        {ctx.tr(label)}
                    </option>
                }
            })
            .collect_view()
    };
    view! {
        <LayerPanel
            present=present
            class="gateway"
            testid="gateway"
            title=Txt::Gateway
            none=Txt::GwNone
            refused=refused
            error_testid="gw-error"
            head=move || {
                view! {
                    <div class="gw-controls">
                        <label>
                            <Term label=Txt::GwAlgorithm tip=Txt::GwAlgorithmTip />
                            " "
                            <select
                                data-testid="gw-algorithm"
                                on:change=move |ev| {
                                    if let Ok(a) = Algorithm::parse(&event_target_value(&ev)) {
                                        ctx.set_balancing(a);
                                    }
                                }
                            >
                                {options()}
                            </select>
                        </label>
                        {check("gw-active", Txt::GwActive, Txt::GwActiveTip, true)}
                        {check("gw-passive", Txt::GwPassive, Txt::GwPassiveTip, false)}
                    </div>
                }
            }
        >
            {move || {
                view.with(|v| v.as_ref().and_then(|v| v.rate_limit))
                    .map(|(rate, burst)| {
                        view! {
                            <p class="gw-limit" data-testid="gw-rate-limit">
                                <Term label=Txt::GwRateLimit tip=Txt::GwRateLimitTip />
                                {move || format!(": {rate} /s, {} {burst}", ctx.t(Txt::GwBurst))}
                            </p>
                        }
                    })
            }}
            <p class="hint" data-testid="gw-algorithm-tip">
                {move || algorithm.get().map(|a| ctx.t(algorithm_texts(a).1))}
            </p>
            <div class="instances">
                {indexed(count.into(), move |i| view! {
                    <InstanceCard i=i view=view refused=refused />
                })}
            </div>
        </LayerPanel>
    }
}

/// One instance's card.
#[component]
fn InstanceCard(
    i: usize,
    view: ReadSignal<Option<GatewayView>>,
    refused: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let me =
        Memo::new(move |_| view.with(|v| v.as_ref().and_then(|v| v.instances.get(i).cloned())));
    let get =
        move |f: fn(&InstanceView) -> String| me.with(|m| m.as_ref().map(f).unwrap_or_default());
    let set = move |mode: Mode| refused.set(ctx.set_instance(i, mode).err());
    let mode = Memo::new(move |_| me.with(|m| m.as_ref().map(|m| m.mode).unwrap_or_default()));
    let down = Memo::new(move |_| me.with(|m| m.as_ref().is_some_and(|m| m.marked_down)));
    let button = move |label: Txt, tip: Txt, id: &'static str, m: Mode| {
        view! {
            <FaultButton label=label tip=tip testid=format!("instance-{id}-{i}") on_click=move || set(m) />
        }
    };
    view! {
        <div
            class="instance"
            class:marked-down=move || down.get()
            style=format!("--server: {}", server_colour(i))
            data-testid=format!("instance-{i}")
        >
            <CardHead name=server_name(i) swatch=true>
                <span
                    class=move || format!("badge mode {}", mode_text(mode.get()).1)
                    data-testid=format!("instance-mode-{i}")
                >
                    {move || {
                        let m = mode.get();
                        let text = ctx.t(mode_text(m).0).to_string();
                        match m {
                            Mode::Slow { factor } => format!("{text} ×{factor}"),
                            _ => text,
                        }
                    }}
                </span>
                <span
                    class="badge seen"
                    class:down=move || down.get()
                    data-testid=format!("instance-seen-{i}")
                    title=ctx.tr(Txt::GwSeenTip)
                >
                    {move || ctx.t(if down.get() { Txt::GwMarkedDown } else { Txt::GwMarkedUp })}
                </span>
            </CardHead>
            <dl class="instance-figures">
                <Figure label=Txt::GwShare tip=Txt::GwShareTip testid=format!("instance-share-{i}")>
                    {move || get(|m| format!("{:.0} %", m.share * 100.0))}
                </Figure>
                <Figure label=Txt::GwInProgress tip=Txt::GwInProgressTip>
                    {move || get(|m| m.in_progress.to_string())}
                </Figure>
                <Figure label=Txt::GwErrors tip=Txt::GwErrorsTip testid=format!("instance-errors-{i}")>
                    {move || get(|m| m.errors.to_string())}
                </Figure>
                <Figure label=Txt::GwDown tip=Txt::GwDownTip>
                    {move || get(|m| format!("{:.0} s", m.down_s))}
                </Figure>
                <Figure label=Txt::GwLatency tip=Txt::GwLatencyTip testid=format!("instance-latency-{i}") wide=true>
                    {move || get(|m| format!("{:.0} / {:.0} ms", m.p50_ms, m.p99_ms))}
                </Figure>
                {move || {
                    me.with(|m| m.as_ref().and_then(|m| m.workers))
                        .map(|(busy, threads, queued)| {
                            view! {
                                <Figure label=Txt::GwWorkers tip=Txt::GwWorkersTip testid=format!("instance-workers-{i}") wide=true>
                                    {format!("{busy}/{threads} · {queued}")}
                                </Figure>
                            }
                        })
                }}
            </dl>
            <div class="instance-buttons">
                {button(Txt::GwCrash, Txt::GwCrashTip, "crash", Mode::Crashed)}
                {button(Txt::GwHang, Txt::GwHangTip, "hang", Mode::Hung)}
                {button(Txt::GwSlowDown, Txt::GwSlowDownTip, "slow", Mode::Slow { factor: SLOW_FACTOR })}
                {button(Txt::GwRestart, Txt::GwRestartTip, "restart", Mode::Up)}
            </div>
        </div>
    }
}

//! The NTP area: the monitoring table (one row per reservation server, with its NTP
//! switch), the alert list, the live fault switches, then the charts, the teaching
//! view of one exchange and the real clock.

use crate::components::ntp_charts::NtpCharts;
use crate::components::ntp_exchange::NtpExchange;
use crate::components::real_clock::RealClock;
use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use crate::ntp_view::{self as nv, FaultKind, Level};
use crate::palette::{server_colour, server_name};
use driftlab_sim::ntp_run::TimeEvent;
use leptos::prelude::*;

/// Alert lines shown.
const EVENT_ROWS: usize = 14;

/// Bumped when a fault is injected while paused: the frame does not change then, but
/// the alert list must show the fault.
#[derive(Clone, Copy)]
struct Injected(RwSignal<u64>);

/// Everything about NTP, under the servers.
#[component]
pub fn NtpPanel() -> impl IntoView {
    provide_context(Injected(RwSignal::new(0)));
    view! {
        <section class="ntp-area" data-testid="ntp-area">
            <NtpMonitor />
            <NtpCharts />
            <div class="ntp-bottom">
                <NtpExchange />
                <RealClock />
            </div>
        </section>
    }
}

/// The names of the time servers (by the index NTP statuses use), per run.
pub fn use_source_names() -> Memo<Vec<String>> {
    let ctx = use_ctx();
    Memo::new(move |_| {
        ctx.ui.run.track();
        ctx.with_engine(|e| e.sim().time_server_names())
            .unwrap_or_default()
    })
}

/// The monitoring table, the alerts and the faults.
#[component]
fn NtpMonitor() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let n = Memo::new(move |_| ui.frame.with(|f| f.servers.len()));
    let any_on = Memo::new(move |_| ui.frame.with(|f| f.servers.iter().any(|s| s.ntp.is_some())));
    let all_on = Memo::new(move |_| ui.frame.with(|f| f.servers.iter().all(|s| s.ntp.is_some())));
    view! {
        <div class="panel ntp" data-testid="ntp-panel">
            <div class="panel-head">
                <h2>{move || ctx.t(Txt::NtpTitle)}</h2>
                <div class="ntp-all">
                    <button
                        data-testid="ntp-all-on"
                        disabled=move || all_on.get()
                        on:click=move |_| ctx.set_ntp(None, true)
                    >
                        {move || ctx.t(Txt::NtpAllOn)}
                    </button>
                    <button
                        data-testid="ntp-all-off"
                        disabled=move || !any_on.get()
                        on:click=move |_| ctx.set_ntp(None, false)
                    >
                        {move || ctx.t(Txt::NtpAllOff)}
                    </button>
                </div>
            </div>
            <p class="hint">{move || ctx.t(Txt::NtpHint)}</p>
            <Show when=move || !any_on.get()>
                <p class="ntp-empty" data-testid="ntp-empty">
                    {move || ctx.t(Txt::NtpEmpty)}
                </p>
            </Show>
            <div class="ntp-table-wrap">
                <table class="ntp-table" data-testid="ntp-table">
                    <thead>
                        <tr>
                            <th>{move || ctx.t(Txt::NtpColServer)}</th>
                            <th>
                                <Term label=Txt::NtpColNtp tip=Txt::NtpSwitchTip />
                            </th>
                            <th>
                                <Term label=Txt::NtpSync tip=Txt::NtpSyncTip />
                            </th>
                            <th>
                                <Term label=Txt::NtpStratum tip=Txt::NtpStratumTip />
                            </th>
                            <th>
                                <Term label=Txt::NtpOffset tip=Txt::NtpOffsetTip />
                            </th>
                            <th>
                                <Term label=Txt::NtpJitter tip=Txt::NtpJitterTip />
                            </th>
                            <th>
                                <Term label=Txt::NtpDelay tip=Txt::NtpDelayTip />
                            </th>
                            <th>
                                <Term label=Txt::NtpRootDist tip=Txt::NtpRootDistTip />
                            </th>
                            <th>
                                <Term label=Txt::NtpPoll tip=Txt::NtpPollTip />
                            </th>
                            <th>
                                <Term label=Txt::NtpLastSync tip=Txt::NtpLastSyncTip />
                            </th>
                            <th>
                                <Term label=Txt::NtpSource tip=Txt::NtpSourceTip />
                            </th>
                            <th>
                                <Term label=Txt::NtpFalsetickers tip=Txt::NtpFalsetickersTip />
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || 0..n.get() key=|i| *i let:i>
                            <NtpRow i=i />
                        </For>
                    </tbody>
                </table>
            </div>
            <div class="ntp-lower">
                <NtpAlerts />
                <NtpFaults />
            </div>
        </div>
    }
}

/// A cell with a level class and a test id.
fn cell(level: Level, testid: String, text: String) -> impl IntoView {
    view! {
        <td class=format!("num {}", level.class()) data-level=level.class() data-testid=testid>
            {text}
        </td>
    }
}

/// One server's row.
#[component]
fn NtpRow(i: usize) -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let k = i + 1;
    let names = use_source_names();
    let status = Memo::new(move |_| {
        ui.frame
            .with(|f| f.servers.get(i).and_then(|s| s.ntp.clone()))
    });
    let on = move || status.with(|s| s.is_some());
    let cells = move || {
        let lang = ui.lang.get();
        let Some(s) = status.get() else {
            return view! {
                <td colspan="10" class="ntp-off" data-testid=format!("ntp-sync-{k}")>
                    {lang.t(Txt::NtpOff)}
                </td>
            }
            .into_any();
        };
        let names = names.get();
        let synced = s.synchronized();
        let stratum = if s.stratum >= 16 {
            "—".to_string()
        } else {
            s.stratum.to_string()
        };
        let last = s
            .last_sync
            .map_or_else(|| lang.t(Txt::NtpNever).to_string(), |t| t.to_string());
        let source = s.selected.map_or_else(
            || lang.t(Txt::NtpNone).to_string(),
            |id| nv::source_name(&names, id),
        );
        let liars = if s.falsetickers.is_empty() {
            lang.t(Txt::NtpNone).to_string()
        } else {
            s.falsetickers
                .iter()
                .map(|&id| nv::source_name(&names, id))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let sync_level = nv::sync_level(s.sync);
        view! {
            <td
                class=format!("sync {}", sync_level.class())
                data-level=sync_level.class()
                data-testid=format!("ntp-sync-{k}")
            >
                {lang.t(nv::sync_txt(s.sync))}
            </td>
            {cell(nv::stratum_level(s.stratum, synced), format!("ntp-stratum-{k}"), stratum)}
            {cell(
                nv::offset_level(s.offset_ns),
                format!("ntp-offset-{k}"),
                nv::duration(lang, s.offset_ns, true),
            )}
            {cell(
                nv::jitter_level(s.jitter_ns),
                format!("ntp-jitter-{k}"),
                nv::duration(lang, s.jitter_ns, false),
            )}
            {cell(
                nv::delay_level(s.delay_ns),
                format!("ntp-delay-{k}"),
                nv::duration(lang, s.delay_ns, false),
            )}
            {cell(
                Level::Ok,
                format!("ntp-rootdist-{k}"),
                nv::duration(lang, s.root_distance_ns, false),
            )}
            {cell(Level::Ok, format!("ntp-poll-{k}"), format!("{}\u{a0}s", s.poll_interval_s))}
            {cell(Level::Ok, format!("ntp-last-{k}"), last)}
            <td data-testid=format!("ntp-source-{k}")>{source}</td>
            <td
                class=if s.falsetickers.is_empty() { "" } else { "liars" }
                data-testid=format!("ntp-falsetickers-{k}")
            >
                {liars}
            </td>
        }
        .into_any()
    };
    view! {
        <tr style=format!("--server: {}", server_colour(i)) data-testid=format!("ntp-row-{k}")>
            <th scope="row">
                <span class="swatch small" aria-hidden="true"></span>
                {server_name(i)}
            </th>
            <td>
                <label class="switch">
                    <input
                        type="checkbox"
                        role="switch"
                        data-testid=format!("ntp-switch-{k}")
                        aria-label=move || format!("NTP {}", server_name(i))
                        title=move || ctx.t(Txt::NtpSwitchTip)
                        prop:checked=on
                        on:change=move |ev| ctx.set_ntp(Some(i), event_target_checked(&ev))
                    />
                    <span class="slider" aria-hidden="true"></span>
                </label>
            </td>
            {cells}
        </tr>
    }
}

/// Raised and cleared alerts, steps, faults and switches, latest first.
#[component]
fn NtpAlerts() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let names = use_source_names();
    let injected = expect_context::<Injected>().0;
    // Only the count is read each frame; the rows are copied when it changes.
    let count = Memo::new(move |_| {
        ui.frame.track();
        injected.track();
        ctx.with_engine(|e| e.sim().time_events().len())
            .unwrap_or(0)
    });
    let events = Memo::new(move |_| {
        let _ = count.get();
        ctx.with_engine(|e| {
            let all = e.sim().time_events();
            all.iter()
                .enumerate()
                .rev()
                .take(EVENT_ROWS)
                .map(|(k, ev)| (k, ev.clone()))
                .collect::<Vec<(usize, TimeEvent)>>()
        })
        .unwrap_or_default()
    });
    view! {
        <div class="ntp-alerts">
            <h3>{move || ctx.t(Txt::NtpAlerts)}</h3>
            <Show
                when=move || events.with(|e| !e.is_empty())
                fallback=move || {
                    view! { <p class="muted" data-testid="ntp-alerts-empty">
                            {move || ctx.t(Txt::NtpAlertsEmpty)}
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
                                    <strong>{who}</strong>
                                    " "
                                    <span>{what}</span>
                                </li>
                            }
                        }
                    />
                </ol>
            </Show>
        </div>
    }
}

/// The live fault switches.
#[component]
fn NtpFaults() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let names = use_source_names();
    let n = Memo::new(move |_| ui.frame.with(|f| f.servers.len()));
    let server = RwSignal::new(0usize);
    // ntp-b: the stratum-2 server the falseticker preset uses.
    let source = RwSignal::new(3usize);
    // Ok(text) after a fault struck, Err(reason) if refused.
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let injected = expect_context::<Injected>().0;
    let strike = move |kind: FaultKind| {
        let now = ui.frame.with_untracked(|f| f.now);
        let fault = kind.fault(
            server.get_untracked(),
            source.get_untracked(),
            nv::strike_s(now),
        );
        outcome.set(Some(ctx.inject(fault).map(|()| now.to_string())));
        injected.update(|r| *r += 1);
    };
    let buttons = FaultKind::ALL
        .into_iter()
        .map(|kind| {
            let (label, tip) = kind.texts();
            view! {
                <button
                    class="fault"
                    class:on-source=kind.on_source()
                    data-testid=format!("fault-{}", kind.id())
                    title=move || ctx.t(tip)
                    on:click=move |_| strike(kind)
                >
                    {move || ctx.t(label)}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="ntp-faults">
            <h3>{move || ctx.t(Txt::NtpFaults)}</h3>
            <p class="hint">{move || ctx.t(Txt::NtpFaultsHint)}</p>
            <div class="fault-targets">
                <label>
                    {move || ctx.t(Txt::NtpFaultServer)}
                    " "
                    <select
                        data-testid="fault-server"
                        on:change=move |ev| {
                            server.set(event_target_value(&ev).parse().unwrap_or(0))
                        }
                    >
                        <For each=move || 0..n.get() key=|i| *i let:i>
                            <option value=i.to_string() selected=move || server.get() == i>
                                {server_name(i)}
                            </option>
                        </For>
                    </select>
                </label>
                <label>
                    {move || ctx.t(Txt::NtpFaultSource)}
                    " "
                    <select
                        data-testid="fault-source"
                        on:change=move |ev| {
                            source.set(event_target_value(&ev).parse().unwrap_or(0))
                        }
                    >
                        <For
                            each=move || names.get().into_iter().enumerate()
                            key=|(j, name)| (*j, name.clone())
                            let:item
                        >
                            <option value=item.0.to_string() selected=move || source.get() == item.0>
                                {item.1}
                            </option>
                        </For>
                    </select>
                </label>
            </div>
            <div class="fault-buttons">{buttons}</div>
            {move || {
                outcome
                    .get()
                    .map(|o| match o {
                        Ok(at) => {
                            view! {
                                <p class="fault-done" data-testid="fault-done">
                                    {ctx.t(Txt::FlDone)}
                                    " "
                                    {at}
                                </p>
                            }
                                .into_any()
                        }
                        Err(why) => {
                            view! {
                                <p class="error" role="alert" data-testid="fault-error">
                                    {ctx.t(Txt::FlRefused)}
                                    " "
                                    {why}
                                </p>
                            }
                                .into_any()
                        }
                    })
            }}
        </div>
    }
}

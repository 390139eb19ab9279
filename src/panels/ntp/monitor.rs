//! The monitoring table: one row per reservation server with its NTP switch, figures
//! against their thresholds; the alert list and the fault switches under it.
//!
//! Its feed: every server's NTP status, every frame.

use super::alerts::NtpAlerts;
use super::data::{self as nv, Level};
use super::faults::NtpFaults;
use super::use_source_names;
use crate::components::indexed::indexed;
use crate::components::shown::Shown;
use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::Txt;
use crate::palette::{server_colour, server_name};
use driftlab_sim::ntp::ClientStatus;
use leptos::prelude::*;

/// The monitoring table, the alerts and the faults.
#[component]
pub fn NtpMonitor() -> impl IntoView {
    let ctx = use_ctx();
    let statuses = ctx
        .feed(Spec::new(Cadence::EveryFrame), |src| {
            src.snapshot()
                .servers
                .iter()
                .map(|s| s.ntp.clone())
                .collect::<Vec<Option<ClientStatus>>>()
        })
        .signal();
    let n = Memo::new(move |_| statuses.with(|s| s.len()));
    let any_on = Memo::new(move |_| statuses.with(|s| s.iter().any(Option::is_some)));
    let all_on = Memo::new(move |_| statuses.with(|s| s.iter().all(Option::is_some)));
    view! {
        <div class="panel ntp" data-testid="ntp-panel">
            <div class="panel-head">
                <h2>{ctx.tr(Txt::NtpTitle)}</h2>
                <div class="ntp-all">
                    <button
                        data-testid="ntp-all-on"
                        disabled=move || all_on.get()
                        on:click=move |_| ctx.set_ntp(None, true)
                    >
                        {ctx.tr(Txt::NtpAllOn)}
                    </button>
                    <button
                        data-testid="ntp-all-off"
                        disabled=move || !any_on.get()
                        on:click=move |_| ctx.set_ntp(None, false)
                    >
                        {ctx.tr(Txt::NtpAllOff)}
                    </button>
                </div>
            </div>
            <p class="hint">{ctx.tr(Txt::NtpHint)}</p>
            <Shown when=move || !any_on.get()>
                <p class="ntp-empty" data-testid="ntp-empty">
                    {ctx.tr(Txt::NtpEmpty)}
                </p>
            </Shown>
            <div class="ntp-table-wrap">
                <table class="ntp-table" data-testid="ntp-table">
                    <thead>
                        <tr>
                            <th>{ctx.tr(Txt::NtpColServer)}</th>
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
                        {indexed(n.into(), move |i| view! {
                            <NtpRow i=i statuses=statuses />
                        })}
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
fn NtpRow(i: usize, statuses: ReadSignal<Vec<Option<ClientStatus>>>) -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let k = i + 1;
    let names = use_source_names();
    let status = Memo::new(move |_| statuses.with(|s| s.get(i).cloned().flatten()));
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
                nv::root_distance_level(s.root_distance_ns),
                format!("ntp-rootdist-{k}"),
                nv::root_distance(lang, s.root_distance_ns),
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
                        title=ctx.tr(Txt::NtpSwitchTip)
                        prop:checked=move || status.with(|s| s.is_some())
                        on:change=move |ev| ctx.set_ntp(Some(i), event_target_checked(&ev))
                    />
                    <span class="slider" aria-hidden="true"></span>
                </label>
            </td>
            {move || cells()}
        </tr>
    }
}

//! `ntpq -p` for one reservation server, as a system administrator reads it on the
//! machine: one line per time source, each column explained on hover.
//!
//! Its feed: every server's NTP status, every frame (the rows come from
//! [`driftlab_sim::ntp::ClientStatus::rows`]; nothing is computed here).

use super::use_source_names;
use crate::components::server_pick::ServerPick;
use crate::components::shown::Shown;
use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::Txt;
use driftlab_sim::ntp::ntpq::{poll_s, tally, when};
use driftlab_sim::ntp::{ClientStatus, SourceRow};
use leptos::prelude::*;

/// The `ntpq -p` table of the server picked with the buttons above it.
#[component]
pub fn NtpqPanel() -> impl IntoView {
    let ctx = use_ctx();
    let names = use_source_names();
    let statuses = ctx
        .feed(Spec::new(Cadence::EveryFrame), |src| {
            src.snapshot()
                .servers
                .iter()
                .map(|s| s.ntp.clone())
                .collect::<Vec<Option<ClientStatus>>>()
        })
        .signal();
    let picked = RwSignal::new(0usize);
    let n = Memo::new(move |_| statuses.with(|s| s.len()));
    let lines = Memo::new(move |_| {
        let i = picked.get();
        statuses.with(|s| {
            s.get(i).cloned().flatten().map(|st| {
                names.with(|names| {
                    st.rows(|id| names.get(id).cloned().unwrap_or_else(|| format!("#{id}")))
                })
            })
        })
    });
    view! {
        <div class="panel ntpq" data-testid="ntpq-panel">
            <div class="panel-head">
                <h2>{ctx.tr(Txt::NtpqTitle)}</h2>
                <ServerPick count=n picked=picked testid="ntpq-pick" />
            </div>
            <p class="hint">{ctx.tr(Txt::NtpqHint)}</p>
            <Shown
                when=move || lines.with(Option::is_some)
                fallback=move || {
                    view! {
                        <p class="ntp-empty" data-testid="ntpq-empty">
                            {ctx.tr(Txt::NtpqEmpty)}
                        </p>
                    }
                }
            >
                <NtpqTable rows=Signal::derive(move || lines.get().unwrap_or_default()) />
            </Shown>
        </div>
    }
}

/// The `ntpq -p` table of one client's rows, every column explained on hover.
#[component]
pub fn NtpqTable(
    /// The rows ([`driftlab_sim::ntp::ClientStatus::rows`]).
    rows: Signal<Vec<SourceRow>>,
) -> impl IntoView {
    let num = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.3}"));
    let head = |label, tip| view! { <th><Term label=label tip=tip /></th> };
    view! {
        <table class="ntpq-table" data-testid="ntpq-table">
            <thead>
                <tr>
                    {head(Txt::NtpqTally, Txt::NtpqTallyTip)}
                    {head(Txt::NtpqRemote, Txt::NtpqRemoteTip)}
                    {head(Txt::NtpqRefid, Txt::NtpqRefidTip)}
                    {head(Txt::NtpqSt, Txt::NtpqStTip)}
                    {head(Txt::NtpqWhen, Txt::NtpqWhenTip)}
                    {head(Txt::NtpqPoll, Txt::NtpqPollTip)}
                    {head(Txt::NtpqReach, Txt::NtpqReachTip)}
                    {head(Txt::NtpqDelay, Txt::NtpqDelayTip)}
                    {head(Txt::NtpqOffset, Txt::NtpqOffsetTip)}
                    {head(Txt::NtpqJitter, Txt::NtpqJitterTip)}
                </tr>
            </thead>
            <tbody>
                {move || {
                    rows.get()
                        .into_iter()
                        .map(|r: SourceRow| {
                            let mark = tally(r.state);
                            view! {
                                <tr data-testid="ntpq-row" data-tally=mark.to_string()>
                                    <td class="tally">{mark.to_string()}</td>
                                    <td>{r.name}</td>
                                    <td>{r.refid}</td>
                                    <td class="num">{r.stratum}</td>
                                    <td class="num">{when(r.when_s)}</td>
                                    <td class="num">{poll_s(r.poll_log2)}</td>
                                    <td class="num">{format!("{:o}", r.reach)}</td>
                                    <td class="num">{num(r.delay_ms)}</td>
                                    <td class="num">{num(r.offset_ms)}</td>
                                    <td class="num">{num(r.jitter_ms)}</td>
                                </tr>
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
    }
}

//! The clock filter of one source: its 8 stages, the one picked and why, the others
//! and why not, and the popcorn spikes held back (all from the core's
//! [`driftlab_sim::ntp::stages`]).

use super::data::ms;
use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use driftlab_sim::ntp::stages::{FilterView, Verdict, Why};
use leptos::prelude::*;

/// The verdict's short text and its whole sentence.
fn verdict_txt(v: Verdict, why: Option<Why>) -> (Txt, Txt) {
    match v {
        Verdict::Picked if why == Some(Why::Newest) => {
            (Txt::FiPickedNewest, Txt::FiPickedNewestTip)
        }
        Verdict::Picked => (Txt::FiPicked, Txt::FiPickedTip),
        Verdict::LongerDelay => (Txt::FiLonger, Txt::FiLongerTip),
        Verdict::TooOld => (Txt::FiTooOld, Txt::FiTooOldTip),
        Verdict::Older => (Txt::FiOlder, Txt::FiOlderTip),
        Verdict::Empty => (Txt::FiEmpty, Txt::FiEmptyTip),
    }
}

fn verdict_id(v: Verdict) -> &'static str {
    match v {
        Verdict::Picked => "picked",
        Verdict::LongerDelay => "longer-delay",
        Verdict::TooOld => "too-old",
        Verdict::Older => "older",
        Verdict::Empty => "empty",
    }
}

/// The 8 stages of `view`, newest first.
#[component]
pub fn FilterStages(
    /// The filter to show.
    view: Signal<Option<FilterView>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let head = |label, tip| view! { <th><Term label=label tip=tip /></th> };
    let rows = move || {
        view.get().map(|f| {
            f.stages
                .iter()
                .map(|s| {
                    let txt = verdict_txt(s.verdict, f.why);
                    let age = s.age_s.map_or_else(|| "-".into(), |a| format!("{a:.0} s"));
                    view! {
                        <tr
                            data-testid="filter-stage"
                            data-verdict=verdict_id(s.verdict)
                            data-delay-ms=s.delay_ms.map(|d| d.to_string()).unwrap_or_default()
                            class=verdict_id(s.verdict)
                        >
                            <td class="num">{s.stage}</td>
                            <td class="num">{age}</td>
                            <td class="num">{ms(s.offset_ms)}</td>
                            <td class="num">{ms(s.delay_ms)}</td>
                            <td class="num">{ms(s.disp_ms)}</td>
                            <td class="num">{s.rank.map(|r| r.to_string()).unwrap_or_default()}</td>
                            <td class="verdict" title=move || ctx.t(txt.1)>{move || ctx.t(txt.0)}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let summary = move || {
        view.get().map(|f| {
            let spike = f.last_spike.map(|s| {
                format!(
                    " · {} {} {} {}",
                    ctx.t(Txt::FiLastSpike),
                    ms(Some(s.jump_ns as f64 / 1e6)),
                    ctx.t(Txt::FiGate),
                    ms(Some(s.gate_ns as f64 / 1e6)),
                )
            });
            view! {
                <p class="filter-summary">
                    <Term label=Txt::FiJitter tip=Txt::FiJitterTip />
                    " "
                    <b>{ms(f.jitter_ms)}</b>
                    " · "
                    <Term label=Txt::FiPeerDisp tip=Txt::FiPeerDispTip />
                    " "
                    <b>{ms(f.disp_ms)}</b>
                    " · "
                    <Term label=Txt::FiPopcorn tip=Txt::FiPopcornTip />
                    " "
                    <b data-testid="filter-popcorns">{f.popcorns}</b>
                    {spike}
                </p>
            }
        })
    };
    view! {
        <table class="filter-table" data-testid="filter-table">
            <thead>
                <tr>
                    {head(Txt::FiStage, Txt::FiStageTip)}
                    {head(Txt::FiAge, Txt::FiAgeTip)}
                    {head(Txt::FiOffset, Txt::FiOffsetTip)}
                    {head(Txt::FiDelay, Txt::FiDelayTip)}
                    {head(Txt::FiDisp, Txt::FiDispTip)}
                    {head(Txt::FiRank, Txt::FiRankTip)}
                    {head(Txt::FiVerdict, Txt::FiVerdictTip)}
                </tr>
            </thead>
            <tbody>{move || rows()}</tbody>
        </table>
        {move || summary()}
    }
}

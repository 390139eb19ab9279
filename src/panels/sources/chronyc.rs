//! `chronyc tracking` and `chronyc sources` for one server (the core's
//! [`driftlab_sim::ntp::chronyc`]), every field explained on hover.

use super::data::ms;
use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use driftlab_sim::ntp::chronyc::{state, stratum, Tracking};
use driftlab_sim::ntp::ntpq::when;
use driftlab_sim::ntp::SourceRow;
use leptos::prelude::*;

/// `chronyc tracking`.
#[component]
pub fn TrackingTable(
    /// What it shows.
    tracking: Signal<Option<Tracking>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let line = move |label, tip, value: Box<dyn Fn() -> String + Send + Sync>| {
        view! {
            <div class="tr-item">
                <span class="k"><Term label=label tip=tip /></span>
                <span class="v">{move || value()}</span>
            </div>
        }
    };
    let get = move |f: fn(&Tracking, crate::i18n::Lang) -> String| -> Box<dyn Fn() -> String + Send + Sync> {
        Box::new(move || {
            let lang = ctx.ui.lang.get();
            tracking.get().map(|t| f(&t, lang)).unwrap_or_default()
        })
    };
    view! {
        <div class="chronyc tracking" data-testid="chronyc-tracking">
                {line(Txt::TrRef, Txt::TrRefTip, get(|t, _| t.reference.clone().unwrap_or_else(|| "-".into())))}
                {line(Txt::TrStratum, Txt::TrStratumTip, get(|t, _| t.stratum.to_string()))}
                {line(Txt::TrRefTime, Txt::TrRefTimeTip, get(|t, _| t.ref_time.map_or_else(|| "-".into(), |r| r.to_string())))}
                {line(Txt::TrLastOffset, Txt::TrLastOffsetTip, get(|t, _| ms(Some(t.last_offset_ms))))}
                {line(Txt::TrFreq, Txt::TrFreqTip, get(|t, lang| {
                    let sense = if t.frequency_ppm >= 0.0 { Txt::TrSlow } else { Txt::TrFast };
                    format!("{:.3} ppm {}", t.frequency_ppm.abs(), lang.t(sense))
                }))}
                {line(Txt::TrRootDelay, Txt::TrRootDelayTip, get(|t, _| ms(Some(t.root_delay_ms))))}
                {line(Txt::TrRootDisp, Txt::TrRootDispTip, get(|t, _| ms(Some(t.root_dispersion_ms))))}
                {line(Txt::TrUpdate, Txt::TrUpdateTip, get(|t, _| format!("{} s", t.update_interval_s)))}
                {line(Txt::TrLeap, Txt::TrLeapTip, get(|t, lang| {
                    lang.t(if t.synchronized { Txt::TrNormal } else { Txt::TrNotSync }).to_string()
                }))}
        </div>
    }
}

/// `chronyc sources`.
#[component]
pub fn SourcesTable(
    /// Its lines.
    lines: Signal<Vec<SourceRow>>,
) -> impl IntoView {
    let head = |label, tip| view! { <th><Term label=label tip=tip /></th> };
    view! {
        <table class="chronyc ntpq-table" data-testid="chronyc-sources">
            <thead>
                <tr>
                    {head(Txt::CsMs, Txt::CsMsTip)}
                    {head(Txt::CsName, Txt::CsNameTip)}
                    {head(Txt::CsStratum, Txt::CsStratumTip)}
                    {head(Txt::CsPoll, Txt::CsPollTip)}
                    {head(Txt::CsReach, Txt::CsReachTip)}
                    {head(Txt::CsLastRx, Txt::CsLastRxTip)}
                    {head(Txt::CsSample, Txt::CsSampleTip)}
                </tr>
            </thead>
            <tbody>
                {move || {
                    lines
                        .get()
                        .into_iter()
                        .map(|l| {
                            let sample = match (l.offset_ms, l.error_ms) {
                                (Some(o), Some(e)) => format!("{} ± {}", ms(Some(o)), ms(Some(e))),
                                (Some(o), None) => ms(Some(o)),
                                _ => "-".into(),
                            };
                            view! {
                                <tr data-testid="chronyc-row" data-state=state(l.state).to_string()>
                                    <td class="tally">{format!("^{}", state(l.state))}</td>
                                    <td>{l.name}</td>
                                    <td class="num">{stratum(l.stratum)}</td>
                                    <td class="num">{l.poll_log2}</td>
                                    <td class="num">{format!("{:o}", l.reach)}</td>
                                    <td class="num">{when(l.when_s)}</td>
                                    <td class="num">{sample}</td>
                                </tr>
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
    }
}

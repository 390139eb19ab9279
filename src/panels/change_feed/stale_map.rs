//! One customer's seat map beside the truth: what they see (as stale as their feed)
//! and what the database holds. A seat their map shows free but is taken (✖) is a
//! click bound to be refused "seat taken"; one it shows taken but is free again (?) is
//! a seat they will not try. The picker lists the customers on the page, the most
//! wrong map first.

use super::model::{customers, StaleMap};
use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::feed::{Cadence, Spec};
use crate::i18n::Txt;
use leptos::prelude::*;

/// Customers offered by the picker.
const LISTED: usize = 30;

/// A grid of seats, each with its class and symbol.
fn grid(cols: u32, cells: Vec<(&'static str, &'static str)>, id: &'static str) -> impl IntoView {
    view! {
        <div class="fd-grid" style=format!("--cols: {cols}") data-testid=id>
            {cells
                .into_iter()
                .map(|(class, sym)| view! { <span class=format!("fd-seat {class}")>{sym}</span> })
                .collect_view()}
        </div>
    }
}

/// The customer's map and the truth, side by side.
#[component]
pub fn StaleMapPanel() -> impl IntoView {
    let ctx = use_ctx();
    let picked = RwSignal::new(None::<u32>);
    let list = ctx
        .feed(Spec::new(Cadence::Every(10)), |src| {
            customers(src.sim(), LISTED)
        })
        .signal();
    let map = ctx.feed(Spec::new(Cadence::Every(3)), move |src| {
        let c = picked
            .get_untracked()
            .or_else(|| customers(src.sim(), 1).first().map(|c| c.0))?;
        StaleMap::of(src.sim(), c)
    });
    let shown = map.signal();
    let on_pick = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        picked.set(v.parse().ok());
        map.refresh();
    };
    let who = move || {
        shown.with(|m| {
            m.as_ref()
                .map(|m| {
                    let lang = ctx.ui.lang.get();
                    let stale = m.staleness_ms.map_or("–".to_string(), |(ms, n)| {
                        format!(
                            "{} ms ({} {})",
                            lang.num(ms, 0),
                            lang.int(u64::from(n)),
                            lang.t(Txt::FdChanges)
                        )
                    });
                    lang.t(Txt::FdWho)
                        .replace("{customer}", &(m.customer + 1).to_string())
                        .replace("{wrong}", &m.wrong().to_string())
                        .replace("{stale}", &stale)
                        .replace(
                            "{online}",
                            lang.t(if m.online { Txt::FdOnPage } else { Txt::FdLeft }),
                        )
                })
                .unwrap_or_else(|| ctx.t(Txt::FdNoCustomer).to_string())
        })
    };
    view! {
        <section class="panel fd-stale" aria-labelledby="fd-stale-title" data-testid="stale-map">
            <header class="panel-head">
                <h2 id="fd-stale-title"><Term label=Txt::FdMapTitle tip=Txt::FdMapTip /></h2>
                <label class="fd-pick">
                    {ctx.tr(Txt::FdCustomer)}
                    " "
                    <select data-testid="feed-customer" on:change=on_pick>
                        <option value="" selected=move || picked.get().is_none()>
                            {ctx.tr(Txt::FdMostWrong)}
                        </option>
                        {move || {
                            list.get()
                                .into_iter()
                                .map(|(c, online, wrong)| {
                                    let mark = if online { "" } else { " ·" };
                                    view! {
                                        <option value=c.to_string() selected=move || picked.get() == Some(c)>
                                            {format!("#{} ({wrong} ✖?){mark}", c + 1)}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </label>
            </header>
            <p class="fd-who" data-testid="feed-who">{move || who()}</p>
            {move || {
                shown.with(|m| {
                    m.as_ref().map(|m| {
                        let mine = m.seats.iter().map(|s| (s.class(), s.symbol())).collect();
                        let truth = m
                            .truth_free
                            .iter()
                            .map(|&f| (if f { "free" } else { "taken" }, ""))
                            .collect();
                        view! {
                            <div class="fd-maps">
                                <figure>
                                    <figcaption>{ctx.t(Txt::FdTheirMap)}</figcaption>
                                    {grid(m.cols, mine, "feed-their-map")}
                                </figure>
                                <figure>
                                    <figcaption>{ctx.t(Txt::FdTruth)}</figcaption>
                                    {grid(m.cols, truth, "feed-truth-map")}
                                </figure>
                            </div>
                        }
                    })
                })
            }}
            <p class="fd-legend">
                <span class="fd-seat free"></span>{ctx.tr(Txt::FdLegendFree)}
                <span class="fd-seat taken"></span>{ctx.tr(Txt::FdLegendTaken)}
                <span class="fd-seat stale-free">"✖"</span>{ctx.tr(Txt::FdLegendStaleFree)}
                <span class="fd-seat stale-taken">"?"</span>{ctx.tr(Txt::FdLegendStaleTaken)}
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::SeatCmp;

    #[test]
    fn every_comparison_has_a_class() {
        for s in [
            SeatCmp::Free,
            SeatCmp::Taken,
            SeatCmp::StaleFree,
            SeatCmp::StaleTaken,
        ] {
            assert!(!s.class().is_empty());
        }
    }
}

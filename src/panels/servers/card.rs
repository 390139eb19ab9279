//! One server: its clock beside true time, its offset and skew, what it served.

use super::data;
use crate::components::field::TextField;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use crate::palette::{server_colour, server_name};
use crate::scenario::{parse_offset_s, parse_skew_ppm, MAX_OFFSET_S, MAX_SKEW_PPM};
use driftlab_sim::snapshot::ServerView;
use leptos::prelude::*;

/// The card of server `i` (0-based), reading the servers panel's feed.
#[component]
pub fn ServerCard(
    /// The server (0-based).
    i: usize,
    /// Every server's view, from the panel's feed.
    servers: ReadSignal<Vec<ServerView>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let n = i + 1;
    let name = server_name(i);
    let view = Memo::new(move |_| servers.with(|s| s.get(i).cloned()));
    // The clock as last set (what the inputs show); the card's Δ is the live offset.
    let set = Memo::new(move |_| {
        ui.scenario.with(|c| {
            c.servers.get(i).map_or((0.0, 0.0), |s| {
                (s.clock.offset_ms / 1000.0, s.clock.skew_ppm)
            })
        })
    });
    let lang = ui.lang;
    let local = move || view.with(|v| v.as_ref().map(|v| v.local.to_string()));
    let offset_ns = move || view.with(|v| v.as_ref().map_or(0, |v| v.offset_ns));
    let delta = move || data::delta(lang.get(), offset_ns());
    let served = move || view.with(|v| v.as_ref().map_or(0, |v| v.requests));
    let served_tip = move || {
        let l = lang.get();
        view.with(|v| v.as_ref().map(|v| data::served_tip(l, v)))
    };
    let offset_text = move || lang.get().num(set.get().0, 1);
    let skew_text = move || lang.get().num(set.get().1, 0);
    view! {
        <article
            class="server-card"
            style=format!("--server: {}", server_colour(i))
            data-testid=format!("server-{n}")
            data-server=n
            data-confirmed=move || view.with(|v| v.as_ref().map_or(0, |v| v.confirmed)).to_string()
        >
            <div class="card-main">
                <span class="swatch" aria-hidden="true"></span>
                <h3 class="server-name">{name.clone()}</h3>
                <span
                    class="clock local"
                    title=ctx.tr(Txt::LocalClockTip)
                    data-testid=format!("server-local-{n}")
                >
                    <span class="sr-only">{ctx.tr(Txt::LocalClock)} " "</span>
                    {move || local()}
                </span>
                <span
                    class="delta"
                    class:ahead=move || { offset_ns() > 0 }
                    class:behind=move || { offset_ns() < 0 }
                    data-testid=format!("server-offset-{n}")
                    data-value=move || offset_ns().to_string()
                    data-measure=format!("servers.{i}.offset_ms")
                    data-measure-value=move || (offset_ns() as f64 / 1e6).to_string()
                >
                    {move || delta()}
                </span>
                <span class="served" title=served_tip data-testid=format!("server-requests-{n}")>
                    <strong>{move || lang.get().int(served())}</strong>
                    " "
                    {ctx.tr(Txt::Served)}
                </span>
            </div>
            <div class="card-controls">
                <div class="control">
                    <TextField
                        label=Txt::Offset
                        tip=Txt::OffsetTip
                        testid=format!("offset-input-{n}")
                        unit="s"
                        size=5
                        value=Signal::derive(offset_text)
                        commit=Callback::new(move |text: String| {
                            parse_offset_s(&text).map(|s| ctx.set_offset(i, s))
                        })
                    />
                    <input
                        type="range"
                        min=-MAX_OFFSET_S
                        max=MAX_OFFSET_S
                        step="0.5"
                        data-testid=format!("offset-slider-{n}")
                        aria-label=move || format!("{} {name} (s)", ctx.t(Txt::Offset))
                        prop:value=move || set.get().0.to_string()
                        on:input=move |ev| {
                            if let Ok(s) = event_target_value(&ev).parse::<f64>() {
                                ctx.set_offset(i, s);
                            }
                        }
                    />
                </div>
                <div class="control">
                    <TextField
                        label=Txt::Skew
                        tip=Txt::SkewTip
                        testid=format!("skew-input-{n}")
                        unit="ppm"
                        size=4
                        value=Signal::derive(skew_text)
                        commit=Callback::new(move |text: String| {
                            parse_skew_ppm(&text).map(|p| ctx.set_skew(i, p))
                        })
                    />
                    <input
                        type="range"
                        min=-MAX_SKEW_PPM
                        max=MAX_SKEW_PPM
                        step="10"
                        data-testid=format!("skew-slider-{n}")
                        aria-label=move || format!("{} server-{n} (ppm)", ctx.t(Txt::Skew))
                        prop:value=move || set.get().1.to_string()
                        on:input=move |ev| {
                            if let Ok(p) = event_target_value(&ev).parse::<f64>() {
                                ctx.set_skew(i, p);
                            }
                        }
                    />
                </div>
            </div>
        </article>
    }
}

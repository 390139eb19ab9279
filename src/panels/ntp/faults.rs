//! The live fault switches: strike a fault now on a chosen server or time server.

use super::data::{self as nv, FaultKind};
use super::use_source_names;
use crate::components::indexed::indexed;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use crate::palette::server_name;
use leptos::prelude::*;

/// The live fault switches.
#[component]
pub fn NtpFaults() -> impl IntoView {
    let ctx = use_ctx();
    let ui = ctx.ui;
    let names = use_source_names();
    let n = Memo::new(move |_| ui.scenario.with(|c| c.servers.len()));
    let server = RwSignal::new(0usize);
    // ntp-b: the stratum-2 server the falseticker preset uses.
    let source = RwSignal::new(3usize);
    // Ok(text) after a fault struck, Err(reason) if refused.
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let strike = move |kind: FaultKind| {
        let now = ui.clock.with_untracked(|c| c.now);
        let fault = kind.fault(
            server.get_untracked(),
            source.get_untracked(),
            nv::strike_s(now),
        );
        outcome.set(Some(ctx.inject(fault).map(|()| now.to_string())));
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
                    title=ctx.tr(tip)
                    on:click=move |_| strike(kind)
                >
                    {ctx.tr(label)}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="ntp-faults">
            <h3>{ctx.tr(Txt::NtpFaults)}</h3>
            <p class="hint">{ctx.tr(Txt::NtpFaultsHint)}</p>
            <div class="fault-targets">
                <label>
                    {ctx.tr(Txt::NtpFaultServer)}
                    " "
                    <select
                        data-testid="fault-server"
                        on:change=move |ev| {
                            server.set(event_target_value(&ev).parse().unwrap_or(0))
                        }
                    >
                        {indexed(n.into(), move |i| view! {
                            <option value=i.to_string() selected=move || server.get() == i>
                                {server_name(i)}
                            </option>
                        })}
                    </select>
                </label>
                <label>
                    {ctx.tr(Txt::NtpFaultSource)}
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

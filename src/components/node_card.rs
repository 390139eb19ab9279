//! The pieces of a node's card, shared by the gateway's instances and the data path's
//! database nodes: its head (swatch, name, then badges and buttons), its figures (a
//! term that explains itself and a value), and a fault button (crash, promote…); the
//! data, gateway and feed panels use them, inside [`super::layer_panel::LayerPanel`].

use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use leptos::prelude::*;

/// A card's head: a swatch in the card's colour (`swatch`), its name, then `children`
/// (badges, buttons).
#[component]
pub fn CardHead(
    /// The node's name (`server-1`, `db-2`).
    name: String,
    /// Whether a swatch in the card's `--server` colour comes first.
    #[prop(optional)]
    swatch: bool,
    /// Badges and buttons after the name.
    children: Children,
) -> impl IntoView {
    view! {
        <div class="instance-head">
            {swatch.then(|| view! { <span class="swatch"></span> })}
            <strong class="server-name">{name}</strong>
            {children()}
        </div>
    }
}

/// One figure of a card (inside a `<dl>`): its term, and its value (`children`).
#[component]
pub fn Figure(
    /// The term.
    label: Txt,
    /// What it means.
    tip: Txt,
    /// The value's test id.
    #[prop(optional, into)]
    testid: Option<String>,
    /// Whether it spans the whole row.
    #[prop(optional)]
    wide: bool,
    /// The figure's path in the run's report (`data-measure`, which a lesson step
    /// outlines), with its raw value (`data-measure-value`).
    #[prop(default = None)]
    measure: Option<(&'static str, Signal<String>)>,
    /// The value.
    children: Children,
) -> impl IntoView {
    let path = measure.map(|m| m.0);
    view! {
        <div class:wide=wide>
            <dt><Term label=label tip=tip /></dt>
            <dd data-testid=testid data-measure=path data-measure-value=move || measure.map(|m| m.1.get())>{children()}</dd>
        </div>
    }
}

/// A live action's button on a card or a panel: its label (fixed, or following a
/// state: "disconnect"/"reconnect"), its tooltip, disabled while `disabled` says so.
#[component]
pub fn FaultButton(
    /// The label.
    #[prop(into)]
    label: Signal<Txt>,
    /// What it does.
    tip: Txt,
    /// Its test id.
    #[prop(into)]
    testid: String,
    /// A class beside `fault` (its place in a panel's layout).
    #[prop(optional)]
    class: &'static str,
    /// Whether it is disabled now.
    #[prop(optional, into)]
    disabled: Option<Signal<bool>>,
    /// What a click does.
    on_click: impl Fn() + 'static,
) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <button
            class=format!("fault {class}").trim_end().to_string()
            data-testid=testid
            title=ctx.tr(tip)
            disabled=move || disabled.is_some_and(|d| d.get())
            on:click=move |_| on_click()
        >
            {move || ctx.t(label.get())}
        </button>
    }
}

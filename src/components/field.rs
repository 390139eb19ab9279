//! A text field that refuses bad input where it was typed: the message appears under
//! the field and nothing else changes. Enter (or leaving the field) commits; Escape
//! puts the current value back.

use crate::components::term::Term;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use leptos::prelude::*;
use web_sys::HtmlInputElement;

/// A labelled input committing its text through `commit`, which either applies it or
/// returns the message refusing it.
#[component]
pub fn TextField(
    /// The label.
    label: Txt,
    /// What the label means, in one sentence.
    tip: Txt,
    /// The input's `data-testid`; the message's is this plus `-error`.
    testid: String,
    /// The value the field shows.
    #[prop(into)]
    value: Signal<String>,
    /// Applies a text, or refuses it.
    commit: Callback<String, Result<(), Txt>>,
    /// Width in characters.
    #[prop(default = 6)]
    size: u32,
    /// A unit after the input (`s`, `ppm`).
    #[prop(optional)]
    unit: &'static str,
) -> impl IntoView {
    let ctx = use_ctx();
    // The refusal, with the value and run it was made against: it disappears by itself
    // when the value changes or a new run starts.
    let refused = RwSignal::new(None::<(Txt, String, u64)>);
    let error = move || {
        refused
            .get()
            .filter(|(_, v, run)| *v == value.get() && *run == ctx.ui.run.get())
            .map(|(k, _, _)| k)
    };
    let error_id = format!("{testid}-error");
    let on_change = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        match commit.run(text) {
            Ok(()) => refused.set(None),
            Err(k) => refused.set(Some((k, value.get_untracked(), ctx.ui.run.get_untracked()))),
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            event_target::<HtmlInputElement>(&ev).set_value(&value.get_untracked());
            refused.set(None);
        }
    };
    view! {
        <label class="field">
            <span class="field-label">
                <Term label=label tip=tip />
            </span>
            <input
                type="text"
                inputmode="decimal"
                autocomplete="off"
                spellcheck="false"
                size=size
                data-testid=testid
                aria-invalid=move || if error().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
                prop:value=move || {
                    ctx.ui.run.track();
                    value.get()
                }
                on:change=on_change
                on:keydown=on_keydown
            />
            {(!unit.is_empty()).then(|| view! { <span class="unit">{unit}</span> })}
            <span class="field-error" id=error_id.clone() data-testid=error_id role="alert">
                {move || {
                    error().map(|k| format!("{} {}", ctx.t(k), ctx.t(Txt::ErrKept)))
                }}
            </span>
        </label>
    }
}

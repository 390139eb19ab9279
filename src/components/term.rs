//! A term that explains itself: hover or focus it to read one plain sentence.

use crate::ctx::use_ctx;
use crate::i18n::Txt;
use leptos::prelude::*;

/// `label`, underlined with dots; hovering or focusing it shows `tip`.
#[component]
pub fn Term(
    /// The term.
    label: Txt,
    /// What it means, in one sentence.
    tip: Txt,
) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <span class="term" tabindex="0">
            {ctx.tr(label)}
            <span class="tip" role="tooltip">
                {ctx.tr(tip)}
            </span>
        </span>
    }
}

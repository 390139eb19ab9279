//! The views' tabs: the architecture's map first, then one per part of it. The view on
//! screen is part of the URL.

use crate::ctx::use_ctx;
use crate::i18n::Txt;
use crate::view::View;
use leptos::prelude::*;

/// The tabs.
#[component]
pub fn ViewTabs() -> impl IntoView {
    let ctx = use_ctx();
    let current = ctx.ui.view;
    let tabs = View::ALL
        .into_iter()
        .map(|v| {
            view! {
                <a
                    class="tab"
                    class:active=move || current.get() == v
                    href=format!("?view={}", v.slug())
                    data-testid=format!("tab-{}", v.slug())
                    aria-current=move || (current.get() == v).then_some("page")
                    on:click=move |ev| {
                        // A plain click switches in place (the URL follows); a click
                        // with a modifier opens the link as the browser would.
                        if !(ev.ctrl_key() || ev.meta_key() || ev.shift_key()) {
                            ev.prevent_default();
                            ctx.open(v);
                        }
                    }
                >
                    {move || ctx.t(v.label())}
                </a>
            }
        })
        .collect_view();
    view! {
        <nav class="tabs" aria-label=ctx.tr(Txt::Views) data-testid="tabs">
            {tabs}
        </nav>
    }
}

//! A row of buttons, one per reservation server in its colour, that picks which
//! server a panel shows (the `ntpq -p` panel, the sources view).

use crate::components::indexed::indexed;
use crate::palette::{server_colour, server_name};
use leptos::prelude::*;

/// One button per server (`server-1`…), the picked one pressed.
#[component]
pub fn ServerPick(
    /// How many servers the run has.
    #[prop(into)]
    count: Signal<usize>,
    /// The picked server's index.
    picked: RwSignal<usize>,
    /// The buttons' test ids: `{testid}-1`, `{testid}-2`…
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="ntpq-pick">
            {indexed(count, move |i| view! {
                <button
                    data-testid=format!("{testid}-{}", i + 1)
                    class:on=move || picked.get() == i
                    aria-pressed=move || (picked.get() == i).to_string()
                    style=format!("--server: {}", server_colour(i))
                    on:click=move |_| picked.set(i)
                >
                    {server_name(i)}
                </button>
            })}
        </div>
    }
}

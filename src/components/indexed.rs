//! One row per index `0..count` (servers, clients, a legend's lines), each row built once
//! and kept while its index stays in range.
//!
//! Every such list goes through one `<For>` of one type: Leptos compiles `<For>`'s keyed
//! list code once per set of closure types, so nine lists written as nine `<For>`s had
//! nine copies of it (the bundle's size).

use leptos::prelude::*;
use std::sync::Arc;

/// One row per index in `0..count`, built by `row` (as `<For each=move || 0..count.get()
/// key=|i| *i let:i>` would).
pub fn indexed<V: IntoView + 'static>(
    count: Signal<usize>,
    row: impl Fn(usize) -> V + Send + Sync + 'static,
) -> impl IntoView {
    rows(count, Arc::new(move |i| row(i).into_any()))
}

/// Row builder of [`indexed`], type-erased.
type Row = Arc<dyn Fn(usize) -> AnyView + Send + Sync>;

// Not generic, so its closures, and the `<For>` they make, are one type for every list.
fn rows(count: Signal<usize>, row: Row) -> impl IntoView {
    view! {
        <For each=move || 0..count.get() key=|i| *i let:i>
            {row(i)}
        </For>
    }
}

//! `<Shown>`: Leptos' `<Show>` (its children while `when` is true, else its fallback),
//! compiled once for the whole app.
//!
//! Leptos compiles `<Show>` (its memo and the effect that swaps children and fallback)
//! once per pair of condition and children types, and each is a type of its own: one
//! copy per `<Show>` written. `<Shown>` boxes both and calls one `<Show>` of one type
//! (the bundle's size). Same behaviour: the condition is memoized, the children are
//! built each time it turns true, the fallback each time it turns false.

use leptos::prelude::*;
use std::sync::Arc;

/// Its children while `when` is true, else `fallback` (nothing by default).
#[component]
pub fn Shown(
    /// The condition (tracked).
    when: impl Fn() -> bool + Send + Sync + 'static,
    /// What shows while `when` is true.
    children: ChildrenFn,
    /// What shows while `when` is false.
    #[prop(optional, into)]
    fallback: ViewFn,
) -> impl IntoView {
    show(Arc::new(when), children, fallback)
}

/// The condition of [`Shown`], type-erased.
type When = Arc<dyn Fn() -> bool + Send + Sync>;

// Not generic, so the `<Show>` it makes is one type for every `<Shown>`.
fn show(when: When, children: ChildrenFn, fallback: ViewFn) -> impl IntoView {
    view! {
        <Show when=move || when() fallback=fallback>
            {children()}
        </Show>
    }
}

//! The grid of seats: one cell per seat, each reading its own signal; a roving
//! tabindex and arrow keys.

use super::data::{grid_move, state_text};
use super::Hall;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use crate::palette::seat_class;
use driftlab_sim::hall::seat_label;
use driftlab_sim::snapshot::{SeatState, SeatView};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A free seat (for a cell the snapshot lacks: never, unless the hall just changed).
fn free_seat() -> ArcRwSignal<SeatView> {
    ArcRwSignal::new(SeatView {
        state: SeatState::Free,
        server: None,
    })
}

/// The grid of seats, rebuilt when the hall's size changes.
#[component]
pub fn SeatGrid(
    /// Rows.
    rows: u32,
    /// Seats per row.
    cols: u32,
) -> impl IntoView {
    let ctx = use_ctx();
    let hall = expect_context::<Hall>();
    // Roving tabindex: one seat is in the tab order; arrows move it.
    let focus = RwSignal::new(0u32);
    let focused = Selector::new(move || focus.get());
    let selected = Selector::new(move || hall.selected.get());
    let grid = NodeRef::<leptos::html::Div>::new();
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let Some(next) = grid_move(focus.get_untracked(), rows, cols, &ev.key(), ev.ctrl_key())
        else {
            return;
        };
        // The arrows are the grid's: no page scroll, no "step" shortcut.
        ev.prevent_default();
        ev.stop_propagation();
        focus.set(next);
        hall.select(next);
        let cell = grid.get_untracked().and_then(|g| {
            g.query_selector(&format!("[data-seat='{next}']"))
                .ok()
                .flatten()
        });
        if let Some(el) = cell.and_then(|c| c.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    };
    let size = if cols > 30 { "small" } else { "large" };
    let cells = hall.seats.with_untracked(|s| s.cells.clone());
    let grid_rows = (0..rows)
        .map(|r| {
            let row_name = seat_label(r * cols, cols).trim_end_matches('1').to_string();
            let cells = (0..cols)
                .map(|c| {
                    let idx = r * cols + c;
                    view! {
                        <SeatCell
                            idx=idx
                            seat=cells.get(idx as usize).cloned().unwrap_or_else(free_seat)
                            label=seat_label(idx, cols)
                            focused=focused.clone()
                            selected=selected.clone()
                            focus=focus
                        />
                    }
                })
                .collect_view();
            view! {
                <div role="row" class="seat-row">
                    <span role="rowheader" class="row-name">{row_name}</span>
                    {cells}
                </div>
            }
        })
        .collect_view();
    view! {
        <div class="grid-wrap">
            <div class="stage" aria-hidden="true">{ctx.tr(Txt::Stage)}</div>
            <div
                role="grid"
                class=format!("seat-grid {size}")
                style=format!("--cols: {cols}")
                aria-label=ctx.tr(Txt::SeatGrid)
                aria-rowcount=rows
                aria-colcount=cols
                data-testid="seat-grid"
                node_ref=grid
                on:keydown=on_keydown
            >
                {grid_rows}
            </div>
        </div>
    }
}

/// One seat.
#[component]
fn SeatCell(
    idx: u32,
    seat: ArcRwSignal<SeatView>,
    label: String,
    focused: Selector<u32>,
    selected: Selector<Option<u32>>,
    focus: RwSignal<u32>,
) -> impl IntoView {
    let ctx = use_ctx();
    let hall = expect_context::<Hall>();
    let seat: Signal<SeatView> = seat.into();
    let state = move || seat.with(|s| s.state);
    let server = move || seat.with(|s| s.server);
    let l = ctx.ui.lang.get_untracked();
    let aria = move || {
        let by = server()
            .map(|s| format!(", {} server-{}", l.t(Txt::SoldBy), s + 1))
            .unwrap_or_default();
        format!("{label}: {}{by}", l.t(state_text(state())))
    };
    view! {
        <div
            role="gridcell"
            class=move || match server() {
                Some(s) => format!("{} s{}", seat_class(state()), s % 8),
                None => seat_class(state()).to_string(),
            }
            data-seat=idx
            tabindex=move || if focused.selected(&idx) { "0" } else { "-1" }
            aria-selected=move || selected.selected(&Some(idx)).to_string()
            aria-label=aria
            on:mouseenter=move |_| hall.select(idx)
            on:focus=move |_| {
                focus.set(idx);
                hall.select(idx);
            }
        >
            // Both symbols are always there, shown by the seat's class: a seat changing
            // state then only needs a repaint, never a layout of the grid.
            <span class="sym double" aria-hidden="true">"✖"</span>
            <span class="sym wrong" aria-hidden="true">"!"</span>
        </div>
    }
}

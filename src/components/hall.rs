//! The hall: a keyboard-navigable grid of seats, the legend, and the seat's story.

use crate::components::legend::Legend;
use crate::components::seat_story::SeatStoryPanel;
use crate::ctx::use_ctx;
use crate::i18n::Txt;
use crate::palette::seat_class;
use driftlab_sim::hall::seat_label;
use driftlab_sim::snapshot::{SeatState, SeatView};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A seat state's name.
pub fn state_text(s: SeatState) -> Txt {
    match s {
        SeatState::Free => Txt::StFree,
        SeatState::Held => Txt::StHeld,
        SeatState::Sold => Txt::StSold,
        SeatState::DoubleBooked => Txt::StDouble,
        SeatState::WrongWinner => Txt::StWrong,
    }
}

/// Where a key moves the focus in a `rows × cols` grid from seat `at`, if it is a
/// navigation key.
pub fn grid_move(at: u32, rows: u32, cols: u32, key: &str, ctrl: bool) -> Option<u32> {
    if rows == 0 || cols == 0 {
        return None;
    }
    let (r, c) = (at / cols, at % cols);
    let (r, c) = match key {
        "ArrowLeft" => (r, c.saturating_sub(1)),
        "ArrowRight" => (r, (c + 1).min(cols - 1)),
        "ArrowUp" => (r.saturating_sub(1), c),
        "ArrowDown" => ((r + 1).min(rows - 1), c),
        "Home" if ctrl => (0, 0),
        "End" if ctrl => (rows - 1, cols - 1),
        "Home" => (r, 0),
        "End" => (r, cols - 1),
        "PageUp" => (0, c),
        "PageDown" => (rows - 1, c),
        _ => return None,
    };
    Some(r * cols + c)
}

/// A free seat (for a cell the snapshot lacks: never, unless the hall just changed).
fn free_seat() -> ArcRwSignal<SeatView> {
    ArcRwSignal::new(SeatView {
        state: SeatState::Free,
        server: None,
    })
}

/// The hall panel.
#[component]
pub fn HallPanel() -> impl IntoView {
    let ctx = use_ctx();
    let dims = Memo::new(move |_| ctx.ui.seats.with(|s| (s.rows, s.cols)));
    let empty = move || ctx.ui.frame.with(|f| f.events == 0);
    view! {
        <section class="panel hall" aria-labelledby="hall-title" data-testid="hall">
            <header class="panel-head">
                <h2 id="hall-title">{move || ctx.t(Txt::HallTitle)}</h2>
                <Legend />
            </header>
            <p class="hint">
                {move || ctx.t(if empty() { Txt::HallEmpty } else { Txt::HallHint })}
            </p>
            <div class="hall-body">
                {move || {
                    // Rebuilt when the hall or the language changes; the cells read the
                    // language once, so that a frame's seat updates re-subscribe nothing.
                    let (rows, cols) = dims.get();
                    ctx.ui.lang.track();
                    view! { <SeatGrid rows=rows cols=cols /> }
                }}
                <SeatStoryPanel />
            </div>
        </section>
    }
}

/// The grid of seats, rebuilt when the hall's size changes.
#[component]
fn SeatGrid(rows: u32, cols: u32) -> impl IntoView {
    let ctx = use_ctx();
    // Roving tabindex: one seat is in the tab order; arrows move it.
    let focus = RwSignal::new(0u32);
    let focused = Selector::new(move || focus.get());
    let selected = Selector::new(move || ctx.ui.selected.get());
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
        ctx.select(next);
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
    let cells = ctx.ui.seats.with_untracked(|s| s.cells.clone());
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
            <div class="stage" aria-hidden="true">{move || ctx.t(Txt::Stage)}</div>
            <div
                role="grid"
                class=format!("seat-grid {size}")
                style=format!("--cols: {cols}")
                aria-label=move || ctx.t(Txt::SeatGrid)
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
            on:mouseenter=move |_| ctx.select(idx)
            on:focus=move |_| {
                focus.set(idx);
                ctx.select(idx);
            }
        >
            // Both symbols are always there, shown by the seat's class: a seat changing
            // state then only needs a repaint, never a layout of the grid.
            <span class="sym double" aria-hidden="true">"✖"</span>
            <span class="sym wrong" aria-hidden="true">"!"</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_move_within_the_grid() {
        // 3 rows × 4 seats; seat 5 is row B, seat 2.
        assert_eq!(grid_move(5, 3, 4, "ArrowLeft", false), Some(4));
        assert_eq!(grid_move(4, 3, 4, "ArrowLeft", false), Some(4));
        assert_eq!(grid_move(5, 3, 4, "ArrowRight", false), Some(6));
        assert_eq!(grid_move(7, 3, 4, "ArrowRight", false), Some(7));
        assert_eq!(grid_move(5, 3, 4, "ArrowUp", false), Some(1));
        assert_eq!(grid_move(9, 3, 4, "ArrowDown", false), Some(9));
        assert_eq!(grid_move(5, 3, 4, "Home", false), Some(4));
        assert_eq!(grid_move(5, 3, 4, "End", true), Some(11));
        assert_eq!(grid_move(5, 3, 4, "PageDown", false), Some(9));
        assert_eq!(grid_move(5, 3, 4, "a", false), None);
    }
}

//! The seat grid's legend: each state's swatch, symbol and meaning.

use super::data::state_text;
use crate::components::term::Term;
use crate::i18n::Txt;
use crate::palette::{seat_class, seat_symbol};
use driftlab_sim::snapshot::SeatState;
use leptos::prelude::*;

const STATES: [(SeatState, Txt); 5] = [
    (SeatState::Free, Txt::StFreeTip),
    (SeatState::Held, Txt::StHeldTip),
    (SeatState::Sold, Txt::StSoldTip),
    (SeatState::DoubleBooked, Txt::StDoubleTip),
    (SeatState::WrongWinner, Txt::StWrongTip),
];

/// The legend.
#[component]
pub fn Legend() -> impl IntoView {
    let items = STATES
        .iter()
        .map(|&(state, tip)| {
            view! {
                <li>
                    <span class=format!("{} swatch", seat_class(state)) aria-hidden="true">
                        {seat_symbol(state)}
                    </span>
                    <Term label=state_text(state) tip=tip />
                </li>
            }
        })
        .collect_view();
    view! { <ul class="legend" data-testid="legend">{items}</ul> }
}

//! The hall: a keyboard-navigable grid of seats, the legend, and the seat's story.
//!
//! Its feeds: the seats, every frame but at most [`SEATS_PER_FRAME`] of them while
//! playing (one signal each, see [`data::Seats`]); the story of the selected seat,
//! every frame and at once when another seat is selected.

pub mod data;
pub mod grid;
pub mod legend;
pub mod story;

use crate::ctx::{use_ctx, Feed};
use crate::feed::{Cadence, Source, Spec};
use crate::i18n::Txt;
use data::Seats;
use driftlab_sim::snapshot::SeatStory;
use grid::SeatGrid;
use legend::Legend;
use leptos::prelude::*;
use story::SeatStoryPanel;

/// While playing, update at most this many seats a frame: when the doors open, hundreds
/// change in one frame at ×1000; spreading them over a few frames keeps each smooth.
pub const SEATS_PER_FRAME: usize = 80;

/// What the hall's parts share.
#[derive(Clone, Copy)]
pub struct Hall {
    /// The seats.
    pub seats: RwSignal<Seats>,
    /// The seat whose story is shown.
    pub selected: RwSignal<Option<u32>>,
    /// That seat's story.
    pub story: Feed<Option<SeatStory>>,
}

impl Hall {
    /// Shows the story of `seat`.
    pub fn select(self, seat: u32) {
        if self.selected.get_untracked() != Some(seat) {
            self.selected.set(Some(seat));
            self.story.refresh();
        }
    }
}

/// The hall panel.
#[component]
pub fn HallPanel() -> impl IntoView {
    let ctx = use_ctx();
    let seats = RwSignal::new(Seats::default());
    let sink = ctx.sink(
        Spec::new(Cadence::EveryFrame),
        Box::new(move |src: &Source| {
            let snap = src.snapshot();
            // Seats left behind are caught up by the next frames (and a pause reads all).
            let limit = if src.playing {
                SEATS_PER_FRAME
            } else {
                usize::MAX
            };
            let (rows, cols) = (snap.rows, snap.cols);
            let updated = seats.with_untracked(|s| s.update(rows, cols, &snap.seats, limit));
            if updated.is_none() {
                seats.set(Seats::new(rows, cols, &snap.seats));
            }
        }),
    );
    ctx.refresh_one(sink);
    // Shared with the other views (Why? selects an anomaly's seat).
    let selected = ctx.ui.seat;
    let story = ctx.feed(Spec::new(Cadence::EveryFrame), move |src| {
        selected
            .get_untracked()
            .and_then(|s| src.sim().seat_story(s))
    });
    // A new run forgets the selection.
    Effect::new(move |first: Option<()>| {
        ctx.ui.run.track();
        if first.is_some() {
            selected.set(None);
            story.refresh();
        }
    });
    let hall = Hall {
        seats,
        selected,
        story,
    };
    provide_context(hall);
    let dims = Memo::new(move |_| seats.with(|s| (s.rows, s.cols)));
    let empty = move || ctx.ui.clock.with(|c| c.events == 0);
    view! {
        <section class="panel hall" aria-labelledby="hall-title" data-testid="hall">
            <header class="panel-head">
                <h2 id="hall-title">{ctx.tr(Txt::HallTitle)}</h2>
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

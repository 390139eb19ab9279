//! The story of the seat under the pointer or the focus: who asked, via which server,
//! at what true time and with what timestamp, who won, and whether that was right.

use super::data::{refusal_text, state_text};
use super::Hall;
use crate::ctx::{use_ctx, Ctx};
use crate::i18n::{Lang, Txt};
use crate::palette::{seat_class, seat_symbol, server_colour, server_name};
use driftlab_sim::snapshot::{Claim, SeatState, SeatStory};
use driftlab_sim::world::{Hold, Outcome};
use leptos::prelude::*;

/// Requests the story lists before saying "and N more".
const SHOWN: usize = 6;

/// What became of a request, in words.
fn outcome(l: Lang, c: &Claim) -> String {
    match c.outcome {
        Outcome::Confirmed if c.payment => l.t(Txt::OutPaid).into(),
        Outcome::Confirmed => l
            .t(match c.hold {
                Hold::Held => Txt::OutHeld,
                Hold::Paid => Txt::OutPaid,
                Hold::Superseded => Txt::OutSuperseded,
                Hold::Expired => Txt::OutExpired,
                Hold::None => Txt::OutConfirmed,
            })
            .into(),
        Outcome::Refused(r) => format!("{}: {}", l.t(Txt::OutRefused), l.t(refusal_text(r))),
        Outcome::Pending => l.t(Txt::OutPending).into(),
        Outcome::TimedOut => l.t(Txt::OutLost).into(),
    }
}

/// The story panel.
#[component]
pub fn SeatStoryPanel() -> impl IntoView {
    let ctx = use_ctx();
    let story = expect_context::<Hall>().story.signal();
    view! {
        <aside class="story" data-testid="seat-story">
            <h3>{ctx.tr(Txt::Story)}</h3>
            {move || match story.get() {
                None => view! { <p class="hint">{ctx.tr(Txt::StoryEmpty)}</p> }.into_any(),
                Some(story) => story_view(ctx, story).into_any(),
            }}
        </aside>
    }
}

fn story_view(ctx: Ctx, s: SeatStory) -> impl IntoView {
    let l = ctx.ui.lang.get();
    let who = |c: u32| format!("{} #{}", l.t(Txt::Customer), c);
    // The requests that decide the story: the confirmed ones and the first asker's;
    // the refusals around them are only counted.
    let mut key: Vec<&Claim> = s
        .claims
        .iter()
        .filter(|c| c.outcome == Outcome::Confirmed || Some(c.customer) == s.first)
        .take(SHOWN)
        .collect();
    if key.is_empty() {
        key = s.claims.iter().take(SHOWN).collect();
    }
    let more = s.claims.len() - key.len();
    let claims = key
        .into_iter()
        .map(|c| {
            let skewed = c.stamp != c.arrived;
            let kind = if c.payment {
                format!(" ({})", l.t(Txt::Payment))
            } else {
                String::new()
            };
            view! {
                <li style=format!("--server: {}", server_colour(c.server as usize))>
                    <div>
                        <span class="swatch small" aria-hidden="true"></span>
                        <strong>{who(c.customer)}</strong>
                        {kind}
                        " · "
                        {server_name(c.server as usize)}
                        " → "
                        <span class="outcome">{outcome(l, c)}</span>
                    </div>
                    <div class="times">
                        {l.t(Txt::ColTrue)}
                        " "
                        <span class="clock">{c.arrived.to_string()}</span>
                        " · "
                        {l.t(Txt::ColStamp)}
                        " "
                        <span class="clock" class:skewed=skewed>{c.stamp.to_string()}</span>
                    </div>
                </li>
            }
        })
        .collect_view();
    let holders = if s.holders.is_empty() {
        l.t(Txt::Nobody).to_string()
    } else {
        s.holders
            .iter()
            .map(|&h| who(h))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let verdict = match s.state {
        SeatState::WrongWinner => Some(("verdict wrong", Txt::VerdictWrong)),
        SeatState::DoubleBooked => Some(("verdict double", Txt::VerdictDouble)),
        SeatState::Held | SeatState::Sold => Some(("verdict right", Txt::VerdictRight)),
        SeatState::Free => None,
    };
    view! {
        <p class="story-title">
            <span class=format!("{} swatch", seat_class(s.state)) aria-hidden="true">
                {seat_symbol(s.state)}
            </span>
            <strong data-testid="story-seat">{s.label.clone()}</strong>
            " · "
            {l.t(state_text(s.state))}
        </p>
        {if s.claims.is_empty() {
            view! { <p class="hint">{l.t(Txt::StoryNobody)}</p> }.into_any()
        } else {
            view! {
                <ol class="claims">{claims}</ol>
                {(more > 0).then(|| view! { <p class="muted">"+ " {more} " " {l.t(Txt::MoreRequests)}</p> })}
                <dl class="story-facts">
                    <dt>{l.t(Txt::FirstAsked)}</dt>
                    <dd>{s.first.map_or_else(|| l.t(Txt::Nobody).to_string(), who)}</dd>
                    <dt>{l.t(Txt::HoldsNow)}</dt>
                    <dd>{holders}</dd>
                </dl>
            }
                .into_any()
        }}
        {verdict.map(|(class, key)| view! { <p class=class data-testid="story-verdict">{l.t(key)}</p> })}
    }
}

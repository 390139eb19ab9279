//! The hall as the grid draws it, and what its cells and stories say: plain data.

use crate::i18n::Txt;
use driftlab_sim::log::Refusal;
use driftlab_sim::snapshot::{SeatState, SeatView};
use leptos::prelude::*;

/// The hall: one signal per seat, so that a frame touches only the seats that changed
/// (one signal read by a thousand cells would make every frame re-subscribe a thousand
/// readers).
#[derive(Clone, Debug, Default)]
pub struct Seats {
    /// Rows.
    pub rows: u32,
    /// Seats per row.
    pub cols: u32,
    /// Seats, row by row.
    pub cells: Vec<ArcRwSignal<SeatView>>,
}

impl Seats {
    /// A hall of `rows × cols` seats showing `views`.
    pub fn new(rows: u32, cols: u32, views: &[SeatView]) -> Seats {
        Seats {
            rows,
            cols,
            cells: views.iter().map(|v| ArcRwSignal::new(*v)).collect(),
        }
    }

    /// Updates at most `limit` of the seats that differ from `views`, in order. `None`
    /// if the hall's size changed (nothing was updated: build new seats), else how many
    /// changed seats were left for a later frame.
    pub fn update(&self, rows: u32, cols: u32, views: &[SeatView], limit: usize) -> Option<usize> {
        if (self.rows, self.cols) != (rows, cols) || self.cells.len() != views.len() {
            return None;
        }
        let mut left = limit;
        let mut behind = 0;
        for (cell, v) in self.cells.iter().zip(views) {
            if cell.with_untracked(|old| old != v) {
                if left == 0 {
                    behind += 1;
                } else {
                    left -= 1;
                    cell.set(*v);
                }
            }
        }
        Some(behind)
    }
}

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

/// A refusal's reason.
pub fn refusal_text(r: Refusal) -> Txt {
    match r {
        Refusal::NotOpen => Txt::RNotOpen,
        Refusal::TokenNotYetValid => Txt::RTokenNbf,
        Refusal::TokenExpired => Txt::RTokenExp,
        Refusal::Taken => Txt::RTaken,
        Refusal::HoldExpired => Txt::RHoldExpired,
        Refusal::HoldLost => Txt::RHoldLost,
        Refusal::NoTimestamp => Txt::RNoTimestamp,
        Refusal::Unavailable => Txt::RUnavailable,
        Refusal::GatewayTimeout => Txt::RGatewayTimeout,
        Refusal::RateLimited => Txt::RRateLimited,
        Refusal::Unsynchronized => Txt::RUnsynchronized,
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

    fn seat(state: SeatState, server: Option<u8>) -> SeatView {
        SeatView { state, server }
    }

    #[test]
    fn seats_update_at_most_the_limit_and_count_the_rest() {
        let free = seat(SeatState::Free, None);
        let sold = seat(SeatState::Sold, Some(1));
        let hall = Seats::new(2, 3, &[free; 6]);
        // Seats 1, 2, 4 and 5 changed; two may be updated now.
        let views = [free, sold, sold, free, sold, sold];
        assert_eq!(hall.update(2, 3, &views, 2), Some(2));
        let now: Vec<SeatView> = hall.cells.iter().map(|c| c.get_untracked()).collect();
        assert_eq!(now, vec![free, sold, sold, free, free, free]);
        assert_eq!(hall.update(2, 3, &views, usize::MAX), Some(0));
        assert_eq!(hall.cells[5].get_untracked(), sold);
        assert_eq!(hall.update(3, 2, &views, 9), None, "another shape");
    }
}

//! Colours: one per server (Okabe–Ito, safe for colour-blind students) and one per
//! seat state and anomaly, each anomaly also carrying a symbol.

use driftlab_sim::snapshot::SeatState;

/// The Okabe–Ito palette, ordered so that the yellow (hard to see on white) and the
/// black come last: the presets' five servers never use them.
pub const SERVER_COLOURS: [&str; 8] = [
    "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000",
];

/// Server `i`'s colour as CSS.
pub fn server_colour(i: usize) -> &'static str {
    SERVER_COLOURS[i % SERVER_COLOURS.len()]
}

/// Server `i`'s colour as RGB, for the charts.
pub fn server_rgb(i: usize) -> (u8, u8, u8) {
    hex_rgb(server_colour(i))
}

/// Server `i`'s name, as the core's reports spell it: `server-1` is index 0.
pub fn server_name(i: usize) -> String {
    format!("server-{}", i + 1)
}

/// Wrong winners: magenta, symbol `!`.
pub const WRONG_WINNER: &str = "#C51B7D";
/// Double bookings: near black, symbol `✖`.
pub const DOUBLE_BOOKING: &str = "#1A1A1A";
/// Order inversions: grey, symbol `⇅`.
pub const INVERSION: &str = "#6B6B6B";

/// The symbol a seat in `state` shows (anomalies only).
pub fn seat_symbol(state: SeatState) -> &'static str {
    match state {
        SeatState::DoubleBooked => "✖",
        SeatState::WrongWinner => "!",
        _ => "",
    }
}

/// The CSS class of a seat in `state`.
pub fn seat_class(state: SeatState) -> &'static str {
    match state {
        SeatState::Free => "seat free",
        SeatState::Held => "seat held",
        SeatState::Sold => "seat sold",
        SeatState::DoubleBooked => "seat double",
        SeatState::WrongWinner => "seat wrong",
    }
}

/// `#RRGGBB` as RGB.
pub fn hex_rgb(hex: &str) -> (u8, u8, u8) {
    let h = hex.trim_start_matches('#');
    let c = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).unwrap_or(0);
    (c(0), c(2), c(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours() {
        assert_eq!(server_rgb(0), (0xE6, 0x9F, 0x00));
        assert_eq!(server_colour(8), server_colour(0));
        assert_eq!(server_name(1), "server-2");
        assert_eq!(hex_rgb(WRONG_WINNER), (0xC5, 0x1B, 0x7D));
    }
}

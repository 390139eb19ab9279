//! Virtual time: integer nanoseconds, for true time and for local clock readings.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// Nanoseconds in one millisecond.
pub const MS: i64 = 1_000_000;
/// Nanoseconds in one second.
pub const SEC: i64 = 1_000_000_000;

/// An instant, in nanoseconds since midnight of the sale day.
///
/// True time (the simulator's) and local clock readings (a node's) share this type:
/// the gap between the two is what Driftlab is about. Using time of day rather than
/// "seconds since start" lets every panel print `10:00:07.214`.
///
/// # Examples
/// ```
/// use driftlab_sim::Time;
/// let t = Time::from_hms(10, 0, 7) + driftlab_sim::time::MS * 214;
/// assert_eq!(t.to_string(), "10:00:07.214");
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Time(pub i64);

impl Time {
    /// Midnight.
    pub const ZERO: Time = Time(0);

    /// The instant `h:m:s` of the sale day.
    pub const fn from_hms(h: i64, m: i64, s: i64) -> Time {
        Time(((h * 60 + m) * 60 + s) * SEC)
    }

    /// An instant from (possibly fractional) seconds since midnight, rounded to the nanosecond.
    pub fn from_secs_f64(s: f64) -> Time {
        Time(secs_to_nanos(s))
    }

    /// Seconds since midnight, as a float (for charts and reports).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / SEC as f64
    }

    /// Nanoseconds since midnight.
    pub const fn nanos(self) -> i64 {
        self.0
    }
}

/// Converts seconds to nanoseconds, rounding to nearest.
pub fn secs_to_nanos(s: f64) -> i64 {
    libm::round(s * SEC as f64) as i64
}

/// Converts milliseconds to nanoseconds, rounding to nearest.
pub fn ms_to_nanos(ms: f64) -> i64 {
    libm::round(ms * MS as f64) as i64
}

/// Converts nanoseconds to milliseconds.
pub fn nanos_to_ms(ns: i64) -> f64 {
    ns as f64 / MS as f64
}

impl Add<i64> for Time {
    type Output = Time;
    fn add(self, ns: i64) -> Time {
        Time(self.0 + ns)
    }
}

impl AddAssign<i64> for Time {
    fn add_assign(&mut self, ns: i64) {
        self.0 += ns;
    }
}

impl Sub for Time {
    type Output = i64;
    fn sub(self, other: Time) -> i64 {
        self.0 - other.0
    }
}

impl Sub<i64> for Time {
    type Output = Time;
    fn sub(self, ns: i64) -> Time {
        Time(self.0 - ns)
    }
}

impl fmt::Display for Time {
    /// `HH:MM:SS.mmm`, wrapping at midnight; negative instants print as the previous day.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = 86_400 * SEC;
        let ms = self.0.rem_euclid(day) / MS;
        let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
        write!(f, "{h:02}:{m:02}:{s:02}.{milli:03}")
    }
}

/// Formats a signed duration in nanoseconds as seconds with a sign, e.g. `−30.000 s`.
pub fn fmt_offset(ns: i64) -> String {
    let sign = if ns < 0 { "−" } else { "+" };
    format!("{sign}{:.3} s", (ns as f64 / SEC as f64).abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_wraps_and_pads() {
        assert_eq!(Time::from_hms(9, 59, 0).to_string(), "09:59:00.000");
        assert_eq!((Time::from_hms(0, 0, 0) - MS).to_string(), "23:59:59.999");
        assert_eq!(
            (Time::from_hms(10, 0, 0) + 7 * SEC + 214 * MS).to_string(),
            "10:00:07.214"
        );
    }

    #[test]
    fn conversions_round() {
        assert_eq!(secs_to_nanos(1.5), 1_500_000_000);
        assert_eq!(ms_to_nanos(-0.0000004), 0);
        assert_eq!(fmt_offset(-30 * SEC), "−30.000 s");
        assert_eq!(fmt_offset(15 * SEC + 500 * MS), "+15.500 s");
    }
}

#![forbid(unsafe_code)]
#![warn(missing_docs)]
//! Driftlab's simulation core.
pub mod clock;
pub mod rng;
pub mod time;
pub use time::Time;

//! NTP (RFC 5905) as pure, event-driven state machines: how a drifting clock is repaired.
//!
//! # The pipeline, one stage per file
//!
//! A client polls a few servers. Each answer goes through five stages before the clock
//! is touched; each stage throws information away on purpose:
//!
//! 1. **On-wire exchange** ([`packet`]). Four timestamps, `t1` (client sends, client
//!    clock), `t2` (server receives), `t3` (server replies), `t4` (client receives),
//!    give the offset `θ = ((t2 − t1) + (t3 − t4)) / 2` and the round-trip delay
//!    `δ = (t4 − t1) − (t3 − t2)`. The true offset lies within `θ ± δ/2`: an asymmetric
//!    path biases `θ` by half the difference of the two one-way delays, invisibly.
//! 2. **Clock filter** ([`filter`], one per source). The last 8 samples; the one with the
//!    least delay `δ` is trusted (RFC 5905 §10; beyond 2048 s of age, `δ + ε`), the
//!    spread of the others around it is the source's *jitter*, and a pick that jumps
//!    more than 3 jitters within two polls is a popcorn spike, ignored.
//! 3. **Selection** ([`select`]). Each source claims "the time is within
//!    `θ ± λ`", `λ` its root distance. Marzullo's algorithm finds the largest group of
//!    claims that share a common instant; if that group is a majority, its members are
//!    *truechimers* and the others *falsetickers*. No majority: the clock free-runs.
//! 4. **Cluster and combine** ([`select`]). Outliers are dropped while more than 3
//!    survive; the survivors' offsets are averaged, weighted by `1/λ`.
//! 5. **Discipline** ([`discipline`]: ntpd's loop; [`chrony`]: a chrony-style one).
//!    ntpd: above 128 ms the clock is stepped, below the offset is amortised over the
//!    loop's time constant (16 × 2^poll s) while a hybrid PLL/FLL learns the frequency;
//!    above 1000 s the client panics and refuses. chrony-style: a regression over the
//!    recent updates gives offset and frequency, the offset is slewed away over three
//!    update intervals, and `makestep` steps the first updates above 1 s.
//!
//! Around them, [`peer`] keeps one association per source (reach register, poll
//! timer, iburst, Kiss-o'-Death back-off, unreachability), [`ledger`] remembers the
//! corrections already ordered, [`client`] ties the pipeline together and mobilises
//! fallback sources, [`server`] answers requests, and [`monitor`] and [`alert`] turn a
//! client's state into the figures and alerts a dashboard shows.
//!
//! # Driving a client from an event loop
//!
//! Nothing here reads a clock or sends a packet: handlers take the *local* time (what
//! the node's own clock reads) and return [`Command`]s for the simulator to carry out,
//! in order:
//!
//! | command | the simulator does |
//! |---|---|
//! | `Send { to, request }` | carries `request` to server `to`; the server answers with [`ServerState::on_request`] (its own clock's `t2`, `t3`); the reply travels back and the client gets [`Client::on_reply`] with its clock's `t4` |
//! | `WakeAt(t)` | (re)arms the node's single NTP timer for when its clock reads `t`, then calls [`Client::on_timer`] |
//! | `Step { delta_ns }` | [`Clock::step`](crate::clock::Clock::step) |
//! | `Slew { amount_ns, rate_ppm }` | [`Clock::slew_at_rate`](crate::clock::Clock::slew_at_rate) |
//! | `SetFrequency { ppm }` | [`Clock::set_correction_ppm`](crate::clock::Clock::set_correction_ppm) |
//! | `Panic`, `Alert` | the event log and the dashboard |
//!
//! **Timers.** A client needs one timer: the latest `WakeAt` replaces the earlier ones.
//! Turn its local time into true time with the node's clock (`now + (t − read(now))`);
//! the clock's skew or a slew makes it fire slightly early or late, which is harmless:
//! `on_timer` polls whatever is due and asks to be woken again. Call `on_timer` once at
//! start. Servers need no timer.
//!
//! **Hierarchy.** A stratum-1 server is a [`ServerState`] answering with
//! [`SystemVars::primary`]. A stratum-2 server is a [`Client`] of the stratum-1 servers
//! plus a `ServerState` answering with [`Client::system_vars`]. A reservation server is
//! a `Client` of stratum-2 servers (so stratum 3). Read [`Client::status`] for the
//! dashboard and feed it to [`alerts`].
//!
//! A minimal exchange:
//!
//! ```
//! use driftlab_sim::ntp::{Client, ClientConfig, Command, ServerState, SystemVars};
//! use driftlab_sim::{time::MS, Time};
//!
//! let cfg = ClientConfig { sources: vec![0], ..Default::default() };
//! let start = Time::from_hms(9, 0, 0);
//! let mut client = Client::new(&cfg, start).unwrap();
//! let mut server = ServerState::default();
//! let mut sent = 0;
//! // At start, and whenever a `WakeAt(t)` falls due, call `on_timer`.
//! for cmd in client.on_timer(start) {
//!     if let Command::Send { to, request } = cmd {
//!         // The network carries the request; the server stamps t2 and t3 with its clock.
//!         let t2 = request.t1 + 5 * MS;
//!         let reply = server.on_request(1, &request, t2, t2, &SystemVars::primary()).unwrap();
//!         // Back at the client, `on_reply` gets t4 from the client's clock.
//!         let _more = client.on_reply(to, &reply, t2 + 5 * MS);
//!         sent += 1;
//!     }
//! }
//! assert_eq!(sent, 1); // iburst: the other 7 burst packets follow 2 s apart
//! ```

use crate::time::{Time, MS, SEC};
use serde::Serialize;

pub mod alert;
pub mod auth;
pub mod chrony;
pub mod chronyc;
pub mod client;
pub mod config;
pub mod discipline;
pub mod filter;
pub mod ledger;
pub mod monitor;
pub mod ntpq;
pub mod packet;
pub mod peer;
pub mod select;
pub mod server;
pub mod stages;

#[cfg(test)]
mod closed_loop;

pub use client::Client;
pub use config::{ClientConfig, ClientMode, DisciplineKind, NtpConfigError};
pub use monitor::{alerts, Alert, ClientStatus, SourceRow, SourceState, SourceStatus, SyncState};
pub use packet::{on_wire, Kiss, Leap, OnWire, RefId, Reply, Request};
pub use server::{RateLimit, Restrict, ServerConfig, ServerState, SystemVars};

/// Which server a source is: the simulator's index for that NTP server node.
pub type SourceId = usize;

/// Frequency tolerance PHI: every error bound grows by 15 µs per second (15 ppm).
pub const PHI_PPM: i64 = 15;
/// The largest dispersion, 16 s: an empty or missing filter stage counts as this.
pub const MAXDISP: i64 = 16 * SEC;
/// Floor on the delay part of a root distance (ntpd's 1 ms; the RFC skeleton uses 10 ms).
pub const MINDISP: i64 = MS;
/// A source whose root distance exceeds 1.5 s (plus PHI × poll interval) is not
/// considered for selection (ntpd's value; the RFC skeleton uses 1 s).
pub const MAXDIST: i64 = 1500 * MS;
/// Stratum 16 means "unsynchronised".
pub const MAXSTRAT: u8 = 16;
/// Precision of every clock in the model, 1 µs (about 2⁻²⁰ s): the floor of a jitter.
pub const PRECISION: i64 = 1_000;
/// Default minimum poll exponent: 2⁶ = 64 s.
pub const MINPOLL: i8 = 6;
/// Default maximum poll exponent: 2¹⁰ = 1024 s.
pub const MAXPOLL: i8 = 10;
/// The smallest poll exponent a configuration may ask for (16 s).
pub const POLL_FLOOR: i8 = 4;
/// The largest poll exponent a configuration may ask for (36.4 h).
pub const POLL_CEILING: i8 = 17;

/// `PHI × ns`: how much an error bound grows in `ns` nanoseconds (15 ppm), truncated.
pub fn phi(ns: i64) -> i64 {
    (ns as i128 * PHI_PPM as i128 / 1_000_000) as i64
}

/// `2^poll` seconds, in nanoseconds.
pub fn poll_interval(poll: i8) -> i64 {
    (1i64 << poll.clamp(0, 40)) * SEC
}

/// What a client asks its simulator to do. Apply a batch **in order**: times in a
/// `WakeAt` are local times *after* any `Step` earlier in the same batch.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Command {
    /// Send `request` to source `to` now (`request.t1` is the current local time).
    Send {
        /// The server to ask.
        to: SourceId,
        /// The request to carry.
        request: Request,
    },
    /// Call [`Client::on_timer`] when the local clock reads this time. Replaces any
    /// earlier `WakeAt`; waking early or late is harmless.
    WakeAt(Time),
    /// Jump the clock: [`crate::clock::Clock::step`]`(t, delta_ns)`.
    Step {
        /// Nanoseconds to add to the clock (negative: backwards).
        delta_ns: i64,
    },
    /// Slew the clock: [`crate::clock::Clock::slew_at_rate`]`(t, amount_ns, rate_ppm)`
    /// (500 ppm at most, replacing any slew in progress, as `adjtime` does).
    Slew {
        /// Nanoseconds to add to the clock, gradually.
        amount_ns: i64,
        /// How fast, ppm (capped at 500).
        rate_ppm: f64,
    },
    /// Set the frequency correction: [`crate::clock::Clock::set_correction_ppm`].
    SetFrequency {
        /// The correction in ppm (negative slows the clock down).
        ppm: f64,
    },
    /// The measured offset exceeds the panic threshold (1000 s): the client refuses
    /// to touch the clock. An operator must set it by hand.
    Panic {
        /// The refused offset.
        offset_ns: i64,
    },
    /// Something a dashboard should show (a falseticker, an unreachable source...).
    Alert(Alert),
}

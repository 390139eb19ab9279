//! A host: one machine, with one clock and one random stream.

use crate::clock::Clock;
use crate::rng::Rng;
use crate::time::Time;

/// A host's id: its index in the kernel's host list.
pub type HostId = u16;

/// A machine: its clock (disciplined by its NTP client, if it runs one), its random
/// stream, and its CPU's queue of work.
#[derive(Clone, Debug)]
pub struct Host {
    /// Its name, e.g. `server-2`.
    pub name: String,
    /// Its clock.
    pub clock: Clock,
    /// Its random stream.
    pub rng: Rng,
    /// When its CPU is done with the work queued so far (true time: the CPU is physics).
    pub busy_until: Time,
    /// The bound on its clock's error that its NTP daemon last stated, as Linux's
    /// `adjtimex` keeps `maxerror`: (the root distance in ns, the local time it was
    /// stated). `None` while NTP is off or unsynchronised.
    pub max_error: Option<(i64, Time)>,
    /// The machine whose cores its worker threads run on (`Kernel::machines`), when
    /// instances have worker threads; `None` otherwise.
    pub machine: Option<u16>,
}

impl Host {
    /// A host named `name` with `clock` and `rng`, idle.
    pub fn new(name: impl Into<String>, clock: Clock, rng: Rng) -> Host {
        Host {
            name: name.into(),
            busy_until: Time(i64::MIN / 2),
            max_error: None,
            machine: None,
            clock,
            rng,
        }
    }
}

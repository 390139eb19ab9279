//! The gateway's messages.

use crate::obs::Decision;
use crate::world::ReqId;

/// The gateway's messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// A customer's request, to forward to an instance. (No more than the request:
    /// the gateway's messages stay as small as the others, so `Msg` does not grow.)
    Request(super::server::Request),
    /// An instance's answer, to relay to the customer.
    Reply {
        /// The request answered.
        req: ReqId,
        /// The answer.
        decision: Decision,
    },
    /// The instance refused the connection (it has crashed): try another.
    ConnRefused {
        /// The request.
        req: ReqId,
    },
    /// An instance answered health check `seq`.
    ProbeOk {
        /// The check's number.
        seq: u32,
    },
    /// A health check's connection was refused.
    ProbeRefused {
        /// The check's number.
        seq: u32,
    },
    /// Timer: stop waiting for the instance's answer to `req`.
    Timeout {
        /// The request.
        req: ReqId,
    },
    /// Timer: time for the next round of health checks.
    CheckTick,
    /// Timer: health check `seq` is over; instances that have not answered failed it.
    CheckDeadline {
        /// The check's number.
        seq: u32,
    },
    /// The teacher changes the balancing algorithm.
    SetAlgorithm(crate::gateway::config::Algorithm),
    /// The teacher switches the health checks on or off.
    SetChecks {
        /// Active checks (probes).
        active: bool,
        /// Passive checks (failed requests).
        passive: bool,
    },
    /// Timer: the passive checks' window is over for `server`: it is tried again.
    Readmit {
        /// The instance (0-based).
        server: u8,
    },
}

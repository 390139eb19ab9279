//! The gateway's messages.

use crate::obs::Decision;
use crate::world::ReqId;

/// The gateway's messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// A customer's request, to forward to an instance.
    Request {
        /// The request.
        rq: super::server::Request,
        /// A scripted customer's instance (they always use that one).
        pinned: Option<u8>,
    },
    /// An instance's answer, to relay to the customer.
    Reply {
        /// The request answered.
        req: ReqId,
        /// The answer.
        decision: Decision,
    },
}

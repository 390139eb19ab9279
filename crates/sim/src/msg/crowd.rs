//! The crowd's messages.

use crate::obs::Decision;
use crate::world::{CustomerId, ReqId};

/// The crowd's messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// Timer: customer arrives (loads the page).
    Arrive(CustomerId),
    /// Timer: customer clicks their seat.
    Click(CustomerId),
    /// Timer: customer pays for the seat their claim holds.
    Pay(CustomerId, ReqId),
    /// Timer: the earliest deadline still armed has come (customers stop waiting for
    /// answers overdue by then).
    Deadline,
    /// A server's answer.
    Response {
        /// The request answered.
        req: ReqId,
        /// The answer.
        decision: Decision,
    },
    /// Timer: the bot sends its next claim.
    BotTick,
    /// Timer: a closed-loop user sends their next claim.
    UserTick(CustomerId),
    /// The change feed: an item for a customer's seat map.
    Feed(crate::msg::feed::Item),
    /// Timer: a customer's map polls the feed (short polling).
    FeedPoll(CustomerId),
    /// Timer: a customer's browser reconnects to the feed.
    FeedRetry(CustomerId),
    /// A live switch of the change feed's transport: every map on the page follows.
    FeedTransport(crate::feed::config::Transport),
}

//! Observations: what nodes saw and did, in their own words and with their own clocks.
//!
//! A node records an [`Obs`] with [`crate::kernel::Cx::observe`]; the kernel stamps it
//! with the true instant and the node's local clock and hands it to the checkers
//! ([`crate::truth`]). Nodes never read true time: everything the measures of
//! docs/MODEL.md §7 need that a node cannot know (who was really first, whether a
//! clock was wrong) is worked out by the checkers from these records.

use crate::hall::SeatId;
use crate::log::Refusal;
use crate::time::Time;
use crate::world::{CustomerId, Order, ReqId, ReqKind};
use serde::Serialize;

/// How a request was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "decision", content = "reason", rename_all = "snake_case")]
pub enum Decision {
    /// Seat held (a claim) or sold (a payment).
    Confirmed,
    /// Refused, and why.
    Refused(Refusal),
}

/// The server of a request sent to the gateway, until the gateway routes it.
pub const NOT_ROUTED: u8 = u8::MAX;

/// One observation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "obs", rename_all = "snake_case")]
pub enum Obs {
    /// A customer loaded the page: a session token was issued (by an exact clock).
    Login {
        /// Who.
        customer: CustomerId,
    },
    /// A customer sent a request: straight to `server`, or to the gateway (then
    /// `server` is [`NOT_ROUTED`] until the gateway's [`Obs::Routed`]).
    Sent {
        /// The request's id.
        req: ReqId,
        /// Who sent it.
        customer: CustomerId,
        /// The seat it concerns.
        seat: SeatId,
        /// Claim or payment.
        kind: ReqKind,
        /// The server it goes to (0-based), or [`NOT_ROUTED`].
        server: u8,
    },
    /// The gateway forwarded a request to `server`.
    Routed {
        /// The request.
        req: ReqId,
        /// The instance it goes to (0-based).
        server: u8,
    },
    /// The request was refused before any server decided it: connection refused by a
    /// crashed instance, no instance up, or the gateway stopped waiting.
    Rejected {
        /// The request.
        req: ReqId,
        /// Why (`unavailable` or `gateway_timeout`).
        refusal: Refusal,
    },
    /// A request failed on instance `server`: the connection was refused (crashed), or
    /// no answer came before the gateway's timeout (hung).
    Failed {
        /// The request.
        req: ReqId,
        /// The instance (0-based).
        server: u8,
    },
    /// The gateway marked an instance down (`up`: false) or up again, by its health
    /// checks.
    Marked {
        /// The instance (0-based).
        server: u8,
        /// Up or down.
        up: bool,
    },
    /// A customer got the answer to a request.
    Answered {
        /// The request.
        req: ReqId,
    },
    /// A customer stopped waiting for an answer.
    GaveUp {
        /// The request.
        req: ReqId,
    },
    /// A server received a request and stamped it with its clock (the observation's
    /// local time).
    Received {
        /// The request.
        req: ReqId,
    },
    /// A server decided a request and told the customer (the line it writes in its log).
    Decided {
        /// The request.
        req: ReqId,
        /// The decision.
        decision: Decision,
    },
    /// A request was given its place in the order that settles contended seats
    /// (`lamport`, `hlc`, `commit-wait` by the server; `tso` by the oracle).
    Ordered {
        /// The request.
        req: ReqId,
        /// Its order.
        order: Order,
    },
    /// A claim found its seat held by someone else (it may still have been first).
    FoundTaken {
        /// The claim.
        req: ReqId,
    },
    /// A hold was granted to a claim (in a replica or the database).
    HoldGranted {
        /// The claim.
        req: ReqId,
    },
    /// Someone judged whether `claim`'s hold had expired (by the clock reading of the
    /// server handling request `judge`).
    ExpiryJudged {
        /// The hold's claim.
        claim: ReqId,
        /// The request being handled.
        judge: ReqId,
        /// The verdict.
        expired: bool,
    },
    /// A hold was released as expired; `by` is the server that writes it in its log,
    /// `stamp` the clock reading it uses.
    Released {
        /// The hold's claim.
        claim: ReqId,
        /// The server that judged it (0-based).
        by: u8,
        /// The judging clock's reading.
        stamp: Time,
    },
    /// A confirmed hold was taken back (a merge of replicas, an audit). `handed_over`:
    /// the seat passed straight to another claim.
    Revoked {
        /// The hold's claim.
        claim: ReqId,
        /// The server that tells the customer (0-based).
        by: u8,
        /// The clock reading of the line.
        stamp: Time,
        /// Whether the seat went straight to another claim.
        handed_over: bool,
    },
    /// A hold was paid: the seat is sold to its customer.
    Paid {
        /// The hold's claim.
        claim: ReqId,
        /// The payment request.
        pay: ReqId,
    },
    /// An NTP client sent a request with transmit timestamp `t1` to source `source`.
    NtpSent {
        /// Index of the time server.
        source: u8,
        /// `t1`, by the client's clock.
        t1: Time,
    },
    /// A time server answered a request; `truth_error_ns` is how far its timestamps
    /// are from its own clock on purpose (a falseticker's lie, which it knows).
    NtpServed {
        /// The time server (index in `ntp.servers`).
        source: u8,
        /// The client's host.
        client: u16,
        /// The request's `t1`.
        t1: Time,
        /// The lie added to `t2` and `t3`, ns.
        lie_ns: i64,
    },
    /// An NTP client got a reply: the four timestamps of one exchange. `t4` is the
    /// observation's own clock reading, and `t3` is `t2 + served_ns`, so an observation
    /// stays 24 bytes (every run keeps thousands). A reply whose `t3 − t2` is negative
    /// or over 4.29 s (no server of the model sends one) is not observed.
    NtpExchange {
        /// The time server.
        source: u8,
        /// `t3 − t2`: how long the server took by its own clock, ns.
        served_ns: u32,
        /// `t1`: when the client sent the request, by its clock.
        t1: Time,
        /// `t2`: when the server received it, by the server's clock.
        t2: Time,
    },
    /// A discipline stepped its clock by this many nanoseconds.
    Stepped {
        /// The step.
        delta_ns: i64,
    },
    /// An NTP client refused an offset beyond the panic threshold.
    Panic {
        /// The refused offset.
        offset_ns: i64,
    },
    /// An NTP client raised an alert.
    Alert(crate::ntp::Alert),
    /// NTP was switched on or off on this host.
    Switched {
        /// On or off.
        on: bool,
    },
    /// With idempotency keys: claim `req` carried the key of claim `claim`, already
    /// held (a retry after a lost reply): it gets that hold instead of a new one.
    Deduplicated {
        /// The retry.
        req: ReqId,
        /// The claim whose hold it gets.
        claim: ReqId,
    },
    /// The data path's primary committed claim `req`'s hold at log position `lsn`.
    Committed {
        /// The claim.
        req: ReqId,
        /// Its position in this node's log.
        lsn: u32,
    },
    /// This database node became the primary, with `applied` entries of node `old`'s
    /// log (those after are lost).
    Promoted {
        /// The primary it replaced (its index among the database nodes).
        old: u8,
        /// How many of its log's entries this node had.
        applied: u32,
    },
    /// This database node stopped being the primary (its lease over or taken).
    Demoted {
        /// Its log's length.
        lsn: u32,
    },
    /// This database node crashed.
    DataCrashed {
        /// Whether it was the primary.
        primary: bool,
    },
    /// A database node answered a read of `seat` from its rows.
    DataRead {
        /// The request.
        req: ReqId,
        /// The seat.
        seat: SeatId,
        /// Whether its rows hold the seat.
        held: bool,
    },
    /// The replica the customers' seat maps come from applied a change of `seat`.
    MapApplied {
        /// The seat.
        seat: SeatId,
        /// Whether it is held now.
        held: bool,
    },
    /// The change feed's capture read the change at log position `lsn` (its clock is
    /// the database's: the commit's timestamp).
    FeedCaptured {
        /// Its log position.
        lsn: u32,
    },
    /// The notification service published the change at `lsn` and reported its lag:
    /// its own clock minus the commit's timestamp.
    FeedPublished {
        /// The change's log position.
        lsn: u32,
        /// The lag it reports, ns (two clocks).
        reported_ns: i64,
    },
    /// A customer's map received the change at `lsn`.
    FeedApplied {
        /// The customer.
        customer: CustomerId,
        /// The change's log position.
        lsn: u32,
        /// Already applied: dropped as a duplicate.
        dup: bool,
    },
    /// At their click a customer's map showed their seat taken: they chose another
    /// instead of sending a request bound to fail.
    FeedAvoided {
        /// The customer.
        customer: CustomerId,
    },
    /// The notification service's listener dropped or came back.
    FeedListener {
        /// Back (true) or dropped.
        up: bool,
    },
    /// A database node took a cache reader's query, with `queued` others waiting.
    DbQueried {
        /// Queries waiting their turn when it arrived.
        queued: u32,
    },
    /// A cache reader got its page of `seat`.
    Page {
        /// The seat.
        seat: SeatId,
        /// Whether the page shows it held.
        held: bool,
        /// Where the answer came from.
        source: PageSource,
        /// How long the reader waited, by its clock, ns.
        latency_ns: i64,
    },
    /// The cache went down (its memory lost) or came back.
    CacheDown {
        /// Down or back.
        down: bool,
    },
}

/// Where a cache reader's page came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageSource {
    /// The cache had the key.
    Hit,
    /// The cache had it once another reader's fill arrived (single-flight).
    Waited,
    /// A miss: the database answered, and the reader filled the key.
    Miss,
    /// The cache was down: the database answered.
    Bypass,
    /// The database failed the query (it waited too long): an error page.
    Error,
}

impl PageSource {
    /// Whether the cache answered (a hit, or after waiting for a fill).
    pub fn from_cache(self) -> bool {
        matches!(self, PageSource::Hit | PageSource::Waited)
    }
}

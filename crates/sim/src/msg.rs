//! The protocol: the one list of layers, and every layer's messages.
//!
//! [`for_each_layer!`] holds **the** list: one line per layer (its name, whether its
//! traffic is background activity, its node type and its message type). From it this
//! module generates [`Layer`] (which the app's diagram and the docs read) and [`Msg`]
//! (any node's message, with static dispatch: no boxed event per message), and
//! [`crate::layers`] generates the registry of nodes. Each layer's messages sit in a
//! child of this module, so nodes can send to each other without importing each
//! other.

pub mod cache;
pub mod crowd;
pub mod data;
pub mod database;
pub mod feed;
pub mod gateway;
pub mod ntp_client;
pub mod server;
pub mod time_server;
pub mod tso;

use serde::Serialize;

/// Calls `$callback!` with the list of layers. Adding a layer is one line here (its
/// node type is resolved where the callback expands: in [`crate::layers`]).
macro_rules! for_each_layer {
    ($callback:ident) => {
        $callback! {
            /// The customers: a flash crowd and a trickle, each with a browser and a seat map.
            Crowd, crowd, "crowd", background: false, node: crowd::Crowd, msg: crowd::Msg;
            /// The reservation servers, each stamping requests with its own clock.
            Server, servers, "servers", background: false, node: server::Server, msg: server::Msg;
            /// The database behind the servers (`no-lock`, `unique`).
            Database, database, "database", background: false, node: database::Database, msg: database::Msg;
            /// The time servers of the NTP hierarchy (stratum 1 and 2).
            TimeServer, time_servers, "time_servers", background: true, node: time_server::TimeServer, msg: time_server::Msg;
            /// The NTP client of each reservation server (idle while NTP is off).
            NtpClient, ntp_clients, "ntp_clients", background: true, node: ntp_client::NtpClient, msg: ntp_client::Msg;
            /// The timestamp oracle (`tso` only): strictly increasing timestamps on request.
            Tso, tso, "tso", background: false, node: tso::Oracle, msg: tso::Msg;
            /// The gateway in front of the servers, balancing their load (off by default).
            Gateway, gateways, "gateway", background: false, node: gateway::Gateway, msg: gateway::Msg;
            /// The data path's database nodes: a primary and its replicas (off by default).
            Data, data, "data", background: false, node: data::DbNode, msg: data::Msg;
            /// Each server's proxy to the database nodes, with its health checks (data path).
            DataProxy, data_proxies, "data_proxies", background: false, node: data::Proxy, msg: data::ProxyMsg;
            /// The operator or the consensus store that promotes a replica (data path).
            DataControl, data_control, "data_control", background: false, node: data::Control, msg: data::ControlMsg;
            /// The change feed's capture, reading the database's log (off by default).
            FeedCapture, feed_capture, "feed_capture", background: false, node: feed::Capture, msg: feed::CaptureMsg;
            /// The notification service pushing changes to the customers' seat maps (off by default).
            Feed, feed, "feed", background: false, node: feed::Service, msg: feed::Msg;
            /// A cache-aside cache in front of the browsing customers' seat reads (off by default).
            Cache, caches, "cache", background: false, node: cache::Cache, msg: cache::Msg;
            /// The browsing customers whose pages read through the cache (with the cache).
            CacheReaders, cache_readers, "cache_readers", background: false, node: cache::Readers, msg: cache::ReadersMsg;
            /// The NTP client of each database node of the data path (idle while NTP is off).
            DataNtp, data_ntp, "data_ntp", background: true, node: ntp_client::db::DbNtpClient, msg: ntp_client::DbMsg;
        }
    };
}
pub(crate) use for_each_layer;

macro_rules! define_protocol {
    ($( $(#[$doc:meta])* $variant:ident, $field:ident, $name:literal, background: $bg:literal, node: $node:path, msg: $msg:ty; )*) => {
        /// A layer of the architecture: one kind of node.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Layer {
            $( $(#[$doc])* $variant, )*
        }

        impl Layer {
            /// Every layer, in the order the architecture lists them.
            pub const ALL: &'static [Layer] = &[$(Layer::$variant),*];
            /// How many layers there are.
            pub const COUNT: usize = Layer::ALL.len();

            /// The layer's name in configs, reports and URLs.
            pub fn name(self) -> &'static str {
                match self { $(Layer::$variant => $name,)* }
            }

            /// Whether the layer's traffic is background activity, which does not keep
            /// a run alive (the run ends when only background events remain).
            pub fn background(self) -> bool {
                match self { $(Layer::$variant => $bg,)* }
            }
        }

        /// A message to a node of any layer.
        #[derive(Clone, Debug, PartialEq, Hash)]
        pub enum Msg {
            $( $(#[$doc])* $variant($msg), )*
        }

        impl Msg {
            /// The layer of the node this message is for.
            pub fn layer(&self) -> Layer {
                match self { $(Msg::$variant(_) => Layer::$variant,)* }
            }
        }

        $(
            impl From<$msg> for Msg {
                fn from(m: $msg) -> Msg {
                    Msg::$variant(m)
                }
            }
        )*
    };
}

for_each_layer!(define_protocol);

/// A node's address: its layer and its index in that layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Addr {
    /// The layer.
    pub layer: Layer,
    /// Its index among the layer's nodes (for NTP clients: the server's index).
    pub index: u16,
}

impl Addr {
    /// The node `index` of `layer`.
    pub const fn new(layer: Layer, index: u16) -> Addr {
        Addr { layer, index }
    }
}

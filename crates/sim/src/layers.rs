//! The one list of layers: every kind of node the simulation knows.
//!
//! Adding a layer is a module with its node (a type implementing
//! [`Node`](crate::kernel::Node)), its config and view, plus **one line here**. The macro
//! generates from this list the [`Layer`] enum (which the app's diagram and the docs
//! read), the [`Msg`] enum that carries any node's messages with static dispatch (no
//! boxed event per message), and [`Nodes`], every node of a run by layer.

use crate::kernel::{Addr, Cx, Node};
use serde::Serialize;

macro_rules! layers {
    ($( $(#[$doc:meta])* $variant:ident, $field:ident, $name:literal, background: $bg:literal => $node:ty; )*) => {
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
            $( $(#[$doc])* $variant(<$node as Node>::Msg), )*
        }

        impl Msg {
            /// The layer of the node this message is for.
            pub fn layer(&self) -> Layer {
                match self { $(Msg::$variant(_) => Layer::$variant,)* }
            }
        }

        $(
            impl From<<$node as Node>::Msg> for Msg {
                fn from(m: <$node as Node>::Msg) -> Msg {
                    Msg::$variant(m)
                }
            }
        )*

        /// Every node of a run, by layer, each indexed by its address's `index`.
        #[derive(Clone, Debug, Default)]
        pub struct Nodes {
            $( $(#[$doc])* pub $field: Vec<$node>, )*
        }

        impl Nodes {
            /// Hands `msg` to node `to` (static dispatch on the message's layer).
            pub(crate) fn deliver(&mut self, to: Addr, from: Addr, msg: Msg, cx: &mut Cx<'_>) {
                match msg {
                    $( Msg::$variant(m) => self.$field[to.index as usize].on_msg(from, m, cx), )*
                }
            }

            /// How many nodes a layer has.
            pub fn count(&self, layer: Layer) -> usize {
                match layer { $(Layer::$variant => self.$field.len(),)* }
            }
        }
    };
}

layers! {
    /// The customers: a flash crowd and a trickle, each with a browser and a seat map.
    Crowd, crowd, "crowd", background: false => crate::crowd::Crowd;
    /// The reservation servers, each stamping requests with its own clock.
    Server, servers, "servers", background: false => crate::server::Server;
    /// The database behind the servers (`no-lock`, `unique`).
    Database, database, "database", background: false => crate::database::Database;
    /// The time servers of the NTP hierarchy (stratum 1 and 2).
    TimeServer, time_servers, "time_servers", background: true => crate::time_server::TimeServer;
    /// The NTP client of each host (idle on hosts that do not run NTP).
    NtpClient, ntp_clients, "ntp_clients", background: true => crate::ntp_client::NtpClient;
}

//! The registry of nodes, generated from the one list of layers
//! ([`crate::msg::for_each_layer!`]): [`Nodes`] holds every node of a run by layer and
//! hands each message to its node with a static `match` on the message's layer.

use crate::config::Config;
use crate::kernel::{Build, Cx, Kernel, Node};
use crate::msg::{for_each_layer, Addr};
pub use crate::msg::{Layer, Msg};
// The list names each layer's node by its module: every module of the crate is in
// scope here, so adding a layer does not touch this file.
#[allow(unused_imports)]
use crate::*;

macro_rules! define_nodes {
    ($( $(#[$doc:meta])* $variant:ident, $field:ident, $name:literal, background: $bg:literal, node: $node:path, msg: $msg:ty; )*) => {
        /// Every node of a run, by layer, each indexed by its address's `index`.
        #[derive(Clone, Debug, Default)]
        pub struct Nodes {
            $( $(#[$doc])* pub $field: Vec<$node>, )*
        }

        impl Nodes {
            /// Hands `msg` to node `to` (static dispatch on the message's layer).
            #[inline]
            pub(crate) fn deliver(&mut self, to: Addr, from: Addr, msg: Msg, cx: &mut Cx<'_>) {
                match msg {
                    $( Msg::$variant(m) => self.$field[to.index as usize].on_msg(from, m, cx), )*
                }
            }

            /// Every layer's nodes for `cfg`, built in the list's order on hosts of `k`.
            pub(crate) fn build(cfg: &Config, k: &mut Kernel) -> Nodes {
                Nodes {
                    $( $field: <$node as Build>::build(cfg, k), )*
                }
            }

            /// Lets node `a` arm its first timers.
            pub(crate) fn start(&mut self, a: Addr, cx: &mut Cx<'_>) {
                match a.layer {
                    $( Layer::$variant => self.$field[a.index as usize].start(cx), )*
                }
            }

            /// Node `a`'s figures at a glance ([`Node::figures`]).
            pub fn figures(&self, a: Addr) -> Vec<(&'static str, f64)> {
                match a.layer {
                    $( Layer::$variant => self.$field[a.index as usize].figures(), )*
                }
            }

            /// How many nodes a layer has.
            pub fn count(&self, layer: Layer) -> usize {
                match layer { $(Layer::$variant => self.$field.len(),)* }
            }
        }
    };
}

for_each_layer!(define_nodes);

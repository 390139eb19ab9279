//! The architecture's diagram as plain data: every layer of the kernel's list
//! ([`driftlab_sim::Sim::layers`]), its nodes with their clock error and named figures,
//! the anomalies found at each node, and where a click on the layer leads.

use crate::view::View;
use driftlab_sim::truth::AnomalyKind;
use driftlab_sim::{Layer, Sim};

/// One node's box.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeBox {
    /// Its host, e.g. `server-2`.
    pub host: String,
    /// Its host's clock error now, ns.
    pub offset_ns: i64,
    /// Its named figures, as the core names them.
    pub figures: Vec<(&'static str, f64)>,
    /// Anomalies found at this node: wrong winners, double bookings, early sales and
    /// wrongly refused customers (the requests it decided), log lines stamped out of
    /// order.
    pub anomalies: Anomalies,
    /// The server's colour index, for a reservation server.
    pub server: Option<usize>,
}

/// Anomalies counted at a node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Anomalies {
    /// Seats that went to someone who was not first.
    pub wrong_winners: u32,
    /// Seats confirmed to two customers.
    pub double_bookings: u32,
    /// Everything else the checkers flagged here.
    pub other: u32,
}

impl Anomalies {
    /// How many in all.
    pub fn total(&self) -> u32 {
        self.wrong_winners + self.double_bookings + self.other
    }
}

/// One layer's box.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerBox {
    /// Which layer.
    pub layer: Layer,
    /// Its name in the kernel's list.
    pub name: &'static str,
    /// Where a click leads.
    pub view: View,
    /// Its nodes; none if the scenario does not use the layer (drawn greyed).
    pub nodes: Vec<NodeBox>,
}

/// The whole diagram: the request path left to right, background layers under it,
/// and the layers the run does not use in one row of small switches.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagram {
    /// Layers the customers' requests go through, in the list's order.
    pub path: Vec<LayerBox>,
    /// Background layers the run uses (time servers, NTP clients…), in the list's order.
    pub beside: Vec<LayerBox>,
    /// Layers the run does not use (drawn greyed), in the list's order.
    pub unused: Vec<LayerBox>,
}

impl Diagram {
    /// What decides the map's layout: each box drawn, where, and its number of nodes
    /// (the figures change every frame; this only when a layer comes or goes).
    pub fn shape(&self) -> Vec<(&'static str, usize)> {
        let part = |v: &Vec<LayerBox>, tag: usize| {
            v.iter()
                .map(move |b| (b.name, b.nodes.len() * 3 + tag))
                .collect::<Vec<_>>()
        };
        [
            part(&self.path, 0),
            part(&self.beside, 1),
            part(&self.unused, 2),
        ]
        .concat()
    }
}

/// The diagram of `sim` now.
pub fn diagram(sim: &Sim) -> Diagram {
    let mut per_server = vec![Anomalies::default(); sim.config().servers.len()];
    let requests = sim.requests();
    for a in &sim.truth().anomalies {
        let Some(r) = requests.get(a.req as usize) else {
            continue;
        };
        let Some(n) = per_server.get_mut(r.server as usize) else {
            continue;
        };
        match a.kind {
            AnomalyKind::WrongWinner => n.wrong_winners += 1,
            AnomalyKind::DoubleBooking => n.double_bookings += 1,
            _ => n.other += 1,
        }
    }
    let mut d = Diagram::default();
    for lv in sim.layers() {
        let is_server = lv.layer == Layer::Server;
        let nodes = lv
            .nodes
            .into_iter()
            .enumerate()
            .map(|(i, n)| NodeBox {
                host: n.host,
                offset_ns: n.offset_ns,
                figures: n.figures,
                anomalies: if is_server {
                    per_server.get(i).copied().unwrap_or_default()
                } else {
                    Anomalies::default()
                },
                server: is_server.then_some(i),
            })
            .collect();
        let b = LayerBox {
            layer: lv.layer,
            name: lv.name,
            view: View::of_layer(lv.layer),
            nodes,
        };
        // Layers this run does not use go in a row of their own, background layers
        // beside the path: the request path keeps the room it needs.
        if b.nodes.is_empty() {
            d.unused.push(b);
        } else if lv.layer.background() {
            d.beside.push(b);
        } else {
            d.path.push(b);
        }
    }
    d
}

/// A figure's value as shown: whole numbers without decimals, else two.
pub fn figure_value(x: f64) -> (f64, usize) {
    if x.fract() == 0.0 {
        (x, 0)
    } else {
        (x, 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::with_preset;
    use driftlab_sim::Config;

    fn run(preset: &str, customers: u32) -> Sim {
        let mut c = with_preset(&Config::default(), preset).unwrap();
        c.crowd.customers = customers;
        let mut s = Sim::new(c).unwrap();
        s.run();
        s
    }

    #[test]
    fn every_layer_of_the_list_is_drawn_once() {
        let s = run("extreme_drift", 300);
        let d = diagram(&s);
        let mut drawn: Vec<Layer> = d
            .path
            .iter()
            .chain(&d.beside)
            .chain(&d.unused)
            .map(|b| b.layer)
            .collect();
        drawn.sort();
        let mut all = Layer::ALL.to_vec();
        all.sort();
        assert_eq!(drawn, all);
        // The request path: customers, then servers, then the database; the time
        // hierarchy beside; the oracle and the gateway unused (extreme_drift has
        // neither).
        let names = |v: &Vec<LayerBox>| v.iter().map(|b| b.name).collect::<Vec<_>>();
        assert_eq!(names(&d.path), ["crowd", "servers", "database"]);
        assert_eq!(names(&d.beside), ["time_servers", "ntp_clients"]);
        assert!(d.unused.iter().all(|b| b.nodes.is_empty()));
        assert!(names(&d.unused).contains(&"tso") && names(&d.unused).contains(&"gateway"));
    }

    #[test]
    fn the_shape_changes_with_the_layers_not_the_figures() {
        let built =
            |preset: &str| Sim::new(with_preset(&Config::default(), preset).unwrap()).unwrap();
        let early = diagram(&built("extreme_drift")).shape();
        // Five servers (3 × 5 in the path), the crowd's one node, the unused oracle.
        assert!(early.contains(&("servers", 15)));
        assert!(early.contains(&("crowd", 3)));
        assert!(early.contains(&("tso", 2)));
        // The same run played to its end: the same shape.
        assert_eq!(diagram(&run("extreme_drift", 2000)).shape(), early);
        let other = diagram(&built("long_day")).shape();
        assert_ne!(other, early);
        assert!(other.contains(&("gateway", 3)));
    }

    #[test]
    fn servers_carry_their_offsets_and_anomalies() {
        let s = run("extreme_drift", 400);
        let d = diagram(&s);
        let servers = &d.path[1];
        assert_eq!(servers.nodes.len(), 5);
        // extreme_drift: 0, −30, +15, −8, +12 s, as configured (no NTP, no skew).
        let offsets: Vec<i64> = servers
            .nodes
            .iter()
            .map(|n| n.offset_ns / 1_000_000_000)
            .collect();
        assert_eq!(offsets, vec![0, -30, 15, -8, 12]);
        assert_eq!(servers.nodes[1].host, "server-2");
        assert_eq!(servers.nodes[1].server, Some(1));
        // Every wrong winner is marked on exactly one server.
        let marked: u32 = servers
            .nodes
            .iter()
            .map(|n| n.anomalies.wrong_winners)
            .sum();
        assert_eq!(u64::from(marked), s.metrics().wrong_winners);
        assert!(marked > 0);
        // reset: exact clocks, no wrong winner anywhere.
        let d = diagram(&run("reset", 300));
        assert!(d.path[1]
            .nodes
            .iter()
            .all(|n| n.anomalies.wrong_winners == 0));
    }

    #[test]
    fn figures_show_whole_numbers_plainly() {
        assert_eq!(figure_value(12.0), (12.0, 0));
        assert_eq!(figure_value(0.5), (0.5, 2));
    }
}

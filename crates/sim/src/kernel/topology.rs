//! One topology: which link carries traffic between two layers, which way, whether
//! the channel is reliable, and when hosts are cut off. One mechanism for every cut:
//! partitions, a time server down, a server cut from its time sources.

use crate::host::HostId;
use crate::msg::Layer;
use crate::net::{Link, LinkConfig, Way};
use crate::time::Time;

/// How traffic goes from one layer to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    /// Index of the link in [`Topology::links`]; `None`: the destination host's own
    /// link (time servers: the path to each is its own).
    pub link: Option<usize>,
    /// Which way the message travels on the link.
    pub way: Way,
    /// Reliable channels (replication, database traffic) lose nothing and wait for a
    /// partition to heal; datagrams (requests, replies, NTP) are lost.
    pub reliable: bool,
}

/// A host cut off from the network during `[from, to)`: from every layer, or only
/// from `only` (a server cut from its time sources).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cut {
    /// The host.
    pub host: HostId,
    /// Start, true time.
    pub from: Time,
    /// End, true time.
    pub to: Time,
    /// Only traffic with this layer is cut.
    pub only: Option<Layer>,
}

/// Links, routes and cuts.
#[derive(Clone, Debug)]
pub struct Topology {
    /// Shared links, by index.
    pub links: Vec<Link>,
    /// Their names (`client`, `lan`): layers that share a link ask for it by name.
    names: Vec<&'static str>,
    /// `routes[from layer][to layer]`.
    routes: [[Option<Route>; Layer::COUNT]; Layer::COUNT],
    /// Whether any cut exists (most runs have none: skip the checks).
    any_cuts: bool,
    /// Per host: its own link (a time server's path), if any.
    pub own_links: Vec<Option<Link>>,
    /// Per host: a route replacing the time servers' paths (an asymmetric route fault).
    pub time_routes: Vec<Option<Link>>,
    /// Every cut, per host.
    cuts: Vec<Vec<Cut>>,
    /// Pairs of hosts severed from each other for a window: (a, b, from, to).
    severed: Vec<(HostId, HostId, Time, Time)>,
}

impl Topology {
    /// An empty topology for `hosts` hosts.
    pub fn new(hosts: usize) -> Topology {
        Topology {
            links: Vec::new(),
            names: Vec::new(),
            routes: [[None; Layer::COUNT]; Layer::COUNT],
            any_cuts: false,
            own_links: vec![None; hosts],
            time_routes: vec![None; hosts],
            cuts: vec![Vec::new(); hosts],
            severed: Vec::new(),
        }
    }

    /// Makes room for `hosts` hosts.
    pub fn grow(&mut self, hosts: usize) {
        if self.own_links.len() < hosts {
            self.own_links.resize(hosts, None);
            self.time_routes.resize(hosts, None);
            self.cuts.resize(hosts, Vec::new());
        }
    }

    /// The shared link called `name`, made from `cfg` by the first layer that asks;
    /// returns its index.
    pub fn shared_link(&mut self, name: &'static str, cfg: &LinkConfig) -> usize {
        if let Some(i) = self.names.iter().position(|&n| n == name) {
            return i;
        }
        self.names.push(name);
        self.links.push(Link::new(cfg));
        self.links.len() - 1
    }

    /// Traffic from layer `a` to layer `b` takes `route`.
    pub fn connect(&mut self, a: Layer, b: Layer, route: Route) {
        self.routes[a as usize][b as usize] = Some(route);
    }

    /// The route from a node of layer `a` to one of layer `b`.
    ///
    /// # Panics
    /// If the two layers are not connected (a broken model).
    #[inline]
    pub fn route(&self, a: Layer, _from: HostId, b: Layer, _to: HostId) -> Route {
        self.routes[a as usize][b as usize]
            .unwrap_or_else(|| panic!("no route from {} to {}", a.name(), b.name()))
    }

    /// The link a route uses between hosts `from` and `to`.
    #[inline]
    pub fn link(&self, route: Route, from: HostId, to: HostId) -> &Link {
        match route.link {
            Some(i) => &self.links[i],
            None => {
                // A host's own path: the time server's (whichever end it is), unless the
                // other end has a route of its own to the time servers.
                let (client, server) = match route.way {
                    Way::Out => (from, to),
                    Way::Back => (to, from),
                };
                self.time_routes[client as usize]
                    .as_ref()
                    .or(self.own_links[server as usize].as_ref())
                    .expect("a host reached by its own link has one")
            }
        }
    }

    /// Severs hosts `a` and `b` from each other during `[from, to)` (both ways; each
    /// still reaches every other host): one side of a partition from the other.
    pub fn sever(&mut self, a: HostId, b: HostId, from: Time, to: Time) {
        self.any_cuts = true;
        self.severed.push((a, b, from, to));
    }

    /// How long until hosts `a` and `b`, severed from each other at `t`, are joined
    /// again (0: not severed).
    #[inline]
    pub fn sever_wait(&self, a: HostId, b: HostId, t: Time) -> i64 {
        let mut wait = 0;
        for &(x, y, from, to) in &self.severed {
            if ((x, y) == (a, b) || (x, y) == (b, a)) && from <= t && t < to {
                wait = wait.max(to - t);
            }
        }
        wait
    }

    /// Cuts `cut.host` off for a window.
    pub fn cut(&mut self, cut: Cut) {
        self.any_cuts = true;
        self.cuts[cut.host as usize].push(cut);
    }

    /// Whether any host is ever cut off (most runs: none, and no check is needed).
    #[inline]
    pub fn has_cuts(&self) -> bool {
        self.any_cuts
    }

    /// How long until host `h`'s cut from layer `peer` in force at `t` heals (0: not cut).
    #[inline]
    pub fn cut_wait(&self, h: HostId, peer: Layer, t: Time) -> i64 {
        if !self.any_cuts {
            return 0;
        }
        let mut wait = 0;
        for c in &self.cuts[h as usize] {
            if c.from <= t && t < c.to && c.only.is_none_or(|l| l == peer) {
                wait = wait.max(c.to - t);
            }
        }
        wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SEC;

    #[test]
    fn cuts_are_windows_scoped_to_a_layer() {
        let mut t = Topology::new(2);
        t.cut(Cut {
            host: 1,
            from: Time(10 * SEC),
            to: Time(20 * SEC),
            only: Some(Layer::TimeServer),
        });
        t.cut(Cut {
            host: 0,
            from: Time(5 * SEC),
            to: Time(8 * SEC),
            only: None,
        });
        assert_eq!(t.cut_wait(1, Layer::TimeServer, Time(15 * SEC)), 5 * SEC);
        assert_eq!(t.cut_wait(1, Layer::Crowd, Time(15 * SEC)), 0, "scoped");
        assert_eq!(
            t.cut_wait(1, Layer::TimeServer, Time(20 * SEC)),
            0,
            "healed at `to`"
        );
        assert_eq!(t.cut_wait(0, Layer::Database, Time(5 * SEC)), 3 * SEC);
        assert_eq!(t.cut_wait(0, Layer::Database, Time(4 * SEC)), 0);
    }
}

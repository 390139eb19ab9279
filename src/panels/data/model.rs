//! The data view's model: the database nodes (role, log, replication lag, clock), what
//! each server's proxy takes for the primary, the leader key, and the data path's
//! measures, read from the run.

use driftlab_sim::data::{Failover, Role, NO_NODE};
use driftlab_sim::{Layer, Sim};

/// One database node as the view shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct DbView {
    /// `db-1`, `db-2`, …
    pub name: String,
    /// What it is now.
    pub role: Role,
    /// Log entries it has.
    pub applied: u32,
    /// Entries the primary has that it has not applied yet (0 for a primary).
    pub behind: u32,
    /// Its clock's error now, s.
    pub offset_s: f64,
    /// Its replication lag as it reports it (its clock minus the primary's at commit),
    /// mean, ms; `None` before it applied anything.
    pub lag_ms: Option<f64>,
}

/// One server's proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProxyView {
    /// The node it sends writes to (0-based).
    pub target: u8,
    /// Whether it takes it for up.
    pub up: bool,
    /// Statements it refused for want of a primary.
    pub refused: u64,
}

/// The data path at a glance; `None` when the run does not use it.
#[derive(Clone, Debug, PartialEq)]
pub struct DataView {
    /// Who promotes a replica.
    pub failover: Failover,
    /// Whether a primary fences itself (`auto`).
    pub fencing: bool,
    /// Every database node, `db-1` first.
    pub nodes: Vec<DbView>,
    /// Every server's proxy, `server-1`'s first.
    pub proxies: Vec<ProxyView>,
    /// The leader key's holder (`auto`), if any.
    pub leader: Option<u8>,
    /// Confirmed holds lost at a failover, and their seats resold.
    pub writes_lost: u64,
    /// Seats of lost holds sold again.
    pub resold: u64,
    /// Reads answered, and those that were stale.
    pub reads: u64,
    /// Stale reads.
    pub stale_reads: u64,
    /// Time without a primary since a crash, s.
    pub no_primary_s: f64,
    /// Requests refused for want of a primary.
    pub refused: u64,
    /// The most primaries at once.
    pub max_primaries: u32,
    /// True time with two primaries, s.
    pub split_brain_s: f64,
}

impl DataView {
    /// The view of `sim`'s data path, if it has one.
    pub fn of(sim: &Sim) -> Option<DataView> {
        let cfg = &sim.config().data;
        if !cfg.enabled {
            return None;
        }
        let r = sim.data_report()?;
        let nodes = &sim.nodes().data;
        let head = nodes
            .iter()
            .filter(|n| n.role() == Role::Primary)
            .map(|n| n.applied())
            .max()
            .unwrap_or(0);
        let k = sim.kernel();
        let now = sim.now();
        let views = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let h = k.homes(Layer::Data)[i];
                DbView {
                    name: format!("db-{}", i + 1),
                    role: n.role(),
                    applied: n.applied(),
                    behind: if n.role() == Role::Replica {
                        head.saturating_sub(n.applied())
                    } else {
                        0
                    },
                    offset_s: k.hosts[h as usize].clock.offset(now) as f64 / 1e9,
                    lag_ms: n.reported_lag().map(|(m, _)| m / 1e6),
                }
            })
            .collect();
        let proxies = sim
            .nodes()
            .data_proxies
            .iter()
            .map(|p| {
                let (target, up) = p.target();
                ProxyView {
                    target,
                    up,
                    refused: p.refused(),
                }
            })
            .collect();
        let leader = sim
            .nodes()
            .data_control
            .first()
            .map(|c| c.key().0)
            .filter(|&l| l != NO_NODE && cfg.failover == Failover::Auto);
        Some(DataView {
            failover: cfg.failover,
            fencing: cfg.fencing,
            nodes: views,
            proxies,
            leader,
            writes_lost: r.writes_lost,
            resold: r.resold,
            reads: r.reads,
            stale_reads: r.stale_reads,
            no_primary_s: r.write_outage_s,
            refused: r.refused_no_primary,
            max_primaries: r.max_primaries,
            split_brain_s: r.split_brain_s,
        })
    }
}

/// A role's class name (its badge's colour).
pub fn role_class(r: Role) -> &'static str {
    match r {
        Role::Primary => "primary",
        Role::Replica => "replica",
        Role::Demoted => "demoted",
        Role::Crashed => "crashed",
    }
}

/// The width of a lag bar, 0 to 1: a second of lag fills it.
pub fn lag_fill(lag_ms: Option<f64>) -> f64 {
    lag_ms.map_or(0.0, |l| (l / 1000.0).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use driftlab_sim::presets;
    use driftlab_sim::time::SEC;
    use driftlab_sim::Time;

    #[test]
    fn no_data_path_no_view() {
        let sim = Sim::new(presets::preset("reset").unwrap()).unwrap();
        assert_eq!(DataView::of(&sim), None);
    }

    /// `failover_auto` before and after the crash at 10:00:30: db-1 primary, db-2 a
    /// replica about 120 ms behind (100 ms + 20 ms mean + the LAN); 40 s after the
    /// crash db-2 is the primary, every proxy points at it, db-2 holds the lease.
    #[test]
    fn a_failover_moves_the_primary_and_the_proxies() {
        let mut cfg = presets::preset("failover_auto").unwrap();
        cfg.crowd.customers = 600;
        let mut sim = Sim::new(cfg).unwrap();
        sim.run_until(Time::from_hms(10, 0, 20));
        let v = DataView::of(&sim).unwrap();
        let roles: Vec<Role> = v.nodes.iter().map(|n| n.role).collect();
        assert_eq!(roles, [Role::Primary, Role::Replica]);
        let lag = v.nodes[1].lag_ms.unwrap();
        assert!((100.0..160.0).contains(&lag), "{lag}");
        assert_eq!(v.leader, Some(0));
        assert!(v.proxies.iter().all(|p| p.target == 0 && p.up));
        sim.run_until(Time::from_hms(10, 0, 30) + 40 * SEC);
        let v = DataView::of(&sim).unwrap();
        let roles: Vec<Role> = v.nodes.iter().map(|n| n.role).collect();
        assert_eq!(roles, [Role::Crashed, Role::Primary]);
        assert_eq!(v.leader, Some(1));
        assert_eq!(v.proxies.len(), 3);
        assert!(v.proxies.iter().all(|p| p.target == 1 && p.up));
        assert!(v.no_primary_s > 20.0);
        assert_eq!(role_class(Role::Crashed), "crashed");
        assert_eq!(lag_fill(Some(250.0)), 0.25);
        assert_eq!(lag_fill(Some(120_000.0)), 1.0);
    }
}

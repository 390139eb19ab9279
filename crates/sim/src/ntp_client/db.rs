//! The NTP client of each database node of the data path (the primary and its
//! replicas): the same daemon as the reservation servers' ([`NtpAgent`]), on the
//! node's host. With NTP on (`ntp.enabled`) it runs from the start and disciplines
//! the database's clock: the one that stamps commits and ages holds (`now()` on the
//! primary), so a replica whose clock was set wrong is put right before it is promoted.
//!
//! Its exchanges are not the reservation servers' (the NTP views and alerts follow
//! those); what it does to its host's clock shows on the data view's clocks.

use super::NtpAgent;
use crate::config::Config;
use crate::kernel::{Build, Cx, Kernel, Node, Route};
use crate::msg::ntp_client::{DbMsg, Msg};
use crate::msg::{Addr, Layer, Msg as AnyMsg};
use crate::net::Way;
use crate::ntp::auth::Key;
use crate::ntp::ClientConfig;

/// A database node's NTP client (index: the database node's).
#[derive(Clone, Debug)]
pub struct DbNtpClient {
    cfg: ClientConfig,
    key: Option<Key>,
    /// The agent.
    pub agent: NtpAgent,
}

impl DbNtpClient {
    /// An idle client that runs `cfg` (with `key`, if any) when switched on.
    pub fn new(cfg: &ClientConfig, key: Option<Key>) -> DbNtpClient {
        DbNtpClient {
            cfg: cfg.clone(),
            key,
            agent: NtpAgent::default(),
        }
    }
}

fn wake(gen: u32) -> AnyMsg {
    AnyMsg::DataNtp(DbMsg(Msg::Wake(gen)))
}

impl Build for DbNtpClient {
    /// No node without the data path. Otherwise one idle client per database node, on
    /// its host (the data path's `build` placed them); its packets take each time
    /// server's own path, as the reservation servers' do.
    fn build(cfg: &Config, k: &mut Kernel) -> Vec<DbNtpClient> {
        if !cfg.data.enabled {
            return Vec::new();
        }
        let hosts = k.homes(Layer::Data).to_vec();
        for h in &hosts {
            k.place(Layer::DataNtp, *h);
        }
        let own = |way| Route {
            link: None,
            way,
            reliable: false,
        };
        k.topology
            .connect(Layer::DataNtp, Layer::TimeServer, own(Way::Out));
        k.topology
            .connect(Layer::TimeServer, Layer::DataNtp, own(Way::Back));
        let key = cfg.ntp.client_key();
        hosts
            .iter()
            .map(|_| DbNtpClient::new(&cfg.ntp.client, key.clone()))
            .collect()
    }
}

impl Node for DbNtpClient {
    type Msg = DbMsg;

    fn on_msg(&mut self, _from: Addr, msg: DbMsg, cx: &mut Cx<'_>) {
        match msg.0 {
            Msg::Wake(gen) => self.agent.on_wake(gen, cx, wake),
            Msg::Reply { source, reply } => self.agent.on_reply(source, &reply, cx, wake),
            Msg::Switch(on) if on != self.agent.running() => {
                self.agent
                    .switch(on, &self.cfg, self.key.as_ref(), cx, wake);
            }
            Msg::Switch(_) | Msg::Discipline(_) => {}
        }
    }

    fn figures(&self) -> Vec<(&'static str, f64)> {
        vec![("on", self.agent.running() as u8 as f64)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::testing::{ntp_requests as requests, Bench};
    use crate::kernel::Cmd;
    use crate::msg::time_server;
    use crate::ntp::{ServerState, SystemVars};
    use crate::time::{Time, MS, SEC};

    const ME: Addr = Addr::new(Layer::DataNtp, 1);

    /// A replica's clock 120 s fast, three exact servers 1 ms away each way: carried
    /// by hand, request by request and timer by timer, its client steps the clock back
    /// by 120 s (beyond the RFC's 128 ms step threshold, within its 1 000 s panic
    /// threshold), and the clock is right.
    #[test]
    fn a_replica_120_s_fast_is_stepped_back_by_its_ntp_client() {
        let mut bench = Bench::new(Time::from_hms(9, 59, 0), 120 * SEC);
        let cfg = ClientConfig {
            sources: vec![0, 1, 2],
            drift_ppm: Some(0.0),
            ..Default::default()
        };
        let mut c = DbNtpClient::new(&cfg, None);
        let mut servers: Vec<ServerState> = (0..3).map(|_| ServerState::default()).collect();
        let mut pending = bench.deliver(&mut c, ME, ME, DbMsg(Msg::Switch(true)));
        assert!(c.agent.running());
        assert_eq!(requests(&pending).len(), 3, "it asks every source");
        let mut stepped = None;
        for _ in 0..1000 {
            let reqs = requests(&pending);
            let wake = pending.iter().rev().find_map(|c| match c {
                Cmd::Wake { local_ns, msg, .. } => Some((*local_ns, msg.clone())),
                _ => None,
            });
            if let Some(step) = pending.iter().find_map(|c| match c {
                Cmd::Step(d) => Some(*d),
                _ => None,
            }) {
                stepped = Some(step);
                break;
            }
            pending = Vec::new();
            for (to, req) in reqs {
                let t2 = bench.now + MS;
                let reply = servers[to as usize]
                    .on_request(
                        0,
                        &req,
                        t2,
                        t2 + time_server::PROCESSING,
                        &SystemVars::primary(),
                    )
                    .expect("no rate limit at this pace");
                bench.advance(2 * MS + time_server::PROCESSING);
                let msg = DbMsg(Msg::Reply {
                    source: to as u8,
                    reply: Box::new(reply),
                });
                pending.extend(bench.deliver(&mut c, ME, Addr::new(Layer::TimeServer, to), msg));
            }
            if pending.is_empty() {
                if let Some((ns, AnyMsg::DataNtp(m))) = wake {
                    bench.advance(ns);
                    pending = bench.deliver(&mut c, ME, ME, m);
                }
            }
        }
        let step = stepped.expect("the discipline steps a 120 s error");
        assert!((step + 120 * SEC).abs() < MS, "stepped by {step} ns");
        assert!(
            bench.host.clock.offset(bench.now).abs() < MS,
            "the clock is right"
        );
    }
}

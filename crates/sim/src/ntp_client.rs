//! The NTP client of a host, as a node: it polls time servers over the simulated
//! network and disciplines its host's clock with the commands of [`crate::ntp`].
//!
//! Every host that runs NTP, a reservation server or a stratum-2 time server, uses the
//! same [`NtpAgent`], so every clock is disciplined the same way.

pub mod db;

use crate::config::Config;
use crate::kernel::{Build, Cx, Kernel, Node, Route};
pub use crate::msg::ntp_client::Msg;
use crate::msg::{time_server, Addr, Layer, Msg as AnyMsg};
use crate::net::Way;
use crate::ntp::auth::Key;
use crate::ntp::{Client, ClientConfig, Command, DisciplineKind, Reply};
use crate::obs::Obs;
use crate::time::MS;

/// An NTP client and its timer, shared by every kind of host that runs NTP.
#[derive(Clone, Debug, Default)]
pub struct NtpAgent {
    /// The client, while NTP runs.
    pub client: Option<Client>,
    /// The current timer's generation (older timers are ignored).
    wake: u32,
}

impl NtpAgent {
    /// An agent running `client` (or idle).
    pub fn new(client: Option<Client>) -> NtpAgent {
        NtpAgent { client, wake: 0 }
    }

    /// Starts a fresh client with `cfg` (authenticating with `key`, if any), reading
    /// the host's clock, and polls at once.
    pub fn switch_on(
        &mut self,
        cfg: &ClientConfig,
        key: Option<&Key>,
        cx: &mut Cx<'_>,
        wake: impl Fn(u32) -> AnyMsg,
    ) {
        self.wake += 1;
        let client = Client::new(cfg, cx.local()).expect("the NTP client config was validated");
        self.client = Some(match key {
            Some(k) => client.with_key(k.clone()),
            None => client,
        });
        self.on_timer(cx, wake);
    }

    /// Stops: the clock free-runs from here.
    pub fn switch_off(&mut self) {
        self.wake += 1;
        self.client = None;
    }

    /// Switches on (a fresh client, as [`NtpAgent::switch_on`]) or off; off, the host's
    /// clock no longer reports a bound on its error.
    pub fn switch(
        &mut self,
        on: bool,
        cfg: &ClientConfig,
        key: Option<&Key>,
        cx: &mut Cx<'_>,
        wake: impl Fn(u32) -> AnyMsg,
    ) {
        if on {
            self.switch_on(cfg, key, cx, wake);
        } else {
            self.switch_off();
            cx.set_max_error(None);
        }
    }

    /// Polls whatever is due.
    pub fn on_timer(&mut self, cx: &mut Cx<'_>, wake: impl Fn(u32) -> AnyMsg) {
        let local = cx.local();
        let Some(client) = self.client.as_mut() else {
            return;
        };
        let cmds = client.on_timer(local);
        self.apply(cmds, cx, wake);
    }

    /// A timer of generation `gen` fired.
    pub fn on_wake(&mut self, gen: u32, cx: &mut Cx<'_>, wake: impl Fn(u32) -> AnyMsg) {
        if gen == self.wake {
            self.on_timer(cx, wake);
        }
    }

    /// A reply from time server `source` arrived.
    pub fn on_reply(
        &mut self,
        source: u8,
        reply: &Reply,
        cx: &mut Cx<'_>,
        wake: impl Fn(u32) -> AnyMsg,
    ) {
        let t4 = cx.local();
        let Some(client) = self.client.as_mut() else {
            return;
        };
        if let (None, Ok(served_ns)) = (reply.kiss_code(), u32::try_from(reply.t3 - reply.t2)) {
            // t4 is the observation's clock reading.
            cx.observe(Obs::NtpExchange {
                source,
                served_ns,
                t1: reply.t1,
                t2: reply.t2,
            });
        }
        let cmds = client.on_reply(source as usize, reply, t4);
        self.apply(cmds, cx, wake);
        self.state_max_error(cx);
    }

    /// States the host's clock error bound (`adjtimex`'s `maxerror`): the root
    /// distance while synchronised, none otherwise. Commit-wait reads it as ε.
    fn state_max_error(&self, cx: &mut Cx<'_>) {
        let local = cx.local();
        let bound = self.client.as_ref().and_then(|c| {
            let sv = c.system_vars(local);
            (sv.stratum < 16).then_some(sv.root_delay_ns / 2 + sv.root_disp_ns)
        });
        cx.set_max_error(bound);
    }

    fn apply(&mut self, cmds: Vec<Command>, cx: &mut Cx<'_>, wake: impl Fn(u32) -> AnyMsg) {
        for cmd in cmds {
            match cmd {
                Command::Send { to, request } => {
                    cx.observe(Obs::NtpSent {
                        source: to as u8,
                        t1: request.t1,
                    });
                    cx.send(
                        Addr::new(Layer::TimeServer, to as u16),
                        time_server::Msg::Request(request),
                    );
                }
                Command::WakeAt(local) => {
                    self.wake += 1;
                    // A client woken a little early just asks to be woken again.
                    let delay = (local - cx.local()).max(MS);
                    cx.wake_in_background(delay, wake(self.wake));
                }
                Command::Step { delta_ns } => {
                    cx.step_clock(delta_ns);
                    cx.observe(Obs::Stepped { delta_ns });
                }
                Command::Slew {
                    amount_ns,
                    rate_ppm,
                } => cx.slew_clock(amount_ns, rate_ppm),
                Command::SetFrequency { ppm } => cx.set_frequency(ppm),
                Command::Panic { offset_ns } => cx.observe(Obs::Panic { offset_ns }),
                Command::Alert(a) => cx.observe(Obs::Alert(a)),
            }
        }
    }

    /// Whether NTP runs on this host.
    pub fn running(&self) -> bool {
        self.client.is_some()
    }
}

/// A reservation server's NTP client (index: the server's host).
#[derive(Clone, Debug)]
pub struct NtpClient {
    cfg: ClientConfig,
    key: Option<Key>,
    /// The agent.
    pub agent: NtpAgent,
}

impl NtpClient {
    /// The discipline it runs (or will run when switched on).
    pub fn discipline(&self) -> DisciplineKind {
        self.cfg.discipline
    }

    /// An idle client that runs `cfg` when switched on.
    pub fn new(cfg: &ClientConfig) -> NtpClient {
        NtpClient {
            cfg: cfg.clone(),
            key: None,
            agent: NtpAgent::default(),
        }
    }
}

fn wake(gen: u32) -> AnyMsg {
    AnyMsg::NtpClient(Msg::Wake(gen))
}

impl Build for NtpClient {
    /// One idle client per reservation server, on that server's host: switched on, it
    /// disciplines the server's clock. Its packets take each time server's own path.
    fn build(cfg: &Config, k: &mut Kernel) -> Vec<NtpClient> {
        let hosts = k.homes(Layer::Server).to_vec();
        for h in &hosts {
            k.place(Layer::NtpClient, *h);
        }
        let route = Route {
            link: None,
            way: Way::Out,
            reliable: false,
        };
        k.topology
            .connect(Layer::NtpClient, Layer::TimeServer, route);
        hosts
            .iter()
            .map(|_| NtpClient {
                key: cfg.ntp.client_key(),
                ..NtpClient::new(&cfg.ntp.client)
            })
            .collect()
    }
}

impl Node for NtpClient {
    type Msg = Msg;

    fn on_msg(&mut self, _from: Addr, msg: Msg, cx: &mut Cx<'_>) {
        match msg {
            Msg::Wake(gen) => self.agent.on_wake(gen, cx, wake),
            Msg::Reply { source, reply } => self.agent.on_reply(source, &reply, cx, wake),
            Msg::Discipline(kind) => {
                if self.cfg.discipline == kind {
                    return;
                }
                self.cfg.discipline = kind;
                let Some(c) = &self.agent.client else {
                    return;
                };
                // One daemon stopped, the other started: it reads the frequency the
                // first one learnt, as from its drift file, and bursts.
                let cfg = ClientConfig {
                    drift_ppm: Some(c.discipline().freq_ppm().clamp(-500.0, 500.0)),
                    ..self.cfg.clone()
                };
                self.agent.switch_off();
                self.agent.switch_on(&cfg, self.key.as_ref(), cx, wake);
            }
            Msg::Switch(on) => {
                if self.agent.running() == on {
                    return;
                }
                cx.observe(Obs::Switched { on });
                self.agent
                    .switch(on, &self.cfg, self.key.as_ref(), cx, wake);
            }
        }
    }

    fn figures(&self) -> Vec<(&'static str, f64)> {
        vec![("on", self.agent.running() as u8 as f64)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::testing::{ntp_requests as requests, observations, Bench};
    use crate::kernel::Cmd;
    use crate::ntp::{ServerState, SystemVars};
    use crate::time::{Time, MS, SEC};

    const ME: Addr = Addr::new(Layer::NtpClient, 0);

    #[test]
    fn switched_on_it_asks_every_source_and_sets_a_background_timer() {
        let mut bench = Bench::new(Time::from_hms(10, 0, 0), 0);
        let cfg = ClientConfig {
            sources: vec![2, 3, 4],
            ..Default::default()
        };
        let mut c = NtpClient::new(&cfg);
        let cmds = bench.deliver(&mut c, ME, ME, Msg::Switch(true));
        assert_eq!(observations(&cmds)[0], Obs::Switched { on: true });
        let mut asked: Vec<u16> = requests(&cmds).iter().map(|r| r.0).collect();
        asked.sort_unstable();
        assert_eq!(asked, vec![2, 3, 4]);
        assert!(cmds.iter().any(|c| matches!(
            c,
            Cmd::Wake {
                background: true,
                msg: AnyMsg::NtpClient(Msg::Wake(_)),
                ..
            }
        )));
        // Switching on twice changes nothing.
        assert!(bench.deliver(&mut c, ME, ME, Msg::Switch(true)).is_empty());
    }

    #[test]
    fn a_clock_two_seconds_slow_is_stepped_onto_the_servers_time() {
        // The host's clock is 2 s slow; three exact servers 1 ms away each way. Carry
        // every request and timer by hand until the discipline acts: it must step the
        // clock by about +2 s (the RFC's step threshold is 128 ms).
        let start = Time::from_hms(10, 0, 0);
        let mut bench = Bench::new(start, -2 * SEC);
        let cfg = ClientConfig {
            sources: vec![0, 1, 2],
            drift_ppm: Some(0.0),
            ..Default::default()
        };
        let mut c = NtpClient::new(&cfg);
        let mut servers: Vec<ServerState> = (0..3).map(|_| ServerState::default()).collect();
        let mut pending = bench.deliver(&mut c, ME, ME, Msg::Switch(true));
        let mut stepped = None;
        for _ in 0..1000 {
            let reqs = requests(&pending);
            // The latest timer replaces the earlier ones.
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
                // 1 ms out; the server stamps with true time; 1 ms back.
                let t2 = bench.now + MS;
                let reply = servers[to as usize]
                    .on_request(0, &req, t2, t2 + PROCESSING_NS, &SystemVars::primary())
                    .expect("no rate limit at this pace");
                bench.advance(2 * MS + PROCESSING_NS);
                let msg = Msg::Reply {
                    source: to as u8,
                    reply: Box::new(reply),
                };
                pending.extend(bench.deliver(&mut c, ME, Addr::new(Layer::TimeServer, to), msg));
            }
            if pending.is_empty() {
                if let Some((ns, AnyMsg::NtpClient(m))) = wake {
                    bench.advance(ns);
                    pending = bench.deliver(&mut c, ME, ME, m);
                }
            }
        }
        let step = stepped.expect("the discipline steps a 2 s error");
        assert!((step - 2 * SEC).abs() < MS, "stepped by {step} ns");
        assert!(
            bench.host.clock.offset(bench.now).abs() < MS,
            "the clock is right"
        );
    }

    const PROCESSING_NS: i64 = time_server::PROCESSING;
}

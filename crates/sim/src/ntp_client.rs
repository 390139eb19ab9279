//! The NTP client of a host, as a node: it polls time servers over the simulated
//! network and disciplines its host's clock with the commands of [`crate::ntp`].
//!
//! Every host that runs NTP, a reservation server or a stratum-2 time server, uses the
//! same [`NtpAgent`], so every clock is disciplined the same way.

use crate::kernel::{Addr, Cx, Node};
use crate::layers::{Layer, Msg as AnyMsg};
use crate::ntp::{Client, ClientConfig, Command, Reply};
use crate::obs::Obs;
use crate::time::MS;
use crate::time_server;

/// The NTP client's messages.
#[derive(Clone, Debug, PartialEq, Hash)]
pub enum Msg {
    /// Timer: poll what is due (stale if its generation is not the current one).
    Wake(u32),
    /// A time server's reply (boxed: it is big, and rare).
    Reply {
        /// The time server (index in `ntp.servers`).
        source: u8,
        /// The reply.
        reply: Box<Reply>,
    },
    /// Live switch: run NTP from now on, or stop.
    Switch(bool),
}

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

    /// Starts a fresh client with `cfg`, reading the host's clock, and polls at once.
    pub fn switch_on(&mut self, cfg: &ClientConfig, cx: &mut Cx<'_>, wake: impl Fn(u32) -> AnyMsg) {
        self.wake += 1;
        let client = Client::new(cfg, cx.local()).expect("the NTP client config was validated");
        self.client = Some(client);
        self.on_timer(cx, wake);
    }

    /// Stops: the clock free-runs from here.
    pub fn switch_off(&mut self) {
        self.wake += 1;
        self.client = None;
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
        if reply.kiss.is_none() {
            cx.observe(Obs::NtpExchange {
                source,
                t: [reply.t1, reply.t2, reply.t3, t4],
            });
        }
        let cmds = client.on_reply(source as usize, reply, t4);
        self.apply(cmds, cx, wake);
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
                Command::Slew { amount_ns } => cx.slew_clock(amount_ns),
                Command::SetFrequency { ppm } => cx.set_frequency(ppm),
                Command::Panic { offset_ns } => cx.observe(Obs::Panic { offset_ns }),
                Command::Alert(a) => cx.observe(Obs::Alert(a)),
            }
        }
    }

    /// The local time this agent's client was last given, if it runs (for tests).
    pub fn running(&self) -> bool {
        self.client.is_some()
    }
}

/// A reservation server's NTP client (index: the server's host).
#[derive(Clone, Debug)]
pub struct NtpClient {
    cfg: ClientConfig,
    /// The agent.
    pub agent: NtpAgent,
}

impl NtpClient {
    /// An idle client that runs `cfg` when switched on.
    pub fn new(cfg: &ClientConfig) -> NtpClient {
        NtpClient {
            cfg: cfg.clone(),
            agent: NtpAgent::default(),
        }
    }
}

fn wake(gen: u32) -> AnyMsg {
    AnyMsg::NtpClient(Msg::Wake(gen))
}

impl Node for NtpClient {
    type Msg = Msg;

    fn on_msg(&mut self, _from: Addr, msg: Msg, cx: &mut Cx<'_>) {
        match msg {
            Msg::Wake(gen) => self.agent.on_wake(gen, cx, wake),
            Msg::Reply { source, reply } => self.agent.on_reply(source, &reply, cx, wake),
            Msg::Switch(on) => {
                if self.agent.running() == on {
                    return;
                }
                cx.observe(Obs::Switched { on });
                if on {
                    self.agent.switch_on(&self.cfg, cx, wake);
                } else {
                    self.agent.switch_off();
                }
            }
        }
    }
}

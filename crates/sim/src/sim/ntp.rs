//! What the app and the report read of NTP in a run: each server's dashboard, its
//! alerts in force, its last exchange, and the time events; and the sampling of the
//! dashboards that raises and clears threshold alerts.

use super::Sim;
use crate::ntp::{alerts, Alert, ClientStatus};
use crate::ntp_run::{Exchange, Node, TimeEvent, TimeEventKind};
use std::mem::discriminant;

impl Sim {
    /// The NTP dashboard of reservation server `server`, if it runs NTP.
    pub fn ntp_status(&self, server: usize) -> Option<ClientStatus> {
        let client = self.nodes.ntp_clients.get(server)?.agent.client.as_ref()?;
        Some(client.status(self.clock(server).read(self.now())))
    }

    /// The last NTP exchange of reservation server `server` (for the teaching view).
    pub fn last_exchange(&self, server: usize) -> Option<&Exchange> {
        self.truth.last_exchange.get(server)?.as_ref()
    }

    /// The threshold alerts in force on reservation server `server`.
    pub fn ntp_alerts(&self, server: usize) -> &[Alert] {
        self.truth
            .active_alerts
            .get(server)
            .map_or(&[], |a| a.as_slice())
    }

    /// Names of the time servers, by index (what `SourceId`s refer to).
    pub fn time_server_names(&self) -> Vec<String> {
        self.cfg
            .ntp
            .servers
            .iter()
            .map(|n| n.name.clone())
            .collect()
    }

    /// Everything that happened to time so far: alerts, steps, faults, switches.
    pub fn time_events(&self) -> &[TimeEvent] {
        &self.truth.time_events
    }

    /// Samples the NTP dashboards: raises and clears threshold alerts; keeps the jitter
    /// and delay in the history if `keep`.
    pub(crate) fn ntp_sample(&mut self, keep: bool) {
        let now = self.now();
        for i in 0..self.cfg.servers.len() {
            let Some(status) = self.ntp_status(i) else {
                if keep {
                    self.history.ntp_jitter_ms[i].push(f32::NAN);
                    self.history.ntp_delay_ms[i].push(f32::NAN);
                }
                continue;
            };
            if keep {
                self.history.ntp_jitter_ms[i].push((status.jitter_ns as f64 / 1e6) as f32);
                self.history.ntp_delay_ms[i].push((status.delay_ns as f64 / 1e6) as f32);
            }
            let now_alerts = alerts(&status);
            let before = std::mem::take(&mut self.truth.active_alerts[i]);
            let node = Node::Res(i as u8);
            let same = |a: &Alert, b: &Alert| discriminant(a) == discriminant(b);
            for a in &now_alerts {
                if !before.iter().any(|b| same(a, b)) {
                    self.truth.time_events.push(TimeEvent {
                        t: now,
                        node,
                        what: TimeEventKind::Raised(*a),
                    });
                }
            }
            for b in &before {
                if !now_alerts.iter().any(|a| same(a, b)) {
                    self.truth.time_events.push(TimeEvent {
                        t: now,
                        node,
                        what: TimeEventKind::Cleared(*b),
                    });
                }
            }
            self.truth.active_alerts[i] = now_alerts;
        }
    }
}

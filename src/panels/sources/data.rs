//! What the sources view reads from the run, per reservation server: its NTP client's
//! status, its discipline and the clock filter of every association.

use driftlab_sim::ntp::stages::FilterView;
use driftlab_sim::ntp::{ClientStatus, DisciplineKind};
use driftlab_sim::Sim;

/// One server's NTP client, as the view shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerSources {
    /// The discipline it runs, or will run once NTP is on.
    pub discipline: DisciplineKind,
    /// Its status and the filter of each association (primaries then fallbacks, as in
    /// the status), while NTP runs.
    pub running: Option<(ClientStatus, Vec<FilterView>)>,
}

/// Every server's NTP client now.
pub fn read(sim: &Sim) -> Vec<ServerSources> {
    (0..sim.config().servers.len())
        .map(|i| {
            let local = sim.clock(i).read(sim.now());
            let running = sim.ntp_client(i).map(|c| {
                let filters = (0..c.peers().len())
                    .filter_map(|k| c.filter_view(k, local))
                    .collect();
                (c.status(local), filters)
            });
            ServerSources {
                discipline: sim.ntp_discipline(i).unwrap_or_default(),
                running,
            }
        })
        .collect()
}

/// A duration in ms as the tables print it: µs below 1 ms, ms above, `-` for none.
pub fn ms(v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(v) if v.abs() < 1.0 => format!("{:.0} µs", v * 1000.0),
        Some(v) if v.abs() < 1000.0 => format!("{v:.3} ms"),
        Some(v) => format!("{:.3} s", v / 1000.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use driftlab_sim::presets::preset;
    use driftlab_sim::time::SEC;

    #[test]
    fn one_entry_per_server_and_filters_while_ntp_runs() {
        let mut sim = Sim::new(preset("ntp_popcorn").unwrap()).unwrap();
        let start = sim.now();
        sim.run_until(start + 120 * SEC);
        let all = read(&sim);
        assert_eq!(all.len(), 5);
        let (status, filters) = all[0].running.as_ref().unwrap();
        assert_eq!(filters.len(), status.sources.len());
        assert!(filters.iter().all(|f| f.stages.len() == 8));
        let off = read(&Sim::new(preset("extreme_drift").unwrap()).unwrap());
        assert!(off.iter().all(|s| s.running.is_none()));
    }

    #[test]
    fn durations_read_in_their_unit() {
        assert_eq!(ms(None), "-");
        assert_eq!(ms(Some(0.0123)), "12 µs");
        assert_eq!(ms(Some(-50.25)), "-50.250 ms");
        assert_eq!(ms(Some(20_000.0)), "20.000 s");
    }
}

use driftlab_sim::{presets, time::SEC, timesync::Fault, Sim};
fn main() {
    let mut s = Sim::new(presets::preset("synced").unwrap()).unwrap();
    let start = s.now();
    s.run_until(start + 120 * SEC);
    s.inject(Fault::ClockBump {
        server: 3,
        delta_ms: 2000.0,
        at_s: 0.0,
    })
    .unwrap();
    for k in 0..40 {
        s.run_until(start + (120 + k * 15) * SEC);
        let st = s.ntp_status(2).unwrap();
        println!(
            "{} off {:.3} ms  sync {:?} meas {:.3} poll {}",
            s.now(),
            s.clock(2).offset(s.now()) as f64 / 1e6,
            st.sync,
            st.offset_ns as f64 / 1e6,
            st.poll_log2
        );
    }
    for e in s
        .time_events()
        .iter()
        .filter(|e| e.node == driftlab_sim::ntp_run::Node::Res(2))
    {
        println!("{} {:?}", e.t, e.what);
    }
}

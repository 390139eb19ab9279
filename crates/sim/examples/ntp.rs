fn main() {
    let name = std::env::args().nth(1).unwrap_or("synced".into());
    let c = driftlab_sim::presets::preset(&name).unwrap();
    let mut s = driftlab_sim::Sim::new(c).unwrap();
    let start = s.now();
    for k in 0..40 {
        s.run_until(start + k * 30 * driftlab_sim::time::SEC);
        let offs: Vec<String> = (0..5)
            .map(|i| format!("{:10.3}", s.clock(i).offset(s.now()) as f64 / 1e6))
            .collect();
        let st: Vec<String> = (0..5)
            .map(|i| {
                s.ntp_status(i).map_or("off".into(), |x| {
                    format!("{:?}/{:?}/{:?}", x.sync, x.selected, x.falsetickers)
                })
            })
            .collect();
        println!("{} {} | {}", s.now(), offs.join(" "), st.join(" "));
        if s.finished() {
            break;
        }
    }
    let r = s.report();
    println!(
        "ww {} inv {} early {} wref {}",
        r.wrong_winners, r.order_inversions, r.early_sales, r.wrongly_refused
    );
    for e in s.time_events().iter().take(40) {
        println!("{} {:?} {:?}", e.t, e.node, e.what);
    }
}

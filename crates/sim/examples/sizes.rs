//! Sizes of the hot types (for whoever works on speed).
fn main() {
    use driftlab_sim::msg::*;
    use std::mem::size_of;
    println!(
        "Stamped {} Obs {} Ev {} Msg {} | crowd {} server {} database {} time_server {} ntp_client {} tso {} gateway {}",
        size_of::<driftlab_sim::truth::Stamped>(),
        size_of::<driftlab_sim::obs::Obs>(),
        size_of::<driftlab_sim::kernel::Ev>(),
        size_of::<Msg>(),
        size_of::<crowd::Msg>(),
        size_of::<server::Msg>(),
        size_of::<database::Msg>(),
        size_of::<time_server::Msg>(),
        size_of::<ntp_client::Msg>(),
        size_of::<tso::Msg>(),
        size_of::<gateway::Msg>(),
    );
}

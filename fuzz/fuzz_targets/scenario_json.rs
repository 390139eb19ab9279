//! A scenario file: any bytes read as `Scenario::from_json`.
//!
//! Properties: no panic; a refused JSON object names the field it refuses (a non-empty
//! path) and says why; an accepted file builds its run (`Sim::with_actions`), and
//! written back and read again gives the same scenario.
#![no_main]

use driftlab_fuzz::check_refusal;
use driftlab_sim::scenario::Scenario;
use driftlab_sim::Sim;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Scenario::from_json(text) {
        Ok(s) => {
            Sim::with_actions(s.config.clone(), &s.actions)
                .unwrap_or_else(|e| panic!("accepted, but the run refuses it: {e}"));
            let again = Scenario::from_json(&s.to_json())
                .unwrap_or_else(|e| panic!("written back, refused: {e}"));
            assert!(again == s, "written back, read otherwise");
        }
        Err(e) => check_refusal(text, &e),
    }
});

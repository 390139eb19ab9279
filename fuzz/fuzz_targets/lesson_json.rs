//! A lesson file: any bytes read as `Lesson::from_json`, as the app and the core read the
//! chapters a teacher writes.
//!
//! Properties: no panic; a refused JSON object names the field it refuses (a non-empty
//! path) and says why; an accepted lesson's every step builds its run
//! (`Sim::with_actions`).
#![no_main]

use driftlab_fuzz::check_refusal;
use driftlab_sim::lesson::Lesson;
use driftlab_sim::Sim;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Lesson::from_json(text) {
        Ok(lesson) => {
            for step in &lesson.steps {
                let (cfg, actions) = step.scenario();
                Sim::with_actions(cfg, &actions).unwrap_or_else(|e| {
                    panic!("step {:?} accepted, but its run refuses it: {e}", step.id)
                });
            }
        }
        Err(e) => check_refusal(text, &e),
    }
});

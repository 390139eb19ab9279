//! A shared link's query string: any text split into `key=value` pairs at `&` and the
//! first `=`, read as the core reads a link.
//!
//! Properties: no panic; reading a link never yields an invalid config; every pair not
//! used as given is named by its key, which is one of the link's; every refused action
//! says why, and one the run cannot replay is named by its place (`actions[i]…`); the
//! config read back from its own pairs is the same, with no problem.
#![no_main]

use driftlab_sim::scenario::{self, Problem};
use driftlab_sim::{presets, Sim};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let pairs: Vec<(String, String)> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (p.to_string(), String::new()),
        })
        .collect();
    let mut base = presets::preset("start_demo").expect("a preset");
    let mut fields = Vec::new();
    let mut actions = Vec::new();
    for (k, v) in &pairs {
        match k.as_str() {
            "v" => {
                if let Err(e) = scenario::link_version(Some(v)) {
                    assert_eq!(e.field(), "v");
                    assert!(!e.message().is_empty());
                }
            }
            "preset" => {
                if let Ok(p) = presets::preset(v) {
                    base = p;
                }
            }
            "act" => match scenario::parse_action(v) {
                Ok(a) => actions.push(a),
                Err(why) => assert!(!why.is_empty(), "an action refused without a reason"),
            },
            _ if scenario::is_config_key(k) => fields.push((k.clone(), v.clone())),
            _ => {}
        }
    }
    let (cfg, problems) = scenario::apply_pairs(&base, &fields);
    if let Err(e) = cfg.validate() {
        panic!("a link gave an invalid config: {e}");
    }
    for p in &problems {
        let key = match p {
            Problem::Unknown { key } => key,
            Problem::Refused { key, .. } => key,
        };
        assert!(
            fields.iter().any(|(k, _)| k == key),
            "a problem names {key:?}, not a key of the link"
        );
    }
    if let Err(e) = Sim::check_actions(&cfg, &actions) {
        assert!(
            e.field().starts_with("actions["),
            "an action the run refuses, not named by its place: {e}"
        );
    }
    // Written back as a link and read again: the same config.
    let back = scenario::config_pairs(&base, &cfg);
    let (again, problems) = scenario::apply_pairs(&base, &back);
    assert!(
        problems.is_empty(),
        "its own link has problems: {problems:?}"
    );
    assert!(again == cfg, "its own link reads back otherwise: {back:?}");
});

//! The JSON writer and the tagged enums' readers against serde_json's own.

use super::*;
use crate::presets;
use crate::scenario::Scenario;

/// Independent expectations: serde_json's own functions, on the core's types.
#[test]
fn the_same_text_and_value_as_serde_json() {
    for p in presets::PRESETS {
        let (name, cfg) = (p.name, presets::preset(p.name).unwrap());
        assert_eq!(
            to_value(&cfg),
            serde_json::to_value(&cfg).unwrap(),
            "{name}"
        );
        assert_eq!(
            to_string(&cfg),
            serde_json::to_string(&cfg).unwrap(),
            "{name}"
        );
        let s = Scenario::new(cfg, Vec::new());
        assert_eq!(
            to_string_pretty(&s),
            serde_json::to_string_pretty(&s).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn numbers_strings_and_variants_as_serde_json_writes_them() {
    #[derive(serde::Serialize)]
    enum E {
        Unit,
        New(i8),
        Tuple(u8, f32),
        Struct { x: f64 },
    }
    #[derive(serde::Serialize)]
    struct All {
        neg: i64,
        big: u64,
        half: f32,
        third: f64,
        nan: f64,
        inf: f32,
        text: &'static str,
        c: char,
        none: Option<u8>,
        unit: (),
        list: Vec<E>,
        map: std::collections::BTreeMap<u32, bool>,
        empty: Vec<u8>,
        empty_map: std::collections::BTreeMap<String, u8>,
    }
    let all = All {
        neg: -5,
        big: u64::MAX,
        half: 0.1,
        third: 1.0 / 3.0,
        nan: f64::NAN,
        inf: f32::INFINITY,
        text: "a \"quoted\"\n\u{1}é",
        c: 'x',
        none: None,
        unit: (),
        list: vec![E::Unit, E::New(-1), E::Tuple(2, 2.5), E::Struct { x: -0.0 }],
        map: [(3, true), (10, false)].into_iter().collect(),
        empty: Vec::new(),
        empty_map: Default::default(),
    };
    assert_eq!(to_string(&all), serde_json::to_string(&all).unwrap());
    assert_eq!(
        to_string_pretty(&all),
        serde_json::to_string_pretty(&all).unwrap()
    );
    assert_eq!(to_value(&all), serde_json::to_value(&all).unwrap());
    // A key that is no string nor number is refused, as serde_json refuses it.
    let bad: std::collections::BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into_iter().collect();
    assert!(to_node(&bad).is_err() && serde_json::to_value(&bad).is_err());
}

/// serde's own reading of an internally tagged enum, the oracle for ours: the same
/// values read, the same errors.
#[derive(Debug, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[allow(dead_code)]
enum Reference {
    None,
    Exponential {
        mean_ms: f64,
    },
    LogNormal {
        median_ms: f64,
        sigma: f64,
    },
    Spikes {
        mean_ms: f64,
        probability: f64,
        spike_ms: f64,
    },
}

#[test]
fn an_internally_tagged_enum_reads_and_fails_as_serdes_own() {
    use crate::net::Jitter;
    use serde::Deserialize;
    let read = |text: &str| {
        let v: Value = serde_json::from_str(text).unwrap();
        let ours = Jitter::deserialize(&v).map_err(|e| e.to_string());
        let theirs = Reference::deserialize(&v).map_err(|e| e.to_string());
        assert_eq!(
            ours.is_ok(),
            theirs.is_ok(),
            "{text}: {ours:?} / {theirs:?}"
        );
        if let (Err(a), Err(b)) = (&ours, &theirs) {
            assert_eq!(a, &b.replace("Reference", "Jitter"), "{text}");
        }
        ours
    };
    assert_eq!(read(r#"{"kind": "none"}"#), Ok(Jitter::None));
    assert_eq!(
        read(r#"{"spike_ms": 5, "kind": "spikes", "mean_ms": 1, "probability": 0.5}"#),
        Ok(Jitter::Spikes {
            mean_ms: 1.0,
            probability: 0.5,
            spike_ms: 5.0
        })
    );
    for bad in [
        r#"{"mean_ms": 1}"#,
        r#"{"kind": "gauss"}"#,
        r#"{"kind": "exponential"}"#,
        r#"{"kind": "exponential", "mean_ms": "1"}"#,
        r#"{"kind": "exponential", "mean_ms": 1, "x": 2}"#,
        r#"{"kind": 3, "mean_ms": 1}"#,
        r#""none""#,
    ] {
        assert!(read(bad).is_err(), "{bad}");
    }
    // A list is no Jitter here (serde would read `["spikes", 1, 0.5, 5]`, a form
    // Driftlab never writes).
    assert!(Jitter::deserialize(&serde_json::json!([1])).is_err());
    assert_eq!(
        read(r#"{"kind": "gauss"}"#).unwrap_err(),
        "unknown variant `gauss`, expected one of `none`, `exponential`, `log_normal`, `spikes`"
    );
}

#[test]
fn an_action_reads_its_fault_and_ignores_unknown_fields() {
    use crate::sim::Action;
    use crate::timesync::Fault;
    use serde::Deserialize;
    let v: Value = serde_json::from_str(
        r#"{"action": "inject", "kind": "clock_bump", "server": 2, "delta_ms": -1.5, "at_s": 36040}"#,
    )
    .unwrap();
    assert_eq!(
        Action::deserialize(&v).unwrap(),
        Action::Inject(Fault::ClockBump {
            server: 2,
            delta_ms: -1.5,
            at_s: 36_040.0
        })
    );
    let v: Value =
        serde_json::from_str(r#"{"action": "ntp", "server": 1, "on": true, "why": "demo"}"#)
            .unwrap();
    assert_eq!(
        Action::deserialize(&v).unwrap(),
        Action::Ntp {
            server: 1,
            on: true
        }
    );
    let v: Value = serde_json::from_str(r#"{"action": "inject"}"#).unwrap();
    assert_eq!(
        Action::deserialize(&v).unwrap_err().to_string(),
        "missing field `kind`"
    );
}

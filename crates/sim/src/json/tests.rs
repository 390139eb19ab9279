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

/// serde's own reading and writing of an internally tagged enum, the oracle for ours:
/// the same values read, the same errors, the same text written.
#[derive(Debug, serde::Deserialize, serde::Serialize)]
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
        let ours = <Jitter as Deserialize>::deserialize(&v).map_err(|e| e.to_string());
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
    assert!(<Jitter as Deserialize>::deserialize(&serde_json::json!([1])).is_err());
    let pairs = [
        (Jitter::None, Reference::None),
        (
            Jitter::Exponential { mean_ms: 0.5 },
            Reference::Exponential { mean_ms: 0.5 },
        ),
        (
            Jitter::LogNormal {
                median_ms: 2.0,
                sigma: 0.25,
            },
            Reference::LogNormal {
                median_ms: 2.0,
                sigma: 0.25,
            },
        ),
        (
            Jitter::Spikes {
                mean_ms: 1.0,
                probability: 0.01,
                spike_ms: 40.0,
            },
            Reference::Spikes {
                mean_ms: 1.0,
                probability: 0.01,
                spike_ms: 40.0,
            },
        ),
    ];
    for (ours, theirs) in &pairs {
        let text = serde_json::to_string(theirs).unwrap();
        assert_eq!(to_string(ours), text);
        assert_eq!(
            to_string_pretty(ours),
            serde_json::to_string_pretty(theirs).unwrap()
        );
        assert_eq!(read(&text).as_ref(), Ok(ours));
    }
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
        <Action as Deserialize>::deserialize(&v).unwrap(),
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
        <Action as Deserialize>::deserialize(&v).unwrap(),
        Action::Ntp {
            server: 1,
            on: true
        }
    );
    let v: Value = serde_json::from_str(r#"{"action": "inject"}"#).unwrap();
    assert_eq!(
        <Action as Deserialize>::deserialize(&v)
            .unwrap_err()
            .to_string(),
        "missing field `kind`"
    );
}

/// Every variant of the four tagged enums, written with its tag inside: the text is
/// what serde's own `#[serde(tag = ..)]` derive wrote for these values (captured on
/// main before the enums were derived with their tag outside), and it reads back.
#[test]
fn every_tagged_variant_writes_as_serdes_own_and_reads_back() {
    use crate::server::config::Mode;
    use crate::sim::Action;
    use crate::timesync::Fault;
    use serde::Deserialize;
    let faults = [
        Fault::Falseticker {
            source: 1,
            lie_ms: 250.0,
            at_s: 36_000.5,
        },
        Fault::Asymmetry {
            server: 2,
            out_ms: 0.1,
            back_ms: 30.0,
            at_s: 1.0,
        },
        Fault::SourceDown {
            source: 0,
            from_s: 1.0,
            to_s: 2.0,
        },
        Fault::ClockBump {
            server: 2,
            delta_ms: -1.5,
            at_s: 36_040.0,
        },
        Fault::Strobe {
            server: 1,
            amplitude_ms: 3.0,
            period_s: 7.0,
            from_s: 1.0,
            to_s: 9.0,
        },
        Fault::NtpPartition {
            server: 3,
            from_s: 4.0,
            to_s: 5.0,
        },
        Fault::Switch {
            server: 1,
            on: false,
            at_s: 2.0,
        },
        Fault::Spoofed {
            source: 2,
            offset_ms: 1e-3,
            at_s: 3.0,
        },
    ];
    let modes = [
        Mode::Up,
        Mode::Crashed,
        Mode::Hung,
        Mode::Slow { factor: 7 },
    ];
    let mut actions = vec![
        Action::SetOffset {
            server: 0,
            offset_ns: -3_000_000,
        },
        Action::SetSkew {
            server: 1,
            ppm: 12.5,
        },
        Action::Ntp {
            server: 2,
            on: true,
        },
    ];
    actions.extend(faults.iter().cloned().map(Action::Inject));
    actions.extend(
        modes
            .iter()
            .map(|&mode| Action::Instance { server: 1, mode }),
    );
    actions.extend([
        Action::Balance {
            algorithm: Default::default(),
        },
        Action::Checks {
            active: true,
            passive: false,
        },
        Action::DataCrash { node: 0 },
        Action::Discipline {
            server: 0,
            kind: crate::ntp::DisciplineKind::Chrony,
        },
        Action::FeedListener { up: false },
        Action::DataPartition {
            node: 1,
            seconds: 30.0,
        },
        Action::DataPromote { node: 2 },
        Action::DataFence { node: 0 },
        Action::CacheDown { down: true },
        Action::FeedTransport {
            transport: crate::feed::config::Transport::LongPolling,
        },
    ]);
    let want = [
        r#"{"action":"set_offset","server":0,"offset_ns":-3000000}"#,
        r#"{"action":"set_skew","server":1,"ppm":12.5}"#,
        r#"{"action":"ntp","server":2,"on":true}"#,
        r#"{"action":"inject","kind":"falseticker","source":1,"lie_ms":250.0,"at_s":36000.5}"#,
        r#"{"action":"inject","kind":"asymmetry","server":2,"out_ms":0.1,"back_ms":30.0,"at_s":1.0}"#,
        r#"{"action":"inject","kind":"source_down","source":0,"from_s":1.0,"to_s":2.0}"#,
        r#"{"action":"inject","kind":"clock_bump","server":2,"delta_ms":-1.5,"at_s":36040.0}"#,
        r#"{"action":"inject","kind":"strobe","server":1,"amplitude_ms":3.0,"period_s":7.0,"from_s":1.0,"to_s":9.0}"#,
        r#"{"action":"inject","kind":"ntp_partition","server":3,"from_s":4.0,"to_s":5.0}"#,
        r#"{"action":"inject","kind":"switch","server":1,"on":false,"at_s":2.0}"#,
        r#"{"action":"inject","kind":"spoofed","source":2,"offset_ms":0.001,"at_s":3.0}"#,
        r#"{"action":"instance","server":1,"mode":{"mode":"up"}}"#,
        r#"{"action":"instance","server":1,"mode":{"mode":"crashed"}}"#,
        r#"{"action":"instance","server":1,"mode":{"mode":"hung"}}"#,
        r#"{"action":"instance","server":1,"mode":{"mode":"slow","factor":7}}"#,
        r#"{"action":"balance","algorithm":"round-robin"}"#,
        r#"{"action":"checks","active":true,"passive":false}"#,
        r#"{"action":"data_crash","node":0}"#,
        r#"{"action":"discipline","server":0,"kind":"chrony"}"#,
        r#"{"action":"feed_listener","up":false}"#,
        r#"{"action":"data_partition","node":1,"seconds":30.0}"#,
        r#"{"action":"data_promote","node":2}"#,
        r#"{"action":"data_fence","node":0}"#,
        r#"{"action":"cache_down","down":true}"#,
        r#"{"action":"feed_transport","transport":"long-polling"}"#,
    ];
    assert_eq!(actions.len(), want.len());
    for (a, text) in actions.iter().zip(want) {
        assert_eq!(to_string(a), text);
        assert_eq!(serde_json::to_string(a).unwrap(), text);
        assert_eq!(to_value(a), serde_json::from_str::<Value>(text).unwrap());
        assert_eq!(&from_str::<Action>(text).unwrap(), a, "{text}");
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            &<Action as Deserialize>::deserialize(v).unwrap(),
            a,
            "{text}"
        );
    }
    // The pretty form: the tag first, then the fields in the variant's order.
    assert_eq!(
        to_string_pretty(&Action::Instance { server: 1, mode: Mode::Slow { factor: 7 } }),
        "{\n  \"action\": \"instance\",\n  \"server\": 1,\n  \"mode\": {\n    \"mode\": \"slow\",\n    \"factor\": 7\n  }\n}"
    );
}

/// A map's keys: the ones serde_json writes, written as it writes them; the ones it
/// refuses, refused with its message.
#[test]
fn map_keys_as_serde_json_writes_and_refuses_them() {
    use serde::ser::SerializeMap;
    /// A map of one entry, its key `0`.
    struct OneKey<K>(K);
    impl<K: serde::Serialize> serde::Serialize for OneKey<K> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(Some(1))?;
            m.serialize_entry(&self.0, &1)?;
            m.end()
        }
    }
    fn ours_and_theirs<K: serde::Serialize>(key: K) -> [Result<String, String>; 2] {
        let m = OneKey(key);
        let ours = to_node(&m).map(|n| serde_json::to_string(&n).unwrap());
        let theirs = serde_json::to_string(&m);
        [ours, theirs].map(|r| r.map_err(|e| e.to_string()))
    }
    fn same<K: serde::Serialize>(key: K) -> Result<String, String> {
        let [ours, theirs] = ours_and_theirs(key);
        assert_eq!(ours, theirs);
        ours
    }
    #[derive(serde::Serialize)]
    enum Side {
        Left,
        Right(u8),
    }
    #[derive(serde::Serialize)]
    struct Id(u16);
    #[derive(serde::Serialize)]
    struct Unit;
    assert_eq!(same(true), Ok(r#"{"true":1}"#.into()));
    assert_eq!(same(-3i8), Ok(r#"{"-3":1}"#.into()));
    same(-30_000i16).unwrap();
    same(-70_000i32).unwrap();
    same(i64::MIN).unwrap();
    same(255u8).unwrap();
    same(65_535u16).unwrap();
    same(4_000_000_000u32).unwrap();
    same(u64::MAX).unwrap();
    same('é').unwrap();
    same("a\"b").unwrap();
    assert_eq!(same(Side::Left), Ok(r#"{"Left":1}"#.into()));
    assert_eq!(same(Id(9)), Ok(r#"{"9":1}"#.into()));
    assert_eq!(same(0.1f64), Ok(r#"{"0.1":1}"#.into()));
    same(0.1f32).unwrap();
    same(1e20f32).unwrap();
    same(-2.5f64).unwrap();
    // A float key that is not finite: refused, with a shorter message than serde_json's
    // ("float key must be finite (got NaN or +/-inf)").
    for [ours, theirs] in [ours_and_theirs(f64::NAN), ours_and_theirs(f32::INFINITY)] {
        assert_eq!(ours, Err("float key must be finite".into()));
        assert!(theirs.is_err());
    }
    // `Some(key)`: refused as serde_json::to_value refuses it (its text writer writes
    // the key inside).
    let [ours, _] = ours_and_theirs(Some(1u8));
    let value = serde_json::to_value(OneKey(Some(1u8))).map_err(|e| e.to_string());
    assert_eq!(ours, value.map(|v| v.to_string()));
    assert_eq!(ours, Err("key must be a string".into()));
    for refused in [
        same(Side::Right(1)),
        same(None::<u8>),
        same(()),
        same(Unit),
        same((1u8, 2u8)),
        same(vec![1u8]),
        same(OneKey(1u8)),
        same(serde_bytes_like()),
    ] {
        assert!(refused.is_err());
    }
    /// Bytes, as serde writes a `&[u8]` it is told are bytes.
    fn serde_bytes_like() -> impl serde::Serialize {
        struct Bytes;
        impl serde::Serialize for Bytes {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(&[1, 2])
            }
        }
        Bytes
    }
}

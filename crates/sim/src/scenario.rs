//! A whole scenario, to share and to keep: the run's config and its live actions, as a
//! link's `key=value` pairs or as a JSON file.
//!
//! **In a link**, the config is written as what differs from a base config (the preset
//! it came from), one pair per field with its dotted path: `ntp.enabled=true`,
//! `servers.1.clock.offset_ms=-5000`, `crowd.customers=500`. The diff is taken on the
//! config's JSON form, so a field that a new layer adds is carried without any change
//! here. A list whose length changed, or an object whose set of fields changed (a
//! jitter of another kind), is written whole, as JSON. Each live action is one `act=`
//! pair: its instant, the events run before it, its name, then its fields
//! (`act=10:00:30.25,15234,set_offset,offset_ns=5000000000,server=1`).
//!
//! **Reading a link** never fails: a pair that names no field, or whose value is
//! refused (not the field's type, or out of its range), is reported as a [`Problem`]
//! saying what was used instead, and the rest is used.
//!
//! **In a file** ([`Scenario::to_json`], [`Scenario::from_json`]) the whole config is
//! written with the actions. A bad file is refused as a whole, with the field's path
//! and, for a number, its range ([`ConfigError::range`]).
//!
//! **Versions.** A file names its format version in `format` (`driftlab-scenario-1`), a
//! link in `v=1` ([`LINK_VERSION_KEY`]). A file or link without one is version 1 (the
//! files and links made before versions were written). One with a version above
//! [`Scenario::VERSION`] was made by a newer Driftlab: it is refused with a message saying
//! what to do ([`ConfigError::newer_version`]), never half read. Version 1 is the first
//! and current format: there is nothing older to migrate yet; a future version 2 would
//! read version 1 here and bring it up to date.
//!
//! # Examples
//! ```
//! use driftlab_sim::scenario::{apply_pairs, config_pairs};
//! use driftlab_sim::presets;
//! let base = presets::preset("extreme_drift").unwrap();
//! let mut cfg = base.clone();
//! cfg.ntp.enabled = true;
//! cfg.crowd.customers = 500;
//! let pairs = config_pairs(&base, &cfg);
//! assert_eq!(pairs, [("crowd.customers".to_string(), "500".to_string()),
//!                    ("ntp.enabled".to_string(), "true".to_string())]);
//! let (back, problems) = apply_pairs(&base, &pairs);
//! assert_eq!(back, cfg);
//! assert!(problems.is_empty());
//! ```

use crate::config::{Config, ConfigError};
use crate::error::Range;
use crate::sim::{Acted, Action};
use crate::time::{Time, SEC};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A scenario: a config and the live actions of its run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What the file is: `driftlab-scenario-N`, N its format version ([`Scenario::FORMAT`]
    /// when written; absent in a file read: version 1).
    #[serde(default = "current_format")]
    pub format: String,
    /// The run's config.
    pub config: Config,
    /// Its live actions, in the order they happened.
    #[serde(default)]
    pub actions: Vec<Acted>,
}

/// Why a link's pair was not used as given.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// A number out of its range.
    Range(Range),
    /// Anything else, in the core's words (English).
    Invalid(String),
}

/// A pair of a link that was not used as given.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// A key that names no field.
    Unknown {
        /// The key.
        key: String,
    },
    /// A field whose value was refused.
    Refused {
        /// The key.
        key: String,
        /// The value given.
        value: String,
        /// Why.
        reason: Reason,
        /// The value used instead.
        used: String,
    },
}

fn current_format() -> String {
    Scenario::FORMAT.into()
}

/// The link parameter that names the link's format version (`v=1`).
pub const LINK_VERSION_KEY: &str = "v";

/// The prefix of a file's `format`, before its version number.
const FORMAT_PREFIX: &str = "driftlab-scenario-";

/// The format version of a link's `v=` value (`None`: no `v=`, version 1). A version
/// above [`Scenario::VERSION`] is refused ([`ConfigError::newer_version`]); a value that
/// is no version at all (`v=abc`, `v=0`) is refused too, naming `v`.
pub fn link_version(value: Option<&str>) -> Result<u32, ConfigError> {
    match value {
        None => Ok(1),
        Some(text) => known_version(LINK_VERSION_KEY, text.trim(), || {
            format!("must be a format version from 1 to {}", Scenario::VERSION)
        }),
    }
}

/// `text` as a version from 1 to [`Scenario::VERSION`], or the error on `field`.
fn known_version(field: &str, text: &str, what: impl Fn() -> String) -> Result<u32, ConfigError> {
    match text.parse::<u32>() {
        Ok(v) if (1..=Scenario::VERSION).contains(&v) => Ok(v),
        Ok(v) if v > Scenario::VERSION => {
            Err(ConfigError::newer_format(field, v, Scenario::VERSION))
        }
        _ => Err(ConfigError::new(field, what())),
    }
}

impl Scenario {
    /// The `format` of Driftlab's scenario files.
    pub const FORMAT: &'static str = "driftlab-scenario-1";

    /// The format version this build writes, and the newest it reads.
    pub const VERSION: u32 = 1;

    /// The format version of a file's `format` (`None`: absent, version 1).
    pub fn file_version(format: Option<&str>) -> Result<u32, ConfigError> {
        let Some(format) = format else {
            return Ok(1);
        };
        let what = || format!("must be {:?} (or absent)", Scenario::FORMAT);
        match format.strip_prefix(FORMAT_PREFIX) {
            Some(number) => known_version("format", number, what),
            None => Err(ConfigError::new("format", what())),
        }
    }

    /// A scenario of `config` and `actions`.
    pub fn new(config: Config, actions: Vec<Acted>) -> Scenario {
        Scenario {
            format: Scenario::FORMAT.into(),
            config,
            actions,
        }
    }

    /// The scenario as a JSON file, indented.
    pub fn to_json(&self) -> String {
        crate::json::to_string_pretty(self)
    }

    /// Reads a scenario file and checks it whole: its JSON, every field's type, every
    /// range of the config, and every action against the config. The error names the
    /// first field refused by its path (`config.servers[1].clock.skew_ppm`,
    /// `actions[0]`) and says what is allowed.
    pub fn from_json(text: &str) -> Result<Scenario, ConfigError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| ConfigError::new("", format!("not a JSON file: {e}")))?;
        if !value.is_object() {
            return Err(ConfigError::new(
                "",
                "not a scenario: a JSON object with \"config\" and \"actions\" is expected",
            ));
        }
        // The version first: a newer file is refused as such, not for a field this
        // version does not know.
        match value.get("format") {
            None => {}
            Some(Value::String(format)) => {
                Scenario::file_version(Some(format))?;
            }
            Some(_) => {
                return Err(ConfigError::new(
                    "format",
                    format!("must be {:?} (or absent)", Scenario::FORMAT),
                ))
            }
        }
        let ok = |v: &Value| Scenario::deserialize(v).is_ok();
        let scenario = Scenario::deserialize(&value).map_err(|e| {
            let template = crate::json::to_value(&Scenario::new(Config::default(), Vec::new()));
            // The deepest field whose value alone makes the file unreadable.
            let mut path = culprit(&template, &value, "", "", &ok);
            let message = e.to_string();
            if path.is_empty() {
                // No field's value is at fault: one is missing (`{}` lacks `config`).
                if let Some(name) = message
                    .strip_prefix("missing field `")
                    .and_then(|rest| rest.split('`').next())
                {
                    path = name.to_string();
                }
            }
            ConfigError::new(path, message)
        })?;
        // Every version this build reads is version 1, the current one: nothing to
        // migrate (a version 2 would bring a version 1 file up to date here).
        let scenario = Scenario {
            format: Scenario::FORMAT.into(),
            ..scenario
        };
        scenario
            .config
            .validate()
            .map_err(|e| prefixed("config.", e))?;
        crate::sim::Sim::check_actions(&scenario.config, &scenario.actions)?;
        Ok(scenario)
    }
}

/// `e` with its field's path behind `prefix`.
fn prefixed(prefix: &str, e: ConfigError) -> ConfigError {
    let field = format!("{prefix}{}", e.field());
    e.with_field(field)
}

/// The field of `over` (a JSON value) that `ok` refuses once put alone into `base` (at
/// `ptr`, a JSON pointer; `dotted`, the same as a path): the deepest one found, or
/// `dotted` itself if no single field explains it.
fn culprit(
    base: &Value,
    over: &Value,
    ptr: &str,
    dotted: &str,
    ok: &dyn Fn(&Value) -> bool,
) -> String {
    let join = |k: &str, array: bool| {
        // A key that is the empty string is still named: `""`.
        let k = if k.is_empty() { "\"\"" } else { k };
        if dotted.is_empty() {
            k.to_string()
        } else if array {
            format!("{dotted}[{k}]")
        } else {
            format!("{dotted}.{k}")
        }
    };
    let children: Vec<(String, &Value)> = match over {
        Value::Object(o) => o.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => return dotted.to_string(),
    };
    let array = over.is_array();
    for (k, v) in children {
        let mut trial = base.clone();
        let Some(slot) = trial.pointer_mut(ptr) else {
            return dotted.to_string();
        };
        let placed = match (slot, array) {
            (Value::Object(o), false) => {
                o.insert(k.clone(), v.clone());
                true
            }
            (Value::Array(a), true) => match k.parse::<usize>().ok().filter(|&i| i < a.len()) {
                Some(i) => {
                    a[i] = v.clone();
                    true
                }
                None => false,
            },
            _ => false,
        };
        if !placed {
            return dotted.to_string();
        }
        if !ok(&trial) {
            let child_ptr = format!("{ptr}/{k}");
            if base.pointer(&child_ptr).is_none() {
                return join(&k, array);
            }
            return culprit(base, v, &child_ptr, &join(&k, array), ok);
        }
    }
    dotted.to_string()
}

/// What `cfg` changes in `base`, as a link's pairs: dotted paths and values, in the
/// order of the paths. The preset's name is not compared (the link names it apart).
pub fn config_pairs(base: &Config, cfg: &Config) -> Vec<(String, String)> {
    let mut b = crate::json::to_value(&base);
    let c = crate::json::to_value(&cfg);
    b["preset"] = c["preset"].clone();
    let mut out = Vec::new();
    diff(&b, &c, "", &mut out);
    out
}

fn diff(base: &Value, cur: &Value, path: &str, out: &mut Vec<(String, String)>) {
    if base == cur {
        return;
    }
    let key = |k: &str| join(path, k);
    match (base, cur) {
        (Value::Object(b), Value::Object(c)) if b.keys().eq(c.keys()) => {
            for (k, v) in c {
                diff(&b[k], v, &key(k), out);
            }
        }
        (Value::Array(b), Value::Array(c)) if b.len() == c.len() => {
            for (i, (bv, cv)) in b.iter().zip(c).enumerate() {
                diff(bv, cv, &key(&i.to_string()), out);
            }
        }
        _ => out.push((path.to_string(), text_of(cur))),
    }
}

/// A value as a link writes it: a string as it is, anything else as JSON.
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether `key` names a field of the config (`seed`, `ntp.enabled`,
/// `servers.1.clock.offset_ms`), whatever its value.
pub fn is_config_key(key: &str) -> bool {
    let v = crate::json::to_value(&Config::default());
    let first = key.split('.').next().unwrap_or_default();
    v.get(first).is_some()
}

/// `base` with the link's `pairs` (dotted paths and values, from [`config_pairs`])
/// applied, and what was not used as given. A pair naming no field is skipped; a value
/// the field refuses leaves the field as it was in `base`.
pub fn apply_pairs(base: &Config, pairs: &[(String, String)]) -> (Config, Vec<Problem>) {
    let base_value = crate::json::to_value(&base);
    let mut value = base_value.clone();
    let mut problems = Vec::new();
    // The pairs applied, by key, with the value before them (to put back if refused).
    let mut applied: Vec<(String, String, Value)> = Vec::new();
    for (key, text) in pairs {
        let Some(slot) = slot_mut(&mut value, key) else {
            problems.push(Problem::Unknown { key: key.clone() });
            continue;
        };
        let before = slot.clone();
        *slot = match &before {
            Value::String(_) => Value::String(text.clone()),
            _ => serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone())),
        };
        if let Err(e) = Config::deserialize(&value) {
            *slot_mut(&mut value, key).expect("just found") = before.clone();
            problems.push(Problem::Refused {
                key: key.clone(),
                value: text.clone(),
                reason: Reason::Invalid(e.to_string()),
                used: text_of(&before),
            });
            continue;
        }
        applied.retain(|(k, _, _)| k != key);
        applied.push((key.clone(), text.clone(), before));
    }
    // The ranges: put back the pair the first error names (or, if it names a field no
    // pair set alone, the last pair), until the config is valid.
    loop {
        let cfg = Config::deserialize(&value).expect("every pair kept deserializes");
        let Err(e) = cfg.validate() else {
            return (cfg, problems);
        };
        let field = dotted(e.field());
        let at = applied
            .iter()
            .rposition(|(k, _, _)| {
                field == *k
                    || field.starts_with(&format!("{k}."))
                    || k.starts_with(&format!("{field}."))
            })
            .or(applied.len().checked_sub(1));
        let Some(at) = at else {
            // The base itself is invalid: nothing of the link to blame.
            return (base.clone(), problems);
        };
        let (key, text, before) = applied.remove(at);
        *slot_mut(&mut value, &key).expect("applied before") = before.clone();
        problems.push(Problem::Refused {
            key,
            value: text,
            reason: match e.range() {
                Some(r) => Reason::Range(r.clone()),
                None => Reason::Invalid(e.to_string()),
            },
            used: text_of(&before),
        });
    }
}

/// A field path as the config's errors write it (`servers[1].clock.skew_ppm`) in the
/// link's form (`servers.1.clock.skew_ppm`).
pub fn dotted(field: &str) -> String {
    field.replace('[', ".").replace(']', "")
}

/// The value at a dotted path (object keys, list indices).
fn slot_mut<'a>(v: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut cur = v;
    for part in path.split('.') {
        cur = match cur {
            Value::Object(o) => o.get_mut(part)?,
            Value::Array(a) => a.get_mut(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// An instant of the day as a link writes it: `HH:MM:SS`, then a decimal fraction of
/// the second if any (up to nine digits, no trailing zeros): exact to the nanosecond.
pub fn format_instant(t: Time) -> String {
    let day = 86_400 * SEC;
    let ns = t.0.rem_euclid(day);
    let s = ns / SEC;
    let mut out = format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
    let frac = ns % SEC;
    if frac != 0 {
        let digits = format!("{frac:09}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
    out
}

/// An instant `HH:MM:SS` or `HH:MM:SS.fffffffff` (up to nanoseconds).
pub fn parse_instant(text: &str) -> Option<Time> {
    let (hms, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let parts: Vec<&str> = hms.split(':').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n: Vec<i64> = parts.iter().map(|p| p.parse().unwrap_or(99)).collect();
    if n[0] > 23 || n[1] > 59 || n[2] > 59 {
        return None;
    }
    let nanos = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse::<i64>().ok()?
    };
    Some(Time((n[0] * 3600 + n[1] * 60 + n[2]) * SEC + nanos))
}

/// A live action as a link's `act=` value: its instant, the events run before it, its
/// name, then its fields as `name=value` (nested ones dotted), all separated by commas.
pub fn action_text(a: &Acted) -> String {
    let v = crate::json::to_value(&a.action);
    let mut parts = vec![
        format_instant(a.at),
        a.after_events.to_string(),
        text_of(&v["action"]),
    ];
    let mut fields = Vec::new();
    leaves(&v, "", &mut fields);
    parts.extend(
        fields
            .into_iter()
            .filter(|(k, _)| k != "action")
            .map(|(k, v)| format!("{k}={}", text_of(v))),
    );
    parts.join(",")
}

/// `path.k`, or `k` at the root: the dotted names of links and of the CSV's measures.
pub(crate) fn join(path: &str, k: &str) -> String {
    if path.is_empty() {
        k.to_string()
    } else {
        format!("{path}.{k}")
    }
}

/// Every leaf of `v` under its dotted path (objects are walked, anything else, arrays
/// included, is a leaf), in the objects' key order.
pub(crate) fn leaves<'v>(v: &'v Value, path: &str, out: &mut Vec<(String, &'v Value)>) {
    match v {
        Value::Object(o) => o.iter().for_each(|(k, x)| leaves(x, &join(path, k), out)),
        other => out.push((path.to_string(), other)),
    }
}

/// Reads an `act=` value written by [`action_text`]; the error says what is wrong.
pub fn parse_action(text: &str) -> Result<Acted, String> {
    let mut parts = text.split(',');
    let at = parts
        .next()
        .and_then(parse_instant)
        .ok_or("the instant must be HH:MM:SS with up to nine decimals")?;
    let after_events = parts
        .next()
        .and_then(|n| n.parse::<u64>().ok())
        .ok_or("the count of events before it must be a whole number")?;
    let name = parts
        .next()
        .filter(|n| !n.is_empty())
        .ok_or("the action is missing")?;
    let mut obj = Map::new();
    obj.insert("action".into(), Value::String(name.into()));
    for field in parts {
        let (path, raw) = field
            .split_once('=')
            .ok_or_else(|| format!("{field:?} is not name=value"))?;
        let val: Value = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.into()));
        let mut cur = &mut obj;
        let keys: Vec<&str> = path.split('.').collect();
        for k in &keys[..keys.len() - 1] {
            cur = cur
                .entry(k.to_string())
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .ok_or_else(|| format!("{path:?} is given twice"))?;
        }
        cur.insert(keys[keys.len() - 1].to_string(), val);
    }
    let action =
        <Action as Deserialize>::deserialize(&Value::Object(obj)).map_err(|e| e.to_string())?;
    Ok(Acted {
        at,
        after_events,
        action,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::testing::pairs;
    use crate::presets;
    use crate::timesync::Fault;

    #[test]
    fn a_config_differs_from_its_preset_by_dotted_fields() {
        let base = presets::preset("extreme_drift").unwrap();
        let mut cfg = base.clone();
        cfg.servers[1].clock.offset_ms = -5000.0;
        cfg.ntp.enabled = true;
        cfg.seed = 7;
        cfg.policy = crate::Policy::Hlc;
        cfg.sale.hold_ttl_s = 120.5;
        let got = config_pairs(&base, &cfg);
        assert_eq!(
            got,
            pairs(&[
                ("ntp.enabled", "true"),
                ("policy", "hlc"),
                ("sale.hold_ttl_s", "120.5"),
                ("seed", "7"),
                ("servers.1.clock.offset_ms", "-5000.0"),
            ])
        );
        assert_eq!(apply_pairs(&base, &got), (cfg, vec![]));
        assert!(config_pairs(&base, &base).is_empty());
    }

    #[test]
    fn a_list_of_another_length_goes_whole() {
        let base = presets::preset("reset").unwrap();
        let mut cfg = base.clone();
        cfg.servers.push(cfg.servers[0].clone());
        cfg.network.partitions.push(crate::config::PartitionConfig {
            server: 2,
            from_s: 36_030.0,
            to_s: 36_060.0,
        });
        let got = config_pairs(&base, &cfg);
        assert_eq!(got.len(), 2);
        assert_eq!(
            (got[0].0.as_str(), got[1].0.as_str()),
            ("network.partitions", "servers")
        );
        assert_eq!(
            got[0].1,
            r#"[{"from_s":36030.0,"server":2,"to_s":36060.0}]"#
        );
        assert_eq!(apply_pairs(&base, &got).0, cfg);
    }

    #[test]
    fn refused_pairs_are_named_with_what_is_used_instead() {
        let base = presets::preset("extreme_drift").unwrap();
        let (cfg, problems) = apply_pairs(
            &base,
            &pairs(&[
                ("ntp.enabled", "true"),
                ("ntp.pol", "6"),
                ("crowd.customers", "lots"),
                ("servers.1.clock.skew_ppm", "5000"),
                ("servers.9.clock.skew_ppm", "1"),
                ("hall.rows", "12"),
            ]),
        );
        assert!(cfg.ntp.enabled);
        assert_eq!(cfg.hall.rows, 12);
        assert_eq!(cfg.crowd.customers, base.crowd.customers);
        assert_eq!(
            cfg.servers[1].clock.skew_ppm,
            base.servers[1].clock.skew_ppm
        );
        assert_eq!(problems.len(), 4);
        assert_eq!(
            problems[0],
            Problem::Unknown {
                key: "ntp.pol".into()
            }
        );
        match &problems[1] {
            Problem::Refused {
                key,
                used,
                reason: Reason::Invalid(why),
                ..
            } => {
                assert_eq!((key.as_str(), used.as_str()), ("crowd.customers", "2000"));
                assert!(why.contains("invalid type"), "{why}");
            }
            p => panic!("{p:?}"),
        }
        assert_eq!(
            problems[2],
            Problem::Unknown {
                key: "servers.9.clock.skew_ppm".into()
            }
        );
        assert_eq!(
            problems[3],
            Problem::Refused {
                key: "servers.1.clock.skew_ppm".into(),
                value: "5000".into(),
                reason: Reason::Range(Range {
                    lo: -1000.0,
                    hi: 1000.0,
                    unit: " ppm".into(),
                    got: 5000.0
                }),
                used: "0.0".into(),
            }
        );
        assert!(is_config_key("ntp.whatever") && is_config_key("seed"));
        assert!(!is_config_key("view") && !is_config_key("act"));
    }

    #[test]
    fn the_oracles_batching_goes_in_a_link_within_its_range() {
        let base = presets::preset("extreme_drift").unwrap();
        let mut cfg = base.clone();
        cfg.policy = crate::config::Policy::Tso;
        cfg.tso.batch = 4;
        cfg.tso.batch_window_ms = 5.0;
        let got = config_pairs(&base, &cfg);
        assert_eq!(
            got,
            pairs(&[
                ("policy", "tso"),
                ("tso.batch", "4"),
                ("tso.batch_window_ms", "5.0")
            ])
        );
        assert_eq!(apply_pairs(&base, &got), (cfg, Vec::new()));
        // 65 claims a batch is out of range; a window longer than the timeout too.
        let (back, problems) = apply_pairs(
            &base,
            &pairs(&[("tso.batch", "65"), ("tso.batch_window_ms", "1500")]),
        );
        assert_eq!(back, base);
        assert_eq!(
            problems,
            vec![
                Problem::Refused {
                    key: "tso.batch".into(),
                    value: "65".into(),
                    reason: Reason::Range(Range {
                        lo: 1.0,
                        hi: 64.0,
                        unit: "".into(),
                        got: 65.0
                    }),
                    used: "1".into(),
                },
                Problem::Refused {
                    key: "tso.batch_window_ms".into(),
                    value: "1500".into(),
                    reason: Reason::Range(Range {
                        lo: 0.0,
                        hi: 1000.0,
                        unit: " ms".into(),
                        got: 1500.0
                    }),
                    used: "2.0".into(),
                },
            ]
        );
    }

    #[test]
    fn actions_in_a_link_and_back() {
        let cases = [
            Acted {
                at: Time(36_030 * SEC + 250_000_000),
                after_events: 15_234,
                action: Action::SetOffset {
                    server: 1,
                    offset_ns: 5_000_000_000,
                },
            },
            Acted {
                at: Time(36_040 * SEC),
                after_events: 16_000,
                action: Action::Inject(Fault::ClockBump {
                    server: 2,
                    delta_ms: -1500.5,
                    at_s: 36_040.0,
                }),
            },
            Acted {
                at: Time(36_050 * SEC + 1),
                after_events: 17_000,
                action: Action::Instance {
                    server: 0,
                    mode: crate::server::Mode::Slow { factor: 5 },
                },
            },
        ];
        let texts: Vec<String> = cases.iter().map(action_text).collect();
        assert_eq!(
            texts,
            [
                "10:00:30.25,15234,set_offset,offset_ns=5000000000,server=1",
                "10:00:40,16000,inject,at_s=36040.0,delta_ms=-1500.5,kind=clock_bump,server=2",
                "10:00:50.000000001,17000,instance,mode.factor=5,mode.mode=slow,server=0",
            ]
        );
        for (t, a) in texts.iter().zip(&cases) {
            assert_eq!(&parse_action(t).unwrap(), a);
        }
        assert!(parse_action("10:00,1,set_offset")
            .unwrap_err()
            .contains("instant"));
        assert!(parse_action("10:00:00,x,set_offset")
            .unwrap_err()
            .contains("events"));
        assert!(parse_action("10:00:00,1,warp,server=1")
            .unwrap_err()
            .contains("unknown variant"));
        assert!(parse_action("10:00:00,1,set_offset,server").is_err());
    }

    #[test]
    fn instants_to_the_nanosecond() {
        assert_eq!(format_instant(Time(36_061 * SEC)), "10:01:01");
        assert_eq!(
            format_instant(Time(36_061 * SEC + 123_456_789)),
            "10:01:01.123456789"
        );
        assert_eq!(
            parse_instant("10:01:01.5"),
            Some(Time(36_061 * SEC + SEC / 2))
        );
        for bad in [
            "",
            "10:01",
            "24:00:00",
            "1:01:01",
            "10:01:01.1234567890",
            "10:01:01.-5",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_file_round_trips_and_a_bad_one_names_its_field() {
        let mut cfg = presets::preset("synced").unwrap();
        cfg.crowd.customers = 300;
        let s = Scenario::new(
            cfg,
            vec![Acted {
                at: Time(36_010 * SEC),
                after_events: 100,
                action: Action::Ntp {
                    server: 1,
                    on: false,
                },
            }],
        );
        let text = s.to_json();
        assert_eq!(Scenario::from_json(&text), Ok(s.clone()));

        let bad = text.replacen("\"customers\": 300", "\"customers\": \"many\"", 1);
        let e = Scenario::from_json(&bad).unwrap_err();
        assert_eq!(e.field(), "config.crowd.customers");
        assert!(e.message().contains("invalid type"), "{e}");

        let bad = text.replacen("\"rows\": 10", "\"rowz\": 10", 1);
        assert_eq!(
            Scenario::from_json(&bad).unwrap_err().field(),
            "config.hall.rowz"
        );

        let bad = text.replacen("\"skew_ppm\": 0.0", "\"skew_ppm\": 5000.0", 1);
        let e = Scenario::from_json(&bad).unwrap_err();
        assert_eq!(e.field(), "config.servers[0].clock.skew_ppm");
        let r = e.range().unwrap();
        assert_eq!((r.lo, r.hi, r.unit.as_str()), (-1000.0, 1000.0, " ppm"));

        let bad = text.replacen("\"server\": 1", "\"server\": 9", 1);
        assert_eq!(
            Scenario::from_json(&bad).unwrap_err().field(),
            "actions[0].server"
        );

        // Found by the fuzzer: an object without its config names it.
        let e = Scenario::from_json("{\r\r}").unwrap_err();
        assert_eq!(
            (e.field(), e.message()),
            ("config", "missing field `config`")
        );
        let e = Scenario::from_json(r#"{"": 1, "config": {}}"#).unwrap_err();
        assert_eq!(e.field(), r#""""#, "an empty key is named too: {e}");
        assert_eq!(Scenario::from_json("{").unwrap_err().field(), "");
        assert_eq!(Scenario::from_json("[1]").unwrap_err().field(), "");
    }

    /// A version 1 file, as `to_json` writes it (the config of the `synced` preset).
    fn v1_file() -> (Scenario, String) {
        let s = Scenario::new(presets::preset("synced").unwrap(), Vec::new());
        let text = s.to_json();
        assert!(
            text.contains("\"format\": \"driftlab-scenario-1\""),
            "{text}"
        );
        (s, text)
    }

    #[test]
    fn a_file_without_a_format_is_version_1() {
        let (s, text) = v1_file();
        let bare = text.replacen("\"format\": \"driftlab-scenario-1\",", "", 1);
        assert!(!bare.contains("format"), "{bare}");
        assert_eq!(Scenario::from_json(&bare), Ok(s.clone()));
        // And written back, it names its version.
        assert!(Scenario::from_json(&bare)
            .unwrap()
            .to_json()
            .contains("driftlab-scenario-1"));
    }

    #[test]
    fn a_newer_file_is_refused_with_what_to_do() {
        let (_, text) = v1_file();
        // A version 2 file with a field this version has never heard of: refused for its
        // version, not for the field.
        let newer = text
            .replacen("driftlab-scenario-1", "driftlab-scenario-2", 1)
            .replacen(
                "\"config\": {",
                "\"config\": { \"tickets\": {\"price\": 40},",
                1,
            );
        let e = Scenario::from_json(&newer).unwrap_err();
        assert_eq!(e.field(), "format");
        assert_eq!(e.newer_version(), Some(2));
        assert_eq!(
            e.message(),
            "made by a newer Driftlab (format version 2; this one reads version 1): \
             open it with that newer Driftlab, or update this one"
        );
    }

    #[test]
    fn a_format_that_is_no_version_is_refused_naming_format() {
        let (_, text) = v1_file();
        for bad in [
            "\"driftlab-scenario-0\"",
            "\"driftlab-scenario-x\"",
            "\"driftlab-lesson-1\"",
            "\"\"",
            "1",
            "null",
        ] {
            let file = text.replacen("\"driftlab-scenario-1\"", bad, 1);
            let e = Scenario::from_json(&file).unwrap_err();
            assert_eq!(e.field(), "format", "{bad}: {e}");
            assert_eq!(e.newer_version(), None, "{bad}");
            assert!(e.message().contains("driftlab-scenario-1"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_link_version_is_1_when_absent_and_newer_ones_are_refused() {
        assert_eq!(link_version(None), Ok(1));
        assert_eq!(link_version(Some("1")), Ok(1));
        let e = link_version(Some("7")).unwrap_err();
        assert_eq!((e.field(), e.newer_version()), ("v", Some(7)));
        for bad in ["0", "-1", "one", "", "1.5"] {
            let e = link_version(Some(bad)).unwrap_err();
            assert_eq!((e.field(), e.newer_version()), ("v", None), "{bad}");
        }
    }
}

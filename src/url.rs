//! The initial scenario from the page's query string, e.g.
//! `?preset=extreme_drift&rows=25&cols=40&customers=5000&speed=1000&lang=fr`: a teacher
//! can share a link to a prepared scenario, and the benchmark loads a big hall.
//! Unknown or bad parameters are ignored.

use crate::engine::SPEEDS;
use crate::i18n::Lang;
use crate::scenario::{with_policy, with_preset, Field};
use driftlab_sim::{Config, Policy};

/// What the query string asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    /// The scenario.
    pub config: Config,
    /// The language, if given.
    pub lang: Option<Lang>,
    /// Index into [`SPEEDS`].
    pub speed: usize,
}

/// The speed the app starts at: ×10, ten minutes of sale in one minute.
pub const DEFAULT_SPEED: usize = 3;

/// Reads `key=value` pairs in order; later ones win.
pub fn parse(pairs: &[(String, String)]) -> Start {
    let mut cfg = with_preset(&Config::default(), "start_demo").expect("preset exists");
    let mut start = Start {
        config: cfg.clone(),
        lang: None,
        speed: DEFAULT_SPEED,
    };
    for (k, v) in pairs {
        let field = match k.as_str() {
            "preset" => {
                cfg = with_preset(&cfg, v).unwrap_or(cfg);
                continue;
            }
            "policy" => {
                if let Ok(p) = Policy::parse(v) {
                    cfg = with_policy(&cfg, p);
                }
                continue;
            }
            "lang" => {
                start.lang = Some(Lang::from_tag(v));
                continue;
            }
            "speed" => {
                if let Some(i) = SPEEDS.iter().position(|s| s.to_string() == *v) {
                    start.speed = i;
                }
                continue;
            }
            "seed" => Field::Seed,
            "opening" => Field::Opening,
            "customers" => Field::Customers,
            "rows" => Field::Rows,
            "cols" => Field::Cols,
            _ => continue,
        };
        cfg = field.apply(&cfg, v).unwrap_or(cfg);
    }
    start.config = cfg;
    start
}

/// The page's query string as pairs (empty outside a browser).
pub fn query_pairs() -> Vec<(String, String)> {
    let Some(search) = web_sys::window().and_then(|w| w.location().search().ok()) else {
        return Vec::new();
    };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    [
        "preset",
        "policy",
        "seed",
        "opening",
        "customers",
        "rows",
        "cols",
        "speed",
        "lang",
    ]
    .iter()
    .filter_map(|k| params.get(k).map(|v| (k.to_string(), v)))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(s: &[(&str, &str)]) -> Vec<(String, String)> {
        s.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_and_parameters() {
        let s = parse(&[]);
        assert_eq!(s.config.preset, "start_demo");
        assert_eq!(SPEEDS[s.speed], 10);
        let s = parse(&pairs(&[
            ("preset", "reset"),
            ("rows", "25"),
            ("cols", "40"),
            ("speed", "1000"),
            ("policy", "unique"),
            ("lang", "fr"),
            ("customers", "-3"),
        ]));
        assert_eq!(s.config.preset, "reset");
        assert_eq!((s.config.hall.rows, s.config.hall.cols), (25, 40));
        assert_eq!(s.config.policy, Policy::Unique);
        assert_eq!(s.config.crowd.customers, 2000, "a bad value is ignored");
        assert_eq!(SPEEDS[s.speed], 1000);
        assert_eq!(s.lang, Some(Lang::Fr));
    }
}

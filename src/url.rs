//! The initial scenario from the page's query string, e.g.
//! `?preset=extreme_drift&rows=25&cols=40&customers=5000&speed=1000&lang=fr`: a teacher
//! can share a link to a prepared scenario, and the benchmark loads a big hall.
//! Unknown or bad parameters are ignored. `view=` names the view on screen
//! ([`crate::view::View`]); changing view adds it to the browser's history. `t=` is the
//! timeline's position, a true time `HH:MM:SS` with up to nine decimals
//! (`t=10:01:30.25`): the page opens the run at that instant.

use crate::engine::SPEEDS;
use crate::i18n::Lang;
use crate::scenario::{with_policy, with_preset, Field};
use crate::view::View;
use driftlab_sim::time::SEC;
use driftlab_sim::{Config, Policy, Time};

/// What the query string asks for.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    /// The scenario.
    pub config: Config,
    /// The language, if given.
    pub lang: Option<Lang>,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// The view to show.
    pub view: View,
    /// The instant to open the run at, if given.
    pub at: Option<Time>,
}

/// A true instant `HH:MM:SS` or `HH:MM:SS.fffffffff` (up to nanoseconds).
pub fn parse_instant(text: &str) -> Option<Time> {
    let (hms, frac) = match text.split_once('.') {
        Some((a, b)) => (a, b),
        None => (text, ""),
    };
    if hms.split(':').count() != 3 || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole = crate::scenario::parse_hms(hms)? as i64;
    let nanos = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse::<i64>().ok()?
    };
    Some(Time(whole * SEC + nanos))
}

/// An instant as `t=` takes it: `HH:MM:SS.fffffffff`, exact to the nanosecond.
pub fn format_instant(t: Time) -> String {
    let day = 86_400 * SEC;
    let ns = t.0.rem_euclid(day);
    let s = ns / SEC;
    format!(
        "{:02}:{:02}:{:02}.{:09}",
        s / 3600,
        s / 60 % 60,
        s % 60,
        ns % SEC
    )
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
        view: View::default(),
        at: None,
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
            "view" => {
                start.view = View::parse(v).unwrap_or(start.view);
                continue;
            }
            "t" => {
                start.at = parse_instant(v).or(start.at);
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
        "view",
        "t",
    ]
    .iter()
    .filter_map(|k| params.get(k).map(|v| (k.to_string(), v)))
    .collect()
}

/// The view the page's URL names (the map if none, or an unknown one).
pub fn current_view() -> View {
    let pairs = query_pairs();
    parse(&pairs).view
}

/// Records `view` in the page's URL, as a new entry of the browser's history (the
/// rest of the query string is kept).
pub fn push_view(view: View) {
    let Some(w) = web_sys::window() else {
        return;
    };
    let search = w.location().search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return;
    };
    params.set("view", view.slug());
    let url = format!("?{}", String::from(params.to_string()));
    if let Ok(h) = w.history() {
        let _ = h.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
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
        assert_eq!(s.view, View::Map);
        assert_eq!(parse(&pairs(&[("view", "ntp")])).view, View::Ntp);
        assert_eq!(
            parse(&pairs(&[("t", "10:01:30.25")])).at,
            Some(Time(36_090 * SEC + 250_000_000))
        );
        assert_eq!(parse(&pairs(&[("t", "10:01")])).at, None);
        assert_eq!(
            parse(&pairs(&[("view", "nowhere")])).view,
            View::Map,
            "an unknown view: the map"
        );
    }

    #[test]
    fn instants_to_the_nanosecond() {
        let t = Time(36_061 * SEC + 123_456_789);
        assert_eq!(format_instant(t), "10:01:01.123456789");
        assert_eq!(parse_instant("10:01:01.123456789"), Some(t));
        assert_eq!(parse_instant("10:01:01"), Some(Time(36_061 * SEC)));
        assert_eq!(
            parse_instant("10:01:01.5"),
            Some(Time(36_061 * SEC + SEC / 2))
        );
        for bad in [
            "",
            "10:01",
            "25:00:00",
            "10:01:01.1234567890",
            "10:01:01.-5",
            "a:b:c",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
    }
}

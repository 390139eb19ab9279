//! The initial scenario from the page's query string, e.g.
//! `?preset=extreme_drift&rows=25&cols=40&customers=5000&speed=1000&lang=fr`: a teacher
//! can share a link to a prepared scenario, and the benchmark loads a big hall.
//! An unknown parameter, or a value out of range, is named in a notice (FR/EN) that
//! says what was used instead ([`Notice`]). `view=` names the view on screen
//! ([`crate::view::View`]); changing view adds it to the browser's history. `t=` is the
//! timeline's position, a true time `HH:MM:SS` with up to nine decimals
//! (`t=10:01:30.25`): the page opens the run at that instant.
//!
//! A shared link ([`share_query`]) carries the whole scenario: the preset, then every
//! config field that differs from it by its dotted path (`ntp.enabled=true`,
//! `servers.1.clock.offset_ms=-5000.0`: [`driftlab_sim::scenario`]), each live action
//! (`act=10:00:30.25,15234,set_offset,offset_ns=5000000000,server=1`), the view and the
//! instant. Older links (`seed`, `customers`, `rows`, `cols`, `opening`) still open.
//!
//! `projector=on` opens the page in projector mode (larger text and figures, for a
//! classroom's wall); a link without it opens the usual page.
//!
//! A shared link starts with its format version, `v=1`. A link without one is version 1
//! (every link made before versions were written); a link from a newer Driftlab (`v=2`)
//! is not half read: the app opens its usual start and says, in the user's language,
//! that the link needs a newer Driftlab ([`Notice::Newer`]).

use crate::engine::SPEEDS;
use crate::i18n::{Lang, Txt};
use crate::scenario::{with_policy, with_preset, Field};
use crate::view::View;
use driftlab_sim::scenario::{self, Problem, Reason, Scenario, LINK_VERSION_KEY};
use driftlab_sim::time::SEC;
use driftlab_sim::{Acted, Config, Policy, Sim, Time};

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
    /// What the link asked for that was not used as given.
    pub notices: Vec<Notice>,
    /// The side-by-side view's second run: its policy (`vs`) and ε in ms (`eps`).
    pub vs: (Option<Policy>, Option<f64>),
    /// The side-by-side view's second run: NTP on or off on every server (`vs_ntp=on`,
    /// `off`; `same` or absent: as in a).
    pub vs_ntp: Option<bool>,
    /// The side-by-side view's second run: another preset, with a's seed
    /// (`vs_preset=NAME`; `same` or absent: a's scenario).
    pub vs_preset: Option<&'static str>,
    /// The run's live actions (`act=`), in the order they happened.
    pub actions: Vec<Acted>,
    /// The guided lesson to open (`lesson=`) and its step (`step=`), as given: the
    /// lesson panel checks them.
    pub lesson: Option<(String, Option<String>)>,
    /// Projector mode (`projector=on`; `off` or absent: the usual page).
    pub projector: bool,
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
pub const DEFAULT_SPEED: usize = 5;

/// A parameter of the link that was not used as given: shown to the user (FR/EN) with
/// what was used instead, so a mistyped link never goes unnoticed.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A parameter the app does not know.
    Unknown {
        /// Its name.
        key: String,
    },
    /// A known parameter with a value it refuses.
    Refused {
        /// Its name.
        key: String,
        /// The value given.
        value: String,
        /// Why: the values it accepts.
        why: Txt,
        /// What is used instead (empty: the run's start, for an instant).
        used: String,
    },
    /// A config field (a dotted path) whose value was refused.
    Field {
        /// Its path.
        key: String,
        /// The value given.
        value: String,
        /// Why: its range, or the core's words.
        reason: Reason,
        /// What is used instead.
        used: String,
    },
    /// A `lesson=` that names no lesson: the app opens without one.
    Lesson {
        /// The value given.
        value: String,
        /// The lessons there are, comma-separated.
        known: String,
    },
    /// A `step=` that is no step of its lesson: the lesson opens at its first step.
    LessonStep {
        /// The value given.
        value: String,
        /// The lesson.
        lesson: String,
        /// How many steps it has.
        steps: usize,
    },
    /// A live action (`act=`) that the run cannot replay: left out.
    Action {
        /// The value given.
        value: String,
        /// Why, in the core's words.
        why: String,
    },
    /// A link made by a newer Driftlab (`v=` above [`Scenario::VERSION`]): none of it was
    /// used but its language.
    Newer {
        /// The link's format version.
        version: u32,
    },
}

/// Why a field was refused, in `lang`: its range, or the core's words.
pub fn reason_text(reason: &Reason, lang: Lang) -> String {
    match reason {
        Reason::Range(r) => lang
            .t(Txt::LinkWhyRange)
            .replace("{lo}", &r.lo.to_string())
            .replace("{hi}", &r.hi.to_string())
            .replace("{unit}", &r.unit),
        Reason::Invalid(why) => why.clone(),
    }
}

impl Notice {
    /// The notice in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Notice::Unknown { key } => lang.t(Txt::LinkUnknown).replace("{key}", key),
            Notice::Refused {
                key,
                value,
                why,
                used,
            } => lang
                .t(Txt::LinkRefused)
                .replace("{key}", key)
                .replace("{value}", value)
                .replace("{why}", lang.t(*why).trim_end_matches('.'))
                .replace(
                    "{used}",
                    if used.is_empty() {
                        lang.t(Txt::LinkRunStart)
                    } else {
                        used
                    },
                ),
            Notice::Field {
                key,
                value,
                reason,
                used,
            } => lang
                .t(Txt::LinkRefused)
                .replace("{key}", key)
                .replace("{value}", value)
                .replace("{why}", &reason_text(reason, lang))
                .replace("{used}", used),
            Notice::Lesson { value, known } => lang
                .t(Txt::LinkLessonUnknown)
                .replace("{value}", value)
                .replace("{known}", known),
            Notice::LessonStep {
                value,
                lesson,
                steps,
            } => lang
                .t(Txt::LinkStepUnknown)
                .replace("{value}", value)
                .replace("{lesson}", lesson)
                .replace("{n}", &steps.to_string()),
            Notice::Action { value, why } => lang
                .t(Txt::LinkActionRefused)
                .replace("{value}", value)
                .replace("{why}", why),
            Notice::Newer { version } => lang
                .t(Txt::LinkNewer)
                .replace("{version}", &version.to_string())
                .replace("{known}", &Scenario::VERSION.to_string()),
        }
    }
}

/// Reads `key=value` pairs in order; later ones win. What is not used as given is
/// listed in [`Start::notices`].
pub fn parse(pairs: &[(String, String)]) -> Start {
    let mut cfg = with_preset(&Config::default(), "start_demo").expect("preset exists");
    let mut start = Start {
        config: cfg.clone(),
        lang: None,
        speed: DEFAULT_SPEED,
        view: View::default(),
        at: None,
        notices: Vec::new(),
        vs: (None, None),
        vs_ntp: None,
        vs_preset: None,
        actions: Vec::new(),
        lesson: None,
        projector: false,
    };
    // The version first: a newer link is not read at all (its fields may mean something
    // else there), only its language, so that the notice is in it.
    for (k, v) in pairs {
        if k == LINK_VERSION_KEY {
            if let Err(e) = scenario::link_version(Some(v)) {
                if let Some(version) = e.newer_version() {
                    start.lang = pairs
                        .iter()
                        .rev()
                        .find(|(k, _)| k == "lang")
                        .map(|(_, v)| Lang::from_tag(v));
                    start.notices.push(Notice::Newer { version });
                    return start;
                }
            }
        }
    }
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut actions: Vec<(String, Acted)> = Vec::new();
    let mut bad_actions = Vec::new();
    let mut notices = Vec::new();
    let mut refuse = |key: &str, value: &str, why: Txt, used: String| {
        notices.push(Notice::Refused {
            key: key.to_string(),
            value: value.to_string(),
            why,
            used,
        });
    };
    for (k, v) in pairs {
        let field = match k.as_str() {
            "preset" => {
                match with_preset(&cfg, v) {
                    Ok(c) => cfg = c,
                    Err(_) => refuse(k, v, Txt::LinkWhyPreset, cfg.preset.clone()),
                }
                continue;
            }
            "policy" => {
                match Policy::parse(v) {
                    Ok(p) => cfg = with_policy(&cfg, p),
                    Err(_) => refuse(k, v, Txt::LinkWhyPolicy, cfg.policy.name().to_string()),
                }
                continue;
            }
            "lang" => {
                start.lang = Some(Lang::from_tag(v));
                continue;
            }
            LINK_VERSION_KEY => {
                // Every version read here is version 1, the current one: nothing to
                // migrate. Newer ones were handled above.
                if scenario::link_version(Some(v)).is_err() {
                    refuse(k, v, Txt::LinkWhyVersion, Scenario::VERSION.to_string());
                }
                continue;
            }
            "speed" => {
                match SPEEDS.iter().position(|s| s.to_string() == *v) {
                    Some(i) => start.speed = i,
                    None => refuse(k, v, Txt::LinkWhySpeed, SPEEDS[start.speed].to_string()),
                }
                continue;
            }
            "view" => {
                match View::parse(v) {
                    Some(view) => start.view = view,
                    None => refuse(k, v, Txt::LinkWhyView, start.view.slug().to_string()),
                }
                continue;
            }
            "t" => {
                match parse_instant(v) {
                    Some(t) => start.at = Some(t),
                    None => refuse(k, v, Txt::LinkWhyTime, String::new()),
                }
                continue;
            }
            "vs" => {
                match Policy::parse(v) {
                    Ok(p) => start.vs.0 = Some(p),
                    Err(_) => refuse(k, v, Txt::LinkWhyPolicy, Policy::CommitWait.name().into()),
                }
                continue;
            }
            "eps" => {
                match crate::panels::compare::data::parse_eps(v) {
                    Some(e) => start.vs.1 = Some(e),
                    None => refuse(
                        k,
                        v,
                        Txt::CmpEpsBad,
                        crate::panels::compare::data::default_eps_ms(&cfg).to_string(),
                    ),
                }
                continue;
            }
            "lesson" => {
                let step = start.lesson.take().and_then(|l| l.1);
                start.lesson = Some((v.clone(), step));
                continue;
            }
            "step" => {
                let lesson = start.lesson.take().map(|l| l.0).unwrap_or_default();
                start.lesson = Some((lesson, Some(v.clone())));
                continue;
            }
            "projector" => {
                match v.as_str() {
                    "on" => start.projector = true,
                    "off" => start.projector = false,
                    _ => refuse(k, v, Txt::LinkWhyProjector, "off".into()),
                }
                continue;
            }
            "vs_ntp" => {
                match v.as_str() {
                    "on" => start.vs_ntp = Some(true),
                    "off" => start.vs_ntp = Some(false),
                    "same" => start.vs_ntp = None,
                    _ => refuse(k, v, Txt::LinkWhyOnOff, "same".into()),
                }
                continue;
            }
            "vs_preset" => {
                match driftlab_sim::presets::PRESETS.iter().find(|p| p.name == v) {
                    Some(p) => start.vs_preset = Some(p.name),
                    None if v == "same" => start.vs_preset = None,
                    None => refuse(k, v, Txt::LinkWhyPreset, "same".into()),
                }
                continue;
            }
            "act" => {
                match scenario::parse_action(v) {
                    Ok(a) => actions.push((v.clone(), a)),
                    Err(why) => bad_actions.push(Notice::Action {
                        value: v.clone(),
                        why,
                    }),
                }
                continue;
            }
            "seed" => Field::Seed,
            "opening" => Field::Opening,
            "customers" => Field::Customers,
            "rows" => Field::Rows,
            "cols" => Field::Cols,
            _ if scenario::is_config_key(k) => {
                fields.push((k.clone(), v.clone()));
                continue;
            }
            _ => {
                notices_unknown(&mut start, k);
                continue;
            }
        };
        match field.apply(&cfg, v) {
            Ok(c) => cfg = c,
            Err(why) => refuse(k, v, why, field.text(&cfg)),
        }
    }
    // The config's fields over the preset and the bar's settings, then the actions
    // the run can replay.
    let (cfg, problems) = scenario::apply_pairs(&cfg, &fields);
    for p in problems {
        match p {
            Problem::Unknown { key } => notices_unknown(&mut start, &key),
            Problem::Refused {
                key,
                value,
                reason,
                used,
            } => notices.push(Notice::Field {
                key,
                value,
                reason,
                used,
            }),
        }
    }
    while let Err(e) = Sim::check_actions(
        &cfg,
        &actions.iter().map(|a| a.1.clone()).collect::<Vec<_>>(),
    ) {
        let i = e
            .field()
            .strip_prefix("actions[")
            .and_then(|r| r.split(']').next())
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&i| i < actions.len())
            .unwrap_or(actions.len() - 1);
        let (value, _) = actions.remove(i);
        bad_actions.push(Notice::Action {
            value,
            why: e.to_string(),
        });
    }
    start.actions = actions.into_iter().map(|a| a.1).collect();
    start.config = cfg;
    // Refusals first, in the link's order, then the actions left out, then unknown
    // names.
    notices.append(&mut bad_actions);
    notices.append(&mut start.notices);
    start.notices = notices;
    start
}

/// The config a link's `preset=NAME` starts from: the preset with the bar's default
/// settings (what [`parse`] has after reading it); the default start if the name is no
/// preset.
fn link_base(preset: &str) -> Config {
    let first = with_preset(&Config::default(), "start_demo").expect("preset exists");
    with_preset(&first, preset).unwrap_or(first)
}

/// The query string (without `?`) of a link to this very run at this moment: the
/// preset, every config field that differs from it, the live actions, the view, the
/// instant (none: the run's start) and the side-by-side view's `extra` pairs.
/// [`parse`] reads it back to the same config, actions, view and instant.
pub fn share_query(
    cfg: &Config,
    actions: &[Acted],
    view: View,
    at: Option<Time>,
    extra: &[(String, String)],
) -> String {
    let known = driftlab_sim::presets::preset(&cfg.preset).is_ok();
    let mut pairs = vec![(LINK_VERSION_KEY.to_string(), Scenario::VERSION.to_string())];
    if known {
        pairs.push(("preset".to_string(), cfg.preset.clone()));
    }
    pairs.extend(scenario::config_pairs(&link_base(&cfg.preset), cfg));
    pairs.extend(
        actions
            .iter()
            .map(|a| ("act".to_string(), scenario::action_text(a))),
    );
    if view != View::Map {
        pairs.push(("view".into(), view.slug().into()));
    }
    if let Some(t) = at {
        pairs.push(("t".into(), scenario::format_instant(t)));
    }
    pairs.extend(extra.iter().cloned());
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v).replace("%3D", "=")))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes a query component, keeping what reads well and is safe in a query
/// (letters, digits, `-_.~:,@/!*()'`; a value also keeps `=`: a pair ends at its
/// first one).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~:,@/!*()'".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn notices_unknown(start: &mut Start, key: &str) {
    start.notices.push(Notice::Unknown {
        key: key.to_string(),
    });
}

/// Decodes one `application/x-www-form-urlencoded` component: `+` is a space, `%XX` a
/// byte; a malformed escape is kept as written.
pub fn decode(raw: &str) -> String {
    let b = raw.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escaped = match (b[i], b.get(i + 1), b.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) => hex(h).zip(hex(l)).map(|(h, l)| (h * 16 + l) as u8),
            _ => None,
        };
        match (escaped, b[i]) {
            (Some(byte), _) => {
                out.push(byte);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, c) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A query string (`?a=1&b=2`, the `?` optional) as decoded pairs, in order.
pub fn pairs_of(search: &str) -> Vec<(String, String)> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// The page's query string as pairs, every one of them (empty outside a browser).
pub fn query_pairs() -> Vec<(String, String)> {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .map(|search| pairs_of(&search))
        .unwrap_or_default()
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

/// Removes `keys` from the page's URL, replacing the current entry.
pub fn remove_params(keys: &[&str]) {
    let Some(w) = web_sys::window() else {
        return;
    };
    let search = w.location().search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return;
    };
    for k in keys {
        params.delete(k);
    }
    let url = format!("?{}", String::from(params.to_string()));
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Sets `key=value` pairs in the page's URL, replacing the current entry (the rest of
/// the query string is kept); an empty value takes its key out.
pub fn set_params(pairs: &[(&str, String)]) {
    let Some(w) = web_sys::window() else {
        return;
    };
    let search = w.location().search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return;
    };
    for (k, v) in pairs {
        if v.is_empty() {
            params.delete(k);
        } else {
            params.set(k, v);
        }
    }
    let url = format!("?{}", String::from(params.to_string()));
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use driftlab_sim::kernel::testing::pairs;

    #[test]
    fn defaults_and_parameters() {
        let s = parse(&[]);
        assert_eq!(s.config.preset, "start_demo");
        assert_eq!(SPEEDS[s.speed], 10.0);
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
        assert_eq!(s.config.crowd.customers, 2000, "a bad value is not used");
        assert_eq!(
            s.notices,
            vec![Notice::Refused {
                key: "customers".into(),
                value: "-3".into(),
                why: Txt::ErrCustomers,
                used: "2000".into(),
            }]
        );
        assert_eq!(SPEEDS[s.speed], 1000.0);
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

    #[test]
    fn what_the_link_gets_wrong_is_named_with_what_is_used_instead() {
        let s = parse(&pairs(&[
            ("preset", "extreme"),
            ("customerz", "500"),
            ("speed", "3"),
            ("view", "ntp"),
            ("view", "nowhere"),
            ("rows", "41"),
            ("t", "25:00:00"),
        ]));
        assert_eq!(s.config.preset, "start_demo");
        assert_eq!(s.view, View::Ntp, "the last good view stays");
        let en: Vec<String> = s.notices.iter().map(|n| n.text(Lang::En)).collect();
        assert_eq!(
            en,
            vec![
                "The link's “preset=extreme” was refused (no such preset); start_demo is used instead.",
                "The link's “speed=3” was refused (speeds are 0.01, 0.1, 1, 2, 5, 10, 20, 50, 100, 200, 500 or 1000); 10 is used instead.",
                "The link's “view=nowhere” was refused (views are map, clocks, gateway, ntp, hall, measures, anomalies, compare); ntp is used instead.",
                "The link's “rows=41” was refused (Enter a whole number from 1 to 40); 10 is used instead.",
                "The link's “t=25:00:00” was refused (a true time HH:MM:SS within the run); the run's start is used instead.",
                "The link's parameter “customerz” is unknown: it was ignored.",
            ]
        );
        assert_eq!(
            s.notices.last().unwrap().text(Lang::Fr),
            "Le paramètre « customerz » du lien est inconnu : il a été ignoré."
        );
        assert!(parse(&pairs(&[("preset", "reset"), ("lang", "fr")]))
            .notices
            .is_empty());
    }

    #[test]
    fn the_side_by_side_takes_a_policy_and_an_epsilon() {
        let s = parse(&pairs(&[
            ("view", "compare"),
            ("vs", "commit-wait"),
            ("eps", "31000"),
        ]));
        assert_eq!(s.view, View::Compare);
        assert_eq!(s.vs, (Some(Policy::CommitWait), Some(31_000.0)));
        assert!(s.notices.is_empty());
        let s = parse(&pairs(&[("vs", "mutex"), ("eps", "-1")]));
        assert_eq!(s.vs, (None, None));
        let en: Vec<String> = s.notices.iter().map(|n| n.text(Lang::En)).collect();
        assert_eq!(en.len(), 2);
        assert!(en[0].starts_with("The link's “vs=mutex” was refused (no such policy)"));
        assert!(en[0].ends_with("commit-wait is used instead."), "{}", en[0]);
        assert!(en[1].starts_with("The link's “eps=-1” was refused (ε must be a number"));
        // start_demo's clocks are up to 5 s off: one second more.
        assert!(en[1].ends_with("6000 is used instead."), "{}", en[1]);
    }

    #[test]
    fn the_side_by_side_takes_b_s_ntp_and_preset() {
        let s = parse(&pairs(&[
            ("view", "compare"),
            ("vs", "hlc"),
            ("vs_ntp", "on"),
            ("vs_preset", "major_drift"),
        ]));
        assert_eq!(s.vs.0, Some(Policy::Hlc));
        assert_eq!((s.vs_ntp, s.vs_preset), (Some(true), Some("major_drift")));
        assert!(s.notices.is_empty());
        let s = parse(&pairs(&[("vs_ntp", "off"), ("vs_preset", "same")]));
        assert_eq!((s.vs_ntp, s.vs_preset), (Some(false), None));
        // Old links (no vs_ntp, no vs_preset): b as in a.
        let s = parse(&pairs(&[("view", "compare"), ("vs", "commit-wait")]));
        assert_eq!((s.vs_ntp, s.vs_preset), (None, None));
        assert!(s.notices.is_empty());
        // Bad values: refused, said in both languages, b as in a.
        let s = parse(&pairs(&[("vs_ntp", "maybe"), ("vs_preset", "huge_drift")]));
        assert_eq!((s.vs_ntp, s.vs_preset), (None, None));
        let en: Vec<String> = s.notices.iter().map(|n| n.text(Lang::En)).collect();
        assert_eq!(
            en,
            [
                "The link's “vs_ntp=maybe” was refused (on, off or same, as in a); same is used instead.",
                "The link's “vs_preset=huge_drift” was refused (no such preset); same is used instead.",
            ]
        );
        assert_eq!(
            s.notices[0].text(Lang::Fr),
            "« vs_ntp=maybe » dans le lien a été refusé (on, off ou same, comme dans a) ; same est utilisé à la place."
        );
    }

    #[test]
    fn a_shared_link_gives_back_the_same_run_at_the_same_moment() {
        use driftlab_sim::timesync::Fault;
        use driftlab_sim::Action;
        let mut cfg = with_preset(&parse(&[]).config, "extreme_drift").unwrap();
        cfg.servers[2].clock.offset_ms = 4000.5;
        cfg.ntp.enabled = true;
        cfg.seed = 9;
        cfg.policy = Policy::Hlc;
        cfg.crowd.customers = 300;
        let actions = vec![
            Acted {
                at: Time(36_010 * SEC),
                after_events: 812,
                action: Action::SetOffset {
                    server: 1,
                    offset_ns: -2_000_000_000,
                },
            },
            Acted {
                at: Time(36_020 * SEC + SEC / 4),
                after_events: 1_500,
                action: Action::Inject(Fault::ClockBump {
                    server: 3,
                    delta_ms: 2500.0,
                    at_s: 36_020.25,
                }),
            },
        ];
        let at = Some(Time(36_030 * SEC + SEC / 2));
        let q = share_query(&cfg, &actions, View::Clocks, at, &[]);
        assert_eq!(
            q,
            "v=1&preset=extreme_drift&crowd.customers=300&ntp.enabled=true&policy=hlc&seed=9\
             &servers.2.clock.offset_ms=4000.5\
             &act=10:00:10,812,set_offset,offset_ns=-2000000000,server=1\
             &act=10:00:20.25,1500,inject,at_s=36020.25,delta_ms=2500.0,kind=clock_bump,server=3\
             &view=clocks&t=10:00:30.5"
        );
        let s = parse(&pairs_of(&q));
        assert_eq!(s.notices, vec![]);
        assert_eq!(
            (s.config, s.actions, s.view, s.at),
            (cfg.clone(), actions, View::Clocks, at)
        );
        // The preset alone, at its start, on the map: a short link.
        let plain = with_preset(&parse(&[]).config, "synced").unwrap();
        assert_eq!(
            share_query(&plain, &[], View::Map, None, &[]),
            "v=1&preset=synced"
        );
        // A gateway preset keeps its own crowd; a config of no preset is all fields.
        let gw = with_preset(&parse(&[]).config, "lb_slow_instance").unwrap();
        assert_eq!(
            parse(&pairs_of(&share_query(&gw, &[], View::Map, None, &[]))).config,
            gw
        );
        assert_eq!(encode("a b&c=d/é"), "a%20b%26c%3Dd/%C3%A9");
    }

    #[test]
    fn a_bad_field_or_action_is_named_with_what_is_used_instead() {
        let s = parse(&pairs(&[
            ("preset", "extreme_drift"),
            ("servers.1.clock.skew_ppm", "5000"),
            ("ntp.poll", "6"),
            ("act", "10:00:10,5,set_offset,offset_ns=1,server=7"),
            ("act", "10:00:10,5,warp"),
        ]));
        assert_eq!(s.config.servers[1].clock.skew_ppm, 0.0);
        assert!(s.actions.is_empty());
        let en: Vec<String> = s.notices.iter().map(|n| n.text(Lang::En)).collect();
        assert_eq!(
            en[0],
            "The link's “servers.1.clock.skew_ppm=5000” was refused (must be between -1000 and 1000 ppm); 0.0 is used instead."
        );
        assert!(
            en[1].starts_with("The link's action “10:00:10,5,warp” was refused (unknown variant"),
            "{}",
            en[1]
        );
        assert!(en[2].starts_with("The link's action “10:00:10,5,set_offset,offset_ns=1,server=7” was refused (actions[0].server: must be between 0 and 4"), "{}", en[2]);
        assert_eq!(
            en[3],
            "The link's parameter “ntp.poll” is unknown: it was ignored."
        );
        assert_eq!(
            s.notices[0].text(Lang::Fr),
            "« servers.1.clock.skew_ppm=5000 » dans le lien a été refusé (doit être entre -1000 et 1000 ppm) ; 0.0 est utilisé à la place."
        );
    }

    #[test]
    fn projector_mode_is_on_off_or_named_in_the_notice() {
        let on = parse(&pairs(&[("preset", "reset"), ("projector", "on")]));
        assert!(on.projector);
        assert!(on.notices.is_empty());
        assert!(!parse(&pairs(&[("projector", "off")])).projector);
        // A link made before projector mode: the usual page, nothing to say.
        let old = parse(&pairs(&[("preset", "reset"), ("view", "hall")]));
        assert!(!old.projector);
        assert!(old.notices.is_empty());
        // The last one wins, as for every parameter.
        assert!(!parse(&pairs(&[("projector", "on"), ("projector", "off")])).projector);
        let bad = parse(&pairs(&[("projector", "yes"), ("view", "hall")]));
        assert!(!bad.projector);
        assert_eq!(bad.view, View::Hall, "the rest of the link is used");
        assert_eq!(
            bad.notices[0].text(Lang::En),
            "The link's “projector=yes” was refused (on or off); off is used instead."
        );
        assert_eq!(
            bad.notices[0].text(Lang::Fr),
            "« projector=yes » dans le lien a été refusé (on ou off) ; off est utilisé à la place."
        );
        // A shared link carries it among the extra pairs, and reads back.
        let cfg = with_preset(&parse(&[]).config, "synced").unwrap();
        let q = share_query(
            &cfg,
            &[],
            View::Clocks,
            None,
            &[("projector".into(), "on".into())],
        );
        assert_eq!(q, "v=1&preset=synced&view=clocks&projector=on");
        let back = parse(&pairs_of(&q));
        assert_eq!((back.projector, back.view), (true, View::Clocks));
        assert!(back.notices.is_empty());
    }

    #[test]
    fn a_link_without_a_version_is_version_1() {
        let with = parse(&pairs(&[("v", "1"), ("preset", "reset"), ("seed", "9")]));
        let without = parse(&pairs(&[("preset", "reset"), ("seed", "9")]));
        assert_eq!(with, without);
        assert_eq!(with.notices, vec![]);
        assert_eq!(
            (with.config.preset.as_str(), with.config.seed),
            ("reset", 9)
        );
    }

    #[test]
    fn a_link_from_a_newer_driftlab_is_not_opened_and_says_what_to_do() {
        let s = parse(&pairs(&[
            ("lang", "fr"),
            ("v", "2"),
            ("preset", "reset"),
            ("hall.seats_total", "40"),
            ("view", "ntp"),
        ]));
        assert_eq!(s.notices, vec![Notice::Newer { version: 2 }]);
        assert_eq!(s.lang, Some(Lang::Fr), "the notice in the link's language");
        let usual = parse(&[]);
        assert_eq!(
            (s.config, s.view),
            (usual.config, usual.view),
            "nothing of it read"
        );
        assert_eq!(
            s.notices[0].text(Lang::En),
            "This link was made by a newer version of Driftlab (link format 2; this one reads up to 1): it was not opened. Open it with that newer Driftlab, or ask for a link made with this one."
        );
        assert_eq!(
            s.notices[0].text(Lang::Fr),
            "Ce lien a été fait par une version plus récente de Driftlab (format de lien 2 ; celle-ci lit jusqu'au 1) : il n'a pas été ouvert. Ouvrez-le avec cette version plus récente, ou demandez un lien fait avec celle-ci."
        );
    }

    #[test]
    fn a_version_that_is_no_version_is_named_and_the_rest_is_read() {
        let s = parse(&pairs(&[("v", "x"), ("preset", "reset")]));
        assert_eq!(s.config.preset, "reset");
        assert_eq!(
            s.notices[0].text(Lang::En),
            "The link's “v=x” was refused (a link format version, 1 for this Driftlab); 1 is used instead."
        );
    }

    #[test]
    fn query_strings_are_decoded() {
        assert_eq!(decode("a+b%3Ac%2"), "a b:c%2");
        assert_eq!(decode("%C3%A9t%C3%A9"), "été");
        assert_eq!(
            pairs_of("?preset=reset&t=10%3A01%3A00&flag"),
            vec![
                ("preset".to_string(), "reset".to_string()),
                ("t".to_string(), "10:01:00".to_string()),
                ("flag".to_string(), String::new()),
            ]
        );
        assert!(pairs_of("").is_empty());
    }
}

//! Guided lessons: a chapter of the story told one step at a time, as data.
//!
//! A lesson is a JSON file (format [`Lesson::FORMAT`], described field by field in
//! `docs/LESSONS.md`). Each step sets up a scenario (a preset with fields changed, or a
//! link's query string), asks the class a question with two to five choices, reads the
//! answer from the finished run's [`Report`] (a named measure, or the server with the
//! most or least of a per-server figure), says what to highlight in which view, and
//! explains what happened in two or three sentences whose `{placeholders}` are filled
//! from the same report.
//!
//! **Measures are named by their path in the report's JSON form**
//! (`driftlab run --json`): `wrong_winners`, `consistency.seats_with_several_holders`,
//! `servers.1.offset_ms`, `data.writes_lost`. Nothing here lists them: a measure added
//! to [`Report`] can be referenced by a lesson with no change to this module. Whether a
//! name exists is checked against the report of the step's own scenario (built, not
//! run), so a layer's measures (`cache.hit_ratio`) are known exactly when the step's
//! scenario has that layer.
//!
//! **Reading a lesson** ([`Lesson::from_json`]) checks it whole: the JSON, every field's
//! type, every preset and scenario field, every action, every choice and every
//! placeholder. A bad file is refused with the field's path
//! (`steps[1].choices[2].max`) and what is allowed, never a panic.
//!
//! **Running a step** is the caller's: [`Step::scenario`] gives the config and the
//! actions; once the run is over, [`Step::outcome`] reads its report and returns the
//! answer, the highlighted figure and the explanation with its numbers, in both
//! languages.
//!
//! # Examples
//! ```
//! use driftlab_sim::lesson::{self, Lesson};
//! use driftlab_sim::Sim;
//! let lessons = lesson::shipped().unwrap();
//! let first = &lessons[0];
//! let step = &first.steps[0];
//! let (cfg, actions) = step.scenario();
//! let mut sim = Sim::with_actions(cfg, &actions).unwrap();
//! sim.run();
//! let out = step.outcome(&sim.report()).unwrap();
//! assert!(out.right < step.choices.len());
//! assert!(!out.explain_en.contains('{'));
//! assert!(Lesson::from_json("{}").unwrap_err().field() == "format");
//! ```

use crate::config::{Config, ConfigError};
use crate::presets::{self, Lang};
use crate::report::Report;
use crate::scenario::{self, Problem};
use crate::sim::{Acted, Sim};
use serde_json::{Map, Value};

/// The shipped lessons' files, in the order of the course.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "clocks-drift",
        include_str!("../../../lessons/clocks-drift.json"),
    ),
    ("ntp", include_str!("../../../lessons/ntp.json")),
    (
        "double-bookings",
        include_str!("../../../lessons/double-bookings.json"),
    ),
    ("cures", include_str!("../../../lessons/cures.json")),
    ("gateway", include_str!("../../../lessons/gateway.json")),
    ("data", include_str!("../../../lessons/data.json")),
];

/// Every shipped lesson, read and checked, in the order of the course.
pub fn shipped() -> Result<Vec<Lesson>, ConfigError> {
    SHIPPED
        .iter()
        .map(|(name, text)| {
            Lesson::from_json(text).map_err(|e| {
                let field = format!("lessons/{name}.json: {}", e.field());
                e.with_field(field)
            })
        })
        .collect()
}

/// The views a step may highlight in, by their names in the app's URL (`?view=`).
pub const VIEWS: &[&str] = &[
    "map",
    "clocks",
    "gateway",
    "ntp",
    "hall",
    "measures",
    "anomalies",
    "compare",
    "data",
    "sources",
    "feed",
];

/// A text in both languages.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    /// English.
    pub en: String,
    /// French.
    pub fr: String,
}

impl Text {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Fr => &self.fr,
        }
    }
}

/// How a step's answer is read from the finished run.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// A number of the report, by its path (`wrong_winners`, `servers.0.offset_ms`);
    /// the right choice is the one whose range holds it.
    Measure(String),
    /// The server with the most (or least) of one of its figures in the report's
    /// per-server lines (`confirmed`, `offset_ms`); the right choice names it.
    Server {
        /// `true`: the most; `false`: the least.
        most: bool,
        /// The per-server figure compared (a field of `servers[i]`).
        by: String,
    },
}

/// One answer the class can pick.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// Its name, unique in the step (what a browser test clicks).
    pub id: String,
    /// What the class reads.
    pub text: Text,
    /// For a measure: the least value it stands for (inclusive; none: no lower bound).
    pub min: Option<f64>,
    /// For a measure: the largest value it stands for (inclusive; none: no upper bound).
    pub max: Option<f64>,
    /// For a server answer: the server it names, from 1.
    pub server: Option<usize>,
}

impl Choice {
    fn holds(&self, x: f64) -> bool {
        self.min.is_none_or(|lo| x >= lo) && self.max.is_none_or(|hi| x <= hi)
    }
}

/// What the app outlines once the step has run.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A figure, by its path in the report (the app's panels tag it `data-measure`).
    Measure(String),
    /// A server, from 1 (its card, its box).
    Server(usize),
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Its name, unique in the lesson.
    pub id: String,
    /// Its title.
    pub title: Text,
    /// Its scenario's config.
    pub config: Config,
    /// Its scenario's live actions.
    pub actions: Vec<Acted>,
    /// The question asked before the run.
    pub question: Text,
    /// How the answer is read.
    pub answer: Answer,
    /// The answers offered.
    pub choices: Vec<Choice>,
    /// The view the highlighted figure is shown in (a name of [`VIEWS`]).
    pub view: String,
    /// What is highlighted there.
    pub target: Target,
    /// The explanation, with `{placeholders}`.
    pub explain: Text,
}

/// A lesson: one chapter of the story.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// Its name in links (`?lesson=clocks-drift`).
    pub id: String,
    /// Its title.
    pub title: Text,
    /// One or two sentences: what the chapter is about.
    pub intro: Text,
    /// Its steps, in order.
    pub steps: Vec<Step>,
}

/// A step's run, read: the answer, the figure to highlight and the explanation.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The index of the right choice.
    pub right: usize,
    /// The answer's figure as a number (the measure, or the server's figure).
    pub value: f64,
    /// For a server answer, the server, from 1.
    pub server: Option<usize>,
    /// The answer as shown, in English (`23`, `server-2 (110)`).
    pub figure_en: String,
    /// The same in French.
    pub figure_fr: String,
    /// The highlighted target's value as a number (what its view shows).
    pub target_value: f64,
    /// The explanation with the run's numbers, in English.
    pub explain_en: String,
    /// The same in French.
    pub explain_fr: String,
}

impl Outcome {
    /// The explanation in `lang`.
    pub fn explain(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.explain_en,
            Lang::Fr => &self.explain_fr,
        }
    }
    /// The answer's figure in `lang`.
    pub fn figure(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.figure_en,
            Lang::Fr => &self.figure_fr,
        }
    }
}

impl Lesson {
    /// The `format` of Driftlab's lesson files.
    pub const FORMAT: &'static str = "driftlab-lesson-1";

    /// Reads a lesson file and checks it whole (see the module's documentation). The
    /// error names the first field refused by its path and says what is allowed.
    pub fn from_json(text: &str) -> Result<Lesson, ConfigError> {
        let v: Value = serde_json::from_str(text)
            .map_err(|e| ConfigError::new("", format!("not a JSON file: {e}")))?;
        let root = Obj::new(&v, "")?;
        root.only(&["format", "id", "title", "intro", "steps"])?;
        let format = root.string("format")?;
        if format != Lesson::FORMAT {
            return Err(ConfigError::new(
                "format",
                format!("must be {:?}", Lesson::FORMAT),
            ));
        }
        let id = root.name("id")?;
        let title = root.text("title")?;
        let intro = root.text("intro")?;
        let steps_v = root.array("steps")?;
        if steps_v.is_empty() || steps_v.len() > 20 {
            return Err(ConfigError::new("steps", "must hold 1 to 20 steps"));
        }
        let mut steps = Vec::new();
        for (i, s) in steps_v.iter().enumerate() {
            let step = read_step(s, &format!("steps[{i}]"))?;
            if steps.iter().any(|o: &Step| o.id == step.id) {
                return Err(ConfigError::new(
                    format!("steps[{i}].id"),
                    format!("{:?} is already the name of another step", step.id),
                ));
            }
            steps.push(step);
        }
        Ok(Lesson {
            id,
            title,
            intro,
            steps,
        })
    }

    /// The step named `id`, or at position `id` counted from 1; its index.
    pub fn step(&self, id: &str) -> Option<usize> {
        if let Ok(n) = id.parse::<usize>() {
            return (1..=self.steps.len()).contains(&n).then(|| n - 1);
        }
        self.steps.iter().position(|s| s.id == id)
    }
}

impl Step {
    /// The step's scenario: its config and live actions.
    pub fn scenario(&self) -> (Config, Vec<Acted>) {
        (self.config.clone(), self.actions.clone())
    }

    /// The step's answer, highlighted figure and explanation, read from the report of
    /// its finished run. An error names the field that cannot be read (a measure that
    /// is `null` in this run, a value no choice holds).
    pub fn outcome(&self, report: &Report) -> Result<Outcome, ConfigError> {
        let rv = crate::json::to_value(&report);
        let (right, value, server) = match &self.answer {
            Answer::Measure(path) => {
                let x = number(&rv, path).ok_or_else(|| {
                    ConfigError::new(
                        "answer.measure",
                        format!("{path:?} is not a number in this run"),
                    )
                })?;
                let right = self
                    .choices
                    .iter()
                    .position(|c| c.holds(x))
                    .ok_or_else(|| {
                        ConfigError::new(
                            "choices",
                            format!("no choice holds the run's {path} = {x}"),
                        )
                    })?;
                (right, x, None)
            }
            Answer::Server { most, by } => {
                let (n, x) = pick_server(&rv, *most, by).ok_or_else(|| {
                    ConfigError::new("answer.by", format!("{by:?} is not a server's number"))
                })?;
                let right = self
                    .choices
                    .iter()
                    .position(|c| c.server == Some(n))
                    .ok_or_else(|| {
                        ConfigError::new("choices", format!("no choice names server {n}"))
                    })?;
                (right, x, Some(n))
            }
        };
        let target_value = match &self.target {
            Target::Measure(p) => number(&rv, p),
            Target::Server(n) => match &self.answer {
                Answer::Server { by, .. } => number(&rv, &format!("servers.{}.{by}", n - 1)),
                Answer::Measure(_) => Some(*n as f64),
            },
        }
        .ok_or_else(|| ConfigError::new("highlight", "is not a number in this run"))?;
        let figure = |lang: Lang| match server {
            Some(n) => format!("server-{n} ({})", format_number(value, None, lang)),
            None => format_number(value, None, lang),
        };
        let fill = |lang: Lang| {
            fill(self.explain.get(lang), &rv, lang, &figure(lang)).map_err(|e| {
                let field = format!("explain.{}", lang_code(lang));
                ConfigError::new(field, e)
            })
        };
        Ok(Outcome {
            right,
            value,
            server,
            figure_en: figure(Lang::En),
            figure_fr: figure(Lang::Fr),
            target_value,
            explain_en: fill(Lang::En)?,
            explain_fr: fill(Lang::Fr)?,
        })
    }
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Fr => "fr",
    }
}

/// The value at a dotted path of the report's JSON (`servers.1.offset_ms`).
fn lookup<'a>(rv: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = rv;
    for part in path.split('.') {
        cur = match cur {
            Value::Object(o) => o.get(part)?,
            Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn number(rv: &Value, path: &str) -> Option<f64> {
    lookup(rv, path)?.as_f64()
}

/// The server (from 1) with the most or least `by`, and that figure; the first one
/// on a tie.
fn pick_server(rv: &Value, most: bool, by: &str) -> Option<(usize, f64)> {
    let servers = rv.get("servers")?.as_array()?;
    let mut best: Option<(usize, f64)> = None;
    for (i, s) in servers.iter().enumerate() {
        let x = s.get(by)?.as_f64()?;
        let better = match best {
            None => true,
            Some((_, b)) => (most && x > b) || (!most && x < b),
        };
        if better {
            best = Some((i + 1, x));
        }
    }
    best
}

/// A number as a lesson's text shows it in `lang`: whole numbers with their digits
/// grouped, others with `decimals` decimals (default 1), French with a decimal comma.
pub fn format_number(x: f64, decimals: Option<usize>, lang: Lang) -> String {
    let whole = x.fract() == 0.0 && x.abs() < 1e15;
    let d = decimals.unwrap_or(if whole { 0 } else { 1 });
    let text = format!("{:.*}", d, x.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let sep = match lang {
        Lang::En => ",",
        Lang::Fr => "\u{202f}",
    };
    let digits: Vec<char> = int.chars().collect();
    let mut grouped = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push_str(sep);
        }
        grouped.push(*c);
    }
    let sign = if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "−"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        let point = if lang == Lang::Fr { "," } else { "." };
        format!("{sign}{grouped}{point}{frac}")
    }
}

/// A placeholder's value as text: numbers by [`format_number`], strings as they are,
/// lists of strings joined.
fn show(v: &Value, decimals: Option<usize>, lang: Lang) -> Option<String> {
    Some(match v {
        Value::Number(n) => format_number(n.as_f64()?, decimals, lang),
        Value::String(s) => s.clone(),
        Value::Bool(b) => match (b, lang) {
            (true, Lang::En) => "yes".into(),
            (false, Lang::En) => "no".into(),
            (true, Lang::Fr) => "oui".into(),
            (false, Lang::Fr) => "non".into(),
        },
        Value::Array(a) => {
            if a.is_empty() {
                return Some(if lang == Lang::En { "none" } else { "aucun" }.into());
            }
            a.iter()
                .map(|x| x.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()?
                .join(", ")
        }
        _ => return None,
    })
}

/// The placeholders of `text`: `(path, decimals)` for each `{path}` or `{path:N}`.
fn placeholders(text: &str) -> Result<Vec<(String, Option<usize>)>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("a \"}\" without its \"{\"".into());
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or("a \"{\" without its \"}\"")?;
        let inner = &after[..close];
        let (path, dec) = match inner.split_once(':') {
            Some((p, d)) => (
                p,
                Some(d.parse::<usize>().ok().filter(|&d| d <= 6).ok_or_else(|| {
                    format!("{{{inner}}}: the decimals after \":\" must be 0 to 6")
                })?),
            ),
            None => (inner, None),
        };
        let ok = !path.is_empty()
            && path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
        if !ok {
            return Err(format!(
                "{{{inner}}} is not a placeholder: {{answer}} or a measure's path such as {{wrong_winners}} or {{servers.1.offset_ms:1}}"
            ));
        }
        out.push((path.to_string(), dec));
        rest = &after[close + 1..];
    }
    Ok(out)
}

/// `text` with its placeholders filled from the report `rv`; `{answer}` is `answer`.
fn fill(text: &str, rv: &Value, lang: Lang, answer: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    for (path, dec) in placeholders(text)? {
        let open = rest.find('{').expect("counted");
        let close = open + rest[open..].find('}').expect("counted");
        out.push_str(&rest[..open]);
        if path == "answer" {
            out.push_str(answer);
        } else {
            let v = lookup(rv, &path)
                .and_then(|v| show(v, dec, lang))
                .ok_or_else(|| format!("{{{path}}} has no value in this run"))?;
            out.push_str(&v);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Known measure names near `path` (for the error message): the report's fields at
/// the deepest level that exists.
fn known_near(rv: &Value, path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    let mut cur = rv;
    let mut prefix = String::new();
    for part in &parts[..parts.len().saturating_sub(1)] {
        match lookup(cur, part) {
            Some(next @ (Value::Object(_) | Value::Array(_))) => {
                cur = next;
                prefix.push_str(part);
                prefix.push('.');
            }
            _ => break,
        }
    }
    match cur {
        Value::Object(o) => o
            .iter()
            .filter(|(_, v)| !matches!(v, Value::Object(_) | Value::Array(_) | Value::Null))
            .map(|(k, _)| format!("{prefix}{k}"))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Array(a) => format!("{prefix}0 to {prefix}{}", a.len().saturating_sub(1)),
        _ => String::new(),
    }
}

// ----- reading the file ---------------------------------------------------------------

/// A JSON object being read, with its path for errors.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Obj<'a> {
    fn new(v: &'a Value, path: &str) -> Result<Obj<'a>, ConfigError> {
        match v {
            Value::Object(map) => Ok(Obj {
                map,
                path: path.to_string(),
            }),
            _ => Err(ConfigError::new(path, "must be a JSON object")),
        }
    }
    fn at(&self, key: &str) -> String {
        // A key that is the empty string is still named: `""`.
        let key = if key.is_empty() { "\"\"" } else { key };
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }
    /// Refuses a field not in `allowed`.
    fn only(&self, allowed: &[&str]) -> Result<(), ConfigError> {
        for k in self.map.keys() {
            if !allowed.contains(&k.as_str()) {
                return Err(ConfigError::new(
                    self.at(k),
                    format!("unknown field; allowed here: {}", allowed.join(", ")),
                ));
            }
        }
        Ok(())
    }
    fn get(&self, key: &str) -> Result<&'a Value, ConfigError> {
        self.map
            .get(key)
            .ok_or_else(|| ConfigError::new(self.at(key), "missing"))
    }
    fn string(&self, key: &str) -> Result<String, ConfigError> {
        match self.get(key)? {
            Value::String(s) if !s.trim().is_empty() => Ok(s.clone()),
            _ => Err(ConfigError::new(self.at(key), "must be a text, not empty")),
        }
    }
    /// A name: lower-case letters, digits, `-` and `_`.
    fn name(&self, key: &str) -> Result<String, ConfigError> {
        let s = self.string(key)?;
        let ok = s.len() <= 40
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if ok {
            Ok(s)
        } else {
            Err(ConfigError::new(
                self.at(key),
                "must be a name of up to 40 lower-case letters, digits, - and _",
            ))
        }
    }
    fn text(&self, key: &str) -> Result<Text, ConfigError> {
        let o = Obj::new(self.get(key)?, &self.at(key)).map_err(|e| {
            e.with_field(self.at(key))
                .with_message("must be {\"en\": …, \"fr\": …}")
        })?;
        o.only(&["en", "fr"])?;
        Ok(Text {
            en: o.string("en")?,
            fr: o.string("fr")?,
        })
    }
    fn array(&self, key: &str) -> Result<&'a Vec<Value>, ConfigError> {
        self.get(key)?
            .as_array()
            .ok_or_else(|| ConfigError::new(self.at(key), "must be a list [ … ]"))
    }
    fn opt_number(&self, key: &str) -> Result<Option<f64>, ConfigError> {
        match self.map.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| ConfigError::new(self.at(key), "must be a number")),
        }
    }
}

trait WithMessage {
    fn with_message(self, m: &str) -> ConfigError;
}
impl WithMessage for ConfigError {
    fn with_message(self, m: &str) -> ConfigError {
        ConfigError::new(self.field().to_string(), m)
    }
}

/// A scenario field's value as a link writes it.
fn link_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `%XX` and `+` of a link's query string, decoded.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => {
                match (
                    b.get(i + 1).copied().and_then(hex),
                    b.get(i + 2).copied().and_then(hex),
                ) {
                    (Some(h), Some(l)) => {
                        out.push(h * 16 + l);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The scenario of a step: `{"preset", "set", "actions"}` or `{"link"}`.
fn read_scenario(v: &Value, path: &str) -> Result<(Config, Vec<Acted>), ConfigError> {
    let o = Obj::new(v, path)?;
    o.only(&["preset", "set", "actions", "link"])?;
    let mut pairs: Vec<(String, String, String)> = Vec::new(); // key, value, field path
    let mut acts: Vec<(String, String)> = Vec::new(); // text, field path
    let preset;
    if let Some(link) = o.map.get("link") {
        let at = o.at("link");
        if o.map.len() > 1 {
            return Err(ConfigError::new(
                at,
                "give either \"link\" or \"preset\" with \"set\" and \"actions\", not both",
            ));
        }
        let link = link
            .as_str()
            .ok_or_else(|| ConfigError::new(&at, "must be a link's query string"))?;
        let query = link.split_once('?').map_or(link, |(_, q)| q);
        let mut p = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, val) = pair
                .split_once('=')
                .ok_or_else(|| ConfigError::new(&at, format!("{pair:?} is not name=value")))?;
            let (k, val) = (percent_decode(k), percent_decode(val));
            match k.as_str() {
                "preset" => p = Some(val),
                "act" => acts.push((val, at.clone())),
                "view" | "t" | "lang" | "speed" | "lesson" | "step" | "vs" | "eps" => {}
                _ => pairs.push((k.clone(), val, format!("{at} ({k})"))),
            }
        }
        preset = p.ok_or_else(|| ConfigError::new(&at, "must name its preset= "))?;
    } else {
        preset = o.string("preset")?;
        if let Some(set) = o.map.get("set") {
            let s = Obj::new(set, &o.at("set"))?;
            for (k, val) in s.map {
                pairs.push((k.clone(), link_text(val), s.at(k)));
            }
        }
        if o.map.contains_key("actions") {
            for (i, a) in o.array("actions")?.iter().enumerate() {
                let at = format!("{}[{i}]", o.at("actions"));
                let text = a.as_str().ok_or_else(|| {
                    ConfigError::new(&at, "must be an action as a link's act= writes it")
                })?;
                acts.push((text.to_string(), at));
            }
        }
    }
    let base = presets::preset(&preset).map_err(|e| {
        let field = if o.map.contains_key("link") {
            o.at("link")
        } else {
            o.at("preset")
        };
        ConfigError::new(field, e)
    })?;
    let kv: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v, _)| (k.clone(), v.clone()))
        .collect();
    let (cfg, problems) = scenario::apply_pairs(&base, &kv);
    if let Some(p) = problems.first() {
        let key = match p {
            Problem::Unknown { key } | Problem::Refused { key, .. } => key,
        };
        let field = pairs
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, _, f)| f.clone())
            .unwrap_or_else(|| o.at("set"));
        let msg = match p {
            Problem::Unknown { .. } => {
                "names no field of the scenario (a dotted path such as policy, crowd.customers, servers.1.clock.offset_ms)".to_string()
            }
            Problem::Refused { value, reason, .. } => match reason {
                scenario::Reason::Range(r) => format!(
                    "{value} is refused: must be between {} and {}{}",
                    r.lo, r.hi, r.unit
                ),
                scenario::Reason::Invalid(m) => format!("{value} is refused: {m}"),
            },
        };
        return Err(ConfigError::new(field, msg));
    }
    let mut actions = Vec::new();
    for (text, at) in &acts {
        actions.push(
            scenario::parse_action(text)
                .map_err(|e| ConfigError::new(at, format!("{text:?}: {e}")))?,
        );
    }
    Sim::check_actions(&cfg, &actions).map_err(|e| {
        let field = if o.map.contains_key("link") {
            o.at("link")
        } else {
            o.at("actions")
        };
        ConfigError::new(field, e.to_string())
    })?;
    Ok((cfg, actions))
}

fn read_step(v: &Value, path: &str) -> Result<Step, ConfigError> {
    let o = Obj::new(v, path)?;
    o.only(&[
        "id",
        "title",
        "scenario",
        "question",
        "answer",
        "choices",
        "highlight",
        "explain",
    ])?;
    let id = o.name("id")?;
    let title = o.text("title")?;
    let (config, actions) = read_scenario(o.get("scenario")?, &o.at("scenario"))?;
    let question = o.text("question")?;
    // The report of the scenario, built and not run: the names a step may use.
    let sim = Sim::with_actions(config.clone(), &[])
        .map_err(|e| ConfigError::new(o.at("scenario"), e.to_string()))?;
    let rv = crate::json::to_value(&sim.report());
    let servers = config.servers.len();

    let a = Obj::new(o.get("answer")?, &o.at("answer"))?;
    a.only(&["measure", "server", "by"])?;
    let answer = if a.map.contains_key("measure") {
        if a.map.len() > 1 {
            return Err(ConfigError::new(
                a.at("measure"),
                "give either \"measure\", or \"server\" with \"by\"",
            ));
        }
        let m = a.string("measure")?;
        check_measure(&rv, &m, &a.at("measure"))?;
        Answer::Measure(m)
    } else {
        let most = match a.string("server").map_err(|e| {
            e.with_message("must be \"most\" or \"least\" (or give \"measure\" instead)")
        })? {
            s if s == "most" => true,
            s if s == "least" => false,
            _ => {
                return Err(ConfigError::new(
                    a.at("server"),
                    "must be \"most\" or \"least\"",
                ))
            }
        };
        let by = a.string("by")?;
        check_measure(&rv, &format!("servers.0.{by}"), &a.at("by"))?;
        Answer::Server { most, by }
    };

    let cv = o.array("choices")?;
    if !(2..=5).contains(&cv.len()) {
        return Err(ConfigError::new(
            o.at("choices"),
            "must hold 2 to 5 choices",
        ));
    }
    let mut choices: Vec<Choice> = Vec::new();
    for (i, c) in cv.iter().enumerate() {
        let cp = format!("{}[{i}]", o.at("choices"));
        let c = Obj::new(c, &cp)?;
        let choice = match &answer {
            Answer::Measure(_) => {
                c.only(&["id", "en", "fr", "min", "max"])?;
                let (min, max) = (c.opt_number("min")?, c.opt_number("max")?);
                if min.is_none() && max.is_none() {
                    return Err(ConfigError::new(
                        c.at("min"),
                        "a choice of a measure needs \"min\", \"max\" or both (inclusive)",
                    ));
                }
                if let (Some(lo), Some(hi)) = (min, max) {
                    if lo > hi {
                        return Err(ConfigError::new(
                            c.at("max"),
                            format!("must be at least min ({lo})"),
                        ));
                    }
                }
                let ch = Choice {
                    id: c.name("id")?,
                    text: Text {
                        en: c.string("en")?,
                        fr: c.string("fr")?,
                    },
                    min,
                    max,
                    server: None,
                };
                for (j, other) in choices.iter().enumerate() {
                    let lo = ch
                        .min
                        .unwrap_or(f64::NEG_INFINITY)
                        .max(other.min.unwrap_or(f64::NEG_INFINITY));
                    let hi = ch
                        .max
                        .unwrap_or(f64::INFINITY)
                        .min(other.max.unwrap_or(f64::INFINITY));
                    if lo <= hi {
                        return Err(ConfigError::new(
                            c.at("min"),
                            format!("its range overlaps choice {j}'s: one value, one right choice"),
                        ));
                    }
                }
                ch
            }
            Answer::Server { .. } => {
                c.only(&["id", "en", "fr", "server"])?;
                let n = c.get("server")?.as_u64().map(|n| n as usize);
                let n = n.filter(|n| (1..=servers).contains(n)).ok_or_else(|| {
                    ConfigError::new(
                        c.at("server"),
                        format!("must be a server of the scenario, 1 to {servers}"),
                    )
                })?;
                if choices.iter().any(|o| o.server == Some(n)) {
                    return Err(ConfigError::new(
                        c.at("server"),
                        format!("server {n} is already another choice"),
                    ));
                }
                Choice {
                    id: c.name("id")?,
                    text: Text {
                        en: c.string("en")?,
                        fr: c.string("fr")?,
                    },
                    min: None,
                    max: None,
                    server: Some(n),
                }
            }
        };
        if choices.iter().any(|o| o.id == choice.id) {
            return Err(ConfigError::new(
                c.at("id"),
                format!("{:?} is already another choice's name", choice.id),
            ));
        }
        choices.push(choice);
    }

    let h = Obj::new(o.get("highlight")?, &o.at("highlight"))?;
    h.only(&["view", "measure", "server"])?;
    let view = h.string("view")?;
    if !VIEWS.contains(&view.as_str()) {
        return Err(ConfigError::new(
            h.at("view"),
            format!("must be one of the views: {}", VIEWS.join(", ")),
        ));
    }
    let target = if let Some(m) = h.map.get("measure") {
        let m = m
            .as_str()
            .ok_or_else(|| ConfigError::new(h.at("measure"), "must be a measure's path"))?;
        check_measure(&rv, m, &h.at("measure"))?;
        Target::Measure(m.to_string())
    } else if let Some(s) = h.map.get("server") {
        let n = s
            .as_u64()
            .map(|n| n as usize)
            .filter(|n| (1..=servers).contains(n));
        Target::Server(n.ok_or_else(|| {
            ConfigError::new(h.at("server"), format!("must be a server, 1 to {servers}"))
        })?)
    } else {
        match &answer {
            Answer::Measure(m) => Target::Measure(m.clone()),
            Answer::Server { .. } => {
                return Err(ConfigError::new(
                    h.at("server"),
                    "missing: a server answer highlights the server it names: give its number (the right one), or a \"measure\"",
                ))
            }
        }
    };

    let explain = o.text("explain")?;
    for (lang, text) in [("en", &explain.en), ("fr", &explain.fr)] {
        let at = format!("{}.{lang}", o.at("explain"));
        if text.chars().count() > 700 {
            return Err(ConfigError::new(
                at,
                "must be two or three sentences (at most 700 characters)",
            ));
        }
        for (p, _) in placeholders(text).map_err(|e| ConfigError::new(&at, e))? {
            if p != "answer" {
                check_value(&rv, &p, &at)?;
            }
        }
    }
    Ok(Step {
        id,
        title,
        config,
        actions,
        question,
        answer,
        choices,
        view,
        target,
        explain,
    })
}

/// Refuses `path` unless it names a number of the report.
fn check_measure(rv: &Value, path: &str, at: &str) -> Result<(), ConfigError> {
    match lookup(rv, path) {
        // A number, or none before the run (`null`) that the run gives.
        Some(Value::Number(_) | Value::Null) => Ok(()),
        _ => Err(ConfigError::new(
            at,
            format!(
                "{path:?} is not a number of this scenario's report; known here: {}",
                known_near(rv, path)
            ),
        )),
    }
}

/// Refuses a placeholder `path` unless it names a value of the report a text can show.
fn check_value(rv: &Value, path: &str, at: &str) -> Result<(), ConfigError> {
    let shown = lookup(rv, path).is_some_and(|v| match v {
        Value::Array(a) => a.iter().all(Value::is_string),
        Value::Object(_) => false,
        // Known, with no value before the run (a time source not yet chosen).
        _ => true,
    });
    if shown {
        Ok(())
    } else {
        Err(ConfigError::new(
            at,
            format!(
                "unknown placeholder {{{path}}}: not a figure of this scenario's report; known here: {}",
                known_near(rv, path)
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid one-step lesson, as JSON, to break field by field.
    fn good() -> Value {
        serde_json::json!({
            "format": "driftlab-lesson-1",
            "id": "t",
            "title": {"en": "T", "fr": "T"},
            "intro": {"en": "I", "fr": "I"},
            "steps": [{
                "id": "s",
                "title": {"en": "S", "fr": "S"},
                "scenario": {"preset": "reset", "set": {"crowd.customers": 20}},
                "question": {"en": "Q?", "fr": "Q ?"},
                "answer": {"measure": "wrong_winners"},
                "choices": [
                    {"id": "zero", "en": "0", "fr": "0", "max": 0},
                    {"id": "some", "en": "1+", "fr": "1+", "min": 1}
                ],
                "highlight": {"view": "measures"},
                "explain": {"en": "{wrong_winners} of {requests}.", "fr": "{wrong_winners} sur {requests}."}
            }]
        })
    }

    /// The field the lesson `v` is refused on, and the message.
    fn refused(v: &Value) -> (String, String) {
        let e = Lesson::from_json(&v.to_string()).expect_err("must be refused");
        (e.field().to_string(), e.message().to_string())
    }

    #[test]
    fn a_good_lesson_is_read() {
        let l = Lesson::from_json(&good().to_string()).unwrap();
        assert_eq!(l.steps.len(), 1);
        assert_eq!(l.steps[0].config.crowd.customers, 20);
        assert_eq!(l.steps[0].target, Target::Measure("wrong_winners".into()));
        assert_eq!(l.step("1"), Some(0));
        assert_eq!(l.step("s"), Some(0));
        assert_eq!(l.step("2"), None);
        assert_eq!(l.step("nope"), None);
    }

    #[test]
    fn bad_files_name_the_field() {
        let cases: Vec<(&str, Value, &str, &str)> = vec![
            (
                "/format",
                serde_json::json!("driftlab-lesson-0"),
                "format",
                "driftlab-lesson-1",
            ),
            ("/id", serde_json::json!("Not A Name"), "id", "lower-case"),
            ("/title/fr", serde_json::json!(""), "title.fr", "not empty"),
            ("/steps", serde_json::json!([]), "steps", "1 to 20"),
            (
                "/steps/0/scenario/preset",
                serde_json::json!("huge"),
                "steps[0].scenario.preset",
                "minor_drift",
            ),
            (
                "/steps/0/scenario/set/crowd.customers",
                serde_json::json!(-3),
                "steps[0].scenario.set.crowd.customers",
                "refused",
            ),
            (
                "/steps/0/scenario/set/servers.0.clock.skew_ppm",
                serde_json::json!(5000),
                "steps[0].scenario.set.servers.0.clock.skew_ppm",
                "between -1000 and 1000",
            ),
            (
                "/steps/0/scenario/set/nothing.here",
                serde_json::json!(1),
                "steps[0].scenario.set.nothing.here",
                "names no field",
            ),
            (
                "/steps/0/answer/measure",
                serde_json::json!("wrong_winner"),
                "steps[0].answer.measure",
                "wrong_winners",
            ),
            (
                "/steps/0/choices/1/min",
                serde_json::json!(0),
                "steps[0].choices[1].min",
                "overlaps",
            ),
            (
                "/steps/0/choices/1/max",
                serde_json::json!(-1),
                "steps[0].choices[1].max",
                "at least min",
            ),
            (
                "/steps/0/choices/1/id",
                serde_json::json!("zero"),
                "steps[0].choices[1].id",
                "already",
            ),
            (
                "/steps/0/highlight/view",
                serde_json::json!("kitchen"),
                "steps[0].highlight.view",
                "measures",
            ),
            (
                "/steps/0/explain/en",
                serde_json::json!("{wrong_winnerz} seats."),
                "steps[0].explain.en",
                "unknown placeholder {wrong_winnerz}",
            ),
            (
                "/steps/0/explain/fr",
                serde_json::json!("{wrong_winners seats."),
                "steps[0].explain.fr",
                "without its",
            ),
            (
                "/steps/0/explain/en",
                serde_json::json!("{servers.9.offset_ms}"),
                "steps[0].explain.en",
                "servers.0 to servers.2",
            ),
            (
                "/steps/0/explain/en",
                serde_json::json!("{servers}"),
                "steps[0].explain.en",
                "unknown placeholder",
            ),
            (
                "/steps/0/explain/en",
                serde_json::json!("{requests:9}"),
                "steps[0].explain.en",
                "0 to 6",
            ),
            (
                "/steps/0/scenario/actions",
                serde_json::json!(["10:00:05,0,set_offset,server=7,offset_ns=1"]),
                "steps[0].scenario.actions",
                "",
            ),
            (
                "/steps/0/scenario/actions",
                serde_json::json!(["soon"]),
                "steps[0].scenario.actions[0]",
                "HH:MM:SS",
            ),
        ];
        for (ptr, val, field, says) in cases {
            let mut v = good();
            let (parent, key) = ptr.rsplit_once('/').unwrap();
            let slot = v.pointer_mut(parent).unwrap();
            slot.as_object_mut().unwrap().insert(key.to_string(), val);
            let (f, m) = refused(&v);
            assert_eq!(f, field, "{ptr}: {m}");
            assert!(m.contains(says), "{ptr}: {m:?} should say {says:?}");
        }
    }

    #[test]
    fn structure_errors_name_the_field() {
        assert_eq!(refused(&serde_json::json!([1])).0, "");
        assert!(Lesson::from_json("{")
            .unwrap_err()
            .message()
            .contains("not a JSON file"));
        let mut v = good();
        v["extra"] = serde_json::json!(1);
        assert_eq!(
            refused(&v),
            (
                "extra".into(),
                "unknown field; allowed here: format, id, title, intro, steps".into()
            )
        );
        // A key that is the empty string is named too, at the top and inside a step
        // (the fuzzer's find: an empty path had said nothing of where).
        let mut v = good();
        v[""] = serde_json::json!(1);
        assert_eq!(refused(&v).0, "\"\"");
        let mut v = good();
        v["steps"][0][""] = serde_json::json!(true);
        assert_eq!(refused(&v).0, "steps[0].\"\"");
        let mut v = good();
        v["steps"][0].as_object_mut().unwrap().remove("question");
        assert_eq!(refused(&v), ("steps[0].question".into(), "missing".into()));
        let mut v = good();
        v["steps"][0]["choices"] = serde_json::json!([{"id": "a", "en": "a", "fr": "a", "min": 0}]);
        assert_eq!(refused(&v).0, "steps[0].choices");
        let mut v = good();
        v["steps"][0]["choices"][0] = serde_json::json!({"id": "a", "en": "a", "fr": "a"});
        assert_eq!(refused(&v).0, "steps[0].choices[0].min");
        let mut v = good();
        v["steps"][0]["title"] = serde_json::json!("just English");
        assert_eq!(refused(&v).0, "steps[0].title");
        let mut v = good();
        v["steps"][0]["scenario"] =
            serde_json::json!({"link": "?preset=reset&crowd.customers=abc"});
        assert_eq!(refused(&v).0, "steps[0].scenario.link (crowd.customers)");
        let mut v = good();
        v["steps"][0]["scenario"] = serde_json::json!({"link": "?crowd.customers=20"});
        assert_eq!(refused(&v).0, "steps[0].scenario.link");
        // A server answer: its choices name servers of the scenario.
        let mut v = good();
        v["steps"][0]["answer"] = serde_json::json!({"server": "most", "by": "confirmed"});
        v["steps"][0]["highlight"] = serde_json::json!({"view": "clocks", "server": 1});
        v["steps"][0]["choices"] = serde_json::json!([
            {"id": "a", "en": "a", "fr": "a", "server": 1},
            {"id": "b", "en": "b", "fr": "b", "server": 4}
        ]);
        assert_eq!(
            refused(&v),
            (
                "steps[0].choices[1].server".into(),
                "must be a server of the scenario, 1 to 3".into()
            )
        );
        v["steps"][0]["choices"][1]["server"] = serde_json::json!(2);
        v["steps"][0]["answer"]["by"] = serde_json::json!("sold");
        assert_eq!(refused(&v).0, "steps[0].answer.by");
        v["steps"][0]["answer"]["by"] = serde_json::json!("confirmed");
        v["steps"][0]["answer"]["server"] = serde_json::json!("best");
        assert_eq!(refused(&v).0, "steps[0].answer.server");
        v["steps"][0]["answer"]["server"] = serde_json::json!("most");
        assert!(Lesson::from_json(&v.to_string()).is_ok());
    }

    #[test]
    fn a_link_is_a_scenario_too() {
        let mut v = good();
        v["steps"][0]["scenario"] = serde_json::json!({
            "link": "https://example.org/?preset=reset&policy=no-lock&crowd.customers=20&act=10%3A00%3A05%2C0%2Cntp%2Con%3Dtrue%2Cserver%3D0&view=hall"
        });
        let l = Lesson::from_json(&v.to_string()).unwrap();
        let s = &l.steps[0];
        assert_eq!(s.config.policy, crate::config::Policy::NoLock);
        assert_eq!(s.config.crowd.customers, 20);
        assert_eq!(s.actions.len(), 1);
    }

    #[test]
    fn numbers_are_written_for_the_class() {
        assert_eq!(format_number(1204.5, None, Lang::En), "1,204.5");
        assert_eq!(format_number(1204.5, None, Lang::Fr), "1\u{202f}204,5");
        assert_eq!(format_number(23.0, None, Lang::En), "23");
        assert_eq!(format_number(0.040087, Some(3), Lang::Fr), "0,040");
        assert_eq!(format_number(-10.04, Some(1), Lang::En), "−10.0");
        assert_eq!(format_number(-0.01, Some(1), Lang::En), "0.0");
        assert_eq!(format_number(16179.04, Some(0), Lang::En), "16,179");
    }

    /// Runs `step` to its end and reads it.
    fn run(step: &Step) -> (Report, Outcome) {
        let (cfg, actions) = step.scenario();
        let mut sim = Sim::with_actions(cfg, &actions).unwrap();
        sim.run();
        let r = sim.report();
        let out = step
            .outcome(&r)
            .unwrap_or_else(|e| panic!("step {}: {e}", step.id));
        (r, out)
    }

    #[test]
    fn every_shipped_lesson_validates_and_every_step_answers() {
        let lessons = shipped().unwrap();
        assert_eq!(lessons.len(), SHIPPED.len());
        for l in &lessons {
            assert_eq!(
                SHIPPED.iter().filter(|(n, _)| *n == l.id).count(),
                1,
                "file name = id"
            );
            for s in &l.steps {
                let (r, out) = run(s);
                let rv = serde_json::to_value(&r).unwrap();
                // The right choice holds the run's figure, and no other does.
                match &s.answer {
                    Answer::Measure(p) => {
                        let x = lookup(&rv, p).unwrap().as_f64().unwrap();
                        assert_eq!(out.value, x);
                        let holding: Vec<usize> = (0..s.choices.len())
                            .filter(|&i| s.choices[i].holds(x))
                            .collect();
                        assert_eq!(holding, vec![out.right], "{}/{}", l.id, s.id);
                    }
                    Answer::Server { most, by } => {
                        let xs: Vec<f64> = r
                            .servers
                            .iter()
                            .map(|sv| serde_json::to_value(sv).unwrap()[by].as_f64().unwrap())
                            .collect();
                        let best = if *most {
                            xs.iter().cloned().fold(f64::MIN, f64::max)
                        } else {
                            xs.iter().cloned().fold(f64::MAX, f64::min)
                        };
                        // A clear answer: no tie.
                        assert_eq!(
                            xs.iter().filter(|&&x| x == best).count(),
                            1,
                            "{}/{}: tie",
                            l.id,
                            s.id
                        );
                        assert_eq!(out.value, best);
                        assert_eq!(s.choices[out.right].server, out.server);
                        assert_eq!(xs[out.server.unwrap() - 1], best);
                    }
                }
                for text in [&out.explain_en, &out.explain_fr] {
                    assert!(
                        !text.contains('{') && !text.contains('}'),
                        "{}/{}: {text}",
                        l.id,
                        s.id
                    );
                    let sentences = text.matches(". ").count() + 1;
                    assert!(
                        (2..=4).contains(&sentences),
                        "{}/{}: {sentences} sentences",
                        l.id,
                        s.id
                    );
                }
            }
        }
    }

    /// The first chapter's numbers, checked by hand against `driftlab run --preset
    /// minor_drift` and `major_drift` (seed 42): 23 wrong winners, an offset spread of
    /// 623.6 ms, 1 160 order inversions; server-2 confirmed 110 seats, server-1 161.
    #[test]
    fn the_first_chapter_says_what_the_runs_measured() {
        let lessons = shipped().unwrap();
        let l = &lessons[0];
        let (_, minor) = run(&l.steps[0]);
        assert_eq!(minor.value, 23.0);
        assert_eq!(l.steps[0].choices[minor.right].id, "few");
        // The spread: offsets 0, −1000 and +500 ms: mean −166.7, deviations 166.7,
        // −833.3, 666.7; variance (27 778 + 694 444 + 444 444) / 3 = 388 889; √ = 623.6.
        assert!(
            minor
                .explain_en
                .starts_with("Clocks 624 ms apart (standard deviation) were enough: 23 seats"),
            "{}",
            minor.explain_en
        );
        assert!(
            minor.explain_en.contains("1,160 lines"),
            "{}",
            minor.explain_en
        );
        assert!(
            minor.explain_fr.contains("1\u{202f}160 lignes"),
            "{}",
            minor.explain_fr
        );
        let (_, major) = run(&l.steps[1]);
        assert_eq!(major.server, Some(2));
        assert_eq!(major.value, 110.0);
        assert_eq!(major.target_value, 110.0);
        assert_eq!(major.figure_en, "server-2 (110)");
        assert!(major.explain_en.starts_with("server-2 confirmed only 110 seats, against 161 for server-1, with the same share of the crowd (685 requests each)"), "{}", major.explain_en);
    }
}

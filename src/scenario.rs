//! The scenario a user edits: parsing what they type into the fields, and building the
//! run's [`Config`] from a preset and the bar's settings.
//!
//! A field's text either becomes a new config or is refused with a message
//! ([`Txt`]); a refused edit never reaches the running simulation.

use crate::i18n::Txt;
use driftlab_sim::{presets, Config, Policy};

/// The furthest a server's clock may be moved from true time in the app, seconds.
pub const MAX_OFFSET_S: f64 = 60.0;
/// The largest skew the app offers, ppm (the core's own limit).
pub const MAX_SKEW_PPM: f64 = 1000.0;
/// The most customers the app accepts (more would make ×1000 crawl).
pub const MAX_CUSTOMERS: u32 = 50_000;

/// A scenario field of the bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The seed of every random draw.
    Seed,
    /// The official opening, HH:MM:SS.
    Opening,
    /// How many customers come.
    Customers,
    /// Rows of the hall.
    Rows,
    /// Seats per row.
    Cols,
}

impl Field {
    /// The field's value in `cfg`, as its input shows it.
    pub fn text(self, cfg: &Config) -> String {
        match self {
            Field::Seed => cfg.seed.to_string(),
            Field::Opening => hms(cfg.sale.opening_s),
            Field::Customers => cfg.crowd.customers.to_string(),
            Field::Rows => cfg.hall.rows.to_string(),
            Field::Cols => cfg.hall.cols.to_string(),
        }
    }

    /// What to say when the text is refused.
    pub fn error(self) -> Txt {
        match self {
            Field::Seed => Txt::ErrSeed,
            Field::Opening => Txt::ErrOpening,
            Field::Customers => Txt::ErrCustomers,
            Field::Rows => Txt::ErrRows,
            Field::Cols => Txt::ErrCols,
        }
    }

    /// `cfg` with this field set from `text`, or the message refusing it.
    pub fn apply(self, cfg: &Config, text: &str) -> Result<Config, Txt> {
        let mut c = cfg.clone();
        let int = |lo: u64, hi: u64| parse_int(text).filter(|n| (lo..=hi).contains(n));
        match self {
            Field::Seed => c.seed = parse_int(text).ok_or(self.error())?,
            Field::Opening => {
                let s = parse_hms(text)
                    .filter(|s| (60.0..=23.0 * 3600.0).contains(s))
                    .ok_or(self.error())?;
                let lead = cfg.sale.opening_s - cfg.sale.start_s;
                c.sale.opening_s = s;
                c.sale.start_s = (s - lead).max(0.0);
            }
            Field::Customers => {
                c.crowd.customers = int(1, MAX_CUSTOMERS as u64).ok_or(self.error())? as u32
            }
            Field::Rows => c.hall.rows = int(1, 40).ok_or(self.error())? as u32,
            Field::Cols => c.hall.cols = int(1, 50).ok_or(self.error())? as u32,
        }
        c.validate().map_err(|_| self.error())?;
        Ok(c)
    }
}

/// Preset `name` (its servers and clock-synchronisation setup) with the bar's settings
/// of `current` kept: policy, seed, sale times, customers, hall. A preset of the
/// gateway group keeps its own policy, crowd (a bot, closed-loop users) and hall: its
/// lesson depends on them. A data path preset keeps its own policy (its lesson is
/// `unique`'s or `no-lock`'s).
pub fn with_preset(current: &Config, name: &str) -> Result<Config, String> {
    let mut c = presets::preset(name)?;
    // A load-balancing preset, or one whose sale starts at another hour than the
    // default (`long_day`: a whole day from midnight), is taken whole: its crowd, hall
    // and sale are what it shows.
    let own_day = c.sale.start_s != driftlab_sim::config::SaleConfig::default().start_s;
    let whole = own_day
        || presets::PRESETS
            .iter()
            .any(|p| p.name == name && p.group == presets::Group::Gateway);
    let own_policy = whole || c.data.enabled || c.feed.enabled;
    c.seed = current.seed;
    if !own_day {
        c.sale = current.sale.clone();
    }
    if !own_policy {
        c.policy = current.policy;
    }
    if !whole {
        c.crowd = current.crowd.clone();
        c.hall = current.hall.clone();
    }
    Ok(c)
}

/// `current` with another policy.
pub fn with_policy(current: &Config, policy: Policy) -> Config {
    Config {
        policy,
        ..current.clone()
    }
}

/// A decimal number as people type it: `-30`, `−30`, `+1.5`, `1,5`, ` 2 `.
pub fn parse_number(text: &str) -> Option<f64> {
    let s: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| match c {
            '−' | '–' => '-',
            ',' => '.',
            c => c,
        })
        .collect();
    let ok = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.'));
    s.parse::<f64>().ok().filter(|x| ok && x.is_finite())
}

/// A whole number, 0 or more (spaces between thousands allowed).
pub fn parse_int(text: &str) -> Option<u64> {
    let s: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '_'))
        .collect();
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A clock offset in seconds within ±[`MAX_OFFSET_S`].
pub fn parse_offset_s(text: &str) -> Result<f64, Txt> {
    parse_number(text)
        .filter(|x| x.abs() <= MAX_OFFSET_S)
        .ok_or(Txt::ErrOffset)
}

/// A skew in ppm within ±[`MAX_SKEW_PPM`].
pub fn parse_skew_ppm(text: &str) -> Result<f64, Txt> {
    parse_number(text)
        .filter(|x| x.abs() <= MAX_SKEW_PPM)
        .ok_or(Txt::ErrSkew)
}

/// `HH:MM` or `HH:MM:SS` as seconds since midnight.
pub fn parse_hms(text: &str) -> Option<f64> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let mut v = [0u64; 3];
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() || p.len() > 2 {
            return None;
        }
        v[i] = parse_int(p)?;
    }
    let [h, m, s] = v;
    (h < 24 && m < 60 && s < 60).then(|| (h * 3600 + m * 60 + s) as f64)
}

/// Seconds since midnight as `HH:MM:SS`.
pub fn hms(s: f64) -> String {
    let s = s.round() as u64;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `long_day` is a whole day from midnight: its sale, crowd and hall come with it,
    /// not the bar's 10 o'clock flash sale.
    #[test]
    fn a_whole_day_keeps_its_own_sale_and_crowd() {
        let bar = with_preset(&Config::default(), "start_demo").unwrap();
        let c = with_preset(&bar, "long_day").unwrap();
        assert_eq!((c.sale.start_s, c.sale.duration_s), (0.0, 86_400.0));
        assert_eq!(c.crowd.customers, 4000);
        assert_eq!((c.hall.rows, c.hall.cols), (40, 50));
        let back = with_preset(&c, "major_drift").unwrap();
        assert_eq!(back.sale.start_s, 0.0, "the bar keeps what is on screen");
    }

    #[test]
    fn numbers_as_people_type_them() {
        assert_eq!(parse_number("-30"), Some(-30.0));
        assert_eq!(parse_number("−30,5"), Some(-30.5));
        assert_eq!(parse_number(" +1.5 "), Some(1.5));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("1e3"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_int("2 000"), Some(2000));
        assert_eq!(parse_int("-5"), None);
        assert_eq!(parse_int("4.5"), None);
    }

    #[test]
    fn offsets_and_skews_are_bounded() {
        assert_eq!(parse_offset_s("-60"), Ok(-60.0));
        assert_eq!(parse_offset_s("61"), Err(Txt::ErrOffset));
        assert_eq!(parse_offset_s("abc"), Err(Txt::ErrOffset));
        assert_eq!(parse_skew_ppm("−1000"), Ok(-1000.0));
        assert_eq!(parse_skew_ppm("1001"), Err(Txt::ErrSkew));
    }

    #[test]
    fn times_of_day() {
        assert_eq!(parse_hms("10:00"), Some(36_000.0));
        assert_eq!(parse_hms("10:00:07"), Some(36_007.0));
        assert_eq!(parse_hms("24:00"), None);
        assert_eq!(parse_hms("10"), None);
        assert_eq!(parse_hms("10:7:"), None);
        assert_eq!(hms(36_007.0), "10:00:07");
    }

    #[test]
    fn fields_refuse_bad_text_and_keep_the_config() {
        let cfg = Config::default();
        assert_eq!(Field::Customers.apply(&cfg, "-5"), Err(Txt::ErrCustomers));
        assert_eq!(Field::Customers.apply(&cfg, "0"), Err(Txt::ErrCustomers));
        assert_eq!(Field::Rows.apply(&cfg, "41"), Err(Txt::ErrRows));
        assert_eq!(Field::Seed.apply(&cfg, "x"), Err(Txt::ErrSeed));
        let c = Field::Customers.apply(&cfg, "300").unwrap();
        assert_eq!(c.crowd.customers, 300);
        let c = Field::Opening.apply(&cfg, "14:30").unwrap();
        assert_eq!(c.sale.opening_s, 52_200.0);
        assert_eq!(
            c.sale.start_s, 52_140.0,
            "customers still start a minute early"
        );
        assert_eq!(Field::Opening.text(&c), "14:30:00");
    }

    #[test]
    fn presets_keep_the_bar_settings() {
        let cfg = Config {
            seed: 7,
            policy: Policy::Unique,
            ..Config::default()
        };
        let c = with_preset(&cfg, "extreme_drift").unwrap();
        assert_eq!((c.seed, c.policy, c.servers.len()), (7, Policy::Unique, 5));
        assert_eq!(c.preset, "extreme_drift");
        assert!(with_preset(&cfg, "nope").is_err());
        // A gateway preset's lesson needs its own crowd and policy (a steady bot, no
        // flash crowd; a unique constraint).
        let c = with_preset(&cfg, "lb_slow_instance").unwrap();
        assert_eq!(c.seed, 7);
        assert_eq!((c.crowd.customers, c.crowd.bot.rate_per_s), (0, 300.0));
        assert_eq!(c.policy, Policy::LocalTimestamp);
        let c = with_preset(&cfg, "lock_global").unwrap();
        assert_eq!((c.policy, c.hall.rows), (Policy::NoLock, 40));
        // A data path preset brings its policy: its lesson is unique's or no-lock's.
        let c = with_preset(&Config::default(), "split_brain").unwrap();
        assert_eq!(c.policy, Policy::Unique);
        let c = with_preset(&Config::default(), "primary_down").unwrap();
        assert_eq!(c.policy, Policy::NoLock);
    }
}

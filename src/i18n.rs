//! Every visible string, in English and French, through one table ([`table`]).
//!
//! Components never write user-facing text themselves: they name a [`Txt`] and read it
//! in the current [`Lang`]. Numbers are formatted here too, because the two languages
//! write them differently (`1,204.5` and `1 204,5`).

mod table;

pub use table::Txt;

/// A language the app speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

impl Lang {
    /// Both languages, in the order the header's switch shows them.
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The language of a BCP 47 tag such as `navigator.language` (`fr-CA` → French);
    /// English for anything else.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.trim().to_ascii_lowercase().starts_with("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    }

    /// The two-letter code, for `<html lang>` and the switch.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// `key` in this language.
    pub fn t(self, key: Txt) -> &'static str {
        let [en, fr] = key.texts();
        match self {
            Lang::En => en,
            Lang::Fr => fr,
        }
    }

    /// An integer with thousands grouped: `1,204` or `1 204` (narrow no-break space).
    pub fn int(self, n: u64) -> String {
        let sep = match self {
            Lang::En => ",",
            Lang::Fr => "\u{202f}",
        };
        group(&n.to_string(), sep)
    }

    /// A number with `decimals` digits after the point, in this language's notation.
    pub fn num(self, x: f64, decimals: usize) -> String {
        self.write(x, decimals, true)
    }

    /// A number as [`Lang::num`] writes it, but its digits not grouped by thousands:
    /// a factor or a label read as one word (the speed `×1000`, `×0,1`).
    pub fn plain(self, x: f64, decimals: usize) -> String {
        self.write(x, decimals, false)
    }

    fn write(self, x: f64, decimals: usize, grouped: bool) -> String {
        let s = format!("{:.*}", decimals, x.abs());
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        let sep = match self {
            _ if !grouped => "",
            Lang::En => ",",
            Lang::Fr => "\u{202f}",
        };
        let mut out = String::new();
        if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
            out.push('−');
        }
        out.push_str(&group(int, sep));
        if !frac.is_empty() {
            out.push(if self == Lang::Fr { ',' } else { '.' });
            out.push_str(frac);
        }
        out
    }

    /// A signed clock offset in seconds from nanoseconds: `+15.000 s`, `−30,000 s`.
    pub fn offset(self, ns: i64) -> String {
        let s = self.num(ns as f64 / 1e9, 3);
        let sign = if s.starts_with('−') { "" } else { "+" };
        format!("{sign}{s}\u{a0}s")
    }
}

/// `text` in lower case, as `str::to_lowercase` gives it for the table's texts (ASCII,
/// the Latin-1 capitals À to Þ, Œ, the Greek capitals), without the whole Unicode case table that
/// `to_lowercase` brings into the bundle (23 KB).
pub fn lowercase(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'A'..='Z' | 'À'..='Ö' | 'Ø'..='Þ' | 'Α'..='Ρ' | 'Σ'..='Ω' => {
                char::from_u32(c as u32 + 32).unwrap_or(c)
            }
            'Œ' => 'œ',
            _ => c,
        })
        .collect()
}

fn group(digits: &str, sep: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3 * sep.len());
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_follows_the_tag() {
        assert_eq!(Lang::from_tag("fr-CA"), Lang::Fr);
        assert_eq!(Lang::from_tag("FR"), Lang::Fr);
        assert_eq!(Lang::from_tag("en-GB"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
    }

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(Lang::En.int(1204), "1,204");
        assert_eq!(Lang::Fr.int(1204), "1\u{202f}204");
        assert_eq!(Lang::En.int(12), "12");
        assert_eq!(Lang::En.num(-1234.5, 1), "−1,234.5");
        assert_eq!(Lang::Fr.num(0.25, 2), "0,25");
        assert_eq!(Lang::En.num(-0.0001, 2), "0.00");
        assert_eq!(Lang::En.offset(-30_000_000_000), "−30.000\u{a0}s");
        assert_eq!(Lang::Fr.offset(15_500_000_000), "+15,500\u{a0}s");
        assert_eq!(Lang::En.offset(0), "+0.000\u{a0}s");
        assert_eq!(Lang::En.plain(1234.5, 1), "1234.5");
        assert_eq!(Lang::Fr.plain(-1234.5, 2), "−1234,50");
    }

    /// The table's own lower case gives what the standard library's full Unicode one
    /// does, on every text in both languages.
    #[test]
    fn lowercase_as_the_standard_library() {
        for key in Txt::ALL {
            for text in key.texts() {
                assert_eq!(lowercase(text), text.to_lowercase(), "{key:?}");
            }
        }
        assert_eq!(
            lowercase("ÉCART À ŒUVRE Þ Ø × Σ Δ"),
            "écart à œuvre þ ø × σ δ"
        );
    }

    #[test]
    fn every_text_exists_in_both_languages() {
        for key in Txt::ALL {
            let [en, fr] = key.texts();
            assert!(!en.is_empty() && !fr.is_empty(), "{key:?}");
        }
    }
}

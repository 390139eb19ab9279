//! A config value out of range, and the range check every config uses: the leaf
//! every layer's config depends on.

use std::fmt;

/// A config value out of its allowed range.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    field: String,
    message: String,
    range: Option<Range>,
    newer: Option<u32>,
}

/// The range a number must lie in, as [`check_range`] states it (the app words it in
/// the user's language).
#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    /// The least value allowed.
    pub lo: f64,
    /// The largest value allowed.
    pub hi: f64,
    /// What follows the range, e.g. `" ppm"` or `" s since midnight"`.
    pub unit: String,
    /// The value refused.
    pub got: f64,
}

impl ConfigError {
    /// An error on `field` (its path, e.g. `servers[1].clock.skew_ppm`), saying what is
    /// allowed in plain words.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            field: field.into(),
            message: message.into(),
            range: None,
            newer: None,
        }
    }
    /// A file or link made by a newer Driftlab: its format `version` is above `known`,
    /// the newest this build reads. The message says what to do.
    pub fn newer_format(field: impl Into<String>, version: u32, known: u32) -> ConfigError {
        let reads = match known {
            1 => "version 1".to_string(),
            _ => format!("versions 1 to {known}"),
        };
        ConfigError {
            newer: Some(version),
            ..ConfigError::new(
                field,
                format!(
                    "made by a newer Driftlab (format version {version}; this one reads \
                     {reads}): open it with that newer Driftlab, or update this one"
                ),
            )
        }
    }
    /// The format version, when the error is a file or link made by a newer Driftlab.
    pub fn newer_version(&self) -> Option<u32> {
        self.newer
    }
    /// The same error on another field (e.g. the path inside a file).
    pub fn with_field(self, field: impl Into<String>) -> ConfigError {
        ConfigError {
            field: field.into(),
            ..self
        }
    }
    /// The allowed range, when the error is a number out of it.
    pub fn range(&self) -> Option<&Range> {
        self.range.as_ref()
    }
    /// The path of the offending field, e.g. `servers[1].clock.skew_ppm`.
    pub fn field(&self) -> &str {
        &self.field
    }
    /// What is allowed, in plain words.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Checks that `value` is finite and within `[lo, hi]`.
pub fn check_range(
    field: &str,
    value: f64,
    lo: f64,
    hi: f64,
    unit: &str,
) -> Result<(), ConfigError> {
    if value.is_finite() && value >= lo && value <= hi {
        Ok(())
    } else {
        Err(ConfigError {
            range: Some(Range {
                lo,
                hi,
                unit: unit.to_string(),
                got: value,
            }),
            ..ConfigError::new(
                field,
                format!("must be between {lo} and {hi}{unit}, got {value}"),
            )
        })
    }
}

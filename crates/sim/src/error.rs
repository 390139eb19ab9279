//! A config value out of range, and the range check every config uses: the leaf
//! every layer's config depends on.

use std::fmt;

/// A config value out of its allowed range.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    field: String,
    message: String,
}

impl ConfigError {
    /// An error on `field` (its path, e.g. `servers[1].clock.skew_ppm`), saying what is
    /// allowed in plain words.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> ConfigError {
        ConfigError {
            field: field.into(),
            message: message.into(),
        }
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
        Err(ConfigError::new(
            field,
            format!("must be between {lo} and {hi}{unit}, got {value}"),
        ))
    }
}

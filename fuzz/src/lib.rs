//! What the fuzz targets share.

use driftlab_sim::ConfigError;

/// The properties of a refusal of the file `text`: it says why, and when `text` is a JSON
/// object, it names the field it refuses (a non-empty path).
pub fn check_refusal(text: &str, e: &ConfigError) {
    assert!(!e.message().is_empty(), "an error without a reason");
    let object = serde_json::from_str::<serde_json::Value>(text)
        .map(|v| v.is_object())
        .unwrap_or(false);
    if object {
        assert!(
            !e.field().is_empty(),
            "an object refused without a field: {e}"
        );
    }
}

//! The companion's time API (`docs/COMPANION.md`): the status it reports, and the
//! fetch that asks for it at the page's own origin. Without a companion (a network
//! error, a 404, an HTML page from a static server) the answer is [`Answer::Absent`].

use serde::Deserialize;

/// Where the status is read.
pub const STATUS_URL: &str = "/api/time/status";
/// Where a fresh measurement is asked for.
pub const SYNC_URL: &str = "/api/time/sync";

/// The status object, with the fields the panel shows.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Status {
    /// A source answered in the latest round.
    pub synced: bool,
    /// `host:port` of the source reported.
    pub selected: Option<String>,
    /// The primary did not answer and a fallback did.
    #[serde(default)]
    pub fallback_used: bool,
    /// NTP time − this machine's clock, ms.
    pub offset_ms: Option<f64>,
    /// Round trip, ms.
    pub delay_ms: Option<f64>,
    /// The source's stratum.
    pub stratum: Option<u8>,
    /// When the answer arrived (RFC 3339, UTC).
    pub last_sync: Option<String>,
    /// When the latest round ended; `None`: still measuring.
    pub last_attempt: Option<String>,
    /// Why a round found no source.
    pub error: Option<String>,
}

impl Status {
    /// What simulated server-1's offset from true time must be, seconds, to run like
    /// this machine: the machine is `−offset_ms` off NTP time.
    pub fn machine_offset_s(&self) -> Option<f64> {
        self.offset_ms.map(|ms| -ms / 1000.0)
    }

    /// `last_sync` as `HH:MM:SS.mmm UTC` (the date dropped), or as given.
    pub fn when(&self) -> Option<String> {
        let t = self.last_sync.as_deref()?;
        Some(match t.split_once('T') {
            Some((_, time)) => format!("{} UTC", time.trim_end_matches('Z')),
            None => t.to_string(),
        })
    }
}

/// What the companion said.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// No companion at this origin.
    Absent,
    /// Its status.
    Status(Status),
    /// `sync` was asked too soon: retry after this many ms.
    RateLimited(u64),
}

/// Reads an HTTP answer: `status` code and body text.
pub fn parse(code: u16, body: &str) -> Answer {
    #[derive(Deserialize)]
    struct Limited {
        retry_after_ms: Option<u64>,
    }
    if code == 429 {
        let ms = driftlab_sim::json::from_str::<Limited>(body)
            .ok()
            .and_then(|l| l.retry_after_ms)
            .unwrap_or(2000);
        return Answer::RateLimited(ms);
    }
    if code != 200 {
        return Answer::Absent;
    }
    driftlab_sim::json::from_str::<Status>(body).map_or(Answer::Absent, Answer::Status)
}

/// Asks the companion: `GET` the status, or `POST` a sync if `sync`.
pub async fn fetch(sync: bool) -> Answer {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let Some(window) = web_sys::window() else {
        return Answer::Absent;
    };
    let init = web_sys::RequestInit::new();
    init.set_method(if sync { "POST" } else { "GET" });
    let url = if sync { SYNC_URL } else { STATUS_URL };
    let Ok(resp) = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await else {
        return Answer::Absent;
    };
    let Ok(resp) = resp.dyn_into::<web_sys::Response>() else {
        return Answer::Absent;
    };
    let code = resp.status();
    let Ok(text) = resp.text() else {
        return Answer::Absent;
    };
    match JsFuture::from(text).await.ok().and_then(|t| t.as_string()) {
        Some(body) => parse(code, &body),
        None => Answer::Absent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"synced": true, "selected": "127.0.0.1:11123", "fallback_used": true,
        "offset_ms": -0.004, "delay_ms": 0.048, "stratum": 7,
        "last_sync": "2026-11-22T05:09:57.872Z", "last_attempt": "2026-11-22T05:09:57.872Z",
        "error": null, "sync_interval_ms": 2000, "server_time": "2026-11-22T05:09:57.872Z",
        "sources": []}"#;

    #[test]
    fn the_documented_status_parses() {
        let Answer::Status(s) = parse(200, DOC) else {
            panic!("not a status")
        };
        assert!(s.synced && s.fallback_used);
        assert_eq!(s.stratum, Some(7));
        assert_eq!(s.when().as_deref(), Some("05:09:57.872 UTC"));
        // The machine is 0.004 ms ahead of NTP time: server-1 gets +0.000004 s.
        assert!((s.machine_offset_s().unwrap() - 0.000_004).abs() < 1e-12);
    }

    #[test]
    fn anything_else_means_no_companion() {
        assert_eq!(parse(404, "ENOENT"), Answer::Absent);
        assert_eq!(parse(200, "<!DOCTYPE html><html>"), Answer::Absent);
        assert_eq!(
            parse(429, r#"{"error":"rate_limited","retry_after_ms":1500}"#),
            Answer::RateLimited(1500)
        );
    }
}

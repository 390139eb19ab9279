//! The JSON body of `GET /api/time/status` and `POST /api/time/sync`, built from the
//! outcome of one sync round. `docs/COMPANION.md` documents every field.

use super::config::ServerSpec;
use super::sntp::Measurement;
use serde::Serialize;
use std::time::{SystemTime, UNIX_EPOCH};

/// The companion's view of real time: the latest sync round, per source and overall.
#[derive(Clone, Debug, Serialize)]
pub struct Status {
    /// A source answered in the latest round.
    pub synced: bool,
    /// The source whose answer is reported below (`host:port`), or null.
    pub selected: Option<String>,
    /// The primary did not answer and a fallback did.
    pub fallback_used: bool,
    /// Offset of the selected source in ms (its clock minus this machine's), or null.
    pub offset_ms: Option<f64>,
    /// Round-trip delay to the selected source in ms, or null.
    pub delay_ms: Option<f64>,
    /// Stratum of the selected source, or null.
    pub stratum: Option<u8>,
    /// When the selected answer arrived (RFC 3339, UTC), or null.
    pub last_sync: Option<String>,
    /// When the latest round ended (RFC 3339, UTC), or null before the first round.
    pub last_attempt: Option<String>,
    /// Why the latest round found no answer, or null.
    pub error: Option<String>,
    /// The minimum time between two sync rounds, in ms.
    pub sync_interval_ms: u64,
    /// How many rounds in a row found no answer (0 after a round that synchronised).
    pub consecutive_failures: u32,
    /// When the next background round is due (RFC 3339, UTC).
    pub next_attempt: Option<String>,
    /// When the background rounds run.
    pub schedule: ScheduleStatus,
    /// This machine's clock when the response was made (RFC 3339, UTC).
    pub server_time: String,
    /// Every configured source, primary first.
    pub sources: Vec<SourceStatus>,
}

/// The background rounds' timing, in ms (see `docs/COMPANION.md`).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ScheduleStatus {
    /// The wait after the first failed round.
    pub retry_first_ms: u64,
    /// Each further wait after a failure is this many times the previous one...
    pub retry_factor: u32,
    /// ...up to this.
    pub retry_max_ms: u64,
    /// The wait after a round that synchronised.
    pub resync_interval_ms: u64,
}

/// One configured source in the latest round.
#[derive(Clone, Debug, Serialize)]
pub struct SourceStatus {
    /// `host:port` as configured.
    pub server: String,
    /// `"primary"` for the first source, `"fallback"` for the others.
    pub role: &'static str,
    /// `"pending"` (no round yet), `"ok"`, `"error"`, or `"skipped"` (an earlier source
    /// answered, so this one was not queried).
    pub state: &'static str,
    /// This source answered in the latest round.
    pub synced: bool,
    /// Its offset in ms, when it answered.
    pub offset_ms: Option<f64>,
    /// Its round-trip delay in ms, when it answered.
    pub delay_ms: Option<f64>,
    /// Its stratum, when it answered.
    pub stratum: Option<u8>,
    /// When its answer arrived (RFC 3339, UTC), when it answered.
    pub last_sync: Option<String>,
    /// Why it failed, when it failed.
    pub error: Option<String>,
}

/// What a round did with one source: not queried (`None`), or the query's outcome.
pub type Outcome = Option<Result<Measurement, String>>;

impl Status {
    /// The status before any round: every source pending.
    pub fn pending(
        sources: &[ServerSpec],
        sync_interval_ms: u64,
        schedule: ScheduleStatus,
    ) -> Status {
        let outcomes = vec![None; sources.len()];
        let mut status = Status::from_round(sources, &outcomes, None, sync_interval_ms, schedule);
        for source in &mut status.sources {
            source.state = "pending";
        }
        status
    }

    /// The status after a round; `outcomes[i]` belongs to `sources[i]`, `ended` is when
    /// the round ended (`None` before the first round). The service fills in
    /// `consecutive_failures` and `next_attempt`.
    pub fn from_round(
        sources: &[ServerSpec],
        outcomes: &[Outcome],
        ended: Option<SystemTime>,
        sync_interval_ms: u64,
        schedule: ScheduleStatus,
    ) -> Status {
        let per_source: Vec<SourceStatus> = sources
            .iter()
            .zip(outcomes)
            .enumerate()
            .map(|(i, (spec, outcome))| SourceStatus::new(spec, i == 0, outcome))
            .collect();
        let chosen = outcomes.iter().enumerate().find_map(|(i, o)| match o {
            Some(Ok(m)) => Some((i, m)),
            _ => None,
        });
        let error = match (chosen, ended) {
            (None, Some(_)) => Some(format!(
                "no configured NTP source answered ({} tried); see each source's error",
                outcomes.iter().filter(|o| o.is_some()).count()
            )),
            _ => None,
        };
        Status {
            synced: chosen.is_some(),
            selected: chosen.map(|(i, _)| sources[i].to_string()),
            fallback_used: chosen.is_some_and(|(i, _)| i > 0),
            offset_ms: chosen.map(|(_, m)| m.offset_ms),
            delay_ms: chosen.map(|(_, m)| m.delay_ms),
            stratum: chosen.map(|(_, m)| m.stratum),
            last_sync: chosen.map(|(_, m)| rfc3339(m.at)),
            last_attempt: ended.map(rfc3339),
            error,
            sync_interval_ms,
            consecutive_failures: 0,
            next_attempt: None,
            schedule,
            server_time: rfc3339(SystemTime::now()),
            sources: per_source,
        }
    }
}

impl SourceStatus {
    fn new(spec: &ServerSpec, primary: bool, outcome: &Outcome) -> SourceStatus {
        let ok = match outcome {
            Some(Ok(m)) => Some(m),
            _ => None,
        };
        SourceStatus {
            server: spec.to_string(),
            role: if primary { "primary" } else { "fallback" },
            state: match outcome {
                None => "skipped",
                Some(Ok(_)) => "ok",
                Some(Err(_)) => "error",
            },
            synced: ok.is_some(),
            offset_ms: ok.map(|m| m.offset_ms),
            delay_ms: ok.map(|m| m.delay_ms),
            stratum: ok.map(|m| m.stratum),
            last_sync: ok.map(|m| rfc3339(m.at)),
            error: match outcome {
                Some(Err(e)) => Some(e.clone()),
                _ => None,
            },
        }
    }
}

/// Formats a time as RFC 3339 in UTC with milliseconds, e.g. `2026-11-22T10:15:30.123Z`.
pub fn rfc3339(t: SystemTime) -> String {
    // Times before 1970 cannot come from a sane clock; show the epoch rather than panic.
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_millis()
    )
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`, for non-negative day counts).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(secs: u64, millis: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(millis)
    }

    #[test]
    fn formats_rfc3339_utc() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(at(951_782_400, 5)), "2000-02-29T00:00:00.005Z");
        assert_eq!(rfc3339(at(1_700_000_000, 123)), "2023-11-14T22:13:20.123Z");
        assert_eq!(rfc3339(at(4_102_444_799, 999)), "2099-12-31T23:59:59.999Z");
    }

    fn specs() -> Vec<ServerSpec> {
        ["a", "b", "c"]
            .map(|h| ServerSpec::parse(h).unwrap())
            .to_vec()
    }

    const SCHEDULE: ScheduleStatus = ScheduleStatus {
        retry_first_ms: 2000,
        retry_factor: 2,
        retry_max_ms: 60_000,
        resync_interval_ms: 64_000,
    };

    fn measured(offset_ms: f64) -> Outcome {
        Some(Ok(Measurement {
            offset_ms,
            delay_ms: 0.5,
            stratum: 3,
            at: at(1_700_000_000, 0),
        }))
    }

    #[test]
    fn fallback_answer_is_selected_and_flagged() {
        let outcomes = [Some(Err("down".into())), measured(-1.5), None];
        let s = Status::from_round(
            &specs(),
            &outcomes,
            Some(at(1_700_000_001, 0)),
            2000,
            SCHEDULE,
        );
        assert!(s.synced && s.fallback_used);
        assert_eq!(s.selected.as_deref(), Some("b:123"));
        assert_eq!(s.offset_ms, Some(-1.5));
        let states: Vec<_> = s.sources.iter().map(|x| x.state).collect();
        assert_eq!(states, ["error", "ok", "skipped"]);
        assert_eq!(s.sources[0].error.as_deref(), Some("down"));
    }

    #[test]
    fn no_answer_is_unsynced_with_an_error() {
        let outcomes = [
            Some(Err("x".into())),
            Some(Err("y".into())),
            Some(Err("z".into())),
        ];
        let s = Status::from_round(&specs(), &outcomes, Some(at(1, 0)), 2000, SCHEDULE);
        assert!(!s.synced && !s.fallback_used && s.offset_ms.is_none());
        assert!(s.error.unwrap().contains("3 tried"));
        assert_eq!(s.last_attempt.as_deref(), Some("1970-01-01T00:00:01.000Z"));
    }

    #[test]
    fn pending_status_has_no_error_yet() {
        let s = Status::pending(&specs(), 2000, SCHEDULE);
        assert!(!s.synced && s.error.is_none() && s.last_attempt.is_none());
        assert!(s.sources.iter().all(|x| x.state == "pending"));
    }
}

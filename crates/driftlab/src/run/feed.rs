//! The change feed's block of the report's table.

use driftlab_sim::FeedView;

fn name<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The feed's measures: how stale the customers' maps were, what was lost or came
/// twice, the load, and the lag the service reported beside the true one.
pub(super) fn table(f: &FeedView) -> String {
    let mut s = String::new();
    let line = |s: &mut String, label: &str, value: String, note: String| {
        s.push_str(&format!("  {label:<22}{value:>10}   {note}\n"));
    };
    let mut how = format!("{} capture, {}", name(f.capture), name(f.transport));
    if f.transport == driftlab_sim::feed::config::Transport::ShortPolling {
        how.push_str(&format!(" every {} s", f.poll_interval_s));
    }
    if f.notify_fetch {
        how.push_str(", notify then fetch");
    }
    if f.batch_ms > 0.0 {
        how.push_str(&format!(", batches every {} ms", f.batch_ms));
    }
    s.push_str(&format!("\nThe change feed ({how})\n"));
    line(
        &mut s,
        "map staleness",
        format!("{:.1} ms", f.staleness_mean_ms),
        format!(
            "mean, commit to a customer's map; p99 {:.1} ms, max {:.1} ms",
            f.staleness_p99_ms, f.staleness_max_ms
        ),
    );
    line(
        &mut s,
        "changes",
        f.captured.to_string(),
        format!(
            "captured; {} published, {} applied to maps",
            f.published, f.applied
        ),
    );
    line(
        &mut s,
        "lost",
        f.lost.to_string(),
        format!("never reached the service; {} still waiting", f.waiting),
    );
    line(
        &mut s,
        "duplicated",
        f.duplicated.to_string(),
        format!(
            "published again after an outage; {} dropped by the maps",
            f.duplicates_dropped
        ),
    );
    line(
        &mut s,
        "reported lag",
        format!("{:.1} ms", f.reported_lag_mean_ms),
        format!(
            "service clock - database stamp; true lag {:.1} ms; {} negative",
            f.true_lag_mean_ms, f.negative_reports
        ),
    );
    line(
        &mut s,
        "feed requests",
        f.requests.to_string(),
        format!(
            "connections, polls and fetches; {} items sent; {} clicks saved",
            f.sent, f.avoided
        ),
    );
    s
}

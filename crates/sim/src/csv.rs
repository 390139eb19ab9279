//! A run's tables as CSV files a student can open in a spreadsheet: the servers' event
//! log, the measures, the per-server figures, the history of observations and the
//! anomalies explained in a sentence.
//!
//! The files follow RFC 4180: fields separated by commas, lines ended by CRLF, a field
//! holding a comma, a quote or a line break quoted (`"`, a quote doubled). Numbers are
//! written with a decimal point and no grouping, whatever the app's language; true
//! times twice, as `HH:MM:SS.fffffffff` and as seconds since midnight. Only the
//! anomalies' sentences are in the chosen language.
//!
//! # Examples
//! ```
//! use driftlab_sim::csv::write;
//! let rows = vec![vec!["a".to_string(), "1,5".to_string()]];
//! assert_eq!(write(&["name", "value"], rows), "name,value\r\na,\"1,5\"\r\n");
//! ```

use crate::explain::{explain, Lang};
use crate::hall::seat_label;
use crate::log::{flags, LogRecord};
use crate::msg::Addr;
use crate::report::Report;
use crate::sim::Sim;
use crate::time::{Time, SEC};
use serde_json::Value;

/// A CSV file of `header` and `rows` (each as long as the header).
pub fn write(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = String::new();
    line(&mut out, header.iter().map(|h| h.to_string()));
    for r in rows {
        line(&mut out, r.into_iter());
    }
    out
}

fn line(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if f.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&f);
        }
    }
    out.push_str("\r\n");
}

/// A true instant as `HH:MM:SS.fffffffff`.
fn clock(t: Time) -> String {
    let ns = t.0.rem_euclid(86_400 * SEC);
    let s = ns / SEC;
    format!(
        "{:02}:{:02}:{:02}.{:09}",
        s / 3600,
        s / 60 % 60,
        s % 60,
        ns % SEC
    )
}

/// A true instant as seconds since midnight, exact to the nanosecond.
fn seconds(t: Time) -> String {
    let sign = if t.0 < 0 { "-" } else { "" };
    let a = t.0.unsigned_abs();
    format!("{sign}{}.{:09}", a / SEC as u64, a % SEC as u64)
}

/// A value of a report as a cell: a string as it is, a list joined by spaces, nothing
/// for `null`, a number as JSON writes it (a decimal point, no grouping).
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(cell).collect::<Vec<_>>().join(" "),
        Value::Object(o) => o
            .iter()
            .map(|(k, v)| format!("{k}={}", cell(v)))
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

/// The names of a log line's anomaly flags, separated by spaces.
fn flag_names(f: u16) -> String {
    const NAMES: [(u16, &str); 7] = [
        (flags::INVERSION, "order_inversion"),
        (flags::EARLY_SALE, "early_sale"),
        (flags::WRONGLY_REFUSED, "wrongly_refused"),
        (flags::DOUBLE_BOOKING, "double_booking"),
        (flags::WRONG_WINNER, "wrong_winner"),
        (flags::PREMATURE_EXPIRY, "premature_expiry"),
        (flags::LATE_EXPIRY, "late_expiry"),
    ];
    NAMES
        .iter()
        .filter(|(bit, _)| f & bit != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The servers' event log: one line per log record, in true-time order, with the
/// writing server's stamp beside the true time, what happened and why (a refusal's
/// reason), and the anomalies the line carries.
pub fn log(records: &[LogRecord], cols: u32) -> String {
    let rows = records.iter().map(|r| {
        let kind = crate::json::to_value(&r.kind);
        vec![
            clock(r.t),
            seconds(r.t),
            format!("server-{}", r.server as u32 + 1),
            clock(r.stamp),
            seconds(r.stamp),
            cell(&kind["kind"]),
            cell(&kind["reason"]),
            r.customer.to_string(),
            seat_label(r.seat, cols),
            r.request.to_string(),
            flag_names(r.flags),
        ]
    });
    write(
        &[
            "true_time",
            "true_s",
            "server",
            "stamp",
            "stamp_s",
            "event",
            "reason",
            "customer",
            "seat",
            "request",
            "anomalies",
        ],
        rows,
    )
}

/// Every figure of the report but its lists (the servers, the alerts…), one per line by
/// its dotted name (`consistency.seats_with_several_holders`).
pub fn measures(report: &Report) -> String {
    let v = crate::json::to_value(&report);
    let mut leaves = Vec::new();
    crate::scenario::leaves(&v, "", &mut leaves);
    let rows: Vec<Vec<String>> = leaves
        .into_iter()
        .filter(|(_, x)| !x.is_array())
        .map(|(k, x)| vec![k, cell(x)])
        .collect();
    write(&["measure", "value"], rows)
}

/// The report's per-server figures: one line per server, one column per figure (every
/// field of [`crate::report::ServerReport`], by its name).
pub fn servers(report: &Report) -> String {
    let rows: Vec<Value> = report
        .servers
        .iter()
        .map(|s| crate::json::to_value(&s))
        .collect();
    let header: Vec<String> = rows
        .first()
        .and_then(Value::as_object)
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let cells = rows
        .iter()
        .map(|r| header.iter().map(|k| cell(&r[k])).collect::<Vec<_>>());
    let names: Vec<&str> = header.iter().map(String::as_str).collect();
    write(&names, cells)
}

/// The node's host name, e.g. `server-2`, `ntp-a`.
fn node_name(sim: &Sim, a: Addr) -> String {
    let k = sim.kernel();
    k.hosts[k.home(a) as usize].name.clone()
}

/// The history the checkers keep (every observation that can prove an anomaly): one
/// line per observation, its true instant, the node and its clock's reading, its kind,
/// then its fields as `name=value`.
pub fn history(sim: &Sim) -> String {
    let rows = sim.truth().history.iter().map(|s| {
        let obs = crate::json::to_value(&s.obs);
        let kind = cell(&obs["obs"]);
        let fields = match &obs {
            Value::Object(o) => o
                .iter()
                .filter(|(k, _)| *k != "obs")
                .map(|(k, v)| format!("{k}={}", cell(v)))
                .collect::<Vec<_>>()
                .join(" "),
            _ => String::new(),
        };
        vec![
            clock(s.t),
            seconds(s.t),
            node_name(sim, s.from),
            clock(s.local),
            seconds(s.local),
            kind,
            fields,
        ]
    });
    write(
        &[
            "true_time",
            "true_s",
            "node",
            "local_time",
            "local_s",
            "observation",
            "fields",
        ],
        rows,
    )
}

/// The history the checkers keep as JSON lines (docs/HISTORY.md): one observation per
/// line, in true-time order, each a JSON object with `t` (the true instant,
/// `HH:MM:SS.fffffffff`), `t_ns` (the same, nanoseconds since midnight), `node` (the
/// host that made it), `local` and `local_ns` (its clock's reading, the same two
/// ways), `obs` (its kind, snake_case), then the observation's own fields as the core
/// names them. Lines end with `\n`; the file ends with one.
pub fn history_json_lines(sim: &Sim) -> String {
    let mut out = String::new();
    for s in &sim.truth().history {
        let obs = crate::json::to_string(&s.obs);
        let head = serde_json::json!({
            "t": clock(s.t),
            "t_ns": s.t.0,
            "node": node_name(sim, s.from),
            "local": clock(s.local),
            "local_ns": s.local.0,
        });
        // The head's fields in this order, then the observation's (`obs` first, then
        // its fields in the order the core declares them).
        out.push_str(&format!(
            "{{\"t\":{},\"t_ns\":{},\"node\":{},\"local\":{},\"local_ns\":{},{}\n",
            head["t"],
            head["t_ns"],
            head["node"],
            head["local"],
            head["local_ns"],
            &obs[1..]
        ));
    }
    out
}

/// Every anomaly found so far, in the order found: its kind, true instant, request,
/// seat, and its explanation in `lang` (empty while its proof is incomplete).
pub fn anomalies(sim: &Sim, lang: Lang) -> String {
    let truth = sim.truth();
    let cols = sim.config().hall.cols;
    let rows = truth.anomalies.iter().map(|a| {
        let kind = crate::json::to_value(&a.kind);
        let seat = truth
            .requests
            .get(a.req as usize)
            .map(|r| seat_label(r.seat, cols))
            .unwrap_or_default();
        vec![
            cell(&kind),
            clock(a.t),
            seconds(a.t),
            a.req.to_string(),
            seat,
            explain(truth, cols, a, lang)
                .map(|e| e.text)
                .unwrap_or_default(),
        ]
    });
    write(
        &[
            "anomaly",
            "true_time",
            "true_s",
            "request",
            "seat",
            "explanation",
        ],
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{LogKind, Refusal};
    use crate::presets;

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let rows = vec![
            vec!["plain".to_string(), "12.5".to_string()],
            vec!["Place C7, rang C".to_string(), "dit \"non\"".to_string()],
            vec!["deux\nlignes".to_string(), String::new()],
        ];
        assert_eq!(
            write(&["a", "b"], rows),
            "a,b\r\nplain,12.5\r\n\"Place C7, rang C\",\"dit \"\"non\"\"\"\r\n\"deux\nlignes\",\r\n"
        );
    }

    #[test]
    fn the_log_gives_both_clocks_and_names_the_flags() {
        let records = [
            LogRecord {
                t: Time(36_000 * SEC + 1_500_000),
                stamp: Time(35_970 * SEC + 1_500_000),
                server: 1,
                kind: LogKind::Refused(Refusal::NotOpen),
                customer: 17,
                seat: 22,
                request: 40,
                flags: flags::WRONGLY_REFUSED | flags::INVERSION,
            },
            LogRecord {
                t: Time(36_001 * SEC),
                stamp: Time(36_016 * SEC),
                server: 2,
                kind: LogKind::Confirmed,
                customer: 18,
                seat: 0,
                request: 41,
                flags: 0,
            },
        ];
        assert_eq!(
            log(&records, 20),
            "true_time,true_s,server,stamp,stamp_s,event,reason,customer,seat,request,anomalies\r\n\
             10:00:00.001500000,36000.001500000,server-2,09:59:30.001500000,35970.001500000,refused,not_open,17,B3,40,order_inversion wrongly_refused\r\n\
             10:00:01.000000000,36001.000000000,server-3,10:00:16.000000000,36016.000000000,confirmed,,18,A1,41,\r\n"
        );
    }

    #[test]
    fn a_run_s_tables_have_one_line_per_item() {
        let mut cfg = presets::preset("extreme_drift").unwrap();
        cfg.crowd.customers = 200;
        let mut sim = Sim::new(cfg).unwrap();
        sim.run();
        let r = sim.report();
        let lines = |s: &str| s.split("\r\n").filter(|l| !l.is_empty()).count();
        let servers = servers(&r);
        assert_eq!(lines(&servers), 1 + 5);
        assert!(servers.starts_with("confirmed,"), "{servers}");
        assert!(servers.contains("server-2,"));
        let m = measures(&r);
        assert!(
            m.contains(&format!("\r\nwrong_winners,{}\r\n", r.wrong_winners)),
            "{m}"
        );
        assert!(m.contains(&format!("\r\nrequests,{}\r\n", r.requests)));
        assert_eq!(lines(&log(sim.log(), 20)), 1 + sim.log().len());
        assert_eq!(lines(&history(&sim)), 1 + sim.truth().history.len());
        let fr = anomalies(&sim, Lang::Fr);
        let n = sim.truth().anomalies.len();
        assert!(n > 0);
        assert!(fr.starts_with("anomaly,true_time,true_s,request,seat,explanation\r\n"));
        // French sentences hold commas: quoted, one record per anomaly.
        assert!(fr.contains(",\"") && fr.contains("wrong_winner,"), "{fr}");
        assert_eq!(fr.matches("\r\n").count(), 1 + n);
    }

    /// One click, by hand: server-1 2 s fast, server-2 exact, customers 20 ms from the
    /// servers, no jitter, no service time. Customer 0 clicks seat A1 (seat 0) through
    /// server-1 at 10:00:10 (request 0, sent by the crowd's exact clock); it reaches
    /// server-1 at 10:00:10.020, whose clock reads 10:00:12.020, and is held and
    /// confirmed at once. The history keeps what can prove an anomaly: these four
    /// observations (not the login, the answer, nor the copy to server-2, which
    /// changes nothing).
    #[test]
    fn the_history_as_json_lines_one_observation_each() {
        use crate::net::Jitter;
        let mut c = presets::preset("reset").unwrap();
        c.servers.truncate(2);
        c.servers[0].clock.offset_ms = 2000.0;
        c.servers[1].clock.offset_ms = 0.0;
        c.crowd.customers = 0;
        c.crowd.pay_fraction = 0.0;
        c.network.client.base_ms = 20.0;
        c.network.client.jitter = Jitter::None;
        c.network.lan.base_ms = 10.0;
        c.network.lan.jitter = Jitter::None;
        c.network.service_ms = 0.0;
        let mut sim = Sim::new(c).unwrap();
        sim.script_click(Time::from_hms(10, 0, 10), 0, 0).unwrap();
        sim.run();
        let text = history_json_lines(&sim);
        let lines: Vec<&str> = text.lines().collect();
        let expected = [
            r#"{"t":"10:00:10.000000000","t_ns":36010000000000,"node":"crowd","local":"10:00:10.000000000","local_ns":36010000000000,"obs":"sent","req":0,"customer":0,"seat":0,"kind":"claim","server":0}"#,
            r#"{"t":"10:00:10.020000000","t_ns":36010020000000,"node":"server-1","local":"10:00:12.020000000","local_ns":36012020000000,"obs":"received","req":0}"#,
            r#"{"t":"10:00:10.020000000","t_ns":36010020000000,"node":"server-1","local":"10:00:12.020000000","local_ns":36012020000000,"obs":"hold_granted","req":0}"#,
            r#"{"t":"10:00:10.020000000","t_ns":36010020000000,"node":"server-1","local":"10:00:12.020000000","local_ns":36012020000000,"obs":"decided","req":0,"decision":{"decision":"confirmed"}}"#,
        ];
        assert_eq!(lines.len(), expected.len(), "{text}");
        for (got, want) in lines.iter().zip(expected) {
            assert_eq!(*got, want);
        }
        assert!(text.ends_with('\n'));
        // Each line is a JSON object.
        for l in &lines {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert!(v.is_object());
        }
    }
}

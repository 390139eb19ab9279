//! The API's contract for bad requests, rate limiting, CORS and configuration. The sources
//! are closed loopback ports: no NTP server is needed and nothing leaves the machine.

use crate::common::closed_source;
use crate::common::companion::{start_fails, Companion};
use crate::common::http::{self, Response};

fn companion(extra: &[&str]) -> Companion {
    let source = closed_source();
    let mut args = vec!["--ntp-server", source.as_str()];
    args.extend_from_slice(extra);
    Companion::start(&args)
}

fn assert_json_error(res: &Response, status: u16, code: &str) {
    assert_eq!(res.status, status, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("application/json"));
    let body = res.json();
    assert_eq!(body["error"], code, "{body}");
    assert!(!body["message"].as_str().unwrap_or("").is_empty(), "{body}");
}

#[test]
fn unknown_api_routes_are_json_404() {
    let c = companion(&[]);
    for (method, path) in [("GET", "/api/nope"), ("GET", "/api"), ("POST", "/api/time")] {
        let res = http::request(c.addr, method, path, &[], b"");
        assert_json_error(&res, 404, "not_found");
    }
}

#[test]
fn wrong_methods_are_json_405_with_allow() {
    let c = companion(&[]);
    let res = http::request(c.addr, "DELETE", "/api/time/status", &[], b"");
    assert_json_error(&res, 405, "method_not_allowed");
    assert_eq!(res.header("allow"), Some("GET, HEAD"));
    let head = http::request(c.addr, "HEAD", "/api/time/status", &[], b"");
    assert_eq!(head.status, 200);
    let res = c.get("/api/time/sync");
    assert_json_error(&res, 405, "method_not_allowed");
    assert_eq!(res.header("allow"), Some("POST"));
}

#[test]
fn sync_takes_no_parameters_and_rejects_bad_bodies() {
    let c = companion(&["--sync-interval-ms", "200"]);
    let json = [("Content-Type", "application/json")];
    let sync = "/api/time/sync";
    let naming_a_host = http::request(c.addr, "POST", sync, &json, br#"{"server":"evil.example"}"#);
    assert_json_error(&naming_a_host, 400, "bad_body");
    assert!(naming_a_host.json()["message"]
        .as_str()
        .unwrap()
        .contains("unknown field"));
    assert_json_error(
        &http::request(c.addr, "POST", sync, &json, b"{oops"),
        400,
        "bad_body",
    );
    let text = [("Content-Type", "text/plain")];
    let res = http::request(c.addr, "POST", sync, &text, b"hello");
    assert_json_error(&res, 415, "unsupported_media_type");
    let res = http::post(c.addr, "/api/time/sync?server=evil.example");
    assert_json_error(&res, 400, "bad_request");
    let huge = vec![b' '; 4096];
    assert_json_error(
        &http::request(c.addr, "POST", sync, &json, &huge),
        413,
        "bad_body",
    );
    // An empty object is fine (200, or 429 if the start-up round was too recent).
    let ok = http::request(c.addr, "POST", sync, &json, b"{}");
    assert!(ok.status == 200 || ok.status == 429, "{}", ok.text());
}

#[test]
fn sync_too_soon_is_429_with_retry_after() {
    let c = companion(&["--sync-interval-ms", "60000"]);
    c.first_round();
    let res = http::post(c.addr, "/api/time/sync");
    assert_json_error(&res, 429, "rate_limited");
    let secs: u64 = res
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=60).contains(&secs), "Retry-After {secs}");
    let ms = res.json()["retry_after_ms"]
        .as_u64()
        .expect("retry_after_ms");
    assert!(
        (1..=60_000).contains(&ms) && ms.div_ceil(1000) == secs,
        "{ms} ms vs {secs} s"
    );
}

#[test]
fn foreign_origins_are_refused_unless_configured() {
    let c = companion(&[]);
    let own = format!("http://{}", c.addr);
    let res = http::request(c.addr, "GET", "/api/time/status", &[("Origin", &own)], b"");
    assert_eq!(res.status, 200, "own origin: {}", res.text());
    let evil = [("Origin", "http://evil.example")];
    let res = http::request(c.addr, "POST", "/api/time/sync", &evil, b"");
    assert_json_error(&res, 403, "origin_not_allowed");

    let app = "http://localhost:8081";
    let c = companion(&["--cors-origin", app]);
    let res = http::request(c.addr, "GET", "/api/time/status", &[("Origin", app)], b"");
    assert_eq!(res.status, 200);
    assert_eq!(res.header("access-control-allow-origin"), Some(app));
    let preflight = [("Origin", app), ("Access-Control-Request-Method", "POST")];
    let res = http::request(c.addr, "OPTIONS", "/api/time/sync", &preflight, b"");
    assert_eq!(res.status, 204);
    assert_eq!(res.header("access-control-allow-origin"), Some(app));
    assert!(res
        .header("access-control-allow-methods")
        .unwrap()
        .contains("POST"));
    let res = http::request(c.addr, "GET", "/api/time/status", &evil, b"");
    assert_json_error(&res, 403, "origin_not_allowed");
}

#[test]
fn sources_come_from_the_environment_when_no_flag_names_any() {
    let (a, b) = (closed_source(), closed_source());
    let list = format!("{a}, {b}");
    let c = Companion::start_with_env(&[], &[("DRIFTLAB_NTP_SERVERS", &list)]);
    let s = c.get("/api/time/status").json();
    let servers: Vec<&str> = s["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["server"].as_str().unwrap())
        .collect();
    assert_eq!(servers, [a.as_str(), b.as_str()]);
}

#[test]
fn bad_configuration_is_refused_with_a_clear_message() {
    let cases: [(&[&str], &str); 4] = [
        (&["--ntp-server", "ntp example.org"], "expected HOST[:PORT]"),
        (&["--ntp-server", "a:99999"], "port must be a number"),
        (&["--cors-origin", "example.org"], "--cors-origin"),
        (&["--sync-interval-ms", "5"], "--sync-interval-ms 5"),
    ];
    for (args, expected) in cases {
        let (status, stderr) = start_fails(args);
        assert!(!status.success(), "{args:?}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

//! The companion's configuration: which NTP sources it may query, how often, how long it
//! waits, and which foreign origins may call its API.
//!
//! Everything here is fixed when `driftlab serve` starts. No request can add a source,
//! so the companion never queries a host the person running it did not name.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::time::Duration;

/// The environment variable that lists NTP sources, comma separated.
pub const SERVERS_ENV: &str = "DRIFTLAB_NTP_SERVERS";

/// Sources used when neither `--ntp-server` nor [`SERVERS_ENV`] names any.
pub const DEFAULT_SERVERS: [&str; 3] = ["0.pool.ntp.org", "1.pool.ntp.org", "2.pool.ntp.org"];

/// At most this many sources, so a sync round (one timeout per source) stays short.
pub const MAX_SOURCES: usize = 8;

/// The standard NTP port, used when a source names none.
pub const NTP_PORT: u16 = 123;

/// One NTP source, `HOST[:PORT]`: a DNS name, an IPv4 address or a bracketed IPv6 address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerSpec {
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// UDP port.
    pub port: u16,
}

impl ServerSpec {
    /// Parses `HOST`, `HOST:PORT`, `IPV6` or `[IPV6]:PORT`; the error says what is wrong.
    pub fn parse(text: &str) -> Result<ServerSpec, String> {
        let text = text.trim();
        let bad = |why: &str| Err(format!("NTP server '{text}': {why} (expected HOST[:PORT])"));
        if text.is_empty() {
            return bad("empty name");
        }
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let Some((ip, after)) = rest.split_once(']') else {
                return bad("missing ']' after the IPv6 address");
            };
            if ip.parse::<Ipv6Addr>().is_err() {
                return bad("not an IPv6 address inside [...]");
            }
            match after {
                "" => (ip, None),
                _ => match after.strip_prefix(':') {
                    Some(port) => (ip, Some(port)),
                    None => return bad("unexpected text after ']'"),
                },
            }
        } else if text.matches(':').count() > 1 {
            if text.parse::<Ipv6Addr>().is_err() {
                return bad("not an IPv6 address (write [ADDRESS]:PORT to give a port)");
            }
            (text, None)
        } else {
            match text.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (text, None),
            }
        };
        if !host.contains(':') && !is_host_name(host) {
            return bad("not a host name or IP address");
        }
        let port = match port {
            None => NTP_PORT,
            Some(port) => match port.parse::<u16>() {
                Ok(port) if port != 0 => port,
                _ => return bad("the port must be a number from 1 to 65535"),
            },
        };
        Ok(ServerSpec {
            host: host.to_string(),
            port,
        })
    }

    /// The host as an IP address, when it is one (no DNS needed).
    pub fn ip(&self) -> Option<IpAddr> {
        self.host.parse().ok()
    }
}

impl fmt::Display for ServerSpec {
    /// `host:port`, with brackets around an IPv6 address.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// Letters, digits, `-`, `_` and dots, as in DNS names and IPv4 addresses.
fn is_host_name(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Chooses the sources: `--ntp-server` flags first, else [`SERVERS_ENV`], else the defaults.
///
/// `env` is the variable's value, if set. At least one and at most [`MAX_SOURCES`] sources,
/// no duplicates; the first is the primary, the others are fallbacks in order.
pub fn choose_sources(flags: &[String], env: Option<&str>) -> Result<Vec<ServerSpec>, String> {
    let (names, origin): (Vec<&str>, &str) = if !flags.is_empty() {
        (flags.iter().map(String::as_str).collect(), "--ntp-server")
    } else if let Some(env) = env {
        let names: Vec<&str> = env.split(',').filter(|s| !s.trim().is_empty()).collect();
        if names.is_empty() {
            return Err(format!("{SERVERS_ENV} is set but names no server"));
        }
        (names, SERVERS_ENV)
    } else {
        (DEFAULT_SERVERS.to_vec(), "defaults")
    };
    if names.len() > MAX_SOURCES {
        return Err(format!(
            "{origin}: {} NTP servers given; at most {MAX_SOURCES} are allowed",
            names.len()
        ));
    }
    let mut sources: Vec<ServerSpec> = Vec::with_capacity(names.len());
    for name in names {
        let spec = ServerSpec::parse(name).map_err(|e| format!("{origin}: {e}"))?;
        if sources.contains(&spec) {
            return Err(format!("{origin}: NTP server {spec} is listed twice"));
        }
        sources.push(spec);
    }
    Ok(sources)
}

/// Checks a `--cors-origin` value: `*`, `null` or `scheme://host[:port]` without a path.
pub fn parse_origin(text: &str) -> Result<String, String> {
    let origin = text.trim().trim_end_matches('/');
    if origin == "*" || origin == "null" {
        return Ok(origin.to_string());
    }
    let rest = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.contains(['/', '?', '#', ' ', ',']) => {
            Ok(origin.to_ascii_lowercase())
        }
        _ => Err(format!(
            "--cors-origin '{text}': expected an origin like http://192.168.1.10:8080 (or *)"
        )),
    }
}

/// Checks a duration given in milliseconds against an inclusive range.
pub fn millis_in(flag: &str, ms: u64, min: u64, max: u64) -> Result<Duration, String> {
    if (min..=max).contains(&ms) {
        Ok(Duration::from_millis(ms))
    } else {
        Err(format!("{flag} {ms}: must be from {min} to {max} ms"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> String {
        ServerSpec::parse(text)
            .map(|s| s.to_string())
            .unwrap_or_else(|e| e)
    }

    #[test]
    fn parses_hosts_ports_and_ipv6() {
        assert_eq!(spec("pool.ntp.org"), "pool.ntp.org:123");
        assert_eq!(spec(" 127.0.0.1:11123 "), "127.0.0.1:11123");
        assert_eq!(spec("::1"), "[::1]:123");
        assert_eq!(spec("[::1]:4123"), "[::1]:4123");
    }

    #[test]
    fn rejects_malformed_sources_with_a_reason() {
        for bad in [
            "",
            "host:0",
            "host:99999",
            "ho st",
            "a/b",
            "[::1",
            "[x]:1",
            "http://x",
        ] {
            let err = ServerSpec::parse(bad).expect_err(bad);
            assert!(err.contains("expected HOST[:PORT]"), "{err}");
        }
    }

    #[test]
    fn flags_beat_env_which_beats_defaults() {
        let flags = vec!["a:1".to_string()];
        let from_flags = choose_sources(&flags, Some("b:2")).unwrap();
        assert_eq!(from_flags[0].to_string(), "a:1");
        let from_env = choose_sources(&[], Some(" b:2 , c ")).unwrap();
        assert_eq!(from_env.len(), 2);
        assert_eq!(from_env[1].to_string(), "c:123");
        assert_eq!(choose_sources(&[], None).unwrap().len(), 3);
        assert!(choose_sources(&[], Some(" , ")).is_err());
    }

    #[test]
    fn duplicate_and_too_many_sources_are_errors() {
        let dup = vec!["a".to_string(), "a:123".to_string()];
        assert!(choose_sources(&dup, None).unwrap_err().contains("twice"));
        let many: Vec<String> = (0..9).map(|i| format!("h{i}")).collect();
        assert!(choose_sources(&many, None)
            .unwrap_err()
            .contains("at most 8"));
    }

    #[test]
    fn origins_are_checked_and_normalised() {
        assert_eq!(
            parse_origin("http://Example.org:8080/").unwrap(),
            "http://example.org:8080"
        );
        assert_eq!(parse_origin("*").unwrap(), "*");
        assert!(parse_origin("example.org").is_err());
        assert!(parse_origin("http://x/path").is_err());
    }
}

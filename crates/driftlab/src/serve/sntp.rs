//! One SNTP query (RFC 5905 client mode) to one configured source, bounded in time.
//!
//! The packet exchange and the arithmetic are `rsntp`'s: the client stamps t1 when it
//! sends, the server stamps t2 (receive) and t3 (transmit), the client stamps t4 when the
//! reply arrives; offset θ = ((t2 − t1) + (t3 − t4)) / 2 and delay δ = (t4 − t1) − (t3 − t2).
//! This module adds the bounds (name lookup and reply share one deadline) and error
//! messages a teacher can act on.

use super::config::ServerSpec;
use rsntp::{AsyncSntpClient, Config, ProtocolError, SynchronizationError};
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::{Duration, SystemTime};
use tokio::time::{timeout, Instant};

/// What one source said, as seen from this machine.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    /// θ in milliseconds: the source's clock minus this machine's clock. Positive means
    /// this machine is behind.
    pub offset_ms: f64,
    /// δ in milliseconds: the round trip, without the server's own processing time.
    pub delay_ms: f64,
    /// The source's stratum (1 = attached to a reference clock).
    pub stratum: u8,
    /// When the reply arrived, by this machine's clock.
    pub at: SystemTime,
}

/// Queries `source` once; the whole query, name lookup included, ends within `limit`.
///
/// The error is one sentence about this source, e.g. `no reply within 1000 ms`.
pub async fn query(source: &ServerSpec, limit: Duration) -> Result<Measurement, String> {
    let deadline = Instant::now() + limit;
    let addr = match timeout(limit, resolve(source)).await {
        Ok(found) => found?,
        Err(_) => return Err(format!("name lookup took longer than {} ms", millis(limit))),
    };
    let left = deadline.saturating_duration_since(Instant::now());
    let bind = match addr.ip() {
        IpAddr::V4(_) => SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)),
        IpAddr::V6(_) => SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)),
    };
    let client = AsyncSntpClient::with_config(Config::default().bind_address(bind).timeout(left));
    // rsntp bounds only the wait for the reply; the outer timeout bounds the rest too.
    let reply = match timeout(left, client.synchronize(addr)).await {
        Ok(reply) => reply.map_err(|e| describe(&e, addr, limit))?,
        Err(_) => return Err(no_reply(limit)),
    };
    Ok(Measurement {
        offset_ms: round_micros(reply.clock_offset().as_secs_f64() * 1000.0),
        delay_ms: round_micros(reply.round_trip_delay().as_secs_f64() * 1000.0),
        stratum: reply.stratum(),
        at: SystemTime::now(),
    })
}

/// The source's address: its IP as given, else the first address DNS returns (IPv4 first).
async fn resolve(source: &ServerSpec) -> Result<SocketAddr, String> {
    if let Some(ip) = source.ip() {
        return Ok(SocketAddr::new(ip, source.port));
    }
    let found: Vec<SocketAddr> = tokio::net::lookup_host((source.host.as_str(), source.port))
        .await
        .map_err(|e| format!("cannot resolve host name '{}': {e}", source.host))?
        .collect();
    found
        .iter()
        .find(|a| a.is_ipv4())
        .or(found.first())
        .copied()
        .ok_or_else(|| format!("host name '{}' has no address", source.host))
}

/// Turns rsntp's error into a sentence about the source.
fn describe(error: &SynchronizationError, addr: SocketAddr, limit: Duration) -> String {
    match error {
        SynchronizationError::IOError(io) => match io.kind() {
            ErrorKind::TimedOut | ErrorKind::WouldBlock => no_reply(limit),
            ErrorKind::ConnectionRefused => {
                format!("connection refused: no NTP server is listening on {addr}")
            }
            _ => format!("network error talking to {addr}: {io}"),
        },
        SynchronizationError::ProtocolError(ProtocolError::KissODeath(code)) => {
            format!("the server refused to answer (Kiss-o'-Death {code:?}); query it less often")
        }
        SynchronizationError::ProtocolError(ProtocolError::ServerNotSynchronized) => {
            "the server answered but is not synchronized itself (stratum 16 or alarm)".into()
        }
        SynchronizationError::ProtocolError(other) => {
            format!("the server's reply was not valid SNTP: {other}")
        }
    }
}

fn no_reply(limit: Duration) -> String {
    format!("no reply within {} ms", millis(limit))
}

fn millis(d: Duration) -> u128 {
    d.as_millis()
}

/// Keeps microseconds: finer digits are noise for a classroom and bloat the JSON.
fn round_micros(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_microseconds() {
        assert_eq!(round_micros(1.234_567_8), 1.235);
        assert_eq!(round_micros(-0.000_4), -0.0);
    }

    #[tokio::test]
    async fn closed_port_is_reported_plainly_and_quickly() {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = socket.local_addr().unwrap().port();
        drop(socket);
        let source = ServerSpec::parse(&format!("127.0.0.1:{port}")).unwrap();
        let err = query(&source, Duration::from_millis(500))
            .await
            .unwrap_err();
        assert!(
            err.contains("connection refused") || err.contains("no reply"),
            "{err}"
        );
    }
}

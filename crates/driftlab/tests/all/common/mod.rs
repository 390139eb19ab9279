//! Helpers shared by the integration tests: a tiny HTTP/1.1 client, the companion
//! started as the real binary, and a real NTP server (chronyd) on loopback.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

pub mod chrony;
pub mod companion;
pub mod http;

use std::net::UdpSocket;

/// A loopback UDP port where nothing listens (bound, read, released).
pub fn closed_udp_port() -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind an ephemeral UDP port");
    socket.local_addr().expect("local address").port()
}

/// `127.0.0.1:PORT` of a closed UDP port, as an `--ntp-server` value.
pub fn closed_source() -> String {
    format!("127.0.0.1:{}", closed_udp_port())
}

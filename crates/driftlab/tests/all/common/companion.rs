//! The companion under test: the real `driftlab` binary, `serve --addr 127.0.0.1:0`,
//! killed when the handle drops.

use super::http::{self, Response};
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// A running `driftlab serve`.
pub struct Companion {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
}

fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_driftlab"));
    cmd.arg("serve")
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        // Tests never reach the default public servers: every test names its sources.
        .env_remove("DRIFTLAB_NTP_SERVERS")
        .envs(env.iter().copied());
    cmd
}

impl Companion {
    /// Starts `driftlab serve ARGS` and waits until it listens.
    pub fn start(args: &[&str]) -> Companion {
        Companion::start_with_env(args, &[])
    }

    /// Same, with extra environment variables.
    pub fn start_with_env(args: &[&str], env: &[(&str, &str)]) -> Companion {
        let mut child = command(args, env)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the driftlab binary");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let Some(addr) = first.split("listening on http://").nth(1) else {
            let _ = child.kill();
            panic!("driftlab serve {args:?} did not start (first line {first:?}); see stderr");
        };
        let addr = addr.trim().parse().expect("a socket address in the banner");
        // Keep draining stdout so the server never blocks on a full pipe.
        thread::spawn(move || lines.for_each(drop));
        Companion { child, addr }
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Response {
        http::get(self.addr, path)
    }

    /// The status once the start-up round has ended (at most 10 s).
    pub fn first_round(&self) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let status = self.get("/api/time/status");
            assert_eq!(status.status, 200, "{}", status.text());
            let body = status.json();
            if !body["last_attempt"].is_null() {
                return body;
            }
            assert!(Instant::now() < deadline, "no sync round ended: {body}");
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// `POST /api/time/sync`, waiting out (up to 5 times) a 429's `retry_after_ms`.
    pub fn sync(&self) -> Response {
        for _ in 0..5 {
            let res = http::post(self.addr, "/api/time/sync");
            if res.status != 429 {
                return res;
            }
            let wait = res.json()["retry_after_ms"]
                .as_u64()
                .expect("retry_after_ms");
            thread::sleep(Duration::from_millis(wait + 10));
        }
        panic!("sync still rate limited after 5 waits");
    }
}

impl Drop for Companion {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `driftlab serve ARGS` expecting it to refuse to start: its exit status and stderr.
pub fn start_fails(args: &[&str]) -> (ExitStatus, String) {
    let mut child = command(args, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the driftlab binary");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for driftlab") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("driftlab serve {args:?} started, but it should have refused to");
        }
        thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    (status, stderr)
}

//! A real NTP server for the tests: Debian's `chronyd`, on a free loopback port, with
//! its own config in a temporary folder, serving its local clock at a chosen stratum and
//! never touching the system clock (`-x`). Missing chronyd fails the test loudly.

use std::fs;
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// A running chronyd, stopped (and its folder removed) on drop.
pub struct Chrony {
    child: Child,
    dir: PathBuf,
    /// Its NTP port on 127.0.0.1.
    pub port: u16,
}

/// Where Debian puts chronyd.
fn chronyd() -> PathBuf {
    ["/usr/sbin/chronyd", "/usr/bin/chronyd", "/sbin/chronyd"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "chronyd not found: these tests need a real NTP server; \
                 install it with `apt-get install -y chrony`"
            )
        })
}

fn scratch_dir() -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("driftlab-chrony-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create a scratch folder for chronyd");
    dir
}

/// The user to run as: chronyd drops to `_chrony` by default, which could not write to
/// our folder; staying the current user keeps it simple.
fn current_user() -> String {
    let out = Command::new("id")
        .arg("-un")
        .output()
        .expect("run `id -un`");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

impl Chrony {
    /// Starts chronyd serving `local stratum STRATUM` and waits until it answers.
    pub fn start(stratum: u8) -> Chrony {
        Chrony::start_on(super::closed_udp_port(), stratum)
    }

    /// The same on a chosen loopback `port` (e.g. one a companion already queries).
    pub fn start_on(port: u16, stratum: u8) -> Chrony {
        let dir = scratch_dir();
        let conf = dir.join("chrony.conf");
        let d = dir.display();
        fs::write(
            &conf,
            format!(
                "port {port}\nbindaddress 127.0.0.1\ncmdport 0\nbindcmdaddress /\n\
                 local stratum {stratum}\nallow 127.0.0.1\n\
                 driftfile {d}/drift\npidfile {d}/chronyd.pid\n"
            ),
        )
        .expect("write chrony.conf");
        let log = fs::File::create(dir.join("chronyd.log")).expect("create chronyd.log");
        let child = Command::new(chronyd())
            .args(["-4", "-x", "-d", "-u", &current_user(), "-f"])
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start chronyd: {e}"));
        let mut chrony = Chrony { child, dir, port };
        chrony.wait_until_serving(stratum);
        chrony
    }

    /// `127.0.0.1:PORT`, as an `--ntp-server` value.
    pub fn server(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Sends raw SNTP requests until a synchronized reply at `stratum` comes (≤ 10 s).
    fn wait_until_serving(&mut self, stratum: u8) {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind a probe socket");
        socket
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("probe timeout");
        let mut request = [0u8; 48];
        request[0] = 0x23; // LI 0, version 4, mode 3 (client)
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("chronyd exited ({status}):\n{}", self.log());
            }
            let mut reply = [0u8; 48];
            if socket.send_to(&request, ("127.0.0.1", self.port)).is_ok() {
                if let Ok(48) = socket.recv(&mut reply) {
                    if reply[0] >> 6 != 3 && reply[1] == stratum {
                        return;
                    }
                }
            }
            thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "chronyd did not serve stratum {stratum} within 10 s:\n{}",
            self.log()
        );
    }

    fn log(&self) -> String {
        fs::read_to_string(self.dir.join("chronyd.log")).unwrap_or_default()
    }

    /// The scratch folder (config, log, pid and drift files).
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Chrony {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

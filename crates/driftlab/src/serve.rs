//! `driftlab serve`: the companion. Serves the built app and a small JSON API that
//! measures this machine's clock against real NTP servers.
//!
//! ```text
//! driftlab serve --addr 0.0.0.0:8080 --dist dist
//! ```
//!
//! See `docs/COMPANION.md` for the API and how a teacher uses it.

mod api;
mod assets;
mod config;
mod cors;
#[cfg(feature = "embed-app")]
mod embedded;
mod listen;
mod sntp;
mod status;
mod sync;

use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Arguments of `driftlab serve`.
#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on; 0.0.0.0:8080 serves the whole classroom network.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// NTP source HOST[:PORT], primary first, repeatable. Default: $DRIFTLAB_NTP_SERVERS
    /// (comma separated), else 0/1/2.pool.ntp.org.
    #[arg(long = "ntp-server", value_name = "HOST[:PORT]")]
    pub ntp_servers: Vec<String>,
    /// Serve the app from this folder (Trunk's dist/) instead of the embedded one.
    #[arg(long, value_name = "DIR")]
    pub dist: Option<PathBuf>,
    /// Also let pages from this origin call the API (e.g. http://localhost:8081), repeatable.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
    /// Minimum time between two syncs, 200 to 3600000 (POST /api/time/sync answers 429 sooner).
    #[arg(long, default_value_t = 2000, value_name = "MS")]
    pub sync_interval_ms: u64,
    /// How long one NTP query may take, name lookup included, 50 to 5000.
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    pub ntp_timeout_ms: u64,
    /// After a round with no answer, retry this much later, 200 to 3600000; each further
    /// failure doubles the wait, up to --retry-max-ms.
    #[arg(long, default_value_t = 2000, value_name = "MS")]
    pub retry_first_ms: u64,
    /// The longest wait between two retries, from --retry-first-ms to 3600000.
    #[arg(long, default_value_t = 60_000, value_name = "MS")]
    pub retry_max_ms: u64,
    /// Once synchronised, measure again this often, 1000 to 86400000.
    #[arg(long, default_value_t = 64_000, value_name = "MS")]
    pub resync_interval_ms: u64,
}

/// Runs the companion until Ctrl-C; an error is a message for the user.
pub fn serve(args: &ServeArgs) -> Result<(), String> {
    let env = std::env::var(config::SERVERS_ENV).ok();
    let sources = config::choose_sources(&args.ntp_servers, env.as_deref())?;
    let interval = config::millis_in("--sync-interval-ms", args.sync_interval_ms, 200, 3_600_000)?;
    let timeout = config::millis_in("--ntp-timeout-ms", args.ntp_timeout_ms, 50, 5000)?;
    let first_retry = config::millis_in("--retry-first-ms", args.retry_first_ms, 200, 3_600_000)?;
    let schedule = sync::Schedule {
        first_retry,
        factor: sync::RETRY_FACTOR,
        max_retry: config::millis_in(
            "--retry-max-ms",
            args.retry_max_ms,
            args.retry_first_ms,
            3_600_000,
        )?,
        resync: config::millis_in(
            "--resync-interval-ms",
            args.resync_interval_ms,
            1000,
            86_400_000,
        )?,
    };
    let origins = args
        .cors_origins
        .iter()
        .map(|o| config::parse_origin(o))
        .collect::<Result<Vec<_>, _>>()?;
    let assets = match &args.dist {
        Some(dir) => assets::Assets::from_dir(dir)?,
        None => assets::Assets::embedded()?,
    };
    let state = api::AppState {
        time: Arc::new(sync::TimeService::new(sources, timeout, interval, schedule)),
        assets: Arc::new(assets),
        cors: Arc::new(cors::Cors::new(origins)),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(run(args.addr, state))
}

/// Binds, announces, starts the background rounds (the first at once), and serves.
async fn run(addr: SocketAddr, state: api::AppState) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot read the listening address: {e}"))?;
    print_banner(bound, &state);
    tokio::spawn(Arc::clone(&state.time).run_schedule());
    listen::serve(listener, api::router(state), shutdown_signal()).await
}

fn print_banner(bound: SocketAddr, state: &api::AppState) {
    // Tests read this first line to learn the port; keep its shape.
    println!("driftlab serve: listening on http://{bound}");
    if bound.ip().is_unspecified() {
        println!(
            "  students open http://<this machine's address>:{}/",
            bound.port()
        );
    }
    println!("  app: {}", state.assets.describe());
    let sources: Vec<String> = state
        .time
        .sources()
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{s}{}", if i == 0 { " (primary)" } else { "" }))
        .collect();
    println!("  NTP sources: {}", sources.join(", "));
    println!("  API callers: {}", state.cors.describe());
    println!("  stop with Ctrl-C");
}

/// Resolves on Ctrl-C (or SIGTERM on Unix).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

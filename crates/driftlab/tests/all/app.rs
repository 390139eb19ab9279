//! Serving the built app: from `--dist`, with the right media types, and a plain page
//! when there is no app.

use crate::common::closed_source;
use crate::common::companion::{start_fails, Companion};
use crate::common::http;
use std::fs;
use std::path::PathBuf;

/// A fake Trunk output folder, removed on drop.
struct Dist(PathBuf);

impl Dist {
    fn new(name: &str) -> Dist {
        let dir = std::env::temp_dir().join(format!("driftlab-dist-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("assets")).unwrap();
        fs::write(
            dir.join("index.html"),
            "<!doctype html><title>Driftlab</title>",
        )
        .unwrap();
        fs::write(dir.join("driftlab-app-1f2e_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        fs::write(dir.join("driftlab-app-1f2e.js"), "export default 1;").unwrap();
        fs::write(dir.join("assets/style.css"), "body{}").unwrap();
        // Trunk's hashed name, with the compressed copies `cargo xtask build` writes (their
        // bytes here are markers: the server sends them as they are).
        let hashed = "driftlab-app-46d3b00d14106acf_bg.wasm";
        fs::write(dir.join(hashed), b"\0asm plain").unwrap();
        fs::write(dir.join(format!("{hashed}.br")), b"brotli copy").unwrap();
        fs::write(dir.join(format!("{hashed}.gz")), b"gzip copy").unwrap();
        fs::write(dir.join("index.html.gz"), b"gzip index").unwrap();
        Dist(dir)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Dist {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn serve(dist: &Dist) -> Companion {
    Companion::start(&["--dist", dist.path(), "--ntp-server", &closed_source()])
}

#[test]
fn wasm_is_served_as_application_wasm() {
    let dist = Dist::new("wasm");
    let c = serve(&dist);
    let res = c.get("/driftlab-app-1f2e_bg.wasm");
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/wasm"));
    assert_eq!(res.body, b"\0asm\x01\0\0\0");
    let js = c.get("/driftlab-app-1f2e.js");
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    let css = c.get("/assets/style.css");
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
}

#[test]
fn precompressed_copies_go_to_browsers_that_accept_them() {
    let dist = Dist::new("precompressed");
    let c = serve(&dist);
    let path = "/driftlab-app-46d3b00d14106acf_bg.wasm";
    let get = |accept: &str| {
        let headers: &[(&str, &str)] = if accept.is_empty() {
            &[]
        } else {
            &[("accept-encoding", accept)]
        };
        http::request(c.addr, "GET", path, headers, b"")
    };
    let br = get("gzip, deflate, br");
    assert_eq!(br.status, 200);
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(br.header("content-type"), Some("application/wasm"));
    assert_eq!(br.body, b"brotli copy");
    let gz = get("gzip");
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gz.body, b"gzip copy");
    let plain = get("");
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.body, b"\0asm plain");
    for res in [&br, &gz, &plain] {
        assert_eq!(res.header("vary"), Some("accept-encoding"));
    }
    // A file with no compressed copy is sent as it is, whatever the browser accepts.
    let js = http::request(
        c.addr,
        "GET",
        "/driftlab-app-1f2e.js",
        &[("accept-encoding", "br, gzip")],
        b"",
    );
    assert_eq!(js.header("content-encoding"), None);
    assert_eq!(js.body, b"export default 1;");
    // The app's pages too: index.html.gz exists.
    let page = http::request(
        c.addr,
        "GET",
        "/classroom",
        &[("accept-encoding", "gzip")],
        b"",
    );
    assert_eq!(page.header("content-encoding"), Some("gzip"));
    assert_eq!(page.body, b"gzip index");
}

#[test]
fn hashed_files_are_cached_for_a_year_the_rest_revalidated() {
    let dist = Dist::new("cache");
    let c = serve(&dist);
    let hashed = c.get("/driftlab-app-46d3b00d14106acf_bg.wasm");
    assert_eq!(
        hashed.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    for path in [
        "/",
        "/index.html",
        "/classroom",
        "/driftlab-app-1f2e.js",
        "/assets/style.css",
    ] {
        assert_eq!(
            c.get(path).header("cache-control"),
            Some("no-cache"),
            "{path}"
        );
    }
    // A missing file with a hash-like name is not cached at all.
    let missing = c.get("/driftlab-app-0000000000000000.js");
    assert_eq!(missing.status, 404);
    assert_ne!(
        missing.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
}

#[test]
fn index_html_answers_the_root_and_app_pages() {
    let dist = Dist::new("index");
    let c = serve(&dist);
    for path in ["/", "/index.html", "/classroom", "/a/b/"] {
        let res = c.get(path);
        assert_eq!(res.status, 200, "{path}");
        assert_eq!(res.header("content-type"), Some("text/html; charset=utf-8"));
        assert!(res.text().contains("<title>Driftlab</title>"), "{path}");
    }
    let head = http::request(c.addr, "HEAD", "/", &[], b"");
    assert_eq!(head.status, 200);
    assert_eq!(c.get("/missing.js").status, 404);
}

#[test]
fn requests_cannot_leave_the_dist_folder() {
    let dist = Dist::new("escape");
    let c = serve(&dist);
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/assets/..%2f..%2fetc/passwd",
    ] {
        let res = c.get(path);
        assert!(
            res.status == 400 || res.status == 404,
            "{path}: {}",
            res.status
        );
        assert!(!res.text().contains("[package]"), "{path}");
    }
    let res = http::request(c.addr, "POST", "/", &[], b"");
    assert_eq!(res.status, 405);
}

#[test]
fn without_an_app_the_root_says_how_to_build_it() {
    let c = Companion::start(&["--ntp-server", &closed_source()]);
    let res = c.get("/");
    assert_eq!(res.status, 404);
    assert_eq!(res.header("content-type"), Some("text/html; charset=utf-8"));
    let page = res.text();
    for needed in ["cargo xtask build", "--dist dist", "--features embed-app"] {
        assert!(page.contains(needed), "missing {needed:?} in {page}");
    }
}

#[test]
fn a_dist_folder_without_index_html_is_refused() {
    let dir = std::env::temp_dir().join(format!("driftlab-empty-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let (status, stderr) = start_fails(&["--dist", dir.to_str().unwrap()]);
    let _ = fs::remove_dir_all(&dir);
    assert!(!status.success());
    assert!(
        stderr.contains("no index.html") && stderr.contains("cargo xtask build"),
        "{stderr}"
    );
}

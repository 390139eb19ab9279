//! Serving the built app: from `--dist`, with the right media types, and a plain page
//! when there is no app.

mod common;

use common::closed_source;
use common::companion::{start_fails, Companion};
use common::http;
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
    for needed in [
        "trunk build --release",
        "--dist dist",
        "--features embed-app",
    ] {
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
        stderr.contains("no index.html") && stderr.contains("trunk build"),
        "{stderr}"
    );
}

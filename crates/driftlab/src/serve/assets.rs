//! The built app (Trunk's `dist/`), served from a folder by tower-http's `ServeDir`.
//!
//! - Files are served with their media type, and precompressed: when `name.br` or
//!   `name.gz` sits beside a file (`cargo xtask build` writes them) and the browser accepts
//!   that encoding, the compressed copy is sent. The `.wasm` goes out at about a third of
//!   its size to every laptop of the room.
//! - Trunk's hashed files (`driftlab-app-46d3b00d14106acf_bg.wasm`) never change under
//!   their name: they are cached for a year. Everything else (`index.html`, the service
//!   worker, the manifest) is revalidated on every load, so a new build shows at once.
//! - `/` and paths without an extension are the app's pages: they get `index.html`.
//!   Unknown files are 404. `ServeDir` refuses paths that would leave the folder.
//! - An app embedded in the binary (feature `embed-app`) is written to a private folder
//!   when the companion starts, then served the same way.
//! - Without any app, every page explains how to build one.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// Where the app's files come from.
pub enum Assets {
    /// A folder holding `index.html` and the rest of Trunk's output.
    Dir(PathBuf),
    /// The app compiled into the binary, unpacked into this folder at start-up (removed
    /// when the companion stops).
    #[cfg(feature = "embed-app")]
    Unpacked(super::embedded::Unpacked),
    /// No app: pages say how to build one.
    Missing,
}

/// `Cache-Control` of a file whose name carries Trunk's content hash.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of every other file: use the cached copy only after asking.
const REVALIDATE: &str = "no-cache";

impl Assets {
    /// The app in `dir`, which must hold an `index.html`.
    pub fn from_dir(dir: &Path) -> Result<Assets, String> {
        if !dir.join("index.html").is_file() {
            return Err(format!(
                "--dist {}: no index.html there; build the app first with \
                 `cargo xtask build` (or `trunk build --release`) in the repository root \
                 (it writes dist/)",
                dir.display()
            ));
        }
        Ok(Assets::Dir(dir.to_path_buf()))
    }

    /// The app embedded at build time, if this binary has one, unpacked into a private
    /// folder.
    pub fn embedded() -> Result<Assets, String> {
        #[cfg(feature = "embed-app")]
        if let Some(unpacked) = super::embedded::unpack()? {
            return Ok(Assets::Unpacked(unpacked));
        }
        Ok(Assets::Missing)
    }

    /// One line for the start-up banner.
    pub fn describe(&self) -> String {
        match self {
            Assets::Dir(dir) => format!("from the folder {}", dir.display()),
            #[cfg(feature = "embed-app")]
            Assets::Unpacked(_) => "embedded in this binary".into(),
            Assets::Missing => "none (open the page for how to build it)".into(),
        }
    }

    /// The folder the files are served from, if there is an app.
    fn dir(&self) -> Option<&Path> {
        match self {
            Assets::Dir(dir) => Some(dir),
            #[cfg(feature = "embed-app")]
            Assets::Unpacked(unpacked) => Some(unpacked.path()),
            Assets::Missing => None,
        }
    }

    /// Answers a request for the app.
    pub async fn respond(&self, req: Request) -> Response {
        let Some(dir) = self.dir() else {
            return missing_app();
        };
        let path = req.uri().path().to_string();
        if leaves_the_app(&path) {
            return (StatusCode::BAD_REQUEST, "Bad path.\n").into_response();
        }
        let page = is_page(&path);
        let served = if page {
            ServeFile::new(dir.join("index.html"))
                .precompressed_br()
                .precompressed_gzip()
                .oneshot(req)
                .await
        } else {
            ServeDir::new(dir)
                .precompressed_br()
                .precompressed_gzip()
                .oneshot(req)
                .await
        };
        let mut res = match served {
            Ok(res) => res.map(Body::new),
            Err(never) => match never {},
        };
        let status = res.status();
        if status == StatusCode::NOT_FOUND {
            return (StatusCode::NOT_FOUND, "Not found.\n").into_response();
        }
        let headers = res.headers_mut();
        let cache = if !page && status.is_success() && is_hashed(&path) {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        // Text says it is UTF-8 (Trunk's output is).
        let text = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .filter(|v| v.starts_with("text/") && !v.contains("charset"))
            .and_then(|v| HeaderValue::from_str(&format!("{v}; charset=utf-8")).ok());
        if let Some(text) = text {
            headers.insert(header::CONTENT_TYPE, text);
        }
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        res
    }
}

/// The page shown when there is no app to serve.
fn missing_app() -> Response {
    let page = "<!doctype html><meta charset=utf-8><title>Driftlab companion</title>\n\
        <h1>The Driftlab companion is running, but it has no app to serve.</h1>\n\
        <p>Build the app in the repository root, then serve it:</p>\n\
        <pre>cargo xtask build\ndriftlab serve --dist dist</pre>\n\
        <p>or put it inside the binary:</p>\n\
        <pre>cargo xtask build\ncargo build --release -p driftlab --features embed-app\n\
        driftlab serve</pre>\n\
        <p>See docs/COMPANION.md and docs/DEPLOY.md. The time API works meanwhile: \
        <a href=api/time/status>/api/time/status</a>.</p>\n";
    let headers = [(header::CONTENT_TYPE, "text/html; charset=utf-8")];
    (StatusCode::NOT_FOUND, headers, page).into_response()
}

/// Whether the URL path, once decoded, has a `.` or `..` segment, a backslash, a NUL or
/// a colon, or is not UTF-8: such a request is refused before anything is looked up
/// (`ServeDir` would refuse the file, but a page path would still get `index.html`).
fn leaves_the_app(path: &str) -> bool {
    let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else {
        return true;
    };
    decoded
        .split('/')
        .any(|seg| seg == "." || seg == ".." || seg.contains(['\\', '\0', ':']))
}

/// Whether `path` (a URL path) is one of the app's pages rather than a file: `/`, or a last
/// segment without an extension.
fn is_page(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    !last.contains('.')
}

/// Whether the file `path` names carries Trunk's content hash: 16 hexadecimal digits after
/// the last `-` of its name (`main-61ff33ecf501c850.css`, `app-46d3b00d14106acf_bg.wasm`).
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_leave_the_app_are_refused() {
        for bad in [
            "/../x",
            "/%2e%2e/x",
            "/a/..%2f..%2fx",
            "/a%5cb",
            "/c:x",
            "/./a",
            "/%ff",
        ] {
            assert!(leaves_the_app(bad), "{bad}");
        }
        for good in ["/", "/a%20b/c.js", "/x/y/", "/app_bg.wasm", "/a..b.js"] {
            assert!(!leaves_the_app(good), "{good}");
        }
    }

    #[test]
    fn pages_are_paths_without_an_extension() {
        for page in ["/", "/classroom", "/a/b/", "/x/"] {
            assert!(is_page(page), "{page}");
        }
        for file in [
            "/index.html",
            "/sw.js",
            "/a/app_bg.wasm",
            "/manifest.webmanifest",
        ] {
            assert!(!is_page(file), "{file}");
        }
    }

    #[test]
    fn only_trunks_hashed_names_are_immutable() {
        for hashed in [
            "/driftlab-app-46d3b00d14106acf_bg.wasm",
            "/driftlab-app-46d3b00d14106acf.js",
            "/x/main-61ff33ecf501c850.css",
        ] {
            assert!(is_hashed(hashed), "{hashed}");
        }
        for plain in [
            "/index.html",
            "/sw.js",
            "/icon-192.png",
            "/driftlab-app-1f2e.js",
            "/main-61ff33ecf501c85g.css",
            "/app-46d3b00d14106acf0.js",
        ] {
            assert!(!is_hashed(plain), "{plain}");
        }
    }
}

//! The built app (Trunk's `dist/`), served from a folder or from the binary itself.
//!
//! Paths are decoded and checked before use: no `..`, no absolute paths, no backslashes,
//! so a request can only reach files inside the app. `/` and unknown extension-less paths
//! get `index.html`; without any app, every page explains how to build one.

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};

/// Where the app's files come from.
pub enum Assets {
    /// A folder holding `index.html` and the rest of Trunk's output.
    Dir(PathBuf),
    /// The app compiled into the binary (feature `embed-app`).
    #[cfg(feature = "embed-app")]
    Embedded(&'static include_dir::Dir<'static>),
    /// No app: pages say how to build one.
    Missing,
}

impl Assets {
    /// The app in `dir`, which must hold an `index.html`.
    pub fn from_dir(dir: &Path) -> Result<Assets, String> {
        if !dir.join("index.html").is_file() {
            return Err(format!(
                "--dist {}: no index.html there; build the app first with \
                 `trunk build --release` in the repository root (it writes dist/)",
                dir.display()
            ));
        }
        Ok(Assets::Dir(dir.to_path_buf()))
    }

    /// The app embedded at build time, if this binary has one.
    pub fn embedded() -> Assets {
        #[cfg(feature = "embed-app")]
        if let Some(dir) = super::embedded::app() {
            return Assets::Embedded(dir);
        }
        Assets::Missing
    }

    /// One line for the start-up banner.
    pub fn describe(&self) -> String {
        match self {
            Assets::Dir(dir) => format!("from the folder {}", dir.display()),
            #[cfg(feature = "embed-app")]
            Assets::Embedded(_) => "embedded in this binary".into(),
            Assets::Missing => "none (open the page for how to build it)".into(),
        }
    }

    /// Answers a request for `path` (the URL path, still percent-encoded).
    pub async fn respond(&self, method: &Method, path: &str) -> Response {
        if method != Method::GET && method != Method::HEAD {
            let mut res =
                (StatusCode::METHOD_NOT_ALLOWED, "Only GET and HEAD here.\n").into_response();
            res.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return res;
        }
        let Some(rel) = safe_path(path) else {
            return (StatusCode::BAD_REQUEST, "Bad path.\n").into_response();
        };
        let rel = if rel.is_empty() {
            "index.html".to_string()
        } else {
            rel
        };
        match self.read(&rel).await {
            Ok(Some(body)) => file_response(&rel, body),
            // Unknown pages (no extension) are the app's; unknown files are not found.
            Ok(None) if !has_extension(&rel) && rel != "index.html" => {
                match self.read("index.html").await {
                    Ok(Some(body)) => file_response("index.html", body),
                    _ => missing_app(),
                }
            }
            Ok(None) if matches!(self, Assets::Missing) => missing_app(),
            Ok(None) => (StatusCode::NOT_FOUND, "Not found.\n").into_response(),
            Err(e) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("Cannot read {rel}: {e}\n"),
            )
                .into_response(),
        }
    }

    /// The file's bytes, `None` if there is no such file.
    async fn read(&self, rel: &str) -> std::io::Result<Option<Vec<u8>>> {
        match self {
            Assets::Dir(dir) => match tokio::fs::read(dir.join(rel)).await {
                Ok(body) => Ok(Some(body)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                // A folder where a file was asked for: treat as absent.
                Err(_) if dir.join(rel).is_dir() => Ok(None),
                Err(e) => Err(e),
            },
            #[cfg(feature = "embed-app")]
            Assets::Embedded(dir) => Ok(dir.get_file(rel).map(|f| f.contents().to_vec())),
            Assets::Missing => Ok(None),
        }
    }
}

fn file_response(rel: &str, body: Vec<u8>) -> Response {
    let headers = [
        (header::CONTENT_TYPE, content_type(rel)),
        (header::CACHE_CONTROL, "no-cache"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ];
    (headers, body).into_response()
}

/// The page shown when there is no app to serve.
fn missing_app() -> Response {
    let page = "<!doctype html><meta charset=utf-8><title>Driftlab companion</title>\n\
        <h1>The Driftlab companion is running, but it has no app to serve.</h1>\n\
        <p>Build the app in the repository root, then serve it:</p>\n\
        <pre>trunk build --release\ndriftlab serve --dist dist</pre>\n\
        <p>or put it inside the binary:</p>\n\
        <pre>trunk build --release\ncargo build --release -p driftlab --features embed-app\n\
        driftlab serve</pre>\n\
        <p>See docs/COMPANION.md. The time API works meanwhile: \
        <a href=/api/time/status>/api/time/status</a>.</p>\n";
    let headers = [(header::CONTENT_TYPE, "text/html; charset=utf-8")];
    (StatusCode::NOT_FOUND, headers, page).into_response()
}

/// The request path as a relative file path inside the app, or `None` if it could leave
/// the app's folder or is not valid UTF-8. `/` gives the empty string.
pub fn safe_path(path: &str) -> Option<String> {
    let decoded = percent_decode(path)?;
    let rel = decoded.trim_start_matches('/').trim_end_matches('/');
    let clean = rel.split('/').all(|seg| {
        !seg.is_empty() && seg != "." && seg != ".." && !seg.contains(['\\', '\0', ':'])
    });
    (rel.is_empty() || clean).then(|| rel.to_string())
}

fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn has_extension(rel: &str) -> bool {
    rel.rsplit('/')
        .next()
        .is_some_and(|name| name.contains('.'))
}

/// The media type for a file name; `.wasm` must be `application/wasm` for browsers to
/// compile it while it streams.
pub fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_app() {
        assert_eq!(safe_path("/").as_deref(), Some(""));
        assert_eq!(safe_path("/app_bg.wasm").as_deref(), Some("app_bg.wasm"));
        assert_eq!(safe_path("/a%20b/c.js").as_deref(), Some("a b/c.js"));
        for bad in [
            "/../x",
            "/%2e%2e/x",
            "/a/../../x",
            "/a//b",
            "/a%5cb",
            "/%zz",
            "/c:x",
        ] {
            assert_eq!(safe_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn wasm_is_application_wasm() {
        assert_eq!(
            content_type("driftlab-app-1a2b_bg.wasm"),
            "application/wasm"
        );
        assert_eq!(content_type("index.HTML"), "text/html; charset=utf-8");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }
}

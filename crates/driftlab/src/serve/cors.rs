//! Who may call the API from a web page: the companion's own origin, plus the origins
//! given with `--cors-origin`. Calls from any other page get a JSON 403, so a foreign
//! site cannot make visitors' browsers trigger syncs either.

use super::api::{json_error, AppState};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The configured foreign origins (normalised; `*` allows all).
#[derive(Clone, Debug, Default)]
pub struct Cors {
    allowed: Vec<String>,
}

impl Cors {
    /// A policy allowing the companion's own origin and `allowed` (see
    /// [`super::config::parse_origin`]).
    pub fn new(allowed: Vec<String>) -> Cors {
        Cors { allowed }
    }

    /// Whether a page at `origin` may call the API of this companion, reached as `host`.
    pub fn allows(&self, origin: &str, host: Option<&str>) -> bool {
        let origin = origin.to_ascii_lowercase();
        let same_origin = host.is_some_and(|host| {
            let host = host.to_ascii_lowercase();
            origin.strip_prefix("http://") == Some(host.as_str())
                || origin.strip_prefix("https://") == Some(host.as_str())
        });
        same_origin || self.allowed.iter().any(|a| a == "*" || *a == origin)
    }

    /// The configured origins, for the start-up banner.
    pub fn describe(&self) -> String {
        if self.allowed.is_empty() {
            "own origin only".into()
        } else {
            format!("own origin and {}", self.allowed.join(", "))
        }
    }
}

/// Middleware on every request: checks `Origin` on API calls, answers preflights, and
/// adds the CORS headers to allowed cross-origin responses.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_api = path == "/api" || path.starts_with("/api/");
    let origin = req.headers().get(header::ORIGIN).cloned();
    let (true, Some(origin)) = (is_api, origin) else {
        return next.run(req).await;
    };
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let text = origin.to_str().unwrap_or("");
    if !state.cors.allows(text, host) {
        let message = format!(
            "this companion does not accept API calls from pages at {text}; \
             start it with --cors-origin {text} to allow them"
        );
        return json_error(StatusCode::FORBIDDEN, "origin_not_allowed", message);
    }
    if req.method() == Method::OPTIONS {
        let mut res = StatusCode::NO_CONTENT.into_response();
        let h = res.headers_mut();
        allow_origin(h, origin);
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, HEAD, POST"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("content-type"),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        return res;
    }
    let mut res = next.run(req).await;
    allow_origin(res.headers_mut(), origin);
    res
}

fn allow_origin(headers: &mut HeaderMap, origin: HeaderValue) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("retry-after"),
    );
    headers.append(header::VARY, HeaderValue::from_static("origin"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_origin_is_always_allowed() {
        let cors = Cors::default();
        assert!(cors.allows("http://192.168.1.10:8080", Some("192.168.1.10:8080")));
        assert!(!cors.allows("http://evil.example", Some("192.168.1.10:8080")));
        assert!(!cors.allows("http://192.168.1.10:8080", None));
    }

    #[test]
    fn configured_origins_and_star() {
        let cors = Cors::new(vec!["http://localhost:8081".into()]);
        assert!(cors.allows("http://LOCALHOST:8081", Some("127.0.0.1:8080")));
        assert!(!cors.allows("http://localhost:9999", Some("127.0.0.1:8080")));
        assert!(Cors::new(vec!["*".into()]).allows("null", None));
    }
}

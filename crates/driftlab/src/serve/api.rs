//! The HTTP routes: the time API under `/api`, the app everywhere else.
//!
//! Every answer under `/api` is JSON, errors included: `{"error": CODE, "message": TEXT}`
//! with a fitting status code (404 unknown route, 405 wrong method, 400/413/415 bad body,
//! 403 foreign origin, 429 sync too soon).

use super::assets::Assets;
use super::cors::{self, Cors};
use super::sync::TimeService;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{middleware, Json, Router};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The NTP side.
    pub time: Arc<TimeService>,
    /// The app's files.
    pub assets: Arc<Assets>,
    /// Which foreign pages may call the API.
    pub cors: Arc<Cors>,
}

/// The largest request body accepted (`POST /api/time/sync` takes at most `{}`).
const BODY_LIMIT: usize = 1024;

/// How long the request body may take to arrive.
const BODY_TIMEOUT: Duration = Duration::from_secs(5);

/// All routes, with the CORS check in front.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/api/time/status",
            get(status)
                .fallback(|m: Method, u: Uri| async move { wrong_method(&m, &u, "GET, HEAD") }),
        )
        .route(
            "/api/time/sync",
            post(sync).fallback(|m: Method, u: Uri| async move { wrong_method(&m, &u, "POST") }),
        )
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .fallback(app)
        .layer(middleware::from_fn_with_state(state.clone(), cors::layer))
        .with_state(state)
}

/// `GET /api/time/status`: the latest round, never a network query.
async fn status(State(state): State<AppState>) -> Response {
    json_ok(state.time.status())
}

/// The body `POST /api/time/sync` accepts: nothing, or an empty JSON object. There is
/// deliberately no field naming a server: the sources are fixed at start-up.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SyncRequest {}

/// `POST /api/time/sync`: a round now (or 429 if the last one was too recent).
async fn sync(State(state): State<AppState>, req: Request) -> Response {
    if req.uri().query().is_some_and(|q| !q.is_empty()) {
        let message = "POST /api/time/sync takes no parameters; \
                       the NTP sources are set when the companion starts";
        return json_error(StatusCode::BAD_REQUEST, "bad_request", message);
    }
    let (parts, body) = req.into_parts();
    let body = match read_body(&parts.headers, body).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    if !body.iter().all(u8::is_ascii_whitespace) {
        let is_json = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("application/json"));
        if !is_json {
            let message = "send no body, or `{}` with Content-Type: application/json";
            return json_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                message,
            );
        }
        if let Err(e) = serde_json::from_slice::<SyncRequest>(&body) {
            let message = format!(
                "bad JSON body ({e}); send no body or `{{}}`: \
                 the NTP sources are set when the companion starts"
            );
            return json_error(StatusCode::BAD_REQUEST, "bad_body", message);
        }
    }
    match state.time.sync().await {
        Ok(status) => json_ok(status),
        Err(wait) => rate_limited(wait, state.time.interval_ms()),
    }
}

/// The whole body, at most [`BODY_LIMIT`] bytes, arriving within [`BODY_TIMEOUT`].
async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, Response> {
    let too_large = || {
        let message = format!("the request body is larger than {BODY_LIMIT} bytes");
        json_error(StatusCode::PAYLOAD_TOO_LARGE, "bad_body", message)
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT) {
        return Err(too_large());
    }
    match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, BODY_LIMIT)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        // Without a Content-Length, the limit shows up here.
        Ok(Err(_)) => Err(too_large()),
        Err(_) => {
            let message = format!("the request body did not arrive within {BODY_TIMEOUT:?}");
            Err(json_error(StatusCode::REQUEST_TIMEOUT, "bad_body", message))
        }
    }
}

/// Any other path under `/api`.
async fn api_not_found(method: Method, uri: Uri) -> Response {
    let message = format!(
        "no API route {method} {}; the API has GET /api/time/status and POST /api/time/sync",
        uri.path()
    );
    json_error(StatusCode::NOT_FOUND, "not_found", message)
}

/// Everything outside `/api`: the app.
async fn app(State(state): State<AppState>, req: Request) -> Response {
    state.assets.respond(req).await
}

fn wrong_method(method: &Method, uri: &Uri, allow: &'static str) -> Response {
    let message = format!("{method} is not allowed on {}; use {allow}", uri.path());
    let mut res = json_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        message,
    );
    res.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    res
}

fn rate_limited(wait: Duration, interval_ms: u64) -> Response {
    let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1);
    let body = ApiError {
        error: "rate_limited",
        message: format!(
            "the companion syncs at most once every {interval_ms} ms; try again in {wait_ms} ms"
        ),
        retry_after_ms: Some(wait_ms),
    };
    let mut res = (StatusCode::TOO_MANY_REQUESTS, no_store(), Json(body)).into_response();
    let secs = wait_ms.div_ceil(1000);
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    res
}

/// The JSON body of every API error.
#[derive(Serialize)]
struct ApiError {
    /// A stable code, e.g. `not_found`.
    error: &'static str,
    /// A sentence for people.
    message: String,
    /// With `rate_limited`: how long to wait, in ms (`Retry-After` rounds up to seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_after_ms: Option<u64>,
}

/// A JSON error response.
pub fn json_error(status: StatusCode, code: &'static str, message: impl Into<String>) -> Response {
    let body = ApiError {
        error: code,
        message: message.into(),
        retry_after_ms: None,
    };
    (status, no_store(), Json(body)).into_response()
}

fn json_ok(body: impl Serialize) -> Response {
    (no_store(), Json(body)).into_response()
}

/// API answers change from one second to the next: never cache them.
fn no_store() -> [(header::HeaderName, &'static str); 1] {
    [(header::CACHE_CONTROL, "no-store")]
}

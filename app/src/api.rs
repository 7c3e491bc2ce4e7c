//! Talking to the server: requests and answers in `jifen-shared` types, failures sorted into what a
//! person can act on. Every request gives up after [`TIMEOUT_MS`] so a stalled 3G connection
//! ends in "网络不好 … 重试", never in an endless skeleton (UX.md, "Honest waiting").
//!
//! A request is named by its declaration in [`jifen_shared::api`]: a value such as
//! `FulfilRedemption { id }` or `PointsHistory { query }` gives the method, the path and query,
//! the body's type and the answer's, so no path is spelt here or in the pages:
//!
//! - [`call`]: JSON in, JSON out, as nobody (the public endpoints, the sign-in) or a bare token;
//! - [`call_as`]: the same as the signed-in person ([`Credentials`]);
//! - [`call_once`]: the same with an `Idempotency-Key` (the endpoints API.md marks "(I)");
//! - [`call_by_cookie`]: no body and no token, the refresh cookie speaking for the session
//!   (`POST /auth/refresh`, `/auth/logout`);
//! - [`upload`]: a file or a multipart form, with upload progress;
//! - [`get_blob`]: an answer that is a file (a photo, a CSV export).
//!
//! While the signed-in person acts for a villager (代办, [`crate::proxy`]) their
//! [`Credentials`] carry the proxy session's token too, sent as
//! [`ACTING_FOR_HEADER`](crate::proxy::ACTING_FOR_HEADER) to the villager's own endpoints
//! only ([`crate::proxy::acts_as_villager`]).

use std::any::TypeId;

use jifen_shared::api::{Binary, Endpoint, Method};
use jifen_shared::{ApiErrorBody, ErrorCode};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// How long a request may take before it counts as a network failure: 15 s, generous for a
/// weak rural connection, short enough that nobody waits on a dead one.
pub const TIMEOUT_MS: i32 = 15_000;

/// Whom a signed-in request speaks for: the person's access token and, while they act for a
/// villager (代办), the proxy session's token — sent only to the endpoints that answer as the
/// villager ([`crate::proxy::acts_as_villager`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    pub token: String,
    pub acting_for: Option<String>,
}

impl Credentials {
    /// The proxy session's token to send to `E`, if any.
    fn acting_for<E: Endpoint>(&self) -> Option<&str> {
        self.acting_for
            .as_deref()
            .filter(|_| crate::proxy::acts_as_villager::<E>())
    }
}

/// Why a request did not give what was asked.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiFailure {
    /// No answer in time: offline, timed out, or the connection dropped.
    Network,
    /// The server answered with an error body.
    Server(ApiErrorBody),
    /// The server answered something that is not what this version of the app expects.
    Unexpected(String),
}

impl ApiFailure {
    /// The stable error code, when the server gave one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiFailure::Server(body) => Some(body.code),
            _ => None,
        }
    }
}

/// Aborts the request when dropped late; cancels its timer when dropped early.
struct Deadline {
    controller: Option<web_sys::AbortController>,
    timer: Option<i32>,
    _on_timeout: Option<Closure<dyn FnMut()>>,
}

impl Deadline {
    fn start(ms: i32) -> Deadline {
        let Ok(controller) = web_sys::AbortController::new() else {
            return Deadline {
                controller: None,
                timer: None,
                _on_timeout: None,
            };
        };
        let abort = controller.clone();
        let on_timeout = Closure::<dyn FnMut()>::new(move || abort.abort());
        let timer = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                on_timeout.as_ref().unchecked_ref(),
                ms,
            )
            .ok()
        });
        Deadline {
            controller: Some(controller),
            timer,
            _on_timeout: Some(on_timeout),
        }
    }

    fn signal(&self) -> Option<web_sys::AbortSignal> {
        self.controller.as_ref().map(|c| c.signal())
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        if let (Some(timer), Some(window)) = (self.timer, web_sys::window()) {
            window.clear_timeout_with_handle(timer);
        }
    }
}

/// `endpoint` with `body` as JSON, as the person of `token` (`None`: as nobody, for the public
/// endpoints and the sign-in), decoding the declared answer.
///
/// A body of `()` (the declaration has none) is not sent, except that a `POST` carries `{}`
/// then, as the app always sent it (the server reads no body there). A success without a body
/// (204 No Content) is the answer `()`.
pub async fn call<E: Endpoint>(
    endpoint: &E,
    body: &E::Body,
    token: Option<&str>,
) -> Result<E::Response, ApiFailure> {
    let headers = Headers {
        token,
        ..Headers::default()
    };
    send(endpoint, Some(body), headers, true).await
}

/// [`call`] as the signed-in person of `credentials` (and the villager they act for, where
/// the endpoint answers as the villager).
pub async fn call_as<E: Endpoint>(
    endpoint: &E,
    body: &E::Body,
    credentials: &Credentials,
) -> Result<E::Response, ApiFailure> {
    send(
        endpoint,
        Some(body),
        Headers::of(credentials, endpoint),
        true,
    )
    .await
}

/// [`call_as`] with an `Idempotency-Key` (API.md, "(I)"): the same key sent again replays the
/// first answer instead of acting twice.
pub async fn call_once<E: Endpoint>(
    endpoint: &E,
    body: &E::Body,
    credentials: &Credentials,
    key: &str,
) -> Result<E::Response, ApiFailure> {
    debug_assert!(E::IDEMPOTENT, "{} takes no Idempotency-Key", E::TEMPLATE);
    let headers = Headers {
        idempotency_key: Some(key),
        ..Headers::of(credentials, endpoint)
    };
    send(endpoint, Some(body), headers, true).await
}

/// `endpoint` without a body and without a token: for the endpoints whose body (the refresh
/// token) is optional, `POST /auth/refresh` and `/auth/logout`, the server reading the refresh
/// token from its HttpOnly cookie instead, which no script here can read. Asks for no JSON
/// when the answer is `()` (204 No Content).
pub async fn call_by_cookie<E: Endpoint>(endpoint: &E) -> Result<E::Response, ApiFailure>
where
    E::Response: 'static,
{
    let accept = TypeId::of::<E::Response>() != TypeId::of::<()>();
    send(endpoint, None, Headers::default(), accept).await
}

/// The headers of a request beside its body's.
#[derive(Debug, Clone, Copy, Default)]
struct Headers<'a> {
    /// The bearer token.
    token: Option<&'a str>,
    /// [`crate::proxy::ACTING_FOR_HEADER`].
    acting_for: Option<&'a str>,
    idempotency_key: Option<&'a str>,
}

impl<'a> Headers<'a> {
    /// The headers `credentials` give a request to `E`.
    fn of<E: Endpoint>(credentials: &'a Credentials, _: &E) -> Headers<'a> {
        Headers {
            token: Some(&credentials.token),
            acting_for: credentials.acting_for::<E>(),
            idempotency_key: None,
        }
    }
}

/// A request to `endpoint` with its declared method, not yet sent.
fn request<E: Endpoint>(endpoint: &E) -> gloo_net::http::RequestBuilder {
    let url = endpoint.url_path();
    match E::METHOD {
        Method::Get => gloo_net::http::Request::get(&url),
        Method::Post => gloo_net::http::Request::post(&url),
        Method::Put => gloo_net::http::Request::put(&url),
        Method::Delete => gloo_net::http::Request::delete(&url),
    }
}

/// How long an upload may take: two minutes, enough for the largest file the server takes
/// (16 MiB) on a fair 3G link; the progress bar shows it is moving meanwhile.
pub const UPLOAD_TIMEOUT_MS: u32 = 120_000;

/// What an upload sends.
pub enum Upload<'a> {
    /// A file as the whole body, with its media type (a CSV import).
    File(&'a web_sys::Blob, &'a str),
    /// A `multipart/form-data` form, the browser writing the boundary (a photo).
    Form(&'a web_sys::FormData),
}

/// `endpoint` (a declaration whose body is a file) with `body`, as the signed-in person,
/// decoding the declared JSON answer. Uses `XMLHttpRequest`, the one browser API that reports
/// upload progress: `on_progress` gets the fraction sent (0.0–1.0) as it grows.
pub async fn upload<E: Endpoint<Body = Binary>>(
    endpoint: &E,
    credentials: &Credentials,
    body: Upload<'_>,
    on_progress: impl Fn(f64) + 'static,
) -> Result<E::Response, ApiFailure> {
    let unexpected = |e: wasm_bindgen::JsValue| ApiFailure::Unexpected(format!("{e:?}"));
    let xhr = web_sys::XmlHttpRequest::new().map_err(unexpected)?;
    xhr.open(E::METHOD.as_str(), &endpoint.url_path())
        .map_err(unexpected)?;
    if let Upload::File(_, content_type) = &body {
        xhr.set_request_header("Content-Type", content_type)
            .map_err(unexpected)?;
    }
    for (name, value) in [
        ("Accept", "application/json"),
        ("Authorization", &format!("Bearer {}", credentials.token)),
    ] {
        xhr.set_request_header(name, value).map_err(unexpected)?;
    }
    if let Some(acting_for) = credentials.acting_for::<E>() {
        xhr.set_request_header(crate::proxy::ACTING_FOR_HEADER, acting_for)
            .map_err(unexpected)?;
    }
    xhr.set_timeout(UPLOAD_TIMEOUT_MS);
    let progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                on_progress((e.loaded() / e.total()).clamp(0.0, 1.0));
            }
        });
    let upload = xhr.upload().ok();
    if let Some(upload) = &upload {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    // Unhooks the progress callback however this future ends (also when it is dropped).
    struct Unhook(Option<web_sys::XmlHttpRequestUpload>);
    impl Drop for Unhook {
        fn drop(&mut self) {
            if let Some(upload) = &self.0 {
                upload.set_onprogress(None);
            }
        }
    }
    let _unhook = Unhook(upload);
    // `loadend` follows every ending: done, network error, timeout, abort.
    let ended = js_sys::Promise::new(&mut |resolve, _reject| {
        xhr.set_onloadend(Some(&resolve));
    });
    let sent = match body {
        Upload::File(blob, _) => xhr.send_with_opt_blob(Some(blob)),
        Upload::Form(form) => xhr.send_with_opt_form_data(Some(form)),
    };
    sent.map_err(|_| ApiFailure::Network)?;
    let _ = wasm_bindgen_futures::JsFuture::from(ended).await;
    let status = xhr.status().unwrap_or(0);
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    match status {
        0 => Err(ApiFailure::Network),
        200..=299 => serde_json::from_str(&text).map_err(|e| ApiFailure::Unexpected(e.to_string())),
        status => match serde_json::from_str::<ApiErrorBody>(&text) {
            Ok(body) => Err(ApiFailure::Server(body)),
            Err(_) if status >= 500 => Err(ApiFailure::Network),
            Err(e) => Err(ApiFailure::Unexpected(format!("HTTP {status}: {e}"))),
        },
    }
}

/// The answer of `endpoint` as a file, as the signed-in person: a photo (`GetMedia`,
/// `GetMediaThumb`, whose answer is [`Binary`]) to show through an object URL (an `<img src>`
/// cannot send the bearer token), or a report asked for as a file (`ReportOverview` with
/// `format=csv`) to save.
pub async fn get_blob<E: Endpoint<Body = ()>>(
    endpoint: &E,
    credentials: &Credentials,
) -> Result<web_sys::Blob, ApiFailure> {
    let deadline = Deadline::start(TIMEOUT_MS);
    let signal = deadline.signal();
    let mut builder =
        request(endpoint).header("Authorization", &format!("Bearer {}", credentials.token));
    if let Some(acting_for) = credentials.acting_for::<E>() {
        builder = builder.header(crate::proxy::ACTING_FOR_HEADER, acting_for);
    }
    let response = builder
        .abort_signal(signal.as_ref())
        .send()
        .await
        .map_err(|_| ApiFailure::Network)?;
    if !response.ok() {
        return Err(failure(&response).await);
    }
    let raw: web_sys::Response = response.into();
    let promise = raw.blob().map_err(|_| ApiFailure::Network)?;
    let blob = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| ApiFailure::Network)?;
    drop(deadline);
    blob.dyn_into::<web_sys::Blob>()
        .map_err(|e| ApiFailure::Unexpected(format!("{e:?}")))
}

/// Sends `endpoint` with `body` (`None`: no body at all) and `headers`, and decodes the answer,
/// all within [`TIMEOUT_MS`].
async fn send<E: Endpoint>(
    endpoint: &E,
    body: Option<&E::Body>,
    headers: Headers<'_>,
    accept: bool,
) -> Result<E::Response, ApiFailure> {
    let deadline = Deadline::start(TIMEOUT_MS);
    let signal = deadline.signal();
    let mut builder = request(endpoint);
    if let Some(key) = headers.idempotency_key {
        builder = builder.header("Idempotency-Key", key);
    }
    if accept {
        builder = builder.header("Accept", "application/json");
    }
    builder = builder.abort_signal(signal.as_ref());
    if let Some(token) = headers.token {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    if let Some(acting_for) = headers.acting_for {
        builder = builder.header(crate::proxy::ACTING_FOR_HEADER, acting_for);
    }
    let json = match body {
        Some(body) => {
            let json =
                serde_json::to_string(body).map_err(|e| ApiFailure::Unexpected(e.to_string()))?;
            match json.as_str() {
                // No body declared (`()`): a POST sends an empty object, the others nothing.
                "null" if E::METHOD == Method::Post => Some("{}".to_owned()),
                "null" => None,
                _ => Some(json),
            }
        }
        None => None,
    };
    let request = match json {
        Some(json) => builder
            .header("Content-Type", "application/json")
            .body(json),
        None => builder.build(),
    }
    .map_err(|e| ApiFailure::Unexpected(e.to_string()))?;
    let response = request.send().await.map_err(|_| ApiFailure::Network)?;
    let result = if response.ok() {
        match response.text().await {
            // 204 No Content: the answer `()`.
            Ok(text) if text.is_empty() => decode("null"),
            Ok(text) => decode(&text),
            Err(gloo_net::Error::JsError(_)) => Err(ApiFailure::Network), // body aborted mid-way
            Err(e) => Err(ApiFailure::Unexpected(e.to_string())),
        }
    } else {
        Err(failure(&response).await)
    };
    drop(deadline);
    result
}

fn decode<T: DeserializeOwned>(json: &str) -> Result<T, ApiFailure> {
    serde_json::from_str(json).map_err(|e| ApiFailure::Unexpected(e.to_string()))
}

async fn failure(response: &gloo_net::http::Response) -> ApiFailure {
    match response.json::<ApiErrorBody>().await {
        Ok(body) => ApiFailure::Server(body),
        // A proxy or captive portal page, not our server.
        Err(_) if response.status() >= 500 => ApiFailure::Network,
        Err(e) => ApiFailure::Unexpected(format!("HTTP {}: {e}", response.status())),
    }
}

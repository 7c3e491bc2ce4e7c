//! Talking to the server: requests and answers in `jifen-shared` types, failures sorted into what a
//! person can act on. Every request gives up after [`TIMEOUT_MS`] so a stalled 3G connection
//! ends in "网络不好 … 重试", never in an endless skeleton (UX.md, "Honest waiting").

use jifen_shared::{ApiErrorBody, ErrorCode};
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// How long a request may take before it counts as a network failure: 15 s, generous for a
/// weak rural connection, short enough that nobody waits on a dead one.
pub const TIMEOUT_MS: i32 = 15_000;

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

/// `GET /api/v1{path}` and decode the JSON body as `T`.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    send(
        gloo_net::http::Request::get(&format!("/api/v1{path}")),
        None::<&()>,
        None,
    )
    .await
}

/// `GET /api/v1{path}` as the signed-in person.
pub async fn get_as<T: DeserializeOwned>(path: &str, token: &str) -> Result<T, ApiFailure> {
    send(
        gloo_net::http::Request::get(&format!("/api/v1{path}")),
        None::<&()>,
        Some(token),
    )
    .await
}

/// `POST /api/v1{path}` with a JSON body (or none), decoding the JSON answer as `T` (use
/// `()`-tolerant types for empty answers via [`post_empty`]).
pub async fn post<B: serde::Serialize, T: DeserializeOwned>(
    path: &str,
    body: Option<&B>,
) -> Result<T, ApiFailure> {
    send(
        gloo_net::http::Request::post(&format!("/api/v1{path}")),
        body,
        None,
    )
    .await
}

/// `POST /api/v1{path}` with a JSON body as the signed-in person.
pub async fn post_as<B: serde::Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    token: &str,
) -> Result<T, ApiFailure> {
    send(
        gloo_net::http::Request::post(&format!("/api/v1{path}")),
        Some(body),
        Some(token),
    )
    .await
}

/// `POST /api/v1{path}` with a JSON body as the signed-in person and an `Idempotency-Key`
/// (API.md, "(I)"): the same key sent again replays the first answer instead of acting twice.
pub async fn post_once<B: serde::Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    token: &str,
    key: &str,
) -> Result<T, ApiFailure> {
    send(
        gloo_net::http::Request::post(&format!("/api/v1{path}")).header("Idempotency-Key", key),
        Some(body),
        Some(token),
    )
    .await
}

/// `DELETE /api/v1{path}` as the signed-in person, decoding the JSON answer as `T`.
pub async fn delete_as<T: DeserializeOwned>(path: &str, token: &str) -> Result<T, ApiFailure> {
    send(
        gloo_net::http::Request::delete(&format!("/api/v1{path}")),
        None::<&()>,
        Some(token),
    )
    .await
}

/// How long an upload may take: two minutes, enough for the largest file the server takes
/// (16 MiB) on a fair 3G link; the progress bar shows it is moving meanwhile.
pub const UPLOAD_TIMEOUT_MS: u32 = 120_000;

/// `POST /api/v1{path}` with a file as the body (`content_type`), as the signed-in person,
/// decoding the JSON answer as `T`. Uses `XMLHttpRequest`, the one browser API that reports
/// upload progress: `on_progress` gets the fraction sent (0.0–1.0) as it grows.
pub async fn upload<T: DeserializeOwned>(
    path: &str,
    token: &str,
    body: &web_sys::Blob,
    content_type: &str,
    on_progress: impl Fn(f64) + 'static,
) -> Result<T, ApiFailure> {
    send_xhr(path, token, XhrBody::Blob(body, content_type), on_progress).await
}

/// `POST /api/v1{path}` with a `multipart/form-data` body (the browser writes the boundary),
/// as the signed-in person, with upload progress like [`upload`].
pub async fn upload_form<T: DeserializeOwned>(
    path: &str,
    token: &str,
    form: &web_sys::FormData,
    on_progress: impl Fn(f64) + 'static,
) -> Result<T, ApiFailure> {
    send_xhr(path, token, XhrBody::Form(form), on_progress).await
}

/// What an `XMLHttpRequest` upload sends.
enum XhrBody<'a> {
    /// A file as the whole body, with its media type.
    Blob(&'a web_sys::Blob, &'a str),
    /// A multipart form.
    Form(&'a web_sys::FormData),
}

async fn send_xhr<T: DeserializeOwned>(
    path: &str,
    token: &str,
    body: XhrBody<'_>,
    on_progress: impl Fn(f64) + 'static,
) -> Result<T, ApiFailure> {
    let unexpected = |e: wasm_bindgen::JsValue| ApiFailure::Unexpected(format!("{e:?}"));
    let xhr = web_sys::XmlHttpRequest::new().map_err(unexpected)?;
    xhr.open("POST", &format!("/api/v1{path}"))
        .map_err(unexpected)?;
    if let XhrBody::Blob(_, content_type) = &body {
        xhr.set_request_header("Content-Type", content_type)
            .map_err(unexpected)?;
    }
    for (name, value) in [
        ("Accept", "application/json"),
        ("Authorization", &format!("Bearer {token}")),
    ] {
        xhr.set_request_header(name, value).map_err(unexpected)?;
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
        XhrBody::Blob(blob, _) => xhr.send_with_opt_blob(Some(blob)),
        XhrBody::Form(form) => xhr.send_with_opt_form_data(Some(form)),
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

/// `GET /api/v1{path}` as the signed-in person, for a picture (`/media/{id}`): the body as a
/// `Blob`, to show through an object URL (an `<img src>` cannot send the bearer token).
pub async fn get_blob_as(path: &str, token: &str) -> Result<web_sys::Blob, ApiFailure> {
    let deadline = Deadline::start(TIMEOUT_MS);
    let signal = deadline.signal();
    let response = gloo_net::http::Request::get(&format!("/api/v1{path}"))
        .header("Authorization", &format!("Bearer {token}"))
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

/// `POST /api/v1{path}` whose success has no body (204).
pub async fn post_empty(path: &str) -> Result<(), ApiFailure> {
    let deadline = Deadline::start(TIMEOUT_MS);
    let signal = deadline.signal();
    let response = gloo_net::http::Request::post(&format!("/api/v1{path}"))
        .abort_signal(signal.as_ref())
        .send()
        .await
        .map_err(|_| ApiFailure::Network)?;
    drop(deadline);
    if response.ok() {
        Ok(())
    } else {
        Err(failure(&response).await)
    }
}

async fn send<B: serde::Serialize, T: DeserializeOwned>(
    builder: gloo_net::http::RequestBuilder,
    body: Option<&B>,
    token: Option<&str>,
) -> Result<T, ApiFailure> {
    let deadline = Deadline::start(TIMEOUT_MS);
    let signal = deadline.signal();
    let mut builder = builder
        .header("Accept", "application/json")
        .abort_signal(signal.as_ref());
    if let Some(token) = token {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Some(body) => builder
            .json(body)
            .map_err(|e| ApiFailure::Unexpected(e.to_string()))?,
        None => builder
            .build()
            .map_err(|e| ApiFailure::Unexpected(e.to_string()))?,
    };
    let response = request.send().await.map_err(|_| ApiFailure::Network)?;
    let result = if response.ok() {
        response.json::<T>().await.map_err(|e| match e {
            gloo_net::Error::JsError(_) => ApiFailure::Network, // body aborted mid-way
            e => ApiFailure::Unexpected(e.to_string()),
        })
    } else {
        Err(failure(&response).await)
    };
    drop(deadline);
    result
}

async fn failure(response: &gloo_net::http::Response) -> ApiFailure {
    match response.json::<ApiErrorBody>().await {
        Ok(body) => ApiFailure::Server(body),
        // A proxy or captive portal page, not our server.
        Err(_) if response.status() >= 500 => ApiFailure::Network,
        Err(e) => ApiFailure::Unexpected(format!("HTTP {}: {e}", response.status())),
    }
}

//! `POST /api/v1/media` (upload a photo), `GET /api/v1/media/{id}` and
//! `GET /api/v1/media/{id}/thumb` (serve it to those who may see it).
//!
//! Receiving uploads fairly (issue "Hardening and scale-out"): a body is read as it arrives,
//! and nobody's slow or stalled uploads may keep everybody else's out.
//! - Time ([`UploadPace`]): the body's first bytes must come within 15 s of the request, and
//!   after that every 15 s must bring at least 120 KiB (8 KiB/s, 64 kbit/s) until it ends;
//!   otherwise the upload is cut, 408 `upload_too_slow`. The numbers come from a village's
//!   3G: a real 2 MB photo at 400 kbit/s takes 40 s and brings 750 KB every 15 s, six times
//!   the floor, so dips and short stalls pass; even at the floor it gets through (256 s).
//!   The PWA's photos (1600 px, a few hundred KB) take seconds. A stalled body holds its
//!   place for 15 s at most, not the 120 s it used to.
//! - Places: at most [`MAX_UPLOADS_PER_PERSON`] uploads of one person and
//!   [`MAX_UPLOADS_PER_ADDRESS`] from one client address (as [`crate::http::client_ip()`]
//!   decides under `JIFEN_TRUSTED_PROXIES`; several per address because a village's phones
//!   may share one carrier-NAT or Wi-Fi address) are received at once; one more is 429
//!   `rate_limited`. There is no server-wide count of uploads that strangers' stalled
//!   uploads could fill: what the server bounds is memory.
//! - Memory: the bytes of upload bodies held at once, received or waiting for their turn to
//!   be decoded, are at most [`UPLOAD_MEMORY_BYTES`] (160 MiB, what sixteen 10 MiB uploads
//!   used to be allowed). Bytes are counted as they arrive, so a trickling upload holds only
//!   what it sent, and filling the budget takes sending 160 MiB; past it an upload is
//!   answered 429 `rate_limited` (`Retry-After: 5`).
//!
//! So N stalled uploads from one person or one address cost others nothing but the places
//! of that person or address, and each is gone after the bound.

use std::cell::Cell;
use std::collections::HashMap;
use std::future::Future as _;
use std::net::IpAddr;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_files::NamedFile;
use actix_multipart::{Multipart, MultipartError};
use actix_web::error::PayloadError;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use futures_util::{Stream, TryStreamExt};
use jifen_shared::ErrorCode;
use jifen_shared::media::{MAX_UPLOAD_BYTES, Media};
use tokio::sync::Semaphore;
use tokio::time::{Instant, Sleep};
use utoipa_actix_web::service_config::ServiceConfig;

use super::storage::{self, Variant};
use crate::auth::caller::Caller;
use crate::http::{ApiError, Reply};
use crate::startup::{AppState, State};

/// The most bytes of form fields other than `file` an upload may carry (they are read and
/// ignored): 64 KiB.
const MAX_OTHER_FIELDS_BYTES: usize = 64 * 1024;

/// Uploads one person may send at once (a phone sends its photos one after the other).
pub const MAX_UPLOADS_PER_PERSON: usize = 2;
/// Uploads received at once from one client address: the phones of a village behind one
/// carrier-NAT or Wi-Fi address, each with its own [`MAX_UPLOADS_PER_PERSON`].
pub const MAX_UPLOADS_PER_ADDRESS: usize = 8;
/// Bytes of upload bodies this process holds at once (received, or waiting to be decoded):
/// 160 MiB.
pub const UPLOAD_MEMORY_BYTES: usize = 16 * MAX_UPLOAD_BYTES;

/// How fast an upload's body must arrive (see the module docs); part of the settings
/// ([`crate::config::Settings::upload_pace`]), not read from the environment (tests shorten
/// it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadPace {
    /// From the handler's start (the request's headers are in) to the body's first bytes:
    /// 15 s.
    pub first_bytes: Duration,
    /// Each window after the first bytes must bring [`UploadPace::min_bytes_per_window`]
    /// (or the end of the body): 15 s…
    pub window: Duration,
    /// …and 120 KiB (8 KiB/s, 64 kbit/s).
    pub min_bytes_per_window: usize,
}

impl Default for UploadPace {
    fn default() -> Self {
        UploadPace {
            first_bytes: Duration::from_secs(15),
            window: Duration::from_secs(15),
            min_bytes_per_window: 120 * 1024,
        }
    }
}

/// The uploads one server is receiving: who sends them and the bytes they hold (in
/// [`AppState`]).
pub struct Uploads {
    memory: Semaphore,
    people: Mutex<HashMap<i64, usize>>,
    addresses: Mutex<HashMap<IpAddr, usize>>,
}

impl Default for Uploads {
    fn default() -> Self {
        Uploads {
            memory: Semaphore::new(UPLOAD_MEMORY_BYTES),
            people: Mutex::default(),
            addresses: Mutex::default(),
        }
    }
}

/// Takes one place in `counts` for `key` unless it has `max`.
fn take_place<K: Eq + std::hash::Hash>(
    counts: &Mutex<HashMap<K, usize>>,
    key: K,
    max: usize,
) -> bool {
    let mut counts = counts.lock().unwrap_or_else(|e| e.into_inner());
    let count = counts.entry(key).or_default();
    if *count >= max {
        return false;
    }
    *count += 1;
    true
}

/// Gives back a place [`take_place`] took.
fn give_place<K: Eq + std::hash::Hash>(counts: &Mutex<HashMap<K, usize>>, key: &K) {
    let mut counts = counts.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(count) = counts.get_mut(key) {
        *count -= 1;
        if *count == 0 {
            counts.remove(key);
        }
    }
}

fn busy() -> ApiError {
    ApiError::rate_limited("too many photos arriving at once; try again", 5)
}

/// One upload's places (its person's, its address's) and the bytes it holds, given back
/// when dropped: once the photo is stored or refused.
struct UploadSlot {
    state: State,
    person_id: i64,
    address: Option<IpAddr>,
    /// Bytes taken from [`Uploads::memory`], shared with the body's [`Paced`] stream.
    held: Rc<Cell<usize>>,
}

impl UploadSlot {
    /// Errors: 429 `rate_limited` when [`MAX_UPLOADS_PER_PERSON`] uploads of this person or
    /// [`MAX_UPLOADS_PER_ADDRESS`] from this address are arriving.
    fn take(
        state: &State,
        person_id: i64,
        address: Option<IpAddr>,
    ) -> Result<UploadSlot, ApiError> {
        let uploads = &state.uploads;
        if !take_place(&uploads.people, person_id, MAX_UPLOADS_PER_PERSON) {
            return Err(busy());
        }
        if let Some(ip) = address
            && !take_place(&uploads.addresses, ip, MAX_UPLOADS_PER_ADDRESS)
        {
            give_place(&uploads.people, &person_id);
            return Err(busy());
        }
        Ok(UploadSlot {
            state: state.clone(),
            person_id,
            address,
            held: Rc::default(),
        })
    }
}

impl Drop for UploadSlot {
    fn drop(&mut self) {
        let uploads = &self.state.uploads;
        give_place(&uploads.people, &self.person_id);
        if let Some(ip) = &self.address {
            give_place(&uploads.addresses, ip);
        }
        uploads.memory.add_permits(self.held.get());
    }
}

/// Why a body was cut while it arrived (carried through the multipart parser inside a
/// [`PayloadError`]).
#[derive(Debug, thiserror::Error)]
enum Cut {
    #[error("file: nothing arrived within {0} s; try again on a better connection")]
    NoFirstBytes(u64),
    #[error(
        "file: arriving too slowly (under {min_kib} KiB in {window_s} s); try again on a better connection"
    )]
    TooSlow { min_kib: usize, window_s: u64 },
    #[error("too many photos arriving at once; try again")]
    Busy,
}

impl From<&Cut> for ApiError {
    fn from(cut: &Cut) -> Self {
        match cut {
            Cut::Busy => busy(),
            cut => ApiError::new(ErrorCode::UploadTooSlow, cut.to_string()),
        }
    }
}

/// A request body held to an [`UploadPace`], its bytes counted against
/// [`Uploads::memory`] as they arrive; ends with a [`Cut`] error when either fails.
struct Paced {
    body: web::Payload,
    pace: UploadPace,
    /// When the current bound ends: the first bytes', then the current window's.
    deadline: Pin<Box<Sleep>>,
    started: bool,
    window_bytes: usize,
    state: State,
    held: Rc<Cell<usize>>,
    done: bool,
}

impl Paced {
    fn new(body: web::Payload, slot: &UploadSlot) -> Paced {
        let pace = slot.state.settings.upload_pace;
        Paced {
            body,
            pace,
            deadline: Box::pin(tokio::time::sleep(pace.first_bytes)),
            started: false,
            window_bytes: 0,
            state: slot.state.clone(),
            held: slot.held.clone(),
            done: false,
        }
    }

    fn cut(&mut self, cut: Cut) -> Poll<Option<Result<Bytes, PayloadError>>> {
        self.done = true;
        let error = std::io::Error::new(std::io::ErrorKind::TimedOut, cut);
        Poll::Ready(Some(Err(PayloadError::Io(error))))
    }
}

impl Stream for Paced {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.body).poll_next(cx) {
            Poll::Ready(Some(Ok(bytes))) => {
                let Some(permits) = u32::try_from(bytes.len())
                    .ok()
                    .and_then(|n| this.state.uploads.memory.try_acquire_many(n).ok())
                else {
                    return this.cut(Cut::Busy);
                };
                permits.forget();
                this.held.set(this.held.get() + bytes.len());
                this.window_bytes += bytes.len();
                if !this.started || this.window_bytes >= this.pace.min_bytes_per_window {
                    // The first bytes, or a window's worth: the next window starts now.
                    this.started = true;
                    this.window_bytes = 0;
                    let next = Instant::now() + this.pace.window;
                    this.deadline.as_mut().reset(next);
                }
                Poll::Ready(Some(Ok(bytes)))
            }
            Poll::Ready(other) => Poll::Ready(other),
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(()) if this.started => this.cut(Cut::TooSlow {
                    min_kib: this.pace.min_bytes_per_window / 1024,
                    window_s: this.pace.window.as_secs(),
                }),
                Poll::Ready(()) => this.cut(Cut::NoFirstBytes(this.pace.first_bytes.as_secs())),
            },
        }
    }
}

/// `Cache-Control` of a served picture: its URL always names the same bytes (a photo is never
/// edited; a new upload gets a new id), but only its viewers may keep it.
const CACHE_CONTROL: &str = "private, max-age=31536000, immutable";

/// Registers this module's routes (under `/api/v1`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upload_media)
        .service(get_media)
        .service(get_media_thumb);
}

/// The form of `POST /media` (for the OpenAPI document).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
struct Upload {
    /// The photo: JPEG, PNG or WebP, recognised by its content (not its name or type), at
    /// most 10 MiB and 8192 pixels a side.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Uploads a photo (any signed-in person). It is stored upright (EXIF orientation applied),
/// re-encoded as JPEG without any metadata (no GPS position, no camera model), with a
/// thumbnail of at most 320 pixels a side. Attach its id to a claim or a service order.
/// No `Idempotency-Key`: a retried upload stores another row for the same file, which is
/// harmless (same `sha256`).
#[utoipa::path(
    tag = "media",
    security(("bearer" = [])),
    request_body(content = inline(Upload), content_type = "multipart/form-data"),
    responses(
        (status = 201, body = Media),
        (status = 400, description = "`unsupported_media`: not a JPEG, PNG or WebP image (HEIC, GIF, PDF…), cut short, or over 8192 pixels a side; `invalid_input`: no `file` field, or not multipart/form-data", body = jifen_shared::ApiErrorBody),
        (status = 408, description = "`upload_too_slow`: no bytes within 15 s, or later under 120 KiB in 15 s", body = jifen_shared::ApiErrorBody),
        (status = 413, description = "`too_large`: over 10 MiB", body = jifen_shared::ApiErrorBody),
        (status = 429, description = "`rate_limited`: two uploads of the caller's or eight from the caller's address are arriving, or the server holds 160 MiB of uploads (`Retry-After`)", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/media")]
async fn upload_media(caller: Caller, req: HttpRequest, body: web::Payload, state: State) -> Reply {
    let address = crate::http::client_ip(&req, &state.settings.trusted_proxies);
    let slot = UploadSlot::take(&state, caller.id, address)?;
    let form = Multipart::new(req.headers(), Paced::new(body, &slot));
    let bytes = read_file_field(form).await?;
    let media = super::upload(&state.db, &state.photos, caller.id, bytes).await?;
    // The places and the bytes are held until the photo is decoded and stored.
    drop(slot);
    Ok(HttpResponse::Created().json(media))
}

/// The bytes of the form's `file` field, counted as they arrive: past
/// [`MAX_UPLOAD_BYTES`] the reading stops and the answer is 413 `too_large` (the rest of the
/// body is never read, let alone kept). Other fields before it are read and dropped, at most
/// [`MAX_OTHER_FIELDS_BYTES`] in all; anything after it is not read. The body size limits of
/// the JSON and CSV routes do not apply here: this is the limit.
async fn read_file_field(mut form: Multipart) -> Result<Vec<u8>, ApiError> {
    let malformed = |e: MultipartError| {
        if let MultipartError::Payload(PayloadError::Io(io)) = &e
            && let Some(cut) = io.get_ref().and_then(|e| e.downcast_ref::<Cut>())
        {
            return ApiError::from(cut);
        }
        ApiError::invalid_input(format!(
            "send multipart/form-data with the photo in the field `file`: {e}"
        ))
    };
    let mut other_bytes = 0;
    while let Some(mut field) = form.try_next().await.map_err(malformed)? {
        if field.name() == Some("file") {
            let mut bytes = Vec::new();
            while let Some(chunk) = field.try_next().await.map_err(malformed)? {
                if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                    return Err(ApiError::new(
                        ErrorCode::TooLarge,
                        format!("file: at most {} MiB", MAX_UPLOAD_BYTES / (1024 * 1024)),
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
            if bytes.is_empty() {
                return Err(ApiError::invalid_input("file: empty"));
            }
            return Ok(bytes);
        }
        while let Some(chunk) = field.try_next().await.map_err(malformed)? {
            other_bytes += chunk.len();
            if other_bytes > MAX_OTHER_FIELDS_BYTES {
                return Err(ApiError::new(
                    ErrorCode::TooLarge,
                    format!(
                        "fields other than file: at most {} KiB",
                        MAX_OTHER_FIELDS_BYTES / 1024
                    ),
                ));
            }
        }
    }
    Err(ApiError::invalid_input(
        "file: missing; send the photo in the multipart field `file`",
    ))
}

/// The picture `id` (upright JPEG, no metadata) to those who may see it: its uploader, for
/// a claim's photo the claimant and the claim's reviewers, and for a goods photo anyone
/// (no sign-in needed, so an `<img>` can show it). `ETag` is the picture's SHA-256;
/// cache it for good (`immutable`).
#[utoipa::path(
    tag = "media",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The upload's id")),
    responses(
        (status = 200, description = "The picture, `image/jpeg`", content_type = "image/jpeg"),
        (status = 304, description = "`If-None-Match` names the picture's `ETag`"),
        (status = 400, description = "`invalid_input`: id is not a number", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such photo, or not one the caller may see", body = jifen_shared::ApiErrorBody),
    )
)]
#[get("/media/{id}")]
async fn get_media(
    caller: Option<Caller>,
    id: web::Path<i64>,
    req: HttpRequest,
    state: State,
) -> Reply {
    serve(&req, &state, caller, id.into_inner(), Variant::Full).await
}

/// The thumbnail of picture `id` (JPEG, at most 320 pixels a side), to the same people as the
/// picture. `ETag` is the picture's SHA-256 followed by `.thumb`.
#[utoipa::path(
    tag = "media",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The upload's id")),
    responses(
        (status = 200, description = "The thumbnail, `image/jpeg`", content_type = "image/jpeg"),
        (status = 304, description = "`If-None-Match` names the thumbnail's `ETag`"),
        (status = 400, description = "`invalid_input`: id is not a number", body = jifen_shared::ApiErrorBody),
        (status = 404, description = "`not_found`: no such photo, or not one the caller may see", body = jifen_shared::ApiErrorBody),
    )
)]
#[get("/media/{id}/thumb")]
async fn get_media_thumb(
    caller: Option<Caller>,
    id: web::Path<i64>,
    req: HttpRequest,
    state: State,
) -> Reply {
    serve(&req, &state, caller, id.into_inner(), Variant::Thumb).await
}

/// Answers with a file of upload `id` if it is public ([`storage::public`]) or the caller
/// may see it ([`super::visible_to`]), else 404 whether or not it exists (401 when nobody
/// is signed in).
async fn serve(
    req: &HttpRequest,
    state: &AppState,
    caller: Option<Caller>,
    id: i64,
    variant: Variant,
) -> Reply {
    let not_found = || ApiError::not_found(format!("no photo {id}"));
    let media = match storage::public(&state.db, id).await? {
        Some(media) => media,
        None => {
            let caller = caller.ok_or(crate::auth::AuthError::Unauthenticated)?;
            super::visible_to(&state.db, &caller, id)
                .await?
                .ok_or_else(not_found)?
        }
    };
    let etag = match variant {
        Variant::Full => format!("\"{}\"", media.sha256),
        Variant::Thumb => format!("\"{}.thumb\"", media.sha256),
    };
    let etag = HeaderValue::from_str(&etag).map_err(|e| {
        ApiError::internal_because("a stored photo's hash is not a header value", e)
    })?;
    let cache = HeaderValue::from_static(CACHE_CONTROL);
    let matches = req
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == etag || tag.trim() == "*");
    if matches {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish());
    }
    let mut response = match &state.photos {
        storage::PhotoStore::Local(data_dir) => {
            let path = storage::file_path(data_dir, &media.sha256, variant).ok_or_else(|| {
                ApiError::internal_because(
                    "a stored photo's hash is not a file name",
                    &media.sha256,
                )
            })?;
            let file = NamedFile::open_async(&path).await.map_err(|e| {
                tracing::error!(error = %e, media_id = id, path = %path.display(), "a stored photo's file is missing");
                ApiError::internal()
            })?;
            file.use_etag(false)
                .use_last_modified(false)
                .disable_content_disposition()
                .set_content_type(actix_web::mime::IMAGE_JPEG)
                .into_response(req)
        }
        store @ storage::PhotoStore::S3 { .. } => {
            let bytes = store.get(&media.sha256, variant).await.map_err(|e| {
                if e.is_not_found() {
                    return ApiError::internal_because("a stored photo's object is missing", e);
                }
                tracing::warn!(error = %e, media_id = id, "a stored photo cannot be read from the bucket");
                ApiError::from(super::MediaError::Files(e))
            })?;
            let bytes = bytes.ok_or_else(|| {
                ApiError::internal_because("a stored photo's hash is not a key", &media.sha256)
            })?;
            HttpResponse::Ok()
                .content_type(actix_web::mime::IMAGE_JPEG)
                .body(bytes)
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag);
    headers.insert(header::CACHE_CONTROL, cache);
    // `X-Content-Type-Options: nosniff` comes with every response (`crate::startup`).
    Ok(response)
}

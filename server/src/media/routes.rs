//! `POST /api/v1/media` (upload a photo), `GET /api/v1/media/{id}` and
//! `GET /api/v1/media/{id}/thumb` (serve it to those who may see it).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use actix_files::NamedFile;
use actix_multipart::Multipart;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use futures_util::TryStreamExt;
use jifen_shared::ErrorCode;
use jifen_shared::media::{MAX_UPLOAD_BYTES, Media};
use tokio::sync::{Semaphore, SemaphorePermit};
use utoipa_actix_web::service_config::ServiceConfig;

use super::storage::{self, Variant};
use crate::auth::caller::Caller;
use crate::http::{ApiError, Reply};
use crate::startup::{AppState, State};

/// The most bytes of form fields other than `file` an upload may carry (they are read and
/// ignored): 64 KiB.
const MAX_OTHER_FIELDS_BYTES: usize = 64 * 1024;

/// `Cache-Control` of a served picture: its URL always names the same bytes (a photo is never
/// edited; a new upload gets a new id), but only its viewers may keep it.
/// Uploads received at once by this process, in all: each holds up to [`MAX_UPLOAD_BYTES`] in
/// memory while it arrives, so 16 bound that to 160 MiB. One more is answered 429.
pub const MAX_UPLOADS_IN_FLIGHT: usize = 16;
/// Uploads one person may send at once (a phone sends its photos one after the other).
pub const MAX_UPLOADS_PER_PERSON: usize = 2;
/// How long an upload may take to arrive: 10 MiB at 700 kbit/s, a weak 3G line. A slower
/// upload is dropped (400) so it cannot hold a slot for ever.
pub const UPLOAD_READ_TIMEOUT: Duration = Duration::from_secs(120);

static IN_FLIGHT: Semaphore = Semaphore::const_new(MAX_UPLOADS_IN_FLIGHT);
static PER_PERSON: LazyLock<Mutex<HashMap<i64, usize>>> = LazyLock::new(Default::default);

/// A place among the uploads being received, given back when dropped.
struct UploadSlot {
    person_id: i64,
    _permit: SemaphorePermit<'static>,
}

impl UploadSlot {
    /// Errors: 429 `rate_limited` when [`MAX_UPLOADS_IN_FLIGHT`] uploads are arriving, or
    /// [`MAX_UPLOADS_PER_PERSON`] of this person's.
    fn take(person_id: i64) -> Result<UploadSlot, ApiError> {
        let busy = || ApiError::rate_limited("too many photos arriving at once; try again", 5);
        let permit = IN_FLIGHT.try_acquire().map_err(|_| busy())?;
        let mut people = PER_PERSON.lock().unwrap_or_else(|e| e.into_inner());
        let count = people.entry(person_id).or_default();
        if *count >= MAX_UPLOADS_PER_PERSON {
            return Err(busy());
        }
        *count += 1;
        Ok(UploadSlot {
            person_id,
            _permit: permit,
        })
    }
}

impl Drop for UploadSlot {
    fn drop(&mut self) {
        let mut people = PER_PERSON.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = people.get_mut(&self.person_id) {
            *count -= 1;
            if *count == 0 {
                people.remove(&self.person_id);
            }
        }
    }
}

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
        (status = 413, description = "`too_large`: over 10 MiB", body = jifen_shared::ApiErrorBody),
        (status = 429, description = "`rate_limited`: too many uploads arriving at once, in all or of the caller's (`Retry-After`)", body = jifen_shared::ApiErrorBody),
    )
)]
#[post("/media")]
async fn upload_media(caller: Caller, form: Multipart, state: State) -> Reply {
    let slot = UploadSlot::take(caller.id)?;
    let bytes = tokio::time::timeout(UPLOAD_READ_TIMEOUT, read_file_field(form))
        .await
        .map_err(|_| {
            ApiError::invalid_input(format!(
                "file: not received within {} s; try again on a better connection",
                UPLOAD_READ_TIMEOUT.as_secs()
            ))
        })??;
    drop(slot);
    let media = super::upload(&state.db, &state.settings.data_dir, caller.id, bytes).await?;
    Ok(HttpResponse::Created().json(media))
}

/// The bytes of the form's `file` field, counted as they arrive: past
/// [`MAX_UPLOAD_BYTES`] the reading stops and the answer is 413 `too_large` (the rest of the
/// body is never read, let alone kept). Other fields before it are read and dropped, at most
/// [`MAX_OTHER_FIELDS_BYTES`] in all; anything after it is not read. The body size limits of
/// the JSON and CSV routes do not apply here: this is the limit.
async fn read_file_field(mut form: Multipart) -> Result<Vec<u8>, ApiError> {
    let malformed = |e: actix_multipart::MultipartError| {
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
    let path =
        storage::file_path(&state.settings.data_dir, &media.sha256, variant).ok_or_else(|| {
            ApiError::internal_because("a stored photo's hash is not a file name", &media.sha256)
        })?;
    let file = NamedFile::open_async(&path).await.map_err(|e| {
        tracing::error!(error = %e, media_id = id, path = %path.display(), "a stored photo's file is missing");
        ApiError::internal()
    })?;
    let mut response = file
        .use_etag(false)
        .use_last_modified(false)
        .disable_content_disposition()
        .set_content_type(actix_web::mime::IMAGE_JPEG)
        .into_response(req);
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag);
    headers.insert(header::CACHE_CONTROL, cache);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

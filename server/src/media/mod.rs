//! Photo evidence (照片): villagers prove a good deed with a photo (a claim), volunteers a
//! finished service. DESIGN.md, "Media": uploads are validated by content, decoded with
//! limits, rotated by EXIF orientation, re-encoded without metadata (no GPS leaks),
//! thumbnailed, stored by content hash, and served only to people allowed to see them.
//!
//! - [`process`]: bytes → upright JPEG + thumbnail (format sniffing, limits, orientation);
//! - [`storage`]: the `media` table, the files on disk, and [`storage::not_owned`] for code
//!   that attaches photos;
//! - this module: [`visible_to`] — who sees a photo, asking each domain that attaches photos
//!   about its own attachments (claims: [`crate::points::claims::photo_visible_to`], service
//!   orders: [`crate::services::orders::photo_visible_to`]); media reads no other domain's
//!   table;
//! - [`routes`]: `POST /media`, `GET /media/{id}`, `GET /media/{id}/thumb`;
//! - this module: [`upload`], the service behind `POST /media`.

pub mod process;
pub mod routes;
pub mod storage;

use crate::error::DomainError;
use jifen_shared::ErrorCode;

use jifen_shared::media::Media;
use tokio::sync::Semaphore;

use self::process::ProcessError;
use crate::auth::caller::Caller;
use crate::storage::{Db, now_ms};

/// How many uploads this process decodes at once: each may hold a few hundred MiB
/// ([`process::MAX_DECODE_BYTES`] and its copies) and a core for a second, on a 2-core server.
/// Further uploads wait their turn (their bodies are already read, at most 10 MiB each).
pub const MAX_CONCURRENT_DECODES: usize = 2;

static DECODES: Semaphore = Semaphore::const_new(MAX_CONCURRENT_DECODES);

/// Why an upload was not stored.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// Not a picture this server accepts (400 `unsupported_media`).
    #[error(transparent)]
    Refused(ProcessError),
    /// Encoding failed or the decoding task died (500).
    #[error("the picture could not be processed: {0}")]
    Processing(String),
    /// The files could not be written: 500 for the data directory, 503 `unavailable` for a
    /// bucket (a store on the network comes back; the villager taps again).
    #[error("the picture could not be stored: {0}")]
    Files(storage::StoreError),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for MediaError {
    fn code(&self) -> ErrorCode {
        match self {
            MediaError::Refused(_) => ErrorCode::UnsupportedMedia,
            MediaError::Files(storage::StoreError::S3 { .. }) => ErrorCode::Unavailable,
            MediaError::Processing(_) | MediaError::Files(_) | MediaError::Storage(_) => {
                ErrorCode::Internal
            }
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            MediaError::Storage(e) => Some(e),
            _ => None,
        }
    }

    /// The bucket's address and reason go to the log, not to the phone.
    fn message(&self) -> String {
        match self {
            MediaError::Files(storage::StoreError::S3 { .. }) => PHOTO_STORE_UNAVAILABLE.into(),
            e => e.to_string(),
        }
    }

    fn retry_after_s(&self) -> Option<u64> {
        matches!(self, MediaError::Files(storage::StoreError::S3 { .. }))
            .then_some(crate::error::UNAVAILABLE_RETRY_AFTER_S)
    }
}

/// What the client reads when the photo bucket cannot be reached (503 `unavailable`).
pub const PHOTO_STORE_UNAVAILABLE: &str =
    "photos cannot be stored or read right now; please try again";

/// Stores an upload of `uploader_id`: `bytes` is the whole file as received (at most
/// [`jifen_shared::media::MAX_UPLOAD_BYTES`], enforced by the caller while reading). Decodes at
/// most [`MAX_CONCURRENT_DECODES`] at once, off the async threads; writes the files under
/// `photos` (once per content), then the row — so a row never names a missing file, and a
/// refused upload leaves nothing behind.
///
/// Errors: [`MediaError::Refused`] (see [`process::process`]), [`MediaError::Processing`],
/// [`MediaError::Files`], [`MediaError::Storage`].
pub async fn upload(
    db: &Db,
    photos: &storage::PhotoStore,
    uploader_id: i64,
    bytes: Vec<u8>,
) -> Result<Media, MediaError> {
    let permit = DECODES
        .acquire()
        .await
        .map_err(|e| MediaError::Processing(e.to_string()))?;
    let processed = tokio::task::spawn_blocking(move || {
        // Held until the work is done, even if the request is dropped meanwhile.
        let _permit = permit;
        process::process(&bytes).map_err(|e| match e {
            e if e.is_refusal() => MediaError::Refused(e),
            e => MediaError::Processing(e.to_string()),
        })
    })
    .await
    .map_err(|e| MediaError::Processing(e.to_string()))??;
    let (width, height, sha256, bytes) = (
        processed.width,
        processed.height,
        processed.sha256,
        processed.full.len(),
    );
    photos
        .put(&sha256, processed.full, processed.thumb)
        .await
        .map_err(MediaError::Files)?;
    let new = storage::NewMedia {
        uploader_id,
        sha256: &sha256,
        width,
        height,
        bytes,
        created_at: now_ms(),
    };
    let id = storage::insert(db, &new).await?;
    Ok(Media {
        id,
        width,
        height,
        sha256,
    })
}

/// **The one place that decides who sees a photo** (after [`storage::public`], for goods
/// photos of the points supermarket, which anyone may see). The upload `id` if the caller
/// may see it, else `None` — for an unknown id too, so that nobody learns which photos exist.
///
/// Who sees a photo: whoever uploaded it, and whoever may see something it is attached to —
/// each domain that attaches photos answers for its own:
/// - a claim (申报积分): [`crate::points::claims::photo_visible_to`] — the claimant and
///   whoever may review the claim;
/// - a service order (五单): [`crate::services::orders::photo_visible_to`] — whoever may see
///   the order.
pub async fn visible_to(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<Option<storage::StoredMedia>, sqlx::Error> {
    let Some(media) = storage::find(db, id).await? else {
        return Ok(None);
    };
    let visible = media.uploader_id == caller.id
        || crate::points::claims::photo_visible_to(db, id, caller).await?
        || crate::services::orders::photo_visible_to(db, id, caller).await?;
    Ok(visible.then_some(media))
}

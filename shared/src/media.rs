//! Photo evidence (照片) on the wire: `POST /media` and what it answers.

use serde::{Deserialize, Serialize};

/// The largest upload `POST /media` accepts, in bytes (10 MiB); larger → 413 `too_large`.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// The longest side, in pixels, of an image the server decodes; larger → 400
/// `unsupported_media`. Phones shrink photos to [`CLIENT_MAX_SIDE_PX`] before upload.
pub const MAX_SIDE_PX: u32 = 8192;

/// The longest side, in pixels, the PWA shrinks a photo to before uploading it (JPEG).
pub const CLIENT_MAX_SIDE_PX: u32 = 1600;

/// Answer of `POST /media` (201): the stored photo, upright, re-encoded as JPEG without any
/// metadata (no GPS, no camera model).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Media {
    pub id: i64,
    /// Pixels, after EXIF orientation.
    pub width: u32,
    pub height: u32,
    /// Lower-case hex SHA-256 of the stored image: the same picture uploaded twice has the
    /// same hash (how a photo reused for another claim is found).
    pub sha256: String,
}

//! From the uploaded bytes to the stored pictures: pure, blocking CPU work (call it inside
//! `spawn_blocking`, see [`super::upload`]); no I/O.
//!
//! The rules (DESIGN.md, "Media"; API.md, `POST /media`):
//! 1. the format is read from the bytes' magic numbers, never from the file name or the
//!    `Content-Type` the phone sent: JPEG, PNG or WebP, anything else (HEIC, GIF, PDF…) is
//!    refused;
//! 2. a JPEG must be complete (its end-of-image marker after the scan data): a photo cut short
//!    by a dropped connection is refused rather than stored half grey;
//! 3. the dimensions are read from the header before anything is decoded: more than
//!    [`MAX_SIDE_PX`] pixels a side or [`MAX_PIXELS`] in all, or a decoded size over
//!    [`MAX_DECODE_BYTES`], is refused
//!    without allocating the image (a 60-byte PNG may declare 100000×100000 px);
//! 4. the image is decoded under [`image::Limits`] (the same bounds), any alpha flattened onto
//!    white, turned upright by its EXIF orientation (all eight), and re-encoded as a baseline
//!    JPEG of quality [`JPEG_QUALITY`] that carries no metadata at all — no EXIF, no GPS
//!    position, no camera model, no ICC profile (the encoder writes none);
//! 5. the thumbnail is the same picture shrunk to fit [`THUMB_SIDE_PX`] pixels a side (never
//!    enlarged), also a JPEG without metadata.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, RgbImage};
use jifen_shared::media::MAX_SIDE_PX;
use sha2::{Digest, Sha256};

/// The most bytes a decoder may allocate for one image: 256 MiB, i.e. an 8192×8192 RGBA
/// picture (a 48-megapixel phone photo decodes to 144 MiB of RGB).
pub const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// The most pixels an upload may have: 50 megapixels (a 48-megapixel phone photo passes; the
/// PWA shrinks photos to 1600 px a side before upload). Decoding costs time in proportion, so
/// this bounds what one upload may take of a decoding slot.
pub const MAX_PIXELS: u64 = 50_000_000;

/// JPEG quality (1–100) of the stored picture and its thumbnail.
pub const JPEG_QUALITY: u8 = 85;

/// The longest side of a thumbnail, in pixels.
pub const THUMB_SIDE_PX: u32 = 320;

/// The pictures to store for one upload.
#[derive(Debug, Clone)]
pub struct Processed {
    /// The full-size picture: upright JPEG, no metadata.
    pub full: Vec<u8>,
    /// The thumbnail: upright JPEG, no metadata, at most [`THUMB_SIDE_PX`] a side.
    pub thumb: Vec<u8>,
    /// Of the full-size picture, in pixels, after orientation.
    pub width: u32,
    pub height: u32,
    /// Lower-case hex SHA-256 of [`Processed::full`].
    pub sha256: String,
}

/// Why an upload was refused (all of them are the uploader's: 400 `unsupported_media`), or
/// could not be encoded (ours).
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    #[error("file: not a JPEG, PNG or WebP image (HEIC, GIF, PDF and others are not accepted)")]
    Format,
    #[error("file: the JPEG is cut short (no end-of-image marker); upload it again")]
    Truncated,
    #[error(
        "file: {width}×{height} pixels is too large; at most {MAX_SIDE_PX} pixels a side and 50 megapixels, 256 MiB decoded"
    )]
    Dimensions { width: u32, height: u32 },
    #[error("file: the image cannot be read: {0}")]
    Undecodable(String),
    /// Encoding the JPEG failed: a bug or resource exhaustion, not the uploader's fault.
    #[error("the picture could not be encoded: {0}")]
    Encode(ImageError),
}

impl ProcessError {
    /// Whether the upload itself is at fault (else the server is).
    pub fn is_refusal(&self) -> bool {
        !matches!(self, ProcessError::Encode(_))
    }
}

/// The accepted format of `bytes`, from their magic numbers only.
///
/// Errors: [`ProcessError::Format`] for anything but JPEG, PNG and WebP.
pub fn sniff(bytes: &[u8]) -> Result<ImageFormat, ProcessError> {
    match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => Ok(format),
        _ => Err(ProcessError::Format),
    }
}

/// The decoder limits: [`MAX_SIDE_PX`] a side and [`MAX_DECODE_BYTES`].
fn limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// Validates, decodes, orients and re-encodes an upload (see the module docs).
///
/// Errors: [`ProcessError::Format`], [`ProcessError::Truncated`],
/// [`ProcessError::Dimensions`], [`ProcessError::Undecodable`] (refusals);
/// [`ProcessError::Encode`].
pub fn process(bytes: &[u8]) -> Result<Processed, ProcessError> {
    let format = sniff(bytes)?;
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(ProcessError::Truncated);
    }
    // Reads the header only: no pixel buffer exists yet. The PNG decoder takes its allocation
    // limit now (it cannot be given one later); the side limits come once the dimensions are
    // known, so that the refusal can name them.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut header_limits = image::Limits::default();
    header_limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(header_limits);
    let mut decoder = reader.into_decoder().map_err(|e| refusal(e, None))?;
    let (width, height) = decoder.dimensions();
    if width > MAX_SIDE_PX
        || height > MAX_SIDE_PX
        || u64::from(width) * u64::from(height) > MAX_PIXELS
        || decoder.total_bytes() > MAX_DECODE_BYTES
    {
        return Err(ProcessError::Dimensions { width, height });
    }
    decoder
        .set_limits(limits())
        .map_err(|e| refusal(e, Some((width, height))))?;
    // An orientation that cannot be read is taken as upright rather than refusing the photo.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let decoded =
        DynamicImage::from_decoder(decoder).map_err(|e| refusal(e, Some((width, height))))?;
    let mut picture = DynamicImage::ImageRgb8(flatten_onto_white(decoded));
    picture.apply_orientation(orientation);
    let thumbnail = if picture.width().max(picture.height()) > THUMB_SIDE_PX {
        picture.thumbnail(THUMB_SIDE_PX, THUMB_SIDE_PX)
    } else {
        picture.clone()
    };
    let full = encode_jpeg(&picture)?;
    let thumb = encode_jpeg(&thumbnail)?;
    Ok(Processed {
        sha256: hex::encode(Sha256::digest(&full)),
        width: picture.width(),
        height: picture.height(),
        full,
        thumb,
    })
}

/// A decoder's error as a refusal: a limit hit is [`ProcessError::Dimensions`] (when known),
/// anything else [`ProcessError::Undecodable`].
fn refusal(e: ImageError, dimensions: Option<(u32, u32)>) -> ProcessError {
    match (e, dimensions) {
        (ImageError::Limits(_), Some((width, height))) => {
            ProcessError::Dimensions { width, height }
        }
        (ImageError::Limits(_), None) => ProcessError::Undecodable("too large to decode".into()),
        (e, _) => ProcessError::Undecodable(e.to_string()),
    }
}

/// The picture as 8-bit RGB; transparent pixels are blended onto white (a PNG screenshot's
/// transparent background would otherwise turn black in a JPEG).
fn flatten_onto_white(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| {
            let (c, a) = (u32::from(c), u32::from(a));
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

/// `picture` as a JPEG of [`JPEG_QUALITY`]: a JFIF header and the scan, nothing else.
fn encode_jpeg(picture: &DynamicImage) -> Result<Vec<u8>, ProcessError> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode_image(picture)
        .map_err(ProcessError::Encode)?;
    Ok(out)
}

/// Whether a JPEG has its end-of-image marker (FF D9) after its first scan. The segments before
/// the scan are skipped by their lengths (an EXIF thumbnail inside APP1 has its own FF D9);
/// inside the scan data a FF byte is always followed by 00 or a restart marker, so the first
/// FF D9 after the scan header is the end of the image. Bytes after it (a phone's motion-photo
/// trailer) are allowed. The decoder alone would fill a cut-short photo with grey.
pub fn jpeg_is_complete(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut i = 2;
    loop {
        if bytes.get(i) != Some(&0xFF) {
            return false;
        }
        // Any number of FF fill bytes may precede a marker.
        while bytes.get(i) == Some(&0xFF) {
            i += 1;
        }
        let Some(&marker) = bytes.get(i) else {
            return false;
        };
        i += 1;
        match marker {
            // Markers without a length: TEM, RST0–7 (not expected here, harmless).
            0x01 | 0xD0..=0xD7 => continue,
            // An end of image before any scan: no picture.
            0xD9 => return false,
            _ => {}
        }
        let Some(length) = bytes
            .get(i..i + 2)
            .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
        else {
            return false;
        };
        if length < 2 || i + length > bytes.len() {
            return false;
        }
        i += length;
        if marker == 0xDA {
            return bytes[i..].windows(2).any(|w| w == [0xFF, 0xD9]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 90]));
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&image)
            .unwrap();
        out
    }

    #[test]
    fn a_whole_jpeg_is_complete_and_any_cut_of_it_is_not() {
        let bytes = jpeg(64, 48);
        assert!(jpeg_is_complete(&bytes));
        for cut in [2, 3, 20, bytes.len() / 2, bytes.len() - 2, bytes.len() - 1] {
            assert!(!jpeg_is_complete(&bytes[..cut]), "cut at {cut}");
        }
        let mut trailer = bytes.clone();
        trailer.extend_from_slice(b"\0\0\0\x18ftypmp42 motion photo");
        assert!(jpeg_is_complete(&trailer));
    }

    #[test]
    fn transparency_becomes_white_and_opaque_pixels_keep_their_colour() {
        let rgba = image::RgbaImage::from_fn(2, 1, |x, _| match x {
            0 => image::Rgba([10, 20, 30, 0]),
            _ => image::Rgba([10, 20, 30, 255]),
        });
        let flat = flatten_onto_white(DynamicImage::ImageRgba8(rgba));
        assert_eq!(flat.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(flat.get_pixel(1, 0).0, [10, 20, 30]);
    }

    #[test]
    fn a_small_picture_is_its_own_thumbnail_and_a_large_one_fits_320() {
        let small = process(&jpeg(100, 60)).unwrap();
        assert_eq!((small.width, small.height), (100, 60));
        let thumb = image::load_from_memory(&small.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (100, 60));
        let large = process(&jpeg(1000, 500)).unwrap();
        let thumb = image::load_from_memory(&large.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 160));
    }
}

//! Photos in the browser: shrinking a phone's 12-megapixel picture before it goes over a weak
//! rural connection, and showing pictures that need the bearer token.
//!
//! [`shrink`] decodes the picture upright (`createImageBitmap` with
//! `imageOrientation: "from-image"`, so a portrait photo stays portrait whatever its EXIF
//! says), scales it to at most [`CLIENT_MAX_SIDE_PX`] on its longest side on a canvas, and
//! encodes it as JPEG at quality 0.85 (`canvas.toBlob`): a few hundred kilobytes instead of
//! several megabytes, with no EXIF (no GPS) left in it. The server re-encodes it anyway.

use jifen_shared::media::CLIENT_MAX_SIDE_PX;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// The JPEG quality the PWA encodes photos at.
pub const JPEG_QUALITY: f64 = 0.85;

/// The size to draw a `width`×`height` picture at so that its longest side is at most
/// `max_side` (never enlarged, never below 1 px).
pub fn fit(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= max_side || longest == 0 {
        return (width.max(1), height.max(1));
    }
    let scale = f64::from(max_side) / f64::from(longest);
    let side = |n: u32| ((f64::from(n) * scale).round() as u32).clamp(1, max_side);
    (side(width), side(height))
}

/// Decodes `file` upright, at full size.
async fn decode(file: &web_sys::Blob) -> Result<web_sys::ImageBitmap, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let options = web_sys::ImageBitmapOptions::new();
    options.set_image_orientation(web_sys::ImageOrientation::FromImage);
    // Older browsers refuse the options object: they decode upright by default anyway.
    let promise = window
        .create_image_bitmap_with_blob_and_image_bitmap_options(file, &options)
        .or_else(|_| window.create_image_bitmap_with_blob(file))?;
    wasm_bindgen_futures::JsFuture::from(promise)
        .await?
        .dyn_into::<web_sys::ImageBitmap>()
}

/// `file` as a JPEG of at most [`CLIENT_MAX_SIDE_PX`] a side; an error when the browser
/// cannot decode it (HEIC on most Android phones, a broken file): the caller then sends the
/// original and lets the server say what it is.
pub async fn shrink(file: &web_sys::Blob) -> Result<web_sys::Blob, JsValue> {
    let bitmap = decode(file).await?;
    let (width, height) = fit(bitmap.width(), bitmap.height(), CLIENT_MAX_SIDE_PX);
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let canvas = document
        .create_element("canvas")?
        .dyn_into::<web_sys::HtmlCanvasElement>()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context = canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("no 2d context"))?
        .dyn_into::<web_sys::CanvasRenderingContext2d>()?;
    // A transparent PNG would turn black as JPEG: paint white under it.
    context.set_fill_style_str("#fff");
    context.fill_rect(0.0, 0.0, f64::from(width), f64::from(height));
    context.set_image_smoothing_enabled(true);
    let _ = js_sys::Reflect::set(
        &context,
        &JsValue::from_str("imageSmoothingQuality"),
        &JsValue::from_str("high"),
    );
    let drawn = context.draw_image_with_image_bitmap_and_dw_and_dh(
        &bitmap,
        0.0,
        0.0,
        f64::from(width),
        f64::from(height),
    );
    bitmap.close();
    drawn?;
    let blob = to_jpeg(&canvas).await;
    // Free the pixels now: a cheap phone holds few full-size canvases.
    canvas.set_width(0);
    canvas.set_height(0);
    blob
}

/// `canvas.toBlob(…, "image/jpeg", 0.85)` as a future.
async fn to_jpeg(canvas: &web_sys::HtmlCanvasElement) -> Result<web_sys::Blob, JsValue> {
    let mut failed = None;
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let done = Closure::once_into_js(move |blob: JsValue| {
            let outcome = if blob.is_null() || blob.is_undefined() {
                reject.call1(&JsValue::NULL, &JsValue::from_str("toBlob gave nothing"))
            } else {
                resolve.call1(&JsValue::NULL, &blob)
            };
            let _ = outcome;
        });
        if let Err(e) = canvas.to_blob_with_type_and_encoder_options(
            done.unchecked_ref(),
            "image/jpeg",
            &JsValue::from_f64(JPEG_QUALITY),
        ) {
            failed = Some(e);
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    wasm_bindgen_futures::JsFuture::from(promise)
        .await?
        .dyn_into::<web_sys::Blob>()
}

/// An object URL (`blob:…`) for a picture, revoked when the last clone is dropped so the
/// picture's memory is given back.
#[derive(Debug, PartialEq, Eq)]
pub struct ObjectUrl(String);

impl ObjectUrl {
    /// An object URL of `blob`.
    pub fn new(blob: &web_sys::Blob) -> Option<ObjectUrl> {
        web_sys::Url::create_object_url_with_blob(blob)
            .ok()
            .map(ObjectUrl)
    }

    /// The URL, for `<img src>`.
    pub fn url(&self) -> &str {
        &self.0
    }
}

impl Drop for ObjectUrl {
    fn drop(&mut self) {
        let _ = web_sys::Url::revoke_object_url(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn photos_shrink_to_the_longest_side_and_never_grow() {
        assert_eq!(fit(4000, 3000, 1600), (1600, 1200));
        assert_eq!(fit(3000, 4000, 1600), (1200, 1600));
        assert_eq!(fit(1600, 900, 1600), (1600, 900));
        assert_eq!(fit(800, 600, 1600), (800, 600));
        assert_eq!(fit(10_000, 3, 1600), (1600, 1));
        assert_eq!(fit(0, 0, 1600), (1, 1));
    }
}

//! The keeper's camera reading a villager's QR code, with the browser's own decoder: the
//! Shape Detection API's `BarcodeDetector` (Chrome and WeChat's browser on Android, Safari
//! 17+ on iOS; not desktop Chrome on Linux or Windows). No QR decoder is compiled into the
//! wasm: where the browser has none, the keeper types the 8-character code instead.
//!
//! [`Camera`] is the back camera's stream shown in a `<video>`; dropping it turns the camera
//! off. [`Detector::read`] looks at the video's current frame.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// `BarcodeDetector` (not in web-sys's stable bindings).
    type BarcodeDetector;

    #[wasm_bindgen(constructor, catch)]
    fn new(options: &JsValue) -> Result<BarcodeDetector, JsValue>;

    /// Resolves to an array of `{rawValue, format, …}`.
    #[wasm_bindgen(method, catch)]
    fn detect(
        this: &BarcodeDetector,
        source: &web_sys::HtmlVideoElement,
    ) -> Result<js_sys::Promise, JsValue>;
}

/// The browser's QR decoder.
pub struct Detector(BarcodeDetector);

impl Detector {
    /// The browser's QR decoder, where it has one.
    pub fn new() -> Option<Detector> {
        let global = js_sys::global();
        if !js_sys::Reflect::has(&global, &JsValue::from_str("BarcodeDetector")).unwrap_or(false) {
            return None;
        }
        let options = js_sys::Object::new();
        let formats = js_sys::Array::of1(&JsValue::from_str("qr_code"));
        js_sys::Reflect::set(&options, &JsValue::from_str("formats"), &formats).ok()?;
        // Refused (a TypeError) where QR codes are not among the supported formats.
        BarcodeDetector::new(&options).ok().map(Detector)
    }

    /// The text of a QR code in the video's current frame, if one is there.
    pub async fn read(&self, video: &web_sys::HtmlVideoElement) -> Option<String> {
        let found = JsFuture::from(self.0.detect(video).ok()?).await.ok()?;
        let codes = found.dyn_into::<js_sys::Array>().ok()?;
        codes.iter().find_map(|code| {
            js_sys::Reflect::get(&code, &JsValue::from_str("rawValue"))
                .ok()?
                .as_string()
                .filter(|text| !text.is_empty())
        })
    }
}

/// The back camera, live in a `<video>`; off when dropped.
pub struct Camera {
    stream: web_sys::MediaStream,
}

impl Camera {
    /// Asks for the back camera (the browser asks the person the first time) and shows it in
    /// `video`. Fails without a camera, without permission, or off a secure origin.
    pub async fn open(video: &web_sys::HtmlVideoElement) -> Result<Camera, JsValue> {
        let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
        let devices = window.navigator().media_devices()?;
        let constraints = web_sys::MediaStreamConstraints::new();
        let wanted = js_sys::Object::new();
        js_sys::Reflect::set(
            &wanted,
            &JsValue::from_str("facingMode"),
            &JsValue::from_str("environment"),
        )?;
        constraints.set_video(&wanted);
        constraints.set_audio(&JsValue::FALSE);
        let stream = JsFuture::from(devices.get_user_media_with_constraints(&constraints)?)
            .await?
            .dyn_into::<web_sys::MediaStream>()?;
        let camera = Camera { stream };
        video.set_muted(true);
        video.set_src_object(Some(&camera.stream));
        // iOS plays inline only with this attribute.
        let _ = video.set_attribute("playsinline", "");
        JsFuture::from(video.play()?).await?;
        Ok(camera)
    }
}

impl Drop for Camera {
    fn drop(&mut self) {
        for track in self.stream.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                track.stop();
            }
        }
    }
}

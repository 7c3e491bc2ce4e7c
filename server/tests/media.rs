//! Photo evidence on both databases: `POST /media` accepts JPEG, PNG and WebP by content,
//! refuses everything else (HEIC, PDF, GIF, cut-short files, absurd dimensions) without
//! storing anything, enforces 10 MiB while reading, turns every EXIF orientation upright,
//! strips all metadata (GPS, camera model), stores each content once; `GET /media/{id}` and
//! `/thumb` serve only the uploader and the people of a claim the photo is attached to.

mod common;

use jifen_shared::api::{self, Endpoint as _};

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::TestApp;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, GenericImageView, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use jifen_server::client::ApiClient;
use jifen_shared::auth::Role;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const LIUCUN: &str = "410783101230";
const GRID: &str = "410783101230-001";

// ---------------------------------------------------------------------------------------------
// Requests

async fn upload(app: &TestApp, token: &str, bytes: &[u8]) -> (u16, Value) {
    app.upload_as(Some(token), "photo.jpg", "image/jpeg", bytes)
        .await
}

/// GET `path`; (status, headers, body bytes).
async fn fetch(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = app.client.get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

/// The served picture and thumbnail of `media` (asserting 200 and `image/jpeg`).
async fn served(app: &TestApp, token: &str, media: &Value) -> (Vec<u8>, Vec<u8>) {
    let id = media["id"].as_i64().unwrap();
    let mut out = Vec::new();
    for path in [
        api::GetMedia { id }.url_path(),
        api::GetMediaThumb { id }.url_path(),
    ] {
        let (status, headers, body) = fetch(app, &path, Some(token)).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(headers["content-type"], "image/jpeg", "{path}");
        out.push(body);
    }
    let thumb = out.pop().unwrap();
    (out.pop().unwrap(), thumb)
}

/// A signed-in person (a villager of 柳村, as far as `POST /media` cares).
async fn someone(app: &TestApp) -> String {
    app.load_changyuan().await;
    app.staff_token("13900000001", Role::Villager, LIUCUN).await
}

async fn media_rows(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM media")
        .fetch_one(app.db.reader())
        .await
        .unwrap()
}

/// Every file under `<data dir>/media`, sorted.
fn media_files(app: &TestApp) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&app.test_db.dir().join("data").join("media"), &mut out);
    out.sort();
    out
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// ---------------------------------------------------------------------------------------------
// Pictures

/// A noisy gradient, so that the encoded file has some size.
fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let noise = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 61;
        Rgb([(x % 256) as u8, (y % 256) as u8, (noise * 4) as u8])
    })
}

fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    match format {
        ImageFormat::Jpeg => JpegEncoder::new_with_quality(&mut out, 92)
            .encode_image(image)
            .unwrap(),
        format => image.write_to(&mut out, format).unwrap(),
    }
    out.into_inner()
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encode(
        &DynamicImage::ImageRgb8(picture(width, height)),
        ImageFormat::Jpeg,
    )
}

/// The markers of a JPEG's segments before its first scan (SOI first).
fn markers_before_scan(bytes: &[u8]) -> Vec<u8> {
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "not a JPEG");
    let mut markers = vec![0xD8];
    let mut i = 2;
    while i + 4 <= bytes.len() {
        assert_eq!(bytes[i], 0xFF, "segment expected at {i}");
        let marker = bytes[i + 1];
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        i += 2 + usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
    }
    markers
}

/// Asserts a served JPEG carries no metadata: no APPn segment but the JFIF APP0, no EXIF.
fn assert_no_metadata(jpeg: &[u8]) {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
    let markers = markers_before_scan(jpeg);
    let apps: Vec<u8> = markers
        .iter()
        .copied()
        .filter(|m| (0xE0..=0xEF).contains(m) || *m == 0xFE)
        .collect();
    assert_eq!(apps, vec![0xE0], "segments: {markers:02X?}");
    assert!(contains(jpeg, b"JFIF\0"));
    for needle in [&b"Exif"[..], b"GPS", b"JifenTestCam", b"ICC_PROFILE"] {
        assert!(
            !contains(jpeg, needle),
            "found {:?}",
            String::from_utf8_lossy(needle)
        );
    }
}

/// An EXIF APP1 segment (big-endian TIFF) with `orientation`, a camera model, and with `gps`
/// a GPS IFD (latitude, longitude and a processing method that spells "GPS").
fn exif_app1(orientation: u16, gps: bool) -> Vec<u8> {
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const ASCII: u16 = 2;
    const RATIONAL: u16 = 5;
    const UNDEFINED: u16 = 7;
    // (tag, type, count, inline value or data placed after the IFD)
    enum Value {
        Inline([u8; 4]),
        Data(Vec<u8>),
        GpsPointer,
    }
    let model = b"JifenTestCam\0".to_vec();
    let mut ifd0 = vec![
        (
            0x0112,
            SHORT,
            1,
            Value::Inline([(orientation >> 8) as u8, orientation as u8, 0, 0]),
        ),
        (0x0110, ASCII, model.len() as u32, Value::Data(model)),
    ];
    if gps {
        ifd0.push((0x8825, LONG, 1, Value::GpsPointer));
    }
    let rationals = |values: [(u32, u32); 3]| -> Vec<u8> {
        values
            .iter()
            .flat_map(|(n, d)| n.to_be_bytes().into_iter().chain(d.to_be_bytes()))
            .collect()
    };
    let method = b"ASCII\0\0\0GPS".to_vec();
    let gps_ifd = vec![
        (0x0001, ASCII, 2, Value::Inline(*b"N\0\0\0")),
        (
            0x0002,
            RATIONAL,
            3,
            Value::Data(rationals([(35, 1), (12, 1), (3456, 100)])),
        ),
        (0x0003, ASCII, 2, Value::Inline(*b"E\0\0\0")),
        (
            0x0004,
            RATIONAL,
            3,
            Value::Data(rationals([(114, 1), (40, 1), (1234, 100)])),
        ),
        (0x001B, UNDEFINED, method.len() as u32, Value::Data(method)),
    ];
    // Lays out an IFD at `start`: entries, next-IFD offset 0, then its out-of-line data.
    let layout = |entries: &[(u16, u16, u32, Value)], start: usize, gps_at: usize| -> Vec<u8> {
        let mut data_at = start + 2 + 12 * entries.len() + 4;
        let mut head = (entries.len() as u16).to_be_bytes().to_vec();
        let mut data = Vec::new();
        for (tag, kind, count, value) in entries {
            head.extend_from_slice(&tag.to_be_bytes());
            head.extend_from_slice(&kind.to_be_bytes());
            head.extend_from_slice(&count.to_be_bytes());
            match value {
                Value::Inline(v) => head.extend_from_slice(v),
                Value::GpsPointer => head.extend_from_slice(&(gps_at as u32).to_be_bytes()),
                Value::Data(d) => {
                    head.extend_from_slice(&(data_at as u32).to_be_bytes());
                    data.extend_from_slice(d);
                    if d.len() % 2 == 1 {
                        data.push(0);
                    }
                    data_at = start + 2 + 12 * entries.len() + 4 + data.len();
                }
            }
        }
        head.extend_from_slice(&0u32.to_be_bytes());
        head.extend_from_slice(&data);
        head
    };
    let ifd0_len = layout(&ifd0, 8, 0).len();
    let gps_at = 8 + ifd0_len;
    let mut tiff = b"MM\0\x2A\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&layout(&ifd0, 8, gps_at));
    if gps {
        tiff.extend_from_slice(&layout(&gps_ifd, gps_at, 0));
    }
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    segment.extend_from_slice(&payload);
    segment
}

/// `jpeg` with `segment` spliced in right after its SOI marker.
fn with_segment(jpeg: &[u8], segment: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(segment);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// 40×20, upright: red top-left quadrant, green top-right, blue bottom-left, white
/// bottom-right.
fn upright_colour(x: u32, y: u32) -> Rgb<u8> {
    match (x < 20, y < 10) {
        (true, true) => Rgb([255, 0, 0]),
        (false, true) => Rgb([0, 255, 0]),
        (true, false) => Rgb([0, 0, 255]),
        (false, false) => Rgb([255, 255, 255]),
    }
}

/// The pixels a camera stores for the upright 40×20 picture when it tags them with EXIF
/// `orientation` (TIFF 6.0 / EXIF 2.3: which side the stored 0th row and 0th column show).
fn stored_for(orientation: u16) -> RgbImage {
    let (w, h) = if orientation >= 5 { (20, 40) } else { (40, 20) };
    RgbImage::from_fn(w, h, |c, r| {
        let (x, y) = match orientation {
            1 => (c, r),
            2 => (w - 1 - c, r),
            3 => (w - 1 - c, h - 1 - r),
            4 => (c, h - 1 - r),
            5 => (r, c),
            6 => (h - 1 - r, c),
            7 => (h - 1 - r, w - 1 - c),
            8 => (r, w - 1 - c),
            _ => unreachable!(),
        };
        upright_colour(x, y)
    })
}

fn close_to(pixel: Rgb<u8>, expected: Rgb<u8>) -> bool {
    pixel
        .0
        .iter()
        .zip(expected.0)
        .all(|(a, b)| a.abs_diff(b) < 40)
}

/// CRC-32 (ISO-HDLC) as PNG chunks use it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    let mut typed = kind.to_vec();
    typed.extend_from_slice(data);
    chunk.extend_from_slice(&typed);
    chunk.extend_from_slice(&crc32(&typed).to_be_bytes());
    chunk
}

/// A valid-looking 60-byte PNG declaring `width`×`height` RGBA pixels.
fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &ihdr));
    png.extend(png_chunk(b"IDAT", &[0x78, 0x9C, 0x03]));
    png.extend(png_chunk(b"IEND", &[]));
    png
}

/// `jpeg` with the dimensions in its SOF0 header replaced.
fn with_sof_dimensions(jpeg: &[u8], width: u16, height: u16) -> Vec<u8> {
    let mut out = jpeg.to_vec();
    let sof = out
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline JPEG has SOF0");
    // FF C0, length (2), precision (1), height (2), width (2).
    out[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    out[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    out
}

async fn add_grid(app: &TestApp, code: &str) {
    sqlx::query(
        "INSERT INTO regions (code, name, level, parent_code, created_at, updated_at) \
         VALUES ($1, '一网格', 'grid', $2, 0, 0)",
    )
    .bind(code)
    .bind(&code[..12])
    .execute(app.db.writer())
    .await
    .unwrap();
}

db_tests! {
    async fn jpeg_png_and_webp_are_stored_as_upright_jpegs_without_metadata_with_a_thumbnail(app) {
        let token = someone(&app).await;
        // PNG with a transparent left half, which must come out white.
        let base = picture(640, 480);
        let rgba = RgbaImage::from_fn(640, 480, |x, y| {
            let Rgb([r, g, b]) = *base.get_pixel(x, y);
            Rgba([r, g, b, if x < 320 { 0 } else { 255 }])
        });
        let uploads = [
            ("JPEG", jpeg(640, 480)),
            ("PNG", encode(&DynamicImage::ImageRgba8(rgba), ImageFormat::Png)),
            ("WebP", encode(&DynamicImage::ImageRgb8(picture(640, 480)), ImageFormat::WebP)),
        ];
        for (name, bytes) in uploads {
            let (status, media) = upload(&app, &token, &bytes).await;
            assert_eq!(status, 201, "{name}: {media}");
            assert_eq!((media["width"].as_u64(), media["height"].as_u64()), (Some(640), Some(480)), "{name}");
            let (full, thumb) = served(&app, &token, &media).await;
            assert_eq!(media["sha256"], sha256(&full), "{name}");
            assert_no_metadata(&full);
            assert_no_metadata(&thumb);
            let decoded = image::load_from_memory_with_format(&full, ImageFormat::Jpeg).unwrap();
            assert_eq!(decoded.dimensions(), (640, 480), "{name}");
            let small = image::load_from_memory_with_format(&thumb, ImageFormat::Jpeg).unwrap();
            assert_eq!(small.dimensions(), (320, 240), "{name}");
            if name == "PNG" {
                assert!(close_to(decoded.to_rgb8().get_pixel(100, 200).to_owned(), Rgb([255, 255, 255])), "transparent became {:?}", decoded.to_rgb8().get_pixel(100, 200));
            }
        }
        assert_eq!(media_rows(&app).await, 3);
    }

    async fn absurd_dimensions_are_refused_from_the_header_and_the_server_carries_on(app) {
        let token = someone(&app).await;
        let png = png_header_only(100_000, 100_000);
        assert_eq!(png.len(), 60);
        let (status, body) = app.upload_as(Some(&token), "big.png", "image/png", &png).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("unsupported_media")), "{body}");
        let huge_jpeg = with_sof_dimensions(&jpeg(16, 16), 20_000, 20_000);
        let (status, body) = upload(&app, &token, &huge_jpeg).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("unsupported_media")), "{body}");
        assert!(body["message"].as_str().unwrap().contains("20000×20000"), "{body}");
        // One pixel over the limit, really encoded.
        let wide = encode(&DynamicImage::ImageRgb8(RgbImage::new(8193, 1)), ImageFormat::Png);
        let (status, body) = app.upload_as(Some(&token), "wide.png", "image/png", &wide).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("unsupported_media")), "{body}");
        assert!(body["message"].as_str().unwrap().contains("8193×1"), "{body}");
        assert_eq!(media_rows(&app).await, 0);
        assert!(media_files(&app).is_empty());
        let (status, body) = upload(&app, &token, &jpeg(32, 24)).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["width"], 32);
    }

    async fn a_jpeg_cut_short_is_refused_and_nothing_is_stored(app) {
        let token = someone(&app).await;
        let whole = jpeg(400, 300);
        let cut = &whole[..whole.len() * 6 / 10];
        let (status, body) = upload(&app, &token, cut).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("unsupported_media")), "{body}");
        assert!(body["message"].as_str().unwrap().contains("cut short"), "{body}");
        // PNG and WebP decoders notice by themselves.
        for format in [ImageFormat::Png, ImageFormat::WebP] {
            let whole = encode(&DynamicImage::ImageRgb8(picture(400, 300)), format);
            let (status, body) = upload(&app, &token, &whole[..whole.len() * 6 / 10]).await;
            assert_eq!((status, body["code"].as_str()), (400, Some("unsupported_media")), "{format:?}: {body}");
        }
        assert_eq!(media_rows(&app).await, 0);
        assert_eq!(media_files(&app), Vec::<PathBuf>::new());
    }

    async fn heic_pdf_and_gif_are_refused_whatever_their_name_and_type_say(app) {
        let token = someone(&app).await;
        let mut heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
        heic.extend_from_slice(&[0u8; 200]);
        let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec();
        let mut gif = b"GIF89a\x01\0\x01\0\x80\0\0".to_vec();
        gif.extend_from_slice(&[0u8; 30]);
        for (name, bytes, filename) in [("HEIC", heic, "IMG_0001.HEIC"), ("PDF", pdf, "photo.jpg"), ("GIF", gif, "photo.jpg")] {
            let (status, body) = app.upload_as(Some(&token), filename, "image/jpeg", &bytes).await;
            assert_eq!((status, body["code"].as_str()), (400, Some("unsupported_media")), "{name}: {body}");
        }
        assert_eq!(media_rows(&app).await, 0);
        assert!(media_files(&app).is_empty());
    }

    async fn a_form_without_a_file_field_is_invalid_input(app) {
        let token = someone(&app).await;
        let (form_type, body) = common::multipart_form("photo", "photo.jpg", "image/jpeg", &jpeg(8, 8));
        let response = app.request(&api::UploadMedia).token(&token)
            .bytes(&form_type, body).send().await.unwrap();
        assert_eq!(response.status, 400);
        let body: Value = response.json();
        assert_eq!(body["code"], "invalid_input", "{body}");
        let (status, body) = app.call(&api::UploadMedia, Some(&token), &json!({"file": "x"})).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{body}");
        let (status, body) = upload(&app, &token, b"").await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{body}");
        let (status, body) = app.upload_as(None, "photo.jpg", "image/jpeg", &jpeg(8, 8)).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("unauthenticated")), "{body}");
    }

    async fn gps_and_camera_exif_never_reach_the_stored_files(app) {
        let token = someone(&app).await;
        let tagged = with_segment(&jpeg(500, 400), &exif_app1(1, true));
        // The upload really carries them.
        for needle in [&b"Exif"[..], b"GPS", b"JifenTestCam"] {
            assert!(contains(&tagged, needle));
        }
        let (status, media) = upload(&app, &token, &tagged).await;
        assert_eq!(status, 201, "{media}");
        let (full, thumb) = served(&app, &token, &media).await;
        assert_no_metadata(&full);
        assert_no_metadata(&thumb);
        for file in media_files(&app) {
            assert_no_metadata(&std::fs::read(&file).unwrap());
        }
    }

    async fn all_eight_exif_orientations_come_out_upright(app) {
        let token = someone(&app).await;
        for orientation in 1..=8u16 {
            let stored = encode(&DynamicImage::ImageRgb8(stored_for(orientation)), ImageFormat::Jpeg);
            let tagged = with_segment(&stored, &exif_app1(orientation, orientation % 2 == 0));
            let (status, media) = upload(&app, &token, &tagged).await;
            assert_eq!(status, 201, "orientation {orientation}: {media}");
            assert_eq!((media["width"].as_u64(), media["height"].as_u64()), (Some(40), Some(20)), "orientation {orientation}");
            let (full, thumb) = served(&app, &token, &media).await;
            for (what, bytes) in [("full", full), ("thumb", thumb)] {
                let picture = image::load_from_memory_with_format(&bytes, ImageFormat::Jpeg).unwrap().to_rgb8();
                assert_eq!(picture.dimensions(), (40, 20), "orientation {orientation} {what}");
                for (x, y) in [(10, 5), (30, 5), (10, 15), (30, 15)] {
                    let expected = upright_colour(x, y);
                    let got = *picture.get_pixel(x, y);
                    assert!(close_to(got, expected), "orientation {orientation} {what}: ({x}, {y}) is {got:?}, expected {expected:?}");
                }
            }
        }
    }

    async fn an_upload_over_10_mib_is_answered_413_without_being_read_whole(app) {
        let token = someone(&app).await;
        // A real JPEG start, then 11 MB: refused by size before anything looks at content.
        let mut big = jpeg(64, 64);
        big.resize(11_000_000, 0x5A);
        let (form_type, body) = common::multipart_form("file", "big.jpg", "image/jpeg", &big);
        let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
        let response = ApiClient::new(client, &app.address).request(&api::UploadMedia).token(&token)
            .bytes(&form_type, body).send().await
            .expect("an answer before the client gives up");
        assert_eq!(response.status, 413);
        let body: Value = response.json();
        assert_eq!(body["code"], "too_large", "{body}");
        assert_eq!(media_rows(&app).await, 0);
        // Exactly at the limit is still read (and then judged by content).
        let mut at_limit = jpeg(64, 64);
        at_limit.resize(jifen_shared::media::MAX_UPLOAD_BYTES, 0x5A);
        let (status, body) = upload(&app, &token, &at_limit).await;
        assert_ne!(status, 413, "{body}");
    }

    async fn the_same_picture_twice_is_two_uploads_of_one_file(app) {
        let token = someone(&app).await;
        let bytes = jpeg(300, 200);
        let (_, first) = upload(&app, &token, &bytes).await;
        let (status, second) = upload(&app, &token, &bytes).await;
        assert_eq!(status, 201, "{second}");
        assert_ne!(first["id"], second["id"]);
        assert_eq!(first["sha256"], second["sha256"]);
        let sha = first["sha256"].as_str().unwrap();
        let names: Vec<String> = media_files(&app)
            .iter()
            .map(|p| p.strip_prefix(app.test_db.dir().join("data").join("media")).unwrap().display().to_string())
            .collect();
        assert_eq!(names, vec![format!("{}/{sha}.jpg", &sha[..2]), format!("{}/{sha}.thumb.jpg", &sha[..2])]);
        assert_eq!(media_rows(&app).await, 2);
    }

    async fn a_photo_is_seen_by_its_uploader_and_the_reviewers_of_its_claim_only(app) {
        app.load_changyuan().await;
        add_grid(&app, GRID).await;
        add_grid(&app, "410783101229-001").await;
        let csv = format!(
            "name,phone,village_code,grid_code\n张三,13900139001,{LIUCUN},{GRID}\n李四,13900139002,{LIUCUN},\n"
        );
        jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        let zhang = app.villager_token("13900139001").await;
        let li = app.villager_token("13900139002").await;
        let grid_worker = app.staff_token("13800000001", Role::GridWorker, GRID).await;
        let other_grid_worker = app.staff_token("13800000002", Role::GridWorker, "410783101229-001").await;
        let village_admin = app.staff_token("13800000003", Role::VillageAdmin, LIUCUN).await;

        let (status, media) = upload(&app, &zhang, &jpeg(120, 90)).await;
        assert_eq!(status, 201, "{media}");
        let id = media["id"].as_i64().unwrap();
        let sha = media["sha256"].as_str().unwrap();
        let full = api::GetMedia { id }.url_path();
        let thumb = api::GetMediaThumb { id }.url_path();

        let (status, headers, body) = fetch(&app, &full, Some(&zhang)).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "image/jpeg");
        assert_eq!(headers["cache-control"], "private, max-age=31536000, immutable");
        assert_eq!(headers["etag"].to_str().unwrap(), format!("\"{sha}\""));
        assert_eq!(sha256(&body), sha);
        let (status, headers, _) = fetch(&app, &thumb, Some(&zhang)).await;
        assert_eq!(status, 200);
        assert_eq!(headers["etag"].to_str().unwrap(), format!("\"{sha}.thumb\""));
        // A revalidation with the ETag is answered without the bytes.
        let response = app.request(&api::GetMedia { id }).token(&zhang)
            .header("if-none-match", &format!("\"{sha}\"")).send().await.unwrap();
        assert_eq!(response.status, 304);

        // Not attached to anything: only the uploader.
        for (who, token) in [("李四", &li), ("grid worker", &grid_worker), ("village admin", &village_admin)] {
            for path in [&full, &thumb] {
                let (status, _, body) = fetch(&app, path, Some(token)).await;
                assert_eq!(status, 404, "{who} {path}");
                let body: Value = serde_json::from_slice(&body).unwrap();
                assert_eq!(body["code"], "not_found");
            }
        }
        // An unknown id looks the same as a photo one may not see.
        let (status, _, _) = fetch(&app, &api::GetMedia { id: id + 1000 }.url_path(), Some(&zhang)).await;
        assert_eq!(status, 404);
        for path in [&full, &thumb] {
            let (status, _, body) = fetch(&app, path, None).await;
            assert_eq!(status, 401, "{path}");
            assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["code"], "unauthenticated");
        }

        // Attached to 张三's claim, reviewed in his grid.
        let zhang_id: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '+8613900139001'")
            .fetch_one(app.db.reader()).await.unwrap();
        let rule_id: i64 = sqlx::query_scalar("SELECT id FROM point_rules WHERE code = 'garbage_sorting'")
            .fetch_one(app.db.reader()).await.unwrap();
        let claim_id: i64 = sqlx::query_scalar(
            "INSERT INTO point_claims (claimant_id, rule_id, points, note, village_code, region_code, status, created_at) \
             VALUES ($1, $2, 2, '垃圾分类', $3, $4, 'pending', 0) RETURNING id",
        )
        .bind(zhang_id).bind(rule_id).bind(LIUCUN).bind(GRID)
        .fetch_one(app.db.writer()).await.unwrap();
        sqlx::query("INSERT INTO claim_photos (claim_id, media_id, position) VALUES ($1, $2, 0)")
            .bind(claim_id).bind(id)
            .execute(app.db.writer()).await.unwrap();
        for (who, token, expected) in [
            ("张三", &zhang, 200),
            ("grid worker", &grid_worker, 200),
            ("village admin", &village_admin, 200),
            ("李四", &li, 404),
            ("another grid's worker", &other_grid_worker, 404),
        ] {
            for path in [&full, &thumb] {
                let (status, _, _) = fetch(&app, path, Some(token)).await;
                assert_eq!(status, expected, "{who} {path}");
            }
        }
    }

    async fn not_owned_names_the_photos_of_others_and_of_nobody_in_the_order_asked(app) {
        let token = someone(&app).await;
        let other = app.staff_token("13900000002", Role::Villager, LIUCUN).await;
        let (_, a) = upload(&app, &token, &jpeg(10, 10)).await;
        let (_, b) = upload(&app, &token, &jpeg(11, 10)).await;
        let (_, theirs) = upload(&app, &other, &jpeg(12, 10)).await;
        let me: i64 = sqlx::query_scalar("SELECT uploader_id FROM media WHERE id = $1")
            .bind(a["id"].as_i64().unwrap())
            .fetch_one(app.db.reader()).await.unwrap();
        let (a, b, theirs) = (a["id"].as_i64().unwrap(), b["id"].as_i64().unwrap(), theirs["id"].as_i64().unwrap());
        let not_owned = jifen_server::media::storage::not_owned;
        let foreign = not_owned(app.db.reader(), me, &[b, theirs, a, 999_999, theirs, b]).await.unwrap();
        assert_eq!(foreign, Some(format!("{theirs}, 999999")));
        assert_eq!(not_owned(app.db.reader(), me, &[b, a, b]).await.unwrap(), None);
        let mut tx = app.db.begin_write().await.unwrap();
        assert_eq!(jifen_server::media::storage::not_owned(&mut *tx, me, &[]).await.unwrap(), None);
        tx.rollback().await.unwrap();
        assert_eq!(jifen_server::media::storage::unique(&[b, a, b, a, 7]), vec![b, a, 7]);
    }
}

// ---------------------------------------------------------------------------------------------
// Slow and stalled uploads (server/src/media/routes.rs, "Receiving uploads fairly")

/// The pace of the tests below: 4 s to the first bytes, then 64 KiB every 4 s.
const PACE: jifen_server::media::routes::UploadPace = jifen_server::media::routes::UploadPace {
    first_bytes: Duration::from_secs(4),
    window: Duration::from_secs(4),
    min_bytes_per_window: 64 * 1024,
};

/// Sends `POST /media` by hand as the person of `token` from client address `from` (the test
/// server trusts 127.0.0.1 as its proxy): the head announcing a body of `length` bytes, then
/// each of `pieces` after its pause, then nothing more. Answers (status, JSON body) whenever
/// the server answers.
async fn raw_upload(
    app: &TestApp,
    token: &str,
    from: &str,
    length: usize,
    pieces: Vec<(Duration, Vec<u8>)>,
) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         X-Forwarded-For: {from}\r\nContent-Type: multipart/form-data; boundary=jifen-test-boundary-7d3a9c\r\n\
         Content-Length: {length}\r\nConnection: close\r\n\r\n",
        api::UploadMedia.url_path()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    // The body goes out beside the reading: the server may answer before it is all sent.
    let sending = tokio::spawn(async move {
        for (pause, piece) in pieces {
            tokio::time::sleep(pause).await;
            if writer.write_all(&piece).await.is_err() {
                return;
            }
        }
        // Never more: hold the connection open without a byte.
        std::future::pending::<()>().await;
    });
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        loop {
            let n = reader.read(&mut buf).await.unwrap_or(0);
            answer.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&answer).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse().unwrap())
                    })
                    .unwrap_or(0);
                if body.len() >= length || n == 0 {
                    let status = head[9..12].parse().unwrap();
                    return (
                        status,
                        serde_json::from_str(&body[..length]).unwrap_or(Value::Null),
                    );
                }
            }
            assert!(n > 0, "the server closed without an answer: {text}");
        }
    };
    let answer = tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .expect("an answer within 60 s");
    sending.abort();
    answer
}

/// The start of a multipart body with the field `file` (what a client sends first).
fn preamble() -> Vec<u8> {
    let (_, body) = common::multipart_form("file", "photo.jpg", "image/jpeg", &[]);
    let end = body.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    body[..end].to_vec()
}

/// A JPEG of noise (it does not compress): about `side`²×3/4 bytes.
fn noisy_jpeg(side: u32) -> Vec<u8> {
    let mut state = 0x2545_f491_u32;
    let image = RgbImage::from_fn(side, side, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        Rgb([state as u8, (state >> 8) as u8, (state >> 16) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    JpegEncoder::new_with_quality(&mut out, 95)
        .encode_image(&image)
        .unwrap();
    out.into_inner()
}

db_tests! {
    async fn stalled_uploads_are_cut_and_cannot_keep_anyone_elses_photo_out(backend = backend) {
        let Some(app) = common::spawn_app_with(backend, |s| {
            s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
            s.upload_pace = PACE;
        })
        .await
        else {
            return;
        };
        app.load_changyuan().await;
        let mut stallers = Vec::new();
        for i in 0..9 {
            stallers.push(app.staff_token(&format!("1390000010{i}"), Role::Villager, LIUCUN).await);
        }
        let honest = app.staff_token("13900000200", Role::Villager, LIUCUN).await;
        // Eight people on two addresses, two uploads each: sixteen bodies that never come
        // (half not a byte, half stopping after the form's first part) — what used to fill
        // every place for two minutes.
        let started = std::time::Instant::now();
        let mut stalled = Vec::new();
        for (i, token) in stallers[..8].iter().enumerate() {
            let from = if i < 4 { "203.0.113.1" } else { "203.0.113.2" };
            for pieces in [vec![], vec![(Duration::ZERO, preamble())]] {
                let (app, token) = (&app, token.clone());
                stalled.push(async move { raw_upload(app, &token, from, 1_000_000, pieces).await });
            }
        }
        let stalled = futures_util::future::join_all(stalled);
        let probes = async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            // A third of one person's, from anywhere, and a ninth from one address: refused.
            let (status, body) = upload(&app, &stallers[0], &common::small_jpeg(1)).await;
            assert_eq!((status, body["code"].as_str()), (429, Some("rate_limited")), "{body}");
            let (status, body) = raw_upload(&app, &stallers[8], "203.0.113.1", 1_000_000, vec![]).await;
            assert_eq!((status, body["code"].as_str()), (429, Some("rate_limited")), "{body}");
            // Anyone else's photo goes through meanwhile.
            let (status, body) = upload(&app, &honest, &common::small_jpeg(2)).await;
            assert_eq!(status, 201, "{body}");
            assert!(started.elapsed() < PACE.first_bytes, "the probes ran while the sixteen stalled");
            // A slow but steady phone: 40 KiB a second is under the window's 64 KiB each
            // second, but reaches it within the window.
            let photo = noisy_jpeg(300);
            assert!(photo.len() > 100 * 1024, "{}", photo.len());
            let (_, body) = common::multipart_form("file", "photo.jpg", "image/jpeg", &photo);
            let pieces = body.chunks(40 * 1024).map(|c| (Duration::from_secs(1), c.to_vec())).collect();
            let (status, answer) = raw_upload(&app, &honest, "198.51.100.7", body.len(), pieces).await;
            assert_eq!(status, 201, "{answer}");
        };
        let (answers, ()) = tokio::join!(stalled, probes);
        for (i, (status, body)) in answers.iter().enumerate() {
            let message = if i % 2 == 0 {
                "file: nothing arrived within 4 s; try again on a better connection"
            } else {
                "file: arriving too slowly (under 64 KiB in 4 s); try again on a better connection"
            };
            assert_eq!((*status, body), (408, &json!({"code": "upload_too_slow", "message": message})), "upload {i}");
        }
        assert!(started.elapsed() < Duration::from_secs(20), "cut after the bound: {:?}", started.elapsed());
        // Their places are free again.
        let (status, body) = upload(&app, &stallers[0], &common::small_jpeg(3)).await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = raw_upload(&app, &stallers[8], "203.0.113.1", 0, vec![]).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "an empty body, judged: {body}");
        assert_eq!(media_rows(&app).await, 3);
    }
}

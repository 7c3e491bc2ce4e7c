//! Serving the PWA built by `cargo xtask web` (the directory `JIFEN_WEB_DIR`).
//!
//! - `/` and every path without a file extension that is not a file (the app's own routes,
//!   e.g. `/regions/410783101`) get `index.html` (SPA fallback);
//! - content-hashed assets (`name-<16 hex>.ext`) are `Cache-Control: public, max-age=31536000,
//!   immutable`; `index.html`, `sw.js` and the manifest are `no-cache` so a new release is
//!   picked up at the next start; other files (icons) an hour;
//! - when the client accepts it, a precompressed `file.br` or `file.gz` written by the build is
//!   sent instead of the file (`Content-Encoding`, `Vary: Accept-Encoding`)
//!   (not for `Range` requests, which get ranges of the file itself); the `.br`/`.gz` files
//!   are not served by their own names;
//! - paths with `..`, hidden segments or backslashes are 404;
//! - `index.html` carries the [`POLICY`] with the SHA-256 of each of its inline scripts
//!   allowed ([`policy_for`], computed from the file as served, so a rebuilt PWA is allowed
//!   without a restart); every other response gets [`POLICY`] as it is (`crate::startup`).
//!
//! The Content-Security-Policy fits the PWA and nothing more: scripts, styles, fonts, the
//! manifest, the service worker and every request (`connect-src`) from this origin only;
//! WebAssembly compiled from them (`'wasm-unsafe-eval'`, not `'unsafe-eval'`); pictures from
//! this origin (`/api/v1/media/…`, icons) and `blob:` (a photo shown before it is sent); no
//! plugins, no `<base>`, forms post here only, and no page may frame this one
//! (`frame-ancestors 'none'`, clickjacking). No `'unsafe-inline'` anywhere: the app sets
//! styles through the CSSOM (`style:width=…`) and listens for clicks instead of `onclick`
//! attributes. The camera's stream is a `srcObject`, not a URL, so it needs no `media-src`.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, CacheControl, CacheDirective, ContentEncoding, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};

/// The `Content-Security-Policy` of every response but `index.html`'s (see the module docs).
pub const POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' blob:; connect-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// [`POLICY`] with `'sha256-…'` of every inline `<script>` of the page `html` added to
/// `script-src`: the hash of the script's text as the browser sees it (line breaks
/// normalised to `\n`, HTML's input preprocessing).
pub fn policy_for(html: &str) -> String {
    use base64::Engine as _;
    use sha2::{Digest, Sha256};
    let mut hashes = String::new();
    // Byte offsets of the lower-cased copy are those of `html` (ASCII lower-casing).
    let lower = html.to_ascii_lowercase();
    let mut at = 0;
    while let Some(start) = lower[at..].find("<script").map(|i| at + i) {
        let Some(open_end) = lower[start..].find('>').map(|i| start + i + 1) else {
            break;
        };
        let Some(close) = lower[open_end..].find("</script").map(|i| open_end + i) else {
            break;
        };
        if !lower[start..open_end].contains("src=") {
            let text = html[open_end..close]
                .replace("\r\n", "\n")
                .replace('\r', "\n");
            let digest = Sha256::digest(text.as_bytes());
            hashes.push_str(" 'sha256-");
            hashes.push_str(&base64::engine::general_purpose::STANDARD.encode(digest));
            hashes.push('\'');
        }
        at = close;
    }
    POLICY.replacen(
        "'wasm-unsafe-eval'",
        &format!("'wasm-unsafe-eval'{hashes}"),
        1,
    )
}

const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>积分</title>\
<p>应用尚未构建。请运行 <code>cargo xtask web</code>。</p>\
<p>The PWA is not built yet: run <code>cargo xtask web</code>.</p>";

/// Answers a GET for `req.path()` from `web_dir`.
pub async fn serve(req: &HttpRequest, web_dir: &Path) -> HttpResponse {
    if !matches!(
        *req.method(),
        actix_web::http::Method::GET | actix_web::http::Method::HEAD
    ) {
        return HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "GET, HEAD"))
            .finish();
    }
    let relative = req.path().trim_start_matches('/');
    // The build's precompressed copies are served in place of their file, never by name.
    if relative.ends_with(".br") || relative.ends_with(".gz") {
        return HttpResponse::NotFound().body("Not found");
    }
    let Some(path) = safe_join(web_dir, relative) else {
        return HttpResponse::NotFound().body("Not found");
    };
    let file = if path.is_file() {
        path
    } else if relative
        .rsplit('/')
        .next()
        .is_some_and(|last| !last.contains('.'))
    {
        web_dir.join("index.html")
    } else {
        return HttpResponse::NotFound().body("Not found");
    };
    if !file.is_file() {
        return HttpResponse::ServiceUnavailable()
            .content_type("text/html; charset=utf-8")
            .body(NOT_BUILT);
    }
    // The page's own policy, from the file about to be served (a few KiB).
    let policy = if file.file_name().is_some_and(|n| n == "index.html") {
        match tokio::fs::read_to_string(&file).await {
            Ok(html) => HeaderValue::from_str(&policy_for(&html)).ok(),
            Err(e) => {
                tracing::error!(error = %e, file = %file.display(), "cannot read the PWA's index.html");
                return HttpResponse::InternalServerError().finish();
            }
        }
    } else {
        None
    };
    match open(req, &file).await {
        Ok(named) => {
            let mut response = named.into_response(req);
            let headers = response.headers_mut();
            headers.insert(header::CACHE_CONTROL, cache_control(&file));
            headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
            if let Some(policy) = policy {
                headers.insert(header::CONTENT_SECURITY_POLICY, policy);
            }
            response
        }
        Err(e) => {
            tracing::error!(error = %e, file = %file.display(), "cannot open a PWA file");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// `web_dir/relative` when every segment is an ordinary name.
fn safe_join(web_dir: &Path, relative: &str) -> Option<PathBuf> {
    let mut path = web_dir.to_path_buf();
    for segment in relative.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with('.') || segment.contains('\\') || segment.contains('\0') {
            return None;
        }
        path.push(segment);
    }
    Some(path)
}

/// Opens `file`, or its precompressed sibling when the client accepts that encoding.
async fn open(req: &HttpRequest, file: &Path) -> std::io::Result<NamedFile> {
    let accepts = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = actix_files::file_extension_to_mime(
        file.extension().and_then(|e| e.to_str()).unwrap_or(""),
    );
    for (token, suffix, encoding) in [
        ("br", "br", ContentEncoding::Brotli),
        ("gzip", "gz", ContentEncoding::Gzip),
    ] {
        // A range of the compressed bytes is not a range of the file: ranges get the file.
        if !req.headers().contains_key(header::RANGE) && accepts_encoding(accepts, token) {
            let mut compressed = file.as_os_str().to_owned();
            compressed.push(".");
            compressed.push(suffix);
            let compressed = PathBuf::from(compressed);
            if compressed.is_file() {
                return Ok(NamedFile::open_async(&compressed)
                    .await?
                    .set_content_type(mime)
                    .disable_content_disposition()
                    .set_content_encoding(encoding));
            }
        }
    }
    Ok(NamedFile::open_async(file)
        .await?
        .set_content_type(mime)
        .disable_content_disposition())
}

/// Whether an `Accept-Encoding` value accepts `token` (listed, and not with `q=0`).
fn accepts_encoding(header: &str, token: &str) -> bool {
    header.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        parts.next().is_some_and(|t| t.eq_ignore_ascii_case(token))
            && parts.all(|p| {
                p.strip_prefix("q=")
                    .is_none_or(|q| q.parse::<f32>().is_ok_and(|q| q > 0.0))
            })
    })
}

fn cache_control(file: &Path) -> HeaderValue {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let directives = if is_hashed(name) {
        vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(31_536_000),
            CacheDirective::Extension("immutable".into(), None),
        ]
    } else if name == "index.html" || name == "sw.js" || name.ends_with(".webmanifest") {
        vec![CacheDirective::NoCache]
    } else {
        vec![CacheDirective::Public, CacheDirective::MaxAge(3600)]
    };
    HeaderValue::from_str(&CacheControl(directives).to_string()).expect("valid header")
}

/// `name-0123456789abcdef.ext` (what `cargo xtask web` writes) is content-addressed.
fn is_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("");
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed("app-0123456789abcdef.js"));
        assert!(is_hashed("app-0123456789abcdef.wasm"));
        assert!(!is_hashed("index.html"));
        assert!(!is_hashed("icon-192.png"));
    }

    #[test]
    fn encodings_respect_q_values() {
        assert!(accepts_encoding("gzip, deflate, br", "br"));
        assert!(accepts_encoding("br;q=0.5", "br"));
        assert!(!accepts_encoding("br;q=0, gzip", "br"));
        assert!(accepts_encoding("br;q=0, gzip", "gzip"));
        assert!(!accepts_encoding("brotli", "br"));
        assert!(accepts_encoding("BR", "br"));
    }

    #[test]
    fn inline_scripts_are_allowed_by_their_hash() {
        use base64::Engine as _;
        use sha2::{Digest, Sha256};
        let hash = |text: &str| {
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
        };
        let html = "<!doctype html><script type=\"module\">\r\nimport init from \"/app.js\";\r\n</script>\
            <script src=\"/other.js\"></script><SCRIPT>a()</SCRIPT>";
        assert_eq!(
            policy_for(html),
            format!(
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-{}' 'sha256-{}'; \
                 style-src 'self'; img-src 'self' blob:; connect-src 'self'; object-src 'none'; \
                 base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
                hash("\nimport init from \"/app.js\";\n"),
                hash("a()")
            )
        );
        // A page without inline scripts gets the plain policy; a cut-off tag is no script.
        assert_eq!(policy_for("<p>hi</p><script>never closed"), POLICY);
    }

    #[test]
    fn unsafe_paths_are_refused() {
        let root = Path::new("/srv/web");
        assert_eq!(
            safe_join(root, "a/b.js"),
            Some(PathBuf::from("/srv/web/a/b.js"))
        );
        assert_eq!(safe_join(root, "../etc/passwd"), None);
        assert_eq!(safe_join(root, ".git/config"), None);
        assert_eq!(safe_join(root, "a\\..\\b"), None);
    }
}

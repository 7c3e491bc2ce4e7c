//! QR codes drawn in the app: the redemption's token (`JF1.<nonce>.<mac>`, 69 characters)
//! becomes a module matrix (the `qrcode` crate, without its image renderers) and that matrix
//! one SVG path, a row's run of dark modules at a time. No image is made and nothing leaves
//! the phone.

use leptos::prelude::*;
use qrcode::{Color, EcLevel, QrCode};

/// The quiet zone around the code, in modules (the standard asks for 4).
pub const QUIET_MODULES: usize = 4;

/// A code's matrix as an SVG path in module units (`M x y h n v 1 h -n z` per run of dark
/// modules), and the side of the whole picture with the quiet zone; `None` when `text` does
/// not fit in a QR code.
pub fn path_of(text: &str) -> Option<(String, usize)> {
    // Level M: survives a scratched screen or glare (15 %), still a small code for 69
    // characters (version 4, 33×33).
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let mut path = String::with_capacity(width * width);
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                let run = x - start;
                let (px, py) = (start + QUIET_MODULES, y + QUIET_MODULES);
                path.push_str(&format!("M{px} {py}h{run}v1h-{run}z"));
            } else {
                x += 1;
            }
        }
    }
    Some((path, width + 2 * QUIET_MODULES))
}

/// `text` as a QR code: black on white, square, as large as its box (CSS sizes it), crisp
/// at any size (`shape-rendering: crispEdges`).
#[component]
pub fn QrImage(
    #[prop(into)] text: String,
    #[prop(into)] label: Signal<String>,
    testid: &'static str,
) -> impl IntoView {
    let (path, side) = path_of(&text).unwrap_or_default();
    view! {
        <svg
            class="qr-image"
            viewBox=format!("0 0 {side} {side}")
            role="img"
            aria-label=move || label.get()
            shape-rendering="crispEdges"
            data-testid=testid
        >
            <rect width=side.to_string() height=side.to_string() fill="#fff" />
            <path d=path fill="#000" />
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_becomes_one_path_with_a_quiet_zone() {
        let token = format!(
            "JF1.{}.{}",
            "0123456789abcdef".repeat(2),
            "fedcba9876543210".repeat(2)
        );
        assert_eq!(token.len(), 69);
        let (path, side) = path_of(&token).unwrap();
        // Version 4 at level M (33 modules: the encoder packs runs of digits tightly), plus 4
        // of quiet zone on each side.
        assert_eq!(side, 33 + 2 * QUIET_MODULES);
        // The top-left finder pattern starts at the quiet zone: a run of 7 dark modules.
        assert!(path.starts_with("M4 4h7v1h-7z"), "{}", &path[..40]);
        // Every run lies inside the code.
        for run in path.split('z').filter(|r| !r.is_empty()) {
            let (at, rest) = run[1..].split_once('h').unwrap();
            let (x, y) = at.split_once(' ').unwrap();
            let n: usize = rest.split_once('v').unwrap().0.parse().unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            assert!(x >= QUIET_MODULES && x + n <= side - QUIET_MODULES);
            assert!(y >= QUIET_MODULES && y < side - QUIET_MODULES);
        }
    }

    #[test]
    fn too_much_text_is_refused_not_panicked_on() {
        assert!(path_of(&"x".repeat(4000)).is_none());
    }
}

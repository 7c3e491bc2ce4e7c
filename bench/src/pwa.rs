//! The PWA's weight and its first load on a slow phone.
//!
//! Sizes are read from the build (`cargo xtask web` writes each file with its `.gz` and `.br`
//! copies, which `jifen serve` sends as they are): the wasm, the JS glue, the CSS and the
//! first load (what `index.html` pulls in before anything shows: itself, the JS, the wasm and
//! the CSS). The load itself is measured in Chromium by `e2e/bench/pwa-load.mjs`.

use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, bail};
use serde::Deserialize;

/// One file's bytes as built, gzip'd and brotli'd.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

impl std::ops::AddAssign for Sizes {
    fn add_assign(&mut self, o: Sizes) {
        self.raw += o.raw;
        self.gzip += o.gzip;
        self.brotli += o.brotli;
    }
}

/// The build's weight.
#[derive(Debug, Clone, Default)]
pub struct Weight {
    pub wasm: Sizes,
    pub js: Sizes,
    pub css: Sizes,
    /// index.html + JS + wasm + CSS.
    pub first_load: Sizes,
}

/// Reads the sizes of the build in `web_dir` (the files `index.html` names).
///
/// Errors: no build there (`cargo xtask web`), or a file without its compressed copies.
pub fn weight(web_dir: &Path) -> anyhow::Result<Weight> {
    let index = std::fs::read_to_string(web_dir.join("index.html"))
        .with_context(|| format!("no PWA build in {}: cargo xtask web", web_dir.display()))?;
    let named = |prefix: &str, ext: &str| -> anyhow::Result<String> {
        index
            .split(['"', '\'', ' ', '(', ')'])
            .map(|s| s.trim_start_matches('/'))
            .find(|s| s.starts_with(prefix) && s.ends_with(ext))
            .map(str::to_owned)
            .with_context(|| format!("index.html names no {prefix}…{ext}"))
    };
    let sizes = |name: &str| -> anyhow::Result<Sizes> {
        let len = |n: String| {
            std::fs::metadata(web_dir.join(&n))
                .map(|m| m.len())
                .with_context(|| format!("{n} in {}", web_dir.display()))
        };
        Ok(Sizes {
            raw: len(name.to_owned())?,
            gzip: len(format!("{name}.gz"))?,
            brotli: len(format!("{name}.br"))?,
        })
    };
    let mut w = Weight {
        wasm: sizes(&named("app-", ".wasm")?)?,
        js: sizes(&named("app-", ".js")?)?,
        css: sizes(&named("style-", ".css")?)?,
        first_load: sizes("index.html")?,
    };
    w.first_load += w.wasm;
    w.first_load += w.js;
    w.first_load += w.css;
    Ok(w)
}

/// What `pwa-load.mjs` measured.
#[derive(Debug, Clone, Deserialize)]
pub struct Load {
    /// First contentful paint, ms after navigation start.
    pub fcp_ms: Option<f64>,
    /// The home screen shows the balance, ms after navigation start.
    pub usable_ms: f64,
    /// Transferred, headers included.
    pub bytes: u64,
    pub requests: u64,
}

/// Runs `e2e/bench/pwa-load.mjs` against the server at `url` as the villager with this
/// national `phone` (whose SMS code the server writes to `log`).
///
/// Errors: node or Playwright missing (`npm ci` in e2e), Chromium missing, the page never
/// showing the balance within 2 minutes.
pub async fn load(e2e_dir: &Path, url: &str, phone: &str, log: &Path) -> anyhow::Result<Load> {
    let output = tokio::process::Command::new("node")
        .current_dir(e2e_dir)
        .arg("bench/pwa-load.mjs")
        .arg(url)
        .arg(phone)
        .arg(log)
        .stderr(Stdio::inherit())
        .output()
        .await
        .context("running node (e2e/bench/pwa-load.mjs)")?;
    if !output.status.success() {
        bail!("e2e/bench/pwa-load.mjs failed ({})", output.status);
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().last().unwrap_or_default();
    serde_json::from_str(line).with_context(|| format!("pwa-load.mjs printed {text:?}"))
}

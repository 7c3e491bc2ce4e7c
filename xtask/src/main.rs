//! `cargo xtask web`: builds the PWA into `app/dist`; `cargo xtask bench`: the benchmarks
//! (see [`bench`] at the end and the `jifen-bench` crate).
//!
//! The PWA build:
//! 1. `cargo build -p jifen-app --lib --target wasm32-unknown-unknown --profile wasm-release`
//!    (size-optimised: opt-level z, LTO, one codegen unit, panic=abort; `--dev` uses the dev
//!    profile instead, fast to build, large);
//! 2. wasm-bindgen (the `wasm-bindgen-cli-support` crate, pinned to the version in Cargo.lock)
//!    generates the JS glue for the `web` target;
//! 3. `wasm-opt -Oz` from the npm package `binaryen` (installed into `app/node_modules` by
//!    `npm ci` when missing; Debian's binaryen 108 produces a wasm that fails at start);
//! 4. content-hashed names (`app-<16 hex>.wasm|js`, `style-<16 hex>.css`) so the server can
//!    mark them immutable; `index.html` and `sw.js` are filled in with those names; the
//!    previous release's hashed files are kept for one more build (phones mid-upgrade);
//! 5. a `.br` (quality 11) and `.gz` (level 9) copy of every text and wasm file, served as is
//!    by `jifen serve` to clients that accept them;
//! 6. prints the sizes (raw, gzip, brotli) and the first-load total.
//!
//! Nothing is downloaded but crates and the npm package; no prebuilt binary.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use sha2::{Digest, Sha256};

#[derive(Parser)]
#[command(name = "xtask", about = "Jifen's build tasks")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Build the PWA into app/dist (served by `jifen serve`).
    Web {
        /// Use the dev profile and skip wasm-opt (fast, large; for working on the app).
        #[arg(long)]
        dev: bool,
        /// Output directory (default: app/dist).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Build the release binaries and the PWA, then run the benchmarks on SQLite and (with a
    /// PostgreSQL server) PostgreSQL, writing the table into docs/benchmarks.md.
    Bench {
        /// The seconds-long smoke version (CI): debug build, tiny county, output to
        /// target/bench-smoke.md unless --out says otherwise.
        #[arg(long)]
        smoke: bool,
        /// PostgreSQL server (`postgres://user@host:port/db`); default: $JIFEN_TEST_POSTGRES_URL.
        #[arg(long)]
        postgres: Option<String>,
        /// Where the table goes (default: docs/benchmarks.md).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Only the history-depth run (its own table in the file).
        #[arg(long)]
        only_depth: bool,
    },
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Task::Web { dev, out } => {
            let root = workspace_root();
            build_web(&root, dev, &out.unwrap_or_else(|| root.join("app/dist")))
        }
        Task::Bench {
            smoke,
            postgres,
            out,
            only_depth,
        } => bench(&workspace_root(), smoke, postgres, out, only_depth),
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

fn build_web(root: &Path, dev: bool, out: &Path) -> Result<()> {
    let profile = if dev { "dev" } else { "wasm-release" };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(&cargo).current_dir(root).args([
        "build",
        "-p",
        "jifen-app",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        profile,
    ]))?;
    let target_dir =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let profile_dir = if dev { "debug" } else { "wasm-release" };
    let wasm = target_dir
        .join("wasm32-unknown-unknown")
        .join(profile_dir)
        .join("jifen_app.wasm");

    let staging = target_dir.join("xtask-web");
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging)?;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .web(true)?
        .typescript(false)
        .out_name("app")
        .generate(&staging)
        .context("wasm-bindgen")?;
    let bindgen_wasm = staging.join("app_bg.wasm");
    let final_wasm = if dev {
        bindgen_wasm
    } else {
        let optimised = staging.join("app_opt.wasm");
        wasm_opt(root, &bindgen_wasm, &optimised)?;
        optimised
    };

    prepare_out_dir(out)?;
    let app_dir = root.join("app");
    let wasm_name = write_hashed(out, "app", "wasm", &std::fs::read(&final_wasm)?)?;
    let js_name = write_hashed(out, "app", "js", &std::fs::read(staging.join("app.js"))?)?;
    let css_name = write_hashed(
        out,
        "style",
        "css",
        &std::fs::read(app_dir.join("style.css"))?,
    )?;

    let index = std::fs::read_to_string(app_dir.join("index.html"))?
        .replace("{{CSS}}", &css_name)
        .replace("{{JS}}", &js_name)
        .replace("{{WASM}}", &wasm_name);
    std::fs::write(out.join("index.html"), &index)?;

    let mut statics = Vec::new();
    for entry in std::fs::read_dir(app_dir.join("static"))? {
        let entry = entry?;
        let name = entry
            .file_name()
            .into_string()
            .map_err(|n| anyhow::anyhow!("bad file name {n:?}"))?;
        std::fs::copy(entry.path(), out.join(&name))?;
        statics.push(name);
    }
    statics.sort();

    let mut shell = vec!["/".to_owned(), "/index.html".to_owned()];
    shell.extend(
        [&js_name, &wasm_name, &css_name]
            .iter()
            .map(|n| format!("/{n}")),
    );
    shell.extend(statics.iter().map(|n| format!("/{n}")));
    // The service worker changes whenever any file of the shell does, so clients pick up a
    // new icon or manifest too, not only new code.
    let mut shell_bytes = index.clone().into_bytes();
    for name in &statics {
        shell_bytes.extend(std::fs::read(out.join(name))?);
    }
    let version = short_hash(&shell_bytes);
    let sw = std::fs::read_to_string(app_dir.join("sw.js"))?
        .replace("{{VERSION}}", &version)
        .replace("{{SHELL}}", &serde_json::to_string(&shell)?);
    std::fs::write(out.join("sw.js"), sw)?;

    let mut report = String::new();
    let mut first_load = (0usize, 0usize, 0usize);
    writeln!(report, "PWA built into {} ({profile}):", out.display())?;
    writeln!(
        report,
        "{:<34} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip", "brotli"
    )?;
    let mut names: Vec<String> = std::fs::read_dir(out)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    names.sort();
    for name in names {
        let previous_release = (name.starts_with("app-") || name.starts_with("style-"))
            && ![&js_name, &wasm_name, &css_name].contains(&&name);
        if previous_release
            || name.ends_with(".png")
            || name.ends_with(".br")
            || name.ends_with(".gz")
        {
            continue; // already compressed
        }
        let bytes = std::fs::read(out.join(&name))?;
        let gz = gzip(&bytes)?;
        let br = brotli(&bytes)?;
        std::fs::write(out.join(format!("{name}.gz")), &gz)?;
        std::fs::write(out.join(format!("{name}.br")), &br)?;
        writeln!(
            report,
            "{name:<34} {:>10} {:>10} {:>10}",
            kib(bytes.len()),
            kib(gz.len()),
            kib(br.len())
        )?;
        if [&js_name, &wasm_name, &css_name, "index.html"].contains(&name.as_str()) {
            first_load.0 += bytes.len();
            first_load.1 += gz.len();
            first_load.2 += br.len();
        }
    }
    writeln!(
        report,
        "{:<34} {:>10} {:>10} {:>10}",
        "first load (html+js+wasm+css)",
        kib(first_load.0),
        kib(first_load.1),
        kib(first_load.2)
    )?;
    print!("{report}");
    std::io::stdout().flush()?;
    Ok(())
}

/// Empties `out` for a new build, except the hashed assets the current `index.html` refers to:
/// a phone that loaded the previous release a moment ago can still fetch its wasm. Refuses a
/// directory that looks like a source tree.
fn prepare_out_dir(out: &Path) -> Result<()> {
    if out.join("Cargo.toml").exists() || out.join(".git").exists() {
        bail!(
            "refusing to clear {}: it looks like a source tree",
            out.display()
        );
    }
    std::fs::create_dir_all(out)?;
    let previous = std::fs::read_to_string(out.join("index.html")).unwrap_or_default();
    for entry in std::fs::read_dir(out)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let asset = name.trim_end_matches(".br").trim_end_matches(".gz");
        let keep =
            (asset.starts_with("app-") || asset.starts_with("style-")) && previous.contains(asset);
        if !keep {
            if entry.file_type()?.is_dir() {
                std::fs::remove_dir_all(entry.path())?;
            } else {
                std::fs::remove_file(entry.path())?;
            }
        }
    }
    Ok(())
}

fn kib(n: usize) -> String {
    format!("{:.1} KiB", n as f64 / 1024.0)
}

fn short_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Writes `bytes` as `<stem>-<hash>.<ext>` and returns that name.
fn write_hashed(dir: &Path, stem: &str, ext: &str, bytes: &[u8]) -> Result<String> {
    let name = format!("{stem}-{}.{ext}", short_hash(bytes));
    std::fs::write(dir.join(&name), bytes)?;
    Ok(name)
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?)
}

fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

/// Runs binaryen's `wasm-opt -Oz` from `app/node_modules`, installing it with `npm ci` first
/// when it is missing.
fn wasm_opt(root: &Path, input: &Path, output: &Path) -> Result<()> {
    let app = root.join("app");
    let bin = app.join("node_modules/.bin/wasm-opt");
    if !bin.exists() {
        run(Command::new("npm")
            .current_dir(&app)
            .args(["ci", "--no-audit", "--no-fund"]))
        .context("installing binaryen (wasm-opt) with npm")?;
    }
    // The features rustc's wasm32 target emits by default, so wasm-opt keeps them.
    run(Command::new(&bin).arg(input).arg("-o").arg(output).args([
        "-Oz",
        "--enable-bulk-memory",
        "--enable-sign-ext",
        "--enable-mutable-globals",
        "--enable-nontrapping-float-to-int",
        "--enable-reference-types",
        "--enable-multivalue",
    ]))
}

/// `cargo xtask bench`: builds the PWA (release; a smoke run reuses an existing build), the
/// `jifen` server and `jifen-bench` (release; debug for a smoke run), installs the e2e
/// directory's Playwright when missing, and runs `jifen-bench` from the workspace root.
fn bench(
    root: &Path,
    smoke: bool,
    postgres: Option<String>,
    out: Option<PathBuf>,
    only_depth: bool,
) -> Result<()> {
    let dist = root.join("app/dist");
    if !smoke || !dist.join("index.html").is_file() {
        build_web(root, false, &dist)?;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(&cargo);
    build
        .current_dir(root)
        .args(["build", "-p", "jifen-server", "-p", "jifen-bench", "--bins"]);
    if !smoke {
        build.arg("--release");
    }
    run(&mut build)?;
    let e2e = root.join("e2e");
    if !e2e.join("node_modules/@playwright/test").is_dir() {
        run(Command::new("npm")
            .current_dir(&e2e)
            .args(["ci", "--no-audit", "--no-fund"]))
        .context("installing Playwright with npm in e2e")?;
    }
    let target_dir =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let bin = target_dir.join(if smoke { "debug" } else { "release" });
    let out = out.unwrap_or_else(|| {
        if smoke {
            target_dir.join("bench-smoke.md")
        } else {
            root.join("docs/benchmarks.md")
        }
    });
    let mut command = Command::new(bin.join("jifen-bench"));
    command
        .current_dir(root)
        .arg("--jifen")
        .arg(bin.join("jifen"))
        .arg("--out")
        .arg(out);
    if smoke {
        command.arg("--smoke");
    }
    if only_depth {
        command.arg("--only-depth");
    }
    if let Some(url) = postgres.or_else(|| std::env::var("JIFEN_TEST_POSTGRES_URL").ok()) {
        command.arg("--postgres").arg(url);
    }
    run(&mut command)
}

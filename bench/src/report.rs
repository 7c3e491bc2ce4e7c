//! The run as markdown: the machine, the targets met or not, then one table per part (see the
//! crate docs), and writing it between the markers of `docs/benchmarks.md`.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;

use crate::load::{Measured, Workload};
use crate::pwa::{Sizes, Weight};
use crate::{DbRun, Shape};

/// The targets of issue 8, on this 2-core machine.
const REDEMPTION_RATIO: f64 = 0.5;
const READS_PER_SECOND: f64 = 10_000.0;
const READ_P99_MS: f64 = 10.0;
const IDLE_RSS_KIB: u64 = 60 * 1024;
const WASM_BROTLI: u64 = 150 * 1024;
const FIRST_LOAD_BROTLI: u64 = 300 * 1024;
const USABLE_MS: f64 = 2500.0;

pub const BEGIN: &str = "<!-- bench:begin (written by `cargo xtask bench`; edit outside) -->";
pub const END: &str = "<!-- bench:end -->";
/// The markers of the history-depth run ([`depth_markdown`]; `cargo xtask bench --only-depth`
/// rewrites only these).
pub const DEPTH_BEGIN: &str =
    "<!-- bench:depth:begin (written by `cargo xtask bench`; edit outside) -->";
pub const DEPTH_END: &str = "<!-- bench:depth:end -->";
/// The target of the history-depth ratio (issue "Fast at any history").
const DEPTH_RATIO: f64 = 1.5;

fn mark(ok: bool) -> &'static str {
    if ok { "✅ met" } else { "❌ missed" }
}

/// `12,345`.
fn thousands(n: f64) -> String {
    let s = format!("{:.0}", n.round());
    let (sign, digits) = s.split_at(usize::from(s.starts_with('-')));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}")
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.1}")
    }
}

fn ceiling_at(run: &DbRun, clients: usize) -> f64 {
    run.ceiling
        .iter()
        .find(|(c, _)| *c == clients)
        .map_or(f64::NAN, |(_, t)| *t)
}

/// A flow's write requests/s over the ceiling's transactions/s at the same clients.
fn ratio(run: &DbRun, clients: usize, m: &Measured) -> f64 {
    m.per_second() / ceiling_at(run, clients)
}

fn machine() -> String {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem_kib: u64 = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    let kernel = read("/proc/sys/kernel/osrelease").trim().to_owned();
    let output = |cmd: &str, args: &[&str]| {
        std::process::Command::new(cmd)
            .args(args)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    format!(
        "{cores} cores ({cpu}), {:.1} GiB, Linux {kernel}; {}; release build of {} ({})",
        mem_kib as f64 / 1024.0 / 1024.0,
        output("rustc", &["-V"]),
        output("git", &["rev-parse", "--short", "HEAD"]),
        output("chromium", &["--version"]),
    )
}

/// The whole run as markdown.
pub fn markdown(shape: &Shape, runs: &[DbRun], weight: &Weight) -> String {
    let mut o = String::new();
    let now = jiff::Timestamp::now();
    let _ = writeln!(
        o,
        "## Run of {} UTC{}\n",
        now.strftime("%Y-%m-%d %H:%M"),
        if shape.smoke {
            " — smoke (seconds-long; the figures mean nothing)"
        } else {
            ""
        }
    );
    let _ = writeln!(o, "Machine: {}.\n", machine());
    for r in runs {
        let _ = writeln!(o, "- {}: {}.", r.version, r.durability);
    }
    if runs.len() < 2 {
        let _ = writeln!(o, "- PostgreSQL: not measured (no `--postgres`).");
    }
    let mid = shape.scale_clients;
    let reads = shape.read_clients;

    // Targets.
    let _ = writeln!(o, "\n### Targets\n");
    let _ = writeln!(o, "| target | goal | {} |", names(runs));
    let _ = writeln!(o, "| --- | --- |{}", " --- |".repeat(runs.len()));
    let row = |o: &mut String, what: &str, goal: &str, cells: Vec<String>| {
        let _ = writeln!(o, "| {what} | {goal} | {} |", cells.join(" | "));
    };
    row(
        &mut o,
        &format!("reserve → fulfil at {mid} clients vs the database's ceiling"),
        "≥ 50 %",
        runs.iter()
            .map(|r| {
                let m = &r.county.redemptions;
                let x = ratio(r, mid, m);
                format!("{:.0} % {}", x * 100.0, mark(x >= REDEMPTION_RATIO))
            })
            .collect(),
    );
    row(
        &mut o,
        &format!("reads at {reads} clients (slowest of the four)"),
        "≥ 10,000/s, p99 ≤ 10 ms",
        runs.iter()
            .map(|r| {
                let rate = r
                    .county
                    .reads
                    .iter()
                    .map(|(_, m)| m.per_second())
                    .fold(f64::INFINITY, f64::min);
                let p99 = r
                    .county
                    .reads
                    .iter()
                    .map(|(_, m)| m.p99)
                    .fold(0.0, f64::max);
                format!(
                    "{}/s, p99 {} ms {}",
                    thousands(rate),
                    ms(p99),
                    mark(rate >= READS_PER_SECOND && p99 <= READ_P99_MS)
                )
            })
            .collect(),
    );
    row(
        &mut o,
        "server memory idle (RSS)",
        "≤ 60 MiB",
        runs.iter()
            .map(|r| {
                format!(
                    "{} {}",
                    mib(r.county.idle_rss_kib),
                    mark(r.county.idle_rss_kib <= IDLE_RSS_KIB)
                )
            })
            .collect(),
    );
    let same = |cell: String| vec![cell; runs.len()];
    row(
        &mut o,
        "wasm, brotli",
        "≤ 150 KiB",
        same(format!(
            "{} {}",
            kib(weight.wasm.brotli),
            mark(weight.wasm.brotli <= WASM_BROTLI)
        )),
    );
    row(
        &mut o,
        "first load (html + JS + wasm + CSS), brotli",
        "≤ 300 KiB",
        same(format!(
            "{} {}",
            kib(weight.first_load.brotli),
            mark(weight.first_load.brotli <= FIRST_LOAD_BROTLI)
        )),
    );
    if let Some(p) = runs.iter().find_map(|r| r.pwa.as_ref()) {
        row(
            &mut o,
            "home screen usable, slow 4G and 4× CPU",
            "≤ 2.5 s",
            same(format!(
                "{:.2} s {}",
                p.usable_ms / 1000.0,
                mark(p.usable_ms <= USABLE_MS)
            )),
        );
    }

    // 1. Ceiling.
    let _ = writeln!(
        o,
        "\n### 1. The database's own ceiling\n\nSingle-row insert-and-commit transactions per \
         second through sqlx, on the server's own pools and settings ({}s per point).\n",
        shape.ceiling_time.as_secs_f64()
    );
    let _ = writeln!(o, "| clients | {} |", names(runs));
    let _ = writeln!(o, "| --- |{}", " ---: |".repeat(runs.len()));
    for &c in &shape.clients {
        let cells: Vec<String> = runs
            .iter()
            .map(|r| format!("{} tx/s", thousands(ceiling_at(r, c))))
            .collect();
        let _ = writeln!(o, "| {c} | {} |", cells.join(" | "));
    }

    // 2. Flows.
    let _ = writeln!(
        o,
        "\n### 2. Write flows over HTTP\n\n{} s per point after all clients started; each round is \
         two write requests (one transaction each); latency over both; ratio = write requests/s ÷ \
         the ceiling's tx/s at the same clients.\n",
        shape.load_time.as_secs()
    );
    for r in runs {
        let _ = writeln!(o, "{}:\n", r.name);
        let _ = writeln!(
            o,
            "| flow | clients | rounds/s | requests/s | p50 ms | p95 ms | p99 ms | errors | ceiling tx/s | ratio |"
        );
        let _ = writeln!(
            o,
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
        for (w, c, m) in &r.flows {
            let _ = writeln!(
                o,
                "| {} | {c} | {} | {} | {} | {} | {} | {} | {} | {:.0} % |",
                w.label(),
                thousands(m.per_second() / w.requests_per_round() as f64),
                thousands(m.per_second()),
                ms(m.p50),
                ms(m.p95),
                ms(m.p99),
                m.errors,
                thousands(ceiling_at(r, *c)),
                ratio(r, *c, m) * 100.0
            );
        }
        let _ = writeln!(o);
    }

    // 3. Reads.
    let _ = writeln!(o, "### 3. Reads at {reads} clients\n");
    let _ = writeln!(
        o,
        "| read | {} |",
        runs.iter()
            .map(|r| format!("{0} req/s | {0} p50 ms | {0} p99 ms | {0} errors", r.name))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(
        o,
        "| --- |{}",
        " ---: | ---: | ---: | ---: |".repeat(runs.len())
    );
    for (i, w) in Workload::READS.iter().enumerate() {
        let cells: Vec<String> = runs
            .iter()
            .map(|r| {
                let m = &r.county.reads[i].1;
                format!(
                    "{} | {} | {} | {}",
                    thousands(m.per_second()),
                    ms(m.p50),
                    ms(m.p99),
                    m.errors
                )
            })
            .collect();
        let _ = writeln!(o, "| {} | {} |", w.label(), cells.join(" | "));
    }

    // 4. Memory.
    let _ = writeln!(o, "\n### 4. Server memory (RSS of `jifen serve`)\n");
    let _ = writeln!(o, "| | {} |", names(runs));
    let _ = writeln!(o, "| --- |{}", " ---: |".repeat(runs.len()));
    let cells = |f: &dyn Fn(&DbRun) -> String| runs.iter().map(f).collect::<Vec<_>>().join(" | ");
    let _ = writeln!(
        o,
        "| idle, after start | {} |",
        cells(&|r| mib(r.county.idle_rss_kib))
    );
    let _ = writeln!(
        o,
        "| peak, after every load | {} |",
        cells(&|r| mib(r.peak_rss_kib))
    );

    // 5. Scale.
    if runs
        .iter()
        .any(|r| r.national.is_some() || r.large.is_some())
    {
        let _ = writeln!(o, "\n### 5. Scale\n");
        let _ = writeln!(o, "| | {} |", names(runs));
        let _ = writeln!(o, "| --- |{}", " ---: |".repeat(runs.len()));
        let _ = writeln!(
            o,
            "| national import (`jifen import-divisions`, 5 files) | {} |",
            cells(&|r| r
                .national
                .as_ref()
                .map_or("—".into(), |(rows, t, _)| format!(
                    "{:.1} s → {} regions",
                    t.as_secs_f64(),
                    thousands(*rows as f64)
                )))
        );
        let _ = writeln!(
            o,
            "| region tree at {reads} clients, county only → national | {} |",
            cells(&|r| match &r.national {
                Some((_, _, after)) => {
                    let before = &r.county.reads[3].1;
                    format!(
                        "{}/s p99 {} ms → {}/s p99 {} ms",
                        thousands(before.per_second()),
                        ms(before.p99),
                        thousands(after.per_second()),
                        ms(after.p99)
                    )
                }
                None => "—".into(),
            })
        );
        let _ = writeln!(
            o,
            "| seed-demo, county of {} → {} villagers | {} |",
            thousands(runs[0].county.villagers as f64),
            runs[0]
                .large
                .as_ref()
                .map_or("—".into(), |l| thousands(l.villagers as f64)),
            cells(&|r| format!(
                "{:.1} s → {}",
                r.county.seed_time.as_secs_f64(),
                r.large.as_ref().map_or("—".into(), |l| format!(
                    "{:.1} s",
                    l.seed_time.as_secs_f64()
                ))
            ))
        );
        // Each read by its index, then the redemptions.
        let mut lines: Vec<(String, Option<usize>)> = Workload::READS
            .iter()
            .enumerate()
            .map(|(i, w)| (format!("{} at {reads} clients", w.label()), Some(i)))
            .collect();
        lines.push((format!("reserve → fulfil at {mid} clients"), None));
        let pick = |c: &crate::County, i: Option<usize>| match i {
            Some(i) => c.reads[i].1.clone(),
            None => c.redemptions.clone(),
        };
        for (what, i) in &lines {
            let _ = writeln!(
                o,
                "| {what}: p50 / p99 ms, 25k → 250k villagers | {} |",
                cells(&|r| match &r.large {
                    Some(l) => {
                        let (a, b) = (pick(&r.county, *i), pick(l, *i));
                        format!(
                            "{} / {} → {} / {} ({}/s → {}/s)",
                            ms(a.p50),
                            ms(a.p99),
                            ms(b.p50),
                            ms(b.p99),
                            thousands(a.per_second()),
                            thousands(b.per_second())
                        )
                    }
                    None => "—".into(),
                })
            );
        }
    }

    // 6. PWA.
    let _ = writeln!(o, "\n### 6. The PWA\n");
    let _ = writeln!(o, "| file | raw | gzip | brotli |");
    let _ = writeln!(o, "| --- | ---: | ---: | ---: |");
    let size_row = |o: &mut String, what: &str, s: &Sizes| {
        let _ = writeln!(
            o,
            "| {what} | {} | {} | {} |",
            kib(s.raw),
            kib(s.gzip),
            kib(s.brotli)
        );
    };
    size_row(&mut o, "wasm", &weight.wasm);
    size_row(&mut o, "JS glue", &weight.js);
    size_row(&mut o, "CSS", &weight.css);
    size_row(
        &mut o,
        "first load (html + JS + wasm + CSS)",
        &weight.first_load,
    );
    if let Some(p) = runs.iter().find_map(|r| r.pwa.as_ref()) {
        let _ = writeln!(
            o,
            "\nA signed-in villager opens the app with an empty cache in headless Chromium \
             (360×640), network at Lighthouse's slow 4G (150 ms RTT, 1.6 Mbps down, 750 Kbps \
             up) and CPU slowed 4× (Chrome DevTools Protocol): first contentful paint {}, home \
             screen usable (balance shown) {:.2} s, {} requests, {} transferred (headers \
             included; the server's brotli copies).",
            p.fcp_ms
                .map_or("—".into(), |f| format!("{:.2} s", f / 1000.0)),
            p.usable_ms / 1000.0,
            p.requests,
            kib(p.bytes)
        );
    }
    o
}

/// The history-depth run ([`crate::depth`]): per database and read, the p50 at few and at many
/// transfers per villager, and their ratio against the target.
pub fn depth_markdown(shape: &Shape, runs: &[crate::depth::Depth]) -> String {
    let mut o = String::new();
    let [few, many] = crate::depth::depths(shape);
    let _ = writeln!(
        o,
        "### History depth\n\nOne village of {} villagers with {few} and then {} transfers \
         each (seeded in the database, spread over three years), the reads at {} clients for \
         {} s. The figure is p50 at {many} over p50 at {few}; target ≤ {DEPTH_RATIO}.{}\n",
        thousands(runs.first().map_or(0, |r| r.villagers) as f64),
        thousands(many as f64),
        shape.read_clients,
        shape.load_time.as_secs(),
        if shape.smoke {
            " (smoke: the figures mean nothing)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        o,
        "| database | read | req/s at {few} | p50 at {few} (ms) | req/s at {many} | p50 at {many} (ms) | ratio | target |"
    );
    let _ = writeln!(o, "|---|---|---:|---:|---:|---:|---:|---|");
    let mut seeded = Vec::new();
    for run in runs {
        seeded.push(format!("{} {:.0} s", run.name, run.seed_seconds));
        for (workload, a, b) in &run.reads {
            let ratio = crate::depth::Depth::ratio(a, b);
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {ratio:.2} | {} |",
                run.name,
                workload.label(),
                thousands(a.per_second()),
                ms(a.p50),
                thousands(b.per_second()),
                ms(b.p50),
                mark(ratio <= DEPTH_RATIO)
            );
        }
    }
    let _ = writeln!(
        o,
        "\nThe {} transfers per villager were seeded in: {}.\n",
        thousands(many as f64),
        seeded.join(", ")
    );
    o
}

fn names(runs: &[DbRun]) -> String {
    runs.iter().map(|r| r.name).collect::<Vec<_>>().join(" | ")
}

/// Puts `markdown` between the markers `begin` and `end` ([`BEGIN`] and [`END`], or the
/// depth run's) in `path` (appended, with the markers, when they are missing; the file is
/// created when missing).
///
/// Errors: the file cannot be read or written.
pub fn write_between_markers(
    path: &Path,
    (begin, end): (&str, &str),
    markdown: &str,
) -> anyhow::Result<()> {
    let old = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "# Benchmarks\n".into(),
        Err(e) => return Err(e).with_context(|| path.display().to_string()),
    };
    let block = format!("{begin}\n{markdown}{end}");
    let new = match (old.find(begin), old.find(end)) {
        (Some(b), Some(e)) if b < e => format!("{}{block}{}", &old[..b], &old[e + end.len()..]),
        _ => format!("{}\n{block}\n", old.trim_end()),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, new).with_context(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1234.6), "1,235");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
        assert_eq!(thousands(-12_345.0), "-12,345");
    }

    #[test]
    fn the_table_replaces_only_what_is_between_the_markers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("benchmarks.md");
        write_between_markers(&path, (BEGIN, END), "run 1\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("# Benchmarks\n{BEGIN}\nrun 1\n{END}\n")
        );
        let edited = std::fs::read_to_string(&path)
            .unwrap()
            .replace("# Benchmarks\n", "# Benchmarks\n\nIntro.\n")
            + "\n## What limits it\n";
        std::fs::write(&path, edited).unwrap();
        write_between_markers(&path, (BEGIN, END), "run 2\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("# Benchmarks\n\nIntro.\n{BEGIN}\nrun 2\n{END}\n\n## What limits it\n")
        );
    }
}

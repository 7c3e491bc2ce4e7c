//! `jifen-bench`: Jifen's benchmark run, started by `cargo xtask bench` (which builds the
//! release binaries and the PWA first). On SQLite and, when given a server, on PostgreSQL, each
//! in a fresh database:
//!
//! 1. the database's own ceiling: single-row insert-and-commit transactions per second through
//!    sqlx with the server's pools and durability settings ([`ceiling`]), at 1, 16 and 64
//!    concurrent clients;
//! 2. `jifen seed-demo` (the real county, 40 villagers per village: 24,760), then `jifen serve`
//!    and the write flows through HTTP at 1, 16 and 64 clients with goose ([`load`]):
//!    reserve → fulfil, reserve → cancel, claim → approve. Each write request is one
//!    transaction, so the ratio is the flow's requests/s over the ceiling's transactions/s at
//!    the same number of clients, both measured in this run;
//! 3. reads at 64 clients: `GET /me`, the goods list, the village board, the region tree;
//! 4. the server's resident memory idle (after start, before any load) and at its peak;
//! 5. scale: the national division files imported into the running deployment (620,573
//!    villages) and the region tree read again; a second county of 400 villagers per village
//!    (247,600) seeded and the reads and reserve → fulfil at 16 clients repeated beside the
//!    first county's;
//! 6. the PWA's weight and its first load on a slow phone ([`pwa`], on the SQLite server);
//! 7. the history depth ([`depth`]): the board and `GET /me` on a village whose villagers hold
//!    10 and then 1,000 transfers each, seeded in the database; `--only-depth` runs only this
//!    and rewrites only its table.
//!
//! The markdown is printed and written between the `<!-- bench:begin -->` and
//! `<!-- bench:end -->` markers of `--out` (docs/benchmarks.md), whose hand-written analysis
//! around them is kept. `--smoke` is the seconds-long version CI runs so the command keeps
//! working: 2 villages of 4 villagers, 1 and 4 clients, a second per load, no scale section;
//! its figures mean nothing. Nothing here asserts a time: targets are recorded as met or not.

mod ceiling;
mod depth;
mod load;
mod pwa;
mod report;
mod server;
mod setup;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use jifen_server::storage::Db;

use crate::load::{Measured, Workload};
use crate::server::{Database, Server};

#[derive(Parser, Debug)]
#[command(
    name = "jifen-bench",
    about = "Jifen's benchmarks (run by `cargo xtask bench`)"
)]
struct Args {
    /// The `jifen` binary to measure (a release build for recorded figures).
    #[arg(long)]
    jifen: PathBuf,
    /// The PWA build (`cargo xtask web`).
    #[arg(long, default_value = "app/dist")]
    web_dir: PathBuf,
    /// The e2e directory, with Playwright installed (`npm ci`), for the PWA's load.
    #[arg(long, default_value = "e2e")]
    e2e_dir: PathBuf,
    /// A PostgreSQL server, `postgres://user@host:port/db`: each run creates a database of its
    /// own beside `db` and drops it. Without it only SQLite is measured.
    #[arg(long, env = "JIFEN_BENCH_POSTGRES_URL")]
    postgres: Option<String>,
    /// The NBS division files for the national import (skipped when missing).
    #[arg(long, default_value = "../shared/data/divisions")]
    national: PathBuf,
    /// Where the table goes (between its markers); also printed.
    #[arg(long, default_value = "docs/benchmarks.md")]
    out: PathBuf,
    /// The seconds-long smoke version (CI).
    #[arg(long)]
    smoke: bool,
    /// Only the history-depth run ([`depth`]), written between its own markers.
    #[arg(long)]
    only_depth: bool,
}

/// How big and how long, full or smoke.
#[derive(Debug, Clone)]
pub struct Shape {
    pub smoke: bool,
    /// Concurrent clients of the ceiling and the flows.
    pub clients: Vec<usize>,
    /// Clients of the reads.
    pub read_clients: usize,
    /// Clients of the scale comparison's flow.
    pub scale_clients: usize,
    pub ceiling_time: Duration,
    pub load_time: Duration,
    /// `seed-demo --villages` (None: all 619).
    pub villages: Option<usize>,
    pub villagers_per_village: u32,
    /// The large county's villagers per village.
    pub large_villagers_per_village: u32,
}

impl Shape {
    fn new(smoke: bool) -> Shape {
        if smoke {
            Shape {
                smoke,
                clients: vec![1, 4],
                read_clients: 4,
                scale_clients: 4,
                ceiling_time: Duration::from_millis(300),
                load_time: Duration::from_secs(1),
                villages: Some(2),
                villagers_per_village: 4,
                large_villagers_per_village: 4,
            }
        } else {
            Shape {
                smoke,
                clients: vec![1, 16, 64],
                read_clients: 64,
                scale_clients: 16,
                ceiling_time: Duration::from_secs(3),
                load_time: Duration::from_secs(10),
                villages: None,
                villagers_per_village: 40,
                large_villagers_per_village: 400,
            }
        }
    }

    fn max_clients(&self) -> usize {
        self.clients
            .iter()
            .copied()
            .chain([self.read_clients])
            .max()
            .unwrap_or(1)
    }
}

/// One database's figures.
#[derive(Debug, Clone, Default)]
pub struct DbRun {
    pub name: &'static str,
    pub version: String,
    pub durability: String,
    /// (clients, transactions/s).
    pub ceiling: Vec<(usize, f64)>,
    pub county: County,
    pub peak_rss_kib: u64,
    /// (flow, clients, measured).
    pub flows: Vec<(Workload, usize, Measured)>,
    /// The national import: rows, time, and the region tree read on top.
    pub national: Option<(u64, Duration, Measured)>,
    /// The large county (scale).
    pub large: Option<County>,
    pub pwa: Option<pwa::Load>,
}

/// A seeded county and what was read and redeemed in it.
#[derive(Debug, Clone, Default)]
pub struct County {
    pub villagers: usize,
    pub seed_time: Duration,
    /// `jifen serve`'s resident memory after start, before any load (KiB).
    pub idle_rss_kib: u64,
    pub reads: Vec<(Workload, Measured)>,
    /// Reserve → fulfil at [`Shape::scale_clients`].
    pub redemptions: Measured,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let shape = Shape::new(args.smoke);
    let jifen = std::fs::canonicalize(&args.jifen)
        .with_context(|| format!("{}: build it first", args.jifen.display()))?;
    let web_dir = std::fs::canonicalize(&args.web_dir)
        .with_context(|| format!("{}: cargo xtask web", args.web_dir.display()))?;
    let weight = pwa::weight(&web_dir)?;
    let national = args.national.join("villages.csv.gz").is_file().then(|| {
        [
            "provinces.csv",
            "cities.csv",
            "areas.csv",
            "streets.csv.gz",
            "villages.csv.gz",
        ]
        .map(|f| args.national.join(f))
    });

    let mut runs = Vec::new();
    let mut depths = Vec::new();
    let mut backends = vec![None];
    if let Some(url) = &args.postgres {
        backends.push(Some(url.as_str()));
    }
    for postgres in backends {
        let paths = Paths {
            jifen: &jifen,
            web_dir: &web_dir,
            e2e_dir: &args.e2e_dir,
            national: national.as_ref().filter(|_| !shape.smoke),
        };
        if !args.only_depth {
            runs.push(run_database(&shape, &paths, postgres).await?);
        }
        depths.push(depth::run(&shape, &paths, postgres).await?);
    }
    if !args.only_depth {
        let markdown = report::markdown(&shape, &runs, &weight);
        println!("{markdown}");
        report::write_between_markers(&args.out, (report::BEGIN, report::END), &markdown)?;
    }
    let markdown = report::depth_markdown(&shape, &depths);
    println!("{markdown}");
    report::write_between_markers(
        &args.out,
        (report::DEPTH_BEGIN, report::DEPTH_END),
        &markdown,
    )?;
    eprintln!("written to {}", args.out.display());
    Ok(())
}

/// Where the binaries, the PWA and the national files are.
pub struct Paths<'a> {
    pub jifen: &'a std::path::Path,
    pub web_dir: &'a std::path::Path,
    pub e2e_dir: &'a std::path::Path,
    pub national: Option<&'a [PathBuf; 5]>,
}

/// Says what the run is doing (standard error).
pub fn step(what: &str) {
    eprintln!("bench: {what}");
}

/// Everything measured on one database (see the crate docs).
async fn run_database(
    shape: &Shape,
    paths: &Paths<'_>,
    postgres: Option<&str>,
) -> anyhow::Result<DbRun> {
    let name = if postgres.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let database = Database::create(postgres, "county").await?;
    let mut run = DbRun {
        name,
        ..DbRun::default()
    };

    {
        let db = Db::connect(&database.url, Duration::from_secs(10)).await?;
        let d = ceiling::durability(&db).await?;
        (run.version, run.durability) = (d.version, d.settings);
        for &clients in &shape.clients {
            step(&format!("{name}: ceiling at {clients} clients"));
            let tps = ceiling::measure(&db, clients, shape.ceiling_time).await?;
            run.ceiling.push((clients, tps));
        }
        db.close().await;
    }

    let (server, actors);
    (run.county, server, actors) =
        seed_and_serve(shape, paths, &database, shape.villagers_per_village).await?;

    if postgres.is_none() {
        step("PWA first load (Chromium, slow 4G, 4× CPU)");
        let phone = &actors[0].villager_phone;
        run.pwa = Some(pwa::load(paths.e2e_dir, &server.url, phone, &server.log).await?);
    }
    for workload in Workload::FLOWS {
        for &clients in &shape.clients {
            step(&format!(
                "{name}: {} at {clients} clients",
                workload.label()
            ));
            let m = load::attack(&server.url, &actors, workload, clients, shape.load_time).await?;
            run.flows.push((workload, clients, m));
        }
    }
    run.county.reads = reads(shape, &server.url, &actors).await?;
    run.county.redemptions = run
        .flows
        .iter()
        .find(|(w, c, _)| *w == Workload::ReserveFulfil && *c == shape.scale_clients)
        .map(|(_, _, m)| m.clone())
        .unwrap_or_default();

    if let Some(files) = paths.national {
        step(&format!("{name}: national import"));
        let mut args = vec!["import-divisions".to_owned()];
        args.extend(files.iter().map(|f| f.display().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let took = database.run(paths.jifen, paths.web_dir, &args).await?;
        let db = Db::connect(&database.url, Duration::from_secs(10)).await?;
        let rows = jifen_server::regions::storage::count(&db).await? as u64;
        db.close().await;
        let m = load::attack(
            &server.url,
            &actors,
            Workload::RegionTree,
            shape.read_clients,
            shape.load_time,
        )
        .await?;
        run.national = Some((rows, took, m));
    }
    run.peak_rss_kib = server.memory_kib()?.1;
    server.stop().await;
    database.drop_database().await?;

    if !shape.smoke {
        let database = Database::create(postgres, "large").await?;
        let (mut large, server, actors) =
            seed_and_serve(shape, paths, &database, shape.large_villagers_per_village).await?;
        large.reads = reads(shape, &server.url, &actors).await?;
        step(&format!("{name}: large county, reserve → fulfil"));
        large.redemptions = load::attack(
            &server.url,
            &actors,
            Workload::ReserveFulfil,
            shape.scale_clients,
            shape.load_time,
        )
        .await?;
        server.stop().await;
        database.drop_database().await?;
        run.large = Some(large);
    }
    Ok(run)
}

/// `jifen seed-demo` (timed), then `jifen serve` on it (its idle memory read) and the cast of
/// [`Shape::max_clients`] actors made on it.
async fn seed_and_serve(
    shape: &Shape,
    paths: &Paths<'_>,
    database: &Database,
    per_village: u32,
) -> anyhow::Result<(County, Server, Vec<std::sync::Arc<load::Actor>>)> {
    let per_village = per_village.to_string();
    let mut args = vec!["seed-demo", "--villagers-per-village", &per_village];
    let villages = shape.villages.map(|v| v.to_string());
    if let Some(v) = &villages {
        args.extend(["--villages", v]);
    }
    step(&format!("jifen {}", args.join(" ")));
    let seed_time = database.run(paths.jifen, paths.web_dir, &args).await?;
    let server = Server::start(database, paths.jifen, paths.web_dir).await?;
    // Let the start-up settle (pools, first sweep) before reading the idle memory.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let db = Db::connect(&database.url, Duration::from_secs(10)).await?;
    let villagers = jifen_server::auth::storage::count_role(&db, jifen_shared::auth::Role::Villager)
        .await? as usize;
    db.close().await;
    let (idle_rss_kib, _) = server.memory_kib()?;
    let actors = setup::actors(
        &database.url,
        database.data_dir.path(),
        &server.url,
        shape.max_clients(),
    )
    .await?;
    let county = County {
        villagers,
        seed_time,
        idle_rss_kib,
        ..County::default()
    };
    Ok((county, server, actors))
}

/// The four reads at [`Shape::read_clients`].
async fn reads(
    shape: &Shape,
    url: &str,
    actors: &[std::sync::Arc<load::Actor>],
) -> anyhow::Result<Vec<(Workload, Measured)>> {
    let mut out = Vec::new();
    for workload in Workload::READS {
        step(&format!(
            "{} at {} clients",
            workload.label(),
            shape.read_clients
        ));
        let m = load::attack(url, actors, workload, shape.read_clients, shape.load_time).await?;
        out.push((workload, m));
    }
    Ok(out)
}

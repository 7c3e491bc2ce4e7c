//! The `jifen` command line (clap). Every subcommand is safe to run twice.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::regions::import;
use crate::startup::Application;
use crate::storage::{self, Db};

/// Jifen (积分): points-based village governance.
///
/// Configuration comes from `JIFEN_*` environment variables (see README.md), optionally from a
/// TOML file with the same keys.
#[derive(Debug, Parser)]
#[command(name = "jifen", version, about)]
pub struct Cli {
    /// A TOML configuration file (keys as the JIFEN_* variables, lower case, no prefix).
    #[arg(long, global = true, env = "JIFEN_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve the API under /api/v1 and the PWA at /.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Check a database as it is, changing nothing (not even migrating it): that it is a
    /// whole database of this build (every migration applied, none unknown; on SQLite its
    /// pages intact), then the ledger's invariants, printing each one broken: the balances sum
    /// to zero, every account's cached sums equal its transfers, and no account that may not
    /// overdraw is below zero. Run it on a restored backup before serving from it
    /// (docs/deployment.md). Exit status: 0 when all holds, 1 otherwise (an error: 1 too).
    Check,
    /// Load NBS division CSVs (plain or .gz, any level, recognised by the header row).
    ///
    /// With no FILE, loads the bundled 长垣市 (410783) data: its province, prefecture, 19
    /// township-level units and 619 villages. New codes are inserted, renamed ones updated,
    /// identical ones left alone. Malformed rows are reported with their line numbers and
    /// the good rows are still loaded. Every FILE is read before anything is loaded.
    /// Exit status: 0 when every row loaded; 1 when some rows or unrecognised files were
    /// rejected (the rest is loaded), or when a FILE cannot be read (nothing is loaded) or the
    /// database fails (files before the failing one stay loaded; each file is one
    /// transaction); 2 on a usage error.
    ImportDivisions {
        /// CSV files from the NBS set (provinces, cities, areas, streets, villages).
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Create a staff account, or update its password, and grant it a role over a region.
    ///
    /// The role's region must be of the right level: county_admin over a county,
    /// township_admin over a township, village_admin over a village, grid_worker over a grid,
    /// volunteer and keeper over a village or township. Safe to run twice.
    CreateAdmin {
        /// Mobile number (any common form: 138 0013 8000, +86…).
        #[arg(long)]
        phone: String,
        /// At least 8 characters.
        #[arg(long)]
        password: String,
        /// county_admin, township_admin, village_admin, grid_worker, keeper, volunteer.
        #[arg(long)]
        role: String,
        /// The region code the role is over, e.g. 410783.
        #[arg(long)]
        region: String,
        /// Display name for a new account.
        #[arg(long, default_value = "管理员")]
        name: String,
    },
    /// Load a villager CSV (村民名册): columns name, phone, village_code, grid_code,
    /// household, tags.
    ///
    /// A person is recognised by phone, else by village + household + name (a changed phone
    /// updates the person). Bad rows are reported with their line numbers and the good rows
    /// are still loaded; loading the same file twice changes nothing. Exit status: 0 when
    /// every row loaded; 1 when some rows were rejected (the rest is loaded) or the file cannot
    /// be read or is not a villager CSV; 2 on a usage error.
    ImportVillagers {
        /// The CSV file (UTF-8, header row first).
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Load the demo county: 长垣市's real townships and villages with generated grids, staff,
    /// villagers, shops and goods (see `jifen_server::demo`), then print how to sign in as each
    /// role. Deterministic for a seed; running it again changes nothing.
    ///
    /// Every demo phone starts with 100, a block no real mobile number uses.
    SeedDemo {
        /// Seed of the generated people and goods.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Villagers per village (1–9000); 40 gives about 25,000 in the county.
        #[arg(long, default_value_t = crate::demo::DEFAULT_VILLAGERS_PER_VILLAGE)]
        villagers_per_village: u32,
        /// Only this many villages get people and shops, spread over the townships (all 619
        /// when absent; the divisions are always loaded whole).
        #[arg(long)]
        villages: Option<usize>,
        /// The demo staff's password (at least 8 characters).
        #[arg(long, default_value = crate::demo::DEFAULT_PASSWORD)]
        password: String,
    },
    /// Run the background sweeps once, as `serve` does every minute, and print what changed:
    /// redemptions past their expiry lapse, open service orders past their SLA escalate one
    /// level, completed orders left unrated for 7 days are rated 中评, claims waiting longer
    /// than the review time are sent up to the village admins (审核超时).
    ///
    /// Safe beside running servers (a sweep of theirs and this one never act twice on one
    /// row). `--at` sweeps as if it were that time, e.g. to see a test deployment's orders
    /// escalate without waiting for the SLA (the browser journeys do); the changes are real.
    Sweep {
        /// The time to sweep as of (RFC 3339, e.g. 2026-06-01T08:00:00Z); default now.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Drive days of the demo county's life through the HTTP API of a running server (claims
    /// with photos, reviews, redemptions, recycling, service orders and ratings), then check
    /// the ledger's invariants and print a summary per township.
    ///
    /// Runs beside the server with its configuration (same database and signing key). Exit
    /// status: 0 when every answer was as expected and the ledger holds; 1 otherwise.
    Simulate {
        /// The running server.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        /// Days to simulate (1–366).
        #[arg(long, default_value_t = 30)]
        days: u32,
        /// Villages living their day at once (1–1000).
        #[arg(long, default_value_t = 32)]
        concurrency: usize,
        /// Seed of the villagers' choices.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Only the first this many villages with people (code order).
        #[arg(long)]
        villages: Option<usize>,
        /// Another server of the same deployment (repeatable): at the end, every photo
        /// uploaded must be served by it too, byte for byte.
        #[arg(long = "also-url", value_name = "URL")]
        also_urls: Vec<String>,
    },
}

/// How long a command waits for the database before giving up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs the parsed command line. Errors are printed by `main` as one line.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = Settings::load(cli.config.as_deref())?;
    let default_filter = match cli.command {
        Command::Serve => "info,sqlx=warn",
        _ => "warn",
    };
    crate::telemetry::init(settings.log_format, settings.log.as_deref(), default_filter);
    let timeouts = match cli.command {
        Command::Serve => settings.db_timeouts(CONNECT_TIMEOUT),
        _ => storage::Timeouts::batch(CONNECT_TIMEOUT),
    };
    let checking = matches!(cli.command, Command::Check);
    // A backup is checked as it is: not created, not migrated, not turned into a database.
    if checking && let Some(file) = storage::sqlite_file(&settings.database_url) {
        if !file.is_file() {
            anyhow::bail!("{}: no such database file", file.display());
        }
        let mut header = [0u8; 16];
        let read = std::fs::File::open(&file).and_then(|mut f| {
            use std::io::Read;
            f.read_exact(&mut header)
        });
        if read.is_err() || &header != b"SQLite format 3\0" {
            anyhow::bail!("{}: not a SQLite database file", file.display());
        }
        let mut wal = file.clone().into_os_string();
        wal.push("-wal");
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            anyhow::bail!(
                "{}: its latest writes are in {} beside it (copied while a server ran?): check \
                 a copy made with VACUUM INTO (docs/deployment.md)",
                file.display(),
                std::path::Path::new(&wal).display()
            );
        }
    }
    let db = if checking {
        Db::open_to_check(&settings.database_url, CONNECT_TIMEOUT).await?
    } else {
        let db = Db::connect_with(&settings.database_url, &timeouts).await?;
        db.migrate().await?;
        let recount = matches!(cli.command, Command::Serve | Command::Migrate);
        crate::startup::count_figures(&settings, &db, recount).await?;
        db
    };
    match cli.command {
        Command::Migrate => {
            println!(
                "migrations applied to {}",
                crate::storage::redact_url(&settings.database_url)
            );
            db.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve => {
            let app = Application::build(settings, db.clone()).await?;
            // The one line a person needs; logs follow on standard error.
            println!("Jifen is serving on http://{}/", app.addr());
            app.run().await.context("the server stopped")?;
            db.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::CreateAdmin {
            phone,
            password,
            role,
            region,
            name,
        } => {
            let line = create_admin(&db, &phone, password, &role, &region, &name).await?;
            println!("{line}");
            db.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::ImportVillagers { file } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let report =
                crate::people::import::import_villagers(&db, &bytes, None, &|_| true).await?;
            let name = file.display();
            println!(
                "{name}: {} created, {} updated, {} unchanged, {} rejected",
                report.created,
                report.updated,
                report.unchanged,
                report.errors.len()
            );
            print_row_errors(&name.to_string(), &report.errors);
            db.close().await;
            Ok(if report.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::SeedDemo {
            seed,
            villagers_per_village,
            villages,
            password,
        } => {
            let options = crate::demo::SeedOptions {
                seed,
                villagers_per_village,
                villages,
                password,
            };
            let report = crate::demo::seed(&db, &options).await?;
            print_seed_report(&report);
            db.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Simulate {
            url,
            days,
            concurrency,
            seed,
            villages,
            also_urls,
        } => {
            let keys = crate::auth::keys::Keys::from_settings(&settings)?;
            let options = crate::demo::simulate::SimulateOptions {
                base_url: url,
                days,
                concurrency,
                seed,
                villages,
                also_urls,
            };
            let report = crate::demo::simulate::run(&db, &keys, &options).await?;
            let ok = print_simulation(&report);
            db.close().await;
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Check => {
            let started = std::time::Instant::now();
            db.verify().await?;
            let broken = crate::ledger::check_invariants(&db).await?;
            db.close().await;
            if broken.is_empty() {
                println!(
                    "ledger invariants hold ({:.1} s)",
                    started.elapsed().as_secs_f64()
                );
                return Ok(ExitCode::SUCCESS);
            }
            println!("ledger invariants: {} broken", broken.len());
            for b in &broken {
                println!("  {b}");
            }
            Ok(ExitCode::from(1))
        }
        Command::Sweep { at } => {
            let now = match at {
                None => storage::now_ms(),
                Some(at) => at
                    .parse::<jiff::Timestamp>()
                    .map_err(|e| anyhow::anyhow!("--at {at}: not an RFC 3339 time ({e})"))?
                    .as_millisecond(),
            };
            let s = crate::cluster::sweep(&db, settings.sweep_delays(), now).await?;
            println!(
                "as of {}: {} redemptions lapsed, {} orders escalated, {} orders rated, {} overdue claims sent up",
                storage::rfc3339(now),
                s.lapsed,
                s.escalated,
                s.rated,
                s.overdue_claims
            );
            db.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::ImportDivisions { files } => {
            let ok = import_divisions(&db, &files).await?;
            db.close().await;
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

/// Prints what `seed-demo` made and the sign-ins to try.
fn print_seed_report(r: &crate::demo::SeedReport) {
    let [created, updated, unchanged] = r.villagers;
    println!(
        "长垣市 demo loaded in {:.1} s: {} township-level units, {} villages with people, {} grids, \
         villagers {created} created / {updated} updated / {unchanged} unchanged, {} volunteers, \
         {} new staff accounts, {} shops with {} goods",
        r.elapsed.as_secs_f64(),
        r.townships,
        r.villages,
        r.grids,
        r.volunteers,
        r.staff,
        r.shops,
        r.goods
    );
    println!(
        "Sign in at /login with these demo phones (+86 100…, never real numbers); with \
         JIFEN_SMS_PROVIDER=log (the default) the server log shows each code (\"SMS code for …\"):"
    );
    for (role, place, phone, how) in &r.logins {
        println!("  {role:<28} {phone}  {how}  ({place})");
    }
}

/// Prints the simulation's summary; whether it went as expected.
fn print_simulation(r: &crate::demo::simulate::SimulationReport) -> bool {
    println!(
        "{} days of {} villages ({} villagers): {} requests in {:.1} s, {:.0} requests/s",
        r.days,
        r.villages,
        r.villagers,
        r.requests,
        r.elapsed.as_secs_f64(),
        r.rate()
    );
    print!("{}", r.table());
    if r.invariant_violations.is_empty() {
        println!("ledger invariants: hold");
    } else {
        println!("ledger invariants: {} broken", r.invariant_violations.len());
        for v in &r.invariant_violations {
            println!("  {v}");
        }
    }
    println!("unexpected answers: {}", r.unexpected);
    for s in &r.unexpected_samples {
        println!("  {s}");
    }
    println!(
        "requests sent again: {}; writes answered 2xx and found in the database: {} of {}",
        r.retried,
        r.durable_checked - r.lost,
        r.durable_checked
    );
    for s in &r.lost_samples {
        println!("  lost: {s}");
    }
    if r.photos_checked > 0 {
        println!(
            "photos read back from every server: {} reads, {} failed",
            r.photos_checked, r.photo_misses
        );
        for s in &r.photo_miss_samples {
            println!("  {s}");
        }
    }
    r.ok()
}

/// At most this many rejected rows are printed per file (all are counted).
const ERRORS_SHOWN: usize = 50;

/// Validates and applies `jifen create-admin`; returns the line to print.
async fn create_admin(
    db: &Db,
    phone: &str,
    password: String,
    role: &str,
    region: &str,
    name: &str,
) -> anyhow::Result<String> {
    use jifen_shared::auth::{Role, RoleGrant};
    use jifen_shared::regions::RegionCode;
    let phone =
        crate::people::phone::Phone::parse(phone).map_err(|e| anyhow::anyhow!("--phone: {e}"))?;
    if password.chars().count() < crate::auth::password::MIN_PASSWORD_CHARS {
        anyhow::bail!(
            "--password: at least {} characters",
            crate::auth::password::MIN_PASSWORD_CHARS
        );
    }
    let role = Role::parse(role).filter(|r| *r != Role::Villager).ok_or_else(|| {
        anyhow::anyhow!("--role: {role:?} is not a staff role (county_admin, township_admin, village_admin, grid_worker, keeper, volunteer)")
    })?;
    let code = RegionCode::parse(region).map_err(|e| anyhow::anyhow!("--region: {e}"))?;
    let grant = RoleGrant {
        role,
        region_code: code.clone(),
    };
    crate::auth::check_grant(db, &grant)
        .await
        .map_err(|e| anyhow::anyhow!("--region: {e}"))?;
    let region_name = crate::regions::storage::find(db, code.as_str())
        .await?
        .map(|r| r.name)
        .unwrap_or_default();
    let name = crate::text::name(name, crate::people::import::MAX_NAME_CHARS)
        .map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let hash = crate::auth::password::hash(password).await?;
    let id = crate::auth::storage::upsert_staff(
        db,
        &name,
        phone.as_str(),
        &hash,
        &grant,
        crate::storage::now_ms(),
    )
    .await?;
    crate::audit::record_alone(
        db,
        crate::audit::Record {
            actor_id: None,
            action: "staff.create_admin",
            region: &code,
            target: format!("person:{id}"),
            before: None,
            after: Some(serde_json::json!({"role": role, "region_code": code, "password": "set"})),
        },
    )
    .await?;
    Ok(format!(
        "{} can sign in with their password as {role} of {} ({code})",
        phone.masked(),
        region_name
    ))
}

/// Prints rejected rows to standard error as `FILE:LINE: code: message` (at most
/// [`ERRORS_SHOWN`], then how many more).
fn print_row_errors(name: &str, errors: &[jifen_shared::imports::RowError]) {
    for e in errors.iter().take(ERRORS_SHOWN) {
        eprintln!("{name}:{}: {}: {}", e.line, e.code, e.message);
    }
    if errors.len() > ERRORS_SHOWN {
        eprintln!(
            "{name}: … and {} more rejected rows",
            errors.len() - ERRORS_SHOWN
        );
    }
}

/// Imports `files` (or the bundled 长垣市 data), printing one line per file and the rejected
/// rows. Returns whether everything loaded.
async fn import_divisions(db: &Db, files: &[PathBuf]) -> anyhow::Result<bool> {
    let sources: Vec<(String, Vec<u8>)> = if files.is_empty() {
        import::BUNDLED_CHANGYUAN
            .iter()
            .map(|(n, b)| (format!("bundled {n}"), b.to_vec()))
            .collect()
    } else {
        let mut sources = Vec::new();
        for f in files {
            let bytes = std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?;
            sources.push((f.display().to_string(), bytes));
        }
        sources
    };
    let started = Instant::now();
    let mut all_ok = true;
    // rows, inserted, updated, unchanged over all files
    let mut total = [0u64; 4];
    let mut rejected = 0usize;
    for (name, bytes) in sources {
        let report = match import::import(db, &bytes).await {
            Ok(report) => report,
            Err(import::ImportError::Storage(e)) => return Err(e.into()),
            Err(e) => {
                eprintln!("{name}: {e}");
                all_ok = false;
                continue;
            }
        };
        println!(
            "{name}: {} rows ({}): {} inserted, {} updated, {} unchanged, {} rejected",
            report.rows,
            report.level,
            report.inserted,
            report.updated,
            report.unchanged,
            report.errors.len()
        );
        print_row_errors(&name, &report.errors);
        all_ok &= report.errors.is_empty();
        rejected += report.errors.len();
        for (sum, n) in total.iter_mut().zip([
            report.rows,
            report.inserted,
            report.updated,
            report.unchanged,
        ]) {
            *sum += n;
        }
    }
    println!(
        "total: {} rows: {} inserted, {} updated, {} unchanged, {} rejected in {:.1} s",
        total[0],
        total[1],
        total[2],
        total[3],
        rejected,
        started.elapsed().as_secs_f64()
    );
    Ok(all_ok)
}

//! Storage: one SQL dialect for SQLite (embedded default) and PostgreSQL.
//!
//! # How the two backends share code
//! Queries go through sqlx's `Any` driver, so one SQL string serves both backends. That works
//! because the schema keeps to conventions both databases decode the same way through `Any`:
//! - placeholders are `$1…$N` (sqlx binds them by number on SQLite too, even out of order);
//! - every integer column is `BIGINT` (ids, points, fen, grams) and is read as `i64`; SQLite
//!   returns `INTEGER` affinity for it, PostgreSQL an `int8`, both decode to `i64`;
//! - flags are `BIGINT` 0/1, never `BOOLEAN` (`Any` returns BIGINT from SQLite but BOOLEAN
//!   from PostgreSQL);
//! - times are UTC milliseconds since the Unix epoch in `BIGINT` columns named `*_at`
//!   (`Any` decodes no timestamp types);
//! - aggregates are cast: `CAST(SUM(x) AS BIGINT)`, `CAST(COUNT(*) AS BIGINT)` (PostgreSQL's
//!   `SUM(bigint)` is `NUMERIC`, which `Any` cannot decode);
//! - text is `TEXT`; upserts use `INSERT … ON CONFLICT (…) DO UPDATE … WHERE …` and
//!   null-safe comparisons use `IS DISTINCT FROM` (SQLite ≥ 3.39, bundled by sqlx).
//!
//! Where the dialects truly differ, the two versions sit side by side in a `match` on
//! [`Backend`] next to the query that needs them.
//!
//! # SQLite and concurrent writers
//! SQLite allows one writer at a time; a deferred transaction that upgrades to a write lock can
//! fail with `SQLITE_BUSY` regardless of the busy timeout. So on SQLite, [`Db::writer`] is a
//! pool of exactly **one** connection: write transactions queue in the pool (fairly, with the
//! acquire timeout) instead of racing for the lock. [`Db::reader`] is a separate pool of
//! `query_only` connections that read in parallel under WAL. Write transactions start with
//! [`Db::begin_write`] (`BEGIN IMMEDIATE` on SQLite), which also keeps a second process on the
//! same file from failing half-way. On PostgreSQL both pools are the same pool.
//!
//! Every SQLite connection sets `journal_mode=WAL`, `foreign_keys=ON`, `synchronous=FULL` (a
//! committed transfer survives a power cut, as a ledger must) and a busy timeout: 5 s for the
//! server, 120 s for batch commands, which may queue behind one another.
//!
//! # Deadlines and retries
//! Nothing waits on the database for ever: a silent network partition to PostgreSQL would
//! otherwise hold a request for as long as it lasts (the kernel gives up on a TCP connection
//! only after many minutes). The bounds, with `jifen serve`'s defaults (settings in
//! `crate::config`, table in README.md):
//! - **acquire**, `JIFEN_DB_ACQUIRE_TIMEOUT_SECS` (5 s): how long a request waits for a pooled
//!   connection, setting up a new one included (on PostgreSQL; SQLite's pools keep their own:
//!   30 s for the writer, behind which writes queue, 5 s for readers). sqlx pings an idle
//!   connection before handing it out, within the same bound, so a dead one is noticed here.
//! - **statement**, `JIFEN_DB_STATEMENT_TIMEOUT_SECS` (5 s): PostgreSQL's `statement_timeout`,
//!   set on every connection ([`Timeouts::statement`]); a slow query or a lock wait is cancelled
//!   by the server (SQLSTATE `57014`) and the connection stays usable.
//! - **idle in transaction**: PostgreSQL's `idle_in_transaction_session_timeout`, the request
//!   deadline: a transaction left open by a client that stopped talking (partitioned away,
//!   or a request dropped at its deadline) is ended by the server, which releases its locks
//!   for the other instances. The server also probes idle clients with TCP keepalives (after
//!   30 s, every 10 s, 3 probes) so a dead one frees its connection slot.
//! - **request**, `JIFEN_REQUEST_TIMEOUT_SECS` (10 s; `JIFEN_UPLOAD_TIMEOUT_SECS`, 300 s, for
//!   photo uploads and CSV imports): the whole request, in `crate::http::deadline`. This is
//!   the bound that holds when the network drops packets silently: a statement already sent
//!   waits for an answer that never comes, and no server-side timeout can help. (The
//!   connection of a request dropped mid-statement returns to the pool only once it answers
//!   sqlx's test again: a partition that does not heal keeps as many connections as there were
//!   statements in flight, until TCP gives up on them; the others serve on.)
//!
//! Every such failure answers 503 `unavailable` with `Retry-After` ([`Failure::Unavailable`]).
//! Batch commands (`jifen import-divisions`…) keep no statement or idle limit
//! ([`Timeouts::batch`]).
//!
//! A transaction PostgreSQL aborted for a serialization failure or a deadlock (SQLSTATE
//! `40001`, `40P01`, [`Failure::Conflict`]; frequent on Postgres-compatible distributed SQL
//! engines, which run every transaction serializable) is run again by [`retry`]: at most
//! [`ATTEMPTS`] (3) runs in all, after a jittered pause of 25–50 ms, then 50–100 ms; then
//! 503 `unavailable`. Where it happens:
//! - [`Db::write`] runs a transaction closure and commits it; `crate::http::idempotency::run`
//!   uses it, so every creating POST marked (I) is retried as one transaction, the claim of
//!   its key included;
//! - the handlers of the other writes wrap their one service call in [`retry`]: such a call
//!   is one write transaction after reads, so running it again is running the transaction
//!   again. The sign-ins, made of several transactions (a code used, then a session), retry
//!   the session's own transaction inside; closing an account and the villager import run
//!   their transactions again themselves (deadlocks and, for the import, a phone another
//!   import inserted first); a photo upload's one insert is not retried, nor is the WeChat
//!   sign-in around its session (WeChat takes a code only once): a conflict there answers 503.
//!
//! Retrying at the handler rather than converting every `begin_write` into a closure keeps
//! the domain functions as they are; retrying the whole HTTP request instead is not possible
//! from an actix middleware (a routed request cannot be routed again), and would count every
//! attempt in the metrics.
//!
//! SQLite never answers these codes (its single writer serialises writes; `SQLITE_BUSY`
//! beyond the busy timeout is [`Failure::Unavailable`]).
//!
//! # Migrations
//! `migrations/sqlite` and `migrations/postgres` are kept in lockstep (same file names, same
//! tables and columns); `tests/schema.rs` applies both and compares them.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, ConnectOptions, Connection, Executor};

mod faults;

pub use faults::{ATTEMPTS, Failure, MayConflict, failure, failure_in, retry};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// A transaction on either backend (what [`Db::begin_write`] returns).
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend `conn` (a transaction's connection: `&**tx`) talks to, for code that is
    /// handed a transaction rather than the [`Db`].
    pub fn of(conn: &sqlx::AnyConnection) -> Backend {
        if conn.backend_name() == "PostgreSQL" {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// A storage failure that is not the caller's fault.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("cannot connect to the database at {url}")]
    Connect { url: String, source: sqlx::Error },
    #[error("cannot create the data directory {path}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("database migration failed")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("after the migrations, {0} rows break a foreign key (PRAGMA foreign_key_check)")]
    ForeignKeys(usize),
    #[error("database error")]
    Sqlx(#[from] sqlx::Error),
}

/// The database handle shared by every request: cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    backend: Backend,
    reader: AnyPool,
    writer: AnyPool,
    /// The SQLite file (for the migration lock); `None` on PostgreSQL.
    sqlite_path: Option<PathBuf>,
}

/// `url` with any password replaced by `***`, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// PRAGMAs every SQLite connection runs; `{busy}` is the busy timeout in milliseconds. The
/// busy timeout comes first: switching a fresh file to WAL takes a lock that another process
/// starting at the same moment may hold, and the switch must wait for it, not fail with
/// "database is locked".
fn sqlite_pragmas(busy: Duration) -> String {
    format!(
        "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
         PRAGMA synchronous = FULL;",
        busy.as_millis()
    )
}

/// How long a server's SQLite connection waits for another process's write lock before
/// failing: short, a request should not hang behind a batch job.
pub const SERVER_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The same for batch commands (`jifen import-divisions`…), which may wait for one another.
pub const BATCH_BUSY_TIMEOUT: Duration = Duration::from_secs(120);

/// How long database work may take (module docs, "Deadlines and retries").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// How long opening the database waits for its first connection.
    pub connect: Duration,
    /// How long a PostgreSQL pool's user waits for a connection, setting up a new one
    /// included (`JIFEN_DB_ACQUIRE_TIMEOUT_SECS` for the server).
    pub acquire: Duration,
    /// PostgreSQL's `statement_timeout` on every connection
    /// (`JIFEN_DB_STATEMENT_TIMEOUT_SECS` for the server); `None`: none.
    pub statement: Option<Duration>,
    /// PostgreSQL's `idle_in_transaction_session_timeout` on every connection (the request
    /// deadline for the server); `None`: none.
    pub idle_in_transaction: Option<Duration>,
    /// SQLite's busy timeout: [`SERVER_BUSY_TIMEOUT`] or [`BATCH_BUSY_TIMEOUT`].
    pub busy: Duration,
    /// Not a time but a limit set with them: the most PostgreSQL connections the pool holds
    /// (`JIFEN_DB_MAX_CONNECTIONS` for the server; [`DEFAULT_POSTGRES_POOL`] otherwise).
    pub postgres_pool: u32,
}

/// The PostgreSQL pool's size unless configured.
pub const DEFAULT_POSTGRES_POOL: u32 = 32;

impl Timeouts {
    /// For batch commands and tools: `connect` also bounds the wait for a pooled connection;
    /// no statement or idle limit (an import's bulk statements may take long); SQLite waits
    /// [`BATCH_BUSY_TIMEOUT`] for another process's write lock.
    pub fn batch(connect: Duration) -> Timeouts {
        Timeouts {
            connect,
            acquire: connect,
            statement: None,
            idle_in_transaction: None,
            busy: BATCH_BUSY_TIMEOUT,
            postgres_pool: DEFAULT_POSTGRES_POOL,
        }
    }

    /// The `SET` statements every PostgreSQL connection runs once connected: the limits
    /// that are set, and TCP keepalives from the server's side (after 30 s idle, every 10 s,
    /// 3 probes), so that the server notices a client that vanished and frees its slot.
    fn postgres_session(&self) -> String {
        let mut sets = vec![
            "SET tcp_keepalives_idle = 30".to_owned(),
            "SET tcp_keepalives_interval = 10".to_owned(),
            "SET tcp_keepalives_count = 3".to_owned(),
        ];
        let limits = [
            ("statement_timeout", self.statement),
            (
                "idle_in_transaction_session_timeout",
                self.idle_in_transaction,
            ),
        ];
        for (name, limit) in limits {
            if let Some(limit) = limit {
                sets.push(format!("SET {name} = {}", limit.as_millis()));
            }
        }
        sets.join("; ")
    }
}

/// Opens one connection with `options` within `timeout` and, on SQLite, runs `pragmas` and
/// reads the schema: a file that is not a database (or cannot hold a WAL) fails here, with
/// SQLite's reason, not on the first request.
async fn probe(
    options: &AnyConnectOptions,
    timeout: Duration,
    sqlite: bool,
    pragmas: &str,
) -> Result<(), sqlx::Error> {
    let mut conn = tokio::time::timeout(timeout, sqlx::AnyConnection::connect_with(options))
        .await
        .map_err(|_| sqlx::Error::PoolTimedOut)??;
    if sqlite {
        conn.execute(pragmas).await?;
        conn.execute("PRAGMA schema_version;").await?;
    }
    conn.close().await
}

/// Whether `e` is SQLite's "database is locked" (`SQLITE_BUSY`, or one of its extended codes).
fn is_busy(e: &sqlx::Error) -> bool {
    let sqlx::Error::Database(d) = e else {
        return false;
    };
    d.code()
        .and_then(|c| c.parse::<i32>().ok())
        .is_some_and(|c| c & 0xff == 5)
}

impl Db {
    /// Opens the database at `url` (`sqlite://path` — the file and its directory are created
    /// — or `postgres://…`), waiting at most `connect_timeout` for the first connection and
    /// for a pooled one, with [`SERVER_BUSY_TIMEOUT`] on SQLite and no statement limits (for
    /// tools and tests). See [`Db::connect_with`].
    pub async fn connect(url: &str, connect_timeout: Duration) -> Result<Db, StorageError> {
        let timeouts = Timeouts {
            busy: SERVER_BUSY_TIMEOUT,
            ..Timeouts::batch(connect_timeout)
        };
        Db::connect_with(url, &timeouts).await
    }

    /// [`Db::connect`] with the limits given.
    ///
    /// Errors: [`StorageError::Connect`] naming the (redacted) URL and the database's own
    /// reason (refused, unknown database, not a database file…) when the first connection
    /// fails; [`StorageError::DataDir`] when the SQLite file's directory cannot be created.
    pub async fn connect_with(url: &str, timeouts: &Timeouts) -> Result<Db, StorageError> {
        let (connect_timeout, busy_timeout) = (timeouts.connect, timeouts.busy);
        sqlx::any::install_default_drivers();
        let connect_err = |source| StorageError::Connect {
            url: redact_url(url),
            source,
        };
        let sqlite_path = url.starts_with("sqlite:").then(|| sqlite_path(url));
        let url = match &sqlite_path {
            Some(path) => sqlite_url_with_create(url, path)?,
            None => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .map_err(connect_err)?
            .disable_statement_logging();
        let pragmas: std::sync::Arc<str> = sqlite_pragmas(busy_timeout).into();
        // One direct attempt first: a pool would only report "timed out", hiding the cause.
        // Several processes opening a fresh SQLite file at once race to switch it to WAL, and
        // SQLite may answer that switch "database is locked" without waiting: the probe is then
        // tried again, for as long as the busy timeout.
        let started = std::time::Instant::now();
        loop {
            match probe(&options, connect_timeout, sqlite_path.is_some(), &pragmas).await {
                Ok(()) => break,
                Err(e) if is_busy(&e) && started.elapsed() < busy_timeout => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => return Err(connect_err(e)),
            }
        }

        let Some(sqlite_path) = sqlite_path else {
            let session: std::sync::Arc<str> = timeouts.postgres_session().into();
            let pool = AnyPoolOptions::new()
                .max_connections(timeouts.postgres_pool)
                .acquire_timeout(timeouts.acquire)
                .after_connect(move |conn, _| {
                    let session = session.clone();
                    Box::pin(async move {
                        conn.execute(&*session).await?;
                        Ok(())
                    })
                })
                .connect_with(options)
                .await
                .map_err(connect_err)?;
            return Ok(Db {
                backend: Backend::Postgres,
                reader: pool.clone(),
                writer: pool,
                sqlite_path: None,
            });
        };
        let reader_pragmas = pragmas.clone();
        let writer = AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(move |conn, _| {
                let pragmas = pragmas.clone();
                Box::pin(async move {
                    conn.execute(&*pragmas).await?;
                    Ok(())
                })
            })
            .connect_with(options.clone())
            .await
            .map_err(connect_err)?;
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get() * 2) as u32;
        let reader = AnyPoolOptions::new()
            .max_connections(readers.max(4))
            .acquire_timeout(connect_timeout.max(Duration::from_secs(5)))
            .after_connect(move |conn, _| {
                let pragmas = reader_pragmas.clone();
                Box::pin(async move {
                    conn.execute(&*pragmas).await?;
                    conn.execute("PRAGMA query_only = ON;").await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(connect_err)?;
        Ok(Db {
            backend: Backend::Sqlite,
            reader,
            writer,
            sqlite_path: Some(sqlite_path),
        })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool for reads (parallel).
    pub fn reader(&self) -> &AnyPool {
        &self.reader
    }

    /// The pool for writes and read-modify-write transactions (a single connection on
    /// SQLite, see the module docs).
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// Begins a write transaction on [`Db::writer`]. On SQLite it is `BEGIN IMMEDIATE`: the
    /// write lock is taken at the start (waiting up to the busy timeout for another process,
    /// such as `jifen import-divisions` beside a running server), so the transaction cannot
    /// fail half-way with `SQLITE_BUSY` when it upgrades from reading to writing.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.writer.begin().await,
        }
    }

    /// Runs `op` in a write transaction ([`Db::begin_write`]) and commits it; when `op` or
    /// the commit fails with a conflict (a serialization failure or a deadlock), the
    /// transaction — rolled back — is run again from the start, as [`retry`] says. `op` must
    /// not commit, and must do nothing outside the transaction that a second run would do
    /// twice.
    ///
    /// Errors: whatever `op` answers; the database's errors (a conflict after the last
    /// attempt among them).
    pub async fn write<T, E>(
        &self,
        mut op: impl AsyncFnMut(&mut Tx) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<sqlx::Error> + MayConflict + std::fmt::Display,
    {
        retry(async || {
            let mut tx = self.begin_write().await?;
            let value = op(&mut tx).await?;
            tx.commit().await?;
            Ok(value)
        })
        .await
    }

    /// Opens a database to look at it and nothing else (`jifen check` on a backup): a SQLite
    /// file read-only and immutable — no `-wal` or `-shm` made beside it, no pragma run, so
    /// it must not be in use — or PostgreSQL as [`Db::connect`] does (nothing is migrated).
    ///
    /// Errors: [`StorageError::Connect`] (the file's reason when it is not a database).
    pub async fn open_to_check(url: &str, timeout: Duration) -> Result<Db, StorageError> {
        let Some(path) = sqlite_file(url) else {
            return Db::connect(url, timeout).await;
        };
        sqlx::any::install_default_drivers();
        let connect_err = |source| StorageError::Connect {
            url: redact_url(url),
            source,
        };
        let options = AnyConnectOptions::from_str(&format!(
            "sqlite://{}?mode=ro&immutable=1",
            path.display()
        ))
        .map_err(connect_err)?
        .disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(timeout)
            .connect_with(options)
            .await
            .map_err(connect_err)?;
        Ok(Db {
            backend: Backend::Sqlite,
            reader: pool.clone(),
            writer: pool,
            sqlite_path: None,
        })
    }

    /// Checks, without changing anything, that this is a whole database of this build
    /// (`jifen check`, on a restored backup): every migration of this build applied and none
    /// unknown to it, and on SQLite that its pages are intact (`PRAGMA integrity_check`).
    ///
    /// Errors: what is wrong, as one sentence (not a Jifen database, a schema older or newer
    /// than this build, a damaged file); the database's errors.
    pub async fn verify(&self) -> anyhow::Result<()> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        if self.backend == Backend::Sqlite {
            let report: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_all(self.reader())
                .await?;
            if report != ["ok"] {
                anyhow::bail!(
                    "the SQLite file is damaged (integrity_check: {})",
                    report.join("; ")
                );
            }
        }
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_all(self.reader())
                .await
                .map_err(|e| {
                    anyhow::anyhow!("not a Jifen database (no migrations recorded: {e})")
                })?;
        let known: Vec<i64> = migrator.iter().map(|m| m.version).collect();
        let missing: Vec<String> = known
            .iter()
            .filter(|v| !applied.contains(v))
            .map(i64::to_string)
            .collect();
        let unknown: Vec<String> = applied
            .iter()
            .filter(|v| !known.contains(v))
            .map(i64::to_string)
            .collect();
        if !unknown.is_empty() {
            anyhow::bail!(
                "the database has migrations this jifen does not know ({}): it is from a newer \
                 build",
                unknown.join(", ")
            );
        }
        if !missing.is_empty() {
            anyhow::bail!(
                "the database lacks migrations {} of this build: it is from an older one \
                 (`jifen migrate` brings it up to date)",
                missing.join(", ")
            );
        }
        Ok(())
    }

    /// Applies the backend's pending migrations, without the statement limits of
    /// [`Timeouts`]; safe to run any number of times.
    pub async fn migrate(&self) -> Result<(), StorageError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        // sqlx takes an advisory lock on PostgreSQL but none on SQLite: several processes
        // starting on a fresh file (serve + import) would each try to create the tables.
        let _lock = match &self.sqlite_path {
            Some(path) => Some(lock_beside(path).await?),
            None => None,
        };
        if self.backend == Backend::Postgres {
            // The server's statement and idle limits are for requests: a migration may run
            // long, or wait for another instance's migration (that lock). It runs on a
            // connection of its own, without them, closed afterwards.
            let mut conn = self.writer.acquire().await?.detach();
            conn.execute("SET statement_timeout = 0; SET idle_in_transaction_session_timeout = 0")
                .await?;
            migrator.run(&mut conn).await?;
            conn.close().await?;
        } else {
            // SQLite changes a column's NOT NULL or a CHECK by rebuilding the table (migration
            // 0034), which its documented procedure does with foreign keys off — set outside
            // the transaction sqlx runs each migration in — so that dropping the old table
            // neither fails nor cascades; they are checked in full afterwards (when a migration
            // ran: a start with nothing to migrate costs nothing).
            let mut conn = self.writer.acquire().await?;
            let applied = async |conn: &mut sqlx::AnyConnection| -> i64 {
                sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM _sqlx_migrations")
                    .fetch_one(conn)
                    .await
                    .unwrap_or(0)
            };
            let before = applied(&mut conn).await;
            conn.execute("PRAGMA foreign_keys = OFF").await?;
            let ran = migrator.run(&mut *conn).await;
            let on = conn.execute("PRAGMA foreign_keys = ON").await;
            ran?;
            on?;
            if applied(&mut conn).await != before {
                let broken = sqlx::query("PRAGMA foreign_key_check")
                    .fetch_all(&mut *conn)
                    .await?;
                if !broken.is_empty() {
                    return Err(StorageError::ForeignKeys(broken.len()));
                }
            }
        }
        Ok(())
    }

    /// Refreshes the query planner's statistics (`ANALYZE` on both databases) after a bulk
    /// load: PostgreSQL's autovacuum would get to it eventually (never, where it is off), and
    /// until then plans assume nearly empty tables.
    pub async fn analyze(&self) -> Result<(), sqlx::Error> {
        sqlx::query("ANALYZE").execute(&self.writer).await?;
        Ok(())
    }

    /// True while the database answers a trivial query (for `/readyz`).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.reader).await.is_ok()
    }

    /// Closes both pools, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern (both databases).
pub fn like_literal(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The file of a `sqlite:` URL; `None` for another database.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    url.starts_with("sqlite:").then(|| sqlite_path(url))
}

/// The file path of a `sqlite:` URL (validated non-empty by the settings).
fn sqlite_path(url: &str) -> PathBuf {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    PathBuf::from(rest.split('?').next().unwrap_or(rest))
}

/// Adds `mode=rwc` (create the file if missing) to a SQLite URL and creates its directory.
fn sqlite_url_with_create(url: &str, path: &Path) -> Result<String, StorageError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| StorageError::DataDir {
            path: dir.display().to_string(),
            source,
        })?;
    }
    let query = url.split_once('?').map_or("", |(_, q)| q);
    Ok(if query.contains("mode=") {
        url.to_owned()
    } else if query.is_empty() {
        format!("sqlite://{}?mode=rwc", path.display())
    } else {
        format!("sqlite://{}?{query}&mode=rwc", path.display())
    })
}

/// Takes an exclusive lock on `<database file>-migrate.lock`, waiting for another process to
/// release it; released when the returned file is dropped.
async fn lock_beside(database: &Path) -> Result<std::fs::File, StorageError> {
    let mut name = database.as_os_str().to_owned();
    name.push("-migrate.lock");
    let path = PathBuf::from(name);
    let io_err = |source| StorageError::DataDir {
        path: path.display().to_string(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io_err)?;
    tokio::task::spawn_blocking(move || file.lock().map(|()| file))
        .await
        .map_err(|e| io_err(std::io::Error::other(e)))?
        .map_err(io_err)
}

/// Serialises the write transactions that take the same `key` until they end: SQLite's
/// single writer already does; on PostgreSQL a transaction-scoped advisory lock on the key's
/// hash does. For changes that read before they write many rows (limits, the registry).
pub async fn lock_key(tx: &mut Tx, backend: Backend, key: &str) -> Result<(), sqlx::Error> {
    if backend == Backend::Postgres {
        sqlx::query(
            "SELECT CAST(1 AS BIGINT) AS locked FROM (SELECT pg_advisory_xact_lock(hashtext($1))) AS l",
        )
        .bind(key)
        .fetch_one(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A 0/1 flag as both databases store it (`INTEGER`), read into a `bool` field of a
/// `#[derive(sqlx::FromRow)]` row with `#[sqlx(try_from = "Flag")]`; 1 is true.
pub struct Flag(i64);

impl sqlx::Type<sqlx::Any> for Flag {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <i64 as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <i64 as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for Flag {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        <i64 as sqlx::Decode<'r, sqlx::Any>>::decode(value).map(Flag)
    }
}

impl From<Flag> for bool {
    fn from(flag: Flag) -> bool {
        flag.0 == 1
    }
}

/// The current time as UTC milliseconds since the Unix epoch (the storage convention).
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// A stored time (UTC milliseconds) as the API writes times: RFC 3339 in UTC, e.g.
/// `2026-11-29T08:00:00Z` (empty for a value out of range, which the storage never holds).
pub fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            redact_url("sqlite://./data/jifen.db"),
            "sqlite://./data/jifen.db"
        );
    }

    #[test]
    fn sqlite_urls_gain_create_mode() {
        let dir = std::env::temp_dir().join(format!("jifen-url-{}", std::process::id()));
        let file = dir.join("a.db");
        let url = format!("sqlite://{}", file.display());
        assert_eq!(sqlite_path(&url), file);
        assert_eq!(
            sqlite_url_with_create(&url, &file).unwrap(),
            format!("{url}?mode=rwc")
        );
        assert!(dir.is_dir());
        let with_query = format!("{url}?cache=shared");
        assert_eq!(sqlite_path(&with_query), file);
        assert_eq!(
            sqlite_url_with_create(&with_query, &file).unwrap(),
            format!("{url}?cache=shared&mode=rwc")
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}

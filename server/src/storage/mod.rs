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
//! # Migrations
//! `migrations/sqlite` and `migrations/postgres` are kept in lockstep (same file names, same
//! tables and columns); `tests/schema.rs` applies both and compares them.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, ConnectOptions, Connection, Executor};

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
    /// — or `postgres://…`), waiting at most `connect_timeout` for the first connection, with
    /// [`SERVER_BUSY_TIMEOUT`] on SQLite. See [`Db::connect_with`].
    pub async fn connect(url: &str, connect_timeout: Duration) -> Result<Db, StorageError> {
        Db::connect_with(url, connect_timeout, SERVER_BUSY_TIMEOUT).await
    }

    /// [`Db::connect`] with the SQLite busy timeout given (ignored on PostgreSQL).
    ///
    /// Errors: [`StorageError::Connect`] naming the (redacted) URL and the database's own
    /// reason (refused, unknown database, not a database file…) when the first connection
    /// fails; [`StorageError::DataDir`] when the SQLite file's directory cannot be created.
    pub async fn connect_with(
        url: &str,
        connect_timeout: Duration,
        busy_timeout: Duration,
    ) -> Result<Db, StorageError> {
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
            let pool = AnyPoolOptions::new()
                .max_connections(32)
                .acquire_timeout(connect_timeout)
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

    /// Applies the backend's pending migrations; safe to run any number of times.
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
        migrator.run(&self.writer).await?;
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

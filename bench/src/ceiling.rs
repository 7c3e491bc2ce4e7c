//! The database's own ceiling: single-row insert-and-commit transactions per second straight
//! through sqlx, on the same pools and durability settings the server uses ([`Db::connect`]:
//! SQLite in WAL with `synchronous = FULL` and one writer connection, PostgreSQL with a pool of
//! 32 and the server's `synchronous_commit`). Every write request of the HTTP flows is one such
//! transaction plus the work around it, so the ratio of the two says what the server adds.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use jifen_server::storage::{Backend, Db};

/// The durability settings a run used, as the database reports them.
#[derive(Debug, Clone)]
pub struct Durability {
    /// `sqlite 3.46.0` or `PostgreSQL 15.20`.
    pub version: String,
    /// `synchronous=FULL (2), journal_mode=wal` or `synchronous_commit=on`.
    pub settings: String,
}

/// Reads the version and durability settings through the server's own pools.
pub async fn durability(db: &Db) -> anyhow::Result<Durability> {
    use sqlx::Row;
    Ok(match db.backend() {
        Backend::Sqlite => {
            // Asked on the writer: the connection the server commits on.
            let mut conn = db.writer().acquire().await?;
            let version: String = sqlx::query("SELECT sqlite_version()")
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
            let synchronous: i64 = sqlx::query("PRAGMA synchronous")
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
            let journal: String = sqlx::query("PRAGMA journal_mode")
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
            let name = ["OFF", "NORMAL", "FULL", "EXTRA"]
                .get(synchronous as usize)
                .unwrap_or(&"?");
            Durability {
                version: format!("SQLite {version}"),
                settings: format!("synchronous={name}, journal_mode={journal}"),
            }
        }
        Backend::Postgres => {
            let show = |name: &'static str| async move {
                let row = sqlx::query(&format!("SHOW {name}"))
                    .fetch_one(db.writer())
                    .await?;
                anyhow::Ok(row.try_get::<String, _>(0)?)
            };
            Durability {
                version: format!("PostgreSQL {}", show("server_version").await?),
                settings: format!(
                    "synchronous_commit={}, fsync={}",
                    show("synchronous_commit").await?,
                    show("fsync").await?
                ),
            }
        }
    })
}

/// Transactions per second of `clients` tasks, each inserting one row and committing, for
/// `run` after a short warm-up, into a scratch table dropped afterwards.
///
/// Errors: the database refuses the scratch table or a transaction fails.
pub async fn measure(db: &Db, clients: usize, run: Duration) -> anyhow::Result<f64> {
    let id = match db.backend() {
        Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
        Backend::Postgres => "BIGSERIAL PRIMARY KEY",
    };
    sqlx::query("DROP TABLE IF EXISTS bench_ceiling")
        .execute(db.writer())
        .await?;
    sqlx::query(&format!(
        "CREATE TABLE bench_ceiling (id {id}, client BIGINT NOT NULL, at_ms BIGINT NOT NULL)"
    ))
    .execute(db.writer())
    .await?;
    let done = Arc::new(AtomicU64::new(0));
    let warm_up = Duration::from_millis(200).min(run / 4);
    let started = Instant::now();
    let counting_from = started + warm_up;
    let until = counting_from + run;
    let mut tasks = Vec::new();
    for client in 0..clients {
        let db = db.clone();
        let done = done.clone();
        tasks.push(tokio::spawn(async move {
            while Instant::now() < until {
                let mut tx = db.begin_write().await?;
                sqlx::query("INSERT INTO bench_ceiling (client, at_ms) VALUES ($1, $2)")
                    .bind(client as i64)
                    .bind(jifen_server::storage::now_ms())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                if Instant::now() >= counting_from {
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let elapsed = Instant::now().duration_since(counting_from).as_secs_f64();
    sqlx::query("DROP TABLE bench_ceiling")
        .execute(db.writer())
        .await?;
    Ok(done.load(Ordering::Relaxed) as f64 / elapsed)
}

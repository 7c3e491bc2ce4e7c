//! The `jifen` binary under test, as separate processes: a fresh database per run, `seed-demo`
//! and `import-divisions` timed as whole commands, and `jifen serve` with its resident memory
//! read from `/proc`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Where a run keeps its data: a temporary data directory and, on PostgreSQL, a database of
/// its own created beside the one given (`jifen_bench_<pid>_<tag>`), dropped by
/// [`Database::drop_database`].
pub struct Database {
    pub data_dir: tempfile::TempDir,
    /// `sqlite://…/jifen.db` or `postgres://…/jifen_bench_…`.
    pub url: String,
    /// The PostgreSQL server's URL and the database's name, to drop it.
    postgres: Option<(String, String)>,
}

impl Database {
    /// A fresh SQLite file, or a fresh database on the PostgreSQL server at `postgres`
    /// (`postgres://user@host:port/db`).
    pub async fn create(postgres: Option<&str>, tag: &str) -> anyhow::Result<Database> {
        let data_dir = tempfile::Builder::new().prefix("jifen-bench-").tempdir()?;
        let Some(server) = postgres else {
            let url = format!("sqlite://{}", data_dir.path().join("jifen.db").display());
            return Ok(Database {
                data_dir,
                url,
                postgres: None,
            });
        };
        let name = format!("jifen_bench_{}_{tag}", std::process::id());
        let (base, _) = server
            .rsplit_once('/')
            .context("--postgres: give postgres://user@host:port/db")?;
        let admin = jifen_server::storage::Db::connect(server, Duration::from_secs(10)).await?;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(admin.writer())
            .await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(admin.writer())
            .await?;
        admin.close().await;
        Ok(Database {
            data_dir,
            url: format!("{base}/{name}"),
            postgres: Some((server.to_owned(), name)),
        })
    }

    /// Drops the PostgreSQL database (the data directory goes with `self`).
    pub async fn drop_database(self) -> anyhow::Result<()> {
        if let Some((server, name)) = &self.postgres {
            let admin = jifen_server::storage::Db::connect(server, Duration::from_secs(10)).await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(admin.writer())
                .await?;
            admin.close().await;
        }
        Ok(())
    }

    /// A `jifen` command with this database's configuration (SMS codes to the log).
    pub fn command(&self, jifen: &Path, web_dir: &Path) -> Command {
        let mut command = Command::new(jifen);
        command
            .env("JIFEN_DATA_DIR", self.data_dir.path())
            .env("JIFEN_DATABASE_URL", &self.url)
            .env("JIFEN_WEB_DIR", web_dir)
            .env("JIFEN_SMS_PROVIDER", "log")
            .env("JIFEN_BIND", "127.0.0.1:0")
            .kill_on_drop(true);
        command
    }

    /// Runs `jifen <args>` to the end and returns how long it took; its output goes to
    /// `<data dir>/<args[0]>.log`.
    ///
    /// Errors: the command fails (its log's tail is in the error).
    pub async fn run(
        &self,
        jifen: &Path,
        web_dir: &Path,
        args: &[&str],
    ) -> anyhow::Result<Duration> {
        let log = self.data_dir.path().join(format!("{}.log", args[0]));
        let file = std::fs::File::create(&log)?;
        let started = Instant::now();
        let status = self
            .command(jifen, web_dir)
            .args(args)
            .stdout(file.try_clone()?)
            .stderr(file)
            .status()
            .await?;
        let took = started.elapsed();
        if !status.success() {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(15).collect();
            bail!(
                "jifen {} failed ({status}):\n{}",
                args.join(" "),
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        Ok(took)
    }
}

/// A running `jifen serve`.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// Its stderr (the log, with the SMS codes of the `log` provider).
    pub log: PathBuf,
}

impl Server {
    /// Starts `jifen serve` on a free port and waits (at most 60 s) until it prints its URL.
    ///
    /// Errors: it exits or stays silent (the log's tail is in the error).
    pub async fn start(db: &Database, jifen: &Path, web_dir: &Path) -> anyhow::Result<Server> {
        let log = db.data_dir.path().join("serve.log");
        let mut child = db
            .command(jifen, web_dir)
            .arg("serve")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log)?)
            .spawn()?;
        let stdout = child.stdout.take().context("the server's stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let url = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(rest) = line.strip_prefix("Jifen is serving on ") {
                    return anyhow::Ok(Some(rest.trim_end_matches('/').to_owned()));
                }
            }
            Ok(None)
        })
        .await;
        match url {
            Ok(Ok(Some(url))) => {
                // Keep reading (and dropping) stdout so the server never blocks on it.
                tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
                Ok(Server { child, url, log })
            }
            _ => {
                let _ = child.kill().await;
                let text = std::fs::read_to_string(&log).unwrap_or_default();
                bail!("jifen serve did not start:\n{text}")
            }
        }
    }

    /// The server's resident memory now and its peak so far (`VmRSS`, `VmHWM`), in KiB.
    ///
    /// Errors: `/proc/<pid>/status` cannot be read (not Linux, or the server exited).
    pub fn memory_kib(&self) -> anyhow::Result<(u64, u64)> {
        let pid = self.child.id().context("the server has exited")?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .with_context(|| format!("{name} in /proc/{pid}/status"))
        };
        Ok((field("VmRSS:")?, field("VmHWM:")?))
    }

    /// Stops the server (SIGKILL: nothing of the run is kept).
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}
